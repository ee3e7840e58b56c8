//! The eBPF instruction set (RFC 9669): decoded instructions, their encoding, and the verifier
//! log's assembly syntax.

mod insn;
pub mod ubpf;

pub use insn::*;
