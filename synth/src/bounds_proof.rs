//! Structured soundness proofs of the interval operators that z3 does not decide as one query:
//! **lemma instances** over **opaque arithmetic**.
//!
//! The claim proved is the catalog's, unchanged: for the operator's real code (`op.eval_z3`),
//!
//! ```text
//! ∀ well-formed a, b, ∀ x ∈ γ(a), y ∈ γ(b):  op(x, y) ∈ γ(op#(a, b))  ∧  op#(a, b) well-formed
//! ```
//!
//! asked bound by bound as in [`crate::verify::prove_z3`]. Two things are added to each query:
//!
//! 1. **Lemma instances.** A lemma is a fact about the arithmetic proved once, on its own, for
//!    all words of the width (`QF_BV`) or for all integers (nonlinear integer arithmetic, with
//!    the SMT-LIB definition of the bit-vector operator as the bridge, stated at the lemma). An
//!    *instance* is the lemma's statement with its variables replaced by terms of the query
//!    (the members, the bounds, the operator's own intermediate words): a true formula, so
//!    assuming it changes nothing about what is proved. For an interval operator these are
//!    the monotonicity facts its comments argue with (the product of words in `[a, b]×[c, d]`
//!    lies in `[a·c, b·d]` when `b·d` does not overflow, quotients decrease in the divisor …).
//! 2. **Opaque arithmetic.** After the instances are added, every application of the
//!    expensive operations (`bvmul`, `bvudiv`, `bvurem`, `bvsdiv`, `bvsrem`, the overflow
//!    predicates, shifts by a variable amount: whichever a plan names) is replaced by a fresh
//!    variable, with the functional-consistency constraints of Ackermann's reduction between
//!    applications of the same operation (equal arguments ⇒ equal results). A plan may also
//!    name whole terms to make opaque (the result of an inner operator, see *lifts* below).
//!    Replacing a term by a variable everywhere *generalises* the formula — the original is the
//!    instance `v := t` — so if the generalised query is unsatisfiable, so is the original.
//!    What is left is reasoning about orders and selects, which bit-blasting settles at once.
//!
//! A model of the generalised query need not be a counterexample of the operator (the opaque
//! variables may take values no product has). Its arguments and members are re-evaluated on
//! concrete words: a confirmed violation is a counterexample, otherwise the verdict is unknown
//! ("model not confirmed"). [`structured_proof`] first tries the seeded random search of
//! [`crate::verify::sample`], so most bugs are reported as counterexamples.
//!
//! A plan may also split the main query into cases by the signs of some words (every
//! combination is one query, so the cases cover every input by construction; `sint.sdiv`
//! splits on six words, after which every magnitude `|v|` is `v` or `−v`), and may drop
//! Ackermann's constraints (which only generalises further).
//!
//! # Lifts
//!
//! The signed bitwise, shift and unsigned-division operators run an unsigned operator on the
//! unsigned pieces of their arguments (`via_unsigned`), and `uint.sdiv`/`uint.srem` a signed one
//! on the signed pieces (`via_signed`). Their plans make each inner result `r = inner(p, q)`
//! opaque (two fresh bounds) and assume the instance of the inner operator's soundness at the
//! query's members: `wf(p) ∧ wf(q) ∧ x ∈ γ(p) ∧ y ∈ γ(q) ⇒ inner(x, y) ∈ γ(r) ∧ wf(r)`. That
//! instance is the inner catalog row's theorem; the inner row's own proof is re-run and printed
//! as the lifted row's first lemmas, so a lifted row is valid only when its inner row is.
//!
//! # The lemmas
//!
//! See [`plan`] for which operator uses which; each lemma's statement is its printed name.

use crate::catalog::interval::IntervalOp;
use crate::catalog::{Abs, Catalog, Operator};
use crate::smt::{Z3Bool, Z3Word};
use crate::steps;
use crate::verify::{self, Lemma, Verdict};
use absint::domain::interval::{SInterval, UInterval};
use absint::word::{Bit, Word};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use z3::ast::{Ast, Bool, Dynamic, Int, BV};
use z3::DeclKind;

/// The operators with a structured proof, by catalog name.
pub const STRUCTURED: [&str; 21] = [
    "uint.mul",
    "sint.mul",
    "uint.udiv",
    "uint.urem",
    "uint.shl",
    "sint.shl.k",
    "sint.srem",
    "sint.sdiv",
    "sint.ashr",
    "sint.and",
    "sint.or",
    "sint.xor",
    "sint.shl",
    "sint.udiv",
    "sint.urem",
    "uint.sdiv",
    "uint.srem",
    // The closed forms of `synth::pieces::bitwise`, whose plans live there.
    "uint.xor.closed",
    "sint.and.closed",
    "sint.or.closed",
    "sint.xor.closed",
];

/// What a plan adds to the main query, built from the query's arguments and members.
pub struct Instances {
    /// Instances of proved lemmas (true formulas), assumed.
    pub facts: Vec<Z3Bool>,
    /// Whole terms replaced by fresh variables (inner operators' result bounds).
    pub opaque_terms: Vec<Z3Word>,
}

/// Builds the instances from the arguments and members of the main query.
pub type InstanceFn = Box<dyn Fn(&[Abs<Z3Word>], &[Z3Word]) -> Instances>;
/// The words whose signs split a main query, from its arguments and members.
pub type SplitFn = fn(&[Abs<Z3Word>], &[Z3Word]) -> Vec<Z3Word>;
/// Proves lemmas at a width within a budget.
pub type LemmaFn = Box<dyn Fn(u32, Duration) -> Vec<Lemma>>;

/// How one operator is proved: the lemmas, the instances assumed, the operations made opaque.
pub struct Plan {
    /// The lemmas the instances rest on (each its own query, printed).
    pub lemmas: Vec<LemmaFn>,
    /// The instances assumed in the main query.
    pub instances: InstanceFn,
    /// The operations whose applications are replaced by fresh variables (with Ackermann's
    /// consistency constraints).
    pub opaque_ops: &'static [DeclKind],
    /// Words whose signs split the main query into cases (each combination of signs is one
    /// query, so the cases cover every input by construction); `None`: one query.
    pub sign_splits: Option<SplitFn>,
    /// Add Ackermann's consistency constraints between opaque applications (needed when
    /// the argument must see that two applications with equal arguments are equal; dropping
    /// them only generalises the query further).
    pub ackermann: bool,
}

