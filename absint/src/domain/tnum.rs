//! Tristate numbers: the verifier's bit-level abstract domain.
//!
//! A tnum `(value; mask)` of width `w` stands for the set of `w`-bit words
//!
//! ```text
//! γ(value; mask) = { x | x & !mask == value }
//! ```
//!
//! A bit set in `mask` is unknown; every other bit is known and equals the bit of `value`.
//! Well-formed tnums have `value & mask == 0`; every operator here maps well-formed tnums to
//! well-formed tnums. An operator `op#` is *sound* for the concrete operation `op` when
//! `x ∈ γ(a), y ∈ γ(b) ⟹ op(x, y) ∈ γ(op#(a, b))`, and *optimal* when its result is the
//! smallest tnum with that property.
//!
//! The operators follow the Linux kernel's `kernel/bpf/tnum.c` (re-implemented from the published
//! algorithms, see the references at each operator). Add and sub are the optimal operators of
//! Vishwanathan et al., "Sound, Precise, and Fast Abstract Interpretation with Tristate Numbers"
//! (CGO 2022), which also proves them sound; and, or, xor, the shifts and casts are bit-wise exact.
//! Multiplication is the union-based long multiplication the running 6.18 kernel uses; the two
//! earlier kernel multiplications are kept for comparison.
//!
//! Everything is generic over [`Word`], with data-dependent choices written as `ite`, so the same
//! code runs on concrete words and encodes to SMT. Loops run a fixed number of times (the width),
//! which gives the same result as the kernel's early-exit loops: the extra iterations do nothing.

use crate::word::{Bit, Bv, Word};
use std::fmt;

/// A tristate number over words of type `W`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tnum<W = Bv> {
    /// Known bits' values (zero where unknown).
    pub value: W,
    /// Unknown bits.
    pub mask: W,
}

impl<W: Word> Tnum<W> {
    /// The tnum with the given fields (not checked for well-formedness).
    pub fn new(value: W, mask: W) -> Self {
        Tnum { value, mask }
    }

    /// Width in bits.
    pub fn width(&self) -> u32 {
        self.value.width()
    }

    /// The known constant `v`.
    pub fn constant(v: W) -> Self {
        let mask = v.zero();
        Tnum { value: v, mask }
    }

    /// The fully unknown tnum of `like`'s width.
    pub fn unknown_like(like: &W) -> Self {
        Tnum {
            value: like.zero(),
            mask: like.ones(),
        }
    }

    /// Is the tnum well-formed (`value & mask == 0`)?
    pub fn is_well_formed(&self) -> W::Bool {
        self.value.bvand(&self.mask).is_zero()
    }

    /// Is `x` a member of γ(self)?
    pub fn contains(&self, x: &W) -> W::Bool {
        x.bvand(&self.mask.bvnot()).eq(&self.value)
    }

    /// Is γ(other) ⊆ γ(self)? (The kernel's `tnum_in(self, other)`.)
    pub fn includes(&self, other: &Self) -> W::Bool {
        let no_new_unknowns = other.mask.bvand(&self.mask.bvnot()).is_zero();
        let same_known = other.value.bvand(&self.mask.bvnot()).eq(&self.value);
        no_new_unknowns.and(&same_known)
    }

    /// Is the tnum a single value?
    pub fn is_const(&self) -> W::Bool {
        self.mask.is_zero()
    }

    /// The smallest member (`value`).
    pub fn min(&self) -> W {
        self.value.clone()
    }

    /// The largest member (`value | mask`).
    pub fn max(&self) -> W {
        self.value.bvor(&self.mask)
    }

    /// `if cond { a } else { b }` field by field.
    pub fn ite(cond: &W::Bool, a: &Self, b: &Self) -> Self {
        Tnum {
            value: W::ite(cond, &a.value, &b.value),
            mask: W::ite(cond, &a.mask, &b.mask),
        }
    }

