//! Cost of one call of an operator: absint's native `Tnum<Bv>` code, the compiled IR (the `u64`
//! register machine) and the generic IR evaluator on `Bv`, for tnum add and mul at 64 bits.
//!
//! Run with `cargo bench -p synth --bench ir`.

use absint::domain::Tnum;
use absint::word::Bv;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use synth::ir::library;

/// Fixed operands with a mix of known and unknown bits.
fn operands() -> (Tnum, Tnum) {
    (
        Tnum::u64(0x1234_0000_0000_0a00, 0x0000_00ff_0000_00f3),
        Tnum::u64(0x0000_0100_0000_0004, 0xf000_0000_0000_0f01),
    )
}

fn bench_op(c: &mut Criterion, name: &str, native: fn(&Tnum, &Tnum) -> Tnum) {
    let (a, b) = operands();
    let op = library::build(name, 64).expect("library operator");
    let compiled = op.compile();
    let mut machine = compiled.machine();
    let inputs = [a.v(), a.m(), b.v(), b.m()];
    let words = inputs.map(Bv::u64);
    let mut group = c.benchmark_group(name);
    group.bench_function("native", |bench| {
        bench.iter(|| native(black_box(&a), black_box(&b)))
    });
    group.bench_function("compiled", |bench| {
        bench.iter(|| machine.run(black_box(&inputs))[1])
    });
    group.bench_function("generic_eval_bv", |bench| {
        bench.iter(|| op.eval(black_box(&words)).map(|r| r[1]))
    });
    group.finish();
}

fn tnum_ops(c: &mut Criterion) {
    bench_op(c, "tnum.add", Tnum::add);
    bench_op(c, "tnum.mul", Tnum::mul);
}

criterion_group!(benches, tnum_ops);
criterion_main!(benches);
