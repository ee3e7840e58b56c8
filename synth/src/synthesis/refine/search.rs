//! The refinement's meet search: check every piece, select greedily, prove, measure.
//!
//! The same procedure as the binary meet search ([`crate::synthesis::meet`]), on arguments of
//! two kinds (a tnum and an unsigned interval):
//!
//! 1. every piece of the pool ([`super::pieces`]: the kernel's refinement, the exact one,
//!    cheaper ones, plausible unsound candidates, and [`RefineConfig::extra_pieces`]) is checked
//!    exhaustively at [`RefineTarget::check_width`] (every tnum, every interval, every member,
//!    [`verify::exhaustive`]) and on the selection grid (the best transformer included in the
//!    piece's result on every pair with `S ≠ ∅`); a refuted piece goes to the suite of
//!    rejected candidates with its counterexample;
//! 2. the selection adds, from nothing or from the kernel's piece
//!    ([`RefineConfig::kernel_first`]), the piece with the most exact pairs gained per IR
//!    operation (traced at 64 bits), until no piece gains [`RefineConfig::min_gain`] pairs,
//!    then drops every piece whose removal loses no exact pair;
//! 3. each selected piece is proved at every proof width with z3 ([`verify::prove`]), and the
//!    meet step ([`MeetLemma`]) when there is more than one piece; a piece that is not proved is
//!    excluded and the selection runs again ([`RefineConfig::proved_only`]). Then two facts of
//!    the result, for reading: the exactness certificate and "no worse than the kernel's"
//!    ([`super::lemma`]);
//! 4. the result is measured on the report grid: exact share over the pairs with `S ≠ ∅`,
//!    distance histogram, comparison with the kernel's piece; and its time per call.

use super::grid::{includes, log2_size, Fields, PairGrid};
use super::lemma::{ExactnessCertificate, NoWorseThan};
use super::pieces::{sound_pieces, unsound_pieces, Output, Piece, RefinePiece};
use super::proof;
use crate::catalog::{Abs, Operator};
use crate::synthesis::cegis::Status;
use crate::synthesis::meet::operator::{meet_abs, MeetLemma};
use crate::synthesis::meet::{MeetOperator, Origin, PieceProof, PieceRecord, Step, Versus};
use crate::synthesis::operator::abs_fields;
use crate::synthesis::suite::{Rejected, Suite};
use crate::verify::{self, Verdict};
use absint::word::Bv;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A refinement target: `tnum.refine`, `uint.refine` or `sint.refine`.
#[derive(Clone, Debug)]
pub struct RefineTarget {
    /// What the refinement returns.
    pub output: Output,
    /// Width of the exhaustive soundness check of every piece.
    pub check_width: u32,
    /// Width of the selection grid (every tnum × every interval).
    pub selection_width: u32,
    /// Width of the report grid.
    pub report_width: u32,
}

impl RefineTarget {
    /// The target returning `output`, with the default widths (check 4, selection 5, report 6).
    pub fn new(output: Output) -> Self {
        RefineTarget {
            output,
            check_width: 4,
            selection_width: 5,
            report_width: 6,
        }
    }

    /// `tnum.refine`, `uint.refine` or `sint.refine`.
    pub fn name(&self) -> String {
        format!("{}.refine", self.output.domain())
    }

    /// The catalog name of the kernel's piece.
    pub fn reference(&self) -> String {
        RefinePiece::new(Piece::Kernel, self.output)
            .name()
            .to_string()
    }
}

/// The refinement targets.
pub fn targets() -> Vec<RefineTarget> {
    vec![
        RefineTarget::new(Output::Tnum),
        RefineTarget::new(Output::UInt),
        RefineTarget::new(Output::SInt),
    ]
}

/// The target `domain.op` (`tnum refine`, `uint refine`, `sint refine`), if it is one.
pub fn by_name(domain: &str, op: &str) -> Option<RefineTarget> {
    targets()
        .into_iter()
        .find(|t| op == "refine" && t.output.domain() == domain)
}

