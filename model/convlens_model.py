"""Building blocks for model/export.py: architectures, the tap wrapper, the
seeded initialisation, receptive-field geometry, descriptions and the
PyTorch reference run (forward hooks on the original torchvision modules).

Everything here is plain torch/torchvision so it works with Debian's torch 1.13
and with current pip torch 2.x.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor, nn
import torchvision
from torchvision.models import convnext as tv_convnext

# --------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------

#: The "atto" variant (from timm's ConvNeXt family), built with torchvision's
#: own ConvNeXt class: dims 40/80/160/320, depths 2/2/6/2.
ATTO_DIMS = (40, 80, 160, 320)
ATTO_DEPTHS = (2, 2, 6, 2)

# ImageNet normalisation used by every torchvision ConvNeXt.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ArchInfo:
    name: str
    pretty: str
    builder: Optional[Callable[..., nn.Module]]
    weights_enum: Optional[type]


def _build_atto(num_classes: int = 1000, **kwargs) -> tv_convnext.ConvNeXt:
    cfg = tv_convnext.CNBlockConfig
    block_setting = [
        cfg(ATTO_DIMS[0], ATTO_DIMS[1], ATTO_DEPTHS[0]),
        cfg(ATTO_DIMS[1], ATTO_DIMS[2], ATTO_DEPTHS[1]),
        cfg(ATTO_DIMS[2], ATTO_DIMS[3], ATTO_DEPTHS[2]),
        cfg(ATTO_DIMS[3], None, ATTO_DEPTHS[3]),
    ]
    return tv_convnext.ConvNeXt(block_setting, stochastic_depth_prob=0.0, num_classes=num_classes, **kwargs)


ARCHS: Dict[str, ArchInfo] = {
    "convnext_atto": ArchInfo("convnext_atto", "ConvNeXt-Atto", _build_atto, None),
    "convnext_tiny": ArchInfo("convnext_tiny", "ConvNeXt-Tiny", tv_convnext.convnext_tiny, tv_convnext.ConvNeXt_Tiny_Weights),
    "convnext_small": ArchInfo("convnext_small", "ConvNeXt-Small", tv_convnext.convnext_small, tv_convnext.ConvNeXt_Small_Weights),
    "convnext_base": ArchInfo("convnext_base", "ConvNeXt-Base", tv_convnext.convnext_base, tv_convnext.ConvNeXt_Base_Weights),
    "convnext_large": ArchInfo("convnext_large", "ConvNeXt-Large", tv_convnext.convnext_large, tv_convnext.ConvNeXt_Large_Weights),
}


def build_model(arch: str, num_classes: int) -> tv_convnext.ConvNeXt:
    """Build an untrained torchvision ConvNeXt (torchvision's own init)."""
    info = ARCHS[arch]
    assert info.builder is not None
    model = info.builder(num_classes=num_classes)
    model.eval()
    return model


def imagenet_weights(arch: str):
    """The torchvision IMAGENET1K_V1 weights enum member for arch, or None."""
    enum = ARCHS[arch].weights_enum
    return None if enum is None else enum.IMAGENET1K_V1


def imagenet_categories() -> List[str]:
    """ImageNet-1k class names from torchvision's weight metadata (no download)."""
    return list(tv_convnext.ConvNeXt_Tiny_Weights.IMAGENET1K_V1.meta["categories"])


def preprocessing_spec(arch: str) -> Dict[str, object]:
    """resize/crop/interpolation/mean/std, taken from the arch's torchvision
    weights transforms where they exist (no download needed), else the
    ConvNeXt-Tiny values (236 / 224 / bilinear / ImageNet mean+std)."""
    w = imagenet_weights(arch) or tv_convnext.ConvNeXt_Tiny_Weights.IMAGENET1K_V1
    t = w.transforms()
    interp = getattr(t.interpolation, "value", str(t.interpolation))
    if interp != "bilinear":  # pragma: no cover - all ConvNeXt weights are bilinear
        raise ValueError(f"unexpected interpolation {interp!r}")
    return {
        "resizeSize": int(t.resize_size[0]),
        "cropSize": int(t.crop_size[0]),
        "interpolation": "bilinear",
        "mean": [float(v) for v in t.mean],
        "std": [float(v) for v in t.std],
    }


# --------------------------------------------------------------------------
# Seeded initialisation that makes every block visible
# --------------------------------------------------------------------------

SEEDED_LAYER_SCALE = 0.5

SEEDED_INIT_DESCRIPTION = (
    "torchvision build under torch.manual_seed(seed), then re-initialised so blocks are visible: "
    "every Conv2d and the second (projection) Linear of each block kaiming_normal_(fan_in, linear gain, std=1/sqrt(fan_in)); "
    "the first (4x expansion) Linear before GELU kaiming_normal_(fan_in, relu gain, std=sqrt(2/fan_in)); "
    "head Linear normal std=1/sqrt(in_features); all biases 0; LayerNorm weight 1, bias 0; "
    f"layer scale {SEEDED_LAYER_SCALE} (torchvision default 1e-6 would make each block an identity)"
)


@torch.no_grad()
def init_seeded_visible(model: tv_convnext.ConvNeXt, layer_scale: float = SEEDED_LAYER_SCALE) -> None:
    """Variance-preserving (He/Kaiming) init plus a large layer scale.

    torchvision's own init (trunc_normal std 0.02, layer scale 1e-6) makes an
    untrained block return its input almost unchanged; with this init each
    block adds a visible, bounded contribution (see block_contributions()).
    Deterministic given the global torch seed and module order.
    """
    for name, m in model.named_modules():
        if isinstance(m, tv_convnext.CNBlock):
            m.layer_scale.fill_(layer_scale)
            expand, project = m.block[3], m.block[5]
            nn.init.kaiming_normal_(expand.weight, mode="fan_in", nonlinearity="relu")
            nn.init.kaiming_normal_(project.weight, mode="fan_in", nonlinearity="linear")
            nn.init.zeros_(expand.bias)
            nn.init.zeros_(project.bias)
        elif isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="linear")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    head = model.classifier[2]
    nn.init.normal_(head.weight, std=1.0 / math.sqrt(head.in_features))
    nn.init.zeros_(head.bias)


