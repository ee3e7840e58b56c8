//! The z3 word agrees with the concrete word `Bv` on every `Word` method.
//!
//! Each method is applied to constants of both types and the z3 term is folded by z3's
//! simplifier; the folded constant must equal `Bv`'s result. Inputs are edge values plus a
//! deterministic pseudo-random stream, at widths 1 to 64.

use absint::word::{Bv, Word};
use synth::smt::{Z3Bool, Z3Word};

/// splitmix64: a deterministic stream of test inputs.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
}

fn z(w: &Bv) -> Z3Word {
    Z3Word::from_u64(w.width(), w.get())
}

fn same_word(what: &str, a: &Bv, b: &Bv, concrete: Bv, symbolic: Z3Word) {
    assert_eq!(
        symbolic.width(),
        concrete.width(),
        "{what} width on {a:?} {b:?}"
    );
    assert_eq!(
        symbolic.as_u64(),
        Some(concrete.get()),
        "{what}({a:?}, {b:?}): Bv gives {concrete:?}"
    );
}

fn same_bool(what: &str, a: &Bv, b: &Bv, concrete: bool, symbolic: Z3Bool) {
    assert_eq!(
        symbolic.as_bool(),
        Some(concrete),
        "{what}({a:?}, {b:?}): Bv gives {concrete}"
    );
}

/// Interesting values of a width: zero, one, all ones, the signed extremes and their neighbours.
fn edges(w: u32) -> Vec<u64> {
    let smin = 1u64 << (w - 1);
    vec![
        0,
        1,
        2,
        u64::MAX,
        u64::MAX - 1,
        smin,
        smin - 1,
        smin + 1,
        w as u64,
        w as u64 - 1,
    ]
}

fn check_pair(a: Bv, b: Bv) {
    let (za, zb) = (z(&a), z(&b));
    macro_rules! word2 {
        ($($m:ident),*) => {$(
            same_word(stringify!($m), &a, &b, a.$m(&b), za.$m(&zb));
        )*};
    }
    macro_rules! word1 {
        ($($m:ident),*) => {$(
            same_word(stringify!($m), &a, &b, a.$m(), za.$m());
        )*};
    }
    macro_rules! bool2 {
        ($($m:ident),*) => {$(
            same_bool(stringify!($m), &a, &b, Word::$m(&a, &b), Word::$m(&za, &zb));
        )*};
    }
    macro_rules! bool1 {
        ($($m:ident),*) => {$(
            same_bool(stringify!($m), &a, &b, a.$m(), za.$m());
        )*};
    }
    word2!(
        bvadd, bvsub, bvmul, bvudiv, bvurem, bvsdiv, bvsrem, bvand, bvor, bvxor, bvshl, bvlshr,
        bvashr, umin, umax, smin, smax
    );
    word1!(bvnot, zero, ones, bvneg, signed_min, signed_max, clz);
    bool2!(
        eq,
        ne,
        bvult,
        bvslt,
        bvule,
        bvugt,
        bvuge,
        bvsle,
        bvsgt,
        bvsge,
        uadd_overflows,
        usub_overflows,
        sadd_overflows,
        ssub_overflows,
        umul_overflows,
        smul_overflows
    );
    bool1!(is_zero, msb, lsb);

    let w = a.width();
    same_word("lit", &a, &b, a.lit(b.get()), za.lit(b.get()));
    same_word(
        "constant",
        &a,
        &b,
        a.constant(7, b.get()),
        za.constant(7, b.get()),
    );
    same_bool(
        "bool_const",
        &a,
        &b,
        a.bool_const(true),
        za.bool_const(true),
    );
    same_bool(
        "bool_const",
        &a,
        &b,
        a.bool_const(false),
        za.bool_const(false),
    );
    for cond in [false, true] {
        let zc = za.bool_const(cond);
        same_word(
            "ite",
            &a,
            &b,
            Bv::ite(&cond, &a, &b),
            Z3Word::ite(&zc, &za, &zb),
        );
    }
    // A condition that is a term, not a literal.
    let lt = a.bvult(&b);
    same_word(
        "ite(ult)",
        &a,
        &b,
        Bv::ite(&lt, &a, &b),
        Z3Word::ite(&za.bvult(&zb), &za, &zb),
    );
    let k = (b.get() % w as u64) as u32;
    same_word("shl_by", &a, &b, a.shl_by(k), za.shl_by(k));
    same_word("lshr_by", &a, &b, a.lshr_by(k), za.lshr_by(k));
    same_word("ashr_by", &a, &b, a.ashr_by(k), za.ashr_by(k));
    let lo = k;
    let hi = lo + ((b.get() >> 8) % (w - lo) as u64) as u32;
    same_word("extract", &a, &b, a.extract(hi, lo), za.extract(hi, lo));
    let wider = w + ((b.get() >> 16) % (64 - w + 1) as u64) as u32;
    same_word("zext", &a, &b, a.zext(wider), za.zext(wider));
    same_word("sext", &a, &b, a.sext(wider), za.sext(wider));
    same_word("resize", &a, &b, a.resize(1 + k), za.resize(1 + k));
    if w + b.width() <= 64 {
        same_word("concat", &a, &b, a.concat(&b), za.concat(&zb));
    }
    if w.is_multiple_of(8) {
        same_word("byte_swap", &a, &b, a.byte_swap(), za.byte_swap());
    }
    // Bit connectives on z3 booleans against Rust's.
    use absint::word::Bit;
    let (p, q) = (a.bvult(&b), a.lsb());
    let (zp, zq) = (za.bvult(&zb), za.lsb());
    same_bool("and", &a, &b, p.and(&q), zp.and(&zq));
    same_bool("or", &a, &b, p.or(&q), zp.or(&zq));
    same_bool("not", &a, &b, p.not(), zp.not());
}

#[test]
fn z3_word_agrees_with_bv_on_every_method() {
    let mut rng = Stream(0x5eed);
    for w in 1..=64u32 {
        let edge = edges(w);
        for &x in &edge {
            for &y in &edge {
                check_pair(Bv::new(w, x), Bv::new(w, y));
            }
        }
        for _ in 0..40 {
            // Mix full-width and small values so that shifts, division and overflow see both.
            let x = rng.next() >> (rng.next() % 64);
            let y = rng.next() >> (rng.next() % 64);
            check_pair(Bv::new(w, x), Bv::new(w, y));
        }
    }
}

#[test]
fn z3_variables_are_symbolic_and_model_evaluation_reads_them() {
    let x = Z3Word::fresh("x", 16);
    assert_eq!(x.as_u64(), None, "a variable does not fold to a constant");
    let solver = z3::Solver::new();
    solver.assert(&x.eq(&x.lit(0x1234)).0);
    assert_eq!(solver.check(), z3::SatResult::Sat);
    let model = solver.get_model().expect("a model after sat");
    assert_eq!(x.bvadd(&x.lit(1)).eval(&model), Some(0x1235));
}
