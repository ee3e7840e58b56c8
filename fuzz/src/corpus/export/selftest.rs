//! Kernel selftest sources: `verifier_vernier_<kind>.c`, one per case kind, in the style of
//! `tools/testing/selftests/bpf/progs/verifier_*.c`.
//!
//! Each case becomes one test function:
//!
//! ```c
//! SEC("socket")
//! __description("mk-kernel.alu64.add-0001: mutant.kernel.alu64.add")
//! __failure __msg("R9 !read_ok")
//! __naked void mk_kernel_alu64_add_0001(void)
//! {
//!     asm volatile (
//!     "r0 = 1;\n"
//!     "if r0 > 5 goto l3_%=;\n"
//!     ...
//!     : : __imm(bpf_ktime_get_ns) : __clobber_all);
//! }
//! ```
//!
//! Every test carries `__flag(BPF_F_TEST_REG_INVARIANTS)`, the flag the labels were made with.
//! The body is clang's BPF assembler syntax: `w` registers at 32 bits, decimal immediates,
//! jumps to local labels `lN_%=` (N the target slot; `%=` makes them unique per asm statement),
//! helpers as `call %[bpf_name]` with an `__imm(bpf_name)` operand, maps as `%[map] ll` with
//! `__imm_addr(map)` and a BTF-defined map per case. An instruction this syntax cannot spell
//! (or that clang 14, the oldest checked, does not assemble: `%=`, jset, fetching atomics,
//! xchg, cmpxchg, stores of immediates, and the v4 forms: signed division, `movsx`, `bswap`,
//! sign-extending loads, `gotol`; BPF-to-BPF calls, kfuncs) is written as its raw encoding,
//! `.8byte 0x…;` with its log text in a comment; jump offsets are relative, so they survive.
//!
//! `__retval(N)` is only written when the result cannot depend on the input (the test loader
//! runs every test on its own fixed packet, not on the record's): no packet loads, and absint's
//! interpreter reaches `exit` with an empty context and gives the recorded value. The file
//! includes `vernier_misc.h` (fuzz/selftest/) when it is on the include path, else the kernel
//! tree's `bpf_misc.h` and libbpf's headers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use absint::isa::{
    helpers::helper_name, AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Size,
    Width,
};

use super::{input_free_result, map_type_number, prog_type, ExportError, Idents, Output, Program};
use crate::corpus::record::{CaseKind, Verdict};

/// The file's name for a case kind.
pub fn file_name(kind: CaseKind) -> String {
    format!("verifier_vernier_{}.c", kind_name(kind))
}

/// The kind as a C identifier part.
fn kind_name(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::MutantKiller => "mutant_killer",
        CaseKind::PrecisionWitness => "precision_witness",
        CaseKind::BoundarySeed => "boundary_seed",
    }
}

/// A C string literal's contents for `s`.
fn c_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{b:03o}");
                }
            }
        }
    }
    out
}

/// One instruction in clang's syntax: the text and the `__imm` operands it needs.
struct Line {
    text: String,
    operands: Vec<String>,
}

/// A register at a width.
fn reg(width: Width, r: absint::isa::Reg) -> String {
    match width {
        Width::W32 => format!("w{}", r.index()),
        Width::W64 => format!("r{}", r.index()),
    }
}

/// `(r10 - 8)`.
fn addr(base: absint::isa::Reg, off: i16) -> String {
    if off < 0 {
        format!("({base} - {})", -i32::from(off))
    } else {
        format!("({base} + {off})")
    }
}

fn size_name(size: Size) -> &'static str {
    match size {
        Size::B => "u8",
        Size::H => "u16",
        Size::W => "u32",
        Size::DW => "u64",
    }
}

fn alu_op(op: AluOp) -> Option<&'static str> {
    // clang 14's assembler has no `%=` (modulo): it goes raw like the v4 signed forms.
    Some(match op {
        AluOp::Add => "+=",
        AluOp::Sub => "-=",
        AluOp::Mul => "*=",
        AluOp::Div => "/=",
        AluOp::Or => "|=",
        AluOp::And => "&=",
        AluOp::Lsh => "<<=",
        AluOp::Rsh => ">>=",
        AluOp::Xor => "^=",
        AluOp::Arsh => "s>>=",
        AluOp::Mod | AluOp::Sdiv | AluOp::Smod => return None,
    })
}