/// How to search.
#[derive(Clone)]
pub struct RefineConfig {
    /// Start the meet with the kernel's piece (the result is then never less precise than the
    /// kernel's by construction); otherwise the selection starts from nothing and "no worse
    /// than the kernel's" is proved with z3 instead.
    pub kernel_first: bool,
    /// Stop adding pieces once this share (0 to 1) of the scored selection pairs is exact.
    pub target_share: Option<f64>,
    /// A piece must add at least this many exact pairs of the selection grid.
    pub min_gain: u64,
    /// Most pieces in the meet.
    pub max_pieces: usize,
    /// Drop redundant pieces after the forward selection.
    pub prune: bool,
    /// Widths of the proofs (none: no proofs, and the result is unproved).
    pub prove_widths: Vec<u32>,
    /// Budget per z3 query.
    pub z3_timeout: Duration,
    /// Width of the report grid (`None`: the target's).
    pub report_width: Option<u32>,
    /// Measure the result on the report grid.
    pub measure: bool,
    /// Extra pieces appended to the pool (tests: a mutant that must be rejected).
    pub extra_pieces: Vec<Arc<dyn Operator>>,
    /// Only pieces proved at every proof width may stay in the meet.
    pub proved_only: bool,
    /// Also ask z3 whether the result is no worse than the kernel's ([`NoWorseThan`]; one
    /// query on both operators, which times out at 64 bits: off by default, the grids compare
    /// them exhaustively and exactness implies it).
    pub prove_no_worse: bool,
    /// Ask z3 for the exactness certificate of the result ([`ExactnessCertificate`]) at every
    /// proof width.
    pub certify_exactness: bool,
    /// Check width override (`None`: the target's).
    pub check_width: Option<u32>,
    /// Selection width override (`None`: the target's).
    pub selection_width: Option<u32>,
}

impl Default for RefineConfig {
    fn default() -> Self {
        RefineConfig {
            kernel_first: false,
            target_share: None,
            min_gain: 1,
            max_pieces: 8,
            prune: true,
            prove_widths: vec![64, 32],
            z3_timeout: Duration::from_secs(60),
            report_width: None,
            measure: true,
            extra_pieces: Vec::new(),
            proved_only: true,
            prove_no_worse: false,
            certify_exactness: true,
            check_width: None,
            selection_width: None,
        }
    }
}

/// Precision on a grid of (tnum, interval) pairs.
#[derive(Clone, Debug, Serialize)]
pub struct GridFigures {
    /// Width of tnums, bounds and members.
    pub width: u32,
    /// Pairs of the grid.
    pub pairs: u64,
    /// Pairs whose `S` is empty (any result is sound; not scored).
    pub empty: u64,
    /// Pairs scored (`S ≠ ∅`).
    pub scored: u64,
    /// Scored pairs whose result is the best transformer's.
    pub exact: u64,
    /// Scored pairs whose result misses a member of `S` (must be 0).
    pub unsound: u64,
    /// `exact / scored`, in percent.
    pub exact_percent: f64,
    /// Mean distance to the best transformer over the scored pairs, in bits.
    pub distance_mean: f64,
    /// Largest distance, in bits.
    pub distance_max: f64,
    /// Scored pairs by distance rounded up to whole bits.
    pub histogram: BTreeMap<u32, u64>,
    /// Against the kernel's refinement, on the scored pairs.
    pub versus: Option<Versus>,
}

/// A z3 fact about the result (exactness, no worse than the kernel's).
#[derive(Clone, Debug, Serialize)]
pub struct Fact {
    /// What is stated.
    pub statement: String,
    /// The width.
    pub width: u32,
    /// `valid`, `counterexample` or `unknown`.
    pub verdict: String,
    /// The counterexample or the reason, if not valid.
    pub detail: Option<String>,
    /// Seconds.
    pub seconds: f64,
}

