//! `vernier step` answers for every ALU and conditional-jump opcode, at both widths and with both
//! operand forms, and what it prints parses back as register states.

use std::process::Command;

fn step(insn: &str, regs: &[&str]) -> (String, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vernier"));
    cmd.arg("step").arg(insn);
    for r in regs {
        cmd.arg("--reg").arg(r);
    }
    let out = cmd.output().expect("run vernier");
    let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    (shown, out.status.code().unwrap_or(-1))
}

/// Every printed `Rn=STATE` must parse with the same parser `--reg` uses.
fn assert_states_parse(shown: &str, insn: &str) {
    let mut states = 0;
    for line in shown.lines().skip(1) {
        let body = line
            .trim_start()
            .trim_start_matches("forked:")
            .trim_start_matches("fall-through:")
            .trim_start_matches("taken:")
            .trim();
        if body.starts_with("unreachable") {
            continue;
        }
        // Split `R0=... R1=...` at the register names.
        let mut starts: Vec<usize> = body.match_indices(" R").map(|(i, _)| i + 1).collect();
        starts.insert(0, 0);
        starts.push(body.len() + 1);
        for pair in starts.windows(2) {
            let text = body[pair[0]..pair[1] - 1].trim();
            absint::logfmt::parse_reg_assignment(text)
                .unwrap_or_else(|e| panic!("`{insn}` printed `{text}`, which does not parse: {e}"));
            states += 1;
        }
    }
    assert!(states > 0, "`{insn}` printed no state:\n{shown}");
}

#[test]
fn every_alu_opcode_at_both_widths_and_forms() {
    let ops = [
        "+=", "-=", "*=", "/=", "s/=", "|=", "&=", "<<=", ">>=", "%=", "s%=", "^=", "s>>=", "=",
    ];
    let dst = "r0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))";
    let src = "r1=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))";
    let mut answered = 0;
    for op in ops {
        for (d, s, k) in [("r0", "r1", "3"), ("w0", "w1", "3")] {
            for insn in [format!("{d} {op} {s}"), format!("{d} {op} {k}")] {
                let (shown, code) = step(&insn, &[dst, src]);
                assert_eq!(code, 0, "`{insn}` exited {code}:\n{shown}");
                assert_states_parse(&shown, &insn);
                answered += 1;
            }
        }
    }
    for insn in [
        "r0 = -r0",
        "w0 = -w0",
        "r0 = (s8)r1",
        "r0 = (s16)r1",
        "r0 = (s32)r1",
        "w0 = (s8)w1",
        "w0 = (s16)w1",
        "r0 = be16 r0",
        "r0 = be32 r0",
        "r0 = be64 r0",
        "r0 = le16 r0",
        "r0 = le32 r0",
        "r0 = le64 r0",
        "r0 = bswap16 r0",
        "r0 = bswap32 r0",
        "r0 = bswap64 r0",
    ] {
        let (shown, code) = step(insn, &[dst, src]);
        assert_eq!(code, 0, "`{insn}` exited {code}:\n{shown}");
        assert_states_parse(&shown, insn);
        answered += 1;
    }
    assert_eq!(answered, 14 * 4 + 16);
}

#[test]
fn every_conditional_jump_at_both_widths_and_forms() {
    let conds = [
        "==", "!=", ">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "&",
    ];
    let dst = "r0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))";
    let src = "r1=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))";
    let mut answered = 0;
    for c in conds {
        for (d, s) in [("r0", "r1"), ("w0", "w1")] {
            for insn in [
                format!("if {d} {c} {s} goto pc+1"),
                format!("if {d} {c} 0x5 goto pc+1"),
            ] {
                let (shown, code) = step(&insn, &[dst, src]);
                assert_eq!(code, 0, "`{insn}` exited {code}:\n{shown}");
                assert!(
                    shown.contains("fall-through:") && shown.contains("taken:"),
                    "{shown}"
                );
                assert_states_parse(&shown, &insn);
                answered += 1;
            }
        }
    }
    assert_eq!(answered, 11 * 4);
}
