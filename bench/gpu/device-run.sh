#!/usr/bin/env bash
# The GPU machine's one command: onnxruntime-web WebGPU (Node + dawn.node) and WASM, and native
# onnxruntime (Python, CPU), on ConvNeXt-Atto and -Tiny, and the live camera's frame rate with the
# app's per-frame code in Node (camera-loop.mjs). Needs the payload from
# bench/gpu/prepare.sh in .gpu/ and writes at most 6 files to $OUT:
#   results.json  every figure (merged), summary.md  the table, run.log  this script's output,
#   env.txt  machine/GPU/driver facts, export-tiny.log  model/export.py's output, probe.json.
# Every step has a timeout and the whole run a deadline; a failed step never stops the others.
# Switches (environment):
#   GPU_BUDGET_S=330       seconds for the whole run     GPU_RUNS=10 GPU_WARMUP=3
#   GPU_TIMEOUT_SCALE=1    multiplies each step's own timeout (software Vulkan is ~1000x slower)
#   GPU_PYTHON=python3     GPU_PAYLOAD=.gpu   GPU_WORK=/tmp/convlens-gpu (unpacked payload)
#   GPU_ACCEPT_SOFTWARE=1  take a software adapter (SwiftShader) without looking for NVIDIA's ICD
#   GPU_GL_DEBS=auto|always|never   dpkg -x the loader .debs into / (auto: when a loader is missing)
#   GPU_TINY_SOURCE=export|skeleton GPU_TINY_VARIANTS=batched,all,logits,gpu
#   GPU_ATTO_VARIANTS=batched,all,logits,gpu   GPU_ATTO_THREADS=1,4   (the Atto step's figures)
#   GPU_CAMERA_FRAMES=500 GPU_CAMERA_WARMUP=100 GPU_CAMERA_THREADS=4   (the camera step: frames timed
#                          after frames not timed, on WebGPU and on WASM with these threads)
#   GPU_SKIP="..."         steps left out, of: atto camera camera-webgpu camera-wasm tiny native
#                          fp16c tiny-fp16c fp16w (e.g. "tiny native fp16c tiny-fp16c fp16w")
#   GPU_ICD_CANDIDATES="a.json b.json"  ICDs to try when no hardware adapter shows (default: NVIDIA's)
#   GPU_CARRIED_LIBSTDCXX=1  use the carried libstdc++ even where the system's is new enough
#   GPU_BENCH_ARGS="--no-webgpu"  extra arguments for every webgpu-bench.mjs run
#   VK_DRIVER_FILES / VK_ICD_FILENAMES, when set, are kept (e.g. SwiftShader's ICD here).
set -uo pipefail
START=$(date +%s)
DEADLINE=$((START + ${GPU_BUDGET_S:-330}))
SCALE=${GPU_TIMEOUT_SCALE:-1}
RUNS=${GPU_RUNS:-10}
WARMUP=${GPU_WARMUP:-3}
PY=${GPU_PYTHON:-python3}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
P=$(cd "${GPU_PAYLOAD:-.gpu}" && pwd)
W=${GPU_WORK:-/tmp/convlens-gpu}
OUT=${OUT:-/tmp/gpu-out}
export PYTHONUNBUFFERED=1 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
mkdir -p "$OUT"

