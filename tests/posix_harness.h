/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family (include/forkexec-posix.h) against the C
 * library's own <spawn.h>.
 *
 * Each case is a function that fills an attribute object and a file
 * actions object through a "family": a table of pointers to either
 * forkexec's fx_ functions or the libc's plain ones.  The harness runs the
 * case with both families, each time spawning the probe with its report
 * on fd 100 (a dup2 action added after the case's own), and compares what
 * the two calls returned and everything the two probes reported: argv,
 * env, cwd, process group and session (as "the child" or "the spawner"
 * where they are those), ids, signal mask and dispositions, and every
 * descriptor with its close-on-exec flag.  The test then asserts the
 * expected outcome on forkexec's report.  Where glibc (2.36 here) lacks a
 * feature (POSIX_SPAWN_SETCGROUP, pidfd_spawn, addchdir without _np,
 * SCHED_BATCH/SCHED_IDLE) forkexec is tested alone.  So is a case that
 * needs what this libc turns out to lack at run time (musl: the
 * scheduling attributes, addclosefrom_np, addtcsetpgrp_np): the case
 * says what it needs (run.needs), and PAIR then runs forkexec alone and
 * says so on a "# libc lacks" line (see lacks() below).
 *
 * Error cases also check that nothing is left behind: *pid untouched, no
 * child (running or zombie), no new descriptor.  The tests that spawn run
 * on all three runner variants: the posix layer always uses the clone
 * backend, but [clone-pipe] forces its error channel onto the pipe, which
 * file actions on low descriptors could clobber.
 */
/*
 * posix_harness.h: the harness the test_posix_*.c files share (the
 * families, one spawn of a case, comparing two runs, small helpers).
 * Its functions are static inline: each test file takes what it uses.
 */
#ifndef FXT_POSIX_HARNESS_H
#define FXT_POSIX_HARNESS_H
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec-posix.h"
#include "fxt.h"

/* ------------------------------------------------------------------ */
/* Families: the same calls, forkexec's or the libc's                  */
/* ------------------------------------------------------------------ */

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);

struct family {
	const char *name;
	int is_fx;
	spawn_fn *spawn, *spawnp;
	int (*attr_init)(posix_spawnattr_t *);
	int (*attr_destroy)(posix_spawnattr_t *);
	int (*getflags)(const posix_spawnattr_t *, short *);
	int (*setflags)(posix_spawnattr_t *, short);
	int (*getpgroup)(const posix_spawnattr_t *, pid_t *);
	int (*setpgroup)(posix_spawnattr_t *, pid_t);
	int (*getsigmask)(const posix_spawnattr_t *, sigset_t *);
	int (*setsigmask)(posix_spawnattr_t *, const sigset_t *);
	int (*getsigdefault)(const posix_spawnattr_t *, sigset_t *);
	int (*setsigdefault)(posix_spawnattr_t *, const sigset_t *);
	int (*getschedpolicy)(const posix_spawnattr_t *, int *);
	int (*setschedpolicy)(posix_spawnattr_t *, int);
	int (*getschedparam)(const posix_spawnattr_t *, struct sched_param *);
	int (*setschedparam)(posix_spawnattr_t *, const struct sched_param *);
	int (*fa_init)(posix_spawn_file_actions_t *);
	int (*fa_destroy)(posix_spawn_file_actions_t *);
	int (*addopen)(posix_spawn_file_actions_t *, int, const char *, int, mode_t);
	int (*addclose)(posix_spawn_file_actions_t *, int);
	int (*adddup2)(posix_spawn_file_actions_t *, int, int);
	int (*addchdir)(posix_spawn_file_actions_t *, const char *);  /* the _np name */
	int (*addfchdir)(posix_spawn_file_actions_t *, int);           /* the _np name */
	int (*addclosefrom)(posix_spawn_file_actions_t *, int);
	int (*addtcsetpgrp)(posix_spawn_file_actions_t *, int);
};

