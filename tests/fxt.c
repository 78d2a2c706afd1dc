/* SPDX-License-Identifier: MIT */
/*
 * The harness: paths, scratch files, spawning the probe and parsing its
 * report, and the leak checks.  See fxt.h.
 */
#include "fxt.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Where things are                                                    */
/* ------------------------------------------------------------------ */

/*
 * The paths below are computed once and kept; torture tests ask for them
 * from many threads at once, so the first computation is under a lock
 * (a thread must never see a half-written path).
 */
#if defined(__APPLE__)
#include <libproc.h>
#define FXT_FD_DIR "/dev/fd"
#define __WALL 0
#else
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#define FXT_FD_DIR "/proc/self/fd"
#endif

static pthread_mutex_t paths_lock = PTHREAD_MUTEX_INITIALIZER;

static void compute_build_dir(char *dir, size_t len)
{
	ssize_t n;
	char *slash;

#if defined(__APPLE__)
	/* No /proc/self/exe: the kernel's path of our executable. */
	n = proc_pidpath(getpid(), dir, (uint32_t)len);
	if (n <= 0)
		FAIL("proc_pidpath: %s", strerror(errno));
#else
	n = readlink("/proc/self/exe", dir, len - 1);
	if (n <= 0)
		FAIL("readlink /proc/self/exe: %s", strerror(errno));
	dir[n] = 0;
#endif
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
}

const char *fxt_build_dir(void)
{
	static char dir[PATH_MAX];

	pthread_mutex_lock(&paths_lock);
	if (!dir[0])
		compute_build_dir(dir, sizeof dir);
	pthread_mutex_unlock(&paths_lock);
	return dir;
}

static const char *build_file(char *buf, size_t len, const char *name)
{
	const char *dir = fxt_build_dir();

	pthread_mutex_lock(&paths_lock);
	if (!buf[0])
		snprintf(buf, len, "%s/%s", dir, name);
	pthread_mutex_unlock(&paths_lock);
	return buf;
}

const char *fxt_probe_path(void)
{
	static char path[PATH_MAX];

	build_file(path, sizeof path, "fxprobe");
	if (access(path, X_OK) != 0)
		FAIL("%s: %s (build it: make build/fxprobe)", path,
		     strerror(errno));
	return path;
}

