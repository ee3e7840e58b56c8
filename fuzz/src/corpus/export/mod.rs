//! Exporters of corpus records: one [`Case`] list written in the formats other tools consume.
//!
//! Every exporter reads [`Case`] records and nothing else, and each format goes to its own
//! directory, `<dir>/<format>/`, so several formats can sit side by side in one output directory:
//!
//! | format | files | consumer |
//! |---|---|---|
//! | [`Format::Jsonl`] | `corpus.jsonl` | Vernier itself ([`read_jsonl`]), any script |
//! | [`Format::Raw`] | `<id>.bin` | loaders that take raw instructions (Buzzer-style) |
//! | [`Format::Elf`] | `<id>.o` | `bpftool prog load`, libbpf |
//! | [`Format::Selftest`] | `verifier_vernier_<kind>.c` | the kernel's BPF selftests (`test_progs`) |
//! | [`Format::Conformance`] | `<id>.data` | bpf_conformance runners, uBPF |
//! | [`Format::Syzkaller`] | `<id>.syz` | syzkaller (`syz-execprog`, corpus seeds) |
//!
//! Before a case is written its program is checked: the raw bytes must decode, and the assembly
//! text must assemble to the same instructions. A case that fails is bad input, an
//! [`ExportError`] naming the case, and nothing of the export is trusted. A case the format
//! cannot express (a rejected program has no conformance result; a map value address has no
//! selftest syntax) is not an error: it is left out, and [`write_report`] says which and why.

pub mod btf;
pub mod conformance;
pub mod elf;
pub mod jsonl;
pub mod raw;
pub mod selftest;
pub mod syzkaller;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use absint::isa::{self, Insn, LdImm64};

use super::record::Case;

pub use jsonl::read_jsonl;

/// An output format of the corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The canonical records, one JSON object per line (`corpus.jsonl`).
    Jsonl,
    /// The raw little-endian instructions, one `<id>.bin` per case.
    Raw,
    /// A relocatable eBPF ELF object per case (`<id>.o`), loadable with `bpftool prog load`.
    Elf,
    /// Kernel selftest sources in the `progs/verifier_*.c` style, one file per case kind.
    Selftest,
    /// The uBPF / bpf_conformance `.data` format, for accepted cases with a concrete run.
    Conformance,
    /// Syzkaller program text calling `bpf$PROG_LOAD` with the raw instructions.
    Syzkaller,
}

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 6] = [
        Format::Jsonl,
        Format::Raw,
        Format::Elf,
        Format::Selftest,
        Format::Conformance,
        Format::Syzkaller,
    ];

    /// The format's name, as `FromStr` accepts it and as its output directory is named.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Raw => "raw",
            Format::Elf => "elf",
            Format::Selftest => "selftest",
            Format::Conformance => "conformance",
            Format::Syzkaller => "syzkaller",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format `{0}` (expected one of: jsonl, raw, elf, selftest, conformance, syzkaller)"
)]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// What an exporter wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written.
    pub files: usize,
    /// Bytes written, over all files.
    pub bytes: u64,
}

/// A case a format cannot express, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The case's id.
    pub id: String,
    /// Why the format cannot express it.
    pub reason: String,
}

/// What an exporter wrote and what it left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The files written.
    pub written: Written,
    /// Cases not written in this format, in input order.
    pub skipped: Vec<Skipped>,
}

