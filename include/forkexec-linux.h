/* SPDX-License-Identifier: MIT */
/*
 * forkexec-linux: containment and limits for fx_spawn, on Linux.
 *
 * What Go's Linux SysProcAttr offers, and what container and sandbox
 * tools (unshare(1), setpriv(1), prlimit(1), systemd-run, bubblewrap)
 * need from a spawner: namespaces with uid and gid maps, capabilities,
 * a cgroup, resource limits, umask, no_new_privs, niceness, scheduling
 * policy, CPU affinity and a seccomp filter.  Each is an attribute of
 * an fx_attr (forkexec.h), checked when it is set, and carried out by
 * the child with raw system calls, at its place among the child's steps:
 * forkexec(7) lists them all, in order ("The child's steps, in order").
 * What needs privilege comes before the switch to another uid, the exact
 * limits after the descriptors, and the filters last.
 *
 * So a root parent can give an ordinary-user child a higher hard limit
 * or a lower nice value, as prlimit(1) and nice(1) would, while the
 * child is still root.  Inside a new user namespace the child's
 * capabilities are the namespace's: raising a hard limit or lowering
 * the nice value is then refused (EPERM, EACCES).
 *
 * Each step that fails has its own step code (forkexec.h), and
 * fx_strerror names what it worked on: `uid_map "0 1000 1": Operation
 * not permitted`, `rlimit nofile: Operation not permitted`.
 *
 * Cost.  A new user namespace with maps needs a child that waits while
 * the parent writes its maps.  forkexec does not fall back to fork for
 * it (as Go does): the child still shares the parent's memory
 * (CLONE_VM, on a stack of the library's own), waits on a pipe, and the
 * parent, once it has written the maps, sleeps until the child has
 * exec'd (CLONE_CHILD_CLEARTID wakes it).  No page table is copied, so
 * the spawn costs the same from a 16 GiB parent as from a small one.
 *
 * These setters exist on every platform, so that a portable program
 * links; where the kernel has no such feature they return -ENOTSUP.
 * The POSIX ones (umask, resource limits, nice value, scheduling policy)
 * are forkexec.h's and work on every platform and backend.
 * The fork backend (FX_BACKEND_FORK) makes namespaces with unshare(2)
 * in the child, which cannot give the child itself a new pid
 * namespace: with that backend CLONE_NEWPID is refused (-EINVAL).  Its
 * child also cannot be born in a cgroup: it writes itself into the
 * cgroup's cgroup.procs, after setsid and setpgid.
 */
#ifndef FORKEXEC_LINUX_H
#define FORKEXEC_LINUX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* <linux/filter.h>'s program: struct sock_fprog { len; filter; }. */
struct sock_fprog;

/* ------------------------------------------------------------------ */
/* Namespaces                                                          */
/* ------------------------------------------------------------------ */

/*
 * The namespaces the child gets new ones of: any of CLONE_NEWUSER,
 * CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC,
 * CLONE_NEWCGROUP and CLONE_NEWTIME (<sched.h>), or 0 for none (the
 * default).  Replaces the set given before.  -EINVAL for any other bit,
 * for CLONE_NEWPID with the fork backend, and for a set without
 * CLONE_NEWUSER once uid or gid maps were added.
 *
 * The clone makes them (clone3 for CLONE_NEWTIME), except where the
 * child cannot be cloned with them (the fork backend, an emulator such
 * as qemu-user): there the child calls unshare(2).  In a new pid
 * namespace the child is its pid 1: the program it runs must reap
 * orphans, as an init does (fxrun documents its choice).
 */
FX_EXTERN int fx_attr_set_namespaces(fx_attr *attr, unsigned long flags);

/*
 * Lines of the new user namespace's uid_map (gid_map): ids
 * inside..inside+count-1 in the child are outside..outside+count-1
 * outside.  Repeatable, in order, up to 340 lines (the kernel's limit).
 * Adding one asks for a new user namespace (CLONE_NEWUSER).  -EINVAL
 * for a count of 0 or a range past 2^32-1.
 *
 * The parent writes them to /proc/PID/uid_map and gid_map while the
 * child waits; the kernel then checks them (an unprivileged parent may
 * only map its own ids, one line each).  A map it refuses fails the
 * spawn with FX_STEP_UID_MAP (FX_STEP_GID_MAP) and the text in the
 * error, and leaves nothing behind.
 */
