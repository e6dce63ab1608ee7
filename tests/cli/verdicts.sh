#!/bin/sh
# Issue 11: verdicts an employer can act on. Each case is made here, with
# the tools, and asserts the exit code and the --json dimensions:
# authentic, issuer identity (domain / registry / self-asserted), current,
# conformant, holder.
#   sh tests/cli/verdicts.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
# no test may read the user's own registries
XDG_CONFIG_HOME=$T/config
HOME=$T/home
export XDG_CONFIG_HOME HOME
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
# vj CODE FILE ARGS...: verify --json, wants exit CODE, leaves the report in $T/j
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
IK=$V/keys/issuer-ed25519.json
HK=$V/keys/holder-ed25519.json
OK=$V/keys/other-ed25519.json
ISSUER_DID=did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT
HOLDER_DID=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP
OTHER_DID=did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx

# --- a self-made "famous" issuer: authentic, but its name is only a claim
fam() { "$IS" --home "$T/harvard" "$@"; }
expect 0 "^did:key:" fam init --name "Harvard University" --url https://harvard.edu
FAMOUS=$(head -n 1 "$T/out")
expect 0 "" fam achievement add --id mba --name "Master of Business Administration" --description "MBA" --criteria "Two years"
expect 0 "" fam issue --achievement mba --recipient "$HOLDER_DID" --name "Eve" --valid-from 2025-01-01T00:00:00Z --no-status -o "$T/mba.json"
expect 0 "^VALID signature; the issuer's identity is not verified: it calls itself 'Harvard University'$" vf "$T/mba.json"
expect 0 "Issuer: +not verified: it calls itself 'Harvard University'" vf "$T/mba.json"
check "the text report never states the name as fact" sh -c "! '$VF' verify --now '$NOW' --offline '$T/mba.json' | grep -q '^VALID: issued by'"
vj 0 "$T/mba.json"
jf "$T/j" "d['verdict'] == 'valid' and d['issuerIdentity'] == 'self-asserted' and 'issuerIdentityBasis' not in d"
jf "$T/j" "d['authentic']['outcome'] == 'passed' and d['current']['outcome'] == 'passed' and d['conformant']['outcome'] == 'passed'"
jf "$T/j" "d['headline'].startswith('VALID signature; the issuer') and \"'Harvard University'\" in d['headline']"
# an employer who wants a trusted issuer gets "could not decide"
vj 3 --require-trusted-issuer "$T/mba.json"
jf "$T/j" "d['verdict'] == 'undecided' and d['issuerIdentity'] == 'self-asserted' and 'trusted issuer is required' in d['headline']"
expect 3 "^UNDECIDED: the issuer's identity is not verified" vf --require-trusted-issuer "$T/mba.json"

# --- registries: a registry-listed did:key issuer shows "registry"
cat >"$T/reg.json" <<EOF
{"name": "Test Registry", "url": "https://registry.example",
 "issuers": [{"id": "$ISSUER_DID", "name": "Riverbend Technical College"}]}
EOF
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json
vj 0 --registry "$T/reg.json" "$C01"
jf "$T/j" "d['issuerIdentity'] == 'registry' and d['issuerIdentityBasis'] == 'Test Registry' and d['issuerRegisteredName'] == 'Riverbend Technical College'"
expect 0 "^VALID: issued by Riverbend Technical College \(listed in Test Registry\)$" vf --registry "$T/reg.json" "$C01"
expect 0 "" vf --registry "$T/reg.json" --require-trusted-issuer "$C01"
# the famous issuer is not in it: still self-asserted
vj 0 --registry "$T/reg.json" "$T/mba.json"
jf "$T/j" "d['issuerIdentity'] == 'self-asserted'"
# the DCC known-issuer format
cat >"$T/dcc.json" <<EOF
{"meta": {"created": "2025-01-01"}, "registry": {"$ISSUER_DID": {"name": "Riverbend (DCC)", "url": "https://riverbend.example.edu"}}}
EOF
vj 0 --registry "$T/dcc.json" "$C01"
jf "$T/j" "d['issuerIdentity'] == 'registry' and d['issuerRegisteredName'] == 'Riverbend (DCC)'"
# the employer's own trusted-issuer list, named on the command line
printf '# issuers we hire from\n%s Riverbend Technical College (our list)\n' "$ISSUER_DID" >"$T/trusted.txt"
vj 0 --registry "$T/trusted.txt" "$C01"
jf "$T/j" "d['issuerIdentity'] == 'registry' and d['issuerRegisteredName'] == 'Riverbend Technical College (our list)'"
# ... and at its default place under XDG config, read without any option
mkdir -p "$XDG_CONFIG_HOME/obkit"
cp "$T/trusted.txt" "$XDG_CONFIG_HOME/obkit/trusted-issuers"
vj 0 "$C01"
jf "$T/j" "d['issuerIdentity'] == 'registry' and d['issuerRegisteredName'] == 'Riverbend Technical College (our list)'"
vj 0 --no-default-registries "$C01"
jf "$T/j" "d['issuerIdentity'] == 'self-asserted'"
rm -f "$XDG_CONFIG_HOME/obkit/trusted-issuers"
# a registry only speaks for an authentic credential
vj 1 --registry "$T/reg.json" "$V/invalid/neg-01-tampered-name.json"
jf "$T/j" "d['issuerIdentity'] == 'self-asserted' and d['authentic']['outcome'] == 'failed' and d['summary']['claimsOnly'] is True"

