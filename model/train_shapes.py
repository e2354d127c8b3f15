#!/usr/bin/env python3
"""Train the committed ConvNeXt-Atto (model/convlens_model.py, same module
names and taps as the default model) from scratch on drawn shapes
(model/shapes.py), on the CPU or a GPU when one is present.

    python3 model/train_shapes.py --out model/checkpoints/shapes

Pictures are generated on the fly (picture i of training set --seed is
shapes.render(seed, i)); the held-out set is drawn with --eval-seed and judged
exactly like the app sees a photo: 256 px picture -> resize 236 (bilinear, PIL)
-> centre crop 224 -> ImageNet mean/std.

Training: AdamW, linear warm-up then cosine decay, label smoothing, random
resized crops (zoom in only, so the shape stays in the picture) and flips,
and a resolution schedule (small pictures first, larger at the end).
Deterministic: torch.manual_seed(--seed), every batch and its augmentation
drawn from seeds derived from (seed, step).

Writes OUT/checkpoint.pt after every epoch (resumable with --resume) and
OUT/train-record.json (command, seed, torch version, wall time, held-out
accuracy, images/s) for model/export.py --train-record.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
import time
from typing import Dict, List, Tuple

# OpenMP threads that spin while waiting burn most of their CPU on a shared machine:
# measured here under load, 2 spinning threads trained 9 pictures per CPU-second,
# 2 passive ones 60-100. Must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import convlens_model as cm  # noqa: E402
import filter_orientation as fo  # noqa: E402
import shapes  # noqa: E402

EVAL_RAW = 256  # held-out pictures are drawn at this size, then resized like a photo


def parse_schedule(text: str) -> List[Tuple[int, float]]:
    """'64:0.5,96:0.3,128:0.2' -> [(64, .5), (96, .3), (128, .2)] (fractions of all steps)."""
    out = []
    for part in text.split(","):
        res, frac = part.split(":")
        out.append((int(res), float(frac)))
    total = sum(f for _, f in out)
    return [(r, f / total) for r, f in out]


def resolution_at(step: int, steps: int, schedule: List[Tuple[int, float]]) -> int:
    edge = 0.0
    for res, frac in schedule:
        edge += frac * steps
        if step < edge:
            return res
    return schedule[-1][0]


def lr_at(step: int, steps: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


class Batches(torch.utils.data.Dataset):
    """Item k = training batch k (uint8 NHWC pictures + labels), drawn at the
    resolution the schedule gives for step k. Indices are global steps."""

    def __init__(self, seed: int, batch: int, steps: int, schedule, size_range=shapes.SIZE_RANGE, ramp: float = 0.0):
        self.seed, self.batch, self.steps, self.schedule = seed, batch, steps, schedule
        self.size_range = tuple(size_range)
        self.ramp = ramp  # fraction of the steps over which difficulty grows from 0 to 1

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, step: int):
        res = resolution_at(step, self.steps, self.schedule)
        difficulty = 1.0 if self.ramp <= 0 else min(1.0, step / (self.ramp * self.steps))
        imgs, labels = shapes.render_batch(self.seed, step * self.batch, self.batch, res, self.size_range, difficulty)
        return torch.from_numpy(imgs), torch.from_numpy(labels)


def to_input(imgs: torch.Tensor, device) -> torch.Tensor:
    mean = torch.tensor(cm.IMAGENET_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(cm.IMAGENET_STD, device=device).view(1, 3, 1, 1)
    x = imgs.to(device).permute(0, 3, 1, 2).float() / 255.0
    return (x - mean) / std


def augment(x: torch.Tensor, gen: torch.Generator, min_scale: float) -> torch.Tensor:
    """Random resized crop (side scale in [min_scale, 1], aspect 3/4..4/3 of that,
    random position inside the picture) and horizontal/vertical flips, as one affine grid_sample."""
    n = x.shape[0]
    u = torch.rand(n, 5, generator=gen)
    s = min_scale + (1 - min_scale) * u[:, 0]
    aspect = torch.exp((u[:, 1] - 0.5) * math.log(4 / 3))
    sx = torch.clamp(s * aspect.sqrt(), max=1.0)
    sy = torch.clamp(s / aspect.sqrt(), max=1.0)
    tx = (u[:, 2] * 2 - 1) * (1 - sx)
    ty = (u[:, 3] * 2 - 1) * (1 - sy)
    flip_x = torch.where(u[:, 4] < 0.5, -1.0, 1.0)
    flip_y = torch.where((u[:, 4] * 4) % 1 < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = sx * flip_x
    theta[:, 0, 2] = tx
    theta[:, 1, 1] = sy * flip_y
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta.to(x.device), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def heldout_set(seed: int, count: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """count pictures of set `seed` preprocessed like the app: 256 -> 236 -> crop 224 -> mean/std."""
    from PIL import Image
    spec = cm.preprocessing_spec("convnext_atto")
    resize, crop = int(spec["resizeSize"]), int(spec["cropSize"])
    lo = (resize - crop) // 2
    imgs, labels = shapes.render_batch(seed, 0, count, EVAL_RAW)
    arr = np.empty((count, crop, crop, 3), dtype=np.uint8)
    for k in range(count):
        im = Image.fromarray(imgs[k]).resize((resize, resize), Image.BILINEAR)
        arr[k] = np.asarray(im)[lo:lo + crop, lo:lo + crop]
    return to_input(torch.from_numpy(arr), "cpu"), torch.from_numpy(labels)


@torch.no_grad()
def evaluate(model, x: torch.Tensor, y: torch.Tensor, device, batch: int = 50) -> float:
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], batch):
        logits = model(x[i:i + batch].to(device))
        correct += int((logits.argmax(1).cpu() == y[i:i + batch]).sum())
    model.train()
    return correct / x.shape[0]


def build(seed: int, layer_scale: float = 0.0, init: str = "torchvision") -> torch.nn.Module:
    """torchvision's own init (or, init="kaiming", the default model's variance-preserving
    one: cm.init_seeded_visible) under torch.manual_seed(seed); layer_scale > 0 replaces
    the start value of every block's layer scale."""
    torch.manual_seed(seed)
    if init == "kaiming":
        # Build exactly as model/export.py builds the untrained default (101-class head,
        # same seed, same init), then swap in an 8-class head: every weight below the head
        # starts equal to the default model's, so the two can be compared layer by layer.
        model = cm.build_model("convnext_atto", 101)
        cm.init_seeded_visible(model)
        old = model.classifier[2]
        model.classifier[2] = torch.nn.Linear(old.in_features, shapes.NUM_CLASSES)
        with torch.no_grad():
            torch.nn.init.normal_(model.classifier[2].weight, std=1.0 / math.sqrt(old.in_features))
            torch.nn.init.zeros_(model.classifier[2].bias)
    else:
        model = cm.build_model("convnext_atto", shapes.NUM_CLASSES)
    if layer_scale > 0 and not (init == "kaiming" and layer_scale == cm.SEEDED_LAYER_SCALE):
        with torch.no_grad():
            for m in model.modules():
                if hasattr(m, "layer_scale"):
                    m.layer_scale.fill_(layer_scale)
    model.train()
    return model


