//! Conditional jumps on two scalars, as the running Linux 6.18.44 verifier does them
//! (`check_cond_jmp_op` → `is_branch_taken` / `reg_set_min_max` in `kernel/bpf/verifier.c`).
//!
//! For `if dst COND src goto`, the verifier first asks whether the jump is decided
//! (`is_scalar_branch_taken`): then it explores only one edge, and leaves both registers as
//! they were. Otherwise it explores both edges, each with the two registers refined by the
//! condition that holds there (`regs_refine_cond_op`, the fall-through with the reversed
//! condition), then synchronised (`reg_bounds_sync`, [`crate::domain::kernel::sync::sync`]),
//! then checked (`reg_bounds_sanity_check`).
//!
//! Soundness: a refined edge keeps every pair `(x, y)` of members of `(dst, src)` for which the
//! edge's condition holds, because each refinement step only drops values that contradict the
//! condition (a bound moves only to the other operand's bound, or by one past a constant it
//! excludes; tnums are intersected with a constant's bits) and synchronisation keeps γ. A
//! decided edge is one on which no such pair exists. The tests in `tests/kernel_branch.rs` check
//! both properties on random states.
//!
//! What the running kernel does, verified with probe programs (see `/work/notes/branch/*.py` in
//! the development notes; each finding is cited where the code depends on it):
//! - `JEQ`/`JNE` are decided by tnums that cannot overlap (`tnum_overlap`, new in 6.18): probe
//!   `B` of `probe_version.py`, `r1 &= 0xf0; if r1 == 3` is never taken.
//! - There is no special case for `dst == src` in 6.18.44: `if r1 > r1` is *not* decided, and the
//!   refinement runs with both operands aliasing one register, so each write is seen by the next
//!   read (probe `A`: the taken edge of `if r1 > r1` on an unknown r1 is `umin=1,
//!   umax=0xfffffffffffffffe`). Use [`branch_same_reg`] for that form.
//! - There is no dead-edge detection from ill-formed refined bounds (the later upstream
//!   `simulate_both_branches_taken`): an edge whose refinement empties the bounds is a
//!   `REG INVARIANTS VIOLATION (true_reg1)`; with `BPF_F_TEST_REG_INVARIANTS` the load fails
//!   with `EFAULT`, without it the violating register's bounds are reset to unbounded (its tnum
//!   kept) and the edge is explored (`probe_violation.py`, `if w1 > 0xe1` on low bits
//!   `(0x0; 0xf0)` with `u32_max = 0xe8`). See [`BranchOutcome::invariant_violation`],
//!   [`sanity_violation`] and
//!   [`crate::domain::kernel::sync::mark_unbounded`].
//! - A decided jump leaves both registers as they were (probe `B`: after `if r1 == 3` is found
//!   never taken, r1 is still `[0, 240], (0x0; 0xf0)`).
//! - The fall-through of `JSET` against a constant forgets the bounds before clearing the bits
//!   (`probe_jset32.py`); the taken edge keeps them.
//! - A `K` operand is a constant register holding the sign-extended immediate
//!   (`__mark_reg_known(fake_reg, imm)`); for `JMP32` its 32-bit bounds are the immediate's bits.
//!   Build it with [`imm_operand`] and call [`branch`]; the `src` halves of the outcome are then
//!   the refined fake register, which the caller drops.
//!
//! Every data-dependent choice is a [`Word::ite`]; the operands' aliasing is a property of the
//! instruction, not of the data, and is chosen by calling [`branch`] or [`branch_same_reg`].

use crate::domain::kernel::BranchOutcome;
use crate::domain::scalar::Scalar;
use crate::domain::tnum::Tnum;
use crate::isa::{Cond, Width};
use crate::word::{Bit, Word};

