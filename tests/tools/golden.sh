#!/bin/sh
# Byte-for-byte output fingerprint of a build, to compare before and after a
# refactor (issue 13): canonical N-Quads of every JSON document in the team's
# conformance and vector data, the verifier's JSON verdict for every signed
# vector, and signatures over every unsigned vector in each suite with one fixed
# key and creation time. Prints one line per output: "<sha256>  <what>".
# usage: sh tests/tools/golden.sh BIN SHARED_DIR > fingerprint.txt
bin=$1
shared=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$shared/conformance" "$shared/vectors" -name '*.json' -o -name '*.jsonld' | LC_ALL=C sort >"$tmp/list"
while read -r f; do
	rel=${f#"$shared"/}
	out=$("$bin/ob-verifier" canon "$f" 2>&1 | sha256sum | cut -c1-64)
	echo "$out  canon $rel"
done <"$tmp/list"
for f in $(find "$shared/vectors/signed" "$shared/vectors/invalid" -type f | LC_ALL=C sort); do
	rel=${f#"$shared"/}
	out=$("$bin/ob-verifier" verify --json --no-default-registries "$f" 2>&1; echo "exit $?")
	echo "$(echo "$out" | sed -E 's/"(checkedAt|verifiedAt|now)": *"[^"]*"/"\1":""/g' | sha256sum | cut -c1-64)  verify $rel"
done
key="$shared/vectors/keys/issuer-ed25519.json"
for f in $(find "$shared/vectors/unsigned" -type f | LC_ALL=C sort); do
	rel=${f#"$shared"/}
	for s in eddsa-rdfc-2022 eddsa-jcs-2022 Ed25519Signature2020 vc-jwt; do
		out=$("$bin/ob-issuer" sign --key "$key" --suite $s --created 2026-01-01T00:00:00Z "$f" 2>&1 | sha256sum | cut -c1-64)
		echo "$out  sign $s $rel"
	done
done
