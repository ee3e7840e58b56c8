//! Throughput of the corpus pipeline, in programs per second: boundary seeds generated and
//! labelled by the kernel model (with their concrete run), the killer search over the whole
//! unsound suite (the catalog's operators and the rejected synthesis candidates of the bundled
//! records), lifting those records (parse, deduplicate, check at 64 bits), and checking cases
//! against the running kernel (load at log level 2, compare the labels, test run).
//! `cargo bench -p fuzz --bench corpus`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fuzz::corpus::{check, killers, seeds, suite::Suite, synthesis};
use std::time::Duration;

/// Cases per iteration.
const BATCH: usize = 64;
/// The seed the benchmarks draw cases from.
const SEED: u64 = 0xc0de;

fn corpus(c: &mut Criterion) {
    let mut group = c.benchmark_group("corpus");
    group.sample_size(20);
    group.throughput(Throughput::Elements(BATCH as u64));
    let forms = seeds::forms();
    group.bench_function("emit_seed", |b| {
        b.iter(|| {
            (0..BATCH as u64)
                .filter_map(|n| seeds::seed_case(SEED, n, &forms))
                .count()
        })
    });

    let records = synthesis::bundled();
    group.throughput(Throughput::Elements(records.rejected.len() as u64));
    group.bench_function("lift_synthesis_records", |b| {
        b.iter(|| {
            synthesis::build(&records, Duration::from_secs(20))
                .rejected
                .len()
        })
    });

    let mut suite = Suite::unsound();
    let lifted = synthesis::build(&records, Duration::from_secs(20));
    suite
        .operators
        .extend(lifted.unsound64().map(|r| r.operator.clone()));
    group.throughput(Throughput::Elements(suite.operators.len() as u64));
    group.bench_function("emit_killers_whole_suite", |b| {
        b.iter(|| {
            suite
                .operators
                .iter()
                .filter(|op| killers::kill(op, 20_000).found.is_some())
                .count()
        })
    });

    let cases: Vec<_> = (0..BATCH as u64)
        .filter_map(|n| seeds::seed_case(SEED, n, &forms))
        .collect();
    group.throughput(Throughput::Elements(cases.len() as u64));
    match fuzz::kernel::probe() {
        Ok(()) => {
            group.bench_function("check", |b| {
                b.iter(|| check::check(&cases, &|_| {}).confirmed)
            });
        }
        Err(e) => eprintln!("SKIPPED corpus/check: {e}"),
    }
    group.finish();
}

criterion_group!(benches, corpus);
criterion_main!(benches);
