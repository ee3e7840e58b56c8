//! The Linux 6.18 verifier log's syntax for scalar registers: printing and parsing.
//!
//! The kernel prints a scalar register (`print_reg_state` and `print_scalar_ranges` in
//! `kernel/bpf/log.c`, Linux 6.x) as follows; this module re-implements those rules, confirmed on
//! the running 6.18.44 kernel:
//!
//! - A `P` first when the register is marked precise.
//! - A constant (`var_off.mask == 0`) prints as its bare value with the *signed* rule below
//!   (`0`, `-1`, `0xffffffff`, `0xffffffffffff63c0` for -40000). Its bounds and `id` are not shown.
//! - Otherwise `scalar(` then, comma-separated: `id=N` (followed by `+K`/`-K` when the register is
//!   a linked copy with a constant offset), the eight bounds in the order `smin, smax, umin, umax,
//!   smin32, smax32, umin32, umax32`, each left out at its default (`S64_MIN, S64_MAX, 0, U64_MAX,
//!   S32_MIN, S32_MAX, 0, U32_MAX`), then `var_off=(0xV; 0xM)` unless the tnum is fully unknown
//!   (`mask == U64_MAX`); then `)`. A fully unknown scalar is `scalar()`.
//! - Grouping: a printed bound absorbs the later bounds *of the same kind* (minimums with
//!   minimums, maximums with maximums: every second entry of the list) that are not omitted, have
//!   the same printed value and the same sign (a negative signed value is never grouped with a
//!   non-negative one): `smin=umin=smin32=umin32=3`. The group prints its value with the rule of
//!   its first member.
//! - Numbers: unsigned values in decimal up to 65535 (`U16_MAX`), else `0x…` hex; signed values
//!   in decimal within [-32768, 32767] (`S16_MIN..=S16_MAX`), else the 64-bit pattern in hex.
//!   `smin32`/`smax32` are sign-extended to 64 bits when they print in decimal and zero-extended
//!   (the `u32` pattern) when they print in hex, so `smin32=-2` but `smin32=0xfffe0000`.
//! - The tnum always prints both fields in `0x` hex, including zero: `(0x0; 0xff)`.
//!
//! Parsing accepts exactly this syntax (fields in any order, each at most once), plus the forms
//! around it in a log line: `R0=` / `r0=`, a liveness suffix (`R0_w=`), and the `P` prefix.
//! Missing fields take their defaults; the parsed state is what the kernel printed and is *not*
//! synchronised.

use crate::domain::scalar::Scalar;
use crate::domain::tnum::Tnum;
use crate::word::Bv;
use std::fmt;

/// The largest unsigned value the kernel prints in decimal (`UNUM_MAX_DECIMAL`, `U16_MAX`).
const UNSIGNED_DECIMAL_MAX: u64 = u16::MAX as u64;
/// The signed range the kernel prints in decimal (`SNUM_MIN/MAX_DECIMAL`, `S16_MIN..=S16_MAX`).
const SIGNED_DECIMAL: std::ops::RangeInclusive<i64> = (i16::MIN as i64)..=(i16::MAX as i64);

/// A scalar register as the log shows it: the state plus the printed bookkeeping fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegValue {
    /// The abstract value (tnum and the eight bounds).
    pub scalar: Scalar<Bv>,
    /// The link id (`id=N`), shared by registers known to hold the same value.
    pub id: Option<u32>,
    /// The constant this register differs by from the others of its id (`id=N+K`); present only
    /// when the kernel marks the id with `BPF_ADD_CONST`.
    pub off: Option<i32>,
    /// Marked precise (the `P` prefix).
    pub precise: bool,
}

impl RegValue {
    /// An unlinked, imprecise register holding `scalar`.
    pub fn plain(scalar: Scalar<Bv>) -> Self {
        RegValue {
            scalar,
            id: None,
            off: None,
            precise: false,
        }
    }
}

/// Which of the eight bounds a log field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// `smin`
    Smin,
    /// `smax`
    Smax,
    /// `umin`
    Umin,
    /// `umax`
    Umax,
    /// `smin32`
    Smin32,
    /// `smax32`
    Smax32,
    /// `umin32`
    Umin32,
    /// `umax32`
    Umax32,
}

