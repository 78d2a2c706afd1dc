/* SPDX-License-Identifier: MIT */
/*
 * seccomp by name (fx_attr_set_seccomp_names): the program the probe
 * runs finds exactly the named calls denied (or exactly the others), with
 * the errno asked for, or is killed; as root, as uid 65534 with and
 * without no_new_privs, and as uid 65534 inside a user namespace.  And
 * the name table the library was built with agrees with libc's numbers.
 * The raw program's tests are in test_limits.c.
 */
#include "fxt.h"
#include "forkexec-linux.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

static const char *const try_uname[] = { "--try-syscall=uname", NULL };
static const char *const try_getcwd[] = { "--try-syscall=getcwd", NULL };
static const char *const try_getppid[] = { "--try-syscall=getppid", NULL };
static const char *const try_x32_uname[] = { "--try-syscall=x32_uname", NULL };

/* The library says -ENOTSUP where it knows no seccomp architecture. */
static void need_names(fx_attr *attr)
{
	static const char *const one[] = { "getppid" };
	int rc = fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, one, 1, 0);

	if (rc == -ENOTSUP)
		SKIP("no seccomp by name for this build's architecture");
	ASSERT_OK(rc);
}

/* try.NAME of one probe run with attr. */
static long long try_result(fx_attr *attr, const char *const *args, const char *key)
{
	fxt_report *r = fxt_probe_ok(attr, args);
	long long v;

	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	v = fxt_get_ll(r, key);
	fxt_report_free(r);
	return v;
}

TEST_CORE(seccomp_names_table_matches_libc)
{
	static const struct {
		const char *name;
		long nr;
	} known[] = {
		{ "uname", SYS_uname }, { "getcwd", SYS_getcwd }, { "execve", SYS_execve },
		{ "exit_group", SYS_exit_group }, { "openat", SYS_openat },
		{ "getppid", SYS_getppid }, { "close", SYS_close },
	};
	size_t named = 0;

	if (fx_syscall_number("uname") == -ENOTSUP)
		SKIP("no system call table on this system");
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		ASSERT_EQ(fx_syscall_number(known[i].name), known[i].nr);
		ASSERT_STR_EQ(fx_syscall_name((int)known[i].nr), known[i].name);
	}
	/* Every number with a name leads back to itself (aliases such as
	 * arm's sync_file_range2 share a number). */
	for (int nr = 0; nr < 4096; nr++) {
		const char *name = fx_syscall_name(nr);

		if (name) {
			ASSERT_EQ(fx_syscall_number(name), nr);
			named++;
		}
	}
	ASSERT(named > 250);
	ASSERT_EQ(fx_syscall_number("no_such_call"), -ENOENT);
	ASSERT_EQ(fx_syscall_number(""), -ENOENT);
	ASSERT_EQ(fx_syscall_number(NULL), -EINVAL);
	ASSERT(fx_syscall_name(-1) == NULL);
}

TEST_CORE(seccomp_names_refused)
{
	static const char *const ok[] = { "uname" };
	static const char *const unknown[] = { "uname", "no_such_call" };
	static const char *const null_name[] = { NULL };
	fx_attr *attr = fxt_attr();

	need_names(attr);
	ASSERT_ERR(fx_attr_set_seccomp_names(NULL, FX_SECCOMP_DENY, ok, 1, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, 0, ok, 1, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, 3, ok, 1, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, ok, 1, 4096), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, ok, 1, -2), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, NULL, 1, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, unknown, 2, 0), -ENOENT);
	ASSERT_ERR(fx_attr_set_seccomp_names(attr, FX_SECCOMP_ALLOW, null_name, 1, 0), -EINVAL);
	/* The refusals kept the filter set before: getppid denied. */
	ASSERT_EQ(try_result(attr, try_getppid, "try.getppid"), EPERM);
	/* names NULL removes it. */
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, NULL, 0, 0));
	{
		fxt_report *r = fxt_probe_ok(attr, try_getppid);

		ASSERT_EQ(fxt_get_ll(r, "seccomp"), 0);
		ASSERT_EQ(fxt_get_ll(r, "try.getppid"), 0);
		fxt_report_free(r);
	}
	fx_attr_free(attr);
}

/* Deny uname: uname fails with EPERM (the default), getcwd works. */
TEST_CORE(seccomp_names_deny_default_eperm)
{
	static const char *const names[] = { "uname" };
	fx_attr *attr = fxt_attr();

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 1, 0));
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EPERM);
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), 0);
	ASSERT_EQ(try_result(attr, try_getppid, "try.getppid"), 0);
	fx_attr_free(attr);
}

/* Two names with another errno: both get it, nothing else does. */
TEST_CORE(seccomp_names_deny_errno)
{
	static const char *const names[] = { "getcwd", "uname", "getcwd" };
	fx_attr *attr = fxt_attr();

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 3, EXDEV));
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EXDEV);
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), EXDEV);
	ASSERT_EQ(try_result(attr, try_getppid, "try.getppid"), 0);
	fx_attr_free(attr);
}

