//! The search language: width-generic terms over an operator's input fields.
//!
//! A [`Term`] is a tree of bit-vector operations whose leaves are the operator's input fields
//! (`a.value`, `b.mask`, `a.lo` …, by index) and a few constants defined at every width (0, 1,
//! all ones, the signed minimum and maximum). A [`Cond`] is a condition over terms (comparisons,
//! overflow predicates and connectives), used only under `ite`. Terms do not fix a width: the
//! same term is evaluated at 8 bits and at 64 bits for fingerprints, and lowered to the operator
//! IR ([`crate::ir`]) at whatever width it is proved or emitted.
//!
//! Every operation is one of the IR's ([`crate::ir::op`]): the `u64` evaluator calls the IR
//! tables' fast semantics and [`Term::lower`] emits the same operation, so a term means exactly
//! what its IR means. (The one addition, [`Cond::Iff`], lowers to `or (and x y) (and (not x)
//! (not y))`.)

use crate::ir::op::{BinaryOp, CompareOp, Op, UnaryOp};
use crate::ir::{Builder, IrError, NodeId};
use absint::word::{width_mask, Bit, Word};
use std::fmt;
use std::sync::Arc;

/// A leaf of the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Leaf {
    /// The operator's input field of this index.
    Input(u8),
    /// 0.
    Zero,
    /// 1.
    One,
    /// All ones (−1).
    Ones,
    /// The signed minimum `1 << (w−1)`.
    SMin,
    /// The signed maximum `!(1 << (w−1))`.
    SMax,
}

impl Leaf {
    /// The value at `width` bits (`inputs` gives the input fields).
    #[inline]
    pub fn value(self, inputs: &[u64], width: u32) -> u64 {
        let top = 1u64 << (width - 1);
        match self {
            Leaf::Input(i) => inputs[i as usize],
            Leaf::Zero => 0,
            Leaf::One => 1,
            Leaf::Ones => width_mask(width),
            Leaf::SMin => top,
            Leaf::SMax => width_mask(width) & !top,
        }
    }
}

/// A term: a bit-vector of the operator's width.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    /// An input field or a constant.
    Leaf(Leaf),
    /// `op x`.
    Un(UnaryOp, Arc<Term>),
    /// `op x y`.
    Bin(BinaryOp, Arc<Term>, Arc<Term>),
    /// `ite c x y`.
    Ite(Arc<Cond>, Arc<Term>, Arc<Term>),
}

/// A condition over terms.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// A comparison or overflow predicate.
    Cmp(CompareOp, Arc<Term>, Arc<Term>),
    /// Negation.
    Not(Arc<Cond>),
    /// Conjunction.
    And(Arc<Cond>, Arc<Cond>),
    /// Disjunction.
    Or(Arc<Cond>, Arc<Cond>),
    /// Equivalence (both hold or neither).
    Iff(Arc<Cond>, Arc<Cond>),
}

/// Is `op` commutative (so the enumerator builds `op x y` with `x` first only)?
pub fn commutative(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Add
            | BinaryOp::Mul
            | BinaryOp::And
            | BinaryOp::Or
            | BinaryOp::Xor
            | BinaryOp::Umin
            | BinaryOp::Umax
            | BinaryOp::Smin
            | BinaryOp::Smax
    )
}

/// Is the comparison symmetric?
pub fn symmetric(op: CompareOp) -> bool {
    matches!(
        op,
        CompareOp::Eq | CompareOp::Uaddo | CompareOp::Saddo | CompareOp::Umulo | CompareOp::Smulo
    )
}

impl Term {
    /// A leaf term.
    pub fn leaf(l: Leaf) -> Arc<Term> {
        Arc::new(Term::Leaf(l))
    }
    /// `op x y`.
    pub fn bin(op: BinaryOp, x: &Arc<Term>, y: &Arc<Term>) -> Arc<Term> {
        Arc::new(Term::Bin(op, x.clone(), y.clone()))
    }
    /// `op x`.
    pub fn un(op: UnaryOp, x: &Arc<Term>) -> Arc<Term> {
        Arc::new(Term::Un(op, x.clone()))
    }
    /// `ite c x y`.
    pub fn ite(c: &Arc<Cond>, x: &Arc<Term>, y: &Arc<Term>) -> Arc<Term> {
        Arc::new(Term::Ite(c.clone(), x.clone(), y.clone()))
    }

