//! The soundness checker: a three-way [`Verdict`] for any catalog operator at any width.
//!
//! For an [`Operator`] with arguments of kinds `K₁…Kₙ` and width `w`, the checker asks z3
//! whether
//!
//! ```text
//! ∃ a₁…aₙ, x₁…xₙ:  ⋀ᵢ (wf(aᵢ) ∧ xᵢ ∈ γ(aᵢ)) ∧ pre(a, x)
//!                  ∧ ¬(op(x) ∈ γ(op#(a)) ∧ wf(op#(a)) ∧ post(a, x))
//! ```
//!
//! is satisfiable, with `op#` and `op` built by running the operator's generic code on
//! [`Z3Word`]s. Unsatisfiable: [`Verdict::Valid`] (sound, and results well-formed, for every
//! input at that width). Satisfiable: [`Verdict::Counterexample`], read back from the model,
//! re-evaluated on [`Bv`] (the counterexample is kept only when the concrete evaluation
//! confirms the violation) and printed in the kernel log's syntax. Otherwise
//! [`Verdict::Unknown`] with z3's reason (a timeout says so). The three are never folded.
//!
//! [`prove`] first tries a few thousand seeded random inputs on concrete words ([`sample`],
//! biased toward structured values): a violation found there is a counterexample like z3's
//! (confirmed the same way), and for the register-level steps, whose SMT terms are large, it
//! is found in milliseconds. Only when it finds nothing does z3 decide. [`prove_z3`] skips the
//! search.
//!
//! [`exhaustive`] checks the same statement without a solver at small widths, enumerating every
//! well-formed tnum / interval ([`Tnum::all`], [`UInterval::all`], [`SInterval::all`]) and every
//! member, and evaluating the operator on [`Bv`].
//!
//! # The inductive proof of `tnum.mul` at 64 bits
//!
//! The 6.18 multiplication is a loop of `w` steps over `(acc, a, b)`, starting from
//! `(0, a₀, b₀)`:
//!
//! ```text
//! step(acc, a, b) = if lsb(a) known 1:  acc + b
//!                   if lsb(a) unknown:  acc ∪ (acc + b)
//!                   else:               acc
//! a ← a >> 1,  b ← b << 1
//! ```
//!
//! Unrolled at 64 bits this is one large term (64 tnum additions and unions) that z3 does not
//! decide within a practical budget, so [`prove_tnum_mul_inductive`] proves the loop invariant
//!
//! ```text
//! Iᵢ:  wf(accᵢ) ∧ aᵢ = a₀ >> i ∧ bᵢ = b₀ << i
//!      ∧ ∀ x ∈ γ(a₀), y ∈ γ(b₀):  (x mod 2^i)·y ∈ γ(accᵢ)
//! ```
//!
//! from lemmas that are each a small query at the full width:
//!
//! - **step** (one add and one union): for all well-formed `acc, a, b`, all `p ∈ γ(acc)`,
//!   `q ∈ γ(b)` and every bit `c` allowed by `a`'s lowest bit (1 if known 1, 0 if known 0,
//!   either if unknown): `p + c·q ∈ γ(step(acc, a, b))` and the result is well-formed;
//! - **rshift** and **lshift**: `x >> i ∈ γ(a >> i)` and `y << i ∈ γ(b << i)` for every `i`
//!   (the `tnum.rshift` / `tnum.lshift` catalog entries);
//! - **shift-compose**: `(v >> i) >> 1 = v >> (i+1)` and `(v << i) << 1 = v << (i+1)` for
//!   `i < w`, so that shifting by one `i` times is shifting by `i`;
//! - **unrolled**: iterating `step` `w` times from `(0, a, b)` is the term of
//!   [`Tnum::mul`] (the step here is a copy of the loop body; this lemma ties the copy to the
//!   real code).
//!
//! Induction: `I₀` holds (`acc₀ = 0`, `(x mod 1)·y = 0`). Given `Iᵢ`, put
//! `p = (x mod 2^i)·y ∈ γ(accᵢ)`, `q = y << i = 2^i·y ∈ γ(bᵢ)` (lshift) and `c` = bit `i` of
//! `x` = lowest bit of `x >> i ∈ γ(aᵢ)` (rshift), so `c` is allowed by `aᵢ`'s lowest bit.
//! Then `(x mod 2^(i+1))·y = p + c·q (mod 2^w)` and the step lemma gives
//! `(x mod 2^(i+1))·y ∈ γ(accᵢ₊₁)`; shift-compose gives the shape of `aᵢ₊₁, bᵢ₊₁`. At
//! `i = w`, `x mod 2^w = x`, so `x·y ∈ γ(acc_w) = γ(mul(a₀, b₀))` (unrolled).

