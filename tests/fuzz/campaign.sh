#!/bin/sh
# A fuzzing campaign over the libFuzzer targets (`make fuzz` runs it after
# building them; tests/fuzz/README.md). One libFuzzer process per target
# (no -jobs/-workers), FUZZ_PARALLEL of them at a time:
#   FUZZ_RUNS executions (FUZZ_VERIFY_RUNS for verify), or FUZZ_TIME
#   seconds when set; the seed corpus tests/fuzz/corpus/<target> and the
#   dictionary tests/fuzz/<target>.dict; new corpus entries in
#   FUZZ_SCRATCH/<target> (outside the tree); findings (crash-, leak-,
#   timeout-, oom-) in tests/fuzz/regress/<target>/.
# Prints execs, exec/s, coverage and findings per target; exits 1 when a
# target found something.
#   sh tests/fuzz/campaign.sh [TARGET...]
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 3
FUZZ_O=${FUZZ_O:-build-fuzz}
FUZZ_RUNS=${FUZZ_RUNS:-1000000}
FUZZ_VERIFY_RUNS=${FUZZ_VERIFY_RUNS:-2000000}
FUZZ_TIME=${FUZZ_TIME:-}
FUZZ_PARALLEL=${FUZZ_PARALLEL:-1}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-25}
FUZZ_SCRATCH=${FUZZ_SCRATCH:-$FUZZ_O/corpus}
LOGS=$FUZZ_O/logs
# leaks are findings; a report names its frames
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

[ $# -gt 0 ] || set -- verify json jsonld nquads jwt bake roster codec qr backup http

# one target, in the background or not: writes $LOGS/<t>.log and
# $LOGS/<t>.result ("execs exec/s cov finding")
one() {
	t=$1
	bin=$FUZZ_O/fuzz/fuzz_$t
	reg=tests/fuzz/regress/$t
	mkdir -p "$FUZZ_SCRATCH/$t" "$reg"
	if [ -n "$FUZZ_TIME" ]; then
		limit="-max_total_time=$FUZZ_TIME"
	elif [ "$t" = verify ]; then
		limit="-runs=$FUZZ_VERIFY_RUNS"
	else
		limit="-runs=$FUZZ_RUNS"
	fi
	ls "$reg" >"$LOGS/$t.before" 2>/dev/null
	# shellcheck disable=SC2086
	"$bin" $limit -dict="tests/fuzz/$t.dict" -artifact_prefix="$reg/" \
		-timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2560 -print_final_stats=1 \
		$FUZZ_FLAGS "$FUZZ_SCRATCH/$t" "tests/fuzz/corpus/$t" >"$LOGS/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/$t.log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOGS/$t.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$LOGS/$t.log" | tail -n 1 | sed 's/cov: //')
	ft=$(grep -o 'ft: [0-9]*' "$LOGS/$t.log" | tail -n 1 | sed 's/ft: //')
	new=$(ls "$reg" 2>/dev/null | grep -vxF -f "$LOGS/$t.before" | grep -E '^(crash|leak|timeout|oom)-' | tr '\n' ' ')
	finding=none
	if [ -n "$new" ]; then
		finding="$new"
	elif [ "$rc" -ne 0 ]; then
		finding="exit-$rc"
	fi
	echo "${execs:-?} ${speed:-?} ${cov:-?} ${ft:-?} $finding" >"$LOGS/$t.result"
	echo "fuzz $t: done (${execs:-?} execs, ${speed:-?} exec/s, cov ${cov:-?}, finding: $finding)"
}

mkdir -p "$LOGS" || exit 3
if [ -n "$FUZZ_ONE" ]; then
	one "$FUZZ_ONE"
	exit 0
fi
for t in "$@"; do
	if [ ! -x "$FUZZ_O/fuzz/fuzz_$t" ] || [ ! -f "tests/fuzz/$t.dict" ]; then
		echo "fuzz: no $FUZZ_O/fuzz/fuzz_$t or tests/fuzz/$t.dict (make fuzz-build)" >&2
		exit 3
	fi
	rm -f "$LOGS/$t.result"
done
echo "fuzz: $# targets, ${FUZZ_TIME:+$FUZZ_TIME s each}${FUZZ_TIME:-$FUZZ_RUNS runs each (verify $FUZZ_VERIFY_RUNS)}, $FUZZ_PARALLEL at a time; logs in $LOGS/"
if [ "$FUZZ_PARALLEL" -gt 1 ]; then
	# xargs keeps FUZZ_PARALLEL running; each runs this script's one()
	printf '%s\n' "$@" | xargs -P "$FUZZ_PARALLEL" -I{} env FUZZ_ONE={} sh "$0"
else
	for t in "$@"; do one "$t"; done
fi

echo
printf '%-8s %12s %9s %7s %8s  %s\n' target execs exec/s cov features finding
found=0
for t in "$@"; do
	if [ -f "$LOGS/$t.result" ]; then
		read -r execs speed cov ft finding <"$LOGS/$t.result"
	else
		execs=? speed=? cov=? ft=? finding=no-result
	fi
	printf '%-8s %12s %9s %7s %8s  %s\n' "$t" "$execs" "$speed" "$cov" "$ft" "$finding"
	[ "$finding" = none ] || found=1
done
if [ "$found" -ne 0 ]; then
	echo
	echo "fuzz: findings saved under tests/fuzz/regress/<target>/; see $LOGS/<target>.log"
	echo "for the stack trace. Reproduce: $FUZZ_O/fuzz/fuzz_<target> FILE"
	exit 1
fi
exit 0
