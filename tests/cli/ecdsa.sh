#!/bin/sh
# The Data Integrity ECDSA suites through the tools (issue 14 item 2), no
# network and no npm (tests/cli/ecdsa_interop.sh is the cross-check):
# a P-256 issuer (init --key-type p256, did:key and did:web) issues,
# rosters, publishes and revokes with ecdsa-rdfc-2019 / ecdsa-jcs-2019 and
# the verifier says VALID (INVALID once revoked or tampered); P-384 key
# files (the W3C vectors' form) sign; the W3C signed examples verify.
# usage: sh tests/cli/ecdsa.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
E="$SHARED/conformance/vc-di-ecdsa"

# ---- a did:key P-256 issuer ----
H="$T/p256"
expect 0 "^did:key:zDn" "$IS" --home "$H" init --name "P College" --url https://p.example --key-type p256
expect 0 "" "$IS" --home "$H" achievement add --id a --name A --description D --criteria C
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient did:example:123 -o "$T/c1.json"
check "no --suite: ecdsa-rdfc-2019" grep -q '"cryptosuite": "ecdsa-rdfc-2019"' "$T/c1.json"
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient did:example:123 --suite ecdsa-jcs-2019 -o "$T/c2.json"
check "--suite ecdsa-jcs-2019" grep -q '"cryptosuite": "ecdsa-jcs-2019"' "$T/c2.json"
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient did:example:123 --suite vc-jwt --no-status -o "$T/c3.jwt"
printf 'achievement,name,recipient\na,Ana,ana@example.edu\na,Ben,did:example:ben\n' >"$T/r.csv"
expect 0 "2 rows: 2 issued" "$IS" --home "$H" issue --roster "$T/r.csv" -o "$T/roster"
expect 0 "published" "$IS" --home "$H" publish "$T/site"
LIST="https://p.example/status/revocation/1.json=$T/site/status/revocation/1.json"
check "the status list is signed with ecdsa-rdfc-2019" grep -q '"cryptosuite": "ecdsa-rdfc-2019"' "$T/site/status/revocation/1.json"
expect 0 "ecdsa-rdfc-2019 signature verifies.*issuer's key" "$VF" verify --offline --doc "$LIST" "$T/c1.json"
expect 0 "ecdsa-jcs-2019 signature verifies" "$VF" verify --offline --doc "$LIST" "$T/c2.json"
expect 0 "ES256" "$VF" verify --offline "$T/c3.jwt"
for f in "$T"/roster/*.json; do
	expect 0 "^VALID" "$VF" verify --offline --doc "$LIST" "$f"
done
sed 's/"name": "A"/"name": "B"/' "$T/c1.json" >"$T/c1-bad.json"
check "tampered copy differs" test -n "$(cmp "$T/c1.json" "$T/c1-bad.json" 2>&1)"
expect 1 "^INVALID" "$VF" verify --offline --doc "$LIST" "$T/c1-bad.json"
sed 's/"name": "A"/"name": "B"/' "$T/c2.json" >"$T/c2-bad.json"
expect 1 "^INVALID" "$VF" verify --offline --doc "$LIST" "$T/c2-bad.json"
id=$(sed -n 's/^  "id": "\(urn:uuid:[^"]*\)".*/\1/p' "$T/c1.json" | head -n 1)
expect 0 "" "$IS" --home "$H" revoke "$id" --reason test
expect 0 "" "$IS" --home "$H" publish "$T/site"
expect 1 "revoked" "$VF" verify --offline --doc "$LIST" "$T/c1.json"

