//! The proof that [`super::precise`] (and every other piece) is sound at 64 bits, by
//! composition: each lemma is a z3 query small enough to be decided at 64 bits, and the
//! argument that chains them is written out here and in the book (`book/src/mul.md`).
//!
//! For `x ∈ γ(a)`, `y ∈ γ(b)` (well-formed `w`-bit tnums):
//!
//! 1. **Kernel.** `x·y ∈ γ(tnum_mul(a, b))`: the inductive proof of [`crate::verify`]
//!    ([`prove_tnum_mul_inductive`], six lemmas).
//! 2. **Swapped.** `x·y = y·x` (lemma `commute`), and `y·x ∈ γ(tnum_mul(b, a))` by 1.
//! 3. **Split.** `x` is a member of one of the parts of [`split_top`] (lemma `split k`, for
//!    `k = 1, 2, 3`).
//! 4. **Range**, for one pair of parts `a'`, `b'` holding `x`, `y`:
//!    * `bounds`: `a'.min ≤ x ≤ a'.max` as naturals (same for `y`);
//!    * `monotone` (integers, z3's nonlinear arithmetic): `0 ≤ x₁ ≤ x₂ ∧ 0 ≤ y₁ ≤ y₂ ⟹
//!      x₁y₁ ≤ x₂y₂`, so `L = amin·bmin ≤ x·y ≤ amax·bmax = H` as naturals below `2^(2w)`;
//!    * `halves` (integers) and `carries` (64-bit words): [`umul_hi`] and `bvmul` give the
//!      high and low halves of the exact `2w`-bit product. `halves` is the polynomial identity
//!      `(xh·2^32 + xl)(yh·2^32 + yl) = xh·yh·2^64 + (xh·yl + xl·yh)·2^32 + xl·yl`; `carries`
//!      runs [`high_from_partials`] on free partial products (bounded by `(2^32−1)²`) and checks
//!      that its word is the high half of that sum, in 128-bit arithmetic with shifts only.
//!      That a 64-bit `bvmul` of two numbers below `2^32` is their exact product, and that the
//!      low half of `x·y` is `bvmul(x, y)`, is the definition of `bvmul` (product mod `2^64`);
//!      below 33 bits [`umul_hi`] is `bvmul` on `2w`-bit words, exact by the same definition.
//!    * `interval`: a `2w`-bit number between `(Lh, Ll)` and `(Hh, Hl)` (lexicographically)
//!      has its low half in `γ(from_bounds(Lh, Ll, Hh, Hl))`, a well-formed tnum.
//! 5. **Join.** A member of either of two tnums is a member of their union (lemma `union`):
//!    the split ranges, the join over all pairs of parts, hold `x·y` by 3 and 4.
//! 6. **Meet.** A member of two well-formed tnums is a member of [`refine`] of them, which is
//!    well-formed (lemma `refine`); and `refine(k, p) ⊑ k` for every `p` (lemma `below kernel`:
//!    never less precise than the kernel's, whatever the piece).
//!
//! [`prove_tnum_mul_inductive`]: crate::verify::prove_tnum_mul_inductive

use super::range::{from_bounds, split_top};
use super::refine;
use super::wide::{high_from_partials, umul_hi};
use crate::smt::{Z3Bool, Z3Word};
use crate::verify::{prove_tnum_mul_inductive, Lemma, Verdict};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::time::{Duration, Instant};
use z3::ast::{Bool, Int};
use z3::{Params, SatResult, Solver};

fn tnum(tag: &str, width: u32) -> Tnum<Z3Word> {
    Tnum::new(
        Z3Word::fresh(&format!("{tag}_v"), width),
        Z3Word::fresh(&format!("{tag}_m"), width),
    )
}

/// Decide `assumptions ⟹ claim` with `solver`: valid when the negation is unsatisfiable.
fn decide(solver: Solver, assumptions: &[Bool], claim: &Bool, timeout: Duration) -> Verdict {
    let mut p = Params::new();
    p.set_u32(
        "timeout",
        timeout.as_millis().min(u128::from(u32::MAX)) as u32,
    );
    solver.set_params(&p);
    for a in assumptions {
        solver.assert(a);
    }
    solver.assert(claim.not());
    let started = Instant::now();
    match solver.check() {
        SatResult::Unsat => Verdict::Valid,
        SatResult::Sat => Verdict::Unknown(format!(
            "lemma refuted by z3 model: {}",
            solver
                .get_model()
                .map(|m| m.to_string())
                .unwrap_or_default()
        )),
        SatResult::Unknown => {
            let reason = solver.get_reason_unknown().unwrap_or_default();
            if started.elapsed() >= timeout || reason.contains("timeout") || reason == "canceled" {
                Verdict::Unknown(format!("timeout after {}s", timeout.as_secs()))
            } else {
                Verdict::Unknown(reason)
            }
        }
    }
}

