#!/bin/sh
# ob-verifier scan: QR codes made by `ob-verifier qr` read back from PNG and
# JPEG images and verified, in both payload modes (VC1- and --url); images
# without a code, damaged images and non-images give one clear line.
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
scan() { "$VF" scan --now "$NOW" "$@"; }
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
JWT=$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt
SAMPLES=$SHARED/conformance/1edtech-validator-samples/ob30

# the JPEG helper lives with the unit tests of the same build
QRSCAN=
for d in "$BIN/../tests" "$BIN/../build/tests"; do
	[ -x "$d/test_qrscan" ] && { QRSCAN=$d/test_qrscan; break; }
done

# ---- embedded payload (VC1- + Base45(zlib(JSON))) ----
"$VF" qr --no-terminal --png "$T/c01.png" "$C01" 2>/dev/null
check "qr writes a PNG" test -s "$T/c01.png"
expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan "$T/c01.png"
expect 0 "eddsa-rdfc-2022 signature verifies" scan "$T/c01.png"
expect 0 "QR code with the credential inside" scan "$T/c01.png"
expect 0 '"verified": true' scan --json "$T/c01.png"
expect 0 "" scan - <"$T/c01.png"
# verify reads a QR photo too (and a link inside one), same verdicts
expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" "$BIN/ob-verifier" verify --offline "$T/c01.png"
# the picture itself may be at a URL (through the loader)
expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan --doc "https://pics.example/qr.png=$T/c01.png" https://pics.example/qr.png
scan -q "$T/c01.png" >"$T/quiet" 2>&1
check "scan -q prints nothing for a valid credential" test ! -s "$T/quiet"
# the JSON report is exactly what verify --json says about the file
scan --json "$T/c01.png" >"$T/scan.json" 2>/dev/null
"$VF" verify --now "$NOW" --json "$C01" >"$T/verify.json" 2>/dev/null
check "scan --json equals verify --json" cmp -s "$T/scan.json" "$T/verify.json"

# a compact VC-JWT goes in as is
"$VF" qr --no-terminal --png "$T/jwt.png" "$JWT" 2>/dev/null
expect 0 "EdDSA signature verifies" scan "$T/jwt.png"

# a tampered credential scans fine and fails verification
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['name']='Master Welder'; json.dump(d, open(sys.argv[2],'w'))" "$C01" "$T/tampered.json"
"$VF" qr --no-terminal --png "$T/tampered.png" "$T/tampered.json" 2>/dev/null
expect 1 "^INVALID" scan "$T/tampered.png"
expect 1 '"verified": false' scan --json "$T/tampered.png"
expect 1 "^INVALID" "$BIN/ob-verifier" verify --offline "$T/tampered.png"

# ---- link mode: the verifier page's link, and a direct one ----
CRED_URL=https://issuer.example/badges/c01.json
"$VF" qr --no-terminal --png "$T/link.png" \
	--url "https://verify.example/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json"
expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan --doc "$CRED_URL=$C01" "$T/link.png"
expect 0 "QR code with a link" scan --doc "$CRED_URL=$C01" "$T/link.png"
"$VF" qr --no-terminal --png "$T/direct.png" --url "$CRED_URL"
expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan --doc "$CRED_URL=$C01" "$T/direct.png"
# a link to a tampered credential
expect 1 "^INVALID" scan --doc "$CRED_URL=$T/tampered.json" "$T/link.png"
# offline, not mapped: cannot decide, never valid
expect 3 "issuer.example/badges/c01.json" scan --offline "$T/link.png"
# http links are refused by the fetch policy
"$VF" qr --no-terminal --png "$T/http.png" --url "http://issuer.example/badges/c01.json"
expect 2 "https|http://" scan "$T/http.png"

# ---- JPEG (a lossy photo-like copy of the PNG) ----
if [ -n "$QRSCAN" ] && "$QRSCAN" --jpeg "$T/c01.png" "$T/c01.jpg"; then
	ok
	expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan "$T/c01.jpg"
	"$QRSCAN" --jpeg "$T/link.png" "$T/link.jpg"
	expect 0 "^VALID signature; the issuer.s identity is not verified: it calls itself .Riverbend Technical College.$" scan --doc "$CRED_URL=$C01" "$T/link.jpg"
	# damaged JPEG: header kept, the rest overwritten
	head -c 200 "$T/c01.jpg" >"$T/bad.jpg"
	head -c 4000 /dev/zero | tr '\0' 'Z' >>"$T/bad.jpg"
	expect 1 "^ob-verifier: .*(JPEG|no QR code)" scan "$T/bad.jpg"
else
	bad "cannot make a JPEG: test_qrscan --jpeg missing or failing (looked in $BIN/../tests)"
fi

# ---- images without a code, damaged images, not images ----
expect 1 "^ob-verifier: no QR code found in '.*simple-json.png'" scan "$SAMPLES/simple-json.png"
head -c 3000 "$T/c01.png" >"$T/cut.png"
expect 1 "^ob-verifier: cannot read PNG image" scan "$T/cut.png"
expect 1 "^ob-verifier: '.*01-ob3-v2-eddsa-rdfc-2022.json' is not a PNG or JPEG image" scan "$C01"
expect 1 "is not a PNG or JPEG image" scan "$SAMPLES/simple-json.svg"
: >"$T/empty.png"
expect 1 "is not a PNG or JPEG image" scan "$T/empty.png"
expect 3 "cannot open" scan "$T/missing.png"
expect 2 "is a directory" scan "$T"
# one line each, no crash
scan "$T/cut.png" >"$T/one" 2>&1
check "a damaged image gives one line" test "$(wc -l <"$T/one")" -eq 1

# ---- usage ----
expect 2 "usage: ob-verifier scan" "$VF" scan
expect 2 "usage: ob-verifier scan" "$VF" scan "$T/c01.png" "$T/c01.png"
expect 2 "usage: ob-verifier scan" "$VF" scan --bogus "$T/c01.png"
expect 2 "--now" "$VF" scan --now yesterday "$T/c01.png"
expect 0 "usage: ob-verifier scan" "$VF" scan --help

done_tests
