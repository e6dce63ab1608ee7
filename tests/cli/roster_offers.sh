#!/bin/sh
# issue --roster FILE -o DIR --offers (issue 16, Build item 1): a roster run
# makes one OpenID4VCI offer per row; the manifest and the mail merge get
# the links, DIR/pins.csv (0600) the PINs; a re-run makes no second offer;
# a bad row names its line and makes none at all; a roster-made offer draws
# as a QR code and is redeemed end to end by ob-wallet receive against
# ob-issuer serve (behind tests/tools/tls_proxy, as in delivery.sh), after
# which a re-run reports the row issued. Runs on PostgreSQL too
# (OBKIT_PG_SCRIPTS=roster_offers sh tests/cli/issuer_backends.sh).
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
WL="$BIN/ob-wallet"
VF="$BIN/ob-verifier"
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
WH="$T/wallet"
wl() { "$WL" --home "$WH" --passphrase-file "$T/pass" "$@"; }

test_ca
"$PROXY" --cert "$T/srv.pem" --key "$T/srv.key" --port-file "$T/pport" --backend-port-file "$T/bport" &
PPID_=$!
SPID=
trap 'kill $PPID_ $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
U=https://127.0.0.1:$(cat "$T/pport")

# offers: how many offers the issuer has (offer list --json)
offers() { is offer list --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# man DIR N KEY: row N's KEY in DIR/manifest.jsonl
man() { python3 -c "import json,sys; print(json.loads(open('$1/manifest.jsonl').readlines()[$2]).get('$3', ''))"; }
# mmc FILE N COLUMN: the mail merge's row N, column COLUMN
mmc() { python3 -c "import csv,sys; print(list(csv.DictReader(open('$1')))[$2]['$3'])"; }
# pinof DIR OFFER_ID: its PIN in DIR/pins.csv
pinof() { python3 -c "import csv,sys; print([r['pin'] for r in csv.DictReader(open('$1/pins.csv')) if r['offer_id']=='$2'][0])"; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam"
# a credential issued the usual way first, so status list 1 exists and is published
expect 0 "" is issue --achievement weld-101 --recipient first@example.com -o "$T/first.json"
is publish "$T/site" >"$T/map" 2>/dev/null
DOCS=$(grep -E '^https://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ')

# ---- usage ----
printf 'name,recipient,achievement\nDan Ode,dan@example.com,weld-101\n"Eze, Ama",eze@example.com,weld-101\nFay Lu,did:example:fay,weld-101\n' >"$T/roster.csv"
expect 2 "--offers goes with --roster" is issue --achievement weld-101 --recipient a@example.com --offers
expect 2 "--no-pin goes with --roster --offers" is issue --roster "$T/roster.csv" -o "$T/x" --no-pin
expect 2 "--server goes with --roster --offers" is issue --roster "$T/roster.csv" -o "$T/x" --server "$U"
expect 2 "does not take --shard" is issue --roster "$T/roster.csv" -o "$T/x" --offers --shard 1/2
expect 2 "does not take --suite" is issue --roster "$T/roster.csv" -o "$T/x" --offers --suite eddsa-jcs-2022
expect 2 "--expires-in wants" is issue --roster "$T/roster.csv" -o "$T/x" --offers --expires-in 3x
expect 2 "not an https URL" is issue --roster "$T/roster.csv" -o "$T/x" --offers --server http://x.example
check "no directory from the refusals" test ! -e "$T/x"
check "no offer from the refusals" test "$(offers)" = 0

# ---- a bad row: named by its line, no offer at all ----
printf 'name,recipient,achievement,result\nAl,al@example.com,weld-101,\nBo,not-a-person,weld-101,\nCy,cy@example.com,weld-101,93\nAl,al@example.com,weld-101,\n' >"$T/bad.csv"
expect 1 "bad.csv:3: recipient 'not-a-person'" is issue --roster "$T/bad.csv" -o "$T/bad" --offers --server "$U"
check "  ...and line 4 (a result: only a signed file carries it)" grep -q "bad.csv:4: an offer carries name, recipient and achievement only" "$T/out"
check "  ...and line 5 (a duplicate of line 2)" grep -q "bad.csv:5: duplicate of line 2" "$T/out"
check "  ...no offer made" test "$(offers)" = 0
check "  ...no manifest, no pins.csv" sh -c "[ ! -e '$T/bad/manifest.jsonl' ] && [ ! -e '$T/bad/pins.csv' ]"

# ---- a roster of 3 ----
"$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/out1" --offers --server "$U" --mail-merge "$T/mail.csv" \
	>"$T/run1.out" 2>"$T/run1.err"
check "a roster of 3 with --offers exits 0" test $? -eq 0
check "  ...prints the manifest's path" grep -qx "$T/out1/manifest.jsonl" "$T/run1.out"
check "  ...says 3 offered" grep -q "3 rows: 3 offered, 0 already offered" "$T/run1.err"
check "  ...three offers" test "$(offers)" = 3
check "  ...no credential file written" sh -c "[ \$(ls '$T/out1' | grep -vc -e '^manifest.jsonl\$' -e '^pins.csv\$') = 0 ]"
check "  ...manifest: three rows offered, each with offer_id, claim_url and expires" python3 -c "
import json,re,sys
r=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
sys.exit(len(r)!=3 or [x['line'] for x in r]!=[2,3,4] or not all(x['state']=='offered' and re.fullmatch('[0-9a-f]{16}',x['offer_id'])
 and x['claim_url'].startswith('openid-credential-offer://?credential_offer_uri=https%3A%2F%2F127.0.0.1') and x['expires'].endswith('Z') for x in r))"
check "  ...the offers are the issuer's open ones" python3 -c "
import json,subprocess,sys
m=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
o={x['id']:x for x in json.loads(subprocess.run(['$IS','--home','$H','offer','list','--json'],capture_output=True).stdout)}
sys.exit(not all(x['offer_id'] in o and o[x['offer_id']]['state']=='open' and o[x['offer_id']]['recipient']==x['recipient'] for x in m))"
check "  ...mail merge: claim_url filled, the manifest's link, row by row" python3 -c "
import csv,json,sys
m=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
r=list(csv.DictReader(open('$T/mail.csv')))
sys.exit(len(r)!=3 or r[1]['name']!='Eze, Ama' or [x['claim_url'] for x in r]!=[x['claim_url'] for x in m] or [x['offer_id'] for x in r]!=[x['offer_id'] for x in m] or any(x['state']!='offered' for x in r))"
check "  ...the mail merge is 0600" test "$(stat -c %a "$T/mail.csv")" = 600
check "  ...pins.csv is 0600" test "$(stat -c %a "$T/out1/pins.csv")" = 600
check "  ...pins.csv: recipient,offer_id,pin for each of the three" python3 -c "
import csv,json,re,sys
m=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
p=list(csv.DictReader(open('$T/out1/pins.csv')))
sys.exit(len(p)!=3 or [(x['recipient'],x['offer_id']) for x in p]!=[(x['recipient'],x['offer_id']) for x in m] or not all(re.fullmatch('[0-9]{6}',x['pin']) for x in p))"
python3 -c "import csv; [print(r['pin']) for r in csv.DictReader(open('$T/out1/pins.csv'))]" >"$T/pins1"
check "  ...no PIN in the manifest, the mail merge or the run's output" sh -c "
	! grep -q -F -f '$T/pins1' '$T/out1/manifest.jsonl' '$T/mail.csv' '$T/run1.out' '$T/run1.err'"
if sqlite_only; then
	check "  ...no PIN in the database in clear" sh -c "! grep -qa -F -f '$T/pins1' '$H/issuer.db'"
fi
OID0=$(man "$T/out1" 0 offer_id)
OID1=$(man "$T/out1" 1 offer_id)
OID2=$(man "$T/out1" 2 offer_id)

# ---- the same roster again: no second offer ----
cp "$T/out1/pins.csv" "$T/pins.before"
expect 0 "3 rows: 0 offered, 3 already offered" is issue --roster "$T/roster.csv" -o "$T/out1" --offers --server "$U" \
	--mail-merge "$T/mail.csv"
check "a re-run makes no new offer" test "$(offers)" = 3
check "  ...its manifest: the same offers, already offered, the same links" python3 -c "
import csv,json,sys
m=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
r=list(csv.DictReader(open('$T/mail.csv')))
sys.exit([x['offer_id'] for x in m]!=['$OID0','$OID1','$OID2'] or any(x['state']!='already offered' for x in m)
 or [x['claim_url'] for x in r]!=[x['claim_url'] for x in m])"
check "  ...pins.csv unchanged" cmp -s "$T/pins.before" "$T/out1/pins.csv"
"$IS" --home "$H" issue --roster "$T/roster.csv" -o "$T/out1" --offers --server "$U" --json >"$T/run.json" 2>/dev/null
check "  ...--json: nothing offered, the pins file named" python3 -c "
import json,sys; j=json.load(open('$T/run.json')); sys.exit(j['offered']!=0 or j['alreadyOffered']!=3 or j['rows']!=3 or j['pins']!='$T/out1/pins.csv' or j['manifest']!='$T/out1/manifest.jsonl')"
check "  ...still three offers" test "$(offers)" = 3
# another output directory: the offers are the database's, not the directory's
expect 0 "0 offered, 3 already offered" is issue --roster "$T/roster.csv" -o "$T/out1b" --offers --server "$U"
check "  ...another -o DIR makes none either" test "$(offers)" = 3

# ---- the QR code of a roster-made offer ----
expect 0 "" is offer "$OID0" --server "$U" --qr --png "$T/row0.png"
check "offer ID --qr --png draws a roster-made offer" sh -c "head -c 8 '$T/row0.png' | od -An -c | grep -q 'P   N   G'"

# serve / stop: ob-issuer serve behind the proxy; stopped with SIGTERM it must
# exit 0 (under ASan: no leak, no error)
serve() { issuer_serve; }
stop() { issuer_stop; }

# ---- redeemed end to end: serve, ob-wallet receive with the PIN from pins.csv ----
serve
expect 0 "" "$WL" --home "$WH" --passphrase-file "$T/pass" init --kdf-cost test
WDID=$(wl whoami)
pinof "$T/out1" "$OID0" >"$T/row0.pin"
mmc "$T/mail.csv" 1 claim_url >"$T/row1.link"
pinof "$T/out1" "$OID1" >"$T/row1.pin"
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/row0.pin" $DOCS "$T/row0.png"
ID0=$(grep '^urn:uuid:' "$T/out")
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" --pin-file "$T/row1.pin" --format jwt_vc_json $DOCS "$T/row1.link"
ID1=$(grep '^urn:uuid:' "$T/out")
wl export "$ID0" >"$T/got0" 2>/dev/null || bad "export $ID0"
check "the credential of row 2 is bound to the wallet's DID" python3 -c "
import json,sys; c=json.load(open('$T/got0')); sys.exit(c['credentialSubject']['id']!='$WDID' or c['credentialSubject']['achievement']['id'].find('weld-101')<0)"
expect 0 "^VALID" "$VF" verify $DOCS "$T/got0"
expect 0 "$OID0 +issued +weld-101 +dan@example.com" is offer list
expect 1 "already used" wl receive --cacert "$T/ca.pem" --pin-file "$T/row0.pin" $DOCS "$T/row0.png"
stop
check "the PIN-offer mail merge has no lcw_link column" sh -c "head -n 1 '$T/mail.csv' | grep -qv lcw_link"

# ---- a re-run after the claims: the manifest says what became of each ----
expect 0 "0 offered, 1 already offered, 2 claimed" is issue --roster "$T/roster.csv" -o "$T/out1" --offers \
	--server "$U" --mail-merge "$T/mail.csv"
check "no new offer after the claims" test "$(offers)" = 3
check "  ...manifest: issued (with the credential), issued, already offered" python3 -c "
import json,sys
m=[json.loads(l) for l in open('$T/out1/manifest.jsonl')]
sys.exit([x['state'] for x in m]!=['issued','issued','already offered'] or m[0].get('credential')!='$ID0' or m[1].get('credential')!='$ID1'
 or 'claim_url' in m[0] or m[2]['offer_id']!='$OID2')"
check "  ...the mail merge lists only the offer still open" python3 -c "
import csv,sys; r=list(csv.DictReader(open('$T/mail.csv'))); sys.exit(len(r)!=1 or r[0]['offer_id']!='$OID2')"

# ---- revoked stays revoked; expired unclaimed is offered again ----
expect 0 "" is offer revoke "$OID2"
expect 0 "0 offered, 0 already offered, 2 claimed, 1 revoked" is issue --roster "$T/roster.csv" -o "$T/out1" --offers \
	--server "$U"
check "a revoked offer is not made again" test "$(offers)" = 3
printf 'name,recipient,achievement\nGil,gil@example.com,weld-101\n' >"$T/short.csv"
expect 0 "1 offered" is issue --roster "$T/short.csv" -o "$T/short" --offers --server "$U" --expires-in 1s
GOID=$(man "$T/short" 0 offer_id)
sleep 2
expect 0 "1 offered, 0 already offered" is issue --roster "$T/short.csv" -o "$T/short" --offers --server "$U"
check "an offer that expired unclaimed is made again, with a new PIN line" python3 -c "
import csv,json,sys
m=[json.loads(l) for l in open('$T/short/manifest.jsonl')]
p=list(csv.DictReader(open('$T/short/pins.csv')))
sys.exit(len(m)!=1 or m[0]['state']!='offered' or m[0]['offer_id']=='$GOID' or [x['offer_id'] for x in p]!=['$GOID',m[0]['offer_id']])"
check "  ...five offers now" test "$(offers)" = 5

# ---- --no-pin; a row a signing run issued ----
printf 'name,recipient,achievement\nHal,hal@example.com,weld-101\n' >"$T/nopin.csv"
expect 2 "--lcw goes with --roster --offers" is issue --roster "$T/nopin.csv" -o "$T/nopin" --lcw
expect 0 "1 offered" is issue --roster "$T/nopin.csv" -o "$T/nopin" --offers --server "$U" --no-pin \
	--mail-merge "$T/nopin.csv.mm"
check "--no-pin: no pins.csv" test ! -e "$T/nopin/pins.csv"
NOID=$(man "$T/nopin" 0 offer_id)
check "  ...the offer has no PIN" test "$(dbq "$H" "SELECT count(*) FROM offers WHERE id = '$NOID' AND pin IS NULL")" = 1
check "  ...the manifest and the mail merge's last column have its LCW link (VC-API exchange and OpenID4VCI offer)" python3 -c "
import csv,json,sys,urllib.parse
m=json.loads(open('$T/nopin/manifest.jsonl').readline())
r=list(csv.reader(open('$T/nopin.csv.mm')))
p='https://lcw.app/request?request='
l=m.get('lcw_link','')
q=json.loads(urllib.parse.unquote(l[len(p):])) if l.startswith(p) else {}
sys.exit(r[0][-1]!='lcw_link' or r[1][-1]!=l or not q.get('protocols',{}).get('vcapi','').startswith('$U/exchanges/')
 or q['protocols'].get('OID4VCI')!=m['claim_url'])"
serve
expect 0 "^urn:uuid:" wl receive --cacert "$T/ca.pem" $DOCS "$(man "$T/nopin" 0 lcw_link)"
check "  ...ob-wallet receive takes it the VC-API way" grep -q "received 1 credential from $U" "$T/out"
stop
expect 0 "0 offered, 0 already offered, 1 claimed" is issue --roster "$T/nopin.csv" -o "$T/nopin" --offers \
	--server "$U" --no-pin
printf 'name,recipient,achievement\nJo,jo@example.com,weld-101\n' >"$T/lcw.csv"
expect 0 "1 offered" is issue --roster "$T/lcw.csv" -o "$T/lcw" --offers --server "$U" --lcw
check "--lcw: a PIN offer with an LCW link naming its exchange only (LCW types no PIN)" python3 -c "
import json,sys,urllib.parse
m=json.loads(open('$T/lcw/manifest.jsonl').readline())
q=json.loads(urllib.parse.unquote(m['lcw_link'].split('request=',1)[1]))
sys.exit('OID4VCI' in q['protocols'] or not q['protocols']['vcapi'].startswith('$U/exchanges/'))"
check "  ...and its PIN in pins.csv" test "$(grep -c jo@example.com "$T/lcw/pins.csv")" = 1
printf 'name,recipient,achievement\nIda,ida@example.com,weld-101\n' >"$T/signed.csv"
expect 0 "1 issued" is issue --roster "$T/signed.csv" -o "$T/signed"
expect 0 "0 offered, 0 already offered, 0 claimed, 0 revoked or locked, 1 already issued" \
	is issue --roster "$T/signed.csv" -o "$T/signed-offers" --offers --server "$U"
check "a row a signing run issued gets no offer" test "$(offers)" = 7
check "  ...its manifest row is already issued, with the credential's id" python3 -c "
import json,sys; m=json.loads(open('$T/signed-offers/manifest.jsonl').readline()); sys.exit(m['state']!='already issued' or not m['id'].startswith('urn:uuid:'))"

# ---- kill -9 mid-run: no offer without its PIN, and the re-run completes ----
python3 -c "
print('name,recipient,achievement')
for i in range(8000): print(f'Learner {i},l{i}@example.edu,weld-101')" >"$T/big.csv"
BEFORE=$(offers)
"$IS" --home "$H" issue --roster "$T/big.csv" -o "$T/big" --offers --server "$U" >/dev/null 2>"$T/big.err" &
BPID=$!
# killed once a batch's PINs are on disk (before or after that batch commits)
i=0
while [ "$(cat "$T/big/pins.csv" 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
kill -9 $BPID 2>/dev/null
wait $BPID 2>/dev/null
check "the big run was killed mid-run (exit 137)" test $? -eq 137
is offer list --json >"$T/big.list" 2>/dev/null
check "  ...every offer it made has its PIN in pins.csv" python3 -c "
import csv,json,sys
have={r['offer_id'] for r in csv.DictReader(open('$T/big/pins.csv'))}
made=[o['id'] for o in json.load(open('$T/big.list')) if o['recipient'].endswith('@example.edu')]
sys.exit(len(made)>=8000 or not set(made)<=have)"
expect 0 "8000 rows: " is issue --roster "$T/big.csv" -o "$T/big" --offers --server "$U"
check "  ...the re-run completes: one offer per row, each with one PIN line" python3 -c "
import csv,json,subprocess,sys
o=[x for x in json.loads(subprocess.run(['$IS','--home','$H','offer','list','--json'],capture_output=True).stdout) if x['recipient'].endswith('@example.edu')]
p=list(csv.DictReader(open('$T/big/pins.csv')))
ids=[r['offer_id'] for r in p]
m=[json.loads(l) for l in open('$T/big/manifest.jsonl')]
sys.exit(len(o)!=8000 or len({x['recipient'] for x in o})!=8000 or not {x['id'] for x in o}<=set(ids) or len(ids)!=len(set(ids))
 or len(m)!=8000 or {x['offer_id'] for x in m}!={x['id'] for x in o})"
check "  ...$((BEFORE + 8000)) offers in all" test "$(offers)" = $((BEFORE + 8000))
# ---- a signing run after --offers: an offered row gets no file as well ----
printf 'name,recipient,achievement\nGil Ray,gil@example.com,weld-101\nHal Sun,hal@example.com,weld-101\n' >"$T/both.csv"
expect 0 "" is issue --roster "$T/both.csv" -o "$T/both-offers" --offers --server "$U"
GIL=$(man "$T/both-offers" 0 offer_id)
HAL=$(man "$T/both-offers" 1 offer_id)
expect 0 "" is offer revoke "$HAL"
N0=$(offers)
expect 1 "both.csv:2: already offered \(offer $GIL\), not signed; revoke the offer to sign a file" \
	is issue --roster "$T/both.csv" -o "$T/both-files"
check "  ...the row whose offer was revoked is signed as a file, the offered one is not" python3 -c "
import json,sys
m=[json.loads(l) for l in open('$T/both-files/manifest.jsonl')]
ok=[x for x in m if x.get('state')=='issued']
sys.exit(len(ok)!=1 or ok[0]['recipient']!='hal@example.com' or not any('already offered' in x.get('error','') for x in m))"
check "  ...and no offer is made or changed" test "$(offers)" = "$N0"
check "  ...the offered row's offer is still open" python3 -c "
import json,subprocess,sys
o=[x for x in json.loads(subprocess.run(['$IS','--home','$H','offer','list','--json'],capture_output=True).stdout) if x['id']=='$GIL']
sys.exit(len(o)!=1 or o[0]['state']!='open')"
done_tests
