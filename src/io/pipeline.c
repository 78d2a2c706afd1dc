/* SPDX-License-Identifier: MIT */
/*
 * Pipelines: stages started in order into one new process group, each
 * stdout wired to the next stdin, waited for together (fx_pipeline_wait,
 * or io.c's run loop through fx_pipeline_run).
 *
 * The pipes between stages, and the pipeline's own ends (the first
 * stdin, the last stdout, the stderr the stages share), are made here,
 * close-on-exec, and handed to each stage as fd overrides of its
 * attributes; the parent closes its copy of a stage's end as soon as
 * that stage has it, so that end of file travels down the pipeline as
 * in a shell.  Every stage joins the first stage's group, which exists
 * until the first stage is reaped: no stage is reaped before all are
 * started.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/compat.h"
#include "io/io.h"
#include "core/proc.h"
#include "core/spawn_core.h"
#include "io/stdio_wire.h"
#include "sys/rawsys.h"

struct stage {
	char *file;
	char *path;             /* file as the start found it; NULL before */
	char **argv;
	const fx_attr *attr;
	fx_proc *proc;
};

struct fx_pipeline {
	struct stage *st;
	size_t n, cap;
	int started;
	long failed;            /* the stage whose start failed, or -1 */
	pid_t pgid;
	int fd[3];              /* the pipeline's pipe ends; -1 */
};

int fx_pipeline_new(fx_pipeline **out)
{
	fx_pipeline *pl;

	if (!out)
		return -EINVAL;
	pl = calloc(1, sizeof *pl);
	if (!pl)
		return -ENOMEM;
	pl->failed = -1;
	pl->pgid = -1;
	pl->fd[0] = pl->fd[1] = pl->fd[2] = -1;
	*out = pl;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		fx__sys_close(*fd);
	*fd = -1;
}

static void free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

void fx_pipeline_free(fx_pipeline *pl)
{
	if (!pl)
		return;
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->st[i].file);
		free(pl->st[i].path);
		free_argv(pl->st[i].argv);
		fx_proc_free(pl->st[i].proc);
	}
	for (int s = 0; s < 3; s++)
		close_fd(&pl->fd[s]);
	free(pl->st);
	free(pl);
}

int fx_pipeline_add(fx_pipeline *pl, const char *file, char *const argv[], const fx_attr *attr)
{
	struct stage s = { NULL, NULL, NULL, attr, NULL };
	size_t argc = 0;

	if (!pl || !file || !argv || !argv[0])
		return -EINVAL;
	if (pl->started)
		return -EBUSY;
	if (attr && ((attr->flags & FX_SETSID) || attr->pgid >= 0))
		return -EINVAL;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 4;
		struct stage *st = realloc(pl->st, cap * sizeof *st);
		if (!st)
			return -ENOMEM;
		pl->st = st;
		pl->cap = cap;
	}
	while (argv[argc])
		argc++;
	s.file = strdup(file);
	s.argv = calloc(argc + 1, sizeof *s.argv);
	if (!s.file || !s.argv)
		goto nomem;
	for (size_t i = 0; i < argc; i++)
		if (!(s.argv[i] = strdup(argv[i])))
			goto nomem;
	pl->st[pl->n++] = s;
	return 0;
nomem:
	free(s.file);
	free_argv(s.argv);
	return -ENOMEM;
}

size_t fx_pipeline_count(const fx_pipeline *pl)
{
	return pl ? pl->n : 0;
}

static int is_pipe(const fx_attr *attr, int stream)
{
	int how = attr ? attr->stdio[stream].how : FX_STDIO_INHERIT;

	return how == FX_STDIO_PIPE || how == FX_STDIO_PIPE_NONBLOCK;
}

static int nonblock_asked(const fx_attr *attr, int stream)
{
	return attr && attr->stdio[stream].how == FX_STDIO_PIPE_NONBLOCK;
}

/* A pipe for the pipeline's own `stream`: the parent's end in pl->fd,
 * the stages' end in *child. */
static int own_pipe(fx_pipeline *pl, int stream, int nonblock, int size, int *child,
                    fx_error *err)
{
	int fds[2];

	if (fx__pipe_cloexec(fds) < 0) {
		fx__set_error(err, FX_STEP_STDIN + stream, errno, stream);
		strcpy(err->subject, "pipe");
		return -err->code;
	}
	pl->fd[stream] = stream == FX_STDIN ? fds[1] : fds[0];
	*child = stream == FX_STDIN ? fds[0] : fds[1];
	if (nonblock)
		(void)fcntl(pl->fd[stream], F_SETFL, O_NONBLOCK);
#ifdef F_SETPIPE_SZ /* Linux only; elsewhere the size is a hint not taken */
	if (size > 0)
		(void)fcntl(pl->fd[stream], F_SETPIPE_SZ, size);
#endif
	return 0;
}

