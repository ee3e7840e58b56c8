//! The binary encoding of eBPF instructions (RFC 9669 §3–§5): 8-byte little-endian slots, the
//! 16-byte `ld_imm64` taking two.
//!
//! A slot holds `opcode:8 dst:4 src:4 off:16 imm:32`, registers in the low (dst) and high (src)
//! nibble of byte 1. The opcode's low three bits are the class; for ALU and jump classes bit 3
//! selects the `K` (immediate) or `X` (register) source and the high nibble the operation; for
//! load and store classes bits 3–4 are the size and the high three bits the mode.
//!
//! [`decode`] accepts exactly the encodings that [`encode`] produces: every field an instruction
//! does not use must be zero, so `decode(encode(p)) == p` for every program of valid instructions
//! and `encode(decode(b)) == b` for every byte string that decodes.

use super::insn::{
    AluOp, AtomicOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width,
};
use std::fmt;
use thiserror::Error;

/// Opcode field values (RFC 9669 §3–§5), named as in the kernel's uapi headers.
mod code {
    pub const LD: u8 = 0x00;
    pub const LDX: u8 = 0x01;
    pub const ST: u8 = 0x02;
    pub const STX: u8 = 0x03;
    pub const ALU: u8 = 0x04;
    pub const JMP: u8 = 0x05;
    pub const JMP32: u8 = 0x06;
    pub const ALU64: u8 = 0x07;

    pub const K: u8 = 0x00;
    pub const X: u8 = 0x08;

    pub const ADD: u8 = 0x00;
    pub const SUB: u8 = 0x10;
    pub const MUL: u8 = 0x20;
    pub const DIV: u8 = 0x30;
    pub const OR: u8 = 0x40;
    pub const AND: u8 = 0x50;
    pub const LSH: u8 = 0x60;
    pub const RSH: u8 = 0x70;
    pub const NEG: u8 = 0x80;
    pub const MOD: u8 = 0x90;
    pub const XOR: u8 = 0xa0;
    pub const MOV: u8 = 0xb0;
    pub const ARSH: u8 = 0xc0;
    pub const END: u8 = 0xd0;

    pub const JA: u8 = 0x00;
    pub const JEQ: u8 = 0x10;
    pub const JGT: u8 = 0x20;
    pub const JGE: u8 = 0x30;
    pub const JSET: u8 = 0x40;
    pub const JNE: u8 = 0x50;
    pub const JSGT: u8 = 0x60;
    pub const JSGE: u8 = 0x70;
    pub const CALL: u8 = 0x80;
    pub const EXIT: u8 = 0x90;
    pub const JLT: u8 = 0xa0;
    pub const JLE: u8 = 0xb0;
    pub const JSLT: u8 = 0xc0;
    pub const JSLE: u8 = 0xd0;

    pub const W: u8 = 0x00;
    pub const H: u8 = 0x08;
    pub const B: u8 = 0x10;
    pub const DW: u8 = 0x18;

    pub const IMM: u8 = 0x00;
    pub const ABS: u8 = 0x20;
    pub const IND: u8 = 0x40;
    pub const MEM: u8 = 0x60;
    pub const MEMSX: u8 = 0x80;
    pub const ATOMIC: u8 = 0xc0;

    /// The `imm` of atomic instructions: operation, with this bit for "fetch".
    pub const FETCH: i32 = 0x01;
    pub const XCHG: i32 = 0xe0 | FETCH;
    pub const CMPXCHG: i32 = 0xf0 | FETCH;
}

/// One 8-byte instruction slot with its fields split out, before any validation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawInsn {
    /// The opcode byte.
    pub code: u8,
    /// Destination register field (4 bits).
    pub dst: u8,
    /// Source register field (4 bits).
    pub src: u8,
    /// Signed 16-bit offset.
    pub off: i16,
    /// Signed 32-bit immediate.
    pub imm: i32,
}