/// Why a corpus could not be exported (or a JSON Lines corpus read back).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file or directory could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A case is malformed: bad id, undecodable raw bytes, text that disagrees with the bytes.
    #[error("case `{id}`: {reason}")]
    Case {
        /// The case's id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A line of a JSON Lines corpus is not a valid record.
    #[error("{path}:{line}: {reason}")]
    Jsonl {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

impl ExportError {
    /// A malformed-case error.
    pub(crate) fn case(id: &str, reason: impl Into<String>) -> ExportError {
        ExportError::Case {
            id: id.to_string(),
            reason: reason.into(),
        }
    }
}

/// Writes `cases` in `format` under `dir/<format>/` (created if missing).
///
/// Cases the format cannot express are left out silently here; [`write_report`] lists them.
pub fn write(format: Format, cases: &[Case], dir: &Path) -> Result<Written, ExportError> {
    write_report(format, cases, dir).map(|r| r.written)
}

/// Writes `cases` in `format` under `dir/<format>/`, and says which cases were left out and why.
pub fn write_report(format: Format, cases: &[Case], dir: &Path) -> Result<Report, ExportError> {
    let programs = checked(cases)?;
    let mut out = Output::new(dir.join(format.name()))?;
    match format {
        Format::Jsonl => jsonl::export(cases, &mut out)?,
        Format::Raw => raw::export(&programs, &mut out)?,
        Format::Elf => elf::export(&programs, &mut out)?,
        Format::Selftest => selftest::export(&programs, &mut out)?,
        Format::Conformance => conformance::export(&programs, &mut out)?,
        Format::Syzkaller => syzkaller::export(&programs, &mut out)?,
    }
    Ok(out.report)
}

/// A case with its program decoded and checked.
#[derive(Clone, Debug)]
pub struct Program<'a> {
    /// The record.
    pub case: &'a Case,
    /// The instructions (decoded from `raw`, equal to the assembled `insns`).
    pub insns: Vec<Insn>,
    /// The raw little-endian bytes.
    pub bytes: Vec<u8>,
}

/// Decodes and checks one case: its id is usable as a file name, `raw` is hex of whole
/// instructions that decode, `insns` assembles to the same instructions, and every map
/// reference (`map[fd:N]`, `map[idx:N]`) names an entry of `maps`.
pub fn program(case: &Case) -> Result<Program<'_>, ExportError> {
    let id = case.id.as_str();
    check_id(id)?;
    let bytes = from_hex(&case.raw).map_err(|r| ExportError::case(id, format!("raw: {r}")))?;
    let insns = isa::decode(&bytes).map_err(|e| ExportError::case(id, format!("raw: {e}")))?;
    let text = case.insns.join("\n");
    let assembled =
        isa::assemble(&text).map_err(|e| ExportError::case(id, format!("insns: line {e}")))?;
    if assembled != insns {
        let at = assembled
            .iter()
            .zip(&insns)
            .position(|(a, b)| a != b)
            .unwrap_or(assembled.len().min(insns.len()));
        let shown = |v: &[Insn]| {
            v.get(at)
                .map_or("nothing".to_string(), |i| format!("`{i}`"))
        };
        return Err(ExportError::case(
            id,
            format!(
                "insns and raw disagree at instruction {at}: the text has {}, the bytes {} \
                 ({} and {} instructions)",
                shown(&assembled),
                shown(&insns),
                assembled.len(),
                insns.len()
            ),
        ));
    }
    for (i, insn) in insns.iter().enumerate() {
        if let Some(map) = map_ref(insn) {
            if usize::try_from(map).map_or(true, |m| m >= case.maps.len()) {
                return Err(ExportError::case(
                    id,
                    format!(
                        "instruction {i} `{insn}` refers to map {map}, but the case has {} map(s)",
                        case.maps.len()
                    ),
                ));
            }
        }
    }
    Ok(Program { case, insns, bytes })
}

/// The map an `ld_imm64` refers to: by the corpus's convention the fd (or fd-array index) is
/// the map's index in [`Case::maps`].
pub fn map_ref(insn: &Insn) -> Option<i32> {
    match insn {
        Insn::LdImm64 { src, .. } => match *src {
            LdImm64::MapFd(n)
            | LdImm64::MapIdx(n)
            | LdImm64::MapValue { fd: n, .. }
            | LdImm64::MapIdxValue { idx: n, .. } => Some(n),
            LdImm64::Imm(_) | LdImm64::BtfId(_) | LdImm64::Func(_) => None,
        },
        _ => None,
    }
}

