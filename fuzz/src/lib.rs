//! The kernel as oracle: loading programs with `bpf(2)`, parsing the verifier log, and comparing
//! the verifier's register states with Vernier's model of them, one instruction at a time.
//!
//! - [`kernel`]: `BPF_PROG_LOAD` / `BPF_PROG_TEST_RUN` and [`kernel::probe`].
//! - [`log`]: the level-2 verifier log, parsed into lines and register states.
//! - [`shapes`]: input states and the probe programs that prepare them.
//! - [`diff`]: single-step differential checks against the model.
//! - [`sample`]: the deterministic sample of steps the kernel-differential test runs.
#![warn(missing_docs)]

pub mod diff;
pub mod embed;
pub mod kernel;
pub mod log;
pub mod paths;
pub mod sample;
pub mod shapes;
