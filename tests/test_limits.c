/* SPDX-License-Identifier: MIT */
/*
 * forkexec-linux.h's cgroup, limits, scheduling, affinity and seccomp
 * (capabilities: test_caps.c): each asserted on what the child really got, as the probe
 * reads it from the kernel, on every variant.  The tests run as root.
 *
 * Every spawn made to fail checks the step, the errno, the index and the
 * exact fx_strerror text, and that nothing was left behind: no child (nor
 * zombie) and no new descriptor.
 */
#include "limits_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/* ------------------------------------------------------------------ */
/* Helpers (and limits_harness.h's)                                    */
/* ------------------------------------------------------------------ */

/* The highest-numbered CPU we may run on. */
static int last_cpu(void)
{
	size_t size = CPU_ALLOC_SIZE(CPU_SETSIZE);
	cpu_set_t *mine = CPU_ALLOC(CPU_SETSIZE);
	int last = -1;

	ASSERT(mine);
	ASSERT_SYS(sched_getaffinity(0, size, mine));
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET_S(cpu, size, mine))
			last = cpu;
	CPU_FREE(mine);
	ASSERT_GE(last, 0);
	return last;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] &&
		    s[3]) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			                (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = 0;
}

/*
 * The first cgroup2 mount of /proc/self/mountinfo: where it is mounted
 * (mnt) and which directory of the hierarchy it shows (root, "/" unless
 * it is a bind mount or we are in a cgroup namespace).  0 if none.
 */
static int cgroup2_mount(char *mnt, size_t mntlen, char *root, size_t rootlen)
{
	char line[4096];
	int found = 0;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f)) {
		char *fields[16], *save = NULL, *sep = strstr(line, " - ");
		size_t n = 0;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		*sep = 0;
		for (char *t = strtok_r(line, " ", &save); t && n < 16;
		     t = strtok_r(NULL, " ", &save))
			fields[n++] = t;
		if (n < 5)
			continue;
		unescape_octal(fields[3]);
		unescape_octal(fields[4]);
		snprintf(root, rootlen, "%s", fields[3]);
		snprintf(mnt, mntlen, "%s", fields[4]);
		found = 1;
	}
	fclose(f);
	return found;
}

/* A fresh cgroup made for one test, and its path as /proc/PID/cgroup shows it. */
struct test_cgroup {
	char dir[PATH_MAX];     /* absolute, under the cgroup2 mount */
	char rel[PATH_MAX];     /* as the probe's "cgroup" will say */
};

/* Makes it, or skips the test (with the reason) where it cannot. */
static void cgroup_make(struct test_cgroup *cg)
{
	char mnt[PATH_MAX], root[PATH_MAX];
	const char *sep;

	if (!cgroup2_mount(mnt, sizeof mnt, root, sizeof root))
		SKIP("no cgroup2 mount in /proc/self/mountinfo");
	if (access(mnt, W_OK) != 0)
		SKIP("cgroup2 mount %s not writable: %s", mnt, strerror(errno));
	if ((size_t)snprintf(cg->dir, sizeof cg->dir, "%s/fxtest-%s-%d", mnt,
	                     fxt_variant_name(), (int)getpid()) >= sizeof cg->dir)
		SKIP("cgroup2 mount path too long: %s", mnt);
	if (mkdir(cg->dir, 0755) != 0)
		SKIP("mkdir %s: %s", cg->dir, strerror(errno));
	/* The hierarchy's path: the mount's root, then our directory. */
	sep = strcmp(root, "/") == 0 ? "" : root;
	snprintf(cg->rel, sizeof cg->rel, "%s%s", sep, cg->dir + strlen(mnt));
}

/*
 * Spawns the probe into the cgroup the attr names, removes the cgroup
 * (empty again once the probe was reaped) and only then checks where the
 * probe was, so that a failure leaves no directory behind.
 */
static void cgroup_check(fx_attr *attr, struct test_cgroup *cg)
{
	char where[PATH_MAX];
	fxt_report *r;
	fx_error err;
	int rc, status;

	rc = fxt_probe(attr, NULL, &r, &status, &err);
	if (rmdir(cg->dir) != 0)
		FAIL("rmdir %s: %s", cg->dir, strerror(errno));
	ASSERT_SPAWNED(rc, &err);
	ASSERT_EQ(status, 0);
	snprintf(where, sizeof where, "%s",
	         fxt_get(r, "cgroup") ? fxt_get(r, "cgroup") : "(none)");
	fxt_report_free(r);
	ASSERT_STR_EQ(where, cg->rel);
}

/*
 * A seccomp program: a foreign architecture is killed, uname fails with
 * EXDEV, everything else is allowed.
 */
#include "audit_arch.h"

