/* SPDX-License-Identifier: MIT */
/*
 * fxrun's option parser.  Hand-written rather than getopt_long so that it
 * keeps no global state (optind, opterr), never prints, and never permutes
 * argv: options end at the first non-option, which is PROGRAM, because the
 * arguments after it belong to PROGRAM.  Long options must be spelled in
 * full; abbreviations would make every new option a possible break.
 */
#include "fxrun_args.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "forkexec.h"
#include "forkexec-linux.h"

/* Older C libraries lack the newest namespace flags; the values are fixed. */
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#if defined(__APPLE__)
/* Darwin: the Linux options still parse (their setters refuse with
 * -ENOTSUP, which fxrun reports), so the Linux values are named here. */
#define CLONE_NEWNS   0x00020000
#define CLONE_NEWUTS  0x04000000
#define CLONE_NEWIPC  0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID  0x20000000
#define CLONE_NEWNET  0x40000000
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define _NSIG NSIG
#endif

enum opt_id {
	OPT_CHDIR, OPT_CHROOT, OPT_USER, OPT_GROUP, OPT_GROUPS, OPT_SETSID,
	OPT_PGID, OPT_NOCTTY, OPT_CTTY, OPT_FOREGROUND, OPT_PTRACE, OPT_FD,
	OPT_KEEP_FDS, OPT_IGNORE_ENV, OPT_ENV, OPT_UNSET, OPT_ARGV0,
	OPT_CLEAN_SIGNALS, OPT_PDEATHSIG, OPT_BACKEND, OPT_HELP, OPT_VERSION,
	OPT_STDIN, OPT_STDOUT, OPT_STDERR, OPT_APPEND, OPT_STDERR_TO_STDOUT,
	OPT_NULL_STDIN, OPT_TIMEOUT, OPT_KILL_AFTER, OPT_SIGNAL, OPT_KILL_GROUP,
	OPT_UNSHARE, OPT_MAP_ROOT_USER, OPT_UID_MAP, OPT_GID_MAP, OPT_SETGROUPS,
	OPT_AMBIENT_CAPS, OPT_BOUNDING_CAPS, OPT_CGROUP, OPT_RLIMIT, OPT_UMASK,
	OPT_NO_NEW_PRIVS, OPT_NICE, OPT_SCHED, OPT_CPUS, OPT_SECCOMP,
	OPT_SECCOMP_DENY, OPT_SECCOMP_ALLOW, OPT_LANDLOCK_RO, OPT_LANDLOCK_RW,
	OPT_LANDLOCK_BIND, OPT_LANDLOCK_CONNECT, OPT_LANDLOCK_STRICT, OPT_JOIN, OPT_JOIN_NS,
	OPT_HOSTNAME,
	/* The view, in the order of enum fxrun_view_kind. */
	OPT_VIEW_BIND, OPT_VIEW_RO_BIND, OPT_VIEW_DEV_BIND, OPT_VIEW_TMPFS, OPT_VIEW_PROC,
	OPT_VIEW_DEV, OPT_VIEW_MQUEUE, OPT_VIEW_DIR, OPT_VIEW_SYMLINK, OPT_VIEW_REMOUNT_RO
};

struct opt_def {
	const char *name;       /* long name, without "--" */
	char short_name;        /* 0 if none */
	int has_arg;            /* 2: two (bubblewrap's --bind SRC DEST) */
	int id;                 /* enum opt_id */
};

