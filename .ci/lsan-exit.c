/* SPDX-License-Identifier: MIT */
/*
 * Linked into the sanitizer build of the test runners only (see
 * mk/gates.mk, check-sanitize): every _exit() of the runner's code goes
 * through here first.
 *
 * Why: the runner ends each test process with _exit(), and LeakSanitizer
 * only looks for leaks from an atexit handler, which _exit skips; without
 * this, a test's leaks would never be reported.  The link uses
 * -Wl,--wrap=_exit, so only the calls made by the objects linked into the
 * binary (the runner, the tests) come here; the library's child leaves
 * with the raw exit system call and never does.
 */
#include <unistd.h>

int __lsan_do_recoverable_leak_check(void);
void __real__exit(int status) __attribute__((noreturn));
void __wrap__exit(int status) __attribute__((noreturn));

/* LeakSanitizer's own exit code, so that a leak reads as such. */
#define FX_LEAK_EXIT 23

void __wrap__exit(int status)
{
	if (__lsan_do_recoverable_leak_check() && status == 0)
		status = FX_LEAK_EXIT;
	__real__exit(status);
}
