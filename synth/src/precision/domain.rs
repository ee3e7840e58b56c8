//! The domains a precision grid runs over: how to list their elements, split them, and fold
//! concrete results into the best element.
//!
//! The exhaustive grid ([`super::grid`]) never enumerates `γ(a) × γ(b)` pair by pair. It relies
//! on one fact shared by tnums and intervals: every element that is not a single value is the
//! union of two *smaller* elements of the same grid,
//!
//! ```text
//! γ(t) = γ(t with its lowest unknown bit known 0) ∪ γ(t with that bit known 1)     (tnums)
//! γ([lo, hi]) = γ([lo, hi − 1]) ∪ {hi}                                            (intervals)
//! ```
//!
//! and that the best transformer's result is α of a set, which can be summarised by a small
//! value closed under union (for tnums: the and and the or of the values; for intervals: their
//! minimum and maximum). So `summary(S₁ ∪ S₂) = join(summary(S₁), summary(S₂))`, and the
//! summaries of all pairs follow by dynamic programming over the splits, one `join` per pair.

use absint::domain::best::Enumerable;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{sign_extend, width_mask, Bv, Word};

/// An abstract domain a precision grid can run over.
///
/// Contract: [`GridDomain::grid`] lists every element of the grid once, and each element's
/// [`GridDomain::split`] parts are in the grid *before* it; `γ(split.0) ∪ γ(split.1) = γ(self)`;
/// `finish(width, s)` is α of the values folded into `s` by [`GridDomain::point`] and
/// [`GridDomain::join`]; [`GridDomain::key`] is injective on the grid and below
/// [`GridDomain::key_space`].
pub trait GridDomain: Enumerable + Send + Sync {
    /// A summary of a non-empty set of values, closed under union.
    type Summary: Copy + Send + Sync;

    /// Every element of `width` bits whose members are the `input_bits`-bit values (zero-extended
    /// for tnums and unsigned intervals, sign-extended for signed intervals), ordered so that
    /// split parts come first.
    fn grid(input_bits: u32, width: u32) -> Vec<Self>;
    /// A dense index of a grid element of `input_bits`-bit inputs.
    fn key(&self, input_bits: u32) -> usize;
    /// One more than the largest [`GridDomain::key`].
    fn key_space(input_bits: u32) -> usize;
    /// Two smaller elements whose γs cover γ(self); `None` for a single value.
    fn split(&self) -> Option<(Self, Self)>;
    /// The summary of the one value `x` (a `width`-bit pattern).
    fn point(width: u32, x: u64) -> Self::Summary;
    /// The summary of the union of two sets.
    fn join(a: &Self::Summary, b: &Self::Summary) -> Self::Summary;
    /// The smallest element containing every value summarised.
    fn finish(width: u32, s: &Self::Summary) -> Self;
    /// `log2 |γ(self)|`.
    fn log2_size(&self) -> f64 {
        (self.size() as f64).log2()
    }
    /// The single member, if there is only one.
    fn singleton(&self) -> Option<u64> {
        (self.size() == 1).then(|| self.any_member())
    }
}

impl GridDomain for Tnum<Bv> {
    /// The and and the or of the values: a bit is known iff they agree on it.
    type Summary = (u64, u64);

    /// Ordered by mask, then by value: splitting a tnum clears a mask bit, so its parts have a
    /// smaller mask.
    fn grid(input_bits: u32, width: u32) -> Vec<Self> {
        Tnum::all(input_bits)
            .map(|t| Tnum::new(Bv::new(width, t.v()), Bv::new(width, t.m())))
            .collect()
    }
    fn key(&self, input_bits: u32) -> usize {
        ((self.m() << input_bits) | self.v()) as usize
    }
    fn key_space(input_bits: u32) -> usize {
        1 << (2 * input_bits)
    }
    fn split(&self) -> Option<(Self, Self)> {
        let low = self.m() & self.m().wrapping_neg();
        (low != 0).then(|| {
            let w = self.width();
            let m = Bv::new(w, self.m() & !low);
            (
                Tnum::new(Bv::new(w, self.v()), m),
                Tnum::new(Bv::new(w, self.v() | low), m),
            )
        })
    }
    fn point(width: u32, x: u64) -> (u64, u64) {
        let x = x & width_mask(width);
        (x, x)
    }
    fn join(a: &(u64, u64), b: &(u64, u64)) -> (u64, u64) {
        (a.0 & b.0, a.1 | b.1)
    }
    fn finish(width: u32, s: &(u64, u64)) -> Self {
        Tnum::new(Bv::new(width, s.0), Bv::new(width, s.0 ^ s.1))
    }
    fn log2_size(&self) -> f64 {
        self.unknown_bits() as f64
    }
}

