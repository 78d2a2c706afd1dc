/* SPDX-License-Identifier: MIT */
/*
 * fx_attr_explain: the plan a spawn would walk, printed, nothing started.
 *
 * It does what fx_spawn does up to the clone, on paper: the PATH search
 * (lookup.c), the stdio settings turned into descriptor maps (as
 * stdio.c would, but with the descriptors it would open named, not
 * opened, so that no file is created and no pipe made), and the plan
 * itself (plan.c, plan_linux.c: the same builder, so the listing cannot
 * drift from what the child does).  Then one line per system call, as
 * strace shows them: the parent's around the clone (stdio, cgroup,
 * clone3 or fork, the uid and gid maps), the child's in its order.
 * The only thing the planner may open is a cgroup given by path (a
 * directory, read-only), closed again before returning.
 *
 * Where a value is decided only at spawn time (the pid, the descriptor
 * numbers the kernel will give, which namespaces the clone can make on
 * this host, whether the kernel already cleared the signal handlers),
 * the line says so in <angle brackets>.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/attr.h"
#include "core/lookup.h"
#include "core/spawn_core.h"
#include "forkexec-io.h"

/* A growing line printer into the caller's buffer, snprintf-style: it
 * counts what did not fit, so the caller learns the size to ask for. */
struct out {
	char *buf;
	size_t len, pos;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *at = o->pos < o->len ? o->buf + o->pos : NULL;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(at, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* A C string as strace quotes it (no escapes beyond \" \\ \n). */
static void put_str(struct out *o, const char *s)
{
	if (!s) {
		put(o, "NULL");
		return;
	}
	put(o, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			put(o, "\\%c", *s);
		else if (*s == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *s);
	}
	put(o, "\"");
}

/* mount(2)'s flags as strace names the ones a plan uses. */
static void put_mount_flags(struct out *o, unsigned long flags)
{
	static const struct { unsigned long bit; const char *name; } names[] = {
		{ 1UL, "MS_RDONLY" }, { 2UL, "MS_NOSUID" }, { 4UL, "MS_NODEV" },
		{ 8UL, "MS_NOEXEC" }, { 32UL, "MS_REMOUNT" }, { 4096UL, "MS_BIND" },
		{ 16384UL, "MS_REC" }, { 1UL << 17, "MS_UNBINDABLE" }, { 1UL << 18, "MS_PRIVATE" },
		{ 1UL << 19, "MS_SLAVE" }, { 1UL << 20, "MS_SHARED" },
	};
	int first = 1;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].bit) {
			put(o, "%s%s", first ? "" : "|", names[i].name);
			first = 0;
			flags &= ~names[i].bit;
		}
	if (flags || first)
		put(o, "%s%#lx", first ? "" : "|", flags);
}

static void put_limit(struct out *o, uint64_t v)
{
	if (v == (uint64_t)RLIM_INFINITY)
		put(o, "RLIM_INFINITY");
	else
		put(o, "%llu", (unsigned long long)v);
}

static void put_rlimit_name(struct out *o, int resource)
{
	const char *name = fx_rlimit_name(resource);

	put(o, "RLIMIT_");
	if (!name) {
		put(o, "%d", resource);
		return;
	}
	for (; *name; name++)
		put(o, "%c", *name >= 'a' && *name <= 'z' ? *name - 'a' + 'A' : *name);
}

/* The CLONE_NEW* flags by name (<sched.h> values, stable in the ABI). */
static void put_ns(struct out *o, unsigned long flags, int *first)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} ns[] = {
		{ 0x10000000UL, "CLONE_NEWUSER" }, { 0x20000000UL, "CLONE_NEWPID" },
		{ 0x00020000UL, "CLONE_NEWNS" },   { 0x40000000UL, "CLONE_NEWNET" },
		{ 0x04000000UL, "CLONE_NEWUTS" },  { 0x08000000UL, "CLONE_NEWIPC" },
		{ 0x02000000UL, "CLONE_NEWCGROUP" }, { 0x00000080UL, "CLONE_NEWTIME" },
	};

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
		if (flags & ns[i].flag) {
			put(o, "%s%s", *first ? "" : "|", ns[i].name);
			*first = 0;
		}
}