#ifdef FXT_AUDIT_ARCH
static struct sock_filter uname_exdev_insns[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FXT_AUDIT_ARCH, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static const struct sock_fprog uname_exdev = {
	sizeof uname_exdev_insns / sizeof uname_exdev_insns[0],
	uname_exdev_insns,
};
#define NEED_SECCOMP_ARCH() ((void)0)
#else
static const struct sock_fprog uname_exdev;
#define NEED_SECCOMP_ARCH() SKIP("no seccomp test program for this architecture")
#endif

static const char *const try_uname[] = { "--try-syscall=uname", NULL };
static const char *const try_getcwd[] = { "--try-syscall=getcwd", NULL };

static const struct limits_row limits_rows[] = {
	/*
	 * The probe reports on fd 100 (FXT_REPORT_FD), which a soft limit of
	 * 100 would forbid to create: this passes only if the limits come
	 * after the descriptors, as forkexec-linux.h orders the steps
	 * ("chdir, descriptors, terminal / umask, rlimits, ...").
	 */
	{ "limits_rlimit_nofile",
	  { { SET_RLIMIT, RLIMIT_NOFILE, 100, 200 } },
	  { CHECK_STR("rlimit.nofile", "100:200") } },
	{ "limits_rlimit_core_zero",
	  { { SET_RLIMIT, RLIMIT_CORE, 0, 0 } },
	  { CHECK_STR("rlimit.core", "0:0") } },
	{ "limits_umask",
	  { { SET_UMASK, 027, 0, 0 } }, { CHECK_STR("umask", "0027") } },
	{ "limits_no_new_privs",
	  { { SET_END, 0, 0, 0 } }, { CHECK_STR("nonewprivs", "0") } },
	{ "limits_no_new_privs",
	  { { SET_NNP, 1, 0, 0 } }, { CHECK_STR("nonewprivs", "1") } },
	{ "limits_nice_up",
	  { { SET_NICE, 7, 0, 0 } }, { CHECK_LL("nice", 7) } },
	/* The probe's sched.* after a spawn with (policy, priority). */
	{ "limits_sched_batch",
	  { { SET_SCHED, SCHED_BATCH, 0, 0 } },
	  { CHECK_LL("sched.policy", 3), CHECK_LL("sched.priority", 0),
	    CHECK_LL("sched.reset_on_fork", 0) } },
	{ "limits_sched_idle",
	  { { SET_SCHED, SCHED_IDLE, 0, 0 } },
	  { CHECK_LL("sched.policy", 5), CHECK_LL("sched.priority", 0),
	    CHECK_LL("sched.reset_on_fork", 0) } },
	{ "limits_sched_fifo",
	  { { SET_SCHED, SCHED_FIFO, 10, 0 } },
	  { CHECK_LL("sched.policy", 1), CHECK_LL("sched.priority", 10),
	    CHECK_LL("sched.reset_on_fork", 0) } },
	{ "limits_sched_reset_on_fork",
	  { { SET_SCHED, SCHED_OTHER | SCHED_RESET_ON_FORK, 0, 0 } },
	  { CHECK_LL("sched.policy", 0), CHECK_LL("sched.priority", 0),
	    CHECK_LL("sched.reset_on_fork", 1) } },

};

/* ------------------------------------------------------------------ */
/* cgroup v2                                                           */
/* ------------------------------------------------------------------ */

TEST_CORE(limits_cgroup_path)
{
	struct test_cgroup cg;
	fx_attr *attr = fxt_attr();

	cgroup_make(&cg);
	ASSERT_OK(fx_attr_set_cgroup_path(attr, cg.dir));
	cgroup_check(attr, &cg);
	fx_attr_free(attr);
}

/* By a borrowed O_PATH descriptor, which the spawn leaves open. */
TEST_CORE(limits_cgroup_fd)
{
	struct test_cgroup cg;
	fx_attr *attr = fxt_attr();
	int fd;

	cgroup_make(&cg);
	fd = open(cg.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rmdir(cg.dir);
		FAIL("open %s: %s", cg.dir, strerror(errno));
	}
	ASSERT_OK(fx_attr_set_cgroup_fd(attr, fd));
	cgroup_check(attr, &cg);
	ASSERT_SYS(fcntl(fd, F_GETFD));
	ASSERT_SYS(close(fd));
	fx_attr_free(attr);
}

TEST_CORE(limits_cgroup_missing)
{
	const char *path = "/sys/fs/cgroup/fxtest-no-such-cgroup";
	fx_attr *attr = fxt_attr();
	char want[512];
	fx_error err;

	ASSERT_OK(fx_attr_set_cgroup_path(attr, path));
	ASSERT_EQ(spawn_fail(attr, &err), -ENOENT);
	snprintf(want, sizeof want, "cgroup \"%s\": %s", path, strerror(ENOENT));
	fxt_check_err(&err, FX_STEP_CGROUP, ENOENT, -1, want);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Resource limits                                                     */
/* ------------------------------------------------------------------ */

TEST_CORE(limits_rlimit_nofile)
{
	LIMITS_TABLE(limits_rows, "limits_rlimit_nofile");
}

TEST_CORE(limits_rlimit_core_zero)
{
	LIMITS_TABLE(limits_rows, "limits_rlimit_core_zero");
}

/*
 * RLIM_INFINITY reaches the child as infinity.  Our own soft CPU limit is
 * lowered first, so that the child inherits a finite one and only the
 * spawn can make it unlimited.
 */
TEST_CORE(limits_rlimit_infinity)
{
	struct rlimit rl;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_SYS(getrlimit(RLIMIT_CPU, &rl));
	if (rl.rlim_max != RLIM_INFINITY)
		SKIP("our hard RLIMIT_CPU is finite (%llu)",
		     (unsigned long long)rl.rlim_max);
	rl.rlim_cur = 100000;
	ASSERT_SYS(setrlimit(RLIMIT_CPU, &rl));
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_CPU, RLIM_INFINITY, RLIM_INFINITY));
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_FSIZE, 4096, RLIM_INFINITY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "rlimit.cpu"), "unlimited:unlimited");
	ASSERT_STR_EQ(fxt_get(r, "rlimit.fsize"), "4096:unlimited");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* The kernel refuses a NOFILE hard limit above fs.nr_open, even to root. */
