//! Bottom-up enumeration of terms by size, with observational-equivalence pruning.
//!
//! The [`Bank`] holds, for each size (number of operations) up to a limit, the smallest term of
//! every *fingerprint*: the vector of its values on the examples' inputs (each at its own width,
//! [`super::examples`]). Terms of size `n` are the unary operations on size `n−1` and the binary
//! operations on sizes `i + j = n−1` (commutative ones with the left operand first in bank
//! order only); each candidate's fingerprint is computed from its operands' (one word
//! operation per example, no tree walk), and a candidate whose fingerprint is already in the
//! bank is dropped — an equal-valued smaller or earlier term already stands for it. Candidates
//! are evaluated in parallel (rayon) and merged in a fixed order, so the bank does not depend
//! on scheduling.
//!
//! Conditions for `ite` get a bank of their own ([`CondBank`]): comparisons of small terms, and
//! connectives of comparisons of leaves, fingerprinted as a bit set over the examples.

use super::examples::Examples;
use super::grammar::{commutative, symmetric, Components, Cond, Leaf, Term};
use super::rewrite;
use crate::ir::op::{BinaryOp, UnaryOp};
use absint::word::width_mask;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Counts of one enumeration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnumStats {
    /// Candidate terms built (evaluated, or dropped by egg before evaluation).
    pub enumerated: u64,
    /// Dropped because a term with the same fingerprint was already kept.
    pub pruned_fingerprint: u64,
    /// Dropped before evaluation because egg proved them equal to a kept term.
    pub pruned_egg: u64,
    /// Terms kept in the bank.
    pub kept: u64,
    /// Conditions kept in the condition bank.
    pub conditions: u64,
}

/// How to enumerate.
#[derive(Clone, Debug)]
pub struct EnumConfig {
    /// Largest term size (operations).
    pub max_size: u32,
    /// Stop adding terms once the bank holds this many.
    pub max_terms: usize,
    /// Observational-equivalence pruning (off: every candidate is kept, for the benchmark's
    /// comparison; the bank then grows much faster and `max_terms` cuts it).
    pub fingerprint_pruning: bool,
    /// Canonicalize candidates with egg up to this size and drop those equal to a kept term
    /// before evaluating them (0: off).
    pub egg_up_to: u32,
}

impl Default for EnumConfig {
    fn default() -> Self {
        EnumConfig {
            max_size: 3,
            max_terms: 600_000,
            fingerprint_pruning: true,
            egg_up_to: 0,
        }
    }
}

/// The examples' inputs laid out for fingerprinting.
#[derive(Clone, Debug)]
pub struct Probe {
    /// The width of each example.
    pub widths: Vec<u32>,
    /// For each input field, its value in each example.
    pub inputs: Vec<Vec<u64>>,
}

impl Probe {
    /// The probe of `examples` with `fields` input fields.
    pub fn new(examples: &Examples, fields: usize) -> Probe {
        Probe {
            widths: examples.list.iter().map(|e| e.width).collect(),
            inputs: (0..fields)
                .map(|f| examples.list.iter().map(|e| e.inputs[f]).collect())
                .collect(),
        }
    }
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.widths.len()
    }
    /// Is it empty?
    pub fn is_empty(&self) -> bool {
        self.widths.is_empty()
    }
    /// The fingerprint of a leaf.
    pub fn leaf(&self, l: Leaf) -> Vec<u64> {
        self.widths
            .iter()
            .enumerate()
            .map(|(i, &w)| match l {
                Leaf::Input(k) => self.inputs[k as usize][i],
                l => l.value(&[], w),
            })
            .collect()
    }
    /// The fingerprint of any term (by evaluating it on every example).
    pub fn eval(&self, t: &Term) -> Vec<u64> {
        (0..self.len())
            .map(|i| {
                let ins: Vec<u64> = self.inputs.iter().map(|f| f[i]).collect();
                t.eval(&ins, self.widths[i])
            })
            .collect()
    }
    /// The fingerprint of a condition: bit `i` is its value on example `i`.
    pub fn eval_cond(&self, c: &Cond) -> u128 {
        let mut bits = 0u128;
        for i in 0..self.len() {
            let ins: Vec<u64> = self.inputs.iter().map(|f| f[i]).collect();
            if c.eval(&ins, self.widths[i]) {
                bits |= 1 << i;
            }
        }
        bits
    }
}

/// The kept terms, by size, with their fingerprints.
#[derive(Clone, Debug)]
pub struct Bank {
    /// The probe the fingerprints are taken on.
    pub probe: Probe,
    /// The kept terms.
    pub terms: Vec<Arc<Term>>,
    /// Their fingerprints, `probe.len()` words each, flat.
    pub fps: Vec<u64>,
    /// `terms[sizes[n]..sizes[n+1]]` have size `n`.
    pub sizes: Vec<usize>,
    /// Counts.
    pub stats: EnumStats,
    index: HashMap<u64, Vec<u32>>,
}

/// A 64-bit hash of a word slice (FNV-1a over words, then mixed).
pub fn hash_words(words: impl Iterator<Item = u64>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for w in words {
        h ^= w;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    }
    h
}

