//! Kernel-differential checking of single steps: one ALU instruction or conditional jump, run by
//! the verifier and by the model on the same input states, compared field by field.
//!
//! [`check_step`] builds the probe ([`crate::shapes::step_program`]), loads it at log level 2
//! with `BPF_F_TEST_REG_INVARIANTS`, and reads from the log ([`crate::log`]):
//! - the input states: `r6` and `r7` as the kernel last printed them before the step;
//! - for an ALU step, `r6` as printed on the step's line (and, when the verifier forks, the
//!   pushed state in the `from S to S:` line);
//! - for a jump, which edges were explored (the next instruction of the main path is `S+1` for
//!   the fall-through, `S+2` for the taken edge; a `from S to S+2:` line means the taken edge was
//!   pushed), the fall-through states printed on the jump's line and the taken states of the
//!   `from` line.
//!
//! The kernel's *printed* inputs are given to the [`Model`], so a difference is a difference in
//! the step alone, never in how the inputs were prepared.

use crate::kernel::{self, KernelError, LoadOptions};
use crate::log::{Line, Log, LogError, State, Value};
use crate::shapes::{self, Shape, StepProgram, DST, SRC};
use absint::domain::kernel::{AluOutcome, BranchOutcome, Reject};
use absint::domain::Scalar;
use absint::isa::{Cond, Insn, Operand, Width};
use absint::logfmt::{format_scalar, Bound};
use absint::word::Bv;

