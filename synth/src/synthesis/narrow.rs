//! A z3 counterexample at a wide width, narrowed to an example the search can learn from.
//!
//! The search learns from examples that carry the best transformer's result, which is computed
//! by enumerating the members of the inputs. A counterexample that z3 finds at 64 bits names
//! abstract inputs with up to 2^64 members each, one member per input, and the concrete result
//! that the candidate's output misses. [`narrow`] keeps those members and shrinks the inputs
//! around them, one step at a time, keeping a step only when the candidate still misses the
//! concrete result on the smaller inputs: for a tnum it fixes an unknown bit to the member's bit
//! (from the top), for an interval it moves a bound halfway towards the member. Every step keeps
//! the members inside the inputs, so the concrete result stays a result of the operation, and
//! the candidate still misses it: the narrowed example is again a counterexample, now with few
//! enough members ([`MAX_MEMBERS`]) for its best result to be computed. The search must then
//! reproduce that best result, which contains the missed value, so the same candidate cannot
//! come back.

use super::examples::Example;
use super::operator::{abs_fields, Candidate};
use super::targets::{Arity, Target, TargetDomain};
use crate::catalog::Abs;
use absint::word::{sign_extend, width_mask, Bv};

/// The most members (the product over the inputs) of a narrowed example.
pub const MAX_MEMBERS: u128 = 1 << 14;

/// The members of one element given by its two fields.
fn members_of(domain: TargetDomain, f: [u64; 2], width: u32) -> u128 {
    match domain {
        TargetDomain::Tnum => 1u128 << (f[1] & width_mask(width)).count_ones(),
        TargetDomain::UInt => u128::from(f[1].wrapping_sub(f[0]) & width_mask(width)) + 1,
        TargetDomain::SInt => {
            (i128::from(sign_extend(f[1], width)) - i128::from(sign_extend(f[0], width)) + 1)
                as u128
        }
    }
}

/// Does the result `r` (two fields) contain `x`?
fn contains(domain: TargetDomain, r: [u64; 2], x: u64, width: u32) -> bool {
    let m = width_mask(width);
    match domain {
        TargetDomain::Tnum => (x & !r[1] & m) == (r[0] & m),
        TargetDomain::UInt => r[0] <= x && x <= r[1],
        TargetDomain::SInt => {
            let s = |v: u64| sign_extend(v, width);
            s(r[0]) <= s(x) && s(x) <= s(r[1])
        }
    }
}

/// Shrink the element `f` one step towards `member`, if a step is left: the candidate
/// variants, most aggressive first.
fn steps(domain: TargetDomain, f: [u64; 2], member: u64, width: u32) -> Vec<[u64; 2]> {
    match domain {
        TargetDomain::Tnum => (0..width)
            .rev()
            .filter(|b| f[1] >> b & 1 == 1)
            .map(|b| {
                let bit = 1u64 << b;
                [f[0] | (member & bit), f[1] & !bit]
            })
            .collect(),
        TargetDomain::UInt | TargetDomain::SInt => {
            // Bounds in the order of the domain: offsets from the member.
            let key = |v: u64| -> i128 {
                if domain == TargetDomain::UInt {
                    i128::from(v)
                } else {
                    i128::from(sign_extend(v, width))
                }
            };
            let (lo, hi, x) = (key(f[0]), key(f[1]), key(member));
            let back = |v: i128| (v as u64) & width_mask(width);
            let mut out = Vec::new();
            for shrink_lo in [true, false] {
                let (from, gap) = if shrink_lo {
                    (lo, x - lo)
                } else {
                    (hi, hi - x)
                };
                let mut g = gap / 2;
                while g > 0 {
                    let moved = if shrink_lo { from + g } else { from - g };
                    out.push(if shrink_lo {
                        [back(moved), f[1]]
                    } else {
                        [f[0], back(moved)]
                    });
                    g /= 2;
                }
                if gap > 0 {
                    out.push(if shrink_lo {
                        [member, f[1]]
                    } else {
                        [f[0], member]
                    });
                }
            }
            out
        }
    }
}

