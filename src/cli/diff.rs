//! `vernier diff --count N --seed S`: whole-program differential testing against the running
//! kernel. Generates N random register-only programs ([`fuzz::paths::generate`]), loads each
//! into the kernel's verifier (log level 2) and explores it with the model
//! ([`absint::explore`]), and compares the two logs entry by entry: every state after every
//! instruction on every path, the branch states, the pruning points, the error message, the
//! verdict and the processed and total-states counts.
//!
//! Prints a fidelity table: programs, verdicts, log entries and instructions compared, exact
//! matches, disagreements by kind (the aspect and the instruction form it is about), and the
//! coverage: for every instruction form, how many instructions of it the kernel verified. Each
//! disagreement's first program is shrunk ([`fuzz::shrink`]) and written under `--regressions`
//! ([`fuzz::regress`]) unless `--no-write`.
//!
//! Program `n` of seed `S` is generated from its own seed (`S` and `n` mixed), so it can be
//! regenerated alone: `--seed S --skip n --count 1`.
//!
//! Exit codes: 0 when every program agrees, 1 on any disagreement (or a program the harness
//! could not compare), 2 for bad flags or when `bpf(2)` is not permitted. Ctrl-C stops after the
//! current program and prints the table so far (exit 2: the run is incomplete).

use super::Failure;
use absint::isa::{AluOp, Cond};
use fuzz::paths::{self, Disagreement, PathReport, PruningSource};
use fuzz::regress::{self, Provenance, Written};
use fuzz::sample::Rng;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// The largest `--max-len`: bodies stay well within the reach of 16-bit jump offsets.
const MAX_BODY: u64 = 10_000;

/// Flags of `vernier diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// Programs to generate and compare.
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// Seed of the generator: a seed and a count name a fixed set of programs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Start at program number SKIP of the seed's sequence (to re-run one program).
    #[arg(long, default_value_t = 0)]
    pub skip: u64,
    /// Largest body length: each program has 4 to 3 + MAX_LEN body instructions after its
    /// prologue.
    #[arg(long, default_value_t = 40)]
    pub max_len: u64,
    /// Where shrunk disagreements are written, one directory each.
    #[arg(long, default_value = fuzz::regress::DEFAULT_DIR)]
    pub regressions: PathBuf,
    /// Do not shrink or write disagreements; only count them.
    #[arg(long)]
    pub no_write: bool,
    /// Follow the kernel's pruning decisions (read from its log) instead of the model's own:
    /// compares everything but the pruning rule.
    #[arg(long)]
    pub replay_pruning: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Program `n`'s generator: the seed and the number mixed by one SplitMix64 step each, so that
/// neighbouring seeds and numbers give unrelated programs.
fn program_rng(seed: u64, n: u64) -> Rng {
    let mut mix = Rng::new(seed);
    let base = mix.next_u64();
    let mut rng = Rng::new(base ^ n.wrapping_mul(0xd134_2543_de82_ef95));
    rng.next_u64();
    rng
}

/// The `n`th program of `seed`'s sequence, with bodies of up to `max_len` + 3 instructions.
pub fn program(seed: u64, n: u64, max_len: u64) -> Vec<absint::isa::Insn> {
    let mut rng = program_rng(seed, n);
    let len = 4 + rng.below(max_len) as usize;
    paths::generate(&mut rng, len)
}

/// The disagreements of one kind.
struct Finding {
    programs: u64,
    first: u64,
    /// What became of the first program: the regression directory, or why there is none.
    stored: String,
}

/// The run's figures.
#[derive(Default)]
struct Tally {
    programs: u64,
    accepted_both: u64,
    rejected_both: u64,
    entries: u64,
    insns: u64,
    exact: u64,
    harness_errors: Vec<String>,
    findings: BTreeMap<Disagreement, Finding>,
    coverage: BTreeMap<String, u64>,
}

impl Tally {
    fn disagreements(&self) -> u64 {
        self.findings.values().map(|f| f.programs).sum()
    }
}

