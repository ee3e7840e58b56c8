//! Bad input gets a clear message naming the place and exit code 2; a rejected instruction gets 1.

use std::io::Write;
use std::process::{Command, Stdio};

/// Run `vernier` with `args` and `stdin`; return (stdout + stderr, exit code).
fn vernier(args: &[&str], stdin: &[u8]) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vernier"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vernier");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for vernier");
    let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    (shown, out.status.code().unwrap_or(-1))
}

/// Each case: a name, the arguments, standard input, and the exit code it must give.
const CASES: &[(&str, &[&str], &[u8], i32)] = &[
    ("unknown_flag", &["step", "r0 += 1", "--bogus"], b"", 2),
    ("missing_subcommand", &[], b"", 2),
    (
        "disasm_truncated",
        &["disasm", "-"],
        &[0xb7, 0, 0, 0, 0, 0, 0],
        2,
    ),
    (
        "disasm_unknown_opcode",
        &["disasm", "-"],
        &[0xb7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0],
        2,
    ),
    (
        "disasm_lddw_missing_half",
        &["disasm", "-"],
        &[0x18, 1, 0, 0, 1, 0, 0, 0],
        2,
    ),
    (
        "disasm_missing_file",
        &["disasm", "/nonexistent/prog.bin"],
        b"",
        2,
    ),
    (
        "asm_bad_mnemonic",
        &["asm", "-", "-o", "/dev/null"],
        b"r0 = 1\nr0 +== 2\n",
        2,
    ),
    (
        "asm_unknown_label",
        &["asm", "-", "-o", "/dev/null"],
        b"if r0 > 1 goto nowhere\nexit\n",
        2,
    ),
    (
        "step_bad_state",
        &["step", "r0 += r1", "--reg", "r1=scalar(umin=5,umax=)"],
        b"",
        2,
    ),
    (
        "step_duplicate_reg",
        &["step", "r0 += r1", "--reg", "r1=1", "--reg", "r1=2"],
        b"",
        2,
    ),
    ("step_not_alu", &["step", "exit"], b"", 2),
    ("step_div_by_zero_imm", &["step", "r0 /= 0"], b"", 1),
    ("step_shift_too_far", &["step", "w0 <<= 32"], b"", 1),
    (
        "states_malformed_elf",
        &["states", "-"],
        b"\x7fELF\x02\x01\x01\x00garbage",
        2,
    ),
    (
        "states_uninitialised_read",
        &["states", "-"],
        b"r0 = r2\nexit\n",
        1,
    ),
];

#[test]
fn bad_input_exits_with_a_message_and_the_right_code() {
    for (name, args, stdin, code) in CASES {
        let (shown, got) = vernier(args, stdin);
        assert_eq!(got, *code, "{name}: exit code {got}, output:\n{shown}");
        assert!(!shown.contains("panicked"), "{name} panicked:\n{shown}");
        insta::assert_snapshot!(*name, shown);
    }
}
