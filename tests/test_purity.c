/* SPDX-License-Identifier: MIT */
/*
 * The child's path is sacred: between its creation and execve the child
 * runs only its own code and raw system calls.
 *
 * Two proofs:
 *  - static: build/obj/src/child/child.o (the child's whole translation unit)
 *    references no symbol it does not define, except the raw system call
 *    stubs of src/sys/ which themselves reference nothing; it has no
 *    GOT, PLT-to-exported or TLS relocation, no thread-pointer access
 *    (a stack protector would read %fs:0x28), no indirect call; every
 *    direct call or jump lands on one of its own functions;
 *  - dynamic: a real spawn traced with strace, on both backends, for a
 *    success, a failure in the child and a plan with many steps: every
 *    system call of the child up to its execve (or its exit) is on a
 *    short allowed list.  No mmap, brk, futex, rt_sigreturn, getrandom...
 *
 * The traced program is this very binary: a constructor below turns it
 * into a one-spawn program when FXT_PURITY_SPAWN is set, before the
 * runner's main() ever runs.
 */
#include "fxt.h"
#include "purity_isa.h"
#include "forkexec-posix.h"
#include "forkexec-linux.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The one-spawn mode (runs in a constructor, not a test)              */
/* ------------------------------------------------------------------ */

/*
 * FXT_PURITY_SPAWN=<backend>:<scenario>, backend clone|fork, scenario
 *   ok    /bin/true with the defaults
 *   fail  chdir to /nope: the child fails and exits
 *   rich  many steps: setsid, pdeathsig, clean signals, a sigmask,
 *         a cwd, fds 0<->1 swapped and 2 closed, then /bin/true
 *   contain  every step of forkexec-linux.h: a user namespace with maps
 *         (the child waits for them) and four more, pdeathsig, rlimit,
 *         nice, scheduling policy, affinity, bounding set, ambient
 *         capabilities, umask, no_new_privs, an allow-all seccomp
 *         filter, one by name, (where the kernel has it) landlock, a
 *         filesystem view and a hostname, then /bin/true
 * Exit status: 0 when the spawn did what the scenario expects, else 1.
 */
/*
 * fx_posix_spawnp with every attribute flag and every kind of file
 * action, searching PATH; with `fail`, an open action that fails.
 * Returns the exit status for the one-spawn mode.
 */
static int posix_scenario(int fail)
{
	char *const argv[] = { "true", NULL };
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	struct sched_param param = { 0 };
	sigset_t set;
	pid_t pid;
	int status, rc;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	fx_posix_spawnattr_init(&attr);
	fx_posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
	                            POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSID |
	                            POSIX_SPAWN_RESETIDS);
	fx_posix_spawnattr_setsigdefault(&attr, &set);
	fx_posix_spawnattr_setsigmask(&attr, &set);
	fx_posix_spawnattr_setschedpolicy(&attr, SCHED_BATCH);
	fx_posix_spawnattr_setschedparam(&attr, &param);
	fx_posix_spawn_file_actions_init(&fa);
	fx_posix_spawn_file_actions_addopen(&fa, 5, fail ? "/nope/x" : "/", O_RDONLY | O_DIRECTORY,
	                                    0);
	fx_posix_spawn_file_actions_adddup2(&fa, 5, 6);
	fx_posix_spawn_file_actions_adddup2(&fa, 6, 6);
	fx_posix_spawn_file_actions_addclose(&fa, 5);
	fx_posix_spawn_file_actions_addchdir_np(&fa, "/");
	fx_posix_spawn_file_actions_addfchdir_np(&fa, 6);
	fx_posix_spawn_file_actions_addclosefrom_np(&fa, 7);
	setenv("PATH", "/nonexistent:/usr/bin:/bin", 1);
	rc = fx_posix_spawnp(&pid, "true", &fa, &attr, argv, environ);
	fx_posix_spawn_file_actions_destroy(&fa);
	if (fail)
		return rc == ENOENT ? 0 : 1;
	if (rc != 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* Every containment attribute on attr; -1 if one is refused. */
static int contain_scenario(fx_attr *attr)
{
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { 1, allow };
	cpu_set_t cpus;
	/* Root of a new user namespace may raise its nice value, never
	 * lower it: under `nice make check` the parent's may be above 3. */
	int niceness = getpriority(PRIO_PROCESS, 0);

	if (niceness < 3)
		niceness = 3;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (fx_attr_set_namespaces(attr, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
	                                 CLONE_NEWNET) < 0 ||
	    fx_attr_set_root_maps(attr) < 0 ||
	    fx_attr_set_pdeathsig(attr, SIGTERM) < 0 ||
	    fx_attr_set_rlimit(attr, RLIMIT_CORE, 0, 0) < 0 ||
	    fx_attr_set_nice(attr, niceness) < 0 ||
	    fx_attr_set_sched(attr, SCHED_BATCH, 0) < 0 ||
	    fx_attr_set_cpus(attr, sizeof cpus, &cpus) < 0 ||
	    fx_attr_add_bounding_drop(attr, FX_CAP(CAP_NET_RAW)) < 0 ||
	    fx_attr_set_ambient_caps(attr, FX_CAP(CAP_NET_BIND_SERVICE)) < 0 ||
	    fx_attr_set_umask(attr, 077) < 0 ||
	    fx_attr_set_no_new_privs(attr, 1) < 0 ||
	    fx_attr_set_seccomp(attr, &prog) < 0)
		return -1;
	/* The sandbox steps where this build and kernel have them: a
	 * filter by name, and landlock (everything readable). */
	{
		static const char *const deny[] = { "reboot" };

		if (fx_syscall_number("reboot") >= 0 &&
		    fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, deny, 1, 0) < 0)
			return -1;
	}
	if (fx_landlock_abi() > 0 && fx_attr_add_landlock_path(attr, "/", FX_LANDLOCK_RO) < 0)
		return -1;
	/* A filesystem view: the whole root again, read-only, and a tmpfs. */
	if (fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/", "/") < 0 ||
	    fx_attr_add_tmpfs(attr, "/tmp", 0, 01777) < 0 || fx_attr_set_hostname(attr, "pure") < 0)
		return -1;
	return 0;
}

