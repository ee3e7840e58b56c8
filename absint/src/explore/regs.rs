//! The verifier's register file on a register-only program: r0–r10, each uninitialised, a
//! pointer the program was given (`r1`, the context, and `r10`, the frame pointer), or a scalar
//! with the kernel's link bookkeeping.
//!
//! A scalar register is a [`Scalar`] plus the `id` the verifier uses to link registers known to
//! hold the same value (`r7 = r6` gives both one id) and, for a linked copy that had a constant
//! added (`r7 += 5`), that constant (`off`) and the width of the addition (`BPF_ADD_CONST`).
//! The linked registers are refined together after a conditional jump (`sync_linked_regs`).

use crate::domain::scalar::Scalar;
use crate::isa::Width;
use crate::logfmt::RegValue;
use crate::word::Bv;
use std::fmt;

/// The number of registers, r0 to r10.
pub const REGS: usize = 11;

/// A scalar register with the verifier's link bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkedScalar {
    /// The abstract value.
    pub scalar: Scalar<Bv>,
    /// The link id; 0 when the register is linked to no other.
    pub id: u32,
    /// When the register is a linked copy plus a constant: the width of the addition that made
    /// it (`BPF_ADD_CONST32` / `BPF_ADD_CONST64`).
    pub add_const: Option<Width>,
    /// The constant added (meaningful with `add_const`).
    pub off: i32,
}

impl LinkedScalar {
    /// An unlinked register holding `scalar`.
    pub fn plain(scalar: Scalar<Bv>) -> Self {
        LinkedScalar {
            scalar,
            id: 0,
            add_const: None,
            off: 0,
        }
    }

    /// Forget the link (`reg->id = 0; reg->off = 0`).
    pub fn unlink(&mut self) {
        self.id = 0;
        self.add_const = None;
        self.off = 0;
    }

    /// As the log prints it (without precision marks).
    pub fn reg_value(&self) -> RegValue {
        RegValue {
            scalar: self.scalar,
            id: (self.id != 0).then_some(self.id),
            off: self.add_const.map(|_| self.off),
            precise: false,
        }
    }
}

/// A register's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// Not initialised (`NOT_INIT`): reading it is an error (`R2 !read_ok`).
    Uninit,
    /// The context pointer the program starts with in r1 (`ctx()`).
    Ctx,
    /// The frame pointer r10, or a copy of it (`fp0`).
    Fp,
    /// A scalar.
    Scalar(LinkedScalar),
}

impl Value {
    /// A fresh unlinked scalar.
    pub fn scalar(s: Scalar<Bv>) -> Self {
        Value::Scalar(LinkedScalar::plain(s))
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&LinkedScalar> {
        match self {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Is the register initialised?
    pub fn is_init(&self) -> bool {
        !matches!(self, Value::Uninit)
    }
}

/// Prints as `print_reg_state` does: `ctx()`, `fp0`, or the scalar (`5`, `scalar(id=1+5)`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Uninit => f.write_str("?"),
            Value::Ctx => f.write_str("ctx()"),
            Value::Fp => f.write_str("fp0"),
            Value::Scalar(s) => s.reg_value().fmt(f),
        }
    }
}

/// The eleven registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegFile(pub [Value; REGS]);

impl RegFile {
    /// The state a program starts in: r1 the context, r10 the frame pointer, the rest
    /// uninitialised.
    pub fn entry() -> Self {
        let mut regs = [Value::Uninit; REGS];
        regs[1] = Value::Ctx;
        regs[10] = Value::Fp;
        RegFile(regs)
    }

    /// The initialised registers of `which` (a bit per register), in ascending order, as the
    /// log lists them.
    pub fn listed(&self, which: u16) -> Vec<(u8, Value)> {
        (0..REGS as u8)
            .filter(|&r| which & (1 << r) != 0 && self.0[r as usize].is_init())
            .map(|r| (r, self.0[r as usize]))
            .collect()
    }

    /// Every initialised register.
    pub fn all(&self) -> Vec<(u8, Value)> {
        self.listed(u16::MAX)
    }
}
