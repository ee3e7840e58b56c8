//! The uBPF-style assembly of the BPF conformance suite, and its `.data` test files.
//!
//! The syntax is the one `bpf_conformance`'s assembler reads (re-implemented here from the test
//! files and that assembler's documented behaviour):
//!
//! ```text
//! mov32 %r0, 0          # ALU: `<op>[32] %dst, %src|imm` (op: add sub mul div sdiv mod smod
//! add %r1, %r2          #   or and xor lsh rsh arsh mov), `neg[32] %dst`
//! movsx832 %r0, %r1     # movsx<from><to>: from 8/16/32 bits, to 32/64 bits
//! be16 %r0              # le/be/swap/bswap 16/32/64
//! ldxw %r0, [%r1+4]     # ldx{b,h,w,dw}, ldxs{b,h,w} (sign-extending)
//! stxdw [%r10-8], %r1   # stx{b,h,w,dw} [mem], %src;  st{b,h,w,dw} [mem], imm
//! lddw %r0, 0x1122334455667788
//! lock fetch add32 [%r10-4], %r1   # lock [fetch] add|and|or|xor[32], lock xchg|cmpxchg[32]
//! ldabsw 12             # ldabs{b,h,w} imm;  ldind{b,h,w} %idx, imm
//! ja +1                 # ja, ja32 (gotol), j<cond>[32] %dst, %src|imm, target
//! jeq %r1, 0x5, label   # targets: +N / -N slots, or a label
//! call 1                # call [helper] N;  call local target;  call runtime N (kfunc); call %reg
//! label:
//! exit
//! ```
//!
//! Comments run from `#` to the end of the line. Numbers are decimal or `0x` hexadecimal, with an
//! optional sign; 32-bit immediates accept `-2^31 ..= 2^32 - 1` and keep the low 32 bits (so
//! `0xffffffff` is -1). The label `exit` means the first `exit` instruction unless the program
//! defines it. Offsets and labels count 8-byte slots (`lddw` takes two).

use super::{AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width};
use std::collections::BTreeMap;

/// A parse error at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {kind}")]
pub struct ParseError {
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The first word of the line is no known mnemonic.
    #[error("unknown mnemonic `{0}`")]
    UnknownMnemonic(String),
    /// The instruction takes another number of operands.
    #[error("`{mnemonic}` takes {expected} operand(s), found {found}")]
    OperandCount {
        /// The mnemonic.
        mnemonic: String,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        found: usize,
    },
    /// Not a register `%r0` .. `%r10`.
    #[error("expected a register %r0..%r10, found `{0}`")]
    BadRegister(String),
    /// Not a number.
    #[error("expected a number, found `{0}`")]
    BadNumber(String),
    /// A number that does not fit its field.
    #[error("{value} does not fit in {field}")]
    OutOfRange {
        /// The number as written.
        value: String,
        /// The field.
        field: &'static str,
    },
    /// Not a memory operand `[%rN]`, `[%rN+off]`, `[%rN-off]`.
    #[error("expected a memory operand like [%r1+4], found `{0}`")]
    BadMemory(String),
    /// A jump or call to a label never defined.
    #[error("undefined label `{0}`")]
    UndefinedLabel(String),
    /// A label defined twice.
    #[error("label `{0}` defined twice")]
    DuplicateLabel(String),
    /// A jump whose target is too far for its offset field.
    #[error("jump to `{0}` is too far for its offset field")]
    TargetTooFar(String),
    /// A `.data` file line outside any section, or a section given twice.
    #[error("{0}")]
    DataFile(String),
}

/// A token of a line: its text and 1-based column.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    text: &'a str,
    column: usize,
}

/// Split a line (comment already removed) into tokens: words separated by blanks and commas,
/// a bracketed memory operand being one token.
fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
            continue;
        }
        let mut j = i;
        if c == '[' {
            while j < chars.len() && chars[j].1 != ']' {
                j += 1;
            }
            j = (j + 1).min(chars.len());
        } else {
            while j < chars.len() && !chars[j].1.is_whitespace() && chars[j].1 != ',' {
                j += 1;
            }
        }
        let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
        tokens.push(Token {
            text: &line[start..end],
            column: i + 1,
        });
        i = j;
    }
    tokens
}

