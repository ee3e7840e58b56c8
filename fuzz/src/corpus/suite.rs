//! The operator suite: catalog operators and synthesis candidates lifted into the verifier's
//! register step, so the model can run with any of them in place of the kernel's
//! ([`absint::explore::Transfer`]).
//!
//! Four ways an operator enters the register step ([`Lift`]):
//! - **Step**: a register-level operator (`mutant.kernel.*`, `hist.cve_2020_27194`,
//!   `hist.cve_2021_3490.*`) *is* a register step for one instruction form: it answers for that
//!   form instead of [`absint::domain::kernel::alu::alu`], result and AND/OR fork included.
//! - **Domain**: a tnum or interval operator at 64 bits (`mutant.tnum.add`, `uint.udiv`, a
//!   synthesis candidate …) answers for the 64-bit ALU instruction of its operation (both `K`
//!   and `X` forms): the kernel's step runs, then the field of that domain (`var_off`,
//!   `umin/umax` or `smin/smax`) is replaced by the operator's result on the operands' fields,
//!   then `reg_bounds_sync` runs — "the kernel with that operator inside".
//! - **Helper**: a tnum helper (`tnum_cast`, `tnum_bswap`, `tnum_union`, the helpers of
//!   `reg_bounds_sync`) replaced where the kernel's step calls it ([`super::helpers`]).
//! - **Jmp32Refine**: `hist.cve_2020_8835` (`__reg_bound_offset32` of 5.5–5.6) is applied to
//!   both refined registers of each edge of every undecided `JMP32` comparison, as 5.5 did.
//!
//! The unsound suite ([`Suite::unsound`]) is every operator of
//! [`synth::catalog::Catalog::unsound`] that lifts (the others are listed with the reason,
//! [`not_lifted_reason`]); the corpus adds the synthesis candidates unsound at 64 bits
//! ([`super::synthesis`]). The sound one ([`Suite::precise`]) is the reference interval
//! operators the kernel does not use in its step (division, modulo, shifts by a range), which
//! are more precise than its fully unknown result, plus the synthesis pieces (`*.pieces`); the
//! corpus adds the synthesized operators. Every operator carries its [`Origin`].

use super::helpers::{mul_with_union, site_of, sync_with, xor_step_with, HelperSite, Helpers};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::kernel::alu::{alu, alu_unsynced};
use absint::domain::kernel::branch::branch;
use absint::domain::kernel::sync::sync;
use absint::domain::kernel::{AluOutcome, BranchOutcome, Reject};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::explore::Transfer;
use absint::isa::{AluOp, Cond, Insn, Operand, Width};
use absint::word::Bv;
use std::sync::Arc;
use synth::catalog::kernel::KernelForm;
use synth::catalog::{Abs, Catalog, Kind, Operator, WordWidth};

/// How an operator replaces part of the register step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lift {
    /// A whole register step of this instruction form.
    Step(KernelForm),
    /// A tnum or interval operator inside the 64-bit step of `op` (`None`: `neg`).
    Domain(Option<AluOp>),
    /// `__reg_bound_offset32` after every `JMP32` refinement.
    Jmp32Refine,
    /// A tnum helper (`tnum_cast`, `tnum_bswap`, `tnum_union`, the helpers of
    /// `reg_bounds_sync`) where the kernel's step uses it ([`super::helpers`]).
    Helper(HelperSite),
}

/// Where a suite operator comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The catalog ([`synth::catalog`]): historical operators, mutants, reference operators.
    Catalog,
    /// Synthesis ([`super::synthesis`]): a candidate of `target`, rejected by `check` (or, for
    /// a synthesized operator, the check it passed).
    Synthesis {
        /// The synthesis target, e.g. `sint.sub`.
        target: String,
        /// The check, e.g. `exhaustive 4-bit grid`.
        check: String,
    },
}