/// Runs the differential test and prints its table to `out`.
pub fn diff(args: &DiffArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if args.count == 0 || args.max_len == 0 {
        return Err(Failure::Input(
            "--count and --max-len must be at least 1".into(),
        ));
    }
    if args.max_len > MAX_BODY {
        return Err(Failure::Input(format!(
            "--max-len {} is more than {MAX_BODY}: jump offsets are 16 bits",
            args.max_len
        )));
    }
    if let Err(e) = fuzz::kernel::probe() {
        return Err(Failure::Input(format!(
            "{e}: `vernier diff` needs to load programs into the kernel (root or CAP_BPF)"
        )));
    }
    let pruning = if args.replay_pruning {
        PruningSource::Replayed
    } else {
        PruningSource::Own
    };
    fuzz::interrupt::install();
    let bar = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(args.count),
            indicatif::ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} programs ({per_sec}, eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    let mut tally = Tally::default();
    let mut interrupted = false;
    for n in args.skip..args.skip.saturating_add(args.count) {
        if fuzz::interrupt::requested() {
            interrupted = true;
            break;
        }
        let insns = program(args.seed, n, args.max_len);
        match paths::compare(&insns, pruning) {
            Ok(report) => record(&mut tally, n, &report, args, pruning),
            Err(e) => tally.harness_errors.push(format!("program {n}: {e}")),
        }
        tally.programs += 1;
        let found = tally.disagreements();
        if found > 0 {
            bar.set_message(format!("{found} disagreements"));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    print_table(&tally, args, pruning, interrupted, &release, out)?;
    let found = tally.disagreements();
    if !tally.harness_errors.is_empty() || found > 0 {
        return Err(Failure::Finding(format!(
            "{found} of {} programs disagree with the kernel, {} could not be compared",
            tally.programs,
            tally.harness_errors.len()
        )));
    }
    if interrupted {
        return Err(Failure::Input(format!(
            "interrupted after {} of {} programs (no disagreement so far)",
            tally.programs, args.count
        )));
    }
    Ok(())
}

/// Adds one program's comparison to the tally; shrinks and stores the first of each kind of
/// disagreement.
fn record(tally: &mut Tally, n: u64, report: &PathReport, args: &DiffArgs, pruning: PruningSource) {
    for (form, count) in report.coverage() {
        *tally.coverage.entry(form).or_default() += count;
    }
    tally.entries += report.matched as u64;
    tally.insns += report.insns_matched() as u64;
    let Some(kind) = report.disagreement() else {
        tally.exact += 1;
        if report.accepted {
            tally.accepted_both += 1;
        } else {
            tally.rejected_both += 1;
        }
        return;
    };
    if let Some(finding) = tally.findings.get_mut(&kind) {
        finding.programs += 1;
        return;
    }
    let stored = if args.no_write {
        "not written (--no-write)".to_string()
    } else {
        store(n, report, &kind, args, pruning)
    };
    tally.findings.insert(
        kind,
        Finding {
            programs: 1,
            first: n,
            stored,
        },
    );
}

/// Shrinks a disagreeing program and writes it as a regression; says where, or what failed.
fn store(
    n: u64,
    report: &PathReport,
    kind: &Disagreement,
    args: &DiffArgs,
    pruning: PruningSource,
) -> String {
    let shrunk_report = match fuzz::shrink::shrink_disagreement(&report.insns, pruning) {
        Ok((_, r)) if r.disagreement().as_ref() == Some(kind) => r,
        // The kernel or the comparison behaved differently on the second run: keep the
        // original.
        _ => report.clone(),
    };
    let found = Provenance {
        command: format!(
            "vernier diff --seed {} --skip {n} --count 1 --max-len {}{}",
            args.seed,
            args.max_len,
            if args.replay_pruning {
                " --replay-pruning"
            } else {
                ""
            }
        ),
        program: n,
        original_len: report.insns.len(),
        notes: Vec::new(),
    };
    let mut found = found;
    if pruning == PruningSource::Own {
        // Is it the pruning rule alone? Replaying the kernel's decisions compares the rest.
        if let Ok(replayed) = paths::compare(&shrunk_report.insns, PruningSource::Replayed) {
            found.notes.push(match replayed.disagreement() {
                None => "With the kernel's pruning decisions replayed (`--replay-pruning`) the \
                         logs agree entirely: only the pruning rule differs."
                    .to_string(),
                Some(kind) => format!(
                    "With the kernel's pruning decisions replayed (`--replay-pruning`) the logs \
                     still disagree ({kind}): not only the pruning rule differs."
                ),
            });
        }
    }
    match regress::write(&args.regressions, &shrunk_report, kind, &found) {
        Ok(Written::New(dir)) => dir.display().to_string(),
        Ok(Written::Existing(dir)) => format!("{} (already stored)", dir.display()),
        Err(e) => format!("not written: {e}"),
    }
}

/// The 2×2 columns of a form family: 64/32 bits × immediate/register.
const COLUMNS: [(&str, &str); 4] = [("64", "K"), ("64", "X"), ("32", "K"), ("32", "X")];

fn print_table(
    tally: &Tally,
    args: &DiffArgs,
    pruning: PruningSource,
    interrupted: bool,
    release: &str,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    writeln!(
        out,
        "vernier diff: seed {}, programs {}..{}, max body {}, pruning {}, kernel {release}{}",
        args.seed,
        args.skip,
        args.skip + tally.programs,
        args.max_len + 3,
        match pruning {
            PruningSource::Own => "model's own",
            PruningSource::Replayed => "replayed from the kernel",
        },
        if interrupted { " (interrupted)" } else { "" }
    )?;
    writeln!(out)?;
    writeln!(out, "| programs | accepted by both | rejected by both | log entries compared | instructions compared | exact matches | disagreements | not compared |")?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        tally.programs,
        tally.accepted_both,
        tally.rejected_both,
        tally.entries,
        tally.insns,
        tally.exact,
        tally.disagreements(),
        tally.harness_errors.len()
    )?;
    writeln!(out)?;
    if tally.findings.is_empty() {
        writeln!(out, "Disagreements by operator: none.")?;
    } else {
        writeln!(out, "Disagreements by operator:")?;
        writeln!(out)?;
        writeln!(
            out,
            "| aspect | operator | programs | first program | regression |"
        )?;
        writeln!(out, "|---|---|---:|---:|---|")?;
        for (kind, f) in &tally.findings {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                kind.aspect.name(),
                kind.operator,
                f.programs,
                f.first,
                f.stored
            )?;
        }
    }
    for e in tally.harness_errors.iter().take(10) {
        writeln!(out, "not compared: {e}")?;
    }
    writeln!(out)?;
    print_coverage(&tally.coverage, out)
}

