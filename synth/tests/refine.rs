//! The tnum ↔ range refinement (`synth::synthesis::refine`): the pieces' soundness (exhaustive
//! at 4 bits, z3 at 32 and 64 bits through the compositional lemmas), the exact pieces'
//! exactness and every piece's exact share on the 5-bit grid as measured, the kernel's piece
//! against absint's synchronisation stages at 64 bits, the unsound candidates refuted by the
//! exhaustive check and by z3, and the search end to end on small widths.

use absint::domain::interval::UInterval;
use absint::domain::kernel::sync::{bound_offset, sync, update_bounds64};
use absint::domain::scalar::Scalar;
use absint::domain::tnum::Tnum;
use absint::rng::splitmix64;
use absint::word::Bv;
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use synth::catalog::Operator;
use synth::synthesis::refine::grid::PairGrid;
use synth::synthesis::refine::pieces::{
    greatest_member_at_most, kernel_refine, least_member_at_least, Output, Piece, RefinePiece,
    TnumRange,
};
use synth::synthesis::refine::proof::{certify_exact, combine, prove_piece};
use synth::synthesis::refine::{operators, search, unsound_operators, RefineConfig, RefineTarget};
use synth::synthesis::Status;
use synth::verify::{exhaustive, prove_z3, Verdict};

fn label(v: &Verdict) -> String {
    match v {
        Verdict::Counterexample(c) => c.to_string(),
        Verdict::Unknown(r) => r.clone(),
        Verdict::Valid => "valid".into(),
    }
}

#[test]
fn every_sound_piece_is_sound_exhaustively_at_4_bits_and_every_candidate_is_refuted() {
    assert_eq!(operators().len(), 16);
    for op in operators() {
        let v = exhaustive(op.as_ref(), 4);
        assert!(v.is_valid(), "{}: {}", op.name(), label(&v));
    }
    for op in unsound_operators() {
        let v = exhaustive(op.as_ref(), 4);
        assert!(v.counterexample().is_some(), "{}: {}", op.name(), label(&v));
    }
}

/// Exact pairs of `piece` on the 5-bit grid (pairs with S ≠ ∅), and the scored pairs.
fn exact_on(grid: &PairGrid, piece: Piece, output: Output) -> (u64, u64) {
    let results = grid.results(&RefinePiece::new(piece, output));
    let mut exact = 0;
    let mut scored = 0;
    for (k, r) in results.iter().enumerate() {
        if let Some(best) = grid.best(output, k) {
            scored += 1;
            exact += u64::from(best == *r);
        }
    }
    (exact, scored)
}

#[test]
fn exact_shares_on_the_5_bit_grid_are_as_measured() {
    let grid = PairGrid::new(5);
    assert_eq!(grid.len(), 243 * 528);
    assert_eq!(grid.empty(), 54_412);
    let measured = [
        (Output::Tnum, Piece::Exact, 73_892),
        (Output::Tnum, Piece::Kernel, 63_988),
        (Output::Tnum, Piece::Range, 43_964),
        (Output::Tnum, Piece::Clamp, 53_568),
        (Output::Tnum, Piece::Low, 56_660),
        (Output::Tnum, Piece::High, 56_660),
        (Output::Tnum, Piece::Identity, 33_332),
        (Output::UInt, Piece::Exact, 73_892),
        (Output::UInt, Piece::Kernel, 57_164),
        (Output::UInt, Piece::Clamp, 37_012),
        (Output::UInt, Piece::Low, 16_896),
        (Output::UInt, Piece::High, 16_896),
        (Output::UInt, Piece::ViaRange, 43_660),
        (Output::UInt, Piece::Identity, 4_400),
    ];
    for (output, piece, want) in measured {
        let (exact, scored) = exact_on(&grid, piece, output);
        assert_eq!(scored, 73_892);
        assert_eq!(exact, want, "{output:?} {piece:?}");
    }
    // Signed intervals: the same counts, by the sign flip (the kernel's signed bounds are the
    // unsigned clamp's image).
    let grid = PairGrid::signed(5);
    assert_eq!(grid.empty(), 54_412);
    for (piece, want) in [
        (Piece::Exact, 73_892),
        (Piece::Kernel, 37_012),
        (Piece::Low, 16_896),
        (Piece::High, 16_896),
        (Piece::Identity, 4_400),
    ] {
        let (exact, scored) = exact_on(&grid, piece, Output::SInt);
        assert_eq!((exact, scored), (want, 73_892), "{piece:?}");
    }
}

