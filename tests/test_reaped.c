/* SPDX-License-Identifier: MIT */
/*
 * Children someone else reaps: the application's own SIGCHLD handler
 * calling waitpid(-1, WNOHANG), or SIGCHLD ignored (the kernel reaps).
 * Every waiting call must then give the real status, which the pidfd
 * keeps (Linux 6.15), or say it is unknown: never a made-up exit 0.
 * Each case runs twice in its test: as the kernel is, and with
 * FORKEXEC_EXIT_INFO=off, the library's switch that makes it behave as
 * on a kernel without the pidfd's exit status.  Exit codes differ from
 * case to case, so that no status can pass for another.
 *
 * And the library's own helper child (the probe that proves CLONE_VM
 * shares memory, on the first spawn of a process) must be invisible to
 * such a handler: no SIGCHLD, no pid to reap.
 */
#include "fxt.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h> /* ElfW */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h" /* fx__vm_probe_done */
#include "forkexec-io.h"
#include "forkexec-posix.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* The application's reaper                                            */
/* ------------------------------------------------------------------ */

#define MAX_REAPED 64

static volatile sig_atomic_t nreaped;
static pid_t reaped_pid[MAX_REAPED];
static int reaped_status[MAX_REAPED];

/* What servers and old code do: reap whatever ended. */
static void reap_all(int sig)
{
	int saved = errno, st;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (nreaped < MAX_REAPED) {
			reaped_pid[nreaped] = pid;
			reaped_status[nreaped] = st;
		}
		nreaped++;
	}
	errno = saved;
}

static void install_reaper(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = reap_all;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	ASSERT_SYS(sigaction(SIGCHLD, &sa, NULL));
}

/* Sleeps in sigsuspend until the handler has reaped n children. */
static void await_reaped(int n)
{
	sigset_t chld, old;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	ASSERT_SYS(sigprocmask(SIG_BLOCK, &chld, &old));
	while (nreaped < n) {
		sigset_t wait = old;
		sigdelset(&wait, SIGCHLD);
		sigsuspend(&wait);
	}
	ASSERT_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
}

/* The status the handler took for pid; fails if it took none. */
static int reaped_status_of(pid_t pid)
{
	for (int i = 0; i < nreaped && i < MAX_REAPED; i++)
		if (reaped_pid[i] == pid)
			return reaped_status[i];
	FAIL("the handler did not reap pid %d", (int)pid);
}

/* ------------------------------------------------------------------ */
/* The two modes                                                       */
/* ------------------------------------------------------------------ */

/* Mode 0: the kernel as it is; mode 1: FORKEXEC_EXIT_INFO=off. */
static int set_mode(int mode)
{
	if (mode)
		ASSERT_SYS(setenv("FORKEXEC_EXIT_INFO", "off", 1));
	else
		ASSERT_SYS(unsetenv("FORKEXEC_EXIT_INFO"));
	/* Whether the real status must come back. */
	return !mode && fxt_kernel_keeps_exit_status();
}

static const char *mode_name(int mode)
{
	return mode ? "FORKEXEC_EXIT_INFO=off" : "the kernel as it is";
}

static fx_proc *spawn_exiting(int code)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	char arg[32];

	snprintf(arg, sizeof arg, "--exit=%d", code);
	char **argv = fxt_probe_argv(arg, NULL);
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	fx_attr_free(attr);
	return proc;
}

/*
 * A child that exits with `code` once *in_w is closed: with SIGCHLD
 * ignored, a child that could end before the spawn returned might be
 * gone before the fork backend opened its pidfd (pidfd_open after the
 * fork), which these tests are not about.
 */
static fx_proc *spawn_waiting(int code, int *in_w)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	char arg[32];
	int in[2];

	snprintf(arg, sizeof arg, "--exit=%d", code);
	char **argv = fxt_probe_argv("--wait-stdin", arg);
	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(attr, 0, in[0]));
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	close(in[0]);
	fx_attr_free(attr);
	*in_w = in[1];
	return proc;
}

