//! A whole corpus: the kinds asked for, labelled, written in the formats asked for, with the
//! operator suite and a summary.
//!
//! Output layout: `<out>/<format>/…` for each format (see [`super::export`]; the canonical
//! records are `<out>/jsonl/corpus.jsonl`), `<out>/suite.json`: every operator of the
//! unsound suite — the catalog's and the candidates synthesis rejected ([`super::synthesis`]) —
//! with its origin, its lift, its counterexample at the operator's level (from
//! [`synth::verify::sample`] or z3, in the log's syntax; for synthesis candidates also the
//! small-width one that rejected it), its killer (the operand states that expose it, the two
//! results, the program), its IR and C at 64 bits; the rejected candidates that are sound at 64
//! bits apart; and the precise (sound) operators with their witness counts. `<out>/summary.json`
//! is the [`EmitSummary`].

use super::export::{self, ExportError, Format};
use super::killers::{self, KillKind, Killer};
use super::record::{Case, CaseKind};
use super::suite::{NotLifted, Origin, Suite};
use super::synthesis::{self, At64, SynthesisRecords, SynthesisSuite};
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
    /// The synthesis records whose candidates join the suite (`None`: the catalog only).
    pub synthesis: Option<SynthesisRecords>,
    /// Budget of each z3 check at 64 bits of a rejected candidate that sampling does not refute.
    pub z3_timeout: Duration,
}

/// Kill figures of the operators of one origin.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OriginFigures {
    /// Unsound operators lifted into the register step.
    pub operators: usize,
    /// Killed by an unsafe program the operator accepts.
    pub killed_unsafe: usize,
    /// Killed only by a register-invariant violation on a safe program.
    pub killed_invariant: usize,
    /// Not killed.
    pub survivors: Vec<String>,
}

impl OriginFigures {
    /// Killed over all, in percent.
    pub fn kill_rate(&self) -> f64 {
        if self.operators == 0 {
            return 0.0;
        }
        100.0 * (self.killed_unsafe + self.killed_invariant) as f64 / self.operators as f64
    }
}

/// A rejected synthesis candidate that no 64-bit program can kill.
#[derive(Clone, Debug, Serialize)]
pub struct Unkillable {
    /// Its name in the suite.
    pub name: String,
    /// Its fields (terms).
    pub fields: Vec<String>,
    /// The small-width counterexample that rejected it.
    pub counterexample: String,
    /// `sound at 64 bits (z3)` or why it is undecided.
    pub at64: String,
}

/// Figures of the synthesis side.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SynthesisFigures {
    /// Where the records came from.
    pub source: String,
    /// Seconds the synthesis search took (0: records read).
    pub search_seconds: f64,
    /// Rejected records read.
    pub records: usize,
    /// Dropped as semantic duplicates at 64 bits.
    pub duplicates: usize,
    /// Distinct rejected candidates.
    pub distinct: usize,
    /// Unsound at 64 bits (in the unsound suite, each with a killer search).
    pub unsound_at_64: usize,
    /// Unsound only below 64 bits (proved sound at 64), or undecided at 64.
    pub not_killable: Vec<Unkillable>,
    /// Synthesized operators in the precise suite, with their witness counts.
    pub synthesized_witnesses: BTreeMap<String, usize>,
    /// Records that could not be used, with why.
    pub unusable: Vec<String>,
    /// Seconds checking the candidates at 64 bits.
    pub check_seconds: f64,
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
    /// The same figures by origin (`catalog`, `synthesis`).
    pub by_origin: BTreeMap<String, OriginFigures>,
    /// Catalog operators that do not lift into the register step, with why.
    pub not_lifted: Vec<NotLifted>,
    /// The synthesis side, when it was included.
    pub synthesis: Option<SynthesisFigures>,
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

/// Why a corpus could not be emitted or its suite built.
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
    /// `catalog`, or `synthesis` with its target and check.
    origin: OriginEntry,
    lift: String,
    /// At 64 bits, in the log's syntax.
    counterexample: Option<String>,
    /// For a synthesis candidate: its fields and the small-width counterexample that rejected it.
    #[serde(skip_serializing_if = "Option::is_none")]
    synthesis: Option<CandidateInfo>,
    kill: String,
    killer: Option<KillerEntry>,
    /// The operator's IR at 64 bits, traced from the code the checker refuted.
    ir: Option<String>,
    /// The same as a kernel-style C function.
    c: Option<String>,
}