const char *fxt_fxrun_path(void)
{
	static char path[PATH_MAX];

	return build_file(path, sizeof path, "fxrun");
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

char *fxt_tmpdir(void)
{
	char *dir = fxt_join(fxt_scratch_dir(), "tmp.XXXXXX");

	if (!mkdtemp(dir))
		FAIL("mkdtemp %s: %s", dir, strerror(errno));
	if (chmod(dir, 0755) != 0)
		FAIL("chmod %s: %s", dir, strerror(errno));
	return dir;
}

char *fxt_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *s = malloc(a + b + 2);

	if (!s)
		FAIL("out of memory");
	memcpy(s, dir, a);
	s[a] = '/';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

static void write_all(const char *file, int line, int fd, const char *buf,
                      size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fxt_fail_(file, line, "write %s: %s", what,
			          strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

void fxt_write_file_(const char *file, int line, const char *path,
                     const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		fxt_fail_(file, line, "open %s: %s", path, strerror(errno));
	write_all(file, line, fd, text, strlen(text), path);
	/* open() applies the umask; the caller asked for exactly `mode`. */
	if (fchmod(fd, mode) != 0)
		fxt_fail_(file, line, "chmod %s: %s", path, strerror(errno));
	close(fd);
}

void fxt_copy_file_(const char *file, int line, const char *from,
                    const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		fxt_fail_(file, line, "open %s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		fxt_fail_(file, line, "open %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fxt_fail_(file, line, "read %s: %s", from,
			          strerror(errno));
		write_all(file, line, out, buf, (size_t)n, to);
	}
	if (fchmod(out, mode) != 0)
		fxt_fail_(file, line, "chmod %s: %s", to, strerror(errno));
	close(in);
	close(out);
}

/* ------------------------------------------------------------------ */
/* Attributes and spawn results                                        */
/* ------------------------------------------------------------------ */

fx_attr *fxt_attr_(const char *file, int line)
{
	fx_attr *attr = NULL;
	int r = fx_attr_new(&attr);

	if (r < 0 || !attr)
		fxt_fail_(file, line, "fx_attr_new: %s", strerror(-r));
	r = fx_attr_set_backend(attr, fxt_backend());
	if (r < 0)
		fxt_fail_(file, line, "fx_attr_set_backend(%s): %s",
		          fxt_backend_name(), strerror(-r));
	return attr;
}

void fxt_assert_spawned_(const char *file, int line, int rc,
                         const fx_error *err)
{
	char buf[512];

	if (rc >= 0)
		return;
	if (err)
		fxt_fail_(file, line, "spawn failed: %d (%s): %s [step %s]", rc,
		          strerror(-rc), fx_strerror(err, buf, sizeof buf),
		          fx_step_name(err->step));
	fxt_fail_(file, line, "spawn failed: %d (%s)", rc, strerror(-rc));
}

int fxt_wait_ok_(const char *file, int line, fx_proc *proc)
{
	int status = -1;
	int r = fx_proc_wait(proc, &status, -1);

	if (r < 0)
		fxt_fail_(file, line, "fx_proc_wait: %s (%d)", strerror(-r), r);
	return status;
}

void fxt_pipe_(const char *file, int line, int fds[2])
{
#if defined(__APPLE__)
	if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0)
		fxt_fail_(file, line, "pipe: %s", strerror(errno));
#else
	if (pipe2(fds, O_CLOEXEC) != 0)
		fxt_fail_(file, line, "pipe2: %s", strerror(errno));
#endif
}

/* ------------------------------------------------------------------ */
/* The report                                                          */
/* ------------------------------------------------------------------ */

struct entry {
	char *key;
	char *value;
};

struct fxt_report {
	struct entry *entries;
	size_t n;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes the probe's escapes (\n, \\, \xHH) in place. */
static void unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'n') {
			*out++ = '\n';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '\\') {
			*out++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		           hexval(s[3]) >= 0) {
			*out++ = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = 0;
}

fxt_report *fxt_report_parse(const char *text, size_t len)
{
	fxt_report *r = calloc(1, sizeof *r);
	size_t cap = 0;
	const char *end = text + len;

	if (!r)
		FAIL("out of memory");
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		const char *stop = nl ? nl : end;
		const char *eq = memchr(text, '=', (size_t)(stop - text));

		if (eq) {
			struct entry e;

			if (r->n == cap) {
				cap = cap ? 2 * cap : 64;
				r->entries = realloc(r->entries,
				                     cap * sizeof *r->entries);
				if (!r->entries)
					FAIL("out of memory");
			}
			e.key = strndup(text, (size_t)(eq - text));
			e.value = strndup(eq + 1, (size_t)(stop - eq - 1));
			if (!e.key || !e.value)
				FAIL("out of memory");
			unescape(e.value);
			r->entries[r->n++] = e;
		}
		text = stop + 1;
	}
	return r;
}

void fxt_report_free(fxt_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->entries[i].key);
		free(r->entries[i].value);
	}
	free(r->entries);
	free(r);
}

const char *fxt_get(const fxt_report *r, const char *key)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (strcmp(r->entries[i].key, key) == 0)
			return r->entries[i].value;
	return NULL;
}

static const char *get_required(const char *file, int line,
                                const fxt_report *r, const char *key)
{
	const char *v = fxt_get(r, key);

	if (!v)
		fxt_fail_(file, line, "the probe's report has no key \"%s\"",
		          key);
	return v;
}

long long fxt_get_ll_(const char *file, int line, const fxt_report *r,
                      const char *key)
{
	const char *v = get_required(file, line, r, key);
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		fxt_fail_(file, line, "probe key %s=\"%s\" is not a number",
		          key, v);
	return n;
}

unsigned long long fxt_get_hex_(const char *file, int line,
                                const fxt_report *r, const char *key)
{
	const char *v = get_required(file, line, r, key);
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 16);
	if (errno || end == v || *end)
		fxt_fail_(file, line, "probe key %s=\"%s\" is not hexadecimal",
		          key, v);
	return n;
}

int fxt_next(const fxt_report *r, const char *prefix, size_t *iter,
             const char **key, const char **value)
{
	size_t plen = strlen(prefix);

	for (; r && *iter < r->n; (*iter)++) {
		const struct entry *e = &r->entries[*iter];

		if (strncmp(e->key, prefix, plen) == 0) {
			*key = e->key;
			*value = e->value;
			(*iter)++;
			return 1;
		}
	}
	return 0;
}

size_t fxt_count(const fxt_report *r, const char *prefix)
{
	size_t i = 0, n = 0;
	const char *k, *v;

	while (fxt_next(r, prefix, &i, &k, &v))
		n++;
	return n;
}

void fxt_report_print(const fxt_report *r, FILE *f)
{
	for (size_t i = 0; r && i < r->n; i++)
		fprintf(f, "%s=%s\n", r->entries[i].key, r->entries[i].value);
	fflush(f);
}

