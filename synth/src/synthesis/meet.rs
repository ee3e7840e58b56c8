//! The meet search: an operator assembled as the meet of sound pieces, chosen greedily.
//!
//! A meet of sound abstract operators is sound: every concrete result lies in every piece's
//! result, hence in their intersection ([`operator::MeetLemma`]). So a piece that closes one
//! precision gap can be added to an operator without losing soundness. Given a
//! [`MeetTarget`] — a binary operation on tnums or intervals and a pool of candidate pieces
//! ([`pool`]: the kernel's operator, historical kernel operators, hand-designed pieces and, for
//! intervals, the bounds the enumerative search finds ([`bounds`])) — [`search`]:
//!
//! 1. **checks every piece** exhaustively at a small width (every argument, every member,
//!    [`crate::verify::exhaustive`]) and again on the selection grid (the best transformer
//!    must be included in the piece's result on every pair); a piece that fails goes to the
//!    suite of rejected candidates with its counterexample and never enters a meet;
//! 2. **selects greedily**: starting from the kernel's operator (when the target has one, it is
//!    the meet's first piece, so the result is never less precise than the kernel's), it adds
//!    the piece with the largest gain in exact pairs (results equal to the best transformer on
//!    the selection grid) per unit of cost — the number of IR operations of the piece traced at
//!    64 bits, a deterministic stand-in for its time — until no piece adds
//!    [`MeetConfig::min_gain`] pairs, the target share is reached or the cost budget is spent;
//!    then it **drops** every selected piece whose removal loses no exact pair (a later,
//!    finer piece may subsume an earlier one). Every step is recorded ([`Step`]);
//! 3. **proves** each selected piece at 64 and 32 bits — with z3, or with the composite proofs
//!    that exist (the inductive proofs of the kernel multiplications, the compositional proof
//!    of the multiplication pieces) — and the meet step itself ([`operator::MeetLemma`]) and,
//!    with the kernel's operator first, that the guarded meet is never less precise than its
//!    first piece ([`operator::BelowFirst`]). The operator's proof is "meet of proved pieces";
//! 4. **measures** the result on the report grid against the best transformer and against the
//!    kernel's operator (or the kernel's unknown result), and its time per call.

pub mod bounds;
pub mod operator;
pub mod pool;
pub mod report;
mod select;

pub use operator::{meet_abs, MeetOperator};
pub use pool::{all as targets, by_name, MeetTarget, Origin, PoolPiece, ProofMethod};

use super::cegis::Status;
use super::operator::abs_fields;
use super::suite::{Rejected, Suite};
use crate::catalog::{Abs, Kind, Operator};
use crate::precision::operators::Carrier;
use crate::precision::prove::{at_least_as_precise, Verdict as PrecisionVerdict};
use crate::precision::{no_progress, BinaryOp, Grid};
use crate::verify::{self, combine, Verdict};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use operator::{BelowFirst, MeetLemma, TopOperator};
use rayon::prelude::*;
use select::{meet_of, select};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to search.
#[derive(Clone, Debug)]
pub struct MeetConfig {
    /// Stop adding pieces once this share of the selection grid is exact (0 to 1).
    pub target_share: Option<f64>,
    /// Most IR operations of the meet (the sum of its pieces' costs).
    pub cost_budget: Option<u64>,
    /// A piece must add at least this many exact pairs of the selection grid.
    pub min_gain: u64,
    /// Most pieces in the meet.
    pub max_pieces: usize,
    /// Drop redundant pieces after the forward selection.
    pub prune: bool,
    /// Widths of the proofs of the selected pieces (none: no proofs).
    pub prove_widths: Vec<u32>,
    /// Budget per z3 query.
    pub z3_timeout: Duration,
    /// The grid of the final measurement (`None`: the target's; measured only when
    /// [`MeetConfig::measure`] is set).
    pub report_grid: Option<Grid>,
    /// Measure the result on the report grid.
    pub measure: bool,
    /// Extra pieces appended to the target's pool (tests: a mutant that must be rejected).
    pub extra_pieces: Vec<PoolPiece>,
    /// Only pieces proved at every proof width may stay in the meet: a selected piece whose
    /// proof is not valid is excluded and the selection runs again without it.
    pub proved_only: bool,
}

