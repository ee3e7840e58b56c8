//! Bounds synchronisation of a scalar register, as the running Linux 6.18.44 verifier does it
//! (`reg_bounds_sync` and the helpers around it in `kernel/bpf/verifier.c`).
//!
//! A [`Scalar`] is the intersection of five domains (see [`crate::domain::scalar`]); the
//! synchronisation moves each component toward what the others imply. Every step is sound:
//! each new bound or tnum is derived from facts that hold for every member of γ, so γ never
//! loses a member (the property tests in `tests/kernel_alu.rs` check this). It is not an
//! idempotent closure: the kernel runs a fixed number of rounds, and so do we.
//!
//! Steps, in the kernel's order:
//!
//! 1. [`update_bounds`]: bounds from the tnum, 32-bit then 64-bit. The 64-bit part carries the
//!    6.18.44 backport of upstream efc11a667878 ("bpf: Improve bounds when tnum has a single
//!    possible value"): with `next = tnum_step(var_off, umin)`, when the u64 range and the tnum
//!    share exactly one value, the register becomes that constant (all eight bounds).
//! 2. [`deduce_bounds`] three times: 32-bit deduction (from the 64-bit ranges when their upper
//!    halves agree or are consecutive with the low half crossing the s32 sign boundary, then
//!    u32 ↔ s32, including the sign-crossing cases), 64-bit deduction (u64 ↔ s64, including the
//!    sign-crossing cases), and the mixed deduction (32-bit ranges into the low halves of the
//!    64-bit ones, plus the special case where a non-negative s32 range and an s64 range inside
//!    s32 pin the whole register, which also intersects the tnum with that range).
//! 3. [`bound_offset`]: the tnum from the u64 and u32 ranges.
//! 4. [`update_bounds`] again.
//!
//! Everything is generic over [`Word`]: each data-dependent choice is a `W::ite`, so the same
//! code encodes to SMT. Re-implemented from the published algorithm (Linux 6.18.44
//! `kernel/bpf/verifier.c`), not copied.

use crate::domain::scalar::Scalar;
use crate::domain::tnum::Tnum;
use crate::word::{Bit, Word};

/// The low 32 bits of a 64-bit word.
fn lo<W: Word>(x: &W) -> W {
    x.extract(31, 0)
}

/// The high 32 bits of a 64-bit word.
fn hi<W: Word>(x: &W) -> W {
    x.extract(63, 32)
}

/// The known constant `v` (a 64-bit word): `___mark_reg_known`, every bound equal to `v`.
pub fn mark_known<W: Word>(v: &W) -> Scalar<W> {
    Scalar::constant(v)
}

/// The fully unknown scalar (`__mark_reg_unknown` on a scalar); `like` only gives the word type.
pub fn mark_unknown<W: Word>(like: &W) -> Scalar<W> {
    Scalar::unknown_like(like)
}

/// Every bound unbounded, the tnum kept (`__mark_reg_unbounded`).
pub fn mark_unbounded<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let unknown = Scalar::unknown_like(&s.umin);
    Scalar {
        var_off: s.var_off.clone(),
        ..unknown
    }
}

/// The 64-bit bounds unbounded, the rest kept (`__mark_reg64_unbounded`).
pub fn mark64_unbounded<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let u = Scalar::unknown_like(&s.umin);
    Scalar {
        smin: u.smin,
        smax: u.smax,
        umin: u.umin,
        umax: u.umax,
        ..s.clone()
    }
}

/// The 32-bit bounds unbounded, the rest kept (`__mark_reg32_unbounded`).
pub fn mark32_unbounded<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let u = Scalar::unknown_like(&s.umin);
    Scalar {
        s32_min: u.s32_min,
        s32_max: u.s32_max,
        u32_min: u.u32_min,
        u32_max: u.u32_max,
        ..s.clone()
    }
}

