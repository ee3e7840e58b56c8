//! The kernel's ALU transfer functions on scalars (`absint::domain::kernel::{alu, sync}`).
//!
//! 1. Soundness, for every ALU form (each binary operation × width × register/immediate source,
//!    neg, mov, movsx, the byte-order operations) on random 64-bit states built around chosen
//!    members: the concrete result of `absint::semantics` on members `x ∈ dst`, `y ∈ src` is in
//!    the state the verifier continues with, or in the state it pushes when it forks.
//! 2. The synchronisation keeps every member, never widens the tnum or the 32-bit bounds of a
//!    non-empty state and leaves it passing the kernel's sanity check; `tnum_step` (which it relies on) is the smallest member
//!    above its argument.
//! 3. Fidelity: cases probed on the running Linux 6.18.44 kernel, replayed field by field. Each
//!    probe is a socket filter loaded with `log_level 2` and `BPF_F_TEST_REG_INVARIANTS`: it
//!    builds the destination in r6 and the source in r7, copies them to r8 and r9 (whose log
//!    lines give the input states), then runs the instruction on r6 (whose log line gives the
//!    output; a fork prints it twice, the continued state first). The program is in the comment
//!    above each case.

use absint::domain::kernel::alu::alu;
use absint::domain::kernel::sync::{is_valid, sync};
use absint::domain::kernel::Reject;
use absint::domain::{Scalar, Tnum};
use absint::isa::{AluOp, Endian, Insn, Operand, Reg, Width};
use absint::semantics;
use absint::word::Bv;
use proptest::prelude::*;

fn r(n: u8) -> Reg {
    Reg::new(n).expect("register literal")
}

/// A state from its raw fields: value, mask, smin, smax, umin, umax, s32_min, s32_max, u32_min,
/// u32_max (signed ones as bit patterns).
fn st(f: [u64; 10]) -> Scalar<Bv> {
    Scalar {
        var_off: Tnum::new(Bv::u64(f[0]), Bv::u64(f[1])),
        smin: Bv::u64(f[2]),
        smax: Bv::u64(f[3]),
        umin: Bv::u64(f[4]),
        umax: Bv::u64(f[5]),
        s32_min: Bv::u32(f[6] as u32),
        s32_max: Bv::u32(f[7] as u32),
        u32_min: Bv::u32(f[8] as u32),
        u32_max: Bv::u32(f[9] as u32),
    }
}

/// A random state around the member `x`: a tnum holding `x`, bounds on each side of it, then
/// synchronised (as every state the verifier holds is).
fn raw_around(x: u64, mask: u64, below: [u64; 4], above: [u64; 4]) -> Scalar<Bv> {
    let lo = x as u32;
    Scalar {
        var_off: Tnum::u64(x & !mask, mask),
        umin: Bv::u64(x.saturating_sub(below[0])),
        umax: Bv::u64(x.saturating_add(above[0])),
        smin: Bv::u64((x as i64).saturating_sub(below[1] as i64 & i64::MAX) as u64),
        smax: Bv::u64((x as i64).saturating_add(above[1] as i64 & i64::MAX) as u64),
        u32_min: Bv::u32(lo.saturating_sub(below[2] as u32)),
        u32_max: Bv::u32(lo.saturating_add(above[2] as u32)),
        s32_min: Bv::u32((lo as i32).saturating_sub(below[3] as i32 & i32::MAX) as u32),
        s32_max: Bv::u32((lo as i32).saturating_add(above[3] as i32 & i32::MAX) as u32),
    }
}

/// Values at the edges of every bound kind, and runs of bits.
fn interesting() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        0u64..300,
        (0u64..300).prop_map(|d| u64::MAX - d),
        (0u64..16).prop_map(|d| (1u64 << 63).wrapping_add(d).wrapping_sub(8)),
        (0u64..16).prop_map(|d| (1u64 << 31).wrapping_add(d).wrapping_sub(8)),
        (0u64..16).prop_map(|d| (1u64 << 32).wrapping_add(d).wrapping_sub(8)),
        (0u64..16).prop_map(|d| 0xffff_ffff_0000_0000u64.wrapping_add(d).wrapping_sub(8)),
        (0u64..64, any::<u64>()).prop_map(|(k, hi)| (hi << 32) | (k << 26)),
    ]
}

/// Masks from fully known to fully unknown, with runs of unknown bits.
fn masks() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        any::<u64>(),
        (0u32..64).prop_map(|k| (1u64 << k) - 1),
        (0u32..64, 0u32..64)
            .prop_map(|(a, b)| ((1u64 << a.max(b)) - 1) & !((1u64 << a.min(b)) - 1)),
        (0u32..=32).prop_map(|k| u64::MAX << k),
    ]
}

/// Distances from the member to a bound: exact, small, or anything.
fn gaps() -> impl Strategy<Value = [u64; 4]> {
    let gap = prop_oneof![Just(0u64), 0u64..64, any::<u64>(), Just(u64::MAX)];
    [gap.clone(), gap.clone(), gap.clone(), gap]
}

/// A member and a synchronised state holding it.
fn member_and_state() -> impl Strategy<Value = (u64, Scalar<Bv>)> {
    (interesting(), masks(), gaps(), gaps())
        .prop_map(|(x, m, b, a)| (x, sync(&raw_around(x, m, b, a))))
}

/// Every binary ALU form: operation, width, and the immediate for the `K` forms.
fn binary_forms() -> impl Strategy<Value = (AluOp, Width, Option<i32>)> {
    let op = prop::sample::select(AluOp::ALL.to_vec());
    let width = prop_oneof![Just(Width::W32), Just(Width::W64)];
    let imm = prop_oneof![
        3 => Just(None),
        2 => any::<i32>().prop_map(Some),
        2 => (-300i32..300).prop_map(Some),
        2 => (0i32..64).prop_map(Some),
    ];
    (op, width, imm)
}

/// Is the concrete result in the continued or the pushed state?
fn covers(outcome: &absint::domain::kernel::AluOutcome<Bv>, result: u64) -> bool {
    let v = Bv::u64(result);
    outcome.state.contains(&v) || outcome.pushed().is_some_and(|p| p.contains(&v))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, ..ProptestConfig::default() })]

    #[test]
    fn binary_operations_are_sound(
        (x, dst) in member_and_state(),
        (y, src) in member_and_state(),
        (op, width, imm) in binary_forms(),
    ) {
        let (operand, y, src) = match imm {
            Some(k) => (Operand::Imm(k), k as i64 as u64, Scalar::known(k as i64 as u64)),
            None => (Operand::Reg(r(7)), y, src),
        };
        let insn = Insn::Alu { width, op, dst: r(6), src: operand };
        let rejected = matches!((op, imm), (AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod, Some(0)))
            || matches!((op, imm), (AluOp::Lsh | AluOp::Rsh | AluOp::Arsh, Some(k)) if k < 0 || k >= width.bits() as i32);
        match alu(&insn, &dst, &src) {
            Err(e) => prop_assert!(rejected, "unexpected rejection {e} of {insn:?}"),
            Ok(outcome) => {
                prop_assert!(!rejected, "{insn:?} should be rejected");
                let result = semantics::alu(op, width, &Bv::u64(x), &Bv::u64(y)).get();
                // From non-empty inputs the kernel's sanity check (run after every ALU
                // instruction) must pass.
                prop_assert!(is_valid(&outcome.state), "{insn:?} breaks the invariants: {:?}", outcome.state);
                prop_assert!(outcome.pushed().is_none_or(is_valid), "{insn:?} pushes {:?}", outcome.pushed());
                prop_assert!(covers(&outcome, result),
                    "{insn:?}: {x:#x} op {y:#x} = {result:#x} not in {:?} (pushed {:?})\ndst {dst:?}\nsrc {src:?}",
                    outcome.state, outcome.pushed());
            }
        }
    }

    #[test]
    fn unary_and_move_operations_are_sound(
        (x, dst) in member_and_state(),
        (y, src) in member_and_state(),
        which in 0usize..5,
        w64 in any::<bool>(),
        imm in any::<i32>(),
        pick in 0usize..3,
    ) {
        let width = if w64 { Width::W64 } else { Width::W32 };
        let (insn, src, result) = match which {
            0 => (Insn::Neg { width, dst: r(6) }, dst, semantics::neg(width, &Bv::u64(x))),
            1 => (Insn::Mov { width, dst: r(6), src: Operand::Reg(r(7)) }, src, semantics::mov(width, &Bv::u64(y))),
            2 => {
                let k = imm as i64 as u64;
                (Insn::Mov { width, dst: r(6), src: Operand::Imm(imm) }, Scalar::known(k), semantics::mov(width, &Bv::u64(k)))
            }
            3 => {
                let from = if w64 { [8u8, 16, 32][pick] } else { [8u8, 16, 16][pick] };
                let insn = Insn::MovSx { width, dst: r(6), src: r(7), from_bits: from };
                (insn, src, semantics::movsx(width, u32::from(from), &Bv::u64(y)))
            }
            _ => {
                let bits = [16u8, 32, 64][pick];
                let kind = [Endian::Le, Endian::Be, Endian::Swap][(imm as u32 % 3) as usize];
                let insn = Insn::End { kind, dst: r(6), bits };
                (insn, dst, semantics::end(kind, u32::from(bits), &Bv::u64(x)))
            }
        };
        let outcome = alu(&insn, &dst, &src);
        prop_assert!(outcome.is_ok(), "{insn:?} rejected: {outcome:?}");
        if let Ok(outcome) = outcome {
            prop_assert!(outcome.forked.is_none());
            prop_assert!(is_valid(&outcome.state), "{insn:?} breaks the invariants: {:?}", outcome.state);
            prop_assert!(outcome.state.contains(&result),
                "{insn:?}: result {result:?} not in {:?}\ndst {dst:?}\nsrc {src:?}", outcome.state);
        }
    }

    #[test]
    fn sync_keeps_members_tightens_and_passes_the_sanity_check(
        x in interesting(), m in masks(), below in gaps(), above in gaps(),
    ) {
        let raw = raw_around(x, m, below, above);
        let s = sync(&raw);
        prop_assert!(s.contains(&Bv::u64(x)), "{x:#x} dropped: {raw:?} -> {s:?}");
        prop_assert!(is_valid(&s), "sanity check fails on {s:?}");
        prop_assert!(raw.var_off.includes(&s.var_off));
        // The 64-bit bounds are not compared: the mixed deduction assigns the s32 range to them
        // (without a max/min), which can widen them, e.g. s64 = u64 = [4, 4] with s32 = [3, 4]
        // becomes [3, 4]. The kernel does the same; the member stays.
        prop_assert!(s.u32_min.get() >= raw.u32_min.get() && s.u32_max.get() <= raw.u32_max.get());
        prop_assert!(s.s32_min.signed() >= raw.s32_min.signed() && s.s32_max.signed() <= raw.s32_max.signed());
        // A second round still keeps the member and stays within the first.
        let again = sync(&s);
        prop_assert!(again.contains(&Bv::u64(x)));
        prop_assert!(s.var_off.includes(&again.var_off));
    }
}

