/* SPDX-License-Identifier: MIT */
/*
 * fxrun: the sandbox's options (seccomp by name, landlock, joining
 * namespaces, the filesystem view), as the probe sees them
 * (the harness: fxrun_harness.h).
 */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fxrun_harness.h"
#include "forkexec-io.h"
#include "forkexec-linux.h"

/* One probe run through fxrun with a seccomp list: try.NAME, or -1
 * when the probe did not exit 0 (r->code says how it ended). */
static long long fxrun_try(struct fxr *r, const char *opt, const char *list,
                           const char *try_arg, const char *key)
{
	fxt_report *rep;
	long long v;

	FXRUN(r, opt, list, fxt_probe_path(), try_arg);
	if (r->code != 0)
		return -1;
	rep = report_ok(r);
	ASSERT_STR_EQ(fxt_get(rep, "seccomp"), "2");
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	v = fxt_get_ll(rep, key);
	fxt_report_free(rep);
	return v;
}

/* --seccomp-deny LIST[:ERRNO] denies exactly those calls; kill kills. */
TEST(fxrun_seccomp_deny)
{
	struct fxr r;

	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "uname", "--try-syscall=uname", "try.uname"),
	          EPERM);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname:EXDEV", "--try-syscall=uname",
	                    "try.uname"), EXDEV);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname:18", "--try-syscall=getcwd",
	                    "try.getcwd"), 18);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname", "--try-syscall=getppid",
	                    "try.getppid"), 0);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "uname:kill", "--try-syscall=uname",
	                    "try.uname"), -1);
	ASSERT_EQ(r.code, 128 + SIGSYS);
	fxr_free(&r);
}

/* --seccomp-allow: every call of this architecture but uname. */
TEST(fxrun_seccomp_allow)
{
	char *list = calloc(1, 65536);
	size_t len = 0;
	struct fxr r;

	ASSERT(list);
	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	for (int nr = 0; nr < 4096; nr++) {
		const char *name = fx_syscall_name(nr);

		if (name && strcmp(name, "uname") != 0)
			len += (size_t)snprintf(list + len, 65536 - len, "%s,", name);
	}
	ASSERT(len > 0 && len < 65000);
	strcpy(list + len - 1, ":EXDEV");
	ASSERT_EQ(fxrun_try(&r, "--seccomp-allow", list, "--try-syscall=uname", "try.uname"),
	          EXDEV);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-allow", list, "--try-syscall=getcwd", "try.getcwd"),
	          0);
	fxr_free(&r);
	free(list);
}

/* --landlock-ro and --landlock-rw: what the probe may open and create. */
TEST(fxrun_landlock_paths)
{
	char *ro = fxt_tmpdir(), *rw = fxt_tmpdir();
	char *ro_f = fxt_join(ro, "f"), *rw_new = fxt_join(rw, "new"), *ro_new = fxt_join(ro, "new");
	char list[3 * PATH_MAX], arg[PATH_MAX + 32];
	struct fxr r;
	fxt_report *rep;
	int abi = fx_landlock_abi();

	if (abi < 0)
		SKIP("no landlock in this kernel: %s", strerror(-abi));
	fxt_write_file(ro_f, "x", 0644);
	snprintf(list, sizeof list, "%s,/proc,%s", fxt_probe_path(), ro);
	snprintf(arg, sizeof arg, "--try-open=%s", ro_f);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.open"), 0);
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	fxt_report_free(rep);
	fxr_free(&r);
	snprintf(arg, sizeof arg, "--try-create=%s", rw_new);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.create"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	snprintf(arg, sizeof arg, "--try-create=%s", ro_new);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.create"), EACCES);
	fxt_report_free(rep);
	fxr_free(&r);
	/* --landlock-strict on this kernel: works from ABI 5, else refused. */
	snprintf(arg, sizeof arg, "--try-open=%s", ro_f);
	FXRUN(&r, "--landlock-strict", "--landlock-ro", list, fxt_probe_path(), arg);
	if (abi >= 5) {
		rep = report_ok(&r);
		ASSERT_EQ(fxt_get_ll(rep, "try.open"), 0);
		fxt_report_free(rep);
	} else {
		ASSERT_EQ(r.code, 125);
		ASSERT(strstr(r.err, "landlock: Operation not supported"));
	}
	fxr_free(&r);
	free(ro_f);
	free(rw_new);
	free(ro_new);
	free(ro);
	free(rw);
}