__attribute__((constructor)) static void purity_spawn_mode(void)
{
	const char *mode = getenv("FXT_PURITY_SPAWN");
	char *const argv[] = { "true", NULL };
	fx_attr *attr = NULL;
	fx_proc *proc = NULL;
	fx_error err;
	int status = -1, rc, fail;

	if (!mode)
		return;
	fail = strstr(mode, ":fail") != NULL;
	if (fx_attr_new(&attr) < 0 ||
	    fx_attr_set_backend(attr, strncmp(mode, "fork:", 5) == 0 ?
	                        FX_BACKEND_FORK : FX_BACKEND_CLONE) < 0)
		_exit(1);
	if (fail && fx_attr_set_cwd(attr, "/nope") < 0)
		_exit(1);
	if (strstr(mode, ":rich")) {
		sigset_t mask;

		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		if (fx_attr_set_flags(attr, FX_SETSID | FX_CLEAN_SIGNALS) < 0 ||
		    fx_attr_set_pdeathsig(attr, SIGTERM) < 0 ||
		    fx_attr_set_sigmask(attr, &mask) < 0 ||
		    fx_attr_set_cwd(attr, "/") < 0 ||
		    fx_attr_set_fd(attr, 0, 1) < 0 ||
		    fx_attr_set_fd(attr, 1, 0) < 0 ||
		    fx_attr_set_fd(attr, 2, -1) < 0)
			_exit(1);
	}
	if (strstr(mode, ":contain") && contain_scenario(attr) < 0)
		_exit(1);
	if (strstr(mode, ":posix"))
		_exit(posix_scenario(strstr(mode, ":posixfail") != NULL));
	rc = fx_spawn(&proc, "/bin/true", argv, attr, &err);
	if (fail)
		_exit(rc == -ENOENT && err.step == FX_STEP_CHDIR ? 0 : 1);
	if (rc < 0) {
		/* Said on stderr, which the traced run's test shows. */
		char msg[512];

		fx_strerror(&err, msg, sizeof msg);
		fprintf(stderr, "FXT_PURITY_SPAWN=%s: %s\n", mode, msg);
		_exit(1);
	}
	if (fx_proc_wait(proc, &status, -1) < 0)
		_exit(1);
	_exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
}

/* ------------------------------------------------------------------ */
/* Running tools                                                       */
/* ------------------------------------------------------------------ */

/* The output of a shell command, malloc'd; fails the test unless it exits 0. */
static char *run_capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);
	int st;

	if (!p || !out)
		FAIL("popen %s: %s", cmd, strerror(errno));
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				FAIL("out of memory");
		}
		n = fread(out + len, 1, cap - len - 1, p);
		if (n == 0)
			break;
		len += n;
	}
	out[len] = 0;
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("`%s` failed (status 0x%x)", cmd, st);
	return out;
}

static int have_tool(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/*
 * The binutils and the compiler that read and build objects of the
 * architecture under test: $OBJDUMP, $READELF and $CC when set, else the
 * host's.  A cross gate (make check-aarch64) runs this suite under an
 * emulator, and the host's objdump cannot disassemble its objects.  Each
 * may be a command with arguments ("ccache gcc").
 */
static const char *tool(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	return v && *v ? v : fallback;
}

#define OBJDUMP tool("OBJDUMP", "objdump")
#define READELF tool("READELF", "readelf")
#define CC      tool("CC", "cc")

/* Next line of a buffer, NUL-terminated in place; NULL at the end. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = 0;
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

/* ------------------------------------------------------------------ */
/* (a) Static: the object file                                         */
/* ------------------------------------------------------------------ */

#define MAXSYMS 4096 /* riscv keeps a local symbol per label, for linker relaxation */

struct symtab {
	int n;
	char *name[MAXSYMS];
	int defined[MAXSYMS];
	int local_or_hidden[MAXSYMS];
	int is_func[MAXSYMS];
};

static int sym_find(const struct symtab *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->name[i], name) == 0)
			return i;
	return -1;
}

