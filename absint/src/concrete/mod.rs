//! An interpreter for the whole eBPF instruction set (RFC 9669, ISA v1–v4), over a small memory
//! model.
//!
//! The ALU and the jump conditions are [`crate::semantics`] run on [`Bv`]; this module adds the
//! control flow, the memory ([`memory`]), the call stack and the helper table ([`helpers`]).
//!
//! Program counters are slot indices, as in the kernel's verifier log: `ld_imm64` occupies two
//! slots, and a jump into its second slot is an error. At entry r1 holds the context buffer's
//! address ([`CONTEXT_BASE`]; the buffer is empty unless one was given), r10 the top of frame 0's
//! 512-byte stack, and every other register 0 unless set with [`Machine::with_reg`]. Errors never panic: each is an [`ExecError`] naming the slot it happened at.
//!
//! Modelling choices where the kernel's behaviour depends on the program type:
//! - helper calls, `callx` and `LD_ABS`/`LD_IND` leave r1–r5 as they were (the kernel's verifier
//!   makes them unreadable afterwards, so no valid program can tell);
//! - `callx dst` calls the helper whose number is in `dst` (the uBPF convention, which the
//!   conformance suite tests);
//! - `LD_ABS`/`LD_IND` read the data buffer in network byte order; an offset outside it ends the
//!   program with r0 = 0, as classic BPF and the kernel's skb loads do;
//! - `ld_imm64` with a map, BTF or function source, and kfunc calls, are
//!   [`ExecError::Unsupported`].

pub mod helpers;
pub mod memory;

pub use helpers::{HelperFn, HelperOutcome, HelperTable};
pub use memory::{
    Memory, MemoryFault, RegionKind, CONTEXT_BASE, DATA_BASE, FRAME_SIZE, MAX_FRAMES, STACK_BASE,
};

use crate::isa::{AluOp, AtomicOp, CallTarget, Insn, LdImm64, Operand, Reg, Size, Width};
use crate::semantics;
use crate::word::{Bv, Word};

/// Instructions a run may execute unless [`Machine::with_budget`] says otherwise.
pub const DEFAULT_BUDGET: u64 = 1 << 20;

/// Why a run stopped without reaching `exit`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// A load, store or atomic operation outside every region.
    #[error("pc {pc}: {fault}")]
    Memory {
        /// Slot of the instruction.
        pc: usize,
        /// The faulting access.
        fault: MemoryFault,
    },
    /// Control reached a slot past the last instruction.
    #[error("pc {pc}: fell off the end of the program")]
    FellOffEnd {
        /// The slot past the end.
        pc: usize,
    },
    /// A jump or call to a slot outside the program or into the middle of an `ld_imm64`.
    #[error("pc {pc}: jump to invalid slot {target}")]
    BadTarget {
        /// Slot of the jump.
        pc: usize,
        /// The target slot.
        target: i64,
    },
    /// The instruction budget ran out (an infinite loop, most likely).
    #[error("pc {pc}: instruction budget of {budget} exhausted")]
    BudgetExhausted {
        /// Slot of the instruction that would have exceeded it.
        pc: usize,
        /// The budget.
        budget: u64,
    },
    /// A BPF-to-BPF call beyond [`MAX_FRAMES`] frames.
    #[error("pc {pc}: call nested deeper than {MAX_FRAMES} frames")]
    CallDepth {
        /// Slot of the call.
        pc: usize,
    },
    /// A call to a helper the table does not hold.
    #[error("pc {pc}: unknown helper {id}")]
    UnknownHelper {
        /// Slot of the call.
        pc: usize,
        /// Helper number.
        id: i64,
    },
    /// A helper reported a failure.
    #[error("pc {pc}: helper {id} failed: {message}")]
    Helper {
        /// Slot of the call.
        pc: usize,
        /// Helper number.
        id: i32,
        /// The helper's message.
        message: String,
    },
    /// An instruction writes the read-only frame pointer r10.
    #[error("pc {pc}: r10 is read-only")]
    FramePointerWrite {
        /// Slot of the instruction.
        pc: usize,
    },
    /// An instruction this interpreter does not model.
    #[error("pc {pc}: unsupported: {what}")]
    Unsupported {
        /// Slot of the instruction.
        pc: usize,
        /// What is not supported.
        what: &'static str,
    },
}

