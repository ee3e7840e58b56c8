//! The best abstract transformer, computed by enumeration: the yardstick of precision.
//!
//! For a concrete, enumerable domain `D` with concretization γ and abstraction α (the smallest
//! element containing a set), the best transformer of a concrete operation `op` is
//!
//! ```text
//! op#best(a, b) = α({ op(x, y) | x ∈ γ(a), y ∈ γ(b) })
//! ```
//!
//! It is sound by construction (α(S) contains S), and it is the most precise sound transformer:
//! any sound `op#` must contain every `op(x, y)`, hence includes `op#best(a, b)` because α gives
//! the *smallest* element containing them (tnums and intervals are closed under intersection of
//! their γs, so that smallest element exists). It is computed here by brute force over
//! `γ(a) × γ(b)`, which is practical up to about 10 bits.
//!
//! Synthesis uses it as the target ("is this candidate optimal?") and precision reports compare
//! every operator against it ([`precision`], [`Tally`], [`compare_binary`]). Nothing here is
//! generic over [`crate::word::Word`]: enumeration needs concrete words.
//!
//! The abstraction is a running fold, never a collected set: for a tnum the and and the or of
//! the values seen (the bits where they agree are known), for intervals the running minimum and
//! maximum in the interval's order.

use crate::domain::interval::{SInterval, UInterval};
use crate::domain::tnum::Tnum;
use crate::word::{sign_extend, width_mask, Bv};
use std::fmt;

/// A running abstraction α of the values added so far (never empty: it starts from one value).
pub trait Hull<D> {
    /// Add a value (a `w`-bit pattern).
    fn add(&mut self, x: u64);
    /// Is the hull already the top element (so adding more values cannot change it)?
    fn is_top(&self) -> bool;
    /// The smallest element of `D` containing every value added.
    fn finish(&self) -> D;
}

/// A concrete abstract domain whose elements can be enumerated, with their members.
///
/// Contract: `members` yields exactly γ(self), each once; `size` is their number; `has(x)` iff
/// `x ∈ γ(self)`; `le` is γ-inclusion; `all(w)` yields every well-formed element of width `w`
/// once; `hull(w, x0)` followed by `add`s and `finish` gives α of the values.
pub trait Enumerable: Sized + Clone + PartialEq + fmt::Debug {
    /// The iterator over γ(self).
    type Members: Iterator<Item = u64>;
    /// The running abstraction.
    type Hull: Hull<Self>;

    /// Width in bits.
    fn bits(&self) -> u32;
    /// Every member of γ(self), as `w`-bit patterns.
    fn members(&self) -> Self::Members;
    /// One member (γ is never empty for a well-formed element).
    fn any_member(&self) -> u64;
    /// Is the `w`-bit pattern `x` in γ(self)?
    fn has(&self, x: u64) -> bool;
    /// |γ(self)|.
    fn size(&self) -> u128;
    /// γ(self) ⊆ γ(other)?
    fn le(&self, other: &Self) -> bool;
    /// Every well-formed element of `width` bits.
    fn all(width: u32) -> Box<dyn Iterator<Item = Self>>;
    /// A running abstraction of `width` bits holding `first`.
    fn hull(width: u32, first: u64) -> Self::Hull;

    /// α(values): the smallest element containing every value; `None` if there is none.
    fn abstraction(width: u32, values: impl IntoIterator<Item = u64>) -> Option<Self> {
        let mut values = values.into_iter();
        let mut hull = Self::hull(width, values.next()?);
        values.for_each(|x| hull.add(x));
        Some(hull.finish())
    }
}

/// `count` consecutive `w`-bit patterns from `start`, wrapping at `2^w` (so a signed interval's
/// members run from its negative end through `0`).
#[derive(Clone, Debug)]
pub struct WrappingRange {
    next: u64,
    remaining: u128,
    mask: u64,
}

impl Iterator for WrappingRange {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if self.remaining == 0 {
            return None;
        }
        let x = self.next;
        self.next = x.wrapping_add(1) & self.mask;
        self.remaining -= 1;
        Some(x)
    }
}

/// The members of a tnum: `value | s` for every submask `s` of `mask`, increasing.
#[derive(Clone, Debug)]
pub struct TnumMembers {
    value: u64,
    mask: u64,
    next: Option<u64>,
}

impl Iterator for TnumMembers {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let s = self.next?;
        // Next submask in increasing order: set every non-mask bit, add one, keep the mask bits.
        self.next = (s != self.mask).then(|| (s | !self.mask).wrapping_add(1) & self.mask);
        Some(self.value | s)
    }
}

/// Running tnum abstraction: a bit is known iff every value so far agrees on it.
#[derive(Clone, Debug)]
pub struct TnumHull {
    width: u32,
    all_ones: u64,
    any_ones: u64,
}

