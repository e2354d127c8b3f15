#!/usr/bin/env bash
# Assembles .gpu/ (ignored by git), the payload that bench/gpu/device-run.sh needs on a GPU
# machine with no network and no Node: this machine's Node, the webgpu package (dawn.node) for
# linux-x64, onnxruntime-web's WebGPU and WASM files, the Vulkan/GL loader .debs, a weightless
# skeleton of ConvNeXt-Tiny, the app's per-frame code bundled for Node and the e2e tests' camera
# video (the camera figure, camera-loop.mjs). Run in a repo root, here.
#   GPU_MODEL_CACHE=DIR  where convnext-tiny-untrained/ (and convnext-atto-untrained-fp16/) are
#                        (default model/.cache; exported with model/export.py when missing)
#   GPU_FP16W=1          also carry the fp16-weights Atto (6 MB: the tree no longer fits 64 MiB
#                        with it; its figure, no faster than fp32, is in the README)
#   GPU_NODE=FILE        the Node binary to carry (default: `command -v node`)
#   GPU_PYTHON=FILE      a Python with onnx + numpy (default: the first of /usr/bin/python3, python3 that has them)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
G=.gpu
WEBGPU_VERSION=0.6.2
XZ=(xz -T"${GPU_XZ_THREADS:-2}" -9 -c)
CACHE=${GPU_MODEL_CACHE:-model/.cache}
NODE_BIN=${GPU_NODE:-$(command -v node)}
ORT_DIST=node_modules/onnxruntime-web/dist
work=${GPU_PREPARE_TMP:-/tmp/convlens-gpu-prepare}
say() { printf '[prepare] %s\n' "$*"; }
mkdir -p "$G"/{webgpu/dist/linux-x64,ort,gl,models,lib} "$work"

PY=${GPU_PYTHON:-}
if [ -z "$PY" ]; then
  for p in /usr/bin/python3 python3; do
    if "$p" -c 'import onnx, numpy' 2>/dev/null; then PY=$p; break; fi
  done
fi
[ -n "$PY" ] || { echo "no Python with onnx and numpy (set GPU_PYTHON)" >&2; exit 1; }

# xz FILE into DEST [with extra xz options] unless DEST was made from the same FILE and options
# (sha256 and options kept beside it).
pack() {
  local src=$1 dst=$2 sum
  shift 2
  sum="$(sha256sum "$src" | cut -d' ' -f1)${*:+ $*}"
  if [ -f "$dst" ] && [ "$(cat "$dst.src-sha256" 2>/dev/null)" = "$sum" ]; then say "up to date: $dst"; return; fi
  say "xz${*:+ $*} $src -> $dst"
  "${XZ[@]}" "$@" "$src" >"$dst.tmp" && mv "$dst.tmp" "$dst"
  echo "$sum" >"$dst.src-sha256"
}
# Executables: x86 branch filter first, the slowest preset (node 21.9 -> 21.1 MB).
X86=(--x86 --lzma2=preset=9e)

# 1. Node: stripped of its debug info (same code; 99 -> 86 MB), xz'd.
say "node: $NODE_BIN ($("$NODE_BIN" --version))"
needed=$(objdump -p "$NODE_BIN" | awk '/NEEDED/ {print $2}' | tr '\n' ' ')
say "node needs: $needed(all in a stock Ubuntu 24.04: libc6, libstdc++6, libgcc-s1)"
glibc=$(objdump -T "$NODE_BIN" | grep -oE 'GLIBC_[0-9.]+' | sort -uV | tail -1)
say "node's newest glibc symbol: $glibc"
strip --strip-all -o "$work/node" "$NODE_BIN"
pack "$work/node" "$G/node.xz" "${X86[@]}"

# 2. webgpu@0.6.2 (dawn.node), linux-x64 only. Pinned; never in package.json (51 MB for CI).
if [ ! -f "$work/webgpu-$WEBGPU_VERSION.tgz" ]; then
  say "npm pack webgpu@$WEBGPU_VERSION"
  (cd "$work" && npm pack "webgpu@$WEBGPU_VERSION" --silent >/dev/null)
fi
rm -rf "$work/webgpu" && mkdir -p "$work/webgpu"
tar -xzf "$work/webgpu-$WEBGPU_VERSION.tgz" -C "$work/webgpu"
p="$work/webgpu/package"
grep -q "\"version\": \"$WEBGPU_VERSION\"" "$p/package.json"
cp "$p/index.js" "$p/package.json" "$p/LICENSE.md" "$G/webgpu/"
pack "$p/dist/linux-x64/dawn.node" "$G/webgpu/dist/linux-x64/dawn.node.xz" "${X86[@]}"
glibcxx=$(objdump -T "$p/dist/linux-x64/dawn.node" | grep -oE 'GLIBCXX_[0-9.]+' | sort -uV | tail -1)
say "dawn.node needs $glibcxx; carrying this machine's libstdc++ for a system without it"
libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !f {print $NF; f = 1}')
pack "$libstdcxx" "$G/lib/libstdc++.so.6.xz"

