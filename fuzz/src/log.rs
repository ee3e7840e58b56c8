//! The verifier's level-2 log, parsed into lines: instructions with the registers they left,
//! branch pops, pruning points and the final statistics.
//!
//! The line forms are those `do_check`, `print_insn_state` and `print_verifier_state`
//! (`kernel/bpf/verifier.c`, `kernel/bpf/log.c`) print in Linux 6.18:
//!
//! ```text
//! func#0 @0
//! Live regs before insn:
//!       0: .......... (85) call bpf_get_prandom_u32#7
//! 0: R1=ctx() R10=fp0
//! 1: (57) r0 &= 255                     ; R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
//! mark_precise: frame0: last_idx 2 first_idx 0 subseq_idx -1
//! from 7 to 10: R0=0 R6=scalar(id=1,umin=100) R10=fp0
//! from 7 to 10: safe
//! 10: safe
//! processed 14 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0
//! ```
//!
//! Scalar register values are parsed with [`absint::logfmt`]; other values (pointers such as
//! `ctx()` or `fp0`, stack slots, `refs=`) are kept as raw text. A line of no known form is not
//! guessed at: it is kept as [`Line::Other`] (verifier error messages are such lines).

use absint::logfmt::{self, LogSyntaxError, RegValue};

/// A register's value as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A scalar, parsed.
    Scalar(RegValue),
    /// Anything else (`ctx()`, `fp0`, `map_value(...)`), as printed.
    Other(String),
}

impl Value {
    /// The scalar, if this is one.
    pub fn scalar(&self) -> Option<&RegValue> {
        match self {
            Value::Scalar(v) => Some(v),
            Value::Other(_) => None,
        }
    }
}

/// A printed verifier state: register values and the other items of the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// `(register index, value)` in printed order.
    pub regs: Vec<(u8, Value)>,
    /// Stack slots (`fp-8=...`), `frameN:`, `refs=...` and the like, as printed.
    pub other: Vec<String>,
}

impl State {
    /// The value of register `reg`, if printed.
    pub fn reg(&self, reg: u8) -> Option<&Value> {
        self.regs
            .iter()
            .rev()
            .find(|(r, _)| *r == reg)
            .map(|(_, v)| v)
    }
}

/// The final statistics line: `processed N insns (limit L) max_states_per_insn M total_states T
/// peak_states P mark_read R`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Instructions processed.
    pub processed: u64,
    /// The largest number of states kept for one instruction (`max_states_per_insn`).
    pub max_states_per_insn: Option<u64>,
    /// States created in all (`total_states`).
    pub total_states: Option<u64>,
    /// The most states alive at once (`peak_states`).
    pub peak_states: Option<u64>,
    /// The whole line.
    pub text: String,
}

impl Stats {
    /// The figure printed after `name ` in the line, if any.
    fn field(text: &str, name: &str) -> Option<u64> {
        let mut words = text.split_whitespace();
        words.find(|w| *w == name)?;
        words.next()?.parse().ok()
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Empty.
    Blank,
    /// `func#0 @0`.
    Func(String),
    /// `Live regs before insn:` and its indented entries.
    LiveRegs(String),
    /// `N: (op) disassembly` with, after `;`, the registers the instruction touched.
    Insn {
        /// Instruction index (in 8-byte slots).
        idx: usize,
        /// The opcode byte printed in parentheses.
        opcode: u8,
        /// The disassembly.
        text: String,
        /// The state printed after `;`, if any.
        state: Option<State>,
    },
    /// `N: R..=...`: a state printed on its own line (at entry to `N`, or after instruction `N`
    /// when other lines came between it and its instruction).
    State {
        /// The index printed.
        idx: usize,
        /// The state.
        state: State,
    },
    /// `from A to B: ...`: a pushed state popped for exploration (`None` when pruned: `safe`).
    From {
        /// The instruction that pushed it.
        from: usize,
        /// Where exploration resumes.
        to: usize,
        /// The full state, or `None` for `safe`.
        state: Option<State>,
    },
    /// `N: safe`: pruned at `N`.
    Safe(usize),
    /// Precision backtracking (`mark_precise: ...`).
    Precision(String),
    /// The final statistics.
    Processed(Stats),
    /// A line of no known form (error messages among them).
    Other(String),
}

/// A log that could not be parsed: a register value of a known form is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("log line {line}: {source}")]
pub struct LogError {
    /// 1-based line number.
    pub line: usize,
    /// The problem, its column counted from the start of the line.
    pub source: LogSyntaxError,
}

/// A parsed log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// `(1-based line number, line)`.
    pub lines: Vec<(usize, Line)>,
}

