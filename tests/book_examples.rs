//! Every command shown in the book, run and snapshotted.
//!
//! Each `book/examples/NAME.cmd` holds the arguments of one `vernier` invocation; its output
//! (stdout, then stderr, then the exit code when it is not 0) is the snapshot
//! `book/examples/snapshots/book_examples__NAME.snap`, which the book includes. So the book shows
//! what the current code prints, and a change in behaviour shows up as a snapshot diff.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Split a command line on spaces, honouring single quotes (all the book needs).
fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '\'' => {
                in_quotes = !in_quotes;
                started = true;
            }
            ' ' | '\t' | '\n' if !in_quotes => {
                if started {
                    args.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            _ => {
                cur.push(c);
                started = true;
            }
        }
    }
    assert!(!in_quotes, "unbalanced quote in {line:?}");
    if started {
        args.push(cur);
    }
    args
}

/// Run `vernier` with `args` in the workspace root; return what a terminal would show.
pub fn run_vernier(args: &[String]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_vernier"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run the vernier binary");
    let mut shown = String::from_utf8_lossy(&output.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&output.stderr));
    (shown, output.status.code().unwrap_or(-1))
}

#[test]
fn book_examples_match_their_snapshots() {
    let dir = root().join("book/examples");
    let mut cmds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("book/examples exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cmd"))
        .collect();
    cmds.sort();
    assert!(!cmds.is_empty(), "no examples in {}", dir.display());
    for cmd in &cmds {
        let name = cmd
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let line = std::fs::read_to_string(cmd).expect("read example");
        let args = split_args(line.trim());
        let (shown, code) = run_vernier(&args);
        let mut snapshot = format!("$ vernier {}\n{shown}", line.trim());
        if code != 0 {
            snapshot.push_str(&format!("[exit code {code}]\n"));
        }
        insta::with_settings!({ snapshot_path => dir.join("snapshots"), prepend_module_to_snapshot => true, omit_expression => true }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

#[test]
fn the_tour_binary_is_what_the_tour_source_assembles_to() {
    let dir = root().join("book/examples");
    let out = std::env::temp_dir().join(format!("vernier-tour-{}.bin", std::process::id()));
    let (shown, code) = run_vernier(&[
        "asm".into(),
        dir.join("tour.s").display().to_string(),
        "-o".into(),
        out.display().to_string(),
    ]);
    assert_eq!(code, 0, "asm failed: {shown}");
    let assembled = std::fs::read(&out).expect("asm wrote its output");
    let _ = std::fs::remove_file(&out);
    let committed = std::fs::read(dir.join("tour.bin")).expect("tour.bin is committed");
    assert_eq!(
        assembled, committed,
        "book/examples/tour.bin is stale: re-run `vernier asm`"
    );
}

#[test]
fn split_args_honours_quotes() {
    assert_eq!(
        split_args("step 'r0 += 1' --reg 'r0=3'"),
        ["step", "r0 += 1", "--reg", "r0=3"]
    );
}