use crate::catalog::{Abs, Kind, Operator, WordWidth};
use crate::smt::{Z3Bool, Z3Word};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Bv, Word};
use std::fmt;
use std::time::{Duration, Instant};
use z3::{Params, SatResult, Solver};

/// The default per-query budget.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcome of a soundness check. Never folded: unknown is neither valid nor invalid.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Sound (and well-formed results) for every input at the width checked.
    Valid,
    /// A concrete input that violates soundness (confirmed on concrete words).
    Counterexample(Box<Cex>),
    /// Neither could be established; the reason (`timeout after 60s`, z3's reason, or
    /// `unsupported: …`).
    Unknown(String),
}

impl Verdict {
    /// A short word for tables: `valid`, `counterexample`, `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Counterexample(_) => "counterexample",
            Verdict::Unknown(_) => "unknown",
        }
    }
    /// Is it [`Verdict::Valid`]?
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid)
    }
    /// The counterexample, if any.
    pub fn counterexample(&self) -> Option<&Cex> {
        match self {
            Verdict::Counterexample(c) => Some(c),
            _ => None,
        }
    }
}

/// What a counterexample violates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The concrete result is not in γ of the abstract result.
    NotMember,
    /// The abstract result is not well-formed.
    IllFormed,
    /// The operator's extra obligation fails.
    Post,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Violation::NotMember => "the concrete result is not a member of the abstract result",
            Violation::IllFormed => "the abstract result is not well-formed",
            Violation::Post => "the operator's extra obligation fails",
        })
    }
}

/// A counterexample: abstract arguments, one member of each, and what the operator made of them.
#[derive(Clone, Debug)]
pub struct Cex {
    /// The operator's name.
    pub op: String,
    /// The width checked.
    pub width: u32,
    /// The abstract arguments.
    pub args: Vec<Abs<Bv>>,
    /// One member of each argument.
    pub members: Vec<Bv>,
    /// The abstract result (evaluated on concrete words).
    pub result: Abs<Bv>,
    /// The concrete result.
    pub concrete: Bv,
    /// What is violated.
    pub violation: Violation,
}

impl fmt::Display for Cex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} at {} bits: {}", self.op, self.width, self.violation)?;
        for (i, (a, x)) in self.args.iter().zip(&self.members).enumerate() {
            match a {
                Abs::Word(_) => writeln!(f, "  arg{i} = {a}")?,
                _ => writeln!(f, "  arg{i} = {a}  ∋  {:#x}", x.get())?,
            }
        }
        writeln!(f, "  abstract result = {}", self.result)?;
        write!(f, "  concrete result = {:#x}", self.concrete.get())
    }
}

/// Evaluate `op` on concrete arguments and members; the violation, if the inputs satisfy the
/// assumptions (well-formed, members, precondition) and the result breaks soundness.
pub fn concrete_violation(
    op: &dyn Operator,
    width: u32,
    args: &[Abs<Bv>],
    members: &[Bv],
) -> Option<(Violation, Abs<Bv>, Bv)> {
    let assumed = args
        .iter()
        .zip(members)
        .all(|(a, x)| a.well_formed() && a.contains(x));
    if !assumed {
        return None;
    }
    let e = op.eval_bv(width, args, members);
    if !e.pre {
        return None;
    }
    let violation = if !e.result.contains(&e.concrete) {
        Violation::NotMember
    } else if !e.result.well_formed() {
        Violation::IllFormed
    } else if !e.post {
        Violation::Post
    } else {
        return None;
    };
    Some((violation, e.result, e.concrete))
}

/// Re-check a counterexample on concrete words: does it really violate soundness?
pub fn confirm(op: &dyn Operator, cex: &Cex) -> bool {
    concrete_violation(op, cex.width, &cex.args, &cex.members).is_some()
}

/// Does `op` make sense at `width` (the widths of the catalog's checks)?
fn width_error(op: &dyn Operator, width: u32) -> Option<Verdict> {
    (!op.supports_width(width)).then(|| {
        Verdict::Unknown(format!(
            "unsupported: {} is not defined at {width} bits",
            op.name()
        ))
    })
}

