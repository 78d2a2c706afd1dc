/* SPDX-License-Identifier: MIT */
/*
 * fxprobe's facts on Darwin, included by probe.c in place of its Linux
 * ones: the same keys, read without /proc.  The kernel's view of the
 * process comes from proc_pidinfo(PROC_PIDTBSDINFO) (saved ids, the
 * controlling terminal and its group, the traced flag), descriptor paths
 * from fcntl(F_GETPATH), the descriptor list from /dev/fd.  What Darwin
 * does not have (capabilities, seccomp, namespaces, cgroups, Linux-only
 * rlimits, scheduling policy, affinity, no_new_privs, pdeathsig) is "?".
 */
#include <dirent.h>
#include <libproc.h>
#include <sys/proc_info.h>
#include <sys/utsname.h>

static int by_number(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int bsdinfo(struct proc_bsdinfo *bi)
{
	return proc_pidinfo(getpid(), PROC_PIDTBSDINFO, 0, bi, sizeof *bi) == (int)sizeof *bi;
}

/* /dev/fd lists the caller's own descriptors (fdesc); its own is left out. */
static int *list_fds(size_t *count)
{
	static int fds[65536];
	size_t n = 0;
	DIR *d = opendir("/dev/fd");
	struct dirent *e;

	if (!d) {
		for (int fd = 0; fd < 1024; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				fds[n++] = fd;
		*count = n;
		return fds;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != dirfd(d) && n < 65536)
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof *fds, by_number);
	*count = n;
	return fds;
}

static void put_fds(int report_fd)
{
	size_t n;
	int *fds = list_fds(&n);

	for (size_t i = 0; i < n; i++) {
		char key[32], target[PATH_MAX];
		int fd = fds[i], fdflags = fcntl(fd, F_GETFD), flags = fcntl(fd, F_GETFL);

		if (fd == report_fd || fdflags < 0)
			continue;
		if (fcntl(fd, F_GETPATH, target) < 0)
			snprintf(target, sizeof target, "?");
		snprintf(key, sizeof key, "fd.%d", fd);
		putf(key, "%s cloexec=%d flags=%o", target, (fdflags & FD_CLOEXEC) ? 1 : 0,
		     (unsigned)flags);
	}
}

/* Darwin's 31 signals; the masks keep Linux's layout (bit sig-1). */
static void put_signals(void)
{
	sigset_t mask, pending;
	unsigned long long ign = 0, caught = 0;

	sigemptyset(&mask);
	sigemptyset(&pending);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pending);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) != 0)
			continue;
		if (sa.sa_handler == SIG_IGN)
			ign |= 1ull << (sig - 1);
		else if (sa.sa_handler != SIG_DFL)
			caught |= 1ull << (sig - 1);
	}
	putf("sigmask", "%016llx", (unsigned long long)mask);
	putf("sigpending", "%016llx", (unsigned long long)pending);
	putf("sigign", "%016llx", ign);
	putf("sigcaught", "%016llx", caught);
}

static int by_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return (x > y) - (x < y);
}

/* uid and gid: real, effective, saved, and the effective again where
 * Linux has its file-system id. */
static void put_ids(void)
{
	struct proc_bsdinfo bi;
	int have = bsdinfo(&bi);
	gid_t groups[NGROUPS_MAX + 1];
	int n = getgroups(NGROUPS_MAX + 1, groups);
	struct buf list = { 0 };

	if (have) {
		putf("uid", "%u,%u,%u,%u", getuid(), geteuid(), bi.pbi_svuid, geteuid());
		putf("gid", "%u,%u,%u,%u", getgid(), getegid(), bi.pbi_svgid, getegid());
	} else {
		put("uid", "?");
		put("gid", "?");
	}
	if (n < 0)
		n = 0;
	qsort(groups, (size_t)n, sizeof *groups, by_gid);
	for (int i = 0; i < n; i++) {
		char num[16];
		int len = snprintf(num, sizeof num, "%s%u", i ? "," : "", groups[i]);

		buf_add(&list, num, (size_t)len);
	}
	buf_add(&list, "", 1);
	put("groups", list.p);
	free(list.p);
}

/* The controlling terminal as the kernel records it (e_tdev is NODEV,
 * all ones, without one); its device in Darwin's own encoding. */
