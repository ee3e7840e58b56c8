//! Verifier fuzz corpora (being written): cases aimed at the boundaries of abstract operators,
//! labelled by the kernel model, exported in the formats fuzzers and selftests consume.

pub mod export;
pub mod record;
