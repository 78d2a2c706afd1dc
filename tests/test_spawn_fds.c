/* SPDX-License-Identifier: MIT */
/*
 * What a spawned child gets, as the probe reports it: terminals,
 * tracing, descriptors and signals (the helpers: spawn_harness.h).
 */

#include "spawn_harness.h"

/* ------------------------------------------------------------------ */
/* Terminals                                                           */
/* ------------------------------------------------------------------ */

TEST_CORE(spawn_setctty)
{
	struct pty p;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	open_pty(&p);
	ASSERT_OK(fx_attr_set_fd(attr, 0, p.slave));
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "sid"), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p.rdev));
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), fxt_get_ll(r, "pgid"));
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p.slave);
	close(p.master);
}

/* The terminal is found on another child fd when tty_fd says so. */
TEST_CORE(spawn_setctty_tty_fd)
{
	struct pty p;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	open_pty(&p);
	ASSERT_OK(fx_attr_set_fd(attr, 7, p.slave));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 7));
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p.rdev));
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p.slave);
	close(p.master);
}

static void foreground_in_session(struct pty *p)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	long long pid;

	/* We lead the session and are its foreground group. */
	ASSERT_EQ(tcgetpgrp(p->slave), getpgrp());
	ASSERT_OK(fx_attr_set_fd(attr, 0, p->slave));
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_OK(fx_attr_set_flags(attr, FX_FOREGROUND));
	r = fxt_probe_ok(attr, NULL);
	pid = fxt_get_ll(r, "pid");
	ASSERT_EQ(fxt_get_ll(r, "pgid"), pid);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p->rdev));
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), pid);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A shell starting a job: new group, made the terminal's foreground. */
TEST_CORE(spawn_foreground)
{
	struct pty p;

	open_pty(&p);
	in_tty_session(&p, foreground_in_session);
	close(p.slave);
	close(p.master);
}

static void noctty_in_session(struct pty *p)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_fd(attr, 0, p->slave));
	/* Without the flag the child shares our terminal... */
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p->rdev));
	fxt_report_free(r);
	/* ...with it, it has none, and we still have ours. */
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), 0);
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), -1);
	fxt_report_free(r);
	ASSERT_EQ(tcgetpgrp(p->slave), getpgrp());
	fx_attr_free(attr);
}

TEST_CORE(spawn_noctty)
{
	struct pty p;

	open_pty(&p);
	in_tty_session(&p, noctty_in_session);
	close(p.slave);
	close(p.master);
}

/* fd 0 is /dev/null here, not a controlling terminal: TIOCNOTTY fails. */
TEST_CORE(spawn_noctty_not_a_tty)
{
	fx_attr *attr = fxt_attr();
	fx_error err;
	int fds = fxt_fd_count();

	memset(&err, 0, sizeof err);
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	ASSERT_ERR(fxt_probe(attr, NULL, NULL, NULL, &err), -ENOTTY);
	ASSERT_EQ(err.step, FX_STEP_NOCTTY);
	ASSERT_EQ(err.code, ENOTTY);
	fx_attr_free(attr);
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Tracing                                                             */
/* ------------------------------------------------------------------ */

#if !defined(__APPLE__)
static long long tracer_of(pid_t pid)
{
	char path[64], buf[4096], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_SYS(fd);
	n = read(fd, buf, sizeof buf - 1);
	ASSERT_SYS(n);
	buf[n] = 0;
	close(fd);
	p = strstr(buf, "TracerPid:");
	ASSERT(p != NULL);
	return atoll(p + strlen("TracerPid:"));
}

TEST_CORE(spawn_ptrace)
{
	char *argv[] = { (char *)fxt_probe_path(), NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), st;
	pid_t pid;

	ASSERT_SYS(null);
	ASSERT_OK(fx_attr_set_fd(attr, 1, null));
	ASSERT_OK(fx_attr_set_flags(attr, FX_PTRACE));
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	pid = fx_proc_pid(proc);

	/* A tracee stops with SIGTRAP once execve has succeeded. */
	ASSERT_EQ(waitpid(pid, &st, __WALL), pid);
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
		FAIL("expected a SIGTRAP stop, status 0x%x", st);
	ASSERT_EQ(tracer_of(pid), getpid());

	ASSERT_SYS(ptrace(PTRACE_DETACH, pid, NULL, NULL));
	st = fxt_wait_ok(proc);
	ASSERT_EQ(fx_status_exited(st), 1);
	ASSERT_EQ(fx_status_code(st), 0);
	fx_proc_free(proc);
	fx_attr_free(attr);
	close(null);
}
#else
TEST_CORE(spawn_ptrace)
{
	SKIP("Linux only: the tracer's pid is read from /proc/PID/status");
}
#endif

TEST_CORE(spawn_not_traced_by_default)
{
	FXT_LINUX_ONLY("the probe reads TracerPid from /proc/self/status");
	fx_attr *attr = fxt_attr();
	fxt_report *r = fxt_probe_ok(attr, NULL);

	ASSERT_EQ(fxt_get_ll(r, "tracerpid"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

TEST_CORE(spawn_fd_map_pipe)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	char want[256];
	fxt_report *r;
	int p[2];

	fxt_pipe(p);
	fd_target(p[1], want, sizeof want);
	ASSERT_OK(fx_attr_set_fd(attr, 5, p[1]));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, want);
	ASSERT_EQ(info.cloexec, 0);
	ASSERT_EQ(info.flags & O_ACCMODE, O_WRONLY);
	ASSERT_FDS(r, "0,1,2,5");
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p[0]);
	close(p[1]);
}

TEST_CORE(spawn_fd_map_file)
{
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "file");
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int fd;

	fxt_write_file(path, "data", 0644);
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	ASSERT_SYS(fd);
	ASSERT_OK(fx_attr_set_fd(attr, 5, fd));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, path);
	ASSERT_EQ(info.cloexec, 0);
	/* The same open file description: its flags come along. */
	ASSERT_EQ(info.flags & O_ACCMODE, O_RDWR);
	ASSERT(info.flags & O_APPEND);
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
}

