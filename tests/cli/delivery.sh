#!/bin/sh
# Delivery over OpenID4VCI 1.0 (issue 16): ob-issuer offer / serve and
# ob-wallet receive, as real processes on loopback. TLS comes from a
# reverse proxy in front of `ob-issuer serve` (tests/tools/tls_proxy.c,
# with a test CA made here), as in a deployment. The protocol's security
# rules are checked with a hand-driven client (curl, openssl and a few
# lines of Python for the JWT key proofs), the whole loop with the tools:
# a roster of 3 -> offers (offer create --roster) -> ob-wallet receive
# with PIN -> credentials bound to the wallet's DID -> ob-verifier verify
# VALID; and one more over the VC-API exchange (an LCW link).
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
PROXY=$TOOLS/tls_proxy
if [ ! -x "$PROXY" ]; then
	bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
	done_tests
	exit
fi
for tool in curl openssl python3; do
	command -v $tool >/dev/null 2>&1 || { bad "$tool is needed"; done_tests; exit; }
done

H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
printf 'Correct horse battery staple 42\n' >"$T/pass"
WH="$T/wallet"
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }

# ---- a test CA, a server certificate, the proxy ----
test_ca

"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PPID_=$!
SPID=
trap 'kill $PPID_ $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")

# serve [OPTIONS]: (re)starts ob-issuer serve behind the proxy
serve() { issuer_serve "$@"; }
# stop: SIGTERM, and it must exit 0 (under ASan: no leak, no error)
stop() { issuer_stop; }

# ---- the issuer ----
expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
# a credential issued the usual way first, so status list 1 exists and is published
expect 0 "" is issue --achievement weld-101 --recipient first@example.com -o "$T/first.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
check "publish maps the status list" grep -q "status/revocation/1.json=" "$T/map"

# ---- offers: usage ----
expect 2 "needs --achievement and --recipient" is offer create --achievement weld-101
expect 2 "--expires-in wants" is offer create --achievement weld-101 --recipient a@example.com --expires-in 3x
expect 2 "--recipient wants" is offer create --achievement weld-101 --recipient "not a person"
expect 2 "no achievement 'nope'" is offer create --achievement nope --recipient a@example.com
expect 2 "not an https URL" is offer create --achievement weld-101 --recipient a@example.com --server http://x.example
expect 2 "offer create\|list\|revoke" is offer --frob

