//! Runs the BPF conformance suite (`bpf_conformance`'s `tests/*.data`) on the interpreter.
//!
//! Each file gives a program in uBPF assembly, optionally input memory, and the expected r0 (or an
//! expected error). As `bpf_conformance`'s uBPF plugin does, the memory is the context: r1 holds
//! its address and r2 its length. Helper 5 is uBPF's test "unwind" helper.
//!
//! Every file is accounted for: it runs and passes, runs and fails (the test fails), or is left
//! out with a stated reason (printed). The suite lives outside the repository; when it is absent
//! the test says so loudly and does not fail.

use absint::concrete::{HelperTable, Machine};
use absint::isa::ubpf::DataFile;
use absint::isa::{decode, encode, Reg};
use std::path::{Path, PathBuf};

/// What happened to one file.
enum Verdict {
    Pass,
    Fail(String),
    LeftOut(String),
}

fn check(path: &Path) -> Verdict {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return Verdict::Fail(format!("cannot read: {e}")),
    };
    let file = match DataFile::parse(&text) {
        Ok(file) => file,
        Err(e) => return Verdict::Fail(format!("bad .data file: {e}")),
    };
    if file
        .asm
        .iter()
        .all(|(_, l)| l.split('#').next().unwrap_or("").trim().is_empty())
    {
        return Verdict::LeftOut("no `-- asm` section".into());
    }
    let program = match file.program() {
        Ok(p) => p,
        Err(e) => return Verdict::Fail(format!("assembly does not parse: {e}")),
    };
    if let Some(raw) = &file.raw {
        // The `-- raw` slots are what the reference assembler produced: the parse must agree.
        let bytes: Vec<u8> = raw.iter().flat_map(|slot| slot.to_le_bytes()).collect();
        match decode(&bytes) {
            Ok(decoded) if decoded == program => {}
            Ok(decoded) => {
                return Verdict::Fail(format!(
                    "asm parses to {program:?} but raw decodes to {decoded:?}"
                ))
            }
            Err(e) => return Verdict::Fail(format!("raw section does not decode: {e}")),
        }
    }
    let Some(r2) = Reg::new(2) else {
        return Verdict::Fail("no r2".into());
    };
    let outcome = Machine::new(&program)
        .with_context(&file.mem)
        .with_reg(r2, file.mem.len() as u64)
        .with_helpers(HelperTable::conformance())
        .run();
    match (outcome, file.result, &file.error) {
        (Ok(r0), Some(want), None) if r0 == want => Verdict::Pass,
        (Ok(r0), Some(want), None) => Verdict::Fail(format!("r0 = {r0:#x}, expected {want:#x}")),
        // The expected message is the reference runtime's; any error of ours counts as agreeing.
        (Err(_), _, Some(_)) => Verdict::Pass,
        (Ok(r0), _, Some(want)) => {
            Verdict::Fail(format!("r0 = {r0:#x}, expected the error {want:?}"))
        }
        (Err(e), _, None) => Verdict::Fail(format!("error: {e}")),
        (Ok(_), None, None) => Verdict::LeftOut("neither `-- result` nor `-- error`".into()),
    }
}

/// The suite's `.data` files, sorted, or `None` (after a loud message) when it is absent.
fn suite_files() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/tests");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: conformance suite not found at {}", dir.display());
        return None;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "data"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .data files in {}", dir.display());
    Some(files)
}

#[test]
fn conformance_suite() {
    let Some(files) = suite_files() else { return };
    let (mut passed, mut failures, mut left_out) = (0usize, Vec::new(), Vec::new());
    for path in &files {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match check(path) {
            Verdict::Pass => passed += 1,
            Verdict::Fail(why) => failures.push(format!("{name}: {why}")),
            Verdict::LeftOut(why) => left_out.push(format!("{name}: {why}")),
        }
    }
    let ran = files.len() - left_out.len();
    eprintln!(
        "conformance: {} files, {ran} ran, {passed} passed, {} failed, {} left out",
        files.len(),
        failures.len(),
        left_out.len()
    );
    for l in &left_out {
        eprintln!("  left out: {l}");
    }
    for f in &failures {
        eprintln!("  FAILED: {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} conformance files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every assembled program survives `encode` then `decode` unchanged (the suite as a corpus for
/// the binary encoding).
#[test]
fn suite_programs_round_trip_through_the_encoding() {
    let Some(files) = suite_files() else { return };
    let mut checked = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(program) = DataFile::parse(&text).and_then(|f| f.program()) else {
            continue;
        };
        let decoded = decode(&encode(&program));
        assert_eq!(decoded.as_ref(), Ok(&program), "{}", path.display());
        checked += 1;
    }
    eprintln!("round-tripped {checked} of {} programs", files.len());
    assert_eq!(
        checked,
        files.len(),
        "some files did not parse (see conformance_suite)"
    );
}
