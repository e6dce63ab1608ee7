#!/bin/sh
# ob-verifier serve's OpenID4VP 1.0 requests answered by an independent
# holder library: the OpenWallet Foundation's @openid4vc/openid4vp 0.4.6
# (with @openid4vc/oauth2 0.4.6; "V1.0 (back-compat to draft 18)"),
# installed from tests/interop-oid4vp/package-lock.json into a temp dir (npm
# ci; the npm registry must be reachable, else the test FAILS saying why).
# The library parses obkit's link, resolves and validates the request,
# builds the authorization response around a presentation `ob-wallet
# present` signed with the request's nonce and client_id, and submits it
# (direct_post); obkit's page then says VALID with holder binding.
# The library takes a redirect_uri: client's request only by value (it
# refuses an unsigned Request Object fetched from a request_uri: no signer
# method is allowed for that prefix), so it is given the request's
# link_by_value; that refusal is checked too.
# Signed requests (decentralized_identifier:, JAR):
#  (b) `ob-verifier serve --client-id did` signs its request object with its
#      did:key; the library's holder side resolves it by reference, its JAR
#      signature checked by holder.mjs's own Ed25519 code (node:crypto), and
#      answers it: VALID;
#  (a) the library's verifier side (verifier.mjs: createOpenId4vpAuthorizationRequest
#      with a did JAR signer, its own did:key) makes a signed request, `ob-wallet
#      respond` verifies and answers it, and the library parses and validates the
#      answer (DCQL vp_token, state; proof challenge = nonce, domain = the full
#      client_id); a request it signs with another DID's key is refused by the
#      wallet before anything is sent.
# usage: sh tests/cli/oid4vp_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-oid4vp" && pwd)
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
PROXY=$TOOLS/tls_proxy
J="$T/js"
for tool in curl openssl python3 node npm; do
	command -v $tool >/dev/null 2>&1 || { bad "$tool is needed"; done_tests; exit 1; }
done
if [ ! -x "$PROXY" ]; then
	bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
	done_tests
	exit 1
fi
mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/holder.mjs" "$SRC/verifier.mjs" "$J/"
if ! npm_ci "$J" "tests/interop-oid4vp"; then
	done_tests
	exit 1
fi
check "the library is @openid4vc/openid4vp 0.4.6" \
	sh -c "grep -q '\"version\": \"0.4.6\"' '$J/node_modules/@openid4vc/openid4vp/package.json'"
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
LVPID=
trap 'kill $PPID_ $SPID $LVPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
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
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
check "publish maps the status list" grep -q "status/revocation/1.json=" "$T/map"
expect 0 "^urn:uuid:" wl add $DOCS "$T/bound.json"
BOUND=$(sed -n 's/^urn:uuid:/urn:uuid:/p' "$T/out" | head -n 1)
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

serve
holder() { # LINK: the library answers; its JSON in $T/holder.json, errors in $T/holder.err
	NODE_EXTRA_CA_CERTS="$T/ca.pem" OBW="$WL" OBW_ARGS="[\"--home\",\"$WH\",\"--passphrase-file\",\"$T/pass\"]" \
		node "$J/holder.mjs" "$1" "$BOUND" >"$T/holder.json" 2>"$T/holder.err"
}

request one
BYVAL=$(js "$T/one.req" "d['link_by_value']")
check "the request also comes by value: openid4vp://?client_id=redirect_uri:...&dcql_query=..." \
	sh -c "echo '$BYVAL' | grep -q '^openid4vp://?client_id=redirect_uri%3Ahttps' && echo '$BYVAL' | grep -q 'dcql_query=' && ! echo '$BYVAL' | grep -q 'request_uri='"
if holder "$BYVAL"; then ok; else bad "the library did not answer: $(tail -n 5 "$T/holder.err")"; fi
check "the library resolved a 1.0 request from a redirect_uri: client, no JAR, direct_post" python3 -c "
import json,sys; d=json.load(open('$T/holder.json'))
sys.exit(not(d['client']['prefix']=='redirect_uri' and d['jar'] is False and d['response_mode']=='direct_post' and d['version']>=100 and d['state']=='$RID'))"
check "the library read the DCQL query for an Open Badge" python3 -c "
import json,sys; q=json.load(open('$T/holder.json'))['query']['credentials']
sys.exit(not(q[0]['format']=='ldp_vc' and 'OpenBadgeCredential' in q[0]['meta']['type_values'][0][1]))"
check "the verifier answered the library's submission 200 valid" python3 -c "
import json,sys; d=json.load(open('$T/holder.json')); sys.exit(not(d['status']==200 and d['answer']['verdict']=='valid'))"
status "$RID"
check "the request's result: VALID, holder bound" python3 -c "
import json,sys; r=json.load(open('$T/st.json'))['result']
sys.exit(not(r['verdict']=='valid' and r['report']['holder']['outcome']=='passed' and r['report']['summary']['holder']=='$WDID'))"
# ob-wallet respond takes the by-value link too
request two
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(js "$T/two.req" "d['link_by_value']")"
# the library refuses the unsigned Request Object by reference (see above)
request three
if holder "$LINK"; then bad "the library took an unsigned Request Object by reference"; else ok; fi
check "... saying the request object is not a valid JWT" grep -q "not a valid JWT" "$T/holder.err"
stop

