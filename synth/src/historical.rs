//! Historical verifier operators known to be unsound, as modified register-level steps.
//!
//! Each is the 6.18 register-level step ([`absint::domain::kernel`]) with one function replaced
//! by the historical version that shipped in a released kernel, re-implemented from the
//! published fix (cited at each). The checker must refute every one of them, and the
//! counterexamples it prints are the shape of the published exploits.
//!
//! - `hist.cve_2020_8835`: `__reg_bound_offset32` of Linux 5.5–5.6 (added by 581738a681b6
//!   "bpf: Provide better register bounds after jmp32 instructions", removed by f2d67fec0b43
//!   "bpf: Undo incorrect __reg_bound_offset32 handling"). After a JMP32 comparison it
//!   intersected the low half of the tnum with `tnum_range(umin & 0xffffffff, umax &
//!   0xffffffff)`: truncating the 64-bit bounds does not bound the low halves when the range
//!   spans more than one block of 2^32.
//! - `hist.cve_2020_27194`: `scalar32_min_max_or` of Linux 5.7–5.8 (fixed by 5b9fbeb75b6a
//!   "bpf: Fix scalar32_min_max_or bounds tracking"): the s32 bounds were set from the
//!   *64-bit* `umin/umax` (truncated), and the source's minima were read from its 64-bit
//!   bounds.
//! - `hist.cve_2021_3490.{and,or,xor}`: `scalar32_min_max_and/or/xor` of Linux 5.7–5.12 (fixed
//!   by 049c4e13714e "bpf: Fix alu32 const subreg bound tracking on bitwise operations"):
//!   when both subregisters were known they returned early, assuming the 64-bit function would
//!   mark the register known, which it does only when all 64 bits are known; the 32-bit bounds
//!   kept the destination's old ones.
//!
//! The ALU64 bitwise step is re-implemented here from the 6.18 order of updates (`tnum`, the
//! 32-bit half, the 64-bit half, `reg_bounds_sync`), with the 32-bit half pluggable; with the
//! 6.18 half it agrees with [`absint::domain::kernel::alu::alu`] whenever the latter does not
//! fork (tested in `tests/verify_historical.rs`).

use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use absint::domain::kernel::sync::{mark32_known, mark_known, sync, update_bounds};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::isa::AluOp;
use absint::word::{Bit, Word};
use std::sync::Arc;

/// How the 32-bit half of a bitwise operation is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half32 {
    /// Linux 6.18.
    Current,
    /// CVE-2020-27194 (5.7–5.8 `scalar32_min_max_or`, including the early return of
    /// CVE-2021-3490, which it also had).
    Cve2020_27194,
    /// CVE-2021-3490 (5.7–5.12 early return on known subregisters).
    Cve2021_3490,
}

/// Signed bounds equal to unsigned ones that do not cross the sign boundary; else unbounded.
fn signed_from_unsigned<W: Word>(umin: &W, umax: &W) -> (W, W) {
    let same = umin.bvsle(umax);
    (
        W::ite(&same, umin, &umin.signed_min()),
        W::ite(&same, umax, &umax.signed_max()),
    )
}

/// Unsigned bounds of and/or/xor from the result tnum `(v; m)` and the operands' bounds.
fn bitwise_unsigned<W: Word>(op: AluOp, v: &W, m: &W, d: (&W, &W), s: (&W, &W)) -> (W, W) {
    match op {
        AluOp::And => (v.clone(), d.1.umin(s.1)),
        AluOp::Or => (d.0.umax(s.0), v.bvor(m)),
        _ => (v.clone(), v.bvor(m)),
    }
}

