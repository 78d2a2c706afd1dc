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
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "forkexec-io.h"
#include "fxrun_args.h"
#include "fxrun_creds.h"
#include "fxrun_dump.h"
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
"Usage: fxrun [OPTIONS] [--] [NAME=VALUE...] [PROGRAM [ARG...]]\n"
"Run PROGRAM with its ARGs as the options say, wait for it, and exit with\n"
"its status.  Options end at PROGRAM; '--opt VALUE' and '--opt=VALUE' are\n"
"the same; a long option may be shortened to a prefix no other one has.\n"
"NAME=VALUE sets NAME in PROGRAM's environment, as env(1) does.  With no\n"
"PROGRAM and only environment options, print the environment.\n"
"\n"
"  -C, --chdir DIR            run in DIR (inside the --chroot, if any)\n"
"      --chroot DIR           change the root directory to DIR (and the\n"
"                             working directory to / unless -C is given)\n"
"  -u, --user USER|UID        run as USER; a name also sets USER's group and\n"
"                             supplementary groups, unless -g/-G are given,\n"
"                             and HOME, USER, LOGNAME, as runuser -u does\n"
"  -m, -p, --preserve-environment  with -u NAME, keep HOME, USER and LOGNAME\n"
"      --reset-env            only TERM, then SHELL, HOME, USER, LOGNAME and\n"
"                             PATH for the user, as setpriv --reset-env\n"
"  -g, --group GROUP|GID      run with primary group GROUP\n"
"  -G, --groups LIST          supplementary groups, comma-separated names or\n"
"                             numbers; an empty LIST clears them\n"
"      --supp-group GROUP     as runuser -G: a supplementary group (repeatable),\n"
"                             after -g's; the first is the primary group\n"
"                             unless -g\n"
"      --reuid USER|UID, --regid GROUP|GID, --clear-groups, --keep-groups,\n"
"      --init-groups,\n"
"      --userspec USER[:GROUP], --skip-chdir  chroot's spellings (no HOME)\n"
"      --nnp, --bounding-set LIST  setpriv's spellings (--reuid NAME sets the\n"
"                             uid alone)\n"
"      --setsid               start a new session (not with --pgid, --noctty)\n"
"      --pgid N               join process group N; 0 starts a new group\n"
"      --noctty               give up the controlling terminal\n"
"      --ctty FD              make the terminal on child fd FD the controlling\n"
"                             terminal (needs --setsid)\n"
"      --steal-ctty           as --ctty (fd 0 unless --ctty says), taking the\n"
"                             terminal even from another session, as setsid -c\n"
"                             does (needs CAP_SYS_ADMIN)\n"
"      --dump                 print the privilege state as setpriv --dump\n"
"                             does: fxrun's own, or with other options what\n"
"                             they give a PROGRAM\n"
"      --tty-foreground       put the child's process group in the foreground\n"
"                             of the terminal on the --ctty FD, or fd 0\n"
"      --ptrace               stop the child at exec and detach, so that a\n"
"                             debugger can attach (gdb -p PID)\n"
"      --fd CHILD=PARENT      child fd CHILD is fxrun's fd PARENT; a PARENT\n"
"                             of '-' closes CHILD in the child (repeatable)\n"
"      --keep-fds             inherit every fd not marked close-on-exec\n"
"                             (default: only 0, 1, 2 and the --fd ones)\n"
"  -i, --ignore-environment   start from an empty environment\n"
"  -e, --env NAME=VALUE       set NAME in the environment (repeatable)\n"
"  -U, --unset NAME           remove NAME from the environment (repeatable;\n"
"                             env's -u: fxrun's -u is --user)\n"
"  -0, --null                 with no PROGRAM, end each entry with NUL\n"
"  -S, --split-string STRING  split STRING into arguments, as env -S does\n"
"  -v, --debug                say what is done, as env -v (and --verbose)\n"
"      --default-signal[=SIGS]  reset SIGS (all) to their default\n"
"      --ignore-signal[=SIGS] ignore SIGS (all but CHLD, KILL, STOP)\n"
"      --block-signal[=SIGS]  add SIGS (all) to the blocked signals\n"
"      --list-signal-handling  list the blocked and ignored signals PROGRAM\n"
"                             will start with, as env does\n"
"      --argv0 NAME           pass NAME as argv[0] instead of PROGRAM\n"
"      --clean-signals        every signal to its default, none blocked\n"
"      --pdeathsig SIG        send SIG (name or number) to the child when\n"
"                             fxrun dies\n"
"      --kill-child[=SIG]     the same, SIGKILL by default (unshare's name)\n"
"  -f, --no-wait              start PROGRAM and exit 0 at once, as setsid -f\n"
"      --backend clone|fork   how the child is created (default: clone;\n"
"                             fork where built without clone stubs)\n"
"      --stdin FILE           read stdin from FILE (opened by fxrun)\n"
"      --stdout FILE          write stdout to FILE (created or truncated)\n"
"      --stderr FILE          write stderr to FILE (created or truncated)\n"
"      --append               append to the --stdout/--stderr FILE instead\n"
"      --stderr-to-stdout     stderr goes where stdout goes (2>&1)\n"
"      --null-stdin           read stdin from /dev/null\n"
"      --timeout DURATION     send the --signal to PROGRAM's process group\n"
"                             (a new one) when PROGRAM has run this long\n"
"                             (0: no timeout); exit 124 if it then ends\n"
"  -k, --kill-after DURATION  send SIGKILL this long after the --signal if\n"
"                             it still runs (fxrun then dies of SIGKILL too)\n"
"  -s, --signal SIG           the signal sent on timeout (default TERM)\n"
"      --preserve-status      exit with PROGRAM's status even on timeout\n"
"      --foreground           as timeout(1): no new process group; only\n"
"                             PROGRAM is signalled, and it keeps the tty\n"
"      --verbose              say each signal the timeout sends\n"
"      --kill-group           run PROGRAM in a new process group and send the\n"
"                             timeout's and forwarded signals to all of it\n"
"                             (what --timeout does; with no timeout too)\n"
"  -h, --help                 print this help and exit\n"
"      --version              print the version and exit\n"
"      --dry-run              print the system calls the spawn would make, parent\n"
"                             and child, one a line, and start nothing\n"
"\n"
"Linux containment:\n"
"      --unshare LIST         new namespaces, comma-separated: user, pid,\n"
"                             mount, net, uts, ipc, cgroup, time\n"
"                             (repeatable; pid: PROGRAM is its pid 1)\n"
"      --map-root-user        new user namespace where fxrun's uid and gid\n"
"                             are root; setgroups denied\n"
"      --uid-map IN:OUT:COUNT uid_map line of a new user namespace\n"
"      --gid-map IN:OUT:COUNT gid_map line (both repeatable, in order)\n"
"      --map-user UID|NAME    map fxrun's uid to UID in a new user namespace\n"
"      --map-group GID|NAME   the same for the gid (setgroups denied)\n"
"      --map-current-user     map fxrun's uid and gid to themselves\n"
"      --setgroups allow|deny setgroups(2) in the new user namespace\n"
"                             (default deny when there is a gid map)\n"
"      --propagation private|slave|shared|unchanged\n"
"                             mount propagation in the new mount namespace\n"
"                             (default private: no mount leaks out)\n"
"      --mount-proc[=DIR]     a fresh proc on DIR (/proc); implies --unshare mount\n"
"      --ambient-caps LIST    ambient capabilities (net_bind_service or\n"
"                             cap_net_bind_service, any case), kept across\n"
"                             --user and exec\n"
"      --bounding-caps LIST   capabilities to drop from the bounding set\n"
"                             ('all': every one; setpriv's -all,+chown too)\n"
"      --inh-caps LIST        change the inheritable set: +cap adds, -cap\n"
"                             takes away, 'all' is every one (setpriv's)\n"
"      --cgroup PATH          start in this cgroup v2 directory\n"
"      --rlimit NAME=SOFT[:HARD]  resource limit (cpu, fsize, data, stack,\n"
"                             core, rss, nproc, nofile, memlock, as, locks,\n"
"                             sigpending, msgqueue, nice, rtprio, rttime);\n"
"                             a number or 'unlimited'; SOFT alone sets both,\n"
"                             SOFT: or :HARD only one (repeatable)\n"
"      --NAME=SOFT[:HARD]     prlimit's spelling of --rlimit NAME=..., for\n"
"                             every NAME above but nice (-n is nice(1)'s)\n"
"      --umask OCTAL          the child's umask\n"
"      --no-new-privs         set no_new_privs: exec gains no privileges\n"
"  -n, --nice, --adjustment N add N to the niceness, as nice(1) (clamped;\n"
"                             a refusal is a warning); nice's -N, --N too\n"
"      --niceness N           set the niceness to N, -20 to 19\n"
"      --sched POLICY[:PRIO]  other, batch, idle, or fifo:PRIO, rr:PRIO\n"
"                             (PRIO 1-99), or deadline:RUNTIME:DEADLINE[:PERIOD]\n"
"                             (nanoseconds, as chrt --deadline)\n"
"  -R, --reset-on-fork        with --sched: SCHED_RESET_ON_FORK, as chrt -R\n"
"      --monotonic SECONDS    in a new time namespace, CLOCK_MONOTONIC this\n"
"                             far ahead (or back), as unshare --monotonic\n"
"      --boottime SECONDS     the same for CLOCK_BOOTTIME\n"
"      --securebits LIST      +NAME or -NAME changes to the securebits, as\n"
"                             setpriv --securebits (noroot, noroot_locked,\n"
"                             no_setuid_fixup[_locked], keep_caps_locked,\n"
"                             no_cap_ambient_raise[_locked])\n"
"      --ionice CLASS[:LEVEL] I/O priority, as ionice -c CLASS -n LEVEL: none,\n"
"                             realtime, best-effort or idle (or 0-3);\n"
"                             LEVEL 0-7 (default 4)\n"
"      --cpus LIST            CPU affinity, e.g. 0-3,6 or 0-7:2 (a stride),\n"
"                             or taskset's hexadecimal mask 0x3\n"
"      --cpu-list LIST        the same (taskset's name for the list)\n"
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
"DURATION is a number as timeout(1) takes it with an optional unit: ms,\n"
"s (the default), m, h, d; e.g. 1.5, 1e3, 500ms, 2m.\n"
"\n"
"A file with no #! line that execve refuses runs under /bin/sh, as env(1)\n"
"and execvp do.\n"
"\n"
"Exit status: PROGRAM's exit status; if it was killed by signal N, fxrun\n"
"kills itself with N (no core dump of its own), or exits 128+N;\n"
"124 if --timeout passed (137 if PROGRAM then died of SIGKILL);\n"
"125 if fxrun failed (bad usage, unknown user, a step before exec, a\n"
"stdio FILE that cannot be opened) or PROGRAM's status is unknown\n"
"(another process reaped it); 126 if PROGRAM was found but could\n"
"not be executed; 127 if not found.\n";

