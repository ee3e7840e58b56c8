//! The synthesis side of the operator suite: the candidates CEGIS rejected (unsound) and the
//! operators it synthesized (exact, sound), as suite operators at 64 bits.
//!
//! Where they come from ([`SynthesisRecords`]):
//! - [`search_all`]: the synthesis search of every target of [`synth::synthesis::targets::all`]
//!   with the given seed and **no z3 proofs** (`prove_widths` empty): the rejected candidates of
//!   its exhaustive small-width checks, and the candidate of each target that came out exact.
//!   27 to 49 s on this machine (most of it `sint.sub`), so `vernier fuzz emit` runs it only
//!   with `--synthesis`;
//! - [`bundled`]: the records of that same search with seed 1, kept in `fuzz/data/` (the test
//!   `bundled_records_match_a_fresh_search`, in the default run, re-runs the search and compares; with
//!   `VERNIER_WRITE_BUNDLED=1` it rewrites the file), used by default;
//! - [`read_rejected`]: `rejected.jsonl` files written by `vernier synth --out`.
//!
//! Each rejected record's term text is parsed back ([`Rejected::candidate`]) and lifted through
//! [`CandidateEntry`] at 64 bits into the 64-bit register step of its operation
//! ([`Lift::Domain`]: the field of its domain replaced, then `reg_bounds_sync`). Records are
//! deduplicated by their semantics at 64 bits (the outputs on a fixed set of well-formed
//! inputs, [`fingerprint64`]). A candidate refuted at 4 bits may be sound at 64: each is
//! checked at 64 bits ([`synth::verify::prove`]: seeded sampling, then z3 within a budget), and
//! those proved sound there are kept apart ([`At64::Sound`], "unsound only below 64 bits"):
//! no 64-bit program can kill them.

use super::suite::{Lift, Origin, SuiteOperator};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use synth::catalog::Operator;
use synth::synthesis::grammar::Term;
use synth::synthesis::operator::{Candidate, CandidateEntry};
use synth::synthesis::suite::{read_jsonl, Rejected};
use synth::synthesis::targets::{self, Arity, Target, TargetDomain};
use synth::synthesis::{Config, Status};
use synth::verify::{self, Verdict};

/// An operator synthesis found exact at its check width (the sound side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synthesized {
    /// The target, e.g. `tnum.add`.
    pub target: String,
    /// The output fields as terms.
    pub fields: Vec<String>,
}

/// The synthesis records a corpus is built from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SynthesisRecords {
    /// Where they come from (`search with seed 1`, `bundled …`, file names).
    pub source: String,
    /// Rejected candidates, as `vernier synth` writes them.
    pub rejected: Vec<Rejected>,
    /// Synthesized operators (exact at the check width).
    pub synthesized: Vec<Synthesized>,
    /// Seconds the search took (0 when read).
    pub seconds: f64,
}

impl SynthesisRecords {
    /// Append `other`'s records (sources joined with `+`).
    pub fn extend(&mut self, other: SynthesisRecords) {
        self.source = if self.source.is_empty() {
            other.source
        } else {
            format!("{} + {}", self.source, other.source)
        };
        self.rejected.extend(other.rejected);
        self.synthesized.extend(other.synthesized);
        self.seconds += other.seconds;
    }
}

/// Why synthesis records could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SynthesisError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line is not a record (the message names the line).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
}

/// Runs the synthesis search of every target with `seed` and no z3 proofs; `progress` is told
/// each target's name.
pub fn search_all(seed: u64, progress: &mut dyn FnMut(&str)) -> SynthesisRecords {
    let started = Instant::now();
    let config = Config {
        seed,
        prove_widths: vec![],
        ..Config::default()
    };
    let mut out = SynthesisRecords {
        source: format!("synthesis search, seed {seed}, no z3 proofs"),
        ..SynthesisRecords::default()
    };
    for target in targets::all() {
        progress(&target.name());
        let s = synth::synthesis::synthesize(&target, &config, None);
        out.rejected.extend(s.suite.records().iter().cloned());
        if s.status == Status::Proved {
            if let Some(c) = &s.candidate {
                out.synthesized.push(Synthesized {
                    target: target.name(),
                    fields: c.fields.iter().map(|t| t.to_string()).collect(),
                });
            }
        }
    }
    out.seconds = started.elapsed().as_secs_f64();
    out
}

