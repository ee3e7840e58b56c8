//! Compositional soundness proofs of the register-level steps (`kernel.*` catalog entries).
//!
//! A step is the kernel's ALU transfer function followed by the bounds synchronisation:
//! [`alu`] is [`alu_with_sync`] with [`sync`], and [`alu_unsynced`] is the same code with the
//! identity in place of every `sync` (the "pre" part: the per-operator bounds and tnum, the
//! 32-bit zero-extension, the AND/OR fork, the truncations of the byte swaps). Soundness of a
//! step — for well-formed states `S1`, `S2` and members `x ∈ γ(S1)`, `y ∈ γ(S2)`,
//! `op(x, y) ∈ γ(step(S1, S2))` (for AND/OR: in the continued state, or in the pushed one when
//! the verifier forks) — follows from two kinds of lemmas, each a much smaller z3 query:
//!
//! - **pre lemma** (one per step): `op(x, y) ∈ γ(pre(S1, S2))`, with the fork counted as in the
//!   catalog (`catalog::Abs::contains`);
//! - **stage lemmas** (shared by all steps): for every state `S` (any nine words, no
//!   precondition) and word `z`, `z ∈ γ(S) ⇒ z ∈ γ(stage(S))`, for each stage of [`sync`]:
//!   [`update_bounds32`], [`update_bounds64`], [`deduce_bounds32`], [`deduce_bounds64`],
//!   [`deduce_bounds_mixed`], [`bound_offset`].
//!
//! [`sync`] is a fixed composition of the stages, so by induction over the composition it
//! keeps every member; in [`alu_with_sync`] `sync` is applied (once, or twice for the truncating
//! byte swaps) to states that are then only selected (`W::ite`) or returned, so every member of
//! a pre state is a member of the corresponding synchronised state, and the step is sound.
//!
//! What this does not prove: that the synchronised result passes `reg_bounds_sanity_check`
//! (the catalog's well-formedness of results). That is a property of the whole step, not a
//! membership property, and stays with the monolithic query of [`crate::verify::prove`].
//!
//! [`alu`]: absint::domain::kernel::alu::alu
//! [`alu_with_sync`]: absint::domain::kernel::alu::alu_with_sync
//! [`sync`]: absint::domain::kernel::sync::sync

use crate::catalog::kernel::KernelForm;
use crate::smt::{Z3Bool, Z3Word};
use absint::domain::kernel::alu::alu_unsynced;
use absint::domain::kernel::sync::{
    bound_offset, deduce_bounds32, deduce_bounds64, deduce_bounds_mixed, is_valid, update_bounds32,
    update_bounds64,
};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::isa::{AluOp, Width};
use absint::semantics;
use absint::word::{Bit, Word};
use std::fmt;
use std::time::{Duration, Instant};
use z3::{Params, SatResult, Solver};

/// The three-way answer of one lemma: never folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// z3 proved the lemma (its negation is unsatisfiable).
    Valid,
    /// z3 found a model of the negation; the text lists the model.
    Counterexample(String),
    /// Neither within the budget; the reason (`timeout after 60s`, or z3's).
    Unknown(String),
}

impl Outcome {
    /// `valid`, `counterexample` or `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Valid => "valid",
            Outcome::Counterexample(_) => "counterexample",
            Outcome::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Valid => write!(f, "valid"),
            Outcome::Counterexample(m) => write!(f, "counterexample: {m}"),
            Outcome::Unknown(r) => write!(f, "unknown ({r})"),
        }
    }
}

/// One lemma with its answer and the time z3 took.
#[derive(Clone, Debug)]
pub struct Lemma {
    /// What the lemma is about (`stage update_bounds64`, `pre kernel.alu64.add`).
    pub name: String,
    /// z3's answer.
    pub outcome: Outcome,
    /// Wall-clock time of the query (term construction included).
    pub elapsed: Duration,
}

/// A synchronisation stage on z3 words.
pub type StageFn = fn(&Scalar<Z3Word>) -> Scalar<Z3Word>;

