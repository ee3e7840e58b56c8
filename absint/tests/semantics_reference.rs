//! `absint::semantics` on `Bv` against an independent oracle written with Rust's native integer
//! operations straight from RFC 9669 §4, on random and edge-biased operands.

use absint::isa::{AluOp, Cond, Endian, Width};
use absint::semantics::{alu, cond, end, movsx, neg};
use absint::word::Bv;
use proptest::prelude::*;

/// RFC 9669 §4.1 at 64 bits, with native `u64`/`i64`.
fn oracle64(op: AluOp, a: u64, b: u64) -> u64 {
    let (sa, sb) = (a as i64, b as i64);
    match op {
        AluOp::Add => a.wrapping_add(b),
        AluOp::Sub => a.wrapping_sub(b),
        AluOp::Mul => a.wrapping_mul(b),
        AluOp::Div => a.checked_div(b).unwrap_or(0),
        AluOp::Sdiv => {
            if sb == 0 {
                0
            } else {
                sa.wrapping_div(sb) as u64
            }
        }
        AluOp::Mod => a.checked_rem(b).unwrap_or(a),
        AluOp::Smod => {
            if sb == 0 {
                a
            } else {
                sa.wrapping_rem(sb) as u64
            }
        }
        AluOp::Or => a | b,
        AluOp::And => a & b,
        AluOp::Xor => a ^ b,
        AluOp::Lsh => a << (b & 63),
        AluOp::Rsh => a >> (b & 63),
        AluOp::Arsh => (sa >> (b & 63)) as u64,
    }
}

/// RFC 9669 §4.1 at 32 bits, with native `u32`/`i32`, zero-extended.
fn oracle32(op: AluOp, a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    let (sa, sb) = (a as i32, b as i32);
    let r = match op {
        AluOp::Add => a.wrapping_add(b),
        AluOp::Sub => a.wrapping_sub(b),
        AluOp::Mul => a.wrapping_mul(b),
        AluOp::Div => a.checked_div(b).unwrap_or(0),
        AluOp::Sdiv => {
            if sb == 0 {
                0
            } else {
                sa.wrapping_div(sb) as u32
            }
        }
        AluOp::Mod => a.checked_rem(b).unwrap_or(a),
        AluOp::Smod => {
            if sb == 0 {
                a
            } else {
                sa.wrapping_rem(sb) as u32
            }
        }
        AluOp::Or => a | b,
        AluOp::And => a & b,
        AluOp::Xor => a ^ b,
        AluOp::Lsh => a << (b & 31),
        AluOp::Rsh => a >> (b & 31),
        AluOp::Arsh => (sa >> (b & 31)) as u32,
    };
    u64::from(r)
}

fn oracle_cond(c: Cond, width: Width, a: u64, b: u64) -> bool {
    let (a, b, sa, sb) = match width {
        Width::W64 => (a, b, a as i64, b as i64),
        Width::W32 => (
            a as u32 as u64,
            b as u32 as u64,
            a as i32 as i64,
            b as i32 as i64,
        ),
    };
    match c {
        Cond::Eq => a == b,
        Cond::Ne => a != b,
        Cond::Gt => a > b,
        Cond::Ge => a >= b,
        Cond::Lt => a < b,
        Cond::Le => a <= b,
        Cond::Sgt => sa > sb,
        Cond::Sge => sa >= sb,
        Cond::Slt => sa < sb,
        Cond::Sle => sa <= sb,
        Cond::Set => a & b != 0,
    }
}

/// Operands biased toward the values where the rules differ: 0, ±1, the signed minima, shifts
/// near the width.
fn operand() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        prop::sample::select(vec![
            0u64,
            1,
            u64::MAX,
            0x8000_0000_0000_0000,
            0x7fff_ffff_ffff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0xffff_ffff_8000_0000,
            31,
            32,
            63,
            64,
        ]),
        (0u64..128),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn alu_matches_the_oracle(op in prop::sample::select(AluOp::ALL.to_vec()), a in operand(), b in operand()) {
        let (x, y) = (Bv::u64(a), Bv::u64(b));
        prop_assert_eq!(alu(op, Width::W64, &x, &y).get(), oracle64(op, a, b), "{:?} 64", op);
        prop_assert_eq!(alu(op, Width::W32, &x, &y).get(), oracle32(op, a, b), "{:?} 32", op);
    }

    #[test]
    fn cond_matches_the_oracle(c in prop::sample::select(Cond::ALL.to_vec()), a in operand(), b in operand()) {
        for width in [Width::W32, Width::W64] {
            prop_assert_eq!(cond(c, width, &Bv::u64(a), &Bv::u64(b)), oracle_cond(c, width, a, b));
        }
    }

    #[test]
    fn unary_operations_match_the_oracle(a in operand()) {
        let x = Bv::u64(a);
        prop_assert_eq!(neg(Width::W64, &x).get(), a.wrapping_neg());
        prop_assert_eq!(neg(Width::W32, &x).get(), u64::from((a as u32).wrapping_neg()));
        prop_assert_eq!(movsx(Width::W64, 8, &x).get(), a as i8 as i64 as u64);
        prop_assert_eq!(movsx(Width::W64, 16, &x).get(), a as i16 as i64 as u64);
        prop_assert_eq!(movsx(Width::W64, 32, &x).get(), a as i32 as i64 as u64);
        prop_assert_eq!(movsx(Width::W32, 8, &x).get(), u64::from(a as i8 as i32 as u32));
        prop_assert_eq!(movsx(Width::W32, 16, &x).get(), u64::from(a as i16 as i32 as u32));
        prop_assert_eq!(end(Endian::Le, 16, &x).get(), u64::from(a as u16));
        prop_assert_eq!(end(Endian::Le, 32, &x).get(), u64::from(a as u32));
        prop_assert_eq!(end(Endian::Le, 64, &x).get(), a);
        for kind in [Endian::Be, Endian::Swap] {
            prop_assert_eq!(end(kind, 16, &x).get(), u64::from((a as u16).swap_bytes()));
            prop_assert_eq!(end(kind, 32, &x).get(), u64::from((a as u32).swap_bytes()));
            prop_assert_eq!(end(kind, 64, &x).get(), a.swap_bytes());
        }
    }
}
