//! Top-down decomposition over the bank: find a term with given values on the examples.
//!
//! A *goal* is a target fingerprint `t` with a *care* mask per example: a term solves it when
//! `(value ^ t) & care == 0` on every example (bits outside care are free). Goals are solved
//! by iterative deepening; at depth 0:
//!
//! - **direct**: a banked term matches (bank order is size order, so the first is smallest);
//! - **xor split**: `t = P ^ Q` — for every banked `P`, look `Q`'s required fingerprint
//!   `(P ^ t) & care` up in a hash of the bank's masked fingerprints;
//! - **add / sub splits** (full care only): `Q = t − P`, `Q = P − t`, `Q = t + P`, looked up.
//!
//! At depth `d ≥ 1` a goal is also split into a smaller banked part and a sub-goal of depth
//! `d − 1` with *more freedom*:
//!
//! - **or**: `t = A | B` with `B ⊆ t` on the cared bits: `A` need only match where `B` is 0;
//! - **and**: `t = A & B` with `B ⊇ t`: `A` need only match where `B` is 1;
//! - **and-not**: `t = A & ~B` with `B` disjoint from `t`;
//! - **ite**: `t = ite(C, A, B)` with `A` banked, `C` from the condition bank false wherever
//!   `A` is wrong, and `B` solving the examples where `C` is false.
//!
//! The parts `B` (and `A` for `ite`) are the [`SolveConfig::branch`] best by how much of the
//! goal they settle. Sub-goals at one split are solved in parallel (rayon). The smallest
//! solution found at the shallowest depth wins.

use super::enumerate::{hash_words, Bank, CondBank};
use super::grammar::{Cond, Term};
use crate::ir::op::{BinaryOp, UnaryOp};
use absint::word::width_mask;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How deep and wide to search.
#[derive(Clone, Copy, Debug)]
pub struct SolveConfig {
    /// Deepest split nesting.
    pub depth: u32,
    /// Parts tried per split.
    pub branch: usize,
    /// Size of the banked parts `B` of or/and/and-not splits (smaller keeps them cheap).
    pub part_size: u32,
}

impl Default for SolveConfig {
    fn default() -> Self {
        SolveConfig {
            depth: 2,
            branch: 6,
            part_size: 2,
        }
    }
}

/// The solver over one bank.
pub struct Solver<'a> {
    bank: &'a Bank,
    conds: &'a CondBank,
    cfg: SolveConfig,
    /// Goals attempted (for the report).
    pub goals: AtomicU64,
}

/// A goal: values and cared bits per example.
#[derive(Clone, Debug)]
pub struct Goal {
    /// Wanted values.
    pub t: Vec<u64>,
    /// Cared bits.
    pub care: Vec<u64>,
}

impl Goal {
    /// Every bit of every example cared for.
    pub fn full(t: Vec<u64>, widths: &[u32]) -> Goal {
        let care = widths.iter().map(|&w| width_mask(w)).collect();
        Goal { t, care }
    }
    fn is_full(&self, widths: &[u32]) -> bool {
        self.care
            .iter()
            .zip(widths)
            .all(|(&c, &w)| c == width_mask(w))
    }
    fn matches(&self, fp: &[u64]) -> bool {
        fp.iter()
            .zip(&self.t)
            .zip(&self.care)
            .all(|((&v, &t), &c)| (v ^ t) & c == 0)
    }
    fn with_care(&self, care: Vec<u64>) -> Goal {
        Goal {
            t: self.t.clone(),
            care,
        }
    }
}

