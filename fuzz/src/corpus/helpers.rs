//! The kernel's tnum helpers inside its register step, with one of them replaced by a catalog
//! operator: where each helper of `kernel/bpf/tnum.c` is used by the 6.18 step, and that step
//! recomputed with the replacement.
//!
//! Where the kernel model ([`absint::domain::kernel`]) calls each helper, and how it is lifted
//! here ([`HelperSite`]):
//!
//! | helper | kernel use | lifted at |
//! | --- | --- | --- |
//! | `tnum_cast(.., 2)` | `coerce_reg_to_size` of `le16` (and after `be16`/`bswap16`) | `r = le16 r` |
//! | `tnum_cast(.., 4)` | `coerce_reg_to_size` of `le32` (and after `be32`/`bswap32`) | `r = le32 r` |
//! | `tnum_subreg` | `zext_32_to_64` of 32-bit moves and ALU32 results | `wD = wS` |
//! | `tnum_bswap16/32/64` | `scalar_byte_swap` of `be`/`bswap` | `r = bswapN r` |
//! | `tnum_union` | `tnum_mul` (joining "added" and "not added" for an unknown bit) | `r *= s`, `r *= K` |
//! | `tnum_with_subreg` | `__mark_reg32_known` (`tnum_const_subreg`) of and/or/xor when both 32-bit halves are known, and the JEQ/JSET refinements of JMP32 | `r ^= s`, `r ^= K` (the XOR step rebuilt; AND/OR fork and the branches have no hook) |
//! | `tnum_range`, `tnum_intersect`, `tnum_clear_subreg` | `__reg_bound_offset` in `reg_bounds_sync` | every ALU step's sync (searched on `+=`, `&=`, `-=`) |
//! | `tnum_step` | `__update_reg64_bounds` (6.18.44 single-value refinement) in `reg_bounds_sync` | as above |
//!
//! For a var_off site the kernel's step runs, then the result's `var_off` is replaced by the
//! operator's result on the operand's `var_off` and `reg_bounds_sync` runs — the domain lift's
//! convention ([`super::suite::Lift::Domain`]). For `tnum_union` the multiplication is
//! recomputed with the operator as its union, for `tnum_with_subreg` the 64-bit XOR step
//! ([`xor_step_with`]). For the sync helpers the step runs unsynchronised
//! ([`absint::domain::kernel::alu::alu_unsynced`]) and then [`sync_with`]: the kernel's
//! `reg_bounds_sync` rebuilt from absint's public stages, with the helper replaced in
//! `__update_reg64_bounds` and `__reg_bound_offset` (the mixed deduction's own
//! `tnum_intersect(tnum_range(..))` and the branch refinements keep the kernel's: they have no
//! hook in absint).

use absint::domain::interval::UInterval;
use absint::domain::kernel::sync::{
    deduce_bounds, mark_known, sync, update_bounds, update_bounds32,
};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::isa::{AluOp, Endian, Width};
use absint::word::{Bv, Word};
use synth::catalog::kernel::KernelForm;
use synth::catalog::{Abs, Operator};

/// Where a replaced tnum helper acts in the step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelperSite {
    /// The result's `var_off` of this instruction form is the helper applied to the operand's
    /// `var_off` (the destination's for `END`, the source's for a move).
    VarOff(KernelForm),
    /// The union inside `tnum_mul` of the 64-bit `MUL`.
    MulUnion,
    /// `tnum_with_subreg` inside `__mark_reg32_known` of the 64-bit `XOR` (both 32-bit halves
    /// known).
    XorWithSubreg,
    /// Inside `reg_bounds_sync` of every ALU step.
    Sync(SyncHelper),
}

/// The helpers of `reg_bounds_sync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncHelper {
    /// `tnum_range` (in `__reg_bound_offset`).
    Range,
    /// `tnum_intersect` (in `__reg_bound_offset`).
    Intersect,
    /// `tnum_clear_subreg` (in `__reg_bound_offset`).
    ClearSubreg,
    /// `tnum_step` (in `__update_reg64_bounds`).
    Step,
}

