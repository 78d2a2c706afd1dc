/* SPDX-License-Identifier: MIT */
/*
 * posix_spawn and posix_spawnp as a program linked against glibc before
 * 2.15 asks for them: at glibc's first version on this architecture
 * (-DOLD_VERSION='"GLIBC_2.2.5"' on x86_64), where a file without a #!
 * line (ENOEXEC) is run by /bin/sh.  Without OLD_VERSION, today's.
 *
 *     oldspawn SCRIPT NAME   (NAME: the script's name in a PATH directory)
 *
 * Prints what each call returned and the child's status; the script
 * prints its own lines.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef OLD_VERSION
__asm__(".symver posix_spawn, posix_spawn@" OLD_VERSION);
__asm__(".symver posix_spawnp, posix_spawnp@" OLD_VERSION);
#endif

extern char **environ;

static void report(const char *what, int rc, pid_t pid)
{
	int status;

	if (rc != 0) {
		printf("%s: %s\n", what, strerror(rc));
		return;
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("%s: waitpid: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(int argc, char **argv)
{
	pid_t pid = -1;
	int rc;

	if (argc != 3)
		return 2;
	char *a1[] = { argv[1], "one", "two", NULL };
	setvbuf(stdout, NULL, _IONBF, 0);
	rc = posix_spawn(&pid, argv[1], NULL, NULL, a1, environ);
	report("posix_spawn", rc, pid);
	char *a2[] = { argv[2], "three", NULL };
	rc = posix_spawnp(&pid, argv[2], NULL, NULL, a2, environ);
	report("posix_spawnp", rc, pid);
	return 0;
}
