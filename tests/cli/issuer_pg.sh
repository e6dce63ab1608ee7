#!/bin/sh
# ob-issuer on PostgreSQL (issue 17): several issuing nodes, one database.
# A private server is started here (tests/tools/pgserver.sh: Debian's
# postgresql, initdb + pg_ctl in a temp dir as an unprivileged user); if
# it cannot start, that is a failure with the reason, never a skip.
#
# Four nodes (four homes holding copies of one keys/ directory) issue a
# 20,000-row roster split with --shard K/4; one is killed with kill -9
# mid-run and its share is resumed by another node. Then: 20,000
# credentials, 20,000 distinct ids and status slots, nothing logged twice,
# every one verifies with the lists another node publishes, revocation
# from any node, and a database that is down stops issuing with a clear
# error and nothing half-written.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
ROWS=${OBKIT_PG_ROWS:-20000}
top=$(cd "$(dirname "$0")/../.." && pwd)
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }
chmod 711 "$T"
PGD="$T/pg"
trap 'sh "$top/tests/tools/pgserver.sh" stop "$PGD" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! URL=$(sh "$top/tests/tools/pgserver.sh" start "$PGD" 2>"$T/pgerr"); then
	bad "the PostgreSQL server did not start: $(cat "$T/pgerr")"
	done_tests
	exit 1
fi
sql() { psql "$URL" -Atc "$1" 2>&1; }
export OBKIT_ISSUER_DB="$URL"

# ---- one issuer, four nodes ----
expect 0 "^did:key:" "$IS" --home "$T/n1" init --name "State Skills Program" --url https://skills.example.gov
expect 3 "an issuer already exists in the PostgreSQL database" "$IS" --home "$T/n2" init --name Other --url https://o.example
check "a refused init writes no key" test ! -e "$T/n2/keys/key-1.json"
expect 3 "no key file .*: every issuing node needs a copy" "$IS" --home "$T/n2" issue --achievement x --recipient a@b.c
for n in 2 3 4; do
	mkdir -p "$T/n$n"
	cp -a "$T/n1/keys" "$T/n$n/"
done
check "the URI's password would not be printed: messages name 'the PostgreSQL database'" \
	sh -c "! '$IS' --home '$T/n2' --db 'postgresql://u:secretpw@127.0.0.1:1/x' status urn:uuid:00000000-0000-0000-0000-000000000000 2>&1 | grep -q secretpw"
expect 0 "" "$IS" --home "$T/n2" achievement add --id cna --name "Certified Nursing Assistant" \
	--description "State-certified nursing assistant" --criteria "Pass the state exam"
expect 0 "" "$IS" --home "$T/n3" achievement add --id phleb --name "Phlebotomy" --description "Blood draws" \
	--criteria "40 supervised draws"
expect 0 "^cna" "$IS" --home "$T/n4" achievement list

awk -v n="$ROWS" 'BEGIN {
	print "name,recipient,achievement"
	for (i = 0; i < n; i++)
		printf "Learner %d,l%d@learners.example.org,%s\n", i, i, (i % 3 ? "cna" : "phleb")
}' >"$T/roster.csv"

# ---- four nodes at once; node 2 is killed mid-run ----
for k in 1 2 3 4; do
	"$IS" --home "$T/n$k" issue --roster "$T/roster.csv" --shard "$k/4" -o "$T/out$k" --jobs 1 \
		>"$T/log$k" 2>&1 &
	eval "pid$k=\$!"
done
i=0
# the writer writes each batch's files once it is logged
while [ "$i" -lt 600 ] && [ -z "$(ls "$T/out2" 2>/dev/null | grep -m 1 '\.json$')" ]; do
	sleep 0.05
	i=$((i + 1))
done
killed=0
kill -9 "$pid2" 2>/dev/null && killed=1
wait "$pid2" 2>/dev/null
check "node 2 was killed mid-run (after its first batch, before its end)" test "$killed" = 1 -a \
	! -e "$T/out2/manifest-2-of-4.jsonl"
for k in 1 3 4; do
	eval "p=\$pid$k"
	wait "$p"
	rc=$?
	check "node $k's share issued (exit $rc): $(tail -n 1 "$T/log$k")" test "$rc" = 0
	check "node $k's summary" grep -qE "rows: [0-9]+ issued, 0 already issued, 0 bad" "$T/log$k"
