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
 * Returns 0 or a negative errno.
 */
int fxrun_signals_start(void);

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

/*
 * Waits for the child to end and stores its status, forwarding the
 * caught signals with fx_kill meanwhile.  A signal the terminal sent is
 * not forwarded when the child is in the group the terminal signalled
 * (fxrun's own group, or the foreground group it was given with
 * `foreground`): it has it already.  Returns 0 or a negative errno.
 */
int fxrun_wait(fx_proc *proc, int foreground, int *status);

#endif /* FXRUN_WAIT_H */
