//! Broken mutants beside the reference operators: the checker must refute every one.
//!
//! A verdict of "valid" means little unless the same checker, on a slightly wrong operator,
//! says "counterexample". Two kinds of mutants:
//!
//! - **Hand-written**, each a plausible implementation slip:
//!   `mutant.tnum.add.carry` (the highest bit of the carry mask dropped),
//!   `mutant.tnum.mul.no_union` (an unknown multiplier bit treated as a known 1: the union with
//!   "not added" removed), `mutant.uint.add.no_wrap` (the wrap-around check dropped),
//!   `mutant.sint.mul.no_overflow` (the overflow check dropped).
//! - **Tightened**, one per reference operator (`mutant.<name>`): the reference result made
//!   one step smaller — the lowest unknown bit of a tnum declared known, the lower bound of an
//!   interval or the `umin` of a register state raised by one (wrapping; on a singleton that
//!   makes the result ill-formed). Any operator whose lower bound is ever reached is refuted.

use super::{Abs, Eval, GenericOperator, Kind, Operator};
use crate::ir::Traced;
use crate::smt::Z3Word;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Bv, Word};
use std::sync::Arc;

/// The result one step smaller (see the module docs).
pub fn tighten<W: Word>(r: &Abs<W>) -> Abs<W> {
    let one = |w: &W| w.lit(1);
    match r {
        Abs::Tnum(t) => {
            let mask = t.mask.bvand(&t.mask.bvsub(&one(&t.mask)));
            Abs::Tnum(Tnum::new(t.value.clone(), mask))
        }
        Abs::UInt(i) => Abs::UInt(UInterval::from_bounds(
            i.lo.bvadd(&one(&i.lo)),
            i.hi.clone(),
        )),
        Abs::SInt(i) => Abs::SInt(SInterval::from_bounds(
            i.lo.bvadd(&one(&i.lo)),
            i.hi.clone(),
        )),
        Abs::Scalar { state, fork } => Abs::Scalar {
            state: Scalar {
                umin: state.umin.bvadd(&one(&state.umin)),
                ..state.clone()
            },
            fork: fork.clone(),
        },
        Abs::Word(w) => Abs::Word(w.bvadd(&one(w))),
    }
}

/// The tightened mutant of a reference operator.
pub struct Tightened {
    name: String,
    base: Arc<dyn Operator>,
}

impl Tightened {
    /// The mutant of `base`, named `mutant.<base name>`.
    pub fn new(base: Arc<dyn Operator>) -> Self {
        Tightened {
            name: format!("mutant.{}", base.name()),
            base,
        }
    }
}

impl Operator for Tightened {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "reference result made one step smaller (must be refuted)"
    }
    fn args(&self) -> Vec<Kind> {
        self.base.args()
    }
    fn result(&self) -> Kind {
        self.base.result()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.base.supports_width(width)
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], xs: &[Bv]) -> Eval<Bv> {
        let e = self.base.eval_bv(width, args, xs);
        Eval {
            result: tighten(&e.result),
            ..e
        }
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], xs: &[Z3Word]) -> Eval<Z3Word> {
        let e = self.base.eval_z3(width, args, xs);
        Eval {
            result: tighten(&e.result),
            ..e
        }
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], xs: &[Traced]) -> Eval<Traced> {
        let e = self.base.eval_traced(width, args, xs);
        Eval {
            result: tighten(&e.result),
            ..e
        }
    }
}

/// A hand-written mutant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandMutant {
    /// `tnum.add` with the highest bit of the carry mask dropped.
    TnumAddCarry,
    /// `tnum.mul` with the union removed (unknown bits treated as known 1).
    TnumMulNoUnion,
    /// `uint.add` without the wrap-around check.
    UintAddNoWrap,
    /// `sint.mul` without the overflow check.
    SintMulNoOverflow,
}

impl HandMutant {
    fn name(self) -> &'static str {
        match self {
            HandMutant::TnumAddCarry => "mutant.tnum.add.carry",
            HandMutant::TnumMulNoUnion => "mutant.tnum.mul.no_union",
            HandMutant::UintAddNoWrap => "mutant.uint.add.no_wrap",
            HandMutant::SintMulNoOverflow => "mutant.sint.mul.no_overflow",
        }
    }
}

