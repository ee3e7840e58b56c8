//! The search for a program on which the kernel's model and a model with another operator
//! disagree: the engine behind mutant-killers and precision witnesses.
//!
//! For one operator, candidate input pairs are tried in order of program length. For each, a
//! probe (the inputs, the instruction under test, `r0 = rD; exit`) is explored twice, by the
//! kernel's model and by the target's, reading the result register after the step. Where the
//! target's result is narrower than the kernel's in some respect — a bound, a known bit, a
//! constant — a check is placed after the step that the target decides and the kernel does not,
//! with the unsafe edge (`r0 = r9`) on the side the target thinks dead. The finished program is
//! then labelled by both models from scratch ([`super::label::predict`]): it is a find only if the
//! kernel's model rejects it and the target's accepts it. When the target's step itself breaks
//! the register invariants on a safe program (a tightened singleton), that disagreement is kept
//! as a weaker find ([`Disagreement::FalseReject`]).

use super::label::{accepts, predict};
use super::program::{build, Check, Edge, Input, Refine, StepForm, StepProgram, UnknownSource};
use super::record::Prediction;
use absint::domain::scalar::Scalar;
use absint::explore::{self, Kernel, Options, Pruning, Transfer, Value};
use absint::isa::{AluOp, Cond, Width};
use absint::logfmt::format_scalar;
use absint::word::Bv;
use synth::catalog::kernel::KernelForm;

/// How the two models disagree on a found program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disagreement {
    /// The kernel's model rejects an unsafe program the target accepts (a kill, or for a sound
    /// target a precision witness).
    UnsafeAccepted,
    /// The kernel's model accepts a safe program the target rejects with a register-invariant
    /// violation: visible only with `BPF_F_TEST_REG_INVARIANTS`.
    FalseReject,
}

/// A program on which the two models disagree.
#[derive(Clone, Debug)]
pub struct Found {
    /// The instruction under test's form.
    pub form: StepForm,
    /// The destination's preparation.
    pub dst: Input,
    /// The source's preparation.
    pub src: Input,
    /// The check, if any.
    pub check: Option<Check>,
    /// The program.
    pub program: StepProgram,
    /// The kernel model's prediction.
    pub expected: Prediction,
    /// The target model's prediction.
    pub with_target: Prediction,
    /// How they disagree.
    pub disagreement: Disagreement,
    /// The operand states before the step (kernel's model), in log syntax: `dst`, `src`.
    pub inputs: (String, Option<String>),
    /// The step's result in the kernel's model and in the target's (log syntax).
    pub results: (String, String),
    /// Instructions before the check (or before the step's exit).
    pub length_before_check: usize,
}

/// What a probe shows at the step.
struct StepView {
    dst: Option<Scalar<Bv>>,
    src: Option<Scalar<Bv>>,
    result: Option<Scalar<Bv>>,
    rejected_at_step: bool,
}

fn scalar_of(v: &Value) -> Option<Scalar<Bv>> {
    v.as_scalar().map(|s| s.scalar)
}

/// Explores the probe `p` (no check) with `ops` and reads the operands before the step and the
/// result after it, on the first path that gets there.
fn view(p: &StepProgram, form: StepForm, ops: &dyn Transfer) -> StepView {
    let mut dst = None;
    let mut src = None;
    let mut result = None;
    let after = p.step_idx + 1;
    let (dst_reg, src_reg) = step_regs(p, form);
    let options = Options {
        insn_limit: 10_000,
        pruning: Pruning::Never,
    };
    let exploration = explore::explore_with_ops(
        &p.insns,
        &options,
        &mut |v| {
            if v.idx == p.step_idx && dst.is_none() {
                dst = scalar_of(&v.regs.0[dst_reg as usize]);
                src = src_reg.and_then(|r| scalar_of(&v.regs.0[r as usize]));
            }
            if v.idx == after && result.is_none() {
                result = scalar_of(&v.regs.0[p.result_reg.index() as usize]);
            }
            false
        },
        ops,
    );
    let rejected_at_step = matches!(
        exploration.verdict,
        Err(explore::ExploreError::Rejected { idx, .. }) if idx == p.step_idx
    );
    StepView {
        dst,
        src,
        result,
        rejected_at_step,
    }
}

