//! Traced IR equals absint's native operators: the same generic code, evaluated two ways.
//!
//! Each operator of `synth::ir::library` is evaluated both compiled (the `u64` machine) and
//! generically on `Bv` (the evaluator z3 also runs) and compared with the native operator on
//! `Tnum<Bv>`, `UInterval<Bv>`, `SInterval<Bv>` and `Scalar<Bv>`: exhaustively at small widths,
//! on random inputs (a fixed-seed generator) at 8 and 64 bits.

use absint::domain::interval::{SInterval, UInterval};
use absint::domain::kernel::{alu::alu, sync::sync};
use absint::domain::{Scalar, Tnum};
use absint::isa::{AluOp, Insn, Operand, Reg, Width};
use absint::word::{width_mask, Bv};
use synth::ir::library::{self, alu_name};
use synth::ir::trace::scalar_fields;
use synth::ir::Operator;

/// A deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// A random well-formed tnum of `w` bits, with a varied number of unknown bits.
    fn tnum(&mut self, w: u32) -> Tnum {
        let density = self.next() % 4;
        let mut m = self.next();
        for _ in 0..density {
            m &= self.next();
        }
        let m = m & width_mask(w);
        Tnum::new(Bv::new(w, self.next() & !m), Bv::new(w, m))
    }
    fn word(&mut self, w: u32) -> u64 {
        // Mix in small values and edges, where the interesting cases are.
        match self.next() % 4 {
            0 => self.next() % 8,
            1 => width_mask(w) - self.next() % 8,
            2 => (width_mask(w) >> 1).wrapping_add(self.next() % 8) & width_mask(w),
            _ => self.next() & width_mask(w),
        }
    }
    fn sorted(&mut self, w: u32, signed: bool) -> (u64, u64) {
        let (a, b) = (self.word(w), self.word(w));
        let key = |x: u64| {
            if signed {
                absint::word::sign_extend(x, w) as i128
            } else {
                x as i128
            }
        };
        if key(a) <= key(b) {
            (a, b)
        } else {
            (b, a)
        }
    }
}

/// A native binary operator of a domain.
type Native<D> = fn(&D, &D) -> D;

/// Tnum binary operators, native.
const TNUM_NATIVE: &[(&str, Native<Tnum>)] = &[
    ("add", Tnum::add),
    ("sub", Tnum::sub),
    ("and", Tnum::and),
    ("or", Tnum::or),
    ("xor", Tnum::xor),
    ("mul", Tnum::mul),
    ("mul_v5_13", Tnum::mul_v5_13),
    ("mul_pre_v5_13", Tnum::mul_pre_v5_13),
    ("union", Tnum::union),
    ("intersect", Tnum::intersect),
];

const UNATIVE: &[(&str, Native<UInterval>)] = &[
    ("add", UInterval::add),
    ("sub", UInterval::sub),
    ("mul", UInterval::mul),
    ("and", UInterval::and),
    ("or", UInterval::or),
    ("xor", UInterval::xor),
    ("shl", UInterval::shl),
    ("lshr", UInterval::lshr),
    ("ashr", UInterval::ashr),
    ("udiv", UInterval::udiv),
    ("urem", UInterval::urem),
    ("sdiv", UInterval::sdiv),
    ("srem", UInterval::srem),
    ("join", UInterval::join),
];

const SNATIVE: &[(&str, Native<SInterval>)] = &[
    ("add", SInterval::add),
    ("sub", SInterval::sub),
    ("mul", SInterval::mul),
    ("and", SInterval::and),
    ("or", SInterval::or),
    ("xor", SInterval::xor),
    ("shl", SInterval::shl),
    ("lshr", SInterval::lshr),
    ("ashr", SInterval::ashr),
    ("udiv", SInterval::udiv),
    ("urem", SInterval::urem),
    ("sdiv", SInterval::sdiv),
    ("srem", SInterval::srem),
    ("join", SInterval::join),
];

fn build(name: &str, w: u32) -> Operator {
    library::build(name, w).unwrap_or_else(|| panic!("{name} at {w} bits builds"))
}

/// Evaluate generically on `Bv`, as raw values.
fn generic(op: &Operator, w: &[u32], inputs: &[u64]) -> Vec<u64> {
    let words: Vec<Bv> = inputs.iter().zip(w).map(|(&x, &w)| Bv::new(w, x)).collect();
    op.eval(&words)
        .unwrap_or_else(|e| panic!("{}: {e}", op.name()))
        .iter()
        .map(|b| b.get())
        .collect()
}

