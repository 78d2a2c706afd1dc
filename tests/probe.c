/* SPDX-License-Identifier: MIT */
/*
 * fxprobe: reports its own process state, for the tests to compare with
 * what they asked the library for.
 *
 *     fxprobe [--report-fd=N] [--no-report] [--exit=CODE] [--kill=SIG]
 *             [--sleep-ms=N] [--wait-stdin] [--pump=N] [--spew=N]
 *             [--try-syscall=NAME] [--try-open=PATH] [--try-create=PATH]
 *             [--try-bind=PORT] [--try-connect=PORT] [--try-ls=DIR]
 *             [--clocks] [--] [ARG...]
 *
 * It writes `key=value` lines to the report fd (default 1), closes it, then
 * optionally reads stdin to EOF, sleeps, and finally raises SIG or exits
 * with CODE (default 0).  For the io tests, --no-report writes no report,
 * --spew=N writes N bytes of the pattern stream (pattern.h, seed 1) to
 * stdout, and --pump=N copies stdin to stdout until end of file while
 * writing N bytes of the pattern stream (seed 2) to stderr, interleaved
 * in chunks of 1 byte to 128 KiB (their sizes from seed 3), each round
 * an stderr chunk first, with blocking I/O: only a parent that reads
 * and writes all three at once gets through.  Options are read up to "--" or the first
 * argument that is not one of them; argv.N reports every argument as is.
 *
 * Values escape '\n' as \n, '\\' as \\ and other bytes outside printable
 * ASCII as \xHH.  Pipes among its fds also get pipesz.N, their capacity
 * in bytes.  A key whose source is unavailable (no /proc inside an
 * empty chroot) has the value "?".
 *
 * For the containment tests:
 *   ns.NAME        inode of /proc/self/ns/NAME (user pid mnt net uts ipc
 *                  cgroup time), decimal;
 *   uid_map, gid_map   /proc/self/{uid,gid}_map, each line's numbers
 *                  joined by single spaces, the lines by ',' ("0 1000 1");
 *   setgroups      "allow" or "deny";
 *   cgroup         the cgroup v2 path (the "0::" line of /proc/self/cgroup);
 *   rlimit.NAME    "SOFT:HARD" for every resource (cpu ... rttime), each a
 *                  decimal number or "unlimited";
 *   nice, ioprio (CLASS:LEVEL of ioprio_get(2)), securebits (hex),
 *   with --clocks, clock.monotonic and clock.boottime (whole seconds;
 *   they change from run to run, so only on demand),
 *   sched.policy (SCHED_RESET_ON_FORK masked off),
 *   sched.reset_on_fork (0/1), sched.priority;
 *   cpus           the affinity mask in the kernel's list syntax ("0-3,6");
 *   seccomp        the Seccomp field of /proc/self/status (0, 1 or 2);
 *   hostname       /proc/sys/kernel/hostname (the uts namespace's name).
 * --try-syscall=NAME (getppid, uname, getcwd, chdir, umask; on x86_64
 * x32_uname, uname's x32 number) makes that one
 * call with syscall(2) after everything else is read and adds try.NAME,
 * 0 on success or the errno (a positive decimal number) on failure.
 *
 * It is linked statically and needs nothing from the file system, so it
 * runs in an empty chroot and as any user.  Everything about signals is
 * read with raw system calls: glibc hides its two internal real-time
 * signals from sigprocmask and sigaction, and /proc may be missing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#if !defined(__APPLE__)
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#endif
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"
#include "slurp.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			_exit(112);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n') {
			buf_add(b, "\\n", 2);
		} else if (c == '\\') {
			buf_add(b, "\\\\", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			buf_add(b, e, 4);
		} else {
			buf_add(b, (const char *)&c, 1);
		}
	}
}

static struct buf report;

static void put(const char *key, const char *value)
{
	buf_add(&report, key, strlen(key));
	buf_add(&report, "=", 1);
	buf_escaped(&report, value);
	buf_add(&report, "\n", 1);
}

__attribute__((format(printf, 2, 3)))
static void putf(const char *key, const char *fmt, ...)
{
	char value[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	put(key, value);
}

/* ------------------------------------------------------------------ */
/* /proc helpers (all optional)                                        */
/* ------------------------------------------------------------------ */

