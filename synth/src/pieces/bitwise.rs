//! Interval `and`, `or` and `xor` as loop-free closed forms: the exact bounds of Warren's
//! searches, proved sound at 64 and 32 bits with z3 in seconds.
//!
//! # Concretization and soundness
//!
//! Operands are unsigned intervals `x ∈ [a, b]`, `y ∈ [c, d]` (`γ_u([lo, hi]) = { v | lo ≤u v
//! ≤u hi }`) or signed ones (`γ_s`, two's complement order). Each operator returns an interval
//! `[lo, hi]` with `lo ≤ x op y ≤ hi` for every such `x`, `y`; that is the whole soundness
//! claim, and z3 proves it at 64 and 32 bits ([`proof`]): `and` and `or` as plain queries
//! ([`crate::verify::prove`], one per bound and one for well-formedness), `xor` and the signed
//! operators as structured proofs resting on the inner operators' ([`plan`], in the style of
//! [`crate::bounds_proof`]). The bounds are moreover the exact extremes (checked against
//! absint's searches on every pair of 5-bit intervals and on random 64-bit ones in
//! `synth/tests/bitwise.rs`, and proved equal to them by z3 up to 32 bits for `and` and `or`:
//! [`prove_warren_equal`]), so the operators are the best interval transformers.
//!
//! # Derivation
//!
//! absint's [`UInterval::and`], [`UInterval::or`] and [`UInterval::xor`] re-implement the
//! bit-by-bit searches of Warren, *Hacker's Delight*, 2nd ed., §4-3 ("Propagating bounds
//! through logical operations"): walking the bits `m` from the top, the search takes the
//! first bit where a *move* is possible — e.g. for the largest `x | y`, where both upper
//! bounds have the bit, clear it in one of them and set every lower bit — provided the moved
//! bound stays on its side of the other bound of the same operand. Unrolled to 64 iterations
//! with a `done` flag, that is exact but too deep for z3 at 64 bits.
//!
//! The closed form is our derivation of the search's feasibility test (no code taken from the
//! book or elsewhere). A move of operand `[a, b]` at bit `m` keeps the bits of the bound above
//! `m` and sets (or clears) the bits below; it stays within `[a, b]` exactly when `m` is at or
//! below the top bit where `a` and `b` differ, i.e. when `m ∈ smear(a ^ b)`, where
//! `smear(t) = t | t >> 1 | t >> 2 | t >> 4 | …` sets every bit below `t`'s top bit (six
//! shifts at 64 bits). So the bits where a move is feasible form one mask, and "the first
//! feasible bit from the top" is the top bit of (condition bits) & (feasibility mask). With
//! `sa = smear(a ^ b)`, `sc = smear(c ^ d)`, `below_top(t) = smear(t) >> 1` (every bit below
//! `t`'s top bit) and `top(t) = smear(t) & !below_top(t)`:
//!
//! ```text
//! max_or(a,b,c,d)  = b | d | below_top(b & d & (sa | sc))
//! min_or(a,b,c,d)  = t = (!a & c & sa) | (a & !c & sc); low = below_top(t)
//!                    if top(t) & c ≠ 0 { (a & !low) | c } else { a | (c & !low) }
//! max_and(a,b,c,d) = t = (b & !d & sa) | (!b & d & sc); low = below_top(t)
//!                    if top(t) & b ≠ 0 { (b | low) & d } else { b & (d | low) }
//! min_and(a,b,c,d) = a & c & !below_top(!a & !c & (sa | sc))
//! min_xor(a,b,c,d) = min_and(a, b, !d, !c) | min_and(!b, !a, c, d)
//! max_xor(a,b,c,d) = max_or(0, p, 0, q) = p | q | below_top(p & q)
//!                    with p = max_and(a, b, !d, !c), q = max_and(!b, !a, c, d)
//! ```
//!
//! (`x ^ y = (x & !y) | (!x & y)` with disjoint halves, and `!y ∈ [!d, !c]`: the xor bounds
//! combine the and bounds as in Warren §4-3.) In `min_or` the raised operand is the one that
//! lacks the chosen bit: raising it to that bit clears its lower bits, which the other operand's
//! bits then cover. Every `if` is a [`Word::ite`], so the code is generic over [`Word`] and
//! encodes to SMT unchanged.
//!
//! Signed operands are split at zero into at most two unsigned pieces each (`[lo, −1]` and
//! `[0, hi]`), the unsigned operator runs on the four pairs and the results, converted back
//! to signed intervals, are joined ([`lift_signed`], the same lift as absint's
//! `SInterval::via_unsigned`). Each pair's results share one sign (`neg & neg`, `neg | y`,
//! `neg ^ nonneg` are negative, the others non-negative), so each conversion is exact and so
//! is the join.
//!
//! # The kernel's way
//!
//! The verifier has no interval and/or/xor of its own: `scalar_min_max_and` and friends read
//! the bounds off the result tnum of the operands' tnums (`tnum_range` of each operand's
//! bounds). [`kernel_way`] models that for one domain alone: the tnums of the two ranges,
//! their `and`/`or`/`xor`, then `and`: `[v, min(b, d)]`, `or`: `[max(a, c), v | m]`,
//! `xor`: `[v, v | m]`, met with the tnum's own bounds `[v, v | m]` (`__update_reg_bounds`);
//! signed: the unsigned result when it does not cross the sign boundary, met with the tnum's
//! signed bounds. It is the meet search's reference (`uint.and.kernel_way` …), so the report
//! says how much more precise the closed forms are.
//!
//! # Catalog
//!
//! `uint.{and,or,xor}.closed`, `sint.{and,or,xor}.closed` and `{uint,sint}.{and,or,xor}
//! .kernel_way`, at every width 1 to 64. The results and how to reproduce them are in the
//! book (`book/src/bitwise.md`).

