/* SPDX-License-Identifier: MIT */
/*
 * The names of capabilities and resource limits, as the kernel's headers
 * spell them without their CAP_ / RLIMIT_ prefix, in lower case: for
 * fx_strerror's subjects and for tools that take names (fxrun).
 */
#include <sys/resource.h>

#include "core/attr.h"
#include "forkexec-linux.h"

static const char *const cap_names[FX__CAP_LAST + 1] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
	"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
	"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
	"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
	"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

/* By constant: their numbers differ between architectures (mips,
 * sparc and alpha have their own order). */
static const struct {
	int resource;
	const char *name;
} rlimit_names[FX__NRLIMITS] = {
	{ RLIMIT_CPU, "cpu" }, { RLIMIT_FSIZE, "fsize" }, { RLIMIT_DATA, "data" },
	{ RLIMIT_STACK, "stack" }, { RLIMIT_CORE, "core" }, { RLIMIT_RSS, "rss" },
	{ RLIMIT_NPROC, "nproc" }, { RLIMIT_NOFILE, "nofile" },
	{ RLIMIT_MEMLOCK, "memlock" }, { RLIMIT_AS, "as" }, { RLIMIT_LOCKS, "locks" },
	{ RLIMIT_SIGPENDING, "sigpending" }, { RLIMIT_MSGQUEUE, "msgqueue" },
	{ RLIMIT_NICE, "nice" }, { RLIMIT_RTPRIO, "rtprio" }, { RLIMIT_RTTIME, "rttime" },
};

const char *fx_cap_name(int cap)
{
	return cap >= 0 && cap <= FX__CAP_LAST ? cap_names[cap] : NULL;
}

const char *fx_rlimit_name(int resource)
{
	for (int i = 0; i < FX__NRLIMITS; i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}