    /// The smallest tnum containing every value in `[min, max]` (unsigned).
    ///
    /// Pitfall (as in the kernel): the result is a tnum, not an interval, so `range(0, 2)` also
    /// contains 3.
    pub fn range(min: &W, max: &W) -> Self {
        // The bits below and at the highest bit where min and max differ become unknown.
        // When they differ in the top bit, `1 << width` is 0 in SMT semantics and the mask is all
        // ones, which is the kernel's "unknown" case.
        let chi = min.bvxor(max);
        let bits = min.lit(min.width() as u64).bvsub(&chi.clz());
        let delta = min.lit(1).bvshl(&bits).bvsub(&min.lit(1));
        Tnum {
            value: min.bvand(&delta.bvnot()),
            mask: delta,
        }
    }

    /// Shift left by `k` (zeros shifted in are known).
    pub fn lshift(&self, k: &W) -> Self {
        Tnum {
            value: self.value.bvshl(k),
            mask: self.mask.bvshl(k),
        }
    }

    /// Logical shift right by `k`.
    pub fn rshift(&self, k: &W) -> Self {
        Tnum {
            value: self.value.bvlshr(k),
            mask: self.mask.bvlshr(k),
        }
    }

    /// Arithmetic shift right by `k`: an unknown sign bit stays unknown in every copy.
    pub fn arshift(&self, k: &W) -> Self {
        Tnum {
            value: self.value.bvashr(k),
            mask: self.mask.bvashr(k),
        }
    }

    /// Add two tnums, return `a + b`. Optimal (CGO'22, §4): the carries that can differ between
    /// the smallest and the largest sums are exactly the unknown bits.
    pub fn add(&self, b: &Self) -> Self {
        let sm = self.mask.bvadd(&b.mask);
        let sv = self.value.bvadd(&b.value);
        let sigma = sm.bvadd(&sv);
        let chi = sigma.bvxor(&sv);
        let mu = chi.bvor(&self.mask).bvor(&b.mask);
        Tnum {
            value: sv.bvand(&mu.bvnot()),
            mask: mu,
        }
    }

    /// Subtract two tnums, return `a - b`. Optimal (CGO'22, §4): compare the largest and the
    /// smallest differences.
    pub fn sub(&self, b: &Self) -> Self {
        let dv = self.value.bvsub(&b.value);
        let alpha = dv.bvadd(&self.mask);
        let beta = dv.bvsub(&b.mask);
        let chi = alpha.bvxor(&beta);
        let mu = chi.bvor(&self.mask).bvor(&b.mask);
        Tnum {
            value: dv.bvand(&mu.bvnot()),
            mask: mu,
        }
    }

    /// Negate: `0 - a`.
    pub fn neg(&self) -> Self {
        Tnum::constant(self.value.zero()).sub(self)
    }

    /// Bitwise and: a bit is known 1 when both are, known 0 when either is.
    pub fn and(&self, b: &Self) -> Self {
        let alpha = self.value.bvor(&self.mask);
        let beta = b.value.bvor(&b.mask);
        let v = self.value.bvand(&b.value);
        Tnum {
            mask: alpha.bvand(&beta).bvand(&v.bvnot()),
            value: v,
        }
    }

    /// Bitwise or: a bit is known 1 when either is, known 0 when both are.
    pub fn or(&self, b: &Self) -> Self {
        let v = self.value.bvor(&b.value);
        let mu = self.mask.bvor(&b.mask);
        Tnum {
            mask: mu.bvand(&v.bvnot()),
            value: v,
        }
    }

    /// Bitwise xor: known where both are known.
    pub fn xor(&self, b: &Self) -> Self {
        let v = self.value.bvxor(&b.value);
        let mu = self.mask.bvor(&b.mask);
        Tnum {
            value: v.bvand(&mu.bvnot()),
            mask: mu,
        }
    }

    /// The least upper bound: bits known in both and equal stay known (the kernel's `tnum_union`).
    pub fn union(&self, b: &Self) -> Self {
        let v = self.value.bvand(&b.value);
        let mu = self.value.bvxor(&b.value).bvor(&self.mask).bvor(&b.mask);
        Tnum {
            value: v.bvand(&mu.bvnot()),
            mask: mu,
        }
    }

