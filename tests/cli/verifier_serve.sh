#!/bin/sh
# ob-verifier serve: the web page and the JSON API over real HTTP on
# loopback (curl): verdicts, the form and its uploads, the QR-link flow,
# size caps, wrong paths and methods, hostile requests, and a clean stop
# on SIGTERM (under ASan the leak check runs then, and decides the exit).
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
JWT=$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt
VP=$V/signed/07-vp-eddsa-rdfc-2022.json
SAMPLES=$SHARED/conformance/1edtech-validator-samples/ob30
CRED_URL=https://issuer.example/badges/c01.json
MAX=65536

pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

# Starts serve on a free port: pick one at random, retry when taken.
start() {
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( (($$ + tries * 7919) % 30000) + 20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000 ))
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --max-body $MAX --now "$NOW" \
			--doc "$CRED_URL=$C01" --doc "https://issuer.example/badges/bad.json=$T/tampered.json" \
			--doc "https://issuer.example/badges/link.txt=$T/link.txt" \
			"$@" 2>"$T/serve.err" &
		pid=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q "serving on" "$T/serve.err" 2>/dev/null && { URL=http://127.0.0.1:$port; return 0; }
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
	return 1
}

# http CODE PATTERN CURL-ARGS... : wants the HTTP status and PATTERN
# (grep -E, may be empty) in headers+body.
http() {
	want=$1 pat=$2
	shift 2
	code=$(curl -s -m 20 -D "$T/h" -o "$T/b" -w '%{http_code}' "$@")
	cat "$T/h" "$T/b" >"$T/hb" 2>/dev/null
	if [ "$code" != "$want" ]; then
		bad "HTTP $code, want $want: curl $*"
		head -c 600 "$T/b" | sed 's/^/    /'
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/hb"; then
		bad "response lacks /$pat/: curl $*"
		head -c 600 "$T/b" | sed 's/^/    /'
	else
		ok
	fi
}

python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['name']='Master Welder'; json.dump(d, open(sys.argv[2],'w'))" "$C01" "$T/tampered.json"
printf 'https://issuer.example/badges/c01.json\n' >"$T/link.txt"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['credentialSubject']['achievement']['name']='<script>alert(1)</script>'; json.dump(d, open(sys.argv[2],'w'))" "$C01" "$T/xss.json"

if ! start; then
	bad "serve did not start"
	cat "$T/serve.err"
	done_tests
	exit 1
fi
ok

# ---- the page ----
http 200 '<form method="post" action="/verify" enctype="multipart/form-data">' "$URL/"
check "page: lang attribute" grep -q '<html lang="en">' "$T/b"
check "page: labelled textarea" grep -q '<label for="credential">' "$T/b"
check "page: labelled file input" grep -q '<label for="file">' "$T/b"
check "page: no script" sh -c "! grep -qi '<script' '$T/b'"
check "page: no external assets" sh -c "! grep -qiE '(src|href)=\"(https?:)?//' '$T/b'"
check "CSP header" grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'sha256-" "$T/h"
check "CSP forbids framing" grep -qi "frame-ancestors 'none'" "$T/h"
check "nosniff header" grep -qi '^X-Content-Type-Options: nosniff' "$T/h"
# the style hash in the CSP is the hash of the page's <style>
python3 - "$T/h" "$T/b" <<'EOF' && ok || bad "CSP style hash does not match the inline style"
import base64, hashlib, re, sys
h = open(sys.argv[1]).read(); b = open(sys.argv[2]).read()
want = re.search(r"style-src 'sha256-([^']+)'", h).group(1)
style = re.search(r"<style>(.*?)</style>", b, re.S).group(1)
sys.exit(0 if base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() == want else 1)
EOF
http 200 "" -I "$URL/"

