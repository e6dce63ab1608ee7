#!/bin/sh
# ob-verifier over the network: a real HTTPS server on loopback
# (tests/tools/https_server.c) with a test CA made here, serving a did:web
# issuer, status lists and credentials, and hostile answers. No mocks.
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
IS="$BIN/ob-issuer"
K=$V/keys
# the test tools: next to BIN in an out-of-tree build (build-asan/bin ->
# build-asan/tests/tools), else in build/ (bin/ is the normal build's)
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/https_server" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
SRV=$TOOLS/https_server
RSS=$TOOLS/maxrss
if [ ! -x "$SRV" ] || [ ! -x "$RSS" ]; then
	bad "no tests/tools binaries in $TOOLS (make tests-build)"
	done_tests
	exit
fi
export XDG_CACHE_HOME="$T/cache"

# ---- a test CA and a server certificate for localhost / 127.0.0.1 ----
test_ca

W=$T/www
mkdir -p "$W/.well-known" "$W/other" "$W/x" "$W/status" "$W/creds"
"$SRV" --cert "$T/srv.pem" --key "$T/srv.key" --root "$W" --port-file "$T/port" --log "$T/log" \
	--mute-port-file "$T/mport" &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
P=$(cat "$T/port" 2>/dev/null)
if [ -z "$P" ]; then
	bad "test server did not start"
	done_tests
	exit
fi
U=https://localhost:$P
MP=$(cat "$T/mport")
DID="did:web:localhost%3A$P"
ODID="did:web:localhost%3A$P:other"
PK=$(sed -n 's/.*"publicKeyMultibase": *"\([^"]*\)".*/\1/p' "$K/issuer-ed25519.json")
OPK=$(sed -n 's/.*"publicKeyMultibase": *"\([^"]*\)".*/\1/p' "$K/other-ed25519.json")

diddoc() { # DID KEY
	cat <<EOF
{"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
 "id": "$1",
 "verificationMethod": [{"id": "$1#key-1", "type": "Multikey", "controller": "$1", "publicKeyMultibase": "$2"}],
 "assertionMethod": ["$1#key-1"]}
EOF
}
diddoc "$DID" "$PK" >"$W/.well-known/did.json"
diddoc "$ODID" "$OPK" >"$W/other/did.json"
# did:web:localhost%3AP:html:x resolves to /html/x/did.json: served as text/html
diddoc "$DID:html:x" "$PK" >"$W/x/did.json"

sign() { # KEY VM IN OUT
	"$IS" sign --key "$1" --verification-method "$2" --created 2025-06-01T12:00:00Z -o "$4" "$3" \
		>/dev/null 2>&1 || { echo "signing $3 failed"; "$IS" sign --key "$1" --verification-method "$2" -o "$4" "$3"; }
}

# status lists: 131072 bits, gzip, base64url, multibase "u"
bitlist() { # OUT BYTE VALUE
	head -c 16384 /dev/zero >"$T/bits"
	printf "\\$(printf %o "$3")" | dd of="$T/bits" bs=1 seek="$2" conv=notrunc 2>/dev/null
	printf 'u%s' "$(gzip -c -n "$T/bits" | openssl base64 -A | tr '+/' '-_' | tr -d '=')" >"$1"
}
statuslist() { # ISSUER PURPOSE ENCFILE URL OUT-UNSIGNED
	cat >"$5" <<EOF
{"@context": ["https://www.w3.org/ns/credentials/v2"],
 "id": "$4",
 "type": ["VerifiableCredential", "BitstringStatusListCredential"],
 "issuer": "$1",
 "validFrom": "2025-06-01T00:00:00Z",
 "credentialSubject": {"id": "$4#list", "type": "BitstringStatusList",
   "statusPurpose": "$2", "encodedList": "$(cat "$3")"}}
EOF
}
bitlist "$T/rev.enc" 5 32    # index 42: byte 5, bit 2 (MSB first) = 0x20
bitlist "$T/susp.enc" 0 1    # index 7: byte 0, lowest bit
statuslist "$DID" revocation "$T/rev.enc" "$U/status/rev.json" "$T/rev.u.json"
sign "$K/issuer-ed25519.json" "$DID#key-1" "$T/rev.u.json" "$W/status/rev.json"
statuslist "$DID" suspension "$T/susp.enc" "$U/status/susp.json" "$T/susp.u.json"
sign "$K/issuer-ed25519.json" "$DID#key-1" "$T/susp.u.json" "$W/status/susp.json"
# a list by another issuer (properly signed by it)
statuslist "$ODID" revocation "$T/rev.enc" "$U/status/other.json" "$T/other.u.json"
sign "$K/other-ed25519.json" "$ODID#key-1" "$T/other.u.json" "$W/status/other.json"
# a list claiming our issuer, signed with the other key
statuslist "$DID" revocation "$T/rev.enc" "$U/status/forged.json" "$T/forged.u.json"
sign "$K/other-ed25519.json" "$ODID#key-1" "$T/forged.u.json" "$W/status/forged.json"
# the same list served so that it is never cached
cp "$W/status/rev.json" "$W/status/rev-nostore.json"

