#!/bin/sh
# bench-offers.sh BIN_DIR [N] [C]: OpenID4VCI offers redeemed per second
# by `ob-issuer serve` under wrk (issue 16). For each number of holders
# (1 and C, 8 by default; BENCH_OFFERS_HOLDERS="1 8 16" overrides) and
# each database (SQLite; PostgreSQL too with BENCH_OFFERS_PG=1, a private
# server from tests/tools/pgserver.sh): a fresh issuer makes N offers
# (1,000 by default) with PINs (`offer create --roster`) and starts
# `serve` (4 threads; BENCH_OFFERS_THREADS=K), and the holders' side is
# prepared before the clock starts (tests/bench/offers_prep.py,
# python3-cryptography: each offer's pre-authorized code, a c_nonce from
# POST /nonce, an Ed25519 did:key holder and its signed `jwt` key proof).
# wrk (tests/bench/offers.lua) then keeps C holders in flight, each
# redemption the three POSTs a wallet makes: /token with code and PIN,
# /nonce (the server's work for it; its nonce goes unused, the proof's
# was fetched before), /credential with the access token and the proof
# (ldp_vc, the issuer's Data Integrity suite, with a status entry).
# Prints the offers redeemed per second (credentials answered / wall time
# from the first request to the last answer), wrk's request latency (the
# three kinds together), the server's peak RSS (VmHWM at the end, from
# /proc) and the CPU it used during the run (user + system time / wall
# time, in cores; PostgreSQL's own processes are not in it). Then
# `issue --roster --jobs 1` of the same N rows on a fresh issuer, for a
# ratio: the same credentials signed and logged, without HTTP and the
# offers' one-time steps.
# Exits non-zero unless every offer was answered with a signed
# credential, the issuer's log holds exactly N credentials, every offer
# is "issued", each credential's subject is one of the N holders' DIDs
# (each holder once), every credential verifies (ob-verifier verify DIR,
# with the status lists `publish` writes) and serve exits 0 on SIGTERM.
# Proofs are signed before the run and carry iat = then: a run must end
# within the issuer's 300 s iat window (wrk stops at 280 s).
BIN=${1:?usage: sh scripts/bench-offers.sh BIN_DIR [N] [C]}
N=${2:-1000}
C=${3:-8}
HOLDERS=${BENCH_OFFERS_HOLDERS:-1 $C}
THREADS=${BENCH_OFFERS_THREADS:-4} # serve --threads
CAP=280 # seconds: wrk's own limit, inside the proofs' iat window
STALL=30
IS="$BIN/ob-issuer"
top=$(cd "$(dirname "$0")/.." && pwd)
LUA=$top/tests/bench/offers.lua
PREP=$top/tests/bench/offers_prep.py
AUD=https://bench.example.edu
CONF=OpenBadgeCredential_ldp

die() { echo "bench-offers: $*" >&2; exit 1; }
for t in wrk python3; do
	command -v $t >/dev/null || { echo "bench-offers: $t is needed (apt-get install $t)" >&2; exit 3; }
done
python3 -c 'import cryptography' 2>/dev/null ||
	{ echo "bench-offers: python3-cryptography is needed (apt-get install python3-cryptography)" >&2; exit 3; }
[ -x "$IS" ] || { echo "bench-offers: no $IS" >&2; exit 3; }
case $N in '' | *[!0-9]*) die "N must be a number, got '$N'" ;; esac
[ "$N" -ge 16 ] || die "N must be at least 16"
for c in $HOLDERS; do
	# serve takes 64 connections per address (PER_IP_LIMIT)
	case $c in '' | *[!0-9]*) die "holders must be numbers, got '$c'" ;; esac
	[ "$c" -ge 1 ] && [ "$c" -le 64 ] || die "holders must be 1 to 64 (serve's connections per address), got $c"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/bench-offers.XXXXXX") || exit 1
chmod 711 "$T"
spid=
wpid=
pgdir=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$pgdir" ] && sh "$top/tests/tools/pgserver.sh" stop "$pgdir"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

awk -v n="$N" 'BEGIN {
	print "name,recipient,achievement"
	for (i = 0; i < n; i++)
		printf "Learner %d,learner%d@bench.example.edu,b1\n", i, i
}' >"$T/roster.csv"

