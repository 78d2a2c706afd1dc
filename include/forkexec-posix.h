/* SPDX-License-Identifier: MIT */
/*
 * forkexec-posix.h: the posix_spawn family on the forkexec engine.
 *
 * Every function here has the signature, the types and the flag values of
 * its namesake in the system's <spawn.h> (POSIX.1-2024, plus glibc's _np
 * extensions and glibc 2.39's pidfd_spawn), under an fx_ name.  The
 * objects are the system's own posix_spawnattr_t and
 * posix_spawn_file_actions_t, whose bytes hold forkexec's state: an
 * object must be made by the fx_ init function and used only with fx_
 * functions (or, in a program running with the drop-in, only with the
 * standard names, which are then all forkexec's).
 *
 * What forkexec adds to the standard behaviour:
 *   - the child is made with clone(CLONE_VM|CLONE_VFORK) on a stack of its
 *     own, runs no atfork handler and makes raw system calls only;
 *   - the errno of a failing attribute step, file action or execve is the
 *     return value, and no child is left behind;
 *   - fx_posix_spawn_error() says which step or file action failed;
 *   - POSIX_SPAWN_SETCGROUP and pidfd_spawn work on any libc (Linux 5.7).
 *
 * Deliberate differences from glibc are listed in the README ("posix_spawn
 * family"): an open action with O_CLOEXEC keeps the flag on its target fd.
 */
#ifndef FORKEXEC_POSIX_H
#define FORKEXEC_POSIX_H

#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

#include "forkexec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags some libcs lack, with glibc's values. */
#ifndef POSIX_SPAWN_USEVFORK
#define POSIX_SPAWN_USEVFORK 0x40 /* accepted and ignored */
#endif
#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80
#endif
#ifndef POSIX_SPAWN_SETCGROUP
#define POSIX_SPAWN_SETCGROUP 0x100 /* glibc 2.39: start in the cgroup of setcgroup_np */
#endif

/* ---- spawning --------------------------------------------------------- */

FX_EXTERN int fx_posix_spawn(pid_t *__restrict pid, const char *__restrict path,
                             const posix_spawn_file_actions_t *file_actions,
                             const posix_spawnattr_t *__restrict attrp,
                             char *const argv[], char *const envp[]);
/* As fx_posix_spawn, with `file` searched in the caller's PATH as execvp
 * does (in the child, after the file actions): EACCES from one directory
 * does not stop the search; ENOEXEC does, and is returned. */
FX_EXTERN int fx_posix_spawnp(pid_t *__restrict pid, const char *__restrict file,
                              const posix_spawn_file_actions_t *file_actions,
                              const posix_spawnattr_t *__restrict attrp,
                              char *const argv[], char *const envp[]);
/* As glibc 2.39: the child's pidfd (close-on-exec) instead of its pid. */
FX_EXTERN int fx_pidfd_spawn(int *__restrict pidfd, const char *__restrict path,
                             const posix_spawn_file_actions_t *file_actions,
                             const posix_spawnattr_t *__restrict attrp,
                             char *const argv[], char *const envp[]);
FX_EXTERN int fx_pidfd_spawnp(int *__restrict pidfd, const char *__restrict file,
                              const posix_spawn_file_actions_t *file_actions,
                              const posix_spawnattr_t *__restrict attrp,
                              char *const argv[], char *const envp[]);

/*
 * The calling thread's last fx_posix_spawn* or fx_pidfd_spawn* call: fills
 * *err (if not NULL) and returns its errno, 0 if it succeeded.  A failed
 * file action is step FX_STEP_FILE_ACTION with `index` the action's
 * position (0 for the first added), and fx_strerror() formats it as
 * `file action 3 (open "/x"): Permission denied`.
 */
FX_EXTERN int fx_posix_spawn_error(fx_error *err);

/* ---- attributes ------------------------------------------------------- */

