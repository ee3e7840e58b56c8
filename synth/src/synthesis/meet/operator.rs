//! The meet of sound pieces as one catalog operator, and the two lemmas that make it sound.
//!
//! [`MeetOperator`] applies every piece to the same arguments and meets their results in order,
//! each step with a guard that falls back to the result so far when the two do not overlap
//! ([`meet_abs`], like `synth::pieces::mul::refine`). Concretization: for pieces `p₁ … pₖ`,
//! `γ(meet) = γ(p₁) ∩ … ∩ γ(pₖ)` whenever the results overlap pairwise in that order, and
//! `γ(meet) ⊆ γ(p₁)` always. Soundness: if every piece is sound, every concrete result lies in
//! every `γ(pᵢ)`, so the accumulated meet and the next piece share that member, the guard
//! takes the meet, and the member stays in it — the [`MeetLemma`] states exactly this step
//! (two well-formed values holding one word, their guarded meet holds it and is well-formed),
//! and z3 proves it at any width in a fraction of a second. [`BelowFirst`] is the other half:
//! the guarded meet is never less precise than its first argument, whatever the second, so a
//! meet whose first piece is the kernel's is at least as precise as the kernel's by
//! construction.

use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use crate::ir::Traced;
use crate::smt::Z3Word;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Bv, Word};
use std::sync::Arc;

/// `base` met with `piece`: their meet where they overlap, `base` where they do not (for kinds
/// other than tnums and intervals, or two different kinds: `base`).
pub fn meet_abs<W: Word>(base: &Abs<W>, piece: &Abs<W>) -> Abs<W> {
    match (base, piece) {
        (Abs::Tnum(a), Abs::Tnum(b)) => Abs::Tnum(Tnum::ite(&a.overlap(b), &a.intersect(b), a)),
        (Abs::UInt(a), Abs::UInt(b)) => {
            let (m, nonempty) = a.meet_bounds(b);
            Abs::UInt(UInterval::ite(&nonempty, &m, a))
        }
        (Abs::SInt(a), Abs::SInt(b)) => {
            let (m, nonempty) = a.meet_bounds(b);
            Abs::SInt(SInterval::ite(&nonempty, &m, a))
        }
        _ => base.clone(),
    }
}

/// The top element of `kind` at `width` bits, built from a word of that width (`None` for
/// kinds without one here: register states and words).
pub fn top_abs<W: Word>(kind: Kind, like: &W) -> Option<Abs<W>> {
    match kind {
        Kind::Tnum => Some(Abs::Tnum(Tnum::unknown_like(like))),
        Kind::UInt => Some(Abs::UInt(UInterval::full_like(like))),
        Kind::SInt => Some(Abs::SInt(SInterval::full_like(like))),
        _ => None,
    }
}

/// Why a meet cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetError {
    /// A meet needs at least one piece.
    #[error("meet `{0}`: no pieces")]
    Empty(String),
    /// Every piece must have the first piece's signature.
    #[error("meet `{name}`: piece `{piece}` does not have the signature of `{first}`")]
    Signature {
        /// The meet's name.
        name: String,
        /// The first piece.
        first: String,
        /// The mismatching piece.
        piece: String,
    },
}

/// The meet of sound pieces of one signature, in order, as a catalog operator.
pub struct MeetOperator {
    name: String,
    summary: String,
    pieces: Vec<Arc<dyn Operator>>,
}

impl MeetOperator {
    /// The meet of `pieces` (first piece first), named `name`.
    pub fn new(name: &str, pieces: Vec<Arc<dyn Operator>>) -> Result<MeetOperator, MeetError> {
        let Some(first) = pieces.first() else {
            return Err(MeetError::Empty(name.to_string()));
        };
        if let Some(p) = pieces
            .iter()
            .find(|p| p.args() != first.args() || p.result() != first.result())
        {
            return Err(MeetError::Signature {
                name: name.to_string(),
                first: first.name().to_string(),
                piece: p.name().to_string(),
            });
        }
        let names: Vec<&str> = pieces.iter().map(|p| p.name()).collect();
        Ok(MeetOperator {
            name: name.to_string(),
            summary: format!("meet of sound pieces: {}", names.join(" ∧ ")),
            pieces,
        })
    }

    /// The pieces, in meet order.
    pub fn pieces(&self) -> &[Arc<dyn Operator>] {
        &self.pieces
    }
}

/// Fold evaluations with [`meet_abs`]: the first piece's concrete result, the conjunction of
/// the preconditions and of the extra obligations.
fn meet_evals<W: Word>(mut evals: impl Iterator<Item = Eval<W>>) -> Option<Eval<W>> {
    let first = evals.next()?;
    Some(evals.fold(first, |acc, e| Eval {
        result: meet_abs(&acc.result, &e.result),
        concrete: acc.concrete,
        pre: acc.pre.and(&e.pre),
        post: acc.post.and(&e.post),
    }))
}