/// The low half known to be `v32` (a 32-bit word): `__mark_reg32_known`. The tnum's upper half
/// and the 64-bit bounds are kept as they are (the kernel does not touch them).
pub fn mark32_known<W: Word>(s: &Scalar<W>, v32: &W) -> Scalar<W> {
    let low = Tnum::constant(v32.zext(64));
    Scalar {
        var_off: s.var_off.with_subreg(&low),
        s32_min: v32.clone(),
        s32_max: v32.clone(),
        u32_min: v32.clone(),
        u32_max: v32.clone(),
        ..s.clone()
    }
}

/// 32-bit bounds from the low half of the tnum (`__update_reg32_bounds`).
pub fn update_bounds32<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let v = lo(&s.var_off.value);
    let m = lo(&s.var_off.mask);
    let sign = v.signed_min();
    let mut r = s.clone();
    // Smallest signed member: sign bit set if it may be, other bits at their minimum.
    r.s32_min = r.s32_min.smax(&v.bvor(&m.bvand(&sign)));
    r.s32_max = r.s32_max.smin(&v.bvor(&m.bvand(&sign.bvnot())));
    r.u32_min = r.u32_min.umax(&v);
    r.u32_max = r.u32_max.umin(&v.bvor(&m));
    r
}

/// 64-bit bounds from the tnum (`__update_reg64_bounds`), with the 6.18.44 single-value
/// refinement that uses `tnum_step`.
pub fn update_bounds64<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let t = &s.var_off;
    let sign = t.value.signed_min();
    let mut r = s.clone();
    r.smin = r.smin.smax(&t.value.bvor(&t.mask.bvand(&sign)));
    r.smax = r.smax.smin(&t.value.bvor(&t.mask.bvand(&sign.bvnot())));
    r.umin = r.umin.umax(&t.value);
    r.umax = r.umax.umin(&t.max());

    // Does the u64 range share a single value with the tnum? (Three cases, as the kernel.)
    let next = t.step(&r.umin);
    let umin_in_tnum = t.contains(&r.umin);
    let tmax = t.max();
    let only_umin = umin_in_tnum.and(&next.bvugt(&r.umax));
    let only_tmax = umin_in_tnum.not().and(&next.eq(&tmax));
    let only_next = umin_in_tnum
        .not()
        .and(&next.bvule(&r.umax))
        .and(&t.step(&next).bvugt(&r.umax));
    let known_next = Scalar::ite(&only_next, &mark_known(&next), &r);
    let known_tmax = Scalar::ite(&only_tmax, &mark_known(&tmax), &known_next);
    Scalar::ite(&only_umin, &mark_known(&r.umin), &known_tmax)
}

/// Bounds from the tnum, 32-bit then 64-bit (`__update_reg_bounds`).
pub fn update_bounds<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    update_bounds64(&update_bounds32(s))
}

