/* SPDX-License-Identifier: MIT */
/*
 * Branches and thread-pointer reads in objdump's disassembly, per
 * architecture (see purity_isa.h).  Each table was written from the
 * architecture's manual and checked against `objdump -dr` of the child's
 * object and of the counter-examples of purity_rules_catch_bad_objects,
 * built with Debian's cross compilers.
 */
#include "purity_isa.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

struct isa {
	const char *arch;
	const char *const *prefixes;
	enum isa_branch (*branch)(const char *mnem, const char *operands);
	int (*thread_pointer)(const char *mnem, const char *operands);
	const char *call_pair_reloc;
};

static int in_list(const char *word, const char *const *list)
{
	for (; list && *list; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/* Whether `reg` appears in `operands` as a whole register name: "r13" in
 * "-28688(r13)" but not in "vr13" or "r130". */
static int names_register(const char *operands, const char *reg)
{
	size_t n = strlen(reg), end = strcspn(operands, "<#");

	/* Not in objdump's comment or a symbol name after the operands. */
	for (const char *p = operands; (p = strstr(p, reg)) && p < operands + end;
	     p++) {
		int before = p > operands && (isalnum((unsigned char)p[-1]) ||
		                              p[-1] == '_' || p[-1] == '%');
		int after = isalnum((unsigned char)p[n]) || p[n] == '_';

		if (reg[0] == '%')
			before = p > operands && isalnum((unsigned char)p[-1]);
		if (!before && !after)
			return 1;
	}
	return 0;
}

/* ---- x86_64 and i386 ------------------------------------------------ */

static const char *const x86_prefixes[] = {
	"data16", "addr32", "rex", "rex.W", "rex.B", "rex.WB", "rex.X",
	"rex.R", "notrack", "bnd", "cs", "ds", "lock", "rep", "repz",
	"repnz", NULL,
};

/* call and j<cc>; through a pointer when the operand has a '*'. */
static enum isa_branch x86_branch(const char *mnem, const char *operands)
{
	int indirect = strchr(operands, '*') != NULL;

	if (strncmp(mnem, "call", 4) == 0)
		return indirect ? ISA_CALL_INDIRECT : ISA_CALL;
	if (mnem[0] == 'j')
		return indirect ? ISA_JUMP_INDIRECT : ISA_JUMP;
	return ISA_NOT_BRANCH;
}

static int x86_thread_pointer(const char *mnem, const char *operands)
{
	(void)mnem;
	return strstr(operands, "%fs:") || strstr(operands, "%gs:");
}

/* ---- aarch64 -------------------------------------------------------- */

/*
 * bl calls; blr and its pointer-authenticated forms call through a
 * register; b, b.cond, bc.cond, cbz, cbnz, tbz and tbnz jump to a label,
 * br and its forms through a register, ret returns.  (brk is a trap.)
 */
static enum isa_branch aarch64_branch(const char *mnem, const char *operands)
{
	static const char *const indirect_calls[] = {
		"blr", "blraa", "blraaz", "blrab", "blrabz", NULL,
	};
	static const char *const indirect_jumps[] = {
		"br", "braa", "braaz", "brab", "brabz", "ret", "retaa",
		"retab", NULL,
	};
	static const char *const jumps[] = {
		"b", "cbz", "cbnz", "tbz", "tbnz", NULL,
	};

	(void)operands;
	if (strcmp(mnem, "bl") == 0)
		return ISA_CALL;
	if (in_list(mnem, indirect_calls))
		return ISA_CALL_INDIRECT;
	if (in_list(mnem, indirect_jumps))
		return ISA_JUMP_INDIRECT;
	if (in_list(mnem, jumps) || strncmp(mnem, "b.", 2) == 0 ||
	    strncmp(mnem, "bc.", 3) == 0)
		return ISA_JUMP;
	return ISA_NOT_BRANCH;
}

static int aarch64_thread_pointer(const char *mnem, const char *operands)
{
	(void)mnem;
	return strstr(operands, "tpidr_el0") || strstr(operands, "TPIDR_EL0");
}

/* ---- arm (armhf: Thumb-2 and ARM) ----------------------------------- */

static int arm_condition(const char *s)
{
	static const char *const conds[] = {
		"", "eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs",
		"vc", "hi", "ls", "ge", "lt", "gt", "le", "al", NULL,
	};

	return in_list(s, conds);
}

/*
 * b<cond> jumps (blt is b with lt, not bl with t: the condition is tried
 * first, as the assembler does); bl<cond> calls; blx<cond> calls a label
 * or, given a register, through it; bx<cond> jumps through a register
 * (bx lr returns); cbz and cbnz jump; tbb and tbh are switch tables.
 * objdump adds .n or .w for the Thumb-2 encoding's width.
 */
static enum isa_branch arm_branch(const char *mnem, const char *operands)
{
	char m[64];
	size_t n = strlen(mnem);

	if (n >= sizeof m)
		return ISA_NOT_BRANCH;
	memcpy(m, mnem, n + 1);
	if (n > 2 && (strcmp(m + n - 2, ".n") == 0 || strcmp(m + n - 2, ".w") == 0))
		m[n - 2] = 0;
	if (strcmp(m, "cbz") == 0 || strcmp(m, "cbnz") == 0)
		return ISA_JUMP;
	if (strcmp(m, "tbb") == 0 || strcmp(m, "tbh") == 0)
		return ISA_JUMP_INDIRECT;
	if (m[0] != 'b')
		return ISA_NOT_BRANCH;
	if (arm_condition(m + 1))
		return ISA_JUMP;
	if (m[1] == 'l' && arm_condition(m + 2))
		return ISA_CALL;
	if (m[1] == 'l' && m[2] == 'x' && arm_condition(m + 3))
		return strchr(operands, '<') ? ISA_CALL : ISA_CALL_INDIRECT;
	if (m[1] == 'x' && (arm_condition(m + 2) || strcmp(m + 2, "j") == 0))
		return ISA_JUMP_INDIRECT;
	return ISA_NOT_BRANCH;
}

/* The thread pointer is TPIDRURO, coprocessor 15's c13: "mrc 15, 0, r3,
 * cr13, cr0, {3}".  (Code built for cores without it calls
 * __aeabi_read_tp, which the call rules catch.) */
static int arm_thread_pointer(const char *mnem, const char *operands)
{
	return strncmp(mnem, "mrc", 3) == 0 && strstr(operands, "cr13");
}

/* ---- riscv64 -------------------------------------------------------- */

/*
 * jal calls a label (jal with rd zero is printed j); jalr calls through a
 * register, unless it completes an auipc under R_RISCV_CALL(_PLT), the
 * expansion of call; jr and ret jump through a register; the b<cond>
 * forms and their pseudo-instructions jump.
 */
static enum isa_branch riscv_branch(const char *mnem, const char *operands)
{
	static const char *const jumps[] = {
		"j", "beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz",
		"bnez", "bltz", "bgez", "blez", "bgtz", "bgt", "ble", "bgtu",
		"bleu", "tail", NULL,
	};

	if (strcmp(mnem, "jal") == 0 || strcmp(mnem, "call") == 0)
		return ISA_CALL;
	if (strcmp(mnem, "jalr") == 0)
		return strncmp(operands, "zero,", 5) == 0 ? ISA_JUMP_INDIRECT :
		                                            ISA_CALL_INDIRECT;
	if (strcmp(mnem, "jr") == 0 || strcmp(mnem, "ret") == 0)
		return ISA_JUMP_INDIRECT;
	if (in_list(mnem, jumps))
		return ISA_JUMP;
	return ISA_NOT_BRANCH;
}

static int riscv_thread_pointer(const char *mnem, const char *operands)
{
	(void)mnem;
	return names_register(operands, "tp");
}

/* ---- powerpc64le ---------------------------------------------------- */

/*
 * b<cond><target><link><absolute>, with a branch-prediction + or - at
 * the end: the target suffix lr or ctr (or tar) jumps through that
 * register, the link suffix l makes it a call.  So bl calls, bctrl calls
 * through CTR, blr returns, bctr is a switch table, beq, bdnz and bns
 * jump.
 */
static enum isa_branch ppc_branch(const char *mnem, const char *operands)
{
	static const char *const conds[] = {
		"dnzt", "dnzf", "dnz", "dzt", "dzf", "dz", "eq", "ne", "lt",
		"gt", "le", "ge", "ns", "so", "un", "nu", "nl", "ng", "c", "t",
		"f", "", NULL,
	};
	static const char *const suffixes[] = {
		"", "a", "l", "la", "lr", "lrl", "ctr", "ctrl", "tar", "tarl",
		NULL,
	};
	char m[64];
	size_t n = strlen(mnem);

	(void)operands;
	if (mnem[0] != 'b' || n >= sizeof m)
		return ISA_NOT_BRANCH;
	memcpy(m, mnem, n + 1);
	if (m[n - 1] == '+' || m[n - 1] == '-')
		m[--n] = 0;
	for (const char *const *c = conds; *c; c++) {
		size_t k = strlen(*c);
		const char *suffix = m + 1 + k;

		if (strncmp(m + 1, *c, k) != 0 || !in_list(suffix, suffixes))
			continue;
		int link = suffix[0] && suffix[strlen(suffix) - 1] == 'l';
		int through = strstr(suffix, "lr") || strstr(suffix, "ctr") ||
		              strstr(suffix, "tar");

		if (through)
			return link ? ISA_CALL_INDIRECT : ISA_JUMP_INDIRECT;
		return link ? ISA_CALL : ISA_JUMP;
	}
	return ISA_NOT_BRANCH;
}

static int ppc_thread_pointer(const char *mnem, const char *operands)
{
	(void)mnem;
	return names_register(operands, "r13");
}

/* ---- s390x ---------------------------------------------------------- */

/*
 * brasl and bras call a label; basr, balr, bas, bal, bassm, basm, bakr
 * and bsa call through a register or memory; j, jg and their j<cond>,
 * jg<cond> forms, brc, brcl, brct, brxh... and the compare-and-branch
 * relative forms (crj, cgij, clgrjnhe...) jump to a label; br, bcr,
 * b<cond>r, b, bc, b<cond>, bi, bct... jump through a register or
 * memory (br %r14 returns).
 */
static enum isa_branch s390_branch(const char *mnem, const char *operands)
{
	static const char *const indirect_calls[] = {
		"basr", "balr", "bas", "bal", "bassm", "basm", "bakr", "bsa",
		NULL,
	};

	(void)operands;
	if (strcmp(mnem, "brasl") == 0 || strcmp(mnem, "bras") == 0)
		return ISA_CALL;
	if (in_list(mnem, indirect_calls))
		return ISA_CALL_INDIRECT;
	if (mnem[0] == 'j' || strncmp(mnem, "brc", 3) == 0 ||
	    strncmp(mnem, "brx", 3) == 0 || (mnem[0] == 'c' && strchr(mnem, 'j')))
		return ISA_JUMP;
	if (mnem[0] == 'b')
		return ISA_JUMP_INDIRECT;
	return ISA_NOT_BRANCH;
}

/* The thread pointer lives in access registers 0 and 1 (ear %r1,%a0). */
static int s390_thread_pointer(const char *mnem, const char *operands)
{
	(void)mnem;
	return names_register(operands, "%a0") || names_register(operands, "%a1");
}

static const struct isa isas[] = {
	{ "x86_64", x86_prefixes, x86_branch, x86_thread_pointer, NULL },
	{ "i386", x86_prefixes, x86_branch, x86_thread_pointer, NULL },
	{ "aarch64", NULL, aarch64_branch, aarch64_thread_pointer, NULL },
	{ "arm", NULL, arm_branch, arm_thread_pointer, NULL },
	{ "riscv64", NULL, riscv_branch, riscv_thread_pointer, "R_RISCV_CALL" },
	{ "powerpc64le", NULL, ppc_branch, ppc_thread_pointer, NULL },
	{ "s390x", NULL, s390_branch, s390_thread_pointer, NULL },
};

const struct isa *isa_find(const char *arch)
{
	for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++)
		if (strcmp(arch, isas[i].arch) == 0)
			return &isas[i];
	return NULL;
}

int isa_is_prefix(const struct isa *isa, const char *mnem)
{
	return in_list(mnem, isa->prefixes);
}

enum isa_branch isa_branch(const struct isa *isa, const char *mnem,
                           const char *operands)
{
	return isa->branch(mnem, operands);
}

int isa_reads_thread_pointer(const struct isa *isa, const char *mnem,
                             const char *operands)
{
	return isa->thread_pointer(mnem, operands);
}

/* R_RISCV_CALL and R_RISCV_CALL_PLT, not R_RISCV_CALL_something_else. */
int isa_is_call_pair_reloc(const struct isa *isa, const char *rtype)
{
	size_t n;

	if (!isa->call_pair_reloc)
		return 0;
	n = strlen(isa->call_pair_reloc);
	return strncmp(rtype, isa->call_pair_reloc, n) == 0 &&
	       (rtype[n] == 0 || strcmp(rtype + n, "_PLT") == 0);
}
