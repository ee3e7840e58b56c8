//! The verifier's scalar register state: a tnum plus eight bounds, kept in sync as Linux does.
//!
//! A state `S` stands for the 64-bit words
//!
//! ```text
//! γ(S) = { x | x ∈ γ(var_off),
//!              umin ≤ x ≤ umax,       smin ≤ (s64)x ≤ smax,
//!              u32_min ≤ (u32)x ≤ u32_max, s32_min ≤ (s32)x ≤ s32_max }
//! ```
//!
//! i.e. the intersection of five domains. Each transfer function is sound when every component
//! is: any bound or tnum that over-approximates the result keeps `γ` a superset. The
//! synchronisation (`reg_bounds_sync` in the kernel) only moves each component toward the
//! intersection, so it never drops a member.
//!
//! Bounds are stored as bit patterns: 64-bit words for the 64-bit bounds and 32-bit words for the
//! 32-bit ones, read as signed or unsigned by the comparisons that use them.

use crate::domain::tnum::Tnum;
use crate::word::{Bv, Word};

/// A scalar register's abstract state, generic over the word type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scalar<W = Bv> {
    /// Known bits (64-bit tnum).
    pub var_off: Tnum<W>,
    /// Signed 64-bit lower bound (64-bit word, read as signed).
    pub smin: W,
    /// Signed 64-bit upper bound.
    pub smax: W,
    /// Unsigned 64-bit lower bound.
    pub umin: W,
    /// Unsigned 64-bit upper bound.
    pub umax: W,
    /// Signed lower bound of the low 32 bits (32-bit word, read as signed).
    pub s32_min: W,
    /// Signed upper bound of the low 32 bits.
    pub s32_max: W,
    /// Unsigned lower bound of the low 32 bits.
    pub u32_min: W,
    /// Unsigned upper bound of the low 32 bits.
    pub u32_max: W,
}

impl<W: Word> Scalar<W> {
    /// The fully unknown scalar; `like` is any word, used only to build constants of the same type.
    pub fn unknown_like(like: &W) -> Self {
        let w64 = like.constant(64, 0);
        let w32 = like.constant(32, 0);
        Scalar {
            var_off: Tnum::unknown_like(&w64),
            smin: w64.signed_min(),
            smax: w64.signed_max(),
            umin: w64.zero(),
            umax: w64.ones(),
            s32_min: w32.signed_min(),
            s32_max: w32.signed_max(),
            u32_min: w32.zero(),
            u32_max: w32.ones(),
        }
    }

    /// The known constant `v` (a 64-bit word): every bound equals it (`___mark_reg_known`).
    pub fn constant(v: &W) -> Self {
        let lo = v.extract(31, 0);
        Scalar {
            var_off: Tnum::constant(v.clone()),
            smin: v.clone(),
            smax: v.clone(),
            umin: v.clone(),
            umax: v.clone(),
            s32_min: lo.clone(),
            s32_max: lo.clone(),
            u32_min: lo.clone(),
            u32_max: lo,
        }
    }

    /// Is the 64-bit word `x` in γ(self)?
    pub fn contains(&self, x: &W) -> W::Bool {
        use crate::word::Bit;
        let lo = x.extract(31, 0);
        self.var_off
            .contains(x)
            .and(&self.umin.bvule(x))
            .and(&x.bvule(&self.umax))
            .and(&self.smin.bvsle(x))
            .and(&x.bvsle(&self.smax))
            .and(&self.u32_min.bvule(&lo))
            .and(&lo.bvule(&self.u32_max))
            .and(&self.s32_min.bvsle(&lo))
            .and(&lo.bvsle(&self.s32_max))
    }

    /// `if cond { a } else { b }`, field by field.
    pub fn ite(cond: &W::Bool, a: &Self, b: &Self) -> Self {
        Scalar {
            var_off: Tnum::ite(cond, &a.var_off, &b.var_off),
            smin: W::ite(cond, &a.smin, &b.smin),
            smax: W::ite(cond, &a.smax, &b.smax),
            umin: W::ite(cond, &a.umin, &b.umin),
            umax: W::ite(cond, &a.umax, &b.umax),
            s32_min: W::ite(cond, &a.s32_min, &b.s32_min),
            s32_max: W::ite(cond, &a.s32_max, &b.s32_max),
            u32_min: W::ite(cond, &a.u32_min, &b.u32_min),
            u32_max: W::ite(cond, &a.u32_max, &b.u32_max),
        }
    }
}

impl Scalar<Bv> {
    /// The fully unknown concrete scalar.
    pub fn unknown() -> Self {
        Scalar::unknown_like(&Bv::u64(0))
    }
    /// The concrete constant `v`.
    pub fn known(v: u64) -> Self {
        Scalar::constant(&Bv::u64(v))
    }
    /// The constant value, if the state holds exactly one value.
    pub fn as_const(&self) -> Option<u64> {
        (self.var_off.m() == 0).then(|| self.var_off.v())
    }
}

impl<W: Word> std::fmt::Debug for Scalar<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scalar")
            .field("var_off", &self.var_off)
            .field("smin", &self.smin)
            .field("smax", &self.smax)
            .field("umin", &self.umin)
            .field("umax", &self.umax)
            .field("s32_min", &self.s32_min)
            .field("s32_max", &self.s32_max)
            .field("u32_min", &self.u32_min)
            .field("u32_max", &self.u32_max)
            .finish()
    }
}
