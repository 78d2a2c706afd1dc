/* SPDX-License-Identifier: MIT */
/*
 * Differential tests of fxrun: each row runs one scenario through the
 * real tool (coreutils' env, timeout, nice, chroot; util-linux's setpriv,
 * runuser, unshare, prlimit, taskset, chrt, setsid) and through fxrun, and
 * compares what the caller and the child see: the wait status, stdout,
 * stderr (exactly, or its meaning where the wording is ours), and the
 * probe's report of the child (ids, caps, namespaces, limits, nice,
 * affinity, policy, signals, environment, arguments).
 *
 * Both run with the same small environment (no LANG: the tools quote in
 * ASCII), stdin from /dev/null, no core files, and the test's signal
 * state.  A row whose tool is not installed is skipped with the reason
 * (CI installs them: .ci/install-deps).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fxt.h"

/* What a row compares. */
enum {
	ST = 1 << 0,    /* the same wait status: exit code, or signal; a
	                   util-linux tool's own failure (exit 1, a message
	                   from it) means fxrun's 125 */
	OUT = 1 << 1,   /* the same stdout, byte for byte */
	ERR = 1 << 2,   /* stderr: both empty, or both not ("fxrun: ...") */
	ERRX = 1 << 3,  /* stderr the same once "TOOL: " reads "fxrun: " */
	FAILS = 1 << 4, /* both refuse: the tool exits non-zero (its own
	                   code, often 1), fxrun 125, both say why */
	ORPHAN = 1 << 5,/* each run leaves one child running (setsid -f),
	                   which the test, their subreaper, waits for */
};

struct row {
	const char *tool;   /* the tool's command line */
	const char *fx;     /* fxrun's arguments */
	unsigned cmp;
	/*
	 * Probe keys compared when both exited 0, space-separated: a key
	 * ("nice"), a prefix with '*' ("env*": every env.N), "~ns.NAME"
	 * (whether the namespace differs from the test's own), "leader"
	 * (pgid == pid), "sidleader" (sid == pid), "newpg" (whether the
	 * process group differs from the test's own), "+monotonic" and
	 * "+boottime" (the clock's lead on the test's, in 1000 s).
	 */
	const char *keys;
	int ign;            /* a signal both start with ignored, or 0 */
};

#define P "%P --"               /* the probe; its options end there */
#define SLEEP "%P --no-report --sleep-ms=100000"
#define NOBODY "--reuid=65534 --regid=65534 --clear-groups"

/* The table: env(1). */
static const struct row env_rows[] = {
	{ "env -i A=1 B=2", "-i A=1 B=2", ST | OUT | ERR, NULL, 0 },
	{ "env -i -0 A=1 B=2", "-i -0 A=1 B=2", ST | OUT | ERR, NULL, 0 },
	{ "env -i", "-i", ST | OUT | ERR, NULL, 0 },
	{ "env", "", ST | OUT | ERR, NULL, 0 },
	{ "env -u HOME", "-U HOME", ST | OUT | ERR, NULL, 0 },
	{ "env --ignore-env A=1", "--ignore-env A=1", ST | OUT | ERR, NULL, 0 },
	{ "env -i A=1 " P " x", "-i A=1 " P " x", ST | ERR, "env* argv*", 0 },
	{ "env A=1 A=2 " P, "A=1 A=2 " P, ST | ERR, "env*", 0 },
	{ "env -u HOME " P, "-U HOME " P, ST | ERR, "env*", 0 },
	{ "env --unset=HOME " P, "--unset=HOME " P, ST | ERR, "env*", 0 },
	{ "env -i -- A=1 " P, "-i -- A=1 " P, ST | ERR, "env* argv*", 0 },
	{ "env -C / " P, "-C / " P, ST | ERR, "cwd", 0 },
	{ "env --chdir=/tmp " P, "--chdir=/tmp " P, ST | ERR, "cwd", 0 },
	{ "env -S '%P -- a\\tb \"c d\" ${HOME}'", "-S '%P -- a\\tb \"c d\" ${HOME}'",
	  ST | ERR, "argv*", 0 },
	{ "env -S 'A=1 %P' x", "-S 'A=1 %P' x", ST | ERR, "env* argv*", 0 },
	{ "env -i -S 'B=2 %P -- a\\_b #c'", "-i -S 'B=2 %P -- a\\_b #c'",
	  ST | ERR, "env* argv*", 0 },
	{ "env -S '\"x'", "-S '\"x'", FAILS, NULL, 0 },
	{ "env -S '$HOME' true", "-S '$HOME' true", FAILS, NULL, 0 },
	{ "env -v -i A=1 true", "-v -i A=1 true", ST | OUT | ERRX, NULL, 0 },
	{ "env --ignore-signal=INT,PIPE " P, "--ignore-signal=INT,PIPE " P,
	  ST | ERR, "sigign", 0 },
	{ "env --default-signal=INT " P, "--default-signal=INT " P,
	  ST | ERR, "sigign", SIGINT },
	{ "env --default-signal " P, "--default-signal " P, ST | ERR, "sigign", SIGINT },
	{ "env " P, P, ST | ERR, "sigign sigmask", SIGINT },
	{ "env --block-signal=USR1,TERM " P, "--block-signal=USR1,TERM " P,
	  ST | ERR, "sigmask", 0 },
	{ "env --block-signal " P, "--block-signal " P, ST | ERR, "sigmask", 0 },
	{ "env %D/script a b", "%D/script a b", ST | OUT | ERR, NULL, 0 },
	{ "env /bin/sh -c 'exit 3'", "/bin/sh -c 'exit 3'", ST | OUT | ERR, NULL, 0 },
	{ "env %P --no-report --kill=11", "%P --no-report --kill=11", ST | ERR, NULL, 0 },
	{ "env %P --no-report --kill=15", "%P --no-report --kill=15", ST | ERR, NULL, 0 },
	{ "env %P --no-report --kill=2", "%P --no-report --kill=2", ST | ERR, NULL, 0 },
	{ "env /nonexistent/x", "/nonexistent/x", ST | ERR, NULL, 0 },
	{ "env nonexistent-command-x", "nonexistent-command-x", ST | ERR, NULL, 0 },
	{ "env %D/plain", "%D/plain", ST | ERR, NULL, 0 },
	{ "env %D", "%D", ST | ERR, NULL, 0 },
	{ "env -u A=B true", "-U A=B true", ST | ERR, NULL, 0 },
	{ "env --ign A=1", "--ign A=1", ST | ERR, NULL, 0 },
	{ "env --no-such-option true", "--no-such-option true", ST | ERR, NULL, 0 },
	{ "env -C", "-C", ST | ERR, NULL, 0 },
	{ "env -C /tmp", "-C /tmp", ST | ERR, NULL, 0 },
	{ "env -C /nonexistent true", "-C /nonexistent true", ST | ERR, NULL, 0 },
	{ "env -0 true", "-0 true", ST | ERR, NULL, 0 },
	{ "env --ignore-signal=NOPE true", "--ignore-signal=NOPE true", ST | ERR, NULL, 0 },
	/* -v says what it does with signals and the directory, in order;
	 * the lists name classic signals only (a tool linked with another
	 * libc numbers the real-time ones otherwise). */
	{ "env -v --default-signal=INT --ignore-signal=PIPE --block-signal=USR1 -C / true",
	  "-v --default-signal=INT --ignore-signal=PIPE --block-signal=USR1 -C / true",
	  ST | OUT | ERRX, NULL, 0 },
	{ "env -v -S 'A=1 B=2' true", "-v -S 'A=1 B=2' true", ST | OUT | ERRX, NULL, 0 },
	{ "env -v -i -u X A=1 true", "-v -i -U X A=1 true", ST | OUT | ERRX, NULL, 0 },
	{ "env -v -u X -u Y A=1 true", "-v -U X -U Y A=1 true", ST | OUT | ERRX, NULL, 0 },
	{ "env -v -i --block-signal=HUP,TERM --default-signal=TERM,QUIT true",
	  "-v -i --block-signal=HUP,TERM --default-signal=TERM,QUIT true",
	  ST | OUT | ERRX, NULL, 0 },
	/* --default-signal=SIG unblocks SIG too; the later option counts. */
	{ "env --block-signal=INT,TERM env --default-signal=INT " P,
	  "--block-signal=INT,TERM %F --default-signal=INT " P, ST | ERR, "sigmask sigign", 0 },
	{ "env --block-signal=INT env --default-signal=INT --block-signal=INT " P,
	  "--block-signal=INT %F --default-signal=INT --block-signal=INT " P,
	  ST | ERR, "sigmask", 0 },
	{ "env --default-signal=KILL true", "--default-signal=KILL true", ST | ERR, NULL, 0 },
	{ "env --ignore-signal=STOP,INT true", "--ignore-signal=STOP,INT true", ST | ERR, NULL, 0 },
	{ "env --block-signal=KILL true", "--block-signal=KILL true", ST | ERR, NULL, 0 },
	/* What the program will start with, listed on stderr. */
	{ "env --list-signal-handling true", "--list-signal-handling true",
	  ST | OUT | ERRX, NULL, 0 },
	{ "env --ignore-signal=INT,PIPE --block-signal=USR1,INT --list-signal-handling true",
	  "--ignore-signal=INT,PIPE --block-signal=USR1,INT --list-signal-handling true",
	  ST | OUT | ERRX, NULL, 0 },
	{ "env --list-signal-handling --default-signal=HUP true",
	  "--list-signal-handling --default-signal=HUP true", ST | OUT | ERRX, NULL, SIGHUP },
	{ "env --list-signal-handling true", "--list-signal-handling true",
	  ST | OUT | ERRX, NULL, SIGQUIT },
	{ "env -v --ignore-signal=TERM --list-signal-handling true",
	  "-v --ignore-signal=TERM --list-signal-handling true", ST | OUT | ERRX, NULL, 0 },
	{ "env -i --list-signal-handling", "-i --list-signal-handling", ST | OUT | ERR, NULL, 0 },
	{ "env --ignore-signal=SIGRTMIN+1,RTMAX " P, "--ignore-signal=SIGRTMIN+1,RTMAX " P,
	  ST | ERR, NULL, 0 },
};