impl Hull<Tnum<Bv>> for TnumHull {
    fn add(&mut self, x: u64) {
        self.all_ones &= x;
        self.any_ones |= x;
    }
    fn is_top(&self) -> bool {
        self.all_ones == 0 && self.any_ones == width_mask(self.width)
    }
    fn finish(&self) -> Tnum<Bv> {
        Tnum::new(
            Bv::new(self.width, self.all_ones),
            Bv::new(self.width, self.all_ones ^ self.any_ones),
        )
    }
}

impl Enumerable for Tnum<Bv> {
    type Members = TnumMembers;
    type Hull = TnumHull;
    fn bits(&self) -> u32 {
        self.width()
    }
    fn members(&self) -> TnumMembers {
        TnumMembers {
            value: self.v(),
            mask: self.m(),
            next: Some(0),
        }
    }
    fn any_member(&self) -> u64 {
        self.v()
    }
    fn has(&self, x: u64) -> bool {
        Tnum::has(self, x)
    }
    fn size(&self) -> u128 {
        Tnum::size(self)
    }
    fn le(&self, other: &Self) -> bool {
        Tnum::le(self, other)
    }
    fn all(width: u32) -> Box<dyn Iterator<Item = Self>> {
        Box::new(Tnum::all(width))
    }
    fn hull(width: u32, first: u64) -> TnumHull {
        let x = first & width_mask(width);
        TnumHull {
            width,
            all_ones: x,
            any_ones: x,
        }
    }
}

/// Running unsigned-interval abstraction: the minimum and maximum so far.
#[derive(Clone, Debug)]
pub struct UHull {
    width: u32,
    lo: u64,
    hi: u64,
}

impl Hull<UInterval<Bv>> for UHull {
    fn add(&mut self, x: u64) {
        let x = x & width_mask(self.width);
        self.lo = self.lo.min(x);
        self.hi = self.hi.max(x);
    }
    fn is_top(&self) -> bool {
        self.lo == 0 && self.hi == width_mask(self.width)
    }
    fn finish(&self) -> UInterval<Bv> {
        UInterval::from_bounds(Bv::new(self.width, self.lo), Bv::new(self.width, self.hi))
    }
}

impl Enumerable for UInterval<Bv> {
    type Members = WrappingRange;
    type Hull = UHull;
    fn bits(&self) -> u32 {
        self.width()
    }
    fn members(&self) -> WrappingRange {
        WrappingRange {
            next: self.lo_u64(),
            remaining: UInterval::size(self),
            mask: width_mask(self.width()),
        }
    }
    fn any_member(&self) -> u64 {
        self.lo_u64()
    }
    fn has(&self, x: u64) -> bool {
        UInterval::has(self, x)
    }
    fn size(&self) -> u128 {
        UInterval::size(self)
    }
    fn le(&self, other: &Self) -> bool {
        UInterval::le(self, other)
    }
    fn all(width: u32) -> Box<dyn Iterator<Item = Self>> {
        Box::new(UInterval::all(width))
    }
    fn hull(width: u32, first: u64) -> UHull {
        let x = first & width_mask(width);
        UHull {
            width,
            lo: x,
            hi: x,
        }
    }
}

/// Running signed-interval abstraction: the signed minimum and maximum so far.
#[derive(Clone, Debug)]
pub struct SHull {
    width: u32,
    lo: i64,
    hi: i64,
}

impl Hull<SInterval<Bv>> for SHull {
    fn add(&mut self, x: u64) {
        let x = sign_extend(x & width_mask(self.width), self.width);
        self.lo = self.lo.min(x);
        self.hi = self.hi.max(x);
    }
    fn is_top(&self) -> bool {
        let w = self.width;
        self.lo == sign_extend(1 << (w - 1), w) && self.hi == sign_extend(width_mask(w) >> 1, w)
    }
    fn finish(&self) -> SInterval<Bv> {
        SInterval::from_bounds(
            Bv::new(self.width, self.lo as u64),
            Bv::new(self.width, self.hi as u64),
        )
    }
}

impl Enumerable for SInterval<Bv> {
    type Members = WrappingRange;
    type Hull = SHull;
    fn bits(&self) -> u32 {
        self.width()
    }
    fn members(&self) -> WrappingRange {
        WrappingRange {
            next: self.lo.get(),
            remaining: SInterval::size(self),
            mask: width_mask(self.width()),
        }
    }
    fn any_member(&self) -> u64 {
        self.lo.get()
    }
    fn has(&self, x: u64) -> bool {
        SInterval::has(self, x)
    }
    fn size(&self) -> u128 {
        SInterval::size(self)
    }
    fn le(&self, other: &Self) -> bool {
        SInterval::le(self, other)
    }
    fn all(width: u32) -> Box<dyn Iterator<Item = Self>> {
        Box::new(SInterval::all(width))
    }
    fn hull(width: u32, first: u64) -> SHull {
        let x = sign_extend(first & width_mask(width), width);
        SHull {
            width,
            lo: x,
            hi: x,
        }
    }
}