/// A jump target before labels are resolved.
#[derive(Clone, Debug)]
enum Target {
    Offset(i64),
    Label(String),
}

/// Which offset field a pending target fills.
#[derive(Clone, Copy, Debug)]
enum TargetField {
    /// The 16-bit `off` of `ja` and conditional jumps.
    Off16,
    /// The 32-bit `imm` of `gotol` and local calls.
    Imm32,
}

/// An instruction whose target may still be a label.
struct Pending {
    insn: Insn,
    slot: usize,
    target: Option<(Target, TargetField, usize, usize)>,
}

/// The parser's state over one program.
struct Assembler {
    line: usize,
    pending: Vec<Pending>,
    labels: BTreeMap<String, usize>,
    first_exit: Option<usize>,
    slot: usize,
}

type Parsed<T> = Result<T, ParseError>;

impl Assembler {
    fn err(&self, column: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            line: self.line,
            column,
            kind,
        }
    }

    fn reg(&self, t: Token<'_>) -> Parsed<Reg> {
        t.text
            .strip_prefix("%r")
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|_| !t.text[2..].starts_with('+'))
            .and_then(Reg::new)
            .ok_or_else(|| self.err(t.column, ParseErrorKind::BadRegister(t.text.into())))
    }

    /// A signed or unsigned number, as written.
    fn number(&self, text: &str, column: usize) -> Parsed<i128> {
        let bad = || self.err(column, ParseErrorKind::BadNumber(text.into()));
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let magnitude = match digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
        {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => digits.parse::<u64>(),
        }
        .map_err(|_| bad())?;
        Ok(if negative {
            -i128::from(magnitude)
        } else {
            i128::from(magnitude)
        })
    }

    /// A number in `min ..= max`.
    fn ranged(&self, t: Token<'_>, min: i128, max: i128, field: &'static str) -> Parsed<i128> {
        let v = self.number(t.text, t.column)?;
        if v < min || v > max {
            return Err(self.err(
                t.column,
                ParseErrorKind::OutOfRange {
                    value: t.text.into(),
                    field,
                },
            ));
        }
        Ok(v)
    }

    /// A 32-bit immediate; unsigned spellings keep their low 32 bits.
    fn imm32(&self, t: Token<'_>) -> Parsed<i32> {
        let v = self.ranged(t, i32::MIN.into(), u32::MAX.into(), "a 32-bit immediate")?;
        Ok(v as i64 as u32 as i32)
    }

    fn operand(&self, t: Token<'_>) -> Parsed<Operand> {
        if t.text.starts_with('%') {
            Ok(Operand::Reg(self.reg(t)?))
        } else {
            Ok(Operand::Imm(self.imm32(t)?))
        }
    }

    /// `[%rN]`, `[%rN+off]` or `[%rN-off]`.
    fn memory(&self, t: Token<'_>) -> Parsed<(Reg, i16)> {
        let bad = || self.err(t.column, ParseErrorKind::BadMemory(t.text.into()));
        let inner = t
            .text
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(bad)?;
        let inner: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        let split = inner.find(['+', '-']).unwrap_or(inner.len());
        let base = self.reg(Token {
            text: &inner[..split],
            column: t.column + 1,
        })?;
        let off = match &inner[split..] {
            "" => 0,
            off => {
                let tok = Token {
                    text: off,
                    column: t.column + 1 + split,
                };
                self.ranged(tok, i16::MIN.into(), u16::MAX.into(), "a 16-bit offset")? as u16 as i16
            }
        };
        Ok((base, off))
    }

    fn target(&self, t: Token<'_>) -> Parsed<Target> {
        if t.text.starts_with(['+', '-']) || t.text.starts_with(|c: char| c.is_ascii_digit()) {
            let v = self.ranged(t, i32::MIN.into(), u32::MAX.into(), "a jump offset")?;
            Ok(Target::Offset(v as i64))
        } else {
            Ok(Target::Label(t.text.into()))
        }
    }

    fn expect(&self, mnemonic: Token<'_>, ops: &[Token<'_>], n: usize) -> Parsed<()> {
        if ops.len() != n {
            let kind = ParseErrorKind::OperandCount {
                mnemonic: mnemonic.text.into(),
                expected: n,
                found: ops.len(),
            };
            return Err(self.err(mnemonic.column, kind));
        }
        Ok(())
    }

    fn push(&mut self, insn: Insn, target: Option<(Target, TargetField, usize)>) {
        let line = self.line;
        let target = target.map(|(t, f, col)| (t, f, line, col));
        self.pending.push(Pending {
            insn,
            slot: self.slot,
            target,
        });
        self.slot += insn.slots();
    }

    /// Parse one line (without its comment).
    fn line(&mut self, text: &str) -> Parsed<()> {
        let tokens = tokenize(text);
        let Some((&m, ops)) = tokens.split_first() else {
            return Ok(());
        };
        if let Some(label) = m.text.strip_suffix(':') {
            if self.labels.insert(label.to_string(), self.slot).is_some() {
                return Err(self.err(m.column, ParseErrorKind::DuplicateLabel(label.into())));
            }
            // Anything after the label on the same line is an instruction.
            let rest_start = text.find(':').map_or(text.len(), |i| i + 1);
            let rest = " ".repeat(rest_start) + &text[rest_start..];
            return self.line(&rest);
        }
        self.instruction(m, ops)
    }

    fn instruction(&mut self, m: Token<'_>, ops: &[Token<'_>]) -> Parsed<()> {
        let name = m.text;
        let unknown = || self.err(m.column, ParseErrorKind::UnknownMnemonic(name.into()));
        let (stem, width) = match name.strip_suffix("32") {
            Some(stem) if !stem.is_empty() && !stem.ends_with(|c: char| c.is_ascii_digit()) => {
                (stem, Width::W32)
            }
            _ => (name, Width::W64),
        };
        let size_of = |s: &str| match s {
            "b" => Some(Size::B),
            "h" => Some(Size::H),
            "w" => Some(Size::W),
            "dw" => Some(Size::DW),
            _ => None,
        };
        if let Some(op) = alu_op(stem) {
            self.expect(m, ops, 2)?;
            let (dst, src) = (self.reg(ops[0])?, self.operand(ops[1])?);
            let insn = match op {
                None => Insn::Mov { width, dst, src },
                Some(op) => Insn::Alu {
                    width,
                    op,
                    dst,
                    src,
                },
            };
            self.push(insn, None);
        } else if stem == "neg" {
            self.expect(m, ops, 1)?;
            let dst = self.reg(ops[0])?;
            self.push(Insn::Neg { width, dst }, None);
        } else if let Some(cond) = cond(stem) {
            self.expect(m, ops, 3)?;
            let (dst, src) = (self.reg(ops[0])?, self.operand(ops[1])?);
            let target = self.target(ops[2])?;
            self.push(
                Insn::Jump {
                    width,
                    cond,
                    dst,
                    src,
                    off: 0,
                },
                Some((target, TargetField::Off16, ops[2].column)),
            );
        } else if name == "ja" || name == "ja32" {
            self.expect(m, ops, 1)?;
            let target = self.target(ops[0])?;
            let (insn, field) = match width {
                Width::W64 => (Insn::Ja { off: 0 }, TargetField::Off16),
                Width::W32 => (Insn::Gotol { imm: 0 }, TargetField::Imm32),
            };
            self.push(insn, Some((target, field, ops[0].column)));
        } else if name == "exit" {
            self.expect(m, ops, 0)?;
            self.first_exit.get_or_insert(self.slot);
            self.push(Insn::Exit, None);
        } else if name == "call" {
            self.call(m, ops)?;
        } else if name == "lock" {
            self.lock(m, ops)?;
        } else if name == "lddw" {
            self.expect(m, ops, 2)?;
            let dst = self.reg(ops[0])?;
            let v = self.ranged(
                ops[1],
                i64::MIN.into(),
                u64::MAX.into(),
                "a 64-bit immediate",
            )?;
            self.push(
                Insn::LdImm64 {
                    dst,
                    src: LdImm64::Imm(v as i64 as u64),
                },
                None,
            );
        } else if let Some((kind, bits)) = endian(name) {
            self.expect(m, ops, 1)?;
            let dst = self.reg(ops[0])?;
            self.push(Insn::End { kind, dst, bits }, None);
        } else if let Some((from_bits, width)) = movsx(name) {
            self.expect(m, ops, 2)?;
            let (dst, src) = (self.reg(ops[0])?, self.reg(ops[1])?);
            self.push(
                Insn::MovSx {
                    width,
                    dst,
                    src,
                    from_bits,
                },
                None,
            );
        } else if let Some(size) = name
            .strip_prefix("ldxs")
            .and_then(size_of)
            .filter(|s| *s != Size::DW)
        {
            self.expect(m, ops, 2)?;
            let (dst, (base, off)) = (self.reg(ops[0])?, self.memory(ops[1])?);
            self.push(
                Insn::Load {
                    size,
                    signed: true,
                    dst,
                    base,
                    off,
                },
                None,
            );
        } else if let Some(size) = name.strip_prefix("ldx").and_then(size_of) {
            self.expect(m, ops, 2)?;
            let (dst, (base, off)) = (self.reg(ops[0])?, self.memory(ops[1])?);
            self.push(
                Insn::Load {
                    size,
                    signed: false,
                    dst,
                    base,
                    off,
                },
                None,
            );
        } else if let Some(size) = name.strip_prefix("stx").and_then(size_of) {
            self.expect(m, ops, 2)?;
            let ((base, off), src) = (self.memory(ops[0])?, self.reg(ops[1])?);
            self.push(
                Insn::Store {
                    size,
                    base,
                    off,
                    src: Operand::Reg(src),
                },
                None,
            );
        } else if let Some(size) = name.strip_prefix("st").and_then(size_of) {
            self.expect(m, ops, 2)?;
            let ((base, off), imm) = (self.memory(ops[0])?, self.imm32(ops[1])?);
            self.push(
                Insn::Store {
                    size,
                    base,
                    off,
                    src: Operand::Imm(imm),
                },
                None,
            );
        } else if let Some(size) = name
            .strip_prefix("ldabs")
            .and_then(size_of)
            .filter(|s| *s != Size::DW)
        {
            self.expect(m, ops, 1)?;
            let imm = self.imm32(ops[0])?;
            self.push(
                Insn::LoadPacket {
                    size,
                    index: None,
                    imm,
                },
                None,
            );
        } else if let Some(size) = name
            .strip_prefix("ldind")
            .and_then(size_of)
            .filter(|s| *s != Size::DW)
        {
            self.expect(m, ops, 2)?;
            let (index, imm) = (self.reg(ops[0])?, self.imm32(ops[1])?);
            self.push(
                Insn::LoadPacket {
                    size,
                    index: Some(index),
                    imm,
                },
                None,
            );
        } else {
            return Err(unknown());
        }
        Ok(())
    }

    /// `call N`, `call helper N`, `call local target`, `call runtime N`, `call %reg`.
    fn call(&mut self, m: Token<'_>, ops: &[Token<'_>]) -> Parsed<()> {
        match ops {
            [t] if t.text.starts_with('%') => {
                let dst = self.reg(*t)?;
                self.push(Insn::Callx { dst }, None);
            }
            [t] => {
                let id = self.imm32(*t)?;
                self.push(Insn::Call(CallTarget::Helper(id)), None);
            }
            [mode, t] if mode.text == "helper" => {
                let id = self.imm32(*t)?;
                self.push(Insn::Call(CallTarget::Helper(id)), None);
            }
            [mode, t] if mode.text == "runtime" => {
                let btf_id = self.imm32(*t)?;
                self.push(Insn::Call(CallTarget::Kfunc { btf_id, off: 0 }), None);
            }
            [mode, t] if mode.text == "local" => {
                let target = self.target(*t)?;
                self.push(
                    Insn::Call(CallTarget::Local(0)),
                    Some((target, TargetField::Imm32, t.column)),
                );
            }
            [mode, _] => {
                return Err(self.err(
                    mode.column,
                    ParseErrorKind::UnknownMnemonic(format!("call {}", mode.text)),
                ));
            }
            _ => {
                let kind = ParseErrorKind::OperandCount {
                    mnemonic: "call".into(),
                    expected: 1,
                    found: ops.len(),
                };
                return Err(self.err(m.column, kind));
            }
        }
        Ok(())
    }

    /// `lock [fetch] op[32] [mem], %src`.
    fn lock(&mut self, m: Token<'_>, ops: &[Token<'_>]) -> Parsed<()> {
        let (fetch, ops) = match ops.first() {
            Some(t) if t.text == "fetch" => (true, &ops[1..]),
            _ => (false, ops),
        };
        let Some((&op, rest)) = ops.split_first() else {
            let kind = ParseErrorKind::OperandCount {
                mnemonic: "lock".into(),
                expected: 3,
                found: 0,
            };
            return Err(self.err(m.column, kind));
        };
        let (stem, size) = match op.text.strip_suffix("32") {
            Some(stem) => (stem, Size::W),
            None => (op.text, Size::DW),
        };
        let unknown = || {
            self.err(
                op.column,
                ParseErrorKind::UnknownMnemonic(format!("lock {}", op.text)),
            )
        };
        let op = match (stem, fetch) {
            ("add", _) => AtomicOp::Add { fetch },
            ("or", _) => AtomicOp::Or { fetch },
            ("and", _) => AtomicOp::And { fetch },
            ("xor", _) => AtomicOp::Xor { fetch },
            // Both always fetch; a redundant `fetch` is accepted.
            ("xchg", _) => AtomicOp::Xchg,
            ("cmpxchg", _) => AtomicOp::Cmpxchg,
            _ => return Err(unknown()),
        };
        self.expect(m, rest, 2)?;
        let ((base, off), src) = (self.memory(rest[0])?, self.reg(rest[1])?);
        self.push(
            Insn::Atomic {
                size,
                op,
                base,
                off,
                src,
            },
            None,
        );
        Ok(())
    }

    /// Resolve targets and return the program.
    fn finish(mut self) -> Parsed<Vec<Insn>> {
        if let Some(exit) = self.first_exit {
            self.labels.entry("exit".into()).or_insert(exit);
        }
        let mut program = Vec::with_capacity(self.pending.len());
        for p in self.pending {
            let mut insn = p.insn;
            if let Some((target, field, line, column)) = p.target {
                let err = |kind| ParseError { line, column, kind };
                let (off, name) = match target {
                    Target::Offset(off) => (off, off.to_string()),
                    Target::Label(l) => match self.labels.get(&l) {
                        Some(&slot) => (slot as i64 - p.slot as i64 - 1, l),
                        None => return Err(err(ParseErrorKind::UndefinedLabel(l))),
                    },
                };
                let too_far = || err(ParseErrorKind::TargetTooFar(name.clone()));
                match field {
                    // Written offsets keep their low bits, as the reference assembler does.
                    TargetField::Off16 => {
                        let off = if (i16::MIN.into()..=u16::MAX.into()).contains(&off) {
                            off as u16 as i16
                        } else {
                            return Err(too_far());
                        };
                        match &mut insn {
                            Insn::Ja { off: o } | Insn::Jump { off: o, .. } => *o = off,
                            _ => {}
                        }
                    }
                    TargetField::Imm32 => {
                        let off = if (i32::MIN.into()..=u32::MAX.into()).contains(&off) {
                            off as u32 as i32
                        } else {
                            return Err(too_far());
                        };
                        match &mut insn {
                            Insn::Gotol { imm } | Insn::Call(CallTarget::Local(imm)) => *imm = off,
                            _ => {}
                        }
                    }
                }
            }
            program.push(insn);
        }
        Ok(program)
    }
}