# --------------------------------------------------------------------------
# Taps
# --------------------------------------------------------------------------

STAGE_FEATURE_INDICES = (1, 3, 5, 7)  # features index of each stage's blocks
DOWNSAMPLE_FEATURE_INDICES = (2, 4, 6)  # features index of each downsampling layer


@dataclass
class TapSpec:
    name: str
    kind: str
    stage: int
    block: Optional[int]
    shape: List[int]
    receptiveField: Dict[str, float]
    description: str = ""

    def to_json(self) -> Dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "stage": self.stage,
            "block": self.block,
            "shape": list(self.shape),
            "receptiveField": dict(self.receptiveField),
            "description": self.description,
        }


class _RF:
    """Receptive-field walker. Input pixel i spans [i, i+1), so its centre is i+0.5."""

    def __init__(self) -> None:
        self.size = 1.0
        self.jump = 1.0
        self.offset = 0.5

    def conv(self, k: int, s: int, p: int) -> None:
        self.size += (k - 1) * self.jump
        self.offset += ((k - 1) / 2.0 - p) * self.jump
        self.jump *= s

    def snapshot(self) -> Dict[str, float]:
        return {"size": int(round(self.size)), "stride": int(round(self.jump)), "offset": float(self.offset)}


def _conv_geom(conv: nn.Conv2d) -> Tuple[int, int, int]:
    k, s, p = conv.kernel_size[0], conv.stride[0], conv.padding[0]
    assert conv.kernel_size[0] == conv.kernel_size[1] and conv.stride[0] == conv.stride[1]
    assert isinstance(p, int) and conv.padding[0] == conv.padding[1]
    return k, s, p


def tap_specs(model: tv_convnext.ConvNeXt, crop: int, labels: Sequence[str]) -> List[TapSpec]:
    """All taps in manifest order (== ONNX output order), with shape and
    receptive field computed by walking the layer geometry."""
    feats = model.features
    taps: List[TapSpec] = []
    rf = _RF()
    hw = crop

    stem_conv = feats[0][0]
    k, s, p = _conv_geom(stem_conv)
    rf.conv(k, s, p)
    hw = (hw + 2 * p - k) // s + 1
    c = stem_conv.out_channels
    taps.append(TapSpec("features.0.0", "conv", 0, None, [c, hw, hw], rf.snapshot()))
    taps.append(TapSpec("features.0.1", "norm", 0, None, [c, hw, hw], rf.snapshot()))

    for stage, fi in enumerate(STAGE_FEATURE_INDICES, start=1):
        if fi > 1:
            ds_conv = feats[fi - 1][1]
            k, s, p = _conv_geom(ds_conv)
            rf.conv(k, s, p)
            hw = (hw + 2 * p - k) // s + 1
            c = ds_conv.out_channels
            taps.append(TapSpec(f"features.{fi - 1}.1", "downsample", stage, None, [c, hw, hw], rf.snapshot()))
        for b, blk in enumerate(feats[fi]):
            dw = blk.block[0]
            k, s, p = _conv_geom(dw)
            rf.conv(k, s, p)
            snap = rf.snapshot()
            taps.append(TapSpec(f"features.{fi}.{b}.block.0", "depthwise", stage, b, [c, hw, hw], snap))
            # pointwise layers and the residual add do not change the receptive field
            taps.append(TapSpec(f"features.{fi}.{b}.block.4", "gelu", stage, b, [blk.block[3].out_features, hw, hw], dict(snap)))
            taps.append(TapSpec(f"features.{fi}.{b}", "block", stage, b, [c, hw, hw], dict(snap)))

    whole = {"size": int(crop), "stride": int(crop), "offset": float(crop) / 2.0}
    taps.append(TapSpec("avgpool", "pool", 5, None, [c, 1, 1], dict(whole)))
    taps.append(TapSpec("logits", "logits", 5, None, [len(labels)], dict(whole)))
    _describe(taps, crop, len(labels))
    return taps


