#!/bin/sh
# Linked-data proofs: eddsa-rdfc-2022 and Ed25519Signature2020 through the
# tools: byte-for-byte signing of the reference vectors, canon --steps,
# issuing with the default suite, and bad input refused clearly.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
same() { # MINE REF: the whole signed documents are equal as JSON
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a == b else 1)" "$1" "$2"
}

# signing reproduces vectors 01, 02 and 10 exactly (Ed25519 is deterministic)
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-rdfc-2022 --created 2025-06-01T12:00:00Z -o "$T/s01.json" "$V/unsigned/ob3-v2.json"
check "vector 01 reproduced" same "$T/s01.json" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite Ed25519Signature2020 --created 2025-06-01T12:00:00Z -o "$T/s02.json" "$V/unsigned/ob3-v1.json"
check "vector 02 reproduced (suite context appended)" same "$T/s02.json" "$V/signed/02-ob3-v1-ed25519signature2020.json"
expect 0 "" "$IS" sign --key "$V/keys/1edtech-kat-ed25519.json" --suite eddsa-rdfc-2022 \
	--verification-method "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi" \
	--created 2010-01-01T19:23:24Z -o "$T/s10.json" "$V/unsigned/1edtech-kat.json"
check "vector 10 reproduced" same "$T/s10.json" "$V/signed/10-ob3-v2-1edtech-kat.json"
# a VC 1.1 document signed with a DataIntegrityProof gains the DI context
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-rdfc-2022 -o "$T/v1di.json" "$V/unsigned/ob3-v1.json"
check "v1 credential gains data-integrity/v2" grep -q "https://w3id.org/security/data-integrity/v2" "$T/v1di.json"
expect 0 "^VALID" "$VF" verify --now "$NOW" "$T/v1di.json"

# verification of the reference's credentials
expect 0 "eddsa-rdfc-2022 signature verifies" "$VF" verify --now "$NOW" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "Ed25519Signature2020 signature verifies" "$VF" verify --now "$NOW" "$V/signed/02-ob3-v1-ed25519signature2020.json"
expect 0 "not revoked" "$VF" verify --now "$NOW" --doc "https://riverbend.example.edu/status/revocation/1=$V/signed/08-status-list-revocation.json" "$V/signed/09-ob3-v2-status-active.json"
expect 1 "revoked" "$VF" verify --now "$NOW" --doc "https://riverbend.example.edu/status/revocation/1=$V/signed/08-status-list-revocation.json" "$V/invalid/neg-07-revoked.json"
expect 3 "could not check status" "$VF" verify --offline --no-cache --now "$NOW" "$V/signed/09-ob3-v2-status-active.json"
expect 1 "signature does not verify" "$VF" verify --now "$NOW" "$V/invalid/neg-01-tampered-name.json"
expect 1 "not to the issuer" "$VF" verify --now "$NOW" "$V/invalid/neg-03-issuer-key-mismatch.json"
expect 1 "signature does not verify" "$VF" verify --now "$NOW" "$V/invalid/neg-05-changed-context.json"

# canon: the published canonical form and hashes
expect 0 "" "$VF" canon "$V/unsigned/ob3-v2.json"
check "canonical N-Quads of the unsigned credential" cmp "$T/out" "$V/debug/01-unsigned-document.nq"
expect 0 "" "$VF" canon --nquads "$V/debug/01-document.nq"
check "canonical N-Quads are a fixed point" cmp "$T/out" "$V/debug/01-document.nq"
expect 0 "bda86727de5c38c37257f734c0f6422b07535ba569362f3a411c73eb093c6731" "$VF" canon --steps "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "5f0576407cade600abe891c4a76a6a68d540463beb9e48a0ae87cdd0612a810b" "$VF" canon --steps "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "signature: verifies" "$VF" canon --steps "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773" "$VF" canon --steps --doc "https://example.edu/issuers/565049=$V/docs/1edtech-kat-issuer-controller.json" "$V/signed/10-ob3-v2-1edtech-kat.json"
expect 0 "does NOT verify" "$VF" canon --steps "$V/invalid/neg-01-tampered-name.json"
expect 0 "" "$VF" canon --nquads --hash sha384 "$V/debug/01-document.nq"
expect 2 "sha256 or sha384" "$VF" canon --hash md5 "$V/unsigned/ob3-v2.json"