/// The structured proof of the catalog operator `name` at `width`, if it has one: the random
/// search, then every lemma and the main query, each with its verdict and time. The proof holds
/// when every lemma is valid ([`verify::combine`]); a counterexample of the random search or of
/// the main query (confirmed on concrete words) is its last lemma's verdict.
pub fn structured_proof(name: &str, width: u32, timeout: Duration) -> Option<Vec<Lemma>> {
    let warren = matches!(name, "uint.and" | "uint.or" | "uint.xor");
    let plan = if warren { None } else { Some(plan(name)?) };
    let catalog = Catalog::all();
    let op = catalog.get(name)?;
    let search = timed_lemma(
        "random search (seeded concrete inputs)",
        || match verify::sample(op.as_ref(), width, verify::DEFAULT_SAMPLES, 0) {
            Some(cex) => Verdict::Counterexample(Box::new(cex)),
            None => Verdict::Valid,
        },
    );
    if search.verdict.counterexample().is_some() {
        return Some(vec![search]);
    }
    match plan {
        Some(plan) => Some(prove_with_plan(op.as_ref(), &plan, width, timeout)),
        // absint's Hacker's Delight searches: equal to their proved closed forms.
        None => crate::pieces::bitwise::warren_proof(name, width, timeout),
    }
}

/// The verdict of a structured proof's lemmas: the last lemma's counterexample (the main
/// query's, or the random search's when it stopped the proof; both confirmed on concrete
/// words and about this operator), else [`verify::combine`] — so a counterexample among an
/// inner row's lemmas makes a lifted row unknown, not refuted.
pub fn verdict(lemmas: &[Lemma]) -> Verdict {
    match lemmas.last() {
        Some(l) if l.verdict.counterexample().is_some() => l.verdict.clone(),
        _ => verify::combine(lemmas),
    }
}

/// Every lemma of `plan` at `width`, then the main query for `op` (no random search).
pub fn prove_with_plan(
    op: &dyn Operator,
    plan: &Plan,
    width: u32,
    timeout: Duration,
) -> Vec<Lemma> {
    let mut lemmas: Vec<Lemma> = plan.lemmas.iter().flat_map(|f| f(width, timeout)).collect();
    lemmas.push(timed_lemma(
        &format!(
            "main: {} sound given the instances, arithmetic opaque",
            op.name()
        ),
        || prove_main(op, plan, width, timeout),
    ));
    lemmas
}

fn timed_lemma(name: &str, f: impl FnOnce() -> Verdict) -> Lemma {
    let t = Instant::now();
    let verdict = f();
    Lemma {
        name: name.to_string(),
        verdict,
        elapsed: t.elapsed(),
    }
}

/// The main query: the catalog's soundness statement for `op` with the plan's instances assumed
/// and its arithmetic opaque, bound by bound.
pub fn prove_main(op: &dyn Operator, plan: &Plan, width: u32, timeout: Duration) -> Verdict {
    if !op.supports_width(width) {
        return Verdict::Unknown(format!("unsupported: {} at {width} bits", op.name()));
    }
    let started = Instant::now();
    let (args, members): (Vec<_>, Vec<_>) = op
        .args()
        .iter()
        .enumerate()
        .map(|(i, k)| verify::fresh(*k, width, &format!("a{i}")))
        .unzip();
    let e = op.eval_z3(width, &args, &members);
    let mut assumptions: Vec<Z3Bool> = args
        .iter()
        .zip(&members)
        .flat_map(|(a, x)| [a.well_formed(), a.contains(x)])
        .collect();
    assumptions.push(e.pre.clone());
    let inst = (plan.instances)(&args, &members);
    assumptions.extend(inst.facts.iter().cloned());
    let wf = e.result.well_formed().and(&e.post);
    let obligations: Vec<Z3Bool> = match &e.result {
        Abs::UInt(i) => vec![i.above_lo(&e.concrete), i.below_hi(&e.concrete), wf],
        Abs::SInt(i) => vec![i.above_lo(&e.concrete), i.below_hi(&e.concrete), wf],
        _ => vec![e.result.contains(&e.concrete).and(&wf)],
    };
    // Every combination of the split words' signs (one case without a split).
    let split = plan
        .sign_splits
        .map(|f| f(&args, &members))
        .unwrap_or_default();
    let cases: Vec<Z3Bool> = (0..1u32 << split.len())
        .map(|bits| {
            split
                .iter()
                .enumerate()
                .fold(Z3Bool(Bool::from_bool(true)), |acc, (i, w)| {
                    let negative = w.msb();
                    acc.and(&if bits >> i & 1 == 1 {
                        negative
                    } else {
                        negative.not()
                    })
                })
        })
        .collect();
    for (obligation, case) in obligations
        .iter()
        .flat_map(|o| cases.iter().map(move |c| (o, c)))
    {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Verdict::Unknown(format!("timeout after {}s", timeout.as_secs()));
        }
        let mut in_case = assumptions.clone();
        in_case.push(case.clone());
        let (hyps, goal) = generalise(
            &in_case,
            obligation,
            &inst.opaque_terms,
            plan.opaque_ops,
            plan.ackermann,
        );
        let s = verify::solver(left);
        for h in &hyps {
            s.assert(h);
        }
        s.assert(goal.not());
        match verify::decide(&s, timeout, started) {
            Ok(None) => continue,
            Err(reason) => return Verdict::Unknown(reason),
            Ok(Some(model)) => {
                return match verify::confirm_model(op, width, &args, &members, &model) {
                    Verdict::Unknown(_) => {
                        let shown: Vec<String> = args
                            .iter()
                            .zip(&members)
                            .map(|(a, x)| {
                                let a = verify::read_back(a, &model)
                                    .map_or_else(|| "?".to_string(), |a| a.to_string());
                                let x = x
                                    .eval(&model)
                                    .map_or_else(|| "?".into(), |v| format!("{v:#x}"));
                                format!("{a} ∋ {x}")
                            })
                            .collect();
                        Verdict::Unknown(format!(
                            "the generalised query has a model that is no counterexample \
                             (not confirmed on concrete words): {}",
                            shown.join(", ")
                        ))
                    }
                    v => v,
                };
            }
        }
    }
    Verdict::Valid
}