_STAGE_WORDS = {
    1: "the first stage, where each position still sees only a small patch",
    2: "the second stage, where patches grow to cover textures and small parts",
    3: "the third and deepest stage, where most of the network's computation happens",
    4: "the final stage, where each position sees most or all of the photo",
}


def _rf_phrase(size: int, crop: int) -> str:
    if size >= crop:
        return f"a {size}x{size}-pixel window, larger than the {crop}-pixel photo, so in principle the whole image"
    return f"a {size}x{size}-pixel window of the {crop}x{crop} photo"


def _describe(taps: List[TapSpec], crop: int, num_classes: int) -> None:
    prev_channels = None
    for t in taps:
        size = t.receptiveField["size"]
        stride = t.receptiveField["stride"]
        c = t.shape[0]
        if t.kind == "conv":
            t.description = (
                f"The stem convolution cuts the photo into non-overlapping {size}x{size}-pixel patches and describes "
                f"each one with {c} numbers, giving a {t.shape[1]}x{t.shape[2]} grid of patch features."
            )
        elif t.kind == "norm":
            t.description = (
                f"Layer normalisation rescales the {c} stem channels at every grid position to zero mean and unit "
                f"variance, so overall brightness matters less than the pattern inside each {size}x{size}-pixel patch."
            )
        elif t.kind == "depthwise":
            t.description = (
                f"Block {t.block} of stage {t.stage} slides its own 7x7 filter over each of the {c} channels separately, "
                f"so every value here mixes its neighbours and now sees {_rf_phrase(size, crop)}."
            )
        elif t.kind == "gelu":
            t.description = (
                f"Inside block {t.block} of stage {t.stage}, each position's {c // 4} channels are expanded to {c} "
                f"detectors and passed through GELU, which keeps positive evidence and squashes negative values "
                f"toward zero ({size}x{size}-pixel receptive field)."
            )
        elif t.kind == "block":
            t.description = (
                f"The output of block {t.block} in {_STAGE_WORDS.get(t.stage, f'stage {t.stage}')}: the block's "
                f"scaled update is added back onto its input (a residual connection), giving {c} maps of "
                f"{t.shape[1]}x{t.shape[2]} positions {stride} pixels apart, each with a {size}x{size}-pixel "
                f"receptive field."
            )
        elif t.kind == "downsample":
            t.description = (
                f"Before stage {t.stage}, a 2x2 stride-2 convolution halves the grid to {t.shape[1]}x{t.shape[2]} and "
                f"changes the channel count from {prev_channels} to {c}, so neighbouring positions are now {stride} "
                f"pixels apart and each sees {_rf_phrase(size, crop)}."
            )
        elif t.kind == "pool":
            t.description = (
                f"Global average pooling boils each of the {c} final feature maps down to one number, a summary of "
                f"the whole {crop}x{crop} image that no longer says where anything was."
            )
        elif t.kind == "logits":
            t.description = (
                f"The classifier head normalises the {prev_channels} pooled features and turns them into one score "
                f"per class ({num_classes} classes); softmax turns these scores into the probabilities shown."
            )
        if t.kind != "logits":
            prev_channels = c


class TapModel(nn.Module):
    """Wraps a torchvision ConvNeXt; forward walks the ORIGINAL submodules and
    returns every tap (NCHW, batch 1) in manifest order."""

    def __init__(self, model: tv_convnext.ConvNeXt) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        feats = self.model.features
        out: List[Tensor] = []
        x = feats[0][0](x)
        out.append(x)
        x = feats[0][1](x)
        out.append(x)
        for fi in STAGE_FEATURE_INDICES:
            if fi > 1:
                ds = feats[fi - 1]
                x = ds[1](ds[0](x))
                out.append(x)
            for blk in feats[fi]:
                seq = blk.block
                y = seq[0](x)
                out.append(y)
                y = seq[3](seq[2](seq[1](y)))
                y = seq[4](y)
                out.append(y.permute(0, 3, 1, 2))  # torchvision computes this channels-last
                y = seq[6](seq[5](y))
                y = blk.layer_scale * y
                y = blk.stochastic_depth(y)  # identity in eval mode
                x = y + x
                out.append(x)
        x = self.model.avgpool(x)
        out.append(x)
        logits = self.model.classifier(x)
        out.append(logits)
        return tuple(out)


