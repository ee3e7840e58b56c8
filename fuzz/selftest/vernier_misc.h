/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vernier_misc.h: the annotations of Vernier's exported verifier tests, so that the files build
 * outside the kernel tree (clang -target bpf -O2 -g -c -I fuzz/selftest file.c).
 *
 * The macros mean what the kernel's BPF selftests (tools/testing/selftests/bpf/progs/bpf_misc.h,
 * read by test_loader.c) mean by the same names: each expectation is a BTF declaration tag
 * "comment:<key>[=<value>]" on the test function, which the test loader reads back from the
 * object's BTF. Written for Vernier from that documented behaviour; inside the kernel tree the
 * exported file includes bpf_misc.h instead of this header.
 */
#ifndef VERNIER_MISC_H
#define VERNIER_MISC_H

#define __VERNIER_STR(x) #x
#define __VERNIER_XSTR(x) __VERNIER_STR(x)
#define __VERNIER_TAG(text) __attribute__((btf_decl_tag(text)))

/* Place a definition in an ELF section (libbpf derives the program type from it). */
#define SEC(name) __attribute__((section(name), used))

/* BTF-defined map attributes: an integer value encoded in the array length of a pointer type,
 * and a key or value type, as libbpf reads them from `.maps`. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name

/* Expectations read by the test loader. */
#define __description(desc) __VERNIER_TAG("comment:test_description=" desc)
#define __success __VERNIER_TAG("comment:test_expect_success")
#define __failure __VERNIER_TAG("comment:test_expect_failure")
#define __msg(msg) __VERNIER_TAG("comment:test_expect_msg=" msg)
#define __retval(val) __VERNIER_TAG("comment:test_retval=" __VERNIER_XSTR(val))
#define __log_level(lvl) __VERNIER_TAG("comment:test_log_level=" __VERNIER_XSTR(lvl))
/* The flag by name (the loader knows the BPF_F_* names), not expanded. */
#define __flag(flag) __VERNIER_TAG("comment:test_prog_flags=" #flag)

/* A function whose body is only the inline assembly: no prologue, no epilogue. */
#define __naked __attribute__((naked))

/* Inline-assembly operands: a helper (or other constant) by name, the address of a map. */
#define __imm(name) [name] "i"(name)
#define __imm_const(name, expr) [name] "i"(expr)
#define __imm_addr(name) [name] "i"(&name)

/* Every register the program may write, and memory. */
#define __clobber_all "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory"

#endif /* VERNIER_MISC_H */
