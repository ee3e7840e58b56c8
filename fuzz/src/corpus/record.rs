//! The canonical corpus record: one [`Case`] per program, one JSON object per line (JSON Lines).
//!
//! Every exporter ([`super::export`]) reads these records and nothing else, so a record carries
//! everything a consumer needs: the program (as the verifier log's assembly and as raw bytes), its
//! program type and maps, the verdict and register states the kernel model predicts, the verdict
//! under the operator the case targets (a mutant, a historical or a more precise operator), and a
//! concrete run where one exists.

use serde::{Deserialize, Serialize};

/// Why a case exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseKind {
    /// An unsafe program that an unsound operator (the `target`) would accept and the running
    /// kernel rejects.
    MutantKiller,
    /// A safe program the running kernel rejects and a more precise operator (the `target`)
    /// would accept.
    PrecisionWitness,
    /// A program that drives an operator's inputs to its edge cases (coverage seeds).
    BoundarySeed,
}

/// A verifier verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// The program is accepted.
    Accept,
    /// The program is rejected; `message` is the verifier's last log line (e.g.
    /// `R9 !read_ok`), `insn` the instruction it was rejected at, when known.
    Reject {
        /// The rejecting instruction's index.
        insn: Option<usize>,
        /// The verifier's message.
        message: String,
    },
}

/// The register states at one instruction, as the level-2 log prints them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsnStates {
    /// The instruction index.
    pub insn: usize,
    /// The state line, in the kernel log's syntax (e.g. `R0_w=scalar(umax=255,var_off=(0x0; 0xff)) R10=fp0`).
    pub regs: String,
}

/// What a model (the kernel's, or one with another operator in place) predicts for a program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// Accept or reject.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The states after each processed instruction, in the order the log prints them
    /// (empty when not recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<InsnStates>,
    /// The kernel's `processed N insns` count, when predicted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed: Option<u64>,
}

/// A map the program uses (created before loading; `fd` placeholders in `ld_imm64` are patched).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapSpec {
    /// `array`, `hash` …
    pub map_type: String,
    /// Key size in bytes.
    pub key_size: u32,
    /// Value size in bytes.
    pub value_size: u32,
    /// Maximum entries.
    pub max_entries: u32,
}

/// A concrete run with `BPF_PROG_TEST_RUN`: the input packet and the value `r0` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The input data (hex), the packet of a socket filter.
    pub data_in: String,
    /// The expected return value.
    pub retval: u32,
}

/// One corpus case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// A stable identifier, unique in its corpus (`mk-kernel.alu64.add-0003`).
    pub id: String,
    /// Why the case exists.
    pub kind: CaseKind,
    /// The operator the case is about (`mutant.kernel.alu64.add`, `hist.cve_2020_8835`,
    /// `kernel.alu64.mul`, `uint.udiv.pieces` …).
    pub target: String,
    /// The program type, by the kernel's name without prefix (`socket_filter`).
    pub prog_type: String,
    /// The instructions in the verifier log's syntax, one per instruction.
    pub insns: Vec<String>,
    /// The raw little-endian bytes, hex.
    pub raw: String,
    /// Maps the program uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<MapSpec>,
    /// What the running kernel's model predicts: the label `vernier fuzz check` confirms.
    pub expected: Prediction,
    /// What the model predicts with the target operator in place of the kernel's (for
    /// mutant-killers and precision witnesses): the verdict must differ from `expected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_target: Option<Prediction>,
    /// A concrete run, where the program is accepted and an input is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Run>,
    /// The generator that made the case.
    pub generator: String,
    /// The generator's seed.
    pub seed: u64,
}
