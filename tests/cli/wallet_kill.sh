#!/bin/sh
# ob-wallet crash safety: kill -9 at random points during `add` and during
# `restore` (WALLET_KILLS of each, default 100), then open the wallet and
# check it: `list` works, no committed credential is lost, every record
# decrypts (a backup reads them all), a credential exports byte for byte,
# and a restore leaves either the whole wallet or none.
#   sh tests/cli/wallet_kill.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
W="$BIN/ob-wallet"
N=${WALLET_KILLS:-100}
unset OBKIT_WALLET_HOME
printf 'kill test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE
H=$T/w
S=$V/signed
DOCS="--doc https://riverbend.example.edu/status/revocation/1=$S/08-status-list-revocation.json --doc https://example.edu/issuers/565049=$V/docs/1edtech-kat-issuer-controller.json"
BASE="$S/01-ob3-v2-eddsa-rdfc-2022.json $S/03-ob3-v2-eddsa-jcs-2022.json $S/04-ob3-v2-vc-jwt-eddsa.jwt"
# an RS256 VC-JWT whose kid is an https URL on the issuer's origin that
# serves the JWK (vector 06 carries its key only in its header: undecided)
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['issuer']['id'] = 'https://riverbend.example.edu/issuers/main'; d['id'] = 'urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a66'; json.dump(d, open(sys.argv[2], 'w'))" "$V/unsigned/ob3-v2.json" "$T/rs.json"
"$BIN/ob-issuer" sign --key "$V/keys/issuer-rsa.json" --suite vc-jwt --verification-method https://riverbend.example.edu/keys/rsa-1 -o "$T/06-kid.jwt" "$T/rs.json" || bad "cannot sign the RS256 JWT"
DOCS="$DOCS --doc https://riverbend.example.edu/keys/rsa-1=$V/keys/issuer-rsa.public.jwk.json"
POOL="$S/02-ob3-v1-ed25519signature2020.json $S/05-ob3-v2-vc-jwt-es256.jwt $T/06-kid.jwt $S/09-ob3-v2-status-active.json $S/10-ob3-v2-1edtech-kat.json"
ALL=8

# id -> source file, to compare exports
python3 - $BASE $POOL >"$T/map" <<'PY'
import json, sys, base64
for f in sys.argv[1:]:
    t = open(f).read().strip()
    if t.startswith("{"):
        i = json.loads(t)["id"]
    else:
        p = t.split(".")[1]
        d = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
        i = d.get("jti") or d["vc"]["id"]
    print(i, f)
PY

# random delays in seconds, one per line (awk: no $RANDOM in POSIX sh)
delays() { awk -v n="$1" -v max="$2" -v seed="$3" 'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", rand() * max / 1000 }'; }

# the ids in list --json (pretty: one member a line); no python in the
# loop, the machine is small
ids() { sed -n 's/^    "id": "\(.*\)",\{0,1\}$/\1/p' "$1"; }

# consistent HOME MIN: list works and holds at least MIN credentials, all
# known ones, no id twice; with FULL set, every record decrypts and a
# random one exports byte for byte
consistent() {
	"$W" --home "$1" list --json >"$T/l" 2>"$T/le" || { echo "    list failed: $(cat "$T/le")"; return 1; }
	ids "$T/l" >"$T/ids"
	head -c 1 "$T/l" | grep -q '\[' || { echo "    list --json is not a JSON array"; return 1; }
	n=$(wc -l <"$T/ids")
	[ "$n" -ge "$2" ] || { echo "    $n credentials, had $2 committed"; return 1; }
	[ "$(sort -u "$T/ids" | wc -l)" -eq "$n" ] || { echo "    an id twice"; return 1; }
	while read -r id; do
		grep -q -F "$id " "$T/map" || { echo "    unknown id $id"; return 1; }
	done <"$T/ids"
	[ -n "$FULL" ] || return 0
	"$W" --home "$1" backup --force "$T/check.bak" >/dev/null 2>"$T/be" ||
		{ echo "    a record does not decrypt: $(cat "$T/be")"; return 1; }
	id=$(awk -v s="$3" 'BEGIN { srand(s) } { a[NR] = $0 } END { if (NR) print a[int(rand() * NR) + 1] }' "$T/ids")
	[ -z "$id" ] && return 0
	f=$(grep -F "$id " "$T/map" | cut -d' ' -f2)
	"$W" --home "$1" export "$id" >"$T/x" 2>/dev/null && cmp -s "$T/x" "$f" ||
		{ echo "    $id does not export as added"; return 1; }
}

