//! The listing of a program that uses every instruction form: the reference a user reads for
//! the syntax, kept as an insta snapshot, plus checks that it covers every opcode and that the
//! listing assembles back to the same program.

use absint::isa::{assemble, decode, disasm_program, encode, AtomicOp, CallTarget, Insn, LdImm64};
use std::collections::BTreeSet;

/// Every instruction form, written with labels and comments (the assembler's input syntax).
const EVERY_FORM: &str = r#"
; Every instruction form of RFC 9669 (ISA v1-v4), in the verifier log syntax.
; ALU64 and ALU, immediate and register sources
r0 += 1
r0 += r1
w0 += 1
w0 += w1
r1 -= -2
r1 -= r2
w1 -= -2
w1 -= w2
r2 *= 3
r2 *= r3
w2 *= 3
w2 *= w3
r3 /= 4
r3 /= r4
w3 /= 4
w3 /= w4
r4 s/= 5
r4 s/= r5
w4 s/= 5
w4 s/= w5
r5 |= 255
r5 |= r6
w5 |= 255
w5 |= w6
r6 &= 65280
r6 &= r7
w6 &= 65280
w6 &= w7
r7 <<= 3
r7 <<= r8
w7 <<= 3
w7 <<= w8
r8 >>= 60
r8 >>= r9
w8 >>= 28
w8 >>= w9
r9 %= 7
r9 %= r0
w9 %= 7
w9 %= w0
r0 s%= -7
r0 s%= r1
w0 s%= -7
w0 s%= w1
r1 ^= 85
r1 ^= r2
w1 ^= 85
w1 ^= w2
r2 s>>= 63
r2 s>>= r3
w2 s>>= 31
w2 s>>= w3
r1 = -r1
w2 = -w2
r0 = 0
r3 = -1
w4 = 2147483647
r5 = r10
w6 = w7
r1 = (s8)r2
r1 = (s16)r2
r1 = (s32)r2
w1 = (s8)w2
w1 = (s16)w2
; byte order
r3 = le16 r3
r3 = le32 r3
r3 = le64 r3
r3 = be16 r3
r3 = be32 r3
r3 = be64 r3
r3 = bswap16 r3
r3 = bswap32 r3
r3 = bswap64 r3
; 64-bit constants and pseudo sources
r1 = 0xdeadbeefcafe
r2 = 0xffffffffffffffff ll
r1 = map[fd:3]
r1 = map[fd:3][0]+16
r1 = btf[id:1234]
r2 = subprog[func]
r1 = map[idx:0]
r1 = map[idx:1][0]+8
; loads and stores
r0 = *(u8 *)(r1 +0)
r0 = *(u16 *)(r1 +2)
r0 = *(u32 *)(r1 +4)
r0 = *(u64 *)(r1 +8)
r0 = *(s8 *)(r1 +1)
r0 = *(s16 *)(r1 +2)
r0 = *(s32 *)(r1 +4)
*(u8 *)(r10 -8) = r1
*(u16 *)(r10 -8) = r1
*(u32 *)(r10 -8) = r1
*(u64 *)(r10 -8) = r1
*(u8 *)(r10 -16) = -3
*(u16 *)(r10 -16) = -3
*(u32 *)(r10 -16) = -3
*(u64 *)(r10 -16) = -3
; atomics
lock *(u32 *)(r10 -8) += r2
r2 = atomic_fetch_add((u32 *)(r10 -8), r2)
lock *(u32 *)(r10 -8) |= r2
r2 = atomic_fetch_or((u32 *)(r10 -8), r2)
lock *(u32 *)(r10 -8) &= r2
r2 = atomic_fetch_and((u32 *)(r10 -8), r2)
lock *(u32 *)(r10 -8) ^= r2
r2 = atomic_fetch_xor((u32 *)(r10 -8), r2)
r3 = atomic_xchg((u32 *)(r10 -8), r3)
r0 = atomic_cmpxchg((u32 *)(r10 -8), r0, r4)
lock *(u64 *)(r10 -8) += r2
r2 = atomic64_fetch_add((u64 *)(r10 -8), r2)
lock *(u64 *)(r10 -8) |= r2
r2 = atomic64_fetch_or((u64 *)(r10 -8), r2)
lock *(u64 *)(r10 -8) &= r2
r2 = atomic64_fetch_and((u64 *)(r10 -8), r2)
lock *(u64 *)(r10 -8) ^= r2
r2 = atomic64_fetch_xor((u64 *)(r10 -8), r2)
r3 = atomic64_xchg((u64 *)(r10 -8), r3)
r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r4)
; legacy packet loads
r0 = *(u8 *)skb[12]
r0 = *(u8 *)skb[r7 + -4]
r0 = *(u16 *)skb[12]
r0 = *(u16 *)skb[r7 + -4]
r0 = *(u32 *)skb[12]
r0 = *(u32 *)skb[r7 + -4]
; jumps
loop:
if r1 == 0x10 goto loop
if r1 == r2 goto out
if w1 == -1 goto pc+1
if w1 == w2 goto pc-2
if r1 > 0x10 goto loop
if r1 > r2 goto out
if w1 > -1 goto pc+1
if w1 > w2 goto pc-2
if r1 >= 0x10 goto loop
if r1 >= r2 goto out
if w1 >= -1 goto pc+1
if w1 >= w2 goto pc-2
if r1 & 0x10 goto loop
if r1 & r2 goto out
if w1 & -1 goto pc+1
if w1 & w2 goto pc-2
if r1 != 0x10 goto loop
if r1 != r2 goto out
if w1 != -1 goto pc+1
if w1 != w2 goto pc-2
if r1 s> 0x10 goto loop
if r1 s> r2 goto out
if w1 s> -1 goto pc+1
if w1 s> w2 goto pc-2
if r1 s>= 0x10 goto loop
if r1 s>= r2 goto out
if w1 s>= -1 goto pc+1
if w1 s>= w2 goto pc-2
if r1 < 0x10 goto loop
if r1 < r2 goto out
if w1 < -1 goto pc+1
if w1 < w2 goto pc-2
if r1 <= 0x10 goto loop
if r1 <= r2 goto out
if w1 <= -1 goto pc+1
if w1 <= w2 goto pc-2
if r1 s< 0x10 goto loop
if r1 s< r2 goto out
if w1 s< -1 goto pc+1
if w1 s< w2 goto pc-2
if r1 s<= 0x10 goto loop
if r1 s<= r2 goto out
if w1 s<= -1 goto pc+1
if w1 s<= w2 goto pc-2
goto out
gotol loop
out:
call bpf_map_lookup_elem#1
call bpf_get_prandom_u32
call unknown#99999
call func
call kernel-function#65481
call kernel-function#70000@2
call bpf_rcu_read_lock#65481
callx r5
exit
func:  // a subprogram
r0 = 1
exit
"#;

