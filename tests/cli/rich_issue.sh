#!/bin/sh
# Richer awards (issue 14 item 7): the catalog's result descriptions (rubric
# levels, allowed values, status), languages and related versions; issue's
# evidence with narratives, results against the achievement's result
# descriptions, awardedDate and credentialSchema, one at a time and from a
# roster; bad values refused with one line and nothing logged or written.
# Every credential made here verifies and validates against the 1EdTech
# OB 3.0 JSON Schema. Also ES384 VC-JWTs (P-384 keys), cross-checked with
# python3-cryptography both ways.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
SCHEMA="$SHARED/conformance/1edtech-ob3-schema"
VALIDATE="$(dirname "$0")/../tools/validate_schema.py"

if ! python3 -c 'import jsonschema, cryptography' 2>/dev/null; then
	bad "python3's jsonschema or cryptography module is missing (Debian: python3-jsonschema python3-cryptography)"
	done_tests
	exit 1
fi

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

# one WANT PATTERN CMD...: exit WANT with exactly one line of output that
# matches PATTERN (a bad value is a one-line error)
one() {
	want=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ] || [ "$(wc -l <"$T/out")" -ne 1 ] || ! grep -qE -- "$pat" "$T/out"; then
		bad "want exit $want and one line /$pat/, got $got: $*"
		sed 's/^/    /' "$T/out" | head -n 5
	else
		ok
	fi
}

# jq-like assertion on a JSON file: jf FILE PYTHON-EXPR (d is the document)
jf() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>"$T/jf"; then
		ok
	else
		bad "$1: not ($2)"
		sed 's/^/    /' "$T/jf" | tail -n 3
	fi
}

logged() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from issued').fetchone()[0])" "$H/issuer.db"
}

expect 0 "^did:key:z6Mk" is init --name "Riverbend College" --url https://riverbend.example.edu --email reg@riverbend.example.edu
# verify HOME FILE...: VALID with the issuer's published status lists
verify() {
	h=$1
	shift
	"$IS" --home "$h" publish "$T/site-$(basename "$h")" >"$T/map" 2>&1 || bad "publish $h"
	expect 0 "^VALID" "$VF" verify --offline $(grep -E '^https?://[^ ]+=' "$T/map" | sed 's/^/--doc /' | tr '\n' ' ') "$@"
}
B=https://riverbend.example.edu/achievements

# ---- the catalog ----
expect 0 "^weld$" is achievement add --id weld --name "Welding Fundamentals" --description "Safe MIG welding" \
	--criteria "Pass the practical exam" --type Course --language en \
	--result-description 'grade|Final grade|LetterGrade|D;C;B;A|C' \
	--result-description 'practical|Practical exam|RubricCriterionLevel|novice=Novice;proficient=Proficient;mastery=Mastery|proficient' \
	--result-description 'done|Completion|Status' \
	--result-description 'score|Theory score|Percent'
is achievement show weld >"$T/weld.json"
jf "$T/weld.json" "d['inLanguage'] == 'en' and len(d['resultDescription']) == 4"
jf "$T/weld.json" "d['resultDescription'][0] == {'id': '$B/weld#grade', 'type': ['ResultDescription'], 'name': 'Final grade', 'resultType': 'LetterGrade', 'allowedValue': ['D', 'C', 'B', 'A'], 'requiredValue': 'C'}"
jf "$T/weld.json" "[l['id'] for l in d['resultDescription'][1]['rubricCriterionLevel']] == ['$B/weld#practical.novice', '$B/weld#practical.proficient', '$B/weld#practical.mastery']"
jf "$T/weld.json" "[l['name'] for l in d['resultDescription'][1]['rubricCriterionLevel']] == ['Novice', 'Proficient', 'Mastery'] and d['resultDescription'][1]['rubricCriterionLevel'][0]['type'] == ['RubricCriterionLevel']"
jf "$T/weld.json" "d['resultDescription'][1]['requiredLevel'] == '$B/weld#practical.proficient'"
jf "$T/weld.json" "d['resultDescription'][2]['resultType'] == 'Status' and 'allowedValue' not in d['resultDescription'][2]"
# the same achievement in Spanish, naming the English one
expect 0 "^weld-es$" is achievement add --id weld-es --name "Fundamentos de soldadura" --description "Soldadura MIG segura" \
	--criteria "Aprobar el examen práctico" --type Course --language es --related weld \
	--result-description 'practica|Examen práctico|RubricCriterionLevel|inicial=Inicial;experto=Experto'
