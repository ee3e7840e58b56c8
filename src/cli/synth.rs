//! `vernier synth`: synthesize a sound, precise abstract operator, or every target (`--all`).
//!
//! Targets of the term search (CEGIS) and targets of the meet search (`tnum.mul`, division and
//! remainder: the meet of sound pieces, `synth::synthesis::meet`) share the command.
//! Prints the operator's IR and its report; with `--out DIR` also writes `OP.ir`, `OP.json`,
//! `OP.c`, `OP.rs`, `report.md`, `report.json`, `precision.svg` and `rejected.jsonl` there.

use super::Failure;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use synth::synthesis::meet::{self, MeetConfig, MeetSynthesis, MeetTarget};
use synth::synthesis::report::{default_grid_width, table, Report};
use synth::synthesis::suite::write_jsonl;
use synth::synthesis::{cegis, targets, Config, Status, Synthesis, Target};

/// Arguments of `vernier synth`.
#[derive(clap::Args, Debug, Clone)]
pub struct SynthArgs {
    /// The abstract domain (`tnum`, `uint`, `sint`).
    #[arg(long)]
    pub domain: Option<String>,
    /// The operation (`add`, `sub`, `and`, `or`, `xor`, `neg`, `lshift`, `rshift`, `arshift`;
    /// meet of sound pieces: `mul`, shifts by an unknown amount and `refine` on tnums; `mul`,
    /// `and`, `or`, `xor`, shifts, `udiv`, `urem`, `sdiv`, `srem` and `refine` on intervals;
    /// an unknown target lists them all).
    #[arg(long)]
    pub op: Option<String>,
    /// Run every target and print one table.
    #[arg(long)]
    pub all: bool,
    /// Width of the emitted operator and of the main z3 proof (32 or 64; 64 is also proved
    /// at 32).
    #[arg(long, default_value_t = 64)]
    pub width: u32,
    /// Give up after this many seconds: the term search between CEGIS rounds (default 120),
    /// the meet search where it is, which then ends "interrupted" (default: no limit).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Seed of the examples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the operator, its report and the rejected candidates to this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Width of the exhaustive precision grid of the report (default: 8 for tnums, 6 for
    /// intervals; 0: no grid). For `tnum.mul`, the bits of the members of 64-bit tnums
    /// (default 7).
    #[arg(long)]
    pub grid_width: Option<u32>,
    /// Meet search: stop adding pieces once this share (0 to 1) of the selection grid is
    /// exact (default: add pieces while one helps).
    #[arg(long)]
    pub target_share: Option<f64>,
    /// Meet search: keep pieces that are sound on the exhaustive checks but not proved at every
    /// proof width (the result is then reported unproved); by default such a piece is excluded
    /// and the selection runs again without it.
    #[arg(long)]
    pub keep_unproved: bool,
    /// Meet search: seconds of z3 for each proof of a piece (default: the target's, 60 s for
    /// most; 300 s for `sint.sdiv`, whose structured proof has a 64-bit lemma that takes
    /// 80–240 s).
    #[arg(long)]
    pub z3_timeout: Option<f64>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

pub(super) fn input(msg: impl Into<String>) -> Failure {
    Failure::Input(msg.into())
}

fn names() -> String {
    targets::all()
        .iter()
        .map(|t| t.name())
        .chain(meet::targets().iter().map(|t| t.name()))
        .chain(super::synth_refine::names())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the flags name: a target of the term search or of the meet search.
enum Named {
    Terms(Target),
    Meet(MeetTarget),
    Refine(String, String),
}

/// The target the flags name.
fn target_of(args: &SynthArgs) -> Result<Named, Failure> {
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
    if let Some(t) = targets::by_name(domain, op) {
        return Ok(Named::Terms(t));
    }
    if super::synth_refine::is_target(domain, op) {
        return Ok(Named::Refine(domain.clone(), op.clone()));
    }
    meet::by_name(domain, op).map(Named::Meet).ok_or_else(|| {
        input(format!(
            "--op {op}: no synthesis target {domain}.{op} (targets: {})",
            names()
        ))
    })
}

fn meet_config(args: &SynthArgs, t: &MeetTarget) -> Result<MeetConfig, Failure> {
    if let Some(s) = args.target_share {
        if !(s.is_finite() && s > 0.0 && s <= 1.0) {
            return Err(input(format!(
                "--target-share {s}: must be a share in (0, 1]"
            )));
        }
    }
    let z = args
        .z3_timeout
        .unwrap_or(t.default_z3_timeout().as_secs_f64());
    if !(z.is_finite() && z > 0.0) {
        return Err(input(format!(
            "--z3-timeout {z}: must be a positive number of seconds"
        )));
    }
    let report_grid = match args.grid_width {
        Some(0) | None => None,
        Some(w) => {
            let mut g = t.report_grid;
            if g.width == 64 {
                g.input_bits = w;
            } else {
                g.width = w;
                g.input_bits = w;
            }
            Some(g)
        }
    };
    Ok(MeetConfig {
        target_share: args.target_share,
        prove_widths: if args.width == 64 {
            vec![64, 32]
        } else {
            vec![32]
        },
        report_grid,
        measure: args.grid_width != Some(0),
        proved_only: !args.keep_unproved,
        z3_timeout: Duration::from_secs_f64(z),
        ..MeetConfig::default()
    })
}

fn run_meet(
    args: &SynthArgs,
    t: &MeetTarget,
    bar: &indicatif::ProgressBar,
) -> Result<MeetSynthesis, Failure> {
    let cfg = meet_config(args, t)?;
    bar.set_prefix(t.name());
    let started = std::time::Instant::now();
    let limit = args.time_limit.map(Duration::from_secs_f64);
    let stop = || fuzz::interrupt::requested() || limit.is_some_and(|l| started.elapsed() >= l);
    Ok(meet::search_with(t, &cfg, Some(&stop), &mut |m| {
        bar.set_message(m.to_string())
    }))
}

/// What every synthesis writes to `--out DIR`: the operator as `OP.ir`, `OP.json`, `OP.c`,
/// `OP.rs` (when there is one), `report.md`, `report.json`, the precision histogram as
/// `precision.svg` (when measured: its title and counts) and the rejected candidates as
/// `rejected.jsonl`.
pub(super) struct Outputs<'a> {
    pub(super) op: &'a str,
    pub(super) ir: Option<synth::ir::Operator>,
    pub(super) markdown: String,
    /// The report as pretty JSON (its serialization's outcome).
    pub(super) json: serde_json::Result<String>,
    pub(super) histogram: Option<(String, &'a std::collections::BTreeMap<u32, u64>)>,
    pub(super) rejected: &'a [synth::synthesis::suite::Rejected],
}

/// Write `outputs` to `dir`, creating it.
pub(super) fn write_outputs_to(dir: &Path, outputs: &Outputs) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| input(format!("--out {}: cannot create it: {e}", dir.display())))?;
    if let Some(ir) = &outputs.ir {
        write_ir(dir, outputs.op, ir)?;
    }
    write_file(dir, "report.md", &outputs.markdown)?;
    let json = outputs
        .json
        .as_ref()
        .map_err(|e| Failure::Finding(format!("cannot serialize the report: {e}")))?;
    write_file(dir, "report.json", json)?;
    if let Some((title, counts)) = &outputs.histogram {
        write_file(
            dir,
            "precision.svg",
            &synth::emit::svg::histogram(title, counts, "bits of imprecision"),
        )?;
    }
    let mut jsonl = Vec::new();
    write_jsonl(outputs.rejected, &mut jsonl)?;
    write_file(dir, "rejected.jsonl", &String::from_utf8_lossy(&jsonl))?;
    Ok(())
}

