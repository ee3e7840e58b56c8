//! A deterministic sample of single steps: every ALU and conditional-jump form, each with input
//! shapes drawn from a seeded generator.
//!
//! The forms are every binary [`AluOp`] × width × `K`/`X`, `neg`, `mov` (`K`/`X`), `movsx`
//! (8/16 at both widths, 32 at 64), `le`/`be`/`bswap` × 16/32/64, and every [`Cond`] × width ×
//! `K`/`X`. Shapes favour the places where bounds logic has edge cases: values near 0, 2^31,
//! 2^32 and 2^63, ranges that cross them, masks, `[-1, 0]`, subregisters and sign extensions.
//! The generator is SplitMix64 seeded explicitly, so a seed names a sample.

use crate::shapes::{Refine, Shape, DST, SRC};
use absint::isa::{AluOp, Cond, Endian, Insn, Operand, Reg, Width};

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a small, seedable, deterministic generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Points where bounds change behaviour.
const PIVOTS64: [u64; 12] = [
    0,
    1,
    255,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 255,
];

const PIVOTS32: [u64; 7] = [
    0,
    1,
    255,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0xffff_ff00,
];

const IMMS: [i32; 16] = [
    0,
    1,
    2,
    3,
    7,
    8,
    31,
    255,
    256,
    -1,
    -2,
    -256,
    0x7fff_ffff,
    i32::MIN,
    0xffff,
    -0x8000,
];

/// A value near a pivot: the pivot plus or minus a small or medium offset.
fn near(rng: &mut Rng, pivots: &[u64]) -> u64 {
    let p = rng.pick(pivots);
    let d = match rng.below(3) {
        0 => 0,
        1 => rng.below(16),
        _ => {
            let bits = rng.below(40);
            rng.below(1 << bits)
        }
    };
    if rng.below(2) == 0 {
        p.wrapping_add(d)
    } else {
        p.wrapping_sub(d)
    }
}

/// A mask: the low n bits, a random sparse pattern, or a random word.
fn mask(rng: &mut Rng) -> u64 {
    match rng.below(3) {
        0 => absint::word::width_mask(1 + rng.below(64) as u32),
        1 => rng.next_u64() & rng.next_u64() & rng.next_u64(),
        _ => rng.next_u64(),
    }
}

/// A range refinement `[lo, hi]` (exits on values outside it) at `width`, signed or not.
fn range(rng: &mut Rng, width: Width, signed: bool) -> Vec<Refine> {
    let pivots: &[u64] = if width == Width::W32 {
        &PIVOTS32
    } else {
        &PIVOTS64
    };
    let (mut lo, mut hi) = (near(rng, pivots), near(rng, pivots));
    if width == Width::W32 {
        lo &= 0xffff_ffff;
        hi &= 0xffff_ffff;
    }
    let key = |x: u64| -> i128 {
        match (signed, width) {
            (false, _) => x as i128,
            (true, Width::W64) => x as i64 as i128,
            (true, Width::W32) => x as u32 as i32 as i128,
        }
    };
    if key(lo) > key(hi) {
        std::mem::swap(&mut lo, &mut hi);
    }
    let (below, above) = if signed {
        (Cond::Slt, Cond::Sgt)
    } else {
        (Cond::Lt, Cond::Gt)
    };
    let mut out = Vec::new();
    if rng.below(4) != 0 {
        out.push(Refine::ExitIf {
            width,
            cond: below,
            value: lo,
        });
    }
    if rng.below(4) != 0 || out.is_empty() {
        out.push(Refine::ExitIf {
            width,
            cond: above,
            value: hi,
        });
    }
    out
}

