#!/bin/sh
# ob-verifier serve survives anything one request can do (issue 12 item
# 2): verifications run in worker processes under limits, so a hostile
# input, a crashed or killed worker, or a host that never answers ends
# that request only. Also the HTTP framing checks (conflicting lengths,
# unknown transfer codings, %00) and the summary of refused connections.
# No test hook: the inputs are genuinely hostile, and the crashes are
# signals sent to the workers from here.
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json

pid=
mpid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$mpid" ] && kill "$mpid" 2>/dev/null; rm -rf "$T"' EXIT

# Starts serve on a free port (as verifier_serve.sh does).
start() {
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( (($$ + tries * 7919) % 30000) + 20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000 ))
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --now "$NOW" "$@" 2>"$T/serve.err" &
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

# the worker processes: serve's children
workers() {
	for d in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$d/stat" 2>/dev/null)" = "$pid" ] && echo "${d#/proc/}"
	done
}
# the server's memory: VmRSS of serve and its workers, in MiB
rss_mib() {
	t=0
	for p in "$pid" $(workers); do
		k=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${k:-0}))
	done
	echo $((t / 1024))
}
# the form page answers at once (no worker is needed for it)
page_fast() {
	r=$(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "$URL/")
	if [ "${r% *}" = 200 ] && awk -v t="${r#* }" 'BEGIN { exit !(t < '"${2:-1}"') }'; then
		ok
	else
		bad "GET / after $1: '$r', want 200 within ${2:-1} s"
	fi
}
# post WHAT CURL-ARGS... : any HTTP answer but none (the connection
# dropped) or a 5xx other than 503
post() {
	what=$1
	shift
	code=$(curl -s -m 90 -o "$T/b" -w '%{http_code}' "$@")
	case $code in
	200|400|413|422|503) ok ;;
	*) bad "$what: HTTP $code"; head -c 300 "$T/b" | sed 's/^/    /' ;;
	esac
	echo "  $what: HTTP $code, server RSS $(rss_mib) MiB (serve + $(workers | wc -l) workers)"
}