static const struct opt_def opt_defs[] = {
	{ "chdir",              'C', 1, OPT_CHDIR },
	{ "chroot",             0,   1, OPT_CHROOT },
	{ "user",               'u', 1, OPT_USER },
	{ "group",              'g', 1, OPT_GROUP },
	{ "groups",             'G', 1, OPT_GROUPS },
	{ "setsid",             0,   0, OPT_SETSID },
	{ "pgid",               0,   1, OPT_PGID },
	{ "noctty",             0,   0, OPT_NOCTTY },
	{ "ctty",               0,   1, OPT_CTTY },
	{ "foreground",         0,   0, OPT_FOREGROUND },
	{ "ptrace",             0,   0, OPT_PTRACE },
	{ "fd",                 0,   1, OPT_FD },
	{ "keep-fds",           0,   0, OPT_KEEP_FDS },
	{ "ignore-environment", 'i', 0, OPT_IGNORE_ENV },
	{ "env",                'e', 1, OPT_ENV },
	{ "unset",              'U', 1, OPT_UNSET },
	{ "argv0",              0,   1, OPT_ARGV0 },
	{ "clean-signals",      0,   0, OPT_CLEAN_SIGNALS },
	{ "pdeathsig",          0,   1, OPT_PDEATHSIG },
	{ "backend",            0,   1, OPT_BACKEND },
	{ "stdin",              0,   1, OPT_STDIN },
	{ "stdout",             0,   1, OPT_STDOUT },
	{ "stderr",             0,   1, OPT_STDERR },
	{ "append",             0,   0, OPT_APPEND },
	{ "stderr-to-stdout",   0,   0, OPT_STDERR_TO_STDOUT },
	{ "null-stdin",         0,   0, OPT_NULL_STDIN },
	{ "timeout",            0,   1, OPT_TIMEOUT },
	{ "kill-after",         0,   1, OPT_KILL_AFTER },
	{ "signal",             0,   1, OPT_SIGNAL },
	{ "kill-group",         0,   0, OPT_KILL_GROUP },
	{ "unshare",            0,   1, OPT_UNSHARE },
	{ "map-root-user",      0,   0, OPT_MAP_ROOT_USER },
	{ "uid-map",            0,   1, OPT_UID_MAP },
	{ "gid-map",            0,   1, OPT_GID_MAP },
	{ "setgroups",          0,   1, OPT_SETGROUPS },
	{ "ambient-caps",       0,   1, OPT_AMBIENT_CAPS },
	{ "bounding-caps",      0,   1, OPT_BOUNDING_CAPS },
	{ "cgroup",             0,   1, OPT_CGROUP },
	{ "rlimit",             0,   1, OPT_RLIMIT },
	{ "umask",              0,   1, OPT_UMASK },
	{ "no-new-privs",       0,   0, OPT_NO_NEW_PRIVS },
	{ "nice",               0,   1, OPT_NICE },
	{ "sched",              0,   1, OPT_SCHED },
	{ "cpus",               0,   1, OPT_CPUS },
	{ "seccomp",            0,   1, OPT_SECCOMP },
	{ "seccomp-deny",       0,   1, OPT_SECCOMP_DENY },
	{ "seccomp-allow",      0,   1, OPT_SECCOMP_ALLOW },
	{ "landlock-ro",        0,   1, OPT_LANDLOCK_RO },
	{ "landlock-rw",        0,   1, OPT_LANDLOCK_RW },
	{ "landlock-bind",      0,   1, OPT_LANDLOCK_BIND },
	{ "landlock-connect",   0,   1, OPT_LANDLOCK_CONNECT },
	{ "landlock-strict",    0,   0, OPT_LANDLOCK_STRICT },
	{ "join",               0,   1, OPT_JOIN },
	{ "join-ns",            0,   1, OPT_JOIN_NS },
	{ "bind",               0,   2, OPT_VIEW_BIND },
	{ "ro-bind",            0,   2, OPT_VIEW_RO_BIND },
	{ "dev-bind",           0,   2, OPT_VIEW_DEV_BIND },
	{ "tmpfs",              0,   1, OPT_VIEW_TMPFS },
	{ "proc",               0,   1, OPT_VIEW_PROC },
	{ "dev",                0,   1, OPT_VIEW_DEV },
	{ "mqueue",             0,   1, OPT_VIEW_MQUEUE },
	{ "dir",                0,   1, OPT_VIEW_DIR },
	{ "symlink",            0,   2, OPT_VIEW_SYMLINK },
	{ "remount-ro",         0,   1, OPT_VIEW_REMOUNT_RO },
	{ "hostname",           0,   1, OPT_HOSTNAME },
	{ "help",               'h', 0, OPT_HELP },
	{ "version",            0,   0, OPT_VERSION },
};
#define N_OPT_DEFS (sizeof opt_defs / sizeof opt_defs[0])

__attribute__((format(printf, 3, 4)))
static int usage_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen > 0)
		vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int fxrun_parse_number(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (d > max || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The signals Linux numbers the same on every architecture we build for. */
static const struct { const char *name; int sig; } signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },   { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },
	{ "IOT", SIGIOT },   { "BUS", SIGBUS },     { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG },     { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO },
#ifdef SIGPOLL
	{ "POLL", SIGPOLL },
#endif
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
	{ "SYS", SIGSYS },
};

int fxrun_parse_signal(const char *s)
{
	unsigned long n;
	size_t i;

	/* _NSIG is one past the highest real-time signal. */
	if (fxrun_parse_number(s, _NSIG - 1, &n) == 0)
		return n > 0 ? (int)n : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	return -EINVAL;
}

/* About 30,000 years: far beyond any use, far below overflow. */
#define DURATION_MAX_MS 1000000000000000LL

int fxrun_parse_duration(const char *s, long long *ms)
{
	static const struct { const char *name; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	long long whole = 0, frac_num = 0, frac_den = 1, unit = 0, total;
	const char *p = s;
	int digits = 0;
	size_t i;

	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (whole < DURATION_MAX_MS)
			whole = whole * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			/* Nine decimals are more than a millisecond needs. */
			if (frac_den < 1000000000LL) {
				frac_num = frac_num * 10 + (*p - '0');
				frac_den *= 10;
			}
		}
	}
	if (!digits)
		return -EINVAL;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(p, units[i].name) == 0)
			unit = units[i].ms;
	if (unit <= 0)
		return -EINVAL;
	if (whole >= DURATION_MAX_MS / unit) {
		*ms = DURATION_MAX_MS;
		return 0;
	}
	/* The fraction in ms, rounded up: frac_num/frac_den of a unit. */
	total = whole * unit + (frac_num * unit + frac_den - 1) / frac_den;
	*ms = total < DURATION_MAX_MS ? total : DURATION_MAX_MS;
	return 0;
}