/// The highest set bit of `x` (0 for 0).
fn highest_bit<W: Word>(x: &W) -> W {
    let top = x.signed_min().bvlshr(&x.clz());
    W::ite(&x.is_zero(), &x.zero(), &top)
}

impl GenericOperator for HandMutant {
    fn name(&self) -> &str {
        HandMutant::name(*self)
    }
    fn summary(&self) -> &str {
        "hand-written broken operator (must be refuted)"
    }
    fn args(&self) -> Vec<Kind> {
        match self {
            HandMutant::TnumAddCarry | HandMutant::TnumMulNoUnion => vec![Kind::Tnum, Kind::Tnum],
            HandMutant::UintAddNoWrap => vec![Kind::UInt, Kind::UInt],
            HandMutant::SintMulNoOverflow => vec![Kind::SInt, Kind::SInt],
        }
    }
    fn result(&self) -> Kind {
        GenericOperator::args(self)[0]
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        match self {
            HandMutant::TnumAddCarry => {
                let (a, b) = (args[0].tnum(), args[1].tnum());
                let sv = a.value.bvadd(&b.value);
                let sigma = a.mask.bvadd(&b.mask).bvadd(&sv);
                let mu = sigma.bvxor(&sv).bvor(&a.mask).bvor(&b.mask);
                let mu = mu.bvxor(&highest_bit(&mu));
                let r = Tnum::new(sv.bvand(&mu.bvnot()), mu);
                Eval::plain(Abs::Tnum(r), xs[0].bvadd(&xs[1]))
            }
            HandMutant::TnumMulNoUnion => {
                let one = xs[0].lit(1);
                let (mut a, mut b) = (args[0].tnum().clone(), args[1].tnum().clone());
                let mut acc = Tnum::constant(xs[0].zero());
                for _ in 0..xs[0].width() {
                    let sum = acc.add(&b);
                    let add = a.value.lsb().or(&a.mask.lsb());
                    acc = Tnum::ite(&add, &sum, &acc);
                    a = a.rshift(&one);
                    b = b.lshift(&one);
                }
                Eval::plain(Abs::Tnum(acc), xs[0].bvmul(&xs[1]))
            }
            HandMutant::UintAddNoWrap => {
                let (a, b) = (args[0].uint(), args[1].uint());
                let r = UInterval::from_bounds(a.lo.bvadd(&b.lo), a.hi.bvadd(&b.hi));
                Eval::plain(Abs::UInt(r), xs[0].bvadd(&xs[1]))
            }
            HandMutant::SintMulNoOverflow => {
                let (a, b) = (args[0].sint(), args[1].sint());
                let corners = [
                    a.lo.bvmul(&b.lo),
                    a.lo.bvmul(&b.hi),
                    a.hi.bvmul(&b.lo),
                    a.hi.bvmul(&b.hi),
                ];
                let lo = corners[1..]
                    .iter()
                    .fold(corners[0].clone(), |m, c| m.smin(c));
                let hi = corners[1..]
                    .iter()
                    .fold(corners[0].clone(), |m, c| m.smax(c));
                let r = SInterval::from_bounds(lo, hi);
                Eval::plain(Abs::SInt(r), xs[0].bvmul(&xs[1]))
            }
        }
    }
}

/// Every mutant: the hand-written ones, then one tightened mutant per reference operator.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    let mut v: Vec<Arc<dyn Operator>> = [
        HandMutant::TnumAddCarry,
        HandMutant::TnumMulNoUnion,
        HandMutant::UintAddNoWrap,
        HandMutant::SintMulNoOverflow,
    ]
    .into_iter()
    .map(|m| Arc::new(m) as Arc<dyn Operator>)
    .collect();
    let reference = super::tnum::operators()
        .into_iter()
        .chain(super::interval::operators())
        .chain(super::kernel::operators());
    v.extend(reference.map(|op| Arc::new(Tightened::new(op)) as Arc<dyn Operator>));
    v
}
