#!/bin/sh
# ob-issuer clr: a CLR 2.0 record of what one learner was awarded; the
# verifier checks its proof and every nested credential.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
L=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP

expect 0 "^did:key:z6Mk" is init --name "Riverbend College" --url https://riverbend.example.edu
for a in weld-101 weld-102 weld-201; do
	expect 0 "" is achievement add --id $a --name "Course $a" --description "Course $a" --criteria "Pass $a"
done
expect 2 "needs --recipient" is clr
expect 2 "no credential issued to $L" is clr --recipient $L

# three badges in three formats for one learner, one for someone else
expect 0 "" is issue --no-status --achievement weld-101 --recipient $L --name "Ana Lima" -o "$T/c1.json"
expect 0 "" is issue --no-status --achievement weld-102 --recipient $L --suite eddsa-jcs-2022 -o "$T/c2.json"
expect 0 "" is issue --no-status --achievement weld-201 --recipient $L --suite vc-jwt -o "$T/c3.jwt"
expect 0 "" is issue --no-status --achievement weld-101 --recipient did:example:other -o "$T/o.json"

# a revoked badge never goes into a record
expect 0 "" is issue --achievement weld-201 --recipient $L -o "$T/r.json"
RID=$(python3 -c "import json; print(json.load(open('$T/r.json'))['id'])")
expect 0 "" is revoke "$RID" --reason "issued in error"
expect 0 "CLR .* of 3 credentials" is clr --recipient $L --learner "Ana Lima" -o "$T/clr.json"
check "the revoked badge is left out" sh -c "! grep -q '$RID' '$T/clr.json'"
expect 0 "Comprehensive Learner Record of 3 credentials" "$VF" verify "$T/clr.json"
check "report nests three valid credentials" sh -c "'$VF' verify --json '$T/clr.json' | python3 -c '
import json,sys; r=json.load(sys.stdin)
assert r[\"verified\"] is True and r[\"kind\"] == \"clr\"
assert [c[\"verified\"] for c in r[\"credentials\"]] == [True, True, True]'"
check "the JWT travels enveloped, the others as issued" python3 -c "
import json
c=json.load(open('$T/clr.json')); s=c['credentialSubject']
assert 'ClrCredential' in c['type'] and s['type']=='ClrSubject' and s['id']=='$L'
vcs=s['verifiableCredential']
assert vcs[0]==json.load(open('$T/c1.json')) and vcs[1]==json.load(open('$T/c2.json'))
assert vcs[2]['type']=='EnvelopedVerifiableCredential' and vcs[2]['id'].endswith(open('$T/c3.jwt').read().strip())
assert len(s['achievement'])==3 and c['proof']['cryptosuite']=='eddsa-rdfc-2022'"
check "other learners' badges stay out" sh -c "! grep -q did:example:other '$T/clr.json'"

# a nested credential changed: the record is invalid (outer proof first)
python3 - "$T/clr.json" "$T/bad1.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c['credentialSubject']['verifiableCredential'][1]['credentialSubject']['achievement']['name'] = 'Master Welder'
json.dump(c, open(sys.argv[2], 'w'))
PY
expect 1 "signature does not verify" "$VF" verify "$T/bad1.json"
# ... and re-signed by a CLR issuer over the tampered badge: the outer
# proof holds, the nested one fails, so the record fails
python3 - "$T/bad1.json" "$T/bad2.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
del c['proof']
json.dump(c, open(sys.argv[2], 'w'))
PY
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/bad2-signed.json" "$T/bad2.json"
expect 1 "INVALID" "$VF" verify "$T/bad2-signed.json"
check "only the tampered nested credential fails" sh -c "'$VF' verify --json '$T/bad2-signed.json' | python3 -c '
import json,sys; r=json.load(sys.stdin)
assert r[\"verified\"] is False
assert [c[\"verified\"] for c in r[\"credentials\"]] == [True, False, True]'"
# shape: a ClrSubject without credentials is refused
python3 - "$T/bad2.json" "$T/empty.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c['credentialSubject']['verifiableCredential'] = []
json.dump(c, open(sys.argv[2], 'w'))
PY
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/empty-signed.json" "$T/empty.json"
# authentic but empty: a CLR 2.0 shape error, a warning; --strict refuses it
expect 0 "Conformant: +WARNING: does not conform to CLR 2.0: .*verifiableCredential \(1 or more\)" "$VF" verify "$T/empty-signed.json"
expect 1 "^INVALID: does not conform to CLR 2.0: .*verifiableCredential \(1 or more\)" "$VF" verify --strict "$T/empty-signed.json"

# e-mail learners are identified by a salted hash
expect 0 "" is issue --no-status --achievement weld-101 --recipient Ana@Example.com -o "$T/e1.json"
expect 0 "of 1 credential" is clr --recipient Ana@Example.com --partial -o "$T/clr-email.json"
check "hashed identifier, no address" python3 -c "
import json,hashlib
c=json.load(open('$T/clr-email.json')); s=c['credentialSubject']
io=s['identifier'][0]; assert 'id' not in s and c['partial'] is True
assert io['identityHash']=='sha256$'+hashlib.sha256(('ana@example.com'+io['salt']).encode()).hexdigest()
assert 'Ana@Example.com' not in json.dumps(s['identifier'])"
expect 0 "marked partial" "$VF" verify "$T/clr-email.json"
expect 0 "" is clr --recipient $L --suite eddsa-jcs-2022 -o "$T/clr-jcs.json"
expect 0 "VALID" "$VF" verify "$T/clr-jcs.json"
expect 3 "exists" is clr --recipient $L -o "$T/clr.json"
expect 2 "unknown --suite" is clr --recipient $L --suite nope
done_tests
