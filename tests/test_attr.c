/* SPDX-License-Identifier: MIT */
/*
 * Attribute setters refuse bad input at once, with a negative errno, and
 * leave the attribute set as it was; version and error-naming functions.
 * None of this depends on the backend: every test runs once.
 */
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fxt.h"

/* The kernel's limit, which the library enforces (musl's NGROUPS_MAX is 32). */
#define KERNEL_NGROUPS_MAX 65536

TEST_ONCE_CORE(attr_new_free)
{
	fx_attr *attr = NULL;

	ASSERT_ERR(fx_attr_new(NULL), -EINVAL);
	ASSERT_OK(fx_attr_new(&attr));
	ASSERT(attr != NULL);
	ASSERT_EQ(fx_attr_get_flags(attr), 0);
	fx_attr_free(attr);
	fx_attr_free(NULL);
}

/* Every setter with a NULL attribute set. */
TEST_ONCE_CORE(attr_null_attr)
{
	sigset_t set;
	gid_t g = 0;

	sigemptyset(&set);
	ASSERT_ERR(fx_attr_set_flags(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_backend(NULL, FX_BACKEND_CLONE), -EINVAL);
	ASSERT_ERR(fx_attr_set_argv0(NULL, "x"), -EINVAL);
	ASSERT_ERR(fx_attr_set_env(NULL, NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_search_path(NULL, "/bin"), -EINVAL);
	ASSERT_ERR(fx_attr_set_cwd(NULL, "/"), -EINVAL);
	ASSERT_ERR(fx_attr_set_chroot(NULL, "/"), -EINVAL);
	ASSERT_ERR(fx_attr_set_uid(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_gid(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_groups(NULL, 1, &g), -EINVAL);
	ASSERT_ERR(fx_attr_clear_credentials(NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_pgid(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_tty_fd(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_pdeathsig(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_fd(NULL, 0, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_sigmask(NULL, &set), -EINVAL);
	ASSERT_ERR(fx_attr_set_sigdefault(NULL, &set), -EINVAL);
}

TEST_ONCE_CORE(attr_flags)
{
	fx_attr *attr = fxt_attr();
	unsigned good = FX_SETSID | FX_SETCTTY | FX_FOREGROUND | FX_PTRACE |
	                FX_KEEP_FDS | FX_CLEAN_SIGNALS;

	ASSERT_OK(fx_attr_set_flags(attr, good));
	ASSERT_EQ(fx_attr_get_flags(attr), good);
	/* A refused value leaves the previous one in place. */
	ASSERT_ERR(fx_attr_set_flags(attr, FX_FLAGS_ALL_ + 1), -EINVAL);
	ASSERT_ERR(fx_attr_set_flags(attr, 1u << 31), -EINVAL);
	ASSERT_ERR(fx_attr_set_flags(attr, ~0u), -EINVAL);
	ASSERT_EQ(fx_attr_get_flags(attr), good);
	/* TIOCSCTTY needs a session leader: FX_SETCTTY alone cannot work. */
	ASSERT_ERR(fx_attr_set_flags(attr, FX_SETCTTY), -EINVAL);
	/* Stealing a terminal is a way of taking one: not alone. */
	ASSERT_ERR(fx_attr_set_flags(attr, FX_SETSID | FX_STEAL_CTTY), -EINVAL);
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY | FX_STEAL_CTTY));
	ASSERT_EQ(fx_attr_get_flags(attr), FX_SETSID | FX_SETCTTY | FX_STEAL_CTTY);
	/* A new session has no terminal to give up. */
	ASSERT_ERR(fx_attr_set_flags(attr, FX_NOCTTY | FX_SETSID), -EINVAL);
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	ASSERT_EQ(fx_attr_get_flags(attr), FX_NOCTTY);
	ASSERT_OK(fx_attr_set_flags(attr, 0));
	ASSERT_EQ(fx_attr_get_flags(attr), 0);
	fx_attr_free(attr);
}

/* The environments of runuser -u and setpriv --reset-env, from a passwd
 * entry: in-place HOME and USER, LOGNAME at the end; or TERM alone, then
 * the five. */
TEST_ONCE_CORE(attr_env_for_user)
{
	char *const base[] = { "A=1", "HOME=/root", "USER=root", "TERM=vt100",
	                       "HOME=/dup", NULL };
	struct passwd pw = { 0 };
	char **env;
	size_t n;

	pw.pw_name = (char *)"bob";
	pw.pw_dir = (char *)"/home/bob";
	pw.pw_shell = (char *)"/bin/zsh";
	pw.pw_uid = 1000;
	ASSERT_OK(fx_env_for_user(&env, base, &pw, 0));
	for (n = 0; env[n]; n++)
		continue;
	ASSERT_EQ(n, 5);
	ASSERT_STR_EQ(env[0], "A=1");
	ASSERT_STR_EQ(env[1], "HOME=/home/bob");
	ASSERT_STR_EQ(env[2], "USER=bob");
	ASSERT_STR_EQ(env[3], "TERM=vt100");
	ASSERT_STR_EQ(env[4], "LOGNAME=bob");
	free(env);

	ASSERT_OK(fx_env_for_user(&env, base, &pw, FX_ENV_RESET));
	ASSERT_STR_EQ(env[0], "TERM=vt100");
	ASSERT_STR_EQ(env[1], "SHELL=/bin/zsh");
	ASSERT_STR_EQ(env[2], "HOME=/home/bob");
	ASSERT_STR_EQ(env[3], "USER=bob");
	ASSERT_STR_EQ(env[4], "LOGNAME=bob");
	ASSERT_STR_EQ(env[5], "PATH=/usr/local/bin:/bin:/usr/bin");
	ASSERT(env[6] == NULL);
	free(env);

	/* Root's PATH; no base, no shell: /bin/sh. */
	pw.pw_uid = 0;
	pw.pw_shell = (char *)"";
	ASSERT_OK(fx_env_for_user(&env, NULL, &pw, FX_ENV_RESET));
	ASSERT_STR_EQ(env[0], "SHELL=/bin/sh");
	ASSERT_STR_EQ(env[4], "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin");
	free(env);

	ASSERT_ERR(fx_env_for_user(NULL, base, &pw, 0), -EINVAL);
	ASSERT_ERR(fx_env_for_user(&env, base, NULL, 0), -EINVAL);
	ASSERT_ERR(fx_env_for_user(&env, base, &pw, 2), -EINVAL);
	pw.pw_name = NULL;
	ASSERT_ERR(fx_env_for_user(&env, base, &pw, 0), -EINVAL);
}

TEST_ONCE_CORE(attr_backend)
{
	fx_attr *attr = fxt_attr();

#if defined(__APPLE__) || defined(FX_SYS_GENERIC)
	/* No clone on Darwin, and no raw stubs on the generic fallback:
	 * the fork backend alone. */
	ASSERT_ERR(fx_attr_set_backend(attr, FX_BACKEND_CLONE), -ENOTSUP);
#else
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_CLONE));
#endif
	ASSERT_OK(fx_attr_set_backend(attr, FX_BACKEND_FORK));
	ASSERT_ERR(fx_attr_set_backend(attr, -1), -EINVAL);
	ASSERT_ERR(fx_attr_set_backend(attr, 2), -EINVAL);
	ASSERT_ERR(fx_attr_set_backend(attr, INT_MAX), -EINVAL);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_strings)
{
	fx_attr *attr = fxt_attr();
	char *env[] = { "A=1", NULL };
	char *empty_env[] = { NULL };
	char *long_path = malloc(PATH_MAX + 2);

	ASSERT(long_path != NULL);
	memset(long_path, 'a', PATH_MAX + 1);
	long_path[0] = '/';
	long_path[PATH_MAX + 1] = 0;

	/* NULL goes back to the default: never an error. */
	ASSERT_OK(fx_attr_set_argv0(attr, "name"));
	ASSERT_OK(fx_attr_set_argv0(attr, NULL));
	ASSERT_OK(fx_attr_set_env(attr, env));
	ASSERT_OK(fx_attr_set_env(attr, empty_env));
	ASSERT_OK(fx_attr_set_env(attr, NULL));
	ASSERT_OK(fx_attr_set_search_path(attr, "/a:/b"));
	ASSERT_OK(fx_attr_set_search_path(attr, NULL));
	ASSERT_OK(fx_attr_set_cwd(attr, "/"));
	ASSERT_OK(fx_attr_set_cwd(attr, NULL));
	ASSERT_OK(fx_attr_set_chroot(attr, "/"));
	ASSERT_OK(fx_attr_set_chroot(attr, NULL));

	/* chdir("") and chroot("") fail with ENOENT: refuse them now. */
	ASSERT_ERR(fx_attr_set_cwd(attr, ""), -EINVAL);
	ASSERT_ERR(fx_attr_set_chroot(attr, ""), -EINVAL);
	ASSERT_ERR(fx_attr_set_cwd(attr, long_path), -ENAMETOOLONG);
	ASSERT_ERR(fx_attr_set_chroot(attr, long_path), -ENAMETOOLONG);
	free(long_path);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_credentials)
{
	fx_attr *attr = fxt_attr();
	gid_t groups[] = { 1, 2, 3 };
	gid_t bad_groups[] = { 1, (gid_t)-1 };
	gid_t *many = calloc(KERNEL_NGROUPS_MAX + 1, sizeof *many);

	ASSERT(many != NULL);
	ASSERT_OK(fx_attr_set_uid(attr, 0));
	ASSERT_OK(fx_attr_set_uid(attr, 65534));
	ASSERT_OK(fx_attr_set_gid(attr, 65534));
	/* (uid_t)-1 means "unchanged" to setresuid: not a user. */
	ASSERT_ERR(fx_attr_set_uid(attr, (uid_t)-1), -EINVAL);
	ASSERT_ERR(fx_attr_set_gid(attr, (gid_t)-1), -EINVAL);

	ASSERT_OK(fx_attr_set_groups(attr, 3, groups));
	ASSERT_OK(fx_attr_set_groups(attr, 0, NULL));
	ASSERT_OK(fx_attr_set_groups(attr, KERNEL_NGROUPS_MAX, many));
	ASSERT_ERR(fx_attr_set_groups(attr, KERNEL_NGROUPS_MAX + 1, many), -EINVAL);
	ASSERT_ERR(fx_attr_set_groups(attr, 2, NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_groups(attr, 2, bad_groups), -EINVAL);
	ASSERT_OK(fx_attr_clear_credentials(attr));
	free(many);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_pgid_tty_pdeathsig)
{
	fx_attr *attr = fxt_attr();

	ASSERT_OK(fx_attr_set_pgid(attr, -1));
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_OK(fx_attr_set_pgid(attr, 12345));
	ASSERT_ERR(fx_attr_set_pgid(attr, -2), -EINVAL);
	ASSERT_ERR(fx_attr_set_pgid(attr, INT_MIN), -EINVAL);

	ASSERT_OK(fx_attr_set_tty_fd(attr, 0));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 7));
	ASSERT_ERR(fx_attr_set_tty_fd(attr, -1), -EBADF);

	ASSERT_OK(fx_attr_set_pdeathsig(attr, 0));
#if defined(__APPLE__)
	/* No parent-death signal on Darwin: refused when set. */
	ASSERT_ERR(fx_attr_set_pdeathsig(attr, SIGKILL), -ENOTSUP);
	ASSERT_ERR(fx_attr_set_pdeathsig(attr, 64), -ENOTSUP);
#else
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGKILL));
	ASSERT_OK(fx_attr_set_pdeathsig(attr, 64));
#endif
	ASSERT_ERR(fx_attr_set_pdeathsig(attr, -1), -EINVAL);
	ASSERT_ERR(fx_attr_set_pdeathsig(attr, 65), -EINVAL);
	ASSERT_ERR(fx_attr_set_pdeathsig(attr, INT_MAX), -EINVAL);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_map_fd)
{
	fx_attr *attr = fxt_attr();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int closed;

	ASSERT_SYS(fd);
	/* A descriptor number certainly not open: one we just closed. */
	closed = dup(fd);
	ASSERT_SYS(closed);
	close(closed);

	ASSERT_OK(fx_attr_set_fd(attr, 5, fd));
	ASSERT_OK(fx_attr_set_fd(attr, 5, -1));
	ASSERT_OK(fx_attr_set_fd(attr, 0, fd));
	ASSERT_ERR(fx_attr_set_fd(attr, -1, fd), -EBADF);
	ASSERT_ERR(fx_attr_set_fd(attr, INT_MIN, fd), -EBADF);
	ASSERT_ERR(fx_attr_set_fd(attr, 5, closed), -EBADF);
	ASSERT_ERR(fx_attr_set_fd(attr, 5, -2), -EBADF);
	close(fd);
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_signals)
{
	fx_attr *attr = fxt_attr();
	sigset_t set;

	sigfillset(&set);
	ASSERT_OK(fx_attr_set_sigmask(attr, &set));
	ASSERT_OK(fx_attr_set_sigdefault(attr, &set));
	sigemptyset(&set);
	ASSERT_OK(fx_attr_set_sigmask(attr, &set));
	ASSERT_OK(fx_attr_set_sigdefault(attr, &set));
	fx_attr_free(attr);
}

TEST_ONCE_CORE(attr_version)
{
	char want[32];

	snprintf(want, sizeof want, "%d.%d.%d", FX_VERSION_MAJOR,
	         FX_VERSION_MINOR, FX_VERSION_PATCH);
	ASSERT_EQ(fx_version(), FX_VERSION_HEX);
	ASSERT_EQ(fx_version() >> 16, FX_VERSION_MAJOR);
	ASSERT_EQ((fx_version() >> 8) & 0xff, FX_VERSION_MINOR);
	ASSERT_EQ(fx_version() & 0xff, FX_VERSION_PATCH);
	ASSERT_STR_EQ(fx_version_string(), want);
}

TEST_ONCE_CORE(attr_step_names)
{
	for (int i = FX_STEP_NONE; i < FX_STEP_COUNT_; i++) {
		const char *name = fx_step_name(i);

		if (!name || !*name)
			FAIL("fx_step_name(%d) is %s", i, name ? "\"\"" : "NULL");
		for (int j = FX_STEP_NONE; j < i; j++)
			if (strcmp(fx_step_name(j), name) == 0)
				FAIL("steps %d and %d are both named \"%s\"",
				     j, i, name);
	}
	/* A step from a newer library still gets a printable name. */
	ASSERT(fx_step_name(FX_STEP_COUNT_) != NULL);
	ASSERT(fx_step_name(-1) != NULL);
	ASSERT_STR_EQ(fx_step_name(FX_STEP_CHDIR), "chdir");
	ASSERT_STR_EQ(fx_step_name(FX_STEP_SETUID), "setuid");
}

TEST_ONCE_CORE(attr_strerror)
{
	char buf[512], small[8];

	for (int i = FX_STEP_ARGS; i < FX_STEP_COUNT_; i++) {
		fx_error err = { .step = i, .code = ENOENT, .index = -1 };

		snprintf(err.subject, sizeof err.subject, "/nope");
		ASSERT(fx_strerror(&err, buf, sizeof buf) == buf);
		if (!strstr(buf, strerror(ENOENT)))
			FAIL("step %s: \"%s\" does not give the errno's text",
			     fx_step_name(i), buf);
	}

	/* The documented example. */
	{
		fx_error err = { .step = FX_STEP_CHDIR, .code = ENOENT,
		                 .index = -1 };

		snprintf(err.subject, sizeof err.subject, "/nope");
		fx_strerror(&err, buf, sizeof buf);
		ASSERT_STR_EQ(buf, "chdir \"/nope\": No such file or directory");
	}

	/* A short buffer is truncated and still terminated. */
	{
		fx_error err = { .step = FX_STEP_EXEC, .code = EACCES,
		                 .index = -1 };

		memset(small, 'x', sizeof small);
		snprintf(err.subject, sizeof err.subject, "/a/long/path");
		ASSERT(fx_strerror(&err, small, sizeof small) == small);
		ASSERT(memchr(small, 0, sizeof small) != NULL);
		ASSERT(fx_strerror(&err, small, 0) == small);
	}
}