/// Replace `terms`, then every application of `kinds`, by fresh variables in the hypotheses
/// and the goal, adding Ackermann's consistency constraints (equal arguments ⇒ equal results)
/// between applications of the same operation. The result generalises the input: any
/// assignment of the input's variables extends to one of the result.
pub(crate) fn generalise(
    hyps: &[Z3Bool],
    goal: &Z3Bool,
    terms: &[Z3Word],
    kinds: &[DeclKind],
    with_consistency: bool,
) -> (Vec<Bool>, Bool) {
    let mut formulas: Vec<Bool> = hyps.iter().map(|h| h.0.clone()).collect();
    formulas.push(goal.0.clone());
    // Pass 1: the named terms (skipping constants: replacing a numeral would replace it
    // everywhere, which is sound but pointless).
    let named: Vec<(Dynamic, Dynamic)> = terms
        .iter()
        .filter(|t| !t.0.is_const())
        .map(|t| {
            (
                Dynamic::from_ast(&t.0),
                Dynamic::from_ast(&BV::fresh_const("opaque", t.width())),
            )
        })
        .collect();
    if !named.is_empty() {
        let refs: Vec<(&Dynamic, &Dynamic)> = named.iter().map(|(a, b)| (a, b)).collect();
        formulas = formulas.iter().map(|f| f.substitute(&refs)).collect();
    }
    // Pass 2: applications of the opaque operations.
    if !kinds.is_empty() {
        let apps = collect_apps(&formulas, kinds);
        let mut pairs: Vec<(Dynamic, Dynamic)> = Vec::new();
        let mut by_kind: HashMap<u32, Vec<Dynamic>> = HashMap::new();
        for app in &apps {
            let fresh = match app.as_bv() {
                Some(bv) => Dynamic::from_ast(&BV::fresh_const("opaque_op", bv.get_size())),
                None => Dynamic::from_ast(&Bool::fresh_const("opaque_op")),
            };
            pairs.push((app.clone(), fresh));
            by_kind
                .entry(app.decl().kind() as u32)
                .or_default()
                .push(app.clone());
        }
        let mut consistency = Vec::new();
        for group in by_kind.values().filter(|_| with_consistency) {
            for (i, p) in group.iter().enumerate() {
                for q in &group[i + 1..] {
                    if let Some(c) = ackermann(p, q) {
                        consistency.push(c);
                    }
                }
            }
        }
        formulas.splice(0..0, consistency);
        let refs: Vec<(&Dynamic, &Dynamic)> = pairs.iter().map(|(a, b)| (a, b)).collect();
        formulas = formulas.iter().map(|f| f.substitute(&refs)).collect();
    }
    let goal = formulas.pop().unwrap_or_else(|| Bool::from_bool(true));
    (formulas, goal)
}

/// Every distinct application of one of `kinds` in `formulas` (iterative walk of the DAG).
fn collect_apps(formulas: &[Bool], kinds: &[DeclKind]) -> Vec<Dynamic> {
    let mut seen: HashSet<Dynamic> = HashSet::new();
    let mut found = Vec::new();
    let mut stack: Vec<Dynamic> = formulas.iter().map(|f| Dynamic::from_ast(f)).collect();
    while let Some(node) = stack.pop() {
        if !node.is_app() || !seen.insert(node.clone()) {
            continue;
        }
        if node.num_children() > 0 && kinds.contains(&node.decl().kind()) {
            found.push(node.clone());
        }
        stack.extend(node.children());
    }
    found
}

/// `args(p) = args(q) ⇒ p = q` for two applications of the same operation (`None` when their
/// arguments' sorts differ, e.g. products of different widths).
fn ackermann(p: &Dynamic, q: &Dynamic) -> Option<Bool> {
    let (pa, qa) = (p.children(), q.children());
    if pa.len() != qa.len() {
        return None;
    }
    let mut same = Vec::new();
    for (x, y) in pa.iter().zip(&qa) {
        match (x.as_bv(), y.as_bv()) {
            (Some(x), Some(y)) if x.get_size() == y.get_size() => same.push(x.eq(&y)),
            _ => return None,
        }
    }
    let result_eq = match (p.as_bv(), q.as_bv()) {
        (Some(x), Some(y)) if x.get_size() == y.get_size() => x.eq(&y),
        (None, None) => p.as_bool()?.eq(&q.as_bool()?),
        _ => return None,
    };
    Some(Bool::and(&same).implies(&result_eq))
}

// ---------------------------------------------------------------------------------------------
// Lemma statements: each is one generic function, used on fresh variables to prove the lemma
// and on the query's terms to build its instances, so an instance is the lemma's statement by
// construction.
// ---------------------------------------------------------------------------------------------

/// **udiv-dividend**: `y ≠ 0 ∧ x ≤ x′ ⇒ x / y ≤ x′ / y`.
pub fn udiv_dividend_mono<W: Word>(x: &W, x2: &W, y: &W) -> W::Bool {
    let premise = y.is_zero().not().and(&x.bvule(x2));
    premise.not().or(&x.bvudiv(y).bvule(&x2.bvudiv(y)))
}

/// **udiv-divisor**: `0 < y ≤ y′ ⇒ x / y′ ≤ x / y`.
pub fn udiv_divisor_anti<W: Word>(x: &W, y: &W, y2: &W) -> W::Bool {
    let premise = y.is_zero().not().and(&y.bvule(y2));
    premise.not().or(&x.bvudiv(y2).bvule(&x.bvudiv(y)))
}

/// **urem-bound**: `y ≠ 0 ⇒ x % y ≤ x ∧ x % y < y`.
pub fn urem_bound<W: Word>(x: &W, y: &W) -> W::Bool {
    let r = x.bvurem(y);
    y.is_zero().or(&r.bvule(x).and(&r.bvult(y)))
}

/// **urem-small**: `x < y ⇒ x % y = x`.
pub fn urem_small<W: Word>(x: &W, y: &W) -> W::Bool {
    x.bvult(y).not().or(&x.bvurem(y).eq(x))
}

/// **urem-same-quotient**: `y ≠ 0 ∧ x ≤ x′ ∧ x / y = x′ / y ⇒ x % y ≤ x′ % y`.
pub fn urem_same_quotient<W: Word>(x: &W, x2: &W, y: &W) -> W::Bool {
    let premise = y
        .is_zero()
        .not()
        .and(&x.bvule(x2))
        .and(&x.bvudiv(y).eq(&x2.bvudiv(y)));
    premise.not().or(&x.bvurem(y).bvule(&x2.bvurem(y)))
}

/// A lemma over `n` fresh words of `width` bits: `statement(words)` holds for all of them
/// (`QF_BV`, no assumption).
fn bv_lemma(
    name: &str,
    width: u32,
    timeout: Duration,
    n: usize,
    statement: impl Fn(&[Z3Word]) -> Z3Bool,
) -> Lemma {
    timed_lemma(&format!("{name} ({width}-bit words)"), || {
        let vars: Vec<Z3Word> = (0..n)
            .map(|i| Z3Word::fresh(&format!("v{i}"), width))
            .collect();
        verify::prove_claim(&[], &statement(&vars), timeout)
    })
}

/// A lemma over integers (nonlinear integer arithmetic with `div` and `mod`, z3's default
/// solver): `hyps ⇒ claim` for `n` fresh integers.
fn int_lemma(
    name: &str,
    timeout: Duration,
    n: usize,
    build: impl Fn(&[Int]) -> (Vec<Bool>, Bool),
) -> Lemma {
    let t = Instant::now();
    let vars: Vec<Int> = (0..n).map(|i| Int::fresh_const(&format!("n{i}"))).collect();
    let (hyps, claim) = build(&vars);
    let outcome = steps::decide_int(&hyps, &claim, timeout);
    from_step(steps::Lemma {
        name: format!("{name} (ℤ)"),
        outcome,
        elapsed: t.elapsed(),
    })
}

fn nonneg(v: &Int) -> Bool {
    v.ge(Int::from_i64(0))
}

