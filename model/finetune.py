#!/usr/bin/env python3
"""Fine-tune a torchvision ConvNeXt on Food-101, as in the tutorial ConvLens grew from, and
save a checkpoint that model/export.py turns into a ConvLens model with the 101 food labels:

    python3 model/finetune.py --data data/ --download --arch convnext_tiny --epochs 3 --out food101_tiny.pth
    python3 model/export.py --arch convnext_tiny --checkpoint food101_tiny.pth \\
        --labels model/labels/food101.txt --fp16-weights --update-index

Steps: (1) resolve device and labels, (2) open Food-101 with torchvision's Food101 dataset
(downloaded only with --download, ~5 GB), (3) build the model from ImageNet weights when
available and put a new 101-class head on it, (4) train with AdamW and a cosine schedule,
evaluating top-1 on the test split after each epoch, (5) save the state_dict (after each
epoch, so a long run that stops keeps its last epoch).

Uses a CUDA GPU when there is one (mixed precision there), the CPU otherwise.
Exit status: 0 ok, 2 usage or input error (no dataset, no weights, unknown class).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, Subset  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402

import convlens_model as cm  # noqa: E402
from export import ExportError, Steps, download_imagenet_state_dict, note, read_labels  # noqa: E402

DEFAULT_LABELS = os.path.join(HERE, "labels", "food101.txt")


class FinetuneError(Exception):
    """A user-facing error: printed as 'error: ...' and exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="finetune.py",
        description="Fine-tune a torchvision ConvNeXt on Food-101 (torchvision.datasets.Food101) and save a "
                    "state_dict checkpoint for model/export.py --checkpoint.",
        epilog="Then: python3 model/export.py --arch ARCH --checkpoint OUT --labels model/labels/food101.txt "
               "--fp16-weights --update-index",
    )
    p.add_argument("--data", type=str, required=True, metavar="DIR",
                   help="folder that holds (or, with --download, will hold) food-101/ in torchvision's layout")
    p.add_argument("--download", action="store_true",
                   help="download Food-101 (~5 GB) into --data if it is not there; without it nothing is downloaded")
    p.add_argument("--arch", choices=sorted(cm.ARCHS), default="convnext_tiny", type=str,
                   help="architecture (default: %(default)s; convnext_atto has no ImageNet weights)")
    p.add_argument("--weights", choices=["imagenet", "none"], default="imagenet", type=str,
                   help="start from torchvision's IMAGENET1K_V1 weights (download, or the torch hub cache) or "
                        "from torchvision's random init (default: %(default)s)")
    p.add_argument("--labels", type=str, default=DEFAULT_LABELS, metavar="FILE",
                   help="class names in head order, one per line (default: model/labels/food101.txt, "
                        "Food-101's 101 classes in dataset order)")
    p.add_argument("--epochs", type=int, default=3, help="passes over the training split (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=64, help="images per step (default: %(default)s)")
    p.add_argument("--lr", type=float, default=1e-4, help="AdamW peak learning rate (default: %(default)s)")
    p.add_argument("--weight-decay", type=float, default=0.05, help="AdamW weight decay (default: %(default)s)")
    p.add_argument("--label-smoothing", type=float, default=0.1,
                   help="cross-entropy label smoothing; Food-101's training split is noisy on purpose "
                        "(default: %(default)s)")
    p.add_argument("--workers", type=int, default=min(8, os.cpu_count() or 1),
                   help="DataLoader worker processes (default: %(default)s)")
    p.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto",
                   help="'auto': CUDA when available, else CPU (default: %(default)s)")
    p.add_argument("--max-steps", type=int, default=None, metavar="N",
                   help="stop after N training steps in all (smoke tests, quick looks)")
    p.add_argument("--eval-batches", type=int, default=None, metavar="N",
                   help="evaluate on at most N test batches per epoch (default: the whole test split)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed for the new head and shuffling (default: %(default)s)")
    p.add_argument("--out", type=str, default=None, metavar="FILE",
                   help="checkpoint path (default: food101_<arch>.pth in the current folder)")
    return p


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = build_parser()
    args = p.parse_args(argv)
    for name in ("epochs", "batch_size", "max_steps", "eval_batches"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.workers < 0:
        p.error("--workers must be >= 0")
    if args.weights == "imagenet" and cm.imagenet_weights(args.arch) is None:
        p.error(f"{args.arch} has no torchvision ImageNet weights; use --weights none or another --arch")
    return args


def pick_device(choice: str) -> torch.device:
    if choice == "cuda" and not torch.cuda.is_available():
        raise FinetuneError("--device cuda, but torch sees no CUDA GPU")
    if choice == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    return torch.device("cuda")


def food101_transforms(arch: str) -> Dict[str, transforms.Compose]:
    """Train: RandomResizedCrop + flip. Eval: the arch's torchvision weights transforms
    (resize, centre crop, ImageNet mean/std), exactly what ConvLens does in the browser."""
    spec = cm.preprocessing_spec(arch)
    normalize = transforms.Normalize(spec["mean"], spec["std"])
    bilinear = transforms.InterpolationMode.BILINEAR
    return {
        "train": transforms.Compose([
            transforms.RandomResizedCrop(spec["cropSize"], interpolation=bilinear),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            normalize,
        ]),
        "test": transforms.Compose([
            transforms.Resize(spec["resizeSize"], interpolation=bilinear),
            transforms.CenterCrop(spec["cropSize"]),
            transforms.ToTensor(),
            normalize,
        ]),
    }


class HeadIndex:
    """Maps the dataset's class index (its classes, sorted) to the head's (the labels file)."""

    def __init__(self, dataset_classes: List[str], labels: List[str]) -> None:
        position = {name: i for i, name in enumerate(labels)}
        unknown = [c for c in dataset_classes if c not in position]
        if unknown:
            raise FinetuneError(f"dataset classes not in the labels file: {', '.join(unknown[:5])}")
        self.table = [position[c] for c in dataset_classes]

    def __call__(self, target: int) -> int:
        return self.table[target]


def open_split(args: argparse.Namespace, split: str, tf: transforms.Compose, labels: List[str]) -> datasets.Food101:
    try:
        ds = datasets.Food101(args.data, split=split, transform=tf, download=args.download and split == "train")
    except RuntimeError as e:
        raise FinetuneError(f"Food-101 not found under {os.path.join(args.data, 'food-101')} ({e}); pass --download "
                            f"to fetch it (~5 GB), or point --data at the folder that holds food-101/") from e
    ds.target_transform = HeadIndex(ds.classes, labels)
    return ds


def build_model(arch: str, weights: str, num_classes: int) -> nn.Module:
    """torchvision's ConvNeXt, from ImageNet weights when asked, with a fresh num_classes head."""
    model = cm.build_model(arch, 1000 if weights == "imagenet" else num_classes)
    if weights == "imagenet":
        try:
            model.load_state_dict(download_imagenet_state_dict(arch))
        except ExportError as e:
            raise FinetuneError(str(e)) from e
        old = model.classifier[2]
        assert isinstance(old, nn.Linear)
        head = nn.Linear(old.in_features, num_classes)
        nn.init.trunc_normal_(head.weight, std=0.02)  # torchvision's ConvNeXt head init
        nn.init.zeros_(head.bias)
        model.classifier[2] = head
    return model


def grad_scaler(enabled: bool):
    """Loss scaling for float16 autocast on CUDA (torch 2.x name, torch 1.13 fallback)."""
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader, device: torch.device, max_batches: Optional[int]) -> float:
    model.eval()
    correct = total = 0
    for i, (x, y) in enumerate(loader):
        if max_batches is not None and i >= max_batches:
            break
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with torch.autocast(device_type=device.type, enabled=device.type == "cuda"):
            logits = model(x)
        correct += int((logits.argmax(1) == y).sum())
        total += int(y.numel())
    return correct / max(total, 1)