/// A fresh symbolic value of `kind` at `width` and a fresh member of it.
pub(crate) fn fresh(kind: Kind, width: u32, tag: &str) -> (Abs<Z3Word>, Z3Word) {
    let var = |field: &str, w: u32| Z3Word::fresh(&format!("{tag}_{field}"), w);
    match kind {
        Kind::Tnum => (
            Abs::Tnum(Tnum::new(var("value", width), var("mask", width))),
            var("x", width),
        ),
        Kind::UInt => (
            Abs::UInt(UInterval::from_bounds(var("lo", width), var("hi", width))),
            var("x", width),
        ),
        Kind::SInt => (
            Abs::SInt(SInterval::from_bounds(var("lo", width), var("hi", width))),
            var("x", width),
        ),
        Kind::Scalar => {
            let s = Scalar {
                var_off: Tnum::new(var("value", 64), var("mask", 64)),
                smin: var("smin", 64),
                smax: var("smax", 64),
                umin: var("umin", 64),
                umax: var("umax", 64),
                s32_min: var("s32_min", 32),
                s32_max: var("s32_max", 32),
                u32_min: var("u32_min", 32),
                u32_max: var("u32_max", 32),
            };
            (Abs::scalar(s), var("x", 64))
        }
        Kind::Word(ww) => {
            let w = match ww {
                WordWidth::Op => width,
                WordWidth::Bits(n) => n,
            };
            let k = var("k", w);
            (Abs::Word(k.clone()), k)
        }
    }
}

/// Read a symbolic value back from a model.
pub(crate) fn read_back(abs: &Abs<Z3Word>, model: &z3::Model) -> Option<Abs<Bv>> {
    let w = |x: &Z3Word| Some(Bv::new(x.width(), x.eval(model)?));
    let scalar = |s: &Scalar<Z3Word>| -> Option<Scalar<Bv>> {
        Some(Scalar {
            var_off: Tnum::new(w(&s.var_off.value)?, w(&s.var_off.mask)?),
            smin: w(&s.smin)?,
            smax: w(&s.smax)?,
            umin: w(&s.umin)?,
            umax: w(&s.umax)?,
            s32_min: w(&s.s32_min)?,
            s32_max: w(&s.s32_max)?,
            u32_min: w(&s.u32_min)?,
            u32_max: w(&s.u32_max)?,
        })
    };
    Some(match abs {
        Abs::Tnum(t) => Abs::Tnum(Tnum::new(w(&t.value)?, w(&t.mask)?)),
        Abs::UInt(i) => Abs::UInt(UInterval::from_bounds(w(&i.lo)?, w(&i.hi)?)),
        Abs::SInt(i) => Abs::SInt(SInterval::from_bounds(w(&i.lo)?, w(&i.hi)?)),
        Abs::Scalar { state, .. } => Abs::scalar(scalar(state)?),
        Abs::Word(x) => Abs::Word(w(x)?),
    })
}

/// A solver with the per-query budget.
pub(crate) fn solver(timeout: Duration) -> Solver {
    // The QF_BV solver bit-blasts; the default strategy is far slower on these formulas
    // (tnum.mul at 8 bits: timeout after 10s without it).
    let s = Solver::new_for_logic("QF_BV").unwrap_or_default();
    let mut p = Params::new();
    p.set_u32(
        "timeout",
        timeout.as_millis().min(u128::from(u32::MAX)) as u32,
    );
    s.set_params(&p);
    s
}

/// Run `solver` on the asserted formula: unsat → `Ok(None)`, sat → `Ok(Some(model))`,
/// unknown → `Err(reason)`.
pub(crate) fn decide(
    s: &Solver,
    timeout: Duration,
    started: Instant,
) -> Result<Option<z3::Model>, String> {
    match s.check() {
        SatResult::Unsat => Ok(None),
        SatResult::Sat => s
            .get_model()
            .map(Some)
            .ok_or_else(|| "sat without a model".to_string()),
        SatResult::Unknown => {
            let reason = s.get_reason_unknown().unwrap_or_else(|| "unknown".into());
            if reason.contains("timeout")
                || reason.contains("canceled")
                || started.elapsed() >= timeout
            {
                Err(format!("timeout after {}s", timeout.as_secs()))
            } else {
                Err(reason)
            }
        }
    }
}

/// Random concrete inputs tried before z3 (see [`sample`]).
pub const DEFAULT_SAMPLES: u32 = 20_000;

/// Prove `op` sound at `width`: first [`DEFAULT_SAMPLES`] seeded random inputs on concrete
/// words (a counterexample found there is as good as z3's, and much cheaper for the
/// register-level steps), then z3 within `timeout`.
pub fn prove(op: &dyn Operator, width: u32, timeout: Duration) -> Verdict {
    if let Some(v) = width_error(op, width) {
        return v;
    }
    if let Some(cex) = sample(op, width, DEFAULT_SAMPLES, 0) {
        return Verdict::Counterexample(Box::new(cex));
    }
    prove_z3(op, width, timeout)
}