static void parent_line(struct out *o)
{
	put(o, "parent ");
}

static void child_line(struct out *o)
{
	put(o, "child  ");
}

/* The parent's uid and gid maps, written while the child waits. */
static void put_maps(struct out *o, const struct fx__plan *plan)
{
	if (plan->setgroups_text) {
		parent_line(o);
		put(o, "write(\"/proc/<pid>/setgroups\", ");
		put_str(o, plan->setgroups_text);
		put(o, ")\n");
	}
	if (plan->uid_map_text) {
		parent_line(o);
		put(o, "write(\"/proc/<pid>/uid_map\", ");
		put_str(o, plan->uid_map_text);
		put(o, ")\n");
	}
	if (plan->gid_map_text) {
		parent_line(o);
		put(o, "write(\"/proc/<pid>/gid_map\", ");
		put_str(o, plan->gid_map_text);
		put(o, ")\n");
	}
	parent_line(o);
	put(o, "write(<sync pipe>, \"\\0\", 1)\n");
}

static void put_op(struct out *o, const struct fx__plan *plan, const struct fx__op *op,
                   const int *slot_src)
{
	switch (op->kind) {
	case FX__OP_RESET_HANDLERS:
		put(o, "rt_sigaction(<each caught signal>, {sa_handler=SIG_DFL}, NULL, 8)"
		       " <unless clone3 cleared them>");
		break;
	case FX__OP_SIG_DEFAULT:
		put(o, "rt_sigaction(<each signal of %#llx>, {sa_handler=SIG_DFL}, NULL, 8)",
		    (unsigned long long)*(const uint64_t *)op->ptr);
		break;
	case FX__OP_PDEATHSIG:
		put(o, "prctl(PR_SET_PDEATHSIG, %d)\nchild  getppid()", op->a);
		break;
	case FX__OP_SETSID:
		put(o, "setsid()");
		break;
	case FX__OP_SETPGID:
		put(o, "setpgid(0, %d)", op->a);
		break;
	case FX__OP_CHROOT:
		put(o, "chroot(");
		put_str(o, op->ptr);
		put(o, ")");
		break;
	case FX__OP_SETGROUPS: {
		const gid_t *g = op->ptr;
		put(o, "setgroups(%d, [", op->a);
		for (int i = 0; i < op->a; i++)
			put(o, "%s%u", i ? ", " : "", (unsigned)g[i]);
		put(o, "])");
		break;
	}
	case FX__OP_SETGID:
		put(o, "setgid(%u)", (unsigned)op->a);
		break;
	case FX__OP_SETUID:
		put(o, "setuid(%u)", (unsigned)op->a);
		break;
	case FX__OP_DROP_CAPS:
		if (op->a)
			put(o, "capset({_LINUX_CAPABILITY_VERSION_3, 0}, {effective=0, permitted=0,"
			       " inheritable=%#llx})", (unsigned long long)plan->inheritable);
		else
			put(o, "capset({_LINUX_CAPABILITY_VERSION_3, 0}, {effective=0, permitted=0,"
			       " inheritable=0})");
		break;
	case FX__OP_CHDIR:
		put(o, "chdir(");
		put_str(o, op->ptr);
		put(o, ")");
		break;
	case FX__OP_CLOSE_FROM:
		put(o, "close_range(%d, ~0U, 0)", op->a);
		break;
	case FX__OP_MOVE_ERR:
		put(o, "fcntl(<error pipe>, F_DUPFD_CLOEXEC, %d)", op->a);
		break;
	case FX__OP_FD_TO_SLOT:
		put(o, "fcntl(%d, F_DUPFD_CLOEXEC, %d)", op->a, op->c);
		break;
	case FX__OP_DUP_FD:
		put(o, "dup3(%d, %d, 0)", op->a, op->b);
		break;
	case FX__OP_DUP_SLOT:
		put(o, "dup3(<the copy of %d>, %d, 0)", slot_src[op->a], op->b);
		break;
	case FX__OP_INHERIT_FD:
		put(o, "fcntl(%d, F_SETFD, 0)", op->a);
		break;
	case FX__OP_CLOSE_FD:
		put(o, "close(%d)", op->a);
		break;
	case FX__OP_CLOSE_RANGE:
		if ((unsigned)op->b == ~0U)
			put(o, "close_range(%d, ~0U, 0)", op->a);
		else
			put(o, "close_range(%d, %d, 0)", op->a, op->b);
		break;
	case FX__OP_NOCTTY:
		put(o, "ioctl(0, TIOCNOTTY)");
		break;
	case FX__OP_SETCTTY:
		put(o, "ioctl(%d, TIOCSCTTY, 0)", op->a);
		break;
	case FX__OP_FOREGROUND:
		put(o, "ioctl(%d, TIOCSPGRP, [<own process group>])", op->a);
		break;
	case FX__OP_SIGMASK:
		if (plan->child.has_sigmask)
			put(o, "rt_sigprocmask(SIG_SETMASK, [%#llx], NULL, 8)",
			    (unsigned long long)plan->child.sigmask);
		else
			put(o, "rt_sigprocmask(SIG_SETMASK, [<the spawning thread's mask>], NULL, 8)");
		break;
	case FX__OP_PTRACE:
		put(o, "ptrace(PTRACE_TRACEME)");
		break;
	case FX__OP_EXEC: {
		size_t n = 0;
		put(o, "execve(");
		put_str(o, plan->child.path);
		put(o, ", [");
		for (size_t i = 0; plan->child.argv[i]; i++) {
			put(o, "%s", i ? ", " : "");
			put_str(o, plan->child.argv[i]);
		}
		while (plan->child.envp && plan->child.envp[n])
			n++;
		put(o, "], envp /* %zu vars */)", n);
		break;
	}
	case FX__OP_SCHED:
		put(o, "sched_setscheduler(0, %d, [%d])", op->a, plan->sched_priority);
		break;
	case FX__OP_SCHED_ATTR:
		put(o, "sched_setattr(0, {SCHED_DEADLINE, runtime %llu, deadline %llu, period %llu}, 0)",
		    (unsigned long long)plan->sched_attr.runtime,
		    (unsigned long long)plan->sched_attr.deadline,
		    (unsigned long long)plan->sched_attr.period);
		break;
	case FX__OP_UNSHARE: {
		int first = 1;
		put(o, "unshare(<those of ");
		put_ns(o, plan->ns_flags, &first);
		put(o, " the clone could not make, if any>)");
		break;
	}
	case FX__OP_WAIT_PARENT:
		put(o, "read(<sync pipe>, ..., 1) <waits for the parent>\n");
		put_maps(o, plan);
		child_line(o);
		put(o, "<goes on>");
		break;
	case FX__OP_RLIMIT: {
		const uint64_t *l = op->ptr;
		put(o, "prlimit64(0, ");
		put_rlimit_name(o, op->a);
		put(o, ", {rlim_cur=");
		put_limit(o, l[0]);
		put(o, ", rlim_max=");
		put_limit(o, l[1]);
		put(o, "}, NULL)");
		break;
	}
	case FX__OP_RLIMIT_RAISE: {
		const uint64_t *l = op->ptr;
		put(o, "prlimit64(0, ");
		put_rlimit_name(o, op->a);
		put(o, ", {rlim_cur=<current>, rlim_max=");
		put_limit(o, l[1]);
		put(o, "}, NULL) <if above the current hard limit>");
		break;
	}
	case FX__OP_JOIN_CGROUP:
		put(o, "write(openat(<cgroup>, \"cgroup.procs\", O_WRONLY|O_CLOEXEC), \"0\", 1)"
		       " <unless the clone put it there>");
		break;
	case FX__OP_NICE:
		put(o, "setpriority(PRIO_PROCESS, 0, %d)", op->a);
		break;
	case FX__OP_AFFINITY:
		put(o, "sched_setaffinity(0, %d, <the set>)", op->b);
		break;
	case FX__OP_BOUNDING:
		put(o, "prctl(PR_CAPBSET_DROP, <each capability of %#llx>)",
		    (unsigned long long)plan->bounding_drop);
		break;
	case FX__OP_KEEPCAPS:
		put(o, "prctl(PR_SET_KEEPCAPS, 1)");
		break;
	case FX__OP_AMBIENT:
		put(o, "capset(..., {inheritable=%#llx}); prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,"
		       " <each of %#llx>)",
		    (unsigned long long)(plan->ambient | (op->c ? plan->inheritable : 0)),
		    (unsigned long long)plan->ambient);
		break;
	case FX__OP_INHERITABLE:
		put(o, "capset(..., {inheritable=%#llx})", (unsigned long long)plan->inheritable);
		break;
	case FX__OP_UMASK:
		put(o, "umask(0%03o)", (unsigned)op->a);
		break;
	case FX__OP_NO_NEW_PRIVS:
		put(o, "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)");
		break;
	case FX__OP_SECCOMP: {
		/* The raw program, or the one compiled from names. */
		const __typeof__(plan->seccomp) *f = op->ptr ? op->ptr : &plan->seccomp;
		put(o, "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=%u, filter=...})", (unsigned)f->len);
		break;
	}
	case FX__OP_PROPAGATION:
		put(o, "mount(NULL, \"/\", NULL, ");
		put_mount_flags(o, (unsigned long)op->a);
		put(o, ", NULL)");
		break;
	case FX__OP_IOPRIO:
		put(o, "ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(%d, %d))",
		    op->a >> 13, op->a & 0x1fff);
		break;
	case FX__OP_SECUREBITS:
		put(o, "prctl(PR_SET_SECUREBITS, %#x)", (unsigned)op->a);
		break;
	case FX__OP_TIME_OFFSETS:
		put(o, "write(openat(AT_FDCWD, \"/proc/self/timens_offsets\", O_WRONLY|O_CLOEXEC), ");
		put_str(o, op->ptr);
		put(o, ", %d)", op->b);
		break;
	case FX__OP_LANDLOCK:
		put(o, "landlock_restrict_self(%d, 0); close(%d)", op->a, op->a);
		break;
	case FX__OP_JOIN:
		put(o, "setns(%d, ", op->a);
		{
			int first = 1;
			put_ns(o, *(const unsigned long *)op->ptr, &first);
		}
		put(o, ")");
		break;
	case FX__OP_MOUNT: {
		const struct fx__mount_args *m = op->ptr;
		put(o, "mount(");
		put_str(o, m->src);
		put(o, ", ");
		put_str(o, m->dest);
		put(o, ", ");
		put_str(o, m->type);
		put(o, ", ");
		put_mount_flags(o, m->flags);
		put(o, ", ");
		put_str(o, m->data);
		put(o, ")");
		break;
	}
	case FX__OP_MKDIR:
		put(o, "mkdir(");
		put_str(o, op->ptr);
		put(o, ", 0755)");
		break;
	case FX__OP_MKFILE:
		put(o, "close(openat(AT_FDCWD, ");
		put_str(o, op->ptr);
		put(o, ", O_WRONLY|O_CREAT|O_CLOEXEC|O_NOCTTY, 0644))");
		break;
	case FX__OP_SYMLINK:
	case FX__OP_PIVOT: {
		const struct fx__mount_args *m = op->ptr;
		put(o, op->kind == FX__OP_SYMLINK ? "symlink(" : "pivot_root(");
		put_str(o, m->src);
		put(o, ", ");
		put_str(o, m->dest);
		put(o, ")");
		break;
	}
	case FX__OP_UMOUNT:
		put(o, "umount2(");
		put_str(o, op->ptr);
		put(o, ", MNT_DETACH)");
		break;
	case FX__OP_REMOUNT_RO:
		put(o, "mount(\"none\", ");
		put_str(o, op->ptr);
		put(o, ", \"none\", MS_RDONLY|MS_REMOUNT|MS_BIND<|the locked flags>, NULL)");
		break;
	case FX__OP_SETHOSTNAME:
		put(o, "sethostname(");
		put_str(o, op->ptr);
		put(o, ", %d)", op->a);
		break;
	default:
		put(o, "<operation %u>", (unsigned)op->kind);
		break;
	}
}