/// The destination and source registers of the step of `p`.
fn step_regs(p: &StepProgram, form: StepForm) -> (u8, Option<u8>) {
    let insn = crate::paths::insn_at(&p.insns, p.step_idx).copied();
    match insn {
        Some(absint::isa::Insn::Alu { dst, src, .. })
        | Some(absint::isa::Insn::Jump { dst, src, .. }) => (
            dst.index(),
            match src {
                absint::isa::Operand::Reg(r) => Some(r.index()),
                _ => None,
            },
        ),
        Some(absint::isa::Insn::Mov { dst, src, .. }) => (
            match src {
                absint::isa::Operand::Reg(r) => r.index(),
                _ => dst.index(),
            },
            None,
        ),
        Some(absint::isa::Insn::MovSx { src, .. }) => (src.index(), None),
        Some(absint::isa::Insn::Neg { dst, .. }) | Some(absint::isa::Insn::End { dst, .. }) => {
            (dst.index(), None)
        }
        _ => {
            let _ = form;
            (p.result_reg.index(), None)
        }
    }
}

/// Checks the target decides (the unsafe edge dead for it) and the kernel may not: derived from
/// where the target's result is narrower than the kernel's.
pub fn distinguishing_checks(kernel: &Scalar<Bv>, target: &Scalar<Bv>) -> Vec<Check> {
    let mut out = Vec::new();
    let taken_unsafe = |width, cond, value| Check {
        width,
        cond,
        value,
        fallthrough: Edge::Safe,
        taken: Edge::Unsafe,
    };
    let fall_unsafe = |width, cond, value| Check {
        width,
        cond,
        value,
        fallthrough: Edge::Unsafe,
        taken: Edge::Safe,
    };
    let (k, t) = (kernel, target);
    if let Some(c) = t.as_const() {
        if k.as_const() != Some(c) {
            out.push(taken_unsafe(Width::W64, Cond::Ne, c));
        }
    }
    // A 64-bit bound check works with any constant between the two models' bounds (the target
    // decides it, the kernel does not): the target's bound, or the immediate closest to it.
    if t.umin.get() > k.umin.get() {
        let c = imm_between_unsigned(k.umin.get() + 1, t.umin.get(), t.umin.get());
        out.push(taken_unsafe(Width::W64, Cond::Lt, c));
    }
    if t.umax.get() < k.umax.get() {
        let c = imm_between_unsigned(t.umax.get(), k.umax.get() - 1, t.umax.get());
        out.push(taken_unsafe(Width::W64, Cond::Gt, c));
    }
    if t.smin.signed() > k.smin.signed() {
        let c = imm_between_signed(k.smin.signed() + 1, t.smin.signed(), t.smin.signed());
        out.push(taken_unsafe(Width::W64, Cond::Slt, c as u64));
    }
    if t.smax.signed() < k.smax.signed() {
        let c = imm_between_signed(t.smax.signed(), k.smax.signed() - 1, t.smax.signed());
        out.push(taken_unsafe(Width::W64, Cond::Sgt, c as u64));
    }
    if t.u32_min.get() > k.u32_min.get() {
        out.push(taken_unsafe(Width::W32, Cond::Lt, t.u32_min.get()));
    }
    if t.u32_max.get() < k.u32_max.get() {
        out.push(taken_unsafe(Width::W32, Cond::Gt, t.u32_max.get()));
    }
    if (t.s32_min.get() as u32 as i32) > (k.s32_min.get() as u32 as i32) {
        out.push(taken_unsafe(Width::W32, Cond::Slt, t.s32_min.get()));
    }
    if (t.s32_max.get() as u32 as i32) < (k.s32_max.get() as u32 as i32) {
        out.push(taken_unsafe(Width::W32, Cond::Sgt, t.s32_max.get()));
    }
    // Known bits of the target that the kernel does not know (or knows otherwise).
    let (tv, tm) = (t.var_off.v(), t.var_off.m());
    let (kv, km) = (k.var_off.v(), k.var_off.m());
    for b in 0..64 {
        let bit = 1u64 << b;
        let known_t = tm & bit == 0;
        let differs = km & bit != 0 || (kv & bit) != (tv & bit);
        if known_t && differs {
            if tv & bit == 0 {
                out.push(taken_unsafe(Width::W64, Cond::Set, bit));
            } else {
                out.push(fall_unsafe(Width::W64, Cond::Set, bit));
            }
            break;
        }
    }
    // Checks against an immediate first: a 64-bit constant costs an `ld_imm64` before the check.
    out.sort_by_key(|c| c.width == Width::W64 && super::program::needs_scratch(c.value));
    out
}

/// The values a 64-bit comparison takes as an immediate: sign-extended 32-bit ones.
const IMM_LOW: u64 = 0x7fff_ffff;
const IMM_HIGH: u64 = 0xffff_ffff_8000_0000;

