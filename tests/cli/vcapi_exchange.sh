#!/bin/sh
# The VC-API exchange of ob-issuer serve (issue 16 item 2), as the DCC
# Learner Credential Wallet (LCW) uses it: offer create prints the LCW
# deep link (https://lcw.app/request?request=...), the wallet POSTs {} to
# the exchange, gets a DIDAuthentication request with a challenge, signs
# a DIDAuth presentation with its did:key and POSTs it back, and receives
# the offer's credential bound to its DID. The wallet here is a real,
# independent implementation: tests/interop-lcw/lcw-client.mjs with the
# DCC's own libraries that LCW signs with (@digitalcredentials/vc 10.0.2,
# ed25519-signature-2020 7.0.0 over an Ed25519VerificationKey2020 did:key;
# and eddsa-rdfc-2022 1.3.0 with data-integrity 2.6.0), installed from
# tests/interop-lcw/package-lock.json into a temp dir (npm ci; the npm
# registry must be reachable, else the test FAILS saying why). obkit's
# ob-verifier then verifies what the wallet received. The security rules
# are checked by hand (curl): a wrong, foreign or reused challenge, a
# wrong domain, a proof by a key not the holder's, a tampered proof, a
# holder that is no did:key, the exchange used twice, expired, revoked,
# after the OID4VCI path took the offer (and the other way round), an
# oversize body, a restart (a challenge given before it still works),
# two servers on one home (a challenge crosses; two wallets racing get one
# credential). A failed attempt uses up neither the challenge nor the offer.
# TLS: the test CA and tests/tools/tls_proxy.c, as in delivery.sh.
# usage: sh tests/cli/vcapi_exchange.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-lcw" && pwd)
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
J="$T/js"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }

setup() {
	for tool in curl openssl python3 node npm; do
		if ! command -v $tool >/dev/null 2>&1; then
			bad "$tool is needed (Debian: curl openssl python3 nodejs npm)"
			return 1
		fi
	done
	if [ ! -x "$TOOLS/tls_proxy" ]; then
		bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
		return 1
	fi
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/lcw-client.mjs" "$J/" || return 1
	if ! npm_ci "$J" "tests/interop-lcw"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
check "the wallet library is @digitalcredentials/vc 10.0.2" \
	sh -c "grep -q '\"version\": \"10.0.2\"' '$J/node_modules/@digitalcredentials/vc/package.json'"

test_ca
"$TOOLS/tls_proxy" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PXP=$!
SPID=
SPID2=
trap 'kill $PXP $SPID $SPID2 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")
C="curl -s --cacert $T/ca.pem"
lcw() { NODE_EXTRA_CA_CERTS="$T/ca.pem" node "$J/lcw-client.mjs" "$@"; }

# serve: (re)starts ob-issuer serve behind the proxy; stop: SIGTERM, and
# it must exit 0 (under ASan: no leak, no error)
serve() { issuer_serve --no-status; }
stop() { issuer_stop; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
serve

# offer NAME [OPTIONS]: one offer; $T/NAME.offer its output; LINK, LCW,
# OID, XURL (the exchange's URL from the LCW link), REF its parts
offer() {
	n=$1
	shift
	is offer create --achievement weld-101 --recipient "$n@example.com" --server "$U" "$@" \
		>"$T/$n.offer" 2>"$T/$n.err" || bad "offer create $n: $(cat "$T/$n.err")"
	LINK=$(sed -n 's/^link: //p' "$T/$n.offer")
	LCW=$(sed -n 's/^lcw_link: //p' "$T/$n.offer")
	OID=$(sed -n 's/^id: //p' "$T/$n.offer")
	REF=${LINK##*offers%2F}
	XURL=$(printf '%s' "$LCW" | python3 -c "
import json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.stdin.read().strip())
print(json.loads(urllib.parse.parse_qs(u.query)['request'][0])['protocols']['vcapi'] if u.query else '')")
}
# post URL FILE|-: POSTs the JSON body; answer in $T/ans, its status last
post() {
	$C -w '\n%{http_code}\n' -X POST -H 'Content-Type: application/json' --data-binary @"$2" "$1" >"$T/ans"
}
# wants DESCRIPTION STATUS TYPE [TEXT]: $T/ans is that Problem Details answer
wants() {
	if [ "$(tail -n 1 "$T/ans")" = "$2" ] && grep -q "\"type\": \"urn:obkit:vcapi:$3\"" "$T/ans" &&
		{ [ -z "${4:-}" ] || grep -q -- "$4" "$T/ans"; }; then
		ok
	else
		bad "$1: want $2 $3 ${4:-}, got: $(tr '\n' ' ' <"$T/ans" | cut -c1-300)"
	fi
}
# challenge URL: POSTs {} and prints the request's challenge
echo '{}' >"$T/empty.json"
challenge() {
	post "$1" "$T/empty.json"
	python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read().rsplit('\n',2)[0])['verifiablePresentationRequest']['challenge'])" "$T/ans"
}
state() { is offer list | grep "^$1 " | awk '{print $2}'; }

# ---- the LCW link ----
offer ana --name Ana
check "an offer without a PIN prints an lcw.app link" sh -c "echo '$LCW' | grep -q '^https://lcw.app/request?request=%7B'"
check "the link's request: origin, the exchange URL, the OID4VCI link" python3 - "$LCW" "$U" "$LINK" <<'PY'
import json, re, sys, urllib.parse
lcw, u, link = sys.argv[1:]
q = urllib.parse.parse_qs(urllib.parse.urlsplit(lcw).query)
r = json.loads(q['request'][0])
assert r['credentialRequestOrigin'] == u, r
assert re.fullmatch(re.escape(u) + '/exchanges/[A-Za-z0-9_-]{43}', r['protocols']['vcapi']), r
assert r['protocols']['OID4VCI'] == link, r
PY
expect 0 "" is offer "$OID" --lcw --server "$U"
check "offer ID --lcw prints the same link" sh -c "[ \"\$(cat '$T/out')\" = '$LCW' ]"
expect 0 "" is offer "$OID" --lcw --qr --png "$T/lcw.png" --server "$U"
if command -v zbarimg >/dev/null 2>&1; then
	check "offer ID --lcw --qr --png draws the LCW link" sh -c "[ \"\$(zbarimg -q --raw '$T/lcw.png')\" = '$LCW' ]"
else
	bad "zbarimg is needed to read the QR code back (Debian: zbar-tools)"
fi
is offer create --achievement weld-101 --recipient j@example.com --server "$U" --json >"$T/j.json" 2>/dev/null
check "offer create --json: the keys as before, then lcw_link" python3 -c "
import json,sys
j=json.load(open('$T/j.json'))
sys.exit(list(j)!=['id','link','achievement','recipient','expires','pin','lcw_link'] or not j['lcw_link'].startswith('https://lcw.app/request?request='))"
is offer create --achievement weld-101 --recipient k@example.com --server "$U" --json --pin >"$T/k.json" 2>/dev/null
check "offer create --pin --json: lcw_link null (no exchange)" python3 -c "
import json,sys
j=json.load(open('$T/k.json'))
sys.exit(j['lcw_link'] is not None or len(j['pin'])!=6)"
offer pinned --pin
check "an offer with a PIN has no LCW link (LCW cannot type a PIN)" test -z "$LCW"
expect 2 "has no VC-API exchange" is offer "$OID" --lcw
offer pinlcw --pin --lcw
check "--pin --lcw: an LCW link without the OID4VCI member" python3 - "$LCW" <<'PY'
import json, sys, urllib.parse
r = json.loads(urllib.parse.parse_qs(urllib.parse.urlsplit(sys.argv[1]).query)['request'][0])
assert 'vcapi' in r['protocols'] and 'OID4VCI' not in r['protocols'], r
PY
PINXURL=$XURL

# ---- the exchange, as LCW runs it ----
offer ana2 --name Ana
lcw run "$XURL" --out "$T/ana.vc" >"$T/ana.json" 2>"$T/ana.err" && ok ||
	bad "LCW (Ed25519Signature2020, VC 1.1 context, with domain) did not receive: $(head -c 600 "$T/ana.err")"
check "the answer is bound to the wallet's DID (checked by the wallet too)" python3 -c "
import json,sys
r=json.load(open('$T/ana.json')); c=json.load(open('$T/ana.vc'))
sys.exit(c['credentialSubject']['id']!=r['did'] or not r['did'].startswith('did:key:z6Mk'))"
expect 0 "^VALID" "$VF" verify "$T/ana.vc"
check "the offer is issued" test "$(state "$OID")" = issued
post "$XURL" "$T/empty.json"
wants "the exchange used a second time" 410 exchange-gone "already used"
CODE=$($C "$U/offers/$REF" -o "$T/o.json" -w '%{http_code}')
check "the OID4VCI offer is gone too" test "$CODE" = 410

offer rdfc
lcw run "$XURL" --suite rdfc --v2 --out "$T/rdfc.vc" >"$T/rdfc.json" 2>"$T/rdfc.err" && ok ||
	bad "a wallet signing eddsa-rdfc-2022 (VC 2.0 context) did not receive: $(head -c 600 "$T/rdfc.err")"
expect 0 "^VALID" "$VF" verify "$T/rdfc.vc"
offer legacy
lcw run "$XURL" --no-domain >"$T/legacy.json" 2>"$T/legacy.err" && ok ||
	bad "a presentation without a domain (LCW's legacy links) was refused: $(head -c 600 "$T/legacy.err")"
lcw run "$PINXURL" >"$T/pinlcw.json" 2>"$T/pinlcw.err" && ok ||
	bad "a --pin --lcw offer over the exchange: $(head -c 600 "$T/pinlcw.err")"

# ---- refusals; none uses up the offer or the challenge ----
offer neg
NEGOID=$OID
NEGX=$XURL
CH=$(challenge "$NEGX")
check "POST {}: a DIDAuthentication request, our domain, the exchange as the service" python3 - "$T/ans" "$NEGX" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().rsplit('\n', 2)[0])['verifiablePresentationRequest']
assert r['query'] == [{'type': 'DIDAuthentication', 'acceptedMethods': [{'method': 'key'}]}], r
assert r['domain'] == '127.0.0.1' and len(r['challenge']) >= 22, r
assert r['interact']['service'] == [{'type': 'UnmediatedPresentationService2021', 'serviceEndpoint': sys.argv[2]}], r
PY
lcw sign --challenge "not-the-challenge" --domain 127.0.0.1 >"$T/vp.json"
post "$NEGX" "$T/vp.json"
wants "a challenge the exchange never gave" 400 bad-challenge "not one this exchange gave"
lcw sign --challenge "$CH" --domain evil.example >"$T/vp.json"
post "$NEGX" "$T/vp.json"
wants "a wrong domain" 400 wrong-domain
lcw sign --challenge "$CH" --domain 127.0.0.1 --other-key >"$T/vp.json"
post "$NEGX" "$T/vp.json"
wants "a proof made by a key not the holder's" 403 presentation-refused "not to the holder"
lcw sign --challenge "$CH" --domain 127.0.0.1 >"$T/good.json"
python3 -c "
import json,sys
b=json.load(open('$T/good.json')); p=b['verifiablePresentation']['proof']
p['proofValue']=p['proofValue'][:-3]+('abc' if p['proofValue'][-3:]!='abc' else 'abd')
json.dump(b,open('$T/vp.json','w'))"
post "$NEGX" "$T/vp.json"
wants "a tampered proof" 403 presentation-refused
python3 -c "
import json
b=json.load(open('$T/good.json')); b['verifiablePresentation']['holder']='did:web:evil.example'
json.dump(b,open('$T/vp.json','w'))"
post "$NEGX" "$T/vp.json"
wants "a holder that is not a did:key" 400 bad-presentation "did:key"
python3 -c "
import json
b=json.load(open('$T/good.json')); b['verifiablePresentation']['proof']['proofPurpose']='assertionMethod'
json.dump(b,open('$T/vp.json','w'))"
post "$NEGX" "$T/vp.json"
wants "a proof for assertionMethod, not authentication" 403 presentation-refused
check "after all that, the offer is still open" test "$(state "$NEGOID")" = open
# another exchange's challenge: it answers its own exchange only
offer other
OTHERX=$XURL
post "$OTHERX" "$T/good.json"
wants "a presentation made for another exchange's challenge" 400 bad-challenge
post "$NEGX" "$T/good.json"
check "the right presentation, after the refusals, receives (200)" test "$(tail -n 1 "$T/ans")" = 200
post "$NEGX" "$T/good.json"
wants "the same presentation replayed" 410 exchange-gone
check "the other exchange's offer is untouched" test "$(state "$OID")" = open

