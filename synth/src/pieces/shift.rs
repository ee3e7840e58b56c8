//! Tnum shifts by an unknown amount: `t << s`, `t >> s` and `t s>> s` where the amount `s` is
//! itself a tnum, as sound pieces for the meet search.
//!
//! # Semantics
//!
//! Concretization is the tnum's: `γ(value; mask) = { x | x & !mask = value }`. The concrete
//! operation is SMT-LIB's (`bvshl`, `bvlshr`, `bvashr` on `w`-bit words, as the catalog's
//! `tnum.lshift.any` and `synth::synthesis::targets::Concrete::{Shl, Lshr, Ashr}`): an amount
//! `k ≥ w` gives 0, or the sign fill for the arithmetic shift (which is the shift by `w − 1`).
//! An operator `op#` is sound when `x ∈ γ(t), k ∈ γ(s) ⟹ op(x, k) ∈ γ(op#(t, s))`.
//!
//! The running kernel (Linux 6.18, `adjust_scalar_min_max_vals`) shifts a tnum only by a known
//! constant below the width and marks the destination unknown otherwise; that unknown is the
//! reference these operators are measured against.
//!
//! # The pieces
//!
//! * [`Piece::Barrel`] — a barrel shifter on tnums. With `K` the smallest number such that
//!   `2^K ≥ w`, stage `i < K` looks at amount bit `i`: known 0 leaves the tnum, known 1 shifts
//!   it by the known amount `2^i` ([`Tnum::lshift`] …, exact), unknown takes the [`Tnum::union`]
//!   of both. Amount bits `≥ K` that may be 1 add (by union) the result of a too-large amount;
//!   one known to be 1 gives that result alone. Sound stage by stage: with SMT semantics,
//!   `op(op(x, a), b) = op(x, a + b)` for every `a, b` (a shift past the width saturates to 0 or
//!   the sign fill in both), so the amounts reachable through the stages are exactly the
//!   members of `γ(s)` below `2^K`, and the union keeps every member of both branches.
//! * [`Piece::BarrelBounds`] — the same stages on the bitwise bounds of the tnum, `lo = value`
//!   (bits known 1) and `hi = value | mask` (bits that may be 1). Shifts are monotone bit by
//!   bit, so a stage shifts both bounds; an unknown amount bit joins the branches with
//!   `lo & lo'` and `hi | hi'` (the union in this form); the result is `(lo; hi ^ lo)`. Same
//!   results as the barrel at 100 instead of 118 IR operations at 64 bits, and z3 proves it in
//!   1.5–3.5 s at 64 bits where the barrel takes 15–27 s: it is what the meet search selects.
//! * [`Piece::Members`] — the union over every `k < w` with `k ∈ γ(s)` of `t` shifted by `k`,
//!   and the too-large result when `γ(s)` has a member `≥ w` (i.e. `max(s) ≥ w`): `w`
//!   iterations.
//! * [`Piece::Known`] — the kernel's idea extended to every constant: `t` shifted by `s` when
//!   `s` is a constant (SMT semantics past the width), unknown otherwise.
//! * [`Piece::MinAmount`] — what the smallest amount `m = min(s)` alone implies: `x << k` has
//!   at least `min(m, w)` low zero bits, `x >> k` that many high zero bits, and `x s>> k` that
//!   many copies of the sign above the sign bit: the shift by `m` of `t` with every bit but the
//!   sign (arithmetic) or every bit (logical, left) unknown.
//!
//! # The barrels and the members are the best transformer
//!
//! Every bit `j` of `op(x, k)` is either a constant (0 shifted in) or one bit `src(j, k)` of `x`
//! (`j − k`, `j + k`, or the sign bit when `j + k ≥ w` for the arithmetic shift). The best tnum
//! result knows bit `j` = `b` exactly when for every `k ∈ γ(s)` that bit is the constant `b` or
//! a bit of `t` known to be `b` (bits of `γ(t)` vary independently). [`Tnum::union`] is the
//! bitwise join, and a shift by a known amount moves known bits without loss, so by induction
//! over the stages the barrel's bit `j` is known `b` exactly when that holds for every amount
//! made of the stage bits of `γ(s)` — a product set, because tnum bits vary independently —
//! plus the too-large amounts when a high bit may be set: exactly `γ(s)` read through the SMT
//! semantics. The barrel on bounds computes the same per-bit join (`lo` and `hi` are the known-1
//! and may-be-1 bits), and the members piece is the same join written per amount. So all three
//! are exact; the exhaustive grids in `synth/tests/shift_unknown.rs` measure it (every pair at
//! 5 and 6 bits; the barrel at 8 bits behind `--ignored` and in the meet search's report), and
//! the barrels cost `K` stages where the members cost `w` iterations.
//!
//! # From SMT semantics to BPF
//!
//! BPF masks the amount: `dst << (src & (w − 1))` (`& 63` for `alu64`, `& 31` for `alu32`).
//! `tnum_and` with a constant `c` is exact on sets: `γ(s & c) = { k & c | k ∈ γ(s) }` (each
//! bit of the result is 0 or one independent bit of `s`). Hence for an operator `op#` sound
//! for the SMT semantics, `op#(t, s & c)` contains `op(x, k & c)` for every `x ∈ γ(t)`,
//! `k ∈ γ(s)` — it is sound for BPF — and if `op#` is the best transformer for SMT semantics,
//! the composition is the best transformer for BPF, since both are the join of the same set of
//! results. [`bpf_shift`] is that composition; the tests check it against the BPF best
//! transformer exhaustively at 4 bits. The catalog's `tnum.<op>.var.bpf` is the composition
//! with the barrel on bounds, for power-of-two widths.
//!
//! # Proofs
//!
//! Every piece is proved by one z3 query ([`crate::verify::prove`]); the barrels and the BPF
//! shifts also have a stage-by-stage proof ([`proof`]) whose lemmas z3 settles in under a second
//! in all at 64 bits.
//!
//! The catalog names are `tnum.<op>.var.<piece>` (`tnum.lshift.var.barrel_bounds`,
//! `tnum.arshift.var.members` …); the meet-search targets are `tnum.lshift.var`,
//! `tnum.rshift.var` and `tnum.arshift.var` (`vernier synth --domain tnum --op lshift.var`),
//! distinct from the term-search targets `tnum.lshift` … whose amount is a known word. The
//! figures are in the book (`book/src/shifts.md`).

