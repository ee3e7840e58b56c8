//! Unsigned and signed intervals of fixed-width words: the verifier's bounds domains.
//!
//! An interval `[lo, hi]` of width `w` stands for
//!
//! ```text
//! γ_u([lo, hi]) = { x | lo ≤u x ≤u hi }      (UInterval: unsigned order of w-bit words)
//! γ_s([lo, hi]) = { x | lo ≤s x ≤s hi }      (SInterval: two's-complement order)
//! ```
//!
//! A well-formed (non-empty) interval has `lo ≤ hi` in its order; every operator maps well-formed
//! intervals to well-formed intervals, and there is no empty element (a meet that would be empty
//! is reported as `None` / a `false` flag instead). The kernel keeps both kinds at 64 and 32 bits
//! (`umin/umax`, `smin/smax`, `u32_min/…`); here any width from 1 to 64 is allowed.
//!
//! # Soundness
//!
//! An operator `op#` is sound when `x ∈ γ(a), y ∈ γ(b) ⟹ op(x, y) ∈ γ(op#(a, b))`. The arguments,
//! repeated at each operator, rest on three facts:
//!
//! * **Same block.** Addition, subtraction and shifts left are exact on mathematical integers,
//!   and their results over a box of inputs fill a mathematical interval `[L, H]`. Wrapping to
//!   `w` bits maps `[L, H]` onto the wrapped `[L, H]` *monotonically* when `L` and `H` lie in the
//!   same block of `2^w` consecutive integers (same overflow count); otherwise some wrap-around
//!   happens inside and the result is the full interval (top). This is the classic wrapped
//!   overflow check, refined so that "both ends overflow the same way" is still exact.
//! * **Monotone corners.** A function monotone in each argument separately (lshr, ashr, trunc
//!   division with a divisor of constant sign, non-overflowing products) reaches its extremes at
//!   the corners of the input box.
//! * **Split and convert.** A signed interval crossing zero is the union of two unsigned
//!   intervals `[0, hi] ∪ [lo, 2^w−1]`, and an unsigned interval crossing the sign boundary is the
//!   union of two signed ones; an interval of the other order converts soundly (to top if it
//!   crosses the boundary). So an operator natural in one order (and, or, xor, udiv, urem, lshr are
//!   unsigned; sdiv, srem are signed) lifts to the other by running on each piece and joining.
//!
//! Division follows BPF (RFC 9669 §4.1): `x / 0 = 0`, `x % 0 = x`, and for the signed forms
//! `INT_MIN / -1 = INT_MIN`, `INT_MIN % -1 = 0` (wrapping); the signed remainder has the sign of the
//! dividend. Shifts by an unknown amount follow [`Word`]'s SMT-LIB semantics (amounts of the width
//! or more give 0, or all sign bits for `ashr`); BPF's masking of the amount is the caller's job
//! (an `and` with `width − 1` before the shift).
//!
//! Bitwise and/or/xor on unsigned intervals compute the exact bounds with the bit-by-bit searches
//! of Warren, *Hacker's Delight*, 2nd ed., §4-3 ("Propagating bounds through logical
//! operations"), re-implemented with a fixed trip count and selects so they encode to SMT.
//!
//! All operators are generic over [`Word`]: data-dependent choices are `ite`s, loops run exactly
//! `width` times. Concrete helpers (enumeration, abstraction, checked constructors) live on
//! `UInterval<Bv>` and `SInterval<Bv>`.

use crate::word::{sign_extend, width_mask, Bit, Bv, Word};
use std::fmt;

/// An unsigned interval `[lo, hi]`: the words `x` with `lo ≤u x ≤u hi`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UInterval<W = Bv> {
    /// Smallest member.
    pub lo: W,
    /// Largest member.
    pub hi: W,
}

/// A signed interval `[lo, hi]`: the words `x` with `lo ≤s x ≤s hi` (two's complement).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SInterval<W = Bv> {
    /// Smallest member (read as signed).
    pub lo: W,
    /// Largest member (read as signed).
    pub hi: W,
}

/// The `false` of a word's boolean type.
fn falsity<W: Word>(like: &W) -> W::Bool {
    like.bool_const(false)
}

/// `x != 0`.
fn nonzero<W: Word>(x: &W) -> W::Bool {
    x.is_zero().not()
}

// ---------------------------------------------------------------------------------------------
// Hacker's Delight §4-3: exact bounds of x op y for x ∈ [a, b], y ∈ [c, d] (unsigned).
// Each search walks the bits from the top; the original loops `break` at the first success, which
// is modelled with a `done` flag so the loop has a fixed trip count.
// ---------------------------------------------------------------------------------------------

/// The highest bit, shifted right `i` times.
fn bit_from_top<W: Word>(like: &W, i: u32) -> W {
    like.signed_min().lshr_by(i)
}

/// Smallest `x | y`: raise `a` (or `c`) to the next multiple of a bit the other one has, when
/// that stays within the bound; past that bit the low bits can all be zero.
fn min_or<W: Word>(mut a: W, b: &W, mut c: W, d: &W) -> W {
    let mut done = falsity(&a);
    for i in 0..a.width() {
        let m = bit_from_top(&a, i);
        let neg_m = m.bvneg();
        let c_only = nonzero(&a.bvnot().bvand(&c).bvand(&m));
        let a_only = nonzero(&a.bvand(&c.bvnot()).bvand(&m));
        let ta = a.bvor(&m).bvand(&neg_m);
        let tc = c.bvor(&m).bvand(&neg_m);
        let take_a = done.not().and(&c_only).and(&ta.bvule(b));
        let take_c = done.not().and(&c_only.not()).and(&a_only).and(&tc.bvule(d));
        a = W::ite(&take_a, &ta, &a);
        c = W::ite(&take_c, &tc, &c);
        done = done.or(&take_a).or(&take_c);
    }
    a.bvor(&c)
}

