/* SPDX-License-Identifier: MIT */
/*
 * The harness every test includes: the runner's TEST() and assertions,
 * the library's header, and helpers to spawn build/fxprobe and read what
 * it reports about itself.
 *
 * A typical test:
 *
 *     TEST(spawn_cwd)
 *     {
 *         fx_attr *attr = fxt_attr();           // backend under test set
 *         char *dir = fxt_tmpdir();
 *         ASSERT_OK(fx_attr_set_cwd(attr, dir));
 *         fxt_report *r = fxt_probe_ok(attr, NULL);  // spawned, exit 0
 *         ASSERT_STR_EQ(fxt_get(r, "cwd"), dir);
 *         fxt_report_free(r);
 *         fx_attr_free(attr);
 *     }
 *
 * Helpers whose name says "assert" or "_ok" fail the test themselves, with
 * the caller's file and line.
 */
#ifndef FXT_H
#define FXT_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "forkexec.h"
#include "runner.h"

/* ------------------------------------------------------------------ */
/* Where things are                                                    */
/* ------------------------------------------------------------------ */

/* The directory of the running fxtest binary (build/), absolute. */
const char *fxt_build_dir(void);
/* build/fxprobe, absolute; fails the test if it was not built. */
const char *fxt_probe_path(void);
/* A whole file, read to its end; NULL if it cannot be opened (yet). */
static inline char *fxt_try_read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	if (!text)
		FAIL("out of memory");
	return text;
}

/* The same, failing the test if the file cannot be opened. */
static inline char *fxt_read_file(const char *path)
{
	char *text = fxt_try_read_file(path);

	if (!text)
		FAIL("open %s: %s", path, strerror(errno));
	return text;
}

/* The probe's argv, fxprobe --no-report [A1 [A2]], in a static array
 * (the next call overwrites it). */
static inline char **fxt_probe_argv(const char *a1, const char *a2)
{
	static char *argv[5];
	size_t n = 0;

	argv[n++] = (char *)fxt_probe_path();
	argv[n++] = (char *)"--no-report";
	if (a1)
		argv[n++] = (char *)a1;
	if (a2)
		argv[n++] = (char *)a2;
	argv[n] = NULL;
	return argv;
}
/* build/fxrun, absolute (not checked: use access() to skip without it). */
const char *fxt_fxrun_path(void);

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/*
 * A new empty directory (mode 0755) under the test's scratch directory;
 * the runner removes it when the test ends.  The string is malloc'd.
 */
char *fxt_tmpdir(void);
/* dir + "/" + name, malloc'd. */
char *fxt_join(const char *dir, const char *name);
/* Creates (or truncates) path with `text` and the given mode. */
#define fxt_write_file(path, text, mode)                                      \
	fxt_write_file_(__FILE__, __LINE__, (path), (text), (mode))
void fxt_write_file_(const char *file, int line, const char *path,
                     const char *text, mode_t mode);
/* Copies a regular file, e.g. the static probe into a chroot. */
#define fxt_copy_file(from, to, mode)                                         \
	fxt_copy_file_(__FILE__, __LINE__, (from), (to), (mode))
void fxt_copy_file_(const char *file, int line, const char *from,
                    const char *to, mode_t mode);

/* ------------------------------------------------------------------ */
/* Attributes and spawn results                                        */
/* ------------------------------------------------------------------ */

/* A new attribute set with the backend under test; the caller frees it. */
#define fxt_attr() fxt_attr_(__FILE__, __LINE__)
fx_attr *fxt_attr_(const char *file, int line);

/* Fails with fx_strerror's text unless rc >= 0 (err may be NULL). */
#define ASSERT_SPAWNED(rc, err)                                               \
	fxt_assert_spawned_(__FILE__, __LINE__, (rc), (err))
void fxt_assert_spawned_(const char *file, int line, int rc,
                         const fx_error *err);

/*
 * A failed spawn's report, whatever the failure: err->code a real errno,
 * rc its negative, err->subject a terminated string.  (The test files'
 * spawn_fail helpers call it after their own spawn.)
 */
void fxt_assert_spawn_error_(const char *file, int line, int rc, const fx_error *err);

/* The error must be exactly {step, code, index} and, unless text is
 * NULL, print (fx_strerror) as text. */
#define fxt_check_err(err, step, code, index, text)                           \
	fxt_check_err_(__FILE__, __LINE__, (err), (step), (code), (index), (text))
void fxt_check_err_(const char *file, int line, const fx_error *err, int step,
                    int code, long index, const char *text);
/* "PREFIX: <this libc's text for code>" (musl and glibc word some errors
 * differently), in a static buffer. */
const char *fxt_msg_of(const char *prefix, int code);

/* fx_proc_wait(proc, &status, -1) that must succeed; returns the status. */
#define fxt_wait_ok(proc) fxt_wait_ok_(__FILE__, __LINE__, (proc))
int fxt_wait_ok_(const char *file, int line, fx_proc *proc);

/* pipe2(O_CLOEXEC) that must succeed. */
#define fxt_pipe(fds) fxt_pipe_(__FILE__, __LINE__, (fds))
void fxt_pipe_(const char *file, int line, int fds[2]);

