//! Stage-by-stage proofs of the barrel shifters on tnums ([`super::barrel`],
//! [`super::barrel_bounds`]) and of the BPF shifts ([`super::bpf_shift`]), at any width.
//!
//! One z3 query on the whole barrel at 64 bits takes 15 to 27 s (a symbolic 64-bit shift
//! against six stages of unions) and can exceed a minute on a loaded machine. The proof here
//! splits it into small lemmas, each about one stage or one fact of shifts, for `x ∈ γ(t)`,
//! `k ∈ γ(s)`, `low_i = 2^i − 1`, `b_i = 2^i`, `K` stages and `high = !(2^K − 1)`:
//!
//! * `base`: `op(x, 0) = x`;
//! * `compose i` (each `i < K`): `op(x, k & low_{i+1}) = ite(k & b_i ≠ 0, op(y, b_i), y)` with
//!   `y = op(x, k & low_i)` (SMT shifts compose, saturating past the width);
//! * `stage i` (each `i < K`): for any well-formed `acc` and `y ∈ γ(acc)`,
//!   `ite(k & b_i ≠ 0, op(y, b_i), y) ∈ γ(stage_i(acc, s))`, well-formed;
//! * `saturate`: `op(x, k) = ite(k & high ≠ 0, op(x, w), op(x, k & low_K))`;
//! * `too large`: `op(x, w) ∈ γ(too_large(t))`, well-formed;
//! * `finish`: for any well-formed `acc`, `y ∈ γ(acc)`, `z ∈ γ(too_large(t))`:
//!   `ite(k & high ≠ 0, z, y) ∈ γ(finish(acc, t, s))`, well-formed;
//! * `unrolled`: the catalog operator is `finish(stage_{K−1}(… stage_0(t, s) …), t, s)` (the
//!   same term, by construction; checked on the z3 terms).
//!
//! The barrel on bounds ([`super::barrel_bounds`]) has the same shift facts and its own
//! `bounds init` (`value ⊆ x ⊆ value | mask`), `bounds stage i` (bounds `lo ⊆ y ⊆ hi` give
//! bounds of `y` moved by amount bit `i`), `bounds finish` and `unrolled` lemmas
//! ([`bounds_lemmas`]), chained the same way with "`y` between the bounds" as the invariant.
//!
//! Chaining them: with `y_{−1} = x ∈ γ(t)` (base) and `y_i = op(x, k & low_{i+1})`, `compose i`
//! and `stage i` give `y_i ∈ γ(acc_i)` by induction; `saturate`, `too large` and `finish` give
//! `op(x, k) ∈ γ(barrel(t, s))`, well-formed. For the BPF shift (built on the barrel on
//! bounds), a `mask` lemma adds `k & c ∈ γ(s & c)` with `s & c` well-formed (`c = w − 1`), so
//! the soundness at `(t, s & c)` covers `op(x, k & c)`.

use super::ShiftOp;
use super::{
    barrel_bounds, barrel_finish, barrel_stage, bounds_finish, bounds_stage, bpf_shift,
    high_amount_bits, stages, Piece,
};
use crate::smt::Z3Word;
use crate::verify::{prove_claim, prove_same_tnum, timed, Lemma};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::time::Duration;

fn tnum(tag: &str, width: u32) -> Tnum<Z3Word> {
    Tnum::new(
        Z3Word::fresh(&format!("{tag}_v"), width),
        Z3Word::fresh(&format!("{tag}_m"), width),
    )
}

/// `2^i − 1` as a word like `like` (all ones from `i = width` on).
fn low<W: Word>(like: &W, i: u32) -> W {
    if i >= like.width() {
        like.ones()
    } else {
        like.lit((1u64 << i) - 1)
    }
}