/* The exit code a waiting call gave: its status must say exited. */
static int code_of(int status)
{
	ASSERT(fx_status_exited(status));
	return fx_status_code(status);
}

/* ------------------------------------------------------------------ */
/* fx_proc_wait                                                             */
/* ------------------------------------------------------------------ */

/* The handler reaps the child before fx_proc_wait is called, with each of
 * fx_proc_wait's three ways of waiting. */
TEST(reaped_wait_by_handler)
{
	static const int timeouts[] = { -1, 0, 5000 };

	install_reaper();
	for (int mode = 0; mode < 2; mode++) {
		for (size_t t = 0; t < 3; t++) {
			int code = 200 + (int)t + 3 * mode, st = 12345;
			int keeps = set_mode(mode);
			fx_proc *proc = spawn_exiting(code);

			printf("%s, timeout %d\n", mode_name(mode), timeouts[t]);
			await_reaped((int)(3 * mode + t + 1));
			ASSERT_EQ(code_of(reaped_status_of(fx_proc_pid(proc))), code);
			if (keeps) {
				ASSERT_OK(fx_proc_wait(proc, &st, timeouts[t]));
				ASSERT_EQ(code_of(st), code);
				/* The same again, as after any wait. */
				st = 12345;
				ASSERT_OK(fx_proc_wait(proc, &st, 0));
				ASSERT_EQ(code_of(st), code);
			} else {
				ASSERT_ERR(fx_proc_wait(proc, &st, timeouts[t]), -ECHILD);
				ASSERT_EQ(st, 12345);
				ASSERT_ERR(fx_proc_wait(proc, &st, -1), -ECHILD);
			}
			ASSERT_ERR(fx_proc_kill(proc, SIGTERM), -ESRCH);
			fx_proc_free(proc);
		}
	}
	fxt_assert_no_children();
}

/*
 * SIGCHLD ignored: the kernel reaps the child as it exits, while fx_proc_wait
 * sleeps in waitid (timeout -1) or in poll on the pidfd (timeout > 0),
 * and its release races with our question: the status must still be
 * exact.
 */
TEST(reaped_wait_sigchld_ignored)
{
	static const int timeouts[] = { -1, 10000 };

	signal(SIGCHLD, SIG_IGN);
	for (int mode = 0; mode < 2; mode++) {
		for (size_t t = 0; t < 2; t++) {
			int code = 210 + (int)t + 2 * mode, st = 12345, in;
			int keeps = set_mode(mode);
			fx_proc *proc = spawn_waiting(code, &in);

			printf("%s, timeout %d\n", mode_name(mode), timeouts[t]);
			close(in);
			if (keeps) {
				ASSERT_OK(fx_proc_wait(proc, &st, timeouts[t]));
				ASSERT_EQ(code_of(st), code);
			} else {
				ASSERT_ERR(fx_proc_wait(proc, &st, timeouts[t]), -ECHILD);
				ASSERT_EQ(st, 12345);
			}
			fx_proc_free(proc);
		}
	}
	signal(SIGCHLD, SIG_DFL);
}

/* ------------------------------------------------------------------ */
/* fx_run                                                              */
/* ------------------------------------------------------------------ */

static void check_result(const fx_result *res, int keeps, int code)
{
	if (keeps) {
		ASSERT_EQ(res->end, FX_END_EXITED);
		ASSERT_EQ(code_of(res->status), code);
	} else {
		ASSERT_EQ(res->end, FX_END_UNKNOWN);
		ASSERT_EQ(res->status, -1);
		ASSERT(!fx_status_exited(res->status));
		ASSERT_EQ(fx_status_signal(res->status), 0);
	}
}

