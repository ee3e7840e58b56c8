//! Synthesis targets: a concrete operation, an abstract domain and what the search may use.
//!
//! A [`Target`] fixes the operator's signature (input fields, output fields, the IR domain),
//! its concrete operation on `width`-bit words, the best transformer on one input (by
//! enumerating members, [`absint::domain::best`]) which the examples are made of, the grammar
//! [`Components`] offered to the search, and the catalog operator it is compared with (the
//! kernel's, where the kernel has one).

use super::grammar::Components;
use crate::ir::Domain;
use absint::domain::best::{best_binary, best_unary};
use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::{sign_extend, width_mask, Bv, Word};

/// The abstract domain of a target's arguments and result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetDomain {
    /// Tnums: fields `value`, `mask`.
    Tnum,
    /// Unsigned intervals: fields `lo`, `hi`.
    UInt,
    /// Signed intervals: fields `lo`, `hi`.
    SInt,
}

impl TargetDomain {
    /// The name on the command line and in target names: `tnum`, `uint`, `sint`.
    pub fn name(self) -> &'static str {
        match self {
            TargetDomain::Tnum => "tnum",
            TargetDomain::UInt => "uint",
            TargetDomain::SInt => "sint",
        }
    }
    /// The domain spelled `name`.
    pub fn from_name(name: &str) -> Option<TargetDomain> {
        [TargetDomain::Tnum, TargetDomain::UInt, TargetDomain::SInt]
            .into_iter()
            .find(|d| d.name() == name)
    }
    /// The two fields of an element.
    pub fn fields(self) -> [&'static str; 2] {
        match self {
            TargetDomain::Tnum => ["value", "mask"],
            _ => ["lo", "hi"],
        }
    }
    /// The IR domain of the result.
    pub fn ir(self) -> Domain {
        match self {
            TargetDomain::Tnum => Domain::Tnum,
            TargetDomain::UInt => Domain::UInterval,
            TargetDomain::SInt => Domain::SInterval,
        }
    }
}

/// The shape of a target's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// `op(a, b)`: inputs `a.f0 a.f1 b.f0 b.f1`.
    Binary,
    /// `op(a)`: inputs `a.f0 a.f1`.
    Unary,
    /// `op(a, k)` with `k` a known amount below the width: inputs `a.f0 a.f1 k`.
    Shift,
}

/// The concrete operations of the targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Concrete {
    /// `x + y`.
    Add,
    /// `x − y`.
    Sub,
    /// `x & y`.
    And,
    /// `x | y`.
    Or,
    /// `x ^ y`.
    Xor,
    /// `−x`.
    Neg,
    /// `x << k`.
    Shl,
    /// `x >> k` (logical).
    Lshr,
    /// `x >> k` (arithmetic).
    Ashr,
    /// `x * y`.
    Mul,
    /// BPF unsigned division: `x / 0 = 0`.
    Udiv,
    /// BPF unsigned remainder: `x % 0 = x`.
    Urem,
    /// BPF signed division: `x / 0 = 0`, truncating, `MIN / −1 = MIN`.
    Sdiv,
    /// BPF signed remainder: `x % 0 = x`, the dividend's sign, `MIN % −1 = 0`.
    Srem,
}

impl Concrete {
    /// The value at `width` bits (`y` is ignored by unary operations; a shift amount of at
    /// least the width follows SMT-LIB: 0 for left and logical right shifts, the sign fill for
    /// arithmetic right shifts).
    pub fn apply(self, x: u64, y: u64, width: u32) -> u64 {
        let m = width_mask(width);
        let r = match self {
            Concrete::Add => x.wrapping_add(y),
            Concrete::Sub => x.wrapping_sub(y),
            Concrete::And => x & y,
            Concrete::Or => x | y,
            Concrete::Xor => x ^ y,
            Concrete::Neg => x.wrapping_neg(),
            // SMT-LIB semantics for amounts ≥ width (0, or the sign fill), as the catalog's
            // interval and tnum shifts by an unknown amount.
            Concrete::Shl if (y & m) >= u64::from(width) => 0,
            Concrete::Lshr if (y & m) >= u64::from(width) => 0,
            Concrete::Shl => x << (y & m),
            Concrete::Lshr => (x & m) >> (y & m),
            Concrete::Ashr => (sign_extend(x & m, width) >> (y & m).min(63)) as u64,
            Concrete::Mul => x.wrapping_mul(y),
            Concrete::Udiv => (x & m).checked_div(y & m).unwrap_or(0),
            Concrete::Urem => (x & m).checked_rem(y & m).unwrap_or(x),
            Concrete::Sdiv | Concrete::Srem => {
                let (s, t) = (sign_extend(x & m, width), sign_extend(y & m, width));
                match (self, t) {
                    (Concrete::Sdiv, 0) => 0,
                    (Concrete::Srem, 0) => x,
                    // Wrapping: MIN / −1 = MIN and MIN % −1 = 0 at every width (the i64
                    // operations wrap only at 64 bits; narrower values are sign-extended).
                    (Concrete::Sdiv, _) => s.wrapping_div(t) as u64,
                    _ => s.wrapping_rem(t) as u64,
                }
            }
        };
        r & m
    }

