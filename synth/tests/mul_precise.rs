//! `tnum.mul.precise` and its pieces (`synth::pieces::mul`): soundness exhaustively at 4 bits
//! (8 bits ignored by default), the exact-share figures on the 6-bit grid, never less precise
//! than the kernel's multiplication, and the z3 proofs that run in seconds.

use absint::domain::tnum::Tnum;
use absint::word::Bv;
use std::time::Duration;
use synth::pieces::mul::{precise, MulEntry, MulPiece, PIECES};
use synth::precision::prove::{at_least_as_precise, Verdict as PrecisionVerdict};
use synth::precision::{no_progress, BinaryOp, Grid};
use synth::verify::{exhaustive, prove};

fn op(name: &str) -> BinaryOp {
    BinaryOp::by_name(name).unwrap()
}

fn product(w: u32) -> impl Fn(u64, u64) -> u64 + Sync {
    move |x, y| x.wrapping_mul(y) & absint::word::width_mask(w)
}

#[test]
fn every_piece_is_in_the_catalog_and_sound_exhaustively_at_4_bits() {
    for piece in PIECES {
        let name = piece.name();
        assert!(
            BinaryOp::by_name(&name).is_ok(),
            "{name} not in the catalog"
        );
        let verdict = exhaustive(&MulEntry::new(piece), 4);
        assert!(verdict.is_valid(), "{name}: {verdict:?}");
    }
}

#[test]
fn every_piece_holds_every_product_of_5_bit_members_at_64_bits() {
    // The exhaustive checker at width 64 would enumerate 3^64 tnums; instead: every 5-bit tnum
    // (zero-extended) at 64 bits, every pair of members, concretely.
    let tnums: Vec<Tnum<Bv>> = Tnum::all(5)
        .map(|t| Tnum::new(Bv::u64(t.v()), Bv::u64(t.m())))
        .collect();
    for piece in PIECES {
        for a in &tnums {
            for b in &tnums {
                let r = piece.apply(a, b);
                for x in a.members() {
                    for y in b.members() {
                        assert!(r.has(x * y), "{}: {a} * {b} misses {x} * {y}", piece.name());
                    }
                }
            }
        }
    }
}

/// The 6-bit-member grid at 64 bits (531,441 pairs): exact counts, no unsound pair.
#[test]
fn exact_shares_on_the_6_bit_grid_at_64_bits() {
    let grid = Grid::new(64, 6).unwrap();
    let expected = [
        ("tnum.mul", 432_406),
        ("tnum.mul.precise", 523_946),
        ("tnum.mul.precise_max", 530_785),
    ];
    for (name, exact) in expected {
        let o = op(name);
        let report = grid.against_best::<Tnum<Bv>>(product(64), o.abstract_fn(64), &no_progress);
        assert_eq!(report.unsound, 0, "{name}");
        assert_eq!(report.exact, exact, "{name}: {report}");
    }
}

#[test]
fn never_less_precise_than_the_kernel_on_the_6_bit_grid() {
    let grid = Grid::new(64, 6).unwrap();
    let kernel = op("tnum.mul");
    for name in ["tnum.mul.precise", "tnum.mul.precise_max"] {
        let o = op(name);
        let r = grid.pairwise::<Tnum<Bv>>(o.abstract_fn(64), kernel.abstract_fn(64), &no_progress);
        assert_eq!(r.worse, 0, "{name}: {:?}", r.first_worse);
        assert_eq!(r.incomparable, 0, "{name}: {:?}", r.first_incomparable);
        assert!(r.better > 90_000, "{name}: only {} better", r.better);
    }
}

#[test]
fn the_wrapping_6_bit_operator_is_sound_on_every_pair() {
    let grid = Grid::full(6).unwrap();
    let o = op("tnum.mul.precise");
    let report = grid.against_best::<Tnum<Bv>>(product(6), o.abstract_fn(6), &no_progress);
    assert_eq!(report.unsound, 0, "{report}");
    // The kernel's: 496,477.
    assert_eq!(report.exact, 524_250, "{report}");
}

#[test]
fn a_worked_example_the_kernel_gets_wrong() {
    // {6, 7, 22, 23} · 3 = {18, 21, 66, 69}: the best tnum is (0x0; 0x57).
    let a = Tnum::u64(6, 17);
    let b = Tnum::const_u64(3);
    assert_eq!(a.mul(&b).to_string(), "(0x0; 0x7f)");
    assert_eq!(precise(&a, &b).to_string(), "(0x0; 0x57)");
}

/// Plain z3 (the whole operator as one query): the swapped kernel multiplication and the single
/// range piece. (The split ranges time out at 8 bits as one query; their proof is
/// compositional, `tests/mul_proof.rs`.)
fn swapped_and_range_sound(width: u32) {
    for piece in [MulPiece::Swapped, MulPiece::Range] {
        let verdict = prove(&MulEntry::new(piece), width, Duration::from_secs(300));
        assert!(verdict.is_valid(), "{}: {verdict:?}", piece.name());
    }
}

#[test]
fn z3_proves_the_swapped_and_range_pieces_sound_at_6_bits() {
    swapped_and_range_sound(6);
}

#[test]
#[ignore = "about 100 s on a loaded 2-core machine"]
fn z3_proves_the_swapped_and_range_pieces_sound_at_8_bits() {
    swapped_and_range_sound(8);
}

/// Plain z3 on the whole of `tnum.mul.precise`, as one query, at small widths.
#[test]
fn z3_proves_precise_sound_as_one_query_at_4_bits() {
    let verdict = prove(
        &MulEntry::new(MulPiece::Precise),
        4,
        Duration::from_secs(300),
    );
    assert!(verdict.is_valid(), "{verdict:?}");
}

#[test]
#[ignore = "over a minute on a loaded 2-core machine"]
fn z3_proves_precise_sound_as_one_query_at_5_bits() {
    let verdict = prove(
        &MulEntry::new(MulPiece::Precise),
        5,
        Duration::from_secs(600),
    );
    assert!(verdict.is_valid(), "{verdict:?}");
}

#[test]
fn z3_proves_precise_at_least_as_precise_as_the_kernel_at_8_bits() {
    let v = at_least_as_precise(
        &op("tnum.mul.precise"),
        &op("tnum.mul"),
        8,
        Duration::from_secs(60),
    )
    .unwrap();
    assert!(matches!(v, PrecisionVerdict::Valid), "{v}");
}

/// Exhaustive soundness of the 8-bit operator: γ(best) ⊆ γ(result) on every one of the
/// 43,046,721 pairs of 8-bit tnums is the statement "every product of every pair of members is
/// in the result", since the best result is the abstraction of exactly those products.
#[test]
#[ignore = "43 million pairs, twice: minutes on a loaded 2-core machine"]
fn sound_exhaustively_at_8_bits_and_exact_shares_with_8_bit_members() {
    let o = op("tnum.mul.precise");
    let report =
        Grid::full(8)
            .unwrap()
            .against_best::<Tnum<Bv>>(product(8), o.abstract_fn(8), &no_progress);
    assert_eq!(report.unsound, 0, "{report}");
    eprintln!("tnum.mul.precise, 8-bit operator:\n{report}");
    let report = Grid::new(64, 8).unwrap().against_best::<Tnum<Bv>>(
        product(64),
        o.abstract_fn(64),
        &no_progress,
    );
    assert_eq!(report.unsound, 0, "{report}");
    assert_eq!(report.exact, 41_280_844, "{report}");
}
