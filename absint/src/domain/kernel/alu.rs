//! The running Linux 6.18.44 verifier's transfer functions for the ALU and ALU64 classes on
//! scalar registers: `check_alu_op` and `adjust_scalar_min_max_vals` of `kernel/bpf/verifier.c`,
//! with the per-operator `scalar(32)_min_max_*` functions, the sign-extending moves, byte swaps
//! and the AND/OR fork of `maybe_fork_scalars`.
//!
//! Soundness is the kernel's argument, operator by operator: for `x ∈ γ(dst)` and `y ∈ γ(src)`,
//! each bound computed is a bound of `x op y` (overflow is detected and gives up the bound), the
//! tnum operators are sound, and the final [`sync`] never drops a member. Where the kernel gives
//! up (division, modulo, shifts by a non-constant or out-of-range amount) the result is fully
//! unknown. The property tests in `tests/kernel_alu.rs` check containment on random members.
//! Fidelity (the same result as the kernel, field by field) is checked against the running
//! kernel by probe programs (see the cases in `tests/kernel_alu.rs`) and by the `fuzz` crate.
//!
//! The computation mirrors the kernel's order of updates exactly, because later steps read the
//! fields earlier ones wrote: a 32-bit operation still runs the 64-bit bound functions on the
//! full registers, then zero-extends (`zext_32_to_64`) and synchronises; shifts run only the
//! bound function of their width. Data-dependent choices are `W::ite`, so this encodes to SMT.
//!
//! Behaviours probed on the running 6.18.44 kernel (probe programs in the test file):
//! - 32-bit div/mod give a fully unknown 64-bit register, not zero-extended
//!   (`w6 /= w7` → `R6=scalar()`).
//! - A shift is computed only when the source is a known constant whose *64-bit* umax is below
//!   the operation's width: `w6 <<= w7` with `w7` known in its low half only gives unknown.
//! - AND/OR with a constant (64-bit constant tnum) on a register whose s64 range is [-1, 0] (or
//!   else whose s32 range is [-1, 0], then only the low half is set): the verifier continues
//!   with the register set to -1 and pushes a state that re-executes the instruction with it set
//!   to 0 (the 6.18.y backport of the BPF_OR fix c845894ebd6f, `from N to N`).
//! - `be16/be32` and `bswap16/32/64` byte-swap the tnum and reset the bounds; 16/32-bit forms
//!   then truncate (`coerce_reg_to_size`); `le16/le32` only truncate, `le64` changes nothing.
//! - `r <<= 32` sets the s64 bounds to the s32 bounds shifted left by 32 whatever their signs
//!   (the newer form of `__scalar64_min_max_lsh`).
//! - 64-bit `movsx` is not synchronised after `coerce_reg_to_size_sx`; 64-bit `mov` copies.
//! - After every ALU instruction the kernel runs `reg_bounds_sanity_check` on the destination
//!   ([`crate::domain::kernel::sync::is_valid`]); this module leaves that to the caller.
//!
//! The probes (random states × every form, several thousand programs) were compared field by
//! field with this module and all agreed; a curated set is replayed in `tests/kernel_alu.rs`.

use crate::domain::kernel::sync::{
    mark32_known, mark32_unbounded, mark64_unbounded, mark_known, mark_unbounded, mark_unknown,
    sync, update_bounds, update_bounds32, zext_32_to_64,
};
use crate::domain::kernel::{AluOutcome, Reject};
use crate::domain::scalar::Scalar;
use crate::domain::tnum::Tnum;
use crate::isa::{AluOp, Endian, Insn, Operand, Width};
use crate::word::{Bit, Bv, Word};

