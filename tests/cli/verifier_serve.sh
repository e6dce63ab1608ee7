#!/bin/sh
# ob-verifier serve: the web page and the JSON API over real HTTP on
# loopback (curl): verdicts, the form and its uploads, the QR-link flow,
# the issuer's identity level (domain, registry, self-asserted) in the
# headline and the API, the verdict's parts, the recipient address,
# presentations' holder check, --strict and --require-trusted-issuer,
# size caps, wrong paths and methods, hostile requests, and a clean stop
# on SIGTERM (under ASan the leak check runs then, and decides the exit).
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
JWT=$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt
VP=$V/signed/07-vp-eddsa-rdfc-2022.json
KAT=$V/signed/10-ob3-v2-1edtech-kat.json
KAT_ISSUER=https://example.edu/issuers/565049
KAT_DOC=$V/docs/1edtech-kat-issuer-controller.json
CHALLENGE=7c1e2b0a-9d3f-4e1a-8b6c-2f5a9e0d4c71
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
			--doc "$KAT_ISSUER=$KAT_DOC" \
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

# Signed with the tools: a credential to a hashed e-mail address, one that
# breaks an Open Badges rule (no criteria), one from an issuer that calls
# itself Harvard, and a presentation by someone other than the learner.
cp "$V/keys/issuer-ed25519.json" "$T/issuer-key.json"
cp "$V/keys/other-ed25519.json" "$T/other-key.json"
chmod 600 "$T/issuer-key.json" "$T/other-key.json"
OTHER=did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx
python3 - "$C01" "$T" "$OTHER" <<'PY'
import hashlib, json, sys
c01, t, other = sys.argv[1], sys.argv[2], sys.argv[3]
def unsigned():
    d = json.load(open(c01)); del d["proof"]; return d
d = unsigned()
d["credentialSubject"]["identifier"][0]["identityHash"] = \
    "sha256$" + hashlib.sha256(b"ana.lima@example.com" + b"q8Zt3vLx").hexdigest()
json.dump(d, open(t + "/u-email.json", "w"))
d = unsigned(); del d["credentialSubject"]["achievement"]["criteria"]
json.dump(d, open(t + "/u-nocriteria.json", "w"))
d = unsigned(); d["issuer"]["id"] = other; d["issuer"]["name"] = "Harvard University"
json.dump(d, open(t + "/u-harvard.json", "w"))
vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
      "holder": other, "verifiableCredential": [json.load(open(c01))]}
json.dump(vp, open(t + "/u-vp-other.json", "w"))
PY
sign() { "$BIN/ob-issuer" sign --key "$1" -o "$3" "$2" >/dev/null 2>&1; }
check "signed: hashed e-mail credential" sign "$T/issuer-key.json" "$T/u-email.json" "$T/email.json"
check "signed: credential without criteria" sign "$T/issuer-key.json" "$T/u-nocriteria.json" "$T/nocriteria.json"
check "signed: 'Harvard University'" sign "$T/other-key.json" "$T/u-harvard.json" "$T/harvard.json"
check "signed: presentation of another's credential" "$BIN/ob-issuer" sign --key "$T/other-key.json" \
	--purpose authentication --challenge "$CHALLENGE" -o "$T/vp-other.json" "$T/u-vp-other.json"
printf '{"name":"Test Registry","issuers":[{"id":"did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT","name":"Riverbend Technical College"}]}\n' >"$T/registry.json"