TEST_CORE(limits_rlimit_above_nr_open)
{
	fx_attr *attr = fxt_attr();
	unsigned long long nr_open;
	fx_error err;
	FILE *f;

	ASSERT((f = fopen("/proc/sys/fs/nr_open", "r")) != NULL);
	ASSERT_EQ(fscanf(f, "%llu", &nr_open), 1);
	fclose(f);
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 100, nr_open + 1));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_RLIMIT, EPERM, RLIMIT_NOFILE,
	          fxt_msg_of("rlimit nofile", EPERM));
	fx_attr_free(attr);
}

/*
 * forkexec-linux.h sets the limits after the credentials ("bounding set,
 * setgroups, setgid, setuid, capabilities / chdir, descriptors, terminal
 * / umask, rlimits, nice, ..."), so a uid-65534 child, which holds no
 * CAP_SYS_RESOURCE any more, cannot raise its hard limit above ours.
 * Where we lack CAP_SYS_RESOURCE ourselves the outcome is EPERM whatever
 * the order: then only the error itself is tested.
 */
TEST_CORE(limits_rlimit_raise_hard_as_nobody)
{
	struct rlimit rl;
	fx_attr *attr = fxt_attr();
	fx_error err;

	if (!have_cap(CAP_SYS_RESOURCE))
		printf("no CAP_SYS_RESOURCE here: the order is not tested\n");
	ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &rl));
	ASSERT(rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1000000);
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 64, rl.rlim_max + 1000));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_RLIMIT, EPERM, RLIMIT_NOFILE,
	          fxt_msg_of("rlimit nofile", EPERM));
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* umask, no_new_privs, nice                                           */
/* ------------------------------------------------------------------ */

TEST_CORE(limits_umask)
{
	LIMITS_TABLE(limits_rows, "limits_umask");
}

TEST_CORE(limits_no_new_privs)
{
	LIMITS_TABLE(limits_rows, "limits_no_new_privs");
}

TEST_CORE(limits_nice_up)
{
	LIMITS_TABLE(limits_rows, "limits_nice_up");
}

/*
 * May this process lower its nice value to -3, or take SCHED_FIFO 10?
 * Both need CAP_SYS_NICE over the host: root has it, root of a user
 * namespace (a container) does not.  Asked by a child of ours, which
 * tries and exits 0 if it could, so that nothing changes here.
 */
enum { TRY_NICE, TRY_FIFO };
static int host_allows(int what)
{
	struct sched_param sp = { .sched_priority = 10 };
	pid_t pid = fork();
	int st;

	ASSERT_SYS(pid);
	if (pid == 0)
		_exit(what == TRY_NICE ? setpriority(PRIO_PROCESS, 0, -3) != 0
		                       : sched_setscheduler(0, SCHED_FIFO, &sp) != 0);
	ASSERT_SYS(waitpid(pid, &st, 0));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* nice(1)'s adjustment: this thread's value plus it, clamped; it and
 * the absolute value replace each other. */
TEST_CORE(limits_nice_adjust)
{
	int own = getpriority(PRIO_PROCESS, 0);
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_nice_adjust(attr, 3));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "nice"), own + 3 > 19 ? 19 : own + 3);
	fxt_report_free(r);
	ASSERT_OK(fx_attr_set_nice_adjust(attr, 1000));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "nice"), 19);
	fxt_report_free(r);
	ASSERT_OK(fx_attr_set_nice(attr, 7));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "nice"), 7);
	fxt_report_free(r);
	if (host_allows(TRY_NICE)) {
		ASSERT_OK(fx_attr_set_nice_adjust(attr, -1000));
		r = fxt_probe_ok(attr, NULL);
		ASSERT_EQ(fxt_get_ll(r, "nice"), -20);
		fxt_report_free(r);
	}
	ASSERT_ERR(fx_attr_set_nice_adjust(NULL, 1), -EINVAL);
	fx_attr_free(attr);
}

