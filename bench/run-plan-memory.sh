#!/usr/bin/env bash
# Plan-vs-measured memory benchmark: makes a random Qwen2.5-3B-shaped bf16 checkpoint (hidden 2048, 36 layers, MLP 11008,
# 16 query / 2 KV heads, vocab 151936, tied embeddings: 3.09B parameters, ~6.2 GB), measures the peak RSS (GNU time's
# maximum resident set) of `dotnet compress eval --dtype bf16` (arc_easy, 20 items, batch 16), a partial heal (k=3) and a LoRA
# heal (r=8, all projections) of 2 optimizer steps (batch 2, micro-batch 1, 64 tokens, 2 validation windows of TinyStories
# text), and the runtime alone (eval of a one-layer 64-wide model), each in its own process, one at a time; then `plan --json`'s
# estimate for the same settings (planned from the checkpoint's config.json alone) beside each. Writes
# bench/results/plan-memory.json and prints a table. The checkpoint is deleted afterwards (KEEP_MODEL=1 keeps it).
#
# Usage: bash bench/run-plan-memory.sh  (env: MODEL=/tmp/mc-plan-3b, LAYERS=36 for a smaller shape, CLI=path/to/dotnet-compress,
#   RESULTS=bench/results, MIN_FREE_GB=16: refuse to start with less available memory)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
MODEL="${MODEL:-/tmp/mc-plan-3b}" LAYERS="${LAYERS:-36}" RESULTS="${RESULTS:-$BENCH_DIR/results}" MIN_FREE_GB="${MIN_FREE_GB:-16}"
CLI="${CLI:-$ROOT/src/ModelCompress.Cli/bin/Debug/net10.0/dotnet-compress}"
export MODELCOMPRESS_DATA="${MODELCOMPRESS_DATA:-/work/shared/data}"
DATA="$MODELCOMPRESS_DATA/text/tinystories/tinystories_valid_head.txt"
WORK="$(mktemp -d /tmp/mc-plan-bench.XXXXXX)"
log() { echo "[run-plan-memory] $*" >&2; }
trap 'rm -rf -- "$WORK"; [[ "${KEEP_MODEL:-0}" == 1 ]] || rm -rf -- "$MODEL"' EXIT

free_gb=$(awk '/MemAvailable/ {printf "%d", $2 / 1048576}' /proc/meminfo)
(( free_gb >= MIN_FREE_GB )) || { log "only $free_gb GB available (need $MIN_FREE_GB): try later or LAYERS=12"; exit 1; }
[[ -x $CLI ]] || dotnet build "$ROOT/src/ModelCompress.Cli" -v q -nologo >&2
source "$BENCH_DIR/build-bench.sh"
if [[ ! -f $MODEL/config.json ]]; then
  log "making the random checkpoint in $MODEL"
  "$TS_BIN" make-checkpoint --out "$MODEL" --layers "$LAYERS" --hidden 2048 --intermediate 11008 --heads 16 --kv-heads 2 \
    --vocab 151936 --tied true --shard-bytes 2200000000 >&2
fi

# The runtime alone: a one-layer, 64-wide model (the process's floor: .NET, libtorch, tokenizer).
"$TS_BIN" make-checkpoint --out "$WORK/tiny" --layers 1 --hidden 64 --intermediate 128 --heads 4 --kv-heads 4 --vocab 32000 >&2

# The plan reads config.json alone (a copy, so the 6 GB folder is not hashed).
mkdir -p "$WORK/config" && cp "$MODEL/config.json" "$WORK/config/"
cat >"$WORK/pruning.yaml" <<YAML
name: plan-memory
model: { source: config }
compute: { device: cpu, dtype: bf16 }
stages:
  - { id: eval, type: evaluate, tasks: [arc_easy], limit: 20, batch_size: 16 }
  - { id: partial, type: finetune, method: partial, trainable_layers: 3, data: $DATA, format: text, batch_size: 2,
      micro_batch_size: 1, max_len: 64, val_size: 2, max_steps: 2, warmup_steps: 0, eval_steps: 2, save_steps: 100 }
  - { id: lora, type: finetune, method: lora, data: $DATA, format: text, batch_size: 2, micro_batch_size: 1, max_len: 64,
      val_size: 2, max_steps: 2, warmup_steps: 0, eval_steps: 2, save_steps: 100 }
