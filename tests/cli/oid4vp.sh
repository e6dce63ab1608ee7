#!/bin/sh
# Presentations on request over OpenID4VP 1.0 (issue 16 item 4): ob-verifier
# request / serve and ob-wallet respond, as real processes on loopback. TLS
# comes from a reverse proxy in front of `ob-verifier serve`
# (tests/tools/tls_proxy.c, with a test CA made here), as in a deployment.
# The loop: a credential bound to the wallet's DID -> ob-verifier request ->
# ob-wallet respond -> the request's page and JSON say VALID with holder
# binding; and the whole of issue 16's loop: a roster of 3 -> offers ->
# ob-wallet receive with the PIN from ob-issuer serve -> bound to each
# wallet's DID -> request -> respond -> VALID with holder binding. The security rules are checked with presentations made by
# `ob-wallet present` and posted with curl: a replayed vp_token, a wrong
# audience, a stale request, a credential not bound to the holder, one that
# is not what was asked, bodies over budget. Signed requests (serve --client-id
# did: decentralized_identifier:, a JWT signed by the verifier's did:key): the
# wallet shows the verified DID and answers; it refuses a tampered signature,
# a wrong typ, alg none, a kid of another DID, an expired or unsigned object.
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
for tool in curl openssl python3 zbarimg; do
	command -v $tool >/dev/null 2>&1 || { bad "$tool is needed"; done_tests; exit; }
done

H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
printf 'Correct horse battery staple 42\n' >"$T/pass"
WH="$T/wallet"
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# ---- a test CA, a server certificate, the proxy ----
ossl() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed"; exit 3; }; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=obkit-test-CA \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-keyout "$T/ca.key" -out "$T/ca.pem"
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
	-keyout "$T/srv.key" -out "$T/srv.csr"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/ext"
ossl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 2 \
	-extfile "$T/ext" -out "$T/srv.pem"

"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PPID_=$!
SPID=
ISPID= IPPID= EPID=
trap 'kill $PPID_ $SPID $ISPID $IPPID $EPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")
C="curl -s --cacert $T/ca.pem"

# ---- the issuer, the wallet, credentials ----
expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
expect 0 "" is achievement add --id cut-201 --name "Plasma Cutting" --description "Cutting" --criteria "Cut"
expect 0 "" "$WL" --home "$WH" --passphrase-file "$T/pass" init --kdf-cost test
WDID=$(wl whoami)
expect 0 "" is issue --achievement weld-101 --recipient "$WDID" -o "$T/bound.json"
expect 0 "" is issue --achievement weld-101 --recipient "$WDID" --suite vc-jwt -o "$T/bound.jwt"
expect 0 "" is issue --achievement weld-101 --recipient "someone@example.com" -o "$T/email.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
check "publish maps the status list" grep -q "status/revocation/1.json=" "$T/map"
expect 0 "^urn:uuid:" wl add $DOCS "$T/bound.json"
BOUND=$(sed -n 's/^urn:uuid:/urn:uuid:/p' "$T/out" | head -n 1)
expect 0 "^urn:uuid:" wl add $DOCS "$T/bound.jwt"
JWTID=$(head -n 1 "$T/out")
expect 0 "^urn:uuid:" wl add $DOCS "$T/email.json"
EMAILID=$(head -n 1 "$T/out")
ISS=$(js "$T/bound.json" "d['issuer']['id'] if isinstance(d['issuer'], dict) else d['issuer']")
ACH=$(js "$T/bound.json" "d['credentialSubject']['achievement']['id']")

# serve: (re)starts ob-verifier serve behind the proxy (its port from its
# "serving on" line)
serve() {
	rm -f "$T/bport"
	: >"$T/serve.log"
	"$VF" serve --listen 127.0.0.1:0 --threads 2 --offline $DOCS "$@" 2>>"$T/serve.log" &
	SPID=$!
	i=0
	while ! grep -q "serving on" "$T/serve.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.log" >"$T/bport.tmp"
	mv "$T/bport.tmp" "$T/bport"
	[ -s "$T/bport" ] || bad "ob-verifier serve did not start: $(tail -n 2 "$T/serve.log")"
}
stop() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	src=$?
	[ "$src" -eq 0 ] || bad "ob-verifier serve exited $src on SIGTERM: $(grep -m 3 -e ERROR -e SUMMARY "$T/serve.log")"
	SPID=
}
# request NAME [OPTIONS]: a new request; $T/NAME.req its JSON; RID, LINK, NONCE, CID
request() {
	n=$1
	shift
	"$VF" request --server "$U" --cacert "$T/ca.pem" --json "$@" >"$T/$n.req" 2>"$T/$n.err" ||
		bad "request $n: $(cat "$T/$n.err")"
	RID=$(js "$T/$n.req" "d['id']")
	LINK=$(js "$T/$n.req" "d['link']")
	NONCE=$(js "$T/$n.req" "d['nonce']")
	CID=$(js "$T/$n.req" "d['client_id']")
}
# status: the request's JSON into $T/st.json
status() { $C "$U/request/$1.json" >"$T/st.json"; }
# post FILE-OF-VP KEY STATE: direct_post of a vp_token by hand; body in $T/post, status last line
post() {
	python3 -c "
import json, sys, urllib.parse
vp = open(sys.argv[1]).read().strip()
v = vp if not vp.startswith('{') else json.loads(vp)
print(urllib.parse.urlencode({'vp_token': json.dumps({sys.argv[2]: [v]}), 'state': sys.argv[3]}), end='')" "$1" "$2" "$3" >"$T/form"
	$C -w '\n%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/form" \
		"$U/oid4vp/response" >"$T/post"
}
wants() { # DESC FILE STATUS PATTERN
	if [ "$(tail -n 1 "$2")" = "$3" ] && grep -qE -- "$4" "$2"; then ok; else
		bad "$1: $(tr '\n' ' ' <"$2" | cut -c1-300)"; fi
}