/// Prove `op` sound at `width` with z3 alone within `timeout`.
pub fn prove_z3(op: &dyn Operator, width: u32, timeout: Duration) -> Verdict {
    if let Some(v) = width_error(op, width) {
        return v;
    }
    let started = Instant::now();
    let kinds = op.args();
    let (args, members): (Vec<_>, Vec<_>) = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| fresh(*k, width, &format!("a{i}")))
        .unzip();
    let e = op.eval_z3(width, &args, &members);
    let mut assumptions: Vec<Z3Bool> = args
        .iter()
        .zip(&members)
        .flat_map(|(a, x)| [a.well_formed(), a.contains(x)])
        .collect();
    assumptions.push(e.pre.clone());
    // Soundness is a conjunction; for an interval result its conjuncts (each bound, then
    // well-formedness and the extra obligation) are proved as separate queries — valid iff every
    // one is — which z3 settles much faster than the conjunction (uint.sub at 64 bits: 9.6 s as
    // one query). Each query gets what is left of the budget.
    let obligations: Vec<Z3Bool> = match &e.result {
        Abs::UInt(i) => vec![
            i.above_lo(&e.concrete),
            i.below_hi(&e.concrete),
            e.result.well_formed().and(&e.post),
        ],
        Abs::SInt(i) => vec![
            i.above_lo(&e.concrete),
            i.below_hi(&e.concrete),
            e.result.well_formed().and(&e.post),
        ],
        _ => vec![e
            .result
            .contains(&e.concrete)
            .and(&e.result.well_formed())
            .and(&e.post)],
    };
    let mut refuted = None;
    for obligation in &obligations {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Verdict::Unknown(format!("timeout after {}s", timeout.as_secs()));
        }
        let s = solver(left);
        for a in &assumptions {
            s.assert(&a.0);
        }
        s.assert(obligation.0.not());
        match decide(&s, timeout, started) {
            Ok(None) => continue,
            Err(reason) => return Verdict::Unknown(reason),
            Ok(Some(model)) => {
                refuted = Some(model);
                break;
            }
        }
    }
    match refuted {
        None => Verdict::Valid,
        Some(model) => confirm_model(op, width, &args, &members, &model),
    }
}

/// The verdict of a satisfiable soundness query: the model's arguments and members read back
/// and re-evaluated on concrete words; a counterexample only when that confirms a violation,
/// otherwise unknown (the reason says the model was not confirmed).
pub(crate) fn confirm_model(
    op: &dyn Operator,
    width: u32,
    args: &[Abs<Z3Word>],
    members: &[Z3Word],
    model: &z3::Model,
) -> Verdict {
    let read: Option<(Vec<Abs<Bv>>, Vec<Bv>)> = args
        .iter()
        .zip(members)
        .map(|(a, x)| Some((read_back(a, model)?, Bv::new(x.width(), x.eval(model)?))))
        .collect();
    let Some((args, members)) = read else {
        return Verdict::Unknown("sat, but the model could not be read back".into());
    };
    match concrete_violation(op, width, &args, &members) {
        Some((violation, result, concrete)) => Verdict::Counterexample(Box::new(Cex {
            op: op.name().to_string(),
            width,
            args,
            members,
            result,
            concrete,
            violation,
        })),
        None => Verdict::Unknown(
            "z3's counterexample is not confirmed on concrete words (encoding mismatch)".into(),
        ),
    }
}

/// splitmix64: the deterministic generator of [`sample`].
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// A word biased toward structure: small values, all ones, sparse and dense bit patterns.
    fn word(&mut self) -> u64 {
        let r = self.next();
        match self.next() % 6 {
            0 => r % 70,
            1 => !(r % 70),
            2 => r & self.next() & self.next(),
            3 => r | self.next() | self.next(),
            4 => 1u64 << (r % 64),
            _ => r,
        }
    }
    /// A mask of bits that may differ between members: few, the low half, the high half, or any.
    fn spread(&mut self) -> u64 {
        match self.next() % 5 {
            0 => 0,
            1 => self.word() & 0xffff_ffff,
            2 => self.word() & !0xffff_ffff,
            3 => self.word() & self.word(),
            _ => self.word(),
        }
    }
}

