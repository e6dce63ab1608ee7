#!/bin/sh
# manpages.sh BIN_DIR [SHARED_DIR]: every command synopsis a tool prints in
# --help must appear, on one line, in the SYNOPSIS of man/TOOL.1 (git checks
# its usage strings against its documentation the same way). Roff escapes
# \- and \fB \fI \fR \fP are undone before comparing; the line must be the
# synopsis itself or end with " " and the synopsis (".B ob-x" may precede
# it, on its line or the one before).
# A missing binary or man page counts as a failure, never a skip.

case ${1:-} in
'') echo "usage: sh tests/cli/manpages.sh BIN_DIR [SHARED_DIR]" >&2; exit 2 ;;
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")/../.." || exit 3

passed=0
failed=0
tmp=$(mktemp -d) || exit 3
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

for tool in ob-issuer ob-verifier ob-wallet; do
	page=man/$tool.1
	if [ ! -f "$page" ]; then
		fail "$tool: $page is missing"
		continue
	fi
	if [ ! -x "$bin/$tool" ]; then
		fail "$tool: $bin/$tool is missing"
		continue
	fi
	if ! "$bin/$tool" --help >"$tmp/help" 2>"$tmp/err"; then
		fail "$tool: '$tool --help' failed: $(head -n 1 "$tmp/err")"
		continue
	fi
	# the command list: "  TOOL synopsis"
	grep "^  $tool " "$tmp/help" | sed "s/^  $tool //" >"$tmp/synopses"
	if [ ! -s "$tmp/synopses" ]; then
		fail "$tool: --help lists no command"
		continue
	fi
	# the SYNOPSIS section, roff escapes undone, trailing blanks dropped
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/[[:space:]]*$//' "$page" |
		awk '/^\.SH/ { on = ($0 ~ /^\.SH[ \t]+"?SYNOPSIS"?$/); next } on' >"$tmp/man"
	if [ ! -s "$tmp/man" ]; then
		fail "$tool: $page has no SYNOPSIS section"
		continue
	fi
	while IFS= read -r syn; do
		if SYN=$syn awk '
			BEGIN { s = ENVIRON["SYN"]; n = length(s) }
			$0 == s || (length($0) > n && substr($0, length($0) - n) == " " s) { found = 1; exit }
			END { exit !found }' "$tmp/man"; then
			pass
		else
			fail "$tool: SYNOPSIS of $page lacks: $syn"
		fi
	done <"$tmp/synopses"
done

echo "manpages.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
