/* SPDX-License-Identifier: MIT */
/*
 * The filesystem view (fx_attr_add_mount, fx_attr_add_tmpfs,
 * fx_attr_set_hostname): each kind seen from inside the child (the
 * probe, bound into the view, lists directories and tries files), the
 * root holding exactly what was asked, a failing operation named with
 * its subject and leaving nothing behind; as root and as root of a user
 * namespace mapped to uid 65534.
 */
#include "fxt.h"
#include "forkexec-linux.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

/* A view with the probe at /fxprobe and /proc (it reads its report
 * from there), in new mount and pid namespaces. */
static fx_attr *view_attr(unsigned long more_ns)
{
	fx_attr *attr = fxt_attr();

	/* Only the clone can give the child a new pid namespace. */
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_CLONE));
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNS | CLONE_NEWPID | more_ns));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, fxt_probe_path(), "/fxprobe"));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_PROC, NULL, "/proc"));
	return attr;
}

static const char *try_in_view(fx_attr *attr, const char *arg, const char *key, char *out,
                               size_t len)
{
	const char *const args[] = { arg, NULL };
	fxt_report *r = NULL;
	fx_error err;
	int status, rc;

	rc = fxt_probe_file("/fxprobe", attr, args, &r, &status, &err);
	ASSERT_SPAWNED(rc, &err);
	ASSERT_EQ(status, 0);
	snprintf(out, len, "%s", fxt_get(r, key) ? fxt_get(r, key) : "(none)");
	fxt_report_free(r);
	return out;
}

/* The root holds what the operations put there, nothing else. */
TEST(mounts_root_is_exactly_the_view)
{
	fx_attr *attr = view_attr(0);
	char buf[4096];

	ASSERT_OK(fx_attr_add_tmpfs(attr, "/tmp", 1 << 20, 01777));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_DIR, NULL, "/work/deep"));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/bin", "/bin"));
	ASSERT_STR_EQ(try_in_view(attr, "--try-ls=/", "try.ls", buf, sizeof buf),
	              "bin,fxprobe,proc,tmp,work");
	ASSERT_STR_EQ(try_in_view(attr, "--try-ls=/work", "try.ls", buf, sizeof buf), "deep");
	ASSERT_STR_EQ(try_in_view(attr, "--try-create=/tmp/x", "try.create", buf, sizeof buf), "0");
	/* Our own /tmp did not get the base or the new root. */
	{
		struct stat st;

		ASSERT(stat("/tmp/newroot", &st) < 0 && stat("/tmp/oldroot", &st) < 0);
	}
	fx_attr_free(attr);
}

/* bind is writable, ro-bind is not (EROFS); both show the host's files. */
TEST(mounts_bind_and_ro_bind)
{
	fx_attr *attr = view_attr(0);
	char *dir = fxt_tmpdir(), *f = fxt_join(dir, "f"), *made = fxt_join(dir, "made");
	char buf[4096];
	struct stat st;

	fxt_write_file(f, "x", 0644);
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_BIND, dir, "/rw"));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, dir, "/ro"));
	ASSERT_STR_EQ(try_in_view(attr, "--try-ls=/ro", "try.ls", buf, sizeof buf), "f");
	ASSERT_STR_EQ(try_in_view(attr, "--try-create=/ro/made", "try.create", buf, sizeof buf),
	              "30" /* EROFS */);
	ASSERT_STR_EQ(try_in_view(attr, "--try-create=/rw/made", "try.create", buf, sizeof buf),
	              "0");
	ASSERT_OK(stat(made, &st));
	fx_attr_free(attr);
	free(made);
	free(f);
	free(dir);
}

/* The minimal /dev: its names, and a device that works. */
TEST(mounts_minimal_dev)
{
	fx_attr *attr = view_attr(0);
	char buf[4096];

	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_DEV, NULL, "/dev"));
	ASSERT_STR_EQ(try_in_view(attr, "--try-ls=/dev", "try.ls", buf, sizeof buf),
	              "fd,full,null,ptmx,pts,random,shm,stderr,stdin,stdout,tty,urandom,zero");
	ASSERT_STR_EQ(try_in_view(attr, "--try-open=/dev/urandom", "try.open", buf, sizeof buf),
	              "0");
	ASSERT_STR_EQ(try_in_view(attr, "--try-ls=/dev/pts", "try.ls", buf, sizeof buf), "ptmx");
	fx_attr_free(attr);
}

