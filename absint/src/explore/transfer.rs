//! The transfer functions the explorer applies: the running kernel's by default, or others put
//! in their place.
//!
//! A [`Transfer`] is asked first at every ALU instruction (binary operations, `neg`, byte swaps,
//! moves) and at every conditional jump on two scalars; answering `None` means "do what the
//! kernel does" ([`crate::domain::kernel::alu::alu`], [`crate::domain::kernel::branch::branch`]).
//! This is how a corpus generator runs the model "with a mutant in place of the kernel's
//! operator": the mutant answers for the instruction forms it replaces and leaves the rest to
//! the kernel. Everything around the transfer function stays the explorer's: operand checks,
//! the invariant check of the result, the AND/OR fork (taken from the outcome's `forked` state),
//! links, pruning and the log.
//!
//! [`Kernel`] answers `None` everywhere, so exploring with it is exploring with the kernel.

use crate::domain::kernel::{AluOutcome, BranchOutcome, Reject};
use crate::domain::scalar::Scalar;
use crate::isa::{Cond, Insn, Width};
use crate::word::Bv;

/// Transfer functions that may replace the kernel's at chosen instructions.
pub trait Transfer {
    /// The result of the ALU instruction `insn` (`Alu`, `Neg`, `End`, `Mov`, `MovSx`) on the
    /// destination `dst` and the source operand `src` (the constant of a `K` form's immediate;
    /// for unary instructions, `dst` again), or `None` for the kernel's.
    fn alu(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        let _ = (insn, dst, src);
        None
    }

    /// The outcome of the conditional jump `if dst COND src` at `width` (for a `K` form, `src`
    /// is the immediate's constant), or `None` for the kernel's.
    fn branch(
        &self,
        cond: Cond,
        width: Width,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<BranchOutcome<Bv>> {
        let _ = (cond, width, dst, src);
        None
    }
}

/// The running kernel's transfer functions: every answer is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kernel;

impl Transfer for Kernel {}

/// A [`Transfer`] made of a closure for the ALU step (the branch stays the kernel's).
pub struct AluFn<F>(pub F)
where
    F: Fn(&Insn, &Scalar<Bv>, &Scalar<Bv>) -> Option<Result<AluOutcome<Bv>, Reject>>;

impl<F> Transfer for AluFn<F>
where
    F: Fn(&Insn, &Scalar<Bv>, &Scalar<Bv>) -> Option<Result<AluOutcome<Bv>, Reject>>,
{
    fn alu(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        (self.0)(insn, dst, src)
    }
}