/// The binary ALU operation named `stem` (`Some(None)` for `mov`).
fn alu_op(stem: &str) -> Option<Option<AluOp>> {
    Some(Some(match stem {
        "add" => AluOp::Add,
        "sub" => AluOp::Sub,
        "mul" => AluOp::Mul,
        "div" => AluOp::Div,
        "sdiv" => AluOp::Sdiv,
        "mod" => AluOp::Mod,
        "smod" => AluOp::Smod,
        "or" => AluOp::Or,
        "and" => AluOp::And,
        "xor" => AluOp::Xor,
        "lsh" => AluOp::Lsh,
        "rsh" => AluOp::Rsh,
        "arsh" => AluOp::Arsh,
        "mov" => return Some(None),
        _ => return None,
    }))
}

/// The jump condition named `stem`.
fn cond(stem: &str) -> Option<Cond> {
    Some(match stem {
        "jeq" => Cond::Eq,
        "jgt" => Cond::Gt,
        "jge" => Cond::Ge,
        "jset" => Cond::Set,
        "jne" => Cond::Ne,
        "jsgt" => Cond::Sgt,
        "jsge" => Cond::Sge,
        "jlt" => Cond::Lt,
        "jle" => Cond::Le,
        "jslt" => Cond::Slt,
        "jsle" => Cond::Sle,
        _ => return None,
    })
}

