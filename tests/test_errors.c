/* SPDX-License-Identifier: MIT */
/*
 * The error table: every child step made to fail, on both backends.
 *
 * For each failure the test checks the step, the errno, the index and the
 * exact fx_strerror text, that fx_spawn returned the negative errno, and
 * that nothing was left behind: no child (running or zombie) and no new
 * descriptor in the parent.
 */
#include "fxt.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#if !defined(__APPLE__)
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const true_argv[] = { "true", NULL };

/*
 * fx_spawn that must fail.  Fills *err (poisoned first, so a field the
 * library forgets to set shows), checks rc == -err->code, and that the
 * spawn left no child and no descriptor behind.  Returns rc.
 */
#define spawn_fail(attr, file, argv, err)                                     \
	spawn_fail_(__FILE__, __LINE__, (attr), (file), (argv), (err))
static int spawn_fail_(const char *f, int l, const fx_attr *attr,
                       const char *file, char *const argv[], fx_error *err)
{
	int before = fxt_fd_count();
	fx_proc *proc = NULL;
	int rc;

	memset(err, 0x5a, sizeof *err);
	rc = fx_spawn(&proc, file, argv, attr, err);
	if (rc >= 0) {
		int status = -1;

		fx_proc_wait(proc, &status, -1);
		fx_proc_free(proc);
		fxt_fail_(f, l, "fx_spawn(%s) succeeded (child status 0x%x), "
		          "expected a failure", file ? file : "NULL", status);
	}
	fxt_assert_spawn_error_(f, l, rc, err);
	fxt_assert_no_children_(f, l);
	fxt_assert_fd_count_(f, l, before);
	return rc;
}

/*
 * err.subject names what the step worked on.  The header says "the name";
 * the library stores it quoted, the way fx_strerror prints it.  Either is
 * accepted here (the report to the lead asks which is the contract), but
 * the name itself must be there.
 */
#define check_subject(err, name) check_subject_(__FILE__, __LINE__, (err), (name))
static void check_subject_(const char *f, int l, const fx_error *err,
                           const char *name)
{
	size_t n = strlen(name);

	if (strcmp(err->subject, name) == 0)
		return;
	if (strlen(err->subject) == n + 2 && err->subject[0] == '"' &&
	    strncmp(err->subject + 1, name, n) == 0 && err->subject[n + 1] == '"')
		return;
	fxt_fail_(f, l, "err.subject \"%s\", expected \"%s\" (or quoted)",
	          err->subject, name);
}

/* "<step> \"<path>\": <strerror>", the form of every path step's message. */
static char *path_message(const char *step, const char *path, int code)
{
	char *s;

	if (asprintf(&s, "%s \"%s\": %s", step, path, strerror(code)) < 0)
		FAIL("out of memory");
	return s;
}

/* ------------------------------------------------------------------ */
/* Paths: chdir, chroot, exec, lookup                                  */
/* ------------------------------------------------------------------ */

TEST_CORE(errors_chdir_enoent)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_set_cwd(attr, "/nope"));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_CHDIR, ENOENT, -1,
	          "chdir \"/nope\": No such file or directory");
	check_subject(&err, "/nope");
	fx_attr_free(attr);
}

TEST_CORE(errors_chdir_enotdir)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *file = fxt_join(dir, "plain");
	fx_error err;

	fxt_write_file(file, "x\n", 0644);
	ASSERT_OK(fx_attr_set_cwd(attr, file));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTDIR);
	fxt_check_err(&err, FX_STEP_CHDIR, ENOTDIR, -1,
	          path_message("chdir", file, ENOTDIR));
	check_subject(&err, file);
	fx_attr_free(attr);
}

TEST_CORE(errors_chroot_enoent)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_set_chroot(attr, "/nope/root"));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_CHROOT, ENOENT, -1,
	          "chroot \"/nope/root\": No such file or directory");
	check_subject(&err, "/nope/root");
	fx_attr_free(attr);
}

