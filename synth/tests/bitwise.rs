//! Interval and/or/xor in closed form ([`synth::pieces::bitwise`]): equal to absint's Warren
//! searches on every pair of 5-bit intervals (6 bits behind `--ignored`) and on random 64-bit
//! ones, sound at 64 and 32 bits by z3, never less precise than the kernel's way, and a broken
//! mutant refuted.

use absint::domain::interval::{SInterval, UInterval};
use absint::word::{Bv, Word};
use proptest::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use synth::catalog::{Abs, Catalog, Eval, GenericOperator, Kind};
use synth::pieces::bitwise::{self, Bitwise, BitwiseOperator, Form};
use synth::precision::prove::{at_least_as_precise, Verdict as PrecisionVerdict};
use synth::precision::BinaryOp;
use synth::verify::{combine, exhaustive, prove_z3, Verdict};

/// absint's operator (Warren's searches; signed: lifted by splitting at zero).
fn warren(op: Bitwise, a: &UInterval<Bv>, b: &UInterval<Bv>) -> UInterval<Bv> {
    match op {
        Bitwise::And => a.and(b),
        Bitwise::Or => a.or(b),
        Bitwise::Xor => a.xor(b),
    }
}

fn warren_signed(op: Bitwise, a: &SInterval<Bv>, b: &SInterval<Bv>) -> SInterval<Bv> {
    match op {
        Bitwise::And => a.and(b),
        Bitwise::Or => a.or(b),
        Bitwise::Xor => a.xor(b),
    }
}

/// The first pair of unsigned `width`-bit intervals where the closed form and Warren's search
/// differ.
fn unsigned_mismatch(op: Bitwise, width: u32) -> Option<String> {
    let all: Vec<UInterval<Bv>> = UInterval::all(width).collect();
    all.iter().find_map(|a| {
        all.iter().find_map(|b| {
            let (closed, w) = (op.closed(a, b), warren(op, a, b));
            (closed != w).then(|| format!("{op:?} {a} {b}: closed {closed}, Warren {w}"))
        })
    })
}

/// The first pair of signed `width`-bit intervals where the lifted closed form and absint's
/// differ.
fn signed_mismatch(op: Bitwise, width: u32) -> Option<String> {
    let all: Vec<SInterval<Bv>> = SInterval::all(width).collect();
    all.iter().find_map(|a| {
        all.iter().find_map(|b| {
            let closed = bitwise::signed_closed(op, a, b);
            let w = warren_signed(op, a, b);
            (closed != w).then(|| format!("{op:?} {a} {b}: closed {closed}, absint {w}"))
        })
    })
}

#[test]
fn closed_forms_equal_warren_on_every_pair_of_5_bit_intervals() {
    for op in Bitwise::ALL {
        assert_eq!(unsigned_mismatch(op, 5), None);
        assert_eq!(signed_mismatch(op, 5), None);
    }
}

/// 4,326,400 pairs per operation and order (about a minute in the dev profile).
#[test]
#[ignore]
fn closed_forms_equal_warren_on_every_pair_of_6_bit_intervals() {
    let t = Instant::now();
    for op in Bitwise::ALL {
        assert_eq!(unsigned_mismatch(op, 6), None);
        assert_eq!(signed_mismatch(op, 6), None);
    }
    eprintln!("6-bit equality: {:.1} s", t.elapsed().as_secs_f64());
}

#[test]
fn smear_sets_every_bit_below_the_top_one() {
    for w in 1..=8u32 {
        for x in 0..(1u64 << w) {
            let s = bitwise::smear(&Bv::new(w, x)).get();
            let expect = if x == 0 {
                0
            } else {
                (1u64 << (64 - x.leading_zeros())) - 1
            };
            assert_eq!(s, expect, "smear({x:#x}) at {w} bits");
            assert_eq!(
                bitwise::top_bit(&Bv::new(w, x)).get(),
                expect ^ (expect >> 1)
            );
        }
    }
    let x = Bv::u64(0x0000_0400_0000_0001);
    assert_eq!(bitwise::smear(&x).get(), 0x0000_07ff_ffff_ffff);
    assert_eq!(bitwise::below_top(&x).get(), 0x0000_03ff_ffff_ffff);
}

/// An interval of `width` bits from two random words.
fn uint_of(width: u32, p: u64, q: u64) -> UInterval<Bv> {
    let (p, q) = (Bv::new(width, p), Bv::new(width, q));
    UInterval::from_bounds(p.umin(&q), p.umax(&q))
}

fn sint_of(width: u32, p: u64, q: u64) -> SInterval<Bv> {
    let (p, q) = (Bv::new(width, p), Bv::new(width, q));
    SInterval::from_bounds(p.smin(&q), p.smax(&q))
}