impl Origin {
    /// `catalog` or `synthesis`.
    pub fn label(&self) -> &'static str {
        match self {
            Origin::Catalog => "catalog",
            Origin::Synthesis { .. } => "synthesis",
        }
    }
}

/// One operator of a suite, ready to run in the explorer.
#[derive(Clone)]
pub struct SuiteOperator {
    /// The catalog operator.
    pub op: Arc<dyn Operator>,
    /// How it enters the register step.
    pub lift: Lift,
    /// Where it comes from.
    pub origin: Origin,
}

impl std::fmt::Debug for SuiteOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?})", self.op.name(), self.lift)
    }
}

impl SuiteOperator {
    /// The catalog name.
    pub fn name(&self) -> &str {
        self.op.name()
    }

    /// The instruction forms it answers for (each a 64-bit form for domain lifts).
    pub fn forms(&self) -> Vec<KernelForm> {
        match self.lift {
            Lift::Step(f) => vec![f],
            Lift::Domain(Some(op)) => vec![
                KernelForm::AluK(Width::W64, op),
                KernelForm::AluX(Width::W64, op),
            ],
            Lift::Domain(None) => vec![KernelForm::Neg(Width::W64)],
            Lift::Jmp32Refine => vec![],
            Lift::Helper(site) => site.forms(),
        }
    }
}

/// The form of an ALU instruction, as the catalog names forms.
pub fn form_of(insn: &Insn) -> Option<KernelForm> {
    Some(match *insn {
        Insn::Alu { width, op, src, .. } => match src {
            Operand::Reg(_) => KernelForm::AluX(width, op),
            Operand::Imm(_) => KernelForm::AluK(width, op),
        },
        Insn::Neg { width, .. } => KernelForm::Neg(width),
        Insn::Mov { width, src, .. } => match src {
            Operand::Reg(_) => KernelForm::MovX(width),
            Operand::Imm(_) => KernelForm::MovK(width),
        },
        Insn::MovSx {
            width, from_bits, ..
        } => KernelForm::MovSx(width, u32::from(from_bits)),
        Insn::End { kind, bits, .. } => KernelForm::End(kind, u32::from(bits)),
        _ => return None,
    })
}

/// The 32-bit immediate of a `K` form.
fn imm32(insn: &Insn) -> Bv {
    match insn {
        Insn::Alu {
            src: Operand::Imm(k),
            ..
        }
        | Insn::Mov {
            src: Operand::Imm(k),
            ..
        } => Bv::u32(*k as u32),
        _ => Bv::u32(0),
    }
}

/// A member of each argument. The operator's concrete side is not used here, but its
/// precondition may read the members: a shift amount's precondition (`k < 64`) is stated on the
/// member, so a word argument's member must be the word itself — with a zero member a shift by
/// 255 would pass as a shift by 0 (and the lifted operator would claim a result for it).
fn members(op: &dyn Operator, width: u32, args: &[Abs<Bv>]) -> Vec<Bv> {
    op.args()
        .iter()
        .zip(args)
        .map(|(k, a)| match a {
            Abs::Word(w) => *w,
            Abs::Tnum(t) => t.value,
            Abs::UInt(i) => i.lo,
            Abs::SInt(i) => i.lo,
            Abs::Scalar { .. } => Bv::new(k.member_width(width), 0),
        })
        .collect()
}

fn outcome(result: Abs<Bv>) -> Option<Result<AluOutcome<Bv>, Reject>> {
    match result {
        Abs::Scalar { state, fork } => Some(Ok(AluOutcome {
            state,
            forked: fork,
        })),
        _ => None,
    }
}

