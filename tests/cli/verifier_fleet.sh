#!/bin/sh
# The verifier fleet (issue 17 item 4): several `ob-verifier serve`
# instances answer alike, each with its own fetch cache, and that cache
# follows HTTP caching. A real HTTPS server on loopback
# (tests/tools/https_server, test CA from lib.sh) hosts an issuer's
# published site: its status list comes with "no-cache" and an ETag under
# /, with "max-age=3600" under /fresh/ (the server's conventions).
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
IS="$BIN/ob-issuer"
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/https_server" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
if [ ! -x "$TOOLS/https_server" ]; then
	bad "no tests/tools/https_server in $TOOLS (make tests-build)"
	done_tests
	exit
fi
test_ca
W="$T/www"
mkdir -p "$W"
"$TOOLS/https_server" --cert "$T/srv.pem" --key "$T/srv.key" --root "$W" --port-file "$T/port" --log "$T/log" &
SPID=$!
pids=
trap 'kill $SPID $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
P=$(cat "$T/port" 2>/dev/null)
[ -n "$P" ] || { bad "the HTTPS server did not start"; done_tests; exit; }

# two issuers (did:key): one whose site is revalidated (ETag), one whose
# site may be kept an hour (max-age)
for s in etag fresh; do
	case $s in etag) url=https://localhost:$P/e ;; fresh) url=https://localhost:$P/fresh/f ;; esac
	"$IS" --home "$T/$s" init --name "Fleet $s" --url "$url" >/dev/null 2>&1
	"$IS" --home "$T/$s" achievement add --id a --name A --description D --criteria C >/dev/null
	expect 0 "" "$IS" --home "$T/$s" issue --achievement a --recipient learner@example.org -o "$T/$s.json"
	expect 0 "" "$IS" --home "$T/$s" publish "$T/site-$s"
done
# /e/X is served from e/X (no-cache, ETag); /fresh/f/X from f/X (max-age)
cp -r "$T/site-etag/e" "$W/e"
cp -r "$T/site-fresh/fresh/f" "$W/f"
check "both sites are in place" test -s "$W/e/status/revocation/1.json" -a -s "$W/f/status/revocation/1.json"

# start NAME: an instance with its own cache directory
start() {
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( (($$ + tries * 7919) % 30000) + 20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000 ))
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --cacert "$T/ca.pem" --allow-private \
			--cache-dir "$T/cache-$1" ${2:+"$2"} ${3:+"$3"} 2>"$T/serve-$1.err" &
		p=$!
		i=0
		while [ $i -lt 100 ]; do
			if grep -q "serving on" "$T/serve-$1.err" 2>/dev/null; then
				pids="$pids $p"
				eval "URL_$1=http://127.0.0.1:$port"
				return 0
			fi
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 1
}
start a || bad "instance a did not start"
start b || bad "instance b did not start"
api() { # INSTANCE-URL FILE: the verdict line of /api/verify
	curl -s -m 30 --data-binary @"$2" "$1/api/verify" | grep -o '"verified": [a-z]*' | head -n 1
}
hits() { grep -c "GET $1 $2" "$T/log"; }

# ---- revalidation (no-cache + ETag) ----
: >"$T/log"
check "instance a: VALID" test "$(api "$URL_a" "$T/etag.json")" = '"verified": true'
check "instance b: VALID" test "$(api "$URL_b" "$T/etag.json")" = '"verified": true'
check "each instance fetched the list for itself (two 200s)" test "$(hits /e/status/revocation/1.json 200)" = 2
check "each instance keeps its own cache" test -n "$(ls "$T/cache-a")" -a -n "$(ls "$T/cache-b")"
check "instance a again: VALID" test "$(api "$URL_a" "$T/etag.json")" = '"verified": true'
check "and it revalidated with If-None-Match (304)" \
	grep -q 'GET /e/status/revocation/1.json 304 inm="' "$T/log"

# ---- max-age: kept without asking ----
: >"$T/log"
check "instance a, max-age issuer: VALID" test "$(api "$URL_a" "$T/fresh.json")" = '"verified": true'
check "instance a again: VALID" test "$(api "$URL_a" "$T/fresh.json")" = '"verified": true'
check "the fresh list was fetched once (max-age honoured)" test "$(hits /fresh/f/status/revocation/1.json 200)" = 1
check "instance b: VALID, with its own fetch" test "$(api "$URL_b" "$T/fresh.json")" = '"verified": true'
check "two fetches in all: one per instance" test "$(grep -c 'GET /fresh/f/status/revocation/1.json' "$T/log")" = 2

# ---- a revocation reaches every instance (no-cache lists are revalidated) ----
id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$T/etag.json")
expect 0 "" "$IS" --home "$T/etag" revoke "$id" --reason test
expect 0 "" "$IS" --home "$T/etag" publish "$T/site-etag2"
cp "$T/site-etag2/e/status/revocation/1.json" "$W/e/status/revocation/1.json"
check "instance a sees the revocation" test "$(api "$URL_a" "$T/etag.json")" = '"verified": false'
check "instance b sees the revocation" test "$(api "$URL_b" "$T/etag.json")" = '"verified": false'

# ---- the cache's budget ----
expect 2 "invalid --cache-max" "$VF" serve --cache-max lots
# a budget smaller than one entry: each write is pruned away again
: >"$T/log"
start small --cache-max 1K || bad "instance small did not start"
check "instance small: VALID" test "$(api "$URL_small" "$T/fresh.json")" = '"verified": true'
check "instance small again: VALID" test "$(api "$URL_small" "$T/fresh.json")" = '"verified": true'
check "a 1K budget keeps at most 1K of entries" test "$(cat "$T"/cache-small/* 2>/dev/null | wc -c)" -le 1024
check "so the fresh list is fetched each time" test "$(hits /fresh/f/status/revocation/1.json 200)" -ge 2

done_tests