FX_EXTERN int fx_attr_add_uid_map(fx_attr *attr, uid_t inside, uid_t outside,
                                  unsigned count);
FX_EXTERN int fx_attr_add_gid_map(fx_attr *attr, gid_t inside, gid_t outside,
                                  unsigned count);

/*
 * What the parent writes to /proc/PID/setgroups before the gid map:
 * "deny" (the default when a gid map is given: an unprivileged parent
 * may write a gid map only so) or "allow" (setgroups(2) works inside;
 * writing the gid map then needs CAP_SETGID in the parent's namespace).
 */
enum fx_setgroups_policy {
	FX_SETGROUPS_DEFAULT = 0,
	FX_SETGROUPS_ALLOW,
	FX_SETGROUPS_DENY
};
FX_EXTERN int fx_attr_set_setgroups_policy(fx_attr *attr, int policy);

/*
 * The propagation of every mount of a new mount namespace (CLONE_NEWNS),
 * set by the child right after the namespace exists, as unshare(1) and
 * Go do: private by default, so that a mount the child makes under a
 * shared mount point (systemd makes / shared) never appears outside.
 * SLAVE: mounts from outside still arrive, none leaves; SHARED: both
 * ways; UNCHANGED: the copies keep the propagation of the originals.
 * Without a new mount namespace it does nothing.  -EINVAL for any other
 * value.  A refusal fails the spawn with FX_STEP_PROPAGATION.
 */
enum fx_propagation {
	FX_PROPAGATION_PRIVATE = 0,     /* MS_REC|MS_PRIVATE on "/" (default) */
	FX_PROPAGATION_SLAVE,           /* MS_REC|MS_SLAVE */
	FX_PROPAGATION_SHARED,          /* MS_REC|MS_SHARED */
	FX_PROPAGATION_UNCHANGED        /* no mount(2) call */
};
FX_EXTERN int fx_attr_set_mount_propagation(fx_attr *attr, int propagation);

/*
 * unshare --mount-proc: a fresh proc filesystem mounted on `dir` (an
 * existing directory, "/proc" as a rule) by the child, right after its
 * namespaces and their propagation, so that it shows the child's own pid
 * namespace.  Adds CLONE_NEWNS (call it after fx_attr_set_namespaces,
 * which replaces the set), so that the host's /proc stays as it is.
 * NULL: none.  -EINVAL for "", -ENAMETOOLONG from PATH_MAX on.  A
 * refusal fails the spawn with FX_STEP_MOUNT and index -2.
 */
FX_EXTERN int fx_attr_set_mount_proc(fx_attr *attr, const char *dir);

/*
 * unshare --map-root-user in one call: a new user namespace in which
 * the caller's effective uid and gid (read now) are root, and setgroups
 * denied.  Replaces any maps added before.
 */
FX_EXTERN int fx_attr_set_root_maps(fx_attr *attr);

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */
/* ------------------------------------------------------------------ */

/* A capability set as a mask: FX_CAP(CAP_NET_BIND_SERVICE) | ... */
#define FX_CAP(cap) (UINT64_C(1) << (cap))

/*
 * Ambient capabilities for the program the child runs: they survive
 * execve of an ordinary (not set-user-ID, no file capabilities) program,
 * also after the switch to the non-root uid of fx_attr_set_uid.  The
 * child keeps its permitted set across setuid (PR_SET_KEEPCAPS), makes
 * these capabilities its permitted, inheritable and effective set, and
 * raises each in the ambient set; the parent must hold them.  Without
 * ambient capabilities a switch to a non-root uid empties every set, as
 * forkexec.h says.  -EINVAL for a bit past the last capability.
 */
FX_EXTERN int fx_attr_set_ambient_caps(fx_attr *attr, uint64_t caps);

