#!/bin/sh
# bench-serve.sh BIN_DIR [SECONDS]: load on `ob-verifier serve`. wrk (2
# threads, 32 connections, 30 s by default) POSTs an eddsa-rdfc-2022
# credential to /api/verify; every answer must be HTTP 200 with
# "verified": true. Prints requests per second, errors, and the server's
# memory (VmRSS, VmHWM) after a warm-up and after the run. Exits non-zero
# on any error, failed verification or memory growth over GROWTH_MIB.
# SHARED_DIR (default ../shared) locates the test vectors.
BIN=${1:?usage: sh scripts/bench-serve.sh BIN_DIR [SECONDS]}
SECS=${2:-30}
CONNS=${CONNS:-32}
GROWTH_MIB=${GROWTH_MIB:-32}
top=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_DIR:-$top/../shared}
CRED=$SHARED/vectors/signed/01-ob3-v2-eddsa-rdfc-2022.json

for t in wrk curl; do
	command -v $t >/dev/null || { echo "bench-serve: $t is needed (apt-get install $t)" >&2; exit 3; }
done
[ -x "$BIN/ob-verifier" ] || { echo "bench-serve: no $BIN/ob-verifier" >&2; exit 3; }
[ -f "$CRED" ] || { echo "bench-serve: no $CRED (set SHARED_DIR)" >&2; exit 3; }

T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

for _ in 1 2 3 4 5 6 7 8 9 10; do
	port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
	"$BIN/ob-verifier" serve --listen "127.0.0.1:$port" 2>"$T/serve.err" &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "serving on" "$T/serve.err" && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "serving on" "$T/serve.err" && break
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
done
[ -n "$pid" ] || { echo "bench-serve: serve did not start" >&2; cat "$T/serve.err" >&2; exit 3; }
URL=http://127.0.0.1:$port/api/verify
sed 's/^[^:]*: //' "$T/serve.err"

curl -s --data-binary @"$CRED" "$URL" | grep -q '"verified": true' ||
	{ echo "bench-serve: the credential does not verify" >&2; exit 1; }

# Counts answers that are not a positive verdict (a 200 with
# "verified": false would not show in wrk's non-2xx count).
cat >"$T/post.lua" <<EOF
local f = assert(io.open("$CRED", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) unverified = 0 end
function response(status, headers, body)
	if status ~= 200 or not string.find(body, '"verified": true', 1, true) then
		unverified = unverified + 1
	end
end
function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do n = n + t:get("unverified") end
	io.write(string.format("unverified: %d\n", n))
end
EOF

mem() { # prints "VmRSS VmHWM" in KiB
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' /proc/$pid/status
}

# warm-up: every worker thread builds its loader and caches, the
# allocator settles; growth is measured from here
wrk -t2 -c"$CONNS" -d5s -s "$T/post.lua" "$URL" >"$T/warm" 2>&1
set -- $(mem)
rss0=$1 hwm0=$2
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$T/post.lua" "$URL" >"$T/run" 2>&1
set -- $(mem)
rss1=$1 hwm1=$2
cat "$T/run"

rps=$(awk '/^Requests\/sec:/ { print $2 }' "$T/run")
non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$T/run")
sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' "$T/run")
unverified=$(awk '/^unverified:/ { print $2 }' "$T/run")
growth=$(( (rss1 - rss0) / 1024 ))

kill -TERM "$pid"
wait "$pid"
st=$?
pid=

echo
echo "bench-serve: POST /api/verify (eddsa-rdfc-2022), wrk -t2 -c$CONNS -d${SECS}s"
echo "  requests/s:      ${rps:-?}"
echo "  non-2xx:         ${non2xx:-0}"
echo "  socket errors:   ${sockerr:-0}"
echo "  unverified:      ${unverified:-?}"
echo "  server VmRSS:    $((rss0 / 1024)) MiB after warm-up, $((rss1 / 1024)) MiB after the run (growth ${growth} MiB)"
echo "  server VmHWM:    $((hwm0 / 1024)) MiB after warm-up, $((hwm1 / 1024)) MiB after the run"
echo "  serve exit:      $st"

fail=0
[ -n "$rps" ] || { echo "bench-serve: wrk gave no result" >&2; fail=1; }
[ "${non2xx:-0}" -eq 0 ] || fail=1
[ "${sockerr:-0}" -eq 0 ] || fail=1
[ "${unverified:-1}" = 0 ] || fail=1
[ "$growth" -le "$GROWTH_MIB" ] || { echo "bench-serve: memory grew by ${growth} MiB" >&2; fail=1; }
[ "$st" -eq 0 ] || fail=1
exit $fail
