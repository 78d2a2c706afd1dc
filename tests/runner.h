/* SPDX-License-Identifier: MIT */
/*
 * The test runner: self-registering tests, each run in a process of its
 * own with a timeout, once per variant, reported as TAP.
 *
 *     TEST(spawn_argv) { ... }              runs as [clone], [clone-pipe], [fork]
 *     TEST_ONCE(attr_version) { ... }       backend-independent: runs once
 *     TEST_TIMEOUT(proc_slow, 120) { ... }  a timeout other than 60 s
 *
 * The variants are the clone backend with the child's report in shared
 * memory, the clone backend with the report forced onto the error pipe,
 * and the fork backend (always the pipe).  Inside a test, fxt_backend()
 * says which backend is under test, fxt_variant_name() which variant.  The
 * assertions below never compile out; a failing one records
 * "file:line: message" and ends the test process with failure.
 *
 * Each test process starts with fd 0 on /dev/null, fds 1 and 2 on a
 * capture file (printed after a failure), no other descriptor, an empty
 * signal mask, and its own process group; it is a child of the runner.
 * Whatever it leaves running when it ends is killed, and counts as a
 * failure: tests reap what they start.
 */
#ifndef FXT_RUNNER_H
#define FXT_RUNNER_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct fxt_test {
	const char *name;
	void (*fn)(void);
	int timeout_s;          /* 0: the default (60 s) */
	int once;               /* 1: backend-independent, run once */
	int core;               /* 1: in the core (TEST_CORE below) */
	const char *file;
	struct fxt_test *next;
};

/* Called by the constructors TEST() generates; not for direct use. */
void fxt_register_(struct fxt_test *t);