# jfield FILE PATH...: a member of the JSON in FILE ("" when absent)
jfield() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else json.dumps(v) if not isinstance(v, str) else v)' "$@"
}
# jwant DESCRIPTION WANT PATH...: $T/b's member at PATH is WANT
jwant() {
	d=$1 w=$2
	shift 2
	got=$(jfield "$T/b" "$@")
	if [ "$got" = "$w" ]; then ok; else bad "$d: $* is '$got', want '$w'"; fi
}

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
check "page: labelled recipient input" grep -q '<label for="recipient">Recipient e-mail address' "$T/b"
check "page: recipient is an e-mail field" grep -q '<input type="email" id="recipient" name="recipient"' "$T/b"
check "page: says what the recipient is for" grep -q 'To check a badge issued to a hashed e-mail address' "$T/b"
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
http 422 '<h1 id="verdict">This is not a credential</h1>' -F "file=@$T/garbage" "$URL/verify"
check "garbage: said to be of no known kind" grep -q 'It is a file of a kind this page does not know (not text)' "$T/b"
check "garbage: no 'do not trust'" sh -c "! grep -q 'do not trust' '$T/b'"
# files that are clearly something else are named, not distrusted
printf '<!doctype html>\n<html><body>my badges</body></html>\n' >"$T/page.html"
http 422 '<p>It is a web page \(HTML\)\.' -F "file=@$T/page.html" "$URL/verify"
printf '{"name": "Ana", "badges": [1, 2]}' >"$T/other.json"
http 422 '<p>It is JSON data, but not a credential: it has no @context, type or proof of one\.' -F "file=@$T/other.json" "$URL/verify"
http 422 '<p>It is text that is neither JSON nor a VC-JWT\.' -F "credential=hello, this is my badge" "$URL/verify"
printf '%%PDF-1.4\n%%\n' >"$T/doc.pdf"
http 422 '<p>It is a PDF document\.' -F "file=@$T/doc.pdf" "$URL/verify"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n' >"$T/plain.svg"
http 422 '<p>It is an SVG image with no badge baked into it\.' -F "file=@$T/plain.svg" "$URL/verify"
# a credential with broken parts is still a credential: not valid
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['@context']=['https://example.org/wrong']; json.dump(d, open(sys.argv[2], 'w'))" "$C01" "$T/badctx.json"
http 200 '<h1 id="verdict">Not valid: do not trust this credential</h1>' -F "file=@$T/badctx.json" "$URL/verify"
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

# ---- who the issuer is, in the headline and the API ----
# self-asserted: a did:key issuer nobody lists
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"
jwant "did:key issuer" self-asserted issuerIdentity
jwant "did:key issuer" "" issuerIdentityBasis
jwant "did:key issuer" "VALID signature; the issuer's identity is not verified: it calls itself 'Riverbend Technical College'" headline
jwant "did:key issuer" passed authentic outcome
http 200 '<h1 id="verdict">Valid signature, but the issuer&#39;s identity is not verified: it calls itself &#39;Riverbend Technical College&#39;</h1>' \
	--data-urlencode "credential@$C01" "$URL/verify"
check "self-asserted: amber, not green" grep -q '<section class="verdict unverified"' "$T/b"
check "self-asserted: CSS for it" grep -q '\.unverified{background:#fff4d6' "$T/b"
check "self-asserted: authentic line" grep -q '<dt>Authentic</dt><dd><span class="passed">&#10003; Yes</span>: eddsa-rdfc-2022 signature verifies' "$T/b"
check "self-asserted: identity line" grep -q '<dt>Issuer identity</dt><dd><span class="warning">&#9888; Not verified</span>: no registry lists the issuer and no domain vouches for its key; it calls itself &#39;Riverbend Technical College&#39;</dd>' "$T/b"
check "self-asserted: current line" grep -q '<dt>Current</dt><dd><span class="passed">&#10003; Yes</span>: within its validity period' "$T/b"
check "self-asserted: conformant line" grep -q '<dt>Conformant</dt><dd><span class="passed">&#10003; Yes</span>' "$T/b"
check "self-asserted: no recipient line without an address" sh -c "! grep -q '<dt>Recipient</dt>' '$T/b'"
check "self-asserted: issuer name never as fact" grep -q '<dt>Issuer</dt><dd>calls itself &#39;Riverbend Technical College&#39;<br><code>did:key:' "$T/b"
check "self-asserted: valid, so the learner is a fact" grep -q '<dt>Learner</dt>' "$T/b"
# domain: an https issuer whose controller document (--doc) holds the key
http 200 '"verified": true' --data-binary @"$KAT" "$URL/api/verify"
jwant "https issuer" domain issuerIdentity
jwant "https issuer" example.edu issuerIdentityBasis
jwant "https issuer" "VALID: issued by example.edu (domain verified)" headline
"$VF" verify --now "$NOW" --json --doc "$KAT_ISSUER=$KAT_DOC" "$KAT" >"$T/want.json" 2>/dev/null
check "domain: API equals verify --json" cmp -s "$T/b" "$T/want.json"
http 200 '<h1 id="verdict">Valid: issued by example.edu \(domain verified\)</h1>' \
	--data-urlencode "credential@$KAT" "$URL/verify"