# offer NAME [--pin] [--expires-in D]: creates one; $T/NAME.offer holds the output,
# LINK, PIN, OID, REF its parts
offer() {
	n=$1
	shift
	is offer create --achievement weld-101 --recipient "$n@example.com" --name "$n" --server "$U" "$@" \
		>"$T/$n.offer" 2>"$T/$n.err" || bad "offer create $n: $(cat "$T/$n.err")"
	LINK=$(sed -n 's/^link: //p' "$T/$n.offer")
	PIN=$(sed -n 's/^pin: //p' "$T/$n.offer")
	OID=$(sed -n 's/^id: //p' "$T/$n.offer")
	REF=${LINK##*offers%2F}
	printf '%s\n' "$PIN" >"$T/$n.pin"
}
offer ana --pin
check "the link is an openid-credential-offer:// link by reference" \
	sh -c "echo '$LINK' | grep -Eq '^openid-credential-offer://\\?credential_offer_uri=https%3A%2F%2F127.0.0.1%3A[0-9]+%2Foffers%2F[A-Za-z0-9_-]{43}$'"
check "the PIN is six digits" sh -c "echo '$PIN' | grep -Eq '^[0-9]{6}$'"
check "the PIN is not in the database in clear" sh -c "! grep -qa '$PIN' '$H/issuer.db'"
expect 0 "$OID +open +weld-101 +ana@example.com" is offer list
expect 0 "^openid-credential-offer://" is offer "$OID" --server "$U"
expect 2 "no offer 'ffff'" is offer ffff
expect 0 "" is offer "$OID" --server "$U" --qr --png "$T/ana.png"
check "offer --qr --png writes a PNG" sh -c "head -c 8 '$T/ana.png' | od -An -c | grep -q 'P   N   G'"
expect 0 "" is offer "$OID" --server "$U" --qr
check "offer --qr draws on the terminal" grep -q "█" "$T/out"

# ---- the service and its metadata ----
serve
C="curl -s --cacert $T/ca.pem"
$C "$U/.well-known/openid-credential-issuer" >"$T/meta.json"
check "issuer metadata: credential_issuer is the public URL" \
	python3 -c "import json,sys; m=json.load(open('$T/meta.json')); sys.exit(m['credential_issuer']!='$U' or m['credential_endpoint']!='$U/credential' or m['nonce_endpoint']!='$U/nonce')"
check "issuer metadata: ldp_vc and jwt_vc_json, did:key binding, jwt proofs" \
	python3 -c "import json,sys; c=json.load(open('$T/meta.json'))['credential_configurations_supported']; l=c['OpenBadgeCredential_ldp']; j=c['OpenBadgeCredential_jwt']; sys.exit(not(l['format']=='ldp_vc' and j['format']=='jwt_vc_json' and l['cryptographic_binding_methods_supported']==['did:key'] and 'EdDSA' in l['proof_types_supported']['jwt']['proof_signing_alg_values_supported']))"
$C "$U/.well-known/oauth-authorization-server" >"$T/as.json"
check "AS metadata: the token endpoint, the pre-authorized grant" \
	python3 -c "import json,sys; a=json.load(open('$T/as.json')); sys.exit(a['issuer']!='$U' or a['token_endpoint']!='$U/token' or a['grant_types_supported']!=['urn:ietf:params:oauth:grant-type:pre-authorized_code'])"
$C "$U/offers/$REF" >"$T/offer.json"
check "the offer by reference: issuer, configurations, code, tx_code" \
	python3 -c "import json,sys; o=json.load(open('$T/offer.json')); g=o['grants']['urn:ietf:params:oauth:grant-type:pre-authorized_code']; sys.exit(o['credential_issuer']!='$U' or 'OpenBadgeCredential_ldp' not in o['credential_configuration_ids'] or len(g['pre-authorized_code'])<43 or g['tx_code']['length']!=6)"
check "an unknown offer reference is 404" sh -c "$C -o /dev/null -w '%{http_code}' '$U/offers/nope' | grep -qx 404"
check "GET /token is 405" sh -c "$C -o /dev/null -w '%{http_code}' '$U/token' | grep -qx 405"

# ---- a hand-driven client: key proofs made with openssl and Python ----
cat >"$T/vci.py" <<'EOF'
import base64, json, subprocess, sys, time
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def b58(b):
    a = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
    n = int.from_bytes(b, 'big'); s = ''
    while n: n, r = divmod(n, 58); s = a[r] + s
    return '1' * (len(b) - len(b.lstrip(b'\0'))) + s
def did(pem):
    der = subprocess.run(['openssl', 'pkey', '-in', pem, '-pubout', '-outform', 'DER'], capture_output=True, check=True).stdout
    return 'did:key:z' + b58(b'\xed\x01' + der[-32:])
cmd, pem = sys.argv[1], sys.argv[2]
if cmd == 'did':
    print(did(pem)); sys.exit()
# proof PEM AUD NONCE [IAT_OFFSET] [TYP]
aud, nonce = sys.argv[3], sys.argv[4]
iat = int(time.time()) + int(sys.argv[5] if len(sys.argv) > 5 else 0)
typ = sys.argv[6] if len(sys.argv) > 6 else 'openid4vci-proof+jwt'
d = did(pem)
h = {'alg': 'EdDSA', 'typ': typ, 'kid': d + '#' + d[8:]}
p = {'aud': aud, 'iat': iat}
if nonce != '-': p['nonce'] = nonce
si = b64(json.dumps(h).encode()) + '.' + b64(json.dumps(p).encode())
open(pem + '.in', 'wb').write(si.encode())
sig = subprocess.run(['openssl', 'pkeyutl', '-sign', '-inkey', pem, '-rawin', '-in', pem + '.in'], capture_output=True, check=True).stdout
print(si + '.' + b64(sig))
EOF
ossl genpkey -algorithm ed25519 -out "$T/holder.pem"
HDID=$(python3 "$T/vci.py" did "$T/holder.pem")
proof() { python3 "$T/vci.py" proof "$T/holder.pem" "$@"; }
PRE=urn:ietf:params:oauth:grant-type:pre-authorized_code
# token CODE [PIN]: the token endpoint's answer in $T/tok (status first line)
token() {
	if [ $# -gt 1 ]; then
		$C -w '\n%{http_code}\n' "$U/token" --data-urlencode "grant_type=$PRE" \
			--data-urlencode "pre-authorized_code=$1" --data-urlencode "tx_code=$2" >"$T/tok"
	else
		$C -w '\n%{http_code}\n' "$U/token" --data-urlencode "grant_type=$PRE" \
			--data-urlencode "pre-authorized_code=$1" >"$T/tok"
	fi
}
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read().rsplit('\n',2)[0]).get(sys.argv[2],''))" "$1" "$2"; }
nonce() { $C -X POST "$U/nonce" | python3 -c "import json,sys; print(json.load(sys.stdin)['c_nonce'])"; }
# credential TOKEN PROOF [CONF]: the credential endpoint's answer in $T/cred
credential() {
	printf '{"credential_configuration_id":"%s","proofs":{"jwt":["%s"]}}' "${3:-OpenBadgeCredential_ldp}" "$2" >"$T/req.json"
	$C -w '\n%{http_code}\n' "$U/credential" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		--data-binary @"$T/req.json" >"$T/cred"
}
status() { tail -n 1 "$1"; }
code_of() { $C "$U/offers/$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['grants']['$PRE']['pre-authorized_code'])"; }
wants() { # DESCRIPTION FILE STATUS ERROR [TEXT]
	if [ "$(status "$2")" = "$3" ] && grep -q "\"error\": \"$4\"" "$2" && { [ -z "${5:-}" ] || grep -q "$5" "$2"; }; then
		ok
	else
		bad "$1: want $3 $4 ${5:-}, got: $(tr '\n' ' ' <"$2" | cut -c1-300)"
	fi
}

