#!/bin/sh
# --json where a command reports something (issue 15): ob-issuer revoke,
# suspend and reinstate print the new state as the object status --json
# prints (equal to it, field for field); the verifier's verify and scan
# print one JSON object. The commands whose synopsis offers no --json are
# listed at the end (not counted): they print data (documents, N-Quads,
# QR codes), run a server, or are still to be given one.
#   sh tests/cli/help_json.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS=$BIN/ob-issuer
VF=$BIN/ob-verifier
H=$T/issuer
export OBKIT_ISSUER_HOME="$T/no-issuer" OBKIT_WALLET_HOME="$T/no-wallet"
C01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json

# jf FILE PYTHON-EXPR: FILE is one JSON object d for which EXPR holds
jf() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; then ok; else
		bad "$1: not ($2)"; head -c 400 "$1" | sed 's/^/    /'
	fi
}

expect 0 "" "$IS" --home "$H" init --name "Riverbend Test" --url https://riverbend.example.edu
expect 0 "" "$IS" --home "$H" achievement add --id weld-1 --name Welding --description d --criteria c
"$IS" --home "$H" issue --achievement weld-1 --recipient did:example:ana --suspension -o "$T/c.json" 2>/dev/null
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/c.json")
case $ID in urn:uuid:*) ok ;; *) bad "no credential issued: '$ID'" ;; esac

"$IS" --home "$H" suspend "$ID" --reason "under review" --json >"$T/s.json" 2>"$T/e"
jf "$T/s.json" "d['id'] == '$ID' and d['state'] == 'suspended' and d['reason'] == 'under review' and d['suspendable'] is True"
check "suspend --json: the note stays on stderr" grep -q "suspended" "$T/e"
"$IS" --home "$H" status "$ID" --json >"$T/st.json"
check "suspend --json equals status --json" cmp -s "$T/s.json" "$T/st.json"
"$IS" --home "$H" --json reinstate "$ID" >"$T/r.json" 2>/dev/null
jf "$T/r.json" "d['state'] == 'active'"
"$IS" --home "$H" revoke "$ID" --reason "issued in error" --json >"$T/v.json" 2>/dev/null
jf "$T/v.json" "d['state'] == 'revoked' and d['reason'] == 'issued in error' and 'changedAt' in d"
"$IS" --home "$H" status "$ID" --json >"$T/st.json"
check "revoke --json equals status --json" cmp -s "$T/v.json" "$T/st.json"
# a change refused prints no JSON, only the error
"$IS" --home "$H" reinstate "$ID" --json >"$T/o" 2>"$T/e"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$T/o" ] && grep -q "is revoked" "$T/e"; then ok; else bad "reinstate of a revoked credential: exit $rc, stdout '$(head -c 80 "$T/o")'"; fi
# without --json, stdout stays empty
"$IS" --home "$H" issue --achievement weld-1 --recipient did:example:bo --suspension -o "$T/c2.json" 2>/dev/null
ID2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/c2.json")
"$IS" --home "$H" suspend "$ID2" >"$T/o" 2>/dev/null
check "suspend without --json: nothing on stdout" test ! -s "$T/o"

# issue --json (one credential, written to -o FILE): what was issued, as status --json names it
"$IS" --home "$H" issue --achievement weld-1 --recipient did:example:cy --suspension -o "$T/c3.json" --json >"$T/i.json" 2>"$T/e"
ID3=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/c3.json" 2>/dev/null)
jf "$T/i.json" "d['id'] == '$ID3' and d['file'] == '$T/c3.json' and d['achievement'] == 'weld-1' and d['recipient'] == 'did:example:cy' and d['suspendable'] is True and isinstance(d['statusListIndex'], int)"
"$IS" --home "$H" status "$ID3" --json >"$T/st.json"
python3 -c "
import json,sys; i=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2]))
sys.exit(0 if all(i[k] == s[k] for k in ('id', 'recipient', 'achievement', 'issuedAt', 'suite', 'statusList', 'statusListIndex')) else 1)" "$T/i.json" "$T/st.json" && ok || bad "issue --json and status --json disagree"
check "issue --json: the note stays on stderr" grep -q "issued $ID3 to" "$T/e"
expect 2 "--json needs -o FILE" "$IS" --home "$H" issue --achievement weld-1 --recipient did:example:cy --json
printf 'name,recipient,achievement\nA,did:example:a,weld-1\n' >"$T/r.csv"
# issue --roster --json: the summary as one object (the manifest's path in it)
"$IS" --home "$H" issue --roster "$T/r.csv" -o "$T/rdir" --json >"$T/r.json" 2>"$T/e"
jf "$T/r.json" "d['rows'] == 1 and d['issued'] == 1 and d['alreadyIssued'] == 0 and d['bad'] == 0 and d['manifest'].endswith('/manifest.jsonl')"
"$IS" --home "$H" issue --roster "$T/r.csv" -o "$T/rdir" --json --shard 1/1 >"$T/r2.json" 2>"$T/e"
jf "$T/r2.json" "d['issued'] == 0 and d['alreadyIssued'] == 1 and d['shard'] == {'k': 1, 'n': 1}"

