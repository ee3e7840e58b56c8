//! Rust for an IR operator.
//!
//! [`function`] writes one self-contained `pub fn` on unsigned words: one argument per IR input
//! (`a_value: u64`, `a_mask: u64` …; signed bounds are passed as their bit patterns), a tuple of
//! the output fields as the result (a single word for a one-output words operator). Arithmetic is
//! `wrapping_*`; the cases Rust would panic on or define differently from SMT-LIB (shifts by the
//! width or more, division by zero, `MIN / -1`) have explicit guards in small helper functions
//! nested in the body, so the function needs nothing outside itself. Values of widths other than
//! 8, 16, 32 and 64 are held in the next wider type and masked after every operation.
//!
//! [`harness`] wraps functions in a test program; the tests compile it with `rustc` (debug
//! assertions on, warnings denied) and compare with [`Operator::eval`].

use super::{
    identifier, is_inline, literal, native, operand_width, storage, width_of, EmitError, Shape,
};
use crate::ir::op::{BinaryOp, CompareOp, LogicOp, UnaryOp};
use crate::ir::{Domain, Op, Operator};
use absint::word::width_mask;
use std::fmt::Write as _;

/// The unsigned Rust type of a `w`-bit value (`bool` for a condition, `w == 0`).
fn rtype(w: u32) -> String {
    if w == 0 {
        "bool".into()
    } else {
        format!("u{}", storage(w))
    }
}

/// A Rust literal of width `w`, with its type suffix.
fn rlit(value: u64, w: u32) -> String {
    format!("{}_{}", literal(value), rtype(w))
}

/// The all-ones word of width `w`.
fn rmask(w: u32) -> String {
    rlit(width_mask(w), w)
}

/// The Rust emitter of one operator.
struct Emitter<'a> {
    op: &'a Operator,
    shape: Shape,
    /// Nested helper functions in definition order: (name, code).
    helpers: Vec<(String, String)>,
    body: String,
    fresh: u32,
}

impl<'a> Emitter<'a> {
    fn helper(&mut self, name: &str, code: String) {
        if !self.helpers.iter().any(|(n, _)| n == name) {
            self.helpers.push((name.to_string(), code));
        }
    }

    /// The helper reading a `w`-bit word as a signed number, as an `i64`.
    fn sext_helper(&mut self, w: u32) -> String {
        let name = format!("vn_sext{w}");
        let t = rtype(w);
        let body = if w == 64 {
            "x as i64".to_string()
        } else if native(w) {
            format!("x as i{w} as i64")
        } else {
            format!("((x as u64) << {s}) as i64 >> {s}", s = 64 - w)
        };
        self.helper(
            &name,
            format!("fn {name}(x: {t}) -> i64 {{\n    {body}\n}}"),
        );
        name
    }

    /// `x` read as a signed `w`-bit number (parenthesized).
    fn signed(&mut self, x: &str, w: u32) -> String {
        if native(w) {
            format!("({x} as i{w})")
        } else {
            let f = self.sext_helper(w);
            format!("{f}({x})")
        }
    }

    /// `expr` masked to `w` bits when `w` is not a Rust type's width.
    fn wrap(expr: String, w: u32) -> String {
        if native(w) {
            expr
        } else {
            format!("({expr}) & {}", rmask(w))
        }
    }

    /// The guarded helper of a shift or a signed division at width `w`.
    fn binary_helper(&mut self, o: BinaryOp, w: u32) -> String {
        let t = rtype(w);
        let m = rmask(w);
        let name = format!("vn_{}{w}", o.name().trim_start_matches("bv"));
        let body = match o {
            BinaryOp::Shl => format!(
                "// By the width or more, 0 (Rust would panic).\n    if k >= {w} {{ 0 }} else {{ {} }}",
                Self::wrap("x << k".to_string(), w)
            ),
            BinaryOp::Lshr => format!("if k >= {w} {{ 0 }} else {{ x >> k }}"),
            BinaryOp::Ashr => {
                let sx = self.sext_helper(w);
                format!(
                    "// By the width or more, all sign bits.\n    (({sx}(x) >> k.min({})) as u64 & {}) as {t}",
                    w - 1,
                    rlit(width_mask(w), 64)
                )
            }
            BinaryOp::Sdiv => {
                let sx = self.sext_helper(w);
                format!(
                    "let (a, b) = ({sx}(x), {sx}(y));\n    \
                     // By 0, 1 for a negative dividend and all ones otherwise (SMT-LIB); MIN / -1 wraps.\n    \
                     if b == 0 {{\n        if a < 0 {{ 1 }} else {{ {m} }}\n    }} else {{\n        \
                     (a.wrapping_div(b) as u64 & {}) as {t}\n    }}",
                    rlit(width_mask(w), 64)
                )
            }
            _ => {
                // Srem: the only other binary operation given a helper.
                let sx = self.sext_helper(w);
                format!(
                    "let (a, b) = ({sx}(x), {sx}(y));\n    \
                     // By 0, the dividend (SMT-LIB); MIN % -1 is 0.\n    \
                     if b == 0 {{\n        x\n    }} else {{\n        \
                     (a.wrapping_rem(b) as u64 & {}) as {t}\n    }}",
                    rlit(width_mask(w), 64)
                )
            }
        };
        let second = if matches!(o, BinaryOp::Shl | BinaryOp::Lshr | BinaryOp::Ashr) {
            "k"
        } else {
            "y"
        };
        self.helper(
            &name,
            format!("fn {name}(x: {t}, {second}: {t}) -> {t} {{\n    {body}\n}}"),
        );
        name
    }

