#!/bin/sh
# The registrar's records (issue 15): list, show, export from the issuance
# log; the manifest and the mail merge of re-runs; key list --json; the
# content types publish prints and achievement ids that resolve; and a
# second roster run on the same home waiting its turn (issue 17 item 3).
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }
# the JSON object in the last command's output (stderr lines before it)
jq_py() { python3 -c "import json,sys; t=open(sys.argv[1]).read(); d=json.loads(t[t.index('{'):]); $1" "$T/out"; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id cna --name "Certified Nursing Assistant" --description "Patient care" --criteria "Pass the state exam"
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "MIG welding" --criteria "Pass the practical"

# 40 rows, as the report had it; a name with a comma, one that a
# spreadsheet would run as a formula
python3 - "$T/r40.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('name,recipient,achievement\n')
    for i in range(40):
        name = 'Learner %d' % i
        if i == 1: name = '"Doe, Jane"'
        if i == 2: name = '=HYPERLINK(1)'
        f.write('%s,Student%d@Example.edu,%s\n' % (name, i, 'cna' if i % 4 else 'weld-101'))
PY
expect 0 "40 rows: 40 issued" is issue --roster "$T/r40.csv" -o "$T/awarded/" --mail-merge "$T/mm.csv"
check "the manifest's path has no double slash" grep -qx "$T/awarded/manifest.jsonl" "$T/out"
cp -r "$T/awarded" "$T/first"
expect 0 "40 rows: 0 issued, 40 already issued" is issue --roster "$T/r40.csv" -o "$T/awarded" --mail-merge "$T/mm.csv"
check "a re-run's manifest keeps all 40 recipients (was 3 of 40)" \
	test "$(grep -c '"recipient"' "$T/awarded/manifest.jsonl")" -eq 40
check "and all 40 say already issued" test "$(grep -c '"already issued"' "$T/awarded/manifest.jsonl")" -eq 40
check "mail merge: header and 40 rows" test "$(wc -l <"$T/mm.csv")" -eq 41
check "mail merge: the header" sh -c "head -n 1 '$T/mm.csv' | tr -d '\r' | grep -qx 'name,recipient,achievement,file,id,claim_url'"
check "mail merge: rows parse, files exist, ids match the manifest, claim_url empty" python3 - "$T" <<'PY'
import csv, json, os, sys
t = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(t, 'mm.csv'), newline='')))
man = [json.loads(l) for l in open(os.path.join(t, 'awarded', 'manifest.jsonl'))]
assert len(rows) == 40 and len(man) == 40
for r, m in zip(rows, man):
    assert r['id'] == m['id'] and r['recipient'] == m['recipient'], (r, m)
    assert os.path.isfile(r['file']) and os.path.basename(r['file']) == m['file']
    assert r['claim_url'] == ''
assert rows[1]['name'] == 'Doe, Jane'
assert rows[2]['name'] == "'=HYPERLINK(1)"   # never a formula
PY

# list: text, JSON, CSV, filters
expect 0 "40 credentials" is list
check "list: 40 lines on stdout" test "$(is list 2>/dev/null | wc -l)" -eq 40
expect 0 '"count": 40' is list --json
expect 0 "" is list --json --recipient STUDENT7@example.EDU
check "list --recipient: e-mail in any case, one credential" jq_py "assert d['count'] == 1 and d['credentials'][0]['recipient'] == 'Student7@Example.edu'"
expect 0 '"count": 10' is list --json --achievement weld-101
expect 0 "" is list --csv
check "list --csv: header and 40 rows" sh -c "test \$(wc -l <'$T/out') -eq 41 && head -n 1 '$T/out' | grep -q '^id,state,recipient,achievement,issued_at'"
expect 0 '"count": 0' is list --json --since 2100-01-01
expect 0 '"count": 0' is list --json --before 2000-01-01
expect 0 '"count": 40' is list --json --since 2000-01-01 --before 2100-01-01T00:00:00Z
expect 0 '"count": 40' is list --json --roster "$T/r40.csv"
head -n 4 "$T/r40.csv" >"$T/r3.csv"
expect 0 '"count": 3' is list --json --roster "$T/r3.csv"
expect 2 "unknown --state 'gone'" is list --state gone
expect 2 "invalid --since 'yesterday'" is list --since yesterday

