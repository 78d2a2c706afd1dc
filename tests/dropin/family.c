/* SPDX-License-Identifier: MIT */
/*
 * family: the whole posix_spawn family, compiled against the system's
 * <spawn.h> (glibc's struct sizes and flag values), as an unmodified
 * program would use it.  tests/dropin/run.sh runs it
 *   - dynamically linked, without the drop-in (glibc's functions),
 *   - the same binary with LD_PRELOAD=libforkexec-posix.so (check 7),
 *   - linked with libforkexec-posix.a (check 6),
 * and compares the transcripts byte for byte.
 *
 *   family PROBE WORKDIR             the compared transcript
 *   family PROBE WORKDIR extensions  what glibc 2.36 lacks or does otherwise
 *                                    (pidfd_spawn[p], addchdir, SCHED_BATCH,
 *                                    O_CLOEXEC open actions): printed, not
 *                                    compared; run.sh checks its lines
 *
 * Every spawned child is tests/dropin/probe.c, whose output goes to a file
 * the parent then prints; after each case the parent checks that no child
 * is left unreaped and no descriptor leaked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *probe, *work;
static char env_work[4096];
static char *child_env[] = { env_work, "PATH=/usr/bin:/bin", "FAMILY=family-value", NULL };
static int fds_before;

#define CHECK(call)                                                                  \
	do {                                                                         \
		int rc_ = (call);                                                    \
		if (rc_ != 0)                                                        \
			printf("  %s -> %s\n", #call, strerrorname_np(rc_));         \
	} while (0)

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static void begin(const char *name)
{
	printf("== %s\n", name);
	fflush(stdout);
	fds_before = count_fds();
}

/* No child may be left behind, nor a descriptor in the parent. */
static void end(void)
{
	int st, n = count_fds();

	if (waitpid(-1, &st, WNOHANG) != -1 || errno != ECHILD)
		printf("  CHILD LEFT BEHIND\n");
	if (n != fds_before)
		printf("  FD LEAK: %d fds before, %d after\n", fds_before, n);
	fflush(stdout);
}

static void show(const char *file)
{
	char line[4096];
	FILE *f = fopen(file, "r");

	if (!f) {
		printf("  (no %s: %s)\n", file, strerrorname_np(errno));
		return;
	}
	while (fgets(line, sizeof line, f))
		printf("  | %s", line);
	fclose(f);
}

/* Reports a spawn's result: the error, or the child's exit and output. */
static void result(int rc, pid_t pid, const char *outfile)
{
	int st;

	if (rc != 0) {
		printf("  spawn failed: %s\n", strerrorname_np(rc));
		return;
	}
	if (waitpid(pid, &st, 0) != pid) {
		printf("  waitpid: %s\n", strerrorname_np(errno));
		return;
	}
	if (WIFEXITED(st))
		printf("  exit code %d\n", WEXITSTATUS(st));
	else
		printf("  killed by signal %d\n", WTERMSIG(st));
	if (outfile)
		show(outfile);
}

static void print_attr(const posix_spawnattr_t *a)
{
	short flags = -1;
	pid_t pg = -1;
	int pol = -1, sig;
	struct sched_param sp = { .sched_priority = -1 };
	sigset_t mask, def;

	CHECK(posix_spawnattr_getflags(a, &flags));
	CHECK(posix_spawnattr_getpgroup(a, &pg));
	CHECK(posix_spawnattr_getschedpolicy(a, &pol));
	CHECK(posix_spawnattr_getschedparam(a, &sp));
	CHECK(posix_spawnattr_getsigmask(a, &mask));
	CHECK(posix_spawnattr_getsigdefault(a, &def));
	printf("  attr: flags=%#x pgroup=%d policy=%d priority=%d mask:", flags, (int)pg, pol,
	       sp.sched_priority);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&mask, sig) == 1)
			printf(" %d", sig);
	printf(" default:");
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&def, sig) == 1)
			printf(" %d", sig);
	printf("\n");
}

