//! The lines the explorer prints, in the syntax of the Linux 6.18 verifier log at level 2
//! (`do_check`, `print_insn_state` and `print_verifier_state` of `kernel/bpf/verifier.c` and
//! `kernel/bpf/log.c`):
//!
//! ```text
//! 0: R1=ctx() R10=fp0
//! 0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
//! 4: (25) if r6 > 0xa goto pc+2         ; R6=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))
//! 6: (95) exit
//!
//! from 4 to 7: R0=scalar(id=1) R6=scalar(id=1,umin=11) R10=fp0
//! 7: R0=scalar(id=1) R6=scalar(id=1,umin=11) R10=fp0
//! ```
//!
//! After each instruction the kernel lists the registers the instruction read or wrote
//! ("scratched"), initialised ones only, after a `;` aligned as `vlog_alignment` does; a popped
//! state is printed whole twice (the `from` line, then the state line of its first
//! instruction). Precision-tracking lines (`mark_precise: ...`) are not produced.

use crate::explore::regs::Value;
use crate::isa::Insn;
use std::fmt::{self, Write};

/// The smallest column the `;` of a state goes to (`BPF_LOG_ALIGNMENT`).
const LOG_ALIGNMENT: usize = 40;
/// The `;` goes to a multiple of this (`BPF_LOG_MIN_ALIGNMENT`).
const LOG_MIN_ALIGNMENT: usize = 8;

/// One line of the exploration's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// `N: R1=ctx() R10=fp0`: the whole state before instruction `N` (at the entry and after a
    /// pop).
    State {
        /// The instruction about to run.
        idx: usize,
        /// The initialised registers.
        regs: Vec<(u8, Value)>,
    },
    /// `N: (op) disassembly ; R..=..`: an instruction and the registers it read or wrote, after
    /// it ran (empty when it failed or wrote nothing printable).
    Insn {
        /// Slot index.
        idx: usize,
        /// The instruction.
        insn: Insn,
        /// The scratched initialised registers.
        regs: Vec<(u8, Value)>,
    },
    /// `from A to B: ...`: a pushed state taken up; `regs` is `None` when it was pruned
    /// (`from A to B: safe`).
    From {
        /// The instruction that pushed it.
        from: usize,
        /// Where it resumes.
        to: usize,
        /// The whole state, or `None` when pruned.
        regs: Option<Vec<(u8, Value)>>,
    },
    /// `N: safe`: the path was pruned on reaching `N`.
    Safe(usize),
    /// The message of the error that ended the exploration.
    Error(String),
}

/// Appends ` R0=... R6=...`.
fn write_regs(out: &mut String, regs: &[(u8, Value)]) {
    for (r, v) in regs {
        let _ = write!(out, " R{r}={v}");
    }
}

/// The spaces before the `;` after an instruction text of `len` characters
/// (`vlog_alignment(len + 1)`, the kernel counting the newline it then removes).
fn alignment(len: usize) -> usize {
    let pos = len + 1;
    let col = (pos + LOG_MIN_ALIGNMENT / 2).max(LOG_ALIGNMENT);
    col.div_ceil(LOG_MIN_ALIGNMENT) * LOG_MIN_ALIGNMENT - pos - 1
}

/// Prints the line as the kernel does; a `from` line is preceded by an empty line, as in the
/// kernel's log.
impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        match self {
            Line::State { idx, regs } => {
                let _ = write!(out, "{idx}:");
                write_regs(&mut out, regs);
            }
            Line::Insn { idx, insn, regs } => {
                let _ = write!(out, "{idx}: ({:02x}) {insn}", insn.opcode());
                if !regs.is_empty() {
                    let pad = alignment(out.chars().count());
                    out.push_str(&" ".repeat(pad.max(1)));
                    out.push(';');
                    write_regs(&mut out, regs);
                }
            }
            Line::From { from, to, regs } => {
                let _ = write!(out, "\nfrom {from} to {to}:");
                match regs {
                    Some(regs) => write_regs(&mut out, regs),
                    None => out.push_str(" safe"),
                }
            }
            Line::Safe(idx) => {
                let _ = write!(out, "{idx}: safe");
            }
            Line::Error(message) => out.push_str(message),
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::alignment;

    #[test]
    fn semicolon_column_follows_the_kernel() {
        // `0: (85) call bpf_get_prandom_u32#7` (34 characters) is followed by 4 spaces; a short
        // line pads to column 38; a long one to the next multiple of 8, minus 2.
        assert_eq!(alignment(34), 4);
        assert_eq!(alignment(15), 23);
        assert_eq!(15 + alignment(15), 38);
        assert_eq!(50 + alignment(50), 54);
    }
}
