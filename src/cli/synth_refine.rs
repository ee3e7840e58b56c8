//! `vernier synth --domain tnum|uint|sint --op refine`: the tnum ↔ range refinement as a synthesis
//! target (`synth::synthesis::refine`).
//!
//! Prints the result's IR and its report; with `--out DIR` also writes `refine.ir`,
//! `refine.json`, `refine.c`, `refine.rs`, `report.md`, `report.json`, `precision.svg` and
//! `rejected.jsonl` there. `--grid-width` is the width of the report grid (every tnum × every
//! interval of that width, 2 to 7 bits; 0: no grid); `--time-limit` stops the search where it
//! is (as Ctrl-C does), and the outcome is then "interrupted".

use super::synth::{input, spinner, write_outputs_to, Outputs, SynthArgs};
use super::Failure;
use std::io::Write;
use std::path::Path;
use std::time::Duration;
use synth::synthesis::refine::{self, report, RefineConfig, RefineSynthesis, RefineTarget};
use synth::synthesis::Status;

/// Is `domain.op` a refinement target?
pub fn is_target(domain: &str, op: &str) -> bool {
    refine::by_name(domain, op).is_some()
}

/// The names of the refinement targets.
pub fn names() -> Vec<String> {
    refine::targets().iter().map(|t| t.name()).collect()
}

/// Seconds of z3 per query when `--z3-timeout` is not given.
const DEFAULT_Z3_TIMEOUT: f64 = 60.0;

/// The search's configuration from the flags.
fn config(args: &SynthArgs) -> Result<RefineConfig, Failure> {
    if args.width != 64 && args.width != 32 {
        return Err(input(format!("--width {}: must be 32 or 64", args.width)));
    }
    let z = args.z3_timeout.unwrap_or(DEFAULT_Z3_TIMEOUT);
    if !(z.is_finite() && z > 0.0) {
        return Err(input(format!(
            "--z3-timeout {z}: must be a positive number of seconds"
        )));
    }
    if let Some(s) = args.target_share {
        if !(s.is_finite() && s > 0.0 && s <= 1.0) {
            return Err(input(format!(
                "--target-share {s}: must be a share in (0, 1]"
            )));
        }
    }
    let report_width = match args.grid_width {
        None | Some(0) => None,
        Some(w @ 2..=7) => Some(w),
        Some(w) => {
            return Err(input(format!(
                "--grid-width {w}: the refinement's grid is every tnum × every interval of that \
                 width, 2 to 7 bits (0: no grid)"
            )))
        }
    };
    Ok(RefineConfig {
        prove_widths: if args.width == 64 {
            vec![64, 32]
        } else {
            vec![32]
        },
        z3_timeout: Duration::from_secs_f64(z),
        report_width,
        measure: args.grid_width != Some(0),
        proved_only: !args.keep_unproved,
        target_share: args.target_share,
        ..RefineConfig::default()
    })
}

fn search(
    args: &SynthArgs,
    t: &RefineTarget,
    cfg: &RefineConfig,
    bar: &indicatif::ProgressBar,
) -> RefineSynthesis {
    bar.set_prefix(t.name());
    let started = std::time::Instant::now();
    let limit = args.time_limit.map(Duration::from_secs_f64);
    let stop = || fuzz::interrupt::requested() || limit.is_some_and(|l| started.elapsed() >= l);
    refine::search_with(t, cfg, Some(&stop), &mut |m| bar.set_message(m.to_string()))
}

/// Write a search's operator and report to `dir`.
fn write_outputs(dir: &Path, s: &RefineSynthesis, width: u32) -> Result<(), Failure> {
    let histogram = s.report.as_ref().map(|g| {
        let title = format!(
            "{}: distance to the best transformer, every {}-bit tnum × interval with S ≠ ∅",
            s.target, g.width
        );
        (title, &g.histogram)
    });
    write_outputs_to(
        dir,
        &Outputs {
            op: "refine",
            ir: s.ir(width),
            markdown: report::to_markdown(s),
            json: serde_json::to_string_pretty(s),
            histogram,
            rejected: s.suite.records(),
        },
    )
}

/// Runs one refinement target (`vernier synth --domain D --op refine`).
pub fn run(args: &SynthArgs, domain: &str, op: &str, out: &mut dyn Write) -> Result<(), Failure> {
    let Some(t) = refine::by_name(domain, op) else {
        return Err(input(format!(
            "--op {op}: no refinement target {domain}.{op} (targets: {})",
            names().join(", ")
        )));
    };
    let cfg = config(args)?;
    fuzz::interrupt::install();
    let bar = spinner(args.quiet);
    let s = search(args, &t, &cfg, &bar);
    bar.finish_and_clear();
    if let Some(ir) = s.ir(args.width) {
        writeln!(out, "{}", ir.to_text())?;
    }
    write!(out, "{}", report::to_markdown(&s))?;
    if let Some(dir) = &args.out {
        write_outputs(dir, &s, args.width)?;
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

/// Runs every refinement target for `vernier synth --all`, writing each one's outputs under
/// `args.out` (when given); returns the markdown section of the table.
pub fn run_all(args: &SynthArgs, bar: &indicatif::ProgressBar) -> Result<String, Failure> {
    // `--grid-width` of `--all` is meant for the other targets' grids: beyond the
    // refinement's 7 bits, the refinement keeps its default grid.
    let mut own = args.clone();
    if own.grid_width.is_some_and(|w| w > 7 || w == 1) {
        own.grid_width = None;
    }
    let args = &own;
    let cfg = config(args)?;
    let mut done = Vec::new();
    for t in refine::targets() {
        if fuzz::interrupt::requested() {
            break;
        }
        let s = search(args, &t, &cfg, bar);
        if let Some(dir) = &args.out {
            write_outputs(&dir.join(t.name()), &s, args.width)?;
        }
        done.push(s);
    }
    if done.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(
        "\nThe tnum ↔ range refinement (meet of sound pieces):\n\n{}",
        report::table(&done)
    ))
}
