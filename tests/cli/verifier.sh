#!/bin/sh
# ob-verifier: verdicts, exit codes and messages, including bad input.
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
vf() { "$VF" verify --now "$NOW" "$@"; }
mutate() { # FILE PYTHON-EXPR-on-d OUT
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2; json.dump(d, open(sys.argv[3], 'w'), indent=2)" "$1" "$2" "$3"
}
C03=$V/signed/03-ob3-v2-eddsa-jcs-2022.json

# valid inputs
expect 0 "^VALID signature; the issuer's identity is not verified: it calls itself 'Riverbend Technical College'$" vf "$C03"
expect 0 "eddsa-jcs-2022 signature verifies" vf "$C03"
expect 0 "Welding Fundamentals" vf "$C03"
expect 0 '"verified": true' vf --json "$C03"
expect 0 "" vf - <"$C03"
expect 0 "EdDSA signature verifies" vf "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
expect 0 "ES256 signature verifies" vf "$V/signed/05-ob3-v2-vc-jwt-es256.jwt"
# the key only in the JWT's own jwk header: nothing ties it to the https issuer
expect 3 "^UNDECIDED: nothing ties the key in the JWT's jwk header to the issuer https://riverbend.example.edu/issuers/main" vf "$V/signed/06-ob3-v2-vc-jwt-rs256.jwt"
expect 0 "out of band" vf --jwk "$V/keys/issuer-rsa.public.jwk.json" "$V/signed/06-ob3-v2-vc-jwt-rs256.jwt"
# the JSON report is one object with the checks list
vf --json "$C03" >"$T/r.json"
check "json report parses with checks" python3 -c "import json,sys; d=json.load(open('$T/r.json')); assert d['verified'] is True and len(d['checks']) >= 5 and all(c['outcome'] in ('passed','failed','not checked') for c in d['checks'])"

# linked-data proofs (more in linked.sh)
expect 0 "eddsa-rdfc-2022 signature verifies" vf "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
expect 0 "Ed25519Signature2020 signature verifies" vf "$V/signed/02-ob3-v1-ed25519signature2020.json"
expect 0 '"verified": true' vf --json "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"

# tampered and wrong
mutate "$C03" "d['name'] = 'Master Welder'" "$T/tampered-name.json"
expect 1 "signature does not verify" vf "$T/tampered-name.json"
mutate "$C03" "d['credentialSubject']['achievement']['name'] = 'X'" "$T/tampered-ach.json"
expect 1 "signature does not verify" vf "$T/tampered-ach.json"
mutate "$C03" "pv=d['proof']['proofValue']; d['proof']['proofValue'] = pv[:10] + ('A' if pv[10] != 'A' else 'B') + pv[11:]" "$T/bad-pv.json"
expect 1 "^INVALID" vf "$T/bad-pv.json"
mutate "$C03" "d['proof']['proofValue'] = 'z0OIl'" "$T/bad-b58.json"
expect 1 "does not decode|base58" vf "$T/bad-b58.json"
mutate "$C03" "d['proof']['proofValue'] = 'z3yMR7vLRpWA'" "$T/short-sig.json"
expect 1 "64" vf "$T/short-sig.json"
mutate "$C03" "del d['proof']" "$T/no-proof.json"
expect 1 "no proof" vf "$T/no-proof.json"
mutate "$C03" "d['proof']['verificationMethod'] = 'did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx#z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx'" "$T/other-vm.json"
expect 1 "not to the issuer" vf "$T/other-vm.json"
mutate "$C03" "d['proof']['verificationMethod'] = 'did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmk#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmk'" "$T/short-key.json"
expect 1 "length|bytes|key" vf "$T/short-key.json"
mutate "$C03" "d['proof']['proofPurpose'] = 'authentication'" "$T/purpose.json"
expect 1 "proof purpose" vf "$T/purpose.json"
mutate "$C03" "d['proof']['cryptosuite'] = 'eddsa-foo-2099'" "$T/unknown-suite.json"
expect 3 "unknown proof type" vf "$T/unknown-suite.json"
mutate "$C03" "d['proof']['@context'] = ['https://www.w3.org/ns/credentials/v2', 'https://example.org/other']" "$T/ctx.json"
expect 1 "@context" vf "$T/ctx.json"
mutate "$C03" "del d['issuer']" "$T/no-issuer.json"
expect 1 "issuer" vf "$T/no-issuer.json"
mutate "$C03" "del d['credentialSubject']['achievement']['criteria']" "$T/no-criteria.json"
expect 1 "credentialSubject.achievement.criteria" vf "$T/no-criteria.json"
mutate "$C03" "d['type'] = ['VerifiableCredential']" "$T/not-ob.json"
expect 1 "signature does not verify" vf "$T/not-ob.json"
mutate "$C03" "d['@context'] = ['https://example.org/ctx']" "$T/bad-ctx0.json"
expect 1 "@context must be an array" vf "$T/bad-ctx0.json"
mutate "$C03" "d['validFrom'] = 'yesterday'" "$T/bad-date.json"
expect 1 "not a valid date-time" vf "$T/bad-date.json"

# dates: expired and not yet valid (the signature itself is fine)
expect 1 "expired on 2035-06-01" "$VF" verify --now 2036-01-01T00:00:00Z "$C03"
expect 1 "not yet valid" "$VF" verify --now 2020-01-01T00:00:00Z "$C03"
expect 1 "expired" "$VF" verify --now 2036-01-01T00:00:00Z "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"

