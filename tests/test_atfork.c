/* SPDX-License-Identifier: MIT */
/*
 * The discipline: no atfork handler, no atexit handler and no signal
 * handler of the parent's ever runs on the child's behalf, and a lock held
 * by another thread never stalls a spawn.
 *
 * Every handler records what ran it (its pid) in a shared page before
 * anything else, so a violation is reported as such even when the process
 * that ran it dies right after.  Each test first proves that its handler
 * is live (a plain fork() or a plain child does run it), so none of them
 * passes vacuously.
 */
#include "fxt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct shared {
	volatile int armed;              /* handlers abort once armed */
	volatile int prepare, parent, child;
	volatile int atexit_runs;
	volatile pid_t atexit_pid;
	volatile int signal_runs;
	volatile pid_t signal_pids[64];
	volatile int signal_sigs[64];
};

static struct shared *sh;
static pid_t test_pid;
static char *marker_path;

static void map_shared(void)
{
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
	          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	test_pid = getpid();
}

/* Raw, async-signal-safe complaint on the test's output. */
static void say(const char *msg)
{
	ssize_t n = write(2, msg, strlen(msg));

	(void)n;
}

/* The fork backend skips the handlers only where _Fork (or __fork) exists. */
static void need_handler_free_fork(void)
{
	if (fxt_backend() != FX_BACKEND_FORK)
		return;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	return;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
	defined(__NetBSD__)
	return;
#else
	SKIP("no _Fork() in this C library: the fork backend runs atfork "
	     "handlers by design");
#endif
}

static char *const true_argv[] = { "true", NULL };

/* A spawn that must work and exit 0. */
static void spawn_true(void)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;
	int status;

	ASSERT_SPAWNED(fx_spawn(&proc, "/bin/true", true_argv, attr, &err),
	               &err);
	status = fxt_wait_ok(proc);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("/bin/true ended with status 0x%x", status);
	fx_proc_free(proc);
	fx_attr_free(attr);
}

/* Spawns that fail in the child: chdir, exec (ENOENT, EACCES). */
static void spawn_failures(void)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *noexec = fxt_join(dir, "noexec");
	fx_proc *proc = NULL;
	fx_error err;

	fxt_write_file(noexec, "#!/bin/sh\n", 0644);
	ASSERT_OK(fx_attr_set_cwd(attr, "/nope"));
	ASSERT_ERR(fx_spawn(&proc, "/bin/true", true_argv, attr, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_CHDIR);
	ASSERT_OK(fx_attr_set_cwd(attr, NULL));
	ASSERT_ERR(fx_spawn(&proc, "/nope/prog", true_argv, attr, &err),
	           -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_EXEC);
	ASSERT_ERR(fx_spawn(&proc, noexec, true_argv, attr, &err), -EACCES);
	ASSERT_EQ(err.step, FX_STEP_EXEC);
	fxt_assert_no_children();
	fx_attr_free(attr);
	free(noexec);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* (a) pthread_atfork handlers                                         */
/* ------------------------------------------------------------------ */

static void on_prepare(void)
{
	sh->prepare++;
	if (sh->armed) {
		say("atfork prepare handler ran during a spawn\n");
		abort();
	}
}

static void on_parent(void)
{
	sh->parent++;
	if (sh->armed) {
		say("atfork parent handler ran during a spawn\n");
		abort();
	}
}

static void on_child(void)
{
	sh->child++;
	if (sh->armed) {
		say("atfork child handler ran in a spawned child\n");
		abort();
	}
}

TEST_CORE(atfork_handlers_never_run)
{
	fxt_report *r;
	fx_attr *attr;
	pid_t pid;
	int st;

	need_handler_free_fork();
	map_shared();
	ASSERT_EQ(pthread_atfork(on_prepare, on_parent, on_child), 0);

	/* Live: a plain fork runs all three. */
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_EQ(sh->prepare, 1);
	ASSERT_EQ(sh->parent, 1);
	ASSERT_EQ(sh->child, 1);

	sh->prepare = sh->parent = sh->child = 0;
	sh->armed = 1;
	spawn_true();
	spawn_failures();
	attr = fxt_attr();
	r = fxt_probe_ok(attr, NULL);
	fxt_report_free(r);
	fx_attr_free(attr);
	sh->armed = 0;
	ASSERT_EQ(sh->prepare, 0);
	ASSERT_EQ(sh->parent, 0);
	ASSERT_EQ(sh->child, 0);
}

/* ------------------------------------------------------------------ */
/* (b) atexit handlers and stdio buffers                               */
/* ------------------------------------------------------------------ */

static void on_exit_marker(void)
{
	int fd;

	if (getpid() == test_pid)
		return;
	sh->atexit_runs++;
	sh->atexit_pid = getpid();
	fd = open(marker_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

TEST_CORE(atfork_atexit_not_run_by_failed_child)
{
	char *dir = fxt_tmpdir(), *buffered = fxt_join(dir, "buffered");
	char content[16] = "";
	FILE *f;
	pid_t pid;
	int st, fd;
	ssize_t n;

	map_shared();
	marker_path = fxt_join(dir, "marker");
	ASSERT_EQ(atexit(on_exit_marker), 0);

	/* Live: a child that calls exit() runs it and leaves the marker. */
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0)
		exit(0);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_EQ(sh->atexit_runs, 1);
	ASSERT_SYS(unlink(marker_path));
	sh->atexit_runs = 0;

	/*
	 * An unflushed stdio buffer: a child that called exit() (or
	 * anything flushing stdio) would write it a second time.
	 */
	f = fopen(buffered, "w");
	ASSERT(f != NULL);
	ASSERT(setvbuf(f, NULL, _IOFBF, 4096) == 0);
	ASSERT(fputs("X", f) >= 0);

	spawn_failures();
	spawn_true();

	ASSERT_EQ(fclose(f), 0);
	if (sh->atexit_runs)
		FAIL("the atexit handler ran %d time(s), last in pid %d",
		     sh->atexit_runs, (int)sh->atexit_pid);
	ASSERT(access(marker_path, F_OK) != 0 && errno == ENOENT);
	fd = open(buffered, O_RDONLY | O_CLOEXEC);
	ASSERT_SYS(fd);
	n = read(fd, content, sizeof content - 1);
	ASSERT_SYS(n);
	close(fd);
	content[n] = 0;
	ASSERT_STR_EQ(content, "X");
}

/* ------------------------------------------------------------------ */
/* (c) locks held by another thread                                    */
/* ------------------------------------------------------------------ */

static pthread_mutex_t app_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t holder_ready, holder_release, spawner_done;
static int spawner_failed;

static void lock_app(void)
{
	pthread_mutex_lock(&app_lock);
}

static void unlock_app(void)
{
	pthread_mutex_unlock(&app_lock);
}

/* Holds the application lock (taken by the atfork prepare handler) and
 * the stdio locks until told to let go. */
static void *holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&app_lock);
	flockfile(stdout);
	flockfile(stderr);
	sem_post(&holder_ready);
	while (sem_wait(&holder_release) != 0)
		;
	funlockfile(stderr);
	funlockfile(stdout);
	pthread_mutex_unlock(&app_lock);
	return NULL;
}

