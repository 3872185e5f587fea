#!/usr/bin/env bash
# Writes src/Native of the TorchSharp version in Directory.Packages.props, from a git clone (or bare mirror) of
# https://github.com/dotnet/TorchSharp, as a .tar.gz for gpu/bundle.sh --sources:
#
#   git clone --bare https://github.com/dotnet/TorchSharp /tmp/TorchSharp.git     # once, wherever a network is
#   bash gpu/torchsharp-sources.sh /tmp/TorchSharp.git torchsharp-native.tar.gz
#
# It takes the tag v<version> when the clone has it, else the newest commit whose build/BranchInfo.props says that version
# (the release commit; some mirrors carry no tags), and says which.
set -euo pipefail
[[ $# -eq 2 ]] || { sed -n '2,9p' "$0" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
clone="$1" out="$(realpath -m "$2")"
version="$(sed -n 's/.*PackageVersion Include="TorchSharp" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")"
git_() { git -C "$clone" "$@"; }
git_ rev-parse --git-dir >/dev/null 2>&1 || { echo "torchsharp-sources.sh: $clone is not a git clone of TorchSharp" >&2; exit 2; }
branch_version() { # COMMIT -> Major.Minor.Patch of its build/BranchInfo.props
  git_ show "$1:build/BranchInfo.props" 2>/dev/null \
    | sed -n 's/.*<\(Major\|Minor\|Patch\)Version>\([0-9]*\)<.*/\2/p' | paste -sd. -
}
commit=""
if git_ rev-parse -q --verify "refs/tags/v$version^{commit}" >/dev/null; then
  commit="$(git_ rev-parse "refs/tags/v$version^{commit}")"
  echo "torchsharp-sources: tag v$version = $commit" >&2
else
  # Commits that changed the version, newest first: the newest commit of $version is just before the next change (or HEAD).
  newer=HEAD
  for c in $(git_ log --first-parent --format=%H HEAD -- build/BranchInfo.props); do
    if [[ "$(branch_version "$c")" == "$version" ]]; then
      commit="$(git_ rev-parse "$newer")"
      [[ "$newer" == HEAD ]] || commit="$(git_ rev-parse "$newer^")"
      break
    fi
    newer="$c"
  done
  [[ -n "$commit" ]] || { echo "torchsharp-sources.sh: no tag v$version and no commit of version $version in $clone" >&2; exit 1; }
  echo "torchsharp-sources: no tag v$version in $clone; the newest commit of version $version is $commit" \
       "($(git_ log -1 --format='%ad %s' --date=short "$commit"))" >&2
fi
[[ "$(branch_version "$commit")" == "$version" ]] || { echo "torchsharp-sources.sh: $commit is not version $version" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
git_ archive --format=tar.gz -o "$out.tmp" "$commit" src/Native
mv "$out.tmp" "$out"
echo "torchsharp-sources: wrote $out ($(stat -c %s "$out") bytes, TorchSharp $version src/Native at $commit)" >&2
