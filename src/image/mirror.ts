/**
 * Left-right mirror of packed RGBA pixels, in place: what a front camera's "mirror"
 * shows. Done on the frame's pixels before resizing, so the model, the saved frame
 * and the preview all see the same mirrored image (a pure pixel permutation, exact).
 */
export function mirrorRgbaInPlace(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): void {
  if (rgba.length !== width * height * 4) throw new RangeError(`RGBA data has ${rgba.length} bytes, expected ${width * height * 4} for ${width}x${height}`);
  // One 32-bit view swaps a whole pixel per step; RGBA byte order is kept whatever the endianness.
  const aligned = rgba.byteOffset % 4 === 0;
  if (aligned) {
    const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
    for (let y = 0; y < height; y++) {
      for (let l = y * width, r = l + width - 1; l < r; l++, r--) {
        const t = px[l]!;
        px[l] = px[r]!;
        px[r] = t;
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    for (let l = y * width * 4, r = l + (width - 1) * 4; l < r; l += 4, r -= 4) {
      for (let c = 0; c < 4; c++) {
        const t = rgba[l + c]!;
        rgba[l + c] = rgba[r + c]!;
        rgba[r + c] = t;
      }
    }
  }
}