/// Largest `x | y`: where both upper bounds have a bit, clear it in one of them and set every
/// lower bit, when that stays within its lower bound.
fn max_or<W: Word>(a: &W, mut b: W, c: &W, mut d: W) -> W {
    let one = b.lit(1);
    let mut done = falsity(&b);
    for i in 0..b.width() {
        let m = bit_from_top(&b, i);
        let both = nonzero(&b.bvand(&d).bvand(&m));
        let low = m.bvsub(&one);
        let tb = b.bvsub(&m).bvor(&low);
        let td = d.bvsub(&m).bvor(&low);
        let take_b = done.not().and(&both).and(&tb.bvuge(a));
        let take_d = done.not().and(&both).and(&take_b.not()).and(&td.bvuge(c));
        b = W::ite(&take_b, &tb, &b);
        d = W::ite(&take_d, &td, &d);
        done = done.or(&take_b).or(&take_d);
    }
    b.bvor(&d)
}

/// Smallest `x & y`: where neither lower bound has a bit, raise one of them past it.
fn min_and<W: Word>(mut a: W, b: &W, mut c: W, d: &W) -> W {
    let mut done = falsity(&a);
    for i in 0..a.width() {
        let m = bit_from_top(&a, i);
        let neg_m = m.bvneg();
        let neither = nonzero(&a.bvnot().bvand(&c.bvnot()).bvand(&m));
        let ta = a.bvor(&m).bvand(&neg_m);
        let tc = c.bvor(&m).bvand(&neg_m);
        let take_a = done.not().and(&neither).and(&ta.bvule(b));
        let take_c = done
            .not()
            .and(&neither)
            .and(&take_a.not())
            .and(&tc.bvule(d));
        a = W::ite(&take_a, &ta, &a);
        c = W::ite(&take_c, &tc, &c);
        done = done.or(&take_a).or(&take_c);
    }
    a.bvand(&c)
}

/// Largest `x & y`: where exactly one upper bound has a bit, lower that bound below it and set
/// every lower bit.
fn max_and<W: Word>(a: &W, mut b: W, c: &W, mut d: W) -> W {
    let one = b.lit(1);
    let mut done = falsity(&b);
    for i in 0..b.width() {
        let m = bit_from_top(&b, i);
        let low = m.bvsub(&one);
        let b_only = nonzero(&b.bvand(&d.bvnot()).bvand(&m));
        let d_only = nonzero(&b.bvnot().bvand(&d).bvand(&m));
        let tb = b.bvand(&m.bvnot()).bvor(&low);
        let td = d.bvand(&m.bvnot()).bvor(&low);
        let take_b = done.not().and(&b_only).and(&tb.bvuge(a));
        let take_d = done.not().and(&b_only.not()).and(&d_only).and(&td.bvuge(c));
        b = W::ite(&take_b, &tb, &b);
        d = W::ite(&take_d, &td, &d);
        done = done.or(&take_b).or(&take_d);
    }
    b.bvand(&d)
}

/// Smallest `x ^ y`: like [`min_or`] but the search continues after a success.
fn min_xor<W: Word>(mut a: W, b: &W, mut c: W, d: &W) -> W {
    for i in 0..a.width() {
        let m = bit_from_top(&a, i);
        let neg_m = m.bvneg();
        let c_only = nonzero(&a.bvnot().bvand(&c).bvand(&m));
        let a_only = nonzero(&a.bvand(&c.bvnot()).bvand(&m));
        let ta = a.bvor(&m).bvand(&neg_m);
        let tc = c.bvor(&m).bvand(&neg_m);
        let take_a = c_only.and(&ta.bvule(b));
        let take_c = c_only.not().and(&a_only).and(&tc.bvule(d));
        a = W::ite(&take_a, &ta, &a);
        c = W::ite(&take_c, &tc, &c);
    }
    a.bvxor(&c)
}

/// Largest `x ^ y`: like [`max_or`] but the search continues after a success.
fn max_xor<W: Word>(a: &W, mut b: W, c: &W, mut d: W) -> W {
    let one = b.lit(1);
    for i in 0..b.width() {
        let m = bit_from_top(&b, i);
        let both = nonzero(&b.bvand(&d).bvand(&m));
        let low = m.bvsub(&one);
        let tb = b.bvsub(&m).bvor(&low);
        let td = d.bvsub(&m).bvor(&low);
        let take_b = both.and(&tb.bvuge(a));
        let take_d = both.and(&take_b.not()).and(&td.bvuge(c));
        b = W::ite(&take_b, &tb, &b);
        d = W::ite(&take_d, &td, &d);
    }
    b.bvxor(&d)
}

impl<W: Word> UInterval<W> {
    /// `[lo, hi]`, not checked for well-formedness.
    pub fn from_bounds(lo: W, hi: W) -> Self {
        UInterval { lo, hi }
    }

    /// The full interval `[0, 2^w − 1]` of `like`'s width.
    pub fn full_like(like: &W) -> Self {
        UInterval {
            lo: like.zero(),
            hi: like.ones(),
        }
    }

    /// The singleton `[v, v]`.
    pub fn constant(v: W) -> Self {
        UInterval {
            lo: v.clone(),
            hi: v,
        }
    }

    /// Width in bits.
    pub fn width(&self) -> u32 {
        self.lo.width()
    }

    /// Is the interval well-formed (non-empty: `lo ≤u hi`)?
    pub fn is_well_formed(&self) -> W::Bool {
        self.lo.bvule(&self.hi)
    }

    /// Is `x ∈ γ(self)`? The conjunction of [`Self::above_lo`] and [`Self::below_hi`].
    pub fn contains(&self, x: &W) -> W::Bool {
        self.above_lo(x).and(&self.below_hi(x))
    }

    /// Does `x` respect the lower bound (`lo ≤ x`)? One half of [`Self::contains`], which
    /// soundness proofs ask separately.
    pub fn above_lo(&self, x: &W) -> W::Bool {
        self.lo.bvule(x)
    }

