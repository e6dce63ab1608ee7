#!/bin/sh
# pgserver.sh: a private PostgreSQL server for the tests (issue 17).
#
#   sh tests/tools/pgserver.sh start DIR   prints a connection URI on stdout
#   sh tests/tools/pgserver.sh stop DIR
#
# Debian's postgresql package (scripts/install-deps.sh installs it); the
# cluster lives in DIR, owned by an unprivileged user (the server refuses
# to run as root, and CI runs as root): the "postgres" account the package
# creates, else nobody. It listens on a Unix socket in DIR only (no TCP),
# with trust authentication for that socket; the database is "obkit".
# A server that cannot start is an error that says why (exit 1), never a
# skip.
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pgserver.sh start|stop DIR" >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || {
	echo "pgserver: no PostgreSQL server binaries in /usr/lib/postgresql (Debian: postgresql)" >&2
	exit 1
}
as_user() { # user command...
	u=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$u" -- "$@"
	else
		"$@"
	fi
}
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	if getent passwd postgres >/dev/null 2>&1; then user=postgres; else user=nobody; fi
fi
case $cmd in
start)
	mkdir -p "$dir" || exit 1
	chmod 0755 "$dir"
	data="$dir/data"
	if [ "$(id -u)" -eq 0 ]; then chown "$user" "$dir"; fi
	# the cluster's user must reach DIR: every directory above it must be
	# searchable by it (chmod 711 a mktemp -d directory)
	as_user "$user" test -x "$dir" || {
		echo "pgserver: user $user cannot reach $dir (make its parents searchable: chmod 711)" >&2
		exit 1
	}
	if [ ! -f "$data/PG_VERSION" ]; then
		as_user "$user" "$bindir/initdb" -D "$data" -A trust -U obkit -E UTF8 --no-locale \
			>"$dir/initdb.log" 2>&1 || {
			echo "pgserver: initdb failed: $(tail -n 1 "$dir/initdb.log")" >&2
			exit 1
		}
	fi
	port=$((20000 + $$ % 20000))
	as_user "$user" "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=on \
-c max_connections=100 -c shared_buffers=128MB" start >"$dir/pg_ctl.log" 2>&1 || {
		echo "pgserver: the server did not start: $(tail -n 3 "$dir/server.log" | tr '\n' ' ')" >&2
		exit 1
	}
	echo "$port" >"$dir/port"
	as_user "$user" "$bindir/createdb" -h "$dir" -p "$port" -U obkit obkit >>"$dir/pg_ctl.log" 2>&1 || {
		echo "pgserver: createdb failed: $(tail -n 1 "$dir/pg_ctl.log")" >&2
		exit 1
	}
	echo "postgresql:///obkit?host=$dir&port=$port&user=obkit"
	;;
stop)
	[ -f "$dir/data/PG_VERSION" ] || exit 0
	as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
	;;
*)
	echo "usage: pgserver.sh start|stop DIR" >&2
	exit 2
	;;
esac
