/* SPDX-License-Identifier: MIT */
/*
 * fxrun: run a program with the process attributes the command line asks
 * for, wait for it, and exit with its status.
 *
 * This file is the glue: parse (fxrun_args.c), resolve names
 * (fxrun_creds.c), build the environment (fxrun_env.c), turn all of it
 * into an fx_attr (the Linux containment options: fxrun_linux.c), spawn,
 * wait (fxrun_wait.c), and map what happened to an exit code.  Every
 * failure is one line on stderr, "fxrun: ...".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include "forkexec-io.h"
#include "fxrun_args.h"
#include "fxrun_creds.h"
#include "fxrun_env.h"
#include "fxrun_linux.h"
#include "fxrun_wait.h"

/* The exit codes of env(1), nohup(1), timeout(1) and the shells. */
#define EXIT_FXRUN_FAILED 125   /* fxrun itself, or a step before exec */
#define EXIT_CANNOT_EXEC  126   /* PROGRAM found but cannot be executed */
#define EXIT_NOT_FOUND    127   /* PROGRAM not found */
#define EXIT_TIMED_OUT    124   /* --timeout passed (timeout(1)'s code) */

extern char **environ;

static const char usage[] =
"Usage: fxrun [OPTIONS] [--] PROGRAM [ARG...]\n"
"Run PROGRAM with its ARGs as the options say, wait for it, and exit with\n"
"its status.  Options end at PROGRAM; '--opt VALUE' and '--opt=VALUE' are\n"
"the same.\n"
"\n"
"  -C, --chdir DIR            run in DIR (inside the --chroot, if any)\n"
"      --chroot DIR           change the root directory to DIR (and the\n"
"                             working directory to / unless -C is given)\n"
"  -u, --user USER|UID        run as USER; a name also sets USER's group and\n"
"                             supplementary groups, unless -g/-G are given\n"
"  -g, --group GROUP|GID      run with primary group GROUP\n"
"  -G, --groups LIST          supplementary groups, comma-separated names or\n"
"                             numbers; an empty LIST clears them\n"
"      --setsid               start a new session (not with --pgid, --noctty)\n"
"      --pgid N               join process group N; 0 starts a new group\n"
"      --noctty               give up the controlling terminal\n"
"      --ctty FD              make the terminal on child fd FD the controlling\n"
"                             terminal (needs --setsid)\n"
"      --foreground           put the child's process group in the foreground\n"
"                             of the terminal on the --ctty FD, or fd 0\n"
"      --ptrace               stop the child at exec and detach, so that a\n"
"                             debugger can attach (gdb -p PID)\n"
"      --fd CHILD=PARENT      child fd CHILD is fxrun's fd PARENT; a PARENT\n"
"                             of '-' closes CHILD in the child (repeatable)\n"
"      --keep-fds             inherit every fd not marked close-on-exec\n"
"                             (default: only 0, 1, 2 and the --fd ones)\n"
"  -i, --ignore-environment   start from an empty environment\n"
"  -e, --env NAME=VALUE       set NAME in the environment (repeatable)\n"
"  -U, --unset NAME           remove NAME from the environment (repeatable)\n"
"      --argv0 NAME           pass NAME as argv[0] instead of PROGRAM\n"
"      --clean-signals        every signal to its default, none blocked\n"
"      --pdeathsig SIG        send SIG (name or number) to the child when\n"
"                             fxrun dies\n"
"      --backend clone|fork   how the child is created (default: clone;\n"
"                             fork where built without clone stubs)\n"
"      --stdin FILE           read stdin from FILE (opened by fxrun)\n"
"      --stdout FILE          write stdout to FILE (created or truncated)\n"
"      --stderr FILE          write stderr to FILE (created or truncated)\n"
"      --append               append to the --stdout/--stderr FILE instead\n"
"      --stderr-to-stdout     stderr goes where stdout goes (2>&1)\n"
"      --null-stdin           read stdin from /dev/null\n"
"      --timeout DURATION     send the --signal when PROGRAM has run this long\n"
"                             (0: no timeout); exit 124 if it then ends\n"
"      --kill-after DURATION  send SIGKILL this long after the --signal if it\n"
"                             still runs; exit 137 when it dies of SIGKILL\n"
"      --signal SIG           the signal sent on timeout (default TERM)\n"
"      --kill-group           run PROGRAM in a new process group and send the\n"
"                             timeout's and forwarded signals to all of it\n"
"  -h, --help                 print this help and exit\n"
"      --version              print the version and exit\n"
"\n"
"Linux containment:\n"
"      --unshare LIST         new namespaces, comma-separated: user, pid,\n"
"                             mount, net, uts, ipc, cgroup, time\n"
"                             (repeatable; pid: PROGRAM is its pid 1)\n"
"      --map-root-user        new user namespace where fxrun's uid and gid\n"
"                             are root; setgroups denied\n"
"      --uid-map IN:OUT:COUNT uid_map line of a new user namespace\n"
"      --gid-map IN:OUT:COUNT gid_map line (both repeatable, in order)\n"
"      --setgroups allow|deny setgroups(2) in the new user namespace\n"
"                             (default deny when there is a gid map)\n"
"      --ambient-caps LIST    ambient capabilities (net_bind_service or\n"
"                             cap_net_bind_service, any case), kept across\n"
"                             --user and exec\n"
"      --bounding-caps LIST   capabilities to drop from the bounding set\n"
"                             ('all': every one)\n"
"      --cgroup PATH          start in this cgroup v2 directory\n"
"      --rlimit NAME=SOFT[:HARD]  resource limit (cpu, fsize, data, stack,\n"
"                             core, rss, nproc, nofile, memlock, as, locks,\n"
"                             sigpending, msgqueue, nice, rtprio, rttime);\n"
"                             a number or 'unlimited'; SOFT alone sets both\n"
"                             (repeatable)\n"
"      --umask OCTAL          the child's umask\n"
"      --no-new-privs         set no_new_privs: exec gains no privileges\n"
"      --nice N               niceness, -20 to 19\n"
"      --sched POLICY[:PRIO]  other, batch, idle, or fifo:PRIO, rr:PRIO\n"
"                             (PRIO 1-99)\n"
"      --cpus LIST            CPU affinity, e.g. 0-3,6\n"
"      --seccomp FILE         install the raw BPF program in FILE (struct\n"
"                             sock_filter[], as bwrap --seccomp); implies\n"
"                             --no-new-privs\n"
"      --seccomp-deny LIST[:ERRNO]  the system calls in LIST (by name, comma-\n"
"                             separated) fail with ERRNO (a number, a name,\n"
"                             or 'kill'; default EPERM); implies\n"
"                             --no-new-privs\n"
"      --seccomp-allow LIST[:ERRNO]  only the calls in LIST (and execve)\n"
"                             run, the others fail with ERRNO\n"
"      --landlock-ro LIST     landlock: these paths (comma-separated) may be\n"
"                             read and executed; nothing else is reachable\n"
"      --landlock-rw LIST     landlock: these paths may be read and written\n"
"      --landlock-bind PORTS  landlock: bind only these TCP ports\n"
"      --landlock-connect PORTS  landlock: connect only to these TCP ports\n"
"      --landlock-strict      fail rather than enforce less than asked\n"
"                             (an older kernel); landlock implies\n"
"                             --no-new-privs\n"
"      --join PID             enter every namespace of PID that differs\n"
"                             from ours (as nsenter --all)\n"
"      --join-ns PID:LIST     enter these namespaces of PID (user, pid,\n"
"                             mount, net, uts, ipc, cgroup, time)\n"
"\n"
"The filesystem view, in bubblewrap's words (implies --unshare mount; the\n"
"root is a new tmpfs holding only these, in order; DEST in the new root):\n"
"      --bind SRC DEST        bind SRC on DEST (--ro-bind: read-only;\n"
"      --ro-bind SRC DEST      --dev-bind: devices usable)\n"
"      --dev-bind SRC DEST\n"
"      --tmpfs DEST           a tmpfs\n"
"      --proc DEST            a proc (with --unshare pid)\n"
"      --dev DEST             a minimal /dev\n"
"      --mqueue DEST          an mqueue (with --unshare ipc)\n"
"      --dir DEST             a directory\n"
"      --symlink SRC DEST     a symbolic link DEST -> SRC\n"
"      --remount-ro DEST      the mount at DEST read-only\n"
"      --hostname NAME        the hostname (implies --unshare uts)\n"
"\n"
"While waiting, fxrun forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to the\n"
"child, except those the terminal already sent to the child's group.  With\n"
"--unshare pid the child is pid 1 of its namespace: it must reap orphans,\n"
"and the kernel drops every signal it has no handler for (SIGKILL aside),\n"
"forwarded ones and --timeout's too: use --kill-after.\n"
"\n"
"DURATION is a number with an optional unit: ms, s (the default), m, h,\n"
"d; e.g. 1.5, 500ms, 2m.\n"
"\n"
"Exit status: PROGRAM's exit status; 128+N if it was killed by signal N;\n"
"124 if --timeout passed (137 if PROGRAM then died of SIGKILL);\n"
"125 if fxrun failed (bad usage, unknown user, a step before exec, a\n"
"stdio FILE that cannot be opened); 126 if PROGRAM was found but could\n"
"not be executed; 127 if not found.\n";

