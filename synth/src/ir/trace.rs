//! Tracing: a [`Word`] whose operations record IR nodes, so that running absint's generic code
//! on it *produces* the operator's IR.
//!
//! A [`Traced`] word is a node of a shared [`Builder`] (behind an `Rc<RefCell<_>>`, held by a
//! [`Tracer`]); every `Word` method appends (or finds, by hash-consing) the node of its operation.
//! `W::ite` becomes an `ite` node, comparisons become `bool` nodes, and the provided methods that
//! have an IR operation of their own (`clz`, min/max, the overflow predicates, `bvneg`,
//! `bvule` …) record that operation instead of their expansion, which keeps the IR readable.
//! Loops with a fixed trip count are unrolled by the tracing itself; constants fold as they go.
//!
//! ```
//! use absint::domain::Tnum;
//! use synth::ir::{Domain, Tracer};
//! let t = Tracer::new();
//! let a = Tnum::new(t.input("a.value", 8), t.input("a.mask", 8));
//! let b = Tnum::new(t.input("b.value", 8), t.input("b.mask", 8));
//! let sum = a.add(&b);
//! let op = t.finish_tnum("tnum.add", &[sum]).unwrap();
//! assert_eq!(op.domain(), Domain::Tnum);
//! assert_eq!(op.inputs().len(), 4);
//! ```
//!
//! Tracing code with a width mismatch panics, as [`Word`] specifies for every implementation.

use crate::ir::graph::{Builder, Domain, IrError, NodeId, Operator};
use crate::ir::op::{BinaryOp, CompareOp, LogicOp, Op, UnaryOp};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::{Scalar, Tnum};
use absint::word::{Bit, Word};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// The shared graph that traced words append to.
#[derive(Clone, Default)]
pub struct Tracer(Rc<RefCell<Builder>>);

/// A bit-vector recorded as an IR node.
#[derive(Clone)]
pub struct Traced {
    tracer: Tracer,
    id: NodeId,
    width: u32,
}

/// A condition recorded as an IR node.
#[derive(Clone)]
pub struct TracedBool {
    tracer: Tracer,
    id: NodeId,
}

impl fmt::Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tracer({} nodes)", self.0.borrow().len())
    }
}

impl fmt::Debug for Traced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}:bv{}", self.id, self.width)
    }
}

impl fmt::Debug for TracedBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}:bool", self.id)
    }
}

impl Tracer {
    /// A tracer with an empty graph.
    pub fn new() -> Tracer {
        Tracer::default()
    }

    /// Record `op(args)`. Sort errors are bugs in the traced code (mixed widths), which
    /// [`Word`] specifies as panics.
    fn record(&self, op: Op, args: &[NodeId]) -> NodeId {
        match self.0.borrow_mut().node(op, args) {
            Ok(id) => id,
            Err(e) => panic!("traced code built an ill-sorted node: {e}"),
        }
    }

    fn word(&self, op: Op, args: &[NodeId]) -> Traced {
        let id = self.record(op, args);
        let width = match self.0.borrow().sort(id) {
            crate::ir::Sort::Bv(w) => w,
            crate::ir::Sort::Bool => panic!("traced word of sort bool"),
        };
        Traced {
            tracer: self.clone(),
            id,
            width,
        }
    }

    fn cond(&self, op: Op, args: &[NodeId]) -> TracedBool {
        TracedBool {
            tracer: self.clone(),
            id: self.record(op, args),
        }
    }

    /// Declare an input field of `width` bits and return it as a word.
    ///
    /// Panics if the name is declared twice or the width is outside 1..=64 (a bug in the
    /// tracing code, not input).
    pub fn input(&self, name: &str, width: u32) -> Traced {
        let id = match self.0.borrow_mut().input(name, width) {
            Ok(id) => id,
            Err(e) => panic!("{e}"),
        };
        Traced {
            tracer: self.clone(),
            id,
            width,
        }
    }

    /// A constant word (for code that needs one before it has any input).
    pub fn constant(&self, width: u32, value: u64) -> Traced {
        self.word(Op::Const { width, value }, &[])
    }

    /// Number of nodes recorded so far (before dead nodes are dropped).
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Has nothing been recorded?
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The operator whose candidate results are `candidates` (each one word per output field).
    pub fn finish(
        &self,
        name: &str,
        domain: Domain,
        outputs: &[&str],
        candidates: &[Vec<Traced>],
    ) -> Result<Operator, IrError> {
        let builder = self.0.borrow().clone();
        let roots = candidates
            .iter()
            .map(|c| c.iter().map(|w| w.id).collect())
            .collect();
        builder.finish(
            name,
            domain,
            outputs.iter().map(|s| s.to_string()).collect(),
            roots,
        )
    }