done
# node 4 resumes node 2's share into node 2's directory
expect 0 "[0-9]+ issued, [1-9][0-9]* already issued, 0 bad" \
	"$IS" --home "$T/n4" issue --roster "$T/roster.csv" --shard 2/4 -o "$T/out2"
expect 0 "0 issued, [0-9]+ already issued, 0 bad" \
	"$IS" --home "$T/n3" issue --roster "$T/roster.csv" --shard 2/4 -o "$T/out2"

check "manifests: $ROWS rows, distinct ids and status slots, every file present" python3 - "$T" "$ROWS" <<'PY'
import json, os, sys
t, rows = sys.argv[1], int(sys.argv[2])
ids, slots, recips = set(), set(), set()
n = 0
for k in range(1, 5):
    d = os.path.join(t, 'out%d' % k)
    for l in open(os.path.join(d, "manifest-%d-of-4.jsonl" % k)):
        r = json.loads(l)
        assert 'error' not in r, r
        n += 1
        c = json.load(open(os.path.join(d, r['file'])))
        assert c['id'] == r['id']
        ids.add(c['id'])
        recips.add(r['recipient'])
        s = c['credentialStatus']
        s = s[0] if isinstance(s, list) else s
        slots.add((s['statusListCredential'], int(s['statusListIndex'])))
assert n == rows, (n, rows)
assert len(ids) == rows and len(slots) == rows and len(recips) == rows, (len(ids), len(slots), len(recips))
PY
check "the log: $ROWS rows, nothing logged twice, distinct slots" test \
	"$(sql "select count(*), count(distinct row_key), count(distinct (status_list, status_index)) from issued where row_key is not null")" = "$ROWS|$ROWS|$ROWS"

# ---- publish from node 3; revoke from node 1, publish from node 2 ----
expect 0 "" "$IS" --home "$T/n3" publish "$T/site"
cp "$T/out" "$T/map"
mkdir "$T/all"
for k in 1 2 3 4; do ln "$T/out$k"/*.json "$T/all/"; done
expect 0 "" "$VF" verify -q $(docs "$T/map") --report "$T/report.csv" "$T/all"
check "all $ROWS credentials verify with the published lists" \
	test "$(grep -c '^"[^"]*\.json","valid","credential"' "$T/report.csv")" = "$ROWS"
one=$(ls "$T/out3" | grep '\.json$' | head -n 1)
expect 0 "" "$IS" --home "$T/n1" revoke "urn:uuid:${one%.json}" --reason "issued in error"
expect 0 "revoked" "$IS" --home "$T/n4" status "urn:uuid:${one%.json}"
expect 0 "" "$IS" --home "$T/n2" publish "$T/site2"
cp "$T/out" "$T/map2"
expect 1 "revoked" "$VF" verify $(docs "$T/map2") "$T/out3/$one"

# ---- a single issue from two nodes at once: distinct slots ----
"$IS" --home "$T/n1" issue --achievement cna --recipient s1@x.org -o "$T/s1.json" >/dev/null 2>&1 &
p=$!
"$IS" --home "$T/n2" issue --achievement cna --recipient s2@x.org -o "$T/s2.json" >/dev/null 2>&1
wait "$p"
check "two nodes' single issues took distinct slots" python3 - "$T/s1.json" "$T/s2.json" <<'PY'
import json, sys
a, b = (json.load(open(f))['credentialStatus'] for f in sys.argv[1:])
a, b = (x[0] if isinstance(x, list) else x for x in (a, b))
assert (a['statusListCredential'], a['statusListIndex']) != (b['statusListCredential'], b['statusListIndex'])
PY

# ---- the database is unreachable: a clear error, nothing written ----
sh "$top/tests/tools/pgserver.sh" stop "$PGD" >/dev/null 2>&1
expect 3 "cannot connect to the issuer database" "$IS" --home "$T/n1" issue --achievement cna \
	--recipient late@x.org -o "$T/late.json"
check "no credential file when the database is down" test ! -e "$T/late.json"
expect 3 "cannot connect to the issuer database" "$IS" --home "$T/n1" issue --roster "$T/roster.csv" \
	--shard 1/4 -o "$T/out-down"
check "no roster output when the database is down" test ! -e "$T/out-down/manifest-1-of-4.jsonl"

done_tests
