#!/bin/sh
# bench-wallet.sh BIN_DIR: ob-wallet with 10,000 credentials (BENCH_WALLET_N
# overrides): the unlock time (the default scrypt cost, N=2^16 r=8 p=1),
# add per second (`add FILE...`: one unlock, then verify + encrypt + one
# transaction per credential), `list` time, backup/restore time and the
# database size. The credentials are issued by ob-issuer issue --roster
# (eddsa-jcs-2022, no status list: the figures are the wallet's, not the
# network's). Then a wallet of 50,000 (BENCH_WALLET_LIST_N overrides): the
# peak RSS of `list --json` and `list`, which hold one record at a time
# (a list of 50,000 once built 244 MB); this part takes a few minutes.
# Run by `make bench` (MAXRSS= the peak-RSS tool; else /proc is polled).
BIN=${1:?usage: sh scripts/bench-wallet.sh BIN_DIR}
N=${BENCH_WALLET_N:-10000}
NL=${BENCH_WALLET_LIST_N:-50000}
BATCH=500
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-wallet.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
W="$BIN/ob-wallet"
IS="$BIN/ob-issuer"
unset OBKIT_WALLET_HOME
printf 'bench passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
die() { echo "bench-wallet: $*" >&2; exit 1; }

"$IS" --home "$T/issuer" init --name "Bench College" --url https://bench.example.edu >/dev/null 2>&1 ||
	die "ob-issuer init failed"
"$IS" --home "$T/issuer" achievement add --id b1 --name "Bench Badge" --description "A badge" \
	--criteria "Be benchmarked" >/dev/null 2>&1 || die "achievement add failed"
awk -v n="$N" 'BEGIN { print "recipient,name,achievement"; for (i = 0; i < n; i++) printf "learner%d@example.edu,Learner %d,b1\n", i, i }' >"$T/roster.csv"
t0=$(now)
"$IS" --home "$T/issuer" issue --roster "$T/roster.csv" -o "$T/creds" --suite eddsa-jcs-2022 \
	--no-status --jobs 2 >/dev/null 2>"$T/err" || { cat "$T/err" >&2; die "roster failed"; }
t1=$(now)
ls "$T/creds" | grep -E '\.json$' | grep -v manifest | sed "s|^|$T/creds/|" >"$T/files"
have=$(wc -l <"$T/files")
[ "$have" -eq "$N" ] || die "the roster made $have credentials, want $N"
echo "bench-wallet: issued $N credentials in $(secs "$t0" "$t1") s (ob-issuer roster, setup)"

"$W" --home "$T/w" init >/dev/null 2>&1 || die "ob-wallet init failed"
t0=$(now)
"$W" --home "$T/w" list >/dev/null 2>&1 || die "list failed"
t1=$(now)
unlock=$(secs "$t0" "$t1")

split -l $BATCH "$T/files" "$T/batch."
t0=$(now)
for b in "$T"/batch.*; do
	# shellcheck disable=SC2046
	"$W" --home "$T/w" add $(cat "$b") >/dev/null 2>"$T/err" || { head -n 3 "$T/err" >&2; die "add failed"; }
done
t1=$(now)
add=$(secs "$t0" "$t1")
nb=$(ls "$T"/batch.* | wc -l)

t0=$(now)
"$W" --home "$T/w" list >"$T/list" 2>/dev/null || die "list failed"
t1=$(now)
list=$(secs "$t0" "$t1")
rows=$(($(wc -l <"$T/list") - 1))
[ "$rows" -eq "$N" ] || die "list shows $rows credentials, want $N"
t0=$(now)
"$W" --home "$T/w" list --json >/dev/null 2>&1 || die "list --json failed"
t1=$(now)
listj=$(secs "$t0" "$t1")
t0=$(now)
"$W" --home "$T/w" show "$(sed -n '2p' "$T/list" | cut -d' ' -f1)" >/dev/null 2>&1 || die "show failed"
t1=$(now)
show=$(secs "$t0" "$t1")
t0=$(now)
"$W" --home "$T/w" backup "$T/w.bak" >/dev/null 2>&1 || die "backup failed"
t1=$(now)
backup=$(secs "$t0" "$t1")
t0=$(now)
"$W" --home "$T/w2" restore "$T/w.bak" >/dev/null 2>&1 || die "restore failed"
t1=$(now)
restore=$(secs "$t0" "$t1")
size=$(stat -c %s "$T/w/wallet.db")
wal=0
[ -f "$T/w/wallet.db-wal" ] && wal=$(stat -c %s "$T/w/wallet.db-wal")
src=$(cat $(cat "$T/files") | wc -c)

