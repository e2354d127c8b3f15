#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine: Chromium and
# PyTorch from apt (as root; otherwise prints the command), then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium libopenblas0-pthread python3-torch python3-torchvision python3-onnx python3-pil python3-numpy fonts-dejavu-core)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install the Debian packages first: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# onnxruntime-node's install script would download from outside; its CPU binary ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "setup: ready ($(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -1), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