static const struct family fam_fx = {
	.name = "forkexec",
	.is_fx = 1,
	.spawn = fx_posix_spawn,
	.spawnp = fx_posix_spawnp,
	.attr_init = fx_posix_spawnattr_init,
	.attr_destroy = fx_posix_spawnattr_destroy,
	.getflags = fx_posix_spawnattr_getflags,
	.setflags = fx_posix_spawnattr_setflags,
	.getpgroup = fx_posix_spawnattr_getpgroup,
	.setpgroup = fx_posix_spawnattr_setpgroup,
	.getsigmask = fx_posix_spawnattr_getsigmask,
	.setsigmask = fx_posix_spawnattr_setsigmask,
	.getsigdefault = fx_posix_spawnattr_getsigdefault,
	.setsigdefault = fx_posix_spawnattr_setsigdefault,
	.getschedpolicy = fx_posix_spawnattr_getschedpolicy,
	.setschedpolicy = fx_posix_spawnattr_setschedpolicy,
	.getschedparam = fx_posix_spawnattr_getschedparam,
	.setschedparam = fx_posix_spawnattr_setschedparam,
	.fa_init = fx_posix_spawn_file_actions_init,
	.fa_destroy = fx_posix_spawn_file_actions_destroy,
	.addopen = fx_posix_spawn_file_actions_addopen,
	.addclose = fx_posix_spawn_file_actions_addclose,
	.adddup2 = fx_posix_spawn_file_actions_adddup2,
	.addchdir = fx_posix_spawn_file_actions_addchdir_np,
	.addfchdir = fx_posix_spawn_file_actions_addfchdir_np,
	.addclosefrom = fx_posix_spawn_file_actions_addclosefrom_np,
	.addtcsetpgrp = fx_posix_spawn_file_actions_addtcsetpgrp_np,
};

/*
 * glibc (2.34) has addclosefrom_np and addtcsetpgrp_np; musl has neither
 * (nor does POSIX.1-2024: both are extensions).  There the libc family
 * refuses them with ENOSYS, which lacks() below finds: the cases
 * that need them run with forkexec alone.
 */
#ifdef __GLIBC__
#define libc_addclosefrom posix_spawn_file_actions_addclosefrom_np
#define libc_addtcsetpgrp posix_spawn_file_actions_addtcsetpgrp_np
#else
static inline int libc_addclosefrom(posix_spawn_file_actions_t *fa, int from)
{
	(void)fa;
	(void)from;
	return ENOSYS;
}

static inline int libc_addtcsetpgrp(posix_spawn_file_actions_t *fa, int tcfd)
{
	(void)fa;
	(void)tcfd;
	return ENOSYS;
}
#endif

static const struct family fam_libc = {
	.name = "libc",
	.is_fx = 0,
	.spawn = posix_spawn,
	.spawnp = posix_spawnp,
	.attr_init = posix_spawnattr_init,
	.attr_destroy = posix_spawnattr_destroy,
	.getflags = posix_spawnattr_getflags,
	.setflags = posix_spawnattr_setflags,
	.getpgroup = posix_spawnattr_getpgroup,
	.setpgroup = posix_spawnattr_setpgroup,
	.getsigmask = posix_spawnattr_getsigmask,
	.setsigmask = posix_spawnattr_setsigmask,
	.getsigdefault = posix_spawnattr_getsigdefault,
	.setsigdefault = posix_spawnattr_setsigdefault,
	.getschedpolicy = posix_spawnattr_getschedpolicy,
	.setschedpolicy = posix_spawnattr_setschedpolicy,
	.getschedparam = posix_spawnattr_getschedparam,
	.setschedparam = posix_spawnattr_setschedparam,
	.fa_init = posix_spawn_file_actions_init,
	.fa_destroy = posix_spawn_file_actions_destroy,
	.addopen = posix_spawn_file_actions_addopen,
	.addclose = posix_spawn_file_actions_addclose,
	.adddup2 = posix_spawn_file_actions_adddup2,
	.addchdir = posix_spawn_file_actions_addchdir_np,
	.addfchdir = posix_spawn_file_actions_addfchdir_np,
	.addclosefrom = libc_addclosefrom,
	.addtcsetpgrp = libc_addtcsetpgrp,
};

static const struct family *const families[] = { &fam_fx, &fam_libc };

