//! The refinement pieces: sound (and a few unsound) ways to shrink a tnum and an unsigned
//! interval that describe one value, written once over any [`Word`].
//!
//! Concretization: the arguments are a tnum `t` and an interval `[lo, hi]` of one width, and
//! the value they describe lies in `S = γ(t) ∩ [lo, hi]`. A `tnum.refine.*` piece returns a
//! tnum `t'` and a `uint.refine.*` piece an interval `[lo', hi']`; the piece is sound when
//! `S ⊆ γ(result)` and the result is well-formed whenever `S ≠ ∅`. In catalog terms
//! ([`RefinePiece`]): arguments of kinds (Tnum, UInt), members `x ∈ γ(t)`, `y ∈ [lo, hi]`,
//! precondition `x = y`, concrete result `x` — so nothing is claimed when `S` is empty.
//!
//! The exact refinement rests on two words (derivation in the book's refinement page):
//! `lo*`, the smallest member of `t` at or above `lo` ([`least_member_at_least`], from the
//! 6.18 `tnum_step` backport, absint's [`Tnum::step`]), and `hi*`, the largest member at or
//! below `hi` ([`greatest_member_at_most`], the same on the complement). When `S ≠ ∅` both are
//! in `S`, the hull of `S` is `[lo*, hi*]`, and the best tnum of `S` is
//! `t ∩ tnum_range(lo*, hi*)`: above the highest bit `k` where `lo*` and `hi*` differ every
//! member of `S` shares their prefix; bit `k` takes both values (in `lo*` and `hi*`); and every
//! unknown bit of `t` below `k` takes both values too, in `prefix·1·(t's smallest tail)` ≤
//! `hi*` and in `prefix·0·(t's largest tail)` ≥ `lo*`, both members of `S`.
//!
//! The kernel's own refinement ([`kernel_refine`]) is the tnum/u64 part of Linux 6.18.44's
//! `reg_bounds_sync` as absint models it (`absint::domain::kernel::sync`): the unsigned half of
//! `__update_reg64_bounds` (bounds from the tnum, and the backported single-value case of
//! upstream efc11a667878), the 64-bit half of `__reg_bound_offset` (tnum ∩ `tnum_range` of the
//! bounds), then `__update_reg64_bounds` again. Re-implemented width-generically from the
//! published algorithm so that it runs at 4, 6, 32 and 64 bits; `synth/tests/refine.rs` checks
//! it against absint's functions at 64 bits.

use crate::catalog::{Abs, Eval, GenericOperator, Kind};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::sync::Arc;

/// The smallest member of γ(`t`) that is `≥ z`, and whether there is one.
///
/// `z` itself when it is a member; otherwise `tnum_step(t, z)` (the smallest member above
/// `z`, which is `t`'s maximum when none is: then the second word says so).
pub fn least_member_at_least<W: Word>(t: &Tnum<W>, z: &W) -> (W, W::Bool) {
    let r = W::ite(&t.contains(z), z, &t.step(z));
    let exists = r.bvuge(z);
    (r, exists)
}

/// The largest member of γ(`t`) that is `≤ z`, and whether there is one: the mirror of
/// [`least_member_at_least`] on the complement (`x ∈ γ(t)` iff `~x ∈ γ(~t)`, where `~t` has
/// the same mask and the complemented known bits, and `x ≤ z` iff `~x ≥ ~z`).
pub fn greatest_member_at_most<W: Word>(t: &Tnum<W>, z: &W) -> (W, W::Bool) {
    let flipped = Tnum::new(t.value.bvor(&t.mask).bvnot(), t.mask.clone());
    let (r, exists) = least_member_at_least(&flipped, &z.bvnot());
    (r.bvnot(), exists)
}

