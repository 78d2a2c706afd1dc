/* SPDX-License-Identifier: MIT */
/*
 * Raw system calls for the child and for the parent's hot path.
 *
 * Each fx__sys_* wrapper traps straight into the kernel and returns the
 * kernel's answer: a result >= 0, or -errno.  No libc function is called
 * and errno is never touched, so they are safe in a child that shares the
 * parent's memory (CLONE_VM) and its thread-local storage.
 */
#ifndef FX_SYS_RAWSYS_H
#define FX_SYS_RAWSYS_H

#if defined(__APPLE__)
/* Darwin: no raw system calls, the thin libSystem entry points. */
#include "sys/darwin/rawsys.h"
#else /* the rest of this file is Linux's */

/* <errno.h> for the E* values the calls return negated; errno itself is
 * never read or written here. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

/*
 * One directory of src/sys per architecture (the Makefile picks the same
 * one for the trampolines).  FX_SYS_GENERIC, which the Makefile defines
 * where src/sys has no directory for the compiler's target, routes every
 * call through libc's syscall(2) instead: the fork backend alone can use
 * that (see src/sys/generic/syscall_arch.h).
 */
#if defined(FX_SYS_GENERIC)
#include "sys/generic/syscall_arch.h"
#elif defined(__x86_64__) && !defined(__ILP32__)
#include "sys/x86_64/syscall_arch.h"
#elif defined(__aarch64__) && !defined(__ILP32__)
#include "sys/aarch64/syscall_arch.h"
#elif defined(__i386__)
#include "sys/i386/syscall_arch.h"
#elif defined(__arm__) && defined(__ARM_EABI__)
#include "sys/arm/syscall_arch.h"
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
#include "sys/powerpc64le/syscall_arch.h"
#elif defined(__riscv) && __riscv_xlen == 64
#include "sys/riscv64/syscall_arch.h"
#elif defined(__s390x__)
#include "sys/s390x/syscall_arch.h"
#else
#error "forkexec: no raw system call stubs for this architecture: build with -DFX_SYS_GENERIC (the Makefile does)"
#endif

/*
 * On i386 and arm the calls named setuid, setgid, setresuid, setresgid
 * and setgroups take 16-bit ids (Linux 2.2's); the 32-bit ones carry a
 * "32" suffix.  Where the suffixed number exists, it is the right one.
 */
#ifdef SYS_setuid32
#define FX__SYS_setuid SYS_setuid32
#define FX__SYS_setgid SYS_setgid32
#define FX__SYS_setresuid SYS_setresuid32
#define FX__SYS_setresgid SYS_setresgid32
#define FX__SYS_setgroups SYS_setgroups32
#else
#define FX__SYS_setuid SYS_setuid
#define FX__SYS_setgid SYS_setgid
#define FX__SYS_setresuid SYS_setresuid
#define FX__SYS_setresgid SYS_setresgid
#define FX__SYS_setgroups SYS_setgroups
#endif

/* A 32-bit kernel refuses to open a file of 2 GiB or more (EOVERFLOW)
 * without O_LARGEFILE, which libc's open() adds and the raw call must
 * add itself; 64-bit kernels imply it. */
#if defined(O_LARGEFILE) && !defined(__LP64__)
#define FX__O_LARGEFILE O_LARGEFILE
#else
#define FX__O_LARGEFILE 0
#endif

/* Calls newer than some C libraries' headers; numbers are shared by all
 * architectures since Linux 5.1 (the unified table from 424 on). */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/*
 * The kernel's struct sigaction (not libc's), as rt_sigaction reads it:
 * a restorer only where the architecture has SA_RESTORER (riscv has
 * none), and the mask as the kernel's sigset_t, an array of longs: with
 * a uint64_t it would sit at offset 16 on arm (8-byte alignment) where
 * the kernel reads it at 12.  Set it whole only to 0 (the byte order of
 * the words differs between architectures).
 */
struct fx__ksigaction {
	void *handler;
	unsigned long flags;
#if !defined(__riscv)
	void *restorer;
#endif
	unsigned long mask[64 / (8 * sizeof(unsigned long))];
};

#define FX__KSIG_DFL ((void *)0)
#define FX__KSIG_IGN ((void *)1)
#define FX__NSIG 64

static inline long fx__sys_write(int fd, const void *buf, size_t len)
{
	return fx__syscall3(SYS_write, fd, (long)buf, (long)len);
}

static inline long fx__sys_read(int fd, void *buf, size_t len)
{
	return fx__syscall3(SYS_read, fd, (long)buf, (long)len);
}

static inline long fx__sys_close(int fd)
{
	return fx__syscall1(SYS_close, fd);
}

