//! The IR's text syntax: a printer and a parser that round-trip.
//!
//! ```text
//! ; comments run from `;` to the end of the line
//! operator tnum.add : tnum          ; name and domain (words tnum uinterval sinterval scalar)
//!   in a.value : bv8                ; inputs, in order, with their widths
//!   in a.mask : bv8
//!   %0 = bvadd a.mask b.mask        ; one node per line: name = operation immediates operands
//!   %1 = extract 3 0 %0             ; immediates (extract hi lo, zext w, sext w) come first
//!   %2 = ite %c 1:8 0xff:8          ; constants are value:width (decimal or 0x hex); true false
//!   out value = %7, mask = %4       ; a result; several `out` lines are met in the domain
//! end
//! ```
//!
//! Hand-written text may nest applications in parentheses (`bvand sv (bvnot mu)`) and unroll a
//! bounded loop:
//!
//! ```text
//!   loop 8                          ; the trip count
//!     carry acc = 0:8               ; carried names and their initial values come first
//!     carry x = a.value
//!     t = bvadd acc x               ; the body; its names are fresh in every trip
//!     next acc = t                  ; the carried values for the next trip
//!     next x = bvlshr x 1:8
//!   endloop                         ; after the loop, `acc` and `x` hold their last values
//! ```
//!
//! The printer writes one node per line and no loops (the IR is a DAG; loops are unrolled as
//! they are read).
//!
//! Operation names are SMT-LIB's (`bvadd`, `bvlshr`, `bvult`, `bvuaddo` …) or, without an
//! SMT-LIB counterpart, short and plain (`clz`, `bvumin`, `zext 64`); the full list is the tables
//! of [`crate::ir::op`]. Node names are any identifiers (`%3`, `sum`, `t.x`); inputs and
//! constants are written inline. The parser builds through a [`Builder`], so it shares equal
//! nodes and folds constants; printing a parsed operator gives canonical text (nodes numbered
//! `%0, %1, …` in canonical order), and parsing that text gives the same operator back.
//! Errors name the line and column.

use crate::ir::graph::{Builder, Domain, Input, NodeId, Operator};
use crate::ir::op::{Op, Sort};
use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// A position in the text: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a text is not an operator. Every variant names its position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A token other than the one the grammar needs here.
    #[error("{pos}: expected {expected}, found {found}")]
    Expected {
        /// Where.
        pos: Pos,
        /// What the grammar needs.
        expected: String,
        /// What is there.
        found: String,
    },
    /// A character no token starts with.
    #[error("{pos}: unexpected character `{ch}`")]
    BadChar {
        /// Where.
        pos: Pos,
        /// The character.
        ch: char,
    },
    /// A malformed or too large number.
    #[error("{pos}: bad number `{text}`")]
    BadNumber {
        /// Where.
        pos: Pos,
        /// The number as written.
        text: String,
    },
    /// An operation name that no table has.
    #[error("{pos}: unknown operation `{name}`")]
    UnknownOp {
        /// Where.
        pos: Pos,
        /// The name.
        name: String,
    },
    /// A domain name that does not exist.
    #[error("{pos}: unknown domain `{name}` (words, tnum, uinterval, sinterval, scalar)")]
    UnknownDomain {
        /// Where.
        pos: Pos,
        /// The name.
        name: String,
    },
    /// An operand naming no input or earlier node.
    #[error("{pos}: `{name}` is not an input or an earlier node")]
    UnknownName {
        /// Where.
        pos: Pos,
        /// The name.
        name: String,
    },
    /// A node or input named twice.
    #[error("{pos}: `{name}` is already defined")]
    Redefined {
        /// Where.
        pos: Pos,
        /// The name.
        name: String,
    },
    /// A well-formed line whose content is not a valid operator (ill-sorted node, outputs
    /// that do not fit the domain, …).
    #[error("{pos}: {reason}")]
    Invalid {
        /// Where.
        pos: Pos,
        /// What is wrong.
        reason: String,
    },
}

// ------------------------------------------------------------------------------------------
// Printing
// ------------------------------------------------------------------------------------------

/// Writes a constant as `value:width`, in decimal up to 255 and in hex above.
fn constant(value: u64, width: u32) -> String {
    if value <= 255 {
        format!("{value}:{width}")
    } else {
        format!("{value:#x}:{width}")
    }
}

