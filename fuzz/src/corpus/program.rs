//! The programs of the corpus: input states prepared by a few instructions, the instruction
//! under test, and a check that makes the verdict depend on its result.
//!
//! Layout of a [`StepProgram`] (registers: `r6` the context for packet loads, `r9` never
//! written, so reading it is unsafe: `R9 !read_ok`):
//!
//! ```text
//!     prepare the destination and the source (unknowns first: a helper call or a packet load
//!     clobbers r0-r5), then constants
//!     rD OP= S                      ; the instruction under test
//!     if rD COND X goto +2          ; the check (absent for a plain seed)
//!     r0 = 0 | r0 = r9              ; fall-through edge: safe or unsafe
//!     exit
//!     r0 = 0 | r0 = r9              ; taken edge: safe or unsafe
//!     exit
//! ```
//!
//! Unknown values come from `bpf_get_prandom_u32` ([`UnknownSource::Helper`], the shortest
//! programs) or from legacy packet loads `r0 = *(u32 *)skb[K]` ([`UnknownSource::Packet`]),
//! which make a concrete run reproducible: the packet is the input.

use absint::isa::{AluOp, CallTarget, Cond, Insn, LdImm64, Operand, Reg, Size, Width};

/// `bpf_get_prandom_u32`.
pub const HELPER_PRANDOM_U32: i32 = 7;
/// The register never written: reading it is the unsafe operation of the corpus.
pub const UNSAFE_REG: u8 = 9;
/// Packet bytes before the data the program reads (`BPF_PROG_TEST_RUN` of a socket filter
/// pulls the 14-byte Ethernet header before the program runs).
pub const ETH_HLEN: usize = 14;

/// Register `n` (every number used here is at most 10).
pub fn reg(n: u8) -> Reg {
    Reg::new(n).unwrap_or(Reg::R0)
}

/// Where unknown values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnknownSource {
    /// `call bpf_get_prandom_u32`.
    Helper,
    /// `r0 = *(u32 *)skb[4 * i]` (with `r6 = r1` first).
    Packet,
}

/// One refinement of an unknown value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refine {
    /// `r &= mask` (the mask as a 64-bit value: `ld_imm64` into a scratch register if needed).
    And(u64),
    /// `r |= bits`.
    Or(u64),
    /// `r += k`.
    Add(i32),
    /// `r s>>= 63`: `[-1, 0]`.
    SignSmear,
    /// `r <<= k`: after the helper's 32-bit unknown and `k = 32`, the low half known zero and
    /// the high half unknown (`var_off=(0x0; 0xffffffff00000000)`) in one instruction.
    Lsh(u8),
    /// `wR = wR`: the low half, zero-extended.
    Zext32,
    /// `r = (sN) r`.
    SignExtend(u8),
    /// Exit (safely) when `r COND value` holds at `width`: bounds the value.
    ExitIf(Width, Cond, u64),
}

/// How an operand gets its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    /// A known constant.
    Const(u64),
    /// An unknown value, then refinements.
    Unknown(Vec<Refine>),
    /// The source only: the destination register itself (`r0 += r0`), no preparation of its own.
    SameAsDst,
}

/// Does `value` need a scratch register (`ld_imm64`) as a 64-bit operand?
pub fn needs_scratch(value: u64) -> bool {
    i32::try_from(value as i64).is_err()
}

impl Refine {
    /// Instructions it takes (a 64-bit constant that is not a sign-extended immediate costs one
    /// `ld_imm64` more).
    pub fn cost(self) -> usize {
        match self {
            Refine::And(m) | Refine::Or(m) => 1 + usize::from(needs_scratch(m)),
            Refine::ExitIf(Width::W64, _, v) => 1 + usize::from(needs_scratch(v)),
            _ => 1,
        }
    }
}

impl Input {
    /// Instructions the preparation takes (the helper call or load counted once per unknown;
    /// a second unknown's copy is one more).
    pub fn cost(&self) -> usize {
        match self {
            Input::Const(_) => 1,
            Input::Unknown(r) => 1 + r.iter().map(|x| x.cost()).sum::<usize>(),
            Input::SameAsDst => 0,
        }
    }
}

/// Where a jump goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// The safe exit tail (`r0 = 0; exit`).
    Exit,
    /// The block after the check's fall-through block (the taken edge).
    Taken,
}

/// An instruction, or a jump to a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Plain(Insn),
    Jump(Width, Cond, Reg, Operand, Label),
}

