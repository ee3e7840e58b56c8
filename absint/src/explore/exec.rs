//! One instruction on a register file, as `do_check` runs it on the current state: operand
//! checks in the kernel's order, the scalar transfer functions of [`crate::domain::kernel`], and
//! the link bookkeeping around them (ids on copies, `BPF_ADD_CONST` offsets, the refinement of
//! linked registers after a jump).
//!
//! Behaviour of the running 6.18.44 kernel this follows (probe programs in
//! `fuzz/tests/kernel_paths.rs` and the differential test there):
//! - `R3 !read_ok` names the first uninitialised operand: ALU and `mov` check the source
//!   register first, conditional jumps the destination first.
//! - `r7 = r6` on a non-constant scalar gives r6 a fresh id if it has none and copies it;
//!   a `w7 = w6` or sign-extending move links only when the value is unchanged by it.
//! - `r7 += K`, `r7 -= K` (and the 32-bit forms) on a linked register keep the link with the
//!   offset (`id=1+5`, `id=1-3`); a second addition, or any other ALU operation, unlinks.
//! - After an undecided jump, the live registers linked to a compared register get its refined
//!   value on each edge, shifted by the difference of offsets (`sync_linked_regs`).
//! - A helper call leaves r1–r5 uninitialised and r0 an unknown, unlinked scalar.

use crate::domain::kernel::alu::{alu, fork_cases};
use crate::domain::kernel::branch::{branch, branch_same_reg};
use crate::domain::kernel::sync::is_valid;
use crate::domain::kernel::{AluOutcome, Reject};
use crate::domain::scalar::Scalar;
use crate::explore::regs::{LinkedScalar, RegFile, Value};
use crate::explore::transfer::{Kernel, Transfer};
use crate::isa::{AluOp, CallTarget, Insn, LdImm64, Operand, Reg, Width};
use crate::word::Bv;

/// Helpers that take no arguments and return an unknown scalar (`RET_INTEGER`, no range
/// refinement): `bpf_ktime_get_ns` (#5) and `bpf_get_prandom_u32` (#7).
pub const SCALAR_HELPERS: [i32; 2] = [5, 7];

/// The register legacy packet loads take the skb from (`BPF_REG_6`).
const SKB: Reg = match Reg::new(6) {
    Some(r) => r,
    None => Reg::R0,
};

/// The most registers a jump links (`LINKED_REGS_MAX`).
pub const LINKED_REGS_MAX: usize = 6;

/// Why an instruction stops the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The verifier rejects the program with this message.
    Rejected(String),
    /// The explorer does not model this.
    Unsupported(String),
}

/// What an instruction did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // One per instruction; boxing would only add allocations.
pub enum Effect {
    /// Continue at `next`, after pushing `push` (a state to resume at its slot).
    Continue {
        /// The next slot.
        next: usize,
        /// A state the verifier pushed: where it resumes and its registers.
        push: Option<(usize, RegFile)>,
        /// The registers the instruction read or wrote (a bit per register).
        scratched: u16,
        /// A conditional jump's linked registers (`linked_regs`, when more than one), a bit each.
        linked: u16,
        /// Registers whose values decided a jump, to be made precise in this order.
        precise: [Option<u8>; 2],
    },
    /// The path ended at `exit`.
    Exit,
}

/// The shared counter of link ids (`env->id_gen`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdGen(pub u32);

