//! Synthesis: per-target time, candidates enumerated, and what pruning removed.
//!
//! `cargo bench -p synth --bench synth`. First prints, for every done-when target, one full
//! synthesis (search, exhaustive checks, z3 at 64 and 32 bits) with its counts, and the
//! enumeration counts of its first round under three settings: fingerprint pruning alone (the
//! default), fingerprint pruning with egg merging candidates up to size 2 before evaluation,
//! and no pruning at all (the bank is then cut at `max_terms`). Then criterion times the
//! search and the CEGIS checks (no z3) per target, with criterion's minimum sample size.
//!
//! The meet targets (`synth::synthesis::meet`: `tnum.mul`, division and remainder) follow: one
//! table of the search without proofs (pieces in the pool, enumerated, rejected, selected, the
//! steps of the selection path, check and selection times), then criterion's time for the
//! search without z3 and without the report grid.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use synth::synthesis::enumerate::{Bank, EnumConfig};
use synth::synthesis::examples::Examples;
use synth::synthesis::meet::{self, MeetConfig};
use synth::synthesis::{synthesize, targets, Config};

const DONE_WHEN: [(&str, &str); 7] = [
    ("tnum", "add"),
    ("tnum", "sub"),
    ("tnum", "and"),
    ("tnum", "or"),
    ("tnum", "xor"),
    ("uint", "add"),
    ("uint", "sub"),
];

fn counts() {
    println!("| target | synthesis | search | checks | z3 | enumerated | pruned fp | kept | egg: enumerated / pruned egg / pruned fp / kept / time | no pruning: enumerated / kept / time |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (d, o) in DONE_WHEN {
        let t = targets::by_name(d, o).expect("a target");
        let s = synthesize(&t, &Config::default(), None);
        let e = s.enumeration();
        let ex = Examples::generate(&t, 1, 40, 24);
        let fields = t.inputs().len();
        let timed = |cfg: &EnumConfig| {
            let start = Instant::now();
            let b = Bank::build(&ex, fields, &t.components, cfg);
            (b.stats, start.elapsed().as_secs_f64())
        };
        let (egg, egg_t) = timed(&EnumConfig {
            egg_up_to: 2,
            ..EnumConfig::default()
        });
        let (none, none_t) = timed(&EnumConfig {
            fingerprint_pruning: false,
            ..EnumConfig::default()
        });
        println!(
            "| {} | {:.2} s ({:?}) | {:.2} s | {:.2} s | {:.2} s | {} | {} | {} | {} / {} / {} / {} / {:.2} s | {} / {} / {:.2} s |",
            t.name(), s.total_seconds, s.status, s.search_seconds, s.check_seconds, s.prove_seconds,
            e.enumerated, e.pruned_fingerprint, e.kept,
            egg.enumerated, egg.pruned_egg, egg.pruned_fingerprint, egg.kept, egg_t,
            none.enumerated, none.kept, none_t,
        );
    }
}

/// The meet search without proofs or report grid.
fn meet_config() -> MeetConfig {
    MeetConfig {
        prove_widths: vec![],
        measure: false,
        ..MeetConfig::default()
    }
}

fn meet_counts() {
    println!("| meet target | pieces considered | enumerated | rejected | selected | path steps | exact (selection grid) | checks | selection | total |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for t in meet::targets() {
        let s = meet::search(&t, &meet_config());
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.3}% | {:.2} s | {:.2} s | {:.2} s |",
            s.target,
            s.pool.len(),
            s.enumerated,
            s.pool.iter().filter(|p| p.check != "sound").count(),
            s.selected.join(" ∧ "),
            s.path.len(),
            s.selection.as_ref().map_or(0.0, |f| f.exact_percent),
            s.check_seconds,
            s.search_seconds,
            s.total_seconds,
        );
    }
}

fn meets(c: &mut Criterion) {
    meet_counts();
    let mut g = c.benchmark_group("meet search without z3");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for t in meet::targets() {
        g.bench_function(t.name(), |b| {
            b.iter(|| black_box(meet::search(&t, &meet_config()).selected.len()))
        });
    }
    g.finish();
}

fn search(c: &mut Criterion) {
    counts();
    let mut g = c.benchmark_group("synthesis without z3");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for (d, o) in DONE_WHEN {
        let t = targets::by_name(d, o).expect("a target");
        let cfg = Config {
            prove_widths: vec![],
            ..Config::default()
        };
        g.bench_function(t.name(), |b| {
            b.iter(|| black_box(synthesize(&t, &cfg, None).status))
        });
    }
    g.finish();
}

criterion_group!(benches, search, meets);
criterion_main!(benches);
