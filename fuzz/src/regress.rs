//! Regression fixtures: disagreements with the kernel, stored as directories that a test
//! replays (`fuzz/regressions/<id>_<slug>/`).
//!
//! A directory holds:
//! - `README.md`: a title line `# <id>: <what>`, a `Status: open` line while the model still
//!   disagrees (absent, or `Status: fixed`, once it agrees), and how the case was found;
//! - `program.s`: the program in the verifier log's syntax (as [`absint::isa::assemble`] reads);
//! - `program.bin`: the same program as raw little-endian instructions (authoritative);
//! - `kernel.log`: the running kernel's level-2 verifier log for it;
//! - `model.log`: the log [`absint::explore`] printed for it when the case was written.
//!
//! [`Regression::replay_stored`] compares the model, as it is now, with the stored kernel log;
//! no kernel needed. The verdict the kernel gave is read back from that log: it rejected the
//! program exactly when the log holds an error message.

use crate::log::Log;
use crate::paths::{self, Disagreement, PathReport, PathVerdict, PathsError, PruningSource};
use absint::explore::{self, Options};
use absint::isa::{self, Insn};
use std::path::{Path, PathBuf};

/// Where regressions live, relative to the workspace root.
pub const DEFAULT_DIR: &str = "fuzz/regressions";

/// A regression directory that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RegressError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// `program.bin` does not decode.
    #[error("{path}: {source}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The error.
        source: isa::DecodeError,
    },
    /// `program.s` does not assemble to the instructions of `program.bin`.
    #[error("{path}: does not assemble to program.bin's instructions{detail}")]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// The assembler's error, if any.
        detail: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> RegressError + '_ {
    move |source| RegressError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A stored regression.
#[derive(Clone, Debug)]
pub struct Regression {
    /// Its directory.
    pub dir: PathBuf,
    /// The directory's name (`0002_state_arsh32_k`).
    pub name: String,
    /// The program.
    pub insns: Vec<Insn>,
    /// The kernel's log.
    pub kernel_log: String,
    /// Does the model still disagree (`Status: open` in the README)?
    pub open: bool,
}

impl Regression {
    /// Reads the regression in `dir`, checking that `program.s` and `program.bin` agree.
    pub fn load(dir: &Path) -> Result<Regression, RegressError> {
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path).map_err(io_error(&path))
        };
        let bin_path = dir.join("program.bin");
        let insns = isa::decode(&read("program.bin")?).map_err(|source| RegressError::Decode {
            path: bin_path,
            source,
        })?;
        let asm_path = dir.join("program.s");
        let asm = String::from_utf8_lossy(&read("program.s")?).into_owned();
        match isa::assemble(&asm) {
            Ok(assembled) if assembled == insns => {}
            Ok(_) => {
                return Err(RegressError::Inconsistent {
                    path: asm_path,
                    detail: String::new(),
                })
            }
            Err(e) => {
                return Err(RegressError::Inconsistent {
                    path: asm_path,
                    detail: format!(" (line {e})"),
                })
            }
        }
        let kernel_log = String::from_utf8_lossy(&read("kernel.log")?).into_owned();
        let readme = String::from_utf8_lossy(&read("README.md")?).into_owned();
        let open = readme
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("status: open"));
        Ok(Regression {
            dir: dir.to_path_buf(),
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            insns,
            kernel_log,
            open,
        })
    }

    /// Did the kernel accept the program? (Its stored log holds no error message.)
    pub fn accepted(&self) -> bool {
        Log::parse(&self.kernel_log).is_ok_and(|log| {
            !paths::kernel_entries(&log)
                .iter()
                .any(|e| matches!(e, paths::Entry::Error(_)))
        })
    }

    /// The model, as it is now, against the stored kernel log (the explorer's own pruning).
    pub fn replay_stored(&self) -> Result<PathReport, PathsError> {
        paths::compare_log(
            &self.insns,
            &self.kernel_log,
            self.accepted(),
            PruningSource::Own,
        )
    }
}

/// Every regression under `root`, in name order. Only directories named `NNNN_...` count.
pub fn load_all(root: &Path) -> Result<Vec<Regression>, RegressError> {
    let mut dirs = case_dirs(root)?;
    dirs.sort();
    dirs.iter().map(|d| Regression::load(d)).collect()
}

