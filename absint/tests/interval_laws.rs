//! Laws of the interval domains: exhaustive soundness and precision at 4 and 5 bits against
//! the best transformer, property tests at 64 bits, and the lattice laws.

use absint::domain::best::{best_binary, best_unary, precision, Enumerable, Tally};
use absint::domain::interval::{SInterval, UInterval};
use absint::word::{width_mask, Bv, Word};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn bv(w: u32, x: u64) -> Bv {
    Bv::new(w, x)
}

// ----- concrete operations (w-bit patterns), BPF's division rules (RFC 9669 §4.1) -----

fn udiv_bpf(w: u32, x: u64, y: u64) -> u64 {
    if y == 0 {
        0
    } else {
        bv(w, x).bvudiv(&bv(w, y)).get()
    }
}
fn urem_bpf(w: u32, x: u64, y: u64) -> u64 {
    if y == 0 {
        x
    } else {
        bv(w, x).bvurem(&bv(w, y)).get()
    }
}
fn sdiv_bpf(w: u32, x: u64, y: u64) -> u64 {
    if y == 0 {
        0
    } else {
        bv(w, x).bvsdiv(&bv(w, y)).get()
    }
}
fn srem_bpf(w: u32, x: u64, y: u64) -> u64 {
    if y == 0 {
        x
    } else {
        bv(w, x).bvsrem(&bv(w, y)).get()
    }
}

type UOp = fn(&UInterval, &UInterval) -> UInterval;
type SOp = fn(&SInterval, &SInterval) -> SInterval;

/// A binary operator: its concrete semantics and its unsigned and signed transformers.
struct BinOp {
    name: &'static str,
    concrete: fn(u32, u64, u64) -> u64,
    unsigned: UOp,
    signed: SOp,
}

fn binops() -> Vec<BinOp> {
    vec![
        BinOp {
            name: "add",
            concrete: |w, x, y| bv(w, x).bvadd(&bv(w, y)).get(),
            unsigned: |a, b| a.add(b),
            signed: |a, b| a.add(b),
        },
        BinOp {
            name: "sub",
            concrete: |w, x, y| bv(w, x).bvsub(&bv(w, y)).get(),
            unsigned: |a, b| a.sub(b),
            signed: |a, b| a.sub(b),
        },
        BinOp {
            name: "mul",
            concrete: |w, x, y| bv(w, x).bvmul(&bv(w, y)).get(),
            unsigned: |a, b| a.mul(b),
            signed: |a, b| a.mul(b),
        },
        BinOp {
            name: "and",
            concrete: |w, x, y| bv(w, x).bvand(&bv(w, y)).get(),
            unsigned: |a, b| a.and(b),
            signed: |a, b| a.and(b),
        },
        BinOp {
            name: "or",
            concrete: |w, x, y| bv(w, x).bvor(&bv(w, y)).get(),
            unsigned: |a, b| a.or(b),
            signed: |a, b| a.or(b),
        },
        BinOp {
            name: "xor",
            concrete: |w, x, y| bv(w, x).bvxor(&bv(w, y)).get(),
            unsigned: |a, b| a.xor(b),
            signed: |a, b| a.xor(b),
        },
        BinOp {
            name: "shl",
            concrete: |w, x, y| bv(w, x).bvshl(&bv(w, y)).get(),
            unsigned: |a, b| a.shl(b),
            signed: |a, b| a.shl(b),
        },
        BinOp {
            name: "lshr",
            concrete: |w, x, y| bv(w, x).bvlshr(&bv(w, y)).get(),
            unsigned: |a, b| a.lshr(b),
            signed: |a, b| a.lshr(b),
        },
        BinOp {
            name: "ashr",
            concrete: |w, x, y| bv(w, x).bvashr(&bv(w, y)).get(),
            unsigned: |a, b| a.ashr(b),
            signed: |a, b| a.ashr(b),
        },
        BinOp {
            name: "udiv",
            concrete: udiv_bpf,
            unsigned: |a, b| a.udiv(b),
            signed: |a, b| a.udiv(b),
        },
        BinOp {
            name: "urem",
            concrete: urem_bpf,
            unsigned: |a, b| a.urem(b),
            signed: |a, b| a.urem(b),
        },
        BinOp {
            name: "sdiv",
            concrete: sdiv_bpf,
            unsigned: |a, b| a.sdiv(b),
            signed: |a, b| a.sdiv(b),
        },
        BinOp {
            name: "srem",
            concrete: srem_bpf,
            unsigned: |a, b| a.srem(b),
            signed: |a, b| a.srem(b),
        },
    ]
}

