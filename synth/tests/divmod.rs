//! Interval div and mod as the meet of sound pieces: every piece and every meet is sound
//! (exhaustively at 4 bits, with z3 at 64 and 32 bits for the pieces z3 settles quickly; the
//! rest behind `--ignored`), and the meets are strictly more precise than the kernel's unknown
//! result, with the figures measured on every pair of 6-bit intervals.

use absint::domain::interval::{SInterval, UInterval};
use absint::word::{Bv, Word};
use std::time::Duration;
use synth::catalog::interval::IntervalOp;
use synth::catalog::Catalog;
use synth::pieces::divmod::{self, DivModOperator, Piece};
use synth::precision::{no_progress, BinaryOp, Grid};
use synth::verify::{exhaustive, prove_z3, Verdict};

/// The names of every divmod operator of the catalog.
fn names() -> Vec<String> {
    divmod::operators()
        .iter()
        .map(|o| o.name().to_string())
        .collect()
}

#[test]
fn the_catalog_lists_the_meets_their_cores_and_every_piece() {
    let names = names();
    for meet in [
        "uint.udiv.pieces",
        "uint.urem.pieces",
        "sint.sdiv.pieces",
        "sint.srem.pieces",
        "uint.udiv.pieces.core",
        "uint.urem.pieces.core",
        "sint.sdiv.pieces.core",
        "sint.srem.pieces.core",
    ] {
        assert!(names.iter().any(|n| n == meet), "{meet}");
        assert!(
            Catalog::reference().get(meet).is_some(),
            "{meet} in the reference catalog"
        );
    }
    assert_eq!(names.len(), 8 + Piece::ALL.len());
    assert!(names.contains(&"uint.urem.piece.same_quotient".to_string()));
}

#[test]
fn every_piece_and_meet_is_sound_exhaustively_at_4_bits() {
    for op in divmod::operators() {
        let v = exhaustive(op.as_ref(), 4);
        assert!(v.is_valid(), "{}: {v:?}", op.name());
    }
}

/// A piece that is unsound must be refuted: the checker is not vacuous on these operators.
#[test]
fn a_wrong_piece_is_refuted() {
    // `x % y ≤ y − 1` without the `b.lo ≥ 1` guard is wrong for y = 0 (x % 0 = x).
    struct Wrong;
    impl synth::catalog::GenericOperator for Wrong {
        fn name(&self) -> &str {
            "wrong.urem"
        }
        fn summary(&self) -> &str {
            "urem below b.hi - 1 even when 0 is a divisor"
        }
        fn args(&self) -> Vec<synth::catalog::Kind> {
            vec![synth::catalog::Kind::UInt; 2]
        }
        fn result(&self) -> synth::catalog::Kind {
            synth::catalog::Kind::UInt
        }
        fn supports_width(&self, _: u32) -> bool {
            true
        }
        fn eval<W: Word>(
            &self,
            _: u32,
            args: &[synth::catalog::Abs<W>],
            xs: &[W],
        ) -> synth::catalog::Eval<W> {
            let b = args[1].uint();
            let r =
                UInterval::from_bounds(b.lo.zero(), b.hi.bvsub(&b.lo.lit(1)).umax(&b.lo.zero()));
            synth::catalog::Eval::plain(synth::catalog::Abs::UInt(r), IntervalOp::Urem.concrete(xs))
        }
    }
    assert!(matches!(exhaustive(&Wrong, 4), Verdict::Counterexample(_)));
}

/// Pieces z3 proves in seconds at 64 and 32 bits (the others take minutes: see the book and
/// the ignored test below).
const QUICK: &[&str] = &[
    "uint.udiv.piece.below_dividend",
    "uint.udiv.piece.zero_divisor",
    "uint.urem.piece.zero_divisor",
    "sint.sdiv.piece.zero_divisor",
    "sint.srem.piece.zero_divisor",
];

