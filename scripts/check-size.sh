#!/bin/sh
# No C file over 1,500 lines and no function over 150 (issue 13), generated
# files aside (shared/canon/contexts_data.c). A function is what runs from a
# "{" in column 0 to the next "}" in column 0, the way every file here is
# written. Prints each offender; exits 1 if there is any.
# usage: sh scripts/check-size.sh [ROOT]
root=${1:-.}
cd "$root" || exit 2
files=$(find shared issuer wallet verifier tests -name '*.c' ! -name contexts_data.c | LC_ALL=C sort)
[ -n "$files" ] || { echo "no C files under $root"; exit 2; }
awk -v flim=1500 -v lim=150 '
FNR == 1 { if (prevfile != "" && lines > flim) printf "%s: %d lines (at most %d)\n", prevfile, lines, flim; prevfile = FILENAME; start = 0 }
{ lines = FNR }
/^\{/ { start = FNR; name = sig }
/^\}/ && start { n = FNR - start + 1; if (n > lim) { sub(/^[ \t]+/, "", name); printf "%s:%d: a function of %d lines (at most %d): %s\n", FILENAME, start, n, lim, name }; start = 0 }
{ if ($0 ~ /^[A-Za-z_]/) sig = $0 }
END { if (lines > flim) printf "%s: %d lines (at most %d)\n", prevfile, lines, flim }
' $files >"${TMPDIR:-/tmp}/size.$$"
if [ -s "${TMPDIR:-/tmp}/size.$$" ]; then
	cat "${TMPDIR:-/tmp}/size.$$"
	rm -f "${TMPDIR:-/tmp}/size.$$"
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/size.$$"
exit 0