# new_issuer HOME [DB]: an issuer with the bench's achievement
new_issuer() {
	h=$1
	shift
	"$IS" --home "$h" "$@" init --name "Bench College" --url "$AUD" >/dev/null 2>"$T/err" ||
		die "ob-issuer init failed: $(tail -n 1 "$T/err")"
	"$IS" --home "$h" "$@" achievement add --id b1 --name "Bench Badge" --description "A badge" \
		--criteria "Be benchmarked" >/dev/null 2>"$T/err" || die "achievement add failed: $(tail -n 1 "$T/err")"
}

load() { awk '{ print $1 }' /proc/loadavg; }
# cputicks PID: the process's user + system time in clock ticks
cputicks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
HZ=$(getconf CLK_TCK)

# run BACKEND HOLDERS [--db URI]: one measured run; appends
# "BACKEND HOLDERS RATE MB" to $T/results
run() {
	be=$1
	c=$2
	shift 2
	r=$T/$be-$c
	mkdir -p "$r/done"
	new_issuer "$r/home" "$@"
	"$IS" --home "$r/home" "$@" offer create --roster "$T/roster.csv" -o "$r/mm.csv" --pin \
		>/dev/null 2>"$T/err" || die "offer create --roster failed: $(tail -n 1 "$T/err")"
	"$IS" --home "$r/home" "$@" serve --listen 127.0.0.1:0 --threads "$THREADS" --port-file "$r/port" 2>"$r/serve.log" &
	spid=$!
	i=0
	while [ ! -s "$r/port" ] && [ $i -lt 100 ] && kill -0 "$spid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$r/port" ] || die "serve did not start: $(tail -n 2 "$r/serve.log")"
	port=$(cat "$r/port")
	python3 "$PREP" "$r/mm.csv" "127.0.0.1:$port" "$AUD" "$r/data.lua" || die "the holders' preparation failed"
	th=2
	[ "$c" -ge 2 ] || th=1
	la=$(load)
	cpu0=$(cputicks "$spid")
	wrk -t"$th" -c"$c" -d"${CAP}s" --timeout 30s --latency -s "$LUA" "http://127.0.0.1:$port" \
		-- "$r/data.lua" "$th" "$r/done" "$CONF" >"$r/wrk" 2>&1 &
	wpid=$!
	# until every thread is done, or the server's log has not grown for
	# STALL seconds (an answer lost to a socket error would leave a
	# thread waiting for it)
	last=0
	still=0
	while kill -0 "$wpid" 2>/dev/null && [ "$(ls "$r/done" | wc -l)" -lt "$th" ]; do
		sleep 0.05
		still=$((still + 1))
		[ $((still % 20)) -eq 0 ] || continue
		lines=$(wc -l <"$r/serve.log")
		if [ "$lines" -ne "$last" ]; then
			last=$lines
			still=0
		elif [ "$still" -ge $((STALL * 20)) ]; then
			echo "bench-offers: no progress for $STALL s, stopping wrk" >&2
			break
		fi
	done
	kill -INT "$wpid" 2>/dev/null
	wait "$wpid"
	wpid=
	cpu1=$(cputicks "$spid")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$spid/status")
	kill -TERM "$spid"
	wait "$spid"
	st=$?
	spid=
	get() { awk -v k="offers-$1:" '$1 == k { print $2 }' "$r/wrk"; }
	issued=$(get issued)
	refused=$(get refused)
	other=$(get other)
	secs=$(get seconds)
	[ -n "$issued" ] || { cat "$r/wrk" >&2; die "wrk gave no result"; }
	# every request wrk completed is accounted for: three per offer and
	# the idle GETs
	nreq=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$r/wrk")
	[ "${nreq:-0}" -eq $((3 * N + $(get idle))) ] || [ "$issued" -ne "$N" ] ||
		die "$be, $c holders: wrk made $nreq requests, want 3 x $N + $(get idle) idle"
	logged=$("$IS" --home "$r/home" "$@" list --json 2>/dev/null | awk -F': *' '/^  "count":/ { sub(/,/, "", $2); print $2 }')
	offered=$("$IS" --home "$r/home" "$@" offer list --json 2>/dev/null | grep -c '"state": "issued"')
	sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' "$r/wrk")
	if [ "$issued" -ne "$N" ] || [ "${refused:-1}" -ne 0 ] || [ "${other:-1}" -ne 0 ] ||
		[ "${logged:-0}" -ne "$N" ] || [ "$offered" -ne "$N" ] || [ "${sockerr:-0}" -ne 0 ] || [ "$st" -ne 0 ]; then
		cat "$r/wrk" >&2
		grep -v -e 'redeemed$' -e ': issued urn:' "$r/serve.log" | tail -n 5 >&2
		die "$be, $c holders: $issued of $N credentials answered ($refused refused, $other other, ${sockerr:-0} socket errors), $logged in the issuer's log, $offered offers issued, serve exit $st"
	fi
	"$IS" --home "$r/home" "$@" export --all "$r/export" >/dev/null 2>"$T/err" ||
		die "export --all failed: $(tail -n 1 "$T/err")"
	bound=$(python3 "$PREP" --check "$r/data.lua" "$r/export") || die "$be, $c holders: the credentials are not bound to the holders"
	[ "$bound" -eq "$N" ] || die "$be, $c holders: $bound credentials bound to their holders, want $N"
	# and every one verifies: signature, issuer key, dates and status
	# (the lists publish writes, given to the verifier with --doc)
	"$IS" --home "$r/home" "$@" publish "$r/site" >/dev/null 2>"$T/err" || die "publish failed: $(tail -n 1 "$T/err")"
	set --
	for f in "$r"/site/status/revocation/*.json; do
		set -- "$@" --doc "$AUD/status/revocation/${f##*/}=$f"
	done
	"$BIN/ob-verifier" verify --offline "$@" "$r/export" >"$r/verify" 2>&1
	vst=$?
	valid=$(grep -c '^valid ' "$r/verify")
	[ "$vst" -eq 0 ] && [ "$valid" -eq "$N" ] ||
		die "$be, $c holders: $valid of $N credentials verify (ob-verifier exit $vst): $(grep -v -m 1 '^valid ' "$r/verify")"
	rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')
	mb=$((hwm / 1024))
	cores=$(awk -v t="$((cpu1 - cpu0))" -v hz="$HZ" -v s="$secs" 'BEGIN { printf "%.2f", (s > 0) ? t / hz / s : 0 }')
	p50=$(get p50-ms)
	p99=$(get p99-ms)
	hs=holders
	[ "$c" -ne 1 ] || hs=holder
	echo "bench-offers: offers redeemed/s (serve, $c $hs, $be): $rate/s ($N offers in $secs s), peak RSS $mb MB, server CPU $cores cores; request latency p50 $p50 ms, p99 $p99 ms (token, nonce and credential requests; $(get idle) idle metadata GETs among them); load average $la"
	echo "$be $c $rate $mb" >>"$T/results"
}

