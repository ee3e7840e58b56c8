//! Round trips of the instruction codec and the assembly syntax: property tests over arbitrary
//! valid instructions and random bytes, and an exhaustive sweep of opcodes × field edge values.

use absint::isa::{
    assemble, decode, decode_slot, disasm_program, encode, AluOp, AtomicOp, CallTarget, Cond,
    DecodeErrorKind, Endian, Insn, LdImm64, Operand, RawInsn, Reg, Size, Width,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::collections::BTreeSet;

fn reg() -> impl Strategy<Value = Reg> {
    (0u8..=10).prop_map(|n| Reg::new(n).unwrap_or(Reg::R0))
}

fn width() -> impl Strategy<Value = Width> {
    prop_oneof![Just(Width::W32), Just(Width::W64)]
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        reg().prop_map(Operand::Reg),
        any::<i32>().prop_map(Operand::Imm)
    ]
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![Just(Size::B), Just(Size::H), Just(Size::W), Just(Size::DW)]
}

fn atomic_op() -> impl Strategy<Value = AtomicOp> {
    prop_oneof![
        any::<bool>().prop_map(|fetch| AtomicOp::Add { fetch }),
        any::<bool>().prop_map(|fetch| AtomicOp::Or { fetch }),
        any::<bool>().prop_map(|fetch| AtomicOp::And { fetch }),
        any::<bool>().prop_map(|fetch| AtomicOp::Xor { fetch }),
        Just(AtomicOp::Xchg),
        Just(AtomicOp::Cmpxchg),
    ]
}

fn ld_imm64() -> impl Strategy<Value = LdImm64> {
    prop_oneof![
        any::<u64>().prop_map(LdImm64::Imm),
        any::<i32>().prop_map(LdImm64::MapFd),
        (any::<i32>(), any::<u32>()).prop_map(|(fd, off)| LdImm64::MapValue { fd, off }),
        any::<i32>().prop_map(LdImm64::BtfId),
        any::<i32>().prop_map(LdImm64::Func),
        any::<i32>().prop_map(LdImm64::MapIdx),
        (any::<i32>(), any::<u32>()).prop_map(|(idx, off)| LdImm64::MapIdxValue { idx, off }),
    ]
}

/// Every instruction with a valid encoding.
fn valid_insn() -> impl Strategy<Value = Insn> {
    prop_oneof![
        (
            width(),
            proptest::sample::select(AluOp::ALL.to_vec()),
            reg(),
            operand()
        )
            .prop_map(|(width, op, dst, src)| Insn::Alu {
                width,
                op,
                dst,
                src
            }),
        (width(), reg()).prop_map(|(width, dst)| Insn::Neg { width, dst }),
        (width(), reg(), operand()).prop_map(|(width, dst, src)| Insn::Mov { width, dst, src }),
        (
            width(),
            reg(),
            reg(),
            prop_oneof![Just(8u8), Just(16), Just(32)]
        )
            .prop_map(|(width, dst, src, bits)| Insn::MovSx {
                width,
                dst,
                src,
                // 32-bit movsx from 32 bits does not exist.
                from_bits: if width == Width::W32 && bits == 32 {
                    16
                } else {
                    bits
                },
            }),
        (
            prop_oneof![Just(Endian::Le), Just(Endian::Be), Just(Endian::Swap)],
            reg(),
            prop_oneof![Just(16u8), Just(32), Just(64)]
        )
            .prop_map(|(kind, dst, bits)| Insn::End { kind, dst, bits }),
        (
            width(),
            proptest::sample::select(Cond::ALL.to_vec()),
            reg(),
            operand(),
            any::<i16>()
        )
            .prop_map(|(width, cond, dst, src, off)| Insn::Jump {
                width,
                cond,
                dst,
                src,
                off
            }),
        any::<i16>().prop_map(|off| Insn::Ja { off }),
        any::<i32>().prop_map(|imm| Insn::Gotol { imm }),
        prop_oneof![
            any::<i32>().prop_map(CallTarget::Helper),
            prop_oneof![0..250i32, any::<i32>()].prop_map(CallTarget::Helper),
            any::<i32>().prop_map(CallTarget::Local),
            (any::<i32>(), any::<i16>())
                .prop_map(|(btf_id, off)| CallTarget::Kfunc { btf_id, off }),
        ]
        .prop_map(Insn::Call),
        reg().prop_map(|dst| Insn::Callx { dst }),
        Just(Insn::Exit),
        (reg(), ld_imm64()).prop_map(|(dst, src)| Insn::LdImm64 { dst, src }),
        (size(), any::<bool>(), reg(), reg(), any::<i16>()).prop_map(
            |(size, signed, dst, base, off)| Insn::Load {
                size,
                signed: signed && size != Size::DW,
                dst,
                base,
                off,
            }
        ),
        (size(), reg(), any::<i16>(), operand()).prop_map(|(size, base, off, src)| Insn::Store {
            size,
            base,
            off,
            src
        }),
        (
            prop_oneof![Just(Size::W), Just(Size::DW)],
            atomic_op(),
            reg(),
            any::<i16>(),
            reg()
        )
            .prop_map(|(size, op, base, off, src)| Insn::Atomic {
                size,
                op,
                base,
                off,
                src
            }),
        (
            prop_oneof![Just(Size::B), Just(Size::H), Just(Size::W)],
            proptest::option::of(reg()),
            any::<i32>()
        )
            .prop_map(|(size, index, imm)| Insn::LoadPacket { size, index, imm }),
    ]
}