/* A whole file of any size, malloc'd and NUL-terminated; NULL if unreadable. */
static char *slurp_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 65536;
	char *p;

	if (fd < 0)
		return NULL;
	if (!(p = malloc(cap)))
		_exit(112);
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			char *bigger = realloc(p, cap * 2);

			if (!bigger)
				_exit(112);
			p = bigger;
			cap *= 2;
		}
		r = read(fd, p + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = 0;
	*len = n;
	return p;
}

static void put_link(const char *key, const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof target - 1);

	if (n < 0) {
		put(key, "?");
		return;
	}
	target[n] = 0;
	put(key, target);
}

/* The value of "Name:\tvalue" in /proc/self/status, or NULL. */
#if !defined(__APPLE__)
static const char *status_field(const char *status, const char *name,
                                char *out, size_t size)
{
	size_t len = strlen(name);

	for (const char *line = status; line && *line;) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			const char *v = line + len + 1;
			size_t n;

			while (*v == ' ' || *v == '\t')
				v++;
			n = nl ? (size_t)(nl - v) : strlen(v);
			if (n >= size)
				n = size - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return out;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}
#endif

/*
 * env.N: the environment that execve gave this program, in its order.
 * It is read from /proc/self/environ, the kernel's copy of execve's envp,
 * and from environ only without /proc.  On Linux the two agree, but
 * qemu-user (7.2) hands the guest program its environment in reverse
 * order (util/envlist.c pushes each variable at the head of a list),
 * while the kernel's copy, the qemu process's own, keeps execve's.
 */
static void put_env(void)
{
	size_t len, i = 0;
	char *env = slurp_all("/proc/self/environ", &len);

	if (!env) {
		for (int k = 0; environ && environ[k]; k++) {
			char key[32];

			snprintf(key, sizeof key, "env.%d", k);
			put(key, environ[k]);
		}
		return;
	}
	for (size_t off = 0; off < len; off += strlen(env + off) + 1) {
		char key[32];

		snprintf(key, sizeof key, "env.%zu", i++);
		put(key, env + off);
	}
	free(env);
}

/* The calls --try-syscall=NAME can make, on Linux through syscall(2)
 * and on Darwin through libSystem (put_try below, per system). */
static const char *const try_names[] = {
	"getppid", "uname", "getcwd", "chdir", "umask", "x32_uname",
};

static int try_known(const char *name)
{
	for (size_t i = 0; i < sizeof try_names / sizeof try_names[0]; i++)
		if (strcmp(name, try_names[i]) == 0)
			return 1;
	return 0;
}