    /// The helper of a signed overflow predicate at width `w` (computed exactly in `i128`).
    fn overflow_helper(&mut self, o: CompareOp, w: u32) -> String {
        let t = rtype(w);
        let name = format!("vn_{}{w}", o.name().trim_start_matches("bv"));
        let sx = self.sext_helper(w);
        let op = match o {
            CompareOp::Saddo => "+",
            CompareOp::Ssubo => "-",
            _ => "*",
        };
        self.helper(
            &name,
            format!(
                "fn {name}(x: {t}, y: {t}) -> bool {{\n    \
                 let r = {sx}(x) as i128 {op} {sx}(y) as i128;\n    \
                 r < -(1_i128 << {s}) || r >= (1_i128 << {s})\n}}",
                s = w - 1
            ),
        );
        name
    }

    /// How an operand is written.
    fn val(&self, id: u32) -> String {
        let node = &self.op.nodes()[id as usize];
        match node.op {
            Op::Const { width, value } => rlit(value, width),
            Op::Bool(b) => b.to_string(),
            Op::Input(i) => {
                let input = &self.op.inputs()[i as usize];
                let name = identifier(&input.name);
                if native(input.width) {
                    name
                } else {
                    format!("({name} & {})", rmask(input.width))
                }
            }
            _ => format!("t{id}"),
        }
    }

    /// The expression computing node `id`.
    fn expr(&mut self, id: u32) -> String {
        let node = self.op.nodes()[id as usize].clone();
        let a = |i: usize| self.val(node.args[i]);
        let w = operand_width(self.op, id);
        let rw = width_of(self.op, id);
        match node.op {
            Op::Input(_) | Op::Const { .. } | Op::Bool(_) => self.val(id),
            Op::Binary(o) => {
                let (x, y) = (a(0), a(1));
                match o {
                    BinaryOp::Add => Self::wrap(format!("{x}.wrapping_add({y})"), w),
                    BinaryOp::Sub => Self::wrap(format!("{x}.wrapping_sub({y})"), w),
                    BinaryOp::Mul => Self::wrap(format!("{x}.wrapping_mul({y})"), w),
                    BinaryOp::Udiv => {
                        format!("if {y} == 0 {{ {} }} else {{ {x} / {y} }}", rmask(w))
                    }
                    BinaryOp::Urem => format!("if {y} == 0 {{ {x} }} else {{ {x} % {y} }}"),
                    BinaryOp::And => format!("{x} & {y}"),
                    BinaryOp::Or => format!("{x} | {y}"),
                    BinaryOp::Xor => format!("{x} ^ {y}"),
                    BinaryOp::Umin => format!("{x}.min({y})"),
                    BinaryOp::Umax => format!("{x}.max({y})"),
                    BinaryOp::Smin | BinaryOp::Smax => {
                        let (sx, sy) = (self.signed(&x, w), self.signed(&y, w));
                        let (first, second) = if o == BinaryOp::Smin {
                            (&x, &y)
                        } else {
                            (&y, &x)
                        };
                        format!("if {sx} < {sy} {{ {first} }} else {{ {second} }}")
                    }
                    BinaryOp::Shl
                    | BinaryOp::Lshr
                    | BinaryOp::Ashr
                    | BinaryOp::Sdiv
                    | BinaryOp::Srem => {
                        let f = self.binary_helper(o, w);
                        format!("{f}({x}, {y})")
                    }
                }
            }
            Op::Unary(o) => {
                let x = a(0);
                match o {
                    UnaryOp::Not => Self::wrap(format!("!{x}"), w),
                    UnaryOp::Neg => Self::wrap(format!("{x}.wrapping_neg()"), w),
                    UnaryOp::Clz => {
                        // leading_zeros of 0 is the type's width: no guard needed.
                        let extra = storage(w) - w;
                        if extra == 0 {
                            format!("{x}.leading_zeros() as {}", rtype(w))
                        } else {
                            format!("({x}.leading_zeros() - {extra}) as {}", rtype(w))
                        }
                    }
                }
            }
            Op::Compare(o) => {
                let (x, y) = (a(0), a(1));
                match o {
                    CompareOp::Eq => format!("{x} == {y}"),
                    CompareOp::Ult | CompareOp::Usubo => format!("{x} < {y}"),
                    CompareOp::Ule => format!("{x} <= {y}"),
                    CompareOp::Slt | CompareOp::Sle => {
                        let (sx, sy) = (self.signed(&x, w), self.signed(&y, w));
                        let rel = if o == CompareOp::Slt { "<" } else { "<=" };
                        format!("{sx} {rel} {sy}")
                    }
                    CompareOp::Uaddo => {
                        format!(
                            "({x} as u128 + {y} as u128) > {}_u128",
                            literal(width_mask(w))
                        )
                    }
                    CompareOp::Umulo => {
                        format!(
                            "({x} as u128 * {y} as u128) > {}_u128",
                            literal(width_mask(w))
                        )
                    }
                    CompareOp::Saddo | CompareOp::Ssubo | CompareOp::Smulo => {
                        let f = self.overflow_helper(o, w);
                        format!("{f}({x}, {y})")
                    }
                }
            }
            Op::Logic(o) => {
                let rel = if o == LogicOp::And { "&&" } else { "||" };
                format!("{} {rel} {}", a(0), a(1))
            }
            Op::Not => format!("!{}", a(0)),
            Op::Ite => format!("if {} {{ {} }} else {{ {} }}", a(0), a(1), a(2)),
            Op::Extract { lo, .. } => {
                let x = a(0);
                let shifted = if lo == 0 { x } else { format!("({x} >> {lo})") };
                if native(rw) && storage(w) > rw {
                    format!("{shifted} as {}", rtype(rw))
                } else if native(rw) {
                    shifted
                } else {
                    format!("({shifted} & {}) as {}", rlit(width_mask(rw), w), rtype(rw))
                }
            }
            Op::Zext(_) => format!("{} as {}", a(0), rtype(rw)),
            Op::Sext(_) => {
                let x = a(0);
                let f = self.sext_helper(w);
                format!(
                    "({f}({x}) as u64 & {}) as {}",
                    rlit(width_mask(rw), 64),
                    rtype(rw)
                )
            }
            Op::Concat => {
                let lw = width_of(self.op, node.args[1]);
                format!("({} as {t}) << {lw} | {} as {t}", a(0), a(1), t = rtype(rw))
            }
        }
    }

