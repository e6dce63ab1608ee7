#!/bin/sh
# Rebuilds the seed corpora tests/fuzz/corpus/<target>/ from the team data
# (../shared) and a few generated inputs. Sources and licences:
# tests/fuzz/README.md. Needs python3 and the built tools (for the wallet
# backup and the QR image).
#   sh tests/fuzz/seed.sh [SHARED_DIR] [BIN_DIR]
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
S=$(cd "${1:-$top/../shared}" && pwd)
BIN=$(cd "${2:-$top/bin}" && pwd)
C=$top/tests/fuzz/corpus
V=$S/vectors
VS=$S/conformance/1edtech-validator-samples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# only the corpora made here: ob2, ecdsa_sd, certificate and oid4vci
# keep their hand-made seeds
for t in verify json jsonld nquads jwt bake roster codec qr backup http; do
	rm -rf "${C:?}/$t"
	mkdir -p "$C/$t"
done

# --- verify: the developer vectors (valid, invalid, JWTs, a presentation)
# and a few 1EdTech samples (CLR, VC 1.1, https issuers, bad cases)
cp "$V"/signed/* "$V"/invalid/* "$C/verify/"
for f in simple.json simple_v1.json simple-eddsa-2022.json simple-did-key-method.json \
	simple-multiple-proofs.json simple-noproof.json simple-err-type.json endorsement-valid.json; do
	cp "$VS/ob30/$f" "$C/verify/1edtech-$f"
done
cp "$VS/clr20/simple.json" "$C/verify/1edtech-clr20-simple.json"

# --- json: unsigned credentials, a status list, the JCS examples
cp "$V"/unsigned/ob3-v2.json "$V"/keys/issuer-rsa.public.jwk.json "$C/json/"
for f in "$S"/conformance/jcs/input/*.json; do
	[ "$(stat -c %s "$f")" -lt 4096 ] && cp "$f" "$C/json/jcs-$(basename "$f")"
done
printf '%s' '[1e21,1e-7,-0,0.1,9007199254740993,"\ud83d\ude00","\u00e9",true,null,{"a":{"b":[]}}]' >"$C/json/numbers-escapes.json"

# --- jsonld: unsigned credentials (v1, v2, the 1EdTech one) and every
# ninth small JSON-LD toRdf test that needs no remote context
cp "$V"/unsigned/*.json "$C/jsonld/"
python3 - "$S/conformance/json-ld-api" "$C/jsonld" <<'PY'
import json, os, re, shutil, sys
src, out = sys.argv[1], sys.argv[2]
seq = json.load(open(os.path.join(src, "toRdf-manifest.jsonld")))["sequence"]
pick = []
for t in seq:
    p = os.path.join(src, t.get("input", ""))
    if not t.get("input", "").startswith("toRdf/") or not os.path.exists(p):
        continue
    txt = open(p).read()
    if os.path.getsize(p) > 900 or re.search(r'"[^"]*\.jsonld"', txt) or "@import" in txt:
        continue
    pick.append(p)
for p in pick[::9]:
    shutil.copy(p, os.path.join(out, "toRdf-" + os.path.basename(p)))
PY

# --- nquads: RDFC-1.0 test inputs (every third, and the poison graph),
# the canonical form of the signed vector
for f in "$S"/conformance/rdf-canon/rdfc10/test*-in.nq; do
	n=$(basename "$f" -in.nq | sed 's/test0*//')
	[ $((n % 3)) -eq 0 ] && cp "$f" "$C/nquads/"
done
cp "$S"/conformance/rdf-canon/rdfc10/test074-in.nq "$C/nquads/" 2>/dev/null || true
cp "$V"/debug/01-document.nq "$V"/debug/01-proof-config.nq "$C/nquads/"