#if !defined(__APPLE__)
/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int by_number(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The open descriptors, listed before the probe opens anything of its own.
 * With /proc: getdents64 on /proc/self/fd (no allocation by opendir).
 * Without: every fd below 1024 that fcntl knows.
 */
static int *list_fds(size_t *count, int *have_proc)
{
	static int fds[65536];
	size_t n = 0;
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*have_proc = dir >= 0;
	if (dir < 0) {
		for (int fd = 0; fd < 1024; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				fds[n++] = fd;
		*count = n;
		return fds;
	}
	for (;;) {
		char ents[8192];
		long len = syscall(SYS_getdents64, dir, ents, sizeof ents);

		if (len <= 0)
			break;
		for (long off = 0; off < len;) {
			struct linux_dirent64 *d = (void *)(ents + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			if (atoi(d->d_name) != dir && n < 65536)
				fds[n++] = atoi(d->d_name);
		}
	}
	close(dir);
	qsort(fds, n, sizeof *fds, by_number);
	*count = n;
	return fds;
}

static void put_fds(int report_fd)
{
	int have_proc;
	size_t n;
	int *fds = list_fds(&n, &have_proc);

	for (size_t i = 0; i < n; i++) {
		char key[32], path[64], target[PATH_MAX];
		int fd = fds[i], fdflags, flags;
		ssize_t len = -1;

		if (fd == report_fd)
			continue;
		fdflags = fcntl(fd, F_GETFD);
		flags = fcntl(fd, F_GETFL);
		if (fdflags < 0)
			continue;
		if (have_proc) {
			snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
			len = readlink(path, target, sizeof target - 1);
		}
		if (len < 0)
			len = snprintf(target, sizeof target, "?");
		target[len] = 0;
		snprintf(key, sizeof key, "fd.%d", fd);
		putf(key, "%s cloexec=%d flags=%o", target,
		     (fdflags & FD_CLOEXEC) ? 1 : 0, (unsigned)flags);
		/* A pipe's capacity (F_GETPIPE_SZ), under a key of its own. */
		int pipe_size = fcntl(fd, F_GETPIPE_SZ);
		if (pipe_size > 0) {
			snprintf(key, sizeof key, "pipesz.%d", fd);
			putf(key, "%d", pipe_size);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */
/* ------------------------------------------------------------------ */

static void put_signals(void)
{
	uint64_t mask = 0, pending = 0, ign = 0, caught = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, sizeof mask);
	syscall(SYS_rt_sigpending, &pending, sizeof pending);
	for (int sig = 1; sig <= 64; sig++) {
		/*
		 * The kernel's struct sigaction starts with the handler on
		 * every architecture we build for; room for the rest.
		 */
		unsigned long ka[8] = { 0 };

		if (syscall(SYS_rt_sigaction, sig, NULL, ka, 8) != 0)
			continue;
		if (ka[0] == (unsigned long)SIG_IGN)
			ign |= 1ull << (sig - 1);
		else if (ka[0] != (unsigned long)SIG_DFL)
			caught |= 1ull << (sig - 1);
	}
	putf("sigmask", "%016llx", (unsigned long long)mask);
	putf("sigpending", "%016llx", (unsigned long long)pending);
	putf("sigign", "%016llx", (unsigned long long)ign);
	putf("sigcaught", "%016llx", (unsigned long long)caught);
}

/* ------------------------------------------------------------------ */
/* Identity                                                            */
/* ------------------------------------------------------------------ */

static int by_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return (x > y) - (x < y);
}

static void put_ids(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, *groups;
	int n;
	struct buf list = { 0 };

	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	/* An invalid id changes nothing and returns the current fs id. */
	putf("uid", "%u,%u,%u,%u", ru, eu, su, (unsigned)setfsuid((uid_t)-1));
	putf("gid", "%u,%u,%u,%u", rg, eg, sg, (unsigned)setfsgid((gid_t)-1));

	n = getgroups(0, NULL);
	groups = calloc(n > 0 ? (size_t)n : 1, sizeof *groups);
	if (!groups)
		_exit(112);
	n = getgroups(n, groups);
	if (n < 0)
		n = 0;
	qsort(groups, (size_t)n, sizeof *groups, by_gid);
	for (int i = 0; i < n; i++) {
		char num[16];
		int len = snprintf(num, sizeof num, "%s%u", i ? "," : "",
		                   groups[i]);

		buf_add(&list, num, (size_t)len);
	}
	buf_add(&list, "", 1);
	put("groups", list.p);
	free(list.p);
	free(groups);
}

/*
 * Whether fd is the caller's controlling terminal.  TIOCGPGRP on a
 * terminal fails with ENOTTY unless it is the caller's controlling one,
 * except on a pty master, where it answers for the slave whoever asks:
 * masters (the fds TIOCGPTN works on) are left out.
 */
static int is_our_ctty(int fd)
{
	int pgrp, ptn;

	return isatty(fd) && ioctl(fd, TIOCGPTN, &ptn) < 0 &&
	       ioctl(fd, TIOCGPGRP, &pgrp) == 0;
}

/*
 * The controlling terminal, asked of the terminal itself, never of
 * /proc/self/stat, whose tty_nr and tpgid qemu-user fakes (zeros):
 *   ctty      its device number in the kernel's encoding (the one of
 *             TIOCGDEV and of /proc's tty_nr), 0 when there is none;
 *   tpgid     its foreground process group, -1 when there is none;
 *   ctty_sid  its session (TIOCGSID).
 * Opening /dev/tty fails with ENXIO exactly when the caller has no
 * controlling terminal.  The open file is /dev/tty itself (5:0), so the
 * device comes from TIOCGDEV (Linux 3.8), else from one of the
 * descriptors the probe inherited that is that terminal: qemu-user 7.2
 * does not emulate TIOCGDEV (ENOSYS), and declares TIOCGSID as a write
 * to the kernel, so that the session is never copied back ("?" then).
 */
static void put_terminal(void)
{
	int have_proc, fd, pgrp = -1, sid = -1;
	unsigned dev = 0;
	size_t n;
	int *fds = list_fds(&n, &have_proc);

	fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO) {
			put("ctty", "0");
			put("tpgid", "-1");
			put("ctty_sid", "-1");
		} else {
			/* No /dev in a chroot: we cannot tell. */
			put("ctty", "?");
			put("tpgid", "?");
			put("ctty_sid", "?");
		}
		return;
	}
	if (ioctl(fd, TIOCGDEV, &dev) < 0) {
		for (size_t i = 0; i < n && !dev; i++) {
			struct stat st;

			if (fds[i] != fd && is_our_ctty(fds[i]) &&
			    fstat(fds[i], &st) == 0)
				dev = (minor(st.st_rdev) & 0xff) |
				      (major(st.st_rdev) << 8) |
				      ((minor(st.st_rdev) & ~0xffu) << 12);
		}
	}
	if (dev)
		putf("ctty", "%u", dev);
	else
		put("ctty", "?");
	if (ioctl(fd, TIOCGPGRP, &pgrp) == 0)
		putf("tpgid", "%d", pgrp);
	else
		put("tpgid", "?");
	if (ioctl(fd, TIOCGSID, &sid) == 0 && sid >= 0)
		putf("ctty_sid", "%d", sid);
	else
		put("ctty_sid", "?");
	close(fd);
}

static void put_session(void)
{
	putf("pid", "%d", (int)getpid());
	putf("ppid", "%d", (int)getppid());
	putf("sid", "%d", (int)getsid(0));
	putf("pgid", "%d", (int)getpgrp());
	put_terminal();
}

static void put_status(void)
{
	static const char *const caps[][2] = {
		{ "capeff", "CapEff" }, { "capprm", "CapPrm" },
		{ "capinh", "CapInh" }, { "capamb", "CapAmb" },
		{ "capbnd", "CapBnd" },
	};
	char status[8192], v[128];
	int have = fxt_slurp("/proc/self/status", status, sizeof status) > 0;

	put("tracerpid", have && status_field(status, "TracerPid", v, sizeof v)
	                 ? v : "-1");
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		put(caps[i][0], have && status_field(status, caps[i][1], v,
		                                     sizeof v) ? v : "?");
	put("seccomp", have && status_field(status, "Seccomp", v, sizeof v)
	               ? v : "?");
}

static void put_misc(void)
{
	mode_t mask = umask(0);
	int sig = 0;

	umask(mask);
	putf("umask", "%04o", (unsigned)mask);
	putf("nonewprivs", "%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0)
		putf("pdeathsig", "%d", sig);
	else
		put("pdeathsig", "?");
}

/* ------------------------------------------------------------------ */
/* Containment                                                         */
/* ------------------------------------------------------------------ */

/* A namespace's identity is the inode of its /proc/self/ns file. */
static void put_namespaces(void)
{
	static const char *const names[] = {
		"user", "pid", "mnt", "net", "uts", "ipc", "cgroup", "time",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char key[32], path[64];
		struct stat st;

		snprintf(key, sizeof key, "ns.%s", names[i]);
		snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
		if (stat(path, &st) == 0)
			putf(key, "%llu", (unsigned long long)st.st_ino);
		else
			put(key, "?");
	}
}

/*
 * A small file as one value: the words of each line joined by single
 * spaces, the lines by ','.  The id maps pad their columns to a fixed
 * width, which says nothing.
 */
static void put_file_words(const char *key, const char *path)
{
	size_t len;
	char *text = slurp_all(path, &len);
	const char *sep = "";
	struct buf out = { 0 };

	if (!text) {
		put(key, "?");
		return;
	}
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " \t\n");

		if (n) {
			buf_add(&out, sep, strlen(sep));
			buf_add(&out, p, n);
			sep = " ";
			p += n;
			continue;
		}
		/* A line ends: the next word, if any, starts a new one. */
		if (*p == '\n' && *sep)
			sep = ",";
		p++;
	}
	buf_add(&out, "", 1);
	put(key, out.p);
	free(out.p);
	free(text);
}

/* The cgroup v2 path; "?" without a "0::" line (a v1-only host). */
static void put_cgroup(void)
{
	char text[8192];
	const char *path = NULL;

	if (fxt_slurp("/proc/self/cgroup", text, sizeof text) > 0) {
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = 0;
			if (strncmp(line, "0::", 3) == 0) {
				path = line + 3;
				break;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	put("cgroup", path ? path : "?");
}

static const char *limit_str(rlim_t v, char *out, size_t size)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	snprintf(out, size, "%llu", (unsigned long long)v);
	return out;
}

static void put_rlimits(void)
{
	static const struct {
		const char *name;
		int resource;
	} limits[] = {
		{ "cpu", RLIMIT_CPU }, { "fsize", RLIMIT_FSIZE },
		{ "data", RLIMIT_DATA }, { "stack", RLIMIT_STACK },
		{ "core", RLIMIT_CORE }, { "rss", RLIMIT_RSS },
		{ "nproc", RLIMIT_NPROC }, { "nofile", RLIMIT_NOFILE },
		{ "memlock", RLIMIT_MEMLOCK }, { "as", RLIMIT_AS },
		{ "locks", RLIMIT_LOCKS }, { "sigpending", RLIMIT_SIGPENDING },
		{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
		{ "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },
	};

	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		char key[32], soft[24], hard[24];
		struct rlimit rl;

		snprintf(key, sizeof key, "rlimit.%s", limits[i].name);
		if (getrlimit(limits[i].resource, &rl) != 0) {
			put(key, "?");
			continue;
		}
		putf(key, "%s:%s", limit_str(rl.rlim_cur, soft, sizeof soft),
		     limit_str(rl.rlim_max, hard, sizeof hard));
	}
}

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/*
 * The scheduling policy and priority are read with raw system calls:
 * musl's sched_getscheduler and sched_getparam are stubs failing with
 * ENOSYS.  getpriority may return -1 as a nice value: errno tells.
 */
static void put_sched(void)
{
	struct sched_param param = { 0 };
	long policy = syscall(SYS_sched_getscheduler, 0);
	int niceness;

	errno = 0;
	niceness = getpriority(PRIO_PROCESS, 0);
	if (niceness == -1 && errno)
		put("nice", "?");
	else
		putf("nice", "%d", niceness);
#if !defined(__APPLE__)
	{
		int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

		if (bits < 0)
			put("securebits", "?");
		else
			putf("securebits", "%x", bits);
	}
#endif
#ifdef SYS_ioprio_get
	{
		/* IOPRIO_WHO_PROCESS, this process: class << 13 | level. */
		long io = syscall(SYS_ioprio_get, 1, 0);

		if (io < 0)
			put("ioprio", "?");
		else
			putf("ioprio", "%ld:%ld", io >> 13, io & 0x1fff);
	}
#else
	put("ioprio", "?");
#endif
	if (policy < 0) {
		put("sched.policy", "?");
		put("sched.reset_on_fork", "?");
	} else {
		putf("sched.policy", "%ld",
		     policy & ~(long)SCHED_RESET_ON_FORK);
		putf("sched.reset_on_fork", "%d",
		     (policy & SCHED_RESET_ON_FORK) ? 1 : 0);
	}
	if (syscall(SYS_sched_getparam, 0, &param) == 0)
		putf("sched.priority", "%d", param.sched_priority);
	else
		put("sched.priority", "?");
}

/*
 * The set sched_getaffinity fills must be at least as big as the
 * kernel's (EINVAL otherwise), which may exceed the CPUs configured:
 * doubled until it fits.
 */
static cpu_set_t *affinity(int *ncpus, size_t *size)
{
	for (int n = 1024; n <= 1 << 22; n *= 2) {
		cpu_set_t *set = CPU_ALLOC(n);

		if (!set)
			_exit(112);
		*size = CPU_ALLOC_SIZE(n);
		if (sched_getaffinity(0, *size, set) == 0) {
			*ncpus = n;
			return set;
		}
		if (errno != EINVAL) {
			CPU_FREE(set);
			return NULL;
		}
		CPU_FREE(set);
	}
	return NULL;
}

/* The affinity mask in the kernel's list syntax: "0-3,6", "1". */
static void put_cpus(void)
{
	struct buf list = { 0 };
	size_t size;
	int ncpus;
	cpu_set_t *set = affinity(&ncpus, &size);

	if (!set) {
		put("cpus", "?");
		return;
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		char range[32];
		int last = cpu, len;

		if (!CPU_ISSET_S(cpu, size, set))
			continue;
		while (last + 1 < ncpus && CPU_ISSET_S(last + 1, size, set))
			last++;
		if (last == cpu)
			len = snprintf(range, sizeof range, "%s%d",
			               list.len ? "," : "", cpu);
		else
			len = snprintf(range, sizeof range, "%s%d-%d",
			               list.len ? "," : "", cpu, last);
		buf_add(&list, range, (size_t)len);
		cpu = last;
	}
	buf_add(&list, "", 1);
	put("cpus", list.p);
	free(list.p);
	CPU_FREE(set);
}

static void put_containment(void)
{
	put_namespaces();
	put_file_words("uid_map", "/proc/self/uid_map");
	put_file_words("gid_map", "/proc/self/gid_map");
	put_file_words("setgroups", "/proc/self/setgroups");
	/* From /proc, not uname(2), which the seccomp tests deny (or kill). */
	put_file_words("hostname", "/proc/sys/kernel/hostname");
	put_cgroup();
	put_rlimits();
	put_sched();
	put_cpus();
}

/*
 * --try-syscall=NAME, for the seccomp tests: the one call, made with
 * syscall(2) so that no libc wrapper answers in its place or makes other
 * calls around it.  It runs after everything else is read, so that chdir
 * and umask change nothing the report shows.
 */
static long try_syscall(const char *name)
{
	static struct utsname uts;
	static char cwd[PATH_MAX];

	if (strcmp(name, "getppid") == 0)
		return syscall(SYS_getppid);
	if (strcmp(name, "uname") == 0)
		return syscall(SYS_uname, &uts);
	if (strcmp(name, "getcwd") == 0)
		return syscall(SYS_getcwd, cwd, sizeof cwd);
	if (strcmp(name, "chdir") == 0)
		return syscall(SYS_chdir, "/");
	if (strcmp(name, "umask") == 0)
		return syscall(SYS_umask, 022);
#if defined(__x86_64__) && !defined(__ILP32__)
	/* uname under the x32 ABI: the same call with __X32_SYSCALL_BIT
	 * (a kernel without x32 says ENOSYS, unless a filter answers). */
	if (strcmp(name, "x32_uname") == 0)
		return syscall(SYS_uname | 0x40000000L, &uts);
#endif
	errno = EINVAL;
	return -1;
}

static void put_try(const char *name)
{
	char key[32];
	long r;

	snprintf(key, sizeof key, "try.%s", name);
	errno = 0;
	r = try_syscall(name);
	if (r < 0)
		putf(key, "%d", errno);
	else
		put(key, "0");
}

#else
/* Darwin: the same keys where Darwin has the fact, from libproc,
 * fcntl(F_GETPATH) and sysctl instead of /proc. */
#include "probe_darwin.h"
#endif /* !__APPLE__ */

/* clock.monotonic, clock.boottime: whole seconds, as this process's
 * time namespace shows them. */
static void put_clocks(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		putf("clock.monotonic", "%lld", (long long)ts.tv_sec);
	else
		put("clock.monotonic", "?");
#ifdef CLOCK_BOOTTIME
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		putf("clock.boottime", "%lld", (long long)ts.tv_sec);
	else
#endif
		put("clock.boottime", "?");
}

/*
 * --try-open=PATH, --try-create=PATH, --try-bind=PORT, --try-connect=PORT,
 * for the landlock tests: the one action, reported as try.open,
 * try.create, try.bind, try.connect: 0 or the errno.  A created file is
 * left for the test to see; a connection is closed at once.  And
 * --try-ls=DIR, for the view tests: try.ls, the names in DIR (but . and
 * ..), sorted, comma-separated, or the errno.
 */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put_ls(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[256], list[8192];
	size_t n = 0, len = 0;

	if (!d) {
		putf("try.ls", "%d", errno);
		return;
	}
	while ((e = readdir(d)) && n < 256)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	list[0] = 0;
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(list + len, len < sizeof list ? sizeof list - len : 0, "%s%s",
		                        i ? "," : "", names[i]);
		free(names[i]);
	}
	put("try.ls", list);
}

static void put_try_action(const char *what, const char *arg)
{
	char key[32];
	int fd = -1, rc = -1;

	snprintf(key, sizeof key, "try.%s", what);
	errno = 0;
	if (strcmp(what, "ls") == 0) {
		put_ls(arg);
		return;
	}
	if (strcmp(what, "open") == 0) {
		fd = open(arg, O_RDONLY | O_CLOEXEC);
		rc = fd;
	} else if (strcmp(what, "create") == 0) {
		fd = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		rc = fd;
	} else {
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)atoi(arg));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0)
			rc = strcmp(what, "bind") == 0
			     ? bind(fd, (struct sockaddr *)&sin, sizeof sin)
			     : connect(fd, (struct sockaddr *)&sin, sizeof sin);
	}
	if (rc < 0)
		putf(key, "%d", errno);
	else
		put(key, "0");
	if (fd >= 0)
		close(fd);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static long number(const char *arg, const char *value, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end || n < min || n > max) {
		fprintf(stderr, "fxprobe: bad value in %s\n", arg);
		exit(2);
	}
	return n;
}

