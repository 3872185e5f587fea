#!/usr/bin/env bash
# Forward-pass benchmark: TorchSharp (ModelCompress.Core) vs PyTorch eager (bench/python/forward.py), same random
# ~100M-parameter Llama, batch 8 x 512, 2 threads. Runs both sides INTERLEAVED (ts, py, ts, py, ...) per dtype, writes
# bench/results/forward.json and prints a markdown table.
#
# Usage: bash bench/run-forward.sh  (env: ROUNDS=3 BATCH=8 SEQ=512 THREADS=2 WARMUP=1 ITERS=3 DTYPES="fp32 bf16" RESULTS=bench/results)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-3}" BATCH="${BATCH:-8}" SEQ="${SEQ:-512}" THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-1}" ITERS="${ITERS:-3}" SEED="${SEED:-42}" DTYPES="${DTYPES:-fp32 bf16}"
ARTIFACTS="${ARTIFACTS:-$BENCH_DIR/.artifacts}"
PYTHON=/usr/bin/python3   # Debian's interpreter (python3-torch), not a pyenv python on PATH
RESULTS="${RESULTS:-$BENCH_DIR/results}"   # where forward.json and the run log go
mkdir -p "$RESULTS"

log() { echo "[run-forward] $*" >&2; }

# --- 1. Packages: python3-torch and OpenBLAS (checked with dpkg first so a second run is fast) -------------------------
missing=()
for pkg in python3-torch libopenblas0-openmp; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  log "installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-torch libopenblas0-openmp
fi

# Debian's torch links libblas.so.3 (reference BLAS unless OpenBLAS is the selected alternative).
BLAS_ALT=libblas.so.3-x86_64-linux-gnu
OPENBLAS_LIB=/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3
if [[ "$(readlink -f /etc/alternatives/$BLAS_ALT)" != "$(readlink -f $OPENBLAS_LIB)" ]]; then
  log "selecting OpenBLAS (openmp) as $BLAS_ALT"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO update-alternatives --set "$BLAS_ALT" "$OPENBLAS_LIB"
  $SUDO update-alternatives --set liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3 || true
fi

# OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons (e.g. Sapphire Rapids) and falls back to its generic
# "Prescott" SSE3 kernels: ~36 instead of ~200 GFLOP/s fp32 on 2 threads. For THIS benchmark only (never tests/CI), pick
# the kernel from the CPU flags unless OPENBLAS_CORETYPE is already set. Set BENCH_OPENBLAS_CORETYPE=none to skip.
log "OPENBLAS_CORETYPE in environment: ${OPENBLAS_CORETYPE:-<unset>}  OPENBLAS_L2_SIZE: ${OPENBLAS_L2_SIZE:-<unset>}"
PY_ENV=()
if [[ -z "${OPENBLAS_CORETYPE:-}" && "${BENCH_OPENBLAS_CORETYPE:-auto}" != none ]]; then
  core="${BENCH_OPENBLAS_CORETYPE:-auto}"
  if [[ $core == auto ]]; then
    flags=$(grep -m1 '^flags' /proc/cpuinfo)
    if [[ $flags == *avx512_bf16* ]]; then core=Cooperlake
    elif [[ $flags == *avx512f* ]]; then core=SkylakeX
    elif [[ $flags == *avx2* ]]; then core=Haswell
    else core=""; fi
  fi
  [[ -n $core ]] && PY_ENV=(OPENBLAS_CORETYPE="$core")
fi
log "PyTorch runs with: ${PY_ENV[*]:-<no extra env>}"

# Which BLAS does torch really use, and how fast is it? (maps of the running process + a timed matmul)
BLAS_JSON=$(env "${PY_ENV[@]}" "$PYTHON" - "$THREADS" <<'PY'
import ctypes, json, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l or "lapack" in l})
core = None
for lib in libs:
    if "openblas" in lib and "libopenblas" in lib:
        h = ctypes.CDLL(lib); h.openblas_get_corename.restype = ctypes.c_char_p
        core = h.openblas_get_corename().decode()