impl Operator {
    /// The operator in the text syntax (see the module docs); [`Operator::parse`] reads it back.
    pub fn to_text(&self) -> String {
        let mut names: Vec<String> = Vec::with_capacity(self.nodes().len());
        let mut out = String::new();
        let _ = writeln!(out, "operator {} : {}", self.name(), self.domain().name());
        for input in self.inputs() {
            let _ = writeln!(out, "  in {} : bv{}", input.name, input.width);
        }
        let mut next = 0usize;
        for node in self.nodes() {
            let name = match node.op {
                Op::Input(i) => self.inputs()[i as usize].name.clone(),
                Op::Const { width, value } => constant(value, width),
                Op::Bool(b) => b.to_string(),
                op => {
                    let name = format!("%{next}");
                    next += 1;
                    let _ = write!(out, "  {name} = {}", op.name().unwrap_or("?"));
                    for imm in op.immediates() {
                        let _ = write!(out, " {imm}");
                    }
                    for &a in &node.args {
                        let _ = write!(out, " {}", names[a as usize]);
                    }
                    out.push('\n');
                    name
                }
            };
            names.push(name);
        }
        for c in self.candidates() {
            let fields: Vec<String> = self
                .outputs()
                .iter()
                .zip(c)
                .map(|(f, &id)| format!("{f} = {}", names[id as usize]))
                .collect();
            let _ = writeln!(out, "  out {}", fields.join(", "));
        }
        out.push_str("end\n");
        out
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

// ------------------------------------------------------------------------------------------
// Lexing
// ------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Number(String),
    Punct(char),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) | Tok::Number(s) => write!(f, "`{s}`"),
            Tok::Punct(c) => write!(f, "`{c}`"),
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '%'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '%' || c == '.'
}

/// The tokens of one line, with their positions.
fn lex_line(line: &str, line_no: usize) -> Result<Vec<(Pos, Tok)>, ParseError> {
    let chars: Vec<char> = line.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos {
            line: line_no,
            column: i + 1,
        };
        if c == ';' {
            break;
        } else if c.is_whitespace() {
            i += 1;
        } else if matches!(c, ':' | '=' | ',' | '(' | ')') {
            toks.push((pos, Tok::Punct(c)));
            i += 1;
        } else if c.is_ascii_digit() || is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            toks.push((
                pos,
                if c.is_ascii_digit() {
                    Tok::Number(text)
                } else {
                    Tok::Ident(text)
                },
            ));
        } else {
            return Err(ParseError::BadChar { pos, ch: c });
        }
    }
    Ok(toks)
}

/// The tokens of one line, consumed left to right.
#[derive(Clone)]
struct Line {
    toks: Vec<(Pos, Tok)>,
    at: usize,
    /// The position just past the last token (for "expected …, found end of line").
    end: Pos,
}

/// Lex one line of text.
fn lex(raw: &str, line_no: usize) -> Result<Line, ParseError> {
    Ok(Line {
        toks: lex_line(raw, line_no)?,
        at: 0,
        end: Pos {
            line: line_no,
            column: raw.chars().count() + 1,
        },
    })
}

impl Line {
    /// The line's keyword: its first word unless that word is being defined (`name = …`).
    fn keyword(&self) -> String {
        match (
            self.toks.first().map(|t| &t.1),
            self.toks.get(1).map(|t| &t.1),
        ) {
            (Some(Tok::Ident(k)), next) if next != Some(&Tok::Punct('=')) => k.clone(),
            _ => String::new(),
        }
    }
    fn pos(&self) -> Pos {
        self.toks.get(self.at).map(|t| t.0).unwrap_or(self.end)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|t| &t.1)
    }
    fn found(&self) -> String {
        self.peek()
            .map(|t| t.to_string())
            .unwrap_or_else(|| "end of line".into())
    }
    fn expected(&self, what: &str) -> ParseError {
        ParseError::Expected {
            pos: self.pos(),
            expected: what.into(),
            found: self.found(),
        }
    }
    fn ident(&mut self, what: &str) -> Result<(Pos, String), ParseError> {
        match self.toks.get(self.at) {
            Some((pos, Tok::Ident(s))) => {
                self.at += 1;
                Ok((*pos, s.clone()))
            }
            _ => Err(self.expected(what)),
        }
    }
    fn punct(&mut self, c: char) -> Result<(), ParseError> {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }
    fn number(&mut self, what: &str) -> Result<(Pos, u64), ParseError> {
        match self.toks.get(self.at) {
            Some((pos, Tok::Number(text))) => {
                let parsed = match text.strip_prefix("0x") {
                    Some(hex) => u64::from_str_radix(hex, 16),
                    None => text.parse(),
                };
                let value = parsed.map_err(|_| ParseError::BadNumber {
                    pos: *pos,
                    text: text.clone(),
                })?;
                self.at += 1;
                Ok((*pos, value))
            }
            _ => Err(self.expected(what)),
        }
    }
    fn done(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.expected("end of line")),
        }
    }
}

