#!/bin/sh
# Issue 14 items 5 and 6: what a Displayer shows (image, name, description,
# criteria, issuer, issued-on and awarded dates, status, evidence, results,
# alignments) in the text report, --json, the page and the wallet's show;
# embedded endorsements, each verified into its own report (the 1EdTech
# complete.json sample's five), and a standalone EndorsementCredential's
# shape rules.
#   sh tests/cli/display.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
W="$BIN/ob-wallet"
HOME=$T/home
export HOME
KEY=$V/keys/issuer-ed25519.json
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
SAMPLES=$SHARED/conformance/1edtech-validator-samples/ob30
COMPLETE=$SAMPLES/complete.json
vf() { "$VF" verify --now "$NOW" --offline --no-default-registries "$@"; }
jf() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; then
		ok
	else
		bad "json: $2"
		head -c 1500 "$1" | sed 's/^/    /'
	fi
}
vj() {
	want=$1
	shift
	vf --json "$@" >"$T/j" 2>"$T/jerr"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: verify --json $*"
		head -c 1200 "$T/j" | sed 's/^/    /'
		sed 's/^/    /' "$T/jerr"
	else
		ok
	fi
}
mutate() { # FILE PYTHON-EXPR-on-d OUT
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2; json.dump(d, open(sys.argv[3], 'w'), indent=2)" "$1" "$2" "$3"
}
sign() { # IN OUT
	"$IS" sign --key "$KEY" --suite eddsa-rdfc-2022 --created 2026-01-01T00:00:00Z "$1" >"$2" 2>"$T/signerr" ||
		{ bad "sign $1"; cat "$T/signerr"; }
}

# --- the Displayer's fields of a valid credential (vector 01 carries them)
expect 0 "^  Description: +Demonstrates safe operation" vf "$C01"
expect 0 "^  Criteria: +Learners must complete 120 hours" vf "$C01"
expect 0 "^  Image: +https://riverbend.example.edu/badges/welding-fundamentals/image.png$" vf "$C01"
expect 0 "^  Evidence: +Practical weld portfolio - Photographs and inspection reports" vf "$C01"
expect 0 "^  Result: +Practical exam score: 92$" vf "$C01"
expect 0 "^  Result: +Course grade: A$" vf "$C01"
expect 0 "^  Aligned to: +Perform fillet welds on mild steel - WSF-3.2 - Example Welding Skills Framework - https://frameworks" vf "$C01"
expect 0 "^  Valid from: +2025-06-01T00:00:00Z" vf "$C01"
vj 0 "$C01"
jf "$T/j" "d['summary']['description'].startswith('Demonstrates safe')"
jf "$T/j" "d['summary']['image'].startswith('https://') and d['summary']['imageDisplay'] == 'link'"
jf "$T/j" "d['summary']['criteria']['narrative'].startswith('Learners must')"
jf "$T/j" "d['summary']['results'] == ['Practical exam score: 92', 'Course grade: A']"
jf "$T/j" "len(d['summary']['alignments']) == 2 and len(d['summary']['evidence']) == 1"
# additive: every member the summary had is still there, with its value
jf "$T/j" "d['summary']['achievement'] == 'Welding Fundamentals' and d['summary']['validFrom'] == '2025-06-01T00:00:00Z' and d['summary']['issuerName'] == 'Riverbend Technical College' and 'endorsements' not in d"

# awardedDate, a data: image, a rubric level; signed here
mutate "$V/unsigned/ob3-v2.json" "a=d['credentialSubject']['achievement']; d['awardedDate']='2025-06-02T00:00:00Z'; a['image']={'id':'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=','type':'Image'}; a['resultDescription'].append({'id':'urn:uuid:rd3','type':['ResultDescription'],'name':'Weld quality','resultType':'RubricCriterionLevel','rubricCriterionLevel':[{'id':'urn:uuid:lvl-m','type':['RubricCriterionLevel'],'name':'Mastery'}]}); d['credentialSubject']['result'].append({'type':['Result'],'resultDescription':'urn:uuid:rd3','achievedLevel':'urn:uuid:lvl-m'})" "$T/u-rich.json"
sign "$T/u-rich.json" "$T/rich.json"
expect 0 "^  Awarded: +2025-06-02T00:00:00Z" vf "$T/rich.json"
expect 0 "^  Image: +image/svg\+xml;base64 \(embedded, [0-9]+ bytes\)" vf "$T/rich.json"
expect 0 "^  Result: +Weld quality: level Mastery$" vf "$T/rich.json"
vj 0 "$T/rich.json"
jf "$T/j" "d['summary']['awardedDate'] == '2025-06-02T00:00:00Z' and d['summary']['imageDisplay'] == 'inline'"