/* A chroot that works, then a cwd that does not exist inside it. */
TEST_CORE(errors_chdir_after_chroot)
{
	fx_attr *attr;
	fx_error err;

	if (geteuid() != 0)
		SKIP("chroot needs root");
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_chroot(attr, fxt_tmpdir()));
	/* /bin exists outside, not in the empty new root. */
	ASSERT_OK(fx_attr_set_cwd(attr, "/bin"));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_CHDIR, ENOENT, -1,
	          "chdir \"/bin\": No such file or directory");
	fx_attr_free(attr);
}

TEST_CORE(errors_exec_enoent)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "missing", NULL };
	fx_error err;

	ASSERT_EQ(spawn_fail(attr, "/nope/fx-missing", argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_EXEC, ENOENT, -1,
	          "exec \"/nope/fx-missing\": No such file or directory");
	check_subject(&err, "/nope/fx-missing");
	fx_attr_free(attr);
}

/* A relative path with a '/' is not searched: it is relative to the cwd. */
TEST_CORE(errors_exec_relative_enoent)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "x", NULL };
	fx_error err;

	ASSERT_OK(fx_attr_set_cwd(attr, fxt_tmpdir()));
	ASSERT_OK(fx_attr_set_search_path(attr, "/bin:/usr/bin"));
	/* true exists on the search path, ./true not in the empty cwd. */
	ASSERT_EQ(spawn_fail(attr, "./true", argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_EXEC, ENOENT, -1,
	          "exec \"./true\": No such file or directory");
	fx_attr_free(attr);
}

TEST_CORE(errors_exec_enotdir)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *file = fxt_join(dir, "plain"),
	     *path = fxt_join(file, "prog");
	char *argv[] = { "prog", NULL };
	fx_error err;

	fxt_write_file(file, "x\n", 0755);
	ASSERT_EQ(spawn_fail(attr, path, argv, &err), -ENOTDIR);
	fxt_check_err(&err, FX_STEP_EXEC, ENOTDIR, -1,
	          path_message("exec", path, ENOTDIR));
	fx_attr_free(attr);
}

/* Mode 0644: no x bit at all, so EACCES even for root. */
TEST_CORE(errors_exec_eacces_mode)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "noexec");
	char *argv[] = { "noexec", NULL };
	fx_error err;

	fxt_write_file(path, "#!/bin/sh\nexit 0\n", 0644);
	ASSERT_EQ(spawn_fail(attr, path, argv, &err), -EACCES);
	fxt_check_err(&err, FX_STEP_EXEC, EACCES, -1,
	          path_message("exec", path, EACCES));
	check_subject(&err, path);
	fx_attr_free(attr);
}

TEST_CORE(errors_exec_directory)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir();
	char *argv[] = { "dir", NULL };
	fx_error err;

	ASSERT_EQ(spawn_fail(attr, dir, argv, &err), -EACCES);
	fxt_check_err(&err, FX_STEP_EXEC, EACCES, -1,
	          path_message("exec", dir, EACCES));
	fx_attr_free(attr);
}

/* Executable, but neither ELF nor "#!": the kernel says ENOEXEC, and the
 * library must not retry it with /bin/sh (that is execvp's business). */
TEST_CORE(errors_exec_enoexec)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "garbage");
	char *argv[] = { "garbage", NULL };
	fx_error err;

	fxt_write_file(path, "\x01\x02\x03 this is no program\n", 0755);
	ASSERT_EQ(spawn_fail(attr, path, argv, &err), -ENOEXEC);
	fxt_check_err(&err, FX_STEP_EXEC, ENOEXEC, -1,
	          path_message("exec", path, ENOEXEC));
	fx_attr_free(attr);
}

/* A script whose interpreter is missing: ENOENT for the script itself. */
TEST_CORE(errors_exec_missing_interpreter)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "script");
	char *argv[] = { "script", NULL };
	fx_error err;

	fxt_write_file(path, "#!/nope/interpreter\n", 0755);
	ASSERT_EQ(spawn_fail(attr, path, argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_EXEC, ENOENT, -1,
	          path_message("exec", path, ENOENT));
	fx_attr_free(attr);
}