// ------------------------------------------------------------------------------------------
// Parsing
// ------------------------------------------------------------------------------------------

/// A width from 1 to 64 written after `bv` or as a constant's or immediate's number.
fn width(pos: Pos, w: u64) -> Result<u32, ParseError> {
    if (1..=64).contains(&w) {
        Ok(w as u32)
    } else {
        Err(ParseError::Invalid {
            pos,
            reason: format!("width {w} outside 1..=64"),
        })
    }
}

/// The largest trip count of a `loop` (the IR is unrolled, so this bounds its size).
const MAX_TRIPS: u64 = 4096;

/// The parser's state between lines.
struct Parser {
    builder: Builder,
    names: HashMap<String, NodeId>,
    outputs: Option<Vec<String>>,
    candidates: Vec<Vec<NodeId>>,
}

impl Parser {
    fn invalid(pos: Pos, e: impl ToString) -> ParseError {
        ParseError::Invalid {
            pos,
            reason: e.to_string(),
        }
    }

    /// An operand: a name, a constant `value:width`, `true` or `false`.
    fn operand(&mut self, line: &mut Line) -> Result<NodeId, ParseError> {
        let pos = line.pos();
        match line.peek() {
            Some(Tok::Number(_)) => {
                let (_, value) = line.number("a constant")?;
                line.punct(':')?;
                let (wpos, w) = line.number("the constant's width")?;
                let w = width(wpos, w)?;
                if w < 64 && value >> w != 0 {
                    return Err(Self::invalid(
                        pos,
                        format!("{value} does not fit in {w} bits"),
                    ));
                }
                self.builder
                    .constant(w, value)
                    .map_err(|e| Self::invalid(pos, e))
            }
            Some(Tok::Ident(_)) => {
                let (pos, name) = line.ident("an operand")?;
                match name.as_str() {
                    "true" | "false" => self
                        .builder
                        .node(Op::Bool(name == "true"), &[])
                        .map_err(|e| Self::invalid(pos, e)),
                    _ => self
                        .names
                        .get(&name)
                        .copied()
                        .ok_or(ParseError::UnknownName { pos, name }),
                }
            }
            Some(Tok::Punct('(')) => {
                line.at += 1;
                let id = self.application(line)?;
                line.punct(')')?;
                Ok(id)
            }
            _ => Err(line.expected("an operand")),
        }
    }

    /// The rest of the line as a value: an application if it starts with a name followed by
    /// more tokens, else one operand.
    fn value(&mut self, line: &mut Line) -> Result<NodeId, ParseError> {
        let remaining = line.toks.len() - line.at;
        if remaining > 1 && matches!(line.peek(), Some(Tok::Ident(_))) {
            self.application(line)
        } else {
            self.operand(line)
        }
    }

    /// `OP IMM* OPERAND*`, up to the end of the line or a closing parenthesis.
    fn application(&mut self, line: &mut Line) -> Result<NodeId, ParseError> {
        let (opos, op_name) = line.ident("an operation")?;
        let count = Op::immediate_count(&op_name).ok_or_else(|| ParseError::UnknownOp {
            pos: opos,
            name: op_name.clone(),
        })?;
        let mut imms = Vec::with_capacity(count);
        for _ in 0..count {
            let (ipos, v) = line.number("an immediate")?;
            imms.push(u32::try_from(v).map_err(|_| ParseError::BadNumber {
                pos: ipos,
                text: v.to_string(),
            })?);
        }
        let op = Op::from_parts(&op_name, &imms).ok_or_else(|| ParseError::UnknownOp {
            pos: opos,
            name: op_name.clone(),
        })?;
        let mut args = Vec::new();
        while !matches!(line.peek(), None | Some(Tok::Punct(')'))) {
            args.push(self.operand(line)?);
        }
        self.builder
            .node(op, &args)
            .map_err(|e| Self::invalid(opos, strip_node(&e.to_string())))
    }

