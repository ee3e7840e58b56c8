//! Code emission: an IR [`Operator`] as kernel-style C ([`c`]) or as Rust ([`rust`]), and
//! precision histograms as standalone SVG ([`svg`]).
//!
//! Both code emitters translate every node with the IR's exact bit-vector semantics at its width
//! (SMT-LIB's, see [`crate::ir::op`]): where C or Rust leave a case undefined or different
//! (shifting by the width or more, division by zero, `INT_MIN / -1`) the code has an explicit
//! guard. Inputs and constants are written inline; every other node becomes one local variable
//! named after its IR number (`t5` is `%5` of [`Operator::to_text`]), so the emitted code reads
//! side by side with the IR and shared nodes are computed once. Several candidate results are
//! combined with the domain's meet, exactly as [`Operator::eval`] does.
//!
//! The signature comes from the inputs' names: the fields `p.value`, `p.mask` of one prefix
//! become a tnum argument `p`, `p.lo`, `p.hi` an interval argument (in interval domains), the ten
//! fields of the kernel's register state (`p.var_off.value` … `p.u32_max`) a register-state
//! argument; any other input is a plain word argument.
//!
//! Values are held in the smallest of the 8, 16, 32 and 64-bit unsigned types that fits their
//! width; at other widths (an `extract` to 6 bits, say) every result is masked to its width, so
//! a variable always holds its value zero-extended.
//!
//! [`Operator`]: crate::ir::Operator
//! [`Operator::to_text`]: crate::ir::Operator::to_text
//! [`Operator::eval`]: crate::ir::Operator::eval

pub mod c;
pub mod rust;
pub mod svg;

use crate::ir::graph::SCALAR_FIELDS;
use crate::ir::{Domain, Op, Operator, Sort};

/// Why an operator cannot be emitted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    /// A node uses an operation the emitter cannot express.
    #[error("node %{node} ({op}): {reason}")]
    Unsupported {
        /// The node's index.
        node: u32,
        /// The operation's name.
        op: String,
        /// Why it cannot be emitted.
        reason: String,
    },
    /// The operator's inputs or outputs do not fit a function signature.
    #[error("operator `{operator}`: {reason}")]
    Signature {
        /// The operator's name.
        operator: String,
        /// What does not fit.
        reason: String,
    },
}

/// One argument of the emitted function, made of one or more of the operator's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    /// A tnum: the indices of the `value` and `mask` inputs.
    Tnum {
        name: String,
        value: usize,
        mask: usize,
    },
    /// An interval: the indices of the `lo` and `hi` inputs.
    Interval { name: String, lo: usize, hi: usize },
    /// The kernel's register state: the inputs of the ten fields in [`SCALAR_FIELDS`] order.
    Scalar { name: String, fields: [usize; 10] },
    /// A plain word.
    Word { name: String, input: usize },
}

impl Param {
    /// The argument's name in the emitted code.
    pub(crate) fn name(&self) -> &str {
        match self {
            Param::Tnum { name, .. }
            | Param::Interval { name, .. }
            | Param::Scalar { name, .. }
            | Param::Word { name, .. } => name,
        }
    }
}

/// The emitted function's shape: its name, arguments and the operator's main width.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    /// The function's name (`tnum_add_synth`, `tnum_add_w32_synth`).
    pub(crate) function: String,
    /// The arguments, in order of their first input.
    pub(crate) params: Vec<Param>,
    /// The width of the operator's first input (its abstract values' width).
    pub(crate) width: u32,
    /// For each input: the argument holding it and the field's name inside the argument
    /// (empty for a plain word).
    pub(crate) access: Vec<(usize, String)>,
}

/// Words that are not usable as names in either language.
const RESERVED: &[&str] = &[
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "int", "long", "register", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "bool", "true", "false", "inline", "as", "fn", "let", "loop", "match",
    "mod", "move", "mut", "pub", "ref", "self", "Self", "super", "trait", "type", "unsafe", "use",
    "where", "crate", "impl", "in", "dyn", "async", "await", "u8", "u16", "u32", "u64", "s8",
    "s16", "s32", "s64", "i8", "i16", "i32", "i64", "res", "out",
];

/// A name made of letters, digits and `_` from an IR name (`a.value` → `a_value`).
pub(crate) fn identifier(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) || s.is_empty() {
        s.insert(0, '_');
    }
    s
}

/// Is `s` a name the emitted code uses for its own locals (`t12`, `r3`)?
fn is_local_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('t' | 'r' | 'm')) && {
        let rest: String = chars.collect();
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
    }
}