# show by a unique prefix, ambiguous and unknown ones
ID1=$(python3 -c "import json; print(json.loads(open('$T/awarded/manifest.jsonl').readline())['id'])")
F1=$(python3 -c "import json; print(json.loads(open('$T/awarded/manifest.jsonl').readline())['file'])")
SHORT=$(echo "$ID1" | sed 's/^urn:uuid://' | cut -c1-23)
expect 0 "recipient: +Student0@Example.edu \\(Learner 0\\)" is show "$SHORT"
expect 0 "achievement: weld-101 \\(Welding Fundamentals\\)" is show "$ID1"
expect 0 "" is show --json "urn:uuid:$SHORT"
check "show --json carries the credential" jq_py "assert d['id'] == '$ID1' and d['credential']['id'] == '$ID1' and d['file'] == '$F1'"
expect 2 "ambiguous id '01': 40 credentials start with it" is show 01
check "the ambiguous answer lists candidates" test "$(grep -c '^  urn:uuid:' "$T/out")" -eq 10
expect 1 "no credential 'ffffffff' in the issuance log" is show ffffffff

# export: a lost file comes back byte for byte
rm "$T/awarded/$F1"
expect 0 "exported 1 credential" is export "$SHORT" "$T/awarded"
check "export rewrote the lost file as issued" cmp "$T/first/$F1" "$T/awarded/$F1"
check "exported file is the issuer's only (0600)" test "$(stat -c %a "$T/awarded/$F1")" = 600
expect 0 "exported 40 credentials" is export --all "$T/all"
check "export --all: 40 files identical to the first run's" sh -c "cd '$T/first' && for f in *.json; do cmp \"\$f\" '$T/all/'\"\$f\" || exit 1; done; test \$(ls '$T/all' | wc -l) -eq 40"
expect 2 "export needs a credential id" is export "$T/x"
expect 2 "go with --all" is export --state revoked "$ID1" "$T/x"

# revoke one; the state filter and the export of what is revoked
expect 0 "" is revoke "$ID1" --reason "Issued in error"
expect 0 "revoked +.*weld-101" is list --state revoked
expect 0 '"count": 39' is list --json --state active
expect 0 "state: +revoked \\(Issued in error\\)" is show "$SHORT"
expect 0 "exported 1 credential" is export --all --state revoked "$T/rev"

# key list --json; errors name the word they do not take
expect 0 '"role": "signing"' is key list --json
expect 2 "unknown key command 'frob'" is key frob
expect 2 "key list: unknown option '--bogus'" is key list --bogus

# publish: the content types, and achievement ids that resolve
expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map"
check "publish prints the content-type table" sh -c "grep -q 'status/\\*/\\*.json  *application/vc  *public, max-age=300' '$T/map' && grep -q 'Access-Control-Allow-Origin' '$T/map'"
check "the achievement is published at its id" cmp "$T/site/achievements/cna" "$T/site/achievements/cna.json"
check "every achievement id in the credentials resolves to a published file" python3 - "$T" <<'PY'
import glob, json, os, sys
t = sys.argv[1]
for f in glob.glob(os.path.join(t, 'all', '*.json')):
    aid = json.load(open(f))['credentialSubject']['achievement']['id']
    assert aid.startswith('https://riverbend.example.edu/'), aid
    p = os.path.join(t, 'site', aid[len('https://riverbend.example.edu/'):])
    assert os.path.isfile(p), p
    assert json.load(open(p))['id'] == aid
PY
expect 0 "" is publish "$T/site" --json
check "publish --json: files and their content types" jq_py "
k = {e['kind']: e['contentType'] for e in d['contentTypes']}
assert k == {'status lists': 'application/vc', 'issuer profile': 'application/json', 'achievements': 'application/json'}, k
assert d['headers']['Access-Control-Allow-Origin'] == '*' and d['published'] == len(d['files']) == 6"
expect 0 "" "$VF" verify -q $(docs "$T/map") "$T/awarded/$(python3 -c "import json; print([json.loads(l) for l in open('$T/awarded/manifest.jsonl')][5]['file'])")"
expect 1 "revoked" "$VF" verify $(docs "$T/map") "$T/awarded/$F1"

