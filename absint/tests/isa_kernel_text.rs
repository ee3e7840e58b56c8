//! The disassembler against text the Linux 6.18 verifier log printed for the same encodings.
//!
//! Each row is an instruction encoding and the text after `N: (op) ` in the log of a
//! `BPF_PROG_LOAD` with `log_level = 2` on the development machine (Linux 6.18.44). The test
//! checks that the disassembly is exactly that text and that assembling the text gives back the
//! encoding. The rows cover every opcode of RFC 9669 except those the log cannot show as text
//! that reads back: pseudo `ld_imm64` sources and kfunc calls (the log prints resolved addresses
//! and BTF names) and `callx` (Linux rejects opcode 0x8d before printing it).

use absint::isa::{assemble, decode, decode_slot, encode, RawInsn};

/// `(opcode, dst, src, off, imm, kernel text)`.
const KERNEL_LINES: &[(u8, u8, u8, i16, i32, &str)] = &[
    (0x57, 0, 0, 0, 255, "r0 &= 255"),
    (0x0c, 1, 2, 0, 0, "w1 += w2"),
    (0x87, 1, 0, 0, 0, "r1 = -r1"),
    (0x84, 1, 0, 0, 0, "w1 = -w1"),
    (0xbc, 0, 1, 8, 0, "w0 = (s8)w1"),
    (0xbc, 0, 1, 16, 0, "w0 = (s16)w1"),
    (0xbf, 0, 1, 8, 0, "r0 = (s8)r1"),
    (0xbf, 0, 1, 32, 0, "r0 = (s32)r1"),
    (0xdc, 0, 0, 0, 16, "r0 = be16 r0"),
    (0xd4, 0, 0, 0, 32, "r0 = le32 r0"),
    (0xd7, 0, 0, 0, 64, "r0 = bswap64 r0"),
    (0xd7, 0, 0, 0, 16, "r0 = bswap16 r0"),
    (0x3f, 0, 1, 1, 0, "r0 s/= r1"),
    (0x97, 0, 0, 1, 3, "r0 s%= 3"),
    (0xc7, 0, 0, 0, 63, "r0 s>>= 63"),
    (0x3c, 0, 1, 1, 0, "w0 s/= w1"),
    (0x94, 0, 0, 1, -3, "w0 s%= -3"),
    (0x07, 0, 0, 0, -1, "r0 += -1"),
    (0xb7, 0, 0, 0, -1, "r0 = -1"),
    (0xb4, 0, 0, 0, -1, "w0 = -1"),
    (0xc4, 1, 0, 0, 1, "w1 s>>= 1"),
    (0xcc, 1, 2, 0, 0, "w1 s>>= w2"),
    (0x6c, 1, 2, 0, 0, "w1 <<= w2"),
    (0xa4, 1, 0, 0, 2147483647, "w1 ^= 2147483647"),
    (0xbf, 1, 2, 0, 0, "r1 = r2"),
    (0xbc, 1, 2, 0, 0, "w1 = w2"),
    (0x26, 0, 0, 1, 5, "if w0 > 0x5 goto pc+1"),
    (0xdd, 1, 2, 1, 0, "if r1 s<= r2 goto pc+1"),
    (0x45, 0, 0, 1, 8, "if r0 & 0x8 goto pc+1"),
    (0x15, 0, 0, 1, -1, "if r0 == 0xffffffff goto pc+1"),
    (0x16, 0, 0, 1, -2, "if w0 == 0xfffffffe goto pc+1"),
    (0x05, 0, 0, 0, 0, "goto pc+0"),
    (0x06, 0, 0, 0, 0, "gotol pc+0"),
    (0x85, 0, 0, 0, 7, "call bpf_get_prandom_u32#7"),
    (0x85, 0, 0, 0, 0, "call bpf_unspec#0"),
    (0x85, 0, 0, 0, 99999, "call unknown#99999"),
    (0x85, 0, 0, 0, -1, "call unknown#-1"),
    (0x85, 0, 1, 0, 2, "call pc+2"),
    (0x95, 0, 0, 0, 0, "exit"),
    (0x61, 0, 10, -8, 0, "r0 = *(u32 *)(r10 -8)"),
    (0x91, 0, 10, -6, 0, "r0 = *(s8 *)(r10 -6)"),
    (0x81, 0, 10, -8, 0, "r0 = *(s32 *)(r10 -8)"),
    (0x89, 0, 10, -8, 0, "r0 = *(s16 *)(r10 -8)"),
    (0x79, 0, 10, -8, 0, "r0 = *(u64 *)(r10 -8)"),
    (0x7b, 10, 1, -8, 0, "*(u64 *)(r10 -8) = r1"),
    (0x7b, 10, 1, -512, 0, "*(u64 *)(r10 -512) = r1"),
    (0x62, 10, 0, -4, 5, "*(u32 *)(r10 -4) = 5"),
    (0x72, 10, 0, -4, -5, "*(u8 *)(r10 -4) = -5"),
    (0xdb, 10, 1, -8, 0, "lock *(u64 *)(r10 -8) += r1"),
    (
        0xdb,
        10,
        1,
        -8,
        1,
        "r1 = atomic64_fetch_add((u64 *)(r10 -8), r1)",
    ),
    (
        0xdb,
        10,
        1,
        -8,
        65,
        "r1 = atomic64_fetch_or((u64 *)(r10 -8), r1)",
    ),
    (0xdb, 10, 1, -8, 80, "lock *(u64 *)(r10 -8) &= r1"),
    (
        0xdb,
        10,
        1,
        -8,
        161,
        "r1 = atomic64_fetch_xor((u64 *)(r10 -8), r1)",
    ),
    (
        0xdb,
        10,
        1,
        -8,
        225,
        "r1 = atomic64_xchg((u64 *)(r10 -8), r1)",
    ),
    (
        0xdb,
        10,
        1,
        -8,
        241,
        "r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)",
    ),
    (0xc3, 10, 1, -8, 0, "lock *(u32 *)(r10 -8) += r1"),
    (
        0xc3,
        10,
        1,
        -8,
        1,
        "r1 = atomic_fetch_add((u32 *)(r10 -8), r1)",
    ),
    (
        0xc3,
        10,
        1,
        -8,
        225,
        "r1 = atomic_xchg((u32 *)(r10 -8), r1)",
    ),
    (
        0xc3,
        10,
        1,
        -8,
        241,
        "r0 = atomic_cmpxchg((u32 *)(r10 -8), r0, r1)",
    ),
    (0x30, 0, 0, 0, 2, "r0 = *(u8 *)skb[2]"),
    (0x28, 0, 0, 0, 2, "r0 = *(u16 *)skb[2]"),
    (0x50, 0, 1, 0, 2, "r0 = *(u8 *)skb[r1 + 2]"),
    (0x40, 0, 1, 0, -2, "r0 = *(u32 *)skb[r1 + -2]"),
    (0x07, 0, 0, 0, 1, "r0 += 1"),
    (0x0f, 0, 1, 0, 0, "r0 += r1"),
    (0x04, 0, 0, 0, 1, "w0 += 1"),
    (0x0c, 0, 1, 0, 0, "w0 += w1"),
    (0x17, 1, 0, 0, -2, "r1 -= -2"),
    (0x1f, 1, 2, 0, 0, "r1 -= r2"),
    (0x14, 1, 0, 0, -2, "w1 -= -2"),
    (0x1c, 1, 2, 0, 0, "w1 -= w2"),
    (0x27, 2, 0, 0, 3, "r2 *= 3"),
    (0x2f, 2, 3, 0, 0, "r2 *= r3"),
    (0x24, 2, 0, 0, 3, "w2 *= 3"),
    (0x2c, 2, 3, 0, 0, "w2 *= w3"),
    (0x37, 3, 0, 0, 4, "r3 /= 4"),
    (0x3f, 3, 4, 0, 0, "r3 /= r4"),
    (0x34, 3, 0, 0, 4, "w3 /= 4"),
    (0x3c, 3, 4, 0, 0, "w3 /= w4"),
    (0x37, 4, 0, 1, 5, "r4 s/= 5"),
    (0x3f, 4, 5, 1, 0, "r4 s/= r5"),
    (0x34, 4, 0, 1, 5, "w4 s/= 5"),
    (0x3c, 4, 5, 1, 0, "w4 s/= w5"),
    (0x47, 5, 0, 0, 255, "r5 |= 255"),
    (0x4f, 5, 6, 0, 0, "r5 |= r6"),
    (0x44, 5, 0, 0, 255, "w5 |= 255"),
    (0x4c, 5, 6, 0, 0, "w5 |= w6"),
    (0x57, 6, 0, 0, 65280, "r6 &= 65280"),
    (0x5f, 6, 7, 0, 0, "r6 &= r7"),
    (0x54, 6, 0, 0, 65280, "w6 &= 65280"),
    (0x5c, 6, 7, 0, 0, "w6 &= w7"),
    (0x67, 7, 0, 0, 3, "r7 <<= 3"),
    (0x6f, 7, 8, 0, 0, "r7 <<= r8"),
    (0x64, 7, 0, 0, 3, "w7 <<= 3"),
    (0x6c, 7, 8, 0, 0, "w7 <<= w8"),
    (0x77, 8, 0, 0, 60, "r8 >>= 60"),
    (0x7f, 8, 9, 0, 0, "r8 >>= r9"),
    (0x74, 8, 0, 0, 28, "w8 >>= 28"),
    (0x7c, 8, 9, 0, 0, "w8 >>= w9"),
    (0x97, 9, 0, 0, 7, "r9 %= 7"),
    (0x9f, 9, 0, 0, 0, "r9 %= r0"),
    (0x94, 9, 0, 0, 7, "w9 %= 7"),
    (0x9c, 9, 0, 0, 0, "w9 %= w0"),
    (0x97, 0, 0, 1, -7, "r0 s%= -7"),
    (0x9f, 0, 1, 1, 0, "r0 s%= r1"),
    (0x94, 0, 0, 1, -7, "w0 s%= -7"),
    (0x9c, 0, 1, 1, 0, "w0 s%= w1"),
    (0xa7, 1, 0, 0, 85, "r1 ^= 85"),
    (0xaf, 1, 2, 0, 0, "r1 ^= r2"),
    (0xa4, 1, 0, 0, 85, "w1 ^= 85"),
    (0xac, 1, 2, 0, 0, "w1 ^= w2"),
    (0xc7, 2, 0, 0, 63, "r2 s>>= 63"),
    (0xcf, 2, 3, 0, 0, "r2 s>>= r3"),
    (0xc4, 2, 0, 0, 31, "w2 s>>= 31"),
    (0xcc, 2, 3, 0, 0, "w2 s>>= w3"),
    (0x84, 2, 0, 0, 0, "w2 = -w2"),
    (0xb7, 0, 0, 0, 0, "r0 = 0"),
    (0xb7, 3, 0, 0, -1, "r3 = -1"),
    (0xb4, 4, 0, 0, 2147483647, "w4 = 2147483647"),
    (0xbf, 5, 10, 0, 0, "r5 = r10"),
    (0xbc, 6, 7, 0, 0, "w6 = w7"),
    (0xbf, 1, 2, 8, 0, "r1 = (s8)r2"),
    (0xbf, 1, 2, 16, 0, "r1 = (s16)r2"),
    (0xbf, 1, 2, 32, 0, "r1 = (s32)r2"),
    (0xbc, 1, 2, 8, 0, "w1 = (s8)w2"),
    (0xbc, 1, 2, 16, 0, "w1 = (s16)w2"),
    (0xd4, 3, 0, 0, 16, "r3 = le16 r3"),
    (0xd4, 3, 0, 0, 32, "r3 = le32 r3"),
    (0xd4, 3, 0, 0, 64, "r3 = le64 r3"),
    (0xdc, 3, 0, 0, 16, "r3 = be16 r3"),
    (0xdc, 3, 0, 0, 32, "r3 = be32 r3"),
    (0xdc, 3, 0, 0, 64, "r3 = be64 r3"),
    (0xd7, 3, 0, 0, 16, "r3 = bswap16 r3"),
    (0xd7, 3, 0, 0, 32, "r3 = bswap32 r3"),
    (0xd7, 3, 0, 0, 64, "r3 = bswap64 r3"),
    (0x71, 0, 1, 0, 0, "r0 = *(u8 *)(r1 +0)"),
    (0x69, 0, 1, 2, 0, "r0 = *(u16 *)(r1 +2)"),
    (0x61, 0, 1, 4, 0, "r0 = *(u32 *)(r1 +4)"),
    (0x79, 0, 1, 8, 0, "r0 = *(u64 *)(r1 +8)"),
    (0x91, 0, 1, 1, 0, "r0 = *(s8 *)(r1 +1)"),
    (0x89, 0, 1, 2, 0, "r0 = *(s16 *)(r1 +2)"),
    (0x81, 0, 1, 4, 0, "r0 = *(s32 *)(r1 +4)"),
    (0x73, 10, 1, -8, 0, "*(u8 *)(r10 -8) = r1"),
    (0x6b, 10, 1, -8, 0, "*(u16 *)(r10 -8) = r1"),
    (0x63, 10, 1, -8, 0, "*(u32 *)(r10 -8) = r1"),
    (0x72, 10, 0, -16, -3, "*(u8 *)(r10 -16) = -3"),
    (0x6a, 10, 0, -16, -3, "*(u16 *)(r10 -16) = -3"),
    (0x62, 10, 0, -16, -3, "*(u32 *)(r10 -16) = -3"),
    (0x7a, 10, 0, -16, -3, "*(u64 *)(r10 -16) = -3"),
    (0xc3, 10, 2, -8, 0, "lock *(u32 *)(r10 -8) += r2"),
    (
        0xc3,
        10,
        2,
        -8,
        1,
        "r2 = atomic_fetch_add((u32 *)(r10 -8), r2)",
    ),
    (0xc3, 10, 2, -8, 64, "lock *(u32 *)(r10 -8) |= r2"),
    (
        0xc3,
        10,
        2,
        -8,
        65,
        "r2 = atomic_fetch_or((u32 *)(r10 -8), r2)",
    ),
    (0xc3, 10, 2, -8, 80, "lock *(u32 *)(r10 -8) &= r2"),
    (
        0xc3,
        10,
        2,
        -8,
        81,
        "r2 = atomic_fetch_and((u32 *)(r10 -8), r2)",
    ),
    (0xc3, 10, 2, -8, 160, "lock *(u32 *)(r10 -8) ^= r2"),
    (
        0xc3,
        10,
        2,
        -8,
        161,
        "r2 = atomic_fetch_xor((u32 *)(r10 -8), r2)",
    ),
    (
        0xc3,
        10,
        3,
        -8,
        225,
        "r3 = atomic_xchg((u32 *)(r10 -8), r3)",
    ),
    (
        0xc3,
        10,
        4,
        -8,
        241,
        "r0 = atomic_cmpxchg((u32 *)(r10 -8), r0, r4)",
    ),
    (0xdb, 10, 2, -8, 0, "lock *(u64 *)(r10 -8) += r2"),
    (
        0xdb,
        10,
        2,
        -8,
        1,
        "r2 = atomic64_fetch_add((u64 *)(r10 -8), r2)",
    ),
    (0xdb, 10, 2, -8, 64, "lock *(u64 *)(r10 -8) |= r2"),
    (
        0xdb,
        10,
        2,
        -8,
        65,
        "r2 = atomic64_fetch_or((u64 *)(r10 -8), r2)",
    ),
    (0xdb, 10, 2, -8, 80, "lock *(u64 *)(r10 -8) &= r2"),
    (
        0xdb,
        10,
        2,
        -8,
        81,
        "r2 = atomic64_fetch_and((u64 *)(r10 -8), r2)",
    ),
    (0xdb, 10, 2, -8, 160, "lock *(u64 *)(r10 -8) ^= r2"),
    (
        0xdb,
        10,
        2,
        -8,
        161,
        "r2 = atomic64_fetch_xor((u64 *)(r10 -8), r2)",
    ),
    (
        0xdb,
        10,
        3,
        -8,
        225,
        "r3 = atomic64_xchg((u64 *)(r10 -8), r3)",
    ),
    (
        0xdb,
        10,
        4,
        -8,
        241,
        "r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r4)",
    ),
    (0x30, 0, 0, 0, 12, "r0 = *(u8 *)skb[12]"),
    (0x50, 0, 7, 0, -4, "r0 = *(u8 *)skb[r7 + -4]"),
    (0x28, 0, 0, 0, 12, "r0 = *(u16 *)skb[12]"),
    (0x48, 0, 7, 0, -4, "r0 = *(u16 *)skb[r7 + -4]"),
    (0x20, 0, 0, 0, 12, "r0 = *(u32 *)skb[12]"),
    (0x40, 0, 7, 0, -4, "r0 = *(u32 *)skb[r7 + -4]"),
    (0x15, 1, 0, 0, 16, "if r1 == 0x10 goto pc+0"),
    (0x1d, 1, 2, 0, 0, "if r1 == r2 goto pc+0"),
    (0x16, 1, 0, 0, -1, "if w1 == 0xffffffff goto pc+0"),
    (0x1e, 1, 2, 0, 0, "if w1 == w2 goto pc+0"),
    (0x25, 1, 0, 0, 16, "if r1 > 0x10 goto pc+0"),
    (0x2d, 1, 2, 0, 0, "if r1 > r2 goto pc+0"),
    (0x26, 1, 0, 0, -1, "if w1 > 0xffffffff goto pc+0"),
    (0x2e, 1, 2, 0, 0, "if w1 > w2 goto pc+0"),
    (0x35, 1, 0, 0, 16, "if r1 >= 0x10 goto pc+0"),
    (0x3d, 1, 2, 0, 0, "if r1 >= r2 goto pc+0"),
    (0x36, 1, 0, 0, -1, "if w1 >= 0xffffffff goto pc+0"),
    (0x3e, 1, 2, 0, 0, "if w1 >= w2 goto pc+0"),
    (0x45, 1, 0, 0, 16, "if r1 & 0x10 goto pc+0"),
    (0x4d, 1, 2, 0, 0, "if r1 & r2 goto pc+0"),
    (0x46, 1, 0, 0, -1, "if w1 & 0xffffffff goto pc+0"),
    (0x4e, 1, 2, 0, 0, "if w1 & w2 goto pc+0"),
    (0x55, 1, 0, 0, 16, "if r1 != 0x10 goto pc+0"),
    (0x5d, 1, 2, 0, 0, "if r1 != r2 goto pc+0"),
    (0x56, 1, 0, 0, -1, "if w1 != 0xffffffff goto pc+0"),
    (0x5e, 1, 2, 0, 0, "if w1 != w2 goto pc+0"),
    (0x65, 1, 0, 0, 16, "if r1 s> 0x10 goto pc+0"),
    (0x6d, 1, 2, 0, 0, "if r1 s> r2 goto pc+0"),
    (0x66, 1, 0, 0, -1, "if w1 s> 0xffffffff goto pc+0"),
    (0x6e, 1, 2, 0, 0, "if w1 s> w2 goto pc+0"),
    (0x75, 1, 0, 0, 16, "if r1 s>= 0x10 goto pc+0"),
    (0x7d, 1, 2, 0, 0, "if r1 s>= r2 goto pc+0"),
    (0x76, 1, 0, 0, -1, "if w1 s>= 0xffffffff goto pc+0"),
    (0x7e, 1, 2, 0, 0, "if w1 s>= w2 goto pc+0"),
    (0xa5, 1, 0, 0, 16, "if r1 < 0x10 goto pc+0"),
    (0xad, 1, 2, 0, 0, "if r1 < r2 goto pc+0"),
    (0xa6, 1, 0, 0, -1, "if w1 < 0xffffffff goto pc+0"),
    (0xae, 1, 2, 0, 0, "if w1 < w2 goto pc+0"),
    (0xb5, 1, 0, 0, 16, "if r1 <= 0x10 goto pc+0"),
    (0xbd, 1, 2, 0, 0, "if r1 <= r2 goto pc+0"),
    (0xb6, 1, 0, 0, -1, "if w1 <= 0xffffffff goto pc+0"),
    (0xbe, 1, 2, 0, 0, "if w1 <= w2 goto pc+0"),
    (0xc5, 1, 0, 0, 16, "if r1 s< 0x10 goto pc+0"),
    (0xcd, 1, 2, 0, 0, "if r1 s< r2 goto pc+0"),
    (0xc6, 1, 0, 0, -1, "if w1 s< 0xffffffff goto pc+0"),
    (0xce, 1, 2, 0, 0, "if w1 s< w2 goto pc+0"),
    (0xd5, 1, 0, 0, 16, "if r1 s<= 0x10 goto pc+0"),
    (0xdd, 1, 2, 0, 0, "if r1 s<= r2 goto pc+0"),
    (0xd6, 1, 0, 0, -1, "if w1 s<= 0xffffffff goto pc+0"),
    (0xde, 1, 2, 0, 0, "if w1 s<= w2 goto pc+0"),
    (0x85, 0, 0, 0, 1, "call bpf_map_lookup_elem#1"),
    (0xb7, 0, 0, 0, 1, "r0 = 1"),
    (0x25, 1, 0, -2, 16, "if r1 > 0x10 goto pc-2"),
    (0xce, 1, 2, -2, 0, "if w1 s< w2 goto pc-2"),
    (0x45, 0, 0, -2, 8, "if r0 & 0x8 goto pc-2"),
    (0x15, 1, 0, -2, 0, "if r1 == 0x0 goto pc-2"),
    (0x05, 0, 0, -3, 0, "goto pc-3"),
    (0x06, 0, 0, 0, -3, "gotol pc-3"),
];

