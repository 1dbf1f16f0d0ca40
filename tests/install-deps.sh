#!/bin/sh
# Installs what clasm needs to build and test on Debian 12, skipping what is
# already there. Runs apt-get as root, or through sudo.
set -eu
PKGS="gcc clang make pkg-config libxml2-dev libxml2-utils libzip-dev libyaml-dev libjansson-dev
libssl-dev libcmocka-dev libmicrohttpd-dev libreoffice-writer-nogui poppler-utils python3 python3-yaml
python3-jsonschema python3-uno unzip man-db"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "deps: everything is installed"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "deps: installing$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
