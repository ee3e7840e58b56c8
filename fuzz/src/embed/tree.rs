//! The verifier's exploration of a forward-only program, rebuilt from its level-2 log as a tree of
//! instruction visits, and the matching of a concrete run against it.
//!
//! Each `N: (op) ...` line is a visit of instruction `N`, carrying the registers printed after
//! it. Visits of one path follow each other in the log. A `from A to B:` line takes up a state
//! pushed at the latest visit of `A`: a jump's other edge (its first visit `B` is a successor of
//! that visit of `A`) or, when `B == A`, the second path of an AND/OR fork
//! (`maybe_fork_scalars`), whose first visit re-runs `A` and is a successor of the visit *before*
//! that visit of `A`. Because every jump goes forward and the verifier pops states last in first
//! out, the latest visit of `A` is the one that pushed. `N: safe` and `from A to B: safe` end a
//! path by pruning: `B` is recorded as a pruned successor.
//!
//! [`Tree::follow`] matches a run (the slots it executed, with the values it recorded) against the
//! tree: from the entry, each next slot must be a successor visit, and at a record point the
//! recorded value must lie in the state that visit printed. At a fork two visits share a slot;
//! every candidate is tried and the best outcome wins.

use crate::log::{Line, Log, Value};
use absint::domain::Scalar;
use absint::word::Bv;
use std::collections::BTreeMap;

/// One visit of an instruction.
#[derive(Clone, Debug, Default)]
struct Visit {
    slot: usize,
    /// Scalar registers printed on the visit's line.
    regs: Vec<(u8, Scalar<Bv>)>,
    next: Vec<usize>,
    pruned: Vec<usize>,
}

/// The exploration tree.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// Visits; index 0 is a virtual entry before instruction 0.
    visits: Vec<Visit>,
}

/// A record point as the matching sees it: the register stored at a slot.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// The recorded register.
    pub reg: u8,
    /// The value the run recorded.
    pub value: u64,
}

/// How a run matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every slot of the run was matched; `checked` values lay in their visits' states.
    Complete {
        /// Values checked.
        checked: u64,
    },
    /// The run's path was pruned before trace position `at`; the values before it were checked,
    /// `unchecked` after it were not.
    Pruned {
        /// Values checked.
        checked: u64,
        /// Record points reached after the pruning.
        unchecked: u64,
        /// The slot where the path was pruned.
        slot: usize,
    },
    /// No path of the tree fits the run. The deepest attempt failed at `slot`: with `state`
    /// `Some`, the recorded value lies outside that state (the register's state at the visit
    /// that got furthest); with `None`, the verifier explored no visit of `slot` there.
    Mismatch {
        /// The slot.
        slot: usize,
        /// The state the value was outside of.
        state: Option<Scalar<Bv>>,
        /// How far along the trace the attempt got.
        depth: usize,
    },
}

impl Outcome {
    fn rank(&self) -> (u8, usize) {
        match self {
            Outcome::Complete { .. } => (2, 0),
            Outcome::Pruned { .. } => (1, 0),
            Outcome::Mismatch { depth, .. } => (0, *depth),
        }
    }
}

