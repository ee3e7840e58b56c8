//! Soundness of the reference catalog: z3 proofs of the tnum and interval operators at 8 and
//! 16 bits (the cheap ones also at 64), and exhaustive checks at small widths that must agree.

use std::time::Duration;
use synth::catalog::{Catalog, Kind};
use synth::verify::{exhaustive, prove, prove_z3, Verdict};

const BUDGET: Duration = Duration::from_secs(60);

/// Operators z3 proves within seconds at 8 and 16 bits.
const CHEAP: &[&str] = &[
    "tnum.add",
    "tnum.sub",
    "tnum.neg",
    "tnum.and",
    "tnum.or",
    "tnum.xor",
    "tnum.lshift",
    "tnum.rshift",
    "tnum.arshift",
    "tnum.lshift.any",
    "tnum.rshift.any",
    "tnum.arshift.any",
    "tnum.union",
    "tnum.intersect",
    "tnum.range",
    "tnum.cast1",
    "tnum.cast2",
    "tnum.cast4",
    "tnum.step",
    "uint.add",
    "uint.sub",
    "uint.neg",
    "uint.shl",
    "uint.lshr",
    "uint.ashr",
    "uint.shl.k",
    "uint.lshr.k",
    "uint.ashr.k",
    "sint.add",
    "sint.sub",
    "sint.neg",
    "sint.lshr.k",
    "sint.ashr.k",
];

/// Operators z3 proves within seconds at 64 bits.
const CHEAP_64: &[&str] = &[
    "tnum.add",
    "tnum.neg",
    "tnum.and",
    "tnum.or",
    "tnum.xor",
    "tnum.lshift",
    "tnum.rshift",
    "tnum.arshift",
    "tnum.union",
    "tnum.intersect",
    "tnum.cast1",
    "tnum.cast2",
    "tnum.cast4",
    "tnum.subreg",
    "tnum.clear_subreg",
    "tnum.with_subreg",
    "tnum.bswap16",
    "tnum.bswap32",
    "tnum.bswap64",
    "uint.lshr",
];

fn proved(name: &str, width: u32) {
    let catalog = Catalog::reference();
    let op = catalog
        .get(name)
        .unwrap_or_else(|| panic!("{name} is in the catalog"));
    match prove(op.as_ref(), width, BUDGET) {
        Verdict::Valid => {}
        other => panic!("{name} at {width} bits: {other:?}"),
    }
}

#[test]
fn cheap_operators_are_proved_at_8_bits() {
    for name in CHEAP {
        proved(name, 8);
    }
}

#[test]
fn cheap_operators_are_proved_at_16_bits() {
    for name in CHEAP.iter().chain(&["tnum.bswap16"]) {
        proved(name, 16);
    }
}

#[test]
fn cheapest_operators_are_proved_at_64_bits() {
    for name in CHEAP_64 {
        proved(name, 64);
    }
}

#[test]
#[ignore = "minutes: every tnum and interval operator with z3 at 8 bits"]
fn every_tnum_and_interval_operator_is_proved_at_8_bits() {
    let catalog = Catalog::reference();
    for op in catalog
        .iter()
        .filter(|op| op.supports_width(8) && op.args()[0] != Kind::Scalar)
    {
        if op.name() == "tnum.mul" {
            continue; // tests/verify_tnum_mul.rs
        }
        match prove(op.as_ref(), 8, Duration::from_secs(600)) {
            Verdict::Valid => {}
            other => panic!("{} at 8 bits: {other:?}", op.name()),
        }
    }
}

#[test]
fn every_tnum_and_interval_operator_is_sound_exhaustively_at_3_bits() {
    let catalog = Catalog::reference();
    let mut checked = 0;
    for op in catalog
        .iter()
        .filter(|op| op.supports_width(3) && op.args()[0] != Kind::Scalar)
    {
        match exhaustive(op.as_ref(), 3) {
            Verdict::Valid => checked += 1,
            other => panic!("{} at 3 bits: {other:?}", op.name()),
        }
    }
    assert!(checked >= 40, "only {checked} operators checked");
}

#[test]
fn exhaustive_and_z3_agree_at_4_bits_on_the_tnum_operators() {
    let catalog = Catalog::reference();
    for op in catalog
        .iter()
        .filter(|op| op.name().starts_with("tnum.") && op.supports_width(4))
    {
        let e = exhaustive(op.as_ref(), 4);
        let z = prove_z3(op.as_ref(), 4, BUDGET);
        assert!(e.is_valid(), "{} exhaustive: {e:?}", op.name());
        assert!(z.is_valid(), "{} z3: {z:?}", op.name());
    }
}

#[test]
fn register_steps_are_not_enumerable_and_say_so() {
    let catalog = Catalog::reference();
    let op = catalog.get("kernel.alu64.add").expect("in the catalog");
    match exhaustive(op.as_ref(), 64) {
        Verdict::Unknown(reason) => assert!(reason.contains("unsupported"), "{reason}"),
        other => panic!("expected unknown, got {other:?}"),
    }
    match prove(op.as_ref(), 32, BUDGET) {
        Verdict::Unknown(reason) => assert!(reason.contains("not defined at 32 bits"), "{reason}"),
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn a_short_budget_gives_unknown_with_the_timeout_not_a_verdict() {
    let catalog = Catalog::reference();
    let op = catalog.get("tnum.mul.pre_v5_13").expect("in the catalog");
    match prove(op.as_ref(), 16, Duration::from_millis(200)) {
        Verdict::Unknown(reason) => assert!(reason.starts_with("timeout after"), "{reason}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn catalog_names_are_unique_and_follow_the_scheme() {
    let catalog = Catalog::all();
    let mut names: Vec<&str> = catalog.iter().map(|op| op.name()).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate names");
    for name in names {
        let domain = name.split('.').next().unwrap_or_default();
        assert!(
            ["tnum", "uint", "sint", "kernel", "hist", "mutant"].contains(&domain),
            "{name}"
        );
    }
    assert!(catalog.get("kernel.alu32.lsh").is_some());
    assert!(catalog.get("kernel.alu64.add.k").is_some());
    assert!(catalog.get("tnum.mul.v5_13").is_some());
}
