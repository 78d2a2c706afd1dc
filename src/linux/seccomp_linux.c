/* SPDX-License-Identifier: MIT */
/*
 * seccomp by name (forkexec-linux.h): system call names to numbers for
 * the architecture this library is built for, and a deny or allow list
 * of them compiled into a classic BPF program, in the parent, when the
 * attribute is set.  The child installs it as it installs a raw program
 * (FX__OP_SECCOMP): one system call.
 *
 * The table comes from the kernel's headers at build time: the
 * Makefile runs the compiler's preprocessor over <asm/unistd.h> and
 * mk/syscall-names.awk turns its __NR_ macros into the sorted list of
 * names in $(BUILD)/gen/syscall_names.h; the numbers are the macros'
 * values, from the same header included here.  A cross build gets the
 * target's table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "core/attr.h"
#include "forkexec-linux.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

/*
 * The AUDIT_ARCH_ value the kernel puts in seccomp_data.arch for a
 * system call of this build's ABI.  A filter must check it first: the
 * same number means another call under another ABI (i386's int 0x80 on
 * x86_64, the compat ABIs of arm64, ppc64 and s390x).  Where there is
 * none here (x32, mips, ...) the setter answers -ENOTSUP.
 */
#if defined(__x86_64__) && !defined(__ILP32__)
#define FX__AUDIT_ARCH AUDIT_ARCH_X86_64
/* x32 system calls arrive with AUDIT_ARCH_X86_64 too, their numbers
 * with this bit set: without a check, calling the x32 twin of a denied
 * call would pass a deny list. */
#define FX__X32_BIT 0x40000000U
#elif defined(__i386__)
#define FX__AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__) && !defined(__AARCH64EB__) && !defined(__ILP32__)
#define FX__AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARM_EABI__) && !defined(__ARMEB__)
#define FX__AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define FX__AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FX__AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__powerpc64__)
#define FX__AUDIT_ARCH AUDIT_ARCH_PPC64
#elif defined(__s390x__)
#define FX__AUDIT_ARCH AUDIT_ARCH_S390X
#endif

/* Longest program: BPF_MAXINSNS.  One jump's reach: 255 instructions. */
#define FX__BPF_MAX 4096
#define FX__BLOCK 255

struct fx__syscall {
	const char *name;
	int nr;
};

static const struct fx__syscall syscalls[] = {
#define FX__SYSCALL(n) { #n, __NR_##n },
#include "syscall_names.h"
#undef FX__SYSCALL
};
#define FX__NSYSCALLS (sizeof syscalls / sizeof syscalls[0])

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fx__syscall *)elem)->name);
}

int fx_syscall_number(const char *name)
{
	const struct fx__syscall *hit;

	if (!name)
		return -EINVAL;
	/* The generator sorted the table by name (LC_ALL=C sort). */
	hit = bsearch(name, syscalls, FX__NSYSCALLS, sizeof syscalls[0], by_name);
	return hit ? hit->nr : -ENOENT;
}

const char *fx_syscall_name(int nr)
{
	for (size_t i = 0; i < FX__NSYSCALLS; i++)
		if (syscalls[i].nr == nr)
			return syscalls[i].name;
	return NULL;
}