/// The intervals `[lo, hi]` of `input_bits`-bit bounds, by size and then by `lo`, so that
/// `[lo, hi - 1]` comes before `[lo, hi]`. Bounds are given as `input_bits`-bit patterns.
fn intervals_by_size(input_bits: u32) -> impl Iterator<Item = (u64, u64)> {
    let n = 1u64 << input_bits;
    (0..n).flat_map(move |len| (0..n - len).map(move |lo| (lo, lo + len)))
}

impl GridDomain for UInterval<Bv> {
    /// The unsigned minimum and maximum.
    type Summary = (u64, u64);

    fn grid(input_bits: u32, width: u32) -> Vec<Self> {
        intervals_by_size(input_bits)
            .map(|(lo, hi)| UInterval::from_bounds(Bv::new(width, lo), Bv::new(width, hi)))
            .collect()
    }
    fn key(&self, input_bits: u32) -> usize {
        ((self.lo_u64() << input_bits) | self.hi_u64()) as usize
    }
    fn key_space(input_bits: u32) -> usize {
        1 << (2 * input_bits)
    }
    fn split(&self) -> Option<(Self, Self)> {
        let (lo, hi) = (self.lo, self.hi);
        (lo != hi).then(|| {
            let below = Bv::new(hi.width(), hi.get() - 1);
            (
                UInterval::from_bounds(lo, below),
                UInterval::from_bounds(hi, hi),
            )
        })
    }
    fn point(width: u32, x: u64) -> (u64, u64) {
        let x = x & width_mask(width);
        (x, x)
    }
    fn join(a: &(u64, u64), b: &(u64, u64)) -> (u64, u64) {
        (a.0.min(b.0), a.1.max(b.1))
    }
    fn finish(width: u32, s: &(u64, u64)) -> Self {
        UInterval::from_bounds(Bv::new(width, s.0), Bv::new(width, s.1))
    }
}

impl GridDomain for SInterval<Bv> {
    /// The signed minimum and maximum.
    type Summary = (i64, i64);

    /// Bounds run over the signed `input_bits`-bit numbers, sign-extended to `width` bits.
    fn grid(input_bits: u32, width: u32) -> Vec<Self> {
        let bias = 1i64 << (input_bits - 1);
        intervals_by_size(input_bits)
            .map(|(lo, hi)| {
                let (lo, hi) = (lo as i64 - bias, hi as i64 - bias);
                SInterval::from_bounds(Bv::new(width, lo as u64), Bv::new(width, hi as u64))
            })
            .collect()
    }
    fn key(&self, input_bits: u32) -> usize {
        let bias = 1i64 << (input_bits - 1);
        let lo = (self.lo_i64() + bias) as u64;
        let hi = (self.hi_i64() + bias) as u64;
        ((lo << input_bits) | hi) as usize
    }
    fn key_space(input_bits: u32) -> usize {
        1 << (2 * input_bits)
    }
    fn split(&self) -> Option<(Self, Self)> {
        let (lo, hi) = (self.lo, self.hi);
        (lo != hi).then(|| {
            let below = Bv::new(hi.width(), hi.get().wrapping_sub(1));
            (
                SInterval::from_bounds(lo, below),
                SInterval::from_bounds(hi, hi),
            )
        })
    }
    fn point(width: u32, x: u64) -> (i64, i64) {
        let x = sign_extend(x & width_mask(width), width);
        (x, x)
    }
    fn join(a: &(i64, i64), b: &(i64, i64)) -> (i64, i64) {
        (a.0.min(b.0), a.1.max(b.1))
    }
    fn finish(width: u32, s: &(i64, i64)) -> Self {
        SInterval::from_bounds(Bv::new(width, s.0 as u64), Bv::new(width, s.1 as u64))
    }
}
