//! Exhaustive precision grids: an operator on every pair of grid elements, against the best
//! transformer or against another operator.
//!
//! A [`Grid`] is the set of well-formed elements whose members are the `input_bits`-bit values,
//! as elements of `width` bits (`input_bits ≤ width`). With `input_bits = width` that is every
//! element (3^w tnums); with fewer input bits the operators work on wider words whose high bits
//! are known, e.g. 64-bit tnums with the 58 upper bits known zero, so that products of two 6-bit
//! inputs never wrap.
//!
//! # Computing the best transformer for every pair
//!
//! Enumerating `γ(a) × γ(b)` for each pair costs `Σ_a Σ_b |γ(a)|·|γ(b)| = 16^w` operations for
//! tnums (4·10⁹ at 8 bits). Instead the summaries of [`GridDomain`] are built by dynamic
//! programming over the splits `γ(t) = γ(t₀) ∪ γ(t₁)`:
//!
//! 1. for each single value `x` and every element `b`: `S(x, b) = join(S(x, b₀), S(x, b₁))`,
//!    with `S(x, y) = point(op(x, y))` — one table of `2^input_bits × |grid|` summaries;
//! 2. for each `b` (in parallel), for every element `a` in grid order:
//!    `S(a, b) = join(S(a₀, b), S(a₁, b))`, and `finish(S(a, b))` is the best result.
//!
//! That is one `op` call per pair of single values and one `join` per grid pair: the 43 million
//! pairs of 8-bit tnums cost less than evaluating the operator under test on them.

use super::domain::GridDomain;
use super::report::{BestReport, PairwiseReport};
use super::PrecisionError;
use absint::word::width_mask;
use rayon::prelude::*;

/// The largest `input_bits` of an exhaustive grid (3^10 tnums is 59049, so 3.5·10⁹ pairs).
pub const MAX_INPUT_BITS: u32 = 10;

/// Every pair of elements with `input_bits`-bit members, as elements of `width` bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Width of the words the operators work on (1 to 64).
    pub width: u32,
    /// Bits of the inputs' members (1 to `width`, at most [`MAX_INPUT_BITS`]).
    pub input_bits: u32,
}

/// Progress reports: called with the number of pairs just finished, from any thread.
pub type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// A progress sink that ignores reports.
pub fn no_progress(_: u64) {}

/// The grid's elements with the split parts of each as indices into the list.
struct Elements<D> {
    list: Vec<D>,
    /// For each element: its two parts, or `None` for a single value.
    splits: Vec<Option<(u32, u32)>>,
    /// For each element that is a single value: its row in the table of single values.
    point_row: Vec<u32>,
    /// The single values, by row.
    points: Vec<u64>,
}

impl<D: GridDomain> Elements<D> {
    fn new(grid: &Grid) -> Self {
        let list = D::grid(grid.input_bits, grid.width);
        let mut index = vec![u32::MAX; D::key_space(grid.input_bits)];
        for (i, d) in list.iter().enumerate() {
            index[d.key(grid.input_bits)] = i as u32;
        }
        let mut points = Vec::new();
        let mut point_row = vec![u32::MAX; list.len()];
        let splits = list
            .iter()
            .enumerate()
            .map(|(i, d)| match d.split() {
                Some((p, q)) => {
                    let (p, q) = (index[p.key(grid.input_bits)], index[q.key(grid.input_bits)]);
                    // The contract of GridDomain: parts are listed before the element.
                    debug_assert!((p as usize) < i && (q as usize) < i);
                    Some((p, q))
                }
                None => {
                    point_row[i] = points.len() as u32;
                    points.push(d.any_member());
                    None
                }
            })
            .collect();
        Elements {
            list,
            splits,
            point_row,
            points,
        }
    }
}

impl Grid {
    /// A grid of `width`-bit elements with `input_bits`-bit members.
    pub fn new(width: u32, input_bits: u32) -> Result<Grid, PrecisionError> {
        if !(1..=64).contains(&width) {
            return Err(PrecisionError::Width(width));
        }
        if input_bits == 0 || input_bits > width || input_bits > MAX_INPUT_BITS {
            return Err(PrecisionError::InputBits { input_bits, width });
        }
        Ok(Grid { width, input_bits })
    }

    /// Every element of `width` bits (`width ≤` [`MAX_INPUT_BITS`]).
    pub fn full(width: u32) -> Result<Grid, PrecisionError> {
        Grid::new(width, width)
    }

    /// The grid's elements, in grid order.
    pub fn elements<D: GridDomain>(&self) -> Vec<D> {
        D::grid(self.input_bits, self.width)
    }

