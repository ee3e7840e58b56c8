//! The interpreter's behaviour beyond the conformance suite: memory model, frames, packet loads,
//! atomics at 32 bits, and every error.

use super::*;
use crate::isa::ubpf::parse_program;

/// Run `asm` with `ctx` as the context and `data` as the packet.
fn run(asm: &str, ctx: &[u8], data: &[u8]) -> Result<u64, ExecError> {
    let program = match parse_program(asm) {
        Ok(p) => p,
        Err(e) => panic!("test program does not parse: {e}"),
    };
    Machine::new(&program)
        .with_context(ctx)
        .with_data(data)
        .with_helpers(HelperTable::conformance())
        .run()
}

#[test]
fn results_of_small_programs() {
    // (program, context, data, r0)
    let rows: &[(&str, &[u8], &[u8], u64)] = &[
        // Sign-extending loads.
        ("ldxsb %r0, [%r1]\nexit", &[0x80], &[], 0xffff_ffff_ffff_ff80),
        ("ldxsh %r0, [%r1]\nexit", &[0x01, 0x80], &[], 0xffff_ffff_ffff_8001),
        ("ldxsw %r0, [%r1]\nexit", &[0, 0, 0, 0x80], &[], 0xffff_ffff_8000_0000),
        // Stores to the context are visible to later loads.
        ("stw [%r1+0], 0x11223344\nldxh %r0, [%r1+2]\nexit", &[0; 4], &[], 0x1122),
        // Packet loads are big-endian; the index adds at 32 bits.
        ("ldabsh 1\nexit", &[], &[0x11, 0x22, 0x33], 0x2233),
        ("ldabsw 0\nexit", &[], &[1, 2, 3, 4], 0x0102_0304),
        ("mov %r6, 1\nldindb %r6, 1\nexit", &[], &[1, 2, 3], 3),
        ("lddw %r6, 0x100000001\nldindb %r6, 0\nexit", &[], &[1, 2, 3], 2),
        // Out of the packet: the program ends with r0 = 0.
        ("mov %r0, 7\nldabsw 1\nmov %r0, 9\nexit", &[], &[1, 2, 3, 4], 0),
        ("mov %r0, 7\nmov %r6, -1\nldindb %r6, 0\nexit", &[], &[1], 0),
        // 32-bit atomics: the fetched old value is zero-extended, the high half of memory kept.
        (
            "stdw [%r10-8], -1\nlddw %r1, 0x1ffffffff\nlock fetch add32 [%r10-8], %r1\nmov %r0, %r1\nexit",
            &[],
            &[],
            0xffff_ffff,
        ),
        (
            "stdw [%r10-8], -1\nmov %r1, 1\nlock add32 [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit",
            &[],
            &[],
            0xffff_ffff_0000_0000,
        ),
        // cmpxchg32 compares low halves and returns the old value zero-extended in r0.
        (
            "stw [%r10-4], 5\nlddw %r0, 0xff00000005\nmov %r1, 9\nlock cmpxchg32 [%r10-4], %r1\nldxw %r2, [%r10-4]\nlsh %r0, 8\nor %r0, %r2\nexit",
            &[],
            &[],
            0x509,
        ),
        // A failed cmpxchg leaves memory alone.
        (
            "stdw [%r10-8], 5\nmov %r0, 6\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\nldxdw %r1, [%r10-8]\nlsh %r0, 8\nor %r0, %r1\nexit",
            &[],
            &[],
            0x505,
        ),
        // Callees get their own frame; the caller's stack and r6-r9 survive.
        (
            "stdw [%r10-8], 42\nmov %r6, 6\ncall local f\nldxdw %r0, [%r10-8]\nadd %r0, %r6\nexit\nf:\nstdw [%r10-8], 0\nmov %r6, 0\nexit",
            &[],
            &[],
            48,
        ),
        // The helper 5 ("unwind") ends the program when r1 is 0.
        ("mov %r1, 0\nmov %r0, 3\ncall 5\nmov %r0, 4\nexit", &[], &[], 0),
        ("mov %r1, 8\ncall 5\nexit", &[], &[], 8),
    ];
    for &(asm, ctx, data, want) in rows {
        assert_eq!(run(asm, ctx, data), Ok(want), "{asm}");
    }
}

