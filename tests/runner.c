/* SPDX-License-Identifier: MIT */
/*
 * The test runner's main(): runs every registered test in a child process
 * of its own, with a timeout, once per variant, and prints TAP.
 *
 *     build/fxtest [-l] [-v] [-b clone|clone-pipe|fork] [NAME_SUBSTRING...]
 *
 * The variants: [clone], the clone backend with the child's report in
 * shared memory (where this machine proves memory is shared; a pipe
 * otherwise); [clone-pipe], the clone backend with the report forced
 * onto the error pipe (FORKEXEC_REPORT=pipe in the test's environment,
 * which reaches the programs it runs too, fxrun among them); [fork], the
 * portable backend, whose channel is always the pipe.
 *
 * The runner forks with plain fork(): it is not the library under test,
 * and a test process must be a full copy to run test code.
 */
#include "runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__APPLE__)
#include <libproc.h>
#include <sys/event.h>
#include <sys/proc_info.h>
#define __WALL 0
#else
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#if !defined(__APPLE__)
#include <sys/syscall.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkexec.h"
#include "backend/backend.h" /* fx__clone_reports_in_memory, fx__clone_handshakes_in_memory */

#define DEFAULT_TIMEOUT_S 60

/*
 * What a test process tells the runner beyond its exit status.  It lives
 * in a shared anonymous mapping so that a failure is recorded even when
 * the assertion fires in a thread or in a forked grandchild.
 */
enum { RESULT_NONE, RESULT_FAIL, RESULT_SKIP };
struct result {
	int state;
	char message[4096];
};

static struct fxt_test *registered;
static struct result *result;

struct variant {
	const char *name;
	int backend;
	int pipe_forced;
};

static const struct variant variants[] = {
	{ "clone", FX_BACKEND_CLONE, 0 },
	{ "clone-pipe", FX_BACKEND_CLONE, 1 },
	{ "fork", FX_BACKEND_FORK, 0 },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

/* State of the test process, set before the test function runs. */
static const struct fxt_test *current;
static const struct variant *current_variant = &variants[0];
static char scratch[64];

void fxt_register_(struct fxt_test *t)
{
	t->next = registered;
	registered = t;
}

int fxt_backend(void)
{
	return current_variant->backend;
}

const char *fxt_backend_name(void)
{
	return current_variant->backend == FX_BACKEND_FORK ? "fork" : "clone";
}

const char *fxt_variant_name(void)
{
	return current_variant->name;
}

int fxt_pipe_forced(void)
{
	return current_variant->pipe_forced;
}

int fxt_report_in_memory(void)
{
	return current_variant->backend == FX_BACKEND_CLONE && fx__clone_reports_in_memory();
}

int fxt_clone_shares_memory(void)
{
	return current_variant->backend == FX_BACKEND_CLONE && fx__clone_handshakes_in_memory();
}

const char *fxt_test_name(void)
{
	return current ? current->name : "?";
}

const char *fxt_scratch_dir(void)
{
	return scratch;
}

/* ------------------------------------------------------------------ */
/* Assertions (they run in the test process)                           */
/* ------------------------------------------------------------------ */

static void record(int state, const char *file, int line, const char *fmt,
                   va_list ap)
{
	char msg[sizeof result->message];
	/* A skip reason is read as a sentence; a failure needs its place. */
	int n = state == RESULT_SKIP ? 0 :
	        snprintf(msg, sizeof msg, "%s:%d: ", file, line);

	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	/* The first failure is the one worth reading; a skip never hides it. */
	if (result && result->state == RESULT_NONE) {
		memcpy(result->message, msg, sizeof msg);
		result->state = state;
	} else if (!result) {
		fprintf(stderr, "%s\n", msg);
	}
	fflush(stdout);
	fflush(stderr);
}

void fxt_fail_(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_FAIL, file, line, fmt, ap);
	va_end(ap);
	/* _exit: atexit handlers of a half-failed test are not to be trusted. */
	_exit(1);
}

void fxt_skip_(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(RESULT_SKIP, file, line, fmt, ap);
	va_end(ap);
	_exit(0);
}

