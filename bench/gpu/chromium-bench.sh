#!/usr/bin/env bash
# On the GPU machine (16 cores, no browser, no Node), once chromium-carry.sh's parts are unpacked
# into /opt/cl16: the real camera bench, `bench/run.mjs --camera-only`, with the carried Chromium
# and Node, so the camera ratio is measured where the page has cores of its own. Extra arguments
# go to run.mjs (e.g. --camera-fps 30). Writes chromium-bench.log and chromium-bench.json to $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
. /opt/cl16/env.sh
[ -e node_modules ] || ln -s /opt/cl16/node_modules node_modules
rm -rf dist-bench && cp -r /opt/cl16/dist-bench dist-bench
# A VM without a usable /dev/shm: Chromium's shared memory in /tmp instead.
[ -w /dev/shm ] || export CHROMIUM_ARGS=--disable-dev-shm-usage
OUT=${OUT:-/tmp}
node --version; "$CHROMIUM_PATH" --version
node bench/run.mjs --camera-only --no-build --static --models convnext-atto-untrained "$@" 2>&1 | tee "$OUT/chromium-bench.log"
cp bench/results.json "$OUT/chromium-bench.json"
