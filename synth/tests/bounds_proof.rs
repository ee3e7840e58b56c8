//! The structured proofs of the interval operators (`synth::bounds_proof`): valid at small
//! widths, able to fail (a tightened mutant under the same plan is not proved), lifted rows
//! carry their inner row's lemmas, and the lemma statements hold on concrete words.

use absint::word::{Bv, Word};
use proptest::prelude::*;
use std::time::Duration;
use synth::bounds_proof::{self, plan, prove_with_plan, structured_proof, STRUCTURED};
use synth::catalog::Catalog;
use synth::verify::Verdict;

const BUDGET: Duration = Duration::from_secs(60);

fn assert_all_valid(name: &str, width: u32) -> Vec<synth::verify::Lemma> {
    let lemmas = structured_proof(name, width, BUDGET).expect("a structured proof");
    assert!(!lemmas.is_empty());
    for l in &lemmas {
        assert!(
            l.verdict.is_valid(),
            "{name} at {width} bits, lemma '{}': {:?}",
            l.name,
            l.verdict
        );
    }
    assert!(bounds_proof::verdict(&lemmas).is_valid());
    lemmas
}

#[test]
fn udiv_and_mul_structured_proofs_hold_at_16_bits() {
    let lemmas = assert_all_valid("uint.udiv", 16);
    // Two lemmas and the main query.
    assert_eq!(lemmas.len(), 3, "{lemmas:?}");
    assert!(lemmas.last().is_some_and(|l| l.name.starts_with("main:")));
    assert_all_valid("uint.mul", 16);
}

#[test]
fn a_tightened_mutant_is_not_proved_under_the_same_plan() {
    let catalog = Catalog::all();
    for name in ["uint.udiv", "uint.mul"] {
        let mutant = catalog
            .get(&format!("mutant.{name}"))
            .expect("the catalog has a tightened mutant of every reference operator");
        let the_plan = plan(name).expect("a plan");
        let lemmas = prove_with_plan(mutant.as_ref(), &the_plan, 8, BUDGET);
        let main = lemmas.last().expect("the main query");
        // The lemmas are about the arithmetic and stay valid; the main query must fail.
        assert!(
            !main.verdict.is_valid(),
            "{name}: the mutant's main query was proved"
        );
        assert!(!bounds_proof::verdict(&lemmas).is_valid());
        if let Verdict::Counterexample(cex) = &main.verdict {
            assert!(synth::verify::confirm(mutant.as_ref(), cex));
        }
    }
}

#[test]
fn a_lifted_row_carries_its_inner_rows_lemmas() {
    let lemmas = assert_all_valid("sint.udiv", 8);
    assert!(
        lemmas
            .iter()
            .any(|l| l.name.starts_with("uint.udiv: main:")),
        "{lemmas:?}"
    );
}

#[test]
fn shift_proofs_hold_at_8_bits() {
    // uint.shl: loop lemmas, the uint.shl.k row, main; sint.shl.k: one lemma per amount, main.
    let lemmas = assert_all_valid("uint.shl", 8);
    assert!(lemmas.iter().any(|l| l.name.starts_with("uint.shl.k:")));
    assert_eq!(assert_all_valid("sint.shl.k", 8).len(), 8 + 1);
    assert_all_valid("sint.ashr", 8);
    assert_all_valid("sint.sdiv", 8);
    assert_all_valid("sint.srem", 8);
}

#[test]
fn every_structured_operator_has_a_plan_and_others_do_not() {
    for name in STRUCTURED {
        assert!(plan(name).is_some(), "{name}");
        assert!(
            Catalog::all().get(name).is_some(),
            "{name} is a catalog row"
        );
    }
    assert!(plan("uint.add").is_none());
    assert!(structured_proof("tnum.add", 8, BUDGET).is_none());
}

fn bv(x: u64) -> Bv {
    Bv::u64(x)
}

