//! Range pieces: the product's interval, turned into a tnum.
//!
//! Every member `x` of a tnum `a` lies in `[a.min(), a.max()] = [a.value, a.value | a.mask]`, and
//! multiplication of naturals is monotone, so for `x ∈ γ(a)`, `y ∈ γ(b)` the `2w`-bit product is
//! in `[L, H] = [amin·bmin, amax·bmax]`. When `L` and `H` have the same high `w` bits, every
//! product in between has them too, so the `w`-bit product (the low half) lies in
//! `[L mod 2^w, H mod 2^w]`, and the kernel's `tnum_range` of that interval is a sound result.
//! Otherwise the piece knows nothing. This closes the gap the long multiplication leaves in the
//! high bits: it never sees that `amax·bmax` is small.
//!
//! One interval is coarse when a tnum's members are spread out: `{6, 7, 22, 23}·3` lies in
//! `[18, 69]`, whose range knows nothing of bit 5, though each of `{18, 21}` and `{66, 69}` has
//! it clear. [`split_ranges`] therefore splits each operand on its top unknown bits, takes the
//! range piece of every pair of parts and joins them. The split is exact — every member of `a`
//! is a member of exactly one part — so the join covers every product: the piece is sound
//! whenever the range piece is. Its cost is fixed by the number of split bits (`2^(ka+kb)`
//! range pieces, two multiplications each), not by the number of members.

use super::wide::umul_hi;
use absint::domain::tnum::Tnum;
use absint::word::Word;

/// The range piece: `tnum_range` of the product interval when its ends agree above `w` bits.
pub fn range<W: Word>(a: &Tnum<W>, b: &Tnum<W>) -> Tnum<W> {
    let (amin, amax, bmin, bmax) = (a.min(), a.max(), b.min(), b.max());
    from_bounds(
        &umul_hi(&amin, &bmin),
        &amin.bvmul(&bmin),
        &umul_hi(&amax, &bmax),
        &amax.bvmul(&bmax),
    )
}

/// A tnum of the low halves of the `2w`-bit numbers between `(lo_high, lo_low)` and
/// `(hi_high, hi_low)`: `tnum_range(lo_low, hi_low)` when the high halves are equal, unknown
/// otherwise.
pub fn from_bounds<W: Word>(lo_high: &W, lo_low: &W, hi_high: &W, hi_low: &W) -> Tnum<W> {
    Tnum::ite(
        &lo_high.eq(hi_high),
        &Tnum::range(lo_low, hi_low),
        &Tnum::unknown_like(lo_low),
    )
}

/// The highest set bit of `m` alone (zero for zero), without loops over data: smear the bits
/// downwards, then keep the top one.
pub fn top_bit<W: Word>(m: &W) -> W {
    let mut smeared = m.clone();
    let mut shift = 1;
    while shift < m.width() {
        smeared = smeared.bvor(&smeared.lshr_by(shift));
        shift *= 2;
    }
    smeared.bvxor(&smeared.lshr_by(1))
}

/// `t` split on its `k` highest unknown bits: `2^k` tnums whose γs cover γ(t) exactly.
///
/// Part `i` sets the chosen bits picked by the bits of `i` (bit `j` of `i` stands for the
/// `j`-th highest unknown bit). When `t` has fewer than `k` unknown bits the missing bits are
/// zero words and some parts repeat; they still cover γ(t).
pub fn split_top<W: Word>(t: &Tnum<W>, k: u32) -> Vec<Tnum<W>> {
    let mut bits = Vec::with_capacity(k as usize);
    let mut rest = t.mask.clone();
    for _ in 0..k {
        let bit = top_bit(&rest);
        rest = rest.bvand(&bit.bvnot());
        bits.push(bit);
    }
    (0..1u32 << k)
        .map(|i| {
            let value = bits
                .iter()
                .enumerate()
                .filter(|(j, _)| i >> j & 1 == 1)
                .fold(t.value.clone(), |v, (_, bit)| v.bvor(bit));
            Tnum::new(value, rest.clone())
        })
        .collect()
}

