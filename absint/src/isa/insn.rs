//! The decoded form of an eBPF instruction (RFC 9669, ISA v1–v4).
//!
//! Each variant holds exactly the fields that its encoding carries, so that decoding a valid
//! encoding and encoding the result gives back the same bytes. Fields an encoding reserves (which
//! must be zero) are not represented: the decoder rejects encodings that set them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A register, r0 to r10. r10 is the read-only frame pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reg(u8);

impl Reg {
    /// The frame pointer, r10.
    pub const FP: Reg = Reg(10);
    /// The return-value register, r0.
    pub const R0: Reg = Reg(0);
    /// Register `n`, or `None` when `n > 10`.
    pub const fn new(n: u8) -> Option<Reg> {
        if n <= 10 {
            Some(Reg(n))
        } else {
            None
        }
    }
    /// The register's number.
    pub const fn index(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// The width an ALU or jump instruction operates at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Width {
    /// 32-bit: class ALU (result zero-extended) or JMP32 (compares the low halves).
    W32,
    /// 64-bit: class ALU64 or JMP.
    W64,
}

impl Width {
    /// The number of bits.
    pub const fn bits(self) -> u32 {
        match self {
            Width::W32 => 32,
            Width::W64 => 64,
        }
    }
}

/// The second operand of an ALU or jump instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operand {
    /// Source register (the `X` form).
    Reg(Reg),
    /// The 32-bit immediate (the `K` form); it is sign-extended to 64 bits when used.
    Imm(i32),
}

/// Binary ALU operations (everything of the ALU classes but neg, mov, movsx and end).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AluOp {
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=`, unsigned; by zero gives 0.
    Div,
    /// `s/=` (v4), signed; by zero gives 0.
    Sdiv,
    /// `|=`
    Or,
    /// `&=`
    And,
    /// `<<=`, amount masked to the width.
    Lsh,
    /// `>>=`, logical, amount masked to the width.
    Rsh,
    /// `%=`, unsigned; by zero leaves the destination unchanged.
    Mod,
    /// `s%=` (v4), signed; by zero leaves the destination unchanged.
    Smod,
    /// `^=`
    Xor,
    /// `s>>=`, arithmetic, amount masked to the width.
    Arsh,
}

impl AluOp {
    /// Every binary ALU operation.
    pub const ALL: [AluOp; 13] = [
        AluOp::Add,
        AluOp::Sub,
        AluOp::Mul,
        AluOp::Div,
        AluOp::Sdiv,
        AluOp::Or,
        AluOp::And,
        AluOp::Lsh,
        AluOp::Rsh,
        AluOp::Mod,
        AluOp::Smod,
        AluOp::Xor,
        AluOp::Arsh,
    ];
}

/// The byte-order operations of the END opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Endian {
    /// `le16/32/64` (class ALU, source bit 0): convert to little endian, i.e. truncate on a
    /// little-endian machine.
    Le,
    /// `be16/32/64` (class ALU, source bit 1): byte-swap on a little-endian machine.
    Be,
    /// `bswap16/32/64` (class ALU64, v4): unconditional byte swap.
    Swap,
}

/// Conditions of the conditional jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Cond {
    /// `==`
    Eq,
    /// `>` unsigned
    Gt,
    /// `>=` unsigned
    Ge,
    /// `&` (jset: taken when `dst & src != 0`)
    Set,
    /// `!=`
    Ne,
    /// `s>`
    Sgt,
    /// `s>=`
    Sge,
    /// `<` unsigned
    Lt,
    /// `<=` unsigned
    Le,
    /// `s<`
    Slt,
    /// `s<=`
    Sle,
}

impl Cond {
    /// Every condition.
    pub const ALL: [Cond; 11] = [
        Cond::Eq,
        Cond::Gt,
        Cond::Ge,
        Cond::Set,
        Cond::Ne,
        Cond::Sgt,
        Cond::Sge,
        Cond::Lt,
        Cond::Le,
        Cond::Slt,
        Cond::Sle,
    ];

    /// The condition that holds exactly when `self` does not (for the fall-through branch).
    pub const fn negate(self) -> Option<Cond> {
        Some(match self {
            Cond::Eq => Cond::Ne,
            Cond::Ne => Cond::Eq,
            Cond::Gt => Cond::Le,
            Cond::Le => Cond::Gt,
            Cond::Ge => Cond::Lt,
            Cond::Lt => Cond::Ge,
            Cond::Sgt => Cond::Sle,
            Cond::Sle => Cond::Sgt,
            Cond::Sge => Cond::Slt,
            Cond::Slt => Cond::Sge,
            Cond::Set => return None,
        })
    }

    /// The condition with its operands swapped: `a OP b` iff `b OP' a`.
    pub const fn swap(self) -> Cond {
        match self {
            Cond::Eq | Cond::Ne | Cond::Set => self,
            Cond::Gt => Cond::Lt,
            Cond::Lt => Cond::Gt,
            Cond::Ge => Cond::Le,
            Cond::Le => Cond::Ge,
            Cond::Sgt => Cond::Slt,
            Cond::Slt => Cond::Sgt,
            Cond::Sge => Cond::Sle,
            Cond::Sle => Cond::Sge,
        }
    }
}

