#!/usr/bin/env bash
# Streaming-prune benchmark: generates a random bf16 Llama checkpoint of ~2.4 GB in 500 MB shards (TinyLlama-1.1B shapes,
# 24 layers; written tensor by tensor, never as a model), then times CheckpointPruner.Prune removing the last 25% of layers
# (own process, peak RSS from VmHWM and /usr/bin/time) against `cp -r` of the same folder, interleaved ROUNDS times.
# Before EVERY run the input's pages are evicted from the page cache (sync, then posix_fadvise(DONTNEED) on each input
# file — only these files, so other users' caches are untouched; `fincore` checks the result), and the previous output is
# deleted, so every run reads from disk. Each run's wall time is measured with and without a following `sync` (writes go
# to the page cache first). Writes bench/results/prune-stream.json, prints a table, and deletes the generated checkpoint.
#
# BEFORE_BIN=/path/to/an/older/ModelCompress.Bench adds a third tool, "prune-before", run in the same rounds (before/after).
#
# Usage: bash bench/run-prune-stream.sh  (env: ROUNDS=3 LAYERS=24 FRACTION=0.25 WORK=/tmp/mc-bench/prune KEEP=0 RESULTS=bench/results
#   BEFORE_BIN= BENCH_BIN=, see build-bench.sh)
#   smoke run: GEN_ARGS="--hidden 256 --intermediate 512 --heads 8 --kv-heads 2 --vocab 1000 --shard-bytes 1000000" LAYERS=4 ROUNDS=1
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-3}" LAYERS="${LAYERS:-24}" FRACTION="${FRACTION:-0.25}"
WORK="${WORK:-/tmp/mc-bench/prune}" RESULTS="${RESULTS:-$BENCH_DIR/results}"
mkdir -p "$RESULTS" "$WORK"
log() { echo "[run-prune-stream] $*" >&2; }
CKPT="$WORK/checkpoint" OUT="$WORK/out"
cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -rf -- "$CKPT" "$OUT"; }
trap cleanup EXIT

source "$BENCH_DIR/build-bench.sh"
rm -rf -- "$CKPT" "$OUT"
log "generating $CKPT ($LAYERS layers)"
GEN=$(/usr/bin/time -f '%M' -o "$WORK/gen.time" "$TS_BIN" make-checkpoint --out "$CKPT" --layers "$LAYERS" ${GEN_ARGS:-} | tail -n1)
log "$GEN (max RSS $(cat "$WORK/gen.time") KB)"
GEN=$(sed "s/}$/,\"time_max_rss_kb\":$(tail -n1 "$WORK/gen.time")}/" <<<"$GEN")

