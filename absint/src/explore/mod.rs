//! The path explorer: a register-only program run through [`crate::domain::kernel`] the way the
//! Linux 6.18 verifier's `do_check` runs it, printing the verifier's level-2 log.
//!
//! Exploration is depth-first from instruction 0 with r1 the context and r10 the frame pointer.
//! A decided conditional jump follows its one edge; an undecided one continues with the
//! fall-through and pushes the taken edge; an AND/OR that forks (`maybe_fork_scalars`)
//! continues with the destination -1 and pushes the instruction again with it 0. At `exit` the
//! most recently pushed state is taken up (`from A to B:`). Each instruction's line lists the
//! registers it read or wrote, as the kernel does ([`log`]).
//!
//! Supported: ALU and ALU64, conditional and unconditional jumps, `exit`, `ld_imm64` of a
//! constant, legacy packet loads (`r0 = *(u32 *)skb[K]`, r6 the context), and calls of the
//! helpers in [`exec::SCALAR_HELPERS`]. [`explore_with_transfer`] runs the model with other
//! transfer functions in place of the kernel's ([`transfer`]). Pointers are only copied;
//! any other instruction or pointer operation stops with [`ExploreError::Unsupported`].
//!
//! Pruning. The kernel stops a path at a state equivalent to one fully explored before
//! (`is_state_visited`: liveness, precision marks from backtracking, id maps). [`prune`]
//! re-implements that rule ([`Pruning::Kernel`], the default); [`Pruning::Never`] follows every
//! path to its end. [`explore_with`] also takes pruning decisions from the caller, which is how
//! the kernel-differential harness can replay the kernel's own decisions and compare the rest of
//! the log independently of the pruning rule.
//!
//! Fidelity: `fuzz/tests/kernel_paths.rs` loads seeded random programs into the running 6.18.44
//! kernel and compares every line of its log with this one's (110 000 programs, every line
//! identical, with the explorer's own pruning). Not modelled: infinite-loop detection (a program
//! with a back-edge runs until [`Options::insn_limit`]), the precision-tracking log lines, and
//! the `max_states_per_insn` and `peak_states` figures of the statistics line.

pub mod cfg;
pub mod exec;
pub mod log;
pub mod prune;
pub mod regs;
pub mod transfer;

use crate::isa::Insn;
use cfg::{Cfg, CfgError};
use exec::{Effect, IdGen, Stop};
pub use log::Line;
use prune::{Lineage, Pruner, Step};
pub use regs::{LinkedScalar, RegFile, Value};
pub use transfer::{AluFn, Kernel, Transfer};

/// The kernel's budget of processed instructions (`BPF_COMPLEXITY_LIMIT_INSNS`).
pub const INSN_LIMIT: u64 = 1_000_000;

/// Why exploration stopped short of accepting the program.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExploreError {
    /// The verifier rejects the program at instruction `idx` with `message` (its log text).
    #[error("insn {idx}: {message}")]
    Rejected {
        /// Slot index.
        idx: usize,
        /// The verifier's message.
        message: String,
    },
    /// The program's shape is rejected before exploration (`check_cfg`).
    #[error("insn {idx}: {0}", idx = .0.idx())]
    Cfg(#[from] CfgError),
    /// More than the budget of instructions was processed.
    #[error("BPF program is too large. Processed {0} insn")]
    TooLarge(u64),
    /// The explorer does not model instruction `idx`.
    #[error("insn {idx}: not supported by the explorer: {what}")]
    Unsupported {
        /// Slot index.
        idx: usize,
        /// What is not supported.
        what: String,
    },
}

impl ExploreError {
    /// Would the kernel reject the program for this reason? (`false` for [`ExploreError::Unsupported`].)
    pub fn is_rejection(&self) -> bool {
        !matches!(self, ExploreError::Unsupported { .. })
    }
}

/// How paths are pruned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pruning {
    /// Every path is followed to its end (unless the caller's oracle prunes it).
    Never,
    /// The kernel's rule ([`prune`]): checkpoints, liveness and precision.
    #[default]
    Kernel,
}

/// Exploration options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The budget of processed instructions.
    pub insn_limit: u64,
    /// The pruning rule.
    pub pruning: Pruning,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            insn_limit: INSN_LIMIT,
            pruning: Pruning::Kernel,
        }
    }
}

