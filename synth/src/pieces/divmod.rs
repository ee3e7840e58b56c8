//! Interval division and remainder (BPF semantics) as the meet of small sound pieces.
//!
//! The kernel does not track `div` and `mod` at all: the destination becomes unknown
//! (`absint::domain::kernel::alu`). Each [`Piece`] here is a simple interval transfer function
//! that is sound on its own — usually "this bound holds always" or "in this case the result is
//! that" (top otherwise) — so each is proved separately with z3, in a small query. For sound
//! pieces `p₁ … pₖ` every concrete result lies in every `γ(pᵢ(a, b))`, hence in their
//! intersection, which is the interval meet; the meet is therefore sound because each piece is
//! (the POPL'26 "sound pieces" idea), and at least as precise as each.
//!
//! Concrete semantics (RFC 9669 §4.1, `absint::semantics`): `x / 0 = 0`, `x % 0 = x`, signed
//! division truncates toward zero, `INT_MIN / −1 = INT_MIN` (it wraps) and `INT_MIN % −1 = 0`.
//!
//! The operators are catalog entries: `uint.udiv.pieces`, `uint.urem.pieces`,
//! `sint.sdiv.pieces`, `sint.srem.pieces` (the meets), `*.pieces.core` (the meets of the pieces
//! proved at 64 bits), and each piece alone as
//! `uint.udiv.piece.<name>` …, all at every width 1 to 64 (`--width 32` is the 32-bit
//! operation). The pieces, their proof times and the precision figures are in the book
//! (`book/src/divmod.md`).

use crate::catalog::interval::IntervalOp;
use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use absint::domain::interval::{SInterval, UInterval};
use absint::word::{Bit, Word};
use std::sync::Arc;

/// One sound piece of an interval division or remainder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Unsigned `x / y ≤ x` (and `x / 0 = 0`): `[0, a.hi]`.
    UdivBelowDividend,
    /// Unsigned, divisor range with non-zero members: `[a.lo / b.hi, a.hi / max(b.lo, 1)]`,
    /// the lower bound 0 when `b.lo = 0` (quotients are monotone in each argument).
    UdivCorners,
    /// Unsigned, `b = [0, 0]`: the result is 0.
    UdivZeroDivisor,
    /// Unsigned `x % y ≤ x` (and `x % 0 = x`): `[0, a.hi]`.
    UremBelowDividend,
    /// Unsigned, `b.lo ≥ 1`: `x % y < y ≤ b.hi`, so `[0, b.hi − 1]`.
    UremBelowDivisor,
    /// Unsigned, `a.hi < b.lo`: every dividend is below every divisor, `x % y = x`: `a`.
    UremSmallDividend,
    /// Unsigned, `b = [0, 0]`: `x % 0 = x`: `a`.
    UremZeroDivisor,
    /// Unsigned, `b.lo ≥ 1` and one quotient `q = a.lo / b.hi = a.hi / b.lo` for every pair:
    /// `x % y = x − q·y ∈ [a.lo − q·b.hi, a.hi − q·b.lo]` (no wrap: `q·y ≤ x`). With a constant
    /// divisor this is the shifted range `[a.lo % d, a.hi % d]`.
    UremSameQuotient,
    /// Signed `|x / y| ≤ |x|`: `[−M, min(M, MAX)]` with `M = max(|a.lo|, |a.hi|)` (unsigned;
    /// `INT_MIN / −1 = INT_MIN = −M` when `INT_MIN ∈ a`).
    SdivMagnitude,
    /// Signed, the sign of the quotient (`x / 0 = 0` has both): `[0, MAX]` when `a, b ≥ 0` or
    /// when `a, b ≤ 0` (and not `INT_MIN / −1`), `[MIN, 0]` when their signs are opposite; top
    /// otherwise.
    SdivSign,
    /// Signed, `b ≥ 0` with a positive member: the corner quotients over the divisors
    /// `[max(b.lo, 1), b.hi]` (monotone: increasing in `x`; in `y` the extremes are at the ends,
    /// which end by the sign of `x`), joined with 0 when `b.lo = 0`.
    SdivPositiveDivisor,
    /// Signed, `b ≤ 0` with a negative member, and not `INT_MIN / −1` (`a.lo = MIN` with −1 a
    /// divisor): the corner quotients over `[b.lo, min(b.hi, −1)]`, joined with 0 when
    /// `b.hi = 0`.
    SdivNegativeDivisor,
    /// Signed, `b = [0, 0]`: the result is 0.
    SdivZeroDivisor,
    /// Signed remainder: 0 or the dividend's sign, `|x % y| ≤ |x|`, `x % 0 = x`:
    /// `[min(a.lo, 0), max(a.hi, 0)]`.
    SremSign,
    /// Signed, `|x % y| ≤ |y| − 1 ≤ m` with `m = max(|b.lo|, |b.hi|) − 1`: `[−m, m]`, widened
    /// to include `a` when `0 ∈ b` (`x % 0 = x`).
    SremMagnitude,
    /// Signed, `0 ∉ b` and `max(|a.lo|, |a.hi|) < min |y|`: `x % y = x`: `a`.
    SremSmallDividend,
    /// Signed, `b = [0, 0]`: `x % 0 = x`: `a`.
    SremZeroDivisor,
}