def gflops(dtype, n=1024, reps=5):
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    return round(2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9, 1)
print(json.dumps({"torch_version": torch.__version__, "blas_libs": libs, "openblas_core": core,
                  "matmul_gflops_fp32": gflops(torch.float32), "matmul_gflops_bf16": gflops(torch.bfloat16)}))
PY
)
log "PyTorch BLAS: $BLAS_JSON"

# --- 2. Build the C# benchmark (Release, output outside the project folders) ------------------------------------------
log "building ModelCompress.Bench into $ARTIFACTS"
source "$BENCH_DIR/build-bench.sh"

# --- 3. Interleaved runs ----------------------------------------------------------------------------------------------
ARGS=(--batch "$BATCH" --seq "$SEQ" --threads "$THREADS" --warmup "$WARMUP" --iters "$ITERS" --seed "$SEED")
RUNS="$RESULTS/forward-runs.log"
: >"$RUNS"
LOAD_BEFORE=$(uptime)
log "load before runs: $LOAD_BEFORE"
for dtype in $DTYPES; do
  for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS $dtype: torchsharp"
    "$TS_BIN" forward --dtype "$dtype" "${ARGS[@]}" | tail -n1 | tee -a "$RUNS" >&2
    log "round $r/$ROUNDS $dtype: pytorch"
    env "${PY_ENV[@]}" "$PYTHON" "$BENCH_DIR/python/forward.py" --dtype "$dtype" "${ARGS[@]}" | tail -n1 | tee -a "$RUNS" >&2
  done
done
LOAD_AFTER=$(uptime)
log "load after runs: $LOAD_AFTER"

# --- 4. Summary: bench/results/forward.json + markdown table -----------------------------------------------------------
"$PYTHON" - "$RUNS" "$RESULTS/forward.json" "$BLAS_JSON" "${PY_ENV[*]:-}" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, platform, statistics, sys, datetime
runs_path, out_path, blas_json, py_env, load_before, load_after = sys.argv[1:7]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
summary = {}
for dtype in dict.fromkeys(r["dtype"] for r in runs):
    row = {}
    for impl in ("torchsharp", "pytorch"):
        rs = [r for r in runs if r["dtype"] == dtype and r["impl"] == impl]
        row[impl] = {"median_tokens_per_s": round(statistics.median(r["tokens_per_s"] for r in rs), 1),
                     "median_seconds": round(statistics.median(r["median_seconds"] for r in rs), 4),
                     "median_cpu_seconds": round(statistics.median(c for r in rs for c in r.get("cpu_seconds", [])), 3)
                                           if any(r.get("cpu_seconds") for r in rs) else None,
                     "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rs), 1), "runs": len(rs)}
    row["ratio_torchsharp_over_pytorch"] = round(row["torchsharp"]["median_tokens_per_s"] / row["pytorch"]["median_tokens_per_s"], 3)
    summary[dtype] = row
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {"benchmark": "forward", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "machine": {"cpu": cpu, "cores": os.cpu_count(), "load_before": load_before.strip(), "load_after": load_after.strip()},
       "pytorch_blas": json.loads(blas_json), "pytorch_env": py_env, "summary": summary, "runs": runs}
with open(out_path, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print("| dtype | TorchSharp tok/s | PyTorch tok/s | ratio TS/PT | TorchSharp peak RSS MB | PyTorch peak RSS MB | CPU s/iter TS | CPU s/iter PT |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for dtype, row in summary.items():
    ts, pt = row["torchsharp"], row["pytorch"]
    print(f"| {dtype} | {ts['median_tokens_per_s']} | {pt['median_tokens_per_s']} | {row['ratio_torchsharp_over_pytorch']} "
          f"| {ts['peak_rss_mb']} | {pt['peak_rss_mb']} | {ts['median_cpu_seconds']} | {pt['median_cpu_seconds']} |")
PY
log "wrote $RESULTS/forward.json"
