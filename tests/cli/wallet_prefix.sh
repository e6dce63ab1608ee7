#!/bin/sh
# ob-wallet: an ID may be a unique prefix of a credential's id (with or
# without urn:uuid:) in every command that takes one; an ambiguous prefix
# lists the candidates (exit 2). A CLR is listed and shown as a CLR, by its
# own name, with its credentials.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
W="$BIN/ob-wallet"
I="$T/issuer"
is() { "$IS" --home "$I" "$@"; }
printf 'prefix test passphrase\n' >"$T/pass"
w() { "$W" --home "$T/wallet" --passphrase-file "$T/pass" "$@"; }
L=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
for a in weld-101 weld-102; do
	expect 0 "" is achievement add --id $a --name "Course $a" --description "Course $a" --criteria "Pass $a"
done
expect 0 "" is issue --no-status --achievement weld-101 --recipient $L --name "Ana Lima" -o "$T/c1.json"
expect 0 "" is issue --no-status --achievement weld-102 --recipient $L --suite vc-jwt -o "$T/c2.jwt"
expect 0 "" is clr --recipient $L --learner "Ana Lima" --name "Ana's welding transcript" -o "$T/clr.json"
expect 0 "" w init --kdf-cost test
expect 0 "" w add --offline "$T/c1.json" "$T/c2.jwt" "$T/clr.json"
# two more with ids made to share a prefix with each other (and not with the rest)
python3 - "$T/c1.json" "$T/twin" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for i, suffix in enumerate(("a", "b")):
    c["id"] = "urn:uuid:0badcafe-0000-4000-8000-00000000000" + suffix
    json.dump(c, open("%s-%s.json" % (sys.argv[2], suffix), "w"))
PY
expect 0 "" w add --offline --force "$T/twin-a.json" "$T/twin-b.json"
id_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$1"; }
C1=$(id_of "$T/c1.json")
CLR=$(id_of "$T/clr.json")
C2=$(w list --json | python3 -c "import json,sys; print([r['id'] for r in json.load(sys.stdin) if r['achievement']=='Course weld-102' and r.get('kind')!='clr'][0])")
S1=$(echo "$C1" | sed 's/^urn:uuid://' | cut -c1-8)
SCLR=$(echo "$CLR" | sed 's/^urn:uuid://' | cut -c1-8)

# --- the prefix, in every command that takes an ID
expect 0 "^Achievement: +Course weld-101$" w show "$S1"
expect 0 "^Id: +$C1$" w show "urn:uuid:$S1"
check "case is ignored" sh -c "'$W' --home '$T/wallet' --passphrase-file '$T/pass' show $(echo "$S1" | tr a-f A-F) | grep -q '^Id: *$C1$'"
expect 0 "\"id\": \"$C1\"" w export "$S1" --json
expect 0 "" w export "$S1" -o "$T/exported.json"
check "export by prefix: byte for byte" cmp -s "$T/exported.json" "$T/c1.json"
expect 0 "" w present "$S1" --challenge c1 -o "$T/vp.json"
check "present by prefix: the credential is in the presentation" grep -q "$C1" "$T/vp.json"
expect 0 "" w share "$S1" --qr --png "$T/q.png"
expect 0 "certId=$(echo "$C1" | sed 's/:/%3A/g')" w share "$S1" --linkedin
expect 0 "" w export --pdf "$S1" -o "$T/c1.pdf"
check "a PDF by prefix" sh -c "head -c 5 '$T/c1.pdf' | grep -q '%PDF-'"

# --- ambiguous: the candidates (id and name), exit 2, nothing done
expect 2 "ambiguous id '0badcafe': 2 credentials start with it" w show 0badcafe
check "the candidates are listed with their names" sh -c "grep -q '^  urn:uuid:0badcafe-0000-4000-8000-00000000000a  Course weld-101$' '$T/out' && grep -q '^  urn:uuid:0badcafe-0000-4000-8000-00000000000b  Course weld-101$' '$T/out'"
check "ambiguous: nothing on stdout" sh -c "w() { '$W' --home '$T/wallet' --passphrase-file '$T/pass' \"\$@\"; }; [ -z \"\$(w show 0badcafe 2>/dev/null)\" ]"
expect 2 "ambiguous id" w remove 0badcafe
expect 0 "Id: +urn:uuid:0badcafe-0000-4000-8000-00000000000a" w show 0badcafe-0000-4000-8000-00000000000a
expect 2 "ambiguous id" w export --pdf 0badcafe -o "$T/amb.pdf"
check "ambiguous: no file" test ! -e "$T/amb.pdf"
expect 2 "ambiguous id 'urn:uuid:0bad'" w present urn:uuid:0bad --challenge c1
expect 0 "0badcafe-0000-4000-8000-00000000000b" w export 0badcafe-0000-4000-8000-00000000000b --json
# the CLR's name among candidates, marked
python3 - "$T/twin-a.json" "$T/near-clr.json" "$CLR" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["id"] = sys.argv[3][:-1] + ("0" if sys.argv[3][-1] != "0" else "1")
json.dump(c, open(sys.argv[2], "w"))
PY
expect 0 "" w add --offline --force "$T/near-clr.json"
expect 2 "ambiguous" w show "$SCLR"
check "a CLR candidate is named as the CLR" grep -q "^  $CLR  Ana's welding transcript (CLR)$" "$T/out"
expect 0 "" w remove "$(id_of "$T/near-clr.json")"

