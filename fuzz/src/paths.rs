//! Kernel-differential checking of whole explorations: random register-only programs, run by the
//! running kernel's verifier (log level 2, `BPF_F_TEST_REG_INVARIANTS`) and by
//! [`absint::explore`], compared line by line.
//!
//! [`generate`] draws a program from a seed: a prologue that initialises r0 and r2–r9 with the
//! value shapes the bounds logic treats specially (constants, unknown helper results, linked
//! copies, partly known bits, sign extensions, ranges crossing 0, 2^31, 2^32 and 2^63, ranges
//! made by guarded exits, sub-registers), a body of ALU instructions of every operation, width
//! and operand form, moves, `movsx`, byte swaps, `ld_imm64`, forward conditional jumps of every
//! condition, width and operand form, `ja`/`gotol` diamonds, helper calls and guarded exits, and
//! a final `exit`. Every instruction is reachable and every jump goes forward, so the kernel
//! accepts the shape. What a set of programs actually reached is counted from the kernel's
//! logs ([`PathReport::coverage`], by [`form`]).
//!
//! [`compare`] loads the program and parses the log into *entries*, the lines both sides print:
//! the entry state, each instruction with the registers it read or wrote, `from A to B:` lines,
//! `N: safe` and the error message. Precision-tracking lines (`mark_precise: ...`, `frame 0:
//! propagating ...`) are dropped and a state the kernel printed on its own line after them is put
//! back on its instruction's line; everything else is compared as text (precision marks `P`
//! included: for register-only programs they only ever appear in the dropped lines).
//!
//! A disagreement is classified ([`PathReport::disagreement`]) by its [`Aspect`] and the form of
//! the instruction it is about, which is what the shrinker ([`crate::shrink`]) keeps and the
//! regression fixtures ([`crate::regress`]) are named after.
//!
//! Pruning is compared in one of two ways ([`PruningSource`]): replayed from the kernel's log
//! (a visit the kernel pruned is pruned), so that everything else — the order of paths, every
//! state, the links, the forks, the verdict — is compared independently of the pruning rule; or
//! the explorer's own re-implementation, which the `safe` lines and the `processed` and
//! `total_states` figures then check.

use crate::kernel::{self, KernelError, LoadOptions};
use crate::log::{Line, Log, LogError, State, Value};
use crate::sample::Rng;
use absint::explore::{self, ExploreError, Options};
use absint::isa::{AluOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Width};

/// Helpers whose result is an unknown scalar: `bpf_get_prandom_u32`, `bpf_ktime_get_ns`.
const HELPERS: [i32; 2] = [7, 5];

/// Immediates favouring edge cases.
const IMMS: [i32; 27] = [
    0,
    1,
    2,
    3,
    5,
    7,
    8,
    15,
    16,
    255,
    256,
    0xffff,
    -1,
    -2,
    -8,
    -256,
    0x7fff_ffff,
    i32::MIN,
    100,
    -100,
    0x7fff,
    0x8000,
    -0x8000,
    0x7fff_fff0,
    i32::MIN + 16,
    0x4000_0000,
    -0x10000,
];

fn reg(n: u64) -> Reg {
    Reg::new(n as u8).unwrap_or(Reg::R0)
}

/// A body register: r0 or r2–r9 (never the context r1 or the frame pointer r10), favouring
/// those a call leaves initialised (r0, r6–r9).
fn body_reg(rng: &mut Rng) -> Reg {
    if rng.below(5) == 0 {
        reg(2 + rng.below(4))
    } else {
        rng.pick(&[Reg::R0, reg(6), reg(7), reg(8), reg(9)])
    }
}

fn width(rng: &mut Rng) -> Width {
    if rng.below(3) == 0 {
        Width::W32
    } else {
        Width::W64
    }
}

fn imm(rng: &mut Rng) -> i32 {
    if rng.below(4) == 0 {
        rng.below(64) as i32
    } else {
        rng.pick(&IMMS)
    }
}

/// An instruction of a program being built: jumps name their target by item index.
enum Item {
    Plain(Insn),
    /// `goto` (or `gotol` when `long`) to an item.
    Goto {
        to: usize,
        long: bool,
    },
    Jump {
        width: Width,
        cond: Cond,
        dst: Reg,
        src: Operand,
        to: usize,
    },
}