# ---- hostile inputs ----
python3 - "$C01" "$T" <<'PY'
import json, struct, sys, zlib
src = json.load(open(sys.argv[1]))
out = sys.argv[2]
# a JSON-LD context with a 12,000-term compact-IRI chain
c = {"a%05d" % i: "a%05d:x" % (i + 1) for i in range(11999)}
c["a11999"] = "https://example.org/"
d = dict(src)
d["@context"] = [src["@context"][0], c] + src["@context"][1:]
json.dump(d, open(out + "/chain.json", "w"))
# deeply nested documents
open(out + "/deep.json", "w").write('{"a":' * 200000 + "1" + "}" * 200000)
d = dict(src)
d["credentialSubject"] = dict(src["credentialSubject"], deep=[[[]]])
s = json.dumps(d).replace("[[[]]]", "[" * 100000 + "]" * 100000)
open(out + "/deep2.json", "w").write(s)
# 10 MB of {}
open(out + "/big.json", "w").write("{" + ",".join('"k%d":{}' % i for i in range(900000)) + "}")
# a PNG whose compressed iTXt "openbadgecredential" inflates to 16 MiB
def chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))
ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
idat = zlib.compress(b"\x00\x00")
itxt = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b" " * (16 << 20) + b"{}", 9)
open(out + "/bomb.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"iTXt", itxt)
                                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
PY

if ! start --max-body 16M; then
	bad "serve did not start"
	cat "$T/serve.err"
	done_tests
	exit
fi
check "serve runs 2 workers" test "$(workers | wc -l)" -eq 2
echo "  at start: server RSS $(rss_mib) MiB"
page_fast "start"
for f in chain deep deep2 big; do
	post "$f.json" --data-binary @"$T/$f.json" "$URL/api/verify"
	page_fast "$f.json"
done
post "bomb.png (API)" --data-binary @"$T/bomb.png" "$URL/api/verify"
page_fast "bomb.png (API)"
post "bomb.png (form)" -F "file=@$T/bomb.png;type=image/png" "$URL/verify"
page_fast "bomb.png (form)"
post "chain.json (form)" -F "file=@$T/chain.json" "$URL/verify"
page_fast "chain.json (form)"
mib=$(rss_mib)
# serve and 2 workers (each under a 640 MiB address-space limit here)
if [ "$mib" -lt 512 ]; then ok; else bad "server RSS $mib MiB after the hostile inputs"; fi
check "serve still runs" kill -0 "$pid"
check "still 2 workers" test "$(workers | wc -l)" -eq 2
code=$(curl -s -m 20 -o "$T/b" -w '%{http_code}' --data-binary @"$C01" "$URL/api/verify")
check "a good credential still verifies after the hostile inputs" \
	sh -c "[ $code = 200 ] && grep -q '\"verified\": true' '$T/b'"

# ---- the workers' limits ----
for w in $(workers); do
	check "worker $w: no core files" grep -qE "^Max core file size +0 +" "/proc/$w/limits"
	if ldd "$VF" | grep -q libasan; then
		: # ASan reserves terabytes of address space: no RLIMIT_AS
	else
		check "worker $w: 640 MiB of address space" grep -qE "^Max address space +671088640 " "/proc/$w/limits"
	fi
	# set for each request: the CPU used so far plus 10 s
	check "worker $w: a CPU limit" sh -c "grep -E '^Max cpu time' /proc/$w/limits | grep -qvE 'unlimited +unlimited'"
done

# ---- a worker killed between requests: replaced, and no request fails ----
w1=$(workers | head -n 1)
kill -9 "$w1"
sleep 0.2
fails=0
for i in 1 2 3 4 5 6; do
	code=$(curl -s -m 20 -o "$T/b" -w '%{http_code}' --data-binary @"$C01" "$URL/api/verify")
	{ [ "$code" = 200 ] && grep -q '"verified": true' "$T/b"; } || fails=$((fails + 1))
done
check "no request fails after kill -9 of an idle worker ($fails did)" test "$fails" -eq 0
check "the killed worker is replaced" test "$(workers | wc -l)" -eq 2
check "the killed worker is gone" test ! -e "/proc/$w1/stat" -o "$(awk '{print $3}' /proc/$w1/stat 2>/dev/null)" != Z
check "its end is logged" grep -q "verification worker .* died between requests; starting another" "$T/serve.err"

# ---- a stalled worker: killed at the deadline, its request 503 ----
ws=$(workers)
kill -STOP $ws
t0=$(date +%s)
code=$(curl -s -m 60 -o "$T/b" -w '%{http_code}' --data-binary @"$C01" "$URL/api/verify")
took=$(( $(date +%s) - t0 ))
kill -CONT $ws 2>/dev/null
check "a stalled worker's request: 503 after 30 s (HTTP $code after $took s)" \
	test "$code" = 503 -a "$took" -ge 29 -a "$took" -le 40
check "it says undecided" grep -q '"verdict": "undecided"' "$T/b"
check "the stall is logged" grep -q "verification worker .* ran past its time limit and was killed; its request was answered 503" "$T/serve.err"
code=$(curl -s -m 20 -o "$T/b" -w '%{http_code}' --data-binary @"$C01" "$URL/api/verify")
check "then a good credential verifies" sh -c "[ $code = 200 ] && grep -q '\"verified\": true' '$T/b'"
check "2 workers after the stall" test "$(workers | wc -l)" -eq 2

# ---- the framing checks: answered at once ----
python3 - "$port" <<'EOF' && ok || bad "framing checks"
import socket, sys, time
port = int(sys.argv[1])
def send(raw):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    t = time.time()
    s.sendall(raw)
    out = b""
    try:
        while b"\r\n\r\n" not in out:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        pass
    s.close()
    return out.split(b"\r\n")[0].decode(), time.time() - t
bad = 0
for raw, want in [
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}   ", "400"),
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}", "501"),
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", "501"),
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n", "400"),
    (b"GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", "400"),
    (b"GET /verify?url=https%3A%2F%2Fexample.org%00x HTTP/1.1\r\nHost: x\r\n\r\n", "400"),
    (b"POST /verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: x\r\n\r\n", "501"),
    # still fine: identical lengths, chunked alone
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", "200"),
    (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n", "200"),
]:
    line, took = send(raw)
    if want not in line or took > 2:
        print("  %r: %r in %.1f s, want %s at once" % (raw[:70], line, took, want))
        bad = 1