static void setup_files(void)
{
	FILE *f;

	mkdir("sub", 0755);
	mkdir("sub/sub2", 0755);
	mkdir("bin", 0755);
	if ((f = fopen("in.txt", "w"))) {
		fputs("line from in.txt\n", f);
		fclose(f);
	}
	if ((f = fopen("noshebang", "w"))) {
		fputs("echo no interpreter line\n", f);
		fclose(f);
	}
	chmod("noshebang", 0755);
	if ((f = fopen("notexec", "w"))) {
		fputs("#!/bin/sh\n", f);
		fclose(f);
	}
	chmod("notexec", 0644);
	if (symlink(probe, "bin/probe-in-path") != 0)
		perror("symlink");
	if (symlink("../noshebang", "bin/noshebang") != 0 ||
	    symlink(probe, "probe-here") != 0)
		perror("symlink");
	/* Found first in PATH but not executable: the search goes on. */
	mkdir("noexec-bin", 0755);
	if ((f = fopen("noexec-bin/probe-in-path", "w")))
		fclose(f);
	if ((f = fopen("noexec-bin/only-noexec", "w")))
		fclose(f);
}

/* Case A: every attribute but SETSID, every file action kind but tcsetpgrp. */
static void case_everything(void)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	sigset_t mask, def;
	struct sched_param sp = { .sched_priority = 0 };
	char *argv[] = { "probe", "--stdin", "--env", "FAMILY", "--env", "PROBE_WORK", NULL };
	pid_t pid = -1;
	int fd8, fd9, fd25, dirfd, rc;

	begin("every attribute but SETSID, every file action but tcsetpgrp");
	/* Inherited: 8 stays open, 9 is close-on-exec, 25 goes with closefrom. */
	fd8 = open("/dev/null", O_RDONLY);
	dup2(fd8, 8);
	close(fd8);
	fd9 = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	dup3(fd9, 9, O_CLOEXEC);
	close(fd9);
	fd25 = open("/dev/null", O_WRONLY);
	dup2(fd25, 25);
	close(fd25);
	dirfd = open("sub/sub2", O_RDONLY | O_DIRECTORY);
	dup3(dirfd, 30, O_CLOEXEC);
	close(dirfd);
	fds_before = count_fds();

	CHECK(posix_spawnattr_init(&a));
	print_attr(&a);
	CHECK(posix_spawnattr_setflags(&a, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                       POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSCHEDULER |
	                                       POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_RESETIDS |
	                                       POSIX_SPAWN_USEVFORK));
	CHECK(posix_spawnattr_setpgroup(&a, 0));
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGQUIT);
	CHECK(posix_spawnattr_setsigmask(&a, &mask));
	sigemptyset(&def);
	sigaddset(&def, SIGUSR2);
	sigaddset(&def, SIGINT);
	CHECK(posix_spawnattr_setsigdefault(&a, &def));
	CHECK(posix_spawnattr_setschedpolicy(&a, SCHED_OTHER));
	CHECK(posix_spawnattr_setschedparam(&a, &sp));
	print_attr(&a);

	CHECK(posix_spawn_file_actions_init(&fa));
	CHECK(posix_spawn_file_actions_addopen(&fa, 3, "in.txt", O_RDONLY, 0));
	CHECK(posix_spawn_file_actions_adddup2(&fa, 3, 0));
	CHECK(posix_spawn_file_actions_addclose(&fa, 3));
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-A.txt", O_WRONLY | O_CREAT | O_TRUNC,
	                                       0644));
	CHECK(posix_spawn_file_actions_adddup2(&fa, 1, 2));
	CHECK(posix_spawn_file_actions_addchdir_np(&fa, "sub"));
	CHECK(posix_spawn_file_actions_addopen(&fa, 4, "rel.txt",
	                                       O_WRONLY | O_CREAT | O_APPEND, 0600));
	CHECK(posix_spawn_file_actions_addfchdir_np(&fa, 30));
	CHECK(posix_spawn_file_actions_addclosefrom_np(&fa, 20));
	CHECK(posix_spawn_file_actions_adddup2(&fa, 9, 9)); /* clears 9's FD_CLOEXEC */
	CHECK(posix_spawn_file_actions_addclose(&fa, 77));  /* not open: no error */

	rc = posix_spawn(&pid, probe, &fa, &a, argv, child_env);
	CHECK(posix_spawn_file_actions_destroy(&fa));
	CHECK(posix_spawnattr_destroy(&a));
	result(rc, pid, "out-A.txt");
	printf("  sub/rel.txt exists=%s\n", access("sub/rel.txt", F_OK) == 0 ? "yes" : "no");
	end();
	close(8);
	close(9);
	close(25);
	close(30);
}

