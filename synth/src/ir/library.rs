//! The IR of absint's own operators, obtained by tracing them.
//!
//! Each entry runs absint's generic operator on [`Traced`] words, so the kernel operator and its
//! IR are the same code evaluated two ways; nothing here restates an operator's algorithm. Loops
//! (the multiplications, the interval bit searches) are unrolled by the tracing, `width` times.
//!
//! Names are `domain.operator`: `tnum.add`, `uinterval.and`, `sinterval.sdiv`, `scalar.sync`,
//! `alu64.mul` (the kernel's register-level ALU step on two scalar states, `dst op= src` in the
//! register form) …; [`names`] lists them all. Tnum and interval operators exist at every width
//! from 1 to 64, except [`TNUM_64_ONLY`]; scalar ones at 64 bits only.
//!
//! ```
//! use synth::ir::library;
//! let mul = library::build("tnum.mul", 8).unwrap();
//! assert!(mul.nodes().len() > 50); // eight unrolled rounds of add and union
//! assert!(library::build("tnum.nope", 8).is_none());
//! ```

use crate::ir::graph::Operator;
use crate::ir::trace::{Traced, Tracer};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::kernel::{alu::alu, sync::sync};
use absint::domain::Tnum;
use absint::isa::{AluOp, Insn, Operand, Reg, Width};

/// A binary tnum operator.
type TnumBinary = fn(&Tnum<Traced>, &Tnum<Traced>) -> Tnum<Traced>;
/// A tnum operator with a word argument (a shift amount).
type TnumByWord = fn(&Tnum<Traced>, &Traced) -> Tnum<Traced>;
/// A binary unsigned-interval operator.
type UBinary = fn(&UInterval<Traced>, &UInterval<Traced>) -> UInterval<Traced>;
/// A binary signed-interval operator.
type SBinary = fn(&SInterval<Traced>, &SInterval<Traced>) -> SInterval<Traced>;

/// Binary tnum operators (inputs `a.value a.mask b.value b.mask`).
pub const TNUM_BINARY: &[(&str, TnumBinary)] = &[
    ("add", Tnum::add),
    ("sub", Tnum::sub),
    ("and", Tnum::and),
    ("or", Tnum::or),
    ("xor", Tnum::xor),
    ("mul", Tnum::mul),
    ("mul_v5_13", Tnum::mul_v5_13),
    ("mul_pre_v5_13", Tnum::mul_pre_v5_13),
    ("union", Tnum::union),
    ("intersect", Tnum::intersect),
];

/// Tnum shifts by a word amount (inputs `a.value a.mask k`; SMT-LIB shift semantics).
pub const TNUM_BY_WORD: &[(&str, TnumByWord)] = &[
    ("lshift", Tnum::lshift),
    ("rshift", Tnum::rshift),
    ("arshift", Tnum::arshift),
];

/// Binary unsigned-interval operators (inputs `a.lo a.hi b.lo b.hi`).
pub const UINTERVAL_BINARY: &[(&str, UBinary)] = &[
    ("add", UInterval::add),
    ("sub", UInterval::sub),
    ("mul", UInterval::mul),
    ("and", UInterval::and),
    ("or", UInterval::or),
    ("xor", UInterval::xor),
    ("shl", UInterval::shl),
    ("lshr", UInterval::lshr),
    ("ashr", UInterval::ashr),
    ("udiv", UInterval::udiv),
    ("urem", UInterval::urem),
    ("sdiv", UInterval::sdiv),
    ("srem", UInterval::srem),
    ("join", UInterval::join),
];

/// Binary signed-interval operators (inputs `a.lo a.hi b.lo b.hi`).
pub const SINTERVAL_BINARY: &[(&str, SBinary)] = &[
    ("add", SInterval::add),
    ("sub", SInterval::sub),
    ("mul", SInterval::mul),
    ("and", SInterval::and),
    ("or", SInterval::or),
    ("xor", SInterval::xor),
    ("shl", SInterval::shl),
    ("lshr", SInterval::lshr),
    ("ashr", SInterval::ashr),
    ("udiv", SInterval::udiv),
    ("urem", SInterval::urem),
    ("sdiv", SInterval::sdiv),
    ("srem", SInterval::srem),
    ("join", SInterval::join),
];

