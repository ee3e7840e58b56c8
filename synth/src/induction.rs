//! Inductive soundness proofs of the older tnum multiplications, `tnum.mul.v5_13` (Linux 5.13
//! to 6.17) and `tnum.mul.pre_v5_13` (before 5.13), at any width.
//!
//! Both are loops of `w` iterations over the bits of one operand, like the 6.18 `tnum_mul`
//! whose inductive proof is in [`crate::verify`]; unrolled at 64 bits they are terms z3 does not
//! decide within a practical budget. Each proof here is a loop invariant established from a few
//! lemmas, each a small z3 query at the full width; the arithmetic that glues the lemmas
//! together is ring arithmetic modulo `2^w` (stated with each proof, not asked of z3: equalities
//! of products are what bit-blasting handles worst).
//!
//! # `tnum.mul.v5_13` (CGO'22 "our_mul")
//!
//! `mul_v5_13(a, b) = const(a.v·b.v) + acc_w`, where `acc₀ = 0` and
//!
//! ```text
//! accᵢ₊₁ = accᵢ + (0; bᵢ.m)            if lsb(aᵢ) known 1
//!          accᵢ + (0; bᵢ.v | bᵢ.m)      if lsb(aᵢ) unknown
//!          accᵢ                         if lsb(aᵢ) known 0
//! aᵢ₊₁ = aᵢ >> 1,  bᵢ₊₁ = bᵢ << 1
//! ```
//!
//! Invariant, for all `x ∈ γ(a₀)`, `y ∈ γ(b₀)`:
//! `Iᵢ: wf(accᵢ) ∧ aᵢ = a₀ >> i ∧ bᵢ = b₀ << i ∧ (x mod 2^i)·y − (a₀.v mod 2^i)·b₀.v ∈ γ(accᵢ)`.
//!
//! - **step-v5_13**: for well-formed `acc, a, b`, `p ∈ γ(acc)`, `q ∈ γ(b)`, and a bit `c`
//!   allowed by `a`'s lowest bit, `p + c·q − lsb(a.v)·b.v ∈ γ(step(acc, a, b))`, well-formed.
//!   With `p` the invariant's difference, `q = y << i ∈ γ(bᵢ)`, `c` = bit `i` of `x` and
//!   `lsb(aᵢ.v)·bᵢ.v` = bit `i` of `a₀.v` times `b₀.v << i`, the new difference is
//!   `(x mod 2^(i+1))·y − (a₀.v mod 2^(i+1))·b₀.v`: `Iᵢ₊₁`.
//! - **rshift**, **lshift**, **shift-compose**, **base**: shared with `tnum.mul`.
//! - **final-add**: `k + d ∈ γ(const(k) + acc)` for well-formed `acc ∋ d`, well-formed: at
//!   `i = w` the difference is `x·y − a₀.v·b₀.v`, so `x·y ∈ γ(const(a₀.v·b₀.v) + acc_w)`.
//! - **unrolled**: the loop written here, `w` times from `(0, a, b)`, then the final addition,
//!   is the term of [`Tnum::mul_v5_13`] (ties the copy to the code that runs).
//!
//! # `tnum.mul.pre_v5_13` (CGO'22 "kern_mul")
//!
//! `mul_pre_v5_13(a, b) = hma(hma(const(a.v·b.v), a.m, b.v | b.m), b.m, a.v)`, where
//! `hma(acc, mask, value)` adds `(0; value << i)` to `acc` for every set bit `i` of `mask`.
//! For `x ∈ γ(a)`, `y ∈ γ(b)` write `x = a.v + xₘ` and `y = b.v + yₘ` with `xₘ = x & a.m`,
//! `yₘ = y & b.m` (disjoint bits add without carries); then
//! `x·y = a.v·b.v + xₘ·y + a.v·yₘ (mod 2^w)`, and each of the two products is a sum over the
//! mask bits: `xₘ·y = Σ_{i ∈ a.m} xᵢ·(y << i)` and `a.v·yₘ = Σ_{i ∈ b.m} yᵢ·(a.v << i)`.
//!
//! - **hma-step**: for well-formed `acc ∋ p`, words `mask`, `value`, and a summand `d` that is
//!   0, or any member of `(0; value)` when `lsb(mask)` is set:
//!   `p + d ∈ γ(hma_step(acc, mask, value))`, well-formed. By induction over the `w`
//!   iterations (masks shifted right, values left, by **word-shift-compose**), each pass
//!   keeps `partial sum ∈ γ(acc)`.
//! - **summand-1**: for well-formed `b ∋ y`, a bit `c` and any `i`,
//!   `c·(y << i) ∈ γ((0; (b.v | b.m) << i))`: the first pass's summands.
//! - **summand-2**: for a word `v`, a bit `c` and any `i`, `c·(v << i) ∈ γ((0; v << i))`:
//!   the second pass's summands.
//! - **base-const**: `k ∈ γ(const(k))`, well-formed.
//! - **unrolled**: the two passes written here are the term of [`Tnum::mul_pre_v5_13`].
//!
//! A proof is valid only when every lemma is ([`crate::verify::combine`]); a lemma that times
//! out makes it unknown, never valid.

