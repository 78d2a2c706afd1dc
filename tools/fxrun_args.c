/* SPDX-License-Identifier: MIT */
/*
 * fxrun's option parser.  Hand-written rather than getopt_long so that it
 * keeps no global state (optind, opterr), never prints, and never permutes
 * argv: options end at the first non-option, which is PROGRAM, because the
 * arguments after it belong to PROGRAM.  Long options may be abbreviated
 * as in the GNU tools (find_long), so a new option can make an
 * abbreviation ambiguous: an exact name always wins.
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
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

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
	OPT_CLEAN_SIGNALS, OPT_PDEATHSIG, OPT_BACKEND, OPT_HELP, OPT_VERSION, OPT_DRY_RUN,
	OPT_STDIN, OPT_STDOUT, OPT_STDERR, OPT_APPEND, OPT_STDERR_TO_STDOUT,
	OPT_NULL_STDIN, OPT_TIMEOUT, OPT_KILL_AFTER, OPT_SIGNAL, OPT_KILL_GROUP,
	OPT_UNSHARE, OPT_MAP_ROOT_USER, OPT_UID_MAP, OPT_GID_MAP, OPT_SETGROUPS,
	OPT_PROPAGATION, OPT_MOUNT_PROC,
	OPT_AMBIENT_CAPS, OPT_BOUNDING_CAPS, OPT_CGROUP, OPT_RLIMIT, OPT_UMASK,
	OPT_NO_NEW_PRIVS, OPT_NICE, OPT_SCHED, OPT_CPUS, OPT_SECCOMP,
	OPT_TTY_FOREGROUND, OPT_PRESERVE_STATUS, OPT_VERBOSE, OPT_NULL,
	OPT_SPLIT, OPT_DEFAULT_SIGNAL, OPT_IGNORE_SIGNAL, OPT_BLOCK_SIGNAL,
	OPT_NICENESS, OPT_DEBUG, OPT_PRESERVE_ENV, OPT_RESET_ENV,
	OPT_RESET_ON_FORK, OPT_IONICE, OPT_NO_WAIT, OPT_KILL_CHILD, OPT_STEAL_CTTY,
	OPT_DUMP, OPT_SECUREBITS, OPT_MONOTONIC, OPT_BOOTTIME,
	OPT_SECCOMP_DENY, OPT_SECCOMP_ALLOW, OPT_LANDLOCK_RO, OPT_LANDLOCK_RW,
	OPT_LANDLOCK_BIND, OPT_LANDLOCK_CONNECT, OPT_LANDLOCK_STRICT, OPT_JOIN, OPT_JOIN_NS,
	OPT_HOSTNAME, OPT_INH_CAPS,
	/* The view, in the order of enum fxrun_view_kind. */
	OPT_VIEW_BIND, OPT_VIEW_RO_BIND, OPT_VIEW_DEV_BIND, OPT_VIEW_TMPFS, OPT_VIEW_PROC,
	OPT_VIEW_DEV, OPT_VIEW_MQUEUE, OPT_VIEW_DIR, OPT_VIEW_SYMLINK, OPT_VIEW_REMOUNT_RO,
	/* The other tools' spellings (issue 22's audit). */
	OPT_SUPP_GROUP, OPT_MAP_USER, OPT_MAP_GROUP, OPT_MAP_CURRENT_USER,
	OPT_PRLIMIT, OPT_REUID, OPT_CLEAR_GROUPS, OPT_KEEP_GROUPS, OPT_INIT_GROUPS,
	OPT_LIST_SIGNALS, OPT_USERSPEC, OPT_SKIP_CHDIR
};

struct opt_def {
	const char *name;       /* long name, without "--" */
	char short_name;        /* 0 if none */
	int has_arg;            /* 0, 1, 2: optional, only as --name=VALUE; 3: two (bubblewrap's --bind SRC DEST) */
	int id;                 /* enum opt_id */
	int env_only;           /* 1: allowed with no PROGRAM (env(1) prints) */
};

