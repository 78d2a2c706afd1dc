/* SPDX-License-Identifier: MIT */
/*
 * Talking to children: fx_run's options and run loop, and the step by
 * step calls on a handle's pipes.
 *
 * The run loop is one poll(2) over the parent's ends of the pipes (all
 * non-blocking) and the children's pidfds, so no order of reads and
 * writes the child chooses can deadlock it.  Every deadline (the
 * timeout, the grace period before SIGKILL, the wait delay) is an
 * absolute time on the monotonic clock; a poll interrupted by a signal
 * simply goes round again with what is left, and no read or write on a
 * non-blocking pipe can be interrupted halfway, so EINTR loses nothing.
 * Children are reaped through their pidfds (waitid P_PIDFD), never with
 * a wait for any child, and no signal handler is installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "io/io.h"
#include "core/proc.h"
#include "io/ring.h"
#include "core/spawn_core.h"
#include "io/stdio_wire.h"
#include "sys/rawsys.h"

/* The least a read asks for: one default pipe's worth. */
#define READ_MIN ((size_t)64 * 1024)
/* From this capacity on a capture buffer is a mapping of its own, grown
 * with mremap (no copy) and offered transparent huge pages. */
#define MAP_MIN ((size_t)1024 * 1024)
/* Reads of a pipe after the wait delay, before it is closed: what the
 * child wrote before it ended is there, but a grandchild may write on. */
#define FINAL_READS 4

int64_t fx__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

void fx__run_opts_defaults(struct fx_run_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	for (int s = 0; s < 3; s++)
		opts->limit[s] = SIZE_MAX;
	opts->timeout_ms = -1;
	opts->kill_sig = SIGTERM;
	opts->grace_ms = 5000;
	opts->wait_delay_ms = 1000;
	opts->pipe_size = FX_RUN_DEFAULT_PIPE_SIZE;
}

int fx_run_opts_new(fx_run_opts **out)
{
	fx_run_opts *opts;

	if (!out)
		return -EINVAL;
	opts = malloc(sizeof *opts);
	if (!opts)
		return -ENOMEM;
	fx__run_opts_defaults(opts);
	*out = opts;
	return 0;
}

void fx_run_opts_free(fx_run_opts *opts)
{
	free(opts);
}

int fx_run_opts_set_flags(fx_run_opts *opts, unsigned flags)
{
	if (!opts || (flags & ~FX_RUN_FLAGS_ALL_))
		return -EINVAL;
	opts->flags = flags;
	return 0;
}

int fx_run_opts_set_input(fx_run_opts *opts, const void *data, size_t len)
{
	if (!opts || (!data && len))
		return -EINVAL;
	opts->input = data;
	opts->input_len = len;
	opts->has_input = data != NULL;
	return 0;
}

int fx_run_opts_set_limit(fx_run_opts *opts, int stream, size_t max, int action)
{
	if (!opts || (stream != FX_STDOUT && stream != FX_STDERR) ||
	    (action != FX_LIMIT_TRUNCATE && action != FX_LIMIT_DISCARD && action != FX_LIMIT_KILL &&
	     action != FX_LIMIT_TAIL))
		return -EINVAL;
	/* A sink keeps nothing, so it has no tail to keep. */
	if (action == FX_LIMIT_TAIL && fx__sink_set(&opts->sink[stream]))
		return -EINVAL;
	opts->limit[stream] = max;
	opts->limit_action[stream] = action;
	return 0;
}

static int set_sink(fx_run_opts *opts, int stream, const struct fx__sink *sink)
{
	if (!opts || (stream != FX_STDOUT && stream != FX_STDERR))
		return -EINVAL;
	if (fx__sink_set(sink) && opts->limit_action[stream] == FX_LIMIT_TAIL)
		return -EINVAL;
	opts->sink[stream] = *sink;
	return 0;
}

int fx_run_opts_set_sink(fx_run_opts *opts, int stream, fx_sink_fn fn, void *ctx)
{
	const struct fx__sink s = { fn, NULL, fn ? ctx : NULL };

	return set_sink(opts, stream, &s);
}

int fx_run_opts_set_line_sink(fx_run_opts *opts, int stream, fx_line_fn fn, void *ctx)
{
	const struct fx__sink s = { NULL, fn, fn ? ctx : NULL };

	return set_sink(opts, stream, &s);
}