/* One attribute flag, stdout to a file. */
static void case_flags(const char *name, short flags, pid_t pgroup)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "probe", NULL };
	pid_t pid = -1;
	int rc;

	begin(name);
	CHECK(posix_spawnattr_init(&a));
	CHECK(posix_spawnattr_setflags(&a, flags));
	CHECK(posix_spawnattr_setpgroup(&a, pgroup));
	CHECK(posix_spawn_file_actions_init(&fa));
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-flags.txt",
	                                       O_WRONLY | O_CREAT | O_TRUNC, 0644));
	rc = posix_spawn(&pid, probe, &fa, &a, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	result(rc, pid, "out-flags.txt");
	end();
}

static void case_spawnp(void)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "probe-in-path", "--env", "PATH", NULL };
	char *env[] = { env_work, "PATH=/only/in/env", NULL };
	char path[4200];
	const char *saved = getenv("PATH");
	char *saved_copy = strdup(saved ? saved : "");
	pid_t pid = -1;
	int rc;

	begin("posix_spawnp: the caller's PATH is searched, not env's");
	snprintf(path, sizeof path, "/nonexistent-dir:%s/noexec-bin:%s/bin:/usr/bin:/bin", work,
	         work);
	setenv("PATH", path, 1);
	CHECK(posix_spawn_file_actions_init(&fa));
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-p.txt", O_WRONLY | O_CREAT | O_TRUNC,
	                                       0644));
	rc = posix_spawnp(&pid, "probe-in-path", &fa, NULL, argv, env);
	result(rc, pid, "out-p.txt");
	end();

	begin("posix_spawnp of a name in no PATH directory");
	rc = posix_spawnp(&pid, "nosuchtool-xyz", &fa, NULL, argv, env);
	result(rc, pid, NULL);
	end();

	begin("posix_spawnp of a script without #! (ENOEXEC: no sh fallback since glibc 2.15)");
	rc = posix_spawnp(&pid, "noshebang", &fa, NULL, argv, env);
	result(rc, pid, "out-p.txt");
	end();

	begin("posix_spawnp of a name with a slash is not searched");
	rc = posix_spawnp(&pid, "bin/probe-in-path", &fa, NULL, argv, env);
	result(rc, pid, "out-p.txt");
	end();

	begin("posix_spawnp of a name found only without x permission (EACCES)");
	rc = posix_spawnp(&pid, "only-noexec", &fa, NULL, argv, env);
	result(rc, pid, NULL);
	end();

	begin("posix_spawnp with an empty PATH element (the current directory)");
	setenv("PATH", "/nonexistent-dir::/usr/bin", 1);
	rc = posix_spawnp(&pid, "probe-here", &fa, NULL, argv, env);
	result(rc, pid, "out-p.txt");
	end();

	begin("posix_spawnp with PATH unset (the default /bin:/usr/bin)");
	unsetenv("PATH");
	{
		char *a2[] = { "sh", "-c", "echo found sh", NULL };

		rc = posix_spawnp(&pid, "sh", &fa, NULL, a2, env);
		result(rc, pid, "out-p.txt");
		rc = posix_spawnp(&pid, "probe-here", &fa, NULL, argv, env);
		result(rc, pid, NULL);
	}
	end();
	posix_spawn_file_actions_destroy(&fa);
	setenv("PATH", saved_copy, 1);
	free(saved_copy);
}

