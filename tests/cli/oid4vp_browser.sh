#!/bin/sh
# Presentations on request in a real browser (issue 16, "a browser test
# shows the employer page's request QR code and, after the wallet responds,
# the verified result"): headless Chromium driven through chromedriver's
# WebDriver HTTP API (curl only), JavaScript switched off, talking https to
# `ob-verifier serve` through tests/tools/tls_proxy.c (the test CA is not
# installed in the browser's profile, so certificate errors are ignored for
# this loopback address only). The employer opens /request and presses "Make
# a request"; the page shows the QR code and "Scan this with your wallet";
# the learner's `ob-wallet respond` reads the QR code from a screenshot of
# that page, fetches the request and posts its presentation; the page, which
# reloads itself, then shows VALID and the holder. Screenshots go to
# $OBKIT_TEST_OUT, else BIN_DIR/../test-output.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
PROXY=$TOOLS/tls_proxy
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
OUT=${OBKIT_TEST_OUT:-$BIN/../test-output}
ELEMENT=element-6066-11e4-a52e-4f735466cecf

ppid_= spid= dpid= sid=
cleanup() {
	[ -n "$sid" ] && curl -s -m 10 -X DELETE "$WD/session/$sid" >/dev/null 2>&1
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
	bad "chromium ($CHROMIUM) and chromedriver ($CHROMEDRIVER) are needed (Debian: apt-get install chromium chromium-driver)"
	done_tests
	exit 1
fi
if [ ! -x "$PROXY" ]; then
	bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
	done_tests
	exit 1
fi

rand_port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 )); }
wait_for() { # PATTERN FILE PID: up to 10 s
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$1" "$2" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
wd() { # METHOD PATH [JSON]: a WebDriver call, its "value" as JSON
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
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
jstr() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
find_el() { field "$(wd POST "/session/$sid/element" "{\"using\":\"css selector\",\"value\":$(jstr "$1")}")" "$ELEMENT"; }
# text_of CSS: an element's text; the page reloads itself every 2 s, so an
# element found may be gone when asked for its text: try again
text_of() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		if el=$(find_el "$1" 2>/dev/null) && t=$(wd GET "/session/$sid/element/$el/text" 2>/dev/null) &&
		   [ "$t" != '""' ]; then
			python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$t"
			return 0
		fi
		sleep 0.2
	done
	return 1
}
shoot() { # NAME: a screenshot as $OUT/NAME.png
	f=$OUT/$1.png
	rm -f "$f"
	if wd GET "/session/$sid/screenshot" >"$T/shot.json"; then
		python3 -c 'import base64,json,sys; open(sys.argv[2],"wb").write(base64.b64decode(json.load(open(sys.argv[1]))))' "$T/shot.json" "$f"
	fi
	check "screenshot $1.png is a non-empty PNG" sh -c "test -s '$f' && head -c 8 '$f' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
	echo "screenshot: $f"
}

# ---- a test CA, the proxy, the verifier ----
ossl() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed"; exit 3; }; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=obkit-test-CA \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-keyout "$T/ca.key" -out "$T/ca.pem"
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -keyout "$T/srv.key" -out "$T/srv.csr"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/ext"
ossl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/srv.pem"
"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
ppid_=$!
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")

printf 'Correct horse battery staple 42\n' >"$T/pass"
wl() { "$WL" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }
expect 0 "" "$IS" --home "$T/issuer" init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" "$IS" --home "$T/issuer" achievement add --id weld-101 --name "Welding Fundamentals" \
	--description "Safe MIG welding" --criteria "Pass the practical exam"
expect 0 "" wl init --kdf-cost test
WDID=$(wl whoami)
expect 0 "" "$IS" --home "$T/issuer" issue --achievement weld-101 --recipient "$WDID" -o "$T/c.json"
"$IS" --home "$T/issuer" publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')
expect 0 "^urn:uuid:" wl add $DOCS "$T/c.json"
ID=$(head -n 1 "$T/out")

"$VF" serve --listen 127.0.0.1:0 --threads 2 --offline $DOCS 2>"$T/serve.log" &
spid=$!
wait_for "serving on" "$T/serve.log" "$spid" || { bad "serve did not start: $(cat "$T/serve.log")"; done_tests; exit 1; }
sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.log" >"$T/bport.tmp" && mv "$T/bport.tmp" "$T/bport"

for _ in 1 2 3 4 5 6 7 8 9 10; do
	dport=$(rand_port)
	"$CHROMEDRIVER" --port="$dport" >"$T/driver.log" 2>&1 &
	dpid=$!
	if wait_for "started successfully" "$T/driver.log" "$dpid"; then WD=http://127.0.0.1:$dport; break; fi
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	dpid=
done
[ -n "$dpid" ] || { bad "chromedriver did not start"; done_tests; exit 1; }
caps=$(python3 -c '
import json, sys
print(json.dumps({"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True, "goog:chromeOptions": {
    "binary": sys.argv[1],
    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--window-size=900,1300", "--user-data-dir=" + sys.argv[2],
             "--blink-settings=scriptEnabled=false"]}}}}))' "$CHROMIUM" "$T/profile")
if session=$(wd POST /session "$caps"); then
	sid=$(field "$session" sessionId)
	ok
else
	bad "no WebDriver session"; tail -n 20 "$T/driver.log"; done_tests; exit 1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# ---- the employer: the form, then the request's page ----
wd POST "/session/$sid/url" "{\"url\":\"$U/request\"}" >/dev/null
el=$(find_el "#ask") && wd POST "/session/$sid/element/$el/click" '{}' >/dev/null
i=0
while [ $i -lt 50 ]; do
	url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$(wd GET "/session/$sid/url")")
	case "$url" in "$U"/request/*) break ;; esac
	sleep 0.2
	i=$((i + 1))
done
check "pressing 'Make a request' leads to the request's page" sh -c "echo '$url' | grep -Eq '^$U/request/[A-Za-z0-9_-]{43}$'"
RID=${url##*/}
ASK=$(text_of "#ask")
check "the page says 'Scan this with your wallet.' ($ASK)" test "$ASK" = "Scan this with your wallet."
check "the page shows the QR code image" find_el "img"
shoot oid4vp-request
zbarimg -q --raw "$OUT/oid4vp-request.png" 2>/dev/null | tr -d '\n' >"$T/qr.txt"
check "the QR code in the browser's screenshot is the request's openid4vp:// link" \
	sh -c "grep -Eq '^openid4vp://\\?client_id=redirect_uri%3Ahttps%3A%2F%2F127.0.0.1%3A[0-9]+%2Foid4vp%2Fresponse&request_uri=.*$RID$' '$T/qr.txt'"
ST=$(text_of "#status")
check "the page waits: '$ST'" sh -c "echo '$ST' | grep -q 'Waiting for the wallet'"

# ---- the learner answers from the screenshot ----
expect 0 "the verifier says: valid" wl respond --cacert "$T/ca.pem" --pick "$ID" "$OUT/oid4vp-request.png"

# ---- the employer's page turns to the result by itself (meta refresh) ----
i=0
v=
while [ $i -lt 40 ]; do
	v=$(text_of "#verdict" 2>/dev/null) && [ -n "$v" ] && break
	sleep 0.25
	i=$((i + 1))
done
check "the page shows VALID after the wallet answered (it reloaded itself: '$v')" test "$v" = "VALID"
H=$(text_of "#headline" 2>/dev/null)
check "the page names the holder: $H" sh -c "echo '$H' | grep -q 'presentation signed by its holder $WDID'"
check "the checks are listed" find_el "#checks"
shoot oid4vp-result

done_tests
