//! Fixed-width bit-vector words: the one interface every semantics in Vernier is written against.
//!
//! The concrete ALU semantics ([`crate::semantics`]), the tnum and interval domains and the kernel's
//! register-level transfer functions are all generic over [`Word`]. Running them on [`Bv`] gives a
//! fast concrete evaluator; running them on a symbolic implementation (z3 bit-vectors, in `synth`)
//! gives the SMT encoding of *the same code*. So there is one semantics per operator, evaluated
//! two ways, and no second copy kept equal by hand.
//!
//! The vocabulary follows SMT-LIB's `QF_BV` (`bvadd`, `bvlshr`, `extract`, `ite` …), so that every
//! method maps to one solver primitive. Conditions are values of the associated [`Word::Bool`]
//! type and choices are made with [`Word::ite`] rather than with `if`: code that branches on a
//! `bool` obtained from a word would not encode symbolically. Widths are carried by the words
//! themselves, as in SMT-LIB; mixing widths in one operation is a bug in the caller and panics.
//!
//! Shift semantics follow SMT-LIB: shifting by the width or more yields zero (or all sign bits for
//! `bvashr`). BPF masks the shift amount instead; [`crate::semantics`] does that masking explicitly.

use std::fmt::Debug;

/// Boolean values that [`Word`] comparisons produce.
pub trait Bit: Clone + Debug {
    /// Logical conjunction.
    fn and(&self, other: &Self) -> Self;
    /// Logical disjunction.
    fn or(&self, other: &Self) -> Self;
    /// Logical negation.
    fn not(&self) -> Self;
}

/// A bit-vector of a fixed width from 1 to 64 bits.
///
/// Required methods are the SMT-LIB primitives; the provided ones are derived from them and are
/// therefore valid on every implementation.
pub trait Word: Clone + Debug {
    /// The type of conditions.
    type Bool: Bit;

    /// Width in bits (1 to 64).
    fn width(&self) -> u32;
    /// A constant of width `width`, truncated to that width.
    fn constant(&self, width: u32, value: u64) -> Self;
    /// A boolean constant.
    fn bool_const(&self, value: bool) -> Self::Bool;

    /// Wrapping addition.
    fn bvadd(&self, rhs: &Self) -> Self;
    /// Wrapping subtraction.
    fn bvsub(&self, rhs: &Self) -> Self;
    /// Wrapping multiplication.
    fn bvmul(&self, rhs: &Self) -> Self;
    /// Unsigned division; by zero it yields all ones (SMT-LIB).
    fn bvudiv(&self, rhs: &Self) -> Self;
    /// Unsigned remainder; by zero it yields the dividend (SMT-LIB).
    fn bvurem(&self, rhs: &Self) -> Self;
    /// Signed division truncating toward zero; by zero: SMT-LIB's `bvsdiv`.
    fn bvsdiv(&self, rhs: &Self) -> Self;
    /// Signed remainder with the sign of the dividend (`bvsrem`).
    fn bvsrem(&self, rhs: &Self) -> Self;
    /// Bitwise and.
    fn bvand(&self, rhs: &Self) -> Self;
    /// Bitwise or.
    fn bvor(&self, rhs: &Self) -> Self;
    /// Bitwise exclusive or.
    fn bvxor(&self, rhs: &Self) -> Self;
    /// Bitwise complement.
    fn bvnot(&self) -> Self;
    /// Shift left; amounts of the width or more give zero.
    fn bvshl(&self, amount: &Self) -> Self;
    /// Logical shift right; amounts of the width or more give zero.
    fn bvlshr(&self, amount: &Self) -> Self;
    /// Arithmetic shift right; amounts of the width or more give all sign bits.
    fn bvashr(&self, amount: &Self) -> Self;

    /// Equality.
    fn eq(&self, rhs: &Self) -> Self::Bool;
    /// Unsigned less-than.
    fn bvult(&self, rhs: &Self) -> Self::Bool;
    /// Signed less-than.
    fn bvslt(&self, rhs: &Self) -> Self::Bool;

