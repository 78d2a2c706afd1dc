/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family against the libc's: arguments, environment,
 * NULL objects and the attribute flags (process group, session,
 * signals, scheduling, RESETIDS) as the probe sees them
 * (the harness: posix_harness.h).
 */

#include "posix_harness.h"

/* ------------------------------------------------------------------ */
/* Arguments, environment, the pid pointer, NULL objects               */
/* ------------------------------------------------------------------ */

/* argv and envp reach the program exactly (envp, not environ). */
TEST(posix_argv_envp_exact)
{
	static const char *const args[] = {
		"", "two words", "caf\xc3\xa9\ttab", "--exit=3", NULL
	};
	static char *const envp[] = {
		"A=1", "EMPTY=", "WEIRD=a=b", "NOEQUALS", "A=2", NULL
	};
	struct run proto = { .argv0 = "custom-argv0", .args = args, .envp = envp };
	struct run fx, lc;

	setenv("ONLY_IN_ENVIRON", "1", 1);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "argc"), 6);
	ASSERT_STR_EQ(fxt_get(fx.r, "argv.0"), "custom-argv0");
	ASSERT_STR_EQ(fxt_get(fx.r, "argv.1"), "--report-fd=100");
	for (int i = 0; args[i]; i++) {
		char key[16];

		snprintf(key, sizeof key, "argv.%d", i + 2);
		ASSERT_STR_EQ(fxt_get(fx.r, key), args[i]);
	}
	ASSERT_EQ(fxt_count(fx.r, "env."), 5);
	for (int i = 0; envp[i]; i++) {
		char key[16];

		snprintf(key, sizeof key, "env.%d", i);
		ASSERT_STR_EQ(fxt_get(fx.r, key), envp[i]);
	}
	run_free(&fx);
	run_free(&lc);
}

/* A NULL pid pointer is allowed: the spawn happens all the same. */
TEST(posix_null_pid)
{
	struct run proto = { .null_pid = 1 };
	struct run fx, lc;

	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fx.pid, UNTOUCHED);
	ASSERT_GT(fx.child, 0);
	run_free(&fx);
	run_free(&lc);
}

/*
 * NULL attributes and file actions: the child inherits the parent's
 * process group, session, cwd, mask, ignored signals and every descriptor
 * not close-on-exec; caught signals become default (execve).
 */
TEST(posix_null_attr_and_actions)
{
	struct run proto = { .no_attr = 1, .no_fa = 1 };
	struct run fx, lc;
	int inherited = open_at("/dev/null", O_RDONLY, 7);
	int cloexec = open_at("/dev/null", O_RDONLY | O_CLOEXEC, 8);
	char cwd[PATH_MAX];

	fxt_ignore_signal(SIGPIPE);
	fxt_catch_signal(SIGUSR1);
	block_signal(SIGUSR2);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), getpgrp());
	ASSERT_EQ(fxt_get_ll(fx.r, "sid"), getsid(0));
	ASSERT(getcwd(cwd, sizeof cwd) != NULL);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), cwd);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigmask"), FXT_SIGBIT(SIGUSR2));
	ASSERT_EQ(fxt_get_hex(fx.r, "sigign"), FXT_SIGBIT(SIGPIPE));
	ASSERT_EQ(fxt_get_hex(fx.r, "sigcaught"), 0);
	ASSERT_EQ(FD_OPEN(fx.r, 7).cloexec, 0);
	FD_CLOSED(fx.r, 8);
	close(inherited);
	close(cloexec);
	run_free(&fx);
	run_free(&lc);
}

/* ------------------------------------------------------------------ */
/* Flags: process group, session                                       */
/* ------------------------------------------------------------------ */

/* SETPGROUP with pgroup 0: the child leads a group of its own; without
 * the flag the pgroup attribute is ignored. */
TEST(posix_setpgroup_self)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETPGROUP, .pgroup = 0 };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), fx.child);
	ASSERT_EQ(fxt_get_ll(fx.r, "sid"), getsid(0));
	run_free(&fx);
	run_free(&lc);

	c.flags = 0;
	c.pgroup = 1;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), getpgrp());
	run_free(&fx);
	run_free(&lc);
}