/// The coverage tables: ALU operations and jumps by width and operand form, then the other
/// forms, then what was not reached.
fn print_coverage(coverage: &BTreeMap<String, u64>, out: &mut dyn Write) -> Result<(), Failure> {
    let count = |name: &str| coverage.get(name).copied().unwrap_or(0);
    let targets = paths::target_forms();
    let reached = targets.iter().filter(|f| count(f) > 0).count();
    let verified: u64 = coverage.values().sum();
    writeln!(
        out,
        "Coverage: {verified} instructions verified by the kernel; {reached} of {} forms reached.",
        targets.len()
    )?;
    writeln!(out)?;
    writeln!(out, "| operation | 64 K | 64 X | 32 K | 32 X |")?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    let lower = |d: &dyn std::fmt::Debug| format!("{d:?}").to_lowercase();
    let mut rows: Vec<String> = AluOp::ALL.iter().map(|op| lower(op)).collect();
    rows.extend(Cond::ALL.iter().map(|c| format!("j{}", lower(c))));
    for row in &rows {
        let cells: Vec<String> = COLUMNS
            .iter()
            .map(|(w, k)| count(&format!("{row}{w} {k}")).to_string())
            .collect();
        writeln!(out, "| {row} | {} |", cells.join(" | "))?;
    }
    writeln!(out)?;
    writeln!(out, "| form | instructions |")?;
    writeln!(out, "|---|---:|")?;
    let in_grid = |f: &str| {
        rows.iter()
            .any(|r| COLUMNS.iter().any(|(w, k)| f == format!("{r}{w} {k}")))
    };
    for form in targets.iter().filter(|f| !in_grid(f)) {
        writeln!(out, "| {form} | {} |", count(form))?;
    }
    let others: Vec<String> = coverage
        .iter()
        .filter(|(f, _)| !targets.contains(f))
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    if !others.is_empty() {
        writeln!(out, "| other: {} | |", others.join(", "))?;
    }
    let missing: Vec<&str> = targets
        .iter()
        .filter(|f| count(f) == 0)
        .map(String::as_str)
        .collect();
    writeln!(out)?;
    if missing.is_empty() {
        writeln!(out, "Every form reached.")?;
    } else {
        writeln!(out, "Not reached: {}.", missing.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(count: u64, seed: u64) -> DiffArgs {
        DiffArgs {
            count,
            seed,
            skip: 0,
            max_len: 40,
            regressions: std::env::temp_dir().join("vernier-diff-test-regressions"),
            no_write: true,
            replay_pruning: false,
            quiet: true,
        }
    }

    #[test]
    fn programs_are_a_function_of_seed_and_number() {
        assert_eq!(program(1, 7, 40), program(1, 7, 40));
        assert_ne!(program(1, 7, 40), program(1, 8, 40));
        assert_ne!(program(1, 7, 40), program(2, 7, 40));
    }

    #[test]
    fn the_table_shows_figures_findings_and_coverage() {
        let mut tally = Tally {
            programs: 10,
            accepted_both: 6,
            rejected_both: 3,
            entries: 400,
            insns: 321,
            exact: 9,
            ..Tally::default()
        };
        tally.findings.insert(
            Disagreement {
                aspect: fuzz::paths::Aspect::Pruning,
                operator: "jle32 K".into(),
            },
            Finding {
                programs: 1,
                first: 7,
                stored: "fuzz/regressions/0002_pruning_jle32_k".into(),
            },
        );
        for (form, n) in [
            ("add64 K", 40),
            ("jle32 K", 12),
            ("ld_imm64", 3),
            ("exit", 9),
        ] {
            tally.coverage.insert(form.into(), n);
        }
        let mut out = Vec::new();
        print_table(
            &tally,
            &args(10, 1),
            PruningSource::Own,
            false,
            "6.18.44",
            &mut out,
        )
        .expect("written to a vector");
        let text = String::from_utf8_lossy(&out);
        insta::with_settings!({prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("diff_table", text);
        });
    }

    #[test]
    fn zero_count_and_huge_bodies_are_bad_flags() {
        let mut out = Vec::new();
        assert!(matches!(
            diff(&args(0, 1), &mut out),
            Err(Failure::Input(_))
        ));
        let huge = DiffArgs {
            max_len: MAX_BODY + 1,
            ..args(1, 1)
        };
        assert!(matches!(diff(&huge, &mut out), Err(Failure::Input(_))));
        assert!(out.is_empty());
    }

    #[test]
    fn a_short_run_prints_the_table_and_agrees() {
        if let Err(e) = fuzz::kernel::probe() {
            eprintln!(
                "SKIPPED (bpf(2) not permitted: {}) a_short_run_prints_the_table_and_agrees",
                e.reason
            );
            return;
        }
        let mut out = Vec::new();
        let result = diff(&args(200, 3), &mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(result.is_ok(), "{text}");
        assert!(text.contains("| 200 | "), "{text}");
        assert!(text.contains("Disagreements by operator: none."), "{text}");
        assert!(text.contains("| add | "), "{text}");
        assert!(text.contains("| ld_imm64 | "), "{text}");
    }
}
