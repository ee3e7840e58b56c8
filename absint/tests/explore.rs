//! The path explorer against the running 6.18.44 kernel's level-2 logs, captured from
//! `BPF_PROG_LOAD` with `BPF_F_TEST_REG_INVARIANTS` and normalised the way the explorer prints:
//! precision-tracking lines (`mark_precise: ...`, `frame 0: propagating ...`) removed, a state
//! the kernel printed on its own line after them put back on its instruction's line, and the
//! statistics line cut after `(limit 1000000)`. The live comparison on random programs is
//! `fuzz/tests/kernel_paths.rs`.

use absint::explore::{explore, explore_with, ExploreError, Line, Options, Pruning};
use absint::isa::assemble;

/// Explores `src` with the default options (the kernel's pruning) and returns the log.
fn kernel_log(src: &str) -> String {
    let insns = assemble(src).expect("fixture assembles");
    explore(&insns, &Options::default()).kernel_log()
}

#[test]
fn linked_offsets() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r7 = r6
r7 += 5
if r6 > 10 goto pc+2
r0 = 0
exit
if r7 == 12 goto pc+1
r0 = 1
r0 = r7
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (bf) r7 = r6
      3: ......67.. (07) r7 += 5
      4: ......67.. (25) if r6 > 0xa goto pc+2
      5: .......... (b7) r0 = 0
      6: 0......... (95) exit
      7: .......7.. (15) if r7 == 0xc goto pc+1
      8: .......7.. (b7) r0 = 1
      9: .......7.. (bf) r0 = r7
     10: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (bf) r7 = r6                       ; R6=scalar(id=1) R7=scalar(id=1)
3: (07) r7 += 5                       ; R7=scalar(id=1+5)
4: (25) if r6 > 0xa goto pc+2         ; R6=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))
5: (b7) r0 = 0                        ; R0=0
6: (95) exit

from 4 to 7: R0=scalar(id=1) R6=scalar(id=1,umin=11) R7=scalar(id=1+5) R10=fp0
7: R0=scalar(id=1) R6=scalar(id=1,umin=11) R7=scalar(id=1+5) R10=fp0
7: (15) if r7 == 0xc goto pc+1        ; R7=scalar(id=1+5)
8: (b7) r0 = 1                        ; R0=1
9: (bf) r0 = r7                       ; R0=scalar(id=2) R7=scalar(id=2)
10: (95) exit

from 7 to 9: R0=scalar(id=1) R6=scalar(id=1,umin=11) R7=12 R10=fp0
9: R0=scalar(id=1) R6=scalar(id=1,umin=11) R7=12 R10=fp0
9: (bf) r0 = r7                       ; R0=12 R7=12
10: (95) exit
processed 13 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn alu_fork() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r6 s>>= 63
r6 &= 5
r0 = r6
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (c7) r6 s>>= 63
      3: ......6... (57) r6 &= 5
      4: ......6... (bf) r0 = r6
      5: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (c7) r6 s>>= 63                    ; R6=scalar(smin=smin32=-1,smax=smax32=0)
3: (57) r6 &= 5                       ; R6=5
4: (bf) r0 = r6                       ; R0=5 R6=5
5: (95) exit

from 3 to 3: R0=scalar(id=1) R6=0 R10=fp0
3: R0=scalar(id=1) R6=0 R10=fp0
3: (57) r6 &= 5                       ; R6=0
4: (bf) r0 = r6                       ; R0=0 R6=0
5: (95) exit
processed 9 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn precision_and_pruning() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r6 &= 3
if r6 > 1 goto pc+1
r0 = 0
r0 = 1
if r6 > 1 goto pc+1
exit
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (57) r6 &= 3
      3: ......6... (25) if r6 > 0x1 goto pc+1
      4: ......6... (b7) r0 = 0
      5: ......6... (b7) r0 = 1
      6: 0.....6... (25) if r6 > 0x1 goto pc+1
      7: 0......... (95) exit
      8: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (57) r6 &= 3                       ; R6=scalar(smin=smin32=0,smax=umax=smax32=umax32=3,var_off=(0x0; 0x3))
3: (25) if r6 > 0x1 goto pc+1         ; R6=scalar(smin=smin32=0,smax=umax=smax32=umax32=1,var_off=(0x0; 0x1))
4: (b7) r0 = 0                        ; R0=0
5: (b7) r0 = 1                        ; R0=1
6: (25) if r6 > 0x1 goto pc+1         ; R6=scalar(smin=smin32=0,smax=umax=smax32=umax32=1,var_off=(0x0; 0x1))
7: (95) exit

