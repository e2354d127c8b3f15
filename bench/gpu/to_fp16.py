#!/usr/bin/env python3
"""A float16-*compute* copy of an exported ConvLens model, for WebGPU with 'shader-f16'.

Every float32 initialiser, Constant and Cast target inside the graph becomes float16; the
float32 input gets a Cast to float16 in front and every float32 output a Cast back to float32
behind it, so the inputs, outputs, names and manifest stay the app's own. (export.py's
--fp16-weights only *stores* weights as float16 and computes in float32; this one computes in
float16.) Needs onnx and numpy only.

    to_fp16.py MODEL_DIR OUT_DIR     (copies manifest.json along, marked fp16Compute)
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP16_MAX = 65504.0


def to_half(t: onnx.TensorProto) -> onnx.TensorProto:
    arr = numpy_helper.to_array(t)
    if np.abs(arr).max(initial=0.0) > FP16_MAX:
        raise ValueError(f"{t.name}: values beyond float16's range")
    return numpy_helper.from_array(arr.astype(np.float16), t.name)


def convert(src: str, dst: str) -> dict:
    model = onnx.load(src)
    g = model.graph
    for i, t in enumerate(g.initializer):
        if t.data_type == F32:
            g.initializer[i].CopyFrom(to_half(t))
    for node in g.node:
        for a in node.attribute:
            if node.op_type == "Cast" and a.name == "to" and a.i == F32:
                a.i = F16
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == F32:
                a.t.CopyFrom(to_half(a.t))
        if node.op_type in ("RandomNormal", "RandomUniform", "EyeLike") or any(
                a.name == "dtype" and a.i == F32 for a in node.attribute):
            raise ValueError(f"{node.op_type} node with a float32 dtype attribute: not handled")

    def rename(old: str, new: str) -> None:
        for node in g.node:
            for k, name in enumerate(node.input):
                if name == old:
                    node.input[k] = new
            for k, name in enumerate(node.output):
                if name == old:
                    node.output[k] = new

    head, tail = [], []
    for inp in g.input:
        if inp.type.tensor_type.elem_type == F32:
            half = inp.name + "__fp16"
            rename(inp.name, half)
            head.append(helper.make_node("Cast", [inp.name], [half], to=F16, name=half + "_cast"))
    for out in g.output:
        if out.type.tensor_type.elem_type == F32:
            half = out.name + "__fp16"
            rename(out.name, half)
            tail.append(helper.make_node("Cast", [half], [out.name], to=F32, name=out.name + "_cast"))
    nodes = head + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]  # stale float32 types; shape inference below redoes them
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(dst, exist_ok=True)
    onnx.save(model, os.path.join(dst, "model.onnx"))
    return {"nodes": len(g.node), "castsAdded": len(head) + len(tail), "bytes": os.path.getsize(os.path.join(dst, "model.onnx"))}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src_dir, out_dir = sys.argv[1], sys.argv[2]
    info = convert(os.path.join(src_dir, "model.onnx"), out_dir)
    man = os.path.join(src_dir, "manifest.json")
    if os.path.exists(man):
        m = json.load(open(man))
        m["id"] = m.get("id", "model") + "-fp16-compute"
        m.setdefault("file", {})["fp16Compute"] = True
        m["file"]["bytes"] = info["bytes"]
        json.dump(m, open(os.path.join(out_dir, "manifest.json"), "w"), indent=1)
    print(f"{out_dir}/model.onnx: float16 compute, {info['castsAdded']} Casts added, {info['bytes']:,} bytes")