fn alu_insn(rng: &mut Rng) -> Insn {
    let ops = [
        AluOp::Add,
        AluOp::Add,
        AluOp::Sub,
        AluOp::Sub,
        AluOp::And,
        AluOp::And,
        AluOp::Or,
        AluOp::Or,
        AluOp::Xor,
        AluOp::Mul,
        AluOp::Lsh,
        AluOp::Rsh,
        AluOp::Arsh,
        AluOp::Div,
        AluOp::Sdiv,
        AluOp::Mod,
        AluOp::Smod,
    ];
    let op = rng.pick(&ops);
    let width = width(rng);
    let dst = body_reg(rng);
    // Smear the sign bit (a register in [-1, 0], which AND/OR then fork on).
    if rng.below(12) == 0 {
        return Insn::Alu {
            width,
            op: AluOp::Arsh,
            dst,
            src: Operand::Imm(width.bits() as i32 - 1),
        };
    }
    let src = if rng.below(3) == 0 {
        Operand::Reg(body_reg(rng))
    } else if matches!(op, AluOp::Lsh | AluOp::Rsh | AluOp::Arsh) {
        Operand::Imm(rng.below(u64::from(width.bits())) as i32)
    } else {
        Operand::Imm(imm(rng))
    };
    Insn::Alu {
        width,
        op,
        dst,
        src,
    }
}

fn mov_insn(rng: &mut Rng) -> Insn {
    let dst = body_reg(rng);
    match rng.below(6) {
        0 | 1 => Insn::Mov {
            width: width(rng),
            dst,
            src: Operand::Imm(imm(rng)),
        },
        2 | 3 => Insn::Mov {
            width: width(rng),
            dst,
            src: Operand::Reg(body_reg(rng)),
        },
        4 => {
            let width = width(rng);
            let bits = if width == Width::W64 {
                rng.pick(&[8u8, 16, 32])
            } else {
                rng.pick(&[8u8, 16])
            };
            Insn::MovSx {
                width,
                dst,
                src: body_reg(rng),
                from_bits: bits,
            }
        }
        _ => match rng.below(3) {
            0 => Insn::Neg {
                width: width(rng),
                dst,
            },
            1 => Insn::End {
                kind: rng.pick(&[Endian::Le, Endian::Be, Endian::Swap]),
                dst,
                bits: rng.pick(&[16u8, 32, 64]),
            },
            _ => Insn::LdImm64 {
                dst,
                src: LdImm64::Imm(if rng.below(2) == 0 {
                    let span = 1 << rng.below(40);
                    straddling_base(rng, span)
                } else {
                    rng.next_u64() >> rng.below(64)
                }),
            },
        },
    }
}

/// A value next to a pivot where bounds logic changes behaviour (0, 2^31, 2^32, 2^63), minus
/// half of `span` so that a range of that width starting there crosses the pivot.
fn straddling_base(rng: &mut Rng, span: u64) -> u64 {
    let pivot = rng.pick(&[0u64, 1 << 31, 1 << 32, 1 << 63]);
    let jitter = rng.below(span.max(1));
    pivot.wrapping_sub(jitter)
}

