//! One entry point for a measurement named by data (what the CLI asks for): an operator, what
//! it is compared with, and which inputs — dispatched to the typed grids and samplers.

use super::grid::{Grid, Progress};
use super::operators::{BinaryOp, Carrier, Domain};
use super::report::{BestReport, PairwiseReport};
use super::sample::{self, Random};
use super::PrecisionError;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the operator is compared with.
#[derive(Clone, Debug)]
pub enum Against {
    /// The best transformer of its concrete operation.
    Best,
    /// Another operator of the same domain.
    Operator(BinaryOp),
}

/// Which input pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// Every pair of a grid.
    Exhaustive(Grid),
    /// Seeded random pairs of `width`-bit elements; against the best transformer, with at most
    /// `budget_bits` bits of uncertainty per pair (see [`sample`]).
    Sampled {
        /// Width of the elements.
        width: u32,
        /// Number of pairs.
        samples: u64,
        /// The seed.
        seed: u64,
        /// `log2(|γ(a)|·|γ(b)|)` at most, against the best transformer.
        budget_bits: u32,
    },
}

impl Inputs {
    /// The width of the words.
    pub fn width(&self) -> u32 {
        match self {
            Inputs::Exhaustive(g) => g.width,
            Inputs::Sampled { width, .. } => *width,
        }
    }

    /// The number of pairs a measurement in `domain` will visit.
    pub fn pairs(&self, domain: Domain) -> u64 {
        match (self, domain) {
            (Inputs::Sampled { samples, .. }, _) => *samples,
            (Inputs::Exhaustive(g), Domain::Tnum) => g.pairs::<Tnum<Bv>>(),
            (Inputs::Exhaustive(g), Domain::UInt) => g.pairs::<UInterval<Bv>>(),
            (Inputs::Exhaustive(g), Domain::SInt) => g.pairs::<SInterval<Bv>>(),
        }
    }
}

/// A report of either kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Report<D> {
    /// Against the best transformer.
    Best(BestReport<D>),
    /// Against another operator.
    Pairwise(PairwiseReport<D>),
}

impl<D: fmt::Display> fmt::Display for Report<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Report::Best(r) => r.fmt(f),
            Report::Pairwise(r) => r.fmt(f),
        }
    }
}

/// A report in one of the domains.
#[derive(Clone, Debug, PartialEq)]
pub enum Measured {
    /// Tnum operators.
    Tnum(Report<Tnum<Bv>>),
    /// Unsigned-interval operators.
    UInt(Report<UInterval<Bv>>),
    /// Signed-interval operators.
    SInt(Report<SInterval<Bv>>),
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measured::Tnum(r) => r.fmt(f),
            Measured::UInt(r) => r.fmt(f),
            Measured::SInt(r) => r.fmt(f),
        }
    }
}

/// Measure `op` against `against` on `inputs`.
pub fn measure(
    op: &BinaryOp,
    against: &Against,
    inputs: &Inputs,
    progress: Progress<'_>,
) -> Result<Measured, PrecisionError> {
    op.check_width(inputs.width())?;
    if let Against::Operator(other) = against {
        if other.domain() != op.domain() {
            return Err(PrecisionError::DomainMismatch(
                op.name().to_string(),
                other.name().to_string(),
            ));
        }
        other.check_width(inputs.width())?;
    }
    Ok(match op.domain() {
        Domain::Tnum => Measured::Tnum(measure_in::<Tnum<Bv>>(op, against, inputs, progress)?),
        Domain::UInt => Measured::UInt(measure_in::<UInterval<Bv>>(op, against, inputs, progress)?),
        Domain::SInt => Measured::SInt(measure_in::<SInterval<Bv>>(op, against, inputs, progress)?),
    })
}

fn measure_in<D: Carrier + Random>(
    op: &BinaryOp,
    against: &Against,
    inputs: &Inputs,
    progress: Progress<'_>,
) -> Result<Report<D>, PrecisionError> {
    let width = inputs.width();
    let abstract_op = op.abstract_fn::<D>(width);
    match against {
        Against::Best => {
            let undefined = AtomicBool::new(false);
            let concrete = op.concrete_fn::<D>(width, &undefined);
            let report = match *inputs {
                Inputs::Exhaustive(grid) => grid.against_best(concrete, abstract_op, progress),
                Inputs::Sampled {
                    samples,
                    seed,
                    budget_bits,
                    ..
                } => sample::against_best(
                    width,
                    samples,
                    seed,
                    budget_bits,
                    concrete,
                    abstract_op,
                    progress,
                ),
            };
            if undefined.load(Ordering::Relaxed) {
                return Err(PrecisionError::Precondition(op.name().to_string()));
            }
            Ok(Report::Best(report))
        }
        Against::Operator(other) => {
            let other_op = other.abstract_fn::<D>(width);
            Ok(Report::Pairwise(match *inputs {
                Inputs::Exhaustive(grid) => grid.pairwise(abstract_op, other_op, progress),
                Inputs::Sampled { samples, seed, .. } => {
                    sample::pairwise(width, samples, seed, abstract_op, other_op, progress)
                }
            }))
        }
    }
}