static void *spawner(void *arg)
{
	char *const argv[] = { "true", NULL };
	fx_attr *attr = arg;
	fx_proc *proc = NULL;
	fx_error err;
	int status = -1;

	/* Success, then a failure in the child. */
	if (fx_spawn(&proc, "/bin/true", argv, attr, &err) < 0 ||
	    fx_proc_wait(proc, &status, -1) < 0 || status != 0)
		spawner_failed = 1;
	fx_proc_free(proc);
	ASSERT_OK(fx_attr_set_cwd(attr, "/nope"));
	if (fx_spawn(&proc, "/bin/true", argv, attr, &err) != -ENOENT)
		spawner_failed = 2;
	sem_post(&spawner_done);
	return NULL;
}

TEST_CORE(atfork_spawn_while_locks_held)
{
	pthread_t h, s;
	struct timespec deadline;
	fx_attr *attr = fxt_attr();

	need_handler_free_fork();
	ASSERT_EQ(pthread_atfork(lock_app, unlock_app, unlock_app), 0);
	ASSERT_SYS(sem_init(&holder_ready, 0, 0));
	ASSERT_SYS(sem_init(&holder_release, 0, 0));
	ASSERT_SYS(sem_init(&spawner_done, 0, 0));
	ASSERT_EQ(pthread_create(&h, NULL, holder, NULL), 0);
	while (sem_wait(&holder_ready) != 0)
		;
	/* Live: the lock really is held. */
	ASSERT_EQ(pthread_mutex_trylock(&app_lock), EBUSY);

	ASSERT_EQ(pthread_create(&s, NULL, spawner, attr), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 15;
	while (sem_timedwait(&spawner_done, &deadline) != 0) {
		if (errno == ETIMEDOUT)
			FAIL("fx_spawn did not return within 15 s while "
			     "another thread held the atfork lock and the "
			     "stdio locks");
	}
	ASSERT_EQ(spawner_failed, 0);
	ASSERT_EQ(pthread_join(s, NULL), 0);
	sem_post(&holder_release);
	ASSERT_EQ(pthread_join(h, NULL), 0);
	fxt_assert_no_children();
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* (d) signal handlers                                                 */
/* ------------------------------------------------------------------ */

static void record_signal(int sig)
{
	int i = __sync_fetch_and_add(&sh->signal_runs, 1);

	if (i < 64) {
		sh->signal_pids[i] = getpid();
		sh->signal_sigs[i] = sig;
	}
}

static int catchable(int sig)
{
	return sig != SIGKILL && sig != SIGSTOP &&
	       (sig < 32 || (sig >= SIGRTMIN && sig <= SIGRTMAX));
}

/*
 * With a handler on every catchable signal and SIGUSR2 blocked, spawns
 * leave the parent's handlers and mask as they were, and the child starts
 * with the spawning thread's mask (not the all-blocked mask of the
 * creation window) and no handler.
 */
TEST_CORE(atfork_parent_signal_state_kept)
{
	struct sigaction sa;
	sigset_t usr2, before, after;
	fxt_report *r;
	fx_attr *attr;

	map_shared();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = record_signal;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (catchable(sig))
			ASSERT_SYS(sigaction(sig, &sa, NULL));
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &usr2, NULL), 0);
	ASSERT_EQ(pthread_sigmask(SIG_SETMASK, NULL, &before), 0);

	attr = fxt_attr();
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigmask"), FXT_SIGBIT(SIGUSR2));
	fxt_report_free(r);
	spawn_failures();
	spawn_true();

	ASSERT_EQ(pthread_sigmask(SIG_SETMASK, NULL, &after), 0);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction cur;

		if (sigismember(&before, sig) != sigismember(&after, sig))
			FAIL("signal %d: blocked %d before the spawns, %d "
			     "after", sig, sigismember(&before, sig),
			     sigismember(&after, sig));
		if (!catchable(sig))
			continue;
		ASSERT_SYS(sigaction(sig, NULL, &cur));
		if (cur.sa_handler != record_signal)
			FAIL("signal %d (%s): the parent's handler is gone "
			     "after the spawns", sig, strsignal(sig));
	}
	/* Handlers ran only in the parent (SIGCHLD of the children that
	 * ended), never in a child. */
	for (int i = 0; i < sh->signal_runs && i < 64; i++)
		if (sh->signal_pids[i] != test_pid)
			FAIL("a parent's signal handler ran in pid %d (signal "
			     "%d)", (int)sh->signal_pids[i], sh->signal_sigs[i]);
	fx_attr_free(attr);
}

