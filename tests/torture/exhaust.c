/* SPDX-License-Identifier: MIT */
/*
 * Exhaustion: each resource a spawn needs, used up, must give a clean
 * error that names the step, and leave nothing behind (no child, no
 * descriptor, no memory); once the resource is back, spawning works.
 *
 *   - RLIMIT_NPROC reached: root is exempt, so the test process first
 *     becomes uid/gid 65534 and then sets the limit to the number of
 *     tasks that user already runs -> -EAGAIN at FX_STEP_CLONE.  This
 *     is the process's first spawn, so the library's one-time checks
 *     meet the limit too.
 *   - RLIMIT_NOFILE: the descriptor table filled up to the limit.  Where
 *     the child reports over the error pipe: 0 and 1 free slots ->
 *     -EMFILE at FX_STEP_PIPE; with 2 free slots (the error pipe fits, a
 *     pidfd does not) the spawn must either work or fail cleanly, and
 *     what happens is printed.  Where it reports in shared memory, no
 *     descriptor is needed but the pidfd: 0 free slots -> the child
 *     starts without a pidfd, 1 free slot -> with one.
 *   - The child stack: in a fresh thread (the stack is mapped per thread
 *     and cached) with RLIMIT_AS lowered so that its 68 KiB mapping
 *     fails -> -ENOMEM at FX_STEP_STACK, on the clone backend (the fork
 *     backend maps no stack).
 *   - Thread-specific data keys: the application took all of them before
 *     its first spawn; spawning from threads must neither touch a key of
 *     the application's nor leave a child stack mapped per thread.
 */
#include "torture.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define NOBODY 65534

static char *const *true_argv(void)
{
	static char *argv[2];

	argv[0] = (char *)ftt_true_path();
	return argv;
}

/*
 * The descriptor count, even with a full table (/proc/self/fd needs a
 * descriptor): the soft limit is raised for the count, then restored.
 */
static int count_fds(void)
{
	struct rlimit lim, more;
	int n;

	ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &lim));
	more = lim;
	if (more.rlim_cur < 1024 && more.rlim_max >= 1024)
		more.rlim_cur = 1024;
	ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &more));
	n = fxt_fd_count();
	ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &lim));
	return n;
}

/* Bytes in use by malloc, without needing a descriptor; -1 if unknown. */
static long heap_in_use(void)
{
	return ftt_usage_heap();
}

/* A spawn that must fail with `code` at `step`, leaving nothing behind. */
#define expect_spawn_error(attr, code, step)                                  \
	expect_spawn_error_(__FILE__, __LINE__, (attr), (code), (step))
static void expect_spawn_error_(const char *file, int line, const fx_attr *attr,
                                int code, int step)
{
	char *const *argv = true_argv();
	int before = count_fds(), after;
	fx_proc *proc = (fx_proc *)1;
	char text[300];
	fx_error err;
	int rc;

	memset(&err, 0x5a, sizeof err);
	rc = fx_spawn(&proc, argv[0], argv, attr, &err);
	if (rc >= 0) {
		fx_proc_wait(proc, NULL, -1);
		fx_proc_free(proc);
		fxt_fail_(file, line, "the spawn worked; expected %s at step %s",
		          strerror(code), fx_step_name(step));
	}
	if (rc != -code || err.code != code || err.step != step)
		fxt_fail_(file, line, "got %d: %s [step %s]; expected %s at step %s", rc,
		          fx_strerror(&err, text, sizeof text), fx_step_name(err.step),
		          strerror(code), fx_step_name(step));
	if (proc != NULL)
		fxt_fail_(file, line, "*out is not NULL after a failure");
	fxt_assert_no_children_(file, line);
	after = count_fds();
	if (after != before)
		fxt_fail_(file, line, "%d descriptors before the spawn, %d after", before,
		          after);
}

/* ------------------------------------------------------------------ */
/* RLIMIT_NPROC                                                        */
/* ------------------------------------------------------------------ */

