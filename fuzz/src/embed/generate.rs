//! Random register-only computations on packet inputs, as trees of blocks, and their two
//! lowerings: the instrumented socket filter the kernel loads and runs, and the register-only
//! twin the model explores.
//!
//! A [`Generated`] program reads three unknown inputs from the packet into `r6`–`r8` (legacy
//! `LD_ABS` loads of 1, 2 or 4 bytes, or two 4-byte loads joined into 64 bits), defines `r0`–`r5`
//! from them or from constants, then runs a random block: ALU instructions of every form at both
//! widths (`K` and `X`, `neg`, `mov`, `movsx`, `le`/`be`/`bswap`, 64-bit constants) and
//! conditional jumps of every condition at both widths. A jump's taken edge starts a block of its
//! own that ends in `exit`, so the control flow is a tree: no instruction has two predecessors,
//! and the verifier never compares states at a join (see [`crate::embed`] for why this matters).
//!
//! [`lower`] records, after each scalar-writing instruction and at the start of both edges of each
//! jump, the registers involved: `*(u64 *)(r9 + 16p) = rX; *(u64 *)(r9 + 16p + 8) = 1` for record
//! point `p`, `r9` being the record map's value (`ld_imm64 r9 = map_value(fd, 0)`, reserved for
//! it). The twin drops the stores and replaces each packet load by `call bpf_get_prandom_u32`,
//! which leaves the verifier's registers exactly as `LD_ABS` does (`r0` a fully unknown scalar,
//! `r1`–`r5` uninitialised).

use crate::sample::Rng;
use absint::isa::{AluOp, CallTarget, Cond, Endian, Insn, LdImm64, Operand, Reg, Size, Width};

/// The register holding the record map's value address in the instrumented program.
pub const RECORD_BASE: u8 = 9;
/// The input registers, in load order (`r6` last: packet loads need `r6` = the context).
pub const INPUT_REGS: [u8; 3] = [7, 8, 6];
/// Registers the computation reads and writes.
pub const WORK_REGS: std::ops::RangeInclusive<u8> = 0..=8;
/// The most record points a program may have (the record map is sized for it).
pub const MAX_POINTS: usize = 240;
/// The packet payload bytes each input register's loads read (`skb[8k .. 8k + 8]`).
pub const INPUT_SPAN: usize = 8;
/// The Ethernet header `BPF_PROG_TEST_RUN` strips before a socket filter sees the packet:
/// `skb[0]` is byte 14 of the test-run data.
pub const LINK_HEADER: usize = 14;
/// Length of the test-run data.
pub const PACKET_LEN: usize = 64;

/// `bpf_get_prandom_u32`, the twin's stand-in for a packet load.
const HELPER_PRANDOM_U32: i32 = 7;

fn reg(n: u8) -> Reg {
    // Callers pass register numbers of WORK_REGS, RECORD_BASE or 1.
    Reg::new(n).unwrap_or(Reg::R0)
}

/// A node of a generated program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// `r0 = *(size *)skb[off]` (the twin: `call bpf_get_prandom_u32`).
    Input {
        /// B, H or W.
        size: Size,
        /// Offset into the packet (after the link header).
        off: i32,
    },
    /// An instruction not recorded (the context copy `r6 = r1`).
    Plain(Insn),
    /// A scalar-writing instruction; its destination is recorded after it.
    Step(Insn),
    /// A conditional jump whose taken edge runs `taken` (which ends in `exit`); the fall-through
    /// edge continues with the rest of the enclosing block.
    Branch {
        /// The jump (its offset is set by [`lower`]).
        jump: Insn,
        /// The taken block.
        taken: Vec<Node>,
    },
}

/// A generated program with the constants it mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The top-level block (ends in `exit`).
    pub nodes: Vec<Node>,
    /// Immediates and 64-bit constants of the program (sign-extended): packet values near them
    /// steer runs to both edges of jumps.
    pub landmarks: Vec<u64>,
}

/// Values where bounds change behaviour.
const PIVOTS: [u64; 14] = [
    0,
    1,
    0x7f,
    0xff,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 0xff,
];

/// Small immediates with edge cases.
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

/// A value at or near a pivot.
fn near_pivot(rng: &mut Rng) -> u64 {
    let p = rng.pick(&PIVOTS);
    let d = match rng.below(3) {
        0 => 0,
        1 => rng.below(8),
        _ => {
            let bits = rng.below(36);
            rng.below(1 << bits)
        }
    };
    if rng.below(2) == 0 {
        p.wrapping_add(d)
    } else {
        p.wrapping_sub(d)
    }
}

