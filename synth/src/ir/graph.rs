//! Operators as data: a hash-consed DAG of [`Op`] nodes with named, typed inputs and outputs.
//!
//! An [`Operator`] has bit-vector inputs (the fields of its abstract arguments, e.g. `a.value`,
//! `a.mask`, `b.value`, `b.mask` for a binary tnum operator), a list of nodes in topological order
//! (every node's operands come before it), and one or more *candidate* results: tuples of nodes
//! giving the output fields of its [`Domain`]. With several candidates, the operator's result is
//! their meet in the domain; each candidate being sound makes the meet sound, since the meet keeps
//! exactly the values every candidate keeps.
//!
//! Operators are built with a [`Builder`], which checks sorts, folds constants, applies a few
//! identities (`x + 0 = x`, `ite true x y = x` …) and shares equal nodes (hash-consing), so a
//! traced operator is a DAG, not a tree. [`Builder::finish`] keeps only the nodes the results use,
//! in a canonical order (depth-first, operands left to right), so that two builds of the same DAG
//! give equal operators.

use crate::ir::op::{BinaryOp, CompareOp, LogicOp, Op, Sort, UnaryOp};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::Tnum;
use absint::word::{width_mask, Word};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Index of a node in its operator.
pub type NodeId = u32;

/// One operation applied to earlier nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Node {
    /// The operation.
    pub op: Op,
    /// Its operands, all earlier nodes.
    pub args: Vec<NodeId>,
}

/// A named bit-vector input.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Input {
    /// The field name, e.g. `a.mask`.
    pub name: String,
    /// Width in bits (1 to 64).
    pub width: u32,
}

/// The abstract domain of an operator's result: it fixes the output fields and the meet that
/// combines several candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Domain {
    /// Plain words with free output names; no meet (a single candidate).
    Words,
    /// A tnum: outputs `value`, `mask`; the meet is the kernel's `tnum_intersect`.
    Tnum,
    /// An unsigned interval: outputs `lo`, `hi`; the meet is `[umax lo, umin hi]`.
    UInterval,
    /// A signed interval: outputs `lo`, `hi`; the meet is `[smax lo, smin hi]`.
    SInterval,
    /// The kernel's scalar register state (ten words: the tnum and eight bounds); the meet is
    /// taken field by field.
    Scalar,
}

/// The output fields of [`Domain::Scalar`], in order, with their widths.
pub const SCALAR_FIELDS: [(&str, u32); 10] = [
    ("var_off.value", 64),
    ("var_off.mask", 64),
    ("smin", 64),
    ("smax", 64),
    ("umin", 64),
    ("umax", 64),
    ("s32_min", 32),
    ("s32_max", 32),
    ("u32_min", 32),
    ("u32_max", 32),
];

impl Domain {
    /// Every domain.
    pub const ALL: [Domain; 5] = [
        Domain::Words,
        Domain::Tnum,
        Domain::UInterval,
        Domain::SInterval,
        Domain::Scalar,
    ];

    /// The name in the text syntax.
    pub fn name(self) -> &'static str {
        match self {
            Domain::Words => "words",
            Domain::Tnum => "tnum",
            Domain::UInterval => "uinterval",
            Domain::SInterval => "sinterval",
            Domain::Scalar => "scalar",
        }
    }

    /// The domain spelled `name`.
    pub fn from_name(name: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The output fields the domain requires (`None`: free, for [`Domain::Words`]).
    pub fn fields(self) -> Option<Vec<&'static str>> {
        match self {
            Domain::Words => None,
            Domain::Tnum => Some(vec!["value", "mask"]),
            Domain::UInterval | Domain::SInterval => Some(vec!["lo", "hi"]),
            Domain::Scalar => Some(SCALAR_FIELDS.iter().map(|(n, _)| *n).collect()),
        }
    }

    /// The meet of two results given as their output fields, on any word type.
    ///
    /// [`Domain::Words`] has no meet and returns `a` (validation allows a single candidate there).
    pub fn meet<W: Word>(self, a: &[W], b: &[W]) -> Vec<W> {
        let tnum = |i: usize| {
            let t = Tnum::new(a[i].clone(), a[i + 1].clone())
                .intersect(&Tnum::new(b[i].clone(), b[i + 1].clone()));
            [t.value, t.mask]
        };
        match self {
            Domain::Words => a.to_vec(),
            Domain::Tnum => tnum(0).to_vec(),
            Domain::UInterval => {
                let x = UInterval::from_bounds(a[0].clone(), a[1].clone());
                let y = UInterval::from_bounds(b[0].clone(), b[1].clone());
                let m = x.meet_bounds(&y).0;
                vec![m.lo, m.hi]
            }
            Domain::SInterval => {
                let x = SInterval::from_bounds(a[0].clone(), a[1].clone());
                let y = SInterval::from_bounds(b[0].clone(), b[1].clone());
                let m = x.meet_bounds(&y).0;
                vec![m.lo, m.hi]
            }
            Domain::Scalar => {
                let mut out = tnum(0).to_vec();
                // Lower bounds rise, upper bounds fall: smin smax umin umax, then the 32-bit ones.
                for (i, signed) in [(2, true), (4, false), (6, true), (8, false)] {
                    let (lo, hi) = if signed {
                        (a[i].smax(&b[i]), a[i + 1].smin(&b[i + 1]))
                    } else {
                        (a[i].umax(&b[i]), a[i + 1].umin(&b[i + 1]))
                    };
                    out.push(lo);
                    out.push(hi);
                }
                out
            }
        }
    }
}

