//! The fast concrete path: an operator compiled to a flat register machine over `u64`.
//!
//! Every node gets a register; inputs and constants are loaded once, and each remaining node
//! becomes one instruction that reads earlier registers, applies [`Op::fast`] (the `u64`
//! semantics of the operation tables, masked to the result's width) and writes its own register.
//! A call is therefore one pass over a flat array, with no allocation and no tree walk. Several
//! candidates are combined with the domain's meet, run on [`Bv`].
//!
//! ```
//! use synth::ir::library;
//! let add = library::build("tnum.add", 8).unwrap().compile();
//! let mut machine = add.machine();
//! // {4, 5} + {1} = {5, 6}: the tnum (0b100; 0b011), which also holds 4 and 7.
//! assert_eq!(machine.run(&[0b0100, 0b0001, 0b0001, 0]), &[0b0100, 0b0011][..]);
//! ```

use crate::ir::graph::{fast_width, Domain, Operator};
use crate::ir::op::{ite_fast, not_fast, BinaryOp, CompareOp, LogicOp, Op, Sort, UnaryOp};
use absint::word::{width_mask, Bv};

/// One instruction: `regs[dst] = code(regs[args[0]], regs[args[1]], regs[args[2]]) & mask`.
#[derive(Clone, Copy, Debug)]
struct Instr {
    code: Code,
    dst: u32,
    args: [u32; 3],
    /// The width the operation's `fast` semantics needs.
    width: u32,
    /// The result's width mask (1 for conditions).
    mask: u64,
}

/// The dispatch code of an instruction: the frequent operations get a variant of their own (one
/// flat jump), the rest go through [`Op::fast`]. Every arm calls the operation tables'
/// semantics; none restates it.
#[derive(Clone, Copy, Debug)]
enum Code {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Not,
    Shl,
    Lshr,
    Ite,
    Eq,
    Ult,
    LogicAnd,
    LogicOr,
    LogicNot,
    Other(Op, Sort),
}

impl Code {
    fn of(op: Op, sort: Sort) -> Code {
        match op {
            Op::Binary(BinaryOp::Add) => Code::Add,
            Op::Binary(BinaryOp::Sub) => Code::Sub,
            Op::Binary(BinaryOp::And) => Code::And,
            Op::Binary(BinaryOp::Or) => Code::Or,
            Op::Binary(BinaryOp::Xor) => Code::Xor,
            Op::Binary(BinaryOp::Shl) => Code::Shl,
            Op::Binary(BinaryOp::Lshr) => Code::Lshr,
            Op::Unary(UnaryOp::Not) => Code::Not,
            Op::Ite => Code::Ite,
            Op::Compare(CompareOp::Eq) => Code::Eq,
            Op::Compare(CompareOp::Ult) => Code::Ult,
            Op::Logic(LogicOp::And) => Code::LogicAnd,
            Op::Logic(LogicOp::Or) => Code::LogicOr,
            Op::Not => Code::LogicNot,
            op => Code::Other(op, sort),
        }
    }
}

/// An operator compiled for fast concrete evaluation; see the module docs.
#[derive(Clone, Debug)]
pub struct Compiled {
    name: String,
    domain: Domain,
    instrs: Vec<Instr>,
    /// Initial register contents: the constants, zero elsewhere.
    template: Vec<u64>,
    /// For each input: its register (if any node reads it) and its width mask.
    input_regs: Vec<(Option<u32>, u64)>,
    /// For each candidate, the registers of the output fields.
    candidates: Vec<Vec<u32>>,
    output_widths: Vec<u32>,
}