unsigned fx__run_flags(const struct fx_run_opts *opts)
{
	unsigned flags = opts->flags;

	if (fx__sink_set(&opts->sink[FX_STDOUT]))
		flags |= FX_RUN_CAPTURE_STDOUT;
	if (fx__sink_set(&opts->sink[FX_STDERR]))
		flags |= FX_RUN_CAPTURE_STDERR;
	return flags;
}

int fx_run_opts_set_timeout(fx_run_opts *opts, int timeout_ms)
{
	if (!opts)
		return -EINVAL;
	opts->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
	return 0;
}

int fx_run_opts_set_kill(fx_run_opts *opts, int sig, int grace_ms)
{
	if (!opts || sig <= 0 || sig > 64)
		return -EINVAL;
	opts->kill_sig = sig;
	opts->grace_ms = grace_ms < 0 ? -1 : grace_ms;
	return 0;
}

int fx_run_opts_set_pipe_size(fx_run_opts *opts, int bytes)
{
	if (!opts || bytes < 0)
		return -EINVAL;
	opts->pipe_size = bytes;
	return 0;
}

int fx_run_opts_set_wait_delay(fx_run_opts *opts, int delay_ms)
{
	if (!opts)
		return -EINVAL;
	opts->wait_delay_ms = delay_ms < 0 ? -1 : delay_ms;
	return 0;
}

/* ------------------------------------------------------------------ */
/* SIGPIPE                                                             */
/* ------------------------------------------------------------------ */

/*
 * A write to a pipe whose reader is gone raises SIGPIPE for the writing
 * thread (the kernel's send_sig to current), whose default action ends
 * the whole process.  Changing the disposition would change it for
 * every thread of the caller, so instead the calling thread blocks
 * SIGPIPE while it writes, and when a write gives EPIPE it takes back
 * the signal that write left pending, unless one was pending before
 * (then it is the caller's, and the two are one: standard signals do
 * not queue).
 */
void fx__pipe_guard_begin(struct fx__pipe_guard *g)
{
	sigset_t pipe_set, old, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	g->was_blocked = sigismember(&old, SIGPIPE) == 1;
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

void fx__pipe_guard_epipe(const struct fx__pipe_guard *g)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe_set;

	if (g->was_pending)
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
#if defined(__APPLE__)
	/* No sigtimedwait: sigwait takes a SIGPIPE only if one is pending
	 * (it is blocked, and directed at this thread by its write). */
	sigset_t pending;
	int sig;
	(void)zero;
	if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
		(void)sigwait(&pipe_set, &sig);
#else
	while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
		;
#endif
}

void fx__pipe_guard_end(const struct fx__pipe_guard *g)
{
	sigset_t pipe_set;

	if (g->was_blocked)
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_UNBLOCK, &pipe_set, NULL);
}

/* ------------------------------------------------------------------ */
/* Capture buffers                                                     */
/* ------------------------------------------------------------------ */

static void buf_free(char *p, size_t cap)
{
	if (!p)
		return;
	if (cap >= MAP_MIN)
		munmap(p, cap);
	else
		free(p);
}

/* Room for `need` bytes in all.  Capacities are powers of two from 4 KiB,
 * so a buffer becomes a mapping exactly when it reaches MAP_MIN. */
static int buf_reserve(fx_output *o, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 4096;
	char *p;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap < MAP_MIN) {
		p = realloc(o->data, ncap);
		if (!p)
			return -ENOMEM;
	} else if (*cap < MAP_MIN) {
		p = mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
#ifdef MADV_HUGEPAGE
		/* Fewer page faults for a large capture; a hint only. */
		(void)madvise(p, ncap, MADV_HUGEPAGE);
#endif
		if (o->len)
			memcpy(p, o->data, o->len);
		free(o->data);
	} else {
#if defined(__APPLE__)
		/* No mremap: a new mapping and a copy. */
		p = mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		memcpy(p, o->data, o->len);
		munmap(o->data, *cap);
#else
		p = mremap(o->data, *cap, ncap, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return -ENOMEM;
#endif
#ifdef MADV_HUGEPAGE
		(void)madvise(p, ncap, MADV_HUGEPAGE);
#endif
	}
	o->data = p;
	*cap = ncap;
	return 0;
}

struct fx__result *fx__result_new(void)
{
	return calloc(1, sizeof(struct fx__result));
}