impl Default for MeetConfig {
    fn default() -> Self {
        MeetConfig {
            target_share: None,
            cost_budget: None,
            min_gain: 1,
            max_pieces: 8,
            prune: true,
            prove_widths: vec![64, 32],
            z3_timeout: Duration::from_secs(60),
            report_grid: None,
            measure: true,
            extra_pieces: Vec::new(),
            proved_only: true,
        }
    }
}

/// One piece of the pool, as the search saw it.
#[derive(Clone, Debug, Serialize)]
pub struct PieceRecord {
    /// The catalog name.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// How it is proved at wide widths.
    pub proof_method: String,
    /// IR operations at 64 bits (the cost of the selection).
    pub cost: u64,
    /// `sound`, or why it was rejected.
    pub check: String,
    /// Exact pairs of the selection grid for the piece alone (sound pieces).
    pub exact_alone: Option<u64>,
    /// In the final meet?
    pub selected: bool,
}

/// One step of the selection path.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// `start` (the first piece), `add` or `drop`.
    pub action: String,
    /// The piece.
    pub piece: String,
    /// Exact pairs of the selection grid after the step.
    pub exact: u64,
    /// Pairs of the selection grid.
    pub pairs: u64,
    /// Exact share after the step, in percent.
    pub exact_percent: f64,
    /// IR operations of the meet after the step.
    pub cost: u64,
}

/// One proof of a piece or of the meet step.
#[derive(Clone, Debug, Serialize)]
pub struct PieceProof {
    /// What is proved (a piece's name, or the meet lemma's).
    pub subject: String,
    /// The width.
    pub width: u32,
    /// How.
    pub method: String,
    /// `valid`, `counterexample` or `unknown`.
    pub verdict: String,
    /// The reason, if not valid.
    pub detail: Option<String>,
    /// Lemmas of a composite proof (1 for a single query).
    pub lemmas: usize,
    /// Seconds (0 when the proof was shared with an earlier piece).
    pub seconds: f64,
}

/// How the result compares with the kernel's, pair by pair.
#[derive(Clone, Debug, Serialize)]
pub struct Versus {
    /// The operator compared with.
    pub against: String,
    /// Strictly more precise.
    pub better: u64,
    /// Strictly less precise (0 for a meet whose first piece is that operator).
    pub worse: u64,
    /// The same result.
    pub equal: u64,
    /// Neither includes the other.
    pub incomparable: u64,
}

/// Precision on a grid.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// Width of the grid's elements.
    pub width: u32,
    /// Bits of the members.
    pub input_bits: u32,
    /// Pairs.
    pub pairs: u64,
    /// Exact pairs.
    pub exact: u64,
    /// Unsound pairs (must be 0).
    pub unsound: u64,
    /// Exact share in percent.
    pub exact_percent: f64,
    /// Mean distance to the best transformer, in bits.
    pub distance_mean: f64,
    /// Largest distance, in bits.
    pub distance_max: f64,
    /// Pairs by distance in whole bits.
    pub histogram: BTreeMap<u32, u64>,
    /// Against the kernel's operator.
    pub versus: Option<Versus>,
}

/// The outcome of a meet search.
#[derive(Clone, Serialize)]
pub struct MeetSynthesis {
    /// The target's name.
    pub target: String,
    /// How it ended: proved when every selected piece and the meet step are proved at every
    /// proof width.
    pub status: Status,
    /// The pool, with each piece's check and cost.
    pub pool: Vec<PieceRecord>,
    /// The selection path.
    pub path: Vec<Step>,
    /// The selected pieces, in meet order.
    pub selected: Vec<String>,
    /// The meet's cost in IR operations.
    pub cost: u64,
    /// The proofs: every selected piece at every width, then the meet step.
    pub proofs: Vec<PieceProof>,
    /// The result on the selection grid.
    pub selection: Option<Figures>,
    /// The result on the report grid.
    pub report: Option<Figures>,
    /// Nanoseconds per call of the result (selection grid pairs, one thread; for reading,
    /// not used by the search).
    pub ns_per_call: Option<f64>,
    /// Nanoseconds per call of the kernel's operator on the same pairs.
    pub reference_ns_per_call: Option<f64>,
    /// Pool pieces enumerated by the bound search ([`bounds`]).
    pub enumerated: usize,
    /// The rejected pieces, with counterexamples.
    #[serde(skip)]
    pub suite: Suite,
    /// The result as a catalog operator.
    #[serde(skip)]
    pub operator: Option<Arc<MeetOperator>>,
    /// Seconds checking pieces.
    pub check_seconds: f64,
    /// Seconds selecting (piece results on the grid, greedy steps).
    pub search_seconds: f64,
    /// Seconds proving.
    pub prove_seconds: f64,
    /// Seconds measuring the report grid.
    pub measure_seconds: f64,
    /// Wall time of the whole search.
    pub total_seconds: f64,
}