    /// Does `x` respect the upper bound (`x ≤ hi`)? The other half of [`Self::contains`].
    pub fn below_hi(&self, x: &W) -> W::Bool {
        x.bvule(&self.hi)
    }

    /// Is γ(other) ⊆ γ(self)?
    pub fn includes(&self, other: &Self) -> W::Bool {
        self.lo.bvule(&other.lo).and(&other.hi.bvule(&self.hi))
    }

    /// Is the interval a single value?
    pub fn is_const(&self) -> W::Bool {
        self.lo.eq(&self.hi)
    }

    /// `if cond { a } else { b }`, bound by bound.
    pub fn ite(cond: &W::Bool, a: &Self, b: &Self) -> Self {
        UInterval {
            lo: W::ite(cond, &a.lo, &b.lo),
            hi: W::ite(cond, &a.hi, &b.hi),
        }
    }

    /// The join: the convex hull, the smallest interval including both.
    pub fn join(&self, b: &Self) -> Self {
        UInterval {
            lo: self.lo.umin(&b.lo),
            hi: self.hi.umax(&b.hi),
        }
    }

    /// The meet's bounds and whether it is non-empty. γ of the bounds is exactly
    /// γ(self) ∩ γ(b) when the flag is true; otherwise the bounds are not well-formed.
    pub fn meet_bounds(&self, b: &Self) -> (Self, W::Bool) {
        let m = UInterval {
            lo: self.lo.umax(&b.lo),
            hi: self.hi.umin(&b.hi),
        };
        let nonempty = m.is_well_formed();
        (m, nonempty)
    }

    /// Does the interval contain words on both sides of the sign boundary (`2^(w−1) − 1` and
    /// `2^(w−1)`)? Then it is no signed interval.
    pub fn crosses_sign(&self) -> W::Bool {
        self.lo.msb().not().and(&self.hi.msb())
    }

    /// The same set, as a signed interval when it is one; otherwise the full signed interval.
    pub fn to_signed(&self) -> SInterval<W> {
        let same = SInterval {
            lo: self.lo.clone(),
            hi: self.hi.clone(),
        };
        SInterval::ite(&self.crosses_sign(), &SInterval::full_like(&self.lo), &same)
    }

    /// Two signed intervals whose union is exactly γ(self): `[lo, 2^(w−1)−1]` and
    /// `[−2^(w−1), hi]` when the interval crosses the sign boundary, else itself twice.
    pub fn signed_pieces(&self) -> [SInterval<W>; 2] {
        let crosses = self.crosses_sign();
        [
            SInterval {
                lo: self.lo.clone(),
                hi: W::ite(&crosses, &self.lo.signed_max(), &self.hi),
            },
            SInterval {
                lo: W::ite(&crosses, &self.lo.signed_min(), &self.lo),
                hi: self.hi.clone(),
            },
        ]
    }

    /// Lift a signed operator: run it on the signed pieces of both operands, convert each
    /// result back (sound, see the module docs) and join.
    fn via_signed(
        &self,
        b: &Self,
        op: impl Fn(&SInterval<W>, &SInterval<W>) -> SInterval<W>,
    ) -> Self {
        let [a0, a1] = self.signed_pieces();
        let [b0, b1] = b.signed_pieces();
        op(&a0, &b0)
            .to_unsigned()
            .join(&op(&a0, &b1).to_unsigned())
            .join(&op(&a1, &b0).to_unsigned())
            .join(&op(&a1, &b1).to_unsigned())
    }

    /// `a + b`. Every sum lies in the mathematical `[lo₁+lo₂, hi₁+hi₂]`; when both ends
    /// overflow the same number of times (0 or 1) wrapping is monotone on it and the wrapped
    /// bounds are exact, otherwise the sums wrap inside and the result is top.
    pub fn add(&self, b: &Self) -> Self {
        let same_block = self
            .lo
            .uadd_overflows(&b.lo)
            .eq_bool(&self.hi.uadd_overflows(&b.hi));
        let sum = UInterval {
            lo: self.lo.bvadd(&b.lo),
            hi: self.hi.bvadd(&b.hi),
        };
        UInterval::ite(&same_block, &sum, &UInterval::full_like(&self.lo))
    }

    /// `a − b`. Differences lie in `[lo₁−hi₂, hi₁−lo₂]`; exact when both ends borrow alike
    /// (same block), else top.
    pub fn sub(&self, b: &Self) -> Self {
        let same_block = self
            .lo
            .usub_overflows(&b.hi)
            .eq_bool(&self.hi.usub_overflows(&b.lo));
        let diff = UInterval {
            lo: self.lo.bvsub(&b.hi),
            hi: self.hi.bvsub(&b.lo),
        };
        UInterval::ite(&same_block, &diff, &UInterval::full_like(&self.lo))
    }

    /// `−a`, as `0 − a` (so `[0, 0]` stays `[0, 0]`, and anything else containing 0 is top).
    pub fn neg(&self) -> Self {
        UInterval::constant(self.lo.zero()).sub(self)
    }

    /// `a × b`. Products are monotone in both unsigned arguments; if the largest does not
    /// overflow none does and `[lo₁·lo₂, hi₁·hi₂]` is exact, else top.
    pub fn mul(&self, b: &Self) -> Self {
        let overflow = self.hi.umul_overflows(&b.hi);
        let prod = UInterval {
            lo: self.lo.bvmul(&b.lo),
            hi: self.hi.bvmul(&b.hi),
        };
        UInterval::ite(&overflow, &UInterval::full_like(&self.lo), &prod)
    }

    /// `a & b`, with the exact bounds of Hacker's Delight §4-3.
    pub fn and(&self, b: &Self) -> Self {
        UInterval {
            lo: min_and(self.lo.clone(), &self.hi, b.lo.clone(), &b.hi),
            hi: max_and(&self.lo, self.hi.clone(), &b.lo, b.hi.clone()),
        }
    }