#[test]
fn sync_fixes_constants_and_the_unknown_scalar() {
    assert_eq!(sync(&Scalar::unknown()), Scalar::unknown());
    for v in [
        0u64,
        1,
        u64::MAX,
        1 << 63,
        0xffff_ffff,
        0x8000_0000,
        0x1_0000_0000,
    ] {
        assert_eq!(sync(&Scalar::known(v)), Scalar::known(v), "{v:#x}");
        assert!(is_valid(&Scalar::known(v)));
    }
}

#[test]
fn sanity_check_rejects_what_the_kernel_rejects() {
    let mut s = Scalar::unknown();
    s.umin = Bv::u64(5);
    s.umax = Bv::u64(4);
    assert!(!is_valid(&s), "range bounds violation");
    let mut s = Scalar::known(7);
    s.smax = Bv::u64(8);
    assert!(!is_valid(&s), "const tnum out of sync with range bounds");
    let mut s = Scalar::unknown();
    s.var_off = Tnum::u64(3, 0xffff_ffff_0000_0000);
    assert!(
        !is_valid(&s),
        "const subreg tnum out of sync with range bounds"
    );
    assert!(is_valid(&sync(&s)));
}

/// `tnum_step(t, z)` is the smallest member of `t` above `z`, or `t`'s maximum when none is.
#[test]
fn tnum_step_is_the_next_member_exhaustively_at_8_bits() {
    for t in Tnum::all(8) {
        let members: Vec<u64> = t.members().collect();
        for z in 0..256u64 {
            let expected = members
                .iter()
                .copied()
                .find(|&m| m > z)
                .unwrap_or(t.max().get());
            assert_eq!(t.step(&Bv::new(8, z)).get(), expected, "step({t}, {z:#x})");
        }
    }
}

#[test]
fn immediate_rejections() {
    let dst = Scalar::unknown();
    for (op, width, k, expected) in [
        (AluOp::Div, Width::W64, 0, Reject::DivByZero),
        (AluOp::Smod, Width::W32, 0, Reject::DivByZero),
        (AluOp::Lsh, Width::W64, 64, Reject::InvalidShift(64)),
        (AluOp::Rsh, Width::W32, 32, Reject::InvalidShift(32)),
        (AluOp::Arsh, Width::W64, -1, Reject::InvalidShift(-1)),
    ] {
        let insn = Insn::Alu {
            width,
            op,
            dst: r(6),
            src: Operand::Imm(k),
        };
        let src = Scalar::known(k as i64 as u64);
        assert_eq!(alu(&insn, &dst, &src).err(), Some(expected), "{insn:?}");
    }
    // A register source is never rejected, whatever its value.
    let insn = Insn::Alu {
        width: Width::W64,
        op: AluOp::Div,
        dst: r(6),
        src: Operand::Reg(r(7)),
    };
    assert!(alu(&insn, &dst, &Scalar::known(0)).is_ok());
}

