//! The IR's generic evaluator on z3 words: traced operators equal absint's native operators for
//! *all* inputs, proved by z3 at 64 bits (8 bits for the multiplications).
//!
//! The IR and the native code run the same operations, so the terms mostly coincide; what
//! the proofs check is everything the IR adds in between: the builder's constant folding and
//! identities, hash-consing, the canonical renumbering and the evaluator's dispatch. A wrong
//! identity (say `x - x = x`) would yield a counterexample here.

use absint::domain::interval::{SInterval, UInterval};
use absint::domain::Tnum;
use absint::word::{Bit, Word};
use synth::ir::library;
use synth::smt::{Z3Bool, Z3Word};
use z3::{SatResult, Solver};

/// Is `lhs == rhs` (field by field) valid? `Ok(())`, or the counterexample's verdict.
fn prove_equal(lhs: &[Z3Word], rhs: &[Z3Word]) -> Result<(), String> {
    let differs = lhs
        .iter()
        .zip(rhs)
        .map(|(a, b)| a.ne(b))
        .reduce(|x: Z3Bool, y| x.or(&y))
        .expect("at least one field");
    let solver = Solver::new();
    solver.assert(&differs.0);
    match solver.check() {
        SatResult::Unsat => Ok(()),
        SatResult::Sat => Err("counterexample".into()),
        SatResult::Unknown => Err("unknown".into()),
    }
}

fn vars(prefix: &str, count: usize, width: u32) -> Vec<Z3Word> {
    (0..count)
        .map(|i| Z3Word::fresh(&format!("{prefix}{i}"), width))
        .collect()
}

#[test]
fn traced_tnum_operators_equal_native_for_all_inputs() {
    type Native = fn(&Tnum<Z3Word>, &Tnum<Z3Word>) -> Tnum<Z3Word>;
    let ops: [(&str, Native, u32); 10] = [
        ("add", Tnum::add, 64),
        ("sub", Tnum::sub, 64),
        ("and", Tnum::and, 64),
        ("or", Tnum::or, 64),
        ("xor", Tnum::xor, 64),
        ("union", Tnum::union, 64),
        ("intersect", Tnum::intersect, 64),
        ("mul", Tnum::mul, 8),
        ("mul_v5_13", Tnum::mul_v5_13, 8),
        ("mul_pre_v5_13", Tnum::mul_pre_v5_13, 8),
    ];
    for (name, native, w) in ops {
        let op = library::build(&format!("tnum.{name}"), w).expect("library operator");
        let x = vars("x", 4, w);
        let ir = op.eval(&x).expect("four inputs");
        let a = Tnum::new(x[0].clone(), x[1].clone());
        let b = Tnum::new(x[2].clone(), x[3].clone());
        let want = native(&a, &b);
        assert_eq!(
            prove_equal(&ir, &[want.value, want.mask]),
            Ok(()),
            "tnum.{name}"
        );
    }
}

#[test]
fn traced_interval_operators_equal_native_for_all_inputs() {
    let x = vars("i", 4, 64);
    let (ua, ub) = (
        UInterval::from_bounds(x[0].clone(), x[1].clone()),
        UInterval::from_bounds(x[2].clone(), x[3].clone()),
    );
    let (sa, sb) = (
        SInterval::from_bounds(x[0].clone(), x[1].clone()),
        SInterval::from_bounds(x[2].clone(), x[3].clone()),
    );
    let unsigned = [
        ("add", ua.add(&ub)),
        ("sub", ua.sub(&ub)),
        ("mul", ua.mul(&ub)),
        ("join", ua.join(&ub)),
    ];
    for (name, want) in unsigned {
        let op = library::build(&format!("uinterval.{name}"), 64).expect("exists");
        let ir = op.eval(&x).expect("four inputs");
        assert_eq!(
            prove_equal(&ir, &[want.lo, want.hi]),
            Ok(()),
            "uinterval.{name}"
        );
    }
    let signed = [
        ("add", sa.add(&sb)),
        ("sub", sa.sub(&sb)),
        ("mul", sa.mul(&sb)),
        ("join", sa.join(&sb)),
    ];
    for (name, want) in signed {
        let op = library::build(&format!("sinterval.{name}"), 64).expect("exists");
        let ir = op.eval(&x).expect("four inputs");
        assert_eq!(
            prove_equal(&ir, &[want.lo, want.hi]),
            Ok(()),
            "sinterval.{name}"
        );
    }
}

/// A broken identity is caught: an operator whose IR differs from the native one (here the
/// traced `tnum.sub` against the native add) gets a counterexample, not a proof.
#[test]
fn a_different_operator_is_refuted() {
    let op = library::build("tnum.sub", 64).expect("exists");
    let x = vars("m", 4, 64);
    let ir = op.eval(&x).expect("four inputs");
    let a = Tnum::new(x[0].clone(), x[1].clone());
    let b = Tnum::new(x[2].clone(), x[3].clone());
    let add = a.add(&b);
    assert_eq!(
        prove_equal(&ir, &[add.value, add.mask]),
        Err("counterexample".to_string())
    );
}
