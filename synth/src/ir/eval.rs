//! Evaluation of an operator on any [`Word`]: the IR's one semantics.
//!
//! [`Operator::eval`] walks the nodes once, in order, calling each operation's `eval` from the
//! tables of [`crate::ir::op`], then combines the candidates with the domain's meet. Run on
//! [`absint::word::Bv`] it is a concrete (if slow) evaluator; run on z3 bit-vectors it builds the
//! operator's SMT encoding. For speed on concrete words use [`crate::ir::compile`].

use crate::ir::graph::Operator;
use crate::ir::op::{Op, Sort};
use absint::word::{Bit, Word};

/// Why an operator cannot be evaluated on the given inputs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The number of inputs differs from the operator's.
    #[error("`{operator}` takes {expected} inputs, got {got}")]
    InputCount {
        /// The operator.
        operator: String,
        /// Its number of inputs.
        expected: usize,
        /// The number given.
        got: usize,
    },
    /// An input has the wrong width.
    #[error("input `{input}` has {expected} bits, got a {got}-bit word")]
    InputWidth {
        /// The input's name.
        input: String,
        /// Its declared width.
        expected: u32,
        /// The width given.
        got: u32,
    },
    /// The operator has no inputs, so there is no word to build its constants from.
    #[error("`{0}` has no inputs")]
    NoInputs(String),
}

/// A node's value: a word or a condition.
#[derive(Clone, Debug)]
pub enum Value<W: Word> {
    /// A bit-vector.
    Word(W),
    /// A condition.
    Bool(W::Bool),
}

impl<W: Word> Value<W> {
    fn word(&self) -> &W {
        match self {
            Value::Word(w) => w,
            // Validation guarantees the sorts; a bool here would be a bug in the validator.
            Value::Bool(_) => unreachable!("sort-checked operator used a bool as a word"),
        }
    }
    fn cond(&self) -> &W::Bool {
        match self {
            Value::Bool(b) => b,
            Value::Word(_) => unreachable!("sort-checked operator used a word as a bool"),
        }
    }
}

impl Operator {
    /// Check `inputs` against the declared inputs.
    pub fn check_inputs<W: Word>(&self, inputs: &[W]) -> Result<(), EvalError> {
        if inputs.len() != self.inputs().len() {
            return Err(EvalError::InputCount {
                operator: self.name().to_string(),
                expected: self.inputs().len(),
                got: inputs.len(),
            });
        }
        for (x, decl) in inputs.iter().zip(self.inputs()) {
            if x.width() != decl.width {
                return Err(EvalError::InputWidth {
                    input: decl.name.clone(),
                    expected: decl.width,
                    got: x.width(),
                });
            }
        }
        Ok(())
    }

    /// The value of every node, given the inputs' values.
    pub fn eval_nodes<W: Word>(&self, inputs: &[W]) -> Result<Vec<Value<W>>, EvalError> {
        self.check_inputs(inputs)?;
        let like = inputs
            .first()
            .ok_or_else(|| EvalError::NoInputs(self.name().to_string()))?;
        let mut vals: Vec<Value<W>> = Vec::with_capacity(self.nodes().len());
        for node in self.nodes() {
            let arg = |i: usize| &vals[node.args[i] as usize];
            let v = match node.op {
                Op::Input(i) => Value::Word(inputs[i as usize].clone()),
                Op::Const { width, value } => Value::Word(like.constant(width, value)),
                Op::Bool(b) => Value::Bool(like.bool_const(b)),
                Op::Binary(o) => Value::Word(o.eval(arg(0).word(), arg(1).word())),
                Op::Unary(o) => Value::Word(o.eval(arg(0).word())),
                Op::Compare(o) => Value::Bool(o.eval(arg(0).word(), arg(1).word())),
                Op::Logic(o) => Value::Bool(o.eval::<W>(arg(0).cond(), arg(1).cond())),
                Op::Not => Value::Bool(arg(0).cond().not()),
                Op::Ite => Value::Word(W::ite(arg(0).cond(), arg(1).word(), arg(2).word())),
                Op::Extract { hi, lo } => Value::Word(arg(0).word().extract(hi, lo)),
                Op::Zext(w) => Value::Word(arg(0).word().zext(w)),
                Op::Sext(w) => Value::Word(arg(0).word().sext(w)),
                Op::Concat => Value::Word(arg(0).word().concat(arg(1).word())),
            };
            vals.push(v);
        }
        Ok(vals)
    }

    /// The operator's result on `inputs` (one word per output field): the meet of the
    /// candidates' values in the operator's domain.
    pub fn eval<W: Word>(&self, inputs: &[W]) -> Result<Vec<W>, EvalError> {
        let vals = self.eval_nodes(inputs)?;
        let results = self.candidates().iter().map(|c| {
            c.iter()
                .map(|&id| vals[id as usize].word().clone())
                .collect::<Vec<W>>()
        });
        Ok(results
            .reduce(|acc, r| self.domain().meet(&acc, &r))
            .unwrap_or_default())
    }

    /// The sorts of the inputs.
    pub fn input_sorts(&self) -> Vec<Sort> {
        self.inputs().iter().map(|i| Sort::Bv(i.width)).collect()
    }
}
