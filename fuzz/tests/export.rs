//! The corpus exporters on hand-made cases: every format is written, read back by an
//! independent reader (absint's ELF and uBPF readers, clang, bpftool, the kernel) and compared
//! with the record.

use std::path::{Path, PathBuf};
use std::process::Command;

use absint::isa::{self, Insn};
use fuzz::corpus::export::{self, Format};
use fuzz::corpus::record::{Case, CaseKind, MapSpec, Prediction, Run, Verdict};

/// A case from assembly text, with `insns` and `raw` as a generator would write them.
fn case(id: &str, kind: CaseKind, asm: &str, verdict: Verdict, run: Option<(&str, u32)>) -> Case {
    let insns = match isa::assemble(asm) {
        Ok(insns) => insns,
        Err(e) => panic!("{id}: test program does not assemble: {e}"),
    };
    Case {
        id: id.to_string(),
        kind,
        target: "kernel.alu64.add".to_string(),
        prog_type: "socket_filter".to_string(),
        insns: insns.iter().map(Insn::to_string).collect(),
        raw: export::to_hex(&isa::encode(&insns)),
        maps: Vec::new(),
        expected: Prediction {
            verdict,
            states: Vec::new(),
            processed: None,
        },
        with_target: None,
        run: run.map(|(data_in, retval)| Run {
            data_in: data_in.to_string(),
            retval,
        }),
        generator: "hand".to_string(),
        seed: 0,
    }
}

/// 64 bytes of packet: a 14-byte link header then bytes 0x10, 0x11, ….
fn packet() -> String {
    (0..64u8)
        .map(|i| format!("{:02x}", if i < 14 { 0 } else { i + 2 }))
        .collect()
}

/// The hand-made corpus: accept with retval, reject with message, jumps, ld_imm64, helper
/// call, packet loads, stack and atomics, a map.
fn cases() -> Vec<Case> {
    use CaseKind::*;
    let reject = |insn: usize, message: &str| Verdict::Reject {
        insn: Some(insn),
        message: message.to_string(),
    };
    let pkt = packet();
    let mut map_case = case(
        "bs-map-lookup",
        BoundarySeed,
        "r1 = map[fd:0]\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\n\
         if r0 == 0x0 goto pc+1\nr0 = *(u64 *)(r0 +0)\nr0 = 0\nexit",
        Verdict::Accept,
        Some((&pkt, 0)),
    );
    map_case.maps.push(MapSpec {
        map_type: "array".to_string(),
        key_size: 4,
        value_size: 8,
        max_entries: 1,
    });
    vec![
        case(
            "bs-accept-retval",
            BoundarySeed,
            "r0 = 7\nr0 += 3\nw0 *= 3\nexit",
            Verdict::Accept,
            Some((&pkt, 30)),
        ),
        case(
            "mk-kernel.alu64.add-0001",
            MutantKiller,
            "r0 = 1\nr1 = r0\nr0 = r9\nexit",
            reject(2, "R9 !read_ok"),
            None,
        ),
        case(
            "bs-jumps",
            BoundarySeed,
            "r0 = 0\nr1 = 5\nif r1 > 0x3 goto pc+1\nr0 = 100\nif w1 s< 0x2 goto pc+2\nr0 += 2\n\
             goto pc+1\nr0 = 50\nif r1 & r0 goto pc+0\nr2 = -3\nif r2 s< r1 goto pc+1\nr0 += 10\nexit",
            Verdict::Accept,
            Some((&pkt, 2)),
        ),
        case(
            "bs-ld-imm64",
            BoundarySeed,
            "r0 = 0x100000001\nr1 = 0xffffffff00000000\nr0 += r1\nr0 >>= 32\nr0 ^= 5\nexit",
            Verdict::Accept,
            Some((&pkt, 5)),
        ),
        case(
            "bs-helper-call",
            BoundarySeed,
            "call bpf_ktime_get_ns#5\nr0 &= 0\nexit",
            Verdict::Accept,
            Some((&pkt, 0)),
        ),
        case(
            "bs-packet",
            BoundarySeed,
            "r6 = r1\nr0 = *(u8 *)skb[1]\nr7 = r0\nr0 = *(u16 *)skb[2]\nr0 += r7\nexit",
            Verdict::Accept,
            Some((&pkt, 0x11 + 0x1213)),
        ),
        case(
            "bs-stack-atomic",
            BoundarySeed,
            "r1 = 40\n*(u64 *)(r10 -8) = r1\nr2 = 2\nlock *(u64 *)(r10 -8) += r2\n\
             r2 = atomic64_fetch_add((u64 *)(r10 -8), r2)\nr0 = *(u32 *)(r10 -8)\nr0 += r2\nexit",
            Verdict::Accept,
            Some((&pkt, 86)),
        ),
        case(
            "pw-div",
            PrecisionWitness,
            "r0 = 255\nr1 = 7\nr0 /= r1\nr0 %= 5\nw0 <<= 3\nr0 s>>= 1\nr0 = -r0\nr0 = be16 r0\nexit",
            Verdict::Accept,
            Some((&pkt, 0xfcff)),
        ),
        case(
            "mk-oob",
            MutantKiller,
            "r0 = 0\n*(u64 *)(r10 +0) = r0\nexit",
            reject(1, "invalid write to stack R10 off=0 size=8"),
            None,
        ),
        map_case,
    ]
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("export-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    dir
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == ext));
    v.sort();
    v
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.name().parse::<Format>(), Ok(f));
        assert_eq!(f.to_string(), f.name());
    }
    assert!("elf64".parse::<Format>().is_err());
}

