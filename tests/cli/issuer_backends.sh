#!/bin/sh
# The issuer's tests on PostgreSQL (issue 17: "the issuer test suite runs
# against both backends"). tests/run.sh runs each of them as it is, on
# SQLite; this runs them again with every issuer home on its own database
# of a private PostgreSQL server (tests/tools/pgserver.sh; a server that
# cannot start is a failure, never a skip), through tests/tools/pg-issuer.sh.
# Checks that look inside SQLite's file are skipped by those scripts when
# OBKIT_TEST_ISSUER_PG is set, and not counted; the closing line sums the
# rest.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPTS=${OBKIT_PG_SCRIPTS:-"issuer issuer_status issuer_rotate issuer_roster records roster_sheet delivery roster_offers vcapi_exchange"}
chmod 711 "$T"
PGD="$T/pg"
trap 'sh "$top/tests/tools/pgserver.sh" stop "$PGD" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! sh "$top/tests/tools/pgserver.sh" start "$PGD" >"$T/url" 2>"$T/pgerr"; then
	bad "the PostgreSQL server did not start: $(cat "$T/pgerr")"
	done_tests
	exit 1
fi
mkdir "$T/bin"
for t in ob-verifier ob-wallet; do ln -s "$(cd "$BIN" && pwd)/$t" "$T/bin/$t"; done
# the test tools beside the binaries, as in a build directory
[ -d "$BIN/../tests" ] && ln -s "$(cd "$BIN/../tests" && pwd)" "$T/tests"
printf '#!/bin/sh\nexec sh "%s" "$@"\n' "$top/tests/tools/pg-issuer.sh" >"$T/bin/ob-issuer"
chmod +x "$T/bin/ob-issuer"
export OBKIT_PG_REAL_ISSUER="$(cd "$BIN" && pwd)/ob-issuer" OBKIT_PG_HOST="$PGD" OBKIT_PG_PORT="$(cat "$PGD/port")"
export OBKIT_TEST_ISSUER_PG=1
for s in $SCRIPTS; do
	sh "$top/tests/cli/$s.sh" "$T/bin" "$SHARED" >"$T/$s.log" 2>&1
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$T/$s.log" | tail -n 1)
	if [ -z "$line" ]; then
		bad "$s.sh on PostgreSQL: no result line"
		tail -n 20 "$T/$s.log"
		continue
	fi
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
	echo "on PostgreSQL: $line"
	pass=$((pass + p))
	if [ "$f" -gt 0 ]; then
		fail=$((fail + f))
		grep -E '^FAIL|^    ' "$T/$s.log" | head -n 40
	fi
done
done_tests
