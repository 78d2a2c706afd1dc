/* SPDX-License-Identifier: MIT */
/*
 * Tests of sinks (fx_run_opts_set_sink, fx_run_opts_set_line_sink) and
 * of the tail limit (FX_LIMIT_TAIL): what a sink is given, byte for byte
 * and call by call, on stdout and stderr; a sink that fails, a sink and
 * a timeout, limits on a sink; a tail across its ring's wrap, with the
 * count of bytes dropped.
 *
 * The children write the pattern stream (pattern.h) through the probe,
 * so that every byte a sink or a tail gets is checked against what the
 * child wrote at that offset.  Every test ends checking that no
 * descriptor and no child is left.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "forkexec-io.h"
#include "fxt.h"
#include "io_harness.h"
#include "pattern.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* n bytes of the pattern stream of `seed` from its start, malloc'd. */
static unsigned char *pattern(uint64_t seed, size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	struct fxt_pattern pat;

	ASSERT(p != NULL);
	fxt_pattern_init(&pat, seed);
	fxt_pattern_fill(&pat, p, n);
	return p;
}

/*
 * What a sink saw of one stream: every byte checked against the pattern
 * the child writes, at its offset; calls after the end call or after
 * the sink failed are counted as errors.
 */
struct seen {
	int stream;             /* the stream it expects */
	const unsigned char *want; /* the bytes the child writes; NULL: not checked */
	size_t want_len;
	size_t got;             /* bytes given */
	size_t calls;           /* data calls */
	int ends;               /* end calls (NULL, 0) */
	int late;               /* calls after the end or after failing */
	int wrong;              /* a byte, a stream or a line boundary was wrong */
	size_t fail_after;      /* fail once this many bytes were given; 0: never */
	int failed;
	/* Line sinks: every line but the last ends with its only newline. */
	int lines;
	int last_unterminated;
};

static int seen_bytes(struct seen *s, int stream, const char *data, size_t len)
{
	if (s->ends || s->failed) {
		s->late++;
		return 0;
	}
	if (stream != s->stream)
		s->wrong++;
	if (!data) {
		if (len != 0)
			s->wrong++;
		s->ends++;
		return 0;
	}
	if (len == 0)
		s->wrong++;
	if (s->want && (s->got + len > s->want_len || memcmp(s->want + s->got, data, len) != 0))
		s->wrong++;
	s->got += len;
	s->calls++;
	if (s->fail_after && s->got >= s->fail_after) {
		s->failed = 1;
		return -ENOSPC;
	}
	return 0;
}

static int chunk_sink(void *ctx, int stream, const char *data, size_t len)
{
	return seen_bytes(ctx, stream, data, len);
}

static int line_sink(void *ctx, int stream, const char *line, size_t len)
{
	struct seen *s = ctx;

	if (line && !s->ends && !s->failed) {
		const char *nl = memchr(line, '\n', len);

		/* A line after one without newline, or a newline inside. */
		if (s->last_unterminated || (nl && nl != line + len - 1))
			s->wrong++;
		s->last_unterminated = !nl;
		s->lines++;
	}
	return seen_bytes(s, stream, line, len);
}

static size_t count_newlines(const unsigned char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* ------------------------------------------------------------------ */
/* Setters                                                             */
/* ------------------------------------------------------------------ */

TEST_ONCE(sink_setters)
{
	fx_run_opts *o = opts_new(0);
	struct seen s = { 0 };

	ASSERT_ERR(fx_run_opts_set_sink(NULL, FX_STDOUT, chunk_sink, &s), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_sink(o, FX_STDIN, chunk_sink, &s), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_line_sink(o, 3, line_sink, &s), -EINVAL);
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 10, FX_LIMIT_TAIL));
	ASSERT_ERR(fx_run_opts_set_limit(o, FX_STDOUT, 10, 4), -EINVAL);
	/* A sink keeps nothing, so it has no tail: refused either way. */
	ASSERT_ERR(fx_run_opts_set_sink(o, FX_STDOUT, chunk_sink, &s), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s), -EINVAL);
	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDERR, chunk_sink, &s));
	ASSERT_ERR(fx_run_opts_set_limit(o, FX_STDERR, 10, FX_LIMIT_TAIL), -EINVAL);
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDERR, 10, FX_LIMIT_KILL));
	/* Removing the sink allows the tail again. */
	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDERR, NULL, NULL));
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDERR, 10, FX_LIMIT_TAIL));
	fx_run_opts_free(o);
}

