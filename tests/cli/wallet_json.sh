#!/bin/sh
# --json on the ob-wallet commands that report something (issue 15):
# init, whoami, add, refresh, remove and receive each print one JSON
# object on stdout (add, refresh and receive: each credential's id and
# verdict); messages stay on stderr, and without --json stdout is as it
# was. receive runs against a real ob-issuer serve behind the TLS proxy
# (tests/tools/tls_proxy), as delivery.sh does.
#   sh tests/cli/wallet_json.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
WL=$BIN/ob-wallet
IS=$BIN/ob-issuer
export OBKIT_ISSUER_HOME="$T/no-issuer" OBKIT_WALLET_HOME="$T/no-wallet"
printf 'Correct horse battery staple 42\n' >"$T/pass"
WH=$T/wallet
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }
C03=$V/signed/03-ob3-v2-eddsa-jcs-2022.json
C04=$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt
ID03=urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a03
ID04=urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04

# jf FILE PYTHON-EXPR: FILE is one JSON object d for which EXPR holds
jf() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; then ok; else
		bad "$1: not ($2)"; head -c 600 "$1" | sed 's/^/    /'
	fi
}
# run CODE CMD...: stdout to $T/o, stderr to $T/e, wants exit CODE
run() {
	want=$1
	shift
	"$@" >"$T/o" 2>"$T/e"
	got=$?
	[ "$got" -eq "$want" ] && ok || { bad "exit $got, want $want: $*"; sed 's/^/    /' "$T/e" | head -n 5; }
}

# ---- init, whoami ----
run 0 wl init --kdf-cost test --json
jf "$T/o" "d['wallet'] == '$WH/wallet.db' and d['did'].startswith('did:key:z') and d['testKdf'] is True"
check "init --json: the messages stay on stderr" grep -q "created wallet at" "$T/e"
DID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["did"])' "$T/o")
run 0 wl whoami --json
jf "$T/o" "d == {'did': '$DID'}"
run 0 wl whoami
check "whoami without --json prints the DID alone" test "$(cat "$T/o")" = "$DID"

# ---- add ----
run 0 wl add --json --now $NOW --offline "$C03"
jf "$T/o" "d['credentials'] == [{'input': '$C03', 'id': '$ID03', 'verdict': 'valid', 'added': True}]"
# two inputs, one a duplicate: both reported, the exit that of the failure
run 1 wl add --json --now $NOW --offline "$C04" "$C03"
jf "$T/o" "[c['added'] for c in d['credentials']] == [True, False] and d['credentials'][0]['id'] == '$ID04' and 'already in the wallet' in d['credentials'][1]['error']"
check "add --json: the refusal is on stderr too" grep -q "already in the wallet: $ID03" "$T/e"
# an invalid credential: its verdict, not added
python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); d['name']='Tampered'; json.dump(d, open(sys.argv[2],'w'))" "$C03" "$T/bad.json"
run 1 wl add --json --now $NOW --offline "$T/bad.json"
jf "$T/o" "d['credentials'][0]['verdict'] == 'invalid' and d['credentials'][0]['added'] is False and 'id' not in d['credentials'][0]"
# not a credential at all: no verdict
printf 'hello\n' >"$T/junk.txt"
run 1 wl add --json --offline "$T/junk.txt"
jf "$T/o" "d['credentials'][0]['added'] is False and 'verdict' not in d['credentials'][0] and d['credentials'][0]['error']"
run 1 wl add --now $NOW --offline "$C03"
check "add without --json: nothing on stdout for a refusal" test ! -s "$T/o"

# ---- refresh ----
run 0 wl refresh --json --now $NOW --offline
jf "$T/o" "d['checked'] == 2 and d['changed'] == 0 and sorted(c['id'] for c in d['credentials']) == sorted(['$ID03', '$ID04']) and all(c['verdict'] == 'valid' and c['changed'] is False for c in d['credentials'])"
# after 04's validUntil (if any) or far on: a changed verdict says what it was
run 0 wl refresh --json --now 2099-01-01T00:00:00Z --offline
jf "$T/o" "d['checked'] == 2 and all(('was' in c) == c['changed'] for c in d['credentials'])"
run 0 wl refresh --now $NOW --offline
check "refresh without --json: the changes as lines" sh -c "! grep -q '{' '$T/o'"