static void write_report(int fd)
{
	size_t off = 0;

	while (off < report.len) {
		ssize_t n = write(fd, report.p + off, report.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(111);
		off += (size_t)n;
	}
	close(fd);
}

static void write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(113);
		p += w;
		n -= (size_t)w;
	}
}

#define IO_CHUNK_MAX (128 * 1024)

static void spew(long long n)
{
	static unsigned char buf[65536];
	struct fxt_pattern pat;

	fxt_pattern_init(&pat, 1);
	while (n > 0) {
		size_t k = n < (long long)sizeof buf ? (size_t)n : sizeof buf;

		fxt_pattern_fill(&pat, buf, k);
		write_all(1, buf, k);
		n -= (long long)k;
	}
}

static void pump(long long err_bytes)
{
	static unsigned char buf[IO_CHUNK_MAX];
	struct fxt_pattern pat, sizes;
	int in_open = 1;

	fxt_pattern_init(&pat, 2);
	fxt_pattern_init(&sizes, 3);
	while (in_open || err_bytes > 0) {
		size_t k = (size_t)(fxt_pattern_next64(&sizes) % IO_CHUNK_MAX) + 1;

		if (err_bytes > 0) {
			size_t e = (long long)k < err_bytes ? k : (size_t)err_bytes;
			fxt_pattern_fill(&pat, buf, e);
			write_all(2, buf, e);
			err_bytes -= (long long)e;
		}
		if (in_open) {
			ssize_t n = read(0, buf, k);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				_exit(114);
			if (n == 0)
				in_open = 0;
			else
				write_all(1, buf, (size_t)n);
		}
	}
}

