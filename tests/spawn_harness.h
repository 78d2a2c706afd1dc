/* SPDX-License-Identifier: MIT */
/*
 * What a spawned child gets, as the probe reports it: arguments,
 * environment, program lookup, directories, credentials, sessions and
 * terminals, tracing, descriptors and signals.  Every test runs on both
 * backends.
 */
/*
 * spawn_harness.h: the helpers the test_spawn*.c files share.  Static
 * inline: each test file takes what it uses.
 */
#ifndef FXT_SPAWN_HARNESS_H
#define FXT_SPAWN_HARNESS_H
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#if !defined(__APPLE__)
#include <sys/ptrace.h>
#include <sys/resource.h>
#endif
#include <sys/stat.h>
#if !defined(__APPLE__)
#include <sys/sysmacros.h>
#endif
#include <sys/wait.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fxt.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The probe's fd numbers, in order, as "0,1,2". */
static inline void fd_list(const fxt_report *r, char *buf, size_t len)
{
	size_t i = 0, used = 0;
	const char *key, *value;

	buf[0] = 0;
	while (fxt_next(r, "fd.", &i, &key, &value) && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		                         used ? "," : "", key + 3);
}

#define ASSERT_FDS(r, want)                                                   \
	do {                                                                  \
		char fxt_fds_[512];                                           \
		fd_list((r), fxt_fds_, sizeof fxt_fds_);                      \
		ASSERT_STR_EQ(fxt_fds_, (want));                              \
	} while (0)

/* What readlink says about one of our own descriptors. */
static inline void fd_target(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	ASSERT_SYS(n);
	buf[n] = 0;
}

/* A copy of the probe, executable, at dir/name; returns the path. */
static inline char *install_probe(const char *dir, const char *name)
{
	char *path = fxt_join(dir, name);

	fxt_copy_file(fxt_probe_path(), path, 0755);
	return path;
}

/*
 * The probe's `ctty` value for a terminal: the kernel's encoding of its
 * device number, as TIOCGDEV and /proc's tty_nr give it.
 */
static inline long long tty_nr(dev_t rdev)
{
	unsigned maj = major(rdev), min = minor(rdev);

	return (long long)((min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12));
}

struct pty {
	int master, slave;
	dev_t rdev;
};

/* A new pseudo-terminal; neither end becomes our controlling terminal. */
static inline void open_pty(struct pty *p)
{
	struct stat st;
	const char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_SYS(p->master);
	ASSERT_SYS(grantpt(p->master));
	ASSERT_SYS(unlockpt(p->master));
	name = ptsname(p->master);
	ASSERT(name != NULL);
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_SYS(p->slave);
	ASSERT_SYS(fstat(p->slave, &st));
	p->rdev = st.st_rdev;
}

/*
 * Runs fn in a forked helper that leads a new session whose controlling
 * terminal is the pty's slave: the situation of a shell.  The test process
 * cannot be that leader itself (it leads its process group, so setsid
 * fails).  Assertions in fn fail the test as usual.
 */
static inline void in_tty_session(struct pty *p, void (*fn)(struct pty *p))
{
	pid_t pid = fork();
	int st;

	ASSERT_SYS(pid);
	if (pid == 0) {
		ASSERT_SYS(setsid());
		ASSERT_SYS(ioctl(p->slave, TIOCSCTTY, 0));
		fn(p);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the session helper ended with status 0x%x", st);
}

static const char *const wait_stdin[] = { "--wait-stdin", NULL };

#endif
