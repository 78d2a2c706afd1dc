/* SPDX-License-Identifier: MIT */
/*
 * Landlock (fx_attr_add_landlock_path, _port): what the probe may open,
 * create, bind and connect to under the rules, as root, as uid 65534 and
 * as uid 65534 in a user namespace; the failures named with their rule
 * and leaving nothing behind.  Each test reads the kernel's Landlock ABI
 * and skips, with it, where the kernel has no Landlock (or no port
 * rules).
 */
#include "fxt.h"
#include "forkexec-linux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOBODY 65534

static int need_landlock(int min_abi)
{
	int abi = fx_landlock_abi();

	if (abi < 0)
		SKIP("no landlock in this kernel: %s", strerror(-abi));
	if (abi < min_abi)
		SKIP("landlock ABI %d here; this test needs %d", abi, min_abi);
	return abi;
}

/* Rules every test needs: the probe's own file (execute) and /proc,
 * which it reads its report from. */
static fx_attr *landlock_attr(void)
{
	fx_attr *attr = fxt_attr();

	ASSERT_OK(fx_attr_add_landlock_path(attr, fxt_probe_path(), FX_LANDLOCK_RO));
	ASSERT_OK(fx_attr_add_landlock_path(attr, "/proc", FX_LANDLOCK_RO));
	return attr;
}

/* try.WHAT of one probe run with `arg` ("--try-open=/x"). */
static long long try_run(fx_attr *attr, const char *arg, const char *key)
{
	const char *const args[] = { arg, NULL };
	fxt_report *r = fxt_probe_ok(attr, args);
	long long v = fxt_get_ll(r, key);

	ASSERT_STR_EQ(fxt_get(r, "nonewprivs"), "1");
	fxt_report_free(r);
	return v;
}

static char *arg_of(const char *opt, const char *value)
{
	size_t n = strlen(opt) + strlen(value) + 1;
	char *s = malloc(n);

	ASSERT(s);
	snprintf(s, n, "%s%s", opt, value);
	return s;
}

/* A directory holding a file "f"; the caller frees the path. */
static char *dir_with_file(void)
{
	char *dir = fxt_tmpdir(), *f = fxt_join(dir, "f");

	fxt_write_file(f, "x", 0644);
	free(f);
	return dir;
}

/* Read-only: reading inside works, creating inside and reading
 * elsewhere are refused (EACCES). */
static void check_read_only(fx_attr *attr, const char *in, const char *out)
{
	char *in_f = fxt_join(in, "f"), *in_new = fxt_join(in, "new"), *out_f = fxt_join(out, "f");
	char *a;
	struct stat st;

	a = arg_of("--try-open=", in_f);
	ASSERT_EQ(try_run(attr, a, "try.open"), 0);
	free(a);
	a = arg_of("--try-create=", in_new);
	ASSERT_EQ(try_run(attr, a, "try.create"), EACCES);
	free(a);
	ASSERT(stat(in_new, &st) < 0 && errno == ENOENT);
	a = arg_of("--try-open=", out_f);
	ASSERT_EQ(try_run(attr, a, "try.open"), EACCES);
	free(a);
	free(in_f);
	free(in_new);
	free(out_f);
}

TEST(landlock_read_only)
{
	char *in = dir_with_file(), *out = dir_with_file();
	fx_attr *attr;

	need_landlock(1);
	attr = landlock_attr();
	ASSERT_OK(fx_attr_add_landlock_path(attr, in, FX_LANDLOCK_RO));
	check_read_only(attr, in, out);
	fx_attr_free(attr);
	free(in);
	free(out);
}

TEST(landlock_read_write)
{
	char *in = dir_with_file(), *out = dir_with_file();
	char *in_new = fxt_join(in, "new"), *out_new = fxt_join(out, "new"), *a;
	fx_attr *attr;
	struct stat st;

	need_landlock(1);
	attr = landlock_attr();
	ASSERT_OK(fx_attr_add_landlock_path(attr, in, FX_LANDLOCK_RW));
	a = arg_of("--try-create=", in_new);
	ASSERT_EQ(try_run(attr, a, "try.create"), 0);
	free(a);
	ASSERT_OK(stat(in_new, &st));
	a = arg_of("--try-create=", out_new);
	ASSERT_EQ(try_run(attr, a, "try.create"), EACCES);
	free(a);
	ASSERT(stat(out_new, &st) < 0 && errno == ENOENT);
	fx_attr_free(attr);
	free(in_new);
	free(out_new);
	free(in);
	free(out);
}

/* The ruleset reached the child as a descriptor: the program has it no
 * more.  The probe lists its fds (but its report fd): 0-2 and the fd 7
 * asked for alone, which also shows that the listing worked. */