check "domain: green" grep -q '<section class="verdict valid"' "$T/b"
check "domain: identity line" grep -q '<dt>Issuer identity</dt><dd><span class="passed">&#10003; Verified</span>: the key that signed it is published by example.edu (domain verified); it calls itself &#39;Example Corp&#39;</dd>' "$T/b"
# a conformance error is a warning, the verdict stays valid
http 200 '"verified": true' --data-binary @"$T/nocriteria.json" "$URL/api/verify"
jwant "no criteria" failed conformant outcome
jwant "no criteria" warning conformant severity
http 200 '<h1 id="verdict">Valid signature, but the issuer' --data-urlencode "credential@$T/nocriteria.json" "$URL/verify"
check "no criteria: WARNING line" grep -q '<dt>Conformant</dt><dd><span class="warning">&#9888; WARNING</span>: This credential does not follow the Open Badges 3.0 rules: missing required field credentialSubject.achievement.criteria (a warning: the verdict does not depend on it)</dd>' "$T/b"
# not valid: everything is a claim
http 200 '<h1 id="verdict">Not valid: do not trust this credential</h1>' -F "credential=<$T/tampered.json" "$URL/verify"
check "invalid: says what failed" grep -q '<p>A check failed: .*signature does not verify' "$T/b"
check "invalid: authentic No" grep -q '<dt>Authentic</dt><dd><span class="failed">&#10007; No</span>' "$T/b"
check "invalid: issuer unknown" grep -q '<dt>Issuer identity</dt><dd><span class="not-checked">? Unknown</span>: the credential is not shown to be authentic' "$T/b"
check "invalid: learner is a claim" grep -q '<dt>Claims to be issued to</dt><dd>did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP</dd>' "$T/b"
check "invalid: achievement is a claim" grep -q '<dt>Claims the achievement</dt><dd>Welding Fundamentals</dd>' "$T/b"
check "invalid: issuer is a claim" grep -q '<dt>Claims to be issued by</dt><dd>an issuer that calls itself &#39;Riverbend Technical College&#39;' "$T/b"
check "invalid: no fact labels" sh -c "! grep -qE '<dt>(Learner|Achievement|Issuer)</dt>' '$T/b'"

# ---- the recipient's address ----
http 200 '"verified": true' --data-binary @"$T/email.json" "$URL/api/verify?recipient=Ana.Lima%40example.com"
jwant "recipient matches" passed holder outcome
"$VF" verify --now "$NOW" --json --recipient Ana.Lima@example.com "$T/email.json" >"$T/want.json" 2>/dev/null
check "recipient: API equals verify --json --recipient" cmp -s "$T/b" "$T/want.json"
http 200 '"verified": false' --data-binary @"$T/email.json" "$URL/api/verify?recipient=bob%40example.com"
jwant "recipient differs" invalid verdict
jwant "recipient differs" failed holder outcome
http 200 '"verified": true' --data-binary @"$T/email.json" "$URL/api/verify?recipient="
jwant "empty recipient: none" "" holder
http 400 '"error": "the recipient is not an e-mail address' --data-binary @"$T/email.json" "$URL/api/verify?recipient=not-an-address"
http 400 '"error"' --data-binary @"$T/email.json" "$URL/api/verify?recipient=a%40b%0a.example"
long=$(python3 -c 'print("a" * 250 + "@example.com")')
http 400 '"error"' --data-binary @"$T/email.json" "$URL/api/verify?recipient=$long"
# the form's field
http 200 '<h1 id="verdict">Valid signature, but the issuer' -F "credential=<$T/email.json" -F "recipient= ana.lima@example.com " "$URL/verify"
check "form recipient: Recipient line" grep -q '<dt>Recipient</dt><dd><span class="passed">&#10003; Yes</span>: issued to ana.lima@example.com (the credential&#39;s hashed e-mail address matches)</dd>' "$T/b"
http 200 '<h1 id="verdict">Not valid: this credential was issued to someone else</h1>' -F "credential=<$T/email.json" -F "recipient=bob@example.com" "$URL/verify"
check "form recipient: says which address" grep -q 'A check failed: not issued to bob@example.com' "$T/b"
http 200 '<h1 id="verdict">Valid signature' -F "credential=<$T/email.json" -F "recipient=" "$URL/verify"
http 400 'Not an e-mail address' -F "credential=<$T/email.json" -F "recipient=bob" "$URL/verify"
http 400 'Not an e-mail address' -F "credential=<$T/email.json" -F "recipient=$long" "$URL/verify"
http 400 'Not an e-mail address' --data-urlencode "credential@$T/email.json" --data-urlencode "recipient=<b>x</b>@example.com" "$URL/verify"
check "bad recipient not echoed" sh -c "! grep -q '<b>x' '$T/b'"
http 200 '<h1 id="verdict">Not valid: this credential was issued to someone else</h1>' -F "credential=<$T/email.json" -F "recipient=o'brien&co@example.com" "$URL/verify"
check "recipient escaped on the page" grep -q 'not issued to o&#39;brien&amp;co@example.com' "$T/b"
# and the link flow
http 200 '<h1 id="verdict">Not valid: this credential was issued to someone else</h1>' \
	"$URL/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json&recipient=bob%40example.com"