cred() { # NAME ISSUER-DID [PURPOSE INDEX LIST-URL]
	if [ -n "${3:-}" ]; then
		st="\"credentialStatus\": {\"id\": \"$5#$4\", \"type\": \"BitstringStatusListEntry\", \"statusPurpose\": \"$3\", \"statusListIndex\": \"$4\", \"statusListCredential\": \"$5\"},"
	else
		st=""
	fi
	sed -e "s|did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT|$2|g" \
	    -e "s|^  \"validFrom\"|  $st\"validFrom\"|" "$V/unsigned/ob3-v2.json" >"$T/$1.u.json"
	sign "$K/issuer-ed25519.json" "$2#key-1" "$T/$1.u.json" "$W/creds/$1.json"
}
cred plain "$DID"
cred active "$DID" revocation 3 "$U/status/rev.json"
cred revoked "$DID" revocation 42 "$U/status/rev.json"
cred suspended "$DID" suspension 7 "$U/status/susp.json"
cred active-susp "$DID" suspension 6 "$U/status/susp.json"
cred st-hang "$DID" revocation 3 "$U/hang/rev.json"
cred st-mute "$DID" revocation 3 "https://localhost:$MP/status/rev.json"
cred st-drip "$DID" revocation 3 "$U/drip"
cred st-404 "$DID" revocation 3 "$U/status/missing.json"
cred st-500 "$DID" revocation 3 "$U/code/500"
cred st-big "$DID" revocation 3 "$U/big"
cred st-bigchunked "$DID" revocation 3 "$U/bigchunked"
cred st-loop "$DID" revocation 3 "$U/loop/0"
cred st-tohttp "$DID" revocation 3 "$U/tohttp/status/rev.json"
cred st-redirect "$DID" revocation 3 "$U/redirect/status/rev.json"
cred st-html "$DID" revocation 3 "$U/html/status/rev.json"
cred st-other "$DID" revocation 3 "$U/status/other.json"
cred st-forged "$DID" revocation 3 "$U/status/forged.json"
cred st-nostore "$DID" revocation 3 "$U/nostore/status/rev-nostore.json"
cred st-http "$DID" revocation 3 "http://localhost:$P/status/rev.json"
cred htmldid "$DID:html:x"
cred nodid "did:web:localhost%3A$P:nobody"
C=$W/creds
check "every credential was signed" test -s "$C/st-http.json" -a -s "$C/nodid.json"

vf() { "$VF" verify --now "$NOW" --cacert "$T/ca.pem" "$@"; }
# within SECONDS CMD...: the command ends within SECONDS (exit code kept in $T/rc);
# with --timeout 2 a limit of 9 s leaves room for a loaded machine and
# still fails if the default 10 s timeout were used instead
within() {
	lim=$1
	shift
	s0=$(date +%s)
	"$@" >"$T/out" 2>&1
	echo $? >"$T/rc"
	s1=$(date +%s)
	if [ $((s1 - s0)) -le "$lim" ]; then ok; else bad "took $((s1 - s0)) s (limit $lim): $*"; fi
}

# ---- did:web and status over https ----
expect 0 "key $DID#key-1 resolved" vf "$C/plain.json"
expect 0 "not revoked \\($U/status/rev.json, index 3\\)" vf "$C/active.json"
expect 1 "revoked: the issuer has revoked this credential" vf "$C/revoked.json"
expect 1 "suspended: the issuer has suspended this credential" vf "$C/suspended.json"
expect 0 "not suspended" vf "$C/active-susp.json"
expect 0 '"verified": true' vf --json "$C/active.json"
# the certificate is checked: without the test CA nothing is trusted
expect 3 "certificate is not trusted" "$VF" verify --now "$NOW" --no-cache "$C/plain.json"
expect 2 "cannot open" vf --cacert "$T/none.pem" "$C/plain.json"
echo "not a certificate" >"$T/junk.pem"
expect 2 "no PEM certificate" vf --no-cache --cacert "$T/junk.pem" "$C/plain.json"