/// The verifier's effect on the destination register of an ALU or ALU64 instruction.
///
/// `dst` is the destination's state before the instruction and `src` the source operand's: the
/// source register's state for the `X` forms, and for the `K` forms the known constant of the
/// sign-extended immediate (`Scalar::constant`). For `Neg` and `End`, `src` is ignored.
///
/// For AND and OR, [`AluOutcome::forked`] is always `Some((cond, pushed))`: `cond` says whether the
/// verifier forks (it is `false` when it does not, also on concrete words; use
/// [`AluOutcome::pushed`] there), and `pushed` is the result of re-executing the instruction with
/// the destination set to 0, the state the kernel explores later.
///
/// The kernel then checks the result with `reg_bounds_sanity_check`
/// ([`crate::domain::kernel::sync::is_valid`]); that check is not applied here.
///
/// Errors: [`Reject::DivByZero`] for div/mod (also signed) by the immediate 0,
/// [`Reject::InvalidShift`] for a shift immediate that is negative or at least the width,
/// [`Reject::NotApplicable`] for instructions outside the ALU classes.
pub fn alu<W: Word>(
    insn: &Insn,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> Result<AluOutcome<W>, Reject> {
    alu_with_sync(insn, dst, src, sync)
}

/// A synchronisation function given to [`alu_with_sync`]: [`sync`] for the kernel's step.
pub type SyncFn<W> = fn(&Scalar<W>) -> Scalar<W>;

/// [`alu`] before the bounds synchronisation: the same computation with every
/// `reg_bounds_sync` replaced by the identity. Each state of [`alu`]'s outcome is obtained from
/// the corresponding state here by applying [`sync`] once or twice (twice for the truncating
/// byte swaps) at the leaves of the same selections (`W::ite`), so if every member of a state
/// here is a member after [`sync`], [`alu`] is sound whenever this is (the compositional
/// proofs of `synth::steps`).
pub fn alu_unsynced<W: Word>(
    insn: &Insn,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> Result<AluOutcome<W>, Reject> {
    alu_with_sync(insn, dst, src, |s| s.clone())
}

/// [`alu`] with `finish` in place of every [`sync`] (`reg_bounds_sync`); `alu` is exactly
/// `alu_with_sync(insn, dst, src, sync)`. Errors as [`alu`].
pub fn alu_with_sync<W: Word>(
    insn: &Insn,
    dst: &Scalar<W>,
    src: &Scalar<W>,
    finish: SyncFn<W>,
) -> Result<AluOutcome<W>, Reject> {
    let sync = finish;
    let plain = |state: Scalar<W>| AluOutcome {
        state,
        forked: None,
    };
    match *insn {
        Insn::Alu {
            width,
            op,
            src: operand,
            ..
        } => {
            check_immediate(width, op, operand)?;
            Ok(adjust_scalar(Op::Bin(op), width, dst, src, sync))
        }
        Insn::Neg { width, .. } => Ok(adjust_scalar(Op::Neg, width, dst, dst, sync)),
        Insn::Mov {
            width: Width::W64, ..
        } => Ok(plain(src.clone())),
        Insn::Mov {
            width: Width::W32,
            src: Operand::Imm(_),
            ..
        } => Ok(plain(mark_known(
            &src.var_off.value.extract(31, 0).zext(64),
        ))),
        Insn::Mov {
            width: Width::W32,
            src: Operand::Reg(_),
            ..
        } => Ok(plain(sync(&zext_32_to_64(src)))),
        Insn::MovSx {
            width, from_bits, ..
        } => match (width, from_bits) {
            (Width::W64, 8 | 16 | 32) => Ok(plain(coerce_to_size_sx(src, u32::from(from_bits)))),
            (Width::W32, 8 | 16) => {
                let low = coerce_subreg_to_size_sx(src, u32::from(from_bits));
                Ok(plain(sync(&zext_32_to_64(&low))))
            }
            _ => Err(Reject::NotApplicable("movsx of an invalid size")),
        },
        Insn::End { kind, bits, .. } => match bits {
            16 | 32 | 64 => Ok(plain(byte_swap(dst, kind, u32::from(bits), sync))),
            _ => Err(Reject::NotApplicable("end of an invalid size")),
        },
        _ => Err(Reject::NotApplicable("not an ALU instruction")),
    }
}

impl AluOutcome<Bv> {
    /// On concrete words: the state the verifier pushes, if it forks for these inputs.
    pub fn pushed(&self) -> Option<&Scalar<Bv>> {
        match &self.forked {
            Some((true, s)) => Some(s),
            _ => None,
        }
    }
}

/// The operations `adjust_scalar_min_max_vals` distinguishes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Bin(AluOp),
    Neg,
}

/// `check_alu_op`'s immediate checks, made before any state is computed.
fn check_immediate(width: Width, op: AluOp, operand: Operand) -> Result<(), Reject> {
    let Operand::Imm(imm) = operand else {
        return Ok(());
    };
    match op {
        AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod if imm == 0 => Err(Reject::DivByZero),
        AluOp::Lsh | AluOp::Rsh | AluOp::Arsh if imm < 0 || imm >= width.bits() as i32 => {
            Err(Reject::InvalidShift(imm))
        }
        _ => Ok(()),
    }
}

/// `adjust_scalar_min_max_vals` on a scalar destination.
fn adjust_scalar<W: Word>(
    op: Op,
    width: Width,
    dst: &Scalar<W>,
    src: &Scalar<W>,
    sync: SyncFn<W>,
) -> AluOutcome<W> {
    let alu32 = width == Width::W32;
    let unknown = mark_unknown(&dst.umin);
    let finish = |s: Scalar<W>| {
        let s = if alu32 { zext_32_to_64(&s) } else { s };
        sync(&s)
    };
    match op {
        Op::Bin(AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod) => AluOutcome {
            state: unknown,
            forked: None,
        },
        Op::Bin(shift @ (AluOp::Lsh | AluOp::Rsh | AluOp::Arsh)) => {
            let safe = shift_is_computable(alu32, src);
            let computed = finish(shift_bounds(shift, alu32, dst, src));
            AluOutcome {
                state: Scalar::ite(&safe, &computed, &unknown),
                forked: None,
            }
        }
        Op::Bin(bit @ (AluOp::And | AluOp::Or)) => {
            // maybe_fork_scalars: only with a source whose whole tnum is constant.
            let src_const = src.var_off.is_const();
            let cases = fork_cases(dst);
            let fork = src_const.and(&cases.considered);
            let (as_minus_one, as_zero) = (cases.as_minus_one, cases.as_zero);
            let continued = Scalar::ite(&fork, &as_minus_one, dst);
            AluOutcome {
                state: finish(bitwise(bit, &continued, src)),
                forked: Some((fork, finish(bitwise(bit, &as_zero, src)))),
            }
        }
        Op::Bin(AluOp::Xor) => AluOutcome {
            state: finish(bitwise(AluOp::Xor, dst, src)),
            forked: None,
        },
        Op::Bin(arith @ (AluOp::Add | AluOp::Sub | AluOp::Mul)) => AluOutcome {
            state: finish(arithmetic(arith, dst, src)),
            forked: None,
        },
        Op::Neg => {
            // The kernel negates as `0 - dst` on the bounds, and with tnum_neg on the tnum.
            let zero = mark_known(&dst.umin.zero());
            let mut r = arithmetic(AluOp::Sub, &zero, dst);
            r.var_off = dst.var_off.neg();
            AluOutcome {
                state: finish(r),
                forked: None,
            }
        }
    }
}

/// The two registers `maybe_fork_scalars` explores for an AND/OR destination in `[-1, 0]`.
pub struct ForkCases<W: Word> {
    /// The destination's signed range is `[-1, 0]` at 64 bits or at 32 bits (the fork also needs
    /// a constant source).
    pub considered: W::Bool,
    /// The 64-bit range is `[-1, 0]`: the whole register is set (else only its low half).
    pub whole: W::Bool,
    /// The destination as -1: the state the verifier continues with.
    pub as_minus_one: Scalar<W>,
    /// The destination as 0: the state the verifier pushes and re-executes later.
    pub as_zero: Scalar<W>,
}

/// The cases of the AND/OR fork on `dst` (see [`ForkCases`]).
pub fn fork_cases<W: Word>(dst: &Scalar<W>) -> ForkCases<W> {
    let minus_one = dst.smin.ones();
    let zero = dst.smin.zero();
    let whole = dst.smin.eq(&minus_one).and(&dst.smax.eq(&zero));
    let low = dst
        .s32_min
        .eq(&dst.s32_min.ones())
        .and(&dst.s32_max.eq(&dst.s32_max.zero()));
    ForkCases {
        considered: whole.or(&low),
        as_minus_one: Scalar::ite(
            &whole,
            &mark_known(&minus_one),
            &mark32_known(dst, &dst.s32_min.ones()),
        ),
        as_zero: Scalar::ite(
            &whole,
            &mark_known(&zero),
            &mark32_known(dst, &dst.s32_min.zero()),
        ),
        whole,
    }
}

/// A bounds pair `(min, max)` of one width.
type Pair<W> = (W, W);

/// Unsigned add (`scalar(32)_min_max_add`): keep the sums when no or both sums wrap; unbounded
/// when only the maximum wraps.
fn add_unsigned<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let min_ov = d.0.uadd_overflows(&s.0);
    let max_ov = d.1.uadd_overflows(&s.1);
    let reset = min_ov.not().and(&max_ov);
    full_unsigned_if(&reset, (d.0.bvadd(&s.0), d.1.bvadd(&s.1)))
}