/// The counterexample (`args`, `members`, the concrete result `concrete`) of `cand` at
/// `width`, narrowed to an example with at most [`MAX_MEMBERS`] members; `None` when the
/// candidate does not miss the concrete result on the given inputs or no narrowing keeps it
/// missed.
pub fn narrow(
    target: &Target,
    cand: &Candidate,
    args: &[Abs<Bv>],
    members: &[Bv],
    concrete: u64,
    width: u32,
) -> Option<Example> {
    let elements = match target.arity {
        Arity::Binary => 2,
        Arity::Unary | Arity::Shift => 1,
    };
    if args.len() < elements || members.len() < elements {
        return None;
    }
    let mut fields: Vec<[u64; 2]> = args[..elements].iter().map(abs_fields).collect();
    let extra: Vec<u64> = match target.arity {
        Arity::Shift => match args.get(1) {
            Some(Abs::Word(k)) => vec![k.get()],
            _ => return None,
        },
        _ => Vec::new(),
    };
    let inputs_of = |fields: &[[u64; 2]]| -> Vec<u64> {
        let mut v: Vec<u64> = fields.iter().flatten().copied().collect();
        v.extend(&extra);
        v
    };
    let misses = |fields: &[[u64; 2]]| {
        !contains(
            target.domain,
            cand.eval(&inputs_of(fields), width),
            concrete,
            width,
        )
    };
    if !misses(&fields) {
        return None;
    }
    let total = |fields: &[[u64; 2]]| -> u128 {
        fields
            .iter()
            .map(|f| members_of(target.domain, *f, width))
            .fold(1u128, |a, b| a.saturating_mul(b))
    };
    while total(&fields) > MAX_MEMBERS {
        // Shrink the element with the most members first.
        let mut order: Vec<usize> = (0..elements).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(members_of(target.domain, fields[i], width)));
        let step = order.iter().find_map(|&i| {
            steps(target.domain, fields[i], members[i].get(), width)
                .into_iter()
                .map(|f| {
                    let mut next = fields.clone();
                    next[i] = f;
                    next
                })
                .find(|next| misses(next))
        });
        fields = step?;
    }
    let inputs = inputs_of(&fields);
    let best = target.best(&inputs, width)?;
    Some(Example {
        width,
        inputs,
        best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesis::grammar::Term;
    use crate::synthesis::targets::by_name;
    use absint::domain::tnum::Tnum;

    /// `a.value | b.value, a.mask | b.mask` is tnum.or; as an "add" it misses carries.
    fn or_as_add() -> Candidate {
        Candidate {
            fields: [
                Term::parse("(bvor $0 $2)").unwrap(),
                Term::parse("(bvor $1 $3)").unwrap(),
            ],
        }
    }

    #[test]
    fn a_wide_tnum_counterexample_narrows_to_a_computable_one() {
        let add = by_name("tnum", "add").unwrap();
        let w = 64;
        // Every bit unknown but the low two: members 1 and 1 give 2, which the "or" misses.
        let a = Tnum::from_parts(w, 1, !3).unwrap();
        let b = Tnum::from_parts(w, 1, !3).unwrap();
        let args = [Abs::Tnum(a), Abs::Tnum(b)];
        let members = [Bv::new(w, 1), Bv::new(w, 1)];
        let e = narrow(&add, &or_as_add(), &args, &members, 2, w).expect("narrowed");
        assert_eq!(e.width, 64);
        let n: u32 = [e.inputs[1], e.inputs[3]]
            .iter()
            .map(|m| m.count_ones())
            .sum();
        assert!(u128::from(1u64 << n) <= MAX_MEMBERS, "{e:?}");
        // Still a counterexample: members inside, the candidate misses 2, the best has it.
        for (i, x) in [(0, 1u64), (2, 1)] {
            assert_eq!(x & !e.inputs[i + 1], e.inputs[i]);
        }
        assert!(!contains(add.domain, or_as_add().eval(&e.inputs, w), 2, w));
        assert!(contains(add.domain, e.best, 2, w));
    }

    #[test]
    fn a_wide_interval_counterexample_narrows_around_its_members() {
        let add = by_name("uint", "add").unwrap();
        let w = 64;
        // lo + lo, hi + hi without the wrap check: [0, 2^63] + [2^63, 2^63] wraps at 2^64.
        let cand = Candidate {
            fields: [
                Term::parse("(bvadd $0 $2)").unwrap(),
                Term::parse("(bvadd $1 $3)").unwrap(),
            ],
        };
        let (x, y) = (1u64 << 63, 1u64 << 63);
        let args = [
            Abs::UInt(absint::domain::interval::UInterval::new(w, 0, 1 << 63).unwrap()),
            Abs::UInt(absint::domain::interval::UInterval::new(w, 1 << 63, 1 << 63).unwrap()),
        ];
        let concrete = x.wrapping_add(y);
        // The candidate gives [2^63, 0], which is empty: it misses 0.
        let e = narrow(
            &add,
            &cand,
            &args,
            &[Bv::new(w, x), Bv::new(w, y)],
            concrete,
            w,
        )
        .expect("narrowed");
        assert!(e.inputs[0] <= x && x <= e.inputs[1]);
        assert!(e.inputs[2] <= y && y <= e.inputs[3]);
        assert!(
            members_of(add.domain, [e.inputs[0], e.inputs[1]], w)
                * members_of(add.domain, [e.inputs[2], e.inputs[3]], w)
                <= MAX_MEMBERS
        );
        assert!(!contains(add.domain, cand.eval(&e.inputs, w), concrete, w));
    }

    #[test]
    fn a_candidate_that_contains_the_result_gives_no_example() {
        let add = by_name("tnum", "add").unwrap();
        let w = 64;
        let a = Tnum::from_parts(w, 1, 0).unwrap();
        let args = [Abs::Tnum(a), Abs::Tnum(a)];
        // "or" on constants 1, 1 gives 1, which contains 1 (not the sum): no counterexample.
        assert!(narrow(
            &add,
            &or_as_add(),
            &args,
            &[Bv::new(w, 1), Bv::new(w, 1)],
            1,
            w
        )
        .is_none());
    }
}
