#!/usr/bin/env python3
"""How oriented are a network's stem filters? (random noise vs edge detectors)

For every stem filter (C_in x k x k), per input channel: remove the spatial mean,
then take the filter's gradient on each 2 x 2 cell (the mean difference across
the cell's columns and across its rows, so a straight edge in any direction has
one gradient direction). Each gradient's orientation (modulo 180 degrees) falls
into one of four bands of 45 degrees centred on 0, 45, 90 and 135 degrees; its
squared length is its energy. The filter's score is the fraction of its
gradient energy, summed over the input channels, in its strongest band: 1.0
for a straight edge or bar detector in any of the four directions, about 0.4
for Gaussian noise of this size. (A plain DFT of a 4 x 4 filter cannot do this:
without padding the periodic wrap-around breaks diagonal edges, with zero
padding the window's leakage spreads every edge over all bands.) A network's
score is the mean over its filters.

    python3 model/filter_orientation.py public/models/*/model.onnx
"""
from __future__ import annotations

import sys
from typing import List

import numpy as np

BANDS = 4


def orientation_scores(weights: np.ndarray) -> np.ndarray:
    """weights: (C_out, C_in, k, k) -> (C_out,) fraction of gradient energy in the strongest orientation band."""
    w = np.asarray(weights, dtype=np.float64)
    w = w - w.mean(axis=(2, 3), keepdims=True)
    gx = 0.5 * ((w[..., :-1, 1:] - w[..., :-1, :-1]) + (w[..., 1:, 1:] - w[..., 1:, :-1]))
    gy = 0.5 * ((w[..., 1:, :-1] - w[..., :-1, :-1]) + (w[..., 1:, 1:] - w[..., :-1, 1:]))
    energy = gx * gx + gy * gy
    angle = np.mod(np.degrees(np.arctan2(gy, gx)), 180.0)
    width = 180.0 / BANDS
    band = np.floor(np.mod(angle + width / 2, 180.0) / width).astype(int)
    per_band = np.stack([np.where(band == b, energy, 0.0).sum(axis=(1, 2, 3)) for b in range(BANDS)], axis=1)
    total = per_band.sum(axis=1)
    return np.where(total > 0, per_band.max(axis=1) / np.maximum(total, 1e-30), 0.0)


def stem_weights(onnx_path: str, tap: str = "features.0.0") -> np.ndarray:
    """The weight of the Conv node whose output is the stem tap (through a Cast for fp16 exports)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(onnx_path)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    conv = producers.get(tap)
    if conv is None or conv.op_type != "Conv":
        raise ValueError(f"{onnx_path}: no Conv node writes {tap!r}")
    name = conv.input[1]
    while name not in inits:
        node = producers.get(name)
        if node is None or node.op_type not in ("Cast", "Identity"):
            raise ValueError(f"{onnx_path}: stem weight {name!r} is neither an initialiser nor a Cast of one")
        name = node.input[0]
    return numpy_helper.to_array(inits[name]).astype(np.float32)


def main(argv: List[str]) -> int:
    for path in argv:
        s = orientation_scores(stem_weights(path))
        print(f"{path}: mean {s.mean():.3f}  median {np.median(s):.3f}  min {s.min():.3f}  max {s.max():.3f}  ({s.size} filters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
