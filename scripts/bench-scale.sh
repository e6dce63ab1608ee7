#!/bin/sh
# bench-scale.sh BIN_DIR [ROWS]: issuing on one machine, SQLite against
# PostgreSQL with 1, 2 and 4 processes (issue 17). `make bench-scale`.
#
# One roster of ROWS rows (40,000 by default; eddsa-rdfc-2022, status
# entries). Each configuration gets a fresh issuer:
#   sqlite  1: ob-issuer issue --roster, all cores (--jobs 0);
#   postgresql P (1, 2, 4): P processes with --shard K/P at once, each
#     with --jobs 1 (a node's signing threads would only fight over the
#     two cores here; on real nodes each has its own).
# Printed per configuration: credentials/s (rows over the wall time of
# the slowest process) and the highest peak RSS of one process. Then the
# status allocation under contention: 4 processes each doing N single
# `issue` commands at once (every one takes a slot and commits), against
# one process doing 4N, as issues/s.
# A private PostgreSQL server is started (tests/tools/pgserver.sh) and
# stopped; if it cannot start this fails and says why.
BIN=${1:?usage: sh scripts/bench-scale.sh BIN_DIR [ROWS]}
ROWS=${2:-40000}
IS="$BIN/ob-issuer"
top=$(cd "$(dirname "$0")/.." && pwd)
MAXRSS=${MAXRSS:-$top/build/tests/tools/maxrss}
[ -x "$IS" ] || { echo "bench-scale: no $IS" >&2; exit 3; }
[ -x "$MAXRSS" ] || { echo "bench-scale: no $MAXRSS (make it first)" >&2; exit 3; }
T=$(mktemp -d)
chmod 711 "$T"
trap 'sh "$top/tests/tools/pgserver.sh" stop "$T/pg" >/dev/null 2>&1; rm -rf "$T"' EXIT
URL=$(sh "$top/tests/tools/pgserver.sh" start "$T/pg") || exit 1
PGPORT=$(cat "$T/pg/port")

awk -v n="$ROWS" 'BEGIN {
	print "name,recipient,achievement"
	for (i = 0; i < n; i++)
		printf "Learner %d,learner%d@bench.example.edu,%s\n", i, i, (i % 2 ? "weld-101" : "cad-200")
}' >"$T/roster.csv"

# setup HOME [DBURI]: a fresh issuer with two achievements
setup() {
	if [ -n "$2" ]; then
		OBKIT_ISSUER_DB="$2" "$IS" --home "$1" init --name Bench --url https://bench.example.edu >/dev/null 2>&1 || return 1
	else
		"$IS" --home "$1" init --name Bench --url https://bench.example.edu >/dev/null 2>&1 || return 1
	fi
	for a in weld-101 cad-200; do
		OBKIT_ISSUER_DB="$2" "$IS" --home "$1" achievement add --id $a --name "Course $a" \
			--description "Bench $a" --criteria "Complete $a" >/dev/null || return 1
	done
}

newdb() { # NAME: a fresh database on the private server, its URI
	psql "$URL" -qAtc "CREATE DATABASE $1" >/dev/null || return 1
	echo "postgresql:///$1?host=$T/pg&port=$PGPORT&user=obkit"
}

now() { date +%s.%N; }

# run LABEL PROCS DBURI: PROCS processes on the roster's shards
run() {
	label=$1 procs=$2 db=$3
	H="$T/h-$label-$procs"
	setup "$H" "$db" || { echo "bench-scale: setup failed ($label)" >&2; exit 1; }
	t0=$(now)
	k=1
	pids=
	while [ "$k" -le "$procs" ]; do
		if [ "$procs" -gt 1 ]; then shard="--shard $k/$procs"; jobs="--jobs 1"; else shard=; jobs=; fi
		OBKIT_ISSUER_DB="$db" "$MAXRSS" "$T/rss-$label-$procs-$k" "$IS" --home "$H" issue \
			--roster "$T/roster.csv" $shard $jobs -o "$T/out-$label-$procs/$k" >/dev/null 2>"$T/err-$label-$procs-$k" &
		pids="$pids $!"
		k=$((k + 1))
	done
	for p in $pids; do
		wait "$p" || { echo "bench-scale: $label x$procs failed:" >&2; cat "$T"/err-$label-$procs-* >&2; exit 1; }
	done
	t1=$(now)
	# each node its own output directory (one run at a time writes into one)
	n=$(find "$T/out-$label-$procs" -name '*.json' | wc -l)
	[ "$n" -eq "$ROWS" ] || { echo "bench-scale: $label x$procs wrote $n of $ROWS" >&2; exit 1; }
	rss=$(cat "$T"/rss-$label-$procs-* | sort -n | tail -n 1)
	rate=$(awk -v n="$ROWS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
	echo "bench-scale: roster $ROWS, $label, $procs process(es): $rate credentials/s, peak RSS $((rss / 1024)) MB per process"
	rm -rf "$T/out-$label-$procs"
}

run sqlite 1 ""
for p in 1 2 4; do
	run postgresql "$p" "$(newdb "bench$p")"
done

# status allocation under contention: single issues, 1 x 4N against 4 x N
N=${SCALE_SINGLES:-100}
db=$(newdb contention)
setup "$T/hc" "$db" || exit 1
mkdir "$T/single"
singles() { # PREFIX COUNT
	i=0
	while [ "$i" -lt "$2" ]; do
		OBKIT_ISSUER_DB="$db" "$IS" --home "$T/hc" issue --achievement weld-101 --recipient "$1$i@x.edu" \
			-o "$T/single/$1$i.json" >/dev/null 2>&1 || { echo "bench-scale: single issue failed" >&2; return 1; }
		i=$((i + 1))
	done
}
t0=$(now)
singles a $((4 * N)) || exit 1
t1=$(now)
one=$(awk -v n=$((4 * N)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
t0=$(now)
pids=
for k in 1 2 3 4; do
	singles "c$k-" "$N" &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || exit 1; done
t1=$(now)
four=$(awk -v n=$((4 * N)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
dups=$(psql "$db" -Atc "select count(*) from (select status_list, status_index from issued group by 1, 2 having count(*) > 1) d")
blocks=$(psql "$db" -Atc "select count(*) from status_blocks")
echo "bench-scale: status allocation, single issues (one slot + one commit each): 1 process $one/s, 4 processes at once $four/s; $blocks status blocks used, $dups slots given twice"
[ "$dups" = 0 ] || exit 1
