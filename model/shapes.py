#!/usr/bin/env python3
"""Drawn-shapes data set for ConvLens: labelled pictures generated on the fly.

Eight classes, in this label order (the network's output order):

    circle, square, triangle, star, cross, ring, hexagon, crescent

Each picture holds one filled shape (ring and crescent as their names say) of
a random colour, 20-60 % of the image side across (the diameter of its
circumscribed circle), rotated, placed fully inside the picture with a small
margin, on a varied background (flat, linear or radial gradient, value-noise
texture, stripes, blurred colour blobs like an out-of-focus photo), with a few
distractors behind it (thin lines, small blobs) and a global colour jitter.

Every shape is an analytic signed-distance field evaluated on the pixel grid:
coverage = clip(0.5 - d, 0, 1) with d in pixels gives one pixel of
anti-aliasing for free and costs a handful of numpy operations per picture.

Deterministic: picture i of seed s is drawn from numpy.random.default_rng([s, i])
and has label i % 8, so any slice of a set can be regenerated on its own and
every block of 8 consecutive pictures holds each class once.

Command line (writes raw pictures for the ONNX accuracy test):

    python3 model/shapes.py --seed 9001 --count 800 --size 256 --out DIR

writes DIR/images.u8 (count x size x size x 3 bytes, RGB, row-major) and
DIR/labels.json ({"labels": [...8 names], "size": N, "count": N, "targets": [...]}).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import List, Tuple

import numpy as np

LABELS: Tuple[str, ...] = ("circle", "square", "triangle", "star", "cross", "ring", "hexagon", "crescent")
NUM_CLASSES = len(LABELS)

#: shape size (diameter of its circumscribed circle) as a fraction of the side
SIZE_RANGE = (0.20, 0.60)
#: gap between the shape's circumscribed circle and the picture's edge (fraction of side)
MARGIN = 0.03
#: smallest RGB distance between the shape's colour and the background under it
MIN_CONTRAST = 0.32

# --------------------------------------------------------------------------
# Signed distance fields (d < 0 inside), p = (x, y) arrays in pixels,
# centred on the shape; r = circumradius in pixels.
# --------------------------------------------------------------------------


def _length(x, y):
    return np.sqrt(x * x + y * y)


def sd_circle(x, y, r):
    return _length(x, y) - r


def sd_box(x, y, bx, by):
    qx = np.abs(x) - bx
    qy = np.abs(y) - by
    return _length(np.maximum(qx, 0), np.maximum(qy, 0)) + np.minimum(np.maximum(qx, qy), 0)


def sd_square(x, y, r):
    a = r / math.sqrt(2.0)
    return sd_box(x, y, a, a)


def sd_triangle(x, y, r):
    """Equilateral triangle with circumradius r, centroid at the origin (iq)."""
    k = math.sqrt(3.0)
    h = r * k / 2.0  # half the side
    px = np.abs(x) - h
    py = y + h / k
    flip = px + k * py > 0
    nx = np.where(flip, (px - k * py) / 2.0, px)
    ny = np.where(flip, (-k * px - py) / 2.0, py)
    nx = nx - np.clip(nx, -2.0 * h, 0.0)
    return -_length(nx, ny) * np.sign(ny)


def sd_star5(x, y, r, inner):
    """Five-pointed star, outer radius r, inner radius ~ inner * r (iq's sdStar5)."""
    k1x, k1y = 0.809016994375, -0.587785252292
    k2x, k2y = -k1x, k1y
    px = np.abs(x)
    py = y
    d = np.maximum(k1x * px + k1y * py, 0.0)
    px = px - 2.0 * d * k1x
    py = py - 2.0 * d * k1y
    d = np.maximum(k2x * px + k2y * py, 0.0)
    px = px - 2.0 * d * k2x
    py = py - 2.0 * d * k2y
    px = np.abs(px)
    py = py - r
    bax, bay = inner * -k1y - 0.0, inner * k1x - 1.0
    h = np.clip((px * bax + py * bay) / (bax * bax + bay * bay), 0.0, r)
    return _length(px - bax * h, py - bay * h) * np.sign(py * bax - px * bay)


def sd_cross(x, y, r, width):
    """Plus sign whose arm ends (half-width width * arm) touch the circle of radius r."""
    arm = r / math.sqrt(1.0 + width * width)
    w = arm * width
    return np.minimum(sd_box(x, y, arm, w), sd_box(x, y, w, arm))


def sd_ring(x, y, r, thickness):
    t = thickness * r
    return np.abs(_length(x, y) - (r - t / 2.0)) - t / 2.0


def sd_hexagon(x, y, r):
    """Regular hexagon with circumradius r (iq's sdHexagon takes the inradius)."""
    kx, ky, kz = -0.866025404, 0.5, 0.577350269
    ri = r * 0.866025404
    px = np.abs(x)
    py = np.abs(y)
    d = 2.0 * np.minimum(kx * px + ky * py, 0.0)
    px = px - d * kx
    py = py - d * ky
    px = px - np.clip(px, -kz * ri, kz * ri)
    py = py - ri
    return _length(px, py) * np.sign(py)


def sd_crescent(x, y, r, bite_r, bite_off):
    """A disc of radius r with a disc of radius bite_r * r, shifted by bite_off * r along +x, cut out."""
    return np.maximum(_length(x, y) - r, -(_length(x - bite_off * r, y) - bite_r * r))


def shape_sdf(label: int, x: np.ndarray, y: np.ndarray, r: float, rng: np.random.Generator) -> np.ndarray:
    name = LABELS[label]
    if name == "circle":
        return sd_circle(x, y, r)
    if name == "square":
        return sd_square(x, y, r)
    if name == "triangle":
        return sd_triangle(x, y, r)
    if name == "star":
        return sd_star5(x, y, r, rng.uniform(0.38, 0.55))
    if name == "cross":
        return sd_cross(x, y, r, rng.uniform(0.22, 0.4))
    if name == "ring":
        return sd_ring(x, y, r, rng.uniform(0.22, 0.45))
    if name == "hexagon":
        return sd_hexagon(x, y, r)
    if name == "crescent":
        return sd_crescent(x, y, r, rng.uniform(0.75, 0.92), rng.uniform(0.35, 0.6))
    raise ValueError(name)


# --------------------------------------------------------------------------
# Backgrounds (float32 H x W x 3 in [0, 1])
# --------------------------------------------------------------------------


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.random(3).astype(np.float32)


def _upsample(grid: np.ndarray, size: int) -> np.ndarray:
    """Bilinear upsampling of a (g, g, C) grid to (size, size, C), corners aligned."""
    g = grid.shape[0]
    t = np.linspace(0.0, g - 1.0, size, dtype=np.float32)
    i0 = np.minimum(t.astype(np.int64), g - 2)
    f = (t - i0)[:, None]
    rows = grid[i0] * (1 - f[:, :, None]) + grid[i0 + 1] * f[:, :, None]  # (size, g, C)
    cols = rows[:, i0] * (1 - f.T[:, :, None]) + rows[:, i0 + 1] * f.T[:, :, None]
    return cols.astype(np.float32)


def background(rng: np.random.Generator, size: int, xx: np.ndarray, yy: np.ndarray, difficulty: float = 1.0) -> np.ndarray:
    # below full difficulty some pictures get only the calm kinds (flat, gradients)
    kind = int(rng.integers(6)) if rng.random() < difficulty else int(rng.integers(3))
    c1, c2 = _colour(rng), _colour(rng)
    if kind == 0:  # flat
        img = np.broadcast_to(c1, (size, size, 3)).copy()
    elif kind == 1:  # linear gradient
        a = rng.uniform(0, 2 * math.pi)
        t = (xx * math.cos(a) + yy * math.sin(a)) / size
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        img = c1 + (c2 - c1) * t[:, :, None]
    elif kind == 2:  # radial gradient
        cx, cy = rng.uniform(0, size, 2)
        t = np.clip(_length(xx - cx, yy - cy) / (size * rng.uniform(0.4, 1.2)), 0, 1)
        img = c1 + (c2 - c1) * t[:, :, None]
    elif kind == 3:  # value noise, one or two octaves
        g = int(rng.integers(3, 10))
        img = _upsample(rng.random((g, g, 3)).astype(np.float32), size)
        if rng.random() < 0.5:
            g2 = int(rng.integers(10, 24))
            img = 0.7 * img + 0.3 * _upsample(rng.random((g2, g2, 3)).astype(np.float32), size)
    elif kind == 4:  # stripes, soft or hard
        a = rng.uniform(0, math.pi)
        period = size * rng.uniform(0.05, 0.25)
        s = np.sin(2 * math.pi * (xx * math.cos(a) + yy * math.sin(a)) / period)
        if rng.random() < 0.5:
            s = np.clip(s * rng.uniform(2, 6), -1, 1)
        img = c1 + (c2 - c1) * (0.5 + 0.5 * s)[:, :, None]
    else:  # photo-like: blurred colour blobs on a base colour
        img = np.broadcast_to(c1, (size, size, 3)).copy()
        for _ in range(int(rng.integers(3, 8))):
            cx, cy = rng.uniform(-0.1, 1.1, 2) * size
            sig = size * rng.uniform(0.08, 0.35)
            w = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sig * sig))[:, :, None]
            img = img * (1 - 0.9 * w) + _colour(rng) * 0.9 * w
    if rng.random() < 0.5 * difficulty:  # fine grain
        img = img + rng.normal(0, rng.uniform(0.01, 0.06), (size, size, 1 if rng.random() < 0.5 else 3))
    return img.astype(np.float32)


