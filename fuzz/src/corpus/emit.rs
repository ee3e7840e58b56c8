//! A whole corpus: the kinds asked for, labelled, written in the formats asked for, with the
//! operator suite and a summary.
//!
//! Output layout: `<out>/<format>/…` for each format (see [`super::export`]; the canonical
//! records are `<out>/jsonl/corpus.jsonl`), and `<out>/suite.json`: every operator of the
//! unsound suite with its lift, its counterexample at the operator's level (from
//! [`synth::verify::sample`], in the log's syntax), and its killer (the operand states that
//! expose it, the two results, the program).

use super::export::{self, ExportError, Format};
use super::killers::{self, KillKind, Killer};
use super::record::{Case, CaseKind};
use super::suite::Suite;
use super::{seeds, witnesses};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Candidates tried per operator when searching a killer.
pub const KILLER_BUDGET: usize = 20_000;
/// Candidates tried per precise operator when searching witnesses.
pub const WITNESS_BUDGET: usize = 20_000;

/// What to emit.
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// The kinds of cases.
    pub kinds: Vec<CaseKind>,
    /// The output formats (`jsonl` is always written: `check` reads it).
    pub formats: Vec<Format>,
    /// The total number of cases wanted: killers and witnesses first, seeds fill the rest.
    pub count: usize,
    /// The seed.
    pub seed: u64,
    /// Witnesses per precise operator.
    pub witnesses_per_operator: usize,
    /// The output directory.
    pub out: PathBuf,
}

/// Figures of an emitted corpus.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EmitSummary {
    /// Cases per kind.
    pub cases: BTreeMap<String, usize>,
    /// Unsound operators in the suite (lifted into the register step).
    pub operators: usize,
    /// Killed by an unsafe program the operator accepts.
    pub killed_unsafe: usize,
    /// Killed only by a register-invariant violation on a safe program.
    pub killed_invariant: usize,
    /// Operators no program was found for.
    pub survivors: Vec<String>,
    /// Catalog operators that do not lift into the register step.
    pub not_lifted: Vec<String>,
    /// Killers by instructions before the check.
    pub killer_lengths: BTreeMap<usize, usize>,
    /// Files written per format.
    pub files: BTreeMap<String, usize>,
    /// Seconds spent.
    pub seconds: f64,
}

impl EmitSummary {
    /// Killed operators over all operators, in percent.
    pub fn kill_rate(&self) -> f64 {
        if self.operators == 0 {
            return 0.0;
        }
        100.0 * (self.killed_unsafe + self.killed_invariant) as f64 / self.operators as f64
    }
}

/// Why a corpus could not be emitted.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// An exporter failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// `suite.json` could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// One operator of `suite.json`.
#[derive(Serialize)]
struct SuiteEntry {
    name: String,
    summary: String,
    lift: String,
    counterexample: Option<String>,
    kill: String,
    killer: Option<KillerEntry>,
    /// The operator's IR at 64 bits, traced from the code the checker refuted.
    ir: Option<String>,
    /// The same as a kernel-style C function.
    c: Option<String>,
}

/// The traced IR (text) and kernel-style C of a catalog operator at 64 bits, where it has them.
fn ir_and_c(op: &dyn synth::catalog::Operator) -> (Option<String>, Option<String>) {
    let ir = synth::ir::library::from_catalog(op, 64);
    (
        ir.as_ref().map(|o| o.to_string()),
        ir.as_ref().and_then(|o| synth::emit::c::function(o).ok()),
    )
}

#[derive(Serialize)]
struct KillerEntry {
    id: String,
    dst_state: String,
    src_state: Option<String>,
    kernel_result: String,
    operator_result: String,
    insns: Vec<String>,
}

/// A sound operator of the precise suite, with its IR and kernel-style C where it has IR.
#[derive(Serialize)]
struct PreciseEntry {
    name: String,
    summary: String,
    lift: String,
    ir: Option<String>,
    c: Option<String>,
}

