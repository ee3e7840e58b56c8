//! Kernel-style C for an IR operator.
//!
//! [`function`] writes one `static` function in the kernel's coding style (tabs, `u64`/`s64`
//! types, a comment header): a tnum operator takes and returns `struct tnum` (as in
//! `kernel/bpf/tnum.c`; at widths below 64 the fields hold the value zero-extended), an interval
//! operator takes and returns a small `struct vernier_urange64` / `struct vernier_srange32`, a
//! register-state operator updates the first `struct bpf_reg_state *` argument in place (the
//! kernel's field names: `var_off`, `smin_value` … `u32_max_value`), plain words are plain
//! arguments. The helpers a function needs (`vn_shl64`, `vn_sdiv32` …: the operations C leaves
//! undefined at some inputs, written with explicit guards) and the interval structs come before
//! it, each inside an include guard, so functions can be concatenated into one file.
//!
//! In the kernel the types come from `linux/types.h`, `linux/tnum.h` and
//! `linux/bpf_verifier.h`; [`prelude`] gives userspace stand-ins so the output compiles alone, and
//! [`harness`] a test program (the tests compile it with `gcc` and compare with
//! [`Operator::eval`]).

use super::{
    is_inline, literal, native, operand_width, storage, width_of, EmitError, Param, Shape,
};
use crate::ir::graph::SCALAR_FIELDS;
use crate::ir::op::{BinaryOp, CompareOp, LogicOp, UnaryOp};
use crate::ir::{Domain, Op, Operator};
use std::fmt::Write as _;

/// Userspace stand-ins for the kernel types the emitted code uses (`u64` …, `bool`,
/// `struct tnum`, the scalar fields of `struct bpf_reg_state`).
pub fn prelude() -> &'static str {
    "/* Userspace stand-ins for linux/types.h, linux/tnum.h and linux/bpf_verifier.h. */\n\
     #include <stdbool.h>\n\
     #include <stdint.h>\n\
     #include <stdio.h>\n\
     \n\
     typedef uint8_t u8;\n\
     typedef uint16_t u16;\n\
     typedef uint32_t u32;\n\
     typedef uint64_t u64;\n\
     typedef int8_t s8;\n\
     typedef int16_t s16;\n\
     typedef int32_t s32;\n\
     typedef int64_t s64;\n\
     \n\
     struct tnum {\n\
     \tu64 value;\n\
     \tu64 mask;\n\
     };\n\
     \n\
     /* The scalar part of the kernel's register state. */\n\
     struct bpf_reg_state {\n\
     \tstruct tnum var_off;\n\
     \ts64 smin_value;\n\
     \ts64 smax_value;\n\
     \tu64 umin_value;\n\
     \tu64 umax_value;\n\
     \ts32 s32_min_value;\n\
     \ts32 s32_max_value;\n\
     \tu32 u32_min_value;\n\
     \tu32 u32_max_value;\n\
     };\n"
}

/// The unsigned C type of a `w`-bit value.
fn ctype(w: u32) -> String {
    if w == 0 {
        "bool".into()
    } else {
        format!("u{}", storage(w))
    }
}

/// A C literal of width `w`.
fn clit(value: u64, w: u32) -> String {
    let body = literal(value);
    if storage(w) == 64 && value > u64::from(u32::MAX) {
        format!("{body}ULL")
    } else if value > 0x7fff_ffff {
        format!("{body}U")
    } else {
        body
    }
}

/// The all-ones constant of width `w` as a C literal.
fn cmask(w: u32) -> String {
    clit(absint::word::width_mask(w), w)
}

/// The kernel's field name of a register-state field (`smin` → `smin_value`).
fn scalar_field(name: &str) -> String {
    match name {
        "var_off.value" | "var_off.mask" => name.to_string(),
        other => format!("{other}_value"),
    }
}

/// Is a register-state field signed in the kernel's struct?
fn scalar_field_signed(name: &str) -> bool {
    name.starts_with('s')
}