/// The bundled records: [`search_all`] with seed 1, as JSON.
pub const BUNDLED_JSON: &str = include_str!("../../data/synthesis-seed1.json");

/// The bundled records (seed 1); empty if the bundled file does not parse, which the tests
/// rule out.
pub fn bundled() -> SynthesisRecords {
    let mut r: SynthesisRecords = serde_json::from_str(BUNDLED_JSON).unwrap_or_default();
    r.source = format!("bundled records of the search with seed 1 ({})", r.source);
    r.seconds = 0.0;
    r
}

/// The rejected candidates of a `rejected.jsonl` file.
pub fn read_rejected(path: &Path) -> Result<SynthesisRecords, SynthesisError> {
    let text = std::fs::read_to_string(path).map_err(|source| SynthesisError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let rejected = read_jsonl(&text).map_err(|message| SynthesisError::Parse {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(SynthesisRecords {
        source: path.display().to_string(),
        rejected,
        ..SynthesisRecords::default()
    })
}

/// The target named like `sint.sub`.
pub fn target_named(name: &str) -> Option<Target> {
    let (domain, op) = name.split_once('.')?;
    targets::by_name(domain, op)
}

/// A small deterministic generator (SplitMix64) for the fingerprint inputs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// A word biased toward the boundaries (small, near 2^63, near 2^64, or random).
    fn word(&mut self) -> u64 {
        let r = self.next();
        match r % 4 {
            0 => r >> 58,
            1 => (1u64 << 63).wrapping_add((r >> 60).wrapping_sub(8)),
            2 => 0u64.wrapping_sub(r >> 58),
            _ => self.next(),
        }
    }
}

/// Well-formed 64-bit inputs of `target` (its input fields), fixed for a given count.
pub fn inputs64(target: &Target, count: usize) -> Vec<Vec<u64>> {
    let mut rng = SplitMix(0x5e_ed64);
    let arg = |rng: &mut SplitMix| -> [u64; 2] {
        let (a, b) = (rng.word(), rng.word());
        match target.domain {
            TargetDomain::Tnum => {
                let m = b & rng.next();
                [a & !m, m]
            }
            TargetDomain::UInt => [a.min(b), a.max(b)],
            TargetDomain::SInt => {
                let (x, y) = (a as i64, b as i64);
                [x.min(y) as u64, x.max(y) as u64]
            }
        }
    };
    (0..count)
        .map(|_| {
            let mut v = arg(&mut rng).to_vec();
            match target.arity {
                Arity::Binary => v.extend(arg(&mut rng)),
                Arity::Unary => {}
                Arity::Shift => v.push(rng.next() % 64),
            }
            v
        })
        .collect()
}

/// The candidate's semantics at 64 bits, as a hash of its outputs on [`inputs64`] (512 inputs):
/// the deduplication key.
pub fn fingerprint64(target: &Target, candidate: &Candidate) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    target.name().hash(&mut h);
    for input in inputs64(target, 512) {
        candidate.eval(&input, 64).hash(&mut h);
    }
    h.finish()
}

/// A rejected candidate's soundness at 64 bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At64 {
    /// Unsound at 64 bits too: the counterexample (log syntax, from sampling or z3).
    Unsound(String),
    /// Proved sound at 64 bits by z3: unsound only below 64 bits.
    Sound,
    /// Neither within the budget (the reason).
    Undecided(String),
}