void fxt_assert_str_eq_(const char *file, int line, const char *ea,
                        const char *eb, const char *a, const char *b)
{
	if (a == b || (a && b && strcmp(a, b) == 0))
		return;
	fxt_fail_(file, line, "%s == %s: %s%s%s vs %s%s%s", ea, eb,
	          a ? "\"" : "", a ? a : "NULL", a ? "\"" : "",
	          b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
}

void fxt_assert_err_(const char *file, int line, const char *expr, int got,
                     int want)
{
	if (got == want)
		return;
	fxt_fail_(file, line, "%s: got %d (%s), want %d (%s)", expr, got,
	          got < 0 ? strerror(-got) : "not an error", want,
	          want < 0 ? strerror(-want) : "not an error");
}

/* ------------------------------------------------------------------ */
/* Running one test                                                    */
/* ------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#if defined(__APPLE__)
/* No /proc: the kernel's record of the process, through libproc. */
int fxt_proc_stat(const char *pid, long *ppid, long *pgrp, long *session)
{
	struct proc_bsdinfo bi;
	int p = atoi(pid);

	if (proc_pidinfo(p, PROC_PIDTBSDINFO, 0, &bi, sizeof bi) != (int)sizeof bi)
		return -1;
	*ppid = (long)bi.pbi_ppid;
	*pgrp = (long)bi.pbi_pgid;
	*session = (long)getsid(p);
	return 0;
}

size_t fxt_list_children(pid_t *pids, size_t max)
{
	int got = proc_listpids(PROC_PPID_ONLY, (uint32_t)getpid(), pids, (int)(max * sizeof *pids));

	return got > 0 ? (size_t)got / sizeof *pids : 0;
}
#else
int fxt_proc_stat(const char *pid, long *ppid, long *pgrp, long *session)
{
	char path[300], buf[512], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	/* comm may hold spaces and parentheses: parse after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %ld %ld %ld", ppid, pgrp, session) != 3)
		return -1;
	return 0;
}

size_t fxt_list_children(pid_t *pids, size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		long ppid, pgrp, session;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (fxt_proc_stat(e->d_name, &ppid, &pgrp, &session) == 0 && ppid == getpid())
			pids[n++] = (pid_t)atol(e->d_name);
	}
	closedir(d);
	return n;
}
#endif

#if !defined(__APPLE__)
/* The first line of a /proc file, without its newline, or "?". */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}
#endif

/*
 * Before a timed-out test is killed: where each thread of each process in
 * its process group sleeps (state, wchan, the system call and its
 * arguments), so that a hang seen once in CI says where it was.
 */
#if defined(__APPLE__)
static void describe_hang(pid_t pgid)
{
	printf("# hung: process group %d (no /proc on Darwin to say where)\n", (int)pgid);
}
#else
static void describe_hang(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		long ppid, pgrp, session;
		char path[600], comm[64];
		DIR *tasks;
		struct dirent *t;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    fxt_proc_stat(e->d_name, &ppid, &pgrp, &session) != 0 || pgrp != pgid)
			continue;
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		read_line(path, comm, sizeof comm);
		snprintf(path, sizeof path, "/proc/%s/task", e->d_name);
		tasks = opendir(path);
		while (tasks && (t = readdir(tasks))) {
			char status[64] = "?", wchan[64], sys[128], line[128];
			FILE *f;

			if (t->d_name[0] < '0' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof path, "/proc/%s/task/%s/status", e->d_name, t->d_name);
			f = fopen(path, "re");
			while (f && fgets(line, sizeof line, f))
				if (sscanf(line, "State: %63[^\n]", status) == 1)
					break;
			if (f)
				fclose(f);
			snprintf(path, sizeof path, "/proc/%s/task/%s/wchan", e->d_name, t->d_name);
			read_line(path, wchan, sizeof wchan);
			snprintf(path, sizeof path, "/proc/%s/task/%s/syscall", e->d_name, t->d_name);
			read_line(path, sys, sizeof sys);
			printf("# hung: pid %s (%s, parent %ld) thread %s: %s, wchan %s, syscall %s\n",
			       e->d_name, comm, ppid, t->d_name, status, wchan, sys);
		}
		if (tasks)
			closedir(tasks);
	}
	closedir(d);
}
#endif

/* The processes kill_hung() named, so that reap_strays() does not name
 * them again when it reaps them. */
static pid_t killed[1024];
static size_t killed_count;

static int was_killed(pid_t pid)
{
	for (size_t i = 0; i < killed_count; i++)
		if (killed[i] == pid)
			return 1;
	return 0;
}

