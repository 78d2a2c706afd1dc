/* SPDX-License-Identifier: MIT */
/*
 * Sandboxed parent: a seccomp filter (hand-written BPF, no libseccomp)
 * makes clone3, pidfd_open and close_range fail with ENOSYS (one test) or
 * EPERM (the other), and clone with CLONE_PIDFD fail with EINVAL as a
 * kernel older than 5.2 would.  Spawning must still work through every
 * fallback: clone instead of clone3, no pidfd at all (so fx_proc_wait and
 * fx_proc_kill go by pid), a private descriptor table closed by walking
 * /proc/self/fd, and, inside a chroot without /proc, by closing every
 * number up to the descriptor limit.
 *
 * The parent keeps inheritable descriptors at scattered numbers; the
 * probe must see exactly 0, 1 and 2.  Waits are blocking, polling and
 * timed (the timed path without a pidfd sleeps and retries); the exit
 * codes are distinctive; a spawn that must fail reports its step.
 */
#include "torture.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <asm/unistd.h>   /* not <sys/syscall.h>: -Isrc shadows it */
#include <unistd.h>

#if defined(__x86_64__)
#define FTT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FTT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#define FTT_CLONE_PIDFD 0x00001000

/* The low 32 bits of the first argument (clone's flags). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#else
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#endif

static void install_filter(int err)
{
#ifdef FTT_AUDIT_ARCH
	struct sock_filter code[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FTT_AUDIT_ARCH, 0, 7),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 6, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pidfd_open, 5, 0),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 4, 0),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 2),
		/* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, FTT_CLONE_PIDFD, 2, 0),
		/* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 10 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		/* 11 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };

	ASSERT_SYS(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_SYS(syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
	/* The filter is in force in this process. */
	ASSERT_EQ(syscall(__NR_close_range, 1000u, 1000u, 0u), -1);
	ASSERT_EQ(errno, err);
	ASSERT_EQ(syscall(__NR_pidfd_open, getpid(), 0), -1);
	ASSERT_EQ(errno, err);
#else
	(void)err;
	SKIP("no seccomp architecture constant for this machine");
#endif
}

static const int scattered[] = { 5, 17, 64, 100, 300, 700 };
#define NSCATTERED (sizeof scattered / sizeof scattered[0])

/* Inheritable descriptors (no O_CLOEXEC) the child must not get. */
static void open_scattered(void)
{
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_SYS(fd);
	for (size_t i = 0; i < NSCATTERED; i++)
		ASSERT_SYS(dup2(fd, scattered[i]));
	if (fd != scattered[0])
		close(fd);
}

static void close_scattered(void)
{
	for (size_t i = 0; i < NSCATTERED; i++)
		close(scattered[i]);
}

static void expect_only_std_fds(const fxt_report *r, const char *what, int i)
{
	for (size_t j = 0; j < NSCATTERED; j++) {
		if (scattered[j] == FXT_REPORT_FD)
			continue;
		if (fxt_fd_info(r, scattered[j], &(struct fxt_fdinfo){ { 0 }, 0, 0 }))
			FAIL("%s %d: the parent's fd %d reached the child", what, i,
			     scattered[j]);
	}
	if (fxt_count(r, "fd.") != 3) {
		fxt_report_print(r, stderr);
		FAIL("%s %d: the child has %zu fds, expected 0, 1 and 2", what, i,
		     fxt_count(r, "fd."));
	}
	for (int fd = 0; fd < 3; fd++)
		if (!fxt_fd_info(r, fd, &(struct fxt_fdinfo){ { 0 }, 0, 0 }))
			FAIL("%s %d: the child lacks fd %d", what, i, fd);
}