use crate::bounds_proof::{prove_with_plan, unsigned_piece_instances, Instances, Plan};
use crate::catalog::interval::IntervalOp;
use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use crate::precision::Grid;
use crate::smt::Z3Word;
use crate::synthesis::meet::{MeetTarget, Origin, PoolPiece, ProofMethod};
use crate::synthesis::targets::TargetDomain;
use crate::verify::{prove_claim, timed, Lemma, Verdict};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::sync::Arc;
use std::time::Duration;

/// One of the three bitwise operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bitwise {
    /// `x & y`.
    And,
    /// `x | y`.
    Or,
    /// `x ^ y`.
    Xor,
}

impl Bitwise {
    /// The three operations.
    pub const ALL: [Bitwise; 3] = [Bitwise::And, Bitwise::Or, Bitwise::Xor];

    /// `and`, `or` or `xor`.
    pub fn short(self) -> &'static str {
        match self {
            Bitwise::And => "and",
            Bitwise::Or => "or",
            Bitwise::Xor => "xor",
        }
    }

    /// `&`, `|` or `^`.
    pub fn symbol(self) -> &'static str {
        match self {
            Bitwise::And => "&",
            Bitwise::Or => "|",
            Bitwise::Xor => "^",
        }
    }

    /// The catalog's interval operation.
    pub fn interval_op(self) -> IntervalOp {
        match self {
            Bitwise::And => IntervalOp::And,
            Bitwise::Or => IntervalOp::Or,
            Bitwise::Xor => IntervalOp::Xor,
        }
    }

    /// The concrete operation.
    pub fn concrete<W: Word>(self, x: &W, y: &W) -> W {
        match self {
            Bitwise::And => x.bvand(y),
            Bitwise::Or => x.bvor(y),
            Bitwise::Xor => x.bvxor(y),
        }
    }

    /// The exact unsigned interval of `x op y` over `x ∈ a`, `y ∈ b`, by the closed forms.
    pub fn closed<W: Word>(self, a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
        match self {
            Bitwise::And => and(a, b),
            Bitwise::Or => or(a, b),
            Bitwise::Xor => xor(a, b),
        }
    }

    /// The bounds of the tnum of `op` on the operands' tnums ([`kernel_way`]).
    pub fn kernel_way<W: Word>(self, a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
        kernel_way(self, a, b)
    }
}

