#!/bin/sh
# Replays every seed (tests/fuzz/corpus/<target>/) and every regression
# input (tests/fuzz/regress/<target>/, and the large issue-12 JSON inputs,
# generated here) through each fuzz target built as a plain program
# (tests/fuzz/replay.c; `make test` builds them into BUILD/tests/fuzz/ with
# the unit tests' flags: ASan+UBSan in build-asan). One check per input;
# an input that crashes, leaks or trips a sanitizer fails. Inputs listed
# in tests/fuzz/regress/OPEN (open findings) are skipped and counted.
# Ends with "N passed, N failed" (tests/run.sh counts it).
#   sh tests/fuzz/replay.sh [BUILD_DIR]
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 3
B=${1:-build-asan}
F=tests/fuzz
OPEN=$F/regress/OPEN
TARGETS=${FUZZ_TARGETS:-verify json jsonld nquads jwt bake roster codec qr backup http ob2 certificate oid4vci ecdsa_sd oid4vp oid4vp_jar cborld}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
skipped=0

# issue 12 (3): 3.5 million {} and one value over the budget, too large
# to keep in the tree
if ! python3 "$F/gen-regress.py" many "$T/many" >"$T/gen" 2>&1; then
	echo "FAIL: cannot generate the large JSON inputs"
	cat "$T/gen"
	fail=$((fail + 1))
fi

for t in $TARGETS; do
	bin=$B/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: no $bin (make tests-build)"
		fail=$((fail + 1))
		continue
	fi
	dirs="$F/corpus/$t $F/regress/$t"
	case $t in json | verify) dirs="$dirs $T/many" ;; esac
	# shellcheck disable=SC2086
	if "$bin" -n "$t" -x "$OPEN" $dirs >"$T/out" 2>&1; then
		line=$(grep '^replay ' "$T/out" | tail -n 1)
		n=$(echo "$line" | sed -E 's/^replay [a-z0-9_]+: ([0-9]+) inputs \(([0-9]+) skipped\)$/\1/')
		s=$(echo "$line" | sed -E 's/^replay [a-z0-9_]+: ([0-9]+) inputs \(([0-9]+) skipped\)$/\2/')
		echo "$line"
		pass=$((pass + n))
		skipped=$((skipped + s))
		continue
	fi
	# something failed: one input at a time, to name it
	echo "replay $t: a run failed; replaying input by input"
	for d in $dirs; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			case $(basename "$f") in README*) continue ;; esac
			if "$bin" -n "$t" -x "$OPEN" "$f" >"$T/one" 2>&1; then
				if grep -q '(1 skipped)' "$T/one"; then
					skipped=$((skipped + 1))
				else
					pass=$((pass + 1))
				fi
			else
				fail=$((fail + 1))
				echo "FAIL $t: $f"
				grep -E 'ERROR|SUMMARY|runtime error|property failed|#[0-9]+ ' "$T/one" | head -n 25 | sed 's/^/    /'
			fi
		done
	done
done
echo "fuzz replay: $skipped open finding(s) skipped (tests/fuzz/regress/OPEN)"
echo "fuzz/replay.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
