#!/bin/sh
# The verification page in a real browser: headless Chromium driven through
# chromedriver's WebDriver HTTP API (curl only), JavaScript switched off.
# Uploads, through the form, a credential at each level of issuer identity
# (a baked badge PNG whose issuer a --registry lists, an https issuer whose
# domain a --doc controller document verifies, a did:key issuer that calls
# itself Harvard), a presentation by the learner and one by someone else
# carrying the learner's credential, and a credential to a hashed e-mail
# address with the recipient typed in; reads each headline, saves a
# screenshot of each. Then the employer's flow: a fresh challenge from
# GET /challenge, a presentation made with `ob-wallet present` against it
# (its credential names the learner by hashed e-mail only), uploaded with
# the challenge and domain the page filled in and the recipient typed;
# the same presentation against another challenge; an image without a
# badge, and pasted text, that are no credential. Screenshots
# go to $OBKIT_TEST_OUT, else BIN_DIR/../test-output (the path is printed).
# Chromium and chromedriver are required: without them this test fails.
. "$(dirname "$0")/lib.sh"
# chromedriver refuses upload paths with ".." in them
SHARED=$(cd "$SHARED" && pwd -P)
V=$SHARED/vectors
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
VP=$V/signed/07-vp-eddsa-rdfc-2022.json
KAT=$V/signed/10-ob3-v2-1edtech-kat.json
KAT_ISSUER=https://example.edu/issuers/565049
KAT_DOC=$V/docs/1edtech-kat-issuer-controller.json
CHALLENGE=7c1e2b0a-9d3f-4e1a-8b6c-2f5a9e0d4c71
OTHER=did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx
SAMPLES=$SHARED/conformance/1edtech-validator-samples/ob30
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
OUT=${OBKIT_TEST_OUT:-$BIN/../test-output}
ELEMENT=element-6066-11e4-a52e-4f735466cecf

pid=
dpid=
sid=
cleanup() {
	[ -n "$sid" ] && curl -s -m 10 -X DELETE "$WD/session/$sid" >/dev/null 2>&1
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
	bad "chromium ($CHROMIUM) and chromedriver ($CHROMEDRIVER) are needed (Debian: apt-get install chromium chromium-driver)"
	done_tests
	exit 1
fi

rand_port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 )); }

# waits up to 10 s for PATTERN in FILE while process PID lives
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$1" "$2" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

start_serve() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$(rand_port)
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --now "$NOW" \
			--registry "$T/registry.json" --doc "$KAT_ISSUER=$KAT_DOC" 2>"$T/serve.err" &
		pid=$!
		wait_for "serving on" "$T/serve.err" "$pid" && { URL=http://127.0.0.1:$port; return 0; }
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
	return 1
}

start_driver() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		dport=$(rand_port)
		"$CHROMEDRIVER" --port="$dport" >"$T/driver.log" 2>&1 &
		dpid=$!
		if wait_for "started successfully" "$T/driver.log" "$dpid"; then
			WD=http://127.0.0.1:$dport
			return 0
		fi
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
		dpid=
	done
	return 1
}

# wd METHOD PATH [JSON]: a WebDriver call; the answer's "value" as JSON
# on stdout, non-zero when the driver reports an error.
wd() {
	if [ -n "${3:-}" ]; then
		curl -s -m 60 -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$WD$2" >"$T/wd.json"
	else
		curl -s -m 60 -X "$1" "$WD$2" >"$T/wd.json"
	fi
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d.get("value")
if isinstance(v, dict) and "error" in v:
    sys.stderr.write("webdriver: %s: %s\n" % (v["error"], v.get("message", "")[:300]))
    sys.exit(1)
print(json.dumps(v))' "$T/wd.json"
}

# the page's source as the browser holds it
page_source() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/source")"; }

# the verdict section's background colour
verdict_bg() {
	el=$(find_el "section.verdict") && wd GET "/session/$sid/element/$el/css/background-color"
}

# field JSON KEY: one member of a JSON object
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
js() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