/// What each edge of the check does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// `r0 = 0; exit`.
    Safe,
    /// `r0 = r9; exit`: rejected if reached.
    Unsafe,
    /// `r0 = rD; exit` (the result is returned: a concrete run shows it).
    Return,
}

/// The check after the instruction under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// JMP or JMP32.
    pub width: Width,
    /// The condition (taken when `rD COND value`).
    pub cond: Cond,
    /// The compared value (64-bit; an immediate when it sign-extends from 32 bits, else a
    /// scratch register).
    pub value: u64,
    /// The fall-through edge.
    pub fallthrough: Edge,
    /// The taken edge.
    pub taken: Edge,
}

/// A program built around one instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProgram {
    /// The instructions.
    pub insns: Vec<Insn>,
    /// Slot of the instruction under test.
    pub step_idx: usize,
    /// Slot of the check, if any.
    pub check_idx: Option<usize>,
    /// The register holding the result.
    pub result_reg: Reg,
}

/// The form of the instruction under test (its registers are chosen by the builder).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepForm {
    /// `dst OP= src` (`imm`: the K form's immediate, else a register source).
    Alu(Width, AluOp, Option<i32>),
    /// `dst = -dst`.
    Neg(Width),
    /// `dst = src` (register) or `dst = imm`.
    Mov(Width, Option<i32>),
    /// `dst = (sN) src`.
    MovSx(Width, u8),
    /// A byte swap.
    End(absint::isa::Endian, u8),
    /// `if dst COND src goto` (`imm` as for ALU); the step is a jump whose both edges continue.
    Jump(Width, Cond, Option<i32>),
}

impl StepForm {
    /// Does the form read a source register?
    pub fn reads_src(self) -> bool {
        match self {
            StepForm::Alu(_, _, k) | StepForm::Mov(_, k) | StepForm::Jump(_, _, k) => k.is_none(),
            StepForm::MovSx(..) => true,
            _ => false,
        }
    }
    /// Does it read the destination's old value?
    pub fn reads_dst(self) -> bool {
        !matches!(self, StepForm::Mov(..) | StepForm::MovSx(..))
    }
    /// The instruction on `dst` and `src`.
    pub fn insn(self, dst: Reg, src: Reg) -> Insn {
        let operand = |k: Option<i32>| k.map_or(Operand::Reg(src), Operand::Imm);
        match self {
            StepForm::Alu(width, op, k) => Insn::Alu {
                width,
                op,
                dst,
                src: operand(k),
            },
            StepForm::Neg(width) => Insn::Neg { width, dst },
            StepForm::Mov(width, k) => Insn::Mov {
                width,
                dst,
                src: operand(k),
            },
            StepForm::MovSx(width, from_bits) => Insn::MovSx {
                width,
                dst,
                src,
                from_bits,
            },
            StepForm::End(kind, bits) => Insn::End { kind, dst, bits },
            StepForm::Jump(width, cond, k) => Insn::Jump {
                width,
                cond,
                dst,
                src: operand(k),
                off: 0,
            },
        }
    }
}

/// The scratch register for 64-bit constants of refinements and checks.
const SCRATCH: u8 = 5;

fn mov64(dst: Reg, value: u64) -> Insn {
    match i32::try_from(value as i64) {
        Ok(imm) => Insn::Mov {
            width: Width::W64,
            dst,
            src: Operand::Imm(imm),
        },
        Err(_) => Insn::LdImm64 {
            dst,
            src: LdImm64::Imm(value),
        },
    }
}

/// An operand for `value`: the immediate if it sign-extends to it (at `width`), else the scratch
/// register loaded first.
fn operand(items: &mut Vec<Item>, width: Width, value: u64) -> Operand {
    let fits = match width {
        Width::W32 => true,
        Width::W64 => i32::try_from(value as i64).is_ok(),
    };
    if fits {
        Operand::Imm(value as i32)
    } else {
        items.push(Item::Plain(mov64(reg(SCRATCH), value)));
        Operand::Reg(reg(SCRATCH))
    }
}