/* timeout(1): fxrun's options come before PROGRAM, the DURATION too. */
static const struct row timeout_rows[] = {
	{ "timeout 0.1 " SLEEP, "--timeout 0.1 " SLEEP, ST | OUT | ERR, NULL, 0 },
	{ "timeout 1e-1 " SLEEP, "--timeout 1e-1 " SLEEP, ST | OUT | ERR, NULL, 0 },
	{ "timeout .1s " SLEEP, "--timeout .1s " SLEEP, ST | OUT | ERR, NULL, 0 },
	{ "timeout -s KILL 0.1 " SLEEP, "--timeout 0.1 -s KILL " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout --signal=INT 0.1 " SLEEP, "--timeout 0.1 --signal=INT " SLEEP,
	  ST | ERR, NULL, 0 },
	{ "timeout -s 9 0.1 " SLEEP, "--timeout 0.1 -s 9 " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout --preserve-status 0.1 " SLEEP, "--timeout 0.1 --preserve-status " SLEEP,
	  ST | ERR, NULL, 0 },
	{ "timeout --preserve-status -s KILL 0.1 " SLEEP,
	  "--timeout 0.1 --preserve-status -s KILL " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout --foreground -s KILL 0.1 " SLEEP,
	  "--timeout 0.1 --foreground -s KILL " SLEEP, ST | ERR, NULL, 0 },
	/*
	 * -k with a child that dies of the first signal.  (timeout(1)
	 * catches its --signal, so a child cannot inherit it ignored, and
	 * one that ignores it by itself races the timeout: fxrun's SIGKILL
	 * path is tested alone in test_fxrun.c.)
	 */
	{ "timeout -k 0.1 0.1 " SLEEP, "--timeout 0.1 -k 0.1 " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout --kill-after=0.1 --foreground 0.1 " SLEEP,
	  "--timeout 0.1 --kill-after=0.1 --foreground " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout -v 0.1 " SLEEP, "--timeout 0.1 --verbose " SLEEP, ST | ERRX, NULL, 0 },
	{ "timeout -v -k 0.1 0.1 " SLEEP, "--timeout 0.1 --verbose -k 0.1 " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -v -s INT 0.1 " SLEEP, "--timeout 0.1 --verbose -s INT " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout 0 %P --no-report --exit=3", "--timeout 0 %P --no-report --exit=3",
	  ST | ERR, NULL, 0 },
	{ "timeout 60 %P --no-report --exit=5", "--timeout 60 %P --no-report --exit=5",
	  ST | ERR, NULL, 0 },
	{ "timeout 1d %P --no-report", "--timeout 1d %P --no-report", ST | ERR, NULL, 0 },
	{ "timeout 2h %P --no-report", "--timeout 2h %P --no-report", ST | ERR, NULL, 0 },
	{ "timeout inf %P --no-report", "--timeout inf %P --no-report", ST | ERR, NULL, 0 },
	{ "timeout 0x10 %P --no-report", "--timeout 0x10 %P --no-report", ST | ERR, NULL, 0 },
	{ "timeout 1e3 %P --no-report", "--timeout 1e3 %P --no-report", ST | ERR, NULL, 0 },
	{ "timeout --preserve-status 10 %P --no-report --exit=4",
	  "--timeout 10 --preserve-status %P --no-report --exit=4", ST | ERR, NULL, 0 },
	{ "timeout 10 %P --no-report --kill=11", "--timeout 10 %P --no-report --kill=11",
	  ST | ERR, NULL, 0 },
	{ "timeout 10 %P --no-report --kill=15", "--timeout 10 %P --no-report --kill=15",
	  ST | ERR, NULL, 0 },
	{ "timeout 10 " P, "--timeout 10 " P, ST | ERR, "newpg", 0 },
	{ "timeout --foreground 10 " P, "--timeout 10 --foreground " P, ST | ERR, "newpg", 0 },
	{ "timeout 10 /nonexistent/x", "--timeout 10 /nonexistent/x", ST | ERR, NULL, 0 },
	{ "timeout 10 %D/plain", "--timeout 10 %D/plain", ST | ERR, NULL, 0 },
	{ "timeout x true", "--timeout x true", ST | ERR, NULL, 0 },
	{ "timeout -- -1 true", "--timeout -1 true", ST | ERR, NULL, 0 },
	{ "timeout 1ms true", "--timeout 1x true", ST | ERR, NULL, 0 },
	{ "timeout -s NOPE 1 true", "--timeout 1 -s NOPE true", ST | ERR, NULL, 0 },
	{ "timeout -k x 1 true", "--timeout 1 -k x true", ST | ERR, NULL, 0 },
	/* Real-time signals by name, and 0 (EXIT), which sends nothing. */
	{ "timeout -v -s RTMIN+1 0.1 " SLEEP, "--timeout 0.1 --verbose -s RTMIN+1 " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -v --signal=SIGRTMAX 0.1 " SLEEP, "--timeout 0.1 --verbose --signal=SIGRTMAX " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -v -s rtmax-2 0.1 " SLEEP, "--timeout 0.1 --verbose -s rtmax-2 " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -v -k 0.1 -s EXIT 0.1 " SLEEP, "--timeout 0.1 --verbose -k 0.1 -s EXIT " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -k 0.1 -s 0 0.1 " SLEEP, "--timeout 0.1 -k 0.1 -s 0 " SLEEP, ST | ERR, NULL, 0 },
	{ "timeout -v -s SIGPOLL 0.1 " SLEEP, "--timeout 0.1 --verbose -s SIGPOLL " SLEEP,
	  ST | ERRX, NULL, 0 },
	{ "timeout -s RTMIN+99 1 true", "--timeout 1 -s RTMIN+99 true", ST | ERR, NULL, 0 },
	{ "timeout -s RTMIN- 1 true", "--timeout 1 -s RTMIN- true", ST | ERR, NULL, 0 },
};

/* nice(1): -n adds to the caller's niceness, clamped. */
static const struct row nice_rows[] = {
	{ "nice -n 5 " P, "-n 5 " P, ST | ERR, "nice", 0 },
	{ "nice -n +3 " P, "--nice +3 " P, ST | ERR, "nice", 0 },
	{ "nice --adjustment=7 " P, "--adjustment=7 " P, ST | ERR, "nice", 0 },
	{ "nice -n 100 " P, "-n 100 " P, ST | ERR, "nice", 0 },
	{ "nice -n -5 " P, "-n -5 " P, ST | ERR, "nice", 0 },
	{ "nice -n -100 " P, "-n -100 " P, ST | ERR, "nice", 0 },
	{ "nice -n 0 " P, "-n 0 " P, ST | ERR, "nice", 0 },
	{ "setpriv " NOBODY " nice -n -5 " P, "setpriv " NOBODY " %F -n -5 " P,
	  ST | ERR, "nice uid", 0 },
	{ "nice -n 5 %P --no-report --exit=7", "-n 5 %P --no-report --exit=7", ST | ERR, NULL, 0 },
	{ "nice -n x true", "-n x true", ST | ERR, NULL, 0 },
	{ "nice -n 1.5 true", "-n 1.5 true", ST | ERR, NULL, 0 },
	{ "nice -n 5 /nonexistent/x", "-n 5 /nonexistent/x", ST | ERR, NULL, 0 },
	/* No -n: 10; the older -ADJ ("-5", "--5" for -5), clamped too. */
	{ "nice " P, "-n 10 " P, ST | ERR, "nice", 0 },
	{ "nice -5 " P, "-5 " P, ST | ERR, "nice", 0 },
	{ "nice --5 " P, "--5 " P, ST | ERR, "nice", 0 },
	{ "nice -100 " P, "-100 " P, ST | ERR, "nice", 0 },
	{ "nice -05 " P, "-05 " P, ST | ERR, "nice", 0 },
	{ "nice -5 -n 3 " P, "-5 -n 3 " P, ST | ERR, "nice", 0 },
	{ "nice -12 %P --no-report --exit=3", "-12 %P --no-report --exit=3", ST | ERR, NULL, 0 },
};

/* setpriv(1), runuser(1), chroot(8): credentials. */
static const struct row cred_rows[] = {
	{ "setpriv " NOBODY " " P, "-u 65534 -g 65534 -G '' " P, ST | ERR, "uid gid groups", 0 },
	{ "setpriv --reuid=1000 --regid=1000 --groups=5,6 " P, "-u 1000 -g 1000 -G 5,6 " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "setpriv --regid=7 --keep-groups " P, "-g 7 " P, ST | ERR, "uid gid groups", 0 },
	{ "setpriv --no-new-privs " P, "--no-new-privs " P, ST | ERR, "nonewprivs", 0 },
	{ "setpriv --bounding-set=-all " P, "--bounding-caps all " P, ST | ERR, "capbnd", 0 },
	{ "setpriv --bounding-set=-net_raw,-sys_admin " P,
	  "--bounding-caps net_raw,sys_admin " P, ST | ERR, "capbnd", 0 },
	{ "setpriv " NOBODY " --inh-caps=+net_bind_service --ambient-caps=+net_bind_service " P,
	  "-u 65534 -g 65534 -G '' --ambient-caps net_bind_service " P,
	  ST | ERR, "uid capamb capinh capeff capprm", 0 },
	{ "setpriv " NOBODY " %P --no-report --exit=9", "-u 65534 -g 65534 -G '' %P --no-report --exit=9",
	  ST | ERR, NULL, 0 },
	{ "setpriv --dump", "--dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv " NOBODY " --nnp setpriv --dump",
	  "-u 65534 -g 65534 -G '' --no-new-privs --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --reuid=65534 --regid=65534 --groups=5,6 --inh-caps=+chown "
	  "--ambient-caps=+chown --bounding-set=-all,+chown,+kill --pdeathsig TERM setpriv --dump",
	  "-u 65534 -g 65534 -G 5,6 --ambient-caps chown --bounding-caps -all,+chown,+kill "
	  "--pdeathsig TERM --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --bounding-set=-all setpriv --dump", "--bounding-caps all --dump",
	  ST | OUT | ERR, NULL, 0 },
	{ "setpriv --dump true", "--dump true", FAILS, NULL, 0 },
	{ "setpriv --securebits=+noroot,+keep_caps_locked setpriv --dump",
	  "--securebits=+noroot,+keep_caps_locked --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --securebits=+no_setuid_fixup,-no_setuid_fixup,+noroot_locked setpriv --dump",
	  "--securebits +no_setuid_fixup,-no_setuid_fixup,+noroot_locked --dump",
	  ST | OUT | ERR, NULL, 0 },
	{ "setpriv --securebits=+keep_caps true", "--securebits +keep_caps true", FAILS, NULL, 0 },
	{ "setpriv --securebits=+keep_caps_locked " NOBODY " --inh-caps=+chown "
	  "--ambient-caps=+chown setpriv --dump",
	  "--securebits +keep_caps_locked -u 65534 -g 65534 -G '' --ambient-caps chown --dump",
	  ST | OUT | ERR, NULL, 0 },
	{ "setpriv --securebits=noroot true", "--securebits noroot true", FAILS, NULL, 0 },
	{ "setpriv --securebits=+nosuch true", "--securebits +nosuch true", FAILS, NULL, 0 },
	{ "setpriv --reuid=nosuchuser-x true", "-u nosuchuser-x true", FAILS, NULL, 0 },
	{ "setpriv --bounding-set=-nosuchcap true", "--bounding-caps nosuchcap true",
	  FAILS, NULL, 0 },
	{ "setpriv --bounding-set=-all,+chown " P, "--bounding-caps -all,+chown " P,
	  ST | ERR, "capbnd", 0 },
	{ "setpriv --bounding-set=-chown,-kill " P, "--bounding-caps=-chown,-kill " P,
	  ST | ERR, "capbnd", 0 },
	{ "setpriv " NOBODY " --inh-caps=+chown --ambient-caps=+net_raw,+chown,-net_raw " P,
	  "-u 65534 -g 65534 -G '' --ambient-caps +net_raw,+chown,-net_raw " P,
	  ST | ERR, "capamb capeff", 0 },
	/* --inh-caps: a change to the tool's own inheritable set, which
	 * survives the switch to an ordinary user and nests. */
	{ "setpriv --inh-caps=+chown " P, "--inh-caps +chown " P,
	  ST | ERR, "capinh capamb capprm capeff", 0 },
	{ "setpriv --inh-caps=-all,+chown,+kill " P, "--inh-caps=-all,+chown,+kill " P,
	  ST | ERR, "capinh capamb", 0 },
	{ "setpriv --inh-caps=+chown,-chown " P, "--inh-caps +chown,-chown " P,
	  ST | ERR, "capinh", 0 },
	{ "setpriv --inh-caps=-all " P, "--inh-caps -all " P, ST | ERR, "capinh", 0 },
	{ "setpriv --inh-caps=+Chown,+KILL " P, "--inh-caps +Chown,+KILL " P,
	  ST | ERR, "capinh", 0 },
	{ "setpriv " NOBODY " --inh-caps=+chown " P,
	  "-u 65534 -g 65534 -G '' --inh-caps=+chown " P,
	  ST | ERR, "uid capinh capprm capeff capamb", 0 },
	{ "setpriv " NOBODY " --inh-caps=+chown,+kill --ambient-caps=+chown " P,
	  "-u 65534 -g 65534 -G '' --inh-caps +chown,+kill --ambient-caps chown " P,
	  ST | ERR, "uid capinh capamb capprm capeff", 0 },
	{ "setpriv --inh-caps=+chown setpriv --dump", "--inh-caps +chown --dump",
	  ST | OUT | ERR, NULL, 0 },
	{ "setpriv --inh-caps=+chown,+kill setpriv --inh-caps=-kill setpriv --dump",
	  "--inh-caps +chown,+kill %F --inh-caps -kill --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv " NOBODY " --inh-caps=-all,+net_raw setpriv --dump",
	  "-u 65534 -g 65534 -G '' --inh-caps -all,+net_raw --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --inh-caps=+nosuchcap true", "--inh-caps +nosuchcap true", FAILS, NULL, 0 },
	{ "setpriv --inh-caps= true", "--inh-caps= true", FAILS, NULL, 0 },
	{ "setpriv --inh-caps=+chown,,+kill true", "--inh-caps +chown,,+kill true", FAILS, NULL, 0 },
	{ "setpriv --bounding-set=-chown --inh-caps=+chown true",
	  "--bounding-caps chown --inh-caps +chown true", FAILS, NULL, 0 },
	{ "setpriv --bounding-set=-all,+chown --inh-caps=+all true",
	  "--bounding-caps -all,+chown --inh-caps +all true", FAILS, NULL, 0 },
	{ "setpriv " NOBODY " --reset-env " P, "-u 65534 -g 65534 -G '' --reset-env " P,
	  ST | ERR, "env* uid", 0 },
	{ "setpriv --reset-env " P, "--reset-env " P, ST | ERR, "env*", 0 },
	{ "runuser -u nobody -- " P, "-u nobody " P, ST | ERR, "uid gid groups env*", 0 },
	{ "runuser -m -u nobody -- " P, "-m -u nobody " P, ST | ERR, "uid env*", 0 },
	/* -i empties the environment first, then -u NAME sets its variables. */
	{ "env -i /sbin/runuser -u nobody -- " P, "-u nobody -i " P, ST | ERR, "uid env*", 0 },
	{ "runuser -u nobody -- env FOO=1 HOME=/x " P, "-u nobody FOO=1 HOME=/x " P,
	  ST | ERR, "uid env*", 0 },
	{ "runuser -u nobody -g nogroup -- " P, "-u nobody -g nogroup " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "runuser -u nosuchuser-x -- true", "-u nosuchuser-x true", FAILS, NULL, 0 },
	{ "chroot / " P, "--chroot / " P, ST | ERR, "root cwd", 0 },
	{ "chroot --userspec=65534:65534 / " P, "--chroot / -u 65534 -g 65534 " P,
	  ST | ERR, "root uid gid", 0 },
	{ "chroot /nonexistent true", "--chroot /nonexistent true", ST | ERR, NULL, 0 },
};

/*
 * runuser(1)'s groups and -p: -g G alone makes G the only group (fxrun's
 * -g adds it to the user's: -g G -G G); -G, repeatable, is fxrun's
 * --supp-group, whose first is also the primary group unless -g.
 */
static const struct row runuser_rows[] = {
	{ "runuser -u nobody -g daemon -- " P, "-u nobody -g daemon -G daemon " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "runuser -u nobody -G daemon -- " P, "-u nobody --supp-group daemon " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "runuser -u nobody -G daemon -G bin -- " P,
	  "-u nobody --supp-group daemon --supp-group bin " P, ST | ERR, "uid gid groups", 0 },
	{ "runuser -u nobody -g bin -G daemon -- " P, "-u nobody -g bin --supp-group daemon " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "runuser -u nobody -G nosuchgroup-x -- true", "-u nobody --supp-group nosuchgroup-x true",
	  FAILS, NULL, 0 },
	{ "runuser -p -u nobody -- " P, "-p -u nobody " P, ST | ERR, "uid env*", 0 },
	{ "runuser -u nobody --preserve-environment -- " P, "-u nobody --preserve-env " P,
	  ST | ERR, "uid env*", 0 },
};

/* setpriv(1)'s own spellings: --reuid by name sets the uid alone. */
static const struct row setpriv_rows[] = {
	{ "setpriv --reuid=nobody --regid=nogroup --clear-groups " P,
	  "--reuid=nobody --regid=nogroup --clear-groups " P, ST | ERR, "uid gid groups env*", 0 },
	{ "setpriv --reuid=nobody --keep-groups " P, "--reuid=nobody --keep-groups " P,
	  ST | ERR, "uid gid groups env*", 0 },
	{ "setpriv --reuid=65534 --regid=65534 --groups=5,6 --nnp " P,
	  "--reuid=65534 --regid=65534 --groups=5,6 --nnp " P,
	  ST | ERR, "uid gid groups nonewprivs", 0 },
	{ "setpriv --bounding-set=-all,+chown,+kill " P, "--bounding-set=-all,+chown,+kill " P,
	  ST | ERR, "capbnd", 0 },
	{ "setpriv --reuid=nobody --init-groups " P, "--reuid=nobody --init-groups " P,
	  ST | ERR, "uid gid groups env*", 0 },
	{ "setpriv --reuid=65534 --regid=65534 --init-groups " P,
	  "--reuid=65534 --regid=65534 --init-groups " P, ST | ERR, "uid gid groups", 0 },
	{ "setpriv --init-groups true", "--init-groups true", FAILS, NULL, 0 },
	{ "setpriv --reuid=4000000000 --init-groups true", "--reuid=4000000000 --init-groups true",
	  FAILS, NULL, 0 },
	{ "setpriv --reuid=nosuchuser-x true", "--reuid=nosuchuser-x true", FAILS, NULL, 0 },
	/* --pdeathsig keep (the caller's own) and clear. */
	{ "setpriv --pdeathsig TERM setpriv --pdeathsig keep setpriv --dump",
	  "--pdeathsig TERM %F --pdeathsig keep --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --pdeathsig TERM setpriv --pdeathsig clear setpriv --dump",
	  "--pdeathsig TERM %F --pdeathsig clear --dump", ST | OUT | ERR, NULL, 0 },
	{ "setpriv --regid=nosuchgroup-x --keep-groups true", "--regid=nosuchgroup-x true",
	  FAILS, NULL, 0 },
};

/* chroot(8)'s --userspec and --skip-chdir. */
static const struct row chroot_rows[] = {
	{ "chroot --userspec=nobody / " P, "--chroot / --userspec=nobody " P,
	  ST | ERR, "root cwd uid gid groups env*", 0 },
	{ "chroot --userspec=nobody:daemon / " P, "--chroot / --userspec nobody:daemon " P,
	  ST | ERR, "uid gid groups env*", 0 },
	{ "chroot --userspec=65534 / " P, "--chroot / --userspec=65534 " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "chroot --userspec=:daemon / " P, "--chroot / --userspec=:daemon " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "chroot --userspec=4000000:7 / " P, "--chroot / --userspec=4000000:7 " P,
	  ST | ERR, "uid gid groups", 0 },
	{ "chroot --userspec=nobody --groups=5,6 / " P,
	  "--chroot / --groups=5,6 --userspec=nobody " P, ST | ERR, "uid gid groups", 0 },
	{ "chroot --skip-chdir / " P, "--chroot / --skip-chdir " P, ST | ERR, "root cwd", 0 },
	{ "chroot --skip-chdir /tmp true", "--chroot /tmp --skip-chdir true", ST | ERR, NULL, 0 },
	{ "chroot --userspec=4000000 / true", "--chroot / --userspec=4000000 true",
	  ST | ERR, NULL, 0 },
	{ "chroot --userspec=nosuchuser-x / true", "--chroot / --userspec=nosuchuser-x true",
	  ST | ERR, NULL, 0 },
	{ "chroot --userspec=nobody:nosuchgroup-x / true",
	  "--chroot / --userspec=nobody:nosuchgroup-x true", ST | ERR, NULL, 0 },
};

/* unshare(1): namespaces and maps. */
static const struct row unshare_rows[] = {
	{ "unshare --uts " P, "--unshare uts " P, ST | ERR, "~ns.uts ~ns.net", 0 },
	{ "unshare --ipc " P, "--unshare ipc " P, ST | ERR, "~ns.ipc ~ns.uts", 0 },
	{ "unshare --net " P, "--unshare net " P, ST | ERR, "~ns.net", 0 },
	{ "unshare --mount " P, "--unshare mount " P, ST | ERR, "~ns.mnt", 0 },
	{ "unshare --cgroup " P, "--unshare cgroup " P, ST | ERR, "~ns.cgroup", 0 },
	{ "unshare --pid --fork " P, "--unshare pid " P, ST | ERR, "~ns.pid pid", 0 },
	/* --mount-proc: a fresh /proc, which shows the new pid namespace. */
	{ "unshare --fork --pid --mount-proc /bin/readlink /proc/self",
	  "--unshare pid --mount-proc /bin/readlink /proc/self", ST | OUT | ERR, NULL, 0 },
	{ "unshare --fork --pid --mount-proc=/proc /bin/ls /proc/1/ns",
	  "--unshare pid --mount-proc=/proc /bin/ls /proc/1/ns", ST | OUT | ERR, NULL, 0 },
	{ "unshare --fork --pid --mount-proc " P, "--unshare pid --mount-proc " P,
	  ST | ERR, "~ns.pid ~ns.mnt pid", 0 },
	{ "unshare --fork --pid --mount-proc=/nonexistent-fx true",
	  "--unshare pid --mount-proc=/nonexistent-fx true", FAILS, NULL, 0 },
	{ "unshare --user " P, "--unshare user " P, ST | ERR, "~ns.user uid gid", 0 },
	{ "unshare --map-root-user " P, "--map-root-user " P,
	  ST | ERR, "~ns.user uid gid uid_map gid_map setgroups", 0 },
	{ "unshare -r --net --uts " P, "--map-root-user --unshare net,uts " P,
	  ST | ERR, "~ns.user ~ns.net ~ns.uts uid", 0 },
	{ "unshare --user --setgroups=deny " P, "--unshare user --setgroups deny " P,
	  ST | ERR, "setgroups", 0 },
	{ "unshare --kill-child " P, "--kill-child " P, ST | ERR, "pdeathsig", 0 },
	{ "unshare --kill-child=TERM --uts " P, "--kill-child=TERM --unshare uts " P,
	  ST | ERR, "pdeathsig ~ns.uts", 0 },
	{ "unshare --time " P, "--unshare time " P, ST | ERR, "~ns.time", 0 },
	{ "unshare --time --boottime 100000 /bin/cat /proc/uptime",
	  "--boottime 100000 /bin/cat /proc/uptime", ST | ERR, NULL, 0 },
	{ "unshare --time --monotonic 100000 --boottime 200000 %P --clocks",
	  "--monotonic 100000 --boottime 200000 %P --clocks", ST | ERR,
	  "~ns.time +monotonic +boottime", 0 },
	{ "unshare -r --time --monotonic -5000 %P --clocks",
	  "--map-root-user --monotonic -5000 %P --clocks",
	  ST | ERR, "~ns.time ~ns.user uid +monotonic +boottime", 0 },
	{ "unshare --time --monotonic x true", "--monotonic x true", FAILS, NULL, 0 },
	{ "unshare --no-such-option true", "--unshare nosuch true", FAILS, NULL, 0 },
	/* unshare's one-line maps of fxrun's own ids. */
	{ "unshare --map-user=0 --map-group=0 " P, "--map-user=0 --map-group=0 " P,
	  ST | ERR, "~ns.user uid gid uid_map gid_map setgroups", 0 },
	{ "unshare --map-user=nobody --map-group=nogroup " P,
	  "--map-user=nobody --map-group=nogroup " P,
	  ST | ERR, "~ns.user uid gid uid_map gid_map setgroups", 0 },
	{ "unshare --map-user=5 --map-user=7 " P, "--map-user=5 --map-user=7 " P,
	  ST | ERR, "~ns.user uid uid_map setgroups", 0 },
	{ "unshare --map-group=9 --net " P, "--map-group=9 --unshare net " P,
	  ST | ERR, "~ns.user ~ns.net gid gid_map setgroups", 0 },
	{ "unshare --map-current-user " P, "--map-current-user " P,
	  ST | ERR, "~ns.user uid gid uid_map gid_map setgroups", 0 },
	{ "unshare --map-user=nosuchuser-x true", "--map-user=nosuchuser-x true", FAILS, NULL, 0 },
	{ "unshare --map-group=0 --setgroups=allow true", "--map-group=0 --setgroups=allow true",
	  FAILS, NULL, 0 },
	{ "unshare --map-current-user --setgroups=allow true",
	  "--map-current-user --setgroups allow true", FAILS, NULL, 0 },
	{ "unshare --map-user=0 --setgroups=allow " P, "--map-user=0 --setgroups=allow " P,
	  ST | ERR, "uid uid_map setgroups", 0 },
	{ "unshare --map-group=nosuchgroup-x true", "--map-group nosuchgroup-x true",
	  FAILS, NULL, 0 },
};

/* prlimit(1): NAME=SOFT[:HARD]. */
static const struct row prlimit_rows[] = {
	{ "prlimit --nofile=300 " P, "--rlimit nofile=300 " P, ST | ERR, "rlimit.nofile", 0 },
	{ "prlimit --nofile=300:400 " P, "--rlimit nofile=300:400 " P, ST | ERR, "rlimit.nofile", 0 },
	{ "prlimit --nofile=300: " P, "--rlimit nofile=300: " P, ST | ERR, "rlimit.nofile", 0 },
	{ "prlimit --stack=:unlimited " P, "--rlimit stack=:unlimited " P,
	  ST | ERR, "rlimit.stack", 0 },
	{ "prlimit --core=0 " P, "--rlimit core=0 " P, ST | ERR, "rlimit.core", 0 },
	{ "prlimit --cpu=10:20 " P, "--rlimit cpu=10:20 " P, ST | ERR, "rlimit.cpu", 0 },
	{ "prlimit --as=unlimited " P, "--rlimit as=unlimited " P, ST | ERR, "rlimit.as", 0 },
	{ "prlimit --fsize=1000:2000 " P, "--rlimit fsize=1000:2000 " P, ST | ERR, "rlimit.fsize", 0 },
	{ "prlimit --nproc=100 " P, "--rlimit nproc=100 " P, ST | ERR, "rlimit.nproc", 0 },
	{ "prlimit --memlock=65536 " P, "--rlimit memlock=65536 " P, ST | ERR, "rlimit.memlock", 0 },
	{ "prlimit --locks=5 " P, "--rlimit locks=5 " P, ST | ERR, "rlimit.locks", 0 },
	{ "prlimit --sigpending=100 " P, "--rlimit sigpending=100 " P,
	  ST | ERR, "rlimit.sigpending", 0 },
	{ "prlimit --msgqueue=1000 " P, "--rlimit msgqueue=1000 " P, ST | ERR, "rlimit.msgqueue", 0 },
	{ "prlimit --nice=10 " P, "--rlimit nice=10 " P, ST | ERR, "rlimit.nice", 0 },
	{ "prlimit --rtprio=5 " P, "--rlimit rtprio=5 " P, ST | ERR, "rlimit.rtprio", 0 },
	{ "prlimit --rttime=1000 " P, "--rlimit rttime=1000 " P, ST | ERR, "rlimit.rttime", 0 },
	{ "prlimit --data=100000000 " P, "--rlimit data=100000000 " P, ST | ERR, "rlimit.data", 0 },
	{ "prlimit --rss=1000 " P, "--rlimit rss=1000 " P, ST | ERR, "rlimit.rss", 0 },
	{ "prlimit --stack=1000000 --nofile=64 " P, "--rlimit stack=1000000 --rlimit nofile=64 " P,
	  ST | ERR, "rlimit.stack rlimit.nofile", 0 },
	{ "prlimit --nofile=x true", "--rlimit nofile=x true", FAILS, NULL, 0 },
	{ "prlimit --nofile=10:5 true", "--rlimit nofile=10:5 true", FAILS, NULL, 0 },
	/* One resource twice: applied in order, the second's missing half
	 * is the first's. */
	{ "prlimit --nofile=300:400 --nofile=:350 " P, "--nofile=300:400 --nofile=:350 " P,
	  ST | ERR, "rlimit.nofile", 0 },
	{ "prlimit --nofile=300:400 --nofile=350: " P,
	  "--rlimit nofile=300:400 --rlimit nofile=350: " P, ST | ERR, "rlimit.nofile", 0 },
	{ "prlimit --core=10:20 --core=30: true", "--core=10:20 --core=30: true", FAILS, NULL, 0 },
	/* prlimit's own spellings, --NAME=LIMITS (not --nice: nice(1)'s). */
	{ "prlimit --nofile=300:400 --core=0 " P, "--nofile=300:400 --core=0 " P,
	  ST | ERR, "rlimit.nofile rlimit.core", 0 },
	{ "prlimit --stack=:unlimited --nproc=100: " P, "--stack=:unlimited --nproc 100: " P,
	  ST | ERR, "rlimit.stack rlimit.nproc", 0 },
	{ "prlimit --cpu=10 --as=unlimited " P, "--cpu=10 --as=unlimited " P,
	  ST | ERR, "rlimit.cpu rlimit.as", 0 },
	{ "prlimit --fsize=1000 --data=unlimited --rss=1000 --memlock=65536 --locks=5 " P,
	  "--fsize=1000 --data=unlimited --rss=1000 --memlock=65536 --locks=5 " P, ST | ERR,
	  "rlimit.fsize rlimit.data rlimit.rss rlimit.memlock rlimit.locks", 0 },
	{ "prlimit --sigpending=100 --msgqueue=1000 --rttime=1000 " P,
	  "--sigpending=100 --msgqueue=1000 --rttime=1000 " P, ST | ERR,
	  "rlimit.sigpending rlimit.msgqueue rlimit.rttime", 0 },
	{ "prlimit --rtprio=0 " P, "--rtprio=0 " P, ST | ERR, "rlimit.rtprio", 0 },
	{ "prlimit --nofile=x true", "--nofile=x true", FAILS, NULL, 0 },
	{ "prlimit --core=10:5 true", "--core 10:5 true", FAILS, NULL, 0 },
};

/* taskset(1), chrt(1), setsid(1). */
static const struct row sched_rows[] = {
	{ "taskset -c 0 " P, "--cpus 0 " P, ST | ERR, "cpus", 0 },
	{ "taskset 0x1 " P, "--cpus 0x1 " P, ST | ERR, "cpus", 0 },
	{ "taskset 0x3 " P, "--cpus 0x3 " P, ST | ERR, "cpus", 0 },
	{ "taskset -c 0,1 " P, "--cpus 0,1 " P, ST | ERR, "cpus", 0 },
	{ "taskset -c 0-1:2 " P, "--cpus 0-1:2 " P, ST | ERR, "cpus", 0 },
	{ "taskset --cpu-list 0-63 " P, "--cpus 0-63 " P, ST | ERR, "cpus", 0 },
	{ "taskset -c x true", "--cpus x true", FAILS, NULL, 0 },
	{ "taskset 0x0 true", "--cpus 0x0 true", FAILS, NULL, 0 },
	{ "taskset --cpu-list 0 " P, "--cpu-list 0 " P, ST | ERR, "cpus", 0 },
	{ "taskset --cpu-list 0-1:2 " P, "--cpu-list=0-1:2 " P, ST | ERR, "cpus", 0 },
	{ "chrt -b 0 " P, "--sched batch " P, ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -i 0 " P, "--sched idle " P, ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -o 0 " P, "--sched other " P, ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -f 10 " P, "--sched fifo:10 " P, ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -r 5 " P, "--sched rr:5 " P, ST | ERR, "sched.policy sched.priority", 0 },
	/* SCHED_DEADLINE: where the kernel's admission control refuses it
	 * (EBUSY, EPERM), both fail, which the row then compares. */
	{ "chrt --deadline --sched-runtime 1000000 --sched-deadline 10000000 "
	  "--sched-period 10000000 0 " P, "--sched deadline:1000000:10000000:10000000 " P,
	  ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -d -T 2000000 -D 5000000 0 " P, "--sched deadline:2000000:5000000 " P,
	  ST | ERR, "sched.policy sched.priority", 0 },
	{ "chrt -d -T 100000 -D 10000 -P 1000000 0 true", "--sched deadline:100000:10000:1000000 true",
	  FAILS, NULL, 0 },
	/* No -D: the deadline is the period (as the kernel's report would
	 * show, but a SCHED_DEADLINE task cannot fork a reader). */
	{ "chrt -d -T 1000000 -P 10000000 0 " P, "--sched deadline:1000000:10000000:10000000 " P,
	  ST | ERR, "sched.policy", 0 },
	/* The policy as chrt -p reads it back. */
	{ "chrt -f 7 /bin/sh -c 'chrt -p 0 | sed s/.*://'",
	  "--sched fifo:7 /bin/sh -c 'chrt -p 0 | sed s/.*://'", ST | OUT | ERR, NULL, 0 },
	{ "chrt -R -b 0 " P, "--sched batch -R " P,
	  ST | ERR, "sched.policy sched.reset_on_fork", 0 },
	{ "chrt --reset-on-fork -f 3 " P, "--sched fifo:3 --reset-on-fork " P,
	  ST | ERR, "sched.policy sched.priority sched.reset_on_fork", 0 },
	{ "chrt -f 0 true", "--sched fifo:0 true", FAILS, NULL, 0 },
	{ "chrt -b 5 true", "--sched batch:5 true", FAILS, NULL, 0 },
	{ "ionice -c 2 -n 5 " P, "--ionice best-effort:5 " P, ST | ERR, "ioprio", 0 },
	{ "ionice -c best-effort " P, "--ionice 2 " P, ST | ERR, "ioprio", 0 },
	{ "ionice -c 3 " P, "--ionice idle " P, ST | ERR, "ioprio", 0 },
	{ "ionice -c 1 -n 0 " P, "--ionice realtime:0 " P, ST | ERR, "ioprio", 0 },
	{ "ionice -c 0 " P, "--ionice none " P, ST | ERR, "ioprio", 0 },
	{ "ionice -c 4 true", "--ionice 4 true", FAILS, NULL, 0 },
	{ "ionice -c x true", "--ionice x true", FAILS, NULL, 0 },
	{ "setsid " P, "--setsid " P, ST | ERR, "sidleader leader ctty", 0 },
	{ "setsid %P --no-report --kill=11", "--setsid %P --no-report --kill=11", ST | ERR, NULL, 0 },
	{ "setsid -w %P --no-report --exit=6", "--setsid %P --no-report --exit=6", ST | ERR, NULL, 0 },
	{ "setsid -f %P --no-report --exit=6", "--setsid -f %P --no-report --exit=6",
	  ST | OUT | ERR | ORPHAN, NULL, 0 },
	{ "setsid --fork /bin/sh -c 'exit 3'", "--setsid --no-wait /bin/sh -c 'exit 3'",
	  ST | OUT | ERR | ORPHAN, NULL, 0 },
};

/* ------------------------------------------------------------------ */

static const char *const run_env[] = {
	"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/fxdiff-home", "FXDIFF=1", NULL,
};

struct ctx {
	char *dir;              /* %D: script (no #!), plain (not executable) */
	char *own_ns[8];        /* the test's own namespaces, by ns_names */
};

static const char *const ns_names[] = {
	"user", "pid", "mnt", "net", "uts", "ipc", "cgroup", "time",
};

/* Appends s to *out (length *len, realloc'd). */
static void append(char **out, size_t *len, const char *s, size_t n)
{
	char *p = realloc(*out, *len + n + 1);

	if (!p)
		FAIL("out of memory");
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = '\0';
	*out = p;
}

/*
 * A row's command line into words: blanks separate, '...' quotes (kept
 * literally otherwise), and %P, %F, %D are the probe, fxrun and the
 * test directory.
 */
static size_t split(const struct ctx *c, const char *line, char **words, size_t max)
{
	size_t n = 0;
	const char *p = line;

	for (;;) {
		char *w = NULL;
		size_t len = 0;
		int quoted = 0, any = 0;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (; *p && (quoted || *p != ' '); p++) {
			const char *sub = NULL;

			any = 1;
			if (*p == '\'') {
				quoted = !quoted;
				continue;
			}
			if (*p == '%' && p[1] == 'P')
				sub = fxt_probe_path();
			else if (*p == '%' && p[1] == 'F')
				sub = fxt_fxrun_path();
			else if (*p == '%' && p[1] == 'D')
				sub = c->dir;
			if (sub) {
				append(&w, &len, sub, strlen(sub));
				p++;
				continue;
			}
			append(&w, &len, p, 1);
		}
		if (any && !w)
			append(&w, &len, "", 0);
		if (n + 1 >= max)
			FAIL("too many words in '%s'", line);
		words[n++] = w;
	}
	words[n] = NULL;
	return n;
}

/* The tool's path, or NULL if it is not installed. */
static char *find_tool(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char *p = fxt_join(dirs[i], name);

		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

struct outcome {
	int status;
	char *out, *err;
};

static void run(const struct ctx *c, const char *path, char **argv, int ign,
                struct outcome *o)
{
	char *outp = fxt_join(c->dir, "out"), *errp = fxt_join(c->dir, "err");
	pid_t pid = fork();

	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int err = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 ||
		    dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(120);
		/* The probe's deaths by SIGSEGV leave no core files about. */
		setrlimit(RLIMIT_CORE, &no_core);
		if (ign)
			signal(ign, SIG_IGN);
		execve(path, argv, (char *const *)run_env);
		_exit(122);
	}
	while (waitpid(pid, &o->status, 0) < 0)
		if (errno != EINTR)
			FAIL("waitpid: %s", strerror(errno));
	o->out = fxt_read_file(outp);
	o->err = fxt_read_file(errp);
	free(outp);
	free(errp);
}

static void describe(char *buf, size_t n, int status)
{
	if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "exit %d", WEXITSTATUS(status));
}

