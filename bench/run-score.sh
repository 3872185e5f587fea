#!/usr/bin/env bash
# Layer-scoring benchmark: seconds and peak RSS (VmHWM) of LayerScorer.Score for every metric on the random ~100M Llama
# (fp32, 10 samples x 128 tokens of wikitext-2 test), plus --low-memory for the forward-only metrics. Each metric runs in
# its OWN process so the peak RSS is that metric's. Metrics are interleaved across rounds (all metrics, then again).
# Writes bench/results/score.json and prints a markdown table.
#
# Usage: bash bench/run-score.sh  (env: ROUNDS=2 SAMPLES=10 SEQ=128 THREADS=2 MODEL=/tmp/mc-bench/model100m KEEP_MODEL=0 RESULTS=bench/results)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-2}" SAMPLES="${SAMPLES:-10}" SEQ="${SEQ:-128}" THREADS="${THREADS:-2}"
MODEL="${MODEL:-/tmp/mc-bench/model100m}" RESULTS="${RESULTS:-$BENCH_DIR/results}"
mkdir -p "$RESULTS"
log() { echo "[run-score] $*" >&2; }

source "$BENCH_DIR/build-bench.sh"
made_model=0
if [[ ! -f $MODEL/model.safetensors ]]; then
  log "saving the random ~100M model to $MODEL"; "$TS_BIN" make-model --out "$MODEL" >&2; made_model=1
fi

CONFIGS=("reverse-order" "random" "magnitude-l1" "magnitude-l2" "taylor" "perplexity" "block-influence" "angular"
         "perplexity --low-memory" "block-influence --low-memory" "angular --low-memory")
RUNS="$RESULTS/score-runs.log"; : >"$RUNS"
LOAD_BEFORE=$(uptime); log "load before: $LOAD_BEFORE"
for ((r = 1; r <= ROUNDS; r++)); do
  for cfg in "${CONFIGS[@]}"; do
    log "round $r/$ROUNDS: $cfg (load1 $(awk '{print $1}' /proc/loadavg))"
    # shellcheck disable=SC2086
    "$TS_BIN" score --model "$MODEL" --metric $cfg --samples "$SAMPLES" --seq "$SEQ" --threads "$THREADS" \
      | tail -n1 | sed "s/^{/{\"round\":$r,\"load1\":$(awk '{print $1}' /proc/loadavg),/" | tee -a "$RUNS" >&2
  done
done
LOAD_AFTER=$(uptime); log "load after: $LOAD_AFTER"
[[ $made_model == 1 && "${KEEP_MODEL:-0}" != 1 ]] && rm -rf -- "$MODEL"

/usr/bin/python3 - "$RUNS" "$RESULTS/score.json" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, statistics, sys, datetime
runs_path, out_path, load_before, load_after = sys.argv[1:5]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
summary = {}
for r in runs:
    key = r["metric"] + (" (low-memory)" if r["low_memory"] else "")
    summary.setdefault(key, []).append(r)
table = {}
for key, rs in summary.items():
    table[key] = {"median_seconds": round(statistics.median(r["seconds"] for r in rs), 3),
                  "min_seconds": min(r["seconds"] for r in rs),
                  "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in rs), 2),
                  "peak_rss_mb": max(r["peak_rss_mb"] for r in rs), "runs": len(rs)}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "score", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "model": "random Llama hidden 768, 12 layers, GQA 12/4, MLP 2048, vocab 32000, fp32 (124.7M params)",
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load_before": load_before.strip(), "load_after": load_after.strip()},
       "summary": table, "runs": runs}
json.dump(doc, open(out_path, "w"), indent=2); open(out_path, "a").write("\n")
print("| metric | median s | min s | median CPU s | peak RSS MB | runs |")
print("|---|---:|---:|---:|---:|---:|")
for key, row in table.items():
    print(f"| {key} | {row['median_seconds']} | {row['min_seconds']} | {row['median_cpu_seconds']} | {row['peak_rss_mb']} | {row['runs']} |")
PY
log "wrote $RESULTS/score.json"