/// Appends the instructions that give prologue register `dst` its initial value, drawn from the
/// shapes that matter to the bounds logic: constants, unknown values, linked copies, masks
/// (partly known bits), sign extensions, ranges crossing 0, 2^31 and 2^63 (by `&=` then `+=`,
/// or by guarded exits), and sub-registers. Only r0 (unknown from the call), `dst` and
/// registers initialised before it are read; r5, initialised last, may serve as a temporary.
fn prologue_shape(rng: &mut Rng, dst: Reg, ready: &[Reg], items: &mut Vec<Item>) {
    let mov64 = |src: Operand| {
        Item::Plain(Insn::Mov {
            width: Width::W64,
            dst,
            src,
        })
    };
    let alu = |width: Width, op: AluOp, imm: i32| {
        Item::Plain(Insn::Alu {
            width,
            op,
            dst,
            src: Operand::Imm(imm),
        })
    };
    match rng.below(12) {
        0 | 1 => items.push(mov64(Operand::Imm(imm(rng)))),
        2 | 3 => items.push(mov64(Operand::Reg(Reg::R0))),
        4 => {
            // A linked copy of a register set before (or of r0).
            let src = if ready.is_empty() {
                Reg::R0
            } else {
                rng.pick(ready)
            };
            items.push(mov64(Operand::Reg(src)));
        }
        5 => {
            // r0 masked, then copied: later copies of r0 see the mask too.
            items.push(Item::Plain(Insn::Alu {
                width: Width::W64,
                op: AluOp::And,
                dst: Reg::R0,
                src: Operand::Imm(rng.pick(&[1, 3, 0xff, 0xffff, -1, 0x7fff_ffff])),
            }));
            items.push(mov64(Operand::Reg(Reg::R0)));
        }
        6 => {
            // Partly known bits: a mask, then some bits set.
            items.push(mov64(Operand::Reg(Reg::R0)));
            items.push(alu(Width::W64, AluOp::And, rng.next_u64() as i32));
            if rng.below(2) == 0 {
                items.push(alu(
                    Width::W64,
                    AluOp::Or,
                    (rng.next_u64() & rng.next_u64()) as i32,
                ));
            }
        }
        7 => {
            // A sign extension of an unknown value: [-2^(n-1), 2^(n-1)) crosses 0.
            let (width, from_bits) = rng.pick(&[
                (Width::W64, 8u8),
                (Width::W64, 16),
                (Width::W64, 32),
                (Width::W32, 8),
                (Width::W32, 16),
            ]);
            items.push(Item::Plain(Insn::MovSx {
                width,
                dst,
                src: Reg::R0,
                from_bits,
            }));
        }
        8 | 9 => {
            // [base, base + 2^k) by a mask then an add: crossing 0, 2^31 (at 32 or 64 bits),
            // 2^32 or 2^63 depending on the base.
            let bits = rng.pick(&[1u32, 4, 8, 16, 31, 32]);
            let span = 1u64 << bits;
            let base = straddling_base(rng, span);
            let width = if rng.below(3) == 0 {
                Width::W32
            } else {
                Width::W64
            };
            items.push(mov64(Operand::Reg(Reg::R0)));
            items.push(alu(Width::W64, AluOp::And, (span - 1) as u32 as i32));
            if base as i64 == i64::from(base as i32) || width == Width::W32 {
                items.push(alu(width, AluOp::Add, base as i32));
            } else if dst != reg(5) {
                items.push(Item::Plain(Insn::LdImm64 {
                    dst: reg(5),
                    src: LdImm64::Imm(base),
                }));
                items.push(Item::Plain(Insn::Alu {
                    width,
                    op: AluOp::Add,
                    dst,
                    src: Operand::Reg(reg(5)),
                }));
            } else {
                items.push(alu(width, AluOp::Sub, rng.pick(&[1, 0x8000, i32::MIN])));
            }
        }
        10 => {
            // A range by guarded exits: `if dst >= lo goto +1; exit; if dst <= hi goto +1; exit`.
            items.push(mov64(Operand::Reg(Reg::R0)));
            let width = if rng.below(2) == 0 {
                Width::W32
            } else {
                Width::W64
            };
            let signed = rng.below(2) == 0;
            let pivot = rng.pick(&[0i64, 1 << 31, -(1 << 31), 255, -1]);
            let (below, above) = (1 << rng.below(20), 1 << rng.below(20));
            let lo = pivot - rng.below(below) as i64;
            let hi = pivot + rng.below(above) as i64;
            let (ge, le) = if signed {
                (Cond::Sge, Cond::Sle)
            } else {
                (Cond::Ge, Cond::Le)
            };
            for (cond, bound) in [(ge, lo), (le, hi)] {
                let here = items.len();
                items.push(Item::Jump {
                    width,
                    cond,
                    dst,
                    src: Operand::Imm(bound as i32),
                    to: here + 2,
                });
                items.push(Item::Plain(Insn::Exit));
            }
        }
        _ => {
            // A 32-bit sub-register: an unknown value zero-extended, or a 32-bit constant.
            items.push(Item::Plain(Insn::Mov {
                width: Width::W32,
                dst,
                src: if rng.below(2) == 0 {
                    Operand::Reg(Reg::R0)
                } else {
                    Operand::Imm(imm(rng))
                },
            }));
        }
    }
}