/* As root: the parent's effective uid is set apart from its real one. */
static void case_resetids(void)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "probe", NULL };
	pid_t pid = -1;
	int rc, out, i;

	for (i = 0; i < 2; i++) {
		begin(i ? "RESETIDS with euid 65534, uid 0 (child euid 0)"
		        : "no RESETIDS with euid 65534, uid 0 (child keeps euid 65534)");
		if (getuid() != 0) {
			printf("  not root: case not run\n");
			continue;
		}
		out = open("out-ids.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		CHECK(posix_spawnattr_init(&a));
		CHECK(posix_spawnattr_setflags(&a, i ? POSIX_SPAWN_RESETIDS : 0));
		CHECK(posix_spawn_file_actions_init(&fa));
		CHECK(posix_spawn_file_actions_adddup2(&fa, out, 1));
		if (setegid(65534) != 0 || seteuid(65534) != 0)
			printf("  seteuid: %s\n", strerrorname_np(errno));
		rc = posix_spawn(&pid, probe, &fa, &a, argv, child_env);
		if (seteuid(0) != 0 || setegid(0) != 0)
			printf("  seteuid back: %s\n", strerrorname_np(errno));
		close(out);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&a);
		result(rc, pid, "out-ids.txt");
		end();
	}
}

/* SETSID, then the pty's slave becomes the controlling terminal and
 * addtcsetpgrp_np makes the child's group its foreground group. */
static void case_tty(void)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "probe", "--tty", NULL };
	pid_t pid = -1;
	int rc, master;
	const char *slave;

	begin("SETSID, open a pty as the controlling terminal, addtcsetpgrp_np");
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    !(slave = ptsname(master))) {
		printf("  no pty here: case not run\n");
		if (master >= 0)
			close(master);
		end();
		return;
	}
	CHECK(posix_spawnattr_init(&a));
	CHECK(posix_spawnattr_setflags(&a, POSIX_SPAWN_SETSID));
	CHECK(posix_spawn_file_actions_init(&fa));
	CHECK(posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR, 0));
	CHECK(posix_spawn_file_actions_addtcsetpgrp_np(&fa, 0));
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-tty.txt",
	                                       O_WRONLY | O_CREAT | O_TRUNC, 0644));
	rc = posix_spawn(&pid, probe, &fa, &a, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	result(rc, pid, "out-tty.txt");
	close(master);
	end();
}

/* Failures reported by posix_spawn itself (errno of the failing step). */
static void case_fail(const char *name, const char *path, int fa_kind, short flags, pid_t pg)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "x", NULL };
	pid_t pid = -1;
	int rc, filefd = -1;

	begin(name);
	CHECK(posix_spawnattr_init(&a));
	CHECK(posix_spawnattr_setflags(&a, flags));
	CHECK(posix_spawnattr_setpgroup(&a, pg));
	CHECK(posix_spawn_file_actions_init(&fa));
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0));
	switch (fa_kind) {
	case 1:
		CHECK(posix_spawn_file_actions_addopen(&fa, 1, "/nonexistent-dir/out",
		                                       O_WRONLY | O_CREAT, 0644));
		break;
	case 2:
		CHECK(posix_spawn_file_actions_addchdir_np(&fa, "/nonexistent-dir"));
		break;
	case 3:
		CHECK(posix_spawn_file_actions_addfchdir_np(&fa, 200));
		break;
	case 4:
		filefd = open("in.txt", O_RDONLY | O_CLOEXEC);
		CHECK(posix_spawn_file_actions_addfchdir_np(&fa, filefd));
		break;
	case 5:
		CHECK(posix_spawn_file_actions_adddup2(&fa, 201, 1));
		break;
	case 6:
		CHECK(posix_spawn_file_actions_addtcsetpgrp_np(&fa, 1)); /* /dev/null */
		break;
	case 7:
		CHECK(posix_spawn_file_actions_addopen(&fa, 0, "in.txt", O_WRONLY | O_DIRECTORY, 0));
		break;
	case 8: /* a relative path after chdir: not found there */
		CHECK(posix_spawn_file_actions_addchdir_np(&fa, "sub"));
		CHECK(posix_spawn_file_actions_addopen(&fa, 0, "in.txt", O_RDONLY, 0));
		break;
	}
	pid = -42;
	rc = posix_spawn(&pid, path, &fa, &a, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	if (filefd >= 0)
		close(filefd);
	result(rc, pid, NULL);
	if (rc != 0)
		printf("  *pid untouched: %s\n", pid == -42 ? "yes" : "no");
	end();
}