fn refine(items: &mut Vec<Item>, r: Reg, step: Refine) {
    let alu = |op, src| Insn::Alu {
        width: Width::W64,
        op,
        dst: r,
        src,
    };
    match step {
        Refine::And(m) => {
            let src = operand(items, Width::W64, m);
            items.push(Item::Plain(alu(AluOp::And, src)));
        }
        Refine::Or(m) => {
            let src = operand(items, Width::W64, m);
            items.push(Item::Plain(alu(AluOp::Or, src)));
        }
        Refine::Add(k) => items.push(Item::Plain(alu(AluOp::Add, Operand::Imm(k)))),
        Refine::SignSmear => items.push(Item::Plain(alu(AluOp::Arsh, Operand::Imm(63)))),
        Refine::Lsh(k) => items.push(Item::Plain(alu(AluOp::Lsh, Operand::Imm(i32::from(k))))),
        Refine::Zext32 => items.push(Item::Plain(Insn::Mov {
            width: Width::W32,
            dst: r,
            src: Operand::Reg(r),
        })),
        Refine::SignExtend(bits) => items.push(Item::Plain(Insn::MovSx {
            width: Width::W64,
            dst: r,
            src: r,
            from_bits: bits,
        })),
        Refine::ExitIf(width, cond, value) => {
            let src = operand(items, width, value);
            items.push(Item::Jump(width, cond, r, src, Label::Exit));
        }
    }
}