from 3 to 5: R0=scalar(id=1) R6=scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=3,var_off=(0x2; 0x1)) R10=fp0
5: R0=scalar(id=1) R6=scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=3,var_off=(0x2; 0x1)) R10=fp0
5: (b7) r0 = 1                        ; R0=1
6: (25) if r6 > 0x1 goto pc+1         ; R6=scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=3,var_off=(0x2; 0x1))
8: (95) exit
processed 11 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn pruned_by_liveness() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r6 &= 255
r7 = r6
w7 += 3
if r7 > 10 goto pc+1
r0 = r6
r0 = r6
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (57) r6 &= 255
      3: ......6... (bf) r7 = r6
      4: ......67.. (04) w7 += 3
      5: ......67.. (25) if r7 > 0xa goto pc+1
      6: ......6... (bf) r0 = r6
      7: ......6... (bf) r0 = r6
      8: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (57) r6 &= 255                     ; R6=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
3: (bf) r7 = r6                       ; R6=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R7=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
4: (04) w7 += 3                       ; R7=scalar(id=2+3,smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=258,var_off=(0x0; 0x1ff))
5: (25) if r7 > 0xa goto pc+1         ; R7=scalar(id=2+3,smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))
6: (bf) r0 = r6                       ; R0=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7)) R6=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))
7: (bf) r0 = r6                       ; R0=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7)) R6=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))
8: (95) exit

from 5 to 7: safe
processed 10 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn uninitialised_read() {
    let src = "\
r0 = r2
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: ..2....... (bf) r0 = r2
      1: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (bf) r0 = r2
R2 !read_ok
processed 1 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn div_by_zero() {
    let src = "\
r0 = 1
r0 /= 0
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (b7) r0 = 1
      1: 0......... (37) r0 /= 0
      2: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (b7) r0 = 1                        ; R0=1
1: (37) r0 /= 0
div by zero
processed 2 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn linked_overflow() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r7 = r0
r8 = r0
r9 = r0
r2 = r0
r3 = r0
r4 = r0
r5 = r0
if r7 s< r5 goto pc+1
r0 = r2
r0 = r3
r0 = r4
r0 = r5
r0 = r6
r0 = r7
r0 = r8
r0 = r9
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: 0.....6... (bf) r7 = r0
      3: 0.....67.. (bf) r8 = r0
      4: 0.....678. (bf) r9 = r0
      5: 0.....6789 (bf) r2 = r0
      6: 0.2...6789 (bf) r3 = r0
      7: 0.23..6789 (bf) r4 = r0
      8: 0.234.6789 (bf) r5 = r0
      9: ..23456789 (cd) if r7 s< r5 goto pc+1
     10: ..23456789 (bf) r0 = r2
     11: ...3456789 (bf) r0 = r3
     12: ....456789 (bf) r0 = r4
     13: .....56789 (bf) r0 = r5
     14: ......6789 (bf) r0 = r6
     15: .......789 (bf) r0 = r7
     16: ........89 (bf) r0 = r8
     17: .........9 (bf) r0 = r9
     18: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (bf) r7 = r0                       ; R0=scalar(id=1) R7=scalar(id=1)
3: (bf) r8 = r0                       ; R0=scalar(id=1) R8=scalar(id=1)
4: (bf) r9 = r0                       ; R0=scalar(id=1) R9=scalar(id=1)
5: (bf) r2 = r0                       ; R0=scalar(id=1) R2=scalar(id=1)
6: (bf) r3 = r0                       ; R0=scalar(id=1) R3=scalar(id=1)
7: (bf) r4 = r0                       ; R0=scalar(id=1) R4=scalar(id=1)
8: (bf) r5 = r0                       ; R0=scalar(id=1) R5=scalar(id=1)
9: (cd) if r7 s< r5 goto pc+1         ; R5=scalar() R7=scalar()
10: (bf) r0 = r2                      ; R0=scalar(id=2) R2=scalar(id=2)
11: (bf) r0 = r3                      ; R0=scalar(id=3) R3=scalar(id=3)
12: (bf) r0 = r4                      ; R0=scalar(id=4) R4=scalar(id=4)
13: (bf) r0 = r5                      ; R0=scalar(id=5) R5=scalar(id=5)
14: (bf) r0 = r6                      ; R0=scalar(id=6) R6=scalar(id=6)
15: (bf) r0 = r7                      ; R0=scalar(id=7) R7=scalar(id=7)
16: (bf) r0 = r8                      ; R0=scalar(id=8) R8=scalar(id=8)
17: (bf) r0 = r9                      ; R0=scalar(id=9) R9=scalar(id=9)
18: (95) exit

from 9 to 11: safe
processed 20 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn diamond_call_jset() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
w7 = w6
if r6 & 0x4 goto pc+4
r6 |= 1
r7 = 0x100000000
goto pc+2
r6 &= 7
call bpf_ktime_get_ns
if w6 == 5 goto pc+1
r0 = r7
r0 = r6
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (bc) w7 = w6
      3: ......67.. (45) if r6 & 0x4 goto pc+4
      4: ......6... (47) r6 |= 1
      5: ......6... (18) r7 = 0x100000000
      7: ......67.. (05) goto pc+2
      8: ......67.. (57) r6 &= 7
      9: ......67.. (85) call bpf_ktime_get_ns#5
     10: ......67.. (16) if w6 == 0x5 goto pc+1
     11: ......67.. (bf) r0 = r7
     12: ......6... (bf) r0 = r6
     13: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (bc) w7 = w6                       ; R6=scalar(id=1) R7=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))