/// Signed add: unbounded if either sum overflows.
fn add_signed<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let ov = d.0.sadd_overflows(&s.0).or(&d.1.sadd_overflows(&s.1));
    full_signed_if(&ov, (d.0.bvadd(&s.0), d.1.bvadd(&s.1)))
}

/// Unsigned sub: keep the differences when no or both wrap; unbounded when only the minimum
/// underflows.
fn sub_unsigned<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let min_uf = d.0.usub_overflows(&s.1);
    let max_uf = d.1.usub_overflows(&s.0);
    let reset = min_uf.and(&max_uf.not());
    full_unsigned_if(&reset, (d.0.bvsub(&s.1), d.1.bvsub(&s.0)))
}

/// Signed sub: unbounded if either difference overflows.
fn sub_signed<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let ov = d.0.ssub_overflows(&s.1).or(&d.1.ssub_overflows(&s.0));
    full_signed_if(&ov, (d.0.bvsub(&s.1), d.1.bvsub(&s.0)))
}

/// Unsigned mul: unbounded if the product of the maxima or of the minima overflows.
fn mul_unsigned<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let ov = d.1.umul_overflows(&s.1).or(&d.0.umul_overflows(&s.0));
    full_unsigned_if(&ov, (d.0.bvmul(&s.0), d.1.bvmul(&s.1)))
}