# 3. onnxruntime-web: the WebGPU build (asyncify .wasm) and the WASM build (plain threaded .wasm).
ort_version=$(node -p "require('./node_modules/onnxruntime-web/package.json').version")
rm -f "$G"/ort/*.mjs
for f in ort.webgpu.min.mjs ort.wasm.min.mjs ort-wasm-simd-threaded.asyncify.mjs ort-wasm-simd-threaded.mjs; do
  cp "$ORT_DIST/$f" "$G/ort/$f"
done
cp node_modules/onnxruntime-web/package.json "$G/ort/package.json"
[ -f node_modules/onnxruntime-web/LICENSE ] && cp node_modules/onnxruntime-web/LICENSE "$G/ort/LICENSE"
for f in ort-wasm-simd-threaded.asyncify.wasm ort-wasm-simd-threaded.wasm; do
  pack "$ORT_DIST/$f" "$G/ort/$f.xz"
done

# The app's own code for Node, from TypeScript: the batched GPU read-back (webgpu-bench.mjs run),
# and one camera frame's pipeline with what it imports (camera-loop.mjs), bundled by rolldown
# (Vite's bundler, already in node_modules) since the app's extensionless imports need a bundler.
rm -rf "$G/app"
npx tsc src/worker/gpuReadback.ts --target es2022 --module es2022 --moduleResolution bundler --types @webgpu/types --strict --outDir "$G/app"
node_modules/.bin/rolldown bench/gpu/cameraFrame.ts --format esm --platform node --file "$G/app/cameraFrame.js" --logLevel warn >/dev/null

# The e2e camera tests' video (scripts/y4m.ts, as e2e/camera.spec.ts writes it), 2.3 MB, 134 KB xz'd.
samples=public/samples
[ -f "$samples/coffee.png" ] || samples=../shared/samples
node_modules/.bin/rolldown bench/gpu/cameraVideo.ts --format esm --platform node --file "$work/cameraVideo.js" --logLevel warn >/dev/null
node "$work/cameraVideo.js" "$work/camera-coffee-chelsea.y4m" "$samples"
mkdir -p "$G/camera"
pack "$work/camera-coffee-chelsea.y4m" "$G/camera/camera-coffee-chelsea.y4m.xz"


# 4. Vulkan / GL loaders, as the device notes say (dpkg -x'd there when missing).
if ! ls "$G"/gl/*.deb >/dev/null 2>&1; then
  say "apt-get download the loader .debs"
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update >/dev/null
  (cd "$G/gl" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
fi
ls "$G"/gl/libvulkan1_*.deb >/dev/null

# 5. Models. Atto (fp32) is committed and travels with the repo; the others come from the cache.
export_model() { # id arch [extra export.py flags]
  local id=$1 arch=$2; shift 2
  if [ ! -f "$CACHE/$id/model.onnx" ]; then
    say "exporting $id with model/export.py (untrained, not committed)"
    "$PY" model/export.py --arch "$arch" --out "$CACHE/$id" --id "$id" --no-golden --reference-dir "model/.reference/$id" "$@"
  fi
}
if [ -n "${GPU_FP16W:-}" ]; then
  export_model convnext-atto-untrained-fp16 convnext_atto --fp16-weights
  mkdir -p "$G/models/convnext-atto-untrained-fp16"
  pack "$CACHE/convnext-atto-untrained-fp16/model.onnx" "$G/models/convnext-atto-untrained-fp16/model.onnx.xz"
  cp "$CACHE/convnext-atto-untrained-fp16/manifest.json" "$G/models/convnext-atto-untrained-fp16/"
else
  rm -rf "$G/models/convnext-atto-untrained-fp16" # device-run.sh skips its step without it
fi
export_model convnext-tiny-untrained convnext_tiny
mkdir -p "$G/models/convnext-tiny-untrained"
"$PY" bench/gpu/skeleton.py strip "$CACHE/convnext-tiny-untrained/model.onnx" "$G/models/convnext-tiny-untrained/skeleton.onnx"
cp "$CACHE/convnext-tiny-untrained/manifest.json" "$G/models/convnext-tiny-untrained/"

# 6. What was carried, and whether the working tree still fits.
{
  echo "assembled $(date -u +%FT%TZ) by bench/gpu/prepare.sh on $(uname -srm)"
  echo "node $("$NODE_BIN" --version) (stripped), needs $needed; newest glibc symbol $glibc"
  echo "webgpu@$WEBGPU_VERSION (dawn.node linux-x64, needs $glibcxx; fallback libstdc++ from $libstdcxx)"
  echo "onnxruntime-web $ort_version"
  echo "debs: $(cd "$G/gl" && ls *.deb | tr '\n' ' ')"
  echo
  (cd "$G" && find . -type f ! -name '*.src-sha256' ! -name PAYLOAD.txt -print0 | sort -z | xargs -0 sha256sum)
} >"$G/PAYLOAD.txt"
payload=$(du -sb "$G" | cut -f1)
tracked=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
untracked=$( (git ls-files -z -o --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1) || echo 0)
untracked=${untracked:-0}
total=$((payload + tracked + untracked))
say "payload .gpu/: $((payload / 1024)) KiB ($(awk "BEGIN{printf \"%.1f\", $payload/1048576}") MiB)"
say "travelling tree: tracked $((tracked / 1048576)) MiB + untracked $((untracked / 1048576)) MiB + .gpu $((payload / 1048576)) MiB = $(awk "BEGIN{printf \"%.1f\", $total/1048576}") MiB of 64 MiB"
[ "$total" -lt $((64 * 1048576)) ] || { echo "too large for the device machine's 64 MiB" >&2; exit 1; }
say "done: carry .gpu; run bash bench/gpu/device-run.sh there"