/// The outcome of a refinement search.
#[derive(Clone, Serialize)]
pub struct RefineSynthesis {
    /// `tnum.refine`, `uint.refine` or `sint.refine`.
    pub target: String,
    /// Proved when every selected piece (and the meet step) is proved at every proof width.
    pub status: Status,
    /// Width of the exhaustive check of the pieces.
    pub check_width: u32,
    /// The pool, with each piece's check and cost.
    pub pool: Vec<PieceRecord>,
    /// The selection path.
    pub path: Vec<Step>,
    /// The selected pieces, in meet order.
    pub selected: Vec<String>,
    /// IR operations of the result (traced at 64 bits).
    pub cost: u64,
    /// IR operations of the kernel's piece.
    pub reference_cost: u64,
    /// Proofs of the pieces and of the meet step.
    pub proofs: Vec<PieceProof>,
    /// Facts about the result (exactness certificate, no worse than the kernel's).
    pub facts: Vec<Fact>,
    /// The result on the selection grid.
    pub selection: Option<GridFigures>,
    /// The result on the report grid.
    pub report: Option<GridFigures>,
    /// The kernel's piece alone on the report grid.
    pub reference_report: Option<GridFigures>,
    /// Nanoseconds per call of the result (generic code on `Bv`, one thread).
    pub ns_per_call: Option<f64>,
    /// Nanoseconds per call of the kernel's piece on the same pairs.
    pub reference_ns_per_call: Option<f64>,
    /// The rejected pieces, with counterexamples.
    #[serde(skip)]
    pub suite: Suite,
    /// The result as a catalog operator.
    #[serde(skip)]
    pub operator: Option<Arc<MeetOperator>>,
    /// Seconds checking pieces.
    pub check_seconds: f64,
    /// Seconds selecting.
    pub search_seconds: f64,
    /// Seconds proving (pieces, meet step, facts).
    pub prove_seconds: f64,
    /// Seconds measuring the report grid.
    pub measure_seconds: f64,
    /// Wall time.
    pub total_seconds: f64,
}

impl RefineSynthesis {
    /// The IR of the result at `width` bits, traced from the meet operator (inputs `a.value`,
    /// `a.mask` of the tnum and `b.lo`, `b.hi` of the interval).
    pub fn ir(&self, width: u32) -> Option<crate::ir::Operator> {
        let op = self.operator.as_ref()?;
        crate::ir::library::from_catalog(&**op, width)
            .map(|ir| ir.renamed(self.target.replace('.', "_")))
    }
}

/// One piece of the pool.
struct PoolEntry {
    op: Arc<dyn Operator>,
    origin: Origin,
    /// The refinement piece, for its compositional proof (`None`: an extra piece, one query).
    piece: Option<RefinePiece>,
}

/// The pool of `target`: its sound pieces (kernel's first), its unsound candidates, then
/// `extra`.
fn pool(target: &RefineTarget, extra: &[Arc<dyn Operator>]) -> Vec<PoolEntry> {
    let o = target.output;
    let mut pool: Vec<PoolEntry> = sound_pieces(o)
        .into_iter()
        .map(|p| PoolEntry {
            op: RefinePiece::new(p, o).arc(),
            origin: if p == Piece::Kernel {
                Origin::Reference
            } else {
                Origin::Hand
            },
            piece: Some(RefinePiece::new(p, o)),
        })
        .collect();
    pool.extend(
        std::iter::once(Piece::Identity)
            .chain(unsound_pieces(o))
            .map(|p| PoolEntry {
                op: RefinePiece::new(p, o).arc(),
                origin: if p.is_candidate_mutant() {
                    Origin::Mutant
                } else {
                    Origin::Hand
                },
                piece: Some(RefinePiece::new(p, o)),
            }),
    );
    pool.extend(extra.iter().map(|op| PoolEntry {
        op: op.clone(),
        origin: Origin::Mutant,
        piece: None,
    }));
    pool
}

/// IR operations of `op` traced at 64 bits (0 if it does not trace).
fn cost(op: &dyn Operator) -> u64 {
    crate::ir::library::from_catalog(op, 64).map_or(0, |ir| ir.nodes().len() as u64)
}

/// The rejected record of `op` refuted by `cex`.
fn rejected_of(
    target: &RefineTarget,
    op: &dyn Operator,
    cex: &verify::Cex,
    check: String,
) -> Rejected {
    Rejected {
        target: target.name(),
        width: cex.width,
        ir: crate::ir::library::from_catalog(op, cex.width)
            .map(|o| o.to_text())
            .unwrap_or_default(),
        fields: vec![op.name().to_string()],
        fingerprint: format!(
            "{:016x}",
            crate::synthesis::enumerate::hash_words(op.name().bytes().map(u64::from))
        ),
        args: cex.args.iter().map(|a| abs_fields(a).to_vec()).collect(),
        members: cex.members.iter().map(|m| m.get()).collect(),
        result: abs_fields(&cex.result),
        concrete: cex.concrete.get(),
        check,
    }
}