/// `if dst COND src` on two distinct scalar registers (the `X` form with `dst != src`), or on a
/// register and an immediate (the `K` form, with `src = imm_operand(.., imm)`).
pub fn branch<W: Word>(
    cond: Cond,
    width: Width,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> BranchOutcome<W> {
    outcome(cond, width, dst, src, false)
}

/// `if reg COND reg` (the `X` form with `dst == src`). Both entries of each edge are the same
/// state: the refinement writes through one register, as the kernel's aliased pointers do.
pub fn branch_same_reg<W: Word>(cond: Cond, width: Width, reg: &Scalar<W>) -> BranchOutcome<W> {
    outcome(cond, width, reg, reg, true)
}

/// The fake source register of a `K`-form jump: the constant `imm` sign-extended to 64 bits
/// (`__mark_reg_known(&fake_reg, insn->imm)`); `like` is any word, used for its type.
pub fn imm_operand<W: Word>(like: &W, imm: i32) -> Scalar<W> {
    Scalar::constant(&crate::semantics::imm(like, imm))
}

/// Does the verifier decide the jump, and which way? (`is_branch_taken` on two scalars.)
///
/// Returns `(decided, taken)`; `taken` is meaningful only when `decided`.
pub fn decide<W: Word>(
    cond: Cond,
    width: Width,
    dst: &Scalar<W>,
    src: &Scalar<W>,
) -> (W::Bool, W::Bool) {
    let jmp32 = width == Width::W32;
    let (t1, b1) = view(dst, jmp32);
    let (t2, b2) = view(src, jmp32);
    let tt = t1.value.bool_const(true);
    let ff = tt.not();
    // `is_scalar_branch_taken` is a list of tests, each returning its verdict; the first test
    // that holds wins. `Rule(test, decided, taken)`.
    let urange_apart = b1.umin.bvugt(&b2.umax).or(&b1.umax.bvult(&b2.umin));
    let srange_apart = b1.smin.bvsgt(&b2.smax).or(&b1.smax.bvslt(&b2.smin));
    // 64-bit JEQ/JNE also consult the 32-bit bounds.
    let sub_apart = if jmp32 {
        ff.clone()
    } else {
        let u = dst
            .u32_min
            .bvugt(&src.u32_max)
            .or(&dst.u32_max.bvult(&src.u32_min));
        let s = dst
            .s32_min
            .bvsgt(&src.s32_max)
            .or(&dst.s32_max.bvslt(&src.s32_min));
        u.or(&s)
    };
    let both_const = t1.is_const().and(&t2.is_const());
    let same_value = t1.value.eq(&t2.value);
    let no_overlap = t1.overlap(&t2).not();
    let apart = no_overlap
        .or(&urange_apart)
        .or(&srange_apart)
        .or(&sub_apart);
    let rules: Vec<(W::Bool, W::Bool, W::Bool)> = match cond {
        Cond::Eq => vec![
            (both_const.clone(), tt.clone(), same_value),
            (apart, tt.clone(), ff.clone()),
        ],
        Cond::Ne => vec![
            (both_const.clone(), tt.clone(), same_value.not()),
            (apart, tt.clone(), tt.clone()),
        ],
        Cond::Set => {
            // Put the constant operand second; undecided when neither is constant.
            let k2 = t2.is_const();
            let var = Tnum::ite(&k2, &t1, &t2);
            let mask = W::ite(&k2, &t2.value, &t1.value);
            let k = k2.or(&t1.is_const());
            let known_one = var.mask.bvnot().bvand(&var.value).bvand(&mask);
            let maybe_one = var.mask.bvor(&var.value).bvand(&mask);
            vec![
                (k.not(), ff.clone(), ff.clone()),
                (known_one.is_zero().not(), tt.clone(), tt.clone()),
                (maybe_one.is_zero(), tt.clone(), ff.clone()),
            ]
        }
        Cond::Gt => vec![
            (b1.umin.bvugt(&b2.umax), tt.clone(), tt.clone()),
            (b1.umax.bvule(&b2.umin), tt.clone(), ff.clone()),
        ],
        Cond::Sgt => vec![
            (b1.smin.bvsgt(&b2.smax), tt.clone(), tt.clone()),
            (b1.smax.bvsle(&b2.smin), tt.clone(), ff.clone()),
        ],
        Cond::Lt => vec![
            (b1.umax.bvult(&b2.umin), tt.clone(), tt.clone()),
            (b1.umin.bvuge(&b2.umax), tt.clone(), ff.clone()),
        ],
        Cond::Slt => vec![
            (b1.smax.bvslt(&b2.smin), tt.clone(), tt.clone()),
            (b1.smin.bvsge(&b2.smax), tt.clone(), ff.clone()),
        ],
        Cond::Ge => vec![
            (b1.umin.bvuge(&b2.umax), tt.clone(), tt.clone()),
            (b1.umax.bvult(&b2.umin), tt.clone(), ff.clone()),
        ],
        Cond::Sge => vec![
            (b1.smin.bvsge(&b2.smax), tt.clone(), tt.clone()),
            (b1.smax.bvslt(&b2.smin), tt.clone(), ff.clone()),
        ],
        Cond::Le => vec![
            (b1.umax.bvule(&b2.umin), tt.clone(), tt.clone()),
            (b1.umin.bvugt(&b2.umax), tt.clone(), ff.clone()),
        ],
        Cond::Sle => vec![
            (b1.smax.bvsle(&b2.smin), tt.clone(), tt.clone()),
            (b1.smin.bvsgt(&b2.smax), tt.clone(), ff.clone()),
        ],
    };
    // Fold from the last rule back, so that earlier rules take precedence.
    let mut decided = ff.clone();
    let mut taken = ff;
    for (test, d, t) in rules.into_iter().rev() {
        decided = select(&test, &d, &decided);
        taken = select(&test, &t, &taken);
    }
    (decided, taken)
}

/// Does `s` break the invariants `reg_bounds_sanity_check` tests after a refinement? (A bound
/// pair out of order, or a constant tnum or constant low half that the bounds disagree with.)
pub fn sanity_violation<W: Word>(s: &Scalar<W>) -> W::Bool {
    let range = s
        .umin
        .bvugt(&s.umax)
        .or(&s.smin.bvsgt(&s.smax))
        .or(&s.u32_min.bvugt(&s.u32_max))
        .or(&s.s32_min.bvsgt(&s.s32_max));
    let v = &s.var_off.value;
    let const_off = s.var_off.is_const().and(
        &s.umin
            .ne(v)
            .or(&s.umax.ne(v))
            .or(&s.smin.ne(v))
            .or(&s.smax.ne(v)),
    );
    let v32 = v.extract(31, 0);
    let sub_const = s.var_off.mask.extract(31, 0).is_zero();
    let sub_off = sub_const.and(
        &s.u32_min
            .ne(&v32)
            .or(&s.u32_max.ne(&v32))
            .or(&s.s32_min.ne(&v32))
            .or(&s.s32_max.ne(&v32)),
    );
    range.or(&const_off).or(&sub_off)
}

/// `if c { a } else { b }` on conditions.
fn select<B: Bit>(c: &B, a: &B, b: &B) -> B {
    c.and(a).or(&c.not().and(b))
}

/// Bounds at the width of the comparison (32-bit words for `JMP32`).
struct Bounds<W> {
    umin: W,
    umax: W,
    smin: W,
    smax: W,
}

/// The tnum and bounds a comparison of `width` reads: for `JMP32`, the low half of the tnum
/// (`tnum_subreg`) and the 32-bit bounds.
fn view<W: Word>(s: &Scalar<W>, jmp32: bool) -> (Tnum<W>, Bounds<W>) {
    if jmp32 {
        let b = Bounds {
            umin: s.u32_min.clone(),
            umax: s.u32_max.clone(),
            smin: s.s32_min.clone(),
            smax: s.s32_max.clone(),
        };
        (s.var_off.subreg(), b)
    } else {
        let b = Bounds {
            umin: s.umin.clone(),
            umax: s.umax.clone(),
            smin: s.smin.clone(),
            smax: s.smax.clone(),
        };
        (s.var_off.clone(), b)
    }
}

/// The refinements of `regs_refine_cond_op`, after `GE`/`GT`/`SGE`/`SGT` have been turned into
/// `LE`/`LT`/`SLE`/`SLT` with the operands swapped. `NotSet` is the fall-through of `JSET`
/// (the kernel's `BPF_JSET | BPF_X`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Refinement {
    Eq,
    Ne,
    Set,
    NotSet,
    Le,
    Lt,
    Sle,
    Slt,
}

