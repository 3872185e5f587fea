#!/usr/bin/env bash
# Evaluation throughput: shared-context vs naive scorer on all eight tasks, stories260K and a random ~100M Llama.
# Usage: bash bench/eval/run-eval-bench.sh   (LIMIT=256 LIMIT_100M=48 BATCH=16 THREADS=1 ROUNDS=3 ARTIFACTS=/tmp/eval-bench-artifacts)
# THREADS=1 by default: on a shared 2-core machine two OpenMP threads mostly wait for each other, and 1-thread CPU
# seconds are a contention-robust measure of work.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${MODELCOMPRESS_DATA:-$ROOT/../shared/data}"
ARTIFACTS="${ARTIFACTS:-/tmp/eval-bench-artifacts}"
LIMIT="${LIMIT:-256}" LIMIT_100M="${LIMIT_100M:-48}" BATCH="${BATCH:-16}" THREADS="${THREADS:-1}" ROUNDS="${ROUNDS:-3}"
dotnet build "$HERE/ModelCompress.EvalBench" -c Release --artifacts-path "$ARTIFACTS" -v q -nologo >&2
BENCH="$ARTIFACTS/bin/ModelCompress.EvalBench/release/ModelCompress.EvalBench"
CLI=(dotnet run --project "$ROOT/src/ModelCompress.Cli" -c Release --artifacts-path "$ARTIFACTS" --)
MODEL="$ARTIFACTS/stories260K"
[[ -d "$MODEL" ]] || "${CLI[@]}" convert llama2c --checkpoint "$DATA/models/stories260K/stories260K.bin" \
  --tokenizer "$DATA/models/stories260K/tok512.model" --out "$MODEL" >&2
"$BENCH" --model stories260k --hf "$MODEL" --data "$DATA/eval" --limit "$LIMIT" --batch "$BATCH" --threads "$THREADS" --rounds "$ROUNDS"
"$BENCH" --model random100m --data "$DATA/eval" --limit "$LIMIT_100M" --batch "$BATCH" --threads "$THREADS" --rounds "$ROUNDS"
