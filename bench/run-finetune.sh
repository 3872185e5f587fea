#!/usr/bin/env bash
# Fine-tuning throughput benchmark: tokens/s and peak RSS of partial (last k=3 layers + norm + lm_head) vs LoRA (r=8, alpha 16,
# dropout 0.05, all 7 projections) on the random ~100M Llama, micro-batch 4 x 256 tokens of wikitext-2 test, fp32 and bf16,
# WARMUP=2 untimed then STEPS=6 timed optimizer steps of the real Trainer loop, each configuration in its own process.
# Partial runs three ways: hidden-state cache off; cache on with every example new (first epoch: the cache is filled, never
# hit); cache on with only 8 examples, so the timed steps are epochs 2-4 and reuse the cached prefix output.
# Configurations are interleaved across rounds. Writes bench/results/finetune.json and prints a table.
#
# The summary adds "partial k=3, cache on, 2 epochs": one fill and one hit epoch, i.e. the mean of the two step times (the
# default 2-epoch run), to compare with cache off.
#
# Usage: bash bench/run-finetune.sh  (env: ROUNDS=1 WARMUP=2 STEPS=6 DTYPES="fp32 bf16" THREADS=2 MODEL=/tmp/mc-bench/model100m KEEP_MODEL=0
#   CONFIGS="partial --cache off;partial --cache on" to run a subset, BENCH_BIN=... to run a prebuilt bench, see build-bench.sh)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-1}" WARMUP="${WARMUP:-2}" STEPS="${STEPS:-6}" DTYPES="${DTYPES:-fp32 bf16}" THREADS="${THREADS:-2}"
MODEL="${MODEL:-/tmp/mc-bench/model100m}" RESULTS="${RESULTS:-$BENCH_DIR/results}"
mkdir -p "$RESULTS"
log() { echo "[run-finetune] $*" >&2; }

source "$BENCH_DIR/build-bench.sh"
made_model=0
if [[ "${SUMMARY_ONLY:-0}" != 1 && ! -f $MODEL/model.safetensors ]]; then
  log "saving the random ~100M model to $MODEL"; "$TS_BIN" make-model --out "$MODEL" >&2; made_model=1
fi

IFS=';' read -ra CONFIGS <<<"${CONFIGS:-partial --cache off;partial --cache on;partial --cache on --examples 8;lora}"
RUNS="$RESULTS/finetune-runs.log"
# SUMMARY_ONLY=1 re-summarizes an existing finetune-runs.log (e.g. after an interrupted run) without running anything.
[[ "${SUMMARY_ONLY:-0}" == 1 ]] && ROUNDS=0 || : >"$RUNS"
LOAD_BEFORE=$(uptime); log "load before: $LOAD_BEFORE"
for ((r = 1; r <= ROUNDS; r++)); do
  for dtype in $DTYPES; do
    for cfg in "${CONFIGS[@]}"; do
      log "round $r/$ROUNDS $dtype: $cfg (load1 $(awk '{print $1}' /proc/loadavg))"
      # shellcheck disable=SC2086
      "$TS_BIN" finetune --model "$MODEL" --method $cfg --dtype "$dtype" --batch 4 --seq 256 --warmup "$WARMUP" --steps "$STEPS" \
        --threads "$THREADS" | tail -n1 | sed "s/^{/{\"round\":$r,\"load1\":$(awk '{print $1}' /proc/loadavg),/" | tee -a "$RUNS" >&2
    done
  done
done
LOAD_AFTER=$(uptime); log "load after: $LOAD_AFTER"
[[ $made_model == 1 && "${KEEP_MODEL:-0}" != 1 ]] && rm -rf -- "$MODEL"

/usr/bin/python3 - "$RUNS" "$RESULTS/finetune.json" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, statistics, sys, datetime
runs_path, out_path, load_before, load_after = sys.argv[1:5]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
def name(r):
    if r["method"] == "lora": return f"lora r={r['lora_r']}"
    cache = "off" if not r["hidden_state_cache"] else ("on, epoch 1 (fill)" if r["epochs_touched"] == 1 else "on, epochs 2+ (hit)")
    return f"partial k={r['k']}, cache {cache}"
