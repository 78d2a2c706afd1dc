/* SPDX-License-Identifier: MIT */
/*
 * The io layer's shared parts: fx_run's options, the result as the
 * library keeps it, and the run loop that fx_run (io.c) and pipelines
 * (pipeline.c) drive: any number of processes, one stdin to feed, two
 * streams to capture, one poll loop.
 */
#ifndef FX_IO_H
#define FX_IO_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkexec-io.h"


struct fx_run_opts {
	unsigned flags;         /* FX_RUN_* */
	const void *input;      /* borrowed */
	size_t input_len;
	int has_input;
	size_t limit[3];        /* per stream; SIZE_MAX: none */
	int limit_action[3];    /* enum fx_limit */
	int timeout_ms;         /* < 0: none */
	int kill_sig;
	int grace_ms;           /* < 0: never SIGKILL */
	int wait_delay_ms;      /* < 0: forever */
	int pipe_size;          /* F_SETPIPE_SZ of the pipes made; 0: the kernel's */
};

/* The result and what only the library sees of it. */
struct fx__result {
	fx_result pub;
	size_t cap[2];          /* capacity of out.data and err.data */
};

/* What the run loop drives. */
struct fx__job {
	fx_proc **procs;        /* the processes, in pipeline order */
	size_t nprocs;
	pid_t pgid;             /* > 0: signals go to this process group */
	int fd[3];              /* parent ends: stdin to feed, stdout and stderr to read; -1 */
};

/* Nanoseconds on the monotonic clock. */
int64_t fx__now_ns(void);

/* poll's timeout for an absolute deadline (INT64_MAX: none, -1):
 * rounded up, so that a wait never ends early and spins. */
int fx__poll_timeout(int64_t deadline, int64_t now);
/* The absolute deadline of a timeout in ms (< 0: INT64_MAX). */
int64_t fx__deadline_of(int timeout_ms);

/* Defaults of fx_run_opts_new, for a NULL opts. */
void fx__run_opts_defaults(struct fx_run_opts *opts);

/*
 * Runs the job to its end: feeds opts' input to fd[0], reads fd[1] and
 * fd[2] into res->pub.out and .err, enforces limits, timeout, grace and
 * wait delay (timed from `started`), reaps every process, and closes
 * the fds.  Fills every member of res but spawn_ns, total_ns and the
 * stage statuses (read them from the procs).  On failure (poll or
 * memory) kills and reaps every process, closes the fds and returns
 * -errno with err's step FX_STEP_RUN.
 */
int fx__job_run(struct fx__job *job, const struct fx_run_opts *opts, struct fx__result *res,
                int64_t started, fx_error *err);

/* Stage statuses, the last one, the pipefail summary and `end`, from
 * the reaped processes. */
void fx__result_finish(struct fx__result *res, fx_proc *const *procs, size_t n);

/*
 * fx__job_run for fx_run and fx_pipeline_run, whose thread may be
 * cancelled in it: the loop's own handler kills and reaps the processes
 * and closes the pipes, this one frees what the caller holds: the
 * result, the handles (nprocs of procs, with fx_proc_free) and `owned`.
 */
struct run_frame {
	struct fx__result *res;
	fx_proc **procs;
	size_t nprocs;
	void *owned;
	struct fx__job *job;
	const struct fx_run_opts *opts;
	int64_t started;
	fx_error *err;
};
int fx__job_run_framed(struct run_frame *f);

/* A zeroed result with the stage statuses allocated for n stages. */
struct fx__result *fx__result_new(size_t nstages);

/*
 * Blocking SIGPIPE in the calling thread around writes to a child's
 * stdin, so that a closed pipe gives EPIPE and no signal: begin blocks
 * it (and notes whether one was pending already), epipe takes back the
 * one a write just raised, end restores the mask.
 */
struct fx__pipe_guard {
	int was_blocked;
	int was_pending;
};
void fx__pipe_guard_begin(struct fx__pipe_guard *g);
void fx__pipe_guard_epipe(const struct fx__pipe_guard *g);
void fx__pipe_guard_end(const struct fx__pipe_guard *g);

#endif
