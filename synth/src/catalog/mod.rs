//! The catalog: every abstract operator Vernier can check, as data.
//!
//! An [`Operator`] is a named pair of an abstract transfer function and the concrete operation
//! it over-approximates, both runnable on any [`Word`] (concretely on [`Bv`], symbolically on
//! [`Z3Word`]). It declares the [`Kind`] of each argument and of its result; a kind knows its
//! well-formedness and membership predicates ([`Abs::well_formed`], [`Abs::contains`]), so the
//! checker in [`crate::verify`] can state soundness for every operator in one way:
//!
//! ```text
//! ∀ well-formed args a₁…aₙ, ∀ members xᵢ ∈ γ(aᵢ), pre(a, x) ⟹
//!     op(x) ∈ γ(op#(a))  ∧  op#(a) well-formed  ∧  post(a, x)
//! ```
//!
//! An argument of kind [`Kind::Word`] is an exact operand (a shift amount, an immediate, a
//! selector): its only member is itself.
//!
//! # Names
//!
//! `<domain>.<operator>[.<variant>]`, lower case:
//! - `tnum.*`: the tnum operators of [`absint::domain::tnum`] at any width (`tnum.add`,
//!   `tnum.mul`, `tnum.mul.v5_13`, `tnum.lshift` by a known amount, `tnum.lshift.any` by any
//!   amount, `tnum.cast1`, `tnum.bswap32` …);
//! - `uint.*` / `sint.*`: the unsigned / signed interval operators of
//!   [`absint::domain::interval`] at any width (`uint.add`, `sint.mul`, `uint.shl.k` by a
//!   known amount, `uint.shl` by an interval amount …);
//! - `kernel.*`: the Linux 6.18 register-level steps of [`absint::domain::kernel::alu`] on
//!   64-bit registers with 32-bit subregisters: `kernel.alu64.add` (register source),
//!   `kernel.alu64.add.k` (immediate), `kernel.alu32.lsh`, `kernel.neg32`, `kernel.mov64`,
//!   `kernel.movsx64.s8`, `kernel.end.be16` …;
//! - `hist.*`: historical kernel operators known to be unsound ([`crate::historical`]);
//! - `mutant.*`: a deliberately broken copy beside each reference operator, which the checker
//!   must refute.
//!
//! New operators (e.g. synthesized ones) join by implementing [`GenericOperator`] (or
//! [`Operator`] directly) and calling [`Catalog::push`].

use crate::ir::Traced;
use crate::smt::Z3Word;
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::kernel::sync::is_valid;
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::logfmt::format_scalar;
use absint::word::{Bit, Bv, Word};
use std::fmt;
use std::sync::Arc;

pub mod interval;
pub mod kernel;
pub mod mutant;
pub mod tnum;

/// The width of a [`Kind::Word`] argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordWidth {
    /// The operator's width.
    Op,
    /// A fixed number of bits.
    Bits(u32),
}

/// What an argument or a result is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A tnum of the operator's width.
    Tnum,
    /// An unsigned interval of the operator's width.
    UInt,
    /// A signed interval of the operator's width.
    SInt,
    /// A 64-bit register state (tnum and eight bounds); members are 64-bit words.
    Scalar,
    /// An exact word (its only member is itself).
    Word(WordWidth),
}

impl Kind {
    /// The width of the members of a value of this kind, for an operator of width `width`.
    pub fn member_width(self, width: u32) -> u32 {
        match self {
            Kind::Tnum | Kind::UInt | Kind::SInt | Kind::Word(WordWidth::Op) => width,
            Kind::Scalar => 64,
            Kind::Word(WordWidth::Bits(n)) => n,
        }
    }
}

/// An abstract value (or exact operand) over words of type `W`.
#[derive(Clone, Debug)]
pub enum Abs<W: Word> {
    /// A tnum.
    Tnum(Tnum<W>),
    /// An unsigned interval.
    UInt(UInterval<W>),
    /// A signed interval.
    SInt(SInterval<W>),
    /// A register state; for AND/OR the verifier may also fork: when `fork`'s condition holds it
    /// explores a second state too, and a member of either state is covered.
    Scalar {
        /// The state the verifier continues with.
        state: Scalar<W>,
        /// The condition and the state of the second explored path, if any.
        fork: Option<(W::Bool, Scalar<W>)>,
    },
    /// An exact word.
    Word(W),
}

