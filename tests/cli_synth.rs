//! `vernier synth`: bad flags exit 2 with a message naming the flag; a synthesis prints its IR
//! and report and writes its files.

use std::process::Command;

fn vernier(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_vernier"))
        .args(args)
        .output()
        .expect("run vernier");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["synth"], "--domain and --op"),
        (
            &["synth", "--domain", "bogus", "--op", "add"],
            "--domain bogus",
        ),
        (&["synth", "--domain", "tnum", "--op", "div"], "--op div"),
        (
            &["synth", "--domain", "tnum", "--op", "add", "--width", "16"],
            "--width 16",
        ),
        (
            &[
                "synth",
                "--domain",
                "tnum",
                "--op",
                "add",
                "--time-limit",
                "0",
            ],
            "--time-limit 0",
        ),
        (
            &[
                "synth",
                "--domain",
                "tnum",
                "--op",
                "add",
                "--grid-width",
                "12",
            ],
            "--grid-width 12",
        ),
        (&["synth", "--all", "--op", "add"], "--all"),
    ];
    for (args, needle) in cases {
        let (out, err, code) = vernier(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn synth_prints_the_ir_and_writes_its_files() {
    let dir = std::env::temp_dir().join(format!("vernier-cli-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_string_lossy().into_owned();
    let (out, err, code) = vernier(&[
        "synth",
        "--domain",
        "tnum",
        "--op",
        "xor",
        "--grid-width",
        "5",
        "--quiet",
        "--out",
        &d,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("operator tnum.xor : tnum\n"), "{out}");
    assert!(out.contains("Outcome: **proved**"), "{out}");
    assert!(out.contains("| 64 | valid |"), "{out}");
    assert!(out.contains("| 59049 | 59049 (100.000%) | 0 |"), "{out}");
    for f in [
        "xor.ir",
        "xor.json",
        "xor.c",
        "xor.rs",
        "report.md",
        "report.json",
        "precision.svg",
        "rejected.jsonl",
    ] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let ir = std::fs::read_to_string(dir.join("xor.ir")).unwrap();
    assert!(synth::ir::Operator::parse(&ir).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_time_limit_stops_a_meet_search_where_it_is() {
    let started = std::time::Instant::now();
    let (out, err, code) = vernier(&[
        "synth",
        "--domain",
        "tnum",
        "--op",
        "mul",
        "--time-limit",
        "1",
        "--quiet",
    ]);
    // Left alone the search takes minutes; the limit stops it and says so.
    assert!(started.elapsed().as_secs() < 60, "{out}{err}");
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("outcome: interrupted"), "{out}");
    assert!(err.contains("tnum.mul: interrupted"), "{err}");
}
