/* SPDX-License-Identifier: MIT */
/*
 * Mount propagation of a new mount namespace
 * (fx_attr_set_mount_propagation, fxrun --propagation).
 *
 * Each test first gives its own process a private scratch mount
 * namespace (the runner runs every test in a process of its own), so
 * nothing it mounts reaches the host.  There it makes a tmpfs with
 * shared propagation, as systemd makes /, and spawns a child with a new
 * mount namespace that mounts another tmpfs under it (util-linux's
 * mount(8), run by sh).  Whether the test's own namespace then sees the
 * child's mount is the outcome: by default it must not (private, as
 * unshare(1) and Go); with SHARED or UNCHANGED it must; with SLAVE not.
 * In a new user namespace the kernel has already turned the copies of
 * shared mounts into slaves: nothing leaks whatever is asked, and the
 * default must still work.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fxt.h"
#include "forkexec-linux.h"

static const char *const mount_bin = "/usr/bin/mount";

/* A shared tmpfs at a new directory, in a private mount namespace of
 * this test process; returns the directory, with an empty "x" in it. */
static char *shared_scratch(void)
{
	char *dir, *x;

	if (access(mount_bin, X_OK) != 0)
		SKIP("no %s", mount_bin);
	if (unshare(CLONE_NEWNS) < 0)
		SKIP("unshare(CLONE_NEWNS): %s (needs CAP_SYS_ADMIN)", strerror(errno));
	ASSERT_SYS(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	dir = fxt_tmpdir();
	ASSERT_SYS(mount("fxscratch", dir, "tmpfs", 0, "size=64k"));
	ASSERT_SYS(mount(NULL, dir, NULL, MS_SHARED, NULL));
	x = fxt_join(dir, "x");
	ASSERT_SYS(mkdir(x, 0755));
	free(x);
	return dir;
}

/* Whether dir/x is a mount point here (another device than dir). */
static int sees_mount(const char *dir)
{
	char *x = fxt_join(dir, "x");
	struct stat a, b;

	ASSERT_SYS(stat(dir, &a));
	ASSERT_SYS(stat(x, &b));
	free(x);
	return a.st_dev != b.st_dev;
}

static void undo_mount(const char *dir)
{
	char *x = fxt_join(dir, "x");

	while (umount2(x, MNT_DETACH) == 0)
		;
	free(x);
}

/* Spawns sh -c 'mount -t tmpfs fxchild DIR/x' with attr; it must exit 0. */
static void child_mounts(fx_attr *attr, const char *dir)
{
	char cmd[4200];
	char *argv[] = { "sh", "-c", cmd, NULL };
	fx_proc *proc;
	fx_error err;

	snprintf(cmd, sizeof cmd, "exec %s -t tmpfs -o size=64k fxchild '%s/x'", mount_bin, dir);
	ASSERT_SPAWNED(fx_spawn(&proc, "/bin/sh", argv, attr, &err), &err);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
}

static const struct {
	int propagation;        /* -1: not set */
	int leaks;
} cases[] = {
	{ -1, 0 },
	{ FX_PROPAGATION_PRIVATE, 0 },
	{ FX_PROPAGATION_SLAVE, 0 },
	{ FX_PROPAGATION_SHARED, 1 },
	{ FX_PROPAGATION_UNCHANGED, 1 },
};

TEST(mount_propagation_new_mount_ns)
{
	char *dir = shared_scratch();

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_attr *attr = fxt_attr();
		ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNS));
		if (cases[i].propagation >= 0)
			ASSERT_OK(fx_attr_set_mount_propagation(attr, cases[i].propagation));
		child_mounts(attr, dir);
		if (sees_mount(dir) != cases[i].leaks)
			FAIL("case %zu (propagation %d): the parent %s the child's mount", i,
			     cases[i].propagation, cases[i].leaks ? "does not see" : "sees");
		undo_mount(dir);
		fx_attr_free(attr);
	}
	free(dir);
}

/* A new user namespace too: the copies are slaves of ours already, so
 * nothing leaks, and making them private (the default) is allowed. */
TEST(mount_propagation_new_user_ns)
{
	char *dir = shared_scratch();

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_attr *attr = fxt_attr();
		ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNS | CLONE_NEWUSER));
		ASSERT_OK(fx_attr_set_root_maps(attr));
		if (cases[i].propagation >= 0)
			ASSERT_OK(fx_attr_set_mount_propagation(attr, cases[i].propagation));
		child_mounts(attr, dir);
		if (sees_mount(dir))
			FAIL("case %zu (propagation %d): the parent sees the child's mount", i,
			     cases[i].propagation);
		fx_attr_free(attr);
	}
	free(dir);
}

TEST_ONCE(mount_propagation_checks)
{
	fx_attr *attr = NULL;

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_ERR(fx_attr_set_mount_propagation(NULL, FX_PROPAGATION_PRIVATE), -EINVAL);
	ASSERT_ERR(fx_attr_set_mount_propagation(attr, -1), -EINVAL);
	ASSERT_ERR(fx_attr_set_mount_propagation(attr, FX_PROPAGATION_UNCHANGED + 1), -EINVAL);
	ASSERT_OK(fx_attr_set_mount_propagation(attr, FX_PROPAGATION_SLAVE));
	fx_attr_free(attr);
}