/* --landlock-bind: that port alone (Landlock ABI 4). */
TEST(fxrun_landlock_bind)
{
	char list[PATH_MAX + 16], arg[64];
	struct fxr r;
	fxt_report *rep;
	int abi = fx_landlock_abi();

	if (abi < 4)
		SKIP("landlock ABI %d here (port rules need 4)", abi);
	snprintf(list, sizeof list, "%s,/proc", fxt_probe_path());
	/* A port the kernel says is free (as root, port 1 would bind
	 * without the rule, but as any user it is refused for being low):
	 * binding it is refused for the rule alone. */
	{
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t len = sizeof sin;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ASSERT(fd >= 0);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ASSERT_SYS(bind(fd, (struct sockaddr *)&sin, sizeof sin));
		ASSERT_SYS(getsockname(fd, (struct sockaddr *)&sin, &len));
		close(fd);
		snprintf(arg, sizeof arg, "--try-bind=%d", ntohs(sin.sin_port));
	}
	FXRUN(&r, "--landlock-ro", list, "--landlock-bind", "2", fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.bind"), EACCES);
	fxt_report_free(rep);
	fxr_free(&r);
}

/*
 * --join PID and --join-ns PID:LIST against a target made with the
 * library: a probe in new uts and net namespaces, waiting on its stdin,
 * whose hostname a forked helper sets from inside.
 */
TEST(fxrun_join)
{
	fx_attr *attr = fxt_attr();
	static const char *const wait_stdin[] = { "--wait-stdin", NULL };
	fx_proc *target;
	fxt_report *t, *rep;
	fx_error err;
	struct fxr r;
	char pid[32], arg[64];
	int status;
	pid_t helper;

	require_root();
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUTS | CLONE_NEWNET));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, wait_stdin, &target, &t, &err), &err);
	helper = fork();
	ASSERT(helper >= 0);
	if (helper == 0)
		_exit(setns(fx_proc_pidfd(target), CLONE_NEWUTS) == 0 &&
		      sethostname("fxrun-join", 10) == 0 ? 0 : 1);
	ASSERT_EQ(waitpid(helper, &status, 0), helper);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(pid, sizeof pid, "%d", (int)fx_proc_pid(target));

	FXRUN(&r, "--join", pid, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "hostname"), "fxrun-join");
	ASSERT_STR_EQ(fxt_get(rep, "ns.uts"), fxt_get(t, "ns.uts"));
	ASSERT_STR_EQ(fxt_get(rep, "ns.net"), fxt_get(t, "ns.net"));
	fxt_report_free(rep);
	fxr_free(&r);

	snprintf(arg, sizeof arg, "%s:uts", pid);
	FXRUN(&r, "--join-ns", arg, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "ns.uts"), fxt_get(t, "ns.uts"));
	ASSERT(strcmp(fxt_get(rep, "ns.net"), fxt_get(t, "ns.net")) != 0);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--join-ns", "1:bogus", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "unknown namespace 'bogus'"));
	fxr_free(&r);

	ASSERT_OK(fx_proc_close_stdio(target, FX_STDIN));
	ASSERT_OK(fx_proc_wait(target, &status, -1));
	ASSERT(fx_status_exited(status) && fx_status_code(status) == 0);
	fx_proc_free(target);
	fxt_report_free(t);
	fx_attr_free(attr);
}

/* --hostname without a view or --unshare uts: a new uts namespace is
 * implied (the rows: fxrun_rows.c); joining one is refused
 * (fxrun_containment_bad_combinations). */
TEST(fxrun_hostname_implies_uts)
{
	fxrun_rows("fxrun_hostname_implies_uts");
}

/* The filesystem view in bubblewrap's words: the root holds exactly
 * what was asked, the hostname is set; a failing operation is named. */
TEST(fxrun_view)
{
	struct fxr r;
	fxt_report *rep;

	require_root();
	FXRUN(&r, "--ro-bind", fxt_probe_path(), "/fxprobe", "--proc", "/proc",
	      "--tmpfs", "/tmp", "--dir", "/work/deep", "--symlink", "usr/bin", "/bin",
	      "--dev", "/dev", "--hostname", "box", "--", "/fxprobe", "--try-ls=/");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "try.ls"), "bin,dev,fxprobe,proc,tmp,work");
	ASSERT_STR_EQ(fxt_get(rep, "hostname"), "box");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--ro-bind", "/nope", "/x", "--", "/bin/true");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "fxrun: ro-bind \"/nope\" -> \"/x\": No such file or directory"));
	fxr_free(&r);

	FXRUN(&r, "--bind", "rel", "/x", "--", "/bin/true");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "--bind rel /x: paths must be absolute"));
	fxr_free(&r);

	FXRUN(&r, "--bind", "/only-one");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "needs two arguments"));
	fxr_free(&r);
}

/* Bad landlock values: exit 125, naming option and value. */
TEST(fxrun_landlock_bad)
{
	static const struct { const char *opt, *value, *says; } cases[] = {
		{ "--landlock-bind", "80,x", "'x' is no port" },
		{ "--landlock-connect", "65536", "'65536' is no port" },
		{ "--landlock-ro", "/usr,,/bin", "an empty item" },
		{ "--landlock-rw", "", "empty list" },
	};
	struct fxr r;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FXRUN(&r, cases[i].opt, cases[i].value, fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		if (!strstr(r.err, cases[i].says))
			FAIL("%s '%s': stderr \"%s\"", cases[i].opt, cases[i].value, r.err);
		fxr_free(&r);
	}
	if (fx_landlock_abi() > 0) {
		FXRUN(&r, "--landlock-ro", "/nope/missing", fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		ASSERT(strstr(r.err, "landlock \"/nope/missing\": No such file or directory"));
		fxr_free(&r);
	}
}

/* Bad lists: exit 125 before anything runs, naming option and value. */
TEST(fxrun_seccomp_names_bad)
{
	static const struct { const char *opt, *value, *says; } cases[] = {
		{ "--seccomp-deny", "uname,no_such_call", "no system call 'no_such_call'" },
		{ "--seccomp-deny", "uname:EBOGUS", "'EBOGUS' is no errno" },
		{ "--seccomp-deny", "uname:4096", "'4096' is no errno" },
		{ "--seccomp-allow", "uname:0", "'0' is no errno" },
		{ "--seccomp-deny", "", "empty list" },
		{ "--seccomp-allow", ":EPERM", "empty list" },
	};
	struct fxr r;

	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FXRUN(&r, cases[i].opt, cases[i].value, fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		if (!strstr(r.err, cases[i].says))
			FAIL("%s '%s': stderr \"%s\"", cases[i].opt, cases[i].value, r.err);
		ASSERT_STR_EQ(r.out, "");
		fxr_free(&r);
	}
	FXRUN(&r, "--seccomp-deny", "uname", "--seccomp-allow", "uname", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "exclude each other"));
	fxr_free(&r);
}