    /// The same operation on any [`Word`].
    pub fn word<W: Word>(self, x: &W, y: &W) -> W {
        match self {
            Concrete::Add => x.bvadd(y),
            Concrete::Sub => x.bvsub(y),
            Concrete::And => x.bvand(y),
            Concrete::Or => x.bvor(y),
            Concrete::Xor => x.bvxor(y),
            Concrete::Neg => x.bvneg(),
            Concrete::Shl => x.bvshl(y),
            Concrete::Lshr => x.bvlshr(y),
            Concrete::Ashr => x.bvashr(y),
            Concrete::Mul => x.bvmul(y),
            Concrete::Udiv => W::ite(&y.is_zero(), &x.zero(), &x.bvudiv(y)),
            Concrete::Urem => W::ite(&y.is_zero(), x, &x.bvurem(y)),
            Concrete::Sdiv => W::ite(&y.is_zero(), &x.zero(), &x.bvsdiv(y)),
            Concrete::Srem => W::ite(&y.is_zero(), x, &x.bvsrem(y)),
        }
    }
}

/// One synthesis target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The domain.
    pub domain: TargetDomain,
    /// The operation's short name: `add`, `lshift` …
    pub op: &'static str,
    /// The argument shape.
    pub arity: Arity,
    /// The concrete operation.
    pub concrete: Concrete,
    /// What the search may use.
    pub components: Components,
    /// The catalog operator compared with (the kernel's, or absint's reference).
    pub reference: &'static str,
}

impl Target {
    /// The full name, `tnum.add`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.domain.name(), self.op)
    }

    /// The input field names, in order.
    pub fn inputs(&self) -> Vec<String> {
        let [f0, f1] = self.domain.fields();
        let mut v = vec![format!("a.{f0}"), format!("a.{f1}")];
        match self.arity {
            Arity::Binary => v.extend([format!("b.{f0}"), format!("b.{f1}")]),
            Arity::Unary => {}
            Arity::Shift => v.push("k".into()),
        }
        v
    }

    /// The best transformer's two output fields on one input (given as its fields) at `width`
    /// bits: α of the concrete results over every member. `None` if an argument is not
    /// well-formed or a shift amount is not below the width.
    pub fn best(&self, inputs: &[u64], width: u32) -> Option<[u64; 2]> {
        let op = self.concrete;
        let f = |x: u64, y: u64| op.apply(x, y, width);
        match self.domain {
            TargetDomain::Tnum => {
                let t = |i: usize| Tnum::from_parts(width, inputs[i], inputs[i + 1]);
                let r = match self.arity {
                    Arity::Binary => best_binary(f, width, &t(0)?, &t(2)?),
                    Arity::Unary => best_unary(|x| f(x, 0), width, &t(0)?),
                    Arity::Shift => {
                        let k = inputs[2];
                        if k >= u64::from(width) {
                            return None;
                        }
                        best_unary(|x| f(x, k), width, &t(0)?)
                    }
                };
                Some([r.v(), r.m()])
            }
            TargetDomain::UInt => {
                let i = |j: usize| {
                    let x = UInterval::from_bounds(
                        Bv::new(width, inputs[j]),
                        Bv::new(width, inputs[j + 1]),
                    );
                    (inputs[j] <= inputs[j + 1]).then_some(x)
                };
                let r = match self.arity {
                    Arity::Binary => best_binary(f, width, &i(0)?, &i(2)?),
                    Arity::Unary => best_unary(|x| f(x, 0), width, &i(0)?),
                    Arity::Shift => {
                        let k = inputs[2];
                        if k >= u64::from(width) {
                            return None;
                        }
                        best_unary(|x| f(x, k), width, &i(0)?)
                    }
                };
                Some([r.lo.get(), r.hi.get()])
            }
            TargetDomain::SInt => {
                let i = |j: usize| {
                    let (lo, hi) = (Bv::new(width, inputs[j]), Bv::new(width, inputs[j + 1]));
                    (lo.signed() <= hi.signed()).then(|| SInterval::from_bounds(lo, hi))
                };
                let r = match self.arity {
                    Arity::Binary => best_binary(f, width, &i(0)?, &i(2)?),
                    Arity::Unary => best_unary(|x| f(x, 0), width, &i(0)?),
                    Arity::Shift => {
                        let k = inputs[2];
                        if k >= u64::from(width) {
                            return None;
                        }
                        best_unary(|x| f(x, k), width, &i(0)?)
                    }
                };
                Some([r.lo.get(), r.hi.get()])
            }
        }
    }
}

