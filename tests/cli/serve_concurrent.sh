#!/bin/sh
# ob-issuer serve and a roster run on the same SQLite home at the same time
# (issue 16): `issue --roster` of 50 rows while serve is up, with ob-wallet
# receive redeeming offers (OpenID4VCI with a PIN, and the VC-API exchange)
# in parallel, all succeed; the roster run never fails with "database is
# locked" (README, man page), every credential is logged once, and the
# server keeps working after. Runs on PostgreSQL too
# (OBKIT_PG_SCRIPTS=serve_concurrent sh tests/cli/issuer_backends.sh).
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
TOOLS=$BIN/../tests/tools
[ -x "$TOOLS/tls_proxy" ] || TOOLS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/tools
PROXY=$TOOLS/tls_proxy
if [ ! -x "$PROXY" ]; then
	bad "no tests/tools/tls_proxy in $TOOLS (make tests-build)"
	done_tests
	exit
fi
for tool in openssl python3; do
	command -v $tool >/dev/null 2>&1 || { bad "$tool is needed"; done_tests; exit; }
done

H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
printf 'Correct horse battery staple 42\n' >"$T/pass"
wl() { "$WL" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }

test_ca
"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PPID_=$!
SPID=
RPID=
trap 'kill $PPID_ $SPID $RPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
expect 0 "" "$WL" --home "$T/wallet" --passphrase-file "$T/pass" init --kdf-cost test
WDID=$(wl whoami)
# a credential issued first, so status list 1 exists and is published
# (the wallet checks a received credential's status: --doc)
expect 0 "" is issue --achievement weld-101 --recipient first@example.com -o "$T/first.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')

# offer NAME [OPTIONS]: an offer made for NAME; LINK, PIN and OID
offer() {
	n=$1
	shift
	is offer create --achievement weld-101 --recipient "$n@example.com" --name "$n" --server "$U" "$@" \
		>"$T/$n.offer" 2>"$T/$n.err" || bad "offer create $n: $(cat "$T/$n.err")"
	LINK=$(sed -n 's/^link: //p' "$T/$n.offer")
	PIN=$(sed -n 's/^pin: //p' "$T/$n.offer")
	OID=$(sed -n 's/^id: //p' "$T/$n.offer")
	printf '%s\n' "$PIN" >"$T/$n.pin"
}
offer ana --pin
ANA=$OID
ANALINK=$LINK
offer ben
BEN=$OID
BENLCW=$(sed -n 's/^lcw_link: //p' "$T/ben.offer")
check "the PIN-less offer has an LCW link" test -n "$BENLCW"

rm -f "$T/bport"
"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$U" --port-file "$T/bport" 2>>"$T/serve.log" &
SPID=$!
i=0
while [ ! -s "$T/bport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/bport" ] || bad "ob-issuer serve did not start: $(tail -n 2 "$T/serve.log")"

awk 'BEGIN {
	print "name,recipient,achievement"
	for (i = 0; i < 50; i++)
		printf "Learner %d,learner%d@example.edu,weld-101\n", i, i
}' >"$T/roster.csv"

# ---- the roster run and two redemptions at once ----
"$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/rout" >"$T/roster.out" 2>"$T/roster.err" &
RPID=$!
wl receive --cacert "$T/ca.pem" --pin-file "$T/ana.pin" $DOCS "$ANALINK" >"$T/r1.out" 2>"$T/r1.err" &
W1=$!
wl receive --cacert "$T/ca.pem" $DOCS "$BENLCW" >"$T/r2.out" 2>"$T/r2.err" &
W2=$!
wait "$W1"
w1=$?
wait "$W2"
w2=$?
wait "$RPID"
rst=$?
RPID=
check "issue --roster of 50 rows while serve is up exits 0 (got $rst: $(tail -n 1 "$T/roster.err"))" \
	test "$rst" -eq 0
check "  ...and never says the database is locked" sh -c "! grep -qi 'database is locked' '$T/roster.err'"
check "  ...and signs the 50 credentials" sh -c \
	"[ \$(ls '$T/rout' | grep -c '^[0-9a-f-]*\\.json\$') -eq 50 ]"
check "ob-wallet receive with a PIN during the run succeeds (exit $w1: $(tail -n 1 "$T/r1.err"))" \
	sh -c "[ $w1 -eq 0 ] && grep -q '^urn:uuid:' '$T/r1.out' '$T/r1.err'"
check "ob-wallet receive the VC-API way during the run succeeds (exit $w2: $(tail -n 1 "$T/r2.err"))" \
	sh -c "[ $w2 -eq 0 ] && grep -q '^urn:uuid:' '$T/r2.out' '$T/r2.err'"
expect 0 "$ANA +issued" is offer list
expect 0 "$BEN +issued" is offer list
is list --json >"$T/list.json" 2>/dev/null
check "the issuer's log holds the 53 credentials, each once" python3 -c "
import json,sys; d=json.load(open('$T/list.json')); ids=[c['id'] for c in d['credentials']]
sys.exit(d['count'] != 53 or len(set(ids)) != 53)"
for r in r1 r2; do
	id=$(grep -h -m 1 -o '^urn:uuid:[0-9a-f-]*' "$T/$r.out" "$T/$r.err" | head -n 1)
	check "the credential received during the run ($r) is stored, bound to the wallet's DID" python3 -c "
import json,subprocess,sys
c=json.loads(subprocess.run(['$WL','--home','$T/wallet','--passphrase-file','$T/pass','export','$id'],capture_output=True).stdout)
sys.exit(c['credentialSubject']['id'] != '$WDID')"
done

# ---- the server still works after, and a second run alongside it too ----
offer cid --pin
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/cid.pin" $DOCS "$LINK"
expect 0 "50 rows" is issue --roster "$T/roster.csv" -o "$T/rout"
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
src=$?
SPID=
check "serve exits 0 on SIGTERM (got $src: $(grep -m 2 -e ERROR -e SUMMARY "$T/serve.log"))" test "$src" -eq 0
done_tests
