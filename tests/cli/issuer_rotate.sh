#!/bin/sh
# ob-issuer key rotate stages a key and publish activates it (issue 11):
# a credential issued between the two is signed by the still-active key
# and verifies against the site published before the rotation; a failed
# publish leaves the key staged; a second rotate before publish is
# refused; old credentials keep verifying against the new site; a
# database from before the staged column is upgraded.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
DID=did:web:example.edu:issuers:cs
is() { "$IS" --home "$H" "$@"; }
# docs MAPFILE: the --doc options for every URL=FILE line publish printed
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }
# verify MAPFILE CRED: offline, against that published site only
verify() { "$VF" verify --offline $(docs "$1") "$2"; }
signed_by() { grep -q "\"verificationMethod\": \"$DID#$2\"" "$1"; }
# doc_keys SITE: the key ids of SITE's DID document, checked to be the
# same under verificationMethod, assertionMethod and authentication
doc_keys() { python3 - "$1/issuers/cs/did.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = [v['id'] for v in d['verificationMethod']]
assert ids == d['assertionMethod'] == d['authentication'], d
print(' '.join(i.split('#')[1] for i in ids))
PY
}
issue() { is issue --achievement a1 --recipient "did:example:$1" -o "$T/$1.json"; }

# a new issuer: key-1 signs from init, as before
expect 0 "^$DID$" is init --name CS --did-web example.edu:issuers:cs
expect 0 "#key-1 .*\(signing\)$" is key list
expect 0 "" is achievement add --id a1 --name A1 --description D --criteria C
expect 0 "" issue ann
check "ann: signed by key-1" signed_by "$T/ann.json" key-1
expect 0 "^https://example.edu/issuers/cs/did.json=" is publish "$T/site1"
check "first publish activates nothing" sh -c "! grep -q 'signs from now on' '$T/out'"
cp "$T/out" "$T/map1"
check "site1 lists key-1" test "$(doc_keys "$T/site1")" = "key-1"
expect 0 "^VALID" verify "$T/map1" "$T/ann.json"

# rotate stages key-2; key-1 goes on signing
expect 0 "^$DID#key-2$" is key rotate
check "rotate says the key is staged" grep -q "#key-2 is staged.*#key-1 signs until then" "$T/out"
check "key-2 file, mode 0600" sh -c "test \"\$(stat -c %a '$H/keys/key-2.json')\" = 600"
expect 0 "#key-2 .*\(staged: published and used from the next 'ob-issuer publish'\)$" is key list
check "key list: key-1 still signs" grep -qE "#key-1 .*\(signing\)$" "$T/out"
check "key list: key-2 does not sign" sh -c "! grep -q '#key-2.*signing' '$T/out'"

# the bug: this credential must verify against the site already online
expect 0 "" issue bob
check "bob: signed by key-1, not the staged key-2" signed_by "$T/bob.json" key-1
expect 0 "^VALID" verify "$T/map1" "$T/bob.json"
check "bob: no 'key-2 not found'" sh -c "! grep -q 'not found' '$T/out'"
# a roster run signs with the active key too
printf 'name,recipient,achievement\nRo,did:example:roster1,a1\n' >"$T/roster.csv"
expect 0 "1 issued" is issue --roster "$T/roster.csv" -o "$T/rout"
check "roster: signed by key-1" sh -c "grep -l '#key-1\"' '$T'/rout/*.json | grep -q ."
check "roster: nothing signed by key-2" sh -c "! grep -l '#key-2\"' '$T'/rout/*.json"

# a second rotate before publish is refused; nothing changes
expect 2 "a staged key is already waiting for 'ob-issuer publish': $DID#key-2" is key rotate
check "no key-3 file" test ! -e "$H/keys/key-3.json"
expect 0 "#key-2 .*staged" is key list
check "key list: two keys" test "$(wc -l <"$T/out")" = 2

# publish that fails before writing anything: DIR is a file
: >"$T/notadir"
expect 3 "not a directory" is publish "$T/notadir"
expect 0 "#key-2 .*staged" is key list
check "key-1 still signs after the failed publish" grep -qE "#key-1 .*\(signing\)$" "$T/out"
# publish that fails after the DID document: issuer.json cannot be written
mkdir -p "$T/site2/issuers/cs/issuer.json"
expect 3 "is a directory" is publish "$T/site2"
check "failed publish did not activate" sh -c "! grep -q 'signs from now on' '$T/out'"
check "site2's DID document lists the staged key" test "$(doc_keys "$T/site2")" = "key-1 key-2"
expect 0 "#key-2 .*staged" is key list
expect 0 "" issue cy
check "cy: signed by key-1 (key-2 still staged)" signed_by "$T/cy.json" key-1
expect 0 "^VALID" verify "$T/map1" "$T/cy.json"

