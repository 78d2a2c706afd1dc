/* SPDX-License-Identifier: MIT */
/*
 * probe: the child every drop-in check spawns.  It prints, one fact a line,
 * the state a posix_spawn attribute or file action can change, in a form
 * that is the same from run to run (no pids, no inode numbers, the work
 * directory written as $W), so that a run with the drop-in and a run
 * without it can be compared byte for byte.
 *
 *   probe [--exit N] [--stdin] [--env NAME]... [--tty] [WORD...]
 *
 * Facts: argv, cwd, process group and session (leader or not), real and
 * effective uid, scheduling policy and priority, blocked and ignored
 * signals, open descriptors (access mode, O_APPEND, what they point to),
 * selected environment variables, stdin's contents (--stdin), and with
 * --tty whether fd 0 is a terminal whose foreground group is ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char *work; /* $PROBE_WORK: replaced by "$W" in paths */

static void put_path(const char *p)
{
	size_t n = work ? strlen(work) : 0;

	if (n && strncmp(p, work, n) == 0 && (p[n] == '/' || p[n] == '\0'))
		printf("$W%s", p + n);
	else if (strncmp(p, "pipe:[", 6) == 0)
		fputs("pipe", stdout);
	else if (strncmp(p, "socket:[", 8) == 0)
		fputs("socket", stdout);
	else if (strncmp(p, "anon_inode:", 11) == 0)
		fputs(p, stdout);
	else if (strncmp(p, "/dev/pts/", 9) == 0)
		fputs("/dev/pts/N", stdout);
	else
		fputs(p, stdout);
}

/*
 * The kernel's view of a signal set (a SigBlk/SigIgn line of
 * /proc/self/status): glibc's sigprocmask and sigaction hide its internal
 * signals 32 and 33 (SIGCANCEL, SIGSETXID), which are printed apart, since
 * glibc's posix_spawn leaves them ignored in every child (see run.sh).
 */
static void sigset_line(const char *name, const char *field)
{
	char line[256];
	unsigned long long bits = 0;
	int sig, any = 0, found = 0;
	size_t len = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			bits = strtoull(line + len + 1, NULL, 16);
			found = 1;
		}
	if (f)
		fclose(f);
	if (!found) {
		printf("%s: no %s in /proc/self/status\n", name, field);
		return;
	}
	printf("%s:", name);
	for (sig = 1; sig <= 64; sig++)
		if ((bits >> (sig - 1) & 1) && sig != 32 && sig != 33) {
			printf(" %d", sig);
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
	printf("%s internal (32 33):%s%s\n", name, bits >> 31 & 1 ? " 32" : "",
	       bits >> 32 & 1 ? " 33" : "");
}

int main(int argc, char **argv)
{
	int code = 0, want_stdin = 0, want_tty = 0, i, fd;
	char buf[PATH_MAX + 1], lnk[64];
	struct sched_param sp;
	ssize_t n;

	work = getenv("PROBE_WORK");
	for (i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc)
			code = atoi(argv[++i]);
		else if (strcmp(argv[i], "--stdin") == 0)
			want_stdin = 1;
		else if (strcmp(argv[i], "--tty") == 0)
			want_tty = 1;
		else if (strcmp(argv[i], "--env") == 0 && i + 1 < argc) {
			const char *v = getenv(argv[++i]);
			printf("env %s=%s\n", argv[i], v ? v : "(unset)");
		}
	}

	if (getcwd(buf, sizeof buf)) {
		fputs("cwd=", stdout);
		put_path(buf);
		putchar('\n');
	} else
		printf("cwd: %s\n", strerror(errno));
	printf("pgroup leader=%s\n", getpgrp() == getpid() ? "yes" : "no");
	printf("session leader=%s\n", getsid(0) == getpid() ? "yes" : "no");
	printf("same pgroup as parent=%s\n", getpgid(getppid()) == getpgrp() ? "yes" : "no");
	printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(),
	       (int)getgid(), (int)getegid());
	sp.sched_priority = -1;
	sched_getparam(0, &sp);
	printf("sched policy=%d priority=%d\n", sched_getscheduler(0) & ~SCHED_RESET_ON_FORK,
	       sp.sched_priority);

	/* /proc/self/status is closed again before the fd table is listed */
	sigset_line("blocked", "SigBlk");
	sigset_line("ignored", "SigIgn");

	for (fd = 0; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

		if (fl < 0)
			continue;
		snprintf(lnk, sizeof lnk, "/proc/self/fd/%d", fd);
		n = readlink(lnk, buf, sizeof buf - 1);
		buf[n < 0 ? 0 : n] = '\0';
		printf("fd %d %s%s%s ", fd,
		       (fl & O_ACCMODE) == O_RDONLY ? "r" : (fl & O_ACCMODE) == O_WRONLY ? "w" : "rw",
		       fl & O_APPEND ? " append" : "", fdfl & FD_CLOEXEC ? " cloexec" : "");
		put_path(buf);
		putchar('\n');
	}

	if (want_tty) {
		pid_t fg = tcgetpgrp(0);

		printf("tty: isatty(0)=%d foreground=%s\n", isatty(0),
		       fg < 0 ? strerror(errno) : fg == getpgrp() ? "ours" : "other");
	}
	if (want_stdin) {
		fputs("stdin:", stdout);
		fflush(stdout);
		while ((n = read(0, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		puts(n < 0 ? " read error" : "<eof>");
	}
	printf("exit %d\n", code);
	return fflush(stdout) == 0 ? code : 99;
}
