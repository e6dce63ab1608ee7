#!/bin/sh
# make install / make uninstall (issue 15): installed into a temporary
# DESTDIR under a PREFIX of its own, the three tools and the man pages are
# there and run; make uninstall with the same DESTDIR and PREFIX removes
# every file install put there and nothing else (a file of someone else's
# beside them stays); a second uninstall is harmless. The tools under test
# are installed as built (make -o all: nothing is rebuilt).
#   sh tests/cli/uninstall.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "$BIN" && pwd)
D=$T/dest
P=/opt/obkit-test
MAKE=${MAKE:-make}

mk() { "$MAKE" --no-print-directory -C "$top" -o all BIN="$bin" O="${bin%/bin}" DESTDIR="$D" PREFIX="$P" "$@"; }

expect 0 "" mk install
nman=$(ls "$top"/man/*.1 | wc -l)
for t in ob-issuer ob-wallet ob-verifier; do
	check "installed $t, executable" test -x "$D$P/bin/$t"
	check "installed $t is the one built" cmp -s "$bin/$t" "$D$P/bin/$t"
	check "installed man page $t.1" test -f "$D$P/share/man/man1/$t.1"
done
expect 0 "^ob-verifier [0-9]" "$D$P/bin/ob-verifier" --version
n=$(find "$D" -type f | wc -l)
if [ "$n" -eq $((3 + nman)) ]; then ok; else bad "install put $n files, want $((3 + nman))"; fi
check "man pages mode 0644" sh -c "test -z \"\$(find '$D$P/share/man/man1' -type f ! -perm 0644)\""
check "tools mode 0755" sh -c "test -z \"\$(find '$D$P/bin' -type f ! -perm 0755)\""

# someone else's files beside ours
echo keep >"$D$P/bin/ob-other"
echo keep >"$D$P/share/man/man1/other.1"
expect 0 "" mk uninstall
left=$(find "$D" -type f -o -type l | sort)
want=$(printf '%s\n%s' "$D$P/bin/ob-other" "$D$P/share/man/man1/other.1" | sort)
if [ "$left" = "$want" ]; then ok; else bad "after uninstall: $(echo "$left" | tr '\n' ' ')"; fi
rm -f "$D$P/bin/ob-other" "$D$P/share/man/man1/other.1"
check "nothing of ours is left (only the empty directories install made)" sh -c "test -z \"\$(find '$D' ! -type d)\""
expect 0 "" mk uninstall

# DESTDIR and PREFIX are honoured: nothing was written outside DESTDIR
check "nothing under PREFIX itself" test ! -e "$P"

done_tests
