//! The operators precision measurements run: binary operators of the [`catalog`](crate::catalog)
//! whose two arguments and result are of one domain (tnums, unsigned or signed intervals).
//!
//! A [`BinaryOp`] wraps a catalog entry and checks its shape once, so the grids can call it
//! with typed elements. Names are the catalog's (`tnum.mul`, `tnum.mul.v5_13`,
//! `tnum.mul.pre_v5_13`, `uint.add`, `sint.mul`, the `mutant.*` and `hist.*` entries …): one
//! table of operators, used by the checker and by the precision measurements alike.

use crate::catalog::{Abs, Catalog, Kind, Operator};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{GridDomain, PrecisionError};

/// The abstract domain a binary operator works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    /// Tristate numbers ([`Tnum`]).
    Tnum,
    /// Unsigned intervals ([`UInterval`]).
    UInt,
    /// Signed intervals ([`SInterval`]).
    SInt,
}

impl Domain {
    fn of(kind: Kind) -> Option<Domain> {
        match kind {
            Kind::Tnum => Some(Domain::Tnum),
            Kind::UInt => Some(Domain::UInt),
            Kind::SInt => Some(Domain::SInt),
            Kind::Scalar | Kind::Word(_) => None,
        }
    }
}

/// An element type of a domain, as the catalog carries it.
pub trait Carrier: GridDomain {
    /// The domain.
    const DOMAIN: Domain;
    /// As a catalog value.
    fn to_abs(&self) -> Abs<Bv>;
    /// From a catalog value of this domain's kind (panics on another kind: a catalog entry
    /// whose result contradicts its declared kind).
    fn from_abs(abs: Abs<Bv>) -> Self;
}

impl Carrier for Tnum<Bv> {
    const DOMAIN: Domain = Domain::Tnum;
    fn to_abs(&self) -> Abs<Bv> {
        Abs::Tnum(*self)
    }
    fn from_abs(abs: Abs<Bv>) -> Self {
        *abs.tnum()
    }
}

impl Carrier for UInterval<Bv> {
    const DOMAIN: Domain = Domain::UInt;
    fn to_abs(&self) -> Abs<Bv> {
        Abs::UInt(*self)
    }
    fn from_abs(abs: Abs<Bv>) -> Self {
        *abs.uint()
    }
}

impl Carrier for SInterval<Bv> {
    const DOMAIN: Domain = Domain::SInt;
    fn to_abs(&self) -> Abs<Bv> {
        Abs::SInt(*self)
    }
    fn from_abs(abs: Abs<Bv>) -> Self {
        *abs.sint()
    }
}

/// A catalog operator of shape `(D, D) → D` for one domain `D`.
#[derive(Clone)]
pub struct BinaryOp {
    op: Arc<dyn Operator>,
    domain: Domain,
}

impl std::fmt::Debug for BinaryOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BinaryOp({})", self.op.name())
    }
}

impl BinaryOp {
    /// The catalog operator named `name` (reference, historical and mutant entries).
    pub fn by_name(name: &str) -> Result<BinaryOp, PrecisionError> {
        let catalog = Catalog::all();
        match catalog.get(name) {
            Some(op) => BinaryOp::new(op.clone()),
            None => Err(PrecisionError::UnknownOperator(
                name.to_string(),
                BinaryOp::names().join(", "),
            )),
        }
    }

    /// Wrap a catalog operator, if it takes two arguments of one domain and returns that domain.
    pub fn new(op: Arc<dyn Operator>) -> Result<BinaryOp, PrecisionError> {
        let args = op.args();
        let domain = Domain::of(op.result());
        match (domain, args.as_slice()) {
            (Some(domain), [a, b]) if Domain::of(*a) == Some(domain) && a == b => {
                Ok(BinaryOp { op, domain })
            }
            _ => Err(PrecisionError::NotBinary(op.name().to_string())),
        }
    }

    /// The names of every catalog operator a precision measurement can run, in catalog order.
    pub fn names() -> Vec<String> {
        Catalog::all()
            .iter()
            .filter_map(|op| BinaryOp::new(op.clone()).ok())
            .map(|op| op.name().to_string())
            .collect()
    }

    /// The catalog name.
    pub fn name(&self) -> &str {
        self.op.name()
    }

    /// The domain.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// The catalog entry.
    pub fn operator(&self) -> &Arc<dyn Operator> {
        &self.op
    }

    /// Can it run at `width` bits?
    pub fn check_width(&self, width: u32) -> Result<(), PrecisionError> {
        if self.op.supports_width(width) {
            Ok(())
        } else {
            Err(PrecisionError::UnsupportedWidth(
                self.name().to_string(),
                width,
            ))
        }
    }

    /// The abstract operator on `width`-bit elements of `D` (which must be its domain).
    pub fn abstract_fn<D: Carrier>(&self, width: u32) -> impl Fn(&D, &D) -> D + Sync + '_ {
        debug_assert_eq!(D::DOMAIN, self.domain);
        move |a: &D, b: &D| {
            let members = [
                Bv::new(width, a.any_member()),
                Bv::new(width, b.any_member()),
            ];
            D::from_abs(
                self.op
                    .eval_bv(width, &[a.to_abs(), b.to_abs()], &members)
                    .result,
            )
        }
    }

    /// The concrete operation on `width`-bit patterns, evaluated through the catalog entry with
    /// the two values as single-valued elements of `D`. If the entry's precondition fails on a
    /// pair (the operation is then not defined there), `undefined` is set.
    pub fn concrete_fn<'a, D: Carrier>(
        &'a self,
        width: u32,
        undefined: &'a AtomicBool,
    ) -> impl Fn(u64, u64) -> u64 + Sync + 'a {
        move |x: u64, y: u64| {
            let (x, y) = (Bv::new(width, x), Bv::new(width, y));
            let single = |v: Bv| D::finish(width, &D::point(width, v.get())).to_abs();
            let eval = self.op.eval_bv(width, &[single(x), single(y)], &[x, y]);
            if !eval.pre {
                undefined.store(true, Ordering::Relaxed);
            }
            eval.concrete.get()
        }
    }
}
