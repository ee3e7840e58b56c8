//! Exhaustive checks of a candidate at a small width: exactness against the best transformer.
//!
//! Binary targets run on the precision grid ([`Grid::against_best`]: every pair of elements,
//! the best transformer by dynamic programming, in parallel); unary and shift targets
//! enumerate every tnum (and every amount below the width). The result is a [`BestReport`]
//! (exact pairs, unsound pairs, distances), and the first wrong input becomes a CEGIS
//! counterexample ([`Failure`]).

use super::examples::Example;
use super::operator::Candidate;
use super::targets::{Arity, Target, TargetDomain};
use crate::precision::operators::Carrier;
use crate::precision::{no_progress, BestReport, Grid, GridDomain, PairwiseReport};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use rayon::prelude::*;
use std::fmt;

/// An element type with two fields.
pub trait Element: GridDomain + Carrier + fmt::Display {
    /// The two fields.
    fn fields(&self) -> [u64; 2];
    /// The element of `width` bits with these fields.
    fn from_fields(width: u32, f: [u64; 2]) -> Self;
}

impl Element for Tnum<Bv> {
    fn fields(&self) -> [u64; 2] {
        [self.v(), self.m()]
    }
    fn from_fields(width: u32, f: [u64; 2]) -> Self {
        Tnum::new(Bv::new(width, f[0]), Bv::new(width, f[1]))
    }
}

impl Element for UInterval<Bv> {
    fn fields(&self) -> [u64; 2] {
        [self.lo.get(), self.hi.get()]
    }
    fn from_fields(width: u32, f: [u64; 2]) -> Self {
        UInterval::from_bounds(Bv::new(width, f[0]), Bv::new(width, f[1]))
    }
}

impl Element for SInterval<Bv> {
    fn fields(&self) -> [u64; 2] {
        [self.lo.get(), self.hi.get()]
    }
    fn from_fields(width: u32, f: [u64; 2]) -> Self {
        SInterval::from_bounds(Bv::new(width, f[0]), Bv::new(width, f[1]))
    }
}

/// A wrong input found by a check.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The input as an example (with the best result).
    pub example: Example,
    /// For an unsound result: one member of each argument, the result's fields, and the
    /// concrete result it misses.
    pub unsound: Option<(Vec<u64>, [u64; 2], u64)>,
}

/// What an exhaustive check found.
#[derive(Clone, Debug)]
pub struct CheckResult {
    /// Inputs checked.
    pub pairs: u64,
    /// Inputs where the candidate is exactly the best.
    pub exact: u64,
    /// Inputs where it is unsound.
    pub unsound: u64,
    /// Mean distance to the best (bits).
    pub distance_mean: f64,
    /// Largest distance.
    pub distance_max: f64,
    /// Sound inputs by distance in whole bits.
    pub histogram: std::collections::BTreeMap<u32, u64>,
    /// The first wrong input, if any.
    pub failure: Option<Failure>,
}

impl CheckResult {
    /// Exact everywhere?
    pub fn is_exact(&self) -> bool {
        self.exact == self.pairs
    }
    /// Share of exact inputs.
    pub fn exact_share(&self) -> f64 {
        if self.pairs == 0 {
            0.0
        } else {
            self.exact as f64 / self.pairs as f64
        }
    }
}

fn from_report<D: Element>(
    target: &Target,
    cand: &Candidate,
    width: u32,
    r: &BestReport<D>,
) -> CheckResult {
    let wrong = r.first_unsound.as_ref().or(r.worst.as_ref());
    let failure = wrong.and_then(|ex| {
        let mut inputs = ex.a.fields().to_vec();
        match target.arity {
            Arity::Binary => inputs.extend(ex.b.fields()),
            Arity::Unary => {}
            // The shift amount is carried as a constant tnum in `b`.
            Arity::Shift => inputs.push(ex.b.fields()[0]),
        }
        let best = target.best(&inputs, width)?;
        let result = cand.eval(&inputs, width);
        let unsound = (!ex.reference.le(&ex.result)).then(|| {
            miss(target, &ex.a, &ex.b, &ex.result, width).map(|(members, z)| (members, result, z))
        });
        Some(Failure {
            example: Example {
                width,
                inputs,
                best,
            },
            unsound: unsound.flatten(),
        })
    });
    CheckResult {
        pairs: r.pairs,
        exact: r.exact,
        unsound: r.unsound,
        distance_mean: r.distance_mean(),
        distance_max: r.distance_max,
        histogram: r.histogram.clone(),
        failure,
    }
}

/// Members whose concrete result `result` misses.
fn miss<D: Element>(
    target: &Target,
    a: &D,
    b: &D,
    result: &D,
    width: u32,
) -> Option<(Vec<u64>, u64)> {
    let op = target.concrete;
    match target.arity {
        Arity::Binary => a.members().find_map(|x| {
            b.members().find_map(|y| {
                let z = op.apply(x, y, width);
                (!result.has(z)).then(|| (vec![x, y], z))
            })
        }),
        Arity::Unary => a.members().find_map(|x| {
            let z = op.apply(x, 0, width);
            (!result.has(z)).then(|| (vec![x], z))
        }),
        Arity::Shift => {
            let k = b.fields()[0];
            a.members().find_map(|x| {
                let z = op.apply(x, k, width);
                (!result.has(z)).then(|| (vec![x, k], z))
            })
        }
    }
}

