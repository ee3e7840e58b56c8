//! Replays every regression fixture in `fuzz/regressions/` (see `fuzz::regress`): the model,
//! as it is now, against the kernel log stored with the case (always), and against the running
//! kernel (when `bpf(2)` is permitted; skipped loudly otherwise).
//!
//! A case marked `Status: open` is a disagreement not fixed yet: the test checks it still
//! disagrees in the same way, and fails once the model agrees, so that the mark is dropped and
//! the case guards the fix from then on.

use fuzz::paths::{self, PathVerdict, PruningSource};
use fuzz::regress::{self, Provenance, Regression, Written};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}

fn cases() -> Vec<Regression> {
    let cases = regress::load_all(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty(), "no regression fixtures found");
    cases
}

/// What went wrong with one case, or `None`.
fn check(case: &Regression, report: &paths::PathReport) -> Option<String> {
    match (case.open, report.disagreement()) {
        (false, None) => None,
        (true, Some(_)) => None,
        (false, Some(kind)) => Some(format!(
            "{}: the model disagrees ({kind}): {:?}\n{}",
            case.name,
            report.verdict,
            report.field_differences().join("\n")
        )),
        (true, None) => Some(format!(
            "{}: marked `Status: open` but the model now agrees: drop the line from its README",
            case.name
        )),
    }
}

#[test]
fn regressions_replay_against_their_stored_kernel_logs() {
    let mut problems = Vec::new();
    let cases = cases();
    for case in &cases {
        let report = case
            .replay_stored()
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert!(report.matched > 0, "{}: nothing compared", case.name);
        problems.extend(check(case, &report));
    }
    let open = cases.iter().filter(|c| c.open).count();
    eprintln!(
        "{} regressions replayed against stored kernel logs ({open} open)",
        cases.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn regressions_replay_against_the_live_kernel() {
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) regressions_replay_against_the_live_kernel",
            e.reason
        );
        return;
    }
    let mut problems = Vec::new();
    for case in &cases() {
        let live = paths::compare(&case.insns, PruningSource::Own)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let stored = case
            .replay_stored()
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        // The stored log is still what this kernel prints.
        if live.kernel != stored.kernel || live.accepted != case.accepted() {
            problems.push(format!(
                "{}: the running kernel's log differs from kernel.log",
                case.name
            ));
        }
        problems.extend(check(case, &live));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A written case reads back, replays as the disagreement it was written for, and is not
/// written twice. The disagreement is planted: the 0001 kernel log with one bound altered.
#[test]
fn a_written_regression_reads_back() {
    let source = cases()
        .into_iter()
        .find(|c| c.name.starts_with("0001_"))
        .expect("case 0001 present");
    let planted_log = source.kernel_log.replace(
        "R6=scalar(smin=0xffffffff00000000,",
        "R6=scalar(smin=0xfffffffe00000000,",
    );
    assert_ne!(planted_log, source.kernel_log, "the planted change applies");
    let report = paths::compare_log(&source.insns, &planted_log, true, PruningSource::Own)
        .expect("the planted log parses");
    let kind = report.disagreement().expect("the planted change is caught");
    assert_eq!(kind.to_string(), "state at lsh64 K");
    assert_eq!(
        report.field_differences(),
        ["R6 smin: kernel 0xfffffffe00000000, model 0xffffffff00000000"]
    );
    let dir = std::env::temp_dir().join(format!("vernier-regress-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let found = Provenance {
        command: "planted".into(),
        program: 0,
        original_len: source.insns.len(),
        notes: vec!["A planted disagreement.".into()],
    };
    let written = regress::write(&dir, &report, &kind, &found).expect("written");
    let Written::New(case_dir) = written else {
        panic!("a new case expected, got {written:?}")
    };
    assert!(case_dir.ends_with("0001_state_lsh64_k"), "{case_dir:?}");
    let back = Regression::load(&case_dir).expect("reads back");
    assert!(back.open);
    assert_eq!(back.insns, source.insns);
    assert_eq!(back.kernel_log, planted_log);
    let replayed = back.replay_stored().expect("replays");
    assert_eq!(replayed.disagreement(), Some(kind.clone()));
    assert!(matches!(replayed.verdict, PathVerdict::Mismatch { .. }));
    assert_eq!(
        regress::write(&dir, &report, &kind, &found).expect("second write"),
        Written::Existing(case_dir)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shrinker with the kernel in the loop: a generated program the kernel rejects shrinks to
/// a few instructions the kernel rejects with the same message, every jump still in place.
#[test]
fn shrinking_with_the_kernel_in_the_loop() {
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) shrinking_with_the_kernel_in_the_loop",
            e.reason
        );
        return;
    }
    let mut rng = fuzz::sample::Rng::new(0x5_4a1e);
    let (program, message) = (0..500)
        .find_map(|_| {
            let len = 20 + rng.below(20) as usize;
            let p = paths::generate(&mut rng, len);
            let r = paths::compare(&p, PruningSource::Own).ok()?;
            let message = r.kernel.iter().find_map(|e| match e {
                paths::Entry::Error(m) if m.contains("!read_ok") && !r.accepted => Some(m.clone()),
                _ => None,
            })?;
            let jumps = p
                .iter()
                .filter(|i| matches!(i, absint::isa::Insn::Jump { .. }))
                .count();
            (jumps > 2).then_some((p, message))
        })
        .expect("some generated program reads an uninitialised register after jumps");
    let rejected_so = |p: &[absint::isa::Insn]| {
        paths::compare(p, PruningSource::Own).is_ok_and(|r| {
            r.kernel
                .iter()
                .any(|e| matches!(e, paths::Entry::Error(m) if *m == message))
        })
    };
    let shrunk = fuzz::shrink::shrink(&program, &mut |p| rejected_so(p));
    assert!(rejected_so(&shrunk));
    assert!(
        shrunk.len() <= 3,
        "{} instructions left:\n{}",
        shrunk.len(),
        absint::isa::disasm_program(&shrunk)
    );
    assert!(shrunk.len() < program.len());
}