/* A placeholder number for a descriptor the parent would open: above
 * every number the caller's maps name. */
static int next_fd(const struct fx_attr *attr, int *next)
{
	if (*next < 3)
		for (size_t i = 0; i < attr->nmaps; i++) {
			if (attr->maps[i].parent_fd + 1 > *next)
				*next = attr->maps[i].parent_fd + 1;
			if (attr->maps[i].child_fd + 1 > *next)
				*next = attr->maps[i].child_fd + 1;
		}
	if (*next < 3)
		*next = 3;
	return (*next)++;
}

/* stdio.c's transform, on paper: each stream setting becomes a map from a
 * named placeholder descriptor, and its opening a parent line. */
static int plan_stdio(struct out *o, struct fx_attr *eff, struct fx__fd_map *maps,
                      const struct fx_attr *attr)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	int next = 0, stdout_from = -1;

	if (attr->nmaps)
		memcpy(maps, attr->maps, attr->nmaps * sizeof *maps);
	eff->maps = maps;
	eff->nmaps = attr->nmaps;
	for (int s = 0; s < 3; s++) {
		const struct fx__stdio *st = &attr->stdio[s];
		int fd, pair;

		switch (st->how) {
		case FX_STDIO_INHERIT:
		case FX_STDIO_FD:       /* a map already */
			continue;
		case FX_STDIO_NULL:
			fd = next_fd(attr, &next);
			parent_line(o);
			put(o, "open(\"/dev/null\", %s|O_CLOEXEC|O_NOCTTY) = %d  /* %s */\n",
			    s == FX_STDIN ? "O_RDONLY" : "O_WRONLY", fd, names[s]);
			break;
		case FX_STDIO_PATH:
			fd = next_fd(attr, &next);
			parent_line(o);
			put(o, "open(");
			put_str(o, st->path);
			put(o, ", %#o|O_CLOEXEC|O_NOCTTY, 0%03o) = %d  /* %s */\n", (unsigned)st->oflags,
			    (unsigned)st->mode, fd, names[s]);
			break;
		case FX_STDIO_PIPE:
		case FX_STDIO_PIPE_NONBLOCK:
			fd = next_fd(attr, &next);
			pair = next_fd(attr, &next);
			parent_line(o);
			put(o, "pipe2([%d, %d], O_CLOEXEC) = 0  /* %s; the parent keeps %d */\n",
			    s == FX_STDIN ? fd : pair, s == FX_STDIN ? pair : fd, names[s], pair);
			break;
		case FX_STDIO_STDOUT:
			fd = stdout_from >= 0 ? stdout_from : FX_STDOUT;
			break;
		default:
			return -EINVAL;
		}
		if (s == FX_STDOUT)
			stdout_from = fd;
		/* The stream's own map replaces any the caller gave it. */
		size_t j = 0;
		for (size_t i = 0; i < eff->nmaps; i++)
			if (maps[i].child_fd != s)
				maps[j++] = maps[i];
		eff->nmaps = j;
		maps[eff->nmaps].child_fd = s;
		maps[eff->nmaps].parent_fd = fd;
		eff->nmaps++;
	}
	return 0;
}

