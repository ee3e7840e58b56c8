//! The CEGIS loop: search on examples, check exhaustively at a small width, prove with z3.
//!
//! One round: enumerate the bank on the current examples ([`Bank::build`]), solve each output
//! field as a goal ([`Solver`]) — for tnums the mask first, then the value with the mask's bits
//! free (the value field is `f & ~mask`) — and check the candidate exhaustively at
//! [`Config::check_width`] against the best transformer ([`check::exhaustive`]). The first
//! wrong input becomes a new example (an unsound candidate also goes to the suite of rejected
//! candidates) and the next round starts. A candidate exact at the check width is simplified
//! with egg and proved sound with z3 at each of [`Config::prove_widths`] ([`verify::prove`]).

use super::check::{self, CheckResult};
use super::enumerate::{hash_words, Bank, CondBank, EnumConfig, EnumStats};
use super::examples::Examples;
use super::grammar::Term;
use super::narrow;
use super::operator::{abs_fields, Candidate, CandidateEntry};
use super::rewrite;
use super::solve::{Goal, SolveConfig, Solver};
use super::suite::{Rejected, Suite};
use super::targets::{Arity, Target, TargetDomain};
use crate::ir::op::{BinaryOp, UnaryOp};
use crate::precision::prove::{at_least_as_precise, Verdict as PrecisionVerdict};
use crate::precision::BinaryOp as PrecisionOp;
use crate::verify::{self, Verdict};
use absint::word::width_mask;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to synthesize.
#[derive(Clone, Debug)]
pub struct Config {
    /// Seed of the examples.
    pub seed: u64,
    /// Examples at 8 bits.
    pub small_examples: usize,
    /// Examples at 64 bits.
    pub wide_examples: usize,
    /// The enumeration.
    pub enumeration: EnumConfig,
    /// The decomposition.
    pub solve: SolveConfig,
    /// Width of the exhaustive check inside the loop (`None`: 6 for tnums, 4 for intervals).
    pub check_width: Option<u32>,
    /// Most CEGIS rounds.
    pub max_rounds: usize,
    /// Widths of the z3 proofs.
    pub prove_widths: Vec<u32>,
    /// Budget per z3 proof.
    pub z3_timeout: Duration,
    /// Give up (between rounds) after this long.
    pub time_limit: Option<Duration>,
    /// Simplify the final fields with egg.
    pub simplify: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            small_examples: 40,
            wide_examples: 24,
            enumeration: EnumConfig::default(),
            solve: SolveConfig::default(),
            check_width: None,
            max_rounds: 12,
            prove_widths: vec![64, 32],
            z3_timeout: Duration::from_secs(60),
            time_limit: None,
            simplify: true,
        }
    }
}

/// One round of the loop.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Round {
    /// Examples searched on.
    pub examples: usize,
    /// Enumeration counts.
    pub enumeration: EnumStats,
    /// Goals the decomposition attempted.
    pub goals: u64,
    /// The candidate found (its fields), if any.
    pub candidate: Option<[String; 2]>,
    /// Exact inputs / inputs of the exhaustive check.
    pub checked: Option<(u64, u64)>,
    /// Was the candidate unsound at the check width?
    pub unsound: bool,
    /// Seconds spent searching (enumeration and decomposition).
    pub search_seconds: f64,
    /// Seconds spent checking.
    pub check_seconds: f64,
}

/// A z3 soundness proof.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Proof {
    /// The width.
    pub width: u32,
    /// `valid`, `counterexample` or `unknown`.
    pub verdict: String,
    /// The counterexample or the reason, if not valid.
    pub detail: Option<String>,
    /// Seconds.
    pub seconds: f64,
}

/// How a synthesis ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// Exact at the check width and proved sound at every proof width.
    Proved,
    /// A candidate exact at the check width whose proof is not valid at some width.
    Unproved,
    /// The loop ran out of rounds or time with a candidate that is not exact.
    Inexact,
    /// No candidate found on the examples.
    NotFound,
    /// Interrupted.
    Interrupted,
}

impl Status {
    /// A word for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Proved => "proved",
            Status::Unproved => "unproved",
            Status::Inexact => "inexact",
            Status::NotFound => "not found",
            Status::Interrupted => "interrupted",
        }
    }
}

