#!/bin/sh
# Schema-clean output (issue 14 item 9): every credential ob-issuer issues,
# in every suite and option combination, validates against the 1EdTech
# OB 3.0 JSON Schema (CLRs: the CLR 2.0 one) by tests/tools/validate_schema.py
# with python3-jsonschema. One check per combination, and negative checks
# showing the validator rejects broken credentials.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
SCHEMA="$SHARED/conformance/1edtech-ob3-schema"
VALIDATE="$(dirname "$0")/../tools/validate_schema.py"
SAMPLES="$SHARED/conformance/1edtech-validator-samples"
# every suite the issuer offers, as it names them (a suite added later is
# covered without editing this list); ecdsa-* need a P-256 issuer
SUITES=$("$IS" --home "$T/none" issue --suite '?' --achievement x --recipient y 2>&1 |
	sed -n "s/.*(choose from \(.*\))$/\1/p" | tr -d ',')
HP="$T/p256rich"
home_of() { case $1 in ecdsa-*) echo "$HP" ;; *) echo "$H" ;; esac; }

# no validator, no verdict: a missing module is a failure, never a skip
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	bad "python3's jsonschema module is missing (Debian: apt-get install python3-jsonschema); no credential was validated"
	done_tests
	exit 1
fi

# valid WHAT FILE...: each FILE validates against its schema
valid() {
	d=$1
	shift
	if python3 "$VALIDATE" "$SCHEMA" "$@" >"$T/val" 2>&1; then
		ok
	else
		bad "not schema-clean: $d"
		sed 's/^/    /' "$T/val" | cut -c1-300 | head -n 10
	fi
}

# invalid WHAT PATTERN FILE: FILE fails its schema (exit 1) with an error
# matching PATTERN (grep -E)
invalid() {
	d=$1 pat=$2
	python3 "$VALIDATE" "$SCHEMA" "$3" >"$T/val" 2>&1
	got=$?
	if [ "$got" -ne 1 ] || ! grep -qE -- "$pat" "$T/val"; then
		bad "validator did not reject ($got, want 1 and /$pat/): $d"
		sed 's/^/    /' "$T/val" | cut -c1-300 | head -n 10
	else
		ok
	fi
}

# the validator itself: the 1EdTech samples it must agree on
valid "1EdTech sample ob30/simple.json" "$SAMPLES/ob30/simple.json"
valid "1EdTech sample ob30/complete.json" "$SAMPLES/ob30/complete.json"
valid "1EdTech sample clr20/simple.json" "$SAMPLES/clr20/simple.json"
invalid "1EdTech sample ob30/simple_v1.json (VC 1.1)" "'validFrom' is a required property" "$SAMPLES/ob30/simple_v1.json"
mkdir "$T/nojs"
echo 'raise ImportError("no jsonschema here")' >"$T/nojs/jsonschema.py"
expect 3 "jsonschema module is missing" env PYTHONPATH="$T/nojs" python3 "$VALIDATE" "$SCHEMA" "$SAMPLES/ob30/simple.json"

check "the issuer names its suites (eddsa-rdfc-2022, ecdsa-rdfc-2019, vc-jwt among them)" sh -c "echo ' $SUITES ' | grep -q ' eddsa-rdfc-2022 .* ecdsa-rdfc-2019 .* vc-jwt '"
expect 0 "^did:key:z6Mk" is init --name "Riverbend College" --url https://riverbend.example.edu --email reg@riverbend.example.edu --image https://riverbend.example.edu/logo.png
expect 0 "^did:key:zDn" "$IS" --home "$HP" init --name "Riverbend College" --url https://riverbend.example.edu --email reg@riverbend.example.edu --image https://riverbend.example.edu/logo.png --key-type p256
# catalog (in both issuers): the defaults, every option, an ext: type, and
# result descriptions (rubric levels, allowed values, status), a language and
# a related translation
for h in "$H" "$HP"; do
	expect 0 "" "$IS" --home "$h" achievement add --id plain --name "Plain Badge" --description "No options" --criteria "Attend"
	expect 0 "" "$IS" --home "$h" achievement add --id full --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam" --image https://riverbend.example.edu/weld.png --type Certificate --alignment "Fillet welds|https://fw.example.org/items/1|Welding Framework|3.2" --alignment "Safety|https://fw.example.org/items/2" \
		--language en --result-description 'grade|Final grade|LetterGrade|D;C;B;A|C' --result-description 'practical|Practical exam|RubricCriterionLevel|novice=Novice;proficient=Proficient;mastery=Mastery|proficient' --result-description 'done|Completion|Status' --result-description 'score|Score|Percent'
	expect 0 "" "$IS" --home "$h" achievement add --id full-es --name "Fundamentos de soldadura" --description "Soldadura MIG segura" --criteria "Aprobar el examen" --type Certificate --language es --related full
	expect 0 "" "$IS" --home "$h" achievement add --id extt --name "Shop Steward" --description "Union role" --criteria "Elected" --type ext:ShopSteward