/// `[lo*, hi*]`: the hull of `γ(t) ∩ [lo, hi]` when that set is not empty (see the module
/// docs); the third word says whether it is.
pub fn exact_bounds<W: Word>(t: &Tnum<W>, i: &UInterval<W>) -> (W, W, W::Bool) {
    let (lo, lo_ok) = least_member_at_least(t, &i.lo);
    let (hi, hi_ok) = greatest_member_at_most(t, &i.hi);
    let nonempty = lo_ok.and(&hi_ok).and(&lo.bvule(&i.hi));
    (lo, hi, nonempty)
}

/// The best tnum of `γ(t) ∩ [lo, hi]` when it is not empty: `t ∩ tnum_range(lo*, hi*)`.
pub fn exact_tnum<W: Word>(t: &Tnum<W>, i: &UInterval<W>) -> Tnum<W> {
    let (lo, hi, _) = exact_bounds(t, i);
    t.intersect(&Tnum::range(&lo, &hi))
}

/// A tnum and an unsigned interval of one width: the part of a register state the refinement
/// works on.
#[derive(Clone, Debug)]
pub struct TnumRange<W: Word> {
    /// The tnum.
    pub tnum: Tnum<W>,
    /// The unsigned bounds.
    pub range: UInterval<W>,
}

/// The unsigned half of the kernel's `__update_reg64_bounds` (6.18.44): bounds from the tnum,
/// then, when the range and the tnum share exactly one value (`tnum_step` backport of upstream
/// efc11a667878: three cases, as absint's `update_bounds64`), that constant.
pub fn kernel_update<W: Word>(s: &TnumRange<W>) -> TnumRange<W> {
    let t = &s.tnum;
    let tmax = t.max();
    let umin = s.range.lo.umax(&t.value);
    let umax = s.range.hi.umin(&tmax);
    let next = t.step(&umin);
    let umin_in_tnum = t.contains(&umin);
    let only_umin = umin_in_tnum.and(&next.bvugt(&umax));
    let only_tmax = umin_in_tnum.not().and(&next.eq(&tmax));
    let only_next = umin_in_tnum
        .not()
        .and(&next.bvule(&umax))
        .and(&t.step(&next).bvugt(&umax));
    let single = only_umin.or(&only_tmax).or(&only_next);
    let value = W::ite(&only_umin, &umin, &W::ite(&only_tmax, &tmax, &next));
    TnumRange {
        tnum: Tnum::ite(&single, &Tnum::constant(value.clone()), t),
        range: UInterval::from_bounds(
            W::ite(&single, &value, &umin),
            W::ite(&single, &value, &umax),
        ),
    }
}

/// The 64-bit half of the kernel's `__reg_bound_offset`: the tnum met with the tnum of the
/// unsigned range (with unknown 32-bit bounds its 32-bit half changes nothing).
pub fn kernel_bound_offset<W: Word>(s: &TnumRange<W>) -> TnumRange<W> {
    TnumRange {
        tnum: s.tnum.intersect(&Tnum::range(&s.range.lo, &s.range.hi)),
        range: s.range.clone(),
    }
}

/// The kernel's refinement of a tnum and an unsigned range: update, bound offset, update (the
/// tnum/u64 stages of `reg_bounds_sync`, without the signed and 32-bit deductions between).
pub fn kernel_refine<W: Word>(s: &TnumRange<W>) -> TnumRange<W> {
    kernel_update(&kernel_bound_offset(&kernel_update(s)))
}

/// Which refinement a piece computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Piece {
    /// The kernel's ([`kernel_refine`]).
    Kernel,
    /// The exact one ([`exact_tnum`], [`exact_bounds`]).
    Exact,
    /// The argument unchanged (the tnum, or `[lo, hi]`).
    Identity,
    /// Tnum: `t ∩ tnum_range(lo, hi)`.
    Range,
    /// Bounds clamped by the tnum's extremes, `[max(lo, t.min), min(hi, t.max)]`; tnum: met
    /// with the range of those bounds.
    Clamp,
    /// Only the low end exact: `[lo*, hi]` (tnum: `t ∩ tnum_range(lo*, hi)`).
    Low,
    /// Only the high end exact: `[lo, hi*]` (tnum: `t ∩ tnum_range(lo, hi*)`).
    High,
    /// Bounds: the tnum's extremes of `t ∩ tnum_range(lo, hi)`, clamped into `[lo, hi]` (the
    /// kernel's second update without its single-value case).
    ViaRange,
    /// Unsound candidate: the low end moved to `tnum_step(t, lo)`, forgetting `lo` itself.
    StepLo,
    /// Unsound candidate: the low end rounded up with the known ones, `lo | t.value`.
    OrValue,
    /// Unsound candidate: the high end cut to the bits the tnum allows, `hi & t.max`.
    AndMax,
}

