#!/usr/bin/env bash
# Builds bench/ModelCompress.Bench in Release into bench/.artifacts (never the projects' own bin/obj).
# Sourced by the run-*.sh scripts; prints nothing on success. Sets TS_BIN.
# BENCH_BIN=/path/to/ModelCompress.Bench skips the build and runs that binary instead (e.g. a copy of an earlier build's
# bench/.artifacts/bin/ModelCompress.Bench/release folder, for before/after comparisons).
BENCH_DIR="${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
ARTIFACTS="${ARTIFACTS:-$BENCH_DIR/.artifacts}"
if [[ -n "${BENCH_BIN:-}" ]]; then
  TS_BIN="$BENCH_BIN"
else
  dotnet build "$BENCH_DIR/ModelCompress.Bench" -c Release --artifacts-path "$ARTIFACTS" -v:q -nologo >&2
  TS_BIN="$ARTIFACTS/bin/ModelCompress.Bench/release/ModelCompress.Bench"
fi
[[ -x $TS_BIN ]] || { echo "missing $TS_BIN" >&2; exit 1; }