/// The site of the catalog helper named `name` (`mutant.tnum.cast2` …), if the step uses it.
pub fn site_of(name: &str) -> Option<HelperSite> {
    let base = name.strip_prefix("mutant.").unwrap_or(name);
    Some(match base {
        "tnum.cast2" => HelperSite::VarOff(KernelForm::End(Endian::Le, 16)),
        "tnum.cast4" => HelperSite::VarOff(KernelForm::End(Endian::Le, 32)),
        "tnum.subreg" => HelperSite::VarOff(KernelForm::MovX(Width::W32)),
        "tnum.bswap16" => HelperSite::VarOff(KernelForm::End(Endian::Swap, 16)),
        "tnum.bswap32" => HelperSite::VarOff(KernelForm::End(Endian::Swap, 32)),
        "tnum.bswap64" => HelperSite::VarOff(KernelForm::End(Endian::Swap, 64)),
        "tnum.union" => HelperSite::MulUnion,
        "tnum.with_subreg" => HelperSite::XorWithSubreg,
        "tnum.range" => HelperSite::Sync(SyncHelper::Range),
        "tnum.intersect" => HelperSite::Sync(SyncHelper::Intersect),
        "tnum.clear_subreg" => HelperSite::Sync(SyncHelper::ClearSubreg),
        "tnum.step" => HelperSite::Sync(SyncHelper::Step),
        _ => return None,
    })
}

impl HelperSite {
    /// The instruction forms the lifted step answers for.
    pub fn forms(self) -> Vec<KernelForm> {
        match self {
            HelperSite::VarOff(f) => vec![f],
            HelperSite::MulUnion => vec![
                KernelForm::AluK(Width::W64, AluOp::Mul),
                KernelForm::AluX(Width::W64, AluOp::Mul),
            ],
            HelperSite::XorWithSubreg => vec![
                KernelForm::AluK(Width::W64, AluOp::Xor),
                KernelForm::AluX(Width::W64, AluOp::Xor),
            ],
            HelperSite::Sync(_) => vec![
                KernelForm::AluK(Width::W64, AluOp::Add),
                KernelForm::AluK(Width::W64, AluOp::And),
                KernelForm::AluX(Width::W64, AluOp::Add),
                KernelForm::AluX(Width::W64, AluOp::Sub),
            ],
        }
    }
}

/// The kernel's helpers, with `op` in place of the one `replaced` names.
pub struct Helpers<'a> {
    op: &'a dyn Operator,
    replaced: SyncHelper,
}

