//! The exhaustive precision grids: the 8-bit tnum multiplication against the best transformer
//! (43 million pairs), the published 6-bit no-wrap grid, and the best transformer alone.
//!
//! `cargo bench -p synth --bench precision`. Each 8-bit iteration takes seconds, so the sample
//! size is criterion's minimum.

use absint::domain::tnum::Tnum;
use absint::word::Bv;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use synth::precision::{no_progress, BinaryOp, Grid};

fn mul_against_best(width: u32, input_bits: u32) -> u64 {
    let op = BinaryOp::by_name("tnum.mul").expect("tnum.mul is in the catalog");
    let undefined = AtomicBool::new(false);
    let grid = Grid::new(width, input_bits).expect("a valid grid");
    grid.against_best::<Tnum<Bv>>(
        op.concrete_fn::<Tnum<Bv>>(width, &undefined),
        op.abstract_fn(width),
        &no_progress,
    )
    .exact
}

fn grids(c: &mut Criterion) {
    let mut g = c.benchmark_group("precision");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("tnum.mul vs best, 8-bit grid", |b| {
        b.iter(|| black_box(mul_against_best(8, 8)))
    });
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("tnum.mul vs best, 6-bit inputs at 64 bits", |b| {
        b.iter(|| black_box(mul_against_best(64, 6)))
    });
    g.bench_function(
        "best transformer of mul alone, 8-bit pairs with the identity operator",
        |b| {
            // The abstract operator returns its first input, so this measures the DP and the loop.
            let grid = Grid::full(8).expect("a valid grid");
            b.iter(|| {
                black_box(
                    grid.against_best::<Tnum<Bv>>(
                        |x, y| x.wrapping_mul(y),
                        |a, _| *a,
                        &no_progress,
                    )
                    .exact,
                )
            })
        },
    );
    g.finish();
}

criterion_group!(benches, grids);
criterion_main!(benches);