fn cond_op(cond: Cond) -> &'static str {
    match cond {
        Cond::Eq => "==",
        Cond::Gt => ">",
        Cond::Ge => ">=",
        Cond::Set => "&",
        Cond::Ne => "!=",
        Cond::Sgt => "s>",
        Cond::Sge => "s>=",
        Cond::Lt => "<",
        Cond::Le => "<=",
        Cond::Slt => "s<",
        Cond::Sle => "s<=",
    }
}

/// The target slot of a jump at `slot` with offset `off`, when a label can mark it.
fn target(slot: usize, off: i64, labels: &BTreeSet<usize>) -> Option<usize> {
    let t = usize::try_from(slot as i64 + 1 + off).ok()?;
    labels.contains(&t).then_some(t)
}

/// The raw encoding of `insn` as `.8byte` directives, with the log text as a comment.
fn raw_line(insn: &Insn) -> Line {
    let (first, second) = insn.to_raw();
    let mut text = String::new();
    for slot in std::iter::once(first).chain(second) {
        let value = u64::from_le_bytes(slot.to_bytes());
        let _ = write!(text, ".8byte {value:#018x}; ");
    }
    let _ = write!(text, "/* {} */", insn.to_string().replace('%', "%%"));
    Line {
        text,
        operands: Vec::new(),
    }
}

/// `insn` at `slot` in clang's syntax; `None` when only the raw encoding can say it.
/// `boundaries` holds the slots a label may mark (instruction starts and the end),
/// `maps` the C names of the case's maps.
fn clang_line(
    insn: &Insn,
    slot: usize,
    boundaries: &BTreeSet<usize>,
    maps: &[String],
) -> Option<Line> {
    let plain = |text: String| {
        Some(Line {
            text,
            operands: Vec::new(),
        })
    };
    match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => {
            let op = alu_op(op)?;
            let src = match src {
                Operand::Reg(s) => reg(width, s),
                Operand::Imm(imm) => imm.to_string(),
            };
            plain(format!("{} {op} {src};", reg(width, dst)))
        }
        Insn::Neg { width, dst } => plain(format!("{0} = -{0};", reg(width, dst))),
        Insn::Mov { width, dst, src } => {
            let src = match src {
                Operand::Reg(s) => reg(width, s),
                Operand::Imm(imm) => imm.to_string(),
            };
            plain(format!("{} = {src};", reg(width, dst)))
        }
        Insn::End { kind, dst, bits } => {
            let name = match kind {
                Endian::Le => "le",
                Endian::Be => "be",
                Endian::Swap => return None,
            };
            plain(format!("{dst} = {name}{bits} {dst};"))
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            // clang 14 cannot spell jset (`if r1 & r2 goto`): raw.
            if cond == Cond::Set {
                return None;
            }
            let t = target(slot, off.into(), boundaries)?;
            let src = match src {
                Operand::Reg(s) => reg(width, s),
                Operand::Imm(imm) => imm.to_string(),
            };
            plain(format!(
                "if {} {} {src} goto l{t}_%=;",
                reg(width, dst),
                cond_op(cond)
            ))
        }
        Insn::Ja { off } => {
            let t = target(slot, off.into(), boundaries)?;
            plain(format!("goto l{t}_%=;"))
        }
        Insn::Call(CallTarget::Helper(id)) => match helper_name(id) {
            Some(name) => Some(Line {
                text: format!("call %[{name}];"),
                operands: vec![format!("__imm({name})")],
            }),
            None => plain(format!("call {id};")),
        },
        Insn::Exit => plain("exit;".to_string()),
        Insn::LdImm64 { dst, src } => match src {
            LdImm64::Imm(v) => plain(format!("{dst} = {v:#x} ll;")),
            LdImm64::MapFd(fd) => {
                let name = maps.get(usize::try_from(fd).ok()?)?;
                Some(Line {
                    text: format!("{dst} = %[{name}] ll;"),
                    operands: vec![format!("__imm_addr({name})")],
                })
            }
            _ => None,
        },
        Insn::Load {
            size,
            signed: false,
            dst,
            base,
            off,
        } => plain(format!(
            "{dst} = *({} *){};",
            size_name(size),
            addr(base, off)
        )),
        Insn::Store {
            size,
            base,
            off,
            src: Operand::Reg(src),
        } => plain(format!(
            "*({} *){} = {src};",
            size_name(size),
            addr(base, off)
        )),
        Insn::Atomic {
            size,
            op,
            base,
            off,
            src,
        } => {
            // clang 14 spells only the non-fetching forms; fetch, xchg and cmpxchg go raw.
            let width = if size == Size::DW {
                Width::W64
            } else {
                Width::W32
            };
            let assign = match op {
                AtomicOp::Add { fetch: false } => "+=",
                AtomicOp::Or { fetch: false } => "|=",
                AtomicOp::And { fetch: false } => "&=",
                AtomicOp::Xor { fetch: false } => "^=",
                _ => return None,
            };
            plain(format!(
                "lock *({} *){} {assign} {};",
                size_name(size),
                addr(base, off),
                reg(width, src)
            ))
        }
        Insn::LoadPacket { size, index, imm } => match index {
            None => plain(format!("r0 = *({} *)skb[{imm}];", size_name(size))),
            Some(r) if imm == 0 => plain(format!("r0 = *({} *)skb[{r}];", size_name(size))),
            Some(_) => None,
        },
        // v4 (cpu=v4) or pseudo forms older clang does not assemble: raw encoding.
        Insn::MovSx { .. }
        | Insn::Gotol { .. }
        | Insn::Call(_)
        | Insn::Callx { .. }
        | Insn::Load { signed: true, .. }
        | Insn::Store {
            src: Operand::Imm(_),
            ..
        } => None,
    }
}

