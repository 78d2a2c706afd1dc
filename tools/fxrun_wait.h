/* SPDX-License-Identifier: MIT */
/*
 * Waiting for fxrun's child: forwarding signals to it meanwhile, and the
 * --ptrace hand-off to a debugger.
 */
#ifndef FXRUN_WAIT_H
#define FXRUN_WAIT_H

#include <stddef.h>

#include "forkexec.h"

/*
 * Starts catching SIGINT, SIGTERM, SIGHUP and SIGQUIT (each one fxrun
 * does not inherit as ignored: `nohup fxrun ...` stays immune to SIGHUP)
 * and SIGCHLD, into a self-pipe.  Call it before fx_spawn, so that a
 * signal that arrives while the child is being created is forwarded once
 * it exists instead of killing fxrun and orphaning it.  The library resets
 * caught signals in the child, so the child never runs these handlers.
 * `also`, if not 0, is forwarded too: timeout(1) forwards its --signal
 * (a SIGUSR1 sent to it reaches the command rather than killing it and
 * leaving the command behind).
 * Returns 0 or a negative errno.
 */
int fxrun_signals_start(int also);

/* Restores the dispositions found by fxrun_signals_start; closes the pipe. */
void fxrun_signals_stop(void);

/*
 * --ptrace: the child asked to be traced and stops with SIGTRAP when its
 * execve succeeds.  Waits for that stop, says so on stderr, and detaches
 * leaving the child SIGSTOPped for a debugger to attach (gdb -p PID).
 * Returns 1 once detached; 0 if the child ended before the stop (its
 * status is then in *status and it is already reaped); a negative errno
 * on failure.
 */
int fxrun_ptrace_handoff(fx_proc *proc, int *status);

/* --timeout and its companions (timeout(1)'s meaning), for fxrun_wait. */
struct fxrun_deadline {
	long long timeout_ms;   /* after the start; <= 0: none */
	long long kill_after_ms;/* SIGKILL this long after the signal; < 0: never */
	int sig;                /* the first signal */
	pid_t group;            /* > 0: signals go to this process group (--kill-group) */
	long long start_ms;     /* fxrun_now_ms() when the child was started */
	int timed_out;          /* out: the timeout passed and sig was sent */
	int killed;             /* out: SIGKILL was sent after kill_after_ms */
	int verbose;            /* --verbose: say each signal sent, as timeout(1) */
	const char *name;       /* the command, for --verbose */
};

/* CLOCK_MONOTONIC in milliseconds. */
long long fxrun_now_ms(void);

/*
 * Waits for the child to end and stores its status, forwarding the
 * caught signals meanwhile (with fx_proc_kill, and to dl->group when there is
 * one).  A signal the terminal sent is not forwarded when the child is
 * in the group the terminal signalled (fxrun's own group, or the
 * foreground group it was given with `foreground`): it has it already.
 * With a timeout in dl (may be NULL): when it passes, sends dl->sig
 * (then SIGCONT, so that a stopped child sees it), and SIGKILL
 * kill_after_ms later if the child is still there.  Returns 0 or a
 * negative errno.
 */
int fxrun_wait(fx_proc *proc, int foreground, struct fxrun_deadline *dl, int *status);

#endif /* FXRUN_WAIT_H */