static void put_clone(struct out *o, const struct fx__plan *plan, int backend)
{
	int first = 1;

	if (plan->cgroup_fd >= 0) {
		parent_line(o);
		put(o, "<cgroup directory: fd %d>\n", plan->cgroup_fd);
	}
	parent_line(o);
	if (backend == FX_BACKEND_FORK) {
		put(o, "fork() = <pid>  /* _Fork, no atfork handlers */\n");
		return;
	}
	put(o, "clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_PIDFD|CLONE_CLEAR_SIGHAND");
	first = 0;
	put_ns(o, plan->ns_flags, &first);
	if (plan->cgroup_fd >= 0)
		put(o, "|CLONE_INTO_CGROUP");
	put(o, ", exit_signal=SIGCHLD");
	if (plan->cgroup_fd >= 0)
		put(o, ", cgroup=%d", plan->cgroup_fd);
	put(o, "}, 88) = <pid>\n");
}

ssize_t fx_attr_explain(const fx_attr *attr, const char *file, char *const argv[],
                        char *buf, size_t len, fx_error *err)
{
	struct out o = { buf, len, 0 };
	struct fx_attr eff;
	struct fx__fd_map *maps;
	struct fx__plan plan;
	fx_error scratch;
	char *path = NULL;
	int *slot_src = NULL;
	long bad_fd = -1;
	int rc;

	if (!err)
		err = &scratch;
	fx__set_error(err, FX_STEP_NONE, 0, -1);
	if (!file || !argv || !argv[0] || (!buf && len))
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	if (len)
		buf[0] = '\0';
	if (!attr) {
		fx_attr *fresh;
		if ((rc = fx_attr_new(&fresh)) < 0)
			return fx__set_error(err, FX_STEP_PLAN, -rc, -1);
		rc = (int)fx_attr_explain(fresh, file, argv, buf, len, err);
		fx_attr_free(fresh);
		return rc;
	}
	if (!*file)
		return fx__set_error(err, FX_STEP_LOOKUP, ENOENT, -1);
	rc = fx__lookup(file, attr, &path);
	if (rc < 0) {
		fx__set_error(err, FX_STEP_LOOKUP, -rc, -1);
		snprintf(err->subject, sizeof err->subject, "%s", file);
		return rc;
	}
	maps = malloc((attr->nmaps + 3) * sizeof *maps);
	if (!maps) {
		free(path);
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	}
	eff = *attr;
	rc = plan_stdio(&o, &eff, maps, attr);
	if (rc < 0) {
		free(maps);
		free(path);
		return fx__set_error(err, FX_STEP_ARGS, -rc, -1);
	}
	/* No error pipe: the child would report in memory or through a pipe
	 * made at spawn time; either way it is not one of the plan's fds. */
	rc = fx__plan_build(&plan, &eff, path, argv, -1, -1, &bad_fd);
	if (rc < 0) {
		int step = plan.fail_step ? plan.fail_step : rc == -EBADF ? FX_STEP_FD_MAP : FX_STEP_PLAN;
		fx__plan_free(&plan);
		free(maps);
		free(path);
		return fx__set_error(err, step, -rc, rc == -EBADF ? bad_fd : -1);
	}
	put_clone(&o, &plan, eff.backend);

	slot_src = calloc(plan.nslots + 1, sizeof *slot_src);
	if (!slot_src) {
		fx__plan_free(&plan);
		free(maps);
		free(path);
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	}
	for (size_t i = 0; i < plan.child.nops; i++) {
		const struct fx__op *op = &plan.child.ops[i];
		if (op->kind == FX__OP_FD_TO_SLOT && (size_t)op->b < plan.nslots)
			slot_src[op->b] = op->a;
		child_line(&o);
		put_op(&o, &plan, op, slot_src);
		put(&o, "\n");
	}
	free(slot_src);
	fx__plan_free(&plan);
	free(maps);
	free(path);
	return (ssize_t)o.pos;
}