fn positive(v: &Int) -> Bool {
    v.gt(Int::from_i64(0))
}

/// The integer division lemmas. Bridge to the bit-vector instances (SMT-LIB's definition of
/// the operators): for `t ≠ 0`, `bvudiv s t = nat2bv(div(bv2nat s, bv2nat t))` and
/// `bvurem s t = nat2bv(mod(bv2nat s, bv2nat t))`; both results are below `2^w`, so
/// `nat2bv` is exact, and `bvule`/`bvult`/`=` compare the `bv2nat` readings. A statement about
/// naturals `x, y` with `div`/`mod` is therefore the same statement about `w`-bit words with
/// `bvudiv`/`bvurem`, at every width.
fn udiv_dividend_int(timeout: Duration) -> Lemma {
    int_lemma(
        "udiv-dividend: y ≠ 0 ∧ x ≤ x′ ⇒ x/y ≤ x′/y",
        timeout,
        3,
        |v| {
            let (x, x2, y) = (&v[0], &v[1], &v[2]);
            (
                vec![nonneg(x), x.le(x2), positive(y)],
                x.div(y).le(x2.div(y)),
            )
        },
    )
}

fn udiv_divisor_int(timeout: Duration) -> Lemma {
    int_lemma(
        "udiv-divisor: 0 < y ≤ y′ ⇒ x/y′ ≤ x/y",
        timeout,
        3,
        |v| {
            let (x, y, y2) = (&v[0], &v[1], &v[2]);
            (
                vec![nonneg(x), positive(y), y.le(y2)],
                x.div(y2).le(x.div(y)),
            )
        },
    )
}

fn urem_bound_int(timeout: Duration) -> Lemma {
    int_lemma(
        "urem-bound: y ≠ 0 ⇒ x%y ≤ x ∧ x%y < y",
        timeout,
        2,
        |v| {
            let (x, y) = (&v[0], &v[1]);
            let r = x.modulo(y);
            (vec![nonneg(x), positive(y)], Bool::and(&[r.le(x), r.lt(y)]))
        },
    )
}

fn urem_small_int(timeout: Duration) -> Lemma {
    int_lemma("urem-small: x < y ⇒ x%y = x", timeout, 2, |v| {
        let (x, y) = (&v[0], &v[1]);
        (vec![nonneg(x), x.lt(y)], x.modulo(y).eq(x))
    })
}

fn urem_same_quotient_int(timeout: Duration) -> Lemma {
    int_lemma(
        "urem-same-quotient: y ≠ 0 ∧ x ≤ x′ ∧ x/y = x′/y ⇒ x%y ≤ x′%y",
        timeout,
        3,
        |v| {
            let (x, x2, y) = (&v[0], &v[1], &v[2]);
            (
                vec![nonneg(x), x.le(x2), positive(y), x.div(y).eq(x2.div(y))],
                x.modulo(y).le(x2.modulo(y)),
            )
        },
    )
}

fn udiv_lemmas(_width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![udiv_dividend_int(timeout), udiv_divisor_int(timeout)]
}

fn urem_lemmas(_width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![
        urem_bound_int(timeout),
        urem_small_int(timeout),
        urem_same_quotient_int(timeout),
        udiv_dividend_int(timeout),
    ]
}

// ---------------------------------------------------------------------------------------------
// Lemmas
// ---------------------------------------------------------------------------------------------

/// A lemma of `steps` (no width) as a catalog lemma.
fn from_step(l: steps::Lemma) -> Lemma {
    let verdict = match l.outcome {
        steps::Outcome::Valid => Verdict::Valid,
        steps::Outcome::Counterexample(m) => Verdict::Unknown(format!("lemma refuted: {m}")),
        steps::Outcome::Unknown(r) => Verdict::Unknown(r),
    };
    Lemma {
        name: l.name,
        verdict,
        elapsed: l.elapsed,
    }
}

fn umul_mono_lemma(_width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![from_step(steps::prove_umul_mono(timeout))]
}

fn smul_box_lemma(_width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![from_step(steps::prove_smul_box(timeout))]
}

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

fn uint_args(args: &[Abs<Z3Word>]) -> (UInterval<Z3Word>, UInterval<Z3Word>) {
    (args[0].uint().clone(), args[1].uint().clone())
}

fn sint_args(args: &[Abs<Z3Word>]) -> (SInterval<Z3Word>, SInterval<Z3Word>) {
    (args[0].sint().clone(), args[1].sint().clone())
}

fn uint_mul_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = uint_args(args);
    Instances {
        facts: vec![steps::umul_bounds_instance(
            &xs[0],
            &xs[1],
            (&a.lo, &a.hi),
            (&b.lo, &b.hi),
        )],
        opaque_terms: Vec::new(),
    }
}

fn sint_mul_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = sint_args(args);
    Instances {
        facts: vec![steps::smul_bounds_instance(
            &xs[0],
            &xs[1],
            (&a.lo, &a.hi),
            (&b.lo, &b.hi),
        )],
        opaque_terms: Vec::new(),
    }
}

fn uint_udiv_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = uint_args(args);
    let (x, y) = (&xs[0], &xs[1]);
    // The operator's own divisor for the upper bound.
    let m = b.lo.umax(&b.lo.lit(1));
    Instances {
        facts: vec![
            udiv_dividend_mono(&a.lo, x, &b.hi),
            udiv_divisor_anti(x, y, &b.hi),
            udiv_divisor_anti(x, &m, y),
            udiv_dividend_mono(x, &a.hi, &m),
        ],
        opaque_terms: Vec::new(),
    }
}

fn uint_urem_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = uint_args(args);
    let (x, y) = (&xs[0], &xs[1]);
    Instances {
        facts: vec![
            urem_bound(x, y),
            urem_small(x, y),
            urem_small(&a.lo, &b.lo),
            urem_small(&a.hi, &b.lo),
            udiv_dividend_mono(&a.lo, x, &b.lo),
            udiv_dividend_mono(x, &a.hi, &b.lo),
            urem_same_quotient(&a.lo, x, &b.lo),
            urem_same_quotient(x, &a.hi, &b.lo),
        ],
        opaque_terms: Vec::new(),
    }
}

const DIVISIONS: &[DeclKind] = &[DeclKind::Budiv, DeclKind::Burem];

pub(crate) const PRODUCTS: &[DeclKind] = &[DeclKind::Bmul, DeclKind::BumulNoOvfl];

fn lemmas(f: fn(u32, Duration) -> Vec<Lemma>) -> LemmaFn {
    Box::new(f)
}

fn instances(f: fn(&[Abs<Z3Word>], &[Z3Word]) -> Instances) -> InstanceFn {
    Box::new(f)
}

