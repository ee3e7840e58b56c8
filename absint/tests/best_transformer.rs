//! The best transformer by enumeration: sound, the least sound element, known values, and the
//! `Enumerable` contract of every domain.

use absint::domain::best::{
    best_binary, best_unary, compare_binary, compare_unary, precision, Enumerable,
};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::Tnum;
use absint::word::{width_mask, Bv, Word};
use std::collections::BTreeSet;
use std::fmt::Debug;

fn bv(w: u32, x: u64) -> Bv {
    Bv::new(w, x)
}

/// Concrete semantics of a binary operator on `w`-bit patterns.
type Concrete = fn(u32, u64, u64) -> u64;

/// Concrete operations used as examples (`w`-bit patterns).
fn ops() -> Vec<(&'static str, Concrete)> {
    vec![
        ("add", |w, x, y| bv(w, x).bvadd(&bv(w, y)).get()),
        ("mul", |w, x, y| bv(w, x).bvmul(&bv(w, y)).get()),
        ("and", |w, x, y| x & y & width_mask(w)),
        ("lshr", |w, x, y| bv(w, x).bvlshr(&bv(w, y)).get()),
        ("udiv", |w, x, y| bv(w, x).bvudiv(&bv(w, y)).get()),
    ]
}

/// best_binary contains every result, and an element contains every result exactly when it
/// includes best_binary: best is the least sound element, so any smaller element misses one.
fn best_is_least_sound<D: Enumerable>(w: u32) {
    let all: Vec<D> = D::all(w).collect();
    for (name, op) in ops() {
        for a in &all {
            for b in &all {
                let best = best_binary(|x, y| op(w, x, y), w, a, b);
                let results: BTreeSet<u64> = a
                    .members()
                    .flat_map(|x| b.members().map(move |y| op(w, x, y)))
                    .collect();
                assert!(
                    results.iter().all(|z| best.has(*z)),
                    "{name}: {a:?} {b:?} best {best:?} unsound"
                );
                for c in &all {
                    let sound = results.iter().all(|z| c.has(*z));
                    assert_eq!(
                        sound,
                        best.le(c),
                        "{name}: {a:?} {b:?}: {c:?} vs best {best:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn best_binary_is_the_least_sound_tnum_at_3_bits() {
    best_is_least_sound::<Tnum>(3);
}

#[test]
fn best_binary_is_the_least_sound_unsigned_interval_at_3_bits() {
    best_is_least_sound::<UInterval>(3);
}

#[test]
fn best_binary_is_the_least_sound_signed_interval_at_3_bits() {
    best_is_least_sound::<SInterval>(3);
}

fn tnum(w: u32, v: u64, m: u64) -> Tnum {
    Tnum::from_parts(w, v, m).expect("well-formed literal")
}

#[test]
fn known_values() {
    let add = |x: u64, y: u64| x.wrapping_add(y);
    let mul = |x: u64, y: u64| x.wrapping_mul(y);
    // (0;1) + (0;1) = {0, 1, 2}: bits 0 and 1 unknown.
    assert_eq!(
        best_binary(add, 4, &tnum(4, 0, 1), &tnum(4, 0, 1)),
        tnum(4, 0, 3)
    );
    assert_eq!(
        best_binary(mul, 4, &tnum(4, 0, 1), &tnum(4, 0, 1)),
        tnum(4, 0, 1)
    );
    // {0, 1} × {2, 3} = {0, 2, 3}
    assert_eq!(
        best_binary(mul, 4, &tnum(4, 0, 1), &tnum(4, 2, 1)),
        tnum(4, 0, 3)
    );
    // Results are truncated to the width: 15 + 1 wraps to 0.
    assert_eq!(
        best_binary(add, 4, &tnum(4, 15, 0), &tnum(4, 1, 0)),
        tnum(4, 0, 0)
    );
    // -{0, 1} = {0, 15}: every bit unknown in the tnum, both ends in the unsigned interval.
    let neg = |x: u64| x.wrapping_neg();
    assert_eq!(best_unary(neg, 4, &tnum(4, 0, 1)), tnum(4, 0, 15));
    let u = |lo, hi| UInterval::new(4, lo, hi).expect("well-formed");
    let s = |lo, hi| SInterval::new(4, lo, hi).expect("well-formed");
    assert_eq!(best_unary(neg, 4, &u(0, 1)), u(0, 15));
    assert_eq!(best_unary(neg, 4, &s(0, 1)), s(-1, 0));
    assert_eq!(best_binary(add, 4, &u(0, 1), &u(0, 1)), u(0, 2));
    // [14, 15] + [1, 1] = {15, 0}: the unsigned hull is everything, the signed one is [-1, 0].
    assert_eq!(best_binary(add, 4, &u(14, 15), &u(1, 1)), u(0, 15));
    assert_eq!(best_binary(add, 4, &s(-2, -1), &s(1, 1)), s(-1, 0));
}

#[test]
fn best_binary_works_at_10_bits() {
    let w = 10;
    let mul = |x: u64, y: u64| x.wrapping_mul(y);
    let and = |x: u64, y: u64| x & y;
    let top = Tnum::unknown(w);
    assert_eq!(
        best_binary(and, w, &top, &tnum(w, 0xf0, 0)),
        tnum(w, 0, 0xf0)
    );
    assert_eq!(best_binary(mul, w, &top, &top), top);
    // Even factors times anything: bit 0 is known zero, the rest unknown.
    let even = tnum(w, 0, 0x3fe);
    assert_eq!(best_binary(mul, w, &even, &top), tnum(w, 0, 0x3fe));
    // A multiple of 4 times a multiple of 8: a multiple of 32.
    assert_eq!(
        best_binary(mul, w, &tnum(w, 0, 0x3fc), &tnum(w, 0, 0x3f8)),
        tnum(w, 0, 0x3e0)
    );
    let full = UInterval::full(w);
    assert_eq!(best_binary(mul, w, &UInterval::const_u(w, 3), &full), full);
    assert_eq!(
        best_binary(
            |x, y| x / y.max(1),
            w,
            &full,
            &UInterval::new(w, 4, 8).expect("well-formed")
        ),
        UInterval::new(w, 0, 255).expect("well-formed")
    );
}

#[test]
fn precision_measures_bits_of_imprecision() {
    let p = precision(&tnum(4, 0, 3), &tnum(4, 0, 1));
    assert!(p.sound && !p.exact);
    assert_eq!((p.result_size, p.best_size), (4, 2));
    assert_eq!(p.log2_ratio(), 1.0);
    let q = precision(&tnum(4, 0, 1), &tnum(4, 0, 1));
    assert!(q.sound && q.exact && q.log2_ratio() == 0.0);
    let r = precision(&tnum(4, 0, 1), &tnum(4, 2, 0));
    assert!(!r.sound, "(0;1) misses 2");
}

#[test]
fn tallies_over_all_pairs() {
    let add = compare_binary::<Tnum>(3, |x, y| x.wrapping_add(y), |a, b| a.add(b));
    assert_eq!((add.cases, add.exact, add.unsound), (729, 729, 0));
    let mul = compare_binary::<Tnum>(3, |x, y| x.wrapping_mul(y), |a, b| a.mul(b));
    insta::assert_snapshot!(mul.to_string(), @"exact 717/729 (98.35%), unsound 0, mean 0.016 bits, max 1.000 bits");
    // The unsigned interval's neg is top as soon as 0 and something else are in: never unsound.
    let neg = compare_unary::<UInterval>(4, |x| x.wrapping_neg(), |a| a.neg());
    assert_eq!(neg.unsound, 0);
    assert_eq!(neg.exact, neg.cases, "unsigned neg is optimal: {neg}");
}

/// The `Enumerable` contract, checked on every element of `w` bits.
fn contract<D: Enumerable + Debug>(w: u32, expected_count: usize) {
    let all: Vec<D> = D::all(w).collect();
    assert_eq!(all.len(), expected_count);
    let distinct: BTreeSet<String> = all.iter().map(|d| format!("{d:?}")).collect();
    assert_eq!(distinct.len(), all.len(), "all() yields each element once");
    for d in &all {
        let members: Vec<u64> = d.members().collect();
        let set: BTreeSet<u64> = members.iter().copied().collect();
        assert_eq!(set.len(), members.len(), "{d:?} members are distinct");
        assert_eq!(members.len() as u128, d.size(), "{d:?} size");
        assert!(set.contains(&d.any_member()));
        assert!(
            (0..1u64 << w).all(|x| d.has(x) == set.contains(&x)),
            "{d:?} has"
        );
        assert_eq!(
            D::abstraction(w, members.iter().copied()).as_ref(),
            Some(d),
            "α(γ(d)) = d"
        );
        assert_eq!(d.bits(), w);
    }
    assert_eq!(D::abstraction(w, std::iter::empty()), None);
}

#[test]
fn enumerable_contract_holds_at_4_bits() {
    contract::<Tnum>(4, 81);
    contract::<UInterval>(4, 136);
    contract::<SInterval>(4, 136);
}

#[test]
fn running_abstraction_matches_the_union_fold() {
    // The running and/or hull equals the union of constants (Tnum::abstraction in tnum.rs).
    let values = [3u64, 7, 11, 2];
    let ours = <Tnum as Enumerable>::abstraction(4, values);
    assert_eq!(ours, Tnum::abstraction(4, values));
    assert_eq!(ours, Some(tnum(4, 2, 13)));
}