/// The condition that holds on the fall-through edge (`rev_opcode`).
fn reverse(cond: Cond) -> (Refinement, bool) {
    match cond {
        Cond::Set => (Refinement::NotSet, false),
        // Every other condition has a negation among the conditions.
        c => refinement(c.negate().unwrap_or(c)),
    }
}

/// The refinement of `cond` and whether the operands are swapped for it.
fn refinement(cond: Cond) -> (Refinement, bool) {
    match cond {
        Cond::Eq => (Refinement::Eq, false),
        Cond::Ne => (Refinement::Ne, false),
        Cond::Set => (Refinement::Set, false),
        Cond::Le => (Refinement::Le, false),
        Cond::Lt => (Refinement::Lt, false),
        Cond::Sle => (Refinement::Sle, false),
        Cond::Slt => (Refinement::Slt, false),
        Cond::Ge => (Refinement::Le, true),
        Cond::Gt => (Refinement::Lt, true),
        Cond::Sge => (Refinement::Sle, true),
        Cond::Sgt => (Refinement::Slt, true),
    }
}

/// Two register slots that may be one register: a write to one is then a write to both, so
/// every later read sees it, as with the kernel's aliased `reg1`/`reg2` pointers.
struct Regs<W> {
    slots: [Scalar<W>; 2],
    alias: bool,
}

