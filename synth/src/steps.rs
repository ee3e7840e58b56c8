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
//! The well-formedness half (the result passes `reg_bounds_sanity_check`, its tnum is
//! well-formed) follows from membership plus one lemma, [`prove_sync_well_formed`]: the
//! concrete result is a member of every intermediate state of `sync`, so the input of its last
//! stage (`update_bounds`) has a member, and a state with a member comes out of `update_bounds`
//! well-formed (its ranges contain the member, and a constant tnum or low half collapses the
//! bounds onto it; a tnum with a member is well-formed). The other results a step returns are
//! the fixed unknown state (well-formed, same lemma) and the unsynchronised ones of `movsx64`
//! and of division (proved by the single query). Not covered: the state the verifier *pushes*
//! at an AND/OR fork is well-formed only if it has a member, which the fork's pre lemma (a
//! member of *either* state) does not give.
//!
//! The multiplication steps assume instances of [`prove_mul_lemmas`] and of `tnum.mul`'s
//! inductive proof; the 64-bit `lsh`/`rsh` steps assume instances of the `tnum_step` lemma
//! (`shift_step_hints`) and are split by shift amount (`shift_cases`).
//!
//! [`alu`]: absint::domain::kernel::alu::alu
//! [`alu_with_sync`]: absint::domain::kernel::alu::alu_with_sync
//! [`sync`]: absint::domain::kernel::sync::sync

use crate::catalog::kernel::KernelForm;
use crate::smt::{Z3Bool, Z3Word};
use absint::domain::kernel::alu::alu_unsynced;
use absint::domain::kernel::sync::{
    bound_offset, deduce_bounds32, deduce_bounds64, deduce_bounds_mixed, is_valid,
    mark32_unbounded, update_bounds32, update_bounds64,
};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::isa::{AluOp, Width};
use absint::semantics;
use absint::word::{Bit, Word};
use std::fmt;
use std::time::{Duration, Instant};
use z3::ast::{Bool, Int};
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

/// Give `s` the budget `timeout`.
fn set_timeout(s: &Solver, timeout: Duration) {
    let mut p = Params::new();
    p.set_u32(
        "timeout",
        timeout.as_millis().min(u128::from(u32::MAX)) as u32,
    );
    s.set_params(&p);
}