static inline long fx__sys_close_range(unsigned lo, unsigned hi, unsigned flags)
{
	return fx__syscall3(SYS_close_range, lo, hi, flags);
}

static inline long fx__sys_dup3(int oldfd, int newfd, int flags)
{
	return fx__syscall3(SYS_dup3, oldfd, newfd, flags);
}

static inline long fx__sys_fcntl(int fd, int cmd, long arg)
{
	return fx__syscall3(SYS_fcntl, fd, cmd, arg);
}

static inline long fx__sys_openat(int dirfd, const char *path, int flags, int mode)
{
	return fx__syscall4(SYS_openat, dirfd, (long)path, flags | FX__O_LARGEFILE, mode);
}

static inline long fx__sys_getdents64(int fd, void *buf, size_t len)
{
	return fx__syscall3(SYS_getdents64, fd, (long)buf, (long)len);
}

static inline long fx__sys_rt_sigaction(int sig, const struct fx__ksigaction *act,
                                        struct fx__ksigaction *old)
{
	return fx__syscall4(SYS_rt_sigaction, sig, (long)act, (long)old, 8);
}

static inline long fx__sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *old)
{
	return fx__syscall4(SYS_rt_sigprocmask, how, (long)set, (long)old, 8);
}

static inline long fx__sys_prctl(int option, long arg)
{
	return fx__syscall5(SYS_prctl, option, arg, 0, 0, 0);
}

static inline long fx__sys_getpid(void)
{
	return fx__syscall0(SYS_getpid);
}

static inline long fx__sys_getppid(void)
{
	return fx__syscall0(SYS_getppid);
}

static inline long fx__sys_getpgid(int pid)
{
	return fx__syscall1(SYS_getpgid, pid);
}

static inline long fx__sys_setsid(void)
{
	return fx__syscall0(SYS_setsid);
}

static inline long fx__sys_setpgid(int pid, int pgid)
{
	return fx__syscall2(SYS_setpgid, pid, pgid);
}

static inline long fx__sys_chroot(const char *path)
{
	return fx__syscall1(SYS_chroot, (long)path);
}

static inline long fx__sys_chdir(const char *path)
{
	return fx__syscall1(SYS_chdir, (long)path);
}

static inline long fx__sys_fchdir(int fd)
{
	return fx__syscall1(SYS_fchdir, fd);
}

/* -1 leaves an id as it is. */
static inline long fx__sys_setresuid(unsigned ruid, unsigned euid, unsigned suid)
{
	return fx__syscall3(FX__SYS_setresuid, ruid, euid, suid);
}

static inline long fx__sys_setresgid(unsigned rgid, unsigned egid, unsigned sgid)
{
	return fx__syscall3(FX__SYS_setresgid, rgid, egid, sgid);
}

/* `param` is a struct sched_param (one int). */
static inline long fx__sys_sched_setscheduler(int pid, int policy, const void *param)
{
	return fx__syscall3(SYS_sched_setscheduler, pid, policy, (long)param);
}

static inline long fx__sys_sched_setparam(int pid, const void *param)
{
	return fx__syscall2(SYS_sched_setparam, pid, (long)param);
}

/* `attr` is the kernel's struct sched_attr (plan.h's fx__sched_attr). */
static inline long fx__sys_sched_setattr(int pid, const void *attr, unsigned flags)
{
	return fx__syscall3(SYS_sched_setattr, pid, (long)attr, flags);
}

static inline long fx__sys_setgroups(size_t n, const unsigned *groups)
{
	return fx__syscall2(FX__SYS_setgroups, (long)n, (long)groups);
}

static inline long fx__sys_setgid(unsigned gid)
{
	return fx__syscall1(FX__SYS_setgid, gid);
}

static inline long fx__sys_setuid(unsigned uid)
{
	return fx__syscall1(FX__SYS_setuid, uid);
}