/// Signed mul: the extreme corner products, unbounded if any of the four overflows.
fn mul_signed<W: Word>(d: Pair<W>, s: Pair<W>) -> Pair<W> {
    let corners = [(&d.0, &s.0), (&d.0, &s.1), (&d.1, &s.0), (&d.1, &s.1)];
    let ov = corners
        .iter()
        .map(|(a, b)| a.smul_overflows(b))
        .reduce(|a, b| a.or(&b))
        .unwrap_or_else(|| d.0.bool_const(false));
    let products: Vec<W> = corners.iter().map(|(a, b)| a.bvmul(b)).collect();
    let lo = products
        .iter()
        .skip(1)
        .fold(products[0].clone(), |m, p| m.smin(p));
    let hi = products
        .iter()
        .skip(1)
        .fold(products[0].clone(), |m, p| m.smax(p));
    full_signed_if(&ov, (lo, hi))
}

/// `(0, MAX)` if `cond`, else `p`.
fn full_unsigned_if<W: Word>(cond: &W::Bool, p: Pair<W>) -> Pair<W> {
    (
        W::ite(cond, &p.0.zero(), &p.0),
        W::ite(cond, &p.1.ones(), &p.1),
    )
}

/// `(SMIN, SMAX)` if `cond`, else `p`.
fn full_signed_if<W: Word>(cond: &W::Bool, p: Pair<W>) -> Pair<W> {
    (
        W::ite(cond, &p.0.signed_min(), &p.0),
        W::ite(cond, &p.1.signed_max(), &p.1),
    )
}

