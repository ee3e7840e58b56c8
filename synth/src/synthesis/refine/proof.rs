//! Compositional soundness proofs of the refinement pieces at wide widths.
//!
//! One z3 query on a whole tnum piece (`tnum_step` twice, then `tnum_range`) or on the
//! kernel's three stages does not finish in a practical budget at 64 bits, so those pieces
//! are proved from lemmas that are each one small query (the same structure as the inductive
//! multiplication proof of [`crate::induction`]):
//!
//! - **bounds then range** (`tnum.refine.exact`, `.clamp`, `.low`, `.high`): the tnum piece is
//!   `t ∩ tnum_range(lo', hi')` where `[lo', hi']` is the same-named `uint.refine` piece's
//!   result. Lemmas: the bounds piece is sound (`x ∈ S ⟹ x ∈ [lo', hi']`, well-formed), the
//!   range meet is sound (`tnum.refine.range`: `x ∈ γ(t) ∧ x ∈ [a, b] ⟹ x ∈ γ(t ∩
//!   tnum_range(a, b))`, well-formed), and the [`Composition`] identity (the tnum piece *is*
//!   that composition, for every well-formed input). Then `x ∈ S` gives `x ∈ [lo', hi']`, and
//!   with `x ∈ γ(t)` the range lemma gives `x` in the result.
//! - **low end, high end** (`uint.refine.exact`): its bounds are the low end of
//!   `uint.refine.low` (`[lo*, hi]`) and the high end of `uint.refine.high` (`[lo, hi*]`)
//!   ([`EndsIdentity`]); both are sound, so a member of `S` lies in `[lo*, hi*]`.
//! - **kernel stages** (`*.refine.kernel`): [`super::pieces::kernel_refine`] is, by its code,
//!   `update ∘ bound_offset ∘ update`. Lemmas: one update stage is sound for both parts
//!   ([`KernelUpdateStage`], tnum and bounds: `x ∈ γ(t) ∩ [lo, hi]` stays in both results, which
//!   are well-formed), and the bound offset is the range meet (`tnum.refine.range`). Chaining
//!   them carries `x` through the three stages.

use super::pieces::{kernel_update, refine, Output, Piece, RefinePiece, TnumRange};
use crate::catalog::{Abs, Eval, GenericOperator, Kind, Operator};
use crate::verify::{self, Verdict};
use absint::word::{Bit, Word};
use std::time::{Duration, Instant};

/// "The tnum piece `piece` is `t ∩ tnum_range` of the same-named bounds piece's result", for
/// every well-formed tnum and interval: result `t` (trivially sound), obligation the equality.
pub struct Composition {
    piece: Piece,
    name: String,
}

impl Composition {
    /// The identity of `piece`.
    pub fn new(piece: Piece) -> Self {
        Composition {
            piece,
            name: format!("tnum.refine.{}.is_range_of_bounds", piece.label()),
        }
    }
}

impl GenericOperator for Composition {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the tnum piece is the range meet of the bounds piece"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::UInt]
    }
    fn result(&self) -> Kind {
        Kind::Tnum
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let (t, i) = (args[0].tnum(), args[1].uint());
        let piece = refine(self.piece, t, i).tnum;
        let bounds = refine(self.piece, t, i).range;
        let composed = refine(Piece::Range, t, &bounds).tnum;
        let post = piece
            .value
            .eq(&composed.value)
            .and(&piece.mask.eq(&composed.mask));
        Eval {
            post,
            ..Eval::plain(Abs::Tnum(t.clone()), members[0].clone())
        }
    }
}

/// One stage of the kernel's refinement (the unsigned half of `__update_reg64_bounds`), as a
/// refinement returning `output`: sound when both of its parts are.
pub struct KernelUpdateStage {
    output: Output,
    name: String,
}

impl KernelUpdateStage {
    /// The stage's `output` part.
    pub fn new(output: Output) -> Self {
        KernelUpdateStage {
            output,
            name: format!("{}.refine.kernel.update_stage", output.domain()),
        }
    }
}

impl GenericOperator for KernelUpdateStage {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "one __update_reg64_bounds stage (unsigned half, single-value case)"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::UInt]
    }
    fn result(&self) -> Kind {
        self.output.kind()
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let r = kernel_update(&TnumRange {
            tnum: args[0].tnum().clone(),
            range: args[1].uint().clone(),
        });
        let result = match self.output {
            Output::Tnum => Abs::Tnum(r.tnum),
            // Only built for the tnum and unsigned outputs (the kernel's signed bounds are one
            // stage, proved as a whole).
            Output::UInt | Output::SInt => Abs::UInt(r.range),
        };
        Eval::plain(result, members[0].clone()).with_pre(members[0].eq(&members[1]))
    }
}

