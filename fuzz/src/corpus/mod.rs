//! Verifier fuzz corpora: programs aimed at the boundaries of abstract operators, labelled by the
//! kernel model, checked against the running kernel, exported in the formats fuzzers and
//! selftests consume.
//!
//! - [`record`]: the canonical record ([`record::Case`], JSON Lines).
//! - [`program`]: the program layout (inputs, the instruction under test, a check).
//! - [`label`]: a model's prediction for a program (the labels a record carries).
//! - [`suite`]: catalog operators lifted into the register step, to run the model with them.
//! - [`synthesis`]: the candidates synthesis rejected and the operators it synthesized, lifted.
//! - [`helpers`]: the kernel's tnum helpers inside its step, one replaced (helper lifts).
//! - [`search`]: the shared search for a program on which two models disagree.
//! - [`killers`], [`witnesses`], [`seeds`]: the three kinds of cases.
//! - [`emit`]: a whole corpus, with its summary; [`check`]: a corpus against the kernel.
//! - [`export`]: the other formats.

pub mod check;
pub mod emit;
pub mod export;
pub mod helpers;
pub mod killers;
pub mod label;
pub mod program;
pub mod record;
pub mod search;
pub mod seeds;
pub mod suite;
pub mod synthesis;
pub mod witnesses;