/// The transfer functions under test.
pub trait Model {
    /// The ALU step `insn` on `dst` and `src` (for a `K` operand, the constant register holding
    /// the sign-extended immediate). `None` when the model does not implement it.
    fn alu(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>>;
    /// The conditional jump `if dst COND src` at `width`. `None` when not implemented.
    fn branch(
        &self,
        cond: Cond,
        width: Width,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<BranchOutcome<Bv>>;
}

/// A model implementing nothing: only the kernel side is exercised.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoModel;

impl Model for NoModel {
    fn alu(
        &self,
        _: &Insn,
        _: &Scalar<Bv>,
        _: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        None
    }
    fn branch(
        &self,
        _: Cond,
        _: Width,
        _: &Scalar<Bv>,
        _: &Scalar<Bv>,
    ) -> Option<BranchOutcome<Bv>> {
        None
    }
}

/// Vernier's model of the running kernel (`absint::domain::kernel`).
#[derive(Clone, Copy, Debug, Default)]
pub struct KernelOps;

impl Model for KernelOps {
    fn alu(
        &self,
        insn: &Insn,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<Result<AluOutcome<Bv>, Reject>> {
        Some(absint::domain::kernel::alu::alu(insn, dst, src))
    }
    fn branch(
        &self,
        cond: Cond,
        width: Width,
        dst: &Scalar<Bv>,
        src: &Scalar<Bv>,
    ) -> Option<BranchOutcome<Bv>> {
        Some(absint::domain::kernel::branch::branch(
            cond, width, dst, src,
        ))
    }
}

/// What the kernel did with the step.
// Two register states are the common case; boxing them would cost an allocation per step.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KernelStep {
    /// The load failed at or after the step: errno and the log's unrecognised lines after it.
    Rejected {
        /// The errno.
        errno: i32,
        /// The verifier's message(s).
        message: String,
    },
    /// An ALU step's destination, on the main path and on the path a fork pushed.
    Alu {
        /// `r6` after the step.
        state: Scalar<Bv>,
        /// When the verifier forked (`from S to S:`, the step run again on `r6 = 0`): `r6` after
        /// the step on that path.
        forked: Option<Scalar<Bv>>,
    },
    /// A jump's explored edges: `[r6, r7]` on each (`r7` is `None` for the `K` form).
    Branch {
        /// The fall-through edge, if explored.
        fallthrough: Option<[Option<Scalar<Bv>>; 2]>,
        /// The taken edge, if explored.
        taken: Option<[Option<Scalar<Bv>>; 2]>,
    },
}

/// How a step compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Kernel and model agree on every compared field.
    Match,
    /// They differ; one line per difference.
    Mismatch(Vec<String>),
    /// The model does not implement this step; the kernel side was parsed.
    ModelMissing,
    /// The main path never reached the step (its preparation was decided otherwise).
    NotReached,
}

/// The full record of one checked step.
#[derive(Clone, Debug)]
pub struct StepReport {
    /// The instruction under test.
    pub step: Insn,
    /// The probe.
    pub program: StepProgram,
    /// The verifier log.
    pub log: String,
    /// `[r6, r7]` as the kernel printed them before the step (`None` when not read by the step).
    pub inputs: [Option<Scalar<Bv>>; 2],
    /// What the kernel did.
    pub kernel: Option<KernelStep>,
    /// The comparison.
    pub verdict: Verdict,
}

/// Failures of the harness itself.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// `bpf(2)` failed.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// The log did not parse.
    #[error(transparent)]
    Log(#[from] LogError),
    /// The log parsed but lacked something the harness needs.
    #[error("log has no {0}")]
    Missing(String),
    /// The step is not one the harness probes.
    #[error("not a probed step: {0:?}")]
    Unsupported(Insn),
}

fn scalar_of(v: Option<&Value>) -> Option<Scalar<Bv>> {
    v.and_then(Value::scalar).map(|r| r.scalar)
}

/// Field-by-field differences between the model's and the kernel's state of `what`.
pub fn differences(what: &str, model: &Scalar<Bv>, kernel: &Scalar<Bv>) -> Vec<String> {
    let mut out = Vec::new();
    if model.var_off != kernel.var_off {
        out.push(format!(
            "{what}.var_off: model {}, kernel {}",
            model.var_off, kernel.var_off
        ));
    }
    for b in Bound::ALL {
        let (m, k) = (b.get(model), b.get(kernel));
        if m != k {
            out.push(format!("{what}.{}: model {m:#x}, kernel {k:#x}", b.name()));
        }
    }
    if !out.is_empty() {
        out.push(format!(
            "{what}: model {} / kernel {}",
            format_scalar(model),
            format_scalar(kernel)
        ));
    }
    out
}

/// The source operand as a scalar: the register's printed state, or the constant register the
/// verifier builds from an immediate (sign-extended to 64 bits).
fn source_operand(step: &Insn, printed_src: Option<Scalar<Bv>>) -> Option<Scalar<Bv>> {
    let src = match step {
        Insn::Alu { src, .. } | Insn::Mov { src, .. } | Insn::Jump { src, .. } => *src,
        Insn::MovSx { .. } => return printed_src,
        _ => return Some(Scalar::unknown()),
    };
    match src {
        Operand::Imm(imm) => Some(Scalar::known(imm as i64 as u64)),
        Operand::Reg(_) => printed_src,
    }
}

/// Loads the probe of `step` with `r6 = dst` and `r7 = src`, and compares with `model`.
pub fn check_step(
    step: &Insn,
    dst: &Shape,
    src: &Shape,
    model: &dyn Model,
) -> Result<StepReport, DiffError> {
    let is_jump = match step {
        Insn::Jump { .. } => true,
        Insn::Alu { .. }
        | Insn::Neg { .. }
        | Insn::Mov { .. }
        | Insn::MovSx { .. }
        | Insn::End { .. } => false,
        other => return Err(DiffError::Unsupported(*other)),
    };
    let program = shapes::step_program(step, dst, src);
    let code = absint::isa::encode(&program.insns);
    let load = kernel::load(&code, &LoadOptions::default())?;
    let log = Log::parse(&load.log)?;
    let s = program.step_idx;
    let mut report = StepReport {
        step: *step,
        program: program.clone(),
        log: load.log.clone(),
        inputs: [None, None],
        kernel: None,
        verdict: Verdict::NotReached,
    };

    // Walk the main path up to the step, remembering the last printed r6 and r7.
    let lines = &log.lines;
    let mut last: [Option<Scalar<Bv>>; 2] = [None, None];
    let remember = |state: &State, last: &mut [Option<Scalar<Bv>>; 2]| {
        for (i, r) in [DST, SRC].into_iter().enumerate() {
            if let Some(v) = scalar_of(state.reg(r)) {
                last[i] = Some(v);
            }
        }
    };
    let Some(step_line) = lines
        .iter()
        .position(|(_, l)| matches!(l, Line::Insn { idx, .. } if *idx == s))
    else {
        if load.accepted() {
            return Ok(report);
        }
        // Rejected before the step: a failure of the preparation, not of the step.
        return Err(DiffError::Missing(format!(
            "step line {s} (load failed before it, errno {:?})",
            load.errno
        )));
    };
    for (_, line) in &lines[..step_line] {
        match line {
            Line::Insn {
                state: Some(st), ..
            }
            | Line::State { state: st, .. } => remember(st, &mut last),
            _ => {}
        }
    }
    let needs_dst = shapes::reads_dst(step);
    let needs_src = shapes::reads_src(step);
    if (needs_dst && last[0].is_none()) || (needs_src && last[1].is_none()) {
        return Err(DiffError::Missing("printed input state of r6/r7".into()));
    }
    let dst_in = if needs_dst { last[0] } else { None };
    let src_in = if needs_src { last[1] } else { None };
    report.inputs = [dst_in, src_in];

    // The state right after the step: its line and any state lines before the next instruction.
    let mut after = State::default();
    let mut next_insn = None;
    let mut messages = Vec::new();
    if let (
        _,
        Line::Insn {
            state: Some(st), ..
        },
    ) = &lines[step_line]
    {
        after.regs.extend(st.regs.iter().cloned());
    }
    for (_, line) in &lines[step_line + 1..] {
        match line {
            Line::Insn { idx, .. } => {
                next_insn = Some(*idx);
                break;
            }
            Line::State { state, .. } => after.regs.extend(state.regs.iter().cloned()),
            Line::From { .. } | Line::Processed(_) => break,
            Line::Other(text) => messages.push(text.clone()),
            _ => {}
        }
    }

    // States are popped last-in first-out, and anything the step pushes was pushed after every
    // state of the preparation: so the step's own pushed state, if any, is the first pop after
    // its line. Later pops (forks or exits of the preparation) may run the step again.
    let first_pop_line = step_line
        + lines[step_line..]
            .iter()
            .position(|(_, l)| matches!(l, Line::From { .. }))
            .unwrap_or(lines.len() - step_line);
    let first_pop = match lines.get(first_pop_line) {
        Some((_, Line::From { from, to, state })) => Some((*from, *to, state)),
        _ => None,
    };
    let kernel_step = if !load.accepted() {
        KernelStep::Rejected {
            errno: load.errno.unwrap_or(0),
            message: messages.join(" | "),
        }
    } else if is_jump {
        let taken_from = match first_pop {
            Some((from, to, state)) if from == s && to == s + 2 => Some(state.clone()),
            _ => None,
        };
        let pick = |st: &State, fallback: [Option<Scalar<Bv>>; 2]| {
            [
                scalar_of(st.reg(DST)).or(fallback[0]),
                if needs_src {
                    scalar_of(st.reg(SRC)).or(fallback[1])
                } else {
                    None
                },
            ]
        };
        let fallthrough = (next_insn == Some(s + 1)).then(|| pick(&after, [dst_in, src_in]));
        let taken = match (&taken_from, next_insn) {
            (Some(Some(st)), _) => Some(pick(st, [None, None])),
            (Some(None), _) => {
                return Err(DiffError::Missing("taken state (pruned as safe)".into()))
            }
            (None, Some(n)) if n == s + 2 => Some(pick(&after, [dst_in, src_in])),
            (None, _) => None,
        };
        KernelStep::Branch { fallthrough, taken }
    } else {
        let state = scalar_of(after.reg(DST))
            .ok_or_else(|| DiffError::Missing(format!("r6 after step {s}")))?;
        // A fork pushes `r6 = 0` (or -1) with the step still to execute: the `from S to S:`
        // line, then the step again, whose line shows the forked path's result.
        let forked = match first_pop {
            Some((from, to, _)) if from == s && to == s => {
                lines[first_pop_line..].iter().find_map(|(_, l)| match l {
                    Line::Insn {
                        idx,
                        state: Some(st),
                        ..
                    } if *idx == s => scalar_of(st.reg(DST)),
                    _ => None,
                })
            }
            _ => None,
        };
        KernelStep::Alu { state, forked }
    };

    let dst_model = dst_in.unwrap_or_else(Scalar::unknown);
    let src_model = source_operand(step, src_in).unwrap_or_else(Scalar::unknown);
    report.verdict = compare(step, &kernel_step, &dst_model, &src_model, model);
    report.kernel = Some(kernel_step);
    Ok(report)
}

fn compare(
    step: &Insn,
    kernel: &KernelStep,
    dst: &Scalar<Bv>,
    src: &Scalar<Bv>,
    model: &dyn Model,
) -> Verdict {
    let mut diffs = Vec::new();
    match step {
        Insn::Jump {
            width,
            cond,
            src: operand,
            ..
        } => {
            let Some(out) = model.branch(*cond, *width, dst, src) else {
                return Verdict::ModelMissing;
            };
            let x_form = matches!(operand, Operand::Reg(_));
            match kernel {
                KernelStep::Rejected { message, .. } => {
                    if !out.invariant_violation {
                        diffs.push(format!(
                            "kernel rejected ({message}); model: no invariant violation"
                        ));
                    }
                }
                KernelStep::Branch { fallthrough, taken } => {
                    if out.invariant_violation {
                        diffs.push("model: invariant violation; kernel accepted".into());
                    }
                    let k_always = taken.is_some() && fallthrough.is_none();
                    let k_never = fallthrough.is_some() && taken.is_none();
                    if (out.always_taken, out.never_taken) != (k_always, k_never) {
                        diffs.push(format!(
                            "decision: model always_taken={} never_taken={}, kernel always_taken={k_always} never_taken={k_never}",
                            out.always_taken, out.never_taken
                        ));
                    } else if !k_always && !k_never {
                        for (edge, model_regs, kernel_regs) in [
                            ("fallthrough", &out.fallthrough, fallthrough),
                            ("taken", &out.taken, taken),
                        ] {
                            let Some(k) = kernel_regs else { continue };
                            for (i, name) in [(0, "r6"), (1, "r7")] {
                                if i == 1 && !x_form {
                                    continue;
                                }
                                match &k[i] {
                                    Some(ks) => diffs.extend(differences(
                                        &format!("{edge}.{name}"),
                                        &model_regs[i],
                                        ks,
                                    )),
                                    None => diffs
                                        .push(format!("{edge}.{name}: not printed by the kernel")),
                                }
                            }
                        }
                    }
                }
                KernelStep::Alu { .. } => diffs.push("kernel step kind mismatch".into()),
            }
        }
        _ => {
            let Some(out) = model.alu(step, dst, src) else {
                return Verdict::ModelMissing;
            };
            match (kernel, out) {
                (KernelStep::Rejected { .. }, Err(_)) => {}
                (KernelStep::Rejected { message, .. }, Ok(o)) => diffs.push(format!(
                    "kernel rejected ({message}); model gave {}",
                    format_scalar(&o.state)
                )),
                (KernelStep::Alu { state, .. }, Err(e)) => diffs.push(format!(
                    "model rejected ({e}); kernel gave {}",
                    format_scalar(state)
                )),
                (KernelStep::Alu { state, forked }, Ok(o)) => {
                    diffs.extend(differences("r6", &o.state, state));
                    // A generic model reports the fork with its condition; concretely, a false
                    // condition means no fork.
                    let model_fork = o.forked.as_ref().filter(|(happens, _)| *happens);
                    match (model_fork, forked) {
                        (None, None) => {}
                        (Some((_, m)), Some(k)) => diffs.extend(differences("forked.r6", m, k)),
                        (m, k) => diffs.push(format!(
                            "fork: model {}, kernel {}",
                            m.as_ref().map_or("none".into(), |(_, s)| format_scalar(s)),
                            k.as_ref().map_or("none".into(), format_scalar)
                        )),
                    }
                }
                (KernelStep::Branch { .. }, _) => diffs.push("kernel step kind mismatch".into()),
            }
        }
    }
    if diffs.is_empty() {
        Verdict::Match
    } else {
        Verdict::Mismatch(diffs)
    }
}

impl StepReport {
    /// A readable account of the step: program, inputs, kernel result, verdict and the log lines
    /// around the step.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("step: {}\nprogram:\n", self.step));
        let mut slot = 0;
        for insn in &self.program.insns {
            out.push_str(&format!("  {slot}: {insn}\n"));
            slot += insn.slots();
        }
        for (name, v) in [("r6", &self.inputs[0]), ("r7", &self.inputs[1])] {
            if let Some(s) = v {
                out.push_str(&format!("input {name} = {}\n", format_scalar(s)));
            }
        }
        out.push_str(&format!(
            "kernel: {:?}\nverdict: {:?}\n",
            self.kernel, self.verdict
        ));
        out.push_str("log:\n");
        for line in self.log.lines().filter(|l| !l.starts_with(' ')) {
            out.push_str(&format!("  | {line}\n"));
        }
        out
    }
}
