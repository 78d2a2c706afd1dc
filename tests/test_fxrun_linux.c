/* SPDX-License-Identifier: MIT */
/*
 * fxrun: the Linux containment options (forkexec-linux.h)
 * (the harness: fxrun_harness.h).
 */

#include "fxrun_harness.h"

/* ------------------------------------------------------------------ */
/* Linux containment (forkexec-linux.h)                                */
/* ------------------------------------------------------------------ */

/* The inode of the test's own /proc/self/ns/NAME, as the probe's ns.NAME. */
static char *own_ns(const char *name)
{
	char path[64], *s = NULL;
	struct stat st;

	snprintf(path, sizeof path, "/proc/self/ns/%s", name);
	if (stat(path, &st) < 0)
		SKIP("%s: %s", path, strerror(errno));
	if (asprintf(&s, "%llu", (unsigned long long)st.st_ino) < 0)
		FAIL("asprintf");
	return s;
}

/* A line "Name:\tHEX" of /proc/self/status, e.g. the test's own CapBnd. */
static unsigned long long own_status_hex(const char *field)
{
	char *text = fxt_read_file("/proc/self/status"), *p;
	size_t len = strlen(field);
	unsigned long long v;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, field, len) == 0 && p[len] == ':')
			break;
	if (!p)
		FAIL("no %s in /proc/self/status", field);
	v = strtoull(p + len + 1, NULL, 16);
	free(text);
	return v;
}

/*
 * An unprivileged user runs an inner fxrun: `fxrun -u 65534 -g 65534
 * -G '' -- fxrun --backend B OPTIONS -- fxprobe`; both fxruns report
 * failures on the same stderr.  `opts` is NULL-terminated, at most 6.
 */
static void fxrun_as_nobody(struct fxr *r, const char *const *opts)
{
	const char *args[24] = { "-u", "65534", "-g", "65534", "-G", "", "--",
	                         fxt_fxrun_path(), "--backend",
	                         fxt_backend_name() };
	size_t n = 10, i;

	for (i = 0; opts[i]; i++)
		args[n++] = opts[i];
	args[n++] = "--";
	args[n++] = fxt_probe_path();
	args[n] = NULL;
	fxr_run(r, &(struct fxr_setup){ 0 }, args);
}