is achievement show weld-es >"$T/weld-es.json"
jf "$T/weld-es.json" "d['inLanguage'] == 'es' and d['related'] == [{'id': '$B/weld', 'type': ['Related'], 'inLanguage': 'en'}]"
expect 0 "^weld-pt$" is achievement add --id weld-pt --name "Soldagem" --description "MIG" --criteria "Passar" \
	--language pt-BR --related weld --related weld-es --related https://other.example/achievements/w
is achievement show weld-pt >"$T/weld-pt.json"
jf "$T/weld-pt.json" "[(r['id'], r.get('inLanguage')) for r in d['related']] == [('$B/weld', 'en'), ('$B/weld-es', 'es'), ('https://other.example/achievements/w', None)]"
# bad catalog values: one line each, nothing added
one 2 "unknown result type 'Grade'" is achievement add --id b1 --name B --description D --criteria C --result-description 'g|G|Grade'
one 2 "needs its levels" is achievement add --id b1 --name B --description D --criteria C --result-description 'r|R|RubricCriterionLevel'
one 2 "rubric level 'a' appears twice" is achievement add --id b1 --name B --description D --criteria C --result-description 'r|R|RubricCriterionLevel|a;a=A'
one 2 "rubric level 'a b' is not an id" is achievement add --id b1 --name B --description D --criteria C --result-description 'r|R|RubricCriterionLevel|a b'
one 2 "required 'top' of result description 'r' is not one of its levels" is achievement add --id b1 --name B --description D --criteria C --result-description 'r|R|RubricCriterionLevel|low;high|top'
one 2 "required 'F' of result description 'g' is not one of its allowed values" is achievement add --id b1 --name B --description D --criteria C --result-description 'g|G|LetterGrade|A;B|F'
one 2 "Status\) takes no values" is achievement add --id b1 --name B --description D --criteria C --result-description 's|S|Status|Done'
one 2 "result description id 'a#b' is not an id" is achievement add --id b1 --name B --description D --criteria C --result-description 'a#b|G|Percent'
one 2 "has no name" is achievement add --id b1 --name B --description D --criteria C --result-description 'g||Percent'
one 2 "wants ID\|NAME\|TYPE" is achievement add --id b1 --name B --description D --criteria C --result-description 'g|G'
one 2 "result description 'g\|H\|Percent' appears twice" is achievement add --id b1 --name B --description D --criteria C --result-description 'g|G|Percent' --result-description 'g|H|Percent'
one 2 "wants a language code" is achievement add --id b1 --name B --description D --criteria C --language english
one 2 "wants a language code" is achievement add --id b1 --name B --description D --criteria C --language pt-br
one 2 "no achievement 'nope' in the catalog" is achievement add --id b1 --name B --description D --criteria C --related nope
check "no bad entry was added" sh -c "! '$IS' --home '$H' achievement show b1"
expect 0 "" is achievement add --id b2 --name B --description D --criteria C --result-description 'x|X|ext:Stars|1;2;3' --result-description 'n|N|RawScore' --language zh-Hant-TW
is achievement show b2 >"$T/b2.json"
jf "$T/b2.json" "d['resultDescription'][0]['resultType'] == 'ext:Stars' and d['inLanguage'] == 'zh-Hant-TW'"