/// "`uint.refine.exact` is `[low's lo, high's hi]`" for every well-formed tnum and interval:
/// result the interval (trivially sound), obligation the equality. With the soundness of
/// `uint.refine.low` and `uint.refine.high` it proves `uint.refine.exact` sound: a member of
/// `S` is in `[lo*, hi]` and in `[lo, hi*]`, so in `[lo*, hi*]`, which is then well-formed.
pub struct EndsIdentity {
    name: String,
}

impl EndsIdentity {
    /// The identity.
    pub fn new() -> Self {
        EndsIdentity {
            name: "uint.refine.exact.is_low_and_high".into(),
        }
    }
}

impl Default for EndsIdentity {
    fn default() -> Self {
        EndsIdentity::new()
    }
}

impl GenericOperator for EndsIdentity {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the exact bounds are the low piece's low end and the high piece's high end"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::UInt]
    }
    fn result(&self) -> Kind {
        Kind::UInt
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let (t, i) = (args[0].tnum(), args[1].uint());
        let exact = refine(Piece::Exact, t, i).range;
        let low = refine(Piece::Low, t, i).range;
        let high = refine(Piece::High, t, i).range;
        let post = exact.lo.eq(&low.lo).and(&exact.hi.eq(&high.hi));
        Eval {
            post,
            ..Eval::plain(Abs::UInt(i.clone()), members[1].clone())
        }
    }
}

/// One lemma of a piece's proof, with its verdict.
pub struct LemmaVerdict {
    /// What it states.
    pub name: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Seconds.
    pub seconds: f64,
}

/// How `op` is proved: `z3` (one query), `bounds then range` or `kernel stages`.
pub fn method(op: &RefinePiece) -> &'static str {
    match (op.output(), op.piece()) {
        (Output::SInt, _) => "z3",
        (_, Piece::Kernel) => "kernel stages (update, range meet)",
        (Output::Tnum, Piece::Exact | Piece::Clamp | Piece::Low | Piece::High) => {
            "bounds then range meet"
        }
        (Output::UInt, Piece::Exact) => "low end, high end",
        _ => "z3",
    }
}

/// The lemmas proving `op` sound at `width` (each a z3 query, [`verify::prove`]); `run` wraps
/// each query (the CLI's interrupt).
pub fn prove_piece(
    op: &RefinePiece,
    width: u32,
    timeout: Duration,
    run: &dyn Fn(&dyn Fn() -> Verdict) -> Verdict,
) -> Vec<LemmaVerdict> {
    let lemma = |o: &dyn Operator| {
        let t = Instant::now();
        let verdict = run(&|| verify::prove(o, width, timeout));
        LemmaVerdict {
            name: o.name().to_string(),
            verdict,
            seconds: t.elapsed().as_secs_f64(),
        }
    };
    let range = RefinePiece::new(Piece::Range, Output::Tnum);
    match (op.output(), op.piece()) {
        (Output::SInt, _) => vec![lemma(op)],
        (_, Piece::Kernel) => vec![
            lemma(&KernelUpdateStage::new(Output::Tnum)),
            lemma(&KernelUpdateStage::new(Output::UInt)),
            lemma(&range),
        ],
        (Output::Tnum, p @ (Piece::Exact | Piece::Clamp | Piece::Low | Piece::High)) => {
            let mut l = prove_piece(&RefinePiece::new(p, Output::UInt), width, timeout, run);
            l.push(lemma(&range));
            l.push(lemma(&Composition::new(p)));
            l
        }
        (Output::UInt, Piece::Exact) => vec![
            lemma(&RefinePiece::new(Piece::Low, Output::UInt)),
            lemma(&RefinePiece::new(Piece::High, Output::UInt)),
            lemma(&EndsIdentity::new()),
        ],
        _ => vec![lemma(op)],
    }
}

/// "The low end of `uint.refine.low` (the high end of `uint.refine.high`) is in `S`" whenever
/// `S ≠ ∅`: result the piece's bounds, obligation the end's membership in the tnum and the
/// interval.
pub struct EndInS {
    piece: Piece,
    name: String,
}

