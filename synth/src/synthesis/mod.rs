//! Synthesis of abstract operators: enumerative, example-driven search with CEGIS, egg and z3.
//!
//! Given a [`Target`] (a concrete operation on a domain: `tnum.add`, `uint.sub` …), the engine
//! finds an operator that is exact against the best transformer on an exhaustive small-width
//! grid and proved sound with z3 at 64 and 32 bits:
//!
//! 1. [`examples`]: abstract inputs at 8 and 64 bits with the best transformer's result —
//!    programming by example, and the fingerprint vector of the search;
//! 2. [`enumerate`]: bottom-up enumeration of [`grammar`] terms by size, keeping the smallest
//!    term per fingerprint (observational equivalence), in parallel; optionally egg
//!    ([`rewrite`]) merges provably equal candidates before evaluation;
//! 3. [`solve`]: top-down decomposition of each output field's goal (xor/add/sub splits by
//!    hash lookup, or/and/and-not/ite splits that relax the goal) over the bank;
//! 4. [`cegis`]: the loop — exhaustive check at a small width ([`check`]), counterexamples back
//!    as examples, unsound candidates into the [`suite`], then egg simplification and z3 proofs
//!    of the IR ([`operator`]);
//! 5. [`report`]: the measured outcome (grid precision, comparison with the kernel's operator,
//!    counts and times) as markdown and JSON.
//!
//! [`meet`] assembles operators of another kind: the meet of sound pieces (the kernel's
//! operator, hand-designed and enumerated pieces), chosen greedily by exact share per cost, each
//! piece checked and proved on its own.

pub mod cegis;
pub mod check;
pub mod enumerate;
pub mod examples;
pub mod grammar;
pub mod meet;
pub mod narrow;
pub mod operator;
pub mod refine;
pub mod report;
pub mod rewrite;
pub mod solve;
pub mod suite;
pub mod targets;

pub use cegis::{synthesize, Config, Status, Synthesis};
pub use targets::{Target, TargetDomain};
