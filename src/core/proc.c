/* SPDX-License-Identifier: MIT */
/*
 * The process handle: pid and pidfd.  Waiting and signalling go through
 * the pidfd, which always names our child even after its pid is reused.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkexec.h"
#include "core/proc.h"
#include "sys/rawsys.h"

#if defined(__APPLE__)
#include <fcntl.h>
#include <sys/event.h>
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

pid_t fx_proc_pid(const fx_proc *proc)
{
	return proc ? proc->pid : -1;
}

int fx_proc_pidfd(const fx_proc *proc)
{
	return proc ? proc->pidfd : -1;
}

void fx_proc_free(fx_proc *proc)
{
	if (!proc)
		return;
	/* Not close(): it is a cancellation point, and would leak the pidfd. */
	if (proc->pidfd >= 0)
		fx__sys_close(proc->pidfd);
	for (int s = 0; s < 3; s++)
		if (proc->stdio[s] >= 0)
			fx__sys_close(proc->stdio[s]);
	free(proc);
}

#if defined(__APPLE__)
/* One waitpid (Darwin's waitid does not say "still running" reliably, and
 * there is no pidfd); returns 1 if the child was reaped, 0 if not. */
static int wait_once(fx_proc *proc, int block)
{
	int st = 0;
	pid_t rc;

	do
		rc = waitpid(proc->pid, &st, block ? 0 : WNOHANG);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return 0;
	proc->status = st;
	proc->reaped = 1;
	return 1;
}
#else
/* waitpid's encoding of what waitid reports. */
static int status_from_siginfo(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	default:
		return si->si_status & 0x7f;
	}
}

/* One waitid; returns 1 if the child was reaped, 0 if still running. */
static int wait_once(fx_proc *proc, int block)
{
	siginfo_t si;
	int options = WEXITED | (block ? 0 : WNOHANG);
	int rc;

	si.si_pid = 0;
	do {
		if (proc->pidfd >= 0)
			rc = waitid(P_PIDFD, (id_t)proc->pidfd, &si, options);
		else
			rc = waitid(P_PID, (id_t)proc->pid, &si, options);
		/* P_PIDFD is Linux 5.4; the pid is still ours while unreaped. */
		if (rc < 0 && errno == EINVAL && proc->pidfd >= 0)
			rc = waitid(P_PID, (id_t)proc->pid, &si, options);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (si.si_pid == 0)
		return 0;
	proc->status = status_from_siginfo(&si);
	proc->reaped = 1;
	return 1;
}
#endif

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#if defined(__APPLE__)
/*
 * Darwin: no pidfd, but a kqueue reports the child's exit (EVFILT_PROC,
 * NOTE_EXIT) without a SIGCHLD handler.  The filter names our unreaped
 * child, whose pid cannot be reused.  Registering on a child that has
 * already exited fails (ESRCH): then it is ready to be reaped.
 */
static int wait_with_kqueue(fx_proc *proc, long long deadline)
{
	struct kevent ev, out;
	int kq = kqueue(), n, rc;

	if (kq < 0)
		return -errno;
	(void)fcntl(kq, F_SETFD, FD_CLOEXEC);
	EV_SET(&ev, (uintptr_t)proc->pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
	for (;;) {
		long long left = deadline - now_ms();
		struct timespec ts = { 0, 0 };
		if (left > 0) {
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000;
		}
		n = kevent(kq, &ev, 1, &out, 1, &ts);
		if (n < 0 && errno == EINTR) {
			ev.flags = EV_ADD | EV_ONESHOT; /* registering twice is harmless */
			continue;
		}
		break;
	}
	fx__sys_close(kq);
	rc = wait_once(proc, 0);
	return rc;
}

#else
/* Without a pidfd there is nothing to poll: check at growing intervals. */
static int wait_without_pidfd(fx_proc *proc, long long deadline)
{
	long delay_us = 100;
	int rc;

	while ((rc = wait_once(proc, 0)) == 0) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct timespec ts = { 0, (delay_us < left * 1000 ? delay_us : left * 1000) * 1000 };
		nanosleep(&ts, NULL);
		if (delay_us < 10000)
			delay_us *= 2;
	}
	return rc;
}
#endif

int fx_proc_wait(fx_proc *proc, int *status, int timeout_ms)
{
	int rc;

	if (!proc)
		return -EINVAL;
	if (proc->lost)
		return -ECHILD;
	if (!proc->reaped) {
		if (timeout_ms < 0) {
			rc = wait_once(proc, 1);
		} else if (timeout_ms == 0) {
			rc = wait_once(proc, 0);
		} else if (proc->pidfd < 0) {
#if defined(__APPLE__)
			rc = wait_with_kqueue(proc, now_ms() + timeout_ms);
#else
			rc = wait_without_pidfd(proc, now_ms() + timeout_ms);
#endif
		} else {
			/* The pidfd becomes readable when the child exits. */
			long long deadline = now_ms() + timeout_ms;
			struct pollfd pfd = { proc->pidfd, POLLIN, 0 };
			for (;;) {
				long long left = deadline - now_ms();
				int n = poll(&pfd, 1, left > 0 ? (int)left : 0);
				if (n < 0 && errno == EINTR)
					continue;
				break;
			}
			rc = wait_once(proc, 0);
		}
		/* Someone else took the status (SIGCHLD ignored, or their
		 * waitpid): the child is gone for good, even if the kernel
		 * has not quite finished releasing it. */
		if (rc == -ECHILD)
			proc->lost = 1;
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -ETIMEDOUT;
	}
	if (status)
		*status = proc->status;
	return 0;
}

int fx_proc_kill(fx_proc *proc, int sig)
{
	long rc;

	if (!proc || sig < 0 || sig > 64)
		return -EINVAL;
	if (proc->reaped || proc->lost)
		return -ESRCH;
	if (proc->pidfd >= 0) {
		rc = fx__sys_pidfd_send_signal(proc->pidfd, sig);
		if (rc != -ENOSYS)
			return (int)rc;
	}
	return kill(proc->pid, sig) < 0 ? -errno : 0;
}

void fx__reap(pid_t pid, int pidfd)
{
	fx_proc tmp = { pid, pidfd, 0, 0, 0, { -1, -1, -1 } };

	/* -ECHILD: reaped by someone else (SIGCHLD ignored, or a handler
	 * calling waitpid(-1)); either way it is gone. */
	wait_once(&tmp, 1);
}

int fx_status_exited(int status)
{
	return WIFEXITED(status);
}

int fx_status_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int fx_status_signal(int status)
{
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

int fx_status_core(int status)
{
	return WIFSIGNALED(status) && WCOREDUMP(status);
}