/* mqueue (with a new ipc namespace), remount-ro, and the hostname. */
TEST(mounts_mqueue_remount_hostname)
{
	fx_attr *attr = view_attr(CLONE_NEWIPC | CLONE_NEWUTS);
	fxt_report *r;
	const char *const args[] = { "--try-create=/data/x", NULL };
	fx_error err;
	int status;

	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_MQUEUE, NULL, "/dev/mqueue"));
	ASSERT_OK(fx_attr_add_tmpfs(attr, "/data", 0, 0755));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_REMOUNT_RO, NULL, "/data"));
	ASSERT_OK(fx_attr_set_hostname(attr, "inside"));
	ASSERT_SPAWNED(fxt_probe_file("/fxprobe", attr, args, &r, &status, &err), &err);
	ASSERT_EQ(status, 0);
	ASSERT_EQ(fxt_get_ll(r, "try.create"), EROFS);
	ASSERT_STR_EQ(fxt_get(r, "hostname"), "inside");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A failing operation: its kind, source and destination named; no
 * child, no descriptor left; our /tmp untouched. */
TEST(mounts_failure_named)
{
	static char *const argv[] = { "/fxprobe", NULL };
	fx_attr *attr = view_attr(0);
	fx_proc *proc = NULL;
	fx_error err;
	struct stat st;
	int fds = fxt_fd_count();

	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/nope", "/x"));
	ASSERT_EQ(fx_spawn(&proc, "/fxprobe", argv, attr, &err), -ENOENT);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_MOUNT, ENOENT, 2,
	              "ro-bind \"/nope\" -> \"/x\": No such file or directory");
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
	ASSERT(stat("/tmp/newroot", &st) < 0);
	fx_attr_free(attr);
}

TEST(mounts_refused)
{
	fx_attr *attr = fxt_attr();
	static char *const argv[] = { "/fxprobe", NULL };
	fx_proc *proc = NULL;
	fx_error err;

	ASSERT_ERR(fx_attr_add_mount(attr, FX_MOUNT_BIND, "rel", "/x"), -EINVAL);
	ASSERT_ERR(fx_attr_add_mount(attr, FX_MOUNT_BIND, "/a", "x"), -EINVAL);
	ASSERT_ERR(fx_attr_add_mount(attr, FX_MOUNT_BIND, NULL, "/x"), -EINVAL);
	ASSERT_ERR(fx_attr_add_mount(attr, 0, NULL, "/x"), -EINVAL);
	ASSERT_ERR(fx_attr_add_mount(attr, 99, NULL, "/x"), -EINVAL);
	ASSERT_ERR(fx_attr_add_tmpfs(attr, "/x", 0, 010000), -EINVAL);
	ASSERT_ERR(fx_attr_set_hostname(attr, ""), -EINVAL);
	/* A view without a mount namespace of its own. */
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_DIR, NULL, "/x"));
	ASSERT_EQ(fx_spawn(&proc, "/fxprobe", argv, attr, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_MOUNT, EINVAL, -1,
	              fxt_msg_of("the view needs a new mount namespace (CLONE_NEWNS)", EINVAL));
	fxt_assert_no_children();
	fx_attr_free(attr);
}

/* A hostname without a uts namespace of its own is refused before any
 * child exists (sethostname would rename the host), and the message
 * says why; with one (and no view) it is the child's name. */