/// The unsigned interval operator of `op`.
fn uint_op(op: IntervalOp, p: &UInterval<Z3Word>, q: &UInterval<Z3Word>) -> UInterval<Z3Word> {
    use IntervalOp::*;
    match op {
        And => p.and(q),
        Or => p.or(q),
        Xor => p.xor(q),
        Shl => p.shl(q),
        Lshr => p.lshr(q),
        Udiv => p.udiv(q),
        Urem => p.urem(q),
        Add => p.add(q),
        Sub => p.sub(q),
        Mul => p.mul(q),
        Ashr => p.ashr(q),
        Sdiv => p.sdiv(q),
        Srem => p.srem(q),
        Neg | ShlK | LshrK | AshrK => UInterval::full_like(&p.lo),
    }
}

/// The signed interval operator of `op`.
fn sint_op(op: IntervalOp, p: &SInterval<Z3Word>, q: &SInterval<Z3Word>) -> SInterval<Z3Word> {
    use IntervalOp::*;
    match op {
        Sdiv => p.sdiv(q),
        Srem => p.srem(q),
        And => p.and(q),
        Or => p.or(q),
        Xor => p.xor(q),
        Shl => p.shl(q),
        Lshr => p.lshr(q),
        Udiv => p.udiv(q),
        Urem => p.urem(q),
        Add => p.add(q),
        Sub => p.sub(q),
        Mul => p.mul(q),
        Ashr => p.ashr(q),
        Neg | ShlK | LshrK | AshrK => SInterval::full_like(&p.lo),
    }
}

/// The instances of a lift through the unsigned pieces (`SInterval::via_unsigned`): for each
/// pair of pieces `p, q` and `r = inner(p, q)` (made opaque),
/// `wf(p) ∧ wf(q) ∧ x ∈ γ(p) ∧ y ∈ γ(q) ⇒ op(x, y) ∈ γ(r) ∧ wf(r)`.
fn unsigned_lift_instances(op: IntervalOp, args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = sint_args(args);
    unsigned_piece_instances(&a, &b, xs, &op.concrete(xs), |p, q| uint_op(op, p, q))
}

/// The instances of [`unsigned_lift_instances`] for any inner operator `inner` on the unsigned
/// pieces of `a` and `b`, whose concrete result at the members `xs` is `concrete`.
pub(crate) fn unsigned_piece_instances(
    a: &SInterval<Z3Word>,
    b: &SInterval<Z3Word>,
    xs: &[Z3Word],
    concrete: &Z3Word,
    inner: impl Fn(&UInterval<Z3Word>, &UInterval<Z3Word>) -> UInterval<Z3Word>,
) -> Instances {
    let mut inst = Instances {
        facts: Vec::new(),
        opaque_terms: Vec::new(),
    };
    for p in a.unsigned_pieces() {
        for q in b.unsigned_pieces() {
            let r = inner(&p, &q);
            let premise = p
                .is_well_formed()
                .and(&q.is_well_formed())
                .and(&p.contains(&xs[0]))
                .and(&q.contains(&xs[1]));
            let sound = r.contains(concrete).and(&r.is_well_formed());
            inst.facts.push(premise.implies(&sound));
            inst.opaque_terms.extend([r.lo, r.hi]);
        }
    }
    inst
}

/// The instances of a lift through the signed pieces (`UInterval::via_signed`), as
/// [`unsigned_lift_instances`].
fn signed_lift_instances(op: IntervalOp, args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = uint_args(args);
    let concrete = op.concrete(xs);
    let mut inst = Instances {
        facts: Vec::new(),
        opaque_terms: Vec::new(),
    };
    for p in a.signed_pieces() {
        for q in b.signed_pieces() {
            let r = sint_op(op, &p, &q);
            let premise = p
                .is_well_formed()
                .and(&q.is_well_formed())
                .and(&p.contains(&xs[0]))
                .and(&q.contains(&xs[1]));
            let sound = r.contains(&concrete).and(&r.is_well_formed());
            inst.facts.push(premise.implies(&sound));
            inst.opaque_terms.extend([r.lo, r.hi]);
        }
    }
    inst
}

/// The proof of a catalog row as lemmas named after it: its structured proof when it has one,
/// else one plain z3 query (random search first).
pub fn row_lemmas(name: &str, width: u32, timeout: Duration) -> Vec<Lemma> {
    if let Some(lemmas) = structured_proof(name, width, timeout) {
        return lemmas
            .into_iter()
            .map(|l| Lemma {
                name: format!("{name}: {}", l.name),
                ..l
            })
            .collect();
    }
    let catalog = Catalog::all();
    let Some(op) = catalog.get(name) else {
        return vec![timed_lemma(name, || {
            Verdict::Unknown(format!("no catalog operator {name}"))
        })];
    };
    vec![timed_lemma(
        &format!("{name}: sound at {width} bits (z3)"),
        || verify::prove(op.as_ref(), width, timeout),
    )]
}

/// A lifted operator's plan: the inner row's proof, the lift's instances, nothing else opaque.
fn lift_plan(inner: &'static str, op: IntervalOp, signed_pieces: bool) -> Plan {
    Plan {
        lemmas: vec![Box::new(move |w, t| row_lemmas(inner, w, t))],
        instances: Box::new(move |args, xs| {
            if signed_pieces {
                signed_lift_instances(op, args, xs)
            } else {
                unsigned_lift_instances(op, args, xs)
            }
        }),
        // The concrete operation itself is opaque too: the inner instances say all that is
        // needed about it (a 64-bit divider left in the query costs most of its time).
        opaque_ops: match op {
            IntervalOp::Udiv | IntervalOp::Urem => DIVISIONS,
            IntervalOp::Sdiv => &[DeclKind::Bsdiv],
            IntervalOp::Srem => &[DeclKind::Bsrem],
            _ => &[],
        },
        sign_splits: None,
        ackermann: true,
    }
}

/// The accumulator of `UInterval::shl`'s loop after its `w` iterations, rebuilt with the same
/// operations on the same terms (so, z3 terms being hash-consed, the same term as in the
/// operator; the "unrolled" lemma checks it).
fn shl_accumulator(a: &UInterval<Z3Word>, b: &UInterval<Z3Word>) -> UInterval<Z3Word> {
    let mut acc = UInterval::from_bounds(a.lo.ones(), a.lo.zero());
    for k in 0..a.width() {
        acc = join_step(&acc, &a.shl_const(k), &b.contains(&a.lo.lit(u64::from(k))));
    }
    acc
}

/// One iteration of `UInterval::shl`'s loop: `ite(c, acc ⊔ r, acc)`.
fn join_step<W: Word>(acc: &UInterval<W>, r: &UInterval<W>, c: &W::Bool) -> UInterval<W> {
    UInterval::ite(c, &acc.join(r), acc)
}