// ---------------------------------------------------------------------------------------------
// Bit helpers.
// ---------------------------------------------------------------------------------------------

/// `t` with every bit below its top set bit set too (0 stays 0): `t | t>>1 | t>>2 | t>>4 | …`,
/// a fixed number of steps (⌈log₂ width⌉, six at 64 bits).
pub fn smear<W: Word>(t: &W) -> W {
    let mut s = t.clone();
    let mut k = 1;
    while k < t.width() {
        s = s.bvor(&s.lshr_by(k));
        k *= 2;
    }
    s
}

/// Every bit strictly below `t`'s top set bit (0 when `t` is 0).
pub fn below_top<W: Word>(t: &W) -> W {
    smear(t).lshr_by(1)
}

/// `t`'s top set bit alone (0 when `t` is 0).
pub fn top_bit<W: Word>(t: &W) -> W {
    let s = smear(t);
    s.bvand(&s.lshr_by(1).bvnot())
}

// ---------------------------------------------------------------------------------------------
// The six closed forms, for x ∈ [a, b], y ∈ [c, d] (unsigned, a ≤ b, c ≤ d).
// ---------------------------------------------------------------------------------------------

/// The bits where a move of `[lo, hi]` stays within it: at or below the top bit where the
/// bounds differ.
fn feasible<W: Word>(lo: &W, hi: &W) -> W {
    smear(&lo.bvxor(hi))
}

/// Smallest `x | y`. The first bit from the top that one lower bound lacks and the other has,
/// where the one lacking it can be raised to it: raise it (its lower bits become 0).
pub fn min_or<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    let (sa, sc) = (feasible(a, b), feasible(c, d));
    let t = a
        .bvnot()
        .bvand(c)
        .bvand(&sa)
        .bvor(&a.bvand(&c.bvnot()).bvand(&sc));
    let low = below_top(&t);
    let top = top_bit(&t);
    // The chosen bit is in c (so a is raised to it), or else in a (c is raised).
    let raise_a = top.bvand(c).is_zero().not();
    W::ite(
        &raise_a,
        &a.bvand(&low.bvnot()).bvor(c),
        &a.bvor(&c.bvand(&low.bvnot())),
    )
}

/// Largest `x | y`. The first bit from the top that both upper bounds have and one of them
/// can give up: every lower bit can then be set.
pub fn max_or<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    let mask = feasible(a, b).bvor(&feasible(c, d));
    b.bvor(d).bvor(&below_top(&b.bvand(d).bvand(&mask)))
}

/// Smallest `x & y`. The first bit from the top that neither lower bound has and one of them
/// can be raised to: past it every lower bit can be 0.
pub fn min_and<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    let mask = feasible(a, b).bvor(&feasible(c, d));
    let t = a.bvnot().bvand(&c.bvnot()).bvand(&mask);
    a.bvand(c).bvand(&below_top(&t).bvnot())
}

/// Largest `x & y`. The first bit from the top that exactly one upper bound has, where that
/// bound can give it up: it then sets every lower bit.
pub fn max_and<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    let (sa, sc) = (feasible(a, b), feasible(c, d));
    let t = b
        .bvand(&d.bvnot())
        .bvand(&sa)
        .bvor(&b.bvnot().bvand(d).bvand(&sc));
    let low = below_top(&t);
    let top = top_bit(&t);
    // The chosen bit is in b (b gives it up), or else in d.
    let lower_b = top.bvand(b).is_zero().not();
    W::ite(&lower_b, &b.bvor(&low).bvand(d), &b.bvand(&d.bvor(&low)))
}

/// Smallest `x ^ y`: the smallest `x & !y` or'ed with the smallest `!x & y` (`!y ∈ [!d, !c]`).
pub fn min_xor<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    min_and(a, b, &d.bvnot(), &c.bvnot()).bvor(&min_and(&b.bvnot(), &a.bvnot(), c, d))
}

