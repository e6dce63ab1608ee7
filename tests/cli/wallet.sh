#!/bin/sh
# CLI tests of ob-wallet: sh tests/cli/wallet.sh [BIN_DIR] [SHARED_DIR]
# Every wallet lives in a temporary directory; nothing touches $HOME.

BIN=${1:-bin}
SHARED=${2:-${SHARED_DIR:-../shared}}
W=$BIN/ob-wallet
V=$SHARED/vectors
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NOW=2026-01-01T00:00:00Z
ID03=urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a03
ID04=urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04

if [ ! -x "$W" ]; then
	echo "wallet.sh: no $W (build first)" >&2
	exit 1
fi
if [ ! -f "$V/signed/03-ob3-v2-eddsa-jcs-2022.json" ]; then
	echo "wallet.sh: no test vectors in $V" >&2
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/wallet-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
H=$T/home
unset OBKIT_WALLET_HOME
HOME=$T/user
XDG_DATA_HOME=$T/xdg
# the passphrase comes from a file (never argv); wallets use the test KDF
# cost (init --kdf-cost test), recorded in each wallet
printf 'test passphrase\n' >"$T/pass"
OBKIT_WALLET_PASSPHRASE_FILE=$T/pass
export HOME XDG_DATA_HOME OBKIT_WALLET_PASSPHRASE_FILE

passed=0
failed=0

pass() {
	passed=$((passed + 1))
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
}

# expect DESC CODE STREAM TEXT CMD...
# Runs CMD; wants exit CODE, and TEXT (a fixed string; empty: anything)
# in STREAM (out or err). A sanitizer report fails the test whatever the
# exit code, since ASan's own exit code is 1.
expect() {
	desc=$1 want=$2 stream=$3 text=$4
	shift 4
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		fail "$desc: sanitizer report"
		sed 's/^/  | /' "$T/err" >&2
	elif [ "$got" -ne "$want" ]; then
		fail "$desc: exit $got, want $want"
		sed 's/^/  | /' "$T/err" >&2
	elif [ -n "$text" ] && ! grep -q -F -e "$text" "$T/$stream"; then
		fail "$desc: std$stream lacks '$text'"
		sed 's/^/  | /' "$T/$stream" >&2
	else
		pass
	fi
}

# ok DESC CMD...: CMD must succeed (for checks on files and output)
ok() {
	desc=$1
	shift
	if "$@"; then
		pass
	else
		fail "$desc"
	fi
}

json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(len(d) != int(sys.argv[1]))' "$2" <"$1"
	elif command -v jq >/dev/null 2>&1; then
		[ "$(jq length <"$1")" = "$2" ]
	else
		echo "wallet.sh: neither python3 nor jq: JSON only checked for '['" >&2
		grep -q '^\[' "$1"
	fi
}

mode_600() {
	case $(ls -ln "$1") in
	-rw-------*) return 0 ;;
	*) return 1 ;;
	esac
}

# --- program basics
expect "--help" 0 out "add [--force] [--json] [--now T] [--doc URL=FILE]... [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache] FILE|-|URL..." "$W" --help
expect "--version" 0 out "ob-wallet $(cat "$ROOT/VERSION")" "$W" --version
expect "no command" 2 err "usage" "$W"
expect "unknown command" 2 err "unknown command 'frobnicate'" "$W" --home "$H" frobnicate
expect "unknown option" 2 err "unknown option '--bogus'" "$W" --home "$H" list --bogus
expect "--home without a directory" 2 err "--home" "$W" --home

# --- no wallet yet
expect "list without a wallet" 3 err "no wallet at $H (run 'ob-wallet init')" "$W" --home "$H" list
expect "add without a wallet" 3 err "no wallet at" \
	"$W" --home "$H" add --now $NOW "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"

