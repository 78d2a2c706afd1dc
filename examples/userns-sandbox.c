/* SPDX-License-Identifier: MIT */
/*
 * userns-sandbox: run a command as root of a new user namespace, with
 * no network, its own hostname, IPC and mount table.
 *
 *     userns-sandbox COMMAND [ARG...]
 *
 * Works for an ordinary user where the kernel allows unprivileged user
 * namespaces, and for root.  Our uid and gid become 0 inside; outside,
 * the command still has only our rights.
 */
#define _GNU_SOURCE /* CLONE_NEW* in <sched.h> */
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <forkexec-linux.h>

int main(int argc, char *argv[])
{
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 2) {
		fprintf(stderr, "usage: userns-sandbox COMMAND [ARG...]\n");
		return 2;
	}
	if (fx_attr_new(&attr) < 0)
		return 1;

	/* unshare --map-root-user: a new user namespace whose uid and gid 0
	 * are ours, with setgroups denied.  The parent writes the maps while
	 * the child waits; the child still shares our memory, so this costs
	 * no page-table copy. */
	if ((rc = fx_attr_set_root_maps(attr)) < 0 ||
	    (rc = fx_attr_set_namespaces(attr, CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWUTS |
	                                       CLONE_NEWIPC | CLONE_NEWNS)) < 0 ||
	    /* Nothing the command runs can gain privileges (set-user-ID). */
	    (rc = fx_attr_set_no_new_privs(attr, 1)) < 0) {
		fprintf(stderr, "userns-sandbox: %s\n", strerror(-rc));
		fx_attr_free(attr);
		return 1;
	}

	rc = fx_spawn(&proc, argv[1], &argv[1], attr, &err);
	fx_attr_free(attr);
	if (rc < 0) {
		/* E.g. `uid_map "0 1000 1": Operation not permitted`, or
		 * `namespaces: Operation not permitted` where user namespaces
		 * are disabled (kernel.unprivileged_userns_clone=0). */
		fprintf(stderr, "userns-sandbox: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