/*
 * (1.1) The child's inheritable capability set, exactly (setpriv
 * --inh-caps): set while the child is still privileged, before setuid,
 * and kept across the switch to a non-root uid, which empties the other
 * sets.  The ambient capabilities are added to it, as the kernel wants
 * every ambient one inheritable.  Each must be in the bounding set left
 * after fx_attr_add_bounding_drop, and permitted to the child or
 * already inheritable (else the spawn fails with FX_STEP_INHERITABLE,
 * EPERM, naming the capability).  It only matters for what the program
 * runs next: file capabilities, or ambient ones it raises itself.
 * -EINVAL for a bit past the last capability.
 */
FX_EXTERN int fx_attr_set_inheritable_caps(fx_attr *attr, uint64_t caps);

/*
 * The name of capability `cap` (CAP_NET_BIND_SERVICE: "net_bind_service"),
 * as fx_strerror prints it; NULL for a number it does not know.  A static
 * string.  (fx_rlimit_name, for resources, is forkexec.h's.)
 */
FX_EXTERN const char *fx_cap_name(int cap);

/*
 * Capabilities removed from the child's bounding set (PR_CAPBSET_DROP),
 * before setuid, while it may still do so: nothing it runs can gain
 * them again.  Accumulates over calls.
 */
FX_EXTERN int fx_attr_add_bounding_drop(fx_attr *attr, uint64_t caps);

/* ------------------------------------------------------------------ */
/* cgroup v2                                                           */
/* ------------------------------------------------------------------ */

/*
 * The child starts inside this cgroup v2 directory (CLONE_INTO_CGROUP,
 * Linux 5.7): it never runs a moment outside it.  By descriptor (open
 * with O_PATH or O_RDONLY, O_DIRECTORY; borrowed, it must stay open
 * until the spawn) or by path (copied, opened by the parent at each
 * spawn).  The clone's refusal (no such controller setup, a full pids
 * limit, a cgroup with children) fails the spawn with FX_STEP_CGROUP,
 * naming the cgroup.  fd -1 or path NULL: no cgroup (the default).
 */
FX_EXTERN int fx_attr_set_cgroup_fd(fx_attr *attr, int dirfd);
FX_EXTERN int fx_attr_set_cgroup_path(fx_attr *attr, const char *path);

/* ------------------------------------------------------------------ */
/* Privileges and CPUs (umask, rlimits, nice, scheduling: forkexec.h)  */
/* ------------------------------------------------------------------ */

/* PR_SET_NO_NEW_PRIVS in the child (on != 0); it cannot be undone. */
FX_EXTERN int fx_attr_set_no_new_privs(fx_attr *attr, int on);

/* I/O scheduling classes of fx_attr_set_ioprio (the kernel's IOPRIO_CLASS_*). */
#define FX_IOPRIO_CLASS_NONE 0  /* none: follows the CPU niceness */
#define FX_IOPRIO_CLASS_RT   1  /* realtime (needs CAP_SYS_ADMIN or CAP_SYS_NICE) */
#define FX_IOPRIO_CLASS_BE   2  /* best-effort */
#define FX_IOPRIO_CLASS_IDLE 3  /* idle: I/O only when no one else wants the disk */

/*
 * The child's I/O priority, as ionice(1) sets it: a class and a level
 * from 0 (highest) to 7 (it orders RT and BE; ionice(1) gives IDLE 7);
 * the level of NONE is 0.  Set with ioprio_set(2) before the switch to
 * another uid.  -EINVAL outside that.
 */
FX_EXTERN int fx_attr_set_ioprio(fx_attr *attr, int ioclass, int level);

/*
 * SCHED_DEADLINE (chrt --deadline): the child gets `runtime_ns` of CPU
 * in every `period_ns`, by `deadline_ns` after each period starts, set
 * with sched_setattr(2) where fx_attr_set_sched's policy is set (which
 * it replaces, and which replaces it).  1024 <= runtime <= deadline <=
 * period, each below 2^63 (the kernel's rules); period 0 means the
 * deadline.  -EINVAL outside that.  The kernel's admission control may
 * still refuse it at spawn time (EBUSY), as it refuses it without
 * CAP_SYS_NICE (EPERM): FX_STEP_SCHED.
 */