# --- init
expect "init" 0 err "$H/wallet.db" "$W" --home "$H" init --kdf-cost test
ok "wallet.db has mode 600" mode_600 "$H/wallet.db"
ok "no temp file left" [ "$(ls "$H")" = wallet.db ]
expect "init again fails" 3 err "wallet already exists at $H/wallet.db" "$W" --home "$H" init --kdf-cost test
expect "init with a bad --kdf-cost" 2 err "--kdf-cost" "$W" --home "$T/h9" init --kdf-cost cheap
expect "init takes no arguments" 2 err "usage: ob-wallet init" "$W" --home "$H" init extra
expect "empty list" 0 err "empty" "$W" --home "$H" list
expect "empty list --json" 0 out "[]" "$W" --home "$H" list --json

# --- add
expect "add eddsa-jcs-2022 credential" 0 out "$ID03" \
	"$W" --home "$H" add --now $NOW "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"
ok "add printed just the id" [ "$(cat "$T/out")" = "$ID03" ]
expect "add again: duplicate" 1 err "already in the wallet: $ID03" \
	"$W" --home "$H" add --now $NOW "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"
ok "duplicate printed nothing" [ ! -s "$T/out" ]
expect "add VC-JWT" 0 out "$ID04" \
	"$W" --home "$H" add --now $NOW "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
ok "add printed just the id" [ "$(cat "$T/out")" = "$ID04" ]
expect "add without a file" 2 err "usage: ob-wallet add" "$W" --home "$H" add --now $NOW
expect "add two missing files" 3 err "cannot open" "$W" --home "$H" add "$T/a" "$T/b"
expect "stdin twice" 2 err "only once" "$W" --home "$H" add - -
expect "add with a bad --now" 2 err "--now" \
	"$W" --home "$H" add --now yesterday "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
expect "add with a bad --doc" 2 err "URL=FILE" \
	"$W" --home "$H" add --doc nothing "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
expect "add a missing file" 3 err "cannot open" "$W" --home "$H" add --now $NOW "$T/nope.json"
printf 'hello\n' >"$T/junk.txt"
expect "add what is no credential" 1 err "not a credential" \
	"$W" --home "$H" add --now $NOW "$T/junk.txt"
expect "--force does not store what is no credential" 1 err "not a credential" \
	"$W" --home "$H" add --force --now $NOW "$T/junk.txt"
expect "add a presentation" 1 err "presentation" \
	"$W" --home "$H" add --now $NOW "$V/signed/07-vp-eddsa-rdfc-2022.json"

# --- list, show, export
expect "list" 0 out "$ID03" "$W" --home "$H" list
ok "list shows the JWT" grep -q -F "$ID04" "$T/out"
ok "list shows the achievement" grep -q -F "Welding Fundamentals" "$T/out"
ok "list shows the issuer" grep -q -F "Riverbend Technical College" "$T/out"
ok "list: both verified" [ "$(grep -c verified "$T/out")" -eq 2 ]
ok "list: header and two rows" [ "$(wc -l <"$T/out")" -eq 3 ]
expect "list --json" 0 out "\"id\": \"$ID04\"" "$W" --home "$H" list --json
ok "list --json parses, two entries" json_ok "$T/out" 2
ok "list --json has the verdict" grep -q -F '"verdict": "valid"' "$T/out"
ok "list --json: the pretty layout, one member a line" python3 -c "
import json, sys
t = open(sys.argv[1]).read()
assert t == json.dumps(json.load(open(sys.argv[1])), indent=2, ensure_ascii=False) + '\n'" "$T/out"
# list streams one record at a time, yet a record that does not open
# (here the last) still leaves stdout empty, in both forms
cp -R "$H" "$T/damaged"
python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq, s = db.execute('SELECT seq, summary FROM records ORDER BY seq DESC LIMIT 1').fetchone()
s = bytearray(s); s[-3] ^= 1
db.execute('UPDATE records SET summary = ? WHERE seq = ?', (bytes(s), seq))
db.commit()" "$T/damaged/wallet.db"
expect "list of a damaged record" 1 err "modified or belongs elsewhere" "$W" --home "$T/damaged" list
ok "list of a damaged record: stdout empty" test ! -s "$T/out"
expect "list --json of a damaged record" 1 err "modified or belongs elsewhere" "$W" --home "$T/damaged" list --json
ok "list --json of a damaged record: stdout empty" test ! -s "$T/out"
expect "show" 0 out "Welding Fundamentals" "$W" --home "$H" show "$ID03"
ok "show gives the issuer" grep -q -F "Riverbend Technical College" "$T/out"
ok "show gives the learner" grep -q -F "did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP" "$T/out"
ok "show gives validFrom" grep -q -F "2025-06-01T00:00:00Z" "$T/out"
ok "show gives the status and check time" grep -q -F "verified, checked $NOW" "$T/out"
expect "show unknown" 1 err "no credential 'urn:x' in the wallet" "$W" --home "$H" show urn:x
expect "show without an id" 2 err "usage: ob-wallet show [--json] ID" "$W" --home "$H" show
expect "export JSON" 0 out "" "$W" --home "$H" export "$ID03"
ok "export JSON is byte-identical" cmp -s "$T/out" "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"
expect "export JWT" 0 out "" "$W" --home "$H" export "$ID04"
ok "export JWT is byte-identical" cmp -s "$T/out" "$V/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
expect "export unknown" 1 err "no credential 'urn:x' in the wallet" "$W" --home "$H" export urn:x