fn bv(assumptions: &[Z3Bool], claim: &Z3Bool, timeout: Duration) -> Verdict {
    let solver = Solver::new_for_logic("QF_BV").unwrap_or_default();
    let assumptions: Vec<Bool> = assumptions.iter().map(|a| a.0.clone()).collect();
    decide(solver, &assumptions, &claim.0, timeout)
}

fn timed(name: String, f: impl FnOnce() -> Verdict) -> Lemma {
    let t = Instant::now();
    let verdict = f();
    Lemma {
        name,
        verdict,
        elapsed: t.elapsed(),
    }
}

/// `(h1, l1) ≤ (h2, l2)` lexicographically, unsigned.
fn lex_le(h1: &Z3Word, l1: &Z3Word, h2: &Z3Word, l2: &Z3Word) -> Z3Bool {
    h1.bvult(h2).or(&h1.eq(h2).and(&l1.bvule(l2)))
}

/// Every lemma of the compositional proof at `width` bits (1 to 64), in the order of the module
/// docs, the kernel's inductive lemmas first. The proof holds when every lemma is valid
/// ([`crate::verify::combine`]).
///
/// `max_split` bounds the split lemmas (`split 1` to `split max_split`): the pieces of
/// [`super::precise`] split on two bits, those of [`super::precise_max`] on three (the
/// three-bit lemma takes about a minute at 64 bits). The `carries` lemma covers [`umul_hi`] at
/// 64 bits and the direct lemma up to 32; at 33 to 63 bits the recombination of the two words
/// is not proved, and a lemma says so (unknown).
pub fn prove_pieces_compositional(width: u32, max_split: u32, timeout: Duration) -> Vec<Lemma> {
    let w = width;
    let mut lemmas = prove_tnum_mul_inductive(w, timeout);
    for l in &mut lemmas {
        l.name = format!("kernel: {}", l.name);
    }
    lemmas.push(timed("commute: x·y = y·x".into(), || {
        let (x, y) = (Z3Word::fresh("x", w), Z3Word::fresh("y", w));
        bv(&[], &x.bvmul(&y).eq(&y.bvmul(&x)), timeout)
    }));
    for k in 1..=max_split {
        lemmas.push(timed(
            format!("split {k}: a member of a is a member of a part"),
            || {
                let a = tnum("a", w);
                let x = Z3Word::fresh("x", w);
                let parts = split_top(&a, k);
                let held = parts
                    .iter()
                    .map(|p| p.contains(&x).and(&p.is_well_formed()))
                    .reduce(|p, q| p.or(&q))
                    .unwrap_or_else(|| x.bool_const(false));
                bv(&[a.is_well_formed(), a.contains(&x)], &held, timeout)
            },
        ));
    }
    lemmas.push(timed("bounds: a.min ≤ x ≤ a.max".into(), || {
        let a = tnum("a", w);
        let x = Z3Word::fresh("x", w);
        let claim = a.min().bvule(&x).and(&x.bvule(&a.max()));
        bv(&[a.is_well_formed(), a.contains(&x)], &claim, timeout)
    }));
    lemmas.push(timed(
        "monotone: x₁ ≤ x₂, y₁ ≤ y₂ ⟹ x₁y₁ ≤ x₂y₂ (naturals)".into(),
        || {
            let v: Vec<Int> = ["x1", "x2", "y1", "y2"]
                .iter()
                .map(|n| Int::fresh_const(n))
                .collect();
            let zero = Int::from_u64(0);
            let assumptions = [
                v[0].ge(&zero),
                v[2].ge(&zero),
                v[0].le(&v[1]),
                v[2].le(&v[3]),
            ];
            let claim =
                Int::mul(&[v[0].clone(), v[2].clone()]).le(Int::mul(&[v[1].clone(), v[3].clone()]));
            decide(Solver::new(), &assumptions, &claim, timeout)
        },
    ));
    lemmas.push(timed(
        "halves: the schoolbook identity (integers)".into(),
        || {
            let v: Vec<Int> = ["xh", "xl", "yh", "yl"]
                .iter()
                .map(|n| Int::fresh_const(n))
                .collect();
            let (xh, xl, yh, yl) = (&v[0], &v[1], &v[2], &v[3]);
            let s32 = Int::from_u64(1 << 32);
            let s64 = Int::mul(&[s32.clone(), s32.clone()]);
            let x = Int::add(&[Int::mul(&[xh.clone(), s32.clone()]), xl.clone()]);
            let y = Int::add(&[Int::mul(&[yh.clone(), s32.clone()]), yl.clone()]);
            let rhs = Int::add(&[
                Int::mul(&[xh.clone(), yh.clone(), s64]),
                Int::mul(&[
                    Int::add(&[
                        Int::mul(&[xh.clone(), yl.clone()]),
                        Int::mul(&[xl.clone(), yh.clone()]),
                    ]),
                    s32,
                ]),
                Int::mul(&[xl.clone(), yl.clone()]),
            ]);
            decide(Solver::new(), &[], &Int::mul(&[x, y]).eq(&rhs), timeout)
        },
    ));
    if w > 32 && w < 64 {
        lemmas.push(timed(
            "umul_hi: recombination at 33 to 63 bits".into(),
            || {
                Verdict::Unknown(
                    "not proved: the compositional proof covers 1-32 and 64 bits".into(),
                )
            },
        ));
    }
    if w == 64 {
        lemmas.push(timed(
            "carries: high_from_partials is the high word (128-bit, shifts)".into(),
            || {
                let p: Vec<Z3Word> = ["ll", "hl", "lh", "hh"]
                    .iter()
                    .map(|n| Z3Word::fresh(n, 64))
                    .collect();
                let bound = Z3Word::from_u64(64, 0xffff_fffe_0000_0001); // (2^32 - 1)^2
                let assumptions: Vec<Z3Bool> = p.iter().map(|q| q.bvule(&bound)).collect();
                let hi = high_from_partials(&p[0], &p[1], &p[2], &p[3]);
                // P = hh·2^64 + (hl + lh)·2^32 + ll, in 128-bit words (no multiplication).
                let wide = |q: &Z3Word| Z3Word(q.0.zero_ext(64));
                let shl =
                    |q: Z3Word, k: u32| Z3Word(q.0.bvshl(z3::ast::BV::from_u64(u64::from(k), 128)));
                let sum = shl(wide(&p[3]), 64)
                    .0
                    .bvadd(&shl(Z3Word(wide(&p[1]).0.bvadd(&wide(&p[2]).0)), 32).0)
                    .bvadd(&wide(&p[0]).0);
                let claim = Z3Word(sum.extract(127, 64)).eq(&hi);
                bv(&assumptions, &claim, timeout)
            },
        ));
    }
    if w <= 32 {
        lemmas.push(timed(
            "umul_hi: zero-extended bvmul, high half (direct)".into(),
            || {
                let (x, y) = (Z3Word::fresh("x", w), Z3Word::fresh("y", w));
                let wide = Z3Word(x.0.zero_ext(w).bvmul(y.0.zero_ext(w)));
                let claim = Z3Word(wide.0.extract(2 * w - 1, w)).eq(&umul_hi(&x, &y));
                bv(&[], &claim, timeout)
            },
        ));
    }
    lemmas.push(timed(
        "interval: the low half of a number between two bounds".into(),
        || {
            let v: Vec<Z3Word> = ["lh", "ll", "hh", "hl", "ph", "pl"]
                .iter()
                .map(|n| Z3Word::fresh(n, w))
                .collect();
            let r = from_bounds(&v[0], &v[1], &v[2], &v[3]);
            let assumptions = [
                lex_le(&v[0], &v[1], &v[4], &v[5]),
                lex_le(&v[4], &v[5], &v[2], &v[3]),
            ];
            bv(
                &assumptions,
                &r.contains(&v[5]).and(&r.is_well_formed()),
                timeout,
            )
        },
    ));
    lemmas.push(timed(
        "union: a member of either is a member of the union".into(),
        || {
            let (a, b) = (tnum("a", w), tnum("b", w));
            let x = Z3Word::fresh("x", w);
            let u = a.union(&b);
            let assumptions = [
                a.is_well_formed(),
                b.is_well_formed(),
                a.contains(&x).or(&b.contains(&x)),
            ];
            bv(
                &assumptions,
                &u.contains(&x).and(&u.is_well_formed()),
                timeout,
            )
        },
    ));
    lemmas.push(timed(
        "refine: a member of both is a member of the meet".into(),
        || {
            let (k, p) = (tnum("k", w), tnum("p", w));
            let x = Z3Word::fresh("x", w);
            let r = refine(&k, &p);
            let assumptions = [
                k.is_well_formed(),
                p.is_well_formed(),
                k.contains(&x),
                p.contains(&x),
            ];
            bv(
                &assumptions,
                &r.contains(&x).and(&r.is_well_formed()),
                timeout,
            )
        },
    ));
    lemmas.push(timed(
        "below kernel: refine(k, p) ⊑ k for every p".into(),
        || {
            let (k, p) = (tnum("k", w), tnum("p", w));
            bv(
                &[k.is_well_formed(), p.is_well_formed()],
                &k.includes(&refine(&k, &p)),
                timeout,
            )
        },
    ));
    lemmas
}
