#!/bin/sh
# ob-wallet, issue 6: encryption at rest, passphrases, tampering, holder
# identity, presentations in every suite (issuer -> wallet -> verifier),
# import from anywhere, duplicates, the vectors' verdicts, backup and
# restore, sharing, refresh.
#   sh tests/cli/wallet_crypto.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
W="$BIN/ob-wallet"
IS="$BIN/ob-issuer"
VF="$BIN/ob-verifier"
unset OBKIT_WALLET_HOME OBKIT_WALLET_PASSPHRASE_FILE
HOME=$T/user
XDG_DATA_HOME=$T/xdg
export HOME XDG_DATA_HOME

# lib.sh's expect, plus: a sanitizer report fails whatever the exit code
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	cat "$T/err" >>"$T/out"
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		bad "sanitizer report: $*"
		sed 's/^/    /' "$T/err" | head -n 30
	elif [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/out"; then
		bad "output lacks /$pat/: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	else
		ok
	fi
}

printf 'correct horse battery\n' >"$T/pass"
printf 'wrong horse battery\n' >"$T/wrong"
printf 'new staple passphrase\n' >"$T/new"
: >"$T/empty"
H=$T/w
w() { "$W" --home "$H" --passphrase-file "$T/pass" "$@"; }
ids() { python3 -c 'import json,sys; [print(x["id"]) for x in json.load(open(sys.argv[1]))]' "$1"; }

# --- init, holder identity
expect 2 "--kdf-cost" "$W" --home "$H" --passphrase-file "$T/pass" init --kdf-cost cheap
expect 2 "empty" "$W" --home "$H" --passphrase-file "$T/empty" init --kdf-cost test
check "an empty passphrase creates nothing" test ! -e "$H/wallet.db"
expect 3 "cannot read the passphrase file: cannot open" "$W" --home "$H" --passphrase-file "$T/nope" init --kdf-cost test
expect 2 "option '--passphrase-file' needs an argument" "$W" --home "$H" --passphrase-file
expect 0 "created wallet" w init --kdf-cost test
check "wallet is 0600" test "$(stat -c %a "$H/wallet.db")" = 600
check "home is 0700" test "$(stat -c %a "$H")" = 700
check "only wallet.db in the home" test "$(ls -A "$H")" = wallet.db
expect 0 "^did:key:z6Mk" w whoami
HOLDER=$(head -n 1 "$T/out")
expect 0 "^$HOLDER\$" w whoami
check "no private key file in the home" sh -c "! grep -rl secretKey '$H'"
expect 2 "takes no arguments" w whoami extra

# --- an issuer issues three credentials to the learner, whose wallet DID
# they gave the registrar (a presentation proves its holder only when the
# holder is each credential's subject)
is() { "$IS" --home "$T/issuer" "$@"; }
expect 0 "^did:key:" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id weld-101 --name "Welding Fundamentals" --description "Safe MIG welding" --criteria "Pass the practical exam"
LEARNER=$HOLDER
expect 0 "" is issue --achievement weld-101 --recipient $LEARNER --name "Ana Lima" --valid-from 2025-01-01T00:00:00Z --valid-until 2030-01-01T00:00:00Z -o "$T/c1.json"
expect 0 "" is issue --achievement weld-101 --recipient $LEARNER --name "Ana Lima" --valid-from 2025-01-01T00:00:00Z --suite vc-jwt -o "$T/c2.jwt"
expect 0 "" is issue --achievement weld-101 --recipient $LEARNER --name "Ana Lima" --valid-from 2025-01-01T00:00:00Z --suite eddsa-jcs-2022 -o "$T/c3.json"
check "the credential names the learner" grep -q "Ana Lima" "$T/c1.json"
# the status lists the credentials point to, as local files: no network
expect 0 "=" is publish "$T/site"
DOCS=$(sed 's/^/--doc /' "$T/out" | grep -- '--doc https' | tr '\n' ' ')