impl Bound {
    /// The eight bounds in the kernel's printing order.
    pub const ALL: [Bound; 8] = [
        Bound::Smin,
        Bound::Smax,
        Bound::Umin,
        Bound::Umax,
        Bound::Smin32,
        Bound::Smax32,
        Bound::Umin32,
        Bound::Umax32,
    ];

    /// The field's name in the log.
    pub const fn name(self) -> &'static str {
        match self {
            Bound::Smin => "smin",
            Bound::Smax => "smax",
            Bound::Umin => "umin",
            Bound::Umax => "umax",
            Bound::Smin32 => "smin32",
            Bound::Smax32 => "smax32",
            Bound::Umin32 => "umin32",
            Bound::Umax32 => "umax32",
        }
    }

    fn from_name(name: &str) -> Option<Bound> {
        Bound::ALL.into_iter().find(|b| b.name() == name)
    }

    const fn is_signed(self) -> bool {
        matches!(
            self,
            Bound::Smin | Bound::Smax | Bound::Smin32 | Bound::Smax32
        )
    }

    const fn is_32(self) -> bool {
        matches!(
            self,
            Bound::Smin32 | Bound::Smax32 | Bound::Umin32 | Bound::Umax32
        )
    }

    /// The bound's raw bit pattern in `s` (zero-extended for the 32-bit ones).
    pub fn get(self, s: &Scalar<Bv>) -> u64 {
        match self {
            Bound::Smin => s.smin.get(),
            Bound::Smax => s.smax.get(),
            Bound::Umin => s.umin.get(),
            Bound::Umax => s.umax.get(),
            Bound::Smin32 => s.s32_min.get(),
            Bound::Smax32 => s.s32_max.get(),
            Bound::Umin32 => s.u32_min.get(),
            Bound::Umax32 => s.u32_max.get(),
        }
    }

    fn set(self, s: &mut Scalar<Bv>, bits: u64) {
        let (w64, w32) = (Bv::u64(bits), Bv::new(32, bits));
        match self {
            Bound::Smin => s.smin = w64,
            Bound::Smax => s.smax = w64,
            Bound::Umin => s.umin = w64,
            Bound::Umax => s.umax = w64,
            Bound::Smin32 => s.s32_min = w32,
            Bound::Smax32 => s.s32_max = w32,
            Bound::Umin32 => s.u32_min = w32,
            Bound::Umax32 => s.u32_max = w32,
        }
    }

    /// The default the kernel leaves out of the log.
    const fn default_bits(self) -> u64 {
        match self {
            Bound::Smin => i64::MIN as u64,
            Bound::Smax => i64::MAX as u64,
            Bound::Umin | Bound::Umin32 => 0,
            Bound::Umax => u64::MAX,
            Bound::Smin32 => i32::MIN as u32 as u64,
            Bound::Smax32 => i32::MAX as u32 as u64,
            Bound::Umax32 => u32::MAX as u64,
        }
    }

    /// The 64-bit number the kernel prints and groups by (`minmaxs[].val` in `print_scalar_ranges`):
    /// the 32-bit signed bounds are sign-extended only when they print in decimal.
    fn printed_value(self, s: &Scalar<Bv>) -> u64 {
        let bits = self.get(s);
        match self {
            Bound::Smin32 | Bound::Smax32 => {
                let signed = bits as u32 as i32 as i64;
                if SIGNED_DECIMAL.contains(&signed) {
                    signed as u64
                } else {
                    bits
                }
            }
            _ => bits,
        }
    }
}

/// Writes `value` with the kernel's signed rule (`verbose_snum`).
fn write_signed(out: &mut String, value: u64) {
    use std::fmt::Write;
    let signed = value as i64;
    let _ = if SIGNED_DECIMAL.contains(&signed) {
        write!(out, "{signed}")
    } else {
        write!(out, "{value:#x}")
    };
}

/// Writes `value` with the kernel's unsigned rule (`verbose_unum`).
fn write_unsigned(out: &mut String, value: u64) {
    use std::fmt::Write;
    let _ = if value <= UNSIGNED_DECIMAL_MAX {
        write!(out, "{value}")
    } else {
        write!(out, "{value:#x}")
    };
}