sys.exit(bad)
EOF

# ---- a host that never answers: the page is not held up ----
python3 - "$T/mport" <<'EOF' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # never a byte back
EOF
mpid=$!
i=0
while [ ! -s "$T/mport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
MP=$(cat "$T/mport")
kill "$pid"
wait "$pid"
pid=
if ! start --allow-private; then
	bad "serve did not start again"
	done_tests
	exit
fi
python3 - "$C01" "$T/slow.json" "did:web:localhost%3A$MP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["issuer"]["id"] = sys.argv[3]
d["proof"]["verificationMethod"] = sys.argv[3] + "#key-1"
json.dump(d, open(sys.argv[2], "w"))
PY
for i in 1 2 3 4 5 6 7 8; do
	curl -s -m 90 -o "$T/slow$i.b" -w '%{http_code}' --data-binary @"$T/slow.json" "$URL/api/verify" \
		>"$T/slow$i.code" &
done
i=0
while [ "$(grep -c . "$T/serve.err")" -lt 1 ] && [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
page_fast "8 slow requests on 2 threads" 2
page_fast "8 slow requests on 2 threads (again)" 2
# a crash in the middle of a request: that request only is answered 503
w1=$(workers | head -n 1)
kill -SEGV "$w1"
sleep 0.5
page_fast "a worker's crash" 2
# the host goes away: the rest are decided (undecided) quickly
kill "$mpid"
wait "$mpid" 2>/dev/null
mpid=
wait_slow() {
	for i in 1 2 3 4 5 6 7 8; do
		n=0
		while [ ! -s "$T/slow$i.code" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
	done
}
wait_slow
n200=$(for f in "$T"/slow*.code; do cat "$f"; echo; done | grep -c '^200$')
n503=$(for f in "$T"/slow*.code; do cat "$f"; echo; done | grep -c '^503$')
echo "  slow requests: $n200 answered 200, $n503 answered 503"
check "one slow request failed with its worker, 7 were answered" test "$n503" -eq 1 -a "$n200" -eq 7
check "the failed one says undecided" grep -q '"verdict": "undecided"' $(grep -l 503 "$T"/slow*.code | sed 's/code$/b/') /dev/null
check "the crash is logged" grep -qE "verification worker .* (died of signal 11 [^;]*|exited with status [0-9]+); its request was answered 503" "$T/serve.err"
check "2 workers again" test "$(workers | wc -l)" -eq 2

# ---- connections refused at the per-address limit: one summary line ----
python3 - "$port" <<'EOF'
import socket, sys, time
held = []
for _ in range(300):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2))
    except OSError:
        pass
time.sleep(0.5)
for s in held:
    s.close()
EOF
sleep 1
n=$(grep -c "refused at the connection limits" "$T/serve.err")
check "refusals summarized in one line ($n lines)" test "$n" -eq 1
check "not one line each" test "$(grep -c 'Server reached connection limit' "$T/serve.err")" -eq 0
page_fast "300 connections"

# ---- a clean stop: the workers go with the server ----
ws=$(workers)
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
if [ "$st" -eq 0 ]; then ok; else bad "serve exited $st after SIGTERM"; sed 's/^/    /' "$T/serve.err" | tail -n 30; fi
left=0
for w in $ws; do [ -e "/proc/$w/stat" ] && left=$((left + 1)); done
check "no worker outlives serve" test "$left" -eq 0
check "no leak reported" sh -c "! grep -q LeakSanitizer '$T/serve.err'"
done_tests