/* Tasks (threads included) whose real uid is `uid`: what NPROC counts. */
static long tasks_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;

	ASSERT(d);
	while ((e = readdir(d))) {
		char path[300], line[256];
		long ruid = -1, threads = 0;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			sscanf(line, "Uid: %ld", &ruid);
			sscanf(line, "Threads: %ld", &threads);
		}
		fclose(f);
		if (ruid == (long)uid)
			n += threads;
	}
	closedir(d);
	return n;
}

TORTURE(torture_exhaust_nproc, 60)
{
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, end;
	struct rlimit lim, saved;
	long tasks;

	if (geteuid() != 0)
		SKIP("needs root, to become uid 65534 (root ignores RLIMIT_NPROC)");
	ASSERT_SYS(setgroups(0, NULL));
	ASSERT_SYS(setresgid(NOBODY, NOBODY, NOBODY));
	ASSERT_SYS(setresuid(NOBODY, NOBODY, NOBODY));
	ASSERT_SYS(getrlimit(RLIMIT_NPROC, &saved));
	tasks = tasks_of(NOBODY);
	ASSERT_GE(tasks, 1);
	lim.rlim_cur = (rlim_t)tasks;
	lim.rlim_max = saved.rlim_max;
	ASSERT_SYS(setrlimit(RLIMIT_NPROC, &lim));

	for (int i = 0; i < 10; i++)
		expect_spawn_error(attr, EAGAIN, FX_STEP_CLONE);
	/* A failure costs nothing: the next ten leave the same process. */
	base = ftt_baseline("after 10 failures");
	for (int i = 0; i < 10; i++)
		expect_spawn_error(attr, EAGAIN, FX_STEP_CLONE);
	end = ftt_usage();
	ftt_usage_print("after 20 failures", &end);
	ftt_assert_back(&base, &end, 0, 64);

	/* Room again: the same process spawns. */
	ASSERT_SYS(setrlimit(RLIMIT_NPROC, &saved));
	for (int i = 0; i < 5; i++)
		ftt_run_ok(attr, true_argv());
	ftt_note("%s: as uid %d with RLIMIT_NPROC=%ld (its task count): 20 spawns "
	         "failed with EAGAIN at clone, nothing left; then 5 worked\n",
	         fxt_backend_name(), NOBODY, tasks);
	fx_attr_free(attr);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* RLIMIT_NOFILE                                                       */
/* ------------------------------------------------------------------ */

/* Spawns `n` times; each must work, with a pidfd or without as asked,
 * and leave the table as it found it. */
static void spawn_ok_with_pidfd(fx_attr *attr, char *const *argv, int n, int with_pidfd)
{
	for (int i = 0; i < n; i++) {
		int before = count_fds(), status = -1;
		fx_proc *proc = NULL;
		fx_error err;
		char text[300];

		if (fx_spawn(&proc, argv[0], argv, attr, &err) < 0)
			FAIL("spawn %d failed: %s", i, fx_strerror(&err, text, sizeof text));
		ASSERT_EQ(fx_proc_pidfd(proc) >= 0, with_pidfd);
		ASSERT_OK(fx_proc_wait(proc, &status, -1));
		ASSERT_EQ(status, 0);
		fx_proc_free(proc);
		fxt_assert_no_children();
		ASSERT_EQ(count_fds(), before);
	}
}

/* The report travels in memory: a full table costs the pidfd only. */
static void nofile_without_pipe(fx_attr *attr, char *const *argv, int *fds, int *nfds)
{
	long heap;

	spawn_ok_with_pidfd(attr, argv, 10, 0);
	heap = heap_in_use();
	spawn_ok_with_pidfd(attr, argv, 10, 0);
	if (heap >= 0 && heap_in_use() != heap)
		FAIL("10 spawns in a full table changed the heap in use from %ld to %ld "
		     "bytes", heap, heap_in_use());
	close(fds[--*nfds]); /* one free slot: room for the pidfd */
	spawn_ok_with_pidfd(attr, argv, 10, 1);
	ftt_note("%s: report in memory; table full: 20 spawns without a pidfd (the "
	         "last 10 with the heap unchanged); one slot free: 10 with a pidfd\n",
	         fxt_variant_name());
}

/* The report travels over the pipe: a full table fails at the pipe. */
static void nofile_with_pipe(fx_attr *attr, char *const *argv, int *fds, int *nfds)
{
	const char *two_free = "";
	char text[300];
	long heap;

	for (int i = 0; i < 10; i++)
		expect_spawn_error(attr, EMFILE, FX_STEP_PIPE);
	heap = heap_in_use();
	for (int i = 0; i < 10; i++)
		expect_spawn_error(attr, EMFILE, FX_STEP_PIPE);
	if (heap >= 0 && heap_in_use() != heap)
		FAIL("10 spawns failing at pipe changed the heap in use from %ld to %ld "
		     "bytes", heap, heap_in_use());
	close(fds[--*nfds]); /* one free slot: still no pipe */
	for (int i = 0; i < 10; i++)
		expect_spawn_error(attr, EMFILE, FX_STEP_PIPE);

	/* Two free slots: the error pipe fits, a pidfd does not. */
	close(fds[--*nfds]);
	for (int i = 0; i < 10; i++) {
		int before = count_fds(), status = -1;
		fx_proc *proc = NULL;
		fx_error err;
		int rc = fx_spawn(&proc, argv[0], argv, attr, &err);

		if (rc == 0) {
			ASSERT_OK(fx_proc_wait(proc, &status, -1));
			ASSERT_EQ(status, 0);
			two_free = fx_proc_pidfd(proc) < 0 ? "spawned without a pidfd" :
			           "spawned with a pidfd";
			fx_proc_free(proc);
		} else {
			snprintf(text, sizeof text, "failed: %d ", rc);
			fx_strerror(&err, text + strlen(text), sizeof text - strlen(text));
			two_free = text;
		}
		fxt_assert_no_children();
		ASSERT_EQ(count_fds(), before);
	}
	ftt_note("%s: table full: 20 x EMFILE at pipe (the last 10 with the heap "
	         "unchanged); one slot free: 10 x EMFILE "
	         "at pipe; two slots free: %s\n", fxt_variant_name(), two_free);
}

TORTURE(torture_exhaust_nofile, 60)
{
	fx_attr *attr = fxt_attr();
	struct rlimit lim;
	int fds[128], nfds = 0, base;
	char *const *argv = true_argv();

	ftt_run_ok(attr, argv); /* warm-up: the child stack exists */
	base = fxt_fd_count();
	ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &lim));
	lim.rlim_cur = 64;
	ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &lim));
	for (;;) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ASSERT_EQ(errno, EMFILE);
			break;
		}
		ASSERT_LT(nfds, 128);
		fds[nfds++] = fd;
	}

	if (fxt_report_in_memory())
		nofile_without_pipe(attr, argv, fds, &nfds);
	else
		nofile_with_pipe(attr, argv, fds, &nfds);

	while (nfds > 0)
		close(fds[--nfds]);
	ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 1024, lim.rlim_max }));
	ftt_run_ok(attr, argv);
	fx_attr_free(attr);
	fxt_assert_fd_count(base);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* The child stack                                                     */