/* SETPGROUP with an existing group of the same session: the child joins it. */
TEST(posix_setpgroup_existing)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETPGROUP };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;
	int gate[2], st;
	pid_t leader;

	fxt_pipe(gate);
	leader = fork();
	ASSERT_SYS(leader);
	if (leader == 0) {
		char b;

		setpgid(0, 0);
		close(gate[1]);
		while (read(gate[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(gate[0]);
	/* Both sides set it, so that no order between them matters. */
	if (setpgid(leader, leader) != 0 && errno != EACCES)
		FAIL("setpgid(leader): %s", strerror(errno));
	c.pgroup = leader;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), leader);
	ASSERT_NE(fx.child, leader);
	run_free(&fx);
	run_free(&lc);
	close(gate[1]);
	ASSERT_EQ(waitpid(leader, &st, 0), leader);
}

/* SETSID: the child leads a new session and group, without a terminal. */
TEST(posix_setsid)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSID };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "sid"), fx.child);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), fx.child);
	ASSERT_EQ(fxt_get_ll(fx.r, "ctty"), 0);
	run_free(&fx);
	run_free(&lc);
}

/*
 * SETSID with SETPGROUP: glibc calls setsid, then setpgid, which the
 * kernel refuses to a session leader: EPERM, as the return value.
 * forkexec must do the same (or the two would disagree on which wins).
 */
TEST(posix_setsid_with_setpgroup)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETPGROUP };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	PAIR(&proto, &fx, &lc);
	EXPECT_ERR(&lc, EPERM);
	EXPECT_ERR(&fx, EPERM);
	run_free(&fx);
	run_free(&lc);
}

/* USEVFORK is accepted and changes nothing. */
TEST(posix_usevfork_ignored)
{
	struct ctx c = { .flags = POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETPGROUP };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), fx.child);
	run_free(&fx);
	run_free(&lc);
}

/* ------------------------------------------------------------------ */
/* Flags: signals                                                      */
/* ------------------------------------------------------------------ */

static void setup_sigmask(struct run *run, posix_spawnattr_t *a,
                          posix_spawn_file_actions_t *fa)
{
	sigset_t set;

	(void)fa;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	OK0(run->f->setsigmask(a, &set));
	OK0(run->f->setflags(a, run->ctx->flags));
}

/* SETSIGMASK: the child's mask is exactly the attribute's; without the
 * flag it is the spawning thread's. */
TEST_CORE(posix_setsigmask)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSIGMASK };
	struct run proto = { .setup = setup_sigmask, .ctx = &c };
	struct run fx, lc;

	block_signal(SIGUSR2);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigmask"),
	          FXT_SIGBIT(SIGUSR1) | FXT_SIGBIT(SIGTERM));
	run_free(&fx);
	run_free(&lc);

	c.flags = 0;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigmask"), FXT_SIGBIT(SIGUSR2));
	run_free(&fx);
	run_free(&lc);
}

static void setup_sigdef(struct run *run, posix_spawnattr_t *a,
                         posix_spawn_file_actions_t *fa)
{
	sigset_t set;

	(void)fa;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	OK0(run->f->setsigdefault(a, &set));
	OK0(run->f->setflags(a, run->ctx->flags));
}

/*
 * SETSIGDEF: a signal ignored in the parent and named in sigdefault
 * becomes default; one ignored and not named stays ignored; a caught one
 * becomes default whatever the flag.  Without the flag sigdefault is
 * unused.  forkexec, unlike glibc, leaves glibc's internal signals 32
 * and 33 alone (default here, as the runner set them).
 */