    /// `a | b`, with the exact bounds of Hacker's Delight §4-3.
    pub fn or(&self, b: &Self) -> Self {
        UInterval {
            lo: min_or(self.lo.clone(), &self.hi, b.lo.clone(), &b.hi),
            hi: max_or(&self.lo, self.hi.clone(), &b.lo, b.hi.clone()),
        }
    }

    /// `a ^ b`, with the exact bounds of Hacker's Delight §4-3.
    pub fn xor(&self, b: &Self) -> Self {
        UInterval {
            lo: min_xor(self.lo.clone(), &self.hi, b.lo.clone(), &b.hi),
            hi: max_xor(&self.lo, self.hi.clone(), &b.lo, b.hi.clone()),
        }
    }

    /// `a << k` for a constant `k`. `x·2^k` lands in block `x >> (w−k)`: when both bounds agree
    /// on those dropped bits every member does and the shifted bounds are exact. Otherwise the
    /// members run through a multiple of `2^(w−k)`, so the results wrap from the largest multiple
    /// of `2^k` back to 0: the hull is `[0, (2^w − 1) << k]`. `k ≥ w` gives `[0, 0]`.
    pub fn shl_const(&self, k: u32) -> Self {
        let w = self.width();
        if k >= w {
            return UInterval::constant(self.lo.zero());
        }
        let same_block = self.lo.lshr_by(w - k).eq(&self.hi.lshr_by(w - k));
        let shifted = UInterval {
            lo: self.lo.shl_by(k),
            hi: self.hi.shl_by(k),
        };
        let multiples = UInterval {
            lo: self.lo.zero(),
            hi: self.lo.ones().shl_by(k),
        };
        UInterval::ite(&same_block, &shifted, &multiples)
    }

    /// `a >> k` (logical) for a constant `k`: monotone, so the shifted bounds are exact.
    pub fn lshr_const(&self, k: u32) -> Self {
        // `lshr_by` builds a w-bit literal: keep k below the width so it is not truncated.
        if k >= self.width() {
            return UInterval::constant(self.lo.zero());
        }
        UInterval {
            lo: self.lo.lshr_by(k),
            hi: self.hi.lshr_by(k),
        }
    }

    /// `a >>ₛ k` (arithmetic) for a constant `k`. Arithmetic shift is monotone in the unsigned
    /// order too (non-negative words map below `2^(w−1)`, negative ones stay at or above it), so
    /// the shifted bounds are exact.
    pub fn ashr_const(&self, k: u32) -> Self {
        // Amounts at or past the width fill with the sign, as a shift by w − 1 does.
        let k = k.min(self.width() - 1);
        UInterval {
            lo: self.lo.ashr_by(k),
            hi: self.hi.ashr_by(k),
        }
    }

    /// `a << b` for an unknown amount (SMT semantics: amounts `≥ w` give 0): the join of
    /// [`UInterval::shl_const`] over every amount `k < w` in `b`, plus `[0, 0]` when `b` reaches
    /// the width. Sound because each part is; a loop over the `w` possible amounts, each
    /// selected by `k ∈ γ(b)`.
    pub fn shl(&self, b: &Self) -> Self {
        let w = self.width();
        let zero = UInterval::constant(self.lo.zero());
        let mut acc = UInterval {
            lo: self.lo.ones(),
            hi: self.lo.zero(),
        }; // empty: lo > hi, grown by the joins below
        for k in 0..w {
            let in_b = b.contains(&self.lo.lit(k as u64));
            acc = UInterval::ite(&in_b, &acc.join(&self.shl_const(k)), &acc);
        }
        let reaches_width = self.lo.lit(w as u64).bvule(&b.hi);
        UInterval::ite(&reaches_width, &acc.join(&zero), &acc)
    }

    /// `a >> b` (logical) for an unknown amount: increasing in `a`, decreasing in `b` (amounts
    /// `≥ w` give 0, the smallest possible), so `[lo >> max, hi >> min]` is exact.
    pub fn lshr(&self, b: &Self) -> Self {
        UInterval {
            lo: self.lo.bvlshr(&b.hi),
            hi: self.hi.bvlshr(&b.lo),
        }
    }

    /// `a >>ₛ b` for an unknown amount. Monotone in `a` (see [`UInterval::ashr_const`]) and, for
    /// a fixed `a`, monotone in the amount (down for non-negative `a`, up towards all ones for
    /// negative `a`), so the extremes are at the amount's bounds.
    pub fn ashr(&self, b: &Self) -> Self {
        UInterval {
            lo: self.lo.bvashr(&b.lo).umin(&self.lo.bvashr(&b.hi)),
            hi: self.hi.bvashr(&b.lo).umax(&self.hi.bvashr(&b.hi)),
        }
    }

    /// BPF `a / b` (unsigned, `x / 0 = 0`). For non-zero divisors the quotient increases with
    /// `a` and decreases with `b`, so it lies in `[lo / hi_b, hi / max(lo_b, 1)]`; a divisor
    /// range containing 0 adds the quotient 0, and `b = [0, 0]` gives exactly `[0, 0]`.
    pub fn udiv(&self, b: &Self) -> Self {
        let zero = self.lo.zero();
        let one = self.lo.lit(1);
        let may_be_zero = b.lo.is_zero();
        let nonzero_lo = b.lo.umax(&one);
        let q = UInterval {
            lo: W::ite(&may_be_zero, &zero, &self.lo.bvudiv(&b.hi)),
            hi: self.hi.bvudiv(&nonzero_lo),
        };
        UInterval::ite(&b.hi.is_zero(), &UInterval::constant(zero), &q)
    }

