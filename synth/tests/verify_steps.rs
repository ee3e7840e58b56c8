//! Compositional proofs of the register-level steps (`synth::steps`): the stage lemmas of the
//! bounds synchronisation are proved, a planted broken stage is refuted, and the pre lemmas of
//! a few steps are proved, and so are the multiplication and well-formedness lemmas (the
//! full 72-step campaign is `vernier verify 'kernel.*' --compositional`).

use absint::domain::kernel::sync::update_bounds64;
use absint::domain::scalar::Scalar;
use absint::isa::{AluOp, Width};
use absint::word::Word;
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

#[test]
fn the_multiplication_lemmas_are_valid() {
    let lemmas = steps::prove_mul_lemmas(TIMEOUT);
    assert_eq!(lemmas.len(), 3, "umul-mono, smul-box, low-half");
    for l in &lemmas {
        assert_eq!(l.outcome, Outcome::Valid, "{}", l.name);
    }
}

#[test]
fn a_synchronised_state_with_a_member_is_well_formed() {
    let l = steps::prove_sync_well_formed(TIMEOUT);
    assert_eq!(l.outcome, Outcome::Valid, "{}", l.name);
}

proptest::proptest! {
    /// The product-bounds instances hold on concrete words (they are instances of the lemmas,
    /// so no input may falsify them), at 8 bits where products overflow often.
    #[test]
    fn product_bound_instances_hold_on_concrete_words(
        v in proptest::array::uniform6(0u64..256),
    ) {
        use absint::word::Bv;
        let w = |x: u64| Bv::new(8, x);
        let (x, y) = (w(v[0]), w(v[1]));
        let mut b1 = [v[2], v[3]];
        b1.sort();
        let mut b2 = [v[4], v[5]];
        b2.sort();
        let (a, b, c, d) = (w(b1[0]), w(b1[1]), w(b2[0]), w(b2[1]));
        proptest::prop_assert!(steps::umul_bounds_instance(&x, &y, (&a, &b), (&c, &d)));
        let mut s1 = [a.signed(), b.signed()];
        s1.sort();
        let mut s2 = [c.signed(), d.signed()];
        s2.sort();
        let s = |x: i64| Bv::new(8, x as u64);
        proptest::prop_assert!(steps::smul_bounds_instance(
            &x,
            &y,
            (&s(s1[0]), &s(s1[1])),
            (&s(s2[0]), &s(s2[1]))
        ));
    }
}