/// A mask: the low n bits, a sparse pattern, or a shifted byte.
fn mask(rng: &mut Rng) -> u64 {
    match rng.below(3) {
        0 => absint::word::width_mask(1 + rng.below(64) as u32),
        1 => rng.next_u64() & rng.next_u64() & rng.next_u64(),
        _ => 0xff << (8 * rng.below(8)),
    }
}

/// The generator's state: landmarks seen so far.
struct Gen<'r> {
    rng: &'r mut Rng,
    landmarks: Vec<u64>,
    points: usize,
}

impl Gen<'_> {
    fn imm(&mut self, value: i32) -> Operand {
        self.landmarks.push(value as i64 as u64);
        Operand::Imm(value)
    }

    /// A general immediate.
    fn any_imm(&mut self) -> i32 {
        match self.rng.below(4) {
            0 => self.rng.next_u64() as i32,
            1 => near_pivot(self.rng) as i32,
            2 => mask(self.rng) as i32,
            _ => self.rng.pick(&IMMS),
        }
    }

    /// An immediate compared against: mostly a landmark seen so far, nudged by one.
    fn compare_imm(&mut self) -> i32 {
        if !self.landmarks.is_empty() && self.rng.below(2) == 0 {
            let m = self.rng.pick(&self.landmarks);
            return m.wrapping_add(self.rng.pick(&[0, 1, u64::MAX])) as i32;
        }
        self.any_imm()
    }

    fn work_reg(&mut self) -> Reg {
        reg(self.rng.below(9) as u8)
    }

    fn width(&mut self) -> Width {
        if self.rng.below(2) == 0 {
            Width::W64
        } else {
            Width::W32
        }
    }

    /// A random scalar-writing instruction on the working registers.
    fn step(&mut self) -> Insn {
        let dst = self.work_reg();
        let width = self.width();
        match self.rng.below(100) {
            0..=59 => {
                let op = self.rng.pick(&AluOp::ALL);
                let src = if self.rng.below(5) < 3 {
                    let k = match op {
                        AluOp::Lsh | AluOp::Rsh | AluOp::Arsh => {
                            self.rng.below(width.bits() as u64) as i32
                        }
                        AluOp::Div | AluOp::Sdiv | AluOp::Mod | AluOp::Smod => {
                            match self.any_imm() {
                                0 => 3,
                                k => k,
                            }
                        }
                        AluOp::And | AluOp::Or => mask(self.rng) as i32,
                        _ => self.any_imm(),
                    };
                    self.imm(k)
                } else {
                    Operand::Reg(self.work_reg())
                };
                Insn::Alu {
                    width,
                    op,
                    dst,
                    src,
                }
            }
            60..=69 => {
                let src = if self.rng.below(2) == 0 {
                    let k = self.any_imm();
                    self.imm(k)
                } else {
                    Operand::Reg(self.work_reg())
                };
                Insn::Mov { width, dst, src }
            }
            70..=78 => {
                let from_bits = match width {
                    Width::W64 => self.rng.pick(&[8, 16, 32]),
                    Width::W32 => self.rng.pick(&[8, 16]),
                };
                Insn::MovSx {
                    width,
                    dst,
                    src: self.work_reg(),
                    from_bits,
                }
            }
            79..=87 => Insn::End {
                kind: self.rng.pick(&[Endian::Le, Endian::Be, Endian::Swap]),
                dst,
                bits: self.rng.pick(&[16, 32, 64]),
            },
            88..=93 => Insn::Neg { width, dst },
            _ => {
                let value = match self.rng.below(2) {
                    0 => near_pivot(self.rng),
                    _ => self.rng.next_u64(),
                };
                self.landmarks.push(value);
                Insn::LdImm64 {
                    dst,
                    src: LdImm64::Imm(value),
                }
            }
        }
    }

    /// A conditional jump (offset 0, set by [`lower`]).
    fn jump(&mut self) -> Insn {
        let cond = self.rng.pick(&Cond::ALL);
        let width = self.width();
        let dst = self.work_reg();
        let src = if self.rng.below(3) < 2 {
            let k = self.compare_imm();
            self.imm(k)
        } else {
            Operand::Reg(self.work_reg())
        };
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off: 0,
        }
    }

    /// A block of about `len` nodes; jumps nest up to `depth` more levels.
    fn block(&mut self, len: usize, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        for _ in 0..len {
            if self.points + 8 > MAX_POINTS {
                break;
            }
            if depth > 0 && self.rng.below(5) == 0 {
                let jump = self.jump();
                self.points += 4;
                let inner = 2 + self.rng.below(len as u64 / 2 + 2) as usize;
                let taken = self.block(inner, depth - 1);
                out.push(Node::Branch { jump, taken });
            } else if self.rng.below(25) == 0 {
                // `r s>>= 63` makes r [-1, 0]; AND or OR with a constant then forks the
                // verifier's path (`maybe_fork_scalars`), one path per value.
                let dst = self.work_reg();
                out.push(Node::Step(Insn::Alu {
                    width: Width::W64,
                    op: AluOp::Arsh,
                    dst,
                    src: Operand::Imm(63),
                }));
                let op = self.rng.pick(&[AluOp::And, AluOp::Or]);
                let k = self.any_imm();
                let src = self.imm(k);
                out.push(Node::Step(Insn::Alu {
                    width: self.width(),
                    op,
                    dst,
                    src,
                }));
                self.points += 2;
            } else {
                out.push(Node::Step(self.step()));
                self.points += 1;
            }
        }
        out
    }
}