impl MeetSynthesis {
    /// The IR of the result at `width` bits, traced from the meet operator.
    pub fn ir(&self, width: u32) -> Option<crate::ir::Operator> {
        let op = self.operator.as_ref()?;
        crate::ir::library::from_catalog(&**op, width)
    }
}

/// IR operations of `op` traced at 64 bits (0 if it does not trace).
pub fn cost(op: &dyn Operator) -> u64 {
    crate::ir::library::from_catalog(op, 64).map_or(0, |ir| ir.nodes().len() as u64)
}

/// Run the meet search on `target`.
pub fn search(target: &MeetTarget, cfg: &MeetConfig) -> MeetSynthesis {
    search_with(target, cfg, None, &mut |_| {})
}

/// [`search`], polling `interrupt` between steps and reporting progress.
pub fn search_with(
    target: &MeetTarget,
    cfg: &MeetConfig,
    interrupt: Option<&(dyn Fn() -> bool + Sync)>,
    progress: &mut dyn FnMut(&str),
) -> MeetSynthesis {
    match target.domain {
        super::targets::TargetDomain::Tnum => {
            search_in::<Tnum<Bv>>(target, cfg, interrupt, progress)
        }
        super::targets::TargetDomain::UInt => {
            search_in::<UInterval<Bv>>(target, cfg, interrupt, progress)
        }
        super::targets::TargetDomain::SInt => {
            search_in::<SInterval<Bv>>(target, cfg, interrupt, progress)
        }
    }
}

/// A rejected record for a piece refuted by `cex`.
fn rejected_of(
    target: &MeetTarget,
    piece: &PoolPiece,
    cex: &verify::Cex,
    check: String,
) -> Rejected {
    let op = &*piece.op;
    Rejected {
        target: target.name(),
        width: cex.width,
        ir: crate::ir::library::from_catalog(op, cex.width)
            .map(|o| o.to_text())
            .unwrap_or_default(),
        fields: piece.fields(),
        fingerprint: format!(
            "{:016x}",
            super::enumerate::hash_words(op.name().bytes().map(u64::from))
        ),
        args: cex.args.iter().map(|a| abs_fields(a).to_vec()).collect(),
        members: cex.members.iter().map(|m| m.get()).collect(),
        result: abs_fields(&cex.result),
        concrete: cex.concrete.get(),
        check,
    }
}

/// Members `x ∈ γ(a)`, `y ∈ γ(b)` whose concrete result `r` is not in `result`.
fn missed<D: Carrier>(
    a: &D,
    b: &D,
    result: &D,
    concrete: &(impl Fn(u64, u64) -> u64 + Sync),
) -> Option<(u64, u64, u64)> {
    a.members().find_map(|x| {
        b.members().find_map(|y| {
            let r = concrete(x, y);
            (!result.has(r)).then_some((x, y, r))
        })
    })
}

/// Do `a` and `b` state the same concrete operation on every pair of `width`-bit words
/// (evaluated on singleton arguments)? A piece is proved against its own concrete operation,
/// so it must be the target's.
fn same_concrete(a: &dyn Operator, b: &dyn Operator, width: u32) -> bool {
    let kinds = a.args();
    let singleton = |k: Kind, x: Bv| -> Option<Abs<Bv>> {
        match k {
            Kind::Tnum => Some(Abs::Tnum(Tnum::new(x, Bv::new(width, 0)))),
            Kind::UInt => Some(Abs::UInt(UInterval::constant(x))),
            Kind::SInt => Some(Abs::SInt(SInterval::constant(x))),
            _ => None,
        }
    };
    let n = 1u64 << width.min(6);
    (0..n).all(|x| {
        (0..n).all(|y| {
            let (x, y) = (Bv::new(width, x), Bv::new(width, y));
            let (Some(ax), Some(ay)) = (singleton(kinds[0], x), singleton(kinds[1], y)) else {
                return false;
            };
            let args = [ax, ay];
            let (ea, eb) = (
                a.eval_bv(width, &args, &[x, y]),
                b.eval_bv(width, &args, &[x, y]),
            );
            ea.pre == eb.pre && (!ea.pre || ea.concrete == eb.concrete)
        })
    })
}

