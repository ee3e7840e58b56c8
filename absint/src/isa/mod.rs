//! The eBPF instruction set (RFC 9669): decoded instructions, their encoding, and the verifier
//! log's assembly syntax.
//!
//! - [`Insn`] and friends: the decoded form, one variant per instruction shape.
//! - [`decode`] / [`encode`]: the 8-byte little-endian slot encoding, strict about reserved
//!   fields so that both directions are inverse on valid programs.
//! - `Display for Insn` and [`disasm_program`]: the text the Linux verifier log prints.
//! - [`assemble`]: parses that text back (labels, comments and pasted log prefixes allowed).

mod asm;
mod disasm;
mod encoding;
pub mod helpers;
mod insn;
pub mod ubpf;

pub use asm::{assemble, AsmError, AsmErrorKind};
pub use disasm::disasm_program;
pub use encoding::{decode, decode_slot, encode, DecodeError, DecodeErrorKind, RawInsn, SlotField};
pub use insn::*;
