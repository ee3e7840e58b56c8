//! State pruning as the Linux 6.18 verifier does it (`is_state_visited`, `states_equal`,
//! `__mark_chain_precision` in `kernel/bpf/verifier.c`), for register-only programs.
//!
//! At a *prune point* (a conditional jump, the target of a jump, the instruction after a call)
//! the current state is compared with the *checkpoints* kept there: states from which every
//! path has been explored. If one of them is at least as general, the path is safe and stops.
//! A checkpoint is at least as general when every register live at the instruction is: an
//! imprecise scalar matches any scalar; a precise one only a scalar within its bounds and
//! tnum, with a consistent mapping of link ids. Soundness is the kernel's: a register is made
//! precise (in the checkpoints the path went through) whenever a decision depended on its value
//! — a decided jump — by walking the path backwards through the instructions that computed it
//! (backtracking); on a prune hit, the precise registers of the matched checkpoint are
//! propagated the same way.
//!
//! Checkpoints are added at a prune point once at least 2 jumps and 8 instructions were
//! processed since the last one; a checkpoint that keeps missing (more than 3 + 3 × hits) is
//! dropped from the list; a checkpoint counts its unfinished descendants (`branches`) and is
//! used only when it has none. Dead registers of a checkpoint are forgotten (`clean_live_states`)
//! before it is first compared.

use crate::explore::cfg::Cfg;
use crate::explore::regs::{LinkedScalar, RegFile, Value, REGS};
use crate::isa::{CallTarget, Insn, Operand, Width};
use std::collections::BTreeMap;

/// One executed instruction of a path segment, with the registers linked at it (a jump that
/// refined linked registers), for backtracking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Slot index.
    pub idx: usize,
    /// Registers linked by this jump (`linked_regs` of the history entry), a bit each.
    pub linked: u16,
}

/// Where a path state stands in the tree of checkpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lineage {
    /// The checkpoint the path last passed (`parent`).
    pub parent: Option<usize>,
    /// The instructions executed since then, oldest first.
    pub segment: Vec<Step>,
}

/// A state kept for pruning.
#[derive(Clone, Debug)]
struct Checkpoint {
    regs: RegFile,
    precise: u16,
    parent: Option<usize>,
    branches: u32,
    segment: Vec<Step>,
    cleaned: bool,
    hits: u32,
    misses: u32,
}

/// The checkpoints of an exploration and the counters that decide when to add one.
#[derive(Clone, Debug, Default)]
pub struct Pruner {
    states: Vec<Checkpoint>,
    /// Per instruction, the listed checkpoints, oldest first (the kernel scans newest first).
    listed: BTreeMap<usize, Vec<usize>>,
    jmps_processed: u64,
    prev_jmps_processed: u64,
    prev_insn_processed: u64,
    /// Checkpoints ever added (`total_states`).
    pub total_states: u64,
}

/// Is `b` contained in `a` (`tnum_in`)?
fn tnum_in(a: (u64, u64), b: (u64, u64)) -> bool {
    b.1 & !a.1 == 0 && a.0 == b.0 & !a.1
}

/// The id map of one state comparison (`check_ids` / `check_scalar_ids`).
struct IdMap {
    pairs: Vec<(u64, u64)>,
    fresh: u64,
}

impl IdMap {
    fn new() -> Self {
        IdMap {
            pairs: Vec::new(),
            fresh: 1 << 40,
        }
    }

    /// `check_ids`: `old` maps to one `cur` only, and no two `old` to the same `cur`.
    fn check(&mut self, old: u64, cur: u64) -> bool {
        for &(o, c) in &self.pairs {
            if o == old {
                return c == cur;
            }
            if c == cur {
                return false;
            }
        }
        self.pairs.push((old, cur));
        true
    }

    /// `check_scalar_ids` of the 6.18.y stable tree: an unlinked old register accepts any id;
    /// an unlinked current one gets a unique temporary id; an offset link must map both its
    /// full id and its base id consistently.
    fn check_scalar(&mut self, old: &LinkedScalar, cur: &LinkedScalar) -> bool {
        if old.id == 0 {
            return true;
        }
        let flag = |w: Option<Width>| match w {
            None => 0u64,
            Some(Width::W32) => 1,
            Some(Width::W64) => 2,
        };
        let (cur_base, cur_full) = if cur.id == 0 {
            self.fresh += 1;
            (self.fresh, self.fresh)
        } else {
            let base = u64::from(cur.id);
            (base, base | flag(cur.add_const) << 32)
        };
        let old_base = u64::from(old.id);
        let old_full = old_base | flag(old.add_const) << 32;
        self.check(old_full, cur_full)
            && (old.add_const.is_none() || self.check(old_base, cur_base))
    }
}

