//! Kernel-differential test of single steps: every ALU and conditional-jump form, on a seeded
//! sample of input shapes, run by the running kernel's verifier and by the model.
//!
//! Prints a table of compared/matched steps per form and fails on any disagreement, showing the
//! program, the kernel log and both states. Skips loudly when `bpf(2)` is not permitted.

use fuzz::diff::{check_step, KernelOps, KernelStep, Verdict};
use fuzz::sample::{form_name, sample};
use std::collections::BTreeMap;

/// The sample's seed: a fixed seed names a fixed sample.
const SEED: u64 = 0x5e_ed0f_7e57;
/// Cases per form (116 forms).
const PER_FORM: usize = 150;

#[derive(Default)]
struct Row {
    run: usize,
    compared: usize,
    matched: usize,
    not_reached: usize,
    model_missing: usize,
    rejected: usize,
    decided: usize,
}

#[test]
fn kernel_single_steps() {
    run_sample("kernel_single_steps", SEED, PER_FORM);
}

/// A larger sample (about 140 000 steps, under a minute): run with `--ignored` when changing
/// the model.
#[test]
#[ignore]
fn kernel_single_steps_large() {
    run_sample("kernel_single_steps_large", 0x1_a46e_0001, 600);
    run_sample("kernel_single_steps_large", 0x1_a46e_0002, 600);
}

fn run_sample(test: &str, seed: u64, per_form: usize) {
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!("SKIPPED (bpf(2) not permitted: {}) {test}", e.reason);
        return;
    }
    let cases = sample(seed, per_form);
    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut harness_errors = Vec::new();
    for case in &cases {
        let name = form_name(&case.step);
        let row = table.entry(name.clone()).or_default();
        row.run += 1;
        let report = match check_step(&case.step, &case.dst, &case.src, &KernelOps) {
            Ok(r) => r,
            Err(e) => {
                harness_errors.push(format!(
                    "{name}: {e} (dst {:?}, src {:?})",
                    case.dst, case.src
                ));
                continue;
            }
        };
        match &report.kernel {
            Some(KernelStep::Rejected { .. }) => row.rejected += 1,
            Some(KernelStep::Branch { fallthrough, taken })
                if fallthrough.is_none() || taken.is_none() =>
            {
                row.decided += 1
            }
            _ => {}
        }
        match &report.verdict {
            Verdict::Match => {
                row.compared += 1;
                row.matched += 1;
            }
            Verdict::Mismatch(_) => {
                row.compared += 1;
                failures.push(report.describe());
            }
            Verdict::ModelMissing => row.model_missing += 1,
            Verdict::NotReached => row.not_reached += 1,
        }
    }
    println!(
        "{:<14} {:>5} {:>8} {:>7} {:>8} {:>7} {:>11} {:>8}",
        "form", "run", "compared", "matched", "rejected", "decided", "not-reached", "no-model"
    );
    let mut total = Row::default();
    for (name, r) in &table {
        println!(
            "{name:<14} {:>5} {:>8} {:>7} {:>8} {:>7} {:>11} {:>8}",
            r.run, r.compared, r.matched, r.rejected, r.decided, r.not_reached, r.model_missing
        );
        total.decided += r.decided;
        total.run += r.run;
        total.compared += r.compared;
        total.matched += r.matched;
        total.rejected += r.rejected;
        total.not_reached += r.not_reached;
        total.model_missing += r.model_missing;
    }
    println!(
        "{:<14} {:>5} {:>8} {:>7} {:>8} {:>7} {:>11} {:>8}",
        "TOTAL",
        total.run,
        total.compared,
        total.matched,
        total.rejected,
        total.decided,
        total.not_reached,
        total.model_missing
    );
    for e in &harness_errors {
        println!("HARNESS ERROR: {e}");
    }
    for f in failures.iter().take(20) {
        println!("---- DISAGREEMENT ----\n{f}");
    }
    assert!(
        harness_errors.is_empty(),
        "{} harness errors",
        harness_errors.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements with the kernel",
        failures.len()
    );
    // The harness must have parsed the kernel's side of nearly every step.
    assert!(
        total.not_reached * 10 < total.run,
        "too many steps not reached"
    );
}