TEST_CORE(errors_lookup_enoent)
{
	fx_attr *attr = fxt_attr();
	char *dir = fxt_tmpdir();
	char *argv[] = { "fx-no-such-program", NULL };
	fx_error err;

	ASSERT_OK(fx_attr_set_search_path(attr, dir));
	ASSERT_EQ(spawn_fail(attr, "fx-no-such-program", argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_LOOKUP, ENOENT, -1,
	          "lookup \"fx-no-such-program\": No such file or directory");
	check_subject(&err, "fx-no-such-program");
	fx_attr_free(attr);
}

/* The default search path (the parent's PATH) finds nothing either. */
TEST_CORE(errors_lookup_default_path)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "fx-no-such-program-either", NULL };
	fx_error err;

	ASSERT_EQ(spawn_fail(attr, argv[0], argv, &err), -ENOENT);
	fxt_check_err(&err, FX_STEP_LOOKUP, ENOENT, -1,
	          "lookup \"fx-no-such-program-either\": "
	          "No such file or directory");
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Credentials: from an unprivileged parent                            */
/* ------------------------------------------------------------------ */

/*
 * Drops this test process (not the runner: each test has a process of its
 * own) to nobody, with libc's setres*id, which is fine outside the child.
 * Dumpable again afterwards, so /proc/self/fd stays readable for the leak
 * checks.
 */
static void become_nobody(void)
{
	gid_t nobody_gid = 65534;
	uid_t nobody_uid = 65534;

	if (geteuid() == 0) {
		ASSERT_SYS(setgroups(1, &nobody_gid));
#if defined(__APPLE__)
		/* Darwin: no setres*id; setgid/setuid as root set all three. */
		ASSERT_SYS(setgid(nobody_gid));
		ASSERT_SYS(setuid(nobody_uid));
#else
		ASSERT_SYS(setresgid(nobody_gid, nobody_gid, nobody_gid));
		ASSERT_SYS(setresuid(nobody_uid, nobody_uid, nobody_uid));
		ASSERT_SYS(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
#endif
	}
	/* Whatever we were, we must now be unable to become root. */
	ASSERT(geteuid() != 0);
#if defined(__APPLE__)
	ASSERT(seteuid(0) == -1 && errno == EPERM);
#else
	ASSERT(setresuid((uid_t)-1, 0, (uid_t)-1) == -1 && errno == EPERM);
#endif
}

TEST_CORE(errors_setgroups_eperm)
{
	fx_attr *attr = fxt_attr();
	gid_t groups[] = { 0, 1 };
	fx_error err;

	become_nobody();
	ASSERT_OK(fx_attr_set_groups(attr, 2, groups));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	/* index: the number of groups asked for. */
	fxt_check_err(&err, FX_STEP_SETGROUPS, EPERM, 2,
	          "setgroups (2 groups): Operation not permitted");
	fx_attr_free(attr);
}

TEST_CORE(errors_setgid_eperm)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	become_nobody();
	ASSERT_OK(fx_attr_set_gid(attr, 0));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_SETGID, EPERM, 0,
	          "setgid 0: Operation not permitted");
	fx_attr_free(attr);
}

TEST_CORE(errors_setuid_eperm)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	become_nobody();
	ASSERT_OK(fx_attr_set_uid(attr, 0));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_SETUID, EPERM, 0,
	          "setuid 0: Operation not permitted");
	fx_attr_free(attr);
}

/* The three together: the first in the child's order (setgroups) fails. */
TEST_CORE(errors_credentials_order)
{
	fx_attr *attr = fxt_attr();
	gid_t group = 0;
	fx_error err;

	become_nobody();
	ASSERT_OK(fx_attr_set_uid(attr, 0));
	ASSERT_OK(fx_attr_set_gid(attr, 0));
	ASSERT_OK(fx_attr_set_groups(attr, 1, &group));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_SETGROUPS, EPERM, 1, NULL);
	/* Without the groups, setgid is next. */
	ASSERT_OK(fx_attr_clear_credentials(attr));
	ASSERT_OK(fx_attr_set_uid(attr, 0));
	ASSERT_OK(fx_attr_set_gid(attr, 0));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_SETGID, EPERM, 0, NULL);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

