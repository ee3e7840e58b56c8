//! Raw instructions: `<id>.bin` holds the program's 8-byte little-endian slots and nothing
//! else, the input of loaders that pass a buffer straight to `BPF_PROG_LOAD` (Buzzer-style
//! harnesses, custom loaders). Map references keep the record's placeholder fds.

use super::{ExportError, Output, Program};

/// Writes one `<id>.bin` per case.
pub(crate) fn export(programs: &[Program<'_>], out: &mut Output) -> Result<(), ExportError> {
    for p in programs {
        out.file(&format!("{}.bin", p.case.id), &p.bytes)?;
    }
    Ok(())
}