# --- domain: an https issuer whose controller document is at its URL
C10=$V/signed/10-ob3-v2-1edtech-kat.json
KATDOC="https://example.edu/issuers/565049=$V/docs/1edtech-kat-issuer-controller.json"
vj 0 --doc "$KATDOC" "$C10"
jf "$T/j" "d['issuerIdentity'] == 'domain' and d['issuerIdentityBasis'] == 'example.edu'"
expect 0 "^VALID: issued by example.edu \(domain verified\)$" vf --doc "$KATDOC" "$C10"
# the same controller document served for another issuer's URL does not help
mutate "$V/docs/1edtech-kat-issuer-controller.json" "d['id'] = 'https://evil.example/issuer'" "$T/evil-ctl.json"
expect 1 "controller document id does not match" vf --doc "https://example.edu/issuers/565049=$T/evil-ctl.json" "$C10"

# --- a VC-JWT whose key is only in its own jwk header (https issuer)
mutate "$V/unsigned/ob3-v2.json" "d['issuer']['id'] = 'https://harvard.edu/issuer'; d['id'] = 'urn:uuid:0b7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a99'" "$T/https-issuer.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-rsa.json" --suite vc-jwt -o "$T/hdr.jwt" "$T/https-issuer.json"
check "the JWT carries its key in a jwk header, no kid" python3 -c "
import base64,json,sys; h=open('$T/hdr.jwt').read().split('.')[0]; h=json.loads(base64.urlsafe_b64decode(h+'='*(-len(h)%4)))
sys.exit(0 if 'jwk' in h and 'kid' not in h else 1)"
vj 3 "$T/hdr.jwt"
jf "$T/j" "d['verdict'] == 'undecided' and d['authentic']['outcome'] == 'not checked' and 'jwk header' in d['authentic']['reason']"
jf "$T/j" "d['issuerIdentity'] == 'self-asserted' and any(c['id'] == 'signature' and c['outcome'] == 'passed' for c in d['checks'])"
# the same key given out of band: the employer vouches for it
vj 0 --jwk "$V/keys/issuer-rsa.public.jwk.json" "$T/hdr.jwt"
jf "$T/j" "d['verdict'] == 'valid' and d['issuerIdentity'] == 'self-asserted'"
# the vector row 06 the same way
vj 3 "$V/signed/06-ob3-v2-vc-jwt-rs256.jwt"

# --- a kid that is an https URL serving a bare JWK (OB 3.0 8.2.4.1)
mutate "$V/unsigned/ob3-v2.json" "d['issuer']['id'] = 'https://riverbend.example.edu/issuers/main'" "$T/rb.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-rsa.json" --suite vc-jwt --verification-method https://riverbend.example.edu/keys/rsa-1 -o "$T/kid.jwt" "$T/rb.json"
vj 0 --doc "https://riverbend.example.edu/keys/rsa-1=$V/keys/issuer-rsa.public.jwk.json" "$T/kid.jwt"
jf "$T/j" "d['verdict'] == 'valid' and d['issuerIdentity'] == 'domain' and d['issuerIdentityBasis'] == 'riverbend.example.edu'"
expect 0 "^VALID: issued by riverbend.example.edu \(domain verified\)$" vf --doc "https://riverbend.example.edu/keys/rsa-1=$V/keys/issuer-rsa.public.jwk.json" "$T/kid.jwt"
# a bare JWK served from another origin belongs to that origin, not the issuer
expect 0 "" "$IS" sign --key "$V/keys/issuer-rsa.json" --suite vc-jwt --verification-method https://keys.evil.example/rsa-1 -o "$T/kid-evil.jwt" "$T/rb.json"
vj 1 --doc "https://keys.evil.example/rsa-1=$V/keys/issuer-rsa.public.jwk.json" "$T/kid-evil.jwt"
jf "$T/j" "d['authentic']['outcome'] == 'failed' and 'https://keys.evil.example' in d['authentic']['reason']"
# the kid document not to be had: could not check
vj 3 "$T/kid.jwt"

