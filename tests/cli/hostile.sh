#!/bin/sh
# Hostile input (issue 12): files built to exhaust the stack, memory or
# time are refused with a one-line reason and exit 1 (invalid) or 3
# (undecided), quickly, never by a signal: forged backup headers, and
# JSON-LD contexts that chain or nest terms deeply, define too many, or
# make every node process a large context again.
#   sh tests/cli/hostile.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
W="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
unset OBKIT_WALLET_HOME OBKIT_WALLET_PASSPHRASE_FILE
HOME=$T/user
XDG_DATA_HOME=$T/xdg
export HOME XDG_DATA_HOME
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

ms() { echo $(($(date +%s%N) / 1000000)); }

# refused CODES PATTERN MAX_MS CMD... : CMD exits with one of CODES (e.g.
# "1 3") within MAX_MS, with no sanitizer report and at most one line on
# stderr; its reason, the first line of stdout (a verifier's headline) or
# else of stderr, matches PATTERN
refused() {
	codes=$1 pat=$2 max=$3
	shift 3
	t0=$(ms)
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	took=$(($(ms) - t0))
	case " $codes " in *" $got "*) code_ok=1 ;; *) code_ok=0 ;; esac
	if [ -s "$T/out" ]; then head -n 1 "$T/out"; else head -n 1 "$T/err"; fi >"$T/why"
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		bad "sanitizer report: $*"
		sed 's/^/    /' "$T/err" | head -n 30
	elif [ "$code_ok" -ne 1 ]; then
		bad "exit $got, want one of $codes: $*"
		cat "$T/out" "$T/err" | sed 's/^/    /' | head -n 15
	elif ! grep -qE -- "$pat" "$T/why"; then
		bad "reason lacks /$pat/: $*"
		cat "$T/out" "$T/err" | sed 's/^/    /' | head -n 15
	elif [ "$(wc -l <"$T/err")" -gt 1 ]; then
		bad "want at most one line on stderr: $*"
		sed 's/^/    /' "$T/err" | head -n 15
	elif [ "$took" -gt "$max" ]; then
		bad "took $took ms (at most $max): $*"
	else
		ok
	fi
}

# --- a backup header must not choose its own scrypt cost
printf 'correct horse battery\n' >"$T/pass"
w() { "$W" --home "$T/w" --passphrase-file "$T/pass" "$@"; }
expect 0 "" w init --kdf-cost test
expect 0 "wrote 0 credentials" w backup "$T/w.bak"
# log2 N at byte 10, then r and p (u32 big-endian)
python3 - "$T/w.bak" "$T" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def forge(name, log2n, r, p):
    b = bytearray(d)
    b[10] = log2n
    b[11:15] = r.to_bytes(4, "big")
    b[15:19] = p.to_bytes(4, "big")
    open(sys.argv[2] + "/" + name, "wb").write(bytes(b))
forge("n20.bak", 20, 8, 1)        # 1 GiB, seconds of scrypt
forge("p2.bak", 17, 8, 2)          # (the old bounds allowed 16 GiB: N 2^22, r 32)
forge("r.bak", 16, 0xffffffff, 1)
forge("p.bak", 16, 8, 0xffffffff)
PY
for f in n20 p2 r p; do
	refused 1 "unsupported scrypt parameters" 3000 \
		"$W" --home "$T/r-$f" --passphrase-file "$T/pass" restore "$T/$f.bak"
	check "no wallet from $f.bak" test ! -e "$T/r-$f/wallet.db"
done
expect 0 "restored 0 credentials" "$W" --home "$T/r-ok" --passphrase-file "$T/pass" restore "$T/w.bak"

# --- JSON-LD contexts: the signed vector with one more context before the
# Open Badges one (unused terms: the vector still verifies when they are
# harmless)
python3 - "$C01" "$T" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
def write(name, ctx, items=None):
    d = dict(src)
    d["@context"] = [src["@context"][0], ctx] + src["@context"][1:]
    if items is not None:
        d["credentialSubject"] = dict(src["credentialSubject"], items=items)
    json.dump(d, open(sys.argv[2] + "/" + name, "w"))
