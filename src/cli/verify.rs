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
use synth::catalog::kernel::KernelForm;
use synth::catalog::{Catalog, Operator};
use synth::steps::{self, Outcome};
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
    #[arg(long, value_name = "N", conflicts_with = "compositional")]
    pub exhaustive: Option<u32>,
    /// Prove register steps (`kernel.*`) compositionally: the stage lemmas of the bounds
    /// synchronisation, the multiplication lemmas, and one pre lemma per step, each printed
    /// with its verdict and time; lemmas of inductive proofs are printed too.
    #[arg(long)]
    pub compositional: bool,
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

/// Check one operator: exhaustive at `n` bits, the inductive proof for the tnum
/// multiplications ([`synth::induction::INDUCTIVE`]), the structured proof (lemma instances,
/// [`synth::bounds_proof::STRUCTURED`]) for the interval operators that have one, else z3.
fn check(
    op: &dyn Operator,
    args: &VerifyArgs,
    timeout: Duration,
) -> (Row, &'static str, Vec<String>) {
    if let Some(n) = args.exhaustive {
        return (verify::exhaustive_row(op, n), "exhaustive", Vec::new());
    }
    let started = Instant::now();
    if let Some(lemmas) = synth::induction::inductive_proof(op.name(), args.width, timeout) {
        let verdict = verify::combine(&lemmas);
        let row = Row {
            op: op.name().to_string(),
            width: args.width,
            verdict,
            elapsed: started.elapsed(),
        };
        return (row, "inductive", lemma_lines(&lemmas));
    }
    if let Some(lemmas) = synth::bounds_proof::structured_proof(op.name(), args.width, timeout) {
        let row = Row {
            op: op.name().to_string(),
            width: args.width,
            verdict: synth::bounds_proof::verdict(&lemmas),
            elapsed: started.elapsed(),
        };
        return (row, "lemmas", lemma_lines(&lemmas));
    }
    (verify::prove_row(op, args.width, timeout), "z3", Vec::new())
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

    fuzz::interrupt::install();
    let (findings, interrupted) = verify::with_interrupt(&stop_requested, || {
        run_all(&defined, args, timeout, &bar, out)
    })?;
    bar.finish_and_clear();
    if let Some(done) = interrupted {
        writeln!(
            out,
            "interrupted (Ctrl-C) after {done} of {} operators",
            defined.len()
        )?;
    }
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

/// Check every operator in turn, printing one line each (and lemma lines with
/// `--compositional`); stops at Ctrl-C. The findings, and whether it was interrupted.
fn run_all(
    defined: &[Arc<dyn Operator>],
    args: &VerifyArgs,
    timeout: Duration,
    bar: &ProgressBar,
    out: &mut dyn Write,
) -> Result<(Vec<String>, Option<usize>), Failure> {
    let mut findings = Vec::new();
    let mut shared = SharedLemmas::default();
    for (done, op) in defined.iter().enumerate() {
        bar.set_message(op.name().to_string());
        let (row, how, lemma_lines) =
            match steps::form_named(op.name()).filter(|_| args.compositional) {
                Some(form) => compositional_step(form, &mut shared, timeout, out)?,
                None => check(op.as_ref(), args, timeout),
            };
        if stop_requested() {
            // The query in progress was interrupted: its "unknown" is not a verdict.
            return Ok((findings, Some(done)));
        }
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
            // A structured proof's lemmas are its justification: always printed.
            if args.compositional || how == "lemmas" {
                for line in &lemma_lines {
                    writeln!(out, "{line}")?;
                }
            }
            out.flush()
        })?;
        bar.inc(1);
    }
    Ok((findings, None))
}

/// The lines of a composite proof's lemmas.
fn lemma_lines(lemmas: &[verify::Lemma]) -> Vec<String> {
    lemmas
        .iter()
        .map(|l| {
            lemma_line(
                &l.name,
                l.verdict.label(),
                l.elapsed,
                match &l.verdict {
                    Verdict::Unknown(r) => r,
                    _ => "",
                },
            )
        })
        .collect()
}