# ---- the API: exactly verify --json ----
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"
check "API answers application/json" grep -qi '^Content-Type: application/json' "$T/h"
"$VF" verify --now "$NOW" --json "$C01" >"$T/want.json" 2>/dev/null
check "API body equals verify --json" cmp -s "$T/b" "$T/want.json"
http 200 '"verified": false' --data-binary @"$T/tampered.json" "$URL/api/verify"
check "tampered: signature fails" grep -q 'signature does not verify' "$T/b"
http 200 '"verified": true' --data-binary @"$JWT" "$URL/api/verify"
"$VF" verify --now "$NOW" --json "$VP" >"$T/want.json" 2>/dev/null
http 200 '"kind": "presentation"' --data-binary @"$VP" "$URL/api/verify"
check "presentation: same JSON as verify" cmp -s "$T/b" "$T/want.json"
# garbage and nothing: a verdict, not a crash
head -c 5000 /dev/urandom >"$T/garbage"
http 200 '"verified": false' --data-binary @"$T/garbage" "$URL/api/verify"
http 200 '"verified": false' --data-binary '{"@context": [' "$URL/api/verify"
http 200 '"verified": false' -X POST "$URL/api/verify"
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"

# ---- size cap: declared and chunked ----
head -c $((MAX + 1)) /dev/zero | tr '\0' ' ' >"$T/big"
http 413 '"error"' --data-binary @"$T/big" "$URL/api/verify"
http 413 "" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$URL/api/verify"
head -c 3000000 /dev/zero >"$T/huge"
http 413 "" -F "file=@$T/huge" "$URL/verify"
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"

# ---- the form: pasted text, uploads ----
http 200 '<h1 id="verdict">Valid' --data-urlencode "credential@$C01" "$URL/verify"
check "result: learner shown" grep -q 'did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP' "$T/b"
check "result: achievement shown" grep -q 'Welding Fundamentals' "$T/b"
check "result: issuer shown" grep -q 'Riverbend Technical College' "$T/b"
check "result: dates shown" grep -q '2035-06-01T00:00:00Z' "$T/b"
check "result: checks in words" grep -q 'Signature</th><td class="passed">' "$T/b"
http 200 '<h1 id="verdict">Not valid' -F "credential=<$T/tampered.json" "$URL/verify"
# a baked badge
"$BIN/ob-issuer" bake --credential "$C01" --image "$SAMPLES/simple-json.svg" -o "$T/baked.svg" >/dev/null 2>&1
http 200 '<h1 id="verdict">Valid' -F "file=@$T/baked.svg" "$URL/verify"
check "result: says baked SVG" grep -q 'Read from: baked SVG badge' "$T/b"
# a QR code picture, both payload kinds
"$VF" qr --no-terminal --png "$T/qr.png" "$C01" 2>/dev/null
http 200 '<h1 id="verdict">Valid' -F "file=@$T/qr.png" "$URL/verify"
check "result: says QR code" grep -q 'Read from: QR code' "$T/b"
"$VF" qr --no-terminal --png "$T/qrlink.png" --url "https://verify.example/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json"
http 200 '<h1 id="verdict">Valid' -F "file=@$T/qrlink.png" "$URL/verify"
check "result: says QR code link" grep -q 'Read from: QR code link' "$T/b"
# a picture with no code, a non-credential, nothing
head -c $(( $(wc -c <"$T/qr.png") / 2 )) "$T/qr.png" >"$T/cut.png"
http 422 'cannot read PNG|CRC|truncated' -F "file=@$T/cut.png" "$URL/verify"
http 200 'Not valid' -F "file=@$T/garbage" "$URL/verify"
http 400 'Nothing to verify' -F "credential=  " "$URL/verify"
http 400 'Nothing to verify' -X POST -H 'Content-Type: multipart/form-data; boundary=XX' --data-binary '--XX--' "$URL/verify"
http 400 'Unreadable form' -X POST -H 'Content-Type: text/plain' --data-binary 'x' "$URL/verify"
# HTML escaping of credential strings
http 200 'Not valid' -F "credential=<$T/xss.json" "$URL/verify"
check "escaped: script tag shown as text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/b"
check "escaped: no live script tag" sh -c "! grep -q '<script>' '$T/b'"