# ---- one offer, one use, across OID4VCI and VC-API ----
offer both
BOTHX=$XURL
PRECODE=$($C "$U/offers/$REF" | python3 -c "import json,sys; print(json.load(sys.stdin)['grants']['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'])")
CH=$(challenge "$BOTHX")
$C -o /dev/null -w '%{http_code}' "$U/token" --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code" \
	--data-urlencode "pre-authorized_code=$PRECODE" >"$T/tokst"
check "the OID4VCI token step redeems the offer" test "$(cat "$T/tokst")" = 200
post "$BOTHX" "$T/empty.json"
wants "the exchange after the offer was redeemed over OID4VCI" 410 exchange-gone "already used"
lcw sign --challenge "$CH" --domain 127.0.0.1 >"$T/vp.json"
post "$BOTHX" "$T/vp.json"
wants "a presentation for a challenge given before the OID4VCI redemption" 410 exchange-gone
offer back
PRECODE=$($C "$U/offers/$REF" | python3 -c "import json,sys; print(json.load(sys.stdin)['grants']['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'])")
lcw run "$XURL" >/dev/null 2>&1 || bad "the exchange of offer 'back' did not deliver"
$C -w '\n%{http_code}\n' "$U/token" --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code" \
	--data-urlencode "pre-authorized_code=$PRECODE" >"$T/ans"