/* Runs fxrun with args; returns its exit code (stderr to err_path). */
static int run_fxrun(const char *const *args, const char *err_path)
{
	const char *fxrun = fxt_fxrun_path();
	char *argv[16];
	size_t n = 0;
	pid_t pid;
	int status;

	if (access(fxrun, X_OK) != 0)
		SKIP("%s not built", fxrun);
	argv[n++] = "fxrun";
	argv[n++] = "--backend";
	argv[n++] = (char *)fxt_backend_name();
	for (size_t i = 0; args[i]; i++) {
		ASSERT_LT(n, 15);
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0) {
		int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(120);
		execv(fxrun, argv);
		_exit(122);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	return WEXITSTATUS(status);
}

TEST(mount_propagation_fxrun)
{
	char *dir = shared_scratch();
	char *errs = fxt_join(fxt_tmpdir(), "stderr");
	char x[4200];

	snprintf(x, sizeof x, "%s/x", dir);
	/* The default: private. */
	ASSERT_EQ(run_fxrun((const char *const[]){ "--unshare", "mount", "--", mount_bin,
	                                           "-t", "tmpfs", "fxchild", x, NULL },
	                    errs), 0);
	ASSERT(!sees_mount(dir));
	ASSERT_EQ(run_fxrun((const char *const[]){ "--unshare", "mount", "--propagation",
	                                           "shared", "--", mount_bin, "-t", "tmpfs",
	                                           "fxchild", x, NULL },
	                    errs), 0);
	ASSERT(sees_mount(dir));
	undo_mount(dir);
	ASSERT_EQ(run_fxrun((const char *const[]){ "--unshare", "mount", "--propagation",
	                                           "slave", "--", mount_bin, "-t", "tmpfs",
	                                           "fxchild", x, NULL },
	                    errs), 0);
	ASSERT(!sees_mount(dir));
	/* Usage errors: a value not known, no new mount namespace. */
	ASSERT_EQ(run_fxrun((const char *const[]){ "--unshare", "mount", "--propagation",
	                                           "sideways", "true", NULL },
	                    errs), 125);
	ASSERT_EQ(run_fxrun((const char *const[]){ "--propagation", "private", "true", NULL },
	                    errs), 125);
	free(errs);
	free(dir);
}

/*
 * unshare --mount-proc (fx_attr_set_mount_proc): in a new pid namespace
 * the probe's /proc is a fresh one, which lists the probe alone, as pid
 * 1; the test's own /proc still lists the test.
 */
static void only_pid_one(const char *ls)
{
	char *copy = strdup(ls), *save = NULL;
	int numeric = 0, one = 0;

	ASSERT(copy != NULL);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*t >= '0' && *t <= '9') {
			numeric++;
			one += strcmp(t, "1") == 0;
		}
	}
	free(copy);
	ASSERT_EQ(numeric, 1);
	ASSERT_EQ(one, 1);
}

TEST(mount_proc_pid_namespace)
{
	static const char *const args[] = { "--try-ls=/proc", NULL };
	fx_attr *attr = fxt_attr();
	char self[32];
	struct stat st;
	fxt_report *r;

	if (fxt_backend() == FX_BACKEND_FORK || !fxt_clone_shares_memory()) {
		printf("# the child can only unshare here: no pid namespace of its own\n");
		fx_attr_free(attr);
		return;
	}
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWPID | CLONE_NEWUSER));
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_mount_proc(attr, "/proc"));
	r = fxt_probe_ok(attr, args);
	ASSERT_STR_EQ(fxt_get(r, "pid"), "1");
	ASSERT_SYS(stat("/proc/self/ns/mnt", &st));
	ASSERT(fxt_get_ll(r, "ns.mnt") != (long long)st.st_ino);
	only_pid_one(fxt_get(r, "try.ls"));
	fxt_report_free(r);
	/* Ours is untouched. */
	snprintf(self, sizeof self, "/proc/%d", (int)getpid());
	ASSERT_SYS(access(self, F_OK));
	fx_attr_free(attr);
}

TEST(mount_proc_checks)
{
	static char *const argv[] = { "true", NULL };
	char longer[5000];
	fx_attr *attr = NULL;
	fx_proc *proc = NULL;
	fx_error err;
	int fds = fxt_fd_count();

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_ERR(fx_attr_set_mount_proc(NULL, "/proc"), -EINVAL);
	ASSERT_ERR(fx_attr_set_mount_proc(attr, ""), -EINVAL);
	memset(longer, 'a', sizeof longer - 1);
	longer[0] = '/';
	longer[sizeof longer - 1] = '\0';
	ASSERT_ERR(fx_attr_set_mount_proc(attr, longer), -ENAMETOOLONG);
	ASSERT_OK(fx_attr_set_mount_proc(attr, NULL));
	fx_attr_free(attr);
	/* A directory that is not there: the spawn fails at the mount,
	 * named, and leaves nothing behind. */
	attr = fxt_attr();
	if (fxt_backend() == FX_BACKEND_FORK || !fxt_clone_shares_memory()) {
		fx_attr_free(attr);
		return;
	}
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWPID | CLONE_NEWUSER));
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_mount_proc(attr, "/nonexistent-fx"));
	ASSERT_EQ(fx_spawn(&proc, "/bin/true", argv, attr, &err), -ENOENT);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_MOUNT, ENOENT, -2,
	              fxt_msg_of("proc \"/nonexistent-fx\"", ENOENT));
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
	fx_attr_free(attr);
}
