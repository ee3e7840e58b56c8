//! The program's control flow as the verifier sees it before running any state: instructions by
//! slot, each instruction's successors, the structural checks of `check_cfg`, and the registers
//! live before each instruction (`compute_live_registers`, printed at log level 2 as
//! `Live regs before insn:`).
//!
//! Liveness is the usual backward data flow: a register is live before an instruction when the
//! instruction reads it, or when it is live after and the instruction does not write it. A
//! helper call writes r0–r5 and reads its arguments (none for the helpers supported here); exit
//! reads r0. The verifier uses it to ignore dead registers when it links registers at a jump
//! and when it compares states for pruning.

use crate::isa::{CallTarget, Insn, LdImm64, Operand};

/// Why the verifier rejects the program's shape before exploring it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CfgError {
    /// A jump (or falling off the end) leaves the program.
    #[error("jump out of range from insn {from} to {to}")]
    OutOfRange {
        /// The jumping instruction.
        from: usize,
        /// The target slot.
        to: i64,
    },
    /// A jump lands on the second slot of an `ld_imm64`.
    #[error("jump from insn {from} to the middle of ldimm64 insn {to}")]
    IntoLdImm64 {
        /// The jumping instruction.
        from: usize,
        /// The target slot.
        to: usize,
    },
    /// No path from the entry reaches the instruction.
    #[error("unreachable insn {0}")]
    Unreachable(usize),
    /// The program is empty.
    #[error("empty program")]
    Empty,
}

impl CfgError {
    /// The instruction the error is about.
    pub fn idx(&self) -> usize {
        match *self {
            CfgError::OutOfRange { from, .. } | CfgError::IntoLdImm64 { from, .. } => from,
            CfgError::Unreachable(idx) => idx,
            CfgError::Empty => 0,
        }
    }
}

/// A program indexed by slot, with its successors and liveness.
#[derive(Clone, Debug)]
pub struct Cfg {
    /// The instruction starting at each slot (`None` on the second slot of an `ld_imm64`).
    pub at: Vec<Option<Insn>>,
    /// Registers live before each slot's instruction, a bit per register (r0 = bit 0).
    pub live_before: Vec<u16>,
    /// Prune points (`mark_prune_point`): conditional jumps, jump targets, instructions after
    /// calls. States are compared for pruning only there.
    pub prune_point: Vec<bool>,
}

/// The slot after `idx + 1 + off`, checked against the program.
fn target(idx: usize, off: i64) -> i64 {
    idx as i64 + 1 + off
}

/// The successors of the instruction at `idx` (fall-through first), unchecked.
pub fn successors(idx: usize, insn: &Insn) -> Vec<i64> {
    match *insn {
        Insn::Exit => vec![],
        Insn::Ja { off } => vec![target(idx, off.into())],
        Insn::Gotol { imm } => vec![target(idx, imm.into())],
        Insn::Jump { off, .. } => vec![idx as i64 + 1, target(idx, off.into())],
        other => vec![idx as i64 + other.slots() as i64],
    }
}

/// A bit per register.
fn bit(r: crate::isa::Reg) -> u16 {
    1 << r.index()
}

/// Registers an instruction reads and writes, for liveness: `(use, def)`.
pub fn use_def(insn: &Insn) -> (u16, u16) {
    let operand = |src: Operand| match src {
        Operand::Reg(r) => bit(r),
        Operand::Imm(_) => 0,
    };
    match *insn {
        Insn::Alu { dst, src, .. } => (bit(dst) | operand(src), bit(dst)),
        Insn::Neg { dst, .. } | Insn::End { dst, .. } => (bit(dst), bit(dst)),
        Insn::Mov { dst, src, .. } => (operand(src), bit(dst)),
        Insn::MovSx { dst, src, .. } => (bit(src), bit(dst)),
        Insn::Jump { dst, src, .. } => (bit(dst) | operand(src), 0),
        Insn::Exit => (1, 0),
        // Helpers supported here take no arguments; r0-r5 are written (clobbered).
        Insn::Call(CallTarget::Helper(_)) => (0, 0x3f),
        Insn::LdImm64 {
            dst,
            src: LdImm64::Imm(_),
        } => (0, bit(dst)),
        Insn::LdImm64 { dst, .. } => (0, bit(dst)),
        // Legacy packet loads read r6 (the skb) and the index, and clobber r0-r5.
        Insn::LoadPacket { index, .. } => ((1 << 6) | index.map_or(0, bit), 0x3f),
        _ => (0, 0),
    }
}