FX_EXTERN int fx_posix_spawnattr_init(posix_spawnattr_t *attr);
FX_EXTERN int fx_posix_spawnattr_destroy(posix_spawnattr_t *attr);
FX_EXTERN int fx_posix_spawnattr_getflags(const posix_spawnattr_t *__restrict attr,
                                          short *__restrict flags);
/* EINVAL for a bit that is not a POSIX_SPAWN_* flag above. */
FX_EXTERN int fx_posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
FX_EXTERN int fx_posix_spawnattr_getpgroup(const posix_spawnattr_t *__restrict attr,
                                           pid_t *__restrict pgroup);
FX_EXTERN int fx_posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);
FX_EXTERN int fx_posix_spawnattr_getsigmask(const posix_spawnattr_t *__restrict attr,
                                            sigset_t *__restrict sigmask);
FX_EXTERN int fx_posix_spawnattr_setsigmask(posix_spawnattr_t *__restrict attr,
                                            const sigset_t *__restrict sigmask);
FX_EXTERN int fx_posix_spawnattr_getsigdefault(const posix_spawnattr_t *__restrict attr,
                                               sigset_t *__restrict sigdefault);
FX_EXTERN int fx_posix_spawnattr_setsigdefault(posix_spawnattr_t *__restrict attr,
                                               const sigset_t *__restrict sigdefault);
FX_EXTERN int fx_posix_spawnattr_getschedpolicy(const posix_spawnattr_t *__restrict attr,
                                                int *__restrict policy);
/* EINVAL unless SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH or SCHED_IDLE. */
FX_EXTERN int fx_posix_spawnattr_setschedpolicy(posix_spawnattr_t *attr, int policy);
FX_EXTERN int fx_posix_spawnattr_getschedparam(const posix_spawnattr_t *__restrict attr,
                                               struct sched_param *__restrict param);
FX_EXTERN int fx_posix_spawnattr_setschedparam(posix_spawnattr_t *__restrict attr,
                                               const struct sched_param *__restrict param);
/* The cgroup v2 directory fd POSIX_SPAWN_SETCGROUP starts the child in. */
FX_EXTERN int fx_posix_spawnattr_getcgroup_np(const posix_spawnattr_t *__restrict attr,
                                              int *__restrict cgroup);
FX_EXTERN int fx_posix_spawnattr_setcgroup_np(posix_spawnattr_t *attr, int cgroup);

/* ---- file actions, run in the order added ----------------------------- */

FX_EXTERN int fx_posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
FX_EXTERN int fx_posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
/* The path is copied.  EBADF for an fd outside 0..OPEN_MAX-1. */
FX_EXTERN int fx_posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *__restrict fa,
                                                  int fd, const char *__restrict path,
                                                  int oflag, mode_t mode);
/* Closing an fd that is not open is not an error. */
FX_EXTERN int fx_posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);
/* dup2(fd, newfd); with fd == newfd, clears newfd's close-on-exec flag. */
FX_EXTERN int fx_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd,
                                                  int newfd);
FX_EXTERN int fx_posix_spawn_file_actions_addchdir(posix_spawn_file_actions_t *__restrict fa,
                                                   const char *__restrict path);
FX_EXTERN int fx_posix_spawn_file_actions_addfchdir(posix_spawn_file_actions_t *fa, int fd);
/* glibc's names for the two above. */
FX_EXTERN int fx_posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict fa,
                                                      const char *__restrict path);
FX_EXTERN int fx_posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd);
/* Closes every fd >= from (close_range). */
FX_EXTERN int fx_posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
                                                          int from);
/* tcsetpgrp(tcfd, the child's process group), SIGTTOU notwithstanding. */
FX_EXTERN int fx_posix_spawn_file_actions_addtcsetpgrp_np(posix_spawn_file_actions_t *fa,
                                                          int tcfd);

#ifdef __cplusplus
}
#endif

#endif /* FORKEXEC_POSIX_H */