/* "CHILD=PARENT", PARENT a number or "-" (close CHILD in the child). */
static int parse_fd_map(const char *s, struct fxrun_fd_map *m)
{
	const char *eq = strchr(s, '=');
	char child[32];
	unsigned long c, p;

	if (!eq || (size_t)(eq - s) >= sizeof child)
		return -EINVAL;
	memcpy(child, s, (size_t)(eq - s));
	child[eq - s] = '\0';
	if (fxrun_parse_number(child, INT_MAX, &c) < 0)
		return -EINVAL;
	if (strcmp(eq + 1, "-") == 0) {
		m->parent_fd = -1;
	} else {
		if (fxrun_parse_number(eq + 1, INT_MAX, &p) < 0)
			return -EINVAL;
		m->parent_fd = (int)p;
	}
	m->child_fd = (int)c;
	return 0;
}

/* Environment names are whatever precedes the first '='; empty is refused. */
static int valid_env_set(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

static int valid_env_unset(const char *s)
{
	return *s != '\0' && !strchr(s, '=');
}

/* "" (no groups) or one or more non-empty elements separated by commas. */
static int valid_group_list(const char *s)
{
	const char *p;

	if (*s == '\0')
		return 1;
	if (*s == ',')
		return 0;
	for (p = s; *p; p++)
		if (*p == ',' && (p[1] == ',' || p[1] == '\0'))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Linux containment: names and numbers                                */
/* ------------------------------------------------------------------ */

/*
 * The next element of a comma-separated list: *p points at it; stores
 * where it starts and its length and moves *p past it (and its comma).
 * Returns 0 at the end of the list.
 */
static int next_element(const char **p, const char **elem, size_t *len)
{
	const char *comma;

	if (**p == '\0')
		return 0;
	*elem = *p;
	comma = strchr(*p, ',');
	*len = comma ? (size_t)(comma - *p) : strlen(*p);
	*p = comma ? comma + 1 : *p + *len;
	return 1;
}

/* A non-empty list with no empty element ("a,,b", ",a", "a,"). */
static int valid_list(const char *s)
{
	return *s != '\0' && valid_group_list(s);
}

static int name_is(const char *elem, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(elem, name, len) == 0;
}

static const struct { const char *name; unsigned long flag; } ns_names[] = {
	{ "user", CLONE_NEWUSER },     { "pid", CLONE_NEWPID },
	{ "mount", CLONE_NEWNS },      { "net", CLONE_NEWNET },
	{ "uts", CLONE_NEWUTS },       { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
	{ "mnt", CLONE_NEWNS },        /* /proc/PID/ns/mnt's name */
};

const char *fxrun_cap_name(unsigned cap)
{
	return cap <= FXRUN_CAP_LAST ? fx_cap_name((int)cap) : NULL;
}

static const struct { const char *name; int policy; int rt; } sched_names[] = {
	{ "other", SCHED_OTHER, 0 }, { "batch", SCHED_BATCH, 0 },
	{ "idle", SCHED_IDLE, 0 },   { "fifo", SCHED_FIFO, 1 },
	{ "rr", SCHED_RR, 1 },
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

/* --unshare LIST: the CLONE_NEW* bits, added to *flags. */
static int parse_unshare(const char *opt, const char *arg, unsigned long *flags,
                         char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	size_t len, i;

	if (!valid_list(arg))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected a comma-separated list "
		                   "of namespaces", opt, arg);
	while (next_element(&p, &e, &len)) {
		for (i = 0; i < N_OF(ns_names); i++)
			if (name_is(e, len, ns_names[i].name))
				break;
		if (i == N_OF(ns_names))
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': unknown namespace '%.*s' "
			                   "(expected user, pid, mount, net, uts, ipc, "
			                   "cgroup or time)", opt, arg, (int)len, e);
		*flags |= ns_names[i].flag;
	}
	return 0;
}

/* --ambient-caps / --bounding-caps LIST: names into a mask, added to *mask. */
static int parse_caps(const char *opt, const char *arg, int allow_all,
                      uint64_t *mask, char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	size_t len;
	unsigned c;

	if (!valid_list(arg))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected a comma-separated list "
		                   "of capabilities", opt, arg);
	while (next_element(&p, &e, &len)) {
		const char *name = e;
		size_t n = len;

		if (allow_all && name_is(e, len, "all")) {
			*mask |= FX_CAP(FXRUN_CAP_LAST + 1) - 1;
			continue;
		}
		if (n > 4 && strncasecmp(name, "cap_", 4) == 0) {
			name += 4;
			n -= 4;
		}
		for (c = 0; c <= FXRUN_CAP_LAST; c++)
			if (name_is(name, n, fx_cap_name((int)c)))
				break;
		if (c > FXRUN_CAP_LAST)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': unknown capability '%.*s'%s",
			                   opt, arg, (int)len, e,
			                   name_is(e, len, "all")
			                   ? " ('all' is for --bounding-caps)"
			                   : " (e.g. net_bind_service or cap_net_bind_service)");
		*mask |= FX_CAP(c);
	}
	return 0;
}

