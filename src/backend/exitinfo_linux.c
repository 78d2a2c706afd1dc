/* SPDX-License-Identifier: MIT */
/*
 * PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux 6.15): a pidfd keeps its
 * process's exit status after the process was reaped, whoever reaped it.
 * The kernel stores it in release_task(), before it unhashes the process
 * and wakes the pidfd's pollers with POLLHUP; until then the ioctl
 * answers for the living (or zombie) process, without the exit bit.
 *
 * Debian 12's <linux/pidfd.h> predates the ioctl, so its ABI is written
 * here (include/uapi/linux/pidfd.h of Linux 6.15 and later): the first
 * published size of struct pidfd_info (PIDFD_INFO_SIZE_VER0, 64 bytes,
 * Linux 6.13), whose last word became exit_code in 6.15.  The size is
 * part of the ioctl number, and the kernel copies no more than it: a
 * 6.13 or 6.14 kernel ignores the exit bit it does not know, later ones
 * fill exit_code.  Older kernels refuse the ioctl (ENOTTY, EINVAL).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backend/exitinfo.h"

#define FX__PIDFS_IOCTL_MAGIC 0xFF
#define FX__PIDFD_INFO_EXIT   (1ULL << 3)

struct fx__pidfd_info {
	uint64_t mask;          /* in: what we ask for; out: what was filled */
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid;
	uint32_t ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;      /* waitpid's encoding, as the kernel's task->exit_code */
};

_Static_assert(sizeof(struct fx__pidfd_info) == 64, "PIDFD_INFO_SIZE_VER0");
_Static_assert(offsetof(struct fx__pidfd_info, exit_code) == 60, "pidfd_info.exit_code");

#define FX__PIDFD_GET_INFO _IOWR(FX__PIDFS_IOCTL_MAGIC, 11, struct fx__pidfd_info)

/*
 * FORKEXEC_EXIT_INFO=off makes the library behave as on a kernel without
 * the ioctl, so that the suite proves what callers get there.  Read at
 * each use (only after a child was lost, never on a common path), so a
 * test may set it in its own process; ignored in set-user-ID programs.
 * A test knob, not an interface.
 */
static int disabled(void)
{
	const char *v = secure_getenv("FORKEXEC_EXIT_INFO");

	return v && strcmp(v, "off") == 0;
}

int fx__pidfd_exit_status(int pidfd, int *status)
{
	struct fx__pidfd_info info;

	if (pidfd < 0 || disabled())
		return -ECHILD;
	memset(&info, 0, sizeof info);
	info.mask = FX__PIDFD_INFO_EXIT;
	if (ioctl(pidfd, FX__PIDFD_GET_INFO, &info) < 0)
		/* ESRCH: released without exit information (6.13, 6.14);
		 * ENOTTY or EINVAL: no such ioctl (before 6.13). */
		return -ECHILD;
	if (!(info.mask & FX__PIDFD_INFO_EXIT))
		return 0;
	*status = info.exit_code;
	return 1;
}