    /// `if cond { then } else { otherwise }`, as a value.
    fn ite(cond: &Self::Bool, then: &Self, otherwise: &Self) -> Self;
    /// Bits `hi..=lo` as a word of width `hi - lo + 1`.
    fn extract(&self, hi: u32, lo: u32) -> Self;
    /// Zero-extend to `width` bits (`width >= self.width()`).
    fn zext(&self, width: u32) -> Self;
    /// Sign-extend to `width` bits (`width >= self.width()`).
    fn sext(&self, width: u32) -> Self;
    /// `self` as the high bits and `low` as the low bits.
    fn concat(&self, low: &Self) -> Self;

    // ----- provided -----

    /// A constant of this word's width.
    fn lit(&self, value: u64) -> Self {
        self.constant(self.width(), value)
    }
    /// Zero of this word's width.
    fn zero(&self) -> Self {
        self.lit(0)
    }
    /// All ones of this word's width.
    fn ones(&self) -> Self {
        self.lit(u64::MAX)
    }
    /// Two's complement negation.
    fn bvneg(&self) -> Self {
        self.zero().bvsub(self)
    }
    /// Disequality.
    fn ne(&self, rhs: &Self) -> Self::Bool {
        self.eq(rhs).not()
    }
    /// Unsigned less-or-equal.
    fn bvule(&self, rhs: &Self) -> Self::Bool {
        rhs.bvult(self).not()
    }
    /// Unsigned greater-than.
    fn bvugt(&self, rhs: &Self) -> Self::Bool {
        rhs.bvult(self)
    }
    /// Unsigned greater-or-equal.
    fn bvuge(&self, rhs: &Self) -> Self::Bool {
        self.bvult(rhs).not()
    }
    /// Signed less-or-equal.
    fn bvsle(&self, rhs: &Self) -> Self::Bool {
        rhs.bvslt(self).not()
    }
    /// Signed greater-than.
    fn bvsgt(&self, rhs: &Self) -> Self::Bool {
        rhs.bvslt(self)
    }
    /// Signed greater-or-equal.
    fn bvsge(&self, rhs: &Self) -> Self::Bool {
        self.bvslt(rhs).not()
    }
    /// Unsigned minimum.
    fn umin(&self, rhs: &Self) -> Self {
        Self::ite(&self.bvult(rhs), self, rhs)
    }
    /// Unsigned maximum.
    fn umax(&self, rhs: &Self) -> Self {
        Self::ite(&self.bvult(rhs), rhs, self)
    }
    /// Signed minimum.
    fn smin(&self, rhs: &Self) -> Self {
        Self::ite(&self.bvslt(rhs), self, rhs)
    }
    /// Signed maximum.
    fn smax(&self, rhs: &Self) -> Self {
        Self::ite(&self.bvslt(rhs), rhs, self)
    }
    /// Shift left by a constant amount (zero at or beyond the width).
    fn shl_by(&self, k: u32) -> Self {
        self.bvshl(&self.lit(k as u64))
    }
    /// Logical shift right by a constant amount.
    fn lshr_by(&self, k: u32) -> Self {
        self.bvlshr(&self.lit(k as u64))
    }
    /// Arithmetic shift right by a constant amount.
    fn ashr_by(&self, k: u32) -> Self {
        self.bvashr(&self.lit(k as u64))
    }
    /// Is the word zero?
    fn is_zero(&self) -> Self::Bool {
        self.eq(&self.zero())
    }
    /// The most significant bit, as a condition (the sign for signed readings).
    fn msb(&self) -> Self::Bool {
        self.bvslt(&self.zero())
    }
    /// The lowest bit, as a condition.
    fn lsb(&self) -> Self::Bool {
        self.bvand(&self.lit(1)).ne(&self.zero())
    }
    /// The smallest signed value of this width (only the sign bit set).
    fn signed_min(&self) -> Self {
        self.lit(1).shl_by(self.width() - 1)
    }
    /// The largest signed value of this width.
    fn signed_max(&self) -> Self {
        self.signed_min().bvnot()
    }
    /// Would `self + rhs` overflow as unsigned?
    fn uadd_overflows(&self, rhs: &Self) -> Self::Bool {
        self.bvadd(rhs).bvult(self)
    }
    /// Would `self - rhs` underflow as unsigned?
    fn usub_overflows(&self, rhs: &Self) -> Self::Bool {
        self.bvult(rhs)
    }
    /// Would `self + rhs` overflow as signed?
    fn sadd_overflows(&self, rhs: &Self) -> Self::Bool {
        // Overflow iff both operands have the same sign and the sum's sign differs.
        let sum = self.bvadd(rhs);
        let same_sign = self.bvxor(rhs).msb().not();
        same_sign.and(&sum.bvxor(self).msb())
    }
    /// Would `self - rhs` overflow as signed?
    fn ssub_overflows(&self, rhs: &Self) -> Self::Bool {
        // Overflow iff the operands differ in sign and the difference's sign differs from self's.
        let diff = self.bvsub(rhs);
        let diff_sign = self.bvxor(rhs).msb();
        diff_sign.and(&diff.bvxor(self).msb())
    }
    /// Would `self * rhs` overflow as unsigned?
    fn umul_overflows(&self, rhs: &Self) -> Self::Bool {
        let w = self.width();
        let wide = self.zext(2 * w).bvmul(&rhs.zext(2 * w));
        wide.extract(2 * w - 1, w).ne(&self.zero())
    }
    /// Would `self * rhs` overflow as signed?
    fn smul_overflows(&self, rhs: &Self) -> Self::Bool {
        let w = self.width();
        let wide = self.sext(2 * w).bvmul(&rhs.sext(2 * w));
        wide.extract(w - 1, 0).sext(2 * w).ne(&wide)
    }
    /// Number of leading zero bits, as a word of the same width (the width for zero).
    fn clz(&self) -> Self {
        // Binary search over halves, all with selects, so it encodes without branches.
        let w = self.width();
        let mut count = self.zero();
        let mut x = self.clone();
        let mut step = w.next_power_of_two() / 2;
        // Pad the view: treat x as if it were `w` bits; test whether the top `step` bits are zero.
        while step >= 1 {
            if step < w {
                let top_zero = x.lshr_by(w - step).is_zero();
                count = Self::ite(&top_zero, &count.bvadd(&self.lit(step as u64)), &count);
                x = Self::ite(&top_zero, &x.shl_by(step), &x);
            }
            step /= 2;
        }
        // What remains: the top bit of x decides whether one more zero is counted.
        let top_zero = x.lshr_by(w - 1).is_zero();
        count = Self::ite(&top_zero, &count.bvadd(&self.lit(1)), &count);
        // For x == 0 the loop above counts w - 1 + 1 only when the halves add up; pin it exactly.
        Self::ite(&self.is_zero(), &self.lit(w as u64), &count)
    }
    /// Reverse the order of the bytes of a word whose width is a multiple of 8.
    fn byte_swap(&self) -> Self {
        let w = self.width();
        assert!(w.is_multiple_of(8), "byte_swap of a {w}-bit word");
        let bytes = w / 8;
        let mut out = self.extract(7, 0);
        for i in 1..bytes {
            out = out.concat(&self.extract(8 * i + 7, 8 * i));
        }
        out
    }
    /// Truncate or zero-extend to `width` bits.
    fn resize(&self, width: u32) -> Self {
        match width.cmp(&self.width()) {
            std::cmp::Ordering::Less => self.extract(width - 1, 0),
            std::cmp::Ordering::Equal => self.clone(),
            std::cmp::Ordering::Greater => self.zext(width),
        }
    }
}