/* Descriptors without O_CLOEXEC do not leak into the child by default. */
TEST_CORE(spawn_fd_unmapped_closed)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	int fd = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC, on purpose */
	int high = fcntl(fd, F_DUPFD, 600);

	ASSERT_SYS(fd);
	ASSERT_SYS(high);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_FDS(r, "0,1,2");
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
	close(high);
}

TEST_CORE(spawn_fd_keep_fds)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int fd = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC, on purpose */
	int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char want[64];

	ASSERT_SYS(fd);
	ASSERT_SYS(cloexec);
	ASSERT_OK(fx_attr_set_flags(attr, FX_KEEP_FDS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, fd, &info));
	ASSERT_STR_EQ(info.target, "/dev/null");
	ASSERT_EQ(info.cloexec, 0);
	/* Close-on-exec ones still close, as with plain fork+exec. */
	ASSERT(!fxt_fd_info(r, cloexec, &info));
	snprintf(want, sizeof want, "0,1,2,%d", fd);
	ASSERT_FDS(r, want);
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
	close(cloexec);
}

TEST_CORE(spawn_fd_close_child_fd)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_fd(attr, 2, -1));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_FDS(r, "0,1");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* dup2(5, 5) would keep close-on-exec: the library must clear it. */
TEST_CORE(spawn_fd_identity_map)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_SYS(null);
	ASSERT_EQ(dup3(null, 5, O_CLOEXEC), 5);
	ASSERT_OK(fx_attr_set_fd(attr, 5, 5));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, "/dev/null");
	ASSERT_EQ(info.cloexec, 0);
	fxt_report_free(r);
	/* Our own fd 5 is untouched. */
	ASSERT_EQ(fcntl(5, F_GETFD), FD_CLOEXEC);
	fx_attr_free(attr);
	close(5);
	close(null);
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */
/* ------------------------------------------------------------------ */

/*
 * execve resets caught signals by itself; what can go wrong is a library
 * that "resets" a caught signal to SIG_IGN, or forgets one it caught.
 */
TEST_CORE(spawn_sig_caught_is_default)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	fxt_catch_signal(SIGUSR1);
	fxt_catch_signal(SIGTERM);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* POSIX: ignored signals stay ignored across exec... */
TEST_CORE(spawn_sig_ignored_kept)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	signal(SIGUSR2, SIG_IGN);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), FXT_SIGBIT(SIGUSR2));
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ...unless named in sigdefault. */
TEST_CORE(spawn_sig_sigdefault)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_OK(fx_attr_set_sigdefault(attr, &set));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), FXT_SIGBIT(SIGPIPE));
	fxt_report_free(r);
	/* The parent's own dispositions are not changed. */
	ASSERT(signal(SIGUSR2, SIG_IGN) == SIG_IGN);
	fx_attr_free(attr);
}

TEST_CORE(spawn_sig_clean)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	fxt_catch_signal(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, FXT_SIG_EXTRA);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	ASSERT_OK(fx_attr_set_flags(attr, FX_CLEAN_SIGNALS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigmask"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

struct mask_job {
	fx_attr *attr;
	fxt_report *report;
};

static void *spawn_with_sighup_blocked(void *arg)
{
	struct mask_job *job = arg;
	sigset_t set, after;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	job->report = fxt_probe_ok(job->attr, NULL);
	/* Spawning blocks all signals for a moment: ours must come back. */
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&after, sig) != (sig == SIGHUP))
			FAIL("signal %d %s blocked after the spawn", sig,
			     sigismember(&after, sig) ? "is" : "is not");
	return NULL;
}