# the issuer signs with eddsa-rdfc-2022 by default; the reference accepts it
H="$T/issuer"
"$IS" --home "$H" init --name College --url https://college.example >/dev/null 2>&1
"$IS" --home "$H" achievement add --id a --name Welding --description D --criteria C >/dev/null 2>&1
expect 0 "" "$IS" --home "$H" issue --no-status --achievement a --recipient ana@example.com -o "$T/c.json"
check "default suite is eddsa-rdfc-2022" grep -q '"cryptosuite": "eddsa-rdfc-2022"' "$T/c.json"
expect 0 "^VALID" "$VF" verify "$T/c.json"

# bad input: refused clearly, in bounded time
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['@context'].append('https://example.org/unknown-context.jsonld')
json.dump(d, open(sys.argv[2],'w'))" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json" "$T/unknown-ctx.json"
expect 3 "context not allowed: https://example.org/unknown-context.jsonld" "$VF" verify "$T/unknown-ctx.json"
expect 3 "context not allowed" "$VF" canon "$T/unknown-ctx.json"
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['@context'].append({'id': 'https://example.org/my-id'})
json.dump(d, open(sys.argv[2],'w'))" "$V/unsigned/ob3-v2.json" "$T/protected.json"
expect 1 "protected" "$VF" canon "$T/protected.json"
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['credentialSubject']['favouriteColour']='blue'
json.dump(d, open(sys.argv[2],'w'))" "$V/unsigned/ob3-v2.json" "$T/undefined-term.json"
expect 1 "data loss" "$VF" canon "$T/undefined-term.json"
expect 1 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-rdfc-2022 "$T/undefined-term.json"
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['type'].append('RelativeType/x')
json.dump(d, open(sys.argv[2],'w'))" "$V/unsigned/ob3-v2.json" "$T/relative-type.json"
expect 1 "" "$VF" canon "$T/relative-type.json"
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['name']={'@value': 'x', '@language': 'not a tag!'}
json.dump(d, open(sys.argv[2],'w'))" "$V/unsigned/ob3-v2.json" "$T/bad-lang.json"
expect 1 "" "$VF" canon "$T/bad-lang.json"
printf '<http://a.example/s> <http://a.example/p> "unterminated .\n' >"$T/bad.nq"
expect 1 "nquads line 1" "$VF" canon --nquads "$T/bad.nq"
printf '<relative> <http://a.example/p> <http://a.example/o> .\n' >"$T/rel.nq"
expect 1 "nquads line 1" "$VF" canon --nquads "$T/rel.nq"
# a poison graph (W3C rdf-canon test074) stops at the work limit
expect 1 "work limit" "$VF" canon --nquads "$SHARED/conformance/rdf-canon/rdfc10/test074-in.nq"
# data loss is found even when the key cannot be had offline (1EdTech samples)
S1=$SHARED/conformance/1edtech-validator-samples/ob30
expect 1 "data loss: relative @type 'OtherCredential'" "$VF" verify --offline --no-cache --now "$NOW" "$S1/simple-err-type.json"
expect 1 "data loss" "$VF" verify --offline --no-cache --now "$NOW" "$S1/simple-err-evidence-type.json"
expect 3 "could not resolve the key" "$VF" verify --offline --no-cache --now "$NOW" "$S1/simple.json"
python3 -c "print('{\"a\":' * 10000 + '1' + '}' * 10000)" >"$T/deep.json"
expect 1 "nesting deeper than 100" "$VF" canon "$T/deep.json"
done_tests