/// Run `s`, whose last assertion is the negated claim: unsat is valid, a model is a
/// counterexample, and unknown says why (a timeout when z3 says so or the budget is spent).
fn check(s: &Solver, started: Instant, timeout: Duration) -> Outcome {
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

/// Ask z3 whether `claim` follows from `assumptions` within `timeout`.
fn decide(assumptions: &[Z3Bool], claim: &Z3Bool, timeout: Duration) -> Outcome {
    let started = Instant::now();
    // QF_BV bit-blasts, as the catalog's checker does (see `verify`).
    let s = Solver::new_for_logic("QF_BV").unwrap_or_default();
    set_timeout(&s, timeout);
    for a in assumptions {
        s.assert(&a.0);
    }
    s.assert(claim.0.not());
    check(&s, started, timeout)
}

/// [`decide`] on the generalised query: products and unsigned-overflow tests opaque, with
/// Ackermann's constraints ([`crate::bounds_proof`]). Unsatisfiable generalised ⇒ valid; a model
/// of it need not be a counterexample, so it is reported as unknown.
fn decide_generalised(
    assumptions: &[Z3Bool],
    claim: &Z3Bool,
    terms: &[Z3Word],
    timeout: Duration,
) -> Outcome {
    let started = Instant::now();
    let (hyps, goal) = crate::bounds_proof::generalise(
        assumptions,
        claim,
        terms,
        crate::bounds_proof::PRODUCTS,
        true,
    );
    let s = Solver::new_for_logic("QF_BV").unwrap_or_default();
    set_timeout(&s, timeout);
    for h in &hyps {
        s.assert(h);
    }
    s.assert(goal.not());
    match check(&s, started, timeout) {
        // A model of the generalised query may be spurious.
        Outcome::Counterexample(_) => Outcome::Unknown(
            "the query with opaque products has a model (not necessarily a counterexample)".into(),
        ),
        other => other,
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

/// The well-formedness lemma of the last stage of [`sync`](absint::domain::kernel::sync::sync),
/// `update_bounds` (= `update_bounds64 ∘ update_bounds32`): for every state `S` with a member
/// `z` (no other precondition), the result passes `reg_bounds_sanity_check` ([`is_valid`]) and
/// its tnum is well-formed. As for the stage lemma, `update_bounds64` takes `tnum_step` as a
/// parameter with the lower-bound hypotheses (instantiated by parts 1 and 3 of
/// [`prove_update_bounds64_split`]).
///
/// Why it gives the well-formedness half of a step: the pre lemma and the stage lemmas put the
/// concrete result in every intermediate state of `sync`, so the input of its last
/// `update_bounds` has a member, and this lemma makes the synchronised result well-formed.
pub fn prove_sync_well_formed(timeout: Duration) -> Lemma {
    timed(
        "wf update_bounds: a state with a member comes out well-formed; so is the unknown state"
            .into(),
        || {
            let s = fresh_scalar("s");
            let z = Z3Word::fresh("z", 64);
            let mid = update_bounds32(&s);
            let mut calls: Vec<(Z3Word, Z3Word)> = Vec::new();
            let r = update_bounds64_with(&mid, &mut |_, u| {
                let n = Z3Word::fresh("step", 64);
                calls.push((u.clone(), n.clone()));
                n
            });
            let mut assumptions = vec![s.contains(&z)];
            let in_t = mid.var_off.contains(&z);
            for (u, n) in &calls {
                assumptions.push(in_t.and(&z.bvugt(u)).implies(&z.bvuge(n)));
            }
            // z ∈ γ(update_bounds32(S)) is the stage lemma of update_bounds32.
            assumptions.push(mid.contains(&z));
            // The fully unknown state, the other result a step can have (shifts the verifier
            // does not compute), is well-formed too.
            let unknown = Scalar::unknown_like(&z);
            let claim = well_formed_input(&r).and(&well_formed_input(&unknown));
            decide(&assumptions, &claim, timeout)
        },
    )
}

/// The catalog's well-formedness of an input state: a well-formed tnum and `is_valid`.
fn well_formed_input(s: &Scalar<Z3Word>) -> Z3Bool {
    s.var_off.is_well_formed().and(&is_valid(s))
}

/// The pre lemma of `form`: for well-formed inputs and members of them (an accepted immediate
/// for the `K` forms), the concrete result is a member of [`alu_unsynced`]'s outcome (of the
/// continued state, or of the pushed one when the verifier forks).
pub fn prove_pre(form: KernelForm, timeout: Duration) -> Lemma {
    prove_pre_with(form, timeout, &mut |_, _, _| {})
}

/// [`prove_pre`], calling `on_case` with each case of a case split (its label, outcome and
/// time) as it is decided.
pub fn prove_pre_with(
    form: KernelForm,
    timeout: Duration,
    on_case: &mut dyn FnMut(&str, &Outcome, Duration),
) -> Lemma {
    prove_pre_split(form, timeout, true, on_case)
}

/// [`prove_pre_with`], with the case split of the 64-bit shifts on (`split`) or off (one query
/// per part with a symbolic amount, to measure what the split buys).
pub fn prove_pre_split(
    form: KernelForm,
    timeout: Duration,
    split: bool,
    on_case: &mut dyn FnMut(&str, &Outcome, Duration),
) -> Lemma {
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
        // Per-part extra assumptions (tnum, u64, s64, u32, s32), added only to that part's
        // query so that each z3 query carries only the lemma instances it uses.
        let mut per_part: Vec<Vec<Z3Bool>> = vec![Vec::new(); 5];
        // For the multiplications: the tnum product (the instance's and the step's own term) is
        // opaque too, so that its 64-step loop is not bit-blasted.
        let opaque: Option<Vec<Z3Word>> = uses_mul_lemmas(form).then(|| {
            let t = given_dst.var_off.mul(&given_src.var_off);
            vec![t.value, t.mask]
        });
        let is_mul = opaque.as_deref();
        if let KernelForm::AluX(w, AluOp::Mul) | KernelForm::AluK(w, AluOp::Mul) = form {
            // Instances of the multiplication lemmas ([`prove_mul_lemmas`], and `tnum.mul`'s
            // inductive proof): without them z3 must redo those proofs inside this query.
            let y = match form {
                KernelForm::AluK(..) => k.sext(64),
                _ => y.clone(),
            };
            let [tnum, u64i, s64i, u32i, s32i, low] = mul_instances(&given_dst, &given_src, &x, &y);
            per_part = if w == Width::W64 {
                vec![
                    vec![tnum],
                    vec![u64i],
                    vec![s64i],
                    vec![u32i, low.clone()],
                    vec![s32i, low],
                ]
            } else {
                // 32-bit: the 64-bit bounds come from the 32-bit ones (zero-extension).
                let all32 = vec![u32i, s32i, low.clone()];
                vec![
                    vec![tnum, low],
                    all32.clone(),
                    all32.clone(),
                    all32.clone(),
                    all32,
                ]
            };
        }
        let cases = if split {
            shift_cases(form, &given_src, &k)
        } else {
            Vec::new()
        };
        assumptions.extend(shift_step_hints(form, &given_dst, &given_src, &concrete));
        let decide_case =
            |assumptions: Vec<Z3Bool>| match alu_unsynced(&insn, &given_dst, &given_src) {
                Ok(outcome) => {
                    match outcome.forked {
                        // Membership is a conjunction over the five domains: one query each, so
                        // that z3 sees only the part of the computation that domain depends on.
                        None => decide_all(
                            &assumptions,
                            &per_part,
                            &components(&outcome.state, &concrete),
                            timeout,
                            is_mul,
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
                                decide_all(&unforked, &per_part, &parts, timeout, is_mul),
                                decide(&forked, &either, timeout),
                            )
                        }
                    }
                }
                // The catalog's placeholder immediates pass the checks; the catalog's entry claims
                // nothing here either.
                Err(e) => Outcome::Unknown(format!("the transfer function rejects the form: {e}")),
            };
        if cases.is_empty() {
            return decide_case(assumptions);
        }
        // A case split: the cases cover every input the assumptions allow; valid when every
        // case is, a counterexample as soon as one has one, else unknown (the first reason).
        let mut unknown = None;
        for (label, case) in cases {
            let mut a = assumptions.clone();
            a.push(case);
            let started = Instant::now();
            let outcome = decide_case(a);
            on_case(&label, &outcome, started.elapsed());
            match outcome {
                Outcome::Valid => {}
                Outcome::Counterexample(m) => {
                    return Outcome::Counterexample(format!("case {label}: {m}"))
                }
                Outcome::Unknown(r) => {
                    unknown.get_or_insert(format!("case {label}: {r}"));
                }
            }
        }
        unknown.map_or(Outcome::Valid, Outcome::Unknown)
    })
}

