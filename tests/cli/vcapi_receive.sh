#!/bin/sh
# ob-wallet receive as the VC-API exchange client (issue 16 items 2-3,
# exchange.md section 3): the Learner Credential Wallet's links and the
# exchange behind them.
#  1. link parsing: each form LCW takes, and the refusals (malformed JSON,
#     no vcapi/OID4VCI protocol, no challenge, not https, ...), none of
#     which stores anything;
#  2. an independent exchange server on the DCC stack LCW itself uses
#     (tests/interop-vcapi/vcapi-exchange-server.mjs: @digitalcredentials/vc
#     10.0.2 verifies the wallet's DID authentication, Ed25519Signature2020,
#     and issues an eddsa-rdfc-2022 Open Badge bound to the holder), npm ci
#     from tests/interop-vcapi/package-lock.json into a temp dir (the npm
#     registry must be reachable, else the test FAILS saying why): every
#     link form and a QR image end to end, the credential stored, bound to
#     the wallet's DID, shown, VALID for ob-verifier; a second receive of a
#     link, a credential bound to someone else, an oversize answer, a
#     QueryByExample request, an exchange that never ends and a service
#     endpoint elsewhere are each refused in one line, storing nothing;
#  3. ob-issuer serve behind tests/tools/tls_proxy (as delivery.sh): an
#     LCW link naming only an OpenID4VCI offer goes to the OpenID4VCI
#     client; an offer's own VC-API exchange (its lcw_link; a PIN offer's
#     only with --lcw; its QR image) end to end: stored, bound to the
#     wallet's DID, shown, VALID; the second use of the link refused, and
#     the offer's OpenID4VCI link dead with it.
# usage: sh tests/cli/vcapi_receive.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-vcapi" && pwd)
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
J="$T/js"
printf 'Correct horse battery staple 42\n' >"$T/pass"
WH="$T/wallet"
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }
# count: how many credentials the wallet holds
count() { "$WL" --home "$WH" --passphrase-file "$T/pass" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# request ORIGIN VCAPI [OID4VCI] [PREFIX]: an LCW wallet API request link
request() {
	python3 -c "
import json,sys,urllib.parse
p={}
if sys.argv[2]: p['vcapi']=sys.argv[2]
if sys.argv[3]: p['OID4VCI']=sys.argv[3]
print(sys.argv[4]+urllib.parse.quote(json.dumps({'credentialRequestOrigin':sys.argv[1],'protocols':p}),safe=''))" \
		"$1" "$2" "${3:-}" "${4:-https://lcw.app/request?request=}"
}

setup() {
	for tool in node npm python3 openssl; do
		command -v $tool >/dev/null 2>&1 || { bad "$tool is needed (Debian: nodejs npm python3 openssl)"; return 1; }
	done
	if [ ! -x "$TOOLS/tls_proxy" ]; then
		bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
		return 1
	fi
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/vcapi-exchange-server.mjs" "$J/" || return 1
	if ! npm_ci "$J" "tests/interop-vcapi"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
check "the exchange server's library is @digitalcredentials/vc 10.0.2" \
	sh -c "grep -q '\"version\": \"10.0.2\"' '$J/node_modules/@digitalcredentials/vc/package.json'"

expect 0 "" wl init --kdf-cost test
WDID=$(wl whoami)
test_ca

# ---- 1. link parsing: refusals before any network ----
O=https://127.0.0.1:9
expect 1 "request is not a JSON object: invalid JSON" wl receive "https://lcw.app/request?request=%7Bbad"
expect 1 "request is not a JSON object" wl receive "https://lcw.app/request?request=%5B1%5D"
expect 1 "lacks credentialRequestOrigin or protocols" wl receive "https://lcw.app/request?request=%7B%22protocols%22%3A%7B%7D%7D"
expect 3 "asks for a presentation \\(OID4VP\\).*ob-wallet respond" wl receive \
	"dccrequest://request?request=$(python3 -c "import json,urllib.parse; print(urllib.parse.quote(json.dumps({'credentialRequestOrigin':'$O','protocols':{'OID4VP':'openid4vp://?request_uri=$O/r'}})))")"
expect 3 "names no protocol this wallet receives with \\(vcapi, OID4VCI\\)" wl receive "$(request "$O" "")"
expect 1 "protocols are not strings" wl receive \
	"org.dcconsortium://request?request=$(python3 -c "import json,urllib.parse; print(urllib.parse.quote(json.dumps({'credentialRequestOrigin':'$O','protocols':{'vcapi':['$O/x']}})))")"
expect 2 "exchange: its URL is not https" wl receive "$(request "$O" "http://127.0.0.1:9/exchanges/x")"
expect 1 "neither request= nor vc_request_url=" wl receive "https://lcw.app/request?foo=bar"
expect 1 "has request twice" wl receive "https://lcw.app/request?request=1&request=2"
expect 1 "bad %-escape" wl receive "https://lcw.app/request?request=%7"
expect 1 "no issuer=" wl receive "https://lcw.app/request.html?challenge=c&vc_request_url=$O/legacy/c"
expect 1 "no challenge=" wl receive "dccrequest://request?issuer=x&vc_request_url=$O/legacy/c"
expect 3 "auth_type is not bearer" wl receive "https://lcw.app/request.html?issuer=x&auth_type=oauth&challenge=c&vc_request_url=$O/legacy/c"
expect 2 "vc_request_url is not https" wl receive "https://lcw.app/request.html?issuer=x&challenge=c&vc_request_url=http://127.0.0.1:9/legacy/c"
python3 -c "print('https://lcw.app/request?request=' + 'a' * 17000)" >"$T/long.link"
expect 3 "longer than 16384 bytes" wl receive "$T/long.link"
expect 3 "could not connect" wl receive "$(request "$O" "$O/exchanges/none")"
check "no credential stored by the refusals" test "$(count)" = 0

# ---- 2. the independent exchange server ----
NODE_EXTRA_CA_CERTS="$T/ca.pem" node "$J/vcapi-exchange-server.mjs" --cert "$T/srv.pem" --key "$T/srv.key" \
	--port-file "$T/nport" 2>"$T/node.log" &
NPID=$!
PXP=
SPID=
trap 'kill $NPID $PXP $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/nport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/nport" ] || bad "the exchange server did not start: $(tail -n 3 "$T/node.log")"
N=https://127.0.0.1:$(cat "$T/nport")
X="$N/exchanges"
ca="--cacert $T/ca.pem"

# receive_ok NAME LINK...: the link received, one credential stored; ID its id
receive_ok() {
	what=$1
	shift
	before=$(count)
	expect 0 "^urn:uuid:" wl receive $ca "$@"
	ID=$(grep '^urn:uuid:' "$T/out" | head -n 1)
	check "$what: one credential more in the wallet" test "$(count)" = $((before + 1))
}
receive_ok "lcw.app/request" "$(request "$N" "$X/ok-1")"
check "the wallet says where it came from" grep -q "received 1 credential from $N" "$T/out"
wl export "$ID" >"$T/got1.json" 2>/dev/null || bad "export $ID"
check "the credential is bound to the wallet's DID" python3 -c "
import json,sys; c=json.load(open('$T/got1.json')); sys.exit(c['credentialSubject']['id']!='$WDID')"
check "the credential was issued by the exchange server (eddsa-rdfc-2022)" python3 -c "
import json,sys; c=json.load(open('$T/got1.json')); p=c['proof']; p=p[0] if isinstance(p,list) else p
sys.exit(c['issuer']['name']!='Node Exchange Academy' or p.get('cryptosuite')!='eddsa-rdfc-2022')"
expect 0 "Learner: +$WDID" wl show "$ID"
check "show has it: the achievement" grep -q "Achievement: VC-API interop" "$T/out"
wl show --json "$ID" >"$T/show.json" 2>/dev/null
check "show --json names the source: the exchange's origin" python3 -c "
import json,sys; s=json.load(open('$T/show.json')); sys.exit(s['source']!='VC-API $N' or s['verdict']!='valid')"
expect 0 "^VALID" "$VF" verify "$T/got1.json"
check "the server verified the DID authentication (Ed25519Signature2020) and delivered" \
	sh -c "[ \$(grep -c 'POST /exchanges/ok-1' '$T/node.log') = 2 ]"
before=$(count)
expect 1 "the issuer said 410 exchange already used" wl receive $ca "$(request "$N" "$X/ok-1")"
check "the refusal is one line" test "$(grep -c . "$T/out")" = 1
receive_ok "lcw.app/request.html" "$(request "$N" "$X/ok-2" "" "https://lcw.app/request.html?request=")"
receive_ok "dccrequest://" "$(request "$N" "$X/ok-3" "" "dccrequest://request?request=")"
receive_ok "org.dcconsortium://" "$(request "$N" "$X/ok-4" "" "org.dcconsortium://request?request=")"
receive_ok "vcapi preferred to OID4VCI" "$(request "$N" "$X/ok-5" "openid-credential-offer://?credential_offer_uri=https%3A%2F%2F127.0.0.1%3A9%2Foffers%2Fx")"
receive_ok "legacy request.html" "https://lcw.app/request.html?issuer=node.example&auth_type=bearer&challenge=c1&vc_request_url=$N/legacy/c1"
receive_ok "legacy dccrequest://" "dccrequest://request?issuer=node.example&challenge=c2&vc_request_url=$N/legacy/c2"
expect 1 "410 request already used" wl receive $ca "dccrequest://request?issuer=node.example&challenge=c2&vc_request_url=$N/legacy/c2"
receive_ok "a bare credential delivered" "$(request "$N" "$X/bare-1")"
node "$J/vcapi-exchange-server.mjs" --qr "$(request "$N" "$X/ok-6")" --png "$T/lcw.png" 2>"$T/qr.err" ||
	bad "could not draw the QR code: $(cat "$T/qr.err")"
receive_ok "a QR image of the link" "$T/lcw.png"
printf '  %s  \n' "$(request "$N" "$X/ok-7")" >"$T/link.txt"
receive_ok "a file holding the link" "$T/link.txt"
wl receive $ca --json "$(request "$N" "$X/ok-8")" >"$T/j.json" 2>"$T/j.err"
check "--json: exit 0" test $? = 0
check "--json: the credential's id, verdict, issuer and protocol" python3 -c "
import json,sys; o=json.load(open('$T/j.json')); r=o['credentials'][0]
sys.exit(len(o['credentials'])!=1 or not r['id'].startswith('urn:uuid:') or r['verdict']!='valid' or not r['added'] or r['issuer']!='$N' or r['protocol']!='vcapi')"

# the refusals: each one line, nothing stored
before=$(count)
refused() { # DESCRIPTION CODE PATTERN LINK
	expect "$2" "$3" wl receive $ca "$4"
	check "$1: one line" test "$(grep -vc '^ob-wallet: received' "$T/out")" = 1
}
refused "a credential bound to someone else" 1 "bound to did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+, not to this wallet's DID: refused" "$(request "$N" "$X/foreign-1")"
refused "an answer over 1 MiB" 3 "larger than 1048576 bytes" "$(request "$N" "$X/big-1")"
refused "a QueryByExample request" 3 "asks for credentials, a query of type QueryByExample" "$(request "$N" "$X/qbe-1")"
refused "an exchange that never ends" 3 "asked more than 3 times" "$(request "$N" "$X/loop-1")"
refused "a service endpoint on another origin" 1 "sends the answer elsewhere" "$(request "$N" "$X/elsewhere-1")"
wl receive $ca --json "$(request "$N" "$X/foreign-2")" >"$T/j.json" 2>"$T/j.err"
check "--json on a refusal: exit 1" test $? = 1
check "--json on a refusal: added false and the reason" python3 -c "
import json,sys; r=json.load(open('$T/j.json'))['credentials'][0]
sys.exit(r['added'] or 'not to this wallet' not in r['error'] or r['verdict']!='valid')"
wl receive $ca --json "$(request "$N" "$X/mixed-1")" >"$T/j.json" 2>"$T/j.err"
check "a delivery of two, the second bound to someone else: exit 1" test $? = 1
check "--json: neither added, the error on the second" python3 -c "
import json,sys; r=json.load(open('$T/j.json'))['credentials']
sys.exit(len(r)!=2 or r[0]['added'] or r[1]['added'] or 'error' in r[0] or 'not to this wallet' not in r[1]['error'])"
check "nothing stored by the refusals (all or nothing)" test "$(count)" = "$before"
wl receive $ca "$(request "$N" "$X/two-1")" >"$T/two.out" 2>"$T/two.err"
check "a delivery of two credentials: exit 0" test $? = 0
check "a delivery of two credentials: two ids" test "$(grep -c '^urn:uuid:' "$T/two.out")" = 2
check "a delivery of two credentials: both stored" test "$(count)" = $((before + 2))
kill $NPID 2>/dev/null
wait $NPID 2>/dev/null
NPID=

# ---- 3. ob-issuer serve ----
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
"$TOOLS/tls_proxy" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PXP=$!
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")
expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$U" --port-file "$T/bport" --no-status 2>"$T/serve.log" &
SPID=$!
i=0
while [ ! -s "$T/bport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/bport" ] || bad "ob-issuer serve did not start: $(tail -n 2 "$T/serve.log")"
is offer create --achievement weld-101 --recipient ana@example.com --server "$U" >"$T/ana.offer" 2>"$T/ana.err" ||
	bad "offer create: $(cat "$T/ana.err")"
LINK=$(sed -n 's/^link: //p' "$T/ana.offer")
receive_ok "an LCW link with only an OpenID4VCI offer" "$(request "$U" "" "$LINK")"
check "it went the OpenID4VCI way" grep -q "received a credential from $U" "$T/out"
wl export "$ID" >"$T/vci.json" 2>/dev/null || bad "export $ID"
expect 0 "^VALID" "$VF" verify "$T/vci.json"
expect 1 "already used" wl receive $ca "$(request "$U" "" "$LINK")"

# the offer's own VC-API exchange (offer create prints lcw_link)
# offer NAME [OPTIONS]: an offer; LINK, LCW, OID its parts
offer() {
	n=$1
	shift
	is offer create --achievement weld-101 --recipient "$n@example.com" --name "$n" --server "$U" "$@" \
		>"$T/$n.offer" 2>"$T/$n.err" || bad "offer create $n: $(cat "$T/$n.err")"
	LINK=$(sed -n 's/^link: //p' "$T/$n.offer")
	LCW=$(sed -n 's/^lcw_link: //p' "$T/$n.offer")
	OID=$(sed -n 's/^id: //p' "$T/$n.offer")
}
offer ben
check "a PIN-less offer has an LCW link naming its exchange and its OpenID4VCI offer" python3 -c "
import json,sys,urllib.parse
l=sys.argv[1]; p='https://lcw.app/request?request='
r=json.loads(urllib.parse.unquote(l[len(p):])) if l.startswith(p) else {}
sys.exit(not r.get('protocols',{}).get('vcapi','').startswith('$U/exchanges/') or r['protocols'].get('OID4VCI')!=sys.argv[2])" "$LCW" "$LINK"
receive_ok "ob-issuer serve's exchange" "$LCW"
check "it went the VC-API way" grep -q "received 1 credential from $U" "$T/out"
BEN=$ID
wl export "$BEN" >"$T/ben.json" 2>/dev/null || bad "export $BEN"
check "ob-issuer serve's credential is bound to the wallet's DID" python3 -c "
import json,sys; c=json.load(open('$T/ben.json')); sys.exit(c['credentialSubject']['id']!='$WDID')"
expect 0 "Achievement: +Welding Fundamentals" wl show "$BEN"
expect 0 "^VALID" "$VF" verify "$T/ben.json"
expect 0 "$OID +issued +weld-101 +ben@example.com" is offer list
check "the server logged the delivery to the wallet's DID" grep -q "to $WDID" "$T/serve.log"
before=$(count)
expect 1 "the issuer said 410" wl receive $ca "$LCW"
check "the second use is refused in one line" test "$(grep -c . "$T/out")" = 1
expect 1 "already used" wl receive $ca "$LINK"
check "the offer's OpenID4VCI link died with its exchange" test "$(count)" = "$before"
# an offer with a PIN: no exchange, unless --lcw (then the link is the secret)
offer cho --pin
check "a PIN offer has no LCW link by default" test -z "$LCW"
offer dee --pin --lcw
check "with --lcw its LCW link names the exchange only" python3 -c "
import json,sys,urllib.parse
r=json.loads(urllib.parse.unquote(sys.argv[1].split('request=',1)[1])); sys.exit('OID4VCI' in r['protocols'] or 'vcapi' not in r['protocols'])" "$LCW"
expect 0 "" is offer "$OID" --lcw --server "$U" --qr --png "$T/dee.png"
receive_ok "a QR image of ob-issuer's LCW link, no PIN asked" "$T/dee.png"
wl export "$ID" >"$T/dee.json" 2>/dev/null || bad "export $ID"
expect 0 "^VALID" "$VF" verify "$T/dee.json"
offer eve
receive_ok "an OpenID4VCI offer link under LCW's address" "https://lcw.app/request?${LINK#*\?}"
check "it went the OpenID4VCI way" grep -q "received a credential from $U" "$T/out"

kill $SPID 2>/dev/null
wait $SPID 2>/dev/null
SPID=
done_tests