/* readelf -sW: Num: Value Size Type Bind Vis Ndx Name */
static void read_symbols(const char *obj, struct symtab *t)
{
	char cmd[4200], *out, *cur, *line;

	snprintf(cmd, sizeof cmd, "LC_ALL=C %s -sW '%s'", READELF, obj);
	out = run_capture(cmd);
	cur = out;
	while ((line = next_line(&cur))) {
		char type[32], bind[32], vis[32], ndx[32], name[512];

		/* powerpc64's readelf adds "[<localentry>: 8]" after Vis. */
		char *le = strstr(line, " [<localentry>:");
		if (le) {
			char *end = strchr(le, ']');
			if (end)
				memset(le, ' ', (size_t)(end + 1 - le));
		}
		if (sscanf(line, " %*[0-9]: %*x %*s %31s %31s %31s %31s %511s",
		           type, bind, vis, ndx, name) != 5)
			continue;
		if (t->n == MAXSYMS)
			FAIL("%s: too many symbols", obj);
		t->name[t->n] = strdup(name);
		t->defined[t->n] = strcmp(ndx, "UND") != 0;
		t->local_or_hidden[t->n] = strcmp(bind, "LOCAL") == 0 ||
		                           strcmp(vis, "HIDDEN") == 0 ||
		                           strcmp(vis, "INTERNAL") == 0;
		t->is_func[t->n] = strcmp(type, "FUNC") == 0;
		t->n++;
	}
	free(out);
}

/* The directory of src/sys the library was built with (the Makefile's
 * SYS_ARCH): uname(2) would say x86_64 for an i386 program, and qemu's
 * idea of the machine for an emulated one. */
static const char *arch_name(void)
{
#ifdef FX_SYS_ARCH
	return FX_SYS_ARCH;
#else
	static struct utsname u;

	if (uname(&u) != 0)
		FAIL("uname: %s", strerror(errno));
	return u.machine;
#endif
}

/* The raw system call stubs (the .S files of src/sys/ARCH) and what they
 * define. */
static void read_stub_symbols(struct symtab *stubs, int *nobjs)
{
	char pattern[4200];
	glob_t g;

	snprintf(pattern, sizeof pattern, "%s/obj/src/sys/%s/*.o",
	         fxt_build_dir(), arch_name());
	*nobjs = 0;
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct symtab one = { 0 };

		read_symbols(g.gl_pathv[i], &one);
		for (int k = 0; k < one.n; k++) {
			/* A stub calls nothing outside itself. */
			if (!one.defined[k] && one.name[k][0])
				FAIL("%s references %s, which it does not "
				     "define", g.gl_pathv[i], one.name[k]);
			if (one.defined[k] && stubs->n < MAXSYMS) {
				stubs->name[stubs->n] = one.name[k];
				stubs->defined[stubs->n] = 1;
				stubs->is_func[stubs->n] = one.is_func[k];
				stubs->local_or_hidden[stubs->n] =
					one.local_or_hidden[k];
				stubs->n++;
			}
		}
		(*nobjs)++;
	}
	globfree(&g);
}

static const char *child_object(void)
{
	static char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/obj/src/child/child.o", fxt_build_dir());
	if (stat(path, &st) != 0)
		FAIL("%s: %s (make builds it with the library)", path,
		     strerror(errno));
	return path;
}

/* The generic fallback's child calls libc's syscall() by design (only
 * the fork backend, whose child has memory of its own, runs it). */
static void need_raw_child(void)
{
#ifdef FX_SYS_GENERIC
	SKIP("generic build (src/sys/generic): the child calls libc's syscall()");
#endif
}

static void need_binutils(void)
{
	if (!have_tool(OBJDUMP) || !have_tool(READELF))
		SKIP("%s/%s not installed (binutils)", OBJDUMP, READELF);
}

/*
 * Each check returns NULL when `obj` passes, else why it does not (static
 * text, or the line at fault), so that the tests below can also run them
 * on objects built to fail.
 */
static char why[4096];

#define REJECT(...) \
	do { \
		snprintf(why, sizeof why, __VA_ARGS__); \
		return why; \
	} while (0)

static const char *check_symbols(const char *obj)
{
	struct symtab syms = { 0 }, stubs = { 0 };
	int nstubs, funcs = 0;

	read_symbols(obj, &syms);
	read_stub_symbols(&stubs, &nstubs);
	for (int i = 0; i < syms.n; i++) {
		const char *name = syms.name[i];

		if (!name[0])
			continue;
		if (syms.defined[i]) {
			funcs += syms.is_func[i];
			/* Exported, it could be interposed and called
			 * through the PLT of libforkexec.so. */
			if (syms.is_func[i] && !syms.local_or_hidden[i])
				REJECT("%s exports %s with default visibility",
				       obj, name);
			continue;
		}
		/* Undefined: only a raw stub of src/sys is acceptable, and
		 * on i386 the linker's own symbol that position-independent
		 * code names to find its data (no code, nothing called). */
		if (!strcmp(name, "_GLOBAL_OFFSET_TABLE_") && !strcmp(arch_name(), "i386"))
			continue;
		/* The same on powerpc64le: each function's global entry
		 * computes its TOC pointer from .TOC. (REL16_HA/LO). */
		if (!strcmp(name, ".TOC.") && !strcmp(arch_name(), "powerpc64le"))
			continue;
		if (sym_find(&stubs, name) < 0)
			REJECT("%s references %s, defined elsewhere (stubs "
			       "found in %d object(s) of src/sys/%s)", obj,
			       name, nstubs, arch_name());
	}
	if (funcs == 0)
		REJECT("%s defines no function", obj);
	return NULL;
}