fn op(name: &str) -> BinOp {
    binops()
        .into_iter()
        .find(|o| o.name == name)
        .expect("operator in the table")
}

/// Check soundness and well-formedness of `abs` against the best transformer on every pair of
/// `w`-bit intervals; return the precision figures.
fn exhaustive_binary<D: Enumerable + std::fmt::Display>(
    w: u32,
    name: &str,
    concrete: fn(u32, u64, u64) -> u64,
    abs: impl Fn(&D, &D) -> D,
) -> Tally {
    let all: Vec<D> = D::all(w).collect();
    let mut tally = Tally::default();
    for a in &all {
        for b in &all {
            let best = best_binary(|x, y| concrete(w, x, y), w, a, b);
            let r = abs(a, b);
            assert!(
                r.size() > 0,
                "{name} at {w} bits: {a} {b} gave the ill-formed {r:?}"
            );
            let p = precision(&r, &best);
            assert!(
                p.sound,
                "{name} at {w} bits unsound: {a} op {b} = {r}, but the results span {best}"
            );
            tally.add(&p);
        }
    }
    tally
}

/// Unsigned and signed exhaustive checks of one operator at `w` bits.
fn exhaustive_both(w: u32, name: &str) -> (Tally, Tally) {
    let o = op(name);
    let u = exhaustive_binary::<UInterval>(w, name, o.concrete, o.unsigned);
    let s = exhaustive_binary::<SInterval>(w, name, o.concrete, o.signed);
    eprintln!("{name} at {w} bits: unsigned {u}; signed {s}");
    (u, s)
}

macro_rules! exhaustive_tests {
    ($($test:ident: $name:literal, exact_unsigned = $eu:literal, exact_signed = $es:literal;)*) => {$(
        #[test]
        fn $test() {
            for w in [1, 2, 3, 4, 5] {
                let (u, s) = exhaustive_both(w, $name);
                if $eu {
                    assert_eq!(u.exact, u.cases, "unsigned {} should be optimal at {w} bits: {u}", $name);
                }
                if $es {
                    assert_eq!(s.exact, s.cases, "signed {} should be optimal at {w} bits: {s}", $name);
                }
            }
        }
    )*};
}

exhaustive_tests! {
    add_is_sound_and_optimal: "add", exact_unsigned = true, exact_signed = true;
    sub_is_sound_and_optimal: "sub", exact_unsigned = true, exact_signed = true;
    mul_is_sound: "mul", exact_unsigned = false, exact_signed = false;
    and_is_sound_and_optimal: "and", exact_unsigned = true, exact_signed = true;
    or_is_sound_and_optimal: "or", exact_unsigned = true, exact_signed = true;
    xor_is_sound_and_optimal: "xor", exact_unsigned = true, exact_signed = true;
    shl_is_sound_and_unsigned_optimal: "shl", exact_unsigned = true, exact_signed = false;
    lshr_is_sound_and_unsigned_optimal: "lshr", exact_unsigned = true, exact_signed = false;
    ashr_is_sound_and_optimal: "ashr", exact_unsigned = true, exact_signed = true;
    udiv_is_sound_and_unsigned_optimal: "udiv", exact_unsigned = true, exact_signed = false;
    urem_is_sound: "urem", exact_unsigned = false, exact_signed = false;
    sdiv_is_sound: "sdiv", exact_unsigned = false, exact_signed = false;
    srem_is_sound: "srem", exact_unsigned = false, exact_signed = false;
}