proptest! {
    /// The lemma statements are true on concrete 64-bit words (they are proved with z3; this
    /// checks the generic statements the instances are built from, on `Bv`).
    #[test]
    fn lemma_statements_hold_on_concrete_words(x in any::<u64>(), x2 in any::<u64>(),
                                               y in any::<u64>(), k in 0u64..80) {
        let (x, x2, y, kw) = (bv(x), bv(x2), bv(y), bv(k));
        let (lo, hi) = if x <= x2 { (x, x2) } else { (x2, x) };
        prop_assert!(bounds_proof::udiv_dividend_mono(&lo, &hi, &y));
        prop_assert!(bounds_proof::udiv_divisor_anti(&x, &lo, &hi));
        prop_assert!(bounds_proof::udiv_le(&x, &y));
        prop_assert!(bounds_proof::urem_bound(&x, &y));
        prop_assert!(bounds_proof::urem_small(&x, &y));
        prop_assert!(bounds_proof::urem_same_quotient(&lo, &hi, &y));
        prop_assert!(bounds_proof::sdiv_def(&x, &y));
        prop_assert!(bounds_proof::srem_def(&x, &y));
        prop_assert!(bounds_proof::ashr_toward_zero(&x, &kw));
        prop_assert!(bounds_proof::ashr_compose(&x, &kw, &bv(k + (y.get() % 70))));
        let (slo, shi) = if x.bvsle(&x2) { (x, x2) } else { (x2, x) };
        prop_assert!(bounds_proof::ashr_value_mono(&slo, &shi, &kw));
    }

    /// The same quotient case of `urem-same-quotient` is reached (the premise is not vacuous):
    /// close dividends under a large divisor.
    #[test]
    fn urem_same_quotient_with_a_shared_quotient(q in 0u64..1000, r1 in 0u64..1000,
                                                 r2 in 0u64..1000, y in 1000u64..2000) {
        let (r1, r2) = (r1.min(r2), r1.max(r2));
        let (a, b) = (bv(q * y + r1), bv(q * y + r2));
        prop_assert_eq!(a.bvudiv(&bv(y)), b.bvudiv(&bv(y)));
        prop_assert!(bounds_proof::urem_same_quotient(&a, &b, &bv(y)));
    }
}

#[test]
fn a_kernel_multiplication_pre_lemma_holds_with_opaque_products() {
    // The register step's pre lemma, with the product-lemma instances and the products (and
    // the tnum product) opaque: the same generalisation as the interval proofs.
    let form = synth::steps::form_named("kernel.alu32.mul.k").expect("a kernel step");
    let pre = synth::steps::prove_pre(form, BUDGET);
    assert_eq!(pre.outcome, synth::steps::Outcome::Valid, "{}", pre.name);
}

/// absint's Hacker's Delight searches have no plan of their own: they are proved through the
/// closed forms of `synth::pieces::bitwise` (the closed form sound, then both bounds equal).
#[test]
fn the_bitwise_searches_are_proved_through_their_closed_forms() {
    for name in ["uint.and", "uint.or", "uint.xor"] {
        let lemmas = structured_proof(name, 12, BUDGET).expect("a proof route");
        let equalities = lemmas
            .iter()
            .filter(|l| l.name.contains(" = ") && l.name.contains(".closed"))
            .count();
        assert_eq!(
            equalities,
            2,
            "{name}: {:?}",
            lemmas.iter().map(|l| &l.name).collect::<Vec<_>>()
        );
        assert!(bounds_proof::verdict(&lemmas).is_valid(), "{name}");
    }
    // The lift rests on it: sint.and's first lemmas are uint.and's.
    let lifted = structured_proof("sint.and", 12, BUDGET).expect("a plan");
    assert!(lifted
        .iter()
        .any(|l| l.name.starts_with("uint.and: uint.and lo = ")));
    assert!(bounds_proof::verdict(&lifted).is_valid());
}
