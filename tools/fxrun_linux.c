/* SPDX-License-Identifier: MIT */
/*
 * The apply step of fxrun's Linux containment options (see
 * fxrun_linux.h).  Parsing happened in fxrun_args.c; what is left here
 * is what touches the system: the --seccomp FILE, the CPU set, and the
 * setters, each failure named after the option that asked for it.
 */
#include "fxrun_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "forkexec-linux.h"
#include "fxrun_sandbox.h"

#ifdef __linux__
#include <linux/filter.h>
#else
/* <linux/filter.h>'s layout; the setter says -ENOTSUP there anyway. */
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};
#endif

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

/* The kernel's limit on a classic BPF program (BPF_MAXINSNS). */
#define SECCOMP_MAX_INSNS 4096

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fxrun: %s: %s\n", what, detail);
}

/* Applies one setter; on failure says which option it came from. */
static int set(int r, const char *option)
{
	if (r < 0)
		fail(option, strerror(-r));
	return r;
}

/* The same for an option whose value names a file: "--cgroup PATH". */
static int set_path(int r, const char *option, const char *path)
{
	if (r < 0)
		fprintf(stderr, "fxrun: %s %s: %s\n", option, path, strerror(-r));
	return r;
}

/*
 * Reads a raw BPF program, as bubblewrap's --seccomp takes it: an array
 * of struct sock_filter (8 bytes each), 1 to 4096 of them.  Any file
 * that reads to its end will do (`--seccomp <(make-filter)` too).
 */
