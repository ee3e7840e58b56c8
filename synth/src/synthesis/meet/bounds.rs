//! Bound pieces found by enumeration: "this bound always holds" interval operators.
//!
//! For an interval target, a *lower-bound piece* is `[t, top.hi]` and an *upper-bound piece*
//! `[top.lo, t]` for a term `t` over the arguments' bounds (`$0 $1 $2 $3` = `a.lo a.hi b.lo
//! b.hi`). Concretization: every word between `t` and the top end (unsigned or signed order),
//! always non-empty. It is sound exactly when `t` is below every concrete result (or above, for
//! an upper bound) on every input — which the meet search checks exhaustively at a small width
//! and proves with z3 like any other piece; nothing here is trusted.
//!
//! The terms come from the enumerative search's bank ([`super::super::enumerate::Bank`]) over
//! the examples of the target (programming by example, as in CEGIS): a term is a candidate
//! lower bound when it is at most the best transformer's lower bound on every example, and it is
//! ranked by the number of examples on which it *is* that bound (tight), then by size. The
//! grammar offers the target's own operation (`bvudiv`, `bvurem`, `bvsdiv`, `bvsrem`: the IR's
//! SMT-LIB operations, whose results on a zero divisor differ from BPF's — the checks are
//! against BPF's; `bvmul`; `bvshl`, `bvlshr`, `bvashr`, SMT-LIB like the targets' shifts), the min/max of the order, and the additive and bitwise operations.

use super::pool::{MeetTarget, Origin, PoolPiece, ProofMethod};
use crate::ir::op::{BinaryOp, UnaryOp};
use crate::synthesis::enumerate::{Bank, EnumConfig};
use crate::synthesis::examples::Examples;
use crate::synthesis::grammar::{Components, Leaf, Term};
use crate::synthesis::operator::{Candidate, CandidateEntry};
use crate::synthesis::targets::{Arity, Concrete, Target, TargetDomain};
use absint::word::sign_extend;
use std::sync::Arc;

/// How many pieces of each side (lower, upper) are kept.
pub const PER_SIDE: usize = 4;

/// The concrete operation of a target, if the bound search knows it.
fn concrete_of(op: &str) -> Option<Concrete> {
    Some(match op {
        "udiv" => Concrete::Udiv,
        "urem" => Concrete::Urem,
        "sdiv" => Concrete::Sdiv,
        "srem" => Concrete::Srem,
        "mul" => Concrete::Mul,
        "shl" => Concrete::Shl,
        "lshr" => Concrete::Lshr,
        "ashr" => Concrete::Ashr,
        "add" => Concrete::Add,
        "sub" => Concrete::Sub,
        "and" => Concrete::And,
        "or" => Concrete::Or,
        "xor" => Concrete::Xor,
        _ => return None,
    })
}

/// The grammar of the bound terms of `target`.
fn components(domain: TargetDomain, concrete: Concrete) -> Components {
    let signed = domain == TargetDomain::SInt;
    let mut constants = vec![Leaf::Zero, Leaf::One, Leaf::Ones];
    if signed {
        constants.extend([Leaf::SMin, Leaf::SMax]);
    }
    let mut binary = vec![BinaryOp::Add, BinaryOp::Sub, BinaryOp::And, BinaryOp::Or];
    binary.extend(match concrete {
        Concrete::Udiv => vec![BinaryOp::Udiv],
        Concrete::Urem => vec![BinaryOp::Urem],
        Concrete::Sdiv => vec![BinaryOp::Sdiv],
        Concrete::Srem => vec![BinaryOp::Srem],
        Concrete::Mul => vec![BinaryOp::Mul],
        Concrete::Shl => vec![BinaryOp::Shl],
        Concrete::Lshr => vec![BinaryOp::Lshr],
        Concrete::Ashr => vec![BinaryOp::Ashr],
        _ => vec![],
    });
    binary.extend(if signed {
        [BinaryOp::Smin, BinaryOp::Smax]
    } else {
        [BinaryOp::Umin, BinaryOp::Umax]
    });
    Components {
        constants,
        unary: vec![UnaryOp::Not, UnaryOp::Neg],
        binary,
        compare: vec![],
    }
}