/// The outcome of one synthesis.
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// The target.
    pub target: Target,
    /// How it ended.
    pub status: Status,
    /// The last candidate (the result when proved).
    pub candidate: Option<Candidate>,
    /// The rounds.
    pub rounds: Vec<Round>,
    /// The last exhaustive check.
    pub check: Option<CheckResult>,
    /// The check width.
    pub check_width: u32,
    /// The z3 proofs.
    pub proofs: Vec<Proof>,
    /// The z3 proof that the result is at least as precise as the reference (kernel) operator
    /// on every input, at the first proof width (binary targets).
    pub precision_proof: Option<Proof>,
    /// Rejected (unsound) candidates.
    pub suite: Suite,
    /// Seconds searching, over all rounds.
    pub search_seconds: f64,
    /// Seconds in exhaustive checks.
    pub check_seconds: f64,
    /// Seconds in z3 proofs.
    pub prove_seconds: f64,
    /// Wall time of the whole synthesis.
    pub total_seconds: f64,
    /// z3 counterexamples at a proof width that were narrowed into examples
    /// ([`super::narrow`]) and searched on again.
    pub wide_counterexamples: u32,
}

impl Synthesis {
    /// Enumeration counts summed over rounds.
    pub fn enumeration(&self) -> EnumStats {
        let mut s = EnumStats::default();
        for r in &self.rounds {
            s.enumerated += r.enumeration.enumerated;
            s.pruned_fingerprint += r.enumeration.pruned_fingerprint;
            s.pruned_egg += r.enumeration.pruned_egg;
            s.kept += r.enumeration.kept;
            s.conditions += r.enumeration.conditions;
        }
        s
    }
}

/// Solve the output fields of `target` on the bank: for tnums, mask then value.
fn solve_fields(
    target: &Target,
    examples: &Examples,
    bank: &Bank,
    conds: &CondBank,
    cfg: SolveConfig,
) -> (Option<Candidate>, u64) {
    let solver = Solver::new(bank, conds, cfg);
    let widths = &bank.probe.widths;
    let col = |k: usize| {
        examples
            .list
            .iter()
            .map(|e| e.best[k])
            .collect::<Vec<u64>>()
    };
    let result = match target.domain {
        TargetDomain::Tnum => (|| {
            let mask = solver.solve(&Goal::full(col(1), widths))?;
            // The value's bits under the mask are free: value = f & ~mask.
            let care = examples
                .list
                .iter()
                .map(|e| !e.best[1] & width_mask(e.width))
                .collect();
            let f = solver.solve(&Goal { t: col(0), care })?;
            let value = Term::bin(BinaryOp::And, &f, &Term::un(UnaryOp::Not, &mask));
            Some(Candidate {
                fields: [value, mask],
            })
        })(),
        TargetDomain::UInt | TargetDomain::SInt => (|| {
            let lo = solver.solve(&Goal::full(col(0), widths))?;
            let hi = solver.solve(&Goal::full(col(1), widths))?;
            Some(Candidate { fields: [lo, hi] })
        })(),
    };
    (result, solver.goals.load(Ordering::Relaxed))
}

/// A hex hash of a candidate's semantics on the examples.
fn fingerprint(cand: &Candidate, examples: &Examples) -> String {
    let words = examples
        .list
        .iter()
        .flat_map(|e| cand.eval(&e.inputs, e.width));
    format!("{:016x}", hash_words(words))
}

/// Synthesize `target`. `interrupt` is polled between steps (true: stop).
pub fn synthesize(
    target: &Target,
    cfg: &Config,
    interrupt: Option<&dyn Fn() -> bool>,
) -> Synthesis {
    synthesize_with(target, cfg, interrupt, &mut |_| {})
}

