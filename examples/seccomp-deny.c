/* SPDX-License-Identifier: MIT */
/*
 * seccomp-deny: run a command with some system calls refused, by name.
 *
 *     seccomp-deny CALL[,CALL...] COMMAND [ARG...]
 *
 * The calls fail with EPERM; everything else runs.  The filter is
 * compiled from the names in this process, for this architecture, and
 * installed by the child just before it runs the command.
 */
#include <stdio.h>
#include <string.h>

#include <forkexec-linux.h>

#define MAX_CALLS 64

int main(int argc, char *argv[])
{
	const char *names[MAX_CALLS];
	size_t n = 0;
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 3) {
		fprintf(stderr, "usage: seccomp-deny CALL[,CALL...] COMMAND [ARG...]\n");
		return 2;
	}
	for (char *p = strtok(argv[1], ","); p && n < MAX_CALLS; p = strtok(NULL, ","))
		names[n++] = p;
	if (fx_attr_new(&attr) < 0)
		return 1;
	/* The kernel takes a filter from an unprivileged process only with
	 * no_new_privs; a name this architecture has not is -ENOENT. */
	if ((rc = fx_attr_set_no_new_privs(attr, 1)) < 0 ||
	    (rc = fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, n, 0)) < 0) {
		fprintf(stderr, "seccomp-deny: %s: %s\n", argv[1], strerror(-rc));
		fx_attr_free(attr);
		return 1;
	}
	rc = fx_spawn(&proc, argv[2], &argv[2], attr, &err);
	fx_attr_free(attr);
	if (rc < 0) {
		fprintf(stderr, "seccomp-deny: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