#define FXT_DEFINE_(name, timeout, once_, core_)                              \
	static void fxt_test_##name(void);                                    \
	static struct fxt_test fxt_desc_##name = {                            \
		#name, fxt_test_##name, (timeout), (once_), (core_), __FILE__, \
		NULL                                                          \
	};                                                                    \
	__attribute__((constructor)) static void fxt_reg_##name(void)         \
	{                                                                     \
		fxt_register_(&fxt_desc_##name);                              \
	}                                                                     \
	static void fxt_test_##name(void)

#define TEST(name)                      FXT_DEFINE_(name, 0, 0, 0)
#define TEST_ONCE(name)                 FXT_DEFINE_(name, 0, 1, 0)
#define TEST_TIMEOUT(name, seconds)     FXT_DEFINE_(name, seconds, 0, 0)
#define TEST_ONCE_TIMEOUT(name, seconds) FXT_DEFINE_(name, seconds, 1, 0)

/*
 * The core: the tests of what differs from one architecture or system
 * call path to another (each step of the child, one raw system call
 * each; the error reports; the static purity checks of child.o; the
 * attributes, limits and the report channel).  Emulated and fallback
 * runs (make check-cross, check-aarch64, check-generic) run these alone:
 * `fxtest -c` lists or runs only them.  A test belongs to the core by
 * being declared with one of these.
 */
#define TEST_CORE(name)                 FXT_DEFINE_(name, 0, 0, 1)
#define TEST_ONCE_CORE(name)            FXT_DEFINE_(name, 0, 1, 1)
#define TEST_TIMEOUT_CORE(name, seconds) FXT_DEFINE_(name, seconds, 0, 1)
#define TEST_ONCE_TIMEOUT_CORE(name, seconds) FXT_DEFINE_(name, seconds, 1, 1)

/* The backend under test: FX_BACKEND_CLONE or FX_BACKEND_FORK. */
int fxt_backend(void);
/* "clone" or "fork". */
const char *fxt_backend_name(void);
/* "clone" (report in shared memory where proven), "clone-pipe" (report
 * over the error pipe, forced), or "fork". */
const char *fxt_variant_name(void);
/* 1 when the variant forces the error pipe on the clone backend. */
int fxt_pipe_forced(void);
/* 1 when this test's spawns report in shared memory, without a pipe: the
 * clone backend, not forced onto the pipe, where this process has proven
 * that memory is shared (not under valgrind or qemu-user). */
int fxt_report_in_memory(void);
/* 1 when this test's spawns use the clone backend on memory proven
 * shared, with clone3: the clone itself makes the namespaces (a new pid
 * namespace among them) and a child waiting for its id maps shares our
 * memory.  Elsewhere (the fork backend, valgrind, qemu-user) the child
 * unshares them, which cannot give it a pid namespace of its own. */
int fxt_clone_shares_memory(void);
/* The name of the running test. */
const char *fxt_test_name(void);
/*
 * A directory private to the running test, removed by the runner when the
 * test ends (even if it crashed).  fxt_tmpdir() makes fresh ones under it.
 */
const char *fxt_scratch_dir(void);

/*
 * The processes whose parent is the calling process, read from /proc (so
 * children of every thread, running or zombie, whatever their exit
 * signal): up to max pids, returns how many.
 */
/* ppid, process group and session of /proc/PID/stat; 0, or -1 if unreadable. */
int fxt_proc_stat(const char *pid, long *ppid, long *pgrp, long *session);
size_t fxt_list_children(pid_t *pids, size_t max);

/* ------------------------------------------------------------------ */
/* Assertions                                                          */
/* ------------------------------------------------------------------ */

__attribute__((noreturn, format(printf, 3, 4)))
void fxt_fail_(const char *file, int line, const char *fmt, ...);
__attribute__((noreturn, format(printf, 3, 4)))
void fxt_skip_(const char *file, int line, const char *fmt, ...);
void fxt_assert_str_eq_(const char *file, int line, const char *ea,
                        const char *eb, const char *a, const char *b);
void fxt_assert_err_(const char *file, int line, const char *expr,
                     int got, int want);

#define FAIL(...) fxt_fail_(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) fxt_skip_(__FILE__, __LINE__, __VA_ARGS__)

#define ASSERT(cond)                                                          \
	do {                                                                  \
		if (!(cond))                                                  \
			FAIL("assertion failed: %s", #cond);                  \
	} while (0)

#define FXT_CMP_(a, op, b)                                                    \
	do {                                                                  \
		long long fxt_a_ = (long long)(a);                            \
		long long fxt_b_ = (long long)(b);                            \
		if (!(fxt_a_ op fxt_b_))                                      \
			FAIL("%s %s %s: %lld vs %lld", #a, #op, #b,           \
			     fxt_a_, fxt_b_);                                 \
	} while (0)

#define ASSERT_EQ(a, b) FXT_CMP_(a, ==, b)
#define ASSERT_NE(a, b) FXT_CMP_(a, !=, b)
#define ASSERT_LT(a, b) FXT_CMP_(a, <, b)
#define ASSERT_LE(a, b) FXT_CMP_(a, <=, b)
#define ASSERT_GT(a, b) FXT_CMP_(a, >, b)
#define ASSERT_GE(a, b) FXT_CMP_(a, >=, b)

/* Both may be NULL; equal only if both are NULL or the strings match. */
#define ASSERT_STR_EQ(a, b)                                                   \
	fxt_assert_str_eq_(__FILE__, __LINE__, #a, #b, (a), (b))

/* expr returns an int: >= 0 passes, a negative errno fails with its text. */
#define ASSERT_OK(expr)                                                       \
	do {                                                                  \
		int fxt_r_ = (expr);                                          \
		if (fxt_r_ < 0)                                               \
			FAIL("%s: %s (%d)", #expr, strerror(-fxt_r_),         \
			     fxt_r_);                                         \
	} while (0)

/* expr returns exactly `want`, a negative errno such as -EINVAL. */
#define ASSERT_ERR(expr, want)                                                \
	fxt_assert_err_(__FILE__, __LINE__, #expr, (expr), (want))

/* A system call wrapper returning -1 and errno: fails with strerror(errno). */
#define ASSERT_SYS(expr)                                                      \
	do {                                                                  \
		if ((expr) == -1)                                             \
			FAIL("%s: %s", #expr, strerror(errno));               \
	} while (0)

#endif /* FXT_RUNNER_H */