TEST(fxrun_unshare)
{
	static const char *const fresh[] = {
		"user", "mnt", "net", "uts", "ipc", "cgroup", "time",
	};
	struct fxr r;
	fxt_report *rep;
	char *mine, key[32];
	size_t i;

	require_root();
	if (access("/proc/self/ns/time", F_OK) != 0)
		SKIP("no time namespaces (Linux 5.6)");
	FXRUN(&r, "--unshare", "user,mount,net", "--unshare=UTS,ipc,cgroup,time",
	      fxt_probe_path());
	rep = report_ok(&r);
	for (i = 0; i < sizeof fresh / sizeof fresh[0]; i++) {
		snprintf(key, sizeof key, "ns.%s", fresh[i]);
		mine = own_ns(fresh[i]);
		if (!fxt_get(rep, key) || strcmp(fxt_get(rep, key), mine) == 0)
			FAIL("%s: the child's is %s, ours %s", key,
			     fxt_get(rep, key) ? fxt_get(rep, key) : "(none)", mine);
		free(mine);
	}
	/* Not asked for: shared. */
	mine = own_ns("pid");
	ASSERT_STR_EQ(fxt_get(rep, "ns.pid"), mine);
	free(mine);
	/* A user namespace without maps: the child is the overflow user. */
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_unshare_pid)
{
	struct fxr r;
	fxt_report *rep;
	char *mine;

	require_root();
	if (fxt_backend() == FX_BACKEND_FORK) {
		/* unshare(2) in a forked child cannot make it pid 1: refused. */
		FXRUN(&r, "--unshare", "pid", fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		ASSERT_STR_EQ(r.err, "fxrun: '--unshare pid' cannot be used with "
		                     "'--backend fork'\nTry 'fxrun --help'.\n");
		fxr_free(&r);
		return;
	}
	FXRUN(&r, "--unshare", "pid", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pid"), 1);
	/* Its parent, fxrun, is outside its namespace. */
	ASSERT_EQ(fxt_get_ll(rep, "ppid"), 0);
	mine = own_ns("pid");
	ASSERT(strcmp(fxt_get(rep, "ns.pid"), mine) != 0);
	free(mine);
	fxt_report_free(rep);
	fxr_free(&r);
}

/*
 * What the README says of --unshare pid: PROGRAM is pid 1, so the kernel
 * drops the timeout's SIGTERM (the probe does not catch it) and only
 * --kill-after's SIGKILL ends it.
 */
TEST(fxrun_unshare_pid_signals)
{
	struct fxr r;
	double t0;

	require_root();
	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("--unshare pid is refused with --backend fork");
	t0 = fxt_now();
	FXRUN(&r, "--unshare", "pid", "--timeout", "0.1", fxt_probe_path(),
	      "--no-report", "--sleep-ms=1000");
	if (r.code == 125)
		report_ok(&r);
	ASSERT_EQ(r.code, 124);
	ASSERT_GE(ms_since(t0), 1000);      /* it slept on, SIGTERM dropped */
	fxr_free(&r);

	t0 = fxt_now();
	FXRUN(&r, "--unshare", "pid", "--timeout", "0.1", "--kill-after", "0.1",
	      fxt_probe_path(), "--no-report", "--sleep-ms=20000");
	ASSERT_EQ(r.code, 128 + SIGKILL);
	ASSERT_LT(ms_since(t0), 15000);
	fxr_free(&r);
}

TEST(fxrun_map_root_user)
{
	struct fxr r;
	fxt_report *rep;
	char *mine;

	require_root();
	FXRUN(&r, "--map-root-user", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 0 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 0 1");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	mine = own_ns("user");
	ASSERT(strcmp(fxt_get(rep, "ns.user"), mine) != 0);
	free(mine);
	fxt_report_free(rep);
	fxr_free(&r);

	/* What it is for: an unprivileged user becomes root inside. */
	fxrun_as_nobody(&r, (const char *const[]){ "--map-root-user", NULL });
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "gid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_uid_map)
{
	struct fxr r;
	fxt_report *rep;

	require_root();
	/* Root may map any range, several lines each, in order. */
	FXRUN(&r, "--uid-map", "0:0:1", "--uid-map", "1:100000:1000",
	      "--gid-map=0:0:10", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 0 1,1 100000 1000");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 0 10");
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	fxt_report_free(rep);
	fxr_free(&r);

	/* Its own uid (0) not mapped: inside, the child is the overflow uid. */
	FXRUN(&r, "--uid-map", "0:100000:1000", "--gid-map", "0:100000:1000",
	      fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 100000 1000");
	ASSERT(strcmp(fxt_get(rep, "uid"), "0,0,0,0") != 0);
	fxt_report_free(rep);
	fxr_free(&r);

	/* An unprivileged user maps its own ids, one line each. */
	fxrun_as_nobody(&r, (const char *const[]){ "--uid-map", "0:65534:1",
	                                           "--gid-map", "0:65534:1", NULL });
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	fxt_report_free(rep);
	fxr_free(&r);

	/* ... and no other: the kernel refuses, fxrun says so. */
	fxrun_as_nobody(&r, (const char *const[]){ "--uid-map", "0:0:1", NULL });
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, "uid_map"));
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
}

TEST(fxrun_setgroups)
{
	require_root();
	fxrun_rows("fxrun_setgroups");
}

TEST(fxrun_ambient_caps)
{
	require_root();
	fxrun_rows("fxrun_ambient_caps");
}

TEST(fxrun_bounding_caps)
{
	const unsigned long long drop = 1ull << 13 | 1ull << 21; /* net_raw, sys_admin */
	unsigned long long mine = own_status_hex("CapBnd");
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--bounding-caps", "Cap_Net_Raw,sys_admin", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "capbnd"), mine & ~drop);
	ASSERT_EQ(fxt_get_hex(rep, "capeff") & drop, 0);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--bounding-caps", "all", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "capbnd"), 0);
	ASSERT_EQ(fxt_get_hex(rep, "capeff"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
}

/* Where cgroup v2 is mounted, at its root; NULL if it is not. */
static char *cgroup2_mount(void)
{
	char *text = fxt_try_read_file("/proc/self/mountinfo"), *line, *save = NULL;
	char *found = NULL;

	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char root[256], point[512];
		const char *sep = strstr(line, " - ");

		/* "ID PARENT MAJ:MIN ROOT POINT ... - TYPE SOURCE ..." */
		if (!sep || strncmp(sep, " - cgroup2 ", 11) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %255s %511s", root, point) == 2 &&
		    strcmp(root, "/") == 0)
			found = strdup(point);
	}
	free(text);
	return found;
}

TEST(fxrun_cgroup)
{
	char *mount, *dir = NULL, want[64];
	struct fxr r;
	fxt_report *rep;

	require_root();
	mount = cgroup2_mount();
	if (!mount)
		SKIP("no cgroup v2 hierarchy mounted");
	snprintf(want, sizeof want, "/fxtest-fxrun-%d", (int)getpid());
	if (asprintf(&dir, "%s%s", mount, want) < 0)
		FAIL("asprintf");
	if (mkdir(dir, 0755) < 0)
		SKIP("mkdir %s: %s", dir, strerror(errno));
	FXRUN(&r, "--cgroup", dir, fxt_probe_path());
	/* Empty again once the probe has exited: removed before judging. */
	if (rmdir(dir) < 0)
		FAIL("rmdir %s: %s", dir, strerror(errno));
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cgroup"), want);
	fxt_report_free(rep);
	fxr_free(&r);

	/* A cgroup that does not exist fails the spawn, named. */
	FXRUN(&r, "--cgroup", dir, fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, dir));
	fxr_free(&r);
	free(dir);
	free(mount);
}

TEST(fxrun_rlimit)
{
	fxrun_rows("fxrun_rlimit");
}

TEST(fxrun_umask)
{
	fxrun_rows("fxrun_umask");
}

TEST(fxrun_no_new_privs)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		SKIP("the test process already has no_new_privs");
	fxrun_rows("fxrun_no_new_privs");
}

TEST(fxrun_nice)
{
	fxrun_rows("fxrun_nice");
}

TEST(fxrun_sched)
{
	fxrun_rows("fxrun_sched");
}

TEST(fxrun_cpus)
{
	cpu_set_t mine;
	char opt[64], want[16];
	int cpu = -1, i;
	struct fxr r;
	fxt_report *rep;

	ASSERT_SYS(sched_getaffinity(0, sizeof mine, &mine));
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &mine))
			cpu = i;
	ASSERT_GE(cpu, 0);
	snprintf(want, sizeof want, "%d", cpu);
	FXRUN(&r, "--cpus", want, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cpus"), want);
	fxt_report_free(rep);
	fxr_free(&r);

	/* CPUs far past CPU_SETSIZE (1024) size the set; those the machine
	 * lacks are not in the affinity it gets. */
	snprintf(opt, sizeof opt, "%d,4000-4095", cpu);
	FXRUN(&r, "--cpus", opt, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cpus"), want);
	fxt_report_free(rep);
	fxr_free(&r);
}

#include "audit_arch.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

/* The errno the test's filter gives uname(2); one nothing else returns. */
#define FXRUN_SECCOMP_ERRNO EXDEV

/*
 * A raw BPF program as `bwrap --seccomp` and `fxrun --seccomp` read it:
 * uname(2) fails with FXRUN_SECCOMP_ERRNO, every other call is allowed,
 * and a call of another architecture (or x32's on x86_64) kills.
 */
static char *write_seccomp_file(void)
{
#ifdef FXT_AUDIT_ARCH
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FXT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* __X32_SYSCALL_BIT */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | FXRUN_SECCOMP_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "filter.bpf");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, code, sizeof code) != (ssize_t)sizeof code)
		FAIL("%s: %s", path, strerror(errno));
	close(fd);
	free(dir);
	return path;