/// The best transformer of a binary operation: α({op(x, y) | x ∈ γ(a), y ∈ γ(b)}).
///
/// `a` and `b` are `width`-bit elements; results of `op` are truncated to `width` bits. Stops
/// early once the result is top. Cost: `|γ(a)|·|γ(b)|` calls of `op`.
pub fn best_binary<D: Enumerable>(op: impl Fn(u64, u64) -> u64, width: u32, a: &D, b: &D) -> D {
    let mask = width_mask(width);
    let mut hull = D::hull(width, op(a.any_member(), b.any_member()) & mask);
    'outer: for x in a.members() {
        for y in b.members() {
            hull.add(op(x, y) & mask);
        }
        if hull.is_top() {
            break 'outer;
        }
    }
    hull.finish()
}

/// The best transformer of a unary operation: α({op(x) | x ∈ γ(a)}), results truncated to
/// `width` bits.
pub fn best_unary<D: Enumerable>(op: impl Fn(u64) -> u64, width: u32, a: &D) -> D {
    let mask = width_mask(width);
    let mut hull = D::hull(width, op(a.any_member()) & mask);
    for x in a.members() {
        hull.add(op(x) & mask);
    }
    hull.finish()
}

/// How an operator's result compares to the best transformer's on one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Precision {
    /// γ(best) ⊆ γ(result): the result holds every concrete result.
    pub sound: bool,
    /// The result is the best element itself.
    pub exact: bool,
    /// |γ(result)|.
    pub result_size: u128,
    /// |γ(best)|.
    pub best_size: u128,
}

impl Precision {
    /// `log2(|γ(result)| / |γ(best)|)`: 0 when exact, the number of bits of imprecision otherwise
    /// (negative only for an unsound result).
    pub fn log2_ratio(&self) -> f64 {
        (self.result_size as f64).log2() - (self.best_size as f64).log2()
    }
}

/// Compare an operator's result with the best transformer's result on the same inputs.
pub fn precision<D: Enumerable>(result: &D, best: &D) -> Precision {
    Precision {
        sound: best.le(result),
        exact: result == best,
        result_size: result.size(),
        best_size: best.size(),
    }
}

/// Precision figures summed over many inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    /// Inputs compared.
    pub cases: u64,
    /// Of which the result was exactly the best.
    pub exact: u64,
    /// Of which the result missed a concrete result.
    pub unsound: u64,
    /// Sum of [`Precision::log2_ratio`] over the sound cases.
    pub log2_ratio_sum: f64,
    /// Largest [`Precision::log2_ratio`] seen.
    pub log2_ratio_max: f64,
}

impl Tally {
    /// Count one comparison.
    pub fn add(&mut self, p: &Precision) {
        self.cases += 1;
        self.exact += p.exact as u64;
        if p.sound {
            let r = p.log2_ratio();
            self.log2_ratio_sum += r;
            self.log2_ratio_max = self.log2_ratio_max.max(r);
        } else {
            self.unsound += 1;
        }
    }
    /// Share of exact results, from 0 to 1.
    pub fn exact_share(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.exact as f64 / self.cases as f64
        }
    }
    /// Mean bits of imprecision over the sound cases.
    pub fn mean_log2_ratio(&self) -> f64 {
        let sound = self.cases - self.unsound;
        if sound == 0 {
            0.0
        } else {
            self.log2_ratio_sum / sound as f64
        }
    }
}

/// `exact 1234/6561 (18.81%), unsound 0, mean 0.52 bits, max 3.00 bits`.
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exact {}/{} ({:.2}%), unsound {}, mean {:.3} bits, max {:.3} bits",
            self.exact,
            self.cases,
            100.0 * self.exact_share(),
            self.unsound,
            self.mean_log2_ratio(),
            self.log2_ratio_max
        )
    }
}

/// Compare `abstract_op` with the best transformer of `op` on every pair of `width`-bit elements.
pub fn compare_binary<D: Enumerable>(
    width: u32,
    op: impl Fn(u64, u64) -> u64,
    abstract_op: impl Fn(&D, &D) -> D,
) -> Tally {
    let mut tally = Tally::default();
    let elements: Vec<D> = D::all(width).collect();
    for a in &elements {
        for b in &elements {
            let best = best_binary(&op, width, a, b);
            tally.add(&precision(&abstract_op(a, b), &best));
        }
    }
    tally
}

/// Compare `abstract_op` with the best transformer of `op` on every `width`-bit element.
pub fn compare_unary<D: Enumerable>(
    width: u32,
    op: impl Fn(u64) -> u64,
    abstract_op: impl Fn(&D) -> D,
) -> Tally {
    let mut tally = Tally::default();
    for a in D::all(width) {
        let best = best_unary(&op, width, &a);
        tally.add(&precision(&abstract_op(&a), &best));
    }
    tally
}