/* ------------------------------------------------------------------ */
/* Sinks                                                               */
/* ------------------------------------------------------------------ */

/* Both streams to sinks at once, 3 MiB each way: every byte in order,
 * one end call each, nothing kept in the result. */
TEST(sink_chunks_both_streams)
{
	const size_t n_in = 3 * 1024 * 1024 + 17, n_err = 3 * 1024 * 1024 + 5;
	int before = fxt_fd_count();
	unsigned char *in = pattern(7, n_in), *err_want = pattern(2, n_err);
	struct seen out = { .stream = FX_STDOUT, .want = in, .want_len = n_in };
	struct seen err = { .stream = FX_STDERR, .want = err_want, .want_len = n_err };
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	char pump[32];

	snprintf(pump, sizeof pump, "--pump=%zu", n_err);
	ASSERT_OK(fx_run_opts_set_input(o, in, n_in));
	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDOUT, chunk_sink, &out));
	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDERR, chunk_sink, &err));
	run_ok(&res, fxt_probe_argv(pump, NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->in_written, n_in);
	ASSERT_EQ(out.got, n_in);
	ASSERT_EQ(err.got, n_err);
	ASSERT_EQ(out.wrong + err.wrong, 0);
	ASSERT_EQ(out.ends, 1);
	ASSERT_EQ(err.ends, 1);
	ASSERT_EQ(out.late + err.late, 0);
	ASSERT(res->out.data == NULL && res->out.len == 0);
	ASSERT(res->err.data == NULL && res->err.len == 0);
	ASSERT_EQ(res->out_dropped, 0);
	ASSERT_EQ(res->sink_error, 0);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(in);
	free(err_want);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/*
 * A sink that fails: it is called no more (no end call either), its
 * pipe is closed and the child ended: `yes` by the kill signal or by the
 * SIGPIPE of its next write, whichever comes first; a child that writes
 * once then sleeps by the kill signal alone.  The result says so.
 */
TEST(sink_fails)
{
	int before = fxt_fd_count();
	char *yes[] = { (char *)"yes", NULL };
	struct seen s = { .stream = FX_STDOUT, .fail_after = 100000 };
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	int sig;

	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDOUT, chunk_sink, &s));
	ASSERT_OK(fx_run_opts_set_kill(o, SIGTERM, -1));
	run_ok(&res, yes, attr, o);
	ASSERT_EQ(res->end, FX_END_SINK);
	ASSERT_EQ(res->sink_error, -ENOSPC);
	sig = fx_status_signal(res->status);
	ASSERT(sig == SIGTERM || sig == SIGPIPE);
	ASSERT_EQ(res->killed, 0);
	ASSERT_EQ(s.failed, 1);
	ASSERT_EQ(s.late, 0);
	ASSERT_EQ(s.ends, 0);
	ASSERT_GE(s.got, 100000);
	fx_result_free(res);

	/* The sleeping child: only the kill signal can end it; stderr,
	 * which has no sink, is still read to its end. */
	memset(&s, 0, sizeof s);
	s.stream = FX_STDOUT;
	s.fail_after = 1;
	run_ok(&res, sh_argv("echo a; echo e >&2; exec sleep 100"), attr, o);
	ASSERT_EQ(res->end, FX_END_SINK);
	ASSERT_EQ(res->sink_error, -ENOSPC);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	ASSERT_EQ(s.got, 2);
	ASSERT_EQ(s.calls, 1);
	ASSERT_EQ(s.ends + s.late, 0);
	fx_result_free(res);

	/* A line sink fails the same way. */
	memset(&s, 0, sizeof s);
	s.stream = FX_STDOUT;
	s.fail_after = 1;
	ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s));
	run_ok(&res, sh_argv("echo a; exec sleep 100"), attr, o);
	ASSERT_EQ(res->end, FX_END_SINK);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	ASSERT_EQ(s.lines, 1);
	ASSERT_EQ(s.ends + s.late, 0);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/*
 * A sink under a timeout: what came before it, then the end call once
 * the killed child's pipe reaches end of file; the result says timeout.
 * The line must come before the timeout, which no speed of the machine
 * guarantees: the timeout doubles until it did.
 */
