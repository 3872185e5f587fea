#!/usr/bin/env bash
# Distillation healing vs cross-entropy healing at the same token budget (issue 16): stories260K with its last 2 of 5 layers
# removed (reverse-order), partial healing of the last 2 kept layers + norm + lm_head, 68 optimizer steps of 16 x 128-token
# windows (~139k tokens) of the first 300,000 bytes of the shared TinyStories text; kd = alpha 0.5 (half KD, half CE), T 1,
# teacher = the unpruned model, its top-64 logits cached in a first pass. Held-out perplexity (128-token windows) on the last
# 100,000 bytes of the same file, which no run trains on. Three seeds (split, order, init). Writes bench/results/kd.json.
#
# Usage: bash bench/run-kd.sh  (env: SEEDS="1 2 3" ALPHA=0.5 TEMPERATURE=1 K=64 CLI=path/to/dotnet-compress WORK=/tmp/mc-kd)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(dirname "$BENCH_DIR")"
DATA="${MODELCOMPRESS_DATA:-$ROOT/../shared/data}"; RESULTS="${RESULTS:-$BENCH_DIR/results}"
SEEDS="${SEEDS:-1 2 3}" ALPHA="${ALPHA:-0.5}" TEMPERATURE="${TEMPERATURE:-1}" K="${K:-64}" WORK="${WORK:-/tmp/mc-kd}"
CLI="${CLI:-$ROOT/src/ModelCompress.Cli/bin/Debug/net10.0/dotnet-compress}"
log() { echo "[run-kd] $*" >&2; }
[[ -x $CLI ]] || dotnet build "$ROOT/src/ModelCompress.Cli" -v q -nologo >&2
rm -rf "$WORK"; mkdir -p "$WORK" "$RESULTS"; cd "$WORK"
TEXT="$DATA/text/tinystories/tinystories_valid_head.txt"
head -c 300000 "$TEXT" >train.txt; tail -c 100000 "$TEXT" >heldout.txt
"$CLI" convert llama2c --checkpoint "$DATA/models/stories260K/stories260K.bin" --tokenizer "$DATA/models/stories260K/tok512.model" \
  --out base >&2
"$CLI" prune --model base --out pruned --metric reverse-order --remove 2 >&2
ppl() { "$CLI" eval --model "$1" --perplexity "$WORK/heldout.txt" --window 128 --output "$1.json" >/dev/null 2>&1
        python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results']['heldout']['token_perplexity,none'])" "$1.json"; }
COMMON=(--model pruned --data train.txt --format text --method partial --trainable-layers 2 --max-len 128 --batch-size 16
        --micro-batch-size 8 --lr 2e-3 --epochs 1 --warmup-steps 6 --val-size 64 --eval-steps 20)
echo "{\"base\": $(ppl base), \"pruned\": $(ppl pruned), \"runs\": [" >runs.json
first=1
for seed in $SEEDS; do
  for loss in ce kd; do
    extra=(); [[ $loss == kd ]] && extra=(--loss kd --teacher base --alpha "$ALPHA" --temperature "$TEMPERATURE" --k "$K")
    log "seed $seed, loss $loss"
    start=$(date +%s.%N)
    "$CLI" finetune "${COMMON[@]}" --seed "$seed" --out "$loss-$seed" "${extra[@]}" >&2 2> >(grep -E "done in|wrote" >&2)
    seconds=$(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))")
    [[ $first == 1 ]] || echo "," >>runs.json; first=0
    echo "{\"seed\": $seed, \"loss\": \"$loss\", \"perplexity\": $(ppl "$loss-$seed"), \"seconds\": $seconds}" >>runs.json
  done
done
echo "]}" >>runs.json
python3 - runs.json "$RESULTS/kd.json" "$ALPHA" "$TEMPERATURE" "$K" <<'PY'
import json, statistics, sys, datetime
runs_path, out, alpha, t, k = sys.argv[1:6]
doc = json.load(open(runs_path))
by = {l: [r for r in doc["runs"] if r["loss"] == l] for l in ("ce", "kd")}
mean = {l: statistics.mean(r["perplexity"] for r in rs) for l, rs in by.items()}
wins = sum(k_["perplexity"] < c["perplexity"] for k_, c in zip(by["kd"], by["ce"]))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
result = {"benchmark": "kd-vs-ce", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "cpu": cpu,
          "model": "stories260K, layers 3-4 removed (reverse-order), partial heal of the last 2 kept layers + norm + lm_head",
          "budget": "68 steps x 16 windows x 128 tokens (~139k tokens), lr 2e-3, 6 warm-up steps, 1 epoch of train.txt",
          "kd": {"alpha": float(alpha), "temperature": float(t), "teacher_cache": "topk", "k": int(k), "teacher": "unpruned base"},
          "heldout": "last 100,000 bytes of tinystories_valid_head.txt, token perplexity over 128-token windows",
          "base_perplexity": doc["base"], "pruned_perplexity": doc["pruned"], "runs": doc["runs"],
          "mean_perplexity": {l: round(v, 3) for l, v in mean.items()},
          "kd_over_ce": round(mean["kd"] / mean["ce"], 4), "kd_wins_seeds": f"{wins} of {len(by['kd'])}"}
json.dump(result, open(out, "w"), indent=2); open(out, "a").write("\n")
print(f"base {doc['base']:.3f}, pruned {doc['pruned']:.3f}")
for r in doc["runs"]: print(f"seed {r['seed']} {r['loss']}: perplexity {r['perplexity']:.3f} ({r['seconds']} s)")
print(f"mean ce {mean['ce']:.3f}, kd {mean['kd']:.3f}: kd/ce {mean['kd'] / mean['ce']:.4f}, kd wins {wins} of {len(by['kd'])} seeds")
PY
