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
#   the published documents), so both sides number the same terms. Also a VC
#   v1 credential (Ed25519Signature2020, registered contexts) and the team's
#   VP vector with challenge and domain; a tampered compressed payload is
#   INVALID, one naming a context obkit lacks "could not check".
#   obkit's own compressed encoder (ob_vp1_encode_compressed, reached through
#   build/tests/test_cborld): byte for byte cborld's encoding of the same
#   presentation; vpqr's fromQrCode decodes it; ob-verifier scan: VALID.
#   tests/data/cborld: each fixture's .hex is still what cborld writes.
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
check "ob-wallet share --vp1 writes compressed CBOR-LD (tag d9 05 01), as vpqr does" test "$(cbor_tag "$T/vp1.txt")" = 1
expect 0 "^VP1-B" node "$J/vpqr.mjs" qr "$T/lib-vp.json"
tr -d '\n' <"$T/out" >"$T/lz.txt"
check "toQrCode's default is compressed CBOR-LD (tag d9 05 01)" test "$(cbor_tag "$T/lz.txt")" = 1
check "and shorter than the uncompressed payload" test "$(wc -c <"$T/lz.txt")" -lt "$(wc -c <"$T/lib.txt")"
expect 0 "" "$VF" qr --url "$(cat "$T/lz.txt")" --png "$T/lz.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" scan --offline $DOCS "$T/lz.png"
expect 0 "VALID: presentation signed by its holder $WDID" "$VF" verify --offline $DOCS "$T/lz.txt"