/* ------------------------------------------------------------------ */

struct stack_case {
	int failures;
	long as_kb;
};

static void *fresh_thread(void *arg)
{
	struct stack_case *c = arg;
	fx_attr *attr = fxt_attr();
	struct rlimit lim, saved;
	char *warm;

	/* This thread's arena has room for the spawn's small allocations,
	 * so that only a new mapping can fail. */
	warm = malloc(96 * 1024);
	ASSERT(warm);
	memset(warm, 1, 96 * 1024);
	free(warm);

	ASSERT_SYS(getrlimit(RLIMIT_AS, &saved));
	c->as_kb = ftt_status_field("VmSize");
	ASSERT_GT(c->as_kb, 0);
	lim.rlim_cur = (rlim_t)(c->as_kb + 16) * 1024; /* 68 KiB cannot fit */
	lim.rlim_max = saved.rlim_max;
	ASSERT_SYS(setrlimit(RLIMIT_AS, &lim));
	for (int i = 0; i < 10; i++) {
		expect_spawn_error(attr, ENOMEM, FX_STEP_STACK);
		c->failures++;
	}
	ASSERT_SYS(setrlimit(RLIMIT_AS, &saved));
	/* The failure was not cached: the same thread now gets its stack. */
	for (int i = 0; i < 5; i++)
		ftt_run_ok(attr, true_argv());
	fx_attr_free(attr);
	return NULL;
}