/// A random register-only program of about `len` body instructions.
pub fn generate(rng: &mut Rng, len: usize) -> Vec<Insn> {
    let mut items: Vec<Item> = Vec::new();
    let call = Insn::Call(CallTarget::Helper(HELPERS[0]));
    // Prologue: r0 and r2-r9 initialised.
    items.push(Item::Plain(call));
    let mut ready = Vec::new();
    for r in [6u64, 7, 8, 9, 2, 3, 4, 5] {
        let dst = reg(r);
        prologue_shape(rng, dst, &ready, &mut items);
        ready.push(dst);
    }
    let body_start = items.len();
    let body_end = body_start + len;
    while items.len() < body_end {
        let here = items.len();
        let jump = |rng: &mut Rng, to: usize| {
            let src = if rng.below(3) == 0 {
                Operand::Reg(body_reg(rng))
            } else {
                Operand::Imm(imm(rng))
            };
            Item::Jump {
                width: width(rng),
                cond: rng.pick(&Cond::ALL),
                dst: body_reg(rng),
                src,
                to,
            }
        };
        match rng.below(20) {
            0..=6 => items.push(Item::Plain(alu_insn(rng))),
            7..=10 => items.push(Item::Plain(mov_insn(rng))),
            11..=16 => {
                let to = here + 1 + rng.below((body_end + 1 - here) as u64) as usize;
                items.push(jump(rng, to));
            }
            17 => items.push(Item::Plain(Insn::Call(CallTarget::Helper(
                rng.pick(&HELPERS),
            )))),
            18 if rng.below(3) == 0 => {
                // A sign smear then AND/OR with a constant: the verifier forks.
                let width = width(rng);
                let dst = body_reg(rng);
                let alu = |op, imm| Insn::Alu {
                    width,
                    op,
                    dst,
                    src: Operand::Imm(imm),
                };
                items.push(Item::Plain(alu(AluOp::Arsh, width.bits() as i32 - 1)));
                let op = rng.pick(&[AluOp::And, AluOp::Or]);
                items.push(Item::Plain(alu(op, imm(rng))));
            }
            18 if rng.below(2) == 0 => {
                // A diamond: `if .. goto else; A; goto end; else: B; end:`.
                items.push(jump(rng, here + 3));
                items.push(Item::Plain(alu_insn(rng)));
                items.push(Item::Goto {
                    to: here + 4,
                    long: rng.below(4) == 0,
                });
                items.push(Item::Plain(mov_insn(rng)));
            }
            _ => {
                // A guarded exit: `if .. goto +1; exit`, so the next instruction stays reachable.
                items.push(jump(rng, here + 2));
                items.push(Item::Plain(Insn::Exit));
            }
        }
    }
    items.push(Item::Plain(Insn::Exit));
    // Resolve item targets to slot offsets.
    let mut slot_of = Vec::with_capacity(items.len() + 1);
    let mut slot = 0usize;
    for item in &items {
        slot_of.push(slot);
        slot += match item {
            Item::Plain(i) => i.slots(),
            Item::Jump { .. } | Item::Goto { .. } => 1,
        };
    }
    slot_of.push(slot);
    let last = items.len() - 1;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match *item {
            Item::Plain(insn) => insn,
            Item::Goto { to, long } => {
                let off = slot_of[to.min(last)] as i64 - slot_of[i] as i64 - 1;
                if long {
                    Insn::Gotol { imm: off as i32 }
                } else {
                    Insn::Ja { off: off as i16 }
                }
            }
            Item::Jump {
                width,
                cond,
                dst,
                src,
                to,
            } => Insn::Jump {
                width,
                cond,
                dst,
                src,
                off: (slot_of[to.min(last)] as i64 - slot_of[i] as i64 - 1) as i16,
            },
        })
        .collect()
}

/// One comparable line: what both the kernel and the explorer print, in a canonical text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `N: R..` (a whole state before an instruction).
    State(usize, String),
    /// `N: (op) text ; R..` (the registers as text, empty when none).
    Insn(usize, String),
    /// `from A to B: ...` or `from A to B: safe`.
    From(usize, usize, String),
    /// `N: safe`.
    Safe(usize),
    /// The error message.
    Error(String),
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::State(idx, regs) => write!(f, "{idx}:{regs}"),
            Entry::Insn(idx, text) => write!(f, "{idx}: {text}"),
            Entry::From(a, b, regs) => write!(f, "from {a} to {b}:{regs}"),
            Entry::Safe(idx) => write!(f, "{idx}: safe"),
            Entry::Error(m) => f.write_str(m),
        }
    }
}

/// ` R0=... R6=...` of a parsed kernel state.
fn kernel_regs(state: &State) -> String {
    let mut out = String::new();
    for (r, v) in &state.regs {
        let text = match v {
            Value::Scalar(s) => s.to_string(),
            Value::Other(t) => t.clone(),
        };
        out.push_str(&format!(" R{r}={text}"));
    }
    for o in &state.other {
        out.push_str(&format!(" {o}"));
    }
    out
}

/// The kernel log's entries.
pub fn kernel_entries(log: &Log) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    // Is the last entry an instruction whose state may still come on a line of its own?
    let mut open_insn = false;
    for (_, line) in &log.lines {
        match line {
            Line::Insn {
                idx, text, state, ..
            } => {
                let regs = state.as_ref().map(kernel_regs).unwrap_or_default();
                out.push(Entry::Insn(*idx, insn_text(text, &regs)));
                open_insn = state.is_none();
            }
            Line::State { idx, state } => {
                let regs = kernel_regs(state);
                match out.last_mut() {
                    Some(Entry::Insn(i, text)) if open_insn && i == idx => {
                        *text = insn_text(text, &regs);
                    }
                    _ => out.push(Entry::State(*idx, regs)),
                }
                open_insn = false;
            }
            Line::From { from, to, state } => {
                let regs = state
                    .as_ref()
                    .map(kernel_regs)
                    .unwrap_or_else(|| " safe".into());
                out.push(Entry::From(*from, *to, regs));
                open_insn = false;
            }
            Line::Safe(idx) => {
                out.push(Entry::Safe(*idx));
                open_insn = false;
            }
            // Precision propagation at a pruning point (`propagate_precision`).
            Line::Other(text) if text.starts_with("frame ") && text.contains(": propagating ") => {}
            Line::Other(text) => {
                out.push(Entry::Error(text.clone()));
                open_insn = false;
            }
            Line::Precision(_) => {}
            Line::Blank | Line::Func(_) | Line::LiveRegs(_) | Line::Processed(_) => {
                open_insn = false
            }
        }
    }
    out
}