/* A source open when mapped, closed before the spawn: EBADF, index = child fd. */
TEST_CORE(errors_fd_map_closed_source)
{
	fx_attr *attr = fxt_attr();
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fx_error err;

	ASSERT_SYS(null);
	ASSERT_SYS(dup2(null, 200));
	ASSERT_OK(fx_attr_set_fd(attr, 5, 200));
	ASSERT_SYS(close(200));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EBADF);
	fxt_check_err(&err, FX_STEP_FD_MAP, EBADF, 5,
	          "fd 5 (from parent fd 200): Bad file descriptor");
	close(null);
	fx_attr_free(attr);
}

/*
 * The same, but the closed number is the lowest free one: the library's
 * own error pipe will take it at spawn time.  The child must not quietly
 * receive the error pipe as its fd 7.
 */
TEST_CORE(errors_fd_map_source_reused_by_pipe)
{
	fx_attr *attr = fxt_attr();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fx_error err;

	ASSERT_SYS(fd);
	ASSERT_EQ(fd, 3); /* the runner leaves only 0-2 open */
	ASSERT_OK(fx_attr_set_fd(attr, 7, fd));
	ASSERT_SYS(close(fd));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EBADF);
	fxt_check_err(&err, FX_STEP_FD_MAP, EBADF, 7,
	          "fd 7 (from parent fd 3): Bad file descriptor");
	/* And as the second end of the pipe (fds 3 and 4). */
	ASSERT_SYS(dup2(0, 4));
	ASSERT_OK(fx_attr_set_fd(attr, 7, 4));
	ASSERT_SYS(close(4));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EBADF);
	fxt_check_err(&err, FX_STEP_FD_MAP, EBADF, 7, NULL);
	fx_attr_free(attr);
}

/*
 * The pidfd the kernel makes for the child takes the lowest free number
 * of the parent's table, and a child that shares the table (CLONE_FILES)
 * sees it there.  A source closed at that number must fail as closed,
 * not hand the child its own pidfd.  The number is fd 3 where the report
 * travels in memory, fd 5 behind a pipe on 3 and 4: both are tried.
 */
TEST_CORE(errors_fd_map_source_reused_by_pidfd)
{
	static const int lowest_closed[] = { 3, 3 }, source[] = { 3, 5 };

	for (int k = 0; k < 2; k++) {
		fx_attr *attr = fxt_attr();
		fx_error err;
		int fd;

		/* 3..9 open, then the source mapped, then 3..source closed. */
		do {
			fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			ASSERT_SYS(fd);
		} while (fd < 9);
		ASSERT_OK(fx_attr_set_fd(attr, 20, source[k]));
		for (fd = lowest_closed[k]; fd <= source[k]; fd++)
			ASSERT_SYS(close(fd));
		ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EBADF);
		fxt_check_err(&err, FX_STEP_FD_MAP, EBADF, 20, NULL);
		for (fd = source[k] + 1; fd <= 9; fd++)
			ASSERT_SYS(close(fd));
		fx_attr_free(attr);
	}
}

/* ------------------------------------------------------------------ */
/* Terminal and session                                                */
/* ------------------------------------------------------------------ */

/* A new session, then TIOCSCTTY on /dev/null: ENOTTY, index = tty fd. */
TEST_CORE(errors_setctty_not_a_tty)
{
	fx_attr *attr = fxt_attr();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	fx_error err;

	ASSERT_SYS(null);
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	ASSERT_OK(fx_attr_set_fd(attr, 0, null));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_SETCTTY, ENOTTY, 0,
	          fxt_msg_of("setctty on fd 0", ENOTTY));
	/* Another tty fd: the index follows it. */
	ASSERT_OK(fx_attr_set_fd(attr, 0, -1));
	ASSERT_OK(fx_attr_set_fd(attr, 9, null));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 9));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_SETCTTY, ENOTTY, 9, NULL);
	close(null);
	fx_attr_free(attr);
}

/* A tty fd that the child does not have: EBADF at the same step. */
TEST_CORE(errors_setctty_closed_fd)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 9)); /* not mapped: closed */
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EBADF);
	fxt_check_err(&err, FX_STEP_SETCTTY, EBADF, 9, NULL);
	fx_attr_free(attr);
}