/* stderr with "TOOL: " at the start of each line read as "fxrun: ". */
static char *as_fxrun(const char *err, const char *tool)
{
	char *r = NULL, prefix[64];
	size_t len = 0, plen;
	const char *p = err;

	snprintf(prefix, sizeof prefix, "%s: ", tool);
	plen = strlen(prefix);
	append(&r, &len, "", 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (n >= plen && strncmp(p, prefix, plen) == 0) {
			append(&r, &len, "fxrun: ", 7);
			append(&r, &len, p + plen, n - plen);
		} else {
			append(&r, &len, p, n);
		}
		p += n;
	}
	return r;
}

/* The value a key means for the comparison, into buf. */
static const char *key_value(const struct ctx *c, const fxt_report *r,
                             const char *key, char *buf, size_t n)
{
	if (strcmp(key, "leader") == 0 || strcmp(key, "sidleader") == 0) {
		const char *a = fxt_get(r, key[0] == 's' ? "sid" : "pgid");
		const char *b = fxt_get(r, "pid");

		snprintf(buf, n, "%d", a && b && strcmp(a, b) == 0);
		return buf;
	}
	/* "+monotonic", "+boottime": the child's clock ahead of the test's,
	 * in thousands of seconds (both runs take far less than that). */
	if (key[0] == '+') {
		char name[32];
		const char *v;
		struct timespec ts;

		snprintf(name, sizeof name, "clock.%s", key + 1);
		v = fxt_get(r, name);
		if (!v || clock_gettime(strcmp(key + 1, "boottime") == 0 ? CLOCK_BOOTTIME
		                        : CLOCK_MONOTONIC, &ts) < 0)
			return NULL;
		snprintf(buf, n, "%lld", (atoll(v) - (long long)ts.tv_sec + 500000) / 1000 - 500);
		return buf;
	}
	/* A signal mask, less the signals the C library keeps for itself
	 * (glibc 32 and 33, musl 32 to 34): fxrun can block only what its
	 * libc lets it, and the tool is linked with another libc in some
	 * gates.  The test is linked with fxrun's: sigfillset says which. */
	if (strcmp(key, "sigmask") == 0) {
		const char *v = fxt_get(r, key);
		unsigned long long mask, usable = 0;
		sigset_t all;

		if (!v)
			return NULL;
		sigfillset(&all);
		for (int sig = 1; sig <= 64; sig++)
			if (sigismember(&all, sig) == 1)
				usable |= 1ULL << (sig - 1);
		mask = strtoull(v, NULL, 16);
		snprintf(buf, n, "%llx", mask & usable);
		return buf;
	}
	if (strcmp(key, "newpg") == 0) {
		const char *a = fxt_get(r, "pgid");

		snprintf(buf, n, "%s", a && atol(a) != (long)getpgrp() ? "new" : "same");
		return buf;
	}
	if (key[0] == '~') {
		const char *v = fxt_get(r, key + 1);
		size_t i;

		for (i = 0; i < 8; i++)
			if (strcmp(key + 4, ns_names[i]) == 0)
				break;
		if (i == 8 || !v)
			return NULL;
		snprintf(buf, n, "%s", strcmp(v, c->own_ns[i]) ? "new" : "same");
		return buf;
	}
	return fxt_get(r, key);
}