/* The default mask is the spawning thread's, not the main thread's. */
TEST_CORE(spawn_sig_mask_of_thread)
{
	struct mask_job job = { fxt_attr(), NULL };
	pthread_t thread;

	ASSERT_EQ(pthread_create(&thread, NULL, spawn_with_sighup_blocked,
	                         &job), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	ASSERT_EQ(fxt_get_hex(job.report, "sigmask"), FXT_SIGBIT(SIGHUP));
	fxt_report_free(job.report);

	/* From the main thread, with nothing blocked, nothing is. */
	job.report = fxt_probe_ok(job.attr, NULL);
	ASSERT_EQ(fxt_get_hex(job.report, "sigmask"), 0);
	fxt_report_free(job.report);
	fx_attr_free(job.attr);
}

TEST_CORE(spawn_sig_setmask)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	/* Our own mask has SIGHUP; the attr's mask wins. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, FXT_SIG_HIGHEST);
	ASSERT_OK(fx_attr_set_sigmask(attr, &set));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigmask"), FXT_SIGBIT(SIGUSR1) |
	          FXT_SIGBIT(SIGTERM) | FXT_SIGBIT(FXT_SIG_HIGHEST));
	ASSERT_EQ(fxt_get_hex(r, "sigpending"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST_CORE(spawn_pdeathsig)
{
	FXT_LINUX_ONLY("Darwin has no parent-death signal (fx_attr_set_pdeathsig: -ENOTSUP)");
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pdeathsig"), 0);
	fxt_report_free(r);
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGUSR1));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pdeathsig"), SIGUSR1);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A switch of uid or gid clears the parent-death signal in the kernel;
 * the child sets it again after the switch. */
TEST_CORE(spawn_pdeathsig_survives_setuid)
{
	FXT_LINUX_ONLY("Darwin has no parent-death signal (fx_attr_set_pdeathsig: -ENOTSUP)");
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("needs root to switch to uid 65534");
	ASSERT_OK(fx_attr_set_gid(attr, 65534));
	ASSERT_OK(fx_attr_set_uid(attr, 65534));
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGUSR1));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pdeathsig"), SIGUSR1);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	fxt_report_free(r);
	fx_attr_free(attr);
}

struct orphan_job {
	fx_attr *attr;
	fx_proc *proc;
};

static void *spawn_and_exit(void *arg)
{
	struct orphan_job *job = arg;
	fx_error err;

	ASSERT_SPAWNED(fxt_probe_start(NULL, job->attr, wait_stdin,
	                               &job->proc, NULL, &err), &err);
	return NULL;
}

/* The signal comes when the spawning thread ends, not the process. */
TEST_CORE(spawn_pdeathsig_thread_exit)
{
	FXT_LINUX_ONLY("Darwin has no parent-death signal (fx_attr_set_pdeathsig: -ENOTSUP)");
	struct orphan_job job = { fxt_attr(), NULL };
	pthread_t thread;
	int in[2], st = -1, rc;

	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(job.attr, 0, in[0]));
	ASSERT_OK(fx_attr_set_pdeathsig(job.attr, SIGKILL));
	ASSERT_EQ(pthread_create(&thread, NULL, spawn_and_exit, &job), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	close(in[0]);

	rc = fx_proc_wait(job.proc, &st, 10000);
	close(in[1]);
	if (rc == -ETIMEDOUT) {
		fxt_wait_ok(job.proc);
		FAIL("the child outlived the thread that spawned it");
	}
	ASSERT_OK(rc);
	ASSERT_EQ(fx_status_signal(st), SIGKILL);
	fx_proc_free(job.proc);
	fx_attr_free(job.attr);
}

/*
 * The POSIX limits of forkexec.h, on every platform and both backends:
 * a soft RLIMIT_CORE of 0, a umask, a higher nice value, as the probe
 * reads them in the child.  (RLIMIT_CORE, which no emulator keeps for
 * itself: valgrind virtualises RLIMIT_NOFILE, see limits_rlimit_nofile.)
 */
TEST_CORE(spawn_posix_limits)
{
	fx_attr *attr = fxt_attr();
	struct rlimit rl;
	fxt_report *r;
	int nice_now, nice_want;
	const char *got;

	ASSERT_EQ(getrlimit(RLIMIT_CORE, &rl), 0);
	errno = 0;
	nice_now = getpriority(PRIO_PROCESS, 0);
	ASSERT(nice_now != -1 || errno == 0);
	nice_want = nice_now < 19 ? nice_now + 1 : 19;
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_CORE, 0, rl.rlim_max));
	ASSERT_OK(fx_attr_set_umask(attr, 027));
	ASSERT_OK(fx_attr_set_nice(attr, nice_want));
	ASSERT_STR_EQ(fx_rlimit_name(RLIMIT_CORE), "core");

	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "umask"), "0027");
	ASSERT_EQ(fxt_get_ll(r, "nice"), nice_want);
	got = fxt_get(r, "rlimit.core");
	ASSERT(got && strncmp(got, "0:", 2) == 0);
	fxt_report_free(r);

	ASSERT_ERR(fx_attr_set_umask(attr, 01000), -EINVAL);
	ASSERT_ERR(fx_attr_set_nice(attr, 20), -EINVAL);
	ASSERT_ERR(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 2, 1), -EINVAL);
	fx_attr_free(attr);
}
