#!/bin/sh
# Hostile input (issue 12): files built to exhaust the stack, memory or
# time are refused with a one-line reason and exit 1 (invalid) or 3
# (undecided), quickly, never by a signal.
#   sh tests/cli/hostile.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
W="$BIN/ob-wallet"
unset OBKIT_WALLET_HOME OBKIT_WALLET_PASSPHRASE_FILE
HOME=$T/user
XDG_DATA_HOME=$T/xdg
export HOME XDG_DATA_HOME

ms() { echo $(($(date +%s%N) / 1000000)); }

# refused CODES PATTERN MAX_MS CMD... : CMD exits with one of CODES (e.g.
# "1 3"), prints one line on stderr matching PATTERN, takes under MAX_MS,
# with no sanitizer report
refused() {
	codes=$1 pat=$2 max=$3
	shift 3
	t0=$(ms)
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	took=$(($(ms) - t0))
	case " $codes " in *" $got "*) code_ok=1 ;; *) code_ok=0 ;; esac
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		bad "sanitizer report: $*"
		sed 's/^/    /' "$T/err" | head -n 30
	elif [ "$code_ok" -ne 1 ]; then
		bad "exit $got, want one of $codes: $*"
		sed 's/^/    /' "$T/err" | head -n 15
	elif ! grep -qE -- "$pat" "$T/err"; then
		bad "stderr lacks /$pat/: $*"
		sed 's/^/    /' "$T/err" | head -n 15
	elif [ "$(wc -l <"$T/err")" -ne 1 ]; then
		bad "want one line on stderr: $*"
		sed 's/^/    /' "$T/err" | head -n 15
	elif [ "$took" -gt "$max" ]; then
		bad "took $took ms (at most $max): $*"
	else
		ok
	fi
}

# --- a backup header must not choose its own scrypt cost
printf 'correct horse battery\n' >"$T/pass"
w() { "$W" --home "$T/w" --passphrase-file "$T/pass" "$@"; }
expect 0 "" w init --kdf-cost test
expect 0 "wrote 0 credentials" w backup "$T/w.bak"
# log2 N at byte 10, then r and p (u32 big-endian)
python3 - "$T/w.bak" "$T" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def forge(name, log2n, r, p):
    b = bytearray(d)
    b[10] = log2n
    b[11:15] = r.to_bytes(4, "big")
    b[15:19] = p.to_bytes(4, "big")
    open(sys.argv[2] + "/" + name, "wb").write(bytes(b))
forge("n20.bak", 20, 8, 1)        # 1 GiB, seconds of scrypt
forge("max.bak", 22, 32, 16)      # what the old bounds allowed: 16 GiB
forge("r.bak", 16, 0xffffffff, 1)
forge("p.bak", 16, 8, 0xffffffff)
PY
for f in n20 max r p; do
	refused 1 "unsupported scrypt parameters" 3000 \
		"$W" --home "$T/r-$f" --passphrase-file "$T/pass" restore "$T/$f.bak"
	check "no wallet from $f.bak" test ! -e "$T/r-$f/wallet.db"
done
expect 0 "restored 0 credentials" "$W" --home "$T/r-ok" --passphrase-file "$T/pass" restore "$T/w.bak"

done_tests
