/* SPDX-License-Identifier: MIT */
/*
 * Signal storm: a thread sends SIGUSR1, SIGCHLD and SIGALRM as fast as it
 * can, both at the process (kill) and at the spawning thread itself
 * (tgkill), during 20,000 spawns or 20 s (scaled), whichever ends first.
 * The handlers are installed
 * without SA_RESTART, so every interrupted system call of the parent
 * returns EINTR.
 *
 * Each handler compares the pid of the process it runs in (the raw
 * getpid system call, not a cached value) with the parent's and counts,
 * in a MAP_SHARED page, every run anywhere else: a handler of the parent
 * running in a child that shares its memory would corrupt the parent.
 * There must be none, no crash, and no EINTR surfacing as a failed spawn
 * or wait.  Every 10th wait uses a timeout (the poll path), every 50th
 * spawn must fail at chdir with the right error.
 */
#include "torture.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <asm/unistd.h>   /* not <sys/syscall.h>: -Isrc shadows it */
#include <unistd.h>

struct storm_counts {
	atomic_long in_parent[65];
	atomic_long elsewhere[65];
	atomic_long elsewhere_pid; /* the last foreign pid seen */
};

static struct storm_counts *counts;
static long parent_pid;
static atomic_int storm_stop;

static void storm_handler(int sig)
{
	int saved = errno;
	long pid = syscall(__NR_getpid);

	if (pid == parent_pid) {
		atomic_fetch_add_explicit(&counts->in_parent[sig], 1, memory_order_relaxed);
	} else {
		atomic_fetch_add_explicit(&counts->elsewhere[sig], 1, memory_order_relaxed);
		atomic_store(&counts->elsewhere_pid, pid);
	}
	errno = saved;
}

struct sender {
	pid_t target_tid;
	long sent;
};

static void *storm_sender(void *arg)
{
	struct sender *s = arg;
	static const int sigs[] = { SIGUSR1, SIGCHLD, SIGALRM };
	long n = 0;

	while (!atomic_load_explicit(&storm_stop, memory_order_relaxed)) {
		int sig = sigs[n % 3];

		if (n & 1)
			kill((pid_t)parent_pid, sig);
		else
			syscall(__NR_tgkill, parent_pid, s->target_tid, sig);
		n++;
	}
	s->sent = n;
	return NULL;
}

struct storm_tally {
	long spawns, failed_ok, timed_waits;
};

/*
 * One spawn: every 50th (the 2nd, the 52nd...: a short round has one
 * too) must fail at chdir, every 10th wait has a timeout.
 */
static void storm_iteration(long i, char *argv[], const fx_attr *attr,
                            const fx_attr *bad, struct storm_tally *tally)
{
	struct storm_tally scratch;
	fx_proc *proc = NULL;
	fx_error err;
	int status = -1, rc;

	if (!tally)
		tally = &scratch;
	if (i % 50 == 1) {
		rc = fx_spawn(&proc, argv[0], argv, bad, &err);
		if (rc != -ENOENT || err.step != FX_STEP_CHDIR) {
			char text[300];
			atomic_store(&storm_stop, 1);
			FAIL("spawn %ld: expected ENOENT at chdir, got %d: %s", i, rc,
			     fx_strerror(&err, text, sizeof text));
		}
		tally->failed_ok++;
		return;
	}
	rc = fx_spawn(&proc, argv[0], argv, attr, &err);
	if (rc < 0) {
		char text[300];
		atomic_store(&storm_stop, 1);
		FAIL("spawn %ld failed: %d %s [step %s]", i, rc,
		     fx_strerror(&err, text, sizeof text), fx_step_name(err.step));
	}
	if (i % 10 == 0) {
		rc = fx_proc_wait(proc, &status, 60000);
		tally->timed_waits++;
	} else {
		rc = fx_proc_wait(proc, &status, -1);
	}
	if (rc < 0 || status != 0) {
		atomic_store(&storm_stop, 1);
		FAIL("spawn %ld: fx_proc_wait returned %d (%s), status 0x%x", i, rc,
		     rc < 0 ? strerror(-rc) : "ok", status);
	}
	fx_proc_free(proc);
	tally->spawns++;
}