static const struct opt_def opt_defs[] = {
	{ "chdir",              'C', 1, OPT_CHDIR, 0 },
	{ "chroot",             0,   1, OPT_CHROOT, 0 },
	{ "user",               'u', 1, OPT_USER, 0 },
	{ "group",              'g', 1, OPT_GROUP, 0 },
	{ "groups",             'G', 1, OPT_GROUPS, 0 },
	{ "setsid",             0,   0, OPT_SETSID, 0 },
	{ "pgid",               0,   1, OPT_PGID, 0 },
	{ "noctty",             0,   0, OPT_NOCTTY, 0 },
	{ "ctty",               0,   1, OPT_CTTY, 0 },
	{ "foreground",         0,   0, OPT_FOREGROUND, 0 },
	{ "tty-foreground",     0,   0, OPT_TTY_FOREGROUND, 0 },
	{ "steal-ctty",         0,   0, OPT_STEAL_CTTY, 0 },
	{ "ptrace",             0,   0, OPT_PTRACE, 0 },
	{ "fd",                 0,   1, OPT_FD, 0 },
	{ "keep-fds",           0,   0, OPT_KEEP_FDS, 0 },
	{ "ignore-environment", 'i', 0, OPT_IGNORE_ENV, 1 },
	{ "env",                'e', 1, OPT_ENV, 1 },
	{ "unset",              'U', 1, OPT_UNSET, 1 },
	{ "null",               '0', 0, OPT_NULL, 1 },
	{ "preserve-environment", 'm', 0, OPT_PRESERVE_ENV, 0 },
	{ "reset-env",          0,   0, OPT_RESET_ENV, 0 },
	{ "split-string",       'S', 1, OPT_SPLIT, 1 },
	{ "debug",              'v', 0, OPT_DEBUG, 1 },
	{ "verbose",            0,   0, OPT_VERBOSE, 0 },
	{ "default-signal",     0,   2, OPT_DEFAULT_SIGNAL, 0 },
	{ "ignore-signal",      0,   2, OPT_IGNORE_SIGNAL, 0 },
	{ "block-signal",       0,   2, OPT_BLOCK_SIGNAL, 0 },
	{ "argv0",              0,   1, OPT_ARGV0, 0 },
	{ "clean-signals",      0,   0, OPT_CLEAN_SIGNALS, 0 },
	{ "pdeathsig",          0,   1, OPT_PDEATHSIG, 0 },
	{ "kill-child",         0,   2, OPT_KILL_CHILD, 0 },
	{ "no-wait",            'f', 0, OPT_NO_WAIT, 0 },
	{ "dump",               0,   0, OPT_DUMP, 1 },
	{ "securebits",         0,   1, OPT_SECUREBITS, 0 },
	{ "monotonic",          0,   1, OPT_MONOTONIC, 0 },
	{ "boottime",           0,   1, OPT_BOOTTIME, 0 },
	{ "backend",            0,   1, OPT_BACKEND, 1 },
	{ "stdin",              0,   1, OPT_STDIN, 0 },
	{ "stdout",             0,   1, OPT_STDOUT, 0 },
	{ "stderr",             0,   1, OPT_STDERR, 0 },
	{ "append",             0,   0, OPT_APPEND, 0 },
	{ "stderr-to-stdout",   0,   0, OPT_STDERR_TO_STDOUT, 0 },
	{ "null-stdin",         0,   0, OPT_NULL_STDIN, 0 },
	{ "timeout",            0,   1, OPT_TIMEOUT, 0 },
	{ "kill-after",         'k', 1, OPT_KILL_AFTER, 0 },
	{ "signal",             's', 1, OPT_SIGNAL, 0 },
	{ "kill-group",         0,   0, OPT_KILL_GROUP, 0 },
	{ "preserve-status",    0,   0, OPT_PRESERVE_STATUS, 0 },
	{ "unshare",            0,   1, OPT_UNSHARE, 0 },
	{ "map-root-user",      0,   0, OPT_MAP_ROOT_USER, 0 },
	{ "uid-map",            0,   1, OPT_UID_MAP, 0 },
	{ "gid-map",            0,   1, OPT_GID_MAP, 0 },
	{ "setgroups",          0,   1, OPT_SETGROUPS, 0 },
	{ "propagation",        0,   1, OPT_PROPAGATION, 0 },
	{ "mount-proc",         0,   2, OPT_MOUNT_PROC, 0 },
	{ "ambient-caps",       0,   1, OPT_AMBIENT_CAPS, 0 },
	{ "inh-caps",           0,   1, OPT_INH_CAPS, 0 },
	{ "bounding-caps",      0,   1, OPT_BOUNDING_CAPS, 0 },
	{ "cgroup",             0,   1, OPT_CGROUP, 0 },
	{ "rlimit",             0,   1, OPT_RLIMIT, 0 },
	{ "umask",              0,   1, OPT_UMASK, 0 },
	{ "no-new-privs",       0,   0, OPT_NO_NEW_PRIVS, 0 },
	{ "nice",               0,   1, OPT_NICE, 0 },
	{ "adjustment",         'n', 1, OPT_NICE, 0 },
	{ "niceness",           0,   1, OPT_NICENESS, 0 },
	{ "sched",              0,   1, OPT_SCHED, 0 },
	{ "reset-on-fork",      'R', 0, OPT_RESET_ON_FORK, 0 },
	{ "ionice",             0,   1, OPT_IONICE, 0 },
	{ "cpus",               0,   1, OPT_CPUS, 0 },
	{ "seccomp",            0,   1, OPT_SECCOMP, 0 },
	{ "seccomp-deny",       0,   1, OPT_SECCOMP_DENY, 0 },
	{ "seccomp-allow",      0,   1, OPT_SECCOMP_ALLOW, 0 },
	{ "landlock-ro",        0,   1, OPT_LANDLOCK_RO, 0 },
	{ "landlock-rw",        0,   1, OPT_LANDLOCK_RW, 0 },
	{ "landlock-bind",      0,   1, OPT_LANDLOCK_BIND, 0 },
	{ "landlock-connect",   0,   1, OPT_LANDLOCK_CONNECT, 0 },
	{ "landlock-strict",    0,   0, OPT_LANDLOCK_STRICT, 0 },
	{ "join",               0,   1, OPT_JOIN, 0 },
	{ "join-ns",            0,   1, OPT_JOIN_NS, 0 },
	{ "bind",               0,   3, OPT_VIEW_BIND, 0 },
	{ "ro-bind",            0,   3, OPT_VIEW_RO_BIND, 0 },
	{ "dev-bind",           0,   3, OPT_VIEW_DEV_BIND, 0 },
	{ "tmpfs",              0,   1, OPT_VIEW_TMPFS, 0 },
	{ "proc",               0,   1, OPT_VIEW_PROC, 0 },
	{ "dev",                0,   1, OPT_VIEW_DEV, 0 },
	{ "mqueue",             0,   1, OPT_VIEW_MQUEUE, 0 },
	{ "dir",                0,   1, OPT_VIEW_DIR, 0 },
	{ "symlink",            0,   3, OPT_VIEW_SYMLINK, 0 },
	{ "remount-ro",         0,   1, OPT_VIEW_REMOUNT_RO, 0 },
	{ "hostname",           0,   1, OPT_HOSTNAME, 0 },
	{ "help",               'h', 0, OPT_HELP, 0 },
	{ "version",            0,   0, OPT_VERSION, 0 },
	{ "dry-run",            0,   0, OPT_DRY_RUN, 0 },
	/*
	 * The spellings of the other tools' users, with those tools'
	 * meanings (apply_other_tools, finish_groups): runuser's -p and
	 * --supp-group, unshare's --map-user, --map-group and
	 * --map-current-user, taskset's --cpu-list, prlimit's --NAME=LIMITS
	 * (but --nice, which is nice(1)'s; --cpu is prlimit's CPU time, not
	 * an abbreviation of --cpus), setpriv's, env's and chroot's below.
	 */
	{ "preserve-environment", 'p', 0, OPT_PRESERVE_ENV, 0 },
	{ "supp-group",         0,   1, OPT_SUPP_GROUP, 0 },
	{ "map-user",           0,   1, OPT_MAP_USER, 0 },
	{ "map-group",          0,   1, OPT_MAP_GROUP, 0 },
	{ "map-current-user",   0,   0, OPT_MAP_CURRENT_USER, 0 },
	{ "cpu-list",           0,   1, OPT_CPUS, 0 },
	{ "fsize",              0,   1, OPT_PRLIMIT, 0 },
	{ "data",               0,   1, OPT_PRLIMIT, 0 },
	{ "stack",              0,   1, OPT_PRLIMIT, 0 },
	{ "core",               0,   1, OPT_PRLIMIT, 0 },
	{ "rss",                0,   1, OPT_PRLIMIT, 0 },
	{ "nproc",              0,   1, OPT_PRLIMIT, 0 },
	{ "nofile",             0,   1, OPT_PRLIMIT, 0 },
	{ "memlock",            0,   1, OPT_PRLIMIT, 0 },
	{ "as",                 0,   1, OPT_PRLIMIT, 0 },
	{ "locks",              0,   1, OPT_PRLIMIT, 0 },
	{ "sigpending",         0,   1, OPT_PRLIMIT, 0 },
	{ "msgqueue",           0,   1, OPT_PRLIMIT, 0 },
	{ "rtprio",             0,   1, OPT_PRLIMIT, 0 },
	{ "rttime",             0,   1, OPT_PRLIMIT, 0 },
	{ "cpu",                0,   1, OPT_PRLIMIT, 0 },
	/* setpriv's: --reuid sets the uid alone, even by name. */
	{ "reuid",              0,   1, OPT_REUID, 0 },
	{ "regid",              0,   1, OPT_GROUP, 0 },
	{ "clear-groups",       0,   0, OPT_CLEAR_GROUPS, 0 },
	{ "keep-groups",        0,   0, OPT_KEEP_GROUPS, 0 },
	{ "init-groups",        0,   0, OPT_INIT_GROUPS, 0 },
	/* env's: with no PROGRAM it prints the environment, as env does. */
	{ "list-signal-handling", 0, 0, OPT_LIST_SIGNALS, 1 },
	/* chroot's: ids without runuser's variables; stay in the directory. */
	{ "userspec",           0,   1, OPT_USERSPEC, 0 },
	{ "skip-chdir",         0,   0, OPT_SKIP_CHDIR, 0 },
	{ "nnp",                0,   0, OPT_NO_NEW_PRIVS, 0 },
	{ "bounding-set",       0,   1, OPT_BOUNDING_CAPS, 0 },
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
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "SYS", SIGSYS },
};

const char *fxrun_signal_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	return NULL;
}

/*
 * The real-time signals by the names coreutils and util-linux give them:
 * RTMIN, RTMIN+N, RTMAX-N, RTMAX, counted from the C library's
 * SIGRTMIN (glibc keeps the first two for itself, musl three).
 */
static int parse_rt_signal(const char *s)
{
#if defined(SIGRTMIN) && defined(SIGRTMAX)
	int base, sign;
	unsigned long n = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN, sign = 1;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX, sign = -1;
	else
		return -EINVAL;
	s += 5;
	if (*s) {
		if (*s != (sign > 0 ? '+' : '-') ||
		    fxrun_parse_number(s + 1, (unsigned long)(SIGRTMAX - SIGRTMIN), &n) < 0)
			return -EINVAL;
	}
	return base + sign * (int)n;
#else
	(void)s;
	return -EINVAL;
#endif
}

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
	return parse_rt_signal(s);
}

const char *fxrun_signal_str(int sig, char *buf, size_t len)
{
	const char *name = sig == 0 ? "EXIT" : fxrun_signal_name(sig);

#ifdef SIGPOLL
	/* sig2str's name for SIGIO on Linux. */
	if (sig == SIGPOLL)
		name = "POLL";
#endif

	if (name) {
		snprintf(buf, len, "%s", name);
		return buf;
	}
#if defined(SIGRTMIN) && defined(SIGRTMAX)
	/* coreutils' sig2str: RTMIN+N up to the middle, RTMAX-N above. */
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		int mid = (SIGRTMIN + SIGRTMAX) / 2;

		if (sig == SIGRTMIN)
			snprintf(buf, len, "RTMIN");
		else if (sig == SIGRTMAX)
			snprintf(buf, len, "RTMAX");
		else if (sig <= mid)
			snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);
		else
			snprintf(buf, len, "RTMAX-%d", SIGRTMAX - sig);
		return buf;
	}
#endif
	return NULL;
}

/* About 30,000 years: far beyond any use, far below overflow. */
#define DURATION_MAX_MS 1000000000000000LL

