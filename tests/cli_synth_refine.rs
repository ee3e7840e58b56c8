//! `vernier synth --domain tnum|uint --op refine`: the refinement target runs end to end on a
//! small grid and writes its files; bad flags exit 2 with a message naming the flag.

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
fn bad_refine_flags_exit_2_naming_the_flag() {
    let base = ["synth", "--domain", "uint", "--op", "refine", "--quiet"];
    let cases: &[(&[&str], &str)] = &[
        (&["--grid-width", "9"], "--grid-width 9"),
        (&["--grid-width", "1"], "--grid-width 1"),
        (&["--z3-timeout", "0"], "--z3-timeout 0"),
        (&["--target-share", "1.5"], "--target-share 1.5"),
        (&["--width", "16"], "--width 16"),
    ];
    for (extra, needle) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let (out, err, code) = vernier(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    // A misspelt target: the error lists the targets, the three refinements included.
    let (out, err, code) = vernier(&["synth", "--domain", "sint", "--op", "refinement"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--op refinement"), "{err}");
    for t in ["tnum.refine", "uint.refine", "sint.refine"] {
        assert!(err.contains(t), "{err}");
    }
}

#[test]
fn refine_prints_the_ir_and_the_report_and_writes_its_files() {
    let dir = std::env::temp_dir().join(format!("vernier-cli-refine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_string_lossy().into_owned();
    let (out, err, code) = vernier(&[
        "synth",
        "--domain",
        "uint",
        "--op",
        "refine",
        "--width",
        "32",
        "--grid-width",
        "3",
        "--quiet",
        "--out",
        &d,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("operator uint_refine : uinterval\n"),
        "{out}"
    );
    assert!(
        out.contains("in a.value : bv32") && out.contains("in b.hi : bv32"),
        "{out}"
    );
    assert!(out.contains("- outcome: proved"), "{out}");
    // Every 3-bit tnum × interval: 27 × 36 pairs, 376 of them with S = ∅, every other exact.
    assert!(
        out.contains("- pairs: 972 (376 with S = ∅, not scored; 596 scored)"),
        "{out}"
    );
    assert!(
        out.contains("- exact: 596/596 (100.000%), unsound: 0"),
        "{out}"
    );
    for f in [
        "refine.ir",
        "refine.json",
        "refine.c",
        "refine.rs",
        "report.md",
        "report.json",
        "precision.svg",
        "rejected.jsonl",
    ] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let ir = std::fs::read_to_string(dir.join("refine.ir")).unwrap();
    assert!(synth::ir::Operator::parse(&ir).is_ok());
    let rejected = std::fs::read_to_string(dir.join("rejected.jsonl")).unwrap();
    assert_eq!(rejected.lines().count(), 3, "{rejected}");
    assert!(
        rejected.contains("mutant.uint.refine.or_value"),
        "{rejected}"
    );
    let c = std::fs::read_to_string(dir.join("refine.c")).unwrap();
    assert!(c.contains("uint_refine"), "{c}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_time_limit_stops_the_refinement_search_and_says_so() {
    let (out, err, code) = vernier(&[
        "synth",
        "--domain",
        "tnum",
        "--op",
        "refine",
        "--time-limit",
        "0.001",
        "--quiet",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("- outcome: interrupted"), "{out}");
    assert!(err.contains("tnum.refine: interrupted"), "{err}");
}