/// A random input shape.
pub fn shape(rng: &mut Rng) -> Shape {
    let refines = match rng.below(17) {
        0 | 1 => {
            let c = if rng.below(2) == 0 {
                near(rng, &PIVOTS64)
            } else {
                rng.pick(&IMMS) as i64 as u64
            };
            return Shape::Const(c);
        }
        2 => vec![],
        3 => vec![Refine::And(mask(rng))],
        4 => vec![Refine::And(mask(rng)), Refine::Or(mask(rng) & mask(rng))],
        5 => range(rng, Width::W64, false),
        6 => range(rng, Width::W64, true),
        7 => range(rng, Width::W32, false),
        8 => range(rng, Width::W32, true),
        9 => vec![Refine::SignSmear],
        10 => {
            let mut r = vec![Refine::Zext32];
            if rng.below(2) == 0 {
                let signed = rng.below(2) == 0;
                r.extend(range(rng, Width::W32, signed));
            }
            r
        }
        11 => vec![Refine::SignExtend(rng.pick(&[8, 16, 32]))],
        12 => vec![
            Refine::And(absint::word::width_mask(1 + rng.below(40) as u32)),
            Refine::Add(rng.pick(&IMMS)),
        ],
        _ => {
            let signed = rng.below(2) == 0;
            let mut r = range(rng, Width::W64, signed);
            r.push(Refine::And(mask(rng)));
            r
        }
    };
    Shape::Unknown(refines)
}

fn reg(n: u8) -> Reg {
    Reg::new(n).unwrap_or(Reg::R0)
}

/// Every probed instruction form, with placeholder operands (`r6`, `r7`, immediate 0).
pub fn forms() -> Vec<Insn> {
    let (dst, src) = (reg(DST), reg(SRC));
    let mut out = Vec::new();
    for op in AluOp::ALL {
        for width in [Width::W64, Width::W32] {
            for s in [Operand::Imm(0), Operand::Reg(src)] {
                out.push(Insn::Alu {
                    width,
                    op,
                    dst,
                    src: s,
                });
            }
        }
    }
    for width in [Width::W64, Width::W32] {
        out.push(Insn::Neg { width, dst });
        for s in [Operand::Imm(0), Operand::Reg(src)] {
            out.push(Insn::Mov { width, dst, src: s });
        }
    }
    for (width, from_bits) in [
        (Width::W64, 8),
        (Width::W64, 16),
        (Width::W64, 32),
        (Width::W32, 8),
        (Width::W32, 16),
    ] {
        out.push(Insn::MovSx {
            width,
            dst,
            src,
            from_bits,
        });
    }
    for kind in [Endian::Le, Endian::Be, Endian::Swap] {
        for bits in [16, 32, 64] {
            out.push(Insn::End { kind, dst, bits });
        }
    }
    for cond in Cond::ALL {
        for width in [Width::W64, Width::W32] {
            for s in [Operand::Imm(0), Operand::Reg(src)] {
                out.push(Insn::Jump {
                    width,
                    cond,
                    dst,
                    src: s,
                    off: 1,
                });
            }
        }
    }
    out
}

/// A short name of an instruction's form: `add64 X`, `jslt32 K`, `movsx64 s8`, `bswap16`.
pub fn form_name(insn: &Insn) -> String {
    let w = |width: &Width| width.bits();
    let k = |src: &Operand| {
        if matches!(src, Operand::Imm(_)) {
            "K"
        } else {
            "X"
        }
    };
    match insn {
        Insn::Alu { width, op, src, .. } => format!(
            "{}{} {}",
            format!("{op:?}").to_lowercase(),
            w(width),
            k(src)
        ),
        Insn::Neg { width, .. } => format!("neg{}", w(width)),
        Insn::Mov { width, src, .. } => format!("mov{} {}", w(width), k(src)),
        Insn::MovSx {
            width, from_bits, ..
        } => format!("movsx{} s{from_bits}", w(width)),
        Insn::End { kind, bits, .. } => format!("{}{bits}", format!("{kind:?}").to_lowercase()),
        Insn::Jump {
            width, cond, src, ..
        } => {
            format!(
                "j{}{} {}",
                format!("{cond:?}").to_lowercase(),
                w(width),
                k(src)
            )
        }
        other => format!("{other:?}"),
    }
}