/// Add, sub and mul: the 32-bit bounds, the 64-bit bounds and the tnum, each from the inputs.
fn arithmetic<W: Word>(op: AluOp, dst: &Scalar<W>, src: &Scalar<W>) -> Scalar<W> {
    type F<W> = fn(Pair<W>, Pair<W>) -> Pair<W>;
    let (unsigned, signed, var_off): (F<W>, F<W>, Tnum<W>) = match op {
        AluOp::Add => (add_unsigned, add_signed, dst.var_off.add(&src.var_off)),
        AluOp::Sub => (sub_unsigned, sub_signed, dst.var_off.sub(&src.var_off)),
        _ => (mul_unsigned, mul_signed, dst.var_off.mul(&src.var_off)),
    };
    let (u32_min, u32_max) = unsigned(
        (dst.u32_min.clone(), dst.u32_max.clone()),
        (src.u32_min.clone(), src.u32_max.clone()),
    );
    let (s32_min, s32_max) = signed(
        (dst.s32_min.clone(), dst.s32_max.clone()),
        (src.s32_min.clone(), src.s32_max.clone()),
    );
    let (umin, umax) = unsigned(
        (dst.umin.clone(), dst.umax.clone()),
        (src.umin.clone(), src.umax.clone()),
    );
    let (smin, smax) = signed(
        (dst.smin.clone(), dst.smax.clone()),
        (src.smin.clone(), src.smax.clone()),
    );
    Scalar {
        var_off,
        smin,
        smax,
        umin,
        umax,
        s32_min,
        s32_max,
        u32_min,
        u32_max,
    }
}

/// And, or, xor: the tnum, then `scalar32_min_max_*`, then `scalar_min_max_*`.
fn bitwise<W: Word>(op: AluOp, dst: &Scalar<W>, src: &Scalar<W>) -> Scalar<W> {
    let var_off = match op {
        AluOp::And => dst.var_off.and(&src.var_off),
        AluOp::Or => dst.var_off.or(&src.var_off),
        _ => dst.var_off.xor(&src.var_off),
    };
    let mut r = Scalar {
        var_off,
        ..dst.clone()
    };

    // 32-bit half, on the low half of the result's tnum.
    let v = r.var_off.value.extract(31, 0);
    let m = r.var_off.mask.extract(31, 0);
    let both_known = src.var_off.mask.extract(31, 0).is_zero().and(&m.is_zero());
    let (umin, umax) = bitwise_unsigned(
        op,
        &v,
        &m,
        (&r.u32_min, &r.u32_max),
        (&src.u32_min, &src.u32_max),
    );
    let (smin, smax) = signed_from_unsigned(&umin, &umax);
    let known32 = mark32_known(&r, &v);
    let bounded32 = Scalar {
        u32_min: umin,
        u32_max: umax,
        s32_min: smin,
        s32_max: smax,
        ..r.clone()
    };
    r = Scalar::ite(&both_known, &known32, &bounded32);

    // 64-bit half, then bounds from the tnum.
    let (v, m) = (r.var_off.value.clone(), r.var_off.mask.clone());
    let both_known = src.var_off.is_const().and(&m.is_zero());
    let (umin, umax) = bitwise_unsigned(op, &v, &m, (&r.umin, &r.umax), (&src.umin, &src.umax));
    let (smin, smax) = signed_from_unsigned(&umin, &umax);
    let bounded64 = update_bounds(&Scalar {
        umin,
        umax,
        smin,
        smax,
        ..r.clone()
    });
    Scalar::ite(&both_known, &mark_known(&v), &bounded64)
}

/// The unsigned bounds of and/or/xor from the result tnum `(v; m)` and the operands' bounds.
fn bitwise_unsigned<W: Word>(op: AluOp, v: &W, m: &W, d: (&W, &W), s: (&W, &W)) -> Pair<W> {
    match op {
        // Minimum from the known bits, maximum the smaller of the operands' maxima.
        AluOp::And => (v.clone(), d.1.umin(s.1)),
        // Minimum the larger of the operands' minima, maximum from the tnum.
        AluOp::Or => (d.0.umax(s.0), v.bvor(m)),
        // Both from the tnum.
        _ => (v.clone(), v.bvor(m)),
    }
}