#[test]
fn jsonl_round_trips() {
    let dir = scratch("jsonl");
    let cases = cases();
    let written = export::write(Format::Jsonl, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written.files, 1);
    let path = dir.join("jsonl/corpus.jsonl");
    assert_eq!(
        std::fs::metadata(&path).map(|m| m.len()).ok(),
        Some(written.bytes)
    );
    let back = export::read_jsonl(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, cases);
}

#[test]
fn jsonl_errors_name_file_and_line() {
    let dir = scratch("jsonl-bad");
    let path = dir.join("bad.jsonl");
    let good = serde_json::to_string(&cases()[0]).unwrap_or_default();
    std::fs::write(&path, format!("{good}\n\n{{\"id\": 3}}\n")).unwrap_or_else(|e| panic!("{e}"));
    let err = export::read_jsonl(&path)
        .map(|_| ())
        .map_err(|e| e.to_string());
    let msg = err.err().unwrap_or_default();
    assert!(
        msg.starts_with(&format!("{}:3: column", path.display())),
        "{msg}"
    );
}

#[test]
fn raw_files_hold_the_instructions() {
    let dir = scratch("raw");
    let cases = cases();
    let written = export::write(Format::Raw, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written.files, cases.len());
    for c in &cases {
        let bytes = std::fs::read(dir.join(format!("raw/{}.bin", c.id))).unwrap_or_default();
        assert_eq!(export::to_hex(&bytes), c.raw, "{}", c.id);
    }
}

#[test]
fn malformed_cases_are_errors_naming_the_case() {
    let dir = scratch("bad");
    let good = cases().remove(0);
    let mut undecodable = good.clone();
    undecodable.raw.push_str("ff00000000000000");
    let mut odd = good.clone();
    odd.raw.push('a');
    let mut mismatch = good.clone();
    mismatch.insns[1] = "r0 += 4".to_string();
    let mut bad_text = good.clone();
    bad_text.insns[0] = "r0 = = 1".to_string();
    let mut bad_id = good.clone();
    bad_id.id = "../escape".to_string();
    let mut no_map = good.clone();
    no_map.insns = vec!["r1 = map[fd:0]".into(), "r0 = 0".into(), "exit".into()];
    no_map.raw = export::to_hex(&isa::encode(
        &isa::assemble(&no_map.insns.join("\n")).unwrap_or_default(),
    ));
    for (bad, want) in [
        (undecodable, "raw: insn 4"),
        (odd, "odd number of hex digits"),
        (mismatch, "disagree at instruction 1"),
        (bad_text, "insns: line 1:"),
        (bad_id, "an id must be"),
        (no_map, "refers to map 0, but the case has 0 map(s)"),
    ] {
        for format in Format::ALL {
            let result = export::write(format, std::slice::from_ref(&bad), &dir);
            let msg = result
                .map(|_| ())
                .map_err(|e| e.to_string())
                .err()
                .unwrap_or_default();
            assert!(
                msg.starts_with(&format!("case `{}`: ", bad.id)) && msg.contains(want),
                "{format}: {msg}"
            );
        }
    }
    let twice = vec![good.clone(), good];
    let msg = export::write(Format::Raw, &twice, &dir)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert!(msg
        .err()
        .unwrap_or_default()
        .contains("used by another case"));
}