/// Every opcode RFC 9669 defines.
const VALID_OPCODES: &[u8] = &[
    0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, 0xb4, 0xc4, 0xd4, 0x0c, 0x1c,
    0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0x9c, 0xac, 0xbc, 0xcc, 0xdc, 0x07, 0x17, 0x27, 0x37, 0x47,
    0x57, 0x67, 0x77, 0x87, 0x97, 0xa7, 0xb7, 0xc7, 0xd7, 0x0f, 0x1f, 0x2f, 0x3f, 0x4f, 0x5f, 0x6f,
    0x7f, 0x9f, 0xaf, 0xbf, 0xcf, 0x05, 0x15, 0x25, 0x35, 0x45, 0x55, 0x65, 0x75, 0xa5, 0xb5, 0xc5,
    0xd5, 0x1d, 0x2d, 0x3d, 0x4d, 0x5d, 0x6d, 0x7d, 0xad, 0xbd, 0xcd, 0xdd, 0x85, 0x8d, 0x95, 0x06,
    0x16, 0x26, 0x36, 0x46, 0x56, 0x66, 0x76, 0xa6, 0xb6, 0xc6, 0xd6, 0x1e, 0x2e, 0x3e, 0x4e, 0x5e,
    0x6e, 0x7e, 0xae, 0xbe, 0xce, 0xde, 0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x61, 0x69, 0x71,
    0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb,
];

fn every_form() -> Vec<Insn> {
    assemble(EVERY_FORM).unwrap_or_else(|e| panic!("EVERY_FORM does not assemble: {e}"))
}

#[test]
fn every_form_covers_every_opcode_and_variant() {
    let prog = every_form();
    let opcodes: BTreeSet<u8> = prog.iter().map(Insn::opcode).collect();
    let valid: BTreeSet<u8> = VALID_OPCODES.iter().copied().collect();
    assert_eq!(opcodes, valid);
    // Variants that share an opcode: ld_imm64 sources, call sources, atomic operations, movsx.
    let pseudo: BTreeSet<u8> = prog
        .iter()
        .filter_map(|i| match i {
            Insn::LdImm64 { src, .. } => Some(match src {
                LdImm64::Imm(_) => 0,
                LdImm64::MapFd(_) => 1,
                LdImm64::MapValue { .. } => 2,
                LdImm64::BtfId(_) => 3,
                LdImm64::Func(_) => 4,
                LdImm64::MapIdx(_) => 5,
                LdImm64::MapIdxValue { .. } => 6,
            }),
            _ => None,
        })
        .collect();
    assert_eq!(pseudo, (0..=6).collect());
    let calls: BTreeSet<u8> = prog
        .iter()
        .filter_map(|i| match i {
            Insn::Call(CallTarget::Helper(_)) => Some(0),
            Insn::Call(CallTarget::Local(_)) => Some(1),
            Insn::Call(CallTarget::Kfunc { off, .. }) => Some(if *off == 0 { 2 } else { 3 }),
            _ => None,
        })
        .collect();
    assert_eq!(calls, (0..=3).collect());
    let atomics: BTreeSet<String> = prog
        .iter()
        .filter_map(|i| match i {
            Insn::Atomic { size, op, .. } => Some(format!("{size:?} {op:?}")),
            _ => None,
        })
        .collect();
    let ops = [
        AtomicOp::Add { fetch: false },
        AtomicOp::Add { fetch: true },
        AtomicOp::Or { fetch: false },
        AtomicOp::Or { fetch: true },
        AtomicOp::And { fetch: false },
        AtomicOp::And { fetch: true },
        AtomicOp::Xor { fetch: false },
        AtomicOp::Xor { fetch: true },
        AtomicOp::Xchg,
        AtomicOp::Cmpxchg,
    ];
    assert_eq!(atomics.len(), 2 * ops.len());
    let movsx = prog
        .iter()
        .filter(|i| matches!(i, Insn::MovSx { .. }))
        .count();
    assert_eq!(movsx, 5);
}

#[test]
fn every_form_listing() {
    let prog = every_form();
    let listing = disasm_program(&prog);
    insta::assert_snapshot!("isa_every_form_listing", listing);
    assert_eq!(assemble(&listing), Ok(prog.clone()));
    assert_eq!(decode(&encode(&prog)), Ok(prog));
}