check "the OID4VCI code after the exchange delivered: 400 already used" sh -c "tail -n 1 '$T/ans' | grep -qx 400 && grep -q 'already used' '$T/ans'"

# ---- revoked, expired, unknown, bad requests ----
offer gone
expect 0 "revoked" is offer revoke "$OID"
post "$XURL" "$T/empty.json"
wants "a revoked offer's exchange" 410 exchange-gone "revoked"
offer brief --expires-in 3
CH=$(challenge "$XURL")
check "the brief exchange gave a challenge in time" test -n "$CH"
lcw sign --challenge "$CH" --domain 127.0.0.1 >"$T/vp.json"
sleep 4
post "$XURL" "$T/empty.json"
wants "an expired exchange" 410 exchange-gone "expired"
post "$XURL" "$T/vp.json"
wants "a presentation for an expired exchange" 410 exchange-gone "expired"
post "$U/exchanges/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$T/empty.json"
wants "an unknown exchange" 404 unknown-exchange
printf 'not json' >"$T/bad.json"
offer req
post "$XURL" "$T/bad.json"
wants "a body that is not JSON" 400 bad-request
$C -w '\n%{http_code}\n' -X POST -H 'Content-Type: text/plain' --data-binary '{}' "$XURL" >"$T/ans"
wants "a body that is not application/json" 400 bad-request
check "GET on an exchange: 405" sh -c "$C -o /dev/null -w '%{http_code}' '$XURL' | grep -qx 405"
python3 -c "print('['*5000 + ']'*5000)" >"$T/deep.json"
post "$XURL" "$T/deep.json"
wants "JSON nested 5000 deep" 400 bad-request
check "a body over 64 KiB is refused (413)" sh -c "head -c 100000 /dev/zero | tr '\\0' a | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- 'http://127.0.0.1:$(cat "$T/bport")/exchanges/${XURL##*/}' | grep -qx 413"
check "after all that, the offer is still open" test "$(state "$OID")" = open

# ---- a restart: a challenge given before it still works ----
offer restart
CH=$(challenge "$XURL")
lcw sign --challenge "$CH" --domain 127.0.0.1 >"$T/vp.json"
stop
serve
post "$XURL" "$T/vp.json"
check "after a restart, a challenge given before it still works (200)" test "$(tail -n 1 "$T/ans")" = 200
post "$XURL" "$T/vp.json"
wants "after a restart, the presentation replayed" 410 exchange-gone

# ---- obkit's own wallet (ob-wallet receive, its VC-API client) ----
WL="$BIN/ob-wallet"
printf 'Correct horse battery staple 42\n' >"$T/pass"
wl() { "$WL" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }
expect 0 "" wl init --kdf-cost test
WDID=$(wl whoami)
offer wall
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" "$LCW"
WID1=$(sed -n 's/^\(urn:uuid:[^ ]*\).*/\1/p' "$T/out" | head -n 1)
wl export "$WID1" >"$T/w1.json" 2>/dev/null || bad "ob-wallet export $WID1"
check "ob-wallet received over the exchange, bound to its DID" python3 -c "
import json,sys; sys.exit(json.load(open('$T/w1.json'))['credentialSubject']['id']!='$WDID')"
check "and the offer is issued" test "$(state "$OID")" = issued
offer wallqr --pin --lcw
expect 0 "" is offer "$OID" --lcw --qr --png "$T/wallqr.png" --server "$U"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" "$T/wallqr.png"
check "ob-wallet received a --pin --lcw offer from its LCW QR code, no PIN asked" test "$(state "$OID")" = issued
expect 1 "already used|is over" wl receive --cacert "$T/ca.pem" "$LCW"