FX_EXTERN int fx_attr_set_sched_deadline(fx_attr *attr, uint64_t runtime_ns,
                                         uint64_t deadline_ns, uint64_t period_ns);

/*
 * The child's securebits (SECBIT_* of <linux/securebits.h>, bits 0 to
 * 7), set with PR_SET_SECUREBITS while the child is still privileged
 * (it needs CAP_SETPCAP), before the switch to another uid.  With
 * ambient capabilities and a non-root uid, SECBIT_KEEP_CAPS is written
 * too (execve clears it): PR_SET_KEEPCAPS would fail under
 * SECBIT_KEEP_CAPS_LOCKED.  -EINVAL for other bits.
 */
FX_EXTERN int fx_attr_set_securebits(fx_attr *attr, int bits);

/*
 * The offset of CLOCK_MONOTONIC or CLOCK_BOOTTIME in the child's new
 * time namespace (it adds CLONE_NEWTIME to the namespaces, as the maps
 * add CLONE_NEWUSER), as unshare --monotonic/--boottime set them: the
 * child unshares the time namespace itself and writes
 * /proc/self/timens_offsets before execve, which moves it in (it needs
 * CAP_SYS_TIME there, and /proc).  nanoseconds 0 to 999999999; the
 * kernel refuses offsets that would take a clock out of its range.
 * -EINVAL for another clock or nanoseconds out of range.
 */
FX_EXTERN int fx_attr_set_time_offset(fx_attr *attr, int clock, int64_t seconds,
                                      long nanoseconds);

/*
 * CPU affinity: the CPUs in the set (a cpu_set_t of setsize bytes, as
 * CPU_ALLOC_SIZE gives; copied).  -EINVAL for an empty set.
 */
FX_EXTERN int fx_attr_set_cpus(fx_attr *attr, size_t setsize, const void *cpus);

/* ------------------------------------------------------------------ */
/* seccomp                                                             */
/* ------------------------------------------------------------------ */

/*
 * A classic BPF seccomp program (copied; 1 to 4096 instructions),
 * installed with SECCOMP_SET_MODE_FILTER as the child's last step before
 * execve, so the filter applies to the program it runs and cannot break
 * the spawn.  The kernel accepts it only with no_new_privs set
 * (fx_attr_set_no_new_privs) or CAP_SYS_ADMIN in the child; otherwise
 * the spawn fails with FX_STEP_SECCOMP and EACCES.  prog NULL: none.
 */
FX_EXTERN int fx_attr_set_seccomp(fx_attr *attr, const struct sock_fprog *prog);

/*
 * seccomp by system call name, without writing BPF: with FX_SECCOMP_DENY
 * the calls named get `action` and every other call runs; with
 * FX_SECCOMP_ALLOW only the calls named run (and execve, so that the
 * child reaches its program) and every other gets `action`.  action: a
 * positive errno the call then returns (1 to 4095; 0: EPERM), or
 * FX_SECCOMP_KILL to kill the process (SIGSYS).  exit and exit_group
 * are never filtered: a process can always end.
 *
 * The names are those of the kernel headers of the architecture the
 * library was built for ("openat", "uname"); -ENOENT for a name it has
 * not (fx_syscall_number says which).  The program is compiled now,
 * in the caller, for that architecture: a call made under another ABI
 * (i386's int 0x80 on x86_64, arm32 on arm64) kills the process, and on
 * x86_64 every x32 call (its number carries __X32_SYSCALL_BIT) gets
 * `action`, so that no x32 twin of a denied call gets through.  Installed as the child's last step, like the raw
 * program (both may be given: the kernel runs both and the stricter
 * answer wins), with the same need for no_new_privs or CAP_SYS_ADMIN.
 * names NULL (n 0): none.  -EINVAL for another mode or action, -E2BIG
 * past 4096 instructions (about 3800 distinct calls), -ENOTSUP where the
 * library knows no seccomp architecture constant (x32, mips, ...).
 */