/// Why a case cannot be a selftest, if it cannot.
fn unsupported(p: &Program<'_>) -> Option<String> {
    if prog_type(&p.case.prog_type).is_none() {
        return Some(format!(
            "no section name known for program type `{}`",
            p.case.prog_type
        ));
    }
    for m in &p.case.maps {
        if map_type_number(&m.map_type).is_none() {
            return Some(format!("map type `{}` is not known", m.map_type));
        }
    }
    p.insns.iter().enumerate().find_map(|(i, insn)| match insn {
        Insn::LdImm64 { src, .. } if !matches!(src, LdImm64::Imm(_) | LdImm64::MapFd(_)) => {
            Some(format!(
                "instruction {i} `{insn}`: only map fds and constants have a selftest spelling"
            ))
        }
        _ => None,
    })
}

/// The test function (and its maps) of one case.
fn test_function(p: &Program<'_>, name: &str, out: &mut String) {
    let case = p.case;
    let section = prog_type(&case.prog_type).map_or("socket", |t| t.section);
    // Maps first: one BTF-defined map per entry of `maps`.
    let mut maps = Vec::new();
    for (i, m) in case.maps.iter().enumerate() {
        let map = format!("{name}_map{i}");
        let ty = map_type_number(&m.map_type).unwrap_or(0);
        let _ = write!(
            out,
            "struct {{\n\t__uint(type, {ty}); /* {} */\n\t__uint(key_size, {});\n\t\
             __uint(value_size, {});\n\t__uint(max_entries, {});\n}} {map} SEC(\".maps\");\n\n",
            m.map_type, m.key_size, m.value_size, m.max_entries
        );
        maps.push(map);
    }
    // Slots of instruction starts, and of the end.
    let mut starts = Vec::with_capacity(p.insns.len());
    let mut slot = 0;
    for insn in &p.insns {
        starts.push(slot);
        slot += insn.slots();
    }
    let boundaries: BTreeSet<usize> = starts.iter().copied().chain([slot]).collect();
    let lines: Vec<Line> = p
        .insns
        .iter()
        .zip(&starts)
        .map(|(insn, &s)| clang_line(insn, s, &boundaries, &maps).unwrap_or_else(|| raw_line(insn)))
        .collect();
    let labels: BTreeSet<usize> = lines
        .iter()
        .flat_map(|l| l.text.split("goto l").skip(1))
        .filter_map(|rest| rest.split('_').next()?.parse().ok())
        .collect();

    let _ = writeln!(out, "SEC(\"{section}\")");
    // The labels were made with the register-invariant check on; say so explicitly.
    let _ = writeln!(out, "__flag(BPF_F_TEST_REG_INVARIANTS)");
    let _ = writeln!(
        out,
        "__description(\"{}\")",
        c_string(&format!("{}: {}", case.id, case.target))
    );
    match &case.expected.verdict {
        Verdict::Accept => {
            let _ = write!(out, "__success");
            match (&case.run, input_free_result(&p.insns)) {
                (Some(run), Some(r0)) if r0 as u32 == run.retval => {
                    let _ = write!(out, " __retval({})", run.retval as i32);
                }
                (Some(run), _) => {
                    let _ = write!(
                        out,
                        " /* retval {} on the recorded input only */",
                        run.retval
                    );
                }
                (None, _) => {}
            }
            out.push('\n');
        }
        Verdict::Reject { message, .. } => {
            let _ = writeln!(out, "__failure __msg(\"{}\")", c_string(message));
        }
    }
    let _ = writeln!(out, "__naked void {name}(void)\n{{\n\tasm volatile (");
    let mut operands = BTreeSet::new();
    for (line, &s) in lines.iter().zip(&starts) {
        if labels.contains(&s) {
            let _ = writeln!(out, "\t\"l{s}_%=:\\n\"");
        }
        let _ = writeln!(out, "\t\"{}\\n\"", c_string(&line.text));
        operands.extend(line.operands.iter().cloned());
    }
    if labels.contains(&slot) {
        let _ = writeln!(out, "\t\"l{slot}_%=:\\n\"");
    }
    let operands: Vec<String> = operands.into_iter().collect();
    let inputs = if operands.is_empty() {
        String::new()
    } else {
        format!(" {}", operands.join(", "))
    };
    let _ = writeln!(out, "\t:\n\t:{inputs}\n\t: __clobber_all);\n}}\n");
}