/// The guarded meet of two result vectors, pair by pair ([`meet_abs`]).
fn meet_two(grid: &PairGrid, output: Output, a: &[Fields], b: &[Fields]) -> Vec<Fields> {
    a.par_iter()
        .zip(b)
        .map(|(&x, &y)| {
            let [u, v] = abs_fields(&meet_abs(&grid.abs(output, x), &grid.abs(output, y)));
            (u, v)
        })
        .collect()
}

/// The guarded meet of the results of `selected` (in order) on every pair.
fn meet_of(
    grid: &PairGrid,
    output: Output,
    selected: &[usize],
    results: &BTreeMap<usize, Vec<Fields>>,
) -> Vec<Fields> {
    let Some((&first, rest)) = selected.split_first() else {
        return Vec::new();
    };
    rest.iter().fold(results[&first].clone(), |acc, i| {
        meet_two(grid, output, &acc, &results[i])
    })
}

/// Exact pairs of `results` on `grid`.
fn count_exact(grid: &PairGrid, output: Output, results: &[Fields]) -> u64 {
    (0..results.len())
        .into_par_iter()
        .filter(|&k| grid.best(output, k) == Some(results[k]))
        .count() as u64
}

/// The figures of `results` on `grid`, against `reference`'s results if given.
fn figures(
    grid: &PairGrid,
    output: Output,
    results: &[Fields],
    reference: Option<(&str, &[Fields])>,
) -> GridFigures {
    let w = grid.width;
    let mut f = GridFigures {
        width: w,
        pairs: grid.len() as u64,
        empty: 0,
        scored: 0,
        exact: 0,
        unsound: 0,
        exact_percent: 0.0,
        distance_mean: 0.0,
        distance_max: 0.0,
        histogram: BTreeMap::new(),
        versus: reference.map(|(name, _)| Versus {
            against: name.to_string(),
            better: 0,
            worse: 0,
            equal: 0,
            incomparable: 0,
        }),
    };
    let mut sum = 0.0;
    for (k, &r) in results.iter().enumerate() {
        let Some(best) = grid.best(output, k) else {
            f.empty += 1;
            continue;
        };
        f.scored += 1;
        if let (Some(v), Some((_, theirs))) = (f.versus.as_mut(), reference) {
            let t = theirs[k];
            let (a, b) = (includes(output, w, t, r), includes(output, w, r, t));
            match (a, b) {
                _ if r == t => v.equal += 1,
                (true, _) => v.better += 1,
                (_, true) => v.worse += 1,
                _ => v.incomparable += 1,
            }
        }
        if r == best {
            f.exact += 1;
            *f.histogram.entry(0).or_default() += 1;
            continue;
        }
        if !includes(output, w, r, best) {
            f.unsound += 1;
            continue;
        }
        let d = log2_size(output, w, r) - log2_size(output, w, best);
        sum += d;
        f.distance_max = f.distance_max.max(d);
        let bucket = (d - 1e-9).ceil().max(0.0) as u32;
        *f.histogram.entry(bucket).or_default() += 1;
    }
    f.exact_percent = 100.0 * f.exact as f64 / f.scored.max(1) as f64;
    f.distance_mean = sum / f.scored.max(1) as f64;
    f
}

/// Mean nanoseconds per call of `op` over every `step`-th pair of `grid` (one thread): each
/// chunk of 500 calls is timed five times and its fastest run kept, so a preemption on a
/// loaded machine spoils one run of one chunk, not the figure.
fn ns_per_call(op: &dyn Operator, grid: &PairGrid, step: usize) -> Option<f64> {
    let ks: Vec<usize> = (0..grid.len()).step_by(step.max(1)).collect();
    if ks.is_empty() {
        return None;
    }
    let args: Vec<[Abs<Bv>; 2]> = ks.iter().map(|&k| grid.args(k)).collect();
    let members: Vec<[Bv; 2]> = ks.iter().map(|&k| grid.members(k)).collect();
    let mut total = 0.0;
    for (a, m) in args.chunks(500).zip(members.chunks(500)) {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            for (a, m) in a.iter().zip(m) {
                std::hint::black_box(op.eval_bv(grid.width, a, m));
            }
            best = best.min(t.elapsed().as_nanos() as f64);
        }
        total += best;
    }
    Some(total / args.len() as f64)
}

