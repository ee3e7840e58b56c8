//! Sampled precision at 64 bits: deterministic in the seed, and consistent with what is known
//! exactly (add is optimal, the older multiplications are sound).

use absint::domain::interval::UInterval;
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use synth::precision::sample::{self, Random, SplitMix64};
use synth::precision::{measure, no_progress, Against, BinaryOp, Inputs, Measured, Report};

fn op(name: &str) -> BinaryOp {
    BinaryOp::by_name(name).unwrap()
}

fn sampled(name: &str, against: Against, samples: u64, seed: u64) -> Measured {
    let inputs = Inputs::Sampled {
        width: 64,
        samples,
        seed,
        budget_bits: 8,
    };
    measure(&op(name), &against, &inputs, &no_progress).unwrap()
}

#[test]
fn splitmix64_matches_its_reference_sequence() {
    // The first outputs of SplitMix64 seeded with 0 (as in the published reference code).
    let mut rng = SplitMix64::new(0);
    assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
    assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
}

#[test]
fn random_elements_have_the_asked_size() {
    let mut rng = SplitMix64::new(7);
    for k in 0..=64 {
        let t = Tnum::<Bv>::random(64, k, &mut rng);
        assert_eq!(t.unknown_bits(), k);
        assert!(t.is_well_formed());
        let i = UInterval::<Bv>::random(64, k.min(63), &mut rng);
        assert!(i.size() <= 1u128 << k.min(63));
        assert!(i.lo_u64() <= i.hi_u64());
    }
}

#[test]
fn sampled_reports_depend_only_on_the_seed() {
    let a = sampled("tnum.mul", Against::Best, 500, 42);
    let b = sampled("tnum.mul", Against::Best, 500, 42);
    let c = sampled("tnum.mul", Against::Best, 500, 43);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn tnum_add_is_exact_on_sampled_64_bit_pairs() {
    let Measured::Tnum(Report::Best(r)) = sampled("tnum.add", Against::Best, 500, 1) else {
        panic!("a tnum report against the best transformer");
    };
    assert_eq!((r.exact, r.unsound, r.pairs), (500, 0, 500));
}

#[test]
fn multiplications_are_sound_but_inexact_on_sampled_64_bit_pairs() {
    for name in ["tnum.mul", "tnum.mul.v5_13", "tnum.mul.pre_v5_13"] {
        let Measured::Tnum(Report::Best(r)) = sampled(name, Against::Best, 500, 1) else {
            panic!("a tnum report against the best transformer");
        };
        assert_eq!(r.unsound, 0, "{name}");
        assert!(r.exact < r.pairs, "{name}");
    }
}

#[test]
fn sampled_pairwise_comparison_of_the_multiplications_at_64_bits() {
    let r = sample::pairwise::<Tnum<Bv>>(
        64,
        5000,
        9,
        op("tnum.mul").abstract_fn(64),
        op("tnum.mul.v5_13").abstract_fn(64),
        &no_progress,
    );
    assert_eq!(r.pairs, 5000);
    assert_eq!(r.equal + r.better + r.worse + r.incomparable, r.pairs);
    // Each one is strictly better than the other somewhere.
    assert!(r.better > 0 && r.worse > 0, "{r}");
}

#[test]
fn a_mutant_shows_up_as_unsound() {
    let Measured::Tnum(Report::Best(r)) =
        sampled("mutant.tnum.mul.no_union", Against::Best, 500, 5)
    else {
        panic!("a tnum report against the best transformer");
    };
    assert!(r.unsound > 0);
    assert!(r.first_unsound.is_some());
}