impl Piece {
    /// The name's last part.
    pub fn label(self) -> &'static str {
        match self {
            Piece::Kernel => "kernel",
            Piece::Exact => "exact",
            Piece::Identity => "identity",
            Piece::Range => "range",
            Piece::Clamp => "clamp",
            Piece::Low => "low",
            Piece::High => "high",
            Piece::ViaRange => "via_range",
            Piece::StepLo => "step_lo",
            Piece::OrValue => "or_value",
            Piece::AndMax => "and_max",
        }
    }

    /// Is it one of the deliberately unsound candidates?
    pub fn is_candidate_mutant(self) -> bool {
        matches!(self, Piece::StepLo | Piece::OrValue | Piece::AndMax)
    }

    /// One line saying what it computes, for `output`.
    pub fn describe(self, output: Output) -> &'static str {
        match (output, self) {
            (Output::SInt, Piece::Kernel) => {
                "the kernel's signed bounds from the tnum: [max(lo, t.smin), min(hi, t.smax)]"
            }
            (Output::SInt, _) => match self {
                Piece::Exact => {
                    "[lo*, hi*] in the signed order (the unsigned one under the sign flip)"
                }
                Piece::Low => "[lo*, hi] in the signed order",
                Piece::High => "[lo, hi*] in the signed order",
                Piece::Identity => "[lo, hi] unchanged",
                Piece::StepLo => "[tnum_step(t, lo), hi] in the signed order (unsound)",
                Piece::OrValue => "[lo | t.value, hi] in the signed order (unsound)",
                _ => "the unsigned piece under the sign flip",
            },
            (Output::Tnum, Piece::Kernel) => {
                "the kernel's tnum/u64 synchronisation (update, bound offset, update), its tnum"
            }
            (Output::UInt, Piece::Kernel) => {
                "the kernel's tnum/u64 synchronisation (update, bound offset, update), its bounds"
            }
            (Output::Tnum, Piece::Exact) => "t ∩ tnum_range(lo*, hi*), lo*/hi* by tnum_step",
            (Output::UInt, Piece::Exact) => "[lo*, hi*], the members of t nearest the bounds",
            (Output::Tnum, Piece::Identity) => "t unchanged",
            (Output::UInt, Piece::Identity) => "[lo, hi] unchanged",
            (Output::Tnum, Piece::Range) => "t ∩ tnum_range(lo, hi)",
            (Output::UInt, Piece::Range) => "[lo, hi] unchanged (no range piece for bounds)",
            (Output::Tnum, Piece::Clamp) => "t ∩ tnum_range(max(lo, t.min), min(hi, t.max))",
            (Output::UInt, Piece::Clamp) => "[max(lo, t.min), min(hi, t.max)]",
            (Output::Tnum, Piece::Low) => "t ∩ tnum_range(lo*, hi)",
            (Output::UInt, Piece::Low) => "[lo*, hi]",
            (Output::Tnum, Piece::High) => "t ∩ tnum_range(lo, hi*)",
            (Output::UInt, Piece::High) => "[lo, hi*]",
            (_, Piece::ViaRange) => {
                "[max(lo, r.min), min(hi, r.max)] with r = t ∩ tnum_range(lo, hi)"
            }
            (Output::Tnum, Piece::StepLo) => "t ∩ tnum_range(tnum_step(t, lo), hi) (unsound)",
            (Output::UInt, Piece::StepLo) => "[tnum_step(t, lo), hi] (unsound)",
            (Output::Tnum, Piece::OrValue) => "t ∩ tnum_range(lo | t.value, hi) (unsound)",
            (Output::UInt, Piece::OrValue) => "[lo | t.value, hi] (unsound)",
            (_, Piece::AndMax) => "[lo, hi & t.max] (unsound)",
        }
    }
}