# a successful publish lists key-2, then activates it
expect 0 "$DID#key-2 signs from now on \($DID#key-1 stays in the DID document\)" is publish "$T/site3"
cp "$T/out" "$T/map3"
check "site3 lists key-1 and key-2 (all three arrays)" test "$(doc_keys "$T/site3")" = "key-1 key-2"
expect 0 "#key-2 .*\(signing\)$" is key list
check "key list: key-1 no longer signs" sh -c "! grep -q '#key-1.*signing' '$T/out'"
check "key list: nothing staged" sh -c "! grep -q staged '$T/out'"
expect 0 "" issue dee
check "dee: signed by key-2" signed_by "$T/dee.json" key-2
expect 0 "^VALID" verify "$T/map3" "$T/dee.json"
for c in ann bob cy; do
	expect 0 "^VALID" verify "$T/map3" "$T/$c.json"
done
check "roster credential verifies against site3" sh -c "$VF verify --offline $(docs "$T/map3") '$T'/rout/*.json"
# key-2 is not on the old site: the new site must go online before issuing
expect 1 "not found" verify "$T/map1" "$T/dee.json"
# publishing again activates nothing and signs the status lists with key-2
expect 0 "" is publish "$T/site3"
check "re-publish activates nothing" sh -c "! grep -q 'signs from now on' '$T/out'"
check "status list signed by key-2" signed_by "$T/site3/issuers/cs/status/revocation/1.json" key-2
expect 0 "" is revoke "$(python3 -c "import json; print(json.load(open('$T/ann.json'))['id'])")" --reason test
expect 0 "" is publish "$T/site3"
expect 1 "revoked" verify "$T/map3" "$T/ann.json"
expect 0 "^VALID" verify "$T/map3" "$T/bob.json"

# after a publish, rotating again is fine: key-3 staged, then active
expect 0 "^$DID#key-3$" is key rotate
expect 0 "" issue eve
check "eve: signed by key-2 while key-3 is staged" signed_by "$T/eve.json" key-2
expect 0 "^VALID" verify "$T/map3" "$T/eve.json"
expect 0 "#key-3 signs from now on" is publish "$T/site4"
cp "$T/out" "$T/map4"
check "site4 lists all three keys" test "$(doc_keys "$T/site4")" = "key-1 key-2 key-3"
expect 0 "" issue fay
check "fay: signed by key-3" signed_by "$T/fay.json" key-3
for c in bob cy dee eve fay; do
	expect 0 "^VALID" verify "$T/map4" "$T/$c.json"
done

# did:key issuers still cannot rotate, and their publish is unchanged
K="$T/keyissuer"
expect 0 "^did:key:" "$IS" --home "$K" init --name K --url https://k.example.edu
expect 2 "a did:key is its key" "$IS" --home "$K" key rotate
expect 0 "" "$IS" --home "$K" publish "$T/ksite"
expect 0 "\(signing\)$" "$IS" --home "$K" key list

# a database from before the staged column (user_version 3) is upgraded
# (through version 5 too): its active key keeps signing, and rotation
# stages
O="$T/old"
expect 0 "" "$IS" --home "$O" init --name Old --did-web old.example.edu
sqlite_only && check "downgrade to user_version 3" python3 - "$O/issuer.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript('''DROP TABLE status_lists; DROP TABLE row_keys; DROP TABLE row_keys_pending;
DROP INDEX issued_revoked; DROP INDEX issued_suspended;
CREATE UNIQUE INDEX issued_status ON issued(status_list, status_index);
CREATE UNIQUE INDEX issued_row_key ON issued(row_key);
DROP INDEX keys_staged; ALTER TABLE keys DROP COLUMN staged;
DROP TABLE offers; DROP TABLE oid4vci_once; PRAGMA user_version = 3;''')
assert 'staged' not in [r[1] for r in db.execute('PRAGMA table_info(keys)')]
PY
expect 0 "#key-1 .*\(signing\)$" "$IS" --home "$O" key list
sqlite_only && check "upgraded to user_version 7" python3 -c "
import sqlite3
db = sqlite3.connect('$O/issuer.db')
assert db.execute('PRAGMA user_version').fetchone()[0] == 7
assert db.execute(\"SELECT count(*) FROM sqlite_master WHERE name IN ('status_lists', 'row_keys', 'row_keys_pending', 'offers', 'oid4vci_once')\").fetchone()[0] == 5
assert db.execute('SELECT id, active, staged FROM keys').fetchall() == [(1, 1, 0)]"
expect 0 "#key-2$" "$IS" --home "$O" key rotate
expect 0 "#key-2 .*staged" "$IS" --home "$O" key list
done_tests