# --- no match, too short
expect 1 "no credential 'ffffffff' in the wallet" w show ffffffff
expect 1 "no credential 'ffffffff' in the wallet" w remove ffffffff
expect 1 "needs at least 4 characters" w show "$(echo "$S1" | cut -c1-3)"
check "too short: one line" test "$(wc -l <"$T/out")" -eq 1
expect 1 "no credential 'urn:uuid:' in the wallet" w show urn:uuid:
expect 1 "no credential" w share ffffffff --linkedin

# --- remove by prefix says what it removed
expect 0 "removed urn:uuid:0badcafe-0000-4000-8000-00000000000b \(Course weld-101\)" w remove 0badcafe-0000-4000-8000-00000000000b
expect 0 "^Id: +urn:uuid:0badcafe-0000-4000-8000-00000000000a" w show 0badcafe

# --- a CLR in list and show
expect 0 "" w list
check "list: a KIND column" grep -q "^ID  *KIND  *NAME  *ISSUER  *VALID FROM  *STATUS$" "$T/out"
check "list: the CLR under its own name, kind CLR" grep -q "^$CLR  *CLR  *Ana's welding transcript  *Riverbend College" "$T/out"
check "list: a badge is a badge" grep -q "^$C1  *badge  *Course weld-101 " "$T/out"
expect 0 "" w list --json
check "list --json: the CLR's name, kind and item count" python3 -c "
import json; rows = json.load(open('$T/out'))
r = [x for x in rows if x['id'] == '$CLR'][0]
assert r['kind'] == 'clr' and r['name'] == \"Ana's welding transcript\" and r['items'] == 2, r
b = [x for x in rows if x['id'] == '$C1'][0]
assert b['name'] == 'Course weld-101' and 'items' not in b, b"
expect 0 "^Record: +Ana's welding transcript$" w show "$SCLR"
check "show: Kind CLR" grep -q "^Kind: *CLR (Comprehensive Learner Record)$" "$T/out"
check "show: no 'Achievement:' line for a CLR" sh -c "! grep -q '^Achievement:' '$T/out'"
check "show: not its first badge's description or criteria" sh -c "! grep -q -e '^Description' -e '^Criteria' '$T/out'"
check "show: its two credentials" grep -q "^Credentials: *2$" "$T/out"
check "show: the first, with verdict and id" sh -c "grep -q '^  1\\. Course weld-101 \\[VALID\\]$' '$T/out' && grep -q '^     id: $C1$' '$T/out'"
check "show: the second (the VC-JWT)" grep -q "^  2\\. Course weld-102 \\[VALID\\]$" "$T/out"
check "show: each issuer as the verifier knows it" grep -q "^     issuer: calls itself 'Riverbend College' (not verified)" "$T/out"
expect 0 "" w show --json "$SCLR"
check "show --json: the CLR with its credentials" python3 -c "
import json; o = json.load(open('$T/out'))
assert o['id'] == '$CLR' and o['kind'] == 'clr' and o['name'] == \"Ana's welding transcript\", o
assert o['status'] == 'verified' and o['clrItems'] == 2
assert [c['achievement'] for c in o['credentials']] == ['Course weld-101', 'Course weld-102']
assert all(c['verdict'] == 'valid' for c in o['credentials'])
assert 'description' not in o"
expect 0 "" w show --json "$S1"
check "show --json of a badge" python3 -c "
import json; o = json.load(open('$T/out'))
assert o['id'] == '$C1' and o['name'] == 'Course weld-101' and o['description'] == 'Course weld-101'
assert 'credentials' not in o"
expect 2 "too many arguments" w show "$S1" "$SCLR"
expect 2 "unknown option '--frob'" w show --frob "$S1"

done_tests
