//! The assembler: parses the verifier-log syntax that [`Insn`]'s `Display` prints.
//!
//! One instruction per line. Beyond what the disassembler prints, a line may have:
//! - labels: `name:` on a line of its own or before an instruction; `goto name`, `gotol name`,
//!   `if r1 > r2 goto name`, `call name` (a local call) and `r1 = subprog[name]` refer to them;
//! - comments: everything from `;` (so a pasted log line's `; R0=...` state is ignored), from `//`,
//!   and from a `#` at the start of the line or after a space (`call bpf_x#7` is not a comment);
//! - the log's `N: (op)` prefix, where `N` must be the slot the instruction lands on and `op`, if
//!   given, its opcode byte: so verifier log lines can be pasted and are checked;
//! - immediates in decimal or `0x` hex, negative too; a 32-bit immediate may be written as its
//!   unsigned pattern (`0xffffffff` is -1), as the log prints jump immediates;
//! - `ll` after a 64-bit immediate (LLVM's spelling of `ld_imm64`).
//!
//! `rN = <imm>` is `ld_imm64` when the immediate is hex or has `ll`, and a `mov` otherwise: the
//! log prints `ld_imm64` values in hex and `mov` immediates in decimal, so pasted text keeps its
//! instruction lengths. Helper calls are `call NAME#ID` or `call NAME` for a known helper; a name
//! that is neither a helper nor `unknown` (as the log prints kfuncs by their BTF name) is a kfunc:
//! `call bpf_rcu_read_lock#65481` is kfunc 65481, as is `call kernel-function#65481`.

use super::disasm::{alu_op_str, cond_str};
use super::helpers::helper_id;
use super::insn::{
    AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width,
};
use std::collections::BTreeMap;
use thiserror::Error;

/// What is wrong with an assembly line.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AsmErrorKind {
    /// The parser expected one thing and found another.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What would have been accepted.
        expected: String,
        /// What was there.
        found: String,
    },
    /// The line starts with no known instruction.
    #[error("unknown instruction `{0}`")]
    UnknownMnemonic(String),
    /// A register name outside r0–r10 / w0–w10.
    #[error("bad register `{0}` (registers are r0 to r10, or w0 to w10 for 32 bits)")]
    BadRegister(String),
    /// An immediate or memory offset that does not fit its field.
    #[error("{what} {value} out of range ({min} to {max})")]
    OutOfRange {
        /// Which kind of value.
        what: &'static str,
        /// The value written.
        value: i128,
        /// Smallest accepted value.
        min: i128,
        /// Largest accepted value.
        max: i128,
    },
    /// A decimal `mov` immediate for a 64-bit register that is not an `i32`.
    #[error(
        "64-bit mov immediate {0} out of range (-2147483648 to 2147483647): \
         write a 64-bit constant in hex or with `ll` to load it with ld_imm64"
    )]
    MovImmediate(i128),
    /// A label that no line defines.
    #[error("unknown label `{0}`")]
    UnknownLabel(String),
    /// A label defined twice.
    #[error("label `{0}` is already defined")]
    DuplicateLabel(String),
    /// Operands that must agree do not (same register, same width, matching sizes).
    #[error("{0}")]
    Mismatch(String),
    /// A helper written with the wrong id.
    #[error("helper `{name}` is #{id}, not #{written}")]
    HelperMismatch {
        /// The helper's name.
        name: String,
        /// Its id.
        id: i32,
        /// The id written.
        written: i128,
    },
    /// The `N:` prefix names another slot than the one the instruction lands on.
    #[error("the line says slot {written}, but the instruction is at slot {actual}")]
    SlotMismatch {
        /// The slot written.
        written: u128,
        /// The actual slot.
        actual: usize,
    },
    /// The `(op)` prefix names another opcode than the instruction's.
    #[error("the line says opcode {written:#04x}, but the instruction's opcode is {actual:#04x}")]
    OpcodeMismatch {
        /// The opcode written.
        written: u8,
        /// The instruction's opcode.
        actual: u8,
    },
}

/// An assembly error at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{line}:{column}: {kind}")]
pub struct AsmError {
    /// Line number, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
    /// What is wrong.
    pub kind: AsmErrorKind,
}