/* Lowering the nice value needs CAP_SYS_NICE, which root has. */
TEST_CORE(limits_nice_down_as_root)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (!host_allows(TRY_NICE))
		SKIP("this process may not lower a nice value (no CAP_SYS_NICE over the host)");

	ASSERT_OK(fx_attr_set_nice(attr, -3));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "nice"), -3);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* The nice value is set before the switch to uid 65534, while the child
 * is still root: an ordinary-user child can be given a lower one. */
TEST_CORE(limits_nice_down_as_nobody)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (!host_allows(TRY_NICE))
		SKIP("this process may not lower a nice value (no CAP_SYS_NICE over the host)");

	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_nice(attr, -3));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "nice"), "-3");
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ionice(1)'s classes and levels, as the child reads them back. */
TEST_CORE(limits_ioprio)
{
	static const int cases[][2] = {
		{ FX_IOPRIO_CLASS_BE, 0 }, { FX_IOPRIO_CLASS_BE, 7 },
		{ FX_IOPRIO_CLASS_IDLE, 0 }, { FX_IOPRIO_CLASS_IDLE, 7 },
		{ FX_IOPRIO_CLASS_BE, 4 }, { FX_IOPRIO_CLASS_NONE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_attr *attr = fxt_attr();
		fxt_report *r;
		char want[16];

		ASSERT_OK(fx_attr_set_ioprio(attr, cases[i][0], cases[i][1]));
		r = fxt_probe_ok(attr, NULL);
		snprintf(want, sizeof want, "%d:%d", cases[i][0], cases[i][1]);
		ASSERT_STR_EQ(fxt_get(r, "ioprio"), want);
		fxt_report_free(r);
		fx_attr_free(attr);
	}
}

/* The realtime class, set while the child is still root (as nice is),
 * reaches an ordinary user's child. */
TEST_CORE(limits_ioprio_rt_as_nobody)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("needs root to switch to uid 65534");
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_RT, 3));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "ioprio"), "1:3");
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Scheduling policy and affinity                                      */
/* ------------------------------------------------------------------ */

TEST_CORE(limits_sched_batch)
{
	LIMITS_TABLE(limits_rows, "limits_sched_batch");
}

TEST_CORE(limits_sched_idle)
{
	LIMITS_TABLE(limits_rows, "limits_sched_idle");
}

/* Where this process may (observed: root over the host, no RT group
 * throttling in the way), so may the child. */
TEST_CORE(limits_sched_fifo)
{
	if (!host_allows(TRY_FIFO))
		SKIP("this process may not take SCHED_FIFO (no CAP_SYS_NICE over the host, or RT throttling)");
	LIMITS_TABLE(limits_rows, "limits_sched_fifo");
}

TEST_CORE(limits_sched_reset_on_fork)
{
	LIMITS_TABLE(limits_rows, "limits_sched_reset_on_fork");
}

/*
 * SCHED_DEADLINE (chrt --deadline), through sched_setattr(2) in the
 * child: the probe reports policy 6.  The kernel's admission control
 * (EBUSY: no bandwidth left; EPERM: no CAP_SYS_NICE, or in a cgroup
 * with RT limits) decides at spawn time whether this host allows it.
 */