/* capset with _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
struct fx__cap_header {
	uint32_t version;
	int pid;
};
struct fx__cap_data {
	uint32_t effective, permitted, inheritable;
};
#define FX__CAP_VERSION_3 0x20080522

static inline long fx__sys_capset(const struct fx__cap_header *hdr,
                                  const struct fx__cap_data data[2])
{
	return fx__syscall2(SYS_capset, (long)hdr, (long)data);
}

static inline long fx__sys_capget(const struct fx__cap_header *hdr, struct fx__cap_data data[2])
{
	return fx__syscall2(SYS_capget, (long)hdr, (long)data);
}

static inline long fx__sys_ioctl(int fd, unsigned long req, long arg)
{
	return fx__syscall3(SYS_ioctl, fd, (long)req, arg);
}

static inline long fx__sys_ptrace(long req, long pid, long addr, long data)
{
	return fx__syscall4(SYS_ptrace, req, pid, addr, data);
}

static inline long fx__sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return fx__syscall3(SYS_execve, (long)path, (long)argv, (long)envp);
}

static inline long fx__sys_prlimit64(int pid, int resource, const void *new_limit,
                                     void *old_limit)
{
	return fx__syscall4(SYS_prlimit64, pid, resource, (long)new_limit, (long)old_limit);
}

static inline long fx__sys_prctl5(int option, long a, long b, long c, long d)
{
	return fx__syscall5(SYS_prctl, option, a, b, c, d);
}

static inline long fx__sys_unshare(unsigned long flags)
{
	return fx__syscall1(SYS_unshare, (long)flags);
}

static inline long fx__sys_mount(const char *source, const char *target, const char *type,
                                 unsigned long flags, const void *data)
{
	return fx__syscall5(SYS_mount, (long)source, (long)target, (long)type, (long)flags,
	                    (long)data);
}

static inline long fx__sys_umask(unsigned mask)
{
	return fx__syscall1(SYS_umask, mask);
}

static inline long fx__sys_setpriority(int which, int who, int prio)
{
	return fx__syscall3(SYS_setpriority, which, who, prio);
}

static inline long fx__sys_ioprio_set(int which, int who, int ioprio)
{
	return fx__syscall3(SYS_ioprio_set, which, who, ioprio);
}

static inline long fx__sys_sched_setaffinity(int pid, size_t size, const void *mask)
{
	return fx__syscall3(SYS_sched_setaffinity, pid, (long)size, (long)mask);
}

static inline long fx__sys_seccomp(unsigned op, unsigned flags, const void *args)
{
	return fx__syscall3(SYS_seccomp, op, flags, (long)args);
}

#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446 /* the same number on every architecture */
#endif
static inline long fx__sys_landlock_restrict_self(int fd, unsigned flags)
{
	return fx__syscall2(SYS_landlock_restrict_self, fd, flags);
}

static inline long fx__sys_setns(int fd, unsigned long nstype)
{
	return fx__syscall2(SYS_setns, fd, (long)nstype);
}

/* The filesystem view (child.c's last section). */
static inline long fx__sys_umount2(const char *path, int flags)
{
	return fx__syscall2(SYS_umount2, (long)path, flags);
}

static inline long fx__sys_pivot_root(const char *new_root, const char *put_old)
{
	return fx__syscall2(SYS_pivot_root, (long)new_root, (long)put_old);
}

static inline long fx__sys_mkdirat(int dirfd, const char *path, unsigned mode)
{
	return fx__syscall3(SYS_mkdirat, dirfd, (long)path, mode);
}

static inline long fx__sys_symlinkat(const char *target, int dirfd, const char *path)
{
	return fx__syscall3(SYS_symlinkat, (long)target, dirfd, (long)path);
}

static inline long fx__sys_sethostname(const char *name, size_t len)
{
	return fx__syscall2(SYS_sethostname, (long)name, (long)len);
}

static inline long fx__sys_kill(int pid, int sig)
{
	return fx__syscall2(SYS_kill, pid, sig);
}

__attribute__((noreturn)) static inline void fx__sys_exit_group(int code)
{
	for (;;)
		fx__syscall1(SYS_exit_group, code);
}

/* Parent-side calls that libc may lack or would wrap with errno. */
static inline long fx__sys_pidfd_open(int pid, unsigned flags)
{
	return fx__syscall2(SYS_pidfd_open, pid, flags);
}

static inline long fx__sys_pidfd_send_signal(int pidfd, int sig)
{
	return fx__syscall4(SYS_pidfd_send_signal, pidfd, sig, 0, 0);
}

/*
 * The clone trampolines (src/sys/ARCH/clone.S).  The child starts on
 * `stack`, calls fn(arg) and leaves with the exit system call should fn
 * ever return; the parent gets the child's pid or -errno.
 */
/* clone3's argument, in its first (64-byte) layout, which every kernel
 * with clone3 accepts; our own, as musl has no <linux/sched.h>. */
struct fx__clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	/* Linux 5.5 and 5.7: passed (size 88) only when cgroup is used. */
	uint64_t set_tid, set_tid_size, cgroup;
};
#define FX__CLONE_ARGS_SIZE_V0 64
#define FX__CLONE_ARGS_SIZE_V2 88
long fx__clone3_run(struct fx__clone_args *args, size_t size, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));
long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
                   int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));

#endif /* !__APPLE__ */

#endif /* FX_SYS_RAWSYS_H */