# ---- usage ----
expect 2 "--server wants" "$VF" request
expect 2 "--server wants" "$VF" request --server http://127.0.0.1:1
expect 2 "invalid --expires-in" "$VF" request --server "$U" --expires-in 0
expect 2 "--png goes with --qr" "$VF" request --server "$U" --png "$T/x.png"
expect 2 "one request" wl respond
expect 1 "lacks request_uri" wl respond "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fx.example%2Fcb"
expect 1 "by value" wl respond "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fx.example%2Fr&request=e30"
expect 1 "not an OpenID4VP request link" wl respond "just words"
expect 2 "https" wl respond "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fx.example%2Fcb&request_uri=http%3A%2F%2F127.0.0.1%3A1%2Fr"

serve

# ---- the request ----
request one
check "the link is openid4vp:// with a redirect_uri: client_id and a request_uri" \
	sh -c "echo '$LINK' | grep -Eq '^openid4vp://\\?client_id=redirect_uri%3Ahttps%3A%2F%2F127.0.0.1%3A[0-9]+%2Foid4vp%2Fresponse&request_uri=https%3A%2F%2F127.0.0.1%3A[0-9]+%2Foid4vp%2Frequest%2F[A-Za-z0-9_-]{43}$'"
check "the nonce has 256 random bits (43 base64url characters)" sh -c "echo '$NONCE' | grep -Eq '^[A-Za-z0-9_-]{43}$'"
$C -D "$T/hdr" "$(js "$T/one.req" "d['request_uri']")" >"$T/obj.jwt"
check "the request object is served as application/oauth-authz-req+jwt" grep -qi "content-type: application/oauth-authz-req+jwt" "$T/hdr"
python3 - "$T/obj.jwt" "$CID" "$NONCE" "$RID" <<'PY' >"$T/objcheck" 2>&1
import base64, json, sys
jwt, cid, nonce, rid = open(sys.argv[1]).read().strip(), sys.argv[2], sys.argv[3], sys.argv[4]
def part(s): return json.loads(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)))
h, p, sig = jwt.split('.')
h, p = part(h), part(p)
assert h == {'alg': 'none', 'typ': 'oauth-authz-req+jwt'}, h
assert sig == ''
assert p['client_id'] == cid and cid == 'redirect_uri:' + p['response_uri'], p
assert p['response_type'] == 'vp_token' and p['response_mode'] == 'direct_post'
assert p['nonce'] == nonce and p['state'] == rid and 'redirect_uri' not in p
q = p['dcql_query']['credentials']
assert [c['format'] for c in q] == ['ldp_vc', 'jwt_vc_json'], q
for c in q:
    assert c['meta']['type_values'] == [['https://www.w3.org/2018/credentials#VerifiableCredential',
        'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential']]
assert p['dcql_query']['credential_sets'][0]['options'] == [[q[0]['id']], [q[1]['id']]]
print('ok')
PY
check "the request object: unsigned JWT, client_id, direct_post, nonce, state, DCQL for an Open Badge (ldp_vc or jwt_vc_json)" grep -qx ok "$T/objcheck"
$C "$U/request/$RID" >"$T/page.html"
check "the waiting page says 'Scan this with your wallet'" grep -q "Scan this with your wallet" "$T/page.html"
check "the waiting page shows the QR code (SVG data: image) and the link" \
	sh -c "grep -q 'src=\"data:image/svg+xml;base64,' '$T/page.html' && grep -q 'openid4vp://?client_id=' '$T/page.html'"
check "the waiting page refreshes itself (no script)" sh -c "grep -q 'http-equiv=\"refresh\"' '$T/page.html' && ! grep -q '<script' '$T/page.html'"
status "$RID"
check "the request's JSON: waiting, and no nonce in it" python3 -c "import json,sys; d=json.load(open('$T/st.json')); sys.exit(d['status']!='waiting' or 'nonce' in d)"