    fn define(&mut self, pos: Pos, name: String, id: NodeId) -> Result<(), ParseError> {
        if self.names.contains_key(&name) || name == "true" || name == "false" {
            return Err(ParseError::Redefined { pos, name });
        }
        self.names.insert(name, id);
        Ok(())
    }

    /// `in NAME : bvN`
    fn input(&mut self, line: &mut Line) -> Result<(), ParseError> {
        let (pos, name) = line.ident("an input name")?;
        line.punct(':')?;
        let (spos, sort) = line.ident("a sort like `bv64`")?;
        let w = sort
            .strip_prefix("bv")
            .and_then(|d| d.parse::<u64>().ok())
            .ok_or_else(|| ParseError::Expected {
                pos: spos,
                expected: "a bit-vector sort like `bv64`".into(),
                found: format!("`{sort}`"),
            })?;
        let w = width(spos, w)?;
        line.done()?;
        if self.names.contains_key(&name) {
            return Err(ParseError::Redefined { pos, name });
        }
        let id = self
            .builder
            .input(&name, w)
            .map_err(|e| Self::invalid(pos, e))?;
        self.define(pos, name, id)
    }

    /// `NAME = OP IMM* OPERAND*`
    fn node(&mut self, line: &mut Line) -> Result<(), ParseError> {
        let (pos, name) = line.ident("a node name")?;
        line.punct('=')?;
        let id = self.application(line)?;
        line.done()?;
        self.define(pos, name, id)
    }

    /// `carry NAME = OPERAND` lines, then a body run `trips` times: names the body defines are
    /// fresh in each trip, `next NAME = OPERAND` gives a carried name its value for the next
    /// trip (all `next`s of a trip take effect together, at its end), and after the loop the
    /// carried names hold their last values.
    fn unroll(&mut self, trips: u64, body: Vec<Line>) -> Result<(), ParseError> {
        let mut carried: Vec<String> = Vec::new();
        let mut steps = Vec::new();
        for mut line in body {
            if line.keyword() == "carry" && steps.is_empty() {
                line.at += 1;
                let (pos, name) = line.ident("a carried name")?;
                line.punct('=')?;
                let init = self.value(&mut line)?;
                line.done()?;
                self.define(pos, name.clone(), init)?;
                carried.push(name);
            } else {
                steps.push(line);
            }
        }
        for _ in 0..trips {
            let scope = self.names.clone();
            let mut nexts: Vec<(String, NodeId)> = Vec::new();
            for mut line in steps.iter().cloned() {
                match line.keyword().as_str() {
                    "next" => {
                        line.at += 1;
                        let (pos, name) = line.ident("a carried name")?;
                        if !carried.contains(&name) {
                            return Err(Self::invalid(
                                pos,
                                format!("`{name}` is not carried (declare it with `carry`)"),
                            ));
                        }
                        line.punct('=')?;
                        let value = self.value(&mut line)?;
                        line.done()?;
                        nexts.push((name, value));
                    }
                    "" => self.node(&mut line)?,
                    other => {
                        return Err(Self::invalid(
                            line.pos(),
                            format!("`{other}` is not allowed in a loop body"),
                        ))
                    }
                }
            }
            self.names = scope;
            for (name, value) in nexts {
                self.names.insert(name, value);
            }
        }
        Ok(())
    }

    /// `out FIELD = OPERAND, …`
    fn output(&mut self, line: &mut Line, pos: Pos) -> Result<(), ParseError> {
        let mut fields = Vec::new();
        let mut ids = Vec::new();
        loop {
            let (_, field) = line.ident("an output field")?;
            line.punct('=')?;
            ids.push(self.operand(line)?);
            fields.push(field);
            if line.peek().is_none() {
                break;
            }
            line.punct(',')?;
        }
        match &self.outputs {
            Some(prev) if *prev != fields => {
                return Err(Self::invalid(
                    pos,
                    format!(
                        "this result's fields ({}) differ from the first one's ({})",
                        fields.join(", "),
                        prev.join(", ")
                    ),
                ))
            }
            _ => self.outputs = Some(fields),
        }
        self.candidates.push(ids);
        Ok(())
    }
}