#else
	SKIP("no seccomp architecture constant for this machine");
#endif
}

TEST(fxrun_seccomp)
{
	char *filter = write_seccomp_file();
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--seccomp", filter, fxt_probe_path(), "--try-syscall=uname");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.uname"), FXRUN_SECCOMP_ERRNO);
	ASSERT_STR_EQ(fxt_get(rep, "seccomp"), "2");
	/* The kernel takes a filter only so: --seccomp implies it. */
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--seccomp", filter, fxt_probe_path(), "--try-syscall=getcwd");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.getcwd"), 0);
	fxt_report_free(rep);
	fxr_free(&r);

	/* Without the filter uname works: the errno was the filter's. */
	FXRUN(&r, fxt_probe_path(), "--try-syscall=uname");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.uname"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	free(filter);
}

/*
 * Each bad value is refused before anything is spawned, exit 125, with a
 * message that names the option and the value.
 */
TEST_ONCE(fxrun_containment_bad_usage)
{
	static const struct { const char *opt, *value, *extra; } cases[] = {
		{ "--unshare", "user,bogus", NULL },
		{ "--unshare", "user,,net", NULL },
		{ "--unshare", "", NULL },
		{ "--uid-map", "0:1000", NULL },
		{ "--uid-map", "0:1000:0", NULL },
		{ "--uid-map", "0:x:1", NULL },
		{ "--uid-map", "4294967295:0:1", NULL },
		{ "--gid-map", "0:1000:1:1", NULL },
		{ "--setgroups", "maybe", "--map-root-user" },
		{ "--ambient-caps", "net_bind", NULL },
		{ "--ambient-caps", "all", NULL },
		{ "--ambient-caps", "chown,", NULL },
		{ "--bounding-caps", "cap_", NULL },
		{ "--bounding-caps", "41", NULL },
		{ "--rlimit", "nofile", NULL },
		{ "--rlimit", "files=10", NULL },
		{ "--rlimit", "nofile=10:5", NULL },
		{ "--rlimit", "nofile=-1", NULL },
		{ "--rlimit", "nofile=:", NULL },
		{ "--rlimit", "cpu=18446744073709551615", NULL },
		{ "--umask", "0778", NULL },
		{ "--umask", "01000", NULL },
		{ "--umask", "u=rwx", NULL },
		{ "--niceness", "20", NULL },
		{ "--niceness", "-21", NULL },
		{ "-n", "5x", NULL },
		{ "--nice", "1.5", NULL },
		{ "--sched", "deadline", NULL },
		{ "--sched", "fifo", NULL },
		{ "--sched", "rr:100", NULL },
		{ "--sched", "batch:3", NULL },
		{ "--cpus", "3-1", NULL },
		{ "--cpus", "0,,1", NULL },
		{ "--cpus", "65536", NULL },
		{ "--cpus", "one", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[6] = { cases[i].opt, cases[i].value };
		char named[128];
		struct fxr r;
		size_t n = 2;

		if (cases[i].extra)
			args[n++] = cases[i].extra;
		args[n++] = "true";
		snprintf(named, sizeof named, "'%s %s'", cases[i].opt, cases[i].value);
		fxr_run(&r, &(struct fxr_setup){ .no_backend = 1 }, args);
		if (r.code != 125 || count_lines(r.err) != 2 ||
		    strncmp(r.err, "fxrun: ", 7) != 0 || !strstr(r.err, named) ||
		    !strstr(r.err, "\nTry 'fxrun --help'.\n"))
			FAIL("case %zu (%s): exit %d, stderr \"%s\"", i, named,
			     r.code, r.err);
		fxr_free(&r);
	}
}

/* Options that only make sense together, and combinations refused. */
TEST_ONCE(fxrun_containment_bad_combinations)
{
	static const char *const cases[][6] = {
		{ "--setgroups", "deny", "true", NULL },
		{ "--map-root-user", "--uid-map", "0:0:1", "true", NULL },
		{ "--map-root-user", "--setgroups", "allow", "true", NULL },
		{ "--ambient-caps", "kill", "--bounding-caps", "chown,KILL", "true", NULL },
		{ "--unshare", "pid", "--backend", "fork", "true", NULL },
		{ "--cgroup", "", "true", NULL },
		{ "--seccomp", "", "true", NULL },
		{ "--no-new-privs=1", "true", NULL },
		{ "--join-ns", "1:uts", "--hostname", "box", "true", NULL },
		{ "--join-ns", "1:net", "--unshare", "net", "true", NULL },
		{ "--mount-proc", "--join-ns", "1:mnt", "true", NULL },
		{ "--inh-caps", "+kill", "--bounding-caps", "-all,+chown", "true", NULL },
	};
	static const char *const named[] = {
		"'--setgroups'", "'--map-root-user'", "'--setgroups allow'",
		"kill", "'--unshare pid'", "'--cgroup'", "'--seccomp'",
		"'--no-new-privs'", "'--hostname' needs a new uts namespace",
		"'--join-ns PID:net' and a new net namespace",
		"'--join-ns PID:mount' and a new mount namespace",
		"'--inh-caps' and '--bounding-caps' both name kill",
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fxr r;

		fxr_run(&r, &(struct fxr_setup){ .no_backend = 1 }, cases[i]);
		if (r.code != 125 || count_lines(r.err) != 2 ||
		    !strstr(r.err, named[i]) ||
		    !strstr(r.err, "\nTry 'fxrun --help'.\n"))
			FAIL("case %zu (%s): exit %d, stderr \"%s\"", i, cases[i][0],
			     r.code, r.err);
		fxr_free(&r);
	}
}

/* A --seccomp FILE that is not a program: one line naming it, exit 125. */
TEST_ONCE(fxrun_seccomp_bad_file)
{
	char *dir = fxt_tmpdir();
	char *odd = fxt_join(dir, "odd"), *empty = fxt_join(dir, "empty");
	char *big = fxt_join(dir, "big"), *missing = fxt_join(dir, "missing");
	const char *files[] = { odd, empty, big, missing };
	const char *why[] = { "multiple of 8", "empty", "more than 4096",
	                      "No such file" };
	char *huge = calloc(4097 * 8 + 1, 1);
	size_t i;

	if (!huge)
		FAIL("calloc");
	memset(huge, 'x', 4097 * 8);
	fxt_write_file(odd, "twelve bytes", 0644);
	fxt_write_file(empty, "", 0644);
	fxt_write_file(big, huge, 0644);
	for (i = 0; i < 4; i++) {
		char named[512];
		struct fxr r;

		snprintf(named, sizeof named, "fxrun: --seccomp %s: ", files[i]);
		FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--seccomp",
		           files[i], fxt_probe_path());
		if (r.code != 125 || count_lines(r.err) != 1 ||
		    strncmp(r.err, named, strlen(named)) != 0 ||
		    !strstr(r.err, why[i]) || r.out[0] != '\0')
			FAIL("%s: exit %d, stderr \"%s\"", files[i], r.code, r.err);
		fxr_free(&r);
	}
	free(huge);
	free(odd);
	free(empty);
	free(big);
	free(missing);
	free(dir);
}