/// Signed bounds equal to unsigned ones that do not cross the sign boundary; else unbounded.
fn signed_from_unsigned<W: Word>(umin: &W, umax: &W) -> Pair<W> {
    let same = umin.bvsle(umax);
    (
        W::ite(&same, umin, &umin.signed_min()),
        W::ite(&same, umax, &umax.signed_max()),
    )
}

/// Is a shift computable (`is_safe_to_compute_dst_reg_range`): the source is a known constant
/// (by tnum and by its bounds, at the operation's width) and its 64-bit umax is below the width.
fn shift_is_computable<W: Word>(alu32: bool, src: &Scalar<W>) -> W::Bool {
    let is_const = if alu32 {
        src.var_off
            .mask
            .extract(31, 0)
            .is_zero()
            .and(&src.s32_min.eq(&src.s32_max))
            .and(&src.u32_min.eq(&src.u32_max))
    } else {
        src.var_off
            .is_const()
            .and(&src.smin.eq(&src.smax))
            .and(&src.umin.eq(&src.umax))
    };
    let bits = if alu32 { 32 } else { 64 };
    is_const.and(&src.umax.bvult(&src.umax.lit(bits)))
}

/// The shift bound functions, for a source known to be a constant below the width.
fn shift_bounds<W: Word>(op: AluOp, alu32: bool, dst: &Scalar<W>, src: &Scalar<W>) -> Scalar<W> {
    if alu32 {
        // The 32-bit functions read the amount from the source's u32 bounds.
        let k = src.u32_min.zext(64);
        let k_max = src.u32_max.zext(64);
        let sub = dst.var_off.subreg();
        let r = match op {
            AluOp::Lsh => {
                let mut r = lsh_bounds32(dst, &k, &k_max);
                r.var_off = sub.lshift(&k).subreg();
                r
            }
            AluOp::Rsh => {
                let mut r = dst.clone();
                let (k32, k32_max) = (src.u32_min.clone(), src.u32_max.clone());
                r.s32_min = r.s32_min.signed_min();
                r.s32_max = r.s32_max.signed_max();
                r.var_off = sub.rshift(&k);
                r.u32_min = r.u32_min.bvlshr(&k32_max);
                r.u32_max = r.u32_max.bvlshr(&k32);
                r
            }
            _ => {
                let mut r = dst.clone();
                let k32 = src.u32_min.clone();
                r.s32_min = r.s32_min.bvashr(&k32);
                r.s32_max = r.s32_max.bvashr(&k32);
                // Arithmetic shift of the low half as a 32-bit word, zero-extended.
                let low = sub.truncate(32).arshift(&k32);
                r.var_off = low.zext(64);
                r.u32_min = r.u32_min.zero();
                r.u32_max = r.u32_max.ones();
                r
            }
        };
        return update_bounds32(&mark64_unbounded(&r));
    }
    let (k, k_max) = (src.umin.clone(), src.umax.clone());
    match op {
        AluOp::Lsh => {
            // The 64-bit part reads the unshifted 32-bit bounds, so it goes first.
            let mut r = lsh_bounds64(dst, &k, &k_max);
            r = lsh_bounds32(&r, &k, &k_max);
            r.var_off = r.var_off.lshift(&k);
            update_bounds(&r)
        }
        AluOp::Rsh => {
            let mut r = dst.clone();
            r.smin = r.smin.signed_min();
            r.smax = r.smax.signed_max();
            r.var_off = r.var_off.rshift(&k);
            r.umin = r.umin.bvlshr(&k_max);
            r.umax = r.umax.bvlshr(&k);
            update_bounds(&mark32_unbounded(&r))
        }
        _ => {
            let mut r = dst.clone();
            r.smin = r.smin.bvashr(&k);
            r.smax = r.smax.bvashr(&k);
            r.var_off = r.var_off.arshift(&k);
            r.umin = r.umin.zero();
            r.umax = r.umax.ones();
            update_bounds(&mark32_unbounded(&r))
        }
    }
}

