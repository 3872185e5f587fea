#!/usr/bin/env bash
# Generation benchmark: greedy decoding with the KV cache, left-padded batches of BATCH rows vs one sequence at a time
# (batch 1), on stories260K and on the random ~100M Llama (fp32). Every configuration runs in its OWN process (peak RSS is
# its own), interleaved (batched, single, batched, single, ...). Checks that both modes generate the same ids. Writes
# bench/results/generate.json and prints a markdown table.
#
# Usage: bash bench/run-generate.sh  (env: ROUNDS=2 BATCH=16 PROMPTS=32 PROMPT_TOKENS=96 NEW=64 THREADS=2 MODELS="stories260K 100m"
#                                     MODEL=/tmp/mc-bench/model100m KEEP_MODEL=0 RESULTS=bench/results)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-2}" BATCH="${BATCH:-16}" PROMPTS="${PROMPTS:-32}" PROMPT_TOKENS="${PROMPT_TOKENS:-96}" NEW="${NEW:-64}"
THREADS="${THREADS:-2}" MODELS="${MODELS:-stories260K 100m}"
MODEL="${MODEL:-/tmp/mc-bench/model100m}" RESULTS="${RESULTS:-$BENCH_DIR/results}"
mkdir -p "$RESULTS"
log() { echo "[run-generate] $*" >&2; }

source "$BENCH_DIR/build-bench.sh"
made_model=0
if [[ " $MODELS " == *" 100m "* && ! -f $MODEL/model.safetensors ]]; then
  log "saving the random ~100M model to $MODEL"; "$TS_BIN" make-model --out "$MODEL" >&2; made_model=1
fi

RUNS="$RESULTS/generate-runs.log"; : >"$RUNS"
LOAD_BEFORE=$(uptime); log "load before: $LOAD_BEFORE"
for ((r = 1; r <= ROUNDS; r++)); do
  for m in $MODELS; do
    dir=$m; [[ $m == 100m ]] && dir=$MODEL
    for b in "$BATCH" 1; do
      log "round $r/$ROUNDS: $m batch $b (load1 $(awk '{print $1}' /proc/loadavg))"
      "$TS_BIN" generate --model "$dir" --batch "$b" --prompts "$PROMPTS" --prompt-tokens "$PROMPT_TOKENS" --new "$NEW" \
        --threads "$THREADS" | tail -n1 | sed "s/^{/{\"round\":$r,\"name\":\"$m\",\"load1\":$(awk '{print $1}' /proc/loadavg),/" \
        | tee -a "$RUNS" >&2
    done
  done
done
LOAD_AFTER=$(uptime); log "load after: $LOAD_AFTER"
[[ $made_model == 1 && "${KEEP_MODEL:-0}" != 1 ]] && rm -rf -- "$MODEL"

/usr/bin/python3 - "$RUNS" "$RESULTS/generate.json" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, statistics, sys, datetime
runs_path, out_path, load_before, load_after = sys.argv[1:5]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
table = {}
for r in runs:
    table.setdefault(r["name"], {}).setdefault(r["batch"], []).append(r)
summary = {}
for name, by_batch in table.items():
    rows = {}
    for b, rs in sorted(by_batch.items(), reverse=True):
        rows[f"batch {b}"] = {"median_tokens_per_s": statistics.median(x["tokens_per_s"] for x in rs),
                              "median_seconds": statistics.median(x["seconds"] for x in rs),
                              "median_cpu_seconds": statistics.median(x["cpu_seconds"] for x in rs),
                              "peak_rss_mb": max(x["peak_rss_mb"] for x in rs), "generated_tokens": rs[0]["generated_tokens"],
                              "params": rs[0]["params"], "runs": len(rs)}
    hashes = {x["ids_sha256"] for rs in by_batch.values() for x in rs}
    speeds = [v["median_tokens_per_s"] for v in rows.values()]
    summary[name] = {"rows": rows, "same_ids_all_runs": len(hashes) == 1, "speedup_batched_over_single": round(speeds[0] / speeds[-1], 2)}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "generate", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load_before": load_before.strip(), "load_after": load_after.strip()},
       "summary": summary, "runs": runs}
json.dump(doc, open(out_path, "w"), indent=2); open(out_path, "a").write("\n")
print("| model | rows | generated tokens | median s | tokens/s | median CPU s | peak RSS MB | speed-up | same ids |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for name, s in summary.items():
    for key, row in s["rows"].items():
        print(f"| {name} | {key} | {row['generated_tokens']} | {row['median_seconds']} | {row['median_tokens_per_s']} | "
              f"{row['median_cpu_seconds']} | {row['peak_rss_mb']} | {s['speedup_batched_over_single']} | {s['same_ids_all_runs']} |")
PY