# claims stay claims: a tampered credential's fields are marked with "?"
mutate "$C01" "d['credentialSubject']['achievement']['description']='Master welder \x1b[32mVALID'" "$T/tampered.json"
expect 1 "^  Description\? +Master welder .x1b\[32mVALID" vf "$T/tampered.json"
check "no raw escape in the text report" sh -c "! '$VF' verify --now $NOW --offline '$T/tampered.json' | grep -q \"\$(printf '\\033')\""
vj 1 "$T/tampered.json"
jf "$T/j" "d['summary']['claimsOnly'] is True and d['summary']['description'].startswith('Master welder')"
# an image that is neither https nor data:image is named, never shown
mutate "$C01" "d['credentialSubject']['achievement']['image']={'id':'javascript:alert(1)','type':'Image'}" "$T/js.json"
expect 1 "Image\? +javascript:alert\(1\) \(not shown" vf "$T/js.json"

# --- complete.json: five embedded endorsements, each with a verdict; the
# issuer's key from a controller document mapped offline
cat >"$T/1edtech-issuer.json" <<'EOF'
{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  "id": "https://1edtech.edu/issuers/565049",
  "verificationMethod": [{
    "id": "https://1edtech.edu/issuers/565049#z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs",
    "type": "Multikey", "controller": "https://1edtech.edu/issuers/565049",
    "publicKeyMultibase": "z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs"
  }],
  "assertionMethod": ["https://1edtech.edu/issuers/565049#z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs"]
}
EOF
DOC="--doc https://1edtech.edu/issuers/565049=$T/1edtech-issuer.json"
vf --json $DOC "$COMPLETE" >"$T/complete.json" 2>&1
jf "$T/complete.json" "len(d['endorsements']) == 5"
jf "$T/complete.json" "sorted(e['endorsed'] for e in d['endorsements']) == ['achievement', 'achievement creator', 'achievement creator', 'credential', 'issuer']"
jf "$T/complete.json" "all(e['verdict'] in ('valid', 'invalid', 'undecided') and e['summary']['endorsement']['endorses'] == 'https://1edtech.edu/issuers/565049' for e in d['endorsements'])"
jf "$T/complete.json" "all(e['verdict'] == 'invalid' and e['current']['outcome'] == 'failed' for e in d['endorsements'])"
jf "$T/complete.json" "[c['id'] for c in d['checks'] if c['id'].startswith('endorsement')] == ['endorsement[%d]' % i for i in range(5)]"
jf "$T/complete.json" "all(c['outcome'] == 'not checked' and 'INVALID' in c['message'] for c in d['checks'] if c['id'].startswith('endorsement'))"
# the badge's own signature verifies: a bad endorsement does not forge it
jf "$T/complete.json" "d['authentic']['outcome'] == 'passed' and d['verdict'] != 'invalid'"
jf "$T/complete.json" "d['summary']['description'] and d['summary']['criteria'] and d['summary']['image']"
vf $DOC "$COMPLETE" >"$T/complete.txt" 2>&1
check "text: five endorsement sections" sh -c "test \$(grep -c '^  Endorsement [1-5] of 5 (of the ' '$T/complete.txt') -eq 5"
check "text: each endorsement's own headline" sh -c "test \$(grep -c '^    INVALID: ' '$T/complete.txt') -ge 5"
check "text: the endorsements counted" grep -q "^  Endorsed: *5 endorsements: 5 INVALID (each shown below; the verdict above does not depend on them)" "$T/complete.txt"
check "text: an endorsement is labelled one" grep -q "What: *endorsement (EndorsementCredential)" "$T/complete.txt"
check "text: an endorsement's comment" grep -q "Comment? *1EdTech University is in good standing" "$T/complete.txt"

