//! The report of a synthesis: proofs, precision on the exhaustive grid, comparison with the
//! kernel's operator, counts and times — as data ([`Report`], serializable to JSON) and as
//! markdown ([`Report::to_markdown`], [`table`]).

use super::cegis::{Proof, Status, Synthesis};
use super::check::{self, Pairwise};
use super::enumerate::EnumStats;
use super::targets::TargetDomain;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

/// Precision against the best transformer on every input of a grid.
#[derive(Clone, Debug, Serialize)]
pub struct GridFigures {
    /// Width of the grid's elements.
    pub width: u32,
    /// Inputs.
    pub pairs: u64,
    /// Exact inputs.
    pub exact: u64,
    /// Unsound inputs (must be 0).
    pub unsound: u64,
    /// Exact share in percent.
    pub exact_percent: f64,
    /// Mean distance in bits.
    pub distance_mean: f64,
    /// Largest distance in bits.
    pub distance_max: f64,
    /// Inputs by distance in whole bits.
    pub histogram: BTreeMap<u32, u64>,
}

/// Everything measured about one synthesis.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The target's name.
    pub target: String,
    /// How it ended.
    pub status: Status,
    /// The output fields as terms.
    pub fields: Option<[String; 2]>,
    /// Operations in the result.
    pub size: Option<u32>,
    /// z3 proofs.
    pub proofs: Vec<Proof>,
    /// z3: at least as precise as the reference operator on every input.
    pub precision_proof: Option<Proof>,
    /// Precision on the exhaustive grid.
    pub grid: Option<GridFigures>,
    /// Against the kernel's (reference) operator on the same grid.
    pub pairwise: Option<Pairwise>,
    /// Enumeration counts, summed over rounds.
    pub enumeration: EnumStats,
    /// CEGIS rounds.
    pub rounds: usize,
    /// Examples in the last round.
    pub examples: usize,
    /// Goals the decomposition attempted, over all rounds.
    pub goals: u64,
    /// z3 counterexamples at a proof width that became examples.
    pub wide_counterexamples: u32,
    /// Rejected (unsound) candidates.
    pub rejected: usize,
    /// Seconds searching.
    pub search_seconds: f64,
    /// Seconds in the CEGIS exhaustive checks.
    pub check_seconds: f64,
    /// Seconds in z3 proofs.
    pub prove_seconds: f64,
    /// Wall time of the synthesis (search, checks and proofs).
    pub synthesis_seconds: f64,
    /// Seconds measuring the final grid and the comparison.
    pub measure_seconds: f64,
}

/// The grid width of the final measurement: 8 bits for tnums, 6 for intervals.
pub fn default_grid_width(domain: TargetDomain) -> u32 {
    match domain {
        TargetDomain::Tnum => 8,
        _ => 6,
    }
}

impl Report {
    /// Measure `s`'s result on the exhaustive grid of `grid_width` bits (none: no grid).
    pub fn measure(s: &Synthesis, grid_width: Option<u32>) -> Report {
        let t = Instant::now();
        let (grid, pairwise) = match (&s.candidate, grid_width) {
            (Some(c), Some(w)) => {
                let r = check::exhaustive(&s.target, c, w);
                let grid = GridFigures {
                    width: w,
                    pairs: r.pairs,
                    exact: r.exact,
                    unsound: r.unsound,
                    exact_percent: 100.0 * r.exact_share(),
                    distance_mean: r.distance_mean,
                    distance_max: r.distance_max,
                    histogram: r.histogram,
                };
                (Some(grid), check::pairwise(&s.target, c, w))
            }
            _ => (None, None),
        };
        Report {
            target: s.target.name(),
            status: s.status,
            fields: s
                .candidate
                .as_ref()
                .map(|c| [c.fields[0].to_string(), c.fields[1].to_string()]),
            size: s.candidate.as_ref().map(|c| c.size()),
            proofs: s.proofs.clone(),
            precision_proof: s.precision_proof.clone(),
            grid,
            pairwise,
            enumeration: s.enumeration(),
            rounds: s.rounds.len(),
            examples: s.rounds.last().map_or(0, |r| r.examples),
            goals: s.rounds.iter().map(|r| r.goals).sum(),
            wide_counterexamples: s.wide_counterexamples,
            rejected: s.suite.len(),
            search_seconds: s.search_seconds,
            check_seconds: s.check_seconds,
            prove_seconds: s.prove_seconds,
            synthesis_seconds: s.total_seconds,
            measure_seconds: t.elapsed().as_secs_f64(),
        }
    }