    /// BPF `a % b` (unsigned, `x % 0 = x`). For a non-zero divisor `0 ≤ x % y ≤ min(x, y−1)`,
    /// and when every `x` has the same quotient by a constant divisor the remainders are the
    /// shifted range `[lo % y, hi % y]` (this covers `hi < y`, where `x % y = x`). A divisor range
    /// containing 0 adds the dividend itself.
    pub fn urem(&self, b: &Self) -> Self {
        let zero = self.lo.zero();
        let one = self.lo.lit(1);
        let const_div = b.lo.eq(&b.hi).and(&nonzero(&b.lo));
        let same_quotient = self.lo.bvudiv(&b.lo).eq(&self.hi.bvudiv(&b.lo));
        let below_divisor = self.hi.bvult(&b.lo);
        let shifted = UInterval {
            lo: self.lo.bvurem(&b.lo),
            hi: self.hi.bvurem(&b.lo),
        };
        let bounded = UInterval {
            lo: zero,
            hi: self.hi.umin(&b.hi.bvsub(&one)),
        };
        let nonzero_part = UInterval::ite(
            &below_divisor.or(&const_div.and(&same_quotient)),
            &shifted,
            &bounded,
        );
        let with_zero = nonzero_part.join(self);
        UInterval::ite(
            &b.hi.is_zero(),
            self,
            &UInterval::ite(&b.lo.is_zero(), &with_zero, &nonzero_part),
        )
    }

    /// BPF signed division of unsigned-interval operands: [`SInterval::sdiv`] lifted by
    /// splitting at the sign boundary.
    pub fn sdiv(&self, b: &Self) -> Self {
        self.via_signed(b, |x, y| x.sdiv(y))
    }

    /// BPF signed remainder of unsigned-interval operands: [`SInterval::srem`] lifted by
    /// splitting at the sign boundary.
    pub fn srem(&self, b: &Self) -> Self {
        self.via_signed(b, |x, y| x.srem(y))
    }
}

impl<W: Word> SInterval<W> {
    /// `[lo, hi]`, not checked for well-formedness.
    pub fn from_bounds(lo: W, hi: W) -> Self {
        SInterval { lo, hi }
    }

    /// The full interval `[−2^(w−1), 2^(w−1) − 1]` of `like`'s width.
    pub fn full_like(like: &W) -> Self {
        SInterval {
            lo: like.signed_min(),
            hi: like.signed_max(),
        }
    }

    /// The singleton `[v, v]`.
    pub fn constant(v: W) -> Self {
        SInterval {
            lo: v.clone(),
            hi: v,
        }
    }

    /// Width in bits.
    pub fn width(&self) -> u32 {
        self.lo.width()
    }

    /// Is the interval well-formed (non-empty: `lo ≤s hi`)?
    pub fn is_well_formed(&self) -> W::Bool {
        self.lo.bvsle(&self.hi)
    }

    /// Is `x ∈ γ(self)`? The conjunction of [`Self::above_lo`] and [`Self::below_hi`].
    pub fn contains(&self, x: &W) -> W::Bool {
        self.above_lo(x).and(&self.below_hi(x))
    }

    /// Does `x` respect the lower bound (`lo ≤ x`)? One half of [`Self::contains`], which
    /// soundness proofs ask separately.
    pub fn above_lo(&self, x: &W) -> W::Bool {
        self.lo.bvsle(x)
    }

    /// Does `x` respect the upper bound (`x ≤ hi`)? The other half of [`Self::contains`].
    pub fn below_hi(&self, x: &W) -> W::Bool {
        x.bvsle(&self.hi)
    }

    /// Is γ(other) ⊆ γ(self)?
    pub fn includes(&self, other: &Self) -> W::Bool {
        self.lo.bvsle(&other.lo).and(&other.hi.bvsle(&self.hi))
    }

    /// Is the interval a single value?
    pub fn is_const(&self) -> W::Bool {
        self.lo.eq(&self.hi)
    }

    /// `if cond { a } else { b }`, bound by bound.
    pub fn ite(cond: &W::Bool, a: &Self, b: &Self) -> Self {
        SInterval {
            lo: W::ite(cond, &a.lo, &b.lo),
            hi: W::ite(cond, &a.hi, &b.hi),
        }
    }

    /// The join: the convex hull in the signed order.
    pub fn join(&self, b: &Self) -> Self {
        SInterval {
            lo: self.lo.smin(&b.lo),
            hi: self.hi.smax(&b.hi),
        }
    }

    /// The meet's bounds and whether it is non-empty (see [`UInterval::meet_bounds`]).
    pub fn meet_bounds(&self, b: &Self) -> (Self, W::Bool) {
        let m = SInterval {
            lo: self.lo.smax(&b.lo),
            hi: self.hi.smin(&b.hi),
        };
        let nonempty = m.is_well_formed();
        (m, nonempty)
    }

    /// Does the interval hold both −1 and 0 (so it is no unsigned interval)?
    pub fn crosses_zero(&self) -> W::Bool {
        self.lo.msb().and(&self.hi.msb().not())
    }

    /// The same set as an unsigned interval when it is one; otherwise the full unsigned interval.
    pub fn to_unsigned(&self) -> UInterval<W> {
        let same = UInterval {
            lo: self.lo.clone(),
            hi: self.hi.clone(),
        };
        UInterval::ite(&self.crosses_zero(), &UInterval::full_like(&self.lo), &same)
    }

    /// Two unsigned intervals whose union is exactly γ(self): `[0, hi]` and `[lo, 2^w − 1]`
    /// when the interval crosses zero, else itself twice.
    pub fn unsigned_pieces(&self) -> [UInterval<W>; 2] {
        let crosses = self.crosses_zero();
        [
            UInterval {
                lo: W::ite(&crosses, &self.lo.zero(), &self.lo),
                hi: self.hi.clone(),
            },
            UInterval {
                lo: self.lo.clone(),
                hi: W::ite(&crosses, &self.lo.ones(), &self.hi),
            },
        ]
    }

    /// Lift an unsigned operator: run it on the unsigned pieces of both operands, convert each
    /// result (sound) and join.
    fn via_unsigned(
        &self,
        b: &Self,
        op: impl Fn(&UInterval<W>, &UInterval<W>) -> UInterval<W>,
    ) -> Self {
        let [a0, a1] = self.unsigned_pieces();
        let [b0, b1] = b.unsigned_pieces();
        op(&a0, &b0)
            .to_signed()
            .join(&op(&a0, &b1).to_signed())
            .join(&op(&a1, &b0).to_signed())
            .join(&op(&a1, &b1).to_signed())
    }