enum fx_seccomp_mode {
	FX_SECCOMP_DENY = 1,    /* the names get the action, the rest runs */
	FX_SECCOMP_ALLOW = 2    /* the names run, the rest gets the action */
};
#define FX_SECCOMP_KILL (-1)    /* action: kill the process (SECCOMP_RET_KILL_PROCESS) */
FX_EXTERN int fx_attr_set_seccomp_names(fx_attr *attr, int mode, const char *const names[],
                                        size_t n, int action);

/*
 * This architecture's number of system call `name` (as <asm/unistd.h>
 * spells it without __NR_), or -ENOENT; and the name of number `nr`, or
 * NULL (a static string).  Names the library was built with.
 */
FX_EXTERN int fx_syscall_number(const char *name);
FX_EXTERN const char *fx_syscall_name(int nr);

/* ------------------------------------------------------------------ */
/* The filesystem view                                                 */
/* ------------------------------------------------------------------ */

/*
 * Mount operations in bubblewrap's vocabulary, carried out by the child
 * in the order added, with raw system calls, after its new namespaces
 * (CLONE_NEWNS is required, -EINVAL at the spawn otherwise; with
 * CLONE_NEWUSER this works unprivileged).  With any of them the child's
 * root is a new empty tmpfs holding only what the operations put there,
 * entered with pivot_root, the old root detached, propagation made
 * slave first so that nothing goes back out.  Sources are paths of the
 * caller's root (absolute), destinations paths of the new root
 * (absolute; their parents are made as needed):
 *
 *   FX_MOUNT_BIND        src on dest, recursively
 *   FX_MOUNT_RO_BIND     the same, then read-only (the top mount)
 *   FX_MOUNT_DEV_BIND    a bind that keeps devices usable
 *   FX_MOUNT_TMPFS       a tmpfs (fx_attr_add_tmpfs: its size and mode)
 *   FX_MOUNT_PROC        a proc (needs a new pid namespace unprivileged)
 *   FX_MOUNT_DEV         a minimal /dev: null, zero, full, random,
 *                        urandom, tty (bound from the host's), a private
 *                        devpts with ptmx, shm, and the fd, stdin,
 *                        stdout and stderr links
 *   FX_MOUNT_MQUEUE      an mqueue (needs a new ipc namespace)
 *   FX_MOUNT_DIR         a directory
 *   FX_MOUNT_SYMLINK     a symbolic link dest -> src (src any text)
 *   FX_MOUNT_REMOUNT_RO  the mount at dest read-only
 *
 * -EINVAL for a relative path or another kind.  A failing operation is
 * FX_STEP_MOUNT with its index, and fx_strerror names it: `ro-bind
 * "/nope" -> "/x": No such file or directory`; it all happens in the
 * child's mount namespace, so nothing is left behind.
 * fx_attr_set_hostname: the child's hostname, in its new uts namespace
 * (CLONE_NEWUTS required); NULL: unchanged.
 */
enum fx_mount_kind {
	FX_MOUNT_BIND = 1, FX_MOUNT_RO_BIND, FX_MOUNT_DEV_BIND, FX_MOUNT_TMPFS,
	FX_MOUNT_PROC, FX_MOUNT_DEV, FX_MOUNT_MQUEUE, FX_MOUNT_DIR, FX_MOUNT_SYMLINK,
	FX_MOUNT_REMOUNT_RO
};
FX_EXTERN int fx_attr_add_mount(fx_attr *attr, int kind, const char *src, const char *dest);
FX_EXTERN int fx_attr_add_tmpfs(fx_attr *attr, const char *dest, unsigned long size,
                                mode_t mode);
FX_EXTERN int fx_attr_set_hostname(fx_attr *attr, const char *name);

/* ------------------------------------------------------------------ */
/* Joining a running process's namespaces                              */
/* ------------------------------------------------------------------ */

