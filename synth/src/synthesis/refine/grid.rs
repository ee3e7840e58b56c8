//! The exhaustive grid of the refinement: every pair of a `w`-bit tnum and a `w`-bit unsigned
//! interval, with the best transformer of each pair computed by enumerating members.
//!
//! For a pair `(t, [lo, hi])` the set `S = γ(t) ∩ [lo, hi]` is a contiguous run of `t`'s
//! members (listed in increasing order), found by two binary searches; the best tnum is the
//! and and the or of that run, the best interval its first and last member. Pairs where `S` is
//! empty have no best result (bottom): they are counted apart and never scored.

use super::pieces::Output;
use crate::catalog::{Abs, Operator};
use crate::synthesis::operator::abs_fields;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use rayon::prelude::*;

/// A result's two fields: `(value, mask)` for a tnum, `(lo, hi)` for an interval.
pub type Fields = (u64, u64);

/// Every (tnum, interval) pair of one width.
pub struct PairGrid {
    /// The width of tnums, bounds and members.
    pub width: u32,
    /// Every tnum, in [`Tnum::all`]'s order.
    pub tnums: Vec<Tnum<Bv>>,
    /// Every interval's bounds (`width`-bit patterns), in [`UInterval::all`]'s order (or
    /// [`SInterval::all`]'s for a signed grid).
    pub ranges: Vec<(u64, u64)>,
    /// Are the intervals signed?
    pub signed: bool,
    /// `S`'s first and last member (in the intervals' order), its and and its or, per pair
    /// (`None`: `S` empty).
    summaries: Vec<Option<[u64; 4]>>,
}

impl PairGrid {
    /// The grid of `width` bits with unsigned intervals (2 to 8: 6 bits is 1 516 320 pairs,
    /// 8 bits 216 million).
    pub fn new(width: u32) -> PairGrid {
        PairGrid::with_signedness(width, false)
    }

    /// The grid of `width` bits with signed intervals.
    pub fn signed(width: u32) -> PairGrid {
        PairGrid::with_signedness(width, true)
    }

    /// The grid for `output`'s interval kind.
    pub fn for_output(width: u32, output: Output) -> PairGrid {
        PairGrid::with_signedness(width, output == Output::SInt)
    }

    fn with_signedness(width: u32, signed: bool) -> PairGrid {
        let tnums: Vec<Tnum<Bv>> = Tnum::all(width).collect();
        let ranges: Vec<(u64, u64)> = if signed {
            SInterval::all(width)
                .map(|i| (i.lo.get(), i.hi.get()))
                .collect()
        } else {
            UInterval::all(width)
                .map(|i| (i.lo_u64(), i.hi_u64()))
                .collect()
        };
        // Flipping the sign bit maps the signed order onto the unsigned one.
        let flip = if signed { 1u64 << (width - 1) } else { 0 };
        let nr = ranges.len();
        let summaries = (0..tnums.len() * nr)
            .into_par_iter()
            .map(|k| {
                let (t, (lo, hi)) = (&tnums[k / nr], ranges[k % nr]);
                let (lo, hi) = (lo ^ flip, hi ^ flip);
                let mut keys: Vec<u64> = t.members().map(|x| x ^ flip).collect();
                keys.sort_unstable();
                let mut s: Option<[u64; 4]> = None;
                for key in keys.into_iter().filter(|&y| lo <= y && y <= hi) {
                    let x = key ^ flip;
                    s = Some(match s {
                        None => [x, x, x, x],
                        Some([first, _, and, or]) => [first, x, and & x, or | x],
                    });
                }
                s
            })
            .collect();
        PairGrid {
            width,
            tnums,
            ranges,
            signed,
            summaries,
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    /// Is the grid empty?
    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }

    /// The arguments of pair `k`.
    pub fn args(&self, k: usize) -> [Abs<Bv>; 2] {
        let nr = self.ranges.len();
        let (lo, hi) = self.ranges[k % nr];
        let (lo, hi) = (Bv::new(self.width, lo), Bv::new(self.width, hi));
        let range = if self.signed {
            Abs::SInt(SInterval::from_bounds(lo, hi))
        } else {
            Abs::UInt(UInterval::from_bounds(lo, hi))
        };
        [Abs::Tnum(self.tnums[k / nr]), range]
    }

    /// Members for evaluating pair `k` (the result does not depend on them).
    pub fn members(&self, k: usize) -> [Bv; 2] {
        let x = Bv::new(self.width, self.tnums[k / self.ranges.len()].v());
        [x, x]
    }

    /// The best transformer's fields for pair `k`, `None` when `S` is empty.
    pub fn best(&self, output: Output, k: usize) -> Option<Fields> {
        let [first, last, and, or] = self.summaries[k]?;
        Some(match output {
            Output::Tnum => (and, and ^ or),
            Output::UInt | Output::SInt => (first, last),
        })
    }

    /// Pairs where `S` is empty.
    pub fn empty(&self) -> u64 {
        self.summaries.iter().filter(|s| s.is_none()).count() as u64
    }

    /// `op`'s result fields on every pair.
    pub fn results(&self, op: &dyn Operator) -> Vec<Fields> {
        (0..self.len())
            .into_par_iter()
            .map(|k| {
                let e = op.eval_bv(self.width, &self.args(k), &self.members(k));
                let [a, b] = abs_fields(&e.result);
                (a, b)
            })
            .collect()
    }

    /// The value of `fields` as a catalog value of `output`'s kind.
    pub fn abs(&self, output: Output, fields: Fields) -> Abs<Bv> {
        let (a, b) = (Bv::new(self.width, fields.0), Bv::new(self.width, fields.1));
        match output {
            Output::Tnum => Abs::Tnum(Tnum::new(a, b)),
            Output::UInt => Abs::UInt(UInterval::from_bounds(a, b)),
            Output::SInt => Abs::SInt(SInterval::from_bounds(a, b)),
        }
    }
}

/// `log2 |γ(fields)|` at `width` bits.
pub fn log2_size(output: Output, width: u32, fields: Fields) -> f64 {
    let span = fields.1.wrapping_sub(fields.0) & absint::word::width_mask(width);
    match output {
        Output::Tnum => fields.1.count_ones() as f64,
        Output::UInt | Output::SInt => (span as f64 + 1.0).log2(),
    }
}

/// Is `γ(inner) ⊆ γ(outer)`? (Precision order of the domain, on well-formed values.)
pub fn includes(output: Output, width: u32, outer: Fields, inner: Fields) -> bool {
    let bv = |x| Bv::new(width, x);
    match output {
        Output::Tnum => {
            Tnum::new(bv(inner.0), bv(inner.1)).le(&Tnum::new(bv(outer.0), bv(outer.1)))
        }
        Output::UInt => UInterval::from_bounds(bv(inner.0), bv(inner.1))
            .le(&UInterval::from_bounds(bv(outer.0), bv(outer.1))),
        Output::SInt => SInterval::from_bounds(bv(inner.0), bv(inner.1))
            .le(&SInterval::from_bounds(bv(outer.0), bv(outer.1))),
    }
}
