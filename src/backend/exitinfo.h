/* SPDX-License-Identifier: MIT */
/*
 * The exit status a pidfd keeps after someone else reaped its process
 * (exitinfo_linux.c): what the waiting paths (proc.c) ask when waitid
 * says ECHILD, so that the caller learns the real status instead of
 * none, or of one made up.
 */
#ifndef FX_EXITINFO_H
#define FX_EXITINFO_H

/*
 * Asks the kernel how the process behind `pidfd` ended, once someone
 * else (a SIGCHLD handler's waitpid(-1), SIGCHLD ignored) has reaped it.
 * Returns 1 with *status in waitpid's encoding; 0 while the process has
 * not been released yet (it still runs, or its reaper is between taking
 * the status and releasing it: the status is published before the pidfd
 * polls POLLHUP, so wait for that and ask again); -ECHILD when the kernel
 * cannot tell (before Linux 6.15, no pidfd, or FORKEXEC_EXIT_INFO=off).
 */
int fx__pidfd_exit_status(int pidfd, int *status);

#endif