# the default cost is the real one, and the test cost is recorded as such
check "init --kdf-cost test records N=2^10" test "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT kdf, log2n, r, p, length(salt) FROM vault').fetchone())" "$H/wallet.db")" = "('scrypt', 10, 8, 1, 16)"
expect 0 "created wallet" "$W" --home "$T/wd" --passphrase-file "$T/pass" init
check "plain init uses scrypt N=2^16 r=8 p=1" test "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT kdf, log2n, r, p FROM vault').fetchone())" "$T/wd/wallet.db")" = "('scrypt', 16, 8, 1)"
check "no test-cost warning on a real wallet" sh -c "! grep -q 'test key derivation' '$T/out'"
# an unencrypted wallet of the earlier version is refused, not opened
mkdir -p "$T/v1"
python3 - "$T/v1/wallet.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE credentials(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, raw BLOB NOT NULL, issuer_id TEXT, issuer_name TEXT, achievement TEXT, learner TEXT, valid_from TEXT, valid_until TEXT, verdict TEXT NOT NULL, reason TEXT, checked_at TEXT NOT NULL, added_at TEXT NOT NULL, report TEXT NOT NULL)")
db.execute("PRAGMA user_version = 1"); db.commit()
PY
expect 3 "not encrypted \(made by an older ob-wallet\)" "$W" --home "$T/v1" --passphrase-file "$T/pass" list

# --- add (several files in one call: one unlock, one transaction each)
expect 0 "" w add --offline $DOCS "$T/c1.json" "$T/c2.jwt" "$T/c3.json"
check "three ids printed" test "$(wc -l <"$T/out")" -eq 3
ID1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/c1.json")
ID3=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/c3.json")
ID2=$(sed -n 2p "$T/out")
expect 1 "already in the wallet: $ID1" w add --offline $DOCS "$T/c1.json"
expect 0 "Welding Fundamentals" w list
check "three rows" test "$(grep -c verified "$T/out")" -eq 3
expect 0 "" w export "$ID2"
check "the JWT comes back byte for byte" cmp -s "$T/out" "$T/c2.jwt"

# --- no plaintext on disk
noplain() {
	for f in "$H"/wallet.db "$H"/wallet.db-wal "$H"/wallet.db-shm; do
		[ -f "$f" ] || continue
		for s in "Welding Fundamentals" "Ana Lima" "Riverbend" "$ID1" "$LEARNER" "$HOLDER"; do
			if grep -a -q -F "$s" "$f"; then
				echo "    '$s' in $f"
				return 1
			fi
		done
	done
	return 0
}
check "database, WAL and SHM hold no credential plaintext" noplain
# the WAL while a writer is in it: hold a connection open with python
python3 - "$H/wallet.db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.execute("SELECT count(*) FROM records").fetchall(); time.sleep(3)
PY
sleep 1
expect 0 "" w add --now $NOW "$V/signed/03-ob3-v2-eddsa-jcs-2022.json"
check "with the WAL in use, still no plaintext" noplain
wait

# --- wrong passphrase: clear error, nothing changed
cp "$H/wallet.db" "$T/before.db"
expect 1 "wrong passphrase" "$W" --home "$H" --passphrase-file "$T/wrong" list
expect 1 "wrong passphrase" "$W" --home "$H" --passphrase-file "$T/wrong" add "$V/signed/01-ob3-v2-eddsa-rdfc-2022.json"
check "wrong passphrase: the one-line error only" test "$(wc -l <"$T/out")" -eq 1
check "wrong passphrase changed nothing" cmp -s "$H/wallet.db" "$T/before.db"
expect 0 "$ID1" env OBKIT_WALLET_PASSPHRASE_FILE="$T/pass" "$W" --home "$H" list
expect 2 "no terminal" setsid -w env -u OBKIT_WALLET_PASSPHRASE_FILE "$W" --home "$H" list </dev/null

# the terminal: the passphrase is read from /dev/tty with echo off (a pty
# here), asked twice on init
cat >"$T/ptyrun.py" <<'PY'
import os, pty, sys, time
args, inputs = sys.argv[1:-1], sys.argv[-1].split(",")
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ); env.pop("OBKIT_WALLET_PASSPHRASE_FILE", None)
    os.execve(args[0], args, env)
out = b""
for s in inputs:
    time.sleep(0.7)
    os.write(fd, s.encode() + b"\n")
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
expect 0 "Repeat it" python3 "$T/ptyrun.py" "$W" --home "$T/tty" init --kdf-cost test "tty secret 1,tty secret 1"
check "the passphrase is not echoed" sh -c "! grep -q 'tty secret' '$T/out'"
expect 0 "did:key:z6Mk" python3 "$T/ptyrun.py" "$W" --home "$T/tty" whoami "tty secret 1"
expect 1 "wrong passphrase" python3 "$T/ptyrun.py" "$W" --home "$T/tty" whoami "tty secret 2"
expect 2 "do not match" python3 "$T/ptyrun.py" "$W" --home "$T/tty2" init --kdf-cost test "one,two"
check "no wallet after a mismatch" test ! -e "$T/tty2/wallet.db"