void fx_result_free(fx_result *res)
{
	struct fx__result *r = (struct fx__result *)res;

	if (!r)
		return;
	buf_free(r->pub.out.data, r->cap[0]);
	buf_free(r->pub.err.data, r->cap[1]);
	free(r);
}

/* ------------------------------------------------------------------ */
/* The run loop                                                        */
/* ------------------------------------------------------------------ */

struct stream {
	int fd;                 /* -1 once closed */
	int index;              /* FX_STDOUT or FX_STDERR */
	fx_output *out;
	size_t *cap;
	size_t limit;
	int action;             /* enum fx_limit */
	size_t taken;           /* bytes kept or given to the sink, up to the limit */
	uint64_t *dropped;      /* the result's count of bytes read past the limit */
	size_t head;            /* FX_LIMIT_TAIL: the ring's oldest byte, once full */
	const struct fx__sink *sink; /* NULL: kept in out */
	struct fx__lines lines; /* a line sink's partial line */
	int sink_done;          /* the sink had its end call, or failed */
	int piped;              /* the stream had a pipe to read */
};

struct run {
	struct fx__job *job;
	const struct fx_run_opts *opts;
	struct fx__result *res;
	struct stream s[2];     /* stdout, stderr */
	int in_fd;
	size_t in_off;
	struct fx__pipe_guard guard;
	int guarded;
	char *scratch;          /* READ_MIN bytes for sinks and output beyond a limit */
	int terminating;        /* the kill signal was sent */
	int64_t kill_at;        /* when SIGKILL follows it; INT64_MAX: never */
	int64_t exited_at;      /* when the last process was reaped; 0: not yet */
	struct pollfd *pfd;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		fx__sys_close(*fd);
	*fd = -1;
}

static size_t alive(const struct fx__job *job)
{
	size_t n = 0;

	for (size_t i = 0; i < job->nprocs; i++)
		if (!job->procs[i]->reaped && !job->procs[i]->lost)
			n++;
	return n;
}

/*
 * Signals the job: its process group, and any process of it that left
 * the group (it may have made its own), or else each process.  The
 * group's id is the leader's pid, which cannot be reused while any
 * member of the group exists.
 */
static void signal_job(struct fx__job *job, int sig)
{
	if (job->pgid > 0)
		kill(-job->pgid, sig);
	for (size_t i = 0; i < job->nprocs; i++) {
		fx_proc *p = job->procs[i];
		if (p->reaped || p->lost)
			continue;
		if (job->pgid > 0 && getpgid(p->pid) == job->pgid)
			continue;
		fx_proc_kill(p, sig);
	}
}

static void terminate(struct run *r, int64_t now)
{
	const struct fx_run_opts *o = r->opts;

	if (r->terminating)
		return;
	r->terminating = 1;
	if (o->grace_ms == 0 || o->kill_sig == SIGKILL) {
		signal_job(r->job, o->kill_sig);
		if (o->kill_sig != SIGKILL)
			signal_job(r->job, SIGKILL);
		r->res->pub.killed = o->kill_sig != SIGKILL;
		r->kill_at = INT64_MAX;
		return;
	}
	signal_job(r->job, o->kill_sig);
	/* A stopped child would not act on it before SIGKILL (timeout(1)
	 * does the same). */
	if (o->kill_sig != SIGCONT)
		signal_job(r->job, SIGCONT);
	r->kill_at = o->grace_ms < 0 ? INT64_MAX : now + (int64_t)o->grace_ms * 1000000;
}

static void feed(struct run *r)
{
	const char *input = r->opts->input;
	size_t len = r->opts->input_len;

	while (r->in_off < len) {
		size_t want = len - r->in_off;
		ssize_t n = write(r->in_fd, input + r->in_off, want);

		if (n > 0) {
			r->in_off += (size_t)n;
			if ((size_t)n < want)
				return; /* the pipe is full */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0 && errno == EPIPE)
			fx__pipe_guard_epipe(&r->guard);
		r->res->pub.in_error = n < 0 ? errno : EIO;
		close_fd(&r->in_fd);
		return;
	}
	close_fd(&r->in_fd);
}

/*
 * Where the next read of a stream goes, and how much it asks for: the
 * capture buffer itself while under the limit (no copy), the scratch
 * buffer for a sink and for what is past the limit.
 */
