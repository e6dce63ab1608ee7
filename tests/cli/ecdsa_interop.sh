#!/bin/sh
# ecdsa-rdfc-2019 against Digital Bazaar's cryptosuite (issue 14 item 2):
# obkit's proofs verify with @digitalbazaar/ecdsa-rdfc-2019-cryptosuite +
# data-integrity + jsonld-signatures, and theirs verify in obkit. The npm
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
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/interop.mjs" "$J/" || return 1
	if ! (cd "$J" && npm ci --no-audit --no-fund --ignore-scripts) >"$T/npm.log" 2>&1; then
		bad "npm ci of tests/interop-ecdsa failed (is the npm registry reachable?):"
		tail -n 15 "$T/npm.log" | sed 's/^/    /'
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
done_tests