# ---- (b) obkit's SIGNED request, resolved and answered by the library's holder side ----
serve --client-id did --client-key "$T/vkey.json"
VDID=$(sed -n 's/.*signed as decentralized_identifier:\(did:key:z[1-9A-HJ-NP-Za-km-z]*\)$/\1/p' "$T/serve.log")
check "ob-verifier serve signs as decentralized_identifier:did:key:..." test -n "$VDID"
request sig
if holder "$LINK"; then ok; else bad "the library did not answer the signed request: $(tail -n 5 "$T/holder.err")"; fi
check "the library resolved a decentralized_identifier: client whose JAR (typ oauth-authz-req+jwt, EdDSA) is signed by its did:key" python3 -c "
import json,sys; d=json.load(open('$T/holder.json')); s=d['signer'] or {}
sys.exit(not(d['client']['prefix']=='decentralized_identifier' and d['client']['identifier']=='$VDID' and d['jar'] is True
  and s.get('method')=='did' and s.get('didUrl','').split('#')[0]=='$VDID' and s.get('alg')=='EdDSA'
  and s.get('typ')=='oauth-authz-req+jwt' and d['state']=='$RID'))"
check "the verifier answered the library's submission to the signed request 200 valid" python3 -c "
import json,sys; d=json.load(open('$T/holder.json')); sys.exit(not(d['status']==200 and d['answer']['verdict']=='valid'))"
status "$RID"
check "the signed request's result: VALID, holder bound" python3 -c "
import json,sys; d=json.load(open('$T/st.json')); r=d['result']
sys.exit(not(r['verdict']=='valid' and r['report']['holder']['outcome']=='passed' and d['client_id']=='decentralized_identifier:$VDID'))"
stop

# ---- (a) the library's verifier makes a SIGNED request; ob-wallet respond answers it ----
# lib_verifier N [MODE]: verifier.mjs in $T/lvN, its link in $T/lvN/link
lib_verifier() {
	mkdir -p "$T/lv$1"
	node "$J/verifier.mjs" "$T/srv.pem" "$T/srv.key" "$T/lv$1" $2 2>"$T/lv$1/err" &
	LVPID=$!
	i=0
	while [ ! -s "$T/lv$1/link" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/lv$1/link" ] || bad "verifier.mjs did not start: $(tail -n 3 "$T/lv$1/err")"
}
lib_stop() { kill "$LVPID" 2>/dev/null; wait "$LVPID" 2>/dev/null; LVPID=; }
lib_verifier 1
LDID=$(js "$T/lv1/request.json" "d['did']")
check "the library's link: openid4vp:// with client_id decentralized_identifier:did:key and a request_uri" \
	sh -c "grep -Eq '^openid4vp://\\?client_id=decentralized_identifier%3Adid%3Akey%3Az[^&]*&request_uri=https%3A%2F%2F127.0.0.1' '$T/lv1/link'"
check "the library's request object: typ oauth-authz-req+jwt, alg EdDSA, kid its did:key's DID URL" python3 -c "
import base64,json,sys; d=json.load(open('$T/lv1/request.json')); s=d['jwt'].split('.')[0]
h=json.loads(base64.urlsafe_b64decode(s+'='*(-len(s)%4)))
sys.exit(not(h['typ']=='oauth-authz-req+jwt' and h['alg']=='EdDSA' and h['kid'].split('#')[0]==d['did']))"
expect 0 "" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(cat "$T/lv1/link")"
check "respond shows the library verifier's DID, signature verified" grep -qF "who:  asked by $LDID (signature verified)" "$T/out"
check "the library accepted ob-wallet's answer: its DCQL query id, state, proof challenge = nonce, domain = decentralized_identifier:DID" python3 -c "
import json,sys; r=json.load(open('$T/lv1/result.json'))
sys.exit(not(r['accepted'] is True and r['query_id']=='badge' and r['proof']['domain']=='decentralized_identifier:$LDID'
  and r['proof']['challenge']==r['nonce'] and r['proof']['purpose']=='authentication' and r['holder']=='$WDID'))"
lib_stop
lib_verifier 2 otherkid
expect 1 "is not a key of the verifier's DID" wl respond --cacert "$T/ca.pem" --pick "$BOUND" "$(cat "$T/lv2/link")"
check "... and nothing reached the library's verifier" test ! -e "$T/lv2/result.json"
lib_stop

done_tests