impl<W: Word> Regs<W> {
    fn get(&self, i: usize) -> Scalar<W> {
        self.slots[i].clone()
    }
    fn set(&mut self, i: usize, s: Scalar<W>) {
        if self.alias {
            self.slots[1 - i] = s.clone();
        }
        self.slots[i] = s;
    }
}

/// Is the operand a constant at the comparison's width (`is_reg_const`)?
fn is_const<W: Word>(s: &Scalar<W>, jmp32: bool) -> W::Bool {
    if jmp32 {
        s.var_off.mask.extract(31, 0).is_zero()
    } else {
        s.var_off.is_const()
    }
}

/// The constant of a constant operand (`reg_const_value`): the tnum's value, or its low half
/// zero-extended for `JMP32`.
fn const_value<W: Word>(s: &Scalar<W>, jmp32: bool) -> W {
    if jmp32 {
        s.var_off.value.extract(31, 0).zext(64)
    } else {
        s.var_off.value.clone()
    }
}

/// `regs_refine_cond_op(reg1 = slot 0, reg2 = slot 1, refinement)`, in the kernel's order of
/// reads and writes.
fn refine<W: Word>(regs: &mut Regs<W>, cond: Cond, taken: bool, jmp32: bool) {
    let (op, swapped) = if taken {
        refinement(cond)
    } else {
        reverse(cond)
    };
    let (i1, i2) = if swapped { (1, 0) } else { (0, 1) };
    match op {
        Refinement::Eq => refine_eq(regs, i1, i2, jmp32),
        Refinement::Ne | Refinement::Set | Refinement::NotSet => {
            // Refine the non-constant operand by the constant one; nothing when neither is.
            let (r1, r2) = (regs.get(i1), regs.get(i2));
            let (k1, k2) = (is_const(&r1, jmp32), is_const(&r2, jmp32));
            let by_const = |r: &Scalar<W>, c: &W| match op {
                Refinement::Ne => exclude_edge(r, c, jmp32),
                Refinement::Set => set_single_bit(r, c, jmp32),
                _ => clear_bits(r, c, jmp32),
            };
            let new1 = by_const(&r1, &const_value(&r2, jmp32));
            regs.set(i1, Scalar::ite(&k2, &new1, &r1));
            let r2 = regs.get(i2);
            let new2 = by_const(&r2, &const_value(&r1, jmp32));
            regs.set(i2, Scalar::ite(&k2.not().and(&k1), &new2, &r2));
        }
        Refinement::Le | Refinement::Lt | Refinement::Sle | Refinement::Slt => {
            let strict = matches!(op, Refinement::Lt | Refinement::Slt);
            let signed = matches!(op, Refinement::Sle | Refinement::Slt);
            // reg1.max = min(reg1.max, reg2.max [- 1]); then reg2.min = max(reg1.min [+ 1], reg2.min).
            let mut r1 = regs.get(i1);
            let r2 = regs.get(i2);
            {
                let (max1, max2) = max_field(&mut r1, &r2, jmp32, signed);
                let bound = if strict {
                    max2.bvsub(&max2.lit(1))
                } else {
                    max2
                };
                *max1 = if signed {
                    max1.smin(&bound)
                } else {
                    max1.umin(&bound)
                };
            }
            regs.set(i1, r1);
            let r1 = regs.get(i1);
            let mut r2 = regs.get(i2);
            {
                let (min2, min1) = min_field(&mut r2, &r1, jmp32, signed);
                let bound = if strict {
                    min1.bvadd(&min1.lit(1))
                } else {
                    min1
                };
                *min2 = if signed {
                    bound.smax(min2)
                } else {
                    bound.umax(min2)
                };
            }
            regs.set(i2, r2);
        }
    }
}