TORTURE(torture_exhaust_stack, 60)
{
	struct stack_case c = { 0, 0 };
	struct ftt_usage base, end;
	pthread_t thread;

	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("the fork backend maps no child stack");
	ftt_warm_threads(1);
	base = ftt_baseline("baseline");
	ASSERT_EQ(pthread_create(&thread, NULL, fresh_thread, &c), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_note("%s: RLIMIT_AS at VmSize (%ld KiB) + 16 KiB: %d spawns from a "
	         "fresh thread failed with ENOMEM at stack; after it was raised, "
	         "5 worked\n", fxt_backend_name(), c.as_kb, c.failures);
	ASSERT_EQ(c.failures, 10);
	ftt_assert_back(&base, &end, 4096, 512);
}

/* ------------------------------------------------------------------ */
/* Thread-specific data keys                                           */
/* ------------------------------------------------------------------ */

/*
 * The application has used up every pthread key (PTHREAD_KEYS_MAX) before
 * its first spawn, so the library cannot create the key that unmaps a
 * thread's cached child stack at thread exit.  Spawning from threads must
 * still work, must not touch a key that belongs to someone else (the
 * application's first key, with a value of its own), and must not leave a
 * stack mapped per thread.
 */
static pthread_key_t app_key;
static int app_value = 42;
static int app_destructor_runs, app_destructor_wrong;

static void app_destructor(void *value)
{
	app_destructor_runs++;
	if (value != &app_value)
		app_destructor_wrong++;
}

static void *key_thread(void *arg)
{
	(void)arg;
	ASSERT_EQ(pthread_setspecific(app_key, &app_value), 0);
	for (int i = 0; i < 3; i++)
		ftt_run_ok((const fx_attr *)arg, true_argv());
	if (pthread_getspecific(app_key) != &app_value)
		FAIL("fx_spawn changed the value of the application's key %u to %p",
		     (unsigned)app_key, pthread_getspecific(app_key));
	return NULL;
}

TORTURE(torture_exhaust_keys, 60)
{
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, end;
	pthread_key_t extra;
	int nkeys = 1, threads = 20;

	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("the fork backend keeps no per-thread stack");
	/* Before the library's first spawn: it makes its key then. */
	ASSERT_EQ(pthread_key_create(&app_key, app_destructor), 0);
	while (pthread_key_create(&extra, NULL) == 0)
		nkeys++;
	ftt_warm_threads(1);
	base = ftt_baseline("baseline");
	for (int i = 0; i < threads; i++) {
		pthread_t thread;
		ASSERT_EQ(pthread_create(&thread, NULL, key_thread, attr), 0);
		ASSERT_EQ(pthread_join(thread, NULL), 0);
	}
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_note("%s: all %d keys taken by the application; %d threads spawned 3 "
	         "times each; its key's destructor ran %d times, %d of them with a "
	         "value that was not its own\n", fxt_backend_name(), nkeys, threads,
	         app_destructor_runs, app_destructor_wrong);
	ASSERT_EQ(app_destructor_wrong, 0);
	ASSERT_EQ(app_destructor_runs, threads);
	fx_attr_free(attr);
	ftt_assert_back(&base, &end, 4096, 512);
}