/// Why a graph is not a well-formed operator.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IrError {
    /// A node's operands do not fit its operation.
    #[error("node {node} ({op}): {reason}")]
    BadNode {
        /// The node's index.
        node: NodeId,
        /// The operation's name.
        op: String,
        /// What is wrong.
        reason: String,
    },
    /// A node refers to itself or to a later node.
    #[error("node {node} refers to node {arg}, which is not defined before it")]
    NotTopological {
        /// The node's index.
        node: NodeId,
        /// The operand's index.
        arg: NodeId,
    },
    /// An input is declared twice or has a bad width.
    #[error("input `{name}`: {reason}")]
    BadInput {
        /// The input's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The outputs do not fit the domain.
    #[error("outputs: {0}")]
    BadOutputs(String),
}

/// The serialized form, validated into an [`Operator`] on deserialization.
#[derive(Clone, Serialize, Deserialize)]
struct RawOperator {
    name: String,
    domain: Domain,
    inputs: Vec<Input>,
    outputs: Vec<String>,
    nodes: Vec<Node>,
    candidates: Vec<Vec<NodeId>>,
}

/// An abstract operator as data: typed inputs, a DAG of operations, and candidate results.
///
/// Invariants (checked by every constructor, including deserialization): nodes are in
/// topological order and well-sorted, inputs have distinct names and widths 1..=64, outputs are
/// bit-vectors fitting the domain, and there is at least one candidate (exactly one for
/// [`Domain::Words`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawOperator", into = "RawOperator")]
pub struct Operator {
    name: String,
    domain: Domain,
    inputs: Vec<Input>,
    outputs: Vec<String>,
    nodes: Vec<Node>,
    candidates: Vec<Vec<NodeId>>,
    sorts: Vec<Sort>,
}

impl From<Operator> for RawOperator {
    fn from(o: Operator) -> RawOperator {
        RawOperator {
            name: o.name,
            domain: o.domain,
            inputs: o.inputs,
            outputs: o.outputs,
            nodes: o.nodes,
            candidates: o.candidates,
        }
    }
}

impl TryFrom<RawOperator> for Operator {
    type Error = IrError;
    fn try_from(r: RawOperator) -> Result<Operator, IrError> {
        Operator::new(r.name, r.domain, r.inputs, r.outputs, r.nodes, r.candidates)
    }
}

/// Is `s` a name in the text syntax (so that every operator prints and parses back)?
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '%');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '%'))
        && s != "true"
        && s != "false"
}

/// Checks the inputs' names and widths.
fn check_inputs(inputs: &[Input]) -> Result<(), IrError> {
    for (i, input) in inputs.iter().enumerate() {
        let bad = |reason: &str| IrError::BadInput {
            name: input.name.clone(),
            reason: reason.into(),
        };
        if !(1..=64).contains(&input.width) {
            return Err(bad("width outside 1..=64"));
        }
        if !is_name(&input.name) {
            return Err(bad(
                "not a name (a letter, `_` or `%`, then letters, digits, `_`, `.`, `%`)",
            ));
        }
        if inputs[..i].iter().any(|j| j.name == input.name) {
            return Err(bad("declared twice"));
        }
    }
    Ok(())
}

