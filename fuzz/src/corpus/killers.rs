//! Mutant-killers: for each unsound operator of the suite, the shortest program found whose
//! verdict under the operator differs from the kernel's — an unsafe program (it reads the never
//! written `r9` on an edge the operator thinks dead) that the kernel's model rejects and the
//! operator's model accepts.
//!
//! The search ([`super::search`]) tries input preparations in order of length, with unknowns
//! from `bpf_get_prandom_u32` (one call; a second unknown is a refined copy), so most killers
//! have one to four instructions before the check, like the published proof-of-concept
//! programs. An operator whose only disagreement is a register-invariant violation on a safe
//! program (a tightened result that is a singleton, so ill-formed) is reported as killed only
//! under `BPF_F_TEST_REG_INVARIANTS` ([`KillKind::InvariantOnly`]).

use super::program::{Input, Refine, StepForm, UnknownSource};
use super::record::{Case, CaseKind};
use super::search::{search, step_forms, Disagreement, Found};
use super::suite::{Lift, Suite, SuiteOperator};
use absint::isa::{Cond, Width};
use rayon::prelude::*;

/// How an operator was killed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KillKind {
    /// An unsafe program it accepts and the kernel rejects.
    UnsafeAccepted,
    /// Only a safe program it rejects with a register-invariant violation.
    InvariantOnly,
    /// Not killed within the search budget.
    Survived,
}

/// The result of the search for one operator.
#[derive(Clone, Debug)]
pub struct Killer {
    /// The operator's name.
    pub operator: String,
    /// How it was killed.
    pub kind: KillKind,
    /// The program, when killed.
    pub found: Option<Found>,
}

/// The step forms to search for `op`.
pub fn forms_of(op: &SuiteOperator) -> Vec<StepForm> {
    match op.lift {
        // A JMP32 comparison refines the register; the check then reads it.
        Lift::Jmp32Refine => [Cond::Gt, Cond::Le, Cond::Ne, Cond::Eq]
            .into_iter()
            .flat_map(|c| [1, 2, 0].map(|k| StepForm::Jump(Width::W32, c, Some(k))))
            .collect(),
        _ => op.forms().into_iter().flat_map(step_forms).collect(),
    }
}

/// Searches a killer for `op`, trying at most `budget` candidates.
pub fn kill(op: &SuiteOperator, budget: usize) -> Killer {
    let forms = forms_of(op);
    let mut finds = search(&forms, UnknownSource::Helper, op, 1, budget);
    if finds.is_empty() && op.lift == Lift::Jmp32Refine {
        // The published shape: a 64-bit range over more than one block of 2^32.
        let dst = Input::Unknown(vec![
            Refine::ExitIf(Width::W64, Cond::Lt, 1),
            Refine::ExitIf(Width::W64, Cond::Gt, 0x1_0000_0001),
        ]);
        for f in &forms {
            finds = super::search::try_candidate(
                *f,
                &dst,
                &Input::Const(0),
                UnknownSource::Helper,
                op,
                1,
            );
            if !finds.is_empty() {
                break;
            }
        }
    }
    let found = finds.into_iter().next();
    let kind = match found.as_ref().map(|f| f.disagreement) {
        Some(Disagreement::UnsafeAccepted) => KillKind::UnsafeAccepted,
        Some(Disagreement::FalseReject) => KillKind::InvariantOnly,
        None => KillKind::Survived,
    };
    Killer {
        operator: op.name().to_string(),
        kind,
        found,
    }
}

/// A killer for every operator of `suite` (in parallel; the order is the suite's).
pub fn kill_all(suite: &Suite, budget: usize) -> Vec<Killer> {
    suite
        .operators
        .par_iter()
        .map(|op| kill(op, budget))
        .collect()
}

/// The corpus record of a find: `kind`, `target`, generator and seed as given; ids are
/// `<prefix>-<target>-<n>`.
pub fn case_of(
    found: &Found,
    kind: CaseKind,
    prefix: &str,
    target: &str,
    n: usize,
    generator: &str,
    seed: u64,
) -> Case {
    let insns = &found.program.insns;
    Case {
        id: format!("{prefix}-{target}-{n:04}"),
        kind,
        target: target.to_string(),
        prog_type: "socket_filter".into(),
        insns: insns.iter().map(ToString::to_string).collect(),
        raw: super::export::to_hex(&absint::isa::encode(insns)),
        maps: Vec::new(),
        expected: found.expected.clone(),
        with_target: Some(found.with_target.clone()),
        run: None,
        generator: generator.into(),
        seed,
    }
}

/// The killers' records (one per killed operator).
pub fn cases(killers: &[Killer], seed: u64) -> Vec<Case> {
    killers
        .iter()
        .filter_map(|k| {
            k.found.as_ref().map(|f| {
                case_of(
                    f,
                    CaseKind::MutantKiller,
                    "mk",
                    &k.operator,
                    0,
                    "killers",
                    seed,
                )
            })
        })
        .collect()
}