/* Compares the listed keys of two reports; a message into why on a difference. */
static int same_keys(const struct ctx *c, const char *keys, const char *tool_out,
                     const char *fx_out, char *why, size_t n)
{
	fxt_report *a = fxt_report_parse(tool_out, strlen(tool_out));
	fxt_report *b = fxt_report_parse(fx_out, strlen(fx_out));
	char *list = strdup(keys), *save = NULL, *k;
	int ok = 1;

	if (!list)
		FAIL("out of memory");
	for (k = strtok_r(list, " ", &save); ok && k; k = strtok_r(NULL, " ", &save)) {
		size_t kl = strlen(k);

		if (k[kl - 1] == '*') {
			char prefix[32];
			size_t ia = 0, ib = 0;
			const char *ka, *va, *kb, *vb;
			int ra, rb;

			snprintf(prefix, sizeof prefix, "%.*s.", (int)(kl - 1), k);
			if (fxt_count(a, prefix) == 0)
				ok = 0, snprintf(why, n, "no %s keys", prefix);
			for (;;) {
				ra = fxt_next(a, prefix, &ia, &ka, &va);
				rb = fxt_next(b, prefix, &ib, &kb, &vb);
				if (!ra && !rb)
					break;
				if (ra != rb || strcmp(ka, kb) || strcmp(va, vb)) {
					ok = 0;
					snprintf(why, n, "%s: tool %s=%s, fxrun %s=%s", k,
					         ra ? ka : "(none)", ra ? va : "",
					         rb ? kb : "(none)", rb ? vb : "");
					break;
				}
			}
		} else {
			char ba[64], bb[64];
			const char *va = key_value(c, a, k, ba, sizeof ba);
			const char *vb = key_value(c, b, k, bb, sizeof bb);

			if (!va || !vb || strcmp(va, vb)) {
				ok = 0;
				snprintf(why, n, "%s: tool %s, fxrun %s", k,
				         va ? va : "(missing)", vb ? vb : "(missing)");
			}
		}
	}
	free(list);
	fxt_report_free(a);
	fxt_report_free(b);
	return ok;
}