use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use crate::precision::Grid;
use crate::synthesis::meet::{MeetTarget, Origin, PoolPiece, ProofMethod};
use crate::synthesis::targets::TargetDomain;
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::sync::Arc;

pub mod proof;

/// The shift operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftOp {
    /// Shift left (`bvshl`).
    Lshift,
    /// Logical shift right (`bvlshr`).
    Rshift,
    /// Arithmetic shift right (`bvashr`).
    Arshift,
}

impl ShiftOp {
    /// The three operations.
    pub const ALL: [ShiftOp; 3] = [ShiftOp::Lshift, ShiftOp::Rshift, ShiftOp::Arshift];

    /// `lshift`, `rshift`, `arshift` (the kernel's `tnum_*` names).
    pub fn name(self) -> &'static str {
        match self {
            ShiftOp::Lshift => "lshift",
            ShiftOp::Rshift => "rshift",
            ShiftOp::Arshift => "arshift",
        }
    }

    /// The meet-search target's operation name: `lshift.var` …
    pub fn target_op(self) -> &'static str {
        match self {
            ShiftOp::Lshift => "lshift.var",
            ShiftOp::Rshift => "rshift.var",
            ShiftOp::Arshift => "arshift.var",
        }
    }

    /// The concrete operation, SMT-LIB semantics (an amount `≥` the width saturates).
    pub fn concrete<W: Word>(self, x: &W, k: &W) -> W {
        match self {
            ShiftOp::Lshift => x.bvshl(k),
            ShiftOp::Rshift => x.bvlshr(k),
            ShiftOp::Arshift => x.bvashr(k),
        }
    }

    /// `t` shifted by the known amount `k` (any word; exact).
    pub fn by_known<W: Word>(self, t: &Tnum<W>, k: &W) -> Tnum<W> {
        match self {
            ShiftOp::Lshift => t.lshift(k),
            ShiftOp::Rshift => t.rshift(k),
            ShiftOp::Arshift => t.arshift(k),
        }
    }

    /// `t` shifted by an amount of at least the width: 0, or the sign fill (the arithmetic
    /// shift by `w − 1`, exact).
    pub fn too_large<W: Word>(self, t: &Tnum<W>) -> Tnum<W> {
        let w = t.width();
        match self {
            ShiftOp::Lshift | ShiftOp::Rshift => Tnum::constant(t.value.zero()),
            ShiftOp::Arshift => t.arshift(&t.value.lit(u64::from(w - 1))),
        }
    }
}