impl Log {
    /// Parses a whole log.
    pub fn parse(text: &str) -> Result<Log, LogError> {
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = parse_line(raw).map_err(|source| LogError {
                line: i + 1,
                source,
            })?;
            lines.push((i + 1, line));
        }
        Ok(Log { lines })
    }

    /// The lines of no known form, with their numbers.
    pub fn unknown(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lines.iter().filter_map(|(n, l)| match l {
            Line::Other(s) => Some((*n, s.as_str())),
            _ => None,
        })
    }

    /// The verifier's own run time, from the `verification time N usec` line that the kernel
    /// prints when the log level includes `BPF_LOG_STATS` (4).
    pub fn verification_time_usec(&self) -> Option<u64> {
        self.lines.iter().find_map(|(_, l)| match l {
            Line::Other(s) => s
                .strip_prefix("verification time ")
                .and_then(|r| r.strip_suffix(" usec"))
                .and_then(|n| n.trim().parse().ok()),
            _ => None,
        })
    }

    /// The statistics line, if present.
    pub fn stats(&self) -> Option<&Stats> {
        self.lines.iter().find_map(|(_, l)| match l {
            Line::Processed(s) => Some(s),
            _ => None,
        })
    }
}

/// Splits a leading decimal number off `s`.
fn leading_number(s: &str) -> Option<(usize, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Parses one line; `Err` only for a malformed scalar inside a line of known form.
pub fn parse_line(raw: &str) -> Result<Line, LogSyntaxError> {
    if raw.trim().is_empty() {
        return Ok(Line::Blank);
    }
    if raw.starts_with("func#") {
        return Ok(Line::Func(raw.to_string()));
    }
    if raw == "Live regs before insn:" || (raw.starts_with(' ') && raw.trim_start().contains(": "))
    {
        return Ok(Line::LiveRegs(raw.to_string()));
    }
    if raw.starts_with("mark_precise:") {
        return Ok(Line::Precision(raw.to_string()));
    }
    if let Some(rest) = raw.strip_prefix("processed ") {
        if let Some((processed, _)) = leading_number(rest) {
            return Ok(Line::Processed(Stats {
                processed: processed as u64,
                max_states_per_insn: Stats::field(raw, "max_states_per_insn"),
                total_states: Stats::field(raw, "total_states"),
                peak_states: Stats::field(raw, "peak_states"),
                text: raw.to_string(),
            }));
        }
    }
    if let Some(rest) = raw.strip_prefix("from ") {
        if let Some(line) = from_line(raw, rest)? {
            return Ok(line);
        }
    }
    if let Some((idx, rest)) = leading_number(raw) {
        if let Some(rest) = rest.strip_prefix(": ") {
            if rest == "safe" {
                return Ok(Line::Safe(idx));
            }
            if let Some(op) = rest.strip_prefix('(') {
                if let Some(opcode) = op.get(..2).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    if let Some(after) = op[2..].strip_prefix(") ") {
                        let offset = raw.len() - after.len();
                        let (text, state) = match after.find(';') {
                            Some(semi) => (
                                after[..semi].trim_end().to_string(),
                                Some(parse_state(raw, offset + semi + 1)?),
                            ),
                            None => (after.trim_end().to_string(), None),
                        };
                        return Ok(Line::Insn {
                            idx,
                            opcode,
                            text,
                            state,
                        });
                    }
                }
            }
            if looks_like_state(rest) {
                let offset = raw.len() - rest.len() - 1;
                return Ok(Line::State {
                    idx,
                    state: parse_state(raw, offset)?,
                });
            }
        }
    }
    Ok(Line::Other(raw.to_string()))
}

/// `from A to B: ...` and `from A to B (speculative execution): ...`.
fn from_line(raw: &str, rest: &str) -> Result<Option<Line>, LogSyntaxError> {
    let Some((from, rest)) = leading_number(rest) else {
        return Ok(None);
    };
    let Some(rest) = rest.strip_prefix(" to ") else {
        return Ok(None);
    };
    let Some((to, rest)) = leading_number(rest) else {
        return Ok(None);
    };
    let rest = rest
        .strip_prefix(" (speculative execution)")
        .unwrap_or(rest);
    let Some(after) = rest.strip_prefix(':') else {
        return Ok(None);
    };
    if after.trim() == "safe" {
        return Ok(Some(Line::From {
            from,
            to,
            state: None,
        }));
    }
    let offset = raw.len() - after.len();
    Ok(Some(Line::From {
        from,
        to,
        state: Some(parse_state(raw, offset)?),
    }))
}