# ---- hostile servers: right verdict, bounded time ----
s0=$(date +%s)
within 9 vf --timeout 2 "$C/st-hang.json"
echo "note: no answer, --timeout 2: $(($(date +%s) - s0)) s"
check "hang: timed out" grep -q "could not check status: fetching $U/hang/rev.json: timed out after 2 s" "$T/out"
check "hang exits 3" test "$(cat "$T/rc")" = 3
# a server that accepts the connection and never speaks (no TLS handshake)
within 9 vf --timeout 2 "$C/st-mute.json"
check "mute server: timed out" grep -q "could not check status: fetching https://localhost:$MP/status/rev.json: timed out after 2 s" "$T/out"
check "mute server exits 3" test "$(cat "$T/rc")" = 3
# a server that answers one byte at a time, forever: the total timeout
within 9 vf --timeout 2 "$C/st-drip.json"
check "slow drip: timed out" grep -q "could not check status: fetching $U/drip: timed out after 2 s" "$T/out"
check "slow drip exits 3" test "$(cat "$T/rc")" = 3
expect 3 "could not check status: .*HTTP 404" vf "$C/st-404.json"
expect 3 "could not check status: .*HTTP 500" vf "$C/st-500.json"
# memory: the 50 MB answers must cost no more than a normal verification
# plus a few MiB (the cap is 1 MiB); buffering them would add 50+ MiB
"$RSS" "$T/rss0" "$VF" verify --now "$NOW" --cacert "$T/ca.pem" "$C/active.json" >/dev/null 2>&1
base=$(tail -n 1 "$T/rss0")
for b in big bigchunked; do
	s0=$(date +%s)
	within 15 "$RSS" "$T/rss" "$VF" verify --now "$NOW" --cacert "$T/ca.pem" "$C/st-$b.json"
	echo "note: 50 MB body ($b): $(($(date +%s) - s0)) s, max RSS $(tail -n 1 "$T/rss") KiB (a normal verification: $base KiB)"
	check "$b: body cap" grep -q "could not check status: fetching $U/$b: body larger than 1 MiB" "$T/out"
	check "$b exits 3" test "$(cat "$T/rc")" = 3
	# max resident size in KiB: far below the 50 MB served (ASan adds its own)
	rss=$(tail -n 1 "$T/rss")
	check "$b: memory bounded (max RSS $rss KiB, normal $base KiB)" test "$rss" -lt $((base + 16384))
done
expect 3 "could not check status: .*too many redirects \\(more than 3\\)" vf "$C/st-loop.json"
expect 3 "could not check status: .*redirect to http refused" vf "$C/st-tohttp.json"
expect 0 "not revoked" vf "$C/st-redirect.json"
expect 3 "could not check status: .*served as text/html" vf "$C/st-html.json"
expect 3 "could not check status: the status list $U/status/other.json was issued by $ODID, not by the credential's issuer" vf "$C/st-other.json"
expect 3 "could not check status: the status list $U/status/forged.json does not verify" vf "$C/st-forged.json"
expect 3 "could not check status: .*only https" vf "$C/st-http.json"
expect 3 "could not resolve the key: .*served as text/html" vf "$C/htmldid.json"
expect 3 "could not resolve the key: .*HTTP 404" vf "$C/nodid.json"
# never "valid" when it could not check
for f in st-hang st-404 st-big st-loop st-tohttp st-html st-other st-forged; do
	expect 3 '"verified": false' vf --json --timeout 2 "$C/$f.json"
done

# ---- inputs: a URL, stdin ----
expect 0 "^VALID" vf "$U/creds/active.json"
expect 1 "revoked" vf "$U/creds/revoked.json"
expect 3 "HTTP 404" vf "$U/creds/none.json"
expect 2 "only https" vf "http://localhost:$P/creds/active.json"
expect 0 "^VALID" vf - <"$C/active.json"

