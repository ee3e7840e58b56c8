//! `KernelOps`: the running Linux 6.18 kernel's transfer functions on [`Scalar`] states.
//!
//! (being written)
#![allow(missing_docs)]

pub mod alu;
pub mod branch;
pub mod sync;