#[test]
fn recursion_is_bounded_by_the_frame_limit() {
    // Each frame counts down r1; depth 8 (the entry frame and 7 calls) is allowed, 9 is not.
    let count_down = |n: u64| {
        format!("mov %r1, {n}\ncall local f\nexit\nf:\njeq %r1, 0, +2\nsub %r1, 1\ncall local f\nmov %r0, 1\nexit")
    };
    assert_eq!(run(&count_down(6), &[], &[]), Ok(1));
    assert_eq!(
        run(&count_down(7), &[], &[]),
        Err(ExecError::CallDepth { pc: 5 })
    );
}

#[test]
fn errors_name_the_slot() {
    // (program, error)
    let rows: Vec<(&str, ExecError)> = vec![
        (
            "mov %r0, 0\nldxw %r0, [%r1+2]\nexit",
            ExecError::Memory {
                pc: 1,
                fault: MemoryFault {
                    addr: CONTEXT_BASE + 2,
                    size: 4,
                    write: false,
                },
            },
        ),
        (
            "stdw [%r10+0], 1\nexit",
            ExecError::Memory {
                pc: 0,
                fault: MemoryFault {
                    addr: memory::frame_pointer(0),
                    size: 8,
                    write: true,
                },
            },
        ),
        ("mov %r0, 0", ExecError::FellOffEnd { pc: 1 }),
        (
            "ja -1",
            ExecError::BudgetExhausted {
                pc: 0,
                budget: DEFAULT_BUDGET,
            },
        ),
        ("ja +5\nexit", ExecError::BadTarget { pc: 0, target: 6 }),
        (
            "ja +1\nlddw %r0, 1\nexit",
            ExecError::BadTarget { pc: 0, target: 2 },
        ),
        ("call 99\nexit", ExecError::UnknownHelper { pc: 0, id: 99 }),
        (
            "mov %r2, 77\ncall %r2\nexit",
            ExecError::UnknownHelper { pc: 1, id: 77 },
        ),
        ("mov %r10, 0\nexit", ExecError::FramePointerWrite { pc: 0 }),
        (
            "call runtime 1\nexit",
            ExecError::Unsupported {
                pc: 0,
                what: "kfunc calls",
            },
        ),
    ];
    for (asm, want) in rows {
        assert_eq!(run(asm, &[0; 4], &[]), Err(want), "{asm}");
    }
    let map_load = [
        Insn::LdImm64 {
            dst: Reg::R0,
            src: LdImm64::MapFd(3),
        },
        Insn::Exit,
    ];
    assert!(matches!(
        Machine::new(&map_load).run(),
        Err(ExecError::Unsupported { pc: 0, .. })
    ));
    // The budget counts instructions: exactly enough runs, one fewer does not.
    let program = parse_program("mov %r0, 1\nexit").unwrap_or_default();
    assert_eq!(Machine::new(&program).with_budget(2).run(), Ok(1));
    assert_eq!(
        Machine::new(&program).with_budget(1).run(),
        Err(ExecError::BudgetExhausted { pc: 1, budget: 1 })
    );
}

#[test]
fn entry_registers() {
    let program = parse_program("mov %r0, %r10\nexit").unwrap_or_default();
    assert_eq!(Machine::new(&program).run(), Ok(memory::frame_pointer(0)));
    let program = parse_program("mov %r0, %r1\nadd %r0, %r3\nexit").unwrap_or_default();
    let r3 = Reg::new(3).unwrap_or(Reg::R0);
    assert_eq!(
        Machine::new(&program).with_reg(r3, 5).run(),
        Ok(CONTEXT_BASE + 5)
    );
}

#[test]
fn error_messages() {
    let fault = MemoryFault {
        addr: CONTEXT_BASE + 2,
        size: 4,
        write: false,
    };
    let rows: Vec<(ExecError, &str)> = vec![
        (
            ExecError::Memory { pc: 1, fault },
            "pc 1: load of 4 byte(s) at 0x200000002 is outside every memory region",
        ),
        (
            ExecError::BadTarget { pc: 0, target: 2 },
            "pc 0: jump to invalid slot 2",
        ),
        (
            ExecError::CallDepth { pc: 5 },
            "pc 5: call nested deeper than 8 frames",
        ),
        (
            ExecError::UnknownHelper { pc: 0, id: 99 },
            "pc 0: unknown helper 99",
        ),
    ];
    for (error, message) in rows {
        assert_eq!(error.to_string(), message);
    }
}
