//! A precise tnum multiplication: the meet of sound pieces.
//!
//! The kernel's union-based `tnum_mul` ([`Tnum::mul`]) is sound but loses much: on 64-bit tnums
//! with 8-bit members it is exact (equal to the best transformer) on 76% of the pairs. Each
//! *piece* here is a sound abstract multiplication on its own, good where the kernel's is weak:
//!
//! * [`swapped`]: the kernel's multiplication with the operands exchanged (`tnum_mul` is not
//!   symmetric in precision, while `x·y = y·x`);
//! * [`range::range`]: the tnum of the product's interval `[amin·bmin, amax·bmax]` (high bits);
//! * [`range::split_ranges`]: the same on the parts of the operands split on a fixed number of
//!   their highest unknown bits, joined (the middle bits a single interval blurs).
//!
//! For sound pieces `p₁ … pₖ`, every product `x·y` (`x ∈ γ(a)`, `y ∈ γ(b)`) is in every
//! `γ(pᵢ(a, b))`, hence in their intersection; and since the intersection is non-empty the
//! tnum intersection (`tnum_intersect`) is exactly that meet. So the meet is sound, and it is at
//! least as precise as each piece — as the kernel's, since that is one of them. The meet is
//! taken with [`refine`], which falls back to the kernel's result if two pieces ever disagreed
//! (they cannot, being sound), so that "never less precise than the kernel's" holds by
//! construction and not only through the pieces' soundness.
//!
//! [`precise`] is the cheapest combination measured to be exact on at least 95% of the 64-bit
//! pairs with 8-bit members: the kernel's multiplication met with the split ranges on two bits
//! of each operand (16 range pieces); [`precise_max`] adds the swapped piece and splits on three
//! bits (64 range pieces). Neither enumerates members: the work is a fixed number of kernel
//! multiplications and of `2w`-bit products. The figures, proofs and costs are in the book
//! (`book/src/mul.md`).

use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use absint::domain::tnum::Tnum;
use absint::word::Word;
use std::sync::Arc;

pub mod proof;
pub mod range;
pub mod wide;

/// The kernel's multiplication with the operands exchanged: `b · a` by `tnum_mul`.
pub fn swapped<W: Word>(a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    b.mul(a)
}

/// `base` met with `piece`: their intersection where they overlap, `base` where they do not.
///
/// Two sound results for the same inputs always overlap (both contain the products), so the
/// second branch is never taken on sound pieces; it is there so that `refine(base, p) ⊑ base`
/// holds by construction, for any `p` — which makes "at least as precise as the kernel's" a
/// fact a solver checks without reasoning about multiplication at all.
pub fn refine<W: Word>(base: &Tnum<W>, piece: &Tnum<W>) -> Tnum<W> {
    Tnum::ite(&base.overlap(piece), &base.intersect(piece), base)
}

/// The kernel's multiplication met with the split ranges on two bits of each operand.
pub fn precise<W: Word>(a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    refine(&a.mul(b), &range::split_ranges(a, b, 2, 2))
}

/// The most precise combination kept: kernel, swapped, split ranges on three bits of each.
pub fn precise_max<W: Word>(a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    let kernels = refine(&a.mul(b), &swapped(a, b));
    refine(&kernels, &range::split_ranges(a, b, 3, 3))
}

/// A piece or a combination of pieces, as a catalog operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MulPiece {
    /// [`swapped`].
    Swapped,
    /// [`range::range`].
    Range,
    /// [`range::split_ranges`] on `ka` bits of `a` and `kb` bits of `b`.
    SplitRanges(u32, u32),
    /// The kernel's multiplication met with the split ranges on `k` bits of each operand.
    KernelRanges(u32),
    /// [`precise`].
    Precise,
    /// [`precise_max`].
    PreciseMax,
}

impl MulPiece {
    /// Apply to two tnums.
    pub fn apply<W: Word>(self, a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
        match self {
            MulPiece::Swapped => swapped(a, b),
            MulPiece::Range => range::range(a, b),
            MulPiece::SplitRanges(ka, kb) => range::split_ranges(a, b, ka, kb),
            MulPiece::KernelRanges(k) => refine(&a.mul(b), &range::split_ranges(a, b, k, k)),
            MulPiece::Precise => precise(a, b),
            MulPiece::PreciseMax => precise_max(a, b),
        }
    }

    /// The catalog name.
    pub fn name(self) -> String {
        match self {
            MulPiece::Swapped => "tnum.mul.swapped".into(),
            MulPiece::Range => "tnum.mul.range".into(),
            MulPiece::SplitRanges(ka, kb) => format!("tnum.mul.ranges{ka}{kb}"),
            MulPiece::KernelRanges(k) => format!("tnum.mul.kernel_ranges{k}{k}"),
            MulPiece::Precise => "tnum.mul.precise".into(),
            MulPiece::PreciseMax => "tnum.mul.precise_max".into(),
        }
    }

    fn summary(self) -> String {
        match self {
            MulPiece::Swapped => "tnum_mul(b, a): the kernel's, operands exchanged".into(),
            MulPiece::Range => {
                "tnum_range of [amin*bmin, amax*bmax] when no high bits differ".into()
            }
            MulPiece::SplitRanges(ka, kb) => {
                format!("join of range pieces over a split on {ka} and b on {kb} top unknown bits")
            }
            MulPiece::KernelRanges(k) => {
                format!("tnum_mul met with the split ranges on {k}+{k} bits")
            }
            MulPiece::Precise => {
                "meet of tnum_mul and the split ranges on 2+2 bits (>= 95% exact)".into()
            }
            MulPiece::PreciseMax => {
                "meet of tnum_mul, tnum_mul(b, a) and the split ranges on 3+3 bits".into()
            }
        }
    }
}

/// A [`MulPiece`] with its name, as a catalog entry.
pub struct MulEntry {
    piece: MulPiece,
    name: String,
    summary: String,
}

impl MulEntry {
    /// The catalog entry of `piece`.
    pub fn new(piece: MulPiece) -> Self {
        MulEntry {
            piece,
            name: piece.name(),
            summary: piece.summary(),
        }
    }
}

impl GenericOperator for MulEntry {
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
        let r = self.piece.apply(args[0].tnum(), args[1].tnum());
        Eval::plain(Abs::Tnum(r), xs[0].bvmul(&xs[1]))
    }
}

/// Every piece and combination kept, in the catalog.
pub const PIECES: [MulPiece; 8] = [
    MulPiece::Swapped,
    MulPiece::Range,
    MulPiece::SplitRanges(1, 1),
    MulPiece::SplitRanges(2, 2),
    MulPiece::SplitRanges(3, 3),
    MulPiece::KernelRanges(1),
    MulPiece::Precise,
    MulPiece::PreciseMax,
];

/// The catalog operators of this module.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    PIECES
        .iter()
        .map(|&p| Arc::new(MulEntry::new(p)) as Arc<dyn Operator>)
        .collect()
}