elapsed() { echo $(($(date +%s) - START)); }
skipped() { case " ${GPU_SKIP:-} " in *" $1 "*) return 0 ;; esac; return 1; }
# step NAME SECONDS CMD...: runs CMD with min(SECONDS*SCALE, time left) as its timeout.
step() {
  local name=$1 max=$(($2 * SCALE)); shift 2
  step_abs "$name" "$max" "$@"
}
step_abs() {
  local name=$1 max=$2; shift 2
  local now left t rc
  now=$(date +%s)
  left=$((DEADLINE - now - 3))
  if [ "$left" -lt 5 ]; then echo "== $name: SKIPPED, past the deadline" >&2; return 99; fi
  t=$((max < left ? max : left))
  echo "== $name (timeout ${t}s, at $(elapsed)s)" >&2
  timeout -k 5 "$t" "$@"
  rc=$?
  echo "== $name: rc=$rc in $(($(date +%s) - now))s$([ $rc = 124 ] && echo ' TIMED OUT')" >&2
  return $rc
}
left_s() { echo $((DEADLINE - $(date +%s) - 3)); }
unxz_to() { xz -T0 -dc "$1" >"$2" 2>/dev/null || "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; }

main() {
echo "== convlens GPU run, $(date -u +%FT%TZ), repo $root, payload $P, out $OUT"

# 1. The machine ----------------------------------------------------------------------------
{
  echo "date: $(date -u +%FT%TZ)"
  echo "uname: $(uname -srm)"
  grep -m1 PRETTY_NAME /etc/os-release 2>/dev/null
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-) x $(nproc)"
  echo "memory: $(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB"}')"
  echo "--- nvidia-smi -L"; timeout 20 nvidia-smi -L 2>&1
  echo "--- nvidia-smi query"; timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.sm,power.limit --format=csv 2>&1
  echo "--- python"; timeout 60 "$PY" -c 'import sys, numpy, onnx; print(sys.version.split()[0], "numpy", numpy.__version__, "onnx", onnx.__version__)' 2>&1
  timeout 60 "$PY" -c 'import onnxruntime as o; print("onnxruntime", o.__version__, o.get_available_providers())' 2>&1
  echo "--- loaders (ldconfig)"; ldconfig -p | grep -E 'libvulkan|libGLdispatch|libEGL\.so|libGLX_nvidia|libnvidia-glcore|libstdc\+\+' 2>&1
  echo "--- Vulkan ICD files"; ls -l /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

# 2. Unpack the payload ---------------------------------------------------------------------
unpack() {
  rm -rf "$W" && mkdir -p "$W"/{bin,lib,webgpu/dist/linux-x64,ort,models,json}
  unxz_to "$P/node.xz" "$W/bin/node" && chmod +x "$W/bin/node" &
  unxz_to "$P/webgpu/dist/linux-x64/dawn.node.xz" "$W/webgpu/dist/linux-x64/dawn.node" &
  for f in "$P"/ort/*.wasm.xz; do unxz_to "$f" "$W/ort/$(basename "$f" .xz)" & done
  unxz_to "$P/lib/libstdc++.so.6.xz" "$W/lib/libstdc++.so.6" &
  # The fp16-weights Atto travels only when prepare.sh was asked for it (GPU_FP16W=1).
  if [ -f "$P/models/convnext-atto-untrained-fp16/model.onnx.xz" ]; then
    mkdir -p "$W/models/convnext-atto-untrained-fp16"
    unxz_to "$P/models/convnext-atto-untrained-fp16/model.onnx.xz" "$W/models/convnext-atto-untrained-fp16/model.onnx" &
    cp "$P/models/convnext-atto-untrained-fp16/manifest.json" "$W/models/convnext-atto-untrained-fp16/"
  fi
  mkdir -p "$W/camera"
  unxz_to "$P/camera/camera-coffee-chelsea.y4m.xz" "$W/camera/camera-coffee-chelsea.y4m" &
  wait
  cp "$P"/webgpu/{index.js,package.json} "$W/webgpu/"
  cp "$P"/ort/*.mjs "$P/ort/package.json" "$W/ort/"
  "$W/bin/node" --version
}
step "unpack payload" 90 bash -c "$(declare -f unxz_to unpack); P='$P' W='$W' PY='$PY' unpack" || echo "unpack failed: the Node steps will fail"
NODE=("$W/bin/node")
# dawn.node needs GLIBCXX_3.4.30 (GCC 12's libstdc++); older systems get the carried one.
sys_cxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !f {print $NF; f = 1}')
if [ -n "${GPU_CARRIED_LIBSTDCXX:-}" ] || [ -z "$sys_cxx" ] || ! grep -qa GLIBCXX_3.4.30 "$sys_cxx"; then
  echo "using the carried libstdc++ for dawn.node (system: ${sys_cxx:-none}; GLIBCXX_3.4.30 needed)"
  NODE=(env "LD_LIBRARY_PATH=$W/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$W/bin/node")
fi
export GPU_ORT_DIR="$W/ort" GPU_WEBGPU_DIR="$W/webgpu" GPU_READBACK="$P/app/gpuReadback.js"
export GPU_CAMERA_APP="$P/app/cameraFrame.js" GPU_CAMERA_VIDEO="$W/camera/camera-coffee-chelsea.y4m"
{ echo "--- ldd node, dawn.node"; ldd "$W/bin/node" "$W/webgpu/dist/linux-x64/dawn.node"; } >>"$OUT/env.txt" 2>&1

# 3. Vulkan loaders and the driver ----------------------------------------------------------
# (grep -q on a pipe can end ldconfig with SIGPIPE, and pipefail would make that a miss)
have_loaders() { local l; l=$(ldconfig -p); grep -q 'libvulkan\.so\.1 ' <<<"$l" && grep -q 'libGLdispatch\.so\.0 ' <<<"$l"; }
case ${GPU_GL_DEBS:-auto} in
  always) do_debs=1 ;;
  never) do_debs=0 ;;
  *) if have_loaders; then do_debs=0; else do_debs=1; fi ;;
esac
if [ "$do_debs" = 1 ]; then
  echo "== dpkg -x the loader .debs into / (as the device notes say), then ldconfig"
  for f in "$P"/gl/*.deb; do dpkg -x "$f" / || echo "dpkg -x $f failed"; done
  ldconfig
fi
ldconfig -p | grep -E 'libvulkan\.so\.1 |libGLdispatch\.so\.0 ' || echo "still no Vulkan loader"

probe() {
  step "Dawn adapter probe" 40 "${NODE[@]}" bench/gpu/webgpu-bench.mjs probe >"$OUT/probe.json"
  cat "$OUT/probe.json"
  grep -q '"software":false' "$OUT/probe.json" || { [ -n "${GPU_ACCEPT_SOFTWARE:-}" ] && grep -q '"software":true' "$OUT/probe.json"; }
}
if ! probe; then
  for icd in ${GPU_ICD_CANDIDATES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json}; do
    [ -f "$icd" ] || continue
    echo "== no hardware adapter: trying VK_DRIVER_FILES=$icd"
    export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
    egl=${icd%/vulkan/icd.d/*}/glvnd/egl_vendor.d/10_nvidia.json
    [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
    probe && break
  done
fi
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}" >>"$OUT/env.txt"

# 4. Benchmarks -----------------------------------------------------------------------------
J=$W/json
bench() { # NAME SECONDS args for webgpu-bench.mjs run...: its children share the step's time
  local name=$1 max=$(($2 * SCALE)); shift 2
  local left budget
  left=$(left_s)
  budget=$((max < left ? max : left))
  # shellcheck disable=SC2086 # GPU_BENCH_ARGS: extra words for every run, e.g. --no-webgpu
  # The WebGPU child gets at most 60% of the step, so a hang still leaves time for WASM.
  step_abs "$name" "$budget" "${NODE[@]}" bench/gpu/webgpu-bench.mjs run --runs "$RUNS" --warmup "$WARMUP" --budget $((budget - 5)) --child-timeout $((budget * 6 / 10)) "$@" ${GPU_BENCH_ARGS:-}
  summarize >/dev/null
}
# results.json + summary.md after every step, so a run cut short still brings figures back.
summarize() {
  timeout -k 5 30 "$W/bin/node" bench/gpu/webgpu-bench.mjs merge --out "$OUT/results.json" "$J"/*.json "$OUT/probe.json" >"$OUT/summary.md" 2>&1
}
# The camera loop (camera-loop.mjs): WebGPU, then WASM, each child with half the step's time.
camera() {
  local max=$((150 * SCALE)) left budget threads=${GPU_CAMERA_THREADS:-4} gpu=()
  skipped camera-wasm && threads=0
  # Also after WebGPU timed out on Atto (GPU_BENCH_ARGS then says --no-webgpu).
  if skipped camera-webgpu || [[ " ${GPU_BENCH_ARGS:-} " == *" --no-webgpu "* ]]; then gpu=(--no-webgpu); fi
  left=$(left_s)
  budget=$((max < left ? max : left))
  step_abs "Atto camera loop: WebGPU + WASM $threads threads" "$budget" "${NODE[@]}" bench/gpu/webgpu-bench.mjs camera --model "$ATTO" \
    --threads "$threads" --frames "${GPU_CAMERA_FRAMES:-500}" --warmup-frames "${GPU_CAMERA_WARMUP:-100}" --bare-runs "$((RUNS * 2))" \
    --warmup "$WARMUP" --budget $((budget - 5)) --child-timeout $((budget / 2 - 3)) "${gpu[@]}" --out "$J/camera.json"
  summarize >/dev/null
}
ATTO=public/models/convnext-atto-untrained
bench_steps() {
  if ! skipped atto; then
    bench "Atto: WebGPU + WASM" 120 --model "$ATTO" --threads "${GPU_ATTO_THREADS:-1,4}" --variants "${GPU_ATTO_VARIANTS:-batched,all,logits,gpu}" --out "$J/atto.json"
    if "$W/bin/node" -e 'const j = require(process.argv[1]); process.exit(/timed out/.test(j.webgpu?.error ?? "") ? 0 : 1)' "$J/atto.json" 2>/dev/null; then
      echo "== WebGPU timed out on Atto: WASM only from here"
      GPU_BENCH_ARGS="${GPU_BENCH_ARGS:-} --no-webgpu"
    fi
  fi
  skipped camera || camera

  TINY=""
  if ! skipped tiny; then
    if [ "${GPU_TINY_SOURCE:-export}" = export ]; then
      # Also the check that model/export.py works with this machine's torch.
      rm -rf /tmp/convlens-tiny /tmp/convlens-tiny-ref
      step "export Tiny with model/export.py" 150 "$PY" model/export.py --arch convnext_tiny --out /tmp/convlens-tiny --id convnext-tiny-untrained --no-golden --reference-dir /tmp/convlens-tiny-ref >"$OUT/export-tiny.log" 2>&1
      rc=$?
      tail -n 25 "$OUT/export-tiny.log"
      if [ $rc = 0 ] && [ -f /tmp/convlens-tiny/model.onnx ]; then TINY=/tmp/convlens-tiny; src=export.py; fi
      echo "{\"tinyExport\": {\"rc\": $rc, \"used\": $([ -n "$TINY" ] && echo true || echo false)}}" >"$J/tiny-export.json"
    fi
    if [ -z "$TINY" ]; then
      echo "== Tiny from the skeleton (same graph, seeded weights): bench/gpu/skeleton.py rebuild"
      mkdir -p "$W/models/convnext-tiny-untrained"
      if step "rebuild Tiny" 60 "$PY" bench/gpu/skeleton.py rebuild "$P/models/convnext-tiny-untrained/skeleton.onnx" "$W/models/convnext-tiny-untrained/model.onnx"; then
        cp "$P/models/convnext-tiny-untrained/manifest.json" "$W/models/convnext-tiny-untrained/"
        TINY=$W/models/convnext-tiny-untrained
        src=skeleton
      fi
    fi
    if [ -n "$TINY" ]; then
      echo "{\"tinySource\": \"$src\", \"tinyDir\": \"$TINY\"}" >"$J/tiny-source.json"
      bench "Tiny: WebGPU + WASM" 150 --model "$TINY" --threads 1,4 --variants "${GPU_TINY_VARIANTS:-batched,all,logits,gpu}" --out "$J/tiny.json"
    fi
  fi

  if ! skipped native; then
    models=("convnext-atto-untrained=$ATTO" "convnext-atto-untrained-fp16=$W/models/convnext-atto-untrained-fp16")
    [ -n "$TINY" ] && models+=("convnext-tiny-untrained=$TINY")
    step "native onnxruntime (Python, CPU)" 90 "$PY" bench/gpu/native.py --out "$J/native.json" --runs "$RUNS" --warmup "$WARMUP" --threads 1,4,all "${models[@]}"
    summarize >/dev/null
  fi

  if ! skipped fp16c; then
    if step "Atto float16-compute copy" 60 "$PY" bench/gpu/to_fp16.py "$ATTO" "$W/models/atto-fp16-compute"; then
      bench "Atto fp16 compute: WebGPU (shader-f16)" 90 --model "$W/models/atto-fp16-compute" --wasm-model "$ATTO" --threads 4 --require-feature shader-f16 --out "$J/atto-fp16c.json"
    fi
  fi
  if ! skipped tiny-fp16c && [ -n "$TINY" ]; then
    if step "Tiny float16-compute copy" 60 "$PY" bench/gpu/to_fp16.py "$TINY" "$W/models/tiny-fp16-compute"; then
      bench "Tiny fp16 compute: WebGPU (shader-f16)" 120 --model "$W/models/tiny-fp16-compute" --wasm-model "$TINY" --threads 4 --variants all,gpu --require-feature shader-f16 --out "$J/tiny-fp16c.json"
    fi
  fi
  if ! skipped fp16w; then
    if [ -f "$W/models/convnext-atto-untrained-fp16/model.onnx" ]; then
      bench "Atto fp16 weights: WebGPU + WASM" 60 --model "$W/models/convnext-atto-untrained-fp16" --threads 4 --variants all --out "$J/atto-fp16w.json"
    else
      echo "== Atto fp16 weights: not in the payload (prepare.sh with GPU_FP16W=1 carries it), skipped"
    fi
  fi
}
bench_steps

# 5. One JSON, one table --------------------------------------------------------------------
summarize || echo "merge failed: the figures are in run.log"
timeout 20 nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,memory.used --format=csv >>"$OUT/env.txt" 2>&1
echo
echo "== summary ($(elapsed)s in all)"
cat "$OUT/summary.md"
ls -l "$OUT"
}
main 2>&1 | tee -a "$OUT/run.log"
