/* SPDX-License-Identifier: MIT */
/* Step names, one-line messages, and filling an fx_error.  Never allocates,
 * never prints. */
#include <stdio.h>
#include <string.h>

#include "forkexec.h"
#include "core/spawn_core.h"

static const char *const step_names[FX_STEP_COUNT_] = {
	[FX_STEP_NONE] = "none",
	[FX_STEP_ARGS] = "arguments",
	[FX_STEP_LOOKUP] = "lookup",
	[FX_STEP_PLAN] = "plan",
	[FX_STEP_PIPE] = "error pipe",
	[FX_STEP_STACK] = "child stack",
	[FX_STEP_CLONE] = "clone",
	[FX_STEP_FDTABLE] = "fd table",
	[FX_STEP_SIGNALS] = "signal reset",
	[FX_STEP_PDEATHSIG] = "pdeathsig",
	[FX_STEP_SETSID] = "setsid",
	[FX_STEP_SETPGID] = "setpgid",
	[FX_STEP_CHROOT] = "chroot",
	[FX_STEP_SETGROUPS] = "setgroups",
	[FX_STEP_SETGID] = "setgid",
	[FX_STEP_SETUID] = "setuid",
	[FX_STEP_DROPCAPS] = "drop capabilities",
	[FX_STEP_CHDIR] = "chdir",
	[FX_STEP_FD_MAP] = "fd",
	[FX_STEP_CLOSE_FDS] = "close fds",
	[FX_STEP_NOCTTY] = "noctty",
	[FX_STEP_SETCTTY] = "setctty",
	[FX_STEP_FOREGROUND] = "foreground",
	[FX_STEP_SIGMASK] = "sigmask",
	[FX_STEP_PTRACE] = "ptrace",
	[FX_STEP_EXEC] = "exec",
	[FX_STEP_PROTOCOL] = "child report",
	[FX_STEP_SCHED] = "scheduler",
	[FX_STEP_RESETIDS] = "reset ids",
	[FX_STEP_FILE_ACTION] = "file action",
	[FX_STEP_STDIN] = "stdin",
	[FX_STEP_STDOUT] = "stdout",
	[FX_STEP_STDERR] = "stderr",
	[FX_STEP_RUN] = "run",
	[FX_STEP_NAMESPACES] = "namespaces",
	[FX_STEP_UID_MAP] = "uid_map",
	[FX_STEP_GID_MAP] = "gid_map",
	[FX_STEP_SETGROUPS_POLICY] = "setgroups policy",
	[FX_STEP_CGROUP] = "cgroup",
	[FX_STEP_BOUNDING] = "bounding set",
	[FX_STEP_AMBIENT] = "ambient capabilities",
	[FX_STEP_RLIMIT] = "rlimit",
	[FX_STEP_NICE] = "nice",
	[FX_STEP_AFFINITY] = "cpu affinity",
	[FX_STEP_NO_NEW_PRIVS] = "no_new_privs",
	[FX_STEP_SECCOMP] = "seccomp",
	[FX_STEP_PROPAGATION] = "mount propagation",
	[FX_STEP_IOPRIO] = "io priority",
	[FX_STEP_SECUREBITS] = "securebits",
	[FX_STEP_TIME_OFFSETS] = "time offsets",
	[FX_STEP_LANDLOCK] = "landlock",
	[FX_STEP_JOIN] = "join",
	[FX_STEP_MOUNT] = "mount",
	[FX_STEP_INHERITABLE] = "inheritable capabilities",
};

const char *fx_step_name(int step)
{
	if (step < 0 || step >= FX_STEP_COUNT_)
		return "unknown step";
	return step_names[step];
}

/* strerror is not thread-safe; strerror_r comes in two flavours. */
static const char *errno_text(int code, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(code, buf, len);
#else
	if (strerror_r(code, buf, len) != 0)
		snprintf(buf, len, "error %d", code);
	return buf;
#endif
}

static int names_a_path(int step)
{
	return step == FX_STEP_LOOKUP || step == FX_STEP_CHROOT || step == FX_STEP_CHDIR ||
	       step == FX_STEP_EXEC || step == FX_STEP_UID_MAP || step == FX_STEP_GID_MAP ||
	       step == FX_STEP_SETGROUPS_POLICY || step == FX_STEP_CGROUP;
}

char *fx_strerror(const fx_error *err, char *buf, size_t len)
{
	char text[128];

	if (!buf || len == 0)
		return buf;
	if (!err || err->step == FX_STEP_NONE) {
		snprintf(buf, len, "success");
		return buf;
	}
	const char *what = errno_text(err->code, text, sizeof text);
	/* landlock names a path when a path rule failed. */
	/* The view's subject names its operation: `ro-bind "/a" -> "/b"`. */
	if (err->step == FX_STEP_MOUNT && err->subject[0])
		snprintf(buf, len, "%s: %s", err->subject, what);
	else if (names_a_path(err->step) || (err->step == FX_STEP_LANDLOCK && err->subject[0]))
		snprintf(buf, len, "%s \"%s\": %s", fx_step_name(err->step), err->subject, what);
	else if (err->subject[0])
		snprintf(buf, len, "%s %s: %s", fx_step_name(err->step), err->subject, what);
	else
		snprintf(buf, len, "%s: %s", fx_step_name(err->step), what);
	return buf;
}

int fx__set_error(fx_error *err, int step, int code, long index)
{
	err->step = step;
	err->code = code;
	err->index = index;
	err->subject[0] = 0;
	return -code;
}