/// 32-bit bounds from the 64-bit ones, then u32 ↔ s32 (`__reg32_deduce_bounds`).
pub fn deduce_bounds32<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mut r = s.clone();
    let one32 = r.u32_min.lit(1);
    let zero32 = r.u32_min.zero();

    // The u64 range keeps its upper half: its low halves form a u32 range (and an s32 one when
    // they do not cross the s32 sign boundary).
    let (umin_lo, umax_lo) = (lo(&r.umin), lo(&r.umax));
    let same_hi = hi(&r.umin).eq(&hi(&r.umax));
    r.u32_min = W::ite(&same_hi, &r.u32_min.umax(&umin_lo), &r.u32_min);
    r.u32_max = W::ite(&same_hi, &r.u32_max.umin(&umax_lo), &r.u32_max);
    let as_s32 = same_hi.and(&umin_lo.bvsle(&umax_lo));
    r.s32_min = W::ite(&as_s32, &r.s32_min.smax(&umin_lo), &r.s32_min);
    r.s32_max = W::ite(&as_s32, &r.s32_max.smin(&umax_lo), &r.s32_max);

    // Likewise for the s64 range.
    let (smin_lo, smax_lo) = (lo(&r.smin), lo(&r.smax));
    let same_hi = hi(&r.smin).eq(&hi(&r.smax));
    let as_u32 = same_hi.and(&smin_lo.bvule(&smax_lo));
    r.u32_min = W::ite(&as_u32, &r.u32_min.umax(&smin_lo), &r.u32_min);
    r.u32_max = W::ite(&as_u32, &r.u32_max.umin(&smax_lo), &r.u32_max);
    let as_s32 = same_hi.and(&smin_lo.bvsle(&smax_lo));
    r.s32_min = W::ite(&as_s32, &r.s32_min.smax(&smin_lo), &r.s32_min);
    r.s32_max = W::ite(&as_s32, &r.s32_max.smin(&smax_lo), &r.s32_max);

    // Upper halves consecutive (mod 2^32) and the low halves going from negative to
    // non-negative: the low halves still form an s32 range.
    let consecutive = hi(&r.umin)
        .bvadd(&one32)
        .eq(&hi(&r.umax))
        .and(&umin_lo.bvslt(&zero32))
        .and(&umax_lo.bvsge(&zero32));
    r.s32_min = W::ite(&consecutive, &r.s32_min.smax(&umin_lo), &r.s32_min);
    r.s32_max = W::ite(&consecutive, &r.s32_max.smin(&umax_lo), &r.s32_max);
    let consecutive = hi(&r.smin)
        .bvadd(&one32)
        .eq(&hi(&r.smax))
        .and(&smin_lo.bvslt(&zero32))
        .and(&smax_lo.bvsge(&zero32));
    r.s32_min = W::ite(&consecutive, &r.s32_min.smax(&smin_lo), &r.s32_min);
    r.s32_max = W::ite(&consecutive, &r.s32_max.smin(&smax_lo), &r.s32_max);

    // A u32 range that does not cross the s32 sign boundary is also an s32 range.
    let u_as_s = r.u32_min.bvsle(&r.u32_max);
    r.s32_min = W::ite(&u_as_s, &r.s32_min.smax(&r.u32_min), &r.s32_min);
    r.s32_max = W::ite(&u_as_s, &r.s32_max.smin(&r.u32_max), &r.s32_max);

    // An s32 range that does not cross the u32 wrap point is also a u32 range; when it does,
    // the u32 range may still lie entirely on one side of it.
    let s_as_u = r.s32_min.bvule(&r.s32_max);
    let new_umin = r.u32_min.umax(&r.s32_min);
    let new_umax = r.u32_max.umin(&r.s32_max);
    let below = s_as_u.not().and(&r.u32_max.bvult(&r.s32_min));
    let above = s_as_u
        .not()
        .and(&below.not())
        .and(&r.s32_max.bvult(&r.u32_min));
    let (old_u32_min, old_u32_max) = (r.u32_min.clone(), r.u32_max.clone());
    r.u32_min = W::ite(&s_as_u, &new_umin, &W::ite(&above, &new_umin, &r.u32_min));
    r.u32_max = W::ite(&s_as_u, &new_umax, &W::ite(&below, &new_umax, &r.u32_max));
    r.s32_min = W::ite(&below, &old_u32_min, &r.s32_min);
    r.s32_max = W::ite(&above, &old_u32_max, &r.s32_max);
    r
}

