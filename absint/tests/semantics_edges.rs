//! Hand-computed edge cases of `absint::semantics`, one table per operation family.
//!
//! Each row is checked on `Bv`. The expected values were worked out from RFC 9669 §4 by hand (and
//! agree with the conformance suite's files of the same names, e.g. `mod32-by-zero-reg`).

use absint::isa::{AluOp, Cond, Endian, Width};
use absint::semantics::{alu, cond, end, imm, mov, movsx, neg};
use absint::word::Bv;

const MIN64: u64 = 0x8000_0000_0000_0000;
const NEG1: u64 = u64::MAX;

#[test]
fn alu_edge_cases() {
    use AluOp::*;
    use Width::*;
    // (op, width, dst, src, expected 64-bit register value)
    let rows: &[(AluOp, Width, u64, u64, u64)] = &[
        // Division by zero gives 0; modulo by zero leaves dst (32-bit: its low half, zero-extended).
        (Div, W64, 7, 0, 0),
        (Div, W32, 0xffff_ffff_0000_0007, 0, 0),
        (Div, W32, 0x1_0000_0007, 0x1_0000_0000, 0), // the divisor's low half is 0
        (Sdiv, W64, NEG1, 0, 0),
        (Sdiv, W32, 5, 0xffff_ffff_0000_0000, 0),
        (Mod, W64, 7, 0, 7),
        (Mod, W32, 0xffff_ffff_0000_0007, 0, 7),
        (Smod, W64, NEG1 - 9, 0, NEG1 - 9),
        (Smod, W32, 0x1234_5678_ffff_fff6, 0, 0xffff_fff6),
        // Signed INT_MIN / -1 wraps; INT_MIN % -1 is 0.
        (Sdiv, W64, MIN64, NEG1, MIN64),
        (Sdiv, W32, 0x8000_0000, 0xffff_ffff, 0x8000_0000),
        (Smod, W64, MIN64, NEG1, 0),
        (Smod, W32, 0x8000_0000, 0xffff_ffff, 0),
        // Signed division truncates toward zero; the remainder has the dividend's sign.
        (Sdiv, W64, (-7i64) as u64, 2, (-3i64) as u64),
        (Smod, W64, (-7i64) as u64, 2, (-1i64) as u64),
        (Smod, W64, 7, (-2i64) as u64, 1),
        (Smod, W32, 0xffff_fff9, 2, 0xffff_ffff),
        (Div, W64, NEG1, 2, NEG1 >> 1),
        (Mod, W64, 13, 5, 3),
        // Shifts mask the amount to width - 1.
        (Lsh, W64, 1, 64, 1),
        (Lsh, W64, 1, 65, 2),
        (Lsh, W32, 1, 32, 1),
        (Lsh, W32, 1, 33, 2),
        (Lsh, W32, 0x8000_0000, 1, 0),
        (Rsh, W64, MIN64, 127, 1),
        (Rsh, W32, 0xffff_ffff_8000_0000, 31, 1),
        (Arsh, W64, MIN64, 63, NEG1),
        (Arsh, W64, MIN64, 64, MIN64),
        (Arsh, W32, 0x8000_0000, 4, 0xf800_0000),
        (Arsh, W32, 0x8000_0000, 36, 0xf800_0000),
        // 32-bit operations wrap at 32 bits and zero-extend.
        (Add, W32, 0xffff_ffff, 1, 0),
        (Add, W64, 0xffff_ffff, 1, 0x1_0000_0000),
        (Sub, W32, 0, 1, 0xffff_ffff),
        (Sub, W64, 0, 1, NEG1),
        (Mul, W32, 0x8000_0000, NEG1, 0x8000_0000),
        (Mul, W64, MIN64, NEG1, MIN64),
        (Mul, W32, 0x1_0000_0003, 0x1_0000_0005, 15),
        (Or, W32, 0xffff_ffff_0000_0000, 1, 1),
        (And, W64, 0xf0f0, 0xff00, 0xf000),
        (Xor, W32, NEG1, 0xffff_0000, 0xffff),
    ];
    for &(op, width, dst, src, want) in rows {
        let got = alu(op, width, &Bv::u64(dst), &Bv::u64(src));
        assert_eq!(got, Bv::u64(want), "{op:?} {width:?} {dst:#x}, {src:#x}");
    }
}

#[test]
fn immediates_are_sign_extended() {
    let like = Bv::u64(0);
    assert_eq!(imm(&like, -1), Bv::u64(NEG1));
    assert_eq!(imm(&like, i32::MIN), Bv::u64(0xffff_ffff_8000_0000));
    assert_eq!(imm(&like, 5), Bv::u64(5));
    // `add32 r0, -1` on 1 gives 0; `add r0, -1` on 1 gives 0 too; on 0 the widths differ.
    let minus1 = imm(&like, -1);
    assert_eq!(
        alu(AluOp::Add, Width::W32, &Bv::u64(0), &minus1),
        Bv::u64(0xffff_ffff)
    );
    assert_eq!(
        alu(AluOp::Add, Width::W64, &Bv::u64(0), &minus1),
        Bv::u64(NEG1)
    );
}