TEST(sink_timeout)
{
	int before = fxt_fd_count();
	struct seen s;
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	for (int timeout = 100;; timeout *= 2) {
		memset(&s, 0, sizeof s);
		s.stream = FX_STDOUT;
		s.want = (const unsigned char *)"a\n";
		s.want_len = 2;
		ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s));
		ASSERT_OK(fx_run_opts_set_timeout(o, timeout));
		run_ok(&res, sh_argv("echo a; exec sleep 100"), attr, o);
		ASSERT_EQ(res->end, FX_END_TIMEOUT);
		ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
		ASSERT_EQ(res->sink_error, 0);
		ASSERT_EQ(s.ends, 1);
		ASSERT_EQ(s.wrong + s.late, 0);
		fx_result_free(res);
		if (s.got == 2) {
			ASSERT_EQ(s.lines, 1);
			break;
		}
		ASSERT_EQ(s.got, 0);
		if (timeout > 60000)
			FAIL("no line before a timeout of %d ms", timeout);
	}

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A grandchild holding the pipe past the wait delay: the sink has what
 * the child wrote, then its end call once the pipe is closed. */
TEST(sink_wait_delay)
{
	int before = fxt_fd_count(), st;
	struct seen s = { .stream = FX_STDOUT, .want = (const unsigned char *)"x\n", .want_len = 2 };
	fx_run_opts *o = opts_new(FX_RUN_KILL_GROUP);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	/* The grandchild comes to us, not to the runner, and is reaped. */
	ASSERT_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDOUT, chunk_sink, &s));
	ASSERT_OK(fx_run_opts_set_wait_delay(o, 100));
	run_ok(&res, sh_argv("sleep 100 & echo x"), attr, o);
	ASSERT_EQ(res->end, FX_END_WAIT_DELAY);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(s.got, 2);
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(s.wrong + s.late, 0);
	kill(-res->pid, SIGKILL);
	fx_result_free(res);
	while (waitpid(-1, &st, __WALL) > 0 || errno == EINTR)
		;

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* Limits count what a sink is given: truncate (then the end call),
 * discard (the rest counted as dropped, exactly). */
TEST(sink_limits)
{
	const size_t n = 5000000;
	int before = fxt_fd_count();
	unsigned char *want = pattern(1, n);
	char *yes[] = { (char *)"yes", NULL };
	struct seen s = { .stream = FX_STDOUT };
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	ASSERT_OK(fx_run_opts_set_sink(o, FX_STDOUT, chunk_sink, &s));
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 1000, FX_LIMIT_TRUNCATE));
	run_ok(&res, yes, attr, o);
	ASSERT_EQ(s.got, 1000);
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(s.late, 0);
	ASSERT_EQ(res->out.truncated, 1);
	ASSERT_GE(res->out_dropped, 1);
	ASSERT_EQ(res->end, FX_END_SIGNALED);
	ASSERT_EQ(fx_status_signal(res->status), SIGPIPE);
	fx_result_free(res);

	memset(&s, 0, sizeof s);
	s.stream = FX_STDOUT;
	s.want = want;
	s.want_len = n;
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 70000, FX_LIMIT_DISCARD));
	run_ok(&res, fxt_probe_argv("--spew=5000000", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(s.got, 70000);
	ASSERT_EQ(s.wrong + s.late, 0);
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(res->out_dropped, n - 70000);
	ASSERT_EQ(res->out.truncated, 1);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(want);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/*
 * Line sinks: the pattern stream has a newline at random places, so 5 MB
 * of it is some 20,000 lines, many cut by the 64 KiB reads; each must
 * come whole, in order, and the last (the stream does not end with a
 * newline) without one.  Then short lines on both streams.
 */
TEST(sink_lines)
{
	const size_t n = 5000000;
	int before = fxt_fd_count();
	unsigned char *want = pattern(1, n);
	struct seen s = { .stream = FX_STDOUT, .want = want, .want_len = n };
	struct seen e = { .stream = FX_STDERR };
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	size_t lines = count_newlines(want, n) + (want[n - 1] != '\n');

	ASSERT_GT(lines, 1000);
	ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s));
	run_ok(&res, fxt_probe_argv("--spew=5000000", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(s.got, n);
	ASSERT_EQ((size_t)s.lines, lines);
	ASSERT_EQ(s.last_unterminated, want[n - 1] != '\n');
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(s.wrong + s.late, 0);
	fx_result_free(res);

	/* Both streams; a partial line completed by a later write; a last
	 * line without newline on stderr, with one on stdout. */
	memset(&s, 0, sizeof s);
	s.stream = FX_STDOUT;
	s.want = (const unsigned char *)"o1\no2 and more\n";
	s.want_len = strlen((const char *)s.want);
	e.want = (const unsigned char *)"e1\ne2";
	e.want_len = 5;
	ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s));
	ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDERR, line_sink, &e));
	run_ok(&res, sh_argv("printf 'o1\\no2'; printf 'e1\\ne2' >&2; printf ' and more\\n'"),
	       attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(s.got, s.want_len);
	ASSERT_EQ(s.lines, 2);
	ASSERT_EQ(s.last_unterminated, 0);
	ASSERT_EQ(e.got, 5);
	ASSERT_EQ(e.lines, 2);
	ASSERT_EQ(e.last_unterminated, 1);
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(e.ends, 1);
	ASSERT_EQ(s.wrong + s.late + e.wrong + e.late, 0);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(want);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* The tail                                                            */
/* ------------------------------------------------------------------ */

/*
 * FX_LIMIT_TAIL keeps exactly the last bytes, in order, whatever the
 * ring's size against the reads (larger than a read, so that a read
 * wraps inside it; smaller, so that one read replaces all of it; the
 * stream's size exactly, so that nothing is dropped; 0), and counts the
 * rest as dropped.
 */
TEST(tail_wraps)
{
	static const size_t sizes[] = { 100003, 1000, 5000000, 5000001, 0 };
	const size_t n = 5000000;
	int before = fxt_fd_count();
	unsigned char *want = pattern(1, n);
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t keep = sizes[k] < n ? sizes[k] : n;

		ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, sizes[k], FX_LIMIT_TAIL));
		run_ok(&res, fxt_probe_argv("--spew=5000000", NULL), attr, o);
		ASSERT_EQ(res->end, FX_END_EXITED);
		ASSERT_EQ(res->status, 0);
		ASSERT_EQ(res->out.len, keep);
		ASSERT(res->out.data != NULL);
		if (memcmp(res->out.data, want + (n - keep), keep) != 0)
			FAIL("tail of %zu: not the last %zu bytes", sizes[k], keep);
		ASSERT_EQ(res->out.data[keep], 0);
		ASSERT_EQ(res->out_dropped, n - keep);
		ASSERT_EQ(res->out.truncated, keep < n);
		fx_result_free(res);
	}

	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(want);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* The tail of stderr while stdout is kept whole, with input fed: each
 * stream its own limit, its own count. */