# cborld's bytes for the unit test's fixtures (tests/unit/test_cborld.c)
for f in "$SRC"/../data/cborld/*.json; do
	node "$J/vpqr.mjs" cbor "$f" >"$T/fx.hex" 2>&1
	check "cborld 4.3.4 still writes tests/data/cborld/$(basename "$f" .json).hex" cmp -s "$T/fx.hex" "${f%.json}.hex"
done

# a VC v1 credential (registered contexts 0x11, 0x14; Ed25519Signature2020), compressed by vpqr
expect 0 "^VP1-B" node "$J/vpqr.mjs" qr "$SHARED/vectors/signed/02-ob3-v1-ed25519signature2020.json"
tr -d '\n' <"$T/out" >"$T/v1.txt"
check "vpqr compressed the v1 credential (tag d9 05 01)" test "$(cbor_tag "$T/v1.txt")" = 1
# (vpqr's alphanumeric QR code holds it; obkit's qr writes bytes and would need a version over 40)
expect 0 "VALID signature" "$VF" verify --offline "$T/v1.txt"
# the team's VP vector (too large for one QR code: its text) with challenge and domain
hexvp1() { python3 -c "
import base64,sys; b=bytes.fromhex(open(sys.argv[1]).read().strip())
print('VP1-B'+base64.b32encode(b).decode().rstrip('='))" "$1"; }
node "$J/vpqr.mjs" cbor "$SHARED/vectors/signed/07-vp-eddsa-rdfc-2022.json" >"$T/vp07.hex" 2>&1
hexvp1 "$T/vp07.hex" >"$T/vp07.txt"
expect 0 "VALID: presentation signed by its holder" "$VF" verify --offline --challenge 7c1e2b0a-9d3f-4e1a-8b6c-2f5a9e0d4c71 \
	--domain hiring.example.com "$T/vp07.txt"
expect 1 "does not match the expected" "$VF" verify --offline --challenge a-different-challenge \
	--domain hiring.example.com "$T/vp07.txt"
# tampered: one letter of a compressed name ("Welding" -> "Welting"); the signature fails
sed 's/57656c64696e67/57656c74696e67/' "$T/vp07.hex" >"$T/bad.hex"
check "the tampered payload differs" sh -c "! cmp -s '$T/vp07.hex' '$T/bad.hex'"
hexvp1 "$T/bad.hex" >"$T/bad.txt"
expect 1 "^INVALID" "$VF" verify --offline --challenge 7c1e2b0a-9d3f-4e1a-8b6c-2f5a9e0d4c71 \
	--domain hiring.example.com "$T/bad.txt"
# a context obkit does not ship (a URL cborld keeps as text): could not check
python3 -c "
import base64,sys
url=b'https://example.org/unknown/v1'
raw=bytes([0xd9,5,1,0xa1,1,0x82,0x11,0x78,len(url)])+url
print('VP1-B'+base64.b32encode(raw).decode().rstrip('='))" >"$T/unk.txt"
expect 0 "" "$VF" qr --url "$(cat "$T/unk.txt")" --png "$T/unk.png"
expect 3 "compressed CBOR-LD with a context obkit does not have" "$VF" scan --offline "$T/unk.png"
expect 3 "compressed CBOR-LD with a context obkit does not have" "$VF" verify --offline "$T/unk.txt"

# obkit's compressed encoder against cborld's: the same bytes, and vpqr reads it
TC="$BIN/../tests/test_cborld"
[ -x "$TC" ] || TC="$(dirname "$BIN")/build/tests/test_cborld"
if [ -x "$TC" ]; then
	expect 0 "^VP1-B" "$TC" vp1 "$T/lib-vp.json"
	tr -d '\n' <"$T/out" >"$T/ours.txt"
	check "obkit's payload is compressed CBOR-LD" test "$(cbor_tag "$T/ours.txt")" = 1
	expect 0 "" "$TC" hex "$T/lib-vp.json"
	cp "$T/out" "$T/ours.hex"
	expect 0 "" node "$J/vpqr.mjs" cbor "$T/lib-vp.json"
	check "byte for byte the CBOR-LD cborld 4.3.4 writes for the same presentation" cmp -s "$T/out" "$T/ours.hex"
	check "and the VP1- payload holds those bytes" sh -c "python3 -c \"
import base64,sys; t=open('$T/ours.txt').read().strip()[5:]
sys.stdout.write(base64.b32decode(t+'='*(-len(t)%8)).hex()+'\\n')\" | cmp -s - '$T/ours.hex'"
	expect 0 "" node "$J/vpqr.mjs" read "$T/ours.txt"
	check "vpqr's fromQrCode decodes obkit's compressed payload to the presentation" python3 -c "
import json,sys; sys.exit(json.load(open('$T/out')) != json.load(open('$T/lib-vp.json')))"
	expect 0 "" "$VF" qr --url "$(cat "$T/ours.txt")" --png "$T/ours.png"
	expect 0 "VALID: presentation signed by its holder $WDID" "$VF" scan --offline $DOCS "$T/ours.png"
	# a document cborld 4.3.4 cannot read back from its own encoder: obkit writes the
	# same bytes and refuses them as cborld does (test_cborld pins the bytes)
	cat >"$T/asym.json" <<-'EOF'
	{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
	 "proof": {"type": "Ed25519Signature2020", "verificationMethod": "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"},
	 "type": ["VerifiableCredential", "credentialSchema"]}
	EOF
	expect 0 "" "$TC" hex "$T/asym.json"
	cp "$T/out" "$T/asym-ours.hex"
	expect 0 "" node "$J/vpqr.mjs" cbor "$T/asym.json"
	check "cborld writes the same bytes for it" cmp -s "$T/out" "$T/asym-ours.hex"
	expect 1 "Unknown term ID '170'" node "$J/vpqr.mjs" uncbor "$T/asym-ours.hex"
	expect 0 "^VP1-B" "$TC" vp1 "$T/asym.json"
	tr -d '\n' <"$T/out" >"$T/asym.txt"
	check "so obkit's VP1- payload of it is the uncompressed form" test "$(cbor_tag "$T/asym.txt")" = 0
else
	bad "test_cborld (the unit test that reaches obkit's encoder) is not built next to $BIN"
fi

done_tests
