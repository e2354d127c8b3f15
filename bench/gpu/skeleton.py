#!/usr/bin/env python3
"""A model's graph without its large weights, and back: a stand-in for carrying ConvNeXt-Tiny.

ConvNeXt-Tiny's file (114 MB) does not fit the GPU run's payload. The remote run exports it
with model/export.py first; if that fails (a torch that the exporter does not support), it
rebuilds this skeleton instead: the same graph, every initialiser with >= 1024 elements
refilled with seeded normal values of that tensor's own mean and standard deviation (a tensor
that was constant, such as a zero bias or a 0.5 layer scale, stays that constant). The compute
is the one the app runs (same ops, shapes and types); the values are not the exported ones, so
only speed and WebGPU-vs-WASM agreement are measured on it, never parity with PyTorch.

    skeleton.py strip MODEL.onnx OUT.onnx      (here, by bench/gpu/prepare.sh)
    skeleton.py rebuild SKELETON.onnx OUT.onnx (there, if the export failed)
Needs onnx and numpy only.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

MIN_ELEMENTS = 1024
KEY = "convlens.skeleton"


def strip(src: str, dst: str) -> None:
    model = onnx.load(src)
    stripped = {}
    kept = []
    for init in model.graph.initializer:
        arr = numpy_helper.to_array(init)
        if arr.size >= MIN_ELEMENTS and arr.dtype in (np.float32, np.float16):
            a64 = arr.astype(np.float64)
            stripped[init.name] = {"dims": list(arr.shape), "dtype": str(arr.dtype),
                                   "mean": float(a64.mean()), "std": float(a64.std())}
        else:
            kept.append(init)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    meta = model.metadata_props.add()
    meta.key = KEY
    meta.value = json.dumps({"order": [i.name for i in onnx.load(src, load_external_data=False).graph.initializer],
                             "stripped": stripped})
    onnx.save(model, dst)
    n = sum(int(np.prod(v["dims"])) for v in stripped.values())
    print(f"{dst}: {len(stripped)} initialisers ({n:,} values) stripped, {len(kept)} kept")


def rebuild(src: str, dst: str, seed: int = 0) -> None:
    model = onnx.load(src)
    props = {p.key: p.value for p in model.metadata_props}
    info = json.loads(props[KEY])
    rng = np.random.default_rng(seed)
    have = {i.name: i for i in model.graph.initializer}
    out = []
    for name in info["order"]:
        if name in have:
            out.append(have[name])
            continue
        s = info["stripped"][name]
        if s["std"] == 0.0:
            arr = np.full(s["dims"], s["mean"], dtype=np.float32)
        else:
            arr = (rng.standard_normal(s["dims"], dtype=np.float32) * s["std"] + s["mean"]).astype(np.float32)
        out.append(numpy_helper.from_array(arr.astype(s["dtype"]), name))
    del model.graph.initializer[:]
    model.graph.initializer.extend(out)
    keep = [p for p in model.metadata_props if p.key != KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(keep)
    onnx.save(model, dst)
    print(f"{dst}: rebuilt {len(info['stripped'])} initialisers (seed {seed})")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("strip", "rebuild"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    (strip if sys.argv[1] == "strip" else rebuild)(sys.argv[2], sys.argv[3])
