#!/usr/bin/env bash
# The GPU benchmark on a machine with one NVIDIA GPU, no network and no Node (bench/gpu/README.md),
# from the bundle that bench/gpu/pack.sh made (.gpubundle/, carried next to the repository):
# unpacks Node, dist/ and the node_modules it needs, the Vulkan loader if the machine has none,
# then runs `node bench/gpu/bench.mjs ARGS` (it prints the adapter string first).
#   bench/gpu/run.sh [bench.mjs options]   e.g. --batches 256,1024,4096 --tstop 20 --budget 480
#   bench/gpu/run.sh --stage               only copy the bundle parts carried this time into the
#                                          work folder (a bundle cut into parts: PART_MB=9 pack.sh)
# A CPU dry run here: DENDRITE_GPU_MODE=cpu bench/gpu/run.sh --batches 2,4 --tstop 1 --cpu-tstop 2
set -euo pipefail
cd "$(dirname "$0")/../.."
B=.gpubundle
W="${DENDRITE_GPU_WORK:-/tmp/dendrite-gpu}"
mkdir -p "$W"
unxz() {
  if command -v xz >/dev/null 2>&1; then xz -dc "$1"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi
}
if compgen -G "$B/parts/bundle.tar.part-*" >/dev/null; then cp "$B"/parts/bundle.tar.part-* "$W"/; fi
if [ "${1:-}" = "--stage" ]; then
  echo "run.sh: staged $(ls "$W"/bundle.tar.part-* 2>/dev/null | wc -l) bundle parts in $W"
  exit 0
fi
if compgen -G "$W/bundle.tar.part-*" >/dev/null; then
  cat "$W"/bundle.tar.part-* | tar -xf - -C "$W"
  SRC="$W"
else
  SRC="$B"
fi
(cd "$SRC" && sha256sum --quiet -c SHA256SUMS) || { echo "run.sh: the bundle in $SRC is incomplete or damaged (SHA256SUMS)"; exit 1; }
unxz "$SRC/node.xz" > "$W/node"
chmod +x "$W/node"
unxz "$SRC/runtime.tar.xz" | tar -xf -
# The Vulkan loader, only for a real GPU run on a machine with an NVIDIA GPU and without the loader
# (never in the CPU test modes: a dry run must not install anything).
LDCONFIG="$(command -v ldconfig || echo /sbin/ldconfig)"
case "${DENDRITE_GPU_MODE:-gpu}" in
  gpu|'')
    if [ -e /dev/nvidia0 ] && ! "$LDCONFIG" -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
      for f in "$SRC"/debs/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
      "$LDCONFIG" || true
    fi ;;
esac
if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L || echo "run.sh: no nvidia-smi"
exec "$W/node" bench/gpu/bench.mjs "$@"