    /// Number of operations (leaves are free).
    pub fn size(&self) -> u32 {
        match self {
            Term::Leaf(_) => 0,
            Term::Un(_, x) => 1 + x.size(),
            Term::Bin(_, x, y) => 1 + x.size() + y.size(),
            Term::Ite(c, x, y) => 1 + c.size() + x.size() + y.size(),
        }
    }

    /// The value on `inputs` at `width` bits (the IR tables' `u64` semantics).
    pub fn eval(&self, inputs: &[u64], width: u32) -> u64 {
        let mask = width_mask(width);
        match self {
            Term::Leaf(l) => l.value(inputs, width),
            Term::Un(op, x) => op.fast(x.eval(inputs, width), width) & mask,
            Term::Bin(op, x, y) => {
                op.fast(x.eval(inputs, width), y.eval(inputs, width), width) & mask
            }
            Term::Ite(c, x, y) => {
                if c.eval(inputs, width) {
                    x.eval(inputs, width)
                } else {
                    y.eval(inputs, width)
                }
            }
        }
    }

    /// The value on any [`Word`] (the IR tables' generic semantics); `inputs` are the input
    /// fields, all of one width, and there is at least one.
    pub fn eval_word<W: Word>(&self, inputs: &[W]) -> W {
        match self {
            Term::Leaf(Leaf::Input(i)) => inputs[*i as usize].clone(),
            Term::Leaf(l) => {
                let w = inputs[0].width();
                inputs[0].lit(l.value(&[], w))
            }
            Term::Un(op, x) => op.eval(&x.eval_word(inputs)),
            Term::Bin(op, x, y) => op.eval(&x.eval_word(inputs), &y.eval_word(inputs)),
            Term::Ite(c, x, y) => W::ite(
                &c.eval_word(inputs),
                &x.eval_word(inputs),
                &y.eval_word(inputs),
            ),
        }
    }

    /// Lower into `b` at `width` bits; `inputs` are the nodes of the input fields.
    pub fn lower(&self, b: &mut Builder, inputs: &[NodeId], width: u32) -> Result<NodeId, IrError> {
        match self {
            Term::Leaf(Leaf::Input(i)) => Ok(inputs[*i as usize]),
            Term::Leaf(l) => b.constant(width, l.value(&[], width)),
            Term::Un(op, x) => {
                let x = x.lower(b, inputs, width)?;
                b.node(Op::Unary(*op), &[x])
            }
            Term::Bin(op, x, y) => {
                let x = x.lower(b, inputs, width)?;
                let y = y.lower(b, inputs, width)?;
                b.node(Op::Binary(*op), &[x, y])
            }
            Term::Ite(c, x, y) => {
                let c = c.lower(b, inputs, width)?;
                let x = x.lower(b, inputs, width)?;
                let y = y.lower(b, inputs, width)?;
                b.node(Op::Ite, &[c, x, y])
            }
        }
    }
}

impl Cond {
    /// Number of operations.
    pub fn size(&self) -> u32 {
        match self {
            Cond::Cmp(_, x, y) => 1 + x.size() + y.size(),
            Cond::Not(c) => 1 + c.size(),
            Cond::And(x, y) | Cond::Or(x, y) => 1 + x.size() + y.size(),
            Cond::Iff(x, y) => 1 + x.size() + y.size(),
        }
    }

    /// The value on `inputs` at `width` bits.
    pub fn eval(&self, inputs: &[u64], width: u32) -> bool {
        match self {
            Cond::Cmp(op, x, y) => op.fast(x.eval(inputs, width), y.eval(inputs, width), width),
            Cond::Not(c) => !c.eval(inputs, width),
            Cond::And(x, y) => x.eval(inputs, width) && y.eval(inputs, width),
            Cond::Or(x, y) => x.eval(inputs, width) || y.eval(inputs, width),
            Cond::Iff(x, y) => x.eval(inputs, width) == y.eval(inputs, width),
        }
    }