impl Cfg {
    /// Indexes `insns` by slot, checks the control flow as `check_cfg` does (every jump inside
    /// the program and not into an `ld_imm64`, every instruction reachable) and computes
    /// liveness.
    pub fn new(insns: &[Insn]) -> Result<Cfg, CfgError> {
        if insns.is_empty() {
            return Err(CfgError::Empty);
        }
        let mut at = Vec::new();
        for insn in insns {
            at.push(Some(*insn));
            if insn.slots() == 2 {
                at.push(None);
            }
        }
        let len = at.len();
        // Depth-first from the entry, checking each edge.
        let mut seen = vec![false; len];
        let mut stack = vec![0usize];
        seen[0] = true;
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); len];
        while let Some(idx) = stack.pop() {
            let Some(insn) = at[idx] else { continue };
            for to in successors(idx, &insn) {
                if to < 0 || to >= len as i64 {
                    return Err(CfgError::OutOfRange { from: idx, to });
                }
                let to = to as usize;
                if at[to].is_none() {
                    return Err(CfgError::IntoLdImm64 { from: idx, to });
                }
                succ[idx].push(to);
                if !seen[to] {
                    seen[to] = true;
                    stack.push(to);
                }
            }
        }
        if let Some(idx) = (0..len).find(|&i| at[i].is_some() && !seen[i]) {
            return Err(CfgError::Unreachable(idx));
        }
        // Backward data flow to a fixpoint.
        let mut live_before = vec![0u16; len];
        loop {
            let mut changed = false;
            for idx in (0..len).rev() {
                let Some(insn) = at[idx] else { continue };
                let after = succ[idx].iter().fold(0, |acc, &s| acc | live_before[s]);
                let (uses, defs) = use_def(&insn);
                let before = uses | (after & !defs);
                if before != live_before[idx] {
                    live_before[idx] = before;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut prune_point = vec![false; len];
        for (idx, insn) in at.iter().enumerate() {
            let Some(insn) = insn else { continue };
            let succ = successors(idx, insn);
            match insn {
                Insn::Jump { .. } => {
                    prune_point[idx] = true;
                    if let Some(&t) = succ.get(1) {
                        prune_point[t as usize] = true;
                    }
                }
                Insn::Ja { .. } | Insn::Gotol { .. } | Insn::Call(_) => {
                    if let Some(&t) = succ.first() {
                        prune_point[t as usize] = true;
                    }
                }
                _ => {}
            }
        }
        Ok(Cfg {
            at,
            live_before,
            prune_point,
        })
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Is the program empty? (Never, for a constructed `Cfg`.)
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// The `Live regs before insn:` block of the level-2 log.
    pub fn live_regs_listing(&self) -> String {
        let mut out = String::from("Live regs before insn:\n");
        for (idx, insn) in self.at.iter().enumerate() {
            let Some(insn) = insn else { continue };
            let marks: String = (0..10)
                .map(|r| {
                    if self.live_before[idx] & (1 << r) != 0 {
                        char::from(b'0' + r as u8)
                    } else {
                        '.'
                    }
                })
                .collect();
            out.push_str(&format!(
                "{idx:>7}: {marks} ({:02x}) {insn}\n",
                insn.opcode()
            ));
        }
        out
    }
}