# ---- issue: every new option, in every suite ----
L=did:example:ana
for s in eddsa-rdfc-2022 eddsa-jcs-2022 Ed25519Signature2020 vc-jwt; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	expect 0 "" is issue --suite "$s" --achievement weld --recipient $L --name "Ana Lima" \
		--evidence "https://portfolio.example.edu/ana|Welded **three** joints; the | stays in the narrative" \
		--evidence "|Observed by the instructor on 2026-05-28" --evidence https://portfolio.example.edu/ana/photos \
		--result grade=B --result practical=mastery --result done=Completed --result score=87 --result "Top of the class" \
		--awarded-date 2026-05-30T10:00:00+02:00 --credential-schema -o "$T/rich-$s.$x"
	valid "$s: evidence, results, awardedDate, credentialSchema" "$T/rich-$s.$x"
	verify "$H" "$T/rich-$s.$x"
	check "$s: the report shows the awarded date" grep -q "Awarded: *2026-05-30T10:00:00+02:00" "$T/out"
	check "$s: the report shows the rubric level" grep -q "Result: *Practical exam: level Mastery" "$T/out"
	check "$s: the report shows the evidence narrative" grep -q "Evidence: *Observed by the instructor" "$T/out"
done
C="$T/rich-eddsa-rdfc-2022.json"
jf "$C" "d['@context'][2:] == ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json']"
jf "$C" "d['credentialSchema'] == [{'id': 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json', 'type': '1EdTechJsonSchemaValidator2019'}]"
jf "$C" "d['awardedDate'] == '2026-05-30T10:00:00+02:00'"
jf "$C" "d['evidence'] == [{'type': ['Evidence'], 'id': 'https://portfolio.example.edu/ana', 'narrative': 'Welded **three** joints; the | stays in the narrative'}, {'type': ['Evidence'], 'narrative': 'Observed by the instructor on 2026-05-28'}, {'type': ['Evidence'], 'id': 'https://portfolio.example.edu/ana/photos'}]"
jf "$C" "d['credentialSubject']['result'] == [
 {'type': ['Result'], 'resultDescription': '$B/weld#grade', 'value': 'B'},
 {'type': ['Result'], 'resultDescription': '$B/weld#practical', 'achievedLevel': '$B/weld#practical.mastery'},
 {'type': ['Result'], 'resultDescription': '$B/weld#done', 'status': 'Completed'},
 {'type': ['Result'], 'resultDescription': '$B/weld#score', 'value': '87'},
 {'type': ['Result'], 'value': 'Top of the class'}]"
# every achievedLevel names a level of the result description it names, in the credential itself
jf "$C" "all(r['achievedLevel'] in [l['id'] for rd in d['credentialSubject']['achievement']['resultDescription'] if rd['id'] == r['resultDescription'] for l in rd['rubricCriterionLevel']] for r in d['credentialSubject']['result'] if 'achievedLevel' in r)"
# a level by its name, the full ids, a zone-less date read as UTC
expect 0 "" is issue --achievement weld --recipient $L --no-status --result "practical=Proficient" \
	--result "$B/weld#grade=A" --result "$B/weld#practical=$B/weld#practical.novice" --awarded-date 2026-05-30T00:00:00 \
	--valid-from 2026-06-01T00:00:00 -o "$T/byname.json"
jf "$T/byname.json" "[r.get('achievedLevel', r.get('value')) for r in d['credentialSubject']['result']] == ['$B/weld#practical.proficient', 'A', '$B/weld#practical.novice']"
jf "$T/byname.json" "d['awardedDate'] == '2026-05-30T00:00:00Z' and d['validFrom'] == '2026-06-01T00:00:00Z'"
valid "levels by name and by id, zone-less dates" "$T/byname.json"
# the Spanish version, with a P-256 issuer and the ECDSA suites
expect 0 "" is issue --achievement weld-es --recipient ana@example.com --result practica=experto --evidence "https://portfolio.example.edu/ana|Tres uniones" -o "$T/es.json"
jf "$T/es.json" "d['name'] == 'Fundamentos de soldadura' and d['credentialSubject']['achievement']['inLanguage'] == 'es'"
valid "a translation (inLanguage, related)" "$T/es.json"
verify "$H" "$T/es.json"
H2="$T/p256"
expect 0 "^did:key:zDn" "$IS" --home "$H2" init --name P --url https://p.example --key-type p256
expect 0 "" "$IS" --home "$H2" achievement add --id a --name A --description D --criteria C \
	--result-description 'r|Rubric|RubricCriterionLevel|lo=Low;hi=High' --language fr
