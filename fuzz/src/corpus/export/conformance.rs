//! Conformance test files: `<id>.data` in the format of the BPF ISA conformance suite
//! (bpf_conformance, uBPF): `-- asm` (uBPF assembly), optionally `-- mem`, then `-- raw` (each
//! slot as a 64-bit number) and `-- result` (the expected r0).
//!
//! Only programs a conformance runner can execute are written: accepted cases with a concrete
//! run, without helper calls (a runner has none of the kernel's), map or BTF references, or
//! kfuncs. The expected value is checked before the file is written: absint's interpreter runs
//! the program on the record's input and must give the recorded `retval` in its low 32 bits
//! (the kernel's test run returns a `u32`); the file's `-- result` is the whole 64-bit r0. A case
//! whose program reads its context (r1 is an `sk_buff` in the kernel, a plain buffer here) does
//! not run on the interpreter and is left out.
//!
//! `-- mem` is written when the program loads from the packet (`LD_ABS`/`LD_IND`): it holds the
//! packet those instructions read, which is the test run's `data_in` after the 14-byte link
//! header. A runner must make it both the memory r1 points to and the packet `LD_ABS` reads (as
//! absint's interpreter does with `with_context` and `with_data`).

use std::fmt::Write;

use absint::isa::{
    AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width,
};

use super::{from_hex, interpret, packet_after_link_header, ExportError, Output, Program};
use crate::corpus::record::Verdict;

/// `%rN`.
fn r(reg: Reg) -> String {
    format!("%r{}", reg.index())
}

fn suffix(width: Width) -> &'static str {
    match width {
        Width::W32 => "32",
        Width::W64 => "",
    }
}

fn operand(src: Operand) -> String {
    match src {
        Operand::Reg(s) => r(s),
        Operand::Imm(imm) => imm.to_string(),
    }
}

fn size_letter(size: Size) -> &'static str {
    match size {
        Size::B => "b",
        Size::H => "h",
        Size::W => "w",
        Size::DW => "dw",
    }
}

/// `[%r10-8]`.
fn mem(base: Reg, off: i16) -> String {
    format!("[{}{:+}]", r(base), off)
}

fn alu_name(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "add",
        AluOp::Sub => "sub",
        AluOp::Mul => "mul",
        AluOp::Div => "div",
        AluOp::Sdiv => "sdiv",
        AluOp::Or => "or",
        AluOp::And => "and",
        AluOp::Lsh => "lsh",
        AluOp::Rsh => "rsh",
        AluOp::Mod => "mod",
        AluOp::Smod => "smod",
        AluOp::Xor => "xor",
        AluOp::Arsh => "arsh",
    }
}

fn cond_name(cond: Cond) -> &'static str {
    match cond {
        Cond::Eq => "jeq",
        Cond::Gt => "jgt",
        Cond::Ge => "jge",
        Cond::Set => "jset",
        Cond::Ne => "jne",
        Cond::Sgt => "jsgt",
        Cond::Sge => "jsge",
        Cond::Lt => "jlt",
        Cond::Le => "jle",
        Cond::Slt => "jslt",
        Cond::Sle => "jsle",
    }
}

/// `insn` in uBPF assembly (jump targets as signed slot offsets), or `None` for the forms the
/// dialect has no spelling for (map, BTF and function `ld_imm64`, module kfuncs).
pub fn ubpf_line(insn: &Insn) -> Option<String> {
    Some(match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => format!(
            "{}{} {}, {}",
            alu_name(op),
            suffix(width),
            r(dst),
            operand(src)
        ),
        Insn::Neg { width, dst } => format!("neg{} {}", suffix(width), r(dst)),
        Insn::Mov { width, dst, src } => {
            format!("mov{} {}, {}", suffix(width), r(dst), operand(src))
        }
        Insn::MovSx {
            width,
            dst,
            src,
            from_bits,
        } => format!("movsx{from_bits}{} {}, {}", width.bits(), r(dst), r(src)),
        Insn::End { kind, dst, bits } => {
            let name = match kind {
                Endian::Le => "le",
                Endian::Be => "be",
                Endian::Swap => "bswap",
            };
            format!("{name}{bits} {}", r(dst))
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => format!(
            "{}{} {}, {}, {off:+}",
            cond_name(cond),
            suffix(width),
            r(dst),
            operand(src)
        ),
        Insn::Ja { off } => format!("ja {off:+}"),
        Insn::Gotol { imm } => format!("ja32 {imm:+}"),
        Insn::Call(CallTarget::Helper(id)) => format!("call {id}"),
        Insn::Call(CallTarget::Local(rel)) => format!("call local {rel:+}"),
        Insn::Call(CallTarget::Kfunc { btf_id, off: 0 }) => format!("call runtime {btf_id}"),
        Insn::Call(CallTarget::Kfunc { .. }) => return None,
        Insn::Callx { dst } => format!("call {}", r(dst)),
        Insn::Exit => "exit".to_string(),
        Insn::LdImm64 {
            dst,
            src: LdImm64::Imm(v),
        } => format!("lddw {}, {v:#x}", r(dst)),
        Insn::LdImm64 { .. } => return None,
        Insn::Load {
            size,
            signed,
            dst,
            base,
            off,
        } => format!(
            "ldx{}{} {}, {}",
            if signed { "s" } else { "" },
            size_letter(size),
            r(dst),
            mem(base, off)
        ),
        Insn::Store {
            size,
            base,
            off,
            src: Operand::Reg(s),
        } => format!("stx{} {}, {}", size_letter(size), mem(base, off), r(s)),
        Insn::Store {
            size,
            base,
            off,
            src: Operand::Imm(imm),
        } => format!("st{} {}, {imm}", size_letter(size), mem(base, off)),
        Insn::Atomic {
            size,
            op,
            base,
            off,
            src,
        } => {
            let w = if size == Size::W { "32" } else { "" };
            let (fetch, name) = match op {
                AtomicOp::Add { fetch } => (fetch, "add"),
                AtomicOp::Or { fetch } => (fetch, "or"),
                AtomicOp::And { fetch } => (fetch, "and"),
                AtomicOp::Xor { fetch } => (fetch, "xor"),
                AtomicOp::Xchg => (false, "xchg"),
                AtomicOp::Cmpxchg => (false, "cmpxchg"),
            };
            let fetch = if fetch { "fetch " } else { "" };
            format!("lock {fetch}{name}{w} {}, {}", mem(base, off), r(src))
        }
        Insn::LoadPacket { size, index, imm } => match index {
            None => format!("ldabs{} {imm}", size_letter(size)),
            Some(i) => format!("ldind{} {}, {imm}", size_letter(size), r(i)),
        },
    })
}