http 400 'Not an e-mail address' "$URL/verify?url=https%3A%2F%2Fissuer.example%2Fbadges%2Fc01.json&recipient=bob"

# ---- presentations: the holder check ----
http 200 '<h1 id="verdict">Valid: signed by its holder, to whom its credential was issued</h1>' \
	--data-urlencode "credential@$VP" "$URL/verify"
check "presentation: holder line" grep -q '<dt>Holder</dt><dd><span class="passed">&#10003; Yes</span>: credential 1 was issued to the holder did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP</dd>' "$T/b"
check "presentation: the credential's issuer" grep -q '<dt>Issuer of credential 1</dt><dd><span class="warning">&#9888; Not verified</span>' "$T/b"
check "presentation: each credential's headline" grep -q '<li>Credential 1: Valid signature, but the issuer&#39;s identity is not verified: it calls itself &#39;Riverbend Technical College&#39;</li>' "$T/b"
check "presentation: replay note" grep -q 'no challenge was given, so this page cannot tell this presentation from a copy' "$T/b"
check "presentation: a link to a fresh challenge" grep -q '<a href="/challenge">Generate a challenge</a>' "$T/b"

check "presentation: signer as fact" grep -q '<dt>Signed by its holder</dt><dd>did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP</dd>' "$T/b"
# ---- presentations: the challenge and domain an employer gives ----
http 200 '<input type="text" id="challenge" name="challenge" maxlength="256"' "$URL/"
check "form: domain field" grep -q '<input type="text" id="domain" name="domain" maxlength="256"' "$T/b"
check "form: no challenge filled in" sh -c "! grep -q 'id=\"challenge\"[^>]*value=' '$T/b'"
http 200 'Your challenge: <code>[0-9a-f]{32}</code>' "$URL/challenge?domain=hiring.example.com"
ch1=$(sed -n 's/.*Your challenge: <code>\([0-9a-f]*\)<.*/\1/p' "$T/b")
check "challenge: filled into the form" grep -q "id=\"challenge\"[^>]*value=\"$ch1\"" "$T/b"
check "challenge: domain filled in" grep -q 'id="domain"[^>]*value="hiring.example.com"' "$T/b"
check "challenge: what to send" grep -q "ob-wallet present CREDENTIAL-ID --challenge $ch1 --domain hiring.example.com" "$T/b"
check "challenge: never cached" grep -qi '^Cache-Control: no-store' "$T/h"
http 200 'Your challenge' "$URL/challenge"
ch2=$(sed -n 's/.*Your challenge: <code>\([0-9a-f]*\)<.*/\1/p' "$T/b")
check "challenge: a fresh one each time" test -n "$ch2" -a "$ch1" != "$ch2"
http 400 'Not a domain' "$URL/challenge?domain=a%20b"
http 405 '' -X POST "$URL/challenge"
http 200 '<h1 id="verdict">Valid: signed by its holder, to whom its credential was issued</h1>' \
	-F "credential=<$VP" -F "challenge=$CHALLENGE" -F "domain=hiring.example.com" "$URL/verify"