TEST(mounts_hostname_needs_uts)
{
	static char *const argv[] = { "/fxprobe", NULL };
	const char *const args[] = { NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fxt_report *r;
	fx_error err;
	char ours[256], ours_after[256];
	int status, fds = fxt_fd_count();

	ASSERT_OK(gethostname(ours, sizeof ours));
	ASSERT_OK(fx_attr_set_hostname(attr, "box"));
	ASSERT_EQ(fx_spawn(&proc, "/fxprobe", argv, attr, &err), -EINVAL);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_MOUNT, EINVAL, -1,
	              fxt_msg_of("hostname \"box\" needs a new uts namespace (CLONE_NEWUTS)",
	                         EINVAL));
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
	/* A view in new mount and pid namespaces does not give one. */
	fx_attr_free(attr);
	attr = view_attr(0);
	ASSERT_OK(fx_attr_set_hostname(attr, "box"));
	ASSERT_EQ(fx_spawn(&proc, "/fxprobe", argv, attr, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_MOUNT, EINVAL, -1,
	              fxt_msg_of("hostname \"box\" needs a new uts namespace (CLONE_NEWUTS)",
	                         EINVAL));
	fxt_assert_no_children();
	fx_attr_free(attr);
	/* With CLONE_NEWUTS alone: the child's hostname, the host's kept. */
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUTS));
	ASSERT_OK(fx_attr_set_hostname(attr, "box"));
	ASSERT_SPAWNED(fxt_probe(attr, args, &r, &status, &err), &err);
	ASSERT_EQ(status, 0);
	ASSERT_STR_EQ(fxt_get(r, "hostname"), "box");
	ASSERT_OK(gethostname(ours_after, sizeof ours_after));
	ASSERT_STR_EQ(ours_after, ours);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/*
 * Unprivileged: a process of uid 65534 (this test forks one and drops
 * to it) builds the same view as root of its own user namespace.  The
 * checks run in that process, which exits with the number of the first
 * that failed; 77 says the host allows no unprivileged user namespace.
 */
static int unprivileged_view(void)
{
	fx_attr *attr;
	fxt_report *r = NULL;
	const char *const ls[] = { "--try-ls=/", NULL };
	const char *const dev[] = { "--try-open=/dev/null", NULL };
	fx_error err;
	int status, rc;

	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 1;
	/* Dropping from root made us undumpable, and our children's /proc
	 * files (their maps) root's: a process born to 65534 is dumpable. */
	if (prctl(PR_SET_DUMPABLE, 1) < 0)
		return 1;
	if (fx_attr_new(&attr) < 0 || fx_attr_set_backend(attr, FX_BACKEND_CLONE) < 0 ||
	    fx_attr_set_namespaces(attr, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0 ||
	    fx_attr_set_root_maps(attr) < 0 ||
	    fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, fxt_probe_path(), "/fxprobe") < 0 ||
	    fx_attr_add_mount(attr, FX_MOUNT_PROC, NULL, "/proc") < 0 ||
	    fx_attr_add_tmpfs(attr, "/tmp", 0, 01777) < 0 ||
	    fx_attr_add_mount(attr, FX_MOUNT_DEV, NULL, "/dev") < 0)
		return 2;
	rc = fxt_probe_file("/fxprobe", attr, ls, &r, &status, &err);
	if (rc == -EPERM && err.step == FX_STEP_NAMESPACES)
		return 77;
	if (rc < 0 || status != 0) {
		char msg[512];

		fprintf(stderr, "# uid 65534: %s, status %d\n",
		        rc < 0 ? fx_strerror(&err, msg, sizeof msg) : "spawned", status);
		return 3;
	}
	if (!fxt_get(r, "try.ls") || strcmp(fxt_get(r, "try.ls"), "dev,fxprobe,proc,tmp") != 0)
		return 4;
	if (!fxt_get(r, "uid") || strncmp(fxt_get(r, "uid"), "0,", 2) != 0)
		return 5;
	fxt_report_free(r);
	rc = fxt_probe_file("/fxprobe", attr, dev, &r, &status, &err);
	if (rc < 0 || status != 0 || fxt_get_ll(r, "try.open") != 0)
		return 6;
	fxt_report_free(r);
	fx_attr_free(attr);
	return 0;
}

TEST(mounts_unprivileged_user_namespace)
{
	int status;
	pid_t pid;

	if (access(fxt_probe_path(), X_OK) != 0)
		SKIP("no probe");
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(unprivileged_view());
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		SKIP("this host refuses uid 65534 a user namespace (namespaces: EPERM)");
	ASSERT_EQ(WEXITSTATUS(status), 0);
}