/* SIGCHLD ignored: the kernel always reaps the child before fx_run can. */
TEST(reaped_run_sigchld_ignored)
{
	fx_run_opts *o;

	signal(SIGCHLD, SIG_IGN);
	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_OK(fx_run_opts_set_input(o, "x\n", 2));
	for (int mode = 0; mode < 2; mode++) {
		int code = 220 + mode, keeps = set_mode(mode);
		fx_result *res;
		fx_error err;
		char arg[32];

		snprintf(arg, sizeof arg, "--exit=%d", code);
		char **argv = fxt_probe_argv("--wait-stdin", arg);
		fx_attr *attr = fxt_attr();
		ASSERT_SPAWNED(fx_run(&res, argv[0], argv, attr, o, &err), &err);
		check_result(res, keeps, code);
		fx_result_free(res);
		fx_attr_free(attr);
	}
	fx_run_opts_free(o);
	signal(SIGCHLD, SIG_DFL);
}

/*
 * The application's handler and fx_run race for the child; either may
 * win, and the status must be exact whoever did.  Runs until the handler
 * has won in each mode (counted), for the case this is about.
 */
TEST(reaped_run_by_handler)
{
	install_reaper();
	for (int mode = 0; mode < 2; mode++) {
		int keeps = set_mode(mode), handler_won = 0, runs = 0;

		while (!handler_won) {
			int code = 230 + runs % 20, before = nreaped;
			fx_attr *attr = fxt_attr();
			fx_result *res;
			fx_error err;
			char arg[32];

			snprintf(arg, sizeof arg, "--exit=%d", code);
			char **argv = fxt_probe_argv(arg, NULL);
			ASSERT_SPAWNED(fx_run(&res, argv[0], argv, attr, NULL, &err), &err);
			runs++;
			if (nreaped > before) {
				handler_won = 1;
				ASSERT_EQ(code_of(reaped_status_of(res->pid)), code);
				check_result(res, keeps, code);
			} else {
				ASSERT_EQ(res->end, FX_END_EXITED);
				ASSERT_EQ(code_of(res->status), code);
			}
			fx_result_free(res);
			fx_attr_free(attr);
			if (runs == 10000)
				FAIL("the handler never reaped the child first in 10000 runs");
		}
		printf("%s: the handler won after %d run(s)\n", mode_name(mode), runs);
	}
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Pipelines                                                           */
/* ------------------------------------------------------------------ */

/*
 * Three stages that exit `first`, 0 and `last` once their input ended
 * (the middle one gives pipefail a choice to make).  The first one's
 * stdin is a pipe (the pipeline's), so that none can end, and be reaped
 * by someone else, before the last one joined the group of the first.
 */
static fx_pipeline *three_stages(int first, int last, fx_attr **attrp)
{
	fx_pipeline *pl;
	char a[32], b[32];

	ASSERT_OK(fx_pipeline_new(&pl));
	snprintf(a, sizeof a, "--exit=%d", first);
	snprintf(b, sizeof b, "--exit=%d", last);
	fx_attr *attr = *attrp = fxt_attr();
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	char **argv = fxt_probe_argv("--wait-stdin", a);
	ASSERT_OK(fx_pipeline_add(pl, argv[0], argv, attr));
	argv = fxt_probe_argv("--wait-stdin", "--exit=0");
	ASSERT_OK(fx_pipeline_add(pl, argv[0], argv, attr));
	argv = fxt_probe_argv("--wait-stdin", b);
	ASSERT_OK(fx_pipeline_add(pl, argv[0], argv, attr));
	/* Borrowed until the start: freed by the caller after it. */
	return pl;
}

/* SIGCHLD ignored: `exit 7 | exit 0 | exit 9` comes back as such, or
 * as unknown: never as all stages 0. */
TEST(reaped_pipeline_run_sigchld_ignored)
{
	fx_run_opts *o;

	signal(SIGCHLD, SIG_IGN);
	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_OK(fx_run_opts_set_input(o, "x\n", 2));
	for (int mode = 0; mode < 2; mode++) {
		int keeps = set_mode(mode);
		fx_attr *attr;
		fx_pipeline *pl = three_stages(7 + mode, 9 + mode, &attr);
		fx_result *res;
		fx_error err;

		ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
		fx_attr_free(attr);
		/* Each stage's status and the summary are the pipeline's;
		 * the result has the last stage's. */
		int want[3] = { 7 + mode, 0, 9 + mode }, last = -1;
		for (size_t i = 0; i < 3; i++) {
			int st = 12345;
			if (keeps) {
				ASSERT_OK(fx_pipeline_status(pl, i, &st));
				ASSERT_EQ(code_of(st), want[i]);
				last = st;
			} else {
				ASSERT_ERR(fx_pipeline_status(pl, i, &st), -ECHILD);
			}
		}
		if (keeps) {
			ASSERT_EQ(res->end, FX_END_EXITED);
			ASSERT_EQ(res->status, last);
			ASSERT_EQ(fx_pipeline_pipefail(pl), last);
		} else {
			ASSERT_EQ(res->end, FX_END_UNKNOWN);
			ASSERT_EQ(res->status, -1);
			ASSERT_ERR(fx_pipeline_pipefail(pl), -ECHILD);
		}
		fx_result_free(res);
		fx_pipeline_free(pl);
	}
	fx_run_opts_free(o);
	signal(SIGCHLD, SIG_DFL);
}

/* The handler reaps every stage before fx_pipeline_wait is called. */
TEST(reaped_pipeline_wait_by_handler)
{
	install_reaper();
	for (int mode = 0; mode < 2; mode++) {
		int keeps = set_mode(mode);
		fx_attr *attr;
		fx_pipeline *pl = three_stages(17 + mode, 19 + mode, &attr);
		fx_error err;

		ASSERT_SPAWNED(fx_pipeline_start(pl, &err), &err);
		fx_attr_free(attr);
		ASSERT_OK(fx_pipeline_close_stdio(pl, FX_STDIN));
		await_reaped(3 * (mode + 1));
		ASSERT_OK(fx_pipeline_wait(pl, -1));
		for (size_t i = 0; i < 3; i++) {
			int st = 12345, want = i == 0 ? 17 + mode : i == 1 ? 0 : 19 + mode;
			ASSERT_EQ(code_of(reaped_status_of(fx_proc_pid(fx_pipeline_proc(pl, i)))),
			          want);
			if (keeps) {
				ASSERT_OK(fx_pipeline_status(pl, i, &st));
				ASSERT_EQ(code_of(st), want);
			} else {
				ASSERT_ERR(fx_pipeline_status(pl, i, &st), -ECHILD);
			}
		}
		if (keeps)
			ASSERT_EQ(code_of(fx_pipeline_pipefail(pl)), 19 + mode);
		else
			ASSERT_ERR(fx_pipeline_pipefail(pl), -ECHILD);
		fx_pipeline_free(pl);
	}
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Wait sets                                                           */
/* ------------------------------------------------------------------ */

/* Takes both members of ws and checks each one's status by its handle. */
static void take_two(fx_waitset *ws, fx_proc *a, int code_a, fx_proc *b, int code_b, int keeps)
{
	for (int k = 0; k < 2; k++) {
		fx_proc *done = NULL;
		int st = 12345, rc = fx_waitset_wait(ws, &done, &st, 10000);

		ASSERT(done == a || done == b);
		if (keeps) {
			ASSERT_OK(rc);
			ASSERT_EQ(code_of(st), done == a ? code_a : code_b);
		} else {
			ASSERT_ERR(rc, -ECHILD);
			ASSERT_EQ(st, 12345);
		}
	}
	ASSERT_EQ(fx_waitset_count(ws), 0);
}

TEST(reaped_waitset_by_handler)
{
	install_reaper();
	for (int mode = 0; mode < 2; mode++) {
		int keeps = set_mode(mode);
		fx_waitset *ws;
		fx_proc *a = spawn_exiting(240 + mode), *b = spawn_exiting(242 + mode);

		ASSERT_OK(fx_waitset_new(&ws));
		ASSERT_OK(fx_waitset_add(ws, a));
		ASSERT_OK(fx_waitset_add(ws, b));
		await_reaped(2 * (mode + 1));
		take_two(ws, a, 240 + mode, b, 242 + mode, keeps);
		fx_waitset_free(ws);
		fx_proc_free(a);
		fx_proc_free(b);
	}
	fxt_assert_no_children();
}

/* SIGCHLD ignored: the set sleeps in epoll when the kernel reaps. */
TEST(reaped_waitset_sigchld_ignored)
{
	signal(SIGCHLD, SIG_IGN);
	for (int mode = 0; mode < 2; mode++) {
		int keeps = set_mode(mode), in_a, in_b;
		fx_waitset *ws;
		fx_proc *a = spawn_waiting(250 + mode, &in_a), *b = spawn_waiting(252 + mode, &in_b);

		ASSERT_OK(fx_waitset_new(&ws));
		ASSERT_OK(fx_waitset_add(ws, a));
		ASSERT_OK(fx_waitset_add(ws, b));
		close(in_a);
		close(in_b);
		take_two(ws, a, 250 + mode, b, 252 + mode, keeps);
		fx_waitset_free(ws);
		fx_proc_free(a);
		fx_proc_free(b);
	}
	signal(SIGCHLD, SIG_DFL);
}

/* ------------------------------------------------------------------ */
/* The probe child is nobody's business                                */
/* ------------------------------------------------------------------ */

/*
 * After the handler reaped `pid`: it reaped nothing else, and no child
 * of any kind (a zombie with exit signal 0 included) is left to reap.
 */
static void assert_only_reaped(pid_t pid)
{
	int st;

	for (int i = 0; i < nreaped && i < MAX_REAPED; i++)
		if (reaped_pid[i] != pid)
			FAIL("the handler reaped pid %d, which nobody asked for (the child: %d)",
			     (int)reaped_pid[i], (int)pid);
	ASSERT_EQ(nreaped, 1);
	ASSERT_EQ(waitpid(-1, &st, WNOHANG | __WALL), -1);
	ASSERT_EQ(errno, ECHILD);
}

/*
 * The first spawn of a fresh process (the runner forks one per test, and
 * nothing in it has spawned yet) through fx_spawn: the handler sees the
 * child and nothing else.  On the clone backend that spawn ran the probe.
 */
TEST(reaped_probe_unseen_by_handler)
{
	pid_t pid;

	if (fx__vm_probe_done())
		FAIL("the probe already ran in this process: the test proves nothing");
	install_reaper();
	fx_proc *proc = spawn_exiting(3);
	pid = fx_proc_pid(proc);
	if (fxt_backend() == FX_BACKEND_CLONE)
		ASSERT(fx__vm_probe_done());
	await_reaped(1);
	assert_only_reaped(pid);
	ASSERT_EQ(code_of(reaped_status_of(pid)), 3);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

/* The same through the posix_spawn layer (the drop-in's code), whose
 * first spawn runs the probe whatever the variant. */
TEST_ONCE(reaped_probe_unseen_by_handler_posix)
{
	char **argv = fxt_probe_argv("--exit=4", NULL);
	pid_t pid;

	if (fx__vm_probe_done())
		FAIL("the probe already ran in this process: the test proves nothing");
	install_reaper();
	ASSERT_EQ(fx_posix_spawn(&pid, argv[0], NULL, NULL, argv, environ), 0);
	ASSERT(fx__vm_probe_done());
	await_reaped(1);
	assert_only_reaped(pid);
	ASSERT_EQ(code_of(reaped_status_of(pid)), 4);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* fxrun                                                               */
/* ------------------------------------------------------------------ */

/* Whether `path` is a dynamically linked ELF program (PT_INTERP), which
 * LD_PRELOAD reaches. */
static int is_dynamic(const char *path)
{
	ElfW(Ehdr) eh;
	ElfW(Phdr) ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC), dynamic = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh &&
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_phentsize == sizeof ph)
		for (int i = 0; i < eh.e_phnum && !dynamic; i++)
			dynamic = pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (size_t)i * sizeof ph)) ==
			                  (ssize_t)sizeof ph && ph.p_type == PT_INTERP;
	close(fd);
	return dynamic;
}