/* TIOCNOTTY on fd 0 when fd 0 is not our controlling terminal. */
TEST_CORE(errors_noctty_not_our_tty)
{
	fx_attr *attr = fxt_attr();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int master, slave;
	fx_error err;

	ASSERT_SYS(null);
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	/* Not a terminal at all. */
	ASSERT_OK(fx_attr_set_fd(attr, 0, null));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_NOCTTY, ENOTTY, 0,
	          fxt_msg_of("noctty on fd 0", ENOTTY));

	/* A terminal, but not ours (the test process has none). */
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		SKIP("posix_openpt: %s", strerror(errno));
	ASSERT_SYS(grantpt(master));
	ASSERT_SYS(unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_SYS(slave);
	ASSERT_OK(fx_attr_set_fd(attr, 0, slave));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_NOCTTY, ENOTTY, 0, NULL);
	close(slave);
	close(master);
	close(null);
	fx_attr_free(attr);
}

TEST_CORE(errors_foreground_not_a_tty)
{
	fx_attr *attr = fxt_attr();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	fx_error err;

	ASSERT_SYS(null);
	ASSERT_OK(fx_attr_set_flags(attr, FX_FOREGROUND));
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_OK(fx_attr_set_fd(attr, 0, null));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_FOREGROUND, ENOTTY, 0,
	          fxt_msg_of("foreground on fd 0", ENOTTY));
	ASSERT_OK(fx_attr_set_fd(attr, 4, null));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 4));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -ENOTTY);
	fxt_check_err(&err, FX_STEP_FOREGROUND, ENOTTY, 4, NULL);
	close(null);
	fx_attr_free(attr);
}

/* A pgid no process group has: EPERM (Linux: "no such group in our session"). */
TEST_CORE(errors_setpgid_no_such_group)
{
	fx_attr *attr = fxt_attr();
	long pid_max = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	pid_t pgid = 0;
	char text[128];
	fx_error err;

	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 32768;
		fclose(f);
	}
	/* The highest numbers are the least likely to be in use. */
	for (long p = pid_max - 1; p > pid_max - 1000 && p > 1; p--) {
		if (kill(-(pid_t)p, 0) == -1 && errno == ESRCH &&
		    kill((pid_t)p, 0) == -1 && errno == ESRCH) {
			pgid = (pid_t)p;
			break;
		}
	}
	ASSERT_GT(pgid, 1);
	ASSERT_OK(fx_attr_set_pgid(attr, pgid));
	ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err), -EPERM);
	snprintf(text, sizeof text, "setpgid %d: Operation not permitted",
	         (int)pgid);
	fxt_check_err(&err, FX_STEP_SETPGID, EPERM, pgid, text);
	fx_attr_free(attr);
}

/*
 * A group that exists, but in another session: EPERM too.  The test makes
 * that session itself (a child that calls setsid and waits), so that the
 * case never depends on what else runs on the machine.
 */
TEST_CORE(errors_setpgid_other_session)
{
	int gate[2], ready[2], st, before;
	fx_proc *proc = NULL;
	pid_t leader, kids[4];
	fx_attr *attr;
	fx_error err;
	char c;

	fxt_pipe(gate);
	fxt_pipe(ready);
	leader = fork();
	ASSERT_SYS(leader);
	if (leader == 0) {
		close(gate[1]);
		close(ready[0]);
		if (setsid() < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		/* Until the test closes the gate. */
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(gate[0]);
	close(ready[1]);
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	close(ready[0]);
	ASSERT_NE(getsid(leader), getsid(0));

	/* spawn_fail's "no child left" would count the leader: the same
	 * checks, by hand, with the leader the only child. */
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_pgid(attr, leader));
	before = fxt_fd_count();
	ASSERT_EQ(fx_spawn(&proc, "/bin/true", true_argv, attr, &err), -EPERM);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_SETPGID, EPERM, leader, NULL);
	ASSERT_EQ(fxt_list_children(kids, 4), 1);
	ASSERT_EQ(kids[0], leader);
	fxt_assert_fd_count(before);
	fx_attr_free(attr);

	close(gate[1]);
	ASSERT_EQ(waitpid(leader, &st, 0), leader);
	ASSERT_EQ(st, 0);
}

