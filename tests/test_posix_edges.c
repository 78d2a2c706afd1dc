/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family at its edges, where POSIX and glibc say exactly
 * what happens and a plausible shortcut does something else: a full
 * descriptor table (an open action onto an open fd; pidfd_spawn with no
 * slot for the pidfd) and a negative cgroup fd.  Each case checks the
 * result and that nothing was left behind, and, where a child might have
 * been started and then killed, that it never existed.
 *
 * A full table is made with a low RLIMIT_NOFILE and /dev/null opened
 * until EMFILE.  Where the child reports over a pipe (the [clone-pipe]
 * variant, an emulator), the pipe needs two slots in the parent: that is
 * observed (the spawn fails at FX_STEP_PIPE), two slots are freed, and
 * the case runs again with the table full once the pipe exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fxt.h"
#include "forkexec-posix.h"

#define FILL_LIMIT 64

struct full_table {
	int fd[FILL_LIMIT];
	int n;
};

/* Fills the table up to a soft RLIMIT_NOFILE of FILL_LIMIT. */
static void fill_table(struct full_table *t)
{
	struct rlimit rl;
	int fd;

	ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < FILL_LIMIT)
		SKIP("hard RLIMIT_NOFILE below %d", FILL_LIMIT);
	rl.rlim_cur = FILL_LIMIT;
	ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &rl));
	t->n = 0;
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		ASSERT_LT(t->n, FILL_LIMIT);
		t->fd[t->n++] = fd;
	}
	ASSERT_EQ(errno, EMFILE);
	ASSERT_GE(t->n, 4);
}

/* Frees the last two fillers, for the error pipe. */
static void free_two(struct full_table *t)
{
	close(t->fd[--t->n]);
	close(t->fd[--t->n]);
}

static void empty_table(struct full_table *t)
{
	while (t->n > 0)
		close(t->fd[--t->n]);
}

/* Whether a spawn failed because the error pipe found no slot. */
static int pipe_lacked_slots(int rc)
{
	fx_error err;

	fx_posix_spawn_error(&err);
	return rc == EMFILE && err.step == FX_STEP_PIPE;
}

static char *const sh_env[] = { "PATH=/usr/bin:/bin", NULL };

/* Actions that close fillers from..n-1, so that the child's program
 * (and its dynamic loader) finds free slots after execve. */
static void add_closes(posix_spawn_file_actions_t *fa, const struct full_table *t, int from)
{
	for (int i = from; i < t->n; i++)
		ASSERT_EQ(fx_posix_spawn_file_actions_addclose(fa, t->fd[i]), 0);
}

/*
 * POSIX: an open action's fd, if open, "shall be closed before the new
 * file is opened"; glibc does so.  With the table full, opening first
 * and moving the new fd onto the target fails with EMFILE.
 */