/// A visit of an instruction, offered to a pruning oracle before it runs.
#[derive(Clone, Copy, Debug)]
pub struct Visit<'a> {
    /// The instruction about to run.
    pub idx: usize,
    /// When the path was just taken up: the instruction that pushed it.
    pub popped_from: Option<usize>,
    /// The registers.
    pub regs: &'a RegFile,
}

/// The result of an exploration.
#[derive(Clone, Debug)]
pub struct Exploration {
    /// The log lines, in order.
    pub lines: Vec<Line>,
    /// `Ok` when every path reached `exit` (or was pruned).
    pub verdict: Result<(), ExploreError>,
    /// Instructions processed, counting pruned visits (the kernel's `insn_processed`).
    pub processed: u64,
    /// Checkpoints added for pruning (the kernel's `total_states`).
    pub total_states: u64,
    /// The control flow (absent when the program's shape was rejected).
    pub cfg: Option<Cfg>,
}

impl Exploration {
    /// The log as the kernel prints it at level 2, without the precision-tracking lines, ending
    /// with `processed N insns`.
    pub fn kernel_log(&self) -> String {
        let mut out = String::from("func#0 @0\n");
        if let Some(cfg) = &self.cfg {
            out.push_str(&cfg.live_regs_listing());
        }
        for line in &self.lines {
            out.push_str(&line.to_string());
            out.push('\n');
        }
        match &self.verdict {
            Err(ExploreError::Cfg(e)) => out.push_str(&format!("{e}\n")),
            Err(e @ ExploreError::TooLarge(_)) => out.push_str(&format!("{e}\n")),
            _ => {}
        }
        out.push_str(&format!(
            "processed {} insns (limit {INSN_LIMIT})\n",
            self.processed
        ));
        out
    }
}

/// A state waiting to be explored.
struct Pushed {
    from: usize,
    to: usize,
    regs: RegFile,
    lineage: Lineage,
}

/// Explores `insns` with `options`.
pub fn explore(insns: &[Insn], options: &Options) -> Exploration {
    explore_with(insns, options, &mut |_| false)
}

