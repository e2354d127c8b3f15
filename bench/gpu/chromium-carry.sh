#!/usr/bin/env bash
# Packs what the real camera bench needs on the GPU machine, which has 16 cores but no browser
# and no Node: Debian's Chromium and this machine's Node with every shared library they load
# (glibc and its loader too, so the machine's own distribution does not matter), patched with
# patchelf to load them from /opt/cl16 only; Playwright; the built bench (dist-bench/, without
# the models, which the working tree brings, and without the WebGPU runtime: the camera figure
# is WASM). The archive (about 130 MB) is cut into parts that each fit the device tool's 64 MiB
# per call beside the working tree (31.5 MiB on 2026-11-30): .dev16/p1, .dev16/p2, … (ignore
# .dev16/ in .git/info/exclude). README.md, "The camera ratio in Chromium", says how to send
# and run them.
#   CARRY_PART_MIB=30   the size of a part      CARRY_XZ_THREADS=2
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
B=/opt/cl16
C=/usr/lib/chromium
[ -f dist-bench/index.html ] || npx vite build -c vite.bench.config.ts --logLevel warn
command -v patchelf >/dev/null || { echo "needs patchelf (apt-get install patchelf)" >&2; exit 1; }

rm -rf "$B"
mkdir -p "$B"/{lib,chromium/locales,fonts,etc,schemas,gio,node_modules/@playwright,dist-bench}
cp "$C"/{chromium,chrome_crashpad_handler,chrome_100_percent.pak,chrome_200_percent.pak,icudtl.dat,resources.pak,snapshot_blob.bin,v8_context_snapshot.bin} "$B/chromium/"
cp "$C/locales/en-US.pak" "$B/chromium/locales/"
cp "$(command -v node)" "$B/node"

# ldd gives each binary's whole closure. The rest are what a live camera page dlopens (read off
# /proc/*/maps here): VA-API and Wayland (media), glibc's name-service modules.
arch=/usr/lib/x86_64-linux-gnu
extra=("$arch"/libva.so.2 "$arch"/libva-drm.so.2 "$arch"/libwayland-client.so.0 "$arch"/libxcb-dri3.so.0 "$arch"/libnss_files.so.2 "$arch"/libnss_dns.so.2)
{
  for bin in "$C/chromium" "$(command -v node)" "${extra[@]}"; do ldd "$bin" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'; done
  printf '%s\n' "${extra[@]}" /lib64/ld-linux-x86-64.so.2
} | sort -u | while read -r lib; do
  real=$(readlink -f "$lib")
  [ -e "$B/lib/$(basename "$real")" ] || cp "$real" "$B/lib/"
  for name in "$(basename "$lib")" "$(patchelf --print-soname "$real" 2>/dev/null || true)"; do
    if [ -n "$name" ] && [ ! -e "$B/lib/$name" ]; then ln -s "$(basename "$real")" "$B/lib/$name"; fi
  done
done
for bin in "$B/chromium/chromium" "$B/chromium/chrome_crashpad_handler" "$B/node"; do
  patchelf --set-interpreter "$B/lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$B/lib" "$bin"
done

# One font (page text), GLib's settings schemas and no GIO modules of the host's.
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf "$B/fonts/"
cp /usr/share/glib-2.0/schemas/gschemas.compiled "$B/schemas/"
cat >"$B/etc/fonts.conf" <<XML
<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$B/fonts</dir><cachedir>/tmp/cl16-fontcache</cachedir></fontconfig>
XML
cat >"$B/env.sh" <<SH
export LD_LIBRARY_PATH=$B/lib FONTCONFIG_FILE=$B/etc/fonts.conf GSETTINGS_SCHEMA_DIR=$B/schemas GIO_MODULE_DIR=$B/gio
export CHROMIUM_PATH=$B/chromium/chromium PATH=$B:\$PATH
SH

cp -r node_modules/@playwright/test "$B/node_modules/@playwright/"
cp -r node_modules/playwright node_modules/playwright-core "$B/node_modules/"
(cd dist-bench && tar -c --exclude=./models --exclude='*asyncify*' .) | tar -x -C "$B/dist-bench"

rm -rf .dev16 && mkdir -p .dev16
tar -C /opt -c cl16 | xz -T"${CARRY_XZ_THREADS:-2}" -9 -c | split -b "${CARRY_PART_MIB:-30}M" -d -a 2 - .dev16/part
for f in .dev16/part*; do n=$((10#${f##*part} + 1)); mkdir -p ".dev16/p$n" && mv "$f" ".dev16/p$n/"; done
du -sh "$B" .dev16/p*
