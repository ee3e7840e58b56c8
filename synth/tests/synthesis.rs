//! The synthesis engine on the done-when targets and its parts.
//!
//! Each done-when target (tnum add, sub, and, or, xor; unsigned interval add, sub) is
//! synthesized, proved sound with z3 at 64 and 32 bits, and checked exact against the best
//! transformer on every input of the exhaustive grid (8-bit tnums: 43 046 721 pairs; 6-bit
//! intervals: 4 326 400 pairs).

use synth::ir::op::BinaryOp;
use synth::synthesis::check;
use synth::synthesis::enumerate::{Bank, EnumConfig};
use synth::synthesis::examples::Examples;
use synth::synthesis::grammar::{Leaf, Term};
use synth::synthesis::operator::Candidate;
use synth::synthesis::report::{default_grid_width, Report};
use synth::synthesis::rewrite::{check_rule, RuleCheck, RULES};
use synth::synthesis::{synthesize, targets, Config, Status, Synthesis};

fn synth(domain: &str, op: &str) -> Synthesis {
    let t = targets::by_name(domain, op).expect("a target");
    synthesize(&t, &Config::default(), None)
}

fn done_when(domain: &str, op: &str) {
    let s = synth(domain, op);
    eprintln!(
        "{}: {:?} in {:.2}s (search {:.2}s, checks {:.2}s, z3 {:.2}s), {} round(s)",
        s.target.name(),
        s.status,
        s.total_seconds,
        s.search_seconds,
        s.check_seconds,
        s.prove_seconds,
        s.rounds.len()
    );
    assert_eq!(s.status, Status::Proved, "{:#?}", s.rounds);
    let widths: Vec<(u32, &str)> = s
        .proofs
        .iter()
        .map(|p| (p.width, p.verdict.as_str()))
        .collect();
    assert_eq!(widths, vec![(64, "valid"), (32, "valid")]);
    let cand = s.candidate.as_ref().expect("a proved candidate");
    let w = default_grid_width(s.target.domain);
    let grid = check::exhaustive(&s.target, cand, w);
    assert_eq!(grid.unsound, 0);
    assert_eq!(
        grid.exact, grid.pairs,
        "exact on every pair of the {w}-bit grid"
    );
    let expected_pairs = if domain == "tnum" {
        6561u64 * 6561
    } else {
        2080 * 2080
    };
    assert_eq!(grid.pairs, expected_pairs);
}

#[test]
fn tnum_add_is_synthesized_proved_and_exact() {
    done_when("tnum", "add");
}
#[test]
fn tnum_sub_is_synthesized_proved_and_exact() {
    done_when("tnum", "sub");
}
#[test]
fn tnum_and_is_synthesized_proved_and_exact() {
    done_when("tnum", "and");
}
#[test]
fn tnum_or_is_synthesized_proved_and_exact() {
    done_when("tnum", "or");
}
#[test]
fn tnum_xor_is_synthesized_proved_and_exact() {
    done_when("tnum", "xor");
}
#[test]
fn uint_add_is_synthesized_proved_and_exact() {
    done_when("uint", "add");
}
#[test]
fn uint_sub_is_synthesized_proved_and_exact() {
    done_when("uint", "sub");
}

#[test]
fn every_egg_rule_is_proved_by_z3_at_64_bits_and_exhaustively_at_4() {
    for (name, l, r) in RULES {
        assert_eq!(
            check_rule(l, r),
            RuleCheck::Proved,
            "rule {name}: {l} = {r}"
        );
    }
    assert!(RULES.len() >= 40);
}

#[test]
fn an_unsound_candidate_is_refuted_with_members() {
    // tnum add with the mask of xor: misses carries.
    let t = targets::by_name("tnum", "add").unwrap();
    let v = |i| Term::leaf(Leaf::Input(i));
    let mask = Term::bin(BinaryOp::Or, &v(1), &v(3));
    let value = Term::bin(
        BinaryOp::And,
        &Term::bin(BinaryOp::Add, &v(0), &v(2)),
        &Term::un(synth::ir::op::UnaryOp::Not, &mask),
    );
    let cand = Candidate {
        fields: [value, mask],
    };
    let r = check::exhaustive(&t, &cand, 4);
    assert!(r.unsound > 0);
    let f = r.failure.expect("a failure");
    let (members, result, concrete) = f.unsound.expect("unsound with members");
    // The members are in the arguments and their sum is outside the result.
    let i = &f.example.inputs;
    assert_eq!(members[0] & !i[1], i[0]);
    assert_eq!(members[1] & !i[3], i[2]);
    assert_eq!(concrete, (members[0] + members[1]) & 0xf);
    assert_ne!(concrete & !result[1], result[0]);
}

