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

step() { printf '\n\033[1m== %s\033[0m\n' "$*" 2>/dev/null || printf '\n== %s\n' "$*"; }

step "1. The institution creates its identity (an Ed25519 key, a did:key)"
echo "\$ ob-issuer init --name 'Riverbend Technical College' --url https://riverbend.example.edu"
ISSUER_DID=$($BIN/ob-issuer init --name "Riverbend Technical College" --url https://riverbend.example.edu \
	--email registrar@riverbend.example.edu)
echo "$ISSUER_DID"

step "2. It defines an achievement"
$BIN/ob-issuer achievement add --id welding-101 --name "Welding Fundamentals" \
	--description "Safe operation of MIG and stick welding equipment." \
	--criteria "120 hours of supervised shop practice and three passing test welds." \
	--alignment "Fillet welds on mild steel|https://frameworks.example.org/welding/fillet"
$BIN/ob-issuer achievement list

step "3. The learner makes an encrypted wallet and gives the registrar its DID"
# a script has no terminal to ask for the wallet passphrase on
printf 'demo passphrase\n' >"$DEMO/wallet-passphrase"
chmod 600 "$DEMO/wallet-passphrase"
export OBKIT_WALLET_PASSPHRASE_FILE="$DEMO/wallet-passphrase"
$BIN/ob-wallet init
LEARNER=$($BIN/ob-wallet whoami)
echo "learner's wallet DID: $LEARNER"

step "4. The institution issues an Open Badges 3.0 credential (Data Integrity proof, eddsa-rdfc-2022) to that DID"
$BIN/ob-issuer issue --achievement welding-101 --recipient "$LEARNER" --name "Ana Lima" \
	-o "$DEMO/badge.json"

step "5. It publishes what verifiers need: its profile and the signed status list"
# each line is URL=FILE; a real issuer copies site/ to its web server, the
# demo hands the files to the tools with --doc so nothing goes online
$BIN/ob-issuer publish "$DEMO/site" --base-url https://riverbend.example.edu/ >"$DEMO/published"
cat "$DEMO/published"
DOCS=$(sed 's/^/--doc /' "$DEMO/published")

step "6. The learner keeps it in the wallet (verified on the way in)"
$BIN/ob-wallet add --offline $DOCS "$DEMO/badge.json"
$BIN/ob-wallet list

step "7. An employer verifies it: authentic, whose, current, conformant"
# a did:key issuer's name is its own claim: the verdict says so
$BIN/ob-verifier verify --offline $DOCS "$DEMO/badge.json"

step "8. The employer trusts this college (its own trusted-issuer list): the name becomes a fact"
echo "$ISSUER_DID Riverbend Technical College" >"$DEMO/trusted-issuers"
$BIN/ob-verifier verify --offline --registry "$DEMO/trusted-issuers" --require-trusted-issuer $DOCS "$DEMO/badge.json" | head -n 1

step "9. The learner presents it to the employer, who checks that the holder is the learner"
BADGE_ID=$(sed -n 's/^  "id": "\(urn:uuid:[^"]*\)".*/\1/p' "$DEMO/badge.json")
$BIN/ob-wallet present --challenge job-4711 -o "$DEMO/presentation.json" "$BADGE_ID"
$BIN/ob-verifier verify --offline --challenge job-4711 $DOCS "$DEMO/presentation.json" | head -n 6

step "10. The credential as a QR code (the whole signed credential, offline: VC1- + Base45(zlib))"
$BIN/ob-verifier qr --png "$DEMO/badge-qr.png" "$DEMO/badge.json"
echo "PNG written to $DEMO/badge-qr.png"
echo
echo "Demo files are in $DEMO (remove them with: rm -rf $DEMO)"