/// What the kernel printed for a probe.
enum Expect {
    /// The states of the destination after the instruction: the continued one, then the pushed
    /// one when the verifier forks.
    States(Vec<Scalar<Bv>>),
    /// The load failed with this message.
    Reject(&'static str),
}

/// One probed case.
struct Probe {
    name: &'static str,
    insn: Insn,
    dst: Scalar<Bv>,
    /// The source register's state (`None` for immediates and single-register instructions).
    src: Option<Scalar<Bv>>,
    expect: Expect,
}

#[test]
fn replays_the_cases_probed_on_linux_6_18_44() {
    let mut failures = vec![];
    for p in probes() {
        let src = match (p.src, p.insn) {
            (Some(s), _) => s,
            (
                None,
                Insn::Alu {
                    src: Operand::Imm(k),
                    ..
                }
                | Insn::Mov {
                    src: Operand::Imm(k),
                    ..
                },
            ) => Scalar::known(k as i64 as u64),
            (None, _) => p.dst,
        };
        let got = alu(&p.insn, &p.dst, &src);
        let ok = match (&got, &p.expect) {
            (Err(e), Expect::Reject(msg)) => e.to_string() == *msg,
            (Ok(o), Expect::States(states)) => {
                let mut model = vec![o.state];
                model.extend(o.pushed().copied());
                &model == states
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: {:?}\n  got {got:?}", p.name, p.insn));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[rustfmt::skip]
fn probes() -> Vec<Probe> {
    vec![
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 7 | r8 = r6 | r9 = r7 | w6 /= w7 | r0 = 0
        Probe {
            name: "div32 by register",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Div, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: Some(st([0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7 | w6 %= 10 | r0 = 0
        Probe {
            name: "mod32 by immediate",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mod, dst: r(6), src: Operand::Imm(10) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7 | r6 s/= 3 | r0 = 0
        Probe {
            name: "sdiv64 by immediate",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sdiv, dst: r(6), src: Operand::Imm(3) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7
        Probe {
            name: "div by immediate zero rejected",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Div, dst: r(6), src: Operand::Imm(0) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::Reject("div by zero"),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7
        Probe {
            name: "shift immediate 64 rejected",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(64) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::Reject("invalid shift 64"),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7
        Probe {
            name: "shift32 immediate 32 rejected",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Rsh, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::Reject("invalid shift 32"),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7 | r6 <<= 32 | r0 = 0
        Probe {
            name: "lsh64 by 32, s32 non-negative",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xff00000000, 0x0, 0xff00000000, 0x0, 0xff00000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 s>>= 28 | r7 = 0 | r8 = r6 | r9 = r7 | r6 <<= 32 | r0 = 0
        Probe {
            name: "lsh64 by 32, s32 negative",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff8, 0x7, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff00000000, 0xfffffff800000000, 0x700000000, 0x0, 0xffffffff00000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 63 | r7 = 0 | r8 = r6 | r9 = r7 | r6 <<= 32 | r0 = 0
        Probe {
            name: "lsh64 by 32, s32 in [-1, 0]",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff00000000, 0xffffffff00000000, 0x0, 0x0, 0xffffffff00000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= -256 | r7 |= 3 | r8 = r6 | r9 = r7 | w6 <<= w7 | r0 = 0
        Probe {
            name: "lsh32 by register known in low half only",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Lsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: Some(st([0x3, 0xffffffffffffff00, 0x8000000000000003, 0x7fffffffffffff03, 0x3, 0xffffffffffffff03, 0x80000003, 0x7fffff03, 0x3, 0xffffff03])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 3 | r8 = r6 | r9 = r7 | w6 <<= w7 | r0 = 0
        Probe {
            name: "lsh32 by constant register",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Lsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: Some(st([0x3, 0x0, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3])),
            expect: Expect::States(vec![st([0x0, 0x7f8, 0x0, 0x7f8, 0x0, 0x7f8, 0x0, 0x7f8, 0x0, 0x7f8])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 3 | r8 = r6 | r9 = r7 | r6 >>= r7 | r0 = 0
        Probe {
            name: "rsh64 by register range",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Rsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: Some(st([0x0, 0x3, 0x0, 0x3, 0x0, 0x3, 0x0, 0x3, 0x0, 0x3])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 s> 0x64 goto pc+5 | if w6 s< 0xffffff9c goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | w6 s>>= 4 | r0 = 0
        Probe {
            name: "arsh32 by 4",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Arsh, dst: r(6), src: Operand::Imm(4) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0xffffff9c, 0x64, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff9, 0x6, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r7 = 0 | r8 = r6 | r9 = r7 | r6 <<= 1 | r0 = 0
        Probe {
            name: "lsh64 may overflow",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(1) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xfffffffffffffffe, 0x8000000000000000, 0x7ffffffffffffffe, 0x0, 0xfffffffffffffffe, 0x80000000, 0x7ffffffe, 0x0, 0xfffffffe])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 < 0x2 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 *= 2 | r0 = 0
        Probe {
            name: "mul64 max overflows",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mul, dst: r(6), src: Operand::Imm(2) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x2, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xfffffffffffffffe, 0x8000000000000000, 0x7ffffffffffffffe, 0x0, 0xfffffffffffffffe, 0x80000000, 0x7ffffffe, 0x0, 0xfffffffe])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s> 0xa goto pc+8 | if r6 s< 0xfffffffb goto pc+7 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s> 0x3 goto pc+4 | if r7 s< 0xfffffff9 goto pc+3 | r8 = r6 | r9 = r7 | r6 *= r7 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "mul64 signed corners",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mul, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0xfffffffffffffffb, 0xa, 0x0, 0xffffffffffffffff, 0xfffffffb, 0xa, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0xffffffffffffffff, 0xfffffffffffffff9, 0x3, 0x0, 0xffffffffffffffff, 0xfffffff9, 0x3, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffffffffffba, 0x23, 0x0, 0xffffffffffffffff, 0xffffffba, 0x23, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 > 0x20000 goto pc+4 | r7 = 65536 | r8 = r6 | r9 = r7 | w6 *= w7 | r0 = 0
        Probe {
            name: "mul32 unsigned overflow",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mul, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffff0003ffff, 0x8000000000000000, 0x7fffffff00020000, 0x0, 0xffffffff00020000, 0x0, 0x20000, 0x0, 0x20000]),
            src: Some(st([0x10000, 0x0, 0x10000, 0x10000, 0x10000, 0x10000, 0x10000, 0x10000, 0x10000, 0x10000])),
            expect: Expect::States(vec![st([0x0, 0xffff0000, 0x0, 0xffff0000, 0x0, 0xffff0000, 0x80000000, 0x7fff0000, 0x0, 0xffff0000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 < 0xfffffff6 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 += 20 | r0 = 0
        Probe {
            name: "add64 both bounds wrap",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Add, dst: r(6), src: Operand::Imm(20) },
            dst: st([0xfffffffffffffff0, 0xf, 0xfffffffffffffff6, 0xffffffffffffffff, 0xfffffffffffffff6, 0xffffffffffffffff, 0xfffffff6, 0xffffffff, 0xfffffff6, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x1f, 0xa, 0x13, 0xa, 0x13, 0xa, 0x13, 0xa, 0x13])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 < 0xfffffff6 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 += 20 | r0 = 0
        Probe {
            name: "add64 max wraps only",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Add, dst: r(6), src: Operand::Imm(20) },
            dst: st([0xfffffffffffffff0, 0xf, 0xfffffffffffffff6, 0xffffffffffffffff, 0xfffffffffffffff6, 0xffffffffffffffff, 0xfffffff6, 0xffffffff, 0xfffffff6, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x1f, 0xa, 0x13, 0xa, 0x13, 0xa, 0x13, 0xa, 0x13])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7 | w6 -= 10 | r0 = 0
        Probe {
            name: "sub32 min underflows only",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sub, dst: r(6), src: Operand::Imm(10) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff6, 0xf5, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 > 0x5 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | w6 -= 10 | r0 = 0
        Probe {
            name: "sub32 both underflow",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sub, dst: r(6), src: Operand::Imm(10) },
            dst: st([0x0, 0xffffffff00000007, 0x8000000000000000, 0x7fffffff00000005, 0x0, 0xffffffff00000005, 0x0, 0x5, 0x0, 0x5]),
            src: None,
            expect: Expect::States(vec![st([0xfffffff0, 0xf, 0xfffffff6, 0xfffffffb, 0xfffffff6, 0xfffffffb, 0xfffffff6, 0xfffffffb, 0xfffffff6, 0xfffffffb])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 > 0x64 goto pc+5 | if r6 < 0x3 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = -r6 | r0 = 0
        Probe {
            name: "neg64 of a range",
            insn: Insn::Neg { width: Width::W64, dst: r(6) },
            dst: st([0x0, 0x7f, 0x3, 0x64, 0x3, 0x64, 0x3, 0x64, 0x3, 0x64]),
            src: None,
            expect: Expect::States(vec![st([0xffffffffffffff80, 0x7f, 0xffffffffffffff9c, 0xfffffffffffffffd, 0xffffffffffffff9c, 0xfffffffffffffffd, 0xffffff9c, 0xfffffffd, 0xffffff9c, 0xfffffffd])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 > 0x64 goto pc+5 | if r6 < 0x3 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | w6 = -w6 | r0 = 0
        Probe {
            name: "neg32 of a range",
            insn: Insn::Neg { width: Width::W32, dst: r(6) },
            dst: st([0x0, 0x7f, 0x3, 0x64, 0x3, 0x64, 0x3, 0x64, 0x3, 0x64]),
            src: None,
            expect: Expect::States(vec![st([0xffffff80, 0x7f, 0xffffff9c, 0xfffffffd, 0xffffff9c, 0xfffffffd, 0xffffff9c, 0xfffffffd, 0xffffff9c, 0xfffffffd])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 63 | r7 = 0 | r8 = r6 | r9 = r7 | r6 &= 12 | r0 = 0 | r6 &= 12 | r0 = 0
        Probe {
            name: "and64 fork on [-1, 0]",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Imm(12) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0xc, 0x0, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc]), st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 63 | r7 = 0 | r8 = r6 | r9 = r7 | r6 |= 12 | r0 = 0 | r6 |= 12 | r0 = 0
        Probe {
            name: "or64 fork on [-1, 0] re-executes with 0",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Or, dst: r(6), src: Operand::Imm(12) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0xffffffffffffffff, 0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]), st([0xc, 0x0, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 s>>= 31 | r7 = 0 | r8 = r6 | r9 = r7 | w6 |= 12 | r0 = 0 | w6 |= 12 | r0 = 0
        Probe {
            name: "or32 fork on s32 [-1, 0]",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Or, dst: r(6), src: Operand::Imm(12) },
            dst: st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]), st([0xc, 0x0, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 s>>= 31 | r7 = -134 | r8 = r6 | r9 = r7 | r6 &= r7 | r0 = 0 | r6 &= r7 | r0 = 0
        Probe {
            name: "and64 fork with constant register",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: Some(st([0xffffffffffffff7a, 0x0, 0xffffffffffffff7a, 0xffffffffffffff7a, 0xffffffffffffff7a, 0xffffffffffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a])),
            expect: Expect::States(vec![st([0xffffff7a, 0x0, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a, 0xffffff7a]), st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 63 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 6 | r8 = r6 | r9 = r7 | r6 &= r7 | r0 = 0
        Probe {
            name: "and64 no fork with unknown register",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0x6, 0x0, 0x6, 0x0, 0x6, 0x0, 0x6, 0x0, 0x6])),
            expect: Expect::States(vec![st([0x0, 0x6, 0x0, 0x6, 0x0, 0x6, 0x0, 0x6, 0x0, 0x6])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 63 | r7 = 0 | r8 = r6 | r9 = r7 | r6 ^= 12 | r0 = 0
        Probe {
            name: "xor64 no fork",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Xor, dst: r(6), src: Operand::Imm(12) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 255 | r8 = r6 | r9 = r7 | r6 = (s8)r7 | r0 = 0
        Probe {
            name: "movsx64 s8 of a small range",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 8 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffffffffff80, 0x7f, 0x0, 0xffffffffffffffff, 0xffffff80, 0x7f, 0x0, 0xffffffff])]),
        },
        // r6 = 0 | r7 = 0x12348001 | r8 = r6 | r9 = r7 | r6 = (s16)r7 | r0 = 0
        Probe {
            name: "movsx64 s16 of a constant",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 16 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x12348001, 0x0, 0x12348001, 0x12348001, 0x12348001, 0x12348001, 0x12348001, 0x12348001, 0x12348001, 0x12348001])),
            expect: Expect::States(vec![st([0xffffffffffff8001, 0x0, 0xffffffffffff8001, 0xffffffffffff8001, 0xffffffffffff8001, 0xffffffffffff8001, 0xffff8001, 0xffff8001, 0xffff8001, 0xffff8001])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 |= -2147483648 | w7 &= -16 | r8 = r6 | r9 = r7 | r6 = (s32)r7 | r0 = 0
        Probe {
            name: "movsx64 s32 of a negative range",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 32 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x80000000, 0x7ffffff0, 0x80000000, 0xfffffff0, 0x80000000, 0xfffffff0, 0x80000000, 0xfffffff0, 0x80000000, 0xfffffff0])),
            expect: Expect::States(vec![st([0xffffffff80000000, 0x7fffffff, 0xffffffff80000000, 0xfffffffffffffff0, 0xffffffff80000000, 0xfffffffffffffff0, 0x80000000, 0xfffffff0, 0x80000000, 0xfffffff0])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 > 0xc8 goto pc+4 | if r7 < 0x64 goto pc+3 | r8 = r6 | r9 = r7 | r6 = (s8)r7 | r0 = 0
        Probe {
            name: "movsx64 s8 of a sign-crossing range",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 8 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xff, 0x64, 0xc8, 0x64, 0xc8, 0x64, 0xc8, 0x64, 0xc8])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffffffffff80, 0x7f, 0x0, 0xffffffffffffffff, 0xffffff80, 0x7f, 0x0, 0xffffffff])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 255 | r8 = r6 | r9 = r7 | w6 = (s8)w7 | r0 = 0
        Probe {
            name: "movsx32 s8 of a byte",
            insn: Insn::MovSx { width: Width::W32, dst: r(6), src: r(7), from_bits: 8 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff])),
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xffffff80, 0x7f, 0x0, 0xffffffff])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 s> 0xfffffffe goto pc+4 | if w7 s< 0xfffffed4 goto pc+3 | r8 = r6 | r9 = r7 | w6 = (s16)w7 | r0 = 0
        Probe {
            name: "movsx32 s16 of a negative s32 range",
            insn: Insn::MovSx { width: Width::W32, dst: r(6), src: r(7), from_bits: 16 },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0xfffffe00, 0xffffffff000001ff, 0x80000000fffffed4, 0x7ffffffffffffffe, 0xfffffed4, 0xfffffffffffffffe, 0xfffffed4, 0xfffffffe, 0xfffffed4, 0xfffffffe])),
            expect: Expect::States(vec![st([0xfffffe00, 0x1ff, 0xfffffed4, 0xfffffffe, 0xfffffed4, 0xfffffffe, 0xfffffed4, 0xfffffffe, 0xfffffed4, 0xfffffffe])]),
        },
        // r6 = 0 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 > 0x7fffffff goto pc+4 | r7 += 10 | r8 = r6 | r9 = r7 | w6 = w7 | r0 = 0
        Probe {
            name: "mov32 of a 64-bit range",
            insn: Insn::Mov { width: Width::W32, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xffffffff, 0xa, 0x80000009, 0xa, 0x80000009, 0x80000000, 0x7fffffff, 0xa, 0x80000009])),
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0xa, 0x80000009, 0xa, 0x80000009, 0x80000000, 0x7fffffff, 0xa, 0x80000009])]),
        },
        // r6 = 0 | r7 = 0 | r8 = r6 | r9 = r7 | w6 = -1 | r0 = 0
        Probe {
            name: "mov32 immediate -1",
            insn: Insn::Mov { width: Width::W32, dst: r(6), src: Operand::Imm(-1) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: None,
            expect: Expect::States(vec![st([0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = le16 r6 | r0 = 0
        Probe {
            name: "le16 of a masked value",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 16 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = le32 r6 | r0 = 0
        Probe {
            name: "le32 of a masked value",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 32 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 |= 17 | r6 &= 16383 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = le64 r6 | r0 = 0
        Probe {
            name: "le64 of a masked value",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 64 },
            dst: st([0x11, 0x3fee, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff]),
            src: None,
            expect: Expect::States(vec![st([0x11, 0x3fee, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = be16 r6 | r0 = 0
        Probe {
            name: "be16 of a masked value",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 16 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = be32 r6 | r0 = 0
        Probe {
            name: "be32 of a masked value",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 32 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 |= 17 | r6 &= 16383 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = be64 r6 | r0 = 0
        Probe {
            name: "be64 of a masked value",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 64 },
            dst: st([0x11, 0x3fee, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff]),
            src: None,
            expect: Expect::States(vec![st([0x1100000000000000, 0xee3f000000000000, 0x9100000000000000, 0x7f3f000000000000, 0x1100000000000000, 0xff3f000000000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = bswap16 r6 | r0 = 0
        Probe {
            name: "swap16 of a masked value",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 16 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f, 0x0, 0x3f])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 16128 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = bswap32 r6 | r0 = 0
        Probe {
            name: "swap32 of a masked value",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 32 },
            dst: st([0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00, 0x0, 0x3f00]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000, 0x0, 0x3f0000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 |= 17 | r6 &= 16383 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = bswap64 r6 | r0 = 0
        Probe {
            name: "swap64 of a masked value",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 64 },
            dst: st([0x11, 0x3fee, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff, 0x11, 0x3fff]),
            src: None,
            expect: Expect::States(vec![st([0x1100000000000000, 0xee3f000000000000, 0x9100000000000000, 0x7f3f000000000000, 0x1100000000000000, 0xff3f000000000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 > 0x10010 goto pc+5 | if r6 < 0xfff0 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 = be16 r6 | r0 = 0
        Probe {
            name: "be16 of a range crossing 0x10000",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 16 },
            dst: st([0x0, 0x1ffff, 0xfff0, 0x10010, 0xfff0, 0x10010, 0xfff0, 0x10010, 0xfff0, 0x10010]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 > 0x20 goto pc+6 | r7 = 0xfffffff0 | r6 += r7 | r8 = r6 | r9 = r7 | r6 = le32 r6 | r0 = 0
        Probe {
            name: "le32 of an upper-half range",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 32 },
            dst: st([0x0, 0x1ffffffff, 0xfffffff0, 0x100000010, 0xfffffff0, 0x100000010, 0xfffffff0, 0x10, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff0, 0x10, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 > 0x7ffffff0 goto pc+5 | if w6 < 0x7fffffe0 goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | w6 += 32 | r0 = 0
        Probe {
            name: "add32 result crossing the s32 sign",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Add, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x7fffffe0, 0xffffffff0000001f, 0x800000007fffffe0, 0x7fffffff7ffffff0, 0x7fffffe0, 0xffffffff7ffffff0, 0x7fffffe0, 0x7ffffff0, 0x7fffffe0, 0x7ffffff0]),
            src: None,
            expect: Expect::States(vec![st([0x80000000, 0x1f, 0x80000000, 0x80000010, 0x80000000, 0x80000010, 0x80000000, 0x80000010, 0x80000000, 0x80000010])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 > 0xa goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 -= 5 | r0 = 0
        Probe {
            name: "sub64 result crossing the s64 sign",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sub, dst: r(6), src: Operand::Imm(5) },
            dst: st([0x0, 0xf, 0x0, 0xa, 0x0, 0xa, 0x0, 0xa, 0x0, 0xa]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xfffffffffffffffb, 0x5, 0x0, 0xffffffffffffffff, 0xfffffffb, 0x5, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s> 0x5 goto pc+5 | if r6 s< 0xfffffffb goto pc+4 | r7 = 0 | r8 = r6 | r9 = r7 | r6 &= -4 | r0 = 0
        Probe {
            name: "and64 with a negative constant",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Imm(-4) },
            dst: st([0x0, 0xffffffffffffffff, 0xfffffffffffffffb, 0x5, 0x0, 0xffffffffffffffff, 0xfffffffb, 0x5, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xfffffffffffffffc, 0x8000000000000000, 0x7ffffffffffffffc, 0x0, 0xfffffffffffffffc, 0x80000000, 0x7ffffffc, 0x0, 0xfffffffc])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | r7 = 0 | r8 = r6 | r9 = r7 | w6 |= 256 | r0 = 0
        Probe {
            name: "or32 of a range",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Or, dst: r(6), src: Operand::Imm(256) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: None,
            expect: Expect::States(vec![st([0x100, 0xff, 0x100, 0x1ff, 0x100, 0x1ff, 0x100, 0x1ff, 0x100, 0x1ff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 255 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 3855 | r8 = r6 | r9 = r7 | r6 ^= r7 | r0 = 0
        Probe {
            name: "xor64 of two ranges",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Xor, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff, 0x0, 0xff]),
            src: Some(st([0x0, 0xf0f, 0x0, 0xf0f, 0x0, 0xf0f, 0x0, 0xf0f, 0x0, 0xf0f])),
            expect: Expect::States(vec![st([0x0, 0xfff, 0x0, 0xfff, 0x0, 0xfff, 0x0, 0xfff, 0x0, 0xfff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 >= 0x2 goto pc+7 | r6 += -8 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 += 255 | r8 = r6 | r9 = r7 | w6 s>>= 19 | r0 = 0
        Probe {
            name: "random Alu Arsh W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Arsh, dst: r(6), src: Operand::Imm(19) },
            dst: st([0xfffffffffffffff8, 0x1, 0xfffffffffffffff8, 0xfffffffffffffff9, 0xfffffffffffffff8, 0xfffffffffffffff9, 0xfffffff8, 0xfffffff9, 0xfffffff8, 0xfffffff9]),
            src: None,
            expect: Expect::States(vec![st([0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 31 | r6 |= -2 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 |= 32768 | if r7 s< 0xfffffffe goto pc+5 | if w7 s>= 0xffffffff goto pc+4 | r7 += 2 | r8 = r6 | r9 = r7 | r6 /= r7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Div W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Div, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xfffffffffffffffe, 0x1, 0xfffffffffffffffe, 0xffffffffffffffff, 0xfffffffffffffffe, 0xffffffffffffffff, 0xfffffffe, 0xffffffff, 0xfffffffe, 0xffffffff]),
            src: Some(st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80008002, 0x0, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 &= 2 | if r6 & 0xff goto pc+8 | w6 &= 1000 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 1000 | r7 <<= 59 | r8 = r6 | r9 = r7 | r6 s%= 15 | r0 = 0
        Probe {
            name: "random Alu Smod W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Smod, dst: r(6), src: Operand::Imm(15) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 |= 32768 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s>= 0xffffffff goto pc+4 | w7 <<= 1 | r8 = r6 | r9 = r7 | r6 |= r7 | r0 = 0
        Probe {
            name: "random Alu Or W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Or, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x8000, 0xffffffffffff7fff, 0x8000000000008000, 0x7fffffffffffffff, 0x8000, 0xffffffffffffffff, 0x80008000, 0x7fffffff, 0x8000, 0xffffffff]),
            src: Some(st([0x0, 0xfffffffe, 0x0, 0xfffffffe, 0x0, 0xfffffffe, 0x80000000, 0x7ffffffe, 0x0, 0xfffffffe])),
            expect: Expect::States(vec![st([0x8000, 0xffffffffffff7fff, 0x8000000000008000, 0x7fffffffffffffff, 0x8000, 0xffffffffffffffff, 0x80008000, 0x7fffffff, 0x8000, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s< 0xffffffff goto pc+9 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 |= 256 | r7 |= -100 | if w7 == 0xfffffffe goto pc+3 | r8 = r6 | r9 = r7 | w6 |= w7 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Or W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Or, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0xffffffffffffff9c, 0x63, 0xffffffffffffff9c, 0xffffffffffffffff, 0xffffffffffffff9c, 0xffffffffffffffff, 0xffffff9c, 0xffffffff, 0xffffff9c, 0xffffffff])),
            expect: Expect::States(vec![st([0xffffff9c, 0x63, 0xffffff9c, 0xffffffff, 0xffffff9c, 0xffffffff, 0xffffff9c, 0xffffffff, 0xffffff9c, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 &= -8 | r7 = 2147483647 | r8 = r6 | r9 = r7 | w6 s/= w7 | r0 = 0
        Probe {
            name: "random Alu Sdiv W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sdiv, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xfffffff8, 0x0, 0xfffffff8, 0x0, 0xfffffff8, 0x80000000, 0x7ffffff8, 0x0, 0xfffffff8]),
            src: Some(st([0x7fffffff, 0x0, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 > 0x20 goto pc+4 | w7 = 100 | r8 = r6 | r9 = r7 | r6 >>= 15 | r0 = 0
        Probe {
            name: "random Alu Rsh W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Rsh, dst: r(6), src: Operand::Imm(15) },
            dst: st([0x0, 0xffffffff0000003f, 0x8000000000000000, 0x7fffffff00000020, 0x0, 0xffffffff00000020, 0x0, 0x20, 0x0, 0x20]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x1fffffffe0000, 0x0, 0x1fffffffe0000, 0x0, 0x1fffffffe0000, 0x80000000, 0x7ffe0000, 0x0, 0xfffe0000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 |= 256 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 == 0x8 goto pc+5 | if w7 <= 0x21 goto pc+4 | r7 s>>= 63 | r8 = r6 | r9 = r7 | r6 |= -8 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Or W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Or, dst: r(6), src: Operand::Imm(-8) },
            dst: st([0x100, 0xfffffeff, 0x100, 0xffffffff, 0x100, 0xffffffff, 0x80000100, 0x7fffffff, 0x100, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0xfffffffffffffff8, 0x7, 0xfffffffffffffff8, 0xffffffffffffffff, 0xfffffffffffffff8, 0xffffffffffffffff, 0xfffffff8, 0xffffffff, 0xfffffff8, 0xffffffff])]),
        },
        // r6 = 0x3226be77cf603ff4 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 = w7 | r8 = r6 | r9 = r7 | w6 s/= -1 | r0 = 0
        Probe {
            name: "random Alu Sdiv W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sdiv, dst: r(6), src: Operand::Imm(-1) },
            dst: st([0x3226be77cf603ff4, 0x0, 0x3226be77cf603ff4, 0x3226be77cf603ff4, 0x3226be77cf603ff4, 0x3226be77cf603ff4, 0xcf603ff4, 0xcf603ff4, 0xcf603ff4, 0xcf603ff4]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 s>= 0xfffffffe goto pc+5 | r7 &= -2147483648 | if r7 s>= 0x3f goto pc+3 | r8 = r6 | r9 = r7 | w6 %= w7 | r0 = 0
        Probe {
            name: "random Alu Mod W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mod, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x8000000080000000, 0x7fffffff00000000, 0x8000000080000000, 0xffffffff80000000, 0x8000000080000000, 0xffffffff80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 |= 1000 | r6 s>>= 1 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= 32768 | r7 &= 441954523 | r8 = r6 | r9 = r7 | w6 += w7 | r0 = 0
        Probe {
            name: "random Alu Add W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Add, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x1f4, 0x7ffffe0b, 0x1f4, 0x7fffffff, 0x1f4, 0x7fffffff, 0x1f4, 0x7fffffff, 0x1f4, 0x7fffffff]),
            src: Some(st([0x0, 0x8000, 0x0, 0x8000, 0x0, 0x8000, 0x0, 0x8000, 0x0, 0x8000])),
            expect: Expect::States(vec![st([0x1f4, 0xfffffe0b, 0x1f4, 0x80007fff, 0x1f4, 0x80007fff, 0x800001f4, 0x7fffffff, 0x1f4, 0x80007fff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 60 | w6 &= 2 | w6 s>>= 28 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 %= r7 | r0 = 0
        Probe {
            name: "random Alu Mod W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mod, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 |= 63 | r6 += 32 | w6 |= 65535 | r6 |= 8 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 += -3 | r7 &= 31 | r8 = r6 | r9 = r7 | w6 /= 7 | r0 = 0
        Probe {
            name: "random Alu Div W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Div, dst: r(6), src: Operand::Imm(7) },
            dst: st([0xffff, 0xffff0000, 0xffff, 0xffffffff, 0xffff, 0xffffffff, 0x8000ffff, 0x7fffffff, 0xffff, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 = w6 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 += 963524551 | w7 |= 1 | w7 += 7 | w7 |= 65535 | r8 = r6 | r9 = r7 | r6 += r7 | r0 = 0
        Probe {
            name: "random Alu Add W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Add, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0xffff, 0xffff0000, 0xffff, 0xffffffff, 0xffff, 0xffffffff, 0x8000ffff, 0x7fffffff, 0xffff, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0x1ffffffff, 0xffff, 0x1fffffffe, 0xffff, 0x1fffffffe, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 &= -100 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 & 0x56 goto pc+5 | r7 &= -3 | r8 = r6 | r9 = r7 | r6 *= -2 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Mul W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mul, dst: r(6), src: Operand::Imm(-2) },
            dst: st([0x0, 0xffffff9c, 0x0, 0xffffff9c, 0x0, 0xffffff9c, 0x80000000, 0x7fffff9c, 0x0, 0xffffff9c]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xfffffffffffffff8, 0xfffffffe000000c8, 0x0, 0x0, 0xfffffffffffffff8, 0x80000000, 0x7ffffff8, 0x0, 0xfffffff8])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= -2 | if w6 != 0x80000000 goto pc+7 | r6 s>>= 1 | if r6 s>= 0x10 goto pc+5 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 <<= 18 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Lsh W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(18) },
            dst: st([0xc000000040000000, 0x3fffffff80000000, 0xc000000040000000, 0xffffffffc0000000, 0xc000000040000000, 0xffffffffc0000000, 0xc0000000, 0x40000000, 0x40000000, 0xc0000000]),
            src: None,
            expect: Expect::States(vec![st([0x1000000000000, 0xfffe000000000000, 0x8001000000000000, 0x7fff000000000000, 0x1000000000000, 0xffff000000000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 < 0x80000000 goto pc+7 | if r6 != 0xfffffff8 goto pc+6 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 s>>= 28 | r8 = r6 | r9 = r7 | w6 -= w7 | r0 = 0
        Probe {
            name: "random Alu Sub W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sub, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xfffffffffffffff8, 0x0, 0xfffffffffffffff8, 0xfffffffffffffff8, 0xfffffffffffffff8, 0xfffffffffffffff8, 0xfffffff8, 0xfffffff8, 0xfffffff8, 0xfffffff8]),
            src: Some(st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff8, 0x7, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff1, 0x0, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 = w6 | r6 &= 31 | r6 &= 2147483647 | r7 = 0xffffffff80000000 | r8 = r6 | r9 = r7 | w6 ^= -2147483648 | r0 = 0
        Probe {
            name: "random Alu Xor W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Xor, dst: r(6), src: Operand::Imm(-2147483648) },
            dst: st([0x0, 0x1f, 0x0, 0x1f, 0x0, 0x1f, 0x0, 0x1f, 0x0, 0x1f]),
            src: None,
            expect: Expect::States(vec![st([0x80000000, 0x1f, 0x80000000, 0x8000001f, 0x80000000, 0x8000001f, 0x80000000, 0x8000001f, 0x80000000, 0x8000001f])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 >= 0x3e8 goto pc+6 | r7 &= 3 | w7 &= 33 | r8 = r6 | r9 = r7 | w6 &= w7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu And W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::And, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0x1, 0x0, 0x1, 0x0, 0x1, 0x0, 0x1, 0x0, 0x1])),
            expect: Expect::States(vec![st([0x0, 0x1, 0x0, 0x1, 0x0, 0x1, 0x0, 0x1, 0x0, 0x1])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 &= 65535 | w6 &= 32768 | w6 &= 1 | r6 &= 7 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 > 0x8000 goto pc+3 | r8 = r6 | r9 = r7 | w6 &= -100 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu And W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::And, dst: r(6), src: Operand::Imm(-100) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= -1320932822 | r6 &= -8 | if r6 & 0x7fffffff goto pc+7 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s> 0x100 goto pc+4 | w7 s>>= 28 | r8 = r6 | r9 = r7 | r6 ^= 255 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Xor W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Xor, dst: r(6), src: Operand::Imm(255) },
            dst: st([0x0, 0xffffffff80000000, 0x8000000000000000, 0x7fffffff80000000, 0x0, 0xffffffff80000000, 0x80000000, 0x0, 0x0, 0x80000000]),
            src: None,
            expect: Expect::States(vec![st([0xff, 0xffffffff80000000, 0x80000000000000ff, 0x7fffffff800000ff, 0xff, 0xffffffff800000ff, 0x800000ff, 0xff, 0xff, 0x800000ff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 != 0xffffff37 goto pc+9 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x21 goto pc+5 | w7 &= 32768 | r8 = r6 | r9 = r7 | w6 -= 233 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Sub W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Sub, dst: r(6), src: Operand::Imm(233) },
            dst: st([0xffffff37, 0xffffffff00000000, 0x80000000ffffff37, 0x7fffffffffffff37, 0xffffff37, 0xffffffffffffff37, 0xffffff37, 0xffffff37, 0xffffff37, 0xffffff37]),
            src: None,
            expect: Expect::States(vec![st([0xfffffe4e, 0x0, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e, 0xfffffe4e])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 65535 | w6 &= -1 | if r6 >= 0x21 goto pc+6 | r6 <<= 37 | r7 = 0xe6a38a3fe121624d | r8 = r6 | r9 = r7 | w6 ^= w7 | r0 = 0
        Probe {
            name: "random Alu Xor W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Xor, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x7e000000000, 0x0, 0x40000000000, 0x0, 0x40000000000, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0xe6a38a3fe121624d, 0x0, 0xe6a38a3fe121624d, 0xe6a38a3fe121624d, 0xe6a38a3fe121624d, 0xe6a38a3fe121624d, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d])),
            expect: Expect::States(vec![st([0xe121624d, 0x0, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d, 0xe121624d])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 >= 0x2e goto pc+6 | r7 &= 1000 | r7 += 1000 | r8 = r6 | r9 = r7 | r6 s%= r7 | r0 = 0
        Probe {
            name: "random Alu Smod W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Smod, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0x7f8, 0x3e8, 0x410, 0x3e8, 0x410, 0x3e8, 0x410, 0x3e8, 0x410])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // r6 = 0x1 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 |= 65535 | r8 = r6 | r9 = r7 | r6 &= 64 | r0 = 0
        Probe {
            name: "random Alu And W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Imm(64) },
            dst: st([0x1, 0x0, 0x1, 0x1, 0x1, 0x1, 0x1, 0x1, 0x1, 0x1]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 == 0x40 goto pc+5 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | w6 /= w7 | r0 = 0
        Probe {
            name: "random Alu Div W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Div, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | w6 *= 255 | r0 = 0
        Probe {
            name: "random Alu Mul W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mul, dst: r(6), src: Operand::Imm(255) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // r6 = -100 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 -= 255 | r0 = 0
        Probe {
            name: "random Alu Sub W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sub, dst: r(6), src: Operand::Imm(255) },
            dst: st([0xffffffffffffff9c, 0x0, 0xffffffffffffff9c, 0xffffffffffffff9c, 0xffffffffffffff9c, 0xffffffffffffff9c, 0xffffff9c, 0xffffff9c, 0xffffff9c, 0xffffff9c]),
            src: None,
            expect: Expect::States(vec![st([0xfffffffffffffe9d, 0x0, 0xfffffffffffffe9d, 0xfffffffffffffe9d, 0xfffffffffffffe9d, 0xfffffffffffffe9d, 0xfffffe9d, 0xfffffe9d, 0xfffffe9d, 0xfffffe9d])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 += 32767 | if w7 & 0xff goto pc+3 | r8 = r6 | r9 = r7 | r6 /= 64 | r0 = 0
        Probe {
            name: "random Alu Div W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Div, dst: r(6), src: Operand::Imm(64) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // r6 = 32767 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= 3 | r8 = r6 | r9 = r7 | r6 s>>= 29 | r0 = 0
        Probe {
            name: "random Alu Arsh W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Arsh, dst: r(6), src: Operand::Imm(29) },
            dst: st([0x7fff, 0x0, 0x7fff, 0x7fff, 0x7fff, 0x7fff, 0x7fff, 0x7fff, 0x7fff, 0x7fff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= 63 | w7 += 64 | r7 s>>= 63 | r7 |= 0 | r8 = r6 | r9 = r7 | w6 <<= 29 | r0 = 0
        Probe {
            name: "random Alu Lsh W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Lsh, dst: r(6), src: Operand::Imm(29) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xe0000000, 0x0, 0xe0000000, 0x0, 0xe0000000, 0x80000000, 0x60000000, 0x0, 0xe0000000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 s<= 0x8 goto pc+8 | r6 |= 32768 | w6 |= -2147483648 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 s/= r7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Sdiv W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sdiv, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x80008000, 0x7fff7fff, 0x80008000, 0xffffffff, 0x80008000, 0xffffffff, 0x80008000, 0xffffffff, 0x80008000, 0xffffffff]),
            src: Some(st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 >= 0x8 goto pc+10 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 <= 0xffffff9c goto pc+5 | r7 &= 32 | w7 = w7 | r8 = r6 | r9 = r7 | w6 s%= 33 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Smod W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Smod, dst: r(6), src: Operand::Imm(33) },
            dst: st([0x0, 0xffffffff00000007, 0x8000000000000000, 0x7fffffff00000007, 0x0, 0xffffffff00000007, 0x0, 0x7, 0x0, 0x7]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 31 | if w6 == 0x8000 goto pc+10 | r6 |= 63 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x1 goto pc+6 | r7 += -2147483648 | if w7 s>= 0x100 goto pc+4 | if r7 >= 0x40 goto pc+3 | r8 = r6 | r9 = r7 | r6 %= 256 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Mod W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mod, dst: r(6), src: Operand::Imm(256) },
            dst: st([0x3f, 0xffffffffffffffc0, 0x800000000000003f, 0x7fffffffffffffff, 0x3f, 0xffffffffffffffff, 0x8000003f, 0x7fffffff, 0x3f, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 s<= 0x1 goto pc+9 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 s<= 0xffffffff goto pc+6 | if w7 s< 0x20 goto pc+5 | w7 = w7 | r7 <<= 23 | r8 = r6 | r9 = r7 | w6 %= -3 | r0 = 0
        Probe {
            name: "random Alu Mod W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mod, dst: r(6), src: Operand::Imm(-3) },
            dst: st([0x0, 0xffffffff7fffffff, 0x8000000000000002, 0x7fffffff7fffffff, 0x2, 0xffffffff7fffffff, 0x2, 0x7fffffff, 0x2, 0x7fffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 & 0x21 goto pc+7 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= -1 | r7 <<= 4 | r8 = r6 | r9 = r7 | w6 |= 32 | r0 = 0
        Probe {
            name: "random Alu Or W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Or, dst: r(6), src: Operand::Imm(32) },
            dst: st([0x0, 0xffffffffffffffde, 0x8000000000000000, 0x7fffffffffffffde, 0x0, 0xffffffffffffffde, 0x80000000, 0x7fffffde, 0x0, 0xffffffde]),
            src: None,
            expect: Expect::States(vec![st([0x20, 0xffffffde, 0x20, 0xfffffffe, 0x20, 0xfffffffe, 0x80000020, 0x7ffffffe, 0x20, 0xfffffffe])]),
        },
        // w6 = -91 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= -100 | if r7 s> 0x100 goto pc+3 | r8 = r6 | r9 = r7 | r6 ^= r7 | r0 = 0
        Probe {
            name: "random Alu Xor W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Xor, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xffffffa5, 0x0, 0xffffffa5, 0xffffffa5, 0xffffffa5, 0xffffffa5, 0xffffffa5, 0xffffffa5, 0xffffffa5, 0xffffffa5]),
            src: Some(st([0x0, 0x19c, 0x0, 0x100, 0x0, 0x100, 0x0, 0x100, 0x0, 0x100])),
            expect: Expect::States(vec![st([0xfffffe21, 0x19c, 0xfffffe21, 0xffffffbd, 0xfffffe21, 0xffffffbd, 0xfffffe21, 0xffffffbd, 0xfffffe21, 0xffffffbd])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 < 0x80000000 goto pc+9 | w6 s>>= 1 | w6 <<= 27 | w6 &= 63 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 s>>= 28 | r8 = r6 | r9 = r7 | r6 -= r7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Sub W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sub, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: Some(st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff8, 0x7, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffff00000001, 0x0, 0x0, 0xffffffffffffffff, 0xfffffff9, 0x8, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s> 0x8 goto pc+12 | if w6 == 0xffffffff goto pc+11 | if w6 == 0x2 goto pc+10 | if r6 < 0xffffff9c goto pc+9 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 <<= 9 | r7 &= -1 | w7 &= 16 | w7 s>>= 31 | r8 = r6 | r9 = r7 | r6 *= r7 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Mul W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Mul, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xffffffffffffff80, 0x7f, 0xffffffffffffff9c, 0xfffffffffffffffe, 0xffffffffffffff9c, 0xfffffffffffffffe, 0xffffff9c, 0xfffffffe, 0xffffff9c, 0xfffffffe]),
            src: Some(st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])),
            expect: Expect::States(vec![st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 <= 0xdc3840c4 goto pc+7 | r6 |= 63 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 s>>= 63 | r8 = r6 | r9 = r7 | w6 s%= w7 | r0 = 0
        Probe {
            name: "random Alu Smod W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Smod, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xffffffffc000003f, 0x3fffffc0, 0xffffffffdc3840c5, 0xffffffffffffffff, 0xffffffffdc3840c5, 0xffffffffffffffff, 0xdc3840c5, 0xffffffff, 0xdc3840c5, 0xffffffff]),
            src: Some(st([0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0x0, 0x0, 0xffffffffffffffff, 0xffffffff, 0x0, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 1 | r6 |= -227 | if r6 < 0xfffffffd goto pc+6 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 |= 100 | r8 = r6 | r9 = r7 | w6 >>= 22 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Rsh W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Rsh, dst: r(6), src: Operand::Imm(22) },
            dst: st([0xfffffffffffffffd, 0x2, 0xfffffffffffffffd, 0xffffffffffffffff, 0xfffffffffffffffd, 0xffffffffffffffff, 0xfffffffd, 0xffffffff, 0xfffffffd, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x3ff, 0x0, 0x3ff, 0x3ff, 0x3ff, 0x3ff, 0x3ff, 0x3ff, 0x3ff, 0x3ff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 |= 3 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 = w7 | r8 = r6 | r9 = r7 | w6 += 107 | r0 = 0
        Probe {
            name: "random Alu Add W32 Imm",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Add, dst: r(6), src: Operand::Imm(107) },
            dst: st([0x3, 0xfffffffc, 0x3, 0xffffffff, 0x3, 0xffffffff, 0x80000003, 0x7fffffff, 0x3, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x2, 0xfffffffc, 0x2, 0xfffffffe, 0x2, 0xfffffffe, 0x80000002, 0x7ffffffe, 0x2, 0xfffffffe])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 <<= 24 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 <= 0x1f goto pc+5 | r7 &= -1 | w7 &= -2 | r8 = r6 | r9 = r7 | r6 s/= 65535 | r0 = 0
        Probe {
            name: "random Alu Sdiv W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Sdiv, dst: r(6), src: Operand::Imm(65535) },
            dst: st([0x0, 0xff000000, 0x0, 0xff000000, 0x0, 0xff000000, 0x80000000, 0x7f000000, 0x0, 0xff000000]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 &= 33 | r6 s>>= 1 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | w6 *= w7 | r0 = 0
        Probe {
            name: "random Alu Mul W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Mul, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x10, 0x0, 0x10, 0x0, 0x10, 0x0, 0x10, 0x0, 0x10]),
            src: Some(st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xfffffff0, 0x0, 0xfffffff0, 0x0, 0xfffffff0, 0x80000000, 0x7ffffff0, 0x0, 0xfffffff0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s> 0x1 goto pc+6 | w6 &= 64 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 += -8 | r0 = 0
        Probe {
            name: "random Alu Add W64 Imm",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Add, dst: r(6), src: Operand::Imm(-8) },
            dst: st([0x0, 0x40, 0x0, 0x40, 0x0, 0x40, 0x0, 0x40, 0x0, 0x40]),
            src: None,
            expect: Expect::States(vec![st([0x38, 0xffffffffffffffc0, 0xfffffffffffffff8, 0x38, 0x38, 0xfffffffffffffff8, 0xfffffff8, 0x38, 0x38, 0xfffffff8])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 += 32768 | if r6 s< 0xfffffffe goto pc+8 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 == 0xffffffff goto pc+5 | r7 &= 16 | if w7 s< 0x7 goto pc+3 | r8 = r6 | r9 = r7 | r6 &= r7 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu And W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::And, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffffffffffff, 0xfffffffffffffffe, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x10, 0x0, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10])),
            expect: Expect::States(vec![st([0x0, 0x10, 0x0, 0x10, 0x0, 0x10, 0x0, 0x10, 0x0, 0x10])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 <<= 36 | w6 += -1 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 != 0x10 goto pc+4 | r7 s>>= 1 | r8 = r6 | r9 = r7 | w6 <<= w7 | r0 = 0
        Probe {
            name: "random Alu Lsh W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Lsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0xffffffff, 0x0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]),
            src: Some(st([0x8, 0x0, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8])),
            expect: Expect::States(vec![st([0xffffff00, 0x0, 0xffffff00, 0xffffff00, 0xffffff00, 0xffffff00, 0xffffff00, 0xffffff00, 0xffffff00, 0xffffff00])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 >= 0xfffffffd goto pc+6 | if w6 >= 0x3f goto pc+5 | r7 = 0x10 | r8 = r6 | r9 = r7 | w6 s>>= w7 | r0 = 0
        Probe {
            name: "random Alu Arsh W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Arsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffff0000003f, 0x8000000000000000, 0x7fffffff0000003e, 0x0, 0xffffffff0000003e, 0x0, 0x3e, 0x0, 0x3e]),
            src: Some(st([0x10, 0x0, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10])),
            expect: Expect::States(vec![st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= -3 | w6 <<= 29 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x10 goto pc+6 | r7 <<= 58 | r7 &= 64 | r7 &= 64 | r8 = r6 | r9 = r7 | w6 >>= w7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Rsh W32 Reg",
            insn: Insn::Alu { width: Width::W32, op: AluOp::Rsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xa0000000, 0x0, 0xa0000000, 0x0, 0xa0000000, 0x80000000, 0x20000000, 0x0, 0xa0000000]),
            src: Some(st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])),
            expect: Expect::States(vec![st([0x0, 0xa0000000, 0x0, 0xa0000000, 0x0, 0xa0000000, 0x80000000, 0x20000000, 0x0, 0xa0000000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 = w6 | if r6 <= 0x7fff goto pc+10 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 s>>= 63 | if r7 >= 0xf goto pc+4 | r8 = r6 | r9 = r7 | r6 s>>= r7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Alu Arsh W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Arsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0xffffffff, 0x8000, 0xffffffff, 0x8000, 0xffffffff, 0x80000000, 0x7fffffff, 0x8000, 0xffffffff]),
            src: Some(st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])),
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x8000, 0xffffffff, 0x8000, 0xffffffff, 0x80000000, 0x7fffffff, 0x8000, 0xffffffff])]),
        },
        // r6 = 8 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 & 0xfffffffe goto pc+5 | r7 &= -2147483648 | w7 = w7 | r8 = r6 | r9 = r7 | r6 >>= r7 | r0 = 0
        Probe {
            name: "random Alu Rsh W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Rsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x8, 0x0, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8]),
            src: Some(st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])),
            expect: Expect::States(vec![st([0x8, 0x0, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 65535 | w6 += 8 | if w6 s<= 0x100 goto pc+9 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 += -3 | w7 s>>= 1 | w7 &= 33 | w7 s>>= 28 | r8 = r6 | r9 = r7 | r6 <<= r7 | r0 = 0
        Probe {
            name: "random Alu Lsh W64 Reg",
            insn: Insn::Alu { width: Width::W64, op: AluOp::Lsh, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x1ffff, 0x101, 0x10007, 0x101, 0x10007, 0x101, 0x10007, 0x101, 0x10007]),
            src: Some(st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0])),
            expect: Expect::States(vec![st([0x0, 0x1ffff, 0x101, 0x10007, 0x101, 0x10007, 0x101, 0x10007, 0x101, 0x10007])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r7 = 0xf0a9fed6468b6467 | r8 = r6 | r9 = r7 | w6 = -w6 | r0 = 0
        Probe {
            name: "random Neg W32 Imm",
            insn: Insn::Neg { width: Width::W32, dst: r(6) },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 1 | if r6 s>= 0x80000000 goto pc+8 | w6 &= 8 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s>= 0x2 goto pc+4 | r8 = r6 | r9 = r7 | r6 = -r6 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random Neg W64 Imm",
            insn: Insn::Neg { width: Width::W64, dst: r(6) },
            dst: st([0x0, 0x8, 0x0, 0x8, 0x0, 0x8, 0x0, 0x8, 0x0, 0x8]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xfffffffffffffff8, 0xfffffffffffffff8, 0x0, 0x0, 0xfffffffffffffff8, 0xfffffff8, 0x0, 0x0, 0xfffffff8])]),
        },
        // r6 = 0x468b646791691c4d | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s>= 0x64 goto pc+4 | w7 &= 32 | r8 = r6 | r9 = r7 | w6 = w7 | r0 = 0
        Probe {
            name: "random Mov W32 Reg",
            insn: Insn::Mov { width: Width::W32, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x468b646791691c4d, 0x0, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d]),
            src: Some(st([0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20])),
            expect: Expect::States(vec![st([0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 >= 0x40 goto pc+11 | r6 |= 33 | w6 s>>= 31 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= -8 | w7 |= -2147483648 | r8 = r6 | r9 = r7 | w6 = -2 | r0 = 0 | r0 = 0
        Probe {
            name: "random Mov W32 Imm",
            insn: Insn::Mov { width: Width::W32, dst: r(6), src: Operand::Imm(-2) },
            dst: st([0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]),
            src: None,
            expect: Expect::States(vec![st([0xfffffffe, 0x0, 0xfffffffe, 0xfffffffe, 0xfffffffe, 0xfffffffe, 0xfffffffe, 0xfffffffe, 0xfffffffe, 0xfffffffe])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 31 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x1f goto pc+5 | if r7 > 0x21 goto pc+4 | r7 += -1 | r8 = r6 | r9 = r7 | r6 = -3 | r0 = 0
        Probe {
            name: "random Mov W64 Imm",
            insn: Insn::Mov { width: Width::W64, dst: r(6), src: Operand::Imm(-3) },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffff00000000, 0xffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0xfffffffffffffffd, 0x0, 0xfffffffffffffffd, 0xfffffffffffffffd, 0xfffffffffffffffd, 0xfffffffffffffffd, 0xfffffffd, 0xfffffffd, 0xfffffffd, 0xfffffffd])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 2 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 += -1 | if r7 != 0xea138b3c goto pc+5 | r8 = r6 | r9 = r7 | r6 = r7 | r0 = 0 | r0 = 0
        Probe {
            name: "random Mov W64 Reg",
            insn: Insn::Mov { width: Width::W64, dst: r(6), src: Operand::Reg(r(7)) },
            dst: st([0x0, 0x2, 0x0, 0x2, 0x0, 0x2, 0x0, 0x2, 0x0, 0x2]),
            src: Some(st([0xffffffffea138b3c, 0x0, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xea138b3c, 0xea138b3c, 0xea138b3c, 0xea138b3c])),
            expect: Expect::States(vec![st([0xffffffffea138b3c, 0x0, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xffffffffea138b3c, 0xea138b3c, 0xea138b3c, 0xea138b3c, 0xea138b3c])]),
        },
        // r6 = 0x468b646791691c4d | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s>= 0x64 goto pc+4 | w7 &= 32 | r8 = r6 | r9 = r7 | w6 = (s8)w7 | r0 = 0
        Probe {
            name: "random MovSx W32 Imm 8",
            insn: Insn::MovSx { width: Width::W32, dst: r(6), src: r(7), from_bits: 8 },
            dst: st([0x468b646791691c4d, 0x0, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d]),
            src: Some(st([0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20])),
            expect: Expect::States(vec![st([0x0, 0x3f, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20, 0x0, 0x20])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= 0 | r7 s>>= 31 | r7 |= 255 | r8 = r6 | r9 = r7 | w6 = (s16)w7 | r0 = 0
        Probe {
            name: "random MovSx W32 Imm 16",
            insn: Insn::MovSx { width: Width::W32, dst: r(6), src: r(7), from_bits: 16 },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0xff, 0x0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
            expect: Expect::States(vec![st([0xff, 0x0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 31 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x1f goto pc+5 | if r7 > 0x21 goto pc+4 | r7 += -1 | r8 = r6 | r9 = r7 | r6 = (s16)r7 | r0 = 0
        Probe {
            name: "random MovSx W64 Imm 16",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 16 },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffff00000000, 0xffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x0, 0x3f, 0x1f, 0x20, 0x1f, 0x20, 0x1f, 0x20, 0x1f, 0x20])),
            expect: Expect::States(vec![st([0x0, 0x3f, 0x1f, 0x20, 0x1f, 0x20, 0x1f, 0x20, 0x1f, 0x20])]),
        },
        // r6 = -1 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 == 0x0 goto pc+6 | r7 += 32767 | if w7 >= 0x22 goto pc+4 | r8 = r6 | r9 = r7 | r6 = (s32)r7 | r0 = 0
        Probe {
            name: "random MovSx W64 Imm 32",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 32 },
            dst: st([0xffffffffffffffff, 0x0, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]),
            src: Some(st([0x0, 0xffffffff0000003f, 0x8000000000000000, 0x7fffffff00000021, 0x0, 0xffffffff00000021, 0x0, 0x21, 0x0, 0x21])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffff80000000, 0x7fffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 |= 64 | r8 = r6 | r9 = r7 | r6 = (s8)r7 | r0 = 0
        Probe {
            name: "random MovSx W64 Imm 8",
            insn: Insn::MovSx { width: Width::W64, dst: r(6), src: r(7), from_bits: 8 },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: Some(st([0x40, 0xffffffbf, 0x40, 0xffffffff, 0x40, 0xffffffff, 0x80000040, 0x7fffffff, 0x40, 0xffffffff])),
            expect: Expect::States(vec![st([0x0, 0xffffffffffffffff, 0xffffffffffffff80, 0x7f, 0x0, 0xffffffffffffffff, 0xffffff80, 0x7f, 0x0, 0xffffffff])]),
        },
        // r6 = 0x468b646791691c4d | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 s>= 0x64 goto pc+4 | w7 &= 32 | r8 = r6 | r9 = r7 | r6 = le64 r6 | r0 = 0
        Probe {
            name: "random End Imm Le 64",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 64 },
            dst: st([0x468b646791691c4d, 0x0, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d]),
            src: None,
            expect: Expect::States(vec![st([0x468b646791691c4d, 0x0, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x468b646791691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d, 0x91691c4d])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 &= 0 | r7 s>>= 31 | r7 |= 255 | r8 = r6 | r9 = r7 | r6 = be32 r6 | r0 = 0
        Probe {
            name: "random End Imm Be 32",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 32 },
            dst: st([0x0, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s>= 0x80000000 goto pc+10 | w6 &= 8 | w6 += 32767 | call bpf_get_prandom_u32#7 | r7 = r0 | r7 &= -8 | if w7 s>= 0xfffffffd goto pc+4 | w7 s>>= 28 | r8 = r6 | r9 = r7 | r6 = bswap64 r6 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random End Imm Swap 64",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 64 },
            dst: st([0x7, 0xfff8, 0x7fff, 0x8007, 0x7fff, 0x8007, 0x7fff, 0x8007, 0x7fff, 0x8007]),
            src: None,
            expect: Expect::States(vec![st([0x700000000000000, 0xf8ff000000000000, 0x8700000000000000, 0x7fff000000000000, 0x700000000000000, 0xffff000000000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 s>>= 31 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 <= 0x1f goto pc+5 | if r7 > 0x21 goto pc+4 | r7 += -1 | r8 = r6 | r9 = r7 | r6 = le32 r6 | r0 = 0
        Probe {
            name: "random End Imm Le 32",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 32 },
            dst: st([0x0, 0xffffffffffffffff, 0xffffffff00000000, 0xffffffff, 0x0, 0xffffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if w6 s>= 0x3f goto pc+7 | if w6 s< 0xfffffffd goto pc+6 | w6 |= 33 | call bpf_get_prandom_u32#7 | r7 = r0 | r8 = r6 | r9 = r7 | r6 = be64 r6 | r0 = 0
        Probe {
            name: "random End Imm Be 64",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 64 },
            dst: st([0x21, 0xffffffde, 0x21, 0xffffffff, 0x21, 0xffffffff, 0x80000021, 0x7fffffff, 0x21, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x2100000000000000, 0xdeffffff00000000, 0xa100000000000000, 0x7fffffff00000000, 0x2100000000000000, 0xffffffff00000000, 0x0, 0x0, 0x0, 0x0])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | r6 &= 7 | call bpf_get_prandom_u32#7 | r7 = r0 | w7 s>>= 1 | if r7 != 0x3f goto pc+3 | r8 = r6 | r9 = r7 | r6 = le16 r6 | r0 = 0 | r0 = 0
        Probe {
            name: "random End Imm Le 16",
            insn: Insn::End { kind: Endian::Le, dst: r(6), bits: 16 },
            dst: st([0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7, 0x0, 0x7])]),
        },
        // r6 = 0x8 | call bpf_get_prandom_u32#7 | r7 = r0 | if w7 <= 0xffffff97 goto pc+6 | if r7 s>= 0x10 goto pc+5 | r7 &= -1 | w7 &= 100 | r8 = r6 | r9 = r7 | r6 = bswap32 r6 | r0 = 0
        Probe {
            name: "random End Imm Swap 32",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 32 },
            dst: st([0x8, 0x0, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8]),
            src: None,
            expect: Expect::States(vec![st([0x8000000, 0x0, 0x8000000, 0x8000000, 0x8000000, 0x8000000, 0x8000000, 0x8000000, 0x8000000, 0x8000000])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | if r6 s< 0x1 goto pc+5 | r7 = 0x3a | r8 = r6 | r9 = r7 | r6 = be16 r6 | r0 = 0
        Probe {
            name: "random End Imm Be 16",
            insn: Insn::End { kind: Endian::Be, dst: r(6), bits: 16 },
            dst: st([0x0, 0x7fffffffffffffff, 0x1, 0x7fffffffffffffff, 0x1, 0x7fffffffffffffff, 0x80000000, 0x7fffffff, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff])]),
        },
        // call bpf_get_prandom_u32#7 | r6 = r0 | w6 = w6 | if w6 s>= 0x20 goto pc+8 | w6 s>>= 28 | call bpf_get_prandom_u32#7 | r7 = r0 | if r7 > 0x40 goto pc+4 | w7 <<= 21 | r8 = r6 | r9 = r7 | r6 = bswap16 r6 | r0 = 0 | r0 = 0 | r0 = 0
        Probe {
            name: "random End Imm Swap 16",
            insn: Insn::End { kind: Endian::Swap, dst: r(6), bits: 16 },
            dst: st([0x0, 0xffffffff, 0x0, 0xffffffff, 0x0, 0xffffffff, 0xfffffff8, 0x0, 0x0, 0xffffffff]),
            src: None,
            expect: Expect::States(vec![st([0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff, 0x0, 0xffff])]),
        },
    ]
}