/// A random register state holding `x`: built from a few members near `x` (bits in a random
/// spread flipped), as the tnum and the eight bounds of exactly those members.
fn random_scalar(rng: &mut SplitMix, x: u64) -> Scalar<Bv> {
    let spread = rng.spread();
    let mut xs = vec![x];
    for _ in 0..(rng.next() % 3) {
        xs.push(x ^ (rng.next() & spread));
    }
    let lo32 = |v: u64| v & 0xffff_ffff;
    let s32 = |v: u64| v as u32 as i32;
    let tnum = Tnum::abstraction(64, xs.iter().copied()).unwrap_or_else(|| Tnum::u64(x, 0));
    let umin = xs.iter().copied().min().unwrap_or(x);
    let umax = xs.iter().copied().max().unwrap_or(x);
    let smin = xs.iter().map(|&v| v as i64).min().unwrap_or(x as i64);
    let smax = xs.iter().map(|&v| v as i64).max().unwrap_or(x as i64);
    let u32_min = xs.iter().map(|&v| lo32(v)).min().unwrap_or(lo32(x));
    let u32_max = xs.iter().map(|&v| lo32(v)).max().unwrap_or(lo32(x));
    let s32_min = xs.iter().map(|&v| s32(v)).min().unwrap_or(s32(x));
    let s32_max = xs.iter().map(|&v| s32(v)).max().unwrap_or(s32(x));
    Scalar {
        var_off: tnum,
        smin: Bv::u64(smin as u64),
        smax: Bv::u64(smax as u64),
        umin: Bv::u64(umin),
        umax: Bv::u64(umax),
        s32_min: Bv::u32(s32_min as u32),
        s32_max: Bv::u32(s32_max as u32),
        u32_min: Bv::u32(u32_min as u32),
        u32_max: Bv::u32(u32_max as u32),
    }
}

/// A random value of `kind` at `width` and a member of it.
fn random_value(rng: &mut SplitMix, kind: Kind, width: u32) -> (Abs<Bv>, Bv) {
    let w = |v: u64| Bv::new(width, v);
    match kind {
        Kind::Tnum => {
            let (x, m) = (rng.word(), rng.spread());
            let t = Tnum::new(w(x & !m), w(m));
            (Abs::Tnum(t), w(x))
        }
        Kind::UInt | Kind::SInt => {
            let x = rng.word();
            let ends = [
                x ^ (rng.next() & rng.spread()),
                x ^ (rng.next() & rng.spread()),
            ];
            let signed = kind == Kind::SInt;
            let key = |v: u64| {
                if signed {
                    Bv::new(width, v).signed() as i128
                } else {
                    Bv::new(width, v).get() as i128
                }
            };
            let mut all = [x, ends[0], ends[1]];
            all.sort_by_key(|&v| key(v));
            let (lo, hi) = (w(all[0]), w(all[2]));
            let abs = if signed {
                Abs::SInt(SInterval::from_bounds(lo, hi))
            } else {
                Abs::UInt(UInterval::from_bounds(lo, hi))
            };
            (abs, w(x))
        }
        Kind::Scalar => {
            let x = rng.word();
            (Abs::scalar(random_scalar(rng, x)), Bv::u64(x))
        }
        Kind::Word(ww) => {
            let bits = match ww {
                WordWidth::Op => width,
                WordWidth::Bits(n) => n,
            };
            let k = Bv::new(bits, rng.word());
            (Abs::Word(k), k)
        }
    }
}

/// Try `count` seeded random inputs on concrete words; the first confirmed violation, if any.
///
/// This never proves anything: it only finds counterexamples early (the register-level
/// steps are large SMT terms, and a biased random input often hits a bug at once).
pub fn sample(op: &dyn Operator, width: u32, count: u32, seed: u64) -> Option<Cex> {
    if !op.supports_width(width) {
        return None;
    }
    let mut rng = SplitMix(seed ^ 0x005e_ed0f_7e51);
    let kinds = op.args();
    for _ in 0..count {
        let (args, members): (Vec<_>, Vec<_>) = kinds
            .iter()
            .map(|&k| random_value(&mut rng, k, width))
            .unzip();
        if let Some((violation, result, concrete)) = concrete_violation(op, width, &args, &members)
        {
            return Some(Cex {
                op: op.name().to_string(),
                width,
                args,
                members,
                result,
                concrete,
                violation,
            });
        }
    }
    None
}