/// `le16` .. `bswap64`.
fn endian(name: &str) -> Option<(Endian, u8)> {
    let (kind, bits) = [
        ("bswap", Endian::Swap),
        ("swap", Endian::Swap),
        ("le", Endian::Le),
        ("be", Endian::Be),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| name.strip_prefix(prefix).map(|bits| (kind, bits)))?;
    let bits = match bits {
        "16" => 16,
        "32" => 32,
        "64" => 64,
        _ => return None,
    };
    Some((kind, bits))
}

/// `movsx<from><to>`: `movsx832`, `movsx864`, `movsx1632`, `movsx1664`, `movsx3264`.
fn movsx(name: &str) -> Option<(u8, Width)> {
    Some(match name.strip_prefix("movsx")? {
        "832" => (8, Width::W32),
        "864" => (8, Width::W64),
        "1632" => (16, Width::W32),
        "1664" => (16, Width::W64),
        "3264" => (32, Width::W64),
        _ => return None,
    })
}

/// Parse a whole program.
pub fn parse_program(source: &str) -> Result<Vec<Insn>, ParseError> {
    parse_lines(source.lines().enumerate().map(|(i, l)| (i + 1, l)))
}

/// Parse `(line number, text)` pairs as one program.
fn parse_lines<'a>(lines: impl Iterator<Item = (usize, &'a str)>) -> Result<Vec<Insn>, ParseError> {
    let mut asm = Assembler {
        line: 0,
        pending: Vec::new(),
        labels: BTreeMap::new(),
        first_exit: None,
        slot: 0,
    };
    for (number, text) in lines {
        asm.line = number;
        let code = text.split('#').next().unwrap_or("");
        asm.line(code)?;
    }
    asm.finish()
}