    /// Join `v` into the running hull `acc` when `take` holds.
    fn hull_with(acc: Self, take: &W::Bool, v: &W) -> Self {
        let grown = SInterval {
            lo: acc.lo.smin(v),
            hi: acc.hi.smax(v),
        };
        SInterval::ite(take, &grown, &acc)
    }

    /// An empty accumulator for [`SInterval::hull_with`] (`lo = max`, `hi = min`).
    fn empty_hull(like: &W) -> Self {
        SInterval {
            lo: like.signed_max(),
            hi: like.signed_min(),
        }
    }

    /// `a + b`. Sums lie in the mathematical `[lo₁+lo₂, hi₁+hi₂]`; exact when both ends
    /// overflow alike — neither, or both in the same direction (the direction of an overflow is
    /// the sign of the operands, so `lo₁` and `hi₁` must share a sign) — else top.
    pub fn add(&self, b: &Self) -> Self {
        let lo_ov = self.lo.sadd_overflows(&b.lo);
        let hi_ov = self.hi.sadd_overflows(&b.hi);
        let same_dir = self.lo.msb().eq_bool(&self.hi.msb());
        let same_block = lo_ov.eq_bool(&hi_ov).and(&lo_ov.not().or(&same_dir));
        let sum = SInterval {
            lo: self.lo.bvadd(&b.lo),
            hi: self.hi.bvadd(&b.hi),
        };
        SInterval::ite(&same_block, &sum, &SInterval::full_like(&self.lo))
    }

    /// `a − b`. Differences lie in `[lo₁−hi₂, hi₁−lo₂]`; an overflow of `x − y` goes in the
    /// direction of `x`'s sign, so as for [`SInterval::add`] the bounds are exact when both ends
    /// overflow alike, else top.
    pub fn sub(&self, b: &Self) -> Self {
        let lo_ov = self.lo.ssub_overflows(&b.hi);
        let hi_ov = self.hi.ssub_overflows(&b.lo);
        let same_dir = self.lo.msb().eq_bool(&self.hi.msb());
        let same_block = lo_ov.eq_bool(&hi_ov).and(&lo_ov.not().or(&same_dir));
        let diff = SInterval {
            lo: self.lo.bvsub(&b.hi),
            hi: self.hi.bvsub(&b.lo),
        };
        SInterval::ite(&same_block, &diff, &SInterval::full_like(&self.lo))
    }

    /// `−a`, as `0 − a` (top when `a` holds `−2^(w−1)`, whose negation wraps onto itself).
    pub fn neg(&self) -> Self {
        SInterval::constant(self.lo.zero()).sub(self)
    }

    /// `a × b`. The product is bilinear, so over the box its extremes are at the four corners;
    /// if no corner product overflows, no product does and the corners' hull is exact, else top.
    pub fn mul(&self, b: &Self) -> Self {
        let corners = [
            (&self.lo, &b.lo),
            (&self.lo, &b.hi),
            (&self.hi, &b.lo),
            (&self.hi, &b.hi),
        ];
        let mut overflow = falsity(&self.lo);
        let mut hull = SInterval::empty_hull(&self.lo);
        let always = self.lo.bool_const(true);
        for (x, y) in corners {
            overflow = overflow.or(&x.smul_overflows(y));
            hull = SInterval::hull_with(hull, &always, &x.bvmul(y));
        }
        SInterval::ite(&overflow, &SInterval::full_like(&self.lo), &hull)
    }