#if defined(__APPLE__)
static void kill_hung(pid_t pid)
{
	if (kill(-pid, SIGKILL) == 0)
		printf("# killed process group %d\n", (int)pid);
	(void)killed;
	kill(pid, SIGKILL);
}
#else
/*
 * A timed-out test leaves nothing behind.  Its processes are found in
 * /proc: those of its process group, and every descendant of the test
 * process by the parent links, which also reach one that left the group
 * (setsid) or lives in pid namespaces of its own (our /proc shows the
 * namespace's init under our pid; killing it ends the namespace).  Each
 * one found is stopped at once, so that it cannot fork while we look,
 * and the walk repeats until it finds no new one; then all are killed
 * and each is named.  What escaped even so (a descendant whose parent
 * died before the walk) was reparented to the runner, a subreaper, and
 * reap_strays() kills it.
 */
#define HUNG_MAX 1024

static void kill_hung(pid_t pid)
{
	static pid_t found[HUNG_MAX];
	static char comms[HUNG_MAX][64], where[HUNG_MAX][128];
	size_t nfound = 0;
	int grew = 1;

	found[nfound++] = pid;
	kill(pid, SIGSTOP);
	for (int round = 0; grew && round < 50; round++) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		grew = 0;
		while (d && (e = readdir(d)) && nfound < HUNG_MAX) {
			long ppid, pgrp, session;
			pid_t p;
			int in = 0, parent_in = 0;

			if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
			    fxt_proc_stat(e->d_name, &ppid, &pgrp, &session) != 0)
				continue;
			p = (pid_t)atol(e->d_name);
			for (size_t i = 0; i < nfound; i++) {
				in |= found[i] == p;
				parent_in |= found[i] == (pid_t)ppid;
			}
			if (in || !(parent_in || pgrp == (long)pid))
				continue;
			kill(p, SIGSTOP);
			found[nfound++] = p;
			grew = 1;
		}
		if (d)
			closedir(d);
	}
	/* Named while all are stopped and none is dead, so that the parent
	 * links printed are the test's own, not the runner's after adoption. */
	for (size_t i = 0; i < nfound; i++) {
		char path[64];
		long ppid = 0, pgrp = 0, session = 0;

		snprintf(path, sizeof path, "/proc/%d/comm", (int)found[i]);
		read_line(path, comms[i], sizeof comms[i]);
		snprintf(path, sizeof path, "%d", (int)found[i]);
		fxt_proc_stat(path, &ppid, &pgrp, &session);
		snprintf(where[i], sizeof where[i], "parent %ld, process group %ld, session %ld%s",
		         ppid, pgrp, session,
		         i == 0 ? ": the test process" :
		         pgrp == (long)pid ? ": in the test's process group" :
		                             ": a descendant outside the test's process group");
	}
	for (size_t i = 0; i < nfound; i++) {
		if (killed_count < sizeof killed / sizeof killed[0])
			killed[killed_count++] = found[i];
		if (kill(found[i], SIGKILL) == 0)
			printf("# killed pid %d (%s, %s)\n", (int)found[i], comms[i], where[i]);
	}
	kill(-pid, SIGKILL);
}
#endif

/*
 * Kills and reaps whatever the finished test left behind.  The runner is a
 * child subreaper, so orphans of the test process are reparented to it,
 * however deep they were and whatever session they moved to.
 */
static int reap_strays(void)
{
	pid_t named[256];
	size_t nnamed = 0;
	int n = 0;

	for (;;) {
		pid_t pid, children[256];
		size_t count = fxt_list_children(children, 256);
		int st;

		for (size_t i = 0; i < count; i++) {
			size_t k = 0;

			if (kill(children[i], SIGKILL) != 0)
				continue;
			while (k < nnamed && named[k] != children[i])
				k++;
			if (k < nnamed || was_killed(children[i]) || nnamed == 256)
				continue;
			named[nnamed++] = children[i];
#if !defined(__APPLE__)
			{
				char path[64], comm[64];

				snprintf(path, sizeof path, "/proc/%d/comm", (int)children[i]);
				read_line(path, comm, sizeof comm);
				printf("# killed pid %d (%s), left behind and adopted by the runner\n",
				       (int)children[i], comm);
			}
#endif
		}
		pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		n++;
	}
	killed_count = 0;
	return n;
}

static void close_from(int lowfd)
{
#if !defined(__APPLE__)
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0u) == 0)
		return;
#endif
	for (int fd = lowfd; fd < 65536; fd++)
		close(fd);
}

/* In the test process: a clean, predictable start, then the test. */
static void run_in_child(const struct fxt_test *t, const struct variant *v, int out)
{
	sigset_t none;
	int null;

	setpgid(0, 0);
	/* Output first: with no stdin given to the runner, `out` may be 0. */
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(3);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0)
		_exit(3);
	close_from(3);

	/*
	 * Dispositions inherited from whoever started the runner (a shell or
	 * CI ignoring SIGPIPE or SIGINT) would leak into what tests observe.
	 * A raw rt_sigaction, because glibc's posix_spawn (which make uses)
	 * leaves its internal signals 32 and 33 ignored in the child, and
	 * glibc's sigaction refuses to touch those.  An all-zero kernel
	 * struct sigaction is SIG_DFL with no flags on every architecture.
	 */