impl Piece {
    /// Every piece, grouped by operation.
    pub const ALL: [Piece; 17] = [
        Piece::UdivBelowDividend,
        Piece::UdivCorners,
        Piece::UdivZeroDivisor,
        Piece::UremBelowDividend,
        Piece::UremBelowDivisor,
        Piece::UremSmallDividend,
        Piece::UremZeroDivisor,
        Piece::UremSameQuotient,
        Piece::SdivMagnitude,
        Piece::SdivSign,
        Piece::SdivPositiveDivisor,
        Piece::SdivNegativeDivisor,
        Piece::SdivZeroDivisor,
        Piece::SremSign,
        Piece::SremMagnitude,
        Piece::SremSmallDividend,
        Piece::SremZeroDivisor,
    ];

    /// The pieces z3 proves sound at 64 bits as single queries (book/src/divmod.md has the
    /// times); the others compare two 64-bit divider results and time out.
    pub const PROVED_AT_64: [Piece; 11] = [
        Piece::UdivBelowDividend,
        Piece::UdivZeroDivisor,
        Piece::UremBelowDividend,
        Piece::UremSmallDividend,
        Piece::UremZeroDivisor,
        Piece::SdivMagnitude,
        Piece::SdivSign,
        Piece::SdivZeroDivisor,
        Piece::SremSign,
        Piece::SremSmallDividend,
        Piece::SremZeroDivisor,
    ];

    /// The operation the piece over-approximates.
    pub fn op(self) -> IntervalOp {
        use Piece::*;
        match self {
            UdivBelowDividend | UdivCorners | UdivZeroDivisor => IntervalOp::Udiv,
            UremBelowDividend | UremBelowDivisor | UremSmallDividend | UremZeroDivisor
            | UremSameQuotient => IntervalOp::Urem,
            SdivMagnitude | SdivSign | SdivPositiveDivisor | SdivNegativeDivisor
            | SdivZeroDivisor => IntervalOp::Sdiv,
            SremSign | SremMagnitude | SremSmallDividend | SremZeroDivisor => IntervalOp::Srem,
        }
    }