# ---- the PIN: required, checked, rate-limited ----
offer pin1 --pin
CODE1=$(code_of "$REF")
token "$CODE1"
wants "a PIN offer without tx_code" "$T/tok" 400 invalid_request "needs its tx_code"
WRONG=000000
[ "$WRONG" = "$PIN" ] && WRONG=999999
for n in 1 2 3 4; do
	token "$CODE1" "$WRONG"
	wants "wrong PIN $n" "$T/tok" 400 invalid_grant "$((5 - n)) tries left"
done
token "$CODE1" "$WRONG"
wants "the fifth wrong PIN locks the offer" "$T/tok" 400 invalid_grant "now locked"
token "$CODE1" "$PIN"
wants "a locked offer refuses the right PIN" "$T/tok" 400 invalid_grant "locked"
expect 0 "$OID +locked" is offer list
offer nopin
token "$(code_of "$REF")" 123456
wants "tx_code sent for an offer without a PIN" "$T/tok" 400 invalid_request "takes no tx_code"
token "nonsense"
wants "an unknown code" "$T/tok" 400 invalid_grant "unknown"

# ---- a full hand-driven issuance, then its replays ----
offer raw --pin
RAWREF=$REF
CODE=$(code_of "$REF")
token "$CODE" "$PIN"
check "the token endpoint answers 200 with a Bearer token" sh -c "[ \"\$(tail -n 1 '$T/tok')\" = 200 ] && grep -q '\"token_type\": \"Bearer\"' '$T/tok'"
TOK=$(field "$T/tok" access_token)
token "$CODE" "$PIN"
wants "the code used twice" "$T/tok" 400 invalid_grant "already used"
check "a redeemed offer's URI is gone (410)" sh -c "$C -o /dev/null -w '%{http_code}' '$U/offers/$RAWREF' | grep -qx 410"
credential "$TOK" "x.y.z"
wants "a proof that is no JWS" "$T/cred" 400 invalid_proof
N=$(nonce)
credential "$TOK" "$(proof https://evil.example "$N")"
wants "a proof for another audience" "$T/cred" 400 invalid_proof "aud is not this issuer"
credential "$TOK" "$(proof "$U" "$N" 0 JWT)"
wants "a proof with typ JWT" "$T/cred" 400 invalid_proof "typ"
credential "$TOK" "$(proof "$U" "$N" -3600)"
wants "a proof an hour old (iat)" "$T/cred" 400 invalid_proof "iat"
credential "$TOK" "$(proof "$U" -)"
wants "a proof without a nonce" "$T/cred" 400 invalid_nonce
credential "$TOK" "$(proof "$U" made-up-nonce)"
wants "a nonce the issuer never gave" "$T/cred" 400 invalid_nonce
credential "$TOK" "$(proof "$U" "$N")" OpenBadgeCredential_mdoc
wants "an unknown configuration" "$T/cred" 400 unknown_credential_configuration
credential "bad-token" "$(proof "$U" "$N")"
wants "a made-up access token" "$T/cred" 401 invalid_token
P1=$(proof "$U" "$N")
credential "$TOK" "$P1"
check "the credential endpoint answers 200" sh -c "[ \"\$(tail -n 1 '$T/cred')\" = 200 ]"
check "the credential is bound to the proof's DID" python3 -c "
import json,sys; c=json.loads(open('$T/cred').read().rsplit('\n',2)[0])['credentials'][0]['credential']
sys.exit(c['credentialSubject']['id'] != '$HDID' or not c['credentialSubject'].get('identifier'))"
credential "$TOK" "$(proof "$U" "$(nonce)")"
wants "the access token used twice" "$T/cred" 401 invalid_token
expect 0 "$OID +issued .*urn:uuid:" is offer list
# the same proof again, with a new offer's token
offer raw2 --pin
token "$(code_of "$REF")" "$PIN"
TOK2=$(field "$T/tok" access_token)
credential "$TOK2" "$P1"
wants "a replayed proof" "$T/cred" 400 invalid_proof "used before"
credential "$TOK2" "$(proof "$U" "$N" 1)"
wants "a used nonce in a fresh proof" "$T/cred" 400 invalid_nonce

