//! A synthesized operator: its output fields as terms, lowered to IR, and as a catalog entry.
//!
//! A [`Candidate`] holds one [`Term`] per output field of its target's domain (for tnums the
//! value field is `f & ~mask` by construction, so results are always well-formed). It lowers
//! to an [`ir::Operator`] at any width, and [`CandidateEntry`] wraps that IR as a catalog
//! operator ([`GenericOperator`]), so that [`crate::verify`] proves it exactly as it proves the
//! kernel's operators: the IR evaluated on z3 words against the target's concrete operation.

use super::grammar::Term;
use super::targets::{Arity, Target, TargetDomain};
use crate::catalog::{Abs, Eval, GenericOperator, Kind, WordWidth};
use crate::ir::{self, Builder, IrError};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::sync::Arc;

/// A candidate operator: one term per output field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The output fields, in the domain's order (`value, mask` or `lo, hi`).
    pub fields: [Arc<Term>; 2],
}

impl Candidate {
    /// The output fields on `inputs` at `width` bits.
    pub fn eval(&self, inputs: &[u64], width: u32) -> [u64; 2] {
        [
            self.fields[0].eval(inputs, width),
            self.fields[1].eval(inputs, width),
        ]
    }

    /// Total operations.
    pub fn size(&self) -> u32 {
        self.fields[0].size() + self.fields[1].size()
    }

    /// The IR at `width` bits, named `name`.
    pub fn operator(
        &self,
        target: &Target,
        name: &str,
        width: u32,
    ) -> Result<ir::Operator, IrError> {
        let mut b = Builder::new();
        let inputs = target
            .inputs()
            .iter()
            .map(|n| b.input(n, width))
            .collect::<Result<Vec<_>, _>>()?;
        let f0 = self.fields[0].lower(&mut b, &inputs, width)?;
        let f1 = self.fields[1].lower(&mut b, &inputs, width)?;
        let outputs = target
            .domain
            .fields()
            .iter()
            .map(|s| s.to_string())
            .collect();
        b.finish(name, target.domain.ir(), outputs, vec![vec![f0, f1]])
    }
}

/// A candidate as a catalog operator, evaluated through its IR at each width.
pub struct CandidateEntry {
    name: String,
    summary: String,
    target: Target,
    /// The IR at each supported width.
    ops: Vec<(u32, ir::Operator)>,
}

impl CandidateEntry {
    /// The entry for `candidate` at the given widths.
    pub fn new(
        target: &Target,
        candidate: &Candidate,
        name: &str,
        widths: &[u32],
    ) -> Result<CandidateEntry, IrError> {
        let ops = widths
            .iter()
            .map(|&w| Ok((w, candidate.operator(target, name, w)?)))
            .collect::<Result<Vec<_>, IrError>>()?;
        Ok(CandidateEntry {
            name: name.to_string(),
            summary: format!("synthesized {}", target.name()),
            target: target.clone(),
            ops,
        })
    }

    fn kind(&self) -> Kind {
        match self.target.domain {
            TargetDomain::Tnum => Kind::Tnum,
            TargetDomain::UInt => Kind::UInt,
            TargetDomain::SInt => Kind::SInt,
        }
    }
}

/// The two fields of an abstract value.
fn fields_of<W: Word>(a: &Abs<W>) -> [W; 2] {
    match a {
        Abs::Tnum(t) => [t.value.clone(), t.mask.clone()],
        Abs::UInt(i) => [i.lo.clone(), i.hi.clone()],
        Abs::SInt(i) => [i.lo.clone(), i.hi.clone()],
        Abs::Word(w) => [w.clone(), w.clone()],
        Abs::Scalar { state, .. } => [state.var_off.value.clone(), state.var_off.mask.clone()],
    }
}

/// The two fields of a concrete abstract value (`value, mask` or `lo, hi`).
pub fn abs_fields(a: &Abs<absint::word::Bv>) -> [u64; 2] {
    let [x, y] = fields_of(a);
    [x.get(), y.get()]
}

impl GenericOperator for CandidateEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        &self.summary
    }
    fn args(&self) -> Vec<Kind> {
        let k = self.kind();
        match self.target.arity {
            Arity::Binary => vec![k, k],
            Arity::Unary => vec![k],
            Arity::Shift => vec![k, Kind::Word(WordWidth::Op)],
        }
    }
    fn result(&self) -> Kind {
        self.kind()
    }
    fn supports_width(&self, width: u32) -> bool {
        self.ops.iter().any(|(w, _)| *w == width)
    }
    fn eval<W: Word>(&self, width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W> {
        let mut inputs: Vec<W> = fields_of(&args[0]).to_vec();
        match self.target.arity {
            Arity::Binary => inputs.extend(fields_of(&args[1])),
            Arity::Unary => {}
            Arity::Shift => inputs.push(args[1].word().clone()),
        }
        let x = &members[0];
        let y = members.get(1).cloned().unwrap_or_else(|| x.zero());
        let concrete = self.target.concrete.word(x, &y);
        // `ops` holds every width `supports_width` admits, and the inputs are built from the
        // target's own signature, so evaluation cannot fail; if it did, the result would be
        // the (unsound) all-zero element and the checker would report it.
        let out = self
            .ops
            .iter()
            .find(|(w, _)| *w == width)
            .and_then(|(_, op)| op.eval(&inputs).ok())
            .unwrap_or_else(|| vec![x.zero(), x.zero()]);
        let (f0, f1) = (out[0].clone(), out[1].clone());
        let result = match self.target.domain {
            TargetDomain::Tnum => Abs::Tnum(Tnum::new(f0, f1)),
            TargetDomain::UInt => Abs::UInt(UInterval::from_bounds(f0, f1)),
            TargetDomain::SInt => Abs::SInt(SInterval::from_bounds(f0, f1)),
        };
        let e = Eval::plain(result, concrete);
        match self.target.arity {
            Arity::Shift => {
                let k = &members[1];
                let pre = k.bvult(&k.lit(u64::from(width)));
                e.with_pre(pre.and(&k.bool_const(true)))
            }
            _ => e,
        }
    }
}
