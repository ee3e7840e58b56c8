//! Input states for single-step probes, and the programs that prepare them.
//!
//! A [`Shape`] says how a register gets its value before the instruction under test: a constant
//! (`mov` or `ld_imm64`), or an unknown value from `bpf_get_prandom_u32` (helper 7) refined by a
//! few instructions — masks (`&=`, `|=`), ranges (a conditional jump to an exit when the value is
//! out of range), `s>>= 63` for `[-1, 0]`, a 32-bit move for a zero-extended subregister, a
//! sign-extending move. The verifier computes the register's state from these instructions; the
//! harness reads that state back from the log, so a shape need not predict it.
//!
//! [`step_program`] lays out a probe: the preparation of `r6` (the destination) and `r7` (the
//! source), `r0 = 0`, the instruction under test, `exit`, and for jumps a second `exit` as the
//! taken edge; range exits go to a shared `r0 = 0; exit` tail.

use absint::isa::{AluOp, CallTarget, Cond, Insn, LdImm64, Operand, Reg, Width};

/// The destination register of probed instructions.
pub const DST: u8 = 6;
/// The source register of probed instructions.
pub const SRC: u8 = 7;
/// Scratch register for 64-bit constants of the preparation.
const SCRATCH: u8 = 8;
/// `bpf_get_prandom_u32`: returns an unknown scalar.
const HELPER_PRANDOM_U32: i32 = 7;

fn reg(n: u8) -> Reg {
    // Every register number used here (0, 6, 7, 8) is at most 10.
    Reg::new(n).unwrap_or(Reg::R0)
}

/// One refinement of an unknown value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refine {
    /// `r &= mask`
    And(u64),
    /// `r |= bits`
    Or(u64),
    /// `r += k`
    Add(i32),
    /// Exit when `r COND value` holds at `width`, so execution continues where it does not.
    ExitIf {
        /// JMP or JMP32.
        width: Width,
        /// The exit condition.
        cond: Cond,
        /// The compared value (its low 32 bits for JMP32).
        value: u64,
    },
    /// `r s>>= 63`: the register becomes `[-1, 0]`.
    SignSmear,
    /// `wR = wR`: keep the low 32 bits, zero-extended.
    Zext32,
    /// `r = (sN) r` for N = 8, 16, 32.
    SignExtend(u8),
}

/// How a probed register gets its input value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// The known constant.
    Const(u64),
    /// An unknown value, then the refinements in order.
    Unknown(Vec<Refine>),
}

/// An instruction of the preparation: a plain one, or a jump to the exit tail.
enum Item {
    Plain(Insn),
    ExitJump {
        width: Width,
        cond: Cond,
        dst: Reg,
        src: Operand,
    },
}

fn slots(item: &Item) -> usize {
    match item {
        Item::Plain(i) => i.slots(),
        Item::ExitJump { .. } => 1,
    }
}

/// A 64-bit operand: the immediate when it sign-extends to `value`, else the scratch register
/// loaded with `ld_imm64`.
fn operand64(out: &mut Vec<Item>, value: u64) -> Operand {
    match i32::try_from(value as i64) {
        Ok(imm) => Operand::Imm(imm),
        Err(_) => {
            out.push(Item::Plain(Insn::LdImm64 {
                dst: reg(SCRATCH),
                src: LdImm64::Imm(value),
            }));
            Operand::Reg(reg(SCRATCH))
        }
    }
}