    /// The kernel's `tnum_intersect`: bits known in either become known.
    ///
    /// When the two tnums disagree on a bit both know, γ(a) ∩ γ(b) is empty and this returns a
    /// tnum that holds neither; use [`Tnum::meet`] when emptiness matters.
    pub fn intersect(&self, b: &Self) -> Self {
        let v = self.value.bvor(&b.value);
        let mu = self.mask.bvand(&b.mask);
        Tnum {
            value: v.bvand(&mu.bvnot()),
            mask: mu,
        }
    }

    /// Could γ(a) and γ(b) share a member? (They do iff they agree on the bits both know.)
    pub fn overlap(&self, b: &Self) -> W::Bool {
        let mu = self.mask.bvnot().bvand(&b.mask.bvnot());
        self.value.bvand(&mu).eq(&b.value.bvand(&mu))
    }

    /// Multiply, as the running (6.18) kernel does: long multiplication over the bits of `a`,
    /// adding `b` where the bit is known 1 and joining "added" with "not added" where it is
    /// unknown. Each step is sound because add and union are, so the product is sound.
    pub fn mul(&self, b: &Self) -> Self {
        let one = self.value.lit(1);
        let mut a = self.clone();
        let mut b = b.clone();
        let mut acc = Tnum::constant(self.value.zero());
        for _ in 0..self.width() {
            let sum = acc.add(&b);
            let known_one = a.value.lsb();
            let unknown = a.mask.lsb();
            let joined = acc.union(&sum);
            acc = Tnum::ite(&known_one, &sum, &Tnum::ite(&unknown, &joined, &acc));
            a = a.rshift(&one);
            b = b.lshift(&one);
        }
        acc
    }

    /// The multiplication of Linux 5.13 to 6.17 (CGO'22, Listing 3, "our_mul"): the product of
    /// the known parts, plus a sum of tnums carrying only the uncertainty.
    pub fn mul_v5_13(&self, b: &Self) -> Self {
        let one = self.value.lit(1);
        let zero = self.value.zero();
        let known_product = self.value.bvmul(&b.value);
        let mut a = self.clone();
        let mut b = b.clone();
        let mut acc_m = Tnum::constant(zero.clone());
        for _ in 0..self.width() {
            let if_one = acc_m.add(&Tnum::new(zero.clone(), b.mask.clone()));
            let if_unknown = acc_m.add(&Tnum::new(zero.clone(), b.value.bvor(&b.mask)));
            acc_m = Tnum::ite(
                &a.value.lsb(),
                &if_one,
                &Tnum::ite(&a.mask.lsb(), &if_unknown, &acc_m),
            );
            a = a.rshift(&one);
            b = b.lshift(&one);
        }
        Tnum::constant(known_product).add(&acc_m)
    }

    /// The multiplication of Linux before 5.13 (CGO'22, Listing 2, "kern_mul"): two
    /// half-multiply-accumulate passes over the masks.
    pub fn mul_pre_v5_13(&self, b: &Self) -> Self {
        let pi = self.value.bvmul(&b.value);
        let acc = hma(Tnum::constant(pi), &self.mask, &b.mask.bvor(&b.value));
        hma(acc, &b.mask, &self.value)
    }

