//! `vernier fuzz emit|check`: verifier fuzz corpora ([`fuzz::corpus`]).
//!
//! `vernier fuzz emit --kinds killers,witnesses,seeds --formats jsonl,raw,elf,selftest,conformance,syzkaller
//! --count N --seed S --out DIR` writes a corpus: a mutant-killer for every unsound operator of
//! the suite, precision witnesses for the precise operators, and boundary seeds up to N cases in
//! all; the canonical records always go to `DIR/jsonl/corpus.jsonl`, the suite to
//! `DIR/suite.json` and the summary to `DIR/summary.json`. The unsound suite is the catalog's
//! operators plus the candidates synthesis rejected: by default the bundled records of the
//! synthesis search with seed 1; `--synthesis` runs that search now with `--seed` (no z3
//! proofs; 27 to 49 s here, which is why it is not the default); `--rejected FILE...` adds the
//! `rejected.jsonl` files `vernier synth --out` wrote; `--no-synthesis` leaves synthesis out.
//! The synthesized operators themselves join the precise suite. It prints a summary: cases per
//! kind, the kill rate by origin, the killers' lengths, the synthesis candidates that no 64-bit
//! program can kill, the operators that do not lift and why, and the time.
//!
//! `vernier fuzz check DIR` loads every case of `DIR/jsonl/corpus.jsonl` into the running kernel
//! and compares its verdict, states and processed count with the labels, and the return value of
//! a test run where the case records one.
//!
//! Exit codes: 0 success (every label confirmed); 1 a finding (a label the kernel contradicts, or
//! an unsound operator no program kills); 2 bad flags or input, and for `check` when `bpf(2)` is
//! not permitted here (nothing was checked).

