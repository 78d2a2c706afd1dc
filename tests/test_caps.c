/* SPDX-License-Identifier: MIT */
/*
 * forkexec-linux.h's capabilities and securebits: the ambient,
 * inheritable and bounding sets, and what a switch of uid leaves of
 * them, asserted on what the child really got, as the probe reads it,
 * on every variant.  The tests run as root, and keep the names of the
 * limits_ tests they came from (the skip lists of .ci/ find them so).
 */
#include "limits_harness.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY_IDS "65534,65534,65534,65534"
#define CHOWN_KILL 0x21 /* FX_CAP(CAP_CHOWN) | FX_CAP(CAP_KILL) */

/* The capability sets after a spawn, as LIMITS_TABLE rows. */
static const struct limits_row caps_rows[] = {
	/* Root parent, uid 65534 with ambient NET_BIND_SERVICE: the program
	 * holds exactly that one capability in every set. */
	{ "limits_ambient_after_setuid",
	  { { SET_GID, NOBODY, 0, 0 }, { SET_UID, NOBODY, 0, 0 },
	    { SET_AMBIENT, NBS, 0, 0 } },
	  { CHECK_STR("uid", NOBODY_IDS), CHECK_STR("gid", NOBODY_IDS),
	    CHECK_HEX("capamb", 0x400), CHECK_HEX("capprm", 0x400),
	    CHECK_HEX("capeff", 0x400), CHECK_HEX("capinh", 0x400) } },
	/* An inheritable set, exactly: as root beside root's other sets; after
	 * a switch to uid 65534 alone (the kernel keeps the inheritable set
	 * across setuid, and nothing else); with an ambient capability, both. */
	{ "limits_inheritable_as_root",
	  { { SET_INHERITABLE, CHOWN_KILL, 0, 0 } },
	  { CHECK_STR("uid", "0,0,0,0"), CHECK_HEX("capinh", CHOWN_KILL),
	    CHECK_HEX("capamb", 0) } },
	{ "limits_inheritable_after_setuid",
	  { { SET_GID, NOBODY, 0, 0 }, { SET_UID, NOBODY, 0, 0 },
	    { SET_INHERITABLE, CHOWN_KILL, 0, 0 } },
	  { CHECK_STR("uid", NOBODY_IDS), CHECK_HEX("capinh", CHOWN_KILL),
	    CHECK_HEX("capprm", 0), CHECK_HEX("capeff", 0), CHECK_HEX("capamb", 0) } },
	{ "limits_inheritable_with_ambient",
	  { { SET_GID, NOBODY, 0, 0 }, { SET_UID, NOBODY, 0, 0 },
	    { SET_INHERITABLE, CHOWN_KILL, 0, 0 }, { SET_AMBIENT, NBS, 0, 0 } },
	  { CHECK_STR("uid", NOBODY_IDS), CHECK_HEX("capinh", CHOWN_KILL | 0x400),
	    CHECK_HEX("capamb", 0x400), CHECK_HEX("capprm", 0x400),
	    CHECK_HEX("capeff", 0x400) } },
	{ "limits_inheritable_with_ambient",
	  { { SET_INHERITABLE, CHOWN_KILL, 0, 0 }, { SET_AMBIENT, NBS, 0, 0 } },
	  { CHECK_STR("uid", "0,0,0,0"), CHECK_HEX("capinh", CHOWN_KILL | 0x400),
	    CHECK_HEX("capamb", 0x400) } },
	/* Without ambient capabilities a switch to uid 65534 empties every set. */
	{ "limits_no_ambient_setuid_empties_caps",
	  { { SET_GID, NOBODY, 0, 0 }, { SET_UID, NOBODY, 0, 0 } },
	  { CHECK_STR("uid", NOBODY_IDS), CHECK_HEX("capamb", 0),
	    CHECK_HEX("capprm", 0), CHECK_HEX("capeff", 0),
	    CHECK_HEX("capinh", 0) } },
};

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */
/* ------------------------------------------------------------------ */

TEST_CORE(limits_ambient_after_setuid)
{
	LIMITS_TABLE(caps_rows, "limits_ambient_after_setuid");
}

/* A root child keeps root's sets and adds the ambient one. */
TEST_CORE(limits_ambient_as_root)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_ambient_caps(attr, NBS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "0,0,0,0");
	ASSERT_EQ(fxt_get_hex(r, "capamb"), 0x400);
	ASSERT(fxt_get_hex(r, "capinh") & NBS);
	ASSERT(fxt_get_hex(r, "capeff") & NBS);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST_CORE(limits_no_ambient_setuid_empties_caps)
{
	LIMITS_TABLE(caps_rows, "limits_no_ambient_setuid_empties_caps");
}

/* The bounding set loses exactly the dropped capabilities. */
TEST_CORE(limits_bounding_drop)
{
	uint64_t drop = FX_CAP(CAP_NET_RAW) | FX_CAP(CAP_SYS_ADMIN);
	unsigned long long parent = self_status_hex("CapBnd");
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_EQ(parent & drop, drop);
	ASSERT_OK(fx_attr_add_bounding_drop(attr, FX_CAP(CAP_NET_RAW)));
	ASSERT_OK(fx_attr_add_bounding_drop(attr, FX_CAP(CAP_SYS_ADMIN)));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "capbnd"), parent & ~drop);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A capability out of the bounding set cannot be made ambient. */
TEST_CORE(limits_ambient_after_bounding_drop)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_add_bounding_drop(attr, NBS));
	ASSERT_OK(fx_attr_set_ambient_caps(attr, NBS));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_AMBIENT, EPERM, CAP_NET_BIND_SERVICE,
	          fxt_msg_of("ambient capabilities net_bind_service", EPERM));
	fx_attr_free(attr);
}

