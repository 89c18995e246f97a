#!/usr/bin/env bash
# Installs everything Portico needs on a fresh Debian machine: the Debian packages used by the
# tests and the benchmark, then the npm packages (which bring Node 24 from the npm registry).
# Safe to run again. Needs root (or sudo) only when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(openssl haproxy keepalived nginx-light libnginx-mod-stream wrk curl iproute2 chromium pebble)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=''
  [ "$(id -u)" -eq 0 ] || sudo='sudo'
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Electron binary is fetched from outside the npm registry; the Console's logic and tests
# run without it (browser mode), so never download it here.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
echo "setup: done ($(node_modules/.bin/node --version) from the npm registry)"