impl RawInsn {
    /// Splits a little-endian slot into its fields.
    pub fn from_bytes(b: [u8; 8]) -> RawInsn {
        RawInsn {
            code: b[0],
            dst: b[1] & 0x0f,
            src: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    /// The little-endian slot. Register fields are truncated to their 4 bits.
    pub fn to_bytes(self) -> [u8; 8] {
        let off = self.off.to_le_bytes();
        let imm = self.imm.to_le_bytes();
        [
            self.code,
            (self.dst & 0x0f) | (self.src << 4),
            off[0],
            off[1],
            imm[0],
            imm[1],
            imm[2],
            imm[3],
        ]
    }
}

/// A field of an instruction slot, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotField {
    /// The opcode byte (only for the second slot of `ld_imm64`, which must be 0).
    Opcode,
    /// The destination register field.
    Dst,
    /// The source register field.
    Src,
    /// The 16-bit offset.
    Off,
    /// The 32-bit immediate.
    Imm,
}

impl fmt::Display for SlotField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SlotField::Opcode => "opcode",
            SlotField::Dst => "dst",
            SlotField::Src => "src",
            SlotField::Off => "off",
            SlotField::Imm => "imm",
        })
    }
}

/// Why a slot does not decode.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DecodeErrorKind {
    /// The input ends inside a slot.
    #[error("truncated: the input is {len} bytes, not a multiple of 8")]
    Truncated {
        /// Input length in bytes.
        len: usize,
    },
    /// The opcode byte names no instruction.
    #[error("unknown opcode {opcode:#04x}")]
    UnknownOpcode {
        /// The opcode byte.
        opcode: u8,
    },
    /// A register field is 11 or more.
    #[error("opcode {opcode:#04x}: bad {field} register r{reg} (registers are r0 to r10)")]
    BadRegister {
        /// The opcode byte.
        opcode: u8,
        /// `Dst` or `Src`.
        field: SlotField,
        /// The field's value.
        reg: u8,
    },
    /// A field the instruction does not use is not zero.
    #[error("opcode {opcode:#04x}: reserved field {field} must be 0, found {value}")]
    Reserved {
        /// The opcode byte.
        opcode: u8,
        /// Which field.
        field: SlotField,
        /// Its value.
        value: i64,
    },
    /// `ld_imm64` is the last slot.
    #[error("ld_imm64 is missing its second slot")]
    MissingLdImm64Half,
    /// The second slot of `ld_imm64` has a nonzero field other than a used `imm`.
    #[error("malformed ld_imm64 second slot: {field} must be 0, found {}", show(*.field, *.value))]
    BadLdImm64Half {
        /// Which field of the second slot.
        field: SlotField,
        /// Its value.
        value: i64,
    },
    /// `ld_imm64` source field outside 0..=6.
    #[error("ld_imm64: unknown pseudo source {src} (expected 0 to 6)")]
    BadLdImm64Source {
        /// The src field.
        src: u8,
    },
    /// `call` source field outside 0..=2.
    #[error("call: unknown source {src} (expected 0 helper, 1 local, 2 kfunc)")]
    BadCallSource {
        /// The src field.
        src: u8,
    },
    /// END with an immediate other than 16, 32 or 64.
    #[error("opcode {opcode:#04x}: invalid byte-swap size {imm} (expected 16, 32 or 64)")]
    BadEndSize {
        /// The opcode byte.
        opcode: u8,
        /// The imm field.
        imm: i32,
    },
    /// An `off` that selects a variant (sdiv/smod, movsx) has an undefined value.
    #[error("opcode {opcode:#04x}: invalid offset {off} ({expected})")]
    BadOffset {
        /// The opcode byte.
        opcode: u8,
        /// The off field.
        off: i16,
        /// What the offset may be.
        expected: &'static str,
    },
    /// Atomic with an `imm` naming no operation.
    #[error("opcode {opcode:#04x}: unknown atomic operation imm={imm:#x}")]
    BadAtomicOp {
        /// The opcode byte.
        opcode: u8,
        /// The imm field.
        imm: i32,
    },
}

/// A field value as a message shows it: the opcode in hex, others in decimal.
fn show(field: SlotField, value: i64) -> String {
    match field {
        SlotField::Opcode => format!("{value:#04x}"),
        _ => value.to_string(),
    }
}

/// A decoding failure, at the slot (instruction index as the kernel counts it) where it occurs.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("insn {slot}: {kind}")]
pub struct DecodeError {
    /// Index of the offending 8-byte slot.
    pub slot: usize,
    /// What is wrong.
    pub kind: DecodeErrorKind,
}