/// The case split of a 64-bit shift's pre lemma, or none: one case per shift amount `0..63`
/// (the immediate for `.k`, which the verifier accepts only below 64; the source's `umax` for
/// the register form, plus the case `umax ≥ 64`, where the verifier makes the result unknown).
/// With the amount a constant, the shifts of the tnum and of the bounds are rewirings, which
/// z3 decides at once; with a symbolic amount every part of the lemma times out.
fn shift_cases(form: KernelForm, src: &Scalar<Z3Word>, k: &Z3Word) -> Vec<(String, Z3Bool)> {
    match form {
        KernelForm::AluK(Width::W64, AluOp::Lsh | AluOp::Rsh) => (0..64)
            .map(|c| (format!("k = {c}"), k.eq(&k.lit(c))))
            .collect(),
        KernelForm::AluX(Width::W64, AluOp::Lsh | AluOp::Rsh) => {
            let umax = &src.umax;
            let mut cases: Vec<(String, Z3Bool)> = (0..64)
                .map(|c| (format!("src umax = {c}"), umax.eq(&umax.lit(c))))
                .collect();
            cases.push(("src umax ≥ 64".into(), umax.bvuge(&umax.lit(64))));
            cases
        }
        _ => Vec::new(),
    }
}

/// Instances of the `tnum_step` lemma (part 3 of [`prove_update_bounds64_split`]:
/// `w ∈ γ(t) ∧ w > u ⇒ w ≥ tnum_step(t, u)`, for every `t, u, w`) for the two calls of
/// `tnum_step` that the 64-bit `lsh`/`rsh` make inside their pre part: `scalar_min_max_lsh/rsh`
/// end with `__update_reg_bounds`, whose single-value refinement calls it (the 32-bit forms do
/// not). Being instances of a lemma proved for all arguments, they are sound whatever the
/// terms; they help only when the terms are those of the code, so the state before that
/// `update_bounds` is rebuilt here the way `absint::domain::kernel::alu` builds it (the
/// `__scalar64_min_max_lsh` and `__scalar32_min_max_lsh` bounds, or the `rsh` ones), and the
/// calls are collected from [`update_bounds64_with`], which is the same computation term for
/// term (part 1 of [`prove_update_bounds64_split`]).
fn shift_step_hints(
    form: KernelForm,
    dst: &Scalar<Z3Word>,
    src: &Scalar<Z3Word>,
    concrete: &Z3Word,
) -> Vec<Z3Bool> {
    let op = match form {
        KernelForm::AluK(Width::W64, op @ (AluOp::Lsh | AluOp::Rsh))
        | KernelForm::AluX(Width::W64, op @ (AluOp::Lsh | AluOp::Rsh)) => op,
        _ => return Vec::new(),
    };
    let (k, k_max) = (src.umin.clone(), src.umax.clone());
    let before = if op == AluOp::Lsh {
        let mut r = lsh_bounds64_hint(dst, &k, &k_max);
        r = lsh_bounds32_hint(&r, &k, &k_max);
        r.var_off = r.var_off.lshift(&k);
        r
    } else {
        let mut r = dst.clone();
        r.smin = r.smin.signed_min();
        r.smax = r.smax.signed_max();
        r.var_off = r.var_off.rshift(&k);
        r.umin = r.umin.bvlshr(&k_max);
        r.umax = r.umax.bvlshr(&k);
        mark32_unbounded(&r)
    };
    let mid = update_bounds32(&before);
    let mut calls: Vec<(Tnum<Z3Word>, Z3Word)> = Vec::new();
    update_bounds64_with(&mid, &mut |t, u| {
        calls.push((t.clone(), u.clone()));
        t.step(u)
    });
    calls
        .iter()
        .map(|(t, u)| {
            t.contains(concrete)
                .and(&concrete.bvugt(u))
                .implies(&concrete.bvuge(&t.step(u)))
        })
        .collect()
}

