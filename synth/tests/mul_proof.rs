//! The compositional soundness proof of the tnum multiplication pieces
//! (`synth::pieces::mul::proof`): every lemma valid at 8 and at 64 bits.

use std::time::Duration;
use synth::pieces::mul::proof::prove_pieces_compositional;
use synth::verify::{combine, Verdict};

const BUDGET: Duration = Duration::from_secs(120);

fn holds(width: u32, max_split: u32) {
    let lemmas = prove_pieces_compositional(width, max_split, BUDGET);
    for l in &lemmas {
        eprintln!(
            "{width:>2} bits  {:>8.2?}  {:<8} {}",
            l.elapsed,
            l.verdict.label(),
            l.name
        );
        assert!(
            l.verdict.is_valid(),
            "{width} bits, lemma '{}': {:?}",
            l.name,
            l.verdict
        );
    }
    assert!(combine(&lemmas).is_valid());
}

#[test]
fn every_lemma_holds_at_8_bits() {
    holds(8, 3);
}

/// The pieces of `tnum.mul.precise` (splits on up to two bits): about 30 s.
#[test]
fn every_lemma_of_precise_holds_at_64_bits() {
    holds(64, 2);
}

/// Adds the three-bit split of `tnum.mul.precise_max`.
#[test]
#[ignore = "the three-bit split lemma takes about a minute at 64 bits"]
fn every_lemma_of_precise_max_holds_at_64_bits() {
    holds(64, 3);
}

#[test]
fn the_unproved_middle_widths_are_reported_unknown() {
    let lemmas = prove_pieces_compositional(40, 1, BUDGET);
    assert!(!combine(&lemmas).is_valid());
}

#[test]
fn a_refuted_lemma_is_reported_not_folded_into_valid() {
    let mut lemmas = prove_pieces_compositional(4, 1, BUDGET);
    let last = lemmas.len() - 1;
    lemmas[last].verdict = Verdict::Unknown("lemma refuted by z3 model: x = 1".into());
    assert!(!combine(&lemmas).is_valid());
}