/// Largest `x ^ y`: the largest `u | v` over `u ∈ [0, p]`, `v ∈ [0, q]`, with `p` the largest
/// `x & !y` and `q` the largest `!x & y`. That is `max_or(0, p, 0, q)`, whose feasibility mask
/// `smear(p) | smear(q)` covers `p & q` and so drops out: `p | q | below_top(p & q)`.
pub fn max_xor<W: Word>(a: &W, b: &W, c: &W, d: &W) -> W {
    let p = max_and(a, b, &d.bvnot(), &c.bvnot());
    let q = max_and(&b.bvnot(), &a.bvnot(), c, d);
    p.bvor(&q).bvor(&below_top(&p.bvand(&q)))
}

/// `a & b` on unsigned intervals, exact.
pub fn and<W: Word>(a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
    UInterval::from_bounds(
        min_and(&a.lo, &a.hi, &b.lo, &b.hi),
        max_and(&a.lo, &a.hi, &b.lo, &b.hi),
    )
}

/// `a | b` on unsigned intervals, exact.
pub fn or<W: Word>(a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
    UInterval::from_bounds(
        min_or(&a.lo, &a.hi, &b.lo, &b.hi),
        max_or(&a.lo, &a.hi, &b.lo, &b.hi),
    )
}

/// `a ^ b` on unsigned intervals, exact.
pub fn xor<W: Word>(a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
    UInterval::from_bounds(
        min_xor(&a.lo, &a.hi, &b.lo, &b.hi),
        max_xor(&a.lo, &a.hi, &b.lo, &b.hi),
    )
}

/// Lift an unsigned operator to signed intervals: split each operand at zero
/// ([`SInterval::unsigned_pieces`]), run `op` on the four pairs, convert each result back
/// ([`UInterval::to_signed`], top if it crossed the sign boundary) and join. Sound for any
/// sound `op`: the pieces cover each operand.
pub fn lift_signed<W: Word>(
    a: &SInterval<W>,
    b: &SInterval<W>,
    op: impl Fn(&UInterval<W>, &UInterval<W>) -> UInterval<W>,
) -> SInterval<W> {
    let [a0, a1] = a.unsigned_pieces();
    let [b0, b1] = b.unsigned_pieces();
    op(&a0, &b0)
        .to_signed()
        .join(&op(&a0, &b1).to_signed())
        .join(&op(&a1, &b0).to_signed())
        .join(&op(&a1, &b1).to_signed())
}

/// The signed closed form: [`Bitwise::closed`] lifted by [`lift_signed`]; exact.
pub fn signed_closed<W: Word>(op: Bitwise, a: &SInterval<W>, b: &SInterval<W>) -> SInterval<W> {
    lift_signed(a, b, |x, y| op.closed(x, y))
}

// ---------------------------------------------------------------------------------------------
// The kernel's way: bounds read off the tnums.
// ---------------------------------------------------------------------------------------------

/// The result tnum of `op` on the tnums of the two ranges (`tnum_range`).
fn range_tnum<W: Word>(op: Bitwise, a: &UInterval<W>, b: &UInterval<W>) -> Tnum<W> {
    let ta = Tnum::range(&a.lo, &a.hi);
    let tb = Tnum::range(&b.lo, &b.hi);
    match op {
        Bitwise::And => ta.and(&tb),
        Bitwise::Or => ta.or(&tb),
        Bitwise::Xor => ta.xor(&tb),
    }
}

/// The unsigned bounds the verifier derives for `x op y` (`scalar_min_max_and/or/xor`, then
/// the bounds of the tnum, `__update_reg_bounds`; Linux 6.18): see the module docs.
pub fn kernel_way<W: Word>(op: Bitwise, a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
    let t = range_tnum(op, a, b);
    let tmax = t.value.bvor(&t.mask);
    let (lo, hi) = match op {
        Bitwise::And => (t.value.clone(), a.hi.umin(&b.hi)),
        Bitwise::Or => (a.lo.umax(&b.lo), tmax.clone()),
        Bitwise::Xor => (t.value.clone(), tmax.clone()),
    };
    UInterval::from_bounds(lo.umax(&t.value), hi.umin(&tmax))
}