/// Decodes a program: little-endian 8-byte slots, `ld_imm64` taking two.
pub fn decode(bytes: &[u8]) -> Result<Vec<Insn>, DecodeError> {
    let slots: Vec<RawInsn> = bytes
        .chunks(8)
        .map(|c| <[u8; 8]>::try_from(c).map(RawInsn::from_bytes))
        .collect::<Result<_, _>>()
        .map_err(|_| DecodeError {
            slot: bytes.len() / 8,
            kind: DecodeErrorKind::Truncated { len: bytes.len() },
        })?;
    let mut insns = Vec::with_capacity(slots.len());
    let mut slot = 0;
    while slot < slots.len() {
        let insn = decode_slot(slots[slot], slots.get(slot + 1).copied())
            .map_err(|kind| DecodeError { slot, kind })?;
        slot += insn.slots();
        insns.push(insn);
    }
    Ok(insns)
}

/// Decodes one instruction from its slot and, for `ld_imm64`, the slot after it.
pub fn decode_slot(raw: RawInsn, next: Option<RawInsn>) -> Result<Insn, DecodeErrorKind> {
    let class = raw.code & 0x07;
    match class {
        code::ALU | code::ALU64 => decode_alu(raw),
        code::JMP | code::JMP32 => decode_jmp(raw),
        code::LD => decode_ld(raw, next),
        code::LDX => decode_ldx(raw),
        code::ST => decode_st(raw),
        _ => decode_stx(raw),
    }
}

/// Checks for one instruction: the reserved fields and the register fields.
struct Fields {
    raw: RawInsn,
}

impl Fields {
    fn unknown(&self) -> DecodeErrorKind {
        DecodeErrorKind::UnknownOpcode {
            opcode: self.raw.code,
        }
    }

    fn value(&self, field: SlotField) -> i64 {
        match field {
            SlotField::Opcode => i64::from(self.raw.code),
            SlotField::Dst => i64::from(self.raw.dst),
            SlotField::Src => i64::from(self.raw.src),
            SlotField::Off => i64::from(self.raw.off),
            SlotField::Imm => i64::from(self.raw.imm),
        }
    }

    /// The error for a reserved `field` that is not zero.
    fn reserved(&self, field: SlotField) -> DecodeErrorKind {
        DecodeErrorKind::Reserved {
            opcode: self.raw.code,
            field,
            value: self.value(field),
        }
    }

    /// Requires each listed field to be zero.
    fn zero(&self, fields: &[SlotField]) -> Result<(), DecodeErrorKind> {
        match fields.iter().find(|&&field| self.value(field) != 0) {
            Some(&field) => Err(self.reserved(field)),
            None => Ok(()),
        }
    }

    fn reg(&self, field: SlotField) -> Result<Reg, DecodeErrorKind> {
        let n = if field == SlotField::Src {
            self.raw.src
        } else {
            self.raw.dst
        };
        Reg::new(n).ok_or(DecodeErrorKind::BadRegister {
            opcode: self.raw.code,
            field,
            reg: n,
        })
    }

    fn dst(&self) -> Result<Reg, DecodeErrorKind> {
        self.reg(SlotField::Dst)
    }

    fn src(&self) -> Result<Reg, DecodeErrorKind> {
        self.reg(SlotField::Src)
    }

    /// The second operand: register for `X`, immediate for `K` (whose src must then be 0; an
    /// `X` form's imm must be 0).
    fn operand(&self) -> Result<Operand, DecodeErrorKind> {
        if self.raw.code & code::X != 0 {
            self.zero(&[SlotField::Imm])?;
            Ok(Operand::Reg(self.src()?))
        } else {
            self.zero(&[SlotField::Src])?;
            Ok(Operand::Imm(self.raw.imm))
        }
    }

    fn bad_off(&self, expected: &'static str) -> DecodeErrorKind {
        DecodeErrorKind::BadOffset {
            opcode: self.raw.code,
            off: self.raw.off,
            expected,
        }
    }
}

fn width_of(class: u8, w32: u8) -> Width {
    if class == w32 {
        Width::W32
    } else {
        Width::W64
    }
}

