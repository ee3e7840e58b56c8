//! The inductive proofs of the older tnum multiplications (`synth::induction`): valid at 8 and
//! 64 bits, a planted broken loop body rejected, and agreement with the exhaustive check at
//! 4 bits.

use absint::domain::tnum::Tnum;
use absint::word::Word;
use std::time::Duration;
use synth::catalog::tnum::{TnumEntry, TnumOp};
use synth::induction::{self, inductive_proof, INDUCTIVE};
use synth::smt::Z3Word;
use synth::verify::{combine, exhaustive, Verdict};

const BUDGET: Duration = Duration::from_secs(60);

fn holds(name: &str, width: u32, lemma_count: usize) {
    let lemmas = inductive_proof(name, width, BUDGET).expect("an inductive proof");
    assert_eq!(lemmas.len(), lemma_count, "{name}: every lemma is checked");
    for l in &lemmas {
        assert!(
            l.verdict.is_valid(),
            "{name} at {width} bits, lemma '{}': {:?}",
            l.name,
            l.verdict
        );
    }
    assert!(combine(&lemmas).is_valid());
}

#[test]
fn mul_v5_13_inductive_proof_holds_at_8_and_64_bits() {
    holds("tnum.mul.v5_13", 8, 7);
    holds("tnum.mul.v5_13", 64, 7);
}

#[test]
fn mul_pre_v5_13_inductive_proof_holds_at_8_and_64_bits() {
    holds("tnum.mul.pre_v5_13", 8, 6);
    holds("tnum.mul.pre_v5_13", 64, 6);
}

#[test]
fn only_the_multiplications_have_an_inductive_proof() {
    for name in INDUCTIVE {
        assert!(inductive_proof(name, 4, BUDGET).is_some(), "{name}");
    }
    assert!(inductive_proof("tnum.add", 4, BUDGET).is_none());
}

/// The 5.13 loop body with the known-1 case adding `(0; b.v)` instead of `(0; b.m)`.
fn broken_step(acc: &Tnum<Z3Word>, a: &Tnum<Z3Word>, b: &Tnum<Z3Word>) -> Tnum<Z3Word> {
    let zero = acc.value.zero();
    let if_one = acc.add(&Tnum::new(zero.clone(), b.value.clone()));
    let if_unknown = acc.add(&Tnum::new(zero, b.value.bvor(&b.mask)));
    Tnum::ite(
        &a.value.lsb(),
        &if_one,
        &Tnum::ite(&a.mask.lsb(), &if_unknown, acc),
    )
}

#[test]
fn a_broken_loop_body_is_not_proved() {
    let lemmas = induction::prove_mul_v5_13_inductive_with(8, BUDGET, broken_step);
    let unrolled = lemmas
        .iter()
        .find(|l| l.name.starts_with("unrolled"))
        .expect("the unrolled lemma");
    assert!(
        !unrolled.verdict.is_valid(),
        "the broken body is not the code that runs"
    );
    assert!(matches!(combine(&lemmas), Verdict::Unknown(_)));
}

#[test]
fn the_older_multiplications_are_sound_exhaustively_at_4_bits() {
    for op in [TnumOp::MulV513, TnumOp::MulPreV513] {
        assert!(exhaustive(&TnumEntry::new(op), 4).is_valid(), "{op:?}");
    }
}