/// An immediate for `form`: in range for shifts and non-zero for divisions, most of the time,
/// so that rejections are sampled too but do not dominate.
fn immediate(rng: &mut Rng, insn: &Insn) -> i32 {
    match insn {
        Insn::Alu {
            width,
            op: AluOp::Lsh | AluOp::Rsh | AluOp::Arsh,
            ..
        } => {
            if rng.below(12) == 0 {
                rng.pick(&[width.bits() as i32, 64, -1])
            } else {
                rng.below(width.bits() as u64) as i32
            }
        }
        Insn::Alu {
            op: AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod,
            ..
        } => {
            if rng.below(12) == 0 {
                0
            } else {
                match rng.pick(&IMMS) {
                    0 => 3,
                    x => x,
                }
            }
        }
        _ => match rng.below(3) {
            0 => rng.next_u64() as i32,
            1 => near(rng, &PIVOTS64) as i32,
            _ => rng.pick(&IMMS),
        },
    }
}

/// The values a shape's preparation mentions (its constant, its range ends): comparing against
/// them, or near them, is where jumps are barely decided.
fn landmarks(shape: &Shape) -> Vec<u64> {
    match shape {
        Shape::Const(c) => vec![*c],
        Shape::Unknown(refines) => refines
            .iter()
            .filter_map(|r| match r {
                Refine::ExitIf { value, .. } => Some(*value),
                Refine::And(m) | Refine::Or(m) => Some(*m),
                _ => None,
            })
            .collect(),
    }
}

/// A value at or next to one of `dst`'s landmarks, when it has any.
fn near_landmark(rng: &mut Rng, dst: &Shape) -> Option<u64> {
    let marks = landmarks(dst);
    if marks.is_empty() {
        return None;
    }
    let m = rng.pick(&marks);
    Some(m.wrapping_add(rng.pick(&[0u64, 1, u64::MAX, 2, u64::MAX - 1])))
}

/// One sampled step: the instruction and the shapes of `r6` and `r7`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The instruction under test.
    pub step: Insn,
    /// How `r6` is prepared.
    pub dst: Shape,
    /// How `r7` is prepared.
    pub src: Shape,
}

/// `per_form` cases of every form, drawn from `seed`, in a fixed order.
pub fn sample(seed: u64, per_form: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for form in forms() {
        for _ in 0..per_form {
            let step = match form {
                Insn::Alu {
                    width,
                    op,
                    dst,
                    src: Operand::Imm(_),
                } => Insn::Alu {
                    width,
                    op,
                    dst,
                    src: Operand::Imm(immediate(&mut rng, &form)),
                },
                Insn::Mov {
                    width,
                    dst,
                    src: Operand::Imm(_),
                } => Insn::Mov {
                    width,
                    dst,
                    src: Operand::Imm(immediate(&mut rng, &form)),
                },
                Insn::Jump {
                    width,
                    cond,
                    dst,
                    src: Operand::Imm(_),
                    off,
                } => Insn::Jump {
                    width,
                    cond,
                    dst,
                    src: Operand::Imm(immediate(&mut rng, &form)),
                    off,
                },
                other => other,
            };
            let dst = shape(&mut rng);
            let mut src = shape(&mut rng);
            let mut step = step;
            // Half of the jumps compare against a value next to one of dst's landmarks.
            if let Insn::Jump { src: operand, .. } = &mut step {
                if rng.below(2) == 0 {
                    if let Some(v) = near_landmark(&mut rng, &dst) {
                        match operand {
                            Operand::Imm(imm) => *imm = v as i32,
                            Operand::Reg(_) => src = Shape::Const(v),
                        }
                    }
                }
            }
            out.push(Case { step, dst, src });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_sampled_and_named_uniquely() {
        let forms = forms();
        assert_eq!(forms.len(), 13 * 4 + 2 + 4 + 5 + 9 + 11 * 4);
        let mut names: Vec<String> = forms.iter().map(form_name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), forms.len());
        assert_eq!(sample(1, 2).len(), 2 * forms.len());
        assert_eq!(sample(7, 3), sample(7, 3));
    }
}
