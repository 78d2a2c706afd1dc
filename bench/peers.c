/* SPDX-License-Identifier: MIT */
/*
 * Peers: how other runtimes do it, each timed by its own loop in its own
 * process (bench/peer_popen.py, bench/peer_exec.go), which prints one
 * spawn-then-wait time in nanoseconds per line.  The bench starts a peer
 * once per slice, so peers take their turn in the same rounds as the rest.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct peer bench_peers[PEER_COUNT] = {
	[PEER_PYTHON] = { "python_popen", "Python subprocess.Popen", { NULL }, NULL },
	[PEER_GO] = { "go_exec", "Go os/exec", { NULL }, NULL },
};

static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t l = colon ? (size_t)(colon - path) : strlen(path);

		if (l && l < sizeof buf - strlen(name) - 2) {
			snprintf(buf, sizeof buf, "%.*s/%s", (int)l, path, name);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += l + (colon != NULL);
	}
	return false;
}

static bool python_exe(char *buf, size_t len)
{
	FILE *p = popen("python3 -c 'import sys; print(sys.executable)' 2>/dev/null", "r");
	bool ok;

	if (!p)
		return false;
	ok = fgets(buf, (int)len, p) != NULL;
	pclose(p);
	buf[strcspn(buf, "\n")] = 0;
	return ok && buf[0] == '/' && access(buf, X_OK) == 0;
}

void bench_peers_init(const char *python_script, const char *go_program)
{
	static char why_py[600], why_go[600], pyexe[4096];
	struct peer *py = &bench_peers[PEER_PYTHON], *go = &bench_peers[PEER_GO];

	if (!in_path("python3")) {
		py->skip = "python3 not found in PATH: skipped";
	} else if (!python_script || access(python_script, R_OK) < 0) {
		snprintf(why_py, sizeof why_py, "%s: not found: skipped",
		         python_script ? python_script : "peer_popen.py");
		py->skip = why_py;
	} else if (!python_exe(pyexe, sizeof pyexe)) {
		py->skip = "python3 does not start: skipped";
	} else {
		/* The interpreter itself, not a wrapper (pyenv's shim is a script). */
		py->argv[0] = pyexe;
		py->argv[1] = python_script;
	}

	if (!go_program || access(go_program, X_OK) < 0) {
		snprintf(why_go, sizeof why_go,
		         "%s not built (is golang-go installed?): skipped",
		         go_program ? go_program : "the Go peer");
		go->skip = why_go;
	} else {
		go->argv[0] = go_program;
	}
}

int bench_peer_run(const struct peer *p, const struct target *t,
                   double budget_ms, int min_n, struct samples *out,
                   char *why, size_t whylen)
{
	char budget[32], min[16];
	const char *argv[16];
	size_t n = 0;
	posix_spawn_file_actions_t fa;
	int pfd[2], e, st;
	pid_t pid;
	FILE *f;
	char line[64];
	long got = 0;

	for (size_t i = 0; p->argv[i]; i++)
		argv[n++] = p->argv[i];
	snprintf(budget, sizeof budget, "%.3f", budget_ms);
	snprintf(min, sizeof min, "%d", min_n);
	argv[n++] = "--target";
	argv[n++] = t->path;
	argv[n++] = "--budget-ms";
	argv[n++] = budget;
	argv[n++] = "--min";
	argv[n++] = min;
	argv[n] = NULL;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe2: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (e) {
		close(pfd[0]);
		snprintf(why, whylen, "%s: %s", argv[0], strerror(e));
		return -1;
	}
	f = fdopen(pfd[0], "r");
	while (f && fgets(line, sizeof line, f)) {
		char *end;
		unsigned long long ns = strtoull(line, &end, 10);

		if (end != line) {
			samples_push(out, ns);
			got++;
		}
	}
	if (f)
		fclose(f);
	else
		close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, whylen, "%s failed (status 0x%x, see its stderr)",
		         p->name, st);
		return -1;
	}
	if (got < min_n) {
		snprintf(why, whylen, "%s printed %ld times, wanted %d", p->name,
		         got, min_n);
		return -1;
	}
	return 0;
}