/* Relocation types that mean a GOT, a PLT to something not ours, or TLS. */
static int bad_reloc_type(const char *type)
{
	/* i386's position-independent code: the GOT's address (GOTPC)
	 * and an offset from it to data of our own (GOTOFF); neither loads
	 * an address out of the GOT, which GOT32 and GOT32X do. */
	if (!strcmp(type, "R_386_GOTPC") || !strcmp(type, "R_386_GOTOFF"))
		return 0;
	static const char *const bad[] = {
		"GOT", "TLS", "TPOFF", "DTPOFF", "TPREL", "DTPREL", "DTPMOD",
		"TLSDESC", "COPY", "IRELATIVE",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strstr(type, bad[i]))
			return 1;
	return 0;
}

static const char *check_relocations(const char *obj)
{
	struct symtab syms = { 0 };
	char cmd[4200], *out, *cur, *line, section[256] = "";

	read_symbols(obj, &syms);
	snprintf(cmd, sizeof cmd, "LC_ALL=C %s -rW '%s'", READELF, obj);
	out = run_capture(cmd);
	cur = out;
	while ((line = next_line(&cur))) {
		char type[128], symbol[512];
		int k;

		if (sscanf(line, "Relocation section '%255[^']'", section) == 1)
			continue;
		/* Debug info relocations never run. */
		if (strncmp(section, ".rela.debug", 11) == 0 ||
		    strncmp(section, ".rel.debug", 10) == 0)
			continue;
		if (sscanf(line, " %*x %*x %127s %*x %511s", type, symbol) != 2) {
			/* "Offset Info Type Symbol's Value ..." header, or a
			 * relocation without symbol. */
			if (sscanf(line, " %*x %*x %127s", type) == 1 &&
			    strncmp(type, "R_", 2) == 0 && bad_reloc_type(type))
				REJECT("%s: %s relocation in %s: %s", obj, type,
				       section, line);
			continue;
		}
		if (strncmp(type, "R_", 2) != 0)
			continue;
		if (bad_reloc_type(type))
			REJECT("%s: %s relocation in %s against %s", obj, type,
			       section, symbol);
		/* Section symbols (.text, .rodata, .LC0...) are ours. */
		if (symbol[0] == '.')
			continue;
		if (!strcmp(type, "R_386_GOTPC"))
			continue; /* against _GLOBAL_OFFSET_TABLE_, see above */
		k = sym_find(&syms, symbol);
		if (k < 0 || !syms.defined[k])
			REJECT("%s: relocation %s in %s against %s, which it "
			       "does not define", obj, type, section, symbol);
		if (!syms.local_or_hidden[k])
			REJECT("%s: relocation %s in %s against %s, which is "
			       "exported (may go through the PLT)", obj, type,
			       section, symbol);
	}
	free(out);
	return NULL;
}

/* Whether `target` (from "<name+0x10>") is one of child.o's own. */
static int own_target(const struct symtab *syms, const char *target)
{
	char name[512];
	size_t n = strcspn(target, "+->");
	int k;

	if (n >= sizeof name)
		return 0;
	memcpy(name, target, n);
	name[n] = 0;
	if (strstr(name, "@plt") || strstr(name, "@got"))
		return 0;
	/* Section-relative (local labels, .text.unlikely). */
	if (name[0] == '.')
		return 1;
	k = sym_find(syms, name);
	return k >= 0 && syms->defined[k];
}

static const struct isa *disassembly_rules(void)
{
	return isa_find(arch_name());
}

static const char *check_disassembly(const char *obj)
{
	const struct isa *isa = disassembly_rules();
	struct symtab syms = { 0 };
	char cmd[4200], *out, *cur, *line;
	int insns = 0, after_branch = 0, call_pair = 0;

	read_symbols(obj, &syms);
	/* -r: in an object file a call out shows as a call to the next
	 * instruction (or to itself); the relocation line under it names
	 * the real target. */
	snprintf(cmd, sizeof cmd,
	         "LC_ALL=C %s -dr --no-show-raw-insn '%s'", OBJDUMP, obj);
	out = run_capture(cmd);
	cur = out;
	while ((line = next_line(&cur))) {
		char mnem[64] = "", operands[1024] = "", rtype[128], rsym[512];
		const char *lt;
		enum isa_branch kind;

		/* "\t\t\t1f: R_X86_64_PLT32\tmemset-0x4" */
		if (sscanf(line, " %*x: %127[A-Z0-9_a-z] %511s", rtype, rsym) == 2 &&
		    strncmp(rtype, "R_", 2) == 0) {
			/* riscv64's call is auipc under R_RISCV_CALL_PLT,
			 * then jalr: the relocation names the target. */
			if (isa_is_call_pair_reloc(isa, rtype)) {
				if (!own_target(&syms, rsym))
					REJECT("%s: a call to %s (%s), which it "
					       "does not define", obj, rsym, rtype);
				call_pair = 1;
				continue;
			}
			/* Linker relaxation hints (R_RISCV_RELAX *ABS*). */
			if (strstr(rtype, "RELAX"))
				continue;
			if (after_branch && !own_target(&syms, rsym))
				REJECT("%s: a branch to %s (%s), which it does "
				       "not define", obj, rsym, rtype);
			continue;
		}
		after_branch = 0;
		/* "  1b:\tcall   20 <fail>" */
		if (sscanf(line, " %*x:\t%63s %1023[^\n]", mnem, operands) < 1)
			continue;
		insns++;
		/* x86 prefixes come first: "data16 data16 rex.W call" is
		 * how a TLS access calls __tls_get_addr. */
		while (isa_is_prefix(isa, mnem)) {
			char rest[1024];

			snprintf(rest, sizeof rest, "%s", operands);
			operands[0] = 0;
			if (sscanf(rest, "%63s %1023[^\n]", mnem, operands) < 1)
				break;
		}
		if (isa_reads_thread_pointer(isa, mnem, operands))
			REJECT("%s reads the thread pointer (TLS, stack "
			       "protector?): %s", obj, line);
		if (strstr(operands, "@plt"))
			REJECT("%s goes through the PLT: %s", obj, line);

		kind = isa_branch(isa, mnem, operands);
		/* The jalr (or jr, for a tail call) that completes a call
		 * whose target the relocation above named. */
		if (call_pair) {
			call_pair = 0;
			if (kind == ISA_CALL_INDIRECT || kind == ISA_JUMP_INDIRECT)
				continue;
		}
		if (kind == ISA_NOT_BRANCH)
			continue;
		after_branch = 1;
		/* A call through a pointer could go anywhere; a jump through
		 * a register is a return or a switch table, which the
		 * relocation test keeps inside .rodata/.text. */
		if (kind == ISA_CALL_INDIRECT)
			REJECT("%s makes an indirect call: %s", obj, line);
		if (kind == ISA_JUMP_INDIRECT)
			continue;
		lt = strchr(operands, '<');
		if (!lt) {
			if (kind == ISA_CALL)
				REJECT("%s: a call without a target symbol: %s",
				       obj, line);
			continue;
		}
		if (!own_target(&syms, lt + 1))
			REJECT("%s: %s to something it does not define: %s",
			       obj, kind == ISA_CALL ? "call" : "jump", line);
	}
	free(out);
	if (insns < 5)
		REJECT("%s: only %d instructions seen: the parse is broken",
		       obj, insns);
	return NULL;
}

