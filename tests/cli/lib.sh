# Shared helpers for the CLI tests (sourced). Each test script is run as
# `sh tests/cli/NAME.sh BIN_DIR SHARED_DIR` and ends with "N passed, N failed".
BIN=${1:?usage: $0 BIN_DIR SHARED_DIR}
SHARED=${2:-../shared}
V=$SHARED/vectors
NOW=2026-01-01T00:00:00Z
T=$(mktemp -d)
# no test may read or write the user's HTTP cache
export XDG_CACHE_HOME="$T/cache"
# nor the user's own registries and trusted-issuer list
export XDG_CONFIG_HOME="$T/config"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
name=$(basename "$0" .sh)

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN CMD... : runs CMD, wants exit CODE and PATTERN
# (grep -E) in stdout+stderr; an empty PATTERN checks the code only.
# A signal (exit > 128) is always a failure.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/out"; then
		bad "output lacks /$pat/: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	else
		ok
	fi
}

# check DESCRIPTION COMMAND... : passes when the shell command succeeds.
check() {
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

done_tests() {
	echo "$name.sh: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
