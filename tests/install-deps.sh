#!/bin/sh
# Installs what clasm needs to build and test on Debian 12, skipping what is
# already there. Runs apt-get as root, or through sudo.
set -eu
PKGS="gcc g++ clang clang-format make pkg-config libxml2-dev libxml2-utils libzip-dev libdeflate-dev libyaml-dev libjansson-dev
libssl-dev libcmocka-dev libmicrohttpd-dev libunistring-dev libreoffice-writer-nogui poppler-utils python3 python3-yaml
python3-jsonschema python3-uno unzip man-db time bsdutils valgrind chromium iso-codes"
# Node.js runs the schema tests (ajv-cli) and the browser tests (playwright-core
# driving Debian's chromium); a machine may already have its own.
if ! command -v npm >/dev/null 2>&1; then PKGS="$PKGS nodejs npm"; fi
root=$(cd "$(dirname "$0")/.." && pwd)
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "deps: every Debian package is installed"
else
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    echo "deps: installing$missing"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
# npm packages of the tests, exactly as their lock files say.
for dir in tests/schemas tests/browser; do
    if [ ! -d "$root/$dir/node_modules" ]; then
        echo "deps: npm ci in $dir"
        (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done