impl<W: Word> Abs<W> {
    /// A plain register state (no fork).
    pub fn scalar(state: Scalar<W>) -> Self {
        Abs::Scalar { state, fork: None }
    }

    /// Is the value well-formed? Tnums: `value & mask == 0`; intervals: `lo ≤ hi`; register
    /// states: a well-formed tnum and the kernel's `reg_bounds_sanity_check`
    /// ([`is_valid`]), for the forked state too when the fork happens.
    pub fn well_formed(&self) -> W::Bool {
        match self {
            Abs::Tnum(t) => t.is_well_formed(),
            Abs::UInt(i) => i.is_well_formed(),
            Abs::SInt(i) => i.is_well_formed(),
            Abs::Scalar { state, fork } => {
                let ok = scalar_well_formed(state);
                match fork {
                    None => ok,
                    Some((cond, pushed)) => ok.and(&cond.not().or(&scalar_well_formed(pushed))),
                }
            }
            Abs::Word(w) => w.bool_const(true),
        }
    }

    /// Is `x` in γ(self)?
    pub fn contains(&self, x: &W) -> W::Bool {
        match self {
            Abs::Tnum(t) => t.contains(x),
            Abs::UInt(i) => i.contains(x),
            Abs::SInt(i) => i.contains(x),
            Abs::Scalar { state, fork } => {
                let direct = state.contains(x);
                match fork {
                    None => direct,
                    Some((cond, pushed)) => direct.or(&cond.and(&pushed.contains(x))),
                }
            }
            Abs::Word(w) => w.eq(x),
        }
    }

    /// The tnum; panics on another kind (a bug in an operator's declaration).
    pub fn tnum(&self) -> &Tnum<W> {
        match self {
            Abs::Tnum(t) => t,
            other => panic!("expected a tnum, got {other:?}"),
        }
    }
    /// The unsigned interval; panics on another kind.
    pub fn uint(&self) -> &UInterval<W> {
        match self {
            Abs::UInt(i) => i,
            other => panic!("expected an unsigned interval, got {other:?}"),
        }
    }
    /// The signed interval; panics on another kind.
    pub fn sint(&self) -> &SInterval<W> {
        match self {
            Abs::SInt(i) => i,
            other => panic!("expected a signed interval, got {other:?}"),
        }
    }
    /// The register state (the continued one); panics on another kind.
    pub fn state(&self) -> &Scalar<W> {
        match self {
            Abs::Scalar { state, .. } => state,
            other => panic!("expected a register state, got {other:?}"),
        }
    }
    /// The exact word; panics on another kind.
    pub fn word(&self) -> &W {
        match self {
            Abs::Word(w) => w,
            other => panic!("expected a word, got {other:?}"),
        }
    }
}

/// A register state is well-formed when its tnum is and it passes `reg_bounds_sanity_check`.
fn scalar_well_formed<W: Word>(s: &Scalar<W>) -> W::Bool {
    s.var_off.is_well_formed().and(&is_valid(s))
}

/// Prints in the kernel log's syntax: tnums `(0x1; 0x6)`, unsigned intervals `[1, 7]`, signed
/// intervals `[-2, 7]`, register states as `format_scalar` does, words in hex.
impl fmt::Display for Abs<Bv> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Abs::Tnum(t) => write!(f, "{t}"),
            Abs::UInt(i) => write!(f, "{i}"),
            Abs::SInt(i) => write!(f, "{i}"),
            Abs::Scalar { state, fork } => {
                write!(f, "{}", format_scalar(state))?;
                if let Some((true, pushed)) = fork {
                    write!(f, " and, forked, {}", format_scalar(pushed))?;
                }
                Ok(())
            }
            Abs::Word(w) => write!(f, "{:#x}", w.get()),
        }
    }
}

/// One application of an operator: the abstract result, the concrete result and the side
/// conditions.
#[derive(Clone, Debug)]
pub struct Eval<W: Word> {
    /// The abstract transfer function's result.
    pub result: Abs<W>,
    /// The concrete operation on the members.
    pub concrete: W,
    /// The precondition (on arguments and members) under which soundness is claimed.
    pub pre: W::Bool,
    /// An extra obligation beyond membership and well-formedness (usually `true`).
    pub post: W::Bool,
}

