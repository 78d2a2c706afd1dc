/* SPDX-License-Identifier: MIT */
/*
 * What a branch and a read of the thread pointer look like in objdump's
 * disassembly, for each directory of src/sys: the knowledge the purity
 * test (test_purity.c) needs to follow the child's control flow on every
 * architecture it is built for.
 */
#ifndef FXT_PURITY_ISA_H
#define FXT_PURITY_ISA_H

enum isa_branch {
	ISA_NOT_BRANCH,
	ISA_CALL,          /* direct call: its target must be the object's own */
	ISA_JUMP,          /* direct jump, conditional or not: the same */
	ISA_CALL_INDIRECT, /* call through a register or memory: never allowed */
	ISA_JUMP_INDIRECT, /* return, or a switch table's jump */
};

struct isa;

/* The rules for `arch` (x86_64, i386, aarch64, arm, riscv64, powerpc64le,
 * s390x), or NULL. */
const struct isa *isa_find(const char *arch);

/*
 * Whether `mnem` is an instruction prefix (x86's rex, data16, notrack...):
 * the real mnemonic is the first word of the operands.
 */
int isa_is_prefix(const struct isa *isa, const char *mnem);

/* What kind of branch the instruction is. */
enum isa_branch isa_branch(const struct isa *isa, const char *mnem,
                           const char *operands);

/*
 * Whether the instruction reads the thread pointer (%fs/%gs, tpidr_el0,
 * cp15's c13, tp, r13, the access registers %a0/%a1): TLS, or a stack
 * protector's canary.
 */
int isa_reads_thread_pointer(const struct isa *isa, const char *mnem,
                             const char *operands);

/*
 * Whether a relocation of type `rtype` makes the instruction it sits on
 * the first half of a call (riscv64's auipc under R_RISCV_CALL_PLT, whose
 * jalr follows): its symbol is the call's target, and the next indirect
 * branch is that call's second half, not a call through a pointer.
 */
int isa_is_call_pair_reloc(const struct isa *isa, const char *rtype);

#endif
