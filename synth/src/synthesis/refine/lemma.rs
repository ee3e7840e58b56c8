//! Two statements about a refinement operator that z3 decides at any width, written as catalog
//! operators whose extra obligation (`post`) is the statement, so [`crate::verify::prove`]
//! checks them like soundness.
//!
//! - [`ExactnessCertificate`]: the result is the best transformer's whenever `S ≠ ∅`. An
//!   interval `[lo', hi']` that contains `S` is its hull iff `lo'` and `hi'` are in `S`. A tnum
//!   `r` that contains `S` is α(S) iff every unknown bit of `r` takes both values in `S`; with
//!   `k` the highest unknown bit of `r`, the two witnesses `r.value | 2^k` (bit `k` set, every
//!   lower unknown bit clear) and `(r.value | r.mask) & ~2^k` (the opposite) do that for every
//!   unknown bit at once, so "both witnesses are in `S`" (or `r` is a constant in `S`) certifies
//!   exactness without a quantifier. The certificate is sufficient, not necessary: a
//!   counterexample means "these witnesses fail", which for a tnum whose members in `S` are
//!   arranged otherwise may still be exact (the grid measurement says which).
//! - [`NoWorseThan`]: the result is included in another operator's (the kernel's) whenever
//!   `S ≠ ∅`.
//!
//! Both keep the operator's own soundness obligation, so a valid verdict also re-proves it.

use crate::catalog::{Abs, Eval, Kind, Operator};
use crate::ir::Traced;
use crate::smt::Z3Word;
use absint::word::{Bit, Bv, Word};
use std::sync::Arc;

/// Is `x` in `S = γ(t) ∩ [lo, hi]` for the arguments `args`?
fn in_s<W: Word>(args: &[Abs<W>], x: &W) -> W::Bool {
    args[0].tnum().contains(x).and(&args[1].contains(x))
}

/// The highest set bit of `m` (zero when `m` is zero), by smearing the bits below it: a fixed
/// number of shifts, so it encodes without branches.
fn top_bit<W: Word>(m: &W) -> W {
    let mut s = m.clone();
    let mut k = 1;
    while k < m.width() {
        s = s.bvor(&s.lshr_by(k));
        k *= 2;
    }
    s.bvxor(&s.lshr_by(1))
}

/// The two witnesses of a tnum `r`: `r.value | 2^k` and `(r.value | r.mask) & ~2^k`, with `k`
/// the highest unknown bit (both `r.value` when `r` is a constant).
pub fn witnesses<W: Word>(r: &absint::domain::tnum::Tnum<W>) -> [W; 2] {
    let top = top_bit(&r.mask);
    [
        r.value.bvor(&top),
        r.value.bvor(&r.mask).bvand(&top.bvnot()),
    ]
}

/// The exactness obligation of a result on `args`.
fn exact_post<W: Word>(args: &[Abs<W>], result: &Abs<W>, like: &W) -> W::Bool {
    match result {
        Abs::Tnum(r) => {
            let [high, low] = witnesses(r);
            in_s(args, &high).and(&in_s(args, &low))
        }
        Abs::UInt(i) => in_s(args, &i.lo).and(&in_s(args, &i.hi)),
        Abs::SInt(i) => in_s(args, &i.lo).and(&in_s(args, &i.hi)),
        _ => like.bool_const(false),
    }
}

/// "The operator's result is the best transformer's whenever `S ≠ ∅`" (see the module docs).
pub struct ExactnessCertificate {
    op: Arc<dyn Operator>,
    name: String,
}

impl ExactnessCertificate {
    /// The certificate of `op` (a refinement operator: arguments (Tnum, UInt)).
    pub fn new(op: Arc<dyn Operator>) -> Self {
        let name = format!("{}.is_exact", op.name());
        ExactnessCertificate { op, name }
    }
}

fn with_exact<W: Word>(args: &[Abs<W>], e: Eval<W>) -> Eval<W> {
    let post = e.post.and(&exact_post(args, &e.result, &e.concrete));
    Eval { post, ..e }
}

impl Operator for ExactnessCertificate {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the result is the best transformer's whenever the tnum and the range share a value"
    }
    fn args(&self) -> Vec<Kind> {
        self.op.args()
    }
    fn result(&self) -> Kind {
        self.op.result()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.op.supports_width(width)
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv> {
        with_exact(args, self.op.eval_bv(width, args, members))
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word> {
        with_exact(args, self.op.eval_z3(width, args, members))
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced> {
        with_exact(args, self.op.eval_traced(width, args, members))
    }
}

/// "`ours`' result is included in `theirs`' whenever `S ≠ ∅`", with `ours`' soundness.
pub struct NoWorseThan {
    ours: Arc<dyn Operator>,
    theirs: Arc<dyn Operator>,
    name: String,
}

impl NoWorseThan {
    /// `ours ⊑ theirs` (two operators of one signature).
    pub fn new(ours: Arc<dyn Operator>, theirs: Arc<dyn Operator>) -> Self {
        let name = format!("{}.no_worse_than.{}", ours.name(), theirs.name());
        NoWorseThan { ours, theirs, name }
    }
}

fn no_worse<W: Word>(ours: Eval<W>, theirs: Eval<W>) -> Eval<W> {
    let included = match (&ours.result, &theirs.result) {
        (Abs::Tnum(a), Abs::Tnum(b)) => b.includes(a),
        (Abs::UInt(a), Abs::UInt(b)) => b.includes(a),
        (Abs::SInt(a), Abs::SInt(b)) => b.includes(a),
        _ => ours.concrete.bool_const(false),
    };
    Eval {
        pre: ours.pre.and(&theirs.pre),
        post: ours.post.and(&included),
        ..ours
    }
}

impl Operator for NoWorseThan {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the first operator's result is included in the second's"
    }
    fn args(&self) -> Vec<Kind> {
        self.ours.args()
    }
    fn result(&self) -> Kind {
        self.ours.result()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.ours.supports_width(width) && self.theirs.supports_width(width)
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv> {
        no_worse(
            self.ours.eval_bv(width, args, members),
            self.theirs.eval_bv(width, args, members),
        )
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word> {
        no_worse(
            self.ours.eval_z3(width, args, members),
            self.theirs.eval_z3(width, args, members),
        )
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced> {
        no_worse(
            self.ours.eval_traced(width, args, members),
            self.theirs.eval_traced(width, args, members),
        )
    }
}
