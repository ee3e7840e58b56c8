//! Catalog entries for the tnum operators of Linux 6.18 ([`absint::domain::tnum`]), at any width.
//!
//! Each entry pairs a [`Tnum`] method with its concrete operation written with [`Word`]
//! primitives. Shifts come twice: by a known amount `k < width` (as the kernel's
//! `tnum_lshift(a, k)` is used) and by any amount word (SMT-LIB semantics for `k ≥ width`).
//! Lattice operations are stated as operations too: `tnum.union` "returns" either member
//! (chosen by a one-bit selector), `tnum.intersect` returns a member of both.

use super::{Abs, Eval, GenericOperator, Kind, WordWidth};
use absint::domain::interval::UInterval;
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::sync::Arc;

/// A tnum operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TnumOp {
    /// `tnum_add`.
    Add,
    /// `tnum_sub`.
    Sub,
    /// `tnum_neg`.
    Neg,
    /// `tnum_and`.
    And,
    /// `tnum_or`.
    Or,
    /// `tnum_xor`.
    Xor,
    /// `tnum_mul` of 6.18 (union-based long multiplication).
    Mul,
    /// `tnum_mul` of 5.13 to 6.17.
    MulV513,
    /// `tnum_mul` before 5.13.
    MulPreV513,
    /// Shift left by a known amount below the width.
    Lshift,
    /// Logical shift right by a known amount below the width.
    Rshift,
    /// Arithmetic shift right by a known amount below the width.
    Arshift,
    /// Shift left by any amount (SMT semantics).
    LshiftAny,
    /// Logical shift right by any amount.
    RshiftAny,
    /// Arithmetic shift right by any amount.
    ArshiftAny,
    /// `tnum_union` (join).
    Union,
    /// `tnum_intersect`.
    Intersect,
    /// `tnum_range(min, max)` of an unsigned interval.
    Range,
    /// `tnum_cast(a, bytes)`.
    Cast(u32),
    /// `tnum_subreg` (64-bit only).
    Subreg,
    /// `tnum_clear_subreg` (64-bit only).
    ClearSubreg,
    /// `tnum_with_subreg` (64-bit only).
    WithSubreg,
    /// `tnum_bswap16/32/64`.
    Bswap(u32),
    /// `tnum_step(t, z)`: the smallest member above `z`.
    Step,
}

/// A catalog entry for one tnum operator.
pub struct TnumEntry {
    name: String,
    summary: String,
    op: TnumOp,
}

impl TnumEntry {
    /// The entry for `op`.
    pub fn new(op: TnumOp) -> Self {
        let (name, summary) = describe(op);
        TnumEntry { name, summary, op }
    }
}

fn describe(op: TnumOp) -> (String, String) {
    use TnumOp::*;
    let (n, s): (String, &str) = match op {
        Add => ("add".into(), "tnum_add: a + b (CGO'22 optimal addition)"),
        Sub => ("sub".into(), "tnum_sub: a - b"),
        Neg => ("neg".into(), "tnum_neg: -a"),
        And => ("and".into(), "tnum_and: a & b"),
        Or => ("or".into(), "tnum_or: a | b"),
        Xor => ("xor".into(), "tnum_xor: a ^ b"),
        Mul => (
            "mul".into(),
            "tnum_mul of 6.18: union-based long multiplication",
        ),
        MulV513 => ("mul.v5_13".into(), "tnum_mul of 5.13-6.17 (CGO'22 our_mul)"),
        MulPreV513 => ("mul.pre_v5_13".into(), "tnum_mul before 5.13 (hma)"),
        Lshift => ("lshift".into(), "tnum_lshift by a known amount k < width"),
        Rshift => ("rshift".into(), "tnum_rshift by a known amount k < width"),
        Arshift => ("arshift".into(), "tnum_arshift by a known amount k < width"),
        LshiftAny => (
            "lshift.any".into(),
            "shift left by any amount word (SMT semantics)",
        ),
        RshiftAny => (
            "rshift.any".into(),
            "logical shift right by any amount word",
        ),
        ArshiftAny => (
            "arshift.any".into(),
            "arithmetic shift right by any amount word",
        ),
        Union => (
            "union".into(),
            "tnum_union: a member of a or of b is in the union",
        ),
        Intersect => (
            "intersect".into(),
            "tnum_intersect: a member of both is in it",
        ),
        Range => (
            "range".into(),
            "tnum_range(lo, hi): every x in [lo, hi] is in it",
        ),
        Cast(b) => (format!("cast{b}"), "tnum_cast: keep the low bytes"),
        Subreg => ("subreg".into(), "tnum_subreg: the low 32 bits"),
        ClearSubreg => ("clear_subreg".into(), "tnum_clear_subreg: the high 32 bits"),
        WithSubreg => (
            "with_subreg".into(),
            "tnum_with_subreg: a's high half, b's low half",
        ),
        Bswap(b) => (format!("bswap{b}"), "tnum_bswap: byte-swap the low bits"),
        Step => (
            "step".into(),
            "tnum_step(t, z): every member above z is in [step, tmax]",
        ),
    };
    (format!("tnum.{n}"), s.to_string())
}