/// Explores `insns`, asking `prune` at every visit whether to stop the path there (the kernel
/// prints `N: safe`, or `from A to B: safe` for a state just taken up). With
/// [`Pruning::Kernel`] a path is also pruned where the kernel's rule says so.
pub fn explore_with(
    insns: &[Insn],
    options: &Options,
    prune: &mut dyn FnMut(&Visit<'_>) -> bool,
) -> Exploration {
    explore_with_ops(insns, options, prune, &Kernel)
}

/// Explores `insns` with the transfer functions of `ops` in place of the kernel's wherever it
/// answers ([`Transfer`]): the model of a verifier whose operator is, say, a mutant.
pub fn explore_with_transfer(insns: &[Insn], options: &Options, ops: &dyn Transfer) -> Exploration {
    explore_with_ops(insns, options, &mut |_| false, ops)
}

/// [`explore_with`] and [`explore_with_transfer`] at once.
pub fn explore_with_ops(
    insns: &[Insn],
    options: &Options,
    prune: &mut dyn FnMut(&Visit<'_>) -> bool,
    ops: &dyn Transfer,
) -> Exploration {
    let mut exploration = Exploration {
        lines: Vec::new(),
        verdict: Ok(()),
        processed: 0,
        total_states: 0,
        cfg: None,
    };
    let cfg = match Cfg::new(insns) {
        Ok(cfg) => cfg,
        Err(e) => {
            exploration.verdict = Err(e.into());
            return exploration;
        }
    };
    exploration.verdict = run(&cfg, options, prune, ops, &mut exploration);
    exploration.cfg = Some(cfg);
    exploration
}

/// The main loop of `do_check`.
fn run(
    cfg: &Cfg,
    options: &Options,
    prune: &mut dyn FnMut(&Visit<'_>) -> bool,
    ops: &dyn Transfer,
    out: &mut Exploration,
) -> Result<(), ExploreError> {
    let mut ids = IdGen::default();
    let mut pruner = Pruner::default();
    let own_pruning = options.pruning == Pruning::Kernel;
    let mut stack: Vec<Pushed> = Vec::new();
    let mut regs = RegFile::entry();
    let mut lineage = Lineage::default();
    let mut idx = 0usize;
    let mut popped_from: Option<usize> = None;
    out.lines.push(Line::State {
        idx,
        regs: regs.all(),
    });
    let result = loop {
        out.processed += 1;
        if out.processed > options.insn_limit {
            break Err(ExploreError::TooLarge(out.processed));
        }
        let visit = Visit {
            idx,
            popped_from,
            regs: &regs,
        };
        let mut pruned = prune(&visit);
        if own_pruning && !pruned && cfg.prune_point.get(idx).copied().unwrap_or(false) {
            pruned = pruner.visit(cfg, idx, &regs, &mut lineage, out.processed);
        }
        let ended = if pruned {
            // The registers an instruction scratched are printed when the next one is about to
            // be printed: a path pruned there never shows them. A conditional jump prints its
            // own at once (`check_cond_jmp_op`).
            if popped_from.is_none() {
                if let Some(Line::Insn { regs, insn, .. }) = out.lines.last_mut() {
                    if !matches!(insn, Insn::Jump { .. }) {
                        regs.clear();
                    }
                }
            }
            out.lines.push(match popped_from {
                Some(from) => Line::From {
                    from,
                    to: idx,
                    regs: None,
                },
                None => Line::Safe(idx),
            });
            true
        } else {
            if let Some(from) = popped_from.take() {
                out.lines.push(Line::From {
                    from,
                    to: idx,
                    regs: Some(regs.all()),
                });
                out.lines.push(Line::State {
                    idx,
                    regs: regs.all(),
                });
            }
            // The Cfg guarantees every reached slot starts an instruction.
            let Some(insn) = cfg.at.get(idx).copied().flatten() else {
                break Err(ExploreError::Unsupported {
                    idx,
                    what: "no instruction at this slot".into(),
                });
            };
            lineage.segment.push(Step { idx, linked: 0 });
            if matches!(
                insn,
                Insn::Jump { .. }
                    | Insn::Ja { .. }
                    | Insn::Gotol { .. }
                    | Insn::Call(_)
                    | Insn::Exit
            ) {
                pruner.jump_processed();
            }
            match exec::execute_with(idx, &insn, &mut regs, &mut ids, cfg.live_before[idx], ops) {
                Ok(Effect::Continue {
                    next,
                    push,
                    scratched,
                    linked,
                    precise,
                }) => {
                    if let Some(last) = lineage.segment.last_mut() {
                        last.linked = linked;
                    }
                    if own_pruning {
                        for r in precise.into_iter().flatten() {
                            pruner.mark_chain_precision(cfg, &lineage, 1 << r, true);
                        }
                    }
                    out.lines.push(Line::Insn {
                        idx,
                        insn,
                        regs: regs.listed(scratched),
                    });
                    if let Some((to, pushed)) = push {
                        let mut pushed_lineage = lineage.clone();
                        // A fork runs its instruction again: it is not yet on that path.
                        if to == idx && !matches!(insn, Insn::Jump { .. }) {
                            pushed_lineage.segment.pop();
                        }
                        pruner.pushed(&pushed_lineage);
                        stack.push(Pushed {
                            from: idx,
                            to,
                            regs: pushed,
                            lineage: pushed_lineage,
                        });
                    }
                    idx = next;
                    false
                }
                Ok(Effect::Exit) => {
                    out.lines.push(Line::Insn {
                        idx,
                        insn,
                        regs: Vec::new(),
                    });
                    true
                }
                Err(stop) => {
                    out.lines.push(Line::Insn {
                        idx,
                        insn,
                        regs: Vec::new(),
                    });
                    break Err(match stop {
                        Stop::Rejected(message) => {
                            out.lines.push(Line::Error(message.clone()));
                            ExploreError::Rejected { idx, message }
                        }
                        Stop::Unsupported(what) => ExploreError::Unsupported { idx, what },
                    });
                }
            }
        };
        if ended {
            pruner.path_done(&lineage);
            let Some(next) = stack.pop() else {
                break Ok(());
            };
            idx = next.to;
            regs = next.regs;
            lineage = next.lineage;
            popped_from = Some(next.from);
        }
    };
    out.total_states = pruner.total_states;
    result
}