int fxt_fd_info(const fxt_report *r, int fd, struct fxt_fdinfo *info)
{
	char key[32];
	const char *v, *cl, *fl;
	size_t tlen;

	snprintf(key, sizeof key, "fd.%d", fd);
	v = fxt_get(r, key);
	if (!v)
		return 0;
	/* The target may hold spaces ("/x (deleted)"): parse from the end. */
	cl = strstr(v, " cloexec=");
	for (const char *p = cl; p; p = strstr(p + 1, " cloexec="))
		cl = p;
	fl = cl ? strstr(cl, " flags=") : NULL;
	if (!cl || !fl)
		FAIL("probe key %s=\"%s\" is malformed", key, v);
	tlen = (size_t)(cl - v);
	if (tlen >= sizeof info->target)
		tlen = sizeof info->target - 1;
	memcpy(info->target, v, tlen);
	info->target[tlen] = 0;
	info->cloexec = atoi(cl + strlen(" cloexec="));
	info->flags = (int)strtol(fl + strlen(" flags="), NULL, 8);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Spawning the probe                                                  */
/* ------------------------------------------------------------------ */

static char *read_all(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		FAIL("out of memory");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				FAIL("out of memory");
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			FAIL("reading the probe's report: %s", strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

int fxt_probe_start(const char *file, fx_attr *attr,
                    const char *const *extra_args, fx_proc **proc,
                    fxt_report **out, fx_error *err)
{
	size_t nextra = 0, len;
	char report_arg[32], **argv, *text;
	fx_proc *p = NULL;
	int fds[2], rc;

	if (!file)
		file = fxt_probe_path();
	while (extra_args && extra_args[nextra])
		nextra++;
	argv = calloc(nextra + 3, sizeof *argv);
	if (!argv)
		FAIL("out of memory");
	snprintf(report_arg, sizeof report_arg, "--report-fd=%d",
	         FXT_REPORT_FD);
	argv[0] = (char *)file;
	argv[1] = report_arg;
	for (size_t i = 0; i < nextra; i++)
		argv[i + 2] = (char *)extra_args[i];

	fxt_pipe(fds);
	ASSERT_OK(fx_attr_set_fd(attr, FXT_REPORT_FD, fds[1]));
	rc = fx_spawn(&p, file, argv, attr, err);
	close(fds[1]);
	free(argv);
	if (out)
		*out = NULL;
	if (proc)
		*proc = NULL;
	if (rc < 0) {
		close(fds[0]);
		return rc;
	}

	text = read_all(fds[0], &len);
	close(fds[0]);
	if (out)
		*out = fxt_report_parse(text, len);
	free(text);
	if (proc)
		*proc = p;
	else
		fx_proc_free(p);
	return rc;
}

int fxt_probe_file(const char *file, fx_attr *attr,
                   const char *const *extra_args, fxt_report **out,
                   int *status, fx_error *err)
{
	fx_proc *proc;
	int rc = fxt_probe_start(file, attr, extra_args, &proc, out, err);
	int st;

	if (rc < 0)
		return rc;
	st = fxt_wait_ok(proc);
	if (status)
		*status = st;
	fx_proc_free(proc);
	return rc;
}

int fxt_probe(fx_attr *attr, const char *const *extra_args,
              fxt_report **out, int *status, fx_error *err)
{
	return fxt_probe_file(NULL, attr, extra_args, out, status, err);
}

fxt_report *fxt_probe_ok_(const char *file, int line, fx_attr *attr,
                          const char *const *extra_args)
{
	fxt_report *r = NULL;
	fx_error err;
	int status = -1;
	int rc = fxt_probe(attr, extra_args, &r, &status, &err);

	fxt_assert_spawned_(file, line, rc, &err);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fxt_fail_(file, line, "the probe ended with status 0x%x", status);
	return r;
}

/* ------------------------------------------------------------------ */
/* Loops of many rounds                                                */
/* ------------------------------------------------------------------ */

double fxt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct fxt_loop fxt_loop_at_least(long count, double seconds, long min)
{
	struct fxt_loop loop;

	memset(&loop, 0, sizeof loop);
	loop.count = count;
	loop.seconds = seconds;
	loop.min = min < 1 ? 1 : min > count ? count : min;
	loop.start = fxt_now();
	return loop;
}

struct fxt_loop fxt_loop(long count, double seconds)
{
	return fxt_loop_at_least(count, seconds, 1);
}

long fxt_loop_next(struct fxt_loop *loop)
{
	long i = __atomic_load_n(&loop->done, __ATOMIC_RELAXED);

	do {
		if (i >= loop->count)
			return -1;
		/* The first min rounds always run: fewer prove nothing. */
		if (i >= loop->min && fxt_now() - loop->start >= loop->seconds) {
			__atomic_store_n(&loop->out_of_time, 1, __ATOMIC_RELAXED);
			return -1;
		}
	} while (!__atomic_compare_exchange_n(&loop->done, &i, i + 1, 0,
	                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return i;
}

void fxt_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
}

void fxt_loop_end_(const char *file, int line, struct fxt_loop *loop, const char *what)
{
	long min = loop->min;
	char text[256];
	int n;

	loop->elapsed = fxt_now() - loop->start;
	if (loop->out_of_time)
		n = snprintf(text, sizeof text, "%ld %s in %.2f s (the %.3g s "
		             "budget ran out before %ld)\n", loop->done, what,
		             loop->elapsed, loop->seconds, loop->count);
	else
		n = snprintf(text, sizeof text, "%ld %s in %.2f s (all of them, "
		             "within the %.3g s budget)\n", loop->done, what,
		             loop->elapsed, loop->seconds);
	/* A raw write: some tests hold stdio's locks in other threads. */
	if (n > 0)
		fxt_write_all(1, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
	if (loop->done < min)
		fxt_fail_(file, line, "only %ld %s in %.1f s (at least %ld needed "
		          "to prove anything): the test left its loop early",
		          loop->done, what, loop->elapsed, min);
}

/* ------------------------------------------------------------------ */
/* Leak checks                                                         */
/* ------------------------------------------------------------------ */

/*
 * The first descriptor that is not the test's: the soft RLIMIT_NOFILE.
 * The test cannot open a descriptor at or above it, and valgrind keeps
 * its own there (the log, the client's executable, its pipes): it
 * reports to the program a soft limit lowered below them and refuses to
 * let it be raised above.  Natively nothing is open there, unless a test
 * lowers its limit below descriptors it holds (torture/exhaust.c raises
 * it again to count).
 */
static long own_fd_limit(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY ||
	    lim.rlim_cur > (rlim_t)INT_MAX)
		return INT_MAX;
	return (long)lim.rlim_cur;
}

/* Calls fn for every open descriptor of the test but the one reading the list. */
static int each_fd(void (*fn)(int fd, void *ctx), void *ctx)
{
	long limit = own_fd_limit();
	/* Darwin's /dev/fd lists the caller's descriptors as /proc/self/fd does. */
	const char *fd_dir = FXT_FD_DIR;
	DIR *d = opendir(fd_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		FAIL("opendir %s: %s", fd_dir, strerror(errno));
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d) || fd >= limit)
			continue;
		if (fn)
			fn(fd, ctx);
		n++;
	}
	closedir(d);
	return n;
}

int fxt_fd_count(void)
{
	return each_fd(NULL, NULL);
}

struct fd_list {
	char text[2048];
};

static void describe_fd(int fd, void *ctx)
{
	struct fd_list *list = ctx;
	size_t used = strlen(list->text);
	char path[64], target[PATH_MAX];
	ssize_t n;

#if defined(__APPLE__)
	(void)path;
	n = fcntl(fd, F_GETPATH, target) == 0 ? (ssize_t)strlen(target) : 0;
	(void)n;
#else
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = 0;
#endif
	snprintf(list->text + used, sizeof list->text - used, " %d->%s", fd,
	         target);
}

void fxt_assert_fd_count_(const char *file, int line, int expected)
{
	struct fd_list list = { "" };
	int n = each_fd(describe_fd, &list);

	if (n != expected)
		fxt_fail_(file, line, "%d open descriptors, expected %d:%s", n,
		          expected, list.text);
}

void fxt_assert_no_children_(const char *file, int line)
{
	siginfo_t si;
	pid_t pid;

	memset(&si, 0, sizeof si);
	/* WNOWAIT: look without reaping, so the culprit stays inspectable. */
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0) {
		if (si.si_pid)
			fxt_fail_(file, line, "child %d is a zombie", si.si_pid);
		fxt_fail_(file, line, "a child is still running");
	}
	if (errno != ECHILD)
		fxt_fail_(file, line, "waitid: %s", strerror(errno));
	if (fxt_list_children(&pid, 1))
		fxt_fail_(file, line, "process %d is our child", (int)pid);
}

static void set_disposition(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	ASSERT_SYS(sigaction(sig, &sa, NULL));
}

static void on_signal(int sig)
{
	(void)sig;
}

void fxt_ignore_signal(int sig)
{
	set_disposition(sig, SIG_IGN);
}

void fxt_catch_signal(int sig)
{
	set_disposition(sig, on_signal);
}

const char *fxt_msg_of(const char *prefix, int code)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s: %s", prefix, strerror(code));
	return buf;
}