fn smaller(a: Option<Arc<Term>>, b: Option<Arc<Term>>) -> Option<Arc<Term>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.size() < x.size() { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

impl<'a> Solver<'a> {
    /// A solver over `bank` and `conds`.
    pub fn new(bank: &'a Bank, conds: &'a CondBank, cfg: SolveConfig) -> Solver<'a> {
        Solver {
            bank,
            conds,
            cfg,
            goals: AtomicU64::new(0),
        }
    }

    /// The smallest term found for `goal`, by iterative deepening.
    pub fn solve(&self, goal: &Goal) -> Option<Arc<Term>> {
        (0..=self.cfg.depth).find_map(|d| self.solve_at(goal, d))
    }

    fn widths(&self) -> &[u32] {
        &self.bank.probe.widths
    }

    /// Solve at exactly depth `d` (splits nested at most `d` deep).
    pub fn solve_at(&self, goal: &Goal, d: u32) -> Option<Arc<Term>> {
        self.goals.fetch_add(1, Ordering::Relaxed);
        if let Some(t) = self.direct(goal) {
            return Some(t);
        }
        let mut best = self.pair_splits(goal);
        if d == 0 {
            return best;
        }
        let parts = self.parts(goal);
        let found: Vec<Option<Arc<Term>>> = parts
            .par_iter()
            .map(|(kind, i)| {
                let b = &self.bank.terms[*i];
                let fp = self.bank.fp(*i);
                let care: Vec<u64> = goal
                    .care
                    .iter()
                    .zip(fp)
                    .map(|(&c, &v)| match kind {
                        Split::Or | Split::AndNot => c & !v,
                        Split::And => c & v,
                    })
                    .collect();
                let a = self.solve_at(&goal.with_care(care), d - 1)?;
                Some(match kind {
                    Split::Or => Term::bin(BinaryOp::Or, &a, b),
                    Split::And => Term::bin(BinaryOp::And, &a, b),
                    Split::AndNot => Term::bin(BinaryOp::And, &a, &Term::un(UnaryOp::Not, b)),
                })
            })
            .collect();
        for f in found {
            best = smaller(best, f);
        }
        best = smaller(best, self.ite_split(goal, d));
        best
    }

    /// A banked term matching the goal.
    fn direct(&self, goal: &Goal) -> Option<Arc<Term>> {
        if goal.is_full(self.widths()) {
            return self.bank.find(&goal.t).map(|i| self.bank.terms[i].clone());
        }
        (0..self.bank.len())
            .into_par_iter()
            .find_first(|&i| goal.matches(self.bank.fp(i)))
            .map(|i| self.bank.terms[i].clone())
    }

    /// The xor split (any care) and the add/sub splits (full care).
    fn pair_splits(&self, goal: &Goal) -> Option<Arc<Term>> {
        let bank = self.bank;
        let widths = self.widths();
        let full = goal.is_full(widths);
        // The smallest banked term of each masked fingerprint.
        let masked = |i: usize| hash_words(bank.fp(i).iter().zip(&goal.care).map(|(&v, &c)| v & c));
        let hashes: Vec<u64> = (0..bank.len()).into_par_iter().map(masked).collect();
        let mut index: HashMap<u64, u32> = HashMap::with_capacity(hashes.len());
        for (i, h) in hashes.iter().enumerate() {
            index.entry(*h).or_insert(i as u32);
        }
        let lookup = |need: &[u64]| -> Option<usize> {
            let h = hash_words(need.iter().zip(&goal.care).map(|(&v, &c)| v & c));
            let &j = index.get(&h)?;
            let j = j as usize;
            bank.fp(j)
                .iter()
                .zip(need)
                .zip(&goal.care)
                .all(|((&v, &n), &c)| (v ^ n) & c == 0)
                .then_some(j)
        };
        let found = (0..bank.len())
            .into_par_iter()
            .filter_map(|i| {
                let p = bank.fp(i);
                let mut best: Option<(u32, Arc<Term>)> = None;
                let mut consider = |op: BinaryOp, need: Vec<u64>, swap: bool| {
                    if let Some(j) = lookup(&need) {
                        let (x, y) = (&bank.terms[i], &bank.terms[j]);
                        let size = x.size() + y.size() + 1;
                        if best.as_ref().is_none_or(|(s, _)| size < *s) {
                            let t = if swap {
                                Term::bin(op, y, x)
                            } else {
                                Term::bin(op, x, y)
                            };
                            best = Some((size, t));
                        }
                    }
                };
                let xor: Vec<u64> = p.iter().zip(&goal.t).map(|(&a, &b)| a ^ b).collect();
                consider(BinaryOp::Xor, xor, false);
                if full {
                    let each = |f: &dyn Fn(u64, u64) -> u64| -> Vec<u64> {
                        p.iter()
                            .zip(&goal.t)
                            .zip(widths)
                            .map(|((&a, &b), &w)| f(a, b) & width_mask(w))
                            .collect()
                    };
                    // P + Q = t; P − Q = t; Q − P = t.
                    consider(BinaryOp::Add, each(&|a, b| b.wrapping_sub(a)), false);
                    consider(BinaryOp::Sub, each(&|a, b| a.wrapping_sub(b)), false);
                    consider(BinaryOp::Sub, each(&|a, b| b.wrapping_add(a)), true);
                }
                best
            })
            .min_by_key(|(s, _)| *s);
        found.map(|(_, t)| t)
    }

    /// The banked parts worth splitting on, best first.
    fn parts(&self, goal: &Goal) -> Vec<(Split, usize)> {
        let bank = self.bank;
        let end = bank.sizes[(self.cfg.part_size as usize + 1).min(bank.sizes.len() - 1)];
        let mut out = Vec::new();
        for kind in [Split::Or, Split::And, Split::AndNot] {
            // (settled bits, index), for parts allowed by the goal.
            let mut scored: Vec<(u32, usize, Vec<u64>)> = (0..end)
                .into_par_iter()
                .filter_map(|i| {
                    let fp = bank.fp(i);
                    let mut settled = 0u32;
                    let mut pattern = Vec::with_capacity(fp.len());
                    for ((&v, &t), &c) in fp.iter().zip(&goal.t).zip(&goal.care) {
                        let (bad, good) = match kind {
                            Split::Or => (v & !t & c, v & t & c),
                            Split::And => (!v & t & c, !v & !t & c),
                            Split::AndNot => (v & t & c, v & !t & c),
                        };
                        if bad != 0 {
                            return None;
                        }
                        settled += good.count_ones();
                        pattern.push(good);
                    }
                    (settled > 0).then_some((settled, i, pattern))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut seen: Vec<Vec<u64>> = Vec::new();
            for (_, i, pattern) in scored {
                if seen.len() >= self.cfg.branch {
                    break;
                }
                if !seen.contains(&pattern) {
                    seen.push(pattern);
                    out.push((kind, i));
                }
            }
        }
        out
    }

    /// `ite(C, A, B)`: A banked, C separating, B a sub-goal on the rest.
    fn ite_split(&self, goal: &Goal, d: u32) -> Option<Arc<Term>> {
        if self.conds.conds.is_empty() {
            return None;
        }
        let bank = self.bank;
        let n = bank.probe.len();
        let live: u128 = (0..n)
            .filter(|&i| goal.care[i] != 0)
            .fold(0, |acc, i| acc | (1u128 << i));
        // Match sets of banked terms, smallest term first for each set.
        let sets: Vec<u128> = (0..bank.len())
            .into_par_iter()
            .map(|j| {
                let fp = bank.fp(j);
                let mut m = 0u128;
                for (i, ((v, t), care)) in
                    fp.iter().zip(&goal.t).zip(&goal.care).take(n).enumerate()
                {
                    if (v ^ t) & care == 0 {
                        m |= 1 << i;
                    }
                }
                m & live
            })
            .collect();
        let mut first: HashMap<u128, usize> = HashMap::new();
        for (j, &m) in sets.iter().enumerate() {
            if m != 0 {
                first.entry(m).or_insert(j);
            }
        }
        let mut by_size: Vec<(u128, usize)> = first.into_iter().collect();
        by_size.sort_by(|a, b| b.0.count_ones().cmp(&a.0.count_ones()).then(a.1.cmp(&b.1)));
        by_size.truncate(self.cfg.branch);
        let found: Vec<Option<Arc<Term>>> = by_size
            .par_iter()
            .map(|&(m, j)| {
                // The condition: false wherever A is wrong, true on as many live examples as
                // possible.
                let wrong = live & !m;
                let mut best: Option<(u32, &Arc<Cond>)> = None;
                for (c, bits) in &self.conds.conds {
                    if bits & wrong == 0 && bits & live != 0 {
                        let score = (bits & live).count_ones();
                        if best.is_none_or(|(s, _)| score > s) {
                            best = Some((score, c));
                        }
                    }
                }
                let (_, c) = best?;
                let cbits = self.conds.conds.iter().find(|(x, _)| x == c)?.1;
                let care: Vec<u64> = (0..n)
                    .map(|i| if cbits >> i & 1 == 1 { 0 } else { goal.care[i] })
                    .collect();
                let b = self.solve_at(&goal.with_care(care), d - 1)?;
                Some(Term::ite(c, &bank.terms[j], &b))
            })
            .collect();
        let covered = by_size
            .par_iter()
            .map(|&(m, j)| self.cover_split(&sets, live, m, j))
            .collect::<Vec<_>>();
        found.into_iter().chain(covered).fold(None, smaller)
    }

    /// `ite(C₁ ∨ C₂ ∨ C₃, B, A)`: A banked (match set `m`), B a banked term right wherever A is
    /// wrong, and the condition a greedy cover of A's wrong examples by conditions that hold
    /// only where B is right.
    fn cover_split(&self, sets: &[u128], live: u128, m: u128, a: usize) -> Option<Arc<Term>> {
        let wrong = live & !m;
        if wrong == 0 {
            return None;
        }
        let bs = sets
            .iter()
            .enumerate()
            .filter(|(_, &s)| s & wrong == wrong)
            .map(|(j, _)| j)
            .take(3);
        let mut best: Option<Arc<Term>> = None;
        for b in bs {
            let allowed = sets[b];
            let mut rest = wrong;
            let mut chosen: Vec<Arc<Cond>> = Vec::new();
            for _ in 0..3 {
                let mut pick: Option<(u32, &Arc<Cond>, u128)> = None;
                for (c, bits) in &self.conds.conds {
                    if bits & live & !allowed != 0 {
                        continue;
                    }
                    let gain = (bits & rest).count_ones();
                    if gain > 0 && pick.is_none_or(|(g, _, _)| gain > g) {
                        pick = Some((gain, c, *bits));
                    }
                }
                let Some((_, c, bits)) = pick else { break };
                chosen.push(c.clone());
                rest &= !bits;
                if rest == 0 {
                    break;
                }
            }
            if rest != 0 {
                continue;
            }
            let mut cond = chosen[0].clone();
            for c in &chosen[1..] {
                cond = Arc::new(Cond::Or(cond, c.clone()));
            }
            let t = Term::ite(&cond, &self.bank.terms[b], &self.bank.terms[a]);
            best = smaller(best, Some(t));
        }
        best
    }
}

/// The kind of a split with a banked part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    Or,
    And,
    AndNot,
}