static void fail(const char *what, const char *detail)
{
	if (detail)
		fprintf(stderr, "fxrun: %s: %s\n", what, detail);
	else
		fprintf(stderr, "fxrun: %s\n", what);
}

/* What a failed spawn means to the caller, in the shells' convention. */
static int dry_run(const struct fxrun_opts *o, const fx_attr *attr);

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

/*
 * The child died of sig: die of it too, as env(1), timeout(1) and
 * `setsid -w` do, so that fxrun's caller sees what the child saw (a
 * shell prints "Segmentation fault", Python gets -11).  fxrun's own
 * core dump is turned off first: the child's is the one that matters.
 * Returns only if fxrun survives its own signal (one whose default is
 * to be ignored, or a kernel that refuses); the caller then exits
 * 128 + sig.
 */
static void die_like(int sig)
{
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa = { 0 };
	sigset_t set;

	setrlimit(RLIMIT_CORE, &no_core);
#if defined(__linux__)
	/* A core_pattern pipe ignores RLIMIT_CORE; non-dumpable it is not. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	fflush(stdout);
	fflush(stderr);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	/* SIGKILL cannot be caught, so it needs no reset (and refuses one). */
	if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, &sa, NULL) < 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, sig);
	raise(sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * The file execvp would have given to /bin/sh after ENOEXEC: PROGRAM
 * itself if it has a '/', else its first executable regular file on the
 * PATH the library searched (absolute elements only, as it does).
 */
static char *script_path(const char *prog, char **env)
{
	const char *path = NULL, *p;
	char **e;

	if (strchr(prog, '/'))
		return strdup(prog);
	for (e = env ? env : environ; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0) {
			path = *e + 5;
			break;
		}
	if (!path)
		path = "/usr/bin:/bin";
	for (p = path; *p; ) {
		size_t len = strcspn(p, ":");
		char *cand;
		struct stat st;

		if (len > 0 && p[0] == '/' &&
		    asprintf(&cand, "%.*s/%s", (int)len, p, prog) >= 0) {
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
			    access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/*
 * env(1)'s and execvp's fallback: a file the kernel cannot execute
 * (ENOEXEC: no #! line, not an ELF) runs under /bin/sh.  The first
 * spawn left no child, so a second one is safe.  Returns fx_spawn's
 * result, or the first error if the fallback does not apply.
 */
static int spawn_script(fx_proc **proc, const struct fxrun_opts *o, char **env,
                        const fx_attr *attr, fx_error *err)
{
	char *path = script_path(o->cmd[0], env);
	char **argv;
	int r, i;

	if (!path)
		return -ENOEXEC;
	argv = calloc((size_t)o->n_cmd + 2, sizeof *argv);
	if (!argv) {
		free(path);
		return -ENOEXEC;
	}
	argv[0] = (char *)"/bin/sh";
	argv[1] = path;
	for (i = 1; i < o->n_cmd; i++)
		argv[i + 1] = o->cmd[i];
	r = fx_spawn(proc, "/bin/sh", argv, attr, err);
	free(argv);
	free(path);
	return r;
}

/* env -v's name of a signal: sig2str's, else SIG and the number. */
static const char *debug_signame(int sig, char *buf, size_t len)
{
	if (!fxrun_signal_str(sig, buf, len))
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

/*
 * env -v's lines for the signal options, in its order: the actions,
 * then the mask.  Signals the C library keeps for itself (not in
 * sigfillset's set) env(1) leaves out, and so does fxrun; SIGCHLD
 * fxrun does not ignore (fxrun(1)), so it does not say so.
 */
static void debug_signals(const struct fxrun_opts *o)
{
	sigset_t all;
	char name[16];
	int sig;

	sigfillset(&all);
	for (sig = 1; sig <= 64 && sig < NSIG; sig++) {
		uint64_t bit = (uint64_t)1 << (sig - 1);
		int def = !!(o->sig_default & bit);

		if (sigismember(&all, sig) != 1 || !((o->sig_default | o->sig_ignore) & bit) ||
		    (!def && sig == SIGCHLD))
			continue;
		fprintf(stderr, "Reset signal %s (%d) to %s%s\n",
		        debug_signame(sig, name, sizeof name), sig,
		        def ? "DEFAULT" : "IGNORE",
		        sig == SIGKILL || sig == SIGSTOP ? " (failure ignored)" : "");
	}
	for (sig = 1; sig <= 64 && sig < NSIG; sig++) {
		uint64_t bit = (uint64_t)1 << (sig - 1);

		if (sigismember(&all, sig) != 1 || !((o->sig_block | o->sig_unblock) & bit))
			continue;
		fprintf(stderr, "signal %s (%d) mask set to %s\n",
		        debug_signame(sig, name, sizeof name), sig,
		        (o->sig_block & bit) ? "BLOCK" : "UNBLOCK");
	}
}

/*
 * env --list-signal-handling: the signals the child will start with
 * blocked or ignored, on standard error, in env(1)'s format.  Called
 * before fxrun catches any signal, so that SIG_IGN here is what fxrun
 * inherited or --ignore-signal set.
 */
static void list_signal_handling(const struct fxrun_opts *o)
{
	sigset_t mask, all;
	char name[16];
	int sig;

	if (o->flags & FX_CLEAN_SIGNALS)
		return;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigfillset(&all);
	for (sig = 1; sig <= 64 && sig < NSIG; sig++) {
		uint64_t bit = (uint64_t)1 << (sig - 1);
		struct sigaction sa;
		int ign, blk;

		if (sigismember(&all, sig) != 1 || sigaction(sig, NULL, &sa) < 0)
			continue;
		ign = sa.sa_handler == SIG_IGN && !(o->sig_default & bit) && sig != SIGCHLD;
		blk = ((sigismember(&mask, sig) == 1 && !(o->sig_unblock & bit)) ||
		       (o->sig_block & bit)) && sig != SIGKILL && sig != SIGSTOP;
		if (!ign && !blk)
			continue;
		fprintf(stderr, "%-10s (%2d): %s%s%s\n", debug_signame(sig, name, sizeof name),
		        sig, blk ? "BLOCK" : "", blk && ign ? "," : "", ign ? "IGNORE" : "");
	}
}

/* env -v: what env(1) says before it executes (and
 * --list-signal-handling's list, in its place among the lines). */
static void debug_env(const struct fxrun_opts *o)
{
	size_t i;
	int k, seen_set = 0;

	if (o->verbose != 2) {
		if (o->list_signals && o->action == FXRUN_RUN)
			list_signal_handling(o);
		return;
	}
	for (i = 0; i < o->n_debug_split; i++) {
		char **w = o->debug_split[i].words;

		fprintf(stderr, "split -S:  '%s'\n", o->debug_split[i].str);
		for (k = 0; w[k]; k++)
			fprintf(stderr, "%s'%s'\n", k ? "     &    " : " into:    ", w[k]);
	}
	if (o->clear_env)
		fprintf(stderr, "cleaning environ\n");
	for (i = 0; i < o->n_env_ops; i++) {
		int set = o->env_ops[i].kind == FXRUN_ENV_SET;

		/* After -i there is nothing to unset until something is set
		 * (env(1) then says nothing of its -u). */
		if (!set && o->clear_env && !seen_set)
			continue;
		seen_set |= set;
		fprintf(stderr, "%s %s\n", set ? "setenv:  " : "unset:   ",
		        o->env_ops[i].arg);
	}
	if (o->action != FXRUN_RUN)
		return;
	debug_signals(o);
	if (o->list_signals)
		list_signal_handling(o);
	if (o->chdir)
		fprintf(stderr, "chdir:    '%s'\n", o->chdir);
	fprintf(stderr, "executing: %s\n", o->cmd[0]);
	for (k = 0; k < o->n_cmd; k++)
		fprintf(stderr, "   arg[%d]= '%s'\n", k, o->cmd[k]);
}

/* env(1) with no PROGRAM: the environment, one entry a line (-0: NUL). */
static int print_env(const struct fxrun_opts *o)
{
	char **env = NULL, **e;

	if (o->verbose == 2)
		debug_env(o);
	if (fxrun_build_env(o, environ, &env) < 0) {
		fail("out of memory", NULL);
		return EXIT_FXRUN_FAILED;
	}
	for (e = env ? env : environ; e && *e; e++)
		printf("%s%c", *e, o->null_sep ? '\0' : '\n');
	free(env);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fail("write error", strerror(errno));
		return EXIT_FXRUN_FAILED;
	}
	return 0;
}

/*
 * nice(1): -n is added to fxrun's own niceness and clamped to -20..19,
 * and set on fxrun itself, which the child inherits; a refusal (an
 * unprivileged caller asking for less) is a warning and the program
 * runs anyway, as nice(1) does.
 */
static void apply_relative_nice(int adj)
{
	int cur, target;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if (cur == -1 && errno != 0) {
		fprintf(stderr, "fxrun: cannot get niceness: %s\n", strerror(errno));
		return;
	}
	target = adj > 39 ? 19 : adj < -39 ? -20 : cur + adj;
	if (target > 19)
		target = 19;
	if (target < -20)
		target = -20;
	if (setpriority(PRIO_PROCESS, 0, target) < 0)
		fprintf(stderr, "fxrun: cannot set niceness: %s\n", strerror(errno));
}

/*
 * env(1)'s --ignore-signal: a signal ignored at exec stays ignored, so
 * fxrun ignores it itself (the library resets only caught signals).
 * SIGCHLD is left alone: fxrun must see its child end (and the child
 * would reap nothing anyway); SIGKILL and SIGSTOP cannot be ignored.
 */
static void ignore_signals(uint64_t set)
{
	int sig;

	for (sig = 1; sig <= 64 && sig < NSIG; sig++) {
		if (!(set & ((uint64_t)1 << (sig - 1))) || sig == SIGKILL ||
		    sig == SIGSTOP || sig == SIGCHLD)
			continue;
		signal(sig, SIG_IGN);
	}
}

static void signal_set_of(uint64_t bits, sigset_t *set)
{
	int sig;

	for (sig = 1; sig <= 64 && sig < NSIG; sig++)
		if (bits & ((uint64_t)1 << (sig - 1)))
			sigaddset(set, sig);
}

/* Applies one setter; on failure says which option it came from. */
static int set(int r, const char *option)
{
	if (r < 0)
		fail(option, strerror(-r));
	return r;
}

/*
 * Whether the child gets a process group of its own whose members all
 * get the timeout's and forwarded signals: --kill-group, or --timeout
 * as timeout(1) does, unless --foreground (timeout(1)'s: leave the
 * child in fxrun's group, with the terminal) or --pgid N (a group
 * that is not the child's own).
 */
static int group_kill(const struct fxrun_opts *o)
{
	if (o->kill_group)
		return 1;
	return o->timeout_ms > 0 && !o->timeout_foreground &&
	       !(o->pgid_set && o->pgid != 0);
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
	if (r == 0 && o->chroot) {
		struct stat st;

		/* The search for PROGRAM happens under DIR: a DIR that is not
		 * there would be reported as PROGRAM not found (127); say what
		 * is missing, as chroot(8) does (125). */
		if (stat(o->chroot, &st) < 0) {
			fprintf(stderr, "fxrun: --chroot %s: %s\n", o->chroot,
			        strerror(errno));
			return -ENOENT;
		}
		r = set(fx_attr_set_chroot(a, o->chroot), "--chroot");
	}
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
	if (r == 0 && group_kill(o) && !o->pgid_set && !(o->flags & FX_SETSID))
		r = set(fx_attr_set_pgid(a, 0), o->kill_group ? "--kill-group" : "--timeout");
	if (r == 0 && o->sig_default) {
		sigset_t ss;

		sigemptyset(&ss);
		signal_set_of(o->sig_default, &ss);
		r = set(fx_attr_set_sigdefault(a, &ss), "--default-signal");
	}
	if (r == 0 && (o->sig_block || o->sig_unblock)) {
		sigset_t ss, un;
		int sig;

		/* Changes to the mask the child would inherit, as env(1)
		 * makes them. */
		sigprocmask(SIG_SETMASK, NULL, &ss);
		signal_set_of(o->sig_block, &ss);
		sigemptyset(&un);
		signal_set_of(o->sig_unblock, &un);
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&un, sig) == 1)
				sigdelset(&ss, sig);
		sigdelset(&ss, SIGKILL);
		sigdelset(&ss, SIGSTOP);
		r = set(fx_attr_set_sigmask(a, &ss), "--block-signal");
	}
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
	int reraise = 0;        /* the signal to die of, as the child did */
	char **user_env = NULL;         /* runuser's or --reset-env's (fx_env_for_user) */
	struct fxrun_opts env_opts;
	int status, r;
	struct fxrun_deadline dl = {
		.timeout_ms = o->timeout_ms, .kill_after_ms = o->kill_after_ms,
		.sig = o->timeout_sig, .verbose = o->verbose, .name = o->cmd[0],
	};

	r = fxrun_resolve_creds(o->user, o->group, o->groups, &creds,
	                        msg, sizeof msg);
	if (r < 0) {
		fail(msg, NULL);
		goto out;
	}
	/* runuser -u NAME: HOME, USER, LOGNAME of NAME (a number is setpriv's
	 * --reuid, which leaves them); setpriv --reset-env: a new environment. */
	if (o->reset_env || (o->user && creds.pw_name && !o->preserve_env)) {
		struct passwd pw = { 0 };
		static char *const none[] = { NULL };

		r = fxrun_creds_passwd(&creds, msg, sizeof msg);
		if (r < 0) {
			fail("--reset-env", msg);
			goto out;
		}
		pw.pw_name = creds.pw_name;
		pw.pw_dir = creds.pw_dir;
		pw.pw_shell = creds.pw_shell;
		pw.pw_uid = creds.has_uid ? creds.uid : getuid();
		/* -i empties the environment before the user's variables. */
		r = fx_env_for_user(&user_env, o->clear_env ? none : environ, &pw,
		                    o->reset_env ? FX_ENV_RESET : 0);
		if (r < 0) {
			fail("environment", strerror(-r));
			goto out;
		}
		/* The options apply on top, to what is now the whole base. */
		env_opts = *o;
		env_opts.clear_env = 0;
	}
	if (fxrun_build_env(user_env ? &env_opts : o, user_env ? user_env : environ,
	                    &env) < 0) {
		fail("out of memory", NULL);
		goto out;
	}
	/* The user's environment stands even with no other option. */
	if (!env && user_env) {
		env = user_env;
		user_env = NULL;
	}
	r = fx_attr_new(&attr);
	if (r < 0) {
		fail("fx_attr_new", strerror(-r));
		goto out;
	}
	if (build_attr(o, &creds, env, attr) < 0)
		goto out;
	if (o->dry_run) {
		code = dry_run(o, attr);
		goto out;
	}
	if (o->nice_set == 2)
		apply_relative_nice(o->nice);
	if (o->sig_ignore)
		ignore_signals(o->sig_ignore);
	if (o->verbose == 2 || o->list_signals)
		debug_env(o);

	r = fxrun_signals_start(o->timeout_ms > 0 ? o->timeout_sig : 0);
	if (r < 0) {
		fail("signals", strerror(-r));
		goto out;
	}
	r = fx_spawn(&proc, o->cmd[0], o->cmd, attr, &err);
	if (r < 0 && err.step == FX_STEP_EXEC && err.code == ENOEXEC) {
		fx_error first = err;

		r = spawn_script(&proc, o, env, attr, &err);
		if (r == -ENOEXEC)
			err = first;
	}
	if (r < 0) {
		/* setsid -c's habit: the terminal is most often the caller's
		 * own, which only a steal may take. */
		if (err.step == FX_STEP_SETCTTY && err.code == EPERM &&
		    !(fx_attr_get_flags(attr) & FX_STEAL_CTTY))
			fprintf(stderr, "fxrun: %s (another session's terminal: --steal-ctty "
			        "takes it, as setsid -c does)\n", fx_strerror(&err, msg, sizeof msg));
		else
			fail(fx_strerror(&err, msg, sizeof msg), NULL);
		code = spawn_failure_code(&err);
		goto out;
	}
	/* setsid -f: started, and left to run (init or a subreaper reaps it). */
	if (o->no_wait) {
		code = 0;
		goto out;
	}
	dl.start_ms = fxrun_now_ms();
	/* The child leads its own group (a new one, or its session's with
	 * --setsid; --kill-group refuses --pgid N). */
	if (group_kill(o))
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
		/* Reaped by another process, and the kernel could not say
		 * how it ended: not a success (125, never 0). */
		if (r == -ECHILD) {
			snprintf(msg, sizeof msg, "pid %d", (int)fx_proc_pid(proc));
			fail(msg, "reaped by another process; its exit status is unknown");
			goto out;
		}
		if (r < 0) {
			snprintf(msg, sizeof msg, "waiting for pid %d",
			         (int)fx_proc_pid(proc));
			fail(msg, strerror(-r));
			goto out;
		}
	}
	code = status_exit_code(status);
	/*
	 * timeout(1): 124 once the timeout passed (--preserve-status: the
	 * child's 128+N), unless the child died of the SIGKILL it sent:
	 * then timeout(1), which signals its own group, dies of SIGKILL
	 * too, and with --foreground exits 137; so does fxrun.  A child
	 * that died of a signal otherwise makes fxrun die of it.
	 */
	if (dl.timed_out && fx_status_signal(status) == SIGKILL) {
		if (group_kill(o))
			reraise = SIGKILL;
	} else if (dl.timed_out) {
		if (!o->preserve_status)
			code = EXIT_TIMED_OUT;
	} else if (fx_status_signal(status) > 0) {
		reraise = fx_status_signal(status);
	}
out:
	fxrun_signals_stop();
	fx_proc_free(proc);
	fx_attr_free(attr);
	free(env);
	free(user_env);
	fxrun_creds_free(&creds);
	if (reraise)
		die_like(reraise);
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

/* --dry-run: the plan, as fx_attr_explain prints it, on stdout. */
static int dry_run(const struct fxrun_opts *o, const fx_attr *attr)
{
	char msg[512], *text = NULL;
	size_t size = 4096;
	ssize_t n;
	fx_error err;
	int code = EXIT_FXRUN_FAILED;

	for (;;) {
		char *grown = realloc(text, size);
		if (!grown) {
			fail("out of memory", NULL);
			break;
		}
		text = grown;
		n = fx_attr_explain(attr, o->cmd[0], o->cmd, text, size, &err);
		if (n < 0) {
			fail(fx_strerror(&err, msg, sizeof msg), NULL);
			code = spawn_failure_code(&err);
			break;
		}
		if ((size_t)n < size) {
			code = print(text);
			break;
		}
		size = (size_t)n + 1;
	}
	free(text);
	return code;
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
	} else if (o.action == FXRUN_PRINTENV) {
		code = print_env(&o);
	} else if (o.action == FXRUN_DUMP) {
		r = fxrun_dump(stdout);
		if (r < 0)
			fail("--dump", strerror(-r));
		code = r < 0 ? EXIT_FXRUN_FAILED : print("");
	} else if (o.dump) {
		/* OPTIONS --dump: fxrun itself, as PROGRAM, reports what the
		 * options made of it. */
		char self[4096], *dump_argv[3];
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

		if (n < 0) {
			fail("--dump: /proc/self/exe", strerror(errno));
			code = EXIT_FXRUN_FAILED;
		} else {
			self[n] = '\0';
			dump_argv[0] = self;
			dump_argv[1] = (char *)"--dump";
			dump_argv[2] = NULL;
			o.cmd = dump_argv;
			o.n_cmd = 2;
			code = run(&o);
		}
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