# ---- the QR-link flow ----
http 200 '<h1 id="verdict">Valid' "$URL/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json"
check "link: says link" grep -q 'Read from: link' "$T/b"
http 200 '<h1 id="verdict">Not valid' "$URL/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fbad.json"
http 400 'No link given' "$URL/verify"
http 400 'Only https' "$URL/verify?url=http%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json"
http 400 'Only https' "$URL/verify?url=file%3A%2F%2F%2Fetc%2Fpasswd"
http 403 'private or local' "$URL/verify?url=https%3A%2F%2F127.0.0.1%2Fadmin"
http 403 'private or local' "$URL/verify?url=https%3A%2F%2F%5B%3A%3A1%5D%3A8443%2Fx"
http 403 'private or local' "$URL/verify?url=https%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data"
http 403 'user names' "$URL/verify?url=https%3A%2F%2Fa%40127.0.0.1%2F"
# a verification page's link is followed to the credential, once
http 200 '<h1 id="verdict">Valid' "$URL/verify?url=https%3A%2F%2Fother.example%2Fverify%3Furl%3Dhttps%253A%252F%252Fissuer.example%252Fbadges%252Fc01.json"
http 403 'private or local' "$URL/verify?url=https%3A%2F%2Fother.example%2Fverify%3Furl%3Dhttps%253A%252F%252F127.0.0.1%252Fx"
# links that come in through the form get the same checks
http 200 '<h1 id="verdict">Valid' -F "credential=$CRED_URL" "$URL/verify"
http 403 'private or local' -F "credential=https://127.0.0.1:8443/admin" "$URL/verify"
"$VF" qr --no-terminal --png "$T/qrlocal.png" --url "https://localhost/secret"
http 403 'private or local' -F "file=@$T/qrlocal.png" "$URL/verify"
# a link to a link is not followed
http 422 'another link' "$URL/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Flink.txt"

# ---- wrong paths and methods ----
http 404 'Not found' "$URL/nope"
http 404 '' "$URL/api/verify/extra"
http 405 '' -X DELETE "$URL/api/verify"
check "405 says what is allowed" grep -qi '^Allow: POST' "$T/h"
http 405 '' "$URL/api/verify"
http 405 '' -X PUT --data-binary x "$URL/"

# ---- hostile clients ----
python3 - "$port" <<'EOF' && ok || bad "hostile clients: server stopped answering"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s
# slowloris: half-sent headers held open
slow = []
for _ in range(8):
    s = conn(); s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: "); slow.append(s)
# truncated multipart: announced 5000 bytes, send 300, hang up
s = conn()
body = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n" + b"A" * 200
s.sendall(b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 5000\r\n\r\n" + body)
s.close()
# a header far over the connection's memory
s = conn()
try:
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
    s.recv(100)
except OSError:
    pass
s.close()
# a request line of garbage bytes
s = conn(); s.sendall(bytes(range(256)) * 4 + b"\r\n\r\n")
try: s.recv(100)
except OSError: pass
s.close()
# the server still answers, while the slow ones are held
with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as r:
    ok = r.status == 200
for s in slow: s.close()
sys.exit(0 if ok else 1)
EOF
# many at once
i=0
pids=
while [ $i -lt 16 ]; do
	curl -s -m 30 --data-binary @"$C01" "$URL/api/verify" >"$T/par.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
for j in $pids; do wait "$j"; done
n=$(grep -l '"verified": true' "$T"/par.* | wc -l)
check "16 parallel requests all verified" test "$n" -eq 16
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"
check "server still running" kill -0 "$pid"

# ---- a clean stop ----
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
if [ "$st" -eq 0 ]; then ok; else bad "serve exited $st after SIGTERM"; sed 's/^/    /' "$T/serve.err" | head -n 30; fi
check "no sanitizer report" sh -c "! grep -qE 'Sanitizer|runtime error' '$T/serve.err'"
check "said it stopped" grep -q "terminated, stopping" "$T/serve.err"

# ---- option errors ----
expect 2 "usage: ob-verifier serve" "$VF" serve --listen nowhere
expect 2 "usage: ob-verifier serve" "$VF" serve --threads 0
expect 2 "usage: ob-verifier serve" "$VF" serve --max-body lots
expect 2 "usage: ob-verifier serve" "$VF" serve --doc "$CRED_URL=$T/missing.json"
expect 2 "usage: ob-verifier serve" "$VF" serve extra
expect 0 "usage: ob-verifier serve" "$VF" serve --help

done_tests