# export --json: each credential's id and file, the counts
"$IS" --home "$H" export "$ID3" "$T/ex" --json >"$T/x.json" 2>"$T/e"
jf "$T/x.json" "d['dir'] == '$T/ex' and d['exported'] == 1 and d['missing'] == 0 and d['credentials'] == [{'id': '$ID3', 'file': d['credentials'][0]['file']}] and d['credentials'][0]['file'].startswith('$T/ex/')"
F3=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentials"][0]["file"])' "$T/x.json" 2>/dev/null)
check "export --json: the file is the credential as issued" cmp -s "$F3" "$T/c3.json"
check "export --json: the summary stays on stderr" grep -q "exported 1 credential" "$T/e"
"$IS" --home "$H" export --all --recipient did:example:cy "$T/ex2" --json >"$T/x.json" 2>/dev/null
jf "$T/x.json" "d['exported'] == 1 and d['credentials'][0]['id'] == '$ID3'"
# three single issues and the roster row above
"$IS" --home "$H" export --all "$T/ex3" >"$T/o" 2>/dev/null
check "export without --json: the paths, one a line" sh -c "[ \$(wc -l <'$T/o') -eq 4 ] && ! grep -q '{' '$T/o'"

# endorse --json (with -o FILE): the endorsement's id, file, subject and name
"$IS" --home "$H" endorse --subject https://example.org/achievements/weld --comment "well run" -o "$T/end.json" --json >"$T/n.json" 2>"$T/e"
EID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/end.json" 2>/dev/null)
jf "$T/n.json" "d == {'id': '$EID', 'file': '$T/end.json', 'subject': 'https://example.org/achievements/weld', 'name': 'Endorsement'} and d['id'].startswith('urn:uuid:')"
expect 2 "--json needs -o FILE" "$IS" --home "$H" endorse --subject https://example.org/a --json

"$VF" verify --json --now "$NOW" --offline --no-default-registries "$C01" >"$T/j" 2>/dev/null
jf "$T/j" "d['verdict'] == 'valid'"
"$VF" qr --no-terminal --png "$T/q.png" "$C01" 2>/dev/null
"$VF" scan --json --now "$NOW" --offline --no-default-registries "$T/q.png" >"$T/j" 2>/dev/null
jf "$T/j" "d['verdict'] == 'valid'"

# the commands that offer no --json, for the record
for tool in ob-issuer ob-wallet ob-verifier; do
	"$BIN/$tool" --help 2>/dev/null | sed -n "s/^  $tool //p" | grep -v -- '--json' | cut -d' ' -f1 |
		sed "s/^/$tool /" >>"$T/nojson"
done
echo "no --json:" $(cat "$T/nojson" | tr '\n' ',' | sed 's/,$//')
# init --json: the new issuer's DID, key and where it lives
"$IS" --home "$T/ij" init --name J --url https://j.example --json >"$T/ij.json" 2>/dev/null
jf "$T/ij.json" "d['did'].startswith('did:key:') and d['keyType'] == 'Ed25519' and d['home'] == '$T/ij' and d['database'] == 'sqlite'"

# offer create --json and offer list --json (the offer's link and PIN; the list's states)
"$IS" --home "$H" offer create --achievement weld-1 --recipient of@example.com --pin --server https://i.example \
	--json >"$T/of.json" 2>/dev/null
jf "$T/of.json" "d['link'].startswith('openid-credential-offer://') and len(d['pin']) >= 4 and d['recipient'] == 'of@example.com'"
"$IS" --home "$H" offer list --json >"$T/ol.json" 2>/dev/null
jf "$T/ol.json" "isinstance(d, list) and any(o['recipient'] == 'of@example.com' and o['state'] == 'open' for o in d)"
expect 2 "--json goes with one offer" "$IS" --home "$H" offer create --roster "$T/r.csv" -o "$T/offers.csv" --json

done_tests