/// One rejected candidate, lifted.
#[derive(Clone)]
pub struct RejectedOperator {
    /// The suite operator (its name is `synth.<target>.rejected.<n>`).
    pub operator: SuiteOperator,
    /// The record it comes from.
    pub record: Rejected,
    /// The candidate.
    pub candidate: Candidate,
    /// The target.
    pub target: Target,
    /// Its soundness at 64 bits.
    pub at64: At64,
    /// Seconds spent checking it at 64 bits.
    pub seconds: f64,
}

impl RejectedOperator {
    /// The record's small-width counterexample, in words (signed intervals' fields signed).
    pub fn small_counterexample(&self) -> String {
        let r = &self.record;
        let signed = self.target.domain == TargetDomain::SInt;
        let w = r.width.clamp(1, 64);
        let show = |v: u64| {
            if signed {
                let shift = 64 - w;
                (((v << shift) as i64) >> shift).to_string()
            } else {
                v.to_string()
            }
        };
        let pair = |p: &[u64]| {
            format!(
                "[{}]",
                p.iter().map(|&v| show(v)).collect::<Vec<_>>().join(", ")
            )
        };
        let args: Vec<String> = r.args.iter().map(|a| pair(a)).collect();
        format!(
            "{} at {} bits ({}): arguments {}, members {}: result {} does not hold {}",
            r.target,
            r.width,
            r.check,
            args.join(" "),
            pair(&r.members),
            pair(&r.result),
            show(r.concrete)
        )
    }
}

/// One synthesized (sound) operator, lifted.
#[derive(Clone)]
pub struct SynthesizedOperator {
    /// The suite operator (named `synth.<target>`).
    pub operator: SuiteOperator,
    /// The candidate.
    pub candidate: Candidate,
    /// The target.
    pub target: Target,
}

/// The synthesis side of the suite.
#[derive(Clone, Default)]
pub struct SynthesisSuite {
    /// Where the records came from.
    pub source: String,
    /// Seconds the search took (0 when read).
    pub search_seconds: f64,
    /// Rejected records read.
    pub records: usize,
    /// Records dropped as semantic duplicates at 64 bits.
    pub duplicates: usize,
    /// The distinct rejected candidates (in record order), whatever their verdict at 64.
    pub rejected: Vec<RejectedOperator>,
    /// Synthesized operators sound on 20,000 sampled 64-bit inputs.
    pub synthesized: Vec<SynthesizedOperator>,
    /// Records that could not be used (target unknown, term unparsable, no IR), with why.
    pub unusable: Vec<String>,
}

impl SynthesisSuite {
    /// The rejected candidates unsound at 64 bits: the ones a 64-bit program can kill.
    pub fn unsound64(&self) -> impl Iterator<Item = &RejectedOperator> {
        self.rejected
            .iter()
            .filter(|r| matches!(r.at64, At64::Unsound(_)))
    }
}

/// The lift of a target's operation into the 64-bit step.
fn lift_of(target: &Target) -> Option<Lift> {
    super::suite::domain_lift(target.op)
}

/// An entry at 64 bits for `candidate`, as a suite operator.
fn suite_operator(
    target: &Target,
    candidate: &Candidate,
    name: &str,
    origin: Origin,
) -> Result<SuiteOperator, String> {
    let entry = CandidateEntry::new(target, candidate, name, &[64]).map_err(|e| e.to_string())?;
    let lift =
        lift_of(target).ok_or_else(|| format!("{}: no 64-bit instruction", target.name()))?;
    Ok(SuiteOperator {
        op: Arc::new(entry) as Arc<dyn Operator>,
        lift,
        origin,
    })
}