int main(int argc, char **argv)
{
	int report_fd = 1, exit_code = 0, kill_sig = 0, wait_stdin = 0, no_report = 0;
	int clocks = 0;
	long sleep_ms = 0;
	long long pump_bytes = -1, spew_bytes = -1;
	const char *try_name = NULL;
	const char *try_what = NULL, *try_arg = NULL;
	char cwd[PATH_MAX];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--report-fd=", 12) == 0)
			report_fd = (int)number(a, a + 12, 0, INT_MAX);
		else if (strncmp(a, "--exit=", 7) == 0)
			exit_code = (int)number(a, a + 7, 0, 255);
		else if (strncmp(a, "--kill=", 7) == 0)
			kill_sig = (int)number(a, a + 7, 1, 64);
		else if (strncmp(a, "--sleep-ms=", 11) == 0)
			sleep_ms = number(a, a + 11, 0, 86400000);
		else if (strcmp(a, "--wait-stdin") == 0)
			wait_stdin = 1;
		else if (strcmp(a, "--no-report") == 0)
			no_report = 1;
		else if (strcmp(a, "--clocks") == 0)
			clocks = 1;
		else if (strncmp(a, "--pump=", 7) == 0)
			pump_bytes = number(a, a + 7, 0, LONG_MAX);
		else if (strncmp(a, "--spew=", 7) == 0)
			spew_bytes = number(a, a + 7, 0, LONG_MAX);
		else if (strncmp(a, "--try-syscall=", 14) == 0)
			try_name = a + 14;
		else if (strncmp(a, "--try-open=", 11) == 0)
			try_what = "open", try_arg = a + 11;
		else if (strncmp(a, "--try-create=", 13) == 0)
			try_what = "create", try_arg = a + 13;
		else if (strncmp(a, "--try-bind=", 11) == 0)
			try_what = "bind", try_arg = a + 11;
		else if (strncmp(a, "--try-connect=", 14) == 0)
			try_what = "connect", try_arg = a + 14;
		else if (strncmp(a, "--try-ls=", 9) == 0)
			try_what = "ls", try_arg = a + 9;
		else
			break; /* "--" or the first argument */
	}
	if (try_name && !try_known(try_name)) {
		fprintf(stderr, "fxprobe: unknown system call %s\n", try_name);
		exit(2);
	}

	if (no_report)
		goto act;
	/* Descriptors first, before anything below opens a file. */
	put_fds(report_fd);

	putf("argc", "%d", argc);
	for (int i = 0; i < argc; i++) {
		char key[32];

		snprintf(key, sizeof key, "argv.%d", i);
		put(key, argv[i]);
	}
	put_env();
	put("cwd", getcwd(cwd, sizeof cwd) ? cwd : "?");
	put_link("root", "/proc/self/root");
	put_link("exe", "/proc/self/exe");
	put_session();
	put_ids();
	put_signals();
	put_status();
	put_misc();
	put_containment();
	if (clocks)
		put_clocks();
	if (try_name)
		put_try(try_name);
	if (try_what)
		put_try_action(try_what, try_arg);
	write_report(report_fd);

act:
	if (pump_bytes >= 0)
		pump(pump_bytes);
	if (spew_bytes >= 0)
		spew(spew_bytes);
	if (wait_stdin) {
		char buf[4096];
		ssize_t n;

		while ((n = read(0, buf, sizeof buf)) != 0)
			if (n < 0 && errno != EINTR)
				break;
	}
	if (sleep_ms > 0) {
		struct timespec ts = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000 };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	if (kill_sig) {
		sigset_t set;

		signal(kill_sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, kill_sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(kill_sig);
	}
	return exit_code;
}
