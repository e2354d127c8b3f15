"""float16 ONNX graphs with float32 inputs and outputs, for model/hf_convnext.py."""
from __future__ import annotations

from typing import Dict, List

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def to_float16_graph(src: str, dst: str) -> None:
    """float16 compute with float32 input and output, like onnxconverter_common's
    convert_float_to_float16(keep_io_types=True) that transformers.js uses for model_fp16.onnx:
    float initialisers and Constant tensors become float16, a Cast follows each graph input
    and precedes each graph output."""
    m = onnx.load(src)
    g = m.graph
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    for node in g.node:
        for a in node.attribute:
            if node.op_type == "Constant" and a.name == "value" and a.t.data_type == TensorProto.FLOAT:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float16), a.t.name))
            if node.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    renames: Dict[str, str] = {}
    head: List[onnx.NodeProto] = []
    for i, inp in enumerate(g.input):
        if inp.type.tensor_type.elem_type == TensorProto.FLOAT:
            casted = f"{inp.name}_fp16"
            renames[inp.name] = casted
            head.append(helper.make_node("Cast", [inp.name], [casted], name=f"graph_input_cast_{i}", to=TensorProto.FLOAT16))
    tail: List[onnx.NodeProto] = []
    for i, out in enumerate(g.output):
        if out.type.tensor_type.elem_type == TensorProto.FLOAT:
            inner = f"{out.name}_fp16"
            renames[out.name] = inner
            tail.append(helper.make_node("Cast", [inner], [out.name], name=f"graph_output_cast_{i}", to=TensorProto.FLOAT))
    nodes = list(g.node)
    for node in nodes:
        for k, name in enumerate(node.input):
            if name in renames:
                node.input[k] = renames[name]
        for k, name in enumerate(node.output):
            if name in renames:
                node.output[k] = renames[name]
    # The input cast reads the real input: undo the rename there.
    for c in head:
        c.input[0] = next(k for k, v in renames.items() if v == c.output[0])
    del g.node[:]
    g.node.extend(head + nodes + tail)
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, dst)