/// [`synthesize`], calling `progress` with a short message at each step.
pub fn synthesize_with(
    target: &Target,
    cfg: &Config,
    interrupt: Option<&dyn Fn() -> bool>,
    progress: &mut dyn FnMut(&str),
) -> Synthesis {
    let started = Instant::now();
    let check_width = cfg.check_width.unwrap_or(match target.domain {
        TargetDomain::Tnum => 6,
        _ => 4,
    });
    let mut out = Synthesis {
        target: target.clone(),
        status: Status::NotFound,
        candidate: None,
        rounds: Vec::new(),
        check: None,
        check_width,
        proofs: Vec::new(),
        precision_proof: None,
        suite: Suite::new(),
        search_seconds: 0.0,
        check_seconds: 0.0,
        prove_seconds: 0.0,
        total_seconds: 0.0,
        wide_counterexamples: 0,
    };
    let stopped = || interrupt.is_some_and(|i| i());
    let out_of_time = || cfg.time_limit.is_some_and(|l| started.elapsed() >= l);
    let fields = target.inputs().len();
    let mut examples = Examples::generate(target, cfg.seed, cfg.small_examples, cfg.wide_examples);
    let mut exact;
    let mut round = 0;
    // The outer loop runs again when a z3 counterexample at a proof width becomes an example.
    'cegis: loop {
        exact = false;
        while round < cfg.max_rounds {
            round += 1;
            let round = round - 1;
            if stopped() {
                out.status = Status::Interrupted;
                break;
            }
            if out_of_time() {
                break;
            }
            progress(&format!(
                "round {}: enumerating on {} examples",
                round + 1,
                examples.len()
            ));
            let t = Instant::now();
            let bank = Bank::build(&examples, fields, &target.components, &cfg.enumeration);
            let conds = CondBank::build(&bank, &target.components, 1);
            let mut stats = bank.stats;
            stats.conditions = conds.conds.len() as u64;
            progress(&format!(
                "round {}: solving ({} terms)",
                round + 1,
                bank.len()
            ));
            let (cand, goals) = solve_fields(target, &examples, &bank, &conds, cfg.solve);
            let search = t.elapsed().as_secs_f64();
            out.search_seconds += search;
            let mut r = Round {
                examples: examples.len(),
                enumeration: stats,
                goals,
                candidate: cand
                    .as_ref()
                    .map(|c| [c.fields[0].to_string(), c.fields[1].to_string()]),
                checked: None,
                unsound: false,
                search_seconds: search,
                check_seconds: 0.0,
            };
            let Some(cand) = cand else {
                out.rounds.push(r);
                out.status = Status::NotFound;
                break;
            };
            progress(&format!(
                "round {}: checking at {check_width} bits",
                round + 1
            ));
            let t = Instant::now();
            let result = check::exhaustive(target, &cand, check_width);
            r.check_seconds = t.elapsed().as_secs_f64();
            out.check_seconds += r.check_seconds;
            r.checked = Some((result.exact, result.pairs));
            r.unsound = result.unsound > 0;
            if let Some(f) = &result.failure {
                if let Some((members, res, concrete)) = &f.unsound {
                    let name = format!("{}.candidate", target.name());
                    out.suite.add(Rejected {
                        target: target.name(),
                        width: check_width,
                        ir: cand
                            .operator(target, &name, check_width)
                            .map(|o| o.to_text())
                            .unwrap_or_default(),
                        fields: cand.fields.iter().map(|t| t.to_string()).collect(),
                        fingerprint: fingerprint(&cand, &examples),
                        args: split_args(target, &f.example.inputs),
                        members: members.clone(),
                        result: *res,
                        concrete: *concrete,
                        check: format!("exhaustive {check_width}-bit grid"),
                    });
                }
            }
            out.rounds.push(r);
            let failure = result.failure.clone();
            exact = result.is_exact();
            out.candidate = Some(cand);
            out.check = Some(result);
            if exact {
                break;
            }
            out.status = Status::Inexact;
            match failure {
                Some(f) if examples.push(f.example.clone()) => {}
                // No new example to learn from: stop.
                _ => break,
            }
        }
        if exact {
            if let Some(cand) = out.candidate.take() {
                let cand = if cfg.simplify {
                    Candidate {
                        fields: [
                            rewrite::simplify(&cand.fields[0]),
                            rewrite::simplify(&cand.fields[1]),
                        ],
                    }
                } else {
                    cand
                };
                out.status = Status::Proved;
                let name = target.name();
                let t = Instant::now();
                match CandidateEntry::new(target, &cand, &name, &cfg.prove_widths) {
                    Ok(entry) => {
                        let entry = Arc::new(entry);
                        for &w in &cfg.prove_widths {
                            if stopped() {
                                out.status = Status::Interrupted;
                                break;
                            }
                            progress(&format!("proving at {w} bits with z3"));
                            let pt = Instant::now();
                            let verdict = verify::prove(&*entry, w, cfg.z3_timeout);
                            let detail = match &verdict {
                                Verdict::Valid => None,
                                Verdict::Counterexample(c) => Some(c.to_string()),
                                Verdict::Unknown(r) => Some(r.clone()),
                            };
                            if !verdict.is_valid() {
                                out.status = Status::Unproved;
                            }
                            if let Verdict::Counterexample(c) = &verdict {
                                let learned = (round < cfg.max_rounds)
                                    .then(|| {
                                        narrow::narrow(
                                            target,
                                            &cand,
                                            &c.args,
                                            &c.members,
                                            c.concrete.get(),
                                            w,
                                        )
                                    })
                                    .flatten()
                                    .filter(|e| examples.push(e.clone()));
                                if learned.is_some() {
                                    out.wide_counterexamples += 1;
                                }
                                out.suite.add(Rejected {
                                    target: target.name(),
                                    width: w,
                                    ir: cand
                                        .operator(target, &name, w)
                                        .map(|o| o.to_text())
                                        .unwrap_or_default(),
                                    fields: cand.fields.iter().map(|t| t.to_string()).collect(),
                                    fingerprint: fingerprint(&cand, &examples),
                                    args: c
                                        .args
                                        .iter()
                                        .map(|a| match a {
                                            crate::catalog::Abs::Word(k) => vec![k.get()],
                                            a => abs_fields(a).to_vec(),
                                        })
                                        .collect(),
                                    members: c.members.iter().map(|m| m.get()).collect(),
                                    result: abs_fields(&c.result),
                                    concrete: c.concrete.get(),
                                    check: format!("z3 at {w} bits"),
                                });
                                if learned.is_some() {
                                    // The narrowed counterexample is an example now: search again.
                                    progress(&format!(
                                        "counterexample at {w} bits: searching again"
                                    ));
                                    out.proofs.clear();
                                    out.status = Status::Inexact;
                                    out.prove_seconds += t.elapsed().as_secs_f64();
                                    continue 'cegis;
                                }
                            }
                            out.proofs.push(Proof {
                                width: w,
                                verdict: verdict.label().to_string(),
                                detail,
                                seconds: pt.elapsed().as_secs_f64(),
                            });
                        }
                        if out.status == Status::Proved && target.arity == Arity::Binary {
                            if let Some(&w) = cfg.prove_widths.first() {
                                progress(&format!(
                                    "proving at least as precise as {} with z3",
                                    target.reference
                                ));
                                out.precision_proof =
                                    precision_proof(target, entry.clone(), w, cfg.z3_timeout);
                            }
                        }
                    }
                    Err(e) => {
                        out.status = Status::Unproved;
                        out.proofs.push(Proof {
                            width: 0,
                            verdict: "unknown".into(),
                            detail: Some(format!("the candidate does not lower to IR: {e}")),
                            seconds: 0.0,
                        });
                    }
                }
                out.prove_seconds += t.elapsed().as_secs_f64();
                out.candidate = Some(cand);
            }
        } else if out.status == Status::NotFound && stopped() {
            out.status = Status::Interrupted;
        }
        break;
    }
    out.total_seconds = started.elapsed().as_secs_f64();
    out
}

/// z3: is `entry` at least as precise as the target's reference operator at `width`?
fn precision_proof(
    target: &Target,
    entry: Arc<CandidateEntry>,
    width: u32,
    timeout: Duration,
) -> Option<Proof> {
    let t = Instant::now();
    let ours = PrecisionOp::new(entry).ok()?;
    let theirs = PrecisionOp::by_name(target.reference).ok()?;
    let verdict = at_least_as_precise(&ours, &theirs, width, timeout).ok()?;
    let (label, detail) = match &verdict {
        PrecisionVerdict::Valid => ("valid", None),
        PrecisionVerdict::Counterexample(_) => ("counterexample", Some(verdict.to_string())),
        PrecisionVerdict::Unknown(_) => ("unknown", Some(verdict.to_string())),
    };
    Some(Proof {
        width,
        verdict: label.into(),
        detail,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// An input vector split into its arguments' fields.
fn split_args(target: &Target, inputs: &[u64]) -> Vec<Vec<u64>> {
    let _ = target;
    inputs.chunks(2).map(|c| c.to_vec()).collect()
}