# --- tampering with the database is detected, never accepted
tamper() { # tamper NAME PYTHON: a copy of the wallet in $T/NAME, changed by PYTHON (db = connection)
	rm -rf "$T/$1"
	cp -r "$H" "$T/$1"
	python3 - "$T/$1/wallet.db" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
exec(sys.argv[2])
db.commit()
db.close()
PY
}
tw() { d=$1; shift; "$W" --home "$T/$d" --passphrase-file "$T/pass" "$@"; }
tamper t1 'r=db.execute("SELECT rid, raw FROM records ORDER BY seq LIMIT 1").fetchone(); b=bytearray(r[1]); b[40]^=1; db.execute("UPDATE records SET raw=? WHERE rid=?", (bytes(b), r[0]))'
expect 1 "cannot decrypt the wallet's raw record: it was modified" tw t1 export "$ID1"
expect 1 "cannot decrypt" tw t1 backup "$T/t1.bak"
check "no backup of a damaged wallet" test ! -e "$T/t1.bak"
tamper t2 'a,b=db.execute("SELECT rid, summary FROM records ORDER BY seq LIMIT 2").fetchall(); db.execute("UPDATE records SET summary=? WHERE rid=?", (b[1], a[0])); db.execute("UPDATE records SET summary=? WHERE rid=?", (a[1], b[0]))'
expect 1 "modified or belongs elsewhere" tw t2 list
tamper t3 'a,b=db.execute("SELECT seq, idx FROM records ORDER BY seq LIMIT 2").fetchall(); db.execute("UPDATE records SET idx=zeroblob(32) WHERE seq=?", (a[0],)); db.execute("UPDATE records SET idx=? WHERE seq=?", (a[1], b[0])); db.execute("UPDATE records SET idx=? WHERE seq=?", (b[1], a[0]))'
expect 1 "index was modified" tw t3 export "$ID1"
expect 1 "index was modified" tw t3 remove "$ID1"
tamper t4 'h=bytearray(db.execute("SELECT holder FROM vault").fetchone()[0]); h[20]^=0x80; db.execute("UPDATE vault SET holder=?", (bytes(h),))'
expect 1 "cannot decrypt the wallet's holder record" tw t4 whoami
tamper t5 'db.execute("UPDATE vault SET log2n=30")'
expect 1 "unsupported scrypt parameters" tw t5 list
tamper t6 'db.execute("UPDATE vault SET log2n=11")'
expect 1 "wrong passphrase" tw t6 list
# a record row deleted, the census removed, a row from another wallet added
tamper t8 'db.execute("DELETE FROM records WHERE seq = (SELECT MIN(seq) FROM records)")'
expect 1 "the wallet's records were changed outside ob-wallet: it should hold 4 credentials, it holds 3" tw t8 list
expect 1 "changed outside ob-wallet" tw t8 add --offline $DOCS "$T/c1.json"
expect 1 "changed outside ob-wallet" tw t8 backup "$T/t8.bak"
check "no backup of a wallet missing a record" test ! -e "$T/t8.bak"
tamper t9 'db.execute("UPDATE vault SET census = NULL")'
expect 1 "census of its records is missing" tw t9 list
tamper t10 'r=db.execute("SELECT rid, idx, dedup, summary, raw, report FROM records ORDER BY seq LIMIT 1").fetchone(); db.execute("DELETE FROM records WHERE rid=?", (r[0],)); db.execute("INSERT INTO records (rid, idx, dedup, summary, raw, report) VALUES (?,?,?,?,?,?)", ("0"*32,) + tuple(r[1:]))'
expect 1 "changed outside ob-wallet: a record was replaced" tw t10 list
# flip one byte of a sealed record in the database file itself
rm -rf "$T/t7"
cp -r "$H" "$T/t7"
python3 - "$T/t7/wallet.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
blob = db.execute("SELECT report FROM records ORDER BY seq LIMIT 1").fetchone()[0]; db.close()
data = bytearray(open(sys.argv[1], "rb").read())
i = data.find(blob[:64]); assert i > 0
data[i + 30] ^= 0x01
open(sys.argv[1], "wb").write(data)
PY
expect 1 "cannot decrypt the wallet's report record" tw t7 export --json "$ID1"