fn prove_all(names: &[&str], width: u32, budget: Duration) {
    let catalog = Catalog::reference();
    for name in names {
        let op = catalog.get(name).unwrap_or_else(|| panic!("{name}"));
        let started = std::time::Instant::now();
        let v = prove_z3(op.as_ref(), width, budget);
        eprintln!(
            "{name:40} {width:2} {:14} {:.2}s",
            v.label(),
            started.elapsed().as_secs_f64()
        );
        assert!(v.is_valid(), "{name} at {width}: {v:?}");
    }
}

#[test]
fn quick_pieces_are_proved_sound_at_64_and_32_bits() {
    prove_all(QUICK, 64, Duration::from_secs(120));
    prove_all(QUICK, 32, Duration::from_secs(120));
}

/// Every piece and every meet, proved with z3 at 8 bits (all intervals, all members; about
/// 12 s in all).
#[test]
fn every_piece_and_meet_is_proved_sound_at_8_bits() {
    let all = names();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    prove_all(&refs, 8, Duration::from_secs(120));
}

/// Every piece and meet with z3 at 64 and 32 bits (minutes; `cargo test -- --ignored`).
#[test]
#[ignore]
fn every_piece_and_meet_is_proved_sound_at_64_and_32_bits() {
    let all = names();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    prove_all(&refs, 64, Duration::from_secs(1800));
    prove_all(&refs, 32, Duration::from_secs(1800));
}

/// The share of 6-bit pairs where the meet's result is not the full range (the kernel's
/// result for every pair), and the exact share against the best transformer.
fn figures(name: &str) -> (u64, u64, u64, u64) {
    let op = BinaryOp::by_name(name).unwrap();
    let grid = Grid::full(6).unwrap();
    let concrete = |x: u64, y: u64| {
        let (a, b) = (Bv::new(6, x), Bv::new(6, y));
        let op = match name.split('.').nth(1) {
            Some("udiv") => IntervalOp::Udiv,
            Some("urem") => IntervalOp::Urem,
            Some("sdiv") => IntervalOp::Sdiv,
            _ => IntervalOp::Srem,
        };
        op.concrete(&[a, b]).get()
    };
    let catalog_op = op.operator().clone();
    let signed = name.starts_with("sint");
    let (report, not_top) = if signed {
        let f = |a: &SInterval<Bv>, b: &SInterval<Bv>| -> SInterval<Bv> {
            let args = [synth::catalog::Abs::SInt(*a), synth::catalog::Abs::SInt(*b)];
            let xs = [a.lo, b.lo];
            *catalog_op.eval_bv(6, &args, &xs).result.sint()
        };
        let r = grid.against_best::<SInterval<Bv>>(concrete, f, &no_progress);
        let elems = grid.elements::<SInterval<Bv>>();
        let mut n = 0;
        for a in &elems {
            for b in &elems {
                let s = f(a, b);
                if !(s.lo.get() == 0x20 && s.hi.get() == 0x1f) {
                    n += 1;
                }
            }
        }
        ((r.pairs, r.exact, r.unsound), n)
    } else {
        let f = |a: &UInterval<Bv>, b: &UInterval<Bv>| -> UInterval<Bv> {
            let args = [synth::catalog::Abs::UInt(*a), synth::catalog::Abs::UInt(*b)];
            let xs = [a.lo, b.lo];
            *catalog_op.eval_bv(6, &args, &xs).result.uint()
        };
        let r = grid.against_best::<UInterval<Bv>>(concrete, f, &no_progress);
        let elems = grid.elements::<UInterval<Bv>>();
        let mut n = 0;
        for a in &elems {
            for b in &elems {
                let s = f(a, b);
                if !(s.lo.get() == 0 && s.hi.get() == 0x3f) {
                    n += 1;
                }
            }
        }
        ((r.pairs, r.exact, r.unsound), n)
    };
    let (pairs, exact, unsound) = report;
    (pairs, exact, unsound, not_top)
}