/// A value in `[lo, hi]` (unsigned, nonempty) that is an immediate, the closest to `prefer`
/// (itself in the range); `prefer` when no immediate is in the range.
fn imm_between_unsigned(lo: u64, hi: u64, prefer: u64) -> u64 {
    if prefer <= IMM_LOW || prefer >= IMM_HIGH {
        return prefer;
    }
    // `prefer` is between the two immediate blocks: the nearest block edge inside the range.
    let below = (lo <= IMM_LOW).then_some(IMM_LOW);
    let above = (hi >= IMM_HIGH).then_some(IMM_HIGH);
    match (below, above) {
        (Some(b), Some(a)) => {
            if prefer - b <= a - prefer {
                b
            } else {
                a
            }
        }
        (Some(b), None) => b,
        (None, Some(a)) => a,
        (None, None) => prefer,
    }
}

/// The same for a signed range (immediates are `[i32::MIN, i32::MAX]`, contiguous).
fn imm_between_signed(lo: i64, hi: i64, prefer: i64) -> i64 {
    let (imm_lo, imm_hi) = (i64::from(i32::MIN), i64::from(i32::MAX));
    let (a, b) = (lo.max(imm_lo), hi.min(imm_hi));
    if a > b {
        prefer
    } else {
        prefer.clamp(a, b)
    }
}

/// The kernel's and the target's verdicts on `p`, if they disagree as wanted.
fn confirm(
    p: &StepProgram,
    target: &dyn Transfer,
) -> Option<(Prediction, Prediction, Disagreement)> {
    let expected = predict(&p.insns, &Kernel).ok()?;
    let with_target = predict(&p.insns, target).ok()?;
    match (accepts(&expected), accepts(&with_target)) {
        (false, true) => Some((expected, with_target, Disagreement::UnsafeAccepted)),
        (true, false) => Some((expected, with_target, Disagreement::FalseReject)),
        _ => None,
    }
}

/// Tries one candidate: the finds on it (at most one per check, `want` in all).
pub fn try_candidate(
    form: StepForm,
    dst: &Input,
    src: &Input,
    source: UnknownSource,
    target: &dyn Transfer,
    want: usize,
) -> Vec<Found> {
    let probe = build(form, dst, src, source, None);
    let k = view(&probe, form, &Kernel);
    let t = view(&probe, form, target);
    let text = |s: Option<Scalar<Bv>>| s.map(|s| format_scalar(&s));
    let inputs = (text(k.dst).unwrap_or_default(), text(k.src));
    let mut finds = Vec::new();
    let length = |p: &StepProgram, check: Option<usize>| {
        let until = check.unwrap_or(p.step_idx + 1);
        let mut slots = 0;
        p.insns
            .iter()
            .take_while(|i| {
                let before = slots < until;
                slots += i.slots();
                before
            })
            .count()
    };
    match (k.result, t.result) {
        (Some(kr), Some(tr)) if kr != tr => {
            for check in distinguishing_checks(&kr, &tr) {
                let p = build(form, dst, src, source, Some(check));
                if let Some((expected, with_target, d)) = confirm(&p, target) {
                    if d == Disagreement::UnsafeAccepted {
                        finds.push(Found {
                            form,
                            dst: dst.clone(),
                            src: src.clone(),
                            check: Some(check),
                            length_before_check: length(&p, p.check_idx),
                            program: p,
                            expected,
                            with_target,
                            disagreement: d,
                            inputs: inputs.clone(),
                            results: (format_scalar(&kr), format_scalar(&tr)),
                        });
                        if finds.len() >= want {
                            break;
                        }
                    }
                }
            }
        }
        (Some(kr), None) if t.rejected_at_step => {
            if let Some((expected, with_target, d)) = confirm(&probe, target) {
                finds.push(Found {
                    form,
                    dst: dst.clone(),
                    src: src.clone(),
                    check: None,
                    length_before_check: length(&probe, None),
                    program: probe,
                    expected,
                    with_target,
                    disagreement: d,
                    inputs,
                    results: (format_scalar(&kr), "REG INVARIANTS VIOLATION".into()),
                });
            }
        }
        _ => {}
    }
    finds
}

/// Constants where bounds logic changes behaviour.
pub const PIVOTS: [u64; 17] = [
    0,
    1,
    2,
    3,
    7,
    0xff,
    0x100,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x1_0000_0001,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
    0xffff_ffff_8000_0000,
];

/// Masks for `&=`.
pub const MASKS: [u64; 18] = [
    1,
    2,
    3,
    6,
    7,
    0xe,
    0xf,
    0xf0,
    0xff,
    0x1ff,
    0xfff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0xffff_ffff_0000_0000,
    0x8000_0000_0000_0001,
    0x1_ffff_ffff,
];