    /// The piece's short name (`corners`, `below_divisor` …).
    pub fn short(self) -> &'static str {
        use Piece::*;
        match self {
            UdivBelowDividend | UremBelowDividend => "below_dividend",
            UdivCorners => "corners",
            UdivZeroDivisor | UremZeroDivisor | SdivZeroDivisor | SremZeroDivisor => "zero_divisor",
            UremBelowDivisor => "below_divisor",
            UremSmallDividend | SremSmallDividend => "small_dividend",
            UremSameQuotient => "same_quotient",
            SdivMagnitude | SremMagnitude => "magnitude",
            SdivSign | SremSign => "sign",
            SdivPositiveDivisor => "positive_divisor",
            SdivNegativeDivisor => "negative_divisor",
        }
    }

    /// Is the piece on signed intervals?
    pub fn signed(self) -> bool {
        matches!(self.op(), IntervalOp::Sdiv | IntervalOp::Srem)
    }

    /// The unsigned piece on `a`, `b` (an unsigned piece; a signed one gives top).
    pub fn unsigned<W: Word>(self, a: &UInterval<W>, b: &UInterval<W>) -> UInterval<W> {
        use Piece::*;
        let zero = a.lo.zero();
        let one = a.lo.lit(1);
        let top = UInterval::full_like(&a.lo);
        let b_zero = b.hi.is_zero();
        match self {
            UdivBelowDividend | UremBelowDividend => UInterval::from_bounds(zero, a.hi.clone()),
            UdivCorners => UInterval::from_bounds(
                W::ite(&b.lo.is_zero(), &zero, &a.lo.bvudiv(&b.hi)),
                a.hi.bvudiv(&b.lo.umax(&one)),
            ),
            UdivZeroDivisor => UInterval::ite(&b_zero, &UInterval::constant(zero), &top),
            UremBelowDivisor => UInterval::ite(
                &b.lo.is_zero().not(),
                &UInterval::from_bounds(zero, b.hi.bvsub(&one)),
                &top,
            ),
            UremSmallDividend => UInterval::ite(&a.hi.bvult(&b.lo), a, &top),
            UremZeroDivisor => UInterval::ite(&b_zero, a, &top),
            UremSameQuotient => {
                let q = a.lo.bvudiv(&b.hi);
                let applies = b.lo.is_zero().not().and(&q.eq(&a.hi.bvudiv(&b.lo)));
                UInterval::ite(
                    &applies,
                    &UInterval::from_bounds(
                        a.lo.bvsub(&q.bvmul(&b.hi)),
                        a.hi.bvsub(&q.bvmul(&b.lo)),
                    ),
                    &top,
                )
            }
            _ => top,
        }
    }

    /// The signed piece on `a`, `b` (a signed piece; an unsigned one gives top).
    pub fn signed_piece<W: Word>(self, a: &SInterval<W>, b: &SInterval<W>) -> SInterval<W> {
        use Piece::*;
        let zero = a.lo.zero();
        let one = a.lo.lit(1);
        let minus_one = a.lo.ones();
        let min = a.lo.signed_min();
        let max = a.lo.signed_max();
        let top = SInterval::full_like(&a.lo);
        // |v| read as unsigned: |MIN| = 2^(w−1) is exact there.
        let abs = |v: &W| W::ite(&v.msb(), &v.bvneg(), v);
        let b_zero = b.lo.is_zero().and(&b.hi.is_zero());
        let zero_in_b = b.contains(&zero);
        match self {
            SdivMagnitude => {
                let m = abs(&a.lo).umax(&abs(&a.hi));
                SInterval::from_bounds(m.bvneg(), m.umin(&max))
            }
            SdivSign => {
                let a_nonneg = a.lo.msb().not();
                let a_nonpos = a.hi.bvsle(&zero);
                let b_nonneg = b.lo.msb().not();
                let b_nonpos = b.hi.bvsle(&zero);
                let overflow = a.lo.eq(&min).and(&b.contains(&minus_one));
                let nonneg = a_nonneg
                    .and(&b_nonneg)
                    .or(&a_nonpos.and(&b_nonpos).and(&overflow.not()));
                let nonpos = a_nonneg.and(&b_nonpos).or(&a_nonpos.and(&b_nonneg));
                SInterval::ite(
                    &nonneg,
                    &SInterval::from_bounds(zero.clone(), max),
                    &SInterval::ite(&nonpos, &SInterval::from_bounds(min, zero), &top),
                )
            }
            SdivPositiveDivisor => {
                // Divisors in [max(b.lo, 1), b.hi], and 0 when b.lo = 0 (x / 0 = 0).
                let ylo = b.lo.smax(&one);
                let q = SInterval::from_bounds(
                    W::ite(&a.lo.msb(), &a.lo.bvsdiv(&ylo), &a.lo.bvsdiv(&b.hi)),
                    W::ite(&a.hi.msb(), &a.hi.bvsdiv(&b.hi), &a.hi.bvsdiv(&ylo)),
                );
                let with_zero = SInterval::from_bounds(q.lo.smin(&zero), q.hi.smax(&zero));
                let q = SInterval::ite(&b.lo.is_zero(), &with_zero, &q);
                SInterval::ite(&b.lo.msb().not().and(&one.bvsle(&b.hi)), &q, &top)
            }
            SdivNegativeDivisor => {
                // Divisors in [b.lo, min(b.hi, -1)], and 0 when b.hi = 0.
                let yhi = b.hi.smin(&minus_one);
                let overflow = a.lo.eq(&min).and(&yhi.eq(&minus_one));
                let q = SInterval::from_bounds(
                    W::ite(&a.hi.msb(), &a.hi.bvsdiv(&b.lo), &a.hi.bvsdiv(&yhi)),
                    W::ite(&a.lo.msb(), &a.lo.bvsdiv(&yhi), &a.lo.bvsdiv(&b.lo)),
                );
                let with_zero = SInterval::from_bounds(q.lo.smin(&zero), q.hi.smax(&zero));
                let q = SInterval::ite(&b.hi.is_zero(), &with_zero, &q);
                let applies = b.hi.bvsle(&zero).and(&b.lo.msb()).and(&overflow.not());
                SInterval::ite(&applies, &q, &top)
            }
            SdivZeroDivisor => SInterval::ite(&b_zero, &SInterval::constant(zero), &top),
            SremSign => SInterval::from_bounds(a.lo.smin(&zero), a.hi.smax(&zero)),
            SremMagnitude => {
                let mag = abs(&b.lo).umax(&abs(&b.hi));
                let m = W::ite(&mag.is_zero(), &zero, &mag.bvsub(&one));
                let bounded = SInterval::from_bounds(m.bvneg(), m.clone());
                let widened = SInterval::from_bounds(a.lo.smin(&m.bvneg()), a.hi.smax(&m));
                SInterval::ite(&zero_in_b, &widened, &bounded)
            }
            SremSmallDividend => {
                let min_abs = W::ite(&b.lo.msb(), &b.hi.bvneg(), &b.lo);
                let applies = zero_in_b
                    .not()
                    .and(&abs(&a.lo).umax(&abs(&a.hi)).bvult(&min_abs));
                SInterval::ite(&applies, a, &top)
            }
            SremZeroDivisor => SInterval::ite(&b_zero, a, &top),
            _ => top,
        }
    }
}