impl Operator {
    /// Compile for fast concrete evaluation.
    pub fn compile(&self) -> Compiled {
        let n = self.nodes().len();
        let mut template = vec![0u64; n];
        let mut input_regs: Vec<(Option<u32>, u64)> = self
            .inputs()
            .iter()
            .map(|i| (None, width_mask(i.width)))
            .collect();
        let mut instrs = Vec::new();
        for (k, node) in self.nodes().iter().enumerate() {
            match node.op {
                Op::Input(i) => input_regs[i as usize].0 = Some(k as u32),
                Op::Const { value, .. } => template[k] = value,
                Op::Bool(b) => template[k] = u64::from(b),
                op => {
                    let arg_sorts: Vec<Sort> = node.args.iter().map(|&a| self.sort(a)).collect();
                    let mut args = [0u32; 3];
                    for (slot, &a) in args.iter_mut().zip(&node.args) {
                        *slot = a;
                    }
                    let sort = self.sort(k as u32);
                    instrs.push(Instr {
                        code: Code::of(op, sort),
                        dst: k as u32,
                        args,
                        width: fast_width(op, &arg_sorts),
                        mask: match sort {
                            Sort::Bool => 1,
                            Sort::Bv(w) => width_mask(w),
                        },
                    });
                }
            }
        }
        Compiled {
            name: self.name().to_string(),
            domain: self.domain(),
            instrs,
            template,
            input_regs,
            candidates: self.candidates().to_vec(),
            output_widths: self.output_widths(),
        }
    }
}

impl Compiled {
    /// The operator's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of instructions executed per call.
    pub fn len(&self) -> usize {
        self.instrs.len()
    }
    /// Does a call execute no instruction (the outputs are inputs or constants)?
    pub fn is_empty(&self) -> bool {
        self.instrs.is_empty()
    }
    /// Number of inputs a call takes.
    pub fn input_count(&self) -> usize {
        self.input_regs.len()
    }
    /// A machine to run this operator: registers and output space, reused across calls.
    pub fn machine(&self) -> Machine<'_> {
        Machine {
            code: self,
            regs: self.template.clone(),
            out: vec![0; self.output_widths.len()],
        }
    }
}

/// Registers for running a [`Compiled`] operator repeatedly without allocating.
#[derive(Clone, Debug)]
pub struct Machine<'a> {
    code: &'a Compiled,
    regs: Vec<u64>,
    out: Vec<u64>,
}

impl Machine<'_> {
    /// Run on `inputs` (one `u64` per input, truncated to its width; missing inputs read as 0,
    /// extra ones are ignored) and return the output fields.
    pub fn run(&mut self, inputs: &[u64]) -> &[u64] {
        let code = self.code;
        for (k, &(reg, mask)) in code.input_regs.iter().enumerate() {
            if let Some(r) = reg {
                self.regs[r as usize] = inputs.get(k).copied().unwrap_or(0) & mask;
            }
        }
        let regs = &mut self.regs;
        for ins in &code.instrs {
            let [a, b, c] = ins.args;
            let (x, y, z) = (regs[a as usize], regs[b as usize], regs[c as usize]);
            let w = ins.width;
            let v = match ins.code {
                Code::Add => BinaryOp::Add.fast(x, y, w),
                Code::Sub => BinaryOp::Sub.fast(x, y, w),
                Code::And => BinaryOp::And.fast(x, y, w),
                Code::Or => BinaryOp::Or.fast(x, y, w),
                Code::Xor => BinaryOp::Xor.fast(x, y, w),
                Code::Shl => BinaryOp::Shl.fast(x, y, w),
                Code::Lshr => BinaryOp::Lshr.fast(x, y, w),
                Code::Not => UnaryOp::Not.fast(x, w),
                Code::Eq => u64::from(CompareOp::Eq.fast(x, y, w)),
                Code::Ult => u64::from(CompareOp::Ult.fast(x, y, w)),
                Code::LogicAnd => u64::from(LogicOp::And.fast(x, y, w)),
                Code::LogicOr => u64::from(LogicOp::Or.fast(x, y, w)),
                Code::Ite => ite_fast(x, y, z),
                Code::LogicNot => not_fast(x),
                Code::Other(op, sort) => op.fast([x, y, z], w, sort),
            };
            regs[ins.dst as usize] = v & ins.mask;
        }
        let first = &code.candidates[0];
        for (o, &r) in self.out.iter_mut().zip(first) {
            *o = regs[r as usize];
        }
        if code.candidates.len() > 1 {
            let words = |c: &[u32]| -> Vec<Bv> {
                c.iter()
                    .zip(&code.output_widths)
                    .map(|(&r, &w)| Bv::new(w, regs[r as usize]))
                    .collect()
            };
            let mut acc = words(first);
            for c in &code.candidates[1..] {
                acc = code.domain.meet(&acc, &words(c));
            }
            for (o, w) in self.out.iter_mut().zip(acc) {
                *o = w.get();
            }
        }
        &self.out
    }
}