groups = {}
for r in runs: groups.setdefault((r["dtype"], name(r)), []).append(r)
pytorch = {"lora r=8": 325, "partial k=3, cache off": 455}   # GUIDE §5: python3-torch 1.13.1, random 100M Llama, 4x256, 2 threads
# A run's median timed step is robust to load bursts; the fastest step approximates an idle machine.
step = lambda r: statistics.median(r["step_seconds"][r["warmup_steps"]:])
summary = {}
for (dtype, n), rs in groups.items():
    tps = statistics.median(r["tokens_per_s"] for r in rs)
    summary.setdefault(dtype, {})[n] = {
        "median_tokens_per_s": round(tps, 1), "tokens_per_s": [r["tokens_per_s"] for r in rs],
        "median_step_seconds": round(statistics.median(step(r) for r in rs), 3),
        "min_step_seconds": min(min(r["step_seconds"][r["warmup_steps"]:]) for r in rs),
        "median_warmup_tokens_per_s": round(statistics.median(r["warmup_tokens_per_s"] for r in rs), 1),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rs), "trainable_params": rs[0]["trainable_params"], "runs": len(rs),
        "guide_pytorch_tokens_per_s": pytorch.get(n), "ratio_over_guide_pytorch": round(tps / pytorch[n], 3) if n in pytorch else None}
for dtype, rows in summary.items():   # the default 2 epochs with the cache: one fill epoch, one hit epoch
    fill, hit = rows.get("partial k=3, cache on, epoch 1 (fill)"), rows.get("partial k=3, cache on, epochs 2+ (hit)")
    if fill and hit:
        s = (1 / fill["median_tokens_per_s"] + 1 / hit["median_tokens_per_s"]) / 2
        rows["partial k=3, cache on, 2 epochs"] = {"median_tokens_per_s": round(1 / s, 1), "tokens_per_s": [],
            "median_step_seconds": round((fill["median_step_seconds"] + hit["median_step_seconds"]) / 2, 3),
            "min_step_seconds": round((fill["min_step_seconds"] + hit["min_step_seconds"]) / 2, 3),
            "median_warmup_tokens_per_s": None, "peak_rss_mb": max(fill["peak_rss_mb"], hit["peak_rss_mb"]),
            "trainable_params": fill["trainable_params"], "runs": 0, "derived": "mean of the fill and hit step times",
            "guide_pytorch_tokens_per_s": None, "ratio_over_guide_pytorch": None}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "finetune", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "model": "random Llama hidden 768, 12 layers, GQA 12/4, MLP 2048, vocab 32000 (124.7M params)",
       "guide_pytorch_note": "GUIDE §5 figures (fp32 assumed, quiet machine, not re-measured here): LoRA 4x256 ~325 tok/s, partial last-3 ~455 tok/s",
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load_before": load_before.strip(), "load_after": load_after.strip()},
       "summary": summary, "runs": runs}
json.dump(doc, open(out_path, "w"), indent=2); open(out_path, "a").write("\n")
print("| dtype | configuration | trainable params | median tok/s | median step s | min step s | runs' tok/s | warm-up tok/s | GUIDE PyTorch tok/s | ratio | peak RSS MB |")
print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
for dtype, rows in summary.items():
    for n, s in rows.items():
        print(f"| {dtype} | {n} | {s['trainable_params']:,} | {s['median_tokens_per_s']} | {s['median_step_seconds']} | {s['min_step_seconds']} | {s['tokens_per_s']} | {s['median_warmup_tokens_per_s']} "
              f"| {s['guide_pytorch_tokens_per_s'] or ''} | {s['ratio_over_guide_pytorch'] or ''} | {s['peak_rss_mb']} |")
PY
log "wrote $RESULTS/finetune.json"