def _composite(img: np.ndarray, alpha: np.ndarray, colour) -> None:
    a = alpha[:, :, None]
    img *= 1 - a
    img += a * colour


def distractors(rng: np.random.Generator, img: np.ndarray, size: int, xx: np.ndarray, yy: np.ndarray,
                difficulty: float = 1.0) -> None:
    for _ in range(int(rng.integers(0, 1 + round(3 * difficulty)))):  # thin lines, often crossing the whole picture
        ax, ay, bx, by = rng.uniform(-0.1, 1.1, 4) * size
        dx, dy = bx - ax, by - ay
        h = np.clip(((xx - ax) * dx + (yy - ay) * dy) / max(dx * dx + dy * dy, 1e-6), 0, 1)
        d = _length(xx - ax - h * dx, yy - ay - h * dy) - rng.uniform(0.3, 1.5) * size / 128.0
        _composite(img, np.clip(0.5 - d, 0, 1) * rng.uniform(0.5, 1.0), _colour(rng))
    for _ in range(int(rng.integers(0, 1 + round(4 * difficulty)))):  # small blobs (ellipses)
        cx, cy = rng.uniform(0, 1, 2) * size
        rx, ry = rng.uniform(0.01, 0.04, 2) * size
        d = (_length((xx - cx) / rx, (yy - cy) / ry) - 1.0) * min(rx, ry)
        _composite(img, np.clip(0.5 - d, 0, 1), _colour(rng))


