//! Precision grids: the dynamic-programming best transformer agrees with plain enumeration, and
//! the measured figures match the ones known from absint's own (enumerating) tests.

use absint::domain::best::{best_binary, compare_binary};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use synth::precision::{no_progress, BinaryOp, Grid, GridDomain, PrecisionError};

/// The concrete operations the tests use, on `w`-bit patterns (truncated by the grid).
#[derive(Clone, Copy, Debug)]
enum Concrete {
    Add,
    Sub,
    Mul,
    And,
    Xor,
}

impl Concrete {
    fn apply(self, x: u64, y: u64) -> u64 {
        match self {
            Concrete::Add => x.wrapping_add(y),
            Concrete::Sub => x.wrapping_sub(y),
            Concrete::Mul => x.wrapping_mul(y),
            Concrete::And => x & y,
            Concrete::Xor => x ^ y,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Concrete::Add => "add",
            Concrete::Sub => "sub",
            Concrete::Mul => "mul",
            Concrete::And => "and",
            Concrete::Xor => "xor",
        }
    }
}

fn op(name: &str) -> BinaryOp {
    BinaryOp::by_name(name).unwrap()
}

/// The DP table of best results equals `best_binary`'s enumeration on every pair.
fn best_table_matches_enumeration<D: GridDomain>(grid: Grid, op: Concrete) {
    let table = grid.best_table::<D>(|x, y| op.apply(x, y));
    let list = grid.elements::<D>();
    for (j, b) in list.iter().enumerate() {
        for (i, a) in list.iter().enumerate() {
            let expected = best_binary(|x, y| op.apply(x, y), grid.width, a, b);
            assert_eq!(table[j][i], expected, "{op:?} on {a:?}, {b:?}");
        }
    }
}

#[test]
fn dp_best_transformer_equals_enumeration_for_tnums_at_4_bits() {
    let grid = Grid::full(4).unwrap();
    for op in [Concrete::Mul, Concrete::Add, Concrete::Sub, Concrete::Xor] {
        best_table_matches_enumeration::<Tnum<Bv>>(grid, op);
    }
}

#[test]
fn dp_best_transformer_equals_enumeration_with_narrow_inputs() {
    // 3-bit inputs in 6-bit words: the products do not wrap.
    let grid = Grid::new(6, 3).unwrap();
    best_table_matches_enumeration::<Tnum<Bv>>(grid, Concrete::Mul);
    best_table_matches_enumeration::<UInterval<Bv>>(grid, Concrete::Mul);
    best_table_matches_enumeration::<SInterval<Bv>>(grid, Concrete::Sub);
}

#[test]
fn dp_best_transformer_equals_enumeration_for_intervals_at_4_bits() {
    let grid = Grid::full(4).unwrap();
    for op in [Concrete::Mul, Concrete::Sub] {
        best_table_matches_enumeration::<UInterval<Bv>>(grid, op);
        best_table_matches_enumeration::<SInterval<Bv>>(grid, op);
    }
}

/// (exact, unsound, pairs) of a catalog operator against the best transformer, through the
/// catalog's own concrete operation.
fn tnum_figures(width: u32, name: &str) -> (u64, u64, u64) {
    let grid = Grid::full(width).unwrap();
    let undefined = std::sync::atomic::AtomicBool::new(false);
    let o = op(name);
    let r = grid.against_best::<Tnum<Bv>>(
        o.concrete_fn::<Tnum<Bv>>(width, &undefined),
        o.abstract_fn(width),
        &no_progress,
    );
    assert!(!undefined.into_inner());
    (r.exact, r.unsound, r.pairs)
}

#[test]
fn bitwise_and_additive_tnum_operators_are_exact_on_every_pair_at_4_bits() {
    for name in ["tnum.add", "tnum.sub", "tnum.and", "tnum.or", "tnum.xor"] {
        assert_eq!(tnum_figures(4, name), (6561, 0, 6561), "{name}");
    }
}

#[test]
fn multiplication_figures_at_4_bits_match_absints_enumeration() {
    // The same figures as absint's tnum_laws test, which enumerates γ(a) × γ(b).
    assert_eq!(tnum_figures(4, "tnum.mul"), (6334, 0, 6561));
    assert_eq!(tnum_figures(4, "tnum.mul.v5_13"), (6262, 0, 6561));
    assert_eq!(tnum_figures(4, "tnum.mul.pre_v5_13"), (6262, 0, 6561));
}

