#!/bin/sh
# bench-wallet.sh BIN_DIR: ob-wallet with 10,000 credentials (BENCH_WALLET_N
# overrides): the unlock time (the default scrypt cost, N=2^16 r=8 p=1),
# add per second (`add FILE...`: one unlock, then verify + encrypt + one
# transaction per credential), `list` time, backup/restore time and the
# database size. The credentials are issued by ob-issuer issue --roster
# (eddsa-jcs-2022, no status list: the figures are the wallet's, not the
# network's). Run by `make bench`.
BIN=${1:?usage: sh scripts/bench-wallet.sh BIN_DIR}
N=${BENCH_WALLET_N:-10000}
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
