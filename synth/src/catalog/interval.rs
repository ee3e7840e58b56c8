//! Catalog entries for the unsigned and signed interval operators of
//! [`absint::domain::interval`], at any width.
//!
//! The concrete operations are BPF's (RFC 9669 §4.1), as the interval module documents:
//! `x / 0 = 0`, `x % 0 = x`, signed division truncating; shifts by an interval amount follow
//! SMT-LIB (amounts `≥ width` give 0 or the sign). Shifts by a known amount (`.k`) take the
//! amount as an exact word `k < width`; the abstract side selects `shl_const(k)` among the
//! `width` possible amounts with `ite`, so one query covers every `k`.

use super::{Abs, Eval, GenericOperator, Kind, WordWidth};
use absint::domain::interval::{SInterval, UInterval};
use absint::word::Word;
use std::sync::Arc;

/// An interval operator (the same set for both orders).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `-a`.
    Neg,
    /// `a * b`.
    Mul,
    /// `a & b`.
    And,
    /// `a | b`.
    Or,
    /// `a ^ b`.
    Xor,
    /// `a << b`, interval amount.
    Shl,
    /// `a >> b` (logical), interval amount.
    Lshr,
    /// `a s>> b`, interval amount.
    Ashr,
    /// `a << k`, known amount `k < width`.
    ShlK,
    /// `a >> k`, known amount.
    LshrK,
    /// `a s>> k`, known amount.
    AshrK,
    /// BPF unsigned division.
    Udiv,
    /// BPF unsigned remainder.
    Urem,
    /// BPF signed division.
    Sdiv,
    /// BPF signed remainder.
    Srem,
}

impl IntervalOp {
    /// Every interval operator.
    pub const ALL: [IntervalOp; 17] = [
        IntervalOp::Add,
        IntervalOp::Sub,
        IntervalOp::Neg,
        IntervalOp::Mul,
        IntervalOp::And,
        IntervalOp::Or,
        IntervalOp::Xor,
        IntervalOp::Shl,
        IntervalOp::Lshr,
        IntervalOp::Ashr,
        IntervalOp::ShlK,
        IntervalOp::LshrK,
        IntervalOp::AshrK,
        IntervalOp::Udiv,
        IntervalOp::Urem,
        IntervalOp::Sdiv,
        IntervalOp::Srem,
    ];

    fn short(self) -> &'static str {
        use IntervalOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Neg => "neg",
            Mul => "mul",
            And => "and",
            Or => "or",
            Xor => "xor",
            Shl => "shl",
            Lshr => "lshr",
            Ashr => "ashr",
            ShlK => "shl.k",
            LshrK => "lshr.k",
            AshrK => "ashr.k",
            Udiv => "udiv",
            Urem => "urem",
            Sdiv => "sdiv",
            Srem => "srem",
        }
    }

    /// The concrete operation on the members (`xs[1]` is the amount for the `.k` shifts).
    pub fn concrete<W: Word>(self, xs: &[W]) -> W {
        use IntervalOp::*;
        let a = &xs[0];
        let b = || &xs[1];
        match self {
            Add => a.bvadd(b()),
            Sub => a.bvsub(b()),
            Neg => a.bvneg(),
            Mul => a.bvmul(b()),
            And => a.bvand(b()),
            Or => a.bvor(b()),
            Xor => a.bvxor(b()),
            Shl | ShlK => a.bvshl(b()),
            Lshr | LshrK => a.bvlshr(b()),
            Ashr | AshrK => a.bvashr(b()),
            Udiv => W::ite(&b().is_zero(), &a.zero(), &a.bvudiv(b())),
            Urem => W::ite(&b().is_zero(), a, &a.bvurem(b())),
            Sdiv => W::ite(&b().is_zero(), &a.zero(), &a.bvsdiv(b())),
            Srem => W::ite(&b().is_zero(), a, &a.bvsrem(b())),
        }
    }

    fn is_known_shift(self) -> bool {
        matches!(
            self,
            IntervalOp::ShlK | IntervalOp::LshrK | IntervalOp::AshrK
        )
    }
}

/// Which order the intervals are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// [`UInterval`] (`uint.*`).
    Unsigned,
    /// [`SInterval`] (`sint.*`).
    Signed,
}

/// A catalog entry for one interval operator in one order.
pub struct IntervalEntry {
    name: String,
    summary: String,
    order: Order,
    op: IntervalOp,
}