/// The target of a `call`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallTarget {
    /// A helper function by number (source 0).
    Helper(i32),
    /// A BPF-to-BPF call, relative instruction offset in `imm` (source 1, `BPF_PSEUDO_CALL`).
    Local(i32),
    /// A kernel function by BTF id (source 2, `BPF_PSEUDO_KFUNC_CALL`); `off` selects the module
    /// BTF (0 for vmlinux).
    Kfunc {
        /// BTF id of the function.
        btf_id: i32,
        /// Index into the program's fd array of the module BTF, or 0.
        off: i16,
    },
}

/// Memory access sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Size {
    /// 1 byte (`u8`)
    B,
    /// 2 bytes (`u16`)
    H,
    /// 4 bytes (`u32`)
    W,
    /// 8 bytes (`u64`)
    DW,
}

impl Size {
    /// Size in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            Size::B => 1,
            Size::H => 2,
            Size::W => 4,
            Size::DW => 8,
        }
    }
}

/// Atomic read-modify-write operations (class STX, mode ATOMIC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AtomicOp {
    /// `lock *(..) += src`, or with `fetch`, `src = atomic_fetch_add(..)`
    Add {
        /// Whether the old value is returned in `src`.
        fetch: bool,
    },
    /// Bitwise or.
    Or {
        /// Whether the old value is returned in `src`.
        fetch: bool,
    },
    /// Bitwise and.
    And {
        /// Whether the old value is returned in `src`.
        fetch: bool,
    },
    /// Bitwise xor.
    Xor {
        /// Whether the old value is returned in `src`.
        fetch: bool,
    },
    /// Exchange: `src = xchg(mem, src)`.
    Xchg,
    /// Compare and exchange: if `mem == r0` then `mem = src`; `r0` gets the old value.
    Cmpxchg,
}

/// The source forms of the 16-byte `ld_imm64` (`BPF_PSEUDO_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LdImm64 {
    /// Source 0: the 64-bit constant `imm | next_imm << 32`.
    Imm(u64),
    /// Source 1: a map by file descriptor.
    MapFd(i32),
    /// Source 2: the address of a map's value: map fd, offset into the value.
    MapValue {
        /// Map file descriptor.
        fd: i32,
        /// Offset into the value (the second instruction's imm).
        off: u32,
    },
    /// Source 3: the address of a kernel variable by BTF id.
    BtfId(i32),
    /// Source 4: the address of a BPF function, relative instruction offset.
    Func(i32),
    /// Source 5: a map by index into the program's fd array.
    MapIdx(i32),
    /// Source 6: the address of a map's value, map by index.
    MapIdxValue {
        /// Index into the fd array.
        idx: i32,
        /// Offset into the value.
        off: u32,
    },
}

