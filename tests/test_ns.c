/* SPDX-License-Identifier: MIT */
/*
 * Namespaces and id maps (forkexec-linux.h), as the child sees them.
 *
 * The probe reports the inode of each /proc/self/ns link, its uid_map,
 * gid_map and setgroups, its pid and ids; each test compares them with
 * the parent's.  The failing cases check the exact error and that
 * nothing was left behind.  Tests from an unprivileged parent are in
 * test_fxrun.c (fxrun, as uid 65534, is the library's caller there).
 */
#include "fxt.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forkexec-linux.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;       /* /proc/self/ns/NAME, and the probe's ns.NAME */
	unsigned long flag;
} kinds[] = {
	{ "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID },
	{ "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET },
	{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static long long own_ns(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/self/ns/%s", name);
	if (stat(path, &st) < 0)
		return -1;
	return (long long)st.st_ino;
}

static long long child_ns(const fxt_report *r, const char *name)
{
	char key[32];

	snprintf(key, sizeof key, "ns.%s", name);
	return fxt_get_ll(r, key);
}

/* fx_spawn of the probe that must fail with step and code; nothing may
 * be left.  Returns fx_strerror's text (static). */
static const char *probe_fails(fx_attr *attr, int step, int code)
{
	static char text[512];
	fx_error err;
	fxt_report *r = NULL;
	int before = fxt_fd_count();
	int rc = fxt_probe(attr, NULL, &r, NULL, &err);

	if (rc >= 0) {
		fxt_report_free(r);
		FAIL("spawned; expected %s: %s", fx_step_name(step), strerror(code));
	}
	fx_strerror(&err, text, sizeof text);
	if (err.step != step || err.code != code || rc != -code)
		FAIL("got \"%s\" (rc %d), expected step %s, errno %d", text, rc,
		     fx_step_name(step), code);
	fxt_assert_no_children();
	/* fxt_probe's report pipe is closed by now. */
	fxt_assert_fd_count(before);
	return text;
}

/* Root inside, the caller's ids outside, setgroups denied: unshare -r. */
TEST(ns_map_root_user)
{
	fx_attr *attr = fxt_attr();
	char map[64];

	ASSERT_OK(fx_attr_set_root_maps(attr));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(r, "gid"), "0,0,0,0");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)geteuid());
	ASSERT_STR_EQ(fxt_get(r, "uid_map"), map);
	snprintf(map, sizeof map, "0 %u 1", (unsigned)getegid());
	ASSERT_STR_EQ(fxt_get(r, "gid_map"), map);
	ASSERT_STR_EQ(fxt_get(r, "setgroups"), "deny");
	ASSERT(child_ns(r, "user") != own_ns("user"));
	ASSERT_EQ(child_ns(r, "mnt"), own_ns("mnt"));
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* Maps of several lines, in order; setgroups allowed, so a group list
 * can be set inside. */
TEST(ns_maps_several_lines)
{
	fx_attr *attr = fxt_attr();
	gid_t groups[] = { 1 };

	ASSERT_OK(fx_attr_add_uid_map(attr, 0, 0, 1));
	ASSERT_OK(fx_attr_add_uid_map(attr, 1, 100000, 1000));
	ASSERT_OK(fx_attr_add_gid_map(attr, 0, 0, 1));
	ASSERT_OK(fx_attr_add_gid_map(attr, 1, 200000, 500));
	ASSERT_OK(fx_attr_set_setgroups_policy(attr, FX_SETGROUPS_ALLOW));
	ASSERT_OK(fx_attr_set_groups(attr, 1, groups));
	ASSERT_OK(fx_attr_set_uid(attr, 7));
	ASSERT_OK(fx_attr_set_gid(attr, 9));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid_map"), "0 0 1,1 100000 1000");
	ASSERT_STR_EQ(fxt_get(r, "gid_map"), "0 0 1,1 200000 500");
	ASSERT_STR_EQ(fxt_get(r, "setgroups"), "allow");
	ASSERT_STR_EQ(fxt_get(r, "uid"), "7,7,7,7");
	ASSERT_STR_EQ(fxt_get(r, "gid"), "9,9,9,9");
	ASSERT_STR_EQ(fxt_get(r, "groups"), "1");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* With setgroups denied, the child's own setgroups fails (after the
 * maps were written: its report, not a map error). */
TEST(ns_setgroups_denied_inside)
{
	fx_attr *attr = fxt_attr();
	gid_t groups[] = { 0 };

	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_groups(attr, 1, groups));
	probe_fails(attr, FX_STEP_SETGROUPS, EPERM);
	fx_attr_free(attr);
}

/*
 * Each kind alone: that namespace is new, every other is the parent's.
 * A new pid namespace needs the clone itself; where the child can only
 * unshare (the fork backend, an emulator), it is refused, at set time
 * for the fork backend and with EINVAL at the namespaces step otherwise.
 */
TEST(ns_each_kind_alone)
{
	for (size_t k = 0; k < NKINDS; k++) {
		fx_attr *attr = fxt_attr();
		int rc = fx_attr_set_namespaces(attr, kinds[k].flag);

		if (own_ns(kinds[k].name) < 0) {
			printf("# no /proc/self/ns/%s here: skipped\n", kinds[k].name);
			fx_attr_free(attr);
			continue;
		}
		if (kinds[k].flag == CLONE_NEWPID && fxt_backend() == FX_BACKEND_FORK) {
			ASSERT_EQ(rc, -EINVAL);
			fx_attr_free(attr);
			continue;
		}
		ASSERT_OK(rc);
		if (kinds[k].flag == CLONE_NEWPID && !fxt_clone_shares_memory()) {
			probe_fails(attr, FX_STEP_NAMESPACES, EINVAL);
			fx_attr_free(attr);
			continue;
		}
		fxt_report *r = fxt_probe_ok(attr, NULL);
		for (size_t o = 0; o < NKINDS; o++) {
			long long mine = own_ns(kinds[o].name), theirs;
			if (mine < 0)
				continue;
			theirs = child_ns(r, kinds[o].name);
			if (o == k && theirs == mine)
				FAIL("CLONE_NEW%s: the child's %s namespace is the parent's",
				     kinds[k].name, kinds[o].name);
			if (o != k && theirs != mine)
				FAIL("CLONE_NEW%s: the child's %s namespace changed too",
				     kinds[k].name, kinds[o].name);
		}
		fxt_report_free(r);
		fx_attr_free(attr);
	}
}

/* Everything at once, in a user namespace of our own. */
TEST(ns_all_kinds_at_once)
{
	unsigned long all = 0;
	fx_attr *attr = fxt_attr();

	for (size_t k = 0; k < NKINDS; k++)
		if (own_ns(kinds[k].name) >= 0 &&
		    (kinds[k].flag != CLONE_NEWPID || fxt_clone_shares_memory()))
			all |= kinds[k].flag;
	ASSERT_OK(fx_attr_set_namespaces(attr, all));
	ASSERT_OK(fx_attr_set_root_maps(attr));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	for (size_t k = 0; k < NKINDS; k++)
		if (all & kinds[k].flag)
			ASSERT(child_ns(r, kinds[k].name) != own_ns(kinds[k].name));
	ASSERT_STR_EQ(fxt_get(r, "uid"), "0,0,0,0");
	if (all & CLONE_NEWPID)
		ASSERT_STR_EQ(fxt_get(r, "pid"), "1");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* In a new pid namespace the child is its pid 1, and its parent is
 * outside it (getppid() says 0). */
TEST(ns_pid_child_is_one)
{
	fx_attr *attr = fxt_attr();

	if (fxt_backend() == FX_BACKEND_FORK || !fxt_clone_shares_memory()) {
		printf("# the child can only unshare here: see ns_each_kind_alone\n");
		fx_attr_free(attr);
		return;
	}
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWPID | CLONE_NEWUSER));
	ASSERT_OK(fx_attr_set_root_maps(attr));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "pid"), "1");
	ASSERT_STR_EQ(fxt_get(r, "ppid"), "0");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/*
 * The parent-death signal in a new pid namespace: getppid() cannot tell
 * whether the parent died before the prctl (it says 0 either way), so
 * the child waits for the parent on the handshake pipe instead; the
 * spawn works and the signal is set.
 */
