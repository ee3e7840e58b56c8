//! Relocatable eBPF ELF objects: `<id>.o`, one program per object, as clang would lay it out,
//! loadable with `bpftool prog load <id>.o /sys/fs/bpf/<name>`.
//!
//! The object is a little-endian `ET_REL` file for `EM_BPF` written with the `object` crate:
//! - one executable section named for the program type as libbpf spells it (`socket` for a
//!   socket filter, `xdp`, `tc` …; the table is [`super::PROG_TYPES`]), holding the
//!   instructions;
//! - a global `STT_FUNC` symbol for the program, named after the case id made a C identifier
//!   (libbpf names the program after it; the kernel keeps its first 15 characters);
//! - a `license` section holding `"GPL\0"` with its `_license` symbol (so GPL-only helpers may
//!   be called);
//! - for a case with maps, BTF-defined maps as clang writes them: a `.maps` section with one
//!   32-byte definition per map (symbols `map0`, `map1` …), its description in a `.BTF`
//!   section ([`super::btf`]), and for each `ld_imm64` of a map (`map[fd:N]`, N the map's index)
//!   an `R_BPF_64_64` relocation against the map's symbol, the instruction's source and
//!   immediate left 0 for libbpf to fill with `BPF_PSEUDO_MAP_FD` and the map's fd.
//!
//! Left out (with the reason): map-value addresses (`map[fd:N][0]+off`: libbpf relocates those
//! only into global-data sections), fd-array and BTF references, and BPF-to-BPF calls and
//! kfuncs, which need relocations and BTF this writer does not produce.

use object::write::{Object, Relocation, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};

use super::btf::{maps_btf, MAP_DEF_SIZE};
use super::{c_ident, map_type_number, prog_type, ExportError, Output, Program};
use crate::corpus::record::MapSpec;
use absint::isa::{CallTarget, Insn, LdImm64};

/// Why `program` cannot be written as an ELF object, if it cannot.
fn unsupported(p: &Program<'_>) -> Option<String> {
    if let Some(m) = p
        .case
        .maps
        .iter()
        .find(|m| map_type_number(&m.map_type).is_none())
    {
        return Some(format!("map type `{}` is not known", m.map_type));
    }
    p.insns.iter().enumerate().find_map(|(i, insn)| match insn {
        Insn::LdImm64 { src, .. } if !matches!(src, LdImm64::Imm(_) | LdImm64::MapFd(_)) => {
            Some(format!(
            "instruction {i} `{insn}` needs a relocation, which the ELF writer does not produce"
        ))
        }
        Insn::Call(CallTarget::Local(_) | CallTarget::Kfunc { .. }) => Some(format!(
            "instruction {i} `{insn}` needs a relocation, which the ELF writer does not produce"
        )),
        _ => None,
    })
}

/// A map reference of the program: the byte offset of its `ld_imm64`, and the map's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapRef {
    /// Byte offset of the `ld_imm64` in the program.
    pub offset: u64,
    /// Index into the maps.
    pub map: usize,
}

/// The ELF object of one program: `section` holds the instructions `code`, `symbol` names
/// them; `maps` become BTF-defined maps `map0` … and `refs` relocations against them.
pub fn object(
    section: &str,
    symbol: &str,
    code: &[u8],
    maps: &[MapSpec],
    refs: &[MapRef],
) -> Result<Vec<u8>, String> {
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::Bpf, Endianness::Little);
    let text = obj.add_section(Vec::new(), section.as_bytes().to_vec(), SectionKind::Text);
    obj.append_section_data(text, code, 8);
    if !maps.is_empty() {
        let names: Vec<String> = (0..maps.len()).map(|i| format!("map{i}")).collect();
        let mut types = Vec::with_capacity(maps.len());
        for m in maps {
            types.push(
                map_type_number(&m.map_type)
                    .ok_or_else(|| format!("map type `{}` is not known", m.map_type))?,
            );
        }
        let defs = obj.add_section(Vec::new(), b".maps".to_vec(), SectionKind::Data);
        obj.append_section_data(defs, &vec![0; MAP_DEF_SIZE as usize * maps.len()], 8);
        let symbols: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                obj.add_symbol(Symbol {
                    name: name.as_bytes().to_vec(),
                    value: u64::from(MAP_DEF_SIZE) * i as u64,
                    size: MAP_DEF_SIZE.into(),
                    kind: SymbolKind::Data,
                    scope: SymbolScope::Dynamic,
                    weak: false,
                    section: SymbolSection::Section(defs),
                    flags: SymbolFlags::None,
                })
            })
            .collect();
        for r in refs {
            let symbol = *symbols
                .get(r.map)
                .ok_or_else(|| format!("map {} does not exist", r.map))?;
            obj.add_relocation(
                text,
                Relocation {
                    offset: r.offset,
                    symbol,
                    addend: 0,
                    flags: RelocationFlags::Elf {
                        r_type: object::elf::R_BPF_64_64,
                    },
                },
            )
            .map_err(|e| e.to_string())?;
        }
        let btf = obj.add_section(Vec::new(), b".BTF".to_vec(), SectionKind::Metadata);
        obj.append_section_data(btf, &maps_btf(maps, &types, &names), 4);
    }
    obj.add_symbol(Symbol {
        name: symbol.as_bytes().to_vec(),
        value: 0,
        size: code.len() as u64,
        kind: SymbolKind::Text,
        scope: SymbolScope::Dynamic,
        weak: false,
        section: SymbolSection::Section(text),
        flags: SymbolFlags::None,
    });
    let license = obj.add_section(Vec::new(), b"license".to_vec(), SectionKind::Data);
    let text_license = b"GPL\0";
    obj.append_section_data(license, text_license, 1);
    obj.add_symbol(Symbol {
        name: b"_license".to_vec(),
        value: 0,
        size: text_license.len() as u64,
        kind: SymbolKind::Data,
        scope: SymbolScope::Dynamic,
        weak: false,
        section: SymbolSection::Section(license),
        flags: SymbolFlags::None,
    });
    obj.write().map_err(|e| e.to_string())
}

/// Writes one `<id>.o` per case it can express.
pub(crate) fn export(programs: &[Program<'_>], out: &mut Output) -> Result<(), ExportError> {
    for p in programs {
        let id = p.case.id.as_str();
        let Some(ty) = prog_type(&p.case.prog_type) else {
            out.skip(
                id,
                format!(
                    "no ELF section name known for program type `{}`",
                    p.case.prog_type
                ),
            );
            continue;
        };
        if let Some(reason) = unsupported(p) {
            out.skip(id, reason);
            continue;
        }
        // Map references as clang leaves them: source and immediate 0, a relocation says which.
        let mut code = p.bytes.clone();
        let mut refs = Vec::new();
        let mut offset = 0;
        for insn in &p.insns {
            if let Insn::LdImm64 {
                src: LdImm64::MapFd(fd),
                ..
            } = insn
            {
                code[offset + 1] &= 0x0f;
                code[offset + 4..offset + 8].fill(0);
                refs.push(MapRef {
                    offset: offset as u64,
                    map: usize::try_from(*fd).unwrap_or(usize::MAX),
                });
            }
            offset += insn.slots() * 8;
        }
        let bytes = object(ty.section, &c_ident(id), &code, &p.case.maps, &refs)
            .map_err(|e| ExportError::case(id, format!("cannot write the ELF object: {e}")))?;
        out.file(&format!("{id}.o"), &bytes)?;
    }
    Ok(())
}