/// Appends the bounds of `s` with the kernel's omission and grouping rules
/// (`print_scalar_ranges`), each field preceded by `sep` and then by `,`.
fn write_ranges(out: &mut String, s: &Scalar<Bv>, sep: &mut &'static str) {
    let values = Bound::ALL.map(|b| b.printed_value(s));
    let mut omitted = Bound::ALL.map(|b| b.get(s) == b.default_bits());
    let is_negative = |i: usize| Bound::ALL[i].is_signed() && (values[i] as i64) < 0;
    for first in 0..Bound::ALL.len() {
        if omitted[first] {
            continue;
        }
        out.push_str(sep);
        *sep = ",";
        out.push_str(Bound::ALL[first].name());
        out.push('=');
        // Only bounds of the same kind group: minimums sit at even, maximums at odd positions.
        for other in (first + 2..Bound::ALL.len()).step_by(2) {
            if omitted[other]
                || values[other] != values[first]
                || is_negative(other) != is_negative(first)
            {
                continue;
            }
            omitted[other] = true;
            out.push_str(Bound::ALL[other].name());
            out.push('=');
        }
        if Bound::ALL[first].is_signed() {
            write_signed(out, values[first]);
        } else {
            write_unsigned(out, values[first]);
        }
    }
}

/// Prints a scalar exactly as the 6.18 verifier log does (without `P` and `id`).
pub fn format_scalar(s: &Scalar<Bv>) -> String {
    RegValue::plain(*s).to_string()
}

/// Prints as `print_reg_state` does for a scalar register.
impl fmt::Display for RegValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if self.precise {
            out.push('P');
        }
        let s = &self.scalar;
        if s.var_off.m() == 0 {
            write_signed(&mut out, s.var_off.v());
            return f.write_str(&out);
        }
        out.push_str("scalar(");
        let mut sep = "";
        if let Some(id) = self.id {
            out.push_str(&format!("id={id}"));
            sep = ",";
            if let Some(off) = self.off {
                out.push_str(&format!("{off:+}"));
            }
        }
        write_ranges(&mut out, s, &mut sep);
        if s.var_off.m() != u64::MAX {
            out.push_str(sep);
            out.push_str(&format!("var_off={}", s.var_off));
        }
        out.push(')');
        f.write_str(&out)
    }
}

/// What is wrong at a place in a register state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxProblem {
    /// Something specific was expected.
    #[error("expected {0}")]
    Expected(&'static str),
    /// A field name the kernel does not print for scalars.
    #[error("unknown field `{0}`")]
    UnknownField(String),
    /// A field given twice.
    #[error("field `{0}` given twice")]
    DuplicateField(&'static str),
    /// A number that does not fit the field.
    #[error("{value} does not fit field `{field}`")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The number as written.
        value: String,
    },
    /// Text after a complete value.
    #[error("unexpected `{0}` after the value")]
    Trailing(String),
    /// A register value that is not a scalar (a pointer such as `ctx()` or `fp0`).
    #[error("not a scalar: `{0}`")]
    NotScalar(String),
}

/// A syntax error in a register state, at a 1-based character column of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {problem}")]
pub struct LogSyntaxError {
    /// 1-based column (in characters) of the parsed text.
    pub column: usize,
    /// What is wrong there.
    pub problem: SyntaxProblem,
}

/// A cursor over the text being parsed.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
    fn column(&self) -> usize {
        self.text[..self.pos].chars().count() + 1
    }
    fn error(&self, problem: SyntaxProblem) -> LogSyntaxError {
        LogSyntaxError {
            column: self.column(),
            problem,
        }
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, s: &'static str) -> Result<(), LogSyntaxError> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.error(SyntaxProblem::Expected(s)))
        }
    }
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !f(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }
    fn finish(&self) -> Result<(), LogSyntaxError> {
        if self.rest().is_empty() {
            Ok(())
        } else {
            Err(self.error(SyntaxProblem::Trailing(self.rest().to_string())))
        }
    }

    /// A number as the kernel prints one: optional `-`, then decimal or `0x` hex.
    fn number(&mut self) -> Result<(i128, &'a str), LogSyntaxError> {
        let start = self.pos;
        let negative = self.eat("-");
        let magnitude = if self.eat("0x") {
            let digits = self.take_while(|c| c.is_ascii_hexdigit());
            u64::from_str_radix(digits, 16).ok()
        } else {
            let digits = self.take_while(|c| c.is_ascii_digit());
            digits.parse::<u64>().ok()
        };
        match magnitude {
            Some(m) => {
                let value = if negative { -(m as i128) } else { m as i128 };
                Ok((value, &self.text[start..self.pos]))
            }
            None => {
                self.pos = start;
                Err(self.error(SyntaxProblem::Expected("a number")))
            }
        }
    }
}

