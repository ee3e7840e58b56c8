//! Time of the 64-bit soundness proofs that z3 decides within seconds, of the inductive proofs
//! of the three tnum multiplications at 64 bits, of the structured (lemma-instance) proofs of
//! the interval multiplications, divisions and remainders at 64 bits, and of refuting the historical operators (random search, then
//! z3 alone for CVE-2020-8835).
//!
//! Run with `cargo bench -p synth --bench proofs`. Operators whose proofs time out are listed
//! in the book (`verify.md`), not here.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use synth::bounds_proof::{self, structured_proof};
use synth::catalog::Catalog;
use synth::induction::{inductive_proof, INDUCTIVE};
use synth::verify::{combine, prove, prove_z3, Verdict};

const PROVED_AT_64: &[&str] = &[
    "tnum.add",
    "tnum.sub",
    "tnum.neg",
    "tnum.and",
    "tnum.or",
    "tnum.xor",
    "tnum.lshift",
    "tnum.union",
    "tnum.range",
    "tnum.step",
    "tnum.bswap64",
    "uint.add",
    "uint.lshr",
    "sint.add",
    "kernel.mov64",
    "kernel.alu64.div",
];

/// Structured proofs that take seconds at 64 bits (`synth::bounds_proof`).
const STRUCTURED_AT_64: &[&str] = &["uint.mul", "sint.mul", "uint.udiv", "uint.urem"];

const BUDGET: Duration = Duration::from_secs(300);

fn proofs(c: &mut Criterion) {
    let catalog = Catalog::all();
    let mut group = c.benchmark_group("prove64");
    group.sample_size(10);
    for name in PROVED_AT_64 {
        let Some(op) = catalog.get(name) else {
            continue;
        };
        group.bench_function(*name, |b| {
            b.iter(|| assert!(matches!(prove(op.as_ref(), 64, BUDGET), Verdict::Valid)))
        });
    }
    for name in INDUCTIVE {
        group.bench_function(format!("{name} (inductive)"), |b| {
            b.iter(|| {
                let lemmas = inductive_proof(name, 64, BUDGET).unwrap_or_default();
                assert!(!lemmas.is_empty() && combine(&lemmas).is_valid())
            })
        });
    }
    for name in STRUCTURED_AT_64 {
        group.bench_function(format!("{name} (lemmas)"), |b| {
            b.iter(|| {
                let lemmas = structured_proof(name, 64, BUDGET).unwrap_or_default();
                assert!(!lemmas.is_empty() && bounds_proof::verdict(&lemmas).is_valid())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("refute64");
    group.sample_size(10);
    for op in catalog.iter().filter(|op| op.name().starts_with("hist.")) {
        group.bench_function(op.name(), |b| {
            b.iter(|| assert!(prove(op.as_ref(), 64, BUDGET).counterexample().is_some()))
        });
    }
    if let Some(op) = catalog.get("hist.cve_2020_8835") {
        group.bench_function("hist.cve_2020_8835 (z3 alone)", |b| {
            b.iter(|| assert!(prove_z3(op.as_ref(), 64, BUDGET).counterexample().is_some()))
        });
    }
    group.finish();
}

criterion_group!(benches, proofs);
criterion_main!(benches);