/// Immediates for `K` forms.
pub const IMMS: [i32; 16] = [
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    31,
    32,
    63,
    255,
    -1,
    -2,
    -256,
    0x7fff_ffff,
    i32::MIN,
];

/// Candidate inputs, cheapest first.
pub fn inputs() -> Vec<Input> {
    let mut v: Vec<Input> = Vec::new();
    v.push(Input::Unknown(vec![]));
    for m in MASKS {
        v.push(Input::Unknown(vec![Refine::And(m)]));
    }
    v.push(Input::Unknown(vec![Refine::SignSmear]));
    v.push(Input::Unknown(vec![Refine::Zext32]));
    // The high half unknown, the low half known zero, in one instruction (the shape of the
    // CVE-2021-3490 operands).
    v.push(Input::Unknown(vec![Refine::Lsh(32)]));
    // A 32-bit range moved by one: [1, 2^32], whose truncated bounds are [1, 0] (the shape of
    // CVE-2020-8835). (The helper's result is a full 64-bit unknown to the verifier, so the
    // low half is taken first.)
    v.push(Input::Unknown(vec![Refine::Zext32, Refine::Add(1)]));
    for b in [8, 16, 32] {
        v.push(Input::Unknown(vec![Refine::SignExtend(b)]));
    }
    for c in PIVOTS {
        v.push(Input::Const(c));
    }
    for (m, o) in [
        (0xff, 0x100),
        (0xf, 0xf0),
        (3, 4),
        (0xffff_ffff, 0x1_0000_0000),
    ] {
        v.push(Input::Unknown(vec![Refine::And(m), Refine::Or(o)]));
    }
    for (m, a) in [(0xff, -128), (7, 1), (0xffff_ffff, -0x7fff_ffff), (1, -1)] {
        v.push(Input::Unknown(vec![Refine::And(m), Refine::Add(a)]));
    }
    v.push(Input::Unknown(vec![Refine::SignSmear, Refine::And(0xff)]));
    v.push(Input::Unknown(vec![
        Refine::ExitIf(Width::W64, Cond::Lt, 1),
        Refine::ExitIf(Width::W64, Cond::Gt, 0x1_0000_0001),
    ]));
    v.push(Input::Unknown(vec![
        Refine::ExitIf(Width::W64, Cond::Slt, u64::MAX - 9),
        Refine::ExitIf(Width::W64, Cond::Sgt, 10),
    ]));
    v
}

/// Is `k` an immediate the verifier accepts for `op` at `width`?
pub fn imm_ok(width: Width, op: AluOp, k: i32) -> bool {
    let bits = if width == Width::W64 { 64 } else { 32 };
    match op {
        AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod => k != 0,
        AluOp::Lsh | AluOp::Rsh | AluOp::Arsh => (0..bits).contains(&k),
        _ => true,
    }
}

/// The step forms of a catalog instruction form (a `K` form once per useful immediate).
pub fn step_forms(form: KernelForm) -> Vec<StepForm> {
    match form {
        KernelForm::AluX(w, op) => vec![StepForm::Alu(w, op, None)],
        KernelForm::AluK(w, op) => IMMS
            .iter()
            .filter(|&&k| imm_ok(w, op, k))
            .map(|&k| StepForm::Alu(w, op, Some(k)))
            .collect(),
        KernelForm::Neg(w) => vec![StepForm::Neg(w)],
        KernelForm::MovX(w) => vec![StepForm::Mov(w, None)],
        KernelForm::MovK(w) => IMMS.iter().map(|&k| StepForm::Mov(w, Some(k))).collect(),
        KernelForm::MovSx(w, from) => vec![StepForm::MovSx(w, from as u8)],
        KernelForm::End(kind, n) => vec![StepForm::End(kind, n as u8)],
    }
}

/// Every candidate `(form, dst, src)` for `forms`, cheapest first.
pub fn candidates(forms: &[StepForm]) -> Vec<(StepForm, Input, Input)> {
    candidates_with_cost(forms)
        .into_iter()
        .map(|(f, d, s, _)| (f, d, s))
        .collect()
}