int fxrun_parse_duration(const char *s, long long *ms)
{
	static const struct { const char *name; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	long long unit = 0;
	long double v;
	char *end;
	size_t i;

	/*
	 * timeout(1) reads the number with strtod: "1e3", "0x10", "inf" and
	 * leading blanks are all durations.  fxrun never calls setlocale, so
	 * the decimal point is '.'.
	 */
	errno = 0;
	v = strtold(s, &end);
	if (end == s || v != v || v < 0)
		return -EINVAL;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].name) == 0)
			unit = units[i].ms;
	if (unit <= 0)
		return -EINVAL;
	/* -0 and tiny values that are still positive: at least 1 ms. */
	v *= unit;
	if (v >= (long double)DURATION_MAX_MS)
		*ms = DURATION_MAX_MS;
	else if (v > 0) {
		/* Rounded up, without libm's ceill. */
		*ms = (long long)v;
		if ((long double)*ms < v)
			++*ms;
	} else
		*ms = 0;
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

/*
 * The three capability lists, in setpriv(1)'s signs, each element in
 * turn.  --ambient-caps: "+X" (or "X") adds to the mask, "-X" takes out.
 * --bounding-caps, whose mask is what to drop: "-X" (or "X") drops, "+X"
 * keeps, so "-all,+chown" keeps chown alone.  --inh-caps: a change to
 * fxrun's own inheritable set, as *add and *del ("+X" adds, "-X" takes
 * away, the later element winning); "all" names every capability.
 */
enum caps_list { CAPS_AMBIENT, CAPS_BOUNDING, CAPS_INHERITABLE };

static int parse_caps(const char *opt, const char *arg, enum caps_list list,
                      uint64_t *add, uint64_t *del, char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	int allow_all = list != CAPS_AMBIENT;
	size_t len;
	unsigned c;

	if (!valid_list(arg))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected a comma-separated list "
		                   "of capabilities", opt, arg);
	while (next_element(&p, &e, &len)) {
		const char *name = e;
		size_t n = len;
		int out = 0;    /* take it out of *add (into *del) */
		uint64_t bits;

		if (n > 1 && (*name == '+' || *name == '-')) {
			out = (*name == '+') == (list == CAPS_BOUNDING);
			name++;
			n--;
		}
		if (n > 4 && strncasecmp(name, "cap_", 4) == 0) {
			name += 4;
			n -= 4;
		}
		if (allow_all && name_is(name, n, "all")) {
			bits = FX_CAP(FXRUN_CAP_LAST + 1) - 1;
		} else {
			for (c = 0; c <= FXRUN_CAP_LAST; c++)
				if (name_is(name, n, fx_cap_name((int)c)))
					break;
			if (c > FXRUN_CAP_LAST)
				return usage_error(errbuf, errlen,
				                   "invalid '%s %s': unknown capability '%.*s'%s",
				                   opt, arg, (int)len, e,
				                   name_is(name, n, "all")
				                   ? " ('all' is for --bounding-caps and --inh-caps)"
				                   : " (e.g. net_bind_service or cap_net_bind_service)");
			bits = FX_CAP(c);
		}
		*add = out ? *add & ~bits : *add | bits;
		if (del)
			*del = out ? *del | bits : *del & ~bits;
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
	/* prlimit(1): "SOFT:" keeps the hard limit, ":HARD" the soft one. */
	rl->keep_soft = colon && colon == eq + 1;
	rl->keep_hard = colon && colon[1] == '\0';
	if ((rl->keep_soft && rl->keep_hard) ||
	    (!rl->keep_soft &&
	     parse_limit(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1),
	                 &rl->soft) < 0) ||
	    (colon && !rl->keep_hard &&
	     parse_limit(colon + 1, strlen(colon + 1), &rl->hard) < 0))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': a limit is a decimal number or "
		                   "'unlimited'", opt, arg);
	if (!colon)
		rl->hard = rl->soft;
	if (!rl->keep_soft && !rl->keep_hard && rl->soft > rl->hard)
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

/*
 * A niceness, with an optional sign: --niceness takes -20 to 19; -n
 * (nice(1)'s adjustment) takes any int, clamped later as nice(1) does.
 */
static int parse_nice(const char *s, int relative, int *out)
{
	unsigned long n;
	int neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	if (fxrun_parse_number(s, relative ? INT_MAX : neg ? 20 : 19, &n) < 0)
		return -EINVAL;
	*out = neg ? -(int)n : (int)n;
	return 0;
}

/*
 * env(1)'s --default-signal[=SIG], --ignore-signal[=SIG] and
 * --block-signal[=SIG]: a comma-separated list of signals, or every
 * signal when there is no list.  Bit n-1 stands for signal n.
 */
static int parse_signal_set(const char *opt, const char *arg, uint64_t *set,
                            char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	size_t len;

	if (!arg) {
		*set = ~(uint64_t)0;
		return 0;
	}
	if (!valid_list(arg))
		return usage_error(errbuf, errlen,
		                   "invalid '%s=%s': expected signals, comma-separated",
		                   opt, arg);
	while (next_element(&p, &e, &len)) {
		char name[16];
		int sig;

		if (len >= sizeof name)
			goto bad;
		memcpy(name, e, len);
		name[len] = '\0';
		sig = fxrun_parse_signal(name);
		if (sig < 1 || sig > 64)
			goto bad;
		*set |= (uint64_t)1 << (sig - 1);
		continue;
bad:
		return usage_error(errbuf, errlen, "invalid '%s=%s': '%.*s' is not "
		                   "a signal", opt, arg, (int)len, e);
	}
	return 0;
}

/*
 * --sched deadline:RUNTIME:DEADLINE[:PERIOD], in nanoseconds as chrt's
 * --sched-runtime, --sched-deadline and --sched-period; the order of the
 * values (runtime <= deadline <= period) the library checks.
 */
static int parse_deadline(const char *opt, const char *arg, const char *s,
                          struct fxrun_opts *o, char *errbuf, size_t errlen)
{
	int n = 0;

	memset(o->sched_dl, 0, sizeof o->sched_dl);
	while (n < 3) {
		unsigned long long v = 0;
		const char *start = s;

		for (; *s >= '0' && *s <= '9'; s++) {
			if (v > (~0ULL >> 1) / 10)
				break;
			v = v * 10 + (unsigned)(*s - '0');
		}
		if (s == start || (*s && *s != ':'))
			break;
		o->sched_dl[n++] = v;
		if (!*s)
			break;
		s++;
	}
	if (n < 2 || *s)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': expected deadline:RUNTIME:DEADLINE[:PERIOD] "
		                   "in nanoseconds", opt, arg);
	o->sched_set = 1;
	o->sched_policy = FXRUN_SCHED_DEADLINE;
	o->sched_priority = 0;
	return 0;
}

/* --sched POLICY[:PRIO], or deadline:RUNTIME:DEADLINE[:PERIOD]. */
static int parse_sched(const char *opt, const char *arg, struct fxrun_opts *o,
                       char *errbuf, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg), i;
	unsigned long prio = 0;

	if (name_is(arg, len, "deadline"))
		return parse_deadline(opt, arg, colon ? colon + 1 : "", o, errbuf, errlen);
	for (i = 0; i < N_OF(sched_names); i++)
		if (name_is(arg, len, sched_names[i].name))
			break;
	if (i == N_OF(sched_names))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': unknown policy '%.*s' (expected "
		                   "other, batch, idle, fifo, rr or deadline)", opt, arg,
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

/*
 * --cpus 0xMASK: taskset(1)'s default form, a hexadecimal mask whose bit
 * n is CPU n (commas between 32-bit words are allowed, as taskset does).
 */
static int parse_cpu_mask(const char *opt, const char *arg, struct fxrun_opts *o,
                          char *errbuf, size_t errlen)
{
	const char *end = arg + strlen(arg), *p;
	unsigned bit = 0;

	free(o->cpus);
	o->n_cpus = 0;
	o->cpus_max = 0;
	o->cpus = calloc(FXRUN_CPU_MAX / 4 + 1, sizeof *o->cpus);
	if (!o->cpus) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	for (p = end; p > arg + 2; p--) {
		char c = p[-1];
		unsigned v, k;

		if (c == ',')
			continue;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned)(c - 'A' + 10);
		else
			goto bad;
		if (v && bit + 3 > FXRUN_CPU_MAX)
			goto bad;
		for (k = 0; k < 4; k++) {
			if (!(v & (1u << k)))
				continue;
			o->cpus[o->n_cpus].lo = o->cpus[o->n_cpus].hi = bit + k;
			o->cpus[o->n_cpus++].stride = 1;
			o->cpus_max = bit + k;
		}
		bit += 4;
	}
	if (o->n_cpus)
		return 0;
