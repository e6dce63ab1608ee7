#!/bin/sh
# Issue 14 item 8: `ob-verifier canon` is a general RDFC-1.0 tool. Every eval
# test of the W3C RDFC-1.0 suite (64, and the negative one) runs through the
# command line with its default limits; before, 18 were refused with
# "canonicalization work limit exceeded". The map tests need the issued
# identifiers, which the command does not print: tests/conformance/run_rdfc.c
# covers them through the library.
#   sh tests/cli/canon_suite.sh BIN_DIR SHARED_DIR
. "$(dirname "$0")/lib.sh"
VF="$BIN/ob-verifier"
S=$SHARED/conformance/rdf-canon
[ -f "$S/manifest.jsonld" ] || { bad "no RDFC-1.0 suite at $S"; echo "$name: $pass passed, $fail failed"; exit 1; }

python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["entries"]:
    t = e["type"].split(":")[-1]
    if t in ("RDFC10EvalTest", "RDFC10NegativeEvalTest"):
        print(e["id"].lstrip("#"), t, e["action"], e.get("result") or "-", e.get("hashAlgorithm") or "SHA256")
' "$S/manifest.jsonld" >"$T/tests" || bad "cannot read the manifest"
check "the suite has 65 eval tests" test "$(wc -l <"$T/tests")" -eq 65

while read -r id type action result alg; do
	h=sha256
	[ "$alg" = SHA384 ] && h=sha384
	if [ "$type" = RDFC10NegativeEvalTest ]; then
		# a poison graph: refused at the work limit, not computed for ever
		expect 1 "work limit exceeded" timeout 20 "$VF" canon --nquads --hash $h "$S/$action"
		continue
	fi
	if timeout 60 "$VF" canon --nquads --hash $h "$S/$action" >"$T/got" 2>"$T/err" &&
		cmp -s "$T/got" "$S/$result"; then
		ok
	else
		bad "$id: $(head -c 200 "$T/err")"
	fi
done <"$T/tests"

# the limit is the user's to set, and bounded
expect 1 "work limit exceeded" "$VF" canon --nquads --work-factor 1 "$S/rdfc10/test044-in.nq"
expect 2 "--work-factor is a number from 0 to 8, not '9'" "$VF" canon --nquads --work-factor 9 "$S/rdfc10/test044-in.nq"
expect 2 "--work-factor is a number from 0 to 8, not 'x'" "$VF" canon --work-factor x "$S/rdfc10/test044-in.nq"

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