TEST(posix_setsigdef)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSIGDEF };
	struct run proto = { .setup = setup_sigdef, .ctx = &c };
	struct run fx, lc;

	fxt_ignore_signal(SIGUSR1);
	fxt_ignore_signal(SIGPIPE);
	fxt_ignore_signal(SIGINT);
	fxt_catch_signal(SIGUSR2);
	fxt_catch_signal(SIGHUP);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigign"), FXT_SIGBIT(SIGPIPE) | FXT_SIGBIT(SIGINT));
	ASSERT_EQ(fxt_get_hex(fx.r, "sigcaught"), 0);
	run_free(&fx);
	run_free(&lc);

	c.flags = 0;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigign"),
	          FXT_SIGBIT(SIGUSR1) | FXT_SIGBIT(SIGPIPE) | FXT_SIGBIT(SIGINT));
	ASSERT_EQ(fxt_get_hex(fx.r, "sigcaught"), 0);
	run_free(&fx);
	run_free(&lc);
}

/* ------------------------------------------------------------------ */
/* Flags: scheduling                                                   */
/* ------------------------------------------------------------------ */

/*
 * The kernel's scheduling calls, made directly: musl's sched_getscheduler,
 * sched_getparam and sched_setscheduler return ENOSYS (Linux schedules
 * threads, and musl will not pass these off as POSIX's per-process
 * calls); glibc's are these very system calls.
 */
static int sys_getscheduler(pid_t pid)
{
	return (int)syscall(SYS_sched_getscheduler, pid);
}

static int sys_getparam(pid_t pid, struct sched_param *sp)
{
	return (int)syscall(SYS_sched_getparam, pid, sp);
}

static int sys_setscheduler(pid_t pid, int policy, const struct sched_param *sp)
{
	return (int)syscall(SYS_sched_setscheduler, pid, policy, sp);
}

static void inspect_sched(struct run *run, pid_t pid)
{
	struct sched_param sp;

	run->val[0] = sys_getscheduler(pid);
	ASSERT_SYS(run->val[0]);
	ASSERT_SYS(sys_getparam(pid, &sp));
	run->val[1] = sp.sched_priority;
}

static void setup_sched(struct run *run, posix_spawnattr_t *a,
                        posix_spawn_file_actions_t *fa)
{
	struct sched_param sp = { .sched_priority = run->ctx->prio };

	(void)fa;
	if (run->ctx->flags & POSIX_SPAWN_SETSCHEDULER)
		OK0(run->f->setschedpolicy(a, run->ctx->policy));
	OK0(run->f->setschedparam(a, &sp));
	OK0(run->f->setflags(a, run->ctx->flags));
}

/* Whether this process may use SCHED_FIFO (asked of a throwaway child). */
static int realtime_allowed(void)
{
	pid_t pid = fork();
	int st;

	ASSERT_SYS(pid);
	if (pid == 0) {
		struct sched_param sp = { .sched_priority = 1 };

		_exit(sys_setscheduler(0, SCHED_FIFO, &sp) == 0 ? 0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Runs the sched case and checks the child's policy and priority
 * (forkexec's alone where the libc lacks the scheduling attributes). */
#define SCHED_PAIR(c, policy, prio)                                           \
	do {                                                                  \
		struct run proto_ = { .setup = setup_sched, .ctx = (c),        \
		                      .hold = 1, .inspect = inspect_sched,    \
		                      .needs = NEED_SCHED };                  \
		struct run fx_, lc_;                                          \
		PAIR_OK(&proto_, &fx_, &lc_);                                 \
		if (!lc_.not_run) {                                           \
			ASSERT_EQ(lc_.val[0], (policy));                      \
			ASSERT_EQ(lc_.val[1], (prio));                        \
		}                                                             \
		ASSERT_EQ(fx_.val[0], (policy));                              \
		ASSERT_EQ(fx_.val[1], (prio));                                \
		run_free(&fx_);                                               \
		run_free(&lc_);                                               \
	} while (0)

/* SETSCHEDULER sets the policy and the attribute's priority (root:
 * SCHED_FIFO 1, SCHED_RR 2), checked with sched_getscheduler(2) on the
 * child while it waits. */
TEST(posix_sched_setscheduler)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSCHEDULER };

	if (!realtime_allowed())
		SKIP("SCHED_FIFO is not allowed here");
	c.policy = SCHED_FIFO;
	c.prio = 1;
	SCHED_PAIR(&c, SCHED_FIFO, 1);
	c.policy = SCHED_RR;
	c.prio = 2;
	SCHED_PAIR(&c, SCHED_RR, 2);
}

/* SETSCHEDPARAM alone keeps the inherited policy with the attribute's
 * priority; SETSCHEDULER SCHED_OTHER takes a real-time parent's child
 * back to the normal policy. */
TEST(posix_sched_setparam)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSCHEDPARAM, .prio = 3 };
	struct sched_param sp = { .sched_priority = 1 };

	if (!realtime_allowed())
		SKIP("SCHED_RR is not allowed here");
	/* This test process only: the runner starts each in its own. */
	ASSERT_SYS(sys_setscheduler(0, SCHED_RR, &sp));
	SCHED_PAIR(&c, SCHED_RR, 3);
	c.flags = POSIX_SPAWN_SETSCHEDULER;
	c.policy = SCHED_OTHER;
	c.prio = 0;
	SCHED_PAIR(&c, SCHED_OTHER, 0);
}