/// `ite(k & 2^i ≠ 0, op(y, 2^i), y)`: what stage `i` does to one member.
fn stage_member<W: Word>(op: ShiftOp, y: &W, k: &W, i: u32) -> W {
    let bit = k.lit(1u64 << i);
    W::ite(&k.bvand(&bit).is_zero().not(), &op.concrete(y, &bit), y)
}

/// A barrel stage on z3 terms: [`barrel_stage`], or (tests) a broken one.
pub type StageFn = dyn Fn(ShiftOp, &Tnum<Z3Word>, &Tnum<Z3Word>, u32) -> Tnum<Z3Word>;

/// The `stage i` lemma for the stage function `stage`: a member moved by amount bit `i` is in
/// the stage's result, which is well-formed.
pub fn stage_lemma(op: ShiftOp, width: u32, i: u32, stage: &StageFn, timeout: Duration) -> Lemma {
    timed(
        &format!("stage {i}: a member moved by amount bit {i} is in stage {i}'s result"),
        || {
            let (acc, s) = (tnum("acc", width), tnum("s", width));
            let (y, k) = (Z3Word::fresh("y", width), Z3Word::fresh("k", width));
            let assumptions = [
                acc.is_well_formed(),
                acc.contains(&y),
                s.is_well_formed(),
                s.contains(&k),
            ];
            let r = stage(op, &acc, &s, i);
            let claim = r
                .contains(&stage_member(op, &y, &k, i))
                .and(&r.is_well_formed());
            prove_claim(&assumptions, &claim, timeout)
        },
    )
}

/// The lemmas about concrete shifts that every barrel proof uses: `base`, `compose i` for each
/// stage, `saturate`.
pub fn shift_fact_lemmas(op: ShiftOp, width: u32, timeout: Duration) -> Vec<Lemma> {
    let k_stages = stages(width);
    let mut lemmas = Vec::new();
    lemmas.push(timed("base: op(x, 0) = x", || {
        let x = Z3Word::fresh("x", width);
        prove_claim(&[], &op.concrete(&x, &x.zero()).eq(&x), timeout)
    }));
    for i in 0..k_stages {
        lemmas.push(timed(
            &format!(
                "compose {i}: op(x, k & low_{}) = stage {i} of op(x, k & low_{i})",
                i + 1
            ),
            || {
                let (x, k) = (Z3Word::fresh("x", width), Z3Word::fresh("k", width));
                let y = op.concrete(&x, &k.bvand(&low(&k, i)));
                let whole = op.concrete(&x, &k.bvand(&low(&k, i + 1)));
                prove_claim(&[], &whole.eq(&stage_member(op, &y, &k, i)), timeout)
            },
        ));
    }
    lemmas.push(timed(
        "saturate: op(x, k) = op(x, w) when a high amount bit is set, else op(x, k & low_K)",
        || {
            let (x, k) = (Z3Word::fresh("x", width), Z3Word::fresh("k", width));
            let high = high_amount_bits(&k);
            let split = Z3Word::ite(
                &k.bvand(&high).is_zero().not(),
                &op.concrete(&x, &x.lit(u64::from(width))),
                &op.concrete(&x, &k.bvand(&low(&k, k_stages))),
            );
            prove_claim(&[], &op.concrete(&x, &k).eq(&split), timeout)
        },
    ));
    lemmas
}

