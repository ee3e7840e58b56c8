//! What a precision measurement reports: against the best transformer, and operator against
//! operator.
//!
//! Reports are merged in a fixed order (inputs are visited column by column, `b` outer and `a`
//! inner, and columns are merged in order), so two runs give the same figures and the same
//! examples, whatever the number of threads.

use super::domain::GridDomain;
use absint::domain::best::Enumerable;
use std::collections::BTreeMap;
use std::fmt;

/// One input pair with two results: the operator's and the one it is compared with (the best
/// transformer's, or the other operator's).
#[derive(Clone, Debug, PartialEq)]
pub struct Example<D> {
    /// First input.
    pub a: D,
    /// Second input.
    pub b: D,
    /// The measured operator's result.
    pub result: D,
    /// The reference result (best transformer, or the other operator).
    pub reference: D,
}

impl<D: fmt::Display> fmt::Display for Example<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a = {}, b = {}: {} vs {}",
            self.a, self.b, self.result, self.reference
        )
    }
}

/// An operator compared with the best transformer on many input pairs.
///
/// The distance of a sound result is `log2(|γ(result)| / |γ(best)|)`: the number of bits of
/// imprecision (0 when exact; an integer for tnums). The histogram counts sound pairs by that
/// distance rounded up.
#[derive(Clone, Debug, PartialEq)]
pub struct BestReport<D> {
    /// Input pairs compared.
    pub pairs: u64,
    /// Pairs where the result is the best transformer's.
    pub exact: u64,
    /// Pairs where the result misses a concrete result (γ(best) ⊄ γ(result)).
    pub unsound: u64,
    /// Sum of the distances over the sound pairs.
    pub distance_sum: f64,
    /// Largest distance over the sound pairs.
    pub distance_max: f64,
    /// Sound pairs by distance rounded up to whole bits.
    pub histogram: BTreeMap<u32, u64>,
    /// The first pair (in grid order) with the largest distance, if any is inexact.
    pub worst: Option<Example<D>>,
    /// The first unsound pair, if any.
    pub first_unsound: Option<Example<D>>,
}

impl<D> Default for BestReport<D> {
    fn default() -> Self {
        BestReport {
            pairs: 0,
            exact: 0,
            unsound: 0,
            distance_sum: 0.0,
            distance_max: 0.0,
            histogram: BTreeMap::new(),
            worst: None,
            first_unsound: None,
        }
    }
}

impl<D: GridDomain> BestReport<D> {
    /// Count one pair: `result` is the operator's, `best` the best transformer's.
    pub fn add(&mut self, a: &D, b: &D, result: D, best: D) {
        self.pairs += 1;
        if result == best {
            self.exact += 1;
            *self.histogram.entry(0).or_default() += 1;
            return;
        }
        let example = || Example {
            a: a.clone(),
            b: b.clone(),
            result: result.clone(),
            reference: best.clone(),
        };
        if !best.le(&result) {
            self.unsound += 1;
            if self.first_unsound.is_none() {
                self.first_unsound = Some(example());
            }
            return;
        }
        let d = result.log2_size() - best.log2_size();
        self.distance_sum += d;
        // Tnum distances are whole numbers; the tolerance keeps float noise out of the buckets.
        let bucket = (d - 1e-9).ceil().max(0.0) as u32;
        *self.histogram.entry(bucket).or_default() += 1;
        if self.worst.is_none() || d > self.distance_max {
            self.distance_max = self.distance_max.max(d);
            self.worst = Some(example());
        }
    }

    /// Append the counts of a report of later pairs.
    pub fn merge(&mut self, later: BestReport<D>) {
        self.pairs += later.pairs;
        self.exact += later.exact;
        self.unsound += later.unsound;
        self.distance_sum += later.distance_sum;
        for (k, v) in later.histogram {
            *self.histogram.entry(k).or_default() += v;
        }
        if let Some(w) = later.worst {
            if self.worst.is_none() || later.distance_max > self.distance_max {
                self.distance_max = later.distance_max;
                self.worst = Some(w);
            }
        }
        if self.first_unsound.is_none() {
            self.first_unsound = later.first_unsound;
        }
    }
}

impl<D> BestReport<D> {
    /// Share of exact pairs, from 0 to 1.
    pub fn exact_share(&self) -> f64 {
        ratio(self.exact, self.pairs)
    }
    /// Mean distance over the sound pairs, in bits.
    pub fn distance_mean(&self) -> f64 {
        let sound = self.pairs - self.unsound;
        if sound == 0 {
            0.0
        } else {
            self.distance_sum / sound as f64
        }
    }
}