/// The number of barrel stages at width `w`: the smallest `K` with `2^K ≥ w`.
pub fn stages(width: u32) -> u32 {
    width.next_power_of_two().trailing_zeros()
}

/// The next partial union: `acc ∪ r` once a first result has been `seen`, `r` alone before
/// (results gathered one at a time, starting from none).
fn add_case<W: Word>(acc: &Tnum<W>, seen: &W::Bool, r: &Tnum<W>) -> Tnum<W> {
    Tnum::ite(seen, &acc.union(r), r)
}

/// Stage `i` of the barrel: amount bit `i` known 0 leaves `acc`, known 1 shifts it by `2^i`,
/// unknown joins both.
pub fn barrel_stage<W: Word>(op: ShiftOp, acc: &Tnum<W>, s: &Tnum<W>, i: u32) -> Tnum<W> {
    let bit = s.value.lit(1u64 << i);
    let known_one = s.value.bvand(&bit).is_zero().not();
    let unknown = s.mask.bvand(&bit).is_zero().not();
    let shifted = op.by_known(acc, &bit);
    let either = acc.union(&shifted);
    Tnum::ite(&known_one, &shifted, &Tnum::ite(&unknown, &either, acc))
}

/// The amount bits at or above the barrel's stages (`!(2^K − 1)`): any of them set means an
/// amount `≥ 2^K ≥ w`.
pub fn high_amount_bits<W: Word>(like: &W) -> W {
    like.ones().shl_by(stages(like.width()))
}

/// The barrel's last step: `acc` (the stages' result), unless a high amount bit may be set
/// (join with the too-large result of `t`) or is known set (that result alone).
pub fn barrel_finish<W: Word>(op: ShiftOp, acc: &Tnum<W>, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let high = high_amount_bits(&s.value);
    let must_large = s.value.bvand(&high).is_zero().not();
    let may_large = s.max().bvand(&high).is_zero().not();
    let large = op.too_large(t);
    Tnum::ite(
        &must_large,
        &large,
        &Tnum::ite(&may_large, &acc.union(&large), acc),
    )
}

/// The barrel shifter on tnums ([`Piece::Barrel`]): the stages from bit 0 up, then the finish.
pub fn barrel<W: Word>(op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let mut acc = t.clone();
    for i in 0..stages(t.width()) {
        acc = barrel_stage(op, &acc, s, i);
    }
    barrel_finish(op, &acc, t, s)
}

/// The barrel on the bitwise bounds of the tnums ([`Piece::BarrelBounds`]): `lo` holds the
/// bits known to be 1 (`value`), `hi` the bits that may be 1 (`value | mask`). Shifts are
/// monotone bit by bit, so each stage shifts both bounds by the known amount `2^i`; an unknown
/// amount bit joins the two branches as `lo & lo'`, `hi | hi'` (which is [`Tnum::union`] in
/// this form), and the result is `(lo; hi ^ lo)`. The same stages as [`barrel`] with about half
/// the operations.
pub fn barrel_bounds<W: Word>(op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let (mut lo, mut hi) = (t.value.clone(), t.max());
    for i in 0..stages(t.width()) {
        (lo, hi) = bounds_stage(op, &lo, &hi, s, i);
    }
    bounds_finish(op, &lo, &hi, t, s)
}

/// Stage `i` of [`barrel_bounds`] on the bounds `lo ⊆ hi`.
pub fn bounds_stage<W: Word>(op: ShiftOp, lo: &W, hi: &W, s: &Tnum<W>, i: u32) -> (W, W) {
    let bit = s.value.lit(1u64 << i);
    let known_one = s.value.bvand(&bit).is_zero().not();
    let unknown = s.mask.bvand(&bit).is_zero().not();
    let (lo_moved, hi_moved) = (op.concrete(lo, &bit), op.concrete(hi, &bit));
    (
        W::ite(
            &known_one,
            &lo_moved,
            &W::ite(&unknown, &lo.bvand(&lo_moved), lo),
        ),
        W::ite(
            &known_one,
            &hi_moved,
            &W::ite(&unknown, &hi.bvor(&hi_moved), hi),
        ),
    )
}

