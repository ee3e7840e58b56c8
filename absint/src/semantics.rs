//! The concrete semantics of every eBPF ALU and conditional-jump operation (RFC 9669), written
//! once over [`Word`].
//!
//! Registers are 64-bit words. Every function here takes and returns 64-bit words (except
//! [`cond`], which returns a condition); 32-bit operations read the low halves of their operands
//! and zero-extend their result, as the ALU class does. Run on [`crate::word::Bv`] this is the
//! interpreter's ALU ([`crate::concrete`]); run on a symbolic word it is the SMT encoding of the
//! same rules. No function branches on data: every data-dependent choice is a [`Word::ite`].
//!
//! Where BPF departs from SMT-LIB's `QF_BV` (RFC 9669 §4.1), the departure is spelled out here:
//! - unsigned and signed division by zero give 0 (SMT-LIB: all ones, or ±1 for `bvsdiv`);
//! - unsigned and signed modulo by zero leave the destination unchanged (for 32-bit operations:
//!   its zero-extended low half);
//! - `S_MIN s/ -1` wraps to `S_MIN` and `S_MIN s% -1` is 0 (both as in SMT-LIB);
//! - shift amounts are masked to `width - 1` (SMT-LIB saturates instead).

use crate::isa::{AluOp, Cond, Endian, Width};
use crate::word::Word;

/// The immediate `imm` as a 64-bit word of the same kind as `like`: sign-extended from 32 bits,
/// as every instruction with an immediate operand uses it (RFC 9669 §4.1).
pub fn imm<W: Word>(like: &W, imm: i32) -> W {
    like.constant(64, imm as i64 as u64)
}

/// The operand of a `width` operation as seen by the operation: the whole 64-bit word, or its low
/// 32 bits for [`Width::W32`].
fn narrow<W: Word>(width: Width, x: &W) -> W {
    debug_assert_eq!(x.width(), 64, "registers are 64-bit words");
    match width {
        Width::W64 => x.clone(),
        Width::W32 => x.extract(31, 0),
    }
}

/// The 64-bit register value of a `width`-bit result: zero-extended when 32-bit.
fn widen<W: Word>(x: &W) -> W {
    x.zext(64)
}

/// `dst OP src` at `width` bits, as a 64-bit register value (`dst`, `src`: 64-bit words).
///
/// For a `K` (immediate) operand pass [`imm`]`(dst, k)` as `src`.
pub fn alu<W: Word>(op: AluOp, width: Width, dst: &W, src: &W) -> W {
    let (a, b) = (narrow(width, dst), narrow(width, src));
    widen(&alu_at(op, &a, &b))
}

/// `a OP b` on words of one width (32 or 64), the BPF rules applied at that width.
fn alu_at<W: Word>(op: AluOp, a: &W, b: &W) -> W {
    let by_zero = b.is_zero();
    // Shift amounts are taken modulo the width (`& 63` or `& 31`).
    let amount = || b.bvand(&b.lit(u64::from(a.width() - 1)));
    match op {
        AluOp::Add => a.bvadd(b),
        AluOp::Sub => a.bvsub(b),
        AluOp::Mul => a.bvmul(b),
        AluOp::Div => W::ite(&by_zero, &a.zero(), &a.bvudiv(b)),
        AluOp::Sdiv => W::ite(&by_zero, &a.zero(), &a.bvsdiv(b)),
        AluOp::Mod => W::ite(&by_zero, a, &a.bvurem(b)),
        AluOp::Smod => W::ite(&by_zero, a, &a.bvsrem(b)),
        AluOp::Or => a.bvor(b),
        AluOp::And => a.bvand(b),
        AluOp::Xor => a.bvxor(b),
        AluOp::Lsh => a.bvshl(&amount()),
        AluOp::Rsh => a.bvlshr(&amount()),
        AluOp::Arsh => a.bvashr(&amount()),
    }
}

/// `-dst` at `width` bits, as a 64-bit register value.
pub fn neg<W: Word>(width: Width, dst: &W) -> W {
    widen(&narrow(width, dst).bvneg())
}

/// `mov`: `src` at `width` bits (32-bit zero-extends the low half).
pub fn mov<W: Word>(width: Width, src: &W) -> W {
    widen(&narrow(width, src))
}

/// `movsx`: the low `from_bits` (8, 16 or 32) bits of `src` sign-extended to `width` bits, then
/// zero-extended to 64 (so the 32-bit forms clear the high half).
///
/// `from_bits` must be below `width.bits()` (the decoder guarantees it); it panics otherwise,
/// which is a bug in the caller.
pub fn movsx<W: Word>(width: Width, from_bits: u32, src: &W) -> W {
    assert!(
        (1..width.bits()).contains(&from_bits),
        "movsx from {from_bits} bits at {} bits",
        width.bits()
    );
    widen(&src.extract(from_bits - 1, 0).sext(width.bits()))
}

/// The byte-order operation `kind` of `bits` (16, 32 or 64) bits on `dst`, on a little-endian
/// machine: `le` truncates to `bits` (and zero-extends), `be` and `bswap` byte-swap the low
/// `bits` bits (and zero-extend). `le64` is the identity.
///
/// Panics when `bits` is not 16, 32 or 64 (the decoder guarantees it).
pub fn end<W: Word>(kind: Endian, bits: u32, dst: &W) -> W {
    assert!(
        matches!(bits, 16 | 32 | 64),
        "byte-order operation on {bits} bits"
    );
    let low = dst.extract(bits - 1, 0);
    match kind {
        Endian::Le => widen(&low),
        Endian::Be | Endian::Swap => widen(&low.byte_swap()),
    }
}

/// Whether the conditional jump `if dst COND src` is taken, comparing 64-bit words (`JMP`) or
/// their low halves (`JMP32`).
pub fn cond<W: Word>(cond: Cond, width: Width, dst: &W, src: &W) -> W::Bool {
    let (a, b) = (narrow(width, dst), narrow(width, src));
    match cond {
        Cond::Eq => a.eq(&b),
        Cond::Ne => a.ne(&b),
        Cond::Gt => a.bvugt(&b),
        Cond::Ge => a.bvuge(&b),
        Cond::Lt => a.bvult(&b),
        Cond::Le => a.bvule(&b),
        Cond::Sgt => a.bvsgt(&b),
        Cond::Sge => a.bvsge(&b),
        Cond::Slt => a.bvslt(&b),
        Cond::Sle => a.bvsle(&b),
        Cond::Set => a.bvand(&b).ne(&a.zero()),
    }
}
