//! The operator IR: abstract operators as data, evaluated by absint's own [`Word`] semantics.
//!
//! An [`Operator`] is a small typed program: named bit-vector inputs (the fields of its abstract
//! arguments: a tnum's `value` and `mask`, an interval's `lo` and `hi`, the ten words of the
//! kernel's register state), a hash-consed DAG of SMT-LIB bit-vector operations, and one or more
//! candidate results, met in the operator's [`Domain`]. It is meant to be read, written, proved
//! with z3, measured and synthesised.
//!
//! * [`op`]: the operations, one declarative table per kind, each line giving the name and the
//!   semantics on [`Word`] and on raw `u64`s.
//! * [`graph`]: operators, their validation and the hash-consing, folding [`Builder`].
//! * [`text`]: the readable syntax (printer and parser with line:column errors); JSON comes
//!   from serde and validates on the way in.
//! * [`eval`]: evaluation generic over [`Word`]: on [`absint::word::Bv`] a concrete evaluator,
//!   on z3 bit-vectors the SMT encoding. One semantics.
//! * [`compile`]: the fast concrete path, a flat register machine over `u64`.
//! * [`trace`]: a [`Word`] that records nodes, so running absint's generic operators *produces*
//!   their IR; [`library`] does so for every tnum, interval and kernel register operator.
//!
//! ```
//! use absint::word::Bv;
//! use synth::ir::Operator;
//! let op = Operator::parse(
//!     "operator tnum.and : tnum
//!        in a.value : bv8
//!        in a.mask : bv8
//!        in b.value : bv8
//!        in b.mask : bv8
//!        alpha = bvor a.value a.mask
//!        beta = bvor b.value b.mask
//!        v = bvand a.value b.value
//!        out value = v, mask = bvand_result
//!      end",
//! );
//! // `bvand_result` was never defined: the error says where.
//! assert_eq!(op.unwrap_err().to_string(), "9:30: `bvand_result` is not an input or an earlier node");
//! ```
//!
//! [`Word`]: absint::word::Word

pub mod compile;
pub mod eval;
pub mod graph;
pub mod library;
pub mod op;
pub mod text;
pub mod trace;

pub use compile::{Compiled, Machine};
pub use eval::{EvalError, Value};
pub use graph::{Builder, Domain, Input, IrError, Node, NodeId, Operator};
pub use op::{Op, Sort};
pub use text::{ParseError, Pos};
pub use trace::{Traced, TracedBool, Tracer};
