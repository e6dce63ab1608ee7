#!/bin/sh
# Runs every test against one build (default build-asan: ASan + UBSan,
# leaks are failures) and prints the closing line "N passed, N failed".
# OBKIT_BUILD=build runs against the normal build instead.
# SHARED_DIR (default ../shared) and CONFORMANCE_DIR locate the team data.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
B=${OBKIT_BUILD:-build-asan}
SHARED_DIR=${SHARED_DIR:-$top/../shared}
# without ".." in it: chromedriver refuses upload paths that have them
SHARED_DIR=$(cd "$SHARED_DIR" 2>/dev/null && pwd -P || echo "$SHARED_DIR")
export SHARED_DIR
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
case $B in
build-asan) BIN=build-asan/bin ;;
*) BIN=bin ;;
esac
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0

tally() { # name exit-code output-file
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$3" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $1: no result line (exit $2)"
		tail -n 20 "$3"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed.*$/\2/')
	f=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed.*$/\3/')
	# a crash or sanitizer report after the counts still fails the run
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL $1: exit $2 with no failed check"
		tail -n 30 "$3"
	elif [ "$f" -ne 0 ]; then
		grep -E 'FAIL|failed:|CHECK' "$3" | head -n 40
	fi
	echo "$1: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in "$B"/tests/test_* "$B"/tests/run_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	"$t" >"$log/$n" 2>&1
	tally "$n" $? "$log/$n"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[ "$n" = lib ] && continue # helpers, sourced by the others
	sh "$t" "$top/$BIN" "$SHARED_DIR" >"$log/$n" 2>&1
	tally "cli/$n" $? "$log/$n"
done
# the fuzz targets' seeds and regression inputs, replayed (tests/fuzz/README.md)
if [ -f tests/fuzz/replay.sh ]; then
	sh tests/fuzz/replay.sh "$B" >"$log/fuzz_replay" 2>&1
	tally "fuzz/replay" $? "$log/fuzz_replay"
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