/// The bit pattern a printed number stands for in a field, or `None` if it cannot be there.
fn field_bits(bound: Bound, value: i128) -> Option<u64> {
    match (bound.is_signed(), bound.is_32()) {
        // 64-bit signed: a negative decimal or any 64-bit pattern.
        (true, false) => (i64::MIN as i128..=u64::MAX as i128)
            .contains(&value)
            .then_some(value as u64),
        // 32-bit signed: a negative decimal (sign-extended in print) or a u32 pattern.
        (true, true) => (i32::MIN as i128..=u32::MAX as i128)
            .contains(&value)
            .then_some(value as u64 & u32::MAX as u64),
        (false, false) => (0..=u64::MAX as i128)
            .contains(&value)
            .then_some(value as u64),
        (false, true) => (0..=u32::MAX as i128)
            .contains(&value)
            .then_some(value as u64),
    }
}

/// Parses the value part of a scalar register (`P` prefix, a constant or `scalar(...)`).
fn reg_value(cur: &mut Cursor<'_>) -> Result<RegValue, LogSyntaxError> {
    let precise = cur.eat("P");
    let rest = cur.rest();
    if rest.starts_with('-') || rest.starts_with(|c: char| c.is_ascii_digit()) {
        let (value, text) = cur.number()?;
        let bits = (i64::MIN as i128..=u64::MAX as i128)
            .contains(&value)
            .then_some(value as u64)
            .ok_or_else(|| LogSyntaxError {
                column: cur.column() - text.chars().count(),
                problem: SyntaxProblem::OutOfRange {
                    field: "constant",
                    value: text.to_string(),
                },
            })?;
        return Ok(RegValue {
            scalar: Scalar::known(bits),
            id: None,
            off: None,
            precise,
        });
    }
    if !cur.eat("scalar(") {
        let word = rest.split([' ', ',']).next().unwrap_or(rest);
        return Err(cur.error(SyntaxProblem::NotScalar(word.to_string())));
    }
    let mut value = RegValue {
        scalar: Scalar::unknown(),
        id: None,
        off: None,
        precise,
    };
    let mut seen: Vec<&'static str> = Vec::new();
    let mut first = true;
    while !cur.eat(")") {
        if !first {
            cur.expect(",")?;
        }
        first = false;
        field(cur, &mut value, &mut seen)?;
    }
    Ok(value)
}

