//! The exporters on the corpus generator's own output (boundary seeds, mutant-killers, precision
//! witnesses): every ELF object loads
//! with bpftool exactly when the raw program loads with bpf(2), and the selftest file compiles
//! to the same instructions. Skips loudly without bpftool, clang or bpf(2).

use std::path::PathBuf;
use std::process::Command;

use absint::isa;
use fuzz::corpus::export::{self, Format};

fn tool(name: &str) -> bool {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: `{name}` is not installed");
    }
    ok
}

#[test]
fn generated_seeds_export_load_and_compile() {
    let cases = fuzz::corpus::seeds::cases(7, 120);
    assert!(!cases.is_empty());
    check_exports(&cases, "export-corpus-seeds");
}

/// The same on the mutant-killers and precision witnesses the generator finds (about two
/// seconds: the killer search runs over the whole operator suite).
#[test]
fn generated_killers_and_witnesses_export_load_and_compile() {
    use fuzz::corpus::emit::{emit, EmitOptions};
    use fuzz::corpus::record::CaseKind;
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export-corpus-emit");
    let options = EmitOptions {
        kinds: vec![CaseKind::MutantKiller, CaseKind::PrecisionWitness],
        formats: vec![Format::Jsonl],
        count: 0,
        seed: 1,
        witnesses_per_operator: 2,
        out,
        synthesis: Some(fuzz::corpus::synthesis::bundled()),
        z3_timeout: std::time::Duration::from_secs(20),
    };
    let (cases, _) = emit(&options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty());
    check_exports(&cases, "export-corpus-killers");
}

/// Writes every format of `cases` and checks the ELF objects against bpf(2) and the selftest
/// files against clang.
fn check_exports(cases: &[fuzz::corpus::record::Case], name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut summary = Vec::new();
    let start = std::time::Instant::now();
    for format in Format::ALL {
        let report =
            export::write_report(format, cases, &dir).unwrap_or_else(|e| panic!("{format}: {e}"));
        summary.push(format!(
            "{format} {} files/{} left out",
            report.written.files,
            report.skipped.len()
        ));
    }
    eprintln!(
        "{} generated cases in {:.3} s (all six formats): {}",
        cases.len(),
        start.elapsed().as_secs_f64(),
        summary.join(", ")
    );

    if tool("bpftool") && fuzz::kernel::probe().is_ok() {
        let mut agree = 0;
        let mut rejected = 0;
        for (n, c) in cases.iter().enumerate() {
            let obj = dir.join(format!("elf/{}.o", c.id));
            if !obj.exists() {
                continue;
            }
            let pin = PathBuf::from(format!(
                "/sys/fs/bpf/vernier_corpus_{}_{n}",
                std::process::id()
            ));
            let by_bpftool = Command::new("bpftool")
                .args(["prog", "load"])
                .arg(&obj)
                .arg(&pin)
                .output()
                .is_ok_and(|o| o.status.success());
            let _ = std::fs::remove_file(&pin);
            let code = export::from_hex(&c.raw).unwrap_or_default();
            let direct = fuzz::kernel::load(&code, &fuzz::kernel::LoadOptions::default())
                .map(|l| l.accepted())
                .unwrap_or_else(|e| panic!("{}: {e}", c.id));
            assert_eq!(by_bpftool, direct, "{}: bpftool and bpf(2) disagree", c.id);
            agree += 1;
            rejected += usize::from(!direct);
        }
        eprintln!(
            "{agree} ELF exports ({rejected} rejected): bpftool's verdict equals bpf(2)'s on the raw program"
        );
    } else {
        eprintln!("SKIPPED: loading the generated ELF exports (no bpftool or bpf(2))");
    }

    if tool("clang") {
        use object::{Object, ObjectSection, ObjectSymbol};
        let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("selftest");
        let mut checked = 0;
        let mut sources: Vec<PathBuf> = std::fs::read_dir(dir.join("selftest"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        sources.retain(|p| p.extension().is_some_and(|x| x == "c"));
        for src in &sources {
            let obj = src.with_extension("o");
            let out = Command::new("clang")
                .args(["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-c", "-I"])
                .arg(&include)
                .arg(src)
                .arg("-o")
                .arg(&obj)
                .output()
                .unwrap_or_else(|e| panic!("clang: {e}"));
            assert!(
                out.status.success(),
                "{}: {}",
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let bytes = std::fs::read(&obj).unwrap_or_default();
            let file = object::File::parse(&*bytes).unwrap_or_else(|e| panic!("{e}"));
            for c in cases {
                let name = export::c_ident(&c.id);
                let Some(sym) = file.symbols().find(|s| s.name() == Ok(name.as_str())) else {
                    continue;
                };
                let section = sym
                    .section_index()
                    .and_then(|i| file.section_by_index(i).ok());
                let data = section.and_then(|s| s.data().ok()).unwrap_or_default();
                let code = &data[sym.address() as usize..(sym.address() + sym.size()) as usize];
                let want = isa::decode(&export::from_hex(&c.raw).unwrap_or_default());
                assert_eq!(isa::decode(code), want, "{}", c.id);
                checked += 1;
            }
        }
        eprintln!("{checked} selftest functions compile to the records' instructions");
    }
}