/* Argument checks made before any spawn. */
static void case_args(void)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;

	begin("argument checks of the setters");
	posix_spawnattr_init(&a);
	posix_spawn_file_actions_init(&fa);
	printf("  setflags(0x4000) = %s\n", strerrorname_np(posix_spawnattr_setflags(&a, 0x4000)));
	printf("  setschedpolicy(SCHED_FIFO) = %s\n",
	       strerrorname_np(posix_spawnattr_setschedpolicy(&a, SCHED_FIFO)));
	printf("  setschedpolicy(SCHED_RR) = %s\n",
	       strerrorname_np(posix_spawnattr_setschedpolicy(&a, SCHED_RR)));
	printf("  setschedpolicy(42) = %s\n",
	       strerrorname_np(posix_spawnattr_setschedpolicy(&a, 42)));
	print_attr(&a);
	printf("  addopen(fd -1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_addopen(&fa, -1, "/x", O_RDONLY, 0)));
	printf("  addclose(fd -1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_addclose(&fa, -1)));
	printf("  adddup2(-1, 1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_adddup2(&fa, -1, 1)));
	printf("  adddup2(1, -1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_adddup2(&fa, 1, -1)));
	printf("  adddup2(1, 1<<20) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_adddup2(&fa, 1, 1 << 20)));
	printf("  addclosefrom_np(-1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_addclosefrom_np(&fa, -1)));
	printf("  addtcsetpgrp_np(-1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_addtcsetpgrp_np(&fa, -1)));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	end();
}

/* NULL attributes and file actions; many actions; an empty environment. */
static void case_misc(void)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "probe", "", "two words", "--env", "FAMILY", NULL };
	char *noenv[] = { NULL };
	pid_t pid = -1;
	int rc, i;

	begin("NULL file actions and attributes (stdout inherited), empty environment");
	fflush(stdout);
	rc = posix_spawn(&pid, probe, NULL, NULL, argv, noenv);
	result(rc, pid, NULL);
	end();

	begin("300 file actions");
	CHECK(posix_spawn_file_actions_init(&fa));
	for (i = 0; i < 100; i++) {
		CHECK(posix_spawn_file_actions_addopen(&fa, 40 + i % 7, "/dev/null", O_RDONLY, 0));
		CHECK(posix_spawn_file_actions_adddup2(&fa, 40 + i % 7, 50 + i % 5));
		CHECK(posix_spawn_file_actions_addclose(&fa, 40 + i % 7));
	}
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-many.txt",
	                                       O_WRONLY | O_CREAT | O_TRUNC, 0644));
	rc = posix_spawn(&pid, probe, &fa, NULL, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	result(rc, pid, "out-many.txt");
	end();

	begin("an exit status and a signal death are reported through waitpid");
	{
		char *a2[] = { "sh", "-c", "exit 7", NULL }, *a3[] = { "sh", "-c", "kill -9 $$", NULL };

		rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, a2, child_env);
		result(rc, pid, NULL);
		rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, a3, child_env);
		result(rc, pid, NULL);
	}
	end();

	begin("posix_spawn with a NULL pid pointer");
	{
		char *a4[] = { "sh", "-c", "exit 3", NULL };
		int st;

		rc = posix_spawn(NULL, "/bin/sh", NULL, NULL, a4, child_env);
		printf("  rc=%s\n", strerrorname_np(rc));
		if (rc == 0 && wait(&st) > 0)
			printf("  exit code %d\n", WEXITSTATUS(st));
	}
	end();
}

/* ---- extensions: not compared, each line checked by run.sh ---------- */

typedef int spawn_fn(int *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);
typedef int chdir_fn(posix_spawn_file_actions_t *, const char *);

#ifdef FAMILY_STATIC_DROPIN
int pidfd_spawn(int *, const char *, const posix_spawn_file_actions_t *,
                const posix_spawnattr_t *, char *const[], char *const[]);
int pidfd_spawnp(int *, const char *, const posix_spawn_file_actions_t *,
                 const posix_spawnattr_t *, char *const[], char *const[]);
int posix_spawn_file_actions_addchdir(posix_spawn_file_actions_t *, const char *);
#define LOOKUP(name) ((void *)&name)
#else
#define LOOKUP(name) dlsym(RTLD_DEFAULT, #name)
#endif

static void pidfd_case(const char *name, spawn_fn *fn, const char *file)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", "exit 9", NULL };
	siginfo_t si;
	int pidfd = -1, rc, fl;

	begin(name);
	if (!fn) {
		printf("  %s: absent\n", name);
		end();
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = fn(&pidfd, file, &fa, NULL, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		printf("  spawn failed: %s\n", strerrorname_np(rc));
		end();
		return;
	}
	fl = fcntl(pidfd, F_GETFD);
	memset(&si, 0, sizeof si);
	if (syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL) != 0)
		printf("  waitid(P_PIDFD): %s\n", strerrorname_np(errno));
	else
		printf("  pidfd cloexec=%s, child exited with %d\n",
		       fl >= 0 && (fl & FD_CLOEXEC) ? "yes" : "no", si.si_status);
	close(pidfd);
	end();
}

