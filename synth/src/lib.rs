//! `synth`: abstract operators as data, their soundness proofs with z3, and their precision.
//!
//! Everything here runs `absint`'s generic code on other word types: on z3 bit-vectors for
//! proofs, and on concrete words for exhaustive checks and precision grids.
#![warn(missing_docs)]

pub mod bounds_proof;
pub mod catalog;
pub mod emit;
pub mod historical;
pub mod induction;
pub mod ir;
pub mod pieces;
pub mod precision;
pub mod smt;
pub mod steps;
pub mod synthesis;
pub mod verify;