impl Tree {
    /// Rebuilds the tree from a parsed log.
    pub fn from_log(log: &Log) -> Tree {
        let mut visits = vec![Visit::default()];
        let mut pred: Vec<usize> = vec![0];
        let mut latest: BTreeMap<usize, usize> = BTreeMap::new();
        let mut cur = Some(0usize);
        for (_, line) in &log.lines {
            match line {
                Line::Insn { idx, state, .. } => {
                    let from = cur.unwrap_or(0);
                    let id = visits.len();
                    let regs = state
                        .as_ref()
                        .map(|s| {
                            s.regs
                                .iter()
                                .filter_map(|(r, v)| match v {
                                    Value::Scalar(rv) => Some((*r, rv.scalar)),
                                    Value::Other(_) => None,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    visits.push(Visit {
                        slot: *idx,
                        regs,
                        ..Visit::default()
                    });
                    pred.push(from);
                    visits[from].next.push(id);
                    latest.insert(*idx, id);
                    cur = Some(id);
                }
                Line::Safe(idx) => {
                    if let Some(c) = cur {
                        visits[c].pruned.push(*idx);
                    }
                    cur = None;
                }
                Line::From { from, to, state } => {
                    let pusher = latest.get(from).copied().unwrap_or(0);
                    let attach = if from == to { pred[pusher] } else { pusher };
                    match state {
                        Some(_) => cur = Some(attach),
                        None => {
                            visits[attach].pruned.push(*to);
                            cur = None;
                        }
                    }
                }
                _ => {}
            }
        }
        Tree { visits }
    }

    /// Matches a run: `trace` the slots it executed in order, `probes` the record points by the
    /// slot of their store.
    pub fn follow(&self, trace: &[usize], probes: &BTreeMap<usize, Probe>) -> Outcome {
        self.walk(0, trace, 0, probes, 0)
    }

    fn walk(
        &self,
        at: usize,
        trace: &[usize],
        pos: usize,
        probes: &BTreeMap<usize, Probe>,
        checked: u64,
    ) -> Outcome {
        let Some(&slot) = trace.get(pos) else {
            return Outcome::Complete { checked };
        };
        let here = &self.visits[at];
        let mut best: Option<Outcome> = None;
        for &next in &here.next {
            let visit = &self.visits[next];
            if visit.slot != slot {
                continue;
            }
            let mut checked = checked;
            let outcome = match probes.get(&slot) {
                Some(probe) => match visit.regs.iter().find(|(r, _)| *r == probe.reg) {
                    Some((_, state)) if !state.contains(&Bv::u64(probe.value)) => {
                        Some(Outcome::Mismatch {
                            slot,
                            state: Some(*state),
                            depth: pos,
                        })
                    }
                    Some(_) => {
                        checked += 1;
                        None
                    }
                    None => None,
                },
                None => None,
            };
            let outcome =
                outcome.unwrap_or_else(|| self.walk(next, trace, pos + 1, probes, checked));
            let better = match &best {
                None => true,
                Some(b) => outcome.rank() > b.rank(),
            };
            if better {
                best = Some(outcome);
            }
        }
        if let Some(b) = best {
            return b;
        }
        if here.pruned.contains(&slot) {
            let unchecked = trace[pos..]
                .iter()
                .filter(|s| probes.contains_key(s))
                .count() as u64;
            return Outcome::Pruned {
                checked,
                unchecked,
                slot,
            };
        }
        Outcome::Mismatch {
            slot,
            state: None,
            depth: pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fork at slot 2 (`w7 &= 255` on `[-1, 0]`): the first path has r7 = 255, the second
    /// re-runs slot 2 with r7 = 0; `second` is what the second path does at slot 3.
    fn forked(second: &str) -> Tree {
        let text = format!(
            "0: R1=ctx() R10=fp0\n\
             0: (b7) r0 = 0                       ; R0=0\n\
             1: (c7) r7 s>>= 63                   ; R7=scalar(smin=smin32=-1,smax=smax32=0)\n\
             2: (54) w7 &= 255                    ; R7=255\n\
             3: (7b) *(u64 *)(r9 +0) = r7         ; R7=255 R9=map_value(ks=4,vs=16)\n\
             4: (95) exit\n\
             from 2 to 2: R0=0 R7=scalar(smin=smin32=-1,smax=smax32=0) R10=fp0\n\
             2: R0=0 R7=scalar(smin=smin32=-1,smax=smax32=0) R10=fp0\n\
             2: (54) w7 &= 255                    ; R7=0\n\
             {second}\n\
             processed 9 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n"
        );
        Tree::from_log(&Log::parse(&text).unwrap())
    }

    fn probe(value: u64) -> BTreeMap<usize, Probe> {
        BTreeMap::from([(3, Probe { reg: 7, value })])
    }

    #[test]
    fn a_run_follows_its_fork_path() {
        let tree = forked(
            "3: (7b) *(u64 *)(r9 +0) = r7         ; R7=0 R9=map_value(ks=4,vs=16)\n4: (95) exit",
        );
        let trace = [0, 1, 2, 3, 4];
        for v in [0, 255] {
            assert_eq!(
                tree.follow(&trace, &probe(v)),
                Outcome::Complete { checked: 1 }
            );
        }
        // 7 is in neither path's state (255, then 0).
        assert!(matches!(
            tree.follow(&trace, &probe(7)),
            Outcome::Mismatch {
                slot: 3,
                state: Some(s),
                depth: 3
            } if s == Scalar::known(255) || s == Scalar::known(0)
        ));
        // A slot the verifier never reached.
        assert!(matches!(
            tree.follow(&[0, 1, 5], &probe(0)),
            Outcome::Mismatch {
                slot: 5,
                state: None,
                ..
            }
        ));
    }

    #[test]
    fn values_after_pruning_are_not_checked() {
        let tree = forked("3: safe");
        assert_eq!(
            tree.follow(&[0, 1, 2, 3, 4], &probe(0)),
            Outcome::Pruned {
                checked: 0,
                unchecked: 1,
                slot: 3
            }
        );
        assert_eq!(
            tree.follow(&[0, 1, 2, 3, 4], &probe(255)),
            Outcome::Complete { checked: 1 }
        );
    }
}