    /// The smallest member of γ(self) greater than `z`.
    ///
    /// Defined as `max()` when `z >= max()` (no member is greater) and `min()` when `z < min()`.
    /// The kernel (6.18 backport) uses it to notice that a range and a tnum share one value.
    ///
    /// Algorithm (ours): look for the smallest member `x >= y = z + 1`. Let `d` be the known bits
    /// where `y` disagrees with `value`, and `j` the highest of them. Above `j`, `y` is a valid
    /// prefix. If `value` has a 1 at `j`, take `y`'s prefix, then `value`'s bits from `j` down.
    /// Otherwise `y`'s prefix is too large for any member; increment the prefix counting only the
    /// unknown bits above `j` (set every other bit to 1, add 1, keep the unknown bits above `j`),
    /// then take `value`'s bits.
    pub fn step(&self, z: &W) -> W {
        let one = z.lit(1);
        let (v, m) = (&self.value, &self.mask);
        let tmax = self.max();
        let y = z.bvadd(&one);
        let d = y.bvand(&m.bvnot()).bvxor(v);
        let low = z.ones().bvlshr(&d.clz()); // bits at and below j
        let high = low.bvnot();
        let top = low.bvxor(&low.lshr_by(1)); // bit j
        let keep_prefix = y.bvand(&high).bvor(&v.bvand(&low));
        let carried = y
            .bvand(&high)
            .bvand(m)
            .bvor(&m.bvnot().bvand(&high))
            .bvor(&low)
            .bvadd(&one)
            .bvand(m)
            .bvand(&high);
        let bump_prefix = v.bvor(&carried);
        let inside = W::ite(
            &d.is_zero(),
            &y,
            &W::ite(&v.bvand(&top).is_zero(), &bump_prefix, &keep_prefix),
        );
        W::ite(&z.bvuge(&tmax), &tmax, &W::ite(&z.bvult(v), v, &inside))
    }

    /// Keep the low `bytes` bytes (the kernel's `tnum_cast`), as a tnum of the same width.
    pub fn cast(&self, bytes: u32) -> Self {
        let keep = self
            .value
            .ones()
            .lshr_by(self.width().saturating_sub(8 * bytes));
        Tnum {
            value: self.value.bvand(&keep),
            mask: self.mask.bvand(&keep),
        }
    }

    /// The low `bits` bits, as a narrower tnum (`bits <= width`).
    pub fn truncate(&self, bits: u32) -> Self {
        Tnum {
            value: self.value.resize(bits),
            mask: self.mask.resize(bits),
        }
    }

    /// Zero-extend to `bits` bits: the new high bits are known zero.
    pub fn zext(&self, bits: u32) -> Self {
        Tnum {
            value: self.value.zext(bits),
            mask: self.mask.zext(bits),
        }
    }

    /// Sign-extend to `bits` bits: the new high bits copy the sign bit, known or not.
    pub fn sext(&self, bits: u32) -> Self {
        Tnum {
            value: self.value.sext(bits),
            mask: self.mask.sext(bits),
        }
    }

    /// The low 32 bits of a 64-bit tnum, zero-extended (the kernel's `tnum_subreg`).
    pub fn subreg(&self) -> Self {
        self.cast(4)
    }

    /// The high 32 bits only, low half known zero (the kernel's `tnum_clear_subreg`).
    pub fn clear_subreg(&self) -> Self {
        let k = self.value.lit(32);
        self.rshift(&k).lshift(&k)
    }

    /// This tnum's high half with `low`'s low 32 bits (the kernel's `tnum_with_subreg`).
    pub fn with_subreg(&self, low: &Self) -> Self {
        self.clear_subreg().or(&low.subreg())
    }

    /// Byte-swap the low `bits` (16, 32 or 64) bits of both fields; the result is zero above.
    pub fn bswap(&self, bits: u32) -> Self {
        let w = self.width();
        Tnum {
            value: self.value.resize(bits).byte_swap().resize(w),
            mask: self.mask.resize(bits).byte_swap().resize(w),
        }
    }
}

/// `hma` of the pre-5.13 multiplication: for every set bit `i` of `mask`, add the unknown
/// `value << i` to `acc`.
fn hma<W: Word>(mut acc: Tnum<W>, mask: &W, value: &W) -> Tnum<W> {
    let one = mask.lit(1);
    let zero = mask.zero();
    let mut mask = mask.clone();
    let mut value = value.clone();
    for _ in 0..mask.width() {
        let added = acc.add(&Tnum::new(zero.clone(), value.clone()));
        acc = Tnum::ite(&mask.lsb(), &added, &acc);
        mask = mask.bvlshr(&one);
        value = value.bvshl(&one);
    }
    acc
}

