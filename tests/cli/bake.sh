#!/bin/sh
# Baked badges (OB 3.0 5.3): ob-issuer bake, ob-verifier verify IMAGE,
# ob-wallet add IMAGE; round trips byte for byte through the wallet.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
WL="$BIN/ob-wallet"
S1=$SHARED/conformance/1edtech-validator-samples/ob30
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
J04=$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt

# a plain image to bake into: the QR code of a URL
"$VF" qr --no-terminal --url https://example.org/badge --png "$T/plain.png" >/dev/null 2>&1
"$VF" qr --no-terminal --url https://example.org/badge --svg "$T/plain.svg" >/dev/null 2>&1

expect 0 "" "$IS" bake --credential "$C01" --image "$T/plain.png" -o "$T/b01.png"
expect 0 "credential read from a baked PNG badge" "$VF" verify --now "$NOW" "$T/b01.png"
expect 0 "^VALID" "$VF" verify --now "$NOW" "$T/b01.png"
expect 0 "" "$IS" bake --credential "$C01" --image "$T/plain.svg" -o "$T/b01.svg"
expect 0 "credential read from a baked SVG badge" "$VF" verify --now "$NOW" "$T/b01.svg"
expect 0 "" "$IS" bake --credential "$J04" --image "$T/plain.svg" -o "$T/b04.svg"
expect 0 "EdDSA signature verifies" "$VF" verify --now "$NOW" "$T/b04.svg"
expect 0 "" "$IS" bake --credential "$J04" --image "$T/b01.png" -o "$T/rebaked.png"
expect 0 "EdDSA signature verifies" "$VF" verify --now "$NOW" "$T/rebaked.png"
check "re-baking keeps one credential chunk" test "$(grep -c -a openbadgecredential "$T/rebaked.png")" = 1
expect 3 "exists" "$IS" bake --credential "$J04" --image "$T/plain.png" -o "$T/b01.png"
expect 2 "not a PNG or SVG" "$IS" bake --credential "$J04" --image "$C01" -o "$T/x.png"
expect 2 "needs --credential" "$IS" bake --image "$T/plain.png" -o "$T/x.png"

# the wallet keeps the credential, not the picture: export gives the exact bytes
H="$T/wallet"
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE
"$WL" --home "$H" init --kdf-cost test >/dev/null 2>&1
expect 0 "urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01" "$WL" --home "$H" add --now "$NOW" "$T/b01.png"
"$WL" --home "$H" export urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01 >"$T/exported.json"
check "PNG round trip is byte for byte" cmp "$T/exported.json" "$C01"
expect 0 "" "$WL" --home "$H" add --now "$NOW" "$T/b04.svg"
"$WL" --home "$H" export urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04 >"$T/exported.jwt"
check "SVG round trip is byte for byte" cmp "$T/exported.jwt" "$J04"

# the 1EdTech validator's baked samples
expect 3 "credential read from a baked PNG badge" "$VF" verify --offline --no-cache --now "$NOW" "$S1/simple-json.png"
expect 3 "credential read from a baked SVG badge" "$VF" verify --offline --no-cache --now "$NOW" "$S1/simple-json.svg"
# the 1EdTech sample carries its key only in the jwk header of an https
# issuer's JWT: the signature verifies, the issuer is not established
expect 3 "RS256 signature verifies" "$VF" verify --now "$NOW" "$S1/simple-jwt.png"
expect 3 "^UNDECIDED: nothing ties the key in the JWT's jwk header to the issuer" "$VF" verify --now "$NOW" "$S1/simple-jwt.png"
# the 1EdTech sample carries its key only in the jwk header of an https
# issuer's JWT: the signature verifies, the issuer is not established
expect 3 "RS256 signature verifies" "$VF" verify --now "$NOW" "$S1/simple-jwt.svg"
expect 3 "^UNDECIDED: nothing ties the key in the JWT's jwk header to the issuer" "$VF" verify --now "$NOW" "$S1/simple-jwt.svg"

# damaged images
python3 -c "
import sys
d=bytearray(open(sys.argv[1],'rb').read()); i=d.find(b'openbadgecredential'); d[i+40]^=1
open(sys.argv[2],'wb').write(bytes(d))" "$T/b01.png" "$T/badcrc.png"
expect 1 "CRC" "$VF" verify "$T/badcrc.png"
head -c 300 "$T/b01.png" >"$T/trunc.png"
expect 1 "" "$VF" verify "$T/trunc.png"
# a QR code whose link cannot be fetched: undecided, never "not a credential"
expect 3 "not in the cache \(offline\)" "$VF" verify --offline "$T/plain.png"
# an image with neither a baked credential nor a QR code
python3 - "$T/blank.png" <<'PY'
import sys, zlib, struct
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
rows = b''.join(b'\x00' + b'\xff' * 8 for _ in range(8))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 0, 0, 0, 0))
    + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
PY
expect 1 "no Open Badges credential" "$VF" verify "$T/blank.png"
expect 1 "no Open Badges credential" "$WL" --home "$H" add "$T/blank.png"
done_tests