# ---- budgets: the server survives them ----
# (straight to the service, as the proxy would forward it: a proxy that
# streams the body may see the connection reset before it relays the 413)
check "a body over 64 KiB is refused (413)" sh -c "head -c 100000 /dev/zero | tr '\\0' a | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- 'http://127.0.0.1:$(cat "$T/bport")/credential' | grep -qx 413"
python3 -c "print('['*5000 + ']'*5000)" >"$T/deep.json"
$C -w '\n%{http_code}\n' "$U/credential" -H "Authorization: Bearer $TOK2" -H 'Content-Type: application/json' \
	--data-binary @"$T/deep.json" >"$T/cred"
wants "JSON nested 5000 deep" "$T/cred" 400 invalid_credential_request
$C -w '\n%{http_code}\n' "$U/credential" -H "Authorization: Bearer $TOK2" -H 'Content-Type: text/plain' \
	--data-binary '{}' >"$T/cred"
wants "a credential request that is not JSON" "$T/cred" 400 invalid_credential_request
$C -w '\n%{http_code}\n' "$U/token" -H 'Content-Type: application/json' --data-binary '{}' >"$T/tok"
wants "a token request that is not a form" "$T/tok" 400 invalid_request
check "the server is still up after all that" sh -c "$C -o /dev/null -w '%{http_code}' '$U/.well-known/openid-credential-issuer' | grep -qx 200"

# ---- revoked and expired offers ----
offer gone --pin
GONE=$OID
GONECODE=$(code_of "$REF")
expect 0 "revoked" is offer revoke "$GONE"
expect 1 "no open offer" is offer revoke "$GONE"
token "$GONECODE" "$PIN"
wants "a revoked offer" "$T/tok" 400 invalid_grant "revoked"
expect 1 "revoked" is offer "$GONE"
offer brief --expires-in 4
BRIEFCODE=$(code_of "$REF")
check "the brief offer's code was read in time" test -n "$BRIEFCODE"
sleep 5
token "$BRIEFCODE"
wants "an expired offer" "$T/tok" 400 invalid_grant "expired"
expect 0 "expired" is offer list