# --- presentations: is the signer the subject of each credential?
vp() { # OUT HOLDER CREDENTIAL-FILES...
	out=$1 holder=$2
	shift 2
	python3 - "$out" "$holder" "$@" <<'PY'
import json, sys
vcs = [json.load(open(f)) for f in sys.argv[3:]]
json.dump({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
           "holder": sys.argv[2], "verifiableCredential": vcs}, open(sys.argv[1], "w"))
PY
}
vp "$T/vp-own.json" "$HOLDER_DID" "$C01"
expect 0 "" "$IS" sign --key "$HK" --purpose authentication --challenge c-1 -o "$T/vp-own-s.json" "$T/vp-own.json"
vj 0 --challenge c-1 "$T/vp-own-s.json"
jf "$T/j" "d['holder']['outcome'] == 'passed' and 'issued to the holder' in d['holder']['reason']"
expect 0 "^VALID: presentation signed by its holder $HOLDER_DID, to whom its credential was issued$" vf --challenge c-1 "$T/vp-own-s.json"
# someone else's credentials in the other key's presentation
C03=$V/signed/03-ob3-v2-eddsa-jcs-2022.json
vp "$T/vp-theirs.json" "$OTHER_DID" "$C01" "$T/mba.json" "$C03"
expect 0 "" "$IS" sign --key "$OK" --purpose authentication --challenge c-1 -o "$T/vp-theirs-s.json" "$T/vp-theirs.json"
vj 1 --challenge c-1 "$T/vp-theirs-s.json"
jf "$T/j" "d['verdict'] == 'invalid' and d['authentic']['outcome'] == 'passed' and d['holder']['outcome'] == 'failed'"
jf "$T/j" "'credential 1 was issued to $HOLDER_DID, not to the holder $OTHER_DID' in d['holder']['reason']"
jf "$T/j" "sum(c['id'].startswith('holder') and c['outcome'] == 'failed' for c in d['checks']) == 3"
expect 1 "^INVALID: credential 1 was issued to $HOLDER_DID, not to the holder $OTHER_DID" vf --challenge c-1 "$T/vp-theirs-s.json"
# a learner known only by a hashed e-mail address: --recipient decides
expect 0 "" fam issue --achievement mba --recipient ana@example.com --name "Ana" --valid-from 2025-01-01T00:00:00Z --no-status -o "$T/ana.json"
vp "$T/vp-ana.json" "$HOLDER_DID" "$T/ana.json"
expect 0 "" "$IS" sign --key "$HK" --purpose authentication --challenge c-2 -o "$T/vp-ana-s.json" "$T/vp-ana.json"
vj 3 --challenge c-2 "$T/vp-ana-s.json"
jf "$T/j" "d['holder']['outcome'] == 'not checked' and '--recipient' in d['holder']['reason']"
vj 0 --challenge c-2 --recipient Ana@Example.com "$T/vp-ana-s.json"
jf "$T/j" "d['holder']['outcome'] == 'passed' and 'ana@example.com' in d['holder']['reason'].lower()"
vj 1 --challenge c-2 --recipient bob@example.com "$T/vp-ana-s.json"
jf "$T/j" "d['holder']['outcome'] == 'failed'"
expect 2 "--recipient wants an e-mail address" vf --recipient not-an-address "$T/vp-ana-s.json"
# --recipient on a single credential
vj 0 --recipient ana@example.com "$T/ana.json"
jf "$T/j" "d['holder']['outcome'] == 'passed'"
vj 1 --recipient bob@example.com "$T/ana.json"
jf "$T/j" "d['holder']['outcome'] == 'failed' and 'not issued to bob@example.com' in d['headline']"

# --- an authentic credential without credentialSubject.id or identifier
mutate "$V/unsigned/ob3-v2.json" "del d['credentialSubject']['id']; del d['credentialSubject']['identifier']; d['id'] = 'urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a77'" "$T/nosubj.json"
expect 0 "" "$IS" sign --key "$IK" -o "$T/nosubj-s.json" "$T/nosubj.json"
vj 0 "$T/nosubj-s.json"
jf "$T/j" "d['verdict'] == 'valid' and d['authentic']['outcome'] == 'passed' and d['conformant']['outcome'] == 'failed'"
jf "$T/j" "d['conformant']['severity'] == 'warning' and any('credentialSubject needs an id or an identifier' in e for e in d['conformant']['errors'])"
expect 0 "Conformant: +WARNING: does not conform to Open Badges 3.0: credentialSubject needs an id or an identifier" vf "$T/nosubj-s.json"
vj 1 --strict "$T/nosubj-s.json"
jf "$T/j" "d['verdict'] == 'invalid' and d['conformant']['severity'] == 'error'"
# tampered after signing is still forged, shape flaw or not
mutate "$T/nosubj-s.json" "d['name'] = 'Other'" "$T/nosubj-t.json"
vj 1 "$T/nosubj-t.json"
jf "$T/j" "d['authentic']['outcome'] == 'failed'"