/*
 * A signal generated in the child's own pre-exec window, deterministically:
 * the child is put in a new, background process group and asked to take
 * the foreground of the session's terminal.  TIOCSPGRP from a background
 * group sends SIGTTOU to the caller's group unless SIGTTOU is blocked or
 * ignored.  The parent has a SIGTTOU handler that records its pid.  A
 * correct child has every signal blocked and the handlers reset, so the
 * handler never runs (in a CLONE_VM child it would run on the parent's
 * memory), the ioctl succeeds, and the probe finds itself in the
 * foreground.
 *
 * The test process leads its group (the runner made it so) and cannot
 * call setsid, so a forked helper does it and opens a pty slave, which
 * becomes its controlling terminal.
 */
static int sigttou_helper(int live_check)
{
	struct sigaction sa;
	int master, slave;
	fx_attr *attr;
	fxt_report *r;
	pid_t pid;

	if (setsid() < 0)
		FAIL("setsid: %s", strerror(errno));
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return 77;
	ASSERT_SYS(grantpt(master));
	ASSERT_SYS(unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_CLOEXEC); /* our ctty */
	ASSERT_SYS(slave);
	ASSERT_EQ(tcgetpgrp(slave), getpgrp());

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = record_signal; /* no SA_RESTART: the ioctl fails */
	sigemptyset(&sa.sa_mask);
	ASSERT_SYS(sigaction(SIGTTOU, &sa, NULL));

	if (live_check) {
		/* A plain child in a background group, with our handler. */
		pid = fork();
		ASSERT_SYS(pid);
		if (pid == 0) {
			setpgid(0, 0);
			_exit(tcsetpgrp(slave, getpgrp()) == 0 ? 0 : 1);
		}
		ASSERT_EQ(waitpid(pid, NULL, 0), pid);
		ASSERT_EQ(sh->signal_runs, 1);
		ASSERT_EQ(sh->signal_pids[0], pid);
		return 0;
	}

	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_OK(fx_attr_set_flags(attr, FX_FOREGROUND));
	ASSERT_OK(fx_attr_set_fd(attr, 0, slave));
	r = fxt_probe_ok(attr, NULL);
	if (sh->signal_runs)
		FAIL("the parent's SIGTTOU handler ran %d time(s), first in "
		     "pid %d (the child is %lld)", sh->signal_runs,
		     (int)sh->signal_pids[0], fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "pgid"), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "sid"), getsid(0));
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
	return 0;
}

static void run_sigttou(int live_check)
{
	pid_t pid;
	int st;

	map_shared();
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0)
		_exit(sigttou_helper(live_check));
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		SKIP("no pseudo-terminal available");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the helper ended with status 0x%x", st);
	fxt_assert_no_children();
}

TEST_ONCE_CORE(atfork_sigttou_handler_live)
{
	run_sigttou(1);
}

TEST_CORE(atfork_sigttou_in_child_window)
{
	run_sigttou(0);
}