static void put_session(void)
{
	struct proc_bsdinfo bi;

	putf("pid", "%d", (int)getpid());
	putf("ppid", "%d", (int)getppid());
	putf("sid", "%d", (int)getsid(0));
	putf("pgid", "%d", (int)getpgrp());
	if (!bsdinfo(&bi)) {
		put("ctty", "?");
		put("tpgid", "?");
	} else if (bi.e_tdev == (uint32_t)-1) {
		put("ctty", "0");
		put("tpgid", "-1");
	} else {
		putf("ctty", "%u", bi.e_tdev);
		putf("tpgid", "%d", (int)bi.e_tpgid);
	}
	put("ctty_sid", "?");
}

static void put_status(void)
{
	static const char *const caps[] = { "capeff", "capprm", "capinh", "capamb", "capbnd" };
	struct proc_bsdinfo bi;

	/* Darwin says whether we are traced, not by whom. */
	if (!bsdinfo(&bi))
		put("tracerpid", "?");
	else
		put("tracerpid", (bi.pbi_flags & PROC_FLAG_TRACED) ? "?" : "0");
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		put(caps[i], "?");
	put("seccomp", "?");
}

static void put_misc(void)
{
	mode_t mask = umask(0);

	umask(mask);
	putf("umask", "%04o", (unsigned)mask);
	put("nonewprivs", "?");
	put("pdeathsig", "?");
}

static const char *limit_str(rlim_t v, char *out, size_t size)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	snprintf(out, size, "%llu", (unsigned long long)v);
	return out;
}

static void put_containment(void)
{
	static const char *const ns[] = { "user", "pid", "mnt", "net", "uts", "ipc", "cgroup", "time" };
	static const char *const linux_only[] = {
		"locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
	};
	static const struct {
		const char *name;
		int resource;
	} limits[] = {
		{ "cpu", RLIMIT_CPU }, { "fsize", RLIMIT_FSIZE }, { "data", RLIMIT_DATA },
		{ "stack", RLIMIT_STACK }, { "core", RLIMIT_CORE }, { "rss", RLIMIT_RSS },
		{ "nproc", RLIMIT_NPROC }, { "nofile", RLIMIT_NOFILE },
		{ "memlock", RLIMIT_MEMLOCK }, { "as", RLIMIT_AS },
	};
	char key[32];
	int niceness;

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		snprintf(key, sizeof key, "ns.%s", ns[i]);
		put(key, "?");
	}
	put("uid_map", "?");
	put("gid_map", "?");
	put("setgroups", "?");
	put("cgroup", "?");
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		char soft[24], hard[24];
		struct rlimit rl;

		snprintf(key, sizeof key, "rlimit.%s", limits[i].name);
		if (getrlimit(limits[i].resource, &rl) != 0) {
			put(key, "?");
			continue;
		}
		putf(key, "%s:%s", limit_str(rl.rlim_cur, soft, sizeof soft),
		     limit_str(rl.rlim_max, hard, sizeof hard));
	}
	for (size_t i = 0; i < sizeof linux_only / sizeof linux_only[0]; i++) {
		snprintf(key, sizeof key, "rlimit.%s", linux_only[i]);
		put(key, "?");
	}
	errno = 0;
	niceness = getpriority(PRIO_PROCESS, 0);
	if (niceness == -1 && errno)
		put("nice", "?");
	else
		putf("nice", "%d", niceness);
	put("sched.policy", "?");
	put("sched.reset_on_fork", "?");
	put("sched.priority", "?");
	put("cpus", "?");
}

/* --try-syscall: Darwin's libSystem entry points (no syscall(2) there). */
static void put_try(const char *name)
{
	static struct utsname uts;
	static char cwd[PATH_MAX];
	char key[32];
	long r = 0;

	snprintf(key, sizeof key, "try.%s", name);
	errno = 0;
	if (strcmp(name, "getppid") == 0)
		r = getppid();
	else if (strcmp(name, "uname") == 0)
		r = uname(&uts);
	else if (strcmp(name, "getcwd") == 0)
		r = getcwd(cwd, sizeof cwd) ? 0 : -1;
	else if (strcmp(name, "chdir") == 0)
		r = chdir("/");
	else if (strcmp(name, "umask") == 0)
		umask(022);
	if (r < 0)
		putf(key, "%d", errno);
	else
		put(key, "0");
}
