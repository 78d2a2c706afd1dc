# The system call names of the architecture the compiler targets, from
# the `$(CC) -dM -E` of <asm/unistd.h> (the Makefile's rule for
# $(BUILD)/gen/syscall_names.h): one FX__SYSCALL(name) line per
# __NR_name macro.  Only names go out; their numbers are the macros'
# own values, which src/seccomp_linux.c takes from the same header, so
# that expressions (arm's __NR_SYSCALL_BASE + 3, the asm-generic
# __NR3264_ aliases) are the compiler's to evaluate.
#
# Left out: macros that are no system call (__NR_syscalls, the count of
# asm-generic; __NR_arch_specific_syscall, its base for riscv's own).
# The upper-case ones (__NR_SYSCALL_BASE) never match the pattern.
$1 == "#define" && $2 ~ /^__NR_[a-z0-9_]+$/ {
	name = substr($2, 6)
	if (name == "syscalls" || name == "arch_specific_syscall")
		next
	print "FX__SYSCALL(" name ")"
}
