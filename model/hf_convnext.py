#!/usr/bin/env python3
"""A Hugging Face Hub-style ConvNeXt, made here, for tests that cannot reach the Hub.

The Hub's ConvNeXt (transformers' ConvNextForImageClassification, as exported to ONNX
by optimum for Xenova/convnext-tiny-224) has module names and a channels-first
LayerNorm that differ from torchvision's. hf_convnext_modules.py reproduces those names and
that LayerNorm (written out as mean/sub/pow/sqrt/div, as transformers'
ConvNextLayerNorm does) in a tiny, seeded, untrained configuration, and writes a
repo folder laid out like the Hub's:

    <out>/<owner>/<name>/config.json                 1000-class id2label (ImageNet names)
    <out>/<owner>/<name>/preprocessor_config.json    bicubic, crop_pct 0.875, shortest_edge 224
    <out>/<owner>/<name>/onnx/model.onnx             float32, opset 17, input pixel_values -> logits
    <out>/<owner>/<name>/onnx/model_fp16.onnx        float16 compute, float32 input/output
                                                     (keep_io_types, as transformers.js converts)
    <out>/<owner>/<name>/onnx/model_quantized.onnx   int8 weights (per-channel, DequantizeLinear), float32 compute
    <out>/<owner>/<name>.reference.json              PyTorch forward-hook values (not part of the repo)

The reference values are computed on public/samples/coffee.png preprocessed the way
transformers' ConvNextImageProcessor does it (PIL bicubic resize of the shorter side
to int(224 / 0.875), centre crop with floor offsets, rescale in float64 then float32,
normalise in float32), so a test can compare the app's numbers with PyTorch's.

    /usr/bin/python3 model/hf_convnext.py [--out e2e/generated/hub] [--id Xenova/convnext-tiny-224] [--force]
"""
from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from hf_convnext_modules import (  # noqa: E402  (re-exported: tests and callers use hf_convnext.*)
    DEPTHS, HIDDEN_SIZES, LAYER_SCALE, ConvNextEmbeddings, ConvNextEncoder, ConvNextForImageClassification,
    ConvNextLayer, ConvNextLayerNorm, ConvNextModel, ConvNextStage,
)
from onnx_fp16 import to_float16_graph  # noqa: E402
from onnx_int8 import to_int8_weights_graph  # noqa: E402
from make_test_models import hook_outputs  # noqa: E402

ROOT = os.path.dirname(HERE)
LABELS = os.path.join(ROOT, "public", "models", "imagenet-labels.txt")
PHOTO = os.path.join(ROOT, "public", "samples", "coffee.png")

# Tiny but complete (hf_convnext_modules: depths 2/2/2/2, widths 16..128): every kind of layer appears.
SEED = 0
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
SHORTEST_EDGE = 224
CROP_PCT = 0.875
PIL_BICUBIC = 3
# The modules whose outputs the reference file records (PyTorch hooks).
REFERENCE_MODULES = [
    "convnext.embeddings.patch_embeddings",
    "convnext.embeddings",
    "convnext.encoder.stages.0.layers.0.dwconv",
    "convnext.encoder.stages.0",
    "convnext.encoder.stages.1.downsampling_layer",
    "convnext.encoder.stages.1.layers.1",
    "convnext.encoder.stages.2",
    "convnext.encoder.stages.3.layers.0.dwconv",
    "convnext.encoder.stages.3",
]


# ConvNeXt-Tiny's depths and widths: the bench's peer row compares on a real Tiny shape.
TINY_DEPTHS = [3, 3, 9, 3]
TINY_HIDDEN_SIZES = [96, 192, 384, 768]


def build_model(seed: int = SEED, num_labels: int = 1000, depths: Sequence[int] = DEPTHS,
                dims: Sequence[int] = HIDDEN_SIZES) -> ConvNextForImageClassification:
    """Seeded He init (as convlens_model.init_seeded_visible) so untrained activations stay visible."""
    torch.manual_seed(seed)
    model = ConvNextForImageClassification(depths, dims, num_labels=num_labels)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            expands = isinstance(m, nn.Linear) and m.out_features > m.in_features  # pwconv1, before GELU
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu" if expands else "linear")
            nn.init.normal_(m.bias, std=0.05)
        elif isinstance(m, ConvNextLayer):
            nn.init.normal_(m.layer_scale_parameter, mean=LAYER_SCALE, std=0.05)
        elif isinstance(m, (ConvNextLayerNorm, nn.LayerNorm)):
            # Not the identity affine: distinct values, as a trained model has (and as the parity tests need).
            nn.init.normal_(m.weight, mean=1.0, std=0.1)
            nn.init.normal_(m.bias, std=0.05)
    nn.init.normal_(model.classifier.weight, std=1.0 / math.sqrt(model.classifier.in_features))
    return model.eval()