impl SuiteOperator {
    fn step(
        &self,
        form: KernelForm,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        let imm = Abs::Word(imm32(insn));
        let args = match form {
            KernelForm::AluX(..) => vec![Abs::scalar(*dst), Abs::scalar(*src)],
            KernelForm::AluK(..) => vec![Abs::scalar(*dst), imm],
            KernelForm::MovK(_) => vec![imm],
            KernelForm::MovX(_) | KernelForm::MovSx(..) => vec![Abs::scalar(*src)],
            _ => vec![Abs::scalar(*dst)],
        };
        if args.len() != self.op.args().len() {
            return None;
        }
        // The kernel's own operand checks (division by the immediate 0, bad shifts) first.
        if let Err(e) = alu(insn, dst, src) {
            return Some(Err(e));
        }
        outcome(
            self.op
                .eval_bv(64, &args, &members(&*self.op, 64, &args))
                .result,
        )
    }

    fn domain(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        let kernel = match alu(insn, dst, src) {
            Ok(k) => k,
            Err(e) => return Some(Err(e)),
        };
        let unary = matches!(self.lift, Lift::Domain(None));
        let mut args = Vec::new();
        for (i, kind) in self.op.args().into_iter().enumerate() {
            let s = if i == 0 || unary { dst } else { src };
            args.push(match kind {
                Kind::Tnum => Abs::Tnum(s.var_off),
                Kind::UInt => Abs::UInt(UInterval::from_bounds(s.umin, s.umax)),
                Kind::SInt => Abs::SInt(SInterval::from_bounds(s.smin, s.smax)),
                Kind::Word(w) => {
                    let bits = match w {
                        WordWidth::Op => 64,
                        WordWidth::Bits(n) => n,
                    };
                    Abs::Word(Bv::new(bits, s.as_const()?))
                }
                Kind::Scalar => return None,
            });
        }
        let e = self.op.eval_bv(64, &args, &members(&*self.op, 64, &args));
        if !e.pre {
            return None;
        }
        let mut state = kernel.state;
        match e.result {
            Abs::Tnum(t) => state.var_off = t,
            Abs::UInt(i) => {
                state.umin = i.lo;
                state.umax = i.hi;
            }
            Abs::SInt(i) => {
                state.smin = i.lo;
                state.smax = i.hi;
            }
            _ => return None,
        }
        Some(Ok(AluOutcome {
            state: sync(&state),
            forked: kernel.forked,
        }))
    }
}