for s in ecdsa-rdfc-2019 ecdsa-jcs-2019 vc-jwt; do
	x=json
	[ "$s" = vc-jwt ] && x=jwt
	expect 0 "" "$IS" --home "$H2" issue --suite $s --achievement a --recipient did:example:1 --result r=hi \
		--evidence "|Portfolio review" --awarded-date 2026-05-30T00:00:00Z --credential-schema -o "$T/p-$s.$x"
	valid "P-256 $s: every new option" "$T/p-$s.$x"
	verify "$H2" "$T/p-$s.$x"
done

# ---- bad values: one line, exit 2, nothing logged, nothing written ----
n0=$(logged)
one 2 "'expert' is not a level of result description 'practical' \(levels: novice, proficient, mastery\)" is issue --achievement weld --recipient $L --result practical=expert -o "$T/bad.json"
one 2 "has no result description 'theory' \(it has: grade, practical, done, score\)" is issue --achievement weld --recipient $L --result theory=90 -o "$T/bad.json"
one 2 "'E' is not one of its allowed values of result description 'grade'" is issue --achievement weld --recipient $L --result grade=E -o "$T/bad.json"
one 2 "a status is Completed" is issue --achievement weld --recipient $L --result done=Finished -o "$T/bad.json"
one 2 "result 'score=' has no value" is issue --achievement weld --recipient $L --result score= -o "$T/bad.json"
one 2 "evidence 'portfolio.example.edu/ana' is not a URL" is issue --achievement weld --recipient $L --evidence portfolio.example.edu/ana -o "$T/bad.json"
one 2 "evidence 'ftp://x.example/a' is not a URL" is issue --achievement weld --recipient $L --evidence "ftp://x.example/a|n" -o "$T/bad.json"
one 2 "evidence 'https://x.example/a b' is not a URL" is issue --achievement weld --recipient $L --evidence "https://x.example/a b" -o "$T/bad.json"
one 2 "evidence 'https://' is not a URL" is issue --achievement weld --recipient $L --evidence "https://" -o "$T/bad.json"
one 2 "evidence '\|' is empty" is issue --achievement weld --recipient $L --evidence "|" -o "$T/bad.json"
one 2 "invalid --awarded-date 'yesterday'" is issue --achievement weld --recipient $L --awarded-date yesterday -o "$T/bad.json"
one 2 "invalid --awarded-date '2026-02-30T00:00:00Z'" is issue --achievement weld --recipient $L --awarded-date 2026-02-30T00:00:00Z -o "$T/bad.json"
one 2 "invalid --valid-until '2030-13-01T00:00:00Z'" is issue --achievement weld --recipient $L --valid-until 2030-13-01T00:00:00Z -o "$T/bad.json"
one 2 "more than 64 evidence entries" is issue --achievement weld --recipient $L $(i=0; while [ $i -lt 65 ]; do printf ' --evidence https://e.example/%d' $i; i=$((i + 1)); done) -o "$T/bad.json"
check "no bad credential was written" test ! -e "$T/bad.json"
check "no bad credential was logged" test "$(logged)" = "$n0"