    /// The value on any [`Word`].
    pub fn eval_word<W: Word>(&self, inputs: &[W]) -> W::Bool {
        match self {
            Cond::Cmp(op, x, y) => op.eval(&x.eval_word(inputs), &y.eval_word(inputs)),
            Cond::Not(c) => c.eval_word(inputs).not(),
            Cond::And(x, y) => x.eval_word(inputs).and(&y.eval_word(inputs)),
            Cond::Or(x, y) => x.eval_word(inputs).or(&y.eval_word(inputs)),
            Cond::Iff(x, y) => {
                let (a, b) = (x.eval_word(inputs), y.eval_word(inputs));
                a.and(&b).or(&a.not().and(&b.not()))
            }
        }
    }

    /// Lower into `b` at `width` bits.
    pub fn lower(&self, b: &mut Builder, inputs: &[NodeId], width: u32) -> Result<NodeId, IrError> {
        use crate::ir::op::LogicOp;
        match self {
            Cond::Cmp(op, x, y) => {
                let x = x.lower(b, inputs, width)?;
                let y = y.lower(b, inputs, width)?;
                b.node(Op::Compare(*op), &[x, y])
            }
            Cond::Not(c) => {
                let c = c.lower(b, inputs, width)?;
                b.node(Op::Not, &[c])
            }
            Cond::And(x, y) | Cond::Or(x, y) => {
                let op = if matches!(self, Cond::And(..)) {
                    LogicOp::And
                } else {
                    LogicOp::Or
                };
                let x = x.lower(b, inputs, width)?;
                let y = y.lower(b, inputs, width)?;
                b.node(Op::Logic(op), &[x, y])
            }
            Cond::Iff(x, y) => {
                let x = x.lower(b, inputs, width)?;
                let y = y.lower(b, inputs, width)?;
                let both = b.node(Op::Logic(LogicOp::And), &[x, y])?;
                let nx = b.node(Op::Not, &[x])?;
                let ny = b.node(Op::Not, &[y])?;
                let neither = b.node(Op::Logic(LogicOp::And), &[nx, ny])?;
                b.node(Op::Logic(LogicOp::Or), &[both, neither])
            }
        }
    }
}

/// Prints as an s-expression with the IR's operation names and the input fields as `$0`,
/// `$1` …: `(bvor (bvxor $0 $1) $2)`.
impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Leaf(Leaf::Input(i)) => write!(f, "${i}"),
            Term::Leaf(Leaf::Zero) => write!(f, "0"),
            Term::Leaf(Leaf::One) => write!(f, "1"),
            Term::Leaf(Leaf::Ones) => write!(f, "ones"),
            Term::Leaf(Leaf::SMin) => write!(f, "smin"),
            Term::Leaf(Leaf::SMax) => write!(f, "smax"),
            Term::Un(op, x) => write!(f, "({} {x})", op.name()),
            Term::Bin(op, x, y) => write!(f, "({} {x} {y})", op.name()),
            Term::Ite(c, x, y) => write!(f, "(ite {c} {x} {y})"),
        }
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Cmp(op, x, y) => write!(f, "({} {x} {y})", op.name()),
            Cond::Not(c) => write!(f, "(not {c})"),
            Cond::And(x, y) => write!(f, "(and {x} {y})"),
            Cond::Or(x, y) => write!(f, "(or {x} {y})"),
            Cond::Iff(x, y) => write!(f, "(iff {x} {y})"),
        }
    }
}

/// Why a term's text does not parse: what was expected, and where (a byte offset into the text,
/// and the 1-based column, which is the same for the one-line text [`Term`]'s `Display` prints).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct ParseError {
    /// Byte offset of the offending token (the text's length at its end).
    pub offset: usize,
    /// 1-based column of the offending token (characters before it, plus one).
    pub column: usize,
    /// What was wrong.
    pub message: String,
}

/// The tokens of the term syntax: parentheses and atoms (names, `$i`, numerals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Atom(&'a str),
}