/// Parses one comma-separated field of `scalar(...)` into `value`.
fn field(
    cur: &mut Cursor<'_>,
    value: &mut RegValue,
    seen: &mut Vec<&'static str>,
) -> Result<(), LogSyntaxError> {
    let mut note = |cur: &Cursor<'_>, name: &'static str| {
        if seen.contains(&name) {
            Err(cur.error(SyntaxProblem::DuplicateField(name)))
        } else {
            seen.push(name);
            Ok(())
        }
    };
    let start = cur.pos;
    let name = cur.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
    match name {
        "" => Err(cur.error(SyntaxProblem::Expected("a field name"))),
        "id" => {
            cur.pos = start;
            note(cur, "id")?;
            cur.expect("id=")?;
            let at = cur.column();
            let id = cur.take_while(|c| c.is_ascii_digit());
            value.id = Some(id.parse().map_err(|_| LogSyntaxError {
                column: at,
                problem: SyntaxProblem::Expected("an id number"),
            })?);
            if cur.rest().starts_with(['+', '-']) {
                let at = cur.column();
                let sign = if cur.eat("-") { -1 } else { 1 };
                cur.eat("+");
                let digits = cur.take_while(|c| c.is_ascii_digit());
                let off = digits
                    .parse::<i64>()
                    .ok()
                    .and_then(|d| i32::try_from(sign * d).ok())
                    .ok_or(LogSyntaxError {
                        column: at,
                        problem: SyntaxProblem::Expected("a 32-bit offset after the id"),
                    })?;
                value.off = Some(off);
            }
            Ok(())
        }
        "var_off" => {
            cur.pos = start;
            note(cur, "var_off")?;
            cur.expect("var_off=(")?;
            let at = cur.column();
            let (v, _) = cur.number()?;
            cur.expect(";")?;
            cur.eat(" ");
            let (m, _) = cur.number()?;
            cur.expect(")")?;
            let fits = |x: i128| (0..=u64::MAX as i128).contains(&x);
            if !fits(v) || !fits(m) {
                return Err(LogSyntaxError {
                    column: at,
                    problem: SyntaxProblem::OutOfRange {
                        field: "var_off",
                        value: format!("({v}; {m})"),
                    },
                });
            }
            value.scalar.var_off = Tnum::new(Bv::u64(v as u64), Bv::u64(m as u64));
            Ok(())
        }
        _ => {
            // A group `name=name=...=number`.
            cur.pos = start;
            let mut group: Vec<Bound> = Vec::new();
            loop {
                let at = cur.pos;
                let name = cur.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    cur.pos = at;
                    break;
                }
                let bound = Bound::from_name(name).ok_or_else(|| LogSyntaxError {
                    column: cur.text[..at].chars().count() + 1,
                    problem: SyntaxProblem::UnknownField(name.to_string()),
                })?;
                cur.pos = at;
                note(cur, bound.name())?;
                cur.pos += name.len();
                cur.expect("=")?;
                group.push(bound);
            }
            let at = cur.column();
            let (number, text) = cur.number()?;
            for bound in group {
                let bits = field_bits(bound, number).ok_or_else(|| LogSyntaxError {
                    column: at,
                    problem: SyntaxProblem::OutOfRange {
                        field: bound.name(),
                        value: text.to_string(),
                    },
                })?;
                bound.set(&mut value.scalar, bits);
            }
            Ok(())
        }
    }
}

/// Parses a scalar as the log prints it (`0`, `-1`, `0xffffffff`, `scalar()`, `scalar(...)`),
/// ignoring `P` and `id`.
pub fn parse_scalar(text: &str) -> Result<Scalar<Bv>, LogSyntaxError> {
    parse_reg_value(text).map(|v| v.scalar)
}

/// Parses a scalar register's value with its `P` prefix and `id` fields.
pub fn parse_reg_value(text: &str) -> Result<RegValue, LogSyntaxError> {
    let mut cur = Cursor::new(text);
    let value = reg_value(&mut cur)?;
    cur.finish()?;
    Ok(value)
}

/// A register name with its liveness suffix and `=`: `R0=`, `r10=`, `R1_w=`. Returns the index.
fn reg_prefix(cur: &mut Cursor<'_>) -> Result<u8, LogSyntaxError> {
    if !(cur.eat("R") || cur.eat("r")) {
        return Err(cur.error(SyntaxProblem::Expected("a register `R<n>=`")));
    }
    let at = cur.column();
    let digits = cur.take_while(|c| c.is_ascii_digit());
    let reg = digits
        .parse::<u8>()
        .ok()
        .filter(|&r| r <= 10)
        .ok_or(LogSyntaxError {
            column: at,
            problem: SyntaxProblem::Expected("a register number 0 to 10"),
        })?;
    if cur.eat("_") {
        cur.take_while(|c| matches!(c, 'r' | 'w' | 'D'));
    }
    cur.expect("=")?;
    Ok(reg)
}

/// Parses a register assignment `R0=...` / `r0=...` (with an optional liveness suffix such as
/// `R0_w=`) holding a scalar: the register's index and its value.
pub fn parse_reg_assignment(text: &str) -> Result<(u8, RegValue), LogSyntaxError> {
    let mut cur = Cursor::new(text);
    let reg = reg_prefix(&mut cur)?;
    let value = reg_value(&mut cur)?;
    cur.finish()?;
    Ok((reg, value))
}