# ---- rosters: the same grammar in columns, awarded_date, --credential-schema ----
r="$T/r.csv"
{
	printf 'achievement,name,recipient,result,evidence,awarded_date\n'
	printf 'weld,Ana,ana@example.edu,"grade=A\npractical=mastery\ndone=Completed","https://portfolio.example.edu/ana|Three joints\n|Observed in the shop",2026-05-30\n'
	printf 'weld,Ben,did:example:ben,practical=novice,,2026-05-30T12:00:00+02:00\n'
	printf 'weld-es,Cy,cy@example.edu,practica=inicial,https://portfolio.example.edu/cy,\n'
	printf 'weld,Dee,dee@example.edu,practical=expert,,\n'
	printf 'weld,Eve,eve@example.edu,,not-a-url,\n'
	printf 'weld,Fay,fay@example.edu,,,30/05/2026\n'
	printf 'weld,Gus,gus@example.edu,grade=Z,,\n'
} >"$r"
expect 1 "7 rows: 3 issued, 0 already issued, 4 bad" is issue --roster "$r" -o "$T/rout" --credential-schema
# lines are physical: the first row's quoted fields span lines 2 to 5
check "bad row: unknown level, with its line" grep -q "r.csv:8: result 'practical=expert': 'expert' is not a level" "$T/out"
check "bad row: evidence not a URL" grep -q "r.csv:9: evidence 'not-a-url' is not a URL" "$T/out"
check "bad row: awarded_date" grep -q "r.csv:10: invalid awarded_date '30/05/2026'" "$T/out"
check "bad row: value not allowed" grep -q "r.csv:11: result 'grade=Z': 'Z' is not one of its allowed values" "$T/out"
set -- "$T"/rout/*.json
check "roster: 3 credentials" test "$#" -eq 3
valid "roster: results, evidence narratives, awarded_date, credentialSchema" "$@"
for f in "$@"; do verify "$H" "$f"; done
python3 - "$T/rout" "$B" >"$T/rcheck" 2>&1 <<'PY'
import json, os, sys
d, B = sys.argv[1], sys.argv[2]
rows = {json.loads(l)['line']: json.loads(l) for l in open(os.path.join(d, 'manifest.jsonl'))}
c = {n: json.load(open(os.path.join(d, rows[k]['file']))) for n, k in ((2, 2), (3, 6), (4, 7))}
a = c[2]
assert a['awardedDate'] == '2026-05-30T00:00:00Z', a['awardedDate']
assert [r.get('value', r.get('achievedLevel', r.get('status'))) for r in a['credentialSubject']['result']] == ['A', B + '/weld#practical.mastery', 'Completed']
assert a['evidence'] == [{'type': ['Evidence'], 'id': 'https://portfolio.example.edu/ana', 'narrative': 'Three joints'},
                         {'type': ['Evidence'], 'narrative': 'Observed in the shop'}], a['evidence']
assert c[3]['awardedDate'] == '2026-05-30T12:00:00+02:00'
assert c[4]['credentialSubject']['result'][0]['achievedLevel'] == B + '/weld-es#practica.inicial'
assert 'awardedDate' not in c[4]
for x in c.values():
    assert x['credentialSchema'][0]['type'] == '1EdTechJsonSchemaValidator2019'
PY
if [ $? -eq 0 ]; then ok; else bad "roster credentials' fields"; sed 's/^/    /' "$T/rcheck" | tail -n 5; fi
# a roster without awarded_date keeps its row keys: the rows of an old run are found again
printf 'achievement,name,recipient,result\nweld,Hal,hal@example.edu,grade=B\n' >"$T/r2.csv"
expect 0 "1 rows: 1 issued" is issue --roster "$T/r2.csv" -o "$T/rout2"
expect 0 "1 rows: 0 issued, 1 already issued" is issue --roster "$T/r2.csv" -o "$T/rout2"
printf 'achievement,name,recipient,result,awarded_date\nweld,Hal,hal@example.edu,grade=B,\n' >"$T/r3.csv"
expect 0 "1 rows: 0 issued, 1 already issued" is issue --roster "$T/r3.csv" -o "$T/rout3"
expect 2 "award fields from the file" is issue --roster "$r" -o "$T/x" --awarded-date 2026-01-01T00:00:00Z

# ---- ES384: VC-JWTs by P-384 keys, both ways with python3-cryptography ----
E="$SHARED/conformance/vc-di-ecdsa"
P384=did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ
sed "s|\"id\": \"did:key:[^\"]*\"|\"id\": \"$P384\"|" "$V/unsigned/ob3-v2.json" >"$T/u384.json"
expect 0 "" "$IS" sign --key "$E/p384KeyPair.json" --suite vc-jwt -o "$T/s384.jwt" "$T/u384.json"
expect 0 "ES384 signature verifies" "$VF" verify --offline "$T/s384.jwt"
valid "ES384 VC-JWT" "$T/s384.jwt"
cat >"$T/es384.py" <<'PY'
import base64, calendar, json, sys, time
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature, decode_dss_signature
from cryptography.exceptions import InvalidSignature
A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
def b58d(s):
    n = 0
    for ch in s: n = n * 58 + A.index(ch)
    return n.to_bytes((n.bit_length() + 7) // 8, 'big')
def b58e(b):
    n, s = int.from_bytes(b, 'big'), ''
    while n: n, r = divmod(n, 58); s = A[r] + s
    return s
def b64d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def b64e(b): return base64.urlsafe_b64encode(b).decode().rstrip('=')
if sys.argv[1] == 'verify':    # verify obkit's token with the did:key's public key
    tok = open(sys.argv[2]).read().strip()
    h, p, s = tok.split('.')
    hdr = json.loads(b64d(h))
    assert hdr['alg'] == 'ES384', hdr
    raw = b58d(hdr['kid'].split('#')[1][1:])
    assert raw[:2] == b'\x81\x24', raw[:2]       # multicodec p384-pub
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw[2:])
    sig = b64d(s)
    assert len(sig) == 96, len(sig)
    der = encode_dss_signature(int.from_bytes(sig[:48], 'big'), int.from_bytes(sig[48:], 'big'))
    pub.verify(der, (h + '.' + p).encode(), ec.ECDSA(hashes.SHA384()))
    try:
        pub.verify(der, (h + '.' + p + 'x').encode(), ec.ECDSA(hashes.SHA384()))
        sys.exit('a changed payload verified')
    except InvalidSignature:
        pass
else:                          # sign a token of our own with a fresh P-384 key
    key = ec.generate_private_key(ec.SECP384R1())
    pt = key.public_key().public_bytes(encoding=__import__('cryptography.hazmat.primitives.serialization', fromlist=['Encoding']).Encoding.X962,
                                       format=__import__('cryptography.hazmat.primitives.serialization', fromlist=['PublicFormat']).PublicFormat.CompressedPoint)
    did = 'did:key:z' + b58e(b'\x81\x24' + pt)
    cred = json.load(open(sys.argv[2]))
    cred['issuer']['id'] = did
    t = lambda v: calendar.timegm(time.strptime(v, '%Y-%m-%dT%H:%M:%SZ'))
    claims = dict(cred, iss=did, jti=cred['id'], sub=cred['credentialSubject']['id'], nbf=t(cred['validFrom']), exp=t(cred['validUntil']))
    h = b64e(json.dumps({'alg': 'ES384', 'typ': 'JWT', 'kid': did + '#' + did[8:]}).encode())
    p = b64e(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign((h + '.' + p).encode(), ec.ECDSA(hashes.SHA384())))
    print(h + '.' + p + '.' + b64e(r.to_bytes(48, 'big') + s.to_bytes(48, 'big')))
PY
check "python3-cryptography verifies obkit's ES384 signature" python3 "$T/es384.py" verify "$T/s384.jwt"
python3 "$T/es384.py" sign "$V/unsigned/ob3-v2.json" >"$T/py384.jwt"
expect 0 "ES384 signature verifies" "$VF" verify --offline "$T/py384.jwt"
# a changed payload, an ES384 header on a P-256 key's token, a short signature
python3 - "$T/py384.jwt" "$T" <<'PY'
import base64, json, sys
h, p, s = open(sys.argv[1]).read().strip().split('.')
d = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))
d['name'] = 'Forged'
p2 = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
open(sys.argv[2] + '/t-payload.jwt', 'w').write('.'.join([h, p2, s]))
sig = base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
open(sys.argv[2] + '/t-short.jwt', 'w').write('.'.join([h, p, base64.urlsafe_b64encode(sig[:64]).decode().rstrip('=')]))
PY
expect 1 "invalid JWS signature" "$VF" verify --offline "$T/t-payload.jwt"
expect 1 "ES384 signature is 64 bytes, want 96" "$VF" verify --offline "$T/t-short.jwt"
python3 - "$T/p-vc-jwt.jwt" "$T/t-alg.jwt" <<'PY'
import base64, json, sys
h, p, s = open(sys.argv[1]).read().strip().split('.')
d = json.loads(base64.urlsafe_b64decode(h + '=' * (-len(h) % 4)))
d['alg'] = 'ES384'
open(sys.argv[2], 'w').write('.'.join([base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('='), p, s]))
PY
expect 1 "alg 'ES384' does not match the key" "$VF" verify --offline "$T/t-alg.jwt"

done_tests