# ---- a restart forgets nothing; a stale nonce is refused ----
offer restart --pin
token "$(code_of "$REF")" "$PIN"
TOK3=$(field "$T/tok" access_token)
N3=$(nonce)
stop
serve --nonce-ttl 1
token "$CODE" "$PIN"
wants "after a restart, a used code is still used" "$T/tok" 400 invalid_grant "already used"
credential "$TOK2" "$P1"
wants "after a restart, a replayed proof is still refused" "$T/cred" 400 invalid_proof "used before"
credential "$TOK3" "$(proof "$U" "$N3")"
check "after a restart, a token and nonce given before still work" sh -c "[ \"\$(tail -n 1 '$T/cred')\" = 200 ]"
N4=$(nonce)
sleep 2
credential "$TOK2" "$(proof "$U" "$N4")"
wants "a stale nonce" "$T/cred" 400 invalid_nonce "stale"
stop
serve

# ---- ob-wallet receive: refusals ----
expect 0 "" "$WL" --home "$WH" --passphrase-file "$T/pass" init --kdf-cost test
WDID=$(wl whoami)
expect 2 "one offer" wl receive
expect 2 "--format wants" wl receive --format mdoc x
offer wrongpin --pin
printf '000000\n' >"$T/bad.pin"
[ "$PIN" = 000000 ] && printf '111111\n' >"$T/bad.pin"
expect 1 "wrong tx_code" wl receive --cacert "$T/ca.pem" --pin-file "$T/bad.pin" $DOCS "$LINK"
expect 1 "offer was already used" wl receive --cacert "$T/ca.pem" --pin-file "$T/raw.pin" $DOCS "$(cat "$T/raw.offer" | sed -n 's/^link: //p')"
expect 1 "revoked" wl receive --cacert "$T/ca.pem" --pin-file "$T/gone.pin" $DOCS "$(sed -n 's/^link: //p' "$T/gone.offer")"
expect 2 "only https" wl receive "http://127.0.0.1:1/offers/x"
expect 1 "not an offer link" wl receive "openid-credential-offer://?foo=bar"
expect 3 "certificate is not trusted" wl receive --pin-file "$T/ana.pin" "$(sed -n 's/^link: //p' "$T/ana.offer")"
check "no credential stored by the refusals" sh -c "[ \$('$WL' --home '$WH' --passphrase-file '$T/pass' list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 0 ]"

