#!/bin/sh
# ob-wallet export --pdf|--png: the printable certificate (shared/cli/
# certificate.c, cairo). The page is rasterized with pdftoppm and its QR
# code read back with zbarimg; pdftotext shows its words; pdfimages finds
# the badge image; pdfinfo the paper size. Failures write nothing.
. "$(dirname "$0")/lib.sh"
BIN=$(cd "$BIN" && pwd)
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
W="$BIN/ob-wallet"
for tool in pdftoppm pdftotext pdfimages pdfinfo zbarimg python3; do
	command -v $tool >/dev/null || { echo "certificate.sh: $tool is missing (poppler-utils, zbar-tools)"; exit 1; }
done
I="$T/issuer"
is() { "$IS" --home "$I" "$@"; }
printf 'certificate test passphrase\n' >"$T/pass"
w() { "$W" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }
L=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP

# a 48x48 orange PNG badge (written here with zlib: the test's own data)
python3 - "$T/badge.png" "$T/noise.png" <<'PY'
import struct, sys, zlib, random
def png(path, w, h, row):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\0" + row(y) for y in range(h))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
png(sys.argv[1], 48, 48, lambda y: bytes([255, 128, 0]) * 48)
random.seed(7)
png(sys.argv[2], 64, 64, lambda y: bytes(random.randrange(256) for _ in range(64 * 3)))
PY
IMG="data:image/png;base64,$(base64 -w0 "$T/badge.png")"
NOISE="data:image/png;base64,$(base64 -w0 "$T/noise.png")"

# a did:web issuer, so the identity is "domain verified"
expect 0 "^did:web:riverbend.example.edu" is init --name "Riverbend College" --did-web riverbend.example.edu
expect 0 "" is achievement add --id weld --name "Welding Fundamentals" --image "$IMG" \
	--description "Safe MIG and stick welding, and sound fillet welds on mild steel." --criteria "Pass the practical"
expect 0 "" is achievement add --id noisy --name "Noisy Badge" --image "$NOISE" --description D --criteria C
expect 0 "" is achievement add --id linked --name "Linked Image" --image https://riverbend.example.edu/img.png \
	--description D --criteria C
expect 0 "" is issue --no-status --achievement weld --recipient $L --name "Ana Lima" \
	--valid-from 2026-01-05T00:00:00Z --valid-until 2030-06-30T00:00:00Z -o "$T/c1.json"
expect 0 "" is issue --no-status --achievement noisy --recipient $L --name "Ana Lima" -o "$T/big.json"
expect 0 "" is issue --no-status --achievement linked --recipient $L --name "Ana Lima" -o "$T/linked.json"
expect 0 "" is publish "$T/site"
DOC="https://riverbend.example.edu/.well-known/did.json=$T/site/.well-known/did.json"
# the same badge hosted at an https id, signed again
HID=https://riverbend.example.edu/credentials/42
python3 - "$T/c1.json" "$T/hosted.json" "$HID" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["id"] = sys.argv[3]
del c["proof"]
json.dump(c, open(sys.argv[2], "w"))
PY
VM=$(python3 -c "import json; p=json.load(open('$T/c1.json'))['proof']; print((p[0] if isinstance(p, list) else p)['verificationMethod'])")
expect 0 "" is sign --key "$I/keys/key-1.json" --verification-method "$VM" -o "$T/hosted-s.json" "$T/hosted.json"
expect 0 "^VALID: issued by riverbend.example.edu \(domain verified\)" "$VF" verify --offline --doc "$DOC" "$T/hosted-s.json"

expect 0 "" w init --kdf-cost test
expect 0 "" w add --offline --doc "$DOC" "$T/c1.json" "$T/hosted-s.json" "$T/big.json" "$T/linked.json"
C1=$(python3 -c "import json; print(json.load(open('$T/c1.json'))['id'])")
BIG=$(python3 -c "import json; print(json.load(open('$T/big.json'))['id'])")
LINKED=$(python3 -c "import json; print(json.load(open('$T/linked.json'))['id'])")
SHORT=$(echo "$C1" | sed 's/^urn:uuid://' | cut -c1-13)

# QR text: QRTEXT IMAGE -> $T/qr (zbarimg's raw output, without the newline it adds)
qrtext() { zbarimg -q --raw "$1" 2>/dev/null | sed -e '$ { /^$/d }' >"$T/qr"; }
raster() { rm -f "$T"/page-*.png; pdftoppm -r 150 -png "$1" "$T/page"; }