3: (45) if r6 & 0x4 goto pc+4         ; R6=scalar(id=1,smax=0x7ffffffffffffffb,umax=0xfffffffffffffffb,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x0; 0xfffffffffffffffb))
4: (47) r6 |= 1                       ; R6=scalar(smin=0x8000000000000001,smax=0x7ffffffffffffffb,umin=umin32=1,umax=0xfffffffffffffffb,smin32=0x80000001,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x1; 0xfffffffffffffffa))
5: (18) r7 = 0x100000000              ; R7=0x100000000
7: (05) goto pc+2
10: (16) if w6 == 0x5 goto pc+1       ; R6=scalar(smin=0x8000000000000001,smax=0x7ffffffffffffffb,umin=umin32=1,umax=0xfffffffffffffffb,smin32=0x80000001,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x1; 0xfffffffffffffffa))
11: (bf) r0 = r7                      ; R0=0x100000000 R7=0x100000000
12: (bf) r0 = r6                      ; R0=scalar(id=2,smin=0x8000000000000001,smax=0x7ffffffffffffffb,umin=umin32=1,umax=0xfffffffffffffffb,smin32=0x80000001,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x1; 0xfffffffffffffffa)) R6=scalar(id=2,smin=0x8000000000000001,smax=0x7ffffffffffffffb,umin=umin32=1,umax=0xfffffffffffffffb,smin32=0x80000001,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x1; 0xfffffffffffffffa))
13: (95) exit

from 3 to 8: R0=scalar(id=1) R6=scalar(id=1,smin=0x8000000000000004,umin=umin32=4,smin32=0x80000004,var_off=(0x4; 0xfffffffffffffffb)) R7=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0
8: R0=scalar(id=1) R6=scalar(id=1,smin=0x8000000000000004,umin=umin32=4,smin32=0x80000004,var_off=(0x4; 0xfffffffffffffffb)) R7=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0
8: (57) r6 &= 7                       ; R6=scalar(smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=7,var_off=(0x4; 0x3))
9: (85) call bpf_ktime_get_ns#5       ; R0=scalar()
10: (16) if w6 == 0x5 goto pc+1       ; R6=scalar(smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=7,var_off=(0x4; 0x3))
11: (bf) r0 = r7                      ; R0=scalar(id=3,smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R7=scalar(id=3,smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))
12: (bf) r0 = r6                      ; R0=scalar(id=4,smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=7,var_off=(0x4; 0x3)) R6=scalar(id=4,smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=7,var_off=(0x4; 0x3))
13: (95) exit

from 10 to 12: safe
processed 18 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

#[test]
fn invariant_violation() {
    let src = "\
call bpf_get_prandom_u32
r6 = r0
r6 <<= 32
call bpf_get_prandom_u32
r6 |= r0
r2 = 0xffffffff000000f0 ll
r6 &= r2
if w6 > 0xe8 goto pc+2
if w6 > 0xe1 goto pc+1
exit
r0 = 0
exit
";
    let expected = r"func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
      1: 0......... (bf) r6 = r0
      2: ......6... (67) r6 <<= 32
      3: ......6... (85) call bpf_get_prandom_u32#7
      4: 0.....6... (4f) r6 |= r0
      5: 0.....6... (18) r2 = 0xffffffff000000f0
      7: 0.2...6... (5f) r6 &= r2
      8: 0.....6... (26) if w6 > 0xe8 goto pc+2
      9: 0.....6... (26) if w6 > 0xe1 goto pc+1
     10: 0......... (95) exit
     11: .......... (b7) r0 = 0
     12: 0......... (95) exit
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (67) r6 <<= 32                     ; R6=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))
3: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
4: (4f) r6 |= r0                      ; R0=scalar() R6=scalar()
5: (18) r2 = 0xffffffff000000f0       ; R2=0xffffffff000000f0
7: (5f) r6 &= r2                      ; R2=0xffffffff000000f0 R6=scalar(smax=0x7fffffff000000f0,umax=0xffffffff000000f0,smin32=0,smax32=umax32=240,var_off=(0x0; 0xffffffff000000f0))
8: (26) if w6 > 0xe8 goto pc+2        ; R6=scalar(smax=0x7fffffff000000e8,umax=0xffffffff000000e8,smin32=0,smax32=umax32=232,var_off=(0x0; 0xffffffff000000f0))
9: (26) if w6 > 0xe1 goto pc+1
verifier bug: REG INVARIANTS VIOLATION (true_reg1): range bounds violation u64=[0xe2, 0xffffffff000000e0] s64=[0x80000000000000e2, 0x7fffffff000000e0] u32=[0xe2, 0xe0] s32=[0xe2, 0xe0] var_off=(0xe0, 0xffffffff00000000)
processed 9 insns (limit 1000000)
";
    assert_eq!(kernel_log(src), expected);
}