fn precise_json() -> Vec<PreciseEntry> {
    Suite::precise()
        .operators
        .iter()
        .map(|op| {
            let (ir, c) = ir_and_c(&*op.op);
            PreciseEntry {
                name: op.name().to_string(),
                summary: op.op.summary().to_string(),
                lift: format!("{:?}", op.lift),
                ir,
                c,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct SuiteFile {
    unsound: Vec<SuiteEntry>,
    precise: Vec<PreciseEntry>,
}

fn suite_json(suite: &Suite, killers: &[Killer], seed: u64) -> String {
    let entries: Vec<SuiteEntry> = suite
        .operators
        .iter()
        .zip(killers)
        .map(|(op, k)| {
            let cex = synth::verify::sample(&*op.op, 64, 20_000, seed).map(|c| c.to_string());
            let (ir, c) = ir_and_c(&*op.op);
            SuiteEntry {
                ir,
                c,
                name: op.name().to_string(),
                summary: op.op.summary().to_string(),
                lift: format!("{:?}", op.lift),
                counterexample: cex,
                kill: format!("{:?}", k.kind),
                killer: k.found.as_ref().map(|f| KillerEntry {
                    id: format!("mk-{}-0000", op.name()),
                    dst_state: f.inputs.0.clone(),
                    src_state: f.inputs.1.clone(),
                    kernel_result: f.results.0.clone(),
                    operator_result: f.results.1.clone(),
                    insns: f.program.insns.iter().map(ToString::to_string).collect(),
                }),
            }
        })
        .collect();
    let file = SuiteFile {
        unsound: entries,
        precise: precise_json(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Emits the corpus; `progress` is told each stage's name and how many cases exist so far.
pub fn emit(
    options: &EmitOptions,
    progress: &mut dyn FnMut(&str, usize),
) -> Result<(Vec<Case>, EmitSummary), EmitError> {
    let start = Instant::now();
    let mut summary = EmitSummary::default();
    let mut cases: Vec<Case> = Vec::new();
    let wants = |k: CaseKind| options.kinds.contains(&k);
    if wants(CaseKind::MutantKiller) {
        progress("killers", cases.len());
        let suite = Suite::unsound();
        let ks = killers::kill_all(&suite, KILLER_BUDGET);
        summary.operators = ks.len();
        summary.not_lifted = suite.not_lifted.clone();
        for k in &ks {
            match k.kind {
                KillKind::UnsafeAccepted => summary.killed_unsafe += 1,
                KillKind::InvariantOnly => summary.killed_invariant += 1,
                KillKind::Survived => summary.survivors.push(k.operator.clone()),
            }
            if let Some(f) = &k.found {
                *summary
                    .killer_lengths
                    .entry(f.length_before_check)
                    .or_insert(0) += 1;
            }
        }
        std::fs::create_dir_all(&options.out).map_err(|source| EmitError::Io {
            path: options.out.clone(),
            source,
        })?;
        let path = options.out.join("suite.json");
        std::fs::write(&path, suite_json(&suite, &ks, options.seed))
            .map_err(|source| EmitError::Io { path, source })?;
        cases.extend(killers::cases(&ks, options.seed));
    }
    if wants(CaseKind::PrecisionWitness) {
        progress("witnesses", cases.len());
        cases.extend(witnesses::cases(
            &Suite::precise(),
            options.witnesses_per_operator,
            WITNESS_BUDGET,
            options.seed,
        ));
    }
    if wants(CaseKind::BoundarySeed) {
        progress("seeds", cases.len());
        let rest = options.count.saturating_sub(cases.len());
        cases.extend(seeds::cases(options.seed, rest));
    }
    for c in &cases {
        let kind = serde_json::to_value(c.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *summary.cases.entry(kind).or_insert(0) += 1;
    }
    let mut formats = options.formats.clone();
    if !formats.contains(&Format::Jsonl) {
        formats.insert(0, Format::Jsonl);
    }
    for f in formats {
        progress(f.name(), cases.len());
        let written = export::write(f, &cases, &options.out)?;
        summary.files.insert(f.name().to_string(), written.files);
    }
    summary.seconds = start.elapsed().as_secs_f64();
    Ok((cases, summary))
}

/// The path of a corpus's canonical records under its directory.
pub fn jsonl_path(dir: &Path) -> PathBuf {
    dir.join(Format::Jsonl.name())
        .join(export::jsonl::FILE_NAME)
}

/// `d` in seconds with two decimals.
pub fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}