TEST(ns_pid_with_pdeathsig)
{
	fx_attr *attr = fxt_attr();

	if (fxt_backend() == FX_BACKEND_FORK || !fxt_clone_shares_memory()) {
		printf("# the child can only unshare here: see ns_each_kind_alone\n");
		fx_attr_free(attr);
		return;
	}
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWPID));
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGKILL));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "pid"), "1");
	ASSERT_STR_EQ(fxt_get(r, "pdeathsig"), "9");
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST_ONCE(ns_fork_backend_refuses_pid_namespace)
{
	fx_attr *attr;

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_FORK));
	ASSERT_EQ(fx_attr_set_namespaces(attr, CLONE_NEWPID), -EINVAL);
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNET));
#ifndef FX_SYS_GENERIC /* no clone backend there */
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_CLONE));
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWPID));
	ASSERT_EQ(fx_attr_set_backend(attr, FX_BACKEND_FORK), -EINVAL);
#endif
	fx_attr_free(attr);
}

TEST_ONCE(ns_set_time_checks)
{
	fx_attr *attr;

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_EQ(fx_attr_set_namespaces(NULL, CLONE_NEWNET), -EINVAL);
	ASSERT_EQ(fx_attr_set_namespaces(attr, CLONE_VM), -EINVAL);
	ASSERT_EQ(fx_attr_set_namespaces(attr, CLONE_NEWNET | CLONE_FILES), -EINVAL);
	ASSERT_EQ(fx_attr_add_uid_map(attr, 0, 0, 0), -EINVAL);
	ASSERT_EQ(fx_attr_add_uid_map(attr, 4294967295u, 0, 1), -EINVAL);
	ASSERT_EQ(fx_attr_add_gid_map(attr, 0, 4294967290u, 10), -EINVAL);
	ASSERT_EQ(fx_attr_add_uid_map(NULL, 0, 0, 1), -EINVAL);
	ASSERT_EQ(fx_attr_set_setgroups_policy(attr, 3), -EINVAL);
	for (unsigned i = 0; i < 340; i++)
		ASSERT_OK(fx_attr_add_uid_map(attr, i, 100000 + i, 1));
	ASSERT_EQ(fx_attr_add_uid_map(attr, 400, 0, 1), -E2BIG);
	/* Maps need a user namespace: a set without one is refused. */
	ASSERT_EQ(fx_attr_set_namespaces(attr, CLONE_NEWNET), -EINVAL);
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNET | CLONE_NEWUSER));
	ASSERT_EQ(fx_attr_set_namespaces(attr, 0), -EINVAL);
	fx_attr_free(attr);
}