/// Lifts `records`: deduplicates the rejected candidates at 64 bits, checks each at 64 bits
/// (z3 budget `z3_timeout` after sampling), and keeps the synthesized operators that sampling
/// at 64 bits does not refute.
pub fn build(records: &SynthesisRecords, z3_timeout: Duration) -> SynthesisSuite {
    let mut out = SynthesisSuite {
        source: records.source.clone(),
        search_seconds: records.seconds,
        records: records.rejected.len(),
        ..SynthesisSuite::default()
    };
    let mut seen = HashSet::new();
    let mut distinct: Vec<(Target, Candidate, Rejected)> = Vec::new();
    for r in &records.rejected {
        let Some(target) = target_named(&r.target) else {
            out.unusable
                .push(format!("{}: no such synthesis target", r.target));
            continue;
        };
        let candidate = match r.candidate() {
            Ok(c) => c,
            Err(e) => {
                out.unusable.push(e.to_string());
                continue;
            }
        };
        if seen.insert(fingerprint64(&target, &candidate)) {
            distinct.push((target, candidate, r.clone()));
        } else {
            out.duplicates += 1;
        }
    }
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let named: Vec<_> = distinct
        .into_iter()
        .map(|(t, c, r)| {
            let n = counts.entry(t.name()).or_insert(0);
            *n += 1;
            (format!("synth.{}.rejected.{}", t.name(), n), t, c, r)
        })
        .collect();
    let lifted: Vec<Result<RejectedOperator, String>> = named
        .into_par_iter()
        .map(|(name, target, candidate, record)| {
            let origin = Origin::Synthesis {
                target: target.name(),
                check: record.check.clone(),
            };
            let operator = suite_operator(&target, &candidate, &name, origin)?;
            let t = Instant::now();
            let at64 = match verify::prove(&*operator.op, 64, z3_timeout) {
                Verdict::Valid => At64::Sound,
                Verdict::Counterexample(c) => At64::Unsound(c.to_string()),
                Verdict::Unknown(why) => At64::Undecided(why),
            };
            Ok(RejectedOperator {
                operator,
                record,
                candidate,
                target,
                at64,
                seconds: t.elapsed().as_secs_f64(),
            })
        })
        .collect();
    for l in lifted {
        match l {
            Ok(r) => out.rejected.push(r),
            Err(e) => out.unusable.push(e),
        }
    }
    let mut seen_sound = HashSet::new();
    for s in &records.synthesized {
        let Some(target) = target_named(&s.target) else {
            out.unusable
                .push(format!("{}: no such synthesis target", s.target));
            continue;
        };
        let parsed: Result<Vec<_>, _> = s.fields.iter().map(|f| Term::parse(f)).collect();
        let candidate = match parsed.as_deref() {
            Ok([f0, f1]) => Candidate {
                fields: [f0.clone(), f1.clone()],
            },
            Ok(_) => {
                out.unusable.push(format!("{}: not two fields", s.target));
                continue;
            }
            Err(e) => {
                out.unusable.push(format!("{}: {e}", s.target));
                continue;
            }
        };
        if !seen_sound.insert(fingerprint64(&target, &candidate)) {
            continue;
        }
        let name = format!("synth.{}", target.name());
        let origin = Origin::Synthesis {
            target: target.name(),
            check: "synthesized: exact at the check width".into(),
        };
        match suite_operator(&target, &candidate, &name, origin) {
            Ok(operator) => {
                if let Some(cex) = verify::sample(&*operator.op, 64, 20_000, 1) {
                    out.unusable.push(format!(
                        "{name}: unsound at 64 bits, not a precise operator: {cex}"
                    ));
                } else {
                    out.synthesized.push(SynthesizedOperator {
                        operator,
                        candidate,
                        target,
                    });
                }
            }
            Err(e) => out.unusable.push(e),
        }
    }
    out
}