/// The library covers exactly the names the tables here check (so nothing goes unchecked).
#[test]
fn the_library_lists_every_traced_operator() {
    let names = library::names();
    for (n, _) in TNUM_NATIVE {
        assert!(names.contains(&format!("tnum.{n}")));
    }
    assert_eq!(
        names.len(),
        // binary, then neg, 3 shifts, range, step, mul_meet and the 64-bit-only ones; the
        // interval operators with neg; sync; 13 ALU operations at two widths.
        TNUM_NATIVE.len() + 7 + 6 + 2 * (UNATIVE.len() + 1) + 1 + 26
    );
}

/// Every binary tnum operator: compiled IR == native on every pair of 6-bit tnums (531 441
/// pairs each), and the generic evaluator too on every pair of 4-bit tnums.
#[test]
fn traced_tnum_operators_equal_native_exhaustively_at_6_bits() {
    for &(name, native) in TNUM_NATIVE {
        for w in [4u32, 6] {
            let op = build(&format!("tnum.{name}"), w);
            let compiled = op.compile();
            let mut m = compiled.machine();
            let all: Vec<Tnum> = Tnum::all(w).collect();
            for a in &all {
                for b in &all {
                    let want = native(a, b);
                    let inputs = [a.v(), a.m(), b.v(), b.m()];
                    assert_eq!(
                        m.run(&inputs),
                        &[want.v(), want.m()][..],
                        "{name}: {a} {b} at {w}"
                    );
                    if w == 4 {
                        assert_eq!(generic(&op, &[w; 4], &inputs), vec![want.v(), want.m()]);
                    }
                }
            }
        }
    }
}

/// Every binary tnum operator on random pairs at 8 and 64 bits, compiled and generic.
#[test]
fn traced_tnum_operators_equal_native_on_random_pairs_at_8_and_64_bits() {
    let mut rng = Rng(1);
    for &(name, native) in TNUM_NATIVE {
        for (w, samples) in [(8u32, 20_000), (64, 3_000)] {
            let op = build(&format!("tnum.{name}"), w);
            let compiled = op.compile();
            let mut m = compiled.machine();
            for i in 0..samples {
                let (a, b) = (rng.tnum(w), rng.tnum(w));
                let want = native(&a, &b);
                let inputs = [a.v(), a.m(), b.v(), b.m()];
                assert_eq!(m.run(&inputs), &[want.v(), want.m()][..], "{name}: {a} {b}");
                if i % 20 == 0 {
                    assert_eq!(generic(&op, &[w; 4], &inputs), vec![want.v(), want.m()]);
                }
            }
        }
    }
}

/// The unary and word-argument tnum operators, exhaustively at 6 bits and randomly at 64.
#[test]
fn traced_tnum_shifts_neg_range_and_step_equal_native() {
    type ByWord = fn(&Tnum, &Bv) -> Tnum;
    let shifts: [(&str, ByWord); 3] = [
        ("lshift", Tnum::lshift),
        ("rshift", Tnum::rshift),
        ("arshift", Tnum::arshift),
    ];
    let mut rng = Rng(2);
    for w in [6u32, 64] {
        let tnums: Vec<Tnum> = if w == 6 {
            Tnum::all(w).collect()
        } else {
            (0..2_000).map(|_| rng.tnum(w)).collect()
        };
        let words: Vec<u64> = if w == 6 {
            (0..64).collect()
        } else {
            (0..70).chain((0..30).map(|_| rng.next())).collect()
        };
        let run = |name: &str| build(name, w).compile();
        let (neg, range, step) = (run("tnum.neg"), run("tnum.range"), run("tnum.step"));
        let (mut neg, mut range, mut step) = (neg.machine(), range.machine(), step.machine());
        for (name, native) in shifts {
            let c = run(&format!("tnum.{name}"));
            let mut m = c.machine();
            for a in &tnums {
                for &k in &words {
                    let want = native(a, &Bv::new(w, k));
                    assert_eq!(
                        m.run(&[a.v(), a.m(), k]),
                        &[want.v(), want.m()][..],
                        "{name}"
                    );
                }
            }
        }
        for a in &tnums {
            let want = a.neg();
            assert_eq!(
                neg.run(&[a.v(), a.m()]),
                &[want.v(), want.m()][..],
                "neg {a}"
            );
            for &z in words.iter().take(20) {
                let want = a.step(&Bv::new(w, z)).get();
                assert_eq!(step.run(&[a.v(), a.m(), z]), &[want][..], "step {a} {z}");
            }
            let (lo, hi) = (a.v(), a.v() | a.m());
            let want = Tnum::range(&Bv::new(w, lo), &Bv::new(w, hi));
            assert_eq!(
                range.run(&[lo, hi]),
                &[want.v(), want.m()][..],
                "range {lo} {hi}"
            );
        }
    }
}

