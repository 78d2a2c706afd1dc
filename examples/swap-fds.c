/* SPDX-License-Identifier: MIT */
/*
 * swap-fds: run a command with its stdout and stderr swapped.
 *
 *     swap-fds COMMAND [ARG...]
 *
 * What the command writes to its stdout lands on our stderr, and the
 * other way round: the shell's `3>&1 1>&2 2>&3 3>&-`, in two calls.
 */
#include <stdio.h>

#include <forkexec.h>

int main(int argc, char *argv[])
{
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 2) {
		fprintf(stderr, "usage: swap-fds COMMAND [ARG...]\n");
		return 2;
	}
	if (fx_attr_new(&attr) < 0)
		return 1;

	/* fx_attr_set_fd(attr, CHILD_FD, PARENT_FD): the child's fd 1 is our
	 * fd 2 and its fd 2 our fd 1.  The library resolves the cycle itself
	 * (a naive dup2(2, 1); dup2(1, 2) would give both the same file). */
	fx_attr_set_fd(attr, 1, 2);
	fx_attr_set_fd(attr, 2, 1);

	rc = fx_spawn(&proc, argv[1], &argv[1], attr, &err);
	fx_attr_free(attr);
	if (rc < 0) {
		fprintf(stderr, "swap-fds: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
