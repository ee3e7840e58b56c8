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