/// The 64-bit-only tnum operators (half registers, byte swaps) on random tnums.
#[test]
fn traced_tnum_half_register_and_byte_swap_operators_equal_native() {
    let mut rng = Rng(5);
    type Unary = fn(&Tnum) -> Tnum;
    let unary: [(&str, Unary); 5] = [
        ("subreg", |a| a.subreg()),
        ("clear_subreg", |a| a.clear_subreg()),
        ("bswap16", |a| a.bswap(16)),
        ("bswap32", |a| a.bswap(32)),
        ("bswap64", |a| a.bswap(64)),
    ];
    for (name, native) in unary {
        let c = build(&format!("tnum.{name}"), 64).compile();
        let mut m = c.machine();
        for _ in 0..2_000 {
            let a = rng.tnum(64);
            let want = native(&a);
            assert_eq!(
                m.run(&[a.v(), a.m()]),
                &[want.v(), want.m()][..],
                "{name} {a}"
            );
        }
        assert!(library::build(&format!("tnum.{name}"), 32).is_none());
    }
    let c = build("tnum.with_subreg", 64).compile();
    let mut m = c.machine();
    for _ in 0..2_000 {
        let (a, b) = (rng.tnum(64), rng.tnum(64));
        let want = a.with_subreg(&b);
        let got = m.run(&[a.v(), a.m(), b.v(), b.m()]);
        assert_eq!(got, &[want.v(), want.m()][..], "with_subreg {a} {b}");
    }
}

/// Every interval operator: exhaustively on 4-bit intervals (compiled; generic on a sample),
/// randomly at 8 and 64 bits.
#[test]
fn traced_interval_operators_equal_native() {
    let mut rng = Rng(3);
    for &(name, native) in UNATIVE {
        let op4 = build(&format!("uinterval.{name}"), 4);
        let c4 = op4.compile();
        let mut m = c4.machine();
        let all: Vec<UInterval> = UInterval::all(4).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all {
                let want = native(a, b);
                let inputs = [a.lo_u64(), a.hi_u64(), b.lo_u64(), b.hi_u64()];
                let want = [want.lo_u64(), want.hi_u64()];
                assert_eq!(m.run(&inputs), &want[..], "uinterval.{name} {a} {b}");
                if i % 7 == 0 {
                    assert_eq!(generic(&op4, &[4; 4], &inputs), want.to_vec());
                }
            }
        }
        for w in [8u32, 64] {
            let c = build(&format!("uinterval.{name}"), w).compile();
            let mut m = c.machine();
            for _ in 0..3_000 {
                let ((al, ah), (bl, bh)) = (rng.sorted(w, false), rng.sorted(w, false));
                let a = UInterval::from_bounds(Bv::new(w, al), Bv::new(w, ah));
                let b = UInterval::from_bounds(Bv::new(w, bl), Bv::new(w, bh));
                let want = native(&a, &b);
                let got = m.run(&[al, ah, bl, bh]);
                assert_eq!(
                    got,
                    &[want.lo_u64(), want.hi_u64()][..],
                    "uinterval.{name} {a} {b}"
                );
            }
        }
    }
    for &(name, native) in SNATIVE {
        for w in [4u32, 8, 64] {
            let c = build(&format!("sinterval.{name}"), w).compile();
            let mut m = c.machine();
            let pairs: Vec<(SInterval, SInterval)> = if w == 4 {
                let all: Vec<SInterval> = SInterval::all(4).collect();
                all.iter()
                    .flat_map(|a| all.iter().map(move |b| (*a, *b)))
                    .collect()
            } else {
                (0..3_000)
                    .map(|_| {
                        let ((al, ah), (bl, bh)) = (rng.sorted(w, true), rng.sorted(w, true));
                        (
                            SInterval::from_bounds(Bv::new(w, al), Bv::new(w, ah)),
                            SInterval::from_bounds(Bv::new(w, bl), Bv::new(w, bh)),
                        )
                    })
                    .collect()
            };
            for (a, b) in pairs {
                let want = native(&a, &b);
                let got = m.run(&[a.lo.get(), a.hi.get(), b.lo.get(), b.hi.get()]);
                assert_eq!(
                    got,
                    &[want.lo.get(), want.hi.get()][..],
                    "sinterval.{name} {a} {b}"
                );
            }
        }
    }
    // The negations.
    let (un, sn) = (
        build("uinterval.neg", 6).compile(),
        build("sinterval.neg", 6).compile(),
    );
    let (mut un, mut sn) = (un.machine(), sn.machine());
    for a in UInterval::all(6) {
        let want = a.neg();
        assert_eq!(
            un.run(&[a.lo_u64(), a.hi_u64()]),
            &[want.lo_u64(), want.hi_u64()][..]
        );
    }
    for a in SInterval::all(6) {
        let want = a.neg();
        assert_eq!(
            sn.run(&[a.lo.get(), a.hi.get()]),
            &[want.lo.get(), want.hi.get()][..]
        );
    }
}