/// `regsafe` at `NOT_EXACT`.
fn regsafe(old: &Value, precise: bool, cur: &Value, ids: &mut IdMap) -> bool {
    match (old, cur) {
        (Value::Uninit, _) => true,
        (Value::Ctx, Value::Ctx) | (Value::Fp, Value::Fp) => true,
        (Value::Scalar(o), Value::Scalar(c)) => {
            if !precise {
                return true;
            }
            // Offset links must agree in kind and offset (the table in `regsafe`).
            if o.add_const.is_some() && c.add_const.is_none() {
                return false;
            }
            if o.id != 0 && o.add_const.is_none() && c.add_const.is_some() {
                return false;
            }
            if o.add_const.is_some() && o.off != c.off {
                return false;
            }
            if !ids.check_scalar(o, c) {
                return false;
            }
            let (a, b) = (&o.scalar, &c.scalar);
            let s = |w: &crate::word::Bv| w.get() as i64;
            let s32 = |w: &crate::word::Bv| w.get() as u32 as i32;
            a.umin.get() <= b.umin.get()
                && b.umax.get() <= a.umax.get()
                && s(&a.smin) <= s(&b.smin)
                && s(&b.smax) <= s(&a.smax)
                && a.u32_min.get() <= b.u32_min.get()
                && b.u32_max.get() <= a.u32_max.get()
                && s32(&a.s32_min) <= s32(&b.s32_min)
                && s32(&b.s32_max) <= s32(&a.s32_max)
                && tnum_in(
                    (a.var_off.v(), a.var_off.m()),
                    (b.var_off.v(), b.var_off.m()),
                )
        }
        _ => false,
    }
}

/// The registers an instruction makes precise before it, given those precise after it
/// (`backtrack_insn` for register-only instructions).
fn backtrack_insn(insn: &Insn, step: &Step, mut bt: u16) -> u16 {
    let bit = |r: crate::isa::Reg| 1u16 << r.index();
    // Linked registers gained range together at this jump: precision of one is of all.
    let sync = |bt: u16| {
        if bt & step.linked != 0 {
            bt | step.linked
        } else {
            bt
        }
    };
    bt = sync(bt);
    match *insn {
        // `dst op= src` needs both; `dst op= K` keeps needing dst.
        Insn::Alu {
            dst,
            src: Operand::Reg(s),
            ..
        } if bt & bit(dst) != 0 => bt |= bit(s),
        Insn::Mov { dst, src, .. } if bt & bit(dst) != 0 => {
            bt &= !bit(dst);
            if let Operand::Reg(s) = src {
                bt |= bit(s);
            }
        }
        Insn::MovSx { dst, src, .. } if bt & bit(dst) != 0 => {
            bt &= !bit(dst);
            bt |= bit(src);
        }
        Insn::LdImm64 { dst, .. } => bt &= !bit(dst),
        Insn::Call(CallTarget::Helper(_)) => bt &= !1,
        Insn::Jump {
            dst,
            src: Operand::Reg(s),
            ..
        } if bt & (bit(dst) | bit(s)) != 0 => {
            bt |= bit(dst) | bit(s);
        }
        _ => {}
    }
    sync(bt) & !(1 << 10)
}

impl Pruner {
    /// Counts a processed jump, call or exit (`jmps_processed`).
    pub fn jump_processed(&mut self) {
        self.jmps_processed += 1;
    }

    /// A state was pushed for later: its checkpoint has one more unfinished descendant.
    pub fn pushed(&mut self, lineage: &Lineage) {
        if let Some(p) = lineage.parent {
            self.states[p].branches += 1;
        }
    }

    /// A path ended (exit or pruned): `update_branch_counts` up the checkpoints.
    pub fn path_done(&mut self, lineage: &Lineage) {
        let mut at = lineage.parent;
        while let Some(p) = at {
            let st = &mut self.states[p];
            st.branches = st.branches.saturating_sub(1);
            if st.branches > 0 {
                break;
            }
            at = st.parent;
        }
    }

