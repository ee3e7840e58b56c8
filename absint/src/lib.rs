//! `absint`: the eBPF instruction set, its concrete semantics, and the abstract domains of the
//! Linux verifier's scalar analysis.
//!
//! Everything that computes on words is generic over [`word::Word`], so that one semantics can be
//! run concretely (on [`word::Bv`]) and encoded to SMT (by `synth`), never kept twice by hand.
#![warn(missing_docs)]

pub mod concrete;
pub mod domain;
pub mod elf;
pub mod explore;
pub mod isa;
pub mod logfmt;
pub mod rng;
pub mod semantics;
pub mod word;
