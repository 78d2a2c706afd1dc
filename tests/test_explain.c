/* SPDX-License-Identifier: MIT */
/*
 * fx_attr_explain and fxrun --dry-run: the plan printed for several
 * attribute sets is the one expected, line by line, and nothing was
 * started or created (a program that would create a file did not, an
 * output file the stdio settings would create does not exist).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "forkexec-io.h"
#include "forkexec-linux.h"
#include "fxt.h"

/* The text of fx_attr_explain, grown as it asks; fails on an error. */
static char *explain(const fx_attr *attr, const char *file, char *const argv[])
{
	fx_error err;
	size_t size = 64;
	char *buf = NULL;

	for (;;) {
		char *grown = realloc(buf, size);
		ssize_t n;

		if (!grown)
			FAIL("out of memory");
		buf = grown;
		n = fx_attr_explain(attr, file, argv, buf, size, &err);
		if (n < 0)
			FAIL("fx_attr_explain: %s", strerror((int)-n));
		if ((size_t)n < size)
			return buf;
		size = (size_t)n + 1;
	}
}

/* Each of `want` is a line of text, in this order (others may come
 * between). */
static void assert_lines_in_order(const char *text, const char *const *want)
{
	const char *at = text;

	for (size_t i = 0; want[i]; i++) {
		size_t len = strlen(want[i]);
		const char *hit = at;

		for (;;) {
			hit = strstr(hit, want[i]);
			if (!hit)
				FAIL("line %zu \"%s\" not found in order in:\n%s", i, want[i], text);
			if ((hit == text || hit[-1] == '\n') && (hit[len] == '\n' || !hit[len]))
				break;
			hit++;
		}
		at = hit + len;
	}
}

static int is_file(const char *path)
{
	return access(path, F_OK) == 0;
}

TEST(explain_defaults_start_nothing)
{
	char *dir = fxt_tmpdir();
	char *mark = fxt_join(dir, "started");
	char script[512];
	fx_attr *attr = fxt_attr();
	char *text;

	snprintf(script, sizeof script, "echo > '%s'", mark);
	char *argv[] = { "sh", "-c", script, NULL };
	text = explain(attr, "sh", argv);
	assert_lines_in_order(text, (const char *const[]){
		fxt_backend() == FX_BACKEND_FORK
			? "parent fork() = <pid>  /* _Fork, no atfork handlers */"
			: "parent clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_PIDFD|CLONE_CLEAR_SIGHAND,"
			  " exit_signal=SIGCHLD}, 88) = <pid>",
		"child  rt_sigaction(<each caught signal>, {sa_handler=SIG_DFL}, NULL, 8)"
		" <unless clone3 cleared them>",
		"child  close_range(3, ~0U, 0)",
		"child  rt_sigprocmask(SIG_SETMASK, [<the spawning thread's mask>], NULL, 8)",
		NULL });
	/* execve of the resolved program, with argv as given. */
	ASSERT(strstr(text, "child  execve(\"/") != NULL);
	ASSERT(strstr(text, "/sh\", [\"sh\", \"-c\", \"echo > '") != NULL);
	/* The program did not run. */
	ASSERT(!is_file(mark));
	free(text);

	/* Without attributes: the defaults, on the default backend. */
	text = explain(NULL, "sh", argv);
	ASSERT(strstr(text, "child  close_range(3, ~0U, 0)\n") != NULL);
	free(text);
	ASSERT(!is_file(mark));
	fx_attr_free(attr);
	free(mark);
	free(dir);
}

/* The example: chdir, setsid, a descriptor map, the closing
 * of the rest, execve; and the POSIX limits in their place. */
TEST(explain_cwd_session_fds_limits)
{
	fx_attr *attr = fxt_attr();
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char *argv[] = { "sh", "-c", "true", NULL };
	char close_from[64], dup[64], close_gap[64], *text;

	ASSERT(fd > 2);
	ASSERT_OK(fx_attr_set_cwd(attr, "/tmp"));
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID));
	ASSERT_OK(fx_attr_set_fd(attr, 1, fd));
	ASSERT_OK(fx_attr_set_umask(attr, 027));
	ASSERT_OK(fx_attr_set_rlimit(attr, RLIMIT_NOFILE, 64, 128));
	ASSERT_OK(fx_attr_set_nice(attr, 5));
	/* Everything above the highest fd named goes first, then the map,
	 * then the gap below it. */
	snprintf(close_from, sizeof close_from, "child  close_range(%d, ~0U, 0)", fd + 1);
	snprintf(dup, sizeof dup, "child  dup3(%d, 1, 0)", fd);
	snprintf(close_gap, sizeof close_gap, "child  close_range(3, %d, 0)", fd);
	text = explain(attr, "sh", argv);
	assert_lines_in_order(text, (const char *const[]){
		"child  setsid()",
		"child  setpriority(PRIO_PROCESS, 0, 5)",
		"child  chdir(\"/tmp\")",
		close_from,
		dup,
		close_gap,
		"child  prlimit64(0, RLIMIT_NOFILE, {rlim_cur=64, rlim_max=128}, NULL)",
		"child  umask(0027)",
		NULL });
	ASSERT(strstr(text, "child  execve(") != NULL);
	free(text);
	close(fd);
	fx_attr_free(attr);
}

/* The capability steps in their order: the inheritable set before
 * setuid, kept by the emptying of the others after it. */
