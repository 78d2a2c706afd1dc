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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "forkexec.h"

enum opt_id {
	OPT_CHDIR, OPT_CHROOT, OPT_USER, OPT_GROUP, OPT_GROUPS, OPT_SETSID,
	OPT_PGID, OPT_NOCTTY, OPT_CTTY, OPT_FOREGROUND, OPT_PTRACE, OPT_FD,
	OPT_KEEP_FDS, OPT_IGNORE_ENV, OPT_ENV, OPT_UNSET, OPT_ARGV0,
	OPT_CLEAN_SIGNALS, OPT_PDEATHSIG, OPT_BACKEND, OPT_HELP, OPT_VERSION,
	OPT_STDIN, OPT_STDOUT, OPT_STDERR, OPT_APPEND, OPT_STDERR_TO_STDOUT,
	OPT_NULL_STDIN, OPT_TIMEOUT, OPT_KILL_AFTER, OPT_SIGNAL, OPT_KILL_GROUP
};

struct opt_def {
	const char *name;       /* long name, without "--" */
	char short_name;        /* 0 if none */
	int has_arg;
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
	{ "WINCH", SIGWINCH }, { "IO", SIGIO },     { "POLL", SIGPOLL },
	{ "PWR", SIGPWR },   { "SYS", SIGSYS },
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

/* Applies one option; `shown` is how the user spelled it, for messages. */
static int apply(struct fxrun_opts *o, const struct opt_def *d,
                 const char *shown, const char *arg,
                 char *errbuf, size_t errlen)
{
	unsigned long n;
	int r;

	if (!arg)
		arg = "";

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
	o->backend = FX_BACKEND_CLONE;
	o->timeout_ms = -1;
	o->kill_after_ms = -1;
	o->timeout_sig = SIGTERM;
	if (errlen > 0)
		errbuf[0] = '\0';

	o->env_ops = calloc(cap, sizeof *o->env_ops);
	o->fds = calloc(cap, sizeof *o->fds);
	if (!o->env_ops || !o->fds) {
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
			if (d->has_arg) {
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
	o->env_ops = NULL;
	o->fds = NULL;
	o->n_env_ops = 0;
	o->n_fds = 0;
}
