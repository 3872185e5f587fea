#!/usr/bin/env bash
# The real-GPU check, run from the unpacked bundle (gpu/bundle.sh) on a Linux x86-64 machine with an NVIDIA GPU and a CUDA
# PyTorch, no .NET and no network:   bash check.sh [--out DIR] [--libtorch DIR] [--layers N]
# CPU dry run on a development machine: bash check.sh --cpu --libtorch DIR   (or CHECK_CPU=1; DIR: a CPU libtorch 2.10 lib/ folder,
# e.g. the tool's bin/…/runtimes/linux-x64/native; python parts with /usr/bin/python3).
# Ends with ONE JSON line of figures on stdout, also written to OUT/check.json. Exit 0 when every check passed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cpu="${CHECK_CPU:-0}" out="${CHECK_OUT:-$PWD/gpu-check}" libtorch="${MODELCOMPRESS_LIBTORCH:-}" layers="${CHECK_LAYERS:-}"
# CHECK_BINDING=overlay forces the overlay path (the bundled binding in a linked copy of the folder), as a mismatched torch takes.
force="${CHECK_BINDING:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cpu) cpu=1 ;;
    --out) out="$2"; shift ;;
    --libtorch) libtorch="$2"; shift ;;
    --layers) layers="$2"; shift ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