static void fail(const char *what, const char *detail)
{
	if (detail)
		fprintf(stderr, "fxrun: %s: %s\n", what, detail);
	else
		fprintf(stderr, "fxrun: %s\n", what);
}

/* What a failed spawn means to the caller, in the shells' convention. */
static int spawn_failure_code(const fx_error *err)
{
	switch (err->step) {
	case FX_STEP_LOOKUP:
		if (err->code == ENOENT)
			return EXIT_NOT_FOUND;
		/* Found, but nothing on PATH with that name may be executed. */
		if (err->code == EACCES)
			return EXIT_CANNOT_EXEC;
		return EXIT_FXRUN_FAILED;
	case FX_STEP_EXEC:
		/* ENOENT here also covers a missing #! interpreter, as in sh. */
		return err->code == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	default:
		return EXIT_FXRUN_FAILED;
	}
}

static int status_exit_code(int status)
{
	if (fx_status_exited(status))
		return fx_status_code(status);
	if (fx_status_signal(status) > 0)
		return 128 + fx_status_signal(status);
	return EXIT_FXRUN_FAILED;
}

/* Applies one setter; on failure says which option it came from. */
static int set(int r, const char *option)
{
	if (r < 0)
		fail(option, strerror(-r));
	return r;
}

static int build_attr(const struct fxrun_opts *o,
                      const struct fxrun_creds *c, char **env, fx_attr *a)
{
	int out_flags = O_WRONLY | O_CREAT | (o->append ? O_APPEND : O_TRUNC);
	size_t i;
	int r = 0;

	r = set(fx_attr_set_flags(a, o->flags), "option flags");
	if (r == 0 && o->backend >= 0)
		r = set(fx_attr_set_backend(a, o->backend), "--backend");
	if (r == 0 && o->argv0)
		r = set(fx_attr_set_argv0(a, o->argv0), "--argv0");
	if (r == 0 && env)
		r = set(fx_attr_set_env(a, env), "environment");
	if (r == 0 && o->chroot)
		r = set(fx_attr_set_chroot(a, o->chroot), "--chroot");
	if (r == 0 && o->chdir)
		r = set(fx_attr_set_cwd(a, o->chdir), "--chdir");
	if (r == 0 && c->has_uid)
		r = set(fx_attr_set_uid(a, c->uid), "--user");
	if (r == 0 && c->has_gid)
		r = set(fx_attr_set_gid(a, c->gid), "--group");
	if (r == 0 && c->has_groups)
		r = set(fx_attr_set_groups(a, c->n_groups, c->groups), "--groups");
	if (r == 0 && o->pgid_set)
		r = set(fx_attr_set_pgid(a, o->pgid), "--pgid");
	if (r == 0 && o->tty_fd >= 0)
		r = set(fx_attr_set_tty_fd(a, o->tty_fd), "--ctty");
	if (r == 0 && o->pdeathsig)
		r = set(fx_attr_set_pdeathsig(a, o->pdeathsig), "--pdeathsig");
	if (r == 0 && o->kill_group && !o->pgid_set && !(o->flags & FX_SETSID))
		r = set(fx_attr_set_pgid(a, 0), "--kill-group");
	if (r == 0 && o->stdin_path)
		r = set(fx_attr_set_stdio_path(a, FX_STDIN, o->stdin_path, O_RDONLY, 0), "--stdin");
	if (r == 0 && o->null_stdin)
		r = set(fx_attr_set_stdio(a, FX_STDIN, FX_STDIO_NULL), "--null-stdin");
	if (r == 0 && o->stdout_path)
		r = set(fx_attr_set_stdio_path(a, FX_STDOUT, o->stdout_path, out_flags, 0666),
		        "--stdout");
	if (r == 0 && o->stderr_path)
		r = set(fx_attr_set_stdio_path(a, FX_STDERR, o->stderr_path, out_flags, 0666),
		        "--stderr");
	if (r == 0 && o->stderr_to_stdout)
		r = set(fx_attr_set_stdio(a, FX_STDERR, FX_STDIO_STDOUT), "--stderr-to-stdout");
	for (i = 0; r == 0 && i < o->n_fds; i++) {
		const struct fxrun_fd_map *m = &o->fds[i];
		char what[64];

		if (m->parent_fd < 0)
			snprintf(what, sizeof what, "--fd %d=-", m->child_fd);
		else
			snprintf(what, sizeof what, "--fd %d=%d", m->child_fd,
			         m->parent_fd);
		r = set(fx_attr_set_fd(a, m->child_fd, m->parent_fd), what);
	}
	if (r == 0)
		r = fxrun_apply_linux(o, a);
	return r;
}

