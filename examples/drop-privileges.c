/* SPDX-License-Identifier: MIT */
/*
 * drop-privileges: run a program as another user, inside a chroot.
 *
 *     drop-privileges UID GID NEWROOT PROGRAM [ARG...]
 *
 * Must be run as root.  PROGRAM is a path inside NEWROOT (a static
 * program needs nothing else there).  The child takes these steps, in
 * this order, with raw system calls: chroot(NEWROOT), chdir("/"),
 * setgroups(0 groups), setgid(GID), setuid(UID) (which, for a UID other
 * than 0, also leaves it no capability), then execve.
 */
#include <stdio.h>
#include <stdlib.h>

#include <forkexec.h>

int main(int argc, char *argv[])
{
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 5) {
		fprintf(stderr, "usage: drop-privileges UID GID NEWROOT PROGRAM [ARG...]\n");
		return 2;
	}
	if (fx_attr_new(&attr) < 0)
		return 1;

	/* Each setter checks its argument now and returns a negative errno
	 * if it is bad, so a spawn never fails later for a typo. */
	if ((rc = fx_attr_set_chroot(attr, argv[3])) < 0 ||
	    (rc = fx_attr_set_groups(attr, 0, NULL)) < 0 || /* no supplementary group */
	    (rc = fx_attr_set_gid(attr, (gid_t)strtoul(argv[2], NULL, 10))) < 0 ||
	    (rc = fx_attr_set_uid(attr, (uid_t)strtoul(argv[1], NULL, 10))) < 0) {
		fprintf(stderr, "drop-privileges: bad attribute (error %d)\n", -rc);
		fx_attr_free(attr);
		return 2;
	}

	/* A clean environment: the child must not inherit ours. */
	char *env[] = { "PATH=/bin:/usr/bin", NULL };
	fx_attr_set_env(attr, env);

	rc = fx_spawn(&proc, argv[4], &argv[4], attr, &err);
	fx_attr_free(attr); /* the attributes may go as soon as the spawn returns */
	if (rc < 0) {
		/* The error names the step: `chroot "/nope": No such file or
		 * directory`, `setuid 1000: Operation not permitted`. */
		fprintf(stderr, "drop-privileges: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
