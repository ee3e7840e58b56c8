//! The emitted C and Rust compute exactly what the IR computes: every library operator (traced
//! from absint's tnum, interval and kernel operators) at 64, 32 and 8 bits, and hand-built
//! operators using every IR operation at odd widths, compiled with `gcc` (and `clang` when
//! installed) and `rustc`, run on seeded inputs and compared with the compiled IR evaluation.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use synth::emit::{c, rust};
use synth::ir::op::{BinaryOp, CompareOp, LogicOp, UnaryOp};
use synth::ir::{library, Builder, Domain, Op, Operator};

/// Inputs per operator.
const SAMPLES: usize = 2000;

/// splitmix64: a small seeded generator, so the test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }

    /// A `w`-bit word, biased towards the edges: small values, all ones, the sign boundary,
    /// shift amounts around the width, and a few-bits-set words.
    fn word(&mut self, w: u32) -> u64 {
        let mask = absint::word::width_mask(w);
        let half = 1u64 << (w - 1);
        let r = self.next();
        let v = match r % 10 {
            0 => r >> 8 & 7,
            1 => mask.wrapping_sub(r >> 8 & 3),
            2 => half.wrapping_add(r >> 8 & 3).wrapping_sub(2),
            3 => u64::from(w).wrapping_add(r >> 8 & 3).wrapping_sub(1),
            4 => self.next() & self.next() & self.next(),
            5 => self.next() >> (self.next() % 64),
            _ => self.next(),
        };
        v & mask
    }
}

/// A fresh directory for this test's files.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vernier-emit-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// The library operators that exist at `width`.
fn library_ops(width: u32) -> Vec<Operator> {
    library::names()
        .iter()
        .filter(|n| width == 64 || !library::only_at_64(n))
        .map(|n| library::build(n, width).unwrap_or_else(|| panic!("library op {n} at {width}")))
        .collect()
}

/// An operator in the words domain with one output per IR operation, on inputs `x`, `y` (and
/// a condition from them) of width `w`: every operation at a width that may not be a C type's.
fn every_operation(w: u32) -> Operator {
    let mut b = Builder::new();
    let x = b.input("x", w).unwrap();
    let y = b.input("y", w).unwrap();
    let mut outs = Vec::new();
    let mut names = Vec::new();
    let push = |names: &mut Vec<String>, outs: &mut Vec<u32>, n: &str, id: u32| {
        names.push(n.to_string());
        outs.push(id);
    };
    let one = b.constant(w, 1).unwrap();
    let zero = b.constant(w, 0).unwrap();
    for &o in BinaryOp::ALL {
        let id = b.node(Op::Binary(o), &[x, y]).unwrap();
        push(&mut names, &mut outs, o.name(), id);
    }
    for &o in UnaryOp::ALL {
        let id = b.node(Op::Unary(o), &[x]).unwrap();
        push(&mut names, &mut outs, o.name(), id);
    }
    let mut conds = Vec::new();
    for &o in CompareOp::ALL {
        let c = b.node(Op::Compare(o), &[x, y]).unwrap();
        conds.push(c);
        let id = b.node(Op::Ite, &[c, one, zero]).unwrap();
        push(&mut names, &mut outs, o.name(), id);
    }
    for &o in LogicOp::ALL {
        let c = b.node(Op::Logic(o), &[conds[1], conds[3]]).unwrap();
        let id = b.node(Op::Ite, &[c, x, y]).unwrap();
        push(&mut names, &mut outs, o.name(), id);
    }
    let n = b.node(Op::Not, &[conds[1]]).unwrap();
    let n2 = b.node(Op::Logic(LogicOp::And), &[n, conds[4]]).unwrap();
    let id = b.node(Op::Ite, &[n2, x, y]).unwrap();
    push(&mut names, &mut outs, "not", id);
    if w > 1 {
        let lo = b.node(Op::Extract { hi: w - 2, lo: 0 }, &[x]).unwrap();
        push(&mut names, &mut outs, "extract_lo", b_zext(&mut b, lo, 64));
        let hi = b.node(Op::Extract { hi: w - 1, lo: 1 }, &[y]).unwrap();
        push(&mut names, &mut outs, "extract_hi", b_zext(&mut b, hi, 64));
        let s = b.node(Op::Sext(w), &[lo]).unwrap();
        push(&mut names, &mut outs, "sext_short", b_zext(&mut b, s, 64));
    }
    if w < 64 {
        let s = b.node(Op::Sext(64), &[x]).unwrap();
        push(&mut names, &mut outs, "sext64", s);
        let z = b.node(Op::Zext(64), &[y]).unwrap();
        push(&mut names, &mut outs, "zext64", z);
        let s = b.node(Op::Sext(w + (64 - w) / 2), &[x]).unwrap();
        push(&mut names, &mut outs, "sext_mid", b_zext(&mut b, s, 64));
    }
    if w <= 32 {
        let c = b.node(Op::Concat, &[x, y]).unwrap();
        push(&mut names, &mut outs, "concat", b_zext(&mut b, c, 64));
    }
    let bit = b
        .node(
            Op::Extract {
                hi: w - 1,
                lo: w - 1,
            },
            &[x],
        )
        .unwrap();
    push(&mut names, &mut outs, "msb", b_zext(&mut b, bit, 64));
    let names = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("o{i}_{n}"))
        .collect();
    b.finish(format!("every_op.w{w}"), Domain::Words, names, vec![outs])
        .unwrap()
}