    /// `a & b`: [`UInterval::and`] lifted by splitting at zero.
    pub fn and(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.and(y))
    }

    /// `a | b`: [`UInterval::or`] lifted by splitting at zero.
    pub fn or(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.or(y))
    }

    /// `a ^ b`: [`UInterval::xor`] lifted by splitting at zero.
    pub fn xor(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.xor(y))
    }

    /// `a << k` for a constant `k`. Exact when neither bound overflows (then, by monotonicity of
    /// `|x|·2^k`, no member does); otherwise every result is still a multiple of `2^k`, so within
    /// `[−2^(w−1), (2^(w−1) − 1) & −2^k]`. That is met with [`UInterval::shl_const`] on the
    /// unsigned pieces (the same bits), which is exact when the pieces do not wrap. Both are
    /// sound, so their meet is, and it is never empty. `k ≥ w` gives `[0, 0]`.
    pub fn shl_const(&self, k: u32) -> Self {
        if k >= self.width() {
            return SInterval::constant(self.lo.zero());
        }
        let lo = self.lo.shl_by(k);
        let hi = self.hi.shl_by(k);
        let fits = lo.ashr_by(k).eq(&self.lo).and(&hi.ashr_by(k).eq(&self.hi));
        let multiples = SInterval {
            lo: self.lo.signed_min(),
            hi: self.lo.signed_max().bvand(&self.lo.ones().shl_by(k)),
        };
        let direct = SInterval::ite(&fits, &SInterval { lo, hi }, &multiples);
        let [a0, a1] = self.unsigned_pieces();
        let pieces = a0
            .shl_const(k)
            .to_signed()
            .join(&a1.shl_const(k).to_signed());
        pieces.meet_bounds(&direct).0
    }

    /// `a >> k` (logical) for a constant `k`: [`UInterval::lshr_const`] on the unsigned pieces.
    pub fn lshr_const(&self, k: u32) -> Self {
        let [a0, a1] = self.unsigned_pieces();
        a0.lshr_const(k)
            .to_signed()
            .join(&a1.lshr_const(k).to_signed())
    }

    /// `a >>ₛ k` for a constant `k`: monotone in the signed order, so exact on the bounds.
    pub fn ashr_const(&self, k: u32) -> Self {
        let k = k.min(self.width() - 1);
        SInterval {
            lo: self.lo.ashr_by(k),
            hi: self.hi.ashr_by(k),
        }
    }

    /// `a << b`, amount unknown (SMT semantics): [`UInterval::shl`] on the unsigned pieces.
    pub fn shl(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.shl(y))
    }

    /// `a >> b` (logical), amount unknown: [`UInterval::lshr`] on the unsigned pieces.
    pub fn lshr(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.lshr(y))
    }

    /// `a >>ₛ b`, amount unknown. Monotone in `a` (signed) and, for fixed `a`, in the unsigned
    /// amount; so over each unsigned piece of the amount the extremes are at its bounds.
    pub fn ashr(&self, b: &Self) -> Self {
        let mut hull = SInterval::empty_hull(&self.lo);
        let always = self.lo.bool_const(true);
        for piece in b.unsigned_pieces() {
            for k in [&piece.lo, &piece.hi] {
                hull = SInterval::hull_with(hull, &always, &self.lo.bvashr(k));
                hull = SInterval::hull_with(hull, &always, &self.hi.bvashr(k));
            }
        }
        hull
    }

    /// BPF `a / b` (signed: truncating, `x / 0 = 0`, `INT_MIN / −1 = INT_MIN`).
    ///
    /// On each part of the divisor with a constant sign (`[lo_b, min(hi_b, −1)]` and
    /// `[max(lo_b, 1), hi_b]`), truncated division is monotone in each argument, so the extremes
    /// are among the corner quotients; a divisor range holding 0 adds 0. The one overflowing
    /// quotient, `INT_MIN / −1`, wraps and breaks monotonicity: when it is possible the result
    /// is top.
    pub fn sdiv(&self, b: &Self) -> Self {
        let zero = self.lo.zero();
        let one = self.lo.lit(1);
        let minus_one = self.lo.ones();
        let neg_part = (b.lo.clone(), b.hi.smin(&minus_one), b.lo.msb());
        let pos_part = (b.lo.smax(&one), b.hi.clone(), zero.bvslt(&b.hi));
        let mut hull = SInterval::empty_hull(&self.lo);
        for (ylo, yhi, present) in [neg_part, pos_part] {
            for y in [&ylo, &yhi] {
                hull = SInterval::hull_with(hull, &present, &self.lo.bvsdiv(y));
                hull = SInterval::hull_with(hull, &present, &self.hi.bvsdiv(y));
            }
        }
        hull = SInterval::hull_with(hull, &b.contains(&zero), &zero);
        let overflow = self
            .lo
            .eq(&self.lo.signed_min())
            .and(&b.contains(&minus_one));
        SInterval::ite(&overflow, &SInterval::full_like(&self.lo), &hull)
    }

    /// BPF `a % b` (signed: the sign of the dividend, `x % 0 = x`, `INT_MIN % −1 = 0`).
    ///
    /// For `y ≠ 0`, `|x % y| ≤ min(|x|, |y| − 1)` and `x % y` is 0 or has `x`'s sign. With
    /// `M = max(|lo_b|, |hi_b|) − 1` (the largest `|y|` is at a bound), remainders of
    /// non-negative dividends lie in `[0, min(hi, M)]` and of negative ones in
    /// `[max(lo, −M), 0]`. A divisor range holding 0 adds the dividend; `b = [0, 0]` gives it exactly.
    pub fn srem(&self, b: &Self) -> Self {
        let zero = self.lo.zero();
        let one = self.lo.lit(1);
        let abs = |v: &W| W::ite(&v.msb(), &v.bvneg(), v);
        // Unsigned magnitudes: |INT_MIN| = 2^(w−1) reads correctly as unsigned.
        let m = abs(&b.lo).umax(&abs(&b.hi)).bvsub(&one);
        let nonzero_part = SInterval {
            lo: W::ite(&self.lo.msb(), &self.lo.smax(&m.bvneg()), &zero),
            hi: W::ite(&self.hi.msb(), &zero, &self.hi.smin(&m)),
        };
        let only_zero = b.lo.is_zero().and(&b.hi.is_zero());
        let with_dividend =
            SInterval::ite(&b.contains(&zero), &nonzero_part.join(self), &nonzero_part);
        SInterval::ite(&only_zero, self, &with_dividend)
    }

    /// BPF unsigned division of signed-interval operands: [`UInterval::udiv`] lifted by splitting
    /// at zero.
    pub fn udiv(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.udiv(y))
    }

    /// BPF unsigned remainder of signed-interval operands: [`UInterval::urem`] lifted by
    /// splitting at zero.
    pub fn urem(&self, b: &Self) -> Self {
        self.via_unsigned(b, |x, y| x.urem(y))
    }
}

/// Boolean equality, from the [`Bit`] connectives (so it exists for every `Word::Bool`).
trait BitEq: Bit {
    fn eq_bool(&self, other: &Self) -> Self {
        self.and(other).or(&self.not().and(&other.not()))
    }
}

impl<B: Bit> BitEq for B {}

