//! Cost of a tnum multiplication, per call: the kernel's `tnum_mul` against
//! `tnum.mul.precise` and `tnum.mul.precise_max` (`synth::pieces::mul`).
//!
//! `cargo bench -p synth --bench mul`. Each benchmark runs the operator on a fixed set of 1024
//! input pairs (seeded), so the time per call is the reported time divided by 1024. Two sets:
//! random 64-bit tnums (value and mask random, about half the bits unknown), and tnums whose
//! members are 8-bit values (the precision grid's inputs).
//!
//! Each operator is measured twice: the generic code on [`Bv`] words (what the catalog runs),
//! and a plain `u64` transcription of the same algorithm, which is what a kernel would compile.
//! The transcriptions live here only; before measuring, they are checked equal to the generic
//! code on every input pair of both sets.
//!
//! Last, the operator the meet search chooses (`vernier synth --domain tnum --op mul`,
//! `synth::synthesis::meet`, run here without proofs) against the kernel's, both as catalog
//! operators (`Operator::eval_bv`, dynamic dispatch on `Bv` words, as the search measures
//! them); its pieces are printed first.

use absint::domain::tnum::Tnum;
use absint::word::Bv;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use synth::catalog::{Abs, Catalog, Operator};
use synth::pieces::mul::{precise, precise_max};
use synth::synthesis::meet::{self, MeetConfig};

/// A plain tnum: (value, mask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct T(u64, u64);

fn add(a: T, b: T) -> T {
    let sv = a.0.wrapping_add(b.0);
    let sigma = a.1.wrapping_add(b.1).wrapping_add(sv);
    let mu = (sigma ^ sv) | a.1 | b.1;
    T(sv & !mu, mu)
}

fn union(a: T, b: T) -> T {
    let mu = (a.0 ^ b.0) | a.1 | b.1;
    T(a.0 & b.0 & !mu, mu)
}

/// The kernel's 6.18 `tnum_mul`, with its early exit once no bit of `a` is left.
fn kernel_u64(mut a: T, mut b: T) -> T {
    let mut acc = T(0, 0);
    while a.0 | a.1 != 0 {
        if a.0 & 1 != 0 {
            acc = add(acc, b);
        } else if a.1 & 1 != 0 {
            acc = union(acc, add(acc, b));
        }
        a = T(a.0 >> 1, a.1 >> 1);
        b = T(b.0 << 1, b.1 << 1);
    }
    acc
}

fn top_bit(m: u64) -> u64 {
    if m == 0 {
        0
    } else {
        1 << (63 - m.leading_zeros())
    }
}

fn range(a: T, b: T) -> T {
    let lo = a.0 as u128 * b.0 as u128;
    let hi = (a.0 | a.1) as u128 * (b.0 | b.1) as u128;
    if lo >> 64 != hi >> 64 {
        return T(0, u64::MAX);
    }
    let (lo, hi) = (lo as u64, hi as u64);
    let bits = 64 - (lo ^ hi).leading_zeros();
    let delta = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    T(lo & !delta, delta)
}

fn parts(t: T, k: u32) -> ([u64; 3], u64) {
    let mut bits = [0; 3];
    let mut rest = t.1;
    for bit in bits.iter_mut().take(k as usize) {
        *bit = top_bit(rest);
        rest &= !*bit;
    }
    (bits, rest)
}

fn split_ranges(a: T, b: T, k: u32) -> T {
    let (abits, arest) = parts(a, k);
    let (bbits, brest) = parts(b, k);
    let pick = |bits: &[u64; 3], i: u32| {
        (0..k)
            .filter(|j| i >> j & 1 == 1)
            .map(|j| bits[j as usize])
            .fold(0, |x, y| x | y)
    };
    let mut acc: Option<T> = None;
    for i in 0..1u32 << k {
        let pa = T(a.0 | pick(&abits, i), arest);
        for j in 0..1u32 << k {
            let pb = T(b.0 | pick(&bbits, j), brest);
            let r = range(pa, pb);
            acc = Some(acc.map_or(r, |acc| union(acc, r)));
        }
    }
    acc.unwrap_or(T(0, u64::MAX))
}

fn refine(k: T, p: T) -> T {
    let known = !k.1 & !p.1;
    if k.0 & known != p.0 & known {
        return k;
    }
    let mu = k.1 & p.1;
    T((k.0 | p.0) & !mu, mu)
}

fn precise_u64(a: T, b: T) -> T {
    refine(kernel_u64(a, b), split_ranges(a, b, 2))
}

fn precise_max_u64(a: T, b: T) -> T {
    let kernels = refine(kernel_u64(a, b), kernel_u64(b, a));
    refine(kernels, split_ranges(a, b, 3))
}