fn insn_text(text: &str, regs: &str) -> String {
    if regs.is_empty() {
        text.to_string()
    } else {
        format!("{text} ;{regs}")
    }
}

/// The explorer's entries.
pub fn explorer_entries(lines: &[explore::Line]) -> Vec<Entry> {
    let regs_text = |regs: &[(u8, explore::Value)]| {
        regs.iter()
            .map(|(r, v)| format!(" R{r}={v}"))
            .collect::<String>()
    };
    lines
        .iter()
        .map(|line| match line {
            explore::Line::State { idx, regs } => Entry::State(*idx, regs_text(regs)),
            explore::Line::Insn { idx, insn, regs } => {
                Entry::Insn(*idx, insn_text(&insn.to_string(), &regs_text(regs)))
            }
            explore::Line::From { from, to, regs } => Entry::From(
                *from,
                *to,
                regs.as_ref()
                    .map(|r| regs_text(r))
                    .unwrap_or_else(|| " safe".into()),
            ),
            explore::Line::Safe(idx) => Entry::Safe(*idx),
            explore::Line::Error(m) => Entry::Error(m.clone()),
        })
        .collect()
}

/// A visit the kernel made: the instruction and whether it pruned the path there.
fn kernel_visits(entries: &[Entry]) -> Vec<(usize, bool)> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Insn(idx, _) => Some((*idx, false)),
            Entry::Safe(idx) => Some((*idx, true)),
            Entry::From(_, to, regs) if regs == " safe" => Some((*to, true)),
            _ => None,
        })
        .collect()
}

/// How a program compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathVerdict {
    /// Every entry agrees.
    Match,
    /// The first disagreement: its position, the kernel's and the explorer's entries (`None`
    /// past the end).
    Mismatch {
        /// Index in the entry lists.
        at: usize,
        /// The kernel's entry.
        kernel: Option<String>,
        /// The explorer's entry.
        explorer: Option<String>,
    },
    /// The explorer does not model an instruction the kernel ran.
    Unsupported(String),
}

/// The record of one compared program.
#[derive(Clone, Debug)]
pub struct PathReport {
    /// The program.
    pub insns: Vec<Insn>,
    /// The kernel's log.
    pub log: String,
    /// Did the kernel accept it?
    pub accepted: bool,
    /// The kernel's entries.
    pub kernel: Vec<Entry>,
    /// The explorer's entries.
    pub explorer: Vec<Entry>,
    /// Entries that agree, from the start.
    pub matched: usize,
    /// Pruned visits in the kernel's log.
    pub pruned: usize,
    /// The comparison.
    pub verdict: PathVerdict,
}

/// Failures of the harness itself.
#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    /// `bpf(2)` failed.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// The log did not parse.
    #[error(transparent)]
    Log(#[from] LogError),
}

/// Do two error messages agree? (Exactly: the explorer prints the kernel's messages.)
fn same_error(kernel: &str, ours: &str) -> bool {
    kernel == ours
}

/// Whose pruning decisions the explorer follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruningSource {
    /// The kernel's, read from its log: everything but the pruning rule is compared.
    Replayed,
    /// The explorer's own re-implementation of the rule: pruning is compared too (the `safe`
    /// lines, and the processed and total-states counts).
    Own,
}

/// `total_states N` of the statistics line.
fn total_states(text: &str) -> Option<u64> {
    let rest = &text[text.find("total_states ")? + "total_states ".len()..];
    rest.split(' ').next()?.parse().ok()
}

/// Loads `insns` into the kernel, explores them, and compares the two logs.
pub fn compare(insns: &[Insn], pruning: PruningSource) -> Result<PathReport, PathsError> {
    let code = absint::isa::encode(insns);
    let load = kernel::load(&code, &LoadOptions::default())?;
    compare_log(insns, &load.log, load.accepted(), pruning)
}