/* A posix_spawn* function's result (a positive errno) must be 0. */
#define OK0(expr)                                                             \
	do {                                                                  \
		int ok0_ = (expr);                                            \
		if (ok0_ != 0)                                                \
			FAIL("%s: %d (%s)", #expr, ok0_, strerror(ok0_));     \
	} while (0)

/*
 * The libc family must really be the libc's: were libforkexec.a to
 * define the plain names, the static link would bind them to forkexec
 * and every comparison below would compare forkexec with itself.
 */
static inline void check_libc_is_libc(void)
{
	Dl_info info;

	/* A static program (the aarch64 gate's) has no objects to name, and
	 * nothing could be preloaded into it either. */
	if (!dladdr((void *)fam_libc.spawn, &info) || !info.dli_fname)
		return;
	/* musl's C library is its dynamic linker, /lib/ld-musl-ARCH.so.1
	 * (Alpine also names it libc.musl-ARCH.so.1); under AddressSanitizer
	 * the runtime intercepts posix_spawn and calls the libc's. */
	if (!strstr(info.dli_fname, "libc.so") && !strstr(info.dli_fname, "libc.musl") &&
	    !strstr(info.dli_fname, "/ld-musl-") && !strstr(info.dli_fname, "/libasan.so") &&
	    !strstr(info.dli_fname, "libclang_rt.asan"))
		FAIL("posix_spawn resolves to %s, not the C library: the "
		     "comparisons would be with forkexec itself", info.dli_fname);
}

/*
 * What a case may need that a libc may lack.  glibc 2.36 has it all.
 * musl 1.2.3 has neither addclosefrom_np nor addtcsetpgrp_np (the ENOSYS
 * stubs above), and its posix_spawnattr_{get,set}sched{policy,param}
 * return ENOSYS (its posix_spawn ignores the SETSCHEDPARAM and
 * SETSCHEDULER flags): musl does not provide POSIX's Process Scheduling
 * option (<unistd.h> leaves _POSIX_PRIORITY_SCHEDULING undefined), to
 * which POSIX.1-2024 assigns ([PS]) those four functions and two flags.
 */
enum {
	NEED_SCHED = 1 << 0,        /* the scheduling attributes */
	NEED_CLOSEFROM = 1 << 1,    /* addclosefrom_np */
	NEED_TCSETPGRP = 1 << 2,    /* addtcsetpgrp_np */
};

static const char *const need_names[] = {
	"posix_spawnattr_{get,set}sched{policy,param}",
	"posix_spawn_file_actions_addclosefrom_np",
	"posix_spawn_file_actions_addtcsetpgrp_np",
};

/* Of `needs`, what family f lacks: each function asked on a scratch
 * object, ENOSYS meaning absent (other results are the tests' business). */
static inline unsigned family_missing(const struct family *f, unsigned needs)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	struct sched_param sp = { .sched_priority = 0 };
	int policy;
	unsigned missing = 0;

	OK0(f->attr_init(&a));
	if ((needs & NEED_SCHED) &&
	    (f->setschedpolicy(&a, SCHED_OTHER) == ENOSYS ||
	     f->getschedpolicy(&a, &policy) == ENOSYS ||
	     f->setschedparam(&a, &sp) == ENOSYS ||
	     f->getschedparam(&a, &sp) == ENOSYS))
		missing |= NEED_SCHED;
	OK0(f->attr_destroy(&a));
	OK0(f->fa_init(&fa));
	if ((needs & NEED_CLOSEFROM) && f->addclosefrom(&fa, 3) == ENOSYS)
		missing |= NEED_CLOSEFROM;
	if ((needs & NEED_TCSETPGRP) && f->addtcsetpgrp(&fa, 0) == ENOSYS)
		missing |= NEED_TCSETPGRP;
	OK0(f->fa_destroy(&fa));
	return missing;
}

/*
 * Whether family f lacks any of `needs`; if so (the libc only: forkexec
 * must have everything), prints "# libc lacks X: forkexec alone", and
 * the caller leaves the libc out of what needs X.
 */
static inline int lacks(const struct family *f, unsigned needs)
{
	unsigned missing = family_missing(f, needs);
	char names[256];
	size_t used = 0;

	if (!missing)
		return 0;
	names[0] = 0;
	for (size_t i = 0; i < sizeof need_names / sizeof need_names[0]; i++)
		if ((missing & (1u << i)) && used < sizeof names)
			used += (size_t)snprintf(names + used, sizeof names - used,
			                         "%s%s", used ? ", " : "", need_names[i]);
	if (f->is_fx)
		FAIL("forkexec lacks %s", names);
	printf("# %s lacks %s: forkexec alone\n", f->name, names);
	return 1;
}

/* ------------------------------------------------------------------ */
/* One spawn of a case                                                 */
/* ------------------------------------------------------------------ */

#define REPORT_FD 100
#define UNTOUCHED (-4242)

struct run;
typedef void setup_fn(struct run *run, posix_spawnattr_t *attr,
                      posix_spawn_file_actions_t *fa);