/* INSIDE:OUTSIDE:COUNT, each a decimal id, no range reaching 2^32 - 1. */
static int parse_id_map(const char *s, struct fxrun_id_map *m)
{
	unsigned long v[3];
	char part[16];
	int i;

	for (i = 0; i < 3; i++) {
		const char *end = i < 2 ? strchr(s, ':') : s + strlen(s);

		if (!end || (size_t)(end - s) >= sizeof part)
			return -EINVAL;
		memcpy(part, s, (size_t)(end - s));
		part[end - s] = '\0';
		if (fxrun_parse_number(part, 0xFFFFFFFFUL, &v[i]) < 0)
			return -EINVAL;
		s = end + (i < 2);
	}
	/* The kernel refuses a range that wraps or ends at (u32)-1. */
	if (v[2] == 0 || (unsigned long long)v[0] + v[2] > 0xFFFFFFFFULL ||
	    (unsigned long long)v[1] + v[2] > 0xFFFFFFFFULL)
		return -EINVAL;
	m->inside = (uint32_t)v[0];
	m->outside = (uint32_t)v[1];
	m->count = (uint32_t)v[2];
	return 0;
}

/* A limit: a decimal below 2^64 - 1, or "unlimited". */
static int parse_limit(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (name_is(s, len, "unlimited")) {
		*out = FXRUN_RLIM_UNLIMITED;
		return 0;
	}
	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (FXRUN_RLIM_UNLIMITED - 1 - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* --rlimit NAME=SOFT[:HARD]; SOFT alone sets both, as prlimit(1) does. */
static int parse_rlimit(const char *opt, const char *arg, struct fxrun_rlimit *rl,
                        char *errbuf, size_t errlen)
{
	const char *eq = strchr(arg, '='), *colon;
	size_t i;

	if (!eq)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected NAME=SOFT[:HARD]", opt, arg);
	for (i = 0; i < FXRUN_NRLIMITS; i++)
		if (name_is(arg, (size_t)(eq - arg), fx_rlimit_name((int)i)))
			break;
	if (i == FXRUN_NRLIMITS)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': unknown limit '%.*s' (expected cpu, "
		                   "fsize, data, stack, core, rss, nproc, nofile, "
		                   "memlock, as, locks, sigpending, msgqueue, nice, "
		                   "rtprio or rttime)", opt, arg, (int)(eq - arg), arg);
	rl->resource = (int)i;
	rl->name = fx_rlimit_name((int)i);
	colon = strchr(eq + 1, ':');
	if (parse_limit(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1),
	                &rl->soft) < 0 ||
	    (colon && parse_limit(colon + 1, strlen(colon + 1), &rl->hard) < 0))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': a limit is a decimal number or "
		                   "'unlimited'", opt, arg);
	if (!colon)
		rl->hard = rl->soft;
	if (rl->soft > rl->hard)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': the soft limit is above the hard one",
		                   opt, arg);
	return 0;
}

/* --umask OCTAL: 0 to 0777. */
static int parse_umask(const char *s, int *out)
{
	int v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		v = v * 8 + (*s - '0');
		if (v > 0777)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* --nice N: -20 to 19, with an optional sign. */
static int parse_nice(const char *s, int *out)
{
	unsigned long n;
	int neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	if (fxrun_parse_number(s, neg ? 20 : 19, &n) < 0)
		return -EINVAL;
	*out = neg ? -(int)n : (int)n;
	return 0;
}

/* --sched POLICY[:PRIO]. */
static int parse_sched(const char *opt, const char *arg, struct fxrun_opts *o,
                       char *errbuf, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg), i;
	unsigned long prio = 0;

	for (i = 0; i < N_OF(sched_names); i++)
		if (name_is(arg, len, sched_names[i].name))
			break;
	if (i == N_OF(sched_names))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': unknown policy '%.*s' (expected "
		                   "other, batch, idle, fifo or rr)", opt, arg,
		                   (int)len, arg);
	if (colon && fxrun_parse_number(colon + 1, 99, &prio) < 0)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': the priority is a number, 1 to 99 "
		                   "for fifo and rr, 0 for the others", opt, arg);
	if (sched_names[i].rt && prio == 0)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': %s needs a priority from 1 to 99 "
		                   "(%s:PRIO)", opt, arg, sched_names[i].name,
		                   sched_names[i].name);
	if (!sched_names[i].rt && prio != 0)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': %s takes no priority but 0",
		                   opt, arg, sched_names[i].name);
	o->sched_set = 1;
	o->sched_policy = sched_names[i].policy;
	o->sched_priority = (int)prio;
	return 0;
}

/* --cpus LIST: "0-3,6"; replaces a --cpus given before. */
static int parse_cpus(const char *opt, const char *arg, struct fxrun_opts *o,
                      char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	size_t len, n = 1;

	if (!valid_list(arg))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected CPU numbers and ranges, "
		                   "e.g. 0-3,6", opt, arg);
	for (e = arg; *e; e++)
		n += *e == ',';
	free(o->cpus);
	o->n_cpus = 0;
	o->cpus_max = 0;
	o->cpus = calloc(n, sizeof *o->cpus);
	if (!o->cpus) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	while (next_element(&p, &e, &len)) {
		char lo[16], hi[16];
		const char *dash = memchr(e, '-', len);
		size_t lo_len = dash ? (size_t)(dash - e) : len;
		size_t hi_len = dash ? len - lo_len - 1 : 0;
		unsigned long a, b;

		if (lo_len >= sizeof lo || hi_len >= sizeof hi)
			goto bad;
		memcpy(lo, e, lo_len);
		lo[lo_len] = '\0';
		if (fxrun_parse_number(lo, FXRUN_CPU_MAX, &a) < 0)
			goto bad;
		b = a;
		if (dash) {
			memcpy(hi, dash + 1, hi_len);
			hi[hi_len] = '\0';
			if (fxrun_parse_number(hi, FXRUN_CPU_MAX, &b) < 0 || b < a)
				goto bad;
		}
		o->cpus[o->n_cpus].lo = (unsigned)a;
		o->cpus[o->n_cpus++].hi = (unsigned)b;
		if (b > o->cpus_max)
			o->cpus_max = b;
		continue;
bad:
		o->n_cpus = 0;
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': bad element '%.*s' (a CPU number "
		                   "0-%d or a range LOW-HIGH)", opt, arg, (int)len, e,
		                   FXRUN_CPU_MAX);
	}
	return 0;
}