#[test]
fn the_meets_are_strictly_more_precise_than_unknown_at_6_bits() {
    for (name, min_exact, min_not_top) in [
        ("uint.udiv.pieces", 1.0, 0.998),
        ("uint.urem.pieces", 0.92, 0.999),
        ("sint.sdiv.pieces", 0.999, 0.98),
        ("sint.srem.pieces", 0.97, 0.999),
        ("uint.udiv.pieces.core", 0.05, 0.96),
        ("uint.urem.pieces.core", 0.5, 0.96),
        ("sint.sdiv.pieces.core", 0.5, 0.97),
        ("sint.srem.pieces.core", 0.74, 0.999),
    ] {
        let (pairs, exact, unsound, not_top) = figures(name);
        let (e, t) = (exact as f64 / pairs as f64, not_top as f64 / pairs as f64);
        eprintln!(
            "{name}: {pairs} pairs, exact {exact} ({:.3}%), not the full range {not_top} ({:.3}%)",
            100.0 * e,
            100.0 * t
        );
        assert_eq!(unsound, 0, "{name}");
        assert!(e >= min_exact, "{name}: exact share {e}");
        assert!(t >= min_not_top, "{name}: share not top {t}");
    }
}

/// Each meet is at least as precise as each of its pieces (the meet only narrows).
#[test]
fn a_meet_is_inside_each_of_its_pieces() {
    let elems: Vec<UInterval<Bv>> = Grid::full(4).unwrap().elements();
    let pieces: Vec<Piece> = Piece::ALL
        .into_iter()
        .filter(|p| p.op() == IntervalOp::Urem)
        .collect();
    for a in &elems {
        for b in &elems {
            let m = divmod::unsigned_meet(&pieces, a, b);
            for p in &pieces {
                let r = p.unsigned(a, b);
                assert!(r.includes(&m), "{p:?} on {a} {b}: {r} vs meet {m}");
            }
        }
    }
    assert_eq!(
        DivModOperator::meet(IntervalOp::Urem).pieces().len(),
        pieces.len()
    );
}

/// The signed division pieces lose nothing against absint's hand-written `SInterval::sdiv`
/// (corner quotients on each sign part of the divisor): equal on every pair of 4-bit intervals.
#[test]
fn sdiv_pieces_equal_the_hand_written_operator_at_4_bits() {
    let elems: Vec<SInterval<Bv>> = Grid::full(4).unwrap().elements();
    let pieces: Vec<Piece> = Piece::ALL
        .into_iter()
        .filter(|p| p.op() == IntervalOp::Sdiv)
        .collect();
    for a in &elems {
        for b in &elems {
            let m = divmod::signed_meet(&pieces, a, b);
            let r = a.sdiv(b);
            assert_eq!(
                (m.lo.get(), m.hi.get()),
                (r.lo.get(), r.hi.get()),
                "{a} / {b}: pieces {m}, absint {r}"
            );
        }
    }
}

/// Prove the operators named in `VERNIER_DIVMOD_PROVE` (comma-separated) at the widths in
/// `VERNIER_DIVMOD_WIDTHS` (default `64,32`) with `VERNIER_DIVMOD_TIMEOUT` seconds each
/// (default 600), printing verdicts and times: the campaign behind the book's table.
#[test]
#[ignore]
fn prove_named_operators() {
    let names = std::env::var("VERNIER_DIVMOD_PROVE").unwrap_or_default();
    let widths = std::env::var("VERNIER_DIVMOD_WIDTHS").unwrap_or_else(|_| "64,32".into());
    let secs: u64 = std::env::var("VERNIER_DIVMOD_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let catalog = Catalog::reference();
    for w in widths
        .split(',')
        .filter_map(|w| w.trim().parse::<u32>().ok())
    {
        for name in names.split(',').filter(|n| !n.is_empty()) {
            let op = catalog.get(name).unwrap_or_else(|| panic!("{name}"));
            let started = std::time::Instant::now();
            let v = prove_z3(op.as_ref(), w, Duration::from_secs(secs));
            eprintln!(
                "{name:40} {w:2} {:14} {:.2}s",
                v.label(),
                started.elapsed().as_secs_f64()
            );
        }
    }
}