/// The synthesis target (for the examples and the catalog entry) of a meet target.
pub fn target_of(target: &MeetTarget) -> Option<Target> {
    if target.domain == TargetDomain::Tnum {
        return None;
    }
    let concrete = concrete_of(target.op)?;
    Some(Target {
        domain: target.domain,
        op: target.op,
        arity: Arity::Binary,
        concrete,
        components: components(target.domain, concrete),
        reference: "",
    })
}

/// Which side of the interval a bound piece fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `[t, top.hi]`.
    Lower,
    /// `[top.lo, t]`.
    Upper,
}

/// The bound piece `t` on `side` as a candidate (its two fields).
pub fn candidate(domain: TargetDomain, side: Side, t: &Arc<Term>) -> Candidate {
    let signed = domain == TargetDomain::SInt;
    let (low, high) = if signed {
        (Leaf::SMin, Leaf::SMax)
    } else {
        (Leaf::Zero, Leaf::Ones)
    };
    match side {
        Side::Lower => Candidate {
            fields: [t.clone(), Arc::new(Term::Leaf(high))],
        },
        Side::Upper => Candidate {
            fields: [Arc::new(Term::Leaf(low)), t.clone()],
        },
    }
}

/// The enumerated bound pieces of `target`: at most [`PER_SIDE`] tight lower and upper bounds
/// consistent with every example, as catalog operators at every width from 1 to 64.
pub fn pieces(target: &MeetTarget) -> Vec<PoolPiece> {
    let Some(t) = target_of(target) else {
        return Vec::new();
    };
    let examples = Examples::generate(&t, 1, 40, 24);
    let bank = Bank::build(
        &examples,
        4,
        &t.components,
        &EnumConfig {
            max_size: 2,
            ..EnumConfig::default()
        },
    );
    let n = bank.probe.len();
    let signed = t.domain == TargetDomain::SInt;
    let key = |x: u64, w: u32| -> i128 {
        if signed {
            i128::from(sign_extend(x, w))
        } else {
            i128::from(x)
        }
    };
    let mut found = Vec::new();
    for side in [Side::Lower, Side::Upper] {
        // (tight examples, size, bank index)
        let mut ranked: Vec<(usize, u32, usize)> = Vec::new();
        for (k, term) in bank.terms.iter().enumerate() {
            let fp = &bank.fps[k * n..(k + 1) * n];
            let mut tight = 0;
            let holds = examples.list.iter().zip(fp).all(|(e, &v)| {
                let (v, lo, hi) = (
                    key(v, e.width),
                    key(e.best[0], e.width),
                    key(e.best[1], e.width),
                );
                let ok = match side {
                    Side::Lower => v <= lo,
                    Side::Upper => v >= hi,
                };
                let bound = if side == Side::Lower { lo } else { hi };
                tight += usize::from(v == bound);
                ok
            });
            // A bound tight on no example is top's own end or useless.
            if holds && tight > 0 {
                ranked.push((tight, term.size(), k));
            }
        }
        ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for &(_, _, k) in ranked.iter().take(PER_SIDE) {
            let term = &bank.terms[k];
            // Constant ends of top are top itself: no piece.
            if matches!(
                **term,
                Term::Leaf(Leaf::Zero | Leaf::Ones | Leaf::SMin | Leaf::SMax)
            ) {
                continue;
            }
            let cand = candidate(t.domain, side, term);
            let name = format!(
                "{}.bound.{}[{}]",
                target.name(),
                if side == Side::Lower { "lo" } else { "hi" },
                term
            );
            let widths: Vec<u32> = (1..=64).collect();
            if let Ok(entry) = CandidateEntry::new(&t, &cand, &name, &widths) {
                let terms = [cand.fields[0].to_string(), cand.fields[1].to_string()];
                found.push(
                    PoolPiece::new(Arc::new(entry), Origin::Enumerated, ProofMethod::Z3)
                        .with_terms(terms),
                );
            }
        }
    }
    found
}