# --------------------------------------------------------------------------
# One picture
# --------------------------------------------------------------------------

_GRIDS = {}


def _grid(size: int):
    if size not in _GRIDS:
        c = np.arange(size, dtype=np.float32) + 0.5  # pixel centres
        _GRIDS[size] = np.meshgrid(c, c)  # xx (columns), yy (rows)
    return _GRIDS[size]


def render(seed: int, index: int, size: int = 128, size_range: Tuple[float, float] = SIZE_RANGE,
           difficulty: float = 1.0) -> Tuple[np.ndarray, int, dict]:
    """Picture `index` of set `seed`: (uint8 HxWx3, label, geometry dict). size_range
    (fractions of the side) may be widened for training; pictures stay fully inside.
    difficulty < 1 (a training curriculum) gives calmer backgrounds and fewer distractors."""
    rng = np.random.default_rng([seed, index])
    label = index % NUM_CLASSES
    xx, yy = _grid(size)
    # curriculum: the easiest pictures are plain, a light shape on a dark ground or the reverse
    plain = difficulty < 1.0 and rng.random() < 1.0 - 2.0 * difficulty
    if plain:
        ground = rng.uniform(0.0, 0.25) if rng.random() < 0.5 else rng.uniform(0.75, 1.0)
        img = np.full((size, size, 3), ground, dtype=np.float32)
    else:
        img = background(rng, size, xx, yy, difficulty)
        distractors(rng, img, size, xx, yy, difficulty)

    diameter = rng.uniform(*size_range) * size
    r = diameter / 2.0
    lo, hi = r + MARGIN * size, size - r - MARGIN * size
    cx, cy = rng.uniform(lo, hi, 2)
    theta = rng.uniform(0, 2 * math.pi)
    ct, st = math.cos(theta), math.sin(theta)
    lx = (xx - cx) * ct + (yy - cy) * st
    ly = -(xx - cx) * st + (yy - cy) * ct
    d = shape_sdf(label, lx, ly, r, rng)
    alpha = np.clip(0.5 - d, 0, 1).astype(np.float32)

    inside = alpha > 0.5
    under = img[inside].mean(axis=0) if inside.any() else img.reshape(-1, 3).mean(axis=0)
    colour = _colour(rng) if not plain else np.full(3, 1.0 - ground + rng.uniform(-0.1, 0.1), dtype=np.float32)
    for _ in range(24 if not plain else 0):
        if np.linalg.norm(colour - under) >= MIN_CONTRAST:
            break
        colour = _colour(rng)
    else:
        if not plain:
            colour = np.where(under > 0.5, 0.0, 1.0).astype(np.float32)
    if rng.random() < 0.35:  # soft shading across the shape
        a = rng.uniform(0, 2 * math.pi)
        t = ((xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)) / max(r, 1.0)
        fill = np.clip(colour * (1 + rng.uniform(0.1, 0.25) * t[:, :, None]), 0, 1)
    else:
        fill = colour
    _composite(img, alpha, fill)

    # global colour jitter: brightness, contrast, saturation, noise
    img = img * rng.uniform(0.8, 1.2)
    mean = img.mean()
    img = (img - mean) * rng.uniform(0.8, 1.2) + mean
    grey = img.mean(axis=2, keepdims=True)
    img = (img - grey) * rng.uniform(0.7, 1.3) + grey
    if rng.random() < 0.3:
        img = img + rng.normal(0, rng.uniform(0.005, 0.025), img.shape)
    out = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
    geom = {"cx": float(cx), "cy": float(cy), "r": float(r), "theta": float(theta)}
    return out, label, geom