impl IntervalEntry {
    /// The entry for `op` on intervals of `order`.
    pub fn new(order: Order, op: IntervalOp) -> Self {
        let prefix = match order {
            Order::Unsigned => "uint",
            Order::Signed => "sint",
        };
        IntervalEntry {
            name: format!("{prefix}.{}", op.short()),
            summary: format!("{:?} interval {:?}", order, op).to_lowercase(),
            order,
            op,
        }
    }
}

/// Every interval operator of the catalog, unsigned then signed.
pub fn operators() -> Vec<Arc<dyn super::Operator>> {
    [Order::Unsigned, Order::Signed]
        .into_iter()
        .flat_map(|order| {
            IntervalOp::ALL
                .into_iter()
                .map(move |op| Arc::new(IntervalEntry::new(order, op)) as Arc<dyn super::Operator>)
        })
        .collect()
}

/// `f(k)` for the exact amount word `k` (`k < width`), selected among every possible amount.
fn by_known_amount<W: Word, I: Clone>(
    k: &W,
    width: u32,
    ite: fn(&W::Bool, &I, &I) -> I,
    f: impl Fn(u32) -> I,
) -> I {
    (1..width).fold(f(0), |acc, j| ite(&k.eq(&k.lit(u64::from(j))), &f(j), &acc))
}

impl GenericOperator for IntervalEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        let kind = match self.order {
            Order::Unsigned => Kind::UInt,
            Order::Signed => Kind::SInt,
        };
        match self.op {
            IntervalOp::Neg => vec![kind],
            op if op.is_known_shift() => vec![kind, Kind::Word(WordWidth::Op)],
            _ => vec![kind, kind],
        }
    }
    fn result(&self) -> Kind {
        match self.order {
            Order::Unsigned => Kind::UInt,
            Order::Signed => Kind::SInt,
        }
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        use IntervalOp::*;
        let concrete = self.op.concrete(xs);
        let pre = if self.op.is_known_shift() {
            xs[1].bvult(&xs[1].lit(u64::from(width)))
        } else {
            xs[0].bool_const(true)
        };
        let result = match self.order {
            Order::Unsigned => {
                let a = args[0].uint();
                let b = || args[1].uint();
                let k = || args[1].word();
                let ite = UInterval::ite as fn(&W::Bool, &UInterval<W>, &UInterval<W>) -> _;
                Abs::UInt(match self.op {
                    Add => a.add(b()),
                    Sub => a.sub(b()),
                    Neg => a.neg(),
                    Mul => a.mul(b()),
                    And => a.and(b()),
                    Or => a.or(b()),
                    Xor => a.xor(b()),
                    Shl => a.shl(b()),
                    Lshr => a.lshr(b()),
                    Ashr => a.ashr(b()),
                    ShlK => by_known_amount(k(), width, ite, |j| a.shl_const(j)),
                    LshrK => by_known_amount(k(), width, ite, |j| a.lshr_const(j)),
                    AshrK => by_known_amount(k(), width, ite, |j| a.ashr_const(j)),
                    Udiv => a.udiv(b()),
                    Urem => a.urem(b()),
                    Sdiv => a.sdiv(b()),
                    Srem => a.srem(b()),
                })
            }
            Order::Signed => {
                let a = args[0].sint();
                let b = || args[1].sint();
                let k = || args[1].word();
                let ite = SInterval::ite as fn(&W::Bool, &SInterval<W>, &SInterval<W>) -> _;
                Abs::SInt(match self.op {
                    Add => a.add(b()),
                    Sub => a.sub(b()),
                    Neg => a.neg(),
                    Mul => a.mul(b()),
                    And => a.and(b()),
                    Or => a.or(b()),
                    Xor => a.xor(b()),
                    Shl => a.shl(b()),
                    Lshr => a.lshr(b()),
                    Ashr => a.ashr(b()),
                    ShlK => by_known_amount(k(), width, ite, |j| a.shl_const(j)),
                    LshrK => by_known_amount(k(), width, ite, |j| a.lshr_const(j)),
                    AshrK => by_known_amount(k(), width, ite, |j| a.ashr_const(j)),
                    Udiv => a.udiv(b()),
                    Urem => a.urem(b()),
                    Sdiv => a.sdiv(b()),
                    Srem => a.srem(b()),
                })
            }
        };
        Eval::plain(result, concrete).with_pre(pre)
    }
}