/* The child a run left running ends (the test is its subreaper). */
static void wait_orphan(const struct row *row)
{
	int st;

	while (waitpid(-1, &st, 0) < 0)
		if (errno != EINTR)
			FAIL("`%s`: no child was left running: %s", row->tool, strerror(errno));
}

/* The util-linux tools exit 1 when they fail themselves, and say so. */
static int util_linux_failure(const char *tool, const struct outcome *t)
{
	static const char *const tools[] = {
		"setpriv", "runuser", "unshare", "prlimit", "taskset", "chrt", "setsid",
	};
	const char *base = strrchr(tool, '/') ? strrchr(tool, '/') + 1 : tool;
	char prefix[32];
	size_t i;

	if (!WIFEXITED(t->status) || WEXITSTATUS(t->status) != 1)
		return 0;
	for (i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		if (strcmp(base, tools[i]) != 0)
			continue;
		snprintf(prefix, sizeof prefix, "%s: ", base);
		return strncmp(t->err, prefix, strlen(prefix)) == 0;
	}
	return 0;
}

/* Runs one row; 0 if it agrees (or is skipped), else 1 with a note. */
static int check_row(const struct ctx *c, const struct row *row, size_t idx,
                     const char *group)
{
	char *tw[64], *fw[64], *tool_path;
	struct outcome t, f;
	char why[512] = "", st_t[64], st_f[64];
	size_t nt, nf, i;
	int bad = 0;

	nt = split(c, row->tool, tw, 63);
	fw[0] = strdup("fxrun");
	nf = split(c, row->fx, fw + 1, 62) + 1;
	/* A row run under setpriv (to be unprivileged) starts both with it. */
	tool_path = find_tool(tw[0]);
	if (!tool_path) {
		printf("# %s row %zu skipped: %s is not installed (.ci/install-deps "
		       "installs it)\n", group, idx, tw[0]);
		goto out;
	}
	if ((strstr(row->tool, "runuser") || strstr(row->tool, "nobody")) &&
	    !getpwnam("nobody")) {
		printf("# %s row %zu skipped: no user 'nobody'\n", group, idx);
		goto out;
	}
	run(c, tool_path, tw, row->ign, &t);
	if (row->cmp & ORPHAN)
		wait_orphan(row);
	/*
	 * timeout -s KILL dies of its own SIGKILL before it reaps its
	 * child, which may still be dying when we reap timeout: wait for
	 * every such child of the tool's (none of the tools leaves one
	 * running but setsid -f, waited for above), so that what is left
	 * after fxrun's run is fxrun's.
	 */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		continue;
	if (strcmp(fw[1] ? fw[1] : "", "setpriv") == 0) {
		/* "setpriv ... %F ...": fxrun is started by setpriv. */
		char *sp = find_tool("setpriv");

		run(c, sp, fw + 1, row->ign, &f);
		free(sp);
	} else {
		run(c, fxt_fxrun_path(), fw, row->ign, &f);
	}
	if (row->cmp & ORPHAN)
		wait_orphan(row);
	describe(st_t, sizeof st_t, t.status);
	describe(st_f, sizeof st_f, f.status);

	if ((row->cmp & ST) && t.status != f.status &&
	    !(util_linux_failure(tw[0], &t) && WIFEXITED(f.status) &&
	      WEXITSTATUS(f.status) == 125)) {
		bad = 1;
		snprintf(why, sizeof why, "status: tool %s, fxrun %s", st_t, st_f);
	}
	if (!bad && (row->cmp & FAILS) &&
	    (!WIFEXITED(t.status) || WEXITSTATUS(t.status) == 0 ||
	     !WIFEXITED(f.status) || WEXITSTATUS(f.status) != 125 ||
	     !*t.err || strncmp(f.err, "fxrun: ", 7) != 0)) {
		bad = 1;
		snprintf(why, sizeof why, "refusal: tool %s, fxrun %s", st_t, st_f);
	}
	if (!bad && (row->cmp & OUT) && strcmp(t.out, f.out) != 0) {
		bad = 1;
		snprintf(why, sizeof why, "stdout differs: tool \"%.100s\", fxrun \"%.100s\"",
		         t.out, f.out);
	}
	if (!bad && (row->cmp & ERR) && (!*t.err != !*f.err ||
	                                 (*f.err && strncmp(f.err, "fxrun: ", 7) != 0))) {
		bad = 1;
		snprintf(why, sizeof why, "stderr: tool \"%.150s\", fxrun \"%.150s\"",
		         t.err, f.err);
	}
	if (!bad && (row->cmp & ERRX)) {
		const char *base = strrchr(tw[0], '/') ? strrchr(tw[0], '/') + 1 : tw[0];
		char *conv = as_fxrun(t.err, base);

		if (strcmp(conv, f.err) != 0) {
			bad = 1;
			snprintf(why, sizeof why, "stderr: tool \"%.150s\", fxrun \"%.150s\"",
			         t.err, f.err);
		}
		free(conv);
	}
	if (!bad && row->keys && WIFEXITED(t.status) && WIFEXITED(f.status) &&
	    WEXITSTATUS(t.status) == 0 && WEXITSTATUS(f.status) == 0 &&
	    !same_keys(c, row->keys, t.out, f.out, why, sizeof why))
		bad = 1;
	{
		/* Nothing of fxrun's run may be left behind (a group the
		 * timeout should have killed): the test is the subreaper. */
		pid_t stray;
		int st;

		while ((stray = waitpid(-1, &st, WNOHANG)) > 0) {
			bad = 1;
			snprintf(why, sizeof why, "pid %d was left behind", (int)stray);
		}
	}
	if (bad)
		printf("# %s row %zu: `%s` vs `fxrun %s`: %s\n", group, idx,
		       row->tool, row->fx, why);
	free(t.out);
	free(t.err);
	free(f.out);
	free(f.err);
out:
	free(tool_path);
	for (i = 0; i < nt; i++)
		free(tw[i]);
	for (i = 0; i < nf; i++)
		free(fw[i]);
	return bad;
}