# --- jwt: EdDSA, ES256, RS256 (jwk header), tampered, VC 1.1 shape
cp "$V"/signed/*.jwt "$V"/invalid/*.jwt "$C/jwt/"
cp "$S"/conformance/ob2/simple.jwt "$C/jwt/ob2-simple.jwt"

# --- bake: the 1EdTech baked PNG (JSON) and SVGs (JSON in CDATA, JWS in
# verify=), an OB 2.0 baked PNG, and small generated ones
cp "$VS/ob30/simple-json.png" "$VS/ob30/simple-json.svg" "$VS/ob30/simple-jwt.svg" "$C/bake/"
cp "$S/conformance/ob2/simple-badge.png" "$C/bake/ob2-simple-badge.png"
python3 - "$C" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json" "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt" <<'PY'
import struct, sys, zlib
C, cred, jwt = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read().strip()
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
def png(itxt):
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00")) + itxt + chunk(b"IEND", b""))
plain = chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + jwt)
packed = chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(cred, 9))
open(C + "/bake/tiny-jwt.png", "wb").write(png(plain))
open(C + "/bake/tiny-deflated.png", "wb").write(png(packed))
open(C + "/bake/tiny-unbaked.png", "wb").write(png(b""))
open(C + "/bake/tiny.svg", "wb").write(
    b'<?xml version="1.0"?>\n<!-- badge -->\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="1" height="1">'
    b'<openbadges:credential verify="' + jwt + b'"/><rect width="1" height="1"/></svg>\n')
# qr: the same small baked PNG (ob_source_unwrap peels it)
open(C + "/qr/tiny-deflated.png", "wb").write(png(packed))
PY

# --- roster: header orders, quoting, CRLF, BOM, bad rows
printf 'name,recipient,achievement\nAna Lima,ana@example.com,weld-101\nBob,did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP,weld-101\n' >"$C/roster/basic.csv"
printf '\357\273\277Achievement, recipient ,name,result,evidence,valid_until\r\nweld-101,ana@example.com,"Lima, Ana",92,https://x.example/e,2030-01-01T00:00:00Z\r\n\r\nweld-101,bob@example.com,"Bob ""the builder""",,,\r\n' >"$C/roster/bom-crlf-all.csv"
printf 'name,recipient,achievement\n"Carol\nSmith",carol@example.com,a1\nDave,dave@example.com\nErin,erin@example.com,a1,extra\n"unterminated,x@example.com,a1\n' >"$C/roster/bad-rows.csv"
printf 'name,recipient,achievement\nAna,ana@example.com,a1\nANA,Ana@Example.com,a1\n' >"$C/roster/duplicates.csv"
printf 'name,name,recipient\n' >"$C/roster/bad-header.csv"

# --- codec: selector byte (fuzz_codec.c) + text
b() { printf "\\$(printf '%03o' "$1")"; }
{ b 0; printf 'z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT' | cut -c2-; } >"$C/codec/base58"
{ b 1; printf 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9'; } >"$C/codec/base64url"
{ b 2; printf 'QED8WEX0'; } >"$C/codec/base45"
{ b 3; printf 'ed01DEADbeef'; } >"$C/codec/hex"
{ b 4; printf 'z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT'; } >"$C/codec/multibase-z"
{ b 4; printf 'u7QE'; } >"$C/codec/multibase-u"
{ b 5; printf '\355\001'; } >"$C/codec/varint"
{ b 6; printf 'z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT'; } >"$C/codec/did-key-ed25519"
{ b 6; printf 'zDnaevJ5EiJPmR7LvUtUfnQtqynkTvdvzhtjcXcCUoRdWsWqQ#zDnaevJ5EiJPmR7LvUtUfnQtqynkTvdvzhtjcXcCUoRdWsWqQ'; } >"$C/codec/did-key-p256"
python3 - "$V/keys/issuer-ed25519.json" >"$T/jwk" <<'PY'
import base64, json, sys
jwk = json.load(open(sys.argv[1]))["publicKeyJwk"]
print(base64.urlsafe_b64encode(json.dumps(jwk, separators=(",", ":")).encode()).decode().rstrip("="), end="")
PY
{ b 7; cat "$T/jwk"; printf '#0'; } >"$C/codec/did-jwk"
{ b 8; printf 'did:web:riverbend.example.edu:issuers:1#key-1'; } >"$C/codec/did-web"
{ b 9; printf 'zDnaevJ5EiJPmR7LvUtUfnQtqynkTvdvzhtjcXcCUoRdWsWqQ'; } >"$C/codec/multikey-p256"

# --- qr: VC1- payloads (JSON and JWS), a link, plain text, a QR image
python3 - "$C/qr" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json" "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt" <<'PY'
import json, sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45(z):
    out = []
    for i in range(0, len(z) - 1, 2):
        n = z[i] * 256 + z[i + 1]; c, n = n % 45, n // 45; d, e = n % 45, n // 45
        out += [A[c], A[d], A[e]]
    if len(z) % 2:
        out += [A[z[-1] % 45], A[z[-1] // 45]]
    return "".join(out)
out, cred, jwt = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3]).read().strip()
text = json.dumps(cred, separators=(",", ":"), ensure_ascii=False).encode()
open(out + "/vc1-json.txt", "w").write("VC1-" + b45(zlib.compress(text, 9)) + "\r\n")
open(out + "/vc1-jwt.txt", "w").write("VC1-" + b45(zlib.compress(jwt.encode(), 9)))
open(out + "/link.txt", "w").write("https://verify.example.org/verify?url=https%3A%2F%2Fx.example%2Fc.json\n")
PY
cp "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt" "$C/qr/"
"$BIN/ob-verifier" qr --url "https://riverbend.example.edu/c/1" --ecc L --no-terminal --png "$C/qr/qr-link.png" >/dev/null

# --- backup: a real backup (test KDF cost) of a wallet with one
# credential, and its header alone
printf 'correct horse battery\n' >"$T/pass"
"$BIN/ob-wallet" --home "$T/w" --passphrase-file "$T/pass" init --kdf-cost test >/dev/null 2>&1
"$BIN/ob-wallet" --home "$T/w" --passphrase-file "$T/pass" add --offline --now 2026-01-01T00:00:00Z \
	"$V/signed/03-ob3-v2-eddsa-jcs-2022.json" >/dev/null 2>&1
"$BIN/ob-wallet" --home "$T/w" --passphrase-file "$T/pass" backup "$C/backup/wallet.bak" >/dev/null 2>&1
python3 - "$C/backup" <<'PY'
import sys
d = sys.argv[1]
b = open(d + "/wallet.bak", "rb").read()
wl = b[35] << 8 | b[36]
open(d + "/header-only.bak", "wb").write(b[:37 + wl + 28])
PY

# --- http: raw requests (serve's routes, forms, links, budgets)
python3 - "$C/http" "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json" "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt" "$C/bake/tiny-deflated.png" <<'PY'
import sys, urllib.parse
out, cred, jwt, png = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
def req(name, head, body=b""):
    open(out + "/" + name, "wb").write(head.replace(b"\n", b"\r\n") + b"\r\n" + body)
req("get-form", b"GET / HTTP/1.1\nHost: v.example\n")
req("head-form", b"HEAD / HTTP/1.0\n")
req("api-json", b"POST /api/verify?recipient=learner%%40example.com HTTP/1.1\nHost: v.example\nContent-Type: application/json\nContent-Length: %d\n" % len(cred), cred)
req("api-jwt-chunked", b"POST /api/verify HTTP/1.1\nHost: v.example\nTransfer-Encoding: chunked\n",
    b"%x\r\n" % len(jwt) + jwt + b"\r\n0\r\n\r\n")
form = b"credential=" + urllib.parse.quote_plus(jwt.strip()).encode() + b"&recipient=a%40b.example"
req("form-urlencoded", b"POST /verify HTTP/1.1\nHost: v.example\nContent-Type: application/x-www-form-urlencoded\nContent-Length: %d\n" % len(form), form)
bd = b"----obkitfuzz"
mp = (b"--" + bd + b"\r\nContent-Disposition: form-data; name=\"recipient\"\r\n\r\n learner@example.com \r\n"
      b"--" + bd + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.png\"\r\nContent-Type: image/png\r\n\r\n" + png + b"\r\n"
      b"--" + bd + b"--\r\n")
req("form-multipart-png", b"POST /verify HTTP/1.1\nHost: v.example\nContent-Type: multipart/form-data; boundary=" + bd + b"\nContent-Length: %d\n" % len(mp), mp)
mp2 = (b"--" + bd + b"\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\nhttps://127.0.0.1/verify?url=https%3A%2F%2F10.0.0.1%2Fc\r\n--" + bd + b"--\r\n")
req("form-multipart-link", b"POST /verify HTTP/1.1\nContent-Type: multipart/form-data; boundary=" + bd + b"\nContent-Length: %d\n" % len(mp2), mp2)
req("get-link", b"GET /verify?url=https%3A%2F%2Fv.example%2Fverify%3Furl%3Dhttps%253A%252F%252F%255B%253A%253A1%255D%252Fc&recipient=x%40y.example HTTP/1.1\nHost: v.example\n")
req("get-link-userinfo", b"GET /verify?url=https://user@192.168.0.1/c HTTP/1.1\n")
req("too-big", b"POST /api/verify HTTP/1.1\nContent-Length: 99999999999\n")
req("bad-method", b"DELETE /api/verify HTTP/1.1\n")
req("not-found", b"GET /nope HTTP/1.1\n")
PY
du -sh "$C"; du -s "$C"/* | sort -n | tail -n 3