    /// A fresh local for the meet.
    fn local(&mut self, w: u32, e: String) -> String {
        let name = format!("m{}", self.fresh);
        self.fresh += 1;
        let _ = writeln!(self.body, "    let {name}: {} = {e};", rtype(w));
        name
    }

    /// The meet of two results in the operator's domain.
    fn meet(&mut self, a: &[String], b: &[String], widths: &[u32]) -> Vec<String> {
        let mut out = Vec::new();
        let tnum = |s: &mut Self, out: &mut Vec<String>, i: usize| {
            let w = widths[i];
            let mu = s.local(w, format!("{} & {}", a[i + 1], b[i + 1]));
            let v = s.local(w, format!("({} | {}) & !{mu}", a[i], b[i]));
            out.push(v);
            out.push(mu);
        };
        let bounds = |s: &mut Self, out: &mut Vec<String>, i: usize, signed: bool| {
            let w = widths[i];
            let (lo, hi) = if signed {
                let (sa, sb) = (s.signed(&a[i], w), s.signed(&b[i], w));
                let (ta, tb) = (s.signed(&a[i + 1], w), s.signed(&b[i + 1], w));
                (
                    format!("if {sa} > {sb} {{ {} }} else {{ {} }}", a[i], b[i]),
                    format!("if {ta} < {tb} {{ {} }} else {{ {} }}", a[i + 1], b[i + 1]),
                )
            } else {
                (
                    format!("{}.max({})", a[i], b[i]),
                    format!("{}.min({})", a[i + 1], b[i + 1]),
                )
            };
            let lo = s.local(w, lo);
            let hi = s.local(w, hi);
            out.push(lo);
            out.push(hi);
        };
        match self.op.domain() {
            Domain::Words => return a.to_vec(),
            Domain::Tnum => tnum(self, &mut out, 0),
            Domain::UInterval => bounds(self, &mut out, 0, false),
            Domain::SInterval => bounds(self, &mut out, 0, true),
            Domain::Scalar => {
                tnum(self, &mut out, 0);
                for (i, signed) in [(2, true), (4, false), (6, true), (8, false)] {
                    bounds(self, &mut out, i, signed);
                }
            }
        }
        out
    }
}