bad:
	o->n_cpus = 0;
	return usage_error(errbuf, errlen,
	                   "invalid '%s %s': expected a hexadecimal mask with at "
	                   "least one CPU, e.g. 0x3", opt, arg);
}

/*
 * --ionice CLASS[:LEVEL], ionice(1)'s -c CLASS -n LEVEL: none (0),
 * realtime (1), best-effort (2) or idle (3), by name or number; LEVEL
 * 0-7 for realtime and best-effort, 4 when not given, as ionice(1);
 * idle gets 7 and none 0, as ionice(1) sets them.
 */
static int parse_ionice(const char *opt, const char *arg, struct fxrun_opts *o,
                        char *errbuf, size_t errlen)
{
	static const struct { const char *name; const char *num; int level; } classes[] = {
		{ "none", "0", 0 }, { "realtime", "1", 4 },
		{ "best-effort", "2", 4 }, { "idle", "3", 7 },
	};
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg), i;
	unsigned long level;

	for (i = 0; i < N_OF(classes); i++)
		if (name_is(arg, len, classes[i].name) || name_is(arg, len, classes[i].num))
			break;
	if (i == N_OF(classes))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': unknown class '%.*s' (expected none, "
		                   "realtime, best-effort, idle or 0-3)", opt, arg,
		                   (int)len, arg);
	level = (unsigned long)classes[i].level;
	if (colon && (i == 0 || i == 3))
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': %s takes no level", opt, arg,
		                   classes[i].name);
	if (colon && fxrun_parse_number(colon + 1, 7, &level) < 0)
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': the level is a number from 0 to 7",
		                   opt, arg);
	o->ioprio_set = 1;
	o->ioprio_class = (int)i;
	o->ioprio_level = (int)level;
	return 0;
}

/*
 * --securebits (+|-)NAME,...: setpriv(1)'s syntax, changes to the bits
 * fxrun has.  keep_caps is refused as setpriv refuses it: execve clears
 * it, so it could not reach PROGRAM.
 */
static int parse_securebits(const char *opt, const char *arg, struct fxrun_opts *o,
                            char *errbuf, size_t errlen)
{
	static const char *const names[] = {
		"noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked",
		"keep_caps", "keep_caps_locked", "no_cap_ambient_raise",
		"no_cap_ambient_raise_locked",
	};
	const char *p = arg, *e;
	size_t len, i;

	if (!valid_list(arg))
		goto bad;
	while (next_element(&p, &e, &len)) {
		int on = *e == '+';

		if (len < 2 || (*e != '+' && *e != '-'))
			goto bad;
		for (i = 0; i < N_OF(names); i++)
			if (name_is(e + 1, len - 1, names[i]))
				break;
		if (i == N_OF(names))
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': unknown securebit '%.*s'",
			                   opt, arg, (int)len - 1, e + 1);
		if (i == 4)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': keep_caps does not reach "
			                   "PROGRAM (execve clears it)", opt, arg);
		if (on) {
			o->securebits_on |= 1 << i;
			o->securebits_off &= ~(1 << i);
		} else {
			o->securebits_off |= 1 << i;
			o->securebits_on &= ~(1 << i);
		}
	}
	o->securebits_set = 1;
	return 0;
bad:
	return usage_error(errbuf, errlen,
	                   "invalid '%s %s': expected +NAME or -NAME, comma-separated "
	                   "(e.g. +noroot,+noroot_locked)", opt, arg);
}

/* --cpus LIST: "0-3,6"; replaces a --cpus given before. */
static int parse_cpus(const char *opt, const char *arg, struct fxrun_opts *o,
                      char *errbuf, size_t errlen)
{
	const char *p = arg, *e;
	size_t len, n = 1;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
		return parse_cpu_mask(opt, arg, o, errbuf, errlen);
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
		const char *colon = memchr(e, ':', len);
		const char *dash = memchr(e, '-', colon ? (size_t)(colon - e) : len);
		size_t range_len = colon ? (size_t)(colon - e) : len;
		size_t lo_len = dash ? (size_t)(dash - e) : range_len;
		size_t hi_len = dash ? range_len - lo_len - 1 : 0;
		unsigned long a, b, stride = 1;

		if (lo_len >= sizeof lo || hi_len >= sizeof hi)
			goto bad;
		/* taskset's stride: "0-7:2" is 0,2,4,6. */
		if (colon) {
			char st[16];
			size_t st_len = len - range_len - 1;

			if (!dash || st_len >= sizeof st)
				goto bad;
			memcpy(st, colon + 1, st_len);
			st[st_len] = '\0';
			if (fxrun_parse_number(st, FXRUN_CPU_MAX, &stride) < 0 ||
			    stride == 0)
				goto bad;
		}
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
		o->cpus[o->n_cpus].stride = (unsigned)stride;
		o->cpus[o->n_cpus++].hi = (unsigned)b;
		if (b > o->cpus_max)
			o->cpus_max = b;
		continue;
bad:
		o->n_cpus = 0;
		return usage_error(errbuf, errlen,
		                   "invalid '%s %s': bad element '%.*s' (a CPU number "
		                   "0-%d, a range LOW-HIGH or LOW-HIGH:STRIDE)", opt,
		                   arg, (int)len, e,
		                   FXRUN_CPU_MAX);
	}
	return 0;
}

/* Keeps p until fxrun_opts_free; frees it and fails if it cannot. */
static int own(struct fxrun_opts *o, void *p);

/* An id by number or by name (getpwnam/getgrnam), as unshare(1) reads
 * --map-user and --map-group; -1 if neither. */
static long long id_of(const char *s, int group)
{
	unsigned long n;

	if (fxrun_parse_number(s, 0xFFFFFFFEUL, &n) == 0)
		return (long long)n;
	if (group) {
		struct group *gr = getgrnam(s);

		return gr ? (long long)gr->gr_gid : -1;
	} else {
		struct passwd *pw = getpwnam(s);

		return pw ? (long long)pw->pw_uid : -1;
	}
}

/* unshare's one-line maps: INSIDE to fxrun's effective id; a second
 * --map-user (--map-group) replaces the first, as unshare says. */
static int map_own_id(struct fxrun_opts *o, int group, uint32_t inside)
{
	struct fxrun_id_map *maps = group ? o->gid_maps : o->uid_maps;
	size_t *n = group ? &o->n_gid_maps : &o->n_uid_maps;
	size_t *line = group ? &o->map_group_line : &o->map_user_line;
	size_t i;

	if (!*line && *n >= FXRUN_ID_MAP_MAX)
		return -EINVAL;
	i = *line ? *line - 1 : (*n)++;

	maps[i].inside = inside;
	maps[i].outside = group ? (uint32_t)getegid() : (uint32_t)geteuid();
	maps[i].count = 1;
	*line = i + 1;
	return 0;
}

/*
 * The options other tools' users write, with those tools' meanings:
 * runuser's --supp-group, unshare's --map-user, --map-group and
 * --map-current-user, prlimit's --NAME=SOFT[:HARD].
 */