impl<W: Word> Eval<W> {
    /// An evaluation with no precondition and no extra obligation.
    pub fn plain(result: Abs<W>, concrete: W) -> Self {
        let t = concrete.bool_const(true);
        Eval {
            result,
            concrete,
            pre: t.clone(),
            post: t,
        }
    }
    /// The same evaluation under precondition `pre`.
    pub fn with_pre(mut self, pre: W::Bool) -> Self {
        self.pre = pre;
        self
    }
}

/// An operator, written once over any [`Word`]. Implement this; [`Operator`] follows.
pub trait GenericOperator: Send + Sync {
    /// The catalog name (see the module docs).
    fn name(&self) -> &str;
    /// One line saying what it is.
    fn summary(&self) -> &str;
    /// The kinds of the arguments.
    fn args(&self) -> Vec<Kind>;
    /// The kind of the result.
    fn result(&self) -> Kind;
    /// Can it be instantiated at `width` bits? (Register steps: only 64.)
    fn supports_width(&self, width: u32) -> bool;
    /// Apply at `width` bits to the abstract `args` and to one member of each.
    fn eval<W: Word>(&self, width: u32, args: &[Abs<W>], members: &[W]) -> Eval<W>;
}

/// An operator as the checker uses it (object-safe: one evaluation per word type).
pub trait Operator: Send + Sync {
    /// The catalog name.
    fn name(&self) -> &str;
    /// One line saying what it is.
    fn summary(&self) -> &str;
    /// The kinds of the arguments.
    fn args(&self) -> Vec<Kind>;
    /// The kind of the result.
    fn result(&self) -> Kind;
    /// Can it be instantiated at `width` bits?
    fn supports_width(&self, width: u32) -> bool;
    /// Evaluate on concrete words.
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv>;
    /// Evaluate on z3 terms (build the SMT encoding).
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word>;
    /// Evaluate on tracing words: records the operator's IR ([`crate::ir::library::from_catalog`]).
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced>;
}

impl<T: GenericOperator> Operator for T {
    fn name(&self) -> &str {
        GenericOperator::name(self)
    }
    fn summary(&self) -> &str {
        GenericOperator::summary(self)
    }
    fn args(&self) -> Vec<Kind> {
        GenericOperator::args(self)
    }
    fn result(&self) -> Kind {
        GenericOperator::result(self)
    }
    fn supports_width(&self, width: u32) -> bool {
        GenericOperator::supports_width(self, width)
    }
    fn eval_bv(&self, width: u32, args: &[Abs<Bv>], members: &[Bv]) -> Eval<Bv> {
        self.eval(width, args, members)
    }
    fn eval_z3(&self, width: u32, args: &[Abs<Z3Word>], members: &[Z3Word]) -> Eval<Z3Word> {
        self.eval(width, args, members)
    }
    fn eval_traced(&self, width: u32, args: &[Abs<Traced>], members: &[Traced]) -> Eval<Traced> {
        self.eval(width, args, members)
    }
}

/// An ordered, named collection of operators.
#[derive(Clone, Default)]
pub struct Catalog {
    entries: Vec<Arc<dyn Operator>>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Catalog::default()
    }

    /// Every reference operator: tnum, interval and kernel steps (no historical, no mutant).
    pub fn reference() -> Self {
        let mut c = Catalog::new();
        for op in tnum::operators() {
            c.push(op);
        }
        for op in interval::operators() {
            c.push(op);
        }
        for op in crate::pieces::operators() {
            c.push(op);
        }
        for op in kernel::operators() {
            c.push(op);
        }
        c
    }

    /// Every operator the checker must refute: the historical unsound ones and the mutants.
    pub fn unsound() -> Self {
        let mut c = Catalog::new();
        for op in crate::historical::operators() {
            c.push(op);
        }
        for op in mutant::operators() {
            c.push(op);
        }
        c
    }

    /// Reference, then historical and mutants.
    pub fn all() -> Self {
        let mut c = Catalog::reference();
        c.entries.extend(Catalog::unsound().entries);
        c
    }

    /// Add an operator (after the existing ones).
    pub fn push(&mut self, op: Arc<dyn Operator>) {
        self.entries.push(op);
    }

    /// The operator named `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Operator>> {
        self.entries.iter().find(|op| op.name() == name)
    }

    /// Every operator, in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Operator>> {
        self.entries.iter()
    }

    /// Number of operators.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Is the catalog empty?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