/// A random program drawn from `rng`.
pub fn generate(rng: &mut Rng) -> Generated {
    let mut g = Gen {
        rng,
        landmarks: Vec::new(),
        points: 0,
    };
    let mut nodes = vec![Node::Plain(Insn::Mov {
        width: Width::W64,
        dst: reg(6),
        src: Operand::Reg(reg(1)),
    })];
    let mov_r0 = |dst: u8| {
        Node::Step(Insn::Mov {
            width: Width::W64,
            dst: reg(dst),
            src: Operand::Reg(Reg::R0),
        })
    };
    for (k, &r) in INPUT_REGS.iter().enumerate() {
        let base = (k * INPUT_SPAN) as i32;
        // r6 takes one load only: a second would need r6 to still hold the context.
        let kind = if r == 6 {
            g.rng.below(3)
        } else {
            g.rng.below(5)
        };
        match kind {
            0..=2 => {
                let size = [Size::B, Size::H, Size::W][kind as usize];
                nodes.push(Node::Input {
                    size,
                    off: base + INPUT_SPAN as i32 - size.bytes() as i32,
                });
                nodes.push(mov_r0(r));
            }
            _ => {
                nodes.push(Node::Input {
                    size: Size::W,
                    off: base,
                });
                nodes.push(mov_r0(r));
                nodes.push(Node::Step(Insn::Alu {
                    width: Width::W64,
                    op: AluOp::Lsh,
                    dst: reg(r),
                    src: Operand::Imm(32),
                }));
                nodes.push(Node::Input {
                    size: Size::W,
                    off: base + 4,
                });
                nodes.push(Node::Step(Insn::Alu {
                    width: Width::W64,
                    op: AluOp::Or,
                    dst: reg(r),
                    src: Operand::Reg(Reg::R0),
                }));
            }
        }
    }
    // r1-r5 were clobbered by the loads: define them from the inputs or constants.
    for r in 1..=5u8 {
        let src = reg(g.rng.pick(&[0u8, 6, 7, 8]));
        let insn = match g.rng.below(6) {
            0 | 1 => Insn::Mov {
                width: Width::W64,
                dst: reg(r),
                src: Operand::Reg(src),
            },
            2 => Insn::Mov {
                width: Width::W32,
                dst: reg(r),
                src: Operand::Reg(src),
            },
            3 => Insn::MovSx {
                width: Width::W64,
                dst: reg(r),
                src,
                from_bits: g.rng.pick(&[8, 16, 32]),
            },
            4 => {
                let k = g.any_imm();
                Insn::Mov {
                    width: Width::W64,
                    dst: reg(r),
                    src: g.imm(k),
                }
            }
            _ => {
                let value = near_pivot(g.rng);
                g.landmarks.push(value);
                Insn::LdImm64 {
                    dst: reg(r),
                    src: LdImm64::Imm(value),
                }
            }
        };
        nodes.push(Node::Step(insn));
    }
    g.points = nodes.len();
    let len = 6 + g.rng.below(20) as usize;
    let body = g.block(len, 3);
    nodes.extend(body);
    let mut landmarks = g.landmarks;
    landmarks.sort_unstable();
    landmarks.dedup();
    Generated { nodes, landmarks }
}

/// The register an instruction writes.
fn written(insn: &Insn) -> Option<u8> {
    match insn {
        Insn::Alu { dst, .. }
        | Insn::Neg { dst, .. }
        | Insn::Mov { dst, .. }
        | Insn::MovSx { dst, .. }
        | Insn::End { dst, .. }
        | Insn::LdImm64 { dst, .. } => Some(dst.index()),
        _ => None,
    }
}

