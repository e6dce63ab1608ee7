#!/bin/sh
# ob-issuer issue --roster: 1,000 rows that all verify, the manifest, re-runs
# that issue nothing twice, kill -9 at random points then resume, and bad
# rosters that are reported line by line without losing a good row.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam"
expect 0 "" is achievement add --id cad-200 --name "CAD Drafting" --description "2D drafting" --criteria "Submit a drawing set"

# 1,000 rows, columns in an unusual order, every optional column used,
# e-mail and DID recipients, quoted names with commas, CRLF line ends
python3 - "$T/r1000.csv" <<'PY'
import sys
with open(sys.argv[1], 'w', newline='') as f:
    f.write('achievement,name,recipient,result,evidence,valid_until\r\n')
    for i in range(1000):
        ach = 'weld-101' if i % 3 else 'cad-200'
        rcp = 'did:example:learner%d' % i if i % 4 == 0 else 'student%d@example.edu' % i
        ev = 'https://portfolio.example.edu/%d' % i if i % 5 == 0 else ''
        vu = '2031-06-01T00:00:00Z' if i % 7 == 0 else ''
        f.write('%s,"Learner %d, Jr.",%s,%d,%s,%s\r\n' % (ach, i, rcp, 50 + i % 50, ev, vu))
PY
expect 0 "1000 rows: 1000 issued, 0 already issued, 0 bad; .* credentials/s" is issue --roster "$T/r1000.csv" -o "$T/rout" --jobs 2
check "stdout names the manifest" grep -q "^$T/rout/manifest.jsonl$" "$T/out"
check "no progress bar when stderr is not a terminal" sh -c "! grep -q 'ETA' '$T/out'"
check "1,000 credential files" test "$(ls "$T/rout" | grep -c '\.json$')" = 1000
check "no temp files left" sh -c "! ls -A '$T/rout' | grep -q tmp"
# every file: valid JSON, named by its id, matching its manifest line
check "manifest and files agree (ids, indices unique)" python3 - "$T/rout" <<'PY'
import json, os, sys
d = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(d, 'manifest.jsonl'))]
assert len(rows) == 1000, len(rows)
assert [r['line'] for r in rows] == list(range(2, 1002))
ids, slots = set(), set()
for i, r in enumerate(rows):
    assert r['state'] == 'issued', r
    c = json.load(open(os.path.join(d, r['file'])))
    assert c['id'] == r['id'] and r['file'] == r['id'][9:] + '.json'
    assert r['id'][23] == '7', 'roster ids are UUID v7 (time-ordered)'
    s = c['credentialStatus']
    assert s['statusPurpose'] == 'revocation' and int(s['statusListIndex']) == r['statusListIndex']
    subj = c['credentialSubject']
    assert subj['name'] == 'Learner %d, Jr.' % i
    assert subj['result'][0]['value'] == str(50 + i % 50)
    assert subj['achievement']['name'] == ('Welding Fundamentals' if i % 3 else 'CAD Drafting')
    if i % 4 == 0:
        assert subj['id'] == 'did:example:learner%d' % i
    else:
        assert subj['identifier'][0]['identityType'] == 'emailAddress'
    assert ('evidence' in c) == (i % 5 == 0)
    assert ('validUntil' in c) == (i % 7 == 0)
    ids.add(r['id']); slots.add((r['statusList'], r['statusListIndex']))
assert len(ids) == 1000 and len(slots) == 1000
PY
check "the log holds 1,000 roster rows" test \
	"$(dbq "$H" 'select count(*) from issued where row_key is not null and credential is not null')" = 1000

expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map"
# verify every one of the 1,000 (each also verifies the signed status
# list) in one verifier run over a directory of them, then a few one by one
mkdir "$T/vall"
ln "$T"/rout/*.json "$T/vall/"
expect 0 "" "$VF" verify -q $(docs "$T/map") --report "$T/report.csv" "$T/vall"
check "all 1,000 roster credentials verify" test "$(grep -c '^"[^"]*\.json","valid","credential"' "$T/report.csv")" = 1000
check "no status check left open" sh -c "! grep -q 'status: could not' '$T/report.csv'"
n=0
for f in $(ls "$T"/rout/*.json | head -n 5); do
	"$VF" verify $(docs "$T/map") "$f" >"$T/v1" 2>&1 && grep -q "not revoked" "$T/v1" && n=$((n + 1))
done
check "single verifications pass with the status checked" test "$n" = 5

# revoke one; it alone turns invalid
F1=$(sed -n 10p "$T/rout/manifest.jsonl" | python3 -c "import json,sys; print(json.load(sys.stdin)['file'])")
F2=$(sed -n 11p "$T/rout/manifest.jsonl" | python3 -c "import json,sys; print(json.load(sys.stdin)['file'])")
expect 0 "" is revoke "urn:uuid:${F1%.json}" --reason "issued in error"
expect 0 "" is publish "$T/site"
expect 1 "revoked" "$VF" verify $(docs "$T/map") "$T/rout/$F1"
expect 0 "not revoked" "$VF" verify $(docs "$T/map") "$T/rout/$F2"

# the same roster again: nothing new; lost or cut files come back from the log
cp "$T/rout/$F2" "$T/keep.json"
sums=$(cat "$T"/rout/*.json | cksum)
rm "$T/rout/$F2"
: >"$T/rout/$F1"
expect 0 "1000 rows: 0 issued, 1000 already issued, 0 bad" is issue --roster "$T/r1000.csv" -o "$T/rout"
check "a deleted file is rewritten byte for byte" cmp "$T/rout/$F2" "$T/keep.json"
check "every file as before" test "$(cat "$T"/rout/*.json | cksum)" = "$sums"
check "manifest says already issued" test "$(grep -c '"state":"already issued"' "$T/rout/manifest.jsonl")" = 1000
check "the log still holds 1,000 roster rows" test "$(dbq "$H" 'select count(*) from issued where row_key is not null')" = 1000

# the log keeps roster credentials packed against one dictionary per run
sqlite_only && check "roster rows are logged packed (zstd against the run's dictionary, < 600 bytes)" python3 - "$H/issuer.db" "$T" <<'PY'
import sqlite3, subprocess, sys
con = sqlite3.connect(sys.argv[1])
n, avg = con.execute("select count(*), avg(length(credential)) from issued where row_key is not null"
                     " and typeof(credential) = 'blob' and log_dict is not null").fetchone()
assert n == 1000 and avg < 600, (n, avg)
# the format is a plain zstd frame with a raw-content dictionary: the
# zstd tool reads it back
z, d = con.execute("select credential, dict from issued join log_dicts on log_dicts.id = log_dict"
                   " limit 1").fetchone()
open(sys.argv[2] + '/dict', 'wb').write(d)
out = subprocess.run(['zstd', '-q', '-d', '-D', sys.argv[2] + '/dict', '-c'], input=z,
                     capture_output=True, check=True).stdout
assert out.startswith(b'{') and b'"proofValue"' in out
PY
# a CLR of roster credentials reads them back from the packed log
expect 0 "of 1 credential" is clr --recipient student3@example.edu -o "$T/rclr.json"
expect 0 "" "$VF" verify -q $(docs "$T/map") "$T/rclr.json"
# a damaged packed row is reported, never read as another credential
# (SQLite: the test damages its file)
if sqlite_only; then
cp "$H/issuer.db" "$T/good.db"
python3 - "$H/issuer.db" "urn:uuid:${F2%.json}" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
z = bytearray(con.execute("select credential from issued where id = ?", (sys.argv[2],)).fetchone()[0])
z[len(z) // 2] ^= 0x55
con.execute("update issued set credential = ? where id = ?", (bytes(z), sys.argv[2]))
con.commit()
PY
rm "$T/rout/$F2"
expect 3 "issuance log entry urn:uuid:${F2%.json}: packed log entry is damaged" is issue --roster "$T/r1000.csv" -o "$T/rout"
check "the damaged row's file is not written" test ! -e "$T/rout/$F2"
cp "$T/good.db" "$H/issuer.db"
expect 0 "1000 rows: 0 issued, 1000 already issued, 0 bad" is issue --roster "$T/r1000.csv" -o "$T/rout"
check "with the log mended the file comes back byte for byte" cmp "$T/rout/$F2" "$T/keep.json"
fi

# kill -9 at random points, then resume: one credential per row
python3 - "$T/r3000.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('name,recipient,achievement\n')
    for i in range(3000):
        f.write('Kill Test %d,k%d@example.edu,weld-101\n' % (i, i))
PY
kills=0
for d in $(python3 -c "import random; print(' '.join('%.2f' % random.uniform(0.02, 0.4) for _ in range(4)))"); do
	"$IS" --home "$H" issue --roster "$T/r3000.csv" -o "$T/kout" --jobs 1 >/dev/null 2>&1 &
	pid=$!
	sleep "$d"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
done
check "at least one run was killed mid-way ($kills of 4)" test "$kills" -ge 1
expect 0 "3000 rows: [0-9]+ issued, [0-9]+ already issued, 0 bad" is issue --roster "$T/r3000.csv" -o "$T/kout"
check "after kill -9 and resume: one credential per row, unique slots" python3 - "$T/kout" \
	"$(dbq "$H" "select count(*) from issued where recipient like 'k%@example.edu'")" \
	"$(dbq "$H" 'select count(*) from (select status_list, status_index from issued where status_list is not null group by 1, 2 having count(*) > 1) d')" <<'PY'
import json, os, sys
d, logged, dup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [json.loads(l) for l in open(os.path.join(d, 'manifest.jsonl'))]
assert len(rows) == 3000 and all('error' not in r for r in rows)
files = sorted(f for f in os.listdir(d) if f.endswith('.json'))
assert files == sorted(r['file'] for r in rows), 'files and manifest differ'
assert not [f for f in os.listdir(d) if f.startswith('.tmp-')]
idx = set()
for r in rows:
    c = json.load(open(os.path.join(d, r['file'])))
    assert c['id'] == r['id']
    idx.add((r['statusList'], int(c['credentialStatus']['statusListIndex'])))
assert len(idx) == 3000
assert logged == 3000, logged
assert dup == 0, dup
PY
expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map"
mkdir "$T/kall"
ln "$T"/kout/*.json "$T/kall/"
expect 0 "" "$VF" verify -q $(docs "$T/map") --report "$T/kreport.csv" "$T/kall"
check "all 3,000 resumed credentials verify" test "$(grep -c '^"[^"]*\.json","valid","credential"' "$T/kreport.csv")" = 3000

# --no-status: no entry, no slot; other suites
printf 'name,recipient,achievement\nNo Status,ns@example.edu,weld-101\n' >"$T/ns.csv"
expect 0 "1 issued" is issue --roster "$T/ns.csv" -o "$T/nsout" --no-status --suite eddsa-jcs-2022
check "--no-status roster credential has no credentialStatus" python3 -c "
import json,glob
c=json.load(open(glob.glob('$T/nsout/*.json')[0]))
assert 'credentialStatus' not in c and c['proof'][0]['cryptosuite']=='eddsa-jcs-2022'"
expect 0 "no status entry" "$VF" verify "$T"/nsout/*.json
printf 'name,recipient,achievement\nJWT Row,did:example:jwt,weld-101\n' >"$T/jwt.csv"
expect 0 "1 issued" is issue --roster "$T/jwt.csv" -o "$T/jout" --suite vc-jwt --suspension
check "vc-jwt roster writes .jwt" test "$(ls "$T/jout" | grep -c '\.jwt$')" = 1
check "--suspension roster: one credentialStatus, statusPurpose message, statusSize 2" python3 -c "
import json,glob,base64
p=open(glob.glob('$T/jout/*.jwt')[0]).read().split('.')[1]
s=json.loads(base64.urlsafe_b64decode(p+'='*(-len(p)%4)))['credentialStatus']
assert isinstance(s,dict) and s['statusPurpose']=='message' and s['statusSize']==2 and len(s['statusMessage'])==4
assert s['statusListCredential'].endswith('/status/message/1.json')"

# bad rosters: whole-file errors
printf 'name,achievement\nA,weld-101\n' >"$T/nocol.csv"
expect 1 "nocol.csv:1: the header has no 'recipient' column" is issue --roster "$T/nocol.csv" -o "$T/bad0"
expect 3 "cannot open" is issue --roster "$T/none.csv" -o "$T/bad0"
expect 2 "needs -o DIR" is issue --roster "$T/nocol.csv"
expect 2 "takes the award fields" is issue --roster "$T/nocol.csv" -o "$T/bad0" --achievement weld-101
expect 2 "--jobs wants" is issue --roster "$T/nocol.csv" -o "$T/bad0" --jobs 0

# bad rows among good ones: each reported as FILE:LINE, every good row issued
python3 - "$T/mixed.csv" <<'PY'
import sys
rows = [b'name,recipient,achievement,valid_until\n',
        b'Good One,g1@example.edu,weld-101,\n',                    # 2
        b'Jos\xe9 Latin,latin1@example.edu,weld-101,\n',           # 3 Latin-1
        b'Good Two,g2@example.edu,cad-200,\n',                     # 4
        b'Good One,g1@example.edu,weld-101,\n',                    # 5 duplicate of 2
        b'Unknown Ach,u@example.edu,basket-weaving,\n',            # 6
        b'Bad Mail,not-an-address,weld-101,\n',                    # 7
        b'Short Row,s@example.edu\n',                              # 8
        b'Huge,' + b'h' * (10 * 1024 * 1024) + b'@example.edu,weld-101,\n',  # 9: 10 MB
        b'Bad Date,d@example.edu,weld-101,next tuesday\n',         # 10
        b'Good Three,did:example:g3,weld-101,2031-01-01T00:00:00Z\n',  # 11
        b'Jos\xc3\xa9 UTF8,utf8@example.edu,weld-101,\n']          # 12
open(sys.argv[1], 'wb').write(b''.join(rows))
PY
expect 1 "12 rows|11 rows" is issue --roster "$T/mixed.csv" -o "$T/mout"
cp "$T/out" "$T/mixed.log"
check "summary: 4 issued, 7 bad" grep -q "rows: 4 issued, 0 already issued, 7 bad" "$T/mixed.log"
check "Latin-1 row reported" grep -q "mixed.csv:3: not valid UTF-8" "$T/mixed.log"
check "duplicate row reported" grep -q "mixed.csv:5: duplicate of line 2" "$T/mixed.log"
check "unknown achievement reported" grep -q "mixed.csv:6: no achievement 'basket-weaving'" "$T/mixed.log"
check "bad recipient reported" grep -q "mixed.csv:7: recipient 'not-an-address' is neither" "$T/mixed.log"
check "short row reported" grep -q "mixed.csv:8: 2 fields, the header has 4" "$T/mixed.log"
check "10 MB line reported, not loaded" grep -q "mixed.csv:9: row longer than" "$T/mixed.log"
check "bad date reported" grep -q "mixed.csv:10: invalid valid_until 'next tuesday'" "$T/mixed.log"
check "good rows issued (4 files)" test "$(ls "$T/mout" | grep -c '\.json$')" = 4
check "manifest: 4 issued + 7 errors, by line" python3 -c "
import json
rows=[json.loads(l) for l in open('$T/mout/manifest.jsonl')]
assert [r['line'] for r in rows]==list(range(2,13))
assert [r['line'] for r in rows if 'error' in r]==[3,5,6,7,8,9,10]
names={json.load(open('$T/mout/'+r['file']))['credentialSubject'].get('name') for r in rows if 'file' in r}
assert names=={'Good One','Good Two','Good Three','Jos\u00e9 UTF8'}, names"
expect 1 "rows: 0 issued, 4 already issued, 7 bad" is issue --roster "$T/mixed.csv" -o "$T/mout"
# schema 5 (issue 13): row keys are indexed in key order at a run's start
# and end, and each list's taken slots are a bitmap saved with the rows
sqlite_only && check "row keys: every logged row key indexed, none left pending" python3 - "$H/issuer.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute('select count(*) from row_keys_pending').fetchone()[0] == 0
n = c.execute('select count(*) from issued where row_key is not null').fetchone()[0]
assert n > 4000, n
assert c.execute('select count(*) from row_keys').fetchone()[0] == n
assert c.execute('select count(*) from row_keys k join issued i on i.id = k.id and i.row_key = k.row_key').fetchone()[0] == n
PY
slots_match() {
	python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
lists = c.execute('select list, used, suspendable from status_lists order by list').fetchall()
logged = c.execute('select distinct status_list from issued where status_list is not null order by 1').fetchall()
assert [l[0] for l in lists] == [l[0] for l in logged], (lists, logged)
for lst, used, susp in lists[-1:]:
    want = {r[0] for r in c.execute('select status_index from issued where status_list = ?', (lst,))}
    have = {i for i in range(len(used) * 8) if used[i // 8] & (0x80 >> (i % 8))}
    assert have == want, (lst, len(have), len(want))
    assert susp == c.execute('select max(suspendable) from issued where status_list = ?', (lst,)).fetchone()[0]
PY
}
sqlite_only && check "status_lists: the newest list's bitmap is exactly its logged slots" slots_match "$H/issuer.db"

# a run killed after logging but before its closing merge: the next run
# indexes the pending keys first, so nothing is issued twice
if sqlite_only; then
check "make 1000 row keys pending again" python3 - "$H/issuer.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""INSERT INTO row_keys_pending SELECT k.row_key, k.id FROM row_keys k
  JOIN issued i ON i.id = k.id WHERE i.recipient LIKE 'student%' OR i.recipient LIKE 'did:example:learner%';
DELETE FROM row_keys WHERE row_key IN (SELECT row_key FROM row_keys_pending);""")
assert c.execute('select count(*) from row_keys_pending').fetchone()[0] == 1000
PY
expect 0 "1000 rows: 0 issued, 1000 already issued, 0 bad" is issue --roster "$T/r1000.csv" -o "$T/rout"
check "pending keys merged" test "$(python3 -c "
import sqlite3; print(sqlite3.connect('$H/issuer.db').execute('select count(*) from row_keys_pending').fetchone()[0])")" = 0
fi

# a home from before schema 5 (user_version 4: unique indexes on row_key
# and on the status slot) is upgraded: its rows are found again, and new
# slots never repeat the old ones
U="$T/upgrade"
expect 0 "" "$IS" --home "$U" init --name Up --url https://up.example.edu
expect 0 "" "$IS" --home "$U" achievement add --id weld-101 --name W --description W --criteria W
python3 - "$T/u300.csv" "$T/u600.csv" <<'PY'
import sys
rows = ['Up %d,up%d@example.edu,weld-101\n' % (i, i) for i in range(600)]
open(sys.argv[1], 'w').write('name,recipient,achievement\n' + ''.join(rows[:300]))
open(sys.argv[2], 'w').write('name,recipient,achievement\n' + ''.join(rows))
PY
expect 0 "300 rows: 300 issued" "$IS" --home "$U" issue --roster "$T/u300.csv" -o "$T/uout" --suspension
sqlite_only && check "downgrade to user_version 4" python3 - "$U/issuer.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""DROP TABLE status_lists; DROP TABLE row_keys; DROP TABLE row_keys_pending;
DROP INDEX issued_revoked; DROP INDEX issued_suspended;
CREATE UNIQUE INDEX issued_status ON issued(status_list, status_index);
CREATE UNIQUE INDEX issued_row_key ON issued(row_key);
DROP TABLE offers; DROP TABLE oid4vci_once;
PRAGMA user_version = 4;""")
PY
expect 0 "600 rows: 300 issued, 300 already issued, 0 bad" "$IS" --home "$U" issue --roster "$T/u600.csv" -o "$T/uout" --suspension
expect 0 "" "$IS" --home "$U" issue --achievement weld-101 --recipient single@example.edu -o "$T/usingle.json"
sqlite_only && check "upgraded: user_version 7, 601 distinct slots, row keys indexed" python3 - "$U/issuer.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute('PRAGMA user_version').fetchone()[0] == 7
assert c.execute('select count(*), count(distinct status_index) from issued where status_list = 1').fetchone() == (601, 601)
assert c.execute('select count(*) from row_keys').fetchone()[0] == 600
assert c.execute("select name from sqlite_master where name in ('issued_status', 'issued_row_key')").fetchall() == []
PY
sqlite_only && check "upgraded: the bitmap is exactly the logged slots" slots_match "$U/issuer.db"
expect 0 "" "$IS" --home "$U" suspend "urn:uuid:$(basename "$(ls "$T"/uout/*.json | head -n 1)" .json)"
expect 0 "" "$IS" --home "$U" publish "$T/usite"
check "upgraded: publish writes the revocation, suspension and message lists" test -s "$T/usite/status/suspension/1.json" -a -s "$T/usite/status/revocation/1.json" -a -s "$T/usite/status/message/1.json"
grep -E '^https?://[^ ]+=' "$T/out" | sed 's/^/--doc /' | tr '\n' ' ' >"$T/udocs"
expect 1 "suspended: the issuer has suspended this credential \(https://up.example.edu/status/message/1.json" "$VF" verify $(cat "$T/udocs") "$(ls "$T"/uout/*.json | head -n 1)"
expect 0 "not revoked, not suspended: status 0x0 \"valid\"" "$VF" verify $(cat "$T/udocs") "$(ls "$T"/uout/*.json | sed -n 2p)"
expect 0 "" "$IS" --home "$U" revoke "urn:uuid:$(basename "$(ls "$T"/uout/*.json | sed -n 2p)" .json)" --reason "roster row in error"
expect 0 "" "$IS" --home "$U" reinstate "urn:uuid:$(basename "$(ls "$T"/uout/*.json | head -n 1)" .json)"
expect 0 "" "$IS" --home "$U" publish "$T/usite"
expect 0 "not revoked, not suspended" "$VF" verify $(cat "$T/udocs") "$(ls "$T"/uout/*.json | head -n 1)"
expect 1 "revoked: the issuer has revoked this credential \(https://up.example.edu/status/message/1.json" "$VF" verify $(cat "$T/udocs") "$(ls "$T"/uout/*.json | sed -n 2p)"
done_tests
