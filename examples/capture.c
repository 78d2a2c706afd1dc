/* SPDX-License-Identifier: MIT */
/*
 * capture: run a command, capture its output, give it a deadline.
 *
 *     capture MILLISECONDS COMMAND [ARG...]
 *
 * fx_run reads stdout and stderr in one poll loop, so the child never
 * blocks on a full pipe whichever it writes first.  At the deadline the
 * child gets SIGTERM, and SIGKILL 1 s later if it is still there.
 */
#include <stdio.h>
#include <stdlib.h>

#include <forkexec-io.h>

int main(int argc, char *argv[])
{
	fx_run_opts *opts;
	fx_result *res;
	fx_error err;
	char msg[512];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: capture MILLISECONDS COMMAND [ARG...]\n");
		return 2;
	}
	if (fx_run_opts_new(&opts) < 0)
		return 1;
	fx_run_opts_set_flags(opts, FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR |
	                            FX_RUN_KILL_GROUP); /* the signals reach its children too */
	fx_run_opts_set_timeout(opts, atoi(argv[1]));
	fx_run_opts_set_kill(opts, SIGTERM, 1000);
	fx_run_opts_set_limit(opts, FX_STDOUT, 1 << 20, FX_LIMIT_KILL); /* 1 MiB at most */

	rc = fx_run(&res, argv[2], &argv[2], NULL, opts, &err);
	fx_run_opts_free(opts);
	if (rc < 0) {
		fprintf(stderr, "capture: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}

	/* The captured data is NUL-terminated, and len says how long it is
	 * (it may hold NUL bytes of its own). */
	printf("stdout (%zu bytes): %s", res->out.len, res->out.data);
	printf("stderr (%zu bytes): %s", res->err.len, res->err.data);
	if (res->end == FX_END_TIMEOUT)
		printf("timed out: ended by signal %d%s\n", fx_status_signal(res->status),
		       res->killed ? " after the grace period" : "");
	else if (res->end == FX_END_EXITED)
		printf("exited with code %d in %.0f ms\n", fx_status_code(res->status),
		       res->run_ns / 1e6);
	else
		printf("ended (fx_end %d, status %#x)\n", res->end, res->status);
	rc = res->end == FX_END_EXITED ? fx_status_code(res->status) : 124;
	fx_result_free(res);
	return rc;
}
