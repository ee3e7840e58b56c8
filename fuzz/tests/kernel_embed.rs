//! State embedding against the running kernel: concrete values of verified programs must lie in
//! the kernel's and the model's states (see `fuzz::embed`).

use fuzz::embed::{self, FindingKind, Report};
use fuzz::kernel::probe;

/// Runs `programs` programs of `seed` and checks that nothing is outside a state.
fn check(seed: u64, programs: usize, runs: usize) -> Option<Report> {
    if let Err(e) = probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) state embedding",
            e.reason
        );
        return None;
    }
    let mut report = Report::default();
    embed::run(seed, programs, runs, &mut report).expect("harness");
    eprintln!("{}", report.figures);
    for f in &report.findings {
        // Values after pruning are explained by the path check; the others are worth reading.
        if f.kind != FindingKind::OutsideKernelAfterPruning {
            eprintln!("---\n{f}");
        }
    }
    let f = &report.figures;
    // Every value checked against the union is placed by the path check, before or after a
    // pruning of its path.
    assert_eq!(
        f.path_checked + f.path_after_pruning,
        f.kernel_checked,
        "{f}"
    );
    assert_eq!(f.model_checked, f.kernel_checked, "{f}");
    Some(report)
}

#[test]
fn few_hundred_programs() {
    let Some(report) = check(1, 300, 16) else {
        return;
    };
    let f = &report.figures;
    assert_eq!(f.programs, 300);
    assert!(f.accepted >= 200, "too few accepted:\n{f}");
    assert!(f.kernel_checked > 10 * f.accepted, "{f}");
    for kind in [
        FindingKind::OutsideKernel,
        FindingKind::UnprintedPointReached,
        FindingKind::WrongEdge,
        FindingKind::OutsideModel,
        FindingKind::SemanticsMismatch,
    ] {
        assert_eq!(f.count(kind), 0, "{kind:?}:\n{f}");
    }
}

/// The done-when: at least 10,000 accepted programs, nothing outside the model's states.
/// `cargo test -p fuzz --test kernel_embed -- --ignored --nocapture`.
#[test]
#[ignore]
fn ten_thousand_programs() {
    let Some(report) = check(2026, 10_400, 16) else {
        return;
    };
    let f = &report.figures;
    assert!(f.accepted >= 10_000, "too few accepted:\n{f}");
    assert_eq!(f.model_explored, f.accepted, "{f}");
    for kind in [
        FindingKind::OutsideKernel,
        FindingKind::UnprintedPointReached,
        FindingKind::WrongEdge,
        FindingKind::OutsideModel,
        FindingKind::SemanticsMismatch,
    ] {
        assert_eq!(f.count(kind), 0, "{kind:?}:\n{f}");
    }
}