/// Every value of `kind` at `width` with its members, for exhaustive checking; `None` when the
/// kind cannot be enumerated (register states, words wider than 16 bits).
fn enumerate(kind: Kind, width: u32) -> Option<Vec<(Abs<Bv>, Vec<Bv>)>> {
    let word = |x: u64| Bv::new(width, x);
    match kind {
        Kind::Tnum => Some(
            Tnum::all(width)
                .map(|t| {
                    let xs = t.members().map(word).collect();
                    (Abs::Tnum(t), xs)
                })
                .collect(),
        ),
        Kind::UInt => Some(
            UInterval::all(width)
                .map(|i| {
                    let xs = i.members().map(word).collect();
                    (Abs::UInt(i), xs)
                })
                .collect(),
        ),
        Kind::SInt => Some(
            SInterval::all(width)
                .map(|i| {
                    let xs = i.members().map(word).collect();
                    (Abs::SInt(i), xs)
                })
                .collect(),
        ),
        Kind::Word(ww) => {
            let w = match ww {
                WordWidth::Op => width,
                WordWidth::Bits(n) => n,
            };
            (w <= 16).then(|| {
                (0..1u64 << w)
                    .map(|k| (Abs::Word(Bv::new(w, k)), vec![Bv::new(w, k)]))
                    .collect()
            })
        }
        Kind::Scalar => None,
    }
}

/// Check `op` at `width` by enumerating every well-formed argument and every member (no
/// solver). Practical up to about 4 to 6 bits for binary operators.
pub fn exhaustive(op: &dyn Operator, width: u32) -> Verdict {
    if let Some(v) = width_error(op, width) {
        return v;
    }
    let Some(domains) = op
        .args()
        .into_iter()
        .map(|k| enumerate(k, width))
        .collect::<Option<Vec<_>>>()
    else {
        return Verdict::Unknown("unsupported: register states are not enumerable".into());
    };
    let mut chosen: Vec<usize> = vec![0; domains.len()];
    loop {
        let args: Vec<Abs<Bv>> = chosen
            .iter()
            .zip(&domains)
            .map(|(&i, d)| d[i].0.clone())
            .collect();
        let member_sets: Vec<&Vec<Bv>> =
            chosen.iter().zip(&domains).map(|(&i, d)| &d[i].1).collect();
        if let Some(cex) = members_product(op, width, &args, &member_sets) {
            return Verdict::Counterexample(Box::new(cex));
        }
        if !advance(&mut chosen, |j| domains[j].len()) {
            return Verdict::Valid;
        }
    }
}

/// The first violating choice of members, if any.
fn members_product(
    op: &dyn Operator,
    width: u32,
    args: &[Abs<Bv>],
    sets: &[&Vec<Bv>],
) -> Option<Cex> {
    let mut idx = vec![0usize; sets.len()];
    loop {
        let members: Vec<Bv> = idx.iter().zip(sets).map(|(&i, s)| s[i]).collect();
        if let Some((violation, result, concrete)) = concrete_violation(op, width, args, &members) {
            return Some(Cex {
                op: op.name().to_string(),
                width,
                args: args.to_vec(),
                members,
                result,
                concrete,
                violation,
            });
        }
        if !advance(&mut idx, |j| sets[j].len()) {
            return None;
        }
    }
}

/// Odometer increment of `idx` with digit `j` ranging below `len(j)`; false after the last.
fn advance(idx: &mut [usize], len: impl Fn(usize) -> usize) -> bool {
    for j in (0..idx.len()).rev() {
        idx[j] += 1;
        if idx[j] < len(j) {
            return true;
        }
        idx[j] = 0;
    }
    false
}

/// One lemma of a composite proof, with its verdict and time.
#[derive(Clone, Debug)]
pub struct Lemma {
    /// What the lemma states, in one line.
    pub name: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Time taken.
    pub elapsed: Duration,
}

/// The loop body of the 6.18 `tnum_mul` (see the module docs; tied to [`Tnum::mul`] by the
/// "unrolled" lemma).
pub fn mul_step<W: Word>(acc: &Tnum<W>, a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    let sum = acc.add(b);
    let joined = acc.union(&sum);
    Tnum::ite(
        &a.value.lsb(),
        &sum,
        &Tnum::ite(&a.mask.lsb(), &joined, acc),
    )
}

/// Ask z3 whether `claim` holds under `assumptions`: valid, or unknown (a counterexample to a
/// lemma is reported as unknown with the model, since a lemma is not an operator).
pub(crate) fn prove_claim(assumptions: &[Z3Bool], claim: &Z3Bool, timeout: Duration) -> Verdict {
    let started = Instant::now();
    let s = solver(timeout);
    for a in assumptions {
        s.assert(&a.0);
    }
    s.assert(claim.0.not());
    match decide(&s, timeout, started) {
        Ok(None) => Verdict::Valid,
        Ok(Some(model)) => Verdict::Unknown(format!("lemma refuted by z3 model: {model}")),
        Err(reason) => Verdict::Unknown(reason),
    }
}