/// The helpers a program calls by name, for the stand-alone declarations.
fn helpers_called(programs: &[&Program<'_>]) -> BTreeMap<&'static str, i32> {
    programs
        .iter()
        .flat_map(|p| p.insns.iter())
        .filter_map(|insn| match insn {
            Insn::Call(CallTarget::Helper(id)) => helper_name(*id).map(|n| (n, *id)),
            _ => None,
        })
        .collect()
}

/// The source file of `programs` (all of one kind).
pub fn source(kind: CaseKind, programs: &[&Program<'_>]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "// SPDX-License-Identifier: GPL-2.0\n\
         /* Verifier tests exported by Vernier: {} case(s) of kind `{}`.\n \
         * Each test's expectation is the Linux 6.18 verifier's verdict as Vernier's model\n \
         * predicts it (and `vernier fuzz check` confirmed it on a running kernel).\n */\n\n\
         #if __has_include(\"vernier_misc.h\")\n\
         #include \"vernier_misc.h\"\n\
         #else\n\
         #include <linux/bpf.h>\n\
         #include <bpf/bpf_helpers.h>\n\
         #include \"bpf_misc.h\"\n\
         #endif\n\n",
        programs.len(),
        kind_name(kind).replace('_', "-")
    );
    let helpers = helpers_called(programs);
    if !helpers.is_empty() {
        out.push_str("#ifdef VERNIER_MISC_H\n/* Helpers by number, as libbpf's bpf_helper_defs.h declares them. */\n");
        for (name, id) in &helpers {
            let _ = writeln!(out, "static void (* const {name})(void) = (void *) {id};");
        }
        out.push_str("#endif\n\n");
    }
    let mut idents = Idents::new();
    for p in programs {
        let name = idents.fresh(&p.case.id);
        test_function(p, &name, &mut out);
    }
    out.push_str("char _license[] SEC(\"license\") = \"GPL\";\n");
    out
}

/// Writes one `verifier_vernier_<kind>.c` per case kind present.
pub(crate) fn export(programs: &[Program<'_>], out: &mut Output) -> Result<(), ExportError> {
    let mut by_kind: BTreeMap<CaseKind, Vec<&Program<'_>>> = BTreeMap::new();
    for p in programs {
        match unsupported(p) {
            Some(reason) => out.skip(&p.case.id, reason),
            None => by_kind.entry(p.case.kind).or_default().push(p),
        }
    }
    for (kind, programs) in by_kind {
        out.file(&file_name(kind), source(kind, &programs).as_bytes())?;
    }
    Ok(())
}