/// Run `f`, interruptible through `interrupt` when given.
fn z3<R>(interrupt: Option<&(dyn Fn() -> bool + Sync)>, f: impl FnOnce() -> R) -> R {
    match interrupt {
        Some(stop) => verify::with_interrupt(stop, f),
        None => f(),
    }
}

fn proof_of(subject: &str, width: u32, method: &str, v: &Verdict, seconds: f64) -> PieceProof {
    PieceProof {
        subject: subject.to_string(),
        width,
        method: method.to_string(),
        verdict: v.label().to_string(),
        detail: detail(v),
        lemmas: 1,
        seconds,
    }
}

fn detail(v: &Verdict) -> Option<String> {
    match v {
        Verdict::Valid => None,
        Verdict::Counterexample(c) => Some(c.to_string()),
        Verdict::Unknown(r) => Some(r.clone()),
    }
}

/// Prove a pool entry at `width`: a refinement piece by its lemmas ([`proof::prove_piece`]),
/// another operator by one query.
fn prove_entry(
    entry: &PoolEntry,
    width: u32,
    timeout: Duration,
    interrupt: Option<&(dyn Fn() -> bool + Sync)>,
) -> (PieceProof, Verdict) {
    let t = Instant::now();
    let run = |f: &dyn Fn() -> Verdict| z3(interrupt, f);
    let (verdict, lemmas, method) = match &entry.piece {
        Some(p) => {
            let l = proof::prove_piece(p, width, timeout, &run);
            (proof::combine(&l), l.len(), proof::method(p))
        }
        None => (run(&|| verify::prove(&*entry.op, width, timeout)), 1, "z3"),
    };
    let mut p = proof_of(
        entry.op.name(),
        width,
        method,
        &verdict,
        t.elapsed().as_secs_f64(),
    );
    p.lemmas = lemmas;
    (p, verdict)
}

/// Run the refinement search on `target`.
pub fn search(target: &RefineTarget, cfg: &RefineConfig) -> RefineSynthesis {
    search_with(target, cfg, None, &mut |_| {})
}