use crate::smt::Z3Word;
use crate::verify::{base_lemma, prove_claim, prove_same_tnum, shift_lemmas, timed, Lemma};
use absint::domain::tnum::Tnum;
use absint::word::{Bit, Word};
use std::time::Duration;

/// The operators with an inductive proof, by catalog name.
pub const INDUCTIVE: [&str; 3] = ["tnum.mul", "tnum.mul.v5_13", "tnum.mul.pre_v5_13"];

/// The inductive proof of the catalog operator `name` at `width` (every lemma, in order), or
/// `None` when the operator has none.
pub fn inductive_proof(name: &str, width: u32, timeout: Duration) -> Option<Vec<Lemma>> {
    match name {
        "tnum.mul" => Some(crate::verify::prove_tnum_mul_inductive(width, timeout)),
        "tnum.mul.v5_13" => Some(prove_mul_v5_13_inductive(width, timeout)),
        "tnum.mul.pre_v5_13" => Some(prove_mul_pre_v5_13_inductive(width, timeout)),
        _ => None,
    }
}

fn tnum(tag: &str, width: u32) -> Tnum<Z3Word> {
    Tnum::new(
        Z3Word::fresh(&format!("{tag}_v"), width),
        Z3Word::fresh(&format!("{tag}_m"), width),
    )
}

/// The loop body of the 5.13–6.17 `tnum_mul` (tied to [`Tnum::mul_v5_13`] by the "unrolled"
/// lemma).
pub fn mul_v5_13_step<W: Word>(acc: &Tnum<W>, a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    let zero = acc.value.zero();
    let if_one = acc.add(&Tnum::new(zero.clone(), b.mask.clone()));
    let if_unknown = acc.add(&Tnum::new(zero, b.value.bvor(&b.mask)));
    Tnum::ite(
        &a.value.lsb(),
        &if_one,
        &Tnum::ite(&a.mask.lsb(), &if_unknown, acc),
    )
}

/// One iteration of the pre-5.13 `hma` (tied to [`Tnum::mul_pre_v5_13`] by the "unrolled"
/// lemma).
pub fn hma_step<W: Word>(acc: &Tnum<W>, mask: &W, value: &W) -> Tnum<W> {
    let added = acc.add(&Tnum::new(mask.zero(), value.clone()));
    Tnum::ite(&mask.lsb(), &added, acc)
}

/// `c` is 0 or 1.
fn is_bit(c: &Z3Word) -> crate::smt::Z3Bool {
    c.eq(&c.zero()).or(&c.eq(&c.lit(1)))
}

