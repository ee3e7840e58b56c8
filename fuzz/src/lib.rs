//! The kernel as oracle: loading programs with `bpf(2)`, parsing the verifier log, and comparing
//! the verifier's register states with Vernier's model of them, one instruction at a time.
//!
//! - [`kernel`]: `BPF_PROG_LOAD` / `BPF_PROG_TEST_RUN` and [`kernel::probe`].
//! - [`log`]: the level-2 verifier log, parsed into lines and register states.
//! - [`shapes`]: input states and the probe programs that prepare them.
//! - [`diff`]: single-step differential checks against the model.
//! - [`sample`]: the deterministic sample of steps the kernel-differential test runs.
//! - [`paths`]: whole-program differential checks: random programs, explored by both.
//! - [`shrink`]: a disagreeing program reduced to a minimal one.
//! - [`regress`]: disagreements stored as regression fixtures, and read back.
//! - [`interrupt`]: Ctrl-C noted, so long runs stop cleanly.
#![warn(missing_docs)]

pub mod corpus;
pub mod diff;
pub mod embed;
pub mod interrupt;
pub mod kernel;
pub mod log;
pub mod paths;
pub mod regress;
pub mod sample;
pub mod shapes;
pub mod shrink;