/* Bit of `sig` in the probe's 64-bit signal masks. */
#define FXT_SIGBIT(sig) (1ull << ((sig) - 1))

/* ------------------------------------------------------------------ */
/* The probe                                                           */
/* ------------------------------------------------------------------ */

/*
 * The child fd the probe reports on.  fxt_probe* maps it to a new pipe
 * in `attr` (which therefore keeps that mapping: reuse the attr only with
 * fxt_probe*, which replaces it each time).
 */
#define FXT_REPORT_FD 100

typedef struct fxt_report fxt_report;

/*
 * Spawns build/fxprobe with attr and `--report-fd=100` followed by
 * extra_args (NULL-terminated, or NULL), reads its whole report, waits for
 * it and stores its status (status may be NULL).  Returns fx_spawn's
 * result: on failure *out is NULL and err (may be NULL) says why.
 * attr must not be NULL.
 */
int fxt_probe(fx_attr *attr, const char *const *extra_args,
              fxt_report **out, int *status, fx_error *err);

/*
 * The same with another program file, e.g. "/fxprobe" inside a chroot or
 * "fxprobe" for a PATH search.  It is also argv[0].
 */
int fxt_probe_file(const char *file, fx_attr *attr,
                   const char *const *extra_args, fxt_report **out,
                   int *status, fx_error *err);

/*
 * Spawns and reads the report but does not wait: for a probe that waits
 * on stdin (--wait-stdin) or sleeps after reporting.  The probe closes its
 * report fd before it waits, so this returns as soon as the report is
 * complete.  file NULL means build/fxprobe.  The caller waits and frees
 * *proc.
 */
int fxt_probe_start(const char *file, fx_attr *attr,
                    const char *const *extra_args, fx_proc **proc,
                    fxt_report **out, fx_error *err);

/* fxt_probe that must spawn and exit 0; returns the report. */
#define fxt_probe_ok(attr, extra_args)                                        \
	fxt_probe_ok_(__FILE__, __LINE__, (attr), (extra_args))
fxt_report *fxt_probe_ok_(const char *file, int line, fx_attr *attr,
                          const char *const *extra_args);

/* Parses report text ("key=value" lines, escaped values). */
fxt_report *fxt_report_parse(const char *text, size_t len);
void fxt_report_free(fxt_report *r);

/* The unescaped value of key, or NULL if the report has no such key. */
const char *fxt_get(const fxt_report *r, const char *key);
/* A decimal value; fails the test if key is absent or not a number. */
#define fxt_get_ll(r, key) fxt_get_ll_(__FILE__, __LINE__, (r), (key))
long long fxt_get_ll_(const char *file, int line, const fxt_report *r,
                      const char *key);
/* A hexadecimal mask (sigmask, capeff...); fails like fxt_get_ll. */
#define fxt_get_hex(r, key) fxt_get_hex_(__FILE__, __LINE__, (r), (key))
unsigned long long fxt_get_hex_(const char *file, int line,
                                const fxt_report *r, const char *key);

/*
 * Iterates, in report order, over the keys starting with prefix:
 *
 *     size_t i = 0;
 *     const char *key, *value;
 *     while (fxt_next(r, "env.", &i, &key, &value)) ...
 */
int fxt_next(const fxt_report *r, const char *prefix, size_t *iter,
             const char **key, const char **value);
/* The number of keys starting with prefix. */
size_t fxt_count(const fxt_report *r, const char *prefix);
/* Writes the whole report, one "key=value" per line (for diagnostics). */
void fxt_report_print(const fxt_report *r, FILE *f);

/* What the probe says about one of its descriptors ("fd.N"). */
struct fxt_fdinfo {
	char target[4096];  /* readlink of /proc/self/fd/N, or "?" */
	int cloexec;
	int flags;          /* fcntl(F_GETFL) */
};
/* 1 and *info if the probe had fd open, 0 if it did not. */
int fxt_fd_info(const fxt_report *r, int fd, struct fxt_fdinfo *info);

/* ------------------------------------------------------------------ */
/* Loops of many rounds: a count or a time budget                      */
/* ------------------------------------------------------------------ */

/*
 * A loop of many spawns (or cases) runs `count` rounds or for `seconds`,
 * whichever ends first, so that a slow machine (a busy CI host, valgrind,
 * qemu) makes the test do less instead of timing out; but never fewer
 * than `min` rounds (or `count`, if smaller), the number that proves
 * anything: past the budget the loop goes on until it has done them,
 * counted, however slow the machine (the test's timeout is the backstop).
 * The test then asserts on what it did, never on a rate:
 *
 *     struct fxt_loop loop = fxt_loop_at_least(1000, 10, 50);
 *     long i;                                // 1000 rounds or 10 s, >= 50
 *     while ((i = fxt_loop_next(&loop)) >= 0)
 *         run_case(i);                              // i = 0, 1, 2, ...
 *     fxt_loop_end(&loop, "cases");      // prints the count
 *
 * fxt_loop(count, seconds) is fxt_loop_at_least(count, seconds, 1): the
 * first round always runs.  The test's timeout should be at least three
 * times the budget: setup, the round under way when the budget ends, and
 * a machine slower than the one the budget was chosen on.  Threads may
 * share a loop: each call hands out a distinct round number.
 */
