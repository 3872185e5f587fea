#!/usr/bin/env bash
# Installs the Azurite blob emulator (3.35.x: the last line that runs on Node 20) into DIR, once.
set -euo pipefail
dir="${1:-.cache/azurite}"
if [[ -x "$dir/node_modules/.bin/azurite-blob" ]]; then exit 0; fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund "azurite@~3.35.0"