void fxt_assert_spawn_error_(const char *f, int l, int rc, const fx_error *err)
{
	char text[512];

	if (err->code <= 0 || err->code > 4095)
		fxt_fail_(f, l, "the spawn returned %d but err.code is %d", rc, err->code);
	if (rc != -err->code)
		fxt_fail_(f, l, "the spawn returned %d, err says %d (%s)", rc, err->code,
		          fx_strerror(err, text, sizeof text));
	if (memchr(err->subject, 0, sizeof err->subject) == NULL)
		fxt_fail_(f, l, "err.subject is not NUL-terminated");
}

void fxt_check_err_(const char *f, int l, const fx_error *err, int step, int code,
                    long index, const char *text)
{
	char got[512];

	fx_strerror(err, got, sizeof got);
	if (err->step != step)
		fxt_fail_(f, l, "step %d (%s), expected %d (%s); message: %s", err->step,
		          fx_step_name(err->step), step, fx_step_name(step), got);
	if (err->code != code)
		fxt_fail_(f, l, "errno %d (%s), expected %d (%s); message: %s", err->code,
		          strerror(err->code), code, strerror(code), got);
	if (err->index != index)
		fxt_fail_(f, l, "index %ld, expected %ld; message: %s", err->index, index, got);
	if (text && strcmp(got, text) != 0)
		fxt_fail_(f, l, "fx_strerror: \"%s\", expected \"%s\"", got, text);
}