/// `__scalar32_min_max_lsh` with 64-bit amounts `[k, k_max]`.
fn lsh_bounds32<W: Word>(dst: &Scalar<W>, k: &W, k_max: &W) -> Scalar<W> {
    let mut r = dst.clone();
    r.s32_min = r.s32_min.signed_min();
    r.s32_max = r.s32_max.signed_max();
    // If the top bit might be shifted out, nothing is known.
    let limit = k.lit(1).bvshl(&k.lit(31).bvsub(k_max));
    let lost = k_max
        .bvugt(&k.lit(31))
        .or(&r.u32_max.zext(64).bvugt(&limit));
    let (k32, k32_max) = (k.extract(31, 0), k_max.extract(31, 0));
    let shifted = (r.u32_min.bvshl(&k32), r.u32_max.bvshl(&k32_max));
    (r.u32_min, r.u32_max) = full_unsigned_if(&lost, shifted);
    r
}

/// `__scalar64_min_max_lsh` with amounts `[k, k_max]`.
fn lsh_bounds64<W: Word>(dst: &Scalar<W>, k: &W, k_max: &W) -> Scalar<W> {
    let mut r = dst.clone();
    // `<< 32` of a subregister keeps its s32 bounds as the upper half (sign-extension idiom),
    // whatever their signs. Probed on 6.18.44: `w6 s>>= 28; r6 <<= 32` (s32 in [-8, 7]) gives
    // smin=-34359738368 (-8 << 32), smax=30064771072 (7 << 32).
    let by32 = k.eq(&k.lit(32)).and(&k_max.eq(&k.lit(32)));
    let thirty_two = k.lit(32);
    let smax32 = dst.s32_max.sext(64).bvshl(&thirty_two);
    let smin32 = dst.s32_min.sext(64).bvshl(&thirty_two);
    r.smax = W::ite(&by32, &smax32, &r.smax.signed_max());
    r.smin = W::ite(&by32, &smin32, &r.smin.signed_min());
    let limit = k.lit(1).bvshl(&k.lit(63).bvsub(k_max));
    let lost = r.umax.bvugt(&limit);
    let shifted = (r.umin.bvshl(k), r.umax.bvshl(k_max));
    (r.umin, r.umax) = full_unsigned_if(&lost, shifted);
    r
}

/// `coerce_reg_to_size_sx`: the register sign-extended from its low `bits` bits (64-bit
/// movsx). Not synchronised afterwards, as in the kernel.
pub fn coerce_to_size_sx<W: Word>(s: &Scalar<W>, bits: u32) -> Scalar<W> {
    let sext = |x: &W| x.extract(bits - 1, 0).sext(64);
    let const_value = sext(&s.var_off.value);
    let constant = mark_known(&const_value);

    let top = |x: &W| x.lshr_by(bits).shl_by(bits);
    let same_top = top(&s.smax).eq(&top(&s.smin));
    let (a, b) = (sext(&s.smax), sext(&s.smin));
    let hi = a.smax(&b);
    let lo = a.smin(&b);
    let zero = lo.zero();
    let same_sign = lo.bvsge(&zero).eq_bool(&hi.bvsge(&zero));
    let ranged = Scalar {
        var_off: Tnum::range(&lo, &hi),
        smin: lo.clone(),
        smax: hi.clone(),
        umin: lo.clone(),
        umax: hi.clone(),
        s32_min: lo.extract(31, 0),
        s32_max: hi.extract(31, 0),
        u32_min: lo.extract(31, 0),
        u32_max: hi.extract(31, 0),
    };
    // set_sext64_default_val
    let smin_default = s.smin.lit(1).shl_by(bits - 1).bvneg();
    let smax_default = smin_default.bvnot();
    let default = Scalar {
        var_off: Tnum::unknown_like(&s.smin),
        smin: smin_default.clone(),
        smax: smax_default.clone(),
        umin: zero.clone(),
        umax: zero.ones(),
        s32_min: smin_default.extract(31, 0),
        s32_max: smax_default.extract(31, 0),
        u32_min: s.u32_min.zero(),
        u32_max: s.u32_min.ones(),
    };
    let by_range = Scalar::ite(&same_top.and(&same_sign), &ranged, &default);
    Scalar::ite(&s.var_off.is_const(), &constant, &by_range)
}