/// A recorded register at a program point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordPoint {
    /// The recorded register.
    pub reg: u8,
    /// The slot of the store `*(u64 *)(r9 + 16p) = rX` in the instrumented program: the
    /// verifier prints `rX`'s state on that store's line.
    pub store_slot: usize,
    /// The slot of the twin's instruction that follows the point: the model's state of `rX`
    /// before it is its state at the point.
    pub twin_slot: usize,
}

/// A jump edge to check concretely: the edge a run took must be the one the condition selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeCheck {
    /// The jump's slot in the instrumented program.
    pub jump_slot: usize,
    /// The jump.
    pub jump: Insn,
    /// Is this the taken edge?
    pub taken: bool,
    /// The record point of the jump's destination register at the start of the edge.
    pub dst_point: usize,
    /// The record point of the source register (`X` form).
    pub src_point: Option<usize>,
}

/// Both lowerings of a program and where they record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowered {
    /// The instrumented socket filter.
    pub kernel: Vec<Insn>,
    /// The register-only twin.
    pub twin: Vec<Insn>,
    /// The record points, numbered from 0.
    pub points: Vec<RecordPoint>,
    /// The jump edges.
    pub edges: Vec<EdgeCheck>,
}

/// The lowering's state: both instruction lists and their slot counts.
struct Lowering {
    out: Lowered,
    kernel_slots: usize,
    twin_slots: usize,
}

impl Lowering {
    fn push_both(&mut self, kernel: Insn, twin: Insn) {
        self.kernel_slots += kernel.slots();
        self.twin_slots += twin.slots();
        self.out.kernel.push(kernel);
        self.out.twin.push(twin);
    }

    fn push_kernel(&mut self, insn: Insn) {
        self.kernel_slots += insn.slots();
        self.out.kernel.push(insn);
    }

    fn record(&mut self, r: u8) -> usize {
        let p = self.out.points.len();
        let off = (16 * p) as i16;
        self.out.points.push(RecordPoint {
            reg: r,
            store_slot: self.kernel_slots,
            twin_slot: self.twin_slots,
        });
        let base = reg(RECORD_BASE);
        self.push_kernel(Insn::Store {
            size: Size::DW,
            base,
            off,
            src: Operand::Reg(reg(r)),
        });
        self.push_kernel(Insn::Store {
            size: Size::DW,
            base,
            off: off + 8,
            src: Operand::Imm(1),
        });
        p
    }

    fn record_edge(&mut self, jump: Insn, jump_slot: usize, taken: bool) {
        let Insn::Jump { dst, src, .. } = jump else {
            return;
        };
        let dst_point = self.record(dst.index());
        let src_point = match src {
            Operand::Reg(s) if s == dst => Some(dst_point),
            Operand::Reg(s) => Some(self.record(s.index())),
            Operand::Imm(_) => None,
        };
        self.out.edges.push(EdgeCheck {
            jump_slot,
            jump,
            taken,
            dst_point,
            src_point,
        });
    }

    fn block(&mut self, nodes: &[Node]) {
        for (i, node) in nodes.iter().enumerate() {
            match node {
                Node::Input { size, off } => self.push_both(
                    Insn::LoadPacket {
                        size: *size,
                        index: None,
                        imm: *off,
                    },
                    Insn::Call(CallTarget::Helper(HELPER_PRANDOM_U32)),
                ),
                Node::Plain(insn) => self.push_both(*insn, *insn),
                Node::Step(insn) => {
                    self.push_both(*insn, *insn);
                    if let Some(r) = written(insn) {
                        self.record(r);
                    }
                }
                Node::Branch { jump, taken } => {
                    let (k_at, t_at) = (self.out.kernel.len(), self.out.twin.len());
                    let (k_slot, t_slot) = (self.kernel_slots, self.twin_slots);
                    self.push_both(*jump, *jump);
                    self.record_edge(*jump, k_slot, false);
                    self.block(&nodes[i + 1..]);
                    let set_off = |insn: &mut Insn, off: usize| {
                        if let Insn::Jump { off: o, .. } = insn {
                            *o = off as i16;
                        }
                    };
                    set_off(&mut self.out.kernel[k_at], self.kernel_slots - k_slot - 1);
                    set_off(&mut self.out.twin[t_at], self.twin_slots - t_slot - 1);
                    let jump = self.out.kernel[k_at];
                    self.record_edge(jump, k_slot, true);
                    self.block(taken);
                    return;
                }
            }
        }
        self.push_both(Insn::Exit, Insn::Exit);
    }
}