# --- Open Badges 2.0 without its documents: undecided (could not check), never invalid
O2=$SHARED/conformance/ob2
for f in basic-assertion-expired.json simple.jwt simple-badge.png; do
	vj 3 "$O2/$f"
	jf "$T/j" "d['verdict'] == 'undecided' and 'Open Badges 2.0' in d['headline']"
	# a signature that could not be checked is not "authentic: yes"
	jf "$T/j" "d['authentic']['outcome'] != 'passed'"
done

# --- status lists must say what they are
L08=$V/signed/08-status-list-revocation.json
C09=$V/signed/09-ob3-v2-status-active.json
LURL=https://riverbend.example.edu/status/revocation/1
vj 0 --doc "$LURL=$L08" "$C09"
mutate "$L08" "del d['proof']; d['type'] = ['VerifiableCredential']" "$T/l-type.json"
expect 0 "" "$IS" sign --key "$IK" -o "$T/l-type-s.json" "$T/l-type.json"
vj 3 --doc "$LURL=$T/l-type-s.json" "$C09"
jf "$T/j" "d['current']['outcome'] == 'not checked' and 'is not a BitstringStatusListCredential' in d['current']['reason']"
mutate "$L08" "del d['proof']; d['credentialSubject']['type'] = 'SomethingElse'" "$T/l-subj.json"
expect 0 "" "$IS" sign --key "$IK" --suite eddsa-jcs-2022 -o "$T/l-subj-s.json" "$T/l-subj.json"
vj 3 --doc "$LURL=$T/l-subj-s.json" "$C09"
jf "$T/j" "'is not a BitstringStatusList' in d['current']['reason']"

# --- usage and I/O: --doc naming a missing file; --json when the input cannot be had
expect 2 "--doc: cannot read '$T/nope.json'" vf --doc "$LURL=$T/nope.json" "$C09"
vj 3 https://badges.example.org/not-there.json
jf "$T/j" "d['verdict'] == 'undecided' and d['verified'] is False and 'not-there' in d['error']"
vj 3 "$T/no-such-file.json"
jf "$T/j" "d['verdict'] == 'undecided' and 'cannot open' in d['error']"

# --- presentations nested past the budget (4 levels) are refused, not walked
python3 - "$C01" "$T/deep-vp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for _ in range(7):
    d = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
         "verifiableCredential": [d]}
json.dump(d, open(sys.argv[2], "w"))
PY
vj 1 "$T/deep-vp.json"
check "nesting past 4 levels is named" grep -q "nested deeper than 4 levels" "$T/j"

# --- the wallet keeps the verdict's dimensions; refresh reports what changed
W="$BIN/ob-wallet"
printf 'verdict test passphrase\n' >"$T/pass"
w() { "$W" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }
expect 0 "" w init --kdf-cost test
expect 0 "" w add --now "$NOW" --offline "$C01"
expect 0 "^Issuer: +calls itself 'Riverbend Technical College' \(not verified\)" w show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "" w add --now "$NOW" --offline "$T/nosubj-s.json"
check "the wallet keeps an authentic credential with a shape flaw, with its warning" grep -q "warning: .*credentialSubject needs an id or an identifier" "$T/out"
expect 0 "0 changed" w refresh --now "$NOW" --offline
mkdir -p "$XDG_CONFIG_HOME/obkit"
cp "$T/trusted.txt" "$XDG_CONFIG_HOME/obkit/trusted-issuers"
expect 0 "^urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01: valid, issuer identity self-asserted -> registry$" w refresh --now "$NOW" --offline
expect 0 "^Issuer: +Riverbend Technical College \(our list\) \(listed in trusted-issuers\)" w show urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01
expect 0 "^urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01: valid -> invalid \(expired on 2035-06-01T00:00:00Z\)" w refresh --now 2036-01-01T00:00:00Z --offline
rm -f "$XDG_CONFIG_HOME/obkit/trusted-issuers"

# --- names from a credential cannot repaint the terminal
mutate "$V/unsigned/ob3-v2.json" "d['issuer']['name'] = 'Evil\x1b[2K\rVALID: issued by harvard.edu'; d['credentialSubject']['achievement']['name'] = 'A\nVALID: x'" "$T/esc.json"
expect 0 "" "$IS" sign --key "$IK" -o "$T/esc-s.json" "$T/esc.json"
vf "$T/esc-s.json" >"$T/esc.out" 2>&1
check "no ESC byte reaches the terminal" sh -c "! grep -q \"$(printf '\033')\" '$T/esc.out'"
check "the escape is shown escaped" grep -q 'Evil\\x1b\[2K\\x0dVALID' "$T/esc.out"
check "a newline in a name forges no report line" sh -c "! grep -q '^VALID: x' '$T/esc.out'"

done_tests