# --- presentations: every suite, the right challenge and domain only
for s in eddsa-rdfc-2022 eddsa-jcs-2022 vc-jwt; do
	expect 0 "" w present "$ID1" "$ID2" "$ID3" --challenge c-7f3e --domain hiring.example.com --suite $s -o "$T/vp-$s"
	expect 0 "VALID" "$VF" verify $DOCS --challenge c-7f3e --domain hiring.example.com "$T/vp-$s"
	expect 0 "holder" "$VF" verify $DOCS --challenge c-7f3e --domain hiring.example.com "$T/vp-$s"
	check "$s: the holder is the wallet's DID" grep -q -F "$HOLDER" "$T/out"
	expect 1 "challenge" "$VF" verify $DOCS --challenge another --domain hiring.example.com "$T/vp-$s"
	expect 1 "domain|aud" "$VF" verify $DOCS --challenge c-7f3e --domain evil.example.com "$T/vp-$s"
done
check "a VC-JWT rides as an EnvelopedVerifiableCredential" grep -q "data:application/vc+jwt," "$T/vp-eddsa-rdfc-2022"
check "a vc-jwt presentation is a compact JWS" sh -c "grep -qE '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\$' '$T/vp-vc-jwt'"
expect 0 "proofPurpose" w present "$ID3" --challenge c1
check "proof purpose authentication" grep -q '"proofPurpose": "authentication"' "$T/out"
expect 2 "--challenge is required" w present "$ID1"
expect 2 "unknown suite" w present "$ID1" --challenge c --suite rot13
expect 1 "no credential 'urn:nope'" w present urn:nope --challenge c
# a presentation signed by someone else's key for this holder fails
python3 - "$T/vp-eddsa-jcs-2022" "$T/vp-forged" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["holder"] = "did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP"
json.dump(d, open(sys.argv[2], "w"))
PY
expect 1 "" "$VF" verify $DOCS --challenge c-7f3e --domain hiring.example.com "$T/vp-forged"

# --- passwd: re-wraps the data key only
cp "$H/wallet.db" "$T/before.db"
expect 1 "wrong passphrase" "$W" --home "$H" --passphrase-file "$T/wrong" passwd --new-passphrase-file "$T/new"
check "failed passwd changed nothing" cmp -s "$H/wallet.db" "$T/before.db"
expect 0 "passphrase changed" w passwd --new-passphrase-file "$T/new"
expect 1 "wrong passphrase" w list
expect 0 "$ID1" "$W" --home "$H" --passphrase-file "$T/new" list
expect 0 "" "$W" --home "$H" --passphrase-file "$T/new" export "$ID2"
check "records still decrypt after passwd" cmp -s "$T/out" "$T/c2.jwt"
expect 0 "passphrase changed" "$W" --home "$H" --passphrase-file "$T/new" passwd --new-passphrase-file "$T/pass"

# --- backup and restore give the identical wallet
expect 0 "wrote 4 credentials" w backup "$T/w.bak"
check "backup is 0600" test "$(stat -c %a "$T/w.bak")" = 600
check "backup holds no plaintext" sh -c "! grep -a -q -e 'Welding' -e 'Ana Lima' -e '$ID1' '$T/w.bak'"
expect 3 "exists" w backup "$T/w.bak"
H2=$T/w2
w2() { "$W" --home "$H2" --passphrase-file "$T/pass" "$@"; }
expect 1 "wrong passphrase" "$W" --home "$H2" --passphrase-file "$T/wrong" restore "$T/w.bak"
check "failed restore leaves no wallet" test ! -e "$H2/wallet.db"
expect 0 "restored 4 credentials" w2 restore "$T/w.bak"
expect 0 "" w2 whoami
check "same holder DID after restore" test "$(cat "$T/out")" = "$HOLDER"
w list --json >"$T/l1" 2>/dev/null
w2 list --json >"$T/l2" 2>/dev/null
check "same list after restore" cmp -s "$T/l1" "$T/l2"
same=0
for id in $(ids "$T/l1"); do
	w export --json "$id" >"$T/e1" 2>/dev/null
	w2 export --json "$id" >"$T/e2" 2>/dev/null
	[ -s "$T/e1" ] && cmp -s "$T/e1" "$T/e2" && same=$((same + 1))