/// The join of the range pieces of every pair of parts, `a` split on its `ka` and `b` on its
/// `kb` highest unknown bits (`2^(ka+kb)` range pieces).
pub fn split_ranges<W: Word>(a: &Tnum<W>, b: &Tnum<W>, ka: u32, kb: u32) -> Tnum<W> {
    let parts_b = split_top(b, kb);
    split_top(a, ka)
        .iter()
        .flat_map(|pa| parts_b.iter().map(move |pb| range(pa, pb)))
        .reduce(|acc, r| acc.union(&r))
        .unwrap_or_else(|| Tnum::unknown_like(&a.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use absint::word::Bv;

    fn t(w: u32, v: u64, m: u64) -> Tnum<Bv> {
        Tnum::from_parts(w, v, m).unwrap()
    }

    #[test]
    fn top_bit_keeps_only_the_highest_set_bit() {
        for w in [1, 5, 8, 33, 64] {
            let top = absint::word::width_mask(w);
            for x in [0u64, 1, 2, 3, 0b1011_0000, top, top >> 1, 0x8000_0000_0001] {
                let x = x & top;
                let expect = if x == 0 {
                    0
                } else {
                    1u64 << (63 - x.leading_zeros())
                };
                assert_eq!(top_bit(&Bv::new(w, x)).get(), expect, "w = {w}, x = {x:#x}");
            }
        }
    }

    #[test]
    fn split_parts_cover_every_member_exactly_once() {
        for a in Tnum::all(5) {
            for k in 0..=3 {
                let parts = split_top(&a, k);
                assert_eq!(parts.len(), 1 << k);
                for x in a.members() {
                    let holders = parts.iter().filter(|p| p.has(x)).count();
                    // Repeated parts (fewer unknown bits than k) hold a member more than once.
                    let distinct = 1usize << k.min(a.unknown_bits());
                    assert_eq!(holders, (1 << k) / distinct, "{a} split {k}: {x}");
                }
                for p in &parts {
                    assert!(a.includes(p), "{p} is not inside {a}");
                }
            }
        }
    }

    #[test]
    fn the_range_piece_knows_the_high_bits_of_a_small_product() {
        // {6, 7} · 3 = {18, 21} ⊆ [18, 21] = 0b1_00xx.
        let r = range(&t(64, 6, 1), &t(64, 3, 0));
        assert_eq!((r.v(), r.m()), (16, 7));
    }

    #[test]
    fn splitting_finds_the_bit_one_interval_misses() {
        // {6, 7, 22, 23} · 3 = {18, 21, 66, 69}: bit 5 is clear in all of them.
        let (a, b) = (t(64, 6, 17), t(64, 3, 0));
        assert_eq!(range(&a, &b).m() & 0x20, 0x20);
        let r = split_ranges(&a, &b, 1, 0);
        assert_eq!(r.m() & 0x20, 0);
        for x in a.members() {
            assert!(r.has(x * 3));
        }
    }

    #[test]
    fn a_product_that_wraps_differently_at_both_ends_gives_unknown() {
        // 8-bit words: [0x10·0x10, 0x1f·0x1f] = [0x100, 0x3c1]: the high halves differ.
        let r = range(&t(8, 0x10, 0xf), &t(8, 0x10, 0xf));
        assert_eq!(r.m(), 0xff);
        // [0x11·0xf, 0x11·0xf] = 0xff exactly, no wrap: a constant.
        let r = range(&t(8, 0x11, 0), &t(8, 0xf, 0));
        assert_eq!((r.v(), r.m()), (0xff, 0));
    }

    #[test]
    fn a_wrapped_product_with_equal_high_halves_keeps_its_low_bits() {
        // [0x81·2, 0x81·3] = [0x102, 0x183]: both have high half 1; low halves [0x02, 0x83].
        let r = range(&t(8, 0x81, 0), &t(8, 2, 1));
        assert_eq!(r.m(), 0xff, "0x02..0x83 differ in the top bit");
        let r = range(&t(8, 0x81, 0), &t(8, 2, 0));
        assert_eq!((r.v(), r.m()), (0x02, 0));
    }
}