evict() {   # write back, then drop the input files' pages from the page cache; print the % still cached
  sync
  /usr/bin/python3 - "$CKPT" <<'PY'
import os, sys
for name in os.listdir(sys.argv[1]):
    fd = os.open(os.path.join(sys.argv[1], name), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)
PY
  fincore -b -n -o RES,SIZE "$CKPT"/* | awk '{r += $1; s += $2} END {printf "%.2f", s ? 100 * r / s : 0}'
}

now() { date +%s.%N; }
RUNS="$RESULTS/prune-stream-runs.log"; : >"$RUNS"
LOAD_BEFORE=$(uptime); log "load before: $LOAD_BEFORE"
for ((r = 1; r <= ROUNDS; r++)); do
  tools=(prune cp ${BEFORE_BIN:+prune-before}); shift_by=$(( (r - 1) % ${#tools[@]} ))   # rotate the order every round
  for tool in "${tools[@]:shift_by}" "${tools[@]:0:shift_by}"; do
    rm -rf -- "$OUT"; cached=$(evict); load1=$(awk '{print $1}' /proc/loadavg)
    t0=$(now)
    if [[ $tool == prune* ]]; then
      bin=$TS_BIN; [[ $tool == prune-before ]] && bin=$BEFORE_BIN
      line=$(/usr/bin/time -f '%M' -o "$WORK/run.time" "$bin" prune --in "$CKPT" --out "$OUT" --fraction "$FRACTION" | tail -n1)
    else
      /usr/bin/time -f '%M' -o "$WORK/run.time" cp -r "$CKPT" "$OUT"; line='{}'
    fi
    t1=$(now); sync; t2=$(now)
    out_bytes=$(du -sb --apparent-size "$OUT" | cut -f1); in_bytes=$(du -sb --apparent-size "$CKPT" | cut -f1)
    /usr/bin/python3 - "$line" "$tool" "$r" "$t0" "$t1" "$t2" "$in_bytes" "$out_bytes" "$(tail -n1 "$WORK/run.time")" "$cached" "$load1" <<'PY' | tee -a "$RUNS" >&2
import json, sys
line, tool, r, t0, t1, t2, inb, outb, rss_kb, cached, load1 = sys.argv[1:12]
d = json.loads(line)
wall, wall_sync = float(t1) - float(t0), float(t2) - float(t0)
print(json.dumps({"tool": tool, "round": int(r), "load1": float(load1), "input_cached_percent_before": float(cached),
                  "wall_seconds": round(wall, 3), "wall_seconds_with_sync": round(wall_sync, 3),
                  "input_bytes": int(inb), "output_bytes": int(outb),
                  "read_gb_per_s": round(int(inb) / wall / 1e9, 3), "read_gb_per_s_with_sync": round(int(inb) / wall_sync / 1e9, 3),
                  "written_gb_per_s": round(int(outb) / wall / 1e9, 3),
                  "time_max_rss_mb": round(int(rss_kb) / 1024, 1), "internal": d or None}))
PY
  done
done
LOAD_AFTER=$(uptime); log "load after: $LOAD_AFTER"

/usr/bin/python3 - "$RUNS" "$RESULTS/prune-stream.json" "$GEN" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, statistics, sys, datetime
runs_path, out_path, gen, load_before, load_after = sys.argv[1:6]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
med = lambda rs, k: round(statistics.median(r[k] for r in rs), 3)
summary = {}
tools = [t for t in ("prune", "cp", "prune-before") if any(r["tool"] == t for r in runs)]
for tool in tools:
    rs = [r for r in runs if r["tool"] == tool]
    summary[tool] = {k: med(rs, k) for k in ("wall_seconds", "wall_seconds_with_sync", "read_gb_per_s", "read_gb_per_s_with_sync", "written_gb_per_s")}
    summary[tool]["max_rss_mb"] = max(r["time_max_rss_mb"] for r in rs)
    summary[tool]["runs"] = len(rs)
for tool in (t for t in tools if t != "cp"):
    p = [r for r in runs if r["tool"] == tool]
    summary[tool]["internal_seconds_median"] = round(statistics.median(r["internal"]["seconds"] for r in p), 3)
    summary[tool]["internal_peak_rss_mb_max"] = max(r["internal"]["peak_rss_mb"] for r in p)
    summary[tool]["peak_rss_fraction_of_input"] = round(summary[tool]["max_rss_mb"] * 2**20 / p[0]["input_bytes"], 4)
summary["ratio_prune_over_cp_read_gb_per_s"] = round(summary["prune"]["read_gb_per_s"] / summary["cp"]["read_gb_per_s"], 3)
if "prune-before" in summary:
    summary["ratio_prune_before_over_cp_read_gb_per_s"] = round(summary["prune-before"]["read_gb_per_s"] / summary["cp"]["read_gb_per_s"], 3)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "prune-stream", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "page_cache": "input files evicted before every run (sync + posix_fadvise DONTNEED, checked with fincore); output deleted before every run",
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load_before": load_before.strip(), "load_after": load_after.strip()},
       "checkpoint": json.loads(gen), "summary": summary, "runs": runs}
json.dump(doc, open(out_path, "w"), indent=2); open(out_path, "a").write("\n")
print("| tool | median wall s | + sync s | read GB/s | read GB/s incl. sync | written GB/s | max RSS MB | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for tool in tools:
    s = summary[tool]
    print(f"| {tool} | {s['wall_seconds']} | {s['wall_seconds_with_sync']} | {s['read_gb_per_s']} | {s['read_gb_per_s_with_sync']} | {s['written_gb_per_s']} | {s['max_rss_mb']} | {s['runs']} |")
print(f"prune peak RSS / checkpoint size: {summary['prune']['peak_rss_fraction_of_input']}")
PY
log "wrote $RESULTS/prune-stream.json"
