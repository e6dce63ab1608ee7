#!/bin/sh
# ob-wallet init / passwd: a weak new passphrase gets a warning saying
# why; on the terminal the command asks "Use it anyway? [y/N]", from a
# file it is refused unless --weak-passphrase-ok. Nothing is written for
# a refused one.
. "$(dirname "$0")/lib.sh"
W="$BIN/ob-wallet"
unset OBKIT_WALLET_PASSPHRASE_FILE
pw() { printf '%s\n' "$2" >"$T/$1"; }

# init NAME PASSFILE [OPTIONS]: a wallet in $T/NAME
init() { n=$1 f=$2; shift 2; "$W" --home "$T/$n" --passphrase-file "$T/$f" init --kdf-cost test "$@"; }

pw abc abc
expect 2 "warning: weak passphrase: it is only 3 characters long" init w1 abc
check "weak: the refusal names the way out" grep -q "weak passphrase refused (choose a stronger one, or keep it with --weak-passphrase-ok)" "$T/out"
check "weak: warning and error, two lines" test "$(wc -l <"$T/out")" -eq 2
check "weak: the warning says why it matters" grep -q "try guesses at it offline" "$T/out"
check "weak: no wallet" test ! -e "$T/w1/wallet.db"
expect 0 "warning: weak passphrase: it is only 3 characters long" init w1 abc --weak-passphrase-ok
check "--weak-passphrase-ok: the wallet is made" test -f "$T/w1/wallet.db"
expect 0 "" "$W" --home "$T/w1" --passphrase-file "$T/abc" list

pw common 'Password123!'
expect 2 "one of the most common passwords, with digits or symbols added" init w2 common
pw common2 qwertyuiop
expect 2 "weak passphrase: it is one of the most common passwords\. " init w2 common2
pw runs 'aaaaaaaaaaaabcdefghijk'
expect 2 "mostly repeated or consecutive characters" init w2 runs
pw short zebra2026
expect 2 "9 characters of 2 kinds .* are easy to guess \(about 47 bits; 60 wanted\)" init w2 short
pw utf 'ñandú'
expect 2 "only 5 characters long" init w2 utf
check "no wallet after any refusal" test ! -e "$T/w2/wallet.db"

# strong ones pass without a word
for p in 'correct horse battery staple' 'test passphrase' 'Tr0ub4dor&3x' 'tty secret 1'; do
	pw good "$p"
	rm -rf "$T/w3"
	expect 0 "created wallet" init w3 good
	check "'$p' passes without a warning" sh -c "! grep -q weak '$T/out'"
done

# passwd: the same check on the new passphrase
pw new abc
expect 2 "weak passphrase: it is only 3 characters long" "$W" --home "$T/w3" --passphrase-file "$T/good" passwd --new-passphrase-file "$T/new"
expect 1 "wrong passphrase" "$W" --home "$T/w3" --passphrase-file "$T/new" list
expect 0 "" "$W" --home "$T/w3" --passphrase-file "$T/good" list
expect 0 "passphrase changed" "$W" --home "$T/w3" --passphrase-file "$T/good" passwd --new-passphrase-file "$T/new" --weak-passphrase-ok
expect 0 "" "$W" --home "$T/w3" --passphrase-file "$T/new" list
pw new2 'four words make a passphrase'
expect 0 "passphrase changed" "$W" --home "$T/w3" --passphrase-file "$T/new" passwd --new-passphrase-file "$T/new2"
check "a strong new passphrase: no warning" sh -c "! grep -q weak '$T/out'"
expect 2 "unknown option '--frob'" "$W" --home "$T/w3" --passphrase-file "$T/new2" passwd --frob

# the terminal (a pty): the question, answered
cat >"$T/ptyrun.py" <<'PY'
import os, pty, sys, time
args, inputs = sys.argv[1:-1], sys.argv[-1].split(",")
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
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
expect 2 "Use it anyway\? \[y/N\]" python3 "$T/ptyrun.py" "$W" --home "$T/t1" init --kdf-cost test "abc,abc,n"
check "tty: the warning came first" grep -q "weak passphrase: it is only 3 characters long" "$T/out"
check "tty: 'n' refuses" grep -q "weak passphrase refused: nothing was changed" "$T/out"
check "tty: no wallet after 'n'" test ! -e "$T/t1/wallet.db"
expect 0 "created wallet" python3 "$T/ptyrun.py" "$W" --home "$T/t1" init --kdf-cost test "abc,abc,y"
check "tty: 'y' keeps it" test -f "$T/t1/wallet.db"
expect 0 "did:key:z6Mk" python3 "$T/ptyrun.py" "$W" --home "$T/t1" whoami "abc"
expect 0 "created wallet" python3 "$T/ptyrun.py" "$W" --home "$T/t2" init --kdf-cost test "a strong tty passphrase,a strong tty passphrase"
check "tty: a strong one is not questioned" sh -c "! grep -q 'anyway' '$T/out'"

done_tests
