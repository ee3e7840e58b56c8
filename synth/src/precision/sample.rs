//! Sampled precision at any width (64 bits included): seeded random input pairs.
//!
//! Against the best transformer, the best result is computed by enumerating `γ(a) × γ(b)`
//! ([`best_binary`]), so the inputs are drawn with at most `budget_bits` bits of uncertainty
//! between them (`|γ(a)|·|γ(b)| ≤ 2^budget_bits`): for tnums, that many unknown bits placed at
//! random positions among all 64. Operator against operator needs no best result, and the
//! inputs are drawn from the whole domain.
//!
//! The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014), re-implemented here: the seed fully determines the pairs, and the
//! pairs are drawn before the parallel evaluation, so the report does not depend on threads.

use super::grid::Progress;
use super::report::{BestReport, PairwiseReport};
use super::GridDomain;
use absint::domain::best::best_binary;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{width_mask, Bv};
use rayon::prelude::*;

/// The SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.state)
    }
    /// A number in `0..n` (`n > 0`; the small modulo bias does not matter here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A domain whose elements can be drawn at random.
pub trait Random: GridDomain {
    /// A random `width`-bit element with at most `2^log2_size` members (`log2_size ≤ width`).
    fn random(width: u32, log2_size: u32, rng: &mut SplitMix64) -> Self;
}

impl Random for Tnum<Bv> {
    /// Exactly `log2_size` unknown bits at random positions, random known bits.
    fn random(width: u32, log2_size: u32, rng: &mut SplitMix64) -> Self {
        let mut mask = 0u64;
        while mask.count_ones() < log2_size.min(width) {
            mask |= 1 << rng.below(u64::from(width));
        }
        let value = rng.next_u64() & !mask & width_mask(width);
        Tnum::new(Bv::new(width, value), Bv::new(width, mask))
    }
}

/// A random `[lo, lo + len]` within `0..2^width`, with `len < 2^log2_size`.
fn random_bounds(width: u32, log2_size: u32, rng: &mut SplitMix64) -> (u64, u64) {
    let top = width_mask(width);
    let len = rng.next_u64() & width_mask(log2_size.min(width));
    let lo = (rng.next_u64() & top).min(top - len);
    (lo, lo + len)
}

impl Random for UInterval<Bv> {
    fn random(width: u32, log2_size: u32, rng: &mut SplitMix64) -> Self {
        let (lo, hi) = random_bounds(width, log2_size, rng);
        UInterval::from_bounds(Bv::new(width, lo), Bv::new(width, hi))
    }
}

impl Random for SInterval<Bv> {
    /// Drawn as an unsigned interval and moved by half the range, so that the unsigned order
    /// becomes the signed one.
    fn random(width: u32, log2_size: u32, rng: &mut SplitMix64) -> Self {
        let (lo, hi) = random_bounds(width, log2_size, rng);
        let flip = 1u64 << (width - 1);
        SInterval::from_bounds(Bv::new(width, lo ^ flip), Bv::new(width, hi ^ flip))
    }
}

/// Pairs drawn with at most `budget_bits` bits of uncertainty between the two.
fn budgeted_pairs<D: Random>(width: u32, samples: u64, seed: u64, budget_bits: u32) -> Vec<(D, D)> {
    let mut rng = SplitMix64::new(seed);
    let budget = budget_bits.min(2 * width);
    (0..samples)
        .map(|_| {
            let ka = rng.below(u64::from(budget.min(width)) + 1) as u32;
            let kb = rng.below(u64::from((budget - ka).min(width)) + 1) as u32;
            (
                D::random(width, ka, &mut rng),
                D::random(width, kb, &mut rng),
            )
        })
        .collect()
}

/// How many pairs are evaluated between two progress reports.
const CHUNK: usize = 256;

/// Compare `op` with the best transformer of `concrete` on `samples` random pairs of `width`
/// bits whose uncertainty is at most `budget_bits` bits in total.
pub fn against_best<D: Random>(
    width: u32,
    samples: u64,
    seed: u64,
    budget_bits: u32,
    concrete: impl Fn(u64, u64) -> u64 + Sync,
    op: impl Fn(&D, &D) -> D + Sync,
    progress: Progress<'_>,
) -> BestReport<D> {
    let pairs = budgeted_pairs::<D>(width, samples, seed, budget_bits);
    let chunks: Vec<BestReport<D>> = pairs
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut report = BestReport::default();
            for (a, b) in chunk {
                let best = best_binary(&concrete, width, a, b);
                report.add(a, b, op(a, b), best);
            }
            progress(chunk.len() as u64);
            report
        })
        .collect();
    chunks
        .into_iter()
        .fold(BestReport::default(), |mut all, c| {
            all.merge(c);
            all
        })
}

/// Compare operator `a_op` with `b_op` on `samples` random pairs of `width`-bit elements drawn
/// from the whole domain (any number of unknown bits, intervals of any size).
pub fn pairwise<D: Random>(
    width: u32,
    samples: u64,
    seed: u64,
    a_op: impl Fn(&D, &D) -> D + Sync,
    b_op: impl Fn(&D, &D) -> D + Sync,
    progress: Progress<'_>,
) -> PairwiseReport<D> {
    let mut rng = SplitMix64::new(seed);
    let mut draw = || {
        let k = rng.below(u64::from(width) + 1) as u32;
        D::random(width, k, &mut rng)
    };
    let pairs: Vec<(D, D)> = (0..samples).map(|_| (draw(), draw())).collect();
    let chunks: Vec<PairwiseReport<D>> = pairs
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut report = PairwiseReport::default();
            for (a, b) in chunk {
                report.add(a, b, a_op(a, b), b_op(a, b));
            }
            progress(chunk.len() as u64);
            report
        })
        .collect();
    chunks
        .into_iter()
        .fold(PairwiseReport::default(), |mut all, c| {
            all.merge(c);
            all
        })
}