# ---- two servers on one home: a challenge of one answers at the other;
# two wallets racing with good presentations: exactly one receives ----
"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$U" --port-file "$T/bport2" --no-status \
	2>>"$T/serve2.log" &
SPID2=$!
i=0
while [ ! -s "$T/bport2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
B2=http://127.0.0.1:$(cat "$T/bport2")
offer twin
CH=$(challenge "$XURL")
lcw sign --challenge "$CH" --domain 127.0.0.1 >"$T/vp.json"
curl -s -o "$T/ans2" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$T/vp.json" \
	"$B2/exchanges/${XURL##*/}" >"$T/st2"
check "a challenge given by one server is taken by another on the same home (200)" test "$(cat "$T/st2")" = 200
offer race
CH1=$(challenge "$XURL")
CH2=$(challenge "$XURL")
lcw sign --challenge "$CH1" --domain 127.0.0.1 >"$T/vp1.json"
lcw sign --challenge "$CH2" --domain 127.0.0.1 >"$T/vp2.json"
curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' --data-binary @"$T/vp1.json" \
	"http://127.0.0.1:$(cat "$T/bport")/exchanges/${XURL##*/}" >"$T/r1" &
R1=$!
curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' --data-binary @"$T/vp2.json" \
	"$B2/exchanges/${XURL##*/}" >"$T/r2"
wait $R1
check "two presentations racing on two servers: one 200, one 410 ($(cat "$T/r1" "$T/r2" | tr '\n' ' '))" \
	sh -c "[ \"\$(cat '$T/r1' '$T/r2' | sort | tr '\n' ' ')\" = '200 410 ' ]"
check "the raced offer was issued once" test "$(dbq "$H" "select count(*) from issued where recipient = 'race@example.com'")" = 1
kill "$SPID2" 2>/dev/null
wait "$SPID2" 2>/dev/null
check "the second server exits 0 on SIGTERM" test $? -eq 0

# ---- the roster's mail merge ----
printf 'name,recipient,achievement\nAna Lima,ana.lima@example.com,weld-101\n"Eze, Ama",ama@example.com,weld-101\n' >"$T/roster.csv"
expect 0 "" is offer create --roster "$T/roster.csv" -o "$T/mm.csv" --server "$U"
check "roster without PINs: lcw_link is the last column, each row's an LCW link" python3 - "$T/mm.csv" "$U" <<'PY'
import csv, json, sys, urllib.parse
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['name', 'recipient', 'achievement', 'offer_id', 'claim_url', 'pin', 'expires', 'lcw_link'], rows[0]
assert len(rows) == 3
for r in rows[1:]:
    q = json.loads(urllib.parse.parse_qs(urllib.parse.urlsplit(r[7]).query)['request'][0])
    assert q['protocols']['vcapi'].startswith(sys.argv[2] + '/exchanges/') and q['protocols']['OID4VCI'] == r[4]
PY
expect 0 "" is offer create --roster "$T/roster.csv" -o "$T/mm-pin.csv" --pin --server "$U"
check "roster with PINs: the columns as before" sh -c "head -n 1 '$T/mm-pin.csv' | tr -d '\r' | grep -qx 'name,recipient,achievement,offer_id,claim_url,pin,expires'"
ROWX=$(python3 -c "
import csv, json, sys, urllib.parse
r = list(csv.DictReader(open('$T/mm.csv', newline='')))[1]
print(json.loads(urllib.parse.parse_qs(urllib.parse.urlsplit(r['lcw_link']).query)['request'][0])['protocols']['vcapi'])")
lcw run "$ROWX" --out "$T/row.vc" >/dev/null 2>"$T/row.err" && ok || bad "a roster row's exchange: $(head -c 400 "$T/row.err")"
expect 0 "^VALID" "$VF" verify "$T/row.vc"

stop
done_tests
