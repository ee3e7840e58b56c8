//! `vernier fuzz`: bad flags and input exit 2 with a message naming the flag or file; a small
//! corpus is emitted with a summary and (where bpf(2) is permitted) checked against the kernel.

use std::process::Command;

/// Run `vernier` with `args`; return (stdout + stderr, exit code).
fn vernier(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_vernier"))
        .args(args)
        .output()
        .expect("run vernier");
    let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    (shown, out.status.code().unwrap_or(-1))
}

const BAD: &[(&str, &[&str])] = &[
    (
        "fuzz_emit_unknown_kind",
        &[
            "fuzz",
            "emit",
            "--kinds",
            "killers,bogus",
            "--out",
            "/nonexistent/x",
        ],
    ),
    (
        "fuzz_emit_unknown_format",
        &[
            "fuzz",
            "emit",
            "--formats",
            "jsonl,pdf",
            "--out",
            "/nonexistent/x",
        ],
    ),
    ("fuzz_emit_missing_out", &["fuzz", "emit", "--count", "10"]),
    (
        "fuzz_emit_bad_count",
        &["fuzz", "emit", "--count", "ten", "--out", "/nonexistent/x"],
    ),
    (
        "fuzz_check_missing_dir",
        &["fuzz", "check", "/nonexistent/corpus"],
    ),
    ("fuzz_unknown_subcommand", &["fuzz", "shake"]),
    (
        "fuzz_emit_missing_rejected_file",
        &[
            "fuzz",
            "emit",
            "--rejected",
            "/nonexistent/rejected.jsonl",
            "--out",
            "/nonexistent/x",
        ],
    ),
    (
        "fuzz_emit_bad_z3_timeout",
        &[
            "fuzz",
            "emit",
            "--z3-timeout",
            "0",
            "--out",
            "/nonexistent/x",
        ],
    ),
    (
        "fuzz_emit_no_synthesis_with_rejected",
        &[
            "fuzz",
            "emit",
            "--no-synthesis",
            "--rejected",
            "a.jsonl",
            "--out",
            "/nonexistent/x",
        ],
    ),
];

#[test]
fn bad_flags_exit_2_with_a_message() {
    for (name, args) in BAD {
        let (shown, code) = vernier(args);
        assert_eq!(code, 2, "{name}: exit code {code}, output:\n{shown}");
        assert!(!shown.contains("panicked"), "{name} panicked:\n{shown}");
        insta::assert_snapshot!(*name, shown);
    }
}

#[test]
fn a_small_corpus_is_emitted_and_checked() {
    let dir = std::env::temp_dir().join(format!("vernier-cli-fuzz-{}", std::process::id()));
    let d = dir.to_string_lossy().into_owned();
    let (shown, code) = vernier(&[
        "fuzz",
        "emit",
        "--kinds",
        "killers,seeds",
        "--count",
        "300",
        "--seed",
        "3",
        "--out",
        &d,
        "--quiet",
    ]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("kill rate: 100.0%"), "{shown}");
    assert!(shown.contains("boundary-seed"), "{shown}");
    // The synthesis side is in by default (the bundled records), killed like the catalog's.
    assert!(shown.contains("  synthesis  100.0% of"), "{shown}");
    assert!(shown.contains("synthesis: bundled records"), "{shown}");
    let suite = std::fs::read_to_string(dir.join("suite.json")).expect("suite.json");
    assert!(
        suite.contains("\"kind\": \"synthesis\""),
        "suite.json lacks synthesis origins"
    );
    assert!(dir.join("summary.json").exists());
    let (shown, code) = vernier(&["fuzz", "check", &d, "--quiet"]);
    let _ = std::fs::remove_dir_all(&dir);
    if shown.contains("SKIPPED") {
        eprintln!("SKIPPED a_small_corpus_is_emitted_and_checked (check): {shown}");
        assert_eq!(code, 2);
        return;
    }
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains("300 of 300 cases confirmed, 0 findings"),
        "{shown}"
    );
}

/// `--rejected FILE` reads the records `vernier synth --out` writes: a rejected candidate of a
/// bad record is an input error naming the file and line; good ones join the suite.
#[test]
fn rejected_files_join_the_suite() {
    let dir = std::env::temp_dir().join(format!("vernier-cli-fuzz-rej-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let records = fuzz::corpus::synthesis::bundled().rejected;
    let mut text = Vec::new();
    synth::synthesis::suite::write_jsonl(&records[..2], &mut text).expect("jsonl");
    let good = dir.join("rejected.jsonl");
    std::fs::write(&good, &text).expect("write");
    let out = dir.join("corpus");
    let (shown, code) = vernier(&[
        "fuzz",
        "emit",
        "--kinds",
        "killers",
        "--count",
        "0",
        "--rejected",
        &good.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("2 rejected records"), "{shown}");
    assert!(shown.contains("  synthesis  100.0% of 2"), "{shown}");
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "\n{\"target\": 1}\n").expect("write");
    let (shown, code) = vernier(&[
        "fuzz",
        "emit",
        "--rejected",
        &bad.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("bad.jsonl: line 2:"), "{shown}");
}
