//! `vernier verify`: soundness proofs of catalog operators with z3, or exhaustive checks at
//! small widths, one line per operator.
//!
//! Exit codes: 0 when nothing is found; 1 on a *finding*: a reference operator with a
//! counterexample, or a historical/mutant operator (expected unsound) that is not refuted;
//! 2 on bad input. Unknown verdicts (timeouts) are reported and are not findings.

use super::Failure;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use synth::catalog::{Catalog, Operator};
use synth::verify::{self, Row, Verdict};

/// Arguments of `vernier verify`.
#[derive(clap::Args, Debug, Clone)]
pub struct VerifyArgs {
    /// The operator, by catalog name (`tnum.add`, `uint.mul`, `kernel.alu64.add.k`,
    /// `hist.cve_2020_27194`, `mutant.tnum.add.carry` …), or a prefix ending in `.*`
    /// (`tnum.*`).
    #[arg(required_unless_present_any = ["all", "list"])]
    pub op: Option<String>,
    /// Every operator of the catalog: reference, historical and mutants.
    #[arg(long, conflicts_with = "op")]
    pub all: bool,
    /// Print the catalog's names and exit.
    #[arg(long)]
    pub list: bool,
    /// Width of the words in bits (register steps exist only at 64).
    #[arg(long, default_value_t = 64)]
    pub width: u32,
    /// z3's time budget per operator, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    /// Check by enumeration at N bits instead of with z3 (no solver; N at most 8).
    #[arg(long, value_name = "N")]
    pub exhaustive: Option<u32>,
}

/// Is the operator expected to be refuted (historical bugs and mutants)?
fn expected_unsound(name: &str) -> bool {
    name.starts_with("hist.") || name.starts_with("mutant.")
}

/// The operators named by the arguments.
fn select(args: &VerifyArgs, catalog: &Catalog) -> Result<Vec<Arc<dyn Operator>>, Failure> {
    if args.all {
        return Ok(catalog.iter().cloned().collect());
    }
    let name = args.op.as_deref().unwrap_or_default();
    let chosen: Vec<_> = match name.strip_suffix('*') {
        Some(prefix) => catalog
            .iter()
            .filter(|op| op.name().starts_with(prefix))
            .cloned()
            .collect(),
        None => catalog.get(name).into_iter().cloned().collect(),
    };
    if chosen.is_empty() {
        return Err(Failure::Input(format!(
            "operator '{name}': no such operator in the catalog (see `vernier verify --list`)"
        )));
    }
    Ok(chosen)
}

/// Check one operator: exhaustive at `n` bits, the inductive proof for `tnum.mul`, else z3.
fn check(op: &dyn Operator, args: &VerifyArgs, timeout: Duration) -> (Row, &'static str) {
    if let Some(n) = args.exhaustive {
        return (verify::exhaustive_row(op, n), "exhaustive");
    }
    if op.name() == "tnum.mul" {
        let started = Instant::now();
        let lemmas = verify::prove_tnum_mul_inductive(args.width, timeout);
        let row = Row {
            op: op.name().to_string(),
            width: args.width,
            verdict: verify::combine(&lemmas),
            elapsed: started.elapsed(),
        };
        return (row, "inductive");
    }
    (verify::prove_row(op, args.width, timeout), "z3")
}

/// Run the checks and print one line per operator (and each counterexample below its line).
pub fn verify(args: &VerifyArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let catalog = Catalog::all();
    if args.list {
        for op in catalog.iter() {
            writeln!(out, "{:<34} {}", op.name(), op.summary())?;
        }
        return Ok(());
    }
    if !(1..=64).contains(&args.width) {
        return Err(Failure::Input(format!(
            "--width {}: must be between 1 and 64",
            args.width
        )));
    }
    if let Some(n) = args.exhaustive {
        if !(1..=8).contains(&n) {
            return Err(Failure::Input(format!(
                "--exhaustive {n}: must be between 1 and 8"
            )));
        }
    }
    let width = args.exhaustive.unwrap_or(args.width);
    let timeout = Duration::from_secs(args.timeout.max(1));
    let ops = select(args, &catalog)?;
    let (defined, skipped): (Vec<_>, Vec<_>) =
        ops.into_iter().partition(|op| op.supports_width(width));
    if defined.is_empty() {
        return Err(Failure::Input(format!(
            "no selected operator is defined at {width} bits"
        )));
    }

    let bar = ProgressBar::new(defined.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !args.all && defined.len() == 1 {
        bar.finish_and_clear();
    }

    let mut findings = Vec::new();
    for op in &defined {
        bar.set_message(op.name().to_string());
        let (row, how) = check(op.as_ref(), args, timeout);
        let expected = expected_unsound(&row.op);
        let detail = match (&row.verdict, expected) {
            (Verdict::Valid, false) => format!("({how})"),
            (Verdict::Valid, true) => {
                findings.push(format!("{}: expected a counterexample", row.op));
                format!("({how}) FINDING: expected unsound, not refuted")
            }
            (Verdict::Counterexample(_), true) => "(expected)".to_string(),
            (Verdict::Counterexample(_), false) => {
                findings.push(format!("{}: counterexample", row.op));
                "FINDING".to_string()
            }
            (Verdict::Unknown(reason), _) => reason.clone(),
        };
        bar.suspend(|| -> std::io::Result<()> {
            writeln!(
                out,
                "{:<34} {:>2} {:<15} {:>9.2}s  {}",
                row.op,
                row.width,
                row.verdict.label(),
                row.elapsed.as_secs_f64(),
                detail
            )?;
            if let Verdict::Counterexample(cex) = &row.verdict {
                for line in cex.to_string().lines().skip(1) {
                    writeln!(out, "    {line}")?;
                }
            }
            Ok(())
        })?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    if !skipped.is_empty() {
        writeln!(
            out,
            "({} operators not defined at {width} bits skipped)",
            skipped.len()
        )?;
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Failure::Finding(format!(
            "{} finding(s): {}",
            findings.len(),
            findings.join("; ")
        )))
    }
}