/// The state a finished run leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    /// The return value.
    pub r0: u64,
    /// Instructions executed.
    pub steps: u64,
    /// The memory at exit.
    pub memory: Memory,
}

/// A caller's state saved by a BPF-to-BPF call.
#[derive(Clone, Copy, Debug)]
struct Frame {
    return_slot: usize,
    callee_saved: [u64; 4],
}

/// What one instruction does to control flow.
enum Flow {
    Next,
    Jump(i64),
    Exit(u64),
}

/// A program ready to run, with its inputs.
#[derive(Debug)]
pub struct Machine<'p> {
    program: &'p [Insn],
    /// `slot_to_insn[s]`: the instruction that starts at slot `s`, `None` for second halves.
    slot_to_insn: Vec<Option<usize>>,
    regs: [u64; 11],
    memory: Memory,
    helpers: HelperTable,
    budget: u64,
}

impl<'p> Machine<'p> {
    /// A machine for `program` with empty context and data buffers, no helpers and the
    /// [`DEFAULT_BUDGET`].
    pub fn new(program: &'p [Insn]) -> Machine<'p> {
        let mut slot_to_insn = Vec::with_capacity(program.len());
        for (i, insn) in program.iter().enumerate() {
            slot_to_insn.push(Some(i));
            if insn.slots() == 2 {
                slot_to_insn.push(None);
            }
        }
        let mut regs = [0; 11];
        regs[1] = CONTEXT_BASE;
        regs[10] = memory::frame_pointer(0);
        Machine {
            program,
            slot_to_insn,
            regs,
            memory: Memory::new(&[], &[]),
            helpers: HelperTable::new(),
            budget: DEFAULT_BUDGET,
        }
    }

    /// Use `bytes` as the context buffer (r1 points at it).
    pub fn with_context(mut self, bytes: &[u8]) -> Self {
        let data = self.memory.region(RegionKind::Data).to_vec();
        self.memory = Memory::new(bytes, &data);
        self
    }

    /// Use `bytes` as the packet data buffer (read by `LD_ABS`/`LD_IND`, at [`DATA_BASE`]).
    pub fn with_data(mut self, bytes: &[u8]) -> Self {
        let context = self.memory.region(RegionKind::Context).to_vec();
        self.memory = Memory::new(&context, bytes);
        self
    }

    /// Start with `value` in `reg` (r10 cannot be set: it is the frame pointer).
    pub fn with_reg(mut self, reg: Reg, value: u64) -> Self {
        if reg != Reg::FP {
            self.regs[reg.index() as usize] = value;
        }
        self
    }

    /// Use these helpers.
    pub fn with_helpers(mut self, helpers: HelperTable) -> Self {
        self.helpers = helpers;
        self
    }

    /// Allow at most `budget` instructions.
    pub fn with_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    /// Run to `exit` from the entry frame and return r0.
    pub fn run(self) -> Result<u64, ExecError> {
        self.run_to_exit().map(|finished| finished.r0)
    }

    /// Run to `exit` from the entry frame and return the final state.
    pub fn run_to_exit(mut self) -> Result<Finished, ExecError> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut pc = 0usize;
        let mut steps = 0u64;
        loop {
            let insn = match self.slot_to_insn.get(pc) {
                Some(Some(i)) => self.program[*i],
                Some(None) => {
                    return Err(ExecError::BadTarget {
                        pc,
                        target: pc as i64,
                    })
                }
                None => return Err(ExecError::FellOffEnd { pc }),
            };
            if steps == self.budget {
                return Err(ExecError::BudgetExhausted {
                    pc,
                    budget: self.budget,
                });
            }
            steps += 1;
            let next = match self.step(pc, &insn)? {
                Flow::Next => pc + insn.slots(),
                Flow::Jump(off) => self.target(pc, off)?,
                Flow::Exit(r0) => {
                    return Ok(Finished {
                        r0,
                        steps,
                        memory: self.memory,
                    });
                }
            };
            pc = match insn {
                Insn::Call(CallTarget::Local(_)) => {
                    if frames.len() + 1 >= MAX_FRAMES {
                        return Err(ExecError::CallDepth { pc });
                    }
                    frames.push(Frame {
                        return_slot: pc + 1,
                        callee_saved: [self.regs[6], self.regs[7], self.regs[8], self.regs[9]],
                    });
                    self.regs[10] = memory::frame_pointer(frames.len());
                    next
                }
                Insn::Exit => match frames.pop() {
                    None => {
                        return Ok(Finished {
                            r0: self.regs[0],
                            steps,
                            memory: self.memory,
                        })
                    }
                    Some(frame) => {
                        self.regs[6..10].copy_from_slice(&frame.callee_saved);
                        self.regs[10] = memory::frame_pointer(frames.len());
                        frame.return_slot
                    }
                },
                _ => next,
            };
        }
    }

