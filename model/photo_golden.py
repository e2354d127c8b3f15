#!/usr/bin/env python3
"""PyTorch reference values of the committed default model for other photos, in the golden JSON's
format (model/README.md), for the browser parity test of real-world photos (e2e/app.spec.ts).

A photo is read the way the app reads it, which is PIL.Image.open plus one step:
  * EXIF orientation is applied (PIL.ImageOps.exif_transpose), as the app's createImageBitmap
    with imageOrientation 'from-image' does; PIL.Image.open alone leaves a phone photo sideways;
  * an embedded ICC profile is not applied: the pixels are the decoded values, as the app's
    colorSpaceConversion 'none' gives and as PIL.Image.open(...).convert('RGB') gives.
Then torchvision's eval transform, as convlens_model.load_photo (Resize 236 bilinear, CenterCrop
224, ToTensor, Normalize); the uint8 crop is written too, to compare with the crop the page shows.

The model is rebuilt here (seed 0, the seeded init); before writing anything the script checks
that it reproduces model/golden/convnext-atto-untrained.json on coffee.png, i.e. that it is the
committed model.

    /usr/bin/python3 model/photo_golden.py OUT_DIR PHOTO...   # writes OUT_DIR/<photo file name>.json
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from typing import Dict, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402
from torchvision import transforms  # noqa: E402
from torchvision.transforms import InterpolationMode  # noqa: E402

import convlens_model as cm  # noqa: E402

MODEL_ID = "convnext-atto-untrained"
MANIFEST = os.path.join(ROOT, "public", "models", MODEL_ID, "manifest.json")
GOLDEN = os.path.join(HERE, "golden", f"{MODEL_ID}.json")
COFFEE = os.path.join(ROOT, "public", "samples", "coffee.png")
SAME_MODEL_RTOL = 1e-6


def load(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_as_the_app_does(path: str, spec: Dict[str, object]) -> Tuple[torch.Tensor, np.ndarray, Dict[str, object]]:
    """(normalised 1x3xSxS input, uint8 SxSx3 crop, what was found in the file)."""
    with Image.open(path) as im:
        found = {"size": list(im.size), "exifOrientation": im.getexif().get(0x0112), "iccProfile": "icc_profile" in im.info}
        img = ImageOps.exif_transpose(im).convert("RGB")
    crop = transforms.Compose([
        transforms.Resize(int(spec["resizeSize"]), interpolation=InterpolationMode.BILINEAR),
        transforms.CenterCrop(int(spec["cropSize"])),
    ])(img)
    x = transforms.Normalize(spec["mean"], spec["std"])(transforms.ToTensor()(crop)).unsqueeze(0).contiguous()
    found["uprightSize"] = list(img.size)
    return x, np.asarray(crop, dtype=np.uint8), found


def golden_rel_error(arr: np.ndarray, entry: Dict[str, object]) -> float:
    """model/compare.ts's golden measure: stats and samples, scaled by the golden tap's max |value|."""
    scale = max(abs(entry["min"]), abs(entry["max"]), 1e-6)
    flat = arr.reshape(-1).astype(np.float64)
    got = [flat[i] for i in entry["samples"]["indices"]]
    diffs = [abs(a - b) for a, b in zip(got, entry["samples"]["values"])]
    stats = cm.tensor_stats(arr)
    diffs += [abs(stats[k] - entry[k]) for k in ("min", "max", "mean", "std")]
    return max(diffs) / scale


def main(argv) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir, photos = argv[0], argv[1:]
    manifest = load(MANIFEST)
    labels = manifest["labels"]
    spec = cm.preprocessing_spec(manifest["arch"])
    torch.manual_seed(manifest["weights"]["seed"])
    model = cm.build_model(manifest["arch"], len(labels))
    cm.init_seeded_visible(model)
    model.eval()
    taps = cm.tap_specs(model, int(spec["cropSize"]), labels)
    if [t.name for t in taps] != [t["name"] for t in manifest["taps"]]:
        raise SystemExit("error: rebuilt model's taps differ from the committed manifest's")

    # The same model as committed: coffee.png through this path equals the committed golden JSON.
    golden = load(GOLDEN)
    x, _, _ = read_as_the_app_does(COFFEE, spec)
    if not torch.equal(x, cm.load_photo(COFFEE, spec)):
        raise SystemExit("error: this script's preprocessing differs from convlens_model.load_photo on coffee.png")
    refs = cm.reference_taps(model, x, taps)
    worst = max((golden_rel_error(refs[t.name], golden["taps"][t.name]), t.name) for t in taps)
    if worst[0] > SAME_MODEL_RTOL:
        raise SystemExit(f"error: the rebuilt model is not the committed one (torch {torch.__version__}): "
                         f"relError {worst[0]:.3g} at {worst[1]} on coffee.png")

    os.makedirs(out_dir, exist_ok=True)
    for path in photos:
        x, crop, found = read_as_the_app_does(path, spec)
        refs = cm.reference_taps(model, x, taps)
        x_np = x.numpy().astype(np.float32)
        logits = refs["logits"].astype(np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        with open(path, "rb") as f:
            photo_sha = hashlib.sha256(f.read()).hexdigest()
        entry = {
            "modelId": MODEL_ID,
            "photo": os.path.basename(path),
            "photoSha256": photo_sha,
            "read": found,
            "tolerance": golden["tolerance"],
            "cropRgbBase64": base64.b64encode(crop.tobytes()).decode("ascii"),
            "input": {**cm.golden_entry(x_np[0]), "shape": list(x_np.shape)},
            "taps": {t.name: cm.golden_entry(refs[t.name]) for t in taps},
            "top5": [{"index": int(i), "label": labels[int(i)], "probability": float(probs[i])}
                     for i in np.argsort(-probs, kind="stable")[:5]],
        }
        target = os.path.join(out_dir, os.path.basename(path) + ".json")
        with open(target, "w", encoding="utf-8") as f:
            json.dump(entry, f)
        print(f"{target}: {found}, top-1 {entry['top5'][0]['label']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