/* Whatever a case's setup needs; tests fill what they use. */
struct ctx {
	int fd[6];
	const char *path[4];
	short flags;
	pid_t pgroup;
	int policy, prio;
	int n;
};

struct run {
	/* What to do (filled by the test; the family by pair/solo). */
	const struct family *f;
	setup_fn *setup;        /* may be NULL: no attribute, no action */
	struct ctx *ctx;
	const char *file;       /* NULL: the probe */
	const char *argv0;      /* NULL: file */
	const char *const *args;  /* after the probe's options, or NULL */
	char *const *envp;      /* NULL: default_env */
	int search;             /* posix_spawnp */
	int pidfd_api;          /* fx_pidfd_spawn(p) (forkexec only) */
	int null_pid;           /* pid pointer NULL */
	int no_attr, no_fa;     /* pass NULL for them (the report then goes
	                           through an inherited descriptor) */
	int report_fd;          /* 0: REPORT_FD */
	int report_first;       /* the report's dup2 before the case's actions */
	int hold;               /* probe waits on stdin (a pipe) for inspect() */
	int exit_code;          /* the probe's expected exit code (--exit=N) */
	int no_report;          /* the program is not the probe: no report */
	void (*inspect)(struct run *run, pid_t pid);  /* child alive, reported */
	void (*after)(struct run *run);               /* child reaped */
	unsigned needs;         /* NEED_*: without it, forkexec alone */

	/* The parent's ends, for a setup that places the report itself. */
	int report_w, hold_r, report_placed;
	ino_t hold_ino;

	/* What happened. */
	int not_run;            /* the libc's run, left out: it lacks `needs` */
	int rc;
	pid_t pid;              /* as the call stored it, else UNTOUCHED */
	int pidfd;              /* as the call stored it, else UNTOUCHED */
	pid_t child;            /* the probe's own pid, 0 if no report */
	int status;
	fxt_report *r;          /* NULL unless the call succeeded */
	fx_error err;           /* forkexec: fx_posix_spawn_error's */
	int err_rc;
	int pidfd_cloexec;      /* the pidfd had FD_CLOEXEC */
	int fds_before, fds_after;
	long long val[4];       /* what inspect() or after() found */
	char text[512];
};

static char *const default_env[] = {
	"FXT_POSIX=1", "PATH=/nonexistent-from-envp", "EMPTY=", NULL
};

static inline int report_fd_of(const struct run *run)
{
	return run->report_fd ? run->report_fd : REPORT_FD;
}

/* The report's dup2 (and stdin's when holding), at the case's chosen place. */
static inline void add_report(struct run *run, posix_spawn_file_actions_t *fa)
{
	OK0(run->f->adddup2(fa, run->report_w, report_fd_of(run)));
	if (run->hold)
		OK0(run->f->adddup2(fa, run->hold_r, 0));
	run->report_placed = 1;
}

/* Above the descriptors cases name (all below 100), close-on-exec. */
static inline int move_high(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 200);

	ASSERT_SYS(high);
	close(fd);
	return high;
}

