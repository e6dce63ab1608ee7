#!/bin/sh
# ob-verifier verify DIR: a directory of mixed credentials (valid, revoked
# and suspended through status lists, tampered, undecided, not a
# credential) gives the rows, verdicts and exit codes each file gives on
# its own, in file name order, in text, -q, --json and both --report
# forms; the same bytes with 1 thread and with several
# (OBKIT_VERIFY_JOBS); a status list that does not verify is reported the
# same for every credential that points at it.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc=/' | tr '\n' ' '; }
cred_id() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$1"; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu/badges
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam"
D="$T/dir"
mkdir -p "$D/sub" "$T/d2"
i=0
while [ $i -lt 12 ]; do
	expect 0 "" is issue --achievement weld-101 --recipient "learner$i@example.com" --name "Learner $i" --suspension -o "$D/ok-$i.json"
	i=$((i + 1))
done
expect 0 "" is issue --achievement weld-101 --recipient did:example:rev --suspension -o "$D/revoked.json"
expect 0 "" is issue --achievement weld-101 --recipient did:example:sus --suspension -o "$D/suspended.json"
expect 0 "" is issue --achievement weld-101 --recipient did:example:plain --no-status -o "$D/no-status.json"
expect 0 "" is revoke "$(cred_id "$D/revoked.json")" --reason "Academic misconduct"
expect 0 "" is suspend "$(cred_id "$D/suspended.json")" --reason "Under review"
expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map"
python3 -c "
import json, sys
d = json.load(open(sys.argv[1])); d['credentialSubject']['achievement']['name'] = 'Master Welder'
json.dump(d, open(sys.argv[2], 'w'), indent=2)" "$D/ok-0.json" "$D/tampered.json"
printf 'hello, not a credential\n' >"$D/notes.txt"
: >"$D/empty.json"
cp "$D/ok-1.json" "$D/.hidden.json"
cp "$D/ok-1.json" "$D/sub/inner.json"
# a credential of another issuer whose status list nobody gave: undecided
expect 0 "" "$IS" --home "$T/other" init --name "Other College" --url https://other.example.edu
expect 0 "" "$IS" --home "$T/other" achievement add --id a1 --name "A1" --description "A1" --criteria "A1"
expect 0 "" "$IS" --home "$T/other" issue --achievement a1 --recipient did:example:o -o "$D/other.json"
# names that sort before and after the rest, and one a terminal would run
cp "$D/ok-2.json" "$D/0-first.json"
cp "$D/ok-3.json" "$D/zz-last.json"
cp "$D/ok-4.json" "$D/$(printf 'bell\007name.json')"
DOCS=$(docs "$T/map")