static void sandboxed(int err)
{
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, mid = { 0, 0, 0, -1 }, loop_end, end;
	struct rlimit nofile;
	char *root, *inside;
	int waits[3] = { 0, 0, 0 };

	/* The brute-force fallback closes every number below the limit:
	 * keep the limit ordinary. */
	ftt_need_fds(1024);
	ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &nofile));
	if (nofile.rlim_cur > 4096) {
		nofile.rlim_cur = 4096;
		ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &nofile));
	}
	root = fxt_tmpdir();
	inside = fxt_join(root, "fxprobe");
	fxt_copy_file(fxt_probe_path(), inside, 0755);
	base = ftt_baseline("baseline");
	install_filter(err);
	open_scattered();

	for (int i = 0; i < 12; i++) {
		if (i == 6)
			mid = ftt_baseline("after 6 spawns under the filter");
		char exit_arg[32];
		const char *args[3] = { exit_arg, NULL, NULL };
		fx_proc *proc = NULL;
		fxt_report *r = NULL;
		fx_error e;
		int status = -1, rc, in[2] = { -1, -1 };

		snprintf(exit_arg, sizeof exit_arg, "--exit=%d", 10 + i);
		if (i % 3 == 2) {
			fxt_pipe(in);
			ASSERT_OK(fx_attr_set_fd(attr, 0, in[0]));
			args[1] = "--wait-stdin";
		}
		rc = fxt_probe_start(NULL, attr, args, &proc, &r, &e);
		ASSERT_SPAWNED(rc, &e);
		ASSERT_EQ(fx_proc_pidfd(proc), -1);
		if (i % 3 == 2) {
			/* Still running: polls and a timed wait by pid. */
			ASSERT_OK(fx_attr_set_fd(attr, 0, 0));
			close(in[0]);
			ASSERT_ERR(fx_proc_wait(proc, &status, 0), -ETIMEDOUT);
			ASSERT_ERR(fx_proc_wait(proc, &status, 30), -ETIMEDOUT);
			if (i == 5) {
				ASSERT_OK(fx_proc_kill(proc, SIGTERM));
				ASSERT_OK(fx_proc_wait(proc, &status, 30000));
				ASSERT_EQ(fx_status_signal(status), SIGTERM);
				close(in[1]);
				waits[2]++;
				goto next;
			}
			close(in[1]);
			ASSERT_OK(fx_proc_wait(proc, &status, 30000));
			waits[1]++;
		} else {
			ASSERT_OK(fx_proc_wait(proc, &status, i % 2 ? 30000 : -1));
			waits[i % 2]++;
		}
		ASSERT(fx_status_exited(status));
		ASSERT_EQ(fx_status_code(status), 10 + i);
		/* The descriptors are counted with stdin back to the parent's. */
		expect_only_std_fds(r, "spawn", i);
	next:
		ASSERT_ERR(fx_proc_wait(proc, &status, 0), 0);
		ASSERT_ERR(fx_proc_kill(proc, SIGTERM), -ESRCH);
		fx_proc_free(proc);
		fxt_report_free(r);
	}
	/* The last six spawns cost no memory. */
	loop_end = ftt_usage();
	ftt_usage_print("after 12 spawns", &loop_end);
	if (mid.heap >= 0)
		ASSERT_LE(loop_end.heap, mid.heap + 4096);
	ASSERT_LE(loop_end.rss_kb, mid.rss_kb + 256);

	/* Without /proc (an empty chroot with the static probe): the child
	 * closes every number up to the limit. */
	{
		fx_attr *jail = fxt_attr();
		fxt_report *r = NULL;
		int status = -1;
		fx_error e;

		ASSERT_OK(fx_attr_set_chroot(jail, root));
		for (int i = 0; i < 3; i++) {
			ASSERT_SPAWNED(fxt_probe_file("/fxprobe", jail, NULL, &r, &status, &e), &e);
			ASSERT_EQ(status, 0);
			ASSERT_STR_EQ(fxt_get(r, "root"), "?");
			expect_only_std_fds(r, "chroot spawn", i);
			fxt_report_free(r);
		}
		fx_attr_free(jail);
	}

	/* A failure is still reported through the error pipe. */
	{
		char *argv[2] = { (char *)ftt_true_path(), NULL };
		fx_proc *proc = NULL;
		fx_error e;

		ASSERT_OK(fx_attr_set_cwd(attr, "/nonexistent/sandbox"));
		ASSERT_ERR(fx_spawn(&proc, argv[0], argv, attr, &e), -ENOENT);
		ASSERT_EQ(e.step, FX_STEP_CHDIR);
		ASSERT_OK(fx_attr_set_cwd(attr, NULL));
	}

	close_scattered();
	fx_attr_free(attr);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_note("%s under seccomp (%s): 12 probes with fds 0-2 only and no pidfd "
	         "(%d blocking, %d timed waits, %d killed), 3 in a chroot without "
	         "/proc, failure reported at chdir\n", fxt_backend_name(),
	         strerror(err), waits[0], waits[1], waits[2]);
	fxt_assert_no_children();
	ASSERT_EQ(end.fds, base.fds);
}

TORTURE(torture_seccomp_enosys, 60)
{
	sandboxed(ENOSYS);
}

TORTURE(torture_seccomp_eperm, 60)
{
	sandboxed(EPERM);
}