/// What a refinement returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    /// A tnum (`tnum.refine`).
    Tnum,
    /// An unsigned interval (`uint.refine`).
    UInt,
    /// A signed interval (`sint.refine`), from a tnum and a *signed* interval.
    SInt,
}

impl Output {
    /// `tnum` or `uint`.
    pub fn domain(self) -> &'static str {
        match self {
            Output::Tnum => "tnum",
            Output::UInt => "uint",
            Output::SInt => "sint",
        }
    }

    /// The kind of the interval argument: signed for `sint.refine`, unsigned otherwise.
    pub fn bounds_kind(self) -> Kind {
        match self {
            Output::SInt => Kind::SInt,
            _ => Kind::UInt,
        }
    }

    /// The result's kind.
    pub fn kind(self) -> Kind {
        match self {
            Output::Tnum => Kind::Tnum,
            Output::UInt => Kind::UInt,
            Output::SInt => Kind::SInt,
        }
    }
}

/// Both parts of a piece's refinement (the one its output does not use is left as it was).
pub fn refine<W: Word>(piece: Piece, t: &Tnum<W>, i: &UInterval<W>) -> TnumRange<W> {
    let both = |tnum: Tnum<W>, lo: W, hi: W| TnumRange {
        tnum,
        range: UInterval::from_bounds(lo, hi),
    };
    let met = |lo: &W, hi: &W| t.intersect(&Tnum::range(lo, hi));
    match piece {
        Piece::Kernel => kernel_refine(&TnumRange {
            tnum: t.clone(),
            range: i.clone(),
        }),
        Piece::Exact => {
            let (lo, hi, _) = exact_bounds(t, i);
            both(met(&lo, &hi), lo, hi)
        }
        Piece::Identity => both(t.clone(), i.lo.clone(), i.hi.clone()),
        Piece::Range => both(met(&i.lo, &i.hi), i.lo.clone(), i.hi.clone()),
        Piece::Clamp => {
            let (lo, hi) = (i.lo.umax(&t.value), i.hi.umin(&t.max()));
            both(met(&lo, &hi), lo, hi)
        }
        Piece::Low => {
            let (lo, _) = least_member_at_least(t, &i.lo);
            both(met(&lo, &i.hi), lo, i.hi.clone())
        }
        Piece::High => {
            let (hi, _) = greatest_member_at_most(t, &i.hi);
            both(met(&i.lo, &hi), i.lo.clone(), hi)
        }
        Piece::ViaRange => {
            let r = met(&i.lo, &i.hi);
            both(r.clone(), i.lo.umax(&r.value), i.hi.umin(&r.max()))
        }
        Piece::StepLo => {
            let lo = t.step(&i.lo);
            both(met(&lo, &i.hi), lo, i.hi.clone())
        }
        Piece::OrValue => {
            let lo = i.lo.bvor(&t.value);
            both(met(&lo, &i.hi), lo, i.hi.clone())
        }
        Piece::AndMax => {
            let hi = i.hi.bvand(&t.max());
            both(met(&i.lo, &hi), i.lo.clone(), hi)
        }
    }
}

/// `t` with its sign bit's value flipped where it is known: `x ∈ γ(t)` iff
/// `x ^ 2^(w-1) ∈ γ(flip(t))`. Flipping the sign bit maps the signed order onto the unsigned
/// one, so a signed refinement is the unsigned one under the flip.
pub fn flip_sign<W: Word>(t: &Tnum<W>) -> Tnum<W> {
    let sign = t.value.signed_min();
    Tnum::new(t.value.bvxor(&sign.bvand(&t.mask.bvnot())), t.mask.clone())
}