/// Concrete tnums: constructors, the lattice and enumeration.
impl Tnum<Bv> {
    /// A `width`-bit tnum from raw fields, truncated to the width; `None` if not well-formed.
    pub fn from_parts(width: u32, value: u64, mask: u64) -> Option<Self> {
        let t = Tnum::new(Bv::new(width, value), Bv::new(width, mask));
        t.is_well_formed().then_some(t)
    }
    /// A 64-bit tnum; panics if not well-formed (for literals in code, not for user input).
    pub fn u64(value: u64, mask: u64) -> Self {
        Self::from_parts(64, value, mask).expect("tnum literal with value & mask != 0")
    }
    /// The 64-bit constant `v`.
    pub fn const_u64(v: u64) -> Self {
        Tnum::constant(Bv::u64(v))
    }
    /// The fully unknown tnum of `width` bits.
    pub fn unknown(width: u32) -> Self {
        Tnum::new(Bv::new(width, 0), Bv::new(width, u64::MAX))
    }
    /// The raw value field.
    pub fn v(&self) -> u64 {
        self.value.get()
    }
    /// The raw mask field.
    pub fn m(&self) -> u64 {
        self.mask.get()
    }
    /// Is `x` a member?
    pub fn has(&self, x: u64) -> bool {
        self.contains(&Bv::new(self.width(), x))
    }
    /// Number of unknown bits: γ has `2^unknown_bits()` members.
    pub fn unknown_bits(&self) -> u32 {
        self.m().count_ones()
    }
    /// |γ(self)|.
    pub fn size(&self) -> u128 {
        1u128 << self.unknown_bits()
    }
    /// `self ⊑ other`: γ(self) ⊆ γ(other).
    pub fn le(&self, other: &Self) -> bool {
        other.includes(self)
    }
    /// The join (least upper bound); the same as [`Tnum::union`].
    pub fn join(&self, other: &Self) -> Self {
        self.union(other)
    }
    /// The meet (greatest lower bound): `None` when γ(self) ∩ γ(other) is empty.
    pub fn meet(&self, other: &Self) -> Option<Self> {
        self.overlap(other).then(|| self.intersect(other))
    }
    /// Every member, in increasing order. There are `2^unknown_bits()` of them.
    pub fn members(&self) -> impl Iterator<Item = u64> + '_ {
        let (v, m) = (self.v(), self.m());
        // Enumerate the submasks of m in increasing order: next = ((s | !m) + 1) & m.
        let mut next = Some(0u64);
        std::iter::from_fn(move || {
            let s = next?;
            next = if s == m {
                None
            } else {
                Some((s | !m).wrapping_add(1) & m)
            };
            Some(v | s)
        })
    }
    /// Every well-formed tnum of `width` bits (3^width of them), in a fixed order.
    pub fn all(width: u32) -> impl Iterator<Item = Self> {
        let n = 1u64 << width;
        (0..n).flat_map(move |m| {
            // values range over submasks of !m within the width
            let free = !m & crate::word::width_mask(width);
            let mut next = Some(0u64);
            std::iter::from_fn(move || {
                let s = next?;
                next = if s == free {
                    None
                } else {
                    Some((s | !free).wrapping_add(1) & free)
                };
                Some(Tnum::new(Bv::new(width, s), Bv::new(width, m)))
            })
        })
    }
    /// The smallest tnum containing every value of `values` (the abstraction α); `None` if empty.
    pub fn abstraction(width: u32, values: impl IntoIterator<Item = u64>) -> Option<Self> {
        values
            .into_iter()
            .map(|x| Tnum::constant(Bv::new(width, x)))
            .reduce(|a, b| a.union(&b))
    }
}

impl<W: Word> fmt::Debug for Tnum<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:?}; {:?})", self.value, self.mask)
    }
}

/// Prints as the kernel does: `(0x0; 0xff)`.
impl fmt::Display for Tnum<Bv> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:#x}; {:#x})", self.v(), self.m())
    }
}