#[test]
fn egg_pruning_drops_candidates_without_losing_a_fingerprint() {
    let t = targets::by_name("tnum", "and").unwrap();
    let ex = Examples::generate(&t, 3, 16, 8);
    let plain = EnumConfig {
        max_size: 2,
        ..EnumConfig::default()
    };
    let egg = EnumConfig {
        egg_up_to: 2,
        ..plain.clone()
    };
    let a = Bank::build(&ex, 4, &t.components, &plain);
    let b = Bank::build(&ex, 4, &t.components, &egg);
    assert!(b.stats.pruned_egg > 0);
    assert_eq!(
        a.len(),
        b.len(),
        "egg only removes terms equal to kept ones"
    );
    for i in 0..a.len() {
        assert!(b.find(a.fp(i)).is_some());
    }
}

#[test]
fn fingerprint_pruning_keeps_one_term_per_fingerprint() {
    let t = targets::by_name("tnum", "xor").unwrap();
    let ex = Examples::generate(&t, 5, 16, 8);
    let on = Bank::build(
        &ex,
        4,
        &t.components,
        &EnumConfig {
            max_size: 2,
            ..EnumConfig::default()
        },
    );
    let off = Bank::build(
        &ex,
        4,
        &t.components,
        &EnumConfig {
            max_size: 2,
            fingerprint_pruning: false,
            ..EnumConfig::default()
        },
    );
    assert!(on.stats.pruned_fingerprint > 0);
    assert!(off.len() > on.len());
    let mut fps: Vec<&[u64]> = (0..on.len()).map(|i| on.fp(i)).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), on.len());
}

/// Times and counts that vary between runs, replaced for snapshots.
fn stable(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let words: Vec<String> = line
                .split(' ')
                .map(|w| {
                    let digits = w.trim_end_matches([',', ')', '|']);
                    let tail = &w[digits.len()..];
                    let is_time = digits.split_once('.').is_some_and(|(a, b)| {
                        !a.is_empty()
                            && !b.is_empty()
                            && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
                    });
                    if is_time {
                        format!("T{tail}")
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            words.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn synthesized_tnum_xor_ir_and_report_snapshots() {
    let s = synth("tnum", "xor");
    let cand = s.candidate.as_ref().unwrap();
    let ir = cand.operator(&s.target, "tnum.xor", 64).unwrap();
    insta::assert_snapshot!("tnum_xor_64_ir", ir.to_text());
    let report = Report::measure(&s, Some(6));
    insta::assert_snapshot!("tnum_xor_report", stable(&report.to_markdown()));
}

/// CEGIS all the way up: with no seeded examples and an exhaustive check at 2 bits only,
/// candidates exact at 2 bits reach z3, whose 64-bit counterexamples are narrowed into
/// examples (`synth::synthesis::narrow`) and searched on until the proof holds.
#[test]
fn z3_counterexamples_at_64_bits_become_examples() {
    let t = targets::by_name("tnum", "add").expect("a target");
    let cfg = Config {
        small_examples: 0,
        wide_examples: 0,
        check_width: Some(2),
        max_rounds: 40,
        prove_widths: vec![64],
        ..Config::default()
    };
    let s = synthesize(&t, &cfg, None);
    eprintln!(
        "{:?} after {} rounds, {} counterexamples learned, {} rejected",
        s.status,
        s.rounds.len(),
        s.wide_counterexamples,
        s.suite.len()
    );
    assert!(s.wide_counterexamples > 0, "{:#?}", s.rounds);
    assert_eq!(s.status, Status::Proved, "{:#?}", s.rounds);
    // Every learned counterexample's candidate is in the suite, refuted by z3 at 64 bits.
    let by_z3 = s
        .suite
        .records()
        .iter()
        .filter(|r| r.check == "z3 at 64 bits")
        .count();
    assert!(by_z3 >= s.wide_counterexamples as usize);
    let grid = check::exhaustive(&t, s.candidate.as_ref().expect("a result"), 6);
    assert_eq!(grid.exact, grid.pairs);
}