/// The 64-bit-only tnum operators: the kernel's half-register helpers and the byte swaps.
pub const TNUM_64_ONLY: &[&str] = &[
    "subreg",
    "clear_subreg",
    "with_subreg",
    "bswap16",
    "bswap32",
    "bswap64",
];

/// Every name [`build`] knows, in a fixed order.
pub fn names() -> Vec<String> {
    let mut out = Vec::new();
    out.extend(TNUM_BINARY.iter().map(|(n, _)| format!("tnum.{n}")));
    out.push("tnum.neg".into());
    out.extend(TNUM_BY_WORD.iter().map(|(n, _)| format!("tnum.{n}")));
    out.push("tnum.range".into());
    out.push("tnum.step".into());
    out.push("tnum.mul_meet".into());
    out.extend(TNUM_64_ONLY.iter().map(|n| format!("tnum.{n}")));
    out.extend(
        UINTERVAL_BINARY
            .iter()
            .map(|(n, _)| format!("uinterval.{n}")),
    );
    out.push("uinterval.neg".into());
    out.extend(
        SINTERVAL_BINARY
            .iter()
            .map(|(n, _)| format!("sinterval.{n}")),
    );
    out.push("sinterval.neg".into());
    out.push("scalar.sync".into());
    for width in ["alu64", "alu32"] {
        out.extend(
            AluOp::ALL
                .iter()
                .map(|op| format!("{width}.{}", alu_name(*op))),
        );
    }
    out
}

/// Does the operator `name` exist at 64 bits only (the scalar and ALU steps, [`TNUM_64_ONLY`])?
pub fn only_at_64(name: &str) -> bool {
    let (domain, op) = name.split_once('.').unwrap_or((name, ""));
    matches!(domain, "scalar" | "alu64" | "alu32")
        || (domain == "tnum" && TNUM_64_ONLY.contains(&op))
}

/// The IR name of an ALU operation (`add`, `arsh` …).
pub fn alu_name(op: AluOp) -> String {
    format!("{op:?}").to_lowercase()
}

/// Look a name up in a table.
fn find<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The traced IR of the operator `name` at `width` bits, or `None` if there is no such operator
/// or it does not exist at that width (scalar operators are 64-bit only; widths are 1 to 64).
pub fn build(name: &str, width: u32) -> Option<Operator> {
    if !(1..=64).contains(&width) {
        return None;
    }
    let (domain, op) = name.split_once('.')?;
    let t = Tracer::new();
    let built = match domain {
        "tnum" => {
            if let Some(f) = find(TNUM_BINARY, op) {
                let (a, b) = (t.tnum_input("a", width), t.tnum_input("b", width));
                t.finish_tnum(name, &[f(&a, &b)])
            } else if let Some(f) = find(TNUM_BY_WORD, op) {
                let a = t.tnum_input("a", width);
                let k = t.input("k", width);
                t.finish_tnum(name, &[f(&a, &k)])
            } else {
                match op {
                    "neg" => t.finish_tnum(name, &[t.tnum_input("a", width).neg()]),
                    "range" => {
                        let (lo, hi) = (t.input("min", width), t.input("max", width));
                        t.finish_tnum(name, &[Tnum::range(&lo, &hi)])
                    }
                    "step" => {
                        let a = t.tnum_input("a", width);
                        let z = t.input("z", width);
                        t.finish(
                            name,
                            crate::ir::Domain::Words,
                            &["next"],
                            &[vec![a.step(&z)]],
                        )
                    }
                    "subreg" | "clear_subreg" | "bswap16" | "bswap32" | "bswap64"
                        if width == 64 =>
                    {
                        let a = t.tnum_input("a", width);
                        let r = match op {
                            "subreg" => a.subreg(),
                            "clear_subreg" => a.clear_subreg(),
                            "bswap16" => a.bswap(16),
                            "bswap32" => a.bswap(32),
                            _ => a.bswap(64),
                        };
                        t.finish_tnum(name, &[r])
                    }
                    "with_subreg" if width == 64 => {
                        let (a, b) = (t.tnum_input("a", width), t.tnum_input("b", width));
                        t.finish_tnum(name, &[a.with_subreg(&b)])
                    }
                    "mul_meet" => {
                        let (a, b) = (t.tnum_input("a", width), t.tnum_input("b", width));
                        let all = [a.mul(&b), a.mul_v5_13(&b), a.mul_pre_v5_13(&b)];
                        t.finish_tnum(name, &all)
                    }
                    _ => return None,
                }
            }
        }
        "uinterval" => {
            let a = t.uinterval_input("a", width);
            if op == "neg" {
                t.finish_uinterval(name, &[a.neg()])
            } else {
                let f = find(UINTERVAL_BINARY, op)?;
                let b = t.uinterval_input("b", width);
                t.finish_uinterval(name, &[f(&a, &b)])
            }
        }
        "sinterval" => {
            let a = t.sinterval_input("a", width);
            if op == "neg" {
                t.finish_sinterval(name, &[a.neg()])
            } else {
                let f = find(SINTERVAL_BINARY, op)?;
                let b = t.sinterval_input("b", width);
                t.finish_sinterval(name, &[f(&a, &b)])
            }
        }
        "scalar" if width == 64 && op == "sync" => {
            let s = t.scalar_input("s");
            t.finish_scalar(name, &[sync(&s)])
        }
        "alu64" | "alu32" if width == 64 => {
            let alu_op = *AluOp::ALL.iter().find(|o| alu_name(**o) == op)?;
            let insn = Insn::Alu {
                width: if domain == "alu64" {
                    Width::W64
                } else {
                    Width::W32
                },
                op: alu_op,
                dst: Reg::R0,
                src: Operand::Reg(Reg::new(1)?),
            };
            let (dst, src) = (t.scalar_input("dst"), t.scalar_input("src"));
            let outcome = alu(&insn, &dst, &src).ok()?;
            t.finish_scalar(name, &[outcome.state])
        }
        _ => return None,
    };
    // Every entry above builds well-sorted nodes with the domain's outputs; an error here would
    // be a bug in this table, reported as "no such operator" rather than a panic.
    built.ok()
}

