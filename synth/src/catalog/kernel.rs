//! Catalog entries for the register-level steps of the Linux 6.18 verifier: the ALU transfer
//! function [`alu`] (each operator followed by the bounds synchronisation, as the kernel does)
//! for every ALU/ALU64 instruction form, against the concrete semantics of
//! [`absint::semantics`].
//!
//! Registers are 64-bit words with 32-bit subregisters, so these entries exist at width 64
//! only. `X` forms take two register states; `K` forms take the destination's state and the
//! 32-bit immediate as an exact word, whose source state is the known constant of the
//! sign-extended immediate (as the verifier builds it). Immediates the verifier rejects before
//! computing anything (division by 0, shift amounts outside `[0, width)`) are excluded by the
//! precondition. For AND and OR the verifier may fork (`maybe_fork_scalars`); a member of either
//! explored state counts.

use super::{Abs, Eval, GenericOperator, Kind, WordWidth};
use absint::domain::kernel::alu::alu;
use absint::domain::scalar::Scalar;
use absint::isa::{AluOp, Endian, Insn, Operand, Reg, Width};
use absint::semantics;
use absint::word::{Bit, Word};
use std::sync::Arc;

/// Which instruction form a kernel entry models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelForm {
    /// `dst OP= src` with a register source.
    AluX(Width, AluOp),
    /// `dst OP= imm`.
    AluK(Width, AluOp),
    /// `dst = -dst`.
    Neg(Width),
    /// `dst = src`.
    MovX(Width),
    /// `dst = imm`.
    MovK(Width),
    /// `dst = (sN) src`, `N` = 8, 16 or (64-bit only) 32.
    MovSx(Width, u32),
    /// `dst = le/be/bswap N dst`.
    End(Endian, u32),
}

/// The lower-case mnemonic of an ALU operation, as in the verifier's source (`BPF_ADD` → `add`).
pub fn alu_op_name(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "add",
        AluOp::Sub => "sub",
        AluOp::Mul => "mul",
        AluOp::Div => "div",
        AluOp::Sdiv => "sdiv",
        AluOp::Or => "or",
        AluOp::And => "and",
        AluOp::Lsh => "lsh",
        AluOp::Rsh => "rsh",
        AluOp::Mod => "mod",
        AluOp::Smod => "smod",
        AluOp::Xor => "xor",
        AluOp::Arsh => "arsh",
    }
}

fn bits(width: Width) -> u32 {
    match width {
        Width::W32 => 32,
        Width::W64 => 64,
    }
}

impl KernelForm {
    /// The catalog name (`kernel.alu64.add`, `kernel.alu32.lsh.k`, `kernel.end.be16` …).
    pub fn name(self) -> String {
        match self {
            KernelForm::AluX(w, op) => format!("kernel.alu{}.{}", bits(w), alu_op_name(op)),
            KernelForm::AluK(w, op) => format!("kernel.alu{}.{}.k", bits(w), alu_op_name(op)),
            KernelForm::Neg(w) => format!("kernel.neg{}", bits(w)),
            KernelForm::MovX(w) => format!("kernel.mov{}", bits(w)),
            KernelForm::MovK(w) => format!("kernel.mov{}.k", bits(w)),
            KernelForm::MovSx(w, from) => format!("kernel.movsx{}.s{from}", bits(w)),
            KernelForm::End(kind, n) => {
                let k = match kind {
                    Endian::Le => "le",
                    Endian::Be => "be",
                    Endian::Swap => "bswap",
                };
                format!("kernel.end.{k}{n}")
            }
        }
    }

    /// The instruction given to [`alu`]. `K` forms carry a placeholder immediate that passes the
    /// verifier's immediate checks; the real immediate is in the source state, and the checks
    /// are the entry's precondition.
    pub(crate) fn insn(self) -> Insn {
        let (dst, src) = (Reg::R0, Operand::Reg(Reg::FP));
        let placeholder = Operand::Imm(1);
        match self {
            KernelForm::AluX(width, op) => Insn::Alu {
                width,
                op,
                dst,
                src,
            },
            KernelForm::AluK(width, op) => Insn::Alu {
                width,
                op,
                dst,
                src: placeholder,
            },
            KernelForm::Neg(width) => Insn::Neg { width, dst },
            KernelForm::MovX(width) => Insn::Mov { width, dst, src },
            KernelForm::MovK(width) => Insn::Mov {
                width,
                dst,
                src: placeholder,
            },
            KernelForm::MovSx(width, from) => Insn::MovSx {
                width,
                dst,
                src: Reg::FP,
                from_bits: from as u8,
            },
            KernelForm::End(kind, n) => Insn::End {
                kind,
                dst,
                bits: n as u8,
            },
        }
    }