def render_batch(seed: int, start: int, count: int, size: int,
                 size_range: Tuple[float, float] = SIZE_RANGE, difficulty: float = 1.0) -> Tuple[np.ndarray, np.ndarray]:
    """Pictures start .. start+count-1 of set `seed`: uint8 (count, size, size, 3) and int64 labels."""
    imgs = np.empty((count, size, size, 3), dtype=np.uint8)
    labels = np.empty(count, dtype=np.int64)
    for k in range(count):
        imgs[k], labels[k], _ = render(seed, start + k, size, size_range, difficulty)
    return imgs, labels


def main(argv: List[str] = None) -> int:
    p = argparse.ArgumentParser(description="Write drawn-shape pictures (raw RGB bytes + labels.json).")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--count", type=int, default=800)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--out", help="output folder (images.u8 + labels.json)")
    p.add_argument("--png", help="also write the first --count pictures as PNGs into this folder")
    p.add_argument("--bench", action="store_true", help="only measure pictures per second")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    imgs, labels = render_batch(a.seed, a.start, a.count, a.size)
    dt = time.perf_counter() - t0
    print(f"{a.count} pictures of {a.size} px in {dt:.2f} s ({a.count / dt:.0f}/s)", file=sys.stderr)
    if a.bench:
        return 0
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "images.u8"), "wb") as f:
            f.write(imgs.tobytes())
        with open(os.path.join(a.out, "labels.json"), "w") as f:
            json.dump({"labels": list(LABELS), "size": a.size, "count": a.count, "seed": a.seed,
                       "start": a.start, "targets": [int(v) for v in labels]}, f)
    if a.png:
        from PIL import Image
        os.makedirs(a.png, exist_ok=True)
        for k in range(a.count):
            Image.fromarray(imgs[k]).save(os.path.join(a.png, f"{a.start + k:05d}-{LABELS[labels[k]]}.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