/*
 * setsid failing (EPERM for a group leader) cannot happen in a fresh
 * child, which never leads a group: nothing to test there.  But after
 * setsid the child leads a session, and a session leader's setpgid always
 * fails with EPERM, even setpgid(0, 0).  The parent knows that before the
 * child exists, so FX_SETSID with a pgid must either work (pgid 0: the
 * child already leads its own group) or be refused up front with -EINVAL,
 * never fail in the child.
 */
static void setsid_with_pgid(pid_t pgid, int may_work, int pgid_first)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r = NULL;
	int status = -1, rc;
	fx_error err;

	if (pgid_first) {
		ASSERT_OK(fx_attr_set_pgid(attr, pgid));
		rc = fx_attr_set_flags(attr, FX_SETSID);
	} else {
		ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID));
		rc = fx_attr_set_pgid(attr, pgid);
	}
	if (rc < 0) {
		ASSERT_EQ(rc, -EINVAL); /* refused by the setter: fine */
		fx_attr_free(attr);
		return;
	}
	memset(&err, 0, sizeof err);
	rc = fxt_probe(attr, NULL, &r, &status, &err);
	if (rc < 0) {
		char text[512];

		if (rc != -EINVAL ||
		    (err.step != FX_STEP_ARGS && err.step != FX_STEP_PLAN))
			FAIL("FX_SETSID + pgid %d: %s [step %s]: the parent "
			     "could have refused this (-EINVAL) before "
			     "creating a child", (int)pgid,
			     fx_strerror(&err, text, sizeof text),
			     fx_step_name(err.step));
		fxt_assert_no_children();
	} else {
		ASSERT(may_work);
		ASSERT_EQ(status, 0);
		ASSERT_EQ(fxt_get_ll(r, "sid"), fxt_get_ll(r, "pid"));
		ASSERT_EQ(fxt_get_ll(r, "pgid"), fxt_get_ll(r, "pid"));
		fxt_report_free(r);
	}
	fx_attr_free(attr);
}

TEST_CORE(errors_setsid_with_pgid_0)
{
	setsid_with_pgid(0, 1, 0);
	setsid_with_pgid(0, 1, 1);
}

TEST_CORE(errors_setsid_with_pgid_existing)
{
	setsid_with_pgid(getpgrp(), 0, 0);
	setsid_with_pgid(getpgrp(), 0, 1);
}

/* ------------------------------------------------------------------ */
/* Refused before anything is created                                  */
/* ------------------------------------------------------------------ */

/*
 * FX_SETCTTY needs FX_SETSID.  The library may refuse the combination in
 * the setter (at once, as the header promises for bad values) or at
 * spawn; either way nothing is created.
 */
TEST_CORE(errors_setctty_without_setsid)
{
	fx_attr *attr = fxt_attr();
	fx_error err;
	int rc;

	rc = fx_attr_set_flags(attr, FX_SETCTTY);
	if (rc == 0) {
		ASSERT_EQ(spawn_fail(attr, "/bin/true", true_argv, &err),
		          -EINVAL);
		ASSERT(err.step == FX_STEP_ARGS || err.step == FX_STEP_PLAN);
	} else {
		ASSERT_EQ(rc, -EINVAL);
		/* Refused: the flags are unchanged. */
		ASSERT_EQ(fx_attr_get_flags(attr), 0);
	}
	fx_attr_free(attr);
}

