#!/bin/sh
# ob-issuer: init, catalog, issue in both formats, sign, and bad input
# (status entries, rosters, publishing: issuer_status.sh, issuer_roster.sh).
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }

expect 3 "no issuer at" is achievement list
expect 2 "needs --name and --url" is init --name X
expect 2 "must be an http" is init --name X --url ftp://x
expect 2 "unknown --key-type" is init --name X --url https://x.example --key-type rsa
expect 0 "^did:key:z6Mk" is init --name "Riverbend College" --url https://riverbend.example.edu --email reg@riverbend.example.edu --image https://riverbend.example.edu/logo.png
DID=$(grep "^did:key:" "$T/out")
expect 3 "already exists" is init --name Again --url https://x.example
check "key file is 0600" test "$(stat -c %a "$H/keys/key-1.json")" = 600
sqlite_only && check "database is 0600" test "$(stat -c %a "$H/issuer.db")" = 600
check "home is 0700" test "$(stat -c %a "$H")" = 700
check "no private key on stdout" sh -c "! grep -q secretKey '$T/out'"

expect 0 "weld-101" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam" --alignment "Fillet welds|https://fw.example.org/items/1|Welding Framework|3.2"
expect 1 "already exists" is achievement add --id weld-101 --name X --description Y --criteria Z
expect 2 "needs --id" is achievement add --name X
expect 2 "invalid achievement id" is achievement add --id "bad id!" --name X --description Y --criteria Z
expect 2 "--alignment wants" is achievement add --id a2 --name X --description Y --criteria Z --alignment nourl
expect 0 "weld-101 +Welding Fundamentals" is achievement list
expect 0 '"targetUrl": "https://fw.example.org/items/1"' is achievement show weld-101
expect 0 '"catalogId": "weld-101"' is achievement list --json
expect 1 "no achievement 'nope'" is achievement show nope
expect 2 "unknown achievement command" is achievement frob

# issue: e-mail recipient -> hashed identity; verify; tamper
expect 0 "" is issue --achievement weld-101 --recipient Ana.Lima@Example.com --name "Ana Lima" --valid-until 2030-01-01T00:00:00Z --no-status -o "$T/c1.json"
check "credential file written" test -s "$T/c1.json"
expect 0 "^VALID" "$VF" verify "$T/c1.json"
expect 0 "issuer's key" "$VF" verify "$T/c1.json"
check "issuer is the init DID" grep -q "$DID" "$T/c1.json"
check "e-mail is hashed, not in clear" sh -c "! grep -qi 'ana.lima@example.com' '$T/c1.json'"
check "identity hash recomputes (lower-cased e-mail + salt)" python3 -c "
import json,hashlib
s=json.load(open('$T/c1.json'))['credentialSubject']['identifier'][0]
assert s['identityType']=='emailAddress' and s['hashed'] is True
assert s['identityHash']=='sha256$'+hashlib.sha256(('ana.lima@example.com'+s['salt']).encode()).hexdigest()"
python3 -c "import json; d=json.load(open('$T/c1.json')); d['credentialSubject']['achievement']['name']='Master Welder'; json.dump(d,open('$T/c1-bad.json','w'))"
expect 1 "signature does not verify" "$VF" verify "$T/c1-bad.json"
expect 1 "expired" "$VF" verify --now 2031-01-01T00:00:00Z "$T/c1.json"
expect 3 "exists" is issue --achievement weld-101 --recipient ana@example.com -o "$T/c1.json"

# VC-JWT
expect 0 "" is issue --achievement weld-101 --recipient did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP --suite vc-jwt --no-status -o "$T/c2.jwt"
expect 0 "EdDSA signature verifies" "$VF" verify "$T/c2.jwt"
python3 - "$T/c2.jwt" "$T/c2-bad.jwt" <<'PY'
import sys, base64, json
h, p, s = open(sys.argv[1]).read().strip().split('.')
d = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))
d['name'] = 'Forged'
p2 = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
open(sys.argv[2], 'w').write('.'.join([h, p2, s]))
PY
expect 1 "signature" "$VF" verify "$T/c2-bad.jwt"

# issue errors
expect 2 "needs --achievement and --recipient" is issue --achievement weld-101
expect 2 "unknown --suite" is issue --achievement weld-101 --recipient a@b.example --suite rsa
expect 2 "no achievement 'nope'" is issue --achievement nope --recipient a@b.example
expect 2 "neither an e-mail" is issue --achievement weld-101 --recipient someone
expect 2 "invalid --valid-from" is issue --achievement weld-101 --recipient a@b.example --valid-from 2025-13-01
check "log holds the two credentials" test "$(dbq "$H" 'select count(*) from issued')" = 2

# a P-256 issuer signs ES256 VC-JWTs
H2="$T/p256"
expect 0 "^did:key:zDn" "$IS" --home "$H2" init --name P --url https://p.example --key-type p256
expect 0 "" "$IS" --home "$H2" achievement add --id a --name A --description D --criteria C
expect 0 "" "$IS" --home "$H2" issue --achievement a --recipient did:example:123 --suite vc-jwt --no-status -o "$T/p.jwt"
expect 0 "ES256 signature verifies" "$VF" verify "$T/p.jwt"
# ... and with no suite named, ecdsa-rdfc-2019 (a P-256 key has no eddsa proof)
expect 0 "" "$IS" --home "$H2" issue --achievement a --recipient did:example:123 --no-status -o "$T/p.json"
check "a P-256 issuer's default suite is ecdsa-rdfc-2019" grep -q '"cryptosuite": *"ecdsa-rdfc-2019"' "$T/p.json"
expect 0 "^VALID" "$VF" verify "$T/p.json"

# sign: reproduces the reference vector 03 byte for byte
sed 's/4a01"/4a03"/' "$V/unsigned/ob3-v2.json" >"$T/u03.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-jcs-2022 --created 2025-06-01T12:00:00Z -o "$T/s03.json" "$T/u03.json"
check "vector 03 proofValue reproduced" python3 -c "
import json
a=json.load(open('$T/s03.json')); b=json.load(open('$V/signed/03-ob3-v2-eddsa-jcs-2022.json'))
assert a['proof']['proofValue']==b['proof']['proofValue'] and a==b"
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-jcs-2022 --created 2025-06-01T12:00:00Z -o "$T/s03b.json" - <"$T/u03.json"
check "same signature from stdin" cmp "$T/s03.json" "$T/s03b.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-p256.json" --suite vc-jwt -o "$T/s05.jwt" "$T/u03.json"
# vector 03 names the Ed25519 issuer: a P-256 signature over it is not the issuer's
expect 1 "not to the issuer did:key:z6MkvMCQ" "$VF" verify "$T/s05.jwt"
expect 3 "cannot open" "$IS" sign --key "$T/nokey.json" "$T/u03.json"
expect 2 "needs --key" "$IS" sign "$T/u03.json"
expect 1 "invalid JSON" "$IS" sign --key "$V/keys/issuer-ed25519.json" "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
expect 2 "invalid --created" "$IS" sign --key "$V/keys/issuer-ed25519.json" --created now "$T/u03.json"
expect 2 "no private key" "$IS" sign --key "$V/keys/issuer-rsa.public.jwk.json" --suite vc-jwt "$T/u03.json"
expect 2 "unknown command" "$IS" frob
expect 0 "issue --achievement" "$IS" --help
done_tests