: >"$T/results"
echo "bench-offers: $N offers per run, ob-issuer serve with $THREADS threads, wrk; $(nproc 2>/dev/null || echo ?) cores, load average $(load)"
for c in $HOLDERS; do
	run sqlite "$c"
done
if [ "${BENCH_OFFERS_PG:-0}" = 1 ]; then
	pgdir=$T/pg
	sh "$top/tests/tools/pgserver.sh" start "$pgdir" >/dev/null || die "PostgreSQL did not start"
	pgport=$(cat "$pgdir/port")
	k=0
	for c in $HOLDERS; do
		k=$((k + 1))
		psql "host=$pgdir port=$pgport user=obkit dbname=obkit" -qAtc "CREATE DATABASE bench$k" >/dev/null ||
			die "cannot create database bench$k"
		run postgresql "$c" --db "postgresql:///bench$k?host=$pgdir&port=$pgport&user=obkit"
	done
fi

# the same N credentials by a roster run on one signing thread
h=$T/roster-home
new_issuer "$h"
"$IS" --home "$h" issue --roster "$T/roster.csv" -o "$T/roster-out" --jobs 1 >/dev/null 2>"$T/err" ||
	die "issue --roster failed: $(tail -n 1 "$T/err")"
rrate=$(sed -n 's/.*, \([0-9]*\) credentials\/s.*/\1/p' "$T/err")
files=$(ls "$T/roster-out" | grep -c '^[0-9a-f-]*\.json$')
[ -n "$rrate" ] && [ "$files" -eq "$N" ] || die "issue --roster made $files of $N credentials: $(tail -n 1 "$T/err")"
echo "bench-offers: issue --roster --jobs 1 (the same $N credentials, no HTTP): $rrate credentials/s ($files files)"
while read -r be c rate mb; do
	hs=holders
	[ "$c" -ne 1 ] || hs=holder
	echo "bench-offers: ratio serve ($c $hs, $be) / roster --jobs 1: $(awk -v a="$rate" -v b="$rrate" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
done <"$T/results"