/// Concrete unsigned intervals: checked constructors, the lattice and enumeration.
impl UInterval<Bv> {
    /// `[lo, hi]` of `width` bits (values truncated to the width); `None` if `lo > hi`.
    pub fn new(width: u32, lo: u64, hi: u64) -> Option<Self> {
        let i = UInterval::from_bounds(Bv::new(width, lo), Bv::new(width, hi));
        i.is_well_formed().then_some(i)
    }
    /// The full interval of `width` bits.
    pub fn full(width: u32) -> Self {
        UInterval::full_like(&Bv::new(width, 0))
    }
    /// The singleton `[v, v]` of `width` bits.
    pub fn const_u(width: u32, v: u64) -> Self {
        UInterval::constant(Bv::new(width, v))
    }
    /// The lower bound.
    pub fn lo_u64(&self) -> u64 {
        self.lo.get()
    }
    /// The upper bound.
    pub fn hi_u64(&self) -> u64 {
        self.hi.get()
    }
    /// Is `x` (truncated to the width) a member?
    pub fn has(&self, x: u64) -> bool {
        self.contains(&Bv::new(self.width(), x))
    }
    /// |γ(self)| (0 if not well-formed).
    pub fn size(&self) -> u128 {
        if self.lo > self.hi {
            0
        } else {
            (self.hi_u64() - self.lo_u64()) as u128 + 1
        }
    }
    /// `self ⊑ other`: γ(self) ⊆ γ(other).
    pub fn le(&self, other: &Self) -> bool {
        other.includes(self)
    }
    /// The meet: `None` when γ(self) ∩ γ(other) is empty.
    pub fn meet(&self, other: &Self) -> Option<Self> {
        let (m, nonempty) = self.meet_bounds(other);
        nonempty.then_some(m)
    }
    /// Every member, in increasing order.
    pub fn members(&self) -> impl Iterator<Item = u64> {
        let (lo, hi) = (self.lo_u64(), self.hi_u64());
        // `lo..=hi` would be empty when lo > hi, as wanted.
        lo..=hi
    }
    /// Every well-formed interval of `width` bits (`2^w (2^w + 1) / 2` of them), by `lo` then `hi`.
    pub fn all(width: u32) -> impl Iterator<Item = Self> {
        let max = width_mask(width);
        (0..=max).flat_map(move |lo| {
            (lo..=max).map(move |hi| UInterval::from_bounds(Bv::new(width, lo), Bv::new(width, hi)))
        })
    }
    /// The smallest interval containing every value (truncated to the width); `None` if empty.
    pub fn abstraction(width: u32, values: impl IntoIterator<Item = u64>) -> Option<Self> {
        let mask = width_mask(width);
        let (lo, hi) = values.into_iter().fold((u64::MAX, 0u64), |(lo, hi), x| {
            let x = x & mask;
            (lo.min(x), hi.max(x))
        });
        (lo <= hi).then(|| UInterval::from_bounds(Bv::new(width, lo), Bv::new(width, hi)))
    }
}

/// Concrete signed intervals: checked constructors, the lattice and enumeration.
///
/// Members are given as `w`-bit patterns (`u64`, zero-extended), like every concrete word.
impl SInterval<Bv> {
    /// `[lo, hi]` of `width` bits from signed values (truncated to the width); `None` if `lo > hi`.
    pub fn new(width: u32, lo: i64, hi: i64) -> Option<Self> {
        let i = SInterval::from_bounds(Bv::new(width, lo as u64), Bv::new(width, hi as u64));
        i.is_well_formed().then_some(i)
    }
    /// The full interval of `width` bits.
    pub fn full(width: u32) -> Self {
        SInterval::full_like(&Bv::new(width, 0))
    }
    /// The singleton holding the `width`-bit pattern `v`.
    pub fn const_u(width: u32, v: u64) -> Self {
        SInterval::constant(Bv::new(width, v))
    }
    /// The lower bound, signed.
    pub fn lo_i64(&self) -> i64 {
        self.lo.signed()
    }
    /// The upper bound, signed.
    pub fn hi_i64(&self) -> i64 {
        self.hi.signed()
    }
    /// Is the `width`-bit pattern `x` (truncated) a member?
    pub fn has(&self, x: u64) -> bool {
        self.contains(&Bv::new(self.width(), x))
    }
    /// |γ(self)| (0 if not well-formed).
    pub fn size(&self) -> u128 {
        let (lo, hi) = (self.lo_i64() as i128, self.hi_i64() as i128);
        if lo > hi {
            0
        } else {
            (hi - lo + 1) as u128
        }
    }
    /// `self ⊑ other`: γ(self) ⊆ γ(other).
    pub fn le(&self, other: &Self) -> bool {
        other.includes(self)
    }
    /// The meet: `None` when γ(self) ∩ γ(other) is empty.
    pub fn meet(&self, other: &Self) -> Option<Self> {
        let (m, nonempty) = self.meet_bounds(other);
        nonempty.then_some(m)
    }
    /// Every member as a `w`-bit pattern, in increasing signed order.
    pub fn members(&self) -> impl Iterator<Item = u64> {
        let mask = width_mask(self.width());
        (self.lo_i64()..=self.hi_i64()).map(move |x| x as u64 & mask)
    }
    /// Every well-formed signed interval of `width` bits, by `lo` then `hi` (signed).
    pub fn all(width: u32) -> impl Iterator<Item = Self> {
        let (min, max) = (
            sign_extend(1u64 << (width - 1), width),
            sign_extend(width_mask(width) >> 1, width),
        );
        (min..=max).flat_map(move |lo| {
            (lo..=max).map(move |hi| {
                SInterval::from_bounds(Bv::new(width, lo as u64), Bv::new(width, hi as u64))
            })
        })
    }
    /// The smallest signed interval containing every `w`-bit pattern of `values`; `None` if
    /// empty.
    pub fn abstraction(width: u32, values: impl IntoIterator<Item = u64>) -> Option<Self> {
        let (lo, hi) = values
            .into_iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), x| {
                let x = sign_extend(x & width_mask(width), width);
                (lo.min(x), hi.max(x))
            });
        (lo <= hi)
            .then(|| SInterval::from_bounds(Bv::new(width, lo as u64), Bv::new(width, hi as u64)))
    }
}

impl<W: Word> fmt::Debug for UInterval<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "u[{:?}, {:?}]", self.lo, self.hi)
    }
}

impl<W: Word> fmt::Debug for SInterval<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s[{:?}, {:?}]", self.lo, self.hi)
    }
}

/// Prints the bounds as unsigned decimals: `[3, 7]`.
impl fmt::Display for UInterval<Bv> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.lo_u64(), self.hi_u64())
    }
}

/// Prints the bounds as signed decimals: `[-2, 7]`.
impl fmt::Display for SInterval<Bv> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.lo_i64(), self.hi_i64())
    }
}
