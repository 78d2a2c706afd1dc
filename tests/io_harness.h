/* SPDX-License-Identifier: MIT */
/*
 * Tests of the io layer (forkexec-io.h): stdio wiring, fx_run (capture,
 * input, limits, timeout, grace, process groups, wait delay, EPIPE,
 * signal storms) and the step by step calls.
 *
 * Every test ends checking that no descriptor and no child is left.
 * Tests whose children leave grandchildren behind make the test process
 * a child subreaper first, so that those are reparented to it (not to
 * the runner, which would count them as strays), and reap them.
 */
/*
 * io_harness.h: the helpers the test_io*.c files share.  Static inline:
 * each test file takes what it uses.
 */
#ifndef FXT_IO_HARNESS_H
#define FXT_IO_HARNESS_H
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec-io.h"
#include "fxt.h"
#include "pattern.h"

#define MIB ((size_t)1024 * 1024)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static inline fx_run_opts *opts_new(unsigned flags)
{
	fx_run_opts *o;

	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_OK(fx_run_opts_set_flags(o, flags));
	return o;
}

/* fx_run that must start the program; fails with the library's message. */
#define run_ok(res, argv, attr, opts) run_ok_(__FILE__, __LINE__, (res), (argv), (attr), (opts))
static inline void run_ok_(const char *file, int line, fx_result **res, char *const *argv,
                    const fx_attr *attr, const fx_run_opts *opts)
{
	fx_error err;
	int rc = fx_run(res, argv[0], argv, attr, opts, &err);

	fxt_assert_spawned_(file, line, rc, &err);
	if (!*res)
		fxt_fail_(file, line, "fx_run returned 0 without a result");
}

static inline char **sh_argv(const char *script)
{
	static char *argv[4];

	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)script;
	argv[3] = NULL;
	return argv;
}

/* Orphans of our children come to us, not to the runner. */
static inline void adopt_orphans(void)
{
	ASSERT_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* Reaps every child we have; call after killing them. */
static inline void reap_adopted(void)
{
	int st;

	while (waitpid(-1, &st, __WALL) > 0 || errno == EINTR)
		;
}

static inline int sigpipe_pending(void)
{
	sigset_t set;

	ASSERT_SYS(sigpending(&set));
	return sigismember(&set, SIGPIPE);
}

#endif
