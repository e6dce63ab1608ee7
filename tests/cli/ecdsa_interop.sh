#!/bin/sh
# ecdsa-rdfc-2019 and ecdsa-sd-2023 against Digital Bazaar's cryptosuites
# (issue 14 item 2): obkit's proofs verify with
# @digitalbazaar/ecdsa-rdfc-2019-cryptosuite +
# data-integrity + jsonld-signatures, and theirs verify in obkit; obkit's
# ecdsa-sd-2023 base credentials derive and verify with
# @digitalbazaar/ecdsa-sd-2023-cryptosuite (tests/interop-ecdsa/interop_sd.mjs),
# which derives the same bytes as ob-wallet present --reveal, and its base
# and derived credentials derive and verify in obkit. The npm
# packages are installed from tests/interop-ecdsa/package-lock.json into a
# temp dir (npm ci; the npm registry must be reachable); if that fails the
# test FAILS, saying why. Contexts and did:keys resolve offline
# (tests/interop-ecdsa/interop.mjs).
# usage: sh tests/cli/ecdsa_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-ecdsa" && pwd)
E="$SHARED/conformance/vc-di-ecdsa"
CTX="$SHARED/contexts/index.json"
J="$T/js"

setup() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		bad "node and npm are needed to cross-check with Digital Bazaar's packages (Debian: nodejs npm)"
		return 1
	fi
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/interop.mjs" "$SRC/interop_sd.mjs" "$J/" || return 1
	if ! npm_ci "$J" "tests/interop-ecdsa"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
js() { node "$J/interop.mjs" "$@" --contexts "$CTX"; }

# ---- obkit signs, Digital Bazaar verifies ----
for c in p256 p384; do
	expect 0 "" "$IS" sign --key "$E/${c}KeyPair.json" --suite ecdsa-rdfc-2019 -o "$T/ob-$c.json" "$E/unsigned.json"
	expect 0 '"verified":true' js verify "$T/ob-$c.json"
	# a changed claim fails there too
	sed 's/The School of Examples/The School of Forgeries/' "$T/ob-$c.json" >"$T/ob-$c-bad.json"
	expect 1 '"verified":false' js verify "$T/ob-$c-bad.json"
done
# an Open Badge from a P-256 issuer (init --key-type p256)
H="$T/issuer"
expect 0 "^did:key:zDn" "$IS" --home "$H" init --name "ECDSA College" --url https://ecdsa.example --key-type p256
expect 0 "" "$IS" --home "$H" achievement add --id a --name "Interop" --description D --criteria C
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient did:example:123 --name "Ana Lima" --suite ecdsa-rdfc-2019 --no-status -o "$T/ob-badge.json"
expect 0 "VALID" "$VF" verify "$T/ob-badge.json"
expect 0 '"verified":true' js verify "$T/ob-badge.json"
# the W3C "employ" example has blank nodes: with P-384 RDFC-1.0 labels them
# with SHA-384, and both sides must agree on that
for c in p256 p384; do
	expect 0 "" "$IS" sign --key "$E/${c}KeyPair.json" --suite ecdsa-rdfc-2019 -o "$T/ob-employ-$c.json" "$E/employmentAuth.json"
	expect 0 '"verified":true' js verify "$T/ob-employ-$c.json"
done
# and the W3C's own signed examples verify there, as they do in run_ecdsa
expect 0 '"verified":true' js verify "$E/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json"
expect 0 '"verified":true' js verify "$E/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json"

# ---- Digital Bazaar signs, obkit verifies ----
for c in p256 p384; do
	js sign --key "$E/${c}KeyPair.json" --issuer-did "$E/unsigned.json" >"$T/db-$c.json" 2>"$T/db-$c.err"
	check "Digital Bazaar signs unsigned.json with $c" test -s "$T/db-$c.json"
	expect 0 "VALID" "$VF" verify "$T/db-$c.json"
	sed 's/The School of Examples/The School of Forgeries/' "$T/db-$c.json" >"$T/db-$c-bad.json"
	expect 1 "" "$VF" verify "$T/db-$c-bad.json"
done
js sign --key "$E/p256KeyPair.json" --issuer-did "$V/unsigned/ob3-v2.json" >"$T/db-badge.json" 2>"$T/db-badge.err"
check "Digital Bazaar signs an Open Badge" test -s "$T/db-badge.json"
expect 0 "VALID" "$VF" verify "$T/db-badge.json"
for c in p256 p384; do
	js sign --key "$E/${c}KeyPair.json" --issuer-did "$E/employmentAuth.json" >"$T/db-employ-$c.json" 2>"$T/db-employ-$c.err"
	check "Digital Bazaar signs employmentAuth.json with $c" test -s "$T/db-employ-$c.json"
	expect 0 "ecdsa-rdfc-2019 signature verifies" "$VF" verify "$T/db-employ-$c.json"
done
# a key that is not the issuer's is refused whoever signed
js sign --key "$E/p256KeyPair.json" "$E/employmentAuth.json" >"$T/db-employ-other.json" 2>/dev/null
expect 1 "not to the issuer" "$VF" verify "$T/db-employ-other.json"

