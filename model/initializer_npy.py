#!/usr/bin/env python3
"""Writes ONNX initializers as float32 .npy files, read with the onnx package's own numpy_helper
(float16 widened exactly), so tests can check the app's weight reader against it bit for bit.

    /usr/bin/python3 model/initializer_npy.py MODEL.onnx OUT_DIR NAME [NAME ...]

Each NAME goes to OUT_DIR/<index>.npy, index being its position in the arguments.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main(argv) -> int:
    model_path, out_dir, names = argv[0], argv[1], argv[2:]
    model = onnx.load(model_path, load_external_data=False)
    stored = {t.name: t for t in model.graph.initializer}
    os.makedirs(out_dir, exist_ok=True)
    for i, name in enumerate(names):
        if name not in stored:
            print(f"{name}: not an initializer of {model_path}", file=sys.stderr)
            return 1
        np.save(os.path.join(out_dir, f"{i}.npy"), numpy_helper.to_array(stored[name]).astype(np.float32))
    print(f"{out_dir}: {len(names)} initializers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
