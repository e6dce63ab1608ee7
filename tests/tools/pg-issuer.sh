#!/bin/sh
# pg-issuer.sh: ob-issuer on PostgreSQL, one database per issuer home, for
# tests/cli/issuer_backends.sh, which runs the issuer tests through it
# against a private server (issue 17: the same tests on both backends).
# The real ob-issuer is $OBKIT_PG_REAL_ISSUER; the server is
# $OBKIT_PG_HOST (socket directory) and $OBKIT_PG_PORT. A command that
# names a home (--home DIR, --home=DIR or $OBKIT_ISSUER_HOME) runs with
# --db naming that home's database, created on first use; others run as
# they are. Nothing else is changed: every command and its output are
# the real ones.
real=${OBKIT_PG_REAL_ISSUER:?}
home=
prev=
prev2=
for a in "$@"; do
	[ "$a" = "--" ] && break
	case $prev in --home) home=$a ;; esac
	case $a in --home=*) home=${a#--home=} ;; esac
	prev=$a
done
[ -n "$home" ] || home=${OBKIT_ISSUER_HOME:-}
[ -n "$home" ] || exec "$real" "$@"
name=h$(realpath -m "$home" | md5sum | cut -c1-20)
base="host=$OBKIT_PG_HOST port=$OBKIT_PG_PORT user=obkit"
# a home without keys that is being initialised is a new issuer: with
# SQLite its database would be new too (a test may remove a home and
# make it again)
for a in "$@"; do
	case $a in
	init)
		[ -e "$home/keys" ] || psql "$base dbname=obkit" -qAtc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1
		break
		;;
	-*) ;;
	*) case $prev2 in --home | --db) ;; *) break ;; esac ;;
	esac
	prev2=$a
done
if ! psql "$base dbname=obkit" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
	psql "$base dbname=obkit" -qAtc "CREATE DATABASE $name" >/dev/null 2>&1 ||
		psql "$base dbname=obkit" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 ||
		{ echo "pg-issuer: cannot create database $name" >&2; exit 3; }
fi
exec "$real" --db "postgresql:///$name?host=$OBKIT_PG_HOST&port=$OBKIT_PG_PORT&user=obkit" "$@"