/// Does the text after `N: ` look like a register state?
fn looks_like_state(rest: &str) -> bool {
    let first = rest.split(' ').next().unwrap_or("");
    (first.starts_with('R') && first.contains('='))
        || first.starts_with("fp")
        || first.starts_with("frame")
}

/// Parses the state starting at byte `offset` of `raw` (a space-separated list of items whose
/// values may themselves hold spaces inside parentheses).
fn parse_state(raw: &str, offset: usize) -> Result<State, LogSyntaxError> {
    let mut state = State::default();
    let text = &raw[offset..];
    let mut depth = 0i32;
    let mut start = None;
    let mut items = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ' ' if depth == 0 => {
                if let Some(s) = start.take() {
                    items.push((s, &text[s..i]));
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        items.push((s, &text[s..]));
    }
    for (at, item) in items {
        let column_base = raw[..offset + at].chars().count();
        let shift = |mut e: LogSyntaxError| {
            e.column += column_base;
            e
        };
        if item.starts_with('R') || item.starts_with('r') {
            if let Ok((reg, value)) = logfmt::split_reg_assignment(item) {
                let is_scalar = {
                    let v = value.strip_prefix('P').unwrap_or(value);
                    v.starts_with("scalar(")
                        || v.starts_with('-')
                        || v.starts_with(|c: char| c.is_ascii_digit())
                };
                if is_scalar {
                    let (_, parsed) = logfmt::parse_reg_assignment(item).map_err(shift)?;
                    state.regs.push((reg, Value::Scalar(parsed)));
                } else {
                    state.regs.push((reg, Value::Other(value.to_string())));
                }
                continue;
            }
        }
        state.other.push(item.to_string());
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
4: (57) r7 &= 255                     ; R7=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
5: (2d) if r6 > r7 goto pc+1
mark_precise: frame0: last_idx 2 first_idx 0 subseq_idx -1 
2: R6=P5 R7=3
6: (95) exit

from 5 to 7: R0=0 R6=scalar(id=1,umin=1) R7=scalar(id=2,umax=0xfffffffffffffffe) R10=fp0
from 5 to 8: safe
7: safe
div by zero
processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0
";

    #[test]
    fn sample_lines() {
        let log = Log::parse(SAMPLE).unwrap();
        let kinds: Vec<&str> = log
            .lines
            .iter()
            .map(|(_, l)| match l {
                Line::Blank => "blank",
                Line::Func(_) => "func",
                Line::LiveRegs(_) => "live",
                Line::Insn { .. } => "insn",
                Line::State { .. } => "state",
                Line::From { state: None, .. } => "from-safe",
                Line::From { .. } => "from",
                Line::Safe(_) => "safe",
                Line::Precision(_) => "precision",
                Line::Processed(_) => "processed",
                Line::Other(_) => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "func",
                "live",
                "live",
                "live",
                "state",
                "insn",
                "insn",
                "insn",
                "insn",
                "precision",
                "state",
                "insn",
                "blank",
                "from",
                "from-safe",
                "safe",
                "other",
                "processed"
            ]
        );
        let Line::Insn {
            idx,
            opcode,
            text,
            state,
        } = &log.lines[7].1
        else {
            panic!("line 8 is an instruction")
        };
        assert_eq!((*idx, *opcode, text.as_str()), (4, 0x57, "r7 &= 255"));
        let r7 = state.as_ref().unwrap().reg(7).unwrap().scalar().unwrap();
        assert_eq!(r7.scalar.umax.get(), 255);
        let Line::State { state, .. } = &log.lines[10].1 else {
            panic!("line 11 is a state")
        };
        assert!(state.reg(6).unwrap().scalar().unwrap().precise);
        let Line::From {
            from: 5,
            to: 7,
            state: Some(s),
        } = &log.lines[13].1
        else {
            panic!("line 14 is a from line")
        };
        assert_eq!(s.reg(1), None);
        assert_eq!(s.reg(10), Some(&Value::Other("fp0".into())));
        let stats = log.stats().unwrap();
        assert_eq!(stats.processed, 8);
        assert_eq!(stats.total_states, Some(1));
        assert_eq!(stats.peak_states, Some(1));
        assert_eq!(stats.max_states_per_insn, Some(0));
        assert_eq!(log.unknown().collect::<Vec<_>>(), [(17, "div by zero")]);
    }

    #[test]
    fn malformed_scalar_is_an_error_with_its_column() {
        let e = Log::parse("3: (b7) r0 = 0 ; R0=scalar(smin=1,bogus=2)").unwrap_err();
        assert_eq!(e.line, 1);
        // `bogus` starts at column 35 of the line.
        assert_eq!(e.source.column, 35);
    }
}
