//! The messages a user sees for malformed bytecode and malformed assembly, as insta snapshots.

use absint::isa::{assemble, decode, RawInsn};
use std::fmt::Write;

fn slot(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
    RawInsn {
        code,
        dst,
        src,
        off,
        imm,
    }
    .to_bytes()
}

/// `exit`, so that errors can be shown at slots other than 0.
const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

fn program(slots: &[[u8; 8]]) -> Vec<u8> {
    slots.concat()
}

#[test]
fn decode_error_messages() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", [EXIT.as_slice(), &[0x07, 0, 0, 0]].concat()),
        ("unknown opcode", program(&[EXIT, slot(0x8e, 0, 0, 0, 0)])),
        (
            "unknown opcode (may_goto, not in RFC 9669)",
            program(&[slot(0xe5, 0, 0, 0, 0)]),
        ),
        (
            "unknown opcode (16-bit atomic)",
            program(&[slot(0xcb, 10, 1, -8, 0)]),
        ),
        (
            "unknown opcode (sign-extending 8-byte load)",
            program(&[slot(0x99, 0, 1, 0, 0)]),
        ),
        ("bad dst register", program(&[slot(0xb7, 11, 0, 0, 0)])),
        (
            "bad src register",
            program(&[EXIT, EXIT, slot(0x0f, 1, 15, 0, 0)]),
        ),
        ("reserved src in K form", program(&[slot(0x07, 1, 2, 0, 5)])),
        ("reserved imm in X form", program(&[slot(0x0f, 1, 2, 0, 5)])),
        ("reserved off in add", program(&[slot(0x07, 1, 0, 3, 5)])),
        ("reserved imm in exit", program(&[slot(0x95, 0, 0, 0, 1)])),
        ("reserved dst in goto", program(&[slot(0x05, 3, 0, 1, 0)])),
        (
            "reserved off in helper call",
            program(&[slot(0x85, 0, 0, 1, 7)]),
        ),
        (
            "reserved imm in store from register",
            program(&[slot(0x7b, 10, 1, -8, 1)]),
        ),
        (
            "reserved dst in packet load",
            program(&[slot(0x30, 1, 0, 0, 2)]),
        ),
        (
            "ld_imm64 missing its second slot",
            program(&[EXIT, slot(0x18, 1, 0, 0, 5)]),
        ),
        (
            "ld_imm64 second slot is an instruction",
            program(&[slot(0x18, 1, 0, 0, 5), EXIT]),
        ),
        (
            "ld_imm64 second slot with a register",
            program(&[slot(0x18, 1, 0, 0, 5), slot(0, 2, 0, 0, 0)]),
        ),
        (
            "map fd with a high immediate",
            program(&[slot(0x18, 1, 1, 0, 3), slot(0, 0, 0, 0, 1)]),
        ),
        (
            "ld_imm64 unknown pseudo source",
            program(&[slot(0x18, 1, 7, 0, 3), slot(0, 0, 0, 0, 0)]),
        ),
        (
            "call with unknown source",
            program(&[slot(0x85, 0, 3, 0, 1)]),
        ),
        ("byte swap of 8 bits", program(&[slot(0xd4, 1, 0, 0, 8)])),
        ("sdiv offset 2", program(&[slot(0x3f, 1, 2, 2, 0)])),
        ("movsx from 24 bits", program(&[slot(0xbf, 1, 2, 24, 0)])),
        (
            "32-bit movsx from 32 bits",
            program(&[slot(0xbc, 1, 2, 32, 0)]),
        ),
        (
            "arena address-space cast (not in RFC 9669)",
            program(&[slot(0xbf, 1, 2, 1, 1)]),
        ),
        (
            "unknown atomic operation",
            program(&[slot(0xdb, 10, 1, -8, 0x02)]),
        ),
        (
            "load-acquire (not in RFC 9669)",
            program(&[slot(0xdb, 0, 1, 0, 0x100)]),
        ),
    ];
    let mut out = String::new();
    for (name, bytes) in cases {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let result = match decode(&bytes) {
            Ok(prog) => format!("decoded (unexpectedly) to {prog:?}"),
            Err(e) => e.to_string(),
        };
        let _ = writeln!(out, "{name}\n  bytes: {}\n  => {result}\n", hex.join(" "));
    }
    insta::assert_snapshot!("isa_decode_errors", out);
}