impl Operator {
    /// An operator from its parts, checked (see the type's invariants). Nodes are kept as given;
    /// use a [`Builder`] for sharing and folding.
    pub fn new(
        name: String,
        domain: Domain,
        inputs: Vec<Input>,
        outputs: Vec<String>,
        nodes: Vec<Node>,
        candidates: Vec<Vec<NodeId>>,
    ) -> Result<Operator, IrError> {
        check_inputs(&inputs)?;
        let input_sorts: Vec<Sort> = inputs.iter().map(|i| Sort::Bv(i.width)).collect();
        let mut sorts = Vec::with_capacity(nodes.len());
        for (k, node) in nodes.iter().enumerate() {
            let k = k as NodeId;
            let mut arg_sorts = Vec::with_capacity(node.args.len());
            for &arg in &node.args {
                if arg >= k {
                    return Err(IrError::NotTopological { node: k, arg });
                }
                arg_sorts.push(sorts[arg as usize]);
            }
            let sort =
                node.op
                    .sort(&arg_sorts, &input_sorts)
                    .map_err(|reason| IrError::BadNode {
                        node: k,
                        op: node.op.name().unwrap_or("leaf").to_string(),
                        reason,
                    })?;
            sorts.push(sort);
        }
        check_outputs(domain, &outputs, &candidates, &sorts)?;
        Ok(Operator {
            name,
            domain,
            inputs,
            outputs,
            nodes,
            candidates,
            sorts,
        })
    }

    /// The operator's name, e.g. `tnum.add`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The result's domain.
    pub fn domain(&self) -> Domain {
        self.domain
    }
    /// The inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    /// The output fields' names, in order.
    pub fn outputs(&self) -> &[String] {
        &self.outputs
    }
    /// The nodes, in topological order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// Each candidate result: one node per output field. The result is their meet.
    pub fn candidates(&self) -> &[Vec<NodeId>] {
        &self.candidates
    }
    /// The sort of node `id`.
    pub fn sort(&self, id: NodeId) -> Sort {
        self.sorts[id as usize]
    }
    /// The widths of the output fields.
    pub fn output_widths(&self) -> Vec<u32> {
        self.candidates[0]
            .iter()
            .map(|&id| match self.sort(id) {
                Sort::Bv(w) => w,
                Sort::Bool => 0, // excluded by validation
            })
            .collect()
    }
    /// The same operator under another name.
    pub fn renamed(mut self, name: impl Into<String>) -> Operator {
        self.name = name.into();
        self
    }

    /// The meet of two operators with the same signature: an operator whose candidates are both
    /// operators' candidates (shared nodes are merged).
    pub fn meet(&self, other: &Operator) -> Result<Operator, IrError> {
        if self.domain != other.domain
            || self.inputs != other.inputs
            || self.outputs != other.outputs
        {
            return Err(IrError::BadOutputs(format!(
                "cannot meet `{}` and `{}`: different signatures",
                self.name, other.name
            )));
        }
        if self.domain == Domain::Words {
            return Err(IrError::BadOutputs("the words domain has no meet".into()));
        }
        let mut b = Builder::with_inputs(self.inputs.clone())?;
        let mut candidates = Vec::new();
        for op in [self, other] {
            let map = b.import(op)?;
            candidates.extend(
                op.candidates
                    .iter()
                    .map(|c| c.iter().map(|&id| map[id as usize]).collect::<Vec<_>>()),
            );
        }
        b.finish(
            format!("{}.meet.{}", self.name, other.name),
            self.domain,
            self.outputs.clone(),
            candidates,
        )
    }
}