impl Shape {
    /// The shape of `op`'s function.
    pub(crate) fn of(op: &Operator) -> Result<Shape, EmitError> {
        let bad = |reason: String| EmitError::Signature {
            operator: op.name().to_string(),
            reason,
        };
        let inputs = op.inputs();
        let width = inputs
            .first()
            .map(|i| i.width)
            .ok_or_else(|| bad("has no inputs".into()))?;
        // Group the inputs by their prefix, in order of first appearance.
        let mut groups: Vec<(String, Vec<(String, usize)>)> = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match input.name.split_once('.') {
                Some((prefix, field)) => match groups.iter_mut().find(|(p, _)| p == prefix) {
                    Some((_, fields)) => fields.push((field.to_string(), i)),
                    None => groups.push((prefix.to_string(), vec![(field.to_string(), i)])),
                },
                None => groups.push((String::new(), vec![(String::new(), i)])),
            }
        }
        let width_of = |i: usize| inputs[i].width;
        let find = |fields: &[(String, usize)], f: &str| {
            fields.iter().find(|(n, _)| n == f).map(|&(_, i)| i)
        };
        let mut params = Vec::new();
        for (prefix, fields) in &groups {
            let name = identifier(prefix);
            let exactly = |names: &[&str]| {
                fields.len() == names.len() && names.iter().all(|n| find(fields, n).is_some())
            };
            if !prefix.is_empty() && exactly(&["value", "mask"]) {
                let (value, mask) = (
                    find(fields, "value").unwrap_or(0),
                    find(fields, "mask").unwrap_or(0),
                );
                if width_of(value) == width_of(mask) {
                    params.push(Param::Tnum { name, value, mask });
                    continue;
                }
            }
            let interval_domain = matches!(op.domain(), Domain::UInterval | Domain::SInterval);
            if !prefix.is_empty() && interval_domain && exactly(&["lo", "hi"]) {
                let (lo, hi) = (
                    find(fields, "lo").unwrap_or(0),
                    find(fields, "hi").unwrap_or(0),
                );
                if width_of(lo) == width && width_of(hi) == width {
                    params.push(Param::Interval { name, lo, hi });
                    continue;
                }
            }
            let scalar_names: Vec<&str> = SCALAR_FIELDS.iter().map(|(n, _)| *n).collect();
            if !prefix.is_empty() && exactly(&scalar_names) {
                let mut idx = [0usize; 10];
                let mut ok = true;
                for (slot, (f, w)) in idx.iter_mut().zip(SCALAR_FIELDS) {
                    *slot = find(fields, f).unwrap_or(0);
                    ok &= width_of(*slot) == w;
                }
                if ok {
                    params.push(Param::Scalar { name, fields: idx });
                    continue;
                }
            }
            for (_, i) in fields {
                params.push(Param::Word {
                    name: identifier(&inputs[*i].name),
                    input: *i,
                });
            }
        }
        // Names must be distinct and clear of the locals and the languages' words.
        for (k, p) in params.iter().enumerate() {
            let n = p.name();
            if RESERVED.contains(&n) || is_local_name(n) || n.starts_with("vn_") {
                return Err(bad(format!(
                    "input name `{n}` is reserved in the emitted code"
                )));
            }
            if params[..k].iter().any(|q| q.name() == n) {
                return Err(bad(format!("two arguments would both be named `{n}`")));
            }
        }
        let mut access = vec![(0usize, String::new()); inputs.len()];
        for (k, p) in params.iter().enumerate() {
            match p {
                Param::Tnum { value, mask, .. } => {
                    access[*value] = (k, "value".into());
                    access[*mask] = (k, "mask".into());
                }
                Param::Interval { lo, hi, .. } => {
                    access[*lo] = (k, "lo".into());
                    access[*hi] = (k, "hi".into());
                }
                Param::Scalar { fields, .. } => {
                    for (i, (f, _)) in fields.iter().zip(SCALAR_FIELDS) {
                        access[*i] = (k, f.to_string());
                    }
                }
                Param::Word { input, .. } => access[*input] = (k, String::new()),
            }
        }
        if op.domain() == Domain::Scalar
            && !params.iter().any(|p| matches!(p, Param::Scalar { .. }))
        {
            return Err(bad(
                "a register-state result needs a register-state argument".into(),
            ));
        }
        let mut function = identifier(op.name());
        if width != 64 && op.domain() != Domain::Scalar {
            function.push_str(&format!("_w{width}"));
        }
        function.push_str("_synth");
        Ok(Shape {
            function,
            params,
            width,
            access,
        })
    }
}

/// The storage width of a `w`-bit value: 8, 16, 32 or 64.
pub(crate) fn storage(w: u32) -> u32 {
    match w {
        0..=8 => 8,
        9..=16 => 16,
        17..=32 => 32,
        _ => 64,
    }
}

/// Does a `w`-bit value fill its storage type exactly?
pub(crate) fn native(w: u32) -> bool {
    storage(w) == w
}

/// A constant as a literal body (decimal below 10, hex above), without type suffix.
pub(crate) fn literal(value: u64) -> String {
    if value < 10 {
        value.to_string()
    } else {
        format!("{value:#x}")
    }
}

/// The bit-vector width of node `id` (0 for a condition).
pub(crate) fn width_of(op: &Operator, id: u32) -> u32 {
    match op.sort(id) {
        Sort::Bv(w) => w,
        Sort::Bool => 0,
    }
}

/// Is node `id` written inline (an input or a constant) rather than as a local?
pub(crate) fn is_inline(op: &Operator, id: u32) -> bool {
    matches!(
        op.nodes()[id as usize].op,
        Op::Input(_) | Op::Const { .. } | Op::Bool(_)
    )
}

/// The width a binary node's operands have (its first operand's).
pub(crate) fn operand_width(op: &Operator, id: u32) -> u32 {
    let node = &op.nodes()[id as usize];
    let pick = match node.op {
        Op::Ite => 1,
        _ => 0,
    };
    node.args.get(pick).map(|&a| width_of(op, a)).unwrap_or(0)
}
