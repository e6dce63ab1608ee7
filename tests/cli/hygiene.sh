#!/bin/sh
# Issue 12, the smaller findings and the input budgets that are not the
# JSON-LD's: each failed before its fix.
#   sh tests/cli/hygiene.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
# the test tools: next to BIN in an out-of-tree build, else in build/
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/maxrss" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
RSS=$TOOLS/maxrss
is() { "$IS" --home "$T/issuer" "$@"; }
vf() { "$VF" verify --now "$NOW" --offline "$@"; }
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
ESC=$(printf '\033')

# --- --image: https and data: URIs only
expect 2 "--image must be an https URL or a data:image/" is init --name X --url https://x.example --image "javascript:alert(1)"
check "nothing created by a refused init" test ! -e "$T/issuer/issuer.db"
expect 2 "--image must be" is init --name X --url https://x.example --image "http://x.example/logo.png"
expect 0 "^did:key:" is init --name X --url https://x.example --image "data:image/png;base64,iVBORw0KGgo="
expect 2 "--image must be" is achievement add --id a1 --name A --description D --criteria C --image "javascript:alert(1)"
expect 2 "--image must be" is achievement add --id a1 --name A --description D --criteria C --image "data:text/html,<script>"
expect 0 "" is achievement add --id a1 --name A --description D --criteria C --image https://x.example/a1.png

# --- roster outputs are learner data: 0600 files in a 0700 folder
printf 'name,recipient,achievement\nAna,ana@example.com,a1\nBob,bob@example.com,"no%spe"\n' "$ESC[31m" >"$T/roster.csv"
expect 1 "" is issue --roster "$T/roster.csv" -o "$T/awarded"
check "roster folder is 0700" test "$(stat -c %a "$T/awarded")" = 700
check "manifest is 0600" test "$(stat -c %a "$T/awarded/manifest.jsonl")" = 600
check "every credential file is 0600" sh -c "for f in '$T'/awarded/*.json; do [ \"\$(stat -c %a \"\$f\")\" = 600 ] || exit 1; done"
# a roster's bytes never reach the terminal raw
check "no ESC byte in the roster's error output" sh -c "! grep -q '$ESC' '$T/out'"
check "the ESC is shown escaped" grep -q 'no\\x1b\[31mpe' "$T/out"

# --- publish sweeps temp files a killed publish left behind
expect 0 "" is publish "$T/site"
: >"$T/site/issuer.json.tmp.AbC123"
mkdir -p "$T/site/status/revocation"
: >"$T/site/status/revocation/1.json.tmp.zZ9x0Q"
: >"$T/site/keep.tmp.notours"
expect 0 "" is publish "$T/site"
check "stale temp file swept (issuer.json)" test ! -e "$T/site/issuer.json.tmp.AbC123"
check "stale temp file swept (status list)" test ! -e "$T/site/status/revocation/1.json.tmp.zZ9x0Q"
check "other files are left alone" test -e "$T/site/keep.tmp.notours"

# --- a JSON-LD context URL with a fragment is not the shipped context
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['@context'][1] += '#x'; json.dump(d, open(sys.argv[2], 'w'))" "$C01" "$T/frag.json"
expect 1 "context URL with a fragment" vf "$T/frag.json"

# --- budgets: millions of tiny values; an inflating PNG chunk; a VC1- bomb
python3 -c "import sys; open(sys.argv[1], 'w').write('[' + ','.join(['{}'] * 3500000) + ']')" "$T/many.json"
expect 3 "^UNDECIDED: over budget: JSON with more than 200000 values" vf "$T/many.json"
python3 - "$T/bomb.png" "$T/bomb.txt" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
body = b'{' + b' ' * (16 * 1024 * 1024 - 2) + b'}'
z = zlib.compress(body, 9)
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0)) +
       chunk(b'iTXt', b'openbadgecredential\x00\x01\x00\x00\x00' + z) +
       chunk(b'IDAT', zlib.compress(b'\x00\x00')) + chunk(b'IEND', b''))
open(sys.argv[1], 'wb').write(png)
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
out = []
for i in range(0, len(z) - 1, 2):
    n = z[i] * 256 + z[i + 1]; c, n = n % 45, n // 45; d, e = n % 45, n // 45
    out += [A[c], A[d], A[e]]
if len(z) % 2:
    out += [A[z[-1] % 45], A[z[-1] // 45]]
open(sys.argv[2], 'w').write("VC1-" + "".join(out) + "\n")
PY
check "the PNG bomb is small" test "$(stat -c %s "$T/bomb.png")" -lt 40000
expect 3 "^UNDECIDED: over budget: PNG iTXt chunk inflates more than 64 times its size" vf "$T/bomb.png"
expect 3 "over budget: QR payload inflates more than 64 times its size" vf "$T/bomb.txt"
# memory: a bomb costs about what a normal verification does (ratios in
# one run, so the sanitizer build's larger footprint does not matter)
if [ -x "$RSS" ]; then
	"$RSS" "$T/rss0" "$VF" verify --now "$NOW" --offline "$C01" >/dev/null 2>&1
	base=$(tail -n 1 "$T/rss0")
	# (ASan's quarantine keeps freed memory mapped; it is not the tool's)
	for f in bomb.png bomb.txt many.json; do
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
			"$RSS" "$T/rss" "$VF" verify --now "$NOW" --offline "$T/$f" >/dev/null 2>&1
		rss=$(tail -n 1 "$T/rss")
		echo "note: $f: max RSS $rss KiB (a normal verification: $base KiB)"
		check "$f: memory bounded (max RSS $rss KiB, normal $base KiB)" test "$rss" -lt $((base + 32768))
	done
else
	bad "no tests/tools/maxrss in $TOOLS (make tests-build)"
fi

# --- a report for a spreadsheet or a terminal escapes control characters
mkdir -p "$T/dir"
cp "$C01" "$T/dir/a.json"
cp "$C01" "$T/dir/b$ESC[2Kx.json"
vf --report "$T/r.csv" "$T/dir" >"$T/dirout" 2>&1
check "no ESC in the directory listing" sh -c "! grep -q '$ESC' '$T/dirout'"
check "no ESC in the CSV report" sh -c "! grep -q '$ESC' '$T/r.csv'"
check "the file name is shown escaped" grep -q 'b\\x1b\[2Kx.json' "$T/r.csv"

done_tests
