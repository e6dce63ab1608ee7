#!/bin/sh
# ob-issuer: status entries, revoke / suspend / reinstate / status, publish,
# did:web issuers and key rotation, all checked through ob-verifier with
# the published files given as --doc URL=FILE.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
# docs MAPFILE: the --doc options for every URL=FILE line publish printed
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }
cred_id() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$1"; }
cred_index() { python3 -c "
import json,sys
s=json.load(open(sys.argv[1]))['credentialStatus']
s=s if isinstance(s,list) else [s]
print(s[0]['statusListIndex'])" "$1"; }

expect 0 "^did:key:" is init --name "Riverbend College" --url https://riverbend.example.edu/badges
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam"

# every credential gets a revocation entry; --suspension makes it one
# entry that says both (statusPurpose message, 2 bits: valid, revoked,
# suspended)
expect 0 "" is issue --achievement weld-101 --recipient ana@example.com --suspension -o "$T/c1.json"
expect 0 "" is issue --achievement weld-101 --recipient did:example:bob -o "$T/c2.json"
expect 0 "" is issue --achievement weld-101 --recipient did:example:carol --no-status -o "$T/c3.json"
expect 2 "drop --no-status" is issue --achievement weld-101 --recipient did:example:x --no-status --suspension
check "c1 has one message entry of 2 bits: valid, revoked, suspended" python3 -c "
import json
s=json.load(open('$T/c1.json'))['credentialStatus']
assert isinstance(s, dict) and s['type']=='BitstringStatusListEntry' and s['statusPurpose']=='message'
assert s['statusListCredential']=='https://riverbend.example.edu/badges/status/message/1.json'
assert s['id']==s['statusListCredential']+'#'+s['statusListIndex']
assert s['statusSize']==2 and s['statusMessage']==[{'status':'0x0','message':'valid'},{'status':'0x1','message':'revoked'},{'status':'0x2','message':'suspended'},{'status':'0x3','message':'undefined'}]
assert 0 <= int(s['statusListIndex']) < 131072"
check "c2 has one revocation entry" python3 -c "
import json
s=json.load(open('$T/c2.json'))['credentialStatus']
assert s['statusPurpose']=='revocation' and s['id']==s['statusListCredential']+'#'+s['statusListIndex']"
check "c3 (--no-status) has no credentialStatus" python3 -c "
import json; assert 'credentialStatus' not in json.load(open('$T/c3.json'))"
check "c1 and c2 have different indices" test "$(cred_index "$T/c1.json")" != "$(cred_index "$T/c2.json")"
C1=$(cred_id "$T/c1.json")
C2=$(cred_id "$T/c2.json")
C3=$(cred_id "$T/c3.json")

# without the published list the status cannot be checked
expect 3 "could not check status" "$VF" verify "$T/c2.json"

expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map1"
check "publish prints URL=FILE for the revocation list" grep -q "^https://riverbend.example.edu/badges/status/revocation/1.json=$T/site/badges/status/revocation/1.json$" "$T/map1"
check "publish writes the message list" grep -q "^https://riverbend.example.edu/badges/status/message/1.json=$T/site/badges/status/message/1.json$" "$T/map1"
check "publish still writes the suspension list (credentials issued before carry a suspension entry)" test -s "$T/site/badges/status/suspension/1.json"
check "publish writes the profile and the catalog" python3 -c "
import json
assert json.load(open('$T/site/badges/issuer.json'))['name']=='Riverbend College'
assert json.load(open('$T/site/badges/achievements/weld-101.json'))['name']=='Welding Fundamentals'"
check "a did:key issuer has no did.json" test ! -e "$T/site/.well-known/did.json"
expect 0 "not revoked, not suspended: status 0x0 \"valid\" \(https://riverbend.example.edu/badges/status/message/1.json, index" "$VF" verify $(docs "$T/map1") "$T/c1.json"
expect 0 "status list .*1.json verifies|^VALID" "$VF" verify "$T/site/badges/status/message/1.json"
expect 0 "not revoked" "$VF" verify $(docs "$T/map1") "$T/c2.json"
expect 0 "no status entry" "$VF" verify "$T/c3.json"
expect 0 "status list .*1.json verifies|^VALID" "$VF" verify "$T/site/badges/status/revocation/1.json"

# revoke: final, published with the next publish
expect 2 "needs --reason" is revoke "$C1"
expect 0 "revoked" is revoke "$C1" --reason "Academic misconduct"
expect 0 "revoked \(Academic misconduct\)" is status "$C1"
expect 1 "revocation is final" is reinstate "$C1"
expect 1 "revocation is final" is suspend "$C1"
expect 1 "revocation is final" is revoke "$C1" --reason again
expect 0 "not revoked" "$VF" verify $(docs "$T/map1") "$T/c1.json"
expect 0 "" is publish "$T/site"
expect 1 "revoked: the issuer has revoked this credential \(https://riverbend.example.edu/badges/status/message/1.json, index [0-9]+, status 0x1 \"revoked\"\)" "$VF" verify $(docs "$T/map1") "$T/c1.json"
expect 0 "not revoked" "$VF" verify $(docs "$T/map1") "$T/c2.json"
check "the revocation list has exactly the revoked bit set (MSB first)" python3 -c "
import json,base64,gzip
s=json.load(open('$T/site/badges/status/revocation/1.json'))['credentialSubject']
e=s['encodedList']; assert e[0]=='u'
b=gzip.decompress(base64.urlsafe_b64decode(e[1:]+'='*(-len(e[1:])%4)))
assert len(b)==16384
i=$(cred_index "$T/c1.json")
assert (b[i//8]>>(7-i%8))&1==1
assert sum(bin(x).count('1') for x in b)==1"
check "the message list has 2 bits a slot, 0x1 (revoked) at c1's, nothing else" python3 -c "
import json,base64,gzip
s=json.load(open('$T/site/badges/status/message/1.json'))['credentialSubject']
assert s['statusPurpose']=='message'
e=s['encodedList']; assert e[0]=='u'
b=gzip.decompress(base64.urlsafe_b64decode(e[1:]+'='*(-len(e[1:])%4)))
assert len(b)==32768
i=$(cred_index "$T/c1.json")
assert (b[2*i//8]>>(6-2*i%8))&3==1
assert sum(bin(x).count('1') for x in b)==1"
expect 0 "" is status "$C1" --json
check "status --json" python3 -c "
import json
d=json.load(open('$T/out'))
assert d['state']=='revoked' and d['reason']=='Academic misconduct' and d['statusListIndex']==$(cred_index "$T/c1.json")"

# suspension needs a suspension entry; it can be lifted
expect 1 "no suspension entry" is suspend "$C2"
expect 0 "" is issue --achievement weld-101 --recipient did:example:dan --suspension -o "$T/c4.json"
C4=$(cred_id "$T/c4.json")
expect 1 "is not suspended" is reinstate "$C4"
expect 0 "suspended" is suspend "$C4" --reason "under review"
expect 1 "already suspended" is suspend "$C4"
expect 0 "suspended \(under review\)" is status "$C4"
expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map2"
expect 1 "suspended: the issuer has suspended this credential \(https://riverbend.example.edu/badges/status/message/1.json, index [0-9]+, status 0x2 \"suspended\"\)" "$VF" verify $(docs "$T/map2") "$T/c4.json"
check "the message list has 0x2 (suspended) at c4's slot, 0x1 at c1's" python3 -c "
import json,base64,gzip
e=json.load(open('$T/site/badges/status/message/1.json'))['credentialSubject']['encodedList']
b=gzip.decompress(base64.urlsafe_b64decode(e[1:]+'='*(-len(e[1:])%4)))
v=lambda i: (b[2*i//8]>>(6-2*i%8))&3
assert v($(cred_index "$T/c4.json"))==2 and v($(cred_index "$T/c1.json"))==1
assert sum(bin(x).count('1') for x in b)==2"
cp "$T/site/badges/status/message/1.json" "$T/msg-suspended.json"
# a credential issued with the pair of entries --suspension gave before
# (revocation and suspension lists, still published) keeps its answers:
# c4's slot with the old entries, signed by the issuer's key
python3 - "$T/c4.json" "$T/old4.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d['proof']
i = d['credentialStatus']['statusListIndex']
u = 'https://riverbend.example.edu/badges/status/%s/1.json'
d['credentialStatus'] = [{'id': u % p + '#' + i, 'type': 'BitstringStatusListEntry', 'statusPurpose': p,
                          'statusListIndex': i, 'statusListCredential': u % p} for p in ('revocation', 'suspension')]
json.dump(d, open(sys.argv[2], 'w'))
PY
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/old4s.json" "$T/old4.json"
expect 1 "suspended: the issuer has suspended this credential \(https://riverbend.example.edu/badges/status/suspension/1.json, index [0-9]+\)" "$VF" verify $(docs "$T/map2") "$T/old4s.json"
expect 1 "not revoked \(https://riverbend.example.edu/badges/status/revocation/1.json" "$VF" verify $(docs "$T/map2") "$T/old4s.json"
expect 0 "reinstated" is reinstate "$C4"
expect 0 "active" is status "$C4"
expect 0 "" is publish "$T/site"
expect 0 "not revoked, not suspended: status 0x0" "$VF" verify $(docs "$T/map2") "$T/c4.json"
# a certificate checks the site's message list too (export --site)
expect 0 "exported 1 credential" is export --pdf --site "$T/site" "$C4" "$T/print"
check "export --pdf --site: c4's page has no undecided check" sh -c "pdftotext '$T/print/${C4#urn:uuid:}.pdf' - >'$T/p4.txt' && grep -q 'Certificate of Achievement' '$T/p4.txt' && ! grep -q 'UNDECIDED\|could not check' '$T/p4.txt'"
expect 0 "not suspended \(https://riverbend.example.edu/badges/status/suspension/1.json" "$VF" verify $(docs "$T/map2") "$T/old4s.json"
expect 1 "revoked" "$VF" verify $(docs "$T/map2") "$T/c1.json"

# ids with or without urn:uuid:, unknown ids, --no-status credentials
expect 0 "active" is status "${C2#urn:uuid:}"
expect 1 "no credential 'urn:uuid:00000000-0000-4000-8000-000000000000'" is revoke urn:uuid:00000000-0000-4000-8000-000000000000 --reason x
expect 1 "no credential" is status nope
expect 1 "without a status entry" is revoke "$C3" --reason x
expect 0 "no status entry" is status "$C3"
expect 2 "which credential" is status
expect 2 "unexpected argument" is suspend "$C2" extra

# a list edited after signing is not trusted
python3 - "$T/site/badges/status/revocation/1.json" "$T/forged.json" <<'PY'
import json, sys, gzip, base64
d = json.load(open(sys.argv[1]))
d['credentialSubject']['encodedList'] = 'u' + base64.urlsafe_b64encode(gzip.compress(bytes(16384))).decode().rstrip('=')
json.dump(d, open(sys.argv[2], 'w'))
PY
expect 0 "" is revoke "$C2" --reason "issued twice"
expect 0 "" is publish "$T/site"
expect 1 "revoked: the issuer has revoked this credential" "$VF" verify $(docs "$T/out") "$T/c2.json"
expect 3 "does not verify" "$VF" verify --doc "https://riverbend.example.edu/badges/status/revocation/1.json=$T/forged.json" "$T/c2.json"
# message lists: one unsuspended behind the signature's back (c4 was
# suspended when it was signed), one whose entries are 1 bit wide, one
# giving c4's slot the 0x3 no one defined: never VALID
M=https://riverbend.example.edu/badges/status/message/1.json
msglist() {
	python3 - "$T/msg-suspended.json" "$T/$1.json" $(cred_index "$T/c4.json") "$2" "$3" <<'PY'
import json, sys, gzip, base64
d = json.load(open(sys.argv[1]))
i, value, size = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = d['credentialSubject']
e = s['encodedList']
b = bytearray(gzip.decompress(base64.urlsafe_b64decode(e[1:] + '=' * (-len(e[1:]) % 4))))
b[2 * i // 8] = b[2 * i // 8] & ~(3 << (6 - 2 * i % 8)) | value << (6 - 2 * i % 8)
s['encodedList'] = 'u' + base64.urlsafe_b64encode(gzip.compress(bytes(b))).decode().rstrip('=')
if size != '-':
    # statusSize on the list's subject, defined inline (the VC 2.0
    # context defines it on the entry only), then signed again
    d['@context'].append({'statusSize': {'@id': 'https://www.w3.org/ns/credentials/status#statusSize',
                                         '@type': 'http://www.w3.org/2001/XMLSchema#integer'}})
    s['statusSize'] = int(size)
if size != '-' or value == 3:
    del d['proof']
json.dump(d, open(sys.argv[2], 'w'))
PY
}
msglist tampered 0 -
expect 3 "could not check status: the status list $M does not verify" "$VF" verify --doc "$M=$T/tampered.json" "$T/c4.json"
msglist size1 2 1
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/size1s.json" "$T/size1.json"
expect 0 "^VALID" "$VF" verify "$T/size1s.json"
expect 3 "could not check status: the status list $M has statusSize 1, the entry statusSize 2" "$VF" verify --doc "$M=$T/size1s.json" "$T/c4.json"
msglist size2 2 2
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/size2s.json" "$T/size2.json"
expect 1 "suspended: the issuer has suspended this credential" "$VF" verify --doc "$M=$T/size2s.json" "$T/c4.json"
msglist undef 3 -
expect 0 "" "$IS" sign --key "$H/keys/key-1.json" -o "$T/undefs.json" "$T/undef.json"
expect 3 "could not check status: $M gives index [0-9]+ the status 0x3 \"undefined\", not one obkit can judge" "$VF" verify --doc "$M=$T/undefs.json" "$T/c4.json"

# --base-url: the site's root URL maps to DIR
expect 0 "" is publish "$T/site2" --base-url https://riverbend.example.edu/badges/
check "--base-url strips the prefix" test -s "$T/site2/status/revocation/1.json"
check "--base-url prints the full URL" grep -q "^https://riverbend.example.edu/badges/status/revocation/1.json=$T/site2/status/revocation/1.json$" "$T/out"
expect 2 "outside the site" is publish "$T/site3" --base-url https://elsewhere.example/
expect 2 "must be an http" is publish "$T/site3" --base-url ftp://x
expect 2 "needs a directory" is publish
expect 2 "a did:key is its key" is key rotate

# did:web issuer: keys in the DID document, rotation keeps old keys
W="$T/web"
iw() { "$IS" --home "$W" "$@"; }
expect 2 "invalid --did-web" iw init --name X --did-web "bad/host"
expect 0 "^did:web:127.0.0.1%3A8443$" iw init --name "Web College" --did-web 127.0.0.1%3A8443
expect 0 "" iw achievement add --id a1 --name "A1" --description D --criteria C
expect 0 "" iw issue --achievement a1 --recipient did:example:erin -o "$T/w1.json"
check "did:web credential names DID#key-1" grep -q '"verificationMethod": "did:web:127.0.0.1%3A8443#key-1"' "$T/w1.json"
check "did:web status list under https://HOST" grep -q '"statusListCredential": "https://127.0.0.1:8443/status/revocation/1.json"' "$T/w1.json"
expect 3 "could not resolve the key|not available offline" "$VF" verify "$T/w1.json"
expect 0 "" iw publish "$T/wsite"
cp "$T/out" "$T/wmap1"
check "did.json at /.well-known" python3 -c "
import json
d=json.load(open('$T/wsite/.well-known/did.json'))
assert d['id']=='did:web:127.0.0.1%3A8443'
vm=d['verificationMethod'][0]
assert vm['id']=='did:web:127.0.0.1%3A8443#key-1' and vm['type']=='Multikey' and vm['publicKeyMultibase'].startswith('z6Mk')
assert d['assertionMethod']==[vm['id']] and d['authentication']==[vm['id']]"
cp "$T/wsite/.well-known/did.json" "$T/did-before.json"
expect 0 "made by the issuer's key" "$VF" verify $(docs "$T/wmap1") "$T/w1.json"
expect 0 "^did:web:127.0.0.1%3A8443#key-2$" iw key rotate
expect 0 "#key-2 .*staged" iw key list
expect 0 "" iw issue --achievement a1 --recipient did:example:fay -o "$T/w2.json"
check "credential issued before publish signed with key-1" grep -q '#key-1"' "$T/w2.json"
expect 0 "#key-1 resolved" "$VF" verify --doc "https://127.0.0.1:8443/.well-known/did.json=$T/did-before.json" $(grep -E '^https?://[^ ]+=' "$T/wmap1" | grep -v did.json | sed 's/^/--doc /') "$T/w2.json"
expect 0 "" iw publish "$T/wsite"
cp "$T/out" "$T/wmap2"
check "both keys listed after rotation" python3 -c "
import json
d=json.load(open('$T/wsite/.well-known/did.json'))
assert [v['id'][-6:] for v in d['verificationMethod']]==['#key-1','#key-2']"
expect 0 "#key-1 resolved" "$VF" verify $(docs "$T/wmap2") "$T/w1.json"
expect 0 "#key-1 resolved" "$VF" verify $(docs "$T/wmap2") "$T/w2.json"
expect 0 "" iw issue --achievement a1 --recipient did:example:gil -o "$T/w3.json"
check "credential issued after publish signed with key-2" grep -q '#key-2"' "$T/w3.json"
expect 0 "#key-2 resolved" "$VF" verify $(docs "$T/wmap2") "$T/w3.json"
expect 0 "" iw revoke "$(cred_id "$T/w1.json")" --reason "issued in error"
expect 0 "" iw publish "$T/wsite"
expect 1 "revoked" "$VF" verify $(docs "$T/wmap2") "$T/w1.json"

# a did:web with a path: PATH/did.json
P="$T/webpath"
expect 0 "^did:web:example.edu:issuers:cs$" "$IS" --home "$P" init --name CS --did-web example.edu:issuers:cs
expect 0 "" "$IS" --home "$P" achievement add --id a1 --name "A1" --description D --criteria C
expect 0 "" "$IS" --home "$P" issue --achievement a1 --recipient did:example:gus -o "$T/p1.json"
expect 0 "https://example.edu/issuers/cs/did.json=" "$IS" --home "$P" publish "$T/psite"
cp "$T/out" "$T/pmap"
check "did.json at PATH/did.json" test -s "$T/psite/issuers/cs/did.json"
check "status list at PATH/status" test -s "$T/psite/issuers/cs/status/revocation/1.json"
expect 0 "^VALID" "$VF" verify $(docs "$T/pmap") "$T/p1.json"
done_tests
