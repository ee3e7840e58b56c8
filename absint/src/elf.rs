//! Programs from ELF objects: the instructions of one section of a clang-built BPF object.
//!
//! Parsing is the `object` crate's; this module only picks the section and decodes it. Every
//! failure names the file's problem (not ELF, no such section, a malformed instruction with its
//! index) and nothing panics on malformed input. Relocations (map references, calls across
//! sections) and BTF are not read yet: the loader of the program half will add them.

use crate::isa::{self, DecodeError, Insn};
use object::{Object, ObjectSection, SectionFlags, SectionKind};

/// Why a program could not be taken from an ELF object.
#[derive(Debug, thiserror::Error)]
pub enum ElfError {
    /// The bytes are not an ELF object the parser accepts.
    #[error("not a readable ELF object: {0}")]
    Parse(#[from] object::Error),
    /// The named section does not exist.
    #[error("no section `{wanted}` (sections with code: {available})")]
    NoSuchSection {
        /// The section asked for.
        wanted: String,
        /// The executable sections the object has, comma-separated.
        available: String,
    },
    /// No section was named and the object has no executable section with code.
    #[error("no executable section with code")]
    NoCode,
    /// The section's contents are not valid instructions.
    #[error("section `{section}`: {source}")]
    Decode {
        /// The section.
        section: String,
        /// What is wrong, with the instruction index.
        source: DecodeError,
    },
}

/// Is this section executable code (`SHF_EXECINSTR`, non-empty)?
fn is_code(section: &object::Section<'_, '_>) -> bool {
    let exec = match section.flags() {
        SectionFlags::Elf { sh_flags } => sh_flags & u64::from(object::elf::SHF_EXECINSTR) != 0,
        _ => section.kind() == SectionKind::Text,
    };
    exec && section.size() > 0
}

/// The instructions of section `wanted`, or of the first executable section with code, with the
/// section's name.
pub fn program(bytes: &[u8], wanted: Option<&str>) -> Result<(String, Vec<Insn>), ElfError> {
    let file = object::File::parse(bytes)?;
    let chosen = match wanted {
        Some(w) => file.sections().find(|s| s.name().is_ok_and(|n| n == w)),
        None => file.sections().find(is_code),
    };
    let Some(section) = chosen else {
        return Err(match wanted {
            Some(w) => ElfError::NoSuchSection {
                wanted: w.to_string(),
                available: file
                    .sections()
                    .filter(is_code)
                    .filter_map(|s| s.name().ok().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            None => ElfError::NoCode,
        });
    };
    let name = section.name().unwrap_or("?").to_string();
    let data = section.data()?;
    let insns = isa::decode(data).map_err(|source| ElfError::Decode {
        section: name.clone(),
        source,
    })?;
    Ok((name, insns))
}