check "challenge: made for this check" grep -q 'Made for this check: the holder signed it with your challenge' "$T/b"
check "challenge: what was checked" grep -q "Checked against: challenge <code>$CHALLENGE</code>, domain <code>hiring.example.com</code>.</p>" "$T/b"
check "challenge: no replay note" sh -c "! grep -q 'no challenge was given' '$T/b'"
http 200 '<h1 id="verdict">Not valid: do not trust this presentation</h1>' \
	-F "credential=<$VP" -F "challenge=$ch1" "$URL/verify"
check "another challenge: says so" grep -q "A check failed: challenge &#39;$CHALLENGE&#39; does not match the expected &#39;$ch1&#39;" "$T/b"
http 200 '<h1 id="verdict">Not valid: do not trust this presentation</h1>' \
	-F "credential=<$VP" -F "challenge=$CHALLENGE" -F "domain=other.example" "$URL/verify"
check "another domain: says so" grep -q 'domain' "$T/b"
# the same through the API and the link flow, as verify --challenge --domain
http 200 '"verified": true' --data-binary @"$VP" "$URL/api/verify?challenge=$CHALLENGE&domain=hiring.example.com"
"$VF" verify --now "$NOW" --json --challenge "$CHALLENGE" --domain hiring.example.com "$VP" >"$T/want.json" 2>/dev/null
check "challenge: API equals verify --json --challenge --domain" cmp -s "$T/b" "$T/want.json"
http 200 '"verified": false' --data-binary @"$VP" "$URL/api/verify?challenge=nope"
http 400 '"error": "a challenge or domain is' --data-binary @"$VP" "$URL/api/verify?challenge=a%0ab"
# a challenge given with a single credential is not held against it
http 200 '<h1 id="verdict">Valid' -F "credential=<$C01" -F "challenge=$ch1" "$URL/verify"
check "credential with a challenge: note" grep -q 'a challenge and a domain apply to presentations; this is a single credential' "$T/b"
check "credential with a challenge: not said to be checked against it" sh -c "! grep -q 'Checked against' '$T/b'"
http 200 '<h1 id="verdict">Valid' -F "credential=<$T/email.json" -F "challenge=$ch1" -F "recipient=ana.lima@example.com" "$URL/verify"
check "credential with a challenge and a recipient: only the recipient" grep -q 'Checked against: recipient <code>ana.lima@example.com</code>.</p>' "$T/b"
long256=$(python3 -c 'print("c" * 257)')
http 400 'Not a challenge' -F "credential=<$VP" -F "challenge=$long256" "$URL/verify"
http 400 'Not a challenge' -F "credential=<$VP" -F "challenge=two words" "$URL/verify"
http 400 'Not a challenge' -F "credential=<$VP" --form-string "domain=<b>x</b> y" "$URL/verify"
check "bad challenge not echoed" sh -c "! grep -q '<b>x' '$T/b'"
http 200 '<h1 id="verdict">Not valid: credential 1 was issued to someone else, not to the holder who signed the presentation</h1>' \
	--data-urlencode "credential@$T/vp-other.json" "$URL/verify"
check "another's credential: holder No" grep -q "<dt>Holder</dt><dd><span class=\"failed\">&#10007; No</span>: credential 1 was issued to did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP, not to the holder $OTHER who signed the presentation</dd>" "$T/b"
check "another's credential: signer is a claim" grep -q "<dt>Claims to be signed by</dt><dd>$OTHER</dd>" "$T/b"
http 200 '"verified": false' --data-binary @"$T/vp-other.json" "$URL/api/verify"
jwant "another's credential" failed holder outcome
jwant "another's credential" passed authentic outcome
"$VF" verify --now "$NOW" --json "$T/vp-other.json" >"$T/want.json" 2>/dev/null
check "another's credential: API equals verify --json" cmp -s "$T/b" "$T/want.json"

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
stop() {
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	pid=
	if [ "$st" -eq 0 ]; then ok; else bad "serve exited $st after SIGTERM"; sed 's/^/    /' "$T/serve.err" | head -n 30; fi
	check "no sanitizer report" sh -c "! grep -qE 'Sanitizer|runtime error' '$T/serve.err'"
	check "said it stopped" grep -q "terminated, stopping" "$T/serve.err"
}
stop