/// Write a meet search's operator and report to `dir`.
fn write_meet_outputs(dir: &Path, op: &str, s: &MeetSynthesis, width: u32) -> Result<(), Failure> {
    let histogram = s.report.as_ref().map(|g| {
        let title = format!(
            "{}: distance to the best transformer, {}-bit elements with {}-bit members",
            s.target, g.width, g.input_bits
        );
        (title, &g.histogram)
    });
    write_outputs_to(
        dir,
        &Outputs {
            op,
            ir: s.ir(width),
            markdown: meet::report::to_markdown(s),
            json: serde_json::to_string_pretty(s),
            histogram,
            rejected: s.suite.records(),
        },
    )
}

/// Write `OP.ir`, `OP.json`, `OP.c` and `OP.rs`.
pub(super) fn write_ir(dir: &Path, op: &str, ir: &synth::ir::Operator) -> Result<(), Failure> {
    write_file(dir, &format!("{op}.ir"), &ir.to_text())?;
    let json = serde_json::to_string_pretty(ir)
        .map_err(|e| Failure::Finding(format!("cannot serialize the IR: {e}")))?;
    write_file(dir, &format!("{op}.json"), &json)?;
    match synth::emit::c::function(ir) {
        Ok(code) => write_file(dir, &format!("{op}.c"), &code)?,
        Err(e) => write_file(
            dir,
            &format!("{op}.c"),
            &format!("/* not emitted: {e} */\n"),
        )?,
    }
    match synth::emit::rust::function(ir) {
        Ok(code) => write_file(dir, &format!("{op}.rs"), &code)?,
        Err(e) => write_file(dir, &format!("{op}.rs"), &format!("// not emitted: {e}\n"))?,
    }
    Ok(())
}