#if defined(__APPLE__)
int fxt_kernel_keeps_exit_status(void)
{
	return 0;
}
#else
/* The first published struct pidfd_info (64 bytes, Linux 6.13), whose
 * last word is exit_code since 6.15: include/uapi/linux/pidfd.h. */
struct fxt_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t ids[11];
	int32_t exit_code;
};

int fxt_kernel_keeps_exit_status(void)
{
	static int known = -1;
	struct fxt_pidfd_info info;
	struct sigaction dfl, old;
	char *argv[] = { (char *)fxt_probe_path(), (char *)"--no-report", (char *)"--exit=42", NULL };
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	pid_t pid;
	int fd, st;

	if (known >= 0)
		return known;
	/* Our own child, reaped by us, whatever the test made of SIGCHLD. */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	ASSERT_SYS(sigaction(SIGCHLD, &dfl, &old));
	attr = fxt_attr();
	fxt_assert_spawned_(__FILE__, __LINE__, fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	fx_attr_free(attr);
	pid = fx_proc_pid(proc);
	fd = fx_proc_pidfd(proc);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_SYS(sigaction(SIGCHLD, &old, NULL));
	memset(&info, 0, sizeof info);
	info.mask = 1u << 3; /* PIDFD_INFO_EXIT */
	known = fd >= 0 && ioctl(fd, _IOWR(0xFF, 11, struct fxt_pidfd_info), &info) == 0 &&
	        (info.mask & (1u << 3)) && info.exit_code == st;
	fx_proc_free(proc);
	return known;
}
#endif
/* ------------------------------------------------------------------ */
/* What this process runs on, observed                                 */
/* ------------------------------------------------------------------ */

/*
 * qemu-user and valgrind both answer readlink("/proc/self/exe") with the
 * guest's program, but neither rewrites a lookup of "exe" relative to a
 * descriptor of /proc/self: that one names the host's program, the
 * emulator itself (qemu-i386-static, memcheck-amd64-linux).
 */
const char *fxt_emulator(void)
{
	static const char *answer;
	static int known;
	char exe[PATH_MAX];
	const char *base;
	ssize_t n = -1;
	int dir;

	if (known)
		return answer;
	dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0) {
		n = readlinkat(dir, "exe", exe, sizeof exe - 1);
		close(dir);
	}
	if (n > 0) {
		exe[n] = 0;
		base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		if (!strncmp(base, "qemu-", 5))
			answer = "qemu-user";
		else if (strstr(exe, "valgrind") && strstr(base, "-linux"))
			answer = "valgrind";
	}
	known = 1;
	return answer;
}

/*
 * Does a vfork() child share our memory?  Asked here with libc's vfork,
 * independently of the library's own probe, so that a test can hold the
 * library's answer against it.  The child only stores to a volatile int
 * and calls _exit, as a vfork child may.
 */
int fxt_vfork_shares_memory(void)
{
	volatile int seen = 0;
	pid_t pid;
	int st;

	pid = vfork();
	if (pid == 0) {
		seen = 1;
		_exit(0);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return seen;
}
