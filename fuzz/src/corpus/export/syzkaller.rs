//! Syzkaller programs: `<id>.syz`, a syzkaller program text that creates the case's maps and
//! loads its instructions with `bpf$PROG_LOAD`, usable as a corpus seed or with
//! `syz-execprog`.
//!
//! Written after syzkaller's descriptions `sys/linux/bpf.txt` and `sys/linux/bpf_prog.txt`
//! (`bpf_prog_t`, `bpf_instructions`, `bpf_insn`, `bpf_map_create_arg`) and after programs
//! syzbot publishes:
//!
//! ```text
//! r0 = bpf$MAP_CREATE(0x0, &(0x7f0000000200)={0x2, 0x4, 0x8, 0x1}, 0x48)
//! r1 = bpf$PROG_LOAD(0x5, &(0x7f0000000000)={0x1, 0x3, &(0x7f0000001000)=@raw=[
//!     @generic={0xb7, 0x0, 0x0, 0x0, 0x1}, @map_fd={0x18, 0x1, 0x1, 0x0, r0, 0x0, 0x0, 0x0, 0x0},
//!     @generic={0x95, 0x0, 0x0, 0x0, 0x0}], &(0x7f0000000100)='GPL\x00', 0x0, 0x0, 0x0, 0x0,
//!     0x80, '\x00', 0x0}, 0x94)
//! ```
//! (one line in the file). Each instruction slot is a `bpf_insn_generic` `{code, dst, src, off,
//! imm}` (the second slot of `ld_imm64` too), except map references, which are
//! `bpf_insn_map_fd` / `bpf_insn_map_value` records whose `imm` is the map's resource, so the
//! fd is patched when the program runs. Only the leading fields of `bpf_prog` are given (type,
//! instruction count, instructions, license, log level and size, log buffer, kernel version,
//! flags = `BPF_F_TEST_REG_INVARIANTS`, name, ifindex): the later fields have changed between
//! syzkaller versions, and syzkaller's non-strict parser gives missing trailing fields their
//! defaults. `0x94` is the size of `bpf_attr` up to `prog_token_fd` (Linux 6.9 and later).
//!
//! Confidence: the shape follows the descriptions read in syzkaller's repository and published
//! syzbot reproducers; it has not been parsed by syzkaller itself here (no syzkaller build on
//! this machine). The tests parse the text back and rebuild the exact instruction bytes.

use std::fmt::Write;

use absint::isa::{Insn, LdImm64};

use super::{map_type_number, prog_type, ExportError, Output, Program};

/// Where the `bpf_attr` of the load goes in syzkaller's data area.
const ATTR_ADDR: u64 = 0x7f00_0000_0000;
/// The license string's address.
const LICENSE_ADDR: u64 = 0x7f00_0000_0100;
/// The first map-create attribute's address (each takes 0x80 bytes).
const MAP_ATTR_ADDR: u64 = 0x7f00_0000_0200;
/// The instructions' address (room for any number of maps before it).
const INSNS_ADDR: u64 = 0x7f00_0001_0000;
/// `BPF_F_TEST_REG_INVARIANTS`, the flag the corpus's labels were made with.
const PROG_FLAGS: u32 = 0x80;

/// Why the case has no syzkaller program, if it has none.
fn unsupported(p: &Program<'_>) -> Option<String> {
    if prog_type(&p.case.prog_type).is_none() {
        return Some(format!("program type `{}` is not known", p.case.prog_type));
    }
    if let Some(m) = p
        .case
        .maps
        .iter()
        .find(|m| map_type_number(&m.map_type).is_none())
    {
        return Some(format!("map type `{}` is not known", m.map_type));
    }
    p.insns.iter().enumerate().find_map(|(i, insn)| match insn {
        Insn::LdImm64 {
            src: LdImm64::MapIdx(_) | LdImm64::MapIdxValue { .. },
            ..
        } => Some(format!(
            "instruction {i} `{insn}`: map indices need an fd array"
        )),
        _ => None,
    })
}

/// A `bpf_insn_generic` record of one slot.
fn generic(slot: &[u8]) -> String {
    let off = u16::from_le_bytes([slot[2], slot[3]]);
    let imm = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
    format!(
        "@generic={{{:#x}, {:#x}, {:#x}, {off:#x}, {imm:#x}}}",
        slot[0],
        slot[1] & 0x0f,
        slot[1] >> 4
    )
}

/// The program text of one case.
pub fn program_text(p: &Program<'_>) -> String {
    let case = p.case;
    let mut out = String::new();
    let verdict = match &case.expected.verdict {
        crate::corpus::record::Verdict::Accept => "accepted".to_string(),
        crate::corpus::record::Verdict::Reject { message, .. } => {
            format!("rejected: {}", message.replace('\n', " "))
        }
    };
    let _ = writeln!(
        out,
        "# Vernier case {} ({}): expected {verdict}",
        case.id, case.target
    );
    for (i, m) in case.maps.iter().enumerate() {
        let _ = writeln!(
            out,
            "r{i} = bpf$MAP_CREATE(0x0, &({:#x})={{{:#x}, {:#x}, {:#x}, {:#x}}}, 0x48)",
            MAP_ATTR_ADDR + 0x80 * i as u64,
            map_type_number(&m.map_type).unwrap_or(0),
            m.key_size,
            m.value_size,
            m.max_entries
        );
    }
    let mut insns = Vec::new();
    let mut slot = 0;
    for insn in &p.insns {
        let bytes = &p.bytes[slot * 8..(slot + insn.slots()) * 8];
        match *insn {
            Insn::LdImm64 {
                dst,
                src: LdImm64::MapFd(fd),
            } => insns.push(format!(
                "@map_fd={{0x18, {:#x}, 0x1, 0x0, r{fd}, 0x0, 0x0, 0x0, 0x0}}",
                dst.index()
            )),
            Insn::LdImm64 {
                dst,
                src: LdImm64::MapValue { fd, off },
            } => insns.push(format!(
                "@map_val={{0x18, {:#x}, 0x2, 0x0, r{fd}, 0x0, 0x0, 0x0, {off:#x}}}",
                dst.index()
            )),
            _ => insns.extend(bytes.chunks(8).map(generic)),
        }
        slot += insn.slots();
    }
    let ty = prog_type(&case.prog_type).map_or(1, |t| t.number);
    let _ = writeln!(
        out,
        "r{} = bpf$PROG_LOAD(0x5, &({ATTR_ADDR:#x})={{{ty:#x}, {slot:#x}, &({INSNS_ADDR:#x})=@raw=[{}], \
         &({LICENSE_ADDR:#x})='GPL\\x00', 0x0, 0x0, 0x0, 0x0, {PROG_FLAGS:#x}, '\\x00', 0x0}}, 0x94)",
        case.maps.len(),
        insns.join(", ")
    );
    out
}

/// Writes one `<id>.syz` per case it can express.
pub(crate) fn export(programs: &[Program<'_>], out: &mut Output) -> Result<(), ExportError> {
    for p in programs {
        match unsupported(p) {
            Some(reason) => out.skip(&p.case.id, reason),
            None => out.file(&format!("{}.syz", p.case.id), program_text(p).as_bytes())?,
        }
    }
    Ok(())
}
