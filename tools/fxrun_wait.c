/* SPDX-License-Identifier: MIT */
/*
 * Signal forwarding and waiting for fxrun (see fxrun_wait.h).
 *
 * The handlers only write one byte to a non-blocking self-pipe; all the
 * work (deciding, fx_proc_kill) happens in the wait loop.  The loop sleeps in
 * poll() on that pipe and on the child's pidfd.  SIGCHLD also writes to the
 * pipe, so a kernel without pidfds still wakes us, and a child that exits
 * between the fx_proc_wait check and poll() leaves its byte in the pipe: no
 * wake-up is lost.
 */
#include "fxrun_wait.h"
#include "fxrun_args.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#if defined(__APPLE__)
/* <sys/ptrace.h> is missing from some SDKs (Zig's); BSD request numbers. */
int ptrace(int request, pid_t pid, char *addr, int data);
#define FXRUN_PT_CONTINUE 7
#define FXRUN_PT_DETACH 11
#define __WALL 0
#else
#include <sys/ptrace.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Set in a pipe byte when the kernel, not a process, sent the signal. */
#define FROM_KERNEL 0x80

/* The last slot: fxrun_signals_start's `also` (timeout's --signal), or 0. */
static int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, 0 };
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

static int sig_pipe[2] = { -1, -1 };
static struct sigaction saved[N_FORWARDED + 1]; /* + SIGCHLD, last */
static int installed[N_FORWARDED + 1];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	/*
	 * Terminal-generated signals (^C, ^\, hang-up) come with SI_KERNEL;
	 * kill(1) and friends with SI_USER, SI_QUEUE or SI_TKILL.
	 */
#if defined(__APPLE__)
	/* Darwin has no SI_KERNEL: a signal the terminal sends has no
	 * sending process. */
	unsigned char b = (unsigned char)sig | (si->si_pid == 0 ? FROM_KERNEL : 0);
#else
	unsigned char b = (unsigned char)sig |
	                  (si->si_code == SI_KERNEL ? FROM_KERNEL : 0);
#endif

	(void)uc;
	/* A full pipe drops the byte: there are already plenty to read. */
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* nothing to do, and nothing safe to do it with */
	}
	errno = saved_errno;
}

static int install(int i, int sig)
{
	struct sigaction sa = { 0 };

	if (sigaction(sig, NULL, &saved[i]) < 0)
		return -errno;
	/* An ignored SIGHUP (nohup) or SIGINT (a background job) stays so. */
	if (sig != SIGCHLD && saved[i].sa_handler == SIG_IGN)
		return 0;
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		return -errno;
	installed[i] = 1;
	return 0;
}

int fxrun_signals_start(int also)
{
	size_t i;
	int r;

	/* One that cannot be caught, or is caught anyway, needs no slot. */
	forwarded[N_FORWARDED - 1] = 0;
	if (also > 0 && also < NSIG && also != SIGKILL && also != SIGSTOP &&
	    also != SIGCHLD) {
		for (i = 0; i < N_FORWARDED - 1 && forwarded[i] != also; i++)
			continue;
		if (i == N_FORWARDED - 1)
			forwarded[N_FORWARDED - 1] = also;
	}

#if defined(__APPLE__)
	/* No pipe2; fxrun has no other thread that could fork meanwhile. */
	if (pipe(sig_pipe) < 0)
		return -errno;
	for (i = 0; i < 2; i++)
		if (fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC) < 0 ||
		    fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK) < 0)
			return -errno;
#else
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
#endif
	for (i = 0; i < N_FORWARDED; i++) {
		if (!forwarded[i])
			continue;
		r = install((int)i, forwarded[i]);
		if (r < 0)
			return r;
	}
	/*
	 * A SIGCHLD ignored by whoever started fxrun would make the kernel
	 * reap the child and lose its status, so it is caught regardless;
	 * the child therefore starts with SIGCHLD at its default.
	 */
	return install(N_FORWARDED, SIGCHLD);
}