/// The signed bounds of `piece` on `t` and the signed interval `i`: the kernel's are its
/// `__update_reg64_bounds` signed half (`smin = max(smin, v | (m & sign))`, `smax = min(smax,
/// v | (m & ~sign))`); every other piece is the unsigned piece's bounds under [`flip_sign`].
pub fn refine_signed<W: Word>(piece: Piece, t: &Tnum<W>, i: &SInterval<W>) -> SInterval<W> {
    let sign = t.value.signed_min();
    if piece == Piece::Kernel {
        return SInterval::from_bounds(
            i.lo.smax(&t.value.bvor(&t.mask.bvand(&sign))),
            i.hi.smin(&t.value.bvor(&t.mask.bvand(&sign.bvnot()))),
        );
    }
    let flipped = UInterval::from_bounds(i.lo.bvxor(&sign), i.hi.bvxor(&sign));
    let r = refine(piece, &flip_sign(t), &flipped).range;
    SInterval::from_bounds(r.lo.bvxor(&sign), r.hi.bvxor(&sign))
}

/// A refinement piece as a catalog operator: arguments (Tnum, UInt) — (Tnum, SInt) for
/// `sint.refine` — result of its [`Output`]'s kind, precondition `x = y` on the members,
/// concrete result `x`.
#[derive(Clone, Debug)]
pub struct RefinePiece {
    piece: Piece,
    output: Output,
    name: String,
}

impl RefinePiece {
    /// The piece `piece` returning `output` (`tnum.refine.exact`; unsound candidates are named
    /// `mutant.tnum.refine.step_lo` …).
    pub fn new(piece: Piece, output: Output) -> Self {
        let prefix = if piece.is_candidate_mutant() {
            "mutant."
        } else {
            ""
        };
        RefinePiece {
            piece,
            output,
            name: format!("{prefix}{}.refine.{}", output.domain(), piece.label()),
        }
    }

    /// Which refinement.
    pub fn piece(&self) -> Piece {
        self.piece
    }

    /// What it returns.
    pub fn output(&self) -> Output {
        self.output
    }

    /// As a shared catalog operator.
    pub fn arc(self) -> Arc<dyn crate::catalog::Operator> {
        Arc::new(self)
    }
}

impl GenericOperator for RefinePiece {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        self.piece.describe(self.output)
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, self.output.bounds_kind()]
    }
    fn result(&self) -> Kind {
        self.output.kind()
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let result = match self.output {
            Output::Tnum => Abs::Tnum(refine(self.piece, args[0].tnum(), args[1].uint()).tnum),
            Output::UInt => Abs::UInt(refine(self.piece, args[0].tnum(), args[1].uint()).range),
            Output::SInt => Abs::SInt(refine_signed(self.piece, args[0].tnum(), args[1].sint())),
        };
        Eval::plain(result, members[0].clone()).with_pre(members[0].eq(&members[1]))
    }
}

/// The sound pieces of `output`, kernel's first (the catalog's and the pool's order).
pub fn sound_pieces(output: Output) -> Vec<Piece> {
    match output {
        Output::Tnum => vec![
            Piece::Kernel,
            Piece::Exact,
            Piece::Range,
            Piece::Clamp,
            Piece::Low,
            Piece::High,
        ],
        Output::UInt => vec![
            Piece::Kernel,
            Piece::Exact,
            Piece::Clamp,
            Piece::Low,
            Piece::High,
            Piece::ViaRange,
        ],
        Output::SInt => vec![Piece::Kernel, Piece::Exact, Piece::Low, Piece::High],
    }
}

/// The plausible but unsound candidates of `output`, which the checks must refute.
pub fn unsound_pieces(output: Output) -> Vec<Piece> {
    match output {
        Output::Tnum => vec![Piece::StepLo, Piece::OrValue],
        Output::UInt => vec![Piece::StepLo, Piece::OrValue, Piece::AndMax],
        Output::SInt => vec![Piece::StepLo, Piece::OrValue],
    }
}