def save(path: str, model: nn.Module, args: argparse.Namespace, labels: List[str], epoch: int, steps: int,
         top1: Optional[float]) -> None:
    # A state_dict under "model" plus plain facts: export.py --checkpoint reads it as it is.
    # top1 is a tensor: torch 1.13's weights_only loader cannot read a pickled Python float.
    tmp = path + ".tmp"
    torch.save({
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "arch": args.arch,
        "weights": args.weights,
        "labels": labels,
        "epoch": epoch,
        "steps": steps,
        "top1": None if top1 is None else torch.tensor(top1, dtype=torch.float64),
    }, tmp)
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    steps = Steps(5)
    torch.manual_seed(args.seed)

    # 1. device and labels ------------------------------------------------------
    steps("Resolving device and labels")
    device = pick_device(args.device)
    labels = read_labels(args.labels)
    out = args.out or f"food101_{args.arch.replace('convnext_', '')}.pth"
    note(f"device {device}{' (' + torch.cuda.get_device_name(device) + ')' if device.type == 'cuda' else ''}, "
         f"{len(labels)} labels from {os.path.relpath(args.labels)}, checkpoint -> {out}")

    # 2. data -----------------------------------------------------------------------
    steps("Opening Food-101")
    tfs = food101_transforms(args.arch)
    train_set = open_split(args, "train", tfs["train"], labels)
    test_set = open_split(args, "test", tfs["test"], labels)
    if args.eval_batches is not None:
        test_set = Subset(test_set, range(min(len(test_set), args.eval_batches * args.batch_size)))
    note(f"train {len(train_set)} images, test {len(test_set)} images")
    pin = device.type == "cuda"
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                              pin_memory=pin, drop_last=len(train_set) > args.batch_size,
                              persistent_workers=args.workers > 0)
    test_loader = DataLoader(test_set, batch_size=args.batch_size, shuffle=False, num_workers=args.workers,
                             pin_memory=pin)

    # 3. model ------------------------------------------------------------------------
    steps(f"Building {args.arch} ({args.weights} weights) with a {len(labels)}-class head")
    model = build_model(args.arch, args.weights, len(labels)).to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    note(f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters")

    # 4. training ---------------------------------------------------------------------
    total_steps = args.epochs * len(train_loader)
    if args.max_steps is not None:
        total_steps = min(total_steps, args.max_steps)
    steps(f"Training: {args.epochs} epoch(s), {total_steps} step(s), batch {args.batch_size}, AdamW lr {args.lr}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total_steps) / max(total_steps, 1))))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    scaler = grad_scaler(device.type == "cuda")
    step = 0
    top1: Optional[float] = None
    log_every = max(1, min(50, len(train_loader) // 10))
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.time()
        seen = 0
        for x, y in train_loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            if device.type == "cuda":
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device_type=device.type, enabled=device.type == "cuda"):
                loss = loss_fn(model(x), y)
            if not torch.isfinite(loss):
                raise FinetuneError(f"the loss became {loss.item()} at step {step + 1}; try a lower --lr")
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            schedule.step()
            step += 1
            seen += int(y.numel())
            if step % log_every == 0 or step == total_steps:
                rate = seen / max(time.time() - t0, 1e-9)
                note(f"epoch {epoch} step {step}/{total_steps}  loss {loss.item():.4f}  "
                     f"lr {schedule.get_last_lr()[0]:.2e}  {rate:.0f} img/s")
            if step >= total_steps:
                break
        top1 = evaluate(model, test_loader, device, args.eval_batches)
        note(f"epoch {epoch}: test top-1 {top1 * 100:.1f}% ({time.time() - t0:.0f} s)")
        save(out, model, args, labels, epoch, step, top1)
        if step >= total_steps:
            break

    # 5. checkpoint -------------------------------------------------------------------
    steps(f"Saved {out}")
    note(f"next: python3 model/export.py --arch {args.arch} --checkpoint {out} --labels {os.path.relpath(args.labels)} "
         f"--fp16-weights --update-index")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except FinetuneError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