/// The stages of [`sync`](absint::domain::kernel::sync::sync), by name: the lemmas proved by [`prove_stages`].
pub fn stages() -> Vec<(&'static str, StageFn)> {
    vec![
        ("update_bounds32", update_bounds32::<Z3Word> as StageFn),
        ("update_bounds64", update_bounds64::<Z3Word>),
        ("deduce_bounds32", deduce_bounds32::<Z3Word>),
        ("deduce_bounds64", deduce_bounds64::<Z3Word>),
        ("deduce_bounds_mixed", deduce_bounds_mixed::<Z3Word>),
        ("bound_offset", bound_offset::<Z3Word>),
    ]
}

/// A fresh symbolic register state (64-bit tnum and bounds, 32-bit subregister bounds).
fn fresh_scalar(tag: &str) -> Scalar<Z3Word> {
    let var = |field: &str, w: u32| Z3Word::fresh(&format!("{tag}_{field}"), w);
    Scalar {
        var_off: Tnum::new(var("value", 64), var("mask", 64)),
        smin: var("smin", 64),
        smax: var("smax", 64),
        umin: var("umin", 64),
        umax: var("umax", 64),
        s32_min: var("s32_min", 32),
        s32_max: var("s32_max", 32),
        u32_min: var("u32_min", 32),
        u32_max: var("u32_max", 32),
    }
}

/// Ask z3 whether `claim` follows from `assumptions` within `timeout`.
fn decide(assumptions: &[Z3Bool], claim: &Z3Bool, timeout: Duration) -> Outcome {
    let started = Instant::now();
    // QF_BV bit-blasts, as the catalog's checker does (see `verify`).
    let s = Solver::new_for_logic("QF_BV").unwrap_or_default();
    let mut p = Params::new();
    p.set_u32(
        "timeout",
        timeout.as_millis().min(u128::from(u32::MAX)) as u32,
    );
    s.set_params(&p);
    for a in assumptions {
        s.assert(&a.0);
    }
    s.assert(claim.0.not());
    match s.check() {
        SatResult::Unsat => Outcome::Valid,
        SatResult::Sat => Outcome::Counterexample(
            s.get_model()
                .map(|m| m.to_string().replace('\n', " "))
                .unwrap_or_else(|| "sat without a model".into()),
        ),
        SatResult::Unknown => {
            let reason = s.get_reason_unknown().unwrap_or_else(|| "unknown".into());
            if reason.contains("timeout")
                || reason.contains("canceled")
                || started.elapsed() >= timeout
            {
                Outcome::Unknown(format!("timeout after {}s", timeout.as_secs()))
            } else {
                Outcome::Unknown(reason)
            }
        }
    }
}

fn timed(name: String, f: impl FnOnce() -> Outcome) -> Lemma {
    let t = Instant::now();
    let outcome = f();
    Lemma {
        name,
        outcome,
        elapsed: t.elapsed(),
    }
}

/// The stage lemma of `stage`: for every state `S` and word `z`, `z ∈ γ(S) ⇒ z ∈ γ(stage(S))`.
/// No precondition on `S` (not even a well-formed tnum or `is_valid`).
pub fn prove_stage(name: &str, stage: StageFn, timeout: Duration) -> Lemma {
    timed(format!("stage {name}"), || {
        let s = fresh_scalar("s");
        let z = Z3Word::fresh("z", 64);
        let claim = stage(&s).contains(&z);
        decide(&[s.contains(&z)], &claim, timeout)
    })
}

/// Every stage lemma ([`stages`]), in order. The lemma of [`update_bounds64`] times out at 64
/// bits as one query (its single-value refinement calls `tnum_step` twice), so it is replaced
/// by the three lemmas of [`prove_update_bounds64_split`], which together imply it.
pub fn prove_stages(timeout: Duration) -> Vec<Lemma> {
    let mut lemmas = Vec::new();
    for (name, f) in stages() {
        if name == "update_bounds64" {
            lemmas.extend(prove_update_bounds64_split(timeout));
        } else {
            lemmas.push(prove_stage(name, f, timeout));
        }
    }
    lemmas
}