/// `uint.shl`: the join of `shl_const(k)` over the amounts `k < w` in `b`. Each
/// `shl_const(a, k)` is made opaque, with the instance `y = k ∧ wf(a) ∧ x ∈ γ(a) ⇒
/// x << y ∈ γ(shl_const(a, k)) ∧ wf`, which is the `uint.shl.k` row's theorem at `k`; the
/// loop's final accumulator is opaque too, with the instances `k ∈ γ(b) ⇒ shl_const(a, k) ⊆
/// acc_w` (bound by bound) of the loop invariant (see [`shl_loop_lemmas`]).
fn uint_shl_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = uint_args(args);
    let (x, y) = (&xs[0], &xs[1]);
    let shifted = x.bvshl(y);
    let acc = shl_accumulator(&a, &b);
    let mut inst = Instances {
        facts: Vec::new(),
        opaque_terms: vec![acc.lo.clone(), acc.hi.clone()],
    };
    for k in 0..x.width() {
        let amount = x.lit(u64::from(k));
        let r = a.shl_const(k);
        let premise = y.eq(&amount).and(&a.is_well_formed()).and(&a.contains(x));
        inst.facts
            .push(premise.implies(&r.contains(&shifted).and(&r.is_well_formed())));
        inst.facts.push(
            b.contains(&amount)
                .implies(&acc.lo.bvule(&r.lo).and(&r.hi.bvule(&acc.hi))),
        );
        inst.opaque_terms.extend([r.lo, r.hi]);
    }
    inst
}

/// The loop lemmas of `uint.shl`, and the `uint.shl.k` row.
///
/// - **join-step** (`QF_BV`): for any words, `acc′ = ite(c, acc ⊔ r, acc)` has
///   `acc′.lo ≤ acc.lo`, `acc.hi ≤ acc′.hi`, and `c ⇒ acc′.lo ≤ r.lo ∧ r.hi ≤ acc′.hi`. By
///   induction over the iterations (transitivity of `≤`), every `shl_const(a, k)` with
///   `k ∈ γ(b)` has its bounds within the final accumulator's: the instances assumed.
/// - **unrolled**: the accumulator rebuilt by [`shl_accumulator`] is the one in
///   `UInterval::shl`'s term (`ite(w ≤ hi_b, acc ⊔ [0, 0], acc)`; term identity, else z3).
fn shl_loop_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    let join = timed_lemma(
        "join-step: ite(c, acc ⊔ r, acc) ⊇ acc, and ⊇ r when c (bounds)",
        || {
            let w = |n: &str| Z3Word::fresh(n, width);
            let acc = UInterval::from_bounds(w("acc_lo"), w("acc_hi"));
            let r = UInterval::from_bounds(w("r_lo"), w("r_hi"));
            let c = w("c").lsb();
            let next = join_step(&acc, &r, &c);
            let keeps = next.lo.bvule(&acc.lo).and(&acc.hi.bvule(&next.hi));
            let adds = c.not().or(&next.lo.bvule(&r.lo).and(&r.hi.bvule(&next.hi)));
            verify::prove_claim(&[], &keeps.and(&adds), timeout)
        },
    );
    let unrolled = timed_lemma(
        "unrolled: the rebuilt accumulator is UInterval::shl's (same term)",
        || {
            let w = |n: &str| Z3Word::fresh(n, width);
            let (a, b) = (
                UInterval::from_bounds(w("a_lo"), w("a_hi")),
                UInterval::from_bounds(w("b_lo"), w("b_hi")),
            );
            let acc = shl_accumulator(&a, &b);
            let zero = UInterval::constant(a.lo.zero());
            let reaches = a.lo.lit(u64::from(width)).bvule(&b.hi);
            let ours = UInterval::ite(&reaches, &acc.join(&zero), &acc);
            let real = a.shl(&b);
            if ours.lo.0 == real.lo.0 && ours.hi.0 == real.hi.0 {
                Verdict::Valid
            } else {
                verify::prove_claim(
                    &[],
                    &ours.lo.eq(&real.lo).and(&ours.hi.eq(&real.hi)),
                    timeout,
                )
            }
        },
    );
    let mut lemmas = vec![join, unrolled];
    lemmas.extend(row_lemmas("uint.shl.k", width, timeout));
    lemmas
}

/// `sint.shl.k`: the operator selects `SInterval::shl_const(j)` for the amount `k = j`. Each is
/// made opaque, with the instance `k = j ∧ wf(a) ∧ x ∈ γ(a) ⇒ x << k ∈ γ(shl_const(a, j)) ∧ wf`
/// of the per-amount lemma [`sint_shl_const_lemmas`].
fn sint_shl_k_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let a = args[0].sint();
    let (x, k) = (&xs[0], &xs[1]);
    let shifted = x.bvshl(k);
    let mut inst = Instances {
        facts: Vec::new(),
        opaque_terms: Vec::new(),
    };
    for j in 0..x.width() {
        let r = a.shl_const(j);
        let premise = k
            .eq(&k.lit(u64::from(j)))
            .and(&a.is_well_formed())
            .and(&a.contains(x));
        inst.facts
            .push(premise.implies(&r.contains(&shifted).and(&r.is_well_formed())));
        inst.opaque_terms.extend([r.lo, r.hi]);
    }
    inst
}

/// One lemma per amount `j < w`: `∀ wf a, x ∈ γ(a): x << j ∈ γ(SInterval::shl_const(a, j))`,
/// well-formed (a constant amount: the shifts are rewirings).
fn sint_shl_const_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    (0..width)
        .map(|j| {
            timed_lemma(
                &format!("sint.shl_const({j}): x << {j} ∈ γ(shl_const(a, {j})), well-formed"),
                || {
                    let a = SInterval::from_bounds(
                        Z3Word::fresh("lo", width),
                        Z3Word::fresh("hi", width),
                    );
                    let x = Z3Word::fresh("x", width);
                    let r = a.shl_const(j);
                    let claim = r
                        .contains(&x.bvshl(&x.lit(u64::from(j))))
                        .and(&r.is_well_formed());
                    verify::prove_claim(&[a.is_well_formed(), a.contains(&x)], &claim, timeout)
                },
            )
        })
        .collect()
}

/// `|v|` as an unsigned magnitude (`|−2^(w−1)| = 2^(w−1)` reads correctly unsigned).
fn magnitude<W: Word>(v: &W) -> W {
    W::ite(&v.msb(), &v.bvneg(), v)
}

/// **sdiv-def**: `x sdiv y = ±(|x| udiv |y|)`, negative when the signs differ: SMT-LIB's
/// definition of `bvsdiv` (for every `y`, 0 included).
pub fn sdiv_def<W: Word>(x: &W, y: &W) -> W::Bool {
    let q = magnitude(x).bvudiv(&magnitude(y));
    let same_sign = x.msb().and(&y.msb()).or(&x.msb().not().and(&y.msb().not()));
    x.bvsdiv(y).eq(&W::ite(&same_sign, &q, &q.bvneg()))
}