use super::Failure;
use fuzz::corpus::check::{self, Aspect};
use fuzz::corpus::emit::{self, EmitOptions};
use fuzz::corpus::export::{self, Format};
use fuzz::corpus::record::CaseKind;
use fuzz::corpus::synthesis::SynthesisRecords;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The subcommands of `vernier fuzz`.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum FuzzCommand {
    /// Emit a corpus: mutant-killers, precision witnesses and boundary seeds, labelled by the
    /// kernel model.
    Emit {
        /// Kinds of cases, comma-separated: killers, witnesses, seeds.
        #[arg(long, value_delimiter = ',', default_value = "killers,witnesses,seeds")]
        kinds: Vec<String>,
        /// Output formats, comma-separated: jsonl, raw, elf, selftest, conformance, syzkaller
        /// (jsonl is always written).
        #[arg(long, value_delimiter = ',', default_value = "jsonl")]
        formats: Vec<String>,
        /// Cases in all: killers and witnesses first, boundary seeds fill the rest.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Seed of the generators.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Witnesses per precise operator.
        #[arg(long, default_value_t = 8)]
        witnesses: usize,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Run the synthesis search of every target now (seed `--seed`, no z3 proofs; half a
        /// minute or more) instead of using the bundled records of seed 1.
        #[arg(long)]
        synthesis: bool,
        /// Rejected candidates written by `vernier synth --out` (`rejected.jsonl`), added to
        /// the suite (instead of the bundled records unless `--synthesis` is given too).
        #[arg(long, num_args = 1..)]
        rejected: Vec<PathBuf>,
        /// Leave synthesis out (the catalog suite only).
        #[arg(long, conflicts_with_all = ["synthesis", "rejected"])]
        no_synthesis: bool,
        /// Seconds of z3 for each rejected candidate that sampling does not refute at 64 bits.
        #[arg(long, default_value_t = 20.0)]
        z3_timeout: f64,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Check a corpus against the running kernel.
    Check {
        /// The corpus directory (as `emit --out` wrote it).
        dir: PathBuf,
        /// Findings to print in full (the rest are counted).
        #[arg(long, default_value_t = 20)]
        show: usize,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
}

fn kind(name: &str) -> Result<CaseKind, Failure> {
    match name.trim() {
        "killers" | "mutant-killer" => Ok(CaseKind::MutantKiller),
        "witnesses" | "precision-witness" => Ok(CaseKind::PrecisionWitness),
        "seeds" | "boundary-seed" => Ok(CaseKind::BoundarySeed),
        other => Err(Failure::Input(format!(
            "--kinds: unknown kind `{other}` (expected killers, witnesses, seeds)"
        ))),
    }
}

fn bar(len: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what} ({{per_sec}}) {{msg}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Runs `vernier fuzz`.
pub fn fuzz(command: &FuzzCommand, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        FuzzCommand::Emit {
            kinds,
            formats,
            count,
            seed,
            witnesses,
            out: dir,
            synthesis,
            rejected,
            no_synthesis,
            z3_timeout,
            quiet,
        } => {
            let kinds = kinds
                .iter()
                .map(|k| kind(k))
                .collect::<Result<Vec<_>, _>>()?;
            let formats = formats
                .iter()
                .map(|f| {
                    f.trim()
                        .parse::<Format>()
                        .map_err(|e| Failure::Input(format!("--formats: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if !(*z3_timeout > 0.0 && z3_timeout.is_finite()) {
                return Err(Failure::Input(format!(
                    "--z3-timeout: expected a positive number of seconds, found {z3_timeout}"
                )));
            }
            let records = if *no_synthesis {
                None
            } else {
                let mut records = SynthesisRecords::default();
                if *synthesis {
                    let bar = bar(13, *quiet, "synthesis targets");
                    let mut n = 0;
                    records.extend(fuzz::corpus::synthesis::search_all(*seed, &mut |t| {
                        bar.set_message(t.to_string());
                        bar.set_position(n);
                        n += 1;
                    }));
                    bar.finish_and_clear();
                } else if rejected.is_empty() {
                    records.extend(fuzz::corpus::synthesis::bundled());
                }
                for path in rejected {
                    records.extend(
                        fuzz::corpus::synthesis::read_rejected(path)
                            .map_err(|e| Failure::Input(format!("--rejected: {e}")))?,
                    );
                }
                Some(records)
            };
            let options = EmitOptions {
                kinds,
                formats,
                count: *count,
                seed: *seed,
                witnesses_per_operator: *witnesses,
                out: dir.clone(),
                synthesis: records,
                z3_timeout: std::time::Duration::from_secs_f64(*z3_timeout),
            };
            let progress = bar(*count as u64, *quiet, "cases");
            let result = emit::emit(&options, &mut |stage, done| {
                progress.set_message(stage.to_string());
                progress.set_position(done as u64);
            });
            progress.finish_and_clear();
            let (_, s) = result.map_err(|e| Failure::Input(e.to_string()))?;
            writeln!(out, "corpus written to {}", dir.display())?;
            for (k, n) in &s.cases {
                writeln!(out, "  {k:<18} {n:>7}")?;
            }
            if s.operators > 0 {
                writeln!(
                    out,
                    "operators: {} unsound operators lifted into the register step (catalog operators not lifted: {})",
                    s.operators,
                    s.not_lifted.len()
                )?;
                writeln!(
                    out,
                    "kill rate: {:.1}% ({} by an unsafe program, {} only by a register-invariant violation, {} survived)",
                    s.kill_rate(),
                    s.killed_unsafe,
                    s.killed_invariant,
                    s.survivors.len()
                )?;
                for (origin, f) in &s.by_origin {
                    writeln!(
                        out,
                        "  {origin:<10} {:>5.1}% of {} ({} by an unsafe program, {} only by an invariant violation, {} survived)",
                        f.kill_rate(),
                        f.operators,
                        f.killed_unsafe,
                        f.killed_invariant,
                        f.survivors.len()
                    )?;
                }
                let lengths: Vec<String> = s
                    .killer_lengths
                    .iter()
                    .map(|(len, n)| format!("{len}: {n}"))
                    .collect();
                writeln!(
                    out,
                    "killer lengths (instructions before the check: killers): {}",
                    lengths.join(", ")
                )?;
            }
            if let Some(y) = &s.synthesis {
                writeln!(out, "synthesis: {}", y.source)?;
                if y.search_seconds > 0.0 {
                    writeln!(out, "  search: {:.1} s", y.search_seconds)?;
                }
                writeln!(
                    out,
                    "  {} rejected records, {} duplicates at 64 bits, {} distinct: {} unsound at 64 bits (in the suite), {} unsound only below 64 bits or undecided ({:.1} s of checks)",
                    y.records,
                    y.duplicates,
                    y.distinct,
                    y.unsound_at_64,
                    y.not_killable.len(),
                    y.check_seconds
                )?;
                for u in &y.not_killable {
                    writeln!(out, "    {}: {}; {}", u.name, u.at64, u.counterexample)?;
                }
                let none: Vec<&str> = y
                    .synthesized_witnesses
                    .iter()
                    .filter(|(_, n)| **n == 0)
                    .map(|(k, _)| k.as_str())
                    .collect();
                writeln!(
                    out,
                    "  {} synthesized operators in the precise suite, {} with witnesses; none for {} (the kernel's operator is as precise there)",
                    y.synthesized_witnesses.len(),
                    y.synthesized_witnesses.len() - none.len(),
                    if none.is_empty() { "-".to_string() } else { none.join(", ") }
                )?;
                for u in &y.unusable {
                    writeln!(out, "  unusable: {u}")?;
                }
            }
            if !s.not_lifted.is_empty() {
                writeln!(out, "not lifted:")?;
                for n in &s.not_lifted {
                    writeln!(out, "  {}: {}", n.name, n.reason)?;
                }
            }
            for (f, n) in &s.files {
                writeln!(out, "  {f:<12} {n:>7} files")?;
            }
            writeln!(out, "time: {:.2} s", s.seconds)?;
            if !s.survivors.is_empty() {
                return Err(Failure::Finding(format!(
                    "operators not killed: {}",
                    s.survivors.join(", ")
                )));
            }
            Ok(())
        }
        FuzzCommand::Check { dir, show, quiet } => {
            let path = emit::jsonl_path(dir);
            let cases = export::read_jsonl(&path).map_err(|e| Failure::Input(e.to_string()))?;
            if let Err(e) = fuzz::kernel::probe() {
                return Err(Failure::Input(format!(
                    "SKIPPED: {e}; nothing checked (exit code 2)"
                )));
            }
            let start = Instant::now();
            let progress = bar(cases.len() as u64, *quiet, "cases");
            let report = check::check(&cases, &|n| progress.set_position(n as u64));
            progress.finish_and_clear();
            let secs = start.elapsed().as_secs_f64();
            writeln!(
                out,
                "{} cases checked in {secs:.2} s ({:.0}/s): {} accepted, {} rejected by the kernel",
                report.cases,
                report.cases as f64 / secs.max(1e-9),
                report.accepted,
                report.rejected
            )?;
            writeln!(
                out,
                "{} instruction states compared, {} test runs",
                report.states_compared, report.runs
            )?;
            writeln!(
                out,
                "{} of {} cases confirmed, {} findings",
                report.confirmed,
                report.cases,
                report.findings.len()
            )?;
            for f in report.findings.iter().take(*show) {
                let aspect = match &f.aspect {
                    Aspect::States(n) => format!("states (line {n})"),
                    other => format!("{other:?}").to_lowercase(),
                };
                writeln!(
                    out,
                    "  {}: {aspect}: label `{}`, kernel `{}`",
                    f.id, f.expected, f.kernel
                )?;
            }
            if report.findings.is_empty() {
                Ok(())
            } else {
                Err(Failure::Finding(format!(
                    "{} labels contradicted by the kernel: a bug in the model or the kernel",
                    report.findings.len()
                )))
            }
        }
    }
}