/// [`update_bounds64`] with `tnum_step` taken as a parameter: the same computation, term for
/// term (the "factoring" lemma of [`prove_update_bounds64_split`] checks that it equals
/// [`update_bounds64`] when `step` is [`Tnum::step`]).
fn update_bounds64_with<W: Word>(
    s: &Scalar<W>,
    step: &mut dyn FnMut(&Tnum<W>, &W) -> W,
) -> Scalar<W> {
    let t = &s.var_off;
    let sign = t.value.signed_min();
    let mut r = s.clone();
    r.smin = r.smin.smax(&t.value.bvor(&t.mask.bvand(&sign)));
    r.smax = r.smax.smin(&t.value.bvor(&t.mask.bvand(&sign.bvnot())));
    r.umin = r.umin.umax(&t.value);
    r.umax = r.umax.umin(&t.max());
    let next = step(t, &r.umin);
    let umin_in_tnum = t.contains(&r.umin);
    let tmax = t.max();
    let only_umin = umin_in_tnum.and(&next.bvugt(&r.umax));
    let only_tmax = umin_in_tnum.not().and(&next.eq(&tmax));
    let only_next = umin_in_tnum
        .not()
        .and(&next.bvule(&r.umax))
        .and(&step(t, &next).bvugt(&r.umax));
    let known_next = Scalar::ite(&only_next, &Scalar::constant(&next), &r);
    let known_tmax = Scalar::ite(&only_tmax, &Scalar::constant(&tmax), &known_next);
    Scalar::ite(&only_umin, &Scalar::constant(&r.umin), &known_tmax)
}

/// Every field of `a` equals the same field of `b`.
fn same_scalar(a: &Scalar<Z3Word>, b: &Scalar<Z3Word>) -> Z3Bool {
    let pairs = [
        (&a.var_off.value, &b.var_off.value),
        (&a.var_off.mask, &b.var_off.mask),
        (&a.smin, &b.smin),
        (&a.smax, &b.smax),
        (&a.umin, &b.umin),
        (&a.umax, &b.umax),
        (&a.s32_min, &b.s32_min),
        (&a.s32_max, &b.s32_max),
        (&a.u32_min, &b.u32_min),
        (&a.u32_max, &b.u32_max),
    ];
    pairs
        .iter()
        .fold(a.umin.bool_const(true), |acc, (x, y)| acc.and(&x.eq(y)))
}

/// The stage lemma of [`update_bounds64`] in three parts:
///
/// 1. factoring: `update_bounds64(S)` equals `update_bounds64_with(S, Tnum::step)` field by
///    field (the copy with `tnum_step` as a parameter is the same computation);
/// 2. with any `step` whose results are lower bounds of the larger members (for each call
///    `n = step(t, u)`: every `z ∈ γ(t)` with `z > u` has `z ≥ n`), `update_bounds64_with` keeps
///    every member `z ∈ γ(S)`;
/// 3. [`Tnum::step`] is such a step: `∀ t, u, w: w ∈ γ(t) ∧ w > u ⇒ w ≥ step(t, u)`.
///
/// 1 and 3 instantiate 2 with `Tnum::step`, which gives `z ∈ γ(S) ⇒ z ∈ γ(update_bounds64(S))`.
pub fn prove_update_bounds64_split(timeout: Duration) -> Vec<Lemma> {
    let factoring = timed(
        "stage update_bounds64 (1/3): equals its copy with tnum_step as a parameter".into(),
        || {
            let s = fresh_scalar("s");
            let copy = update_bounds64_with(&s, &mut |t, u| t.step(u));
            decide(&[], &same_scalar(&update_bounds64(&s), &copy), timeout)
        },
    );
    let given_step = timed(
        "stage update_bounds64 (2/3): keeps members given any lower-bounding step".into(),
        || {
            let s = fresh_scalar("s");
            let z = Z3Word::fresh("z", 64);
            let mut calls: Vec<(Z3Word, Z3Word)> = Vec::new();
            let r = update_bounds64_with(&s, &mut |_, u| {
                let n = Z3Word::fresh("step", 64);
                calls.push((u.clone(), n.clone()));
                n
            });
            let mut assumptions = vec![s.contains(&z)];
            let in_t = s.var_off.contains(&z);
            for (u, n) in &calls {
                assumptions.push(in_t.and(&z.bvugt(u)).implies(&z.bvuge(n)));
            }
            decide(&assumptions, &r.contains(&z), timeout)
        },
    );
    let step_bound = timed(
        "stage update_bounds64 (3/3): tnum_step(t, u) ≤ every member of t above u".into(),
        || {
            let t = Tnum::new(Z3Word::fresh("v", 64), Z3Word::fresh("m", 64));
            let (u, w) = (Z3Word::fresh("u", 64), Z3Word::fresh("w", 64));
            let premise = t.contains(&w).and(&w.bvugt(&u));
            decide(&[premise], &w.bvuge(&t.step(&u)), timeout)
        },
    );
    vec![factoring, given_step, step_bound]
}