expect 0 "" "$W" --home "$H" init --kdf-cost test
expect 0 "" "$W" --home "$H" add --now $NOW $BASE
expect 0 "wrote 3" "$W" --home "$H" backup "$T/base.bak"
# the kill points are drawn over 1.5 times what one add and one restore
# take on this machine (ms, at least 20), so they fall all through the
# command and some runs finish: fixed bounds let a faster build or
# machine finish before most kills and a slower one die before starting
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
expect 0 "" "$W" --home "$H" add --now $NOW $DOCS $POOL
ADD_MS=$(( ($(ms) - t0) * 3 / 2 ))
[ "$ADD_MS" -lt 20 ] && ADD_MS=20
expect 0 "wrote $ALL" "$W" --home "$H" backup "$T/full.bak"
# the fastest of three restores: one slow sample (a busy neighbour) would
# stretch the window past the restores and leave most kills too late
RESTORE_MS=
for k in 1 2 3; do
	rm -rf "$H"
	t0=$(ms)
	expect 0 "restored 3" "$W" --home "$H" restore "$T/base.bak"
	t=$(( ($(ms) - t0) * 3 / 2 ))
	if [ -z "$RESTORE_MS" ] || [ "$t" -lt "$RESTORE_MS" ]; then RESTORE_MS=$t; fi
done
[ "$RESTORE_MS" -lt 20 ] && RESTORE_MS=20
echo "wallet_kill.sh: kills drawn over 0-${ADD_MS} ms (add) and 0-${RESTORE_MS} ms (restore)"

# --- kill -9 during add
have=3
seed=$$
delays "$N" "$ADD_MS" "$seed" >"$T/d-add"
i=0
kills=0
while read -r d; do
	i=$((i + 1))
	"$W" --home "$H" add --now $NOW $DOCS $POOL >/dev/null 2>&1 &
	pid=$!
	sleep "$d"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	FULL=
	[ $((i % 10)) -eq 0 ] && FULL=1
	if consistent "$H" "$have" "$seed$i"; then
		ok
	else
		bad "add, kill $i after ${d}s: wallet inconsistent"
		break
	fi
	have=$(wc -l <"$T/ids")
	if [ "$have" -eq "$ALL" ]; then
		rm -rf "$H"
		"$W" --home "$H" restore "$T/base.bak" >/dev/null 2>&1 || { bad "reset restore failed"; break; }
		have=3
	fi
done <"$T/d-add"
echo "wallet_kill.sh: $kills of $i adds killed mid-way"
check "most adds were killed before finishing" test "$kills" -ge $((N / 3))

# --- kill -9 during restore: the whole wallet or none
delays "$N" "$RESTORE_MS" "$((seed + 1))" >"$T/d-restore"
H2=$T/r
i=0
kills=0
whole=0
while read -r d; do
	i=$((i + 1))
	rm -rf "$H2"
	"$W" --home "$H2" restore "$T/full.bak" >/dev/null 2>&1 &
	pid=$!
	sleep "$d"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	if [ -e "$H2/wallet.db" ]; then
		FULL=
		[ $((i % 10)) -eq 0 ] && FULL=1
		if consistent "$H2" "$ALL" "$seed$i" && [ "$(wc -l <"$T/ids")" -eq "$ALL" ]; then
			ok
			whole=$((whole + 1))
		else
			bad "restore, kill $i after ${d}s: a partial wallet"
			break
		fi
	elif "$W" --home "$H2" list >"$T/o" 2>&1; then
		bad "restore, kill $i: list works without wallet.db"
	elif grep -q "no wallet at" "$T/o"; then
		ok
		# a killed restore must not block the next one
		if [ $((i % 10)) -eq 0 ]; then
			expect 0 "restored $ALL" "$W" --home "$H2" restore "$T/full.bak"
		fi
	else
		bad "restore, kill $i: $(cat "$T/o")"
	fi
done <"$T/d-restore"
echo "wallet_kill.sh: $kills of $i restores killed mid-way, $whole had completed"
check "most restores were killed before finishing" test "$kills" -ge $((N / 3))

done_tests