# --------------------------------------------------------------------------
# Reference run: the photo through the ORIGINAL modules, via forward hooks
# --------------------------------------------------------------------------

def load_photo(path: str, spec: Dict[str, object]) -> Tensor:
    """Preprocess exactly like torchvision's ConvNeXt transforms:
    PIL open -> RGB -> Resize(resizeSize, bilinear) -> CenterCrop(cropSize) -> ToTensor -> Normalize."""
    from PIL import Image
    from torchvision import transforms
    from torchvision.transforms import InterpolationMode

    tf = transforms.Compose([
        transforms.Resize(int(spec["resizeSize"]), interpolation=InterpolationMode.BILINEAR),
        transforms.CenterCrop(int(spec["cropSize"])),
        transforms.ToTensor(),
        transforms.Normalize(spec["mean"], spec["std"]),
    ])
    with Image.open(path) as im:
        img = im.convert("RGB")
    return tf(img).unsqueeze(0).contiguous()


@torch.no_grad()
def reference_taps(model: tv_convnext.ConvNeXt, x: Tensor, taps: Sequence[TapSpec]) -> Dict[str, np.ndarray]:
    """Run the plain torchvision model with forward hooks on its own modules
    (independent of TapModel). Returns tap name -> float32 array of tap shape."""
    modules = dict(model.named_modules())
    captured: Dict[str, Tensor] = {}
    handles = []
    for t in taps:
        if t.kind == "logits":
            continue
        mod = modules[t.name]

        def hook(_m, _inp, output, name=t.name, kind=t.kind):
            o = output.detach()
            if kind == "gelu":
                o = o.permute(0, 3, 1, 2)
            captured[name] = o.clone()

        handles.append(mod.register_forward_hook(hook))
    try:
        logits = model(x)
    finally:
        for h in handles:
            h.remove()
    captured["logits"] = logits.detach().clone()
    result: Dict[str, np.ndarray] = {}
    for t in taps:
        arr = captured[t.name].contiguous().numpy().astype(np.float32)
        assert arr.shape[0] == 1
        arr = arr[0]
        if list(arr.shape) != list(t.shape):
            raise AssertionError(f"tap {t.name}: hook shape {list(arr.shape)} != manifest shape {t.shape}")
        result[t.name] = arr
    return result


@torch.no_grad()
def block_contributions(model: tv_convnext.ConvNeXt, x: Tensor) -> List[Dict[str, float]]:
    """For every block: std of its input, std of its residual update
    (layer_scale * block(x)) and the ratio of the two."""
    rows: List[Dict[str, float]] = []
    handles = []
    for stage, fi in enumerate(STAGE_FEATURE_INDICES, start=1):
        for b, blk in enumerate(model.features[fi]):
            def hook(m, inp, out, stage=stage, b=b, name=f"features.{fi}.{b}"):
                xin = inp[0]
                update = out - xin
                rows.append({
                    "name": name,
                    "stage": stage,
                    "block": b,
                    "input_std": float(xin.std()),
                    "update_std": float(update.std()),
                    "ratio": float(update.std() / xin.std().clamp_min(1e-12)),
                    "output_absmax": float(out.abs().max()),
                })
            handles.append(blk.register_forward_hook(hook))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return rows


def tensor_stats(arr: np.ndarray) -> Dict[str, float]:
    a = arr.astype(np.float64)
    return {"min": float(a.min()), "max": float(a.max()), "mean": float(a.mean()), "std": float(a.std())}


SAMPLE_SEED = 20240601
SAMPLE_COUNT = 64


def sample_indices(n: int, seed: int = SAMPLE_SEED, count: int = SAMPLE_COUNT) -> List[int]:
    """64 flat indices from a fixed seeded numpy RNG, plus 0 and n-1, sorted and unique."""
    rng = np.random.RandomState(seed)
    picks = rng.choice(n, size=min(count, n), replace=False) if n > 0 else np.array([], dtype=np.int64)
    idx = sorted(set(int(i) for i in picks) | {0, n - 1})
    return idx


def golden_entry(arr: np.ndarray) -> Dict[str, object]:
    flat = arr.reshape(-1)
    idx = sample_indices(flat.size)
    entry: Dict[str, object] = {"shape": list(arr.shape)}
    entry.update(tensor_stats(arr))
    entry["samples"] = {"indices": idx, "values": [float(flat[i]) for i in idx]}
    return entry