/// The catalog's well-formedness of an input state: a well-formed tnum and `is_valid`.
fn well_formed_input(s: &Scalar<Z3Word>) -> Z3Bool {
    s.var_off.is_well_formed().and(&is_valid(s))
}

/// The pre lemma of `form`: for well-formed inputs and members of them (an accepted immediate
/// for the `K` forms), the concrete result is a member of [`alu_unsynced`]'s outcome (of the
/// continued state, or of the pushed one when the verifier forks).
pub fn prove_pre(form: KernelForm, timeout: Duration) -> Lemma {
    timed(format!("pre {}", form.name()), || {
        let insn = form.insn();
        let (dst, x) = (fresh_scalar("dst"), Z3Word::fresh("x", 64));
        let (src, y) = (fresh_scalar("src"), Z3Word::fresh("y", 64));
        let k = Z3Word::fresh("k", 32);
        let on_dst = vec![well_formed_input(&dst), dst.contains(&x)];
        let (assumptions, given_dst, given_src, concrete) = match form {
            KernelForm::AluX(width, op) => {
                let mut a = on_dst;
                a.extend([well_formed_input(&src), src.contains(&y)]);
                (
                    a,
                    dst.clone(),
                    src.clone(),
                    semantics::alu(op, width, &x, &y),
                )
            }
            KernelForm::AluK(width, op) => {
                let imm = k.sext(64);
                let mut a = on_dst;
                a.push(crate::catalog::kernel::immediate_accepted(width, op, &k));
                let c = semantics::alu(op, width, &x, &imm);
                (a, dst.clone(), Scalar::constant(&imm), c)
            }
            KernelForm::MovK(width) => {
                let imm = k.sext(64);
                let s = Scalar::constant(&imm);
                (Vec::new(), s.clone(), s, semantics::mov(width, &imm))
            }
            KernelForm::Neg(width) => (on_dst, dst.clone(), dst.clone(), semantics::neg(width, &x)),
            KernelForm::MovX(width) => {
                (on_dst, dst.clone(), dst.clone(), semantics::mov(width, &x))
            }
            KernelForm::MovSx(width, from) => (
                on_dst,
                dst.clone(),
                dst.clone(),
                semantics::movsx(width, from, &x),
            ),
            KernelForm::End(kind, bits) => (
                on_dst,
                dst.clone(),
                dst.clone(),
                semantics::end(kind, bits, &x),
            ),
        };
        let mut assumptions = assumptions;
        if let KernelForm::AluX(Width::W64, AluOp::Mul) | KernelForm::AluK(Width::W64, AluOp::Mul) =
            form
        {
            // An instance of the catalog lemma `tnum.mul` (proved at 64 bits by the inductive
            // proof of `verify::prove_tnum_mul_inductive`): both tnums are well-formed and
            // hold the members, so the product is in their tnum product. Without it z3 must
            // redo that proof inside this query (timeout).
            let y = match form {
                KernelForm::AluK(..) => k.sext(64),
                _ => y.clone(),
            };
            let product = given_dst.var_off.mul(&given_src.var_off);
            assumptions.push(product.contains(&x.bvmul(&y)));
        }
        match alu_unsynced(&insn, &given_dst, &given_src) {
            Ok(outcome) => {
                match outcome.forked {
                    // Membership is a conjunction over the five domains: one query each, so
                    // that z3 sees only the part of the computation that domain depends on.
                    None => decide_all(
                        &assumptions,
                        &components(&outcome.state, &concrete),
                        timeout,
                    ),
                    // With a fork, split on whether it happens: without it, the continued
                    // state alone (by domain); with it, either state (one query, small since
                    // the fork pins the destination to -1 or 0).
                    Some((cond, pushed)) => {
                        let mut unforked = assumptions.clone();
                        unforked.push(cond.not());
                        let mut forked = assumptions;
                        forked.push(cond.clone());
                        let either = outcome
                            .state
                            .contains(&concrete)
                            .or(&pushed.contains(&concrete));
                        let parts = components(&outcome.state, &concrete);
                        combine_parts(
                            decide_all(&unforked, &parts, timeout),
                            decide(&forked, &either, timeout),
                        )
                    }
                }
            }
            // The catalog's placeholder immediates pass the checks; the catalog's entry claims
            // nothing here either.
            Err(e) => Outcome::Unknown(format!("the transfer function rejects the form: {e}")),
        }
    })
}

