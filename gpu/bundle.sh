#!/usr/bin/env bash
# Builds the real-GPU check's bundle: a self-contained publish of the tool (the .NET runtime included, libtorch's natives left
# out; TorchSharp's binding libLibTorchSharp.so stays), check.sh + check.py, stories260K and TorchSharp's native sources, as one
# .tar.gz that must fit in 64 MiB.
#
#   bash gpu/bundle.sh --sources torchsharp-native.tar.gz [--out artifacts/gpu-check.tar.gz]
#   bash gpu/bundle.sh --no-sources [--out FILE]     # a bundle that cannot compile the binding (the CPU dry run's test)
#
# The sources (TORCHSHARP_NATIVE_SOURCES): src/Native of the TorchSharp version in Directory.Packages.props, from any clone of
# https://github.com/dotnet/TorchSharp:  bash gpu/torchsharp-sources.sh CLONE torchsharp-native.tar.gz
# They are never committed here. Needs MODELCOMPRESS_DATA (stories260K is read from $MODELCOMPRESS_DATA/models/stories260K).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/artifacts/gpu-check.tar.gz" sources="${TORCHSHARP_NATIVE_SOURCES:-}" no_sources=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --sources) sources="$2"; shift ;;
    --no-sources) no_sources=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bundle.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
out="$(realpath -m "$out")"
[[ -z "$sources" ]] || sources="$(realpath -m "$sources")"
cd "$repo"
limit=$((64 * 1024 * 1024))
data="${MODELCOMPRESS_DATA:-$(cd .. && pwd)/shared/data}"
stories="$data/models/stories260K"
[[ -f "$stories/stories260K.bin" && -f "$stories/tok512.model" ]] || {
  echo "bundle.sh: $stories/stories260K.bin or tok512.model is missing: set MODELCOMPRESS_DATA to the test data folder" >&2; exit 2; }
version() { sed -n "s/.*PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" Directory.Packages.props; }
torchsharp="$(version TorchSharp)" libtorch="$(version libtorch-cpu-linux-x64)"
if [[ "$no_sources" == 0 ]]; then
  if [[ -z "$sources" ]]; then
    echo "bundle.sh: give TorchSharp $torchsharp's native sources with --sources FILE (or TORCHSHARP_NATIVE_SOURCES), made by" >&2
    echo "  bash gpu/torchsharp-sources.sh /path/to/TorchSharp-clone torchsharp-native.tar.gz" >&2
    echo "  (a clone of https://github.com/dotnet/TorchSharp), or pass --no-sources for a bundle that cannot compile the binding" >&2
    exit 2
  fi
  [[ -f "$sources" ]] && tar -tzf "$sources" src/Native/LibTorchSharp/CMakeLists.txt >/dev/null 2>&1 || {
    echo "bundle.sh: $sources is not a .tar.gz holding src/Native/LibTorchSharp/CMakeLists.txt (see gpu/torchsharp-sources.sh)" >&2
    exit 2; }
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/gpu-check"
mkdir -p "$root/data" "$root/native"
echo "bundle: publishing the tool (self-contained linux-x64, without libtorch)" >&2
# Its own obj/ and bin/ (artifacts/gpu-build): a RID-specific restore must not rewrite the obj/ that other builds and packs use.
dotnet publish src/ModelCompress.Cli -c Release -r linux-x64 --self-contained -p:ToolWithoutLibTorch=true -o "$root/tool" \
  --artifacts-path "$repo/artifacts/gpu-build" \
  -nodeReuse:false -p:UseSharedCompilation=false -v q >&2
if ls "$root/tool" | grep -qE '^lib(torch|c10)'; then
  echo "bundle.sh: the publish still holds libtorch natives: $(ls "$root/tool" | grep -E '^lib(torch|c10)' | tr '\n' ' ')" >&2; exit 1
fi
cp gpu/check.sh gpu/check.py gpu/README.md "$root/"
cp "$stories/stories260K.bin" "$stories/tok512.model" "$root/data/"
sources_sha=null
if [[ "$no_sources" == 0 ]]; then
  cp "$sources" "$root/native/torchsharp-native.tar.gz"
  sources_sha="\"$(sha256sum "$sources" | cut -d' ' -f1)\""
fi
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
cat > "$root/bundle.json" <<EOF
{
  "tool_commit": "$commit",
  "torchsharp_version": "$torchsharp",
  "libtorch_version": "$libtorch",
  "native_sources_sha256": $sources_sha,
  "created": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
mkdir -p "$(dirname "$out")"
tar -czf "$out.tmp" -C "$stage" gpu-check
mv "$out.tmp" "$out"
size=$(stat -c %s "$out")
unpacked=$(du -sb "$root" | cut -f1)
awk -v f="$out" -v s="$size" -v u="$unpacked" \
  'BEGIN { printf "bundle: %s: %.1f MiB compressed (%.1f MiB unpacked), limit 64 MiB\n", f, s / 1048576, u / 1048576 }' >&2
if (( size > limit )); then
  echo "bundle.sh: $out is $size bytes, over the 64 MiB ($limit bytes) that may travel to the GPU machine" >&2
  exit 1
fi
echo "$out"