/// The term search's time limit when `--time-limit` is not given, in seconds.
const TERM_SEARCH_TIME_LIMIT: f64 = 120.0;

fn config(args: &SynthArgs) -> Result<Config, Failure> {
    if args.width != 64 && args.width != 32 {
        return Err(input(format!("--width {}: must be 32 or 64", args.width)));
    }
    let s = args.time_limit.unwrap_or(TERM_SEARCH_TIME_LIMIT);
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
pub(super) fn spinner(quiet: bool) -> indicatif::ProgressBar {
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

pub(super) fn write_file(dir: &Path, name: &str, text: &str) -> Result<(), Failure> {
    std::fs::write(dir.join(name), text)
        .map_err(|e| input(format!("--out {}: cannot write {name}: {e}", dir.display())))
}

/// Write the operator and its report to `dir`.
fn write_outputs(dir: &Path, s: &Synthesis, report: &Report, width: u32) -> Result<(), Failure> {
    let ir = match &s.candidate {
        Some(c) => Some(
            c.operator(&s.target, &s.target.name(), width)
                .map_err(|e| Failure::Finding(format!("the result does not lower to IR: {e}")))?,
        ),
        None => None,
    };
    let histogram = report.grid.as_ref().map(|g| {
        let title = format!(
            "{}: distance to the best transformer, every input of {} bits",
            report.target, g.width
        );
        (title, &g.histogram)
    });
    write_outputs_to(
        dir,
        &Outputs {
            op: s.target.op,
            ir,
            markdown: report.to_markdown(),
            json: serde_json::to_string_pretty(report),
            histogram,
            rejected: s.suite.records(),
        },
    )
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
        let mut meets = Vec::new();
        for t in meet::targets() {
            if fuzz::interrupt::requested() {
                break;
            }
            let s = run_meet(args, &t, &bar)?;
            if let Some(dir) = &args.out {
                write_meet_outputs(&dir.join(t.name()), t.op, &s, args.width)?;
            }
            meets.push(s);
        }
        let refinements = if fuzz::interrupt::requested() {
            String::new()
        } else {
            super::synth_refine::run_all(args, &bar)?
        };
        bar.finish_and_clear();
        let mut text = table(&reports);
        if !meets.is_empty() {
            text.push_str("\nMeet of sound pieces:\n\n");
            text.push_str(&meet::report::table(&meets));
        }
        text.push_str(&refinements);
        if let Some(dir) = &args.out {
            write_file(dir, "table.md", &text)?;
        }
        write!(out, "{text}")?;
        if fuzz::interrupt::requested() {
            writeln!(
                out,
                "\n(interrupted after {} targets)",
                reports.len() + meets.len()
            )?;
        }
        return Ok(());
    }
    let t = match target_of(args)? {
        Named::Terms(t) => t,
        Named::Refine(domain, op) => return super::synth_refine::run(args, &domain, &op, out),
        Named::Meet(t) => {
            fuzz::interrupt::install();
            let bar = spinner(args.quiet);
            let s = run_meet(args, &t, &bar)?;
            bar.finish_and_clear();
            if let Some(ir) = s.ir(args.width) {
                writeln!(out, "{}", ir.to_text())?;
            }
            write!(out, "{}", meet::report::to_markdown(&s))?;
            if let Some(dir) = &args.out {
                write_meet_outputs(dir, t.op, &s, args.width)?;
            }
            return match s.status {
                Status::Proved => Ok(()),
                other => Err(Failure::Finding(format!(
                    "{}: {} (see the report above)",
                    t.name(),
                    other.label()
                ))),
            };
        }
    };
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