/// A seeded 64-bit tnum with at most `k` unknown bits and a range around one of its members
/// (or anywhere, every fourth time).
fn sample(seed: &mut u64) -> (Tnum<Bv>, UInterval<Bv>) {
    let mut mask = 0u64;
    let k = splitmix64(seed) % 12;
    for _ in 0..k {
        mask |= 1 << (splitmix64(seed) % 64);
    }
    let value = splitmix64(seed) & !mask;
    let t = Tnum::u64(value, mask);
    let x = value | (splitmix64(seed) & mask);
    let spread = |s: &mut u64| splitmix64(s) >> (splitmix64(s) % 64);
    let (lo, hi) = if splitmix64(seed).is_multiple_of(4) {
        let (a, b) = (splitmix64(seed), splitmix64(seed));
        (a.min(b), a.max(b))
    } else {
        (
            x.saturating_sub(spread(seed)),
            x.saturating_add(spread(seed)),
        )
    };
    (t, UInterval::from_bounds(Bv::u64(lo), Bv::u64(hi)))
}

#[test]
fn the_kernel_piece_is_absints_update_bound_offset_update_at_64_bits() {
    let mut seed = 5;
    let mut tighter_in_full_sync = 0;
    for _ in 0..20_000 {
        let (t, i) = sample(&mut seed);
        let ours = kernel_refine(&TnumRange { tnum: t, range: i });
        let s = Scalar {
            var_off: t,
            umin: i.lo,
            umax: i.hi,
            ..Scalar::unknown()
        };
        let theirs = update_bounds64(&bound_offset(&update_bounds64(&s)));
        assert_eq!(ours.tnum, theirs.var_off, "{t} {i}");
        assert_eq!(
            (ours.range.lo, ours.range.hi),
            (theirs.umin, theirs.umax),
            "{t} {i}"
        );
        // The full synchronisation adds the signed and 32-bit deductions: never less precise.
        let full = sync(&s);
        assert!(full.var_off.le(&ours.tnum), "{t} {i}");
        if full.var_off != ours.tnum || full.umin != ours.range.lo || full.umax != ours.range.hi {
            tighter_in_full_sync += 1;
        }
    }
    assert!(
        tighter_in_full_sync > 0,
        "the signed deductions never mattered"
    );
}

proptest! {
    #[test]
    fn nearest_members_are_the_brute_force_ones(v in any::<u64>(), bits in proptest::collection::vec(0u32..64, 0..9), z in any::<u64>()) {
        let mask = bits.iter().fold(0u64, |m, b| m | 1 << b);
        let t = Tnum::u64(v & !mask, mask);
        let z = Bv::u64(z);
        let above = t.members().filter(|&x| x >= z.get()).min();
        let below = t.members().filter(|&x| x <= z.get()).max();
        let (lo, lo_ok) = least_member_at_least(&t, &z);
        let (hi, hi_ok) = greatest_member_at_most(&t, &z);
        prop_assert_eq!(above, lo_ok.then_some(lo.get()));
        prop_assert_eq!(below, hi_ok.then_some(hi.get()));
    }
}

#[test]
fn z3_proves_the_exact_pieces_at_64_and_32_bits_by_their_lemmas() {
    for output in [Output::Tnum, Output::UInt] {
        for width in [32, 64] {
            let op = RefinePiece::new(Piece::Exact, output);
            let lemmas = prove_piece(&op, width, Duration::from_secs(120), &|f| f());
            assert!(lemmas.len() >= 3);
            let v = combine(&lemmas);
            assert!(v.is_valid(), "{output:?} at {width}: {}", label(&v));
        }
    }
}

#[test]
fn z3_certifies_the_exact_pieces_exact_at_64_and_32_bits() {
    for output in [Output::Tnum, Output::UInt] {
        for width in [32, 64] {
            let op = RefinePiece::new(Piece::Exact, output);
            let lemmas = certify_exact(&op, width, Duration::from_secs(120), &|f| f())
                .expect("the exact pieces have a certificate");
            let v = combine(&lemmas);
            assert!(v.is_valid(), "{output:?} at {width}: {}", label(&v));
        }
    }
    // The kernel's refinement is not exact, and the certificate says so with a witness.
    let kernel: Arc<dyn Operator> = RefinePiece::new(Piece::Kernel, Output::UInt).arc();
    let cert = synth::synthesis::refine::lemma::ExactnessCertificate::new(kernel);
    assert!(exhaustive(&cert, 4).counterexample().is_some());
}

#[test]
fn an_unsound_candidate_is_refuted_by_z3_at_64_bits_and_the_counterexample_is_real() {
    let op = RefinePiece::new(Piece::StepLo, Output::UInt);
    let v = prove_z3(&op, 64, Duration::from_secs(60));
    let Some(cex) = v.counterexample() else {
        panic!("expected a counterexample: {}", label(&v))
    };
    // The concrete result is a member of both arguments, and the refined range misses it.
    let x = cex.concrete.get();
    assert!(cex.args[0].tnum().has(x) && cex.args[1].uint().has(x));
    assert!(!cex.result.uint().has(x));
}

