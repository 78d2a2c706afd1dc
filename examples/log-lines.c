/* SPDX-License-Identifier: MIT */
/*
 * log-lines: follow a command's output line by line, keep the end of
 * its errors, as a CI runner does.
 *
 *     log-lines TAIL_BYTES COMMAND [ARG...]
 *
 * Each line of the command's stdout is printed as it comes, numbered,
 * by a line sink: nothing of stdout is kept in memory, however long it
 * runs.  Of its stderr only the last TAIL_BYTES are kept (FX_LIMIT_TAIL),
 * printed at the end, on stderr, with how much was dropped before
 * them.  A sink that fails (here: a write to this program's stdout
 * failed, as on a full disk: try `log-lines 100 yes >/dev/full`) ends
 * the command; the result says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <forkexec-io.h>

struct numbered {
	FILE *to;
	unsigned long n;
};

/* Each whole line, with its newline if it had one; NULL at the end. */
static int print_line(void *ctx, int stream, const char *line, size_t len)
{
	struct numbered *nb = ctx;

	(void)stream;
	if (!line)
		return fflush(nb->to) == 0 ? 0 : -EIO;
	fprintf(nb->to, "%5lu  %.*s", ++nb->n, (int)len, line);
	if (len && line[len - 1] != '\n')
		fputc('\n', nb->to);
	/* A stdout that cannot take more fails the run: no use going on. */
	return ferror(nb->to) ? -EIO : 0;
}

int main(int argc, char *argv[])
{
	struct numbered nb = { stdout, 0 };
	fx_run_opts *opts;
	fx_result *res;
	fx_error err;
	char msg[512];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: log-lines TAIL_BYTES COMMAND [ARG...]\n");
		return 2;
	}
	if (fx_run_opts_new(&opts) < 0)
		return 1;
	fx_run_opts_set_flags(opts, FX_RUN_CAPTURE_STDERR);
	fx_run_opts_set_line_sink(opts, FX_STDOUT, print_line, &nb);
	fx_run_opts_set_limit(opts, FX_STDERR, strtoul(argv[1], NULL, 10), FX_LIMIT_TAIL);

	rc = fx_run(&res, argv[2], &argv[2], NULL, opts, &err);
	fx_run_opts_free(opts);
	if (rc < 0) {
		fprintf(stderr, "log-lines: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	/* The summary on stderr, which the sink's failure left alone. */
	fprintf(stderr, "%lu lines; stderr: last %zu bytes", nb.n, res->err.len);
	if (res->err_dropped)
		fprintf(stderr, " (%llu dropped before them)",
		        (unsigned long long)res->err_dropped);
	fprintf(stderr, ":\n%s", res->err.data);
	if (res->end == FX_END_SINK)
		fprintf(stderr, "stopped: the line sink failed (%d), the command ended by signal %d\n",
		        res->sink_error, fx_status_signal(res->status));
	else if (res->end == FX_END_EXITED)
		fprintf(stderr, "exited with code %d\n", fx_status_code(res->status));
	else
		fprintf(stderr, "ended (fx_end %d, status %#x)\n", res->end, res->status);
	rc = res->end == FX_END_EXITED ? fx_status_code(res->status) : 124;
	fx_result_free(res);
	return rc;
}
