//! Kernel-differential test of whole explorations: seeded random register-only programs, run by
//! the running kernel's verifier and by `absint::explore`, compared line by line (see
//! `fuzz::paths`). Each test prints a table (programs, verdicts, entries matched, what the
//! programs exercised) and fails on any disagreement, showing the program, both entries and the
//! kernel log. Skips loudly when `bpf(2)` is not permitted.

use fuzz::paths::{compare, generate, Entry, PathVerdict, PruningSource};
use fuzz::sample::Rng;
use std::collections::BTreeMap;

/// The sample's seed.
const SEED: u64 = 0x009a_74e5_0001;
/// Programs compared by the default tests.
const PROGRAMS: usize = 5000;

/// Pruning replayed from the kernel's log: every state, link, fork and verdict compared.
#[test]
fn kernel_paths_replayed_pruning() {
    run(
        "kernel_paths_replayed_pruning",
        PruningSource::Replayed,
        SEED,
        PROGRAMS,
        40,
    );
}

/// The explorer's own pruning: the `safe` lines and the processed and total-states counts too.
#[test]
fn kernel_paths_own_pruning() {
    run(
        "kernel_paths_own_pruning",
        PruningSource::Own,
        SEED,
        PROGRAMS,
        40,
    );
}

/// A larger sample with longer programs (about a minute): run with `--ignored` when changing
/// the explorer or the transfer functions.
#[test]
#[ignore]
fn kernel_paths_large() {
    for seed in [0x009a_74e5_1001, 0x009a_74e5_1002] {
        run("kernel_paths_large", PruningSource::Own, seed, 50_000, 60);
    }
}

/// The kind of a kernel message: its words without the numbers.
fn kind(message: &str) -> String {
    let words: Vec<&str> = message
        .split([' ', ':'])
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
        .filter(|w| !w.contains('=') && !w.starts_with('('))
        .take(5)
        .collect();
    words.join(" ")
}

fn run(test: &str, pruning: PruningSource, seed: u64, programs: usize, max_len: u64) {
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!("SKIPPED (bpf(2) not permitted: {}) {test}", e.reason);
        return;
    }
    let mut rng = Rng::new(seed);
    let (mut compared, mut accepted, mut lines, mut pruned, mut unsupported) = (0, 0, 0, 0, 0);
    let (mut forks, mut offset_links) = (0, 0);
    let mut rejections: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for n in 0..programs {
        let len = 4 + rng.below(max_len) as usize;
        let insns = generate(&mut rng, len);
        let report = match compare(&insns, pruning) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("program {n}: harness error {e}"));
                continue;
            }
        };
        compared += 1;
        accepted += usize::from(report.accepted);
        lines += report.matched;
        pruned += report.pruned;
        for entry in &report.kernel {
            match entry {
                Entry::From(a, b, _) if a == b => forks += 1,
                Entry::Error(m) => *rejections.entry(kind(m)).or_default() += 1,
                Entry::Insn(_, text) if text.contains("+") && text.contains("(id=") => {
                    offset_links += 1
                }
                _ => {}
            }
        }
        match &report.verdict {
            PathVerdict::Match => {}
            PathVerdict::Unsupported(what) => {
                unsupported += 1;
                failures.push(format!("program {n}: unsupported {what}"));
            }
            PathVerdict::Mismatch {
                at,
                kernel,
                explorer,
            } => failures.push(format!(
                "program {n}: entry {at} differs\n  kernel:   {}\n  explorer: {}\nprogram:\n{}kernel log:\n{}",
                kernel.as_deref().unwrap_or("<end>"),
                explorer.as_deref().unwrap_or("<end>"),
                absint::isa::disasm_program(&report.insns),
                report.log
            )),
        }
    }
    eprintln!("{test} (seed {seed:#x}, pruning {pruning:?}):");
    eprintln!("| programs | accepted | entries matched | kernel prunes | ALU forks | offset-link lines | unsupported | failures |");
    eprintln!("|---|---|---|---|---|---|---|---|");
    eprintln!(
        "| {compared} | {accepted} | {lines} | {pruned} | {forks} | {offset_links} | {unsupported} | {} |",
        failures.len()
    );
    eprintln!("rejections by kind: {rejections:?}");
    for f in &failures {
        eprintln!("{}", f.lines().take(3).collect::<Vec<_>>().join("\n"));
    }
    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(3).map(String::as_str).collect();
        panic!(
            "{} of {compared} programs disagree; first ones:\n{}",
            failures.len(),
            shown.join("\n\n")
        );
    }
    assert!(compared == programs && lines > 0, "nothing was compared");
}