/// `zext` to `to` bits unless already that wide.
fn b_zext(b: &mut Builder, id: u32, to: u32) -> u32 {
    b.node(Op::Zext(to), &[id]).unwrap()
}

/// The input lines of the harness protocol and the expected output lines, from the compiled IR.
fn cases(ops: &[Operator], seed: u64) -> (String, Vec<String>) {
    let mut rng = Rng(seed);
    let mut input = String::new();
    let mut expected = Vec::new();
    for (k, op) in ops.iter().enumerate() {
        let compiled = op.compile();
        let mut machine = compiled.machine();
        for _ in 0..SAMPLES {
            let xs: Vec<u64> = op.inputs().iter().map(|i| rng.word(i.width)).collect();
            input.push_str(&k.to_string());
            for x in &xs {
                input.push_str(&format!(" {x:x}"));
            }
            input.push('\n');
            let out = machine.run(&xs);
            let line: Vec<String> = out.iter().map(|v| format!("{v:x}")).collect();
            expected.push(format!("{} {}", op.name(), line.join(" ")));
        }
    }
    (input, expected)
}

/// Run `program` with `input` on its standard input; its standard output's lines.
fn run(program: &Path, input: &str) -> Vec<String> {
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the compiled harness");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("harness output");
    writer.join().expect("writer thread").expect("write input");
    assert!(out.status.success(), "harness failed: {:?}", out.status);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Compare the program's lines with the expected ones (prefixed with the operator's name).