/// [`search`], polling `interrupt` between steps (and inside z3 queries) and reporting
/// progress.
pub fn search_with(
    target: &RefineTarget,
    cfg: &RefineConfig,
    interrupt: Option<&(dyn Fn() -> bool + Sync)>,
    progress: &mut dyn FnMut(&str),
) -> RefineSynthesis {
    let started = Instant::now();
    let stopped = || interrupt.is_some_and(|i| i());
    let output = target.output;
    let check_width = cfg.check_width.unwrap_or(target.check_width);
    let mut out = RefineSynthesis {
        target: target.name(),
        status: Status::NotFound,
        check_width,
        pool: Vec::new(),
        path: Vec::new(),
        selected: Vec::new(),
        cost: 0,
        reference_cost: 0,
        proofs: Vec::new(),
        facts: Vec::new(),
        selection: None,
        report: None,
        reference_report: None,
        ns_per_call: None,
        reference_ns_per_call: None,
        suite: Suite::new(),
        operator: None,
        check_seconds: 0.0,
        search_seconds: 0.0,
        prove_seconds: 0.0,
        measure_seconds: 0.0,
        total_seconds: 0.0,
    };
    let pool = pool(target, &cfg.extra_pieces);
    let names: Vec<String> = pool.iter().map(|p| p.op.name().to_string()).collect();
    let costs: Vec<u64> = pool.iter().map(|p| cost(&*p.op)).collect();
    let kernel = names.iter().position(|n| *n == target.reference());

    // 1. Soundness: exhaustive at the check width, then on the selection grid.
    let t = Instant::now();
    progress(&format!(
        "building the {}-bit selection grid",
        cfg.selection_width.unwrap_or(target.selection_width)
    ));
    let sel = PairGrid::for_output(
        cfg.selection_width.unwrap_or(target.selection_width),
        output,
    );
    let mut results: BTreeMap<usize, Vec<Fields>> = BTreeMap::new();
    for (i, p) in pool.iter().enumerate() {
        if stopped() {
            break;
        }
        progress(&format!("checking {} at {check_width} bits", names[i]));
        let shape_ok = p.op.args() == vec![crate::catalog::Kind::Tnum, output.bounds_kind()]
            && p.op.result() == output.kind();
        let check = if !shape_ok {
            "not a refinement of this target's signature".to_string()
        } else {
            match verify::exhaustive(&*p.op, check_width) {
                Verdict::Counterexample(cex) => {
                    let check = format!("exhaustive {check_width}-bit check");
                    out.suite
                        .add(rejected_of(target, &*p.op, &cex, check.clone()));
                    format!("counterexample at {check_width} bits")
                }
                Verdict::Unknown(r) => format!("unknown at {check_width} bits: {r}"),
                Verdict::Valid => {
                    let r = sel.results(&*p.op);
                    let f = figures(&sel, output, &r, None);
                    if f.unsound == 0 {
                        results.insert(i, r);
                        "sound".to_string()
                    } else {
                        format!(
                            "misses a member on {} pairs of the {}-bit selection grid",
                            f.unsound, sel.width
                        )
                    }
                }
            }
        };
        out.pool.push(PieceRecord {
            name: names[i].clone(),
            origin: p.origin,
            proof_method: "z3".into(),
            cost: costs[i],
            check,
            exact_alone: results.get(&i).map(|r| count_exact(&sel, output, r)),
            selected: false,
        });
    }
    out.check_seconds = t.elapsed().as_secs_f64();
    out.reference_cost = kernel.map_or(0, |k| costs[k]);
    if stopped() {
        out.status = Status::Interrupted;
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    }

    // 2–3. Selection, then proofs; a piece not proved is excluded and the selection reruns.
    let scored = sel.len() as u64 - sel.empty();
    let pct = |e: u64| 100.0 * e as f64 / scored.max(1) as f64;
    let forced = if cfg.kernel_first {
        kernel.filter(|k| results.contains_key(k))
    } else {
        None
    };
    let mut excluded: Vec<usize> = Vec::new();
    let mut proofs: BTreeMap<(usize, u32), PieceProof> = BTreeMap::new();
    let chosen: Vec<usize> = loop {
        let ts = Instant::now();
        let mut selected: Vec<usize> = Vec::new();
        let mut exact = 0u64;
        let mut current: Vec<Fields> = Vec::new();
        let mut total_cost = 0u64;
        if let Some(k) = forced {
            selected.push(k);
            current = results[&k].clone();
            exact = count_exact(&sel, output, &current);
            total_cost = costs[k];
            out.path.push(Step {
                action: "start".into(),
                piece: names[k].clone(),
                exact,
                pairs: scored,
                exact_percent: pct(exact),
                cost: total_cost,
            });
        }
        let reached = |e: u64| {
            cfg.target_share
                .is_some_and(|s| e as f64 >= s * scored as f64)
        };
        while selected.len() < cfg.max_pieces && !stopped() && !reached(exact) {
            progress(&format!(
                "selection: {} pieces, {:.3}% exact",
                selected.len(),
                pct(exact)
            ));
            let mut best: Option<(f64, u64, usize, u64)> = None;
            for (&i, r) in &results {
                if selected.contains(&i) || excluded.contains(&i) {
                    continue;
                }
                let e = if selected.is_empty() {
                    count_exact(&sel, output, r)
                } else {
                    count_exact(&sel, output, &meet_two(&sel, output, &current, r))
                };
                let gain = e.saturating_sub(exact);
                if gain < cfg.min_gain {
                    continue;
                }
                let ratio = gain as f64 / costs[i].max(1) as f64;
                if best.is_none_or(|(b, _, _, _)| ratio > b) {
                    best = Some((ratio, gain, i, e));
                }
            }
            let Some((_, _, i, e)) = best else { break };
            selected.push(i);
            current = meet_of(&sel, output, &selected, &results);
            exact = e;
            total_cost += costs[i];
            out.path.push(Step {
                action: "add".into(),
                piece: names[i].clone(),
                exact,
                pairs: scored,
                exact_percent: pct(exact),
                cost: total_cost,
            });
        }
        if cfg.prune {
            let mut j = 0;
            while j < selected.len() && selected.len() > 1 && !stopped() {
                if Some(selected[j]) == forced {
                    j += 1;
                    continue;
                }
                let rest: Vec<usize> = selected
                    .iter()
                    .enumerate()
                    .filter(|&(n, _)| n != j)
                    .map(|(_, &i)| i)
                    .collect();
                if count_exact(&sel, output, &meet_of(&sel, output, &rest, &results)) >= exact {
                    let i = selected.remove(j);
                    total_cost -= costs[i];
                    out.path.push(Step {
                        action: "drop".into(),
                        piece: names[i].clone(),
                        exact,
                        pairs: scored,
                        exact_percent: pct(exact),
                        cost: total_cost,
                    });
                } else {
                    j += 1;
                }
            }
        }
        out.search_seconds += ts.elapsed().as_secs_f64();
        if stopped() || selected.is_empty() {
            break selected;
        }
        let tp = Instant::now();
        let mut failed: Option<(usize, u32)> = None;
        'pieces: for &i in &selected {
            for &w in &cfg.prove_widths {
                if stopped() {
                    break 'pieces;
                }
                let p = match proofs.get(&(i, w)) {
                    Some(p) => p.clone(),
                    None => {
                        progress(&format!("proving {} at {w} bits", names[i]));
                        let (p, v) = prove_entry(&pool[i], w, cfg.z3_timeout, interrupt);
                        if let Verdict::Counterexample(cex) = &v {
                            if cex.op == names[i] {
                                out.suite.add(rejected_of(
                                    target,
                                    &*pool[i].op,
                                    cex,
                                    format!("z3 at {w} bits"),
                                ));
                            }
                        }
                        proofs.insert((i, w), p.clone());
                        p
                    }
                };
                if p.verdict != "valid" && failed.is_none() {
                    failed = Some((i, w));
                    if cfg.proved_only {
                        break 'pieces;
                    }
                }
            }
        }
        out.prove_seconds += tp.elapsed().as_secs_f64();
        match failed {
            Some((i, w)) if cfg.proved_only && Some(i) != forced && !stopped() => {
                excluded.push(i);
                out.path.push(Step {
                    action: format!("exclude (not proved at {w} bits)"),
                    piece: names[i].clone(),
                    exact,
                    pairs: scored,
                    exact_percent: pct(exact),
                    cost: total_cost,
                });
                if let Some(rec) = out.pool.iter_mut().find(|r| r.name == names[i]) {
                    rec.check = format!("sound at {check_width} bits; not proved at {w} bits");
                }
            }
            _ => break selected,
        }
    };
    if chosen.is_empty() {
        out.status = if stopped() {
            Status::Interrupted
        } else {
            Status::NotFound
        };
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    }
    for r in &mut out.pool {
        r.selected = chosen.iter().any(|&i| names[i] == r.name);
    }
    out.selected = chosen.iter().map(|&i| names[i].clone()).collect();
    let pieces: Vec<Arc<dyn Operator>> = chosen.iter().map(|&i| pool[i].op.clone()).collect();
    let operator = match MeetOperator::new(&format!("{}.meet", target.name()), pieces) {
        Ok(op) => Arc::new(op),
        Err(_) => {
            out.total_seconds = started.elapsed().as_secs_f64();
            return out;
        }
    };
    out.cost = cost(&*operator);
    let final_results = meet_of(&sel, output, &chosen, &results);
    let kernel_results = kernel.and_then(|k| results.get(&k));
    out.selection = Some(figures(
        &sel,
        output,
        &final_results,
        kernel_results
            .map(|r| (target.reference(), r.as_slice()))
            .as_ref()
            .map(|(n, r)| (n.as_str(), *r)),
    ));

    // The operator's proof: its pieces', then the meet step; then the facts.
    let tp = Instant::now();
    out.status = Status::Proved;
    for &w in &cfg.prove_widths {
        for &i in &chosen {
            if stopped() {
                break;
            }
            let p = match proofs.get(&(i, w)) {
                Some(p) => p.clone(),
                None => prove_entry(&pool[i], w, cfg.z3_timeout, interrupt).0,
            };
            if p.verdict != "valid" {
                out.status = Status::Unproved;
            }
            out.proofs.push(p);
        }
        if chosen.len() > 1 && !stopped() {
            progress(&format!("proving the meet step at {w} bits"));
            let t = Instant::now();
            let v = z3(interrupt, || {
                verify::prove(&MeetLemma::new(output.kind()), w, cfg.z3_timeout)
            });
            if !v.is_valid() {
                out.status = Status::Unproved;
            }
            out.proofs.push(proof_of(
                "meet step: a word in two values is in their guarded meet",
                w,
                "z3",
                &v,
                t.elapsed().as_secs_f64(),
            ));
        }
    }
    if cfg.prove_widths.is_empty() {
        out.status = Status::Unproved;
    }
    let op_dyn: Arc<dyn Operator> = operator.clone();
    for &w in &cfg.prove_widths {
        if stopped() {
            break;
        }
        if cfg.certify_exactness {
            progress(&format!("proving the exactness certificate at {w} bits"));
            let t = Instant::now();
            let single = match chosen.as_slice() {
                [i] => pool[*i].piece.as_ref(),
                _ => None,
            };
            let run = |f: &dyn Fn() -> Verdict| z3(interrupt, f);
            let v = match single.and_then(|p| proof::certify_exact(p, w, cfg.z3_timeout, &run)) {
                Some(lemmas) => proof::combine(&lemmas),
                None => z3(interrupt, || {
                    verify::prove(
                        &ExactnessCertificate::new(op_dyn.clone()),
                        w,
                        cfg.z3_timeout,
                    )
                }),
            };
            out.facts.push(Fact {
                statement:
                    "exact: the result is the best transformer's whenever S ≠ ∅ (certificate)"
                        .into(),
                width: w,
                verdict: v.label().into(),
                detail: detail(&v),
                seconds: t.elapsed().as_secs_f64(),
            });
        }
        if let (Some(k), false, true) = (kernel, forced.is_some(), cfg.prove_no_worse) {
            if stopped() {
                break;
            }
            progress(&format!("proving no worse than the kernel's at {w} bits"));
            let t = Instant::now();
            let v = z3(interrupt, || {
                verify::prove(
                    &NoWorseThan::new(op_dyn.clone(), pool[k].op.clone()),
                    w,
                    cfg.z3_timeout,
                )
            });
            out.facts.push(Fact {
                statement: format!("no worse than `{}` whenever S ≠ ∅", names[k]),
                width: w,
                verdict: v.label().into(),
                detail: detail(&v),
                seconds: t.elapsed().as_secs_f64(),
            });
        }
    }
    out.prove_seconds += tp.elapsed().as_secs_f64();
    if stopped() {
        out.status = Status::Interrupted;
    }

    // 4. Time per call, and the report grid.
    let step = (sel.len() / 20_000).max(1);
    out.ns_per_call = ns_per_call(&*operator, &sel, step);
    out.reference_ns_per_call = kernel.and_then(|k| ns_per_call(&*pool[k].op, &sel, step));
    out.operator = Some(operator.clone());
    if cfg.measure && !stopped() {
        let t = Instant::now();
        let width = cfg.report_width.unwrap_or(target.report_width);
        progress(&format!("measuring on the {width}-bit report grid"));
        let grid = PairGrid::for_output(width, output);
        let ours = grid.results(&*operator);
        let theirs = kernel.map(|k| grid.results(&*pool[k].op));
        out.report = Some(figures(
            &grid,
            output,
            &ours,
            theirs
                .as_deref()
                .map(|r| (target.reference(), r))
                .as_ref()
                .map(|(n, r)| (n.as_str(), *r)),
        ));
        out.reference_report = theirs.as_deref().map(|r| figures(&grid, output, r, None));
        out.measure_seconds = t.elapsed().as_secs_f64();
    }
    out.total_seconds = started.elapsed().as_secs_f64();
    out
}