# ---- the disk cache ----
rm -rf "$T/cache" && : >"$T/log"
expect 0 "not revoked" vf "$C/active.json"
n=$(ls "$T/cache/obkit/http" 2>/dev/null | wc -l)
check "cache holds the DID document and the status list ($n files)" test "$n" -eq 2
check "cache files are 0600" sh -c "test -z \"\$(find '$T/cache/obkit/http' -type f ! -perm 600)\""
check "cache directory is 0700" test "$(stat -c %a "$T/cache/obkit/http")" = 700
# no-cache + ETag: the second run revalidates and gets 304s
expect 0 "not revoked" vf "$C/active.json"
check "revalidated with If-None-Match (304)" grep -q "GET /.well-known/did.json 304 inm=\"" "$T/log"
# offline with a warm cache: no request at all
: >"$T/log"
expect 0 "not revoked" vf --offline "$C/active.json"
check "offline made no request" test ! -s "$T/log"
# offline with a cold cache: could not check (exit 3), never valid
expect 3 "not in the cache \\(offline\\)" env XDG_CACHE_HOME="$T/cold" "$VF" verify --now "$NOW" --offline "$C/active.json"
expect 3 "could not resolve the key" env XDG_CACHE_HOME="$T/cold" "$VF" verify --now "$NOW" --offline "$C/plain.json"
# no-store is respected: that list is never kept
expect 0 "not revoked" vf "$C/st-nostore.json"
expect 3 "could not check status: .*not in the cache \\(offline\\)" vf --offline "$C/st-nostore.json"
# --no-cache writes nothing
expect 0 "" env XDG_CACHE_HOME="$T/nc" "$VF" verify --now "$NOW" --cacert "$T/ca.pem" --no-cache "$C/active.json"
check "--no-cache wrote no cache" test ! -e "$T/nc"
# max-age: a fresh entry is used without asking the server
: >"$T/log"
expect 0 "" vf "$U/fresh/creds/plain.json"
expect 0 "" vf "$U/fresh/creds/plain.json"
check "fresh entry served from the cache" test "$(grep -c 'GET /fresh/creds/plain.json' "$T/log")" = 1
# a damaged cache entry is a miss, not a crash
for f in "$T"/cache/obkit/http/*; do printf 'garbage' >"$f"; done
expect 0 "not revoked" vf "$C/active.json"

# ---- JSON-LD contexts never come from the network ----
cp "$V/unsigned/ob3-v2.json" "$W/ctx.jsonld"
sed "s|\"https://www.w3.org/ns/credentials/v2\",|\"https://www.w3.org/ns/credentials/v2\", \"$U/ctx.jsonld\",|" "$C/active.json" >"$T/ctx-cred.json"
: >"$T/log"
expect 3 "context not allowed: $U/ctx.jsonld" vf "$T/ctx-cred.json"
check "the context URL was not fetched" sh -c "! grep -q ctx.jsonld '$T/log'"

# ---- issuer registries ----
cat >"$T/reg.json" <<EOF
{"name": "Test Registry", "url": "https://registry.example",
 "issuers": [{"id": "$DID", "name": "Riverbend Technical College", "url": "https://riverbend.example.edu"}]}
EOF
cat >"$T/dcc.json" <<EOF
{"meta": {"created": "2025-01-01T00:00:00Z"},
 "registry": {"$ODID": {"name": "Other College", "location": "Nowhere", "url": "https://other.example"},
              "$DID": {"name": "Riverbend (DCC)", "location": "Cambridge, MA, USA", "url": "https://riverbend.example.edu"}}}
EOF
echo '{"issuers": [{"name": "no id"}]}' >"$T/badreg.json"
expect 0 "issuer known as Riverbend Technical College \\(registry Test Registry\\)" vf --registry "$T/reg.json" "$C/active.json"
expect 0 "issuer known as Riverbend \\(DCC\\) \\(registry dcc.json\\)" vf --registry "$T/dcc.json" "$C/active.json"
# the first registry given wins
expect 0 "registry dcc.json" vf --registry "$T/dcc.json" --registry "$T/reg.json" "$C/active.json"
echo '{"issuers": []}' >"$T/empty.json"
echo '{"name": "x", "list": []}' >"$T/notreg.json"
expect 2 "not an issuer registry" vf --registry "$T/notreg.json" "$C/active.json"
expect 0 "not checked  registry   warning: issuer not in any registry" vf --registry "$T/empty.json" "$C/active.json"
vf --json --registry "$T/empty.json" "$C/active.json" >"$T/r.json" 2>&1
check "registry miss: not checked in --json, still valid" python3 -c "
import json; d=json.load(open('$T/r.json')); c=[x for x in d['checks'] if x['id']=='registry'][0]
assert d['verified'] is True and c['outcome']=='not checked' and 'not in any registry' in c['message']"
expect 1 "revoked" vf --registry "$T/reg.json" "$C/revoked.json"
expect 2 "needs an \"id\" and a \"name\"" vf --registry "$T/badreg.json" "$C/active.json"
expect 2 "ca.pem:1: .*is not a DID or https URL" vf --registry "$T/ca.pem" "$C/active.json"
check "no registry check without --registry" sh -c "! '$VF' verify --now '$NOW' --cacert '$T/ca.pem' '$C/active.json' | grep -q registry"

# ---- a directory, with a report ----
D=$T/batch
mkdir -p "$D/sub"
cp "$C/active.json" "$D/a-active.json"
cp "$C/revoked.json" "$D/b-revoked.json"
cp "$C/st-404.json" "$D/c-unreachable.json"
echo '{"not": "a credential"' >"$D/d-garbage.json"
cp "$C/active.json" "$D/=HYPERLINK(1),x.json"
cp "$C/active.json" "$D/.hidden.json"
cp "$C/active.json" "$D/sub/ignored.json"
: >"$T/log"
expect 1 "" vf --registry "$T/reg.json" --report "$T/out.csv" "$D"
check "one fetch of the status list and DID document for the whole batch" \
	test "$(grep -c 'GET /status/rev.json' "$T/log")" = 1 -a "$(grep -c 'GET /.well-known/did.json' "$T/log")" = 1
check "csv: header + 5 rows" test "$(wc -l <"$T/out.csv")" -eq 6
check "csv: header" grep -q '^file,verdict,kind,issuer,issuer_name,achievement,learner,first_failing_check' "$T/out.csv"
check "csv: sorted, quoted, formula neutralised" sh -c "sed -n 2p '$T/out.csv' | grep -q '^\"'\"'\"'=HYPERLINK(1),x.json\",\"valid\",'"
check "csv: revoked row names the status check" grep -q '^"b-revoked.json","invalid","credential","did:web:.*","status: revoked' "$T/out.csv"
check "csv: unreachable row is undecided" grep -q '^"c-unreachable.json","undecided",.*could not check status' "$T/out.csv"
check "csv: garbage row is invalid" grep -q '^"d-garbage.json","invalid",.*structure: invalid JSON' "$T/out.csv"
check "csv: CRLF line ends" sh -c "head -n 1 '$T/out.csv' | od -c | grep -q '\\\\r  \\\\n'"
check "csv parses as 8 columns everywhere" python3 -c "
import csv; rows=list(csv.reader(open('$T/out.csv', newline='')))
assert len(rows)==6 and all(len(r)==8 for r in rows), rows
assert rows[2][3].startswith('did:web:') and rows[2][4]=='Riverbend Technical College' and rows[2][5]=='Welding Fundamentals'"
expect 1 "" vf --report "$T/out.json" "$D"
check "json report: counts and rows" python3 -c "
import json; d=json.load(open('$T/out.json'))
assert d['files']==5 and d['valid']==2 and d['invalid']==2 and d['undecided']==1, d
r=[x for x in d['results'] if x['file']=='b-revoked.json'][0]
assert r['verdict']=='invalid' and r['firstFailingCheck'].startswith('status: revoked') and r['result']['verified'] is False"
expect 1 "^invalid   b-revoked.json  status: revoked" vf "$D"
rm "$D/b-revoked.json" "$D/d-garbage.json"
expect 3 "^undecided c-unreachable.json" vf "$D"
rm "$D/c-unreachable.json"
expect 0 "^valid     a-active.json" vf "$D"
expect 2 "--report wants a file ending in .csv or .json" vf --report "$T/out.txt" "$D"
mkdir "$T/empty"
expect 0 "" vf --report "$T/e.csv" "$T/empty"
check "empty directory: header only" test "$(wc -l <"$T/e.csv")" -eq 1

# ---- usage ----
expect 2 "invalid --timeout" vf --timeout 0 "$C/plain.json"
expect 2 "invalid --timeout" vf --timeout abc "$C/plain.json"
expect 2 "invalid --timeout" vf --timeout 601 "$C/plain.json"

kill $SPID 2>/dev/null
done_tests
