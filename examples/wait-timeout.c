/* SPDX-License-Identifier: MIT */
/*
 * wait-timeout: run a command, give it a deadline, kill it if it runs over.
 *
 *     wait-timeout MILLISECONDS COMMAND [ARG...]
 *
 * Prints how the command ended and exits with its exit code, 124 if it
 * ran over (as timeout(1) does), 127 if it could not be started.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <forkexec.h>

int main(int argc, char *argv[])
{
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 3) {
		fprintf(stderr, "usage: wait-timeout MILLISECONDS COMMAND [ARG...]\n");
		return 2;
	}
	int timeout_ms = atoi(argv[1]);

	/* No attributes (NULL): the child inherits stdin, stdout, stderr and
	 * the environment; every other descriptor is closed in it.  A command
	 * without '/' is searched in PATH by the parent, before the child
	 * exists. */
	rc = fx_spawn(&proc, argv[2], &argv[2], NULL, &err);
	if (rc < 0) {
		fprintf(stderr, "wait-timeout: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}

	/* fx_proc_wait polls the child's pidfd: no SIGCHLD handler, no sleep loop. */
	rc = fx_proc_wait(proc, &status, timeout_ms);
	if (rc == -ETIMEDOUT) {
		/* fx_proc_kill signals through the pidfd, so it cannot hit another
		 * process that reused the pid.  Then reap it: the wait after a
		 * SIGKILL returns at once. */
		fx_proc_kill(proc, SIGKILL);
		fx_proc_wait(proc, &status, -1);
		printf("pid %d ran over %d ms: killed\n", (int)fx_proc_pid(proc), timeout_ms);
		fx_proc_free(proc);
		return 124;
	}
	if (rc < 0) {
		fprintf(stderr, "wait-timeout: wait: error %d\n", -rc);
		fx_proc_free(proc);
		return 1;
	}
	if (fx_status_exited(status))
		printf("exited with code %d\n", fx_status_code(status));
	else
		printf("killed by signal %d\n", fx_status_signal(status));
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
