#!/bin/sh
# Issue 13: the layers are in the tree and nothing runs upward.
# scripts/check-layers.sh reads the #include lines and the objects' symbols;
# scripts/check-size.sh keeps files and functions small. Each check is also
# shown to fail on a planted fault.
#   sh tests/cli/layers.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
# the objects of the build under test: BIN is O/bin for out-of-tree builds
case $BIN in
*/build-*/bin) O=${BIN%/bin} ;;
*) O=$top/build ;;
esac

expect 0 "" sh "$top/scripts/check-layers.sh" "$top" "$O"
check "the library's objects are there to read" test -e "$O/shared/canon/jsonld.o"
for l in base canon proof io vc cli; do
	check "shared/$l is a folder" test -d "$top/shared/$l"
done
check "no module left at shared/'s top" sh -c "! ls '$top'/shared/*.c '$top'/shared/*.h 2>/dev/null | grep -q ."
# canonicalization links no HTTP and no SQLite
check "jsonld.o needs nothing from io" sh -c "! nm -u '$O/shared/canon/jsonld.o' | grep -qE 'ob_(http|loader_new|store)|curl_|sqlite3_'"
check "rdfc.o needs nothing from io" sh -c "! nm -u '$O/shared/canon/rdfc.o' | grep -qE 'ob_(http|store)|curl_|sqlite3_'"
check "suites are told apart by fields, not pointers" sh -c "! grep -nE '== *&ob_suite_|&ob_suite_[a-z0-9_]+ *==' '$top'/shared/vc/*.c"

check "commands parse options through ob_opts_getopt (one message form)" sh -c "! grep -n 'getopt_long(' '$top'/issuer/*.c '$top'/wallet/*.c '$top'/verifier/*.c"

# a planted upward include is caught
mkdir -p "$T/tree"
cp -r "$top/shared" "$top/issuer" "$top/wallet" "$top/verifier" "$T/tree/"
expect 0 "" sh "$top/scripts/check-layers.sh" "$T/tree"
printf '#include "io/http.h"\n' >>"$T/tree/shared/canon/jsonld.c"
expect 1 'shared/canon/jsonld.c: #include "io/http.h": canon may not use io' sh "$top/scripts/check-layers.sh" "$T/tree"
cp "$top/shared/canon/jsonld.c" "$T/tree/shared/canon/jsonld.c"
printf '#include "loader.h"\n' >>"$T/tree/shared/proof/did.h"
expect 1 'names no layer' sh "$top/scripts/check-layers.sh" "$T/tree"
cp "$top/shared/proof/did.h" "$T/tree/shared/proof/did.h"
printf '#include "wallet.h"\n' >>"$T/tree/verifier/main.c"
expect 1 'verifier/main.c: #include "wallet.h" names no layer' sh "$top/scripts/check-layers.sh" "$T/tree"
cp "$top/verifier/main.c" "$T/tree/verifier/main.c"
touch "$T/tree/shared/stray.c"
expect 1 'shared/stray.c: a module outside every layer' sh "$top/scripts/check-layers.sh" "$T/tree"
rm "$T/tree/shared/stray.c"

# ... and a planted upward call, with no #include to give it away
mkdir -p "$T/obj"
cp -r "$O/shared" "$T/obj/"
expect 0 "" sh "$top/scripts/check-layers.sh" "$T/tree" "$T/obj"
printf 'int ob_http_get(void);\nint planted(void) { return ob_http_get(); }\n' >"$T/planted.c"
cc -c -o "$T/obj/shared/canon/planted.o" "$T/planted.c"
expect 1 'shared/canon/planted.o: uses ob_http_get, defined in a higher layer' sh "$top/scripts/check-layers.sh" "$T/tree" "$T/obj"

# sizes: no file over 1,500 lines, no function over 150
expect 0 "" sh "$top/scripts/check-size.sh" "$top"
awk 'BEGIN { print "int f(void)"; print "{"; for (i = 0; i < 150; i++) print "\t;"; print "}" }' >"$T/tree/shared/base/long.c"
cp -r "$top/tests" "$T/tree/"
expect 1 'shared/base/long.c:2: a function of 152 lines' sh "$top/scripts/check-size.sh" "$T/tree"

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