    /// [`Tracer::finish`] for tnum results (several are met).
    pub fn finish_tnum(&self, name: &str, results: &[Tnum<Traced>]) -> Result<Operator, IrError> {
        let c: Vec<Vec<Traced>> = results
            .iter()
            .map(|t| vec![t.value.clone(), t.mask.clone()])
            .collect();
        self.finish(name, Domain::Tnum, &["value", "mask"], &c)
    }

    /// [`Tracer::finish`] for unsigned-interval results.
    pub fn finish_uinterval(
        &self,
        name: &str,
        results: &[UInterval<Traced>],
    ) -> Result<Operator, IrError> {
        let c: Vec<Vec<Traced>> = results
            .iter()
            .map(|i| vec![i.lo.clone(), i.hi.clone()])
            .collect();
        self.finish(name, Domain::UInterval, &["lo", "hi"], &c)
    }

    /// [`Tracer::finish`] for signed-interval results.
    pub fn finish_sinterval(
        &self,
        name: &str,
        results: &[SInterval<Traced>],
    ) -> Result<Operator, IrError> {
        let c: Vec<Vec<Traced>> = results
            .iter()
            .map(|i| vec![i.lo.clone(), i.hi.clone()])
            .collect();
        self.finish(name, Domain::SInterval, &["lo", "hi"], &c)
    }

    /// [`Tracer::finish`] for scalar register states.
    pub fn finish_scalar(
        &self,
        name: &str,
        results: &[Scalar<Traced>],
    ) -> Result<Operator, IrError> {
        let fields: Vec<&str> = crate::ir::graph::SCALAR_FIELDS
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let c: Vec<Vec<Traced>> = results.iter().map(scalar_fields).collect();
        self.finish(name, Domain::Scalar, &fields, &c)
    }

    /// A tnum input `prefix.value`, `prefix.mask` of `width` bits.
    pub fn tnum_input(&self, prefix: &str, width: u32) -> Tnum<Traced> {
        Tnum::new(
            self.input(&format!("{prefix}.value"), width),
            self.input(&format!("{prefix}.mask"), width),
        )
    }

    /// An unsigned-interval input `prefix.lo`, `prefix.hi`.
    pub fn uinterval_input(&self, prefix: &str, width: u32) -> UInterval<Traced> {
        UInterval::from_bounds(
            self.input(&format!("{prefix}.lo"), width),
            self.input(&format!("{prefix}.hi"), width),
        )
    }

    /// A signed-interval input `prefix.lo`, `prefix.hi`.
    pub fn sinterval_input(&self, prefix: &str, width: u32) -> SInterval<Traced> {
        SInterval::from_bounds(
            self.input(&format!("{prefix}.lo"), width),
            self.input(&format!("{prefix}.hi"), width),
        )
    }

    /// A scalar register state input: the ten fields of [`crate::ir::graph::SCALAR_FIELDS`],
    /// each prefixed with `prefix.`.
    pub fn scalar_input(&self, prefix: &str) -> Scalar<Traced> {
        let f = |name: &str, w: u32| self.input(&format!("{prefix}.{name}"), w);
        Scalar {
            var_off: Tnum::new(f("var_off.value", 64), f("var_off.mask", 64)),
            smin: f("smin", 64),
            smax: f("smax", 64),
            umin: f("umin", 64),
            umax: f("umax", 64),
            s32_min: f("s32_min", 32),
            s32_max: f("s32_max", 32),
            u32_min: f("u32_min", 32),
            u32_max: f("u32_max", 32),
        }
    }
}

/// A scalar state's fields in the order of [`crate::ir::graph::SCALAR_FIELDS`].
pub fn scalar_fields<W: Word>(s: &Scalar<W>) -> Vec<W> {
    vec![
        s.var_off.value.clone(),
        s.var_off.mask.clone(),
        s.smin.clone(),
        s.smax.clone(),
        s.umin.clone(),
        s.umax.clone(),
        s.s32_min.clone(),
        s.s32_max.clone(),
        s.u32_min.clone(),
        s.u32_max.clone(),
    ]
}

impl Traced {
    /// The node this word is.
    pub fn node(&self) -> NodeId {
        self.id
    }
    fn bin(&self, op: BinaryOp, rhs: &Traced) -> Traced {
        self.tracer.word(Op::Binary(op), &[self.id, rhs.id])
    }
    fn cmp(&self, op: CompareOp, rhs: &Traced) -> TracedBool {
        self.tracer.cond(Op::Compare(op), &[self.id, rhs.id])
    }
    fn un(&self, op: UnaryOp) -> Traced {
        self.tracer.word(Op::Unary(op), &[self.id])
    }
}