/// `(&mut a.max, b.max)` of the bound kind the comparison refines.
fn max_field<'a, W: Word>(
    a: &'a mut Scalar<W>,
    b: &Scalar<W>,
    jmp32: bool,
    signed: bool,
) -> (&'a mut W, W) {
    match (jmp32, signed) {
        (false, false) => (&mut a.umax, b.umax.clone()),
        (false, true) => (&mut a.smax, b.smax.clone()),
        (true, false) => (&mut a.u32_max, b.u32_max.clone()),
        (true, true) => (&mut a.s32_max, b.s32_max.clone()),
    }
}

/// `(&mut a.min, b.min)` of the bound kind the comparison refines.
fn min_field<'a, W: Word>(
    a: &'a mut Scalar<W>,
    b: &Scalar<W>,
    jmp32: bool,
    signed: bool,
) -> (&'a mut W, W) {
    match (jmp32, signed) {
        (false, false) => (&mut a.umin, b.umin.clone()),
        (false, true) => (&mut a.smin, b.smin.clone()),
        (true, false) => (&mut a.u32_min, b.u32_min.clone()),
        (true, true) => (&mut a.s32_min, b.s32_min.clone()),
    }
}

/// `JEQ`: intersect the bounds of the comparison's width and the tnums (the low halves only for
/// `JMP32`), and give both operands the result. (Aliased operands are left as they are: every
/// intersection of a state with itself is that state.)
fn refine_eq<W: Word>(regs: &mut Regs<W>, i1: usize, i2: usize, jmp32: bool) {
    let mut a = regs.get(i1);
    let mut b = regs.get(i2);
    if jmp32 {
        a.u32_min = a.u32_min.umax(&b.u32_min);
        a.u32_max = a.u32_max.umin(&b.u32_max);
        a.s32_min = a.s32_min.smax(&b.s32_min);
        a.s32_max = a.s32_max.smin(&b.s32_max);
        b.u32_min = a.u32_min.clone();
        b.u32_max = a.u32_max.clone();
        b.s32_min = a.s32_min.clone();
        b.s32_max = a.s32_max.clone();
        let low = a.var_off.subreg().intersect(&b.var_off.subreg());
        a.var_off = a.var_off.with_subreg(&low);
        b.var_off = b.var_off.with_subreg(&low);
    } else {
        a.umin = a.umin.umax(&b.umin);
        a.umax = a.umax.umin(&b.umax);
        a.smin = a.smin.smax(&b.smin);
        a.smax = a.smax.smin(&b.smax);
        b.umin = a.umin.clone();
        b.umax = a.umax.clone();
        b.smin = a.smin.clone();
        b.smax = a.smax.clone();
        a.var_off = a.var_off.intersect(&b.var_off);
        b.var_off = a.var_off.clone();
    }
    regs.set(i1, a);
    regs.set(i2, b);
}

/// `JNE` against the constant `c`: a bound equal to `c` moves one step inwards.
fn exclude_edge<W: Word>(r: &Scalar<W>, c: &W, jmp32: bool) -> Scalar<W> {
    let mut r = r.clone();
    let step = |x: &W, up: bool, c: &W| {
        let one = x.lit(1);
        let moved = if up { x.bvadd(&one) } else { x.bvsub(&one) };
        W::ite(&x.eq(c), &moved, x)
    };
    if jmp32 {
        let c = c.extract(31, 0);
        r.u32_min = step(&r.u32_min, true, &c);
        r.u32_max = step(&r.u32_max, false, &c);
        r.s32_min = step(&r.s32_min, true, &c);
        r.s32_max = step(&r.s32_max, false, &c);
    } else {
        r.umin = step(&r.umin, true, c);
        r.umax = step(&r.umax, false, c);
        r.smin = step(&r.smin, true, c);
        r.smax = step(&r.smax, false, c);
    }
    r
}