find_el() { field "$(wd POST "/session/$sid/element" "{\"using\":\"css selector\",\"value\":$(js "$1")}")" "$ELEMENT"; }

# the verdict heading of the page now shown, polling while it loads
verdict() {
	i=0
	while [ $i -lt 50 ]; do
		if el=$(find_el "#verdict" 2>/dev/null); then
			python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/element/$el/text")"
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# ---- set up ----
"$BIN/ob-issuer" bake --credential "$C01" --image "$SAMPLES/simple-json.png" -o "$T/baked.png" >/dev/null 2>&1
check "baked a badge PNG" test -s "$T/baked.png"
# the registry lists C01's issuer; an issuer that calls itself Harvard
# signs with another key; that key's owner presents C01, which is not
# theirs; C01 again, to a hashed e-mail address
printf '{"name":"Test Registry","issuers":[{"id":"did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT","name":"Riverbend Technical College"}]}\n' >"$T/registry.json"
cp "$V/keys/issuer-ed25519.json" "$T/issuer-key.json"
cp "$V/keys/other-ed25519.json" "$T/other-key.json"
chmod 600 "$T/issuer-key.json" "$T/other-key.json"
python3 - "$C01" "$T" "$OTHER" <<'PY'
import hashlib, json, sys
c01, t, other = sys.argv[1], sys.argv[2], sys.argv[3]
def unsigned():
    d = json.load(open(c01)); del d["proof"]; return d
d = unsigned(); d["issuer"]["id"] = other; d["issuer"]["name"] = "Harvard University"
json.dump(d, open(t + "/u-harvard.json", "w"))
d = unsigned()
d["credentialSubject"]["identifier"][0]["identityHash"] = \
    "sha256$" + hashlib.sha256(b"ana.lima@example.com" + b"q8Zt3vLx").hexdigest()
json.dump(d, open(t + "/u-email.json", "w"))
vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
      "holder": other, "verifiableCredential": [json.load(open(c01))]}
json.dump(vp, open(t + "/u-vp-other.json", "w"))
PY
check "signed: 'Harvard University'" "$BIN/ob-issuer" sign --key "$T/other-key.json" -o "$T/harvard.json" "$T/u-harvard.json"
check "signed: hashed e-mail credential" "$BIN/ob-issuer" sign --key "$T/issuer-key.json" -o "$T/email.json" "$T/u-email.json"
check "signed: presentation of another's credential" "$BIN/ob-issuer" sign --key "$T/other-key.json" \
	--purpose authentication --challenge "$CHALLENGE" -o "$T/vp-other.json" "$T/u-vp-other.json"
if ! start_serve; then
	bad "serve did not start"; cat "$T/serve.err"; done_tests; exit 1
fi
if ! start_driver; then
	bad "chromedriver did not start"; cat "$T/driver.log"; done_tests; exit 1
fi
ok
caps=$(python3 -c '
import json, sys
print(json.dumps({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
    "binary": sys.argv[1],
    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--window-size=1000,1400", "--user-data-dir=" + sys.argv[2],
             "--blink-settings=scriptEnabled=false"]}}}}))' "$CHROMIUM" "$T/profile")
if session=$(wd POST /session "$caps"); then
	sid=$(field "$session" sessionId)
	ok
else
	bad "no WebDriver session"; tail -n 20 "$T/driver.log"; done_tests; exit 1
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# submit FILE [RECIPIENT]: the form, FILE chosen, RECIPIENT typed, Verify
# pressed; the headline on stdout
submit() {
	wd POST "/session/$sid/url" "{\"url\":\"$URL/\"}" >/dev/null || return 1
	el=$(find_el "#file") || return 1
	wd POST "/session/$sid/element/$el/value" "{\"text\":$(js "$1")}" >/dev/null || return 1
	if [ -n "${2:-}" ]; then
		el=$(find_el "#recipient") || return 1
		wd POST "/session/$sid/element/$el/value" "{\"text\":$(js "$2")}" >/dev/null || return 1
	fi
	el=$(find_el 'button[type="submit"]') || return 1
	wd POST "/session/$sid/element/$el/click" '{}' >/dev/null || return 1
	verdict
}

