//! Examples: abstract inputs with the best transformer's result, at two widths.
//!
//! The examples drive the search as programming by example (a candidate output field must
//! reproduce the best result's field on every example), and the same input vector is the
//! *fingerprint* vector of observational-equivalence pruning (two terms with equal values on
//! every example are merged). Inputs are taken at 8 bits (random elements of every shape, whose
//! best result is computed over all members) and at 64 bits (elements with at most five
//! unknown bits or a span of at most 31 values, placed at the word's edges and at random, so
//! that the best result is still computable by enumeration). Two widths keep width-specific
//! flukes (a constant that is all ones at 8 bits only) from merging terms.
//!
//! The generator is seeded (splitmix64) and deterministic. Counterexamples found by the CEGIS
//! checks are appended as further examples ([`Examples::push`]).

use super::targets::{Arity, Target, TargetDomain};
use absint::word::width_mask;

/// The most examples a search keeps (condition fingerprints are 128-bit sets).
pub const MAX_EXAMPLES: usize = 128;

/// One example: the width, the input fields and the best result's two fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Width in bits.
    pub width: u32,
    /// The input fields, in the target's order.
    pub inputs: Vec<u64>,
    /// The best transformer's output fields.
    pub best: [u64; 2],
}

/// The examples of one search.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    /// The examples, in order.
    pub list: Vec<Example>,
}

/// splitmix64.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

impl Examples {
    /// `count_small` examples at 8 bits and `count_wide` at 64 bits for `target`, from `seed`.
    pub fn generate(target: &Target, seed: u64, count_small: usize, count_wide: usize) -> Examples {
        let mut rng = Rng(seed ^ 0x005e_ed0f_c6e1);
        let mut ex = Examples::default();
        let mut tries = 0;
        while ex.list.len() < count_small && tries < 100 * count_small {
            tries += 1;
            let inputs = random_inputs(target, &mut rng, 8, false);
            ex.push_inputs(target, 8, inputs);
        }
        tries = 0;
        while ex.list.len() < count_small + count_wide && tries < 100 * count_wide {
            tries += 1;
            let inputs = random_inputs(target, &mut rng, 64, true);
            ex.push_inputs(target, 64, inputs);
        }
        ex
    }

    /// Add the example of `inputs` at `width` if it is well-formed, new, and room is left;
    /// returns whether it was added.
    pub fn push_inputs(&mut self, target: &Target, width: u32, inputs: Vec<u64>) -> bool {
        if self.list.len() >= MAX_EXAMPLES
            || self
                .list
                .iter()
                .any(|e| e.width == width && e.inputs == inputs)
        {
            return false;
        }
        match target.best(&inputs, width) {
            Some(best) => {
                self.list.push(Example {
                    width,
                    inputs,
                    best,
                });
                true
            }
            None => false,
        }
    }

    /// Add an example (a counterexample of a check); returns whether it was added.
    pub fn push(&mut self, e: Example) -> bool {
        if self.list.len() >= MAX_EXAMPLES || self.list.contains(&e) {
            return false;
        }
        self.list.push(e);
        true
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Are there none?
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A random element's two fields at `width` bits; `narrow`: few members (for 64 bits).
fn random_element(domain: TargetDomain, rng: &mut Rng, width: u32, narrow: bool) -> [u64; 2] {
    let m = width_mask(width);
    let shape = rng.below(6);
    let base = match rng.below(5) {
        0 => rng.below(4),
        1 => m - rng.below(4),
        2 => (1u64 << (width - 1)).wrapping_sub(rng.below(4)) & m,
        _ => rng.next_u64() & m,
    };
    match domain {
        TargetDomain::Tnum => {
            let mask = if narrow {
                // At most five unknown bits: scattered, a low run, or around the top bit.
                let mut mask = 0u64;
                let bits = rng.below(6);
                for _ in 0..bits {
                    let pos = match shape {
                        0 | 1 => rng.below(8),
                        2 => width as u64 - 1 - rng.below(6),
                        _ => rng.below(width as u64),
                    };
                    mask |= 1 << pos;
                }
                mask
            } else {
                match shape {
                    0 => 0,
                    1 => m,
                    2 => rng.next_u64() & rng.next_u64() & m,
                    _ => rng.next_u64() & m,
                }
            };
            let value = base & !mask & m;
            [value, mask]
        }
        TargetDomain::UInt | TargetDomain::SInt => {
            let span = if narrow {
                rng.below(32)
            } else {
                match shape {
                    0 => 0,
                    1 => rng.below(4),
                    2 => m,
                    _ => rng.next_u64() & m,
                }
            };
            let lo = base;
            let hi = lo.wrapping_add(span) & m;
            let ordered = if domain == TargetDomain::UInt {
                lo <= hi
            } else {
                absint::word::sign_extend(lo, width) <= absint::word::sign_extend(hi, width)
            };
            if ordered {
                [lo, hi]
            } else if narrow {
                [lo, lo]
            } else {
                [hi, lo]
            }
        }
    }
}

/// Random input fields for `target` at `width`.
fn random_inputs(target: &Target, rng: &mut Rng, width: u32, narrow: bool) -> Vec<u64> {
    let mut v = random_element(target.domain, rng, width, narrow).to_vec();
    match target.arity {
        Arity::Binary => v.extend(random_element(target.domain, rng, width, narrow)),
        Arity::Unary => {}
        Arity::Shift => v.push(rng.below(u64::from(width))),
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesis::targets::by_name;

    #[test]
    fn examples_are_deterministic_and_carry_best_results() {
        let t = by_name("tnum", "add").unwrap();
        let a = Examples::generate(&t, 1, 32, 32);
        let b = Examples::generate(&t, 1, 32, 32);
        assert_eq!(a.list, b.list);
        assert_eq!(a.len(), 64);
        for e in &a.list {
            assert_eq!(Some(e.best), t.best(&e.inputs, e.width));
        }
        assert!(a.list.iter().any(|e| e.width == 64));
    }
}