/// A model with a planted bug (the taken edge of every undecided jump keeps `r6`'s input state)
/// must be caught: the harness compares something real.
#[test]
fn a_broken_branch_model_is_caught() {
    use absint::domain::kernel::{AluOutcome, BranchOutcome, Reject};
    use absint::domain::Scalar;
    use absint::isa::{Cond, Insn, Width};
    use absint::word::Bv;
    use fuzz::diff::Model;

    struct Broken;
    impl Model for Broken {
        fn alu(
            &self,
            _: &Insn,
            _: &Scalar<Bv>,
            _: &Scalar<Bv>,
        ) -> Option<Result<AluOutcome<Bv>, Reject>> {
            None
        }
        fn branch(
            &self,
            cond: Cond,
            width: Width,
            dst: &Scalar<Bv>,
            src: &Scalar<Bv>,
        ) -> Option<BranchOutcome<Bv>> {
            let mut out = KernelOps.branch(cond, width, dst, src)?;
            out.taken[0] = *dst;
            Some(out)
        }
    }
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) a_broken_branch_model_is_caught",
            e.reason
        );
        return;
    }
    let caught = sample(SEED, 4)
        .iter()
        .filter(|c| matches!(c.step, Insn::Jump { .. }))
        .filter_map(|c| check_step(&c.step, &c.dst, &c.src, &Broken).ok())
        .filter(|r| matches!(r.verdict, Verdict::Mismatch(_)))
        .count();
    assert!(
        caught > 10,
        "only {caught} mismatches found for a broken model"
    );
}

/// Every scalar the kernel prints in the probes' logs parses, and prints back to the very same
/// text: the printing rules of `absint::logfmt` are the kernel's.
#[test]
fn kernel_printed_scalars_round_trip() {
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) kernel_printed_scalars_round_trip",
            e.reason
        );
        return;
    }
    let mut seen = std::collections::BTreeSet::new();
    for case in sample(SEED ^ 1, 12) {
        let program = fuzz::shapes::step_program(&case.step, &case.dst, &case.src);
        let code = absint::isa::encode(&program.insns);
        let Ok(load) = fuzz::kernel::load(&code, &fuzz::kernel::LoadOptions::default()) else {
            continue;
        };
        for line in load.log.lines() {
            // Items are separated by spaces outside parentheses.
            let mut depth = 0;
            let mut item = String::new();
            for c in line.chars().chain(std::iter::once(' ')) {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if c == ' ' && depth == 0 {
                    if let Some((_, value)) = item.split_once('=').filter(|_| item.starts_with('R'))
                    {
                        let bare = value.strip_prefix('P').unwrap_or(value);
                        if bare.starts_with("scalar(")
                            || bare.starts_with('-')
                            || bare.starts_with(|c: char| c.is_ascii_digit())
                        {
                            seen.insert(value.to_string());
                        }
                    }
                    item.clear();
                } else {
                    item.push(c);
                }
            }
        }
    }
    assert!(
        seen.len() > 500,
        "only {} distinct scalars printed",
        seen.len()
    );
    for text in &seen {
        let parsed =
            absint::logfmt::parse_reg_value(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(&parsed.to_string(), text);
    }
    println!("{} distinct kernel-printed scalars round-trip", seen.len());
}

/// `fuzz/regressions/0001_lsh64_by_32_negative_s32_min`: `r6 <<= 32` on `[-1, 0]` and on
/// `s32` in `[-14, 1]`.
#[test]
fn regression_0001() {
    use absint::isa::{AluOp, Cond, Insn, Operand, Reg, Width};
    use fuzz::shapes::{Refine, Shape};
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) regression_0001",
            e.reason
        );
        return;
    }
    let step = Insn::Alu {
        width: Width::W64,
        op: AluOp::Lsh,
        dst: Reg::new(6).unwrap(),
        src: Operand::Imm(32),
    };
    let exit_if = |cond, value| Refine::ExitIf {
        width: Width::W32,
        cond,
        value,
    };
    for dst in [
        Shape::Unknown(vec![Refine::SignSmear]),
        Shape::Unknown(vec![
            exit_if(Cond::Slt, -14i64 as u64),
            exit_if(Cond::Sgt, 1),
        ]),
    ] {
        let report = check_step(&step, &dst, &Shape::Const(0), &KernelOps).unwrap();
        assert_eq!(report.verdict, Verdict::Match, "{}", report.describe());
    }
}