/// The struct holding an interval of width `w` (`vernier_urange64`, `vernier_srange32`); other
/// widths than 8, 16, 32, 64 hold the bit pattern in an unsigned field.
fn interval_struct(w: u32, signed: bool) -> String {
    let s = if signed && native(w) { 's' } else { 'u' };
    format!("vernier_{s}range{}", storage(w))
}

/// The C emitter of one operator: its body, the helpers and types it needs.
struct Emitter<'a> {
    op: &'a Operator,
    shape: Shape,
    /// Helpers (and struct definitions) in definition order: (name, code).
    helpers: Vec<(String, String)>,
    body: String,
    /// Counter for the meet's locals.
    fresh: u32,
}

impl<'a> Emitter<'a> {
    fn new(op: &'a Operator) -> Result<Self, EmitError> {
        Ok(Emitter {
            op,
            shape: Shape::of(op)?,
            helpers: Vec::new(),
            body: String::new(),
            fresh: 0,
        })
    }

    fn signed_interval(&self) -> bool {
        self.op.domain() == Domain::SInterval
    }

    /// Add a helper (once), its guard and code.
    fn helper(&mut self, name: &str, code: String) {
        if !self.helpers.iter().any(|(n, _)| n == name) {
            self.helpers.push((name.to_string(), code));
        }
    }

    /// The sign-extension helper of width `w`: the value as an `s64`.
    fn sext_helper(&mut self, w: u32) -> String {
        let name = format!("vn_sext{w}");
        let body = if native(w) {
            format!("\treturn (s{w})x;")
        } else {
            format!(
                "\t/* Shift the sign bit to bit 63 and back (arithmetic in gcc and clang). */\n\
                 \treturn (s64)((u64)x << {s}) >> {s};",
                s = 64 - w
            )
        };
        self.helper(
            &name,
            format!(
                "static inline s64 {name}({t} x)\n{{\n{body}\n}}\n",
                t = ctype(w)
            ),
        );
        name
    }

    /// `x` read as a signed `w`-bit number.
    fn signed(&mut self, x: &str, w: u32) -> String {
        if native(w) {
            format!("(s{w}){x}")
        } else {
            let f = self.sext_helper(w);
            format!("{f}({x})")
        }
    }

    /// `expr` masked to `w` bits when `w` is not a C type's width.
    fn wrap(expr: String, w: u32) -> String {
        if native(w) {
            expr
        } else {
            format!("({expr}) & {}", cmask(w))
        }
    }

    /// The guarded helper `name` for a binary operation of width `w`.
    fn binary_helper(&mut self, o: BinaryOp, w: u32) -> String {
        let t = ctype(w);
        let m = cmask(w);
        let name = format!("vn_{}{w}", o.name().trim_start_matches("bv"));
        let (comment, body) = match o {
            BinaryOp::Shl => (
                "shift left; by the width or more, 0 (C leaves that undefined)",
                format!(
                    "\treturn k >= {w} ? 0 : {};",
                    Self::wrap_cast(&t, "(u64)x << k", w)
                ),
            ),
            BinaryOp::Lshr => (
                "logical shift right; by the width or more, 0",
                format!("\treturn k >= {w} ? 0 : x >> k;"),
            ),
            BinaryOp::Ashr => {
                let sx = self.sext_helper(w);
                (
                    "arithmetic shift right; by the width or more, all sign bits",
                    format!(
                        "\treturn {};",
                        Self::wrap_cast(
                            &t,
                            &format!("(u64)({sx}(x) >> (k >= {w} ? {} : k))", w - 1),
                            w
                        )
                    ),
                )
            }
            BinaryOp::Sdiv => {
                let sx = self.sext_helper(w);
                (
                    "signed division truncating toward zero; by 0, 1 for a negative dividend and all ones otherwise (SMT-LIB); S_MIN / -1 wraps",
                    format!(
                        "\ts64 a = {sx}(x), b = {sx}(y);\n\
                         \n\
                         \tif (b == 0)\n\
                         \t\treturn a < 0 ? 1 : {m};\n\
                         \tif (b == -1)\n\
                         \t\treturn {};\n\
                         \treturn {};",
                        Self::wrap_cast(&t, "-(u64)a", w),
                        Self::wrap_cast(&t, "(u64)(a / b)", w),
                    ),
                )
            }
            BinaryOp::Srem => {
                let sx = self.sext_helper(w);
                (
                    "signed remainder with the dividend's sign; by 0, the dividend (SMT-LIB); by -1, 0",
                    format!(
                        "\ts64 a = {sx}(x), b = {sx}(y);\n\
                         \n\
                         \tif (b == 0)\n\
                         \t\treturn x;\n\
                         \tif (b == -1)\n\
                         \t\treturn 0;\n\
                         \treturn {};",
                        Self::wrap_cast(&t, "(u64)(a % b)", w),
                    ),
                )
            }
            _ => unreachable_helper(),
        };
        let (p1, p2) = if matches!(o, BinaryOp::Shl | BinaryOp::Lshr | BinaryOp::Ashr) {
            ("x", "k")
        } else {
            ("x", "y")
        };
        self.helper(
            &name,
            format!(
                "/* {comment} */\nstatic inline {t} {name}({t} {p1}, {t} {p2})\n{{\n{body}\n}}\n"
            ),
        );
        name
    }