#if defined(__APPLE__)
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
#else
	for (int sig = 1; sig <= 64; sig++) {
		unsigned long dfl[4] = { 0 };

		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, dfl, NULL, 8);
	}
#endif
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Read by the library at its first spawn (src/backend/spawn_linux.c). */
	if (v->pipe_forced)
		setenv("FORKEXEC_REPORT", "pipe", 1);
	else
		unsetenv("FORKEXEC_REPORT");

	setvbuf(stdout, NULL, _IOLBF, 0);
	current = t;
	current_variant = v;
	t->fn();
	fflush(NULL);
	_exit(0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for pid up to timeout_s; returns 0 and its status, or -1 on timeout. */
static int wait_timeout(pid_t pid, int timeout_s, int *status)
{
	double deadline = now_s() + timeout_s;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		double left;
		struct timespec ts;
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		left = deadline - now_s();
		if (left <= 0)
			return -1;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
#if defined(__APPLE__)
		/* No sigtimedwait: a kqueue tells when pid exits. */
		{
			int kq = kqueue();
			struct kevent ev;
			EV_SET(&ev, (uintptr_t)pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
			if (kq >= 0) {
				(void)kevent(kq, &ev, 1, &ev, 1, &ts);
				close(kq);
			} else {
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
			}
			(void)chld;
		}
#else
		/* SIGCHLD is blocked in the runner: this only waits for it. */
		sigtimedwait(&chld, NULL, &ts);
#endif
	}
}

/* Prints the last part of the test's captured output as TAP comments. */
static void print_output(int fd)
{
	static char buf[65536];
	off_t size = lseek(fd, 0, SEEK_END);
	off_t start = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
	ssize_t len;
	char *line, *nl;

	if (size <= 0)
		return;
	len = pread(fd, buf, sizeof buf - 1, start);
	if (len <= 0)
		return;
	buf[len] = 0;
	if (start > 0)
		printf("# [... output cut ...]\n");
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			printf("# %s\n", line);
			break;
		}
		printf("# %.*s\n", (int)(nl - line), line);
	}
}

struct tally {
	int number, passed, failed, skipped;
	int verbose;
};

static void run_one(const struct fxt_test *t, const struct variant *v, struct tally *tally)
{
	int timeout_s = t->timeout_s > 0 ? t->timeout_s : DEFAULT_TIMEOUT_S;
	char tag[32] = "";
	int status = 0, timed_out, strays, failed;
	FILE *out = tmpfile();
	pid_t pid;

	if (!t->once)
		snprintf(tag, sizeof tag, " [%s]", v->name);
	memset(result, 0, sizeof *result);
	snprintf(scratch, sizeof scratch, "/tmp/fxtest.XXXXXX");
	if (!out || !mkdtemp(scratch)) {
		perror("fxtest: cannot set up a test");
		exit(2);
	}
	/* Tests drop privileges to nobody: let them reach their files. */
	chmod(scratch, 0755);

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fxtest: fork");
		exit(2);
	}
	if (pid == 0)
		run_in_child(t, v, fileno(out));
	setpgid(pid, pid);

	timed_out = wait_timeout(pid, timeout_s, &status) < 0;
	if (timed_out) {
		printf("# %s%s timed out after %d s; its processes:\n", t->name, tag, timeout_s);
		describe_hang(pid);
		kill_hung(pid);
		waitpid(pid, &status, 0);
	}
	strays = reap_strays();
	remove_tree(scratch);

	failed = timed_out || result->state == RESULT_FAIL ||
	         !WIFEXITED(status) || WEXITSTATUS(status) != 0 || strays;
	tally->number++;
	if (failed) {
		tally->failed++;
		printf("not ok %d - %s%s\n", tally->number, t->name, tag);
		if (result->state == RESULT_FAIL)
			printf("# %s\n", result->message);
		if (timed_out)
			printf("# timed out after %d s\n", timeout_s);
		else if (WIFSIGNALED(status))
			printf("# killed by signal %d (%s)\n", WTERMSIG(status),
			       strsignal(WTERMSIG(status)));
		else if (result->state != RESULT_FAIL && WEXITSTATUS(status))
			printf("# exited with status %d\n", WEXITSTATUS(status));
		if (strays && result->state != RESULT_FAIL && !timed_out)
			printf("# left %d process(es) behind\n", strays);
		print_output(fileno(out));
	} else if (result->state == RESULT_SKIP) {
		tally->skipped++;
		printf("ok %d - %s%s # SKIP %s\n", tally->number, t->name, tag,
		       result->message);
	} else {
		tally->passed++;
		printf("ok %d - %s%s\n", tally->number, t->name, tag);
		if (tally->verbose)
			print_output(fileno(out));
	}
	fclose(out);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
	const struct fxt_test *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/*
 * Tests named runner_selftest_* exist for the runner's own tests
 * (tests/test_runner.c): they misbehave on purpose, so they are neither
 * listed nor run unless FXT_RUNNER_SELFTEST is set.
 */