static int read_target(struct run *r, struct stream *st, char **at, size_t *want)
{
	fx_output *o = st->out;
	int rc;

	if (!r->scratch && (st->sink || st->taken >= st->limit)) {
		r->scratch = malloc(READ_MIN);
		if (!r->scratch)
			return -ENOMEM;
	}
	if (st->taken >= st->limit || st->sink) {
		*at = r->scratch;
		*want = READ_MIN;
		if (st->taken < st->limit && st->limit - st->taken < READ_MIN)
			*want = st->limit - st->taken;
		return 0;
	}
	if (*st->cap - o->len < READ_MIN + 1) {
		/* A tail grows as a capture does, up to its ring's size. */
		size_t need = o->len + READ_MIN + 1;
		if (st->action == FX_LIMIT_TAIL && st->limit < need - 1)
			need = st->limit + 1;
		if ((rc = buf_reserve(o, st->cap, need)) < 0)
			return rc;
	}
	*at = o->data + o->len;
	*want = *st->cap - o->len - 1;
	if (st->limit - o->len < *want)
		*want = st->limit - o->len;
	return 0;
}

/* A sink failed: it gets nothing more, its pipe is closed, and the
 * child is ended as on a timeout. */
static void sink_failed(struct run *r, struct stream *st, int value, int64_t now)
{
	if (!r->res->pub.sink_error)
		r->res->pub.sink_error = value;
	st->sink_done = 1;
	close_fd(&st->fd);
	if (alive(r->job))
		terminate(r, now);
}

/* The stream has ended: its sink hears so, once. */
static void stream_ended(struct run *r, struct stream *st, int64_t now)
{
	int failed;

	close_fd(&st->fd);
	if (!st->sink || st->sink_done)
		return;
	st->sink_done = 1;
	fx__sink_end(st->sink, &st->lines, st->index, &failed);
	if (failed)
		sink_failed(r, st, failed, now);
}

/* n bytes were read into `at` (read_target's): kept, given to the sink,
 * or, past the limit, dropped (a tail keeps the last) and acted upon. */
static int took(struct run *r, struct stream *st, const char *at, size_t n, int64_t now)
{
	fx_output *o = st->out;
	int rc, failed;

	if (st->taken < st->limit) {
		st->taken += n;
		if (!st->sink) {
			o->len += n;
			o->data[o->len] = 0;
			return 0;
		}
		if ((rc = fx__sink_put(st->sink, &st->lines, st->index, at, n, &failed)) < 0)
			return rc;
		if (failed)
			sink_failed(r, st, failed, now);
		return 0;
	}
	o->truncated = 1;
	*st->dropped += n;
	switch (st->action) {
	case FX_LIMIT_TRUNCATE:
		stream_ended(r, st, now);
		break;
	case FX_LIMIT_TAIL:
		fx__ring_put(o->data, st->limit, &st->head, at, n);
		break;
	case FX_LIMIT_KILL:
		if (!r->res->limit_hit) {
			r->res->limit_hit = 1;
			if (alive(r->job))
				terminate(r, now);
		}
		break;
	}
	return 0;
}

/*
 * Reads what the pipe has.  A read shorter than asked means the pipe is
 * empty: back to poll without the read that would say EAGAIN.
 * max_reads bounds the reads (the final drain); 0: no bound.
 */