static void extensions(void)
{
	posix_spawnattr_t a;
	posix_spawn_file_actions_t fa;
	chdir_fn *addchdir = (chdir_fn *)LOOKUP(posix_spawn_file_actions_addchdir);
	char *argv[] = { "probe", NULL };
	pid_t pid = -1;
	int rc;

	pidfd_case("pidfd_spawn", (spawn_fn *)LOOKUP(pidfd_spawn), "/bin/sh");
	pidfd_case("pidfd_spawnp", (spawn_fn *)LOOKUP(pidfd_spawnp), "sh");

	begin("posix_spawn_file_actions_addchdir");
	if (!addchdir)
		printf("  posix_spawn_file_actions_addchdir: absent\n");
	else {
		posix_spawn_file_actions_init(&fa);
		CHECK(posix_spawn_file_actions_addopen(&fa, 1, "out-x1.txt",
		                                       O_WRONLY | O_CREAT | O_TRUNC, 0644));
		CHECK(addchdir(&fa, "sub/sub2"));
		rc = posix_spawn(&pid, probe, &fa, NULL, argv, child_env);
		posix_spawn_file_actions_destroy(&fa);
		result(rc, pid, "out-x1.txt");
	}
	end();

	begin("addfchdir_np(-1): glibc 2.36 accepts it, POSIX.1-2024 says EBADF");
	posix_spawn_file_actions_init(&fa);
	printf("  addfchdir_np(-1) = %s\n",
	       strerrorname_np(posix_spawn_file_actions_addfchdir_np(&fa, -1)));
	posix_spawn_file_actions_destroy(&fa);
	end();

	begin("setschedpolicy SCHED_BATCH");
	posix_spawnattr_init(&a);
	rc = posix_spawnattr_setschedpolicy(&a, SCHED_BATCH);
	printf("  setschedpolicy(SCHED_BATCH) = %s\n", strerrorname_np(rc));
	if (rc == 0) {
		posix_spawnattr_setflags(&a, POSIX_SPAWN_SETSCHEDULER);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "out-x2.txt", O_WRONLY | O_CREAT | O_TRUNC,
		                                 0644);
		rc = posix_spawn(&pid, probe, &fa, &a, argv, child_env);
		posix_spawn_file_actions_destroy(&fa);
		result(rc, pid, "out-x2.txt");
	}
	posix_spawnattr_destroy(&a);
	end();

	begin("open action with O_CLOEXEC onto fd 12");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "out-x3.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 12, "/dev/null", O_RDONLY | O_CLOEXEC, 0);
	rc = posix_spawn(&pid, probe, &fa, NULL, argv, child_env);
	posix_spawn_file_actions_destroy(&fa);
	result(rc, pid, "out-x3.txt");
	end();
}