/// `a = b` field by field. When both are the same term (z3 hash-conses terms: equal ASTs are
/// one term, built by the same operations on the same variables), that is valid by
/// construction and no solver is asked; otherwise z3 decides. The "unrolled" lemmas are of this
/// kind: z3's own simplifier on the 64-step terms can take minutes to find what is already
/// identity.
pub(crate) fn prove_same_tnum(a: &Tnum<Z3Word>, b: &Tnum<Z3Word>, timeout: Duration) -> Verdict {
    if a.value.0 == b.value.0 && a.mask.0 == b.mask.0 {
        return Verdict::Valid;
    }
    let claim = a.value.eq(&b.value).and(&a.mask.eq(&b.mask));
    prove_claim(&[], &claim, timeout)
}

pub(crate) fn timed(name: &str, f: impl FnOnce() -> Verdict) -> Lemma {
    let t = Instant::now();
    let verdict = f();
    Lemma {
        name: name.to_string(),
        verdict,
        elapsed: t.elapsed(),
    }
}

/// The inductive proof of `tnum.mul` at `width` bits (see the module docs): every lemma, in
/// order. The proof holds when every lemma is valid ([`combine`]).
pub fn prove_tnum_mul_inductive(width: u32, timeout: Duration) -> Vec<Lemma> {
    let tnum = |tag: &str| {
        Tnum::new(
            Z3Word::fresh(&format!("{tag}_v"), width),
            Z3Word::fresh(&format!("{tag}_m"), width),
        )
    };
    let mut lemmas = Vec::new();

    lemmas.push(timed(
        "step: p + c·q ∈ γ(step(acc, a, b)), result well-formed",
        || {
            let (acc, a, b) = (tnum("acc"), tnum("a"), tnum("b"));
            let p = Z3Word::fresh("p", width);
            let q = Z3Word::fresh("q", width);
            let c = Z3Word::fresh("c", width);
            let one = p.lit(1);
            let bit_ok = c.eq(&c.zero()).or(&c.eq(&one));
            // c allowed by a's lowest bit: 1 if known 1, 0 if known 0, either if unknown.
            let allowed = a
                .value
                .lsb()
                .not()
                .or(&c.eq(&one))
                .and(&a.value.lsb().or(&a.mask.lsb()).or(&c.eq(&c.zero())));
            let assumptions = [
                acc.is_well_formed(),
                a.is_well_formed(),
                b.is_well_formed(),
                acc.contains(&p),
                b.contains(&q),
                bit_ok,
                allowed,
            ];
            let next = mul_step(&acc, &a, &b);
            let claim = next
                .contains(&p.bvadd(&c.bvmul(&q)))
                .and(&next.is_well_formed());
            prove_claim(&assumptions, &claim, timeout)
        },
    ));

    lemmas.extend(shift_lemmas(width, timeout));
    lemmas.push(base_lemma(width, timeout));

    lemmas.push(timed(
        "unrolled: w steps from (0, a, b) = Tnum::mul(a, b)",
        || {
            let (a0, b0) = (tnum("a"), tnum("b"));
            let one = a0.value.lit(1);
            let (mut acc, mut a, mut b) = (Tnum::constant(a0.value.zero()), a0.clone(), b0.clone());
            for _ in 0..width {
                acc = mul_step(&acc, &a, &b);
                a = a.rshift(&one);
                b = b.lshift(&one);
            }
            let real = a0.mul(&b0);
            prove_same_tnum(&acc, &real, timeout)
        },
    ));
    lemmas
}

/// The lemmas every inductive multiplication proof shares: `rshift` and `lshift` (shifting a
/// tnum by `i` keeps the shifted members) and `shift-compose` (shifting by one `i` times is
/// shifting by `i`).
pub(crate) fn shift_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    let tnum = |tag: &str| {
        Tnum::new(
            Z3Word::fresh(&format!("{tag}_v"), width),
            Z3Word::fresh(&format!("{tag}_m"), width),
        )
    };
    let mut lemmas = Vec::new();
    lemmas.push(timed("rshift: x >> i ∈ γ(a >> i) for every i", || {
        let a = tnum("a");
        let (x, i) = (Z3Word::fresh("x", width), Z3Word::fresh("i", width));
        let assumptions = [a.is_well_formed(), a.contains(&x)];
        let shifted = a.rshift(&i);
        prove_claim(
            &assumptions,
            &shifted
                .contains(&x.bvlshr(&i))
                .and(&shifted.is_well_formed()),
            timeout,
        )
    }));

    lemmas.push(timed("lshift: y << i ∈ γ(b << i) for every i", || {
        let b = tnum("b");
        let (y, i) = (Z3Word::fresh("y", width), Z3Word::fresh("i", width));
        let assumptions = [b.is_well_formed(), b.contains(&y)];
        let shifted = b.lshift(&i);
        prove_claim(
            &assumptions,
            &shifted
                .contains(&y.bvshl(&i))
                .and(&shifted.is_well_formed()),
            timeout,
        )
    }));

    lemmas.push(timed(
        "shift-compose: (v >> i) >> 1 = v >> (i+1), (v << i) << 1 = v << (i+1)",
        || {
            let (v, i) = (Z3Word::fresh("v", width), Z3Word::fresh("i", width));
            let one = v.lit(1);
            let next = i.bvadd(&one);
            let claim = v
                .bvlshr(&i)
                .bvlshr(&one)
                .eq(&v.bvlshr(&next))
                .and(&v.bvshl(&i).bvshl(&one).eq(&v.bvshl(&next)));
            prove_claim(&[i.bvult(&i.lit(u64::from(width)))], &claim, timeout)
        },
    ));

    lemmas
}