/// A random word with long runs of equal bits (bounds sharing a prefix are where the
/// searches do their work).
fn runs() -> impl Strategy<Value = u64> {
    (any::<u64>(), any::<u64>(), 0u32..64).prop_map(|(x, y, k)| x ^ (y >> k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// At 64 bits too the closed forms are Warren's searches, bound for bound.
    #[test]
    fn closed_forms_equal_warren_at_64_bits(p in runs(), q in runs(), r in runs(), s in runs()) {
        for op in Bitwise::ALL {
            let (a, b) = (uint_of(64, p, q), uint_of(64, r, s));
            prop_assert_eq!(op.closed(&a, &b), warren(op, &a, &b), "{:?} {} {}", op, a, b);
            let (a, b) = (sint_of(64, p, q), sint_of(64, r, s));
            prop_assert_eq!(
                bitwise::signed_closed(op, &a, &b),
                warren_signed(op, &a, &b),
                "{:?} {} {}", op, a, b
            );
        }
    }

    /// De Morgan: `x | y = !(!x & !y)`, and `!` maps `[a, b]` to `[!b, !a]`; so the exact
    /// bounds of `or` are those of `and` on the complemented intervals, complemented.
    #[test]
    fn or_is_de_morgan_of_and(p in runs(), q in runs(), r in runs(), s in runs(), w in 1u32..=64) {
        let (a, b) = (uint_of(w, p, q), uint_of(w, r, s));
        let not = |i: &UInterval<Bv>| UInterval::from_bounds(i.hi.bvnot(), i.lo.bvnot());
        prop_assert_eq!(bitwise::or(&a, &b), not(&bitwise::and(&not(&a), &not(&b))));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Each bound is attained by some pair of members (checked on 7-bit intervals by
    /// search), so the bounds are the tightest.
    #[test]
    fn bounds_are_attained_at_7_bits(p in 0u64..128, q in 0u64..128, r in 0u64..128, s in 0u64..128) {
        let (a, b) = (uint_of(7, p, q), uint_of(7, r, s));
        for op in Bitwise::ALL {
            let res = op.closed(&a, &b);
            let values: Vec<u64> = a.members().flat_map(|x| b.members().map(move |y| (x, y)))
                .map(|(x, y)| op.concrete(&Bv::new(7, x), &Bv::new(7, y)).get())
                .collect();
            prop_assert_eq!(values.iter().min().copied(), Some(res.lo.get()));
            prop_assert_eq!(values.iter().max().copied(), Some(res.hi.get()));
        }
    }
}

#[test]
fn every_closed_form_is_proved_sound_at_64_and_32_bits() {
    for signed in [false, true] {
        for op in Bitwise::ALL {
            for width in [64, 32] {
                let t = Instant::now();
                let lemmas = bitwise::proof(op, signed, width, Duration::from_secs(120));
                let v = combine(&lemmas);
                assert!(
                    v.is_valid(),
                    "{} at {width}: {lemmas:?}",
                    bitwise::closed_name(op, signed)
                );
                eprintln!(
                    "{} at {width} bits: valid, {} lemmas, {:.2} s",
                    bitwise::closed_name(op, signed),
                    lemmas.len(),
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}

#[test]
fn every_operator_is_in_the_catalog_and_sound_exhaustively_at_4_bits() {
    let catalog = Catalog::reference();
    for op in bitwise::operators() {
        assert!(catalog.get(op.name()).is_some(), "{}", op.name());
        let v = exhaustive(op.as_ref(), 4);
        assert!(v.is_valid(), "{}: {v:?}", op.name());
    }
    assert_eq!(bitwise::operators().len(), 12);
}

/// `min_and` with the feasibility mask `sa | sc` changed: `Mask::Both` takes `sa & sc` (a bit
/// counts only where both operands could move), which sets the lower bound too high: z3
/// refutes it at 64 bits. `Mask::None` drops the mask: every bit counts, the bound is lower
/// than the exact one, so that mutant is sound but imprecise.
#[derive(Clone, Copy)]
enum Mask {
    Both,
    None,
}

struct MinAndMutant(Mask);

impl GenericOperator for MinAndMutant {
    fn name(&self) -> &str {
        match self.0 {
            Mask::Both => "mutant.uint.and.closed.mask_both",
            Mask::None => "mutant.uint.and.closed.unmasked",
        }
    }
    fn summary(&self) -> &str {
        "uint.and.closed with min_and's feasibility mask changed"
    }
    fn args(&self) -> Vec<Kind> {
        vec![Kind::UInt, Kind::UInt]
    }
    fn result(&self) -> Kind {
        Kind::UInt
    }
    fn supports_width(&self, width: u32) -> bool {
        (1..=64).contains(&width)
    }
    fn eval<W: Word>(&self, _width: u32, args: &[Abs<W>], xs: &[W]) -> Eval<W> {
        let (a, b) = (args[0].uint(), args[1].uint());
        let sa = bitwise::smear(&a.lo.bvxor(&a.hi));
        let sc = bitwise::smear(&b.lo.bvxor(&b.hi));
        let t = a.lo.bvnot().bvand(&b.lo.bvnot());
        let t = match self.0 {
            Mask::Both => t.bvand(&sa.bvand(&sc)),
            Mask::None => t,
        };
        let lo = a.lo.bvand(&b.lo).bvand(&bitwise::below_top(&t).bvnot());
        let hi = bitwise::max_and(&a.lo, &a.hi, &b.lo, &b.hi);
        Eval::plain(
            Abs::UInt(UInterval::from_bounds(lo, hi)),
            xs[0].bvand(&xs[1]),
        )
    }
}

#[test]
fn the_mask_both_mutant_is_refuted_by_z3_at_64_bits() {
    let v = prove_z3(&MinAndMutant(Mask::Both), 64, Duration::from_secs(60));
    let Verdict::Counterexample(cex) = &v else {
        panic!("expected a counterexample, got {v:?}");
    };
    // The model is confirmed on concrete words: the and of the members is below the bound,
    // and the closed form covers it.
    let (x, y) = (cex.members[0], cex.members[1]);
    let Abs::UInt(r) = &cex.result else {
        panic!("not an interval: {}", cex.result)
    };
    assert!(x.bvand(&y).get() < r.lo.get(), "{cex}");
    let closed = bitwise::and(cex.args[0].uint(), cex.args[1].uint());
    assert!(closed.has(x.bvand(&y).get()));
}

#[test]
fn the_unmasked_mutant_is_sound_but_not_exact() {
    let unmasked = MinAndMutant(Mask::None);
    assert!(exhaustive(&unmasked, 4).is_valid());
    // [1, 2] & [1, 1]: the exact minimum is 0 (2 & 1), the mutant's too; [2, 3] & [1, 1]:
    // the exact minimum is 0 (2 & 1)... the first pair where they differ:
    let all: Vec<UInterval<Bv>> = UInterval::all(4).collect();
    let differs = all.iter().any(|a| {
        all.iter().any(|b| {
            let args = [Abs::UInt(*a), Abs::UInt(*b)];
            let m = unmasked.eval(4, &args, &[a.lo, b.lo]).result;
            m.uint().lo != bitwise::and(a, b).lo
        })
    });
    assert!(differs, "dropping the mask should lose precision somewhere");
}

/// Is the closed form of `op` at least as precise as the kernel's way at `width` bits (z3)?
fn assert_at_least_as_precise(op: Bitwise, signed: bool, width: u32) {
    let t = Instant::now();
    let closed = BinaryOp::new(Arc::new(BitwiseOperator::new(op, signed, Form::Closed)));
    let kernel = BinaryOp::new(Arc::new(BitwiseOperator::new(op, signed, Form::KernelWay)));
    let (Ok(closed), Ok(kernel)) = (closed, kernel) else {
        panic!("not binary operators");
    };
    let v = at_least_as_precise(&closed, &kernel, width, Duration::from_secs(120));
    assert!(
        matches!(v, Ok(PrecisionVerdict::Valid)),
        "{} at {width} bits: {v:?}",
        bitwise::closed_name(op, signed)
    );
    eprintln!(
        "{} ⊑ {} at {width} bits: valid, {:.1} s",
        bitwise::closed_name(op, signed),
        bitwise::kernel_way_name(op, signed),
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn the_closed_and_or_are_at_least_as_precise_as_the_kernels_way_at_64_bits() {
    assert_at_least_as_precise(Bitwise::And, false, 64);
    assert_at_least_as_precise(Bitwise::Or, false, 64);
}

/// `uint.xor` 12 s, `sint.and` 16 s, `sint.or` 50 s at 64 bits; `sint.xor` did not finish in
/// eight minutes at 64 bits, so it is checked at 32.
#[test]
#[ignore]
fn the_other_closed_forms_are_at_least_as_precise_as_the_kernels_way() {
    assert_at_least_as_precise(Bitwise::Xor, false, 64);
    assert_at_least_as_precise(Bitwise::And, true, 64);
    assert_at_least_as_precise(Bitwise::Or, true, 64);
    assert_at_least_as_precise(Bitwise::Xor, true, 32);
}

#[test]
fn the_kernels_way_matches_the_kernel_model_on_its_examples() {
    // [0, 3] & [4, 7]: tnums (0x0; 0x3) and (0x4; 0x3): and is (0x0; 0x3), so [0, min(3, 7)]
    // = [0, 3]; the exact result is [0, 3] too.
    let a = UInterval::new(64, 0, 3).unwrap_or_else(|| UInterval::full(64));
    let b = UInterval::new(64, 4, 7).unwrap_or_else(|| UInterval::full(64));
    let k = bitwise::kernel_way(Bitwise::And, &a, &b);
    assert_eq!((k.lo_u64(), k.hi_u64()), (0, 3));
    // [1, 2] | [1, 2]: tnum (0x0; 0x3) | (0x0; 0x3) = (0x0; 0x3): [max(1, 1), 3] = [1, 3];
    // the exact [1, 3].
    let c = UInterval::new(64, 1, 2).unwrap_or_else(|| UInterval::full(64));
    let k = bitwise::kernel_way(Bitwise::Or, &c, &c);
    assert_eq!((k.lo_u64(), k.hi_u64()), (1, 3));
    // [4, 5] ^ [4, 5]: tnum (0x4; 0x1) ^ (0x4; 0x1) = (0x0; 0x1): [0, 1], exact.
    // [3, 4] ^ [3, 4]: tnums (0x0; 0x7): [0, 7]; the exact result is [0, 7] (3 ^ 4).
    // [2, 5] ^ [0, 0]: tnum (0x0; 0x7): [0, 7]; exact [2, 5].
    let d = UInterval::new(64, 2, 5).unwrap_or_else(|| UInterval::full(64));
    let z = UInterval::const_u(64, 0);
    let k = bitwise::kernel_way(Bitwise::Xor, &d, &z);
    assert_eq!((k.lo_u64(), k.hi_u64()), (0, 7));
    let e = bitwise::xor(&d, &z);
    assert_eq!((e.lo_u64(), e.hi_u64()), (2, 5));
}

#[test]
fn the_meet_targets_offer_warren_the_closed_form_and_the_kernels_way() {
    let targets = bitwise::meet_targets();
    let names: Vec<String> = targets.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        ["uint.and", "uint.or", "uint.xor", "sint.and", "sint.or", "sint.xor"]
    );
    for t in &targets {
        let pool: Vec<&str> = t.pool.iter().map(|p| p.op.name()).collect();
        let base = t.name();
        assert_eq!(
            pool,
            [
                base.clone(),
                format!("{base}.closed"),
                format!("{base}.kernel_way")
            ]
        );
        assert_eq!(t.reference, Some(format!("{base}.kernel_way").as_str()));
        // Every target is also reachable by name, as `vernier synth` looks it up.
        assert!(synth::synthesis::meet::by_name(t.domain.name(), t.op).is_some());
    }
}

#[test]
fn the_meet_search_selects_the_closed_form_for_uint_or() {
    use synth::synthesis::meet::{search, MeetConfig};
    let target = bitwise::meet_target(Bitwise::Or, false);
    let cfg = MeetConfig {
        prove_widths: vec![32],
        measure: false,
        ..MeetConfig::default()
    };
    let out = search(&target, &cfg);
    assert_eq!(out.selected, ["uint.or.closed"]);
    let sel = out.selection.as_ref().map(|f| (f.exact, f.pairs));
    assert_eq!(sel, Some((278_784, 278_784)));
}

#[test]
fn warren_searches_equal_the_closed_forms_by_z3_at_8_bits() {
    for (name, v) in bitwise::prove_warren_equal(8, Duration::from_secs(60)) {
        assert!(v.is_valid(), "{name}: {v:?}");
    }
}

/// The z3 equivalence of absint's searches and the closed forms at wider widths:
/// `BITWISE_WIDTHS=16,32` (default 16), `BITWISE_TIMEOUT` seconds per bound (default 120).
/// Prints each bound's verdict and time; fails only on a refutation (a model where the two
/// differ), not on a timeout.
#[test]
#[ignore]
fn warren_searches_equal_the_closed_forms_at_wider_widths() {
    let widths: Vec<u32> = std::env::var("BITWISE_WIDTHS")
        .ok()
        .map(|s| s.split(',').filter_map(|w| w.parse().ok()).collect())
        .unwrap_or_else(|| vec![16]);
    let timeout = std::env::var("BITWISE_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    // `BITWISE_OPS=and,or` restricts the operations.
    let ops: Vec<Bitwise> = std::env::var("BITWISE_OPS")
        .map(|s| {
            Bitwise::ALL
                .into_iter()
                .filter(|op| s.split(',').any(|o| o == op.short()))
                .collect()
        })
        .unwrap_or_else(|_| Bitwise::ALL.to_vec());
    for w in widths {
        let queries = ops.iter().flat_map(|&op| [(op, false), (op, true)]);
        for (op, upper) in queries {
            let l = bitwise::warren_equal_lemma(op, upper, w, Duration::from_secs(timeout));
            eprintln!(
                "{}: {} ({:.1} s)",
                l.name,
                l.verdict.label(),
                l.elapsed.as_secs_f64()
            );
            let refuted = matches!(&l.verdict, Verdict::Unknown(r) if r.contains("refuted"));
            assert!(!refuted, "{}: {:?}", l.name, l.verdict);
        }
    }
}