    /// The number of input pairs.
    pub fn pairs<D: GridDomain>(&self) -> u64 {
        let n = D::grid(self.input_bits, self.width).len() as u64;
        n * n
    }

    /// The best transformer of `concrete` on every pair, `result[b][a]` (for tests and small
    /// grids: it holds `|grid|²` elements).
    pub fn best_table<D: GridDomain>(
        &self,
        concrete: impl Fn(u64, u64) -> u64 + Sync,
    ) -> Vec<Vec<D>> {
        let elements = Elements::<D>::new(self);
        let rows = self.point_rows(&elements, &concrete);
        (0..elements.list.len())
            .into_par_iter()
            .map(|j| {
                let column = self.best_column(&elements, &rows, j);
                column.iter().map(|s| D::finish(self.width, s)).collect()
            })
            .collect()
    }

    /// Compare `op` with the best transformer of `concrete` on every pair.
    ///
    /// `concrete` is the operation on `width`-bit patterns (its result is truncated to `width`
    /// bits); `op` is the abstract operator under test.
    pub fn against_best<D: GridDomain>(
        &self,
        concrete: impl Fn(u64, u64) -> u64 + Sync,
        op: impl Fn(&D, &D) -> D + Sync,
        progress: Progress<'_>,
    ) -> BestReport<D> {
        let elements = Elements::<D>::new(self);
        let rows = self.point_rows(&elements, &concrete);
        let columns: Vec<BestReport<D>> = (0..elements.list.len())
            .into_par_iter()
            .map(|j| {
                let column = self.best_column(&elements, &rows, j);
                let b = &elements.list[j];
                let mut report = BestReport::default();
                for (a, summary) in elements.list.iter().zip(&column) {
                    let best = D::finish(self.width, summary);
                    report.add(a, b, op(a, b), best);
                }
                progress(elements.list.len() as u64);
                report
            })
            .collect();
        // Merged in grid order, so the figures and examples do not depend on scheduling.
        columns
            .into_iter()
            .fold(BestReport::default(), |mut all, column| {
                all.merge(column);
                all
            })
    }

    /// Compare operator `a_op` with operator `b_op` on every pair.
    pub fn pairwise<D: GridDomain>(
        &self,
        a_op: impl Fn(&D, &D) -> D + Sync,
        b_op: impl Fn(&D, &D) -> D + Sync,
        progress: Progress<'_>,
    ) -> PairwiseReport<D> {
        let list = self.elements::<D>();
        let columns: Vec<PairwiseReport<D>> = list
            .par_iter()
            .map(|b| {
                let mut report = PairwiseReport::default();
                for a in &list {
                    report.add(a, b, a_op(a, b), b_op(a, b));
                }
                progress(list.len() as u64);
                report
            })
            .collect();
        columns
            .into_iter()
            .fold(PairwiseReport::default(), |mut all, column| {
                all.merge(column);
                all
            })
    }

    /// Step 1: for each single value `x`, the summaries of `{op(x, y) | y ∈ γ(b)}` for every `b`.
    fn point_rows<D: GridDomain>(
        &self,
        elements: &Elements<D>,
        concrete: &(impl Fn(u64, u64) -> u64 + Sync),
    ) -> Vec<Vec<D::Summary>> {
        let mask = width_mask(self.width);
        elements
            .points
            .par_iter()
            .map(|&x| {
                let mut row: Vec<D::Summary> = Vec::with_capacity(elements.list.len());
                for (j, split) in elements.splits.iter().enumerate() {
                    let s = match split {
                        Some((p, q)) => D::join(&row[*p as usize], &row[*q as usize]),
                        None => {
                            let y = elements.points[elements.point_row[j] as usize];
                            D::point(self.width, concrete(x, y) & mask)
                        }
                    };
                    row.push(s);
                }
                row
            })
            .collect()
    }

    /// Step 2: the summaries of `{op(x, y) | x ∈ γ(a), y ∈ γ(b_j)}` for every `a`.
    fn best_column<D: GridDomain>(
        &self,
        elements: &Elements<D>,
        rows: &[Vec<D::Summary>],
        j: usize,
    ) -> Vec<D::Summary> {
        let mut column: Vec<D::Summary> = Vec::with_capacity(elements.list.len());
        for (i, split) in elements.splits.iter().enumerate() {
            let s = match split {
                Some((p, q)) => D::join(&column[*p as usize], &column[*q as usize]),
                None => rows[elements.point_row[i] as usize][j],
            };
            column.push(s);
        }
        column
    }
}
