//! The shrinker: a program that shows a disagreement, reduced greedily to a smaller one that
//! still shows it.
//!
//! [`shrink`] is generic over the property kept (any `FnMut(&[Insn]) -> bool`);
//! [`shrink_disagreement`] keeps "compares with the kernel as a [`Disagreement`] of the same
//! kind". The edits, tried in this order until none applies:
//!
//! 1. remove a chunk of consecutive instructions (halves, quarters, … single instructions, in
//!    the manner of delta debugging, Zeller and Hildebrandt, TSE 2002);
//! 2. drop a branch by always taking it: remove a forward jump together with what it skips;
//! 3. simplify an operand: an immediate towards 0 (`0`, `1`, `-1`, half of it), an `ld_imm64`
//!    into a `mov` when its value fits 32 bits, a register operand into the immediate 0.
//!
//! Jumps keep their targets through every edit: the program is held as instructions whose jumps
//! name their target instruction, and offsets are recomputed in slots (an `ld_imm64` takes two).
//! A jump into a removed chunk lands on the first instruction after it. An edit whose offsets
//! no longer fit is skipped. Each accepted edit makes the program strictly smaller (fewer
//! instructions, or simpler operands), so shrinking terminates; it is deterministic.

use crate::paths::{self, Disagreement, PathReport, PathsError, PruningSource};
use absint::isa::{Insn, LdImm64, Operand};

/// An instruction whose jump, if any, names its target by instruction index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    insn: Insn,
    /// The target instruction's index (`len` for one past the end).
    target: Option<usize>,
}

/// The jump offset of an instruction (`off` or `imm` of `gotol`), if it jumps.
fn jump_offset(insn: &Insn) -> Option<i64> {
    match insn {
        Insn::Jump { off, .. } | Insn::Ja { off } => Some(i64::from(*off)),
        Insn::Gotol { imm } => Some(i64::from(*imm)),
        _ => None,
    }
}

/// `insns` as nodes; `None` when a jump lands inside an instruction or out of the program.
fn to_nodes(insns: &[Insn]) -> Option<Vec<Node>> {
    let mut slot_of = Vec::with_capacity(insns.len() + 1);
    let mut slot = 0i64;
    for insn in insns {
        slot_of.push(slot);
        slot += insn.slots() as i64;
    }
    slot_of.push(slot);
    insns
        .iter()
        .enumerate()
        .map(|(i, insn)| {
            let target = match jump_offset(insn) {
                Some(off) => Some(slot_of.binary_search(&(slot_of[i] + 1 + off)).ok()?),
                None => None,
            };
            Some(Node {
                insn: *insn,
                target,
            })
        })
        .collect()
}

/// The instructions of `nodes` with offsets recomputed; `None` when one does not fit.
fn to_insns(nodes: &[Node]) -> Option<Vec<Insn>> {
    let mut slot_of = Vec::with_capacity(nodes.len() + 1);
    let mut slot = 0i64;
    for node in nodes {
        slot_of.push(slot);
        slot += node.insn.slots() as i64;
    }
    slot_of.push(slot);
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let Some(target) = node.target else {
                return Some(node.insn);
            };
            let off = slot_of[target.min(nodes.len())] - slot_of[i] - 1;
            Some(match node.insn {
                Insn::Jump {
                    width,
                    cond,
                    dst,
                    src,
                    ..
                } => Insn::Jump {
                    width,
                    cond,
                    dst,
                    src,
                    off: i16::try_from(off).ok()?,
                },
                Insn::Ja { .. } => Insn::Ja {
                    off: i16::try_from(off).ok()?,
                },
                Insn::Gotol { .. } => Insn::Gotol {
                    imm: i32::try_from(off).ok()?,
                },
                other => other,
            })
        })
        .collect()
}

/// `nodes` without `start..end`; jumps into the removed range land on what follows it.
fn without(nodes: &[Node], start: usize, end: usize) -> Vec<Node> {
    let removed = end - start;
    let remap = |t: usize| {
        if t < start {
            t
        } else if t < end {
            start
        } else {
            t - removed
        }
    };
    nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < start || *i >= end)
        .map(|(_, n)| Node {
            insn: n.insn,
            target: n.target.map(remap),
        })
        .collect()
}