#[test]
fn the_search_on_small_grids_selects_the_exact_pieces_and_rejects_the_candidates() {
    let mutant: Arc<dyn Operator> = RefinePiece::new(Piece::OrValue, Output::Tnum).arc();
    let cfg = RefineConfig {
        prove_widths: vec![32],
        z3_timeout: Duration::from_secs(60),
        report_width: Some(4),
        check_width: Some(3),
        selection_width: Some(4),
        certify_exactness: false,
        extra_pieces: vec![mutant],
        ..RefineConfig::default()
    };
    let s = search(&RefineTarget::new(Output::Tnum), &cfg);
    assert_eq!(s.status, Status::Proved);
    assert_eq!(s.selected, vec!["tnum.refine.exact".to_string()]);
    let report = s.report.as_ref().expect("measured");
    assert_eq!((report.exact, report.unsound), (report.scored, 0));
    let versus = report.versus.as_ref().expect("against the kernel");
    assert_eq!(versus.worse, 0);
    assert!(versus.better > 0);
    // The two candidates of the pool and the extra mutant (the same operator as one of them:
    // deduplicated) are rejected with their counterexamples.
    assert_eq!(s.suite.len(), 2);
    assert!(s
        .suite
        .records()
        .iter()
        .all(|r| r.check.contains("exhaustive 3-bit")));
    let ir = s.ir(64).expect("traces");
    assert_eq!(ir.inputs().len(), 4);

    let s = search(
        &RefineTarget::new(Output::UInt),
        &RefineConfig {
            kernel_first: true,
            ..cfg
        },
    );
    assert_eq!(s.status, Status::Proved);
    assert_eq!(
        s.selected.first().map(String::as_str),
        Some("uint.refine.kernel")
    );
    assert_eq!(s.report.as_ref().map(|r| r.exact_percent), Some(100.0));
}

/// The book's examples: where the kernel's refinement loses precision and the exact one not.
#[test]
fn the_books_examples_are_what_the_pieces_compute() {
    let at4 = |v, m, lo, hi| {
        (
            Tnum::<Bv>::from_parts(4, v, m).expect("well-formed"),
            UInterval::<Bv>::new(4, lo, hi).expect("well-formed"),
        )
    };
    let show = |r: &TnumRange<Bv>| format!("{} {}", r.tnum, r.range);
    // γ(t) = {0, 4, 8, 12}, [1, 9]: S = {4, 8}.
    let (t, i) = at4(0, 0b1100, 1, 9);
    let kernel = refine_with(Piece::Kernel, &t, &i);
    let exact = refine_with(Piece::Exact, &t, &i);
    assert_eq!(show(&kernel), "(0x0; 0xc) [1, 9]");
    assert_eq!(show(&exact), "(0x0; 0xc) [4, 8]");
    // γ(t) = {0, 1, 2, 3, 8, 9, 10, 11}, [4, 9]: S = {8, 9}.
    let (t, i) = at4(0, 0b1011, 4, 9);
    assert_eq!(
        show(&refine_with(Piece::Kernel, &t, &i)),
        "(0x0; 0xb) [4, 9]"
    );
    assert_eq!(
        show(&refine_with(Piece::Exact, &t, &i)),
        "(0x8; 0x1) [8, 9]"
    );
    // The kernel's single-value case: γ(t) = {0, 2, 8, 10}, [3, 9]: S = {8}.
    let (t, i) = at4(0, 0b1010, 3, 9);
    assert_eq!(
        show(&refine_with(Piece::Kernel, &t, &i)),
        "(0x8; 0x0) [8, 8]"
    );
}

fn refine_with(piece: Piece, t: &Tnum<Bv>, i: &UInterval<Bv>) -> TnumRange<Bv> {
    synth::synthesis::refine::pieces::refine(piece, t, i)
}

/// The report a user reads, with its times (which vary) redacted.
#[test]
fn the_markdown_report_of_a_small_search() {
    let cfg = RefineConfig {
        prove_widths: vec![32],
        report_width: Some(3),
        check_width: Some(3),
        selection_width: Some(4),
        ..RefineConfig::default()
    };
    let s = search(&RefineTarget::new(Output::UInt), &cfg);
    let text = synth::synthesis::refine::report::to_markdown(&s);
    let redacted: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("- time") {
                "- (times redacted)".to_string()
            } else if l.starts_with('|') && l.trim_end().ends_with(" s |") {
                let cut = l.trim_end().trim_end_matches(" |");
                let end = cut.rfind('|').map_or(cut.len(), |i| i + 1);
                format!("{} (time) |", &cut[..end])
            } else {
                l.to_string()
            }
        })
        .collect();
    insta::assert_snapshot!(redacted.join("\n"));
}