started=$(date +%s)
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$out/check.log"
: > "$log"
say() { echo "check: $*" >&2; echo "check: $*" >> "$log"; }
tool="$here/tool/dotnet-compress"
[[ -x "$tool" ]] || { echo "check.sh: $tool is missing: run check.sh from an unpacked bundle (gpu/bundle.sh)" >&2; exit 2; }
torchsharp_version="$(sed -n 's/.*"torchsharp_version": *"\([^"]*\)".*/\1/p' "$here/bundle.json")"

if [[ "$cpu" == 1 ]]; then
  python="${CHECK_PYTHON:-/usr/bin/python3}" device=cpu shape=tiny
  [[ -n "$libtorch" ]] || { echo "check.sh --cpu: give the CPU libtorch lib/ folder with --libtorch DIR" >&2; exit 2; }
else
  python="${CHECK_PYTHON:-python3}" device=cuda shape=llama-3.1-8b
  if [[ -z "$libtorch" ]]; then
    libtorch="$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
  fi
fi
libtorch="$(cd "$libtorch" && pwd)"
say "tool $tool; libtorch folder $libtorch; python $python ($("$python" -c 'import torch; print(torch.__version__)'))"

# A folder of links to DIR's files (and to the folders beside DIR's parent, which pip torch's RPATHs such as
# $ORIGIN/../../nvidia/cublas/lib reach) with a libLibTorchSharp.so of our choice: the tool uses a folder's own binding.
overlay() { # overlay SOURCE_LIB BINDING ROOT -> prints the overlay's lib/ folder
  local src="$1" binding="$2" root="$3" parent site
  parent="$(dirname "$src")" site="$(dirname "$parent")"
  rm -rf "$root"; mkdir -p "$root/site/torch/lib"
  for f in "$src"/*; do ln -s "$f" "$root/site/torch/lib/"; done
  for f in "$parent"/version.py "$parent"/build-version; do [[ -f "$f" ]] && cp "$f" "$root/site/torch/"; done
  for f in "$site"/*; do [[ "$(basename "$f")" == "$(basename "$parent")" ]] || ln -s "$f" "$root/site/" 2>/dev/null || true; done
  if [[ ! -f "$root/site/torch/version.py" && ! -f "$root/site/torch/build-version" ]]; then
    # Only the dry run gets here: a bare folder of the CPU libtorch the tool was built with (its version is recorded in the bundle).
    sed -n 's/.*"libtorch_version": *"\([^"]*\)".*/\1/p' "$here/bundle.json" > "$root/site/torch/build-version"
  fi
  rm -f "$root/site/torch/lib/libLibTorchSharp.so"
  cp "$binding" "$root/site/torch/lib/libLibTorchSharp.so"
  echo "$root/site/torch/lib"
}

doctor() { # doctor DIR [now] -> 0 when libtorch loads from DIR; the JSON in $out/doctor.json
  local rc=0 bind=()
  # "now": resolve every symbol at load (LD_BIND_NOW), so a binding built for another libtorch that lacks one of its functions
  # fails here instead of with "symbol lookup error" in the middle of a run (the loader binds functions lazily by default).
  [[ "${2:-}" == now ]] && bind=(env LD_BIND_NOW=1)
  "${bind[@]}" "$tool" doctor --json --libtorch "$1" > "$out/doctor.json" 2>> "$log" || rc=$?
  say "doctor --libtorch $1${bind:+ (LD_BIND_NOW=1)}: exit $rc"
  return $rc
}

compile_binding() { # compile_binding -> prints the compiled libLibTorchSharp.so
  local src="$here/native/torchsharp-native.tar.gz" build="$out/native-build" cmake_dir gen=()
  [[ -f "$src" ]] || { say "no TorchSharp native sources in the bundle ($src): rebuild it with gpu/bundle.sh --sources"; return 1; }
  cmake_dir="$("$python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')/Torch"
  rm -rf "$build"; mkdir -p "$build"
  tar -xzf "$src" -C "$build"
  # TorchSharp builds with -Werror; a newer libtorch's deprecation warnings must not stop this build.
  sed -i 's/add_definitions(-Werror)/add_definitions(-Wno-error)/' "$build/src/Native/CMakeLists.txt"
  command -v ninja >/dev/null && gen=(-G Ninja)
  say "compiling TorchSharp $torchsharp_version's binding against $cmake_dir (log: $out/native-build.log)"
  {
    cmake -S "$build/src/Native" -B "$build/out" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$cmake_dir" \
      -DLIBTORCH_PATH="$(dirname "$libtorch")" -DCMAKE_PREFIX_PATH="$(dirname "$cmake_dir")" \
      && timeout "${CHECK_COMPILE_TIMEOUT:-420}" cmake --build "$build/out" --target LibTorchSharp -j "$(nproc)"
  } > "$out/native-build.log" 2>&1 || {
    say "the binding did not compile (tail of $out/native-build.log):"; tail -20 "$out/native-build.log" >&2; return 1; }
  find "$build/out" -name libLibTorchSharp.so | head -1
}

binding=bundled chosen="$libtorch" t0=$(date +%s)
if [[ "$force" == overlay ]] || ! doctor "$libtorch"; then
  binding=bundled-overlay
  chosen="$(overlay "$libtorch" "$here/tool/libLibTorchSharp.so" "$out/overlay")"
  if ! doctor "$chosen" now; then
    binding=compiled
    compiled="$(compile_binding)" || compiled=""
    if [[ -z "$compiled" ]] || ! doctor "$(overlay "$libtorch" "$compiled" "$out/overlay")"; then
      say "gave up: the tool does not load $libtorch with the bundled binding nor with one compiled from TorchSharp's sources"
      mode=cuda; [[ "$cpu" == 1 ]] && mode=cpu-dry-run
      printf '{"check":"modelcompress-gpu","mode":"%s","ok":false,"libtorch":{"dir":"%s","binding":"none"},"problems":[%s]}\n' \
        "$mode" "$libtorch" "\"libtorch did not load with the bundled binding nor a compiled one (see $log)\"" | tee "$out/check.json"
      exit 1
    fi
    chosen="$out/overlay/site/torch/lib"
  fi
fi
binding_seconds=$(( $(date +%s) - t0 ))
say "libtorch loads with the $binding binding from $chosen"

args=(--tool "$tool" --libtorch "$chosen" --device "$device" --data "$here/data" --work "$out/work" --result "$out/check.json"
      --shape "$shape" --doctor "$out/doctor.json" --binding "$binding" --binding-seconds "$binding_seconds")
[[ -n "$layers" ]] && args+=(--layers "$layers")
rc=0
"$python" "$here/check.py" "${args[@]}" || rc=$?
say "done in $(( $(date +%s) - started )) s (exit $rc); tool log: $out/work/tool.log"
exit $rc