    /// `(T)(expr & mask)`, the mask left out at the width of the type.
    fn wrap_cast(t: &str, expr: &str, w: u32) -> String {
        if native(w) {
            format!("({t})({expr})")
        } else {
            format!("({t})(({expr}) & {})", cmask(w))
        }
    }

    /// The guarded helper of an overflow predicate or `clz` at width `w`.
    fn predicate_helper(&mut self, kind: &str, w: u32) -> String {
        let t = ctype(w);
        let m = cmask(w);
        let name = format!("vn_{kind}{w}");
        let (comment, body) = match kind {
            "clz" => (
                "leading zeros; the width for 0 (__builtin_clzll(0) is undefined)".to_string(),
                format!("\treturn x == 0 ? {w} : __builtin_clzll((u64)x) - {};", 64 - w),
            ),
            "uaddo" => (
                "does the unsigned sum overflow?".into(),
                if w == 64 {
                    "\treturn (u64)(x + y) < x;".into()
                } else {
                    format!("\treturn (u64)x + y > {m};")
                },
            ),
            "umulo" => (
                "does the unsigned product overflow?".into(),
                if w <= 32 {
                    format!("\treturn (u64)x * y > {m};")
                } else {
                    format!("\treturn y != 0 && x > {m} / y;")
                },
            ),
            "saddo" => (
                "does the signed sum overflow? (both operands' signs differ from the sum's)".into(),
                format!(
                    "\tu64 r = ((u64)x + y) & {m};\n\n\treturn ((((u64)x ^ r) & ((u64)y ^ r)) >> {}) & 1;",
                    w - 1
                ),
            ),
            "ssubo" => (
                "does the signed difference overflow?".into(),
                format!(
                    "\tu64 r = ((u64)x - y) & {m};\n\n\treturn ((((u64)x ^ y) & ((u64)x ^ r)) >> {}) & 1;",
                    w - 1
                ),
            ),
            _ => {
                // smulo
                let sx = self.sext_helper(w);
                let (min, max) = (
                    format!("-{}LL", 1u64 << (w - 1)),
                    format!("{}LL", (1u64 << (w - 1)) - 1),
                );
                let min = if w == 64 { "(-0x7fffffffffffffffLL - 1)".to_string() } else { min };
                (
                    "does the signed product overflow?".into(),
                    if w <= 32 {
                        format!("\ts64 p = {sx}(x) * {sx}(y);\n\n\treturn p < {min} || p > {max};")
                    } else {
                        format!(
                            "\ts64 p;\n\n\tif (__builtin_mul_overflow({sx}(x), {sx}(y), &p))\n\t\treturn true;\n\treturn p < {min} || p > {max};"
                        )
                    },
                )
            }
        };
        let sig = if kind == "clz" {
            format!("static inline {t} {name}({t} x)")
        } else {
            format!("static inline bool {name}({t} x, {t} y)")
        };
        self.helper(&name, format!("/* {comment} */\n{sig}\n{{\n{body}\n}}\n"));
        name
    }

