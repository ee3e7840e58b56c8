//! Kernel-differential checking of whole explorations: random register-only programs, run by the
//! running kernel's verifier (log level 2, `BPF_F_TEST_REG_INVARIANTS`) and by
//! [`absint::explore`], compared line by line.
//!
//! [`generate`] draws a program from a seed: a prologue that initialises r0 and r2–r9 (constants,
//! unknown helper results, linked copies), a body of ALU instructions, moves, forward conditional
//! jumps, helper calls and guarded exits, and a final `exit`. Every instruction is reachable and
//! every jump goes forward, so the kernel accepts the shape.
//!
//! [`compare`] loads the program and parses the log into *entries*, the lines both sides print:
//! the entry state, each instruction with the registers it read or wrote, `from A to B:` lines,
//! `N: safe` and the error message. Precision-tracking lines (`mark_precise: ...`, `frame 0:
//! propagating ...`) are dropped and a state the kernel printed on its own line after them is put
//! back on its instruction's line; everything else is compared as text (precision marks `P`
//! included: for register-only programs they only ever appear in the dropped lines).
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
const IMMS: [i32; 20] = [
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
        AluOp::Mod,
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
                src: LdImm64::Imm(rng.next_u64() >> rng.below(64)),
            },
        },
    }
}

/// A random register-only program of about `len` body instructions.
pub fn generate(rng: &mut Rng, len: usize) -> Vec<Insn> {
    let mut items: Vec<Item> = Vec::new();
    let call = Insn::Call(CallTarget::Helper(HELPERS[0]));
    // Prologue: r0 and r2-r9 initialised.
    items.push(Item::Plain(call));
    for r in [6u64, 7, 8, 9, 2, 3, 4, 5] {
        let dst = reg(r);
        let insn = match rng.below(5) {
            0 => Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Imm(imm(rng)),
            },
            1 | 2 => Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Reg(Reg::R0),
            },
            3 => Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Reg(reg(6 + rng.below(4))),
            },
            _ => Insn::Alu {
                width: Width::W64,
                op: AluOp::And,
                dst: Reg::R0,
                src: Operand::Imm(rng.pick(&[1, 3, 0xff, 0xffff, -1, 0x7fff_ffff])),
            },
        };
        // Copies of r6-r9 read registers the prologue may not have set yet: use r0 then.
        let insn = match insn {
            Insn::Mov {
                src: Operand::Reg(s),
                dst,
                width,
            } if s.index() >= r as u8 || s.index() < 6 && s != Reg::R0 => Insn::Mov {
                width,
                dst,
                src: Operand::Reg(Reg::R0),
            },
            other => other,
        };
        items.push(Item::Plain(insn));
        if matches!(insn, Insn::Alu { .. }) {
            items.push(Item::Plain(Insn::Mov {
                width: Width::W64,
                dst,
                src: Operand::Reg(Reg::R0),
            }));
        }
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
    let log = Log::parse(&load.log)?;
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
        if verdict == PathVerdict::Match && load.accepted() != exploration.verdict.is_ok() {
            verdict = mismatch(
                "verdict",
                format!("accepted {}", load.accepted()),
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
        accepted: load.accepted(),
        log: load.log,
        kernel: kernel_side,
        explorer: explorer_side,
        matched,
        pruned,
        verdict,
    })
}
