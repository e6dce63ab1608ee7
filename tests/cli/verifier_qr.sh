#!/bin/sh
# ob-verifier qr in a terminal (issue 15): the code is drawn with half
# blocks (two module rows a line) inside a 4-module quiet zone, and the
# drawing itself scans (rasterized here and read back with zbarimg); a code
# wider than the terminal (TIOCGWINSZ, else $COLUMNS) is said to be so on
# stderr, with --png suggested, and one that fits is not.
#   sh tests/cli/verifier_qr.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
VF=$BIN/ob-verifier
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
URL=https://verify.example.org/v?c=42

# shape FILE: "LINES COLUMNS" when every line is as wide as the first and
# holds only space, upper, lower and full half blocks; else "bad ..."
shape() {
	python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
w = {len(l) for l in lines}
odd = {c for l in lines for c in l} - set(" \u2580\u2584\u2588")
print("bad widths %s chars %r" % (sorted(w), sorted(odd)) if len(w) != 1 or odd else "%d %d" % (len(lines), w.pop()))
PY
}

# scan FILE: the terminal drawing as a PNG (light where a glyph is drawn,
# 4 pixels a module), read with zbarimg; the text on stdout
scan() {
	python3 - "$1" "$T/term.png" <<'PY'
import struct, sys, zlib
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
top = {" ": 0, "\u2580": 1, "\u2584": 0, "\u2588": 1}
bot = {" ": 0, "\u2580": 0, "\u2584": 1, "\u2588": 1}
rows = []
for l in lines:
    rows.append([top[c] for c in l])
    rows.append([bot[c] for c in l])
S = 4
raw = b"".join(b"\x00" + bytes(255 if v else 0 for v in row for _ in range(S)) for row in rows for _ in range(S))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
w, h = len(rows[0]) * S, len(rows) * S
open(sys.argv[2], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                              chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
	zbarimg -q --raw "$T/term.png" 2>/dev/null | sed -e '$ { /^$/d }'
}

# --- a credential: a large code, wider than 80 columns
COLUMNS=80 "$VF" qr "$C01" >"$T/q" 2>"$T/e"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "qr exit $rc"; fi
s=$(shape "$T/q")
case $s in bad*) bad "credential drawing: $s" ;; *) ok ;; esac
lines=${s% *} cols=${s#* }
echo "credential: $lines lines of $cols columns"
# 4-module quiet zone around a width-W symbol: W + 8 columns, (W + 9) / 2 lines
w=$((cols - 8))
if [ $((w % 4)) -eq 1 ] && [ "$lines" -eq $(((w + 9) / 2)) ]; then ok; else bad "credential: $lines lines for $cols columns"; fi
check "the quiet zone: 4 light module rows and columns around the code" python3 -c '
import sys
l = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
F = "\u2588"
assert l[0] == l[1] == F * len(l[0]) and l[-1].strip(F + "\u2580") == ""
assert all(x[:4] == x[-4:] == F * 4 for x in l)' "$T/q"
check "too wide for 80 columns: said so, --png suggested" grep -q "^ob-verifier: warning: the QR code is $cols columns wide and the terminal 80: it wraps and will not scan; write an image with --png OUT" "$T/e"
"$VF" qr --no-terminal --png "$T/c.png" "$C01" 2>/dev/null
zbarimg -q --raw "$T/c.png" 2>/dev/null | sed -e '$ { /^$/d }' >"$T/want"
check "the PNG scans" grep -q '^VC1-' "$T/want"
scan "$T/q" >"$T/got"
check "the terminal drawing scans, to the same payload" cmp -s "$T/got" "$T/want"
COLUMNS=$((cols + 1)) "$VF" qr "$C01" >/dev/null 2>"$T/e"
check "no width warning when it fits (COLUMNS)" sh -c "! grep -q 'columns wide' '$T/e'"
unset COLUMNS
"$VF" qr "$C01" >/dev/null 2>"$T/e"
check "no width warning when the width is unknown (a file, no COLUMNS)" sh -c "! grep -q 'columns wide' '$T/e'"
COLUMNS=wide "$VF" qr "$C01" >/dev/null 2>"$T/e"
check "COLUMNS that is no number: unknown" sh -c "! grep -q 'columns wide' '$T/e'"

# --- a link: a small code that fits
COLUMNS=80 "$VF" qr --url "$URL" >"$T/q" 2>"$T/e"
s=$(shape "$T/q")
case $s in bad*) bad "link drawing: $s" ;; *) ok ;; esac
cols=${s#* }
echo "link: ${s% *} lines of $cols columns"
if [ "$cols" -le 80 ]; then ok; else bad "a link's code is $cols columns"; fi
check "a link fits: no warning" test ! -s "$T/e"
check "the link's drawing scans" test "$(scan "$T/q")" = "$URL"
COLUMNS=20 "$VF" qr --url "$URL" >/dev/null 2>"$T/e"
check "a link in 20 columns: said so" grep -q "columns wide and the terminal 20" "$T/e"
# a real terminal's width wins over COLUMNS (script gives a pty)
if command -v script >/dev/null 2>&1; then
	COLUMNS=20 script -qec "stty cols 200; '$VF' qr --url '$URL'" /dev/null >"$T/pty" 2>&1
	check "a 200-column tty: no warning whatever COLUMNS says" sh -c "! grep -q 'columns wide' '$T/pty'"
	COLUMNS=500 script -qec "stty cols 30; '$VF' qr --url '$URL' 2>&1 >/dev/tty" /dev/null >"$T/pty" 2>&1
	check "a 30-column tty: said so" grep -q "columns wide and the terminal 30" "$T/pty"
else
	bad "script(1) is needed to test a terminal's width"
fi
expect 0 "print this help" "$VF" qr --help
expect 0 "--png OUT +also write a PNG" "$VF" help qr

done_tests