#[test]
fn assembly_error_messages() {
    let cases: &[(&str, &str)] = &[
        ("unknown instruction", "r0 = 0\nnop\nexit"),
        ("bad register", "r11 = 1"),
        ("bad 32-bit register", "w0 += w12"),
        ("32-bit immediate out of range", "r1 += 0x100000000"),
        ("64-bit mov of a large decimal", "r0 = 4294967295"),
        ("memory offset out of range", "*(u64 *)(r10 -40000) = r1"),
        ("jump offset out of range", "goto pc+40000"),
        ("unknown local function", "call nowhere"),
        ("unknown label", "if r1 > r2 goto nowhere\nexit"),
        ("duplicate label", "a: r0 = 0\na: exit"),
        ("mixed widths", "w1 += r2"),
        ("mixed widths in a jump", "if r1 > w2 goto pc+1"),
        ("negation of another register", "r1 = -r2"),
        ("byte swap of another register", "r1 = be16 r2"),
        ("byte swap of a w register", "w1 = be16 w1"),
        (
            "atomic64 on u32",
            "r1 = atomic64_fetch_add((u32 *)(r10 -8), r1)",
        ),
        (
            "atomic result in another register",
            "r2 = atomic_xchg((u32 *)(r10 -8), r1)",
        ),
        (
            "cmpxchg without r0",
            "r0 = atomic64_cmpxchg((u64 *)(r10 -8), r1, r2)",
        ),
        ("8-bit atomic", "lock *(u8 *)(r10 -8) += r1"),
        ("helper with the wrong id", "call bpf_get_prandom_u32#8"),
        (
            "slot number that does not match",
            "0: (b7) r0 = 0\n2: (95) exit",
        ),
        ("opcode that does not match", "0: (b4) r0 = 0"),
        ("trailing text", "exit now"),
        ("missing goto", "if r1 > r2 pc+1"),
        ("ll on a 32-bit register", "w1 = 5 ll"),
        ("32-bit movsx from s32", "w1 = (s32)w2"),
        ("signed store", "*(s32 *)(r10 -8) = r1"),
        ("packet load into r1", "r1 = *(u8 *)skb[2]"),
        ("unexpected character", "r1 = $5"),
        ("bad number", "r1 = 12ab"),
        ("missing operand", "r1 +="),
    ];
    let mut out = String::new();
    for (name, src) in cases {
        let result = match assemble(src) {
            Ok(prog) => format!("assembled (unexpectedly) to {prog:?}"),
            Err(e) => e.to_string(),
        };
        let _ = writeln!(out, "{name}");
        for line in src.lines() {
            let _ = writeln!(out, "  | {line}");
        }
        let _ = writeln!(out, "  => {result}\n");
    }
    insta::assert_snapshot!("isa_asm_errors", out);
}

#[test]
fn label_beyond_a_16_bit_jump() {
    let src = format!(
        "start:\n{}goto start\ngotol start\n",
        "exit\n".repeat(40_000)
    );
    let err = assemble(&src).err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("40002:6: jump offset -40001 out of range (-32768 to 32767)")
    );
    // `gotol` has a 32-bit offset: the same label is in range.
    let src = format!("start:\n{}gotol start\n", "exit\n".repeat(40_000));
    let prog = assemble(&src).map_err(|e| e.to_string());
    assert_eq!(
        prog.map(|p| p.last().copied()),
        Ok(Some(absint::isa::Insn::Gotol { imm: -40_001 }))
    );
}