# runs verify DIR with N threads, stdout to FILE, exit code to FILE.rc
vdir() { # N OUT ARGS...
	n=$1 out=$2
	shift 2
	OBKIT_VERIFY_JOBS=$n "$VF" verify --offline $DOCS "$@" "$D" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

# every file on its own, the reference the rows are checked against
ls "$D" | LC_ALL=C sort >"$T/names"
: >"$T/single"
while IFS= read -r f; do
	[ -f "$D/$f" ] || continue
	"$VF" verify --offline $DOCS --json "$D/$f" >"$T/one.json" 2>/dev/null
	echo "$?" >"$T/one.rc"
	python3 - "$f" "$T/one.json" "$T/one.rc" >>"$T/single" <<'PY'
import json, sys
name, path, rc = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().strip()
print(json.dumps({"file": name, "rc": int(rc), "result": json.load(open(path))}))
PY
done <"$T/names"
check "17 credentials and 5 other files on their own" test "$(wc -l <"$T/single")" -eq 22

vdir 1 "$T/text1"
# the rows: verdict, name, first failing check; in name order, control
# characters escaped; the exit code of the worst
python3 - "$T/single" "$T/text1" "$T/text1.rc" >"$T/why" 2>&1 <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ids = {"tampered.json": "proof", "revoked.json": "status", "suspended.json": "status",
       "notes.txt": "structure", "empty.json": "structure", "other.json": "status"}
want = []
for r in rows:
    res = r["result"]
    head = res["headline"]
    v = res["verdict"]
    name = r["file"].replace("\a", "\\x07")
    if v == "valid":
        want.append("%-9s %s" % (v, name))
    else:
        msg = head.split(": ", 1)[1]
        want.append("%-9s %s  %s: %s" % (v, name, ids[r["file"]], msg))
got = open(sys.argv[2]).read().split("\n")
assert got[-1] == "", "no final newline"
assert got[:-1] == want, "\n".join(["want:"] + want + ["got:"] + got)
verdicts = [r["result"]["verdict"] for r in rows]
assert verdicts.count("valid") == 16 and verdicts.count("invalid") == 5 and verdicts.count("undecided") == 1, verdicts
assert int(open(sys.argv[3]).read()) == 1
PY
check "text rows match each file's own verdict and reason $(cat "$T/why")" test ! -s "$T/why"
grep "revoked.json" "$T/text1" >"$T/rev"
check "the revoked one is revoked through its list" grep -q "status: revoked: the issuer has revoked this credential (https://riverbend.example.edu/badges/status/message/1.json, index" "$T/rev"
check "the suspended one is suspended" grep -q "^invalid   suspended.json  status: suspended: the issuer has suspended" "$T/text1"
check "the other issuer's list is not there: undecided" grep -q "^undecided other.json  status: could not check status: fetching https://other.example.edu/status/revocation/1.json: not in the cache" "$T/text1"
check "hidden files and directories are skipped" sh -c "! grep -q 'hidden\|inner' '$T/text1'"

vdir 1 "$T/json1" --json
python3 - "$T/single" "$T/json1" >"$T/why" 2>&1 <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
text = open(sys.argv[2]).read()
d = json.loads(text)
assert list(d) == ["files", "valid", "invalid", "undecided", "results"], list(d)
assert (d["files"], d["valid"], d["invalid"], d["undecided"]) == (22, 16, 5, 1), d
assert [x["file"] for x in d["results"]] == [r["file"] for r in rows]
for x, r in zip(d["results"], rows):
    assert x["result"] == r["result"], x["file"]
    assert x["verdict"] == r["result"]["verdict"]
    assert list(x)[:2] == ["file", "verdict"] and list(x)[-1] == "result"
# the pretty writer's layout: two spaces a level, one member a line
assert text.startswith('{\n  "files": 22,\n  "valid": 16,\n  "invalid": 5,\n  "undecided": 1,\n  "results": [\n    {\n      "file": "0-first.json",\n')
assert text.endswith('\n    }\n  ]\n}\n')
PY
check "--json: counts, then each file's own report, in order $(cat "$T/why")" test ! -s "$T/why"
check "--json exits 1" test "$(cat "$T/json1.rc")" = 1

vdir 1 "$T/q1" -q
check "-q prints no row" test ! -s "$T/q1"
check "-q exits 1" test "$(cat "$T/q1.rc")" = 1
vdir 1 "$T/rc1" --report "$T/r1.csv"
check "--report .csv: stdout as without it" cmp "$T/rc1" "$T/text1"
check "--report .csv: the note on stderr" grep -q "22 files verified, report in $T/r1.csv" "$T/rc1.err"
python3 - "$T/r1.csv" "$T/single" >"$T/why" 2>&1 <<'PY'
import csv, json, sys
raw = open(sys.argv[1], newline="").read()
assert raw.startswith("file,verdict,kind,issuer,issuer_name,achievement,learner,first_failing_check\r\n")
rows = list(csv.reader(raw.splitlines()))[1:]
single = [json.loads(l) for l in open(sys.argv[2])]
assert [r[0] for r in rows] == [s["file"].replace("\a", "\\x07") for s in single]
assert [r[1] for r in rows] == [s["result"]["verdict"] for s in single]
PY
check "--report .csv: one row a file, in order $(cat "$T/why")" test ! -s "$T/why"
vdir 1 "$T/rj1" --json --report "$T/r1.json"
check "--report .json is what --json prints" cmp "$T/r1.json" "$T/json1"
check "--json --report: stdout as without the report" cmp "$T/rj1" "$T/json1"

# the same bytes with several threads, whatever the mode
for n in 2 3 7; do
	vdir $n "$T/text$n"
	check "text, $n threads: same bytes" cmp "$T/text$n" "$T/text1"
	check "text, $n threads: same exit" cmp "$T/text$n.rc" "$T/text1.rc"
	vdir $n "$T/json$n" --json
	check "--json, $n threads: same bytes" cmp "$T/json$n" "$T/json1"
	vdir $n "$T/rc$n" --report "$T/r$n.csv"
	check "--report .csv, $n threads: same report" cmp "$T/r$n.csv" "$T/r1.csv"
	vdir $n "$T/rj$n" -q --report "$T/r$n.json"
	check "--report .json, $n threads: same report" cmp "$T/r$n.json" "$T/r1.json"
	check "-q --report: nothing on stdout" test ! -s "$T/rj$n"
done

# a forged status list: every credential that points at it says so, as
# it does on its own (the cache keeps the list's failure for the run)
python3 - "$T/site/badges/status/message/1.json" "$T/forged.json" <<'PY'
import json, sys, gzip, base64
d = json.load(open(sys.argv[1]))
d['credentialSubject']['encodedList'] = 'u' + base64.urlsafe_b64encode(gzip.compress(bytes(32768))).decode().rstrip('=')
json.dump(d, open(sys.argv[2], 'w'))
PY
for f in ok-5 ok-6 revoked; do cp "$D/$f.json" "$T/d2/"; done
FORGED="--doc=https://riverbend.example.edu/badges/status/message/1.json=$T/forged.json"
"$VF" verify --offline $FORGED "$T/d2/ok-5.json" >"$T/one" 2>&1
check "a credential on a forged list is undecided on its own" grep -q "^UNDECIDED: could not check status: the status list https://riverbend.example.edu/badges/status/message/1.json does not verify (proof: " "$T/one"
msg=$(sed -n '1s/^UNDECIDED: //p' "$T/one")
OBKIT_VERIFY_JOBS=2 "$VF" verify --offline $FORGED "$T/d2" >"$T/forged.out" 2>&1
echo $? >"$T/forged.rc"
printf 'undecided %s  status: %s\n' ok-5.json "$msg" ok-6.json "$msg" revoked.json "$msg" >"$T/forged.want"
check "a forged list: each of its credentials undecided with the same reason" cmp "$T/forged.out" "$T/forged.want"
check "a forged list: exit 3" test "$(cat "$T/forged.rc")" = 3

# an empty directory; a directory that cannot be read; a bad OBKIT_VERIFY_JOBS
mkdir "$T/empty"
expect 0 "" "$VF" verify "$T/empty"
"$VF" verify --json "$T/empty" >"$T/e.json" 2>/dev/null
printf '{\n  "files": 0,\n  "valid": 0,\n  "invalid": 0,\n  "undecided": 0,\n  "results": []\n}\n' >"$T/e.want"
check "--json of an empty directory" cmp "$T/e.json" "$T/e.want"
expect 2 "OBKIT_VERIFY_JOBS wants a number from 1 to 256, got 'lots'" env OBKIT_VERIFY_JOBS=lots "$VF" verify "$T/empty"
expect 3 "cannot write '$T/nodir/r.csv'" "$VF" verify --offline $DOCS --report "$T/nodir/r.csv" "$D"
check "a report that cannot be written leaves stdout empty" sh -c "'$VF' verify --offline $DOCS --report '$T/nodir/r.csv' '$D' 2>/dev/null | wc -c | grep -qx 0"
done_tests