TEST_CORE(errors_bad_arguments)
{
	fx_attr *attr = fxt_attr();
	char *no_argv0[] = { NULL };
	fx_proc *proc = NULL;
	fx_error err;
	int rc;

	ASSERT_EQ(spawn_fail(attr, "/bin/true", NULL, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_ARGS, EINVAL, -1, NULL);
	ASSERT_EQ(spawn_fail(attr, "/bin/true", no_argv0, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_ARGS, EINVAL, -1, NULL);
	ASSERT_EQ(spawn_fail(attr, NULL, true_argv, &err), -EINVAL);
	fxt_check_err(&err, FX_STEP_ARGS, EINVAL, -1, NULL);
	/* No place for the handle. */
	ASSERT_EQ(fx_spawn(NULL, "/bin/true", true_argv, attr, &err), -EINVAL);
	fxt_assert_no_children();
	/* The empty name: refused as an argument, or no such file (as
	 * execve("") says); either way before any child. */
	rc = spawn_fail(attr, "", true_argv, &err);
	if (rc == -EINVAL)
		ASSERT_EQ(err.step, FX_STEP_ARGS);
	else if (rc == -ENOENT)
		ASSERT(err.step == FX_STEP_LOOKUP || err.step == FX_STEP_EXEC);
	else
		FAIL("fx_spawn(\"\"): %d (%s)", rc, strerror(-rc));
	ASSERT(proc == NULL);
	fx_attr_free(attr);
}

/* err may be NULL: the same return value, nothing left behind. */
TEST_CORE(errors_null_err)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	int before = fxt_fd_count();

	ASSERT_OK(fx_attr_set_cwd(attr, "/nope"));
	ASSERT_EQ(fx_spawn(&proc, "/bin/true", true_argv, attr, NULL), -ENOENT);
	fxt_assert_no_children();
	fxt_assert_fd_count(before);
	ASSERT_EQ(fx_spawn(&proc, "/nope/x", true_argv, attr, NULL), -ENOENT);
	fxt_assert_no_children();
	fxt_assert_fd_count(before);
	fx_attr_free(attr);
}

/* Many failures in a row (200, or 5 s of them): still nothing left (a
 * leak of one fd or one zombie per failure would show as a count). */
TEST(errors_repeated_failures_leak_nothing)
{
	struct fxt_loop loop = fxt_loop_at_least(200, 5, 20);
	fx_attr *attr = fxt_attr();
	int before = fxt_fd_count();
	fx_error err;

	ASSERT_OK(fx_attr_set_cwd(attr, "/nope"));
	while (fxt_loop_next(&loop) >= 0) {
		fx_proc *proc = NULL;

		ASSERT_EQ(fx_spawn(&proc, "/bin/true", true_argv, attr, &err),
		          -ENOENT);
		ASSERT_EQ(err.step, FX_STEP_CHDIR);
	}
	fxt_loop_end(&loop, "failed spawns");
	fxt_assert_no_children();
	fxt_assert_fd_count(before);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Names and messages                                                  */
/* ------------------------------------------------------------------ */

TEST_ONCE_CORE(errors_step_names)
{
	for (int s = 0; s < FX_STEP_COUNT_; s++) {
		const char *name = fx_step_name(s);

		ASSERT(name != NULL);
		ASSERT(name[0] != 0);
		for (int t = 0; t < s; t++)
			if (strcmp(name, fx_step_name(t)) == 0)
				FAIL("steps %d and %d are both \"%s\"", t, s,
				     name);
	}
	ASSERT(fx_step_name(-1) != NULL);
	ASSERT(fx_step_name(FX_STEP_COUNT_) != NULL);
	ASSERT(fx_step_name(1 << 20) != NULL);
}

TEST_ONCE_CORE(errors_strerror_truncates)
{
	fx_error err;
	char full[512], small[8], one[1] = { 'x' }, none[1] = { 'y' };

	memset(&err, 0, sizeof err);
	err.step = FX_STEP_CHDIR;
	err.code = ENOENT;
	err.index = -1;
	snprintf(err.subject, sizeof err.subject, "/nope");
	fx_strerror(&err, full, sizeof full);
	ASSERT(strlen(full) > sizeof small);
	ASSERT(fx_strerror(&err, small, sizeof small) == small);
	ASSERT_EQ(strlen(small), sizeof small - 1);
	ASSERT_EQ(strncmp(small, full, sizeof small - 1), 0);
	fx_strerror(&err, one, sizeof one);
	ASSERT_EQ(one[0], 0);
	fx_strerror(&err, none, 0);
	ASSERT_EQ(none[0], 'y');

	/* An unknown step or errno still gives one line of text. */
	err.step = 9999;
	err.code = 9999;
	fx_strerror(&err, full, sizeof full);
	ASSERT(full[0] != 0);
	ASSERT(strchr(full, '\n') == NULL);
}