# shoot NAME: a screenshot of the page shown, as $OUT/NAME.png
shoot() {
	f=$OUT/$1.png
	rm -f "$f"
	if wd GET "/session/$sid/screenshot" >"$T/shot.json"; then
		python3 -c 'import base64,json,sys; open(sys.argv[2],"wb").write(base64.b64decode(json.load(open(sys.argv[1]))))' "$T/shot.json" "$f"
	fi
	check "screenshot $1.png is a non-empty PNG" sh -c "test -s '$f' && head -c 8 '$f' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
	echo "screenshot: $f"
}

# headline CASE WANT FILE [RECIPIENT]: submits, wants that exact headline
headline() {
	c=$1 w=$2
	shift 2
	# a loaded machine can leave the driver between pages (no verdict
	# element yet, or a stale one): submit again, at most three times
	n=0
	v=
	while [ -z "$v" ] && [ $n -lt 3 ]; do
		v=$(submit "$@")
		n=$((n + 1))
	done
	echo "verdict ($c): $v"
	if [ "$v" = "$w" ]; then ok; else bad "$c: headline '$v', want '$w'"; fi
}

# ---- the form ----
wd POST "/session/$sid/url" "{\"url\":\"$URL/\"}" >/dev/null && ok || bad "navigate to the form"
title=$(wd GET "/session/$sid/title")
case $title in *"Check an Open Badge"*) ok ;; *) bad "form title: $title" ;; esac
find_el "#file" >/dev/null && ok || bad "file input not found"
find_el "#recipient" >/dev/null && ok || bad "recipient input not found"
find_el 'button[type="submit"]' >/dev/null && ok || bad "submit button not found"

# ---- registry: a baked badge whose issuer the registry lists ----
headline "registry, baked PNG" "Valid: issued by Riverbend Technical College (listed in Test Registry)" "$T/baked.png"
src=$(page_source)
case $src in *"Welding Fundamentals"*) ok ;; *) bad "result page lacks the achievement" ;; esac
case $src in *"baked PNG badge"*) ok ;; *) bad "result page lacks how it was read" ;; esac
case $src in *'<section class="verdict valid"'*) ok ;; *) bad "registry: not shown as verified" ;; esac
bg=$(verdict_bg)
case $bg in *"231, 244, 234"*) ok ;; *) bad "registry: background is '$bg', want the green rgb(231, 244, 234)" ;; esac
shoot serve-registry

# ---- domain: an https issuer, its controller document at its origin ----
headline "domain" "Valid: issued by example.edu (domain verified)" "$KAT"
shoot serve-domain

# ---- self-asserted: a did:key issuer that calls itself Harvard ----
headline "self-asserted" "Valid signature, but the issuer's identity is not verified: it calls itself 'Harvard University'" "$T/harvard.json"
src=$(page_source)
case $src in *'<section class="verdict unverified"'*) ok ;; *) bad "self-asserted: not set apart from verified issuers" ;; esac
bg=$(verdict_bg)
case $bg in *"255, 244, 214"*) ok ;; *) bad "self-asserted: background is '$bg', want the amber rgb(255, 244, 214)" ;; esac
shoot serve-self-asserted

# ---- the holder check ----
headline "presentation by its holder" "Valid: signed by its holder, to whom its credential was issued" "$VP"
src=$(page_source)
case $src in *"no challenge was given, so this page cannot tell this presentation from a copy"*) ok ;; *) bad "presentation: no replay note" ;; esac
shoot serve-holder
headline "presentation of another's credential" \
	"Not valid: credential 1 was issued to someone else, not to the holder who signed the presentation" "$T/vp-other.json"
shoot serve-holder-other

# ---- a hashed e-mail address, the recipient typed in ----
headline "recipient" "Valid: issued by Riverbend Technical College (listed in Test Registry)" \
	"$T/email.json" ana.lima@example.com
src=$(page_source)
case $src in *"issued to ana.lima@example.com (the credential"*) ok ;; *) bad "recipient: no Recipient line" ;; esac
shoot serve-recipient
headline "another recipient" "Not valid: this credential was issued to someone else" "$T/email.json" bob@example.com