impl IdGen {
    fn fresh(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

fn bit(r: Reg) -> u16 {
    1 << r.index()
}

/// `check_reg_arg(.., SRC_OP)`.
fn read(regs: &RegFile, r: Reg) -> Result<Value, Stop> {
    match regs.0[r.index() as usize] {
        Value::Uninit => Err(Stop::Rejected(format!("R{} !read_ok", r.index()))),
        v => Ok(v),
    }
}

/// `check_reg_arg(.., DST_OP)`: r10 is read-only.
fn writable(r: Reg) -> Result<(), Stop> {
    if r == Reg::FP {
        Err(Stop::Rejected("frame pointer is read only".into()))
    } else {
        Ok(())
    }
}

/// The operand as a scalar, or an unsupported pointer operation.
fn scalar_of(v: Value, r: Reg, what: &str) -> Result<LinkedScalar, Stop> {
    match v {
        Value::Scalar(s) => Ok(s),
        other => Err(Stop::Unsupported(format!(
            "{what} on the pointer r{} ({other})",
            r.index()
        ))),
    }
}

fn reject(e: Reject) -> Stop {
    match e {
        Reject::NotApplicable(what) => Stop::Unsupported(what.into()),
        other => Stop::Rejected(other.to_string()),
    }
}

/// The kernel's `%#llx` (its `vsnprintf` prefixes `0x` to zero as well).
fn alt_hex(x: u64) -> String {
    format!("{x:#x}")
}

/// `reg_bounds_sanity_check` under `BPF_F_TEST_REG_INVARIANTS`: the kernel's message when `s`
/// breaks an invariant (`ctx` names the register: `alu`, `true_reg1`, ...).
fn sanity_message(s: &Scalar<Bv>, ctx: &str) -> Option<String> {
    if is_valid(s) {
        return None;
    }
    let (v, m) = (s.var_off.v(), s.var_off.m());
    let ranges_ok = s.umin.get() <= s.umax.get()
        && (s.smin.get() as i64) <= (s.smax.get() as i64)
        && s.u32_min.get() <= s.u32_max.get()
        && (s.s32_min.get() as u32 as i32) <= (s.s32_max.get() as u32 as i32);
    let what = if !ranges_ok {
        "range bounds violation"
    } else if m == 0 {
        "const tnum out of sync with range bounds"
    } else {
        "const subreg tnum out of sync with range bounds"
    };
    Some(format!(
        "verifier bug: REG INVARIANTS VIOLATION ({ctx}): {what} u64=[{}, {}] s64=[{}, {}] \
         u32=[{}, {}] s32=[{}, {}] var_off=({}, {})",
        alt_hex(s.umin.get()),
        alt_hex(s.umax.get()),
        alt_hex(s.smin.get()),
        alt_hex(s.smax.get()),
        alt_hex(s.u32_min.get()),
        alt_hex(s.u32_max.get()),
        alt_hex(s.s32_min.get()),
        alt_hex(s.s32_max.get()),
        alt_hex(v),
        alt_hex(m),
    ))
}

/// `reg_bounds_sanity_check` on an ALU result.
fn check_invariants(s: &Scalar<Bv>) -> Result<(), Stop> {
    match sanity_message(s, "alu") {
        None => Ok(()),
        Some(message) => Err(Stop::Rejected(message)),
    }
}

/// `assign_scalar_id_before_mov`: a source about to be copied gets an id unless constant; a
/// source with an offset link loses it first.
fn assign_id_before_mov(src: &mut LinkedScalar, ids: &mut IdGen) {
    if src.add_const.is_some() {
        src.unlink();
    }
    if src.id == 0 && src.scalar.var_off.m() != 0 {
        src.id = ids.fresh();
    }
}

/// The number of significant bits of `x` (`fls64`).
fn fls64(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// Runs `insn` at slot `idx` on `regs`; `live` is the set of registers live before it.
pub fn execute(
    idx: usize,
    insn: &Insn,
    regs: &mut RegFile,
    ids: &mut IdGen,
    live: u16,
) -> Result<Effect, Stop> {
    execute_with(idx, insn, regs, ids, live, &Kernel)
}

/// The ALU step: `ops`'s answer, else the kernel's.
fn step(
    ops: &dyn Transfer,
    insn: &Insn,
    dst: &Scalar<Bv>,
    src: &Scalar<Bv>,
) -> Result<AluOutcome<Bv>, Reject> {
    match ops.alu(insn, dst, src) {
        Some(out) => out,
        None => alu(insn, dst, src),
    }
}

/// [`execute`] with the transfer functions of `ops` in place of the kernel's where it answers.
pub fn execute_with(
    idx: usize,
    insn: &Insn,
    regs: &mut RegFile,
    ids: &mut IdGen,
    live: u16,
    ops: &dyn Transfer,
) -> Result<Effect, Stop> {
    let next = idx + insn.slots();
    let cont = |scratched: u16, push: Option<(usize, RegFile)>| Effect::Continue {
        next,
        push,
        scratched,
        linked: 0,
        precise: [None, None],
    };
    match *insn {
        Insn::Alu { dst, src, .. } => {
            let src_value = match src {
                Operand::Reg(s) => Some((s, read(regs, s)?)),
                Operand::Imm(_) => None,
            };
            let d = scalar_of(read(regs, dst)?, dst, "ALU")?;
            writable(dst)?;
            let s = match src_value {
                Some((s, v)) => scalar_of(v, s, "ALU")?.scalar,
                None => operand_const(src),
            };
            let push = arith(insn, dst, d, &s, regs, ops)?;
            let scratched = bit(dst) | src_value.map_or(0, |(s, _)| bit(s));
            Ok(cont(scratched, push.map(|p| (idx, p))))
        }
        Insn::Neg { dst, .. } | Insn::End { dst, .. } => {
            let d = scalar_of(read(regs, dst)?, dst, "ALU")?;
            writable(dst)?;
            let out = step(ops, insn, &d.scalar, &d.scalar).map_err(reject)?;
            check_invariants(&out.state)?;
            // `le64` changes nothing, not even the link (probed: `r9 = le64 r9` keeps `id=2`);
            // every other byte swap and `neg` unlinks.
            let keeps_link = matches!(
                insn,
                Insn::End {
                    kind: crate::isa::Endian::Le,
                    bits: 64,
                    ..
                }
            );
            let mut r = LinkedScalar {
                scalar: out.state,
                ..d
            };
            if !keeps_link {
                r.unlink();
            }
            regs.0[dst.index() as usize] = Value::Scalar(r);
            Ok(cont(bit(dst), None))
        }
        Insn::Mov { width, dst, src } => {
            let scratched = match src {
                Operand::Reg(s) => {
                    let v = read(regs, s)?;
                    writable(dst)?;
                    mov_reg(width, None, dst, s, v, regs, ids, insn, ops)?;
                    bit(dst) | bit(s)
                }
                Operand::Imm(_) => {
                    writable(dst)?;
                    let out =
                        step(ops, insn, &Scalar::unknown(), &operand_const(src)).map_err(reject)?;
                    // check_alu_op ends with reg_bounds_sanity_check for moves too (it matters
                    // only for a transfer function other than the kernel's).
                    check_invariants(&out.state)?;
                    regs.0[dst.index() as usize] = Value::scalar(out.state);
                    bit(dst)
                }
            };
            Ok(cont(scratched, None))
        }
        Insn::MovSx {
            width,
            dst,
            src,
            from_bits,
        } => {
            let v = read(regs, src)?;
            writable(dst)?;
            mov_reg(width, Some(from_bits), dst, src, v, regs, ids, insn, ops)?;
            Ok(cont(bit(dst) | bit(src), None))
        }
        Insn::LdImm64 { dst, src } => {
            writable(dst)?;
            let LdImm64::Imm(v) = src else {
                return Err(Stop::Unsupported(format!("ld_imm64 of {insn}")));
            };
            regs.0[dst.index() as usize] = Value::scalar(Scalar::known(v));
            Ok(cont(bit(dst), None))
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            let d = scalar_of(read(regs, dst)?, dst, "comparison")?;
            let (s, src_reg) = match src {
                Operand::Reg(s) => (scalar_of(read(regs, s)?, s, "comparison")?, Some(s)),
                Operand::Imm(_) => (LinkedScalar::plain(operand_const(src)), None),
            };
            let out = match src_reg {
                Some(s) if s == dst => branch_same_reg(cond, width, &d.scalar),
                _ => ops
                    .branch(cond, width, &d.scalar, &s.scalar)
                    .unwrap_or_else(|| branch(cond, width, &d.scalar, &s.scalar)),
            };
            let target = (idx as i64 + 1 + i64::from(off)) as usize;
            let scratched = bit(dst) | src_reg.map_or(0, bit);
            // A decided jump depended on the operands' values: they become precise.
            let precise = [Some(dst.index()), src_reg.map(Reg::index)];
            if out.always_taken || out.never_taken {
                return Ok(Effect::Continue {
                    next: if out.always_taken { target } else { next },
                    push: None,
                    scratched,
                    linked: 0,
                    precise,
                });
            }
            if out.invariant_violation {
                let checked = [
                    (&out.taken[0], "true_reg1"),
                    (&out.taken[1], "true_reg2"),
                    (&out.fallthrough[0], "false_reg1"),
                    (&out.fallthrough[1], "false_reg2"),
                ];
                let message = checked
                    .iter()
                    .find_map(|(s, ctx)| sanity_message(s, ctx))
                    .unwrap_or_else(|| "verifier bug: REG INVARIANTS VIOLATION".into());
                return Err(Stop::Rejected(message));
            }
            // collect_linked_regs: the live registers sharing the source's id, then the
            // destination's, at most LINKED_REGS_MAX; the ones past it lose their id, on both
            // edges (probed: four copies compared by `if r8 != r9` leave r8 and r9 unlinked).
            // The destination's id is read after the source's pass, which may have cleared it.
            let mut linked: Vec<u8> = Vec::new();
            for group in [src_reg, Some(dst)] {
                let Some(Value::Scalar(owner)) = group.map(|g| regs.0[g.index() as usize]) else {
                    continue;
                };
                let id = owner.id;
                if id == 0 {
                    continue;
                }
                for r in 0..10u8 {
                    if live & (1 << r) == 0 {
                        continue;
                    }
                    let Value::Scalar(reg) = &mut regs.0[r as usize] else {
                        continue;
                    };
                    if reg.id != id {
                        continue;
                    }
                    if linked.len() < LINKED_REGS_MAX {
                        linked.push(r);
                    } else {
                        reg.unlink();
                    }
                }
            }
            // The compared registers as they are after the collection.
            let d = regs.0[dst.index() as usize]
                .as_scalar()
                .copied()
                .unwrap_or(d);
            let s = match src_reg {
                Some(sr) => regs.0[sr.index() as usize]
                    .as_scalar()
                    .copied()
                    .unwrap_or(s),
                None => s,
            };
            let edge = |refined: &[Scalar<Bv>; 2]| {
                let mut r = *regs;
                if let Some(s_reg) = src_reg {
                    r.0[s_reg.index() as usize] = Value::Scalar(LinkedScalar {
                        scalar: refined[1],
                        ..s
                    });
                }
                r.0[dst.index() as usize] = Value::Scalar(LinkedScalar {
                    scalar: refined[0],
                    ..d
                });
                // Linked registers: the source's group, then the destination's.
                if let Some(s_reg) = src_reg {
                    if s.id != 0 {
                        sync_linked(&mut r, s_reg, &linked);
                    }
                }
                if d.id != 0 {
                    sync_linked(&mut r, dst, &linked);
                }
                r
            };
            let taken = edge(&out.taken);
            *regs = edge(&out.fallthrough);
            let linked_mask = if linked.len() > 1 {
                linked.iter().fold(0u16, |m, &r| m | 1 << r)
            } else {
                0
            };
            Ok(Effect::Continue {
                next,
                push: Some((target, taken)),
                scratched,
                linked: linked_mask,
                precise: [None, None],
            })
        }
        Insn::Ja { off } => Ok(Effect::Continue {
            next: (idx as i64 + 1 + i64::from(off)) as usize,
            push: None,
            scratched: 0,
            linked: 0,
            precise: [None, None],
        }),
        Insn::Gotol { imm } => Ok(Effect::Continue {
            next: (idx as i64 + 1 + i64::from(imm)) as usize,
            push: None,
            scratched: 0,
            linked: 0,
            precise: [None, None],
        }),
        Insn::Call(CallTarget::Helper(id)) if SCALAR_HELPERS.contains(&id) => {
            for r in 1..=5 {
                regs.0[r] = Value::Uninit;
            }
            regs.0[0] = Value::scalar(Scalar::unknown());
            Ok(cont(0x3f, None))
        }
        Insn::LoadPacket { index, .. } => {
            // check_ld_abs: the implicit skb operand r6 must be the context, an IND index
            // register readable; r1-r5 become unreadable and r0 an unknown scalar.
            match read(regs, SKB)? {
                Value::Ctx => {}
                _ => {
                    return Err(Stop::Rejected(
                        "at the time of BPF_LD_ABS|IND R6 != pointer to skb".into(),
                    ))
                }
            }
            if let Some(i) = index {
                read(regs, i)?;
            }
            for r in 1..=5 {
                regs.0[r] = Value::Uninit;
            }
            regs.0[0] = Value::scalar(Scalar::unknown());
            Ok(cont(0x3f | bit(SKB) | index.map_or(0, bit), None))
        }
        Insn::Exit => match read(regs, Reg::R0)? {
            Value::Scalar(_) => Ok(Effect::Exit),
            other => Err(Stop::Unsupported(format!("exit with r0 = {other}"))),
        },
        other => Err(Stop::Unsupported(format!("`{other}`"))),
    }
}

/// The constant register the verifier makes of an immediate (sign-extended to 64 bits).
fn operand_const(src: Operand) -> Scalar<Bv> {
    match src {
        Operand::Imm(imm) => Scalar::known(imm as i64 as u64),
        Operand::Reg(_) => Scalar::unknown(),
    }
}

/// A binary ALU operation on a scalar destination: the transfer function, the fork, the
/// invariant check and the link rule. Returns the state pushed by a fork.
fn arith(
    insn: &Insn,
    dst: Reg,
    d: LinkedScalar,
    s: &Scalar<Bv>,
    regs: &mut RegFile,
    ops: &dyn Transfer,
) -> Result<Option<RegFile>, Stop> {
    let Insn::Alu { width, op, src, .. } = *insn else {
        return Err(Stop::Unsupported(format!("`{insn}`")));
    };
    // Probed on 6.18.44 (fuzz/regressions/0002, 0003): `r8 += r8` and `r8 -= r8` on a linked
    // constant leave r8 unlinked, while `r8 += r6` with r6 a constant keeps the offset link.
    let src_is_dst = src == Operand::Reg(dst);
    let out = step(ops, insn, &d.scalar, s).map_err(reject)?;
    // maybe_fork_scalars: the pushed state runs the instruction again with the destination 0
    // (the whole register when its s64 range is [-1, 0], else its low half; the first also
    // forgets the link, as `__mark_reg_known` does).
    let pushed = out.pushed().map(|_| {
        let mut p = *regs;
        let cases = fork_cases(&d.scalar);
        let zero = if cases.whole {
            LinkedScalar::plain(cases.as_zero)
        } else {
            LinkedScalar {
                scalar: cases.as_zero,
                ..d
            }
        };
        p.0[dst.index() as usize] = Value::Scalar(zero);
        p
    });
    check_invariants(&out.state)?;
    let mut r = LinkedScalar {
        scalar: out.state,
        ..d
    };
    // adjust_reg_min_max_vals: `dst += K` / `dst -= K` on a linked register keeps the link with
    // the offset; anything else unlinks.
    let alu32 = width == Width::W32;
    let src_const = if alu32 {
        s.var_off.m() & 0xffff_ffff == 0
    } else {
        s.var_off.m() == 0
    };
    // A 32-bit addition keeps the link only on a register that is its own zero-extended low
    // half (probed: `w9 += 3` links on `[0, 255]`, not on an unknown 64-bit value).
    let fits = !alu32 || fls64(d.scalar.umax.get()) <= 32;
    let offset =
        if matches!(op, AluOp::Add | AluOp::Sub) && d.id != 0 && src_const && fits && !src_is_dst {
            let val = s.var_off.v();
            let off = if alu32 {
                Some(val as u32 as i32)
            } else {
                i32::try_from(val as i64).ok()
            };
            let off = if op == AluOp::Sub {
                off.and_then(i32::checked_neg)
            } else {
                off
            };
            off.filter(|_| d.add_const.is_none())
        } else {
            None
        };
    match offset {
        Some(off) => {
            r.add_const = Some(width);
            r.off = off;
        }
        None => r.unlink(),
    }
    regs.0[dst.index() as usize] = Value::Scalar(r);
    Ok(pushed)
}

/// `dst = src`, `wdst = wsrc` and the sign-extending moves, with the link rules of
/// `check_alu_op`.
#[allow(clippy::too_many_arguments)]
fn mov_reg(
    width: Width,
    sext_from: Option<u8>,
    dst: Reg,
    src: Reg,
    v: Value,
    regs: &mut RegFile,
    ids: &mut IdGen,
    insn: &Insn,
    ops: &dyn Transfer,
) -> Result<(), Stop> {
    let mut s = match v {
        Value::Scalar(s) => s,
        pointer if width == Width::W64 && sext_from.is_none() => {
            regs.0[dst.index() as usize] = pointer;
            return Ok(());
        }
        other => {
            return Err(Stop::Unsupported(format!(
                "`{insn}` of the pointer r{} ({other})",
                src.index()
            )))
        }
    };
    // Does the move keep the value, so that the copy may stay linked?
    let keeps_value = match (width, sext_from) {
        (Width::W64, None) => true,
        (Width::W32, None) => fls64(s.scalar.umax.get()) <= 32,
        (_, Some(bits)) => s.scalar.umax.get() < 1u64 << (bits - 1),
    };
    if keeps_value {
        assign_id_before_mov(&mut s, ids);
        regs.0[src.index() as usize] = Value::Scalar(s);
    }
    let mut d = s;
    if !keeps_value {
        d.unlink();
    }
    let out = step(ops, insn, &d.scalar, &s.scalar).map_err(reject)?;
    check_invariants(&out.state)?;
    d.scalar = out.state;
    regs.0[dst.index() as usize] = Value::Scalar(d);
    Ok(())
}

/// `sync_linked_regs`: give every collected register linked to `known` (same base id) `known`'s
/// value, shifted by the difference of their offsets.
fn sync_linked(regs: &mut RegFile, known: Reg, linked: &[u8]) {
    let Value::Scalar(k) = regs.0[known.index() as usize] else {
        return;
    };
    for &r in linked {
        if r == known.index() {
            continue;
        }
        let Value::Scalar(reg) = regs.0[r as usize] else {
            continue;
        };
        if reg.id != k.id {
            continue;
        }
        // Links made at different widths do not carry over.
        if let (Some(a), Some(b)) = (reg.add_const, k.add_const) {
            if a != b {
                continue;
            }
        }
        let same_offset = (reg.add_const.is_none() && k.add_const.is_none()) || reg.off == k.off;
        let synced = if same_offset {
            k
        } else {
            let delta = i64::from(reg.off) - i64::from(k.off);
            // The result is zero-extended when either link is 32-bit (probed: `w2 -= 26` linked
            // to r3 leaves r3 below 2^32 when refined through r2, and r2 when refined through
            // r3).
            let width = if reg.add_const == Some(Width::W32) || k.add_const == Some(Width::W32) {
                Width::W32
            } else {
                Width::W64
            };
            let add = Insn::Alu {
                width,
                op: AluOp::Add,
                dst: Reg::R0,
                src: Operand::Reg(Reg::R0),
            };
            match alu(&add, &k.scalar, &Scalar::known(delta as u64)) {
                Ok(out) => LinkedScalar {
                    scalar: out.state,
                    ..reg
                },
                Err(_) => continue,
            }
        };
        regs.0[r as usize] = Value::Scalar(synced);
    }
}
