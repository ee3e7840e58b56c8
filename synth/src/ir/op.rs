//! The operations of the operator IR: one declarative table per kind of operation.
//!
//! Each line of a table names an operation, its SMT-LIB spelling (used by the text syntax) and its
//! semantics twice from one place: on any [`Word`] (the semantics every evaluator, concrete or
//! z3, runs) and on raw `u64` words of a given width (the compiled fast path). The two must agree;
//! `tests/ir.rs` checks them against each other exhaustively at small widths. The enums, their
//! names, the parser's lookup and both evaluators are generated from the tables, so adding an
//! operation is one line.
//!
//! Sorts follow SMT-LIB `QF_BV`: bit-vectors of 1 to 64 bits and booleans. Division and shifts
//! have SMT-LIB semantics (division by zero yields all ones, shifting by the width or more yields
//! zero), exactly as [`Word`] documents.

use absint::word::{sign_extend, width_mask, Bit, Word};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The sort of an IR value: a bit-vector of a width from 1 to 64, or a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sort {
    /// A condition.
    Bool,
    /// A bit-vector of this many bits.
    Bv(u32),
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sort::Bool => write!(f, "bool"),
            Sort::Bv(w) => write!(f, "bv{w}"),
        }
    }
}

/// `x`, `y` read as signed `w`-bit numbers, widened so that no operation on them overflows.
fn wide(x: u64, y: u64, w: u32) -> (i128, i128) {
    (sign_extend(x, w) as i128, sign_extend(y, w) as i128)
}

/// Does the mathematical result `r` fall outside the signed `w`-bit range?
fn out_of_signed_range(r: i128, w: u32) -> bool {
    r < -(1i128 << (w - 1)) || r >= (1i128 << (w - 1))
}

