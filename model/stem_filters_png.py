#!/usr/bin/env python3
"""The stem filters of ONNX models as one picture (docs/img/stem-filters.png): each 3 x 4 x 4
filter shown as a 4 x 4 RGB patch, mean-free and stretched by its own largest value (grey is
0), enlarged with nearest neighbour, one panel per model, its orientation score underneath.

    /usr/bin/python3 model/stem_filters_png.py OUT.png A.onnx B.onnx ...
"""
from __future__ import annotations

import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filter_orientation as fo  # noqa: E402

CELL, GAP, COLS, MARGIN, LABEL = 12, 6, 8, 16, 40


def panel(weights: np.ndarray, title: str) -> Image.Image:
    n, _, k, _ = weights.shape
    rows = (n + COLS - 1) // COLS
    side = k * CELL
    img = Image.new("RGB", (MARGIN * 2 + COLS * side + (COLS - 1) * GAP, MARGIN * 2 + rows * side + (rows - 1) * GAP + LABEL), "white")
    for i, f in enumerate(weights):
        f = f - f.mean(axis=(1, 2), keepdims=True)
        rgb = 0.5 + 0.5 * f / max(float(np.abs(f).max()), 1e-12)
        patch = Image.fromarray((np.transpose(rgb, (1, 2, 0)) * 255).round().astype(np.uint8)).resize((side, side), Image.NEAREST)
        r, c = divmod(i, COLS)
        img.paste(patch, (MARGIN + c * (side + GAP), MARGIN + r * (side + GAP)))
    score = fo.orientation_scores(weights).mean()
    ImageDraw.Draw(img).text((MARGIN, img.height - LABEL + 8), f"{title}: orientation {score:.3f}", fill="black")
    return img


def main(argv) -> int:
    out, paths = argv[0], argv[1:]
    panels = [panel(fo.stem_weights(p), os.path.basename(os.path.dirname(p))) for p in paths]
    sheet = Image.new("RGB", (sum(p.width for p in panels), max(p.height for p in panels)), "white")
    x = 0
    for p in panels:
        sheet.paste(p, (x, 0))
        x += p.width
    sheet.save(out)
    print(f"{out}: {len(panels)} panels")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