# ---- the loop: respond -> VALID with holder binding ----
expect 2 "credentials match: choose with --pick" wl respond --cacert "$T/ca.pem" --yes "$LINK" </dev/null
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
check "respond shows who asks and what" sh -c "grep -q 'who:  https://127.0.0.1:[0-9]*/oid4vp/response' '$T/out' && grep -q 'what: an Open Badge' '$T/out'"
check "respond leaves out the credential not bound to the wallet" sh -c "! grep -q '$EMAILID' '$T/out'"
status "$RID"
check "the request's JSON: answered, VALID, holder bound" python3 -c "
import json,sys; d=json.load(open('$T/st.json')); r=d['result']
sys.exit(not(d['status']=='answered' and r['verdict']=='valid' and r['report']['holder']['outcome']=='passed' and r['report']['summary']['holder']=='$WDID'))"
$C "$U/request/$RID" >"$T/page.html"
check "the waiting page shows VALID and the holder" sh -c "grep -q '<h2 id=\"verdict\">VALID' '$T/page.html' && grep -q '$WDID' '$T/page.html' && ! grep -q 'http-equiv=\"refresh\"' '$T/page.html'"
expect 1 "not available.*answered already" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"

# a VC-JWT answers the jwt_vc_json query with a VP-JWT
request jwt
wl respond --cacert "$T/ca.pem" --pick "$JWTID" --json "$LINK" >"$T/respond.json" 2>"$T/respond.err"
check "respond --json: sent 1, the verifier says valid" python3 -c "
import json,sys; d=json.load(open('$T/respond.json')); sys.exit(not(d['sent']==1 and d['verdict']=='valid' and d['verifier'].startswith('http')))"
check "respond --json: the note stays on stderr" grep -q "the verifier says: valid" "$T/respond.err"
status "$RID"
check "a VP-JWT of a VC-JWT: VALID, nonce and audience checked" python3 -c "
import json,sys; d=json.load(open('$T/st.json')); r=d['result']; c={x['id']:x['outcome'] for x in r['report']['checks']}
sys.exit(not(r['verdict']=='valid' and c.get('challenge')=='passed' and c.get('domain')=='passed'))"

# ---- what was asked: achievement and issuer ----
request ach --achievement "$ACH" --issuer "$ISS"
$C "$(js "$T/ach.req" "d['request_uri']")" >"$T/ach.jwt"
check "the DCQL query names the achievement and the issuer (claims with values)" python3 -c "
import base64, json, sys
s = open('$T/ach.jwt').read().strip().split('.')[1]
q = json.loads(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)))['dcql_query']['credentials'][0]['claims']
sys.exit(q != [{'path': ['credentialSubject', 'achievement', 'id'], 'values': ['$ACH']}, {'path': ['issuer', 'id'], 'values': ['$ISS']}])"
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
request other --achievement "${ACH%weld-101}cut-201"
expect 1 "no credential in this wallet answers the request" wl respond --cacert "$T/ca.pem" --yes "$LINK"
wl present "$BOUND" --challenge "$NONCE" --domain "$CID" -o "$T/p-other.json" 2>/dev/null
post "$T/p-other.json" openbadge_ldp "$RID"
wants "a presentation of another achievement is answered" "$T/post" 200 '"verdict": "invalid"'
status "$RID"
check "... and the request's result says it is not what was asked" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']; sys.exit(not(r['verdict']=='invalid' and 'cut-201' in r['query']))"

