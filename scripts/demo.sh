#!/bin/sh
# make demo: the main path end to end, in a temporary home.
# An institution creates its identity and a badge, issues it to a learner,
# the learner stores it in a wallet, an employer verifies it, and the
# credential is shown as a QR code (terminal + PNG).
set -e
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
DEMO=${DEMO_DIR:-$(mktemp -d /tmp/obkit-demo.XXXXXX)}
export OBKIT_ISSUER_HOME="$DEMO/issuer"
export OBKIT_WALLET_HOME="$DEMO/wallet"
LEARNER=did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP

step() { printf '\n\033[1m== %s\033[0m\n' "$*" 2>/dev/null || printf '\n== %s\n' "$*"; }

step "1. The institution creates its identity (an Ed25519 key, a did:key)"
echo "\$ ob-issuer init --name 'Riverbend Technical College' --url https://riverbend.example.edu"
$BIN/ob-issuer init --name "Riverbend Technical College" --url https://riverbend.example.edu \
	--email registrar@riverbend.example.edu

step "2. It defines an achievement"
$BIN/ob-issuer achievement add --id welding-101 --name "Welding Fundamentals" \
	--description "Safe operation of MIG and stick welding equipment." \
	--criteria "120 hours of supervised shop practice and three passing test welds." \
	--alignment "Fillet welds on mild steel|https://frameworks.example.org/welding/fillet"
$BIN/ob-issuer achievement list

step "3. It issues an Open Badges 3.0 credential (Data Integrity proof, eddsa-rdfc-2022) to a learner"
$BIN/ob-issuer issue --achievement welding-101 --recipient "$LEARNER" --name "Ana Lima" \
	-o "$DEMO/badge.json"

step "4. It publishes what verifiers need: its profile and the signed status list"
# each line is URL=FILE; a real issuer copies site/ to its web server, the
# demo hands the files to the tools with --doc so nothing goes online
$BIN/ob-issuer publish "$DEMO/site" --base-url https://riverbend.example.edu/ >"$DEMO/published"
cat "$DEMO/published"
DOCS=$(sed 's/^/--doc /' "$DEMO/published")

step "5. The learner keeps it in an encrypted wallet (verified on the way in)"
# a script has no terminal to ask for the wallet passphrase on
printf 'demo passphrase\n' >"$DEMO/wallet-passphrase"
chmod 600 "$DEMO/wallet-passphrase"
export OBKIT_WALLET_PASSPHRASE_FILE="$DEMO/wallet-passphrase"
$BIN/ob-wallet init
$BIN/ob-wallet add --offline $DOCS "$DEMO/badge.json"
$BIN/ob-wallet list

step "6. An employer verifies it (signature, issuer key, dates, revocation status)"
$BIN/ob-verifier verify --offline $DOCS "$DEMO/badge.json"

step "7. The credential as a QR code (the whole signed credential, offline: VC1- + Base45(zlib))"
$BIN/ob-verifier qr --png "$DEMO/badge-qr.png" "$DEMO/badge.json"
echo "PNG written to $DEMO/badge-qr.png"
echo
echo "Demo files are in $DEMO (remove them with: rm -rf $DEMO)"