static int by_number(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

#ifdef FX__AUDIT_ARCH
static struct sock_filter stmt(unsigned short code, uint32_t k)
{
	struct sock_filter f = { code, 0, 0, k };
	return f;
}

static struct sock_filter jump(unsigned short code, uint32_t k, unsigned char jt,
                               unsigned char jf)
{
	struct sock_filter f = { code, jt, jf, k };
	return f;
}

/*
 * The program, for nrs[0..n) sorted and distinct:
 *
 *     load arch; not ours: kill the process
 *     load nr; (x86_64) x32 numbers: the denying action
 *     exit, exit_group: allow
 *     blocks of at most 255 comparisons, each a jump to the block's
 *       own "return match" (a jump reaches 255 instructions), the block
 *       ending with a jump over it to the next
 *     return the default
 *
 * match is the action for a deny list and ALLOW for an allow list; the
 * default the other way round.  Returns the length, or -E2BIG.
 */
static int compile(struct sock_filter *p, size_t cap, const int *nrs, size_t n,
                   uint32_t match, uint32_t dflt, uint32_t deny)
{
	size_t len = 0, need = 10 + n + 2 * ((n + FX__BLOCK - 1) / FX__BLOCK);

	if (need > cap)
		return -E2BIG;
	p[len++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	p[len++] = jump(BPF_JMP | BPF_JEQ | BPF_K, FX__AUDIT_ARCH, 1, 0);
	p[len++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	p[len++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef FX__X32_BIT
	p[len++] = jump(BPF_JMP | BPF_JGE | BPF_K, FX__X32_BIT, 0, 1);
	p[len++] = stmt(BPF_RET | BPF_K, deny);
#else
	(void)deny;
#endif
	/* The child's own way out after a failed execve, and any
	 * process's: never filtered, so that a filter cannot leave a
	 * process that cannot end. */
	p[len++] = jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 1, 0);
	p[len++] = jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 0, 1);
	p[len++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (size_t at = 0; at < n; at += FX__BLOCK) {
		size_t k = n - at < FX__BLOCK ? n - at : FX__BLOCK;

		for (size_t i = 0; i < k; i++)
			p[len++] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[at + i],
			                (unsigned char)(k - i), 0);
		p[len++] = jump(BPF_JMP | BPF_JA, 1, 0, 0);
		p[len++] = stmt(BPF_RET | BPF_K, match);
	}
	p[len++] = stmt(BPF_RET | BPF_K, dflt);
	return (int)len;
}
#endif

int fx_attr_set_seccomp_names(fx_attr *attr, int mode, const char *const names[], size_t n,
                              int action)
{
#ifdef FX__AUDIT_ARCH
	struct fx__linux_attr *lx;
	struct sock_filter *prog;
	uint32_t act, match, dflt;
	size_t m = 0;
	int *nrs, len;

	if (!attr || (!names && n) || n > FX__BPF_MAX)
		return -EINVAL;
	if (!names) {
		if (attr->lx) {
			free(attr->lx->seccomp_names);
			attr->lx->seccomp_names = NULL;
			attr->lx->seccomp_names_len = 0;
		}
		return 0;
	}
	if (mode != FX_SECCOMP_DENY && mode != FX_SECCOMP_ALLOW)
		return -EINVAL;
	if (action == FX_SECCOMP_KILL)
		act = SECCOMP_RET_KILL_PROCESS;
	else if (action >= 0 && action <= 4095) /* the kernel's MAX_ERRNO */
		act = SECCOMP_RET_ERRNO | (uint32_t)(action ? action : EPERM);
	else
		return -EINVAL;
	/* An allow list always lets the child reach its program. */
	nrs = malloc((n + 1) * sizeof *nrs);
	if (!nrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int nr = names[i] ? fx_syscall_number(names[i]) : -EINVAL;

		if (nr < 0) {
			free(nrs);
			return nr;
		}
		nrs[m++] = nr;
	}
	if (mode == FX_SECCOMP_ALLOW)
		nrs[m++] = __NR_execve;
	qsort(nrs, m, sizeof *nrs, by_number);
	n = m;
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || nrs[m - 1] != nrs[i])
			nrs[m++] = nrs[i];
	prog = malloc(FX__BPF_MAX * sizeof *prog);
	if (!prog) {
		free(nrs);
		return -ENOMEM;
	}
	match = mode == FX_SECCOMP_DENY ? act : SECCOMP_RET_ALLOW;
	dflt = mode == FX_SECCOMP_DENY ? SECCOMP_RET_ALLOW : act;
	len = compile(prog, FX__BPF_MAX, nrs, m, match, dflt, act);
	free(nrs);
	if (len < 0) {
		free(prog);
		return len;
	}
	lx = fx__attr_lx(attr);
	if (!lx) {
		free(prog);
		return -ENOMEM;
	}
	free(lx->seccomp_names);
	lx->seccomp_names = prog;
	lx->seccomp_names_len = (unsigned short)len;
	return 0;
#else
	return attr ? -ENOTSUP : -EINVAL;
#endif
}