struct Checked {
    index: usize,
    cost: u64,
}

fn search_in<D: Carrier>(
    target: &MeetTarget,
    cfg: &MeetConfig,
    interrupt: Option<&(dyn Fn() -> bool + Sync)>,
    progress: &mut dyn FnMut(&str),
) -> MeetSynthesis {
    let started = Instant::now();
    let stopped = || interrupt.is_some_and(|i| i());
    let mut out = MeetSynthesis {
        target: target.name(),
        status: Status::NotFound,
        pool: Vec::new(),
        path: Vec::new(),
        selected: Vec::new(),
        cost: 0,
        proofs: Vec::new(),
        selection: None,
        report: None,
        ns_per_call: None,
        reference_ns_per_call: None,
        enumerated: 0,
        suite: Suite::new(),
        operator: None,
        check_seconds: 0.0,
        search_seconds: 0.0,
        prove_seconds: 0.0,
        measure_seconds: 0.0,
        total_seconds: 0.0,
    };
    let mut pool: Vec<PoolPiece> = target.pool.clone();
    if target.enumerate_bounds && !stopped() {
        progress("enumerating bound pieces");
        let found = bounds::pieces(target);
        out.enumerated = found.len();
        pool.extend(found);
    }
    pool.extend(cfg.extra_pieces.iter().cloned());
    let Some(concrete_op) = pool.first().map(|p| p.op.clone()) else {
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    };
    let Ok(concrete_bin) = BinaryOp::new(concrete_op.clone()) else {
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    };
    let sel = target.selection_grid;
    let undefined = AtomicBool::new(false);
    let concrete = concrete_bin.concrete_fn::<D>(sel.width, &undefined);

    // 1. Soundness at the check width, every argument and member.
    let t = Instant::now();
    let mut checked: Vec<Checked> = Vec::new();
    for (index, piece) in pool.iter().enumerate() {
        if stopped() {
            out.status = Status::Interrupted;
            break;
        }
        progress(&format!(
            "checking {} at {} bits ({}/{})",
            piece.op.name(),
            target.check_width,
            index + 1,
            pool.len()
        ));
        let mut record = PieceRecord {
            name: piece.op.name().to_string(),
            origin: piece.origin,
            proof_method: piece.proof.label(),
            cost: 0,
            check: "sound".into(),
            exact_alone: None,
            selected: false,
        };
        let same_signature = piece.op.args() == concrete_op.args()
            && piece.op.result() == concrete_op.result()
            && BinaryOp::new(piece.op.clone()).is_ok();
        if !same_signature {
            record.check = "not of the target's signature".into();
        } else if !same_concrete(&*piece.op, &*concrete_op, target.check_width) {
            // Its proofs would be about another operation.
            record.check = "over-approximates another concrete operation".into();
        } else {
            match verify::exhaustive(&*piece.op, target.check_width) {
                Verdict::Valid => {
                    record.cost = cost(&*piece.op);
                    checked.push(Checked {
                        index,
                        cost: record.cost.max(1),
                    });
                }
                Verdict::Counterexample(cex) => {
                    record.check = format!(
                        "unsound at {} bits: {}",
                        target.check_width,
                        cex.to_string().lines().next().unwrap_or_default()
                    );
                    out.suite.add(rejected_of(
                        target,
                        piece,
                        &cex,
                        format!(
                            "exhaustive {}-bit check of a meet piece",
                            target.check_width
                        ),
                    ));
                }
                Verdict::Unknown(r) => record.check = format!("not checked: {r}"),
            }
        }
        out.pool.push(record);
    }
    out.check_seconds = t.elapsed().as_secs_f64();
    if out.status == Status::Interrupted {
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    }

    // 2. Every sound piece on the selection grid; a second soundness check there.
    let t = Instant::now();
    progress(&format!(
        "best transformer on the selection grid ({}-bit elements, {}-bit members)",
        sel.width, sel.input_bits
    ));
    let elements = sel.elements::<D>();
    let n = elements.len();
    let best: Vec<D> = sel
        .best_table::<D>(&concrete)
        .into_iter()
        .flatten()
        .collect();
    let pairs = best.len() as u64;
    let mut results: HashMap<usize, Vec<D>> = HashMap::new();
    let mut usable: Vec<&Checked> = Vec::new();
    for c in &checked {
        if stopped() {
            out.status = Status::Interrupted;
            break;
        }
        let piece = &pool[c.index];
        progress(&format!("{} on the selection grid", piece.op.name()));
        let Ok(bin) = BinaryOp::new(piece.op.clone()) else {
            continue;
        };
        let f = bin.abstract_fn::<D>(sel.width);
        let res: Vec<D> = (0..n)
            .into_par_iter()
            .flat_map_iter(|j| {
                let f = &f;
                let elements = &elements;
                (0..n).map(move |i| f(&elements[i], &elements[j]))
            })
            .collect();
        let bad = (0..res.len())
            .into_par_iter()
            .find_first(|&k| !best[k].le(&res[k]));
        if let Some(k) = bad {
            let (a, b) = (&elements[k % n], &elements[k / n]);
            if let Some((x, y, r)) = missed(a, b, &res[k], &concrete) {
                out.suite.add(Rejected {
                    target: target.name(),
                    width: sel.width,
                    ir: crate::ir::library::from_catalog(&*piece.op, sel.width)
                        .map(|o| o.to_text())
                        .unwrap_or_default(),
                    fields: piece.fields(),
                    fingerprint: format!(
                        "{:016x}",
                        super::enumerate::hash_words(piece.op.name().bytes().map(u64::from))
                    ),
                    args: vec![
                        abs_fields(&a.to_abs()).to_vec(),
                        abs_fields(&b.to_abs()).to_vec(),
                    ],
                    members: vec![x, y],
                    result: abs_fields(&res[k].to_abs()),
                    concrete: r,
                    check: format!(
                        "selection grid ({}-bit elements, {}-bit members)",
                        sel.width, sel.input_bits
                    ),
                });
            }
            if let Some(rec) = out.pool.iter_mut().find(|r| r.name == piece.op.name()) {
                rec.check = format!(
                    "unsound on the selection grid: {} on {:?}, {:?}",
                    piece.op.name(),
                    a,
                    b
                );
            }
            continue;
        }
        let exact = (0..res.len())
            .into_par_iter()
            .filter(|&k| res[k] == best[k])
            .count() as u64;
        if let Some(rec) = out.pool.iter_mut().find(|r| r.name == piece.op.name()) {
            rec.exact_alone = Some(exact);
        }
        results.insert(c.index, res);
        usable.push(c);
    }
    if out.status == Status::Interrupted {
        out.search_seconds = t.elapsed().as_secs_f64();
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    }

    // 3–4. Greedy selection, then proofs of the selected pieces. With `proved_only`, a selected
    // piece whose proof is not valid at some width is excluded and the selection runs again.
    let pct = |e: u64| 100.0 * e as f64 / pairs.max(1) as f64;
    let names: Vec<String> = pool.iter().map(|p| p.op.name().to_string()).collect();
    let costs: Vec<(usize, u64)> = usable.iter().map(|c| (c.index, c.cost)).collect();
    let reference_index = target
        .reference
        .and_then(|r| costs.iter().find(|c| names[c.0] == r).map(|c| c.0));
    let forced = if target.reference_first {
        reference_index
    } else {
        None
    };
    let mut excluded: Vec<usize> = Vec::new();
    let mut proofs: HashMap<(usize, u32), PieceProof> = HashMap::new();
    let mut shared: HashMap<(u32, u32), (Verdict, usize)> = HashMap::new();
    let mut prove_seconds = 0.0;
    out.search_seconds = t.elapsed().as_secs_f64();
    let chosen = loop {
        let ts = Instant::now();
        let chosen = select::<D>(
            &costs,
            &excluded,
            forced,
            &results,
            &best,
            cfg,
            &names,
            &mut out.path,
            &stopped,
            progress,
        );
        out.search_seconds += ts.elapsed().as_secs_f64();
        let Some(chosen) = chosen else {
            out.status = Status::Interrupted;
            break None;
        };
        if chosen.selected.is_empty() {
            break Some(chosen);
        }
        let tp = Instant::now();
        let max_split = chosen
            .selected
            .iter()
            .filter_map(|&i| match pool[i].proof {
                ProofMethod::MulCompositional(k) => Some(k),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let mut failed: Option<(usize, u32)> = None;
        'pieces: for &i in &chosen.selected {
            for &w in &cfg.prove_widths {
                if stopped() {
                    break 'pieces;
                }
                let proof = match proofs.get(&(i, w)) {
                    Some(p) => p.clone(),
                    None => {
                        progress(&format!("proving {} at {w} bits", names[i]));
                        let (p, verdict) =
                            prove_piece(&pool[i], w, max_split, cfg.z3_timeout, &mut shared);
                        if let Verdict::Counterexample(cex) = &verdict {
                            out.suite.add(rejected_of(
                                target,
                                &pool[i],
                                cex,
                                format!("z3 at {w} bits"),
                            ));
                        }
                        proofs.insert((i, w), p.clone());
                        p
                    }
                };
                if proof.verdict != "valid" && failed.is_none() {
                    failed = Some((i, w));
                    if cfg.proved_only {
                        break 'pieces;
                    }
                }
            }
        }
        prove_seconds += tp.elapsed().as_secs_f64();
        if stopped() {
            out.status = Status::Interrupted;
            break Some(chosen);
        }
        match failed {
            Some((i, w)) if cfg.proved_only && Some(i) != forced => {
                excluded.push(i);
                out.path.push(Step {
                    action: format!("exclude (not proved at {w} bits)"),
                    piece: names[i].clone(),
                    exact: chosen.exact,
                    pairs,
                    exact_percent: pct(chosen.exact),
                    cost: chosen.cost,
                });
                if let Some(rec) = out.pool.iter_mut().find(|r| r.name == names[i]) {
                    rec.check = format!(
                        "sound at {} bits; not proved at {w} bits",
                        target.check_width
                    );
                }
            }
            _ => break Some(chosen),
        }
    };
    out.prove_seconds = prove_seconds;
    let Some(chosen) = chosen.filter(|c| !c.selected.is_empty()) else {
        if out.status != Status::Interrupted {
            out.status = Status::NotFound;
        }
        out.total_seconds = started.elapsed().as_secs_f64();
        return out;
    };
    let selected = chosen.selected;
    let exact = chosen.exact;
    for r in &mut out.pool {
        r.selected = selected.iter().any(|&i| names[i] == r.name);
    }
    out.selected = selected.iter().map(|&i| names[i].clone()).collect();
    out.cost = chosen.cost;
    let pieces: Vec<Arc<dyn Operator>> = selected.iter().map(|&i| pool[i].op.clone()).collect();
    let operator = match MeetOperator::new(&format!("{}.meet", target.name()), pieces) {
        Ok(op) => Arc::new(op),
        Err(_) => {
            out.total_seconds = started.elapsed().as_secs_f64();
            return out;
        }
    };
    // The selection grid's figures of the result.
    let final_results = meet_of(&selected, &results);
    let distances: Vec<f64> = final_results
        .iter()
        .zip(&best)
        .map(|(r, b)| r.log2_size() - b.log2_size())
        .collect();
    out.selection = Some(Figures {
        width: sel.width,
        input_bits: sel.input_bits,
        pairs,
        exact,
        unsound: 0,
        exact_percent: pct(exact),
        distance_mean: distances.iter().sum::<f64>() / pairs.max(1) as f64,
        distance_max: distances.iter().copied().fold(0.0, f64::max),
        histogram: BTreeMap::new(),
        versus: None,
    });

    // The operator's proof: its pieces' proofs, then the meet step.
    if out.status != Status::Interrupted {
        let tp = Instant::now();
        out.status = Status::Proved;
        let kind = concrete_op.result();
        for &w in &cfg.prove_widths {
            for &i in &selected {
                let p = match proofs.get(&(i, w)) {
                    Some(p) => p.clone(),
                    None => {
                        if stopped() {
                            out.status = Status::Interrupted;
                            break;
                        }
                        let max_split = selected
                            .iter()
                            .filter_map(|&j| match pool[j].proof {
                                ProofMethod::MulCompositional(k) => Some(k),
                                _ => None,
                            })
                            .max()
                            .unwrap_or(0);
                        progress(&format!("proving {} at {w} bits", names[i]));
                        prove_piece(&pool[i], w, max_split, cfg.z3_timeout, &mut shared).0
                    }
                };
                if p.verdict != "valid" && out.status == Status::Proved {
                    out.status = Status::Unproved;
                }
                out.proofs.push(p);
            }
            if out.status == Status::Interrupted {
                break;
            }
            progress(&format!("proving the meet step at {w} bits"));
            let pt = Instant::now();
            let v = verify::prove(&MeetLemma::new(kind), w, cfg.z3_timeout);
            push_proof(
                &mut out,
                "meet step: a word in two values is in their guarded meet",
                w,
                "z3",
                &v,
                1,
                pt.elapsed().as_secs_f64(),
            );
            if forced.is_some() {
                let pt = Instant::now();
                let v = match (
                    BinaryOp::new(Arc::new(MeetLemma::new(kind))),
                    BinaryOp::new(Arc::new(BelowFirst::new(kind))),
                ) {
                    (Ok(a), Ok(b)) => match at_least_as_precise(&a, &b, w, cfg.z3_timeout) {
                        Ok(PrecisionVerdict::Valid) => Verdict::Valid,
                        Ok(other) => Verdict::Unknown(other.to_string()),
                        Err(e) => Verdict::Unknown(e.to_string()),
                    },
                    _ => Verdict::Unknown("the lemma operators are not binary".into()),
                };
                push_proof(
                    &mut out,
                    "below first: the guarded meet is at least as precise as its first piece",
                    w,
                    "z3",
                    &v,
                    1,
                    pt.elapsed().as_secs_f64(),
                );
            }
        }
        if cfg.prove_widths.is_empty() && out.status == Status::Proved {
            out.status = Status::Unproved;
        }
        out.prove_seconds += tp.elapsed().as_secs_f64();
    }

    // Time per call, for reading only.
    let reference_op: Arc<dyn Operator> = match target
        .reference
        .and_then(|r| pool.iter().find(|p| p.op.name() == r).map(|p| p.op.clone()))
    {
        Some(op) => op,
        None => Arc::new(TopOperator::new(
            &format!("kernel.{}.unknown", target.op),
            concrete_op.clone(),
        )),
    };
    let sample: Vec<(usize, usize)> = (0..pairs as usize)
        .step_by((pairs as usize / 20_000).max(1))
        .map(|k| (k % n, k / n))
        .collect();
    out.ns_per_call = ns_per_call::<D>(&*operator, sel.width, &elements, &sample);
    out.reference_ns_per_call = ns_per_call::<D>(&*reference_op, sel.width, &elements, &sample);
    out.operator = Some(operator.clone());

    // 5. The report grid.
    if cfg.measure && !stopped() {
        let t = Instant::now();
        let grid = cfg.report_grid.unwrap_or(target.report_grid);
        progress(&format!(
            "measuring on the report grid ({}-bit elements, {}-bit members)",
            grid.width, grid.input_bits
        ));
        out.report = measure::<D>(&operator, &reference_op, &concrete_bin, grid);
        out.measure_seconds = t.elapsed().as_secs_f64();
    } else if stopped() {
        out.status = Status::Interrupted;
    }
    out.total_seconds = started.elapsed().as_secs_f64();
    out
}

/// Prove `piece` sound at `width` by its method; compositional multiplication proofs are
/// shared through `shared` (by width and split bits).
fn prove_piece(
    piece: &PoolPiece,
    width: u32,
    max_split: u32,
    timeout: Duration,
    shared: &mut HashMap<(u32, u32), (Verdict, usize)>,
) -> (PieceProof, Verdict) {
    let t = Instant::now();
    let name = piece.op.name();
    let (verdict, lemmas, method, fresh) = match piece.proof {
        // A catalog operator with a structured proof (`synth::bounds_proof`: lemma instances
        // and opaque arithmetic) gets that proof; plain z3 times out on it.
        ProofMethod::Z3 => match crate::bounds_proof::structured_proof(name, width, timeout) {
            Some(l) => (
                crate::bounds_proof::verdict(&l),
                l.len(),
                "lemmas (bounds_proof)".into(),
                true,
            ),
            None => (
                verify::prove(&*piece.op, width, timeout),
                1,
                piece.proof.label(),
                true,
            ),
        },
        ProofMethod::Inductive => match crate::induction::inductive_proof(name, width, timeout) {
            Some(l) => (combine(&l), l.len(), piece.proof.label(), true),
            None => (
                verify::prove(&*piece.op, width, timeout),
                1,
                "z3".into(),
                true,
            ),
        },
        ProofMethod::MulCompositional(k) => {
            let split = max_split.max(k);
            let method = ProofMethod::MulCompositional(split).label();
            match shared.get(&(width, split)) {
                Some((v, n)) => (v.clone(), *n, method, false),
                None => {
                    let l = crate::pieces::mul::proof::prove_pieces_compositional(
                        width, split, timeout,
                    );
                    let v = combine(&l);
                    shared.insert((width, split), (v.clone(), l.len()));
                    (v, l.len(), method, true)
                }
            }
        }
    };
    let proof = PieceProof {
        subject: name.to_string(),
        width,
        method,
        verdict: verdict.label().to_string(),
        detail: match &verdict {
            Verdict::Valid => None,
            Verdict::Counterexample(c) => Some(c.to_string()),
            Verdict::Unknown(r) => Some(r.clone()),
        },
        lemmas,
        seconds: if fresh {
            t.elapsed().as_secs_f64()
        } else {
            0.0
        },
    };
    (proof, verdict)
}

fn push_proof(
    out: &mut MeetSynthesis,
    subject: &str,
    width: u32,
    method: &str,
    verdict: &Verdict,
    lemmas: usize,
    seconds: f64,
) {
    if !verdict.is_valid() && out.status == Status::Proved {
        out.status = Status::Unproved;
    }
    out.proofs.push(PieceProof {
        subject: subject.to_string(),
        width,
        method: method.to_string(),
        verdict: verdict.label().to_string(),
        detail: match verdict {
            Verdict::Valid => None,
            Verdict::Counterexample(c) => Some(c.to_string()),
            Verdict::Unknown(r) => Some(r.clone()),
        },
        lemmas,
        seconds,
    });
}

/// Mean nanoseconds per call of `op` over `sample` (one thread, best of three runs).
fn ns_per_call<D: Carrier>(
    op: &dyn Operator,
    width: u32,
    elements: &[D],
    sample: &[(usize, usize)],
) -> Option<f64> {
    if sample.is_empty() {
        return None;
    }
    let args: Vec<[Abs<Bv>; 2]> = sample
        .iter()
        .map(|&(i, j)| [elements[i].to_abs(), elements[j].to_abs()])
        .collect();
    let members: Vec<[Bv; 2]> = sample
        .iter()
        .map(|&(i, j)| {
            [
                Bv::new(width, elements[i].any_member()),
                Bv::new(width, elements[j].any_member()),
            ]
        })
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        for (a, m) in args.iter().zip(&members) {
            std::hint::black_box(op.eval_bv(width, a, m));
        }
        best = best.min(t.elapsed().as_nanos() as f64 / args.len() as f64);
    }
    Some(best)
}