/// Whether `tool` runs here; prints a loud SKIPPED line when it does not.
fn have(tool: &str, what: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: {what}: `{tool}` is not installed");
    }
    ok
}

/// The instructions with map references as clang leaves them: `ld_imm64` of 0, which the
/// loader patches through a relocation.
fn without_map_fds(insns: &[Insn]) -> Vec<Insn> {
    use absint::isa::LdImm64;
    insns
        .iter()
        .map(|i| match *i {
            Insn::LdImm64 {
                dst,
                src: LdImm64::MapFd(_),
            } => Insn::LdImm64 {
                dst,
                src: LdImm64::Imm(0),
            },
            other => other,
        })
        .collect()
}

fn decoded(c: &Case) -> Vec<Insn> {
    let bytes = export::from_hex(&c.raw).unwrap_or_default();
    isa::decode(&bytes).unwrap_or_default()
}

#[test]
fn elf_objects_read_back_identical() {
    let dir = scratch("elf-read");
    let cases = cases();
    let report = export::write_report(Format::Elf, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.written.files, cases.len());
    for c in &cases {
        let bytes = std::fs::read(dir.join(format!("elf/{}.o", c.id))).unwrap_or_default();
        let (section, insns) =
            absint::elf::program(&bytes, None).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        assert_eq!(section, "socket", "{}", c.id);
        // Map references are `ld_imm64` of 0 plus a relocation, as clang writes them.
        assert_eq!(insns, without_map_fds(&decoded(c)), "{}", c.id);
        let has_btf = object::File::parse(&*bytes)
            .map(|f| object::Object::section_by_name(&f, ".BTF").is_some())
            .unwrap_or(false);
        assert_eq!(has_btf, !c.maps.is_empty(), "{}", c.id);
    }
}

