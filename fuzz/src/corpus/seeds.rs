//! Boundary seeds: programs that drive each instruction form to the edge cases of its operator,
//! for coverage-guided fuzzers.
//!
//! Each seed is one instruction form (every ALU op × width × `K`/`X`, `neg`, moves, sign
//! extensions, byte swaps, every conditional jump × width × `K`/`X`) on inputs drawn from the
//! boundary catalogue ([`super::search::inputs`]: constants at 0, ±1, 2^31, 2^32, 2^63, masks,
//! `[-1, 0]`, sign- and zero-extensions, ranges across 2^32 — the shapes of the mutants'
//! counterexamples), with immediates at the shift-by-width−1, division and sign edges, then a
//! comparison of the result with a boundary constant whose two edges both return a value. The
//! unknowns are packet words (`r0 = *(u32 *)skb[4n]`), so each seed carries a packet and the
//! value the program returns on it (computed by the reference interpreter). Seeds are drawn
//! from SplitMix64 seeded explicitly: a seed and a count name a corpus.

use super::killers::case_of;
use super::label::{accepts, predict};
use super::program::{build, packet, run, Check, Edge, StepForm, UnknownSource};
use super::record::{Case, CaseKind, Run};
use super::search::{inputs, step_forms, Disagreement, Found, IMMS, PIVOTS};
use crate::sample::Rng;
use absint::explore::Kernel;
use absint::isa::{Cond, Width};
use rayon::prelude::*;
use synth::catalog::kernel::KernelForm;

/// Every instruction form a seed may exercise.
pub fn forms() -> Vec<StepForm> {
    let mut v: Vec<StepForm> = KernelForm::all().into_iter().flat_map(step_forms).collect();
    for width in [Width::W64, Width::W32] {
        for cond in Cond::ALL {
            v.push(StepForm::Jump(width, cond, None));
            for k in IMMS {
                v.push(StepForm::Jump(width, cond, Some(k)));
            }
        }
    }
    v
}

/// Packet words that land on boundaries more often than uniform ones would.
fn packet_word(rng: &mut Rng) -> u32 {
    const EDGES: [u32; 10] = [
        0,
        1,
        2,
        0x7f,
        0x80,
        0xff,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0xffff_fffe,
    ];
    match rng.below(3) {
        0 => rng.pick(&EDGES),
        1 => rng.below(256) as u32,
        _ => rng.next_u64() as u32,
    }
}

/// Seed number `n` of the corpus seeded with `seed` (`None` when the model cannot label it).
pub fn seed_case(seed: u64, n: u64, forms: &[StepForm]) -> Option<Case> {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let form = rng.pick(forms);
    let ins = inputs();
    let dst = ins[rng.below(ins.len() as u64) as usize].clone();
    let src = ins[rng.below(ins.len() as u64) as usize].clone();
    let width = if rng.below(2) == 0 {
        Width::W64
    } else {
        Width::W32
    };
    let cond = rng.pick(&Cond::ALL);
    let check = Check {
        width,
        cond,
        value: rng.pick(&PIVOTS),
        fallthrough: Edge::Return,
        taken: Edge::Safe,
    };
    let program = build(form, &dst, &src, UnknownSource::Packet, Some(check));
    let expected = predict(&program.insns, &Kernel).ok()?;
    let words: Vec<u32> = (0..2).map(|_| packet_word(&mut rng)).collect();
    let data = packet(&words);
    let run_result = accepts(&expected)
        .then(|| run(&program.insns, &data))
        .flatten()
        .map(|retval| Run {
            data_in: super::export::to_hex(&data),
            retval,
        });
    let found = Found {
        form,
        dst,
        src,
        check: Some(check),
        length_before_check: 0,
        expected: expected.clone(),
        with_target: expected,
        disagreement: Disagreement::UnsafeAccepted,
        inputs: (String::new(), None),
        results: (String::new(), String::new()),
        program,
    };
    let target = form_name(form);
    let mut case = case_of(
        &found,
        CaseKind::BoundarySeed,
        "bs",
        &target,
        n as usize,
        "seeds",
        seed,
    );
    case.with_target = None;
    case.run = run_result;
    Some(case)
}

/// The catalog name of a form (`kernel.alu64.add.k`; jumps `jmp32.jslt.k`).
pub fn form_name(form: StepForm) -> String {
    let bits = |w: Width| if w == Width::W64 { 64 } else { 32 };
    let kf = match form {
        StepForm::Alu(w, op, k) => Some(if k.is_some() {
            KernelForm::AluK(w, op)
        } else {
            KernelForm::AluX(w, op)
        }),
        StepForm::Neg(w) => Some(KernelForm::Neg(w)),
        StepForm::Mov(w, k) => Some(if k.is_some() {
            KernelForm::MovK(w)
        } else {
            KernelForm::MovX(w)
        }),
        StepForm::MovSx(w, b) => Some(KernelForm::MovSx(w, u32::from(b))),
        StepForm::End(kind, b) => Some(KernelForm::End(kind, u32::from(b))),
        StepForm::Jump(..) => None,
    };
    match (kf, form) {
        (Some(f), _) => f.name(),
        (None, StepForm::Jump(w, c, k)) => format!(
            "kernel.jmp{}.{}{}",
            bits(w),
            format!("{c:?}").to_lowercase(),
            if k.is_some() { ".k" } else { "" }
        ),
        _ => String::new(),
    }
}

/// `count` seeds (numbers `0..count`, skipping the few the model cannot label), in parallel.
pub fn cases(seed: u64, count: usize) -> Vec<Case> {
    let forms = forms();
    let mut out: Vec<Case> = Vec::with_capacity(count);
    let mut next = 0u64;
    while out.len() < count {
        let want = (count - out.len()) as u64;
        let batch: Vec<Case> = (next..next + want)
            .into_par_iter()
            .filter_map(|n| seed_case(seed, n, &forms))
            .collect();
        next += want;
        out.extend(batch);
    }
    out
}