static void abort_start(fx_pipeline *pl, size_t started)
{
	int status;

	if (pl->pgid > 0)
		kill(-pl->pgid, SIGKILL);
	for (size_t i = 0; i < started; i++)
		fx_proc_kill(pl->st[i].proc, SIGKILL);
	for (size_t i = 0; i < started; i++) {
		fx_proc_wait(pl->st[i].proc, &status, -1);
		fx_proc_free(pl->st[i].proc);
		pl->st[i].proc = NULL;
	}
	for (int s = 0; s < 3; s++)
		close_fd(&pl->fd[s]);
	pl->pgid = -1;
}

/* Starts the stages; run (NULL for fx_pipeline_start) adds fx_run's
 * input and capture. */
static int start(fx_pipeline *pl, const struct fx_run_opts *run, fx_error *err)
{
	const fx_attr *first, *last;
	unsigned flags = run ? fx__run_flags(run) : 0;
	int child[3] = { -1, -1, -1 }, prev = -1, rc = 0, size = run ? run->pipe_size : 0;
	int merge = (flags & FX_RUN_MERGE_STDERR) != 0, want_err;
	size_t i;

	if (!pl)
		return -EINVAL;
	if (pl->started)
		return fx__set_error(err, FX_STEP_ARGS, EBUSY, -1);
	if (!pl->n)
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	first = pl->st[0].attr;
	last = pl->st[pl->n - 1].attr;
	if (merge && !(flags & FX_RUN_CAPTURE_STDOUT))
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	pl->failed = -1;
	/* Every stage's program before any stage starts: a name that is
	 * not found (the common mistake) fails the pipeline with nothing
	 * running, rather than with stages started and then killed.  Each
	 * stage then starts the path found, so PATH is searched once. */
	for (i = 0; i < pl->n; i++) {
		free(pl->st[i].path);
		rc = fx__spawn_lookup(pl->st[i].file, fx__attr_or_default(pl->st[i].attr),
		                      &pl->st[i].path, err);
		if (rc < 0) {
			pl->failed = (long)i;
			return rc;
		}
	}

	want_err = !merge && (flags & FX_RUN_CAPTURE_STDERR);
	for (i = 0; i < pl->n && !merge; i++)
		want_err |= is_pipe(pl->st[i].attr, FX_STDERR);
	if (((run && run->has_input) || is_pipe(first, FX_STDIN)) &&
	    (rc = own_pipe(pl, FX_STDIN, run || nonblock_asked(first, FX_STDIN), size,
	                   &child[0], err)) < 0)
		goto fail;
	if (((flags & FX_RUN_CAPTURE_STDOUT) || is_pipe(last, FX_STDOUT)) &&
	    (rc = own_pipe(pl, FX_STDOUT, run || nonblock_asked(last, FX_STDOUT), size,
	                   &child[1], err)) < 0)
		goto fail;
	if (want_err && (rc = own_pipe(pl, FX_STDERR, run != NULL, size, &child[2], err)) < 0)
		goto fail;

	for (i = 0; i < pl->n; i++) {
		const fx_attr *attr = pl->st[i].attr;
		struct fx__stdio in = { .how = FX_STDIO_FD }, out = in, errs = in;
		struct fx__spawn_opts xo;
		int next[2] = { -1, -1 };

		memset(&xo, 0, sizeof xo);
		xo.set_pgid = 1;
		xo.pgid = i ? pl->pgid : 0;
		xo.pipe_size = size;
		in.fd = i ? prev : child[0];
		if (in.fd >= 0)
			xo.stdio[FX_STDIN] = &in;
		if (i + 1 < pl->n) {
			if (fx__pipe_cloexec(next) < 0) {
				rc = fx__set_error(err, FX_STEP_STDOUT, errno, FX_STDOUT);
				strcpy(err->subject, "pipe");
				goto fail;
			}
			out.fd = next[1];
		} else {
			out.fd = child[1];
		}
		if (out.fd >= 0)
			xo.stdio[FX_STDOUT] = &out;
		errs.fd = merge ? child[1] : child[2];
		if (errs.fd >= 0 && (merge || (flags & FX_RUN_CAPTURE_STDERR) || is_pipe(attr, FX_STDERR)))
			xo.stdio[FX_STDERR] = &errs;

		rc = fx__spawn_ex(&pl->st[i].proc, pl->st[i].path, pl->st[i].argv, attr, &xo, err);
		close_fd(&prev);
		close_fd(&next[1]);
		if (rc < 0) {
			close_fd(&next[0]);
			goto fail;
		}
		if (i == 0)
			pl->pgid = pl->st[0].proc->pid;
		prev = next[0];
	}
	for (int s = 0; s < 3; s++)
		close_fd(&child[s]);
	pl->started = 1;
	return 0;

fail:
	pl->failed = (long)i;
	close_fd(&prev);
	for (int s = 0; s < 3; s++)
		close_fd(&child[s]);
	abort_start(pl, i < pl->n ? i : pl->n);
	return rc;
}

int fx_pipeline_start(fx_pipeline *pl, fx_error *err)
{
	fx_error scratch;

	if (!err)
		err = &scratch;
	fx__set_error(err, FX_STEP_NONE, 0, -1);
	return start(pl, NULL, err);
}