static inline char *read_all(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	ASSERT(buf != NULL);
	for (;;) {
		ssize_t got;

		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ASSERT(buf != NULL);
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		ASSERT_SYS(got);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*len = n;
	return buf;
}

static int is_cloexec(int fd);

/* Spawns the case once with run->f, reads the report, reaps the child. */
static inline void run_spawn(struct run *run)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	const struct family *f = run->f;
	const char *file = run->file ? run->file : fxt_probe_path();
	const char *argv[40];
	char report_arg[32];
	int rp[2], hp[2] = { -1, -1 };
	size_t n = 0;

	run->fds_before = fxt_fd_count();
	fxt_pipe(rp);
	rp[0] = move_high(rp[0]);
	rp[1] = move_high(rp[1]);
	run->report_w = rp[1];
	if (run->hold) {
		struct stat st;

		ASSERT(!run->no_fa);
		fxt_pipe(hp);
		hp[0] = move_high(hp[0]);
		hp[1] = move_high(hp[1]);
		ASSERT_SYS(fstat(hp[0], &st));
		run->hold_ino = st.st_ino;
		run->hold_r = hp[0];
	}
	if (run->no_fa) {
		/* No dup2 to place it: the child inherits the write end. */
		ASSERT_SYS(fcntl(rp[1], F_SETFD, 0));
		run->report_fd = rp[1];
	}
	run->report_placed = 0;
	OK0(f->attr_init(&attr));
	OK0(f->fa_init(&fa));
	if (run->report_first && !run->no_fa)
		add_report(run, &fa);
	if (run->setup)
		run->setup(run, &attr, &fa);
	if (!run->report_placed && !run->no_fa)
		add_report(run, &fa);

	snprintf(report_arg, sizeof report_arg, "--report-fd=%d", report_fd_of(run));
	argv[n++] = run->argv0 ? run->argv0 : file;
	argv[n++] = report_arg;
	if (run->hold)
		argv[n++] = "--wait-stdin";
	for (size_t i = 0; run->args && run->args[i]; i++) {
		ASSERT(n < 39);
		argv[n++] = run->args[i];
	}
	argv[n] = NULL;

	memset(&run->err, 0x5a, sizeof run->err);
	run->pid = UNTOUCHED;
	run->pidfd = UNTOUCHED;
	{
		const posix_spawn_file_actions_t *fap = run->no_fa ? NULL : &fa;
		const posix_spawnattr_t *ap = run->no_attr ? NULL : &attr;
		char *const *av = (char *const *)argv;
		char *const *ev = run->envp ? run->envp : default_env;

		if (run->pidfd_api) {
			ASSERT(f->is_fx);
			run->rc = run->search
			        ? fx_pidfd_spawnp(&run->pidfd, file, fap, ap, av, ev)
			        : fx_pidfd_spawn(&run->pidfd, file, fap, ap, av, ev);
		} else {
			run->rc = (run->search ? f->spawnp : f->spawn)(
				run->null_pid ? NULL : &run->pid, file, fap, ap, av, ev);
		}
	}
	if (f->is_fx)
		run->err_rc = fx_posix_spawn_error(&run->err);
	close(rp[1]);
	if (run->hold)
		close(hp[0]);
	OK0(f->attr_destroy(&attr));
	OK0(f->fa_destroy(&fa));

	run->r = NULL;
	run->child = 0;
	if (run->rc == 0) {
		size_t len;
		char *text = read_all(rp[0], &len);

		run->r = fxt_report_parse(text, len);
		free(text);
		if (fxt_get(run->r, "pid"))
			run->child = (pid_t)fxt_get_ll(run->r, "pid");
		if (run->hold && run->inspect && run->child)
			run->inspect(run, run->child);
		if (run->hold)
			close(hp[1]);
		if (run->pidfd_api) {
			siginfo_t si;

			run->pidfd_cloexec = is_cloexec(run->pidfd);
			memset(&si, 0, sizeof si);
			ASSERT_SYS(waitid(P_PIDFD, (id_t)run->pidfd, &si, WEXITED));
			/* waitpid's encoding (W_EXITCODE is glibc's only). */
			run->status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8
			                                       : si.si_status;
			if (run->child)
				ASSERT_EQ(si.si_pid, run->child);
			close(run->pidfd);
		} else {
			pid_t want = run->null_pid ? (run->child ? run->child : -1) : run->pid;
			pid_t got = waitpid(want, &run->status, 0);

			ASSERT_SYS(got);
			if (want > 0)
				ASSERT_EQ(got, want);
		}
		if (!run->null_pid && !run->pidfd_api && run->child)
			ASSERT_EQ(run->pid, run->child);
		if (run->after)
			run->after(run);
	} else if (run->hold) {
		close(hp[1]);
	}
	close(rp[0]);
	run->fds_after = fxt_fd_count();
}

static inline void run_free(struct run *run)
{
	fxt_report_free(run->r);
	run->r = NULL;
}

/* ------------------------------------------------------------------ */
/* Comparing the two runs                                              */
/* ------------------------------------------------------------------ */

/* glibc's children get its internal signals 32 and 33 ignored (SIG_IGN). */
#define GLIBC_INTERNAL_SIGS (FXT_SIGBIT(32) | FXT_SIGBIT(33))

/*
 * A report value made comparable between two spawns: the child's own pid
 * and the spawner's become names, the hold pipe loses its inode, and
 * sigign forgets glibc's internal signals (checked apart below).
 */