/// Splits `R0=...` into the register index and the raw value text, whatever its type.
pub fn split_reg_assignment(text: &str) -> Result<(u8, &str), LogSyntaxError> {
    let mut cur = Cursor::new(text);
    let reg = reg_prefix(&mut cur)?;
    Ok((reg, cur.rest()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(bounds: [u64; 8], v: u64, m: u64) -> Scalar<Bv> {
        let mut s = Scalar::unknown();
        s.var_off = Tnum::u64(v, m);
        for (b, x) in Bound::ALL.into_iter().zip(bounds) {
            b.set(&mut s, x);
        }
        s
    }

    #[test]
    fn kernel_examples_round_trip() {
        // Lines copied from the running kernel's log (6.18.44).
        for text in [
            "scalar()",
            "0",
            "-1",
            "0xffffffff",
            "0xffffffffffff63c0",
            "scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))",
            "scalar(id=1-3,smin=smin32=-3,smax=smax32=252)",
            "scalar(id=2+10,smin=umin=smin32=umin32=7,smax=umax=smax32=umax32=262,var_off=(0x0; 0x1ff))",
            "scalar(smin=0,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))",
            "scalar(id=1,umin=100)",
        ] {
            let v = parse_reg_value(text).unwrap();
            assert_eq!(v.to_string(), text);
        }
    }

    #[test]
    fn parsed_fields() {
        let v = parse_reg_value("scalar(id=1-3,smin=smin32=-3,smax=smax32=252)").unwrap();
        assert_eq!(v.id, Some(1));
        assert_eq!(v.off, Some(-3));
        assert_eq!(v.scalar.smin.get(), -3i64 as u64);
        assert_eq!(v.scalar.s32_min.get(), 0xffff_fffd);
        assert_eq!(v.scalar.smax.get(), 252);
        assert_eq!(v.scalar.umax.get(), u64::MAX);
        assert_eq!(v.scalar.var_off, Tnum::unknown(64));
        let (r, v) = parse_reg_assignment("R7_w=P-40").unwrap();
        assert_eq!(
            (r, v.precise, v.scalar.as_const()),
            (7, true, Some(-40i64 as u64))
        );
    }

    #[test]
    fn hex_smin32_is_the_u32_pattern() {
        // smin=0xfffe0000 (positive) and smin32=(s32)0xfffe0000 print the same number and group.
        let s = scalar(
            [
                0xfffe_0000,
                0xffff_0000,
                0xfffe_0000,
                0xffff_0000,
                0xfffe_0000,
                0xffff_0000,
                0xfffe_0000,
                0xffff_0000,
            ],
            0xfffe_0000,
            0x1_ffff,
        );
        let text = format_scalar(&s);
        assert_eq!(
            text,
            "scalar(smin=umin=smin32=umin32=0xfffe0000,smax=umax=smax32=umax32=0xffff0000,var_off=(0xfffe0000; 0x1ffff))"
        );
        assert_eq!(parse_scalar(&text).unwrap(), s);
    }

    #[test]
    fn negatives_do_not_group_with_unsigned() {
        let s = scalar(
            [
                u64::MAX,
                5,
                5,
                u64::MAX,
                u32::MAX as u64,
                5,
                5,
                u32::MAX as u64,
            ],
            0,
            u64::MAX,
        );
        let text = format_scalar(&s);
        // smax groups only with maximums, umin only with minimums.
        assert_eq!(text, "scalar(smin=smin32=-1,smax=smax32=5,umin=umin32=5)");
        assert_eq!(parse_scalar(&text).unwrap(), s);
    }

    #[test]
    fn errors_name_the_column() {
        let e = parse_scalar("scalar(smin=1,smoo=2)").unwrap_err();
        assert_eq!(e.column, 15);
        assert_eq!(e.problem, SyntaxProblem::UnknownField("smoo".into()));
        let e = parse_scalar("scalar(umin32=0x100000000)").unwrap_err();
        assert_eq!(e.column, 15);
        assert!(matches!(
            e.problem,
            SyntaxProblem::OutOfRange {
                field: "umin32",
                ..
            }
        ));
        let e = parse_scalar("scalar(umin=1,umin=2)").unwrap_err();
        assert_eq!(e.problem, SyntaxProblem::DuplicateField("umin"));
        let e = parse_scalar("ctx()").unwrap_err();
        assert_eq!(
            (e.column, e.problem),
            (1, SyntaxProblem::NotScalar("ctx()".into()))
        );
        let e = parse_scalar("scalar(umin=1").unwrap_err();
        assert_eq!(e.column, 14);
        let e = parse_scalar("5 x").unwrap_err();
        assert_eq!(e.problem, SyntaxProblem::Trailing(" x".into()));
    }

    /// A state as the kernel can hold it: a constant with every bound equal to it, or a
    /// non-constant tnum with arbitrary bounds (the printer shows bounds as they are).
    fn arb_state() -> impl proptest::strategy::Strategy<Value = Scalar<Bv>> {
        use proptest::prelude::*;
        let interesting = prop_oneof![
            Just(0u64),
            Just(u64::MAX),
            Just(i64::MIN as u64),
            Just(i64::MAX as u64),
            Just(0xffff_ffffu64),
            Just(0x8000_0000u64),
            (-40000i64..40000).prop_map(|x| x as u64),
            any::<u64>(),
        ];
        let bounds = proptest::collection::vec(interesting, 8);
        let constant = any::<u64>().prop_map(Scalar::known);
        let general =
            (bounds, any::<u64>(), any::<u64>(), any::<bool>()).prop_map(|(b, v, m, unknown)| {
                let m = if unknown { u64::MAX } else { m | 1 };
                let mut s = Scalar::unknown();
                s.var_off = Tnum::u64(v & !m, m);
                for (bound, x) in Bound::ALL.into_iter().zip(b) {
                    // Pick either the default or the drawn value, so omissions are exercised.
                    let x = if x % 3 == 0 { bound.default_bits() } else { x };
                    bound.set(&mut s, x);
                }
                s
            });
        prop_oneof![constant, general]
    }

    proptest::proptest! {
        #[test]
        fn parse_inverts_format(s in arb_state(), id in proptest::option::of(1u32..100), off in proptest::option::of(-300i32..300), precise: bool) {
            let text = format_scalar(&s);
            proptest::prop_assert_eq!(parse_scalar(&text).unwrap(), s);
            if s.as_const().is_none() {
                let v = RegValue { scalar: s, id, off: id.and(off), precise };
                proptest::prop_assert_eq!(parse_reg_value(&v.to_string()).unwrap(), v);
            }
        }
    }

    #[test]
    fn gallery() {
        let c = |x: u64| format_scalar(&Scalar::known(x));
        let gallery = [
            c(0),
            c(32767),
            c(32768),
            c(-32768i64 as u64),
            c(-32769i64 as u64),
            c(65535),
            c(0xffff_ffff),
            c(u64::MAX),
            format_scalar(&Scalar::unknown()),
            format_scalar(&scalar([0, 255, 0, 255, 0, 255, 0, 255], 0, 0xff)),
            format_scalar(&scalar(
                [
                    -3i64 as u64,
                    252,
                    0,
                    u64::MAX,
                    -3i32 as u32 as u64,
                    252,
                    0,
                    u32::MAX as u64,
                ],
                0,
                u64::MAX,
            )),
            format_scalar(&scalar(
                [
                    0xffff_ffff_8000_0000,
                    0xffff_ffff_ffff_63c0,
                    0xffff_ffff_8000_0000,
                    0xffff_ffff_ffff_63c0,
                    0x8000_0000,
                    0xffff_63c0,
                    0x8000_0000,
                    0xffff_63c0,
                ],
                0xffff_ffff_8000_0000,
                0x7fff_ffff,
            )),
            format_scalar(&scalar(
                [i64::MIN as u64, i64::MAX as u64, 0, u64::MAX, 0, 0, 0, 0],
                0,
                0xffff_ffff_0000_0000,
            )),
            RegValue {
                scalar: scalar([7, 262, 7, 262, 7, 262, 7, 262], 0, 0x1ff),
                id: Some(2),
                off: Some(10),
                precise: true,
            }
            .to_string(),
        ]
        .join("\n");
        insta::assert_snapshot!(gallery, @r"
        0
        32767
        0x8000
        -32768
        0xffffffffffff7fff
        0xffff
        0xffffffff
        -1
        scalar()
        scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
        scalar(smin=smin32=-3,smax=smax32=252)
        scalar(smin=0xffffffff80000000,smax=0xffffffffffff63c0,umin=0xffffffff80000000,umax=0xffffffffffff63c0,smax32=umax32=0xffff63c0,umin32=0x80000000,var_off=(0xffffffff80000000; 0x7fffffff))
        scalar(smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))
        Pscalar(id=2+10,smin=umin=smin32=umin32=7,smax=umax=smax32=umax32=262,var_off=(0x0; 0x1ff))
        ");
    }
}
