//! The meet search: pieces checked, chosen greedily, met and proved.

use std::time::Duration;
use synth::catalog::Catalog;
use synth::precision::Grid;
use synth::synthesis::grammar::Term;
use synth::synthesis::meet::{
    self, report, MeetConfig, MeetTarget, Origin, PoolPiece, ProofMethod,
};

/// `tnum.mul` on every pair of 4-bit tnums (products wrap), with a small pool.
fn small_mul() -> MeetTarget {
    let mut t = meet::by_name("tnum", "mul").expect("tnum.mul is a meet target");
    let keep = [
        "tnum.mul",
        "tnum.mul.swapped",
        "tnum.mul.range",
        "tnum.mul.ranges11",
        "tnum.mul.ranges22",
    ];
    t.pool.retain(|p| keep.contains(&p.op.name()));
    t.selection_grid = Grid {
        width: 4,
        input_bits: 4,
    };
    t.report_grid = t.selection_grid;
    t.check_width = 3;
    t
}

fn quick(prove_widths: Vec<u32>) -> MeetConfig {
    MeetConfig {
        prove_widths,
        z3_timeout: Duration::from_secs(60),
        ..MeetConfig::default()
    }
}

#[test]
fn the_search_meets_pieces_into_a_result_more_exact_than_any_single_piece() {
    let t = small_mul();
    let s = meet::search(&t, &quick(vec![]));
    let sel = s.selection.as_ref().expect("a selection");
    let best_single = s.pool.iter().filter_map(|p| p.exact_alone).max().unwrap();
    assert!(s.selected.len() >= 2, "{:?}", s.selected);
    assert!(sel.exact > best_single, "{} vs {best_single}", sel.exact);
    // The kernel's multiplication is the first piece, so the result is never worse than it.
    assert_eq!(s.selected[0], "tnum.mul");
    let rep = s.report.as_ref().expect("measured");
    assert_eq!(rep.unsound, 0);
    let v = rep.versus.as_ref().unwrap();
    assert_eq!(v.worse, 0);
    assert!(v.better > 0);
    // The report grid is the selection grid here: the operator recounted by the precision
    // module agrees with the search's own count.
    assert_eq!(rep.exact, sel.exact);
    // Every added step gained exact pairs; drops lost none.
    let adds: Vec<_> = s.path.iter().filter(|p| p.action != "drop").collect();
    assert!(adds.windows(2).all(|w| w[1].exact > w[0].exact));
    assert!(s.path.iter().all(|p| p.exact <= sel.exact));
    // The IR traces.
    assert!(s.ir(64).is_some());
    let md = report::to_markdown(&s);
    assert!(md.contains("## Selection path"));
}

#[test]
fn an_unsound_piece_is_rejected_with_a_counterexample_and_never_enters_the_meet() {
    let t = small_mul();
    let mutant = Catalog::unsound()
        .get("mutant.tnum.mul.no_union")
        .expect("the catalog's mutant")
        .clone();
    // A sound operator of the right signature but of another operation (addition) must not
    // enter either: its proofs would be about addition.
    let add = Catalog::reference().get("tnum.add").unwrap().clone();
    let cfg = MeetConfig {
        extra_pieces: vec![
            PoolPiece::new(mutant, Origin::Mutant, ProofMethod::Z3),
            PoolPiece::new(add, Origin::Reference, ProofMethod::Z3),
        ],
        ..quick(vec![])
    };
    let s = meet::search(&t, &cfg);
    let add = s.pool.iter().find(|p| p.name == "tnum.add").unwrap();
    assert_eq!(add.check, "over-approximates another concrete operation");
    assert!(!s.selected.iter().any(|p| p == "tnum.add"));
    let rec = s
        .pool
        .iter()
        .find(|p| p.name == "mutant.tnum.mul.no_union")
        .unwrap();
    assert!(rec.check.starts_with("unsound"), "{}", rec.check);
    assert!(!rec.selected);
    assert!(!s.selected.iter().any(|p| p.starts_with("mutant")));
    let r = s
        .suite
        .records()
        .iter()
        .find(|r| r.fields == ["mutant.tnum.mul.no_union"])
        .expect("a rejected record");
    // The counterexample is real: members of the arguments whose product is outside the result.
    let (w, m) = (r.width, (1u64 << r.width) - 1);
    let [[av, am], [bv, bm]] = [[r.args[0][0], r.args[0][1]], [r.args[1][0], r.args[1][1]]];
    assert_eq!(r.members[0] & !am, av);
    assert_eq!(r.members[1] & !bm, bv);
    assert_eq!(r.concrete, r.members[0].wrapping_mul(r.members[1]) & m);
    let [rv, rm] = r.result;
    assert_ne!(r.concrete & !rm, rv, "width {w}");
}

#[test]
fn division_is_assembled_from_proved_pieces_and_is_exact_at_4_bits() {
    let mut t = meet::by_name("uint", "udiv").unwrap();
    // Without absint's own `uint.udiv`, which is exact alone: the meet must be assembled.
    t.pool.retain(|p| p.op.name() != "uint.udiv");
    t.selection_grid = Grid {
        width: 4,
        input_bits: 4,
    };
    t.report_grid = t.selection_grid;
    let s = meet::search(&t, &quick(vec![8]));
    assert_eq!(s.status.label(), "proved", "{}", report::to_markdown(&s));
    let sel = s.selection.as_ref().unwrap();
    assert_eq!(sel.exact, sel.pairs);
    let best_single = s.pool.iter().filter_map(|p| p.exact_alone).max().unwrap();
    assert!(best_single < sel.pairs);
    // Every selected piece and the meet step are proved at 8 bits.
    for p in &s.selected {
        assert!(s
            .proofs
            .iter()
            .any(|q| &q.subject == p && q.verdict == "valid"));
    }
    assert!(s
        .proofs
        .iter()
        .any(|q| q.subject.starts_with("meet step") && q.verdict == "valid"));
    // Better than the kernel's unknown result wherever the best result is not unknown.
    assert!(s.report.as_ref().unwrap().versus.as_ref().unwrap().better > 0);
}