/// The result against the best transformer and against the kernel's on `grid`.
fn measure<D: Carrier>(
    op: &Arc<MeetOperator>,
    reference: &Arc<dyn Operator>,
    concrete: &BinaryOp,
    grid: Grid,
) -> Option<Figures> {
    let ours = BinaryOp::new(op.clone() as Arc<dyn Operator>).ok()?;
    let theirs = BinaryOp::new(reference.clone()).ok()?;
    let undefined = AtomicBool::new(false);
    let c = concrete.concrete_fn::<D>(grid.width, &undefined);
    let r = grid.against_best::<D>(&c, ours.abstract_fn::<D>(grid.width), &no_progress);
    let p = grid.pairwise::<D>(
        ours.abstract_fn::<D>(grid.width),
        theirs.abstract_fn::<D>(grid.width),
        &no_progress,
    );
    Some(Figures {
        width: grid.width,
        input_bits: grid.input_bits,
        pairs: r.pairs,
        exact: r.exact,
        unsound: r.unsound,
        exact_percent: 100.0 * r.exact_share(),
        distance_mean: r.distance_mean(),
        distance_max: r.distance_max,
        histogram: r.histogram.clone(),
        versus: Some(Versus {
            against: reference.name().to_string(),
            better: p.better,
            worse: p.worse,
            equal: p.equal,
            incomparable: p.incomparable,
        }),
    })
}

/// The kind of a target's values.
pub fn kind_of(target: &MeetTarget) -> Kind {
    match target.domain {
        super::targets::TargetDomain::Tnum => Kind::Tnum,
        super::targets::TargetDomain::UInt => Kind::UInt,
        super::targets::TargetDomain::SInt => Kind::SInt,
    }
}