# export --pdf: a printable certificate beside the file, checked against
# the published site; its QR code holds the credential
F5=$(python3 -c "import json; print([json.loads(l) for l in open('$T/awarded/manifest.jsonl')][5]['file'])")
ID5=$(python3 -c "import json; print([json.loads(l) for l in open('$T/awarded/manifest.jsonl')][5]['id'])")
expect 0 "exported 1 credential" is export --pdf --site "$T/site" "$ID5" "$T/print"
P5="$T/print/$(basename "$F5" .json).pdf"
check "export --pdf: the PDF and the credential file" sh -c "head -c 5 '$P5' | grep -q '%PDF-' && cmp '$T/print/$F5' '$T/awarded/$F5'"
check "the page names the learner and the achievement, no undecided check" sh -c "pdftotext '$P5' - >'$T/p5.txt' && grep -q 'Learner 5' '$T/p5.txt' && grep -q 'Certified Nursing Assistant' '$T/p5.txt' && ! grep -q UNDECIDED '$T/p5.txt'"
check "its QR code reads back as the credential (VC1-)" sh -c "pdftoppm -r 150 -png '$P5' '$T/p5' && zbarimg -q --raw '$T'/p5*.png | grep -q '^VC1-'"
expect 0 "" is export --pdf --site "$T/site" "$ID1" "$T/print"
check "a revoked credential's page says so" sh -c "pdftotext '$T/print/$(basename "$F1" .json).pdf' - | grep -qi revoked"
expect 0 "" is export --pdf "$ID5" "$T/print2"
check "without --site the page says the status was not checked" sh -c "pdftotext '$T/print2/$(basename "$F5" .json).pdf' - | grep -q 'could not check status'"
expect 2 "--paper goes with --pdf" is export --paper letter "$ID5" "$T/print3"
expect 2 "unknown --paper 'a5'" is export --pdf --paper a5 "$ID5" "$T/print3"

# two roster runs on one home at once: the second waits its turn
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
for name, n, off in (('a', 3000, 10000), ('b', 200, 5000)):
    with open('%s/%s.csv' % (t, name), 'w') as f:
        f.write('name,recipient,achievement\n')
        for i in range(n):
            f.write('L%d,l%d@example.edu,cna\n' % (off + i, off + i))
PY
is issue --roster "$T/a.csv" -o "$T/ra" --jobs 1 >"$T/a.out" 2>&1 &
apid=$!
# the first run holds the lock once its manifest's temp file exists
n=0
while [ ! -e "$T/ra/.manifest.jsonl.tmp" ] && [ $n -lt 200 ] && kill -0 $apid 2>/dev/null; do
	sleep 0.05
	n=$((n + 1))
done
check "the first run is still running when the others start" kill -0 $apid
# a single issue waits too (it opened the database first, and failed, before)
is issue --achievement cna --recipient single@example.edu -o "$T/single.json" >"$T/s.out" 2>&1 &
spid=$!
# and a reader (on SQLite the run keeps the database locked: it waits)
is list >"$T/l.out" 2>&1 &
lpid=$!
expect 0 "200 rows: 200 issued" is issue --roster "$T/b.csv" -o "$T/rb" --jobs 1
# (SQLite waits its turn; PostgreSQL issues side by side, each process in
# its own status blocks: the runs need not wait)
if sqlite_only; then
	check "the second run said it waits" grep -q "waiting for another issue run to finish" "$T/out"
	wait $spid
	check "the single issue waited and issued" sh -c "grep -q 'waiting for another issue run to finish' '$T/s.out' && grep -q 'issued urn:uuid:' '$T/s.out'"
	wait $lpid
	check "list waited for the run, then listed" sh -c "grep -q 'waiting for another issue run to finish' '$T/l.out' && grep -q ' credentials\$' '$T/l.out'"
else
	check "the second run did not wait" sh -c "! grep -q 'waiting for another' '$T/out'"
	wait $spid
	check "the single issue issued without waiting" sh -c "! grep -q 'waiting for another' '$T/s.out' && grep -q 'issued urn:uuid:' '$T/s.out'"
	wait $lpid
	check "list did not wait" sh -c "! grep -q 'waiting for another' '$T/l.out' && grep -q ' credentials\$' '$T/l.out'"
fi
check "and never 'database is locked'" sh -c "! grep -q 'database is locked' '$T/out' '$T/a.out' '$T/s.out' '$T/l.out'"
wait $apid
check "the first run issued all its rows" grep -q "3000 rows: 3000 issued" "$T/a.out"
expect 0 '"count": 3241' is list --json

done_tests