/// splitmix64: a seeded, dependency-free generator.
fn splitmix(state: &mut u64) -> u64 {
    absint::rng::splitmix64(state)
}

fn inputs(seed: u64, bits_mask: u64) -> Vec<(T, T)> {
    let mut s = seed;
    let one = |s: &mut u64| {
        let m = splitmix(s) & bits_mask;
        T(splitmix(s) & bits_mask & !m, m)
    };
    (0..1024).map(|_| (one(&mut s), one(&mut s))).collect()
}

fn generic(t: T) -> Tnum<Bv> {
    Tnum::u64(t.0, t.1)
}

fn check(set: &[(T, T)]) {
    for &(a, b) in set {
        let (ga, gb) = (generic(a), generic(b));
        let ok = |r: T, g: Tnum<Bv>| r == T(g.v(), g.m());
        assert!(ok(kernel_u64(a, b), ga.mul(&gb)), "kernel {a:?} {b:?}");
        assert!(
            ok(precise_u64(a, b), precise(&ga, &gb)),
            "precise {a:?} {b:?}"
        );
        assert!(
            ok(precise_max_u64(a, b), precise_max(&ga, &gb)),
            "precise_max {a:?} {b:?}"
        );
    }
}

fn per_call(c: &mut Criterion) {
    let sets = [
        ("random 64-bit", inputs(1, u64::MAX)),
        ("8-bit members", inputs(2, 0xff)),
    ];
    for (label, set) in &sets {
        check(set);
        let generic_set: Vec<(Tnum<Bv>, Tnum<Bv>)> =
            set.iter().map(|&(a, b)| (generic(a), generic(b))).collect();
        let mut g = c.benchmark_group(format!("mul, {label}, 1024 calls"));
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function("kernel tnum_mul, u64", |bch| {
            bch.iter(|| {
                set.iter()
                    .map(|&(a, b)| kernel_u64(black_box(a), b).1)
                    .fold(0, |x, y| x ^ y)
            })
        });
        g.bench_function("tnum.mul.precise, u64", |bch| {
            bch.iter(|| {
                set.iter()
                    .map(|&(a, b)| precise_u64(black_box(a), b).1)
                    .fold(0, |x, y| x ^ y)
            })
        });
        g.bench_function("tnum.mul.precise_max, u64", |bch| {
            bch.iter(|| {
                set.iter()
                    .map(|&(a, b)| precise_max_u64(black_box(a), b).1)
                    .fold(0, |x, y| x ^ y)
            })
        });
        g.bench_function("kernel tnum_mul, generic on Bv", |bch| {
            bch.iter(|| {
                generic_set
                    .iter()
                    .map(|(a, b)| black_box(a).mul(b).m())
                    .fold(0, |x, y| x ^ y)
            })
        });
        g.bench_function("tnum.mul.precise, generic on Bv", |bch| {
            bch.iter(|| {
                generic_set
                    .iter()
                    .map(|(a, b)| precise(black_box(a), b).m())
                    .fold(0, |x, y| x ^ y)
            })
        });
        g.finish();
    }
}

fn searched(c: &mut Criterion) {
    let target = meet::by_name("tnum", "mul").expect("tnum.mul is a meet target");
    let cfg = MeetConfig {
        prove_widths: vec![],
        measure: false,
        ..MeetConfig::default()
    };
    let s = meet::search(&target, &cfg);
    println!("meet search's tnum.mul: {}", s.selected.join(" ∧ "));
    let Some(ours) = s.operator.clone() else {
        println!("the search found no operator");
        return;
    };
    let Some(kernel) = Catalog::reference().get("tnum.mul").cloned() else {
        return;
    };
    for (label, set) in [
        ("random 64-bit", inputs(1, u64::MAX)),
        ("8-bit members", inputs(2, 0xff)),
    ] {
        let args: Vec<[Abs<Bv>; 2]> = set
            .iter()
            .map(|&(a, b)| [Abs::Tnum(generic(a)), Abs::Tnum(generic(b))])
            .collect();
        let members = [Bv::new(64, 0), Bv::new(64, 0)];
        let mut g = c.benchmark_group(format!("mul as catalog operators, {label}, 1024 calls"));
        g.throughput(Throughput::Elements(set.len() as u64));
        for (name, op) in [
            ("kernel tnum.mul", kernel.clone()),
            (
                "meet search's tnum.mul",
                ours.clone() as std::sync::Arc<dyn Operator>,
            ),
        ] {
            g.bench_function(name, |bch| {
                bch.iter(|| {
                    args.iter()
                        .map(|a| match op.eval_bv(64, black_box(a), &members).result {
                            Abs::Tnum(t) => t.m(),
                            _ => 0,
                        })
                        .fold(0, |x, y| x ^ y)
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, per_call, searched);
criterion_main!(benches);
