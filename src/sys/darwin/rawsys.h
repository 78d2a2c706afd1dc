/* SPDX-License-Identifier: MIT */
/*
 * Darwin's "raw" system calls: the thin libSystem entry points.
 *
 * macOS has no stable system call numbers, so a program traps into the
 * kernel only through libSystem.  Its child after __fork() may call only
 * entry points that do nothing but trap (Go's list, commit c61d322d:
 * ptrace, setsid, setpgid, getpid, ioctl, chroot, setgroups, setgid,
 * setuid, chdir, dup2, fcntl, close, execve, write, plus __exit), and the
 * few additions our steps need, each documented where it is used
 * (child_darwin.c) and checked by `make check-macos` (mk/macos.mk).
 *
 * Each fx__sys_* returns the result >= 0 or -errno, as on Linux.  They
 * read errno through __error(), which returns the calling thread's errno
 * slot: after a real fork the child's memory is its own copy, so that
 * errno is the child's alone (unlike CLONE_VM on Linux).
 */
#ifndef FX_SYS_DARWIN_RAWSYS_H
#define FX_SYS_DARWIN_RAWSYS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FX__NSIG 31 /* __DARWIN_NSIG - 1: signals 1..31 */

/* The one place errno is read (child_darwin.c never reads it: `make
 * check-macos` checks). */
static inline long fx__darwin_rc(long rc)
{
	return rc < 0 ? -(long)errno : rc;
}

static inline long fx__sys_write(int fd, const void *buf, size_t len)
{
	return fx__darwin_rc((long)write(fd, buf, len));
}

static inline long fx__sys_close(int fd)
{
	return fx__darwin_rc(close(fd));
}

static inline long fx__sys_dup2(int oldfd, int newfd)
{
	return fx__darwin_rc(dup2(oldfd, newfd));
}

static inline long fx__sys_fcntl(int fd, int cmd, long arg)
{
	return fx__darwin_rc(fcntl(fd, cmd, arg));
}

static inline long fx__sys_getpid(void)
{
	return getpid();
}

static inline long fx__sys_setsid(void)
{
	return fx__darwin_rc(setsid());
}

static inline long fx__sys_setpgid(int pid, int pgid)
{
	return fx__darwin_rc(setpgid(pid, pgid));
}

static inline long fx__sys_chroot(const char *path)
{
	return fx__darwin_rc(chroot(path));
}

static inline long fx__sys_chdir(const char *path)
{
	return fx__darwin_rc(chdir(path));
}

static inline long fx__sys_setgroups(size_t n, const unsigned *groups)
{
	return fx__darwin_rc(setgroups((int)n, (const gid_t *)groups));
}

static inline long fx__sys_setgid(unsigned gid)
{
	return fx__darwin_rc(setgid(gid));
}

static inline long fx__sys_setuid(unsigned uid)
{
	return fx__darwin_rc(setuid(uid));
}

static inline long fx__sys_ioctl(int fd, unsigned long req, long arg)
{
	return fx__darwin_rc(ioctl(fd, req, arg));
}

/* The additions of child_darwin.c's list, which says why each is a
 * trap and nothing more. */
static inline long fx__sys_sigaction(int sig, const struct sigaction *act,
                                     struct sigaction *old)
{
	return fx__darwin_rc(sigaction(sig, act, old));
}

static inline long fx__sys_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return fx__darwin_rc(sigprocmask(how, set, old));
}

/* Never fails. */
static inline long fx__sys_getpgrp(void)
{
	return getpgrp();
}

static inline long fx__sys_getrlimit(int resource, struct rlimit *rl)
{
	return fx__darwin_rc(getrlimit(resource, rl));
}

static inline long fx__sys_setrlimit(int resource, const struct rlimit *rl)
{
	return fx__darwin_rc(setrlimit(resource, rl));
}

static inline long fx__sys_setpriority(int which, int who, int prio)
{
	return fx__darwin_rc(setpriority(which, (id_t)who, prio));
}

/* Never fails; returns the previous mask. */
static inline long fx__sys_umask(unsigned mask)
{
	return (long)umask((mode_t)mask);
}

/* <sys/ptrace.h>'s declaration (absent from some SDKs, Zig's among
 * them); PT_TRACE_ME is 0 on every Darwin. */
int ptrace(int request, pid_t pid, char *addr, int data);
#define FX__PT_TRACE_ME 0

static inline long fx__sys_ptrace_traceme(void)
{
	return fx__darwin_rc(ptrace(FX__PT_TRACE_ME, 0, 0, 0));
}

static inline long fx__sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return fx__darwin_rc(execve(path, argv, envp));
}

/* Parent side: Darwin has no pidfds. */
static inline long fx__sys_pidfd_open(int pid, unsigned flags)
{
	return -ENOSYS;
}

static inline long fx__sys_pidfd_send_signal(int pidfd, int sig)
{
	return -ENOSYS;
}

#endif /* FX_SYS_DARWIN_RAWSYS_H */