/// A conformance test file (`*.data`): a program, its input memory and its expected outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataFile {
    /// The `-- asm` section: its lines with their 1-based line numbers in the file.
    pub asm: Vec<(usize, String)>,
    /// The `-- mem` section's bytes (empty when absent).
    pub mem: Vec<u8>,
    /// The `-- raw` section: each instruction slot as the 64-bit little-endian number written.
    pub raw: Option<Vec<u64>>,
    /// The `-- result` section: the expected r0.
    pub result: Option<u64>,
    /// The `-- error` section: the expected error message.
    pub error: Option<String>,
    /// Sections read but not interpreted (`-- c`, `-- no register offset`, unknown ones).
    pub ignored_sections: Vec<String>,
}

impl DataFile {
    /// Parse the text of a `.data` file.
    pub fn parse(text: &str) -> Result<DataFile, ParseError> {
        #[derive(PartialEq)]
        enum Section {
            Preamble,
            Asm,
            Mem,
            Raw,
            Result,
            Error,
            Ignored,
        }
        let mut file = DataFile::default();
        let mut section = Section::Preamble;
        let mut seen = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let number = i + 1;
            let err = |column, message: String| ParseError {
                line: number,
                column,
                kind: ParseErrorKind::DataFile(message),
            };
            if let Some(name) = line.strip_prefix("-- ") {
                let name = name.trim();
                section = match name {
                    "asm" => Section::Asm,
                    "mem" => Section::Mem,
                    "raw" => Section::Raw,
                    "result" => Section::Result,
                    "error" => Section::Error,
                    other => {
                        file.ignored_sections.push(other.to_string());
                        Section::Ignored
                    }
                };
                if section != Section::Ignored {
                    if seen.contains(&name.to_string()) {
                        return Err(err(4, format!("section `{name}` given twice")));
                    }
                    seen.push(name.to_string());
                }
                if section == Section::Raw {
                    file.raw = Some(Vec::new());
                }
                continue;
            }
            let content = line.split('#').next().unwrap_or("").trim();
            match section {
                Section::Asm => file.asm.push((number, line.to_string())),
                Section::Ignored => {}
                _ if content.is_empty() => {}
                Section::Preamble => return Err(err(1, "text before the first section".into())),
                Section::Mem => {
                    for t in tokenize(content) {
                        let byte = u8::from_str_radix(t.text, 16).map_err(|_| {
                            err(t.column, format!("expected a hex byte, found `{}`", t.text))
                        })?;
                        file.mem.push(byte);
                    }
                }
                Section::Raw => {
                    for t in tokenize(content) {
                        let value = number_u64(t.text).ok_or_else(|| {
                            err(
                                t.column,
                                format!("expected a 64-bit number, found `{}`", t.text),
                            )
                        })?;
                        file.raw.get_or_insert_with(Vec::new).push(value);
                    }
                }
                Section::Result => {
                    if file.result.is_some() {
                        return Err(err(1, "more than one result".into()));
                    }
                    let value = number_u64(content)
                        .ok_or_else(|| err(1, format!("expected a number, found `{content}`")))?;
                    file.result = Some(value);
                }
                Section::Error => file.error = Some(line.trim().to_string()),
            }
        }
        Ok(file)
    }

    /// The `-- asm` section parsed; errors carry the line numbers of the file.
    pub fn program(&self) -> Result<Vec<Insn>, ParseError> {
        parse_lines(self.asm.iter().map(|(n, l)| (*n, l.as_str())))
    }
}

