#!/usr/bin/env bash
# Repair benchmark (issue 16): stories260K with 2 of its 5 layers removed, held-out TinyStories perplexity of the pruned model,
# the repaired one (linear, rescale; no training) and each of them after a short partial heal (lm_head + norm + the last layer,
# 30 steps of 16 x 128 tokens). Cuts: reverse-order (layers 3-4), the best window by calibration perplexity (`metric: window`,
# which also picks 3-4 here) and layers 1-2 (an early cut, as the built-in demo makes). Calibration and heal text: the first
# 600 kB of data/text/tinystories; held-out: its last 150 kB (disjoint), 291 windows of 256 tokens. Prints a markdown table.
#
# Usage: bash bench/run-repair.sh  (env: MODELCOMPRESS_DATA=../shared/data WORK=/tmp/mc-bench/repair
#   CLI="dotnet src/ModelCompress.Cli/bin/Debug/net10.0/dotnet-compress.dll"; build first: dotnet build ModelCompressTool.sln)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${MODELCOMPRESS_DATA:-$ROOT/../shared/data}" WORK="${WORK:-/tmp/mc-bench/repair}"
CLI="${CLI:-dotnet $ROOT/src/ModelCompress.Cli/bin/Debug/net10.0/dotnet-compress.dll}"
rm -rf -- "$WORK" && mkdir -p "$WORK"
TEXT="$DATA/text/tinystories/tinystories_valid_head.txt"
head -c 600000 "$TEXT" | sed '$d' > "$WORK/calibration.txt"
tail -c 150000 "$TEXT" | sed '1d' > "$WORK/heldout.txt"
q() { "$@" > "$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }; }
ppl() { q $CLI eval --model "$1" --perplexity "$WORK/heldout.txt" --window 256 --output "$1.results.json"
        sed -n 's/.*heldout: token ppl \([0-9.]*\).*/\1/p' "$WORK/last.log"; }
heal() { q $CLI finetune --model "$1" --out "$1-healed" --data "$WORK/calibration.txt" --format text --method partial \
           --trainable-layers 1 --lr 2e-3 --epochs 1 --batch-size 16 --micro-batch-size 16 --warmup-steps 5 --max-len 128 \
           --val-size 16 --max-steps 30 --eval-steps 30 --device cpu --dtype fp32; echo "$1-healed"; }
q $CLI convert llama2c --checkpoint "$DATA/models/stories260K/stories260K.bin" --tokenizer "$DATA/models/stories260K/tok512.model" \
  --out "$WORK/base"
echo "unpruned stories260K: held-out token perplexity $(ppl "$WORK/base")"
echo
echo "| cut | pruned | + linear | + rescale | pruned + heal | linear + heal | rescale + heal |"
echo "|---|---|---|---|---|---|---|"
for cut in reverse-order window 1-2; do
  case $cut in
    reverse-order) q $CLI prune --model "$WORK/base" --out "$WORK/$cut" --metric reverse-order --remove 2 ;;
    window) q $CLI prune --model "$WORK/base" --out "$WORK/$cut" --metric window --remove 2 --calibration "$WORK/calibration.txt" ;;
    *) q $CLI prune --model "$WORK/base" --out "$WORK/$cut" --layers "$cut" ;;
  esac
  removed=$(sed -n 's/^removed layers \([0-9, ]*\) .*/\1/p' "$WORK/last.log")
  row="| $cut (layers ${removed/, /,}) | $(ppl "$WORK/$cut")"
  for m in linear rescale; do
    q $CLI repair --model "$WORK/$cut" --out "$WORK/$cut-$m" --method $m --calibration "$WORK/calibration.txt" --device cpu --dtype fp32
    row="$row | $(ppl "$WORK/$cut-$m")"
  done
  for m in "" -linear -rescale; do row="$row | $(ppl "$(heal "$WORK/$cut$m")")"; done
  echo "$row |"
done