/// Whole bits as an integer (tnums), fractions with three decimals (intervals).
fn bits(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// ```text
/// pairs        531441
/// exact        432406 (81.364%)
/// unsound      0
/// distance     mean 0.391 bits, max 8 bits
/// histogram    0: 432406, 1: ...
/// worst        a = ..., b = ...: ... vs ...
/// ```
impl<D: fmt::Display> fmt::Display for BestReport<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pairs       {}", self.pairs)?;
        writeln!(
            f,
            "exact       {} ({:.3}%)",
            self.exact,
            100.0 * self.exact_share()
        )?;
        writeln!(f, "unsound     {}", self.unsound)?;
        writeln!(
            f,
            "distance    mean {:.4} bits, max {} bits",
            self.distance_mean(),
            bits(self.distance_max)
        )?;
        let buckets: Vec<String> = self
            .histogram
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        writeln!(f, "histogram   {}", buckets.join(", "))?;
        if let Some(w) = &self.worst {
            writeln!(f, "worst       {w}")?;
        }
        if let Some(u) = &self.first_unsound {
            writeln!(f, "unsound at  {u}")?;
        }
        Ok(())
    }
}

/// How operator A's result compares with operator B's, pair by pair, by γ inclusion.
#[derive(Clone, Debug, PartialEq)]
pub struct PairwiseReport<D> {
    /// Input pairs compared.
    pub pairs: u64,
    /// A and B give the same element.
    pub equal: u64,
    /// A is strictly more precise: γ(A) ⊊ γ(B).
    pub better: u64,
    /// A is strictly less precise: γ(B) ⊊ γ(A).
    pub worse: u64,
    /// Neither includes the other.
    pub incomparable: u64,
    /// The first pair (in grid order) where A is better.
    pub first_better: Option<Example<D>>,
    /// The first pair where A is worse.
    pub first_worse: Option<Example<D>>,
    /// The first incomparable pair.
    pub first_incomparable: Option<Example<D>>,
}

impl<D> Default for PairwiseReport<D> {
    fn default() -> Self {
        PairwiseReport {
            pairs: 0,
            equal: 0,
            better: 0,
            worse: 0,
            incomparable: 0,
            first_better: None,
            first_worse: None,
            first_incomparable: None,
        }
    }
}

impl<D: Enumerable> PairwiseReport<D> {
    /// Count one pair: `result` is A's, `reference` is B's.
    pub fn add(&mut self, a: &D, b: &D, result: D, reference: D) {
        self.pairs += 1;
        if result == reference {
            self.equal += 1;
            return;
        }
        let (count, first) = match (result.le(&reference), reference.le(&result)) {
            (true, _) => (&mut self.better, &mut self.first_better),
            (false, true) => (&mut self.worse, &mut self.first_worse),
            (false, false) => (&mut self.incomparable, &mut self.first_incomparable),
        };
        *count += 1;
        if first.is_none() {
            *first = Some(Example {
                a: a.clone(),
                b: b.clone(),
                result,
                reference,
            });
        }
    }

    /// Append the counts of a report of later pairs.
    pub fn merge(&mut self, later: PairwiseReport<D>) {
        self.pairs += later.pairs;
        self.equal += later.equal;
        self.better += later.better;
        self.worse += later.worse;
        self.incomparable += later.incomparable;
        self.first_better = self.first_better.take().or(later.first_better);
        self.first_worse = self.first_worse.take().or(later.first_worse);
        self.first_incomparable = self.first_incomparable.take().or(later.first_incomparable);
    }
}

/// ```text
/// pairs         43046721
/// equal         ...
/// better        ... (A strictly more precise)
/// ...
/// ```
impl<D: fmt::Display> fmt::Display for PairwiseReport<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |n: u64| 100.0 * ratio(n, self.pairs);
        writeln!(f, "pairs         {}", self.pairs)?;
        writeln!(f, "equal         {} ({:.3}%)", self.equal, pct(self.equal))?;
        writeln!(
            f,
            "better        {} ({:.3}%)",
            self.better,
            pct(self.better)
        )?;
        writeln!(f, "worse         {} ({:.3}%)", self.worse, pct(self.worse))?;
        writeln!(
            f,
            "incomparable  {} ({:.3}%)",
            self.incomparable,
            pct(self.incomparable)
        )?;
        for (name, ex) in [
            ("better at", &self.first_better),
            ("worse at", &self.first_worse),
            ("incomparable at", &self.first_incomparable),
        ] {
            if let Some(ex) = ex {
                writeln!(f, "{name:<16}{ex}")?;
            }
        }
        Ok(())
    }
}