fn decode_alu(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    let width = width_of(raw.code & 0x07, code::ALU);
    let is_x = raw.code & code::X != 0;
    let op = match raw.code & 0xf0 {
        code::ADD => AluOp::Add,
        code::SUB => AluOp::Sub,
        code::MUL => AluOp::Mul,
        code::OR => AluOp::Or,
        code::AND => AluOp::And,
        code::LSH => AluOp::Lsh,
        code::RSH => AluOp::Rsh,
        code::XOR => AluOp::Xor,
        code::ARSH => AluOp::Arsh,
        code::DIV | code::MOD => {
            let signed = match raw.off {
                0 => false,
                1 => true,
                _ => return Err(f.bad_off("0 for unsigned, 1 for signed division")),
            };
            match (raw.code & 0xf0 == code::DIV, signed) {
                (true, false) => AluOp::Div,
                (true, true) => AluOp::Sdiv,
                (false, false) => AluOp::Mod,
                (false, true) => AluOp::Smod,
            }
        }
        code::NEG => {
            if is_x {
                return Err(f.unknown());
            }
            f.zero(&[SlotField::Src, SlotField::Off, SlotField::Imm])?;
            return Ok(Insn::Neg {
                width,
                dst: f.dst()?,
            });
        }
        code::MOV => {
            let src = f.operand()?;
            return match (src, raw.off, width) {
                (src, 0, _) => Ok(Insn::Mov {
                    width,
                    dst: f.dst()?,
                    src,
                }),
                (Operand::Reg(src), 8 | 16, _) | (Operand::Reg(src), 32, Width::W64) => {
                    Ok(Insn::MovSx {
                        width,
                        dst: f.dst()?,
                        src,
                        from_bits: raw.off as u8,
                    })
                }
                (Operand::Reg(_), _, Width::W64) => Err(f.bad_off("movsx: 0, 8, 16 or 32")),
                (Operand::Reg(_), _, Width::W32) => Err(f.bad_off("movsx: 0, 8 or 16")),
                (Operand::Imm(_), _, _) => Err(f.reserved(SlotField::Off)),
            };
        }
        code::END => {
            let kind = match (width, is_x) {
                (Width::W32, false) => Endian::Le,
                (Width::W32, true) => Endian::Be,
                (Width::W64, false) => Endian::Swap,
                (Width::W64, true) => return Err(f.unknown()),
            };
            f.zero(&[SlotField::Src, SlotField::Off])?;
            let bits = match raw.imm {
                16 => 16,
                32 => 32,
                64 => 64,
                imm => {
                    return Err(DecodeErrorKind::BadEndSize {
                        opcode: raw.code,
                        imm,
                    })
                }
            };
            return Ok(Insn::End {
                kind,
                dst: f.dst()?,
                bits,
            });
        }
        _ => return Err(f.unknown()),
    };
    if !matches!(op, AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod) {
        f.zero(&[SlotField::Off])?;
    }
    let src = f.operand()?;
    Ok(Insn::Alu {
        width,
        op,
        dst: f.dst()?,
        src,
    })
}

fn decode_jmp(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    let class = raw.code & 0x07;
    let width = width_of(class, code::JMP32);
    let is_x = raw.code & code::X != 0;
    let cond = match raw.code & 0xf0 {
        code::JEQ => Cond::Eq,
        code::JGT => Cond::Gt,
        code::JGE => Cond::Ge,
        code::JSET => Cond::Set,
        code::JNE => Cond::Ne,
        code::JSGT => Cond::Sgt,
        code::JSGE => Cond::Sge,
        code::JLT => Cond::Lt,
        code::JLE => Cond::Le,
        code::JSLT => Cond::Slt,
        code::JSLE => Cond::Sle,
        code::JA if !is_x => {
            return if class == code::JMP {
                f.zero(&[SlotField::Dst, SlotField::Src, SlotField::Imm])?;
                Ok(Insn::Ja { off: raw.off })
            } else {
                f.zero(&[SlotField::Dst, SlotField::Src, SlotField::Off])?;
                Ok(Insn::Gotol { imm: raw.imm })
            };
        }
        code::CALL if class == code::JMP => {
            if is_x {
                f.zero(&[SlotField::Src, SlotField::Off, SlotField::Imm])?;
                return Ok(Insn::Callx { dst: f.dst()? });
            }
            f.zero(&[SlotField::Dst])?;
            let target = match raw.src {
                0 => CallTarget::Helper(raw.imm),
                1 => CallTarget::Local(raw.imm),
                2 => CallTarget::Kfunc {
                    btf_id: raw.imm,
                    off: raw.off,
                },
                src => return Err(DecodeErrorKind::BadCallSource { src }),
            };
            if raw.src != 2 {
                f.zero(&[SlotField::Off])?;
            }
            return Ok(Insn::Call(target));
        }
        code::EXIT if class == code::JMP && !is_x => {
            f.zero(&[
                SlotField::Dst,
                SlotField::Src,
                SlotField::Off,
                SlotField::Imm,
            ])?;
            return Ok(Insn::Exit);
        }
        _ => return Err(f.unknown()),
    };
    let src = f.operand()?;
    Ok(Insn::Jump {
        width,
        cond,
        dst: f.dst()?,
        src,
        off: raw.off,
    })
}