impl Operator for MeetOperator {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        self.pieces[0].args()
    }
    fn result(&self) -> Kind {
        self.pieces[0].result()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.pieces.iter().all(|p| p.supports_width(width))
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv> {
        // `new` refuses an empty list, so the fold has a first element.
        meet_evals(self.pieces.iter().map(|p| p.eval_bv(width, args, members)))
            .unwrap_or_else(|| unreachable_eval(width, args, members))
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word> {
        meet_evals(self.pieces.iter().map(|p| p.eval_z3(width, args, members)))
            .unwrap_or_else(|| unreachable_eval(width, args, members))
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced> {
        meet_evals(
            self.pieces
                .iter()
                .map(|p| p.eval_traced(width, args, members)),
        )
        .unwrap_or_else(|| unreachable_eval(width, args, members))
    }
}

/// The evaluation of a meet of no pieces, which [`MeetOperator::new`] never builds: the first
/// argument, returned unchanged (sound for nothing, so no caller relies on it).
fn unreachable_eval<W: Word>(_width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
    Eval::plain(args[0].clone(), members[0].clone())
}

/// The meet step as a checkable operator: arguments `a`, `b` of one kind, members `x ∈ γ(a)`,
/// `y ∈ γ(b)` under the precondition `x = y`, result `meet_abs(a, b)`, concrete result `x`.
/// Its soundness is "a word in two well-formed values is in their guarded meet, which is
/// well-formed": the induction step that makes any meet of sound pieces sound.
pub struct MeetLemma {
    kind: Kind,
    name: String,
}

impl MeetLemma {
    /// The lemma on values of `kind` (tnums, unsigned or signed intervals).
    pub fn new(kind: Kind) -> Self {
        MeetLemma {
            kind,
            name: format!("meet.lemma.{}", kind_name(kind)),
        }
    }
}

/// `tnum`, `uint`, `sint` (or `other`).
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Tnum => "tnum",
        Kind::UInt => "uint",
        Kind::SInt => "sint",
        _ => "other",
    }
}

impl GenericOperator for MeetLemma {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "a word in two values is in their guarded meet"
    }
    fn args(&self) -> Vec<Kind> {
        vec![self.kind, self.kind]
    }
    fn result(&self) -> Kind {
        self.kind
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        Eval::plain(meet_abs(&args[0], &args[1]), members[0].clone())
            .with_pre(members[0].eq(&members[1]))
    }
}

/// The first argument unchanged, on two values of one kind: compared with [`MeetLemma`] by
/// `precision::prove::at_least_as_precise`, it states that the guarded meet is never less
/// precise than its first argument.
pub struct BelowFirst {
    kind: Kind,
    name: String,
}

impl BelowFirst {
    /// The projection on values of `kind`.
    pub fn new(kind: Kind) -> Self {
        BelowFirst {
            kind,
            name: format!("meet.first.{}", kind_name(kind)),
        }
    }
}

impl GenericOperator for BelowFirst {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the first of two values"
    }
    fn args(&self) -> Vec<Kind> {
        vec![self.kind, self.kind]
    }
    fn result(&self) -> Kind {
        self.kind
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        Eval::plain(args[0].clone(), members[0].clone())
    }
}

/// The kernel's "unknown" for an operation it does not track (division, remainder): the top
/// element, with the concrete operation of `like`. The comparison point of targets whose
/// kernel result is top; trivially sound.
pub struct TopOperator {
    name: String,
    like: Arc<dyn Operator>,
}

impl TopOperator {
    /// Top, with the signature and concrete operation of `like`, named `name`.
    pub fn new(name: &str, like: Arc<dyn Operator>) -> Self {
        TopOperator {
            name: name.to_string(),
            like,
        }
    }
}

impl Operator for TopOperator {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the kernel's result: unknown"
    }
    fn args(&self) -> Vec<Kind> {
        self.like.args()
    }
    fn result(&self) -> Kind {
        self.like.result()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.like.supports_width(width)
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv> {
        to_top(self.like.eval_bv(width, args, members), self.result())
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word> {
        to_top(self.like.eval_z3(width, args, members), self.result())
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced> {
        to_top(self.like.eval_traced(width, args, members), self.result())
    }
}

fn to_top<W: Word>(mut e: Eval<W>, kind: Kind) -> Eval<W> {
    if let Some(top) = top_abs(kind, &e.concrete) {
        e.result = top;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify;

    #[test]
    fn the_meet_lemma_holds_exhaustively_at_4_bits_and_its_guard_matters() {
        for kind in [Kind::Tnum, Kind::UInt, Kind::SInt] {
            let v = verify::exhaustive(&MeetLemma::new(kind), 4);
            assert!(v.is_valid(), "{kind:?}: {}", v.label());
        }
        // Disjoint tnums: the guard keeps the first.
        let a = Abs::Tnum(Tnum::<Bv>::from_parts(4, 0b0001, 0).unwrap());
        let b = Abs::Tnum(Tnum::<Bv>::from_parts(4, 0b0010, 0).unwrap());
        assert_eq!(format!("{}", meet_abs(&a, &b)), format!("{a}"));
        let c = Abs::Tnum(Tnum::<Bv>::from_parts(4, 0b0000, 0b0011).unwrap());
        assert_eq!(format!("{}", meet_abs(&c, &a)), format!("{a}"));
    }
}
