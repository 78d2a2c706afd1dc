/* SPDX-License-Identifier: MIT */
/*
 * sandbox: run a command as bubblewrap would, in one spawn: root of a
 * new user namespace (our ids outside), new mount, pid, ipc, uts and
 * network namespaces, a root holding only /usr (read-only), the /bin,
 * /lib and /lib64 links, a private /tmp, /proc and a minimal /dev;
 * seccomp refuses tracing.  (Landlock, fx_attr_add_landlock_path, is the
 * way where user namespaces are off; its paths are resolved in the
 * caller's view, so it cannot name this view's new /tmp.)
 *
 *     sandbox COMMAND [ARG...]      (COMMAND: a path in the new root)
 *
 * Works for an ordinary user where the kernel allows unprivileged user
 * namespaces.
 */
#define _GNU_SOURCE /* CLONE_NEW* in <sched.h> */
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <forkexec-linux.h>

static int build(fx_attr *attr)
{
	static const char *const deny[] = { "ptrace", "process_vm_readv", "process_vm_writev" };
	int rc;

	if ((rc = fx_attr_set_namespaces(attr, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
	                                       CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET)) < 0 ||
	    (rc = fx_attr_set_root_maps(attr)) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/usr", "/usr")) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/bin", "/bin")) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/lib", "/lib")) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/lib64", "/lib64")) < 0 ||
	    (rc = fx_attr_add_tmpfs(attr, "/tmp", 64 << 20, 01777)) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_PROC, NULL, "/proc")) < 0 ||
	    (rc = fx_attr_add_mount(attr, FX_MOUNT_DEV, NULL, "/dev")) < 0 ||
	    (rc = fx_attr_set_hostname(attr, "sandbox")) < 0 ||
	    (rc = fx_attr_set_no_new_privs(attr, 1)) < 0 ||
	    (rc = fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny, 3, 0)) < 0)
		return rc;
	return 0;
}

int main(int argc, char *argv[])
{
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 2) {
		fprintf(stderr, "usage: sandbox COMMAND [ARG...]\n");
		return 2;
	}
	if (fx_attr_new(&attr) < 0)
		return 1;
	/* An environment of the sandbox's own: the caller's PATH may name
	 * directories the view does not have. */
	static char *const env[] = { "PATH=/usr/bin:/bin", "HOME=/tmp", "LC_ALL=C", NULL };
	if ((rc = build(attr)) < 0 || (rc = fx_attr_set_env(attr, env)) < 0) {
		fprintf(stderr, "sandbox: %s\n", strerror(-rc));
		fx_attr_free(attr);
		return 1;
	}
	rc = fx_spawn(&proc, argv[1], &argv[1], attr, &err);
	fx_attr_free(attr);
	if (rc < 0) {
		/* E.g. `ro-bind "/usr" -> "/usr": Operation not permitted`. */
		fprintf(stderr, "sandbox: %s\n", fx_strerror(&err, msg, sizeof msg));
		return 127;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	return fx_status_exited(status) ? fx_status_code(status) : 128 + fx_status_signal(status);
}