# ---- refusals ----
# a replayed vp_token: to the same request, then to a new one
request rep
wl present "$BOUND" --challenge "$NONCE" --domain "$CID" -o "$T/p-rep.json" 2>/dev/null
post "$T/p-rep.json" openbadge_ldp "$RID"
wants "a fresh presentation is taken" "$T/post" 200 '"verdict": "valid"'
post "$T/p-rep.json" openbadge_ldp "$RID"
wants "the same vp_token again is refused" "$T/post" 400 "answered already"
request rep2
post "$T/p-rep.json" openbadge_ldp "$RID"
status "$RID"
check "a vp_token replayed to another request is INVALID (its nonce)" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']; sys.exit(not(r['verdict']=='invalid' and r['report']['authentic']['outcome']=='failed'))"
# a wrong audience
request aud
wl present "$BOUND" --challenge "$NONCE" --domain "redirect_uri:https://evil.example/cb" -o "$T/p-aud.json" 2>/dev/null
post "$T/p-aud.json" openbadge_ldp "$RID"
wants "a presentation for another audience is INVALID" "$T/post" 200 '"verdict": "invalid"'
request audj
wl present "$JWTID" --suite vc-jwt --challenge "$NONCE" --domain "redirect_uri:https://evil.example/cb" -o "$T/p-audj.jwt" 2>/dev/null
post "$T/p-audj.jwt" openbadge_jwt "$RID"
status "$RID"
check "a VP-JWT for another audience is INVALID (domain check failed)" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']; c={x['id']:x['outcome'] for x in r['report']['checks']}
sys.exit(not(r['verdict']=='invalid' and c.get('domain')=='failed'))"
# no holder binding: a credential issued to an e-mail address
request nobind
expect 1 "does not answer this request" wl respond --cacert "$T/ca.pem" --pick "$EMAILID" "$LINK"
wl present "$EMAILID" --challenge "$NONCE" --domain "$CID" -o "$T/p-nobind.json" 2>/dev/null
post "$T/p-nobind.json" openbadge_ldp "$RID"
status "$RID"
check "a credential not issued to the holder is INVALID (holder binding not shown)" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']; sys.exit(not(r['verdict']=='invalid' and 'holder' in r['binding'] and r['report']['holder']['outcome']!='passed'))"
# a stale request
request stale --expires-in 1
wl present "$BOUND" --challenge "$NONCE" --domain "$CID" -o "$T/p-stale.json" 2>/dev/null
sleep 2
expect 1 "not available \\(HTTP 404.*expired" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
post "$T/p-stale.json" openbadge_ldp "$RID"
wants "an answer to a stale request is refused" "$T/post" 400 "expired"
# malformed answers
request bad
printf 'vp_token=%%7Bnot+json&state=%s' "$RID" >"$T/form"
$C -w '\n%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/form" "$U/oid4vp/response" >"$T/post"
wants "a vp_token that is not JSON is refused" "$T/post" 400 "invalid_request"
post "$T/p-rep.json" some_other_id "nosuchstate"
wants "an unknown state is refused" "$T/post" 400 "no such request"
request bad2
post "$T/p-rep.json" some_other_id "$RID"
wants "a vp_token keyed by an id the query lacks is refused" "$T/post" 400 "credential id the query does not have"
request decl
printf 'error=access_denied&state=%s' "$RID" >"$T/form"
$C -w '\n%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/form" "$U/oid4vp/response" >"$T/post"
status "$RID"
check "a wallet's error answer marks the request declined" python3 -c "
import json,sys; d=json.load(open('$T/st.json')); sys.exit(d['result']['verdict']!='declined')"
# budgets
python3 -c "print('vp_token=' + 'a' * (3 * 1024 * 1024 + 8192) + '&state=x', end='')" >"$T/big"
$C -w '\n%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/big" "$U/oid4vp/response" >"$T/post"
wants "a response body over its budget is refused" "$T/post" 413 "[Tt]oo large"
python3 -c "print('{\"achievement\":\"' + 'a' * 5000 + '\"}', end='')" >"$T/bigreq"
$C -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T/bigreq" "$U/request" >"$T/post"
wants "a request-creation body over its budget is refused" "$T/post" 413 "[Tt]oo large"
printf '{"achievement":"has space"}' >"$T/spreq"
$C -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T/spreq" "$U/request" >"$T/post"
wants "an achievement id with blanks is refused" "$T/post" 400 "printable"
$C -w '\n%{http_code}' "$U/oid4vp/response" >"$T/post"
wants "GET on the response endpoint is refused" "$T/post" 405 ""
# a request from another verifier's link: the request object must carry the link's client_id
request cidm
FORGED="openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fevil.example%2Fcb&request_uri=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$(js "$T/cidm.req" "d['request_uri']")")"
expect 1 "is not the link's" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$FORGED"

# ---- the QR code: --qr --png, and respond reads the photo ----
"$VF" request --server "$U" --cacert "$T/ca.pem" --qr --png "$T/req.png" 2>"$T/qr.err"
check "request --qr --png writes a PNG" sh -c "head -c 8 '$T/req.png' | od -An -c | grep -q 'P   N   G'"
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$T/req.png"
expect 0 "" "$VF" request --server "$U" --cacert "$T/ca.pem" --qr
check "request --qr draws on the terminal" grep -q "█" "$T/out"

# ---- the request by value ----
expect 0 "^link: openid4vp://\\?client_id=redirect_uri%3Ahttps.*dcql_query=" "$VF" request --server "$U" --cacert "$T/ca.pem" --by-value
BV=$(sed -n 's/^link: //p' "$T/out")
check "a by-value link has no request_uri" sh -c "! echo '$BV' | grep -q 'request_uri='"
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$BV"
FORGEDBV=$(echo "$BV" | sed 's/response_uri=https%3A%2F%2F127.0.0.1%3A[0-9]*%2Foid4vp%2Fresponse/response_uri=https%3A%2F%2Fevil.example%2Fcb/')
expect 1 "is not the client_id's URL" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$FORGEDBV"