static int drain(struct run *r, struct stream *st, int64_t now, int max_reads)
{
	int reads = 0;

	while (st->fd >= 0) {
		size_t want;
		char *at;
		ssize_t n;
		int rc;

		if (max_reads && reads++ >= max_reads)
			return 0;
		if ((rc = read_target(r, st, &at, &want)) < 0)
			return rc;
		n = read(st->fd, at, want);
		if (n > 0) {
			if ((rc = took(r, st, at, (size_t)n, now)) < 0)
				return rc;
			if ((size_t)n < want)
				return 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		/* End of file, or an error no pipe gives: done either way. */
		stream_ended(r, st, now);
	}
	return 0;
}

static int64_t earliest(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int fx__poll_timeout(int64_t deadline, int64_t now)
{
	int64_t ms;

	if (deadline == INT64_MAX)
		return -1;
	if (deadline <= now)
		return 0;
	ms = (deadline - now + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void reap_all_killed(struct fx__job *job)
{
	int status;

	signal_job(job, SIGKILL);
	for (size_t i = 0; i < job->nprocs; i++)
		fx_proc_wait(job->procs[i], &status, -1);
}

/* The loop failed, or its thread was cancelled (poll is a cancellation
 * point): nothing of it may outlive it, the children least of all. */
static void abandon(void *arg)
{
	struct run *r = arg;

	close_fd(&r->in_fd);
	close_fd(&r->s[0].fd);
	close_fd(&r->s[1].fd);
	for (int i = 0; i < 3; i++)
		close_fd(&r->job->fd[i]);
	reap_all_killed(r->job);
	if (r->guarded)
		fx__pipe_guard_end(&r->guard);
	r->guarded = 0;
	free(r->scratch);
	r->scratch = NULL;
	free(r->pfd);
	r->pfd = NULL;
	fx__lines_free(&r->s[0].lines);
	fx__lines_free(&r->s[1].lines);
}

/* The loop itself; returns 0 once every process is reaped and every
 * pipe closed, or -errno. */
static int run_loop(struct run *rp, int64_t deadline)
{
	struct fx__job *job = rp->job;
	const struct fx_run_opts *opts = rp->opts;
	struct fx__result *res = rp->res;
	struct pollfd *pfd = rp->pfd;
	int rc = 0;

	for (;;) {
		int64_t now = fx__now_ns(), wake = INT64_MAX;
		size_t n = 0, first_proc;
		int at_in = -1, at_s[2] = { -1, -1 };
		int living = alive(job) > 0;
		int open = rp->in_fd >= 0 || rp->s[0].fd >= 0 || rp->s[1].fd >= 0;

		if (!living && !open)
			break;
		if (living) {
			if (!rp->terminating && now >= deadline) {
				res->timed_out = 1;
				terminate(rp, now);
			}
			if (rp->terminating && now >= rp->kill_at) {
				signal_job(job, SIGKILL);
				res->pub.killed = 1;
				rp->kill_at = INT64_MAX;
			}
			if (!rp->terminating)
				wake = deadline;
			else
				wake = rp->kill_at;
		} else if (opts->wait_delay_ms >= 0) {
			int64_t delay_end = rp->exited_at + (int64_t)opts->wait_delay_ms * 1000000;
			if (now >= delay_end) {
				/* What is in the pipes now is the child's last
				 * word; after it they are closed, held or not. */
				for (int i = 0; i < 2 && rc == 0; i++)
					rc = drain(rp, &rp->s[i], now, FINAL_READS);
				if (rc < 0)
					break;
				if (rp->in_fd >= 0 || rp->s[0].fd >= 0 || rp->s[1].fd >= 0)
					res->wait_delay_expired = 1;
				close_fd(&rp->in_fd);
				close_fd(&rp->s[0].fd);
				close_fd(&rp->s[1].fd);
				break;
			}
			wake = delay_end;
		}

		if (rp->in_fd >= 0) {
			at_in = (int)n;
			pfd[n++] = (struct pollfd){ .fd = rp->in_fd, .events = POLLOUT };
		}
		for (int i = 0; i < 2; i++) {
			if (rp->s[i].fd >= 0) {
				at_s[i] = (int)n;
				pfd[n++] = (struct pollfd){ .fd = rp->s[i].fd, .events = POLLIN };
			}
		}
		first_proc = n;
		for (size_t i = 0; i < job->nprocs; i++) {
			fx_proc *p = job->procs[i];
			pfd[n].fd = p->reaped || p->lost ? -1 : p->pidfd;
			/* Taken by another waiter, its status not yet published
			 * (proc.c's recover): the pidfd is readable already and
			 * would wake us at once; POLLHUP, which comes with the
			 * status, is what to wait for. */
			pfd[n].events = p->taken ? 0 : POLLIN;
			pfd[n].revents = 0;
			n++;
		}
		/* A kernel without pidfds: check the children every 10 ms. */
		for (size_t i = 0; i < job->nprocs; i++)
			if (job->procs[i]->pidfd < 0 && !job->procs[i]->reaped && !job->procs[i]->lost)
				wake = earliest(wake, now + 10000000);

		int got = poll(pfd, n, fx__poll_timeout(wake, now));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		now = fx__now_ns();
		if (at_in >= 0 && pfd[at_in].revents)
			feed(rp);
		for (int i = 0; i < 2 && rc == 0; i++)
			if (at_s[i] >= 0 && pfd[at_s[i]].revents)
				rc = drain(rp, &rp->s[i], now, 0);
		if (rc < 0)
			break;
		for (size_t i = 0; i < job->nprocs; i++) {
			fx_proc *p = job->procs[i];
			int status;
			if (p->reaped || p->lost)
				continue;
			if (p->pidfd >= 0 && !pfd[first_proc + i].revents)
				continue;
			if (fx_proc_wait(p, &status, 0) != -ETIMEDOUT && !alive(job))
				rp->exited_at = fx__now_ns();
		}
	}
	/* Streams the wait delay closed: their sinks' end calls, here so
	 * that a thread cancelled in one still runs `abandon`. */
	for (int i = 0; i < 2 && rc == 0; i++)
		if (rp->s[i].sink && !rp->s[i].sink_done && rp->s[i].piped)
			stream_ended(rp, &rp->s[i], fx__now_ns());
	return rc;
}

/*
 * Runs the loop with `abandon` as the cleanup handler of a cancelled
 * thread (poll is a cancellation point); deferred cancellation only, as
 * an asynchronous one could strike between a system call and our noting
 * its result.  Alone in its function: the handler is a setjmp, and
 * nothing but the pointer may be live across it.
 */
static int run_cancellable(struct run *r, int64_t deadline)
{
	int rc, type;

	pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &type);
	pthread_cleanup_push(abandon, r);
	rc = run_loop(r, deadline);
	pthread_cleanup_pop(0);
	pthread_setcanceltype(type, NULL);
	return rc;
}

int fx__job_run(struct fx__job *job, const struct fx_run_opts *opts, struct fx__result *res,
                int64_t started, fx_error *err)
{
	struct run r;
	const int64_t deadline = opts->timeout_ms >= 0
	                         ? started + (int64_t)opts->timeout_ms * 1000000 : INT64_MAX;
	struct pollfd *pfd;
	size_t npfd = job->nprocs + 3;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.job = job;
	r.opts = opts;
	r.res = res;
	r.kill_at = INT64_MAX;
	r.in_fd = job->fd[0];
	for (int i = 0; i < 2; i++) {
		r.s[i].fd = job->fd[1 + i];
		r.s[i].index = 1 + i;
		r.s[i].out = i == 0 ? &res->pub.out : &res->pub.err;
		r.s[i].cap = &res->cap[i];
		r.s[i].limit = opts->limit[1 + i];
		r.s[i].action = opts->limit_action[1 + i];
		r.s[i].dropped = i == 0 ? &res->pub.out_dropped : &res->pub.err_dropped;
		r.s[i].piped = r.s[i].fd >= 0;
		if (fx__sink_set(&opts->sink[1 + i]))
			r.s[i].sink = &opts->sink[1 + i];
	}
	job->fd[0] = job->fd[1] = job->fd[2] = -1;
	/* A captured stream has a buffer, even if nothing comes (a sink's
	 * stream has none). */
	for (int i = 0; i < 2; i++) {
		if (r.s[i].fd < 0 || r.s[i].sink)
			continue;
		if ((rc = buf_reserve(r.s[i].out, r.s[i].cap, 1)) < 0)
			goto fail;
		r.s[i].out->data[0] = 0;
	}
	if (r.in_fd >= 0 && !opts->input_len)
		close_fd(&r.in_fd);
	if (r.in_fd >= 0) {
		fx__pipe_guard_begin(&r.guard);
		r.guarded = 1;
	}
	pfd = r.pfd = calloc(npfd, sizeof *pfd);
	if (!pfd) {
		rc = -ENOMEM;
		goto fail;
	}

	rc = run_cancellable(&r, deadline);
	if (rc < 0)
		goto fail;
	for (int i = 0; i < 2; i++) {
		struct stream *st = &r.s[i];

		fx__lines_free(&st->lines);
		if (st->action == FX_LIMIT_TAIL && !st->sink && *st->dropped) {
			fx__ring_unwrap(st->out->data, st->limit, st->head);
			st->out->data[st->limit] = 0;
		}
	}
	free(r.pfd);
	if (r.guarded)
		fx__pipe_guard_end(&r.guard);
	free(r.scratch);
	res->pub.in_written = r.in_off;
	res->pub.run_ns = (r.exited_at ? r.exited_at : fx__now_ns()) - started;
	return 0;

fail:
	abandon(&r);
	return fx__set_error(err, FX_STEP_RUN, -rc, -1);
}

/* How it ended, most significant first.  `known`: the last stage's
 * status is known (reaped by us, or learnt from its pidfd). */
static int end_of(const struct fx__result *res, int known)
{
	if (res->timed_out)
		return FX_END_TIMEOUT;
	if (res->pub.sink_error)
		return FX_END_SINK;
	if (res->limit_hit)
		return FX_END_LIMIT;
	if (res->wait_delay_expired)
		return FX_END_WAIT_DELAY;
	if (!known)
		return FX_END_UNKNOWN;
	/* A pipeline ends as its last stage: an earlier one killed by
	 * SIGPIPE is how pipelines end early, as in a shell. */
	return fx_status_signal(res->pub.status) ? FX_END_SIGNALED : FX_END_EXITED;
}

/*
 * A process someone else reaped, whose status the kernel could not give
 * (proc->lost), has status -1: neither exited nor signalled to the
 * fx_status_* calls, and never the 0 of success.
 */
void fx__result_finish(struct fx__result *res, fx_proc *const *procs, size_t n)
{
	res->pub.status = procs[n - 1]->reaped ? procs[n - 1]->status : -1;
	res->pub.end = end_of(res, procs[n - 1]->reaped);
}

/* ------------------------------------------------------------------ */
/* fx_run                                                              */
/* ------------------------------------------------------------------ */

static void free_frame(void *arg)
{
	struct run_frame *f = arg;

	for (size_t i = 0; i < f->nprocs; i++)
		fx_proc_free(f->procs[i]);
	free(f->owned);
	fx_result_free(&f->res->pub);
}

int fx__job_run_framed(struct run_frame *f)
{
	int rc;

	pthread_cleanup_push(free_frame, f);
	rc = fx__job_run(f->job, f->opts, f->res, f->started, f->err);
	pthread_cleanup_pop(0);
	return rc;
}

static const struct fx__stdio stdio_pipe = { .how = FX_STDIO_PIPE_NONBLOCK };
static const struct fx__stdio stdio_merge = { .how = FX_STDIO_STDOUT };

/* The process group a child with these attributes ends up in. */
static pid_t group_of(const struct fx_attr *attr, const struct fx__spawn_opts *xo, pid_t pid)
{
	pid_t pgid = xo->set_pgid ? xo->pgid : attr ? attr->pgid : -1;

	if ((attr && (attr->flags & FX_SETSID)) || pgid == 0)
		return pid;
	return pgid > 0 ? pgid : 0;
}

int fx_run(fx_result **res, const char *file, char *const argv[], const fx_attr *attr,
           const fx_run_opts *opts, fx_error *err)
{
	struct fx_run_opts defaults;
	struct fx__spawn_opts xo;
	struct fx__result *r;
	struct fx__job job;
	fx_error scratch;
	fx_proc *proc = NULL;
	int64_t t0 = fx__now_ns(), t1;
	int rc;

	if (!err)
		err = &scratch;
	fx__set_error(err, FX_STEP_NONE, 0, -1);
	if (!res)
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	*res = NULL;
	if (!opts) {
		fx__run_opts_defaults(&defaults);
		opts = &defaults;
	}
	memset(&xo, 0, sizeof xo);
	if (opts->has_input)
		xo.stdio[FX_STDIN] = &stdio_pipe;
	if (fx__run_flags(opts) & FX_RUN_CAPTURE_STDOUT)
		xo.stdio[FX_STDOUT] = &stdio_pipe;
	if (opts->flags & FX_RUN_MERGE_STDERR)
		xo.stdio[FX_STDERR] = &stdio_merge;
	else if (fx__run_flags(opts) & FX_RUN_CAPTURE_STDERR)
		xo.stdio[FX_STDERR] = &stdio_pipe;
	xo.pipe_size = opts->pipe_size;
	if ((opts->flags & FX_RUN_KILL_GROUP) && (!attr || (attr->pgid < 0 &&
	                                                    !(attr->flags & FX_SETSID)))) {
		xo.set_pgid = 1;
		xo.pgid = 0;
	}

	r = fx__result_new();
	if (!r)
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	rc = fx__spawn_ex(&proc, file, argv, attr, &xo, err);
	t1 = fx__now_ns();
	if (rc < 0) {
		fx_result_free(&r->pub);
		return rc;
	}
	memset(&job, 0, sizeof job);
	job.procs = &proc;
	job.nprocs = 1;
	job.pgid = (opts->flags & FX_RUN_KILL_GROUP) ? group_of(attr, &xo, proc->pid) : 0;
	for (int s = 0; s < 3; s++) {
		job.fd[s] = proc->stdio[s];
		proc->stdio[s] = -1;
		/* attr's own pipes are blocking; the loop needs them not. */
		if (job.fd[s] >= 0)
			(void)fcntl(job.fd[s], F_SETFL, fcntl(job.fd[s], F_GETFL) | O_NONBLOCK);
	}
	r->pub.pid = proc->pid;
	r->pub.spawn_ns = t1 - t0;
	struct run_frame frame = { r, &proc, 1, NULL, &job, opts, t1, err };
	rc = fx__job_run_framed(&frame);
	if (rc < 0) {
		fx_proc_free(proc);
		fx_result_free(&r->pub);
		return rc;
	}
	fx__result_finish(r, &proc, 1);
	fx_proc_free(proc);
	r->pub.total_ns = fx__now_ns() - t0;
	*res = &r->pub;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Step by step                                                        */
/* ------------------------------------------------------------------ */

int fx_proc_stdio_fd(const fx_proc *proc, int stream)
{
	if (!proc || stream < 0 || stream > 2)
		return -1;
	return proc->stdio[stream];
}

int fx_proc_take_stdio_fd(fx_proc *proc, int stream)
{
	int fd;

	if (!proc || stream < 0 || stream > 2)
		return -1;
	fd = proc->stdio[stream];
	proc->stdio[stream] = -1;
	return fd;
}

int fx_proc_close_stdio(fx_proc *proc, int stream)
{
	if (!proc || stream < 0 || stream > 2)
		return -EINVAL;
	if (proc->stdio[stream] < 0)
		return -EBADF;
	close_fd(&proc->stdio[stream]);
	return 0;
}

/* Waits for `events` on fd until the deadline (INT64_MAX: none):
 * 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		int64_t now = fx__now_ns();
		int n = poll(&p, 1, fx__poll_timeout(deadline, now));

		if (n > 0)
			return 1;
		if (n == 0 && deadline != INT64_MAX && fx__now_ns() >= deadline)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

int64_t fx__deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? INT64_MAX : fx__now_ns() + (int64_t)timeout_ms * 1000000;
}

ssize_t fx_proc_write(fx_proc *proc, const void *buf, size_t len, int timeout_ms)
{
	struct fx__pipe_guard guard;
	int64_t deadline = fx__deadline_of(timeout_ms);
	size_t done = 0;
	int fd, flags, rc = 0;

	if (!proc || (!buf && len))
		return -EINVAL;
	fd = proc->stdio[FX_STDIN];
	if (fd < 0)
		return -EBADF;
	if (len == 0)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -errno;
	fx__pipe_guard_begin(&guard);
	while (done < len) {
		/* A blocking end is written only after poll saw room, and no
		 * more than PIPE_BUF at once, which one free slot takes whole:
		 * the write cannot block past the deadline. */
		size_t want = len - done;
		ssize_t n;

		if (!(flags & O_NONBLOCK)) {
			rc = wait_fd(fd, POLLOUT, deadline);
			if (rc <= 0)
				break;
			if (want > PIPE_BUF)
				want = PIPE_BUF;
		}
		n = write(fd, (const char *)buf + done, want);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			rc = wait_fd(fd, POLLOUT, deadline);
			if (rc <= 0)
				break;
			continue;
		}
		if (n < 0 && errno == EPIPE)
			fx__pipe_guard_epipe(&guard);
		rc = n < 0 ? -errno : -EIO;
		break;
	}
	fx__pipe_guard_end(&guard);
	if (done > 0)
		return (ssize_t)done;
	if (rc < 0)
		return rc;
	return timeout_ms == 0 ? -EAGAIN : -ETIMEDOUT;
}

ssize_t fx_proc_read(fx_proc *proc, int stream, void *buf, size_t len, int timeout_ms)
{
	int64_t deadline = fx__deadline_of(timeout_ms);
	int fd;

	if (!proc || (stream != FX_STDOUT && stream != FX_STDERR) || (!buf && len))
		return -EINVAL;
	fd = proc->stdio[stream];
	if (fd < 0)
		return -EBADF;
	if (len == 0)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	for (;;) {
		int rc = wait_fd(fd, POLLIN, deadline);
		ssize_t n;

		if (rc < 0)
			return rc;
		if (rc == 0)
			return timeout_ms == 0 ? -EAGAIN : -ETIMEDOUT;
		/* Readable: a blocking end returns what is there. */
		n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}