/// `coerce_subreg_to_size_sx`: the low half sign-extended from its low `bits` bits (32-bit
/// movsx), before zero-extension. Only the 32-bit bounds and the tnum change.
pub fn coerce_subreg_to_size_sx<W: Word>(s: &Scalar<W>, bits: u32) -> Scalar<W> {
    let sext32 = |x: &W| x.extract(bits - 1, 0).sext(32);
    // A constant: the 64-bit tnum is the sign-extended constant (zero-extension comes later).
    let c = sext32(&s.var_off.value.extract(31, 0));
    let constant = Scalar {
        var_off: Tnum::constant(c.sext(64)),
        s32_min: c.clone(),
        s32_max: c.clone(),
        u32_min: c.clone(),
        u32_max: c.clone(),
        ..s.clone()
    };

    let top = |x: &W| x.lshr_by(bits).shl_by(bits);
    let same_top = top(&s.s32_max).eq(&top(&s.s32_min));
    let (a, b) = (sext32(&s.s32_max), sext32(&s.s32_min));
    let hi = a.smax(&b);
    let lo = a.smin(&b);
    let zero = lo.zero();
    let same_sign = lo.bvsge(&zero).eq_bool(&hi.bvsge(&zero));
    let ranged = Scalar {
        var_off: Tnum::range(&lo.sext(64), &hi.sext(64)).subreg(),
        s32_min: lo.clone(),
        s32_max: hi.clone(),
        u32_min: lo.clone(),
        u32_max: hi.clone(),
        ..s.clone()
    };
    // set_sext32_default_val
    let smin_default = zero.lit(1).shl_by(bits - 1).bvneg();
    let default = Scalar {
        var_off: Tnum::unknown_like(&s.smin).subreg(),
        s32_min: smin_default.clone(),
        s32_max: smin_default.bvnot(),
        u32_min: zero.clone(),
        u32_max: zero.ones(),
        ..s.clone()
    };
    let by_range = Scalar::ite(&same_top.and(&same_sign), &ranged, &default);
    Scalar::ite(&s.var_off.is_const(), &constant, &by_range)
}

/// `coerce_reg_to_size`: keep the low `bytes` bytes (`bytes < 8`), then synchronise.
fn coerce_to_size<W: Word>(s: &Scalar<W>, bytes: u32, sync: SyncFn<W>) -> Scalar<W> {
    let mut r = s.clone();
    r.var_off = r.var_off.cast(bytes);
    let mask = r.umin.ones().lshr_by(64 - 8 * bytes);
    let upper = mask.bvnot();
    let same_upper = r.umin.bvand(&upper).eq(&r.umax.bvand(&upper));
    r.umin = W::ite(&same_upper, &r.umin.bvand(&mask), &mask.zero());
    r.umax = W::ite(&same_upper, &r.umax.bvand(&mask), &mask);
    r.smin = r.umin.clone();
    r.smax = r.umax.clone();
    if bytes < 4 {
        r = mark32_unbounded(&r);
    }
    sync(&r)
}

/// `scalar_byte_swap` then the final synchronisation, on a little-endian machine.
fn byte_swap<W: Word>(dst: &Scalar<W>, kind: Endian, bits: u32, sync: SyncFn<W>) -> Scalar<W> {
    let swapped = match kind {
        Endian::Be | Endian::Swap => {
            let r = Scalar {
                var_off: dst.var_off.bswap(bits),
                ..dst.clone()
            };
            mark_unbounded(&r)
        }
        Endian::Le => dst.clone(),
    };
    let truncated = if bits < 64 {
        coerce_to_size(&swapped, bits / 8, sync)
    } else {
        swapped
    };
    // BPF_END is not zero-extended even in the ALU class (the truncation did it).
    sync(&truncated)
}

/// Equality of two conditions (`a == b` on booleans), from the [`Bit`] operations.
trait BitEq {
    fn eq_bool(&self, other: &Self) -> Self;
}

impl<B: Bit> BitEq for B {
    fn eq_bool(&self, other: &B) -> B {
        self.and(other).or(&self.not().and(&other.not()))
    }
}