/// The operator as a self-contained Rust function. See the module documentation for the
/// calling convention.
pub fn function(op: &Operator) -> Result<String, EmitError> {
    let shape = Shape::of(op)?;
    let mut e = Emitter {
        op,
        shape,
        helpers: Vec::new(),
        body: String::new(),
        fresh: 0,
    };
    for id in 0..op.nodes().len() as u32 {
        if is_inline(op, id) {
            continue;
        }
        let x = e.expr(id);
        let _ = writeln!(e.body, "    let t{id}: {} = {x};", rtype(width_of(op, id)));
    }
    let widths = op.output_widths();
    let candidates: Vec<Vec<String>> = op
        .candidates()
        .iter()
        .map(|c| c.iter().map(|&id| e.val(id)).collect())
        .collect();
    let mut acc = candidates[0].clone();
    for (n, next) in candidates.iter().enumerate().skip(1) {
        let _ = writeln!(e.body, "    // Meet with candidate {}.", n + 1);
        acc = e.meet(&acc, next, &widths);
    }
    let params: Vec<String> = op
        .inputs()
        .iter()
        .map(|i| format!("{}: {}", identifier(&i.name), rtype(i.width)))
        .collect();
    let (ret, result) = if acc.len() == 1 {
        (rtype(widths[0]), acc[0].clone())
    } else {
        let types: Vec<String> = widths.iter().map(|w| rtype(*w)).collect();
        (
            format!("({})", types.join(", ")),
            format!("({})", acc.join(", ")),
        )
    };
    let n = op.candidates().len();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "/// `{}` at {} bits{}: generated by Vernier from the operator IR ({} nodes).",
        op.name(),
        e.shape.width,
        if n > 1 {
            format!(", the meet of {n} candidates")
        } else {
            String::new()
        },
        op.nodes().len()
    );
    let _ = writeln!(s, "///");
    let _ = writeln!(
        s,
        "/// Returns ({}). Every operation has SMT-LIB bit-vector semantics; `tN` is the IR's `%N`.",
        op.outputs().join(", ")
    );
    let _ = writeln!(
        s,
        "#[allow(unused_parens, unused_variables, unused_comparisons, non_snake_case, clippy::all)]"
    );
    let _ = writeln!(
        s,
        "pub fn {}({}) -> {ret} {{",
        e.shape.function,
        params.join(", ")
    );
    for (_, code) in &e.helpers {
        for line in code.lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    s.push_str(&e.body);
    let _ = writeln!(s, "    {result}\n}}");
    Ok(s)
}

/// A standalone Rust test program: every operator's [`function`] and a `main` reading lines
/// `index input…` (decimal index, inputs in hex) from standard input and printing each result's
/// fields in hex, one line per input line (the same protocol as [`super::c::harness`]).
pub fn harness(ops: &[Operator]) -> Result<String, EmitError> {
    let mut s = String::from("//! Generated by Vernier: emitted operators and a test driver.\n\n");
    let mut arms = String::new();
    for (k, op) in ops.iter().enumerate() {
        s.push_str(&function(op)?);
        s.push('\n');
        let shape = Shape::of(op)?;
        let args: Vec<String> = op
            .inputs()
            .iter()
            .enumerate()
            .map(|(i, input)| format!("x[{i}] as {}", rtype(input.width)))
            .collect();
        let call = format!("{}({})", shape.function, args.join(", "));
        let outs = if op.outputs().len() == 1 {
            format!("let r = {call};\n            vec![r as u64]")
        } else {
            let fields: Vec<String> = (0..op.outputs().len())
                .map(|i| format!("r.{i} as u64"))
                .collect();
            format!("let r = {call};\n            vec![{}]", fields.join(", "))
        };
        let _ = writeln!(
            arms,
            "        {k} => {{\n            if x.len() != {} {{ std::process::exit(2); }}\n            {outs}\n        }}",
            op.inputs().len()
        );
    }
    let _ = write!(
        s,
        "fn main() {{\n    use std::io::{{BufRead, Write}};\n    let stdin = std::io::stdin();\n    \
         let stdout = std::io::stdout();\n    let mut out = std::io::BufWriter::new(stdout.lock());\n    \
         for line in stdin.lock().lines() {{\n        let line = line.expect(\"read\");\n        \
         let mut words = line.split_whitespace();\n        \
         let Some(index) = words.next() else {{ continue }};\n        \
         let index: usize = index.parse().expect(\"index\");\n        \
         let x: Vec<u64> = words.map(|w| u64::from_str_radix(w, 16).expect(\"hex\")).collect();\n        \
         let result: Vec<u64> = match index {{\n{arms}        _ => std::process::exit(2),\n        }};\n        \
         let text: Vec<String> = result.iter().map(|v| format!(\"{{v:x}}\")).collect();\n        \
         writeln!(out, \"{{}}\", text.join(\" \")).expect(\"write\");\n    }}\n}}\n"
    );
    Ok(s)
}
