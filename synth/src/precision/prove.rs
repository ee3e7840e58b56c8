//! Proofs with z3 that one operator is at least as precise as another on every input.
//!
//! At a given width, for operators `A` and `B` of one domain, the claim is
//!
//! ```text
//! ∀ well-formed a, b:  γ(A(a, b)) ⊆ γ(B(a, b))
//! ```
//!
//! stated with the domain's own inclusion test (`B(a, b).includes(A(a, b))`, as a `W::Bool`) on
//! the catalog entries evaluated over [`Z3Word`]s — the same code that runs concretely, so there
//! is no second encoding. z3 looks for well-formed inputs violating the claim: none (unsat) is a
//! proof; a model is replayed on concrete words before it is reported as a counterexample; a
//! timeout or an unconfirmed model is `Unknown`, never folded into either of the others.

use super::operators::{BinaryOp, Domain};
use super::report::Example;
use super::PrecisionError;
use crate::catalog::Abs;
use crate::smt::{Z3Bool, Z3Word};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Bv, Word};
use std::fmt;
use std::time::Duration;
use z3::{Params, SatResult, Solver};

/// The outcome of a precision proof.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// `A` is at least as precise as `B` on every input at the width.
    Valid,
    /// Inputs where `γ(A(a, b)) ⊄ γ(B(a, b))` (confirmed on concrete words): `result` is A's,
    /// `reference` is B's.
    Counterexample(Box<Example<Abs<Bv>>>),
    /// Neither could be established: the reason (timeout, z3's reason, unconfirmed model).
    Unknown(String),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Valid => write!(f, "valid"),
            Verdict::Counterexample(ex) => write!(f, "counterexample: {ex}"),
            Verdict::Unknown(reason) => write!(f, "unknown: {reason}"),
        }
    }
}

/// A fresh symbolic element of `domain` and its well-formedness.
fn fresh(domain: Domain, width: u32, name: &str) -> (Abs<Z3Word>, Z3Bool) {
    let x = Z3Word::fresh(&format!("{name}_0"), width);
    let y = Z3Word::fresh(&format!("{name}_1"), width);
    let abs = match domain {
        Domain::Tnum => Abs::Tnum(Tnum::new(x, y)),
        Domain::UInt => Abs::UInt(UInterval::from_bounds(x, y)),
        Domain::SInt => Abs::SInt(SInterval::from_bounds(x, y)),
    };
    let wf = abs.well_formed();
    (abs, wf)
}

/// γ(inner) ⊆ γ(outer), for two elements of one domain.
fn includes<W: Word>(outer: &Abs<W>, inner: &Abs<W>) -> W::Bool {
    match (outer, inner) {
        (Abs::Tnum(o), Abs::Tnum(i)) => o.includes(i),
        (Abs::UInt(o), Abs::UInt(i)) => o.includes(i),
        (Abs::SInt(o), Abs::SInt(i)) => o.includes(i),
        (o, i) => panic!("inclusion between {o:?} and {i:?}: operators of different domains"),
    }
}

/// The two fields of a symbolic element, in the order [`fresh`] made them.
fn fields(abs: &Abs<Z3Word>) -> [&Z3Word; 2] {
    match abs {
        Abs::Tnum(t) => [&t.value, &t.mask],
        Abs::UInt(i) => [&i.lo, &i.hi],
        Abs::SInt(i) => [&i.lo, &i.hi],
        other => panic!("not an element of a binary operator's domain: {other:?}"),
    }
}

/// The concrete element the model gives to a symbolic one.
fn read_back(abs: &Abs<Z3Word>, width: u32, model: &z3::Model) -> Option<Abs<Bv>> {
    let [x, y] = fields(abs).map(|w| w.eval(model).map(|v| Bv::new(width, v)));
    let (x, y) = (x?, y?);
    Some(match abs {
        Abs::Tnum(_) => Abs::Tnum(Tnum::new(x, y)),
        Abs::UInt(_) => Abs::UInt(UInterval::from_bounds(x, y)),
        _ => Abs::SInt(SInterval::from_bounds(x, y)),
    })
}

/// Is `a` at least as precise as `b` on every pair of well-formed `width`-bit inputs?
///
/// Errors when the operators are of different domains or do not run at `width`.
pub fn at_least_as_precise(
    a: &BinaryOp,
    b: &BinaryOp,
    width: u32,
    timeout: Duration,
) -> Result<Verdict, PrecisionError> {
    if a.domain() != b.domain() {
        return Err(PrecisionError::DomainMismatch(
            a.name().to_string(),
            b.name().to_string(),
        ));
    }
    if !(1..=64).contains(&width) {
        return Err(PrecisionError::Width(width));
    }
    a.check_width(width)?;
    b.check_width(width)?;
    let (x, x_wf) = fresh(a.domain(), width, "a");
    let (y, y_wf) = fresh(a.domain(), width, "b");
    // The operators' results do not depend on the members; any words will do.
    let members = [Z3Word::fresh("x", width), Z3Word::fresh("y", width)];
    let args = [x.clone(), y.clone()];
    let ra = a.operator().eval_z3(width, &args, &members).result;
    let rb = b.operator().eval_z3(width, &args, &members).result;
    let claim = includes(&rb, &ra);

    let solver = Solver::new();
    let mut params = Params::new();
    params.set_u32(
        "timeout",
        u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX),
    );
    solver.set_params(&params);
    solver.assert(&x_wf.and(&y_wf).0);
    solver.assert(&claim.not().0);
    Ok(match solver.check() {
        SatResult::Unsat => Verdict::Valid,
        SatResult::Unknown => Verdict::Unknown(
            solver
                .get_reason_unknown()
                .unwrap_or_else(|| "z3 gave no reason".into()),
        ),
        SatResult::Sat => {
            let read = solver.get_model().and_then(|model| {
                Some((read_back(&x, width, &model)?, read_back(&y, width, &model)?))
            });
            match read {
                None => Verdict::Unknown("sat, but the model could not be read back".into()),
                Some((xa, ya)) => replay(a, b, width, xa, ya),
            }
        }
    })
}

/// Confirm a model on concrete words.
fn replay(a: &BinaryOp, b: &BinaryOp, width: u32, x: Abs<Bv>, y: Abs<Bv>) -> Verdict {
    let any = |v: &Abs<Bv>| match v {
        Abs::Tnum(t) => t.value,
        Abs::UInt(i) => i.lo,
        Abs::SInt(i) => i.lo,
        _ => Bv::new(width, 0),
    };
    let members = [any(&x), any(&y)];
    let args = [x.clone(), y.clone()];
    let ra = a.operator().eval_bv(width, &args, &members).result;
    let rb = b.operator().eval_bv(width, &args, &members).result;
    let confirmed = x.well_formed() && y.well_formed() && !includes(&rb, &ra);
    if confirmed {
        Verdict::Counterexample(Box::new(Example {
            a: x,
            b: y,
            result: ra,
            reference: rb,
        }))
    } else {
        Verdict::Unknown("z3's model is not confirmed on concrete words (encoding mismatch)".into())
    }
}