fn compare(tool: &str, got: &[String], expected: &[String], input: &str) {
    assert_eq!(got.len(), expected.len(), "{tool}: line count");
    let inputs: Vec<&str> = input.lines().collect();
    let mut failures = Vec::new();
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        let (name, want) = e.split_once(' ').unwrap_or((e, ""));
        if g != want {
            failures.push(format!(
                "{tool} {name}: input `{}`: got `{g}`, IR `{want}`",
                inputs[i]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}

/// Compile the C harness with `cc` and compare with the IR.
fn check_c(cc: &str, ops: &[Operator], tag: &str, seed: u64) {
    let dir = scratch(tag);
    let src = dir.join(format!("{tag}.c"));
    std::fs::write(&src, c::harness(ops).expect("emit C")).expect("write C");
    let exe = dir.join(format!("{tag}-{cc}"));
    let out = Command::new(cc)
        .args([
            "-std=gnu11",
            "-O1",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wno-unused-function",
            "-Wno-unused-parameter",
            "-Wno-type-limits",
        ])
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .expect("run the C compiler");
    assert!(
        out.status.success(),
        "{cc} failed on {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let (input, expected) = cases(ops, seed);
    let got = run(&exe, &input);
    compare(cc, &got, &expected, &input);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Is `tool` installed?
fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The C compilers to test with: gcc always, clang when installed.
fn compilers() -> Vec<&'static str> {
    let mut out = vec!["gcc"];
    if have("clang") {
        out.push("clang");
    } else {
        eprintln!("SKIPPED: clang is not installed; the emitted C is checked with gcc only");
    }
    out
}

/// Compile the Rust harness with `rustc` and compare with the IR.
fn check_rust(ops: &[Operator], tag: &str, seed: u64) {
    let dir = scratch(tag);
    let src = dir.join(format!("{tag}.rs"));
    std::fs::write(&src, rust::harness(ops).expect("emit Rust")).expect("write Rust");
    let exe = dir.join(format!("{tag}-rust"));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    // Debug assertions on: an unguarded overflowing shift or arithmetic would panic.
    let out = Command::new(rustc)
        .args([
            "--edition=2021",
            "-C",
            "opt-level=0",
            "-C",
            "debug-assertions=on",
            "-D",
            "warnings",
        ])
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .expect("run rustc");
    assert!(
        out.status.success(),
        "rustc failed on {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let (input, expected) = cases(ops, seed);
    let got = run(&exe, &input);
    compare("rustc", &got, &expected, &input);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The odd-width operators using every operation.
fn every_operation_ops() -> Vec<Operator> {
    [1, 5, 8, 13, 16, 31, 32, 40, 63, 64]
        .into_iter()
        .map(every_operation)
        .collect()
}

#[test]
fn c_of_every_operation_at_odd_widths_matches_the_ir() {
    for cc in compilers() {
        check_c(cc, &every_operation_ops(), "every-op", 1);
    }
}

#[test]
fn rust_of_every_operation_at_odd_widths_matches_the_ir() {
    check_rust(&every_operation_ops(), "every-op-rs", 1);
}

#[test]
fn c_of_the_library_matches_the_ir_at_64_32_and_8_bits() {
    for cc in compilers() {
        for w in [64, 32, 8] {
            check_c(cc, &library_ops(w), &format!("lib{w}"), u64::from(w));
        }
    }
}

#[test]
fn rust_of_the_library_matches_the_ir_at_64_32_and_8_bits() {
    for w in [64, 32, 8] {
        check_rust(&library_ops(w), &format!("lib{w}-rs"), u64::from(w));
    }
}

/// The C of `tnum.add` at 64 bits, as the kernel would read it.
#[test]
fn c_of_tnum_add_snapshot() {
    let op = library::build("tnum.add", 64).unwrap();
    insta::assert_snapshot!("c_tnum_add_64", c::function(&op).unwrap());
}

/// The Rust of `tnum.add` at 64 bits.
#[test]
fn rust_of_tnum_add_snapshot() {
    let op = library::build("tnum.add", 64).unwrap();
    insta::assert_snapshot!("rust_tnum_add_64", rust::function(&op).unwrap());
}

/// The C of the unsigned interval `add` at 32 bits (a small struct of `u32` bounds).
#[test]
fn c_of_uinterval_add_snapshot() {
    let op = library::build("uinterval.add", 32).unwrap();
    insta::assert_snapshot!("c_uinterval_add_32", c::function(&op).unwrap());
}

/// The Rust of the signed interval `sub` at 64 bits.
#[test]
fn rust_of_sinterval_sub_snapshot() {
    let op = library::build("sinterval.sub", 64).unwrap();
    insta::assert_snapshot!("rust_sinterval_sub_64", rust::function(&op).unwrap());
}