#[test]
fn unary_operators_are_sound_exhaustively() {
    for w in 1..=5u32 {
        let m = width_mask(w);
        let neg = |x: u64| x.wrapping_neg() & m;
        for a in UInterval::all(w) {
            let best = best_unary(neg, w, &a);
            assert!(best.le(&a.neg()), "uneg {a}");
            for k in 0..=w + 1 {
                let shl = |x: u64| bv(w, x).bvshl(&bv(w, k as u64)).get();
                let shl = |x: u64| if k >= w { 0 } else { shl(x) };
                let lshr = |x: u64| if k >= w { 0 } else { x >> k };
                let ashr = |x: u64| bv(w, x).ashr_by(k.min(w - 1)).get();
                for (what, best, r) in [
                    ("shl", best_unary(shl, w, &a), a.shl_const(k)),
                    ("lshr", best_unary(lshr, w, &a), a.lshr_const(k)),
                    ("ashr", best_unary(ashr, w, &a), a.ashr_const(k)),
                ] {
                    assert!(
                        best.le(&r),
                        "unsigned {what} {a} by {k} at {w} bits = {r}, needs {best}"
                    );
                    // Shifts right are monotone: exactly the best.
                    if what != "shl" {
                        assert_eq!(r, best, "unsigned {what} {a} by {k} at {w} bits");
                    }
                }
            }
        }
        for a in SInterval::all(w) {
            let best = best_unary(neg, w, &a);
            assert!(best.le(&a.neg()), "sneg {a}");
            assert_eq!(a.neg(), best, "signed neg is optimal: {a}");
            for k in 0..=w + 1 {
                let shl = |x: u64| if k >= w { 0 } else { (x << k) & m };
                let lshr = |x: u64| if k >= w { 0 } else { x >> k };
                let ashr = |x: u64| bv(w, x).ashr_by(k.min(w - 1)).get();
                for (what, best, r) in [
                    ("shl", best_unary(shl, w, &a), a.shl_const(k)),
                    ("lshr", best_unary(lshr, w, &a), a.lshr_const(k)),
                    ("ashr", best_unary(ashr, w, &a), a.ashr_const(k)),
                ] {
                    assert!(
                        best.le(&r),
                        "signed {what} {a} by {k} at {w} bits = {r}, needs {best}"
                    );
                    if what == "ashr" {
                        assert_eq!(r, best, "signed ashr {a} by {k} at {w} bits");
                    }
                }
            }
        }
    }
}

#[test]
fn known_values() {
    let u = |lo, hi| UInterval::new(8, lo, hi).expect("well-formed");
    let s = |lo, hi| SInterval::new(8, lo, hi).expect("well-formed");
    // No overflow: exact bounds.
    assert_eq!(u(1, 2).add(&u(3, 4)), u(4, 6));
    // Both ends overflow once: still exact after wrapping.
    assert_eq!(u(250, 251).add(&u(10, 10)), u(4, 5));
    // One end overflows: top.
    assert_eq!(u(250, 251).add(&u(5, 5)), UInterval::full(8));
    assert_eq!(s(120, 127).add(&s(1, 1)), SInterval::full(8));
    assert_eq!(s(-3, 4).sub(&s(1, 2)), s(-5, 3));
    assert_eq!(s(-3, 4).mul(&s(-2, 3)), s(-9, 12));
    // Division by zero: BPF gives 0 and leaves the dividend for the remainder.
    assert_eq!(u(10, 20).udiv(&u(0, 0)), u(0, 0));
    assert_eq!(u(10, 20).urem(&u(0, 0)), u(10, 20));
    assert_eq!(u(10, 20).udiv(&u(0, 5)), u(0, 20));
    // INT_MIN / -1 wraps to INT_MIN, which breaks monotonicity: the transformer gives up (top).
    assert_eq!(s(-128, -128).sdiv(&s(-1, -1)), SInterval::full(8));
    assert!(s(-128, -128).sdiv(&s(-1, -1)).has(0x80));
    assert_eq!(s(-100, 50).sdiv(&s(2, 5)), s(-50, 25));
    assert_eq!(s(-7, 7).srem(&s(3, 3)), s(-2, 2));
    assert_eq!(u(12, 14).urem(&u(5, 5)), u(2, 4));
    assert_eq!(u(0x0f, 0x0f).and(&u(0x03, 0x0c)), u(0x03, 0x0c));
    assert_eq!(u(0x0f, 0x10).and(&u(0x03, 0x0c)), u(0x00, 0x0c));
    assert_eq!(u(0x10, 0x10).or(&u(0x00, 0x03)), u(0x10, 0x13));
}

#[test]
fn lattice_laws_exhaustively_at_4_bits() {
    let w = 4;
    let us: Vec<UInterval> = UInterval::all(w).collect();
    let ss: Vec<SInterval> = SInterval::all(w).collect();
    assert_eq!(us.len(), 16 * 17 / 2);
    assert_eq!(ss.len(), 16 * 17 / 2);
    lattice_laws(&us, w);
    lattice_laws(&ss, w);
}

/// The lattice laws on every pair (and triples for associativity/transitivity) of `elements`.
trait Lattice: Enumerable + Copy + std::fmt::Display {
    fn join(&self, b: &Self) -> Self;
    fn meet(&self, b: &Self) -> Option<Self>;
}
impl Lattice for UInterval {
    fn join(&self, b: &Self) -> Self {
        UInterval::join(self, b)
    }
    fn meet(&self, b: &Self) -> Option<Self> {
        UInterval::meet(self, b)
    }
}
impl Lattice for SInterval {
    fn join(&self, b: &Self) -> Self {
        SInterval::join(self, b)
    }
    fn meet(&self, b: &Self) -> Option<Self> {
        SInterval::meet(self, b)
    }
}