/* FX_SECCOMP_KILL: the probe dies of SIGSYS at its uname. */
TEST_CORE(seccomp_names_deny_kill)
{
	static const char *const names[] = { "uname" };
	fx_attr *attr = fxt_attr();
	fxt_report *r = NULL;
	fx_error err;
	int status = 0;

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 1, FX_SECCOMP_KILL));
	ASSERT_SPAWNED(fxt_probe(attr, try_uname, &r, &status, &err), &err);
	fxt_report_free(r);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGSYS);
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), 0);
	fx_attr_free(attr);
}

/*
 * An allow list of every call this architecture has but uname: uname
 * fails, the others run (the probe starts, reads /proc, reports).
 */
TEST_CORE(seccomp_names_allow)
{
	const char **names = calloc(4096, sizeof *names);
	fx_attr *attr = fxt_attr();
	size_t n = 0;

	ASSERT(names);
	need_names(attr);
	for (int nr = 0; nr < 4096; nr++) {
		const char *name = fx_syscall_name(nr);

		if (name && strcmp(name, "uname") != 0)
			names[n++] = name;
	}
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_ALLOW, names, n, EXDEV));
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EXDEV);
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), 0);
	free(names);
	fx_attr_free(attr);
}

/* An allow list without the calls a program needs: execve is let
 * through (so the spawn succeeds), then the program's first unlisted
 * call kills it.  exit and exit_group are never filtered. */
TEST_CORE(seccomp_names_allow_short_list_kills)
{
	static const char *const names[] = { "getppid" };
	fx_attr *attr = fxt_attr();
	fxt_report *r = NULL;
	fx_error err;
	int status = 0;

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_ALLOW, names, 1, FX_SECCOMP_KILL));
	ASSERT_SPAWNED(fxt_probe(attr, try_getppid, &r, &status, &err), &err);
	fxt_report_free(r);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGSYS);
	fx_attr_free(attr);
}

/* On x86_64 the x32 twin of a denied call gets the action too (without
 * the filter: ENOSYS, or a result where the kernel has x32). */
TEST_CORE(seccomp_names_x32_twin_denied)
{
	static const char *const names[] = { "uname" };
	fx_attr *attr = fxt_attr();

#if !defined(__x86_64__) || defined(__ILP32__)
	SKIP("x32 exists beside the x86_64 ABI only");
#endif
	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 1, EXDEV));
	ASSERT_EQ(try_result(attr, try_x32_uname, "try.x32_uname"), EXDEV);
	fx_attr_free(attr);
}

/* A second call replaces the list; it does not add to it. */
TEST_CORE(seccomp_names_replaced)
{
	static const char *const deny_uname[] = { "uname" };
	static const char *const deny_getcwd[] = { "getcwd" };
	fx_attr *attr = fxt_attr();

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny_getcwd, 1, EXDEV));
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny_uname, 1, EXDEV));
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), 0);
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EXDEV);
	fx_attr_free(attr);
}

/* The raw program and the one by name both apply: a raw program (no
 * architecture check: a test's, not a policy) denies getcwd, the names
 * deny uname. */
TEST_CORE(seccomp_names_with_raw_program)
{
	static const char *const deny_uname[] = { "uname" };
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getcwd, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOTTY),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof insns / sizeof insns[0], insns };
	fx_attr *attr = fxt_attr();

	need_names(attr);
	ASSERT_OK(fx_attr_set_seccomp(attr, &prog));
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny_uname, 1, EXDEV));
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), ENOTTY);
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EXDEV);
	ASSERT_EQ(try_result(attr, try_getppid, "try.getppid"), 0);
	fx_attr_free(attr);
}

/* uid 65534: the kernel wants no_new_privs. */
TEST_CORE(seccomp_names_unprivileged)
{
	static const char *const names[] = { "uname" };
	fx_attr *attr = fxt_attr();
	fx_error err;
	fx_proc *proc = NULL;
	static char *const argv[] = { "fxprobe", NULL };

	need_names(attr);
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 1, 0));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EACCES);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_SECCOMP, EACCES, -1, fxt_msg_of("seccomp", EACCES));
	fxt_assert_no_children();
	ASSERT_OK(fx_attr_set_no_new_privs(attr, 1));
	ASSERT_EQ(try_result(attr, try_uname, "try.uname"), EPERM);
	ASSERT_EQ(try_result(attr, try_getcwd, "try.getcwd"), 0);
	fx_attr_free(attr);
}

/* uid 65534 inside a new user namespace (mapped to itself), with
 * no_new_privs: the same filter. */
TEST_CORE(seccomp_names_in_user_namespace)
{
	static const char *const names[] = { "uname" };
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	need_names(attr);
	ASSERT_OK(fx_attr_add_uid_map(attr, NOBODY, NOBODY, 1));
	ASSERT_OK(fx_attr_add_gid_map(attr, NOBODY, NOBODY, 1));
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_no_new_privs(attr, 1));
	ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 1, EXDEV));
	r = fxt_probe_ok(attr, try_uname);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "uid_map"), "65534 65534 1");
	ASSERT_EQ(fxt_get_ll(r, "try.uname"), EXDEV);
	ASSERT_EQ(fxt_get_ll(r, "seccomp"), 2);
	fxt_report_free(r);
	fx_attr_free(attr);
}
