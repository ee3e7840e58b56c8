//! Compositional proofs of the register-level steps (`synth::steps`): the stage lemmas of the
//! bounds synchronisation are proved, a planted broken stage is refuted, and the pre lemmas of
//! a few steps are proved (the full 72-step campaign is the ignored test `campaign`).

use absint::domain::kernel::sync::update_bounds64;
use absint::domain::scalar::Scalar;
use absint::isa::{AluOp, Width};
use absint::word::Word;
use std::io::Write;
use std::time::Duration;
use synth::catalog::kernel::KernelForm;
use synth::smt::Z3Word;
use synth::steps::{self, Outcome};

const TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn every_stage_of_sync_keeps_every_member() {
    let lemmas = steps::prove_stages(TIMEOUT);
    assert_eq!(
        lemmas.len(),
        8,
        "five stages, and update_bounds64 in three parts"
    );
    for l in &lemmas {
        eprintln!("{}: {} in {:.2?}", l.name, l.outcome, l.elapsed);
        assert_eq!(l.outcome, Outcome::Valid, "{}", l.name);
    }
}

/// A broken stage: `update_bounds64` that also tightens umax by one.
fn tighten_umax(s: &Scalar<Z3Word>) -> Scalar<Z3Word> {
    let mut r = update_bounds64(s);
    r.umax = r.umax.bvsub(&r.umax.lit(1));
    r
}

/// A broken stage: the tnum's lowest bit claimed known zero.
fn clear_low_mask_bit(s: &Scalar<Z3Word>) -> Scalar<Z3Word> {
    let mut r = s.clone();
    r.var_off.mask = r.var_off.mask.bvand(&r.var_off.mask.lit(!1));
    r
}

#[test]
fn planted_broken_stages_are_refuted() {
    for (name, f) in [
        ("update_bounds64, umax - 1", tighten_umax as steps::StageFn),
        ("mask bit 0 cleared", clear_low_mask_bit),
    ] {
        let l = steps::prove_stage(name, f, TIMEOUT);
        assert!(
            matches!(l.outcome, Outcome::Counterexample(_)),
            "{name}: {}",
            l.outcome
        );
    }
}

#[test]
fn pre_lemmas_of_add_and_or_are_valid() {
    for form in [
        KernelForm::AluX(Width::W64, AluOp::Add),
        KernelForm::AluK(Width::W32, AluOp::Or),
    ] {
        let l = steps::prove_pre(form, TIMEOUT);
        assert_eq!(l.outcome, Outcome::Valid, "{}: {}", l.name, l.outcome);
    }
}

#[test]
fn a_step_is_valid_only_with_every_lemma_valid() {
    let valid = |name: &str, outcome| steps::Lemma {
        name: name.into(),
        outcome,
        elapsed: Duration::ZERO,
    };
    let stages = vec![
        valid("stage a", Outcome::Valid),
        valid("stage b", Outcome::Valid),
    ];
    let pre_ok = valid("pre", Outcome::Valid);
    assert_eq!(
        steps::combine("s", pre_ok.clone(), &stages).outcome,
        Outcome::Valid
    );
    let broken = vec![
        valid("stage a", Outcome::Valid),
        valid("stage b", Outcome::Unknown("timeout after 1s".into())),
    ];
    assert!(matches!(
        steps::combine("s", pre_ok, &broken).outcome,
        Outcome::Unknown(_)
    ));
    let pre_cex = valid("pre", Outcome::Counterexample("m".into()));
    assert!(matches!(
        steps::combine("s", pre_cex, &stages).outcome,
        Outcome::Counterexample(_)
    ));
}

/// The 72-step campaign: `STEPS_TIMEOUT` seconds per pre lemma (default 60), rows printed as
/// they complete (`STEPS_LOG` also receives them; `STEPS_REVERSE=1` runs the list backwards). Run with `--ignored --nocapture`.
#[test]
#[ignore]
fn campaign() {
    let secs = std::env::var("STEPS_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let timeout = Duration::from_secs(secs);
    let mut log = std::env::var("STEPS_LOG")
        .ok()
        .and_then(|p| std::fs::File::create(p).ok());
    let mut emit = |line: String| {
        eprintln!("{line}");
        if let Some(f) = log.as_mut() {
            let _ = writeln!(f, "{line}");
            let _ = f.flush();
        }
    };
    // The pre lemmas only: the stage lemmas are the other tests; a step's verdict combines
    // both (`steps::combine`).
    let mut counts = [0usize; 3];
    let mut forms = KernelForm::all();
    // `STEPS_REVERSE=1`: the other end first (a second process can share the list).
    if std::env::var("STEPS_REVERSE").is_ok_and(|v| v == "1") {
        forms.reverse();
    }
    // `STEPS_ONLY=name,name`: only those steps.
    if let Ok(only) = std::env::var("STEPS_ONLY") {
        let names: Vec<&str> = only.split(',').collect();
        forms.retain(|f| names.contains(&f.name().as_str()));
    }
    for form in forms {
        let p = steps::prove_pre(form, timeout);
        let i = match p.outcome {
            Outcome::Valid => 0,
            Outcome::Counterexample(_) => 1,
            Outcome::Unknown(_) => 2,
        };
        counts[i] += 1;
        let detail = match &p.outcome {
            Outcome::Valid => String::new(),
            other => other.to_string().chars().take(300).collect(),
        };
        emit(format!(
            "{}\t{:.2}s\t{}\t{}",
            form.name(),
            p.elapsed.as_secs_f64(),
            p.outcome.label(),
            detail
        ));
    }
    emit(format!(
        "total: {} valid, {} counterexample, {} unknown",
        counts[0], counts[1], counts[2]
    ));
}