impl<'a> Helpers<'a> {
    /// The helpers with `op` as `replaced`.
    pub fn new(op: &'a dyn Operator, replaced: SyncHelper) -> Helpers<'a> {
        Helpers { op, replaced }
    }

    fn tnum_of(&self, args: &[Abs<Bv>], members: &[Bv], fallback: Tnum<Bv>) -> Tnum<Bv> {
        match self.op.eval_bv(64, args, members).result {
            Abs::Tnum(t) => t,
            _ => fallback,
        }
    }

    /// `tnum_range(lo, hi)`.
    pub fn range(&self, lo: Bv, hi: Bv) -> Tnum<Bv> {
        let kernel = Tnum::range(&lo, &hi);
        if self.replaced != SyncHelper::Range {
            return kernel;
        }
        self.tnum_of(&[Abs::UInt(UInterval::from_bounds(lo, hi))], &[lo], kernel)
    }

    /// `tnum_intersect(a, b)`.
    pub fn intersect(&self, a: &Tnum<Bv>, b: &Tnum<Bv>) -> Tnum<Bv> {
        let kernel = a.intersect(b);
        if self.replaced != SyncHelper::Intersect {
            return kernel;
        }
        self.tnum_of(&[Abs::Tnum(*a), Abs::Tnum(*b)], &[a.value, a.value], kernel)
    }

    /// `tnum_clear_subreg(a)`.
    pub fn clear_subreg(&self, a: &Tnum<Bv>) -> Tnum<Bv> {
        let kernel = a.clear_subreg();
        if self.replaced != SyncHelper::ClearSubreg {
            return kernel;
        }
        self.tnum_of(&[Abs::Tnum(*a)], &[a.value], kernel)
    }

    /// `tnum_step(t, z)`: the smallest member of `t` above `z` (the operator's result is the
    /// interval `[step, tmax]`; its lower bound is the step).
    pub fn step(&self, t: &Tnum<Bv>, z: Bv) -> Bv {
        let kernel = t.step(&z);
        if self.replaced != SyncHelper::Step {
            return kernel;
        }
        match self
            .op
            .eval_bv(64, &[Abs::Tnum(*t), Abs::Word(z)], &[t.value, z])
            .result
        {
            Abs::UInt(i) => i.lo,
            _ => kernel,
        }
    }
}

/// `__update_reg64_bounds` with the 6.18.44 single-value refinement, `tnum_step` from `h`
/// (re-implemented from the kernel's function as [`absint::domain::kernel::sync::update_bounds64`]
/// is, on concrete words).
fn update_bounds64_with(h: &Helpers, s: &Scalar<Bv>) -> Scalar<Bv> {
    let t = s.var_off;
    let sign = 1u64 << 63;
    let (v, m) = (t.value.get(), t.mask.get());
    let mut r = *s;
    r.smin = Bv::u64((r.smin.get() as i64).max((v | (m & sign)) as i64) as u64);
    r.smax = Bv::u64((r.smax.get() as i64).min((v | (m & !sign)) as i64) as u64);
    r.umin = Bv::u64(r.umin.get().max(v));
    r.umax = Bv::u64(r.umax.get().min(v | m));
    let tmax = Bv::u64(v | m);
    let next = h.step(&t, r.umin);
    let umin_in_tnum = r.umin.get() & !m == v;
    if umin_in_tnum && next.get() > r.umax.get() {
        return mark_known(&r.umin);
    }
    if !umin_in_tnum && next == tmax {
        return mark_known(&tmax);
    }
    if !umin_in_tnum && next.get() <= r.umax.get() && h.step(&t, next).get() > r.umax.get() {
        return mark_known(&next);
    }
    r
}

/// `__update_reg_bounds`: 32-bit, then 64-bit with `h`.
fn update_bounds_with(h: &Helpers, s: &Scalar<Bv>) -> Scalar<Bv> {
    update_bounds64_with(h, &update_bounds32(s))
}

/// `__reg_bound_offset` with `tnum_range`, `tnum_intersect` and `tnum_clear_subreg` from `h`.
fn bound_offset_with(h: &Helpers, s: &Scalar<Bv>) -> Scalar<Bv> {
    let var64 = h.intersect(&s.var_off, &h.range(s.umin, s.umax));
    let range32 = h.range(s.u32_min.zext(64), s.u32_max.zext(64));
    let var32 = h.intersect(&var64.subreg(), &range32);
    Scalar {
        var_off: h.clear_subreg(&var64).or(&var32),
        ..*s
    }
}

/// `reg_bounds_sync` with the helpers of `h` (the kernel's order: update, deduce three times,
/// offset, update).
pub fn sync_with(h: &Helpers, s: &Scalar<Bv>) -> Scalar<Bv> {
    let mut r = update_bounds_with(h, s);
    for _ in 0..3 {
        r = deduce_bounds(&r);
    }
    update_bounds_with(h, &bound_offset_with(h, &r))
}

/// `tnum_with_subreg` or its replacement.
pub type WithSubreg<'a> = &'a dyn Fn(&Tnum<Bv>, &Tnum<Bv>) -> Tnum<Bv>;

/// The 64-bit XOR step (`scalar32_min_max_xor`, `scalar_min_max_xor`, `reg_bounds_sync` of
/// 6.18, re-implemented on concrete words as [`synth::historical::bitwise_step`] is), with
/// `with_subreg` in `__mark_reg32_known` (`tnum_const_subreg`), which runs when both 32-bit
/// halves are known. XOR never forks, so this is the whole step.
pub fn xor_step_with(with_subreg: WithSubreg, dst: &Scalar<Bv>, src: &Scalar<Bv>) -> Scalar<Bv> {
    let low = |x: Bv| x.get() & 0xffff_ffff;
    let var_off = dst.var_off.xor(&src.var_off);
    let mut r = Scalar { var_off, ..*dst };
    // The 32-bit half.
    let (v32, m32) = (low(var_off.value), low(var_off.mask));
    if low(src.var_off.mask) == 0 && m32 == 0 {
        r.var_off = with_subreg(&r.var_off, &Tnum::constant(Bv::u64(v32)));
        let k = Bv::u32(v32 as u32);
        (r.u32_min, r.u32_max, r.s32_min, r.s32_max) = (k, k, k, k);
    } else {
        let (lo, hi) = (v32 as u32, (v32 | m32) as u32);
        r.u32_min = Bv::u32(lo);
        r.u32_max = Bv::u32(hi);
        let same_sign = (lo as i32) <= (hi as i32);
        r.s32_min = Bv::u32(if same_sign { lo } else { i32::MIN as u32 });
        r.s32_max = Bv::u32(if same_sign { hi } else { i32::MAX as u32 });
    }
    // The 64-bit half.
    let (v, m) = (r.var_off.value.get(), r.var_off.mask.get());
    if src.var_off.mask.get() == 0 && m == 0 {
        return sync(&mark_known(&Bv::u64(v)));
    }
    let same_sign = (v as i64) <= ((v | m) as i64);
    r.umin = Bv::u64(v);
    r.umax = Bv::u64(v | m);
    r.smin = Bv::u64(if same_sign { v } else { i64::MIN as u64 });
    r.smax = Bv::u64(if same_sign { v | m } else { i64::MAX as u64 });
    sync(&update_bounds(&r))
}

/// A tnum join (`tnum_union` or its replacement).
pub type Join<'a> = &'a dyn Fn(&Tnum<Bv>, &Tnum<Bv>) -> Tnum<Bv>;

/// `tnum_mul` of 6.18 with `union` as its join (the long multiplication of
/// [`absint::domain::tnum::Tnum::mul`], on concrete words).
pub fn mul_with_union(a: &Tnum<Bv>, b: &Tnum<Bv>, union: Join) -> Tnum<Bv> {
    let one = Bv::u64(1);
    let (mut a, mut b) = (*a, *b);
    let mut acc = Tnum::constant(Bv::u64(0));
    for _ in 0..64 {
        let sum = acc.add(&b);
        if a.value.get() & 1 == 1 {
            acc = sum;
        } else if a.mask.get() & 1 == 1 {
            acc = union(&acc, &sum);
        }
        a = a.rshift(&one);
        b = b.lshift(&one);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use absint::domain::kernel::sync::sync;
    use synth::catalog::Catalog;

    fn reference(name: &str) -> std::sync::Arc<dyn Operator> {
        Catalog::reference()
            .iter()
            .find(|o| o.name() == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}"))
    }

    fn states() -> Vec<Scalar<Bv>> {
        let mut v = Vec::new();
        let mut x = 0x1234_5678_9abc_def0u64;
        for i in 0..400u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let m = x >> (i % 64);
            let t = Tnum::new(Bv::u64((x >> 7) & !m), Bv::u64(m));
            v.push(sync(&Scalar {
                var_off: t,
                ..Scalar::unknown_like(&Bv::u64(0))
            }));
        }
        v
    }

    /// With the reference helper in its place, each rebuilt function is the kernel's.
    #[test]
    fn with_the_reference_helpers_the_sync_and_mul_are_the_kernels() {
        for (name, which) in [
            ("tnum.range", SyncHelper::Range),
            ("tnum.intersect", SyncHelper::Intersect),
            ("tnum.clear_subreg", SyncHelper::ClearSubreg),
            ("tnum.step", SyncHelper::Step),
        ] {
            let op = reference(name);
            let h = Helpers::new(&*op, which);
            for s in states() {
                let mut wide = s;
                wide.umin = Bv::u64(s.umin.get() / 2);
                assert_eq!(sync_with(&h, &wide), sync(&wide), "{name}");
            }
        }
        let union = reference("tnum.union");
        let join = |a: &Tnum<Bv>, b: &Tnum<Bv>| match union
            .eval_bv(
                64,
                &[Abs::Tnum(*a), Abs::Tnum(*b), Abs::Word(Bv::new(1, 0))],
                &[a.value, b.value, Bv::new(1, 0)],
            )
            .result
        {
            Abs::Tnum(t) => t,
            _ => unreachable!("tnum.union returns a tnum"),
        };
        let s = states();
        for (a, b) in s.iter().zip(s.iter().skip(1)) {
            assert_eq!(
                mul_with_union(&a.var_off, &b.var_off, &join),
                a.var_off.mul(&b.var_off)
            );
        }
    }

    /// With the kernel's `tnum_with_subreg`, the rebuilt XOR step is absint's.
    #[test]
    fn the_rebuilt_xor_step_is_the_kernels() {
        use absint::domain::kernel::alu::alu;
        use absint::isa::{Insn, Operand, Reg};
        let insn = Insn::Alu {
            width: Width::W64,
            op: AluOp::Xor,
            dst: Reg::R0,
            src: Operand::Reg(crate::corpus::program::reg(1)),
        };
        let with = |a: &Tnum<Bv>, b: &Tnum<Bv>| a.with_subreg(b);
        let mut s = states();
        // Some with known low halves, so that `__mark_reg32_known` runs.
        let known: Vec<Scalar<Bv>> = s
            .iter()
            .map(|x| {
                let t = Tnum::new(
                    Bv::u64(x.var_off.value.get() | 5),
                    Bv::u64(x.var_off.mask.get() & !0xffff_ffff),
                );
                sync(&Scalar {
                    var_off: t,
                    ..Scalar::unknown_like(&Bv::u64(0))
                })
            })
            .collect();
        s.extend(known);
        let mut compared = 0;
        for (d, r) in s.iter().zip(s.iter().rev()) {
            let kernel = alu(&insn, d, r).map(|o| o.state).ok();
            assert_eq!(Some(xor_step_with(&with, d, r)), kernel, "{d:?} ^ {r:?}");
            compared += 1;
        }
        assert_eq!(compared, 800);
    }

    #[test]
    fn every_site_names_a_helper_the_step_uses() {
        assert_eq!(site_of("mutant.tnum.cast1"), None);
        assert_eq!(
            site_of("mutant.tnum.with_subreg"),
            Some(HelperSite::XorWithSubreg)
        );
        assert_eq!(
            site_of("mutant.tnum.bswap32"),
            Some(HelperSite::VarOff(KernelForm::End(Endian::Swap, 32)))
        );
        assert_eq!(HelperSite::MulUnion.forms().len(), 2);
    }
}
