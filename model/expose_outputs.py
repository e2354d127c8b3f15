"""Writes a copy of an ONNX file whose graph outputs are the given value names.

For tests that compare the app with onnxruntime-node on a foreign model's intermediate
values: the app exposes them by rewriting the graph itself, so the test makes its own copy
with the official `onnx` package instead of reusing the app's rewrite (no checking the app
against itself).

    /usr/bin/python3 model/expose_outputs.py IN.onnx OUT.onnx < names.txt   (one value name a line)
"""
import sys

import onnx
from onnx import TensorProto, helper


def expose(model: onnx.ModelProto, names: list) -> onnx.ModelProto:
    graph = model.graph
    produced = {o for n in graph.node for o in n.output}
    missing = [n for n in names if n not in produced]
    if missing:
        raise SystemExit(f"not produced by any node: {missing[:5]}")
    have = {o.name for o in graph.output}
    for name in names:
        if name not in have:
            # Element type float, shape left open: onnxruntime fills it in.
            graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
            have.add(name)
    return model


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    names = [line.strip() for line in sys.stdin if line.strip()]
    onnx.save(expose(onnx.load(src), names), dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
