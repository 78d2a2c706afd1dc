/* SPDX-License-Identifier: MIT */
/*
 * fxreap.so, for LD_PRELOAD: a foreign reaper inside the program, which
 * takes every child that has ended each time the program returns from
 * poll(2), before the program can wait for it.  It stands for a library
 * or handler of the application's that calls waitpid(-1): the test of
 * what fxrun says when its child was reaped by someone else
 * (tests/test_reaped.c).  On stderr it says "fxreap: polling" when
 * the program first sleeps in poll (the test then lets the child end),
 * and names each child it reaps, "fxreap: reaped PID status 0xS", so
 * that the test knows it happened.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *line, size_t len)
{
	if (write(2, line, len) < 0) {
		/* nothing to do */
	}
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	static int polled;
	struct timespec ts, *tp = NULL;
	int rc, saved, st;
	pid_t pid;

	if (!polled) {
		polled = 1;
		say("fxreap: polling\n", 16);
	}
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		tp = &ts;
	}
	rc = ppoll(fds, n, tp, NULL);
	saved = errno;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		char line[64];
		int len = snprintf(line, sizeof line, "fxreap: reaped %d status 0x%x\n", (int)pid, st);
		say(line, (size_t)len);
	}
	errno = saved;
	return rc;
}