/// **srem-def**: `x srem y = ±(|x| urem |y|)` with the sign of `x`: SMT-LIB's definition of
/// `bvsrem` (for every `y`, 0 included).
pub fn srem_def<W: Word>(x: &W, y: &W) -> W::Bool {
    let r = magnitude(x).bvurem(&magnitude(y));
    x.bvsrem(y).eq(&W::ite(&x.msb(), &r.bvneg(), &r))
}

/// **udiv-le**: `y ≠ 0 ⇒ x / y ≤ x`, strictly when `y > 1` and `x ≠ 0`.
pub fn udiv_le<W: Word>(x: &W, y: &W) -> W::Bool {
    let q = x.bvudiv(y);
    let one = y.lit(1);
    let strict = y.bvugt(&one).and(&x.is_zero().not());
    y.is_zero()
        .or(&q.bvule(x).and(&strict.not().or(&q.bvult(x))))
}

fn udiv_le_int(timeout: Duration) -> Lemma {
    int_lemma(
        "udiv-le: y ≠ 0 ⇒ x/y ≤ x, and x/y < x when y > 1, x ≠ 0",
        timeout,
        2,
        |v| {
            let (x, y) = (&v[0], &v[1]);
            let one = Int::from_i64(1);
            let q = x.div(y);
            let strict = Bool::and(&[y.gt(&one), positive(x)]).implies(q.lt(x));
            (vec![nonneg(x), positive(y)], Bool::and(&[q.le(x), strict]))
        },
    )
}

/// A lemma `∀ x, y: statement(x, y)` on `width`-bit words, asked as four queries, one per pair
/// of sign bits: `x = s ++ x′`, `y = t ++ y′` with constant bits `s, t` and fresh `x′, y′`
/// (every word is one of these). With the sign bits constant, z3 lowers `bvsdiv`/`bvsrem` to
/// the unsigned circuit on the magnitudes — the same circuit as the statement's right side —
/// where the single query with free signs times out at 32 and 64 bits (two dividers to compare).
fn sign_split_lemma(
    name: &str,
    width: u32,
    timeout: Duration,
    statement: impl Fn(&Z3Word, &Z3Word) -> Z3Bool,
) -> Lemma {
    timed_lemma(&format!("{name} ({width}-bit words, 4 sign cases)"), || {
        let word = |sign: u64, tag: &str| {
            let bit = Z3Word::from_u64(1, sign);
            if width == 1 {
                bit
            } else {
                bit.concat(&Z3Word::fresh(tag, width - 1))
            }
        };
        let started = Instant::now();
        for (s, t) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let left = timeout.saturating_sub(started.elapsed());
            let v = verify::prove_claim(&[], &statement(&word(s, "x"), &word(t, "y")), left);
            if !v.is_valid() {
                return match v {
                    Verdict::Unknown(r) => Verdict::Unknown(format!("signs ({s}, {t}): {r}")),
                    other => other,
                };
            }
        }
        Verdict::Valid
    })
}

fn sdiv_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![
        sign_split_lemma(
            "sdiv-def: x sdiv y = ±(|x| udiv |y|)",
            width,
            timeout,
            sdiv_def,
        ),
        udiv_dividend_int(timeout),
        udiv_divisor_int(timeout),
        udiv_le_int(timeout),
    ]
}

fn srem_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![
        sign_split_lemma(
            "srem-def: x srem y = ±(|x| urem |y|), sign of x",
            width,
            timeout,
            srem_def,
        ),
        urem_bound_int(timeout),
    ]
}

fn sint_srem_instances(_args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (x, y) = (&xs[0], &xs[1]);
    Instances {
        facts: vec![srem_def(x, y), urem_bound(&magnitude(x), &magnitude(y))],
        opaque_terms: Vec::new(),
    }
}

/// `sint.sdiv`: every quotient the operator or the member forms is unfolded by sdiv-def into a
/// magnitude quotient `q(u, v) = |u| udiv |v|`. On each part of the divisor with a constant
/// sign, with `m` and `D` its smallest and largest divisor magnitudes, the member's quotient is
/// ordered against the corners' by two chains of instances (udiv-divisor, then udiv-dividend):
/// `q(|x|, |y|) ≤ q(|x|, m) ≤ q(M, m)` and `q(L, D) ≤ q(|x|, D) ≤ q(|x|, |y|)` for the
/// dividend bounds `M, L ∈ {|lo|, |hi|}`; udiv-le bounds every quotient by its dividend
/// (so that a negated quotient stays on its side of zero).
fn sint_sdiv_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = sint_args(args);
    let (x, y) = (&xs[0], &xs[1]);
    let one = x.lit(1);
    let minus_one = x.ones();
    // The operator's own corner divisors: the negative part [lo, min(hi, −1)] and the
    // positive part [max(lo, 1), hi].
    let (neg_lo, neg_hi) = (b.lo.clone(), b.hi.smin(&minus_one));
    let (pos_lo, pos_hi) = (b.lo.smax(&one), b.hi.clone());
    let mut facts = vec![sdiv_def(x, y)];
    for d in [&a.lo, &a.hi] {
        for c in [&neg_lo, &neg_hi, &pos_lo, &pos_hi] {
            facts.push(sdiv_def(d, c));
        }
    }
    let (mx, my) = (magnitude(x), magnitude(y));
    let bounds = [magnitude(&a.lo), magnitude(&a.hi)];
    // (smallest, largest) divisor magnitude of each part.
    let parts = [
        (magnitude(&neg_hi), magnitude(&neg_lo)),
        (magnitude(&pos_lo), magnitude(&pos_hi)),
    ];
    for (m, big) in &parts {
        facts.push(udiv_divisor_anti(&mx, m, &my));
        facts.push(udiv_divisor_anti(&mx, &my, big));
        for bound in &bounds {
            facts.push(udiv_dividend_mono(&mx, bound, m));
            facts.push(udiv_dividend_mono(bound, &mx, big));
        }
    }
    let divisors = [
        my.clone(),
        parts[0].0.clone(),
        parts[0].1.clone(),
        parts[1].0.clone(),
        parts[1].1.clone(),
    ];
    for u in [&mx, &bounds[0], &bounds[1]] {
        for v in &divisors {
            facts.push(udiv_le(u, v));
        }
    }
    Instances {
        facts,
        opaque_terms: Vec::new(),
    }
}

/// **ashr-value**: `x ≤s x′ ⇒ x >>ₛ k ≤s x′ >>ₛ k`.
pub fn ashr_value_mono<W: Word>(x: &W, x2: &W, k: &W) -> W::Bool {
    x.bvsle(x2).not().or(&x.bvashr(k).bvsle(&x2.bvashr(k)))
}

