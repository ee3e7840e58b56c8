//! `vernier states PROG`: every path of a register-only program, explored as the Linux 6.18
//! verifier does, printed as its level-2 log (`--format kernel-log`) or as JSON.
//!
//! PROG is read as, in this order: an ELF object (`prog.o`, the first executable section with
//! code, or `prog.o:SECTION` for a named one), raw little-endian instructions (any file with a
//! NUL byte), or assembly in the verifier log's syntax.
//!
//! Exit codes: 0 when every path ends at `exit`, 1 when the verifier would reject the program
//! (the log is printed first, ending with the kernel's message), 2 for input the explorer cannot
//! read or does not model (the message names the instruction).

use super::{read_input, Failure, Format};
use absint::explore::{self, ExploreError, Line, Options, Value};
use absint::isa::{self, Insn};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Explores the program at `path` and prints its paths in `format`.
pub fn states(path: &Path, format: Format, out: &mut dyn Write) -> Result<(), Failure> {
    let insns = load_program(path)?;
    let exploration = explore::explore(&insns, &Options::default());
    match format {
        Format::KernelLog => out.write_all(exploration.kernel_log().as_bytes())?,
        Format::Json => {
            let json = to_json(&exploration);
            writeln!(out, "{json}")?;
        }
    }
    match exploration.verdict {
        Ok(()) => Ok(()),
        Err(e @ ExploreError::Unsupported { .. }) => {
            Err(Failure::Input(format!("{}: {e}", path.display())))
        }
        Err(e) => Err(Failure::Rejected(e.to_string())),
    }
}

/// The program's instructions, from an ELF section, raw bytes or assembly.
fn load_program(path: &Path) -> Result<Vec<Insn>, Failure> {
    let (file, section) = split_section(path);
    let bytes = read_input(&file)?;
    let name = file.display();
    if bytes.starts_with(b"\x7fELF") {
        return absint::elf::program(&bytes, section.as_deref())
            .map(|(_, insns)| insns)
            .map_err(|e| Failure::Input(format!("{name}: {e}")));
    }
    if section.is_some() {
        return Err(Failure::Input(format!(
            "{name}: a section is named but the file is not ELF"
        )));
    }
    if bytes.contains(&0) {
        return isa::decode(&bytes).map_err(|e| Failure::Input(format!("{name}: {e}")));
    }
    let source = String::from_utf8(bytes)
        .map_err(|e| Failure::Input(format!("{name}: neither assembly nor instructions: {e}")))?;
    isa::assemble(&source).map_err(|e| Failure::Input(format!("{name}:{e}")))
}

/// `prog.o:section` → (`prog.o`, `section`), when `prog.o:section` itself does not exist.
fn split_section(path: &Path) -> (PathBuf, Option<String>) {
    if path.exists() || path.as_os_str() == "-" {
        return (path.to_path_buf(), None);
    }
    let text = path.to_string_lossy();
    match text.rsplit_once(':') {
        Some((file, section)) if !file.is_empty() && !section.is_empty() => {
            (PathBuf::from(file), Some(section.to_string()))
        }
        _ => (path.to_path_buf(), None),
    }
}

