#!/bin/sh
# issue --suspension's one status entry (statusPurpose message, statusSize
# 2, statusMessage) against the Digital Credentials Consortium stack that
# made the team's vectors (SHARED/interop: @digitalcredentials/vc, the
# eddsa-rdfc-2022, eddsa-jcs-2022 and Ed25519Signature2020 suites,
# @digitalcredentials/vc-bitstring-status-list): obkit's credentials
# verify there, statusSize and statusMessage covered by the signature (a
# changed message fails), the message list's proof verifies (its status
# check needs it), and that library's decoder reads the 2-bit list as
# obkit wrote it: a suspended slot i sets bit 2i (0x2), a revoked one bit
# 2i+1 (0x1). The library itself ignores statusSize (it reads bit i; see
# SHARED/spec/vc-di.md), so its own status answer is not compared after a
# change. The npm packages are installed from SHARED/interop's
# package-lock.json into a temp dir (npm ci; the npm registry must be
# reachable); if that fails the test FAILS, saying why.
# usage: sh tests/cli/status_msg_interop.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
SRC="$SHARED/interop"
J="$T/js"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }

setup() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		bad "node and npm are needed to cross-check with the DCC packages (Debian: nodejs npm)"
		return 1
	fi
	mkdir -p "$J" && (cd "$SRC" && tar -cf - --exclude=node_modules .) | (cd "$J" && tar -xf -) || return 1
	if ! npm_ci "$J" "$SRC"; then
		return 1
	fi
}
if ! setup; then
	done_tests
	exit 1
fi
# docs FILE: --doc URL=FILE for each line publish printed
docs() { grep -E '^https?://[^ ]+=' "$1" | sed 's/^/--doc /' | tr '\n' ' '; }
jsv() { (cd "$J" && node verify.js "$@"); }
index_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['credentialStatus']['statusListIndex'])" "$1"; }
id_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$1"; }

expect 0 "^did:key:z6Mk" is init --name "Riverbend College" --url https://riverbend.example.edu/badges
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam"
SUITES="eddsa-rdfc-2022 eddsa-jcs-2022 Ed25519Signature2020"
for s in $SUITES; do
	expect 0 "" is issue --suite "$s" --achievement weld-101 --recipient "ana-$s@example.com" --suspension -o "$T/$s.json"
done
expect 0 "" is publish "$T/site"
cp "$T/out" "$T/map"
M="$T/site/badges/status/message/1.json"
for s in $SUITES; do
	expect 0 '"verified": true' jsv $(docs "$T/map") "$T/$s.json"
	check "$s: the DCC stack checked the message list (status ok)" grep -q '"status": "ok"' "$T/out"
	expect 0 'not revoked, not suspended: status 0x0 "valid"' "$VF" verify $(docs "$T/map") "$T/$s.json"
	# the issuer committed to its messages: a changed one breaks the
	# signature in both
	python3 - "$T/$s.json" "$T/$s-bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['credentialStatus']['statusMessage'][2]['message'] = 'valid'
json.dump(d, open(sys.argv[2], 'w'))
PY
	expect 1 '"verified": false' jsv $(docs "$T/map") "$T/$s-bad.json"
	expect 1 "^INVALID" "$VF" verify $(docs "$T/map") "$T/$s-bad.json"
done
expect 0 '"verified": true' jsv "$M"

# the 2-bit list as the library's decoder reads it
SI=$(index_of "$T/eddsa-rdfc-2022.json")
RI=$(index_of "$T/eddsa-jcs-2022.json")
expect 0 "" is suspend "$(id_of "$T/eddsa-rdfc-2022.json")"
expect 0 "" is revoke "$(id_of "$T/eddsa-jcs-2022.json")" --reason "issued in error"
expect 0 "" is publish "$T/site"
(cd "$J" && node status-list.js --decode "$M") >"$T/dec.json" 2>&1
check "decoded by the library: 262,144 bits, bit 2i set for the suspended slot, 2i+1 for the revoked one, nothing else" python3 -c "
import json
d = json.load(open('$T/dec.json'))
assert d['length'] == 262144, d['length']
assert d['set'] == sorted([2 * $SI, 2 * $RI + 1]), d['set']"
expect 0 '"verified": true' jsv "$M"
expect 1 "suspended: the issuer has suspended this credential" "$VF" verify $(docs "$T/map") "$T/eddsa-rdfc-2022.json"
expect 1 "revoked: the issuer has revoked this credential" "$VF" verify $(docs "$T/map") "$T/eddsa-jcs-2022.json"
expect 0 "not revoked, not suspended" "$VF" verify $(docs "$T/map") "$T/Ed25519Signature2020.json"
done_tests