/// Checks every case, and that ids are unique.
fn checked(cases: &[Case]) -> Result<Vec<Program<'_>>, ExportError> {
    let mut seen = BTreeSet::new();
    let mut programs = Vec::with_capacity(cases.len());
    for case in cases {
        if !seen.insert(case.id.as_str()) {
            return Err(ExportError::case(
                &case.id,
                "the id is used by another case",
            ));
        }
        programs.push(program(case)?);
    }
    Ok(programs)
}

/// An id must serve as a file name on every system: ASCII letters, digits, `.`, `_`, `-`, not
/// starting with `.` or `-`.
fn check_id(id: &str) -> Result<(), ExportError> {
    let ok = !id.is_empty()
        && id.len() <= 200
        && !id.starts_with(['.', '-'])
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ExportError::case(
            id,
            "an id must be 1-200 ASCII letters, digits, `.`, `_` or `-`, not starting with `.` or `-`",
        ))
    }
}

/// Bytes from hex text (whitespace between bytes allowed).
pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let hi = pair[0].1.to_digit(16);
            let lo = pair[1].1.to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err(format!(
                    "`{}{}` at character {} is not a hex byte",
                    pair[0].1, pair[1].1, pair[0].0
                )),
            }
        })
        .collect()
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A C identifier made from `id`: every character outside `[A-Za-z0-9_]` becomes `_`, and a
/// leading digit gets a `_` in front.
pub fn c_ident(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// Distinct C identifiers for ids: [`c_ident`], with `_2`, `_3` … appended on collisions.
pub(crate) struct Idents {
    used: BTreeSet<String>,
}

impl Idents {
    pub(crate) fn new() -> Idents {
        Idents {
            used: BTreeSet::new(),
        }
    }

    pub(crate) fn fresh(&mut self, id: &str) -> String {
        let base = c_ident(id);
        let mut name = base.clone();
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

/// A program type: its name in records, its `BPF_PROG_TYPE_*` number and libbpf's section name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgType {
    /// The record's name (`socket_filter`).
    pub name: &'static str,
    /// `enum bpf_prog_type` value (uapi `linux/bpf.h`).
    pub number: u32,
    /// The ELF section name libbpf derives the type from (`socket`).
    pub section: &'static str,
}

/// Program types every exporter knows, with libbpf's section names for them (libbpf's
/// `section_defs` table; sections that need an attach target are not listed).
pub const PROG_TYPES: [ProgType; 9] = [
    ProgType {
        name: "socket_filter",
        number: 1,
        section: "socket",
    },
    ProgType {
        name: "kprobe",
        number: 2,
        section: "kprobe",
    },
    ProgType {
        name: "sched_cls",
        number: 3,
        section: "tc",
    },
    ProgType {
        name: "sched_act",
        number: 4,
        section: "action",
    },
    ProgType {
        name: "tracepoint",
        number: 5,
        section: "tracepoint",
    },
    ProgType {
        name: "xdp",
        number: 6,
        section: "xdp",
    },
    ProgType {
        name: "perf_event",
        number: 7,
        section: "perf_event",
    },
    ProgType {
        name: "cgroup_skb",
        number: 8,
        section: "cgroup_skb/ingress",
    },
    ProgType {
        name: "raw_tracepoint",
        number: 17,
        section: "raw_tracepoint",
    },
];

/// The program type named `name`, if known.
pub fn prog_type(name: &str) -> Option<ProgType> {
    PROG_TYPES.into_iter().find(|t| t.name == name)
}

/// `BPF_MAP_TYPE_*` numbers of the map types a record may name (uapi `linux/bpf.h`).
pub fn map_type_number(name: &str) -> Option<u32> {
    Some(match name {
        "hash" => 1,
        "array" => 2,
        "percpu_hash" => 5,
        "percpu_array" => 6,
        "lru_hash" => 9,
        _ => return None,
    })
}

/// The output directory of one format, counting what is written into it.
pub(crate) struct Output {
    dir: PathBuf,
    report: Report,
}

impl Output {
    fn new(dir: PathBuf) -> Result<Output, ExportError> {
        std::fs::create_dir_all(&dir).map_err(|source| ExportError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Output {
            dir,
            report: Report::default(),
        })
    }

    /// Writes `name` (a plain file name) with `contents`.
    pub(crate) fn file(&mut self, name: &str, contents: &[u8]) -> Result<(), ExportError> {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).map_err(|source| ExportError::Io { path, source })?;
        self.report.written.files += 1;
        self.report.written.bytes += contents.len() as u64;
        Ok(())
    }

    /// Records that `id` is left out of this format.
    pub(crate) fn skip(&mut self, id: &str, reason: impl Into<String>) {
        self.report.skipped.push(Skipped {
            id: id.to_string(),
            reason: reason.into(),
        });
    }
}

/// Runs `insns` on absint's interpreter: r1 points to an empty context, `LD_ABS`/`LD_IND` read
/// `packet`, and no helper exists (a helper call is an error). The value is r0 at `exit`.
pub fn interpret(insns: &[Insn], packet: &[u8]) -> Result<u64, String> {
    absint::concrete::Machine::new(insns)
        .with_data(packet)
        .run()
        .map_err(|e| e.to_string())
}

/// The bytes of `run.data_in` a socket filter's `LD_ABS`/`LD_IND` see: the kernel's test run
/// treats the first 14 bytes as the Ethernet header and starts `skb->data` after it.
pub fn packet_after_link_header(data_in: &[u8]) -> &[u8] {
    data_in.get(LINK_HEADER..).unwrap_or(&[])
}

/// Length of the link-layer header the socket-filter test run strips from `data_in`.
pub const LINK_HEADER: usize = 14;

/// Whether the program's result cannot depend on its input: it has no packet load, and it
/// runs to `exit` with an empty context and no helpers. Then the value is r0.
pub fn input_free_result(insns: &[Insn]) -> Option<u64> {
    if insns.iter().any(|i| matches!(i, Insn::LoadPacket { .. })) {
        return None;
    }
    interpret(insns, &[]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_names_bad_digits() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&bytes)), Ok(bytes));
        assert_eq!(from_hex("b7 00\n0000"), Ok(vec![0xb7, 0, 0, 0]));
        assert_eq!(
            from_hex("b7zz"),
            Err("`zz` at character 2 is not a hex byte".to_string())
        );
        assert_eq!(
            from_hex("b70"),
            Err("odd number of hex digits (3)".to_string())
        );
    }

    #[test]
    fn identifiers_are_c_and_distinct() {
        assert_eq!(
            c_ident("mk-kernel.alu64.add-0003"),
            "mk_kernel_alu64_add_0003"
        );
        assert_eq!(c_ident("3x"), "_3x");
        let mut idents = Idents::new();
        assert_eq!(idents.fresh("a-b"), "a_b");
        assert_eq!(idents.fresh("a_b"), "a_b_2");
        assert_eq!(idents.fresh("a.b"), "a_b_3");
    }

    #[test]
    fn ids_must_be_file_names() {
        for good in ["mk-kernel.alu64.add-0003", "a", "A_1"] {
            assert!(check_id(good).is_ok(), "{good}");
        }
        for bad in ["", ".hidden", "-x", "a/b", "a b", "ü", &"x".repeat(201)] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn program_types_have_section_names() {
        assert_eq!(
            prog_type("socket_filter").map(|t| (t.number, t.section)),
            Some((1, "socket"))
        );
        assert_eq!(prog_type("xdp").map(|t| t.number), Some(6));
        assert_eq!(prog_type("lwt_in"), None);
    }
}