/// The exploration as JSON: the verdict, the processed count and the lines, each register's
/// value in the log's syntax.
fn to_json(exploration: &explore::Exploration) -> serde_json::Value {
    use serde_json::json;
    let regs = |regs: &[(u8, Value)]| {
        let map: serde_json::Map<String, serde_json::Value> = regs
            .iter()
            .map(|(r, v)| (format!("R{r}"), json!(v.to_string())))
            .collect();
        serde_json::Value::Object(map)
    };
    let lines: Vec<serde_json::Value> = exploration
        .lines
        .iter()
        .map(|line| match line {
            Line::State { idx, regs: r } => json!({"kind": "state", "insn": idx, "regs": regs(r)}),
            Line::Insn { idx, insn, regs: r } => json!({
                "kind": "insn", "insn": idx, "opcode": insn.opcode(), "text": insn.to_string(),
                "regs": regs(r),
            }),
            Line::From {
                from,
                to,
                regs: Some(r),
            } => json!({"kind": "from", "from": from, "to": to, "regs": regs(r)}),
            Line::From {
                from,
                to,
                regs: None,
            } => json!({"kind": "from", "from": from, "to": to, "safe": true}),
            Line::Safe(idx) => json!({"kind": "safe", "insn": idx}),
            Line::Error(message) => json!({"kind": "error", "message": message}),
        })
        .collect();
    let verdict = match &exploration.verdict {
        Ok(()) => json!({"accepted": true}),
        Err(e @ ExploreError::Unsupported { .. }) => {
            json!({"accepted": null, "unsupported": e.to_string()})
        }
        Err(e) => json!({"accepted": false, "error": e.to_string()}),
    };
    json!({"verdict": verdict, "processed": exploration.processed, "lines": lines})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &Path, format: Format) -> (String, Result<(), Failure>) {
        let mut out = Vec::new();
        let r = states(path, format, &mut out);
        (String::from_utf8_lossy(&out).into_owned(), r)
    }

    fn temp(name: &str, contents: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vernier-states-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("temp file written");
        path
    }

    const FORK: &str = "call bpf_get_prandom_u32\nr6 = r0\nr6 s>>= 63\nr6 &= 5\nr0 = r6\nexit\n";

    #[test]
    fn assembly_prints_the_kernel_log() {
        let (out, r) = run(&temp("fork.s", FORK.as_bytes()), Format::KernelLog);
        assert!(r.is_ok());
        // As the running 6.18.44 kernel prints it (precision lines aside).
        assert!(out.contains("3: (57) r6 &= 5                       ; R6=5\n"));
        assert!(out.contains("\nfrom 3 to 3: R0=scalar(id=1) R6=0 R10=fp0\n"));
        assert!(out.ends_with("processed 9 insns (limit 1000000)\n"));
    }

    #[test]
    fn raw_and_elf_inputs_give_the_same_log() {
        let insns = isa::assemble(FORK).expect("assembles");
        let code = isa::encode(&insns);
        let (from_asm, _) = run(&temp("a.s", FORK.as_bytes()), Format::KernelLog);
        let (from_raw, _) = run(&temp("a.bin", &code), Format::KernelLog);
        assert_eq!(from_asm, from_raw);
        let elf = temp("a.o", &tiny_elf(&code));
        let (from_elf, r) = run(&elf, Format::KernelLog);
        assert!(r.is_ok());
        assert_eq!(from_asm, from_elf);
        let named = PathBuf::from(format!("{}:socket", elf.display()));
        assert_eq!(run(&named, Format::KernelLog).0, from_asm);
        let missing = PathBuf::from(format!("{}:xdp", elf.display()));
        match run(&missing, Format::KernelLog).1 {
            Err(Failure::Input(m)) => assert!(m.contains("no section `xdp`"), "{m}"),
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn rejection_prints_the_log_then_fails() {
        let (out, r) = run(&temp("bad.s", b"r0 = r2\nexit\n"), Format::KernelLog);
        assert!(out.contains("0: (bf) r0 = r2\nR2 !read_ok\n"), "{out}");
        match r {
            Err(Failure::Rejected(m)) => assert_eq!(m, "insn 0: R2 !read_ok"),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn unsupported_names_the_instruction() {
        let (_, r) = run(
            &temp("mem.s", b"r0 = *(u32 *)(r1 +0)\nexit\n"),
            Format::KernelLog,
        );
        match r {
            Err(Failure::Input(m)) => assert!(m.contains("insn 0: not supported"), "{m}"),
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn json_lists_every_line() {
        let (out, r) = run(&temp("j.s", FORK.as_bytes()), Format::Json);
        assert!(r.is_ok());
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["verdict"]["accepted"], true);
        assert_eq!(v["processed"], 9);
        let lines = v["lines"].as_array().expect("lines");
        assert_eq!(lines[0]["regs"]["R1"], "ctx()");
        assert!(lines
            .iter()
            .any(|l| l["kind"] == "from" && l["from"] == 3 && l["regs"]["R6"] == "0"));
    }

    /// A minimal ELF64 object: null section, `socket` (code), `.shstrtab`.
    fn tiny_elf(code: &[u8]) -> Vec<u8> {
        let shstrtab = b"\0socket\0.shstrtab\0";
        let code_off = 64usize;
        let str_off = code_off + code.len();
        let sh_off = (str_off + shstrtab.len()).div_ceil(8) * 8;
        let mut f = vec![0u8; sh_off + 3 * 64];
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = 2;
        f[5] = 1;
        f[6] = 1;
        f[0x28..0x30].copy_from_slice(&(sh_off as u64).to_le_bytes());
        f[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        f[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        f[0x3e..0x40].copy_from_slice(&2u16.to_le_bytes());
        f[code_off..str_off].copy_from_slice(code);
        f[str_off..str_off + shstrtab.len()].copy_from_slice(shstrtab);
        let mut section = |i: usize, name: u32, ty: u32, flags: u64, off: usize, size: usize| {
            let at = sh_off + i * 64;
            f[at..at + 4].copy_from_slice(&name.to_le_bytes());
            f[at + 4..at + 8].copy_from_slice(&ty.to_le_bytes());
            f[at + 8..at + 16].copy_from_slice(&flags.to_le_bytes());
            f[at + 0x18..at + 0x20].copy_from_slice(&(off as u64).to_le_bytes());
            f[at + 0x20..at + 0x28].copy_from_slice(&(size as u64).to_le_bytes());
        };
        section(1, 1, 1, 0x6, code_off, code.len());
        section(2, 8, 3, 0, str_off, shstrtab.len());
        f
    }
}