# --- preprocessing as transformers' ConvNextImageProcessor does it --------------------

def transformers_preprocess(path: str, shortest_edge: int = SHORTEST_EDGE, crop_pct: float = CROP_PCT,
                            resample: int = PIL_BICUBIC, rescale_factor: float = 1 / 255,
                            mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD) -> np.ndarray:
    """[1, 3, S, S] float32, step by step as transformers' slow image processor (PIL backend):
    resize the shorter side to int(S / crop_pct) (longer: int(new_short * long / short)),
    centre crop S with offsets (size - S) // 2, rescale as float64 * factor -> float32,
    then (x - float32 mean) / float32 std. Only the shortest_edge < 384 branch (what the tests use)."""
    from PIL import Image

    if shortest_edge >= 384:
        raise ValueError("only the crop branch (shortest_edge < 384) is implemented here")
    with Image.open(path) as im:
        img = im.convert("RGB")
    w, h = img.size
    short_target = int(shortest_edge / crop_pct)
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(short_target * long / short)
    ow, oh = (short_target, new_long) if w <= h else (new_long, short_target)
    arr = np.asarray(img.resize((ow, oh), resample=resample), dtype=np.uint8)
    top = (oh - shortest_edge) // 2
    left = (ow - shortest_edge) // 2
    arr = arr[top:top + shortest_edge, left:left + shortest_edge]
    x = (arr.astype(np.float64) * rescale_factor).astype(np.float32)
    x = (x - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def tap_of_module(module: str) -> str:
    """The app's tap (graph value named by module path) that carries a module's output: a
    container's output is its last child's (embeddings -> its layernorm, a stage -> its
    last block, a downsampling layer -> its conv)."""
    if module == "convnext.embeddings":
        return "convnext.embeddings.layernorm"
    if module.endswith(".downsampling_layer"):
        return module + ".1"
    parts = module.split(".")
    if len(parts) == 4 and parts[2] == "stages":
        return f"{module}.layers.{DEPTHS[int(parts[3])] - 1}"
    return module


# --- export ---------------------------------------------------------------------------

def export_onnx(model: nn.Module, path: str) -> None:
    """opset 17 with optimum's names and dynamic axes (batch, channels, height, width)."""
    kwargs = dict(
        input_names=["pixel_values"],
        output_names=["logits"],
        opset_version=17,
        do_constant_folding=True,
        dynamic_axes={"pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
                      "logits": {0: "batch_size"}},
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:  # torch >= 2.5: keep the TorchScript exporter
        kwargs["dynamo"] = False
    torch.onnx.export(model, (torch.zeros(1, 3, SHORTEST_EDGE, SHORTEST_EDGE),), path, **kwargs)


# --- reference values -------------------------------------------------------------------

def sample_indices(n: int, count: int = 64, seed: int = 20240601) -> List[int]:
    rng = np.random.RandomState(seed)
    picks = rng.choice(n, size=min(count, n), replace=False) if n > 0 else np.array([], dtype=np.int64)
    return sorted(set(int(i) for i in picks) | {0, n - 1})


def golden_entry(arr: np.ndarray) -> Dict[str, object]:
    flat = arr.reshape(-1)
    a = arr.astype(np.float64)
    idx = sample_indices(flat.size)
    return {"shape": list(arr.shape), "min": float(a.min()), "max": float(a.max()), "mean": float(a.mean()),
            "std": float(a.std()), "samples": {"indices": idx, "values": [float(flat[i]) for i in idx]}}


def reference(model: nn.Module, x: np.ndarray, modules: Sequence[str]) -> Dict[str, np.ndarray]:
    """PyTorch forward-hook outputs of `modules` (batch dimension dropped) and the logits."""
    captured = hook_outputs(model, torch.from_numpy(x), modules)
    captured["logits"] = captured.pop("__logits__")
    return captured


def read_labels() -> List[str]:
    with open(LABELS, encoding="utf-8") as f:
        labels = [line.strip() for line in f if line.strip()]
    if len(labels) != 1000:
        raise SystemExit(f"{LABELS}: expected 1000 labels, found {len(labels)}")
    return labels


def config_json(labels: Sequence[str], depths: Sequence[int] = DEPTHS, dims: Sequence[int] = HIDDEN_SIZES) -> Dict[str, object]:
    return {
        "_name_or_path": "convlens/hf-convnext-test",
        "architectures": ["ConvNextForImageClassification"],
        "model_type": "convnext",
        "depths": list(depths),
        "hidden_sizes": list(dims),
        "hidden_act": "gelu",
        "num_channels": 3,
        "num_stages": 4,
        "patch_size": 4,
        "image_size": SHORTEST_EDGE,
        "layer_norm_eps": 1e-12,
        "layer_scale_init_value": LAYER_SCALE,
        "drop_path_rate": 0.0,
        "initializer_range": 0.02,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "torch_dtype": "float32",
    }


def preprocessor_json() -> Dict[str, object]:
    return {
        "crop_pct": CROP_PCT,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": IMAGENET_MEAN,
        "image_processor_type": "ConvNextImageProcessor",
        "image_std": IMAGENET_STD,
        "resample": PIL_BICUBIC,
        "rescale_factor": 1 / 255,
        "size": {"shortest_edge": SHORTEST_EDGE},
    }


def write_json(path: str, obj: object, indent: Optional[int] = 2) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def make_repo(out: str, repo_id: str, force: bool = False) -> str:
    """Writes the repo folder and reference file; returns the repo folder. Skips work already done."""
    owner, name = repo_id.split("/", 1)
    repo = os.path.join(out, owner, name)
    ref_path = os.path.join(out, owner, f"{name}.reference.json")
    if os.path.exists(ref_path) and os.path.exists(os.path.join(repo, "onnx", "model_quantized.onnx")) and not force:
        return repo
    os.makedirs(os.path.join(repo, "onnx"), exist_ok=True)
    print("1/4 building the seeded model", file=sys.stderr)
    model = build_model()
    print("2/4 exporting onnx/model.onnx, onnx/model_fp16.onnx and onnx/model_quantized.onnx", file=sys.stderr)
    fp32 = os.path.join(repo, "onnx", "model.onnx")
    export_onnx(model, fp32)
    to_float16_graph(fp32, os.path.join(repo, "onnx", "model_fp16.onnx"))
    to_int8_weights_graph(fp32, os.path.join(repo, "onnx", "model_quantized.onnx"))
    print("3/4 writing config.json and preprocessor_config.json", file=sys.stderr)
    write_json(os.path.join(repo, "config.json"), config_json(read_labels()))
    write_json(os.path.join(repo, "preprocessor_config.json"), preprocessor_json())
    print("4/4 PyTorch reference values on coffee.png (transformers-style bicubic preprocessing)", file=sys.stderr)
    x = transformers_preprocess(PHOTO)
    outs = reference(model, x, REFERENCE_MODULES)
    ref = {
        "repoId": repo_id,
        "photo": "public/samples/coffee.png",
        "preprocessing": {"resizeShortest": int(SHORTEST_EDGE / CROP_PCT), "crop": SHORTEST_EDGE, "resample": "PIL bicubic",
                          "mean": IMAGENET_MEAN, "std": IMAGENET_STD},
        "input": golden_entry(x[0]),
        "taps": [{"module": m, "tap": tap_of_module(m), **golden_entry(outs[m])} for m in REFERENCE_MODULES],
        "logits": golden_entry(outs["logits"]),
        "top5": [int(i) for i in np.argsort(-outs["logits"])[:5]],
    }
    write_json(ref_path, ref, indent=None)
    # The full stage outputs too, for tests that compare whole tensors.
    np.save(os.path.join(out, owner, f"{name}.input.npy"), x)
    return repo


def make_tiny_repo(repo: str) -> str:
    """ConvNeXt-Tiny's shape, seeded and untrained: config.json, preprocessor_config.json and
    onnx/model.onnx only (the bench's peer row; no reference values, no fp16 or int8 files)."""
    if os.path.exists(os.path.join(repo, "onnx", "model.onnx")):
        return repo
    os.makedirs(os.path.join(repo, "onnx"), exist_ok=True)
    export_onnx(build_model(depths=TINY_DEPTHS, dims=TINY_HIDDEN_SIZES), os.path.join(repo, "onnx", "model.onnx"))
    write_json(os.path.join(repo, "config.json"), config_json(read_labels(), TINY_DEPTHS, TINY_HIDDEN_SIZES))
    write_json(os.path.join(repo, "preprocessor_config.json"), preprocessor_json())
    return repo


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "e2e", "generated", "hub"), help="folder for <owner>/<name>/")
    p.add_argument("--id", default="Xenova/convnext-tiny-224", help="repo id the files stand in for (owner/name)")
    p.add_argument("--force", action="store_true", help="rewrite even when the files exist")
    p.add_argument("--tiny-repo", help="instead: write a ConvNeXt-Tiny-shaped repo (model.onnx and configs only) to this folder")
    args = p.parse_args(argv)
    if args.tiny_repo:
        print(make_tiny_repo(os.path.abspath(args.tiny_repo)))
        return 0
    if args.id.count("/") != 1:
        p.error("--id must be owner/name")
    repo = make_repo(os.path.abspath(args.out), args.id, args.force)
    print(repo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