static inline const char *normalized(const struct run *run, const char *key,
                              const char *value, char *buf, size_t len)
{
	static const char *const own[] = { "pgid", "sid", "tpgid", "ctty_sid" };

	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(key, own[i]) == 0 && run->child &&
		    atoll(value) == run->child)
			return "<the child>";
	if (strcmp(key, "ppid") == 0 && atoll(value) == getpid())
		return "<the spawner>";
	if (strcmp(key, "sigign") == 0) {
		snprintf(buf, len, "%016llx",
		         strtoull(value, NULL, 16) & ~GLIBC_INTERNAL_SIGS);
		return buf;
	}
	if (strncmp(key, "fd.", 3) == 0 && run->hold_ino) {
		char pipe_name[64];
		const char *at;

		snprintf(pipe_name, sizeof pipe_name, "pipe:[%llu]",
		         (unsigned long long)run->hold_ino);
		at = strstr(value, pipe_name);
		if (at) {
			snprintf(buf, len, "%.*spipe:[hold]%s", (int)(at - value),
			         value, at + strlen(pipe_name));
			return buf;
		}
	}
	return value;
}

/* Appends "key: forkexec=... libc=..." for each differing key of a and b. */
static inline void diff_reports(const struct run *a, const struct run *b, char *out,
                         size_t len)
{
	const struct run *runs[2] = { a, b };
	size_t used = 0;

	out[0] = 0;
	for (int side = 0; side < 2; side++) {
		const struct run *x = runs[side], *y = runs[!side];
		const char *key, *value;
		size_t it = 0;

		while (fxt_next(x->r, "", &it, &key, &value)) {
			char bx[4200], by[4200];
			const char *other = fxt_get(y->r, key), *nx, *ny;

			if (strcmp(key, "pid") == 0 || (side == 1 && other))
				continue;
			nx = normalized(x, key, value, bx, sizeof bx);
			ny = other ? normalized(y, key, other, by, sizeof by) : "(absent)";
			if (strcmp(nx, ny) != 0 && used < len)
				used += (size_t)snprintf(out + used, len - used,
				        "\n    %s: %s=\"%s\" %s=\"%s\"", key,
				        x->f->name, nx, y->f->name, ny);
		}
	}
}

static inline const char *errname(int code)
{
	return code ? strerror(code) : "success";
}

/*
 * Whether the libc's posix_spawn can report a child's failure here.
 * glibc's child writes its errno into memory it shares with the parent
 * (CLONE_VM|CLONE_VFORK) and trusts that it does; valgrind and qemu-user
 * turn that clone into a fork, the report is lost, and glibc returns 0
 * for a child that then exits 127 (forkexec proves the sharing first and
 * uses a pipe there).  Asked once, with a path that does not exist.
 */
static inline int libc_cannot_report(void)
{
	static int state; /* 0 unknown, 1 cannot, -1 can */
	char *const argv[] = { "x", NULL };
	pid_t pid;

	if (!state) {
		state = posix_spawn(&pid, "/nonexistent/fxtest", NULL, NULL, argv, environ) == 0
			? 1 : -1;
		if (state > 0)
			waitpid(pid, NULL, 0);
	}
	return state > 0;
}

/*
 * Runs `proto` with forkexec into *fx and with the libc into *lc (the
 * families are set here) and fails unless both returned the same and,
 * when they succeeded, both probes exited 0 and reported the same.
 * Neither may leave a descriptor behind.  If the libc lacks what
 * proto->needs, forkexec runs alone (with the same checks of its own
 * run) and *lc is marked not_run: it has no report, and EXPECT_ERR
 * passes over it.
 */
#define PAIR(proto, fx, lc) pair_(__FILE__, __LINE__, (proto), (fx), (lc))
static inline void pair_(const char *file, int line, const struct run *proto,
                  struct run *fx, struct run *lc)
{
	char diff[8192];
	int alone;

