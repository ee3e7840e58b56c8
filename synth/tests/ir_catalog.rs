//! Every catalog operator — reference, historical, mutant, piece — has IR, traced from the very
//! code the checker proves ([`synth::ir::library::from_catalog`]), and the IR computes what the
//! operator computes: equal outputs on seeded random inputs (arbitrary words, so every path of
//! the code is exercised, well-formed or not).

use absint::domain::interval::{SInterval, UInterval};
use absint::domain::tnum::Tnum;
use absint::word::Bv;
use synth::catalog::{Abs, Catalog, Kind, WordWidth};
use synth::ir::library::from_catalog;
use synth::ir::trace::scalar_fields;

/// splitmix64: a seeded stream.
struct Rng(u64);
impl Rng {
    fn next_u64(&mut self) -> u64 {
        absint::rng::splitmix64(&mut self.0)
    }
    /// Biased to small values and the edges, where operators branch.
    fn word(&mut self, width: u32) -> u64 {
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1 << width) - 1
        };
        let r = self.next_u64();
        (match r % 5 {
            0 => r >> 60,
            1 => !(r >> 60),
            2 => (1u64 << (width - 1)).wrapping_add(r >> 61),
            _ => self.next_u64(),
        }) & mask
    }
}

fn result_words(abs: &Abs<Bv>) -> Option<Vec<u64>> {
    Some(match abs {
        Abs::Tnum(t) => vec![t.value.get(), t.mask.get()],
        Abs::UInt(i) => vec![i.lo.get(), i.hi.get()],
        Abs::SInt(i) => vec![i.lo.get(), i.hi.get()],
        Abs::Scalar { state, .. } => scalar_fields(state).iter().map(|w| w.get()).collect(),
        Abs::Word(_) => return None,
    })
}

fn check_all_at(width: u32, samples: usize) -> usize {
    let catalog = Catalog::all();
    let mut checked = 0;
    let mut rng = Rng(width as u64);
    for op in catalog.iter() {
        if !op.supports_width(width) || matches!(op.result(), Kind::Word(_)) {
            continue;
        }
        let ir = from_catalog(op.as_ref(), width)
            .unwrap_or_else(|| panic!("{}: no IR at {width} bits", op.name()));
        let compiled = ir.compile();
        let mut machine = compiled.machine();
        for _ in 0..samples {
            let mut args = Vec::new();
            let mut members = Vec::new();
            let mut inputs = Vec::new();
            for kind in op.args() {
                let w = |rng: &mut Rng, bits: u32| Bv::new(bits, rng.word(bits));
                let abs = match kind {
                    Kind::Tnum => {
                        let (v, m) = (w(&mut rng, width), w(&mut rng, width));
                        inputs.extend([v.get(), m.get()]);
                        Abs::Tnum(Tnum::new(v, m))
                    }
                    Kind::UInt => {
                        let (lo, hi) = (w(&mut rng, width), w(&mut rng, width));
                        inputs.extend([lo.get(), hi.get()]);
                        Abs::UInt(UInterval::from_bounds(lo, hi))
                    }
                    Kind::SInt => {
                        let (lo, hi) = (w(&mut rng, width), w(&mut rng, width));
                        inputs.extend([lo.get(), hi.get()]);
                        Abs::SInt(SInterval::from_bounds(lo, hi))
                    }
                    Kind::Scalar => {
                        let f = |rng: &mut Rng, bits| w(rng, bits);
                        let s = absint::domain::scalar::Scalar {
                            var_off: Tnum::new(f(&mut rng, 64), f(&mut rng, 64)),
                            smin: f(&mut rng, 64),
                            smax: f(&mut rng, 64),
                            umin: f(&mut rng, 64),
                            umax: f(&mut rng, 64),
                            s32_min: f(&mut rng, 32),
                            s32_max: f(&mut rng, 32),
                            u32_min: f(&mut rng, 32),
                            u32_max: f(&mut rng, 32),
                        };
                        inputs.extend(scalar_fields(&s).iter().map(|x| x.get()));
                        Abs::scalar(s)
                    }
                    Kind::Word(ww) => {
                        let bits = match ww {
                            WordWidth::Op => width,
                            WordWidth::Bits(b) => b,
                        };
                        let x = w(&mut rng, bits);
                        inputs.push(x.get());
                        members.push(x);
                        args.push(Abs::Word(x));
                        continue;
                    }
                };
                members.push(Bv::new(kind.member_width(width), 0));
                args.push(abs);
            }
            let expected = result_words(&op.eval_bv(width, &args, &members).result)
                .expect("a non-word result");
            let got = machine.run(&inputs).to_vec();
            assert_eq!(
                got,
                expected,
                "{} at {width} bits on {inputs:x?}",
                op.name()
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_catalog_operator_has_ir_equal_to_its_code_at_64_bits() {
    let n = check_all_at(64, 50);
    eprintln!("{n} catalog operators traced at 64 bits, IR equal on 50 inputs each");
    assert!(n > 250, "{n}");
}

#[test]
fn every_catalog_operator_has_ir_equal_to_its_code_at_8_bits() {
    let n = check_all_at(8, 200);
    eprintln!("{n} catalog operators traced at 8 bits, IR equal on 200 inputs each");
    assert!(n > 100, "{n}");
}