    /// `is_state_visited` at prune point `idx`: `true` when the path is pruned. Otherwise a
    /// checkpoint may be added, which `lineage` then descends from.
    pub fn visit(
        &mut self,
        cfg: &Cfg,
        idx: usize,
        regs: &RegFile,
        lineage: &mut Lineage,
        insn_processed: u64,
    ) -> bool {
        let mut add = self.jmps_processed - self.prev_jmps_processed >= 2
            && insn_processed - self.prev_insn_processed >= 8;
        // clean_live_states: finished checkpoints here forget their dead registers.
        let live = cfg.live_before.get(idx).copied().unwrap_or(0);
        let listed = self.listed.get(&idx).cloned().unwrap_or_default();
        for &c in &listed {
            let st = &mut self.states[c];
            if st.branches == 0 && !st.cleaned {
                for r in 0..10 {
                    if live & (1 << r) == 0 {
                        st.regs.0[r] = Value::Uninit;
                    }
                }
                st.cleaned = true;
            }
        }
        let mut evicted = Vec::new();
        for &c in listed.iter().rev() {
            if self.states[c].branches > 0 {
                if insn_processed - self.prev_insn_processed < 100
                    && self.jmps_processed - self.prev_jmps_processed < 20
                {
                    add = false;
                }
            } else if self.equal(c, regs) {
                self.states[c].hits += 1;
                let precise = self.states[c].precise & 0x3ff;
                let precise = (0..10).fold(0u16, |m, r| {
                    if precise & (1 << r) != 0
                        && matches!(self.states[c].regs.0[r], Value::Scalar(_))
                    {
                        m | 1 << r
                    } else {
                        m
                    }
                });
                self.mark_chain_precision(cfg, lineage, precise, false);
                for c in evicted {
                    self.unlist(idx, c);
                }
                return true;
            }
            let st = &mut self.states[c];
            if add {
                st.misses += 1;
            }
            if st.misses > st.hits * 3 + 3 {
                evicted.push(c);
            }
        }
        for c in evicted {
            self.unlist(idx, c);
        }
        if !add {
            return false;
        }
        self.total_states += 1;
        self.prev_jmps_processed = self.jmps_processed;
        self.prev_insn_processed = insn_processed;
        let new = self.states.len();
        self.states.push(Checkpoint {
            regs: *regs,
            precise: 0,
            parent: lineage.parent,
            branches: 1,
            segment: std::mem::take(&mut lineage.segment),
            cleaned: false,
            hits: 0,
            misses: 0,
        });
        self.listed.entry(idx).or_default().push(new);
        lineage.parent = Some(new);
        false
    }

    fn unlist(&mut self, idx: usize, c: usize) {
        if let Some(list) = self.listed.get_mut(&idx) {
            list.retain(|&x| x != c);
        }
    }

    /// `states_equal(old, cur, NOT_EXACT)` for one frame.
    fn equal(&self, c: usize, cur: &RegFile) -> bool {
        let old = &self.states[c];
        let mut ids = IdMap::new();
        (0..REGS).all(|r| {
            regsafe(
                &old.regs.0[r],
                old.precise & (1 << r) != 0,
                &cur.0[r],
                &mut ids,
            )
        })
    }

    /// `__mark_chain_precision`: make the registers `bt` precise where the path's values came
    /// from. With `skip_last`, the last executed instruction (the one asking) is not walked.
    pub fn mark_chain_precision(
        &mut self,
        cfg: &Cfg,
        lineage: &Lineage,
        mut bt: u16,
        skip_last: bool,
    ) {
        let mut segment: &[Step] = &lineage.segment;
        if skip_last {
            segment = segment.split_last().map_or(segment, |(_, rest)| rest);
        }
        let mut segment = segment.to_vec();
        let mut parent = lineage.parent;
        loop {
            for step in segment.iter().rev() {
                if bt == 0 {
                    return;
                }
                if let Some(Some(insn)) = cfg.at.get(step.idx) {
                    // backtrack_insn cannot follow r0 through a legacy packet load (-ENOTSUPP):
                    // the kernel falls back to making every scalar of the path precise.
                    if matches!(insn, Insn::LoadPacket { .. }) && bt & 1 != 0 {
                        self.mark_all_precise(lineage);
                        return;
                    }
                    bt = backtrack_insn(insn, step, bt);
                }
            }
            if bt == 0 {
                return;
            }
            let Some(p) = parent else {
                // Not found on the path (cannot happen for register-only programs): the kernel
                // then makes every scalar precise.
                self.mark_all_precise(lineage);
                return;
            };
            let st = &mut self.states[p];
            for r in 0..10 {
                if bt & (1 << r) == 0 {
                    continue;
                }
                if !matches!(st.regs.0[r], Value::Scalar(_)) || st.precise & (1 << r) != 0 {
                    bt &= !(1 << r);
                } else {
                    st.precise |= 1 << r;
                }
            }
            if bt == 0 {
                return;
            }
            segment = st.segment.clone();
            parent = st.parent;
        }
    }

    /// `mark_all_scalars_precise` on the checkpoints of a path.
    fn mark_all_precise(&mut self, lineage: &Lineage) {
        let mut at = lineage.parent;
        while let Some(p) = at {
            let st = &mut self.states[p];
            for r in 0..10 {
                if matches!(st.regs.0[r], Value::Scalar(_)) {
                    st.precise |= 1 << r;
                }
            }
            at = st.parent;
        }
    }
}