# --- a standalone EndorsementCredential: an endorsement, not an Achievement
vf --json "$SAMPLES/endorsement-valid.json" >"$T/e.json" 2>&1
jf "$T/e.json" "'achievement' not in d['summary'] and d['summary']['endorsement']['name']"
jf "$T/e.json" "[c['outcome'] for c in d['checks'] if c['id'] == 'openbadges'] == ['passed']"
expect_any() { "$@" >"$T/out" 2>&1; grep -qE "$pat" "$T/out" && ok || { bad "output lacks /$pat/: $*"; head -n 15 "$T/out"; }; }
pat="What: +endorsement \(EndorsementCredential\)"; expect_any vf "$SAMPLES/endorsement-valid.json"
pat="^  Endorsement[:?] +"; expect_any vf "$SAMPLES/endorsement-valid.json"
check "no Achievement line for an endorsement" sh -c "! '$VF' verify --now $NOW --offline '$SAMPLES/endorsement-valid.json' | grep -q '^  Achievement'"
mutate "$SAMPLES/endorsement-valid.json" "del d['name']" "$T/e-noname.json"
pat="EndorsementCredential: missing required field name"; expect_any vf "$T/e-noname.json"
mutate "$SAMPLES/endorsement-valid.json" "d['credentialSubject']['type']=['AchievementSubject']" "$T/e-subj.json"
pat="credentialSubject.type must include EndorsementSubject"; expect_any vf "$T/e-subj.json"

# --- an endorsement made here, embedded in the achievement, verifies; the
# same one altered is INVALID on its own, and only a warning on the badge
mutate "$V/unsigned/ob3-v2.json" "d.update({'id':'urn:uuid:e1','type':['VerifiableCredential','EndorsementCredential'],'name':'Guild endorsement'}); d['credentialSubject']={'id':d['credentialSubject']['achievement']['id'],'type':['EndorsementSubject'],'endorsementComment':'Meets the guild standard'}; [d.pop(k) for k in ('evidence','description','image')]" "$T/u-end.json"
sign "$T/u-end.json" "$T/end.json"
expect 0 "Endorses: +https://riverbend.example.edu/achievements/welding-fundamentals" vf "$T/end.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=json.load(open(sys.argv[2])); d['credentialSubject']['achievement']['endorsement']=[e]; json.dump(d, open(sys.argv[3],'w'))" "$V/unsigned/ob3-v2.json" "$T/end.json" "$T/u-endorsed.json"
sign "$T/u-endorsed.json" "$T/endorsed.json"
vj 0 "$T/endorsed.json"
jf "$T/j" "len(d['endorsements']) == 1 and d['endorsements'][0]['verdict'] == 'valid' and d['endorsements'][0]['endorsed'] == 'achievement'"
jf "$T/j" "[c['outcome'] for c in d['checks'] if c['id'] == 'endorsement[0]'] == ['passed']"
mutate "$T/end.json" "d['credentialSubject']['endorsementComment']='Does not meet the standard'" "$T/end-bad.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=json.load(open(sys.argv[2])); d['credentialSubject']['achievement']['endorsement']=[e]; json.dump(d, open(sys.argv[3],'w'))" "$V/unsigned/ob3-v2.json" "$T/end-bad.json" "$T/u-endorsed-bad.json"
sign "$T/u-endorsed-bad.json" "$T/endorsed-bad.json"
vj 0 "$T/endorsed-bad.json"
jf "$T/j" "d['endorsements'][0]['verdict'] == 'invalid' and d['endorsements'][0]['authentic']['outcome'] == 'failed'"
jf "$T/j" "any(c['id'] == 'endorsement[0]' and c['message'].startswith('warning: endorsement 1 (of the achievement) by') and 'is INVALID' in c['message'] for c in d['checks'])"
# endorsementJwt: the VC-JWT form, on the issuer profile
"$IS" sign --key "$KEY" --suite vc-jwt "$T/u-end.json" >"$T/end.jwt" 2>"$T/signerr" || { bad "sign vc-jwt"; cat "$T/signerr"; }
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['issuer']['endorsementJwt']=[open(sys.argv[2]).read().strip()]; json.dump(d, open(sys.argv[3],'w'))" "$V/unsigned/ob3-v2.json" "$T/end.jwt" "$T/u-jwt.json"
"$IS" sign --key "$KEY" --suite eddsa-jcs-2022 --created 2026-01-01T00:00:00Z "$T/u-jwt.json" >"$T/jwt-endorsed.json" 2>"$T/signerr" || { bad "sign jcs"; cat "$T/signerr"; }
vf --json "$T/jwt-endorsed.json" >"$T/j" 2>&1
jf "$T/j" "len(d['endorsements']) == 1 and d['endorsements'][0]['kind'] == 'vc-jwt' and d['endorsements'][0]['endorsed'] == 'issuer' and d['endorsements'][0]['verdict'] == 'valid'"

