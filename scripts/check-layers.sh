#!/bin/sh
# The library's layers, checked (ARCHITECTURE.md): a module may use only its
# own layer and the layers below it. Ranks, low to high:
#   base  canon  proof  io  vc  cli   (shared/LAYER/)
# and the three programs above them all, none reaching into another's folder.
# usage: sh scripts/check-layers.sh [ROOT] [OBJDIR]
#   ROOT (default .): the tree whose #include lines are read;
#   OBJDIR: also read the compiled objects (OBJDIR/shared/LAYER/*.o) with nm,
#   so a call that skips the #include is caught at the symbol level too.
# Prints one line per upward edge and exits 1 if there is any.
root=${1:-.}
obj=$2
bad=0

rank() {
	case $1 in
	base) echo 0 ;; canon) echo 1 ;; proof) echo 2 ;; io) echo 3 ;;
	vc) echo 4 ;; cli) echo 5 ;; issuer | wallet | verifier) echo 6 ;;
	*) echo x ;;
	esac
}

layers="base canon proof io vc cli"
for d in "$root"/shared/*/; do
	l=$(basename "$d")
	if [ "$(rank "$l")" = x ]; then
		echo "shared/$l: not a layer (one of: $layers)"
		bad=1
	fi
done
for f in "$root"/shared/*.[ch]; do
	[ -e "$f" ] || continue
	echo "${f#"$root"/}: a module outside every layer"
	bad=1
done

# the #include graph
for f in "$root"/shared/*/*.[ch] "$root"/issuer/*.[ch] "$root"/wallet/*.[ch] "$root"/verifier/*.[ch]; do
	[ -e "$f" ] || continue
	rel=${f#"$root"/}
	case $rel in
	shared/*) from=$(echo "$rel" | cut -d/ -f2) ;;
	*) from=$(echo "$rel" | cut -d/ -f1) ;;
	esac
	r=$(rank "$from")
	sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f" >"${TMPDIR:-/tmp}/layers.$$"
	while read -r inc; do
		case $inc in
		*/*) to=${inc%%/*} ;;
		*)
			# a bare name: only a program's own header, never a library one
			case $from in
			issuer | wallet | verifier) [ -e "$root/$from/$inc" ] && continue ;;
			esac
			echo "$rel: #include \"$inc\" names no layer (write \"LAYER/$inc\")"
			bad=1
			continue
			;;
		esac
		t=$(rank "$to")
		if [ "$t" = x ] || { [ "$t" = 6 ] && [ "$to" != "$from" ]; }; then
			echo "$rel: #include \"$inc\": not a library layer"
			bad=1
		elif [ "$t" -gt "$r" ]; then
			echo "$rel: #include \"$inc\": $from may not use $to (an upward edge)"
			bad=1
		fi
	done <"${TMPDIR:-/tmp}/layers.$$"
	rm -f "${TMPDIR:-/tmp}/layers.$$"
done

# the link graph: every ob_ symbol an object needs is defined at or below its
# layer
if [ -n "$obj" ]; then
	defs=${TMPDIR:-/tmp}/layers-defs.$$
	: >"$defs"
	for l in $layers; do
		for o in "$obj"/shared/$l/*.o; do
			[ -e "$o" ] || continue
			nm --defined-only "$o" | awk -v r="$(rank $l)" '$2 ~ /^[TDBR]$/ { print $3, r }' >>"$defs"
		done
	done
	if [ ! -s "$defs" ]; then
		echo "$obj/shared: no objects to read"
		bad=1
	fi
	for l in $layers; do
		for o in "$obj"/shared/$l/*.o; do
			[ -e "$o" ] || continue
			nm --undefined-only "$o" | awk '{ print $NF }' | grep '^ob_' |
				while read -r s; do
					t=$(awk -v s="$s" '$1 == s { print $2; exit }' "$defs")
					if [ -n "$t" ] && [ "$t" -gt "$(rank $l)" ]; then
						echo "${o#"$obj"/}: uses $s, defined in a higher layer"
					fi
				done
		done
	done >"$defs.up"
	if [ -s "$defs.up" ]; then
		cat "$defs.up"
		bad=1
	fi
	rm -f "$defs" "$defs.up"
fi
exit $bad