/// Builds the program for `form` with the destination prepared as `dst` and the source as
/// `src` (ignored when the form reads no source register), unknowns from `source`, then
/// `check` (or, without one, `r0 = rD; exit`).
pub fn build(
    form: StepForm,
    dst: &Input,
    src: &Input,
    source: UnknownSource,
    check: Option<Check>,
) -> StepProgram {
    let mut items: Vec<Item> = Vec::new();
    let mut inputs: Vec<(bool, &Input)> = Vec::new();
    if form.reads_dst() {
        inputs.push((true, dst));
    }
    let same_reg = form.reads_dst() && form.reads_src() && *src == Input::SameAsDst;
    if form.reads_src() && !same_reg {
        inputs.push((false, src));
    }
    // Registers: unknowns first. With the helper, the first unknown stays in r0 and a second is
    // a refined copy of it (one call); with packet loads, each is loaded into r0 and the first
    // moved to r7 when a second load follows.
    let unknowns: Vec<usize> = (0..inputs.len())
        .filter(|&i| matches!(inputs[i].1, Input::Unknown(_)))
        .collect();
    let mut regs = [reg(7), reg(8)];
    match source {
        UnknownSource::Helper => {
            if !unknowns.is_empty() {
                items.push(Item::Plain(Insn::Call(CallTarget::Helper(
                    HELPER_PRANDOM_U32,
                ))));
            }
            for (n, &i) in unknowns.iter().enumerate() {
                let r = if n == 0 { Reg::R0 } else { reg(1) };
                if n == 1 {
                    items.push(Item::Plain(Insn::Mov {
                        width: Width::W64,
                        dst: r,
                        src: Operand::Reg(Reg::R0),
                    }));
                }
                regs[i] = r;
            }
            // Refine the copy first, so the first value's refinements come last.
            for &i in unknowns.iter().rev() {
                if let Input::Unknown(steps) = inputs[i].1 {
                    for &s in steps {
                        refine(&mut items, regs[i], s);
                    }
                }
            }
            // Constants: r2, r3 (not clobbered after the single call).
            let mut next = 2u8;
            for i in 0..inputs.len() {
                if let Input::Const(c) = inputs[i].1 {
                    regs[i] = reg(next);
                    next += 1;
                    items.push(Item::Plain(mov64(regs[i], *c)));
                }
            }
        }
        UnknownSource::Packet => {
            if !unknowns.is_empty() {
                items.push(Item::Plain(Insn::Mov {
                    width: Width::W64,
                    dst: reg(6),
                    src: Operand::Reg(reg(1)),
                }));
            }
            for (n, &i) in unknowns.iter().enumerate() {
                items.push(Item::Plain(Insn::LoadPacket {
                    size: Size::W,
                    index: None,
                    imm: 4 * n as i32,
                }));
                let r = reg(7 + n as u8);
                items.push(Item::Plain(Insn::Mov {
                    width: Width::W64,
                    dst: r,
                    src: Operand::Reg(Reg::R0),
                }));
                regs[i] = r;
            }
            for &i in &unknowns {
                if let Input::Unknown(steps) = inputs[i].1 {
                    for &s in steps {
                        refine(&mut items, regs[i], s);
                    }
                }
            }
            let mut next = 2u8;
            for i in 0..inputs.len() {
                if let Input::Const(c) = inputs[i].1 {
                    regs[i] = reg(next);
                    next += 1;
                    items.push(Item::Plain(mov64(regs[i], *c)));
                }
            }
        }
    }
    let (dst_reg, src_reg) = match (form.reads_dst(), form.reads_src()) {
        (true, true) if same_reg => (regs[0], regs[0]),
        (true, true) => (regs[0], regs[1]),
        (true, false) => (regs[0], regs[0]),
        (false, true) => (reg(8), regs[0]),
        (false, false) => (reg(8), reg(8)),
    };
    // `rD = rS` into an unwritten register keeps rS; a move writes r8 (free in both layouts
    // unless it is the source, which then is r7 or r0).
    let dst_reg = if !form.reads_dst() && dst_reg == src_reg {
        reg(4)
    } else {
        dst_reg
    };
    let step_pos = items.len();
    let is_jump_step = matches!(form, StepForm::Jump(..));
    if is_jump_step {
        // A jump under test: both edges go on to the same check (its target is the next slot).
        if let StepForm::Jump(width, cond, k) = form {
            let src = k.map_or(Operand::Reg(src_reg), Operand::Imm);
            items.push(Item::Plain(Insn::Jump {
                width,
                cond,
                dst: dst_reg,
                src,
                off: 0,
            }));
        }
    } else {
        items.push(Item::Plain(form.insn(dst_reg, src_reg)));
    }
    let edge = |e: Edge| match e {
        Edge::Safe => Insn::Mov {
            width: Width::W64,
            dst: Reg::R0,
            src: Operand::Imm(0),
        },
        Edge::Unsafe => Insn::Mov {
            width: Width::W64,
            dst: Reg::R0,
            src: Operand::Reg(reg(UNSAFE_REG)),
        },
        Edge::Return => Insn::Mov {
            width: Width::W64,
            dst: Reg::R0,
            src: Operand::Reg(dst_reg),
        },
    };
    let mut check_pos = None;
    match check {
        Some(c) => {
            let src = operand(&mut items, c.width, c.value);
            check_pos = Some(items.len());
            items.push(Item::Jump(c.width, c.cond, dst_reg, src, Label::Taken));
            items.push(Item::Plain(edge(c.fallthrough)));
            items.push(Item::Plain(Insn::Exit));
            items.push(Item::Plain(edge(c.taken)));
            items.push(Item::Plain(Insn::Exit));
        }
        None => {
            items.push(Item::Plain(edge(Edge::Return)));
            items.push(Item::Plain(Insn::Exit));
        }
    }
    let uses_exit = items
        .iter()
        .any(|i| matches!(i, Item::Jump(_, _, _, _, Label::Exit)));
    // Slots of each item.
    let slot_of = |items: &[Item], n: usize| -> usize {
        items[..n]
            .iter()
            .map(|i| match i {
                Item::Plain(insn) => insn.slots(),
                Item::Jump(..) => 1,
            })
            .sum()
    };
    let total = slot_of(&items, items.len());
    let taken_slot = check_pos.map(|p| slot_of(&items, p) + 3);
    let mut insns = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let at = slot_of(&items, n);
        insns.push(match *item {
            Item::Plain(insn) => insn,
            Item::Jump(width, cond, dst, src, label) => {
                let to = match label {
                    Label::Exit => total,
                    Label::Taken => taken_slot.unwrap_or(total),
                };
                Insn::Jump {
                    width,
                    cond,
                    dst,
                    src,
                    off: (to as i64 - at as i64 - 1) as i16,
                }
            }
        });
    }
    if uses_exit {
        insns.push(edge(Edge::Safe));
        insns.push(Insn::Exit);
    }
    // A jump under test falls through and jumps to the same next slot.
    if is_jump_step {
        if let Insn::Jump { off, .. } = &mut insns[step_pos] {
            *off = 0;
        }
    }
    StepProgram {
        step_idx: slot_of(&items, step_pos),
        check_idx: check_pos.map(|p| slot_of(&items, p)),
        result_reg: dst_reg,
        insns,
    }
}

/// The packet for a run in which the `n`-th packet load (`skb[4n]`, big-endian) reads
/// `values[n]`: the Ethernet header, then the words, zero-padded to 64 bytes.
pub fn packet(values: &[u32]) -> Vec<u8> {
    let mut p = vec![0u8; ETH_HLEN];
    for v in values {
        p.extend_from_slice(&v.to_be_bytes());
    }
    p.resize(p.len().max(64), 0);
    p
}

/// Runs `insns` on `packet` with the reference interpreter and returns r0's low 32 bits, the
/// socket filter's return value (`None` when the interpreter fails).
pub fn run(insns: &[Insn], packet: &[u8]) -> Option<u32> {
    let data = packet.get(ETH_HLEN..).unwrap_or(&[]);
    absint::concrete::Machine::new(insns)
        .with_data(data)
        .run()
        .ok()
        .map(|r0| r0 as u32)
}