/* A map the kernel refuses (overlapping lines) is an error naming the
 * map, and leaves nothing behind. */
TEST(ns_uid_map_refused)
{
	fx_attr *attr = fxt_attr();
	char want[256];

	ASSERT_OK(fx_attr_add_uid_map(attr, 0, 0, 10));
	ASSERT_OK(fx_attr_add_uid_map(attr, 5, 100, 10));
	snprintf(want, sizeof want, "uid_map \"0 0 10, 5 100 10\": %s", strerror(EINVAL));
	ASSERT_STR_EQ(probe_fails(attr, FX_STEP_UID_MAP, EINVAL), want);
	fx_attr_free(attr);
}

TEST(ns_gid_map_refused)
{
	fx_attr *attr = fxt_attr();
	char want[256];

	ASSERT_OK(fx_attr_add_uid_map(attr, 0, 0, 1));
	ASSERT_OK(fx_attr_add_gid_map(attr, 3, 0, 10));
	ASSERT_OK(fx_attr_add_gid_map(attr, 0, 50, 5));
	snprintf(want, sizeof want, "gid_map \"3 0 10, 0 50 5\": %s", strerror(EINVAL));
	ASSERT_STR_EQ(probe_fails(attr, FX_STEP_GID_MAP, EINVAL), want);
	fx_attr_free(attr);
}

/* A step before the handshake fails: the child's own error is reported,
 * and no map is blamed. */
TEST(ns_child_fails_before_its_maps)
{
	fx_attr *attr = fxt_attr();

	ASSERT_OK(fx_attr_set_root_maps(attr));
	/* No process group has our pid + 1000000's number: setpgid fails. */
	ASSERT_OK(fx_attr_set_pgid(attr, 4000000));
	probe_fails(attr, FX_STEP_SETPGID, EPERM);
	fx_attr_free(attr);
}

/* A step after the handshake fails: its own error too. */
TEST(ns_child_fails_after_its_maps)
{
	fx_attr *attr = fxt_attr();
	char want[256];

	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_cwd(attr, "/nonexistent-fx"));
	snprintf(want, sizeof want, "chdir \"/nonexistent-fx\": %s", strerror(ENOENT));
	ASSERT_STR_EQ(probe_fails(attr, FX_STEP_CHDIR, ENOENT), want);
	fx_attr_free(attr);
}

/*
 * The handshake's pipe is the library's, not the child's: with maps and
 * a descriptor shuffle, the child holds exactly the fds asked for.
 */
TEST(ns_maps_with_fd_shuffle)
{
	fx_attr *attr = fxt_attr();
	int fds[2];
	struct fxt_fdinfo info;
	size_t i = 0, n = 0;
	const char *key, *value;

	fxt_pipe(fds);
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_fd(attr, 5, fds[1]));
	ASSERT_OK(fx_attr_set_fd(attr, 6, fds[0]));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	while (fxt_next(r, "fd.", &i, &key, &value))
		n++;
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT(fxt_fd_info(r, 6, &info));
	/* 0, 1, 2 as inherited, 5, 6 and the report fd: nothing else. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != 5 && fd != 6 && fd != FXT_REPORT_FD && fxt_fd_info(r, fd, &info))
			FAIL("the child holds fd %d (%s)", fd, info.target);
	fxt_report_free(r);
	close(fds[0]);
	close(fds[1]);
	fx_attr_free(attr);
}

/* Many spawns with maps leave no child, zombie or descriptor. */
TEST_TIMEOUT(ns_repeated_spawns_leak_nothing, 120)
{
	fx_attr *attr = fxt_attr();
	char *const argv[] = { "fxprobe", "--no-report", NULL };
	struct fxt_loop loop = fxt_loop(200, 15);
	int before = fxt_fd_count();

	ASSERT_OK(fx_attr_set_root_maps(attr));
	while (fxt_loop_next(&loop) >= 0) {
		fx_proc *proc;
		fx_error err;
		int rc = fx_spawn(&proc, fxt_probe_path(), argv, attr, &err);

		ASSERT_SPAWNED(rc, &err);
		ASSERT_EQ(fxt_wait_ok(proc), 0);
		fx_proc_free(proc);
	}
	fxt_loop_end(&loop, 10, "spawns in a user namespace");
	fxt_assert_no_children();
	fxt_assert_fd_count(before);
	fx_attr_free(attr);
}
