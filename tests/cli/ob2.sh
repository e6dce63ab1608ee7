#!/bin/sh
# Open Badges 2.0 verification (issue 14 item 1, spec/ob2.md): every sample of
# ../shared/conformance/ob2/manifest.json, offline, with the documents the
# reference's tests serve mapped by --doc (README "Offline URL -> file
# mapping": https://example.org/, http://example.org/ and
# https://www.example.org/ + NAME -> assets/NAME; a hosted assertion's own id
# -> the sample itself, as its server would answer), compared with the
# manifest's verdict; then hosted, signed, baked and --recipient cases made here.
#   sh tests/cli/ob2.sh BIN_DIR SHARED_DIR
#
# How the manifest's words map to ours:
#   valid               exit 0, verdict valid
#   valid with warning  exit 0, verdict valid, conformant failed (a warning)
#   invalid ...         exit 1
# Rows where our rules are stricter or the question differs (never loosened):
#   shape  a shape flaw in an authentic badge is a warning (team rule), so
#          the reference's "invalid" is ours valid with conformant failed,
#          and invalid (exit 1) under --strict
#   trust  VALID needs the host (or key) bound to the issuer's identifier;
#          an issuer whose id is not an HTTP(S) URL binds nothing, so the
#          reference's "valid with warning" is ours undecided (exit 3)
#   doc    a BadgeClass or Profile alone is not a badge: nothing is issued or
#          signed, so ours is undecided (exit 3) with the manifest's verdict
#          as the conformant dimension (valid: passed, invalid: failed)
#   skip   the extension samples: their schemas are not in the folder
#          (README) and we do not validate extensions (ob2.h), so ours is
#          valid for all three (the reference: valid, valid, invalid)
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
O2=$SHARED/conformance/ob2
A=$O2/assets
set --
for f in "$A"/*; do
	b=$(basename "$f")
	set -- "$@" --doc "https://example.org/$b=$f" --doc "http://example.org/$b=$f" --doc "https://www.example.org/$b=$f"
done
vf() { "$VF" verify --now "$NOW" --offline "$@"; }
# jf FILE PYTHON-EXPR: passes when the expression over the JSON report d holds
jf() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; then
		ok
	else
		bad "json: $2"
		head -c 1500 "$1" | sed 's/^/    /'
	fi
}
# run CODE ARGS...: verify --json with every asset mapped, wants exit CODE
run() {
	want=$1
	shift
	vf --json "$@" >"$T/j" 2>"$T/jerr"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: verify ... $(eval "echo \"\${$#}\"")"
		head -c 1500 "$T/j" | sed 's/^/    /'
		sed 's/^/    /' "$T/jerr"
		return 1
	fi
	ok
}
idmap() { # FILE: --doc ID=FILE for a JSON assertion with an HTTP id
	python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
i=d.get('id') if isinstance(d,dict) else None
print('--doc\n%s=%s' % (i, sys.argv[1]) if isinstance(i,str) and i.startswith('http') else '')" "$1"
}
# the embedded JSON of a baked PNG (first iTXt openbadges), for its id
python3 - "$O2/simple-badge.png" "$T/png.json" <<'EOF'
import struct,sys
d=open(sys.argv[1],'rb').read(); p=8
while p < len(d):
    n,=struct.unpack('>I',d[p:p+4]); t=d[p+4:p+8]; c=d[p+8:p+8+n]; p+=12+n
    if t==b'iTXt' and c.startswith(b'openbadges\0'):
        c=c[11:]; c=c[2:]; c=c[c.index(b'\0')+1:]; c=c[c.index(b'\0')+1:]
        open(sys.argv[2],'wb').write(c); break
EOF

# ---- the manifest ----
match=0 stricter=0 skipped=0 total=0
python3 -c "
import json,sys
for e in json.load(open(sys.argv[1]))['entries']: print(e['file'] + '\t' + e['expected'])" "$O2/manifest.json" >"$T/rows"
while IFS='	' read -r file expected; do
	total=$((total + 1))
	f=$O2/$file
	extra=$(idmap "$f" 2>/dev/null)
	[ "$file" = simple-badge.png ] && extra="--doc
$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$T/png.json")=$T/png.json"
	case $expected in
	"valid with warning") want=0 ;;
	valid) want=0 ;;
	*) want=1 ;;
	esac
	row=same
	case $file in
	assertion-with-extension-node-*.json | assertion-with-multiple-extensions.json) row=skip ;;
	assertion-with-data-image.json) row=shape ;;
	warning-issuer-non-http.json) row=trust ;;
	assets/* | rdf-validation/* | issuer-compact-iri-validation.json) row=doc ;;
	esac
	if [ $row = skip ]; then
		skipped=$((skipped + 1))
		continue
	fi
	# shellcheck disable=SC2086
	IFS='
'
	case $row in
	same)
		if run $want "$@" $extra "$f"; then
			match=$((match + 1))
			[ "$expected" = "valid with warning" ] && jf "$T/j" "d['conformant']['outcome'] == 'failed'"
			[ $want = 0 ] && jf "$T/j" "d['kind'] == 'ob2' and d['authentic']['outcome'] == 'passed'"
		fi ;;
	shape)
		stricter=$((stricter + 1))
		run 0 "$@" $extra "$f" && jf "$T/j" "d['conformant']['outcome'] == 'failed' and 'data: URI' in d['conformant']['reason']"
		run 1 --strict "$@" $extra "$f" ;;
	trust)
		stricter=$((stricter + 1))
		run 3 "$@" $extra "$f" && jf "$T/j" "d['authentic']['outcome'] == 'not checked' and 'urn:uuid:2d391246-6e0d-4dab-906c-b29770bd7aa6 is not an HTTP(S) URL' in d['headline']" ;;
	doc)
		stricter=$((stricter + 1))
		conf=failed
		[ $want = 0 ] && conf=passed
		run 3 "$@" $extra "$f" && jf "$T/j" "d['conformant']['outcome'] == '$conf' and 'not an assertion' in d['headline']" ;;
	esac
	unset IFS
done <"$T/rows"
echo "ob2 manifest: $match of $total give the manifest's verdict; $stricter by our stricter rules (shape/trust/doc, marked); $skipped skipped (extensions)"
[ $((match + stricter + skipped)) -eq "$total" ] && [ "$total" -ge 36 ] && ok || bad "manifest rows unaccounted for"

# ---- hosted ----
H=$O2/basic-assertion-no-public-key.json
HID=https://example.org/beths-robotics-badge.json
run 0 "$@" --doc "$HID=$H" "$H"
jf "$T/j" "d['issuerIdentity'] == 'domain' and d['issuerIdentityBasis'] == 'example.org' and d['summary']['achievement'] == 'Awesome Robotics Badge'"
jf "$T/j" "d['summary']['issuerName'] == 'An Example Badge Issuer' and d['summary']['learner'] == 'identified by email (hashed)' and d['summary']['validFrom'] == '2016-12-31T23:59:59Z'"
jf "$T/j" "any(c['id'] == 'format' and 'Open Badges 2.0 assertion (hosted' in c['message'] for c in d['checks'])"
# the hosted copy is the truth: a copy given that differs is not what is verified
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['issuedOn']='2099-01-01T00:00:00Z'; json.dump(d,open(sys.argv[2],'w'))" "$H" "$T/edited.json"
run 0 "$@" --doc "$HID=$H" "$T/edited.json"
jf "$T/j" "any(c['id'] == 'hosted' for c in d['checks']) and d['summary']['validFrom'] == '2016-12-31T23:59:59Z'"
# ... and without the hosted copy nothing is decided
run 3 "$@" "$H"
jf "$T/j" "'Open Badges 2.0' in d['headline'] and d['authentic']['outcome'] == 'not checked'"
# revoked: the hosted body says so
printf '{"@context":"https://w3id.org/openbadges/v2","id":"%s","revoked":true,"revocationReason":"cheated"}' "$HID" >"$T/revoked.json"
run 1 "$@" --doc "$HID=$T/revoked.json" "$H"
jf "$T/j" "d['current']['outcome'] == 'failed' and 'cheated' in d['current']['reason']"
# hosted on another host than the issuer's
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['id']='https://evil.example/b.json'; json.dump(d,open(sys.argv[2],'w'))" "$H" "$T/evil.json"
run 1 "$@" --doc "https://evil.example/b.json=$T/evil.json" "$T/evil.json"
jf "$T/j" "d['authentic']['outcome'] == 'failed' and 'not on the issuer' in d['authentic']['reason']"
# an embedded issuer cannot widen its own scope: its own document is fetched
python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); d['id']='https://evil.example/b.json'
d['badge']={'type':'BadgeClass','id':'https://evil.example/bc','name':'X','description':'X','image':'https://evil.example/i.png','criteria':{'narrative':'x'},
 'issuer':{'type':'Issuer','id':'https://example.org/organization.json','name':'Example','url':'https://example.org','email':'a@example.org','verification':{'allowedOrigins':'evil.example'}}}
json.dump(d,open(sys.argv[2],'w'))" "$H" "$T/evil2.json"
run 1 "$@" --doc "https://evil.example/b.json=$T/evil2.json" "$T/evil2.json"
# a signed assertion given as plain JSON has no signature to check
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['verification']={'type':'signed'}; json.dump(d,open(sys.argv[2],'w'))" "$H" "$T/signed-json.json"
run 3 "$@" "$T/signed-json.json"
# endorsements (endorsements.md 7): each of the assertion's and its
# BadgeClass's verified into its own report (hosted: fetched from its id,
# its issuer's origin rules, its dates), with where it sits
run 0 "$@" --doc "$HID=$O2/assertion-with-endorsements.json" "$O2/assertion-with-endorsements.json"
jf "$T/j" "len(d['endorsements']) == 4 and [e['endorsed'] for e in d['endorsements']] == ['credential', 'credential', 'achievement', 'achievement']"
jf "$T/j" "all(e['verdict'] == 'valid' and e['summary']['endorsement']['endorses'] == 'https://example.org/badgeclass-with-endorsements.json' and e['summary']['endorsement']['comment'] == 'Pretty good' for e in d['endorsements'])"
jf "$T/j" "[e['summary']['id'] for e in d['endorsements']] == ['http://example.org/endorsement-%d.json' % i for i in (1, 2, 3, 4)]"
jf "$T/j" "sum(c['id'].startswith('endorsement[') and c['outcome'] == 'passed' for c in d['checks']) == 4"
expect 0 "Endorsed: +4 endorsements: 4 VALID" vf "$@" --doc "$HID=$O2/assertion-with-endorsements.json" "$O2/assertion-with-endorsements.json"
check "text: each endorsement shown with its comment" test "$(grep -c 'Comment[:?] *Pretty good' "$T/out")" = 4
# one revoked, one whose issuer's host differs, one not a JSON object: each its own
# verdict, the badge's unchanged
python3 - "$A/endorsement-1.json" "$A/endorsement-2.json" "$T/e1.json" "$T/e2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d['revoked'] = True; d['revocationReason'] = 'withdrawn'; json.dump(d, open(sys.argv[3], 'w'))
d = json.load(open(sys.argv[2])); d['issuer'] = 'https://other.example/issuer.json'; json.dump(d, open(sys.argv[4], 'w'))
PY
python3 - "$A/issuer1.json" "$T/oi.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d['id'] = 'https://other.example/issuer.json'; json.dump(d, open(sys.argv[2], 'w'))
PY
echo '[]' >"$T/notobj.json"
run 0 "$@" --doc "$HID=$O2/assertion-with-endorsements.json" --doc "http://example.org/endorsement-1.json=$T/e1.json" \
	--doc "http://example.org/endorsement-2.json=$T/e2.json" --doc "https://other.example/issuer.json=$T/oi.json" \
	--doc "http://example.org/endorsement-3.json=$T/notobj.json" "$O2/assertion-with-endorsements.json"
jf "$T/j" "[e['verdict'] for e in d['endorsements']] == ['invalid', 'invalid', 'undecided', 'valid']"
jf "$T/j" "'withdrawn' in d['endorsements'][0]['headline'] and 'not on the issuer' in d['endorsements'][1]['headline'] and 'not a JSON object' in d['endorsements'][2]['headline']"
jf "$T/j" "d['verdict'] == 'valid'"
# an endorsement alone
run 0 "$@" "$A/endorsement-1.json"
jf "$T/j" "d['summary']['endorsement']['endorses'] == 'https://example.org/badgeclass-with-endorsements.json'"
# over the budget of 16: the rest named, not verified
python3 - "$O2/assertion-with-endorsements.json" "$T/many.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d['endorsement'] = ['https://example.org/endorsement-1.json'] * 20; json.dump(d, open(sys.argv[2], 'w'))
PY
run 0 "$@" --doc "$HID=$T/many.json" "$T/many.json"
jf "$T/j" "len(d['endorsements']) == 16 and any(c['message'].startswith('warning: 6 more endorsements not verified') for c in d['checks'])"
# by URL
run 0 "$@" --doc "$HID=$H" "$HID"

# ---- signed ----
run 0 "$@" "$O2/simple.jwt"
jf "$T/j" "d['kind'] == 'ob2' and d['issuerIdentity'] == 'self-asserted' and any(c['id'] == 'signature' and 'RS256' in c['message'] for c in d['checks'])"
run 1 "$@" "$O2/simple-revoked.jwt"
jf "$T/j" "d['current']['outcome'] == 'failed' and 'A good reason, for sure' in d['current']['reason']"
run 0 "$@" "$O2/simple-not-revoked.jwt"
jf "$T/j" "any(c['id'] == 'status' and c['outcome'] == 'passed' for c in d['checks'])"
# tampered payload: the signature fails
python3 -c "
import base64,json,sys
h,p,s=open(sys.argv[1]).read().strip().split('.')
d=json.loads(base64.urlsafe_b64decode(p+'='*(-len(p)%4))); d['issuedOn']='2017-01-01T00:00:00Z'
p=base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
open(sys.argv[2],'w').write('.'.join([h,p,s]))" "$O2/simple.jwt" "$T/tampered.jwt"
run 1 "$@" "$T/tampered.jwt"
jf "$T/j" "d['authentic']['outcome'] == 'failed'"
# a key that names another owner is not the issuer's
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['owner']='https://example.org/someone-else.json'; json.dump(d,open(sys.argv[2],'w'))" "$A/key1.json" "$T/key1.json"
run 1 "$@" --doc "http://example.org/key1.json=$T/key1.json" "$O2/simple.jwt"
jf "$T/j" "'not to the issuer' in d['authentic']['reason']"
# a creator the issuer does not list
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['publicKey']='http://example.org/key9.json'; json.dump(d,open(sys.argv[2],'w'))" "$A/organization.json" "$T/org.json"
run 1 "$@" --doc "https://example.org/organization.json=$T/org.json" "$O2/simple.jwt"
jf "$T/j" "'not one of the issuer' in d['authentic']['reason']"
# no documents: undecided, and it says Open Badges 2.0
expect 3 "UNDECIDED: could not fetch the Open Badges 2.0 BadgeClass" vf "$O2/simple.jwt"
# the revocation list cannot be had: undecided
run 3 "$@" --doc "http://example.org/revocation-list.json=$A/key1.json" "$O2/simple-revoked.jwt"

# ---- baked ----
run 0 "$@" --doc "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$T/png.json")=$T/png.json" "$O2/simple-badge.png"
jf "$T/j" "any(c['id'] == 'image' for c in d['checks']) and d['kind'] == 'ob2'"
# SVG (Baking 1.0): hosted (JSON in CDATA, verify = its URL) and signed (verify = the JWS)
{ printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
  printf '<openbadges:assertion verify="%s"><![CDATA[' "$HID"; cat "$H"; printf ']]></openbadges:assertion><circle r="4"/></svg>\n'; } >"$T/hosted.svg"
run 0 "$@" --doc "$HID=$H" "$T/hosted.svg"
jf "$T/j" "'Open Badges 2.0 assertion (hosted' in json.dumps(d['checks'])"
{ printf '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="'
  tr -d '\n' <"$O2/simple.jwt"; printf '"/></svg>\n'; } >"$T/signed.svg"
run 0 "$@" "$T/signed.svg"
jf "$T/j" "'Open Badges 2.0 assertion (signed' in json.dumps(d['checks'])"
# a legacy PNG bake: tEXt "openbadges" holding the hosted assertion's URL
python3 - "$O2/simple-badge.png" "$T/legacy.png" "$HID" <<'EOF'
import struct,sys,zlib
d=open(sys.argv[1],'rb').read(); out=[d[:8]]; p=8
while p < len(d):
    n,=struct.unpack('>I',d[p:p+4]); t=d[p+4:p+8]; ch=d[p:p+12+n]; p+=12+n
    if t==b'iTXt': continue
    if t==b'IEND':
        c=b'openbadges\0'+sys.argv[3].encode()
        out.append(struct.pack('>I',len(c))+b'tEXt'+c+struct.pack('>I',zlib.crc32(b'tEXt'+c)))
    out.append(ch)
open(sys.argv[2],'wb').write(b''.join(out))
EOF
run 0 "$@" --doc "$HID=$H" "$T/legacy.png"
jf "$T/j" "d['issuerIdentity'] == 'domain' and any(c['id'] == 'image' and 'assertion URL' in c['message'] for c in d['checks'])"

# ---- --recipient (the salted hash: sha256("nobody@example.org" + "deadsea")) ----
run 0 "$@" --recipient nobody@example.org "$O2/simple.jwt"
jf "$T/j" "d['holder']['outcome'] == 'passed'"
run 0 "$@" --recipient Nobody@Example.org "$O2/simple.jwt"
run 1 "$@" --recipient somebody@example.org "$O2/simple.jwt"
jf "$T/j" "d['holder']['outcome'] == 'failed' and 'somebody@example.org' in d['holder']['reason']"
run 1 "$@" --doc "$HID=$H" --recipient somebody@example.org "$H"
# md5, unhashed, and a recipient that is no e-mail address
python3 -c "
import json,sys,hashlib
d=json.load(open(sys.argv[1]))
d['recipient']={'type':'email','hashed':True,'salt':'s','identity':'md5\$'+hashlib.md5(b'x@example.org'+b's').hexdigest().upper()}
json.dump(d,open(sys.argv[2],'w'))
d['recipient']={'type':'email','hashed':False,'identity':'x@example.org'}; json.dump(d,open(sys.argv[3],'w'))
d['recipient']={'type':'url','hashed':False,'identity':'https://x.example'}; json.dump(d,open(sys.argv[4],'w'))" "$H" "$T/md5.json" "$T/plain.json" "$T/url.json"
run 0 "$@" --doc "$HID=$T/md5.json" --recipient x@example.org "$T/md5.json"
run 1 "$@" --doc "$HID=$T/md5.json" --recipient y@example.org "$T/md5.json"
run 0 "$@" --doc "$HID=$T/plain.json" --recipient x@example.org "$T/plain.json"
run 3 "$@" --doc "$HID=$T/url.json" --recipient x@example.org "$T/url.json"
jf "$T/j" "'no e-mail recipient' in d['holder']['reason']"

# ---- the Displayer's view of a 2.0 badge, as of a 3.0 one ----
run 0 "$@" "$O2/simple.jwt"
jf "$T/j" "d['summary']['description'].startswith('For doing awesome things with robots')"
jf "$T/j" "d['summary']['image'] == 'https://example.org/robotics-badge.png' and d['summary']['imageDisplay'] == 'link'"
jf "$T/j" "d['summary']['criteria'] == {'id': 'https://example.org/badgecriteria.json'}"
jf "$T/j" "d['summary']['evidence'] == ['https://example.org/beths-robot-work.html']"
expect 0 "Description: +For doing awesome things with robots" vf "$@" "$O2/simple.jwt"
check "text: criteria at" grep -q "Criteria at: *https://example.org/badgecriteria.json" "$T/out"
check "text: image" grep -q "Image: *https://example.org/robotics-badge.png" "$T/out"
check "text: evidence" grep -q "Evidence: *https://example.org/beths-robot-work.html" "$T/out"
check "text: issuer name and issued-on" sh -c "grep -q \"it calls itself 'An Example Badge Issuer'\" '$T/out' && grep -q 'issued on 2016-12-31T23:59:59Z' '$T/out'"
# a BadgeClass with a Criteria object, alignments and an Image object,
# shown alone (not an award: undecided, never valid)
python3 - "$A/robotics-badge.json" "$T/rb.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['criteria'] = {'id': 'https://example.org/badgecriteria.json', 'narrative': 'Build a **robot** that walks.'}
d['image'] = {'id': 'https://example.org/robotics-badge.png', 'caption': 'A robot'}
d['alignment'] = [{'targetName': 'Robotics 101', 'targetUrl': 'https://frameworks.example.org/robotics/101',
                   'targetFramework': 'Example Robotics Framework', 'targetCode': 'R101'}]
json.dump(d, open(sys.argv[2], 'w'))
PY
expect 3 "not an assertion" vf "$@" "$T/rb.json"
check "BadgeClass alone: criteria narrative" grep -q "Criteria? *Build a \*\*robot\*\* that walks." "$T/out"
check "BadgeClass alone: alignment" grep -q "Aligned to? *Robotics 101 - R101 - Example Robotics Framework - https://frameworks.example.org/robotics/101" "$T/out"
check "BadgeClass alone: image object" grep -q "Image? *https://example.org/robotics-badge.png" "$T/out"
vf --json "$@" "$T/rb.json" >"$T/j" 2>/dev/null
jf "$T/j" "d['summary']['alignments'] == ['Robotics 101 - R101 - Example Robotics Framework - https://frameworks.example.org/robotics/101'] and d['summary']['criteria']['narrative'] == 'Build a **robot** that walks.'"

# ---- the wallet's add: the same verdict, stored ----
WL="$BIN/ob-wallet"
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE
expect 0 "" "$WL" --home "$T/w" init --kdf-cost test
expect 0 "^$HID\$" "$WL" --home "$T/w" add --now "$NOW" --offline "$@" "$O2/simple.jwt"
expect 0 "Awesome Robotics Badge +An Example Badge Issuer" "$WL" --home "$T/w" list
expect 0 "" "$WL" --home "$T/w2" init --kdf-cost test
expect 1 "revoked by its issuer: A good reason" "$WL" --home "$T/w2" add --now "$NOW" --offline "$@" "$O2/simple-revoked.jwt"
expect 0 "" "$WL" --home "$T/w3" init --kdf-cost test
expect 0 "^$HID\$" "$WL" --home "$T/w3" add --now "$NOW" --offline "$@" --doc "$HID=$T/png.json" "$O2/simple-badge.png"

done_tests