/*
 * fxrun's child reaped by someone else inside fxrun (build/fxreap.so,
 * preloaded: it reaps whatever ended each time fxrun returns from poll).
 * fxrun must exit with the child's code where the kernel keeps it for
 * the pidfd, else 125 and say the status is unknown: never 0.  The child
 * waits for its stdin to close, which the test does once fxrun sleeps in
 * poll, so the foreign reaper always comes first.
 */
TEST(reaped_fxrun)
{
	const char *fxrun = fxt_fxrun_path();
	char *preload = fxt_join(fxt_build_dir(), "fxreap.so");

	if (access(fxrun, X_OK) != 0)
		SKIP("%s not built", fxrun);
	if (!is_dynamic(fxrun))
		SKIP("%s is linked statically: LD_PRELOAD does not reach it", fxrun);
	ASSERT_SYS(access(preload, R_OK));
	for (int mode = 0; mode < 2; mode++) {
		int code = 77 + mode, keeps = set_mode(mode), st;
		char arg[32], err_text[4096], *reaped;
		size_t len = 0;
		fx_attr *attr = fxt_attr();
		fx_proc *proc;
		fx_error err;
		ssize_t n;

		snprintf(arg, sizeof arg, "--exit=%d", code);
		char *argv[] = { (char *)fxrun, (char *)"--backend", (char *)fxt_backend_name(),
		                 (char *)"--", (char *)fxt_probe_path(), (char *)"--no-report",
		                 (char *)"--wait-stdin", arg, NULL };
		ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
		ASSERT_OK(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_NULL));
		ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_PIPE));
		ASSERT_SYS(setenv("LD_PRELOAD", preload, 1));
		ASSERT_SPAWNED(fx_spawn(&proc, fxrun, argv, attr, &err), &err);
		ASSERT_SYS(unsetenv("LD_PRELOAD"));
		/* Until fxrun sleeps in poll (or ends without: no preload). */
		err_text[0] = 0;
		while (!strstr(err_text, "fxreap: polling\n") &&
		       (n = fx_proc_read(proc, FX_STDERR, err_text + len, sizeof err_text - 1 - len,
		                         -1)) > 0) {
			len += (size_t)n;
			err_text[len] = 0;
		}
		if (!strstr(err_text, "fxreap: polling\n")) {
			fx_proc_wait(proc, &st, -1);
			SKIP("the preloaded reaper did not reach fxrun: %s", err_text);
		}
		ASSERT_OK(fx_proc_close_stdio(proc, FX_STDIN));
		while ((n = fx_proc_read(proc, FX_STDERR, err_text + len, sizeof err_text - 1 - len,
		                         -1)) > 0) {
			len += (size_t)n;
			err_text[len] = 0;
		}
		st = fxt_wait_ok(proc);
		printf("%s: fxrun exited %d, said:\n%s", mode_name(mode), fx_status_code(st), err_text);
		reaped = strstr(err_text, "fxreap: reaped ");
		ASSERT(reaped != NULL);
		ASSERT_EQ(code_of((int)strtol(strstr(reaped, "status ") + 7, NULL, 16)), code);
		if (keeps || (mode == 0 && fx_status_code(st) == code)) {
			/* valgrind may refuse the test's pidfd_open, not fxrun's. */
			ASSERT_EQ(fx_status_code(st), code);
		} else {
			ASSERT_EQ(fx_status_code(st), 125);
			ASSERT(strstr(err_text, "reaped by another process; its exit status is unknown"));
		}
		fx_proc_free(proc);
		fx_attr_free(attr);
	}
	free(preload);
}