/// The last step of [`barrel_bounds`]: the too-large bounds (`t`'s bounds shifted by `w`)
/// joined in when a high amount bit may be set, alone when one is known set; then the tnum
/// `(lo; hi ^ lo)`.
pub fn bounds_finish<W: Word>(op: ShiftOp, lo: &W, hi: &W, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let high = high_amount_bits(&s.value);
    let must_large = s.value.bvand(&high).is_zero().not();
    let may_large = s.max().bvand(&high).is_zero().not();
    let width_amount = s.value.lit(u64::from(t.width()));
    let (lo_large, hi_large) = (
        op.concrete(&t.value, &width_amount),
        op.concrete(&t.max(), &width_amount),
    );
    let lo = W::ite(
        &must_large,
        &lo_large,
        &W::ite(&may_large, &lo.bvand(&lo_large), lo),
    );
    let hi = W::ite(
        &must_large,
        &hi_large,
        &W::ite(&may_large, &hi.bvor(&hi_large), hi),
    );
    Tnum::new(lo.clone(), hi.bvxor(&lo))
}

/// The union over every member amount ([`Piece::Members`]).
pub fn members<W: Word>(op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let w = t.width();
    let mut acc = t.clone();
    let mut seen = s.value.bool_const(false);
    for k in 0..w {
        let amount = s.value.lit(u64::from(k));
        let member = s.contains(&amount);
        let r = op.by_known(t, &amount);
        acc = Tnum::ite(&member, &add_case(&acc, &seen, &r), &acc);
        seen = seen.or(&member);
    }
    let may_large = s.max().bvuge(&s.value.lit(u64::from(w)));
    Tnum::ite(&may_large, &add_case(&acc, &seen, &op.too_large(t)), &acc)
}

/// The shift by a constant amount, unknown otherwise ([`Piece::Known`]).
pub fn known<W: Word>(op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    Tnum::ite(
        &s.is_const(),
        &op.by_known(t, &s.value),
        &Tnum::unknown_like(&t.value),
    )
}

/// What the smallest amount implies ([`Piece::MinAmount`]).
pub fn min_amount<W: Word>(op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let blurred = match op {
        ShiftOp::Lshift | ShiftOp::Rshift => Tnum::unknown_like(&t.value),
        ShiftOp::Arshift => {
            let sign = t.value.signed_min();
            Tnum::new(t.value.bvand(&sign), t.mask.bvor(&sign.bvnot()))
        }
    };
    op.by_known(&blurred, &s.min())
}

/// The BPF shift of `t` by `s`: the amount masked to `& (w − 1)` (`w` a power of two), then
/// `op#` — sound (and exact, for an exact `op#`) by the argument of the module docs.
pub fn bpf_shift<W: Word>(op: ShiftOp, piece: Piece, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
    let w = t.width();
    let mask = Tnum::constant(s.value.lit(u64::from(w - 1)));
    piece.apply(op, t, &s.and(&mask))
}

/// One piece (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    /// [`barrel`].
    Barrel,
    /// [`barrel_bounds`].
    BarrelBounds,
    /// [`members`].
    Members,
    /// [`known`].
    Known,
    /// [`min_amount`].
    MinAmount,
}

impl Piece {
    /// Every piece, in pool order.
    pub const ALL: [Piece; 5] = [
        Piece::Known,
        Piece::MinAmount,
        Piece::Barrel,
        Piece::BarrelBounds,
        Piece::Members,
    ];

    /// The piece's short name.
    pub fn short(self) -> &'static str {
        match self {
            Piece::Barrel => "barrel",
            Piece::BarrelBounds => "barrel_bounds",
            Piece::Members => "members",
            Piece::Known => "known",
            Piece::MinAmount => "min_amount",
        }
    }

    /// Apply to `t` shifted by `s`.
    pub fn apply<W: Word>(self, op: ShiftOp, t: &Tnum<W>, s: &Tnum<W>) -> Tnum<W> {
        match self {
            Piece::Barrel => barrel(op, t, s),
            Piece::BarrelBounds => barrel_bounds(op, t, s),
            Piece::Members => members(op, t, s),
            Piece::Known => known(op, t, s),
            Piece::MinAmount => min_amount(op, t, s),
        }
    }

    fn summary(self) -> &'static str {
        match self {
            Piece::Barrel => "barrel shifter: per amount bit, shift by 2^i, union when unknown",
            Piece::BarrelBounds => "the barrel on the bitwise bounds (value, value | mask)",
            Piece::Members => "union of the shifts by every member amount below the width",
            Piece::Known => "shift by a constant amount, unknown otherwise",
            Piece::MinAmount => "what the smallest amount implies (low zeros, high zeros, sign)",
        }
    }
}