# ---- a did:web P-256 issuer: DID document, rotation ----
W="$T/web"
expect 0 "^did:web:w.example" "$IS" --home "$W" init --name W --did-web w.example --key-type p256
expect 0 "" "$IS" --home "$W" achievement add --id a --name A --description D --criteria C
expect 0 "" "$IS" --home "$W" issue --achievement a --recipient did:example:1 --no-status -o "$T/w1.json"
expect 0 "" "$IS" --home "$W" publish "$T/wsite"
WDOC="https://w.example/.well-known/did.json=$T/wsite/.well-known/did.json"
check "the DID document has the P-256 Multikey" grep -q '"publicKeyMultibase": "zDn' "$T/wsite/.well-known/did.json"
expect 0 "^VALID: issued by w.example" "$VF" verify --offline --doc "$WDOC" "$T/w1.json"
expect 0 "key-2" "$IS" --home "$W" key rotate
expect 0 "" "$IS" --home "$W" publish "$T/wsite"
expect 0 "P-256.*key-2.json  \(signing\)" "$IS" --home "$W" key list
expect 0 "" "$IS" --home "$W" issue --achievement a --recipient did:example:1 --no-status -o "$T/w2.json"
check "signed by key-2" grep -q 'did:web:w.example#key-2' "$T/w2.json"
expect 0 "^VALID: issued by w.example" "$VF" verify --offline --doc "$WDOC" "$T/w2.json"
expect 0 "^VALID: issued by w.example" "$VF" verify --offline --doc "$WDOC" "$T/w1.json"
# rotating to another key type: Ed25519 from here on, the P-256 proofs
# still verify from the same DID document
expect 2 "unknown --key-type 'rsa'" "$IS" --home "$W" key rotate --key-type rsa
expect 2 "key list: unknown option '--key-type'" "$IS" --home "$W" key list --key-type p256
expect 0 "key-3" "$IS" --home "$W" key rotate --key-type ed25519
expect 0 "" "$IS" --home "$W" publish "$T/wsite"
expect 0 "Ed25519.*key-3.json  \(signing\)" "$IS" --home "$W" key list
expect 0 "" "$IS" --home "$W" issue --achievement a --recipient did:example:1 --no-status -o "$T/w3.json"
check "key-3 signs eddsa-rdfc-2022" grep -q '"cryptosuite": "eddsa-rdfc-2022"' "$T/w3.json"
expect 0 "^VALID: issued by w.example" "$VF" verify --offline --doc "$WDOC" "$T/w3.json"
expect 0 "^VALID: issued by w.example" "$VF" verify --offline --doc "$WDOC" "$T/w2.json"

# ---- key files: P-384 (and P-256) in the vectors' Multikey form ----
P384=did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ
sed "s|\"id\": \"did:key:[^\"]*\"|\"id\": \"$P384\"|" "$V/unsigned/ob3-v2.json" >"$T/u384.json"
check "issuer renamed to the P-384 key" grep -q "$P384" "$T/u384.json"
for s in ecdsa-rdfc-2019 ecdsa-jcs-2019; do
	expect 0 "" "$IS" sign --key "$E/p384KeyPair.json" --suite $s -o "$T/s384-$s.json" "$T/u384.json"
	check "$s P-384 proofValue is 96 bytes" python3 -c "
import json,sys
A='123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
pv=json.load(open('$T/s384-$s.json'))['proof'][0]['proofValue'] if isinstance(json.load(open('$T/s384-$s.json'))['proof'],list) else json.load(open('$T/s384-$s.json'))['proof']['proofValue']
n=0
for ch in pv[1:]: n=n*58+A.index(ch)
sys.exit(0 if pv[0]=='z' and (n.bit_length()+7)//8 in (95,96) else 1)"
	expect 0 "^VALID.*$s|$s signature verifies" "$VF" verify --offline "$T/s384-$s.json"
done
expect 2 "needs an Ed25519 key" "$IS" sign --key "$E/p384KeyPair.json" --suite eddsa-rdfc-2022 -o "$T/x.json" "$T/u384.json"
check "nothing written" test ! -e "$T/x.json"
expect 0 "" "$IS" sign --key "$E/p256KeyPair.json" --suite ecdsa-rdfc-2019 -o "$T/s256.json" "$E/unsigned.json"
# the vector's issuer is not the key's controller: a signature, not a VALID credential
expect 1 "not to the issuer" "$VF" verify --offline "$T/s256.json"

# ---- the W3C signed examples ----
# their signatures verify (run_ecdsa), but each names an issuer whose key
# did not sign it (issuer did:key:zDnaeg..., signed by zDnaep... / z82...):
# not the issuer's credential
expect 1 "not to the issuer" "$VF" verify --offline "$E/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json"
expect 1 "not to the issuer" "$VF" verify --offline "$E/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json"
expect 1 "not to the issuer" "$VF" verify --offline "$E/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json"
# ecdsa-sd-2023's derived vector: the disclosure verifies, but (as above)
# its signer is not the issuer's did:key
expect 1 "not to the issuer" "$VF" verify --offline --now 2025-01-01T00:00:00Z "$E/ecdsa-sd-2023/prc/derivedRevealDocument.json"
done_tests
