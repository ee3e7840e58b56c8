//! SplitMix64, the small deterministic generator behind every seeded sample in Vernier.
//!
//! Steele, Lea and Flood, *Fast splittable pseudorandom number generators* (OOPSLA 2014): the
//! state advances by the golden-ratio increment and each output is the state passed through a
//! 64-bit finaliser. One definition here keeps every seeded run (random soundness samples,
//! synthesis examples, program seeds) reproducible from its seed alone.

/// Advance `state` and return the next output of SplitMix64.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::splitmix64;

    #[test]
    fn matches_the_published_sequence_for_seed_zero() {
        let mut s = 0;
        assert_eq!(splitmix64(&mut s), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut s), 0x6e78_9e6a_a1b9_65f4);
    }
}