# ---- remove ----
run 0 wl remove --json 5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04
jf "$T/o" "d['id'] == '$ID04' and d['removed'] is True and d.get('name')"
run 1 wl remove --json "$ID04"
check "remove --json of an unknown id: nothing on stdout" test ! -s "$T/o"
check "... and the error on stderr" grep -q "no credential" "$T/e"

# ---- the terminal QR code says when it is wider than the terminal ----
COLUMNS=20 wl share "$ID03" --qr --url https://example.edu/c/1 >"$T/o" 2>"$T/e"
check "share --qr in 20 columns: drawn" grep -q "█" "$T/o"
check "share --qr in 20 columns: said so, --png OUT suggested" grep -q "^ob-wallet: warning: the QR code is [0-9]* columns wide and the terminal 20: it wraps and will not scan; write an image with --png OUT" "$T/e"
COLUMNS=400 wl share "$ID03" --qr --url https://example.edu/c/1 >"$T/o" 2>"$T/e"
check "share --qr in 400 columns: no warning" sh -c "! grep -q 'columns wide' '$T/e'"

# ---- usage: --json takes no argument; every command above lists it ----
run 2 wl whoami --json=yes
check "the bad option is named" grep -q "option '--json' takes no argument" "$T/e"
for cmd in init whoami add refresh remove receive; do
	if "$WL" $cmd --help 2>/dev/null | grep -q '^  --json '; then ok; else bad "$cmd --help lists no --json"; fi
done

# ---- receive, from a real ob-issuer serve behind TLS ----
TOOLS=$BIN/../tests/tools
PROXY=$TOOLS/tls_proxy
if [ ! -x "$PROXY" ]; then
	bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
	done_tests
	exit
fi
test_ca
"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PPID_=$!
SPID=
trap 'kill $PPID_ $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")
H=$T/issuer
is() { "$IS" --home "$H" "$@"; }
expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description d --criteria c
expect 0 "" is issue --achievement weld-101 --recipient first@example.com -o "$T/first.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$U" --port-file "$T/bport" 2>>"$T/serve.log" &
SPID=$!
i=0
while [ ! -s "$T/bport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/bport" ] || bad "ob-issuer serve did not start: $(tail -n 2 "$T/serve.log")"
is offer create --achievement weld-101 --recipient ana@example.com --name Ana --server "$U" >"$T/ana.offer" 2>/dev/null
LINK=$(sed -n 's/^link: //p' "$T/ana.offer")
OID=$(sed -n 's/^id: //p' "$T/ana.offer")
COLUMNS=20 "$IS" --home "$H" offer "$OID" --server "$U" --qr >"$T/o" 2>"$T/e"
check "offer --qr in 20 columns: drawn" grep -q "█" "$T/o"
check "offer --qr in 20 columns: said so, --png FILE suggested" grep -q "^ob-issuer: warning: the QR code is [0-9]* columns wide and the terminal 20: .*--png FILE" "$T/e"
COLUMNS=400 "$IS" --home "$H" offer "$OID" --server "$U" --qr >"$T/o" 2>"$T/e"
check "offer --qr in 400 columns: no warning" sh -c "! grep -q 'columns wide' '$T/e'"
run 0 wl receive --json --cacert "$T/ca.pem" $DOCS "$LINK"
jf "$T/o" "len(d['credentials']) == 1 and d['credentials'][0]['verdict'] == 'valid' and d['credentials'][0]['added'] is True and d['credentials'][0]['id'].startswith('urn:uuid:') and d['credentials'][0]['issuer'] == '$U'"
check "receive --json: the messages stay on stderr" grep -q "received a credential" "$T/e"
# a spent offer: refused before anything is received, no JSON
run 1 wl receive --json --cacert "$T/ca.pem" $DOCS "$LINK"
check "receive --json of a spent offer: nothing on stdout" test ! -s "$T/o"
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
src=$?
if [ "$src" -eq 0 ]; then ok; else bad "ob-issuer serve exited $src on SIGTERM"; fi
SPID=

done_tests
