"""Weight-only 8-bit ONNX graphs (QDQ), for model/hf_convnext.py's onnx/model_quantized.onnx.

Every Conv, MatMul and Gemm weight initialiser becomes int8 with one float32 scale per output
channel (symmetric, zero point 0) and a DequantizeLinear node that turns it back into float32
in the graph; activations stay float32. This is the QDQ layout onnxruntime's quantiser writes
for weight-only quantisation, so a page that runs it exercises the same operator
(DequantizeLinear, per-axis) and the same approximation a quantized Hub file brings: the
weights are rounded to 255 levels per channel.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# (op, input index of the weight, axis of the output channels in that weight)
WEIGHT_INPUTS = {"Conv": (1, 0), "MatMul": (1, 1), "Gemm": (1, 0)}


def quantize_weights(w: np.ndarray, axis: int):
    """Symmetric per-channel int8: w ~ q * scale, q in [-127, 127]."""
    moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
    scale = np.abs(moved).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def to_int8_weights_graph(src: str, dst: str) -> int:
    """Writes dst; returns how many weights were quantized."""
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    done = {}
    new_nodes = []
    for node in g.node:
        spec = WEIGHT_INPUTS.get(node.op_type)
        if spec is None or len(node.input) <= spec[0]:
            continue
        name = node.input[spec[0]]
        init = inits.get(name)
        if init is None or init.data_type != TensorProto.FLOAT or name in done:
            continue
        w = numpy_helper.to_array(init)
        axis = spec[1]
        if node.op_type == "Gemm":  # B is (out, in) with transB=1, else (in, out); transB defaults to 0
            axis = 0 if next((a.i for a in node.attribute if a.name == "transB"), 0) else 1
        if w.ndim < 2:
            continue
        q, scale = quantize_weights(w, axis)
        g.initializer.remove(init)
        g.initializer.extend([
            numpy_helper.from_array(q, f"{name}_quantized"),
            numpy_helper.from_array(scale, f"{name}_scale"),
            numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f"{name}_zero_point"),
        ])
        new_nodes.append(helper.make_node("DequantizeLinear", [f"{name}_quantized", f"{name}_scale", f"{name}_zero_point"],
                                          [name], name=f"{name}_DequantizeLinear", axis=axis))
        done[name] = True
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)  # weights first: the graph stays topologically sorted
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return len(done)