#[test]
fn grid_report_agrees_with_absints_tally_at_5_bits() {
    let grid = Grid::full(5).unwrap();
    let ours =
        grid.against_best::<Tnum<Bv>>(|x, y| x.wrapping_mul(y), |a, b| a.mul(b), &no_progress);
    let theirs = compare_binary::<Tnum<Bv>>(5, |x, y| x.wrapping_mul(y), |a, b| a.mul(b));
    assert_eq!(
        (ours.pairs, ours.exact, ours.unsound),
        (theirs.cases, theirs.exact, theirs.unsound)
    );
    assert!((ours.distance_mean() - theirs.mean_log2_ratio()).abs() < 1e-9);
    assert_eq!(ours.distance_max, theirs.log2_ratio_max);
    // The histogram counts every pair once, and bucket 0 is the exact pairs.
    assert_eq!(ours.histogram.values().sum::<u64>(), ours.pairs);
    assert_eq!(ours.histogram[&0], ours.exact);
}

#[test]
fn interval_grid_agrees_with_absints_tally_at_4_bits() {
    let grid = Grid::full(4).unwrap();
    for c in [Concrete::Add, Concrete::Mul, Concrete::And, Concrete::Xor] {
        let u = op(&format!("uint.{}", c.name()));
        let ours = grid.against_best::<UInterval<Bv>>(
            |x, y| c.apply(x, y),
            u.abstract_fn(4),
            &no_progress,
        );
        let theirs = compare_binary::<UInterval<Bv>>(4, |x, y| c.apply(x, y), u.abstract_fn(4));
        assert_eq!(
            (ours.exact, ours.unsound),
            (theirs.exact, theirs.unsound),
            "uint {c:?}"
        );
        let s = op(&format!("sint.{}", c.name()));
        let ours = grid.against_best::<SInterval<Bv>>(
            |x, y| c.apply(x, y),
            s.abstract_fn(4),
            &no_progress,
        );
        let theirs = compare_binary::<SInterval<Bv>>(4, |x, y| c.apply(x, y), s.abstract_fn(4));
        assert_eq!(
            (ours.exact, ours.unsound),
            (theirs.exact, theirs.unsound),
            "sint {c:?}"
        );
    }
}

#[test]
fn unsound_results_are_counted_and_shown() {
    // A broken "multiplication" that forgets the uncertainty: exact only on constants.
    let grid = Grid::full(3).unwrap();
    let r = grid.against_best::<Tnum<Bv>>(
        |x, y| x.wrapping_mul(y),
        |a, b| Tnum::constant(absint::word::Word::bvmul(&a.value, &b.value)),
        &no_progress,
    );
    assert!(r.unsound > 0);
    let ex = r.first_unsound.expect("an unsound example");
    assert!(!absint::domain::best::Enumerable::le(
        &ex.reference,
        &ex.result
    ));
}

#[test]
fn pairwise_counts_add_up_and_a_operator_equals_itself() {
    let grid = Grid::full(4).unwrap();
    let same = grid.pairwise::<Tnum<Bv>>(|a, b| a.mul(b), |a, b| a.mul(b), &no_progress);
    assert_eq!((same.equal, same.pairs), (6561, 6561));
    let r = grid.pairwise::<Tnum<Bv>>(|a, b| a.mul(b), |a, b| a.mul_v5_13(b), &no_progress);
    assert_eq!(r.equal + r.better + r.worse + r.incomparable, r.pairs);
    // The union-based multiplication is exact on 72 more pairs than the 5.13 one at 4 bits.
    assert!(r.better > 0);
    let ex = r.first_better.expect("an example where 6.18 is better");
    assert_eq!(ex.result, ex.a.mul(&ex.b));
    assert_eq!(ex.reference, ex.a.mul_v5_13(&ex.b));
}

#[test]
fn bad_grids_are_errors() {
    assert_eq!(Grid::new(65, 4), Err(PrecisionError::Width(65)));
    assert!(matches!(
        Grid::new(8, 9),
        Err(PrecisionError::InputBits { .. })
    ));
    assert!(matches!(
        Grid::new(64, 11),
        Err(PrecisionError::InputBits { .. })
    ));
    assert!(matches!(
        BinaryOp::by_name("tnum.div"),
        Err(PrecisionError::UnknownOperator(..))
    ));
    // Unary, or with a word argument: not binary on one domain.
    assert!(matches!(
        BinaryOp::by_name("tnum.neg"),
        Err(PrecisionError::NotBinary(_))
    ));
    assert!(matches!(
        BinaryOp::by_name("tnum.lshift"),
        Err(PrecisionError::NotBinary(_))
    ));
    assert_eq!(op("tnum.mul.v5_13").name(), "tnum.mul.v5_13");
    for name in ["tnum.mul", "tnum.mul.pre_v5_13", "uint.udiv", "sint.srem"] {
        assert!(BinaryOp::names().iter().any(|n| n == name), "{name}");
    }
}