/// Instructions whose field values the types allow but the ISA may not.
fn any_insn() -> impl Strategy<Value = Insn> {
    prop_oneof![
        valid_insn(),
        (width(), reg(), reg(), any::<u8>()).prop_map(|(width, dst, src, from_bits)| Insn::MovSx {
            width,
            dst,
            src,
            from_bits
        }),
        (reg(), any::<u8>()).prop_map(|(dst, bits)| Insn::End {
            kind: Endian::Le,
            dst,
            bits
        }),
        (size(), reg(), reg(), any::<i16>()).prop_map(|(size, dst, base, off)| Insn::Load {
            size,
            signed: true,
            dst,
            base,
            off
        }),
        (size(), reg(), any::<i16>(), reg()).prop_map(|(size, base, off, src)| Insn::Atomic {
            size,
            op: AtomicOp::Xchg,
            base,
            off,
            src
        }),
        (size(), any::<i32>()).prop_map(|(size, imm)| Insn::LoadPacket {
            size,
            index: None,
            imm
        }),
    ]
}

/// Every opcode RFC 9669 defines (its Appendix A), written out independently of the decoder.
const VALID_OPCODES: &[u8] = &[
    // ALU, K then X (0x84 neg, 0xd4/0xdc le/be)
    0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, 0xb4, 0xc4, 0xd4, //
    0x0c, 0x1c, 0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0x9c, 0xac, 0xbc, 0xcc, 0xdc, //
    // ALU64 (0xd7 bswap)
    0x07, 0x17, 0x27, 0x37, 0x47, 0x57, 0x67, 0x77, 0x87, 0x97, 0xa7, 0xb7, 0xc7, 0xd7, //
    0x0f, 0x1f, 0x2f, 0x3f, 0x4f, 0x5f, 0x6f, 0x7f, 0x9f, 0xaf, 0xbf, 0xcf, //
    // JMP: ja, conditions K then X, call, callx, exit
    0x05, 0x15, 0x25, 0x35, 0x45, 0x55, 0x65, 0x75, 0xa5, 0xb5, 0xc5, 0xd5, //
    0x1d, 0x2d, 0x3d, 0x4d, 0x5d, 0x6d, 0x7d, 0xad, 0xbd, 0xcd, 0xdd, 0x85, 0x8d, 0x95, //
    // JMP32: gotol, conditions
    0x06, 0x16, 0x26, 0x36, 0x46, 0x56, 0x66, 0x76, 0xa6, 0xb6, 0xc6, 0xd6, //
    0x1e, 0x2e, 0x3e, 0x4e, 0x5e, 0x6e, 0x7e, 0xae, 0xbe, 0xce, 0xde, //
    // LD: ld_imm64, ABS W/H/B, IND W/H/B
    0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, //
    // LDX MEM W/H/B/DW, MEMSX W/H/B
    0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, //
    // ST, STX MEM, STX ATOMIC W/DW
    0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb,
];

const REGS: [u8; 5] = [0, 1, 10, 11, 15];
const OFFS: [i16; 9] = [0, 1, -1, 7, 8, 16, 32, i16::MIN, i16::MAX];
const IMMS: [i32; 17] = [
    0,
    1,
    -1,
    16,
    32,
    64,
    0x40,
    0x41,
    0x50,
    0xa0,
    0xa1,
    0xe0,
    0xe1,
    0xf1,
    0x02,
    i32::MIN,
    i32::MAX,
];

/// Second slots for `ld_imm64`: missing, valid, and each field set.
fn second_slots() -> Vec<Option<RawInsn>> {
    let zero = RawInsn::default();
    vec![
        None,
        Some(zero),
        Some(RawInsn { imm: -1, ..zero }),
        Some(RawInsn { code: 0x18, ..zero }),
        Some(RawInsn { dst: 1, ..zero }),
        Some(RawInsn { src: 1, ..zero }),
        Some(RawInsn { off: 1, ..zero }),
    ]
}