TEST_CORE(limits_inheritable_as_root)
{
	LIMITS_TABLE(caps_rows, "limits_inheritable_as_root");
}

TEST_CORE(limits_inheritable_after_setuid)
{
	LIMITS_TABLE(caps_rows, "limits_inheritable_after_setuid");
}

TEST_CORE(limits_inheritable_with_ambient)
{
	LIMITS_TABLE(caps_rows, "limits_inheritable_with_ambient");
}

/*
 * The inheritable set is exact, not added to: a child whose parent holds
 * an inheritable capability gets the empty set it asked for.  That parent
 * is a fork of the test which made CAP_KILL inheritable (its own capset:
 * the other tests must keep ours); its child, grep, prints its set.
 */
static int spawn_with_parent_inheritable(int out_fd)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	char *argv[] = { "grep", "CapInh", "/proc/self/status", NULL };
	fx_attr *attr = NULL;
	fx_proc *proc = NULL;
	int status, rc;

	if (fx_attr_new(&attr) < 0 || fx_attr_set_backend(attr, fxt_backend()) < 0 ||
	    syscall(SYS_capget, &hdr, data) < 0)
		return 1;
	data[0].inheritable |= 1u << CAP_KILL;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return 2;
	rc = fx_attr_set_inheritable_caps(attr, 0);
	if (rc == 0)
		rc = fx_attr_set_fd(attr, 1, out_fd);
	if (rc == 0)
		rc = fx_spawn(&proc, "grep", argv, attr, NULL);
	if (rc < 0 || fx_proc_wait(proc, &status, -1) < 0)
		return 3;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 4;
}

TEST_CORE(limits_inheritable_replaces_the_parents)
{
	int pipefd[2], status;
	char line[64];
	ssize_t n;
	pid_t pid;

	ASSERT_OK(pipe(pipefd));
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		_exit(spawn_with_parent_inheritable(pipefd[1]));
	}
	close(pipefd[1]);
	n = read(pipefd[0], line, sizeof line - 1);
	close(pipefd[0]);
	ASSERT(waitpid(pid, &status, 0) == pid);
	ASSERT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	ASSERT(n > 0);
	line[n] = '\0';
	ASSERT_STR_EQ(line, "CapInh:\t0000000000000000\n");
}

/* A capability out of the bounding set cannot be made inheritable: the
 * error names it. */
TEST_CORE(limits_inheritable_after_bounding_drop)
{
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_OK(fx_attr_add_bounding_drop(attr, FX_CAP(CAP_CHOWN)));
	ASSERT_OK(fx_attr_set_inheritable_caps(attr, FX_CAP(CAP_KILL) | FX_CAP(CAP_CHOWN)));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_INHERITABLE, EPERM, CAP_CHOWN,
	          fxt_msg_of("inheritable capabilities chown", EPERM));
	fx_attr_free(attr);
}

/* Securebits reach the child; SECBIT_KEEP_CAPS (0x10) is cleared by the
 * kernel at execve, so the probe sees the others. */
TEST_CORE(limits_securebits)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("PR_SET_SECUREBITS needs CAP_SETPCAP");
	/* SECBIT_NOROOT | SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_KEEP_CAPS */
	ASSERT_OK(fx_attr_set_securebits(attr, 0x01 | 0x40 | 0x10));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "securebits"), "41");
	fxt_report_free(r);
	fx_attr_free(attr);
	ASSERT_ERR(fx_attr_set_securebits(NULL, 1), -EINVAL);
	attr = fxt_attr();
	ASSERT_ERR(fx_attr_set_securebits(attr, 0x100), -EINVAL);
	ASSERT_ERR(fx_attr_set_securebits(attr, -1), -EINVAL);
	fx_attr_free(attr);
}

/*
 * keep_caps locked: PR_SET_KEEPCAPS would be refused, yet a switch to
 * uid 65534 with an ambient capability keeps it (the securebits write
 * carries keep_caps, which execve clears), as setpriv(1) manages.
 */
TEST_CORE(limits_securebits_locked_keep_caps_with_ambient)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("PR_SET_SECUREBITS needs CAP_SETPCAP");
	ASSERT_OK(fx_attr_set_securebits(attr, 0x20));        /* SECBIT_KEEP_CAPS_LOCKED */
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_ambient_caps(attr, NBS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid"), NOBODY_IDS);
	ASSERT_STR_EQ(fxt_get(r, "securebits"), "20");
	ASSERT_EQ(fxt_get_hex(r, "capamb"), NBS);
	ASSERT_EQ(fxt_get_hex(r, "capeff"), NBS);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* Without CAP_SETPCAP (taken out of this process's effective set), the
 * bounding set cannot shrink; the error names the first capability. */
TEST_CORE(limits_error_bounding)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	fx_attr *attr = fxt_attr();
	fx_error err;

	ASSERT_SYS(syscall(SYS_capget, &hdr, data));
	data[0].effective &= ~(1u << CAP_SETPCAP);
	ASSERT_SYS(syscall(SYS_capset, &hdr, data));
	ASSERT_OK(fx_attr_add_bounding_drop(attr, FX_CAP(CAP_NET_RAW) | FX_CAP(CAP_SYS_ADMIN)));
	ASSERT_EQ(spawn_fail(attr, &err), -EPERM);
	fxt_check_err(&err, FX_STEP_BOUNDING, EPERM, CAP_NET_RAW,
	          fxt_msg_of("bounding set net_raw", EPERM));
	fx_attr_free(attr);
}