def rescale_stem(model: torch.nn.Module, factor: float) -> None:
    """Scales the stem's weight and bias by `factor`. The stem feeds a LayerNorm over channels,
    so the network's function stays the same; AdamW's steps keep their size, so a smaller stem
    is steered more by what it learns from here on than by its (random) start."""
    stem = model.features[0][0]
    with torch.no_grad():
        stem.weight.mul_(factor)
        stem.bias.mul_(factor)


def stem_orientation(stem: torch.nn.Module) -> float:
    """Mean orientation score of the stem's filters (model/filter_orientation.py)."""
    return float(fo.orientation_scores(stem.weight.detach().cpu().double().numpy()).mean())


def bar(done: int, total: int, width: int = 24) -> str:
    n = int(width * done / max(1, total))
    return "[" + "#" * n + "." * (width - n) + "]"


def train(args) -> Dict[str, object]:
    device = torch.device("cuda" if torch.cuda.is_available() and not args.cpu else "cpu")
    if args.threads:
        torch.set_num_threads(args.threads)
    schedule = parse_schedule(args.schedule)
    model = build(args.seed, args.layer_scale, args.init_style).to(device)
    previous = None
    if args.init:  # continue training from another run's weights with a fresh schedule
        model.load_state_dict(torch.load(args.init, map_location=device))
        prev_path = os.path.join(os.path.dirname(os.path.abspath(args.init)), "train-record.json")
        if os.path.exists(prev_path):
            with open(prev_path) as f:
                previous = {k: v for k, v in json.load(f).items() if k != "losses"}
    stem = model.features[0][0]
    if args.stem_rescale != 1.0:
        rescale_stem(model, args.stem_rescale)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p is stem.weight:
            continue
        (no_decay if p.ndim <= 1 or name.endswith("layer_scale") else decay).append(p)
    stem_wd = args.weight_decay if args.stem_weight_decay is None else args.stem_weight_decay
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    stem_opt = None
    if args.freeze_stem:
        # The stem's filters stay as the previous stage left them; the rest settles on them.
        stem.weight.requires_grad_(False)
    elif args.stem_sgd:
        # Plain SGD follows the stem's gradient, which is oriented (edges); AdamW's per-weight
        # step sizes turn it into noise (docs/shapes-model.md, "Stem filters").
        stem_opt = torch.optim.SGD([stem.weight], lr=args.stem_sgd, momentum=0.9, weight_decay=stem_wd)
    else:
        groups.insert(1, {"params": [stem.weight], "weight_decay": stem_wd})
    opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.999))
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    start, history, elapsed_before, seen_before = 0, [], 0.0, 0
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        start, history = ck["step"], ck["history"]
        elapsed_before, seen_before = ck["elapsed_s"], ck["images_seen"]
        print(f"resumed at step {start}", flush=True)

    t_eval = time.perf_counter()
    ex, ey = heldout_set(args.eval_seed, args.eval_count)
    print(f"held-out set: {args.eval_count} pictures (seed {args.eval_seed}) at 224 px, "
          f"{time.perf_counter() - t_eval:.1f} s", flush=True)

    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(Batches(args.seed, args.batch, args.steps, schedule, (args.min_size, args.max_size), args.curriculum), range(start, args.steps)),
        batch_size=None, shuffle=False, num_workers=args.workers,
        prefetch_factor=2 if args.workers else None, persistent_workers=False) if args.workers else None
    data = iter(loader) if loader is not None else None
    source = Batches(args.seed, args.batch, args.steps, schedule, (args.min_size, args.max_size), args.curriculum)

    t0 = time.perf_counter()
    seen = 0
    ema_loss = None
    losses: List[float] = []
    acc = history[-1]["accuracy"] if history else float("nan")
    model.train()
    for step in range(start, args.steps):
        imgs, labels = next(data) if data is not None else source[step]
        gen = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
        x = augment(to_input(imgs, device), gen, args.min_scale)
        y = labels.to(device)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
        if stem_opt is not None:
            stem_opt.param_groups[0]["lr"] = lr_at(step, args.steps, args.stem_sgd, args.warmup)
        loss = F.cross_entropy(model(x), y, label_smoothing=args.label_smoothing)
        opt.zero_grad(set_to_none=True)
        if stem_opt is not None:
            stem_opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip:
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if stem_opt is None or p is not stem.weight], args.clip)
        opt.step()
        if stem_opt is not None:
            stem_opt.step()
        seen += x.shape[0]
        lv = float(loss)
        losses.append(round(lv, 4))
        ema_loss = lv if ema_loss is None else 0.95 * ema_loss + 0.05 * lv
        last = step + 1 == args.steps
        if (step + 1) % args.log_every == 0 or last:
            dt = time.perf_counter() - t0
            print(f"{bar(step + 1, args.steps)} step {step + 1}/{args.steps} res {x.shape[-1]} "
                  f"loss {ema_loss:.3f} held-out {acc * 100:.1f}% {seen / dt:.1f} img/s "
                  f"{(elapsed_before + dt) / 60:.1f} min", flush=True)
        if (step + 1) % args.epoch_steps == 0 or last or step + 1 == args.stop_after:
            acc = evaluate(model, ex, ey, device)
            orient = stem_orientation(stem)
            dt = time.perf_counter() - t0
            history.append({"step": step + 1, "loss": round(ema_loss, 4), "accuracy": acc,
                            "stemOrientation": round(orient, 4),
                            "minutes": round((elapsed_before + dt) / 60, 2)})
            print(f"epoch at step {step + 1}: held-out accuracy {acc * 100:.2f}% "
                  f"({args.eval_count} pictures at 224 px), loss {ema_loss:.3f}, "
                  f"stem orientation {orient:.3f}", flush=True)
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step + 1,
                        "history": history, "elapsed_s": elapsed_before + dt,
                        "images_seen": seen_before + seen, "args": vars(args)}, ckpt_path)
        if args.stop_after and step + 1 >= args.stop_after:
            break  # a first stage: the schedule stays the one for --steps, training ends here
    wall = elapsed_before + time.perf_counter() - t0
    record = {
        "command": "python3 " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], cm_root())] + sys.argv[1:]),
        "seed": args.seed,
        "evalSeed": args.eval_seed,
        "torch": torch.__version__,
        "device": str(device) if device.type == "cpu" else torch.cuda.get_device_name(0),
        "threads": torch.get_num_threads(),
        "steps": args.steps,
        "stoppedAfter": args.stop_after or None,
        "batch": args.batch,
        "schedule": args.schedule,
        "imagesSeen": seen_before + seen,
        "wallSeconds": round(wall, 1),
        "imagesPerSecond": round((seen_before + seen) / max(wall, 1e-9), 1),
        "heldOutAccuracy": acc,
        "heldOutCount": args.eval_count,
        "heldOutInput": "256 px picture -> resize 236 bilinear -> centre crop 224 -> ImageNet mean/std",
        "history": history,
        "previous": previous,
        "losses": losses,
    }
    with open(os.path.join(args.out, "train-record.json"), "w") as f:
        json.dump(record, f, indent=2)
    # a plain state_dict: model/export.py --checkpoint loads it with weights_only=True
    torch.save(model.state_dict(), os.path.join(args.out, "shapes-atto.pt"))
    return record


