//! Precision witnesses: safe programs the running kernel rejects and a more precise sound
//! operator accepts.
//!
//! The operators are those of [`Suite::precise`]: the reference interval division, modulo and
//! shifts by a range (the kernel's step gives a fully unknown result for all of them), lifted
//! into the 64-bit register step, and the synthesis pieces when the catalog has them. The
//! search ([`super::search`]) is the killers' one: a check after the instruction that the
//! precise operator decides, with `r0 = r9` on the edge it proves dead. Because the operator is
//! sound, that edge really is dead — the program is safe — yet the kernel's model, and the kernel,
//! reject it: e.g. `r0 &= 0xff; r0 /= 3; if r0 > 0x55 goto unsafe`.

use super::killers::case_of;
use super::program::UnknownSource;
use super::record::{Case, CaseKind};
use super::search::{search, step_forms, Disagreement, Found};
use super::suite::{Suite, SuiteOperator};
use rayon::prelude::*;

/// Up to `per_operator` witnesses for `op`, trying at most `budget` candidates.
pub fn witnesses(op: &SuiteOperator, per_operator: usize, budget: usize) -> Vec<Found> {
    let forms: Vec<_> = op.forms().into_iter().flat_map(step_forms).collect();
    search(&forms, UnknownSource::Helper, op, per_operator, budget)
        .into_iter()
        .filter(|f| f.disagreement == Disagreement::UnsafeAccepted)
        .collect()
}

/// The witnesses of every operator of `suite`, as records (`pw-<operator>-<n>`).
pub fn cases(suite: &Suite, per_operator: usize, budget: usize, seed: u64) -> Vec<Case> {
    let per: Vec<Vec<Case>> = suite
        .operators
        .par_iter()
        .map(|op| {
            witnesses(op, per_operator, budget)
                .iter()
                .enumerate()
                .map(|(n, f)| {
                    case_of(
                        f,
                        CaseKind::PrecisionWitness,
                        "pw",
                        op.name(),
                        n,
                        "witnesses",
                        seed,
                    )
                })
                .collect()
        })
        .collect();
    per.into_iter().flatten().collect()
}