static int read_seccomp(const char *path, struct sock_fprog *prog)
{
	const size_t max = SECCOMP_MAX_INSNS * sizeof(struct sock_filter);
	struct sock_filter *buf;
	size_t len = 0;
	int fd;

	/* One byte more than the most it may hold, to see it is too long. */
	buf = malloc(max + 1);
	if (!buf)
		return set_path(-ENOMEM, "--seccomp", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		free(buf);
		return set_path(-e, "--seccomp", path);
	}
	while (len <= max) {
		ssize_t n = read(fd, (char *)buf + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return set_path(-e, "--seccomp", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == 0 || len > max || len % sizeof(struct sock_filter) != 0) {
		fprintf(stderr, "fxrun: --seccomp %s: ", path);
		if (len == 0)
			fprintf(stderr, "empty file: expected a raw BPF program "
			        "(an array of struct sock_filter)\n");
		else if (len > max)
			fprintf(stderr, "more than %d instructions (%zu bytes)\n",
			        SECCOMP_MAX_INSNS, max);
		else
			fprintf(stderr, "size %zu is not a multiple of %zu "
			        "(struct sock_filter)\n", len, sizeof(struct sock_filter));
		free(buf);
		return -EINVAL;
	}
	prog->len = (unsigned short)(len / sizeof(struct sock_filter));
	prog->filter = buf;
	return 0;
}

static int apply_cpus(const struct fxrun_opts *o, fx_attr *a)
{
#ifdef CPU_ALLOC
	/* Sized to cover the highest CPU listed, not CPU_SETSIZE (1024). */
	size_t size = CPU_ALLOC_SIZE(o->cpus_max + 1), i;
	cpu_set_t *cpus = CPU_ALLOC(o->cpus_max + 1);
	unsigned c;
	int r;

	if (!cpus)
		return set(-ENOMEM, "--cpus");
	CPU_ZERO_S(size, cpus);
	for (i = 0; i < o->n_cpus; i++)
		for (c = o->cpus[i].lo; c <= o->cpus[i].hi; c++)
			CPU_SET_S(c, size, cpus);
	r = set(fx_attr_set_cpus(a, size, cpus), "--cpus");
	CPU_FREE(cpus);
	return r;
#else
	return set(-ENOTSUP, "--cpus");
#endif
}

static int apply_maps(const struct fxrun_id_map *maps, size_t n, int gid,
                      fx_attr *a)
{
	char what[64];
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < n; i++) {
		snprintf(what, sizeof what, "--%s-map %u:%u:%u", gid ? "gid" : "uid",
		         (unsigned)maps[i].inside, (unsigned)maps[i].outside,
		         (unsigned)maps[i].count);
		r = gid ? fx_attr_add_gid_map(a, maps[i].inside, maps[i].outside,
		                              maps[i].count)
		        : fx_attr_add_uid_map(a, maps[i].inside, maps[i].outside,
		                              maps[i].count);
		r = set(r, what);
	}
	return r;
}

int fxrun_apply_linux(const struct fxrun_opts *o, fx_attr *a)
{
	unsigned long ns = o->unshare;
	char what[64];
	size_t i;
	int r = 0;

	/* The maps ask for a user namespace; the set must say so too, or
	 * fx_attr_set_namespaces refuses it once they are added. */
	if (o->map_root_user || o->n_uid_maps || o->n_gid_maps)
		ns |= CLONE_NEWUSER;
	if (ns)
		r = set(fx_attr_set_namespaces(a, ns), "--unshare");
	if (r == 0 && o->map_root_user)
		r = set(fx_attr_set_root_maps(a), "--map-root-user");
	if (r == 0)
		r = apply_maps(o->uid_maps, o->n_uid_maps, 0, a);
	if (r == 0)
		r = apply_maps(o->gid_maps, o->n_gid_maps, 1, a);
	if (r == 0 && o->setgroups)
		r = set(fx_attr_set_setgroups_policy(a, o->setgroups), "--setgroups");
	if (r == 0 && o->bounding_drop)
		r = set(fx_attr_add_bounding_drop(a, o->bounding_drop),
		        "--bounding-caps");
	if (r == 0 && o->ambient_caps)
		r = set(fx_attr_set_ambient_caps(a, o->ambient_caps), "--ambient-caps");
	if (r == 0 && o->cgroup)
		r = set_path(fx_attr_set_cgroup_path(a, o->cgroup), "--cgroup",
		             o->cgroup);
	for (i = 0; r == 0 && i < o->n_rlimits; i++) {
		const struct fxrun_rlimit *rl = &o->rlimits[i];
		uint64_t soft = rl->soft == FXRUN_RLIM_UNLIMITED
		                ? (uint64_t)RLIM_INFINITY : rl->soft;
		uint64_t hard = rl->hard == FXRUN_RLIM_UNLIMITED
		                ? (uint64_t)RLIM_INFINITY : rl->hard;

		snprintf(what, sizeof what, "--rlimit %s", rl->name);
		r = set(fx_attr_set_rlimit(a, rl->resource, soft, hard), what);
	}
	if (r == 0 && o->umask >= 0)
		r = set(fx_attr_set_umask(a, (mode_t)o->umask), "--umask");
	if (r == 0 && o->no_new_privs)
		r = set(fx_attr_set_no_new_privs(a, 1),
		        o->seccomp || o->seccomp_mode ? "--seccomp (no_new_privs)"
		                                      : "--no-new-privs");
	if (r == 0 && o->nice_set) {
		snprintf(what, sizeof what, "--nice %d", o->nice);
		r = set(fx_attr_set_nice(a, o->nice), what);
	}
	if (r == 0 && o->sched_set)
		r = set(fx_attr_set_sched(a, o->sched_policy, o->sched_priority),
		        "--sched");
	if (r == 0 && o->n_cpus)
		r = apply_cpus(o, a);
	if (r == 0 && o->seccomp) {
		struct sock_fprog prog = { 0, NULL };

		r = read_seccomp(o->seccomp, &prog);
		if (r == 0) {
			/* The setter copies the program. */
			r = set_path(fx_attr_set_seccomp(a, &prog), "--seccomp",
			             o->seccomp);
			free(prog.filter);
		}
	}
	if (r == 0)
		r = fxrun_apply_sandbox(o, a);
	return r;
}