impl TracedBool {
    /// The node this condition is.
    pub fn node(&self) -> NodeId {
        self.id
    }
}

impl Bit for TracedBool {
    fn and(&self, other: &Self) -> Self {
        self.tracer
            .cond(Op::Logic(LogicOp::And), &[self.id, other.id])
    }
    fn or(&self, other: &Self) -> Self {
        self.tracer
            .cond(Op::Logic(LogicOp::Or), &[self.id, other.id])
    }
    fn not(&self) -> Self {
        self.tracer.cond(Op::Not, &[self.id])
    }
}

impl Word for Traced {
    type Bool = TracedBool;

    fn width(&self) -> u32 {
        self.width
    }
    fn constant(&self, width: u32, value: u64) -> Self {
        self.tracer.constant(width, value)
    }
    fn bool_const(&self, value: bool) -> TracedBool {
        self.tracer.cond(Op::Bool(value), &[])
    }
    fn bvadd(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Add, rhs)
    }
    fn bvsub(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Sub, rhs)
    }
    fn bvmul(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Mul, rhs)
    }
    fn bvudiv(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Udiv, rhs)
    }
    fn bvurem(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Urem, rhs)
    }
    fn bvsdiv(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Sdiv, rhs)
    }
    fn bvsrem(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Srem, rhs)
    }
    fn bvand(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::And, rhs)
    }
    fn bvor(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Or, rhs)
    }
    fn bvxor(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Xor, rhs)
    }
    fn bvnot(&self) -> Self {
        self.un(UnaryOp::Not)
    }
    fn bvshl(&self, amount: &Self) -> Self {
        self.bin(BinaryOp::Shl, amount)
    }
    fn bvlshr(&self, amount: &Self) -> Self {
        self.bin(BinaryOp::Lshr, amount)
    }
    fn bvashr(&self, amount: &Self) -> Self {
        self.bin(BinaryOp::Ashr, amount)
    }
    fn eq(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Eq, rhs)
    }
    fn bvult(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Ult, rhs)
    }
    fn bvslt(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Slt, rhs)
    }
    fn ite(cond: &TracedBool, then: &Self, otherwise: &Self) -> Self {
        then.tracer.word(Op::Ite, &[cond.id, then.id, otherwise.id])
    }
    fn extract(&self, hi: u32, lo: u32) -> Self {
        self.tracer.word(Op::Extract { hi, lo }, &[self.id])
    }
    fn zext(&self, width: u32) -> Self {
        self.tracer.word(Op::Zext(width), &[self.id])
    }
    fn sext(&self, width: u32) -> Self {
        self.tracer.word(Op::Sext(width), &[self.id])
    }
    fn concat(&self, low: &Self) -> Self {
        self.tracer.word(Op::Concat, &[self.id, low.id])
    }

    // Provided methods that are IR operations of their own.
    fn bvneg(&self) -> Self {
        self.un(UnaryOp::Neg)
    }
    fn clz(&self) -> Self {
        self.un(UnaryOp::Clz)
    }
    fn bvule(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Ule, rhs)
    }
    fn bvugt(&self, rhs: &Self) -> TracedBool {
        rhs.cmp(CompareOp::Ult, self)
    }
    fn bvuge(&self, rhs: &Self) -> TracedBool {
        rhs.cmp(CompareOp::Ule, self)
    }
    fn bvsle(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Sle, rhs)
    }
    fn bvsgt(&self, rhs: &Self) -> TracedBool {
        rhs.cmp(CompareOp::Slt, self)
    }
    fn bvsge(&self, rhs: &Self) -> TracedBool {
        rhs.cmp(CompareOp::Sle, self)
    }
    fn umin(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Umin, rhs)
    }
    fn umax(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Umax, rhs)
    }
    fn smin(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Smin, rhs)
    }
    fn smax(&self, rhs: &Self) -> Self {
        self.bin(BinaryOp::Smax, rhs)
    }
    fn uadd_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Uaddo, rhs)
    }
    fn usub_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Usubo, rhs)
    }
    fn umul_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Umulo, rhs)
    }
    fn sadd_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Saddo, rhs)
    }
    fn ssub_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Ssubo, rhs)
    }
    fn smul_overflows(&self, rhs: &Self) -> TracedBool {
        self.cmp(CompareOp::Smulo, rhs)
    }
}