/// One indented lemma line: name, verdict, time and the reason of an unknown.
fn lemma_line(name: &str, label: &str, elapsed: Duration, reason: &str) -> String {
    let mut line = format!(
        "    lemma {:<70} {:<14} {:>8.2}s",
        name,
        label,
        elapsed.as_secs_f64()
    );
    if !reason.is_empty() {
        line.push_str("  ");
        line.push_str(&reason.chars().take(200).collect::<String>());
    }
    line
}

/// The lemmas every step shares, proved once per run when first needed.
#[derive(Default)]
struct SharedLemmas {
    stages: Option<Vec<steps::Lemma>>,
    mul: Option<Vec<steps::Lemma>>,
}

/// A step lemma's outcome as a catalog verdict (a lemma's counterexample refutes the proof, not
/// necessarily the step: it is reported as unknown, with the model).
fn as_verdict(outcome: &Outcome) -> Verdict {
    match outcome {
        Outcome::Valid => Verdict::Valid,
        Outcome::Counterexample(m) => Verdict::Unknown(format!("lemma refuted: {m}")),
        Outcome::Unknown(r) => Verdict::Unknown(r.clone()),
    }
}

fn step_lemma_line(l: &steps::Lemma) -> String {
    let reason = match &l.outcome {
        Outcome::Valid => String::new(),
        Outcome::Counterexample(m) => m.clone(),
        Outcome::Unknown(r) => r.clone(),
    };
    lemma_line(&l.name, l.outcome.label(), l.elapsed, &reason)
}

/// Prove one register step compositionally (`synth::steps`): its pre lemma, combined with the
/// stage lemmas (and the multiplication lemmas for `mul`), which are proved and printed the
/// first time a step needs them.
fn compositional_step(
    form: KernelForm,
    shared: &mut SharedLemmas,
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<(Row, &'static str, Vec<String>), Failure> {
    let started = Instant::now();
    if shared.stages.is_none() {
        let mut lemmas = steps::prove_stages(timeout);
        lemmas.push(steps::prove_sync_well_formed(timeout));
        for l in &lemmas {
            writeln!(out, "{}", step_lemma_line(l))?;
        }
        shared.stages = Some(lemmas);
    }
    let mut deps = shared.stages.clone().unwrap_or_default();
    if steps::uses_mul_lemmas(form) {
        if shared.mul.is_none() {
            let lemmas = steps::prove_mul_dependencies(timeout);
            for l in &lemmas {
                writeln!(out, "{}", step_lemma_line(l))?;
            }
            shared.mul = Some(lemmas);
        }
        deps.extend(shared.mul.clone().unwrap_or_default());
    }
    // Cases of a case split (the 64-bit shifts) are printed as they are decided.
    let mut case_error = None;
    let pre = steps::prove_pre_with(form, timeout, &mut |label, outcome, elapsed| {
        let line = lemma_line(&format!("case {label}"), outcome.label(), elapsed, "");
        if let Err(e) = writeln!(out, "  {line}").and_then(|()| out.flush()) {
            case_error.get_or_insert(e);
        }
    });
    if let Some(e) = case_error {
        return Err(Failure::Io(e));
    }
    let proof = steps::combine(&form.name(), pre, &deps);
    let verdict = match &proof.outcome {
        // A counterexample to the pre lemma is a member the unsynchronised state misses; the
        // catalog's single query decides whether the step itself is unsound.
        Outcome::Counterexample(m) => Verdict::Unknown(format!("pre lemma refuted: {m}")),
        other => as_verdict(other),
    };
    let row = Row {
        op: proof.name.clone(),
        width: 64,
        verdict,
        elapsed: started.elapsed(),
    };
    Ok((row, "compositional", vec![step_lemma_line(&proof.pre)]))
}

/// Has the user asked to stop (Ctrl-C, see `fuzz::interrupt`)?
fn stop_requested() -> bool {
    fuzz::interrupt::requested()
}