/// The ALU64 step of `op` (and, or, xor) without the 6.18 fork, with the 32-bit half
/// computed as `half` says; ends with `reg_bounds_sync`.
pub fn bitwise_step<W: Word>(
    op: AluOp,
    half: Half32,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> Scalar<W> {
    let var_off = match op {
        AluOp::And => dst.var_off.and(&src.var_off),
        AluOp::Or => dst.var_off.or(&src.var_off),
        _ => dst.var_off.xor(&src.var_off),
    };
    let r = Scalar {
        var_off,
        ..dst.clone()
    };

    // 32-bit half.
    let v = r.var_off.value.extract(31, 0);
    let m = r.var_off.mask.extract(31, 0);
    let src_known = src.var_off.mask.extract(31, 0).is_zero();
    let dst_known = dst.var_off.mask.extract(31, 0).is_zero();
    let both_known = src_known.and(&m.is_zero());
    let (umin, umax) = bitwise_unsigned(
        op,
        &v,
        &m,
        (&r.u32_min, &r.u32_max),
        (&src.u32_min, &src.u32_max),
    );
    let (smin, smax) = signed_from_unsigned(&umin, &umax);
    let bounded32 = Scalar {
        u32_min: umin,
        u32_max: umax,
        s32_min: smin,
        s32_max: smax,
        ..r.clone()
    };
    let r = match half {
        Half32::Current => Scalar::ite(&both_known, &mark32_known(&r, &v), &bounded32),
        // The 5.7–5.12 early return: both *operand* subregisters known, bounds left as they were.
        Half32::Cve2021_3490 => Scalar::ite(&src_known.and(&dst_known), &r, &bounded32),
        Half32::Cve2020_27194 => {
            // 5.7 scalar32_min_max_or: minima read from the source's 64-bit bounds (truncated),
            // s32 bounds from the destination's 64-bit unsigned bounds (truncated).
            let umin_val = src.umin.extract(31, 0);
            let smin_val = src.smin.extract(31, 0);
            let zero32 = v.zero();
            let neg = r.s32_min.bvslt(&zero32).or(&smin_val.bvslt(&zero32));
            let historical = Scalar {
                u32_min: r.u32_min.umax(&umin_val),
                u32_max: v.bvor(&m),
                s32_min: W::ite(&neg, &v.signed_min(), &r.umin.extract(31, 0)),
                s32_max: W::ite(&neg, &v.signed_max(), &r.umax.extract(31, 0)),
                ..r.clone()
            };
            Scalar::ite(&src_known.and(&dst_known), &r, &historical)
        }
    };

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
    sync(&Scalar::ite(&both_known, &mark_known(&v), &bounded64))
}

/// `__reg_bound_offset32` of Linux 5.5–5.6 (CVE-2020-8835): the low half of the tnum
/// intersected with the range of the *truncated* 64-bit bounds.
pub fn reg_bound_offset32_v5_5<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    let mask = s.umin.lit(0xffff_ffff);
    let range = Tnum::range(&s.umin.bvand(&mask), &s.umax.bvand(&mask));
    let lo32 = s.var_off.cast(4);
    let hi32 = s.var_off.clear_subreg();
    Scalar {
        var_off: hi32.or(&lo32.intersect(&range)),
        ..s.clone()
    }
}

/// A historical operator of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Historical {
    /// CVE-2020-8835: a register state synchronised, then `__reg_bound_offset32` of 5.5–5.6
    /// applied (as after a JMP32 comparison).
    Cve2020_8835,
    /// CVE-2020-27194: `r OR= src` at 64 bits with the 5.7–5.8 `scalar32_min_max_or`.
    Cve2020_27194,
    /// CVE-2021-3490: `r OP= src` at 64 bits with the 5.7–5.12 early return.
    Cve2021_3490(AluOp),
}

/// A catalog entry for a historical operator.
pub struct HistoricalEntry {
    name: String,
    which: Historical,
}

impl HistoricalEntry {
    /// The entry for `which`.
    pub fn new(which: Historical) -> Self {
        let name = match which {
            Historical::Cve2020_8835 => "hist.cve_2020_8835".to_string(),
            Historical::Cve2020_27194 => "hist.cve_2020_27194".to_string(),
            Historical::Cve2021_3490(op) => {
                format!(
                    "hist.cve_2021_3490.{}",
                    crate::catalog::kernel::alu_op_name(op)
                )
            }
        };
        HistoricalEntry { name, which }
    }
}

/// Every historical operator.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    [
        Historical::Cve2020_8835,
        Historical::Cve2020_27194,
        Historical::Cve2021_3490(AluOp::And),
        Historical::Cve2021_3490(AluOp::Or),
        Historical::Cve2021_3490(AluOp::Xor),
    ]
    .into_iter()
    .map(|h| Arc::new(HistoricalEntry::new(h)) as Arc<dyn Operator>)
    .collect()
}

impl GenericOperator for HistoricalEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        match self.which {
            Historical::Cve2020_8835 => "5.5-5.6 __reg_bound_offset32 after reg_bounds_sync",
            Historical::Cve2020_27194 => "64-bit OR with the 5.7-5.8 scalar32_min_max_or",
            Historical::Cve2021_3490(_) => {
                "64-bit AND/OR/XOR with the 5.7-5.12 known-subreg return"
            }
        }
    }
    fn args(&self) -> Vec<Kind> {
        match self.which {
            Historical::Cve2020_8835 => vec![Kind::Scalar],
            _ => vec![Kind::Scalar, Kind::Scalar],
        }
    }
    fn result(&self) -> Kind {
        Kind::Scalar
    }
    fn supports_width(&self, width: u32) -> bool {
        width == 64
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        match self.which {
            Historical::Cve2020_8835 => {
                let s = reg_bound_offset32_v5_5(&sync(args[0].state()));
                Eval::plain(Abs::scalar(s), xs[0].clone())
            }
            Historical::Cve2020_27194 => {
                let s = bitwise_step(
                    AluOp::Or,
                    Half32::Cve2020_27194,
                    args[0].state(),
                    args[1].state(),
                );
                Eval::plain(Abs::scalar(s), xs[0].bvor(&xs[1]))
            }
            Historical::Cve2021_3490(op) => {
                let s = bitwise_step(op, Half32::Cve2021_3490, args[0].state(), args[1].state());
                let c = match op {
                    AluOp::And => xs[0].bvand(&xs[1]),
                    AluOp::Or => xs[0].bvor(&xs[1]),
                    _ => xs[0].bvxor(&xs[1]),
                };
                Eval::plain(Abs::scalar(s), c)
            }
        }
    }
}