/// Explores `insns` and compares the exploration with `kernel_log`, a level-2 log the kernel
/// printed for them (live, or stored with a regression), whose verdict was `accepted`.
pub fn compare_log(
    insns: &[Insn],
    kernel_log: &str,
    accepted: bool,
    pruning: PruningSource,
) -> Result<PathReport, PathsError> {
    let log = Log::parse(kernel_log)?;
    let kernel_side = kernel_entries(&log);
    let visits = kernel_visits(&kernel_side);
    let mut cursor = 0usize;
    let mut diverged = false;
    // Replays the kernel's decisions; once the visits disagree, prunes everything so the
    // exploration ends quickly (the comparison below reports the divergence).
    let mut replay = |v: &explore::Visit<'_>| {
        if diverged {
            return true;
        }
        match visits.get(cursor) {
            Some(&(idx, pruned)) if idx == v.idx => {
                cursor += 1;
                pruned
            }
            _ => {
                diverged = true;
                true
            }
        }
    };
    let stats = log.stats();
    let limit = stats.map_or(explore::INSN_LIMIT, |s| s.processed + 64);
    let exploration = match pruning {
        PruningSource::Replayed => {
            let options = Options {
                insn_limit: limit,
                pruning: explore::Pruning::Never,
            };
            explore::explore_with(insns, &options, &mut replay)
        }
        PruningSource::Own => {
            let options = Options {
                insn_limit: limit,
                pruning: explore::Pruning::Kernel,
            };
            explore::explore(insns, &options)
        }
    };
    let explorer_side = explorer_entries(&exploration.lines);
    let pruned = visits.iter().filter(|v| v.1).count();
    let mut matched = 0;
    let mut verdict = PathVerdict::Match;
    if let Err(ExploreError::Unsupported { idx, what }) = &exploration.verdict {
        verdict = PathVerdict::Unsupported(format!("insn {idx}: {what}"));
    } else {
        let n = kernel_side.len().max(explorer_side.len());
        for at in 0..n {
            let (k, e) = (kernel_side.get(at), explorer_side.get(at));
            let same = match (k, e) {
                (Some(Entry::Error(a)), Some(Entry::Error(b))) => same_error(a, b),
                (a, b) => a == b,
            };
            if !same {
                verdict = PathVerdict::Mismatch {
                    at,
                    kernel: k.map(ToString::to_string),
                    explorer: e.map(ToString::to_string),
                };
                break;
            }
            matched += 1;
        }
        let mismatch = |what: &str, kernel: String, explorer: String| PathVerdict::Mismatch {
            at: n,
            kernel: Some(format!("{what}: {kernel}")),
            explorer: Some(format!("{what}: {explorer}")),
        };
        if verdict == PathVerdict::Match && accepted != exploration.verdict.is_ok() {
            verdict = mismatch(
                "verdict",
                format!("accepted {}", accepted),
                format!("{:?}", exploration.verdict),
            );
        }
        if let (PathVerdict::Match, Some(stats)) = (&verdict, stats) {
            if stats.processed != exploration.processed {
                verdict = mismatch(
                    "processed",
                    stats.processed.to_string(),
                    exploration.processed.to_string(),
                );
            } else if pruning == PruningSource::Own
                && total_states(&stats.text) != Some(exploration.total_states)
            {
                verdict = mismatch(
                    "total_states",
                    format!("{:?}", total_states(&stats.text)),
                    exploration.total_states.to_string(),
                );
            }
        }
    }
    Ok(PathReport {
        insns: insns.to_vec(),
        accepted,
        log: kernel_log.to_string(),
        kernel: kernel_side,
        explorer: explorer_side,
        matched,
        pruned,
        verdict,
    })
}

/// The name of an instruction's form, as the coverage table counts it: the single-step forms'
/// names ([`crate::sample::form_name`]: `add64 K`, `jslt32 X`, `movsx64 s8`; `bswap16` for
/// its `swap16`), and
/// `ja`, `gotol`, `ld_imm64`, `call #ID` and `exit`.
pub fn form(insn: &Insn) -> String {
    match insn {
        Insn::Alu { .. }
        | Insn::Neg { .. }
        | Insn::Mov { .. }
        | Insn::MovSx { .. }
        | Insn::End { .. }
        | Insn::Jump { .. } => {
            let name = crate::sample::form_name(insn);
            // `Endian::Swap` is spelled `bswap` in the log.
            match name.strip_prefix("swap") {
                Some(bits) => format!("bswap{bits}"),
                None => name,
            }
        }
        Insn::Ja { .. } => "ja".into(),
        Insn::Gotol { .. } => "gotol".into(),
        Insn::LdImm64 { .. } => "ld_imm64".into(),
        Insn::Call(CallTarget::Helper(id)) => format!("call #{id}"),
        Insn::Exit => "exit".into(),
        other => format!("{:02x}", other.opcode()),
    }
}

/// Every form the generator is meant to reach: the 116 single-step forms
/// ([`crate::sample::forms`]), `ja`, `gotol`, `ld_imm64`, the helper calls and `exit`.
pub fn target_forms() -> Vec<String> {
    let mut out: Vec<String> = crate::sample::forms().iter().map(form).collect();
    out.extend(["ja", "gotol", "ld_imm64", "exit"].map(String::from));
    out.extend(HELPERS.iter().map(|id| format!("call #{id}")));
    out
}

/// The instruction starting at slot `slot`.
pub fn insn_at(insns: &[Insn], slot: usize) -> Option<&Insn> {
    let mut at = 0;
    for insn in insns {
        if at == slot {
            return Some(insn);
        }
        at += insn.slots();
    }
    None
}