/// The `NNNN_...` directories under `root` (none when `root` does not exist).
fn case_dirs(root: &Path) -> Result<Vec<PathBuf>, RegressError> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(root)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(root))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && case_id(&name).is_some() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// The id of a directory named `NNNN_slug`.
fn case_id(name: &str) -> Option<u32> {
    let (id, _) = name.split_once('_')?;
    if id.len() == 4 {
        id.parse().ok()
    } else {
        None
    }
}

/// How a case was found, for its README.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The command that found it (`vernier diff --count 100000 --seed 1`).
    pub command: String,
    /// The number of the program in that run.
    pub program: u64,
    /// Instructions before shrinking.
    pub original_len: usize,
    /// Further findings about the case (one paragraph each).
    pub notes: Vec<String>,
}

/// The outcome of [`write()`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new directory.
    New(PathBuf),
    /// A directory already held this very program.
    Existing(PathBuf),
}

/// Stores `report` (a shrunk disagreement of kind `kind`) as the next `NNNN_<slug>` under
/// `root`, unless a directory there already holds the same program.
pub fn write(
    root: &Path,
    report: &PathReport,
    kind: &Disagreement,
    found: &Provenance,
) -> Result<Written, RegressError> {
    let code = isa::encode(&report.insns);
    let dirs = case_dirs(root)?;
    for dir in &dirs {
        if std::fs::read(dir.join("program.bin")).is_ok_and(|c| c == code) {
            return Ok(Written::Existing(dir.clone()));
        }
    }
    let next = dirs
        .iter()
        .filter_map(|d| d.file_name().and_then(|n| case_id(&n.to_string_lossy())))
        .max()
        .unwrap_or(0)
        + 1;
    let name = format!("{next:04}_{}", kind.slug());
    let dir = root.join(&name);
    std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    let model = explore::explore(&report.insns, &Options::default());
    let files = [
        ("README.md", readme(next, report, &model, kind, found)),
        ("program.s", isa::disasm_program(&report.insns)),
        ("kernel.log", report.log.clone()),
        ("model.log", model.kernel_log()),
    ];
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(io_error(&path))?;
    }
    let path = dir.join("program.bin");
    std::fs::write(&path, code).map_err(io_error(&path))?;
    Ok(Written::New(dir))
}

/// The running kernel's release (`/proc/sys/kernel/osrelease`).
fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn readme(
    id: u32,
    report: &PathReport,
    model: &explore::Exploration,
    kind: &Disagreement,
    found: &Provenance,
) -> String {
    let mut out = format!("# {id:04}: {kind}\n\nStatus: open\n\n");
    out.push_str(&format!(
        "Found by `{}` (program {}), shrunk from {} to {} instructions; kernel {}.\n\n",
        found.command,
        found.program,
        found.original_len,
        report.insns.len(),
        kernel_release()
    ));
    out.push_str("```\n");
    out.push_str(&isa::disasm_program(&report.insns));
    out.push_str("```\n\n");
    if let PathVerdict::Mismatch {
        at,
        kernel,
        explorer,
    } = &report.verdict
    {
        out.push_str(&format!(
            "First difference (log entry {at}):\n\n```\nkernel: {}\nmodel:  {}\n```\n\n",
            kernel.as_deref().unwrap_or("<end of log>"),
            explorer.as_deref().unwrap_or("<end of log>")
        ));
    }
    if let Some(stats) = Log::parse(&report.log).ok().as_ref().and_then(Log::stats) {
        out.push_str(&format!(
            "Kernel: `{}`. Model: processed {} insns, total_states {}, {}.\n\n",
            stats.text.trim(),
            model.processed,
            model.total_states,
            match &model.verdict {
                Ok(()) => "accepted".to_string(),
                Err(e) => format!("rejected ({e})"),
            }
        ));
    }
    for note in &found.notes {
        out.push_str(note);
        out.push_str("\n\n");
    }
    let fields = report.field_differences();
    if !fields.is_empty() {
        out.push_str("Fields that differ:\n\n");
        for f in fields {
            out.push_str(&format!("- {f}\n"));
        }
        out.push('\n');
    }
    out.push_str(
        "`kernel.log` is the kernel's level-2 verifier log, `model.log` the explorer's; \
         `program.bin` holds the raw instructions. Replayed by `fuzz/tests/regressions.rs`; \
         when the model agrees, drop the `Status: open` line.\n",
    );
    out
}