# ---- the employer's flow: a challenge, a presentation made for it ----
WH=$T/wallet
printf 'correct horse battery staple\n' >"$T/pass"
check "wallet: init" "$BIN/ob-wallet" --home "$WH" --passphrase-file "$T/pass" init --kdf-cost test
ME=$("$BIN/ob-wallet" --home "$WH" --passphrase-file "$T/pass" whoami 2>/dev/null)
case $ME in did:key:*) ok ;; *) bad "wallet: whoami gave '$ME'" ;; esac
MINE=urn:uuid:0b6f3c8e-1d2a-4e5f-8a9b-7c6d5e4f3a21
python3 - "$T/email.json" "$T/u-mine.json" "$MINE" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); del d["proof"]
d["id"] = sys.argv[3]
d["credentialSubject"].pop("id", None)  # the learner by hashed e-mail only
json.dump(d, open(sys.argv[2], "w"))
PY
check "signed: a credential to ana.lima's hashed e-mail address" "$BIN/ob-issuer" sign --key "$T/issuer-key.json" -o "$T/mine.json" "$T/u-mine.json"
check "wallet: add" "$BIN/ob-wallet" --home "$WH" --passphrase-file "$T/pass" add --now "$NOW" --offline "$T/mine.json"
DOMAIN=jobs.example.com
wd POST "/session/$sid/url" "{\"url\":\"$URL/challenge?domain=$DOMAIN\"}" >/dev/null && ok || bad "open /challenge"
el=$(find_el "#challenge") && CH=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/element/$el/property/value")")
echo "challenge from the page: $CH"
case $CH in [0-9a-f][0-9a-f][0-9a-f][0-9a-f]*) [ ${#CH} -eq 32 ] && ok || bad "challenge '$CH' is not 32 hex digits" ;; *) bad "no challenge filled in: '$CH'" ;; esac
el=$(find_el "#domain") && dom=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/element/$el/property/value")")
if [ "$dom" = "$DOMAIN" ]; then ok; else bad "domain field holds '$dom', want $DOMAIN"; fi
src=$(page_source)
case $src in *"ob-wallet present CREDENTIAL-ID --challenge $CH --domain $DOMAIN"*) ok ;; *) bad "the page does not say what to send the candidate" ;; esac
shoot serve-challenge
check "wallet: present against the page's challenge" "$BIN/ob-wallet" --home "$WH" --passphrase-file "$T/pass" \
	present "$MINE" --challenge "$CH" --domain "$DOMAIN" -o "$T/vp-mine.json"

# here FILE RECIPIENT: on the page shown (challenge and domain filled in),
# FILE chosen, RECIPIENT typed, Verify pressed; the headline on stdout
here() {
	el=$(find_el "#file") || return 1
	wd POST "/session/$sid/element/$el/value" "{\"text\":$(js "$1")}" >/dev/null || return 1
	el=$(find_el "#recipient") || return 1
	wd POST "/session/$sid/element/$el/value" "{\"text\":$(js "$2")}" >/dev/null || return 1
	el=$(find_el 'button[type="submit"]') || return 1
	wd POST "/session/$sid/element/$el/click" '{}' >/dev/null || return 1
	verdict
}
v=$(here "$T/vp-mine.json" ana.lima@example.com)
echo "verdict (presentation against its challenge and recipient): $v"
want="Valid: signed by its holder, to whom its credential was issued"
if [ "$v" = "$want" ]; then ok; else bad "presentation with challenge: headline '$v', want '$want'"; fi
src=$(page_source)
case $src in *"Checked against: challenge <code>$CH</code>, domain <code>$DOMAIN</code>, recipient <code>ana.lima@example.com</code>."*) ok ;;
*) bad "presentation with challenge: no 'Checked against' line" ;; esac
case $src in *"Made for this check: the holder signed it with your challenge"*) ok ;; *) bad "presentation with challenge: not said to be made for this check" ;; esac
case $src in *"credential 1 was issued to ana.lima@example.com (its hashed e-mail address matches)"*) ok ;;
*) bad "presentation with challenge: the recipient is not shown checked" ;; esac
case $src in *"no challenge was given"*) bad "presentation with challenge: still says no challenge" ;; *) ok ;; esac
case $src in *'<section class="verdict valid"'*) ok ;; *) bad "presentation with challenge: not green" ;; esac
shoot serve-presentation-challenge
# the same presentation, replayed to another employer's challenge
wd POST "/session/$sid/url" "{\"url\":\"$URL/challenge?domain=$DOMAIN\"}" >/dev/null && ok || bad "open /challenge again"
el=$(find_el "#challenge") && CH2=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/element/$el/property/value")")
if [ -n "$CH2" ] && [ "$CH2" != "$CH" ]; then ok; else bad "a second /challenge gave '$CH2' again"; fi
v=$(here "$T/vp-mine.json" ana.lima@example.com)
echo "verdict (replayed presentation): $v"
if [ "$v" = "Not valid: do not trust this presentation" ]; then ok; else bad "replayed presentation: headline '$v'"; fi
src=$(page_source)
case $src in *"challenge '$CH' does not match the expected '$CH2'"*) ok ;; *) bad "replayed presentation: the reason is not the challenge" ;; esac
shoot serve-presentation-replayed