TEST_CORE(limits_sched_deadline)
{
	fx_attr *attr = fxt_attr();
	fx_error err;
	fxt_report *r = NULL;
	int rc, status;

	ASSERT_OK(fx_attr_set_sched_deadline(attr, 1000000, 10000000, 10000000));
	rc = fxt_probe(attr, NULL, &r, &status, &err);
	if (rc == -EBUSY || rc == -EPERM) {
		ASSERT_EQ(err.step, FX_STEP_SCHED);
		ASSERT(r == NULL);
		fxt_assert_no_children();
		fx_attr_free(attr);
		SKIP("the kernel refuses SCHED_DEADLINE here: %s", strerror(-rc));
	}
	ASSERT_SPAWNED(rc, &err);
	ASSERT_EQ(status, 0);
	ASSERT_EQ(fxt_get_ll(r, "sched.policy"), 6);
	ASSERT_EQ(fxt_get_ll(r, "sched.priority"), 0);
	fxt_report_free(r);
	/* fx_attr_set_sched replaces it. */
	ASSERT_OK(fx_attr_set_sched(attr, SCHED_BATCH, 0));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "sched.policy"), 3);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(limits_sched_deadline_checks)
{
	fx_attr *attr = NULL;

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_ERR(fx_attr_set_sched_deadline(NULL, 1024, 1024, 1024), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched_deadline(attr, 1023, 2000, 2000), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched_deadline(attr, 3000, 2000, 4000), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched_deadline(attr, 1024, 4000, 2000), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched_deadline(attr, 1024, 2000, (uint64_t)1 << 63), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched_deadline(attr, 1024, 0, 0), -EINVAL);
	ASSERT_OK(fx_attr_set_sched_deadline(attr, 1024, 1024, 0));
	ASSERT_OK(fx_attr_set_sched_deadline(attr, 1024, 2048, 4096));
	fx_attr_free(attr);
}

/* Only the highest-numbered CPU we may use. */
TEST_CORE(limits_affinity_one_cpu)
{
	size_t size = CPU_ALLOC_SIZE(CPU_SETSIZE);
	cpu_set_t *one = CPU_ALLOC(CPU_SETSIZE);
	int last = last_cpu();
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT(one);
	CPU_ZERO_S(size, one);
	CPU_SET_S(last, size, one);
	ASSERT_OK(fx_attr_set_cpus(attr, size, one));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "cpus"), last);
	fxt_report_free(r);
	fx_attr_free(attr);
	CPU_FREE(one);
}

/* ------------------------------------------------------------------ */
/* seccomp                                                             */
/* ------------------------------------------------------------------ */

/* The filter governs the program: uname fails with EXDEV, getcwd works.
 * Root holds CAP_SYS_ADMIN, so no_new_privs is not needed. */
TEST_CORE(limits_seccomp_filter)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	NEED_SECCOMP_ARCH();
	ASSERT_OK(fx_attr_set_seccomp(attr, &uname_exdev));
	r = fxt_probe_ok(attr, try_uname);
	ASSERT_EQ(fxt_get_ll(r, "try.uname"), EXDEV);
	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	fxt_report_free(r);
	r = fxt_probe_ok(attr, try_getcwd);
	ASSERT_EQ(fxt_get_ll(r, "try.getcwd"), 0);
	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* An ordinary user without no_new_privs may not install a filter. */
TEST_CORE(limits_seccomp_unprivileged_needs_nnp)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	NEED_SECCOMP_ARCH();
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_seccomp(attr, &uname_exdev));
	ASSERT_EQ(spawn_fail(attr, &err), -EACCES);
	fxt_check_err(&err, FX_STEP_SECCOMP, EACCES, -1, fxt_msg_of("seccomp", EACCES));
	fx_attr_free(attr);
}

TEST_CORE(limits_seccomp_unprivileged_with_nnp)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	NEED_SECCOMP_ARCH();
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_no_new_privs(attr, 1));
	ASSERT_OK(fx_attr_set_seccomp(attr, &uname_exdev));
	r = fxt_probe_ok(attr, try_uname);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	ASSERT_EQ(fxt_get_ll(r, "try.uname"), EXDEV);
	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	ASSERT_STR_EQ(fxt_get(r, "nonewprivs"), "1");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Set-time validation                                                 */
/* ------------------------------------------------------------------ */