/// **ashr-compose**: `k ≤ k′ ⇒ (x >>ₛ k) >>ₛ (k′ − k) = x >>ₛ k′` (unsigned amounts; both
/// sides are `⌊x / 2^k′⌋`, amounts past the width included).
pub fn ashr_compose<W: Word>(x: &W, k: &W, k2: &W) -> W::Bool {
    k.bvule(k2)
        .not()
        .or(&x.bvashr(k).bvashr(&k2.bvsub(k)).eq(&x.bvashr(k2)))
}

/// **ashr-toward-zero**: `x >>ₛ d` keeps the sign of `x` and is not farther from zero:
/// `x ≥s 0 ⇒ 0 ≤s x >>ₛ d ≤s x` and `x <s 0 ⇒ x ≤s x >>ₛ d <s 0`.
pub fn ashr_toward_zero<W: Word>(x: &W, d: &W) -> W::Bool {
    let r = x.bvashr(d);
    let zero = x.zero();
    let neg = x.msb();
    neg.and(&x.bvsle(&r).and(&r.bvslt(&zero)))
        .or(&neg.not().and(&zero.bvsle(&r).and(&r.bvsle(x))))
}

fn ashr_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    vec![
        bv_lemma(
            "ashr-value: x ≤s x′ ⇒ x >>ₛ k ≤s x′ >>ₛ k",
            width,
            timeout,
            3,
            |v| ashr_value_mono(&v[0], &v[1], &v[2]),
        ),
        bv_lemma(
            "ashr-compose: k ≤ k′ ⇒ (x >>ₛ k) >>ₛ (k′ − k) = x >>ₛ k′",
            width,
            timeout,
            3,
            |v| ashr_compose(&v[0], &v[1], &v[2]),
        ),
        bv_lemma(
            "ashr-toward-zero: x >>ₛ d has x's sign and |x >>ₛ d| ≤ |x|",
            width,
            timeout,
            2,
            |v| ashr_toward_zero(&v[0], &v[1]),
        ),
    ]
}

/// `sint.ashr`: for the member amount `y` in an unsigned piece `[k, k″]` of `b`,
/// `x >>ₛ y = (x >>ₛ k) >>ₛ (y − k)` and `x >>ₛ k″ = (x >>ₛ y) >>ₛ (k″ − y)` (compose), so
/// by toward-zero `x >>ₛ y` lies between `x >>ₛ k` and `x >>ₛ k″`; each of those lies between
/// the bounds' shifts by the same amount (value).
fn sint_ashr_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = sint_args(args);
    let (x, y) = (&xs[0], &xs[1]);
    let mut facts = Vec::new();
    for piece in b.unsigned_pieces() {
        let (k, k2) = (&piece.lo, &piece.hi);
        facts.push(ashr_compose(x, k, y));
        facts.push(ashr_compose(x, y, k2));
        facts.push(ashr_toward_zero(&x.bvashr(k), &y.bvsub(k)));
        facts.push(ashr_toward_zero(&x.bvashr(y), &k2.bvsub(y)));
        for amount in [k, k2] {
            facts.push(ashr_value_mono(&a.lo, x, amount));
            facts.push(ashr_value_mono(x, &a.hi, amount));
        }
    }
    Instances {
        facts,
        opaque_terms: Vec::new(),
    }
}

/// The members and the bounds, whose signs split `sint.sdiv`'s main query into 64 cases
/// (most of them contradictory, which z3 sees at once): in each, every magnitude `|v|` is `v`
/// or `−v`.
fn member_signs(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Vec<Z3Word> {
    let (a, b) = sint_args(args);
    vec![xs[0].clone(), xs[1].clone(), a.lo, a.hi, b.lo, b.hi]
}

const SIGNED_DIVISIONS: &[DeclKind] = &[DeclKind::Bsdiv, DeclKind::Budiv];
const SIGNED_REMAINDERS: &[DeclKind] = &[DeclKind::Bsrem, DeclKind::Burem];
const ARITHMETIC_SHIFTS: &[DeclKind] = &[DeclKind::Bashr];

/// The plan of the catalog operator `name`, if it has a structured proof.
pub fn plan(name: &str) -> Option<Plan> {
    use IntervalOp::*;
    if let Some(p) = crate::pieces::bitwise::plan(name) {
        return Some(p);
    }
    Some(match name {
        "uint.mul" => Plan {
            lemmas: vec![lemmas(umul_mono_lemma)],
            instances: instances(uint_mul_instances),
            opaque_ops: PRODUCTS,
            sign_splits: None,
            ackermann: true,
        },
        "sint.mul" => Plan {
            lemmas: vec![lemmas(smul_box_lemma)],
            instances: instances(sint_mul_instances),
            opaque_ops: PRODUCTS,
            sign_splits: None,
            ackermann: true,
        },
        "uint.udiv" => Plan {
            lemmas: vec![lemmas(udiv_lemmas)],
            instances: instances(uint_udiv_instances),
            opaque_ops: DIVISIONS,
            sign_splits: None,
            ackermann: true,
        },
        "uint.urem" => Plan {
            lemmas: vec![lemmas(urem_lemmas)],
            instances: instances(uint_urem_instances),
            opaque_ops: DIVISIONS,
            sign_splits: None,
            ackermann: true,
        },
        "uint.shl" => Plan {
            lemmas: vec![lemmas(shl_loop_lemmas)],
            instances: instances(uint_shl_instances),
            opaque_ops: &[],
            sign_splits: None,
            ackermann: true,
        },
        "sint.shl.k" => Plan {
            lemmas: vec![lemmas(sint_shl_const_lemmas)],
            instances: instances(sint_shl_k_instances),
            opaque_ops: &[],
            sign_splits: None,
            ackermann: true,
        },
        "sint.srem" => Plan {
            lemmas: vec![lemmas(srem_lemmas)],
            instances: instances(sint_srem_instances),
            opaque_ops: SIGNED_REMAINDERS,
            sign_splits: None,
            ackermann: true,
        },
        "sint.sdiv" => Plan {
            lemmas: vec![lemmas(sdiv_lemmas)],
            instances: instances(sint_sdiv_instances),
            opaque_ops: SIGNED_DIVISIONS,
            sign_splits: Some(member_signs),
            ackermann: false,
        },
        "sint.ashr" => Plan {
            lemmas: vec![lemmas(ashr_lemmas)],
            instances: instances(sint_ashr_instances),
            opaque_ops: ARITHMETIC_SHIFTS,
            sign_splits: None,
            ackermann: true,
        },
        "sint.and" => lift_plan("uint.and", And, false),
        "sint.or" => lift_plan("uint.or", Or, false),
        "sint.xor" => lift_plan("uint.xor", Xor, false),
        "sint.shl" => lift_plan("uint.shl", Shl, false),
        "sint.udiv" => lift_plan("uint.udiv", Udiv, false),
        "sint.urem" => lift_plan("uint.urem", Urem, false),
        "uint.sdiv" => lift_plan("sint.sdiv", Sdiv, true),
        "uint.srem" => lift_plan("sint.srem", Srem, true),
        _ => return None,
    })
}