/// Lowers `program` with its records going to the map value of `map_fd`.
pub fn lower(program: &Generated, map_fd: i32) -> Lowered {
    let mut l = Lowering {
        out: Lowered {
            kernel: Vec::new(),
            twin: Vec::new(),
            points: Vec::new(),
            edges: Vec::new(),
        },
        kernel_slots: 0,
        twin_slots: 0,
    };
    l.push_kernel(Insn::LdImm64 {
        dst: reg(RECORD_BASE),
        src: LdImm64::MapValue { fd: map_fd, off: 0 },
    });
    l.block(&program.nodes);
    l.out
}

/// A packet for `program`: each input's eight bytes hold (big-endian, as `LD_ABS` reads) a
/// landmark nudged by at most two, a value near a pivot, or random bits.
pub fn packet(program: &Generated, rng: &mut Rng) -> Vec<u8> {
    let mut data = vec![0u8; PACKET_LEN];
    for b in data.iter_mut() {
        *b = rng.next_u64() as u8;
    }
    for k in 0..INPUT_REGS.len() {
        let value = match rng.below(3) {
            0 if !program.landmarks.is_empty() => rng
                .pick(&program.landmarks)
                .wrapping_add(rng.pick(&[0, 1, 2, u64::MAX, u64::MAX - 1])),
            1 => near_pivot(rng),
            _ => rng.next_u64() & mask(rng),
        };
        let at = LINK_HEADER + k * INPUT_SPAN;
        data[at..at + INPUT_SPAN].copy_from_slice(&value.to_be_bytes());
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{form_name, forms};
    use std::collections::BTreeSet;

    fn insns(nodes: &[Node], out: &mut Vec<Insn>) {
        for node in nodes {
            match node {
                Node::Step(i) | Node::Plain(i) => out.push(*i),
                Node::Input { .. } => {}
                Node::Branch { jump, taken } => {
                    out.push(*jump);
                    insns(taken, out);
                }
            }
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate(&mut Rng::new(5));
        assert_eq!(a, generate(&mut Rng::new(5)));
        assert_ne!(a, generate(&mut Rng::new(6)));
        assert_eq!(lower(&a, 3), lower(&a, 3));
    }

    /// Every single-step form the kernel-differential sample probes occurs in a few hundred
    /// generated programs.
    #[test]
    fn every_form_is_generated() {
        let mut seen = BTreeSet::new();
        let mut rng = Rng::new(11);
        for _ in 0..300 {
            let mut all = Vec::new();
            insns(&generate(&mut rng).nodes, &mut all);
            seen.extend(all.iter().map(form_name));
        }
        let missing: Vec<String> = forms()
            .iter()
            .map(form_name)
            .filter(|f| !seen.contains(f))
            .collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }

    #[test]
    fn lowering_records_where_it_says() {
        let mut rng = Rng::new(3);
        for _ in 0..50 {
            let program = generate(&mut rng);
            let l = lower(&program, 7);
            let at_slot = |insns: &[Insn], slot: usize| {
                let mut s = 0;
                insns
                    .iter()
                    .find(|i| {
                        let here = s == slot;
                        s += i.slots();
                        here
                    })
                    .copied()
            };
            assert!(l.points.len() <= MAX_POINTS);
            for (p, rp) in l.points.iter().enumerate() {
                assert_eq!(
                    at_slot(&l.kernel, rp.store_slot),
                    Some(Insn::Store {
                        size: Size::DW,
                        base: reg(RECORD_BASE),
                        off: (16 * p) as i16,
                        src: Operand::Reg(reg(rp.reg)),
                    })
                );
                assert!(at_slot(&l.twin, rp.twin_slot).is_some());
            }
            // The twin is the kernel program without the record map and the stores.
            let plain = |i: &&Insn| {
                !matches!(
                    i,
                    Insn::Store { .. }
                        | Insn::LdImm64 {
                            src: LdImm64::MapValue { .. },
                            ..
                        }
                )
            };
            let kernel: Vec<Insn> = l.kernel.iter().filter(plain).copied().collect();
            assert_eq!(kernel.len(), l.twin.len());
            for (k, t) in kernel.iter().zip(&l.twin) {
                match (k, t) {
                    (Insn::LoadPacket { .. }, Insn::Call(_)) => {}
                    (Insn::Jump { off: a, .. }, Insn::Jump { off: b, .. }) => assert!(a > b),
                    _ => assert_eq!(k, t),
                }
            }
        }
    }

    #[test]
    fn packets_carry_inputs_big_endian() {
        let program = generate(&mut Rng::new(9));
        let data = packet(&program, &mut Rng::new(1));
        assert_eq!(data.len(), PACKET_LEN);
        assert_eq!(data, packet(&program, &mut Rng::new(1)));
    }
}
