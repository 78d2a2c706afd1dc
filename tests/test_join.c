/* SPDX-License-Identifier: MIT */
/*
 * Joining a running process's namespaces (fx_attr_join_namespaces_fd,
 * _pid): the target is made with the library itself (a probe in new
 * namespaces, waiting on its stdin), and the joiner, another probe,
 * must report the target's namespace inodes, its hostname and, in a pid
 * namespace, pid 2.  The refusals name the step and leave nothing
 * behind.  The tests run as root (making the target needs it); an
 * unprivileged joiner is refused by the kernel, as asserted.
 */
#include "fxt.h"
#include "forkexec-io.h"
#include "forkexec-linux.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NOBODY 65534
#define TARGET_HOSTNAME "fxjoin-target"

static const char *const wait_stdin[] = { "--wait-stdin", NULL };

struct target {
	fx_proc *proc;
	fxt_report *r;
};

/* A probe in new namespaces `flags`, waiting on its stdin; with a new
 * uts namespace, named TARGET_HOSTNAME (by a forked helper that joins
 * it: the test process itself stays where it is). */
static void target_start(struct target *t, unsigned long flags)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	/* Only the clone can give a child a new pid namespace. */
	if (flags & CLONE_NEWPID)
		ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_CLONE));
	ASSERT_OK(fx_attr_set_namespaces(attr, flags));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, wait_stdin, &t->proc, &t->r, &err), &err);
	fx_attr_free(attr);
	if (flags & CLONE_NEWUTS) {
		int status;
		pid_t pid = fork();

		ASSERT(pid >= 0);
		if (pid == 0)
			_exit(setns(fx_proc_pidfd(t->proc), CLONE_NEWUTS) == 0 &&
			      sethostname(TARGET_HOSTNAME, strlen(TARGET_HOSTNAME)) == 0 ? 0 : 1);
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void target_end(struct target *t)
{
	int status;

	ASSERT_OK(fx_proc_close_stdio(t->proc, FX_STDIN));
	ASSERT_OK(fx_proc_wait(t->proc, &status, -1));
	ASSERT(fx_status_exited(status) && fx_status_code(status) == 0);
	fx_proc_free(t->proc);
	fxt_report_free(t->r);
}

static void same_ns(const fxt_report *a, const fxt_report *b, const char *key)
{
	ASSERT(fxt_get(a, key) && fxt_get(b, key));
	ASSERT_STR_EQ(fxt_get(a, key), fxt_get(b, key));
}

/* By the pidfd of a child of ours: its uts, net and mount namespaces,
 * and its hostname; the others stay ours. */
TEST(join_by_pidfd)
{
	unsigned long kinds = CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWNS;
	struct target t;
	fx_attr *attr = fxt_attr();
	fxt_report *r, *self;

	target_start(&t, kinds);
	ASSERT(strcmp(fxt_get(t.r, "ns.uts"), fxt_get(t.r, "ns.ipc")) != 0);
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), kinds));
	r = fxt_probe_ok(attr, NULL);
	same_ns(r, t.r, "ns.uts");
	same_ns(r, t.r, "ns.net");
	same_ns(r, t.r, "ns.mnt");
	ASSERT_STR_EQ(fxt_get(r, "hostname"), TARGET_HOSTNAME);
	/* The ipc namespace was not asked for: still ours. */
	fx_attr_free(attr);
	attr = fxt_attr();
	self = fxt_probe_ok(attr, NULL);
	same_ns(r, self, "ns.ipc");
	ASSERT(strcmp(fxt_get(r, "ns.uts"), fxt_get(self, "ns.uts")) != 0);
	fxt_report_free(self);
	fxt_report_free(r);
	fx_attr_free(attr);
	target_end(&t);
}

/* By pid, with its pid namespace: the joiner is born in it, as pid 2
 * (the target is its pid 1). */
TEST(join_by_pid_with_pid_namespace)
{
	unsigned long kinds = CLONE_NEWPID | CLONE_NEWUTS;
	struct target t;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	target_start(&t, kinds);
	ASSERT_STR_EQ(fxt_get(t.r, "pid"), "1");
	ASSERT_OK(fx_attr_join_namespaces_pid(attr, fx_proc_pid(t.proc), kinds));
	r = fxt_probe_ok(attr, NULL);
	same_ns(r, t.r, "ns.pid");
	same_ns(r, t.r, "ns.uts");
	ASSERT_STR_EQ(fxt_get(r, "pid"), "2");
	ASSERT_STR_EQ(fxt_get(r, "hostname"), TARGET_HOSTNAME);
	fxt_report_free(r);
	fx_attr_free(attr);
	target_end(&t);
}