#[test]
fn a_piece_that_is_not_proved_is_excluded_and_the_selection_runs_again() {
    // Corners-style pieces compare two dividers: with a 1 ms budget, z3 proves none of them at
    // 64 bits, and the search falls back to what it can prove (or to nothing). absint's own
    // `uint.udiv` (proved by lemmas, not by one z3 query) is left out.
    let mut t = meet::by_name("uint", "udiv").unwrap();
    t.pool.retain(|p| p.op.name() != "uint.udiv");
    t.selection_grid = Grid {
        width: 4,
        input_bits: 4,
    };
    t.enumerate_bounds = false;
    let cfg = MeetConfig {
        prove_widths: vec![64],
        z3_timeout: Duration::from_millis(1),
        measure: false,
        ..MeetConfig::default()
    };
    let s = meet::search(&t, &cfg);
    let excluded: Vec<_> = s
        .path
        .iter()
        .filter(|p| p.action.starts_with("exclude"))
        .map(|p| p.piece.clone())
        .collect();
    assert!(!excluded.is_empty(), "{}", report::to_markdown(&s));
    for p in &excluded {
        assert!(!s.selected.contains(p));
    }
}

#[test]
fn enumerated_bound_pieces_carry_their_terms_and_unsound_ones_are_rejected() {
    let mut t = meet::by_name("uint", "udiv").unwrap();
    t.pool.clear();
    t.selection_grid = Grid {
        width: 4,
        input_bits: 4,
    };
    let s = meet::search(&t, &quick(vec![]));
    assert!(s.enumerated > 0);
    // Some enumerated bounds hold on the examples only; the 4-bit check refutes them, and
    // their records hold the terms (parseable by the grammar), not a name.
    let rejected = s.suite.records();
    assert!(!rejected.is_empty());
    for r in rejected {
        assert_eq!(r.fields.len(), 2);
        for f in &r.fields {
            assert!(Term::parse(f).is_ok(), "{f}");
        }
    }
    // Alone, the enumerated bounds still make a meet better than unknown.
    assert!(s.selected.iter().all(|p| p.contains(".bound.")));
    assert!(s.selection.as_ref().unwrap().exact > 0);
}

#[test]
fn interval_multiplication_and_shift_targets_keep_absint_s_operator_first_and_are_proved() {
    for (d, o) in [("uint", "mul"), ("sint", "mul"), ("uint", "lshr")] {
        let mut t = meet::by_name(d, o).unwrap();
        let name = format!("{d}.{o}");
        assert_eq!(t.reference, Some(name.as_str()));
        t.selection_grid = Grid {
            width: 4,
            input_bits: 4,
        };
        t.report_grid = t.selection_grid;
        let s = meet::search(&t, &quick(vec![8]));
        assert_eq!(s.status.label(), "proved", "{}", report::to_markdown(&s));
        // The reference is forced first, so the meet is never less precise than it.
        assert_eq!(s.selected.first(), Some(&name));
        let versus = s.report.as_ref().unwrap().versus.as_ref().unwrap();
        assert_eq!((versus.worse, versus.incomparable), (0, 0), "{name}");
        assert_eq!(s.report.as_ref().unwrap().unsound, 0, "{name}");
    }
}

#[test]
fn bound_shifts_follow_smt_lib_for_amounts_of_at_least_the_width() {
    use synth::synthesis::targets::Concrete;
    assert_eq!(Concrete::Shl.apply(1, 70, 64), 0);
    assert_eq!(Concrete::Shl.apply(1, 4, 4), 0);
    assert_eq!(Concrete::Shl.apply(1, 3, 4), 8);
    assert_eq!(Concrete::Lshr.apply(u64::MAX, 64, 64), 0);
    assert_eq!(Concrete::Lshr.apply(0b1000, 3, 4), 1);
    assert_eq!(Concrete::Ashr.apply(0b1000, 9, 4), 0b1111);
    assert_eq!(Concrete::Ashr.apply(1 << 63, 100, 64), u64::MAX);
    assert_eq!(Concrete::Ashr.apply(0b0100, 7, 4), 0);
}

/// Prints the full search on a target without proofs (exploration; `MEET_TARGET=tnum.mul`).
#[test]
#[ignore]
fn explore_a_target() {
    let name = std::env::var("MEET_TARGET").unwrap_or_else(|_| "tnum.mul".into());
    let (d, o) = name.split_once('.').unwrap();
    let t = meet::by_name(d, o).unwrap();
    let cfg = MeetConfig {
        prove_widths: vec![],
        measure: std::env::var("MEET_MEASURE").is_ok(),
        ..MeetConfig::default()
    };
    let s = meet::search_with(&t, &cfg, None, &mut |m| eprintln!("{m}"));
    println!("{}", report::to_markdown(&s));
}