/// `__scalar64_min_max_lsh` as `absint` writes it (for [`shift_step_hints`] only).
fn lsh_bounds64_hint(dst: &Scalar<Z3Word>, k: &Z3Word, k_max: &Z3Word) -> Scalar<Z3Word> {
    let mut r = dst.clone();
    let by32 = k.eq(&k.lit(32)).and(&k_max.eq(&k.lit(32)));
    let thirty_two = k.lit(32);
    let smax32 = dst.s32_max.sext(64).bvshl(&thirty_two);
    let smin32 = dst.s32_min.sext(64).bvshl(&thirty_two);
    r.smax = Z3Word::ite(&by32, &smax32, &r.smax.signed_max());
    r.smin = Z3Word::ite(&by32, &smin32, &r.smin.signed_min());
    let limit = k.lit(1).bvshl(&k.lit(63).bvsub(k_max));
    let lost = r.umax.bvugt(&limit);
    let (lo, hi) = (r.umin.bvshl(k), r.umax.bvshl(k_max));
    r.umin = Z3Word::ite(&lost, &lo.zero(), &lo);
    r.umax = Z3Word::ite(&lost, &hi.ones(), &hi);
    r
}

/// `__scalar32_min_max_lsh` as `absint` writes it (for [`shift_step_hints`] only).
fn lsh_bounds32_hint(dst: &Scalar<Z3Word>, k: &Z3Word, k_max: &Z3Word) -> Scalar<Z3Word> {
    let mut r = dst.clone();
    r.s32_min = r.s32_min.signed_min();
    r.s32_max = r.s32_max.signed_max();
    let limit = k.lit(1).bvshl(&k.lit(31).bvsub(k_max));
    let lost = k_max
        .bvugt(&k.lit(31))
        .or(&r.u32_max.zext(64).bvugt(&limit));
    let (k32, k32_max) = (k.extract(31, 0), k_max.extract(31, 0));
    let (lo, hi) = (r.u32_min.bvshl(&k32), r.u32_max.bvshl(&k32_max));
    r.u32_min = Z3Word::ite(&lost, &lo.zero(), &lo);
    r.u32_max = Z3Word::ite(&lost, &hi.ones(), &hi);
    r
}