static void ctx_init(struct ctx *c)
{
	char *p;
	size_t i;

	if (access(fxt_fxrun_path(), X_OK) != 0)
		SKIP("%s not built", fxt_fxrun_path());
	ASSERT_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	c->dir = fxt_tmpdir();
	/* The directory is searched by nobody (the setpriv rows). */
	chmod(c->dir, 0755);
	p = fxt_join(c->dir, "script");
	fxt_write_file(p, "echo \"script ran: $0 $*\"\n", 0755);
	free(p);
	p = fxt_join(c->dir, "plain");
	fxt_write_file(p, "#!/bin/sh\nexit 0\n", 0644);
	free(p);
	for (i = 0; i < 8; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof path, "/proc/self/ns/%s", ns_names[i]);
		if (stat(path, &st) < 0)
			c->own_ns[i] = strdup("?");
		else if (asprintf(&c->own_ns[i], "%llu",
		                  (unsigned long long)st.st_ino) < 0)
			FAIL("asprintf");
	}
}

static void ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < 8; i++)
		free(c->own_ns[i]);
	free(c->dir);
}

static void check_table(const struct row *rows, size_t n, const char *group)
{
	struct ctx c;
	size_t i;
	int bad = 0;

	ctx_init(&c);
	for (i = 0; i < n; i++)
		bad += check_row(&c, &rows[i], i, group);
	ctx_free(&c);
	if (bad)
		FAIL("%d of %zu %s scenarios differ (listed above)", bad, n, group);
}