/// A random scalar state: a random tnum and bounds (not necessarily consistent: the traced and
/// native code compute the same function on every input).
fn random_scalar(rng: &mut Rng) -> Scalar {
    let t = rng.tnum(64);
    let (smin, smax) = rng.sorted(64, true);
    let (umin, umax) = rng.sorted(64, false);
    let (s32_min, s32_max) = rng.sorted(32, true);
    let (u32_min, u32_max) = rng.sorted(32, false);
    Scalar {
        var_off: t,
        smin: Bv::u64(smin),
        smax: Bv::u64(smax),
        umin: Bv::u64(umin),
        umax: Bv::u64(umax),
        s32_min: Bv::new(32, s32_min),
        s32_max: Bv::new(32, s32_max),
        u32_min: Bv::new(32, u32_min),
        u32_max: Bv::new(32, u32_max),
    }
}

fn raw(s: &Scalar) -> Vec<u64> {
    scalar_fields(s).iter().map(|b| b.get()).collect()
}

/// The kernel's register-level steps (`reg_bounds_sync` and every register-form ALU operation
/// at 64 and 32 bits), traced, equal the native steps on random states, compiled and generic.
#[test]
fn traced_kernel_register_steps_equal_native_on_random_states() {
    let mut rng = Rng(4);
    let widths: Vec<u32> = absint_scalar_widths();
    let sync_op = build("scalar.sync", 64);
    let c = sync_op.compile();
    let mut m = c.machine();
    for i in 0..2_000 {
        let s = random_scalar(&mut rng);
        let want = raw(&sync(&s));
        assert_eq!(m.run(&raw(&s)), &want[..], "sync {s:?}");
        if i % 50 == 0 {
            assert_eq!(generic(&sync_op, &widths, &raw(&s)), want);
        }
    }
    for (prefix, width) in [("alu64", Width::W64), ("alu32", Width::W32)] {
        for op in AluOp::ALL {
            let insn = Insn::Alu {
                width,
                op,
                dst: Reg::R0,
                src: Operand::Reg(Reg::new(1).expect("r1")),
            };
            let name = format!("{prefix}.{}", alu_name(op));
            let traced = build(&name, 64);
            let c = traced.compile();
            let mut m = c.machine();
            for i in 0..300 {
                let (dst, src) = (random_scalar(&mut rng), random_scalar(&mut rng));
                let want = raw(&alu(&insn, &dst, &src).expect("register form").state);
                let inputs: Vec<u64> = raw(&dst).into_iter().chain(raw(&src)).collect();
                assert_eq!(m.run(&inputs), &want[..], "{name} {dst:?} {src:?}");
                if i % 100 == 0 {
                    let w2: Vec<u32> = widths.iter().chain(&widths).copied().collect();
                    assert_eq!(generic(&traced, &w2, &inputs), want, "{name}");
                }
            }
        }
    }
}

/// The widths of a scalar state's fields, in order.
fn absint_scalar_widths() -> Vec<u32> {
    synth::ir::graph::SCALAR_FIELDS
        .iter()
        .map(|(_, w)| *w)
        .collect()
}

/// Tracing shares and folds: the 64-bit multiplication stays far below the size of its
/// unshared expansion, and the traced add is exactly its eight operations.
#[test]
fn tracing_shares_nodes_and_folds_constants() {
    let add = build("tnum.add", 64);
    let ops = add.nodes().iter().filter(|n| n.op.name().is_some()).count();
    assert_eq!(ops, 8);
    let mul = build("tnum.mul", 64);
    // 64 rounds of add (8 ops), union (5), four selects, two shifts and the bit tests: under
    // 30 nodes a round, where the unshared expression tree would grow exponentially.
    assert!(mul.nodes().len() < 64 * 30, "{} nodes", mul.nodes().len());
    // The first round starts from the constant 0: its add and union fold away.
    let mul8 = build("tnum.mul", 8);
    assert!(mul8.nodes().len() < 8 * 30, "{} nodes", mul8.nodes().len());
}