/// Instance of the unsigned product-bounds lemma at the words' width: if `b·d` does not
/// overflow, `a ≤ x ≤ b` and `c ≤ y ≤ d`, then `a·c ≤ x·y ≤ b·d` (see [`prove_mul_lemmas`]).
pub fn umul_bounds_instance<W: Word>(x: &W, y: &W, (a, b): (&W, &W), (c, d): (&W, &W)) -> W::Bool {
    let premise = b
        .umul_overflows(d)
        .not()
        .and(&a.bvule(x))
        .and(&x.bvule(b))
        .and(&c.bvule(y))
        .and(&y.bvule(d));
    let xy = x.bvmul(y);
    let conclusion = a.bvmul(c).bvule(&xy).and(&xy.bvule(&b.bvmul(d)));
    premise.not().or(&conclusion)
}

/// Instance of the signed product-bounds lemma: if no corner product `a·c, a·d, b·c, b·d`
/// overflows, `a ≤ x ≤ b` and `c ≤ y ≤ d` (signed), then the smallest corner is `≤ x·y` and
/// the largest `≥ x·y`. The overflow test and the smallest and largest corners are built
/// exactly as `scalar_min_max_mul` builds them in `absint` (same order of the corners, same
/// folds), so the instance's terms are the step's own.
pub fn smul_bounds_instance<W: Word>(x: &W, y: &W, (a, b): (&W, &W), (c, d): (&W, &W)) -> W::Bool {
    let corners = [(a, c), (a, d), (b, c), (b, d)];
    let ov = corners
        .iter()
        .map(|(p, q)| p.smul_overflows(q))
        .reduce(|p, q| p.or(&q))
        .unwrap_or_else(|| x.bool_const(false));
    let premise = a
        .bvsle(x)
        .and(&x.bvsle(b))
        .and(&c.bvsle(y))
        .and(&y.bvsle(d))
        .and(&ov.not());
    let products: Vec<W> = corners.iter().map(|(p, q)| p.bvmul(q)).collect();
    let lo = products
        .iter()
        .skip(1)
        .fold(products[0].clone(), |m, p| m.smin(p));
    let hi = products
        .iter()
        .skip(1)
        .fold(products[0].clone(), |m, p| m.smax(p));
    let xy = x.bvmul(y);
    premise.not().or(&lo.bvsle(&xy).and(&xy.bvsle(&hi)))
}

/// The lemma instances a multiplication step's pre lemma assumes, for members `x ∈ γ(dst)`,
/// `y ∈ γ(src)` (64-bit words): the tnum product (`tnum.mul`'s inductive proof), the unsigned
/// and signed product bounds at 64 bits and on the low halves, and the low half of the
/// product (`lo(x·y) = lo(x)·lo(y)`).
fn mul_instances(
    dst: &Scalar<Z3Word>,
    src: &Scalar<Z3Word>,
    x: &Z3Word,
    y: &Z3Word,
) -> [Z3Bool; 6] {
    let (lx, ly) = (x.extract(31, 0), y.extract(31, 0));
    [
        dst.var_off.mul(&src.var_off).contains(&x.bvmul(y)),
        umul_bounds_instance(x, y, (&dst.umin, &dst.umax), (&src.umin, &src.umax)),
        smul_bounds_instance(x, y, (&dst.smin, &dst.smax), (&src.smin, &src.smax)),
        umul_bounds_instance(
            &lx,
            &ly,
            (&dst.u32_min, &dst.u32_max),
            (&src.u32_min, &src.u32_max),
        ),
        smul_bounds_instance(
            &lx,
            &ly,
            (&dst.s32_min, &dst.s32_max),
            (&src.s32_min, &src.s32_max),
        ),
        x.bvmul(y).extract(31, 0).eq(&lx.bvmul(&ly)),
    ]
}