YAML
"$CLI" plan "$WORK/pruning.yaml" --out "$WORK/plan-out" --json >"$WORK/plan.json"

measure() {   # name, command...: one JSON line with the peak RSS in MiB and the seconds
  local name=$1; shift
  log "$name: $* (load1 $(awk '{print $1}' /proc/loadavg), available $(awk '/MemAvailable/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GB)"
  local start=$SECONDS
  /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$@" >"$WORK/$name.log" 2>&1 || { log "$name failed:"; tail -5 "$WORK/$name.log" >&2; exit 1; }
  echo "{\"name\":\"$name\",\"peak_rss_mib\":$(( $(cat "$WORK/$name.rss") / 1024 )),\"seconds\":$(( SECONDS - start ))}" >>"$WORK/measured.jsonl"
}
: >"$WORK/measured.jsonl"
measure runtime "$CLI" eval --model "$WORK/tiny" --tasks arc_easy --limit 20 --batch-size 16 --dtype bf16 --device cpu \
  --output "$WORK/tiny.json"
measure eval "$CLI" eval --model "$MODEL" --tasks arc_easy --limit 20 --batch-size 16 --dtype bf16 --device cpu --output "$WORK/eval.json"
for method in partial lora; do
  measure "$method" "$CLI" finetune --model "$MODEL" --out "$WORK/$method-out" --data "$DATA" --format text --method "$method" \
    --trainable-layers 3 --batch-size 2 --micro-batch-size 1 --max-len 64 --val-size 2 --max-steps 2 --warmup-steps 0 \
    --eval-steps 2 --save-steps 100 --dtype bf16 --device cpu
  rm -rf -- "$WORK/$method-out"
done

/usr/bin/python3 - "$WORK/measured.jsonl" "$WORK/plan.json" "$RESULTS/plan-memory.json" "$LAYERS" <<'PY'
import json, sys, datetime, os
measured_path, plan_path, out_path, layers = sys.argv[1:5]
measured = {m["name"]: m for m in map(json.loads, open(measured_path))}
plan = json.load(open(plan_path))
steps = {s["id"]: s for s in plan["steps"]}
mib = lambda b: round(b / 2**20)
rows = []
for name, step in [("runtime", None), ("eval", "eval (candidate)"), ("partial", "partial"), ("lora", "lora")]:
    m = measured.get(name)
    if m is None: continue
    if step is None:
        est = plan["target"]["runtime_bytes"]
        rows.append({"name": name, "measured_mib": m["peak_rss_mib"], "planned_mib": mib(est), "seconds": m["seconds"]})
        continue
    e = steps[step]["estimate"]
    rows.append({"name": name, "measured_mib": m["peak_rss_mib"], "planned_mib": mib(e["peak_bytes"]), "seconds": m["seconds"],
                 "planned": {k: mib(v) for k, v in e["memory"].items()}})
for r in rows: r["error_percent"] = round(100 * (r["planned_mib"] - r["measured_mib"]) / r["measured_mib"], 1)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "plan-memory", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "model": f"random Qwen2.5-3B-shaped bf16 checkpoint: hidden 2048, {layers} layers, MLP 11008, heads 16/2, vocab 151936, tied",
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load": open("/proc/loadavg").read().strip()},
       "measure": "peak RSS (GNU time %M) of the CLI process; plan: plan --json's peak_bytes for the same settings", "rows": rows}
json.dump(doc, open(out_path, "w"), indent=2); open(out_path, "a").write("\n")
print("| run | measured peak RSS MiB | plan MiB | error | seconds |")
print("|---|---:|---:|---:|---:|")
for r in rows: print(f"| {r['name']} | {r['measured_mib']:,} | {r['planned_mib']:,} | {r['error_percent']:+.1f}% | {r['seconds']} |")
PY
log "wrote $RESULTS/plan-memory.json"