def cm_root() -> str:
    return os.path.dirname(HERE)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(HERE, "checkpoints", "shapes"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-seed", type=int, default=777, help="held-out pictures (never used for training)")
    p.add_argument("--eval-count", type=int, default=200)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--schedule", default="64:0.45,96:0.35,128:0.2", help="res:fraction of steps, ...")
    p.add_argument("--min-size", type=float, default=shapes.SIZE_RANGE[0],
                   help="smallest training shape (fraction of the side); above the held-out 0.2 lets small training "
                        "pictures show shapes as many pixels across as a 224 px picture does")
    p.add_argument("--max-size", type=float, default=shapes.SIZE_RANGE[1],
                   help="largest training shape (fraction of the side); larger than the held-out 0.6 lets small "
                        "training pictures show shapes as many pixels across as a 224 px picture does")
    p.add_argument("--curriculum", type=float, default=0.0,
                   help="fraction of the steps over which pictures go from calm (flat or gradient background, "
                        "no distractors) to full difficulty (0: full difficulty from the start)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--stem-weight-decay", type=float, default=None,
                   help="AdamW weight decay of the stem's filters (default: --weight-decay)")
    p.add_argument("--stem-sgd", type=float, default=0.0, metavar="LR",
                   help="train the stem's filters with SGD (momentum 0.9) at this learning rate instead of AdamW")
    p.add_argument("--freeze-stem", action="store_true",
                   help="keep the stem's filters as they are (the rest of the network trains)")
    p.add_argument("--stem-rescale", type=float, default=1.0,
                   help="multiply the stem's weight and bias by this at the start (the function is unchanged)")
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--min-scale", type=float, default=0.85, help="smallest crop side (fraction)")
    p.add_argument("--clip", type=float, default=1.0, help="gradient norm clip (0: off)")
    p.add_argument("--epoch-steps", type=int, default=200, help="evaluate + checkpoint every N steps")
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--workers", type=int, default=1, help="data-loader processes drawing pictures")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--cpu", action="store_true", help="ignore a GPU")
    p.add_argument("--layer-scale", type=float, default=0.0, help="start value of block layer scales (0: torchvision's 1e-6)")
    p.add_argument("--init-style", choices=["torchvision", "kaiming"], default="torchvision",
                   help="weight init: torchvision's ConvNeXt init, or the default model's kaiming init (convlens_model.init_seeded_visible)")
    p.add_argument("--init", help="start from the weights of a finished run (its shapes-atto.pt), new schedule")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--stop-after", type=int, default=0,
                   help="end after this step (a first stage: learning rate, resolution and curriculum follow --steps)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    rec = train(args)
    print(f"done: held-out accuracy {rec['heldOutAccuracy'] * 100:.2f}% after {rec['wallSeconds'] / 60:.1f} min "
          f"({rec['imagesPerSecond']} img/s); record in {os.path.join(args.out, 'train-record.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