# --- a hosted credential, --verify-url: the verifier page's link
expect 0 "wrote $T/h.pdf" w export --pdf "$HID" --verify-url https://verify.example.org/ -o "$T/h.pdf"
check "a PDF" sh -c "head -c 5 '$T/h.pdf' | grep -q '%PDF-'"
check "one page" sh -c "pdfinfo '$T/h.pdf' | grep -q '^Pages: *1$'"
check "A4 by default" sh -c "pdfinfo '$T/h.pdf' | grep -q 'Page size: *595.* x 841.* pts (A4)'"
raster "$T/h.pdf"
check "rasterized at 150 dpi: one page" test -f "$T/page-1.png"
qrtext "$T/page-1.png"
check "the QR code decodes to the verification page's link" \
	test "$(cat "$T/qr")" = "https://verify.example.org/verify?url=https%3A%2F%2Friverbend.example.edu%2Fcredentials%2F42"
pdftotext "$T/h.pdf" "$T/h.txt"
tr '\n' ' ' <"$T/h.txt" >"$T/h1.txt"
check "the learner" grep -q "Ana Lima" "$T/h1.txt"
check "the achievement" grep -q "Welding Fundamentals" "$T/h1.txt"
check "its description" grep -q "sound fillet welds on mild steel" "$T/h1.txt"
check "the issuer with its identity level" grep -q "Issued by riverbend.example.edu (domain verified)" "$T/h1.txt"
check "the issuer's id" grep -q "did:web:riverbend.example.edu" "$T/h1.txt"
check "the issue date" grep -q "Issued 2026-01-05" "$T/h1.txt"
check "the expiry date" grep -q "Expires 2030-06-30" "$T/h1.txt"
check "the credential id" grep -q "$HID" "$T/h1.txt"
check "the badge image is drawn (48x48 PNG)" sh -c "pdfimages -list '$T/h.pdf' | awk 'NR>2 && \$4==48 && \$5==48' | grep -q ."

# --- without --verify-url, an https id is the code itself; --paper letter
expect 0 "" w export --pdf "$HID" --paper letter -o "$T/h2.pdf"
check "Letter paper" sh -c "pdfinfo '$T/h2.pdf' | grep -q 'Page size: *612 x 792 pts (letter)'"
raster "$T/h2.pdf"
qrtext "$T/page-1.png"
check "the QR code holds the credential's own https id" test "$(cat "$T/qr")" = "$HID"

# --- a urn:uuid credential: the code holds the credential itself (as share --qr)
mkdir "$T/cwd"
expect 0 "the signed credential itself" sh -c "cd '$T/cwd' && '$W' --home '$T/wallet' --passphrase-file '$T/pass' export --pdf '$SHORT'"
check "the default file name is the short id" test -f "$T/cwd/certificate-$(echo "$SHORT" | cut -c1-8).pdf"
mv "$T/cwd/certificate-$(echo "$SHORT" | cut -c1-8).pdf" "$T/u.pdf"
raster "$T/u.pdf"
qrtext "$T/page-1.png"
check "the QR code holds a VC1- payload" grep -q "^VC1-" "$T/qr"
expect 0 "" w share "$C1" --qr --png "$T/share.png"
zbarimg -q --raw "$T/share.png" 2>/dev/null | sed -e '$ { /^$/d }' >"$T/share.txt"
check "the same payload as 'ob-wallet share --qr'" cmp -s "$T/qr" "$T/share.txt"
expect 0 "^VALID: issued by riverbend.example.edu \(domain verified\)" "$VF" scan --offline --doc "$DOC" "$T/page-1.png"
pdftotext "$T/u.pdf" - | tr '\n' ' ' >"$T/u.txt"
check "the code's caption says what it holds" grep -q "the code holds the signed credential" "$T/u.txt"
expect 2 "only fetch a credential whose id is an https URL" w export --pdf "$C1" --verify-url https://verify.example.org -o "$T/v.pdf"
check "--verify-url on a urn:uuid credential: one line" test "$(wc -l <"$T/out")" -eq 1
check "--verify-url on a urn:uuid credential: no file" test ! -e "$T/v.pdf"

# --- PNG
expect 0 "" w export --png "$HID" --verify-url https://verify.example.org -o "$T/h.png"
check "a PNG file" sh -c "head -c 8 '$T/h.png' | od -An -c | grep -q 'P   N   G'"
qrtext "$T/h.png"
check "the PNG's QR code decodes too" \
	test "$(cat "$T/qr")" = "https://verify.example.org/verify?url=https%3A%2F%2Friverbend.example.edu%2Fcredentials%2F42"

# --- an https image is never fetched: a placeholder says so
expect 0 "" w export --pdf "$LINKED" -o "$T/l.pdf"
check "linked image: placeholder" sh -c "pdftotext '$T/l.pdf' - | tr '\n' ' ' | grep -q 'image not fetched'"
check "linked image: no image in the PDF" sh -c "[ \$(pdfimages -list '$T/l.pdf' | awk 'NR>2' | wc -l) -eq 0 ]"

