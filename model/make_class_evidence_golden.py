#!/usr/bin/env python3
"""Golden numbers for the class evidence map (src/render/classEvidence.ts), from PyTorch.

For the committed default model (ConvNeXt-Atto, head: pool -> LayerNorm -> Linear) and the
test resnet18 of make_test_models.py (head: pool -> Linear), on public/samples/coffee.png:

  map_c(y, x) = 1/(sigma*H*W) * sum_k w_ck gamma_k (A_k(y,x) - mean_j A_j(y,x))   (LayerNorm head)
  map_c(y, x) = 1/(H*W) * sum_k w_ck A_k(y,x)                                        (plain head)
  constant_c  = sum_k w_ck beta_k + b_c  (or b_c)

computed in float64 from the PyTorch feature map A, and checked here against PyTorch's own
logits (sum + constant == logit). Writes model/golden/class-evidence.json (committed) and the
preprocessed inputs to model/.cache/class-evidence/<id>.input.bin (float32, for the unit test
to run the same input through onnxruntime-node).

    /usr/bin/python3 model/make_class_evidence_golden.py
"""
from __future__ import annotations

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import convlens_model as cm  # noqa: E402
import make_test_models as mtm  # noqa: E402

GOLDEN = os.path.join(HERE, "golden", "class-evidence.json")
CACHE = os.path.join(HERE, ".cache", "class-evidence")


@torch.no_grad()
def evidence(a: torch.Tensor, w: torch.Tensor, b: torch.Tensor, norm) -> tuple:
    """a [K,H,W], w [C,K], b [C] (float64) -> maps [C,H,W], constants [C]."""
    k, h, wd = a.shape
    if norm is None:
        maps = torch.einsum("ck,kyx->cyx", w, a) / (h * wd)
        return maps, b.clone()
    gamma, beta, eps = norm
    p = a.mean(dim=(1, 2))
    sigma = torch.sqrt(p.var(unbiased=False) + eps)
    centred = a - a.mean(dim=0, keepdim=True)
    maps = torch.einsum("ck,kyx->cyx", w * gamma, centred) / (sigma * h * wd)
    return maps, (w * beta).sum(dim=1) + b


@torch.no_grad()
def entry(model_id: str, onnx_path: str, feature: torch.Tensor, logits: torch.Tensor, w, b, norm) -> dict:
    a = feature[0].double()
    maps, consts = evidence(a, w.double(), b.double(), None if norm is None else tuple(
        t.double() if torch.is_tensor(t) else t for t in norm))
    lg = logits[0].double()
    order = torch.argsort(lg, descending=True)
    classes = sorted({int(order[0]), int(order[1]), 0, int(order[-1])})
    worst = 0.0
    out = []
    for c in classes:
        s = float(maps[c].sum())
        rel = abs(s + float(consts[c]) - float(lg[c])) / max(abs(float(lg[c])), 1e-6)
        worst = max(worst, rel)
        out.append({"index": c, "logit": float(lg[c]), "mapSum": s, "constant": float(consts[c]),
                    "map": [float(v) for v in maps[c].flatten()]})
    if worst > 1e-5:
        raise SystemExit(f"{model_id}: sum + constant differs from PyTorch's logit by {worst:.3g} (relative)")
    print(f"{model_id}: {len(classes)} classes, identity worst relative error {worst:.2g}")
    return {"id": model_id, "onnx": onnx_path, "featureShape": list(a.shape), "norm": norm is not None,
            "input": f"model/.cache/class-evidence/{model_id}.input.bin", "classes": out}


def capture(model: torch.nn.Module, module: torch.nn.Module, x: torch.Tensor):
    got = {}
    handle = module.register_forward_hook(lambda _m, _i, o: got.setdefault("a", o.detach()))
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        handle.remove()
    return got["a"], logits


def save_input(model_id: str, x: torch.Tensor) -> None:
    os.makedirs(CACHE, exist_ok=True)
    x.contiguous().numpy().astype("float32").tofile(os.path.join(CACHE, f"{model_id}.input.bin"))


def main() -> int:
    models = []
    # 1. The committed default model, rebuilt as model/export.py builds it (seed 0, 101 classes).
    torch.manual_seed(0)
    atto = cm.build_model("convnext_atto", 101)
    cm.init_seeded_visible(atto)
    atto.eval()
    x = cm.load_photo(os.path.join(ROOT, "public", "samples", "coffee.png"), cm.preprocessing_spec("convnext_atto"))
    a, logits = capture(atto, atto.features, x)
    ln, fc = atto.classifier[0], atto.classifier[2]
    save_input("convnext-atto-untrained", x)
    models.append(entry("convnext-atto-untrained", "public/models/convnext-atto-untrained/model.onnx", a, logits,
                        fc.weight, fc.bias, (ln.weight, ln.bias, ln.eps)))
    # 2. make_test_models.py's resnet18 (same seed, same batch-norm calibration).
    from torchvision import models as tvm
    torch.manual_seed(0)
    resnet = tvm.resnet18(num_classes=1000).eval()
    x = mtm.photo(224)
    mtm.calibrate_batch_norm(resnet, x)
    a, logits = capture(resnet, resnet.layer4, x)
    save_input("resnet18", x)
    models.append(entry("resnet18", "model/.cache/test-models/resnet18.onnx", a, logits, resnet.fc.weight, resnet.fc.bias, None))
    with open(GOLDEN, "w") as f:
        json.dump({"photo": "coffee.png", "models": models}, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(GOLDEN, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