void fxrun_signals_stop(void)
{
	size_t i;

	for (i = 0; i <= N_FORWARDED; i++) {
		if (installed[i])
			sigaction(i < N_FORWARDED ? forwarded[i] : SIGCHLD,
			          &saved[i], NULL);
		installed[i] = 0;
	}
	/* Only now: a handler still installed would write to a closed fd. */
	for (i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

/*
 * Would the terminal that sent a signal to fxrun have sent it to the child
 * too?  It signals a whole process group: fxrun's (the child is in it
 * unless it moved) or, for a hang-up reaching fxrun as session leader,
 * the foreground group (the child's, with --foreground).
 */
static int terminal_reaches_child(fx_proc *proc, int foreground)
{
	pid_t pg;

	if (foreground)
		return 1;
	pg = getpgid(fx_proc_pid(proc));
	return pg >= 0 && pg == getpgrp();
}

/* To the child, and to its group when it has one of its own (a child
 * that left the group still gets it, once). */
static void send_signal(fx_proc *proc, pid_t group, int sig)
{
	pid_t pid = fx_proc_pid(proc);

	if (group > 0) {
		kill(-group, sig);
		if (getpgid(pid) == group)
			return;
	}
	/* -ESRCH: it ended meanwhile; the wait loop sees it. */
	fx_proc_kill(proc, sig);
}

static void forward_pending(fx_proc *proc, int foreground, pid_t group)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			int sig = buf[i] & ~FROM_KERNEL;

			if (sig == SIGCHLD)
				continue;
			if ((buf[i] & FROM_KERNEL) &&
			    terminal_reaches_child(proc, foreground))
				continue;
			send_signal(proc, group, sig);
		}
	}
}

int fxrun_ptrace_handoff(fx_proc *proc, int *status)
{
	pid_t pid = fx_proc_pid(proc);
	int st;

	for (;;) {
		/* __WALL: a traced child's stops are reported whatever its exit signal. */
		if (waitpid(pid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!WIFSTOPPED(st)) {
			*status = st;
			return 0;
		}
		if (WSTOPSIG(st) == SIGTRAP)
			break;
		/* A signal that came before exec: let it through and wait on. */
#if defined(__APPLE__)
		if (ptrace(FXRUN_PT_CONTINUE, pid, (char *)1, WSTOPSIG(st)) < 0)
			return -errno;
#else
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)WSTOPSIG(st)) < 0)
			return -errno;
#endif
	}
	/*
	 * Detaching with SIGSTOP leaves the child stopped but untraced, so a
	 * debugger can attach and let it run from its first instruction.
	 */
#if defined(__APPLE__)
	if (ptrace(FXRUN_PT_DETACH, pid, (char *)1, SIGSTOP) < 0 && errno != ESRCH)
#else
	if (ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)SIGSTOP) < 0 &&
	    errno != ESRCH)
#endif
		return -errno;
	fprintf(stderr, "fxrun: pid %d stopped at exec; attach a debugger\n",
	        (int)pid);
	return 1;
}

long long fxrun_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --verbose: timeout(1)'s line for each signal the timeout sends. */
static void say_signal(const struct fxrun_deadline *dl, int sig)
{
	char buf[16];
	const char *name = fxrun_signal_str(sig, buf, sizeof buf);

	if (!dl->verbose)
		return;
	if (name)
		fprintf(stderr, "fxrun: sending signal %s to command '%s'\n", name,
		        dl->name ? dl->name : "");
	else
		fprintf(stderr, "fxrun: sending signal %d to command '%s'\n", sig,
		        dl->name ? dl->name : "");
}

/* The timeout's next step, if due; returns how long poll may sleep
 * until the one after (-1: forever). */
static int step_deadline(fx_proc *proc, struct fxrun_deadline *dl)
{
	long long now = fxrun_now_ms(), due;

	if (!dl || dl->timeout_ms <= 0 || dl->killed)
		return -1;
	due = dl->start_ms + dl->timeout_ms;
	if (!dl->timed_out) {
		if (now < due)
			return due - now > INT_MAX ? INT_MAX : (int)(due - now);
		dl->timed_out = 1;
		say_signal(dl, dl->sig);
		send_signal(proc, dl->group, dl->sig);
		if (dl->sig != SIGKILL && dl->sig != SIGCONT)
			send_signal(proc, dl->group, SIGCONT);
		if (dl->sig == SIGKILL)
			dl->killed = 1;
	}
	if (dl->killed || dl->kill_after_ms < 0)
		return -1;
	/* Counted from when the signal was due, as timeout(1) does. */
	due += dl->kill_after_ms;
	if (now < due)
		return due - now > INT_MAX ? INT_MAX : (int)(due - now);
	say_signal(dl, SIGKILL);
	send_signal(proc, dl->group, SIGKILL);
	dl->killed = 1;
	return -1;
}

int fxrun_wait(fx_proc *proc, int foreground, struct fxrun_deadline *dl, int *status)
{
	int pidfd = fx_proc_pidfd(proc);
	pid_t group = dl ? dl->group : 0;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = sig_pipe[0], .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};
		int r = fx_proc_wait(proc, status, 0), ms;

		if (r != -ETIMEDOUT)
			return r;
		ms = step_deadline(proc, dl);
		if (poll(pf, pidfd >= 0 ? 2 : 1, ms) < 0 && errno != EINTR)
			return -errno;
		forward_pending(proc, foreground, group);
	}
}
