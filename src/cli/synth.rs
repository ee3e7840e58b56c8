//! `vernier synth`: synthesize a sound, precise abstract operator, or every target (`--all`).
//!
//! Prints the operator's IR and its report; with `--out DIR` also writes `OP.ir`, `OP.json`,
//! `OP.c`, `OP.rs`, `report.md`, `report.json`, `precision.svg` and `rejected.jsonl` there.

use super::Failure;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use synth::synthesis::report::{default_grid_width, table, Report};
use synth::synthesis::suite::write_jsonl;
use synth::synthesis::{cegis, targets, Config, Status, Synthesis, Target};

/// Arguments of `vernier synth`.
#[derive(clap::Args, Debug, Clone)]
pub struct SynthArgs {
    /// The abstract domain (`tnum`, `uint`, `sint`).
    #[arg(long)]
    pub domain: Option<String>,
    /// The operation (`add`, `sub`, `and`, `or`, `xor`, `neg`, `lshift`, `rshift`, `arshift`).
    #[arg(long)]
    pub op: Option<String>,
    /// Run every target and print one table.
    #[arg(long)]
    pub all: bool,
    /// Width of the emitted operator and of the main z3 proof (32 or 64; 64 is also proved
    /// at 32).
    #[arg(long, default_value_t = 64)]
    pub width: u32,
    /// Give up after this many seconds (checked between CEGIS rounds).
    #[arg(long, default_value_t = 120.0)]
    pub time_limit: f64,
    /// Seed of the examples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the operator, its report and the rejected candidates to this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Width of the exhaustive precision grid of the report (default: 8 for tnums, 6 for
    /// intervals; 0: no grid).
    #[arg(long)]
    pub grid_width: Option<u32>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn input(msg: impl Into<String>) -> Failure {
    Failure::Input(msg.into())
}

fn names() -> String {
    targets::all()
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The target the flags name.
fn target_of(args: &SynthArgs) -> Result<Target, Failure> {
    let (Some(domain), Some(op)) = (&args.domain, &args.op) else {
        return Err(input(format!(
            "vernier synth: give --domain and --op, or --all (targets: {})",
            names()
        )));
    };
    if targets::TargetDomain::from_name(domain).is_none() {
        return Err(input(format!(
            "--domain {domain}: unknown domain (known: tnum, uint, sint)"
        )));
    }
    targets::by_name(domain, op).ok_or_else(|| {
        input(format!(
            "--op {op}: no synthesis target {domain}.{op} (targets: {})",
            names()
        ))
    })
}

fn config(args: &SynthArgs) -> Result<Config, Failure> {
    if args.width != 64 && args.width != 32 {
        return Err(input(format!("--width {}: must be 32 or 64", args.width)));
    }
    let s = args.time_limit;
    if !(s.is_finite() && s > 0.0) {
        return Err(input(format!(
            "--time-limit {s}: must be a positive number of seconds"
        )));
    }
    let time_limit = Some(Duration::from_secs_f64(s));
    if let Some(w) = args.grid_width {
        if w > 10 {
            return Err(input(format!("--grid-width {w}: at most 10 (0: no grid)")));
        }
    }
    Ok(Config {
        seed: args.seed,
        prove_widths: if args.width == 64 {
            vec![64, 32]
        } else {
            vec![32]
        },
        time_limit,
        ..Config::default()
    })
}

fn grid_width(args: &SynthArgs, t: &Target) -> Option<u32> {
    match args.grid_width {
        Some(0) => None,
        Some(w) => Some(w),
        None => Some(default_grid_width(t.domain)),
    }
}

/// A spinner on stderr (hidden with `--quiet` or when stderr is not a terminal).
fn spinner(quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} {spinner} {prefix} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn run_one(
    args: &SynthArgs,
    t: &Target,
    cfg: &Config,
    bar: &indicatif::ProgressBar,
) -> (Synthesis, Report) {
    bar.set_prefix(t.name());
    let stop = || fuzz::interrupt::requested();
    let s = cegis::synthesize_with(t, cfg, Some(&stop), &mut |m| bar.set_message(m.to_string()));
    bar.set_message("measuring precision on the grid");
    let report = Report::measure(&s, grid_width(args, t));
    (s, report)
}

fn write_file(dir: &Path, name: &str, text: &str) -> Result<(), Failure> {
    std::fs::write(dir.join(name), text)
        .map_err(|e| input(format!("--out {}: cannot write {name}: {e}", dir.display())))
}

/// Write the operator and its report to `dir`.
fn write_outputs(dir: &Path, s: &Synthesis, report: &Report, width: u32) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| input(format!("--out {}: cannot create it: {e}", dir.display())))?;
    let op = s.target.op;
    if let Some(c) = &s.candidate {
        let ir = c
            .operator(&s.target, &s.target.name(), width)
            .map_err(|e| Failure::Finding(format!("the result does not lower to IR: {e}")))?;
        write_file(dir, &format!("{op}.ir"), &ir.to_text())?;
        let json = serde_json::to_string_pretty(&ir)
            .map_err(|e| Failure::Finding(format!("cannot serialize the IR: {e}")))?;
        write_file(dir, &format!("{op}.json"), &json)?;
        match synth::emit::c::function(&ir) {
            Ok(code) => write_file(dir, &format!("{op}.c"), &code)?,
            Err(e) => write_file(
                dir,
                &format!("{op}.c"),
                &format!("/* not emitted: {e} */\n"),
            )?,
        }
        match synth::emit::rust::function(&ir) {
            Ok(code) => write_file(dir, &format!("{op}.rs"), &code)?,
            Err(e) => write_file(dir, &format!("{op}.rs"), &format!("// not emitted: {e}\n"))?,
        }
    }
    write_file(dir, "report.md", &report.to_markdown())?;
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Failure::Finding(format!("cannot serialize the report: {e}")))?;
    write_file(dir, "report.json", &json)?;
    if let Some(g) = &report.grid {
        let title = format!(
            "{}: distance to the best transformer, every input of {} bits",
            report.target, g.width
        );
        write_file(
            dir,
            "precision.svg",
            &synth::emit::svg::histogram(&title, &g.histogram, "bits of imprecision"),
        )?;
    }
    let mut jsonl = Vec::new();
    write_jsonl(s.suite.records(), &mut jsonl)?;
    write_file(dir, "rejected.jsonl", &String::from_utf8_lossy(&jsonl))?;
    Ok(())
}