/// Checks that the candidates give bit-vector outputs fitting the domain.
fn check_outputs(
    domain: Domain,
    outputs: &[String],
    candidates: &[Vec<NodeId>],
    sorts: &[Sort],
) -> Result<(), IrError> {
    let bad = |s: String| Err(IrError::BadOutputs(s));
    if let Some(fields) = domain.fields() {
        if outputs
            .iter()
            .map(String::as_str)
            .ne(fields.iter().copied())
        {
            return bad(format!(
                "the {} domain has outputs {}, got {}",
                domain.name(),
                fields.join(", "),
                outputs.join(", ")
            ));
        }
    }
    if let Some(f) = outputs.iter().find(|f| !is_name(f)) {
        return bad(format!("`{f}` is not a name"));
    }
    if candidates.is_empty() {
        return bad("no result".into());
    }
    if domain == Domain::Words && candidates.len() > 1 {
        return bad("the words domain has no meet: one result only".into());
    }
    let mut widths: Option<Vec<Sort>> = None;
    for c in candidates {
        if c.len() != outputs.len() {
            return bad(format!(
                "a result gives {} fields, not {}",
                c.len(),
                outputs.len()
            ));
        }
        let mut these = Vec::new();
        for &id in c {
            match sorts.get(id as usize) {
                None => return bad(format!("node {id} does not exist")),
                Some(Sort::Bool) => return bad(format!("node {id} is a bool, not a bit-vector")),
                Some(s) => these.push(*s),
            }
        }
        match &widths {
            Some(w) if *w != these => return bad("results of different widths".into()),
            _ => widths = Some(these),
        }
    }
    let widths = widths.unwrap_or_default();
    let same_pair = widths.len() == 2 && widths[0] == widths[1];
    let ok = match domain {
        Domain::Words => true,
        Domain::Tnum | Domain::UInterval | Domain::SInterval => same_pair,
        Domain::Scalar => widths
            .iter()
            .zip(SCALAR_FIELDS)
            .all(|(s, (_, w))| *s == Sort::Bv(w)),
    };
    if ok {
        Ok(())
    } else {
        bad(format!("widths do not fit the {} domain", domain.name()))
    }
}

/// Builds an operator node by node, sharing equal nodes and folding constants.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    inputs: Vec<Input>,
    nodes: Vec<Node>,
    sorts: Vec<Sort>,
    index: HashMap<Node, NodeId>,
}

/// What a simplification found for a node.
enum Simplified {
    /// The node equals an existing one.
    Node(NodeId),
    /// The node is this constant.
    Const(u64),
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A builder with these inputs declared.
    pub fn with_inputs(inputs: Vec<Input>) -> Result<Builder, IrError> {
        check_inputs(&inputs)?;
        Ok(Builder {
            inputs,
            ..Builder::default()
        })
    }

    /// Declare an input and return its node.
    pub fn input(&mut self, name: &str, width: u32) -> Result<NodeId, IrError> {
        self.inputs.push(Input {
            name: name.to_string(),
            width,
        });
        if let Err(e) = check_inputs(&self.inputs) {
            self.inputs.pop();
            return Err(e);
        }
        self.node(Op::Input(self.inputs.len() as u32 - 1), &[])
    }

    /// The declared inputs.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// A bit-vector constant.
    pub fn constant(&mut self, width: u32, value: u64) -> Result<NodeId, IrError> {
        self.node(
            Op::Const {
                width,
                value: value & width_mask(width.min(64)),
            },
            &[],
        )
    }

    /// The sort of node `id`.
    pub fn sort(&self, id: NodeId) -> Sort {
        self.sorts[id as usize]
    }