static int core_only; /* -c */

static int selected(const struct fxt_test *t, char **filters, int n)
{
	if (!strncmp(t->name, "runner_selftest_", 16) && !getenv("FXT_RUNNER_SELFTEST"))
		return 0;
	if (core_only && !t->core)
		return 0;
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (strstr(t->name, filters[i]))
			return 1;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: fxtest [-l] [-c] [-v] [-b clone|clone-pipe|fork] [NAME_SUBSTRING...]\n"
	        "  -l  list the selected tests and exit\n"
	        "  -c  only the core tests (TEST_CORE in tests/runner.h)\n"
	        "  -v  print the output of passing tests too\n"
	        "  -b  run only this variant (repeatable): clone (the report in\n"
	        "      shared memory), clone-pipe (the report over a pipe), fork\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct tally tally = { 0 };
	struct fxt_test **tests;
	size_t count = 0, i;
	int list = 0, total = 0, opt;
	unsigned chosen = 0; /* bit per variant; none: all of them */
	size_t nchosen;
	sigset_t chld;

	while ((opt = getopt(argc, argv, "lcvb:h")) != -1) {
		switch (opt) {
		case 'l': list = 1; break;
		case 'c': core_only = 1; break;
		case 'v': tally.verbose = 1; break;
		case 'b': {
			size_t k = 0;
			while (k < NVARIANTS && strcmp(optarg, variants[k].name) != 0)
				k++;
			if (k == NVARIANTS)
				usage();
			chosen |= 1u << k;
			break;
		}
		default: usage();
		}
	}

	for (struct fxt_test *t = registered; t; t = t->next)
		count++;
	tests = calloc(count ? count : 1, sizeof *tests);
	if (!tests)
		return 2;
	i = 0;
	for (struct fxt_test *t = registered; t; t = t->next)
		tests[i++] = t;
	qsort(tests, count, sizeof *tests, by_name);
	for (i = 1; i < count; i++) {
		if (strcmp(tests[i]->name, tests[i - 1]->name) == 0) {
			fprintf(stderr, "fxtest: test %s defined in %s and %s\n",
			        tests[i]->name, tests[i - 1]->file, tests[i]->file);
			return 2;
		}
	}

	if (!chosen)
#if defined(__APPLE__)
		chosen = 1u << 2; /* Darwin has the fork backend alone */
#else
		chosen = (1u << NVARIANTS) - 1;
#endif
	nchosen = (size_t)__builtin_popcount(chosen);
	for (i = 0; i < count; i++) {
		if (!selected(tests[i], argv + optind, argc - optind))
			continue;
		if (list)
			printf("%s\n", tests[i]->name);
		total += tests[i]->once ? 1 : (int)nchosen;
	}
	if (list) {
		free(tests);
		return 0;
	}

	result = mmap(NULL, sizeof *result, PROT_READ | PROT_WRITE,
	              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (result == MAP_FAILED) {
		perror("fxtest: mmap");
		return 2;
	}
#if !defined(__APPLE__)
	/* Darwin has no subreaper: orphans there go to launchd. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	/* Inherited SIG_IGN would make the kernel reap tests before we can. */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("1..%d\n", total);
	for (i = 0; i < count; i++) {
		const struct fxt_test *t = tests[i];

		if (!selected(t, argv + optind, argc - optind))
			continue;
		for (size_t k = 0; k < NVARIANTS; k++) {
			if (!(chosen & (1u << k)))
				continue;
			run_one(t, &variants[k], &tally);
			if (t->once)
				break;
		}
	}

	printf("%d passed, %d failed", tally.passed, tally.failed);
	if (tally.skipped)
		printf(", %d skipped", tally.skipped);
	printf("\n");
	free(tests);
	return tally.failed ? 1 : 0;
}