    /// The slot `off` slots after the one following `pc`, checked.
    fn target(&self, pc: usize, off: i64) -> Result<usize, ExecError> {
        let target = pc as i64 + 1 + off;
        match usize::try_from(target)
            .ok()
            .and_then(|t| self.slot_to_insn.get(t).map(|s| (t, s)))
        {
            Some((t, Some(_))) => Ok(t),
            _ => Err(ExecError::BadTarget { pc, target }),
        }
    }

    fn reg(&self, r: Reg) -> u64 {
        self.regs[r.index() as usize]
    }

    fn set(&mut self, pc: usize, r: Reg, value: u64) -> Result<(), ExecError> {
        if r == Reg::FP {
            return Err(ExecError::FramePointerWrite { pc });
        }
        self.regs[r.index() as usize] = value;
        Ok(())
    }

    /// The 64-bit value of an operand (immediates sign-extended).
    fn operand(&self, src: Operand) -> Bv {
        match src {
            Operand::Reg(r) => Bv::u64(self.reg(r)),
            Operand::Imm(k) => semantics::imm(&Bv::u64(0), k),
        }
    }

    fn address(&self, base: Reg, off: i16) -> u64 {
        self.reg(base).wrapping_add(off as i64 as u64)
    }

    /// Execute everything of `insn` but the frame changes of `call` and `exit`.
    fn step(&mut self, pc: usize, insn: &Insn) -> Result<Flow, ExecError> {
        let fault = |fault| ExecError::Memory { pc, fault };
        match *insn {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                let value = semantics::alu(op, width, &Bv::u64(self.reg(dst)), &self.operand(src));
                self.set(pc, dst, value.get())?;
            }
            Insn::Neg { width, dst } => {
                let value = semantics::neg(width, &Bv::u64(self.reg(dst)));
                self.set(pc, dst, value.get())?;
            }
            Insn::Mov { width, dst, src } => {
                let value = semantics::mov(width, &self.operand(src));
                self.set(pc, dst, value.get())?;
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from_bits,
            } => {
                if u32::from(from_bits) >= width.bits() || !matches!(from_bits, 8 | 16 | 32) {
                    return Err(ExecError::Unsupported {
                        pc,
                        what: "movsx from this many bits",
                    });
                }
                let value = semantics::movsx(width, u32::from(from_bits), &Bv::u64(self.reg(src)));
                self.set(pc, dst, value.get())?;
            }
            Insn::End { kind, dst, bits } => {
                if !matches!(bits, 16 | 32 | 64) {
                    return Err(ExecError::Unsupported {
                        pc,
                        what: "byte-order operation of this width",
                    });
                }
                let value = semantics::end(kind, u32::from(bits), &Bv::u64(self.reg(dst)));
                self.set(pc, dst, value.get())?;
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            } => {
                if semantics::cond(cond, width, &Bv::u64(self.reg(dst)), &self.operand(src)) {
                    return Ok(Flow::Jump(off.into()));
                }
            }
            Insn::Ja { off } => return Ok(Flow::Jump(off.into())),
            Insn::Gotol { imm } => return Ok(Flow::Jump(imm.into())),
            Insn::Call(CallTarget::Local(imm)) => return Ok(Flow::Jump(imm.into())),
            Insn::Call(CallTarget::Helper(id)) => return self.call_helper(pc, id.into()),
            Insn::Call(CallTarget::Kfunc { .. }) => {
                return Err(ExecError::Unsupported {
                    pc,
                    what: "kfunc calls",
                });
            }
            Insn::Callx { dst } => return self.call_helper(pc, self.reg(dst) as i64),
            Insn::Exit => {}
            Insn::LdImm64 { dst, src } => match src {
                LdImm64::Imm(value) => self.set(pc, dst, value)?,
                _ => {
                    return Err(ExecError::Unsupported {
                        pc,
                        what: "ld_imm64 of a map, BTF id or function",
                    })
                }
            },
            Insn::Load {
                size,
                signed,
                dst,
                base,
                off,
            } => {
                let raw = self
                    .memory
                    .load(self.address(base, off), size)
                    .map_err(fault)?;
                let value = match signed {
                    true => Bv::new(size.bytes() * 8, raw).sext(64).get(),
                    false => raw,
                };
                self.set(pc, dst, value)?;
            }
            Insn::Store {
                size,
                base,
                off,
                src,
            } => {
                let value = self.operand(src).get();
                self.memory
                    .store(self.address(base, off), size, value)
                    .map_err(fault)?;
            }
            Insn::Atomic {
                size,
                op,
                base,
                off,
                src,
            } => self.atomic(pc, size, op, base, off, src)?,
            Insn::LoadPacket { size, index, imm } => {
                // The kernel adds the index and the immediate at 32 bits and reads the sum as a
                // signed offset (`bpf_gen_ld_abs`); negative offsets select special areas the
                // model has no notion of, so they fall out of bounds.
                let offset = match index {
                    None => i64::from(imm),
                    Some(r) => i64::from((self.reg(r) as u32).wrapping_add(imm as u32) as i32),
                };
                match self.memory.load_packet(offset, size) {
                    Some(value) => self.regs[0] = value,
                    None => return Ok(Flow::Exit(0)),
                }
            }
        }
        Ok(Flow::Next)
    }

    fn call_helper(&mut self, pc: usize, id: i64) -> Result<Flow, ExecError> {
        let args = [
            self.regs[1],
            self.regs[2],
            self.regs[3],
            self.regs[4],
            self.regs[5],
        ];
        let unknown = ExecError::UnknownHelper { pc, id };
        let id = i32::try_from(id).map_err(|_| unknown.clone())?;
        match self.helpers.call(id, &args, &mut self.memory) {
            None => Err(unknown),
            Some(Err(message)) => Err(ExecError::Helper { pc, id, message }),
            Some(Ok(HelperOutcome::Return(r0))) => {
                self.regs[0] = r0;
                Ok(Flow::Next)
            }
            Some(Ok(HelperOutcome::Exit(r0))) => Ok(Flow::Exit(r0)),
        }
    }

    /// An atomic read-modify-write (RFC 9669 §5.3). 32-bit forms operate on the low halves and
    /// return the old value zero-extended.
    fn atomic(
        &mut self,
        pc: usize,
        size: Size,
        op: AtomicOp,
        base: Reg,
        off: i16,
        src: Reg,
    ) -> Result<(), ExecError> {
        let width = match size {
            Size::W => Width::W32,
            Size::DW => Width::W64,
            Size::B | Size::H => {
                return Err(ExecError::Unsupported {
                    pc,
                    what: "atomic operation on 1 or 2 bytes",
                })
            }
        };
        let fault = |fault| ExecError::Memory { pc, fault };
        let addr = self.address(base, off);
        let old = Bv::u64(self.memory.load(addr, size).map_err(fault)?);
        let operand = Bv::u64(self.reg(src));
        let rmw = |alu_op, fetch| (Some(semantics::alu(alu_op, width, &old, &operand)), fetch);
        let (new, fetch_into_src) = match op {
            AtomicOp::Add { fetch } => rmw(AluOp::Add, fetch),
            AtomicOp::Or { fetch } => rmw(AluOp::Or, fetch),
            AtomicOp::And { fetch } => rmw(AluOp::And, fetch),
            AtomicOp::Xor { fetch } => rmw(AluOp::Xor, fetch),
            AtomicOp::Xchg => (Some(operand), true),
            AtomicOp::Cmpxchg => {
                let expected = Bv::u64(self.regs[0]);
                let equal = semantics::cond(crate::isa::Cond::Eq, width, &old, &expected);
                self.regs[0] = old.get();
                (equal.then_some(operand), false)
            }
        };
        if let Some(new) = new {
            self.memory.store(addr, size, new.get()).map_err(fault)?;
        }
        if fetch_into_src {
            self.set(pc, src, old.get())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