/* A NULL attr is refused by every setter. */
TEST_ONCE_CORE(limits_setters_null_attr)
{
	static struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 1, allow };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_ERR(fx_attr_set_namespaces(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_namespaces(NULL, CLONE_NEWUTS), -EINVAL);
	ASSERT_ERR(fx_attr_add_uid_map(NULL, 0, 0, 1), -EINVAL);
	ASSERT_ERR(fx_attr_add_gid_map(NULL, 0, 0, 1), -EINVAL);
	ASSERT_ERR(fx_attr_set_setgroups_policy(NULL, FX_SETGROUPS_DENY), -EINVAL);
	ASSERT_ERR(fx_attr_set_root_maps(NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_ambient_caps(NULL, NBS), -EINVAL);
	ASSERT_ERR(fx_attr_set_inheritable_caps(NULL, NBS), -EINVAL);
	ASSERT_ERR(fx_attr_add_bounding_drop(NULL, NBS), -EINVAL);
	ASSERT_ERR(fx_attr_set_cgroup_fd(NULL, -1), -EINVAL);
	ASSERT_ERR(fx_attr_set_cgroup_path(NULL, "/sys/fs/cgroup"), -EINVAL);
	ASSERT_ERR(fx_attr_set_cgroup_path(NULL, NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_rlimit(NULL, RLIMIT_CORE, 0, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_umask(NULL, 022), -EINVAL);
	ASSERT_ERR(fx_attr_set_no_new_privs(NULL, 1), -EINVAL);
	ASSERT_ERR(fx_attr_set_nice(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(NULL, FX_IOPRIO_CLASS_BE, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(NULL, SCHED_OTHER, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_cpus(NULL, sizeof cpus, &cpus), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp(NULL, &prog), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp(NULL, NULL), -EINVAL);
}

/* Every bad value is refused with the documented errno. */
TEST_ONCE_CORE(limits_setters_bad_values)
{
	static struct sock_filter insns[4097];
	struct sock_fprog empty = { 0, insns }, huge = { 4097, insns };
	fx_attr *attr = fxt_attr();
	cpu_set_t none;

	CPU_ZERO(&none);
	/* CLONE_VM (0x100) is no namespace. */
	ASSERT_ERR(fx_attr_set_namespaces(attr, CLONE_NEWUTS | 0x100), -EINVAL);
	ASSERT_ERR(fx_attr_add_uid_map(attr, 0, 100000, 0), -EINVAL);
	ASSERT_ERR(fx_attr_add_gid_map(attr, 0, 100000, 0), -EINVAL);
	ASSERT_ERR(fx_attr_add_uid_map(attr, 0xfffffff0u, 0, 0x20), -EINVAL);
	ASSERT_ERR(fx_attr_add_uid_map(attr, 0, 0xfffffff0u, 0x20), -EINVAL);
	ASSERT_ERR(fx_attr_set_setgroups_policy(attr, 7), -EINVAL);
	ASSERT_ERR(fx_attr_set_ambient_caps(attr, FX_CAP(63)), -EINVAL);
	ASSERT_ERR(fx_attr_set_inheritable_caps(attr, FX_CAP(63)), -EINVAL);
	ASSERT_ERR(fx_attr_add_bounding_drop(attr, FX_CAP(63)), -EINVAL);
	ASSERT_ERR(fx_attr_set_rlimit(attr, 16, 0, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_rlimit(attr, -1, 0, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 300, 200), -EINVAL);
	ASSERT_ERR(fx_attr_set_umask(attr, 01000), -EINVAL);
	ASSERT_ERR(fx_attr_set_nice(attr, 20), -EINVAL);
	ASSERT_ERR(fx_attr_set_nice(attr, -21), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, 4, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, -1, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_BE, 8), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_RT, -1), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_IDLE, 8), -EINVAL);
	ASSERT_ERR(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_NONE, 3), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, 42, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, SCHED_FIFO, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, SCHED_RR, 100), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, SCHED_OTHER, 1), -EINVAL);
	ASSERT_ERR(fx_attr_set_cpus(attr, sizeof none, &none), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp(attr, &empty), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp(attr, &huge), -EINVAL);
	ASSERT_ERR(fx_attr_set_cgroup_fd(attr, -2), -EBADF);
	ASSERT_ERR(fx_attr_set_cgroup_path(attr, ""), -EINVAL);
	fx_attr_free(attr);
}

/* A map may have 340 lines, the kernel's limit: the 341st is -E2BIG. */
TEST_ONCE_CORE(limits_setters_map_lines)
{
	fx_attr *attr = fxt_attr();

	for (unsigned i = 0; i < 340; i++)
		ASSERT_OK(fx_attr_add_uid_map(attr, i, 100000 + i, 1));
	ASSERT_ERR(fx_attr_add_uid_map(attr, 340, 100340, 1), -E2BIG);
	for (unsigned i = 0; i < 340; i++)
		ASSERT_OK(fx_attr_add_gid_map(attr, i, 100000 + i, 1));
	ASSERT_ERR(fx_attr_add_gid_map(attr, 340, 100340, 1), -E2BIG);
	/* Maps ask for a user namespace: a set without one is refused. */
	ASSERT_ERR(fx_attr_set_namespaces(attr, CLONE_NEWUTS), -EINVAL);
	fx_attr_free(attr);
}

/*
 * A refused value changes nothing: each setter gets a good value, then a
 * bad one, and the child still gets the good one.
 */
TEST_CORE(limits_bad_values_change_nothing)
{
	static struct sock_filter insns[4097];
	struct sock_fprog empty = { 0, insns }, huge = { 4097, insns };
	size_t size = CPU_ALLOC_SIZE(CPU_SETSIZE);
	cpu_set_t *one = CPU_ALLOC(CPU_SETSIZE), *none = CPU_ALLOC(CPU_SETSIZE);
	fx_attr *attr = fxt_attr();
	char uts[32];
	fxt_report *r;
	struct stat st;

	NEED_SECCOMP_ARCH();
	ASSERT(one && none);
	CPU_ZERO_S(size, one);
	CPU_SET_S(last_cpu(), size, one);
	CPU_ZERO_S(size, none);
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUTS));
	ASSERT_ERR(fx_attr_set_namespaces(attr, CLONE_NEWUTS | 0x100), -EINVAL);
	ASSERT_OK(fx_attr_set_ambient_caps(attr, NBS));
	ASSERT_ERR(fx_attr_set_ambient_caps(attr, FX_CAP(63) | NBS), -EINVAL);
	ASSERT_OK(fx_attr_add_bounding_drop(attr, FX_CAP(CAP_NET_RAW)));
	ASSERT_ERR(fx_attr_add_bounding_drop(attr, FX_CAP(63)), -EINVAL);
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 1000, 2000));
	ASSERT_ERR(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 3000, 2000), -EINVAL);
	ASSERT_OK(fx_attr_set_umask(attr, 027));
	ASSERT_ERR(fx_attr_set_umask(attr, 01000), -EINVAL);
	ASSERT_OK(fx_attr_set_nice(attr, 7));
	ASSERT_ERR(fx_attr_set_nice(attr, 20), -EINVAL);
	ASSERT_ERR(fx_attr_set_nice(attr, -21), -EINVAL);
	ASSERT_OK(fx_attr_set_sched(attr, SCHED_BATCH, 0));
	ASSERT_ERR(fx_attr_set_sched(attr, 42, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, SCHED_FIFO, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sched(attr, SCHED_OTHER, 1), -EINVAL);
	ASSERT_OK(fx_attr_set_cpus(attr, size, one));
	ASSERT_ERR(fx_attr_set_cpus(attr, size, none), -EINVAL);
	ASSERT_OK(fx_attr_set_seccomp(attr, &uname_exdev));
	ASSERT_ERR(fx_attr_set_seccomp(attr, &empty), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp(attr, &huge), -EINVAL);
	r = fxt_probe_ok(attr, try_uname);
	ASSERT_SYS(stat("/proc/self/ns/uts", &st));
	snprintf(uts, sizeof uts, "%llu", (unsigned long long)st.st_ino);
	ASSERT(strcmp(fxt_get(r, "ns.uts"), uts) != 0);
	ASSERT_EQ(fxt_get_hex(r, "capamb"), NBS);
	ASSERT_EQ(fxt_get_hex(r, "capbnd") & FX_CAP(CAP_NET_RAW), 0);
	ASSERT_STR_EQ(fxt_get(r, "rlimit.nofile"), "1000:2000");
	ASSERT_STR_EQ(fxt_get(r, "umask"), "0027");
	ASSERT_EQ(fxt_get_ll(r, "nice"), 7);
	ASSERT_EQ(fxt_get_ll(r, "sched.policy"), SCHED_BATCH);
	ASSERT_EQ(fxt_get_ll(r, "cpus"), last_cpu());
	ASSERT_EQ(fxt_get_ll(r, "try.uname"), EXDEV);
	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	fxt_report_free(r);
	fx_attr_free(attr);
	CPU_FREE(one);
	CPU_FREE(none);
}

