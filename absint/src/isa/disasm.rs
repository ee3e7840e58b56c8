//! The disassembler: instructions in the syntax of the Linux verifier log.
//!
//! The text follows the kernel's `print_bpf_insn` (kernel/bpf/disasm.c) as printed by Linux 6.18,
//! checked against the running kernel's `BPF_PROG_LOAD` log: `w` registers for 32-bit ALU and
//! JMP32, ALU immediates and stored immediates in decimal, jump immediates as unsigned hex
//! (`if r0 == 0xffffffff`), offsets with an explicit sign (`(r10 -8)`, `pc+0`), `ld_imm64`
//! values in hex with no `ll` suffix.
//!
//! Where the kernel prints something that cannot be read back, this printer departs from it:
//! - map and other pseudo `ld_imm64` forms: the log shows the resolved kernel address; here they
//!   print in bpftool's style: `map[fd:3]`, `map[fd:3][0]+8`, `map[idx:0]`, `map[idx:0][0]+8`,
//!   `btf[id:N]`, `subprog[+N]`;
//! - kfunc calls: the log shows the function's BTF name (`call bpf_rcu_read_lock#65481`); here
//!   `call kernel-function#65481` (the kernel's own fallback text), with `@N` appended when the
//!   function lives in module BTF number N;
//! - `callx r1` (LLVM's syntax), which Linux rejects as an unknown opcode before printing it.

use super::helpers::helper_name;
use super::insn::{
    AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width,
};
use std::fmt::{self, Write};

/// The register prefix at a width: `w` for 32-bit operations, `r` for 64-bit.
fn prefix(width: Width) -> char {
    match width {
        Width::W32 => 'w',
        Width::W64 => 'r',
    }
}

/// The compound-assignment operator of an ALU operation, as the kernel prints it.
pub(crate) fn alu_op_str(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "+=",
        AluOp::Sub => "-=",
        AluOp::Mul => "*=",
        AluOp::Div => "/=",
        AluOp::Sdiv => "s/=",
        AluOp::Or => "|=",
        AluOp::And => "&=",
        AluOp::Lsh => "<<=",
        AluOp::Rsh => ">>=",
        AluOp::Mod => "%=",
        AluOp::Smod => "s%=",
        AluOp::Xor => "^=",
        AluOp::Arsh => "s>>=",
    }
}

/// The comparison operator of a jump condition.
pub(crate) fn cond_str(cond: Cond) -> &'static str {
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

/// The C-like type name of an access size, unsigned or (for sign-extending loads) signed.
pub(crate) fn size_str(size: Size, signed: bool) -> &'static str {
    match (size, signed) {
        (Size::B, false) => "u8",
        (Size::H, false) => "u16",
        (Size::W, false) => "u32",
        (Size::DW, false) => "u64",
        (Size::B, true) => "s8",
        (Size::H, true) => "s16",
        (Size::W, true) => "s32",
        (Size::DW, true) => "s64",
    }
}

/// The memory operand `(u32 *)(r1 +4)` without the leading `*`.
struct Mem {
    size: Size,
    signed: bool,
    base: Reg,
    off: i16,
}

impl fmt::Display for Mem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({} *)({} {:+})",
            size_str(self.size, self.signed),
            self.base,
            self.off
        )
    }
}

impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                let p = prefix(width);
                write!(f, "{p}{} {} ", dst.index(), alu_op_str(op))?;
                match src {
                    Operand::Reg(s) => write!(f, "{p}{}", s.index()),
                    Operand::Imm(imm) => write!(f, "{imm}"),
                }
            }
            Insn::Neg { width, dst } => {
                let p = prefix(width);
                write!(f, "{p}{0} = -{p}{0}", dst.index())
            }
            Insn::Mov { width, dst, src } => {
                let p = prefix(width);
                match src {
                    Operand::Reg(s) => write!(f, "{p}{} = {p}{}", dst.index(), s.index()),
                    Operand::Imm(imm) => write!(f, "{p}{} = {imm}", dst.index()),
                }
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from_bits,
            } => {
                let p = prefix(width);
                write!(f, "{p}{} = (s{from_bits}){p}{}", dst.index(), src.index())
            }
            Insn::End { kind, dst, bits } => {
                let name = match kind {
                    Endian::Le => "le",
                    Endian::Be => "be",
                    Endian::Swap => "bswap",
                };
                write!(f, "{dst} = {name}{bits} {dst}")
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            } => {
                let p = prefix(width);
                write!(f, "if {p}{} {} ", dst.index(), cond_str(cond))?;
                match src {
                    Operand::Reg(s) => write!(f, "{p}{}", s.index())?,
                    Operand::Imm(imm) => write!(f, "{:#x}", imm as u32)?,
                }
                write!(f, " goto pc{off:+}")
            }
            Insn::Ja { off } => write!(f, "goto pc{off:+}"),
            Insn::Gotol { imm } => write!(f, "gotol pc{imm:+}"),
            Insn::Call(CallTarget::Helper(id)) => {
                write!(f, "call {}#{id}", helper_name(id).unwrap_or("unknown"))
            }
            Insn::Call(CallTarget::Local(rel)) => write!(f, "call pc{rel:+}"),
            Insn::Call(CallTarget::Kfunc { btf_id, off }) => {
                write!(f, "call kernel-function#{btf_id}")?;
                if off != 0 {
                    write!(f, "@{off}")?;
                }
                Ok(())
            }
            Insn::Callx { dst } => write!(f, "callx {dst}"),
            Insn::Exit => f.write_str("exit"),
            Insn::LdImm64 { dst, src } => {
                write!(f, "{dst} = ")?;
                match src {
                    LdImm64::Imm(v) => write!(f, "{v:#x}"),
                    LdImm64::MapFd(fd) => write!(f, "map[fd:{fd}]"),
                    LdImm64::MapValue { fd, off } => write!(f, "map[fd:{fd}][0]+{off}"),
                    LdImm64::BtfId(id) => write!(f, "btf[id:{id}]"),
                    LdImm64::Func(rel) => write!(f, "subprog[{rel:+}]"),
                    LdImm64::MapIdx(idx) => write!(f, "map[idx:{idx}]"),
                    LdImm64::MapIdxValue { idx, off } => write!(f, "map[idx:{idx}][0]+{off}"),
                }
            }
            Insn::Load {
                size,
                signed,
                dst,
                base,
                off,
            } => {
                let mem = Mem {
                    size,
                    signed,
                    base,
                    off,
                };
                write!(f, "{dst} = *{mem}")
            }
            Insn::Store {
                size,
                base,
                off,
                src,
            } => {
                let mem = Mem {
                    size,
                    signed: false,
                    base,
                    off,
                };
                match src {
                    Operand::Reg(s) => write!(f, "*{mem} = {s}"),
                    Operand::Imm(imm) => write!(f, "*{mem} = {imm}"),
                }
            }
            Insn::Atomic {
                size,
                op,
                base,
                off,
                src,
            } => {
                let mem = Mem {
                    size,
                    signed: false,
                    base,
                    off,
                };
                let bits = if size == Size::DW { "64" } else { "" };
                let (name, assign, fetch) = match op {
                    AtomicOp::Add { fetch } => ("add", "+=", fetch),
                    AtomicOp::Or { fetch } => ("or", "|=", fetch),
                    AtomicOp::And { fetch } => ("and", "&=", fetch),
                    AtomicOp::Xor { fetch } => ("xor", "^=", fetch),
                    AtomicOp::Xchg => return write!(f, "{src} = atomic{bits}_xchg({mem}, {src})"),
                    AtomicOp::Cmpxchg => {
                        return write!(f, "r0 = atomic{bits}_cmpxchg({mem}, r0, {src})")
                    }
                };
                if fetch {
                    write!(f, "{src} = atomic{bits}_fetch_{name}({mem}, {src})")
                } else {
                    write!(f, "lock *{mem} {assign} {src}")
                }
            }
            Insn::LoadPacket { size, index, imm } => {
                let ty = size_str(size, false);
                match index {
                    None => write!(f, "r0 = *({ty} *)skb[{imm}]"),
                    Some(reg) => write!(f, "r0 = *({ty} *)skb[{reg} + {imm}]"),
                }
            }
        }
    }
}

/// The listing of a program as the verifier log numbers it: one `N: (op) text` line per
/// instruction, `N` its first slot (so the instruction after an `ld_imm64` is numbered two
/// higher), `op` the opcode byte in hex.
pub fn disasm_program(insns: &[Insn]) -> String {
    let mut out = String::new();
    let mut slot = 0;
    for insn in insns {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{slot}: ({:02x}) {insn}", insn.opcode());
        slot += insn.slots();
    }
    out
}