/// A recursive-descent reader of exactly the syntax `Display` prints for [`Term`] and [`Cond`].
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            column: self.text[..offset.min(self.text.len())].chars().count() + 1,
            message: message.into(),
        }
    }

    /// The next token and its offset, without consuming it (`None` at the end).
    fn peek(&self) -> Option<(usize, Token<'a>)> {
        let rest = &self.text[self.pos..];
        let skipped = rest.len() - rest.trim_start().len();
        let at = self.pos + skipped;
        let rest = &self.text[at..];
        let c = rest.chars().next()?;
        Some(match c {
            '(' => (at, Token::Open),
            ')' => (at, Token::Close),
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(rest.len());
                (at, Token::Atom(&rest[..end]))
            }
        })
    }

    /// Consume and return the next token, or fail at the end of the text.
    fn next(&mut self, wanted: &str) -> Result<(usize, Token<'a>), ParseError> {
        let Some((at, tok)) = self.peek() else {
            return Err(self.error(self.text.len(), format!("expected {wanted}, found the end")));
        };
        self.pos = at
            + match tok {
                Token::Open | Token::Close => 1,
                Token::Atom(a) => a.len(),
            };
        Ok((at, tok))
    }

    fn close(&mut self) -> Result<(), ParseError> {
        match self.next("`)`")? {
            (_, Token::Close) => Ok(()),
            (at, Token::Open) => Err(self.error(at, "expected `)`, found `(`")),
            (at, Token::Atom(a)) => Err(self.error(at, format!("expected `)`, found `{a}`"))),
        }
    }

    /// A term: a leaf, or `(op …)` with a unary or binary operation, or `(ite c x y)`.
    fn term(&mut self) -> Result<Arc<Term>, ParseError> {
        match self.next("a term")? {
            (at, Token::Atom(a)) => self.leaf(at, a).map(Term::leaf),
            (at, Token::Close) => Err(self.error(at, "expected a term, found `)`")),
            (_, Token::Open) => {
                let (at, name) = match self.next("an operation")? {
                    (at, Token::Atom(a)) => (at, a),
                    (at, _) => return Err(self.error(at, "expected an operation name")),
                };
                let t = if name == "ite" {
                    let c = self.cond()?;
                    let x = self.term()?;
                    let y = self.term()?;
                    Term::ite(&c, &x, &y)
                } else if let Some(op) = UnaryOp::from_name(name) {
                    Term::un(op, &self.term()?)
                } else if let Some(op) = BinaryOp::from_name(name) {
                    let x = self.term()?;
                    Term::bin(op, &x, &self.term()?)
                } else {
                    return Err(self.error(at, format!("unknown term operation `{name}`")));
                };
                self.close()?;
                Ok(t)
            }
        }
    }

    fn leaf(&self, at: usize, a: &str) -> Result<Leaf, ParseError> {
        Ok(match a {
            "0" => Leaf::Zero,
            "1" => Leaf::One,
            "ones" => Leaf::Ones,
            "smin" => Leaf::SMin,
            "smax" => Leaf::SMax,
            _ => match a.strip_prefix('$').map(str::parse::<u8>) {
                Some(Ok(i)) => Leaf::Input(i),
                _ => {
                    let wanted = "an input `$i` or a constant (0 1 ones smin smax)";
                    return Err(self.error(at, format!("expected {wanted}, found `{a}`")));
                }
            },
        })
    }

    /// A condition: `(cmp x y)`, `(not c)`, `(and c d)`, `(or c d)`, `(iff c d)`.
    fn cond(&mut self) -> Result<Arc<Cond>, ParseError> {
        match self.next("a condition")? {
            (_, Token::Open) => {}
            (at, _) => return Err(self.error(at, "expected a condition `(…)`")),
        }
        let (at, name) = match self.next("a condition's operation")? {
            (at, Token::Atom(a)) => (at, a),
            (at, _) => return Err(self.error(at, "expected a condition's operation name")),
        };
        let c = match name {
            "not" => Cond::Not(self.cond()?),
            "and" | "or" | "iff" => {
                let x = self.cond()?;
                let y = self.cond()?;
                match name {
                    "and" => Cond::And(x, y),
                    "or" => Cond::Or(x, y),
                    _ => Cond::Iff(x, y),
                }
            }
            _ => match CompareOp::from_name(name) {
                Some(op) => {
                    let x = self.term()?;
                    Cond::Cmp(op, x, self.term()?)
                }
                None => return Err(self.error(at, format!("unknown condition `{name}`"))),
            },
        };
        self.close()?;
        Ok(Arc::new(c))
    }

    fn end(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some((at, _)) => Err(self.error(at, "unexpected text after the end")),
        }
    }
}