TEST_ONCE_CORE(purity_child_object_symbols)
{
	const char *bad;

	need_raw_child();
	need_binutils();
	if ((bad = check_symbols(child_object())))
		FAIL("%s", bad);
}

TEST_ONCE_CORE(purity_child_object_relocations)
{
	const char *bad;

	need_raw_child();
	need_binutils();
	if ((bad = check_relocations(child_object())))
		FAIL("%s", bad);
}

TEST_ONCE_CORE(purity_child_object_disassembly)
{
	const char *bad;

	need_raw_child();
	need_binutils();
	if (!disassembly_rules())
		SKIP("no disassembly rules for %s", arch_name());
	if ((bad = check_disassembly(child_object())))
		FAIL("%s", bad);
}

/*
 * The instruction that enters the kernel, per directory of src/sys (as
 * objdump prints it, operands too where they tell it apart: i386's
 * int $0x80 among other interrupts).
 */
static const char *trap_instruction(void)
{
	static const struct { const char *arch, *insn; } traps[] = {
		{ "x86_64", "syscall" },   { "i386", "int $0x80" },
		{ "aarch64", "svc #0x0" }, { "arm", "svc 0" },
		{ "riscv64", "ecall" },    { "powerpc64le", "sc" },
		{ "s390x", "svc 0" },
	};

	for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++)
		if (!strcmp(arch_name(), traps[i].arch))
			return traps[i].insn;
	return NULL;
}

/* How many times `obj` traps into the kernel with `insn`. */
static int count_traps(const char *obj, const char *insn)
{
	char cmd[4200], *out, *cur, *line;
	int n = 0;

	snprintf(cmd, sizeof cmd, "LC_ALL=C %s -d --no-show-raw-insn '%s'", OBJDUMP, obj);
	out = run_capture(cmd);
	cur = out;
	while ((line = next_line(&cur))) {
		char text[1024], norm[1024];
		size_t k = 0;

		/* "  1b:\tsvc\t#0x0" -> "svc #0x0": tabs and runs of spaces
		 * become one space, and what objdump adds after ; or < goes;
		 * x86's "# comment" may follow. */
		if (sscanf(line, " %*x:\t%1023[^\n]", text) != 1)
			continue;
		for (const char *c = text; *c && *c != ';' && *c != '<' &&
		                           k + 1 < sizeof norm; c++) {
			if (*c == ' ' || *c == '\t') {
				if (k && norm[k - 1] != ' ')
					norm[k++] = ' ';
			} else {
				norm[k++] = *c;
			}
		}
		while (k && norm[k - 1] == ' ')
			k--;
		norm[k] = 0;
		n += strncmp(norm, insn, strlen(insn)) == 0 &&
		     (norm[strlen(insn)] == 0 || norm[strlen(insn)] == ' ');
	}
	free(out);
	return n;
}

/* The source tree: where make built fxtest from, if it is still there
 * (BUILD may be anywhere), else the first directory above the build
 * directory that holds src/sys/rawsys.h (BUILD may be build/cross/ARCH). */
static const char *source_dir(void)
{
	static char dir[4096];
	char path[4200];
	struct stat st;

#ifdef FXT_SOURCE_DIR
	snprintf(path, sizeof path, "%s/src/sys/rawsys.h", FXT_SOURCE_DIR);
	if (stat(path, &st) == 0)
		return FXT_SOURCE_DIR;
#endif
	snprintf(dir, sizeof dir, "%s", fxt_build_dir());
	for (;;) {
		char *slash;

		snprintf(path, sizeof path, "%s/src/sys/rawsys.h", dir);
		if (stat(path, &st) == 0)
			return dir;
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			FAIL("no src/sys/rawsys.h above %s", fxt_build_dir());
		*slash = 0;
	}
}

