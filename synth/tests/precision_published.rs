//! The published multiplication figures, and the same measurement at 6 to 8 bits.
//!
//! "No wrap": the 64-bit operators on every pair of `k`-bit input tnums (the upper `64 − k` bits
//! known zero, so products never wrap), against the best transformer of the full 64-bit
//! product. "Wrap": the `k`-bit operators on every `k`-bit tnum, products wrapping at `k` bits.
//! The 7- and 8-bit grids take tens of seconds and are `#[ignore]`d (`cargo test --release -p
//! synth --test precision_published -- --ignored`); their figures are asserted all the same.

use absint::domain::tnum::Tnum;
use absint::word::Bv;
use std::sync::atomic::AtomicBool;
use synth::precision::{no_progress, BestReport, BinaryOp, Grid, PairwiseReport};

fn mul_report(width: u32, input_bits: u32, name: &str) -> BestReport<Tnum<Bv>> {
    let op = BinaryOp::by_name(name).unwrap();
    let undefined = AtomicBool::new(false);
    let grid = Grid::new(width, input_bits).unwrap();
    let r = grid.against_best(
        op.concrete_fn::<Tnum<Bv>>(width, &undefined),
        op.abstract_fn(width),
        &no_progress,
    );
    assert_eq!(r.unsound, 0, "{name} is sound");
    r
}

/// (exact, largest distance, histogram) of the three multiplications.
fn exact_counts(width: u32, input_bits: u32) -> [u64; 3] {
    ["tnum.mul", "tnum.mul.v5_13", "tnum.mul.pre_v5_13"]
        .map(|n| mul_report(width, input_bits, n).exact)
}

#[test]
fn published_exact_counts_of_the_64_bit_multiplications_on_6_bit_inputs() {
    let ours = mul_report(64, 6, "tnum.mul");
    let v5_13 = mul_report(64, 6, "tnum.mul.v5_13");
    assert_eq!(ours.pairs, 531_441);
    assert_eq!(ours.exact, 432_406, "union-based (6.18)\n{ours}");
    assert_eq!(v5_13.exact, 202_444, "5.13 to 6.17\n{v5_13}");
    assert_eq!(mul_report(64, 6, "tnum.mul.pre_v5_13").exact, 164_928);
    let histogram: Vec<(u32, u64)> = ours.histogram.into_iter().collect();
    assert_eq!(
        histogram,
        [
            (0, 432406),
            (1, 62582),
            (2, 21454),
            (3, 8766),
            (4, 3867),
            (5, 1483),
            (6, 626),
            (7, 195),
            (8, 59),
            (9, 3)
        ]
    );
}

#[test]
fn twelve_bit_words_are_not_equivalent_to_64_bit_words_for_the_older_multiplications() {
    // Products of 6-bit numbers fit in 12 bits, so the best transformer is the same at 12 and at
    // 64 bits, and so is the union-based multiplication. The older ones are not: their sums of
    // masks carry into bit 12 and above, which 12-bit words cut off.
    assert_eq!(exact_counts(12, 6), [432_406, 310_059, 289_291]);
    let wide = mul_report(64, 6, "tnum.mul.v5_13");
    let worst = wide.worst.unwrap();
    assert!(
        worst.result.m() >> 12 != 0,
        "unknown bits above the product: {}",
        worst.result
    );
}

#[test]
fn exact_counts_of_the_6_bit_multiplications() {
    assert_eq!(exact_counts(6, 6), [496_477, 487_732, 487_788]);
}

#[test]
#[ignore = "about 10 s in release"]
fn exact_counts_of_the_64_bit_multiplications_on_7_bit_inputs() {
    assert_eq!(exact_counts(64, 7), [3_741_605, 1_356_062, 983_478]);
}

#[test]
#[ignore = "about 1 min in release"]
fn exact_counts_of_the_64_bit_multiplications_on_8_bit_inputs() {
    assert_eq!(exact_counts(64, 8), [32_750_741, 9_394_666, 5_872_297]);
}

#[test]
#[ignore = "about 2 s in release"]
fn exact_counts_of_the_7_bit_multiplications() {
    assert_eq!(exact_counts(7, 7), [4_420_947, 4_338_544, 4_339_176]);
}

#[test]
#[ignore = "about 12 s in release"]
fn exact_counts_of_the_8_bit_multiplications() {
    assert_eq!(exact_counts(8, 8), [39_500_176, 38_749_471, 38_755_661]);
}

fn pairwise(width: u32, a: &str, b: &str) -> PairwiseReport<Tnum<Bv>> {
    let (a, b) = (BinaryOp::by_name(a).unwrap(), BinaryOp::by_name(b).unwrap());
    Grid::full(width)
        .unwrap()
        .pairwise(a.abstract_fn(width), b.abstract_fn(width), &no_progress)
}

#[test]
#[ignore = "about 4 s in release"]
fn v5_13_against_pre_v5_13_multiplication_at_8_bits() {
    let r = pairwise(8, "tnum.mul.v5_13", "tnum.mul.pre_v5_13");
    assert_eq!(
        (r.equal, r.better, r.worse, r.incomparable),
        (43_019_815, 9_594, 17_312, 0)
    );
}