impl Term {
    /// Parse exactly what `Display` prints (`(bvor (bvxor $0 $1) $2)`); whitespace between
    /// tokens is free. The error names the column.
    pub fn parse(text: &str) -> Result<Arc<Term>, ParseError> {
        let mut r = Reader { text, pos: 0 };
        let t = r.term()?;
        r.end()?;
        Ok(t)
    }
}

impl Cond {
    /// Parse exactly what `Display` prints (`(iff (bvsaddo $0 $2) (bvsaddo $1 $3))`).
    pub fn parse(text: &str) -> Result<Arc<Cond>, ParseError> {
        let mut r = Reader { text, pos: 0 };
        let c = r.cond()?;
        r.end()?;
        Ok(c)
    }
}

/// The operations a search may use: a per-target choice (the grammar is the same, the target
/// says which part of it its operator plausibly needs, so the bank stays small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Components {
    /// Constants offered as leaves (besides the inputs).
    pub constants: Vec<Leaf>,
    /// Unary operations.
    pub unary: Vec<UnaryOp>,
    /// Binary operations.
    pub binary: Vec<BinaryOp>,
    /// Comparisons for the conditions of `ite` (none: no `ite`).
    pub compare: Vec<CompareOp>,
}

impl Components {
    /// Bitwise and additive operations, constants 0, 1 and all ones: enough for the tnum
    /// arithmetic and logic operators.
    pub fn bitwise_arith() -> Components {
        Components {
            constants: vec![Leaf::Zero, Leaf::One, Leaf::Ones],
            unary: vec![UnaryOp::Not, UnaryOp::Neg],
            binary: vec![
                BinaryOp::Add,
                BinaryOp::Sub,
                BinaryOp::And,
                BinaryOp::Or,
                BinaryOp::Xor,
            ],
            compare: vec![],
        }
    }

    /// For intervals: additive and min/max operations, the extreme constants, and conditions
    /// from comparisons and overflow predicates.
    pub fn interval(signed: bool) -> Components {
        let mut constants = vec![Leaf::Zero, Leaf::One, Leaf::Ones];
        if signed {
            constants.extend([Leaf::SMin, Leaf::SMax]);
        }
        Components {
            constants,
            unary: vec![UnaryOp::Not, UnaryOp::Neg],
            binary: vec![
                BinaryOp::Add,
                BinaryOp::Sub,
                BinaryOp::And,
                BinaryOp::Or,
                BinaryOp::Xor,
            ],
            compare: if signed {
                vec![
                    CompareOp::Slt,
                    CompareOp::Saddo,
                    CompareOp::Ssubo,
                    CompareOp::Eq,
                ]
            } else {
                vec![
                    CompareOp::Ult,
                    CompareOp::Uaddo,
                    CompareOp::Usubo,
                    CompareOp::Eq,
                ]
            },
        }
    }

