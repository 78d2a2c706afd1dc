/* SPDX-License-Identifier: MIT */
/*
 * many-children: start several children and report each one as it ends.
 *
 *     many-children N
 *
 * Child i sleeps i/10 s and exits with code i.  A waitset watches their
 * pidfds together (epoll): each fx_waitset_wait returns whichever child
 * ended first and reaps it, without a SIGCHLD handler and without ever
 * reaping a child that is not in the set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <forkexec-io.h>

int main(int argc, char *argv[])
{
	fx_waitset *ws;
	fx_error err;
	char msg[512];
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int rc, failed = 0;

	if (n < 1 || n > 100) {
		fprintf(stderr, "usage: many-children N (1 to 100)\n");
		return 2;
	}
	if ((rc = fx_waitset_new(&ws)) < 0) {
		fprintf(stderr, "many-children: fx_waitset_new: %s\n", strerror(-rc));
		return 1;
	}

	for (int i = 0; i < n; i++) {
		char script[64];
		snprintf(script, sizeof script, "sleep 0.%d; exit %d", i, i);
		char *cargv[] = { "sh", "-c", script, NULL };
		fx_proc *proc;

		if (fx_spawn(&proc, "sh", cargv, NULL, &err) < 0) {
			fprintf(stderr, "many-children: %s\n", fx_strerror(&err, msg, sizeof msg));
			failed = 1;
			break;
		}
		/* The set does not own the handle: we free it once returned. */
		if ((rc = fx_waitset_add(ws, proc)) < 0) {
			fprintf(stderr, "many-children: fx_waitset_add: %s\n", strerror(-rc));
			fx_proc_kill(proc, SIGKILL);
			fx_proc_wait(proc, NULL, -1);
			fx_proc_free(proc);
			failed = 1;
			break;
		}
	}
	printf("started %zu children\n", fx_waitset_count(ws));

	/* One child per call, in the order they end, until the set is empty
	 * (-ENOENT). */
	for (;;) {
		fx_proc *done;
		int status;

		rc = fx_waitset_wait(ws, &done, &status, 10000);
		if (rc == -ENOENT)
			break;
		if (rc < 0) {
			fprintf(stderr, "many-children: fx_waitset_wait: %s\n", strerror(-rc));
			failed = 1;
			break;
		}
		printf("pid %d exited with code %d\n", (int)fx_proc_pid(done), fx_status_code(status));
		fx_proc_free(done);
	}
	fx_waitset_free(ws);
	return failed;
}
