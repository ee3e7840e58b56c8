//! Mutant-killers kill (model level, no kernel needed): every unsound operator of the suite gets
//! a program whose verdict under it differs from the kernel model's.

use fuzz::corpus::killers::{kill_all, KillKind};
use fuzz::corpus::label::accepts;
use fuzz::corpus::suite::Suite;

#[test]
fn every_unsound_operator_of_the_suite_is_killed() {
    let suite = Suite::unsound();
    assert!(
        suite.operators.len() > 100,
        "{} operators",
        suite.operators.len()
    );
    let killers = kill_all(&suite, 20_000);
    let mut survived = Vec::new();
    let (mut unsafe_accepted, mut invariant_only) = (0, 0);
    let mut lengths = std::collections::BTreeMap::new();
    for k in &killers {
        match k.kind {
            KillKind::UnsafeAccepted => unsafe_accepted += 1,
            KillKind::InvariantOnly => invariant_only += 1,
            KillKind::Survived => survived.push(k.operator.clone()),
        }
        if let Some(f) = &k.found {
            // The labels really differ.
            assert_ne!(
                accepts(&f.expected),
                accepts(&f.with_target),
                "{}",
                k.operator
            );
            *lengths.entry(f.length_before_check).or_insert(0) += 1;
        }
    }
    eprintln!(
        "{} operators: {unsafe_accepted} killed by an unsafe program, {invariant_only} only by an invariant violation, {} survived {:?}; lengths before the check {:?}; not lifted: {:?}",
        killers.len(),
        survived.len(),
        survived,
        lengths,
        suite.not_lifted
    );
    assert!(survived.is_empty(), "survivors: {survived:?}");
}
