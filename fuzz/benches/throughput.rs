//! Throughput of the state-embedding check's stages, in programs per second: generating and
//! lowering a program, loading it into the kernel (verifier at log level 2), and exploring its
//! twin with the model. `cargo bench -p fuzz --bench throughput`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fuzz::embed::{self, generate, map::RecordMap, RECORD_BYTES};
use fuzz::kernel::{self, LoadOptions};

/// Programs per iteration of each benchmark.
const BATCH: usize = 32;
/// The seed the benchmarks draw programs from.
const SEED: u64 = 0xbe7c;

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("embed");
    group.throughput(Throughput::Elements(BATCH as u64));

    group.bench_function("generate", |b| {
        b.iter(|| {
            (0..BATCH)
                .map(|i| embed::generate_lowered(SEED, i).1.kernel.len())
                .sum::<usize>()
        })
    });

    let lowered: Vec<_> = (0..BATCH)
        .map(|i| embed::generate_lowered(SEED, i).1)
        .collect();
    group.bench_function("model_explore", |b| {
        b.iter(|| lowered.iter().map(embed::explore_twin).sum::<usize>())
    });

    match (kernel::probe(), RecordMap::create(RECORD_BYTES)) {
        (Ok(()), Ok(map)) => {
            let codes: Vec<Vec<u8>> = (0..BATCH)
                .map(|i| {
                    let mut rng = fuzz::sample::Rng::new(embed::program_seed(SEED, i));
                    let program = generate::generate(&mut rng);
                    absint::isa::encode(&generate::lower(&program, map.fd()).kernel)
                })
                .collect();
            group.bench_function("kernel_load", |b| {
                b.iter(|| {
                    codes
                        .iter()
                        .filter(|code| {
                            kernel::load(code, &LoadOptions::default())
                                .map(|l| l.accepted())
                                .unwrap_or(false)
                        })
                        .count()
                })
            });
            group.bench_function("check_with_16_runs", |b| {
                b.iter(|| {
                    let mut report = embed::Report::default();
                    for i in 0..BATCH {
                        embed::check_program(&map, SEED, i, 16, &mut report).ok();
                    }
                    report.figures.runs
                })
            });
        }
        (Err(e), _) => eprintln!(
            "SKIPPED kernel benchmarks (bpf(2) not permitted: {})",
            e.reason
        ),
        (_, Err(e)) => eprintln!("SKIPPED kernel benchmarks ({e})"),
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