impl SuiteOperator {
    /// The step with this operator as the tnum helper at `site` ([`super::helpers`]).
    fn helper(
        &self,
        site: HelperSite,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        let tnum_of =
            |args: &[Abs<Bv>], members: &[Bv]| match self.op.eval_bv(64, args, members).result {
                Abs::Tnum(t) => Some(t),
                _ => None,
            };
        match site {
            HelperSite::VarOff(form) => {
                let kernel = match alu(insn, dst, src) {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                let operand = match form {
                    KernelForm::MovX(_) | KernelForm::MovSx(..) => src,
                    _ => dst,
                };
                let var_off = tnum_of(&[Abs::Tnum(operand.var_off)], &[operand.var_off.value])?;
                let state = Scalar {
                    var_off,
                    ..kernel.state
                };
                Some(Ok(AluOutcome {
                    state: sync(&state),
                    forked: kernel.forked,
                }))
            }
            HelperSite::MulUnion => {
                let kernel = match alu(insn, dst, src) {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                let selector = Bv::new(1, 0);
                let union = |a: &Tnum<Bv>, b: &Tnum<Bv>| {
                    tnum_of(
                        &[Abs::Tnum(*a), Abs::Tnum(*b), Abs::Word(selector)],
                        &[a.value, b.value, selector],
                    )
                    .unwrap_or_else(|| a.union(b))
                };
                let other = match insn {
                    Insn::Alu {
                        src: Operand::Imm(k),
                        ..
                    } => Tnum::constant(Bv::u64(*k as i64 as u64)),
                    _ => src.var_off,
                };
                let state = Scalar {
                    var_off: mul_with_union(&dst.var_off, &other, &union),
                    ..kernel.state
                };
                Some(Ok(AluOutcome {
                    state: sync(&state),
                    forked: kernel.forked,
                }))
            }
            HelperSite::XorWithSubreg => {
                let kernel = match alu(insn, dst, src) {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                let with = |a: &Tnum<Bv>, b: &Tnum<Bv>| {
                    tnum_of(&[Abs::Tnum(*a), Abs::Tnum(*b)], &[a.value, b.value])
                        .unwrap_or_else(|| a.with_subreg(b))
                };
                let other = match insn {
                    Insn::Alu {
                        src: Operand::Imm(k),
                        ..
                    } => Scalar::constant(&Bv::u64(*k as i64 as u64)),
                    _ => *src,
                };
                Some(Ok(AluOutcome {
                    state: xor_step_with(&with, dst, &other),
                    forked: kernel.forked,
                }))
            }
            HelperSite::Sync(which) => {
                let unsynced = match alu_unsynced(insn, dst, src) {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                let h = Helpers::new(&*self.op, which);
                Some(Ok(AluOutcome {
                    state: sync_with(&h, &unsynced.state),
                    forked: unsynced.forked.map(|(c, s)| (c, sync_with(&h, &s))),
                }))
            }
        }
    }
}

impl Transfer for SuiteOperator {
    fn alu(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        let form = form_of(insn)?;
        if !self.forms().contains(&form) {
            return None;
        }
        match self.lift {
            Lift::Step(_) => self.step(form, insn, dst, src),
            Lift::Domain(_) => self.domain(insn, dst, src),
            Lift::Jmp32Refine => None,
            Lift::Helper(site) => self.helper(site, insn, dst, src),
        }
    }

    fn branch(
        &self,
        cond: Cond,
        width: Width,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<BranchOutcome<Bv>> {
        if self.lift != Lift::Jmp32Refine || width != Width::W32 {
            return None;
        }
        let mut out = branch(cond, width, dst, src);
        if out.always_taken || out.never_taken {
            return Some(out);
        }
        let refine = |s: &Scalar<Bv>| {
            self.op
                .eval_bv(64, &[Abs::scalar(*s)], &[Bv::u64(0)])
                .result
                .state()
                .to_owned()
        };
        for s in out.taken.iter_mut().chain(out.fallthrough.iter_mut()) {
            *s = refine(s);
        }
        Some(out)
    }
}

/// The operation of a tnum or interval operator name's second component.
fn domain_op(token: &str) -> Option<Option<AluOp>> {
    Some(Some(match token {
        "add" => AluOp::Add,
        "sub" => AluOp::Sub,
        "mul" => AluOp::Mul,
        "and" => AluOp::And,
        "or" => AluOp::Or,
        "xor" => AluOp::Xor,
        "lshift" | "shl" => AluOp::Lsh,
        "rshift" | "lshr" => AluOp::Rsh,
        "arshift" | "ashr" => AluOp::Arsh,
        "udiv" => AluOp::Div,
        "urem" => AluOp::Mod,
        "sdiv" => AluOp::Sdiv,
        "srem" => AluOp::Smod,
        "neg" => return Some(None),
        _ => return None,
    }))
}

/// The domain lift of the operation named `token` (`add`, `lshift`, `neg` …), if it has a 64-bit
/// ALU instruction.
pub fn domain_lift(token: &str) -> Option<Lift> {
    domain_op(token).map(Lift::Domain)
}

/// How `op` lifts into the register step, if it does.
pub fn lift(op: &Arc<dyn Operator>) -> Option<Lift> {
    let name = op.name();
    let base = name.strip_prefix("mutant.").unwrap_or(name);
    if name == "hist.cve_2020_8835" {
        return Some(Lift::Jmp32Refine);
    }
    if let Some(site) = site_of(name) {
        return Some(Lift::Helper(site));
    }
    if let Some(h) = name.strip_prefix("hist.") {
        let op = if h == "cve_2020_27194" {
            AluOp::Or
        } else {
            match h.strip_prefix("cve_2021_3490.")? {
                "and" => AluOp::And,
                "or" => AluOp::Or,
                _ => AluOp::Xor,
            }
        };
        return Some(Lift::Step(KernelForm::AluX(Width::W64, op)));
    }
    if base.starts_with("kernel.") {
        return KernelForm::all()
            .into_iter()
            .find(|f| f.name() == base)
            .map(Lift::Step);
    }
    let mut parts = base.split('.');
    let domain = parts.next()?;
    if !matches!(domain, "tnum" | "uint" | "sint") || !op.supports_width(64) {
        return None;
    }
    let kinds = op.args();
    let result = op.result();
    let fits = |k: Kind| matches!(k, Kind::Tnum | Kind::UInt | Kind::SInt | Kind::Word(_));
    if !kinds.iter().all(|&k| fits(k)) || !matches!(result, Kind::Tnum | Kind::UInt | Kind::SInt) {
        return None;
    }
    let alu_op = domain_op(parts.next()?)?;
    // Binary operations take two arguments, `neg` one.
    let arity_ok = match alu_op {
        None => kinds.len() == 1,
        Some(_) => kinds.len() == 2,
    };
    arity_ok.then_some(Lift::Domain(alu_op))
}

/// An operator that does not lift into the register step, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NotLifted {
    /// The operator's name.
    pub name: String,
    /// Why no instruction's step can carry it.
    pub reason: String,
}

/// Why the catalog operator `name` has no lift (see the book's corpus page for the kernel
/// functions cited).
pub fn not_lifted_reason(name: &str) -> String {
    let base = name.strip_prefix("mutant.").unwrap_or(name);
    match base {
        "tnum.cast1" => "tnum_cast(.., 1) is used only by coerce_reg_to_size for 1-byte loads \
            (check_mem_access on a spilled scalar, LDX), a memory access the register-only \
            explorer does not model; no ALU, move or byte-swap instruction truncates to one byte"
            .into(),
        _ => "no instruction of the register step uses it".into(),
    }
}

/// An ordered set of lifted operators.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    /// The operators that lift, in catalog order.
    pub operators: Vec<SuiteOperator>,
    /// The catalog operators that do not lift into the register step, with why.
    pub not_lifted: Vec<NotLifted>,
}

impl Suite {
    fn from_catalog(catalog: &Catalog, keep: impl Fn(&str) -> bool) -> Suite {
        let mut suite = Suite::default();
        for op in catalog.iter() {
            if !keep(op.name()) {
                continue;
            }
            match lift(op) {
                Some(l) => suite.operators.push(SuiteOperator {
                    op: op.clone(),
                    lift: l,
                    origin: Origin::Catalog,
                }),
                None => suite.not_lifted.push(NotLifted {
                    name: op.name().to_string(),
                    reason: not_lifted_reason(op.name()),
                }),
            }
        }
        suite
    }

    /// Every unsound operator of the catalog (historical and mutants) that lifts.
    pub fn unsound() -> Suite {
        Suite::from_catalog(&Catalog::unsound(), |_| true)
    }

    /// The sound operators more precise than the kernel's step: interval division, modulo and
    /// shifts by a range, and the synthesis pieces (`*.pieces`, `tnum.mul.precise`).
    pub fn precise() -> Suite {
        const PRECISE: [&str; 8] = [
            "uint.udiv",
            "uint.urem",
            "sint.sdiv",
            "sint.srem",
            "uint.shl",
            "uint.lshr",
            "sint.ashr",
            "tnum.mul.precise",
        ];
        Suite::from_catalog(&Catalog::reference(), |n| {
            PRECISE.contains(&n) || n.ends_with(".pieces")
        })
    }

    /// The operator named `name`.
    pub fn get(&self, name: &str) -> Option<&SuiteOperator> {
        self.operators.iter().find(|o| o.name() == name)
    }
}