fn prepare(out: &mut Vec<Item>, r: u8, shape: &Shape) {
    let dst = reg(r);
    match shape {
        Shape::Const(c) => out.push(Item::Plain(match i32::try_from(*c as i64) {
            Ok(imm) => Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Imm(imm),
            },
            Err(_) => Insn::LdImm64 {
                dst,
                src: LdImm64::Imm(*c),
            },
        })),
        Shape::Unknown(refines) => {
            out.push(Item::Plain(Insn::Call(CallTarget::Helper(
                HELPER_PRANDOM_U32,
            ))));
            out.push(Item::Plain(Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Reg(Reg::R0),
            }));
            for refine in refines {
                let alu = |op, src| Insn::Alu {
                    width: Width::W64,
                    op,
                    dst,
                    src,
                };
                match *refine {
                    Refine::And(m) => {
                        let src = operand64(out, m);
                        out.push(Item::Plain(alu(AluOp::And, src)));
                    }
                    Refine::Or(m) => {
                        let src = operand64(out, m);
                        out.push(Item::Plain(alu(AluOp::Or, src)));
                    }
                    Refine::Add(k) => out.push(Item::Plain(alu(AluOp::Add, Operand::Imm(k)))),
                    Refine::SignSmear => out.push(Item::Plain(alu(AluOp::Arsh, Operand::Imm(63)))),
                    Refine::ExitIf { width, cond, value } => {
                        let src = match width {
                            // JMP32 compares the low halves: any 32-bit pattern fits the immediate.
                            Width::W32 => Operand::Imm(value as u32 as i32),
                            Width::W64 => operand64(out, value),
                        };
                        out.push(Item::ExitJump {
                            width,
                            cond,
                            dst,
                            src,
                        });
                    }
                    Refine::Zext32 => out.push(Item::Plain(Insn::Mov {
                        width: Width::W32,
                        dst,
                        src: Operand::Reg(dst),
                    })),
                    Refine::SignExtend(bits) => out.push(Item::Plain(Insn::MovSx {
                        width: Width::W64,
                        dst,
                        src: dst,
                        from_bits: bits,
                    })),
                }
            }
        }
    }
}

/// Does the instruction under test read the source register `r7`?
pub fn reads_src(step: &Insn) -> bool {
    match step {
        Insn::Alu { src, .. } | Insn::Mov { src, .. } | Insn::Jump { src, .. } => {
            matches!(src, Operand::Reg(_))
        }
        Insn::MovSx { .. } => true,
        _ => false,
    }
}

/// Does the instruction under test read its destination's old value? (`mov` does not.)
pub fn reads_dst(step: &Insn) -> bool {
    !matches!(step, Insn::Mov { .. } | Insn::MovSx { .. })
}

/// A probe program and where the instruction under test is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProgram {
    /// The instructions.
    pub insns: Vec<Insn>,
    /// Slot index of the instruction under test (as the log numbers instructions).
    pub step_idx: usize,
}

/// Builds the probe for `step` (operating on `r6`, with `r7` as its source register if any; a
/// jump's offset is overwritten) with `r6` prepared as `dst` and `r7` as `src`.
pub fn step_program(step: &Insn, dst: &Shape, src: &Shape) -> StepProgram {
    let mut items = Vec::new();
    if reads_dst(step) {
        prepare(&mut items, DST, dst);
    }
    if reads_src(step) {
        prepare(&mut items, SRC, src);
    }
    items.push(Item::Plain(Insn::Mov {
        width: Width::W64,
        dst: Reg::R0,
        src: Operand::Imm(0),
    }));
    let step_idx: usize = items.iter().map(slots).sum();
    let is_jump = matches!(step, Insn::Jump { .. });
    let step = match *step {
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            ..
        } => Insn::Jump {
            width,
            cond,
            dst,
            src,
            off: 1,
        },
        other => other,
    };
    items.push(Item::Plain(step));
    items.push(Item::Plain(Insn::Exit));
    if is_jump {
        items.push(Item::Plain(Insn::Exit));
    }
    let tail: usize = items.iter().map(slots).sum();
    let has_exit_jumps = items.iter().any(|i| matches!(i, Item::ExitJump { .. }));
    let mut insns = Vec::new();
    let mut at = 0usize;
    for item in &items {
        insns.push(match *item {
            Item::Plain(i) => i,
            Item::ExitJump {
                width,
                cond,
                dst,
                src,
            } => Insn::Jump {
                width,
                cond,
                dst,
                src,
                // Programs here are a few dozen slots: the offset always fits.
                off: (tail as i64 - at as i64 - 1) as i16,
            },
        });
        at += slots(item);
    }
    if has_exit_jumps {
        insns.push(Insn::Mov {
            width: Width::W64,
            dst: Reg::R0,
            src: Operand::Imm(0),
        });
        insns.push(Insn::Exit);
    }
    StepProgram { insns, step_idx }
}
