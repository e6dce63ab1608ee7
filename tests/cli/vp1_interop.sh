#!/bin/sh
# obkit's VP1- QR payloads against the Digital Credentials Consortium's own
# code: @digitalcredentials/vpqr 2.2.1 with @digitalcredentials/cborld 4.3.4
# (what the Learner Credential Wallet uses to read VP1- QR codes), installed
# from tests/interop-vpqr/package-lock.json into a temp dir (npm ci; the npm
# registry must be reachable, else the test FAILS saying why).
#   obkit -> vpqr: `ob-wallet share --qr --vp1` writes a QR code; zbarimg reads
#   it; vpqr's fromQrCode decodes the presentation, which `ob-verifier verify`
#   then finds VALID (so nothing was lost on the way: the signatures hold).
#   vpqr -> obkit: cborld encodes that presentation (uncompressed) and
#   base32-encode makes the VP1- text as vpqr's toQrCode does; `ob-verifier
#   scan` reads its QR code: VALID.
#   vpqr's toQrCode with its defaults (compressed CBOR-LD, tag d9 05 01: what
#   the Learner Credential Wallet's own QR codes hold) -> `ob-verifier scan`:
#   VALID. cborld's document loader serves obkit's contexts/ (byte copies of
#   the published documents), so both sides number the same terms.
# usage: sh tests/cli/vp1_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
SRC=$(cd "$(dirname "$0")/../interop-vpqr" && pwd)
J="$T/js"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
printf 'Correct horse battery staple 42\n' >"$T/pass"
wl() { "$WL" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }

setup() {
	for tool in node npm zbarimg python3; do
		command -v $tool >/dev/null 2>&1 || { bad "$tool is needed for the VP1- cross-check"; return 1; }
	done
	mkdir -p "$J" && cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/vpqr.mjs" "$J/" || return 1
	export OBKIT_CONTEXTS="$SRC/../../contexts"
	if ! (cd "$J" && npm ci --no-audit --no-fund --ignore-scripts) >"$T/npm.log" 2>&1; then
		bad "npm ci of tests/interop-vpqr failed (is the npm registry reachable?):"
		tail -n 15 "$T/npm.log" | sed 's/^/    /'
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
check "the library is @digitalcredentials/vpqr 2.2.1" \
	sh -c "grep -q '\"version\": \"2.2.1\"' '$J/node_modules/@digitalcredentials/vpqr/package.json'"
check "with @digitalcredentials/cborld 4.3.4" \
	sh -c "grep -q '\"version\": \"4.3.4\"' '$J/node_modules/@digitalcredentials/cborld/package.json'"

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
expect 0 "" wl init --kdf-cost test
WDID=$(wl whoami)
expect 0 "" is issue --achievement weld-101 --recipient "$WDID" -o "$T/c.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
expect 0 "^urn:uuid:" wl add $DOCS "$T/c.json"
ID=$(head -n 1 "$T/out")

# obkit -> vpqr
expect 0 "" wl share "$ID" --qr --vp1 --png "$T/vp1.png"
zbarimg -q --raw "$T/vp1.png" 2>/dev/null | tr -d '\n' >"$T/vp1.txt"
check "the QR code holds a VP1-B payload" grep -q '^VP1-B[A-Z2-7]*$' "$T/vp1.txt"
expect 0 "" node "$J/vpqr.mjs" read "$T/vp1.txt"
cp "$T/out" "$T/lib-vp.json"
check "vpqr's fromQrCode decodes it to the wallet's presentation" python3 -c "
import json,sys; vp=json.load(open('$T/lib-vp.json'))
sys.exit(not(vp['type']==['VerifiablePresentation'] and vp['holder']=='$WDID' and vp['verifiableCredential'][0]['id']=='$ID'))"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" verify --offline $DOCS "$T/lib-vp.json"

# vpqr -> obkit
expect 0 "^VP1-B" node "$J/vpqr.mjs" write "$T/lib-vp.json"
tr -d '\n' <"$T/out" >"$T/lib.txt"
expect 0 "" "$VF" qr --url "$(cat "$T/lib.txt")" --png "$T/lib.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" scan --offline $DOCS "$T/lib.png"

# vpqr -> obkit, compressed CBOR-LD (toQrCode's default)
# cbor_tag FILE: the CBOR-LD tag's last byte of a VP1- payload (0 or 1)
cbor_tag() { python3 -c "
import base64,sys; t=open(sys.argv[1]).read().strip()[5:]
print(base64.b32decode(t+'='*(-len(t)%8))[2])" "$1"; }
expect 0 "^VP1-B" node "$J/vpqr.mjs" qr "$T/lib-vp.json"
tr -d '\n' <"$T/out" >"$T/lz.txt"
check "toQrCode's default is compressed CBOR-LD (tag d9 05 01)" test "$(cbor_tag "$T/lz.txt")" = 1
check "and shorter than the uncompressed payload" test "$(wc -c <"$T/lz.txt")" -lt "$(wc -c <"$T/lib.txt")"
expect 0 "" "$VF" qr --url "$(cat "$T/lz.txt")" --png "$T/lz.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" scan --offline $DOCS "$T/lz.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" verify --offline $DOCS "$T/lz.txt"

done_tests