/* The child traps into the kernel itself, with the architecture's own
 * instruction: the stubs of src/sys were inlined, not called. */
TEST_ONCE_CORE(purity_child_object_traps)
{
	const char *insn = trap_instruction();
	int n;

	need_raw_child();
	need_binutils();
	if (!insn)
		FAIL("no system call instruction known for %s", arch_name());
	n = count_traps(child_object(), insn);
	if (n < 10)
		FAIL("%s: %d \"%s\" instructions, expected one per raw system call "
		     "(dozens)", child_object(), n, insn);
}

/* The "Machine:" of an ELF object's header, e.g. "AArch64". */
static void elf_machine(const char *obj, char *machine, size_t size)
{
	char cmd[4200], *out, *cur, *line;

	snprintf(cmd, sizeof cmd, "LC_ALL=C %s -hW '%s'", READELF, obj);
	out = run_capture(cmd);
	cur = out;
	snprintf(machine, size, "?");
	while ((line = next_line(&cur)))
		if (sscanf(line, " Machine: %127[^\n]", machine) == 1)
			break;
	free(out);
}

/* Compiles `code` into an object with `flags`; returns its path. */
static char *compile_object(const char *dir, const char *name,
                            const char *flags, const char *code)
{
	char cmd[8192], *src, *obj, base[64];

	snprintf(base, sizeof base, "%s.c", name);
	src = fxt_join(dir, base);
	snprintf(base, sizeof base, "%s.o", name);
	obj = fxt_join(dir, base);
	fxt_write_file(src, code, 0644);
	snprintf(cmd, sizeof cmd, "%s %s -c -o '%s' '%s' 2>&1", CC, flags, obj,
	         src);
	free(run_capture(cmd));
	free(src);
	return obj;
}

/*
 * The analysis itself must be able to fail: each rule rejects an object
 * built to break it, and accepts a clean one built like child.o.
 */
TEST_ONCE_CORE(purity_rules_catch_bad_objects)
{
	const char *child_like = "-O2 -fPIC -fno-stack-protector "
	                         "-ffreestanding -fno-builtin "
	                         "-fvisibility=hidden";
	char *dir, *obj, machine[128], want[128];
	const char *bad;

	need_binutils();
	if (!have_tool(CC))
		SKIP("no C compiler (%s) to build the counter-examples", CC);
	dir = fxt_tmpdir();

	obj = compile_object(dir, "clean", child_like,
	                     "static int helper(int x) { return x * 3 + 1; }\n"
	                     "int entry(int *p) { int s = 0;\n"
	                     "  for (int i = 0; i < p[0]; i++) s += helper(p[i]);\n"
	                     "  return s; }\n");
	/* The counter-examples must be of child.o's architecture, or the
	 * rules would be judged on code they were not written for. */
	elf_machine(obj, machine, sizeof machine);
	elf_machine(child_object(), want, sizeof want);
	if (strcmp(machine, want) != 0)
		FAIL("%s builds objects for %s, but child.o is for %s: set CC "
		     "(and OBJDUMP, READELF) to the tools of the target", CC,
		     machine, want);
	ASSERT_STR_EQ(check_symbols(obj), NULL);
	ASSERT_STR_EQ(check_relocations(obj), NULL);
	if (disassembly_rules())
		ASSERT_STR_EQ(check_disassembly(obj), NULL);
	/* The trap counter sees none in plain code, and one per raw call
	 * in code built on our stubs. */
	if (trap_instruction()) {
		ASSERT_EQ(count_traps(obj, trap_instruction()), 0);
		char flags[4500];

		snprintf(flags, sizeof flags, "%s -D_GNU_SOURCE -iquote '%s/src'", child_like,
		         source_dir());
		obj = compile_object(dir, "traps", flags,
		                     "#include \"sys/rawsys.h\"\n"
		                     "long entry(int fd) { return fx__sys_close(fd) +\n"
		                     "  fx__sys_getpid() + fx__sys_dup3(fd, 9, 0); }\n");
		ASSERT_EQ(count_traps(obj, trap_instruction()), 3);
	}

	/* A libc call: an undefined symbol and a call out. */
	obj = compile_object(dir, "calls", child_like,
	                     "extern void *memset(void *, int, unsigned long);\n"
	                     "void entry(char *p) { memset(p, 1, 100); p[1]++; }\n");
	ASSERT(check_symbols(obj) != NULL);
	ASSERT(check_relocations(obj) != NULL);
	if (disassembly_rules()) {
		bad = check_disassembly(obj);
		ASSERT(bad != NULL);
		if (!strstr(bad, "memset"))
			FAIL("the call to memset went unseen: %s", bad);
	}

	/* Thread-local storage: TLS relocations, and in the code a call
	 * (__tls_get_addr on x86_64, a TLS descriptor's on aarch64). */
	obj = compile_object(dir, "tls", "-O2 -fPIC -fvisibility=hidden",
	                     "__thread int t;\n"
	                     "int entry(void) { return ++t; }\n");
	ASSERT(check_relocations(obj) != NULL);
	if (disassembly_rules())
		ASSERT(check_disassembly(obj) != NULL);

	/* TLS of the executable itself: nothing but a read of the thread
	 * pointer (%fs on x86_64, tpidr_el0 on aarch64, cp15's c13 on arm,
	 * tp, r13 or %a0 elsewhere), which the disassembly must see by
	 * itself. */
	obj = compile_object(dir, "tp", "-O2 -fno-PIC -ftls-model=local-exec "
	                     "-fvisibility=hidden",
	                     "__thread int t;\n"
	                     "int entry(void) { return ++t; }\n");
	if (disassembly_rules()) {
		bad = check_disassembly(obj);
		ASSERT(bad != NULL);
		if (!strstr(bad, "thread pointer"))
			FAIL("the thread pointer read went unseen: %s", bad);
	}

	/* The stack protector: the canary is read from the thread pointer
	 * (x86_64) or a global (aarch64), and a mismatch calls
	 * __stack_chk_fail. */
	obj = compile_object(dir, "canary",
	                     "-O2 -fno-PIC -fstack-protector-all "
	                     "-fvisibility=hidden",
	                     "int entry(int i) { volatile char b[64];\n"
	                     "  b[i & 63] = 1; return b[(i + 1) & 63]; }\n");
	if (disassembly_rules())
		ASSERT(check_disassembly(obj) != NULL);

	/* A call through a pointer. */
	obj = compile_object(dir, "indirect", child_like,
	                     "int entry(int (*f)(void)) { return f() + 1; }\n");
	if (disassembly_rules()) {
		bad = check_disassembly(obj);
		ASSERT(bad != NULL);
		if (!strstr(bad, "indirect call"))
			FAIL("the indirect call went unseen: %s", bad);
	}

	/* An exported function: may be called through the PLT. */
	obj = compile_object(dir, "exported", "-O2 -fPIC",
	                     "int entry(int x) { return x + 1; }\n");
	ASSERT(check_symbols(obj) != NULL);
}

