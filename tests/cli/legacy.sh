#!/bin/sh
# Issue 14 item 3: older proofs and status lists. Ed25519Signature2018
# (detached JWS) on samples the reference JavaScript stack signed
# (tests/data/legacy/README.md); StatusList2021 and RevocationList2020
# lists; the OB 3.0 spec's 1EdTechRevocationList with the 1EdTech
# Displayer test's revoked badge, its list given with --doc.
#   sh tests/cli/legacy.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
D=$(cd "$(dirname "$0")/../data/legacy" && pwd)
HOME=$T/home
export HOME
vf() { "$VF" verify --now "$NOW" --offline "$@"; }
mutate() { # FILE PYTHON-EXPR-on-d OUT
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2; json.dump(d, open(sys.argv[3], 'w'), indent=2)" "$1" "$2" "$3"
}

# --- Ed25519Signature2018: verifies, and fails once anything signed changes
expect 0 "Ed25519Signature2018 signature verifies, made by the issuer's key" vf "$D/vc11-ed25519-2018.json"
mutate "$D/vc11-ed25519-2018.json" "d['name'] = 'Welding Fundamentals Diploma'" "$T/t-name.json"
expect 1 "Ed25519Signature2018: Ed25519 signature does not verify" vf "$T/t-name.json"
mutate "$D/vc11-ed25519-2018.json" "d['proof']['created'] = '2025-06-02T00:00:00Z'" "$T/t-created.json"
expect 1 "Ed25519Signature2018: Ed25519 signature does not verify" vf "$T/t-created.json"
mutate "$D/vc11-ed25519-2018.json" "h, _, s = d['proof']['jws'].split('.'); d['proof']['jws'] = h + '..' + ('A' if s[0] != 'A' else 'B') + s[1:]" "$T/t-sig.json"
expect 1 "signature does not verify" vf "$T/t-sig.json"
# a header that is not EdDSA over unencoded content ({"alg":"EdDSA"})
mutate "$D/vc11-ed25519-2018.json" "d['proof']['jws'] = 'eyJhbGciOiJFZERTQSJ9..' + d['proof']['jws'].split('.')[2]" "$T/t-hdr.json"
expect 1 "the jws header is not" vf "$T/t-hdr.json"
# the key must be the issuer's: another did:key issuer keeps the proof
mutate "$D/vc11-ed25519-2018.json" "d['issuer']['id'] = 'did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx'" "$T/t-iss.json"
expect 1 "the signing key belongs to" vf "$T/t-iss.json"
# no jws at all
mutate "$D/vc11-ed25519-2018.json" "del d['proof']['jws']" "$T/t-nojws.json"
expect 1 "the proof has no jws" vf "$T/t-nojws.json"

# a tab and a control character, escaped as jsonld-signatures 11 does (RDFC-1.0)
expect 0 "Ed25519Signature2018 signature verifies" vf "$D/vc11-ed25519-2018-rdfc-escapes.json"
mutate "$D/vc11-ed25519-2018-rdfc-escapes.json" "d['name'] = d['name'].replace('\\t', ' ')" "$T/t-esc.json"
expect 1 "Ed25519 signature does not verify" vf "$T/t-esc.json"

# --- StatusList2021 (VC 1.1): list and credentials all Ed25519Signature2018
SL=https://riverbend.example.edu/status/2021/1
expect 0 "not revoked \($SL, index 3\)" vf --doc "$SL=$D/statuslist2021-list.json" "$D/statuslist2021-current.json"
expect 1 "revoked: the issuer has revoked this credential \($SL, index 7\)" vf --doc "$SL=$D/statuslist2021-list.json" "$D/statuslist2021-revoked.json"
expect 3 "could not check status" vf "$D/statuslist2021-revoked.json"
# the list's own proof and type are checked
mutate "$D/statuslist2021-list.json" "d['credentialSubject']['encodedList'] = 'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'" "$T/sl-forged.json"
expect 3 "does not verify" vf --doc "$SL=$T/sl-forged.json" "$D/statuslist2021-revoked.json"
expect 3 "is not a StatusList2021Credential" vf --doc "$SL=$D/revocationlist2020-list.json" "$D/statuslist2021-revoked.json"

# --- RevocationList2020
RL=https://riverbend.example.edu/status/rl2020/1
expect 0 "not revoked \($RL, index 4\)" vf --doc "$RL=$D/revocationlist2020-list.json" "$D/revocationlist2020-current.json"
expect 1 "revoked: the issuer has revoked this credential \($RL, index 5\)" vf --doc "$RL=$D/revocationlist2020-list.json" "$D/revocationlist2020-revoked.json"

# --- 1EdTechRevocationList: the 1EdTech Displayer test's revoked badge
# (Ed25519Signature2020 by a did:web key: its DID document is given, made
# from the key its verificationMethod names)
C=$SHARED/conformance/1edtech-validator-samples/ob30/credential-status-revoked.json
DIDDOC=https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json
REV=https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c
expect 1 "^INVALID" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-revocations-revoked.json" "$C"
expect 1 "revoked: the issuer has revoked this credential \($REV: Issued in error\)" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-revocations-revoked.json" "$C"
expect 0 "^VALID: issued by dc.1edtech.org \(domain verified\)" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-revocations-none.json" "$C"
expect 0 "not revoked \($REV, listed as not revoked\)" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-revocations-none.json" "$C"
# without the list: undecided, as before
expect 3 "could not check status" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" "$C"
# a list of another issuer, a document that is not a list
mutate "$D/1edtech-revocations-revoked.json" "d['issuer'] = 'did:web:evil.example'" "$T/rl-other.json"
expect 3 "was issued by did:web:evil.example, not by the credential's issuer" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$T/rl-other.json" "$C"
expect 3 "is not a 1EdTech revocation list" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-issuer-did.json" "$C"
# a list that carries a proof must verify: this one does not
mutate "$D/1edtech-revocations-none.json" "d['issuer'] = 'did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c'; d['proof'] = {'type': 'Ed25519Signature2020'}" "$T/rl-proof.json"
expect 3 "the revocation list .* does not verify" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$T/rl-proof.json" "$C"
# the credential itself changed: the signature fails whatever the list says
mutate "$C" "d['name'] = 'changed'" "$T/ed-changed.json"
expect 1 "signature does not verify" vf --doc "$DIDDOC=$D/1edtech-issuer-did.json" --doc "$REV=$D/1edtech-revocations-none.json" "$T/ed-changed.json"

# --- a directory run shares one status cache: same verdicts
mkdir -p "$T/dir"
cp "$D/statuslist2021-current.json" "$D/statuslist2021-revoked.json" "$D/revocationlist2020-current.json" "$D/revocationlist2020-revoked.json" "$T/dir/"
expect 1 "" vf --doc "$SL=$D/statuslist2021-list.json" --doc "$RL=$D/revocationlist2020-list.json" "$T/dir"
vf --doc "$SL=$D/statuslist2021-list.json" --doc "$RL=$D/revocationlist2020-list.json" "$T/dir" >"$T/dir.out" 2>&1
check "directory: two revoked" [ "$(grep -c 'revoked' "$T/dir.out")" -ge 2 ]

# a did:web issuer whose DID document lists an Ed25519VerificationKey2018
# (publicKeyBase58): bound to its domain
expect 0 "^VALID: issued by riverbend.example.edu" vf --doc "https://riverbend.example.edu/.well-known/did.json=$D/didweb-riverbend-2018.json" "$D/vc11-ed25519-2018-didweb.json"

done_tests
