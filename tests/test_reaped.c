/*
 * Children someone else reaps: the application's own SIGCHLD handler
 * calling waitpid(-1, WNOHANG).  The library's own helper child (the probe that proves CLONE_VM
 * shares memory, on the first spawn of a process) must be invisible to
 * such a handler: no SIGCHLD, no pid to reap.
 */
#include "fxt.h"

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h" /* fx__vm_probe_done */
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

static char **probe_argv(const char *a1, const char *a2)
{
	static char *argv[6];
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

static fx_proc *spawn_exiting(int code)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	char arg[32];

	snprintf(arg, sizeof arg, "--exit=%d", code);
	char **argv = probe_argv(arg, NULL);
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	fx_attr_free(attr);
	return proc;
}

/* The exit code a waiting call gave: its status must say exited. */
static int code_of(int status)
{
	ASSERT(fx_status_exited(status));
	return fx_status_code(status);
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
	char **argv = probe_argv("--exit=4", NULL);
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
