//! Precision measurement: how far an abstract operator's results are from the best possible.
//!
//! The yardstick is the best transformer `op#best(a, b) = α({op(x, y) | x ∈ γ(a), y ∈ γ(b)})`
//! (see [`absint::domain::best`]): the smallest element that a *sound* operator can return. An
//! operator is *exact* on a pair when its result is that element, and its *distance* there is
//! `log2(|γ(result)| / |γ(best)|)`, the bits of imprecision.
//!
//! * [`Grid`]: every pair of small elements, exhaustively — against the best transformer
//!   ([`Grid::against_best`], [`BestReport`]) or against another operator
//!   ([`Grid::pairwise`], [`PairwiseReport`]: better / worse / equal / incomparable by γ
//!   inclusion). The best transformer of all pairs is computed by dynamic programming, which
//!   makes the 43 million pairs of 8-bit tnums a matter of seconds.
//! * [`sample`]: the same comparisons on seeded random pairs of wide (64-bit) elements.
//! * [`prove`]: a z3 proof, at a given width and for *all* inputs, that one operator is at
//!   least as precise as another.
//! * [`operators`]: the catalog's binary operators, typed for the grids ([`BinaryOp`]).
//! * [`measure`]: one entry point for a measurement described by data (what the CLI runs).
//!
//! Everything is deterministic: seeds are explicit and parallel results are merged in grid order.

mod domain;
mod grid;
mod measure;
pub mod operators;
pub mod prove;
mod report;
pub mod sample;

pub use domain::GridDomain;
pub use grid::{no_progress, Grid, Progress, MAX_INPUT_BITS};
pub use measure::{measure, Against, Inputs, Measured, Report};
pub use operators::{BinaryOp, Domain};
pub use report::{BestReport, Example, PairwiseReport};

/// Why a measurement cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrecisionError {
    /// Words are 1 to 64 bits wide.
    #[error("width {0}: words are 1 to 64 bits wide")]
    Width(u32),
    /// The inputs of an exhaustive grid are at most [`MAX_INPUT_BITS`] bits and at most the width.
    #[error("{input_bits}-bit inputs at width {width}: exhaustive grids take 1 to {max} input bits, at most the width", max = MAX_INPUT_BITS)]
    InputBits {
        /// The bits asked for.
        input_bits: u32,
        /// The width of the words.
        width: u32,
    },
    /// No operator of that name.
    #[error("unknown operator `{0}` (known: {1})")]
    UnknownOperator(String, String),
    /// Two operators that cannot be compared (different domains).
    #[error("`{0}` and `{1}` work on different domains")]
    DomainMismatch(String, String),
    /// The operator is not binary on one domain.
    #[error(
        "`{0}` does not take two arguments of one domain (tnum, uint, sint) returning that domain"
    )]
    NotBinary(String),
    /// The operator cannot be instantiated at that width.
    #[error("`{0}` does not run at width {1}")]
    UnsupportedWidth(String, u32),
    /// The operator's concrete operation has a precondition, so the best transformer of the
    /// grid's pairs is not defined.
    #[error("`{0}` has a precondition on its inputs: no best transformer over all pairs")]
    Precondition(String),
}