    /// The node `id`.
    pub fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The node `id`, if it exists.
    fn get_checked(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// Number of nodes so far.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Is the builder without nodes?
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The value of a constant node.
    fn const_value(&self, id: NodeId) -> Option<u64> {
        match self.nodes[id as usize].op {
            Op::Const { value, .. } => Some(value),
            Op::Bool(b) => Some(u64::from(b)),
            _ => None,
        }
    }

    /// The node `op(args)`: checked, folded, simplified and shared.
    pub fn node(&mut self, op: Op, args: &[NodeId]) -> Result<NodeId, IrError> {
        // Constants are stored truncated to their width, so equal constants share a node.
        let op = match op {
            Op::Const { width, value } => Op::Const {
                width,
                value: value & width_mask(width.min(64)),
            },
            op => op,
        };
        // `ite (not c) x y` is `ite c y x`: one node fewer, and the form tracing `W::ite` on a
        // negated test (`ne`, `lsb`) would otherwise leave.
        if op == Op::Ite {
            if let Some(&c) = args.first() {
                let cond = self.get_checked(c);
                if let (
                    Some(Node {
                        op: Op::Not,
                        args: inner,
                    }),
                    [_, x, y],
                ) = (cond, args)
                {
                    let inner = inner[0];
                    return self.node(Op::Ite, &[inner, *y, *x]);
                }
            }
        }
        let next = self.nodes.len() as NodeId;
        let input_sorts: Vec<Sort> = self.inputs.iter().map(|i| Sort::Bv(i.width)).collect();
        let mut arg_sorts = Vec::with_capacity(args.len());
        for &a in args {
            let s = self
                .sorts
                .get(a as usize)
                .ok_or(IrError::NotTopological { node: next, arg: a })?;
            arg_sorts.push(*s);
        }
        let sort = op
            .sort(&arg_sorts, &input_sorts)
            .map_err(|reason| IrError::BadNode {
                node: next,
                op: op.name().unwrap_or("leaf").to_string(),
                reason,
            })?;
        let simplified = self
            .fold(op, args, &arg_sorts, sort)
            .or_else(|| self.identity(op, args, sort));
        let (op, args) = match simplified {
            Some(Simplified::Node(id)) => return Ok(id),
            Some(Simplified::Const(v)) => match sort {
                Sort::Bool => (Op::Bool(v != 0), &[][..]),
                Sort::Bv(width) => (Op::Const { width, value: v }, &[][..]),
            },
            None => (op, args),
        };
        let node = Node {
            op,
            args: args.to_vec(),
        };
        if let Some(&id) = self.index.get(&node) {
            return Ok(id);
        }
        self.nodes.push(node.clone());
        self.sorts.push(sort);
        self.index.insert(node, next);
        Ok(next)
    }

    /// Constant folding: an operation on constants is computed now, with the fast semantics.
    fn fold(&self, op: Op, args: &[NodeId], arg_sorts: &[Sort], sort: Sort) -> Option<Simplified> {
        if args.is_empty() {
            return None;
        }
        let mut vals = [0u64; 3];
        for (slot, &a) in vals.iter_mut().zip(args) {
            *slot = self.const_value(a)?;
        }
        Some(Simplified::Const(op.fast(
            vals,
            fast_width(op, arg_sorts),
            sort,
        )))
    }

    /// A few identities that make traced code smaller (each holds for every width).
    fn identity(&self, op: Op, args: &[NodeId], sort: Sort) -> Option<Simplified> {
        use Simplified::{Const, Node as Same};
        let c = |i: usize| self.const_value(args[i]);
        let ones = match sort {
            Sort::Bv(w) => width_mask(w),
            Sort::Bool => 1,
        };
        match op {
            Op::Binary(o) => {
                let (a, b) = (args[0], args[1]);
                let (ca, cb) = (c(0), c(1));
                if a == b {
                    return match o {
                        BinaryOp::Sub | BinaryOp::Xor => Some(Const(0)),
                        BinaryOp::And
                        | BinaryOp::Or
                        | BinaryOp::Umin
                        | BinaryOp::Umax
                        | BinaryOp::Smin
                        | BinaryOp::Smax => Some(Same(a)),
                        _ => None,
                    };
                }
                match o {
                    BinaryOp::Add | BinaryOp::Or | BinaryOp::Xor if ca == Some(0) => Some(Same(b)),
                    BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Or
                    | BinaryOp::Xor
                    | BinaryOp::Shl
                    | BinaryOp::Lshr
                    | BinaryOp::Ashr
                        if cb == Some(0) =>
                    {
                        Some(Same(a))
                    }
                    BinaryOp::And | BinaryOp::Mul if ca == Some(0) || cb == Some(0) => {
                        Some(Const(0))
                    }
                    BinaryOp::Shl | BinaryOp::Lshr if ca == Some(0) => Some(Const(0)),
                    BinaryOp::And if ca == Some(ones) => Some(Same(b)),
                    BinaryOp::And if cb == Some(ones) => Some(Same(a)),
                    BinaryOp::Or if ca == Some(ones) || cb == Some(ones) => Some(Const(ones)),
                    BinaryOp::Mul if ca == Some(1) => Some(Same(b)),
                    BinaryOp::Mul if cb == Some(1) => Some(Same(a)),
                    _ => None,
                }
            }
            Op::Unary(o) => {
                let inner = self.get(args[0]);
                match (o, inner.op) {
                    (UnaryOp::Not, Op::Unary(UnaryOp::Not)) => Some(Same(inner.args[0])),
                    (UnaryOp::Neg, Op::Unary(UnaryOp::Neg)) => Some(Same(inner.args[0])),
                    _ => None,
                }
            }
            Op::Compare(o) if args[0] == args[1] => match o {
                CompareOp::Eq | CompareOp::Ule | CompareOp::Sle => Some(Const(1)),
                CompareOp::Ult | CompareOp::Slt | CompareOp::Usubo => Some(Const(0)),
                _ => None,
            },
            Op::Logic(o) => {
                let (a, b) = (args[0], args[1]);
                let (ca, cb) = (c(0), c(1));
                match o {
                    _ if a == b => Some(Same(a)),
                    LogicOp::And if ca == Some(0) || cb == Some(0) => Some(Const(0)),
                    LogicOp::Or if ca == Some(1) || cb == Some(1) => Some(Const(1)),
                    LogicOp::And | LogicOp::Or if ca.is_some() => Some(Same(b)),
                    LogicOp::And | LogicOp::Or if cb.is_some() => Some(Same(a)),
                    _ => None,
                }
            }
            Op::Not => {
                let inner = self.get(args[0]);
                (inner.op == Op::Not).then(|| Same(inner.args[0]))
            }
            Op::Ite => match c(0) {
                Some(1) => Some(Same(args[1])),
                Some(_) => Some(Same(args[2])),
                None if args[1] == args[2] => Some(Same(args[1])),
                None => None,
            },
            Op::Zext(w) | Op::Sext(w) if self.sort(args[0]) == Sort::Bv(w) => Some(Same(args[0])),
            Op::Extract { hi, lo } if lo == 0 && self.sort(args[0]) == Sort::Bv(hi + 1) => {
                Some(Same(args[0]))
            }
            _ => None,
        }
    }

    /// Add every node of `op` (whose inputs must be this builder's), returning where each went.
    pub fn import(&mut self, op: &Operator) -> Result<Vec<NodeId>, IrError> {
        let mut map: Vec<NodeId> = Vec::with_capacity(op.nodes.len());
        for node in &op.nodes {
            let args: Vec<NodeId> = node.args.iter().map(|&a| map[a as usize]).collect();
            map.push(self.node(node.op, &args)?);
        }
        Ok(map)
    }

    /// The operator whose results are `candidates` (one node per output field each), keeping
    /// only the nodes they use, in canonical order.
    pub fn finish(
        self,
        name: impl Into<String>,
        domain: Domain,
        outputs: Vec<String>,
        candidates: Vec<Vec<NodeId>>,
    ) -> Result<Operator, IrError> {
        let (nodes, candidates) = compact(&self.nodes, &candidates);
        Operator::new(name.into(), domain, self.inputs, outputs, nodes, candidates)
    }
}

/// The width the fast semantics needs for `op`: of the first bit-vector operand, or of the
/// second one for `ite` (whose first is the condition) and `concat` (the low part's width).
pub(crate) fn fast_width(op: Op, arg_sorts: &[Sort]) -> u32 {
    let pick = match op {
        Op::Ite | Op::Concat => 1,
        _ => 0,
    };
    match arg_sorts.get(pick) {
        Some(Sort::Bv(w)) => *w,
        _ => 1,
    }
}

/// The nodes reachable from `roots`, renumbered in depth-first post-order (operands left to
/// right), and the roots renumbered.
fn compact(nodes: &[Node], roots: &[Vec<NodeId>]) -> (Vec<Node>, Vec<Vec<NodeId>>) {
    const UNSEEN: NodeId = NodeId::MAX;
    let mut new_id = vec![UNSEEN; nodes.len()];
    let mut out: Vec<Node> = Vec::new();
    // Iterative post-order: (node, next operand to visit).
    let mut stack: Vec<(NodeId, usize)> = Vec::new();
    for &root in roots.iter().flatten() {
        if (root as usize) >= nodes.len() || new_id[root as usize] != UNSEEN {
            continue;
        }
        stack.push((root, 0));
        while let Some(&mut (id, ref mut next)) = stack.last_mut() {
            let node = &nodes[id as usize];
            if let Some(&arg) = node.args.get(*next) {
                *next += 1;
                if new_id[arg as usize] == UNSEEN {
                    stack.push((arg, 0));
                }
            } else {
                stack.pop();
                if new_id[id as usize] == UNSEEN {
                    new_id[id as usize] = out.len() as NodeId;
                    out.push(Node {
                        op: node.op,
                        args: node.args.iter().map(|&a| new_id[a as usize]).collect(),
                    });
                }
            }
        }
    }
    let roots = roots
        .iter()
        .map(|c| {
            c.iter()
                .map(|&r| new_id.get(r as usize).copied().unwrap_or(UNSEEN))
                .collect()
        })
        .collect();
    (out, roots)
}