fn binary<D: Element>(
    target: &Target,
    cand: &Candidate,
    width: u32,
) -> (CheckResult, BestReport<D>) {
    let grid = Grid {
        width,
        input_bits: width,
    };
    let concrete = |x: u64, y: u64| target.concrete.apply(x, y, width);
    let op = |a: &D, b: &D| {
        let [a0, a1] = a.fields();
        let [b0, b1] = b.fields();
        D::from_fields(width, cand.eval(&[a0, a1, b0, b1], width))
    };
    let r = grid.against_best::<D>(concrete, op, &no_progress);
    (from_report(target, cand, width, &r), r)
}

/// Unary and shift targets on tnums: every tnum of `width` bits (and every amount below it).
fn unary(target: &Target, cand: &Candidate, width: u32) -> (CheckResult, BestReport<Tnum<Bv>>) {
    let all: Vec<Tnum<Bv>> = Tnum::all(width).collect();
    let amounts: Vec<u64> = match target.arity {
        Arity::Shift => (0..u64::from(width)).collect(),
        _ => vec![0],
    };
    let reports: Vec<BestReport<Tnum<Bv>>> = all
        .par_iter()
        .map(|a| {
            let mut r = BestReport::default();
            for &k in &amounts {
                let mut inputs = vec![a.v(), a.m()];
                if target.arity == Arity::Shift {
                    inputs.push(k);
                }
                let Some(best) = target.best(&inputs, width) else {
                    continue;
                };
                let result = Tnum::from_fields(width, cand.eval(&inputs, width));
                let b = Tnum::new(Bv::new(width, k), Bv::new(width, 0));
                r.add(a, &b, result, Tnum::from_fields(width, best));
            }
            r
        })
        .collect();
    let r = reports
        .into_iter()
        .fold(BestReport::default(), |mut acc, x| {
            acc.merge(x);
            acc
        });
    (from_report(target, cand, width, &r), r)
}

/// Check `cand` exhaustively at `width` bits against the best transformer.
pub fn exhaustive(target: &Target, cand: &Candidate, width: u32) -> CheckResult {
    match (target.domain, target.arity) {
        (TargetDomain::Tnum, Arity::Binary) => binary::<Tnum<Bv>>(target, cand, width).0,
        (TargetDomain::UInt, Arity::Binary) => binary::<UInterval<Bv>>(target, cand, width).0,
        (TargetDomain::SInt, Arity::Binary) => binary::<SInterval<Bv>>(target, cand, width).0,
        (TargetDomain::Tnum, _) => unary(target, cand, width).0,
        // No unary interval targets yet: an empty check.
        _ => CheckResult {
            pairs: 0,
            exact: 0,
            unsound: 0,
            distance_mean: 0.0,
            distance_max: 0.0,
            histogram: Default::default(),
            failure: None,
        },
    }
}

/// The candidate against the reference (catalog) operator on every input at `width`:
/// better / worse / equal / incomparable counts. `None` when the reference is not a binary
/// operator of the domain.
pub fn pairwise(target: &Target, cand: &Candidate, width: u32) -> Option<Pairwise> {
    fn run<D: Element>(target: &Target, cand: &Candidate, width: u32) -> Option<Pairwise> {
        let reference = crate::precision::BinaryOp::by_name(target.reference).ok()?;
        let grid = Grid {
            width,
            input_bits: width,
        };
        let theirs = reference.abstract_fn::<D>(width);
        let ours = |a: &D, b: &D| {
            let [a0, a1] = a.fields();
            let [b0, b1] = b.fields();
            D::from_fields(width, cand.eval(&[a0, a1, b0, b1], width))
        };
        let r: PairwiseReport<D> = grid.pairwise::<D>(ours, theirs, &no_progress);
        Some(Pairwise {
            reference: target.reference.to_string(),
            width,
            pairs: r.pairs,
            equal: r.equal,
            better: r.better,
            worse: r.worse,
            incomparable: r.incomparable,
        })
    }
    match (target.domain, target.arity) {
        (TargetDomain::Tnum, Arity::Binary) => run::<Tnum<Bv>>(target, cand, width),
        (TargetDomain::UInt, Arity::Binary) => run::<UInterval<Bv>>(target, cand, width),
        (TargetDomain::SInt, Arity::Binary) => run::<SInterval<Bv>>(target, cand, width),
        _ => None,
    }
}

/// Candidate versus reference operator, input by input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pairwise {
    /// The reference's catalog name.
    pub reference: String,
    /// The grid width.
    pub width: u32,
    /// Inputs compared.
    pub pairs: u64,
    /// Same result.
    pub equal: u64,
    /// The candidate is strictly more precise.
    pub better: u64,
    /// The candidate is strictly less precise.
    pub worse: u64,
    /// Neither includes the other.
    pub incomparable: u64,
}