# --- invalid credentials
expect "add tampered JWT" 1 err "is invalid" \
	"$W" --home "$H" add --now $NOW "$V/invalid/neg-08-jwt-tampered-payload.jwt"
ok "the refusal gives the reason" grep -q -F "signature" "$T/err"
ok "the refusal names --force" grep -q -F -e "--force" "$T/err"
ok "nothing printed on stdout" [ ! -s "$T/out" ]
# neg-08 carries JWT 04's id: remove 04 first
expect "remove" 0 out "" "$W" --home "$H" remove "$ID04"
expect "list after remove" 0 out "$ID03" "$W" --home "$H" list
ok "removed credential is gone" sh -c "! grep -q -F '$ID04' '$T/out'"
expect "export after remove" 1 err "no credential" "$W" --home "$H" export "$ID04"
expect "add --force tampered JWT" 0 out "$ID04" \
	"$W" --home "$H" add --force --now $NOW "$V/invalid/neg-08-jwt-tampered-payload.jwt"
ok "--force warns" grep -q -F "unverified" "$T/err"
expect "list shows it" 0 out "$ID04" "$W" --home "$H" list
ok "list shows it unverified" sh -c "grep -F '$ID04' '$T/out' | grep -q unverified"
ok "the other stays verified" sh -c "grep -F '$ID03' '$T/out' | grep -v unverified | grep -q verified"
expect "show it" 0 out "Advanced Welding" "$W" --home "$H" show "$ID04"
ok "show says unverified (invalid)" grep -q -F "unverified (invalid)" "$T/out"
ok "show gives the reason" grep -q -F "Reason:" "$T/out"
expect "export forced JWT" 0 out "" "$W" --home "$H" export "$ID04"
ok "export forced JWT is byte-identical" cmp -s "$T/out" "$V/invalid/neg-08-jwt-tampered-payload.jwt"

# --- remove
expect "remove unknown" 1 err "no credential 'urn:x' in the wallet" "$W" --home "$H" remove urn:x
expect "remove again" 0 out "" "$W" --home "$H" remove "$ID03"
expect "remove twice" 1 err "no credential '$ID03' in the wallet" "$W" --home "$H" remove "$ID03"

# --- standard input, the environment, the file mode after use
expect "add from stdin" 0 out "$ID03" \
	sh -c "exec '$W' --home '$H' add --now $NOW - <'$V/signed/03-ob3-v2-eddsa-jcs-2022.json'"
expect "export from stdin add" 0 out "" "$W" --home "$H" export "$ID03"
ok "stdin add stored the bytes" cmp -s "$T/out" "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"
expect "OBKIT_WALLET_HOME" 0 out "$ID03" env OBKIT_WALLET_HOME="$H" "$W" list
expect "XDG_DATA_HOME" 0 err "$XDG_DATA_HOME/obkit/wallet/wallet.db" "$W" init --kdf-cost test
ok "XDG wallet has mode 600" mode_600 "$XDG_DATA_HOME/obkit/wallet/wallet.db"
ok "wallet.db still mode 600" mode_600 "$H/wallet.db"

echo "wallet.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