/// Ask z3 (its default solver, with nonlinear integer arithmetic) whether `claim` follows from
/// `assumptions` within `timeout`.
pub(crate) fn decide_int(assumptions: &[Bool], claim: &Bool, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let s = Solver::new();
    set_timeout(&s, timeout);
    for a in assumptions {
        s.assert(a);
    }
    s.assert(claim.not());
    check(&s, started, timeout)
}

/// The lemmas behind [`umul_bounds_instance`], [`smul_bounds_instance`] and the low-half
/// instance that the multiplication steps' pre lemmas assume:
///
/// 1. **umul-mono (ℤ)**: for integers `0 ≤ a ≤ x ≤ b`, `0 ≤ c ≤ y ≤ d`:
///    `a·c ≤ x·y ≤ b·d` (nonlinear integer arithmetic, no width);
/// 2. **smul-box (ℤ)**: for integers `a ≤ x ≤ b`, `c ≤ y ≤ d`: some corner product is
///    `≤ x·y` and some is `≥ x·y` (`x·y` is linear in `x` for fixed `y`, so it lies between
///    `a·y` and `b·y`, each of which lies between two corners);
/// 3. **low-half**: `lo(x·y) = lo(x)·lo(y)` for 64-bit words (`QF_BV`).
///
/// From (1) and (2) to the bit-vector instances is the meaning of the bit-vector operations
/// (SMT-LIB): `bvmul` is the integer product modulo `2^w`, `umul_overflows(b, d)` says the
/// unsigned integer product is `≥ 2^w`, `smul_overflows` that the signed one is outside
/// `[−2^(w−1), 2^(w−1))`, and `bvule`/`bvsle` compare the unsigned/signed readings. Under the
/// unsigned premise `a·c ≤ x·y ≤ b·d < 2^w` (by 1), so no product wraps and the integer
/// inequalities are the bit-vector ones; under the signed premise every corner is in range and
/// `x·y` lies between two of them (by 2), so the same holds. Those two steps are definitions, not
/// asked of z3 (bit-blasting equalities of 64-bit products is what SAT does worst).
pub fn prove_mul_lemmas(timeout: Duration) -> Vec<Lemma> {
    let low = timed(
        "mul low-half: lo(x·y) = lo(x)·lo(y), 64-bit words".into(),
        || {
            let (x, y) = (Z3Word::fresh("x", 64), Z3Word::fresh("y", 64));
            let claim = x
                .bvmul(&y)
                .extract(31, 0)
                .eq(&x.extract(31, 0).bvmul(&y.extract(31, 0)));
            decide(&[], &claim, timeout)
        },
    );
    vec![prove_umul_mono(timeout), prove_smul_box(timeout), low]
}

/// Lemma 1 of [`prove_mul_lemmas`], **umul-mono (ℤ)**: for integers `0 ≤ a ≤ x ≤ b`,
/// `0 ≤ c ≤ y ≤ d`: `a·c ≤ x·y ≤ b·d` (no width; the instances at a width are
/// [`umul_bounds_instance`]).
pub fn prove_umul_mono(timeout: Duration) -> Lemma {
    let int = |n: &str| Int::fresh_const(n);
    let mul = |p: &Int, q: &Int| Int::mul(&[p.clone(), q.clone()]);
    timed(
        "mul umul-mono (ℤ): 0 ≤ a ≤ x ≤ b, 0 ≤ c ≤ y ≤ d ⇒ a·c ≤ x·y ≤ b·d".into(),
        || {
            let (a, b, c, d, x, y) = (int("a"), int("b"), int("c"), int("d"), int("x"), int("y"));
            let zero = Int::from_i64(0);
            let hyps = [
                zero.le(&a),
                a.le(&x),
                x.le(&b),
                zero.le(&c),
                c.le(&y),
                y.le(&d),
            ];
            let xy = mul(&x, &y);
            let claim = Bool::and(&[mul(&a, &c).le(&xy), xy.le(mul(&b, &d))]);
            decide_int(&hyps, &claim, timeout)
        },
    )
}

