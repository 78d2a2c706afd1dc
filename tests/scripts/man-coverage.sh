#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every public function has exactly one manual page, and every page names
# only functions that exist.
#
#   tests/scripts/man-coverage.sh BUILD_DIR [MAN_DIR [INCLUDE_DIR]]
#
# MAN_DIR defaults to man, INCLUDE_DIR to include (both relative to the
# current directory); BUILD_DIR holds libforkexec.so.  Fails (exit 1), listing
# every offender, when
#   - a function declared in INCLUDE_DIR/*.h is not a .Nm of a section-3 page;
#   - a .Nm of a section-3 page is not a declared function;
#   - a name is the .Nm of two pages;
#   - a .Nm of a section-3 page has no .Fn (or .Fo) in that page's SYNOPSIS;
#   - a .Fn/.Fo in a page's SYNOPSIS is not declared, or its .Ft and
#     arguments differ from the header's prototype;
#   - a function exported by BUILD_DIR/libforkexec.so is not documented;
#   - an .Xr to a forkexec page (fx_*, fxrun, forkexec*) names neither a
#     MAN_DIR/NAME.SECTION file nor a .Nm of a page of that section;
#   - an option of fxrun's table (tools/fxrun_args.c, or $FXRUN_ARGS) has
#     no .It of its own in MAN_DIR/fxrun.1 (checked when both exist).
# Exit 2 for bad usage or a missing input.
#
# Declarations are read from the preprocessed headers ($CC -E), so that
# comments and prose mentioning fx_ names do not count; of each header,
# only the text it holds itself is looked at (not what it includes).
set -euo pipefail

