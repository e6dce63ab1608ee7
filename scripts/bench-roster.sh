#!/bin/sh
# bench-roster.sh BIN_DIR [ROWS] [RUNS]: batch issuance speed. Makes an
# issuer and a roster of ROWS rows (100,000 by default; e-mail recipients,
# three achievements, a result column), then RUNS times (3 by default)
# runs `ob-issuer issue --roster` into a fresh copy of that issuer with
# eddsa-rdfc-2022 and status entries on all cores. Prints each run's
# credentials per second, peak resident memory and the bytes it wrote to
# storage per credential (the kernel's I/O accounting: the log, its WAL
# and the credential files; beside it the log's size per credential),
# then the median run.
# Exits non-zero unless every run issued every row to its own file.
# The targets: >= 10,000/s (issue 4), <= 100 MB (issue 4; at 1,000,000
# rows too, issue 13), and bytes written per credential that stay flat
# as ROWS grows (issue 13: compare make bench with make bench-large).
#
# Every run's output stays until the end: deleting 100,000 files makes
# ext4 (without a journal) skip the freed inodes for the next minute and
# slows the next run's file creation, which would measure the bench's own
# clean-up rather than the issuer.
BIN=${1:?usage: sh scripts/bench-roster.sh BIN_DIR [ROWS] [RUNS]}
ROWS=${2:-100000}
RUNS=${3:-3}
IS="$BIN/ob-issuer"
[ -x "$IS" ] || { echo "bench-roster: no $IS" >&2; exit 3; }

T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
H0="$T/home0"

"$IS" --home "$H0" init --name "Bench College" --url https://bench.example.edu >/dev/null 2>&1 || exit 3
for a in weld-101 cad-200 safety-1; do
	"$IS" --home "$H0" achievement add --id $a --name "Course $a" --description "Bench course $a" \
		--criteria "Complete $a" >/dev/null || exit 3
done
awk -v n="$ROWS" 'BEGIN {
	print "name,recipient,achievement,result"
	split("weld-101 cad-200 safety-1", a, " ")
	for (i = 0; i < n; i++)
		printf "Learner %d,learner%d@bench.example.edu,%s,%d\n", i, i, a[i % 3 + 1], 50 + i % 50
}' >"$T/roster.csv"

: >"$T/results"
run=1
while [ "$run" -le "$RUNS" ]; do
	H="$T/home$run"
	cp -a "$H0" "$H"
	# peak memory: getrusage's ru_maxrss through tests/tools/maxrss when
	# make bench passes it (MAXRSS=), else VmHWM polled from /proc (the
	# high-water mark only grows; the polling itself costs some CPU)
	if [ -n "$MAXRSS" ] && [ -x "$MAXRSS" ]; then
		"$MAXRSS" -w "$T/wb" "$T/rss" "$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/out$run" \
			--suite eddsa-rdfc-2022 >/dev/null 2>"$T/err"
		rc=$?
		hwm=$(cat "$T/rss")
		wb=$(cat "$T/wb")
	else
		"$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/out$run" --suite eddsa-rdfc-2022 \
			>/dev/null 2>"$T/err" &
		pid=$!
		hwm=0
		wb=0
		# write_bytes as last seen (the final fraction of a second is
		# missed)
		while kill -0 "$pid" 2>/dev/null; do
			while read -r k v _; do
				[ "$k" = VmHWM: ] && [ "$v" -gt "$hwm" ] && hwm=$v
			done <"/proc/$pid/status" 2>/dev/null
			while read -r k v; do
				[ "$k" = write_bytes: ] && [ "$v" -gt "$wb" ] && wb=$v
			done <"/proc/$pid/io" 2>/dev/null
			sleep 0.2
		done
		wait "$pid"
		rc=$?
		pid=
	fi
	summary=$(grep "rows:" "$T/err")
	if [ "$rc" -ne 0 ]; then
		echo "bench-roster: ob-issuer failed (exit $rc):" >&2
		tail -n 5 "$T/err" >&2
		exit 1
	fi
	files=$(ls "$T/out$run" | grep -c '\.json$')
	if [ "$files" -ne "$ROWS" ] || ! echo "$summary" | grep -q "$ROWS issued"; then
		echo "bench-roster: expected $ROWS credentials, got $files files: $summary" >&2
		exit 1
	fi
	rate=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) credentials\/s.*/\1/p')
	secs=$(echo "$summary" | sed -n 's/.*; \([0-9.]*\) s,.*/\1/p')
	mb=$((hwm / 1024))
	# the log as it stands (database and any WAL left), per credential
	logb=$(cat "$H"/issuer.db "$H"/issuer.db-wal 2>/dev/null | wc -c)
	wpc=$((wb / ROWS))
	echo "bench-roster: run $run: $ROWS credentials (eddsa-rdfc-2022, status entries, $(nproc 2>/dev/null || echo ?) cores) in $secs s: $rate credentials/s, peak RSS $mb MB, $wpc bytes written per credential (log: $((logb / ROWS)) bytes stored per credential)"
	echo "$rate $mb $wpc" >>"$T/results"
	run=$((run + 1))
done
# the median run by rate, and the highest peak of all runs
rate=$(sort -n "$T/results" | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
mb=$(sort -n -k2 "$T/results" | tail -n 1 | awk '{ print $2 }')
wpc=$(sort -n -k3 "$T/results" | awk '{ w[NR] = $3 } END { print w[int((NR + 1) / 2)] }')
echo "bench-roster: median of $RUNS runs: $rate credentials/s, $wpc bytes written per credential; highest peak RSS $mb MB"
ok=met
[ "${rate:-0}" -ge 10000 ] && [ "$mb" -le 100 ] || ok="not met"
echo "bench-roster: target >= 10000 credentials/s and <= 100 MB: $ok"