    /// Every instruction form, in a fixed order.
    pub fn all() -> Vec<KernelForm> {
        let mut v = Vec::new();
        for width in [Width::W64, Width::W32] {
            for op in AluOp::ALL {
                v.push(KernelForm::AluX(width, op));
                v.push(KernelForm::AluK(width, op));
            }
            v.push(KernelForm::Neg(width));
            v.push(KernelForm::MovX(width));
            v.push(KernelForm::MovK(width));
        }
        for from in [8, 16, 32] {
            v.push(KernelForm::MovSx(Width::W64, from));
        }
        for from in [8, 16] {
            v.push(KernelForm::MovSx(Width::W32, from));
        }
        for kind in [Endian::Le, Endian::Be, Endian::Swap] {
            for n in [16, 32, 64] {
                v.push(KernelForm::End(kind, n));
            }
        }
        v
    }
}

/// A catalog entry for one register-level step.
pub struct KernelEntry {
    name: String,
    form: KernelForm,
}

impl KernelEntry {
    /// The entry for `form`.
    pub fn new(form: KernelForm) -> Self {
        KernelEntry {
            name: form.name(),
            form,
        }
    }
}

/// Every register-level step of the catalog.
pub fn operators() -> Vec<Arc<dyn super::Operator>> {
    KernelForm::all()
        .into_iter()
        .map(|f| Arc::new(KernelEntry::new(f)) as Arc<dyn super::Operator>)
        .collect()
}

/// The 64-bit register value of a 32-bit immediate (sign-extended, RFC 9669 §4.1).
fn imm64<W: Word>(k32: &W) -> W {
    k32.sext(64)
}

/// The verifier's immediate checks (`check_alu_op`) as a condition on the immediate `k32`.
pub(crate) fn immediate_accepted<W: Word>(width: Width, op: AluOp, k32: &W) -> W::Bool {
    match op {
        AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod => k32.is_zero().not(),
        AluOp::Lsh | AluOp::Rsh | AluOp::Arsh => k32.bvult(&k32.lit(u64::from(bits(width)))),
        _ => k32.bool_const(true),
    }
}

/// Apply the kernel's ALU transfer function; `dst`, `src` are the states given to it.
pub(crate) fn kernel_step<W: Word>(
    insn: &Insn,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> (Abs<W>, W::Bool) {
    match alu(insn, dst, src) {
        Ok(outcome) => (
            Abs::Scalar {
                state: outcome.state,
                fork: outcome.forked,
            },
            dst.umin.bool_const(true),
        ),
        // Cannot happen for the catalog's instructions (the placeholder passes the checks);
        // if it did, the entry claims nothing.
        Err(_) => (Abs::scalar(dst.clone()), dst.umin.bool_const(false)),
    }
}

impl GenericOperator for KernelEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn summary(&self) -> &str {
        "Linux 6.18 register-level ALU step (operator, then reg_bounds_sync)"
    }
    fn args(&self) -> Vec<Kind> {
        let imm = Kind::Word(WordWidth::Bits(32));
        match self.form {
            KernelForm::AluX(..) => vec![Kind::Scalar, Kind::Scalar],
            KernelForm::AluK(..) => vec![Kind::Scalar, imm],
            KernelForm::MovK(_) => vec![imm],
            _ => vec![Kind::Scalar],
        }
    }
    fn result(&self) -> Kind {
        Kind::Scalar
    }
    fn supports_width(&self, width: u32) -> bool {
        width == 64
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let insn = self.form.insn();
        let (result, applies, concrete, accepted) = match self.form {
            KernelForm::AluX(width, op) => {
                let (r, ok) = kernel_step(&insn, args[0].state(), args[1].state());
                (r, ok, semantics::alu(op, width, &xs[0], &xs[1]), None)
            }
            KernelForm::AluK(width, op) => {
                let k = args[1].word();
                let src = Scalar::constant(&imm64(k));
                let (r, ok) = kernel_step(&insn, args[0].state(), &src);
                let c = semantics::alu(op, width, &xs[0], &imm64(k));
                (r, ok, c, Some(immediate_accepted(width, op, k)))
            }
            KernelForm::Neg(width) => {
                let (r, ok) = kernel_step(&insn, args[0].state(), args[0].state());
                (r, ok, semantics::neg(width, &xs[0]), None)
            }
            KernelForm::MovX(width) => {
                let (r, ok) = kernel_step(&insn, args[0].state(), args[0].state());
                (r, ok, semantics::mov(width, &xs[0]), None)
            }
            KernelForm::MovK(width) => {
                let src = Scalar::constant(&imm64(args[0].word()));
                let (r, ok) = kernel_step(&insn, &src, &src);
                (r, ok, semantics::mov(width, &imm64(&xs[0])), None)
            }
            KernelForm::MovSx(width, from) => {
                let (r, ok) = kernel_step(&insn, args[0].state(), args[0].state());
                (r, ok, semantics::movsx(width, from, &xs[0]), None)
            }
            KernelForm::End(kind, n) => {
                let (r, ok) = kernel_step(&insn, args[0].state(), args[0].state());
                (r, ok, semantics::end(kind, n, &xs[0]), None)
            }
        };
        let pre = match accepted {
            Some(a) => applies.and(&a),
            None => applies,
        };
        Eval::plain(result, concrete).with_pre(pre)
    }
}