/// A catalog operator: one piece alone, or the meet of every piece of one operation.
pub struct DivModOperator {
    name: String,
    summary: String,
    op: IntervalOp,
    pieces: Vec<Piece>,
}

impl DivModOperator {
    /// The meet of every piece of `op` (one of udiv, urem, sdiv, srem).
    pub fn meet(op: IntervalOp) -> Self {
        let pieces: Vec<Piece> = Piece::ALL.into_iter().filter(|p| p.op() == op).collect();
        DivModOperator {
            name: format!("{}.pieces", base_name(op)),
            summary: format!(
                "BPF {} of intervals: the meet of {} sound pieces",
                short(op),
                pieces.len()
            ),
            op,
            pieces,
        }
    }

    /// The meet of the pieces of `op` that z3 proves sound at 64 bits in one query each
    /// ([`Piece::PROVED_AT_64`]): by the meet argument above the meet is proved sound at 64 bits
    /// too, at some cost in precision against [`DivModOperator::meet`].
    pub fn core(op: IntervalOp) -> Self {
        let pieces: Vec<Piece> = Piece::PROVED_AT_64
            .into_iter()
            .filter(|p| p.op() == op)
            .collect();
        DivModOperator {
            name: format!("{}.pieces.core", base_name(op)),
            summary: format!(
                "BPF {} of intervals: the meet of the {} pieces proved at 64 bits",
                short(op),
                pieces.len()
            ),
            op,
            pieces,
        }
    }