# ---- --registry, --require-trusted-issuer, --strict ----
if ! start --registry "$T/registry.json" --require-trusted-issuer --strict; then
	bad "serve --registry --require-trusted-issuer --strict did not start"
	cat "$T/serve.err"
	done_tests
	exit 1
fi
ok
POLICY="--registry $T/registry.json --require-trusted-issuer --strict --no-default-registries"
# a listed issuer: registry
http 200 '"verified": true' --data-binary @"$C01" "$URL/api/verify"
jwant "registry" registry issuerIdentity
jwant "registry" "Test Registry" issuerIdentityBasis
jwant "registry" "Riverbend Technical College" issuerRegisteredName
jwant "registry" "VALID: issued by Riverbend Technical College (listed in Test Registry)" headline
"$VF" verify --now "$NOW" --json $POLICY "$C01" >"$T/want.json" 2>/dev/null
check "registry: API equals verify --json with the same options" cmp -s "$T/b" "$T/want.json"
http 200 '<h1 id="verdict">Valid: issued by Riverbend Technical College \(listed in Test Registry\)</h1>' \
	--data-urlencode "credential@$C01" "$URL/verify"
check "registry page: green" grep -q '<section class="verdict valid"' "$T/b"
check "registry page: identity line" grep -q 'Test Registry lists <code>did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT</code> as Riverbend Technical College' "$T/b"
check "registry page: issuer in the details" grep -q '<dt>Issuer</dt><dd>Riverbend Technical College (listed in Test Registry)<br>calls itself &#39;Riverbend Technical College&#39;' "$T/b"
# a domain-verified issuer is trusted too
http 200 '"verified": true' --data-binary @"$KAT" "$URL/api/verify"
jwant "domain under --require-trusted-issuer" domain issuerIdentity
# a self-asserted issuer: undecided
http 200 '"verified": false' --data-binary @"$T/harvard.json" "$URL/api/verify"
jwant "self-asserted, trust required" undecided verdict
jwant "self-asserted, trust required" self-asserted issuerIdentity
"$VF" verify --now "$NOW" --json $POLICY "$T/harvard.json" >"$T/want.json" 2>/dev/null
check "undecided: API equals verify --json with the same options" cmp -s "$T/b" "$T/want.json"
http 200 '<h1 id="verdict">Could not decide: the issuer&#39;s identity is not verified</h1>' \
	--data-urlencode "credential@$T/harvard.json" "$URL/verify"
check "trust required: amber" grep -q '<section class="verdict undecided"' "$T/b"
check "trust required: says why" grep -q 'This page accepts only issuers whose domain is verified or whom a registry it trusts lists; this issuer is neither: it calls itself &#39;Harvard University&#39;' "$T/b"
check "trust required: identity line" grep -q 'this page requires a verified issuer' "$T/b"
check "trust required: details are claims" grep -q '<dt>Claims to be issued by</dt><dd>an issuer that calls itself &#39;Harvard University&#39;' "$T/b"
# --strict: a conformance error is decisive
http 200 '"verified": false' --data-binary @"$T/nocriteria.json" "$URL/api/verify"
jwant "strict" invalid verdict
jwant "strict" failed conformant outcome
http 200 '<h1 id="verdict">Not valid: do not trust this credential</h1>' \
	--data-urlencode "credential@$T/nocriteria.json" "$URL/verify"
check "strict: conformance is a No, not a warning" grep -q '<dt>Conformant</dt><dd><span class="failed">&#10007; No</span>: This credential does not follow the Open Badges 3.0 rules: missing required field credentialSubject.achievement.criteria</dd>' "$T/b"
stop

# ---- option errors ----
expect 2 "usage: ob-verifier serve" "$VF" serve --listen nowhere
expect 2 "usage: ob-verifier serve" "$VF" serve --threads 0
expect 2 "usage: ob-verifier serve" "$VF" serve --max-body lots
expect 2 "usage: ob-verifier serve" "$VF" serve --doc "$CRED_URL=$T/missing.json"
expect 2 "usage: ob-verifier serve" "$VF" serve extra
expect 2 "usage: ob-verifier serve" "$VF" serve --strict=yes
expect 2 "usage: ob-verifier serve" "$VF" serve --registry "$T/registry.json" --require-trusted-issuer extra
expect 0 "usage: ob-verifier serve" "$VF" serve --help

done_tests