/* Refusals: at set time, and at spawn time with the step named and
 * nothing left behind. */
TEST(join_refused)
{
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;
	struct target t;
	char buf[256];
	int fds;

	ASSERT_ERR(fx_attr_join_namespaces_fd(NULL, 0, CLONE_NEWUTS), -EINVAL);
	ASSERT_ERR(fx_attr_join_namespaces_fd(attr, -1, CLONE_NEWUTS), -EBADF);
	ASSERT_ERR(fx_attr_join_namespaces_fd(attr, 0, CLONE_VM), -EINVAL);
	ASSERT_ERR(fx_attr_join_namespaces_pid(attr, 0, CLONE_NEWUTS), -EINVAL);

	target_start(&t, CLONE_NEWUTS);
	fds = fxt_fd_count();
	/* Joined and new at once. */
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), CLONE_NEWUTS));
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUTS));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EINVAL);
	ASSERT_EQ(err.step, FX_STEP_JOIN);
	ASSERT_STR_EQ(fx_strerror(&err, buf, sizeof buf),
	              fxt_msg_of("join uts namespace both joined and new", EINVAL));
	ASSERT_OK(fx_attr_set_namespaces(attr, 0));
	/* A pid namespace with a parent-death signal. */
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), CLONE_NEWPID));
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGTERM));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EINVAL);
	ASSERT_EQ(err.step, FX_STEP_JOIN);
	ASSERT_STR_EQ(fx_strerror(&err, buf, sizeof buf),
	              fxt_msg_of("join pid namespace with a parent-death signal", EINVAL));
	ASSERT_OK(fx_attr_set_pdeathsig(attr, 0));
	/* A pid that is no process: our own child, reaped. */
	{
		pid_t gone = fork();
		int status;

		ASSERT(gone >= 0);
		if (gone == 0)
			_exit(0);
		ASSERT_EQ(waitpid(gone, &status, 0), gone);
		ASSERT_OK(fx_attr_join_namespaces_pid(attr, gone, CLONE_NEWUTS));
		ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -ESRCH);
		ASSERT_EQ(err.step, FX_STEP_JOIN);
	}
	ASSERT(proc == NULL);
	fxt_assert_fd_count(fds);
	fx_attr_free(attr);
	target_end(&t);
	fxt_assert_no_children();
}

/* uid 65534 may not enter namespaces owned by root: the kernel's
 * refusal, reported by the child's step. */
TEST(join_unprivileged_refused)
{
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;
	struct target t;

	target_start(&t, CLONE_NEWUTS);
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), CLONE_NEWUTS));
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	/* setns comes before setuid in the child's order: still root, it
	 * joins; the program then runs as 65534 in the target's uts. */
	{
		fxt_report *r = fxt_probe_ok(attr, NULL);

		ASSERT_STR_EQ(fxt_get(r, "hostname"), TARGET_HOSTNAME);
		ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
		fxt_report_free(r);
	}
	fx_attr_free(attr);
	/* From inside a new user namespace the child holds no capability
	 * over the target's (owned by the initial one): EPERM. */
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), CLONE_NEWUTS));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_JOIN, EPERM, -1, fxt_msg_of("join", EPERM));
	fx_attr_free(attr);
	target_end(&t);
}

/* A time namespace: the kernel lets only a process that shares its
 * memory with no other join one, so the fork backend's child can and
 * the clone backend's (CLONE_VM) is refused with EUSERS. */
TEST(join_time_namespace)
{
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr = fxt_attr(), *fork_attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;
	struct target t;
	fxt_report *r;

	target_start(&t, CLONE_NEWTIME);
	ASSERT(strcmp(fxt_get(t.r, "ns.time"), fxt_get(t.r, "ns.user")) != 0);
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_CLONE));
	ASSERT_OK(fx_attr_join_namespaces_fd(attr, fx_proc_pidfd(t.proc), CLONE_NEWTIME));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EUSERS);
	fxt_check_err(&err, FX_STEP_JOIN, EUSERS, -1, fxt_msg_of("join", EUSERS));
	ASSERT_OK(fx_attr_set_backend(fork_attr, FX_BACKEND_FORK));
	ASSERT_OK(fx_attr_join_namespaces_fd(fork_attr, fx_proc_pidfd(t.proc), CLONE_NEWTIME));
	r = fxt_probe_ok(fork_attr, NULL);
	same_ns(r, t.r, "ns.time");
	fxt_report_free(r);
	fx_attr_free(fork_attr);
	fx_attr_free(attr);
	target_end(&t);
}