/// Simpler values for an immediate, simplest first: each is strictly closer to 0 (or the same
/// size and positive), so replacing terminates.
fn simpler_immediates(x: i64) -> Vec<i64> {
    let simpler = |c: i64| c.unsigned_abs() < x.unsigned_abs() || (c == -x && c > 0);
    [0, 1, -1, x / 2, x.wrapping_neg()]
        .into_iter()
        .filter(|&c| c != x && simpler(c))
        .collect()
}

/// The operand simplifications of one instruction, simplest first.
fn simpler_insns(insn: &Insn) -> Vec<Insn> {
    let mut out = Vec::new();
    let imm_forms = |src: &Operand| -> Vec<Operand> {
        match src {
            Operand::Imm(x) => simpler_immediates(i64::from(*x))
                .into_iter()
                .map(|c| Operand::Imm(c as i32))
                .collect(),
            Operand::Reg(_) => vec![Operand::Imm(0)],
        }
    };
    match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => out.extend(imm_forms(&src).into_iter().map(|src| Insn::Alu {
            width,
            op,
            dst,
            src,
        })),
        Insn::Mov { width, dst, src } => out.extend(
            imm_forms(&src)
                .into_iter()
                .map(|src| Insn::Mov { width, dst, src }),
        ),
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => out.extend(imm_forms(&src).into_iter().map(|src| Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        })),
        Insn::LdImm64 {
            dst,
            src: LdImm64::Imm(x),
        } => {
            if x as i64 == i64::from(x as i32) {
                out.push(Insn::Mov {
                    width: absint::isa::Width::W64,
                    dst,
                    src: Operand::Imm(x as i32),
                });
            }
            out.extend(
                simpler_immediates(x as i64)
                    .into_iter()
                    .map(|c| Insn::LdImm64 {
                        dst,
                        src: LdImm64::Imm(c as u64),
                    }),
            );
        }
        _ => {}
    }
    out
}