/// A concrete bit-vector: the fast evaluator of every generic semantics.
///
/// Invariant: bits at and above `width` are zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bv {
    bits: u64,
    width: u8,
}

impl Debug for Bv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}:{}", self.bits, self.width)
    }
}

/// The mask of the low `width` bits.
#[inline]
pub const fn width_mask(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// `value`'s low `width` bits read as a signed number.
#[inline]
pub const fn sign_extend(value: u64, width: u32) -> i64 {
    if width >= 64 {
        value as i64
    } else {
        let shift = 64 - width;
        ((value << shift) as i64) >> shift
    }
}

impl Bv {
    /// A word of `width` bits (1 to 64) holding `value` truncated to the width.
    #[inline]
    pub const fn new(width: u32, value: u64) -> Bv {
        assert!(width >= 1 && width <= 64);
        Bv {
            bits: value & width_mask(width),
            width: width as u8,
        }
    }
    /// A 64-bit word.
    #[inline]
    pub const fn u64(value: u64) -> Bv {
        Bv {
            bits: value,
            width: 64,
        }
    }
    /// A 32-bit word.
    #[inline]
    pub const fn u32(value: u32) -> Bv {
        Bv {
            bits: value as u64,
            width: 32,
        }
    }
    /// The value, zero-extended to 64 bits.
    #[inline]
    pub const fn get(self) -> u64 {
        self.bits
    }
    /// The value read as signed, sign-extended to 64 bits.
    #[inline]
    pub const fn signed(self) -> i64 {
        sign_extend(self.bits, self.width as u32)
    }
    #[inline]
    fn mask(self) -> u64 {
        width_mask(self.width as u32)
    }
    #[inline]
    fn same(self, rhs: Bv) {
        debug_assert_eq!(self.width, rhs.width, "bit-vector width mismatch");
    }
    #[inline]
    fn with(self, bits: u64) -> Bv {
        Bv {
            bits: bits & self.mask(),
            width: self.width,
        }
    }
}

impl Bit for bool {
    #[inline]
    fn and(&self, other: &bool) -> bool {
        *self && *other
    }
    #[inline]
    fn or(&self, other: &bool) -> bool {
        *self || *other
    }
    #[inline]
    fn not(&self) -> bool {
        !*self
    }
}

impl Word for Bv {
    type Bool = bool;

    #[inline]
    fn width(&self) -> u32 {
        self.width as u32
    }
    #[inline]
    fn constant(&self, width: u32, value: u64) -> Bv {
        Bv::new(width, value)
    }
    #[inline]
    fn bool_const(&self, value: bool) -> bool {
        value
    }
    #[inline]
    fn bvadd(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits.wrapping_add(rhs.bits))
    }
    #[inline]
    fn bvsub(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits.wrapping_sub(rhs.bits))
    }
    #[inline]
    fn bvmul(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits.wrapping_mul(rhs.bits))
    }
    #[inline]
    fn bvudiv(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        match rhs.bits {
            0 => self.with(u64::MAX),
            d => self.with(self.bits / d),
        }
    }
    #[inline]
    fn bvurem(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        match rhs.bits {
            0 => *self,
            d => self.with(self.bits % d),
        }
    }
    fn bvsdiv(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        let (a, b) = (self.signed(), rhs.signed());
        if b == 0 {
            // SMT-LIB: bvsdiv by zero is udiv of magnitudes, negated when the signs differ:
            // -1 for a non-negative dividend, 1 for a negative one.
            return self.with(if a < 0 { 1 } else { u64::MAX });
        }
        self.with(a.wrapping_div(b) as u64)
    }
    fn bvsrem(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        let (a, b) = (self.signed(), rhs.signed());
        if b == 0 {
            return *self;
        }
        self.with(a.wrapping_rem(b) as u64)
    }
    #[inline]
    fn bvand(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits & rhs.bits)
    }
    #[inline]
    fn bvor(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits | rhs.bits)
    }
    #[inline]
    fn bvxor(&self, rhs: &Bv) -> Bv {
        self.same(*rhs);
        self.with(self.bits ^ rhs.bits)
    }
    #[inline]
    fn bvnot(&self) -> Bv {
        self.with(!self.bits)
    }
    #[inline]
    fn bvshl(&self, amount: &Bv) -> Bv {
        self.same(*amount);
        if amount.bits >= self.width as u64 {
            self.with(0)
        } else {
            self.with(self.bits << amount.bits)
        }
    }
    #[inline]
    fn bvlshr(&self, amount: &Bv) -> Bv {
        self.same(*amount);
        if amount.bits >= self.width as u64 {
            self.with(0)
        } else {
            self.with(self.bits >> amount.bits)
        }
    }
    #[inline]
    fn bvashr(&self, amount: &Bv) -> Bv {
        self.same(*amount);
        let k = amount.bits.min(63);
        self.with((self.signed() >> k) as u64)
    }
    #[inline]
    fn eq(&self, rhs: &Bv) -> bool {
        self.same(*rhs);
        self.bits == rhs.bits
    }
    #[inline]
    fn bvult(&self, rhs: &Bv) -> bool {
        self.same(*rhs);
        self.bits < rhs.bits
    }
    #[inline]
    fn bvslt(&self, rhs: &Bv) -> bool {
        self.same(*rhs);
        self.signed() < rhs.signed()
    }
    #[inline]
    fn ite(cond: &bool, then: &Bv, otherwise: &Bv) -> Bv {
        if *cond {
            *then
        } else {
            *otherwise
        }
    }
    #[inline]
    fn extract(&self, hi: u32, lo: u32) -> Bv {
        assert!(
            hi >= lo && hi < self.width as u32,
            "extract({hi}, {lo}) of {self:?}"
        );
        Bv::new(hi - lo + 1, self.bits >> lo)
    }
    #[inline]
    fn zext(&self, width: u32) -> Bv {
        assert!(width >= self.width as u32);
        Bv::new(width, self.bits)
    }
    #[inline]
    fn sext(&self, width: u32) -> Bv {
        assert!(width >= self.width as u32);
        Bv::new(width, self.signed() as u64)
    }
    #[inline]
    fn concat(&self, low: &Bv) -> Bv {
        let w = self.width as u32 + low.width as u32;
        assert!(w <= 64, "concat wider than 64 bits");
        Bv::new(w, (self.bits << low.width) | low.bits)
    }
    // Fast paths for the provided methods whose generic form costs many operations.
    #[inline]
    fn clz(&self) -> Bv {
        let lz = (self.bits << (64 - self.width as u32)).leading_zeros();
        self.with(lz.min(self.width as u32) as u64)
    }
    #[inline]
    fn umul_overflows(&self, rhs: &Bv) -> bool {
        self.same(*rhs);
        let wide = self.bits as u128 * rhs.bits as u128;
        wide > self.mask() as u128
    }
    #[inline]
    fn smul_overflows(&self, rhs: &Bv) -> bool {
        self.same(*rhs);
        let wide = self.signed() as i128 * rhs.signed() as i128;
        let w = self.width as u32;
        wide < -(1i128 << (w - 1)) || wide >= (1i128 << (w - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provided (generic) methods must agree with Bv's fast overrides: the symbolic
    /// implementation will only ever see the generic ones.
    #[test]
    fn generic_clz_and_overflow_agree_with_fast_paths_exhaustively_at_small_widths() {
        #[derive(Clone, Copy, Debug)]
        struct Slow(Bv);
        // A wrapper that forwards only the required methods, so the provided ones run generically.
        impl Word for Slow {
            type Bool = bool;
            fn width(&self) -> u32 {
                self.0.width()
            }
            fn constant(&self, w: u32, v: u64) -> Slow {
                Slow(Bv::new(w, v))
            }
            fn bool_const(&self, v: bool) -> bool {
                v
            }
            fn bvadd(&self, r: &Slow) -> Slow {
                Slow(self.0.bvadd(&r.0))
            }
            fn bvsub(&self, r: &Slow) -> Slow {
                Slow(self.0.bvsub(&r.0))
            }
            fn bvmul(&self, r: &Slow) -> Slow {
                Slow(self.0.bvmul(&r.0))
            }
            fn bvudiv(&self, r: &Slow) -> Slow {
                Slow(self.0.bvudiv(&r.0))
            }
            fn bvurem(&self, r: &Slow) -> Slow {
                Slow(self.0.bvurem(&r.0))
            }
            fn bvsdiv(&self, r: &Slow) -> Slow {
                Slow(self.0.bvsdiv(&r.0))
            }
            fn bvsrem(&self, r: &Slow) -> Slow {
                Slow(self.0.bvsrem(&r.0))
            }
            fn bvand(&self, r: &Slow) -> Slow {
                Slow(self.0.bvand(&r.0))
            }
            fn bvor(&self, r: &Slow) -> Slow {
                Slow(self.0.bvor(&r.0))
            }
            fn bvxor(&self, r: &Slow) -> Slow {
                Slow(self.0.bvxor(&r.0))
            }
            fn bvnot(&self) -> Slow {
                Slow(self.0.bvnot())
            }
            fn bvshl(&self, r: &Slow) -> Slow {
                Slow(self.0.bvshl(&r.0))
            }
            fn bvlshr(&self, r: &Slow) -> Slow {
                Slow(self.0.bvlshr(&r.0))
            }
            fn bvashr(&self, r: &Slow) -> Slow {
                Slow(self.0.bvashr(&r.0))
            }
            fn eq(&self, r: &Slow) -> bool {
                Word::eq(&self.0, &r.0)
            }
            fn bvult(&self, r: &Slow) -> bool {
                self.0.bvult(&r.0)
            }
            fn bvslt(&self, r: &Slow) -> bool {
                self.0.bvslt(&r.0)
            }
            fn ite(c: &bool, t: &Slow, e: &Slow) -> Slow {
                if *c {
                    *t
                } else {
                    *e
                }
            }
            fn extract(&self, hi: u32, lo: u32) -> Slow {
                Slow(self.0.extract(hi, lo))
            }
            fn zext(&self, w: u32) -> Slow {
                Slow(self.0.zext(w))
            }
            fn sext(&self, w: u32) -> Slow {
                Slow(self.0.sext(w))
            }
            fn concat(&self, l: &Slow) -> Slow {
                Slow(self.0.concat(&l.0))
            }
        }
        for w in 1..=8u32 {
            for a in 0..(1u64 << w) {
                let (fa, sa) = (Bv::new(w, a), Slow(Bv::new(w, a)));
                assert_eq!(fa.clz(), sa.clz().0, "clz {a:#x} at {w} bits");
                for b in 0..(1u64 << w) {
                    let (fb, sb) = (Bv::new(w, b), Slow(Bv::new(w, b)));
                    assert_eq!(fa.umul_overflows(&fb), sa.umul_overflows(&sb));
                    assert_eq!(fa.smul_overflows(&fb), sa.smul_overflows(&sb));
                    let s = fa.signed() + fb.signed();
                    let lim = 1i64 << (w - 1);
                    assert_eq!(fa.sadd_overflows(&fb), s < -lim || s >= lim);
                    let d = fa.signed() - fb.signed();
                    assert_eq!(fa.ssub_overflows(&fb), d < -lim || d >= lim);
                    assert_eq!(fa.uadd_overflows(&fb), a + b >= (1 << w));
                }
            }
        }
        // And at 64 bits on a few edges.
        for &v in &[
            0u64,
            1,
            2,
            0x8000_0000_0000_0000,
            u64::MAX,
            0x00ff_0000_0000_0000,
        ] {
            assert_eq!(Bv::u64(v).clz(), Slow(Bv::u64(v)).clz().0);
        }
    }

    #[test]
    fn byte_swap_reverses_bytes() {
        assert_eq!(
            Bv::u64(0x0102030405060708).byte_swap(),
            Bv::u64(0x0807060504030201)
        );
        assert_eq!(Bv::new(16, 0x1234).byte_swap(), Bv::new(16, 0x3412));
    }
}
