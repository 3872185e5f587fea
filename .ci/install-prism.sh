#!/usr/bin/env bash
# Installs the Prism proxy and GitHub's published REST API description (the GitHub contract tests' validator) into DIR, once.
# prism-cli 5.16 declares node >= 24.18 (npm warns EBADENGINE) but runs on Node 20, which the tests use.
set -euo pipefail
dir="${1:-.cache/prism}"
if [[ -x "$dir/node_modules/.bin/prism" && -f "$dir/node_modules/@octokit/openapi/generated/api.github.com.json" ]]; then exit 0; fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund "@stoplight/prism-cli@5.16.0" "@octokit/openapi@23.0.2"