done
check "every record identical after restore (export --json)" test "$same" -eq 4
expect 0 "VALID" sh -c "'$W' --home '$H2' --passphrase-file '$T/pass' present '$ID1' --challenge x -o '$T/vp2' && '$VF' verify $DOCS --challenge x '$T/vp2'"
expect 3 "restore needs an empty home" w2 restore "$T/w.bak"
python3 - "$T/w.bak" "$T" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def put(name, b): open(sys.argv[2] + "/" + name, "wb").write(bytes(b))
b = bytearray(d); b[len(b) // 2] ^= 1; put("mid.bak", b)       # payload
b = bytearray(d); b[20] ^= 1; put("salt.bak", b)               # header: salt
b = bytearray(d); b[10] = 12; put("cost.bak", b)               # header: log2 N
b = bytearray(d); b[-1] ^= 1; put("tag.bak", b)                # AEAD tag
put("short.bak", d[:len(d) - 100])
put("magic.bak", b"NOTWALLT" + d[8:])
PY
H3=$T/w3
for f in mid tag short; do
	expect 1 "cannot decrypt the backup: it was modified" "$W" --home "$H3" --passphrase-file "$T/pass" restore "$T/$f.bak"
done
expect 1 "wrong passphrase" "$W" --home "$H3" --passphrase-file "$T/pass" restore "$T/salt.bak"
expect 1 "wrong passphrase" "$W" --home "$H3" --passphrase-file "$T/pass" restore "$T/cost.bak"
expect 1 "not an ob-wallet backup" "$W" --home "$H3" --passphrase-file "$T/pass" restore "$T/magic.bak"
check "no tampered backup was restored" test ! -e "$H3/wallet.db"

# --- import from anywhere
H4=$T/w4
w4() { "$W" --home "$H4" --passphrase-file "$T/pass" "$@"; }
expect 0 "" w4 init --kdf-cost test
expect 0 "wrote" w share "$ID3" --qr --png "$T/qr.png"
expect 0 "^$ID3\$" w4 add --offline $DOCS "$T/qr.png"
expect 1 "already in the wallet: $ID3" w4 add --offline $DOCS "$T/qr.png"
expect 0 "baked" w export "$ID1" --baked "$T/qr.png" -o "$T/baked.png"
expect 0 "VALID" "$VF" verify $DOCS "$T/baked.png"
expect 0 "^$ID1\$" w4 add --offline $DOCS "$T/baked.png"
expect 0 "" w4 export "$ID1"
check "the credential from a baked badge, byte for byte" cmp -s "$T/out" "$T/c1.json"
python3 - "$T/c2.jwt" "$T/vc1.txt" <<'PY'
import sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45(b):
    out = []
    for i in range(0, len(b) - 1, 2):
        n = b[i] * 256 + b[i + 1]; c, n = n % 45, n // 45; d, e = n % 45, n // 45
        out += [A[c], A[d], A[e]]
    if len(b) % 2:
        out += [A[b[-1] % 45], A[b[-1] // 45]]
    return "".join(out)
open(sys.argv[2], "w").write("VC1-" + b45(zlib.compress(open(sys.argv[1], "rb").read().strip())) + "\n")
PY
expect 0 "^$ID2\$" w4 add --offline $DOCS "$T/vc1.txt"
expect 0 "^urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a03\$" sh -c "'$W' --home '$H4' --passphrase-file '$T/pass' add --now $NOW - <'$V/signed/03-ob3-v2-eddsa-jcs-2022.json'"
expect 0 "^urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01\$" w4 add --now $NOW --offline --doc "https://badges.example.org/c/01=$V/signed/01-ob3-v2-eddsa-rdfc-2022.json" https://badges.example.org/c/01
expect 3 "" w4 add --now $NOW --offline https://badges.example.org/c/unknown
expect 2 "" w4 add --cacert "$T/no-such-ca.pem" "$T/c1.json"
# a credential without an id: duplicates by content
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('id',None); json.dump(d,open(sys.argv[2],'w'),indent=1)" "$V/unsigned/ob3-v2.json" "$T/noid.json"
expect 0 "" "$IS" sign --key "$V/keys/issuer-ed25519.json" --suite eddsa-jcs-2022 -o "$T/noid-signed.json" "$T/noid.json"
# (OB 3.0 wants an id: an authentic credential without one is kept, with
# the shape flaw as a warning, never refused as if it were forged)
expect 0 "warning: .*does not follow the Open Badges rules: .*missing required field id" w4 add --now $NOW "$T/noid-signed.json"
NOID=$(head -n 1 "$T/out")
check "an id-less credential gets a urn:uuid" sh -c "echo '$NOID' | grep -q '^urn:uuid:'"
expect 0 "^Warning: +does not conform to Open Badges 3.0: missing required field id" w4 show "$NOID"
expect 1 "already in the wallet: $NOID" w4 add --force --now $NOW "$T/noid-signed.json"
expect 1 "already in the wallet: $NOID" sh -c "'$W' --home '$H4' --passphrase-file '$T/pass' add --force --now $NOW - <'$T/noid-signed.json'"

# --- the vectors' verdicts on import
H5=$T/w5
expect 0 "" "$W" --home "$H5" --passphrase-file "$T/pass" init --kdf-cost test
python3 - "$V" >"$T/vectors.txt" <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
for e in m["entries"]:
    a = e["verify_args"]
    if e["kind"] == "presentation" or "jwk" in a or "challenge" in a:
        continue
    docs = " ".join("--doc %s=%s/%s" % (u, sys.argv[1], f) for u, f in a.get("docs", {}).items())
    want = {True: "1", False: "0", "undecided": "3"}[e["expected"]]
    print("%s %s %s" % (want, e["file"], docs))
PY
nv=0
while read -r want file docs; do
	nv=$((nv + 1))
	if [ "$want" = 1 ]; then
		expect 0 "" "$W" --home "$H5" --passphrase-file "$T/pass" add --now $NOW $docs "$V/$file"
	elif [ "$want" = 3 ]; then
		expect 3 "could not be verified" "$W" --home "$H5" --passphrase-file "$T/pass" add --now $NOW $docs "$V/$file"
	else
		expect 1 "is invalid" "$W" --home "$H5" --passphrase-file "$T/pass" add --now $NOW $docs "$V/$file"
	fi
done <"$T/vectors.txt"
check "every credential vector was tried" test "$nv" -ge 17
expect 1 "presentation" "$W" --home "$H5" --passphrase-file "$T/pass" add --now $NOW "$V/signed/07-vp-eddsa-rdfc-2022.json"
expect 1 "already in the wallet: urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a01" "$W" --home "$H5" --passphrase-file "$T/pass" add --force --now $NOW "$V/invalid/neg-01-tampered-name.json"
H6=$T/w6
expect 0 "" "$W" --home "$H6" --passphrase-file "$T/pass" init --kdf-cost test
expect 0 "unverified" "$W" --home "$H6" --passphrase-file "$T/pass" add --force --now $NOW "$V/invalid/neg-01-tampered-name.json"
expect 0 "unverified \(invalid\)" "$W" --home "$H6" --passphrase-file "$T/pass" list

# --- sharing
expect 0 "^https://www.linkedin.com/profile/add\?startTask=CERTIFICATION_NAME&name=Welding%20Fundamentals&organizationName=Riverbend%20College&issueYear=[0-9]{4}&issueMonth=[0-9]+&expirationYear=2030&expirationMonth=1&certId=urn%3Auuid%3A" w share "$ID1" --linkedin
expect 0 "certUrl=https%3A%2F%2Fexample.org%2Fb%3Fx%3D1%26y%3D2" w share "$ID1" --linkedin --url "https://example.org/b?x=1&y=2"
expect 0 "█" w share "$ID1" --qr --url https://example.org/b/1
expect 2 "choose --qr or --linkedin" w share "$ID1"
expect 0 '"credential"' w export "$ID1" --json
check "export --json parses, with the report" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['id']=='$ID1' and d['report']['verdict']=='valid' and d['credential'].startswith('{')" "$T/out"
expect 2 "needs -o" w export "$ID1" --baked "$T/qr.png"

# --- refresh: what changed, stored in one transaction
expect 0 "$ID1: valid -> invalid \(expired" w refresh --offline $DOCS --now 2031-01-01T00:00:00Z
check "only the expiring credential changed" test "$(grep -c -- " -> " "$T/out")" -eq 1
expect 0 "unverified \(invalid\)" w show "$ID1"
LATER=2027-06-01T00:00:00Z # the status list is valid from today
expect 0 "$ID1: invalid -> valid" w refresh --offline $DOCS --now $LATER
expect 0 "verified, checked $LATER" w show "$ID1"
expect 0 "" is revoke "$ID3" --reason "issued in error"
expect 0 "" is publish "$T/site"
expect 0 "$ID3: valid -> invalid \(.*revoked" w refresh --offline $DOCS --now $LATER
check "only the revoked credential changed" test "$(grep -c -- " -> " "$T/out")" -eq 1
expect 0 "checked 4 credentials, 0 changed" w refresh --offline $DOCS --now $LATER
expect 0 "$ID1: valid -> undecided \(.*not available offline" w refresh --offline --now $LATER

done_tests