/* SCHED_BATCH and SCHED_IDLE, priority 0, need no privilege (forkexec
 * alone: glibc 2.36's setschedpolicy refuses them). */
TEST(posix_sched_batch_idle)
{
	static const int policies[] = { SCHED_BATCH, SCHED_IDLE };

	for (size_t i = 0; i < 2; i++) {
		struct ctx c = { .flags = POSIX_SPAWN_SETSCHEDULER,
		                 .policy = policies[i], .prio = 0 };
		struct run proto = { .setup = setup_sched, .ctx = &c, .hold = 1,
		                     .inspect = inspect_sched };
		struct run fx;

		SOLO_OK(&proto, &fx);
		ASSERT_EQ(fx.val[0], policies[i]);
		ASSERT_EQ(fx.val[1], 0);
		run_free(&fx);
	}
}

/* ------------------------------------------------------------------ */
/* Flags: RESETIDS                                                     */
/* ------------------------------------------------------------------ */

struct ids_case {
	uid_t ruid, euid;
	gid_t rgid, egid;
	const char *uid_reset, *gid_reset;    /* probe's uid/gid with the flag */
	const char *uid_kept, *gid_kept;      /* and without it */
};

static void resetids_helper(void *arg)
{
	const struct ids_case *ic = arg;
	struct ctx c = { .flags = POSIX_SPAWN_RESETIDS };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	ASSERT_SYS(setresgid(ic->rgid, ic->egid, 0));
	ASSERT_SYS(setresuid(ic->ruid, ic->euid, 0));
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "uid"), ic->uid_reset);
	ASSERT_STR_EQ(fxt_get(fx.r, "gid"), ic->gid_reset);
	run_free(&fx);
	run_free(&lc);

	c.flags = 0;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "uid"), ic->uid_kept);
	ASSERT_STR_EQ(fxt_get(fx.r, "gid"), ic->gid_kept);
	run_free(&fx);
	run_free(&lc);
	/* Root again (the saved ids are 0), so that LeakSanitizer, which
	 * checks at exit under check-sanitize, can read /proc/self. */
	ASSERT_SYS(setresuid(0, 0, 0));
	ASSERT_SYS(setresgid(0, 0, 0));
}

/*
 * RESETIDS: the child's effective ids become the real ones (and execve
 * then copies them to the saved ones).  Run in helpers whose real and
 * effective ids differ both ways: real root with effective nobody, and
 * real nobody with effective root.
 */
TEST(posix_resetids)
{
	struct ids_case down = {
		0, 65534, 0, 65534,
		"0,0,0,0", "0,0,0,0",
		"0,65534,65534,65534", "0,65534,65534,65534",
	};
	struct ids_case up = {
		65534, 0, 65534, 0,
		"65534,65534,65534,65534", "65534,65534,65534,65534",
		"65534,0,0,0", "65534,0,0,0",
	};

	if (geteuid() != 0)
		SKIP("needs root to make real and effective ids differ");
	in_helper(resetids_helper, &down);
	in_helper(resetids_helper, &up);
}