/// `x ∈ γ(s)` as its five conjuncts: tnum, u64, s64, u32 and s32 range (together exactly
/// [`Scalar::contains`]).
fn components(s: &Scalar<Z3Word>, x: &Z3Word) -> Vec<Z3Bool> {
    let lo = x.extract(31, 0);
    vec![
        s.var_off.contains(x),
        s.umin.bvule(x).and(&x.bvule(&s.umax)),
        s.smin.bvsle(x).and(&x.bvsle(&s.smax)),
        s.u32_min.bvule(&lo).and(&lo.bvule(&s.u32_max)),
        s.s32_min.bvsle(&lo).and(&lo.bvsle(&s.s32_max)),
    ]
}

/// Every claim under the same assumptions, one query each: valid when all are, a
/// counterexample as soon as one has one, otherwise unknown (the first reason).
fn decide_all(assumptions: &[Z3Bool], claims: &[Z3Bool], timeout: Duration) -> Outcome {
    let names = ["tnum", "u64 range", "s64 range", "u32 range", "s32 range"];
    let mut unknown = None;
    for (i, c) in claims.iter().enumerate() {
        let part = names.get(i).copied().unwrap_or("part");
        match decide(assumptions, c, timeout) {
            Outcome::Valid => {}
            Outcome::Counterexample(m) => return Outcome::Counterexample(format!("{part}: {m}")),
            Outcome::Unknown(r) => {
                unknown.get_or_insert(format!("{part}: {r}"));
            }
        }
    }
    unknown.map_or(Outcome::Valid, Outcome::Unknown)
}

/// Both parts of a case split: valid when both are, a counterexample if either has one,
/// otherwise unknown.
fn combine_parts(unforked: Outcome, forked: Outcome) -> Outcome {
    match (unforked, forked) {
        (Outcome::Valid, Outcome::Valid) => Outcome::Valid,
        (Outcome::Counterexample(m), _) => Outcome::Counterexample(format!("no fork: {m}")),
        (_, Outcome::Counterexample(m)) => Outcome::Counterexample(format!("fork: {m}")),
        (Outcome::Unknown(r), _) => Outcome::Unknown(format!("no fork: {r}")),
        (_, Outcome::Unknown(r)) => Outcome::Unknown(format!("fork: {r}")),
    }
}

/// The compositional verdict of one step.
#[derive(Clone, Debug)]
pub struct StepProof {
    /// The catalog name (`kernel.alu64.add`).
    pub name: String,
    /// The step's pre lemma.
    pub pre: Lemma,
    /// Valid only when the pre lemma and every stage lemma are valid; a counterexample when the
    /// pre lemma has one (the proof fails; whether the whole step is unsound is not decided
    /// here, see the text); otherwise unknown.
    pub outcome: Outcome,
}

/// Combine a step's pre lemma with the stage lemmas (see [`StepProof::outcome`]).
pub fn combine(name: &str, pre: Lemma, stage_lemmas: &[Lemma]) -> StepProof {
    let failed_stage = stage_lemmas.iter().find(|l| l.outcome != Outcome::Valid);
    let outcome = match (&pre.outcome, failed_stage) {
        (Outcome::Valid, None) => Outcome::Valid,
        (Outcome::Counterexample(m), _) => Outcome::Counterexample(format!("pre lemma: {m}")),
        (Outcome::Valid, Some(l)) => Outcome::Unknown(format!("{}: {}", l.name, l.outcome)),
        (Outcome::Unknown(r), _) => Outcome::Unknown(format!("pre lemma: {r}")),
    };
    StepProof {
        name: name.to_string(),
        pre,
        outcome,
    }
}

/// Prove `form` compositionally, given the already proved stage lemmas.
pub fn prove_step(form: KernelForm, stage_lemmas: &[Lemma], timeout: Duration) -> StepProof {
    combine(&form.name(), prove_pre(form, timeout), stage_lemmas)
}