/// `(dst, 64-bit value, kernel text)` of plain `ld_imm64` (opcode 0x18, two slots).
const KERNEL_LD_IMM64: &[(u8, u64, &str)] = &[
    (1, 0xffff_ffff, "r1 = 0xffffffff"),
    (1, 0x1234_5678_9abc_def0, "r1 = 0x123456789abcdef0"),
    (1, u64::MAX, "r1 = 0xffffffffffffffff"),
    (1, 0, "r1 = 0x0"),
    (1, 0xdeadbeefcafe, "r1 = 0xdeadbeefcafe"),
    (2, 0xffffffffffffffff, "r2 = 0xffffffffffffffff"),
];

#[test]
fn disassembly_matches_the_kernel_log() {
    for &(code, dst, src, off, imm, text) in KERNEL_LINES {
        let raw = RawInsn {
            code,
            dst,
            src,
            off,
            imm,
        };
        let insn = decode_slot(raw, None).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(insn.to_string(), text, "opcode {code:#04x}");
        assert_eq!(insn.opcode(), code);
        assert_eq!(assemble(text), Ok(vec![insn]), "assembling {text}");
        assert_eq!(encode(&[insn]), raw.to_bytes(), "{text}");
    }
}

#[test]
fn ld_imm64_disassembly_matches_the_kernel_log() {
    for &(dst, value, text) in KERNEL_LD_IMM64 {
        let mut bytes = RawInsn {
            code: 0x18,
            dst,
            src: 0,
            off: 0,
            imm: value as u32 as i32,
        }
        .to_bytes()
        .to_vec();
        bytes.extend(
            RawInsn {
                imm: (value >> 32) as u32 as i32,
                ..RawInsn::default()
            }
            .to_bytes(),
        );
        let insns = decode(&bytes).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(insns.len(), 1);
        assert_eq!(insns[0].to_string(), text);
        assert_eq!(assemble(text), Ok(insns.clone()));
        assert_eq!(assemble(&format!("{text} ll")), Ok(insns));
    }
}

/// A verifier log excerpt, pasted as is (register states, opcode prefixes, slot numbers).
#[test]
fn pasted_log_lines_assemble() {
    let log = "\
0: (b7) r0 = 0                        ; R0=0
1: (18) r1 = 0xffffffff              ; R1=0xffffffff
3: (26) if w0 > 0x5 goto pc+1
4: (07) r0 += 1                      ; R0=2
5: (95) exit
";
    let insns = assemble(log).expect("log excerpt assembles");
    assert_eq!(insns.len(), 5);
    let listing = absint::isa::disasm_program(&insns);
    let stripped: String = log
        .lines()
        .map(|l| format!("{}\n", l.split(';').next().unwrap_or("").trim_end()))
        .collect();
    assert_eq!(listing, stripped);
}