# ---- files that are no credential ----
# a plain 8x8 PNG, no badge baked in, no QR code
python3 - "$T/plain.png" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\x00" + b"\x20\x60\xa0" * 8 for _ in range(8))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)) +
                              chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
v=$(submit "$T/plain.png")
echo "verdict (image without a badge): $v"
if [ "$v" = "This is not a credential" ]; then ok; else bad "image without a badge: headline '$v'"; fi
src=$(page_source)
case $src in *"It is a PNG image with no badge baked into it and no QR code."*) ok ;; *) bad "image without a badge: not said what it is" ;; esac
case $src in *"do not trust"*) bad "image without a badge: still 'do not trust'" ;; *) ok ;; esac
shoot serve-not-a-credential
printf '<!DOCTYPE html>\n<html><head><title>Ana</title></head><body>My badges</body></html>\n' >"$T/page.html"
v=$(submit "$T/page.html")
if [ "$v" = "This is not a credential" ]; then ok; else bad "HTML page: headline '$v'"; fi
case $(page_source) in *"It is a web page (HTML)."*) ok ;; *) bad "HTML page: not said what it is" ;; esac
printf '{"name": "Ana Lima", "badges": 3}\n' >"$T/other.json"
v=$(submit "$T/other.json")
if [ "$v" = "This is not a credential" ]; then ok; else bad "random JSON: headline '$v'"; fi
case $(page_source) in *"It is JSON data, but not a credential"*) ok ;; *) bad "random JSON: not said what it is" ;; esac

# ---- paste text (short: typing is slow in a headless browser) ----
wd POST "/session/$sid/url" "{\"url\":\"$URL/\"}" >/dev/null && ok || bad "back to the form"
area=$(find_el "#credential") && ok || bad "textarea not found"
wd POST "/session/$sid/element/$area/value" '{"text":"not a credential <b>at all</b>"}' >/dev/null &&
	ok || bad "typing into the textarea"
button=$(find_el 'button[type="submit"]')
wd POST "/session/$sid/element/$button/click" '{}' >/dev/null && ok || bad "clicking Verify"
v=$(verdict)
echo "verdict (pasted text): $v"
if [ "$v" = "This is not a credential" ]; then ok; else bad "pasted text verdict: '$v'"; fi
src=$(page_source)
case $src in *"It is text that is neither JSON nor a VC-JWT."*) ok ;; *) bad "result page lacks what it is" ;; esac
shoot serve-invalid
echo "screenshots in: $OUT"

wd DELETE "/session/$sid" >/dev/null
sid=
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
dpid=

# ---- a clean stop ----
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
if [ "$st" -eq 0 ]; then ok; else bad "serve exited $st after SIGTERM"; sed 's/^/    /' "$T/serve.err" | head -n 20; fi
check "no sanitizer report" sh -c "! grep -qE 'Sanitizer|runtime error' '$T/serve.err'"

done_tests