TEST(landlock_ruleset_not_inherited)
{
	fx_attr *attr;
	fxt_report *r;
	size_t iter = 0;
	const char *key, *value;

	need_landlock(1);
	attr = landlock_attr();
	ASSERT_OK(fx_attr_set_fd(attr, 7, 2));
	r = fxt_probe_ok(attr, NULL);
	while (fxt_next(r, "fd.", &iter, &key, &value)) {
		int fd = atoi(key + 3);

		if (fd > 2 && fd != 7)
			FAIL("the program has fd %d: %s", fd, value);
	}
	ASSERT(fxt_get(r, "fd.7") != NULL);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A free TCP port on 127.0.0.1, from the kernel (bound to 0, then
 * closed; a listener when `listen_fd` is given). */
static int free_port(int *listen_fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_SYS(bind(fd, (struct sockaddr *)&sin, sizeof sin));
	ASSERT_SYS(getsockname(fd, (struct sockaddr *)&sin, &len));
	if (listen_fd) {
		ASSERT_SYS(listen(fd, 4));
		*listen_fd = fd;
	} else {
		close(fd);
	}
	return ntohs(sin.sin_port);
}

TEST(landlock_tcp_ports)
{
	int lfd = -1, listening = free_port(&lfd), allowed = free_port(NULL);
	char port[16], *a;
	fx_attr *attr;

	need_landlock(4);
	attr = landlock_attr();
	ASSERT_OK(fx_attr_add_landlock_port(attr, (unsigned)allowed, FX_LANDLOCK_BIND));
	ASSERT_OK(fx_attr_add_landlock_port(attr, (unsigned)listening, FX_LANDLOCK_CONNECT));
	snprintf(port, sizeof port, "%d", allowed);
	a = arg_of("--try-bind=", port);
	ASSERT_EQ(try_run(attr, a, "try.bind"), 0);
	free(a);
	snprintf(port, sizeof port, "%d", listening);
	a = arg_of("--try-connect=", port);
	ASSERT_EQ(try_run(attr, a, "try.connect"), 0);
	free(a);
	/* Binding the port that may only be connected to is refused, and
	 * connecting to the one that may only be bound. */
	a = arg_of("--try-bind=", port);
	ASSERT_EQ(try_run(attr, a, "try.bind"), EACCES);
	free(a);
	snprintf(port, sizeof port, "%d", allowed);
	a = arg_of("--try-connect=", port);
	ASSERT_EQ(try_run(attr, a, "try.connect"), EACCES);
	free(a);
	close(lfd);
	fx_attr_free(attr);
}

/* A rule on a path that does not exist fails the spawn in the parent,
 * naming it; no child, no descriptor left. */
TEST(landlock_missing_path)
{
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr;
	fx_proc *proc = NULL;
	fx_error err;
	int fds;

	need_landlock(1);
	attr = landlock_attr();
	ASSERT_OK(fx_attr_add_landlock_path(attr, "/nope/missing", FX_LANDLOCK_RO));
	fds = fxt_fd_count();
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -ENOENT);
	ASSERT(proc == NULL);
	fxt_check_err(&err, FX_STEP_LANDLOCK, ENOENT, 2,
	              "landlock \"/nope/missing\": No such file or directory");
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
	fx_attr_free(attr);
}

/* Strict: on a kernel with every right the library handles (ABI 5 for
 * files) the spawn works; below it, it fails with EOPNOTSUPP. */
TEST(landlock_strict)
{
	int abi = need_landlock(1);
	char *in = dir_with_file(), *out = dir_with_file();
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr = landlock_attr();

	ASSERT_OK(fx_attr_add_landlock_path(attr, in, FX_LANDLOCK_RO));
	ASSERT_OK(fx_attr_set_landlock_flags(attr, FX_LANDLOCK_STRICT));
	if (abi >= 5) {
		check_read_only(attr, in, out);
	} else {
		fx_proc *proc = NULL;
		fx_error err;

		ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EOPNOTSUPP);
		ASSERT_EQ(err.step, FX_STEP_LANDLOCK);
		fxt_assert_no_children();
	}
	fx_attr_free(attr);
	free(in);
	free(out);
}

/* FX_LANDLOCK_FS without a path rule: nothing is reachable, not even
 * the program: execve is refused. */
TEST(landlock_fs_nothing_reachable)
{
	static char *const argv[] = { "fxprobe", NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;

	need_landlock(1);
	ASSERT_OK(fx_attr_set_landlock_flags(attr, FX_LANDLOCK_FS));
	ASSERT_EQ(fx_spawn(&proc, fxt_probe_path(), argv, attr, &err), -EACCES);
	ASSERT_EQ(err.step, FX_STEP_EXEC);
	fxt_assert_no_children();
	fx_attr_free(attr);
}

TEST(landlock_refused)
{
	fx_attr *attr = fxt_attr();

	ASSERT_ERR(fx_attr_add_landlock_path(NULL, "/", FX_LANDLOCK_RO), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_path(attr, NULL, FX_LANDLOCK_RO), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_path(attr, "", FX_LANDLOCK_RO), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_path(attr, "/", 0), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_path(attr, "/", 3), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_port(attr, 65536, FX_LANDLOCK_BIND), -EINVAL);
	ASSERT_ERR(fx_attr_add_landlock_port(attr, 80, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_landlock_flags(attr, 1u << 7), -EINVAL);
	ASSERT_ERR(fx_attr_set_landlock_flags(NULL, 0), -EINVAL);
	fx_attr_free(attr);
}

/* uid 65534: landlock needs no privilege (no_new_privs is implied). */
TEST(landlock_unprivileged)
{
	char *in = dir_with_file(), *out = dir_with_file();
	fx_attr *attr;

	need_landlock(1);
	ASSERT_SYS(chmod(in, 0755));
	ASSERT_SYS(chmod(out, 0755));
	attr = landlock_attr();
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_add_landlock_path(attr, in, FX_LANDLOCK_RO));
	check_read_only(attr, in, out);
	fx_attr_free(attr);
	free(in);
	free(out);
}

/* uid 65534 in a new user namespace (mapped to itself). */
TEST(landlock_in_user_namespace)
{
	char *in = dir_with_file(), *out = dir_with_file();
	fx_attr *attr;

	need_landlock(1);
	ASSERT_SYS(chmod(in, 0755));
	ASSERT_SYS(chmod(out, 0755));
	attr = landlock_attr();
	ASSERT_OK(fx_attr_add_uid_map(attr, NOBODY, NOBODY, 1));
	ASSERT_OK(fx_attr_add_gid_map(attr, NOBODY, NOBODY, 1));
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_add_landlock_path(attr, in, FX_LANDLOCK_RO));
	check_read_only(attr, in, out);
	fx_attr_free(attr);
	free(in);
	free(out);
}
