#!/bin/sh
# ob-wallet receive against an independent OpenID4VCI 1.0 issuer: the
# OpenWallet Foundation's @openid4vc/openid4vci 0.4.6 (its Openid4vciIssuer;
# the package knows drafts 11, 14, 15 and "V1", VCI 1.0) with
# @openid4vc/oauth2 0.4.6 as the authorization server (token endpoint,
# JWT access tokens checked by its Oauth2ResourceServer), and canonicalize
# 4.0.0 (RFC 8785 JCS) for the eddsa-jcs-2022 proofs the app signs itself.
# tests/interop-oid4vci-issuer/issuer.mjs, installed from its
# package-lock.json into a temp dir (npm ci; the npm registry must be
# reachable, else the test FAILS saying why), serves HTTPS itself on
# 127.0.0.1 with the test CA's certificate. Its issuer is a fresh Ed25519
# did:key, so ob-wallet verifies what it gets offline.
#
# The wallet takes, with the PIN (tx_code): a jwt_vc_json credential (offer
# by reference), an ldp_vc one (offer by value), one chosen by --format
# from an offer of both, one from an offer without a PIN, one by the
# credential_identifier the token answer gives (RAR); each is shown by
# `ob-wallet show`, bound to the wallet's DID and VALID for ob-verifier.
# Refused: a wrong PIN (one line, nothing stored, the offer still good), a
# replayed offer (the library's invalid_grant), a credential the issuer
# bound to another DID (nothing stored), an offer of a credential the
# issuer would not bind (before its code is spent).
# usage: sh tests/cli/oid4vci_issuer_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-oid4vci-issuer" && pwd)
J="$T/js"
printf 'Correct horse battery staple 42\n' >"$T/pass"
WH="$T/wallet"
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }

setup() {
	for tool in node npm curl python3 openssl; do
		if ! command -v $tool >/dev/null 2>&1; then
			bad "$tool is needed for the OpenID4VCI issuer cross-check (Debian: nodejs npm curl python3 openssl)"
			return 1
		fi
	done
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/issuer.mjs" "$J/" || return 1
	if ! npm_ci "$J" "tests/interop-oid4vci-issuer"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
M="$J/node_modules/@openid4vc"
check "the library is @openid4vc/openid4vci 0.4.6" grep -q '"version": "0.4.6"' "$M/openid4vci/package.json"
check "with @openid4vc/oauth2 0.4.6" grep -q '"version": "0.4.6"' "$M/oauth2/package.json"
check "the library knows OpenID4VCI 1.0 (Openid4vciVersion.V1)" grep -q 'V1 = "V1"' "$M/openid4vci/dist/index.d.mts"

test_ca
NODE_EXTRA_CA_CERTS="$T/ca.pem" node "$J/issuer.mjs" "$T/srv.pem" "$T/srv.key" "$T/port" 2>"$T/node.log" &
NPID=$!
trap 'kill $NPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ] && kill -0 $NPID 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/port" ]; then
	bad "the library's issuer did not start: $(tail -n 5 "$T/node.log")"
	done_tests
	exit 1
fi
U=https://127.0.0.1:$(cat "$T/port")
check "its metadata is the library's VCI 1.0 shape (nonce_endpoint, credential_metadata)" sh -c "
curl -sf --cacert '$T/ca.pem' '$U/.well-known/openid-credential-issuer' | python3 -c '
import json,sys; m=json.load(sys.stdin); c=m[\"credential_configurations_supported\"]
sys.exit(not (m[\"nonce_endpoint\"] and all(\"credential_metadata\" in v for v in c.values())))'"

expect 0 "" "$WL" --home "$WH" --passphrase-file "$T/pass" init --kdf-cost test
WDID=$(wl whoami)

# offer NAME JSON: an offer from the library's issuer; T/NAME.link, T/NAME.pin
offer() {
	curl -sf --cacert "$T/ca.pem" -X POST -d "$2" "$U/admin/offer" >"$T/$1.offer" || { bad "no offer $1"; return 1; }
	python3 -c "
import json; o=json.load(open('$T/$1.offer'))
open('$T/$1.link','w').write(o['link'])
open('$T/$1.pin','w').write((o['pin'] or '') + '\n')"
}
count() { wl list --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# got NAME FORMAT: the last receive stored one credential: shown, bound, VALID
got() {
	id=$(grep '^urn:uuid:' "$T/out")
	expect 0 "Boat Handling" wl show "$id"
	check "$1: show names the issuer's did:key, the wallet's DID as learner, the format" sh -c "
grep -q '^Issuer: .*did:key:z6Mk' '$T/out' && grep -q '^Learner: *$WDID' '$T/out' && grep -q '^Format: *$3' '$T/out'"
	wl export "$id" >"$T/$1.cred" 2>/dev/null || bad "export $id"
	check "$1: $2 credential bound to the wallet's DID, issued by a did:key with its own key" python3 -c "
import base64,json,sys
t=open('$T/$1.cred').read().strip()
if '$2'=='jwt_vc_json':
    h,p,_=t.split('.'); d=lambda s: json.loads(base64.urlsafe_b64decode(s+'='*(-len(s)%4)))
    h,c=d(h),d(p); ok=h['kid']==c['iss']+'#'+c['iss'][8:] and c['sub']=='$WDID'
else:
    c=json.loads(t); ok=c['proof']['cryptosuite']=='eddsa-jcs-2022' and c['proof']['verificationMethod'].startswith(c['issuer']['id']+'#')
sys.exit(not (ok and c['credentialSubject']['id']=='$WDID' and c['issuer']['id'].startswith('did:key:')))"
	expect 0 "^VALID" "$VF" verify "$T/$1.cred"
}

# ---- received: jwt_vc_json (offer by reference), ldp_vc (by value) ----
offer jwt '{"configs":["OpenBadge_jwt"],"pin":true}'
check "the jwt offer is by reference" grep -q '^openid-credential-offer://?credential_offer_uri=' "$T/jwt.link"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/jwt.pin" "$(cat "$T/jwt.link")"
got jwt jwt_vc_json "VC-JWT"
offer ldp '{"configs":["OpenBadge_ldp"],"pin":true,"byValue":true}'
check "the ldp offer is by value" grep -q '^openid-credential-offer://?credential_offer=' "$T/ldp.link"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/ldp.pin" "$T/ldp.link"
got ldp ldp_vc "JSON with embedded proof"
# an offer of both: --format picks
offer both '{"configs":["OpenBadge_ldp","OpenBadge_jwt"],"pin":true}'
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/both.pin" --format jwt_vc_json "$(cat "$T/both.link")"
got both jwt_vc_json "VC-JWT"
# no tx_code in the offer: no PIN asked
offer nopin '{"configs":["OpenBadge_ldp"]}'
check "the offer without a PIN has no tx_code" sh -c "! grep -q tx_code '$T/nopin.offer'"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" "$(cat "$T/nopin.link")"
got nopin ldp_vc "JSON with embedded proof"
# the token answer gives credential_identifiers (RAR): the wallet must use them
offer rar '{"configs":["OpenBadge_ldp","OpenBadge_jwt"],"pin":true,"rar":true}'
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/rar.pin" --format jwt_vc_json "$(cat "$T/rar.link")"
got rar jwt_vc_json "VC-JWT"
N=$(count)
check "five credentials in the wallet" test "$N" = 5

# ---- refused ----
offer pin '{"configs":["OpenBadge_jwt"],"pin":true}'
echo 000000 >"$T/wrong.pin"
cmp -s "$T/wrong.pin" "$T/pin.pin" && echo 999999 >"$T/wrong.pin"
expect 1 "invalid_grant.*tx_code" wl receive --cacert "$T/ca.pem" --pin-file "$T/wrong.pin" "$(cat "$T/pin.link")"
check "a wrong PIN: one line of error" test "$(wc -l <"$T/out")" -eq 1
check "a wrong PIN: nothing stored" test "$(count)" = "$N"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/pin.pin" "$(cat "$T/pin.link")"
N=$((N + 1))
check "after a wrong PIN the right one still claims the offer" test "$(count)" = "$N"
expect 1 "invalid_grant.*pre-authorized_code" wl receive --cacert "$T/ca.pem" --pin-file "$T/pin.pin" "$(cat "$T/pin.link")"
check "a replayed offer: one line of error" test "$(wc -l <"$T/out")" -eq 1
check "a replayed offer: nothing stored" test "$(count)" = "$N"
offer other '{"configs":["OpenBadge_jwt"],"pin":true,"bind":"other"}'
expect 1 "bound the credential to did:key:z[^ ]+, not to this wallet's $WDID" \
	wl receive --cacert "$T/ca.pem" --pin-file "$T/other.pin" "$(cat "$T/other.link")"
check "a credential bound to another DID: nothing stored" test "$(count)" = "$N"
check "a credential bound to another DID: the error is the last line" sh -c "tail -n 1 '$T/out' | grep -q '^ob-wallet: the issuer bound'"
offer unbound '{"configs":["OpenBadge_unbound"],"pin":true}'
expect 3 "would not bind OpenBadge_unbound to this wallet's key" \
	wl receive --cacert "$T/ca.pem" --pin-file "$T/unbound.pin" "$(cat "$T/unbound.link")"
check "an offer of an unbound credential: one line of error, nothing stored" sh -c "
test \$(wc -l <'$T/out') -eq 1 && test \"\$('$WL' --home '$WH' --passphrase-file '$T/pass' list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" = $N"

# the library's side of it
curl -sf --cacert "$T/ca.pem" "$U/admin/log" >"$T/issuer.log"
check "the library issued six credentials to the wallet's DID" test "$(grep -c "to $WDID\$" "$T/issuer.log")" -eq 6
check "one of them asked for by credential_identifier" grep -q "(jwt_vc_json, by credential_identifier) to $WDID\$" "$T/issuer.log"
check "and one to another DID (the misbehaving case)" sh -c "grep 'issued' '$T/issuer.log' | grep -v '$WDID' | grep -q 'to did:key:'"
check "the unbound offer's code was not spent (no token asked for it)" sh -c "! grep -q 'token issued for OpenBadge_unbound' '$T/issuer.log'"
check "the library refused the wrong PIN and the replay" sh -c "grep -q \"token refused: Invalid 'tx_code'\" '$T/issuer.log' && grep -q \"token refused: Invalid 'pre-authorized_code'\" '$T/issuer.log'"
kill $NPID 2>/dev/null
wait $NPID 2>/dev/null
done_tests