	check_libc_is_libc();
	*fx = *proto;
	*lc = *proto;
	fx->f = &fam_fx;
	lc->f = &fam_libc;
	alone = lacks(&fam_libc, proto->needs);
	run_spawn(fx);
	if (alone) {
		lc->not_run = 1;
		lc->rc = fx->rc;
		lc->r = NULL;
	} else {
		run_spawn(lc);
		if (fx->rc != 0 && lc->rc == 0 && libc_cannot_report()) {
			printf("# the libc cannot report a child's failure here (its "
			       "vfork-style clone is a fork: valgrind, qemu-user): "
			       "forkexec alone\n");
			alone = 1;
			lc->not_run = 1;
			lc->rc = fx->rc;
			run_free(lc);
			lc->r = NULL;
		}
	}
	if (fx->rc != lc->rc)
		fxt_fail_(file, line, "forkexec returned %d (%s), libc %d (%s)",
		          fx->rc, errname(fx->rc), lc->rc, errname(lc->rc));
	for (int i = 0; i < 2 - alone; i++) {
		struct run *x = i ? lc : fx;

		if (x->fds_after != x->fds_before)
			fxt_fail_(file, line, "%s: %d descriptors before, %d after",
			          x->f->name, x->fds_before, x->fds_after);
		if (x->rc == 0 && (!WIFEXITED(x->status) ||
		                   WEXITSTATUS(x->status) != x->exit_code))
			fxt_fail_(file, line, "%s: the probe ended with status 0x%x",
			          x->f->name, x->status);
		if (x->rc == 0 && !x->child && !x->no_report)
			fxt_fail_(file, line, "%s: the probe wrote no report",
			          x->f->name);
	}
	if (fx->rc != 0 || alone)
		return;
	diff_reports(fx, lc, diff, sizeof diff);
	if (diff[0])
		fxt_fail_(file, line, "the probes' reports differ:%s", diff);
}

/* The same with forkexec alone, for what the libc cannot do. */
#define SOLO(proto, fx) solo_(__FILE__, __LINE__, (proto), (fx))
static inline void solo_(const char *file, int line, const struct run *proto,
                  struct run *fx)
{
	*fx = *proto;
	fx->f = &fam_fx;
	run_spawn(fx);
	if (fx->fds_after != fx->fds_before)
		fxt_fail_(file, line, "%d descriptors before, %d after",
		          fx->fds_before, fx->fds_after);
	if (fx->rc == 0 && (!WIFEXITED(fx->status) ||
	                    WEXITSTATUS(fx->status) != fx->exit_code))
		fxt_fail_(file, line, "the probe ended with status 0x%x", fx->status);
}

/* Both succeeded (with identical reports, checked by PAIR). */
#define PAIR_OK(proto, fx, lc)                                                \
	do {                                                                  \
		PAIR((proto), (fx), (lc));                                    \
		if ((fx)->rc != 0)                                            \
			FAIL("both failed: %s", strerror((fx)->rc));          \
	} while (0)

#define SOLO_OK(proto, fx)                                                    \
	do {                                                                  \
		SOLO((proto), (fx));                                          \
		if ((fx)->rc != 0)                                            \
			FAIL("fx spawn failed: %s; %s", strerror((fx)->rc),   \
			     fx_strerror(&(fx)->err, (char[512]){ 0 }, 512));  \
	} while (0)

/*
 * A failed spawn: `want` returned, *pid (or *pidfd) untouched, no child,
 * no new descriptor.  (Nothing for a run PAIR left out.)
 */
#define EXPECT_ERR(run, want) expect_err_(__FILE__, __LINE__, (run), (want))
static inline void expect_err_(const char *file, int line, const struct run *run,
                        int want)
{
	if (run->not_run)
		return;
	if (run->rc != want)
		fxt_fail_(file, line, "%s returned %d (%s), expected %d (%s)",
		          run->f->name, run->rc, errname(run->rc), want,
		          errname(want));
	if (run->pid != UNTOUCHED)
		fxt_fail_(file, line, "%s wrote *pid (%d) on failure",
		          run->f->name, (int)run->pid);
	if (run->pidfd != UNTOUCHED)
		fxt_fail_(file, line, "%s wrote *pidfd (%d) on failure",
		          run->f->name, run->pidfd);
	if (run->fds_after != run->fds_before)
		fxt_fail_(file, line, "%s: %d descriptors before, %d after",
		          run->f->name, run->fds_before, run->fds_after);
	fxt_assert_no_children_(file, line);
}

/* Both fail with `want`, leaving nothing behind. */
#define PAIR_ERR(proto, fx, lc, want)                                         \
	do {                                                                  \
		PAIR((proto), (fx), (lc));                                    \
		EXPECT_ERR((fx), (want));                                     \
		EXPECT_ERR((lc), (want));                                     \
	} while (0)

/*
 * forkexec's account of a failed file action: fx_posix_spawn_error
 * returns the errno, step FX_STEP_FILE_ACTION, index = the action's
 * position, and fx_strerror says `file action N (WHAT): STRERROR`; `what`
 * (e.g. `open "/x"`) is checked when not NULL, else only the form.
 */