    /// The bitwise and additive operations plus shifts (for shifts by a known amount).
    pub fn shifts() -> Components {
        let mut c = Components::bitwise_arith();
        c.binary
            .extend([BinaryOp::Shl, BinaryOp::Lshr, BinaryOp::Ashr]);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_and_lower_agree() {
        let x = Term::leaf(Leaf::Input(0));
        let y = Term::leaf(Leaf::Input(1));
        let t = Term::bin(
            BinaryOp::Or,
            &Term::bin(BinaryOp::Add, &x, &y),
            &Term::un(UnaryOp::Not, &Term::leaf(Leaf::SMin)),
        );
        assert_eq!(t.size(), 3);
        assert_eq!(t.to_string(), "(bvor (bvadd $0 $1) (bvnot smin))");
        let mut b = Builder::new();
        let ins = [b.input("x", 8).unwrap(), b.input("y", 8).unwrap()];
        let root = t.lower(&mut b, &ins, 8).unwrap();
        let op = b
            .finish(
                "t",
                crate::ir::Domain::Words,
                vec!["r".into()],
                vec![vec![root]],
            )
            .unwrap()
            .compile();
        let mut m = op.machine();
        for (a, c) in [(1u64, 2u64), (200, 100), (0x80, 0x80)] {
            assert_eq!(m.run(&[a, c])[0], t.eval(&[a, c], 8));
        }
        assert_eq!(t.eval(&[1, 2], 8), 3 | 0x7f);
    }

    fn leaf_strategy() -> impl proptest::strategy::Strategy<Value = Arc<Term>> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..6).prop_map(|i| Term::leaf(Leaf::Input(i))),
            prop::sample::select(vec![
                Leaf::Zero,
                Leaf::One,
                Leaf::Ones,
                Leaf::SMin,
                Leaf::SMax
            ])
            .prop_map(Term::leaf),
        ]
    }

    /// Random terms with conditions, every operation of the IR tables reachable.
    fn term_strategy() -> impl proptest::strategy::Strategy<Value = Arc<Term>> {
        use proptest::prelude::*;
        leaf_strategy().prop_recursive(4, 24, 3, |inner| {
            let cond_leaf = (
                prop::sample::select(CompareOp::ALL.to_vec()),
                inner.clone(),
                inner.clone(),
            )
                .prop_map(|(op, x, y)| Arc::new(Cond::Cmp(op, x, y)));
            let cond = cond_leaf.prop_recursive(2, 6, 2, |c| {
                prop_oneof![
                    c.clone().prop_map(|x| Arc::new(Cond::Not(x))),
                    (c.clone(), c.clone()).prop_map(|(x, y)| Arc::new(Cond::And(x, y))),
                    (c.clone(), c.clone()).prop_map(|(x, y)| Arc::new(Cond::Or(x, y))),
                    (c.clone(), c).prop_map(|(x, y)| Arc::new(Cond::Iff(x, y))),
                ]
            });
            prop_oneof![
                (prop::sample::select(UnaryOp::ALL.to_vec()), inner.clone())
                    .prop_map(|(op, x)| Term::un(op, &x)),
                (
                    prop::sample::select(BinaryOp::ALL.to_vec()),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(op, x, y)| Term::bin(op, &x, &y)),
                (cond, inner.clone(), inner).prop_map(|(c, x, y)| Term::ite(&c, &x, &y)),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn printed_terms_parse_back_equal(t in term_strategy()) {
            let text = t.to_string();
            let back = Term::parse(&text);
            proptest::prop_assert_eq!(back.as_ref(), Ok(&t), "{}", text);
        }
    }

    #[test]
    fn a_rejected_record_field_parses() {
        let text = "(ite (iff (bvsaddo $0 $2) (bvsaddo $1 $3)) (bvadd $0 $2) smin)";
        let t = Term::parse(text).unwrap();
        assert_eq!(t.to_string(), text);
        // Whitespace is free between tokens.
        let spaced = Term::parse(" ( bvadd\n$0   ones ) ").unwrap();
        assert_eq!(spaced.to_string(), "(bvadd $0 ones)");
        let c = Cond::parse("(not (bvult $0 smax))").unwrap();
        assert_eq!(c.to_string(), "(not (bvult $0 smax))");
    }

    #[test]
    fn parse_errors_name_the_column() {
        let cases: [(&str, usize, &str); 9] = [
            ("", 1, "found the end"),
            ("(bvadd $0", 10, "found the end"),
            ("(bvfoo $0 $1)", 2, "unknown term operation `bvfoo`"),
            ("(bvadd $0 $1 $2)", 14, "expected `)`"),
            ("(bvadd $0 x)", 11, "found `x`"),
            ("$0 $1", 4, "unexpected text after the end"),
            ("(ite $0 $1 $2)", 6, "expected a condition"),
            ("(ite (nand $0 $1) $0 $1)", 7, "unknown condition `nand`"),
            ("$300", 1, "found `$300`"),
        ];
        for (text, column, message) in cases {
            let e = Term::parse(text).unwrap_err();
            assert_eq!(e.column, column, "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
            assert!(e.to_string().starts_with(&format!("column {column}:")));
        }
    }
}
