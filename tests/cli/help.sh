#!/bin/sh
# --help from the option tables (issue 15): for every command of the three
# tools, "TOOL CMD --help" prints the usage line "TOOL --help" lists, and
# "TOOL help CMD" prints the same. A command converted to an option table
# (cli/opts.h; its --help has an "options:" section) documents each option
# of its synopsis on a line of its own with a description, and each option
# documented there is one its parser takes: a flag given before an unknown
# option lets the parser reach that one ("unknown option '--frob'"), an
# option with a value given last "needs an argument". Commands not yet
# converted are named at the end (not counted).
#   sh tests/cli/help.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
export OBKIT_ISSUER_HOME="$T/no-issuer" OBKIT_WALLET_HOME="$T/no-wallet"
todo=

for tool in ob-issuer ob-wallet ob-verifier; do
	"$BIN/$tool" --help >"$T/list" 2>&1 || bad "$tool --help failed"
	sed -n "s/^  $tool //p" "$T/list" >"$T/syn"
	if [ -s "$T/syn" ]; then ok; else bad "$tool --help lists no command"; fi
	while IFS= read -r syn; do
		cmd=${syn%% *}
		"$BIN/$tool" "$cmd" --help >"$T/h" 2>"$T/he"
		rc=$?
		if [ $rc -ne 0 ]; then
			bad "$tool $cmd --help: exit $rc: $(head -n 1 "$T/he")"
			continue
		fi
		if [ "$(head -n 1 "$T/h")" = "usage: $tool $syn" ]; then ok; else
			bad "$tool $cmd --help: first line '$(head -n 1 "$T/h")', want the listed usage"
		fi
		"$BIN/$tool" help "$cmd" >"$T/h2" 2>&1
		if cmp -s "$T/h" "$T/h2"; then ok; else bad "$tool help $cmd differs from $tool $cmd --help"; fi
		if ! grep -q '^options:$' "$T/h"; then
			todo="$todo $tool/$cmd"
			continue
		fi
		# what it does, then one line per option
		if [ "$(sed -n 3p "$T/h")" != "" ] && [ "$(sed -n 2p "$T/h")" = "" ]; then ok; else
			bad "$tool $cmd --help: no description under the usage line"
		fi
		sed -n '/^options:$/,$p' "$T/h" | sed 1d | grep -v ' (global)$' >"$T/lines"
		# every option of the synopsis has its line, with words after it
		printf '%s\n' "$syn" | tr ' |[' '\n\n\n' | sed -n 's/^\(--*[a-zA-Z][-a-zA-Z0-9]*\).*/\1/p' | sort -u >"$T/synopts"
		while read -r o; do
			if grep -qE -- "^  (-[a-zA-Z], )?$o( [^ ]+)?  +[^ ]" "$T/lines" ||
			   grep -qE -- "^  $o, --[a-z-]+( [^ ]+)?  +[^ ]" "$T/lines"; then ok; else
				bad "$tool $cmd --help: no line for $o"
			fi
		done <"$T/synopts"
		grep -q -- '^  -h, --help  *print this help$\|^  --help  *print this help$' "$T/lines" && ok || bad "$tool $cmd --help: no --help line"
		# every option on a help line is one the parser takes
		sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z][-a-z0-9]*\)\( [^ ][^ ]*\)\{0,1\}  .*/\2\3/p' "$T/lines" | grep -v '^--help$' >"$T/opts"
		while read -r o arg; do
			case $tool in ob-issuer) set -- --home "$T/no-issuer" ;; ob-wallet) set -- --home "$T/no-wallet" ;; *) set -- ;; esac
			if [ -n "$arg" ]; then
				"$BIN/$tool" "$@" "$cmd" "$o" >/dev/null 2>"$T/e" </dev/null
				want="$tool: $cmd: option '$o' needs an argument"
			else
				"$BIN/$tool" "$@" "$cmd" "$o" --frob >/dev/null 2>"$T/e" </dev/null
				want="$tool: $cmd: unknown option '--frob'"
			fi
			if [ "$(head -n 1 "$T/e")" = "$want" ]; then ok; else
				bad "$tool $cmd: $o from --help: '$(head -n 1 "$T/e")', want '$want'"
			fi
		done <"$T/opts"
	done <"$T/syn"
done
expect 2 "unknown command 'nosuch'" "$BIN/ob-verifier" help nosuch
expect 0 "help COMMAND, or COMMAND --help" "$BIN/ob-verifier" help
expect 0 "^  -q, --quiet  +print nothing when the credential is valid" "$BIN/ob-verifier" verify --help
expect 0 "^  --home DIR  +issuer state .*\(global\)$" "$BIN/ob-issuer" init --help
# key's subcommands each have a table: "key rotate --help", "key list --help"
expect 0 "^usage: ob-issuer key rotate \\[--key-type ed25519\\|p256\\]$" "$BIN/ob-issuer" key rotate --help
expect 0 "^  --key-type ed25519\\|p256  +the new key's type" "$BIN/ob-issuer" key rotate --help
expect 0 "^usage: ob-issuer key list \\[--json\\]$" "$BIN/ob-issuer" key list --help
expect 0 "^  --json  +print one JSON array" "$BIN/ob-issuer" key list --help
expect 2 "^ob-issuer: key list: option '--json' takes no argument$" "$BIN/ob-issuer" --home "$T/no-issuer" key list --json=1
expect 2 "^ob-issuer: key: unknown option '--json'$" "$BIN/ob-issuer" --home "$T/no-issuer" key rotate --json
# a usage error prints the same usage line as --help
"$BIN/ob-verifier" verify --help | head -n 1 >"$T/u1"
"$BIN/ob-verifier" verify >/dev/null 2>"$T/u2"
check "usage error and --help agree (verify)" sh -c "tail -n 1 '$T/u2' | cmp -s - '$T/u1'"
"$BIN/ob-issuer" sign --help | head -n 1 >"$T/u1"
"$BIN/ob-issuer" sign >/dev/null 2>"$T/u2"
check "usage error and --help agree (issuer sign, converted while main.c keeps a literal)" sh -c "tail -n 1 '$T/u2' | cmp -s - '$T/u1'"
[ -n "$todo" ] && echo "not converted to option tables yet:$todo"
done_tests