/// The lemmas of the barrel of `op` at `width` bits, in the order of the module docs.
pub fn barrel_lemmas(op: ShiftOp, width: u32, timeout: Duration) -> Vec<Lemma> {
    let k_stages = stages(width);
    let mut lemmas = shift_fact_lemmas(op, width, timeout);
    for i in 0..k_stages {
        lemmas.push(stage_lemma(op, width, i, &barrel_stage, timeout));
    }
    lemmas.push(timed("too large: op(x, w) ∈ γ(too_large(t))", || {
        let t = tnum("t", width);
        let x = Z3Word::fresh("x", width);
        let r = op.too_large(&t);
        let claim = r
            .contains(&op.concrete(&x, &x.lit(u64::from(width))))
            .and(&r.is_well_formed());
        prove_claim(&[t.is_well_formed(), t.contains(&x)], &claim, timeout)
    }));
    lemmas.push(timed(
        "finish: the stages' member, or a too-large member, is in the finish",
        || {
            let (acc, t, s) = (tnum("acc", width), tnum("t", width), tnum("s", width));
            let (y, z, k) = (
                Z3Word::fresh("y", width),
                Z3Word::fresh("z", width),
                Z3Word::fresh("k", width),
            );
            let assumptions = [
                acc.is_well_formed(),
                acc.contains(&y),
                t.is_well_formed(),
                op.too_large(&t).contains(&z),
                s.is_well_formed(),
                s.contains(&k),
            ];
            let r = barrel_finish(op, &acc, &t, &s);
            let member = Z3Word::ite(&k.bvand(&high_amount_bits(&k)).is_zero().not(), &z, &y);
            let claim = r.contains(&member).and(&r.is_well_formed());
            prove_claim(&assumptions, &claim, timeout)
        },
    ));
    lemmas.push(timed(
        "unrolled: the barrel is the finish of its stages",
        || {
            let (t, s) = (tnum("t", width), tnum("s", width));
            let mut acc = t.clone();
            for i in 0..k_stages {
                acc = barrel_stage(op, &acc, &s, i);
            }
            prove_same_tnum(
                &Piece::Barrel.apply(op, &t, &s),
                &barrel_finish(op, &acc, &t, &s),
                timeout,
            )
        },
    ));
    lemmas
}

/// The lemmas of the BPF shift of `op` (`tnum.<op>.var.bpf`) at `width` bits (a power of two):
/// the barrel on bounds' ([`bounds_lemmas`]), then `mask` and `unrolled (bpf)`.
pub fn bpf_lemmas(op: ShiftOp, width: u32, timeout: Duration) -> Vec<Lemma> {
    let mut lemmas = bounds_lemmas(op, width, timeout);
    lemmas.push(timed(
        "mask: k & c ∈ γ(s & c), well-formed (c = w − 1)",
        || {
            let s = tnum("s", width);
            let k = Z3Word::fresh("k", width);
            let c = k.lit(u64::from(width - 1));
            let masked = s.and(&Tnum::constant(c.clone()));
            let claim = masked.contains(&k.bvand(&c)).and(&masked.is_well_formed());
            prove_claim(&[s.is_well_formed(), s.contains(&k)], &claim, timeout)
        },
    ));
    lemmas.push(timed(
        "unrolled (bpf): the BPF shift is the barrel on bounds at s & c",
        || {
            let (t, s) = (tnum("t", width), tnum("s", width));
            let c = Tnum::constant(s.value.lit(u64::from(width - 1)));
            prove_same_tnum(
                &bpf_shift(op, Piece::BarrelBounds, &t, &s),
                &barrel_bounds(op, &t, &s.and(&c)),
                timeout,
            )
        },
    ));
    lemmas
}

/// `lo ⊆ y ⊆ hi` bit by bit.
fn between(lo: &Z3Word, y: &Z3Word, hi: &Z3Word) -> crate::smt::Z3Bool {
    lo.bvand(&y.bvnot())
        .is_zero()
        .and(&y.bvand(&hi.bvnot()).is_zero())
}