/* ------------------------------------------------------------------ */
/* (b) Dynamic: strace                                                 */
/* ------------------------------------------------------------------ */

static const char *const allowed_syscalls[] = {
	"close_range", "close", "dup3", "dup2", "dup", "fcntl",
	"rt_sigaction", "rt_sigprocmask", "setsid", "setpgid", "getpid",
	"getppid", "prctl", "chroot", "setgroups", "setgid", "setuid",
	"chdir", "fchdir", "ioctl", "ptrace", "write", "exit", "exit_group",
	"execve", "getdents64", "openat", "umask", "prlimit64",
	"setpriority", "kill", "getpgid", "setresuid", "setresgid",
	"unshare", "mount", "read", "sched_setscheduler", "sched_setparam", "sched_setattr",
	"capget", "capset", "sched_setaffinity", "seccomp", "ioprio_set", "landlock_restrict_self",
	"mkdirat", "symlinkat", "pivot_root", "umount2", "sethostname",
	/* The same calls with 32-bit ids on i386 and arm, as strace names
	 * them there (seen when the i386 suite runs natively). */
	"setgroups32", "setgid32", "setuid32", "setresuid32", "setresgid32",
};

static int allowed(const char *name)
{
	for (size_t i = 0; i < sizeof allowed_syscalls / sizeof *allowed_syscalls; i++)
		if (strcmp(name, allowed_syscalls[i]) == 0)
			return 1;
	return 0;
}

#define MAXPIDS 64

struct traced {
	int pid;
	int is_thread;
	int nsys, execed, exited;
	char first[64];
	char last[64];
};

static struct traced *find_pid(struct traced *t, int *n, int pid)
{
	for (int i = 0; i < *n; i++)
		if (t[i].pid == pid)
			return &t[i];
	if (*n == MAXPIDS)
		FAIL("too many processes in the trace");
	memset(&t[*n], 0, sizeof t[*n]);
	t[*n].pid = pid;
	return &t[(*n)++];
}

/*
 * Checks an strace -f log: for every process created by the traced
 * program (not a thread), each system call up to and including its first
 * execve is on the allowed list.  Returns how many such children there
 * were and how many of them exec'd.
 */