/// Drop the "node N (op): " prefix of a builder error: in text, the position says where.
fn strip_node(message: &str) -> String {
    match message.split_once("): ") {
        Some((_, rest)) if message.starts_with("node ") => rest.to_string(),
        _ => message.to_string(),
    }
}

impl Operator {
    /// Parse the text syntax (see the module docs).
    pub fn parse(text: &str) -> Result<Operator, ParseError> {
        let mut header: Option<(String, Domain)> = None;
        let mut parser = Parser {
            builder: Builder::new(),
            names: HashMap::new(),
            outputs: None,
            candidates: Vec::new(),
        };
        let mut finished: Option<Pos> = None;
        let mut last = Pos { line: 1, column: 1 };
        // Non-empty lines, lexed.
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = lex(raw, i + 1)?;
            last = line.end;
            if line.peek().is_some() {
                lines.push(line);
            }
        }
        let mut rest = lines.into_iter();
        while let Some(mut line) = rest.next() {
            let pos = line.pos();
            if finished.is_some() {
                return Err(line.expected("nothing after `end`"));
            }
            let keyword = line.keyword();
            if header.is_none() {
                if keyword != "operator" {
                    return Err(line.expected("`operator`"));
                }
                line.at += 1;
                let (_, name) = line.ident("the operator's name")?;
                line.punct(':')?;
                let (dpos, d) = line.ident("a domain")?;
                let domain = Domain::from_name(&d)
                    .ok_or(ParseError::UnknownDomain { pos: dpos, name: d })?;
                line.done()?;
                header = Some((name, domain));
                continue;
            }
            match keyword.as_str() {
                "in" => {
                    line.at += 1;
                    parser.input(&mut line)?;
                }
                "out" => {
                    line.at += 1;
                    parser.output(&mut line, pos)?;
                }
                "end" => {
                    line.at += 1;
                    line.done()?;
                    finished = Some(pos);
                }
                "loop" => {
                    line.at += 1;
                    let (npos, trips) = line.number("a trip count")?;
                    line.done()?;
                    if trips > MAX_TRIPS {
                        return Err(Parser::invalid(npos, format!("at most {MAX_TRIPS} trips")));
                    }
                    let mut body = Vec::new();
                    loop {
                        let Some(mut l) = rest.next() else {
                            return Err(ParseError::Expected {
                                pos: last,
                                expected: "`endloop`".into(),
                                found: "end of input".into(),
                            });
                        };
                        match l.keyword().as_str() {
                            "endloop" => {
                                l.at += 1;
                                l.done()?;
                                break;
                            }
                            "loop" => {
                                return Err(Parser::invalid(
                                    l.pos(),
                                    "loops do not nest: unroll the inner one by hand",
                                ))
                            }
                            _ => body.push(l),
                        }
                    }
                    parser.unroll(trips, body)?;
                }
                _ => parser.node(&mut line)?,
            }
        }
        let Some((name, domain)) = header else {
            return Err(ParseError::Expected {
                pos: last,
                expected: "`operator`".into(),
                found: "end of input".into(),
            });
        };
        let Some(end_pos) = finished else {
            return Err(ParseError::Expected {
                pos: last,
                expected: "`end`".into(),
                found: "end of input".into(),
            });
        };
        let outputs = parser.outputs.unwrap_or_default();
        parser
            .builder
            .finish(name, domain, outputs, parser.candidates)
            .map_err(|e| Parser::invalid(end_pos, e))
    }

    /// The inputs as declared, for printing signatures.
    pub fn signature(&self) -> String {
        let ins: Vec<String> = self
            .inputs()
            .iter()
            .map(|Input { name, width }| format!("{name}: {}", Sort::Bv(*width)))
            .collect();
        format!(
            "{}({}) -> {}({})",
            self.name(),
            ins.join(", "),
            self.domain().name(),
            self.outputs().join(", ")
        )
    }
}
