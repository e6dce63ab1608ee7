#!/bin/sh
# One option grammar for ob-issuer, ob-wallet and ob-verifier (issue 13):
# global options before or after the command name give the same result;
# a bad option and a missing value are reported in one form by every tool
# and command; "--" ends the options (nothing after it is lifted); the
# network options are the same for the wallet and the verifier; and every
# option a synopsis shows with a value is one getopt_long wants a value
# for (the lifting of --home reads the synopses to skip values).
# usage: sh tests/cli/options.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS=$BIN/ob-issuer
W=$BIN/ob-wallet
VF=$BIN/ob-verifier
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
C09=$V/signed/09-ob3-v2-status-active.json
BAD=$(ls "$V"/invalid/*.json | head -n 1)
LIST=https://riverbend.example.edu/status/revocation/1=$V/signed/08-status-list-revocation.json
# nothing here may touch the user's own issuer or wallet
export OBKIT_ISSUER_HOME="$T/no-issuer" OBKIT_WALLET_HOME="$T/no-wallet"
H=$T/issuer
WH=$T/wallet
echo "correct horse battery staple" >"$T/pass"

# same NAME "CMD1" "CMD2": both give the same exit code and stdout (times
# of the check blanked); the commands are split at blanks (no path here
# has one)
same() {
	$2 >"$T/a" 2>"$T/ae"
	ra=$?
	$3 >"$T/b" 2>"$T/be"
	rb=$?
	sed -i -E 's/"(checkedAt|verifiedAt|now)": *"[^"]*"/"\1":""/g' "$T/a" "$T/b"
	if [ "$ra" -ne "$rb" ]; then
		bad "$1: exit $ra, then $rb"
		sed 's/^/    /' "$T/ae" "$T/be" | head -n 6
	elif ! cmp -s "$T/a" "$T/b"; then
		bad "$1: different output"
	elif [ ! -s "$T/a" ]; then
		bad "$1: no output to compare"
	else
		ok
	fi
}

# usage_is CODE LINE1 USAGE_PREFIX CMD...: exit CODE, stderr's first line
# exactly LINE1, its second the usage line, stdout empty
usage_is() {
	want=$1 line=$2 use=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	l1=$(sed -n 1p "$T/err")
	l2=$(sed -n 2p "$T/err")
	if [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: $*"
		sed 's/^/    /' "$T/err" | head -n 4
	elif [ "$l1" != "$line" ]; then
		bad "first line '$l1', want '$line': $*"
	elif [ "${l2#"$use"}" = "$l2" ]; then
		bad "second line '$l2', want '$use...': $*"
	elif [ -s "$T/out" ]; then
		bad "stdout not empty: $*"
	else
		ok
	fi
}

# --- set-up: an issuer with one achievement, a wallet with one credential
expect 0 "" "$IS" --home "$H" init --name "Riverbend Test" --url https://riverbend.example.edu
expect 0 "" "$IS" achievement --home "$H" add --id weld-1 --name Welding --description d --criteria c
expect 0 "" "$W" init --home "$WH" --kdf-cost test --passphrase-file "$T/pass"
expect 0 "" "$W" --home "$WH" --passphrase-file "$T/pass" add --now $NOW --offline "$C01"

# --- the same result before and after the command name
same "issuer --home, before and after" \
	"$IS --home $H achievement list" \
	"$IS achievement list --home $H"
same "issuer --home=DIR after the arguments" \
	"$IS --home $H achievement show weld-1" \
	"$IS achievement show weld-1 --home=$H"
same "issuer --json before and after" \
	"$IS --home $H achievement list --json" \
	"$IS --json --home $H achievement list"
same "wallet --home, --passphrase-file before and after" \
	"$W --home $WH --passphrase-file $T/pass list" \
	"$W list --passphrase-file $T/pass --home $WH"
same "wallet --json before and after" \
	"$W --json --home $WH --passphrase-file $T/pass list" \
	"$W --home $WH list --passphrase-file $T/pass --json"
same "verifier --json before and after" \
	"$VF --json verify --now $NOW --offline --no-default-registries $C01" \
	"$VF verify --now $NOW --offline --no-default-registries $C01 --json"
same "verifier -q and --offline before and after" \
	"$VF -q --offline verify --now $NOW --no-default-registries $BAD" \
	"$VF verify -q --now $NOW --offline --no-default-registries $BAD"
same "verifier --quiet is -q" \
	"$VF --quiet verify --now $NOW --offline --no-default-registries $BAD" \
	"$VF verify -q --now $NOW --offline --no-default-registries $BAD"
expect 0 "" "$VF" -q verify --now $NOW --offline --no-default-registries "$C01"
check "-q before the command leaves stdout empty" test ! -s "$T/out"
same "verifier --doc URL=FILE before and after" \
	"$VF --doc $LIST --json verify --now $NOW --offline --no-default-registries $C09" \
	"$VF verify --now $NOW --offline --no-default-registries --json --doc $LIST $C09"
same "canon --doc before and after" \
	"$VF --doc $LIST canon $C01" \
	"$VF canon $C01 --doc $LIST"
expect 0 '"verdict": "valid"' "$VF" --doc "$LIST" --json verify --now $NOW --offline --no-default-registries "$C09"
# a global option's value is one word, whatever it looks like
expect 0 "" "$IS" achievement add --id weld-2 --name --home --description d --criteria c --home "$H"
expect 0 '"name": "--home"' "$IS" --home "$H" achievement show weld-2
expect 1 "proof has no challenge, expected '--json'" "$VF" verify --challenge --json --now $NOW --offline --no-default-registries "$C01"

# --- "--" ends the options: nothing after it is lifted or moved past it
expect 1 "no credential '--home=/nope'" "$IS" --home "$H" status -- --home=/nope
expect 2 "too many arguments" "$W" --home "$WH" --passphrase-file "$T/pass" show -- --home "$WH"
expect 3 "cannot open '--json'" "$VF" canon -- --json
same "moved options stay before --" \
	"$VF --json verify --now $NOW --offline --no-default-registries -- $C01" \
	"$VF verify --json --now $NOW --offline --no-default-registries $C01"

# --- one form for a bad option, every tool and command
for cmd in init "achievement add" issue revoke suspend reinstate status publish sign bake clr; do
	set -- $cmd
	usage_is 2 "ob-issuer: $1: unknown option '--frob'" "usage: ob-issuer $1 " "$IS" --home "$H" $cmd --frob
done
for cmd in init add list show export remove whoami present refresh share backup restore passwd; do
	usage_is 2 "ob-wallet: $cmd: unknown option '--frob'" "usage: ob-wallet $cmd" "$W" --home "$WH" $cmd --frob
done
for cmd in verify canon qr scan serve; do
	usage_is 2 "ob-verifier: $cmd: unknown option '--frob'" "usage: ob-verifier $cmd " "$VF" $cmd --frob
done
usage_is 2 "ob-issuer: bake: unknown option '-z'" "usage: ob-issuer bake " "$IS" bake -z
usage_is 2 "ob-wallet: export: unknown option '-z'" "usage: ob-wallet export " "$W" export -z x
usage_is 2 "ob-verifier: verify: unknown option '-z'" "usage: ob-verifier verify " "$VF" verify -z x
# a missing value
usage_is 2 "ob-issuer: issue: option '--achievement' needs an argument" "usage: ob-issuer issue " "$IS" --home "$H" issue --achievement
usage_is 2 "ob-issuer: bake: option '-o' needs an argument" "usage: ob-issuer bake " "$IS" bake -o
usage_is 2 "ob-issuer: issue: option '-j' needs an argument" "usage: ob-issuer issue " "$IS" issue -j
usage_is 2 "ob-wallet: add: option '--doc' needs an argument" "usage: ob-wallet add " "$W" add --doc
usage_is 2 "ob-wallet: present: option '-o' needs an argument" "usage: ob-wallet present " "$W" present x -o
usage_is 2 "ob-verifier: verify: option '--doc' needs an argument" "usage: ob-verifier verify " "$VF" verify --doc
usage_is 2 "ob-verifier: qr: option '--png' needs an argument" "usage: ob-verifier qr " "$VF" qr --png
usage_is 2 "ob-verifier: serve: option '--listen' needs an argument" "usage: ob-verifier serve " "$VF" serve --listen
# a value for a flag, an ambiguous abbreviation
usage_is 2 "ob-issuer: status: option '--json' takes no argument" "usage: ob-issuer status " "$IS" status x --json=yes
usage_is 2 "ob-wallet: list: option '--json' takes no argument" "usage: ob-wallet list" "$W" list --json=yes
usage_is 2 "ob-verifier: verify: option '--json' takes no argument" "usage: ob-verifier verify " "$VF" verify --json=yes x
usage_is 2 "ob-verifier: verify: option '--no' is ambiguous" "usage: ob-verifier verify " "$VF" verify --no x
# the tool's own options, after the command and before it
usage_is 2 "ob-issuer: status: option '--home' needs an argument" "usage: ob-issuer status " "$IS" status x --home
usage_is 2 "ob-wallet: list: option '--passphrase-file' needs an argument" "usage: ob-wallet list" "$W" list --passphrase-file
usage_is 2 "ob-wallet: option '--passphrase-file' needs an argument" "usage: ob-wallet [global options] <command>" "$W" --passphrase-file
usage_is 2 "ob-wallet: option '--offline' takes no argument" "usage: ob-wallet [global options] <command>" "$W" --offline=1 list
usage_is 2 "ob-issuer: unknown option '--frob'" "usage: ob-issuer [global options] <command>" "$IS" --frob status x
usage_is 2 "ob-verifier: unknown option '-z'" "usage: ob-verifier [global options] <command>" "$VF" -z verify x
# a command option moved from before the name is still the command's
usage_is 2 "ob-verifier: canon: unknown option '--json'" "usage: ob-verifier canon " "$VF" --json canon "$C01"
usage_is 2 "ob-issuer: bake: unknown option '--json'" "usage: ob-issuer bake " "$IS" --json bake --credential x --image y -o z
expect 2 "unknown command 'frob'" "$W" --home "$WH" frob

# --- the network options, the wallet's and the verifier's alike
for opt in "--timeout 0" "--timeout 601" "--timeout x"; do
	set -- $opt
	expect 2 "invalid --timeout '$2' \(seconds, more than 0, at most 600\)" "$W" --home "$WH" --passphrase-file "$T/pass" add $opt "$C01"
	expect 2 "invalid --timeout '$2' \(seconds, more than 0, at most 600\)" "$VF" verify $opt "$C01"
	expect 2 "invalid --timeout '$2' \(seconds, more than 0, at most 600\)" "$VF" serve $opt
done
for tool in "$W --home $WH --passphrase-file $T/pass add $C01" "$W refresh" "$VF verify $C01" "$VF scan $C01" "$VF serve"; do
	expect 2 "--doc wants URL=FILE, got 'nourl'" $tool --doc nourl
	expect 2 "--doc: cannot read '$T/none.json'" $tool --doc "https://x.example/a=$T/none.json"
	expect 2 "$T/none.pem" $tool --cacert "$T/none.pem"
done
expect 1 "already in the wallet" "$W" --home "$WH" --passphrase-file "$T/pass" add --now $NOW --offline --no-cache --timeout 5 "$C01"
expect 1 "already in the wallet" "$W" --offline --no-cache --timeout 5 --home "$WH" --passphrase-file "$T/pass" add --now $NOW "$C01"
expect 0 "^VALID" "$VF" verify --now $NOW --offline --no-cache --timeout 5 --no-default-registries "$C01"
expect 0 "^VALID" "$VF" --offline --no-cache --timeout 5 verify --now $NOW --no-default-registries "$C01"
expect 0 "checked 1 credential" "$W" --home "$WH" --passphrase-file "$T/pass" --offline --timeout 5 --no-cache refresh --now $NOW

# --- every option a synopsis shows with a value takes one (the lifting of
# the tools' own options reads the synopses): given last, getopt_long
# must say it needs an argument. achievement, key and offer dispatch on a word.
for tool in ob-issuer ob-wallet ob-verifier; do
	"$BIN/$tool" --help | sed -n "s/^  $tool //p" >"$T/syn"
	while read -r cmd rest; do
		case $cmd in achievement | key | offer) continue ;; esac
		printf '%s\n' "$rest" | tr ' ' '\n' | awk '
			prev != "" && $0 !~ /^[\[\(|-]/ { print prev }
			{ w = $0; sub(/^[\[\(]+/, "", w); n = split(w, p, "|"); w = p[n]
			  prev = (w ~ /^-/ && w !~ /[\]\)=]/) ? w : "" }' | sort -u >"$T/opts"
		while read -r o; do
			case $tool in ob-issuer) set -- --home "$H" ;; ob-wallet) set -- --home "$WH" ;; *) set -- ;; esac
			"$BIN/$tool" "$@" $cmd "$o" >/dev/null 2>"$T/err"
			if grep -q "^$tool: $cmd: option '$o' needs an argument\$" "$T/err"; then
				ok
			else
				bad "$tool $cmd: the synopsis gives $o a value, getopt_long does not: $(head -n 1 "$T/err")"
			fi
		done <"$T/opts"
	done <"$T/syn"
done

done_tests