/// The signed bounds the verifier derives from signed operands: each operand as an unsigned
/// interval (top when it crosses zero), [`kernel_way`], its signed reading when it does not
/// cross the sign boundary (top otherwise), met with the tnum's signed bounds
/// `[v | (m & MIN), v | (m & MAX)]`.
pub fn signed_kernel_way<W: Word>(op: Bitwise, a: &SInterval<W>, b: &SInterval<W>) -> SInterval<W> {
    let (ua, ub) = (a.to_unsigned(), b.to_unsigned());
    let t = range_tnum(op, &ua, &ub);
    let from_unsigned = kernel_way(op, &ua, &ub).to_signed();
    let min = t.value.signed_min();
    let from_tnum = SInterval::from_bounds(
        t.value.bvor(&t.mask.bvand(&min)),
        t.value.bvor(&t.mask.bvand(&min.bvnot())),
    );
    SInterval::from_bounds(
        from_unsigned.lo.smax(&from_tnum.lo),
        from_unsigned.hi.smin(&from_tnum.hi),
    )
}

// ---------------------------------------------------------------------------------------------
// Catalog operators.
// ---------------------------------------------------------------------------------------------

/// Which transfer function an operator applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The closed forms ([`Bitwise::closed`], lifted for signed intervals).
    Closed,
    /// The kernel's bounds from the tnums ([`kernel_way`], [`signed_kernel_way`]).
    KernelWay,
}

/// A catalog operator: one bitwise operation on unsigned or signed intervals.
pub struct BitwiseOperator {
    name: String,
    summary: String,
    op: Bitwise,
    signed: bool,
    form: Form,
}

impl BitwiseOperator {
    /// `uint.and.closed`, `sint.xor.kernel_way` …
    pub fn new(op: Bitwise, signed: bool, form: Form) -> Self {
        let domain = if signed { "sint" } else { "uint" };
        let (suffix, summary) = match form {
            Form::Closed => (
                "closed",
                format!(
                    "{} of {} intervals: exact, Warren's search in closed form{}",
                    op.short(),
                    if signed { "signed" } else { "unsigned" },
                    if signed { ", split at zero" } else { "" }
                ),
            ),
            Form::KernelWay => (
                "kernel_way",
                format!(
                    "{} of {} intervals as the verifier bounds it: from the tnums of the ranges",
                    op.short(),
                    if signed { "signed" } else { "unsigned" },
                ),
            ),
        };
        BitwiseOperator {
            name: format!("{domain}.{}.{suffix}", op.short()),
            summary,
            op,
            signed,
            form,
        }
    }

    /// The operation.
    pub fn op(&self) -> Bitwise {
        self.op
    }
}

impl GenericOperator for BitwiseOperator {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        vec![GenericOperator::result(self); 2]
    }
    fn result(&self) -> Kind {
        if self.signed {
            Kind::SInt
        } else {
            Kind::UInt
        }
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let concrete = self.op.concrete(&xs[0], &xs[1]);
        let result = match (self.signed, self.form) {
            (false, Form::Closed) => Abs::UInt(self.op.closed(args[0].uint(), args[1].uint())),
            (false, Form::KernelWay) => {
                Abs::UInt(kernel_way(self.op, args[0].uint(), args[1].uint()))
            }
            (true, Form::Closed) => {
                Abs::SInt(signed_closed(self.op, args[0].sint(), args[1].sint()))
            }
            (true, Form::KernelWay) => {
                Abs::SInt(signed_kernel_way(self.op, args[0].sint(), args[1].sint()))
            }
        };
        Eval::plain(result, concrete)
    }
}

/// The catalog operators: the closed forms, then the kernel's way, unsigned then signed.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    let mut ops: Vec<Arc<dyn Operator>> = Vec::new();
    for form in [Form::Closed, Form::KernelWay] {
        for signed in [false, true] {
            for op in Bitwise::ALL {
                ops.push(Arc::new(BitwiseOperator::new(op, signed, form)));
            }
        }
    }
    ops
}