/// `c` is allowed by `a`'s lowest bit: 1 if known 1, 0 if known 0, either if unknown.
fn allowed_by_lsb(a: &Tnum<Z3Word>, c: &Z3Word) -> crate::smt::Z3Bool {
    let one = c.lit(1);
    a.value
        .lsb()
        .not()
        .or(&c.eq(&one))
        .and(&a.value.lsb().or(&a.mask.lsb()).or(&c.eq(&c.zero())))
}

/// `c·q` for a bit `c`, as a select (no multiplier in the query).
fn times_bit(c: &Z3Word, q: &Z3Word) -> Z3Word {
    Z3Word::ite(&c.eq(&c.zero()), &q.zero(), q)
}

/// A loop body of a tnum multiplication on z3 words: `(acc, a, b) ↦ acc'`.
pub type MulStep = fn(&Tnum<Z3Word>, &Tnum<Z3Word>, &Tnum<Z3Word>) -> Tnum<Z3Word>;

/// The inductive proof of `tnum.mul.v5_13` at `width` (see the module docs).
pub fn prove_mul_v5_13_inductive(width: u32, timeout: Duration) -> Vec<Lemma> {
    prove_mul_v5_13_inductive_with(width, timeout, mul_v5_13_step::<Z3Word>)
}

/// The proof of `tnum.mul.v5_13` with `step` as the loop body stated in the lemmas (the real
/// one is [`mul_v5_13_step`]; the tests plant broken ones, which the "unrolled" lemma, or the
/// step lemma, must reject).
pub fn prove_mul_v5_13_inductive_with(width: u32, timeout: Duration, step: MulStep) -> Vec<Lemma> {
    let mut lemmas = vec![timed(
        "step-v5_13: p + c·q − lsb(a.v)·b.v ∈ γ(step(acc, a, b)), well-formed",
        || {
            let (acc, a, b) = (tnum("acc", width), tnum("a", width), tnum("b", width));
            let (p, q, c) = (
                Z3Word::fresh("p", width),
                Z3Word::fresh("q", width),
                Z3Word::fresh("c", width),
            );
            let assumptions = [
                acc.is_well_formed(),
                a.is_well_formed(),
                b.is_well_formed(),
                acc.contains(&p),
                b.contains(&q),
                is_bit(&c),
                allowed_by_lsb(&a, &c),
            ];
            let known = Z3Word::ite(&a.value.lsb(), &b.value, &b.value.zero());
            let next = step(&acc, &a, &b);
            let d = p.bvadd(&times_bit(&c, &q)).bvsub(&known);
            prove_claim(
                &assumptions,
                &next.contains(&d).and(&next.is_well_formed()),
                timeout,
            )
        },
    )];
    lemmas.extend(shift_lemmas(width, timeout));
    lemmas.push(base_lemma(width, timeout));
    lemmas.push(timed(
        "final-add: k + d ∈ γ(const(k) + acc), well-formed",
        || {
            let acc = tnum("acc", width);
            let (k, d) = (Z3Word::fresh("k", width), Z3Word::fresh("d", width));
            let r = Tnum::constant(k.clone()).add(&acc);
            prove_claim(
                &[acc.is_well_formed(), acc.contains(&d)],
                &r.contains(&k.bvadd(&d)).and(&r.is_well_formed()),
                timeout,
            )
        },
    ));
    lemmas.push(timed(
        "unrolled: const(a.v·b.v) + (w steps from (0, a, b)) = Tnum::mul_v5_13(a, b)",
        || {
            let (a0, b0) = (tnum("a", width), tnum("b", width));
            let one = a0.value.lit(1);
            let (mut acc, mut a, mut b) = (Tnum::constant(a0.value.zero()), a0.clone(), b0.clone());
            for _ in 0..width {
                acc = step(&acc, &a, &b);
                a = a.rshift(&one);
                b = b.lshift(&one);
            }
            let ours = Tnum::constant(a0.value.bvmul(&b0.value)).add(&acc);
            prove_same_tnum(&ours, &a0.mul_v5_13(&b0), timeout)
        },
    ));
    lemmas
}

