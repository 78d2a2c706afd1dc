#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Proves that tests/scripts/man-coverage.sh can fail: a small fake header, library
# and set of pages, first correct (the check must pass), then broken one
# way at a time (the check must fail and name the offender).
#
#   tests/scripts/man-coverage-selftest.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
check=$here/man-coverage.sh
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/include" "$tmp/build"
cat > "$tmp/include/fake.h" <<'EOF'
/* fx_in_a_comment(void) is prose, not a declaration. */
#include <stddef.h>
typedef struct fx_thing fx_thing;
typedef int (*fx_callback)(void *arg);
int fx_thing_new(fx_thing **out);
void fx_thing_free(fx_thing *thing);
const char *fx_thing_name(const fx_thing *thing, char *const names[],
                          size_t n);
EOF
cat > "$tmp/lib.c" <<'EOF'
#include "fake.h"
int fx_thing_new(fx_thing **out) { (void)out; return 0; }
void fx_thing_free(fx_thing *thing) { (void)thing; }
const char *fx_thing_name(const fx_thing *thing, char *const names[], size_t n)
{ (void)thing; (void)names; (void)n; return ""; }
EOF
"$CC" -shared -fPIC -I"$tmp/include" -o "$tmp/build/libforkexec.so" "$tmp/lib.c"

# A tool's option table, in tools/fxrun_args.c's form.
cat > "$tmp/args.c" <<'EOF'
static const struct opt_def opt_defs[] = {
	{ "alpha",              'a', 0, OPT_ALPHA },
	{ "beta-gamma",         0,   1, OPT_BETA },
};
EOF
export FXRUN_ARGS=$tmp/args.c

# The pages: fx_thing_new.3 documents all three functions; fake.7 points
# at it; fxrun.1 documents both options.
good() {
	rm -rf "$tmp/man"
	mkdir -p "$tmp/man"
	cat > "$tmp/man/fx_thing_new.3" <<'EOF'
.Dd November 30, 2026
.Dt FX_THING_NEW 3
.Os
.Sh NAME
.Nm fx_thing_new ,
.Nm fx_thing_free ,
.Nm fx_thing_name
.Nd things
.Sh SYNOPSIS
.In fake.h
.Ft int
.Fn fx_thing_new "fx_thing **out"
.Ft void
.Fn fx_thing_free "fx_thing *thing"
.Ft const char *
.Fo fx_thing_name
.Fa "const fx_thing *thing"
.Fa "char *const names[]"
.Fa "size_t n"
.Fc
.Sh DESCRIPTION
See
.Xr fake 7 .
EOF
	cat > "$tmp/man/fake.7" <<'EOF'
.Dd November 30, 2026
.Dt FAKE 7
.Os
.Sh NAME
.Nm fake
.Nd overview
.Sh DESCRIPTION
.Xr fx_thing_free 3
and
.Xr fx_thing_new 3 .
EOF
	cat > "$tmp/man/fxrun.1" <<'EOF'
.Dd November 30, 2026
.Dt FXRUN 1
.Os
.Sh NAME
.Nm fxrun
.Nd tool
.Sh DESCRIPTION
.Bl -tag -width Ds
.It Fl a , Fl \-alpha
first
.It Fl \-beta-gamma Ar x
second
.El
EOF
}

pass=0
fail=0
# expect STATUS PATTERN DESCRIPTION: runs the check on $tmp/man.
expect() {
	local want=$1 pattern=$2 what=$3 out rc=0
	out=$(CC=$CC "$check" "$tmp/build" "$tmp/man" "$tmp/include" 2>&1) || rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		echo "ok - $what"
		pass=$((pass + 1))
	else
		echo "not ok - $what (exit $rc, wanted $want and /$pattern/):"
		sed 's/^/#   /' <<<"$out"
		fail=$((fail + 1))
	fi
}

good
expect 0 '^man-coverage: ok: 3 pages document all 3 declared' "correct pages pass"
expect 0 '^man-coverage: ok: fxrun.1 lists all 2 options' "fxrun.1 with every option passes"

good
sed -i -e '/^\.Nm fx_thing_free ,$/d' -e '/^\.Ft void$/d' -e '/^\.Fn fx_thing_free/d' "$tmp/man/fx_thing_new.3"
expect 1 'fx_thing_free: declared in fake.h, but no section-3 page' "a function without a page fails"

good
sed -i 's/^\.Nm fx_thing_name$/.Nm fx_thing_name ,\n.Nm fx_bogus/' "$tmp/man/fx_thing_new.3"
sed -i 's/^\.Fc$/.Fc\n.Ft int\n.Fn fx_bogus void/' "$tmp/man/fx_thing_new.3"
expect 1 '\.Nm fx_bogus is not a function declared' "a bogus .Nm fails"

good
sed -e 's/FX_THING_NEW/FX_THING_FREE/' "$tmp/man/fx_thing_new.3" > "$tmp/man/fx_thing_free.3"
expect 1 'fx_thing_new is the \.Nm of more than one page' "a name on two pages fails"

good
sed -i 's/^\.Fn fx_thing_new "fx_thing \*\*out"$/.Fn fx_thing_new "fx_thing *out"/' "$tmp/man/fx_thing_new.3"
expect 1 "SYNOPSIS says 'int fx_thing_new\(fx_thing\*out\)'" "a prototype unlike the header's fails"

good
sed -i 's/^\.Fn fx_thing_new "fx_thing \*\*out"$/.Fn fx_thing_new_typo "fx_thing **out"/' "$tmp/man/fx_thing_new.3"
expect 1 'has no \.Fn in SYNOPSIS' "a name without its prototype fails"
expect 1 '\.Fn fx_thing_new_typo in SYNOPSIS is not declared' "an undeclared .Fn fails"

good
sed -i 's/^\.Xr fx_thing_new 3 \.$/.Xr fx_thing_nope 3 ./' "$tmp/man/fake.7"
expect 1 '\.Xr fx_thing_nope 3: no' "a dangling .Xr fails"

good
sed -i 's/^\.It Fl \\-beta-gamma Ar x$/.It Fl \\-beta Ar x/' "$tmp/man/fxrun.1"
expect 1 "no '\\.It Fl \\\\-beta-gamma' for the option --beta-gamma" "an option missing from fxrun.1 fails"

good
sed -i 's/^\.It Fl a , Fl \\-alpha$/.It Fl \\-alpha/' "$tmp/man/fxrun.1"
expect 1 "for the option -a, --alpha" "an option without its short name fails"

good
printf 'int fx_hidden_extra(void);\nint fx_hidden_extra(void) { return 1; }\n' >> "$tmp/lib.c"
"$CC" -shared -fPIC -I"$tmp/include" -o "$tmp/build/libforkexec.so" "$tmp/lib.c"
expect 1 'fx_hidden_extra: exported by libforkexec.so but documented by no page' "an undocumented export fails"

echo "$pass passed, $fail failed"
((fail == 0))