TEST(tail_stderr)
{
	const size_t n_in = 1024 * 1024, n_err = 3 * 1024 * 1024 + 5, keep = 200001;
	int before = fxt_fd_count();
	unsigned char *in = pattern(7, n_in), *err_want = pattern(2, n_err);
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	char pump[32];

	snprintf(pump, sizeof pump, "--pump=%zu", n_err);
	ASSERT_OK(fx_run_opts_set_input(o, in, n_in));
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDERR, keep, FX_LIMIT_TAIL));
	run_ok(&res, fxt_probe_argv(pump, NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->out.len, n_in);
	ASSERT(memcmp(res->out.data, in, n_in) == 0);
	ASSERT_EQ(res->out_dropped, 0);
	ASSERT_EQ(res->out.truncated, 0);
	ASSERT_EQ(res->err.len, keep);
	ASSERT(memcmp(res->err.data, err_want + (n_err - keep), keep) == 0);
	ASSERT_EQ(res->err_dropped, n_err - keep);
	ASSERT_EQ(res->err.truncated, 1);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(in);
	free(err_want);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A pipeline's last stage into a line sink: the sink makes the pipe
 * there, as fx_run's does. */
TEST(sink_pipeline)
{
	int before = fxt_fd_count();
	char *sh1[] = { (char *)"/bin/sh", (char *)"-c", (char *)"printf 'b\\na\\nc'", NULL };
	char *sort[] = { (char *)"sort", NULL };
	struct seen s = { .stream = FX_STDOUT, .want = (const unsigned char *)"a\nb\nc\n",
	                  .want_len = 6 };
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_pipeline *pl;
	fx_result *res;
	fx_error err;

	ASSERT_OK(fx_run_opts_set_line_sink(o, FX_STDOUT, line_sink, &s));
	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_OK(fx_pipeline_add(pl, sh1[0], sh1, attr));
	ASSERT_OK(fx_pipeline_add(pl, "sort", sort, attr));
	ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT(res->out.data == NULL);
	ASSERT_EQ(s.got, 6);
	ASSERT_EQ(s.lines, 3);
	ASSERT_EQ(s.ends, 1);
	ASSERT_EQ(s.wrong + s.late, 0);
	fx_result_free(res);
	fx_pipeline_free(pl);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}