#define CHECK_TABLE(rows, group) check_table(rows, sizeof rows / sizeof rows[0], group)

TEST_ONCE(fxrun_diff_env)
{
	CHECK_TABLE(env_rows, "env");
}

TEST_ONCE(fxrun_diff_timeout)
{
	CHECK_TABLE(timeout_rows, "timeout");
}

TEST_ONCE(fxrun_diff_nice)
{
	CHECK_TABLE(nice_rows, "nice");
}

TEST_ONCE(fxrun_diff_creds)
{
	if (geteuid() != 0)
		SKIP("the tools need root to change credentials");
	CHECK_TABLE(cred_rows, "creds");
}

TEST_ONCE(fxrun_diff_runuser)
{
	if (geteuid() != 0)
		SKIP("runuser(1) needs root");
	CHECK_TABLE(runuser_rows, "runuser");
}

TEST_ONCE(fxrun_diff_setpriv)
{
	if (geteuid() != 0)
		SKIP("setpriv(1) needs root to change credentials");
	CHECK_TABLE(setpriv_rows, "setpriv");
}

TEST_ONCE(fxrun_diff_chroot)
{
	if (geteuid() != 0)
		SKIP("chroot(8) needs root");
	CHECK_TABLE(chroot_rows, "chroot");
}

TEST_ONCE(fxrun_diff_unshare)
{
	if (geteuid() != 0)
		SKIP("unshare(1) and fxrun need root for most namespaces");
	CHECK_TABLE(unshare_rows, "unshare");
}

TEST_ONCE(fxrun_diff_prlimit)
{
	CHECK_TABLE(prlimit_rows, "prlimit");
}

TEST_ONCE(fxrun_diff_sched)
{
	CHECK_TABLE(sched_rows, "sched");
}