fn size_of(code: u8) -> Size {
    match code & 0x18 {
        code::W => Size::W,
        code::H => Size::H,
        code::B => Size::B,
        _ => Size::DW,
    }
}

fn decode_ld(raw: RawInsn, next: Option<RawInsn>) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    let size = size_of(raw.code);
    match (raw.code & 0xe0, size) {
        (code::IMM, Size::DW) => {
            f.zero(&[SlotField::Off])?;
            let next = next.ok_or(DecodeErrorKind::MissingLdImm64Half)?;
            let half = |field: SlotField, value: i64| {
                if value == 0 {
                    Ok(())
                } else {
                    Err(DecodeErrorKind::BadLdImm64Half { field, value })
                }
            };
            half(SlotField::Opcode, i64::from(next.code))?;
            half(SlotField::Dst, i64::from(next.dst))?;
            half(SlotField::Src, i64::from(next.src))?;
            half(SlotField::Off, i64::from(next.off))?;
            let lo = raw.imm;
            let hi = next.imm;
            let src = match raw.src {
                0 => LdImm64::Imm(u64::from(lo as u32) | u64::from(hi as u32) << 32),
                2 => LdImm64::MapValue {
                    fd: lo,
                    off: hi as u32,
                },
                6 => LdImm64::MapIdxValue {
                    idx: lo,
                    off: hi as u32,
                },
                1 | 3 | 4 | 5 => {
                    half(SlotField::Imm, i64::from(hi))?;
                    match raw.src {
                        1 => LdImm64::MapFd(lo),
                        3 => LdImm64::BtfId(lo),
                        4 => LdImm64::Func(lo),
                        _ => LdImm64::MapIdx(lo),
                    }
                }
                src => return Err(DecodeErrorKind::BadLdImm64Source { src }),
            };
            Ok(Insn::LdImm64 { dst: f.dst()?, src })
        }
        (code::ABS, Size::B | Size::H | Size::W) => {
            f.zero(&[SlotField::Dst, SlotField::Src, SlotField::Off])?;
            Ok(Insn::LoadPacket {
                size,
                index: None,
                imm: raw.imm,
            })
        }
        (code::IND, Size::B | Size::H | Size::W) => {
            f.zero(&[SlotField::Dst, SlotField::Off])?;
            Ok(Insn::LoadPacket {
                size,
                index: Some(f.src()?),
                imm: raw.imm,
            })
        }
        _ => Err(f.unknown()),
    }
}

fn decode_ldx(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    let size = size_of(raw.code);
    let signed = match (raw.code & 0xe0, size) {
        (code::MEM, _) => false,
        (code::MEMSX, Size::B | Size::H | Size::W) => true,
        _ => return Err(f.unknown()),
    };
    f.zero(&[SlotField::Imm])?;
    Ok(Insn::Load {
        size,
        signed,
        dst: f.dst()?,
        base: f.src()?,
        off: raw.off,
    })
}

fn decode_st(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    if raw.code & 0xe0 != code::MEM {
        return Err(f.unknown());
    }
    f.zero(&[SlotField::Src])?;
    Ok(Insn::Store {
        size: size_of(raw.code),
        base: f.dst()?,
        off: raw.off,
        src: Operand::Imm(raw.imm),
    })
}

fn decode_stx(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let f = Fields { raw };
    let size = size_of(raw.code);
    match (raw.code & 0xe0, size) {
        (code::MEM, _) => {
            f.zero(&[SlotField::Imm])?;
            Ok(Insn::Store {
                size,
                base: f.dst()?,
                off: raw.off,
                src: Operand::Reg(f.src()?),
            })
        }
        (code::ATOMIC, Size::W | Size::DW) => {
            let fetch = raw.imm & code::FETCH != 0;
            let op = match raw.imm {
                code::XCHG => AtomicOp::Xchg,
                code::CMPXCHG => AtomicOp::Cmpxchg,
                imm => match imm & !code::FETCH {
                    0x00 => AtomicOp::Add { fetch },
                    0x40 => AtomicOp::Or { fetch },
                    0x50 => AtomicOp::And { fetch },
                    0xa0 => AtomicOp::Xor { fetch },
                    _ => {
                        return Err(DecodeErrorKind::BadAtomicOp {
                            opcode: raw.code,
                            imm,
                        })
                    }
                },
            };
            Ok(Insn::Atomic {
                size,
                op,
                base: f.dst()?,
                off: raw.off,
                src: f.src()?,
            })
        }
        _ => Err(f.unknown()),
    }
}

