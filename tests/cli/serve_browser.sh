#!/bin/sh
# The verification page in a real browser: headless Chromium driven through
# chromedriver's WebDriver HTTP API (curl only), JavaScript switched off.
# Uploads a baked badge PNG, reads the verdict, saves a screenshot of the
# result, then pastes text that is no credential and reads that verdict
# (screenshot under $OBKIT_TEST_OUT, else BIN_DIR/../test-output).
# Chromium and chromedriver are required: without them this test fails.
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
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
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --now "$NOW" 2>"$T/serve.err" &
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

# ---- upload a baked badge ----
wd POST "/session/$sid/url" "{\"url\":\"$URL/\"}" >/dev/null && ok || bad "navigate to the form"
title=$(wd GET "/session/$sid/title")
case $title in *"Check an Open Badge"*) ok ;; *) bad "form title: $title" ;; esac
file_el=$(find_el "#file") && ok || bad "file input not found"
wd POST "/session/$sid/element/$file_el/value" "{\"text\":$(js "$T/baked.png")}" >/dev/null &&
	ok || bad "choosing the file"
button=$(find_el 'button[type="submit"]') && ok || bad "submit button not found"
wd POST "/session/$sid/element/$button/click" '{}' >/dev/null && ok || bad "clicking Verify"
v=$(verdict)
echo "verdict (baked badge): $v"
case $v in Valid*) ok ;; *) bad "baked badge verdict: '$v'" ;; esac
src=$(wd GET "/session/$sid/source")
case $src in *"Welding Fundamentals"*) ok ;; *) bad "result page lacks the achievement" ;; esac
case $src in *"baked PNG badge"*) ok ;; *) bad "result page lacks how it was read" ;; esac

# ---- the screenshot ----
mkdir -p "$OUT"
shot=$(cd "$OUT" && pwd)/serve-result.png
if wd GET "/session/$sid/screenshot" >"$T/shot.json"; then
	python3 -c 'import base64,json,sys; open(sys.argv[2],"wb").write(base64.b64decode(json.load(open(sys.argv[1]))))' "$T/shot.json" "$shot"
fi
check "screenshot is a PNG" sh -c "head -c 8 '$shot' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
echo "screenshot: $shot"

# ---- paste text (short: typing is slow in a headless browser) ----
wd POST "/session/$sid/url" "{\"url\":\"$URL/\"}" >/dev/null && ok || bad "back to the form"
area=$(find_el "#credential") && ok || bad "textarea not found"
wd POST "/session/$sid/element/$area/value" '{"text":"not a credential <b>at all</b>"}' >/dev/null &&
	ok || bad "typing into the textarea"
button=$(find_el 'button[type="submit"]')
wd POST "/session/$sid/element/$button/click" '{}' >/dev/null && ok || bad "clicking Verify"
v=$(verdict)
echo "verdict (pasted text): $v"
case $v in "Not valid"*) ok ;; *) bad "pasted text verdict: '$v'" ;; esac
src=$(wd GET "/session/$sid/source")
case $src in *"not a credential: expected JSON"*) ok ;; *) bad "result page lacks the reason" ;; esac

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

done_tests