    /// The proof verdict at `width`, if proved there.
    pub fn verdict(&self, width: u32) -> &str {
        self.proofs
            .iter()
            .find(|p| p.width == width)
            .map_or("—", |p| p.verdict.as_str())
    }

    /// A markdown report.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Synthesis of `{}`\n", self.target);
        let _ = writeln!(s, "Outcome: **{}**.\n", self.status.label());
        if let Some([f0, f1]) = &self.fields {
            let [n0, n1] = if self.target.starts_with("tnum") {
                ["value", "mask"]
            } else {
                ["lo", "hi"]
            };
            let _ = writeln!(s, "```text\n{n0} = {f0}\n{n1} = {f1}\n```\n");
        }
        let _ = writeln!(
            s,
            "## Soundness (z3)\n\n| width | verdict | time |\n| --- | --- | --- |"
        );
        for p in &self.proofs {
            let _ = writeln!(s, "| {} | {} | {:.2} s |", p.width, p.verdict, p.seconds);
        }
        for p in self.proofs.iter().filter(|p| p.detail.is_some()) {
            let _ = writeln!(
                s,
                "\nAt {} bits: {}",
                p.width,
                p.detail.as_deref().unwrap_or_default()
            );
        }
        if let Some(p) = &self.precision_proof {
            let reference = self
                .pairwise
                .as_ref()
                .map_or("the kernel's operator", |x| x.reference.as_str());
            let _ = writeln!(
                s,
                "\nAt least as precise as `{reference}` on every input at {} bits (z3): {} in {:.2} s{}",
                p.width,
                p.verdict,
                p.seconds,
                p.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
            );
        }
        if let Some(g) = &self.grid {
            let _ = writeln!(
                s,
                "\n## Precision on every input of {} bits\n\n| inputs | exact | unsound | mean distance | max distance |\n| --- | --- | --- | --- | --- |\n| {} | {} ({:.3}%) | {} | {:.4} bits | {} bits |",
                g.width, g.pairs, g.exact, g.exact_percent, g.unsound, g.distance_mean, g.distance_max
            );
        }
        if let Some(p) = &self.pairwise {
            let _ = writeln!(
                s,
                "\n## Against `{}` ({} bits)\n\n| equal | better | worse | incomparable |\n| --- | --- | --- | --- |\n| {} | {} | {} | {} |",
                p.reference, p.width, p.equal, p.better, p.worse, p.incomparable
            );
        }
        let e = &self.enumeration;
        let _ = writeln!(
            s,
            "\n## Search\n\n| rounds | examples | z3 counterexamples learned | enumerated | pruned (fingerprint) | pruned (egg) | kept | conditions | goals |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.rounds, self.examples, self.wide_counterexamples, e.enumerated, e.pruned_fingerprint, e.pruned_egg, e.kept, e.conditions, self.goals
        );
        let _ = writeln!(
            s,
            "\nTime: synthesis {:.2} s (search {:.2} s, checks {:.2} s, z3 {:.2} s); grid measurement {:.2} s. Rejected candidates: {}.",
            self.synthesis_seconds, self.search_seconds, self.check_seconds, self.prove_seconds, self.measure_seconds, self.rejected
        );
        s
    }
}

/// One markdown table of several reports (what `vernier synth --all` writes).
pub fn table(reports: &[Report]) -> String {
    let mut s = String::from(
        "| target | outcome | z3 64 | z3 32 | grid | exact | vs kernel (better/worse) | ≥ kernel (z3) | enumerated | pruned fp | kept | rounds | synthesis |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in reports {
        let (grid, exact) = match &r.grid {
            Some(g) => (
                format!("{} bits", g.width),
                format!("{:.3}%", g.exact_percent),
            ),
            None => ("—".into(), "—".into()),
        };
        let vs = r
            .pairwise
            .as_ref()
            .map_or("—".into(), |p| format!("{}/{}", p.better, p.worse));
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} s |",
            r.target,
            r.status.label(),
            r.verdict(64),
            r.verdict(32),
            grid,
            exact,
            vs,
            r.precision_proof
                .as_ref()
                .map_or("—", |p| p.verdict.as_str()),
            r.enumeration.enumerated,
            r.enumeration.pruned_fingerprint,
            r.enumeration.kept,
            r.rounds,
            r.synthesis_seconds
        );
    }
    s
}
