//! The suite of rejected candidates: every operator a check refuted, with its counterexample.
//!
//! One [`Rejected`] record per candidate that a CEGIS check found *unsound* (a concrete result
//! outside the abstract result), written as JSON Lines (one record per line, [`write_jsonl`]).
//! Records are deduplicated by the candidate's semantics: its fingerprint (the values of its
//! output fields on the search's examples) is hashed into [`Rejected::fingerprint`], and a
//! [`Suite`] keeps the first record of each fingerprint. [`Rejected::candidate`] parses the
//! fields back ([`super::grammar::Term::parse`]), so the fuzz side can lift each record into
//! the register step and publish it, with a killer, as a known-unsound operator a checker must
//! refute.
//!
//! A record, e.g.:
//!
//! ```json
//! {"target":"tnum.add","width":6,"ir":"operator ...","fields":["(bvadd $0 $2)","(bvor $1 $3)"],
//!  "fingerprint":"9f2c…","args":[[0,1],[1,0]],"members":[1,1],"result":[1,1],"concrete":2,
//!  "check":"exhaustive 6-bit grid"}
//! ```

use super::grammar::{ParseError, Term};
use super::operator::Candidate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{self, Write};

/// One unsound candidate and the input that refutes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The target, e.g. `tnum.add`.
    pub target: String,
    /// The width at which the counterexample lives.
    pub width: u32,
    /// The candidate as IR text ([`crate::ir::Operator::to_text`]) at that width.
    pub ir: String,
    /// The candidate's output fields as terms (`$i` is the i-th input field).
    pub fields: Vec<String>,
    /// Hex hash of the candidate's semantics on the search's examples (the dedup key).
    pub fingerprint: String,
    /// The abstract arguments, each as its two fields (`[value, mask]` or `[lo, hi]`); a shift
    /// amount is a one-element list.
    pub args: Vec<Vec<u64>>,
    /// One member of each argument.
    pub members: Vec<u64>,
    /// The candidate's abstract result on `args` (its two fields).
    pub result: [u64; 2],
    /// The concrete result on `members`, which `result` does not contain.
    pub concrete: u64,
    /// The check that refuted it (`exhaustive 6-bit grid`, `z3 at 64 bits` …).
    pub check: String,
}

/// Why a record's fields do not make a candidate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CandidateError {
    /// The record has not exactly two fields.
    #[error("{target}: expected 2 fields, found {found}")]
    Fields {
        /// The record's target.
        target: String,
        /// How many it has.
        found: usize,
    },
    /// A field's term does not parse.
    #[error("{target}: field {field}: {source}")]
    Parse {
        /// The record's target.
        target: String,
        /// The field's index.
        field: usize,
        /// The parse error (its column is in the field's text).
        source: ParseError,
    },
}

impl Rejected {
    /// The candidate, parsed back from the record's field terms.
    pub fn candidate(&self) -> Result<Candidate, CandidateError> {
        let [f0, f1] = self.fields.as_slice() else {
            return Err(CandidateError::Fields {
                target: self.target.clone(),
                found: self.fields.len(),
            });
        };
        let parse = |field: usize, text: &str| {
            Term::parse(text).map_err(|source| CandidateError::Parse {
                target: self.target.clone(),
                field,
                source,
            })
        };
        Ok(Candidate {
            fields: [parse(0, f0)?, parse(1, f1)?],
        })
    }
}

/// Rejected candidates, deduplicated by fingerprint, in the order found.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    records: Vec<Rejected>,
    seen: HashSet<(String, String)>,
}

impl Suite {
    /// An empty suite.
    pub fn new() -> Suite {
        Suite::default()
    }
    /// Add a record unless one of the same target and fingerprint is present; returns whether
    /// it was added.
    pub fn add(&mut self, r: Rejected) -> bool {
        if self.seen.insert((r.target.clone(), r.fingerprint.clone())) {
            self.records.push(r);
            true
        } else {
            false
        }
    }
    /// Add every record of another suite.
    pub fn extend(&mut self, other: Suite) {
        for r in other.records {
            self.add(r);
        }
    }
    /// The records.
    pub fn records(&self) -> &[Rejected] {
        &self.records
    }
    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// Is the suite empty?
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Write `records` as JSON Lines.
pub fn write_jsonl(records: &[Rejected], out: &mut dyn Write) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Read JSON Lines records (blank lines skipped); the error names the line.
pub fn read_jsonl(text: &str) -> Result<Vec<Rejected>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fp: &str) -> Rejected {
        Rejected {
            target: "tnum.add".into(),
            width: 4,
            ir: String::new(),
            fields: vec!["$0".into(), "$1".into()],
            fingerprint: fp.into(),
            args: vec![vec![0, 1], vec![1, 0]],
            members: vec![1, 1],
            result: [1, 0],
            concrete: 2,
            check: "test".into(),
        }
    }

    #[test]
    fn suite_dedups_by_fingerprint_and_round_trips() {
        let mut s = Suite::new();
        assert!(s.add(record("a")));
        assert!(!s.add(record("a")));
        assert!(s.add(record("b")));
        let mut buf = Vec::new();
        write_jsonl(s.records(), &mut buf).unwrap();
        let back = read_jsonl(std::str::from_utf8(&buf).unwrap()).unwrap();
        assert_eq!(back, s.records());
        assert!(read_jsonl("{").unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn a_record_gives_back_its_candidate() {
        let mut r = record("a");
        r.fields = vec!["(bvadd $0 $2)".into(), "(bvor $1 $3)".into()];
        let c = r.candidate().unwrap();
        assert_eq!(c.fields[0].to_string(), "(bvadd $0 $2)");
        assert_eq!(c.eval(&[1, 0, 2, 0], 8), [3, 0]);
        r.fields[1] = "(bvor $1".into();
        let e = r.candidate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "tnum.add: field 1: column 9: expected a term, found the end"
        );
        r.fields.pop();
        assert!(matches!(
            r.candidate(),
            Err(CandidateError::Fields { found: 1, .. })
        ));
    }
}