# ---- the whole loop: a roster of 3 -> offers -> ob-wallet receive with the PIN (from
# ob-issuer serve, behind its own TLS proxy) -> bound to each wallet's DID ->
# ob-verifier request -> ob-wallet respond -> VALID with holder binding ----
"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/ipport" --backend-port-file "$T/ibport" &
IPPID=$!
i=0
while [ ! -s "$T/ipport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
IU=https://127.0.0.1:$(cat "$T/ipport")
"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$IU" --port-file "$T/ibport" 2>"$T/iserve.log" &
ISPID=$!
i=0
while [ ! -s "$T/ibport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'name,recipient,achievement\nDan Ode,dan@example.com,weld-101\n"Eze, Ama",eze@example.com,weld-101\nFay Lu,fay@example.com,weld-101\n' >"$T/roster.csv"
expect 0 "" is offer create --roster "$T/roster.csv" -o "$T/mm.csv" --pin --server "$IU"
mm() { python3 -c "import csv,sys; print(list(csv.DictReader(open('$T/mm.csv')))[$1]['$2'])"; }
for k in 0 1 2; do
	"$WL" --home "$T/w$k" --passphrase-file "$T/pass" init --kdf-cost test >/dev/null 2>&1
	D=$("$WL" --home "$T/w$k" --passphrase-file "$T/pass" whoami)
	mm $k pin >"$T/row$k.pin"
	expect 0 "^urn:uuid:" "$WL" --home "$T/w$k" --passphrase-file "$T/pass" receive --cacert "$T/ca.pem" \
		--pin-file "$T/row$k.pin" $DOCS "$(mm $k claim_url)"
	request loop$k --achievement "$ACH"
	expect 0 "the verifier says: valid" "$WL" --home "$T/w$k" --passphrase-file "$T/pass" respond \
		--cacert "$T/ca.pem" --yes "$LINK"
	status "$RID"
	check "roster row $k: received with the PIN, bound to its wallet, presented on request: VALID with holder binding" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']
sys.exit(not(r['verdict']=='valid' and r['report']['holder']['outcome']=='passed' and r['report']['summary']['holder']=='$D'))"
done
kill "$ISPID" "$IPPID" 2>/dev/null
wait "$ISPID" "$IPPID" 2>/dev/null

# ---- the employer's form ----
$C "$U/request" >"$T/form.html"
check "GET /request is the employer's form" grep -q 'action="/request"' "$T/form.html"
$C -D "$T/hdr" -o /dev/null --data 'achievement=weld-101' "$U/request"
check "the form's POST goes on to the request's page (303)" sh -c "grep -q '^HTTP/1.1 303' '$T/hdr' && grep -Eqi '^location: /request/[A-Za-z0-9_-]{43}' '$T/hdr'"

# ---- interoperable QR codes: the DCC's VP1- (uncompressed CBOR-LD) ----
expect 2 "choose --qr or --linkedin" wl share "$BOUND" --vp1
expect 2 "--vp1 goes with --qr" wl share "$BOUND" --qr --vp1 --url https://x.example/c
expect 0 "wrote" wl share "$BOUND" --qr --vp1 --png "$T/vp1.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" scan --offline $DOCS "$T/vp1.png"
check "scan says the QR code holds the credential" grep -q "QR code with the credential inside" "$T/out"
"$VF" scan --offline $DOCS --json "$T/vp1.png" >"$T/vp1.json" 2>/dev/null
check "the VP1- presentation's credential is the wallet's, VALID" python3 -c "
import json,sys; d=json.load(open('$T/vp1.json')); sys.exit(not(d['verdict']=='valid' and d['kind']=='presentation' and d['credentials'][0]['summary']['id']=='$BOUND'))"
# the payload itself: VP1-B, base32 (decoded here with Python's own base32), the compressed
# CBOR-LD tag d9 05 01; its content is what vpqr's fromQrCode reads (vp1_interop.sh) and
# ob-verifier verifies above
zbarimg -q --raw "$T/vp1.png" 2>/dev/null | tr -d '\n' >"$T/vp1.txt"
# the code's text in a file: verify unwraps it as scan does
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" verify --offline $DOCS "$T/vp1.txt"
python3 - "$T/vp1.txt" >"$T/vp1check" 2>&1 <<'PY'
import base64, sys
p = open(sys.argv[1]).read().strip()
assert p.startswith('VP1-B') and p[5:].isalnum() and p[5:] == p[5:].upper(), p[:20]
s = p[5:]
raw = base64.b32decode(s + '=' * (-len(s) % 8))
assert raw[:3] == bytes([0xd9, 0x05, 0x01]), raw[:3]
assert len(raw) > 200
print('ok')
PY
check "the VP1- payload: VP1-B + base32 of compressed CBOR-LD (d9 05 01), what LCW's codes hold" grep -qx ok "$T/vp1check"
# VP1- payloads made by hand, in QR codes: compressed, tampered, not base32 of CBOR-LD
vp1qr() { "$VF" qr --url "$1" --png "$T/$2.png" >/dev/null 2>&1; }
python3 -c "
import base64
raw = bytes([0xd9, 0x05, 0x01, 0xa1, 0x00, 0x01])
print('VP1-B' + base64.b32encode(raw).decode().rstrip('='))" >"$T/comp.txt"
vp1qr "$(cat "$T/comp.txt")" comp
expect 3 "compressed CBOR-LD" "$VF" scan --offline "$T/comp.png"
vp1qr "VP1-Z3ECQA" nob
expect 1 "not multibase base32" "$VF" scan --offline "$T/nob.png"
python3 -c "
import base64
raw = bytes([0xd9, 0x05, 0x00, 0xd8, 0x20, 0x61, 0x61])
print('VP1-B' + base64.b32encode(raw).decode().rstrip('='))" >"$T/tag.txt"
vp1qr "$(cat "$T/tag.txt")" tag
expect 1 "not a JSON object" "$VF" scan --offline "$T/tag.png"
cut -c1-200 "$T/vp1.txt" >"$T/cut.txt"
vp1qr "$(cat "$T/cut.txt")" cut
expect 1 "VP1- payload" "$VF" scan --offline "$T/cut.png"
expect 0 "" wl share "$BOUND" --qr --png "$T/vc1.png"
expect 0 "VALID" "$VF" scan --offline $DOCS "$T/vc1.png"
check "share --qr without --vp1 keeps the offline VC1- payload" sh -c "zbarimg -q --raw '$T/vc1.png' 2>/dev/null | grep -q '^VC1-'"

# ---- signed requests: serve --client-id did (decentralized_identifier:, JAR / RFC 9101) ----
stop
expect 2 "--client-key goes with --client-id did" "$VF" serve --client-key "$T/vkey.json"
expect 2 "invalid --client-id 'x509'" "$VF" serve --client-id x509
serve --client-id did --client-key "$T/vkey.json"
check "serve made the verifier's signing key, mode 600" sh -c "[ \"\$(stat -c %a '$T/vkey.json')\" = 600 ]"
VDID=$(sed -n 's/.*signed as decentralized_identifier:\(did:key:z[1-9A-HJ-NP-Za-km-z]*\)$/\1/p' "$T/serve.log")
check "serve says it signs as decentralized_identifier:did:key:..." test -n "$VDID"
request sig
check "the link names the verifier decentralized_identifier:did:key:... and has a request_uri" \
	sh -c "echo '$LINK' | grep -Eq '^openid4vp://\\?client_id=decentralized_identifier%3Adid%3Akey%3Az[1-9A-HJ-NP-Za-km-z]+&request_uri=https%3A%2F%2F127.0.0.1%3A[0-9]+%2Foid4vp%2Frequest%2F' && [ '$CID' = 'decentralized_identifier:$VDID' ]"
$C "$U/request/$RID" >"$T/page.html"
check "the waiting page names the DID the request is signed by" grep -qF "<p id=\"signer\">The request is signed by <code>$VDID</code>" "$T/page.html"
check "a signed request has no by-value link" python3 -c "import json,sys; sys.exit('link_by_value' in json.load(open('$T/sig.req')))"
expect 3 "by reference only" "$VF" request --server "$U" --cacert "$T/ca.pem" --by-value
$C -D "$T/hdr" "$(js "$T/sig.req" "d['request_uri']")" >"$T/sig.jwt"
check "the signed request object is served as application/oauth-authz-req+jwt" grep -qi "content-type: application/oauth-authz-req+jwt" "$T/hdr"
# checked here with Python's cryptography, independent of obkit: the did:key's
# Ed25519 key (multibase base58btc, multicodec 0xed 0x01) verifies the JWS
python3 - "$T/sig.jwt" "$CID" "$NONCE" "$RID" "$VDID" <<'PY' >"$T/sigcheck" 2>&1
import base64, json, sys, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
jwt, cid, nonce, rid, did = open(sys.argv[1]).read().strip(), *sys.argv[2:]
B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
def b58d(s):
    n = 0
    for c in s: n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return b'\0' * (len(s) - len(s.lstrip('1'))) + raw
def b64d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
h64, p64, s64 = jwt.split('.')
h, p = json.loads(b64d(h64)), json.loads(b64d(p64))
mb = did[len('did:key:'):]
assert h == {'alg': 'EdDSA', 'typ': 'oauth-authz-req+jwt', 'kid': did + '#' + mb}, h
raw = b58d(mb[1:])
assert raw[:2] == b'\xed\x01' and len(raw) == 34, raw[:2]
Ed25519PublicKey.from_public_bytes(raw[2:]).verify(b64d(s64), (h64 + '.' + p64).encode())
assert p['client_id'] == cid and p['response_uri'].endswith('/oid4vp/response'), p
assert p['nonce'] == nonce and p['state'] == rid and p['response_mode'] == 'direct_post'
assert p['iat'] <= time.time() + 5 < p['exp'], (p['iat'], p['exp'])
print('ok')
PY
check "the request object: EdDSA JWS, typ oauth-authz-req+jwt, kid the did:key's DID URL, verified with the did:key's key" grep -qx ok "$T/sigcheck"
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
check "respond shows: asked by the DID (signature verified), and where the answer goes" \
	sh -c "grep -qF 'who:  asked by $VDID (signature verified)' '$T/out' && grep -q 'to:   https://127.0.0.1:[0-9]*/oid4vp/response' '$T/out'"
status "$RID"
check "the signed request's result: VALID, holder bound (the proof checked with the nonce and the full decentralized_identifier: client_id)" python3 -c "
import json,sys; d=json.load(open('$T/st.json')); r=d['result']; c={x['id']:x['outcome'] for x in r['report']['checks']}
sys.exit(not(r['verdict']=='valid' and r['report']['holder']['outcome']=='passed' and c.get('proof')=='passed' and d['client_id']=='decentralized_identifier:$VDID'))"
request sigj
wl respond --cacert "$T/ca.pem" --pick "$JWTID" --json "$LINK" >"$T/respond.json" 2>"$T/respond.err"
check "respond --json to a signed request: the DID, signed, valid (a VP-JWT)" python3 -c "
import json,sys; d=json.load(open('$T/respond.json')); sys.exit(not(d['verifier']=='$VDID' and d['signed'] is True and d['verdict']=='valid'))"
status "$RID"
check "... its nonce and aud (the full decentralized_identifier: client_id) checked" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']; c={x['id']:x['outcome'] for x in r['report']['checks']}
sys.exit(not(r['verdict']=='valid' and c.get('challenge')=='passed' and c.get('domain')=='passed'))"
# the audience is the full prefixed client_id: the bare DID is another audience
request sigaud
wl present "$BOUND" --challenge "$NONCE" --domain "$VDID" -o "$T/p-sigaud.json" 2>/dev/null
post "$T/p-sigaud.json" openbadge_ldp "$RID"
wants "a presentation for the bare DID (not decentralized_identifier:DID) is INVALID" "$T/post" 200 '"verdict": "invalid"'
# replayed and stale, as for unsigned requests
request sigrep
wl present "$BOUND" --challenge "$NONCE" --domain "$CID" -o "$T/p-sigrep.json" 2>/dev/null
post "$T/p-sigrep.json" openbadge_ldp "$RID"
wants "a fresh presentation to a signed request is taken" "$T/post" 200 '"verdict": "valid"'
post "$T/p-sigrep.json" openbadge_ldp "$RID"
wants "the same vp_token again is refused" "$T/post" 400 "answered already"
request sigrep2
post "$T/p-sigrep.json" openbadge_ldp "$RID"
wants "a vp_token replayed to another signed request is INVALID (its nonce)" "$T/post" 200 '"verdict": "invalid"'
request sigstale --expires-in 1
sleep 2
expect 1 "not available \\(HTTP 404.*expired" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
# the key is kept: after a restart the verifier is the same DID
stop
serve --client-id did --client-key "$T/vkey.json"
check "after a restart with the same key the verifier is the same DID" grep -qF "signed as decentralized_identifier:$VDID" "$T/serve.log"
# a key file given by the user: a P-256 key signs ES256
python3 - "$T/p256.json" <<'PY'
import json, sys, base64
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.generate_private_key(ec.SECP256R1()); n = k.private_numbers()
b = lambda i: base64.urlsafe_b64encode(i.to_bytes(32, 'big')).rstrip(b'=').decode()
json.dump({'kty': 'EC', 'crv': 'P-256', 'x': b(n.public_numbers.x), 'y': b(n.public_numbers.y), 'd': b(n.private_value)}, open(sys.argv[1], 'w'))
PY
chmod 600 "$T/p256.json"
stop
serve --client-id did --client-key "$T/p256.json"
request sig256
$C "$(js "$T/sig256.req" "d['request_uri']")" >"$T/sig256.jwt"
check "a P-256 key signs ES256, kid did:key:zDn..." python3 -c "
import base64,json,sys; s=open('$T/sig256.jwt').read().split('.')[0]; h=json.loads(base64.urlsafe_b64decode(s+'='*(-len(s)%4)))
sys.exit(not(h['alg']=='ES256' and h['kid'].startswith('did:key:zDn')))"
expect 0 "asked by did:key:zDn.*signature verified" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
stop
serve

# ---- the wallet refuses bad signed requests (made here with Python's cryptography and
# served over TLS by a small Python server: an evil or broken verifier) ----
mkdir -p "$T/evil"
python3 - "$T/srv.pem" "$T/srv.key" "$T/evil" "$T/eport" <<'PY' >/dev/null 2>&1 &
import http.server, os, ssl, sys
pem, key, root, portfile = sys.argv[1:]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=root, **k)
    def log_message(self, *a): pass
    def guess_type(self, path):
        return 'application/did+json' if path.endswith('did.json') else 'application/oauth-authz-req+jwt'
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(pem, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(portfile + '.tmp', 'w').write(str(srv.server_address[1]))
os.rename(portfile + '.tmp', portfile)
srv.serve_forever()
PY
EPID=$!
i=0
while [ ! -s "$T/eport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
EU=https://127.0.0.1:$(cat "$T/eport")
python3 - "$T/evil" "$EU" <<'PY' >"$T/evil.env"
import base64, json, sys, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
root, eu = sys.argv[1:]
B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
def b58e(b):
    n = int.from_bytes(b, 'big'); s = ''
    while n: n, r = divmod(n, 58); s = B58[r] + s
    return '1' * (len(b) - len(b.lstrip(b'\0'))) + s
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def did_of(k):
    pub = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    mb = 'z' + b58e(b'\xed\x01' + pub)
    return 'did:key:' + mb, 'did:key:' + mb + '#' + mb
a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
(da, ka), (db, kb) = did_of(a), did_of(b)
cid = 'decentralized_identifier:' + da
def claims(**kw):
    c = {'client_id': cid, 'response_type': 'vp_token', 'response_mode': 'direct_post',
         'response_uri': eu + '/response', 'nonce': 'n' * 43, 'state': 's' * 43,
         'dcql_query': {'credentials': [{'id': 'openbadge_ldp', 'format': 'ldp_vc', 'meta': {'type_values': [[
             'https://www.w3.org/2018/credentials#VerifiableCredential',
             'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential']]}}]},
         'aud': 'https://self-issued.me/v2', 'iat': int(time.time()), 'exp': int(time.time()) + 300}
    c.update(kw)
    return c
def jws(name, hdr, pay, key, tamper=False):
    si = b64(json.dumps(hdr).encode()) + '.' + b64(json.dumps(pay).encode())
    sig = b64(key.sign(si.encode())) if key else ''
    if tamper:
        sig = ('B' if sig[0] != 'B' else 'C') + sig[1:]
    open(root + '/' + name, 'w').write(si + '.' + sig)
H = lambda **kw: dict({'alg': 'EdDSA', 'typ': 'oauth-authz-req+jwt', 'kid': ka}, **kw)
jws('good', H(), claims(), a)
jws('tampered', H(), claims(), a, tamper=True)
jws('typ', H(typ='JWT'), claims(), a)
jws('none', {'alg': 'none', 'typ': 'oauth-authz-req+jwt'}, claims(), None)
jws('otherdid', H(kid=kb), claims(), b)
jws('otherkey', H(kid=da + '#' + kb.split('#')[1]), claims(), b)
jws('nokid', {'alg': 'EdDSA', 'typ': 'oauth-authz-req+jwt'}, claims(), a)
jws('wrongalg', H(alg='ES256'), claims(), a)
jws('expired', H(), claims(exp=int(time.time()) - 10), a)
jws('othercid', H(), claims(client_id='decentralized_identifier:' + db), a)
jws('crit', H(crit=['b64'], b64=True), claims(), a)
open(root + '/unsigned.json', 'w').write(json.dumps(claims()))
# a did:web verifier (this server's origin), its document listing key a
import os
dw = 'did:web:' + eu[len('https://'):].replace(':', '%3A')
os.makedirs(root + '/.well-known', exist_ok=True)
json.dump({'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], 'id': dw,
           'verificationMethod': [{'id': dw + '#key-1', 'type': 'Multikey', 'controller': dw,
                                   'publicKeyMultibase': ka.split('#')[1]}],
           'authentication': [dw + '#key-1'], 'assertionMethod': [dw + '#key-1']},
          open(root + '/.well-known/did.json', 'w'))
cw = 'decentralized_identifier:' + dw
jws('webgood', H(kid=dw + '#key-1'), claims(client_id=cw), a)
jws('webbadsig', H(kid=dw + '#key-1'), claims(client_id=cw), b)
jws('webnokey', H(kid=dw + '#key-2'), claims(client_id=cw), a)
print('DW=' + dw)
print('DA=' + da)
print('DB=' + db)
PY
. "$T/evil.env"
enc() { python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }
ECID=$(enc "decentralized_identifier:$DA")
elink() { echo "openid4vp://?client_id=$ECID&request_uri=$(enc "$EU/$1")"; }
expect 1 "refused the answer \\(HTTP 501" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink good)"
check "... a well-signed request from the test's own key is taken (the refusals below are the checks')" \
	grep -qF "who:  asked by $DA (signature verified)" "$T/out"
expect 1 "signature does not verify" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink tampered)"
expect 1 "typ is JWT, not oauth-authz-req\\+jwt" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink typ)"
expect 1 "not signed \\(alg none\\)" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink none)"
expect 1 "kid did:key:z.* is not a key of the verifier's DID" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink otherdid)"
expect 1 "fragment does not match the key" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink otherkey)"
expect 1 "kid \\(none\\) is not a key" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink nokid)"
expect 1 "alg ES256 does not match the key" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink wrongalg)"
expect 1 "has expired" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink expired)"
expect 1 "client_id decentralized_identifier:$DB is not the link's" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink othercid)"
expect 1 "has crit" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink crit)"
expect 1 "must be a signed request object" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(elink unsigned.json)"
BYV="openid4vp://?client_id=$ECID&response_type=vp_token&response_mode=direct_post&response_uri=$(enc "$EU/response")&nonce=abc&dcql_query=$(enc '{"credentials":[]}')"
expect 1 "must be a signed request object" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$BYV"
RU_LINK="openid4vp://?client_id=$(enc "redirect_uri:$EU/response")&request_uri=$(enc "$EU/good")"
expect 1 "signed \\(alg EdDSA\\), which a redirect_uri: client cannot do" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$RU_LINK"
# a did:web verifier: its key from its DID document (fetched over TLS by the wallet)
WCID=$(enc "decentralized_identifier:$DW")
wlink() { echo "openid4vp://?client_id=$WCID&request_uri=$(enc "$EU/$1")"; }
expect 1 "refused the answer \\(HTTP 501" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(wlink webgood)"
check "... a did:web verifier's request, its key from the DID document: asked by did:web (signature verified)" \
	grep -qF "who:  asked by $DW (signature verified)" "$T/out"
expect 1 "signature does not verify" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(wlink webbadsig)"
expect 1 "the verifier's key $DW#key-2" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(wlink webnokey)"
kill "$EPID" 2>/dev/null
wait "$EPID" 2>/dev/null

# ---- state lives in the process: after a restart the request is gone ----
request gone
stop
serve
expect 1 "no such request" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$LINK"
stop

done_tests