/// A decoded instruction. `ld_imm64` occupies two 8-byte slots; everything else one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Insn {
    /// `dst OP= src` at 32 or 64 bits.
    Alu {
        /// Width.
        width: Width,
        /// Operation.
        op: AluOp,
        /// Destination (and first operand).
        dst: Reg,
        /// Second operand.
        src: Operand,
    },
    /// `dst = -dst`.
    Neg {
        /// Width.
        width: Width,
        /// Destination.
        dst: Reg,
    },
    /// `dst = src`.
    Mov {
        /// Width (32-bit zero-extends).
        width: Width,
        /// Destination.
        dst: Reg,
        /// Source.
        src: Operand,
    },
    /// `dst = (s8|s16|s32) src` (v4, register source only).
    MovSx {
        /// Width of the destination (32-bit zero-extends the sign-extended low half).
        width: Width,
        /// Destination.
        dst: Reg,
        /// Source register.
        src: Reg,
        /// Bits sign-extended from: 8, 16 or (64-bit only) 32.
        from_bits: u8,
    },
    /// `dst = le16/be16/bswap16 dst` and the 32/64-bit forms.
    End {
        /// Which byte-order operation.
        kind: Endian,
        /// Destination.
        dst: Reg,
        /// 16, 32 or 64.
        bits: u8,
    },
    /// `if dst OP src goto pc+off`.
    Jump {
        /// JMP (64) or JMP32 (32).
        width: Width,
        /// Condition.
        cond: Cond,
        /// First operand.
        dst: Reg,
        /// Second operand.
        src: Operand,
        /// Offset from the next instruction.
        off: i16,
    },
    /// `goto pc+off` (JMP class, offset in `off`).
    Ja {
        /// Offset from the next instruction.
        off: i16,
    },
    /// `gotol pc+imm` (JMP32 class, v4, offset in `imm`).
    Gotol {
        /// Offset from the next instruction.
        imm: i32,
    },
    /// `call` a helper, a BPF function or a kfunc.
    Call(CallTarget),
    /// `callx dst`: call through a register (JMP | CALL | X).
    Callx {
        /// Register holding the target.
        dst: Reg,
    },
    /// `exit`.
    Exit,
    /// `dst = imm64` in its pseudo-source forms (two slots).
    LdImm64 {
        /// Destination.
        dst: Reg,
        /// The source form and its operands.
        src: LdImm64,
    },
    /// `dst = *(size *)(base + off)`, zero- or sign-extended.
    Load {
        /// Access size.
        size: Size,
        /// Sign-extending load (MEMSX, v4).
        signed: bool,
        /// Destination.
        dst: Reg,
        /// Base address register.
        base: Reg,
        /// Offset.
        off: i16,
    },
    /// `*(size *)(base + off) = src` (STX for a register, ST for an immediate).
    Store {
        /// Access size.
        size: Size,
        /// Base address register.
        base: Reg,
        /// Offset.
        off: i16,
        /// Value stored.
        src: Operand,
    },
    /// Atomic read-modify-write of a word or double word.
    Atomic {
        /// W or DW.
        size: Size,
        /// Operation.
        op: AtomicOp,
        /// Base address register.
        base: Reg,
        /// Offset.
        off: i16,
        /// Operand register (and, with fetch, destination of the old value).
        src: Reg,
    },
    /// Legacy packet load `r0 = *(size *)skb[imm]` (ABS) or `skb[src + imm]` (IND).
    LoadPacket {
        /// B, H or W.
        size: Size,
        /// `None` for ABS; the index register for IND.
        index: Option<Reg>,
        /// Constant offset.
        imm: i32,
    },
}

impl Insn {
    /// Number of 8-byte slots the instruction occupies (2 for `ld_imm64`).
    pub const fn slots(&self) -> usize {
        match self {
            Insn::LdImm64 { .. } => 2,
            _ => 1,
        }
    }
}