/// Lemma 2 of [`prove_mul_lemmas`], **smul-box (ℤ)**: for integers `a ≤ x ≤ b`, `c ≤ y ≤ d`,
/// some corner product is `≤ x·y` and some is `≥ x·y` (the instances at a width are
/// [`smul_bounds_instance`]).
pub fn prove_smul_box(timeout: Duration) -> Lemma {
    let int = |n: &str| Int::fresh_const(n);
    let mul = |p: &Int, q: &Int| Int::mul(&[p.clone(), q.clone()]);
    timed(
        "mul smul-box (ℤ): a ≤ x ≤ b, c ≤ y ≤ d ⇒ min(corners) ≤ x·y ≤ max(corners)".into(),
        || {
            let (a, b, c, d, x, y) = (int("a"), int("b"), int("c"), int("d"), int("x"), int("y"));
            let hyps = [a.le(&x), x.le(&b), c.le(&y), y.le(&d)];
            let xy = mul(&x, &y);
            let corners = [mul(&a, &c), mul(&a, &d), mul(&b, &c), mul(&b, &d)];
            let pick = |keep_first: fn(&Int, &Int) -> Bool| {
                move |m: Int, p: &Int| keep_first(&m, p).ite(&m, p)
            };
            let lo = corners[1..]
                .iter()
                .fold(corners[0].clone(), pick(|m, p| m.le(p)));
            let hi = corners[1..]
                .iter()
                .fold(corners[0].clone(), pick(|m, p| m.ge(p)));
            let claim = Bool::and(&[lo.le(&xy), xy.le(&hi)]);
            decide_int(&hyps, &claim, timeout)
        },
    )
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
///
/// With `opaque_products`, every product and unsigned-overflow test, and the given terms (the
/// tnum product's value and mask), are replaced by fresh variables first (with Ackermann's
/// constraints: `synth::bounds_proof`'s generalisation), so that only the lemma instances
/// speak about them.
fn decide_all(
    assumptions: &[Z3Bool],
    per_part: &[Vec<Z3Bool>],
    claims: &[Z3Bool],
    timeout: Duration,
    opaque_products: Option<&[Z3Word]>,
) -> Outcome {
    let names = ["tnum", "u64 range", "s64 range", "u32 range", "s32 range"];
    let mut unknown = None;
    for (i, c) in claims.iter().enumerate() {
        let part = names.get(i).copied().unwrap_or("part");
        let mut a = assumptions.to_vec();
        a.extend(per_part.get(i).cloned().unwrap_or_default());
        let outcome = match opaque_products {
            Some(terms) => decide_generalised(&a, c, terms, timeout),
            None => decide(&a, c, timeout),
        };
        match outcome {
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

/// Does the pre lemma of `form` assume the multiplication lemmas ([`prove_mul_lemmas`] and the
/// inductive proof of `tnum.mul`)?
pub fn uses_mul_lemmas(form: KernelForm) -> bool {
    matches!(
        form,
        KernelForm::AluX(_, AluOp::Mul) | KernelForm::AluK(_, AluOp::Mul)
    )
}

/// Every lemma the multiplication steps depend on besides the stages: [`prove_mul_lemmas`]
/// and the inductive proof of `tnum.mul` at 64 bits (its lemmas, prefixed `tnum.mul`).
pub fn prove_mul_dependencies(timeout: Duration) -> Vec<Lemma> {
    let mut lemmas = prove_mul_lemmas(timeout);
    for l in crate::verify::prove_tnum_mul_inductive(64, timeout) {
        let outcome = match l.verdict {
            crate::verify::Verdict::Valid => Outcome::Valid,
            crate::verify::Verdict::Unknown(r) => Outcome::Unknown(r),
            crate::verify::Verdict::Counterexample(c) => Outcome::Counterexample(c.to_string()),
        };
        lemmas.push(Lemma {
            name: format!("tnum.mul {}", l.name),
            outcome,
            elapsed: l.elapsed,
        });
    }
    lemmas
}

/// The kernel step named `name` (`kernel.alu64.add.k`), if it is one.
pub fn form_named(name: &str) -> Option<KernelForm> {
    KernelForm::all().into_iter().find(|f| f.name() == name)
}