/// What part of the comparison a disagreement is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    /// The registers an instruction left (its log line).
    State,
    /// A whole state before an instruction (at the entry or after a pop).
    EntryState,
    /// A pushed state taken up (`from A to B:`), or the order in which paths are explored.
    Branch,
    /// Where a path was pruned (`safe`).
    Pruning,
    /// The error message of a rejection.
    Error,
    /// One log ends before the other.
    Length,
    /// The verdict (accepted or rejected).
    Verdict,
    /// The count of processed instructions.
    Processed,
    /// The count of states kept for pruning.
    TotalStates,
    /// The explorer does not model an instruction.
    Unsupported,
}

impl Aspect {
    /// A short name, for tables and directory names.
    pub fn name(self) -> &'static str {
        match self {
            Aspect::State => "state",
            Aspect::EntryState => "entry_state",
            Aspect::Branch => "branch",
            Aspect::Pruning => "pruning",
            Aspect::Error => "error",
            Aspect::Length => "length",
            Aspect::Verdict => "verdict",
            Aspect::Processed => "processed",
            Aspect::TotalStates => "total_states",
            Aspect::Unsupported => "unsupported",
        }
    }
}

/// The kind of a disagreement: where in the comparison, and the instruction form it is about.
/// Two programs that disagree in the same kind are taken to show the same problem (the
/// shrinker keeps the kind).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Disagreement {
    /// The part of the comparison.
    pub aspect: Aspect,
    /// The form ([`form`]) of the instruction the first differing entry is about: the one
    /// whose line differs, the one that pushed a differing branch, the one before an error; `-`
    /// for the end-of-run figures.
    pub operator: String,
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.aspect.name(), self.operator)
    }
}

impl Disagreement {
    /// A file-name-friendly name: `state_arsh32_k`.
    pub fn slug(&self) -> String {
        let mut out = format!("{}_{}", self.aspect.name(), self.operator);
        out = out
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        while out.contains("__") {
            out = out.replace("__", "_");
        }
        out.trim_matches('_').to_string()
    }
}

impl PathReport {
    /// Instructions the kernel verified, by form ([`form`]): one count per instruction line
    /// of its log, so an instruction on several paths counts once per path.
    pub fn coverage(&self) -> Vec<(String, u64)> {
        let mut slots: Vec<Option<String>> = Vec::new();
        for insn in &self.insns {
            slots.push(Some(form(insn)));
            for _ in 1..insn.slots() {
                slots.push(None);
            }
        }
        let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
        for entry in &self.kernel {
            if let Entry::Insn(idx, _) = entry {
                if let Some(Some(name)) = slots.get(*idx) {
                    *counts.entry(name.clone()).or_default() += 1;
                }
            }
        }
        counts.into_iter().collect()
    }

    /// Instruction lines the two logs share, from the start.
    pub fn insns_matched(&self) -> usize {
        self.kernel[..self.matched.min(self.kernel.len())]
            .iter()
            .filter(|e| matches!(e, Entry::Insn(..)))
            .count()
    }