/// Every target, in the order `vernier synth --all` runs them. The first seven are the
/// issue's done-when targets.
pub fn all() -> Vec<Target> {
    use Concrete as C;
    let tnum = |op, arity, concrete, components| Target {
        domain: TargetDomain::Tnum,
        op,
        arity,
        concrete,
        components,
        reference: match op {
            "add" => "tnum.add",
            "sub" => "tnum.sub",
            "and" => "tnum.and",
            "or" => "tnum.or",
            "xor" => "tnum.xor",
            "neg" => "tnum.neg",
            "lshift" => "tnum.lshift",
            "rshift" => "tnum.rshift",
            _ => "tnum.arshift",
        },
    };
    let interval = |domain, op, concrete| Target {
        domain,
        op,
        arity: Arity::Binary,
        concrete,
        components: Components::interval(domain == TargetDomain::SInt),
        reference: match (domain, op) {
            (TargetDomain::UInt, "add") => "uint.add",
            (TargetDomain::UInt, _) => "uint.sub",
            (_, "add") => "sint.add",
            _ => "sint.sub",
        },
    };
    let arith = Components::bitwise_arith;
    vec![
        tnum("add", Arity::Binary, C::Add, arith()),
        tnum("sub", Arity::Binary, C::Sub, arith()),
        tnum("and", Arity::Binary, C::And, arith()),
        tnum("or", Arity::Binary, C::Or, arith()),
        tnum("xor", Arity::Binary, C::Xor, arith()),
        interval(TargetDomain::UInt, "add", C::Add),
        interval(TargetDomain::UInt, "sub", C::Sub),
        tnum("neg", Arity::Unary, C::Neg, arith()),
        tnum("lshift", Arity::Shift, C::Shl, Components::shifts()),
        tnum("rshift", Arity::Shift, C::Lshr, Components::shifts()),
        tnum("arshift", Arity::Shift, C::Ashr, Components::shifts()),
        interval(TargetDomain::SInt, "add", C::Add),
        interval(TargetDomain::SInt, "sub", C::Sub),
    ]
}

/// The target named `domain.op`, e.g. `tnum.add`.
pub fn by_name(domain: &str, op: &str) -> Option<Target> {
    all()
        .into_iter()
        .find(|t| t.domain.name() == domain && t.op == op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_of_tnum_add_is_the_hull() {
        let add = by_name("tnum", "add").unwrap();
        // {0, 1} + {1} = {1, 2}: value 0, mask 3.
        assert_eq!(add.best(&[0, 1, 1, 0], 8), Some([0, 3]));
        // An ill-formed argument has no best result.
        assert_eq!(add.best(&[1, 1, 0, 0], 8), None);
    }

    #[test]
    fn division_follows_bpf_at_every_width() {
        use absint::word::Bv;
        for w in [4u32, 8, 64] {
            let m = width_mask(w);
            let min = 1u64 << (w - 1);
            for (op, x, y) in [
                (Concrete::Udiv, 7, 0),
                (Concrete::Urem, 7, 0),
                (Concrete::Sdiv, min, m),
                (Concrete::Srem, min, m),
                (Concrete::Sdiv, m, 2),
                (Concrete::Srem, m - 2, 2),
            ] {
                let word = op.word(&Bv::new(w, x), &Bv::new(w, y)).get();
                assert_eq!(op.apply(x, y, w), word, "{op:?} {x:#x} {y:#x} at {w}");
            }
            assert_eq!(Concrete::Sdiv.apply(min, m, w), min);
            assert_eq!(Concrete::Udiv.apply(7, 0, w), 0);
        }
    }

    #[test]
    fn best_of_uint_add_wraps_as_a_hull() {
        let add = by_name("uint", "add").unwrap();
        assert_eq!(add.best(&[250, 255, 10, 10], 8), Some([4, 9]));
        assert_eq!(add.best(&[240, 250, 10, 10], 8), Some([0, 255]));
    }
}
