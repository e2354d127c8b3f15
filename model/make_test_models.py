#!/usr/bin/env python3
"""Makes the "bring your own model" test models and their golden values.

Each model is exported with a plain ``torch.onnx.export`` (no extra outputs, no
manifest), the way a teacher would get a file from PyTorch, so the app has to find
the layers itself. Next to each ``<id>.onnx`` goes ``<id>.golden.json``: a few
intermediate tensors computed by PyTorch forward hooks on ``public/samples/coffee.png``
preprocessed exactly like torchvision (Resize(int) bilinear -> CenterCrop -> ToTensor
-> Normalize), with the ONNX value that carries the same tensor.

    /usr/bin/python3 model/make_test_models.py [--out model/.cache/test-models] [--force]

Models (all untrained, seeded, float32, opset 17):
  resnet18            torchvision resnet18, fixed 1x3x224x224 input
  mobilenet-v3-small  torchvision mobilenet_v3_small, dynamic height/width
  convnext-atto       our ConvNeXt-Atto (convlens_model.build_model), 1000 classes
  tiny-nhwc           a small hand-made NHWC model (1x64x64x3 input) with labels in metadata_props
  tiny-nhwc-external  the same with its weights in an external data file
  unsupported-op      an image model with an operator no onnxruntime backend has
  no-image-input      a model whose only input is a [1, 10] vector
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from typing import Dict, List, Sequence

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import convlens_model as cm  # noqa: E402

IMAGENET = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
TINY_LABELS = ["dark", "light", "reddish", "greenish", "bluish"]
# Ops whose outputs the app shows (kept in step with src/model/graphTaps.ts).
SHOWN_OPS = {"Conv", "Relu", "HardSwish", "Add", "MaxPool", "Clip", "Sigmoid", "Mul"}
# Ops whose outputs carry no module tensor of their own.
SKIPPED_OPS = {"Constant", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape"}


def resize_for(crop: int) -> int:
    """torchvision's usual eval resize for a crop (256 for 224); the app uses the same rule."""
    return int(round(crop / 0.875))


def module_path(node_name: str) -> str:
    """"/layer1/layer1.0/relu/Relu" -> "layer1.0.relu" (same rule as the app's tapNameFromNode)."""
    parts = [p for p in node_name.split("/") if p][:-1]
    path, last = "", ""
    for seg in parts:
        if last and seg.startswith(last + "."):
            path = path[: len(path) - len(last)] + seg
        else:
            path = f"{path}.{seg}" if path else seg
        last = seg
    return path


def export(model: nn.Module, x: torch.Tensor, path: str, input_name: str, dynamic_hw: bool = False) -> None:
    kwargs = dict(
        input_names=[input_name],
        output_names=["logits"],
        opset_version=17,
        do_constant_folding=True,
    )
    if dynamic_hw:
        kwargs["dynamic_axes"] = {input_name: {2: "height", 3: "width"}}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:  # torch >= 2.5: keep the TorchScript exporter
        kwargs["dynamo"] = False
    torch.onnx.export(model, (x,), path, **kwargs)


def value_for_module(model_proto: onnx.ModelProto, module: str) -> onnx.NodeProto:
    """The last node inside a module's scope: its output is the module's output."""
    found = None
    for node in model_proto.graph.node:
        if node.op_type in SKIPPED_OPS:
            continue
        p = module_path(node.name)
        if p == module or p.startswith(module + "."):
            found = node
    if found is None:
        raise SystemExit(f"no ONNX node for module {module}")
    if found.op_type not in SHOWN_OPS:
        raise SystemExit(f"module {module} ends in {found.op_type} ({found.name}), which the app does not show")
    return found


@torch.no_grad()
def hook_outputs(model: nn.Module, x: torch.Tensor, modules: Sequence[str]) -> Dict[str, np.ndarray]:
    named = dict(model.named_modules())
    captured: Dict[str, np.ndarray] = {}
    handles = []
    for name in modules:
        def hook(_m, _i, out, name=name):
            captured[name] = out.detach().contiguous().numpy().astype(np.float32)[0]
        handles.append(named[name].register_forward_hook(hook))
    try:
        logits = model(x)
    finally:
        for h in handles:
            h.remove()
    captured["__logits__"] = logits.detach().numpy().astype(np.float32)[0]
    return captured