/// [`candidates`] with each one's preparation cost (instructions).
pub fn candidates_with_cost(forms: &[StepForm]) -> Vec<(StepForm, Input, Input, usize)> {
    let ins = inputs();
    let mut out: Vec<(usize, usize, (StepForm, Input, Input))> = Vec::new();
    let none = Input::Const(0);
    let mut n = 0;
    for &f in forms {
        let pairs: Vec<(Input, Input)> = match (f.reads_dst(), f.reads_src()) {
            (true, true) => ins
                .iter()
                .flat_map(|d| ins.iter().map(move |s| (d.clone(), s.clone())))
                .filter(|(d, s)| matches!(d, Input::Unknown(_)) || matches!(s, Input::Unknown(_)))
                // The register with itself (`r0 += r0`): one preparation for both operands.
                .chain(
                    ins.iter()
                        .filter(|d| matches!(d, Input::Unknown(_)))
                        .map(|d| (d.clone(), Input::SameAsDst)),
                )
                .collect(),
            (true, false) => ins.iter().map(|d| (d.clone(), none.clone())).collect(),
            (false, true) => ins.iter().map(|s| (none.clone(), s.clone())).collect(),
            (false, false) => vec![(none.clone(), none.clone())],
        };
        for (d, s) in pairs {
            let cost =
                if f.reads_dst() { d.cost() } else { 0 } + if f.reads_src() { s.cost() } else { 0 };
            out.push((cost, n, (f, d, s)));
            n += 1;
        }
    }
    out.sort_by_key(|(c, n, _)| (*c, *n));
    out.into_iter()
        .map(|(cost, _, (f, d, s))| (f, d, s, cost))
        .collect()
}

/// The first `want` finds for `target` over `forms`, trying at most `budget` candidates.
pub fn search(
    forms: &[StepForm],
    source: UnknownSource,
    target: &dyn Transfer,
    want: usize,
    budget: usize,
) -> Vec<Found> {
    let mut finds: Vec<Found> = Vec::new();
    let mut weak: Option<Found> = None;
    // Once `want` finds are in, the rest of the candidates of the same preparation cost are still
    // tried, and the shortest programs kept (a cheaper preparation may need a longer check).
    let mut cutoff: Option<usize> = None;
    for (f, d, s, cost) in candidates_with_cost(forms).into_iter().take(budget) {
        if cutoff.is_some_and(|c| cost > c) {
            break;
        }
        for found in try_candidate(f, &d, &s, source, target, want) {
            match found.disagreement {
                Disagreement::UnsafeAccepted => finds.push(found),
                Disagreement::FalseReject => {
                    weak.get_or_insert(found);
                }
            }
        }
        if finds.len() >= want && cutoff.is_none() {
            cutoff = Some(cost);
        }
    }
    // Stable: among programs of one length, the first found.
    finds.sort_by_key(|f| f.length_before_check);
    finds.truncate(want);
    if finds.is_empty() {
        finds.extend(weak);
    }
    finds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::program::build;

    #[test]
    fn bound_checks_use_an_immediate_between_the_bounds_when_there_is_one() {
        // Between the blocks of immediates: the nearest edge inside the range.
        assert_eq!(
            imm_between_unsigned(1, 0x1_0000_0000, 0x1_0000_0000),
            IMM_LOW
        );
        assert_eq!(
            imm_between_unsigned(0x1_0000_0000, u64::MAX, 0x1_0000_0000),
            IMM_HIGH
        );
        // No immediate in the range: the target's bound (a scratch register then).
        assert_eq!(
            imm_between_unsigned(0x1_0000_0000, 0x2_0000_0000, 0x1_0000_0000),
            0x1_0000_0000
        );
        assert_eq!(imm_between_unsigned(0, 5, 5), 5);
        assert_eq!(
            imm_between_signed(-1, i64::MAX, i64::MAX),
            i64::from(i32::MAX)
        );
        assert_eq!(
            imm_between_signed(i64::MIN, -1, i64::MIN),
            i64::from(i32::MIN)
        );
        assert_eq!(imm_between_signed(1 << 40, 1 << 41, 1 << 40), 1 << 40);
    }

    #[test]
    fn a_register_can_be_both_operands() {
        let form = StepForm::Alu(Width::W64, AluOp::Add, None);
        let dst = Input::Unknown(vec![Refine::Lsh(32)]);
        let p = build(form, &dst, &Input::SameAsDst, UnknownSource::Helper, None);
        let text: Vec<String> = p.insns.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "call bpf_get_prandom_u32#7",
                "r0 <<= 32",
                "r0 += r0",
                "r0 = r0",
                "exit"
            ]
        );
        // Such pairs are candidates, at the cost of the one preparation.
        let c = candidates_with_cost(&[form]);
        assert!(c
            .iter()
            .any(|(_, d, s, cost)| *d == dst && *s == Input::SameAsDst && *cost == 2));
    }
}