/*
 * The child enters these namespaces (CLONE_NEW* of fx_attr_set_namespaces)
 * of a running process, as nsenter(1) does: by its pidfd (borrowed: it
 * must stay open until the spawn; fx_proc_pidfd of a child of ours will
 * do) or by its pid (a pidfd opened at each spawn).  flags 0: none (the
 * default).  -EINVAL for another bit, -EBADF for a negative pidfd.
 *
 * The child makes one setns(pidfd, flags) call (Linux 5.8), after its
 * own new namespaces (a kind both joined and new fails the spawn with
 * -EINVAL) and the wait for their maps, before chroot and the switch of
 * ids, so while it still holds the caller's privileges (inside a new
 * user namespace: that namespace's); the kernel enters the user
 * namespace first.  A pid
 * namespace is special: setns gives it to the caller's later children
 * only, so with CLONE_NEWPID the spawn runs on a short-lived helper
 * thread of the caller that joins the pid namespace and clones the
 * child, born in it (one thread creation more per spawn; together with
 * a parent-death signal, which would fire when that thread ends, it is
 * refused with -EINVAL).  CLONE_NEWTIME: the kernel lets only a process
 * that shares its memory with no other join a time namespace, which the
 * clone backend's child does (the spawn fails with FX_STEP_JOIN and
 * EUSERS): use FX_BACKEND_FORK for it.  Failures are FX_STEP_JOIN.
 */
FX_EXTERN int fx_attr_join_namespaces_fd(fx_attr *attr, int pidfd, unsigned long flags);
FX_EXTERN int fx_attr_join_namespaces_pid(fx_attr *attr, pid_t pid, unsigned long flags);

/* ------------------------------------------------------------------ */
/* Landlock                                                            */
/* ------------------------------------------------------------------ */

/*
 * Landlock (Linux 5.13): the child's program may reach only the paths
 * given, and bind or connect only the TCP ports given, an unprivileged
 * restriction that needs no namespace.
 *
 * fx_attr_add_landlock_path: FX_LANDLOCK_RO (read files, list
 * directories, execute) or FX_LANDLOCK_RW (every right of the kernel's
 * Landlock ABI) on path and everything beneath it.  Once a path rule (or
 * FX_LANDLOCK_FS) is given, every other path is out of reach.
 * fx_attr_add_landlock_port: FX_LANDLOCK_BIND or FX_LANDLOCK_CONNECT on
 * TCP port 0 to 65535 (ABI 4, Linux 6.7); once one is given, binding
 * (connecting) to any other port is refused.  Both repeatable; the
 * paths are copied, -EINVAL for an empty one, a bad access or a port
 * past 65535.
 *
 * At each spawn the parent makes the ruleset: it opens each path
 * (O_PATH) in its own view of the file system, before the child exists,
 * so a chroot or new mount namespace of the child changes nothing of
 * which files a rule names.  The child sets no_new_privs (landlock
 * requires it) and calls landlock_restrict_self as its last step before
 * the seccomp filters and execve.  Best effort by default: rights the
 * kernel's ABI lacks are neither handled nor granted (ports before ABI
 * 4: no port restriction).  With FX_LANDLOCK_STRICT
 * (fx_attr_set_landlock_flags) the spawn fails instead when the kernel
 * cannot enforce every right the library handles for the rules given
 * (file rights: ABI 5, ports: ABI 4).  A kernel without Landlock fails
 * the spawn with -EOPNOTSUPP.  Failures are step FX_STEP_LANDLOCK,
 * naming the path (`landlock "/nope": No such file or directory`).
 *
 * fx_landlock_abi: the kernel's Landlock ABI version, or -EOPNOTSUPP.
 */
enum fx_landlock_access {
	FX_LANDLOCK_RO = 1,     /* read, list, execute */
	FX_LANDLOCK_RW = 2      /* everything */
};
enum fx_landlock_port {
	FX_LANDLOCK_BIND = 1,
	FX_LANDLOCK_CONNECT = 2
};
#define FX_LANDLOCK_STRICT (1u << 0) /* fail the spawn rather than enforce less */
#define FX_LANDLOCK_FS     (1u << 1) /* restrict paths even with no path rule: none reachable */
FX_EXTERN int fx_attr_add_landlock_path(fx_attr *attr, const char *path, int access);
FX_EXTERN int fx_attr_add_landlock_port(fx_attr *attr, unsigned port, int how);
FX_EXTERN int fx_attr_set_landlock_flags(fx_attr *attr, unsigned flags);
FX_EXTERN int fx_landlock_abi(void);

#ifdef __cplusplus
}
#endif

#endif /* FORKEXEC_LINUX_H */
