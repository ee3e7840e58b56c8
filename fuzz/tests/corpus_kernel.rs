//! Corpus programs against the running kernel: the explorer's legacy packet loads, and a small
//! emitted corpus checked with `fuzz::corpus::check` (skipped loudly without `bpf(2)`).

use absint::isa::assemble;
use fuzz::kernel;
use fuzz::paths::{self, PathVerdict, PruningSource};

/// `None` (after a loud message) when bpf(2) is not permitted here.
fn kernel_available(test: &str) -> bool {
    match kernel::probe() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("SKIPPED {test}: {e}");
            false
        }
    }
}

#[test]
fn packet_loads_are_explored_as_the_kernel_does() {
    if !kernel_available("packet_loads_are_explored_as_the_kernel_does") {
        return;
    }
    let programs = [
        "r6 = r1\nr0 = *(u32 *)skb[0]\nr0 &= 255\nexit",
        "r6 = r1\nr0 = *(u8 *)skb[3]\nr7 = r0\nr0 = *(u16 *)skb[4]\nr0 += r7\nif r0 > 0x100 goto +1\nr0 = 0\nexit",
        "r6 = r1\nr2 = 1\nr0 = *(u32 *)skb[0]\nr0 = r2\nexit",
        "r0 = *(u32 *)skb[0]\nexit",
    ];
    for src in programs {
        let insns = assemble(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let report = paths::compare(&insns, PruningSource::Own).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            report.verdict,
            PathVerdict::Match,
            "{src}\nkernel log:\n{}\nkernel: {:?}\nexplorer: {:?}",
            report.log,
            report.kernel,
            report.explorer
        );
    }
}

#[test]
fn a_small_corpus_is_confirmed_by_the_kernel() {
    use fuzz::corpus::check::check;
    use fuzz::corpus::emit::{emit, EmitOptions};
    use fuzz::corpus::export::Format;
    use fuzz::corpus::record::CaseKind;
    let dir = std::env::temp_dir().join(format!("vernier-corpus-test-{}", std::process::id()));
    let options = EmitOptions {
        kinds: vec![
            CaseKind::MutantKiller,
            CaseKind::PrecisionWitness,
            CaseKind::BoundarySeed,
        ],
        formats: vec![Format::Jsonl],
        count: 400,
        seed: 7,
        witnesses_per_operator: 2,
        out: dir.clone(),
        synthesis: Some(fuzz::corpus::synthesis::bundled()),
        z3_timeout: std::time::Duration::from_secs(20),
    };
    let (cases, summary) = emit(&options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.survivors.is_empty(), "{:?}", summary.survivors);
    assert_eq!(cases.len(), 400);
    let _ = std::fs::remove_dir_all(&dir);
    if !kernel_available("a_small_corpus_is_confirmed_by_the_kernel") {
        return;
    }
    let report = check(&cases, &|_| {});
    eprintln!(
        "{} cases: {} accepted, {} rejected, {} confirmed, {} states, {} runs",
        report.cases,
        report.accepted,
        report.rejected,
        report.confirmed,
        report.states_compared,
        report.runs
    );
    assert!(
        report.findings.is_empty(),
        "{} findings, first: {:#?}",
        report.findings.len(),
        &report.findings[..report.findings.len().min(10)]
    );
    assert!(report.runs > 0);
}