    /// How an operand is written: inputs and constants inline, other nodes by their local.
    fn val(&self, id: u32) -> String {
        let node = &self.op.nodes()[id as usize];
        match node.op {
            Op::Const { width, value } => clit(value, width),
            Op::Bool(b) => b.to_string(),
            Op::Input(i) => self.input(i as usize),
            _ => format!("t{id}"),
        }
    }

    /// How input `i` is read from the arguments.
    fn input(&self, i: usize) -> String {
        let w = self.op.inputs()[i].width;
        let (k, field) = &self.shape.access[i];
        let param = &self.shape.params[*k];
        let raw = match param {
            Param::Tnum { name, .. } => format!("{name}.{field}"),
            Param::Interval { name, .. } => format!("{name}.{field}"),
            Param::Scalar { name, .. } => format!("{name}->{}", scalar_field(field)),
            Param::Word { name, .. } => name.clone(),
        };
        let (stored, signed_field) = match param {
            Param::Tnum { .. } => (64, false),
            Param::Interval { .. } => (storage(w), self.signed_interval() && native(w)),
            Param::Scalar { .. } => (w, scalar_field_signed(field)),
            Param::Word { .. } => (storage(w), false),
        };
        if !native(w) {
            format!("({raw} & {})", cmask(w))
        } else if signed_field || stored != w {
            format!("(u{w}){raw}")
        } else {
            raw
        }
    }