/// The meet target `uint.<op>` or `sint.<op>`: absint's Warren operator first (it defines the
/// concrete operation; unproved at 64 bits, so the proved-only search excludes it), the closed
/// form (proved with z3) and the kernel's way, the reference the report compares with.
///
/// The kernel's way is not forced into the meet (`reference_first` is false): the closed form
/// is exact, so it could only add cost.
pub fn meet_target(op: Bitwise, signed: bool) -> MeetTarget {
    let domain = if signed {
        TargetDomain::SInt
    } else {
        TargetDomain::UInt
    };
    let catalog = crate::catalog::Catalog::reference();
    let mut pool: Vec<PoolPiece> = catalog
        .get(&format!("{}.{}", domain.name(), op.short()))
        .map(|o| PoolPiece::new(o.clone(), Origin::Reference, ProofMethod::Z3))
        .into_iter()
        .collect();
    pool.push(PoolPiece::new(
        Arc::new(BitwiseOperator::new(op, signed, Form::Closed)),
        Origin::Hand,
        ProofMethod::Z3,
    ));
    pool.push(PoolPiece::new(
        Arc::new(BitwiseOperator::new(op, signed, Form::KernelWay)),
        Origin::Hand,
        ProofMethod::Z3,
    ));
    let reference = kernel_way_name(op, signed);
    MeetTarget {
        domain,
        op: op.short(),
        reference: Some(reference),
        reference_first: false,
        selection_grid: Grid {
            width: 5,
            input_bits: 5,
        },
        report_grid: Grid {
            width: 6,
            input_bits: 6,
        },
        check_width: 4,
        pool,
        // The closed form is exact: no bound piece can add precision.
        enumerate_bounds: false,
    }
}