/// u64 ↔ s64 (`__reg64_deduce_bounds`), including the sign-crossing cases.
pub fn deduce_bounds64<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mut r = s.clone();
    let u_as_s = r.umin.bvsle(&r.umax);
    r.smin = W::ite(&u_as_s, &r.smin.smax(&r.umin), &r.smin);
    r.smax = W::ite(&u_as_s, &r.smax.smin(&r.umax), &r.smax);

    let s_as_u = r.smin.bvule(&r.smax);
    let new_umin = r.umin.umax(&r.smin);
    let new_umax = r.umax.umin(&r.smax);
    // The s64 range wraps in u64, but the u64 range lies on one side of the wrap: then it is
    // also an s64 range there.
    let below = s_as_u.not().and(&r.umax.bvult(&r.smin));
    let above = s_as_u.not().and(&below.not()).and(&r.smax.bvult(&r.umin));
    let (old_umin, old_umax) = (r.umin.clone(), r.umax.clone());
    r.umin = W::ite(&s_as_u, &new_umin, &W::ite(&above, &new_umin, &r.umin));
    r.umax = W::ite(&s_as_u, &new_umax, &W::ite(&below, &new_umax, &r.umax));
    r.smin = W::ite(&below, &old_umin, &r.smin);
    r.smax = W::ite(&above, &old_umax, &r.smax);
    r
}

/// 64-bit bounds from the 32-bit ones (`__reg_deduce_mixed_bounds`).
pub fn deduce_bounds_mixed<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mut r = s.clone();
    let high = r.umin.lit(0xffff_ffff_0000_0000);
    let (u32_min, u32_max) = (r.u32_min.zext(64), r.u32_max.zext(64));
    // Replacing the low half of a bound by the u32 bound keeps it a bound.
    r.umin = r.umin.umax(&r.umin.bvand(&high).bvor(&u32_min));
    r.umax = r.umax.umin(&r.umax.bvand(&high).bvor(&u32_max));
    r.smin = r.smin.smax(&r.smin.bvand(&high).bvor(&u32_min));
    r.smax = r.smax.smin(&r.smax.bvand(&high).bvor(&u32_max));

    // A non-negative s32 range with the s64 range inside [S32_MIN, S32_MAX]: the upper half
    // cannot be all ones, so it is zero and the register is the s32 range.
    let s32_min_64 = r.umin.lit(0xffff_ffff_8000_0000);
    let s32_max_64 = r.umin.lit(0x7fff_ffff);
    let pinned = r
        .s32_min
        .bvsge(&r.s32_min.zero())
        .and(&r.smin.bvsge(&s32_min_64))
        .and(&r.smax.bvsle(&s32_max_64));
    let (lo64, hi64) = (r.s32_min.sext(64), r.s32_max.sext(64));
    let var_off = r.var_off.intersect(&Tnum::range(&lo64, &hi64));
    r.smin = W::ite(&pinned, &lo64, &r.smin);
    r.smax = W::ite(&pinned, &hi64, &r.smax);
    r.umin = W::ite(&pinned, &lo64, &r.umin);
    r.umax = W::ite(&pinned, &hi64, &r.umax);
    r.var_off = Tnum::ite(&pinned, &var_off, &r.var_off);
    r
}

/// One round of deduction: 32-bit, 64-bit, mixed (`__reg_deduce_bounds`).
pub fn deduce_bounds<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    deduce_bounds_mixed(&deduce_bounds64(&deduce_bounds32(s)))
}

/// The tnum from the u64 and u32 ranges (`__reg_bound_offset`).
pub fn bound_offset<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let var64 = s.var_off.intersect(&Tnum::range(&s.umin, &s.umax));
    let range32 = Tnum::range(&s.u32_min.zext(64), &s.u32_max.zext(64));
    let var32 = var64.subreg().intersect(&range32);
    Scalar {
        var_off: var64.clear_subreg().or(&var32),
        ..s.clone()
    }
}

/// `reg_bounds_sync`: update from the tnum, deduce three times, tnum from the bounds, update
/// again.
pub fn sync<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mut r = update_bounds(s);
    for _ in 0..3 {
        r = deduce_bounds(&r);
    }
    update_bounds(&bound_offset(&r))
}