static int apply_other_tools(struct fxrun_opts *o, const struct opt_def *d,
                             const char *shown, const char *arg,
                             char *errbuf, size_t errlen)
{
	char opt[32];
	long long id;

	(void)shown;
	snprintf(opt, sizeof opt, "--%s", d->name);
	switch (d->id) {
	case OPT_SUPP_GROUP: {
		/* runuser -G: one group a time, gathered; see finish_groups. */
		size_t old = o->supp_groups ? strlen(o->supp_groups) : 0;
		char *joined;

		if (*arg == '\0' || strchr(arg, ','))
			return usage_error(errbuf, errlen, "invalid '%s %s': expected "
			                   "one group (repeat the option for more)", opt, arg);
		joined = malloc(old + strlen(arg) + 2);
		if (!joined || own(o, joined) < 0) {
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		sprintf(joined, "%s%s%s", old ? o->supp_groups : "", old ? "," : "", arg);
		o->supp_groups = joined;
		return 0;
	}
	case OPT_MAP_USER:
	case OPT_MAP_GROUP:
		id = id_of(arg, d->id == OPT_MAP_GROUP);
		if (id < 0)
			return usage_error(errbuf, errlen, "invalid '%s %s': no such %s",
			                   opt, arg, d->id == OPT_MAP_GROUP ? "group" : "user");
		if (map_own_id(o, d->id == OPT_MAP_GROUP, (uint32_t)id) < 0)
			goto too_many;
		o->unshare |= CLONE_NEWUSER;
		return 0;
	case OPT_REUID: {
		/* setpriv --reuid: the uid alone, the name looked up now (a
		 * name for -u would bring runuser's groups and variables). */
		char *num;

		id = id_of(arg, 0);
		if (id < 0)
			return usage_error(errbuf, errlen, "invalid '%s %s': no such user",
			                   opt, arg);
		num = malloc(24);
		if (!num || own(o, num) < 0) {
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		snprintf(num, 24, "%lld", id);
		o->user = num;
		return 0;
	}
	case OPT_CLEAR_GROUPS:
		o->groups = "";
		return 0;
	case OPT_KEEP_GROUPS:
		/* What a numeric -u (and --reuid) does anyway. */
		return 0;
	case OPT_INIT_GROUPS:
		o->init_groups = 1;
		return 0;
	case OPT_LIST_SIGNALS:
		o->list_signals = 1;
		return 0;
	case OPT_USERSPEC:
		if (*arg == '\0')
			return usage_error(errbuf, errlen, "empty '%s'", opt);
		o->userspec = arg;
		return 0;
	case OPT_SKIP_CHDIR:
		o->skip_chdir = 1;
		return 0;
	case OPT_MAP_CURRENT_USER:
		if (map_own_id(o, 0, (uint32_t)geteuid()) < 0 ||
		    map_own_id(o, 1, (uint32_t)getegid()) < 0)
			goto too_many;
		o->unshare |= CLONE_NEWUSER;
		return 0;
	case OPT_PRLIMIT: {
		char *spec = malloc(strlen(d->name) + strlen(arg) + 2);
		int r;

		if (!spec || own(o, spec) < 0) {
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		sprintf(spec, "%s=%s", d->name, arg);
		r = parse_rlimit("--rlimit", spec, &o->rlimits[o->n_rlimits], errbuf, errlen);
		if (r < 0)
			return r;
		o->n_rlimits++;
		return 0;
	}
	}
	return 0;
too_many:
	return usage_error(errbuf, errlen, "too many '%s' lines: the kernel takes %d",
	                   opt, FXRUN_ID_MAP_MAX);
}

/*
 * setpriv --init-groups: the groups initgroups(3) gives the passwd entry
 * of -u's uid (--reuid's), with its primary group, into o->groups.
 */
/* o->groups: what initgroups(name, gid) would set, as a list. */
static int group_list_of(struct fxrun_opts *o, const char *opt, const char *name,
                         gid_t gid, char *errbuf, size_t errlen)
{
	gid_t g[256];
	int n = 256, i;
	char *list, *p;

#if defined(__APPLE__)
	if (getgrouplist(name, (int)gid, (int *)g, &n) < 0)
#else
	if (getgrouplist(name, gid, g, &n) < 0)
#endif
		return usage_error(errbuf, errlen, "invalid '%s': user %s has more "
		                   "than 256 groups", opt, name);
	list = malloc((size_t)n * 12 + 1);
	if (!list || own(o, list) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	*list = '\0';
	for (i = 0, p = list; i < n; i++)
		p += sprintf(p, "%s%lu", i ? "," : "", (unsigned long)g[i]);
	o->groups = list;
	return 0;
}

/* A copy of s (n bytes of it), kept until fxrun_opts_free. */
static char *owned_copy(struct fxrun_opts *o, const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (!c || own(o, c) < 0)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/*
 * chroot(8)'s --userspec USER[:GROUP]: the uid (a name, or a number
 * looked up too); the gid GROUP's or else the user's; the groups, unless
 * --groups, the user's (initgroups) or, with no user, none.  The
 * environment stays: chroot sets no HOME.
 */
static int finish_userspec(struct fxrun_opts *o, char *errbuf, size_t errlen)
{
	const char *spec = o->userspec, *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *grp = colon ? colon + 1 : "";
	struct passwd *pw = NULL;
	unsigned long n;
	char num[24], *c;
	long long gid = -1;

	if (o->user || o->group)
		return usage_error(errbuf, errlen, "'--userspec' and '%s' cannot be used "
		                   "together", o->user ? "--user" : "--group");
	if (ulen) {
		char *name = owned_copy(o, spec, ulen);

		if (!name)
			goto nomem;
		if (fxrun_parse_number(name, 0xFFFFFFFEUL, &n) == 0) {
			pw = getpwuid((uid_t)n);
		} else {
			pw = getpwnam(name);
			if (!pw)
				return usage_error(errbuf, errlen, "invalid '--userspec %s': "
				                   "no such user '%s'", spec, name);
			n = pw->pw_uid;
		}
		snprintf(num, sizeof num, "%lu", n);
		if (!(o->user = owned_copy(o, num, strlen(num))))
			goto nomem;
		if (pw)
			gid = pw->pw_gid;
	}
	if (ulen && !pw && !*grp)
		return usage_error(errbuf, errlen, "invalid '--userspec %s': no group "
		                   "given for a uid with no passwd entry", spec);
	if (*grp) {
		gid = id_of(grp, 1);
		if (gid < 0)
			return usage_error(errbuf, errlen, "invalid '--userspec %s': no "
			                   "such group '%s'", spec, grp);
	}
	if (gid >= 0) {
		snprintf(num, sizeof num, "%lld", gid);
		if (!(c = owned_copy(o, num, strlen(num))))
			goto nomem;
		o->group = c;
	}
	if (o->groups)
		return 0;
	if (pw)
		return group_list_of(o, "--userspec", pw->pw_name, (gid_t)gid, errbuf, errlen);
	if (o->user || o->group)
		o->groups = "";
	return 0;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	return -ENOMEM;
}

/* chroot --skip-chdir: stay in the working directory, which only a
 * chroot to the same / leaves meaningful (chroot(8) refuses others). */
static int finish_skip_chdir(struct fxrun_opts *o, char *errbuf, size_t errlen)
{
	struct stat a, b;
	char *cwd;

	if (!o->chroot || stat(o->chroot, &a) < 0 || stat("/", &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return usage_error(errbuf, errlen, "'--skip-chdir' is only permitted "
		                   "with '--chroot /'");
	if (o->chdir)
		return 0;
	cwd = getcwd(NULL, 0);
	if (!cwd || own(o, cwd) < 0) {
		snprintf(errbuf, errlen, "getcwd: %s", strerror(errno));
		return -errno;
	}
	o->chdir = cwd;
	return 0;
}

static int init_groups(struct fxrun_opts *o, char *errbuf, size_t errlen)
{
	unsigned long uid;
	struct passwd *pw;

	if (!o->user)
		return usage_error(errbuf, errlen, "'--init-groups' needs '--reuid' or '-u'");
	if (o->groups || o->supp_groups)
		return usage_error(errbuf, errlen, "'--init-groups' and '%s' cannot be "
		                   "used together", o->groups ? "--groups" : "--supp-group");
	pw = fxrun_parse_number(o->user, 0xFFFFFFFEUL, &uid) == 0 ? getpwuid((uid_t)uid)
	     : getpwnam(o->user);
	if (!pw)
		return usage_error(errbuf, errlen, "invalid '--init-groups': user %s has "
		                   "no passwd entry", o->user);
	return group_list_of(o, "--init-groups", pw->pw_name, pw->pw_gid, errbuf, errlen);
}

/*
 * runuser's groups: --supp-group's are the supplementary groups, after
 * -g's group if given; the first of them is the primary group unless -g.
 */
static int finish_groups(struct fxrun_opts *o, char *errbuf, size_t errlen)
{
	char *all, *comma;

	if (o->userspec) {
		int r = finish_userspec(o, errbuf, errlen);

		if (r < 0)
			return r;
	}
	if (o->skip_chdir) {
		int r = finish_skip_chdir(o, errbuf, errlen);

		if (r < 0)
			return r;
	}
	if (o->init_groups) {
		int r = init_groups(o, errbuf, errlen);

		if (r < 0)
			return r;
	}

	if (!o->supp_groups)
		return 0;
	if (o->groups)
		return usage_error(errbuf, errlen,
		                   "'--supp-group' and '--groups' cannot be used together");
	if (o->group) {
		all = malloc(strlen(o->group) + strlen(o->supp_groups) + 2);
		if (!all || own(o, all) < 0)
			goto nomem;
		sprintf(all, "%s,%s", o->group, o->supp_groups);
		o->groups = all;
		return 0;
	}
	o->groups = o->supp_groups;
	all = strdup(o->supp_groups);
	if (!all || own(o, all) < 0)
		goto nomem;
	comma = strchr(all, ',');
	if (comma)
		*comma = '\0';
	o->group = all;
	return 0;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	return -ENOMEM;
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
		o->timeout_foreground = 1;
		break;
	case OPT_STEAL_CTTY:
		/* setsid -c: the terminal on --ctty's fd (0 unless given). */
		if (o->tty_fd < 0)
			o->tty_fd = 0;
		o->flags |= FX_SETCTTY | FX_STEAL_CTTY;
		break;
	case OPT_TTY_FOREGROUND:
		o->flags |= FX_FOREGROUND;
		break;
	case OPT_PRESERVE_STATUS:
		o->preserve_status = 1;
		break;
	case OPT_VERBOSE:
		if (o->verbose < 1)
			o->verbose = 1;
		break;
	case OPT_DEBUG:
		o->verbose = 2;
		break;
	case OPT_NULL:
		o->null_sep = 1;
		break;
	case OPT_PRESERVE_ENV:
		o->preserve_env = 1;
		break;
	case OPT_RESET_ENV:
		o->reset_env = 1;
		break;
	case OPT_SPLIT:
		/* Spliced into argv by fxrun_parse, which owns argv. */
		break;
	case OPT_DEFAULT_SIGNAL:
	case OPT_BLOCK_SIGNAL: {
		/* env(1): --default-signal=SIG also unblocks SIG, and of
		 * it and --block-signal the later one counts for SIG. */
		uint64_t set = 0;
		int def = d->id == OPT_DEFAULT_SIGNAL;

		r = parse_signal_set(opt, *arg ? arg : NULL, &set, errbuf, errlen);
		if (r < 0)
			return r;
		/* Named, KILL and STOP cannot change, as env(1) finds. */
		if (def && *arg && (set & ((uint64_t)1 << (SIGKILL - 1) |
		                           (uint64_t)1 << (SIGSTOP - 1))))
			return usage_error(errbuf, errlen, "invalid '%s=%s': SIGKILL "
			                   "and SIGSTOP keep their action", opt, arg);
		if (def)
			o->sig_default |= set;
		*(def ? &o->sig_unblock : &o->sig_block) |= set;
		*(def ? &o->sig_block : &o->sig_unblock) &= ~set;
		break;
	}
	case OPT_IGNORE_SIGNAL: {
		uint64_t set = 0;

		r = parse_signal_set(opt, *arg ? arg : NULL, &set, errbuf, errlen);
		if (r == 0 && *arg && (set & ((uint64_t)1 << (SIGKILL - 1) |
		                              (uint64_t)1 << (SIGSTOP - 1))))
			return usage_error(errbuf, errlen, "invalid '%s=%s': SIGKILL "
			                   "and SIGSTOP cannot be ignored", opt, arg);
		o->sig_ignore |= set;
		return r;
	}
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
		/* setpriv's words: clear (none, what a child starts with)
		 * and keep (fxrun's own, which a child would lose). */
		if (strcasecmp(arg, "clear") == 0) {
			o->pdeathsig = 0;
			break;
		}
		if (strcasecmp(arg, "keep") == 0) {
#if defined(__linux__)
			int own_sig = 0;

			prctl(PR_GET_PDEATHSIG, &own_sig, 0, 0, 0);
			o->pdeathsig = own_sig;
#else
			o->pdeathsig = 0;
#endif
			break;
		}
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
		/* timeout(1) takes 0 (EXIT) too: nothing is sent, yet the
		 * timeout passed (124), and -k still kills. */
		r = strcmp(arg, "0") == 0 || strcasecmp(arg, "EXIT") == 0 ||
		    strcasecmp(arg, "SIGEXIT") == 0 ? 0 : fxrun_parse_signal(arg);
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
	case OPT_PROPAGATION: {
		static const char *const names[] = { "private", "slave", "shared", "unchanged" };
		int i = 0;
		while (i < 4 && strcmp(arg, names[i]) != 0)
			i++;
		if (i == 4)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected private, slave, shared "
			                   "or unchanged", opt, arg);
		o->propagation = i;     /* FX_PROPAGATION_PRIVATE.. in this order */
		o->propagation_set = 1;
		break;
	}
	case OPT_MOUNT_PROC:
		/* unshare(1): /proc unless told, and a new mount namespace
		 * (the host's /proc is not to be covered). */
		o->mount_proc = *arg ? arg : "/proc";
		o->unshare |= CLONE_NEWNS;
		break;
	case OPT_AMBIENT_CAPS:
		return parse_caps(opt, arg, CAPS_AMBIENT, &o->ambient_caps, NULL,
		                  errbuf, errlen);
	case OPT_BOUNDING_CAPS:
		return parse_caps(opt, arg, CAPS_BOUNDING, &o->bounding_drop, NULL,
		                  errbuf, errlen);
	case OPT_INH_CAPS:
		o->inh_caps_given = 1;
		return parse_caps(opt, arg, CAPS_INHERITABLE, &o->inh_caps_add,
		                  &o->inh_caps_del, errbuf, errlen);
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
		if (parse_nice(arg, 1, &o->nice) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected an adjustment, "
			                   "a whole number", shown, arg);
		o->nice_set = 2;
		break;
	case OPT_NICENESS:
		if (parse_nice(arg, 0, &o->nice) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected a number from -20 to 19",
			                   opt, arg);
		o->nice_set = 1;
		break;
	case OPT_SCHED:
		return parse_sched(opt, arg, o, errbuf, errlen);
	case OPT_RESET_ON_FORK:
		o->reset_on_fork = 1;
		break;
	case OPT_KILL_CHILD:
		/* unshare(1)'s name for it; SIGKILL unless told. */
		r = *arg ? fxrun_parse_signal(arg) : SIGKILL;
		if (r < 0)
			return usage_error(errbuf, errlen, "invalid signal '%s'", arg);
		o->pdeathsig = r;
		break;
	case OPT_MONOTONIC:
	case OPT_BOOTTIME: {
		/* unshare(1): whole seconds, either sign. */
		int i = d->id == OPT_BOOTTIME, neg = *arg == '-';

		if (fxrun_parse_number(arg + (neg || *arg == '+'), LONG_MAX, &n) < 0)
			return usage_error(errbuf, errlen,
			                   "invalid '%s %s': expected whole seconds", opt, arg);
		o->time_offset[i] = neg ? -(long long)n : (long long)n;
		o->time_offset_set[i] = 1;
		break;
	}
	case OPT_SECUREBITS:
		return parse_securebits(opt, arg, o, errbuf, errlen);
	case OPT_DUMP:
		o->dump = 1;
		break;
	case OPT_NO_WAIT:
		o->no_wait = 1;
		break;
	case OPT_IONICE:
		return parse_ionice(opt, arg, o, errbuf, errlen);
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
		if (*arg == '\0' || (d->has_arg == 3 && *o->view_arg2 == '\0'))
			return usage_error(errbuf, errlen, "empty path for '%s'", opt);
		o->view[o->n_view].kind = FXRUN_VIEW_BIND + (d->id - OPT_VIEW_BIND);
		o->view[o->n_view].src = d->has_arg == 3 ? arg : NULL;
		o->view[o->n_view++].dest = d->has_arg == 3 ? o->view_arg2 : arg;
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
	case OPT_SUPP_GROUP:
	case OPT_MAP_USER:
	case OPT_MAP_GROUP:
	case OPT_MAP_CURRENT_USER:
	case OPT_PRLIMIT:
	case OPT_REUID:
	case OPT_CLEAR_GROUPS:
	case OPT_KEEP_GROUPS:
	case OPT_INIT_GROUPS:
	case OPT_LIST_SIGNALS:
	case OPT_USERSPEC:
	case OPT_SKIP_CHDIR:
		return apply_other_tools(o, d, shown, arg, errbuf, errlen);
	case OPT_HELP:
		o->action = FXRUN_HELP;
		break;
	case OPT_VERSION:
		o->action = FXRUN_VERSION;
		break;
	case OPT_DRY_RUN:
		o->dry_run = 1;
		break;
	}
	return 0;
}

/*
 * A long option by its full name or, as getopt_long allows in the GNU
 * tools, by an abbreviation that only one option starts with (--ign is
 * ambiguous, --ignore-env is --ignore-environment).  *ambiguous is set
 * when more than one option starts with it.
 */
static const struct opt_def *find_long(const char *name, size_t len,
                                       int *ambiguous)
{
	const struct opt_def *found = NULL;
	size_t i;

	*ambiguous = 0;
	for (i = 0; i < N_OPT_DEFS; i++) {
		if (strncmp(opt_defs[i].name, name, len) != 0)
			continue;
		if (strlen(opt_defs[i].name) == len)
			return &opt_defs[i];
		/* Two names of one option ("nice", "niceness" differ) count once. */
		if (found && found->id != opt_defs[i].id)
			*ambiguous = 1;
		found = &opt_defs[i];
	}
	return *ambiguous || len == 0 ? NULL : found;
}

/*
 * env(1)'s -S STRING: the words of STRING, split at blanks, with
 * '...' and "..." quoting, backslash escapes (\\ \" \' \_ \t \n \r
 * \f \v \# \$, and \c to stop), "#" starting a comment at the start
 * of a word, and ${NAME} replaced by NAME's value in fxrun's
 * environment (the one global state the parser reads).  Stores the
 * words in a new buffer *bufp and a NULL-terminated array of pointers
 * into it in *wordsp.  Returns the number of words, or -EINVAL or
 * -ENOMEM with the reason in errbuf.
 */
static int split_string(const char *str, char **bufp, char ***wordsp,
                        char *errbuf, size_t errlen)
{
	size_t cap = strlen(str) + 1, len = 0, start;
	const char *p = str;
	char *out;
	size_t *offs;
	size_t n_offs = 0, i;

	/* Expansions can grow the text: size for the worst of them later. */
	for (const char *q = str; (q = strstr(q, "${")) != NULL; q += 2) {
		const char *close = strchr(q, '}');
		char name[256];
		const char *v;

		if (close && (size_t)(close - q - 2) < sizeof name) {
			memcpy(name, q + 2, (size_t)(close - q - 2));
			name[close - q - 2] = '\0';
			v = getenv(name);
			if (v)
				cap += strlen(v);
		}
	}
	out = malloc(cap);
	offs = malloc((strlen(str) / 2 + 2) * sizeof *offs);
	if (!out || !offs) {
		free(out);
		free(offs);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		int in_word = 0, quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\v' ||
		       *p == '\f' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		start = len;
		for (; *p; p++) {
			char c = *p;

			if (!quote && (c == ' ' || c == '\t' || c == '\n' ||
			               c == '\v' || c == '\f' || c == '\r'))
				break;
			if (!quote && (c == '\'' || c == '"')) {
				quote = (unsigned char)c;
				in_word = 1;
				continue;
			}
			if (quote && c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\' && quote != '\'') {
				static const char from[] = "\\\"'_tnrfv#$", to[] = "\\\"'_\t\n\r\f\v#$";
				const char *k;

				c = *++p;
				if (c == 'c') {
					if (quote)
						goto bad_c;
					/* \c: the rest of the string is ignored. */
					p = str + strlen(str);
					break;
				}
				if (c == '_' && !quote) {
					p++;    /* a separator, outside quotes */
					break;
				}
				k = c ? strchr(from, c) : NULL;
				if (!k)
					goto bad_escape;
				out[len++] = (char)(to[k - from] == '_' ? ' ' : to[k - from]);
				in_word = 1;
				continue;
			}
			if (c == '\\' && quote == '\'' &&
			    (p[1] == '\\' || p[1] == '\'')) {
				out[len++] = *++p;
				continue;
			}
			if (c == '$' && quote != '\'') {
				const char *close;
				char name[256];
				const char *v;

				if (p[1] != '{' || !(close = strchr(p, '}')) ||
				    close == p + 2 ||
				    (size_t)(close - p - 2) >= sizeof name)
					goto bad_var;
				memcpy(name, p + 2, (size_t)(close - p - 2));
				name[close - p - 2] = '\0';
				v = getenv(name);
				if (v) {
					memcpy(out + len, v, strlen(v));
					len += strlen(v);
				}
				p = close;
				in_word = 1;
				continue;
			}
			out[len++] = c;
			in_word = 1;
		}
		if (quote) {
			free(out);
			free(offs);
			return usage_error(errbuf, errlen,
			                   "invalid '-S': no terminating quote in '%s'", str);
		}
		if (in_word || len > start) {
			out[len++] = '\0';
			offs[n_offs++] = start;
		}
		if (*p == '\0')
			break;
	}
	{
		char **w = malloc((n_offs + 1) * sizeof *w);

		if (!w) {
			free(out);
			free(offs);
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		for (i = 0; i < n_offs; i++)
			w[i] = out + offs[i];
		w[n_offs] = NULL;
		*bufp = out;
		*wordsp = w;
	}
	free(offs);
	return (int)n_offs;
bad_c:
	free(out);
	free(offs);
	return usage_error(errbuf, errlen, "invalid '-S': '\\c' must not appear "
	                   "in a quoted string");
bad_escape:
	free(out);
	free(offs);
	return usage_error(errbuf, errlen, "invalid '-S': invalid backslash at "
	                   "the end of the string or before '%c'", *p ? *p : ' ');
bad_var:
	free(out);
	free(offs);
	return usage_error(errbuf, errlen, "invalid '-S': only ${NAME} expansion "
	                   "is supported, error at: %s", p);
}

static const struct opt_def *find_short(char c)
{
	size_t i;

	for (i = 0; i < N_OPT_DEFS; i++)
		if (opt_defs[i].short_name == c)
			return &opt_defs[i];
	return NULL;
}

/* Refuses a capability that `option` wants and --bounding-caps drops
 * (clash: those, at least one). */
static int caps_clash(const char *option, uint64_t clash, char *errbuf, size_t errlen)
{
	unsigned c = 0;

	while (!(clash & FX_CAP(c)))
		c++;
	return usage_error(errbuf, errlen, "'%s' and '--bounding-caps' both name %s", option,
	                   fx_cap_name((int)c));
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
	/* A child fxrun does not wait for outlives it: nothing can time it
	 * out, and a parent-death signal would kill it at once. */
	if (o->no_wait && (o->timeout_ms >= 0 || o->pdeathsig ||
	                   (o->flags & FX_PTRACE) || o->kill_group))
		return usage_error(errbuf, errlen,
		                   "'--no-wait' cannot be used with '%s'",
		                   o->timeout_ms >= 0 ? "--timeout" : o->pdeathsig
		                   ? "--pdeathsig" : (o->flags & FX_PTRACE)
		                   ? "--ptrace" : "--kill-group");
	if (o->reset_on_fork && !o->sched_set)
		return usage_error(errbuf, errlen, "'--reset-on-fork' needs '--sched'");
	if (o->reset_on_fork && o->sched_policy == FXRUN_SCHED_DEADLINE)
		return usage_error(errbuf, errlen,
		                   "'--reset-on-fork' cannot be used with '--sched deadline'");
	if (o->reset_env && (o->preserve_env || o->clear_env))
		return usage_error(errbuf, errlen,
		                   "'--reset-env' and '%s' cannot be used together",
		                   o->clear_env ? "-i" : "--preserve-environment");
	if (o->kill_group && o->timeout_foreground)
		return usage_error(errbuf, errlen,
		                   "'--kill-group' and '--foreground' cannot be used together");
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
	/* So do --map-group and --map-current-user, as unshare(1) says. */
	if (o->map_group_line && o->setgroups == FX_SETGROUPS_ALLOW)
		return usage_error(errbuf, errlen,
		                   "'--map-group' (or '--map-current-user') and "
		                   "'--setgroups allow' cannot be used together");
	if (o->setgroups && !(o->unshare & CLONE_NEWUSER) && !o->map_root_user &&
	    !o->n_uid_maps && !o->n_gid_maps)
		return usage_error(errbuf, errlen,
		                   "'--setgroups' needs a new user namespace "
		                   "('--unshare user', '--map-root-user' or a map)");
	if (o->propagation_set && !(o->unshare & CLONE_NEWNS))
		return usage_error(errbuf, errlen,
		                   "'--propagation' needs a new mount namespace "
		                   "('--unshare mount')");
	/* --hostname implies a new uts namespace, which joining one
	 * excludes (the library refuses a kind both joined and new). */
	if (o->hostname && (o->join_flags & CLONE_NEWUTS))
		return usage_error(errbuf, errlen,
		                   "'--hostname' needs a new uts namespace: it cannot be "
		                   "used with '--join-ns PID:uts'");
	if (o->join_flags & o->unshare) {
		size_t i = 0;

		while (!(ns_names[i].flag & o->join_flags & o->unshare))
			i++;
		return usage_error(errbuf, errlen,
		                   "'--join-ns PID:%s' and a new %s namespace ('--unshare %s' "
		                   "or an option that implies it) cannot be used together",
		                   ns_names[i].name, ns_names[i].name, ns_names[i].name);
	}
	/* unshare(2) in a forked child cannot make the child itself pid 1. */
	if ((o->unshare & CLONE_NEWPID) && o->backend == FX_BACKEND_FORK)
		return usage_error(errbuf, errlen,
		                   "'--unshare pid' cannot be used with '--backend fork'");
	/* An ambient capability must be in the inheritable set, which the
	 * kernel keeps within the bounding set; so must one added to the
	 * inheritable set (one it holds already may stay). */
	if (o->ambient_caps & o->bounding_drop)
		return caps_clash("--ambient-caps", o->ambient_caps & o->bounding_drop,
		                  errbuf, errlen);
	if (o->inh_caps_add & o->bounding_drop)
		return caps_clash("--inh-caps", o->inh_caps_add & o->bounding_drop,
		                  errbuf, errlen);
	return 0;
}

/* Grows the per-option arrays to hold cap entries (after -S added words). */
static int grow_lists(struct fxrun_opts *o, size_t old_cap, size_t cap)
{
	struct fxrun_env_op *e = realloc(o->env_ops, cap * sizeof *e);
	struct fxrun_fd_map *f;
	struct fxrun_rlimit *rl;

	if (!e)
		return -ENOMEM;
	o->env_ops = e;
	f = realloc(o->fds, cap * sizeof *f);
	if (!f)
		return -ENOMEM;
	o->fds = f;
	rl = realloc(o->rlimits, cap * sizeof *rl);
	if (!rl)
		return -ENOMEM;
	o->rlimits = rl;
	/* The maps, the Landlock rules and the view too: -S's words can
	 * hold any number of them. */
	{
		size_t maps = cap < FXRUN_ID_MAP_MAX ? cap : FXRUN_ID_MAP_MAX;
		struct fxrun_id_map *u = realloc(o->uid_maps, maps * sizeof *u), *g;
		struct fxrun_landlock *l;
		struct fxrun_view *v;

		if (!u)
			return -ENOMEM;
		o->uid_maps = u;
		g = realloc(o->gid_maps, maps * sizeof *g);
		if (!g)
			return -ENOMEM;
		o->gid_maps = g;
		l = realloc(o->landlock, cap * sizeof *l);
		if (!l)
			return -ENOMEM;
		o->landlock = l;
		v = realloc(o->view, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		o->view = v;
	}
	(void)old_cap;
	return 0;
}

/* Keeps p until fxrun_opts_free; frees it and fails if it cannot. */
static int own(struct fxrun_opts *o, void *p)
{
	void **v = realloc(o->owned, (o->n_owned + 1) * sizeof *v);

	if (!v) {
		free(p);
		return -ENOMEM;
	}
	o->owned = v;
	o->owned[o->n_owned++] = p;
	return 0;
}

/*
 * -S STRING at argv[i]: a new argv with STRING's words after argv[i],
 * in which parsing goes on (env(1) does the same: the words may be
 * options, assignments and the program).
 */
static int splice_split(struct fxrun_opts *o, int *argc, char ***argv, int i,
                        const char *str, size_t *cap, char *errbuf, size_t errlen)
{
	char *buf = NULL, **words = NULL, **nv;
	int n, k;

	n = split_string(str, &buf, &words, errbuf, errlen);
	if (n < 0)
		return n;
	if (own(o, buf) < 0 || own(o, words) < 0)
		goto nomem;
	nv = malloc(((size_t)*argc + (size_t)n + 1) * sizeof *nv);
	if (!nv || own(o, nv) < 0)
		goto nomem;
	for (k = 0; k <= i; k++)
		nv[k] = (*argv)[k];
	for (k = 0; k < n; k++)
		nv[i + 1 + k] = words[k];
	for (k = i + 1; k < *argc; k++)
		nv[k + n] = (*argv)[k];
	*argc += n;
	nv[*argc] = NULL;
	*argv = nv;
	if (grow_lists(o, *cap, *cap + (size_t)n) < 0)
		goto nomem;
	/* env -v says how it split the string, if -v came first. */
	if (o->verbose == 2 && o->n_debug_split < N_OF(o->debug_split)) {
		o->debug_split[o->n_debug_split].str = str;
		o->debug_split[o->n_debug_split++].words = words;
	}
	*cap += (size_t)n;
	return 0;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	return -ENOMEM;
}

/* "-N" or "--N", N decimal digits, but not "-0". */
static int old_nice_word(const char *a)
{
	const char *p = a + 1 + (a[1] == '-');

	if (*p < '0' || *p > '9' || strcmp(a, "-0") == 0)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

int fxrun_parse(int argc, char **argv, struct fxrun_opts *o,
                char *errbuf, size_t errlen)
{
	/* Each option takes at least one argv slot, so argc bounds the lists. */
	size_t cap = argc > 0 ? (size_t)argc : 1;
	int i, r, needs_program = 0;
	const char *chdir_shown = NULL;

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
		const char *split = NULL;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		/* "-" alone is a program name, as for every other tool. */
		if (a[0] != '-' || a[1] == '\0')
			break;

		/* nice(1)'s older spelling, -ADJ: "-5" adds 5, "--5" takes
		 * 5.  "-0" stays env(1)'s -0 (--null). */
		if (old_nice_word(a)) {
			r = apply(o, find_long("adjustment", 10, &r), a, a + 1,
			          errbuf, errlen);
			if (r < 0)
				return r;
			needs_program = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int ambiguous;

			d = find_long(name, len, &ambiguous);
			if (!d && ambiguous)
				return usage_error(errbuf, errlen,
				                   "ambiguous option '--%.*s'", (int)len, name);
			if (!d)
				return usage_error(errbuf, errlen,
				                   "unknown option '--%.*s'", (int)len, name);
			if (d->has_arg == 2) {
				arg = eq ? eq + 1 : NULL;
			} else if (d->has_arg == 3) {
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
			if (d->id == OPT_SPLIT)
				split = arg;
			if (!d->env_only)
				needs_program = 1;
			if (d->id == OPT_CHDIR)
				chdir_shown = a;
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
				if (d->id == OPT_SPLIT)
					split = arg;
				if (!d->env_only)
					needs_program = 1;
				if (d->id == OPT_CHDIR)
					chdir_shown = "-C";
				if (d->has_arg)
					break;
				if (o->action != FXRUN_RUN)
					break;
			}
		}
		/* --help and --version win over whatever follows them. */
		if (o->action != FXRUN_RUN)
			return 0;
		if (split) {
			r = splice_split(o, &argc, &argv, i, split, &cap, errbuf, errlen);
			if (r < 0)
				return r;
		}
	}

	r = finish_groups(o, errbuf, errlen);
	if (r < 0)
		return r;

	/* env(1)'s NAME=VALUE operands, before PROGRAM (after "--" too). */
	for (; i < argc && strchr(argv[i], '='); i++) {
		if (argv[i][0] == '=')
			return usage_error(errbuf, errlen,
			                   "invalid assignment '%s': expected NAME=VALUE",
			                   argv[i]);
		o->env_ops[o->n_env_ops].kind = FXRUN_ENV_SET;
		o->env_ops[o->n_env_ops++].arg = argv[i];
	}

	if (o->dump) {
		if (i < argc)
			return usage_error(errbuf, errlen,
			                   "'--dump' takes no program: it runs fxrun --dump "
			                   "under the options");
		/* Alone, fxrun reports itself; with options, fxrun.c runs
		 * itself as PROGRAM under them. */
		if (!needs_program) {
			o->action = FXRUN_DUMP;
			return 0;
		}
		r = check_combinations(o, errbuf, errlen);
		if (r < 0)
			return r;
		o->cmd = NULL;
		o->n_cmd = 0;
		return 0;
	}
	if (i >= argc) {
		/* env(1) with no command prints the environment. */
		if (!needs_program) {
			o->action = FXRUN_PRINTENV;
			return 0;
		}
		if (chdir_shown)
			return usage_error(errbuf, errlen,
			                   "missing program: '%s' needs one", chdir_shown);
		return usage_error(errbuf, errlen, "missing program");
	}
	if (o->null_sep)
		return usage_error(errbuf, errlen,
		                   "'-0' (--null) cannot be used with a program");
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
	while (o->n_owned > 0)
		free(o->owned[--o->n_owned]);
	free(o->owned);
	o->owned = NULL;
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
