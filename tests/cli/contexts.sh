#!/bin/sh
# Issue 14 (contexts in the wild): the contexts of badges in circulation ship
# with obkit and resolve offline, byte for byte as recorded in contexts/.
#   sh tests/cli/contexts.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
VF="$BIN/ob-verifier"
D=$top/tests/data/contexts
OB2=$SHARED/conformance/ob2

# every file the index names is there, and its digest is the one the
# README records
for f in $(sed -n 's/^ *"[^"]*": *"\([^"]*\)",\{0,1\} *$/\1/p' "$top/contexts/index.json" | sort -u); do
	sum=$(sha256sum "$top/contexts/$f" | cut -c1-64)
	check "contexts/$f is recorded with its sha256" grep -q "\`$f\` | \`$sum\`" "$top/contexts/README.md"
done

# canon QUAD DOC: the document canonicalizes offline and holds the quad's text
canon() {
	want=$1
	shift
	expect 0 "$want" "$VF" canon "$@"
}
canon '<https://w3id.org/dcc/v1#Assertion>' "$D/dcc-credential.json"
canon '<https://w3id.org/openbadges#Assertion>' "$D/ob1-assertion.json"
canon '<https://w3id.org/security#Ed25519VerificationKey2018>' "$D/ed25519-2018-key.json"
canon '<https://w3id.org/vc-revocation-list-2020#revocationListIndex> "94567"' "$D/rl2020-credential.json"
canon '<https://w3id.org/vc-revocation-list-2020#RevocationList2020Credential>' "$D/rl2020-list.json"
canon '<https://www.w3.org/2018/credentials#issuanceDate>' "$D/security-v2-first-credential.json"
# security/v2 after credentials/v1 redefines a protected term: an error in
# JSON-LD 1.1 (jsonld.js refuses it too), never a silent override
expect 1 "protected term redefinition: Ed25519Signature2018" "$VF" canon "$D/security-v2-credential.json"

# the OB 2.0 samples' contexts (openbadges/v2 and the extensions) resolve
canon '<https://w3id.org/openbadges#badge> <https://example.org/robotics-badge.json>' "$OB2/assertion-with-data-image.json"
canon '<https://w3id.org/openbadges#Assertion>' "$OB2/assertion-with-extension-node-basic.json"
canon '<https://w3id.org/openbadges#Assertion>' "$OB2/basic-assertion-with-language.json"
# ... and an unknown context is still refused offline
expect 3 "context not allowed: https://w3id.org/openbadges/invalid" "$VF" canon "$OB2/basic-assertion-invalid-context.json"

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
