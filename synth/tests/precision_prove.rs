//! z3 proofs that one operator is at least as precise as another agree with the exhaustive
//! pair-by-pair comparison, and their counterexamples are real.

use absint::domain::tnum::Tnum;
use absint::word::Bv;
use std::time::Duration;
use synth::precision::prove::{at_least_as_precise, Verdict};
use synth::precision::{no_progress, BinaryOp, Grid, PrecisionError};

const TIMEOUT: Duration = Duration::from_secs(60);

fn op(name: &str) -> BinaryOp {
    BinaryOp::by_name(name).unwrap()
}

/// Exhaustively at `width`: is `a`'s result included in `b`'s on every pair?
fn exhaustively_at_least_as_precise(a: &str, b: &str, width: u32) -> bool {
    let (a, b) = (op(a), op(b));
    let r = Grid::full(width).unwrap().pairwise::<Tnum<Bv>>(
        a.abstract_fn(width),
        b.abstract_fn(width),
        &no_progress,
    );
    r.worse == 0 && r.incomparable == 0
}

#[test]
fn proofs_agree_with_exhaustive_comparison_at_5_bits() {
    for (a, b) in [
        ("tnum.mul", "tnum.mul.v5_13"),
        ("tnum.mul.v5_13", "tnum.mul"),
        ("tnum.mul.v5_13", "tnum.mul.pre_v5_13"),
        ("mutant.tnum.mul.no_union", "tnum.mul"),
        ("mutant.tnum.add", "tnum.add"),
        ("tnum.or", "tnum.xor"),
        ("tnum.mul", "tnum.mul"),
    ] {
        let verdict = at_least_as_precise(&op(a), &op(b), 5, TIMEOUT).unwrap();
        let expected = exhaustively_at_least_as_precise(a, b, 5);
        match verdict {
            Verdict::Valid => assert!(expected, "{a} ⊑ {b}: z3 says valid"),
            Verdict::Counterexample(_) => {
                assert!(!expected, "{a} ⊑ {b}: z3 found a counterexample")
            }
            Verdict::Unknown(reason) => panic!("{a} ⊑ {b} at 5 bits: unknown ({reason})"),
        }
    }
}

#[test]
fn the_6_18_multiplication_is_not_always_at_least_as_precise_as_the_5_13_one_at_8_bits() {
    let verdict = at_least_as_precise(&op("tnum.mul"), &op("tnum.mul.v5_13"), 8, TIMEOUT).unwrap();
    let Verdict::Counterexample(ex) = verdict else {
        panic!("expected a counterexample, got {verdict}");
    };
    // The counterexample replays on concrete words.
    let (a, b) = (*ex.a.tnum(), *ex.b.tnum());
    let (ours, older) = (a.mul(&b), a.mul_v5_13(&b));
    assert_eq!((*ex.result.tnum(), *ex.reference.tnum()), (ours, older));
    assert!(!older.includes(&ours), "{ours} ⊄ {older}");
}

#[test]
fn an_operator_is_at_least_as_precise_as_itself_at_64_bits() {
    for name in ["tnum.add", "tnum.and", "uint.add", "sint.sub"] {
        let verdict = at_least_as_precise(&op(name), &op(name), 64, TIMEOUT).unwrap();
        assert!(matches!(verdict, Verdict::Valid), "{name}: {verdict}");
    }
}

#[test]
fn operators_of_different_domains_are_an_error() {
    assert!(matches!(
        at_least_as_precise(&op("tnum.add"), &op("uint.add"), 8, TIMEOUT),
        Err(PrecisionError::DomainMismatch(..))
    ));
    assert!(matches!(
        at_least_as_precise(&op("tnum.with_subreg"), &op("tnum.with_subreg"), 8, TIMEOUT),
        Err(PrecisionError::UnsupportedWidth(..))
    ));
}
