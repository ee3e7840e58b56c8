//! The assembler's conveniences beyond the disassembler's output: labels, comments, pasted log
//! prefixes, alternative spellings. Each case is checked against the listing it must produce.

use absint::isa::{assemble, disasm_program};

/// Assembles `src` and compares the program's listing with `listing`.
fn check(src: &str, listing: &str) {
    let prog = assemble(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    assert_eq!(disasm_program(&prog), listing, "assembling {src:?}");
}

#[test]
fn labels_resolve_to_slot_offsets() {
    check(
        "start: r0 = 0\n\
         loop:\n\
         r1 = 0x100000000   // ld_imm64 takes two slots\n\
         r0 += 1\n\
         if r0 < 10 goto loop\n\
         if w0 != w1 goto end\n\
         goto start\n\
         gotol loop\n\
         end: exit\n",
        "0: (b7) r0 = 0\n\
         1: (18) r1 = 0x100000000\n\
         3: (07) r0 += 1\n\
         4: (a5) if r0 < 0xa goto pc-4\n\
         5: (5e) if w0 != w1 goto pc+2\n\
         6: (05) goto pc-7\n\
         7: (06) gotol pc-7\n\
         8: (95) exit\n",
    );
}

#[test]
fn local_calls_and_function_addresses_take_labels() {
    check(
        "r1 = subprog[f]\ncall f\nexit\nf: a: b:\nr0 = 1\nexit\n",
        "0: (18) r1 = subprog[+3]\n\
         2: (85) call pc+1\n\
         3: (95) exit\n\
         4: (b7) r0 = 1\n\
         5: (95) exit\n",
    );
}

#[test]
fn comments_and_blank_lines_are_ignored() {
    check(
        "# a comment line\n\
         \n\
         r0 = 1 ; R0=1 from a pasted log\n\
         r0 += 2 // trailing comment\n\
         call bpf_get_prandom_u32#7 # the # of a helper id is not a comment\n\
         ; another\n\
         exit\n",
        "0: (b7) r0 = 1\n\
         1: (07) r0 += 2\n\
         2: (85) call bpf_get_prandom_u32#7\n\
         3: (95) exit\n",
    );
}

#[test]
fn pasted_prefixes_are_checked_and_dropped() {
    check(
        "0: (b7) r0 = 0                        ; R0=0\n\
         1: r1 = 5 ll\n\
         3: (95) exit\n",
        "0: (b7) r0 = 0\n\
         1: (18) r1 = 0x5\n\
         3: (95) exit\n",
    );
}

#[test]
fn alternative_spellings() {
    check(
        "r1 = 5\n\
         r1 = 0x5\n\
         r1 = -0x1\n\
         w1 = 0xffffffff\n\
         r1 += 0xffffffff\n\
         if r1 == -1 goto +1\n\
         goto -1\n\
         call 7\n\
         call bpf_get_prandom_u32\n\
         call unknown#250\n\
         call bpf_obj_new_impl#65214\n\
         call kernel-function#65214 @3\n\
         call +2\n\
         r0 = *(u32 *)(r1)\n\
         *(u64 *)(r10+8) = r1\n\
         r0 = *(u8 *)skb[0x10]\n",
        "0: (b7) r1 = 5\n\
         1: (18) r1 = 0x5\n\
         3: (18) r1 = 0xffffffffffffffff\n\
         5: (b4) w1 = -1\n\
         6: (07) r1 += -1\n\
         7: (15) if r1 == 0xffffffff goto pc+1\n\
         8: (05) goto pc-1\n\
         9: (85) call bpf_get_prandom_u32#7\n\
         10: (85) call bpf_get_prandom_u32#7\n\
         11: (85) call unknown#250\n\
         12: (85) call kernel-function#65214\n\
         13: (85) call kernel-function#65214@3\n\
         14: (85) call pc+2\n\
         15: (61) r0 = *(u32 *)(r1 +0)\n\
         16: (7b) *(u64 *)(r10 +8) = r1\n\
         17: (30) r0 = *(u8 *)skb[16]\n",
    );
}

#[test]
fn empty_source_is_an_empty_program() {
    assert_eq!(assemble(""), Ok(vec![]));
    assert_eq!(assemble("\n; nothing\nlabel:\n"), Ok(vec![]));
}