/*
 * 20 s at scale 1, 10 s in CI.  The sender spins on one of CI's two
 * cores, so a spawn runs on what is left: the fork backend makes about
 * 100-150 spawns a second there, the clone backend 300-350.
 */
TORTURE(torture_signal_storm, 75)
{
	struct fxt_loop loop;
	struct storm_tally tally = { 0, 0, 0 };
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_attr *attr = fxt_attr(), *bad = fxt_attr();
	struct sender sender = { 0, 0 };
	struct ftt_usage base, end;
	struct sigaction sa;
	pthread_t thread;
	long total = 0, i;

	counts = mmap(NULL, sizeof *counts, PROT_READ | PROT_WRITE,
	              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT(counts != MAP_FAILED);
	parent_pid = syscall(__NR_getpid);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = storm_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: let every slow call see EINTR */
	ASSERT_SYS(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_SYS(sigaction(SIGCHLD, &sa, NULL));
	ASSERT_SYS(sigaction(SIGALRM, &sa, NULL));
	ASSERT_OK(fx_attr_set_cwd(bad, "/nonexistent/storm"));

	/* Warm-up without the storm: the child stack is mapped, malloc's
	 * per-thread caches filled, the sender's stack cached by glibc. */
	for (long k = 0; k < 100; k++)
		storm_iteration(k, argv, attr, bad, NULL);
	ftt_warm_threads(1);
	base = ftt_baseline("baseline");

	sender.target_tid = (pid_t)syscall(__NR_gettid);
	ASSERT_EQ(pthread_create(&thread, NULL, storm_sender, &sender), 0);
	loop = ftt_loop(20000, 20);
	while ((i = fxt_loop_next(&loop)) >= 0)
		storm_iteration(i, argv, attr, bad, &tally);
	atomic_store(&storm_stop, 1);
	ASSERT_EQ(pthread_join(thread, NULL), 0);

	/* Nothing may be left pending: block the storm's signals, then
	 * compare with the baseline. */
	{
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGCHLD);
		sigaddset(&set, SIGALRM);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	end = ftt_usage();
	ftt_usage_print("end", &end);
	for (int sig = 1; sig <= 64; sig++)
		total += counts->in_parent[sig];
	/* Both kinds of wait and a spawn that must fail among them. */
	fxt_loop_end(&loop, 20, "spawns under the storm");
	ftt_note("%s: %ld spawns + %ld failing ones in %.2f s (%.0f spawns/s), "
	         "%ld waits with a timeout; %ld signals sent, %ld handled in the "
	         "parent (USR1 %ld, CHLD %ld, ALRM %ld), %ld elsewhere\n",
	         fxt_backend_name(), tally.spawns, tally.failed_ok, loop.elapsed,
	         (tally.spawns + tally.failed_ok) / loop.elapsed, tally.timed_waits,
	         sender.sent, total, (long)counts->in_parent[SIGUSR1],
	         (long)counts->in_parent[SIGCHLD], (long)counts->in_parent[SIGALRM],
	         (long)(counts->elsewhere[SIGUSR1] + counts->elsewhere[SIGCHLD] +
	                counts->elsewhere[SIGALRM]));
	for (int sig = 1; sig <= 64; sig++)
		if (counts->elsewhere[sig])
			FAIL("the parent's handler for signal %d (%s) ran %ld times in "
			     "another process (last pid %ld)", sig, strsignal(sig),
			     (long)counts->elsewhere[sig], (long)counts->elsewhere_pid);
	ASSERT_EQ(tally.spawns + tally.failed_ok, loop.done);
	ASSERT_GT(total, 0);
	fx_attr_free(attr);
	fx_attr_free(bad);
	ftt_assert_back(&base, &end, 0, 512);
}