fn lattice_laws<D: Lattice>(elements: &[D], w: u32) {
    for a in elements {
        // members are exactly the contained values; size counts them
        let members: BTreeSet<u64> = a.members().collect();
        assert_eq!(members.len() as u128, a.size(), "{a}");
        for x in 0..(1u64 << w) {
            assert_eq!(a.has(x), members.contains(&x), "{a} and {x}");
        }
        assert_eq!(
            D::abstraction(w, a.members()).as_ref(),
            Some(a),
            "α(γ(a)) = a"
        );
        assert_eq!(a.join(a), *a);
        assert_eq!(a.meet(a), Some(*a));
        assert!(a.le(a));
        for b in elements {
            let j = a.join(b);
            assert_eq!(j, b.join(a), "join commutes");
            assert_eq!(a.meet(b), b.meet(a), "meet commutes");
            // the join is the least upper bound: the abstraction of the union
            assert_eq!(
                Some(j),
                D::abstraction(w, a.members().chain(b.members())),
                "{a} ⊔ {b}"
            );
            // the meet is exact
            let both: Vec<u64> = a.members().filter(|x| b.has(*x)).collect();
            match a.meet(b) {
                None => assert!(both.is_empty(), "{a} ⊓ {b} is not empty"),
                Some(m) => assert_eq!(
                    m.members().collect::<BTreeSet<_>>(),
                    both.into_iter().collect(),
                    "{a} ⊓ {b}"
                ),
            }
            // absorption
            assert_eq!(a.join(&a.meet(b).unwrap_or(*a)), *a);
            assert_eq!(a.meet(&j), Some(*a));
            // antisymmetry
            if a.le(b) && b.le(a) {
                assert_eq!(a, b);
            }
            assert_eq!(a.le(b), a.join(b) == *b, "le agrees with join");
        }
    }
    // associativity and transitivity on a sample of triples (every 7th element keeps it quick)
    let sample: Vec<&D> = elements.iter().step_by(7).collect();
    for a in &sample {
        for b in &sample {
            for c in &sample {
                assert_eq!(a.join(b).join(c), a.join(&b.join(c)), "join associates");
                let left = a.meet(b).and_then(|ab| ab.meet(c));
                let right = b.meet(c).and_then(|bc| a.meet(&bc));
                assert_eq!(left, right, "meet associates");
                if a.le(b) && b.le(c) {
                    assert!(a.le(c), "le is transitive");
                }
            }
        }
    }
}

// ----- property tests at 64 bits -----

/// Interesting 64-bit unsigned intervals: constants, small ranges near edges, wide ranges, top.
fn uinterval() -> impl Strategy<Value = UInterval> {
    let edge = prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(i64::MAX as u64),
        Just(i64::MIN as u64),
        Just(u64::MAX),
        any::<u64>(),
        0u64..64,
    ];
    prop_oneof![
        any::<u64>().prop_map(|x| UInterval::const_u(64, x)),
        (edge.clone(), 0u64..300).prop_map(|(x, d)| {
            let hi = x.saturating_add(d);
            UInterval::new(64, x, hi).expect("x <= x + d")
        }),
        (any::<u64>(), any::<u64>())
            .prop_map(|(a, b)| UInterval::new(64, a.min(b), a.max(b)).expect("sorted")),
        (edge, any::<u64>())
            .prop_map(|(a, b)| UInterval::new(64, a.min(b), a.max(b)).expect("sorted")),
        Just(UInterval::full(64)),
    ]
}

/// Interesting 64-bit signed intervals, built like [`uinterval`] in the signed order.
fn sinterval() -> impl Strategy<Value = SInterval> {
    let edge = prop_oneof![
        Just(0i64),
        Just(-1i64),
        Just(1i64),
        Just(i64::MAX),
        Just(i64::MIN),
        any::<i64>(),
        -64i64..64
    ];
    prop_oneof![
        any::<i64>().prop_map(|x| SInterval::new(64, x, x).expect("constant")),
        (edge.clone(), 0i64..300)
            .prop_map(|(x, d)| SInterval::new(64, x, x.saturating_add(d)).expect("x <= x + d")),
        (any::<i64>(), any::<i64>())
            .prop_map(|(a, b)| SInterval::new(64, a.min(b), a.max(b)).expect("sorted")),
        (edge, any::<i64>())
            .prop_map(|(a, b)| SInterval::new(64, a.min(b), a.max(b)).expect("sorted")),
        Just(SInterval::full(64)),
    ]
}