/// Generates the enum of one table, its names and its two semantics. The `unary` form binds
/// one operand, the `binary` form two; `$ret` says whether the symbolic result is a word or a
/// condition (`W::Bool`) and `$in` whether the operands are.
macro_rules! op_table {
    (
        $(#[$doc:meta])*
        $enum:ident, $arity:literal, $kind:ident, $in:ident -> $ret:ident : $fast_ret:ty {
            $( $(#[$vdoc:meta])* $var:ident $text:literal
               |$($s:ident),+| $sym:expr, |$($c:ident),+ ; $w:ident| $fast:expr; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $enum {
            $( $(#[$vdoc])* $var, )*
        }

        impl $enum {
            /// Every operation of this table, in table order.
            pub const ALL: &'static [$enum] = &[$($enum::$var),*];
            /// Number of operands.
            pub const ARITY: usize = $arity;

            /// The SMT-LIB-style name used by the text syntax.
            pub fn name(self) -> &'static str {
                match self { $($enum::$var => $text,)* }
            }

            /// The operation spelled `name`, if this table has it.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some($enum::$var),)* _ => None }
            }
        }

        op_table!(@$kind $enum, $in, $ret, $fast_ret, $( $var |$($s),+| $sym, |$($c),+ ; $w| $fast; )*);
    };
    (@binary $enum:ident, $in:ident, $ret:ident, $fast_ret:ty,
        $( $var:ident |$a:ident, $b:ident| $sym:expr, |$x:ident, $y:ident ; $w:ident| $fast:expr; )*) => {
        impl $enum {
            /// The semantics on any [`Word`]: the one definition every evaluator runs.
            pub fn eval<W: Word>(self, a: &op_table!(@ty $in W), b: &op_table!(@ty $in W)) -> op_table!(@ty $ret W) {
                match self {
                    $($enum::$var => { let ($a, $b) = (a, b); $sym })*
                }
            }

            /// The semantics on raw `width`-bit words held in `u64`s (bits above the width are
            /// zero). The result may have bits above the width set; the caller masks it.
            #[allow(unused_variables)]
            #[inline]
            pub fn fast(self, x: u64, y: u64, width: u32) -> $fast_ret {
                match self {
                    $($enum::$var => { let ($x, $y, $w) = (x, y, width); $fast })*
                }
            }
        }
    };
    (@unary $enum:ident, $in:ident, $ret:ident, $fast_ret:ty,
        $( $var:ident |$a:ident| $sym:expr, |$x:ident ; $w:ident| $fast:expr; )*) => {
        impl $enum {
            /// The semantics on any [`Word`]: the one definition every evaluator runs.
            pub fn eval<W: Word>(self, a: &op_table!(@ty $in W)) -> op_table!(@ty $ret W) {
                match self {
                    $($enum::$var => { let $a = a; $sym })*
                }
            }

            /// The semantics on a raw `width`-bit word held in a `u64` (bits above the width
            /// are zero). The result may have bits above the width set; the caller masks it.
            #[allow(unused_variables)]
            #[inline]
            pub fn fast(self, x: u64, width: u32) -> $fast_ret {
                match self {
                    $($enum::$var => { let ($x, $w) = (x, width); $fast })*
                }
            }
        }
    };
    (@ty word $W:ident) => { $W };
    (@ty cond $W:ident) => { $W::Bool };
}

op_table! {
    /// Bit-vector operations of two operands of one width, giving that width.
    BinaryOp, 2, binary, word -> word : u64 {
        /// Wrapping addition.
        Add "bvadd" |a, b| a.bvadd(b), |x, y; w| x.wrapping_add(y);
        /// Wrapping subtraction.
        Sub "bvsub" |a, b| a.bvsub(b), |x, y; w| x.wrapping_sub(y);
        /// Wrapping multiplication.
        Mul "bvmul" |a, b| a.bvmul(b), |x, y; w| x.wrapping_mul(y);
        /// Unsigned division; by zero, all ones.
        Udiv "bvudiv" |a, b| a.bvudiv(b), |x, y; w| x.checked_div(y).unwrap_or(u64::MAX);
        /// Unsigned remainder; by zero, the dividend.
        Urem "bvurem" |a, b| a.bvurem(b), |x, y; w| if y == 0 { x } else { x % y };
        /// Signed division truncating toward zero; by zero, -1 or 1 (SMT-LIB).
        Sdiv "bvsdiv" |a, b| a.bvsdiv(b), |x, y; w| {
            let (s, t) = wide(x, y, w);
            match t { 0 if s < 0 => 1, 0 => u64::MAX, _ => (s / t) as u64 }
        };
        /// Signed remainder with the sign of the dividend; by zero, the dividend.
        Srem "bvsrem" |a, b| a.bvsrem(b), |x, y; w| {
            let (s, t) = wide(x, y, w);
            if t == 0 { x } else { (s % t) as u64 }
        };
        /// Bitwise and.
        And "bvand" |a, b| a.bvand(b), |x, y; w| x & y;
        /// Bitwise or.
        Or "bvor" |a, b| a.bvor(b), |x, y; w| x | y;
        /// Bitwise exclusive or.
        Xor "bvxor" |a, b| a.bvxor(b), |x, y; w| x ^ y;
        /// Shift left; by the width or more, zero.
        Shl "bvshl" |a, b| a.bvshl(b), |x, y; w| if y >= w as u64 { 0 } else { x << y };
        /// Logical shift right; by the width or more, zero.
        Lshr "bvlshr" |a, b| a.bvlshr(b), |x, y; w| if y >= w as u64 { 0 } else { x >> y };
        /// Arithmetic shift right; by the width or more, all sign bits.
        Ashr "bvashr" |a, b| a.bvashr(b), |x, y; w| (sign_extend(x, w) >> y.min(63)) as u64;
        /// Unsigned minimum.
        Umin "bvumin" |a, b| a.umin(b), |x, y; w| x.min(y);
        /// Unsigned maximum.
        Umax "bvumax" |a, b| a.umax(b), |x, y; w| x.max(y);
        /// Signed minimum.
        Smin "bvsmin" |a, b| a.smin(b), |x, y; w| {
            if sign_extend(x, w) < sign_extend(y, w) { x } else { y }
        };
        /// Signed maximum.
        Smax "bvsmax" |a, b| a.smax(b), |x, y; w| {
            if sign_extend(x, w) < sign_extend(y, w) { y } else { x }
        };
    }
}

op_table! {
    /// Bit-vector operations of one operand, giving its width.
    UnaryOp, 1, unary, word -> word : u64 {
        /// Bitwise complement.
        Not "bvnot" |a| a.bvnot(), |x; w| !x;
        /// Two's complement negation.
        Neg "bvneg" |a| a.bvneg(), |x; w| x.wrapping_neg();
        /// Number of leading zeros (the width for zero), as a word of the same width.
        Clz "clz" |a| a.clz(), |x; w| u64::from((x << (64 - w)).leading_zeros().min(w));
    }
}

op_table! {
    /// Predicates on two bit-vectors of one width.
    CompareOp, 2, binary, word -> cond : bool {
        /// Equality.
        Eq "eq" |a, b| Word::eq(a, b), |x, y; w| x == y;
        /// Unsigned less-than.
        Ult "bvult" |a, b| a.bvult(b), |x, y; w| x < y;
        /// Unsigned less-or-equal.
        Ule "bvule" |a, b| a.bvule(b), |x, y; w| x <= y;
        /// Signed less-than.
        Slt "bvslt" |a, b| a.bvslt(b), |x, y; w| sign_extend(x, w) < sign_extend(y, w);
        /// Signed less-or-equal.
        Sle "bvsle" |a, b| a.bvsle(b), |x, y; w| sign_extend(x, w) <= sign_extend(y, w);
        /// Would the unsigned sum overflow?
        Uaddo "bvuaddo" |a, b| a.uadd_overflows(b), |x, y; w| {
            x as u128 + y as u128 > width_mask(w) as u128
        };
        /// Would the unsigned difference underflow?
        Usubo "bvusubo" |a, b| a.usub_overflows(b), |x, y; w| x < y;
        /// Would the unsigned product overflow?
        Umulo "bvumulo" |a, b| a.umul_overflows(b), |x, y; w| {
            x as u128 * y as u128 > width_mask(w) as u128
        };
        /// Would the signed sum overflow?
        Saddo "bvsaddo" |a, b| a.sadd_overflows(b), |x, y; w| {
            let (s, t) = wide(x, y, w);
            out_of_signed_range(s + t, w)
        };
        /// Would the signed difference overflow?
        Ssubo "bvssubo" |a, b| a.ssub_overflows(b), |x, y; w| {
            let (s, t) = wide(x, y, w);
            out_of_signed_range(s - t, w)
        };
        /// Would the signed product overflow?
        Smulo "bvsmulo" |a, b| a.smul_overflows(b), |x, y; w| {
            let (s, t) = wide(x, y, w);
            out_of_signed_range(s * t, w)
        };
    }
}

op_table! {
    /// Connectives on two conditions.
    LogicOp, 2, binary, cond -> cond : bool {
        /// Conjunction.
        And "and" |a, b| a.and(b), |x, y; w| (x & y) != 0;
        /// Disjunction.
        Or "or" |a, b| a.or(b), |x, y; w| (x | y) != 0;
    }
}

/// One operation of the IR, with its immediate parameters.
///
/// The table-driven kinds ([`BinaryOp`], [`UnaryOp`], [`CompareOp`], [`LogicOp`]) carry their
/// semantics; the structural ones below are interpreted directly by each evaluator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// The operator's input of this index.
    Input(u32),
    /// A bit-vector constant (the value is truncated to the width).
    Const {
        /// Width in bits.
        width: u32,
        /// The value.
        value: u64,
    },
    /// A boolean constant.
    Bool(bool),
    /// A binary bit-vector operation.
    Binary(BinaryOp),
    /// A unary bit-vector operation.
    Unary(UnaryOp),
    /// A comparison or overflow predicate.
    Compare(CompareOp),
    /// A connective of two conditions.
    Logic(LogicOp),
    /// Negation of a condition (`not`).
    Not,
    /// `ite c x y`: `x` if `c` holds, else `y`.
    Ite,
    /// Bits `hi..=lo`.
    Extract {
        /// Highest bit kept.
        hi: u32,
        /// Lowest bit kept.
        lo: u32,
    },
    /// Zero-extension to this width.
    Zext(u32),
    /// Sign-extension to this width.
    Sext(u32),
    /// The first operand as the high bits, the second as the low ones.
    Concat,
}

/// Names of the structural operations in the text syntax, with their immediate counts.
const STRUCTURAL: &[(&str, usize)] = &[
    ("not", 0),
    ("ite", 0),
    ("extract", 2),
    ("zext", 1),
    ("sext", 1),
    ("concat", 0),
];

impl Op {
    /// The name in the text syntax (`None` for inputs and constants, which are written inline).
    pub fn name(&self) -> Option<&'static str> {
        Some(match self {
            Op::Input(_) | Op::Const { .. } | Op::Bool(_) => return None,
            Op::Binary(o) => o.name(),
            Op::Unary(o) => o.name(),
            Op::Compare(o) => o.name(),
            Op::Logic(o) => o.name(),
            Op::Not => "not",
            Op::Ite => "ite",
            Op::Extract { .. } => "extract",
            Op::Zext(_) => "zext",
            Op::Sext(_) => "sext",
            Op::Concat => "concat",
        })
    }

    /// The immediate parameters, in text order.
    pub fn immediates(&self) -> Vec<u32> {
        match *self {
            Op::Extract { hi, lo } => vec![hi, lo],
            Op::Zext(w) | Op::Sext(w) => vec![w],
            _ => vec![],
        }
    }

    /// How many immediates the operation spelled `name` takes, if it is an operation.
    pub fn immediate_count(name: &str) -> Option<usize> {
        if BinaryOp::from_name(name).is_some()
            || UnaryOp::from_name(name).is_some()
            || CompareOp::from_name(name).is_some()
            || LogicOp::from_name(name).is_some()
        {
            return Some(0);
        }
        STRUCTURAL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, count)| count)
    }

    /// The operation spelled `name` with these immediates (as many as
    /// [`Op::immediate_count`] says).
    pub fn from_parts(name: &str, imm: &[u32]) -> Option<Op> {
        if let Some(o) = BinaryOp::from_name(name) {
            return Some(Op::Binary(o));
        }
        if let Some(o) = UnaryOp::from_name(name) {
            return Some(Op::Unary(o));
        }
        if let Some(o) = CompareOp::from_name(name) {
            return Some(Op::Compare(o));
        }
        if let Some(o) = LogicOp::from_name(name) {
            return Some(Op::Logic(o));
        }
        Some(match (name, imm) {
            ("not", []) => Op::Not,
            ("ite", []) => Op::Ite,
            ("extract", &[hi, lo]) => Op::Extract { hi, lo },
            ("zext", &[w]) => Op::Zext(w),
            ("sext", &[w]) => Op::Sext(w),
            ("concat", []) => Op::Concat,
            _ => return None,
        })
    }

    /// The sort of the result given the operands' sorts, or why they do not fit.
    ///
    /// `inputs` gives the sorts of the operator's inputs (for [`Op::Input`]).
    pub fn sort(&self, args: &[Sort], inputs: &[Sort]) -> Result<Sort, String> {
        let want = |n: usize| -> Result<(), String> {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!("takes {n} operands, got {}", args.len()))
            }
        };
        let bv = |s: Sort| -> Result<u32, String> {
            match s {
                Sort::Bv(w) => Ok(w),
                Sort::Bool => Err("expects a bit-vector operand, got bool".into()),
            }
        };
        let same = |a: Sort, b: Sort| -> Result<u32, String> {
            let (x, y) = (bv(a)?, bv(b)?);
            if x == y {
                Ok(x)
            } else {
                Err(format!("operands of different widths: bv{x} and bv{y}"))
            }
        };
        let width = |w: u32| -> Result<u32, String> {
            if (1..=64).contains(&w) {
                Ok(w)
            } else {
                Err(format!("width {w} outside 1..=64"))
            }
        };
        match *self {
            Op::Input(i) => {
                want(0)?;
                inputs
                    .get(i as usize)
                    .copied()
                    .ok_or_else(|| format!("no input number {i}"))
            }
            Op::Const { width: w, value } => {
                want(0)?;
                let w = width(w)?;
                if value & !width_mask(w) != 0 {
                    return Err(format!("constant {value:#x} does not fit in {w} bits"));
                }
                Ok(Sort::Bv(w))
            }
            Op::Bool(_) => want(0).map(|()| Sort::Bool),
            Op::Binary(_) => {
                want(2)?;
                Ok(Sort::Bv(same(args[0], args[1])?))
            }
            Op::Unary(_) => {
                want(1)?;
                Ok(Sort::Bv(bv(args[0])?))
            }
            Op::Compare(_) => {
                want(2)?;
                same(args[0], args[1]).map(|_| Sort::Bool)
            }
            Op::Logic(_) | Op::Not => {
                want(if *self == Op::Not { 1 } else { 2 })?;
                if args.iter().all(|s| *s == Sort::Bool) {
                    Ok(Sort::Bool)
                } else {
                    Err("expects bool operands".into())
                }
            }
            Op::Ite => {
                want(3)?;
                if args[0] != Sort::Bool {
                    return Err("the condition of ite must be bool".into());
                }
                Ok(Sort::Bv(same(args[1], args[2])?))
            }
            Op::Extract { hi, lo } => {
                want(1)?;
                let w = bv(args[0])?;
                if lo <= hi && hi < w {
                    Ok(Sort::Bv(hi - lo + 1))
                } else {
                    Err(format!("extract {hi} {lo} of a bv{w}"))
                }
            }
            Op::Zext(to) | Op::Sext(to) => {
                want(1)?;
                let w = bv(args[0])?;
                if w <= to && to <= 64 {
                    Ok(Sort::Bv(to))
                } else {
                    Err(format!("extension of a bv{w} to {to} bits"))
                }
            }
            Op::Concat => {
                want(2)?;
                let w = bv(args[0])? + bv(args[1])?;
                Ok(Sort::Bv(width(w)?))
            }
        }
    }

    /// Evaluate on raw words: `args` are the operands' values (booleans as 0 or 1),
    /// `arg_width` the width of the first bit-vector operand (or of the second for `ite` and
    /// `concat`: see the code) and `result` the result's sort. The result is masked to its width.
    ///
    /// This is the fast path's semantics, shared by constant folding and the compiled machine.
    #[inline]
    pub fn fast(&self, args: [u64; 3], arg_width: u32, result: Sort) -> u64 {
        let mask = match result {
            Sort::Bool => 1,
            Sort::Bv(w) => width_mask(w),
        };
        let [a, b, c] = args;
        let v = match *self {
            Op::Input(_) => a,
            Op::Const { value, .. } => value,
            Op::Bool(x) => u64::from(x),
            Op::Binary(o) => o.fast(a, b, arg_width),
            Op::Unary(o) => o.fast(a, arg_width),
            Op::Compare(o) => u64::from(o.fast(a, b, arg_width)),
            Op::Logic(o) => u64::from(o.fast(a, b, arg_width)),
            Op::Not => not_fast(a),
            Op::Ite => ite_fast(a, b, c),
            Op::Extract { lo, .. } => a >> lo,
            Op::Zext(_) => a,
            Op::Sext(_) => sign_extend(a, arg_width) as u64,
            // For concat, `arg_width` is the low operand's width.
            Op::Concat => (a << arg_width) | b,
        };
        v & mask
    }
}

/// `not` on a condition held as 0 or 1.
#[inline(always)]
pub(crate) fn not_fast(c: u64) -> u64 {
    c ^ 1
}

/// `ite` on raw words: `x` if the condition (0 or 1) is set, else `y`.
#[inline(always)]
pub(crate) fn ite_fast(c: u64, x: u64, y: u64) -> u64 {
    if c != 0 {
        x
    } else {
        y
    }
}