echo "bench-wallet: unlock (scrypt N=2^16 r=8 p=1, empty wallet list): $unlock s"
awk -v n="$N" -v s="$add" -v b="$nb" 'BEGIN { printf "bench-wallet: add %d credentials (%d add processes of %d files): %.1f s, %.0f credentials/s\n", n, b, n / b, s, n / s }'
echo "bench-wallet: list of $N: $list s (table), $listj s (--json); show one: $show s (each includes the unlock)"
echo "bench-wallet: backup: $backup s ($(stat -c %s "$T/w.bak") bytes); restore: $restore s"
awk -v d="$size" -v w="$wal" -v s="$src" -v n="$N" 'BEGIN { printf "bench-wallet: database %.1f MiB (+ WAL %.1f MiB) for %.1f MiB of credentials, %.0f bytes per credential\n", d / 1048576, w / 1048576, s / 1048576, d / n }'

# peak RSS of a command (KiB): tests/tools/maxrss when make bench gives
# it, else VmHWM polled from /proc
peak() { # OUT CMD...
	out=$1
	shift
	if [ -n "$MAXRSS" ] && [ -x "$MAXRSS" ]; then
		"$MAXRSS" "$T/rss" "$@" >"$out" 2>/dev/null || return 1
		cat "$T/rss"
		return 0
	fi
	"$@" >"$out" 2>/dev/null &
	p=$!
	kb=0
	while kill -0 "$p" 2>/dev/null; do
		while read -r k v _; do
			[ "$k" = VmHWM: ] && [ "$v" -gt "$kb" ] && kb=$v
		done <"/proc/$p/status" 2>/dev/null
		sleep 0.1
	done
	wait "$p" || return 1
	echo "$kb"
}

# list at 50,000: a wallet of its own
awk -v n="$NL" 'BEGIN { print "recipient,name,achievement"; for (i = 0; i < n; i++) printf "big%d@example.edu,Learner %d,b1\n", i, i }' >"$T/roster-big.csv"
t0=$(now)
"$IS" --home "$T/issuer" issue --roster "$T/roster-big.csv" -o "$T/big" --suite eddsa-jcs-2022 \
	--no-status >/dev/null 2>"$T/err" || { cat "$T/err" >&2; die "roster of $NL failed"; }
ls "$T/big" | grep -E '\.json$' | grep -v manifest | sed "s|^|$T/big/|" >"$T/bigfiles"
[ "$(wc -l <"$T/bigfiles")" -eq "$NL" ] || die "the roster made $(wc -l <"$T/bigfiles") credentials, want $NL"
"$W" --home "$T/wbig" init >/dev/null 2>&1 || die "ob-wallet init failed"
split -l 2000 "$T/bigfiles" "$T/bigbatch."
for b in "$T"/bigbatch.*; do
	# shellcheck disable=SC2046
	"$W" --home "$T/wbig" add $(cat "$b") >/dev/null 2>"$T/err" || { head -n 3 "$T/err" >&2; die "add failed"; }
done
t1=$(now)
echo "bench-wallet: a wallet of $NL credentials made in $(secs "$t0" "$t1") s (setup)"
"$W" --home "$T/wempty" init >/dev/null 2>&1 || die "ob-wallet init failed"
kbe=$(peak "$T/liste" "$W" --home "$T/wempty" list --json) || die "list --json of an empty wallet failed"
t0=$(now)
kbj=$(peak "$T/listj" "$W" --home "$T/wbig" list --json) || die "list --json of $NL failed"
t1=$(now)
listj=$(secs "$t0" "$t1")
[ "$(grep -c '"id": ' "$T/listj")" -eq "$NL" ] || die "list --json shows $(grep -c '"id": ' "$T/listj") credentials, want $NL"
t0=$(now)
kbt=$(peak "$T/listt" "$W" --home "$T/wbig" list) || die "list of $NL failed"
t1=$(now)
listt=$(secs "$t0" "$t1")
[ "$(($(wc -l <"$T/listt") - 1))" -eq "$NL" ] || die "list shows $(($(wc -l <"$T/listt") - 1)) credentials, want $NL"
awk -v n="$NL" -v j="$kbj" -v t="$kbt" -v e="$kbe" -v sj="$listj" -v st="$listt" -v bj="$(wc -c <"$T/listj")" 'BEGIN {
	printf "bench-wallet: list --json of %d: %s s, peak RSS %.1f MB (%.1f MB of output)\n", n, sj, j / 1024, bj / 1048576
	printf "bench-wallet: list of %d: %s s, peak RSS %.1f MB\n", n, st, t / 1024
	printf "bench-wallet: (list --json of an empty wallet: peak RSS %.1f MB, the unlock\047s scrypt)\n", e / 1024
}'