impl EndInS {
    /// The lemma of `piece` (`Piece::Low`: its low end; otherwise `Piece::High`'s high end).
    pub fn new(piece: Piece) -> Self {
        let piece = if piece == Piece::Low {
            Piece::Low
        } else {
            Piece::High
        };
        EndInS {
            piece,
            name: format!("uint.refine.{}.end_in_s", piece.label()),
        }
    }
}

impl GenericOperator for EndInS {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the nearest member of the tnum to the bound is in S"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::UInt]
    }
    fn result(&self) -> Kind {
        Kind::UInt
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let (t, i) = (args[0].tnum(), args[1].uint());
        let r = refine(self.piece, t, i).range;
        let end = if self.piece == Piece::Low {
            &r.lo
        } else {
            &r.hi
        };
        let post = t.contains(end).and(&i.contains(end));
        Eval {
            post,
            ..Eval::plain(Abs::UInt(r.clone()), members[0].clone())
                .with_pre(members[0].eq(&members[1]))
        }
    }
}

/// "Both witnesses of `t ∩ tnum_range(a, b)` (see [`super::lemma`]) lie in `γ(t) ∩ [a, b]`"
/// whenever `a` and `b` are members of `t`: with `[a, b] = [lo*, hi*]` this makes the exact
/// tnum's certificate follow from the exact bounds'.
pub struct RangeWitnesses {
    name: String,
}

impl RangeWitnesses {
    /// The lemma.
    pub fn new() -> Self {
        RangeWitnesses {
            name: "tnum.refine.range.witnesses".into(),
        }
    }
}

impl Default for RangeWitnesses {
    fn default() -> Self {
        RangeWitnesses::new()
    }
}

impl GenericOperator for RangeWitnesses {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "the range meet of two members has both witnesses between them"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::Tnum, Kind::UInt]
    }
    fn result(&self) -> Kind {
        Kind::Tnum
    }
    fn supports_width(&self, width: u32) -> bool {
        (2..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let (t, i) = (args[0].tnum(), args[1].uint());
        let r = refine(Piece::Range, t, i).tnum;
        let [high, low] = super::lemma::witnesses(&r);
        let inside = |w: &W| t.contains(w).and(&i.contains(w));
        let pre = members[0]
            .eq(&members[1])
            .and(&t.contains(&i.lo))
            .and(&t.contains(&i.hi));
        Eval {
            post: inside(&high).and(&inside(&low)),
            ..Eval::plain(Abs::Tnum(r.clone()), members[0].clone()).with_pre(pre)
        }
    }
}

/// The lemmas certifying that `op` is exact (see [`super::lemma::ExactnessCertificate`]) at
/// `width`, for the exact pieces; `None` for other operators (one z3 query then):
/// `uint.refine.exact`: both ends in `S` ([`EndInS`]) and [`EndsIdentity`];
/// `tnum.refine.exact`: those, then [`RangeWitnesses`] and [`Composition`].
pub fn certify_exact(
    op: &RefinePiece,
    width: u32,
    timeout: Duration,
    run: &dyn Fn(&dyn Fn() -> Verdict) -> Verdict,
) -> Option<Vec<LemmaVerdict>> {
    if op.piece() != Piece::Exact || op.output() == Output::SInt {
        return None;
    }
    let lemma = |o: &dyn Operator| {
        let t = Instant::now();
        let verdict = run(&|| verify::prove(o, width, timeout));
        LemmaVerdict {
            name: o.name().to_string(),
            verdict,
            seconds: t.elapsed().as_secs_f64(),
        }
    };
    let mut l = vec![
        lemma(&EndInS::new(Piece::Low)),
        lemma(&EndInS::new(Piece::High)),
        lemma(&EndsIdentity::new()),
    ];
    if op.output() == Output::Tnum {
        l.push(lemma(&RangeWitnesses::new()));
        l.push(lemma(&Composition::new(Piece::Exact)));
    }
    Some(l)
}

/// All valid: valid; otherwise the first counterexample, else the first unknown.
pub fn combine(lemmas: &[LemmaVerdict]) -> Verdict {
    lemmas
        .iter()
        .find(|l| matches!(l.verdict, Verdict::Counterexample(_)))
        .or_else(|| lemmas.iter().find(|l| !l.verdict.is_valid()))
        .map_or(Verdict::Valid, |l| l.verdict.clone())
}