/// The IR text and kernel-style C of a candidate at 64 bits.
pub fn ir_and_c(
    target: &Target,
    candidate: &Candidate,
    name: &str,
) -> (Option<String>, Option<String>) {
    match candidate.operator(target, name, 64) {
        Ok(op) => (Some(op.to_string()), synth::emit::c::function(&op).ok()),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_records_parse_and_name_known_targets() {
        let b = bundled();
        assert!(!b.rejected.is_empty());
        assert!(b.synthesized.len() >= 10, "{}", b.synthesized.len());
        for r in &b.rejected {
            assert!(target_named(&r.target).is_some(), "{}", r.target);
            r.candidate().unwrap();
        }
    }

    #[test]
    fn fingerprint_separates_and_merges_by_semantics() {
        let t = target_named("uint.add").unwrap();
        let c = |a: &str, b: &str| Candidate {
            fields: [Term::parse(a).unwrap(), Term::parse(b).unwrap()],
        };
        let x = c("(bvadd $0 $2)", "(bvadd $1 $3)");
        let same = c("(bvadd $2 $0)", "(bvsub $3 (bvneg $1))");
        let other = c("(bvadd $0 $2)", "(bvadd $1 (bvadd $3 1))");
        assert_eq!(fingerprint64(&t, &x), fingerprint64(&t, &same));
        assert_ne!(fingerprint64(&t, &x), fingerprint64(&t, &other));
        for i in inputs64(&t, 64) {
            assert!(i[0] <= i[1] && i[2] <= i[3]);
        }
    }

    /// A candidate wrong only where `1 << 4` wraps to 0 (at 4 bits) is rejected at 4 bits and
    /// sound at 64: it is kept apart, with its small-width counterexample.
    #[test]
    fn a_candidate_unsound_only_below_64_bits_is_kept_apart() {
        let b = bundled();
        let exact = b
            .synthesized
            .iter()
            .find(|s| s.target == "uint.add")
            .expect("the bundled uint.add");
        let sixteen = "(bvshl 1 (bvadd (bvadd 1 1) (bvadd 1 1)))";
        let lo = format!("(bvadd {} (ite (eq {sixteen} 0) 1 0))", exact.fields[0]);
        let candidate = Candidate {
            fields: [
                Term::parse(&lo).unwrap(),
                Term::parse(&exact.fields[1]).unwrap(),
            ],
        };
        // Unsound at 4 bits: [0, 0] + [0, 0] claims [1, ..].
        assert_eq!(candidate.eval(&[0, 0, 0, 0], 4)[0], 1);
        assert_eq!(candidate.eval(&[0, 0, 0, 0], 64)[0], 0);
        let record = Rejected {
            target: "uint.add".into(),
            width: 4,
            ir: String::new(),
            fields: vec![lo.clone(), exact.fields[1].clone()],
            fingerprint: "test".into(),
            args: vec![vec![0, 0], vec![0, 0]],
            members: vec![0, 0],
            result: [1, 0],
            concrete: 0,
            check: "exhaustive 4-bit grid".into(),
        };
        let records = SynthesisRecords {
            source: "test".into(),
            rejected: vec![record.clone(), record],
            synthesized: vec![],
            seconds: 0.0,
        };
        let s = build(&records, Duration::from_secs(60));
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(
            s.rejected[0].at64,
            At64::Sound,
            "{}",
            s.rejected[0].operator.name()
        );
        assert_eq!(s.unsound64().count(), 0);
        assert!(s.rejected[0].small_counterexample().contains("at 4 bits"));
    }

    /// The bundled file is exactly what the search produces now (slow: half a minute to five
    /// minutes by the load). With `VERNIER_WRITE_BUNDLED=1` it rewrites the file instead (after a
    /// change to the synthesis search).
    #[test]
    fn bundled_records_match_a_fresh_search() {
        let mut fresh = search_all(1, &mut |_| {});
        if std::env::var_os("VERNIER_WRITE_BUNDLED").is_some() {
            fresh.source = "synthesis search, seed 1, no z3 proofs".into();
            fresh.seconds = 0.0;
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/synthesis-seed1.json");
            let text = serde_json::to_string_pretty(&fresh).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
            return;
        }
        let b: SynthesisRecords = serde_json::from_str(BUNDLED_JSON).unwrap();
        assert_eq!(fresh.rejected, b.rejected);
        assert_eq!(fresh.synthesized, b.synthesized);
    }
}
