#!/bin/sh
# ecdsa-sd-2023 end to end (issue 14 item 2): a P-256 issuer signs a base
# proof (issue --suite ecdsa-sd-2023), the wallet derives a disclosure
# (present --reveal POINTER...), which verifies; tampering fails; the
# issuer's mandatory pointers stay disclosed whatever is revealed; a
# verifier refuses a base proof (as Digital Bazaar's verifier does); a bad
# pointer is a one-line usage error.
# usage: sh tests/cli/ecdsa_sd.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
W="$BIN/ob-wallet"
H="$T/issuer"
WH="$T/wallet"
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export OBKIT_WALLET_PASSPHRASE_FILE

# jget FILE EXPR: prints a Python expression over the JSON document d
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# vc VP OUT: the first credential of a presentation
vc() { python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['verifiableCredential'][0], open(sys.argv[2],'w'), indent=1)" "$1" "$2"; }

expect 0 "" "$W" --home "$WH" init --kdf-cost test
HOLDER=$("$W" --home "$WH" whoami 2>/dev/null | head -n 1)
check "the wallet has a holder DID" test -n "$HOLDER"
expect 0 "^did:key:zDn" "$IS" --home "$H" init --name "SD College" --url https://sd.example --key-type p256
expect 0 "" "$IS" --home "$H" achievement add --id a --name "Selective" --description D --criteria C
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient "$HOLDER" --name "Ana Lima" \
	--suite ecdsa-sd-2023 --no-status -o "$T/base.json"
check "the proofValue is a base proof (u2V0A)" grep -q '"proofValue": "u2V0A' "$T/base.json"

# a base proof is for the holder: a verifier refuses it (exit 1), saying so
expect 1 "base proof is for the holder" "$VF" verify "$T/base.json"
expect 1 "base proof is for the holder" "$VF" verify --json "$T/base.json"
# the wallet is the holder: it confirms the base proof (every signature)
# and keeps the credential; a damaged base credential is refused
python3 - "$T/base.json" "$T/base-bad.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c['credentialSubject']['name'] = c['credentialSubject'].get('name', '') + ' (edited)'
json.dump(c, open(sys.argv[2], 'w'))
PY
expect 1 "" "$W" --home "$WH" add "$T/base-bad.json"
ID=$("$W" --home "$WH" add "$T/base.json" 2>"$T/add.err")
check "the wallet stores the base credential without --force" test -n "$ID"
check "and says it is valid for its holder" sh -c "! grep -qi 'unverified\|invalid' '$T/add.err'"

# disclose the learner's name: the presentation and the credential verify
expect 0 "" "$W" --home "$WH" present "$ID" --challenge c-1 --reveal /credentialSubject/name -o "$T/vp.json"
expect 0 "^VALID" "$VF" verify --challenge c-1 "$T/vp.json"
vc "$T/vp.json" "$T/derived.json"
check "the derived proofValue is a derived proof (u2V0B)" grep -q '"proofValue": "u2V0B' "$T/derived.json"
expect 0 "ecdsa-sd-2023 signature verifies, made by the issuer's key" "$VF" verify "$T/derived.json"
expect 0 "Ana Lima" jget "$T/derived.json" "d['credentialSubject']['name']"
# the mandatory pointers stay disclosed: issuer, validFrom, name, achievement
expect 0 "^SD College https://sd.example/achievements/a Selective True$" \
	jget "$T/derived.json" "d['issuer']['name'], d['credentialSubject']['achievement']['id'], d['name'], 'validFrom' in d"

# reveal only a mandatory pointer: the name is withheld, the rest is kept
expect 0 "" "$W" --home "$WH" present "$ID" --challenge c-2 --reveal /issuer -o "$T/vp2.json"
vc "$T/vp2.json" "$T/derived2.json"
expect 0 "^False True True$" jget "$T/derived2.json" \
	"'name' in d['credentialSubject'], 'achievement' in d['credentialSubject'], 'validFrom' in d"
expect 0 "VALID" "$VF" verify "$T/derived2.json"
expect 0 "VALID" "$VF" verify --challenge c-2 "$T/vp2.json"

# tampered derived credentials fail
sed 's/Ana Lima/Eve Lima/' "$T/derived.json" >"$T/bad1.json"
expect 1 "ecdsa-sd-2023" "$VF" verify "$T/bad1.json"
sed 's/"Selective"/"Forged"/' "$T/derived.json" >"$T/bad2.json"
expect 1 "ecdsa-sd-2023" "$VF" verify "$T/bad2.json"
# a statement withheld after deriving: the signature count no longer fits
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['credentialSubject']['name']; json.dump(d, open(sys.argv[2],'w'))" \
	"$T/derived.json" "$T/bad3.json"
expect 1 "ecdsa-sd-2023: the signature" "$VF" verify "$T/bad3.json"

# bad pointers: one line, usage error, nothing written
expect 2 "invalid JSON pointer" "$W" --home "$WH" present "$ID" --challenge c --reveal credentialSubject -o "$T/no1.json"
check "one line for a malformed pointer" test "$(wc -l <"$T/out")" -eq 1
check "nothing written for a malformed pointer" test ! -e "$T/no1.json"
expect 2 'JSON pointer "/credentialSubject/nope" does not match' \
	"$W" --home "$WH" present "$ID" --challenge c --reveal /credentialSubject/nope -o "$T/no2.json"
check "one line for a pointer that names nothing" test "$(wc -l <"$T/out")" -eq 1
check "nothing written for a pointer that names nothing" test ! -e "$T/no2.json"
# --reveal needs a base proof
expect 0 "" "$IS" --home "$H" issue --achievement a --recipient "$HOLDER" --name "Ana Lima" --no-status -o "$T/plain.json"
ID2=$("$W" --home "$WH" add "$T/plain.json" 2>/dev/null)
expect 2 "no ecdsa-sd-2023 base proof" "$W" --home "$WH" present "$ID2" --challenge c --reveal /name
done_tests