/// The meet-search targets of this module: `uint.and`, `uint.or`, `uint.xor`, `sint.and`,
/// `sint.or`, `sint.xor`.
pub fn meet_targets() -> Vec<MeetTarget> {
    [false, true]
        .into_iter()
        .flat_map(|signed| Bitwise::ALL.map(|op| meet_target(op, signed)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Proofs.
// ---------------------------------------------------------------------------------------------

/// The catalog name of the kernel's way of `op` (`uint.and.kernel_way` …).
pub fn kernel_way_name(op: Bitwise, signed: bool) -> &'static str {
    match (signed, op) {
        (false, Bitwise::And) => "uint.and.kernel_way",
        (false, Bitwise::Or) => "uint.or.kernel_way",
        (false, Bitwise::Xor) => "uint.xor.kernel_way",
        (true, Bitwise::And) => "sint.and.kernel_way",
        (true, Bitwise::Or) => "sint.or.kernel_way",
        (true, Bitwise::Xor) => "sint.xor.kernel_way",
    }
}

/// The catalog name of the closed form of `op` (`uint.and.closed` …).
pub fn closed_name(op: Bitwise, signed: bool) -> &'static str {
    match (signed, op) {
        (false, Bitwise::And) => "uint.and.closed",
        (false, Bitwise::Or) => "uint.or.closed",
        (false, Bitwise::Xor) => "uint.xor.closed",
        (true, Bitwise::And) => "sint.and.closed",
        (true, Bitwise::Or) => "sint.or.closed",
        (true, Bitwise::Xor) => "sint.xor.closed",
    }
}

/// The instances of the signed lift's proof: for each pair of unsigned pieces `p`, `q` of the
/// operands, the unsigned closed form's theorem at the query's members,
/// `wf(p) ∧ wf(q) ∧ x ∈ p ∧ y ∈ q ⇒ x op y ∈ r ∧ wf(r)` with `r = closed(p, q)`, and `r`'s
/// bounds opaque.
fn lift_instances(op: Bitwise, args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = (args[0].sint(), args[1].sint());
    let concrete = op.concrete(&xs[0], &xs[1]);
    unsigned_piece_instances(a, b, xs, &concrete, |p, q| op.closed(p, q))
}

/// The instances of `uint.xor.closed`'s proof: `x ^ y = (x & !y) | (!x & y)`, and the bounds
/// of `max_xor`/`min_xor` are those of the closed `and` on `[a, b] × [!d, !c]` and on
/// `[!b, !a] × [c, d]`. The two inner `and` results are opaque, with the `uint.and.closed`
/// theorem's instances at `(x, !y)` and `(!x, y)` assumed. What is left is generic: with
/// `u = x & !y ∈ [l₁, p]`, `v = !x & y ∈ [l₂, q]` and `u & v = 0`, `x ^ y = u + v ≥ l₁ + l₂ ≥
/// l₁ | l₂` and `u | v ≤ p | q | below_top(p & q)` (the largest or of `[0, p] × [0, q]`).
fn xor_instances(args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Instances {
    let (a, b) = (args[0].uint(), args[1].uint());
    let (x, y) = (&xs[0], &xs[1]);
    let not_a = UInterval::from_bounds(a.hi.bvnot(), a.lo.bvnot());
    let not_b = UInterval::from_bounds(b.hi.bvnot(), b.lo.bvnot());
    let mut inst = Instances {
        facts: Vec::new(),
        opaque_terms: Vec::new(),
    };
    for (p, q, u, v) in [
        (a, &not_b, x.clone(), y.bvnot()),
        (&not_a, b, x.bvnot(), y.clone()),
    ] {
        let r = and(p, q);
        let premise = p
            .is_well_formed()
            .and(&q.is_well_formed())
            .and(&p.contains(&u))
            .and(&q.contains(&v));
        let sound = r.contains(&u.bvand(&v)).and(&r.is_well_formed());
        inst.facts.push(premise.implies(&sound));
        inst.opaque_terms.extend([r.lo, r.hi]);
    }
    inst
}

/// The structured proof plan of the closed form named `name` ([`crate::bounds_proof`]'s
/// plans): `uint.xor.closed` rests on `uint.and.closed` (its two inner `and` results opaque);
/// `sint.<op>.closed` is the lift of `uint.<op>.closed` (the inner results opaque).
/// `uint.and.closed` and
/// `uint.or.closed` need none (one z3 query each, under a second at 64 bits). As one query,
/// `uint.xor.closed` takes z3 20 s to over two minutes at 64 bits and `sint.xor.closed` more
/// than 300 s; with the plans every query takes a few seconds.
pub fn plan(name: &str) -> Option<Plan> {
    let (op, signed) = Bitwise::ALL
        .into_iter()
        .flat_map(|op| [(op, false), (op, true)])
        .find(|&(op, signed)| closed_name(op, signed) == name)?;
    match (op, signed) {
        (Bitwise::Xor, false) => Some(Plan {
            lemmas: vec![Box::new(|w, t| proof(Bitwise::And, false, w, t))],
            instances: Box::new(xor_instances),
            opaque_ops: &[],
            sign_splits: None,
            ackermann: true,
        }),
        (_, false) => None,
        (op, true) => Some(Plan {
            lemmas: vec![Box::new(move |w, t| proof(op, false, w, t))],
            instances: Box::new(move |args, xs| lift_instances(op, args, xs)),
            opaque_ops: &[],
            sign_splits: None,
            ackermann: true,
        }),
    }
}

/// The soundness proof of the closed form of `op` at `width`, as lemmas: one z3 query for
/// `uint.and.closed` and `uint.or.closed`, else the [`plan`]'s lemmas (the inner rows' proofs)
/// and its main query. Sound when every lemma is valid ([`crate::verify::combine`]).
pub fn proof(op: Bitwise, signed: bool, width: u32, timeout: Duration) -> Vec<Lemma> {
    let name = closed_name(op, signed);
    let operator = BitwiseOperator::new(op, signed, Form::Closed);
    let lemmas = match plan(name) {
        Some(plan) => prove_with_plan(&operator, &plan, width, timeout),
        None => vec![timed(&format!("sound at {width} bits (z3)"), || {
            crate::verify::prove(&operator, width, timeout)
        })],
    };
    lemmas
        .into_iter()
        .map(|l| Lemma {
            name: format!("{name}: {}", l.name),
            ..l
        })
        .collect()
}

/// absint's operator of `op` (Warren's searches, [`UInterval::and`] …).
fn warren<W: Word>(op: Bitwise, a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
    match op {
        Bitwise::And => a.and(b),
        Bitwise::Or => a.or(b),
        Bitwise::Xor => a.xor(b),
    }
}

/// Prove absint's Warren searches ([`UInterval::and`], [`UInterval::or`], [`UInterval::xor`])
/// equal to the closed forms at `width` bits, bound by bound (six z3 queries, each within
/// `timeout`): for well-formed `[a, b]`, `[c, d]`, the search's bound is the closed form's.
/// With the closed forms proved sound, a valid equality proves the search sound at that width
/// too; the signed operators are the same lift of each, so they follow. The verdicts of
/// [`warren_equal_lemmas`], without the times.
pub fn prove_warren_equal(width: u32, timeout: Duration) -> Vec<(String, Verdict)> {
    warren_equal_lemmas(width, timeout)
        .into_iter()
        .map(|l| (l.name, l.verdict))
        .collect()
}

/// The proof of absint's own search `uint.and`, `uint.or` or `uint.xor` (`None` for any other
/// name) through its closed form: the closed form's soundness ([`proof`]), then the two
/// equalities of the search's bounds with the closed form's ([`warren_equal_lemma`]). When every
/// lemma is valid the search is sound: it computes the same bounds as a sound operator. One z3
/// query on the search itself gives up at 64 bits; `synth::bounds_proof::structured_proof` uses
/// this, so `vernier verify uint.and` and the `sint` lifts resting on these rows do too.
pub fn warren_proof(name: &str, width: u32, timeout: Duration) -> Option<Vec<Lemma>> {
    let op = Bitwise::ALL
        .into_iter()
        .find(|op| name.strip_prefix("uint.") == Some(op.short()))?;
    let mut lemmas = proof(op, false, width, timeout);
    for upper in [false, true] {
        lemmas.push(warren_equal_lemma(op, upper, width, timeout));
    }
    Some(lemmas)
}

/// [`prove_warren_equal`]'s queries as timed lemmas. The `and` and `or` bounds are settled at
/// 32 bits in 13–25 s each, and at 64 bits in 31 s to 274 s (`or`'s upper bound, close to a
/// 300 s budget); `xor`'s take 88 s (lower) and more than 150 s (upper) at 32 bits
/// (book/src/bitwise.md has the figures).
pub fn warren_equal_lemmas(width: u32, timeout: Duration) -> Vec<Lemma> {
    Bitwise::ALL
        .into_iter()
        .flat_map(|op| [(op, false), (op, true)])
        .map(|(op, upper)| warren_equal_lemma(op, upper, width, timeout))
        .collect()
}

/// One query of [`warren_equal_lemmas`]: the search's upper (`upper`) or lower bound of `op`
/// equals the closed form's at `width` bits.
pub fn warren_equal_lemma(op: Bitwise, upper: bool, width: u32, timeout: Duration) -> Lemma {
    let w = |n: &str| Z3Word::fresh(n, width);
    let a = UInterval::from_bounds(w("a"), w("b"));
    let b = UInterval::from_bounds(w("c"), w("d"));
    let (search, closed) = (warren(op, &a, &b), op.closed(&a, &b));
    let claim = if upper {
        search.hi.eq(&closed.hi)
    } else {
        search.lo.eq(&closed.lo)
    };
    let bound = if upper { "hi" } else { "lo" };
    let name = format!(
        "uint.{0} {bound} = uint.{0}.closed {bound} at {width} bits",
        op.short()
    );
    timed(&name, || {
        prove_claim(&[a.is_well_formed(), b.is_well_formed()], &claim, timeout)
    })
}
