//! `vernier step`: one instruction applied to register states, as the running kernel does it.

use super::{Failure, Format};
use absint::domain::kernel::{alu, branch};
use absint::domain::Scalar;
use absint::isa::{self, Insn, Operand, Reg};
use absint::logfmt;
use std::collections::BTreeMap;
use std::io::Write;

/// Parse the instruction and the register states, apply the instruction, print the result.
pub fn step(
    insn_text: &str,
    reg_args: &[String],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let insn = parse_one_insn(insn_text)?;
    let regs = parse_regs(reg_args)?;
    let reg = |r: Reg| {
        regs.get(&r.index())
            .copied()
            .unwrap_or_else(Scalar::unknown)
    };
    let operand = |src: Operand| match src {
        Operand::Reg(r) => reg(r),
        Operand::Imm(imm) => Scalar::known(imm as i64 as u64),
    };
    let header = format!("({:02x}) {insn}", insn.opcode());
    match insn {
        Insn::Alu { dst, src, .. } | Insn::Mov { dst, src, .. } => {
            let outcome = alu::alu(&insn, &reg(dst), &operand(src))
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            print_alu(out, format, &header, dst, &outcome.state, outcome.pushed())
        }
        Insn::Neg { dst, .. } | Insn::End { dst, .. } => {
            let outcome = alu::alu(&insn, &reg(dst), &Scalar::unknown())
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            print_alu(out, format, &header, dst, &outcome.state, None)
        }
        Insn::MovSx { dst, src, .. } => {
            let outcome = alu::alu(&insn, &reg(dst), &reg(src))
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            print_alu(out, format, &header, dst, &outcome.state, None)
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            ..
        } => {
            // The kernel refines through the one register when both operands are the same.
            let outcome = match src {
                Operand::Reg(r) if r == dst => branch::branch_same_reg(cond, width, &reg(dst)),
                _ => branch::branch(cond, width, &reg(dst), &operand(src)),
            };
            let src_reg = match src {
                Operand::Reg(r) => Some(r),
                Operand::Imm(_) => None,
            };
            print_branch(out, format, &header, dst, src_reg, &outcome)
        }
        _ => Err(Failure::Input(format!(
            "`{insn_text}`: `vernier step` takes an ALU instruction or a conditional jump"
        ))),
    }
}

fn parse_one_insn(text: &str) -> Result<Insn, Failure> {
    let insns = isa::assemble(text).map_err(|e| Failure::Input(format!("instruction: {e}")))?;
    match insns.as_slice() {
        [one] => Ok(*one),
        _ => Err(Failure::Input(format!(
            "instruction: expected exactly one instruction, got {} in `{text}`",
            insns.len()
        ))),
    }
}

fn parse_regs(args: &[String]) -> Result<BTreeMap<u8, Scalar>, Failure> {
    let mut regs = BTreeMap::new();
    for (i, arg) in args.iter().enumerate() {
        let (reg, value) = logfmt::parse_reg_assignment(arg)
            .map_err(|e| Failure::Input(format!("--reg #{} `{arg}`: {e}", i + 1)))?;
        if regs.insert(reg, value.scalar).is_some() {
            return Err(Failure::Input(format!(
                "--reg #{} `{arg}`: r{reg} is given twice",
                i + 1
            )));
        }
    }
    Ok(regs)
}

fn print_alu(
    out: &mut dyn Write,
    format: Format,
    header: &str,
    dst: Reg,
    state: &Scalar,
    forked: Option<&Scalar>,
) -> Result<(), Failure> {
    let r = dst.index();
    match format {
        Format::KernelLog => {
            writeln!(out, "{header}")?;
            writeln!(out, "  R{r}={}", logfmt::format_scalar(state))?;
            if let Some(f) = forked {
                writeln!(out, "  forked: R{r}={}", logfmt::format_scalar(f))?;
            }
        }
        Format::Json => {
            let mut obj = serde_json::json!({
                "insn": header,
                "result": { format!("R{r}"): logfmt::format_scalar(state) },
            });
            if let Some(f) = forked {
                obj["forked"] = serde_json::json!({ format!("R{r}"): logfmt::format_scalar(f) });
            }
            writeln!(out, "{}", obj)?;
        }
    }
    Ok(())
}

fn print_branch(
    out: &mut dyn Write,
    format: Format,
    header: &str,
    dst: Reg,
    src: Option<Reg>,
    outcome: &absint::domain::kernel::BranchOutcome<absint::word::Bv>,
) -> Result<(), Failure> {
    let edge = |states: &[Scalar; 2]| -> Vec<(String, String)> {
        let mut regs = vec![(
            format!("R{}", dst.index()),
            logfmt::format_scalar(&states[0]),
        )];
        if let Some(s) = src.filter(|s| *s != dst) {
            regs.push((format!("R{}", s.index()), logfmt::format_scalar(&states[1])));
        }
        regs
    };
    let taken = (!outcome.never_taken).then(|| edge(&outcome.taken));
    let fallthrough = (!outcome.always_taken).then(|| edge(&outcome.fallthrough));
    match format {
        Format::KernelLog => {
            writeln!(out, "{header}")?;
            let line = |regs: &Option<Vec<(String, String)>>| match regs {
                None => "unreachable (the verifier decides the branch)".to_string(),
                Some(regs) => regs
                    .iter()
                    .map(|(r, s)| format!("{r}={s}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            writeln!(out, "  fall-through: {}", line(&fallthrough))?;
            writeln!(out, "  taken:        {}", line(&taken))?;
            if outcome.invariant_violation {
                writeln!(
                    out,
                    "  REG INVARIANTS VIOLATION: a refined state is empty; the kernel rejects the \
                    program under BPF_F_TEST_REG_INVARIANTS and otherwise resets its bounds"
                )?;
            }
        }
        Format::Json => {
            let obj = |regs: &Option<Vec<(String, String)>>| match regs {
                None => serde_json::Value::Null,
                Some(regs) => regs
                    .iter()
                    .map(|(r, s)| (r.clone(), serde_json::Value::from(s.clone())))
                    .collect(),
            };
            let v = serde_json::json!({
                "insn": header,
                "fallthrough": obj(&fallthrough),
                "taken": obj(&taken),
                "invariant_violation": outcome.invariant_violation,
            });
            writeln!(out, "{v}")?;
        }
    }
    Ok(())
}