def write_golden(out_dir: str, model_id: str, file_names: List[str], model: nn.Module, x_nchw: torch.Tensor,
                 x_given: torch.Tensor, modules: Sequence[str], input_info: Dict[str, object], extra: Dict[str, object]) -> None:
    proto = onnx.load(os.path.join(out_dir, file_names[0]), load_external_data=False)
    outs = hook_outputs(model, x_given, modules)
    taps = []
    for m in modules:
        node = value_for_module(proto, m)
        arr = outs[m]
        entry = {"module": m, "node": node.name, "value": node.output[0], "op": node.op_type}
        entry.update(cm.golden_entry(arr))
        taps.append(entry)
    logits = outs["__logits__"]
    golden = {
        "modelId": model_id,
        "files": file_names,
        "photo": "coffee.png",
        "input": input_info,
        "numClasses": int(logits.shape[0]),
        "logits": cm.golden_entry(logits),
        "taps": taps,
        **extra,
    }
    with open(os.path.join(out_dir, f"{model_id}.golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


def photo(crop: int) -> torch.Tensor:
    spec = {"resizeSize": resize_for(crop), "cropSize": crop, **IMAGENET}
    return cm.load_photo(os.path.join(ROOT, "public/samples/coffee.png"), spec)


def input_info(name: str, layout: str, crop: int) -> Dict[str, object]:
    return {"name": name, "layout": layout, "size": crop, "resizeSize": resize_for(crop), **IMAGENET}


@torch.no_grad()
def calibrate_batch_norm(model: nn.Module, x: torch.Tensor) -> None:
    """Sets every BatchNorm's running statistics from the photo and its mirror image.

    With torchvision's init and the default statistics (mean 0, var 1) the untrained
    networks' activations shrink stage after stage until the late layers are ~0 and
    nothing can be seen; measured statistics keep every stage at unit scale.
    """
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the calibration batches
    model.train()
    model(torch.cat([x, torch.flip(x, dims=[3])]))
    model.eval()


def make_torchvision(out_dir: str, model_id: str, builder, modules: Sequence[str], dynamic_hw: bool) -> None:
    torch.manual_seed(0)
    model = builder(num_classes=1000).eval()
    x = photo(224)
    calibrate_batch_norm(model, x)
    export(model, torch.zeros(1, 3, 224, 224), os.path.join(out_dir, f"{model_id}.onnx"), "input", dynamic_hw)
    write_golden(out_dir, model_id, [f"{model_id}.onnx"], model, x, x, modules, input_info("input", "NCHW", 224), {"dynamicSize": dynamic_hw})


def make_convnext(out_dir: str) -> None:
    torch.manual_seed(0)
    model = cm.build_model("convnext_atto", 1000)
    cm.init_seeded_visible(model)
    model.eval()
    x = photo(224)
    export(model, torch.zeros(1, 3, 224, 224), os.path.join(out_dir, "convnext-atto.onnx"), "input")
    modules = ["features.0.0", "features.1", "features.3", "features.5", "features.7"]
    write_golden(out_dir, "convnext-atto", ["convnext-atto.onnx"], model, x, x, modules, input_info("input", "NCHW", 224), {"dynamicSize": False})


class TinyNhwc(nn.Module):
    """A small classifier that takes NHWC input, as TensorFlow-converted models do."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU())
        self.stage1 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(16, len(TINY_LABELS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 3, 1, 2)
        x = self.stage1(self.stem(x))
        return self.head(torch.flatten(self.pool(x), 1))


def make_tiny_nhwc(out_dir: str) -> None:
    torch.manual_seed(0)
    model = TinyNhwc().eval()
    with torch.no_grad():  # non-trivial batch-norm statistics, so folding it into the conv is exercised
        model.stage1[1].running_mean.uniform_(-0.5, 0.5)
        model.stage1[1].running_var.uniform_(0.5, 2.0)
    x_nchw = photo(64)
    x_nhwc = x_nchw.permute(0, 2, 3, 1).contiguous()
    path = os.path.join(out_dir, "tiny-nhwc.onnx")
    export(model, torch.zeros(1, 64, 64, 3), path, "image")
    proto = onnx.load(path)
    onnx.helper.set_model_props(proto, {"labels": json.dumps(TINY_LABELS)})
    onnx.save(proto, path)
    modules = ["stem", "stage1"]
    info = input_info("image", "NHWC", 64)
    write_golden(out_dir, "tiny-nhwc", ["tiny-nhwc.onnx"], model, x_nchw, x_nhwc, modules, info, {"labels": TINY_LABELS})
    # The same model with every weight in a separate file, as big exports are stored.
    ext = onnx.load(path)
    ext_name = "tiny-nhwc-external.onnx"
    onnx.save_model(ext, os.path.join(out_dir, ext_name), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=f"{ext_name}.data", size_threshold=0)
    write_golden(out_dir, "tiny-nhwc-external", [ext_name, f"{ext_name}.data"], model, x_nchw, x_nhwc, modules, info,
                 {"labels": TINY_LABELS})


def make_error_models(out_dir: str) -> None:
    rng = np.random.RandomState(0)
    w = helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], rng.randn(4, 3, 3, 3).astype(np.float32).ravel())
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["input", "w"], ["features"], name="/conv/Conv", pads=[1, 1, 1, 1]),
            helper.make_node("Mystery", ["features"], ["logits"], name="/mystery/Mystery", domain="com.example.convlens"),
        ],
        "unsupported_op",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, None)],
        [w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example.convlens", 1)])
    onnx.save(model, os.path.join(out_dir, "unsupported-op.onnx"))

    m = helper.make_tensor("m", TensorProto.FLOAT, [10, 2], rng.randn(10, 2).astype(np.float32).ravel())
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["features", "m"], ["logits"], name="/fc/MatMul")],
        "no_image_input",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 10])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 2])],
        [m],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "no-image-input.onnx"))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "test-models"), help="output folder")
    ap.add_argument("--force", action="store_true", help="remake files that exist")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    from torchvision import models as tvm

    jobs = [
        ("resnet18", lambda: make_torchvision(args.out, "resnet18", tvm.resnet18, ["maxpool", "layer1", "layer2", "layer3", "layer4"], False)),
        ("mobilenet-v3-small", lambda: make_torchvision(args.out, "mobilenet-v3-small", tvm.mobilenet_v3_small,
                                                        ["features.0", "features.1", "features.3", "features.8", "features.12"], True)),
        ("convnext-atto", lambda: make_convnext(args.out)),
        ("tiny-nhwc-external", lambda: make_tiny_nhwc(args.out)),
        ("no-image-input", lambda: make_error_models(args.out)),
    ]
    for i, (marker, job) in enumerate(jobs, start=1):
        done = os.path.exists(os.path.join(args.out, f"{marker}.golden.json")) or os.path.exists(os.path.join(args.out, f"{marker}.onnx"))
        if done and not args.force:
            print(f"[{i}/{len(jobs)}] {marker}: exists")
            continue
        print(f"[{i}/{len(jobs)}] {marker}: exporting", flush=True)
        job()
    print(f"test models in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
