"""Seeded ConvNeXt checkpoints of every family the page builds from weights (src/checkpoint/),
saved as each library saves them, with PyTorch's output of every module on a photo.

Run with /usr/bin/python3 (torch, torchvision); the parity tests run it when its output is
missing or older than this script (src/checkpoint/testing/checkpointFixtures.ts). Writes
model/.cache/checkpoints/<case>/ (gitignored):
  the checkpoint as its library saves it: model.safetensors (transformers save_pretrained and timm
    push_to_hub style; written by hand, the safetensors package is not needed), pytorch_model.bin
    or a .pth (torch.save of the state dict, float32, float16 or bfloat16), config.json,
    preprocessor_config.json;
  weights.json + weights.bin: the same tensors as float32 (what the readers hand the builder), a
    test-only path that needs no reader;
  reference.json + reference.bin: the input (coffee.png, torchvision-style 236 -> 224) and every
    module's output as C×H×W float32 (channels-last outputs permuted), logits and top-5.

1. build each reference model (model/checkpoint_families.py, torchvision's own ConvNeXt) under
   torch.manual_seed, then make every parameter visible (layer scales 0.5, GRN and norms off
   their identity init) so a wrong weight cannot hide;
2. round the weights to the stored dtype and back, and run float32 with forward hooks;
3. save checkpoint, sidecars, raw weights and references.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import struct
from typing import Dict, List, Tuple

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision import transforms
from torchvision.models import convnext as tv_convnext

import checkpoint_families as fam

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / ".cache" / "checkpoints"
PHOTO = ROOT / "public" / "samples" / "coffee.png"
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
DTYPE_NAMES = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}


def source_hash() -> str:
    """What the tests compare with stamp.json to know the fixtures are current."""
    h = hashlib.sha256()
    for f in ("make_checkpoints.py", "checkpoint_families.py"):
        h.update((HERE / f).read_bytes())
    return h.hexdigest()


def make_visible(model: nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            leaf = name.rsplit(".", 1)[-1]
            if leaf in ("gamma", "layer_scale_parameter", "layer_scale"):
                p.copy_(0.5 + 0.1 * r)
            elif ".grn." in name:
                p.copy_((0.5 if leaf == "weight" else 0.1) * r)
            elif p.dim() == 1 and leaf == "weight":  # LayerNorm scales
                p.copy_(1 + 0.2 * r)
            elif leaf == "bias":
                p.copy_(0.05 * r)
            elif name.endswith(("classifier.weight", "head.fc.weight", "classifier.2.weight")):
                p.copy_(r / p.shape[1] ** 0.5)


def write_safetensors(path: pathlib.Path, state: Dict[str, torch.Tensor]) -> None:
    header: Dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs: List[bytes] = []
    at = 0
    for k, t in state.items():
        t = t.contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[k] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def photo_input(size: int = 224) -> torch.Tensor:
    t = transforms.Compose([transforms.Resize(236), transforms.CenterCrop(size), transforms.ToTensor(), transforms.Normalize(*IMAGENET)])
    return t(Image.open(PHOTO).convert("RGB")).unsqueeze(0)


# Tap lists: (module path, layout of its output). Written from each library's module names, apart
# from the TypeScript builder, so the parity test also checks the names it gives.
def hf_taps(depths, prefix: str, v2: bool, classifier: bool) -> List[Tuple[str, str]]:
    taps = [(f"{prefix}embeddings.patch_embeddings", "nchw"), (f"{prefix}embeddings.layernorm", "nchw")]
    for s, d in enumerate(depths):
        st = f"{prefix}encoder.stages.{s}"
        if s > 0:
            taps += [(f"{st}.downsampling_layer.0", "nchw"), (f"{st}.downsampling_layer.1", "nchw")]
        for b in range(d):
            l = f"{st}.layers.{b}"
            taps += [(f"{l}.dwconv", "nchw")] + [(f"{l}.{m}", "nhwc") for m in ["layernorm", "pwconv1", "act"] + (["grn"] if v2 else []) + ["pwconv2"]] + [(l, "nchw")]
    taps.append((f"{prefix}layernorm", "vec"))
    return taps + ([("classifier", "logits")] if classifier else [])


def timm_taps(depths, conv_mlp: bool, grn: bool) -> List[Tuple[str, str]]:
    inner = "nchw" if conv_mlp else "nhwc"
    taps = [("stem.0", "nchw"), ("stem.1", "nchw")]
    for s, d in enumerate(depths):
        if s > 0:
            taps += [(f"stages.{s}.downsample.0", "nchw"), (f"stages.{s}.downsample.1", "nchw")]
        for b in range(d):
            l = f"stages.{s}.blocks.{b}"
            taps += [(f"{l}.conv_dw", "nchw")] + [(f"{l}.{m}", inner) for m in ["norm", "mlp.fc1", "mlp.act"] + (["mlp.grn"] if grn else []) + ["mlp.fc2"]] + [(l, "nchw")]
    return taps + [("head.global_pool", "nchw"), ("head.norm", "nchw"), ("head.fc", "logits")]


def tv_taps(depths) -> List[Tuple[str, str]]:
    taps = [("features.0.0", "nchw"), ("features.0.1", "nchw")]
    for s, d in enumerate(depths):
        if s > 0:
            taps += [(f"features.{2 * s}.0", "nchw"), (f"features.{2 * s}.1", "nchw")]
        for b in range(d):
            l = f"features.{2 * s + 1}.{b}"
            taps += [(f"{l}.block.0", "nchw")] + [(f"{l}.block.{i}", "nhwc") for i in (2, 3, 4, 5)] + [(l, "nchw")]
    return taps + [("avgpool", "nchw"), ("classifier.0", "nchw"), ("classifier.2", "logits")]


def tv_model(depths, dims, classes: int) -> nn.Module:
    settings = [tv_convnext.CNBlockConfig(c, dims[i + 1] if i + 1 < len(dims) else None, d) for i, (d, c) in enumerate(zip(depths, dims))]
    return tv_convnext.ConvNeXt(settings, num_classes=classes)


def hf_config(depths, dims, v2: bool, labels: List[str], eps: float) -> Dict[str, object]:
    model = "ConvNextV2" if v2 else "ConvNext"
    cfg = {"architectures": [f"{model}ForImageClassification"], "model_type": "convnextv2" if v2 else "convnext", "depths": list(depths),
           "hidden_sizes": list(dims), "hidden_act": "gelu", "layer_norm_eps": eps, "num_channels": 3, "patch_size": 4, "num_stages": len(depths),
           "drop_path_rate": 0.0, "image_size": 224, "torch_dtype": "float32"}
    if labels:
        cfg["id2label"] = {str(i): l for i, l in enumerate(labels)}
        cfg["label2id"] = {l: i for i, l in enumerate(labels)}
    if not v2:
        cfg["layer_scale_init_value"] = 1e-6
    return cfg


HF_PREPROCESSOR = {"image_processor_type": "ConvNextImageProcessor", "crop_pct": 0.875, "do_normalize": True, "do_rescale": True,
                   "do_resize": True, "image_mean": IMAGENET[0], "image_std": IMAGENET[1], "resample": 3, "rescale_factor": 1 / 255,
                   "size": {"shortest_edge": 224}}


def timm_config(arch: str, dims, classes: int, crop_pct: float, labels: List[str] = ()) -> Dict[str, object]:
    cfg = {"architecture": arch, "num_classes": classes, "num_features": dims[-1], "global_pool": "avg",
           "pretrained_cfg": {"tag": "test", "custom_load": False, "input_size": [3, 224, 224], "fixed_input_size": False,
                              "interpolation": "bicubic", "crop_pct": crop_pct, "crop_mode": "center", "mean": IMAGENET[0], "std": IMAGENET[1],
                              "num_classes": classes, "pool_size": [7, 7], "first_conv": "stem.0", "classifier": "head.fc"}}
    if labels:
        cfg["label_names"] = list(labels)
    return cfg


def cases():
    """(case name, model, stored dtype, checkpoint file, taps, config, preprocessor config)."""
    labels10 = [f"dish {i}" for i in range(10)]
    d, w = [1, 2, 2, 1], [8, 16, 32, 48]
    yield ("hf-convnext", lambda: fam.HFConvNextForImageClassification(d, w, 10, v2=False), torch.float32, "model.safetensors",
           hf_taps(d, "convnext.", False, True), hf_config(d, w, False, labels10, 1e-12), HF_PREPROCESSOR)
    yield ("hf-convnextv2-bin", lambda: fam.HFConvNextForImageClassification([1, 1, 2, 1], w, 5, v2=True, layer_norm_eps=1e-6), torch.float32,
           "pytorch_model.bin", hf_taps([1, 1, 2, 1], "convnextv2.", True, True), hf_config([1, 1, 2, 1], w, True, ["a", "b", "c", "d", "e"], 1e-6), HF_PREPROCESSOR)
    yield ("hf-convnext-backbone", lambda: fam.HFConvNextModel(d, w, v2=False), torch.float32, "model.safetensors",
           hf_taps(d, "", False, False), None, None)
    atto_d, atto_w = [2, 2, 6, 2], [40, 80, 160, 320]
    yield ("timm-atto", lambda: fam.TimmConvNeXt(atto_d, atto_w, 1000, conv_mlp=True), torch.float32, "model.safetensors",
           timm_taps(atto_d, True, False), timm_config("convnext_atto", atto_w, 1000, 0.95), None)
    yield ("timm-v2-f16", lambda: fam.TimmConvNeXt([1, 1, 2, 1], w, 6, use_grn=True, ls_init_value=None), torch.float16, "convnextv2.pth",
           timm_taps([1, 1, 2, 1], False, True), timm_config("convnextv2_test", w, 6, 0.875, [f"class {c}" for c in "uvwxyz"]), None)
    yield ("timm-v1-bf16", lambda: fam.TimmConvNeXt([1, 1, 2, 1], w, 6), torch.bfloat16, "convnext.pth",
           timm_taps([1, 1, 2, 1], False, False), None, None)
    yield ("timm-v2-convmlp", lambda: fam.TimmConvNeXt([1, 1, 2, 1], w, 6, conv_mlp=True, use_grn=True, ls_init_value=None), torch.float32,
           "model.safetensors", timm_taps([1, 1, 2, 1], True, True), timm_config("convnextv2_test", w, 6, 0.95, list("uvwxyz")), None)
    small_d, small_w = [3, 3, 27, 3], [8, 16, 24, 32]
    yield ("torchvision-food101", lambda: tv_model(small_d, small_w, 101), torch.float32, "convnext_food101.pth", tv_taps(small_d), None, None)


def run_case(out: pathlib.Path, name: str, build, dtype, file: str, taps, config, pre, x: torch.Tensor) -> None:
    torch.manual_seed(0)
    model = build().eval()
    make_visible(model, 0)
    stored = {k: v.detach().to(dtype) for k, v in model.state_dict().items()}
    model.load_state_dict({k: v.float() for k, v in stored.items()})
    names = dict(model.named_modules())
    outputs: Dict[str, torch.Tensor] = {}
    for path, _ in taps:
        names[path].register_forward_hook(lambda _m, _i, o, path=path: outputs.__setitem__(path, o.detach()))
    with torch.no_grad():
        model(x)

    d = out / name
    d.mkdir(parents=True, exist_ok=True)
    if file.endswith(".safetensors"):
        write_safetensors(d / file, stored)
    else:
        torch.save(stored, d / file)
    if config is not None:
        (d / "config.json").write_text(json.dumps(config, indent=1))
    if pre is not None:
        (d / "preprocessor_config.json").write_text(json.dumps(pre, indent=1))

    index, at = [], 0
    with open(d / "weights.bin", "wb") as f:
        for k, v in stored.items():
            a = v.float().contiguous().numpy().astype("<f4")
            f.write(a.tobytes())
            index.append({"name": k, "dtype": DTYPE_NAMES[dtype], "shape": list(v.shape), "offset": at})
            at += a.nbytes
    (d / "weights.json").write_text(json.dumps(index))

    ref, at = {"case": name, "file": file, "dtype": DTYPE_NAMES[dtype], "taps": []}, 0
    with open(d / "reference.bin", "wb") as f:
        def put(arr: np.ndarray) -> int:
            nonlocal at
            f.write(arr.astype("<f4").tobytes())
            start, at = at, at + arr.size * 4
            return start
        ref["input"] = {"shape": list(x.shape), "offset": put(x.numpy())}
        for path, layout in taps:
            o = outputs[path]
            o = o.permute(0, 3, 1, 2) if layout == "nhwc" else o
            o = o.reshape(1, o.shape[1], 1, 1) if layout == "vec" else o
            a = o[0].contiguous().numpy()
            ref["taps"].append({"name": path, "channelsLast": layout == "nhwc", "shape": list(a.shape), "offset": put(a),
                                "min": float(a.min()), "max": float(a.max())})
        logits = [t for t in ref["taps"] if len(t["shape"]) == 1]
        if logits:
            scores = outputs[logits[0]["name"]][0]
            ref["top5"] = torch.topk(scores, 5).indices.tolist()
    (d / "reference.json").write_text(json.dumps(ref))
    print(f"{name}: {len(taps)} taps, {sum(v.numel() for v in stored.values())} weights as {DTYPE_NAMES[dtype]} -> {d}")


def bench_pairs(out: pathlib.Path, only: List[str]) -> None:
    """For the bench: full-size checkpoints and the same network exported by torch.onnx (opset 17, logits only),
    so "checkpoint bytes -> session" can be timed against "InferenceSession.create on the exported ONNX"."""
    pairs = [("timm-atto", lambda: fam.TimmConvNeXt([2, 2, 6, 2], [40, 80, 160, 320], 1000, conv_mlp=True), "model.safetensors"),
             ("torchvision-tiny", lambda: tv_convnext.convnext_tiny(), "convnext_tiny.pth")]
    for name, build, file in pairs:
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = build().eval()
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
        write_safetensors(d / file, state) if file.endswith(".safetensors") else torch.save(state, d / file)
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), str(d / "exported.onnx"), input_names=["input"], output_names=["logits"], opset_version=17)
        print(f"{name}: {d / file} and {d / 'exported.onnx'}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=pathlib.Path, default=OUT, help="folder for the cases (default model/.cache/checkpoints)")
    p.add_argument("--bench", type=pathlib.Path, default=None,
                   help="instead: write full-size checkpoint + exported ONNX pairs (timm Atto, torchvision Tiny) here for timing")
    p.add_argument("--bench-only", action="append", default=[], metavar="NAME",
                   help="with --bench: only this pair (timm-atto or torchvision-tiny); may be given twice")
    args = p.parse_args()
    if args.bench:
        bench_pairs(args.bench, args.bench_only)
        return
    x = photo_input()
    for case in cases():
        run_case(args.out, *case, x=x)
    (args.out / "stamp.json").write_text(json.dumps({"source": source_hash(), "cases": [c[0] for c in cases()]}))


if __name__ == "__main__":
    main()