#define CHECK_FA_ERR(run, index, code, what)                                  \
	check_fa_err_(__FILE__, __LINE__, (run), (index), (code), (what))
static inline void check_fa_err_(const char *file, int line, const struct run *run,
                          long index, int code, const char *what)
{
	char got[512], want[512], prefix[64];
	size_t plen;

	fx_strerror(&run->err, got, sizeof got);
	printf("fx_strerror: %s\n", got);
	if (run->err_rc != code)
		fxt_fail_(file, line, "fx_posix_spawn_error returned %d, expected %d",
		          run->err_rc, code);
	if (run->err.step != FX_STEP_FILE_ACTION || run->err.code != code ||
	    run->err.index != index)
		fxt_fail_(file, line, "error {step %d (%s), code %d, index %ld}, "
		          "expected {file action, %d, %ld}; message: %s",
		          run->err.step, fx_step_name(run->err.step), run->err.code,
		          run->err.index, code, index, got);
	if (what) {
		snprintf(want, sizeof want, "file action %ld (%s): %s", index, what,
		         strerror(code));
		if (strcmp(got, want) != 0)
			fxt_fail_(file, line, "fx_strerror: \"%s\", expected \"%s\"",
			          got, want);
		return;
	}
	plen = (size_t)snprintf(prefix, sizeof prefix, "file action %ld (", index);
	snprintf(want, sizeof want, "): %s", strerror(code));
	if (strncmp(got, prefix, plen) != 0 || strlen(got) < strlen(want) ||
	    strcmp(got + strlen(got) - strlen(want), want) != 0)
		fxt_fail_(file, line, "fx_strerror: \"%s\", expected \"%s...%s\"",
		          got, prefix, want);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* The probe's fd `fd`: must be open; returns its description. */
#define FD_OPEN(r, fd) fd_open_(__FILE__, __LINE__, (r), (fd))
static inline struct fxt_fdinfo fd_open_(const char *file, int line,
                                  const fxt_report *r, int fd)
{
	struct fxt_fdinfo info;

	if (!fxt_fd_info(r, fd, &info))
		fxt_fail_(file, line, "the child has no fd %d", fd);
	return info;
}

#define FD_CLOSED(r, fd)                                                      \
	do {                                                                  \
		struct fxt_fdinfo fdc_;                                       \
		if (fxt_fd_info((r), (fd), &fdc_))                            \
			FAIL("the child has fd %d open (%s)", (fd),           \
			     fdc_.target);                                    \
	} while (0)

/* Opens path with flags, then moves it to exactly `at` (if >= 0). */
static inline int open_at(const char *path, int flags, int at)
{
	int fd = open(path, flags, 0644);

	ASSERT_SYS(fd);
	if (at >= 0 && fd != at) {
		ASSERT_SYS(dup3(fd, at, flags & O_CLOEXEC));
		close(fd);
		fd = at;
	}
	return fd;
}

static inline int is_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	ASSERT_SYS(flags);
	return (flags & FD_CLOEXEC) != 0;
}

static inline void block_signal(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	ASSERT_SYS(sigprocmask(SIG_BLOCK, &set, NULL));
}

/* A copy of the probe at dir/name with `mode`; returns the path. */
static inline char *install_probe(const char *dir, const char *name, mode_t mode)
{
	char *path = fxt_join(dir, name);

	fxt_copy_file(fxt_probe_path(), path, mode);
	return path;
}

/* dir/name, made as a directory. */
static inline char *make_dir(const char *dir, const char *name)
{
	char *path = fxt_join(dir, name);

	ASSERT_SYS(mkdir(path, 0755));
	return path;
}

/*
 * Runs fn in a forked helper and fails the test unless it exits 0; for
 * what must not touch the test process (credentials, sessions).  The
 * helper's assertions fail the test as usual.
 */
static inline void in_helper(void (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	int st;

	ASSERT_SYS(pid);
	if (pid == 0) {
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the helper process ended with status 0x%x", st);
}

/* ------------------------------------------------------------------ */
/* Setups shared by several tests                                      */
/* ------------------------------------------------------------------ */

/* ctx->flags and ctx->pgroup, nothing else. */
static inline void setup_flags(struct run *run, posix_spawnattr_t *a,
                        posix_spawn_file_actions_t *fa)
{
	(void)fa;
	OK0(run->f->setflags(a, run->ctx->flags));
	OK0(run->f->setpgroup(a, run->ctx->pgroup));
}

#endif
