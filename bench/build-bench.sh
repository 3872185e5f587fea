#!/usr/bin/env bash
# Builds bench/ModelCompress.Bench in Release into bench/.artifacts (never the projects' own bin/obj) and removes the stray
# torchsharp-native copies build/TorchSharpNative.targets leaves inside project folders with an absolute artifacts path
# (see README "Caveats"). Sourced by the run-*.sh scripts; prints nothing on success. Sets TS_BIN.
BENCH_DIR="${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
ARTIFACTS="${ARTIFACTS:-$BENCH_DIR/.artifacts}"
dotnet build "$BENCH_DIR/ModelCompress.Bench" -c Release --artifacts-path "$ARTIFACTS" -v:q -nologo >&2
for proj in "$BENCH_DIR/ModelCompress.Bench" "$BENCH_DIR/../src/ModelCompress.Core"; do
  stray="$proj/${ARTIFACTS#/}"
  for dir in "$stray"/obj/*/release/torchsharp-native; do
    [[ -d $dir ]] && rm -rf -- "$dir"
  done
  [[ -d $stray ]] && find "$proj/$(cut -d/ -f2 <<<"$ARTIFACTS")" -depth -type d -empty -delete 2>/dev/null || true
done
TS_BIN="$ARTIFACTS/bin/ModelCompress.Bench/release/ModelCompress.Bench"
[[ -x $TS_BIN ]] || { echo "missing $TS_BIN" >&2; exit 1; }