TEST(posix_fa_open_onto_open_fd_table_full)
{
	char *dir = fxt_tmpdir();
	char *out = fxt_join(dir, "out");
	char *argv[] = { "sh", "-c", "echo opened", NULL };
	posix_spawn_file_actions_t fa;
	struct full_table t;
	int before = fxt_fd_count(), rc, status;
	pid_t pid = -1;
	char buf[64] = "";

	fill_table(&t);
	for (int attempt = 0;; attempt++) {
		ASSERT_EQ(fx_posix_spawn_file_actions_init(&fa), 0);
		/* fd 1 is open: the runner's output. */
		ASSERT_EQ(fx_posix_spawn_file_actions_addopen(&fa, 1, out,
		                                              O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
		add_closes(&fa, &t, 0);
		rc = fx_posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, sh_env);
		fx_posix_spawn_file_actions_destroy(&fa);
		if (attempt == 0 && pipe_lacked_slots(rc)) {
			printf("# the error channel is a pipe: two slots left for it\n");
			free_two(&t);
			continue;
		}
		break;
	}
	if (rc != 0) {
		fx_error err;
		char msg[512];
		fx_posix_spawn_error(&err);
		FAIL("fx_posix_spawn: %s", fx_strerror(&err, msg, sizeof msg));
	}
	empty_table(&t);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	int fd = open(out, O_RDONLY | O_CLOEXEC);
	ASSERT_SYS(fd);
	ASSERT_GT(read(fd, buf, sizeof buf - 1), 0);
	close(fd);
	ASSERT_STR_EQ(buf, "opened\n");
	fxt_assert_fd_count(before);
	free(out);
	free(dir);
}

/*
 * POSIX_SPAWN_SETCGROUP with a negative fd: glibc hands it to clone3,
 * which refuses it (EINVAL).  No child may start in our own cgroup.
 */
TEST(posix_setcgroup_negative_fd)
{
	char *dir = fxt_tmpdir();
	char *marker = fxt_join(dir, "started");
	char *argv[] = { "true", NULL };
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	int before = fxt_fd_count(), pidfd = -7;
	pid_t pid = -7;
	fx_error err;
	struct stat st;

	ASSERT_EQ(fx_posix_spawnattr_init(&a), 0);
	ASSERT_EQ(fx_posix_spawnattr_setflags(&a, POSIX_SPAWN_SETCGROUP), 0);
	ASSERT_EQ(fx_posix_spawnattr_setcgroup_np(&a, -1), 0);
	/* A child that ran its actions leaves this file behind. */
	ASSERT_EQ(fx_posix_spawn_file_actions_init(&fa), 0);
	ASSERT_EQ(fx_posix_spawn_file_actions_addopen(&fa, 3, marker, O_WRONLY | O_CREAT, 0600),
	          0);
	ASSERT_EQ(fx_posix_spawn(&pid, "/bin/true", &fa, &a, argv, sh_env), EINVAL);
	ASSERT_EQ(pid, -7);
	fx_posix_spawn_error(&err);
	ASSERT_EQ(err.step, FX_STEP_CLONE);
	ASSERT_EQ(fx_pidfd_spawn(&pidfd, "/bin/true", &fa, &a, argv, sh_env), EINVAL);
	ASSERT_EQ(pidfd, -7);
	ASSERT(stat(marker, &st) < 0 && errno == ENOENT);
	fxt_assert_no_children();
	fxt_assert_fd_count(before);
	fx_posix_spawn_file_actions_destroy(&fa);
	fx_posix_spawnattr_destroy(&a);
	free(marker);
	free(dir);
}

/*
 * pidfd_spawn with no slot left for the pidfd: glibc 2.39 returns EMFILE
 * and no child exists.  The child's first file action creates a marker
 * file: had a child been started (and killed), the marker would be there.
 * With one slot free, the same call succeeds.
 */
TEST(posix_pidfd_spawn_table_full)
{
	char *dir = fxt_tmpdir();
	char *marker = fxt_join(dir, "started");
	char *argv[] = { "true", NULL };
	posix_spawn_file_actions_t fa;
	struct full_table t;
	int before = fxt_fd_count(), pidfd = -7, rc = 0;
	fx_error err;
	struct stat st;

	fill_table(&t);
	for (int attempt = 0; attempt < 2; attempt++) {
		ASSERT_EQ(fx_posix_spawn_file_actions_init(&fa), 0);
		ASSERT_EQ(fx_posix_spawn_file_actions_addclose(&fa, t.fd[0]), 0);
		ASSERT_EQ(fx_posix_spawn_file_actions_addopen(&fa, t.fd[0], marker,
		                                              O_WRONLY | O_CREAT | O_CLOEXEC,
		                                              0600), 0);
		add_closes(&fa, &t, 1);
		rc = fx_pidfd_spawn(&pidfd, "/bin/true", &fa, NULL, argv, sh_env);
		fx_posix_spawn_file_actions_destroy(&fa);
		if (attempt == 0 && pipe_lacked_slots(rc)) {
			printf("# the error channel is a pipe: two slots left for it\n");
			free_two(&t);
			continue;
		}
		break;
	}
	fx_posix_spawn_error(&err);
	ASSERT_EQ(rc, EMFILE);
	ASSERT_EQ(err.step, FX_STEP_CLONE);
	ASSERT_EQ(pidfd, -7);
	ASSERT(stat(marker, &st) < 0 && errno == ENOENT);
	fxt_assert_no_children();

	/* One slot free: the pidfd has its place. */
	close(t.fd[--t.n]);
	ASSERT_EQ(fx_posix_spawn_file_actions_init(&fa), 0);
	add_closes(&fa, &t, 0);
	rc = fx_pidfd_spawn(&pidfd, "/bin/true", &fa, NULL, argv, sh_env);
	fx_posix_spawn_file_actions_destroy(&fa);
	if (rc == EMFILE && pipe_lacked_slots(rc)) {
		close(t.fd[--t.n]);
		close(t.fd[--t.n]);
		ASSERT_EQ(fx_posix_spawn_file_actions_init(&fa), 0);
		add_closes(&fa, &t, 0);
		rc = fx_pidfd_spawn(&pidfd, "/bin/true", &fa, NULL, argv, sh_env);
		fx_posix_spawn_file_actions_destroy(&fa);
	}
	ASSERT_EQ(rc, 0);
	ASSERT_GE(pidfd, 0);
	empty_table(&t);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	ASSERT_SYS(waitid((idtype_t)3 /* P_PIDFD */, (id_t)pidfd, &si, WEXITED));
	ASSERT_EQ(si.si_code, CLD_EXITED);
	ASSERT_EQ(si.si_status, 0);
	close(pidfd);
	fxt_assert_fd_count(before);
	free(marker);
	free(dir);
}