# --- a self-asserted issuer's name is labelled as its claim
expect 0 "" w add --offline "$SHARED/vectors/signed/03-ob3-v2-eddsa-jcs-2022.json"
expect 0 "" w export --pdf urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a03 -o "$T/self.pdf"
check "a claimed issuer name is marked" sh -c "pdftotext '$T/self.pdf' - | tr '\n' ' ' | grep -q \"calls itself 'Riverbend Technical College' (identity not verified)\""

# --- a credential kept unverified (--force) says so on the page
python3 - "$T/c1.json" "$T/forged.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["id"] = "urn:uuid:f0f0f0f0-0000-4000-8000-000000000001"
c["credentialSubject"]["achievement"]["name"] = "Master Welder"
json.dump(c, open(sys.argv[2], "w"))
PY
expect 0 "storing .* unverified" w add --offline --force --doc "$DOC" "$T/forged.json"
expect 0 "" w export --pdf f0f0f0f0 -o "$T/forged.pdf"
check "an unverified credential's page says INVALID and why" sh -c "pdftotext '$T/forged.pdf' - | tr '\n' ' ' | grep -q 'INVALID: .*signature'"

# --- failures: a one-line error, and nothing written or changed
printf 'keep me\n' >"$T/keep.pdf"
expect 1 "no credential 'nope' in the wallet" w export --pdf nope -o "$T/keep.pdf"
check "bad id: one line" test "$(wc -l <"$T/out")" -eq 1
check "bad id: the file is untouched" sh -c "[ \"\$(cat '$T/keep.pdf')\" = 'keep me' ]"
expect 3 "exists" w export --pdf "$HID" -o "$T/keep.pdf"
check "an existing file is not replaced without --force" sh -c "[ \"\$(cat '$T/keep.pdf')\" = 'keep me' ]"
# a credential too large for a QR code: refused after the page could
# have been drawn; the old file stays whole and no temp file is left
expect 1 "too large to fit in a QR code; --no-qr prints the page without one" w export --pdf "$BIG" --force -o "$T/keep.pdf"
check "too large for a code: one line" test "$(wc -l <"$T/out")" -eq 1
check "too large for a code: the file is untouched" sh -c "[ \"\$(cat '$T/keep.pdf')\" = 'keep me' ]"
check "no temp file left" sh -c "[ \$(ls -A '$T' | grep -c '^\\.keep') -eq 0 ]"
expect 3 "" w export --pdf "$HID" -o "$T/no/such/dir/x.pdf"
check "unwritable path: one line" test "$(wc -l <"$T/out")" -eq 1
expect 0 "" w export --pdf "$HID" --force -o "$T/keep.pdf"
check "--force replaces it with a PDF" sh -c "head -c 5 '$T/keep.pdf' | grep -q '%PDF-'"
expect 2 "--paper is 'a4' or 'letter'" w export --pdf "$HID" --paper a3 -o "$T/z.pdf"
expect 2 "not both" w export --pdf --png "$HID" -o "$T/z.pdf"
expect 2 "goes with --pdf or --png" w export "$HID" --paper a4
check "usage errors: no file" test ! -e "$T/z.pdf"

# --- a CLR: its own name and its credentials
expect 0 "" is issue --no-status --achievement linked --recipient $L -o "$T/c2.json"
expect 0 "" is clr --recipient $L --learner "Ana Lima" --name "Ana Lima's welding record" -o "$T/clr.json"
expect 0 "" w add --offline --doc "$DOC" "$T/clr.json"
CLR=$(python3 -c "import json; print(json.load(open('$T/clr.json'))['id'])")
expect 0 "without a QR code" w export --pdf "$CLR" --no-qr -o "$T/clr.pdf"
pdftotext "$T/clr.pdf" - | tr '\n' ' ' >"$T/clr.txt"
check "CLR: its own name" grep -q "Ana Lima's welding record" "$T/clr.txt"
check "CLR: its credentials listed" sh -c "grep -q '1\\. Welding Fundamentals (valid)' '$T/clr.txt' && grep -q 'Linked Image (valid)' '$T/clr.txt'"
check "CLR: the page says why there is no code" grep -q "No QR code" "$T/clr.txt"
check "CLR: no image (it would be the first badge's)" sh -c "[ \$(pdfimages -list '$T/clr.pdf' | awk 'NR>2' | wc -l) -eq 0 ]"
expect 2 "not both" w export --pdf "$CLR" --no-qr --verify-url https://v.example -o "$T/z.pdf"

done_tests
