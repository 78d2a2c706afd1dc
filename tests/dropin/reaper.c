/* SPDX-License-Identifier: MIT */
/*
 * reaper: a program whose SIGCHLD handler reaps whatever ended, as
 * servers and older code do (waitpid(-1, WNOHANG) in a loop), and which
 * starts one child with posix_spawn.  It prints what the handler reaped:
 * exactly that child, with its status, whatever posix_spawn is (glibc's,
 * or the drop-in's, which on its first spawn proves memory sharing with a
 * helper child of its own that nobody may see).  Then it checks that no
 * other child of any kind (__WALL) is left to reap.
 *
 *     reaper
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX 16

static volatile sig_atomic_t n;
static pid_t pids[MAX];
static int statuses[MAX];

static void reap(int sig)
{
	int saved = errno, st;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (n < MAX) {
			pids[n] = pid;
			statuses[n] = st;
		}
		n++;
	}
	errno = saved;
}

int main(void)
{
	char *argv[] = { "sh", "-c", "exit 5", NULL };
	struct sigaction sa;
	sigset_t chld, old, wait;
	pid_t child;
	int rc, st;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = reap;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0) {
		perror("sigaction");
		return 2;
	}
	rc = posix_spawn(&child, "/bin/sh", NULL, NULL, argv, environ);
	if (rc != 0) {
		fprintf(stderr, "posix_spawn: %s\n", strerror(rc));
		return 2;
	}
	/* Sleep until the handler has reaped something: no timing. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	wait = old;
	sigdelset(&wait, SIGCHLD);
	while (n == 0)
		sigsuspend(&wait);
	sigprocmask(SIG_SETMASK, &old, NULL);

	printf("handler reaped %d pid(s):", (int)n);
	for (int i = 0; i < n && i < MAX; i++) {
		if (pids[i] == child)
			printf(" the child (exit %d)", WIFEXITED(statuses[i]) ? WEXITSTATUS(statuses[i]) : -1);
		else
			printf(" <unknown>");
	}
	printf("\n");
	if (waitpid(-1, &st, WNOHANG | __WALL) < 0 && errno == ECHILD)
		printf("no other child\n");
	else
		printf("another child is left\n");
	return 0;
}