/// A piece for one shift, as a catalog operator `(Tnum, Tnum) → Tnum`.
pub struct ShiftEntry {
    op: ShiftOp,
    piece: Piece,
    name: String,
    summary: String,
}

impl ShiftEntry {
    /// The catalog entry of `piece` for `op`: `tnum.<op>.var.<piece>`.
    pub fn new(op: ShiftOp, piece: Piece) -> Self {
        ShiftEntry {
            op,
            piece,
            name: format!("tnum.{}.{}", op.target_op(), piece.short()),
            summary: format!("tnum {} by a tnum amount: {}", op.name(), piece.summary()),
        }
    }
}

impl GenericOperator for ShiftEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::Tnum]
    }
    fn result(&self) -> Kind {
        Kind::Tnum
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let r = self.piece.apply(self.op, args[0].tnum(), args[1].tnum());
        Eval::plain(Abs::Tnum(r), self.op.concrete(&xs[0], &xs[1]))
    }
}

/// The BPF shift by a tnum amount ([`bpf_shift`] with the barrel on bounds) as a catalog
/// operator: the
/// concrete operation masks the amount, `x op (y & (w − 1))`; power-of-two widths only (64 is
/// `alu64`, 32 is `alu32`).
pub struct BpfShiftEntry {
    op: ShiftOp,
    name: String,
    summary: String,
}

impl BpfShiftEntry {
    /// The catalog entry for `op`: `tnum.<op>.var.bpf`.
    pub fn new(op: ShiftOp) -> Self {
        BpfShiftEntry {
            op,
            name: format!("tnum.{}.bpf", op.target_op()),
            summary: format!(
                "tnum {} by a tnum amount masked to the width (BPF): tnum_and, then the barrel",
                op.name()
            ),
        }
    }
}

impl GenericOperator for BpfShiftEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::Tnum]
    }
    fn result(&self) -> Kind {
        Kind::Tnum
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width) && width.is_power_of_two()
    }
    fn eval<W: Word>(&self, width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let r = bpf_shift(self.op, Piece::BarrelBounds, args[0].tnum(), args[1].tnum());
        let amount = xs[1].bvand(&xs[1].lit(u64::from(width - 1)));
        Eval::plain(Abs::Tnum(r), self.op.concrete(&xs[0], &amount))
    }
}

/// The pieces of this module as catalog operators: every piece of every shift, then the three
/// BPF shifts.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    let mut ops: Vec<Arc<dyn Operator>> = ShiftOp::ALL
        .into_iter()
        .flat_map(|op| {
            Piece::ALL
                .into_iter()
                .map(move |p| Arc::new(ShiftEntry::new(op, p)) as Arc<dyn Operator>)
        })
        .collect();
    ops.extend(
        ShiftOp::ALL
            .into_iter()
            .map(|op| Arc::new(BpfShiftEntry::new(op)) as Arc<dyn Operator>),
    );
    ops
}

/// The meet-search target of `op`: the pieces, compared with the kernel's unknown.
pub fn meet_target(op: ShiftOp) -> MeetTarget {
    let pool = Piece::ALL
        .into_iter()
        .map(|p| {
            PoolPiece::new(
                Arc::new(ShiftEntry::new(op, p)),
                Origin::Hand,
                ProofMethod::Z3,
            )
        })
        .collect();
    MeetTarget {
        domain: TargetDomain::Tnum,
        op: op.target_op(),
        // The kernel leaves the result unknown when the amount is not a constant.
        reference: None,
        reference_first: false,
        // Every pair of 6-bit tnums (531 441); the report: every pair of 8-bit tnums.
        selection_grid: Grid {
            width: 6,
            input_bits: 6,
        },
        report_grid: Grid {
            width: 8,
            input_bits: 8,
        },
        check_width: 4,
        pool,
        enumerate_bounds: false,
    }
}

/// The meet-search targets of this module: `tnum.lshift.var`, `tnum.rshift.var`,
/// `tnum.arshift.var`.
pub fn meet_targets() -> Vec<MeetTarget> {
    ShiftOp::ALL.into_iter().map(meet_target).collect()
}