/// The base case of the multiplication proofs: `0 ∈ γ(0)`, and `0` is well-formed.
pub(crate) fn base_lemma(width: u32, timeout: Duration) -> Lemma {
    timed("base: 0 = (x mod 1)·y ∈ γ(0), well-formed", || {
        let zero = Z3Word::from_u64(width, 0);
        let acc = Tnum::constant(zero.clone());
        prove_claim(
            &[],
            &acc.contains(&zero).and(&acc.is_well_formed()),
            timeout,
        )
    })
}

/// The verdict of a composite proof: valid when every lemma is; otherwise the first non-valid
/// lemma's reason, as unknown (a failed lemma does not refute the operator).
pub fn combine(lemmas: &[Lemma]) -> Verdict {
    match lemmas.iter().find(|l| !l.verdict.is_valid()) {
        None => Verdict::Valid,
        Some(l) => match &l.verdict {
            Verdict::Unknown(r) => Verdict::Unknown(format!("lemma '{}': {r}", l.name)),
            other => Verdict::Unknown(format!("lemma '{}': {}", l.name, other.label())),
        },
    }
}

/// One row of a report: an operator, a width, its verdict and the time it took.
#[derive(Clone, Debug)]
pub struct Row {
    /// The operator's name.
    pub op: String,
    /// The width checked.
    pub width: u32,
    /// The verdict.
    pub verdict: Verdict,
    /// Wall-clock time of the check.
    pub elapsed: Duration,
}

/// Prove `op` at `width` and time it.
pub fn prove_row(op: &dyn Operator, width: u32, timeout: Duration) -> Row {
    let t = Instant::now();
    let verdict = prove(op, width, timeout);
    Row {
        op: op.name().to_string(),
        width,
        verdict,
        elapsed: t.elapsed(),
    }
}

/// Check `op` exhaustively at `width` and time it.
pub fn exhaustive_row(op: &dyn Operator, width: u32) -> Row {
    let t = Instant::now();
    let verdict = exhaustive(op, width);
    Row {
        op: op.name().to_string(),
        width,
        verdict,
        elapsed: t.elapsed(),
    }
}

/// `tnum.mul` at 64 bits: plain z3 at 8, 16, 32 and 64 bits (each within `timeout`), then the
/// inductive proof at 64 bits. Returns the plain rows and the lemmas.
pub fn tnum_mul_campaign(timeout: Duration) -> (Vec<Row>, Vec<Lemma>) {
    let mul = crate::catalog::tnum::TnumEntry::new(crate::catalog::tnum::TnumOp::Mul);
    let plain = [8, 16, 32, 64]
        .into_iter()
        .map(|w| prove_row(&mul, w, timeout))
        .collect();
    (plain, prove_tnum_mul_inductive(64, timeout))
}

/// Run `f` (which asks z3, on this thread) while a watcher thread polls `stop` every 50 ms and,
/// once it is true, interrupts the z3 query in progress: the query then returns unknown at once
/// instead of running to its timeout. Used by the CLI to make Ctrl-C stop a campaign cleanly.
pub fn with_interrupt<R>(stop: &(dyn Fn() -> bool + Sync), f: impl FnOnce() -> R) -> R {
    use std::sync::atomic::{AtomicBool, Ordering};
    let ctx = z3::Context::thread_local();
    let handle = ctx.handle();
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                if stop() {
                    handle.interrupt();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let r = f();
        done.store(true, Ordering::SeqCst);
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odometer_visits_every_combination_once() {
        let mut idx = vec![0, 0];
        let mut seen = vec![idx.clone()];
        while advance(&mut idx, |j| [2, 3][j]) {
            seen.push(idx.clone());
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen.last(), Some(&vec![1, 2]));
    }
}