/// Why the case has no conformance file, or its packet (the `-- mem` bytes) and r0.
fn runnable(p: &Program<'_>) -> Result<(Vec<u8>, u64), String> {
    let case = p.case;
    if case.expected.verdict != Verdict::Accept {
        return Err("rejected: a conformance file needs a result".into());
    }
    let Some(run) = &case.run else {
        return Err("no concrete run recorded".into());
    };
    if let Some((i, insn)) = p.insns.iter().enumerate().find(|(_, insn)| {
        matches!(
            insn,
            Insn::Call(CallTarget::Helper(_) | CallTarget::Kfunc { .. })
                | Insn::Callx { .. }
                | Insn::LdImm64 {
                    src: LdImm64::MapFd(_)
                        | LdImm64::MapValue { .. }
                        | LdImm64::MapIdx(_)
                        | LdImm64::MapIdxValue { .. }
                        | LdImm64::BtfId(_)
                        | LdImm64::Func(_),
                    ..
                }
        )
    }) {
        return Err(format!(
            "instruction {i} `{insn}`: helper calls, kfuncs and map/BTF references need the kernel"
        ));
    }
    let data_in = from_hex(&run.data_in).map_err(|e| format!("run.data_in: {e}"))?;
    let reads_packet = p.insns.iter().any(|i| matches!(i, Insn::LoadPacket { .. }));
    let packet = if reads_packet {
        packet_after_link_header(&data_in).to_vec()
    } else {
        Vec::new()
    };
    let r0 = interpret(&p.insns, &packet)
        .map_err(|e| format!("absint's interpreter cannot run it: {e}"))?;
    if r0 as u32 != run.retval {
        return Err(format!(
            "absint's interpreter returns {:#x}, the record says retval {:#x}",
            r0 as u32, run.retval
        ));
    }
    Ok((packet, r0))
}

/// The `.data` text of a runnable case.
fn data_file(p: &Program<'_>, packet: &[u8], r0: u64) -> Option<String> {
    let case = p.case;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Exported by Vernier: case {} ({}), generator {} seed {}\n-- asm",
        case.id, case.target, case.generator, case.seed
    );
    for insn in &p.insns {
        let _ = writeln!(out, "{}", ubpf_line(insn)?);
    }
    if !packet.is_empty() {
        out.push_str("-- mem\n");
        for chunk in packet.chunks(16) {
            let line: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let _ = writeln!(out, "{}", line.join(" "));
        }
    }
    out.push_str("-- raw\n");
    for slot in p.bytes.chunks(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(slot);
        let _ = writeln!(out, "{:#018x}", u64::from_le_bytes(b));
    }
    let _ = writeln!(out, "-- result\n{r0:#x}");
    Some(out)
}

/// Writes `<id>.data` for every accepted case with a run that a conformance runner can execute.
pub(crate) fn export(programs: &[Program<'_>], out: &mut Output) -> Result<(), ExportError> {
    for p in programs {
        let id = p.case.id.as_str();
        match runnable(p) {
            Err(reason) => out.skip(id, reason),
            Ok((packet, r0)) => match data_file(p, &packet, r0) {
                Some(text) => out.file(&format!("{id}.data"), text.as_bytes())?,
                None => out.skip(id, "an instruction has no uBPF assembly spelling"),
            },
        }
    }
    Ok(())
}