/// The member of `a` at offset `r` (modulo its size).
fn pick<D: Enumerable>(a: &D, r: u64) -> u64 {
    let offset = (r as u128 % a.size()) as u64;
    a.any_member().wrapping_add(offset) & width_mask(a.bits())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn unsigned_operators_are_sound_at_64_bits(a in uinterval(), b in uinterval(), r1: u64, r2: u64, near in any::<bool>()) {
        // Half the time take the bounds themselves, where the bugs are.
        let (x, y) = if near { (a.hi_u64(), b.lo_u64()) } else { (pick(&a, r1), pick(&b, r2)) };
        for o in binops() {
            let r = (o.unsigned)(&a, &b);
            prop_assert!(r.size() > 0, "{} {} {} ill-formed {:?}", o.name, a, b, r);
            let z = (o.concrete)(64, x, y);
            prop_assert!(r.has(z), "{}: {} op {} = {}, but {} op {} = {}", o.name, a, b, r, x, y, z);
        }
        prop_assert!(a.neg().has(x.wrapping_neg()));
        let k = (r2 % 64) as u32;
        prop_assert!(a.shl_const(k).has(x << k));
        prop_assert!(a.lshr_const(k).has(x >> k));
        prop_assert!(a.ashr_const(k).has(((x as i64) >> k) as u64));
    }

    #[test]
    fn signed_operators_are_sound_at_64_bits(a in sinterval(), b in sinterval(), r1: u64, r2: u64, near in any::<bool>()) {
        let (x, y) = if near { (a.lo.get(), b.hi.get()) } else { (pick(&a, r1), pick(&b, r2)) };
        for o in binops() {
            let r = (o.signed)(&a, &b);
            prop_assert!(r.size() > 0, "{} {} {} ill-formed {:?}", o.name, a, b, r);
            let z = (o.concrete)(64, x, y);
            prop_assert!(r.has(z), "{}: {} op {} = {}, but {:#x} op {:#x} = {:#x}", o.name, a, b, r, x, y, z);
        }
        prop_assert!(a.neg().has(x.wrapping_neg()));
        let k = (r2 % 64) as u32;
        prop_assert!(a.shl_const(k).has(x << k));
        prop_assert!(a.lshr_const(k).has(x >> k));
        prop_assert!(a.ashr_const(k).has(((x as i64) >> k) as u64));
    }

    #[test]
    fn unsigned_lattice_laws_at_64_bits(a in uinterval(), b in uinterval(), c in uinterval(), r: u64) {
        prop_assert_eq!(a.join(&b), b.join(&a));
        prop_assert_eq!(a.join(&b).join(&c), a.join(&b.join(&c)));
        prop_assert_eq!(a.meet(&b), b.meet(&a));
        prop_assert_eq!(a.meet(&a.join(&b)), Some(a));
        prop_assert!(a.le(&a.join(&b)) && b.le(&a.join(&b)));
        let x = pick(&a, r);
        prop_assert_eq!(a.meet(&b).is_some_and(|m| m.has(x)), b.has(x), "meet holds exactly the shared values");
    }

    #[test]
    fn signed_lattice_laws_at_64_bits(a in sinterval(), b in sinterval(), c in sinterval(), r: u64) {
        prop_assert_eq!(a.join(&b), b.join(&a));
        prop_assert_eq!(a.join(&b).join(&c), a.join(&b.join(&c)));
        prop_assert_eq!(a.meet(&b), b.meet(&a));
        prop_assert_eq!(a.meet(&a.join(&b)), Some(a));
        prop_assert!(a.le(&a.join(&b)) && b.le(&a.join(&b)));
        let x = pick(&a, r);
        prop_assert_eq!(a.meet(&b).is_some_and(|m| m.has(x)), b.has(x), "meet holds exactly the shared values");
    }
}

#[test]
fn conversions_and_pieces_cover_exactly() {
    let w = 4;
    for a in UInterval::all(w) {
        let pieces: BTreeSet<u64> = a.signed_pieces().iter().flat_map(|p| p.members()).collect();
        assert_eq!(pieces, a.members().collect(), "signed pieces of {a}");
        let s = a.to_signed();
        assert!(a.members().all(|x| s.has(x)), "{a} as signed {s}");
    }
    for a in SInterval::all(w) {
        let pieces: BTreeSet<u64> = a
            .unsigned_pieces()
            .iter()
            .flat_map(|p| p.members())
            .collect();
        assert_eq!(pieces, a.members().collect(), "unsigned pieces of {a}");
        let u = a.to_unsigned();
        assert!(a.members().all(|x| u.has(x)), "{a} as unsigned {u}");
    }
}