/// A non-negative decimal or `0x` hexadecimal number.
fn number_u64(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: u8) -> Reg {
        Reg::new(n).unwrap_or(Reg::R0)
    }

    #[test]
    fn parses_every_form() {
        let src = "\
mov32 %r0, 0
add %r1, %r2
sub32 %r1, -3 # comment
ldxw %r0, [%r1+4]
stxdw [%r10-8], %r1
stw [%r1], 0xffffffff
lddw %r0, 0x1122334455667788
ja +1
jeq %r1, 0x5, -2
lock fetch add32 [%r10-4], %r1
lock cmpxchg [%r10-8], %r1
be16 %r0
bswap64 %r0
movsx1632 %r4, %r3
ldxsb %r2, [%r1]
ldabsh 12
ldindw %r2, 4
call 5
call %r2
call local f
ja32 f
f:
exit
";
        let program = parse_program(src);
        let expected = vec![
            Insn::Mov {
                width: Width::W32,
                dst: r(0),
                src: Operand::Imm(0),
            },
            Insn::Alu {
                width: Width::W64,
                op: AluOp::Add,
                dst: r(1),
                src: Operand::Reg(r(2)),
            },
            Insn::Alu {
                width: Width::W32,
                op: AluOp::Sub,
                dst: r(1),
                src: Operand::Imm(-3),
            },
            Insn::Load {
                size: Size::W,
                signed: false,
                dst: r(0),
                base: r(1),
                off: 4,
            },
            Insn::Store {
                size: Size::DW,
                base: r(10),
                off: -8,
                src: Operand::Reg(r(1)),
            },
            Insn::Store {
                size: Size::W,
                base: r(1),
                off: 0,
                src: Operand::Imm(-1),
            },
            Insn::LdImm64 {
                dst: r(0),
                src: LdImm64::Imm(0x1122334455667788),
            },
            Insn::Ja { off: 1 },
            Insn::Jump {
                width: Width::W64,
                cond: Cond::Eq,
                dst: r(1),
                src: Operand::Imm(5),
                off: -2,
            },
            Insn::Atomic {
                size: Size::W,
                op: AtomicOp::Add { fetch: true },
                base: r(10),
                off: -4,
                src: r(1),
            },
            Insn::Atomic {
                size: Size::DW,
                op: AtomicOp::Cmpxchg,
                base: r(10),
                off: -8,
                src: r(1),
            },
            Insn::End {
                kind: Endian::Be,
                dst: r(0),
                bits: 16,
            },
            Insn::End {
                kind: Endian::Swap,
                dst: r(0),
                bits: 64,
            },
            Insn::MovSx {
                width: Width::W32,
                dst: r(4),
                src: r(3),
                from_bits: 16,
            },
            Insn::Load {
                size: Size::B,
                signed: true,
                dst: r(2),
                base: r(1),
                off: 0,
            },
            Insn::LoadPacket {
                size: Size::H,
                index: None,
                imm: 12,
            },
            Insn::LoadPacket {
                size: Size::W,
                index: Some(r(2)),
                imm: 4,
            },
            Insn::Call(CallTarget::Helper(5)),
            Insn::Callx { dst: r(2) },
            // `f` is at slot 22 (lddw takes two slots); this call is at slot 20.
            Insn::Call(CallTarget::Local(1)),
            Insn::Gotol { imm: 0 },
            Insn::Exit,
        ];
        assert_eq!(program, Ok(expected));
    }

    #[test]
    fn exit_is_a_default_label() {
        let program = parse_program("jne %r0, 0, exit\nmov %r0, 1\nexit\nexit");
        assert!(
            matches!(program.as_deref(), Ok([Insn::Jump { off: 1, .. }, ..])),
            "{program:?}"
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let cases: &[(&str, usize, usize)] = &[
            ("exit\nfrob %r0", 2, 1),
            ("mov %r0, %r11", 1, 10),
            ("mov %r0, 0x100000000", 1, 10),
            ("ldxw %r0, [%r1+x]", 1, 15),
            ("ja nowhere", 1, 4),
            ("add %r0", 1, 1),
            ("l:\nl:", 2, 1),
        ];
        for &(src, line, column) in cases {
            match parse_program(src) {
                Err(e) => assert_eq!((e.line, e.column), (line, column), "{src:?}: {e}"),
                Ok(p) => panic!("{src:?} parsed as {p:?}"),
            }
        }
    }

    #[test]
    fn data_file_sections() {
        let text = "# header\n-- asm\nmov %r0, %r2\nexit\n-- mem\n00 01\nff\n-- raw\n0x95\n-- result\n0x10000000A\n-- no register offset\ncall instruction\n";
        let file = DataFile::parse(text);
        let expected = DataFile {
            asm: vec![(3, "mov %r0, %r2".into()), (4, "exit".into())],
            mem: vec![0, 1, 0xff],
            raw: Some(vec![0x95]),
            result: Some(0x1_0000_000a),
            error: None,
            ignored_sections: vec!["no register offset".into()],
        };
        assert_eq!(file, Ok(expected));
        let bad = DataFile::parse("-- asm\nexit\nfrob\n");
        assert!(matches!(
            bad.as_ref().map(|f| f.program()),
            Ok(Err(ParseError {
                line: 3,
                column: 1,
                ..
            }))
        ));
    }
}