# ---- ecdsa-sd-2023 ----
jsd() { node "$J/interop_sd.mjs" "$@" --contexts "$CTX"; }
WL="$BIN/ob-wallet"
WH="$T/sd-wallet"
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE
# vc VP OUT: the first credential of a presentation
vc() { python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['verifiableCredential'][0], open(sys.argv[2],'w'), indent=1)" "$1" "$2"; }
same_json() { python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$1" "$2"; }
expect 0 "" "$WL" --home "$WH" init --kdf-cost test
HOLDER=$("$WL" --home "$WH" whoami 2>/dev/null | head -n 1)
# obkit issues a base proof; Digital Bazaar derives from it and verifies
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient "$HOLDER" --name "Ana Lima" --suite ecdsa-sd-2023 --no-status -o "$T/sd-base.json"
jsd derive --selective '["/credentialSubject/name"]' "$T/sd-base.json" >"$T/sd-db-derived.json" 2>"$T/sd-db-derived.err"
check "Digital Bazaar derives from obkit's base proof" test -s "$T/sd-db-derived.json"
expect 0 '"verified":true' jsd verify "$T/sd-db-derived.json"
expect 0 "VALID" "$VF" verify "$T/sd-db-derived.json"
# obkit's wallet derives the same disclosure, byte for byte, and it verifies there
ID=$("$WL" --home "$WH" add --force "$T/sd-base.json" 2>/dev/null)
expect 0 "" "$WL" --home "$WH" present "$ID" --challenge c-1 --reveal /credentialSubject/name -o "$T/sd-vp.json"
vc "$T/sd-vp.json" "$T/sd-ob-derived.json"
check "obkit and Digital Bazaar derive the same credential" same_json "$T/sd-ob-derived.json" "$T/sd-db-derived.json"
expect 0 '"verified":true' jsd verify "$T/sd-ob-derived.json"
# reveal nothing beyond the mandatory pointers
expect 0 "" "$WL" --home "$WH" present "$ID" --challenge c-2 --reveal /issuer -o "$T/sd-vp2.json"
vc "$T/sd-vp2.json" "$T/sd-ob-derived2.json"
expect 0 '"verified":true' jsd verify "$T/sd-ob-derived2.json"
sed 's/Ana Lima/Eve Lima/' "$T/sd-ob-derived.json" >"$T/sd-bad.json"
expect 1 '"verified":false' jsd verify "$T/sd-bad.json"
expect 1 "" "$VF" verify "$T/sd-bad.json"
# a base proof is not for verifiers, on either side
expect 1 '"verified":false' jsd verify "$T/sd-base.json"
expect 1 "base proof is for the holder" "$VF" verify "$T/sd-base.json"

# Digital Bazaar issues base proofs; obkit derives and verifies
PRC="$E/prCredUnsigned.json"
jsd sign --key "$E/p256KeyPair.json" --mandatory '["/issuer","/validFrom","/validUntil"]' --issuer-did "$PRC" >"$T/sd-db-base.json" 2>"$T/sd-db-base.err"
check "Digital Bazaar signs an ecdsa-sd-2023 base proof" test -s "$T/sd-db-base.json"
expect 1 "base proof is for the holder, not for verifiers \(its signatures hold" "$VF" verify "$T/sd-db-base.json"
ID=$("$WL" --home "$WH" add --force "$T/sd-db-base.json" 2>/dev/null)
expect 0 "" "$WL" --home "$WH" present "$ID" --challenge c-3 --reveal /credentialSubject/birthCountry --reveal /credentialSubject/familyName -o "$T/sd-vp3.json"
vc "$T/sd-vp3.json" "$T/sd-ob-derived3.json"
expect 0 "ecdsa-sd-2023 signature verifies, made by the issuer's key" "$VF" verify --now 2025-01-01T00:00:00Z "$T/sd-ob-derived3.json"
expect 0 '"verified":true' jsd verify "$T/sd-ob-derived3.json"
jsd derive --selective '["/credentialSubject/birthCountry","/credentialSubject/familyName"]' "$T/sd-db-base.json" >"$T/sd-db-derived3.json" 2>/dev/null
check "Digital Bazaar derives from its own base proof" test -s "$T/sd-db-derived3.json"
expect 0 "VALID" "$VF" verify --now 2025-01-01T00:00:00Z "$T/sd-db-derived3.json"
check "both derive the same credential from Digital Bazaar's base proof" same_json "$T/sd-ob-derived3.json" "$T/sd-db-derived3.json"
# an Open Badge (obkit's, unsigned again) with Digital Bazaar's base proof
# and no mandatory pointers. (Their skolemization cannot take
# $V/unsigned/ob3-v2.json: it gives a list object an @id, which JSON-LD
# compaction refuses.)
jsd sign --key "$E/p256KeyPair.json" --issuer-did "$T/sd-base.json" >"$T/sd-db-badge.json" 2>"$T/sd-db-badge.err"
check "Digital Bazaar signs an Open Badge with ecdsa-sd-2023" test -s "$T/sd-db-badge.json"
jsd derive --selective '["/issuer","/validFrom","/name","/credentialSubject"]' "$T/sd-db-badge.json" >"$T/sd-db-badge-d.json" 2>/dev/null
expect 0 "VALID" "$VF" verify "$T/sd-db-badge-d.json"
# the W3C vectors' derived credentials verify on both sides (their key is
# not the issuer's: obkit checks the signature through the suite only)
for x in prc employ; do
	expect 0 '"verified":true' jsd verify "$E/ecdsa-sd-2023/$x/derivedRevealDocument.json"
	expect 1 "not to the issuer" "$VF" verify --now 2025-01-01T00:00:00Z "$E/ecdsa-sd-2023/$x/derivedRevealDocument.json"
done
done_tests