/* A directory of another file system than cgroup2 (a v1 hierarchy, or
 * /tmp) is named as such, not reported as the kernel's EBADF. */
TEST_ONCE(fxrun_cgroup_not_v2)
{
	char *dir = fxt_tmpdir();
	struct fxr r;

	FXRUN(&r, "--cgroup", dir, "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, "not a cgroup v2 directory"));
	fxr_free(&r);
	free(dir);
}

TEST_ONCE(fxrun_help_containment)
{
	static const char *const options[] = {
		"Linux containment:", "--unshare LIST", "--map-root-user",
		"--uid-map", "--gid-map", "--setgroups", "--ambient-caps",
		"--bounding-caps", "--cgroup PATH", "--rlimit NAME=SOFT[:HARD]",
		"--umask OCTAL", "--no-new-privs", "--niceness N", "--sched POLICY",
		"--cpus LIST", "--seccomp FILE",
	};
	struct fxr r;
	size_t i;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--help");
	ASSERT_EQ(r.code, 0);
	for (i = 0; i < sizeof options / sizeof options[0]; i++)
		if (!strstr(r.out, options[i]))
			FAIL("--help does not mention %s", options[i]);
	fxr_free(&r);
}

/*
 * -S can hold more maps, view operations and Landlock rules than fxrun's
 * own argv has words: each one is kept (the lists grow with -S's words).
 */
TEST(fxrun_split_string_many_maps)
{
	char split[1024] = "", line[128];
	struct fxr r;
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(line, sizeof line, " --uid-map %d:%d:1 --gid-map %d:%d:1 --tmpfs /t%d",
		         i, 1000 + i, i, 2000 + i, i);
		strcat(split, line);
	}
	FXRUN(&r, "--dry-run", "-S", split, "true");
	ASSERT_EQ(r.code, 0);
	ASSERT(strstr(r.out, "uid_map\", \"0 1000 1\\n1 1001 1\\n2 1002 1\\n3 1003 1\\n"
	                     "4 1004 1\\n5 1005 1\\n6 1006 1\\n7 1007 1\\n\"") != NULL);
	ASSERT(strstr(r.out, "gid_map\", \"0 2000 1\\n1 2001 1\\n2 2002 1\\n3 2003 1\\n"
	                     "4 2004 1\\n5 2005 1\\n6 2006 1\\n7 2007 1\\n\"") != NULL);
	ASSERT(strstr(r.out, "\"/newroot/t7\"") != NULL);
	fxr_free(&r);
}

/* --dry-run prints the plan and starts nothing. */
TEST(fxrun_dry_run)
{
	char *dir = fxt_tmpdir();
	char *mark = fxt_join(dir, "started");
	char script[512], want[600];
	struct fxr r;

	snprintf(script, sizeof script, "echo > '%s'", mark);
	FXRUN(&r, "--dry-run", "-C", dir, "--umask", "027", "--", "sh", "-c", script);
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.err, "");
	snprintf(want, sizeof want, "child  chdir(\"%s\")\n", dir);
	ASSERT(strstr(r.out, want) != NULL);
	ASSERT(strstr(r.out, "child  umask(0027)\n") != NULL);
	ASSERT(strstr(r.out, "child  execve(\"/") != NULL);
	ASSERT(access(mark, F_OK) != 0);
	fxr_free(&r);

	/* A program that is not there: fxrun's usual error and code. */
	FXRUN(&r, "--dry-run", "no-such-program-fx");
	ASSERT_EQ(r.code, 127);
	ASSERT(strstr(r.err, "no-such-program-fx") != NULL);
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
	free(mark);
	free(dir);
}
