//! Labels: what a model of the verifier predicts for a program, as a corpus record stores it.
//!
//! A [`Prediction`] is the verdict, the register states printed after each processed instruction
//! (in the canonical text of [`crate::paths::Entry`], the same text [`crate::paths`] compares
//! with the kernel's log) and the processed count. [`predict`] explores a program with the
//! kernel's transfer functions or with others in their place ([`absint::explore::Transfer`]);
//! [`kernel_prediction`] reads the same from a level-2 log the kernel printed, so a label and the
//! kernel's answer compare as plain values.

use super::record::{InsnStates, Prediction, Verdict};
use crate::log::{Line, Log};
use crate::paths::{explorer_entries, kernel_entries, Entry};
use absint::explore::{self, ExploreError, Options, Transfer};
use absint::isa::Insn;

/// The states of the `N: (op) insn ; R..` entries, in log order.
fn insn_states(entries: &[Entry]) -> Vec<InsnStates> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Insn(idx, text) => Some(InsnStates {
                insn: *idx,
                regs: text
                    .split_once(" ;")
                    .map(|(_, regs)| regs.trim().to_string())
                    .unwrap_or_default(),
            }),
            _ => None,
        })
        .collect()
}

/// Why a program could not be labelled: the explorer does not model one of its instructions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot label: {0}")]
pub struct Unlabelled(pub String);

/// The prediction of the model with `ops` in place of the kernel's transfer functions
/// (`&absint::explore::Kernel` for the kernel's own).
pub fn predict(insns: &[Insn], ops: &dyn Transfer) -> Result<Prediction, Unlabelled> {
    let exploration = explore::explore_with_transfer(insns, &Options::default(), ops);
    let verdict = match &exploration.verdict {
        Ok(()) => Verdict::Accept,
        Err(ExploreError::Unsupported { idx, what }) => {
            return Err(Unlabelled(format!("insn {idx}: {what}")))
        }
        Err(ExploreError::Rejected { idx, message }) => Verdict::Reject {
            insn: Some(*idx),
            message: message.clone(),
        },
        Err(e @ ExploreError::Cfg(c)) => Verdict::Reject {
            insn: Some(c.idx()),
            message: e.to_string(),
        },
        Err(e @ ExploreError::TooLarge(_)) => Verdict::Reject {
            insn: None,
            message: e.to_string(),
        },
    };
    Ok(Prediction {
        verdict,
        states: insn_states(&explorer_entries(&exploration.lines)),
        processed: Some(exploration.processed),
    })
}

/// The same view of a kernel's level-2 `log`, whose load was `accepted` or not. The rejection
/// message is the log's last error line; its instruction is the last instruction printed.
pub fn kernel_prediction(log: &Log, accepted: bool) -> Prediction {
    // `force_precise: frame0: forcing rN to be precise` (the fallback of precision tracking
    // after a legacy packet load) is a precision line, not an error: drop it, so that the state
    // printed after it joins its instruction as after other precision lines.
    let log = Log {
        lines: log
            .lines
            .iter()
            .filter(|(_, l)| !matches!(l, Line::Other(t) if t.starts_with("force_precise:")))
            .cloned()
            .collect(),
    };
    let entries = kernel_entries(&log);
    let verdict = if accepted {
        Verdict::Accept
    } else {
        let message = entries
            .iter()
            .rev()
            .find_map(|e| match e {
                Entry::Error(m) => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let insn = entries.iter().rev().find_map(|e| match e {
            Entry::Insn(idx, _) => Some(*idx),
            _ => None,
        });
        Verdict::Reject { insn, message }
    };
    Prediction {
        verdict,
        states: insn_states(&entries),
        processed: log.stats().map(|s| s.processed),
    }
}

/// Does the verdict accept?
pub fn accepts(p: &Prediction) -> bool {
    matches!(p.verdict, Verdict::Accept)
}