/// Every tnum operator of the catalog.
pub fn operators() -> Vec<Arc<dyn super::Operator>> {
    use TnumOp::*;
    [
        Add,
        Sub,
        Neg,
        And,
        Or,
        Xor,
        Mul,
        MulV513,
        MulPreV513,
        Lshift,
        Rshift,
        Arshift,
        LshiftAny,
        RshiftAny,
        ArshiftAny,
        Union,
        Intersect,
        Range,
        Cast(1),
        Cast(2),
        Cast(4),
        Subreg,
        ClearSubreg,
        WithSubreg,
        Bswap(16),
        Bswap(32),
        Bswap(64),
        Step,
    ]
    .into_iter()
    .map(|op| Arc::new(TnumEntry::new(op)) as Arc<dyn super::Operator>)
    .collect()
}

/// The low `bits` bits of `x` (all of it when `bits ≥ width`), at `x`'s width.
pub(crate) fn low_bits<W: Word>(x: &W, bits: u32) -> W {
    if bits >= x.width() {
        x.clone()
    } else {
        x.resize(bits).resize(x.width())
    }
}

impl GenericOperator for TnumEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        use TnumOp::*;
        let amount = Kind::Word(WordWidth::Op);
        match self.op {
            Neg | Cast(_) | Subreg | ClearSubreg | Bswap(_) => vec![Kind::Tnum],
            Lshift | Rshift | Arshift | LshiftAny | RshiftAny | ArshiftAny | Step => {
                vec![Kind::Tnum, amount]
            }
            Union => vec![Kind::Tnum, Kind::Tnum, Kind::Word(WordWidth::Bits(1))],
            Range => vec![Kind::UInt],
            _ => vec![Kind::Tnum, Kind::Tnum],
        }
    }
    fn result(&self) -> Kind {
        match self.op {
            TnumOp::Step => Kind::UInt,
            _ => Kind::Tnum,
        }
    }
    fn supports_width(&self, width: u32) -> bool {
        match self.op {
            TnumOp::Subreg | TnumOp::ClearSubreg | TnumOp::WithSubreg => width == 64,
            TnumOp::Bswap(bits) => width >= bits,
            _ => (1..=64).contains(&width),
        }
    }
    fn eval<W: Word>(&self, width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        use TnumOp::*;
        let t = |i: usize| args[i].tnum();
        let x = &xs[0];
        let plain = |r: Tnum<W>, c: W| Eval::plain(Abs::Tnum(r), c);
        let known_amount = || xs[1].bvult(&x.lit(u64::from(width)));
        match self.op {
            Add => plain(t(0).add(t(1)), x.bvadd(&xs[1])),
            Sub => plain(t(0).sub(t(1)), x.bvsub(&xs[1])),
            Neg => plain(t(0).neg(), x.bvneg()),
            And => plain(t(0).and(t(1)), x.bvand(&xs[1])),
            Or => plain(t(0).or(t(1)), x.bvor(&xs[1])),
            Xor => plain(t(0).xor(t(1)), x.bvxor(&xs[1])),
            Mul => plain(t(0).mul(t(1)), x.bvmul(&xs[1])),
            MulV513 => plain(t(0).mul_v5_13(t(1)), x.bvmul(&xs[1])),
            MulPreV513 => plain(t(0).mul_pre_v5_13(t(1)), x.bvmul(&xs[1])),
            Lshift => plain(t(0).lshift(&xs[1]), x.bvshl(&xs[1])).with_pre(known_amount()),
            Rshift => plain(t(0).rshift(&xs[1]), x.bvlshr(&xs[1])).with_pre(known_amount()),
            Arshift => plain(t(0).arshift(&xs[1]), x.bvashr(&xs[1])).with_pre(known_amount()),
            LshiftAny => plain(t(0).lshift(&xs[1]), x.bvshl(&xs[1])),
            RshiftAny => plain(t(0).rshift(&xs[1]), x.bvlshr(&xs[1])),
            ArshiftAny => plain(t(0).arshift(&xs[1]), x.bvashr(&xs[1])),
            Union => plain(t(0).union(t(1)), W::ite(&xs[2].lsb(), x, &xs[1])),
            Intersect => plain(t(0).intersect(t(1)), x.clone()).with_pre(x.eq(&xs[1])),
            Range => {
                let i = args[0].uint();
                plain(Tnum::range(&i.lo, &i.hi), x.clone())
            }
            Cast(bytes) => plain(t(0).cast(bytes), low_bits(x, 8 * bytes)),
            Subreg => plain(t(0).subreg(), low_bits(x, 32)),
            ClearSubreg => plain(t(0).clear_subreg(), x.bvxor(&low_bits(x, 32))),
            WithSubreg => {
                let high = x.bvxor(&low_bits(x, 32));
                plain(t(0).with_subreg(t(1)), high.bvor(&low_bits(&xs[1], 32)))
            }
            Bswap(bits) => plain(t(0).bswap(bits), x.resize(bits).byte_swap().resize(width)),
            Step => {
                let (a, z) = (t(0), &xs[1]);
                let next = a.step(z);
                let result = Abs::UInt(UInterval::from_bounds(next.clone(), a.max()));
                Eval {
                    result,
                    concrete: x.clone(),
                    // Claimed for members above z; then the step is itself a member.
                    pre: x.bvugt(z),
                    post: a.contains(&next).and(&z.bvult(&next)),
                }
            }
        }
    }
}