/// Copy the 32-bit bounds into the 64-bit ones (`__reg_assign_32_into_64`): the register is
/// known to be the zero-extension of its low half.
pub fn assign_32_into_64<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mut r = s.clone();
    let zero32 = r.s32_min.zero();
    r.umin = r.u32_min.zext(64);
    r.umax = r.u32_max.zext(64);
    let min_nonneg = r.s32_min.bvsge(&zero32);
    let both_nonneg = min_nonneg.and(&r.s32_max.bvsge(&zero32));
    // Signed 32-bit bounds carry over only when non-negative; otherwise the worst case of a
    // zero-extended word, to be refined from the tnum later.
    r.smax = W::ite(&both_nonneg, &r.s32_max.sext(64), &r.umin.lit(0xffff_ffff));
    r.smin = W::ite(&min_nonneg, &r.s32_min.sext(64), &r.umin.zero());
    r
}

/// After a 32-bit operation: the tnum's upper half becomes known zero and the 64-bit bounds
/// are the 32-bit ones (`zext_32_to_64`). Not synchronised.
pub fn zext_32_to_64<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let r = Scalar {
        var_off: s.var_off.subreg(),
        ..s.clone()
    };
    assign_32_into_64(&r)
}

/// The checks of the kernel's `reg_bounds_sanity_check`: each min ≤ max (in its own
/// signedness), a constant tnum equal to every 64-bit bound, and a constant low half of the
/// tnum equal to every 32-bit bound. The kernel does not check that the tnum and the ranges
/// intersect otherwise.
///
/// On a violation the kernel rejects the program when loaded with `BPF_F_TEST_REG_INVARIANTS`,
/// and otherwise resets the bounds ([`reset_if_invalid`]).
pub fn is_valid<W: Word>(s: &Scalar<W>) -> W::Bool {
    let ranges = s
        .umin
        .bvule(&s.umax)
        .and(&s.smin.bvsle(&s.smax))
        .and(&s.u32_min.bvule(&s.u32_max))
        .and(&s.s32_min.bvsle(&s.s32_max));
    let v = &s.var_off.value;
    let const_ok = s.var_off.is_const().not().or(&s
        .umin
        .eq(v)
        .and(&s.umax.eq(v))
        .and(&s.smin.eq(v))
        .and(&s.smax.eq(v)));
    let v32 = lo(v);
    let const32_ok = lo(&s.var_off.mask).is_zero().not().or(&s
        .u32_min
        .eq(&v32)
        .and(&s.u32_max.eq(&v32))
        .and(&s.s32_min.eq(&v32))
        .and(&s.s32_max.eq(&v32)));
    ranges.and(&const_ok).and(&const32_ok)
}

/// What the kernel does to a register failing [`is_valid`] when not loaded with
/// `BPF_F_TEST_REG_INVARIANTS`: the bounds become unbounded, the tnum stays.
pub fn reset_if_invalid<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    Scalar::ite(&is_valid(s), s, &mark_unbounded(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::word::Bv;

    #[test]
    fn sync_of_a_byte_mask_matches_the_kernel_log() {
        // Probed on 6.18.44: `call bpf_get_prandom_u32; r0 &= 255` prints
        // R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)).
        let s = Scalar {
            var_off: Tnum::u64(0, 0xff),
            ..Scalar::unknown()
        };
        let r = sync(&s);
        assert_eq!(r.umax, Bv::u64(255));
        assert_eq!(r.smax, Bv::u64(255));
        assert_eq!(r.smin, Bv::u64(0));
        assert_eq!(r.u32_max, Bv::u32(255));
        assert_eq!(r.s32_min, Bv::u32(0));
        assert!(is_valid(&r));
    }

    #[test]
    fn single_shared_value_becomes_a_constant() {
        // The Cilium case of efc11a667878: tnum (0xe00; 0x100), range [0xe01, 0xf00].
        let s = Scalar {
            var_off: Tnum::u64(0xe00, 0x100),
            umin: Bv::u64(0xe01),
            umax: Bv::u64(0xf00),
            ..Scalar::unknown()
        };
        assert_eq!(sync(&s).as_const(), Some(0xf00));
    }
}
