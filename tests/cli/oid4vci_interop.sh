#!/bin/sh
# ob-issuer serve against an independent OpenID4VCI 1.0 client: the
# OpenWallet Foundation's @openid4vc/openid4vci 0.4.6 (with
# @openid4vc/oauth2 0.4.6; "V1.0 with backwards compatibility for draft
# 15, 14, 13, 11"), installed from tests/interop-oid4vci/package-lock.json
# into a temp dir (npm ci; the npm registry must be reachable, else the
# test FAILS saying why). The library resolves an ob-issuer offer, both
# metadata documents, redeems the pre-authorized code with the PIN, gets
# a nonce, signs its jwt key proof with its own did:key and receives the
# credential, in ldp_vc and in jwt_vc_json; obkit then verifies what the
# library received (VALID, bound to the library's DID). TLS: the test CA
# and tests/tools/tls_proxy.c, as in delivery.sh.
# usage: sh tests/cli/oid4vci_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-oid4vci" && pwd)
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
J="$T/js"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }

setup() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		bad "node and npm are needed for the OpenID4VCI cross-check (Debian: nodejs npm)"
		return 1
	fi
	if [ ! -x "$TOOLS/tls_proxy" ]; then
		bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
		return 1
	fi
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/client.mjs" "$J/" || return 1
	if ! npm_ci "$J" "tests/interop-oid4vci"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
check "the library is @openid4vc/openid4vci 0.4.6" \
	sh -c "grep -q '\"version\": \"0.4.6\"' '$J/node_modules/@openid4vc/openid4vci/package.json'"

test_ca
"$TOOLS/tls_proxy" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PXP=$!
SPID=
trap 'kill $PXP $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
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

# run NAME CONFIG [--pin]: an offer, taken by the library
run() {
	is offer create --achievement weld-101 --recipient "$1@example.com" --server "$U" $3 >"$T/$1.offer" 2>/dev/null
	link=$(sed -n 's/^link: //p' "$T/$1.offer")
	pin=$(sed -n 's/^pin: //p' "$T/$1.offer")
	NODE_EXTRA_CA_CERTS="$T/ca.pem" node "$J/client.mjs" "$link" "${pin:--}" "$2" >"$T/$1.json" 2>"$T/$1.err"
	got=$?
	if [ $got -ne 0 ]; then
		bad "the library could not receive $2: $(head -c 600 "$T/$1.err")"
		return
	fi
	ok
	python3 -c "
import json,sys
r=json.load(open('$T/$1.json')); c=r['credentials'][0]['credential']
open('$T/$1.cred','w').write(c if isinstance(c,str) else json.dumps(c))
open('$T/$1.did','w').write(r['did'])"
	check "$2: the credential is bound to the library's DID" python3 -c "
import base64,json,sys
t=open('$T/$1.cred').read()
c=json.loads(t) if t.startswith('{') else json.loads(base64.urlsafe_b64decode(t.split('.')[1]+'=='))
sys.exit(c['credentialSubject']['id']!=open('$T/$1.did').read())"
	expect 0 "^VALID" "$VF" verify "$T/$1.cred"
}
run ana OpenBadgeCredential_ldp --pin
run ben OpenBadgeCredential_jwt --pin
run cho OpenBadgeCredential_ldp
expect 0 "issued" is offer list
kill $SPID 2>/dev/null
wait $SPID 2>/dev/null
SPID=
done_tests