/// The program of `pruned_by_liveness`: its second path is pruned at insn 7.
const PRUNED: &str = "\
call bpf_get_prandom_u32
r6 = r0
r6 &= 255
r7 = r6
w7 += 3
if r7 > 10 goto pc+1
r0 = r6
r0 = r6
exit
";

#[test]
fn never_pruning_follows_every_path() {
    let insns = assemble(PRUNED).expect("assembles");
    let pruned = explore(&insns, &Options::default());
    let never = explore(
        &insns,
        &Options {
            pruning: Pruning::Never,
            ..Options::default()
        },
    );
    assert!(pruned.lines.contains(&Line::From {
        from: 5,
        to: 7,
        regs: None
    }));
    assert_eq!((pruned.processed, pruned.total_states), (10, 1));
    assert!(!never
        .lines
        .iter()
        .any(|l| matches!(l, Line::Safe(_) | Line::From { regs: None, .. })));
    assert_eq!((never.processed, never.total_states), (11, 0));
    assert!(never.verdict.is_ok());
}

#[test]
fn an_oracle_prunes_where_it_says() {
    let insns = assemble(PRUNED).expect("assembles");
    let options = Options {
        pruning: Pruning::Never,
        ..Options::default()
    };
    let mut visits = Vec::new();
    let exploration = explore_with(&insns, &options, &mut |v| {
        visits.push((v.idx, v.popped_from));
        v.idx == 7 && v.popped_from.is_none()
    });
    // Pruned on reaching 7 from 6: the state of insn 6 is then never printed, as in the kernel.
    let log = exploration.kernel_log();
    assert!(log.contains("6: (bf) r0 = r6\n7: safe\n"), "{log}");
    assert!(log.contains("\nfrom 5 to 7: R0=scalar(id=1) "), "{log}");
    assert_eq!(visits.last(), Some(&(8, None)));
    assert!(visits.contains(&(7, Some(5))));
}

#[test]
fn shape_errors_come_before_exploration() {
    let insns = assemble("r0 = 0\nexit\nr0 = 1\nexit").expect("assembles");
    let e = explore(&insns, &Options::default());
    assert_eq!(
        e.kernel_log(),
        "func#0 @0\nunreachable insn 2\nprocessed 0 insns (limit 1000000)\n"
    );
    assert_eq!(
        e.verdict.as_ref().map_err(ToString::to_string),
        Err("insn 2: unreachable insn 2".into())
    );
    let insns = assemble("if r0 > 1 goto pc+5\nexit").expect("assembles");
    let e = explore(&insns, &Options::default());
    assert!(e
        .kernel_log()
        .contains("\njump out of range from insn 0 to 6\n"));
}

#[test]
fn unsupported_instructions_name_their_index() {
    let insns = assemble("r0 = 0\nr0 = *(u32 *)(r1 +0)\nexit").expect("assembles");
    let e = explore(&insns, &Options::default());
    match e.verdict {
        Err(err @ ExploreError::Unsupported { idx: 1, .. }) => assert!(!err.is_rejection()),
        other => panic!("expected unsupported at insn 1, got {other:?}"),
    }
}

#[test]
fn the_budget_stops_loops() {
    // Infinite-loop detection is not modelled: the budget ends the exploration.
    let insns = assemble("r0 = 0\ngoto pc-1").expect("assembles");
    for pruning in [Pruning::Never, Pruning::Kernel] {
        let e = explore(
            &insns,
            &Options {
                insn_limit: 500,
                pruning,
            },
        );
        assert_eq!(e.verdict, Err(ExploreError::TooLarge(501)));
        assert!(e
            .kernel_log()
            .contains("BPF program is too large. Processed 501 insn\n"));
    }
}