# JWT attacks and damage
J4=$(cat "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt")
H=$(printf '%s' "$J4" | cut -d. -f1)
P=$(printf '%s' "$J4" | cut -d. -f2)
S=$(printf '%s' "$J4" | cut -d. -f3)
b64u() { python3 -c "import base64,sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).decode().rstrip('='))" "$1"; }
printf '%s.%s.' "$(b64u '{"alg":"none","typ":"JWT"}')" "$P" >"$T/none.jwt"
expect 1 "none" vf "$T/none.jwt"
printf '%s.%s.%s' "$(b64u '{"alg":"HS256","typ":"JWT","kid":"x"}')" "$P" "$S" >"$T/hs.jwt"
expect 1 "HMAC|HS256" vf "$T/hs.jwt"
KID=$(python3 -c "import base64,json,sys; h=sys.argv[1]; h+='='*(-len(h)%4); print(json.loads(base64.urlsafe_b64decode(h))['kid'])" "$H")
printf '%s.%s.%s' "$(b64u "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"$KID\"}")" "$P" "$S" >"$T/mismatch.jwt"
expect 1 "match" vf "$T/mismatch.jwt"
printf '%s.%s' "$H" "$P" >"$T/trunc.jwt"
expect 1 "" vf "$T/trunc.jwt"
printf '%s.%s.%s' "$H" "$P" "$(printf '%s' "$S" | cut -c1-40)" >"$T/shortsig.jwt"
expect 1 "" vf "$T/shortsig.jwt"
expect 1 "signature" vf "$V/invalid/neg-08-jwt-tampered-payload.jwt"
printf '%s.%s!.%s' "$H" "$P" "$S" >"$T/badchar.jwt"
expect 1 "" vf "$T/badchar.jwt"

# malformed input
printf '{"a": 1, "a": 2}' >"$T/dup.json"
expect 1 "duplicate" vf "$T/dup.json"
printf '{"a": "\377"}' >"$T/utf8.json"
expect 1 "UTF-8|invalid" vf "$T/utf8.json"
python3 -c "print('['*150 + ']'*150)" >"$T/deep.json"
expect 1 "nesting deeper than 100" vf "$T/deep.json"
printf '{"@context": [' >"$T/trunc.json"
expect 1 "invalid JSON" vf "$T/trunc.json"
printf 'hello world' >"$T/text.txt"
expect 1 "not a credential" vf "$T/text.txt"
: >"$T/empty.json"
expect 1 "empty input" vf "$T/empty.json"
python3 -c "import sys; sys.stdout.write('{\"a\":\"' + 'x'*(17*1024*1024) + '\"}')" >"$T/huge.json"
expect 1 "larger than" vf "$T/huge.json"
printf '[1,2,3]' >"$T/array.json"
expect 1 "not a JSON object" vf "$T/array.json"

# files and usage
expect 3 "cannot open" vf "$T/does-not-exist.json"
# a directory is verified file by file (more in verifier_net.sh)
expect 1 "^invalid   array.json  structure: not a JSON object" vf "$T"
chmod 000 "$T/dup.json"
if [ "$(id -u)" -ne 0 ]; then expect 3 "cannot open" vf "$T/dup.json"; fi
expect 2 "usage" "$VF" verify
expect 2 "unknown command" "$VF" frobnicate
expect 2 "invalid --now" "$VF" verify --now tomorrow "$C03"
expect 2 "URL=FILE" "$VF" verify --doc nourl "$C03"
expect 3 "cannot open" "$VF" verify --jwk "$T/nokey.json" "$C03"
expect 0 "ob-verifier" "$VF" --version
expect 0 "verify" "$VF" --help

# presentations with eddsa-jcs-2022: made by a test key here
expect 0 "" python3 -c "
import json,sys
vc=json.load(open('$C03'))
vp={'@context':['https://www.w3.org/ns/credentials/v2'],'type':['VerifiablePresentation'],
    'holder':'did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP','verifiableCredential':[vc]}
json.dump(vp, open('$T/vp.json','w'))"
IS="$BIN/ob-issuer"
HK="$V/keys/holder-ed25519.json"
expect 0 "" "$IS" sign --key "$HK" --purpose authentication --challenge c-123 --domain hiring.example.com -o "$T/vp-signed.json" "$T/vp.json"
expect 0 "^VALID: presentation signed by its holder did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP, to whom its credential was issued$" vf --challenge c-123 --domain hiring.example.com "$T/vp-signed.json"
expect 0 "Credential 1 of 1" vf --challenge c-123 --domain hiring.example.com "$T/vp-signed.json"
expect 1 "challenge 'c-123' does not match the expected 'other'" vf --challenge other --domain hiring.example.com "$T/vp-signed.json"
expect 1 "domain does not match" vf --challenge c-123 --domain evil.example.com "$T/vp-signed.json"
expect 0 "could be replayed" vf "$T/vp-signed.json"
mutate "$T/vp-signed.json" "d['verifiableCredential'][0]['name'] = 'Forged'" "$T/vp-tampered.json"
expect 1 "^INVALID: eddsa-rdfc-2022: Ed25519 signature does not verify$" vf --challenge c-123 --domain hiring.example.com "$T/vp-tampered.json"
expect 1 "^  What: +presentation$" vf --challenge c-123 --domain hiring.example.com "$T/vp-tampered.json"
# signed by a key that is not the holder's
expect 0 "" "$IS" sign --key "$V/keys/other-ed25519.json" --purpose authentication --challenge c-123 -o "$T/vp-other.json" "$T/vp.json"
expect 1 "not to the holder" vf --challenge c-123 "$T/vp-other.json"
# a presentation signed for assertion is not an authentication proof
expect 0 "" "$IS" sign --key "$HK" -o "$T/vp-assert.json" "$T/vp.json"
expect 1 "expected 'authentication'" vf "$T/vp-assert.json"
done_tests