if (($# < 1 || $# > 3)); then
	echo "usage: $0 BUILD_DIR [MAN_DIR [INCLUDE_DIR]]" >&2
	exit 2
fi
build=$1
man=${2:-man}
inc=${3:-include}
CC=${CC:-cc}

for d in "$man" "$inc"; do
	[ -d "$d" ] || { echo "man-coverage: no directory $d" >&2; exit 2; }
done
lib=$build/libforkexec.so
[ -e "$lib" ] || { echo "man-coverage: no $lib (build it first)" >&2; exit 2; }
inc=$(cd "$inc" && pwd)

tmp=$(mktemp -d)
trap '[ -n "${MAN_COVERAGE_KEEP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT

# ---- The headers: "NAME<TAB>HEADER<TAB>PROTOTYPE", one per function. ----
# Each header is preprocessed on its own and only the lines that come from
# that header itself are kept (the line markers say where each line came
# from); they are joined and split into declarations on ';', '{' and '}'.
shopt -s nullglob
headers=("$inc"/*.h)
((${#headers[@]})) || { echo "man-coverage: no headers in $inc" >&2; exit 2; }
for h in "${headers[@]}"; do
	"$CC" -E -D_GNU_SOURCE -I"$inc" -x c "$h" |
	awk -v h="$h" '
		/^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); keep = f == h; next }
		keep { print }' |
	tr '\n' ' ' | tr ';{}' '\n\n\n' |
	awk -v hdr="${h##*/}" '
	# A declaration: "TYPE fx_name(ARGS)", not a pointer "(*fx_name)(...)".
	match($0, /(^|[^A-Za-z0-9_])fx_[A-Za-z0-9_]+[ \t]*\(/) &&
	substr($0, 1, RSTART) !~ /\([ \t]*\*[ \t]*$/ {
		name = substr($0, RSTART, RLENGTH)
		sub(/^[^f]*/, "", name)
		sub(/[ \t]*\($/, "", name)
		decl = $0
		gsub(/__attribute__[ \t]*\(\([^()]*(\([^()]*\))?[^()]*\)\)/, "", decl)
		print name "\t" hdr "\t" decl
	}'
done > "$tmp/decl"
[ -s "$tmp/decl" ] || { echo "man-coverage: no fx_ function found in $inc" >&2; exit 2; }

# ---- The pages. ----
pages=("$man"/*.[1-9])
# One line per fact, "KIND<TAB>PAGE<TAB>SECTION<TAB>NAME[<TAB>PROTO]":
#   nm   a .Nm of the NAME section
#   fn   a .Fn/.Fo of the SYNOPSIS, with the prototype its .Ft and args make
#   xr   an .Xr anywhere (NAME and the section it points to)
if ((${#pages[@]})); then
	awk '
	# mdoc arguments: words, or "quoted strings" ("" inside one is a quote).
	function args(line, out,    n, s, c, w) {
		n = 0
		s = line
		while (length(s)) {
			sub(/^[ \t]+/, "", s)
			if (s == "") break
			if (substr(s, 1, 1) == "\"") {
				w = ""; s = substr(s, 2)
				while (length(s)) {
					c = substr(s, 1, 1)
					if (c == "\"" && substr(s, 2, 1) == "\"") { w = w "\""; s = substr(s, 3); continue }
					if (c == "\"") { s = substr(s, 2); break }
					w = w c; s = substr(s, 2)
				}
			} else {
				match(s, /^[^ \t]+/)
				w = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
			}
			out[++n] = w
		}
		return n
	}
	function emit_fn(name, ft, list) {
		printf "fn\t%s\t%s\t%s\t%s %s(%s)\n", page, sect, name, ft, name, list
	}
	FNR == 1 {
		page = FILENAME; sub(/.*\//, "", page)
		sect = page; sub(/.*\./, "", sect)
		sh = ""; ft = ""; fo = ""
	}
	/^\.Sh / { sh = substr($0, 5); next }
	/^\.Nm / && sh == "NAME" { n = args(substr($0, 4), a); printf "nm\t%s\t%s\t%s\n", page, sect, a[1]; next }
	/^\.Xr / { n = args(substr($0, 4), a); if (n >= 2) printf "xr\t%s\t%s\t%s\t%s\n", page, sect, a[1], a[2] }
	sh != "SYNOPSIS" { next }
	/^\.Ft / { n = args(substr($0, 4), a); ft = a[1]; for (i = 2; i <= n; i++) ft = ft " " a[i]; next }
	/^\.Fn / {
		n = args(substr($0, 4), a); list = ""
		for (i = 2; i <= n; i++) list = list (i > 2 ? ", " : "") a[i]
		emit_fn(a[1], ft, list); ft = ""; next
	}
	/^\.Fo / { n = args(substr($0, 4), a); fo = a[1]; folist = ""; fon = 0; next }
	/^\.Fa / && fo != "" { n = args(substr($0, 4), a); for (i = 1; i <= n; i++) folist = folist (fon++ ? ", " : "") a[i]; next }
	/^\.Fc/ && fo != "" { emit_fn(fo, ft, folist); fo = ""; ft = ""; next }
	' "${pages[@]}" > "$tmp/facts"
else
	: > "$tmp/facts"
fi

# ---- The library's exported functions. ----
nm -D --defined-only "$lib" | awk 'NF >= 3 && $2 ~ /^[TtWiV]$/ { sub(/@.*/, "", $3); print $3 }' |
	sort -u > "$tmp/exported"
[ -s "$tmp/exported" ] || { echo "man-coverage: $lib exports no function" >&2; exit 2; }

# ---- The checks, in one pass. ----
for p in "${pages[@]}"; do echo "${p##*/}"; done > "$tmp/files"
awk -F'\t' -v man="$man" -v incdir="${inc##*/}" -v lib="${lib##*/}" -v npages=${#pages[@]} '
	# Prototypes are compared without the spaces that do not matter to C.
	function norm(s,    i, c) {
		gsub(/__restrict/, "restrict", s)
		gsub(/extern "C"/, "", s)
		gsub(/[ \t\n]+/, " ", s)
		for (i = 1; i <= 6; i++) {
			c = substr("*(),[]", i, 1)
			gsub(" ?\\" c " ?", c, s)
		}
		sub(/^ /, "", s); sub(/ $/, "", s)
		return s
	}
	function problem(msg) { print "man-coverage: " msg; problems++ }
	FILENAME == ARGV[1] { if (!($1 in where)) { where[$1] = $2; proto[$1] = norm($3) } next }
	FILENAME == ARGV[2] { exported[$1] = 1; next }
	FILENAME == ARGV[3] { file[$1] = 1; next }
	$1 == "nm" {
		n_nm[$4]++; nm_pages[$4] = nm_pages[$4] " " $2
		nm_sect[$4 "\t" $3] = 1
		if ($3 == "3") { nm3[$4] = 1; nm3_list[++n3] = $2 "\t" $4 }
		next
	}
	$1 == "fn" { fn[++nf] = $0; has_fn[$2 "\t" $4] = 1; next }
	$1 == "xr" { xr[++nx] = $0; next }
	END {
		for (f in where)
			if (!(f in nm3))
				problem(f ": declared in " where[f] ", but no section-3 page names it (.Nm)")
		for (i = 1; i <= n3; i++) {
			split(nm3_list[i], a, "\t")
			if (!(a[2] in where))
				problem(a[1] ": .Nm " a[2] " is not a function declared in " incdir "/*.h")
			if (!((a[1] "\t" a[2]) in has_fn))
				problem(a[1] ": " a[2] " is in NAME but has no .Fn in SYNOPSIS")
		}
		for (f in n_nm)
			if (n_nm[f] > 1)
				problem(f " is the .Nm of more than one page:" nm_pages[f])
		for (i = 1; i <= nf; i++) {
			split(fn[i], a, "\t")
			if (!(a[4] in where)) {
				problem(a[2] ": .Fn " a[4] " in SYNOPSIS is not declared in " incdir "/*.h")
				continue
			}
			got = norm(a[5])
			if (got != proto[a[4]])
				problem(a[2] ": SYNOPSIS says \x27" got "\x27, the header \x27" proto[a[4]] "\x27")
		}
		for (f in exported)
			if (!(f in nm3))
				problem(f ": exported by " lib " but documented by no page")
		for (i = 1; i <= nx; i++) {
			split(xr[i], a, "\t")
			if (a[4] !~ /^(fx_|fxrun$|forkexec)/)
				continue
			if (((a[4] "." a[5]) in file) || ((a[4] "\t" a[5]) in nm_sect))
				continue
			problem(a[2] ": .Xr " a[4] " " a[5] ": no " man "/" a[4] "." a[5] " and no page of section " a[5] " names it")
		}
		nd = 0; for (f in where) nd++
		ne = 0; for (f in exported) ne++
		if (problems) {
			printf "man-coverage: FAIL: %d problem(s); %d pages, %d declared functions, %d exported\n", problems, npages, nd, ne
			exit 1
		}
		printf "man-coverage: ok: %d pages document all %d declared functions (%d exported)\n", npages, nd, ne
	}' "$tmp/decl" "$tmp/exported" "$tmp/files" "$tmp/facts" > "$tmp/out" || rc=$?
# The problems sorted, the verdict last.
grep -v -E '^man-coverage: (FAIL|ok):' "$tmp/out" | sort || true
grep -E '^man-coverage: (FAIL|ok):' "$tmp/out"
rc=${rc:-0}

# fxrun(1) lists every option of fxrun's table (tools/fxrun_args.c, or
# $FXRUN_ARGS): each long name as ".It Fl \-NAME" or "Fl X , Fl \-NAME".
args_src=${FXRUN_ARGS:-$(dirname "$0")/../../tools/fxrun_args.c}
if [ -e "$man/fxrun.1" ] && [ -e "$args_src" ]; then
	awk '/^static const struct opt_def opt_defs\[\] = \{/, /^\};/' "$args_src" |
	sed -n -E "s/^[[:space:]]*\{ \"([a-z0-9-]+)\",[[:space:]]*('(.)'|0),.*/\1 \3/p" > "$tmp/options"
	[ -s "$tmp/options" ] || { echo "man-coverage: no option table in $args_src" >&2; exit 2; }
	n_opt=0
	while read -r long short; do
		n_opt=$((n_opt + 1))
		if [ -n "$short" ]; then
			grep -qE "^\.It Fl $short , Fl \\\\-$long( |\$)" "$man/fxrun.1" && continue
			echo "man-coverage: fxrun.1: no '.It Fl $short , Fl \\-$long' for the option -$short, --$long"
		else
			grep -qE "^\.It Fl \\\\-$long( |\$)" "$man/fxrun.1" && continue
			echo "man-coverage: fxrun.1: no '.It Fl \\-$long' for the option --$long"
		fi
		rc=1
	done < "$tmp/options"
	((rc)) || echo "man-coverage: ok: fxrun.1 lists all $n_opt options of ${args_src##*/}"
fi
exit "$rc"
