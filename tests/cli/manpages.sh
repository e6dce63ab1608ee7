#!/bin/sh
# manpages.sh BIN_DIR [SHARED_DIR]: every command synopsis a tool prints in
# --help must appear, on one line, in the SYNOPSIS of man/TOOL.1 (git checks
# its usage strings against its documentation the same way). Roff escapes
# \- and \fB \fI \fR \fP are undone before comparing; the line must be the
# synopsis itself or end with " " and the synopsis (".B ob-x" may precede
# it, on its line or the one before). Then the options of every command
# converted to an option table against the page (see below).
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

# The options of each command converted to an option table (its --help
# has an "options:" section) are documented in the man page: each long
# option of the table on an item line (.B/.BI/.BR/.IB) outside SYNOPSIS.
# And the other way, for the pages whose OPTIONS have a section per
# command (.SS NAME): each option on an item line of that section is one
# of the command's table.
for tool in ob-issuer ob-verifier ob-wallet; do
	page=man/$tool.1
	[ -f "$page" ] && [ -x "$bin/$tool" ] || continue
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$page" |
		awk '/^\.SH/ { syn = ($0 ~ /SYNOPSIS/) } !syn' >"$tmp/body"
	grep -E '^\.(B|BI|BR|IB|IR|RB) ' "$tmp/body" >"$tmp/items"
	"$bin/$tool" --help 2>/dev/null | sed -n "s/^  $tool \([a-z][-a-z]*\).*/\1/p" | sort -u >"$tmp/cmds"
	while read -r cmd; do
		OBKIT_ISSUER_HOME=$tmp/none OBKIT_WALLET_HOME=$tmp/none "$bin/$tool" "$cmd" --help >"$tmp/h" 2>/dev/null </dev/null
		grep -q '^options:$' "$tmp/h" || continue
		sed -n '/^options:$/,$p' "$tmp/h" | grep -v ' (global)$' |
			sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z][-a-z0-9]*\).*/\2/p' | grep -v '^--help$' >"$tmp/opts"
		while read -r o; do
			if grep -qE -- "(^|[ \"(,])$o([ \",)=]|\$)" "$tmp/items"; then
				pass
			else
				fail "$tool: $page documents no $o ($cmd --help lists it)"
			fi
		done <"$tmp/opts"
		# the command's own section, when the page has one
		awk -v c="$cmd" '/^\.S[HS]/ { on = ($0 == ".SS " c); next } on' "$tmp/body" |
			awk '/^\.TP/ { item = 1; next } item { print; item = 0 }' |
			grep -oE -- '--[a-z][-a-z0-9]*' | sort -u >"$tmp/documented"
		while read -r o; do
			if grep -qE -- "^  (-[a-zA-Z], )?$o( |\$)" "$tmp/h"; then
				pass
			else
				fail "$tool: $page's '$cmd' section documents $o, which '$tool $cmd --help' lacks"
			fi
		done <"$tmp/documented"
	done <"$tmp/cmds"
done

echo "manpages.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