done
# every option of issue at once
RICH="--evidence https://portfolio.example.edu/ana|Three|joints --evidence |Observed --result grade=B --result practical=mastery --result done=Completed --result score=87 --result A --awarded-date 2026-05-30T00:00:00Z --credential-schema"
# an achievementType the schema rejects is refused when added ...
expect 2 "achievement type" is achievement add --id foo --name Foo --description D --criteria C --type Foo
check "... and not added" sh -c "! '$IS' --home '$H' achievement show foo"
# ... and one already in a catalog (added before the check) is refused when issued
expect 0 "" is achievement add --id old --name Old --description D --criteria C
check "catalog entry set to an unknown type behind the tool's back" python3 -c "
import sqlite3
db = sqlite3.connect('$H/issuer.db')
n = db.execute(\"update achievements set json = replace(json, '\\\"Badge\\\"', '\\\"Foo\\\"') where id = 'old'\").rowcount
db.commit(); assert n == 1"
expect 1 "achievementType 'Foo' is not an OB 3.0 achievement type" is issue --achievement old --recipient did:example:x --no-status

L=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP
L2=did:example:suspendable
for s in $SUITES; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	is() { "$IS" --home "$(home_of "$s")" "$@"; }
	expect 0 "" is issue --suite "$s" --achievement plain --recipient Ana.Lima@Example.com -o "$T/$s-status.$x"
	valid "$s: e-mail recipient, revocation status entry" "$T/$s-status.$x"
	expect 0 "" is issue --suite "$s" --achievement plain --recipient $L --no-status -o "$T/$s-nostatus.$x"
	valid "$s: DID recipient, --no-status" "$T/$s-nostatus.$x"
	# an ecdsa-sd-2023 base proof is for its holder: a verifier refuses it
	# (the holder derives a disclosure: tests/cli/ecdsa_sd.sh)
	if [ "$s" = ecdsa-sd-2023 ]; then
		expect 1 "base proof is for the holder" "$VF" verify "$T/$s-nostatus.$x"
	else
		expect 0 "" "$VF" verify "$T/$s-nostatus.$x"
	fi
	expect 0 "" is issue --suite "$s" --achievement full --recipient $L --name "Ana Lima" --valid-from 2026-01-01T00:00:00Z --valid-until 2030-01-01T00:00:00+02:00 --evidence https://portfolio.example.edu/ana --result A --created 2026-01-01T00:00:00Z -o "$T/$s-full.$x"
	valid "$s: every option (image, type, alignments, name, dates, evidence, result, status)" "$T/$s-full.$x"
	expect 0 "" is issue --suite "$s" --achievement full --recipient $L --name "Ana Lima" --valid-from 2026-01-01T00:00:00 $RICH -o "$T/$s-rich.$x"
	valid "$s: result descriptions, evidence narratives, awardedDate, credentialSchema, status" "$T/$s-rich.$x"
	expect 0 "" is issue --suite "$s" --achievement full-es --recipient ana@example.com --no-status --result Aprobado --evidence "|Trabajo observado" --credential-schema -o "$T/$s-es.$x"
	valid "$s: a translation (inLanguage, related), --no-status" "$T/$s-es.$x"
	expect 0 "" is issue --suite "$s" --achievement extt --recipient $L --no-status -o "$T/$s-ext.$x"
	valid "$s: ext: achievement type" "$T/$s-ext.$x"
	# --suspension: one credentialStatus object (statusPurpose "message",
	# statusSize 2: valid, revoked, suspended), as the schema wants
	expect 0 "" is issue --suite "$s" --achievement plain --recipient ana@example.com --suspension -o "$T/$s-susp.$x"
	valid "$s: --suspension" "$T/$s-susp.$x"
	expect 0 "" is issue --suite "$s" --achievement full --recipient $L2 --suspension --evidence https://e.example/1 --result 92 -o "$T/$s-full-susp.$x"
	valid "$s: every option and --suspension" "$T/$s-full-susp.$x"
	expect 0 "" is issue --suite "$s" --achievement full --recipient $L2 --suspension $RICH -o "$T/$s-rich-susp.$x"
	valid "$s: every new option and --suspension" "$T/$s-rich-susp.$x"
done
# and each suite's --suspension credential verifies against the published
# message list (its statusSize and statusMessage are signed like the rest;
# an ecdsa-sd-2023 base proof is for the holder, as above)
for h in "$H" "$HP"; do
	expect 0 "" "$IS" --home "$h" publish "$h-site"
	grep -E '^https?://[^ ]+=' "$T/out" | sed 's/^/--doc /' | tr '\n' ' ' >"$h-docs"
done
for s in $SUITES; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	[ "$s" = ecdsa-sd-2023 ] && continue
	expect 0 "not revoked, not suspended: status 0x0 \"valid\" \(https://riverbend.example.edu/status/message/1.json" \
		"$VF" verify $(cat "$(home_of "$s")-docs") "$T/$s-rich-susp.$x"
done
is() { "$IS" --home "$H" "$@"; }

# a P-256 issuer (ES256 VC-JWT; its did:key profile)
H2="$T/p256"
expect 0 "^did:key:zDn" "$IS" --home "$H2" init --name P --url https://p.example --key-type p256 --image https://p.example/logo.png
expect 0 "" "$IS" --home "$H2" achievement add --id a --name A --description D --criteria C --type Course
expect 0 "" "$IS" --home "$H2" issue --achievement a --recipient did:example:123 --suite vc-jwt -o "$T/p256.jwt"
valid "vc-jwt ES256 (P-256 issuer), status entry" "$T/p256.jwt"

# rosters: every column, e-mail and DID recipients, each status option (rows
# differ per run: a roster row already issued is not issued again)
for s in $SUITES; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	is() { "$IS" --home "$(home_of "$s")" "$@"; }
	for st in status no-status suspension; do
		opt=""
		[ "$st" = status ] || opt="--$st"
		r="$T/r-$s-$st.csv"
		printf 'achievement,name,recipient,result,evidence,valid_until,awarded_date\n' >"$r"
		printf 'plain,"Lima, Ana %s",ana@example.edu,,,,\n' "$s$st" >>"$r"
		printf 'full,Ben %s,did:example:ben,B+,https://portfolio.example.edu/ben,2031-06-01T00:00:00Z,\n' "$s$st" >>"$r"
		printf 'extt,Cy %s,cy@example.edu,Completed,,2031-06-01T00:00:00Z,2026-05-30\n' "$s$st" >>"$r"
		printf 'full,Di %s,di@example.edu,"grade=A\npractical=proficient\ndone=Completed","https://portfolio.example.edu/di|Welds\n|Observed",,2026-05-30T09:00:00+02:00\n' "$s$st" >>"$r"
		expect 0 "4 rows: 4 issued" is issue --roster "$r" -o "$T/roster-$s-$st" --suite "$s" $opt --credential-schema
		set -- "$T/roster-$s-$st"/*.$x
		check "roster $s $st: 4 credentials" test "$#" -eq 4
		valid "roster $s ${opt:-(status entry)}" "$@"
	done
done
is() { "$IS" --home "$H" "$@"; }

# CLRs: a learner's credentials in every format, nested as issued (a VC-JWT
# enveloped); each option, each suite
expect 0 "CLR .* of" is clr --recipient $L --learner "Ana Lima" -o "$T/clr.json"
valid "clr (default suite) over credentials of all four suites" "$T/clr.json"
for s in $SUITES; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	is() { "$IS" --home "$(home_of "$s")" "$@"; }
	expect 0 "CLR .* of" is clr --suite "$s" --recipient $L --name "Record of Ana Lima" --learner "Ana Lima" --valid-from 2026-01-02T00:00:00Z --created 2026-01-02T00:00:00Z --partial -o "$T/clr-$s.$x"
	valid "clr $s --name --learner --valid-from --partial" "$T/clr-$s.$x"
done
is() { "$IS" --home "$H" "$@"; }
# only a credential issued with --suspension can be suspended, so a record
# that includes one nests its message entry
SID=$(python3 -c "import json; print(json.load(open('$T/eddsa-rdfc-2022-full-susp.json'))['id'])")
expect 0 "" is suspend "$SID" --reason "under review"
expect 0 "CLR .* of" is clr --recipient $L2 --include-suspended -o "$T/clr-susp.json"
check "the suspended credential is in the record" grep -q "$SID" "$T/clr-susp.json"
valid "clr --include-suspended" "$T/clr-susp.json"

# negative: the validator rejects broken credentials
mutate() {
	python3 - "$1" "$3" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], 'w'))
PY
}
G="$T/eddsa-rdfc-2022-full.json"
mutate "$G" "del d['validFrom']" "$T/n-vf.json"
invalid "no validFrom" "'validFrom' is a required property" "$T/n-vf.json"
mutate "$G" "d['proof'] = d['proof'][0]" "$T/n-proof.json"
invalid "proof as a single object (the form before issue 14)" "proof: .* is not of type 'array'" "$T/n-proof.json"
mutate "$G" "d['credentialSubject']['achievement']['achievementType'] = 'Foo'" "$T/n-type.json"
invalid "achievementType Foo" "achievementType: 'Foo' is not valid" "$T/n-type.json"
mutate "$G" "d['issuer']['image'] = d['issuer']['image']['id']" "$T/n-img.json"
invalid "issuer image as a bare URL" "issuer: .* is not valid under any of the given schemas" "$T/n-img.json"
mutate "$G" "d['credentialSubject']['achievement']['image'] = d['credentialSubject']['achievement']['image']['id']" "$T/n-aimg.json"
invalid "achievement image as a bare URL" "achievement/image: .* is not of type 'object'" "$T/n-aimg.json"
mutate "$G" "d['credentialStatus'] = [d['credentialStatus']]" "$T/n-status.json"
invalid "credentialStatus as an array of one" "credentialStatus: .* is not of type 'object'" "$T/n-status.json"
mutate "$G" "d['validFrom'] = '2026-01-01T00:00:00'" "$T/n-zone.json"
invalid "validFrom without a time zone" "validFrom: .* (does not match|is not a 'date-time')" "$T/n-zone.json"
mutate "$T/clr.json" "del d['credentialSubject']['verifiableCredential'][0]['credentialSubject']['achievement']['criteria']" "$T/n-clr.json"
invalid "a CLR's nested credential without criteria" "credentialSubject/verifiableCredential/0/credentialSubject/achievement: 'criteria' is a required property" "$T/n-clr.json"
mutate "$T/clr.json" "del d['credentialSubject']['verifiableCredential']" "$T/n-clr2.json"
invalid "a CLR without credentials" "'verifiableCredential' is a required property" "$T/n-clr2.json"
python3 - "$T/vc-jwt-full.jwt" "$T/n-jwt.jwt" <<'PY'
import base64, json, sys
h, p, s = open(sys.argv[1]).read().strip().split('.')
d = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))
del d['credentialSubject']['achievement']['name']
p = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
open(sys.argv[2], 'w').write('.'.join([h, p, s]) + '\n')
PY
invalid "a VC-JWT payload without achievement name" "credentialSubject/achievement: 'name' is a required property" "$T/n-jwt.jwt"

done_tests