/// `bpftool prog load` of every ELF export: accepted cases load (and are unpinned), rejected
/// ones fail with the recorded message in the verifier log bpftool prints.
#[test]
fn elf_objects_load_with_bpftool() {
    if !have("bpftool", "bpftool prog load of the ELF exports") {
        return;
    }
    if let Err(e) = fuzz::kernel::probe() {
        eprintln!("SKIPPED: bpftool prog load of the ELF exports: {e}");
        return;
    }
    let bpffs = Path::new("/sys/fs/bpf");
    let mounted = std::fs::read_to_string("/proc/mounts").is_ok_and(|m| {
        m.lines()
            .any(|l| l.split(' ').nth(1) == Some("/sys/fs/bpf") && l.contains(" bpf "))
    });
    if !mounted {
        let ok = Command::new("mount")
            .args(["-t", "bpf", "bpf", "/sys/fs/bpf"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: bpftool prog load of the ELF exports: no bpffs at /sys/fs/bpf");
            return;
        }
    }
    let dir = scratch("elf-load");
    let cases = cases();
    export::write(Format::Elf, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    let mut loaded = 0;
    for (n, c) in cases.iter().enumerate() {
        let pin = bpffs.join(format!("vernier_export_{}_{n}", std::process::id()));
        let obj = dir.join(format!("elf/{}.o", c.id));
        let out = Command::new("bpftool")
            .args(["-d", "prog", "load"])
            .arg(&obj)
            .arg(&pin)
            .output()
            .unwrap_or_else(|e| panic!("bpftool: {e}"));
        let log = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        let _ = std::fs::remove_file(&pin);
        match &c.expected.verdict {
            Verdict::Accept => {
                assert!(out.status.success(), "{}: bpftool failed:\n{log}", c.id);
                loaded += 1;
                // The hand-made label itself: the kernel's test run gives the recorded retval.
                if let Some(run) = c.run.as_ref().filter(|_| c.maps.is_empty()) {
                    let code = export::from_hex(&c.raw).unwrap_or_default();
                    let load = fuzz::kernel::load(&code, &fuzz::kernel::LoadOptions::default())
                        .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                    let prog = load
                        .prog
                        .unwrap_or_else(|| panic!("{}: rejected:\n{}", c.id, load.log));
                    let data = export::from_hex(&run.data_in).unwrap_or_default();
                    let retval = prog
                        .test_run(&data)
                        .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                    assert_eq!(retval, run.retval, "{}: the kernel's test run", c.id);
                }
            }
            Verdict::Reject { message, .. } => {
                assert!(
                    !out.status.success(),
                    "{}: loaded, expected a rejection",
                    c.id
                );
                assert!(
                    log.contains(message.as_str()),
                    "{}: no `{message}` in:\n{log}",
                    c.id
                );
            }
        }
    }
    eprintln!("bpftool loaded {loaded} ELF exports and saw every expected rejection");
}

/// Every selftest file compiles with clang, and each test function's instructions are the
/// case's (jumps become offsets again; map fds are left to the loader).
#[test]
fn selftest_files_compile_to_the_same_instructions() {
    use object::{Object, ObjectSection, ObjectSymbol};
    let dir = scratch("selftest");
    let cases = cases();
    let report =
        export::write_report(Format::Selftest, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let sources = files(&dir.join("selftest"), "c");
    assert_eq!(report.written.files, sources.len());
    assert_eq!(sources.len(), 3, "one file per kind");
    if !have("clang", "compiling the selftest exports") {
        return;
    }
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("selftest");
    let mut checked = 0;
    for src in &sources {
        let obj = src.with_extension("o");
        let out = Command::new("clang")
            .args([
                "-target", "bpf", "-mcpu=v3", "-O2", "-g", "-Wall", "-Werror", "-c",
            ])
            .arg("-I")
            .arg(&include)
            .arg(src)
            .arg("-o")
            .arg(&obj)
            .output()
            .unwrap_or_else(|e| panic!("clang: {e}"));
        assert!(
            out.status.success(),
            "{} does not compile:\n{}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&obj).unwrap_or_default();
        let file = object::File::parse(&*bytes).unwrap_or_else(|e| panic!("{e}"));
        for c in &cases {
            let name = export::c_ident(&c.id);
            let Some(sym) = file.symbols().find(|s| s.name() == Ok(name.as_str())) else {
                continue;
            };
            let section = sym
                .section_index()
                .and_then(|i| file.section_by_index(i).ok())
                .unwrap_or_else(|| panic!("{name}: no section"));
            let data = section.data().unwrap_or_default();
            let start = sym.address() as usize;
            let code = &data[start..start + sym.size() as usize];
            let insns = isa::decode(code).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                without_map_fds(&insns),
                without_map_fds(&decoded(c)),
                "{}",
                c.id
            );
            // Each map reference is a relocation against the case's map.
            let range = sym.address()..sym.address() + sym.size();
            let relocated = section
                .relocations()
                .filter(|(at, _)| range.contains(at))
                .count();
            assert_eq!(
                relocated,
                c.insns.iter().filter(|i| i.contains("map[")).count(),
                "{}",
                c.id
            );
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len());
    selftest_annotations_reach_the_kernel(&sources, &cases);
}

/// The annotations are BTF declaration tags the test loader can read (`bpftool btf dump`), and
/// where bpf(2) is available, an object whose tests all expect success loads whole
/// (`bpftool prog loadall`, which creates its maps) and every `__retval` is what the kernel's
/// test run returns (`bpftool prog run`).
fn selftest_annotations_reach_the_kernel(sources: &[PathBuf], cases: &[Case]) {
    if !have("bpftool", "reading the selftest exports' BTF tags") {
        return;
    }
    let kernel = match fuzz::kernel::probe() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("SKIPPED: loading the selftest exports: {e}");
            false
        }
    };
    let mut runs = 0;
    for src in sources {
        let obj = src.with_extension("o");
        let dump = Command::new("bpftool")
            .args(["btf", "dump", "file"])
            .arg(&obj)
            .output()
            .unwrap_or_else(|e| panic!("bpftool: {e}"));
        let dump = String::from_utf8_lossy(&dump.stdout).into_owned();
        // FUNC ids by name, then the tags on each id.
        let mut funcs = std::collections::BTreeMap::new();
        let mut tags: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for line in dump.lines() {
            let id = line
                .split(']')
                .next()
                .unwrap_or("")
                .trim_start_matches('[')
                .to_string();
            if let Some(rest) = line.split("] FUNC '").nth(1) {
                funcs.insert(rest.split('\'').next().unwrap_or("").to_string(), id);
            } else if let Some(rest) = line.split("] DECL_TAG '").nth(1) {
                let tag = rest
                    .rsplit_once("' type_id=")
                    .map(|(t, r)| (t, r.split(' ').next().unwrap_or("")));
                if let Some((tag, on)) = tag {
                    tags.entry(on.to_string())
                        .or_default()
                        .push(tag.to_string());
                }
            }
        }
        let mut all_accepted = true;
        let mut retvals = Vec::new();
        for c in cases {
            let name = export::c_ident(&c.id);
            let Some(id) = funcs.get(&name) else { continue };
            let t = tags.get(id).cloned().unwrap_or_default();
            assert!(
                t.contains(&format!("comment:test_description={}: {}", c.id, c.target)),
                "{name}: {t:?}"
            );
            assert!(
                t.contains(&"comment:test_prog_flags=BPF_F_TEST_REG_INVARIANTS".to_string()),
                "{name}: {t:?}"
            );
            match &c.expected.verdict {
                Verdict::Accept => assert!(
                    t.contains(&"comment:test_expect_success".to_string()),
                    "{name}: {t:?}"
                ),
                Verdict::Reject { message, .. } => {
                    all_accepted = false;
                    assert!(
                        t.contains(&"comment:test_expect_failure".to_string()),
                        "{name}: {t:?}"
                    );
                    assert!(
                        t.contains(&format!("comment:test_expect_msg={message}")),
                        "{name}: {t:?}"
                    );
                }
            }
            if let Some(r) = t
                .iter()
                .find_map(|t| t.strip_prefix("comment:test_retval="))
            {
                let r: i64 = r.parse().unwrap_or_else(|_| panic!("{name}: retval {r}"));
                assert_eq!(Some(r as u32), c.run.as_ref().map(|r| r.retval), "{name}");
                retvals.push((name.clone(), r as u32));
            }
        }
        if !kernel || !all_accepted {
            continue;
        }
        let pin = PathBuf::from(format!(
            "/sys/fs/bpf/vernier_selftest_{}",
            std::process::id()
        ));
        let out = Command::new("bpftool")
            .args(["prog", "loadall"])
            .arg(&obj)
            .arg(&pin)
            .output()
            .unwrap_or_else(|e| panic!("bpftool: {e}"));
        if !out.status.success() {
            let _ = std::fs::remove_dir_all(&pin);
            panic!(
                "{}: loadall failed:\n{}",
                obj.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let input = obj.with_extension("pkt");
        let _ = std::fs::write(&input, [0u8; 64]);
        for (name, want) in &retvals {
            let out = Command::new("bpftool")
                .args(["prog", "run", "pinned"])
                .arg(pin.join(name))
                .arg("data_in")
                .arg(&input)
                .output()
                .unwrap_or_else(|e| panic!("bpftool: {e}"));
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let got = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("Return value: "))
                .and_then(|v| v.split(',').next()?.trim().parse::<u32>().ok());
            assert_eq!(got, Some(*want), "{name}: bpftool prog run said:\n{text}");
            runs += 1;
        }
        let _ = std::fs::remove_dir_all(&pin);
    }
    eprintln!("selftest exports: BTF tags checked; {runs} __retval(s) confirmed by the kernel");
}

/// Conformance files parse back with absint's uBPF reader (assembly and raw agree) and run on
/// absint's interpreter to the `-- result`, whose low half is the recorded retval.
#[test]
fn conformance_files_parse_and_run_to_the_recorded_result() {
    use absint::concrete::Machine;
    use absint::isa::ubpf::DataFile;
    let dir = scratch("conformance");
    let cases = cases();
    let report =
        export::write_report(Format::Conformance, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    let mut skipped: Vec<&str> = report.skipped.iter().map(|s| s.id.as_str()).collect();
    skipped.sort_unstable();
    // Rejected cases, helper calls and map references have no conformance file.
    assert_eq!(
        skipped,
        [
            "bs-helper-call",
            "bs-map-lookup",
            "mk-kernel.alu64.add-0001",
            "mk-oob"
        ],
        "{:?}",
        report.skipped
    );
    let written = files(&dir.join("conformance"), "data");
    assert_eq!(written.len(), report.written.files);
    assert_eq!(written.len(), 6);
    for path in &written {
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let c = cases
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let file = DataFile::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        let program = file.program().unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(program, decoded(c), "{id}: -- asm");
        let raw: Vec<u8> = file
            .raw
            .unwrap_or_default()
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        assert_eq!(export::to_hex(&raw), c.raw, "{id}: -- raw");
        let r0 = Machine::new(&program)
            .with_context(&file.mem)
            .with_data(&file.mem)
            .run()
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(Some(r0), file.result, "{id}");
        assert_eq!(c.run.as_ref().map(|r| r.retval), Some(r0 as u32), "{id}");
    }
}

/// A wrong label is not exported: the interpreter's result must match the record's retval.
#[test]
fn conformance_leaves_out_a_contradicted_label() {
    let dir = scratch("conformance-wrong");
    let mut c = cases().remove(0);
    if let Some(run) = c.run.as_mut() {
        run.retval += 1;
    }
    let report =
        export::write_report(Format::Conformance, &[c], &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.written.files, 0);
    assert!(
        report.skipped[0]
            .reason
            .contains("the record says retval 0x1f"),
        "{:?}",
        report.skipped
    );
}

/// Reads the instruction bytes back out of a syzkaller program text: `@generic={code, dst,
/// src, off, imm}` slots, and `@map_fd` / `@map_val` records (their `rN` resource becomes the
/// fd N, the corpus's placeholder convention).
fn syz_instructions(text: &str) -> Vec<u8> {
    let load = text
        .lines()
        .find(|l| l.contains("bpf$PROG_LOAD"))
        .unwrap_or_else(|| panic!("no bpf$PROG_LOAD in {text}"));
    let start = load
        .find("@raw=[")
        .map(|i| i + 6)
        .unwrap_or_else(|| panic!("no @raw"));
    let end = start
        + load[start..]
            .find("], &(")
            .unwrap_or_else(|| panic!("no end of @raw"));
    let num = |s: &str| -> u64 {
        let s = s.trim();
        match s.strip_prefix('r') {
            Some(n) => n.parse().unwrap_or_else(|_| panic!("bad resource {s}")),
            None => u64::from_str_radix(s.trim_start_matches("0x"), 16)
                .unwrap_or_else(|_| panic!("bad number {s}")),
        }
    };
    let mut bytes = Vec::new();
    for item in load[start..end].split("}, ") {
        let (kind, fields) = item
            .split_once("={")
            .unwrap_or_else(|| panic!("bad item {item}"));
        let f: Vec<u64> = fields.trim_end_matches('}').split(", ").map(num).collect();
        let slot = |code: u64, dst: u64, src: u64, off: u64, imm: u64| {
            let mut b = vec![code as u8, (dst as u8) | ((src as u8) << 4)];
            b.extend((off as u16).to_le_bytes());
            b.extend((imm as u32).to_le_bytes());
            b
        };
        match kind {
            "@generic" => {
                assert_eq!(f.len(), 5, "{item}");
                bytes.extend(slot(f[0], f[1], f[2], f[3], f[4]));
            }
            "@map_fd" | "@map_val" => {
                assert_eq!(f.len(), 9, "{item}");
                bytes.extend(slot(f[0], f[1], f[2], f[3], f[4]));
                bytes.extend(slot(f[5], f[6] & 0xf, f[6] >> 4, f[7], f[8]));
            }
            other => panic!("unexpected insn kind {other}"),
        }
    }
    bytes
}

#[test]
fn syzkaller_programs_carry_the_exact_instructions() {
    let dir = scratch("syzkaller");
    let cases = cases();
    let report =
        export::write_report(Format::Syzkaller, &cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.written.files, cases.len());
    for c in &cases {
        let text = std::fs::read_to_string(dir.join(format!("syzkaller/{}.syz", c.id)))
            .unwrap_or_default();
        assert_eq!(export::to_hex(&syz_instructions(&text)), c.raw, "{}", c.id);
        let slots = c.raw.len() / 16;
        let head = format!(
            "= bpf$PROG_LOAD(0x5, &(0x7f0000000000)={{0x1, {slots:#x}, &(0x7f0000010000)=@raw=["
        );
        assert!(text.contains(&head), "{text}");
        assert!(
            text.trim_end().ends_with(
                "&(0x7f0000000100)='GPL\\x00', 0x0, 0x0, 0x0, 0x0, 0x80, '\\x00', 0x0}, 0x94)"
            ),
            "{text}"
        );
        let creates = text.matches("bpf$MAP_CREATE(0x0, ").count();
        assert_eq!(creates, c.maps.len(), "{}", c.id);
    }
    let map_case =
        std::fs::read_to_string(dir.join("syzkaller/bs-map-lookup.syz")).unwrap_or_default();
    assert!(map_case.contains("r0 = bpf$MAP_CREATE(0x0, &(0x7f0000000200)={0x2, 0x4, 0x8, 0x1}, 0x48)\nr1 = bpf$PROG_LOAD("), "{map_case}");
    assert!(
        map_case.contains("@map_fd={0x18, 0x1, 0x1, 0x0, r0, 0x0, 0x0, 0x0, 0x0}"),
        "{map_case}"
    );
}

/// The BPF conformance suite's 313 programs (every instruction form of the ISA) as records:
/// each survives every format it can be written in. Skips loudly without the suite.
#[test]
fn conformance_suite_programs_survive_every_format() {
    use absint::isa::ubpf::DataFile;
    let suite = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/tests");
    let paths = files(&suite, "data");
    if paths.is_empty() {
        eprintln!(
            "SKIPPED: conformance suite not found at {}",
            suite.display()
        );
        return;
    }
    let mut cases = Vec::new();
    for path in &paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let Ok(file) = DataFile::parse(&text) else {
            continue;
        };
        let Ok(program) = file.program() else {
            continue;
        };
        if program.is_empty() {
            continue;
        }
        let asm: Vec<String> = program.iter().map(Insn::to_string).collect();
        let mut c = case(
            &format!("conf-{stem}"),
            CaseKind::BoundarySeed,
            &asm.join("\n"),
            Verdict::Accept,
            None,
        );
        if let (Some(result), None) = (file.result, &file.error) {
            c.run = Some(Run {
                data_in: "00".repeat(14),
                retval: result as u32,
            });
        }
        cases.push(c);
    }
    assert!(
        cases.len() >= 300,
        "only {} suite programs parsed",
        cases.len()
    );
    let dir = scratch("suite");
    let mut summary = Vec::new();
    for format in Format::ALL {
        let report =
            export::write_report(format, &cases, &dir).unwrap_or_else(|e| panic!("{format}: {e}"));
        summary.push(format!(
            "{format}: {} files, {} left out",
            report.written.files,
            report.skipped.len()
        ));
        let mut reasons = std::collections::BTreeMap::new();
        for skip in &report.skipped {
            let key: String = skip
                .reason
                .split(':')
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            *reasons.entry(key).or_insert(0) += 1;
        }
        for (reason, n) in reasons {
            eprintln!("  {format} left out {n}: {reason}");
        }
    }
    eprintln!(
        "suite programs: {} cases; {}",
        cases.len(),
        summary.join("; ")
    );
    // ELF: what was written reads back identical.
    for c in &cases {
        if let Ok(bytes) = std::fs::read(dir.join(format!("elf/{}.o", c.id))) {
            let (_, insns) =
                absint::elf::program(&bytes, None).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            assert_eq!(insns, decoded(c), "{}", c.id);
        }
        let text = std::fs::read_to_string(dir.join(format!("syzkaller/{}.syz", c.id)))
            .unwrap_or_default();
        assert_eq!(export::to_hex(&syz_instructions(&text)), c.raw, "{}", c.id);
    }
    // Conformance: every file written parses back to the program and runs to its result.
    for path in files(&dir.join("conformance"), "data") {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let file = DataFile::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let program = file
            .program()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let r0 = absint::concrete::Machine::new(&program)
            .with_context(&file.mem)
            .with_data(&file.mem)
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(Some(r0), file.result, "{}", path.display());
    }
    // Selftest: the one file (all boundary seeds) compiles to the same instructions.
    if !have("clang", "compiling the suite's selftest export") {
        return;
    }
    use object::{Object, ObjectSection, ObjectSymbol};
    let src = dir.join("selftest/verifier_vernier_boundary_seed.c");
    let obj = src.with_extension("o");
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("selftest");
    let out = Command::new("clang")
        .args(["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-c", "-I"])
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .unwrap_or_else(|e| panic!("clang: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&obj).unwrap_or_default();
    let file = object::File::parse(&*bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for c in &cases {
        let name = export::c_ident(&c.id);
        let Some(sym) = file.symbols().find(|s| s.name() == Ok(name.as_str())) else {
            continue;
        };
        let section = sym
            .section_index()
            .and_then(|i| file.section_by_index(i).ok());
        let data = section.and_then(|s| s.data().ok()).unwrap_or_default();
        let code = &data[sym.address() as usize..(sym.address() + sym.size()) as usize];
        let insns = isa::decode(code).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(insns, decoded(c), "{}", c.id);
        checked += 1;
    }
    assert_eq!(
        checked,
        cases.len(),
        "every suite program is a selftest function"
    );
}

/// Every valid encoding of a grid over the opcode byte and the edges of each field (registers,
/// offsets, immediates), as one program: its uBPF spelling parses back to the same
/// instructions, and its selftest spelling compiles with clang to the same instructions (the
/// forms clang cannot spell as `.8byte`, jumps to labels where they land on the program).
#[test]
fn every_instruction_form_survives_ubpf_and_clang_spelling() {
    use absint::isa::{decode_slot, ubpf, LdImm64, RawInsn};
    use fuzz::corpus::export::conformance::ubpf_line;
    let offs = [0i16, 1, -1, 2, 0x7fff, -0x8000];
    let imms = [0i32, 1, -1, 8, 16, 32, 64, 0x7fff_ffff, i32::MIN];
    let mut insns = Vec::new();
    for code in 0..=255u8 {
        for src in 0..16u8 {
            for dst in [0u8, 1, 10, 11] {
                for off in offs {
                    for imm in imms {
                        let raw = RawInsn {
                            code,
                            dst,
                            src,
                            off,
                            imm,
                        };
                        let next = RawInsn {
                            imm: 7,
                            ..RawInsn::default()
                        };
                        if let Ok(insn) = decode_slot(raw, Some(next)) {
                            insns.push(insn);
                        }
                    }
                }
            }
        }
    }
    insns.sort_by_key(|i| format!("{i:?}"));
    insns.dedup();
    assert!(insns.len() > 5000, "only {} forms", insns.len());
    // uBPF: every form without a map/BTF/function source has a spelling that parses back.
    let spellable: Vec<Insn> = insns
        .iter()
        .copied()
        .filter(|i| !matches!(i, Insn::LdImm64 { src, .. } if !matches!(src, LdImm64::Imm(_))))
        .filter(
            |i| !matches!(i, Insn::Call(absint::isa::CallTarget::Kfunc { off, .. }) if *off != 0),
        )
        .collect();
    let text: Vec<String> = spellable
        .iter()
        .map(|i| ubpf_line(i).unwrap_or_else(|| panic!("no uBPF spelling for {i:?}")))
        .collect();
    let parsed = ubpf::parse_program(&text.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed, spellable);
    // Selftest: the whole list as one test function, compiled by clang.
    let asm: Vec<String> = spellable.iter().map(Insn::to_string).collect();
    let c = case(
        "every-form",
        CaseKind::BoundarySeed,
        &asm.join("\n"),
        Verdict::Accept,
        None,
    );
    let dir = scratch("every-form");
    export::write(Format::Selftest, std::slice::from_ref(&c), &dir)
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{} instruction forms spelled in uBPF and clang syntax",
        spellable.len()
    );
    if !have("clang", "compiling every instruction form") {
        return;
    }
    use object::{Object, ObjectSection, ObjectSymbol};
    let src = dir.join("selftest/verifier_vernier_boundary_seed.c");
    let obj = src.with_extension("o");
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("selftest");
    let out = Command::new("clang")
        .args(["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-c", "-I"])
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .unwrap_or_else(|e| panic!("clang: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&obj).unwrap_or_default();
    let file = object::File::parse(&*bytes).unwrap_or_else(|e| panic!("{e}"));
    let sym = file
        .symbols()
        .find(|s| s.name() == Ok("every_form"))
        .unwrap_or_else(|| panic!("no every_form symbol"));
    let section = sym
        .section_index()
        .and_then(|i| file.section_by_index(i).ok());
    let data = section.and_then(|s| s.data().ok()).unwrap_or_default();
    let code = &data[sym.address() as usize..(sym.address() + sym.size()) as usize];
    let compiled = isa::decode(code).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(compiled.len(), spellable.len());
    for (i, (got, want)) in compiled.iter().zip(&spellable).enumerate() {
        assert_eq!(got, want, "instruction {i}: `{want}`");
    }
}