/* Everything after parsing; returns fxrun's exit code. */
static int run(const struct fxrun_opts *o)
{
	struct fxrun_creds creds;
	char **env = NULL;
	fx_attr *attr = NULL;
	fx_proc *proc = NULL;
	fx_error err;
	char msg[512];
	int code = EXIT_FXRUN_FAILED;
	int reaped = 0;         /* --ptrace saw the child end before exec */
	int status, r;
	struct fxrun_deadline dl = {
		.timeout_ms = o->timeout_ms, .kill_after_ms = o->kill_after_ms,
		.sig = o->timeout_sig,
	};

	r = fxrun_resolve_creds(o->user, o->group, o->groups, &creds,
	                        msg, sizeof msg);
	if (r < 0) {
		fail(msg, NULL);
		goto out;
	}
	if (fxrun_build_env(o, environ, &env) < 0) {
		fail("out of memory", NULL);
		goto out;
	}
	r = fx_attr_new(&attr);
	if (r < 0) {
		fail("fx_attr_new", strerror(-r));
		goto out;
	}
	if (build_attr(o, &creds, env, attr) < 0)
		goto out;

	r = fxrun_signals_start();
	if (r < 0) {
		fail("signals", strerror(-r));
		goto out;
	}
	r = fx_spawn(&proc, o->cmd[0], o->cmd, attr, &err);
	if (r < 0) {
		fail(fx_strerror(&err, msg, sizeof msg), NULL);
		code = spawn_failure_code(&err);
		goto out;
	}
	dl.start_ms = fxrun_now_ms();
	/* --kill-group: the child leads its own group (a new one, or its
	 * session's with --setsid; --pgid N is refused with it). */
	if (o->kill_group)
		dl.group = fx_proc_pid(proc);

	if (o->flags & FX_PTRACE) {
		r = fxrun_ptrace_handoff(proc, &status);
		if (r < 0) {
			snprintf(msg, sizeof msg, "ptrace pid %d",
			         (int)fx_proc_pid(proc));
			fail(msg, strerror(-r));
			/* Not left behind traced or stopped with nobody to see it. */
			fx_proc_kill(proc, SIGKILL);
			fx_proc_wait(proc, &status, -1);
			goto out;
		}
		reaped = r == 0;
	}
	if (!reaped) {
		r = fxrun_wait(proc, !!(o->flags & FX_FOREGROUND), &dl, &status);
		if (r < 0) {
			snprintf(msg, sizeof msg, "waiting for pid %d",
			         (int)fx_proc_pid(proc));
			fail(msg, strerror(-r));
			goto out;
		}
	}
	code = status_exit_code(status);
	/* timeout(1): 124 once the timeout passed, unless the child died of
	 * SIGKILL (sent after --kill-after, or as the --signal): 128+9. */
	if (dl.timed_out)
		code = fx_status_signal(status) == SIGKILL ? 128 + SIGKILL : EXIT_TIMED_OUT;
out:
	fxrun_signals_stop();
	fx_proc_free(proc);
	fx_attr_free(attr);
	free(env);
	fxrun_creds_free(&creds);
	return code;
}

/* --help and --version: a failed write (stdout full or closed) is a failure. */
static int print(const char *text)
{
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		fail("write error", strerror(errno));
		return EXIT_FXRUN_FAILED;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fxrun_opts o;
	char msg[512];
	int r, code;

	r = fxrun_parse(argc, argv, &o, msg, sizeof msg);
	if (r == -EINVAL) {
		fprintf(stderr, "fxrun: %s\nTry 'fxrun --help'.\n", msg);
		code = EXIT_FXRUN_FAILED;
	} else if (r < 0) {
		fail(msg, NULL);
		code = EXIT_FXRUN_FAILED;
	} else if (o.action == FXRUN_HELP) {
		code = print(usage);
	} else if (o.action == FXRUN_VERSION) {
		snprintf(msg, sizeof msg, "fxrun (forkexec) %s\n",
		         fx_version_string());
		code = print(msg);
	} else {
		code = run(&o);
	}
	fxrun_opts_free(&o);
	return code;
}
