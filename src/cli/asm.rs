//! `vernier asm` and `vernier disasm`.

use super::{read_input, Failure};
use absint::isa;
use std::io::Write;
use std::path::Path;

/// Assemble `input` (the verifier log's syntax) into raw instructions written to `output`.
pub fn assemble_file(input: &Path, output: &Path) -> Result<(), Failure> {
    let bytes = read_input(input)?;
    let source = String::from_utf8(bytes)
        .map_err(|e| Failure::Input(format!("{}: not UTF-8: {e}", input.display())))?;
    let insns =
        isa::assemble(&source).map_err(|e| Failure::Input(format!("{}:{e}", input.display())))?;
    std::fs::write(output, isa::encode(&insns))
        .map_err(|e| Failure::Input(format!("{}: {e}", output.display())))
}

/// Print the raw instructions in `input` as the verifier log does, one per line.
pub fn disassemble_file(input: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let bytes = read_input(input)?;
    let insns =
        isa::decode(&bytes).map_err(|e| Failure::Input(format!("{}: {e}", input.display())))?;
    out.write_all(isa::disasm_program(&insns).as_bytes())?;
    Ok(())
}
