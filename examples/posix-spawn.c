/* SPDX-License-Identifier: MIT */
/*
 * posix-spawn: the standard posix_spawn interface, on forkexec's engine.
 *
 *     posix-spawn INFILE OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND (searched in PATH) with stdin from INFILE and stdout and
 * stderr into OUTFILE, through posix_spawn file actions.  The fx_ names
 * take the same arguments as <spawn.h>'s and return a positive errno,
 * as POSIX says; fx_posix_spawn_error then tells which action failed.
 * (Linked with -lforkexec-posix instead, or under LD_PRELOAD, a program
 * gets the same engine under the standard names.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <forkexec-posix.h>

extern char **environ;

int main(int argc, char *argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	fx_error err;
	char msg[512];
	int rc, status;

	if (argc < 4) {
		fprintf(stderr, "usage: posix-spawn INFILE OUTFILE COMMAND [ARG...]\n");
		return 2;
	}

	/* Run in the child in the order added, after the attributes. */
	fx_posix_spawn_file_actions_init(&fa);
	fx_posix_spawn_file_actions_addopen(&fa, 0, argv[1], O_RDONLY, 0);
	fx_posix_spawn_file_actions_addopen(&fa, 1, argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fx_posix_spawn_file_actions_adddup2(&fa, 1, 2);

	rc = fx_posix_spawnp(&pid, argv[3], &fa, NULL, &argv[3], environ);
	fx_posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		/* rc is the errno itself; the error names the action, counted
		 * from 0: `file action 0 (open "in.txt"): No such file or
		 * directory`. */
		fx_posix_spawn_error(&err);
		fprintf(stderr, "posix-spawn: %s (%s)\n", fx_strerror(&err, msg, sizeof msg),
		        strerror(rc));
		return 127;
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	printf("pid %d exited with code %d\n", (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