    /// One piece alone.
    pub fn piece(piece: Piece) -> Self {
        DivModOperator {
            name: format!("{}.piece.{}", base_name(piece.op()), piece.short()),
            summary: format!(
                "BPF {} of intervals: the `{}` piece alone",
                short(piece.op()),
                piece.short()
            ),
            op: piece.op(),
            pieces: vec![piece],
        }
    }

    /// The pieces met.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    fn signed(&self) -> bool {
        matches!(self.op, IntervalOp::Sdiv | IntervalOp::Srem)
    }
}

/// `udiv` … for an operation.
fn short(op: IntervalOp) -> &'static str {
    match op {
        IntervalOp::Udiv => "udiv",
        IntervalOp::Urem => "urem",
        IntervalOp::Sdiv => "sdiv",
        _ => "srem",
    }
}

/// `uint.udiv`, `sint.srem` …: the catalog name of the operation on its natural order.
fn base_name(op: IntervalOp) -> String {
    match op {
        IntervalOp::Udiv | IntervalOp::Urem => format!("uint.{}", short(op)),
        _ => format!("sint.{}", short(op)),
    }
}

/// The meet of the unsigned pieces on `a`, `b`.
pub fn unsigned_meet<W: Word>(
    pieces: &[Piece],
    a: &UInterval<W>,
    b: &UInterval<W>,
) -> UInterval<W> {
    let mut acc = UInterval::full_like(&a.lo);
    for p in pieces {
        acc = acc.meet_bounds(&p.unsigned(a, b)).0;
    }
    acc
}

/// The meet of the signed pieces on `a`, `b`.
pub fn signed_meet<W: Word>(pieces: &[Piece], a: &SInterval<W>, b: &SInterval<W>) -> SInterval<W> {
    let mut acc = SInterval::full_like(&a.lo);
    for p in pieces {
        acc = acc.meet_bounds(&p.signed_piece(a, b)).0;
    }
    acc
}

impl GenericOperator for DivModOperator {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        let k = if self.signed() {
            Kind::SInt
        } else {
            Kind::UInt
        };
        vec![k, k]
    }
    fn result(&self) -> Kind {
        if self.signed() {
            Kind::SInt
        } else {
            Kind::UInt
        }
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let concrete = self.op.concrete(xs);
        let result = if self.signed() {
            Abs::SInt(signed_meet(&self.pieces, args[0].sint(), args[1].sint()))
        } else {
            Abs::UInt(unsigned_meet(&self.pieces, args[0].uint(), args[1].uint()))
        };
        Eval::plain(result, concrete)
    }
}

/// The catalog operators: the four meets and their 64-bit-proved cores, then every piece alone.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    let mut ops: Vec<Arc<dyn Operator>> = [
        IntervalOp::Udiv,
        IntervalOp::Urem,
        IntervalOp::Sdiv,
        IntervalOp::Srem,
    ]
    .into_iter()
    .flat_map(|op| {
        [
            Arc::new(DivModOperator::meet(op)) as Arc<dyn Operator>,
            Arc::new(DivModOperator::core(op)) as Arc<dyn Operator>,
        ]
    })
    .collect();
    ops.extend(
        Piece::ALL
            .into_iter()
            .map(|p| Arc::new(DivModOperator::piece(p)) as Arc<dyn Operator>),
    );
    ops
}