# ---- the loop: a roster of 3 -> offers -> receive with PIN -> bound -> VALID ----
printf 'name,recipient,achievement\nDan Ode,dan@example.com,weld-101\n"Eze, Ama",eze@example.com,weld-101\nFay Lu,fay@example.com,weld-101\n' >"$T/roster.csv"
printf 'name,recipient,achievement\nX,x@example.com,weld-101\nY,not-a-person,weld-101\n' >"$T/bad.csv"
expect 2 "bad.csv:3: the recipient" is offer create --roster "$T/bad.csv" -o "$T/bad-mm.csv" --pin --server "$U"
check "a bad roster makes no offer and no file" sh -c "[ ! -e '$T/bad-mm.csv' ] && ! '$IS' --home '$H' offer list | grep -q x@example.com"
expect 2 "needs -o" is offer create --roster "$T/roster.csv" --pin
expect 0 "mm.csv" is offer create --roster "$T/roster.csv" -o "$T/mm.csv" --pin --server "$U"
check "the mail merge is 0600 (it holds the PINs)" test "$(stat -c %a "$T/mm.csv")" = 600
expect 3 "exists" is offer create --roster "$T/roster.csv" -o "$T/mm.csv" --pin --server "$U"
# row N's column C of the mail merge
mm() { python3 -c "import csv,sys; print(list(csv.DictReader(open('$T/mm.csv')))[$1]['$2'])"; }
check "the mail merge has three rows with links and PINs" python3 -c "
import csv,re,sys; r=list(csv.DictReader(open('$T/mm.csv')))
sys.exit(len(r)!=3 or r[1]['name']!='Eze, Ama' or not all(x['claim_url'].startswith('openid-credential-offer://') and re.fullmatch('[0-9]{6}',x['pin']) for x in r))"
for n in 0 1 2; do mm $n pin >"$T/row$n.pin"; done
expect 0 "" is offer "$(mm 0 offer_id)" --server "$U" --qr --png "$T/row0.png"
ROW1URI=$(mm 1 claim_url | python3 -c "import sys,urllib.parse; print(urllib.parse.unquote(sys.stdin.read().strip().split('credential_offer_uri=')[1]))")
mm 2 claim_url >"$T/row2.link"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/row0.pin" $DOCS "$T/row0.png"
ID1=$(grep '^urn:uuid:' "$T/out")
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/row1.pin" --format jwt_vc_json $DOCS "$ROW1URI"
ID2=$(grep '^urn:uuid:' "$T/out")
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/row2.pin" $DOCS "$T/row2.link"
ID3=$(grep '^urn:uuid:' "$T/out")
expect 0 "verified" wl list
check "three credentials in the wallet" sh -c "[ \$('$WL' --home '$WH' --passphrase-file '$T/pass' list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 3 ]"
n=0
for id in "$ID1" "$ID2" "$ID3"; do
	n=$((n + 1))
	wl export "$id" >"$T/got$n" 2>/dev/null || bad "export $id"
	check "credential $n: credentialSubject.id is the wallet's DID" python3 -c "
import base64,json,sys
t=open('$T/got$n').read().strip()
if t.startswith('{'): c=json.loads(t)
else:
    p=t.split('.')[1]; c=json.loads(base64.urlsafe_b64decode(p+'='*(-len(p)%4)))
    c=c.get('vc',c)
sys.exit(c['credentialSubject']['id']!='$WDID')"
	expect 0 "^VALID" "$VF" verify $DOCS "$T/got$n"
done
check "credential 2 is a VC-JWT (jwt_vc_json)" sh -c "head -c 3 '$T/got2' | grep -q eyJ"
# the same over the VC-API exchange, as the Learner Credential Wallet receives
# (a PIN offer with --lcw; its lcw_link needs no PIN)
is offer create --achievement weld-101 --recipient gus@example.com --name "Gus Ray" --pin --lcw --server "$U" \
	>"$T/gus.offer" 2>"$T/gus.err" || bad "offer create --lcw: $(cat "$T/gus.err")"
GUSLCW=$(sed -n 's/^lcw_link: //p' "$T/gus.offer")
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" $DOCS "$GUSLCW"
ID4=$(grep '^urn:uuid:' "$T/out")
wl export "$ID4" >"$T/got4" 2>/dev/null || bad "export $ID4"
check "VC-API: credentialSubject.id is the wallet's DID" python3 -c "
import json,sys; sys.exit(json.load(open('$T/got4'))['credentialSubject']['id']!='$WDID')"
expect 0 "^VALID" "$VF" verify $DOCS "$T/got4"
expect 1 "said 410" wl receive --cacert "$T/ca.pem" $DOCS "$GUSLCW"
expect 0 "$(mm 0 offer_id) +issued +weld-101 +dan@example.com" is offer list
expect 1 "already used" wl receive --cacert "$T/ca.pem" --pin-file "$T/row2.pin" $DOCS "$T/row2.link"
expect 0 "" is status "$ID1"
expect 0 "" is revoke "$ID1" --reason "test"
is publish "$T/site" >/dev/null 2>&1
expect 1 "revoked" "$VF" verify $DOCS "$T/got1"

stop
check "the server logged the deliveries" grep -q "issued urn:uuid:.* to $WDID" "$T/serve.log"
check "the server never logged a PIN or a token" sh -c "! grep -q -e '$TOK' -e \"tx_code=\" '$T/serve.log'"
done_tests