/// The inductive proof of `tnum.mul.pre_v5_13` at `width` (see the module docs).
pub fn prove_mul_pre_v5_13_inductive(width: u32, timeout: Duration) -> Vec<Lemma> {
    let word = |tag: &str| Z3Word::fresh(tag, width);
    let mut lemmas = vec![timed(
        "hma-step: p + d ∈ γ(hma_step(acc, mask, value)) for d = 0 or d ∈ γ((0; value)) when lsb(mask)",
        || {
            let acc = tnum("acc", width);
            let (p, d, mask, value) = (word("p"), word("d"), word("mask"), word("value"));
            let summand = Tnum::new(value.zero(), value.clone());
            let d_ok = d
                .is_zero()
                .or(&mask.lsb().and(&summand.contains(&d)));
            let next = hma_step(&acc, &mask, &value);
            prove_claim(
                &[acc.is_well_formed(), acc.contains(&p), d_ok],
                &next.contains(&p.bvadd(&d)).and(&next.is_well_formed()),
                timeout,
            )
        },
    )];
    lemmas.push(timed(
        "summand-1: c·(y << i) ∈ γ((0; (b.v | b.m) << i)) for y ∈ γ(b)",
        || {
            let b = tnum("b", width);
            let (y, c, i) = (word("y"), word("c"), word("i"));
            let t = Tnum::new(y.zero(), b.value.bvor(&b.mask).bvshl(&i));
            prove_claim(
                &[b.is_well_formed(), b.contains(&y), is_bit(&c)],
                &t.contains(&times_bit(&c, &y.bvshl(&i))),
                timeout,
            )
        },
    ));
    lemmas.push(timed("summand-2: c·(v << i) ∈ γ((0; v << i))", || {
        let (v, c, i) = (word("v"), word("c"), word("i"));
        let t = Tnum::new(v.zero(), v.bvshl(&i));
        prove_claim(
            &[is_bit(&c)],
            &t.contains(&times_bit(&c, &v.bvshl(&i))),
            timeout,
        )
    }));
    lemmas.push(timed(
        "word-shift-compose: (m >> i) >> 1 = m >> (i+1), (v << i) << 1 = v << (i+1)",
        || {
            let (v, m, i) = (word("v"), word("m"), word("i"));
            let one = v.lit(1);
            let next = i.bvadd(&one);
            let claim = m
                .bvlshr(&i)
                .bvlshr(&one)
                .eq(&m.bvlshr(&next))
                .and(&v.bvshl(&i).bvshl(&one).eq(&v.bvshl(&next)));
            prove_claim(&[i.bvult(&i.lit(u64::from(width)))], &claim, timeout)
        },
    ));
    lemmas.push(timed("base-const: k ∈ γ(const(k)), well-formed", || {
        let k = word("k");
        let t = Tnum::constant(k.clone());
        prove_claim(&[], &t.contains(&k).and(&t.is_well_formed()), timeout)
    }));
    lemmas.push(timed(
        "unrolled: two hma passes from const(a.v·b.v) = Tnum::mul_pre_v5_13(a, b)",
        || {
            let (a, b) = (tnum("a", width), tnum("b", width));
            let one = a.value.lit(1);
            let pass = |mut acc: Tnum<Z3Word>, mask: &Z3Word, value: &Z3Word| {
                let (mut mask, mut value) = (mask.clone(), value.clone());
                for _ in 0..width {
                    acc = hma_step(&acc, &mask, &value);
                    mask = mask.bvlshr(&one);
                    value = value.bvshl(&one);
                }
                acc
            };
            let first = pass(
                Tnum::constant(a.value.bvmul(&b.value)),
                &a.mask,
                &b.mask.bvor(&b.value),
            );
            let ours = pass(first, &b.mask, &a.value);
            prove_same_tnum(&ours, &a.mul_pre_v5_13(&b), timeout)
        },
    ));
    lemmas
}