int main(int argc, char **argv)
{
	sigset_t block;

	if (argc < 3) {
		fprintf(stderr, "usage: family PROBE WORKDIR [extensions]\n");
		return 2;
	}
	probe = argv[1];
	work = argv[2];
	snprintf(env_work, sizeof env_work, "PROBE_WORK=%s", work);
	if (chdir(work) != 0) {
		perror(work);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_files();
	/* Dispositions and a mask for the children to inherit or not. */
	signal(SIGUSR2, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_SETMASK, &block, NULL);

	if (argc > 3 && strcmp(argv[3], "extensions") == 0) {
		extensions();
		return 0;
	}
	case_args();
	case_everything();
	case_flags("SETSID", POSIX_SPAWN_SETSID, 0);
	case_flags("SETPGROUP 0", POSIX_SPAWN_SETPGROUP, 0);
	case_flags("SETPGROUP into our own group", POSIX_SPAWN_SETPGROUP, getpgrp());
	case_flags("SETSIGMASK with an empty mask", POSIX_SPAWN_SETSIGMASK, 0);
	case_flags("SETSIGDEF with an empty set", POSIX_SPAWN_SETSIGDEF, 0);
	case_flags("USEVFORK (a no-op)", POSIX_SPAWN_USEVFORK, 0);
	case_spawnp();
	case_resetids();
	case_tty();
	case_fail("nonexistent path", "/nonexistent-dir/prog", 0, 0, 0);
	case_fail("file without x permission", "notexec", 0, 0, 0);
	case_fail("a directory", "sub", 0, 0, 0);
	case_fail("script without #! (ENOEXEC)", "noshebang", 0, 0, 0);
	case_fail("open action in a nonexistent directory", probe, 1, 0, 0);
	case_fail("chdir action to a nonexistent directory", probe, 2, 0, 0);
	case_fail("fchdir action on a closed fd", probe, 3, 0, 0);
	case_fail("fchdir action on a regular file", probe, 4, 0, 0);
	case_fail("dup2 action from a closed fd", probe, 5, 0, 0);
	case_fail("tcsetpgrp action on /dev/null", probe, 6, 0, 0);
	case_fail("open action O_DIRECTORY on a file", probe, 7, 0, 0);
	case_fail("relative open action after a chdir action", probe, 8, 0, 0);
	case_fail("SETSID and SETPGROUP 0 together", probe, 0,
	          POSIX_SPAWN_SETSID | POSIX_SPAWN_SETPGROUP, 0);
	case_fail("SETPGROUP into a group that does not exist", probe, 0, POSIX_SPAWN_SETPGROUP,
	          0x3ffffff0);
	case_misc();
	return 0;
}