/// A candidate built from bank entries.
#[derive(Clone, Copy)]
enum Shape {
    Un(UnaryOp, u32),
    Bin(BinaryOp, u32, u32),
}

impl Bank {
    /// The fingerprint of entry `i`.
    pub fn fp(&self, i: usize) -> &[u64] {
        let n = self.probe.len();
        &self.fps[i * n..(i + 1) * n]
    }

    /// The number of kept terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Is the bank empty?
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The entry with fingerprint `fp`, if any.
    pub fn find(&self, fp: &[u64]) -> Option<usize> {
        let h = hash_words(fp.iter().copied());
        self.index
            .get(&h)?
            .iter()
            .map(|&i| i as usize)
            .find(|&i| self.fp(i) == fp)
    }

    /// Build the bank for `examples` with `fields` input fields.
    pub fn build(examples: &Examples, fields: usize, comps: &Components, cfg: &EnumConfig) -> Bank {
        let probe = Probe::new(examples, fields);
        let mut bank = Bank {
            probe,
            terms: Vec::new(),
            fps: Vec::new(),
            sizes: vec![0],
            stats: EnumStats::default(),
            index: HashMap::new(),
        };
        let leaves: Vec<Leaf> = (0..fields as u8)
            .map(Leaf::Input)
            .chain(comps.constants.iter().copied())
            .collect();
        for l in leaves {
            let fp = bank.probe.leaf(l);
            bank.stats.enumerated += 1;
            bank.offer(Term::leaf(l), fp, cfg);
        }
        bank.sizes.push(bank.terms.len());
        for size in 1..=cfg.max_size {
            if bank.terms.len() >= cfg.max_terms {
                break;
            }
            let shapes = bank.shapes(size, comps);
            let shapes = if cfg.egg_up_to >= size {
                let before = shapes.len();
                let kept = rewrite::prune_equal(&bank, shapes_terms(&bank, &shapes), size);
                let shapes: Vec<Shape> = kept.into_iter().map(|k| shapes[k]).collect();
                bank.stats.pruned_egg += (before - shapes.len()) as u64;
                bank.stats.enumerated += (before - shapes.len()) as u64;
                shapes
            } else {
                shapes
            };
            bank.stats.enumerated += shapes.len() as u64;
            // Evaluate in parallel chunks, keeping only fingerprints not already banked.
            let n = bank.probe.len();
            let evaluated: Vec<(Shape, u64, Vec<u64>)> = {
                let this = &bank;
                shapes
                    .par_chunks(4096)
                    .flat_map_iter(|chunk| {
                        let mut out = Vec::new();
                        let mut local: HashMap<u64, Vec<usize>> = HashMap::new();
                        for &s in chunk {
                            let fp = this.eval_shape(s);
                            let h = hash_words(fp.iter().copied());
                            if cfg.fingerprint_pruning {
                                let banked = this
                                    .index
                                    .get(&h)
                                    .is_some_and(|v| v.iter().any(|&i| this.fp(i as usize) == fp));
                                let twin = local.get(&h).is_some_and(|v| {
                                    v.iter().any(|&k: &usize| {
                                        let (_, _, f): &(Shape, u64, Vec<u64>) = &out[k];
                                        *f == fp
                                    })
                                });
                                if banked || twin {
                                    continue;
                                }
                                local.entry(h).or_default().push(out.len());
                            }
                            out.push((s, h, fp));
                        }
                        out
                    })
                    .collect()
            };
            let dropped_in_chunks = shapes.len() - evaluated.len();
            bank.stats.pruned_fingerprint += dropped_in_chunks as u64;
            for (s, _, fp) in evaluated {
                debug_assert_eq!(fp.len(), n);
                if bank.terms.len() >= cfg.max_terms {
                    break;
                }
                let t = bank.term_of(s);
                bank.offer(t, fp, cfg);
            }
            bank.sizes.push(bank.terms.len());
        }
        bank.stats.kept = bank.terms.len() as u64;
        bank
    }

    /// Keep `t` unless its fingerprint is banked (with pruning on).
    fn offer(&mut self, t: Arc<Term>, fp: Vec<u64>, cfg: &EnumConfig) {
        let h = hash_words(fp.iter().copied());
        if cfg.fingerprint_pruning {
            if let Some(v) = self.index.get(&h) {
                if v.iter().any(|&i| self.fp(i as usize) == fp.as_slice()) {
                    self.stats.pruned_fingerprint += 1;
                    return;
                }
            }
        }
        self.index
            .entry(h)
            .or_default()
            .push(self.terms.len() as u32);
        self.terms.push(t);
        self.fps.extend(fp);
    }