fn size_bits(size: Size) -> u8 {
    match size {
        Size::W => code::W,
        Size::H => code::H,
        Size::B => code::B,
        Size::DW => code::DW,
    }
}

fn alu_class(width: Width) -> u8 {
    match width {
        Width::W32 => code::ALU,
        Width::W64 => code::ALU64,
    }
}

/// `(source bit, src field, imm field)` of an operand.
fn operand_fields(src: Operand) -> (u8, u8, i32) {
    match src {
        Operand::Reg(r) => (code::X, r.index(), 0),
        Operand::Imm(imm) => (code::K, 0, imm),
    }
}

impl Insn {
    /// The instruction's slots: the first, and for `ld_imm64` the second.
    ///
    /// Instructions outside the encodable set (see [`Insn::is_encodable`]) are still encoded
    /// field by field; their encoding does not decode.
    pub fn to_raw(&self) -> (RawInsn, Option<RawInsn>) {
        let r = |code: u8, dst: u8, src: u8, off: i16, imm: i32| RawInsn {
            code,
            dst,
            src,
            off,
            imm,
        };
        let one = match *self {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                let (op, off) = match op {
                    AluOp::Add => (code::ADD, 0),
                    AluOp::Sub => (code::SUB, 0),
                    AluOp::Mul => (code::MUL, 0),
                    AluOp::Div => (code::DIV, 0),
                    AluOp::Sdiv => (code::DIV, 1),
                    AluOp::Or => (code::OR, 0),
                    AluOp::And => (code::AND, 0),
                    AluOp::Lsh => (code::LSH, 0),
                    AluOp::Rsh => (code::RSH, 0),
                    AluOp::Mod => (code::MOD, 0),
                    AluOp::Smod => (code::MOD, 1),
                    AluOp::Xor => (code::XOR, 0),
                    AluOp::Arsh => (code::ARSH, 0),
                };
                let (x, s, imm) = operand_fields(src);
                r(alu_class(width) | op | x, dst.index(), s, off, imm)
            }
            Insn::Neg { width, dst } => r(alu_class(width) | code::NEG, dst.index(), 0, 0, 0),
            Insn::Mov { width, dst, src } => {
                let (x, s, imm) = operand_fields(src);
                r(alu_class(width) | code::MOV | x, dst.index(), s, 0, imm)
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from_bits,
            } => r(
                alu_class(width) | code::MOV | code::X,
                dst.index(),
                src.index(),
                i16::from(from_bits),
                0,
            ),
            Insn::End { kind, dst, bits } => {
                let class = match kind {
                    Endian::Le => code::ALU | code::K,
                    Endian::Be => code::ALU | code::X,
                    Endian::Swap => code::ALU64 | code::K,
                };
                r(class | code::END, dst.index(), 0, 0, i32::from(bits))
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            } => {
                let class = match width {
                    Width::W32 => code::JMP32,
                    Width::W64 => code::JMP,
                };
                let op = match cond {
                    Cond::Eq => code::JEQ,
                    Cond::Gt => code::JGT,
                    Cond::Ge => code::JGE,
                    Cond::Set => code::JSET,
                    Cond::Ne => code::JNE,
                    Cond::Sgt => code::JSGT,
                    Cond::Sge => code::JSGE,
                    Cond::Lt => code::JLT,
                    Cond::Le => code::JLE,
                    Cond::Slt => code::JSLT,
                    Cond::Sle => code::JSLE,
                };
                let (x, s, imm) = operand_fields(src);
                r(class | op | x, dst.index(), s, off, imm)
            }
            Insn::Ja { off } => r(code::JMP | code::JA, 0, 0, off, 0),
            Insn::Gotol { imm } => r(code::JMP32 | code::JA, 0, 0, 0, imm),
            Insn::Call(target) => {
                let (src, off, imm) = match target {
                    CallTarget::Helper(id) => (0, 0, id),
                    CallTarget::Local(rel) => (1, 0, rel),
                    CallTarget::Kfunc { btf_id, off } => (2, off, btf_id),
                };
                r(code::JMP | code::CALL, 0, src, off, imm)
            }
            Insn::Callx { dst } => r(code::JMP | code::CALL | code::X, dst.index(), 0, 0, 0),
            Insn::Exit => r(code::JMP | code::EXIT, 0, 0, 0, 0),
            Insn::LdImm64 { dst, src } => {
                let (pseudo, lo, hi) = match src {
                    LdImm64::Imm(v) => (0, v as u32 as i32, (v >> 32) as u32 as i32),
                    LdImm64::MapFd(fd) => (1, fd, 0),
                    LdImm64::MapValue { fd, off } => (2, fd, off as i32),
                    LdImm64::BtfId(id) => (3, id, 0),
                    LdImm64::Func(rel) => (4, rel, 0),
                    LdImm64::MapIdx(idx) => (5, idx, 0),
                    LdImm64::MapIdxValue { idx, off } => (6, idx, off as i32),
                };
                let first = r(code::LD | code::IMM | code::DW, dst.index(), pseudo, 0, lo);
                return (first, Some(r(0, 0, 0, 0, hi)));
            }
            Insn::Load {
                size,
                signed,
                dst,
                base,
                off,
            } => {
                let mode = if signed { code::MEMSX } else { code::MEM };
                r(
                    code::LDX | mode | size_bits(size),
                    dst.index(),
                    base.index(),
                    off,
                    0,
                )
            }
            Insn::Store {
                size,
                base,
                off,
                src,
            } => match src {
                Operand::Reg(s) => r(
                    code::STX | code::MEM | size_bits(size),
                    base.index(),
                    s.index(),
                    off,
                    0,
                ),
                Operand::Imm(imm) => r(
                    code::ST | code::MEM | size_bits(size),
                    base.index(),
                    0,
                    off,
                    imm,
                ),
            },
            Insn::Atomic {
                size,
                op,
                base,
                off,
                src,
            } => {
                let fetch = |f: bool| if f { code::FETCH } else { 0 };
                let imm = match op {
                    AtomicOp::Add { fetch: f } => fetch(f),
                    AtomicOp::Or { fetch: f } => 0x40 | fetch(f),
                    AtomicOp::And { fetch: f } => 0x50 | fetch(f),
                    AtomicOp::Xor { fetch: f } => 0xa0 | fetch(f),
                    AtomicOp::Xchg => code::XCHG,
                    AtomicOp::Cmpxchg => code::CMPXCHG,
                };
                r(
                    code::STX | code::ATOMIC | size_bits(size),
                    base.index(),
                    src.index(),
                    off,
                    imm,
                )
            }
            Insn::LoadPacket { size, index, imm } => {
                let (mode, src) = match index {
                    None => (code::ABS, 0),
                    Some(reg) => (code::IND, reg.index()),
                };
                r(code::LD | mode | size_bits(size), 0, src, 0, imm)
            }
        };
        (one, None)
    }

    /// The opcode byte, as the verifier log prints it in `(0f)`.
    pub fn opcode(&self) -> u8 {
        self.to_raw().0.code
    }

    /// Whether the instruction has an encoding: the field combinations the types allow but the
    /// ISA does not are `movsx` from other than 8/16 bits (or 32 at 64-bit width), byte swaps of
    /// other than 16/32/64 bits, sign-extending 8-byte loads, atomics of less than a word, and
    /// 8-byte legacy packet loads.
    pub fn is_encodable(&self) -> bool {
        match *self {
            Insn::MovSx {
                width, from_bits, ..
            } => matches!((from_bits, width), (8 | 16, _) | (32, Width::W64)),
            Insn::End { bits, .. } => matches!(bits, 16 | 32 | 64),
            Insn::Load { size, signed, .. } => !(signed && size == Size::DW),
            Insn::Atomic { size, .. } => matches!(size, Size::W | Size::DW),
            Insn::LoadPacket { size, .. } => size != Size::DW,
            _ => true,
        }
    }
}

/// Encodes a program into little-endian 8-byte slots (`ld_imm64` takes two).
pub fn encode(insns: &[Insn]) -> Vec<u8> {
    let mut out = Vec::with_capacity(insns.len() * 8);
    for insn in insns {
        let (first, second) = insn.to_raw();
        out.extend_from_slice(&first.to_bytes());
        if let Some(second) = second {
            out.extend_from_slice(&second.to_bytes());
        }
    }
    out
}
