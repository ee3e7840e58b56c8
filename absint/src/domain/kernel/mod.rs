//! `KernelOps`: the running Linux 6.18 kernel's transfer functions on [`Scalar`] states.
//!
//! Each function here does what the verifier does to a scalar register for one instruction:
//! [`alu::alu`] for the ALU and ALU64 classes, [`branch::branch`] for the conditional jumps of
//! JMP and JMP32, and [`sync::sync`] for the bounds synchronisation (`reg_bounds_sync`) that
//! both end with. They are generic over [`Word`] so that the same code is run concretely and
//! proved with an SMT solver. Fidelity to the running kernel is checked by the `fuzz` crate's
//! kernel-differential tests.

use crate::domain::scalar::Scalar;
use crate::word::Word;

pub mod alu;
pub mod branch;
pub mod sync;

/// Why the verifier rejects an instruction outright, before any state is computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// Division or modulo by the immediate 0 (`div by zero`).
    #[error("div by zero")]
    DivByZero,
    /// Shift by an immediate at or beyond the operand width (`invalid shift N`).
    #[error("invalid shift {0}")]
    InvalidShift(i32),
    /// An instruction that is not an ALU instruction (or not a conditional jump) was given.
    #[error("not handled by this transfer function: {0}")]
    NotApplicable(&'static str),
}

/// The result of an ALU instruction on the destination register.
#[derive(Clone, Debug)]
pub struct AluOutcome<W: Word> {
    /// The state the verifier continues with.
    pub state: Scalar<W>,
    /// For AND and OR: the condition under which the verifier forks (a constant source and a
    /// destination whose signed range is `[-1, 0]`), and the result on the second path, which
    /// the verifier pushes with the destination set to 0 and re-executes later. The condition
    /// is `false` when there is no fork; on concrete words, [`AluOutcome::pushed`] gives the
    /// state only when the fork happens.
    pub forked: Option<(W::Bool, Scalar<W>)>,
}

/// The result of a conditional jump on its two operands.
#[derive(Clone, Debug)]
pub struct BranchOutcome<W: Word> {
    /// The verifier proves the jump is always taken (it explores only the target).
    pub always_taken: W::Bool,
    /// The verifier proves the jump is never taken (it explores only the fall-through).
    pub never_taken: W::Bool,
    /// `[dst, src]` refined on the taken edge (meaningful unless `never_taken`).
    pub taken: [Scalar<W>; 2],
    /// `[dst, src]` refined on the fall-through edge (meaningful unless `always_taken`).
    pub fallthrough: [Scalar<W>; 2],
    /// The jump is undecided and a refined state breaks the invariants `reg_bounds_sanity_check`
    /// tests (`REG INVARIANTS VIOLATION`): with `BPF_F_TEST_REG_INVARIANTS` the kernel rejects the
    /// program (`EFAULT`); without it, it continues with each violating state's bounds reset
    /// ([`sync::mark_unbounded`]). `taken` and `fallthrough` hold the states before that reset.
    pub invariant_violation: W::Bool,
}