    /// The candidate shapes of `size`, in a fixed order.
    fn shapes(&self, size: u32, comps: &Components) -> Vec<Shape> {
        let range = |s: u32| self.sizes[s as usize]..self.sizes[s as usize + 1];
        let mut out = Vec::new();
        for op in &comps.unary {
            for i in range(size - 1) {
                out.push(Shape::Un(*op, i as u32));
            }
        }
        for left in 0..size {
            let right = size - 1 - left;
            for op in &comps.binary {
                if commutative(*op) && left > right {
                    continue;
                }
                for i in range(left) {
                    for j in range(right) {
                        if commutative(*op) && left == right && j < i {
                            continue;
                        }
                        out.push(Shape::Bin(*op, i as u32, j as u32));
                    }
                }
            }
        }
        out
    }

    fn eval_shape(&self, s: Shape) -> Vec<u64> {
        let w = &self.probe.widths;
        match s {
            Shape::Un(op, i) => self
                .fp(i as usize)
                .iter()
                .zip(w)
                .map(|(&x, &w)| op.fast(x, w) & width_mask(w))
                .collect(),
            Shape::Bin(op, i, j) => self
                .fp(i as usize)
                .iter()
                .zip(self.fp(j as usize))
                .zip(w)
                .map(|((&x, &y), &w)| op.fast(x, y, w) & width_mask(w))
                .collect(),
        }
    }

    fn term_of(&self, s: Shape) -> Arc<Term> {
        match s {
            Shape::Un(op, i) => Term::un(op, &self.terms[i as usize]),
            Shape::Bin(op, i, j) => Term::bin(op, &self.terms[i as usize], &self.terms[j as usize]),
        }
    }
}

fn shapes_terms(bank: &Bank, shapes: &[Shape]) -> Vec<Arc<Term>> {
    shapes.iter().map(|&s| bank.term_of(s)).collect()
}

/// The kept conditions with their fingerprints (bit `i`: the value on example `i`).
#[derive(Clone, Debug, Default)]
pub struct CondBank {
    /// The conditions, smallest first.
    pub conds: Vec<(Arc<Cond>, u128)>,
}

impl CondBank {
    /// Comparisons of the bank's terms of size ≤ `arg_size`; then negations, conjunctions,
    /// disjunctions and equivalences of the comparisons of leaves.
    pub fn build(bank: &Bank, comps: &Components, arg_size: u32) -> CondBank {
        let mut seen: HashMap<u128, ()> = HashMap::new();
        let mut conds: Vec<(Arc<Cond>, u128)> = Vec::new();
        if comps.compare.is_empty() {
            return CondBank { conds };
        }
        let n = bank.probe.len();
        let all = if n >= 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        let end = bank.sizes[(arg_size as usize + 1).min(bank.sizes.len() - 1)];
        let leaves_end = bank.sizes[1];
        let mut push = |c: Arc<Cond>, bits: u128, conds: &mut Vec<(Arc<Cond>, u128)>| {
            if bits != 0 && bits != all && seen.insert(bits, ()).is_none() {
                conds.push((c, bits));
            }
        };
        let mut base: Vec<(Arc<Cond>, u128)> = Vec::new();
        for op in &comps.compare {
            for i in 0..end {
                for j in 0..end {
                    if i == j || (symmetric(*op) && j < i) {
                        continue;
                    }
                    let (x, y) = (bank.fp(i), bank.fp(j));
                    let mut bits = 0u128;
                    for k in 0..n {
                        if op.fast(x[k], y[k], bank.probe.widths[k]) {
                            bits |= 1 << k;
                        }
                    }
                    let c = Arc::new(Cond::Cmp(*op, bank.terms[i].clone(), bank.terms[j].clone()));
                    if i < leaves_end && j < leaves_end {
                        base.push((c.clone(), bits));
                    }
                    push(c, bits, &mut conds);
                }
            }
        }
        // Connectives of comparisons of leaves (each operand possibly negated).
        base.sort_by_key(|(c, _)| c.size());
        let mut uniq: HashMap<u128, ()> = HashMap::new();
        base.retain(|(_, b)| uniq.insert(*b, ()).is_none());
        for (c, b) in &base {
            push(Arc::new(Cond::Not(c.clone())), !b & all, &mut conds);
        }
        for (i, (c, b)) in base.iter().enumerate() {
            for (d, e) in &base[i + 1..] {
                for (nc, nd) in [(false, false), (true, false), (false, true), (true, true)] {
                    let (cc, bb) = if nc {
                        (Arc::new(Cond::Not(c.clone())), !b & all)
                    } else {
                        (c.clone(), *b)
                    };
                    let (dd, ee) = if nd {
                        (Arc::new(Cond::Not(d.clone())), !e & all)
                    } else {
                        (d.clone(), *e)
                    };
                    push(
                        Arc::new(Cond::And(cc.clone(), dd.clone())),
                        bb & ee,
                        &mut conds,
                    );
                    push(
                        Arc::new(Cond::Or(cc.clone(), dd.clone())),
                        bb | ee,
                        &mut conds,
                    );
                }
                let iff = Arc::new(Cond::Iff(c.clone(), d.clone()));
                push(iff.clone(), !(b ^ e) & all, &mut conds);
                push(Arc::new(Cond::Not(iff)), (b ^ e) & all, &mut conds);
            }
        }
        CondBank { conds }
    }
}