    /// The expression computing node `id`.
    fn expr(&mut self, id: u32) -> Result<String, EmitError> {
        let node = self.op.nodes()[id as usize].clone();
        let a = |i: usize| self.val(node.args[i]);
        let w = operand_width(self.op, id);
        let rw = width_of(self.op, id);
        Ok(match node.op {
            Op::Input(_) | Op::Const { .. } | Op::Bool(_) => self.val(id),
            Op::Binary(o) => {
                let (x, y) = (a(0), a(1));
                match o {
                    BinaryOp::Add => Self::wrap(format!("{x} + {y}"), w),
                    BinaryOp::Sub => Self::wrap(format!("{x} - {y}"), w),
                    BinaryOp::Mul if w <= 16 => Self::wrap(format!("(u32){x} * {y}"), w),
                    BinaryOp::Mul => Self::wrap(format!("{x} * {y}"), w),
                    BinaryOp::Udiv => format!("{y} ? {x} / {y} : {}", cmask(w)),
                    BinaryOp::Urem => format!("{y} ? {x} % {y} : {x}"),
                    BinaryOp::And => format!("{x} & {y}"),
                    BinaryOp::Or => format!("{x} | {y}"),
                    BinaryOp::Xor => format!("{x} ^ {y}"),
                    BinaryOp::Umin => format!("{x} < {y} ? {x} : {y}"),
                    BinaryOp::Umax => format!("{x} > {y} ? {x} : {y}"),
                    BinaryOp::Smin | BinaryOp::Smax => {
                        let (sx, sy) = (self.signed(&x, w), self.signed(&y, w));
                        let (first, second) = if o == BinaryOp::Smin {
                            (&x, &y)
                        } else {
                            (&y, &x)
                        };
                        format!("{sx} < {sy} ? {first} : {second}")
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
                    UnaryOp::Not => Self::wrap(format!("~{x}"), w),
                    UnaryOp::Neg => Self::wrap(format!("-{x}"), w),
                    UnaryOp::Clz => {
                        let f = self.predicate_helper("clz", w);
                        format!("{f}({x})")
                    }
                }
            }
            Op::Compare(o) => {
                let (x, y) = (a(0), a(1));
                match o {
                    CompareOp::Eq => format!("{x} == {y}"),
                    CompareOp::Ult => format!("{x} < {y}"),
                    CompareOp::Ule => format!("{x} <= {y}"),
                    CompareOp::Slt | CompareOp::Sle => {
                        let (sx, sy) = (self.signed(&x, w), self.signed(&y, w));
                        let rel = if o == CompareOp::Slt { "<" } else { "<=" };
                        format!("{sx} {rel} {sy}")
                    }
                    CompareOp::Usubo => format!("{x} < {y}"),
                    CompareOp::Uaddo
                    | CompareOp::Umulo
                    | CompareOp::Saddo
                    | CompareOp::Ssubo
                    | CompareOp::Smulo => {
                        let kind = o.name().trim_start_matches("bv").to_string();
                        let f = self.predicate_helper(&kind, w);
                        format!("{f}({x}, {y})")
                    }
                }
            }
            Op::Logic(o) => {
                let rel = if o == LogicOp::And { "&&" } else { "||" };
                format!("{} {rel} {}", a(0), a(1))
            }
            Op::Not => format!("!{}", a(0)),
            Op::Ite => format!("{} ? {} : {}", a(0), a(1), a(2)),
            Op::Extract { lo, .. } => {
                let x = a(0);
                let shifted = if lo == 0 { x } else { format!("({x} >> {lo})") };
                if native(rw) {
                    format!("({}){shifted}", ctype(rw))
                } else {
                    format!("{shifted} & {}", cmask(rw))
                }
            }
            Op::Zext(_) => format!("({}){}", ctype(rw), a(0)),
            Op::Sext(_) => {
                let x = a(0);
                let f = self.sext_helper(w);
                if native(rw) {
                    format!("({}){f}({x})", ctype(rw))
                } else {
                    format!("(u64){f}({x}) & {}", cmask(rw))
                }
            }
            Op::Concat => {
                let lw = width_of(self.op, node.args[1]);
                format!("({}){} << {lw} | {}", ctype(rw), a(0), a(1))
            }
        })
    }

    /// Emit one local per computed node, then the meet of the candidates; returns the result
    /// fields' expressions.
    fn emit_body(&mut self) -> Result<Vec<String>, EmitError> {
        for id in 0..self.op.nodes().len() as u32 {
            if is_inline(self.op, id) {
                continue;
            }
            let e = self.expr(id)?;
            let t = ctype(width_of(self.op, id));
            let _ = writeln!(self.body, "\t{t} t{id} = {e};");
        }
        let candidates: Vec<Vec<String>> = self
            .op
            .candidates()
            .iter()
            .map(|c| c.iter().map(|&id| self.val(id)).collect())
            .collect();
        let widths = self.op.output_widths();
        let mut acc = candidates[0].clone();
        for (n, next) in candidates.iter().enumerate().skip(1) {
            let _ = writeln!(
                self.body,
                "\t/* meet with candidate {} ({}) */",
                n + 1,
                match self.op.domain() {
                    Domain::Tnum => "tnum_intersect",
                    Domain::Scalar => "field by field",
                    _ => "the tighter bounds",
                }
            );
            acc = self.meet(&acc, next, &widths);
        }
        Ok(acc)
    }

    /// A fresh local for the meet.
    fn local(&mut self, w: u32, e: String) -> String {
        let name = format!("m{}", self.fresh);
        self.fresh += 1;
        let _ = writeln!(self.body, "\t{} {name} = {e};", ctype(w));
        name
    }

    /// The meet of two results in the operator's domain, as new locals.
    fn meet(&mut self, a: &[String], b: &[String], widths: &[u32]) -> Vec<String> {
        let mut out = Vec::new();
        let tnum = |s: &mut Self, out: &mut Vec<String>, i: usize| {
            let w = widths[i];
            let mu = s.local(w, format!("{} & {}", a[i + 1], b[i + 1]));
            let v = s.local(w, format!("({} | {}) & ~{mu}", a[i], b[i]));
            out.push(v);
            out.push(mu);
        };
        let bounds = |s: &mut Self, out: &mut Vec<String>, i: usize, signed: bool| {
            let w = widths[i];
            let (lo, hi) = if signed {
                let (sa, sb) = (s.signed(&a[i], w), s.signed(&b[i], w));
                let (ta, tb) = (s.signed(&a[i + 1], w), s.signed(&b[i + 1], w));
                (
                    format!("{sa} > {sb} ? {} : {}", a[i], b[i]),
                    format!("{ta} < {tb} ? {} : {}", a[i + 1], b[i + 1]),
                )
            } else {
                (
                    format!("{} > {} ? {} : {}", a[i], b[i], a[i], b[i]),
                    format!("{} < {} ? {} : {}", a[i + 1], b[i + 1], a[i + 1], b[i + 1]),
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

    /// The parameter list and return type.
    fn prototype(&mut self) -> (String, String) {
        let w = self.shape.width;
        let signed = self.signed_interval();
        let mut first_scalar = true;
        let mut params = Vec::new();
        let shape = self.shape.clone();
        for p in &shape.params {
            params.push(match p {
                Param::Tnum { name, .. } => format!("struct tnum {name}"),
                Param::Interval { name, .. } => {
                    self.interval_type(w, signed);
                    format!("struct {} {name}", interval_struct(w, signed))
                }
                Param::Scalar { name, .. } => {
                    let c = if first_scalar { "" } else { "const " };
                    first_scalar = false;
                    format!("{c}struct bpf_reg_state *{name}")
                }
                Param::Word { name, input } => {
                    format!("{} {name}", ctype(self.op.inputs()[*input].width))
                }
            });
        }
        let widths = self.op.output_widths();
        let ret = match self.op.domain() {
            Domain::Tnum => "struct tnum".to_string(),
            Domain::UInterval | Domain::SInterval => {
                let ow = widths[0];
                self.interval_type(ow, signed);
                format!("struct {}", interval_struct(ow, signed))
            }
            Domain::Scalar => "void".into(),
            Domain::Words if widths.len() == 1 => ctype(widths[0]),
            Domain::Words => {
                for (name, w) in self.op.outputs().iter().zip(&widths) {
                    params.push(format!("{} *out_{}", ctype(*w), super::identifier(name)));
                }
                "void".into()
            }
        };
        (ret, params.join(", "))
    }

    /// Define the interval struct of width `w` (once).
    fn interval_type(&mut self, w: u32, signed: bool) {
        let name = interval_struct(w, signed);
        let t = if signed && native(w) {
            format!("s{w}")
        } else {
            ctype(w)
        };
        let note = if native(w) {
            String::new()
        } else {
            format!(" /* {w}-bit patterns, zero-extended */")
        };
        self.helper(
            &name,
            format!("struct {name} {{{note}\n\t{t} lo;\n\t{t} hi;\n}};\n"),
        );
    }

    /// The statements returning (or storing) the result fields.
    fn epilogue(&mut self, res: &[String]) -> String {
        let widths = self.op.output_widths();
        let mut s = String::new();
        match self.op.domain() {
            Domain::Tnum => {
                let _ = writeln!(
                    s,
                    "\treturn (struct tnum){{ .value = {}, .mask = {} }};",
                    res[0], res[1]
                );
            }
            Domain::UInterval | Domain::SInterval => {
                let name = interval_struct(widths[0], self.signed_interval());
                let cast = if self.signed_interval() && native(widths[0]) {
                    format!("(s{})", widths[0])
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "\treturn (struct {name}){{ .lo = {cast}{}, .hi = {cast}{} }};",
                    res[0], res[1]
                );
            }
            Domain::Scalar => {
                let target = self
                    .shape
                    .params
                    .iter()
                    .find(|p| matches!(p, Param::Scalar { .. }))
                    .map(|p| p.name().to_string())
                    .unwrap_or_default();
                // Copy every field first: a result may read an input field written before it.
                for (i, r) in res.iter().enumerate() {
                    let _ = writeln!(s, "\t{} r{i} = {r};", ctype(widths[i]));
                }
                s.push('\n');
                for (i, (f, w)) in SCALAR_FIELDS.iter().enumerate() {
                    let cast = if scalar_field_signed(f) {
                        format!("(s{w})")
                    } else {
                        String::new()
                    };
                    let _ = writeln!(s, "\t{target}->{} = {cast}r{i};", scalar_field(f));
                }
            }
            Domain::Words if res.len() == 1 => {
                let _ = writeln!(s, "\treturn {};", res[0]);
            }
            Domain::Words => {
                for (name, r) in self.op.outputs().iter().zip(res) {
                    let _ = writeln!(s, "\t*out_{} = {r};", super::identifier(name));
                }
            }
        }
        s
    }
}

/// Only shifts and signed division get binary helpers; no other operation reaches here.
fn unreachable_helper() -> (&'static str, String) {
    ("(no helper)", "\treturn 0;".into())
}

/// The operator as a kernel-style C function, preceded by the guarded helpers and types it
/// needs. See the module documentation for the calling convention.
pub fn function(op: &Operator) -> Result<String, EmitError> {
    let mut e = Emitter::new(op)?;
    let (ret, params) = e.prototype();
    let res = e.emit_body()?;
    let epilogue = e.epilogue(&res);
    let mut s = String::new();
    for (name, code) in &e.helpers {
        let guard = format!("{}_DEFINED", name.to_uppercase());
        let _ = write!(s, "#ifndef {guard}\n#define {guard}\n{code}#endif\n\n");
    }
    let n = op.candidates().len();
    let _ = writeln!(s, "/*");
    let _ = writeln!(
        s,
        " * {}() - `{}` at {} bits{}.",
        e.shape.function,
        op.name(),
        e.shape.width,
        if n > 1 {
            format!(", the meet of {n} candidates")
        } else {
            String::new()
        }
    );
    let _ = writeln!(s, " *");
    let _ = writeln!(
        s,
        " * Generated by Vernier from the operator IR ({} nodes): every",
        op.nodes().len()
    );
    let _ = writeln!(
        s,
        " * operation has SMT-LIB bit-vector semantics; tN is the IR's node %N."
    );
    let _ = writeln!(s, " */");
    let _ = writeln!(s, "static {ret} {}({params})\n{{", e.shape.function);
    s.push_str(&e.body);
    if !e.body.is_empty() {
        s.push('\n');
    }
    s.push_str(&epilogue);
    s.push_str("}\n");
    Ok(s)
}

/// A standalone C test program: [`prelude`], every operator's [`function`], and a `main` that
/// reads lines `index input…` (decimal index, inputs in hex, each the operator's input in
/// order) from standard input and prints each result's fields in hex, masked to their width,
/// one line per input line.
pub fn harness(ops: &[Operator]) -> Result<String, EmitError> {
    let mut s = String::from(prelude());
    s.push('\n');
    let mut runners = String::new();
    for (k, op) in ops.iter().enumerate() {
        s.push_str(&function(op)?);
        s.push('\n');
        let shape = Shape::of(op)?;
        let signed = op.domain() == Domain::SInterval;
        let mut args = Vec::new();
        let _ = writeln!(
            runners,
            "static void vn_run{k}(const u64 *in, u64 *out)\n{{"
        );
        for p in &shape.params {
            match p {
                Param::Tnum { name, value, mask } => {
                    let _ = writeln!(
                        runners,
                        "\tstruct tnum {name} = {{ .value = in[{value}], .mask = in[{mask}] }};"
                    );
                    args.push(name.clone());
                }
                Param::Interval { name, lo, hi } => {
                    let w = shape.width;
                    let st = interval_struct(w, signed);
                    let ft = if signed && native(w) {
                        format!("s{w}")
                    } else {
                        ctype(w)
                    };
                    let _ = writeln!(
                        runners,
                        "\tstruct {st} {name} = {{ .lo = ({ft})in[{lo}], .hi = ({ft})in[{hi}] }};"
                    );
                    args.push(name.clone());
                }
                Param::Scalar { name, fields } => {
                    let _ = writeln!(runners, "\tstruct bpf_reg_state {name} = {{");
                    let _ = writeln!(
                        runners,
                        "\t\t.var_off = {{ .value = in[{}], .mask = in[{}] }},",
                        fields[0], fields[1]
                    );
                    for (i, (f, w)) in SCALAR_FIELDS.iter().enumerate().skip(2) {
                        let t = if scalar_field_signed(f) {
                            format!("s{w}")
                        } else {
                            format!("u{w}")
                        };
                        let _ = writeln!(
                            runners,
                            "\t\t.{} = ({t})in[{}],",
                            scalar_field(f),
                            fields[i]
                        );
                    }
                    let _ = writeln!(runners, "\t}};");
                    args.push(format!("&{name}"));
                }
                Param::Word { input, .. } => {
                    args.push(format!("({})in[{input}]", ctype(op.inputs()[*input].width)));
                }
            }
        }
        let widths = op.output_widths();
        let call = format!("{}({})", shape.function, args.join(", "));
        let m = |i: usize| cmask(widths[i]);
        match op.domain() {
            Domain::Tnum => {
                let _ = writeln!(runners, "\tstruct tnum r = {call};\n");
                let _ = writeln!(
                    runners,
                    "\tout[0] = r.value & {};\n\tout[1] = r.mask & {};",
                    m(0),
                    m(1)
                );
            }
            Domain::UInterval | Domain::SInterval => {
                let st = interval_struct(widths[0], signed);
                let _ = writeln!(runners, "\tstruct {st} r = {call};\n");
                let _ = writeln!(
                    runners,
                    "\tout[0] = (u64)r.lo & {};\n\tout[1] = (u64)r.hi & {};",
                    m(0),
                    m(1)
                );
            }
            Domain::Scalar => {
                let target = shape
                    .params
                    .iter()
                    .find(|p| matches!(p, Param::Scalar { .. }))
                    .map(|p| p.name().to_string())
                    .unwrap_or_default();
                let _ = writeln!(runners, "\t{call};\n");
                for (i, (f, _)) in SCALAR_FIELDS.iter().enumerate() {
                    let _ = writeln!(
                        runners,
                        "\tout[{i}] = (u64){target}.{} & {};",
                        scalar_field(f),
                        m(i)
                    );
                }
            }
            Domain::Words if widths.len() == 1 => {
                let _ = writeln!(runners, "\tout[0] = (u64){call};");
            }
            Domain::Words => {
                let mut outs = Vec::new();
                for (i, w) in widths.iter().enumerate() {
                    let _ = writeln!(runners, "\t{} o{i};", ctype(*w));
                    outs.push(format!("&o{i}"));
                }
                let call = format!(
                    "{}({}{}{})",
                    shape.function,
                    args.join(", "),
                    if args.is_empty() { "" } else { ", " },
                    outs.join(", ")
                );
                let _ = writeln!(runners, "\t{call};");
                for i in 0..widths.len() {
                    let _ = writeln!(runners, "\tout[{i}] = (u64)o{i};");
                }
            }
        }
        let _ = writeln!(runners, "}}\n");
    }
    s.push_str(&runners);
    let _ = writeln!(s, "static const struct {{\n\tvoid (*run)(const u64 *in, u64 *out);\n\tint inputs, outputs;\n}} vn_ops[] = {{");
    for (k, op) in ops.iter().enumerate() {
        let _ = writeln!(
            s,
            "\t{{ vn_run{k}, {}, {} }},",
            op.inputs().len(),
            op.outputs().len()
        );
    }
    let _ = writeln!(s, "}};\n");
    s.push_str(
        "int main(void)\n{\n\tunsigned long long index, x;\n\n\
         \twhile (scanf(\"%llu\", &index) == 1) {\n\
         \t\tu64 in[32], out[16];\n\n\
         \t\tif (index >= sizeof(vn_ops) / sizeof(vn_ops[0]))\n\t\t\treturn 2;\n\
         \t\tfor (int i = 0; i < vn_ops[index].inputs; i++) {\n\
         \t\t\tif (scanf(\"%llx\", &x) != 1)\n\t\t\t\treturn 2;\n\
         \t\t\tin[i] = x;\n\t\t}\n\
         \t\tvn_ops[index].run(in, out);\n\
         \t\tfor (int i = 0; i < vn_ops[index].outputs; i++)\n\
         \t\t\tprintf(i ? \" %llx\" : \"%llx\", (unsigned long long)out[i]);\n\
         \t\tprintf(\"\\n\");\n\t}\n\treturn 0;\n}\n",
    );
    Ok(s)
}
