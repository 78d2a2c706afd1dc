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
#include <time.h>
#include <unistd.h>

#include "forkexec-linux.h"
#include "fxrun_sandbox.h"


#ifdef __linux__
#include <linux/capability.h>
#include <linux/filter.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
/* CGROUP2_SUPER_MAGIC of <linux/magic.h>. */
#define FXRUN_CGROUP2_MAGIC 0x63677270
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

/* <sched.h> names it only with _GNU_SOURCE on some C libraries. */
#define FXRUN_SCHED_RESET_ON_FORK 0x40000000

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
/* Linux's clock id (Darwin has none: the setter refuses there anyway). */
#ifdef CLOCK_BOOTTIME
#define FXRUN_CLOCK_BOOTTIME CLOCK_BOOTTIME
#else
#define FXRUN_CLOCK_BOOTTIME 7
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

/*
 * --inh-caps changes fxrun's own inheritable set, as setpriv(1) changes
 * its own: the child's is that set with the list's changes made.
 */
static int apply_inh_caps(const struct fxrun_opts *o, fx_attr *a)
{
#ifdef __linux__
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t inh;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	inh = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	return fx_attr_set_inheritable_caps(a, (inh & ~o->inh_caps_del) | o->inh_caps_add);
#else
	return fx_attr_set_inheritable_caps(a, o->inh_caps_add);
#endif
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
		for (c = o->cpus[i].lo; c <= o->cpus[i].hi; c += o->cpus[i].stride)
			CPU_SET_S(c, size, cpus);
	r = set(fx_attr_set_cpus(a, size, cpus), "--cpus");
	CPU_FREE(cpus);
	return r;
#else
	return set(-ENOTSUP, "--cpus");
#endif
}

/*
 * Whether path is (on) a cgroup v2 file system; 1 when that cannot be
 * told (no such file: the setter then says what is wrong).
 */
static int is_cgroup2(const char *path)
{
#ifdef __linux__
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return 1;
	return sf.f_type == FXRUN_CGROUP2_MAGIC;
#else
	(void)path;
	return 1;
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
	uint64_t chosen[FXRUN_NRLIMITS][2];   /* the last limits given, by resource */
	unsigned given = 0;

	/* The maps ask for a user namespace; the set must say so too, or
	 * fx_attr_set_namespaces refuses it once they are added. */
	if (o->map_root_user || o->n_uid_maps || o->n_gid_maps)
		ns |= CLONE_NEWUSER;
	/* So do the clock offsets a time namespace. */
	if (o->time_offset_set[0] || o->time_offset_set[1])
		ns |= CLONE_NEWTIME;
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
	if (r == 0 && o->propagation_set)
		r = set(fx_attr_set_mount_propagation(a, o->propagation), "--propagation");
	if (r == 0 && o->mount_proc)
		r = set(fx_attr_set_mount_proc(a, o->mount_proc), "--mount-proc");
	if (r == 0 && o->bounding_drop)
		r = set(fx_attr_add_bounding_drop(a, o->bounding_drop),
		        "--bounding-caps");
	if (r == 0 && o->inh_caps_given)
		r = set(apply_inh_caps(o, a), "--inh-caps");
	if (r == 0 && o->ambient_caps)
		r = set(fx_attr_set_ambient_caps(a, o->ambient_caps), "--ambient-caps");
	if (r == 0 && o->cgroup && !is_cgroup2(o->cgroup)) {
		/* The kernel would say EBADF at clone3 (CLONE_INTO_CGROUP). */
		fprintf(stderr, "fxrun: --cgroup %s: not a cgroup v2 directory\n",
		        o->cgroup);
		r = -ENOTDIR;
	}
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
		/* prlimit(1)'s "SOFT:" and ":HARD": the other stays as it is,
		 * which is what an earlier limit of the same resource said
		 * (prlimit applies them in order), or else fxrun's own. */
		if (rl->keep_soft || rl->keep_hard) {
			struct rlimit cur;

			if (rl->resource < FXRUN_NRLIMITS && (given & (1u << rl->resource))) {
				cur.rlim_cur = (rlim_t)chosen[rl->resource][0];
				cur.rlim_max = (rlim_t)chosen[rl->resource][1];
			} else if (getrlimit(rl->resource, &cur) < 0) {
				return set(-errno, what);
			}
			if (rl->keep_soft)
				soft = (uint64_t)cur.rlim_cur;
			else
				hard = (uint64_t)cur.rlim_max;
			if (soft != (uint64_t)RLIM_INFINITY &&
			    (hard == (uint64_t)RLIM_INFINITY ? 0 : soft > hard)) {
				fprintf(stderr, "fxrun: %s: the soft limit cannot exceed "
				        "the hard limit (%llu > %llu)\n", what,
				        (unsigned long long)soft, (unsigned long long)hard);
				return -EINVAL;
			}
			if (soft == (uint64_t)RLIM_INFINITY && hard != (uint64_t)RLIM_INFINITY) {
				fprintf(stderr, "fxrun: %s: the soft limit cannot exceed "
				        "the hard limit (unlimited > %llu)\n", what,
				        (unsigned long long)hard);
				return -EINVAL;
			}
		}
		r = set(fx_attr_set_rlimit(a, rl->resource, soft, hard), what);
		if (rl->resource < FXRUN_NRLIMITS) {
			given |= 1u << rl->resource;
			chosen[rl->resource][0] = soft;
			chosen[rl->resource][1] = hard;
		}
	}
	if (r == 0 && o->umask >= 0)
		r = set(fx_attr_set_umask(a, (mode_t)o->umask), "--umask");
	if (r == 0 && o->no_new_privs)
		r = set(fx_attr_set_no_new_privs(a, 1),
		        o->seccomp || o->seccomp_mode ? "--seccomp (no_new_privs)"
		                                      : "--no-new-privs");
	if (r == 0 && o->nice_set == 1) {
		snprintf(what, sizeof what, "--niceness %d", o->nice);
		r = set(fx_attr_set_nice(a, o->nice), what);
	}
	for (i = 0; r == 0 && i < 2; i++)
		if (o->time_offset_set[i])
			r = set(fx_attr_set_time_offset(a, i ? FXRUN_CLOCK_BOOTTIME : CLOCK_MONOTONIC,
			                                o->time_offset[i], 0),
			        i ? "--boottime" : "--monotonic");
	if (r == 0 && o->securebits_set) {
		/* Changes to fxrun's own bits, as setpriv --securebits makes
		 * (elsewhere the setter says -ENOTSUP). */
#ifdef __linux__
		int cur = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
#else
		int cur = 0;
#endif

		if (cur < 0)
			r = set(-errno, "--securebits");
		else
			r = set(fx_attr_set_securebits(a, (cur | o->securebits_on) &
			                               ~o->securebits_off), "--securebits");
	}
	if (r == 0 && o->ioprio_set)
		r = set(fx_attr_set_ioprio(a, o->ioprio_class, o->ioprio_level), "--ionice");
	if (r == 0 && o->sched_set && o->sched_policy == FXRUN_SCHED_DEADLINE)
		r = set(fx_attr_set_sched_deadline(a, o->sched_dl[0], o->sched_dl[1], o->sched_dl[2]),
		        "--sched");
	else if (r == 0 && o->sched_set)
		r = set(fx_attr_set_sched(a, o->sched_policy |
		                          (o->reset_on_fork ? FXRUN_SCHED_RESET_ON_FORK : 0),
		                          o->sched_priority), "--sched");
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