struct fxt_loop {
	long count;             /* at most this many rounds */
	double seconds;         /* the time budget */
	double start;           /* CLOCK_MONOTONIC at fxt_loop() */
	double elapsed;         /* set when the loop ends */
	long min;               /* at least this many, budget or not */
	long done;              /* rounds handed out (all finished at the end) */
	int out_of_time;        /* the budget, not the count, ended it */
};

struct fxt_loop fxt_loop(long count, double seconds);
struct fxt_loop fxt_loop_at_least(long count, double seconds, long min);
/* The next round's number, or -1 once the count, or the budget after
 * min rounds, is reached. */
long fxt_loop_next(struct fxt_loop *loop);
/*
 * Prints "N what in S s (all of them | the B s budget ran out)" on
 * stdout (shown by fxtest -v), and fails unless at least the loop's min
 * rounds were done (fewer only if the test left the loop early).
 */
#define fxt_loop_end(loop, what)                                              \
	fxt_loop_end_(__FILE__, __LINE__, (loop), (what))
void fxt_loop_end_(const char *file, int line, struct fxt_loop *loop, const char *what);
/* Seconds on the monotonic clock. */
double fxt_now(void);
/* write(2) until all of p is out (or an error other than EINTR): no
 * stdio, whose locks other threads of a test may hold. */
void fxt_write_all(int fd, const char *p, size_t n);

/* sig's disposition: SIG_IGN, or a handler that does nothing. */
void fxt_ignore_signal(int sig);
void fxt_catch_signal(int sig);

/* ------------------------------------------------------------------ */
/* Leak checks: take a baseline before, compare after                  */
/* ------------------------------------------------------------------ */

/*
 * The number of open descriptors of this process (/proc/self/fd) below
 * its soft RLIMIT_NOFILE: the test's own, not those valgrind keeps above
 * the limit it reports.
 */
int fxt_fd_count(void);
/* Fails, listing those descriptors, if their number is not `expected`. */
#define fxt_assert_fd_count(expected)                                         \
	fxt_assert_fd_count_(__FILE__, __LINE__, (expected))
void fxt_assert_fd_count_(const char *file, int line, int expected);
/*
 * Fails if this process has any child, running or zombie: waitid() must
 * give ECHILD (nothing is reaped) and no process in /proc may name us as
 * its parent.
 */
#define fxt_assert_no_children()                                              \
	fxt_assert_no_children_(__FILE__, __LINE__)
void fxt_assert_no_children_(const char *file, int line);

/*
 * Whether the handles of the backend under test can learn a reaped
 * child's exit status from their pidfd: the kernel keeps it
 * (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15) and the handle has a
 * pidfd (valgrind, for one, refuses pidfd_open).  Asked of the kernel
 * itself, once per process, through the pidfd of a child spawned with
 * fxt_attr() and reaped behind the handle's back.  Says nothing of
 * FORKEXEC_EXIT_INFO: 0 on Darwin.
 */
int fxt_kernel_keeps_exit_status(void);

/*
 * Darwin: the suite builds there for `make check` on a Mac (cross-built
 * and never run here, see the README).  A test that needs a Linux fact
 * begins with FXT_LINUX_ONLY(why), a skip with its reason on Darwin.
 */
#if defined(__APPLE__)
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#define FXT_LINUX_ONLY(why) SKIP("Linux only: %s", (why))
#define __WALL 0
/* No real-time signals on Darwin: the mask tests use ordinary ones. */
#define FXT_SIG_EXTRA SIGWINCH
#define FXT_SIG_HIGHEST SIGUSR2
/* dup3 is Linux's (and the BSDs'); Darwin has dup2 and fcntl. */
static inline int dup3(int oldfd, int newfd, int flags)
{
	int fd;

	if (oldfd == newfd) {
		errno = EINVAL;
		return -1;
	}
	fd = dup2(oldfd, newfd);
	if (fd >= 0 && (flags & O_CLOEXEC))
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}
#else
#define FXT_LINUX_ONLY(why) ((void)0)
#define FXT_SIG_EXTRA (SIGRTMIN + 1)
#define FXT_SIG_HIGHEST SIGRTMAX
#endif

/* ------------------------------------------------------------------ */
/* The host, observed at run time                                      */
/* ------------------------------------------------------------------ */

/*
 * A test decides what to expect from what it observes here, never from
 * the gate it runs in or the architecture it was built for.
 *
 * fxt_emulator(): "qemu-user" or "valgrind" when this process runs
 * under one (the host's program behind /proc/self/exe), NULL natively.
 * fxt_vfork_shares_memory(): 1 when a vfork() child's store reaches this
 * process (natively), 0 when the emulator made it a fork, -1 unknown.
 */
const char *fxt_emulator(void);
int fxt_vfork_shares_memory(void);

#endif /* FXT_H */