/* The cgroup path survives a bad fd and an empty path: the spawn still
 * names it when it fails. */
TEST_CORE(limits_bad_cgroup_changes_nothing)
{
	const char *path = "/sys/fs/cgroup/fxtest-no-such-cgroup";
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_set_cgroup_path(attr, path));
	ASSERT_ERR(fx_attr_set_cgroup_fd(attr, -2), -EBADF);
	ASSERT_ERR(fx_attr_set_cgroup_path(attr, ""), -EINVAL);
	ASSERT_EQ(spawn_fail(attr, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_CGROUP, ENOENT, -1, NULL);
	ASSERT_STR_EQ(err.subject, path);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* The error table: the steps no test above makes fail                 */
/* ------------------------------------------------------------------ */

#ifdef FXT_AUDIT_ARCH
/*
 * Installs, in this test process (and so in the children it spawns), a
 * filter that fails system call `nr` with `code` when its first argument
 * has any of the bits in `mask` set (mask 0: always).  Root holds
 * CAP_SYS_ADMIN, so no_new_privs is not needed.
 */
static void refuse_in_this_process(int nr, unsigned mask, int code)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FXT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, mask, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), /* mask 0: A is anything */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)code),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof insns / sizeof insns[0], insns };

	if (mask == 0)
		insns[7] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		                                        SECCOMP_RET_ERRNO | (unsigned)code);
	ASSERT_SYS(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
}
#else
#define refuse_in_this_process(nr, mask, code) SKIP("no seccomp program for this architecture")
#endif