static void check_trace(const char *path, const char *scenario, int backend,
                        int *nchildren, int *nexeced)
{
	char cmd[4200], *out, *cur, *line;
	struct traced procs[MAXPIDS];
	int n = 0, main_pid = -1;
	int pending_thread[MAXPIDS] = { 0 }, pending_pid[MAXPIDS] = { 0 };
	int npending = 0;

	snprintf(cmd, sizeof cmd, "cat '%s'", path);
	out = run_capture(cmd);
	cur = out;
	while ((line = next_line(&cur))) {
		char name[64];
		int pid, off = 0;
		const char *rest;
		struct traced *p;

		if (sscanf(line, "%d %n", &pid, &off) != 1)
			continue;
		rest = line + off;
		if (main_pid < 0)
			main_pid = pid;
		p = find_pid(procs, &n, pid);

		/* Creation: remember whether it is a thread, learn the
		 * child's pid from the result. */
		if (!strncmp(rest, "clone(", 6) || !strncmp(rest, "clone3(", 7) ||
		    !strncmp(rest, "fork(", 5) || !strncmp(rest, "vfork(", 6) ||
		    !strncmp(rest, "<... clone", 10) || !strncmp(rest, "<... fork", 9) ||
		    !strncmp(rest, "<... vfork", 10)) {
			const char *eq = strrchr(rest, '=');
			int thread = strstr(rest, "CLONE_THREAD") != NULL;

			if (strstr(rest, "<unfinished")) {
				if (npending < MAXPIDS) {
					pending_pid[npending] = pid;
					pending_thread[npending++] = thread;
				}
			} else {
				int child;

				for (int i = 0; i < npending; i++)
					if (pending_pid[i] == pid) {
						thread |= pending_thread[i];
						pending_pid[i] = -1;
					}
				if (eq && sscanf(eq + 1, " %d", &child) == 1 &&
				    child > 0)
					find_pid(procs, &n, child)->is_thread = thread;
			}
		}
		if (pid == main_pid || p->is_thread || p->execed)
			continue;
		if (!strncmp(rest, "---", 3))
			FAIL("%s: child %d received a signal before execve: "
			     "%s", scenario, pid, rest);
		if (!strncmp(rest, "+++", 3)) {
			p->exited = 1;
			continue;
		}
		if (!strncmp(rest, "<...", 4))
			continue; /* the rest of a call already counted */
		if (sscanf(rest, "%63[a-z0-9_](", name) != 1)
			FAIL("%s: cannot read the trace line \"%s\"", scenario,
			     line);
		if (p->nsys == 0)
			snprintf(p->first, sizeof p->first, "%s", name);
		snprintf(p->last, sizeof p->last, "%s", name);
		/*
		 * The libc's _Fork() itself makes one raw system call in the
		 * child before it returns (glibc registers the robust futex
		 * list, musl asks for the thread id): that is the fork
		 * backend's creation, not the child's code.
		 */
		if (!(backend == FX_BACKEND_FORK && p->nsys == 0 &&
		      (!strcmp(name, "set_robust_list") || !strcmp(name, "gettid"))) &&
		    !allowed(name))
			FAIL("%s: the child (pid %d) made system call #%d "
			     "\"%s\" before execve: %s", scenario, pid,
			     p->nsys + 1, name, rest);
		p->nsys++;
		if (!strcmp(name, "execve"))
			p->execed = 1;
	}
	free(out);
	*nchildren = *nexeced = 0;
	for (int i = 0; i < n; i++) {
		if (procs[i].pid == main_pid || procs[i].is_thread)
			continue;
		(*nchildren)++;
		*nexeced += procs[i].execed;
		if (!procs[i].execed && procs[i].nsys &&
		    strcmp(procs[i].last, "exit") &&
		    strcmp(procs[i].last, "exit_group"))
			FAIL("%s: child %d ended its trace with %s, neither "
			     "execve nor exit", scenario, procs[i].pid,
			     procs[i].last);
	}
}

/* Runs this binary in one-spawn mode under strace; returns the log path. */
static char *trace_spawn(const char *scenario, int *status)
{
	char *dir = fxt_tmpdir(), *log = fxt_join(dir, "trace");
	char self[64], mode[64];
	pid_t pid;

	/* Our own executable through /proc: still there if a rebuild has
	 * replaced build/fxtest since we started. */
	snprintf(self, sizeof self, "/proc/%d/exe", (int)getpid());
	snprintf(mode, sizeof mode, "%s:%s", fxt_backend_name(), scenario);
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0) {
		setenv("FXT_PURITY_SPAWN", mode, 1);
		execlp("strace", "strace", "-f", "-qq", "-e", "trace=all",
		       "-o", log, self, (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(waitpid(pid, status, 0), pid);
	return log;
}

static void need_strace(void)
{
	char *dir, *log;
	int st;
	pid_t pid;

	if (!have_tool("strace"))
		SKIP("strace is not installed (CI installs it)");
	/* ptrace may be forbidden here (seccomp, a container). */
	dir = fxt_tmpdir();
	log = fxt_join(dir, "probe-trace");
	pid = fork();
	ASSERT_SYS(pid);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		execlp("strace", "strace", "-f", "-qq", "-o", log, "true",
		       (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		SKIP("strace cannot trace here (status 0x%x): ptrace not "
		     "permitted?", st);
}

static void traced_scenario(const char *scenario, int want_exec)
{
	int st, nchildren, nexeced;
	char *log;

	need_strace();
	log = trace_spawn(scenario, &st);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the traced spawn (%s:%s) failed: status 0x%x",
		     fxt_backend_name(), scenario, st);
	check_trace(log, scenario, fxt_backend(), &nchildren, &nexeced);
	/* The spawned child, plus whatever the library made on the side
	 * (a one-time probe child of the clone backend). */
	ASSERT_GE(nchildren, 1);
	if (want_exec)
		ASSERT_GE(nexeced, 1);
	else
		ASSERT_EQ(nexeced, 0);
}

TEST(purity_trace_success)
{
	traced_scenario("ok", 1);
}

TEST(purity_trace_child_failure)
{
	traced_scenario("fail", 0);
}

TEST(purity_trace_many_steps)
{
	traced_scenario("rich", 1);
}

/* Every posix_spawn attribute and file action; the PATH search's failed
 * execve calls are on the allowed list. */
TEST(purity_trace_containment)
{
	traced_scenario("contain", 1);
}

TEST(purity_trace_posix_spawn)
{
	traced_scenario("posix", 1);
}

TEST(purity_trace_posix_spawn_failure)
{
	traced_scenario("posixfail", 0);
}