# --- ob-issuer endorse: an EndorsementCredential from the issuer's home
IH=$T/issuer
"$IS" --home "$IH" init --name "Guild of Welders" --url https://guild.example >/dev/null 2>&1 || bad "issuer init"
ACH=https://riverbend.example.edu/achievements/welding-fundamentals
expect 0 "endorsement urn:uuid:.* written to" "$IS" --home "$IH" endorse --subject "$ACH" --comment "Meets the guild standard" --name "Guild endorsement" --valid-from 2025-01-01T00:00:00Z -o "$T/made.json"
vj 0 "$T/made.json"
jf "$T/j" "d['summary']['endorsement'] == {'name': 'Guild endorsement', 'endorses': '$ACH', 'comment': 'Meets the guild standard'} and d['conformant']['outcome'] == 'passed'"
jf "$T/made.json" "d['type'] == ['VerifiableCredential', 'EndorsementCredential'] and d['issuer']['name'] == 'Guild of Welders' and isinstance(d['proof'], list)"
check "endorse: schema-clean" python3 "$(dirname "$0")/../tools/validate_schema.py" "$SHARED/conformance/1edtech-ob3-schema" "$T/made.json"
expect 0 "" "$IS" --home "$IH" endorse --subject "$ACH" --suite vc-jwt --valid-from 2025-01-01T00:00:00Z --valid-until 2030-01-01T00:00:00Z -o "$T/made.jwt"
expect 0 "What: +endorsement \(EndorsementCredential, VC-JWT\)" vf "$T/made.jwt"
check "endorse vc-jwt: schema-clean" python3 "$(dirname "$0")/../tools/validate_schema.py" "$SHARED/conformance/1edtech-ob3-schema" "$T/made.jwt"
expect 2 "endorse needs --subject" "$IS" --home "$IH" endorse --comment "x"
expect 2 "--subject wants the id" "$IS" --home "$IH" endorse --subject "not a uri"
expect 2 "invalid --valid-from" "$IS" --home "$IH" endorse --subject "$ACH" --valid-from yesterday
# embedded in a badge's achievement, it is verified there with its own verdict
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['credentialSubject']['achievement']['endorsement']=[json.load(open(sys.argv[2]))]; json.dump(d, open(sys.argv[3],'w'))" "$V/unsigned/ob3-v2.json" "$T/made.json" "$T/u-made.json"
sign "$T/u-made.json" "$T/with-made.json"
vf --json "$T/with-made.json" >"$T/j" 2>&1
jf "$T/j" "d['verdict'] == 'valid' and d['endorsements'][0]['verdict'] == 'valid' and d['endorsements'][0]['summary']['issuerName'] == 'Guild of Welders'"