#[test]
fn neg_and_mov() {
    let rows: &[(Width, u64, u64, u64)] = &[
        // (width, x, neg x, mov x)
        (Width::W64, 1, NEG1, 1),
        (Width::W64, MIN64, MIN64, MIN64),
        (Width::W32, 1, 0xffff_ffff, 1),
        (Width::W32, 0x8000_0000, 0x8000_0000, 0x8000_0000),
        (Width::W32, 0xabcd_0000_0000_0000, 0, 0),
        (Width::W32, NEG1, 1, 0xffff_ffff),
    ];
    for &(width, x, negated, moved) in rows {
        assert_eq!(
            neg(width, &Bv::u64(x)),
            Bv::u64(negated),
            "neg {width:?} {x:#x}"
        );
        assert_eq!(
            mov(width, &Bv::u64(x)),
            Bv::u64(moved),
            "mov {width:?} {x:#x}"
        );
    }
}

#[test]
fn movsx_edge_cases() {
    let rows: &[(Width, u32, u64, u64)] = &[
        (Width::W64, 8, 0x80, 0xffff_ffff_ffff_ff80),
        (Width::W64, 8, 0x1234_567f, 0x7f),
        (Width::W64, 16, 0x8001, 0xffff_ffff_ffff_8001),
        (Width::W64, 32, 0x8000_0001, 0xffff_ffff_8000_0001),
        (Width::W64, 32, 0xffff_ffff_7fff_ffff, 0x7fff_ffff),
        (Width::W32, 8, 0x80, 0xffff_ff80),
        (Width::W32, 16, 0xffff_ffff_0000_8001, 0xffff_8001),
        (Width::W32, 16, 0x7fff, 0x7fff),
    ];
    for &(width, from, x, want) in rows {
        assert_eq!(
            movsx(width, from, &Bv::u64(x)),
            Bv::u64(want),
            "movsx{from} {width:?} {x:#x}"
        );
    }
}

#[test]
fn byte_order_edge_cases() {
    let x = 0x8877_6655_4433_2211u64;
    let rows: &[(Endian, u32, u64)] = &[
        (Endian::Le, 16, 0x2211),
        (Endian::Le, 32, 0x4433_2211),
        (Endian::Le, 64, x),
        (Endian::Be, 16, 0x1122),
        (Endian::Be, 32, 0x1122_3344),
        (Endian::Be, 64, 0x1122_3344_5566_7788),
        (Endian::Swap, 16, 0x1122),
        (Endian::Swap, 32, 0x1122_3344),
        (Endian::Swap, 64, 0x1122_3344_5566_7788),
    ];
    for &(kind, bits, want) in rows {
        assert_eq!(
            end(kind, bits, &Bv::u64(x)),
            Bv::u64(want),
            "{kind:?}{bits}"
        );
    }
}

#[test]
fn jump_conditions() {
    use Cond::*;
    use Width::*;
    // (cond, width, dst, src, taken)
    let rows: &[(Cond, Width, u64, u64, bool)] = &[
        (Eq, W64, 5, 5, true),
        (Eq, W64, 0x1_0000_0005, 5, false),
        (Eq, W32, 0x1_0000_0005, 5, true),
        (Ne, W32, 0x1_0000_0005, 5, false),
        (Gt, W64, NEG1, 0, true),
        (Sgt, W64, NEG1, 0, false),
        (Gt, W32, 0xffff_ffff, 0x1_0000_0000, true),
        (Sgt, W32, 0xffff_ffff, 0, false),
        (Ge, W64, 3, 3, true),
        (Sge, W64, MIN64, NEG1, false),
        (Lt, W64, 0, NEG1, true),
        (Slt, W64, 0, NEG1, false),
        (Slt, W32, 0x8000_0000, 0, true),
        (Slt, W64, 0x8000_0000, 0, false),
        (Le, W64, 4, 3, false),
        (Sle, W64, NEG1, NEG1, true),
        (Set, W64, 0x1_0000_0000, 0x1_0000_0000, true),
        (Set, W32, 0x1_0000_0000, 0x1_0000_0000, false),
        (Set, W64, 6, 1, false),
    ];
    for &(c, width, dst, src, taken) in rows {
        assert_eq!(
            cond(c, width, &Bv::u64(dst), &Bv::u64(src)),
            taken,
            "{c:?} {width:?} {dst:#x} {src:#x}"
        );
    }
}

#[test]
fn negated_and_swapped_conditions_agree_with_the_semantics() {
    let values = [
        0u64,
        1,
        2,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        MIN64,
        NEG1,
        0x1_0000_0001,
    ];
    for c in Cond::ALL {
        for width in [Width::W32, Width::W64] {
            for &a in &values {
                for &b in &values {
                    let (a, b) = (Bv::u64(a), Bv::u64(b));
                    let taken = cond(c, width, &a, &b);
                    assert_eq!(cond(c.swap(), width, &b, &a), taken, "{c:?} swapped");
                    if let Some(n) = c.negate() {
                        assert_eq!(cond(n, width, &a, &b), !taken, "{c:?} negated");
                    }
                }
            }
        }
    }
}