/// Shrinks `insns` while `keeps` holds, greedily, to a program no single edit of which (see the
/// module documentation) still has the property. `keeps(insns)` is assumed to hold.
pub fn shrink(insns: &[Insn], keeps: &mut dyn FnMut(&[Insn]) -> bool) -> Vec<Insn> {
    let Some(mut nodes) = to_nodes(insns) else {
        return insns.to_vec();
    };
    // Tries a candidate; adopts it when it keeps the property.
    let mut attempt = |nodes: &mut Vec<Node>, candidate: Vec<Node>| -> bool {
        match to_insns(&candidate) {
            Some(program) if keeps(&program) => {
                *nodes = candidate;
                true
            }
            _ => false,
        }
    };
    loop {
        let mut changed = false;
        // 1. Chunks, largest first.
        let mut chunk = nodes.len() / 2;
        while chunk >= 1 {
            let mut start = 0;
            while start + chunk <= nodes.len() {
                let candidate = without(&nodes, start, start + chunk);
                if attempt(&mut nodes, candidate) {
                    changed = true;
                } else {
                    start += chunk;
                }
            }
            chunk /= 2;
        }
        // 2. Branches always taken.
        let mut i = 0;
        while i < nodes.len() {
            match nodes[i].target {
                Some(t) if t > i + 1 && t <= nodes.len() => {
                    let candidate = without(&nodes, i, t);
                    if attempt(&mut nodes, candidate) {
                        changed = true;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        // 3. Simpler operands.
        for i in 0..nodes.len() {
            for simpler in simpler_insns(&nodes[i].insn) {
                let mut candidate = nodes.clone();
                candidate[i].insn = simpler;
                if attempt(&mut nodes, candidate) {
                    changed = true;
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    to_insns(&nodes).unwrap_or_else(|| insns.to_vec())
}

/// Shrinks a program that disagrees with the kernel to a minimal one that disagrees in the same
/// way ([`Disagreement`]: same aspect, same instruction form), and returns it with its
/// comparison. A program that does not disagree is returned unchanged with its comparison.
pub fn shrink_disagreement(
    insns: &[Insn],
    pruning: PruningSource,
) -> Result<(Vec<Insn>, PathReport), PathsError> {
    let first = paths::compare(insns, pruning)?;
    let Some(kind) = first.disagreement() else {
        return Ok((insns.to_vec(), first));
    };
    let same = |report: &PathReport| -> bool {
        report.disagreement().as_ref() == Some(&kind as &Disagreement)
    };
    let shrunk = shrink(insns, &mut |program| {
        paths::compare(program, pruning).is_ok_and(|r| same(&r))
    });
    let report = paths::compare(&shrunk, pruning)?;
    Ok((shrunk, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use absint::isa::{assemble, AluOp, Reg, Width};

    fn program(text: &str) -> Vec<Insn> {
        assemble(text).expect("test program assembles")
    }

    #[test]
    fn removing_an_instruction_keeps_jump_targets() {
        // Slots: 0 mov, 1 jump, 2 mov, 3-4 ld_imm64, 5 mov, 6 exit; the jump targets slot 5.
        let p = program("r0 = 0\nif r0 > 0x5 goto pc+3\nr1 = 1\nr2 = 0x100000000\nr0 = 1\nexit\n");
        let nodes = to_nodes(&p).expect("valid jumps");
        let off = |q: &[Insn]| match q[1] {
            Insn::Jump { off, .. } => off,
            _ => panic!("instruction 1 is the jump"),
        };
        // Removing the mov it skips shortens it by one slot, the ld_imm64 by two.
        assert_eq!(off(&to_insns(&without(&nodes, 2, 3)).expect("fits")), 2);
        assert_eq!(off(&to_insns(&without(&nodes, 3, 4)).expect("fits")), 1);
        // A jump into a removed range lands on what follows it.
        let p = program("r0 = 0\nif r0 > 0x5 goto pc+1\nr1 = 1\nr2 = 0x100000000\nr0 = 1\nexit\n");
        let nodes = to_nodes(&p).expect("valid jumps");
        let q = to_insns(&without(&nodes, 3, 4)).expect("fits");
        assert_eq!(off(&q), 1);
        assert_eq!(q[3], p[4]);
        // A jump into the middle of an ld_imm64 is not a program the shrinker edits.
        assert_eq!(
            to_nodes(&program("if r0 > 0x5 goto pc+1\nr2 = 0x100000000\nexit\n")),
            None
        );
    }

    #[test]
    fn shrinks_to_the_instructions_the_property_needs() {
        let p = program(
            "call bpf_get_prandom_u32\nr6 = r0\nr7 = 100\nif r6 > 0x7 goto pc+2\nr6 *= 3\nr7 += 5\n\
             r6 s/= r7\nr0 = 0\nexit\n",
        );
        // Keep: the program holds a signed division whose divisor is an immediate or register.
        let mut calls = 0;
        let shrunk = shrink(&p, &mut |q| {
            calls += 1;
            q.iter().any(|i| {
                matches!(
                    i,
                    Insn::Alu {
                        op: AluOp::Sdiv,
                        ..
                    }
                )
            })
        });
        assert_eq!(
            shrunk,
            vec![Insn::Alu {
                width: Width::W64,
                op: AluOp::Sdiv,
                dst: Reg::new(6).unwrap(),
                src: Operand::Imm(0)
            }]
        );
        assert!(calls > 5);
        // Deterministic.
        let again = shrink(&p, &mut |q| {
            q.iter().any(|i| {
                matches!(
                    i,
                    Insn::Alu {
                        op: AluOp::Sdiv,
                        ..
                    }
                )
            })
        });
        assert_eq!(again, shrunk);
    }

    #[test]
    fn immediates_shrink_towards_zero() {
        let p = program("r0 = 1000\nexit\n");
        let shrunk = shrink(&p, &mut |q| {
            matches!(q.first(), Some(Insn::Mov { src: Operand::Imm(x), .. }) if *x >= 100)
                && q.len() == 2
        });
        // 1000 → 500 → 250 → 125; 62 is too small.
        assert_eq!(
            shrunk[0],
            Insn::Mov {
                width: Width::W64,
                dst: Reg::R0,
                src: Operand::Imm(125)
            }
        );
    }
}