/* Applies one option; `shown` is how the user spelled it, for messages. */
static int apply(struct fxrun_opts *o, const struct opt_def *d,
                 const char *shown, const char *arg,
                 char *errbuf, size_t errlen)
{
	char opt[32];           /* "--name": the option, however spelled */
	unsigned long n;
	int r;

	if (!arg)
		arg = "";
	snprintf(opt, sizeof opt, "--%s", d->name);

	switch (d->id) {
	case OPT_CHDIR:
		o->chdir = arg;
		break;
	case OPT_CHROOT:
		o->chroot = arg;
		break;
	case OPT_USER:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty user for '%s'", shown);
		o->user = arg;
		break;
	case OPT_GROUP:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty group for '%s'", shown);
		o->group = arg;
		break;
	case OPT_GROUPS:
		if (!valid_group_list(arg))
			return usage_error(errbuf, errlen,
			                   "invalid group list '%s': empty element", arg);
		o->groups = arg;
		break;
	case OPT_SETSID:
		o->flags |= FX_SETSID;
		break;
	case OPT_PGID:
		if (fxrun_parse_number(arg, INT_MAX, &n) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid process group '%s'", arg);
		o->pgid_set = 1;
		o->pgid = (pid_t)n;
		break;
	case OPT_NOCTTY:
		o->flags |= FX_NOCTTY;
		break;
	case OPT_CTTY:
		if (fxrun_parse_number(arg, INT_MAX, &n) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid descriptor '%s' for '%s'", arg, shown);
		o->tty_fd = (int)n;
		o->flags |= FX_SETCTTY;
		break;
	case OPT_FOREGROUND:
		o->flags |= FX_FOREGROUND;
		break;
	case OPT_PTRACE:
		o->flags |= FX_PTRACE;
		break;
	case OPT_FD:
		if (parse_fd_map(arg, &o->fds[o->n_fds]) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected CHILD=PARENT or CHILD=-",
			                   shown, arg);
		o->n_fds++;
		break;
	case OPT_KEEP_FDS:
		o->flags |= FX_KEEP_FDS;
		break;
	case OPT_IGNORE_ENV:
		o->clear_env = 1;
		break;
	case OPT_ENV:
		if (!valid_env_set(arg))
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected NAME=VALUE", shown, arg);
		o->env_ops[o->n_env_ops].kind = FXRUN_ENV_SET;
		o->env_ops[o->n_env_ops++].arg = arg;
		break;
	case OPT_UNSET:
		if (!valid_env_unset(arg))
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected NAME", shown, arg);
		o->env_ops[o->n_env_ops].kind = FXRUN_ENV_UNSET;
		o->env_ops[o->n_env_ops++].arg = arg;
		break;
	case OPT_ARGV0:
		o->argv0 = arg;
		break;
	case OPT_CLEAN_SIGNALS:
		o->flags |= FX_CLEAN_SIGNALS;
		break;
	case OPT_PDEATHSIG:
		r = fxrun_parse_signal(arg);
		if (r < 0)
			return usage_error(errbuf, errlen, "invalid signal '%s'", arg);
		o->pdeathsig = r;
		break;
	case OPT_BACKEND:
		if (strcmp(arg, "clone") == 0)
			o->backend = FX_BACKEND_CLONE;
		else if (strcmp(arg, "fork") == 0)
			o->backend = FX_BACKEND_FORK;
		else
			return usage_error(errbuf, errlen,
			                   "invalid backend '%s': expected clone or fork", arg);
		break;
	case OPT_STDIN:
	case OPT_STDOUT:
	case OPT_STDERR:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty file name for '%s'", shown);
		if (d->id == OPT_STDIN)
			o->stdin_path = arg;
		else if (d->id == OPT_STDOUT)
			o->stdout_path = arg;
		else
			o->stderr_path = arg;
		break;
	case OPT_APPEND:
		o->append = 1;
		break;
	case OPT_STDERR_TO_STDOUT:
		o->stderr_to_stdout = 1;
		break;
	case OPT_NULL_STDIN:
		o->null_stdin = 1;
		break;
	case OPT_TIMEOUT:
	case OPT_KILL_AFTER: {
		long long ms;

		if (fxrun_parse_duration(arg, &ms) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid duration '%s' for '%s'", arg, shown);
		if (d->id == OPT_TIMEOUT)
			o->timeout_ms = ms;
		else
			o->kill_after_ms = ms;
		break;
	}
	case OPT_SIGNAL:
		r = fxrun_parse_signal(arg);
		if (r < 0)
			return usage_error(errbuf, errlen, "invalid signal '%s'", arg);
		o->timeout_sig = r;
		o->signal_set = 1;
		break;
	case OPT_KILL_GROUP:
		o->kill_group = 1;
		break;
	case OPT_UNSHARE:
		return parse_unshare(opt, arg, &o->unshare, errbuf, errlen);
	case OPT_MAP_ROOT_USER:
		o->map_root_user = 1;
		break;
	case OPT_UID_MAP:
	case OPT_GID_MAP: {
		struct fxrun_id_map *maps = d->id == OPT_UID_MAP ? o->uid_maps : o->gid_maps;
		size_t *n_maps = d->id == OPT_UID_MAP ? &o->n_uid_maps : &o->n_gid_maps;

		if (*n_maps >= FXRUN_ID_MAP_MAX)
			return usage_error(errbuf, errlen,
			                   "too many '%s' lines: the kernel takes %d",
			                   opt, FXRUN_ID_MAP_MAX);
		if (parse_id_map(arg, &maps[*n_maps]) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected INSIDE:OUTSIDE:COUNT, "
			                   "COUNT at least 1, no id past 4294967294",
			                   opt, arg);
		++*n_maps;
		break;
	}
	case OPT_SETGROUPS:
		if (strcmp(arg, "allow") == 0)
			o->setgroups = FX_SETGROUPS_ALLOW;
		else if (strcmp(arg, "deny") == 0)
			o->setgroups = FX_SETGROUPS_DENY;
		else
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected allow or deny", opt, arg);
		break;
	case OPT_AMBIENT_CAPS:
		return parse_caps(opt, arg, 0, &o->ambient_caps, errbuf, errlen);
	case OPT_BOUNDING_CAPS:
		return parse_caps(opt, arg, 1, &o->bounding_drop, errbuf, errlen);
	case OPT_CGROUP:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty path for '%s'", opt);
		o->cgroup = arg;
		break;
	case OPT_RLIMIT:
		r = parse_rlimit(opt, arg, &o->rlimits[o->n_rlimits], errbuf, errlen);
		if (r < 0)
			return r;
		o->n_rlimits++;
		break;
	case OPT_UMASK:
		if (parse_umask(arg, &o->umask) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected an octal mask, 0 to 0777",
			                   opt, arg);
		break;
	case OPT_NO_NEW_PRIVS:
		o->no_new_privs = 1;
		break;
	case OPT_NICE:
		if (parse_nice(arg, &o->nice) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected a number from -20 to 19",
			                   opt, arg);
		o->nice_set = 1;
		break;
	case OPT_SCHED:
		return parse_sched(opt, arg, o, errbuf, errlen);
	case OPT_CPUS:
		return parse_cpus(opt, arg, o, errbuf, errlen);
	case OPT_SECCOMP:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty file name for '%s'", opt);
		o->seccomp = arg;
		/* The kernel takes a filter from an unprivileged process only
		 * with no_new_privs; bubblewrap sets it always, and so does fxrun. */
		o->no_new_privs = 1;
		break;
	case OPT_SECCOMP_DENY:
	case OPT_SECCOMP_ALLOW: {
		int mode = d->id == OPT_SECCOMP_DENY ? FXRUN_SECCOMP_DENY : FXRUN_SECCOMP_ALLOW;

		if (*arg == '\0' || *arg == ':')
			return usage_error(errbuf, errlen, "empty list for '%s'", opt);
		/* One list: the filter says what happens to every other call. */
		if (o->seccomp_mode && o->seccomp_mode != mode)
			return usage_error(errbuf, errlen,
			                   "'--seccomp-deny' and '--seccomp-allow' exclude each other");
		o->seccomp_mode = mode;
		o->seccomp_list = arg;
		o->no_new_privs = 1;
		break;
	}
	case OPT_LANDLOCK_RO:
	case OPT_LANDLOCK_RW:
	case OPT_LANDLOCK_BIND:
	case OPT_LANDLOCK_CONNECT:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty list for '%s'", opt);
		o->landlock[o->n_landlock].kind =
			d->id == OPT_LANDLOCK_RO ? FXRUN_LANDLOCK_RO :
			d->id == OPT_LANDLOCK_RW ? FXRUN_LANDLOCK_RW :
			d->id == OPT_LANDLOCK_BIND ? FXRUN_LANDLOCK_BIND : FXRUN_LANDLOCK_CONNECT;
		o->landlock[o->n_landlock++].list = arg;
		break;
	case OPT_LANDLOCK_STRICT:
		o->landlock_strict = 1;
		break;
	case OPT_VIEW_BIND:
	case OPT_VIEW_RO_BIND:
	case OPT_VIEW_DEV_BIND:
	case OPT_VIEW_TMPFS:
	case OPT_VIEW_PROC:
	case OPT_VIEW_DEV:
	case OPT_VIEW_MQUEUE:
	case OPT_VIEW_DIR:
	case OPT_VIEW_SYMLINK:
	case OPT_VIEW_REMOUNT_RO:
		/* The second argument of the two-argument ones was stored by
		 * the caller in o->view_arg2. */
		if (*arg == '\0' || (d->has_arg == 2 && *o->view_arg2 == '\0'))
			return usage_error(errbuf, errlen, "empty path for '%s'", opt);
		o->view[o->n_view].kind = FXRUN_VIEW_BIND + (d->id - OPT_VIEW_BIND);
		o->view[o->n_view].src = d->has_arg == 2 ? arg : NULL;
		o->view[o->n_view++].dest = d->has_arg == 2 ? o->view_arg2 : arg;
		break;
	case OPT_HOSTNAME:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty name for '%s'", opt);
		o->hostname = arg;
		break;
	case OPT_JOIN:
	case OPT_JOIN_NS: {
		const char *colon = d->id == OPT_JOIN_NS ? strchr(arg, ':') : NULL;
		char *end;
		long pid;

		errno = 0;
		pid = strtol(arg, &end, 10);
		if (errno || end == arg || pid < 1 || pid > INT32_MAX ||
		    (d->id == OPT_JOIN ? *end != '\0' : end != colon))
			return usage_error(errbuf, errlen, "invalid '%s %s': expected %s", opt, arg,
			                   d->id == OPT_JOIN ? "a pid" : "PID:LIST");
		o->join_pid = (int)pid;
		o->join_flags = 0;
		o->join_differing = d->id == OPT_JOIN;
		if (colon)
			return parse_unshare(opt, colon + 1, &o->join_flags, errbuf, errlen);
		break;
	}
	case OPT_HELP:
		o->action = FXRUN_HELP;
		break;
	case OPT_VERSION:
		o->action = FXRUN_VERSION;
		break;
	}
	return 0;
}

static const struct opt_def *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPT_DEFS; i++)
		if (strlen(opt_defs[i].name) == len &&
		    memcmp(opt_defs[i].name, name, len) == 0)
			return &opt_defs[i];
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	size_t i;

	for (i = 0; i < N_OPT_DEFS; i++)
		if (opt_defs[i].short_name == c)
			return &opt_defs[i];
	return NULL;
}

/* Combinations the child could only fail on, refused before it exists. */
static int check_combinations(const struct fxrun_opts *o,
                              char *errbuf, size_t errlen)
{
	/* TIOCSCTTY works only for a session leader. */
	if ((o->flags & FX_SETCTTY) && !(o->flags & FX_SETSID))
		return usage_error(errbuf, errlen, "'--ctty' needs '--setsid'");
	/* A new session has no terminal to give up. */
	if ((o->flags & FX_NOCTTY) && (o->flags & FX_SETSID))
		return usage_error(errbuf, errlen,
		                   "'--noctty' and '--setsid' cannot be used together");
	/* A session leader cannot change its process group (EPERM). */
	if ((o->flags & FX_SETSID) && o->pgid_set)
		return usage_error(errbuf, errlen,
		                   "'--setsid' and '--pgid' cannot be used together");
	/* Each stream has one source. */
	if (o->stdin_path && o->null_stdin)
		return usage_error(errbuf, errlen,
		                   "'--stdin' and '--null-stdin' cannot be used together");
	if (o->stderr_path && o->stderr_to_stdout)
		return usage_error(errbuf, errlen,
		                   "'--stderr' and '--stderr-to-stdout' cannot be used together");
	if (o->append && !o->stdout_path && !o->stderr_path)
		return usage_error(errbuf, errlen, "'--append' needs '--stdout' or '--stderr'");
	for (size_t i = 0; i < o->n_fds; i++) {
		int c = o->fds[i].child_fd;
		if ((c == 0 && (o->stdin_path || o->null_stdin)) ||
		    (c == 1 && o->stdout_path) ||
		    (c == 2 && (o->stderr_path || o->stderr_to_stdout)))
			return usage_error(errbuf, errlen,
			                   "'--fd %d=...' and a stdio option both set fd %d", c, c);
	}
	/* The group to signal is the child's own, not one it joins. */
	if (o->kill_group && o->pgid_set && o->pgid != 0)
		return usage_error(errbuf, errlen,
		                   "'--kill-group' and '--pgid N' cannot be used together");
	if (o->timeout_ms < 0 && (o->kill_after_ms >= 0 || o->signal_set))
		return usage_error(errbuf, errlen,
		                   "'--kill-after' and '--signal' need '--timeout'");
	/* fx_attr_set_root_maps replaces the maps: one or the other. */
	if (o->map_root_user && (o->n_uid_maps || o->n_gid_maps))
		return usage_error(errbuf, errlen,
		                   "'--map-root-user' and '--uid-map'/'--gid-map' "
		                   "cannot be used together");
	/* It denies setgroups, as unshare(1) does: no gid map otherwise. */
	if (o->map_root_user && o->setgroups == FX_SETGROUPS_ALLOW)
		return usage_error(errbuf, errlen,
		                   "'--map-root-user' and '--setgroups allow' cannot "
		                   "be used together");
	if (o->setgroups && !(o->unshare & CLONE_NEWUSER) && !o->map_root_user &&
	    !o->n_uid_maps && !o->n_gid_maps)
		return usage_error(errbuf, errlen,
		                   "'--setgroups' needs a new user namespace "
		                   "('--unshare user', '--map-root-user' or a map)");
	/* unshare(2) in a forked child cannot make the child itself pid 1. */
	if ((o->unshare & CLONE_NEWPID) && o->backend == FX_BACKEND_FORK)
		return usage_error(errbuf, errlen,
		                   "'--unshare pid' cannot be used with '--backend fork'");
	/* An ambient capability must be in the inheritable set, which the
	 * kernel keeps within the bounding set. */
	if (o->ambient_caps & o->bounding_drop) {
		unsigned c = 0;

		while (!(o->ambient_caps & o->bounding_drop & FX_CAP(c)))
			c++;
		return usage_error(errbuf, errlen,
		                   "'--ambient-caps' and '--bounding-caps' both name %s",
		                   fx_cap_name((int)c));
	}
	return 0;
}

int fxrun_parse(int argc, char **argv, struct fxrun_opts *o,
                char *errbuf, size_t errlen)
{
	/* Each option takes at least one argv slot, so argc bounds the lists. */
	size_t cap = argc > 0 ? (size_t)argc : 1;
	int i, r;

	memset(o, 0, sizeof *o);
	o->action = FXRUN_RUN;
	o->tty_fd = -1;
	o->backend = -1; /* the library's default */
	o->timeout_ms = -1;
	o->kill_after_ms = -1;
	o->timeout_sig = SIGTERM;
	o->umask = -1;
	if (errlen > 0)
		errbuf[0] = '\0';

	o->env_ops = calloc(cap, sizeof *o->env_ops);
	o->fds = calloc(cap, sizeof *o->fds);
	o->uid_maps = calloc(cap < FXRUN_ID_MAP_MAX ? cap : FXRUN_ID_MAP_MAX,
	                     sizeof *o->uid_maps);
	o->gid_maps = calloc(cap < FXRUN_ID_MAP_MAX ? cap : FXRUN_ID_MAP_MAX,
	                     sizeof *o->gid_maps);
	o->rlimits = calloc(cap, sizeof *o->rlimits);
	o->landlock = calloc(cap, sizeof *o->landlock);
	o->view = calloc(cap, sizeof *o->view);
	if (!o->env_ops || !o->fds || !o->uid_maps || !o->gid_maps ||
	    !o->rlimits || !o->landlock || !o->view) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_def *d;
		const char *arg = NULL;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		/* "-" alone is a program name, as for every other tool. */
		if (a[0] != '-' || a[1] == '\0')
			break;

		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			d = find_long(name, len);
			if (!d)
				return usage_error(errbuf, errlen,
				                   "unknown option '--%.*s'", (int)len, name);
			if (d->has_arg == 2) {
				if (eq || i + 2 >= argc)
					return usage_error(errbuf, errlen,
					                   "option '--%s' needs two arguments",
					                   d->name);
				arg = argv[++i];
				o->view_arg2 = argv[++i];
			} else if (d->has_arg) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return usage_error(errbuf, errlen,
					                   "option '--%s' needs an argument",
					                   d->name);
			} else if (eq) {
				return usage_error(errbuf, errlen,
				                   "option '--%s' takes no argument", d->name);
			}
			r = apply(o, d, a, arg, errbuf, errlen);
			if (r < 0)
				return r;
		} else {
			/* A cluster of short options: "-ie A=1", "-Cdir", "-C dir". */
			const char *p;

			for (p = a + 1; *p; p++) {
				char shown[3] = { '-', *p, '\0' };

				d = find_short(*p);
				if (!d)
					return usage_error(errbuf, errlen,
					                   "unknown option '-%c'", *p);
				if (d->has_arg) {
					if (p[1] != '\0')
						arg = p + 1;
					else if (i + 1 < argc)
						arg = argv[++i];
					else
						return usage_error(errbuf, errlen,
						                   "option '-%c' needs an argument",
						                   *p);
				}
				r = apply(o, d, shown, arg, errbuf, errlen);
				if (r < 0)
					return r;
				if (d->has_arg)
					break;
				if (o->action != FXRUN_RUN)
					break;
			}
		}
		/* --help and --version win over whatever follows them. */
		if (o->action != FXRUN_RUN)
			return 0;
	}

	if (i >= argc)
		return usage_error(errbuf, errlen, "missing program");
	r = check_combinations(o, errbuf, errlen);
	if (r < 0)
		return r;
	o->cmd = argv + i;
	o->n_cmd = argc - i;
	return 0;
}

void fxrun_opts_free(struct fxrun_opts *o)
{
	free(o->env_ops);
	free(o->fds);
	free(o->uid_maps);
	free(o->gid_maps);
	free(o->rlimits);
	free(o->cpus);
	free(o->landlock);
	o->landlock = NULL;
	free(o->view);
	o->view = NULL;
	o->n_view = 0;
	o->n_landlock = 0;
	o->env_ops = NULL;
	o->fds = NULL;
	o->uid_maps = NULL;
	o->gid_maps = NULL;
	o->rlimits = NULL;
	o->cpus = NULL;
	o->n_env_ops = 0;
	o->n_fds = 0;
	o->n_uid_maps = 0;
	o->n_gid_maps = 0;
	o->n_rlimits = 0;
	o->n_cpus = 0;
}