    /// The kind of the disagreement, when there is one.
    pub fn disagreement(&self) -> Option<Disagreement> {
        let name_at = |slot: usize| {
            insn_at(&self.insns, slot)
                .map(form)
                .unwrap_or_else(|| format!("slot {slot}"))
        };
        let (at, kernel) = match &self.verdict {
            PathVerdict::Match => return None,
            PathVerdict::Unsupported(what) => {
                let operator = what
                    .strip_prefix("insn ")
                    .and_then(|r| r.split(':').next())
                    .and_then(|n| n.parse().ok())
                    .map_or_else(|| "-".into(), name_at);
                return Some(Disagreement {
                    aspect: Aspect::Unsupported,
                    operator,
                });
            }
            PathVerdict::Mismatch { at, kernel, .. } => (*at, kernel),
        };
        if at >= self.kernel.len().max(self.explorer.len()) {
            // The end-of-run figures: `verdict: ...`, `processed: ...`, `total_states: ...`.
            let aspect = match kernel.as_deref().and_then(|k| k.split(':').next()) {
                Some("verdict") => Aspect::Verdict,
                Some("processed") => Aspect::Processed,
                _ => Aspect::TotalStates,
            };
            return Some(Disagreement {
                aspect,
                operator: "-".into(),
            });
        }
        let (ours, theirs) = (self.kernel.get(at), self.explorer.get(at));
        let entry = ours.or(theirs)?;
        let preceding_insn = |entries: &[Entry]| {
            entries[..at.min(entries.len())]
                .iter()
                .rev()
                .find_map(|e| match e {
                    Entry::Insn(idx, _) => Some(*idx),
                    _ => None,
                })
        };
        let (aspect, slot) = match (ours, theirs) {
            (Some(_), None) | (None, Some(_)) => (Aspect::Length, preceding_insn(&self.kernel)),
            (Some(a), Some(b)) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                // Different kinds of line: one side pruned, popped or stopped where the other
                // went on.
                let aspect = match (a, b) {
                    (Entry::Safe(_), _) | (_, Entry::Safe(_)) => Aspect::Pruning,
                    (Entry::Error(_), _) | (_, Entry::Error(_)) => Aspect::Error,
                    _ => Aspect::Branch,
                };
                (aspect, preceding_insn(&self.kernel))
            }
            _ => match entry {
                // The same instruction, its registers printed on one side only: the other side
                // pruned the path at the next instruction (the registers an instruction
                // scratched are printed when the next one runs).
                Entry::Insn(idx, a) if matches!(theirs, Some(Entry::Insn(_, b)) if a.contains(" ; ") != b.contains(" ; ")) =>
                {
                    let safe = [&self.kernel, &self.explorer].iter().find_map(|side| {
                        match side.get(at + 1) {
                            Some(Entry::Safe(i)) => Some(*i),
                            _ => None,
                        }
                    });
                    (Aspect::Pruning, safe.or(Some(*idx)))
                }
                Entry::Insn(idx, _) => (Aspect::State, Some(*idx)),
                Entry::State(idx, _) => (Aspect::EntryState, Some(*idx)),
                Entry::From(from, _, regs) => {
                    let pruned = regs == " safe"
                        || matches!(theirs, Some(Entry::From(_, _, r)) if r == " safe");
                    let aspect = if pruned {
                        Aspect::Pruning
                    } else {
                        Aspect::Branch
                    };
                    (aspect, Some(*from))
                }
                Entry::Safe(idx) => (Aspect::Pruning, Some(*idx)),
                Entry::Error(_) => (Aspect::Error, preceding_insn(&self.kernel)),
            },
        };
        Some(Disagreement {
            aspect,
            operator: slot.map_or_else(|| "-".into(), name_at),
        })
    }

    /// The registers and fields of the first differing entry that differ, one line each
    /// (`R6 smin: kernel -1, model 0`); empty when the entries are not both register states.
    pub fn field_differences(&self) -> Vec<String> {
        let PathVerdict::Mismatch {
            kernel: Some(k),
            explorer: Some(e),
            ..
        } = &self.verdict
        else {
            return Vec::new();
        };
        match (state_of(k), state_of(e)) {
            (Some(k), Some(e)) => state_differences(&k, &e),
            _ => Vec::new(),
        }
    }
}

/// The registers printed in an entry's text (`..; R0=1 R6=scalar(...)` or ` R0=...`).
fn state_of(text: &str) -> Option<State> {
    let regs = match text.split_once(';') {
        Some((_, regs)) => regs,
        None => text.split_once(": ").map_or(text, |(_, r)| r),
    };
    match crate::log::parse_line(&format!("0: {}", regs.trim())) {
        Ok(Line::State { state, .. }) => Some(state),
        _ => None,
    }
}

/// Field-by-field differences between the kernel's and the model's registers.
fn state_differences(kernel: &State, model: &State) -> Vec<String> {
    let mut regs: Vec<u8> = kernel
        .regs
        .iter()
        .chain(&model.regs)
        .map(|(r, _)| *r)
        .collect();
    regs.sort_unstable();
    regs.dedup();
    let mut out = Vec::new();
    for r in regs {
        match (kernel.reg(r), model.reg(r)) {
            (Some(Value::Scalar(k)), Some(Value::Scalar(m))) => {
                let (ks, ms) = (&k.scalar, &m.scalar);
                let fields: [(&str, String, String); 12] = [
                    ("var_off", ks.var_off.to_string(), ms.var_off.to_string()),
                    ("smin", hex(ks.smin.get()), hex(ms.smin.get())),
                    ("smax", hex(ks.smax.get()), hex(ms.smax.get())),
                    ("umin", hex(ks.umin.get()), hex(ms.umin.get())),
                    ("umax", hex(ks.umax.get()), hex(ms.umax.get())),
                    ("smin32", hex(ks.s32_min.get()), hex(ms.s32_min.get())),
                    ("smax32", hex(ks.s32_max.get()), hex(ms.s32_max.get())),
                    ("umin32", hex(ks.u32_min.get()), hex(ms.u32_min.get())),
                    ("umax32", hex(ks.u32_max.get()), hex(ms.u32_max.get())),
                    ("id", format!("{:?}", k.id), format!("{:?}", m.id)),
                    ("off", format!("{:?}", k.off), format!("{:?}", m.off)),
                    ("precise", k.precise.to_string(), m.precise.to_string()),
                ];
                for (name, kv, mv) in fields {
                    if kv != mv {
                        out.push(format!("R{r} {name}: kernel {kv}, model {mv}"));
                    }
                }
            }
            (k, m) if k != m => out.push(format!(
                "R{r}: kernel {}, model {}",
                k.map_or("-".into(), value_text),
                m.map_or("-".into(), value_text)
            )),
            _ => {}
        }
    }
    out
}

fn hex(x: u64) -> String {
    format!("{x:#x}")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Scalar(s) => s.to_string(),
        Value::Other(t) => t.clone(),
    }
}