ssize_t fx_pipeline_failed_stage(const fx_pipeline *pl)
{
	return pl ? (ssize_t)pl->failed : -1;
}

pid_t fx_pipeline_pgid(const fx_pipeline *pl)
{
	return pl && pl->started ? pl->pgid : -1;
}

fx_proc *fx_pipeline_proc(const fx_pipeline *pl, size_t i)
{
	return pl && i < pl->n ? pl->st[i].proc : NULL;
}

int fx_pipeline_stdio_fd(const fx_pipeline *pl, int stream)
{
	return pl && stream >= 0 && stream <= 2 ? pl->fd[stream] : -1;
}

int fx_pipeline_close_stdio(fx_pipeline *pl, int stream)
{
	if (!pl || stream < 0 || stream > 2)
		return -EINVAL;
	if (pl->fd[stream] < 0)
		return -EBADF;
	close_fd(&pl->fd[stream]);
	return 0;
}

int fx_pipeline_kill(fx_pipeline *pl, int sig)
{
	if (!pl || sig < 0 || sig > 64)
		return -EINVAL;
	if (!pl->started)
		return -ESRCH;
	return kill(-pl->pgid, sig) < 0 ? -errno : 0;
}

int fx_pipeline_wait(fx_pipeline *pl, int timeout_ms)
{
	int64_t deadline = fx__deadline_of(timeout_ms);

	if (!pl || !pl->started)
		return -EINVAL;
	for (size_t i = 0; i < pl->n; i++) {
		int64_t now = fx__now_ns();
		int ms = deadline == INT64_MAX ? -1 : fx__poll_timeout(deadline, now);
		int status, rc = fx_proc_wait(pl->st[i].proc, &status, ms);

		if (rc == -ETIMEDOUT)
			return rc;
		/* -ECHILD: someone else took it and the kernel cannot say
		 * how it ended; it is over all the same
		 * (fx_pipeline_status says -ECHILD). */
	}
	return 0;
}

int fx_pipeline_status(const fx_pipeline *pl, size_t i, int *status)
{
	const fx_proc *p;

	if (!pl || i >= pl->n || !pl->started)
		return -EINVAL;
	p = pl->st[i].proc;
	if (p->lost)
		return -ECHILD;
	if (!p->reaped)
		return -EAGAIN;
	if (status)
		*status = p->status;
	return 0;
}

int fx_pipeline_pipefail(const fx_pipeline *pl)
{
	int summary = 0;

	if (!pl || !pl->started)
		return -EINVAL;
	for (size_t i = 0; i < pl->n; i++) {
		const fx_proc *p = pl->st[i].proc;
		if (!p->reaped && !p->lost)
			return -EAGAIN;
		/* A stage whose status is unknown may have failed. */
		if (p->lost)
			summary = -ECHILD;
		else if (p->status != 0)
			summary = p->status;
	}
	return summary;
}

int fx_pipeline_run(fx_result **res, fx_pipeline *pl, const fx_run_opts *opts, fx_error *err)
{
	struct fx_run_opts defaults;
	struct fx__result *r;
	struct fx__job job;
	fx_proc **procs;
	fx_error scratch;
	int64_t t0 = fx__now_ns(), t1;
	int rc;

	if (!err)
		err = &scratch;
	fx__set_error(err, FX_STEP_NONE, 0, -1);
	if (!res || !pl)
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	*res = NULL;
	if (!opts) {
		fx__run_opts_defaults(&defaults);
		opts = &defaults;
	}
	r = fx__result_new();
	procs = calloc(pl->n ? pl->n : 1, sizeof(fx_proc *));
	if (!r || !procs) {
		free(procs);
		fx_result_free(r ? &r->pub : NULL);
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	}
	rc = start(pl, opts, err);
	t1 = fx__now_ns();
	if (rc < 0) {
		free(procs);
		fx_result_free(&r->pub);
		return rc;
	}
	for (size_t i = 0; i < pl->n; i++)
		procs[i] = pl->st[i].proc;
	memset(&job, 0, sizeof job);
	job.procs = procs;
	job.nprocs = pl->n;
	job.pgid = pl->pgid;
	for (int s = 0; s < 3; s++) {
		job.fd[s] = pl->fd[s];
		pl->fd[s] = -1;
	}
	r->pub.pid = pl->pgid;
	r->pub.spawn_ns = t1 - t0;
	/* Cancelled: the stages are reaped by the run loop's handler and
	 * stay the pipeline's; the result and the array are freed. */
	struct run_frame frame = { r, NULL, 0, procs, &job, opts, t1, err };
	rc = fx__job_run_framed(&frame);
	if (rc < 0) {
		free(procs);
		fx_result_free(&r->pub);
		return rc;
	}
	fx__result_finish(r, procs, pl->n);
	free(procs);
	r->pub.total_ns = fx__now_ns() - t0;
	*res = &r->pub;
	return 0;
}
