# Shared helpers for the CLI tests (sourced). Each test script is run as
# `sh tests/cli/NAME.sh BIN_DIR SHARED_DIR` and ends with "N passed, N failed".
BIN=${1:?usage: $0 BIN_DIR SHARED_DIR}
SHARED=${2:-../shared}
V=$SHARED/vectors
NOW=2026-01-01T00:00:00Z
T=$(mktemp -d)
# no test may read or write the user's HTTP cache
export XDG_CACHE_HOME="$T/cache"
# nor the user's own registries and trusted-issuer list
export XDG_CONFIG_HOME="$T/config"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
name=$(basename "$0" .sh)

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN CMD... : runs CMD, wants exit CODE and PATTERN
# (grep -E) in stdout+stderr; an empty PATTERN checks the code only.
# A signal (exit > 128) is always a failure.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "exit $got, want $want: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/out"; then
		bad "output lacks /$pat/: $*"
		sed 's/^/    /' "$T/out" | head -n 15
	else
		ok
	fi
}

# check DESCRIPTION COMMAND... : passes when the shell command succeeds.
check() {
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

done_tests() {
	echo "$name.sh: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# The issuer tests also run on PostgreSQL (tests/cli/issuer_backends.sh
# sets OBKIT_TEST_ISSUER_PG). sqlite_only: true on SQLite; checks that
# read or damage SQLite's own file run there only (and are not counted on
# PostgreSQL). dbq HOME SQL: one query on an issuer's log on either
# backend (the home's database as tests/tools/pg-issuer.sh names it),
# rows printed as a|b.
sqlite_only() { [ -z "${OBKIT_TEST_ISSUER_PG:-}" ]; }
dbq() {
	if [ -n "${OBKIT_TEST_ISSUER_PG:-}" ]; then
		psql "host=$OBKIT_PG_HOST port=$OBKIT_PG_PORT user=obkit dbname=h$(realpath -m "$1" | md5sum | cut -c1-20)" \
			-qAtc "$2"
	else
		python3 -c "
import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print('|'.join('' if v is None else str(v) for v in r))" "$1/issuer.db" "$2"
	fi
}

# ossl ARGS...: openssl, quiet; a failure ends the test (exit 3).
# test_ca: a test CA (T/ca.pem, ca.key) and a server certificate for
# localhost and 127.0.0.1 (T/srv.pem, srv.key), for the HTTPS servers the
# network tests start (tests/tools/https_server, tls_proxy).
ossl() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed"; exit 3; }; }
test_ca() {
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=obkit-test-CA \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$T/ca.key" -out "$T/ca.pem"
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
		-keyout "$T/srv.key" -out "$T/srv.csr"
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/ext"
	ossl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 2 \
		-extfile "$T/ext" -out "$T/srv.pem"
}

# npm_ci DIR WHAT: npm ci in DIR (a copy of a package.json and its
# package-lock.json; no install scripts run), the log in T/npm.log. When
# it fails (npm or the registry missing), a failed check saying so with
# the log's end, and status 1; WHAT names the package set in that line.
npm_ci() {
	if ! (cd "$1" && npm ci --no-audit --no-fund --ignore-scripts) >"$T/npm.log" 2>&1; then
		bad "npm ci of $2 failed (is the npm registry reachable?):"
		tail -n 15 "$T/npm.log" | sed 's/^/    /'
		return 1
	fi
}

# issuer_serve [OPTIONS]: (re)starts ob-issuer serve ($IS, home $H) on a
# free loopback port behind the tls_proxy at $U (the port in T/bport, which
# the proxy reads), its stderr appended to T/serve.log; SPID is its pid.
# issuer_stop: SIGTERM, and it must exit 0 (under ASan: no leak, no error).
issuer_serve() {
	rm -f "$T/bport"
	"$IS" --home "$H" serve --listen 127.0.0.1:0 --public-url "$U" --port-file "$T/bport" "$@" 2>>"$T/serve.log" &
	SPID=$!
	i=0
	while [ ! -s "$T/bport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/bport" ] || bad "ob-issuer serve did not start: $(tail -n 2 "$T/serve.log")"
}
issuer_stop() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	src=$?
	[ "$src" -eq 0 ] || bad "ob-issuer serve exited $src on SIGTERM: $(grep -m 3 -e ERROR -e SUMMARY "$T/serve.log")"
	SPID=
}