def chain(n):  # "a00000": "a00001:x", ...: each term defined through the next
    c = {"a%05d" % i: "a%05d:x" % (i + 1) for i in range(n - 1)}
    c["a%05d" % (n - 1)] = "https://example.org/"
    return c
def scoped(n):  # scoped contexts inside term definitions, n deep
    c = {"leaf": "https://example.org/leaf"}
    for _ in range(n):
        c = {"s": {"@id": "https://example.org/s", "@context": c}}
    return c
def terms(n):
    return {"t%d" % i: "https://example.org/t%d" % i for i in range(n)}
write("chain.json", chain(12000))          # the issue's input: a stack overflow
write("chain64.json", chain(64))
write("scoped.json", scoped(17))
write("scoped16.json", scoped(16))
write("terms.json", terms(5000))
# many nodes whose type scopes a context, over 3,500 terms; the types'
# contexts propagate, so each pair of types is new work (was 52 s)
c = terms(3500)
for i in range(250):
    c["T%d" % i] = {"@id": "https://example.org/T%d" % i,
                    "@context": {"@propagate": True, "x": "https://example.org/x"}}
c["items"] = "https://example.org/items"
write("work.json", c, [{"@type": "T%d" % i, "items": [{"@type": "T%d" % j} for j in range(250)]}
                       for i in range(250)])
# the same node 20,000 times: processed once per document (was 14 s)
c = terms(4000)
c["T"] = {"@id": "https://example.org/T", "@context": {"x": "https://example.org/x"}}
c["items"] = "https://example.org/items"
write("same.json", c, [{"@type": "T"}] * 20000)
PY
vf() { "$VF" verify --offline "$@"; }
refused "1 3" "^UNDECIDED: .*over budget: JSON-LD context too deep: term 'a00064'" 5000 vf "$T/chain.json"
expect 0 "VALID" vf "$T/chain64.json"
refused "1 3" "over budget: JSON-LD scoped contexts nested more than 16 deep" 5000 vf "$T/scoped.json"
expect 0 "VALID" vf "$T/scoped16.json"
refused "1 3" "over budget: JSON-LD context with more than 4096 terms \(at term 't[0-9]+'\)" 5000 vf "$T/terms.json"
refused "1 3" "over budget: JSON-LD contexts that define or copy more than 1000000 terms" 15000 vf "$T/work.json"
# the items change the signed data: not valid, but decided, and quickly
refused 1 "^INVALID: eddsa-rdfc-2022: Ed25519 signature does not verify" 15000 vf "$T/same.json"
expect 3 '"verdict": "undecided"' vf --json "$T/chain.json"
refused 3 "over budget: JSON-LD context too deep" 5000 "$VF" canon "$T/chain.json"
refused 3 "could not be verified: .*over budget: JSON-LD context too deep" 5000 w add --offline "$T/chain.json"
expect 0 "the wallet is empty" w list

# --- one POST no longer stops the server
start() {
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( (($$ + tries * 7919) % 30000) + 20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000 ))
		"$VF" serve --listen "127.0.0.1:$port" --threads 2 --max-body 4M 2>"$T/serve.err" &
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
# api FILE PATTERN : POSTs FILE, wants HTTP 200 and PATTERN in the body
api() {
	code=$(curl -s -m 60 -o "$T/b" -w '%{http_code}' --data-binary @"$1" "$URL/api/verify")
	if [ "$code" = 200 ] && grep -qE -- "$2" "$T/b"; then
		ok
	else
		bad "POST $1: HTTP $code, want 200 and /$2/"
		head -c 400 "$T/b" | sed 's/^/    /'
	fi
}
if start; then
	api "$T/chain.json" '"headline": "UNDECIDED: .*over budget: JSON-LD context too deep'
	api "$T/work.json" '"verdict": "undecided"'
	api "$C01" '"verified": true'
	check "serve still runs" kill -0 "$pid"
	kill "$pid"
	wait "$pid"
	rc=$?
	pid=
	check "serve stops cleanly on SIGTERM" test "$rc" -eq 0
else
	bad "serve did not start"
	sed 's/^/    /' "$T/serve.err"
fi

done_tests