/// Assembles a program written in the verifier-log syntax (see the module docs).
pub fn assemble(src: &str) -> Result<Vec<Insn>, AsmError> {
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    let mut pending: Vec<(Insn, usize, Option<Fixup>)> = Vec::new();
    let mut slot = 0usize;
    for (i, text) in src.lines().enumerate() {
        let line = i + 1;
        let mut p = LineParser::new(text, line)?;
        if let Some((written, col)) = p.slot_prefix {
            if written != slot as u128 {
                return Err(AsmError {
                    line,
                    column: col,
                    kind: AsmErrorKind::SlotMismatch {
                        written,
                        actual: slot,
                    },
                });
            }
        }
        while let Some((name, col)) = p.label_definition() {
            if labels.insert(name.clone(), slot).is_some() {
                return Err(AsmError {
                    line,
                    column: col,
                    kind: AsmErrorKind::DuplicateLabel(name),
                });
            }
        }
        if p.at_end() {
            if let Some((_, col)) = p.opcode_prefix {
                return Err(p.error_at(col, expected("an instruction after the opcode", "none")));
            }
            continue;
        }
        let (insn, fixup) = p.instruction()?;
        p.end()?;
        if let Some((written, col)) = p.opcode_prefix {
            if written != insn.opcode() {
                return Err(p.error_at(
                    col,
                    AsmErrorKind::OpcodeMismatch {
                        written,
                        actual: insn.opcode(),
                    },
                ));
            }
        }
        pending.push((insn, slot, fixup));
        slot += insn.slots();
    }
    pending
        .into_iter()
        .map(|(insn, slot, fixup)| match fixup {
            None => Ok(insn),
            Some(fixup) => fixup.apply(insn, slot, &labels),
        })
        .collect()
}

