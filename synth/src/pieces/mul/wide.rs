//! The high half of a full-width product: `umul_hi(x, y) = ⌊x·y / 2^w⌋` for `w`-bit words.
//!
//! [`Word`] words are at most 64 bits wide on every implementation ([`absint::word::Bv`]), so the
//! `2w`-bit product of two 64-bit words cannot be formed directly. Up to 32 bits the words are
//! zero-extended to `2w` bits, where `bvmul` is the exact integer product (SMT-LIB's `bvmul` is
//! multiplication modulo `2^(2w)`, and `x·y < 2^(2w)`). Above 32 bits the product is assembled
//! from four 32×32-bit partial products in 64-bit words — the schoolbook "multiply high unsigned"
//! of Warren, *Hacker's Delight*, §8-2 (re-derived here; every intermediate sum is shown below to
//! stay under `2^64`). The width is not data, so choosing the path by width is not a
//! data-dependent branch.

use absint::word::Word;

/// The high `w` bits of the `2w`-bit product of two `w`-bit words.
pub fn umul_hi<W: Word>(x: &W, y: &W) -> W {
    let w = x.width();
    if 2 * w <= 64 {
        return x.zext(2 * w).bvmul(&y.zext(2 * w)).extract(2 * w - 1, w);
    }
    let widen = |v: &W| if w < 64 { v.zext(64) } else { v.clone() };
    let (x, y) = (widen(x), widen(y));
    let low32 = x.lit(0xffff_ffff);
    let (xl, xh) = (x.bvand(&low32), x.lshr_by(32));
    let (yl, yh) = (y.bvand(&low32), y.lshr_by(32));
    // The four partial products of 32-bit halves are exact in 64-bit words.
    let hi64 = high_from_partials(
        &xl.bvmul(&yl),
        &xh.bvmul(&yl),
        &xl.bvmul(&yh),
        &xh.bvmul(&yh),
    );
    if w == 64 {
        return hi64;
    }
    // x·y = hi64·2^64 + lo64 < 2^(2w); its bits from w up are hi64's shifted up and lo64's down.
    let lo64 = x.bvmul(&y);
    hi64.shl_by(64 - w).bvor(&lo64.lshr_by(w)).extract(w - 1, 0)
}

/// `⌊P / 2^64⌋` for `P = hh·2^64 + (hl + lh)·2^32 + ll`, from the four exact partial products
/// of 32-bit halves (`ll = xl·yl`, `hl = xh·yl`, `lh = xl·yh`, `hh = xh·yh`, each at most
/// `(2^32 − 1)²`), in 64-bit words. With `h = 2^32 − 1`:
/// `t = ll ≤ h²`; `u = hl + ⌊t/2^32⌋ ≤ h² + h < 2^64`; `v = lh + (u mod 2^32) ≤ h² + h < 2^64`;
/// the result `hh + ⌊u/2^32⌋ + ⌊v/2^32⌋` is the exact high word (below `2^64`).
///
/// Kept apart from [`umul_hi`] so that the proof in [`super::proof`] can run it on free
/// partial products: the carry bookkeeping is then linear, and proved at 64 bits.
pub fn high_from_partials<W: Word>(ll: &W, hl: &W, lh: &W, hh: &W) -> W {
    let low32 = ll.lit(0xffff_ffff);
    let u = hl.bvadd(&ll.lshr_by(32));
    let v = lh.bvadd(&u.bvand(&low32));
    hh.bvadd(&u.lshr_by(32)).bvadd(&v.lshr_by(32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use absint::word::Bv;

    fn reference(w: u32, x: u64, y: u64) -> u64 {
        ((x as u128 * y as u128) >> w) as u64
    }

    #[test]
    fn exact_at_every_pair_of_6_bit_words() {
        for x in 0..64 {
            for y in 0..64 {
                let got = umul_hi(&Bv::new(6, x), &Bv::new(6, y)).get();
                assert_eq!(got, reference(6, x, y), "{x} * {y}");
            }
        }
    }

    #[test]
    fn exact_on_edges_of_every_wide_width() {
        let edges = [
            0u64,
            1,
            2,
            3,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x1_0000_0000,
        ];
        for w in 33..=64 {
            let top = absint::word::width_mask(w);
            let values: Vec<u64> = edges
                .iter()
                .copied()
                .chain([
                    top,
                    top - 1,
                    top >> 1,
                    (top >> 1) + 1,
                    0x1234_5678_9abc_def1 & top,
                ])
                .map(|v| v & top)
                .collect();
            for &x in &values {
                for &y in &values {
                    let got = umul_hi(&Bv::new(w, x), &Bv::new(w, y)).get();
                    assert_eq!(got, reference(w, x, y), "w = {w}: {x:#x} * {y:#x}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn exact_on_random_words(w in 1u32..=64, x: u64, y: u64) {
            let m = absint::word::width_mask(w);
            let (x, y) = (x & m, y & m);
            proptest::prop_assert_eq!(umul_hi(&Bv::new(w, x), &Bv::new(w, y)).get(), reference(w, x, y));
        }
    }
}