/// Runs `vernier synth`.
pub fn synth(args: &SynthArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let cfg = config(args)?;
    if args.all {
        if args.domain.is_some() || args.op.is_some() {
            return Err(input(
                "--all runs every target: give it without --domain and --op",
            ));
        }
        fuzz::interrupt::install();
        let bar = spinner(args.quiet);
        let mut reports = Vec::new();
        for t in targets::all() {
            if fuzz::interrupt::requested() {
                break;
            }
            let (s, report) = run_one(args, &t, &cfg, &bar);
            if let Some(dir) = &args.out {
                write_outputs(&dir.join(t.name()), &s, &report, args.width)?;
            }
            reports.push(report);
        }
        bar.finish_and_clear();
        let text = table(&reports);
        if let Some(dir) = &args.out {
            write_file(dir, "table.md", &text)?;
        }
        write!(out, "{text}")?;
        if fuzz::interrupt::requested() {
            writeln!(out, "\n(interrupted after {} targets)", reports.len())?;
        }
        return Ok(());
    }
    let t = target_of(args)?;
    fuzz::interrupt::install();
    let bar = spinner(args.quiet);
    let (s, report) = run_one(args, &t, &cfg, &bar);
    bar.finish_and_clear();
    if let Some(c) = &s.candidate {
        let ir = c
            .operator(&t, &t.name(), args.width)
            .map_err(|e| Failure::Finding(format!("the result does not lower to IR: {e}")))?;
        writeln!(out, "{}", ir.to_text())?;
    }
    write!(out, "{}", report.to_markdown())?;
    if let Some(dir) = &args.out {
        write_outputs(dir, &s, &report, args.width)?;
    }
    match s.status {
        Status::Proved => Ok(()),
        other => Err(Failure::Finding(format!(
            "{}: {} (see the report above)",
            t.name(),
            other.label()
        ))),
    }
}