/// `JSET` taken, against the constant `c`: when `c` is a single bit, that bit is set.
fn set_single_bit<W: Word>(r: &Scalar<W>, c: &W, jmp32: bool) -> Scalar<W> {
    let one_bit = c
        .is_zero()
        .not()
        .and(&c.bvand(&c.bvsub(&c.lit(1))).is_zero());
    let bit = Tnum::constant(c.clone());
    let var_off = if jmp32 {
        r.var_off.with_subreg(&r.var_off.subreg().or(&bit))
    } else {
        r.var_off.or(&bit)
    };
    let mut out = r.clone();
    out.var_off = Tnum::ite(&one_bit, &var_off, &r.var_off);
    out
}

/// `JSET` not taken, against the constant `c`: every bit of `c` is clear. The kernel first
/// forgets every bound ("to avoid invariant violations if we're on a dead branch"), so the bounds
/// afterwards come from the tnum alone: `probe_jset32.py` turns `[0, 4]`, `(0x0; 0x7)` into
/// `[0, 5]`, `(0x0; 0x5)` on the fall-through of `if w6 & 2` (and of `if r6 & 2`).
fn clear_bits<W: Word>(r: &Scalar<W>, c: &W, jmp32: bool) -> Scalar<W> {
    let keep = Tnum::constant(c.bvnot());
    let mut out = crate::domain::kernel::sync::mark_unbounded(r);
    out.var_off = if jmp32 {
        r.var_off.with_subreg(&r.var_off.subreg().and(&keep))
    } else {
        r.var_off.and(&keep)
    };
    out
}

/// `reg_bounds_sync`.
fn sync_state<W: Word>(s: &Scalar<W>) -> Scalar<W> {
    crate::domain::kernel::sync::sync(s)
}

/// One edge: refine, then synchronise each operand (twice when they are one register, as the
/// kernel calls `reg_bounds_sync` on `reg1` and then on `reg2`).
fn edge<W: Word>(
    cond: Cond,
    width: Width,
    dst: &Scalar<W>,
    src: &Scalar<W>,
    alias: bool,
    taken: bool,
) -> [Scalar<W>; 2] {
    let mut regs = Regs {
        slots: [dst.clone(), src.clone()],
        alias,
    };
    refine(&mut regs, cond, taken, width == Width::W32);
    let first = sync_state(&regs.get(0));
    regs.set(0, first);
    let second = sync_state(&regs.get(1));
    regs.set(1, second);
    regs.slots
}

/// `check_cond_jmp_op` on two scalars: decide, else refine both edges and check them.
fn outcome<W: Word>(
    cond: Cond,
    width: Width,
    dst: &Scalar<W>,
    src: &Scalar<W>,
    alias: bool,
) -> BranchOutcome<W> {
    let (decided, taken) = decide(cond, width, dst, src);
    let on_taken = edge(cond, width, dst, src, alias, true);
    let on_fallthrough = edge(cond, width, dst, src, alias, false);
    // `reg_set_min_max` checks true_reg1, true_reg2, false_reg1, false_reg2.
    let violation = sanity_violation(&on_taken[0])
        .or(&sanity_violation(&on_taken[1]))
        .or(&sanity_violation(&on_fallthrough[0]))
        .or(&sanity_violation(&on_fallthrough[1]));
    // A decided jump is not refined: the one explored edge keeps the registers as they were.
    let keep = |refined: &[Scalar<W>; 2]| {
        [
            Scalar::ite(&decided, dst, &refined[0]),
            Scalar::ite(&decided, src, &refined[1]),
        ]
    };
    BranchOutcome {
        always_taken: decided.and(&taken),
        never_taken: decided.and(&taken.not()),
        taken: keep(&on_taken),
        fallthrough: keep(&on_fallthrough),
        invariant_violation: decided.not().and(&violation),
    }
}