/// The IR of any catalog operator at `width` bits, by tracing its evaluation: inputs are named
/// `a`, `b`, … after the arguments (`a.value a.mask` for a tnum, `a.lo a.hi` for an interval,
/// the register fields for a state, `a` for an exact word). Mutants, historical operators,
/// pieces and synthesized operators get their IR this way, so it is the very code the checker
/// proved. `None` when the operator does not exist at `width` or its result is an exact word.
/// For register steps that fork (AND/OR), the IR is the state the verifier continues with.
pub fn from_catalog(op: &dyn crate::catalog::Operator, width: u32) -> Option<Operator> {
    use crate::catalog::{Abs, Kind, WordWidth};
    if !(1..=64).contains(&width) || !op.supports_width(width) {
        return None;
    }
    let t = Tracer::new();
    let mut args = Vec::new();
    let mut members = Vec::new();
    for (i, kind) in op.args().into_iter().enumerate() {
        let name = ((b'a' + (i as u8 % 26)) as char).to_string();
        // The concrete side of the evaluation is not part of the IR: a constant member keeps
        // its nodes few (they fold) and unreachable from the outputs. An exact word is its own
        // member.
        let constant_member = t.constant(kind.member_width(width), 0);
        let (abs, member) = match kind {
            Kind::Tnum => (Abs::Tnum(t.tnum_input(&name, width)), constant_member),
            Kind::UInt => (Abs::UInt(t.uinterval_input(&name, width)), constant_member),
            Kind::SInt => (Abs::SInt(t.sinterval_input(&name, width)), constant_member),
            Kind::Scalar => (Abs::scalar(t.scalar_input(&name)), constant_member),
            Kind::Word(w) => {
                let bits = match w {
                    WordWidth::Op => width,
                    WordWidth::Bits(b) => b,
                };
                let word = t.input(&name, bits);
                (Abs::Word(word.clone()), word)
            }
        };
        members.push(member);
        args.push(abs);
    }
    let eval = op.eval_traced(width, &args, &members);
    let name = op.name();
    let built = match eval.result {
        Abs::Tnum(r) => t.finish_tnum(name, &[r]),
        Abs::UInt(r) => t.finish_uinterval(name, &[r]),
        Abs::SInt(r) => t.finish_sinterval(name, &[r]),
        Abs::Scalar { state, .. } => t.finish_scalar(name, &[state]),
        Abs::Word(_) => return None,
    };
    built.ok()
}