# --- the page: image inline through <img> (an SVG's script never runs
# there), an https image only linked, every field escaped
rand_port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 )); }
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
tries=0
URL=
while [ $tries -lt 20 ] && [ -z "$URL" ]; do
	tries=$((tries + 1))
	port=$(rand_port)
	"$VF" serve --listen "127.0.0.1:$port" --threads 1 --now "$NOW" --offline $DOC 2>"$T/serve.err" &
	pid=$!
	i=0
	while [ $i -lt 100 ]; do
		grep -q "serving on" "$T/serve.err" 2>/dev/null && { URL=http://127.0.0.1:$port; break; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$URL" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
done
page() { # FILE: the result page into $T/page.html
	curl -s -m 30 -D "$T/h" -o "$T/page.html" -F "credential=<$1" "$URL/verify"
}
if [ -z "$URL" ]; then
	bad "serve did not start"
else
	page "$T/rich.json"
	check "page: an SVG image inline through <img>" grep -q '<img class="badge" alt="The badge image" src="data:image/svg+xml;base64,PHN2Zy' "$T/page.html"
	check "page: img-src data: only" grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'sha256-[^;]*'; img-src data:;" "$T/h"
	check "page: description" grep -q '<dt>Description</dt><dd>Demonstrates safe operation' "$T/page.html"
	check "page: criteria" grep -q '<dt>Criteria</dt><dd>Learners must complete' "$T/page.html"
	check "page: awarded" grep -q '<dt>Awarded on</dt><dd>2025-06-02T00:00:00Z' "$T/page.html"
	check "page: result with its rubric level" grep -q '<dt>Result</dt><dd>Weld quality: level Mastery' "$T/page.html"
	check "page: evidence" grep -q '<dt>Evidence</dt><dd>Practical weld portfolio' "$T/page.html"
	check "page: alignment" grep -q '<dt>Aligned to</dt><dd>Perform fillet welds' "$T/page.html"
	page "$C01"
	check "page: an https image is a link, not loaded" grep -q '<a href="https://riverbend.example.edu/badges/welding-fundamentals/image.png" rel="noopener noreferrer nofollow">' "$T/page.html"
	check "page: no <img> for an https image" sh -c "! grep -q '<img' '$T/page.html'"
	mutate "$C01" "d['credentialSubject']['achievement']['image']={'id':'data:image/svg+xml,<svg onload=alert(1)>\"><script>alert(2)</script>','type':'Image'}; d['credentialSubject']['achievement']['description']='<b>bold</b>'" "$T/xss.json"
	page "$T/xss.json"
	check "page: markup in a data: URI stays inside the attribute" grep -q 'src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;&quot;&gt;&lt;script&gt;' "$T/page.html"
	check "page: no script element" sh -c "! grep -qi '<script' '$T/page.html'"
	check "page: a claimed description is escaped and labelled" grep -q '<dt>Claims the description</dt><dd>&lt;b&gt;bold&lt;/b&gt;' "$T/page.html"
	page "$COMPLETE"
	check "page: five endorsements" sh -c "test \$(grep -c '<h3>Endorsement [1-5], of the ' '$T/page.html') -eq 5"
	check "page: each endorsement's verdict" sh -c "test \$(grep -c '<div class=\"verdict invalid\"><p><strong>Not valid: do not trust this endorsement' '$T/page.html') -eq 5"
	check "page: the endorsement heading" grep -q '<h2>Endorsements (5)</h2>' "$T/page.html"
fi

# --- the wallet's show
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE
H=$T/wallet
expect 0 "" "$W" --home "$H" init --kdf-cost test
expect 0 "" "$W" --home "$H" add --now "$NOW" --offline "$T/rich.json"
expect 0 "^Description: +Demonstrates safe operation" "$W" --home "$H" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "^Awarded: +2025-06-02T00:00:00Z" "$W" --home "$H" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "^Image: +data:image/svg\+xml;base64 \(embedded, [0-9]+ bytes\)" "$W" --home "$H" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "^Result: +Weld quality: level Mastery" "$W" --home "$H" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "^Criteria: +Learners must" "$W" --home "$H" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
H2=$T/wallet2
expect 0 "" "$W" --home "$H2" init --kdf-cost test
expect 0 "" "$W" --home "$H2" add --now "$NOW" --offline "$T/endorsed-bad.json"
expect 0 "^Endorsement: +INVALID, of the achievement, by did:key:" "$W" --home "$H2" show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01

done_tests