fn expected(expected: &str, found: &str) -> AsmErrorKind {
    AsmErrorKind::Expected {
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

/// A jump, call or function-address target written as a label, resolved once all labels are
/// known.
#[derive(Clone, Debug)]
struct Fixup {
    label: String,
    line: usize,
    column: usize,
}

impl Fixup {
    /// Sets the relative offset of `insn`, at `slot`, to the label's slot. Offsets count from
    /// the slot after the instruction's first.
    fn apply(
        &self,
        insn: Insn,
        slot: usize,
        labels: &BTreeMap<String, usize>,
    ) -> Result<Insn, AsmError> {
        let err = |kind| AsmError {
            line: self.line,
            column: self.column,
            kind,
        };
        let target = *labels
            .get(&self.label)
            .ok_or_else(|| err(AsmErrorKind::UnknownLabel(self.label.clone())))?;
        let rel = target as i128 - slot as i128 - 1;
        let narrow16 = || {
            i16::try_from(rel).map_err(|_| {
                err(AsmErrorKind::OutOfRange {
                    what: "jump offset",
                    value: rel,
                    min: i16::MIN.into(),
                    max: i16::MAX.into(),
                })
            })
        };
        let narrow32 = || {
            i32::try_from(rel).map_err(|_| {
                err(AsmErrorKind::OutOfRange {
                    what: "jump offset",
                    value: rel,
                    min: i32::MIN.into(),
                    max: i32::MAX.into(),
                })
            })
        };
        Ok(match insn {
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                ..
            } => Insn::Jump {
                width,
                cond,
                dst,
                src,
                off: narrow16()?,
            },
            Insn::Ja { .. } => Insn::Ja { off: narrow16()? },
            Insn::Gotol { .. } => Insn::Gotol { imm: narrow32()? },
            Insn::Call(CallTarget::Local(_)) => Insn::Call(CallTarget::Local(narrow32()?)),
            Insn::LdImm64 {
                dst,
                src: LdImm64::Func(_),
            } => Insn::LdImm64 {
                dst,
                src: LdImm64::Func(narrow32()?),
            },
            other => other,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// A number's magnitude (the sign is a separate token) and whether it was hex.
    Num(u128, bool),
    Punct(&'static str),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    col: usize,
}

impl Token {
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Num(n, true) => format!("`{n:#x}`"),
            Tok::Num(n, false) => format!("`{n}`"),
            Tok::Punct(p) => format!("`{p}`"),
        }
    }
}

/// Punctuation, longest first so that the lexer can take the first match.
const PUNCTS: [&str; 30] = [
    "s>>=", "<<=", ">>=", "s/=", "s%=", "s>=", "s<=", "+=", "-=", "*=", "/=", "|=", "&=", "%=",
    "^=", "==", "!=", ">=", "<=", "s>", "s<", ">", "<", "&", "=", "(", ")", "*", "[", "]",
];
/// Single-character punctuation not in `PUNCTS`.
const PUNCTS1: [&str; 6] = [",", "#", ":", "@", "+", "-"];

/// Where a line's comment starts: `;`, `//`, or `#` at the start or after whitespace.
fn comment_start(chars: &[char]) -> usize {
    for i in 0..chars.len() {
        match chars[i] {
            ';' => return i,
            '/' if chars.get(i + 1) == Some(&'/') => return i,
            '#' if i == 0 || chars[i - 1].is_whitespace() => return i,
            _ => {}
        }
    }
    chars.len()
}

/// One line, lexed, with a cursor.
struct LineParser {
    line: usize,
    tokens: Vec<Token>,
    pos: usize,
    end_col: usize,
    /// The `N:` prefix and its column.
    slot_prefix: Option<(u128, usize)>,
    /// The `(op)` prefix and its column.
    opcode_prefix: Option<(u8, usize)>,
}

impl LineParser {
    fn new(text: &str, line: usize) -> Result<LineParser, AsmError> {
        let chars: Vec<char> = text.chars().collect();
        let end = comment_start(&chars);
        let err = |column, kind| AsmError { line, column, kind };
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < end && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        // The log's `N: (op)` prefix: a number can only start a line as a slot number.
        let mut slot_prefix = None;
        let mut opcode_prefix = None;
        skip_ws(&mut i);
        if i < end && chars[i].is_ascii_digit() {
            let start = i;
            while i < end && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let n = digits
                .parse::<u128>()
                .map_err(|_| err(start + 1, expected("a slot number", &format!("`{digits}`"))))?;
            skip_ws(&mut i);
            if i >= end || chars[i] != ':' {
                return Err(err(
                    i + 1,
                    expected(
                        "`:` after the slot number",
                        &describe_char(chars.get(i), i < end),
                    ),
                ));
            }
            i += 1;
            slot_prefix = Some((n, start + 1));
            skip_ws(&mut i);
            let is_hex = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_hexdigit());
            if i + 3 < end
                && chars[i] == '('
                && is_hex(chars.get(i + 1))
                && is_hex(chars.get(i + 2))
                && chars[i + 3] == ')'
            {
                let hex: String = chars[i + 1..i + 3].iter().collect();
                let op = u8::from_str_radix(&hex, 16)
                    .map_err(|_| err(i + 2, expected("an opcode", &hex)))?;
                opcode_prefix = Some((op, i + 1));
                i += 4;
            }
        }
        let mut tokens = Vec::new();
        while i < end {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            let col = i + 1;
            if c.is_ascii_digit() {
                let start = i;
                let hex = c == '0' && matches!(chars.get(i + 1), Some('x' | 'X'));
                if hex {
                    i += 2;
                }
                let digits_start = i;
                while i < end && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let digits: String = chars[digits_start..i].iter().collect();
                let text: String = chars[start..i].iter().collect();
                let value = u128::from_str_radix(&digits, if hex { 16 } else { 10 })
                    .map_err(|_| err(col, expected("a number", &format!("`{text}`"))))?;
                tokens.push(Token {
                    tok: Tok::Num(value, hex),
                    col,
                });
                continue;
            }
            if c.is_ascii_alphabetic() || c == '_' {
                let start = i;
                while i < end && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // `s` directly followed by an operator is a signed operator (`s>=`, `s/=`).
                if word != "s" || !matches!(chars.get(i), Some('<' | '>' | '/' | '%')) {
                    tokens.push(Token {
                        tok: Tok::Ident(word),
                        col,
                    });
                    continue;
                }
                i = start;
            }
            let rest: String = chars[i..end.min(i + 4)].iter().collect();
            match PUNCTS
                .iter()
                .chain(PUNCTS1.iter())
                .find(|p| rest.starts_with(**p))
            {
                Some(p) => {
                    tokens.push(Token {
                        tok: Tok::Punct(p),
                        col,
                    });
                    i += p.chars().count();
                }
                None => {
                    return Err(err(
                        col,
                        AsmErrorKind::Expected {
                            expected: "an instruction".to_string(),
                            found: format!("`{c}`"),
                        },
                    ))
                }
            }
        }
        Ok(LineParser {
            line,
            tokens,
            pos: 0,
            end_col: end + 1,
            slot_prefix,
            opcode_prefix,
        })
    }

    fn error_at(&self, column: usize, kind: AsmErrorKind) -> AsmError {
        AsmError {
            line: self.line,
            column,
            kind,
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + k).map(|t| &t.tok)
    }

    /// Column of the current token, or just past the line's end.
    fn col(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end_col, |t| t.col)
    }

    fn found(&self) -> String {
        self.tokens
            .get(self.pos)
            .map_or_else(|| "end of line".to_string(), Token::describe)
    }

    fn error(&self, kind: AsmErrorKind) -> AsmError {
        self.error_at(self.col(), kind)
    }

    fn expected(&self, what: &str) -> AsmError {
        self.error(expected(what, &self.found()))
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn end(&self) -> Result<(), AsmError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected("end of line"))
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let is = self.is_punct(p);
        if is {
            self.pos += 1;
        }
        is
    }

    fn punct(&mut self, p: &str) -> Result<(), AsmError> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{p}`")))
        }
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == word)
    }

    fn ident(&mut self, word: &str) -> Result<(), AsmError> {
        if self.is_ident(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(&format!("`{word}`")))
        }
    }

    fn any_ident(&mut self, what: &str) -> Result<String, AsmError> {
        match self.peek() {
            Some(Tok::Ident(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// A `name:` label definition at the cursor, consumed.
    fn label_definition(&mut self) -> Option<(String, usize)> {
        match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Ident(name)), Some(Tok::Punct(":"))) => {
                let name = name.clone();
                let col = self.col();
                self.pos += 2;
                Some((name, col))
            }
            _ => None,
        }
    }

    /// Whether the cursor is on a register name (`r0`..`r99`, `w0`..`w99`, any number).
    fn at_register(&self) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if parse_reg_name(w).is_some())
    }

    /// A register and the width its name says.
    fn reg(&mut self) -> Result<(Reg, Width), AsmError> {
        let Some(Tok::Ident(w)) = self.peek() else {
            return Err(self.expected("a register"));
        };
        let (width, n) = parse_reg_name(w).ok_or_else(|| self.expected("a register"))?;
        let reg = u8::try_from(n)
            .ok()
            .and_then(Reg::new)
            .ok_or_else(|| self.error(AsmErrorKind::BadRegister(w.clone())))?;
        self.pos += 1;
        Ok((reg, width))
    }

    /// A 64-bit register (`rN`): memory operands, byte swaps, loads.
    fn reg64(&mut self) -> Result<Reg, AsmError> {
        let col = self.col();
        let (reg, width) = self.reg()?;
        if width != Width::W64 {
            return Err(self.error_at(
                col,
                AsmErrorKind::Mismatch(format!("expected the 64-bit register name {reg} here")),
            ));
        }
        Ok(reg)
    }

    /// A register of the given width (the width of the instruction's other operand).
    fn reg_of(&mut self, width: Width) -> Result<Reg, AsmError> {
        let col = self.col();
        let (reg, w) = self.reg()?;
        if w != width {
            return Err(self.error_at(col, mixed_widths()));
        }
        Ok(reg)
    }

    /// A register equal to `want` at `width` (`r1 = -r1`, `r1 = be16 r1`).
    fn same_reg(&mut self, want: Reg, width: Width) -> Result<(), AsmError> {
        let col = self.col();
        let reg = self.reg_of(width)?;
        if reg != want {
            return Err(self.error_at(
                col,
                AsmErrorKind::Mismatch(format!(
                    "this instruction has one register operand: expected {want}, found {reg}"
                )),
            ));
        }
        Ok(())
    }

    /// An optionally signed number in `min..=max`; returns it and whether it was hex.
    fn number(
        &mut self,
        what: &'static str,
        min: i128,
        max: i128,
    ) -> Result<(i128, bool), AsmError> {
        let col = self.col();
        let negative = if self.eat_punct("-") {
            true
        } else {
            self.eat_punct("+");
            false
        };
        let Some(Tok::Num(magnitude, hex)) = self.peek().cloned() else {
            return Err(self.expected(&format!("a number ({what})")));
        };
        self.pos += 1;
        let out_of_range = |value| AsmErrorKind::OutOfRange {
            what,
            value,
            min,
            max,
        };
        let magnitude =
            i128::try_from(magnitude).map_err(|_| self.error_at(col, out_of_range(i128::MAX)))?;
        let value = if negative { -magnitude } else { magnitude };
        if value < min || value > max {
            return Err(self.error_at(col, out_of_range(value)));
        }
        Ok((value, hex))
    }

    /// A 32-bit immediate; `0x80000000..=0xffffffff` stand for their two's-complement pattern.
    fn imm32(&mut self) -> Result<i32, AsmError> {
        let (v, _) = self.number("immediate", i32::MIN.into(), u32::MAX.into())?;
        Ok(v as u32 as i32)
    }

    /// A signed 16-bit value (memory offset, module BTF index).
    fn i16_value(&mut self, what: &'static str) -> Result<i16, AsmError> {
        let (v, _) = self.number(what, i16::MIN.into(), i16::MAX.into())?;
        Ok(v as i16)
    }

    /// A signed 32-bit value (map fd or index, BTF id).
    fn i32_value(&mut self, what: &'static str) -> Result<i32, AsmError> {
        let (v, _) = self.number(what, i32::MIN.into(), i32::MAX.into())?;
        Ok(v as i32)
    }

    /// `pc+N`, `+N`/`-N`, or a label: a relative offset or a fixup.
    fn target(&mut self) -> Result<(i128, Option<Fixup>), AsmError> {
        if self.is_ident("pc") && matches!(self.peek_at(1), Some(Tok::Punct("+" | "-"))) {
            self.pos += 1;
        }
        if self.is_punct("+") || self.is_punct("-") {
            let (v, _) = self.number("jump offset", i32::MIN.into(), i32::MAX.into())?;
            return Ok((v, None));
        }
        let col = self.col();
        let label = self.any_ident("`pc+N`, `pc-N` or a label")?;
        Ok((
            0,
            Some(Fixup {
                label,
                line: self.line,
                column: col,
            }),
        ))
    }

    /// A jump target that must fit the 16-bit `off`.
    fn target16(&mut self) -> Result<(i16, Option<Fixup>), AsmError> {
        let col = self.col();
        let (v, fixup) = self.target()?;
        let off = i16::try_from(v).map_err(|_| {
            self.error_at(
                col,
                AsmErrorKind::OutOfRange {
                    what: "jump offset",
                    value: v,
                    min: i16::MIN.into(),
                    max: i16::MAX.into(),
                },
            )
        })?;
        Ok((off, fixup))
    }

    fn target32(&mut self) -> Result<(i32, Option<Fixup>), AsmError> {
        let (v, fixup) = self.target()?;
        // `target` reads at most 32-bit offsets.
        Ok((v as i32, fixup))
    }

    /// `(u32 *)`: the type of a memory operand; returns the size and signedness.
    fn pointer_type(&mut self) -> Result<(Size, bool, usize), AsmError> {
        self.punct("(")?;
        let col = self.col();
        let ty = self.any_ident("a type such as `u32`")?;
        let (size, signed) = match ty.as_str() {
            "u8" => (Size::B, false),
            "u16" => (Size::H, false),
            "u32" => (Size::W, false),
            "u64" => (Size::DW, false),
            "s8" => (Size::B, true),
            "s16" => (Size::H, true),
            "s32" => (Size::W, true),
            _ => {
                return Err(self.error_at(
                    col,
                    expected("u8, u16, u32, u64, s8, s16 or s32", &format!("`{ty}`")),
                ))
            }
        };
        self.punct("*")?;
        self.punct(")")?;
        Ok((size, signed, col))
    }

    /// `(r1 +4)`: base register and offset (`+0` may be left out).
    fn address(&mut self) -> Result<(Reg, i16), AsmError> {
        self.punct("(")?;
        let base = self.reg64()?;
        let off = if self.is_punct("+") || self.is_punct("-") {
            self.i16_value("memory offset")?
        } else {
            0
        };
        self.punct(")")?;
        Ok((base, off))
    }

    /// `(u32 *)(r1 +4)` with an unsigned type.
    fn unsigned_mem(&mut self) -> Result<(Size, Reg, i16, usize), AsmError> {
        let (size, signed, col) = self.pointer_type()?;
        if signed {
            return Err(self.error_at(
                col,
                AsmErrorKind::Mismatch("only loads can be sign-extending".to_string()),
            ));
        }
        let (base, off) = self.address()?;
        Ok((size, base, off, col))
    }

    /// A register or an immediate, the register of the given width.
    fn operand(&mut self, width: Width) -> Result<Operand, AsmError> {
        if self.at_register() {
            Ok(Operand::Reg(self.reg_of(width)?))
        } else {
            Ok(Operand::Imm(self.imm32()?))
        }
    }

    /// One instruction, and the label it refers to if any.
    fn instruction(&mut self) -> Result<(Insn, Option<Fixup>), AsmError> {
        let col = self.col();
        let head = match self.peek() {
            Some(Tok::Ident(w)) => w.clone(),
            Some(Tok::Punct("*")) => {
                self.pos += 1;
                return self.store().map(|i| (i, None));
            }
            _ => return Err(self.expected("an instruction")),
        };
        if self.at_register() {
            return self.register_statement();
        }
        self.pos += 1;
        match head.as_str() {
            "exit" => Ok((Insn::Exit, None)),
            "goto" => {
                let (off, fixup) = self.target16()?;
                Ok((Insn::Ja { off }, fixup))
            }
            "gotol" => {
                let (imm, fixup) = self.target32()?;
                Ok((Insn::Gotol { imm }, fixup))
            }
            "call" => self.call(),
            "callx" => Ok((Insn::Callx { dst: self.reg64()? }, None)),
            "lock" => self.lock().map(|i| (i, None)),
            "if" => self.conditional_jump(),
            _ => Err(self.error_at(col, AsmErrorKind::UnknownMnemonic(head))),
        }
    }

    /// After `*`: `(u64 *)(r10 -8) = r1` or `= 5`.
    fn store(&mut self) -> Result<Insn, AsmError> {
        let (size, base, off, _) = self.unsigned_mem()?;
        self.punct("=")?;
        let src = self.operand(Width::W64)?;
        Ok(Insn::Store {
            size,
            base,
            off,
            src,
        })
    }

    /// After `lock`: `*(u64 *)(r10 -8) += r1`.
    fn lock(&mut self) -> Result<Insn, AsmError> {
        self.punct("*")?;
        let (size, base, off, col) = self.unsigned_mem()?;
        atomic_size(size).map_err(|k| self.error_at(col, k))?;
        let op = match self.peek() {
            Some(Tok::Punct("+=")) => AtomicOp::Add { fetch: false },
            Some(Tok::Punct("|=")) => AtomicOp::Or { fetch: false },
            Some(Tok::Punct("&=")) => AtomicOp::And { fetch: false },
            Some(Tok::Punct("^=")) => AtomicOp::Xor { fetch: false },
            _ => return Err(self.expected("`+=`, `|=`, `&=` or `^=`")),
        };
        self.pos += 1;
        let src = self.reg64()?;
        Ok(Insn::Atomic {
            size,
            op,
            base,
            off,
            src,
        })
    }

    /// After `if`: `r1 s<= r2 goto pc-3`, `w0 > 0x5 goto label`.
    fn conditional_jump(&mut self) -> Result<(Insn, Option<Fixup>), AsmError> {
        let (dst, width) = self.reg()?;
        let cond = match self.peek() {
            Some(Tok::Punct(p)) => Cond::ALL.into_iter().find(|&c| cond_str(c) == *p),
            _ => None,
        }
        .ok_or_else(|| self.expected("a comparison such as `==` or `s<`"))?;
        self.pos += 1;
        let src = self.operand(width)?;
        self.ident("goto")?;
        let (off, fixup) = self.target16()?;
        Ok((
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            },
            fixup,
        ))
    }

    /// After `call`.
    fn call(&mut self) -> Result<(Insn, Option<Fixup>), AsmError> {
        if self.is_ident("pc") || self.is_punct("+") || self.is_punct("-") {
            let (imm, fixup) = self.target32()?;
            return Ok((Insn::Call(CallTarget::Local(imm)), fixup));
        }
        if let Some(Tok::Num(..)) = self.peek() {
            return Ok((Insn::Call(CallTarget::Helper(self.imm32()?)), None));
        }
        let col = self.col();
        let mut name = self.any_ident("a helper, kfunc or label after `call`")?;
        if name == "kernel"
            && self.is_punct("-")
            && matches!(self.peek_at(1), Some(Tok::Ident(w)) if w == "function")
        {
            self.pos += 2;
            name = "kernel-function".to_string();
        }
        if !self.eat_punct("#") {
            if let Some(id) = helper_id(&name) {
                return Ok((Insn::Call(CallTarget::Helper(id)), None));
            }
            return Ok((
                Insn::Call(CallTarget::Local(0)),
                Some(Fixup {
                    label: name,
                    line: self.line,
                    column: col,
                }),
            ));
        }
        let id_col = self.col();
        let id = self.imm32()?;
        let kfunc = match (name.as_str(), helper_id(&name)) {
            ("unknown", _) => false,
            (_, Some(helper)) if helper != id => {
                return Err(self.error_at(
                    id_col,
                    AsmErrorKind::HelperMismatch {
                        name,
                        id: helper,
                        written: id.into(),
                    },
                ))
            }
            (_, Some(_)) => false,
            _ => true,
        };
        if !kfunc {
            return Ok((Insn::Call(CallTarget::Helper(id)), None));
        }
        let off = if self.eat_punct("@") {
            self.i16_value("module BTF index")?
        } else {
            0
        };
        Ok((Insn::Call(CallTarget::Kfunc { btf_id: id, off }), None))
    }

    /// A line starting with a register: ALU, mov and every `dst = ...` form.
    fn register_statement(&mut self) -> Result<(Insn, Option<Fixup>), AsmError> {
        let dst_col = self.col();
        let (dst, width) = self.reg()?;
        let op = match self.peek() {
            Some(Tok::Punct(p)) => AluOp::ALL.into_iter().find(|&o| alu_op_str(o) == *p),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let src = self.operand(width)?;
            return Ok((
                Insn::Alu {
                    width,
                    op,
                    dst,
                    src,
                },
                None,
            ));
        }
        if !self.eat_punct("=") {
            return Err(self.expected("`=` or an operator such as `+=`"));
        }
        let need64 = |p: &Self| {
            if width == Width::W64 {
                Ok(())
            } else {
                Err(p.error_at(
                    dst_col,
                    AsmErrorKind::Mismatch(format!(
                        "expected the 64-bit register name r{} here",
                        dst.index()
                    )),
                ))
            }
        };
        // `r1 = -r1`
        if self.is_punct("-")
            && matches!(self.peek_at(1), Some(Tok::Ident(w)) if parse_reg_name(w).is_some())
        {
            self.pos += 1;
            self.same_reg(dst, width)?;
            return Ok((Insn::Neg { width, dst }, None));
        }
        // `w0 = (s8)w1`
        if self.is_punct("(") {
            self.pos += 1;
            let col = self.col();
            let ty = self.any_ident("`s8`, `s16` or `s32`")?;
            let from_bits = match (ty.as_str(), width) {
                ("s8", _) => 8,
                ("s16", _) => 16,
                ("s32", Width::W64) => 32,
                _ => {
                    let allowed = if width == Width::W64 {
                        "`s8`, `s16` or `s32`"
                    } else {
                        "`s8` or `s16`"
                    };
                    return Err(self.error_at(col, expected(allowed, &format!("`{ty}`"))));
                }
            };
            self.punct(")")?;
            let src = self.reg_of(width)?;
            return Ok((
                Insn::MovSx {
                    width,
                    dst,
                    src,
                    from_bits,
                },
                None,
            ));
        }
        // `r0 = *(u32 *)(r1 +4)`, `r0 = *(u8 *)skb[...]`
        if self.eat_punct("*") {
            need64(self)?;
            let (size, signed, ty_col) = self.pointer_type()?;
            if self.is_ident("skb") {
                return self
                    .packet_load(dst, dst_col, size, signed, ty_col)
                    .map(|i| (i, None));
            }
            let (base, off) = self.address()?;
            return Ok((
                Insn::Load {
                    size,
                    signed,
                    dst,
                    base,
                    off,
                },
                None,
            ));
        }
        if self.at_register() {
            let src = self.reg_of(width)?;
            return Ok((
                Insn::Mov {
                    width,
                    dst,
                    src: Operand::Reg(src),
                },
                None,
            ));
        }
        if let Some(Tok::Ident(word)) = self.peek() {
            let word = word.clone();
            let col = self.col();
            need64(self)?;
            self.pos += 1;
            if let Some((kind, bits)) = parse_end(&word) {
                self.same_reg(dst, width)?;
                return Ok((Insn::End { kind, dst, bits }, None));
            }
            if word.starts_with("atomic") {
                return self.atomic_call(dst, &word, col).map(|i| (i, None));
            }
            return self.pseudo_ld_imm64(dst, &word, col);
        }
        // `r1 = 5`, `r1 = 0x5`, `r1 = 5 ll`
        let col = self.col();
        let (value, hex) = self.number("immediate", i64::MIN.into(), u64::MAX.into())?;
        let ll = self.is_ident("ll");
        if ll {
            self.pos += 1;
        }
        if width == Width::W64 && (hex || ll) {
            return Ok((
                Insn::LdImm64 {
                    dst,
                    src: LdImm64::Imm(value as u64),
                },
                None,
            ));
        }
        if ll {
            need64(self)?;
        }
        // A 64-bit mov sign-extends its immediate: only `i32` values mean what they say.
        let in_range = match width {
            Width::W32 => (i128::from(i32::MIN)..=i128::from(u32::MAX)).contains(&value),
            Width::W64 => i32::try_from(value).is_ok(),
        };
        if !in_range {
            let kind = match width {
                Width::W64 => AsmErrorKind::MovImmediate(value),
                Width::W32 => AsmErrorKind::OutOfRange {
                    what: "immediate",
                    value,
                    min: i32::MIN.into(),
                    max: u32::MAX.into(),
                },
            };
            return Err(self.error_at(col, kind));
        }
        let imm = value as u32 as i32;
        Ok((
            Insn::Mov {
                width,
                dst,
                src: Operand::Imm(imm),
            },
            None,
        ))
    }

    /// After `r0 = *(u8 *)`: `skb[2]` or `skb[r1 + 2]`.
    fn packet_load(
        &mut self,
        dst: Reg,
        dst_col: usize,
        size: Size,
        signed: bool,
        ty_col: usize,
    ) -> Result<Insn, AsmError> {
        if signed || size == Size::DW {
            return Err(self.error_at(
                ty_col,
                expected("u8, u16 or u32 for a packet load", "another type"),
            ));
        }
        if dst != Reg::R0 {
            return Err(self.error_at(
                dst_col,
                AsmErrorKind::Mismatch("packet loads always load into r0".to_string()),
            ));
        }
        self.ident("skb")?;
        self.punct("[")?;
        let index = if self.at_register() {
            let index = self.reg64()?;
            self.punct("+")?;
            Some(index)
        } else {
            None
        };
        let imm = self.imm32()?;
        self.punct("]")?;
        Ok(Insn::LoadPacket { size, index, imm })
    }

    /// After `rN = atomic...`: `atomic64_fetch_add((u64 *)(r10 -8), r1)`, `..._xchg(..)`,
    /// `atomic_cmpxchg((u32 *)(r10 -8), r0, r1)`.
    fn atomic_call(&mut self, dst: Reg, word: &str, col: usize) -> Result<Insn, AsmError> {
        let (size_name, rest) = match word.strip_prefix("atomic64_") {
            Some(rest) => (Size::DW, rest),
            None => (Size::W, word.strip_prefix("atomic_").unwrap_or("")),
        };
        let op = match rest {
            "fetch_add" => AtomicOp::Add { fetch: true },
            "fetch_or" => AtomicOp::Or { fetch: true },
            "fetch_and" => AtomicOp::And { fetch: true },
            "fetch_xor" => AtomicOp::Xor { fetch: true },
            "xchg" => AtomicOp::Xchg,
            "cmpxchg" => AtomicOp::Cmpxchg,
            _ => return Err(self.error_at(col, AsmErrorKind::UnknownMnemonic(word.to_string()))),
        };
        self.punct("(")?;
        let (size, base, off, ty_col) = self.unsigned_mem()?;
        atomic_size(size).map_err(|k| self.error_at(ty_col, k))?;
        if size != size_name {
            return Err(self.error_at(
                ty_col,
                AsmErrorKind::Mismatch(format!(
                    "`{word}` works on {}",
                    if size_name == Size::DW { "u64" } else { "u32" }
                )),
            ));
        }
        self.punct(",")?;
        if op == AtomicOp::Cmpxchg {
            let r0_col = self.col();
            if self.reg64()? != Reg::R0 {
                return Err(self.error_at(
                    r0_col,
                    AsmErrorKind::Mismatch("cmpxchg compares with r0".to_string()),
                ));
            }
            self.punct(",")?;
        }
        let src_col = self.col();
        let src = self.reg64()?;
        self.punct(")")?;
        let result = if op == AtomicOp::Cmpxchg {
            Reg::R0
        } else {
            src
        };
        if dst != result {
            return Err(self.error_at(
                src_col,
                AsmErrorKind::Mismatch(format!("the old value goes to {result}, not to {dst}")),
            ));
        }
        Ok(Insn::Atomic {
            size,
            op,
            base,
            off,
            src,
        })
    }

    /// After `rN = map`, `btf` or `subprog`: the pseudo forms of `ld_imm64`.
    fn pseudo_ld_imm64(
        &mut self,
        dst: Reg,
        word: &str,
        col: usize,
    ) -> Result<(Insn, Option<Fixup>), AsmError> {
        let insn = |src| Insn::LdImm64 { dst, src };
        match word {
            "map" => {
                self.punct("[")?;
                let kind_col = self.col();
                let kind = self.any_ident("`fd` or `idx`")?;
                if kind != "fd" && kind != "idx" {
                    return Err(self.error_at(kind_col, expected("`fd` or `idx`", &format!("`{kind}`"))));
                }
                self.punct(":")?;
                let n = self.i32_value("map fd or index")?;
                self.punct("]")?;
                let value_off = if self.eat_punct("[") {
                    self.number("map element (only [0])", 0, 0)?;
                    self.punct("]")?;
                    self.punct("+")?;
                    let (off, _) = self.number("map value offset", 0, u32::MAX.into())?;
                    Some(off as u32)
                } else {
                    None
                };
                Ok((
                    insn(match (kind == "fd", value_off) {
                        (true, None) => LdImm64::MapFd(n),
                        (true, Some(off)) => LdImm64::MapValue { fd: n, off },
                        (false, None) => LdImm64::MapIdx(n),
                        (false, Some(off)) => LdImm64::MapIdxValue { idx: n, off },
                    }),
                    None,
                ))
            }
            "btf" => {
                self.punct("[")?;
                self.ident("id")?;
                self.punct(":")?;
                let id = self.i32_value("BTF id")?;
                self.punct("]")?;
                Ok((insn(LdImm64::BtfId(id)), None))
            }
            "subprog" => {
                self.punct("[")?;
                let (rel, fixup) = self.target32()?;
                self.punct("]")?;
                Ok((insn(LdImm64::Func(rel)), fixup))
            }
            _ => Err(self.error_at(col, expected("a register, number, `*(..)`, byte swap, atomic, `map[..]`, `btf[..]` or `subprog[..]`", &format!("`{word}`")))),
        }
    }
}

fn mixed_widths() -> AsmErrorKind {
    AsmErrorKind::Mismatch("operands mix 32-bit (w) and 64-bit (r) register names".to_string())
}

fn atomic_size(size: Size) -> Result<(), AsmErrorKind> {
    match size {
        Size::W | Size::DW => Ok(()),
        _ => Err(AsmErrorKind::Mismatch(
            "atomics work on u32 or u64".to_string(),
        )),
    }
}

/// `r7` → (64-bit, 7), `w3` → (32-bit, 3); `None` if not a register name.
fn parse_reg_name(word: &str) -> Option<(Width, u32)> {
    let width = match word.as_bytes().first()? {
        b'r' => Width::W64,
        b'w' => Width::W32,
        _ => return None,
    };
    let digits = &word[1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Long digit strings are still register names, just bad ones.
    Some((width, digits.parse().unwrap_or(u32::MAX)))
}

/// `be16` → (Be, 16), `bswap64` → (Swap, 64).
fn parse_end(word: &str) -> Option<(Endian, u8)> {
    let (kind, bits) = if let Some(b) = word.strip_prefix("bswap") {
        (Endian::Swap, b)
    } else if let Some(b) = word.strip_prefix("be") {
        (Endian::Be, b)
    } else {
        (Endian::Le, word.strip_prefix("le")?)
    };
    match bits {
        "16" => Some((kind, 16)),
        "32" => Some((kind, 32)),
        "64" => Some((kind, 64)),
        _ => None,
    }
}

fn describe_char(c: Option<&char>, in_line: bool) -> String {
    match c {
        Some(c) if in_line => format!("`{c}`"),
        _ => "end of line".to_string(),
    }
}