TEST(explain_inheritable_caps_around_setuid)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "true", NULL };
	char *text;

	ASSERT_OK(fx_attr_set_gid(attr, 65534));
	ASSERT_OK(fx_attr_set_uid(attr, 65534));
	ASSERT_OK(fx_attr_set_inheritable_caps(attr, FX_CAP(CAP_CHOWN) | FX_CAP(CAP_KILL)));
	text = explain(attr, "true", argv);
	assert_lines_in_order(text, (const char *const[]){
		"child  capset(..., {inheritable=0x21})",
		"child  setgid(65534)",
		"child  setuid(65534)",
		"child  capset({_LINUX_CAPABILITY_VERSION_3, 0}, {effective=0, permitted=0,"
		" inheritable=0x21})",
		NULL });
	free(text);
	fx_attr_free(attr);
}

/* stdio settings become the parent's opens and the child's dup3, and
 * no file is created. */
TEST(explain_stdio_creates_nothing)
{
	char *dir = fxt_tmpdir();
	char *out = fxt_join(dir, "out.log");
	fx_attr *attr = fxt_attr();
	char *argv[] = { "true", NULL };
	char *text;

	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_NULL));
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDOUT, out, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_STDOUT));
	text = explain(attr, "true", argv);
	assert_lines_in_order(text, (const char *const[]){
		"parent open(\"/dev/null\", O_RDONLY|O_CLOEXEC|O_NOCTTY) = 3  /* stdin */",
		"child  dup3(3, 0, 0)",
		"child  dup3(4, 1, 0)",
		"child  dup3(4, 2, 0)",
		NULL });
	ASSERT(strstr(text, out) != NULL);
	ASSERT(!is_file(out));
	free(text);
	fx_attr_free(attr);
	free(out);
	free(dir);
}

/* A user namespace: the clone's flags, and the parent's maps written
 * while the child waits, between its two lines. */
TEST(explain_user_namespace_maps)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "true", NULL };
	char uid_line[80], gid_line[80], *text;

	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("the fork backend unshares in the child: see explain_defaults_start_nothing");
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUSER | CLONE_NEWNS));
	snprintf(uid_line, sizeof uid_line, "parent write(\"/proc/<pid>/uid_map\", \"0 %u 1\\n\")",
	         (unsigned)geteuid());
	snprintf(gid_line, sizeof gid_line, "parent write(\"/proc/<pid>/gid_map\", \"0 %u 1\\n\")",
	         (unsigned)getegid());
	text = explain(attr, "true", argv);
	assert_lines_in_order(text, (const char *const[]){
		"parent clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_PIDFD|CLONE_CLEAR_SIGHAND"
		"|CLONE_NEWUSER|CLONE_NEWNS, exit_signal=SIGCHLD}, 88) = <pid>",
		"child  read(<sync pipe>, ..., 1) <waits for the parent>",
		"parent write(\"/proc/<pid>/setgroups\", \"deny\")",
		uid_line,
		gid_line,
		"parent write(<sync pipe>, \"\\0\", 1)",
		"child  <goes on>",
		NULL });
	free(text);
	fx_attr_free(attr);
}

/* A sandbox: every step of the child has a name, none is shown as a
 * bare operation number. */
TEST(explain_sandbox_names_every_step)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "true", NULL };
	const char *deny[] = { "ptrace" };
	char *text;

	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("a new pid namespace needs the clone backend");
	ASSERT_OK(fx_attr_set_root_maps(attr));
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS |
	                                       CLONE_NEWUTS));
	ASSERT_OK(fx_attr_set_mount_proc(attr, "/proc"));
	ASSERT_OK(fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/usr", "/usr"));
	ASSERT_OK(fx_attr_add_tmpfs(attr, "/tmp", 0, 01777));
	ASSERT_OK(fx_attr_set_hostname(attr, "box"));
	ASSERT_OK(fx_attr_set_ioprio(attr, FX_IOPRIO_CLASS_IDLE, 7));
	ASSERT_OK(fx_attr_set_securebits(attr, 1));
	if (fx_syscall_number("ptrace") >= 0)
		ASSERT_OK(fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny, 1, EPERM));
	text = explain(attr, "true", argv);
	if (strstr(text, "<operation"))
		FAIL("a step without a name in:\n%s", text);
	assert_lines_in_order(text, (const char *const[]){
		"child  mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)",
		"child  mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
		"child  sethostname(\"box\", 3)",
		"child  umount2(\".\", MNT_DETACH)",
		"child  ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(3, 7))",
		"child  prctl(PR_SET_SECUREBITS, 0x1)",
		NULL });
	free(text);
	fx_attr_free(attr);
}

/* snprintf's contract, and the errors fx_spawn would give. */
TEST(explain_buffer_and_errors)
{
	fx_attr *attr = fxt_attr();
	char *argv[] = { "true", NULL };
	char small[16], *full;
	fx_error err;
	ssize_t n;

	full = explain(attr, "true", argv);
	n = fx_attr_explain(attr, "true", argv, small, sizeof small, &err);
	ASSERT_EQ(n, (ssize_t)strlen(full));
	ASSERT_EQ(strlen(small), sizeof small - 1);
	ASSERT(strncmp(small, full, sizeof small - 1) == 0);
	ASSERT_EQ(fx_attr_explain(attr, "true", argv, NULL, 0, &err), n);
	free(full);

	ASSERT_ERR(fx_attr_explain(attr, "no-such-program-fx", argv, small, sizeof small, &err),
	           -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_STR_EQ(err.subject, "no-such-program-fx");
	ASSERT_ERR(fx_attr_explain(attr, "true", NULL, small, sizeof small, &err), -EINVAL);
	ASSERT_EQ(err.step, FX_STEP_ARGS);
	fx_attr_free(attr);
}