/// The lemmas of the barrel on bounds ([`super::barrel_bounds`]) of `op` at `width` bits: the
/// shift facts, then `bounds init` (`value ⊆ x ⊆ value | mask` for `x ∈ γ(t)`), `bounds stage
/// i` (bounds holding `y` hold `y` moved by amount bit `i` after the stage), `bounds finish`
/// (the stages' member, or `op(x, w)`, is in the result, well-formed) and `unrolled`.
pub fn bounds_lemmas(op: ShiftOp, width: u32, timeout: Duration) -> Vec<Lemma> {
    let k_stages = stages(width);
    let mut lemmas = shift_fact_lemmas(op, width, timeout);
    lemmas.push(timed("bounds init: value ⊆ x ⊆ value | mask", || {
        let t = tnum("t", width);
        let x = Z3Word::fresh("x", width);
        let claim = between(&t.value, &x, &t.max());
        prove_claim(&[t.is_well_formed(), t.contains(&x)], &claim, timeout)
    }));
    for i in 0..k_stages {
        lemmas.push(timed(
            &format!("bounds stage {i}: bounds of y bound y moved by amount bit {i}"),
            || {
                let s = tnum("s", width);
                let (lo, hi, y, k) = (
                    Z3Word::fresh("lo", width),
                    Z3Word::fresh("hi", width),
                    Z3Word::fresh("y", width),
                    Z3Word::fresh("k", width),
                );
                let assumptions = [between(&lo, &y, &hi), s.is_well_formed(), s.contains(&k)];
                let (lo2, hi2) = bounds_stage(op, &lo, &hi, &s, i);
                let claim = between(&lo2, &stage_member(op, &y, &k, i), &hi2);
                prove_claim(&assumptions, &claim, timeout)
            },
        ));
    }
    lemmas.push(timed(
        "bounds finish: the stages' member, or op(x, w), is in the result",
        || {
            let (t, s) = (tnum("t", width), tnum("s", width));
            let (lo, hi, x, y, k) = (
                Z3Word::fresh("lo", width),
                Z3Word::fresh("hi", width),
                Z3Word::fresh("x", width),
                Z3Word::fresh("y", width),
                Z3Word::fresh("k", width),
            );
            let assumptions = [
                between(&lo, &y, &hi),
                t.is_well_formed(),
                t.contains(&x),
                s.is_well_formed(),
                s.contains(&k),
            ];
            let r = bounds_finish(op, &lo, &hi, &t, &s);
            let member = Z3Word::ite(
                &k.bvand(&high_amount_bits(&k)).is_zero().not(),
                &op.concrete(&x, &x.lit(u64::from(width))),
                &y,
            );
            prove_claim(
                &assumptions,
                &r.contains(&member).and(&r.is_well_formed()),
                timeout,
            )
        },
    ));
    lemmas.push(timed(
        "unrolled: the barrel on bounds is the finish of its stages",
        || {
            let (t, s) = (tnum("t", width), tnum("s", width));
            let (mut lo, mut hi) = (t.value.clone(), t.max());
            for i in 0..k_stages {
                (lo, hi) = bounds_stage(op, &lo, &hi, &s, i);
            }
            prove_same_tnum(
                &Piece::BarrelBounds.apply(op, &t, &s),
                &bounds_finish(op, &lo, &hi, &t, &s),
                timeout,
            )
        },
    ));
    lemmas
}

/// The structured proof of the catalog operator `name` at `width` bits, if it has one
/// (`tnum.<op>.var.barrel`, `tnum.<op>.var.barrel_bounds`, `tnum.<op>.var.bpf`): its lemmas. The proof holds when every lemma
/// is valid ([`crate::verify::combine`]).
pub fn structured_proof(name: &str, width: u32, timeout: Duration) -> Option<Vec<Lemma>> {
    let rest = name.strip_prefix("tnum.")?;
    let op = ShiftOp::ALL
        .into_iter()
        .find(|op| rest.starts_with(&format!("{}.", op.target_op())))?;
    match &rest[op.target_op().len() + 1..] {
        "barrel" if (1..=64).contains(&width) => Some(barrel_lemmas(op, width, timeout)),
        "barrel_bounds" if (1..=64).contains(&width) => Some(bounds_lemmas(op, width, timeout)),
        "bpf" if (1..=64).contains(&width) && width.is_power_of_two() => {
            Some(bpf_lemmas(op, width, timeout))
        }
        _ => None,
    }
}
