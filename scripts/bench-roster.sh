#!/bin/sh
# bench-roster.sh BIN_DIR [ROWS]: batch issuance speed. Makes a new issuer
# and a roster of ROWS rows (100,000 by default; e-mail recipients, three
# achievements, a result column), runs `ob-issuer issue --roster` with
# eddsa-rdfc-2022 and status entries on all cores, and prints credentials
# per second and the peak resident memory. Exits non-zero unless every row
# was issued to its own file. The target (issue 4): >= 10,000/s, <= 100 MB.
BIN=${1:?usage: sh scripts/bench-roster.sh BIN_DIR [ROWS]}
ROWS=${2:-100000}
IS="$BIN/ob-issuer"
[ -x "$IS" ] || { echo "bench-roster: no $IS" >&2; exit 3; }

T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
H="$T/home"

"$IS" --home "$H" init --name "Bench College" --url https://bench.example.edu >/dev/null 2>&1 || exit 3
for a in weld-101 cad-200 safety-1; do
	"$IS" --home "$H" achievement add --id $a --name "Course $a" --description "Bench course $a" \
		--criteria "Complete $a" >/dev/null || exit 3
done
awk -v n="$ROWS" 'BEGIN {
	print "name,recipient,achievement,result"
	split("weld-101 cad-200 safety-1", a, " ")
	for (i = 0; i < n; i++)
		printf "Learner %d,learner%d@bench.example.edu,%s,%d\n", i, i, a[i % 3 + 1], 50 + i % 50
}' >"$T/roster.csv"

# peak memory: VmHWM polled from /proc (the high-water mark only grows)
"$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/out" --suite eddsa-rdfc-2022 \
	>/dev/null 2>"$T/err" &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
	v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	[ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
	sleep 0.05
done
wait "$pid"
rc=$?
pid=
summary=$(grep "rows:" "$T/err")
if [ "$rc" -ne 0 ]; then
	echo "bench-roster: ob-issuer failed (exit $rc):" >&2
	tail -n 5 "$T/err" >&2
	exit 1
fi
files=$(ls "$T/out" | grep -c '\.json$')
if [ "$files" -ne "$ROWS" ] || ! echo "$summary" | grep -q "$ROWS issued"; then
	echo "bench-roster: expected $ROWS credentials, got $files files: $summary" >&2
	exit 1
fi
rate=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) credentials\/s.*/\1/p')
secs=$(echo "$summary" | sed -n 's/.*; \([0-9.]*\) s,.*/\1/p')
mb=$((hwm / 1024))
echo "bench-roster: $ROWS credentials (eddsa-rdfc-2022, status entries, $(nproc 2>/dev/null || echo ?) cores) in $secs s: $rate credentials/s, peak RSS $mb MB"
ok=met
[ "${rate:-0}" -ge 10000 ] && [ "$mb" -le 100 ] || ok="not met"
echo "bench-roster: target >= 10000 credentials/s and <= 100 MB: $ok"