#[derive(Serialize)]
struct OriginEntry {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<String>,
}

fn origin_entry(o: &Origin) -> OriginEntry {
    match o {
        Origin::Catalog => OriginEntry {
            kind: "catalog",
            target: None,
            check: None,
        },
        Origin::Synthesis { target, check } => OriginEntry {
            kind: "synthesis",
            target: Some(target.clone()),
            check: Some(check.clone()),
        },
    }
}

#[derive(Serialize)]
struct CandidateInfo {
    fields: Vec<String>,
    small_width_counterexample: String,
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
    origin: OriginEntry,
    lift: String,
    /// Witnesses found (a synthesized operator equal to the kernel's has none).
    witnesses: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<String>>,
    ir: Option<String>,
    c: Option<String>,
}

fn precise_json(
    suite: &Suite,
    synth: &SynthesisSuite,
    witnesses: &BTreeMap<String, usize>,
) -> Vec<PreciseEntry> {
    suite
        .operators
        .iter()
        .map(|op| {
            let found = synth
                .synthesized
                .iter()
                .find(|s| s.operator.name() == op.name());
            let (ir, c) = match found {
                Some(s) => synthesis::ir_and_c(&s.target, &s.candidate, op.name()),
                None => ir_and_c(&*op.op),
            };
            PreciseEntry {
                name: op.name().to_string(),
                summary: op.op.summary().to_string(),
                origin: origin_entry(&op.origin),
                lift: format!("{:?}", op.lift),
                witnesses: witnesses.get(op.name()).copied().unwrap_or(0),
                fields: found.map(|s| s.candidate.fields.iter().map(|t| t.to_string()).collect()),
                ir,
                c,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct SuiteFile {
    unsound: Vec<SuiteEntry>,
    /// Rejected synthesis candidates no 64-bit program can kill (sound at 64 bits, or
    /// undecided there), with their small-width counterexamples.
    unsound_below_64_bits: Vec<Unkillable>,
    precise: Vec<PreciseEntry>,
}

fn suite_json(
    suite: &Suite,
    killers: &[Killer],
    synth: &SynthesisSuite,
    unkillable: &[Unkillable],
    precise: Vec<PreciseEntry>,
    seed: u64,
) -> String {
    let entries: Vec<SuiteEntry> = suite
        .operators
        .iter()
        .zip(killers)
        .map(|(op, k)| {
            let rejected = synth
                .rejected
                .iter()
                .find(|r| r.operator.name() == op.name());
            let cex = match rejected.map(|r| &r.at64) {
                Some(At64::Unsound(c)) => Some(c.clone()),
                _ => synth::verify::sample(&*op.op, 64, 20_000, seed).map(|c| c.to_string()),
            };
            let (ir, c) = match rejected {
                Some(r) => synthesis::ir_and_c(&r.target, &r.candidate, op.name()),
                None => ir_and_c(&*op.op),
            };
            SuiteEntry {
                ir,
                c,
                name: op.name().to_string(),
                summary: op.op.summary().to_string(),
                origin: origin_entry(&op.origin),
                lift: format!("{:?}", op.lift),
                counterexample: cex,
                synthesis: rejected.map(|r| CandidateInfo {
                    fields: r.record.fields.clone(),
                    small_width_counterexample: r.small_counterexample(),
                }),
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
        unsound_below_64_bits: unkillable.to_vec(),
        precise,
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
    let synth_suite = match &options.synthesis {
        Some(records) => {
            progress("synthesis", cases.len());
            let t = Instant::now();
            let s = synthesis::build(records, options.z3_timeout);
            let unkillable: Vec<Unkillable> = s
                .rejected
                .iter()
                .filter_map(|r| {
                    let at64 = match &r.at64 {
                        At64::Unsound(_) => return None,
                        At64::Sound => "sound at 64 bits (z3)".to_string(),
                        At64::Undecided(why) => format!("undecided at 64 bits: {why}"),
                    };
                    Some(Unkillable {
                        name: r.operator.name().to_string(),
                        fields: r.record.fields.clone(),
                        counterexample: r.small_counterexample(),
                        at64,
                    })
                })
                .collect();
            summary.synthesis = Some(SynthesisFigures {
                source: s.source.clone(),
                search_seconds: s.search_seconds,
                records: s.records,
                duplicates: s.duplicates,
                distinct: s.rejected.len(),
                unsound_at_64: s.unsound64().count(),
                not_killable: unkillable,
                synthesized_witnesses: BTreeMap::new(),
                unusable: s.unusable.clone(),
                check_seconds: t.elapsed().as_secs_f64(),
            });
            s
        }
        None => SynthesisSuite::default(),
    };
    let mut precise = Suite::precise();
    precise
        .operators
        .extend(synth_suite.synthesized.iter().map(|s| s.operator.clone()));
    let mut killer_suite: Option<(Suite, Vec<Killer>)> = None;
    if wants(CaseKind::MutantKiller) {
        progress("killers", cases.len());
        let mut suite = Suite::unsound();
        suite
            .operators
            .extend(synth_suite.unsound64().map(|r| r.operator.clone()));
        let ks = killers::kill_all(&suite, KILLER_BUDGET);
        summary.operators = ks.len();
        summary.not_lifted = suite.not_lifted.clone();
        for (op, k) in suite.operators.iter().zip(&ks) {
            let by = summary
                .by_origin
                .entry(op.origin.label().to_string())
                .or_default();
            by.operators += 1;
            match k.kind {
                KillKind::UnsafeAccepted => {
                    summary.killed_unsafe += 1;
                    by.killed_unsafe += 1;
                }
                KillKind::InvariantOnly => {
                    summary.killed_invariant += 1;
                    by.killed_invariant += 1;
                }
                KillKind::Survived => {
                    summary.survivors.push(k.operator.clone());
                    by.survivors.push(k.operator.clone());
                }
            }
            if let Some(f) = &k.found {
                *summary
                    .killer_lengths
                    .entry(f.length_before_check)
                    .or_insert(0) += 1;
            }
        }
        cases.extend(killers::cases(&ks, options.seed));
        killer_suite = Some((suite, ks));
    }
    let mut witness_counts: BTreeMap<String, usize> = precise
        .operators
        .iter()
        .map(|o| (o.name().to_string(), 0))
        .collect();
    if wants(CaseKind::PrecisionWitness) {
        progress("witnesses", cases.len());
        let ws = witnesses::cases(
            &precise,
            options.witnesses_per_operator,
            WITNESS_BUDGET,
            options.seed,
        );
        for w in &ws {
            *witness_counts.entry(w.target.clone()).or_insert(0) += 1;
        }
        cases.extend(ws);
    }
    if let Some(figures) = summary.synthesis.as_mut() {
        figures.synthesized_witnesses = synth_suite
            .synthesized
            .iter()
            .map(|s| {
                let name = s.operator.name().to_string();
                let n = witness_counts.get(&name).copied().unwrap_or(0);
                (name, n)
            })
            .collect();
    }
    std::fs::create_dir_all(&options.out).map_err(|source| EmitError::Io {
        path: options.out.clone(),
        source,
    })?;
    if let Some((suite, ks)) = &killer_suite {
        let unkillable = summary
            .synthesis
            .as_ref()
            .map(|s| s.not_killable.clone())
            .unwrap_or_default();
        let precise_entries = precise_json(&precise, &synth_suite, &witness_counts);
        let path = options.out.join("suite.json");
        std::fs::write(
            &path,
            suite_json(
                suite,
                ks,
                &synth_suite,
                &unkillable,
                precise_entries,
                options.seed,
            ),
        )
        .map_err(|source| EmitError::Io { path, source })?;
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
    let path = options.out.join("summary.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&summary).unwrap_or_default(),
    )
    .map_err(|source| EmitError::Io { path, source })?;
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