/* prctl(PR_SET_NO_NEW_PRIVS) refused (a filter of the parent's). */
TEST_CORE(limits_error_no_new_privs)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	refuse_in_this_process(SYS_prctl, 0, EPERM);
	ASSERT_OK(fx_attr_set_no_new_privs(attr, 1));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_NO_NEW_PRIVS, EPERM, -1, fxt_msg_of("no_new_privs", EPERM));
	fx_attr_free(attr);
}

/*
 * The namespaces refused: unshare(2) (the fork backend, emulators) and
 * clone(2) with CLONE_NEWNET fail with EPERM, and clone3, whose flags a
 * filter cannot see, is ENOSYS, so the library falls back to clone.
 */
TEST_CORE(limits_error_namespaces)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	refuse_in_this_process(SYS_clone3, 0, ENOSYS);
	refuse_in_this_process(SYS_clone, CLONE_NEWNET, EPERM);
	refuse_in_this_process(SYS_unshare, 0, EPERM);
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWNET));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_NAMESPACES, EPERM, -1, fxt_msg_of("namespaces", EPERM));
	fx_attr_free(attr);
}

/* A set of CPUs none of which exists. */
TEST_CORE(limits_error_affinity)
{
	size_t size = CPU_ALLOC_SIZE(8192);
	cpu_set_t *far = CPU_ALLOC(8192);
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT(far);
	CPU_ZERO_S(size, far);
	CPU_SET_S(8000, size, far);
	ASSERT_OK(fx_attr_set_cpus(attr, size, far));
	ASSERT_EQ(spawn_fail(attr, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_AFFINITY, EINVAL, -1, fxt_msg_of("cpu affinity", EINVAL));
	fx_attr_free(attr);
	CPU_FREE(far);
}

/* Root of a new user namespace is no root for the scheduler: a lower
 * nice value is refused. */
TEST_CORE(limits_error_nice_in_user_namespace)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_nice(attr, -5));
	ASSERT_EQ(spawn_fail(attr, &err), -EACCES);
	fxt_check_err(&err, FX_STEP_NICE, EACCES, -1, fxt_msg_of("nice -5", EACCES));
	fx_attr_free(attr);
}

/* The same refusal of an adjustment names the value tried and the
 * adjustment. */
TEST_CORE(limits_error_nice_adjust_in_user_namespace)
{
	int own = getpriority(PRIO_PROCESS, 0);
	fx_attr *attr = fxt_attr();
	char want[64];
	fx_error err;

	if (own <= -15)
		SKIP("this thread's nice value (%d) is already near the floor", own);
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_nice_adjust(attr, -5));
	ASSERT_EQ(spawn_fail(attr, &err), -EACCES);
	snprintf(want, sizeof want, "nice %d (-5 from the caller's)", own - 5);
	fxt_check_err(&err, FX_STEP_NICE, EACCES, own - 5, fxt_msg_of(want, EACCES));
	fx_attr_free(attr);
}

static void write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	ASSERT_SYS(fd);
	ASSERT_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/*
 * Inside a user namespace whose setgroups is denied (this test process
 * moves into one), a child's may not be allowed: the parent's write of
 * "allow" is refused, and the error says so.
 */
TEST_CORE(limits_error_setgroups_policy)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_SYS(unshare(CLONE_NEWUSER));
	write_proc("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	write_proc("/proc/self/uid_map", map);
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	write_proc("/proc/self/gid_map", map);
	ASSERT_OK(fx_attr_add_uid_map(attr, 0, 0, 1));
	ASSERT_OK(fx_attr_set_setgroups_policy(attr, FX_SETGROUPS_ALLOW));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_SETGROUPS_POLICY, EPERM, -1,
	          "setgroups policy \"allow\": Operation not permitted");
	fx_attr_free(attr);
}

/* The names fx_strerror prints and fxrun takes. */
TEST_ONCE_CORE(limits_names)
{
	ASSERT_STR_EQ(fx_cap_name(CAP_CHOWN), "chown");
	ASSERT_STR_EQ(fx_cap_name(CAP_NET_BIND_SERVICE), "net_bind_service");
	ASSERT_STR_EQ(fx_cap_name(40), "checkpoint_restore");
	ASSERT(fx_cap_name(41) == NULL);
	ASSERT(fx_cap_name(-1) == NULL);
	ASSERT_STR_EQ(fx_rlimit_name(RLIMIT_NOFILE), "nofile");
	ASSERT_STR_EQ(fx_rlimit_name(RLIMIT_AS), "as");
	ASSERT_STR_EQ(fx_rlimit_name(RLIMIT_RTTIME), "rttime");
	ASSERT(fx_rlimit_name(16) == NULL);
	ASSERT(fx_rlimit_name(-1) == NULL);
	for (int r = 0; r < 16; r++)
		ASSERT(fx_rlimit_name(r) != NULL);
}
