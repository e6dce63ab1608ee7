#!/bin/sh
# Installs the Debian packages obkit builds and tests with, when missing.
set -e
PKGS="build-essential pkg-config libssl-dev libjansson-dev libcurl4-openssl-dev libqrencode-dev libsqlite3-dev libpng-dev zlib1g-dev libzstd-dev zstd libzbar-dev libjpeg-dev libmicrohttpd-dev zbar-tools openssl wrk chromium chromium-driver clang libclang-rt-14-dev llvm python3 python3-jsonschema python3-cryptography libcbor-dev libcairo2-dev poppler-utils libpq-dev postgresql"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