/// Every opcode with edge values of every field: decoding never panics, whatever decodes
/// re-encodes to the same slots and re-assembles from its text, opcodes outside RFC 9669 are
/// all rejected as unknown, and every RFC 9669 opcode decodes for some field values.
#[test]
fn exhaustive_opcode_sweep() {
    let valid: BTreeSet<u8> = VALID_OPCODES.iter().copied().collect();
    assert_eq!(
        valid.len(),
        VALID_OPCODES.len(),
        "duplicate in VALID_OPCODES"
    );
    let mut decoded_opcodes = BTreeSet::new();
    let mut decoded = 0usize;
    let mut rejected = 0usize;
    let seconds = second_slots();
    for code in 0..=255u8 {
        let nexts: &[Option<RawInsn>] = if code == 0x18 {
            &seconds
        } else {
            &seconds[1..2]
        };
        for &dst in &REGS {
            for &src in &REGS {
                for &off in &OFFS {
                    for &imm in &IMMS {
                        for &next in nexts {
                            let raw = RawInsn {
                                code,
                                dst,
                                src,
                                off,
                                imm,
                            };
                            match decode_slot(raw, next) {
                                Ok(insn) => {
                                    decoded += 1;
                                    decoded_opcodes.insert(code);
                                    let (first, second) = insn.to_raw();
                                    assert_eq!(first, raw, "{insn:?}");
                                    assert_eq!(second, next.filter(|_| code == 0x18));
                                    assert_eq!(insn.opcode(), code);
                                    assert!(insn.is_encodable());
                                    let text = insn.to_string();
                                    assert_eq!(assemble(&text), Ok(vec![insn]), "{text}");
                                }
                                Err(kind) => {
                                    rejected += 1;
                                    if !valid.contains(&code) {
                                        assert_eq!(
                                            kind,
                                            DecodeErrorKind::UnknownOpcode { opcode: code }
                                        );
                                    }
                                    assert!(!kind.to_string().is_empty());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(decoded_opcodes, valid);
    // Figures for the report; they also guard against a sweep that silently shrinks.
    eprintln!("exhaustive sweep: {decoded} decoded, {rejected} rejected");
    assert!(decoded > 10_000 && rejected > 100_000);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4096,
        rng_seed: RngSeed::Fixed(0x15a),
        ..ProptestConfig::default()
    })]

    #[test]
    fn encode_then_decode_is_identity(insn in valid_insn()) {
        prop_assert!(insn.is_encodable());
        let bytes = encode(&[insn]);
        prop_assert_eq!(bytes.len(), 8 * insn.slots());
        prop_assert_eq!(decode(&bytes), Ok(vec![insn]));
        prop_assert_eq!(insn.opcode(), bytes[0]);
    }

    #[test]
    fn disasm_then_assemble_is_identity(insn in valid_insn()) {
        let text = insn.to_string();
        prop_assert_eq!(assemble(&text), Ok(vec![insn]), "text: {}", text);
    }

    #[test]
    fn programs_round_trip(prog in proptest::collection::vec(valid_insn(), 0..40)) {
        let bytes = encode(&prog);
        prop_assert_eq!(decode(&bytes), Ok(prog.clone()));
        let listing = disasm_program(&prog);
        prop_assert_eq!(assemble(&listing), Ok(prog));
    }

    #[test]
    fn encodable_is_exactly_what_decodes(insn in any_insn()) {
        // Unencodable field values encode to bytes that are rejected or mean something else
        // (`movsx` from 0 bits is a plain `mov`).
        let back = decode(&encode(&[insn]));
        prop_assert_eq!(back == Ok(vec![insn]), insn.is_encodable(), "{:?}", insn);
    }

    /// Random bytes never panic, and whatever decodes re-encodes to the same bytes.
    #[test]
    fn random_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        match decode(&bytes) {
            Ok(prog) => prop_assert_eq!(encode(&prog), bytes),
            Err(e) => prop_assert!(e.slot <= bytes.len() / 8),
        }
    }

    /// Random slots with valid opcodes reach deeper into the decoder than random bytes.
    #[test]
    fn random_slots_with_valid_opcodes(
        slots in proptest::collection::vec(
            (proptest::sample::select(VALID_OPCODES.to_vec()), 0u8..16, 0u8..16, any::<i16>(), any::<i32>(), any::<bool>()),
            1..12,
        )
    ) {
        let mut bytes = Vec::new();
        for (code, dst, src, off, imm, simple) in slots {
            // Small fields make valid instructions likely.
            let (dst, src, off, imm) = if simple { (dst % 11, src % 3, off % 2, imm % 65) } else { (dst, src, off, imm) };
            bytes.extend(RawInsn { code, dst, src, off, imm }.to_bytes());
        }
        if let Ok(prog) = decode(&bytes) {
            prop_assert_eq!(encode(&prog), bytes);
            prop_assert_eq!(assemble(&disasm_program(&prog)), Ok(prog));
        }
    }

    /// Random text never panics the assembler.
    #[test]
    fn random_text_assembles_or_fails_cleanly(src in "[ -~\\n]{0,80}") {
        if let Err(e) = assemble(&src) {
            prop_assert!(e.line >= 1 && e.column >= 1);
        }
    }

    /// Corrupting one character of valid text never panics, and errors point into the text.
    #[test]
    fn corrupted_text_fails_cleanly(insn in valid_insn(), pos in any::<prop::sample::Index>(), c in "[ -~]") {
        let mut text: Vec<char> = insn.to_string().chars().collect();
        let i = pos.index(text.len());
        text[i] = c.chars().next().unwrap_or(' ');
        let text: String = text.into_iter().collect();
        if let Err(e) = assemble(&text) {
            prop_assert_eq!(e.line, 1);
            prop_assert!(e.column <= text.chars().count() + 1, "{} in {}", e, text);
        }
    }
}
