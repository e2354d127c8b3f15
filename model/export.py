#!/usr/bin/env python3
"""Export a torchvision ConvNeXt to ONNX with every intermediate activation
("tap") as a graph output, plus the manifest.json that ConvLens reads.

The committed default model (see model/README.md):

    python3 model/export.py --labels model/labels/food101.txt \\
        --out public/models/convnext-atto-untrained --update-index

Steps: resolve labels and weights, build the model, run the reference photo
through PyTorch (forward hooks on the original torchvision modules), export
ONNX, verify, write the manifest (and reference tensors + golden JSON), update
public/models/index.json if asked.

Works with Debian's torch 1.13 and with pip torch 2.x (TorchScript exporter,
dynamo=False where that parameter exists). Exit status: 0 ok, 1 verification
failed, 2 usage / input error (bad arch, labels, checkpoint, no network).
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import re
import shlex
import socket
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import convlens_model as cm  # noqa: E402

SCHEMA_VERSION = 1
OPSET = 17
DEFAULT_ID = "convnext-atto-untrained"
DEFAULT_PHOTO = os.path.join(REPO_ROOT, "public", "samples", "coffee.png")
DEFAULT_INDEX = os.path.join(REPO_ROOT, "public", "models", "index.json")
DOWNLOAD_TIMEOUT_S = 10.0
PARITY_RTOL = 1e-4  # max|a-b| / max(max|b|, 1e-6) per tap (float32 weights)
PARITY_RTOL_FP16 = 5e-3  # same measure, for --fp16-weights exports
FP16_MIN_ELEMENTS = 16  # float initialisers smaller than this (scalar constants) stay float32


class ExportError(Exception):
    """A user-facing error: printed as 'error: ...' and exit status 2."""


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="export.py",
        description=(
            "Export a torchvision ConvNeXt to ONNX with every intermediate activation (\"tap\")\n"
            "as a named graph output, write manifest.json beside it (schema: src/model/manifest.ts,\n"
            "model/README.md), PyTorch reference tensors and, for the default model, the golden JSON."
        ),
        epilog=(
            "The committed default model:\n"
            "  python3 model/export.py --labels model/labels/food101.txt \\\n"
            "      --out public/models/convnext-atto-untrained --update-index\n"
            "Exit status: 0 ok, 1 verification failed, 2 usage or input error."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--arch", choices=sorted(cm.ARCHS), default="convnext_atto", type=str,
                   help="architecture; convnext_atto (dims 40/80/160/320, depths 2/2/6/2) is built from "
                        "torchvision's ConvNeXt class, the others are torchvision's builders (default: %(default)s)")
    p.add_argument("--weights", choices=["none", "imagenet"], default="none", type=str,
                   help="'none': seeded init (see --seed); 'imagenet': torchvision's IMAGENET1K_V1 weights "
                        "(download; not available for convnext_atto). Ignored when --checkpoint is given "
                        "(default: %(default)s)")
    p.add_argument("--seed", type=int, default=0,
                   help="torch.manual_seed for --weights none; the same seed gives a byte-identical model.onnx (default: %(default)s)")
    p.add_argument("--checkpoint", type=str, default=None, metavar="FILE",
                   help="load a state_dict (optionally wrapped under 'state_dict' or 'model') instead, e.g. "
                        "ConvNeXt fine-tuned on Food-101; head size is read from classifier.2.weight")
    p.add_argument("--num-classes", type=int, default=None, metavar="N",
                   help="head size for seeded models (default: number of labels)")
    p.add_argument("--labels", type=str, default=None, metavar="FILE",
                   help="class names, one per line, in head order (default: ImageNet-1k categories from "
                        "torchvision's weight metadata); must match the head size")
    p.add_argument("--fp16-weights", action="store_true",
                   help="store float initialisers as float16 with a Cast back to float32: the file halves, "
                        "compute stays float32")
    p.add_argument("--out", type=str, default=None, metavar="DIR",
                   help="output folder for model.onnx and manifest.json (default: public/models/<id>)")
    p.add_argument("--id", dest="model_id", type=str, default=None,
                   help="model id, also the folder name under public/models/ "
                        "(default: from arch and weights, e.g. convnext-atto-untrained)")
    p.add_argument("--name", type=str, default=None,
                   help="display name (default e.g. 'ConvNeXt-Atto · untrained (seed 0)')")
    p.add_argument("--photo", type=str, default=DEFAULT_PHOTO, metavar="FILE",
                   help="photo run through PyTorch for the reference tensors and the golden JSON "
                        "(default: public/samples/coffee.png)")
    p.add_argument("--reference-dir", type=str, default=None, metavar="DIR",
                   help="where to write input.bin, <tap>.bin (raw float32) and index.json "
                        "(default: model/.reference/<id>)")
    p.add_argument("--golden", type=str, default=None, metavar="FILE",
                   help=f"write the golden JSON (stats + samples per tap) here; default: "
                        f"model/golden/<id>.json for the default model ({DEFAULT_ID}) only")
    p.add_argument("--no-golden", action="store_true", help="do not write the golden JSON")
    p.add_argument("--no-verify", action="store_true",
                   help="skip verification (ONNX checker, output names/shapes, wrapper-vs-hooks check, "
                        "onnxruntime parity where Python onnxruntime is installed)")
    p.add_argument("--update-index", action="store_true",
                   help="add or replace this model's entry in the models index (--index)")
    p.add_argument("--index", type=str, default=DEFAULT_INDEX, metavar="FILE",
                   help="models index file updated by --update-index (default: public/models/index.json)")
    p.add_argument("--make-default", action="store_true",
                   help="with --update-index: make this model the index's default, the one the app loads "
                        "first (the deploy workflow does this for the trained model)")
    p.add_argument("--train-record", type=str, default=None, metavar="FILE",
                   help="a training record (model/train_shapes.py's train-record.json): its command, seed, torch "
                        "version, wall time and held-out accuracy go into the manifest's 'training'")
    p.add_argument("--description", type=str, default=None,
                   help="plain-words provenance shown in the app (manifest weights.description)")
    p.add_argument("--limitation", type=str, default=None,
                   help="what this network cannot do, shown instead of the untrained warning (manifest 'limitation')")
    p.add_argument("--opset", type=int, default=OPSET, help="ONNX opset version (default: %(default)s; 17 is what the app and tests use)")
    return p


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = build_parser()
    args = p.parse_args(argv)
    if args.seed < 0:
        p.error("--seed must be >= 0")
    if args.num_classes is not None and args.num_classes < 1:
        p.error("--num-classes must be >= 1")
    if args.train_record and not os.path.isfile(args.train_record):
        p.error(f"--train-record: file not found: {args.train_record}")
    if args.make_default and not args.update_index:
        p.error("--make-default needs --update-index")
    return args


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

class Steps:
    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.t0 = time.time()

    def __call__(self, title: str) -> None:
        self.n += 1
        print(f"[{self.n}/{self.total}] {title}  (+{time.time() - self.t0:.1f}s)", flush=True)


def note(msg: str) -> None:
    print(f"      {msg}", flush=True)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rel(path: str) -> str:
    """Path relative to the repo root where possible (for messages and the manifest)."""
    ap = os.path.abspath(path)
    try:
        r = os.path.relpath(ap, REPO_ROOT)
    except ValueError:
        return ap
    return ap if r.startswith("..") else r


_NUM_ARRAY = re.compile(r"\[\s*((?:-?[\d.eE+-]+|null)(?:,\s*(?:-?[\d.eE+-]+|null))*)\s*\]")


def write_json(path: str, obj: object) -> None:
    """Indented JSON with arrays of numbers kept on one line (diff-friendly, compact)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    text = _NUM_ARRAY.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def read_labels(path: str) -> List[str]:
    if not os.path.isfile(path):
        raise ExportError(f"labels file not found: {path}")
    with open(path, encoding="utf-8") as f:
        labels = [line.strip() for line in f if line.strip()]
    if not labels:
        raise ExportError(f"labels file is empty: {path}")
    return labels


def load_checkpoint(path: str) -> Dict[str, torch.Tensor]:
    if not os.path.isfile(path):
        raise ExportError(f"checkpoint file not found: {path}")
    kwargs = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = True
    try:
        obj = torch.load(path, **kwargs)
    except Exception as e:  # noqa: BLE001 - any unreadable file is a user error
        raise ExportError(f"could not read checkpoint {path}: {type(e).__name__}: {e}") from e
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ExportError(f"checkpoint {path} is not a state_dict (dict of tensors), nor one wrapped under "
                          f"'state_dict' or 'model'")
    if obj and all(k.startswith("module.") for k in obj):  # saved from DataParallel
        obj = {k[len("module."):]: v for k, v in obj.items()}
    if "classifier.2.weight" not in obj:
        raise ExportError(f"checkpoint {path} has no 'classifier.2.weight' (not a torchvision ConvNeXt state_dict?)")
    return obj


def _resolve_with_timeout(url: str, timeout: float) -> None:
    """DNS lookups ignore the socket timeout; do one in a daemon thread so an
    offline machine fails fast instead of hanging. Skipped if the file is cached."""
    import threading
    import urllib.error
    import urllib.parse

    hub_dir = os.path.join(torch.hub.get_dir(), "checkpoints")
    if os.path.isfile(os.path.join(hub_dir, os.path.basename(urllib.parse.urlparse(url).path))):
        return
    host = urllib.parse.urlparse(url).hostname or ""
    result: Dict[str, object] = {}

    def lookup() -> None:
        try:
            result["ok"] = socket.getaddrinfo(host, 443)
        except OSError as e:
            result["err"] = e

    t = threading.Thread(target=lookup, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise urllib.error.URLError(f"DNS lookup of {host} timed out after {timeout:.0f}s")
    if "err" in result:
        raise urllib.error.URLError(result["err"])


def download_imagenet_state_dict(arch: str) -> Dict[str, torch.Tensor]:
    import urllib.error

    weights = cm.imagenet_weights(arch)
    if weights is None:
        raise ExportError(f"{arch} has no torchvision ImageNet weights; use --weights none (seeded) or "
                          f"--checkpoint FILE")
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        _resolve_with_timeout(weights.url, DOWNLOAD_TIMEOUT_S)
        return weights.get_state_dict(progress=False)
    except (urllib.error.URLError, OSError, socket.timeout) as e:
        raise ExportError(
            f"could not download the torchvision ImageNet weights for {arch} from {weights.url} "
            f"({type(e).__name__}: {e}). Check the network, or put the file in the torch hub cache "
            f"($TORCH_HOME/hub/checkpoints/), or download it elsewhere and pass it with --checkpoint FILE "
            f"(a state_dict)."
        ) from e
    finally:
        socket.setdefaulttimeout(old)


def default_id(args: argparse.Namespace) -> str:
    base = args.arch.replace("_", "-")
    if args.checkpoint:
        stem = os.path.splitext(os.path.basename(args.checkpoint))[0]
        slug = "".join(ch if ch.isalnum() else "-" for ch in stem.lower()).strip("-") or "checkpoint"
        mid = f"{base}-{slug}"
    elif args.weights == "imagenet":
        mid = f"{base}-imagenet"
    else:
        mid = f"{base}-untrained" + ("" if args.seed == 0 else f"-seed{args.seed}")
    return mid + ("-fp16" if args.fp16_weights else "")


def default_name(args: argparse.Namespace, source: str) -> str:
    pretty = cm.ARCHS[args.arch].pretty
    if source == "seeded":
        name = f"{pretty} · untrained (seed {args.seed})"
    elif source == "torchvision":
        name = f"{pretty} · ImageNet-1k (torchvision)"
    else:
        name = f"{pretty} · {os.path.basename(args.checkpoint)}"
    return name + (" · fp16 weights" if args.fp16_weights else "")


BATCH_AXIS = "batch"


def onnx_dims(value) -> list:
    """A graph input's or output's dims: numbers, and the name of a dynamic axis."""
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def onnx_export(wrapper: torch.nn.Module, x: torch.Tensor, path: str, output_names: List[str], opset: int) -> None:
    kwargs = dict(
        export_params=True,
        opset_version=opset,
        do_constant_folding=True,
        input_names=["input"],
        output_names=output_names,
        # A dynamic batch dimension: the app's occlusion runs several occluded copies of
        # the photo in one session.run (src/worker/occlusion.ts). The manifest keeps batch 1.
        dynamic_axes={name: {0: BATCH_AXIS} for name in ["input", *output_names]},
    )
    params = inspect.signature(torch.onnx.export).parameters
    if "dynamo" in params:  # torch >= 2.5: keep the TorchScript exporter (deterministic, opset 17)
        kwargs["dynamo"] = False
    torch.onnx.export(wrapper, (x,), path, **kwargs)


def convert_fp16_weights(path: str) -> int:
    """Store float32 initialisers (>= FP16_MIN_ELEMENTS elements) as float16 and
    insert a Cast back to float32 at the start of the graph. Returns the count."""
    m = onnx.load(path)
    g = m.graph
    used = {n for node in g.node for n in node.input} | {o.name for o in g.output}
    casts = []
    new_inits = []
    count = 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT and arr.size >= FP16_MIN_ELEMENTS and init.name in used:
            h_name = init.name + "__fp16"
            new_inits.append(numpy_helper.from_array(arr.astype(np.float16), h_name))
            casts.append(helper.make_node("Cast", [h_name], [init.name], name=init.name + "__cast",
                                          to=TensorProto.FLOAT))
            count += 1
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    # graph inputs that shadow converted initialisers (keep_initializers_as_inputs) would break the Cast
    converted = {c.output[0] for c in casts}
    keep_inputs = [i for i in g.input if i.name not in converted]
    del g.input[:]
    g.input.extend(keep_inputs)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return count


def max_rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """max|a-b| / max(max|b|, 1e-6): the parity measure used everywhere (b = reference)."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    if a.shape != b.shape:
        return float("inf")
    d = np.abs(a - b)
    if not np.all(np.isfinite(d)):
        return float("inf")
    return float(d.max() / max(float(np.abs(b).max()), 1e-6))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    steps = Steps(8)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

    # 1. labels + weights source ------------------------------------------------
    steps("Resolving weights and labels")
    if args.checkpoint:
        source = "checkpoint"
    elif args.weights == "imagenet":
        source = "torchvision"
        if cm.imagenet_weights(args.arch) is None:
            raise ExportError(f"{args.arch} has no torchvision ImageNet weights; use --weights none (seeded) or "
                              f"--checkpoint FILE")
    else:
        source = "seeded"
    if args.num_classes is not None and source != "seeded":
        raise ExportError("--num-classes only applies to seeded models (--weights none); trained heads are "
                          "read from the weights")

    labels = read_labels(args.labels) if args.labels else cm.imagenet_categories()
    labels_from = rel(args.labels) if args.labels else "torchvision ImageNet-1k categories"

    state_dict = None
    checkpoint_sha = None
    if source == "checkpoint":
        state_dict = load_checkpoint(args.checkpoint)
        checkpoint_sha = sha256_file(args.checkpoint)
        num_classes = int(state_dict["classifier.2.weight"].shape[0])
        head_from = "checkpoint classifier.2.weight"
    elif source == "torchvision":
        num_classes = len(cm.imagenet_weights(args.arch).meta["categories"])
        head_from = "torchvision weights"
    else:
        num_classes = args.num_classes if args.num_classes is not None else len(labels)
        head_from = "--num-classes" if args.num_classes is not None else "number of labels"
    if len(labels) != num_classes:
        raise ExportError(f"label count mismatch: the head has {num_classes} classes ({head_from}) but "
                          f"{labels_from} has {len(labels)} labels")
    model_id = args.model_id or default_id(args)
    display_name = args.name or default_name(args, source)
    out_dir = args.out or os.path.join(REPO_ROOT, "public", "models", model_id)
    ref_dir = args.reference_dir or os.path.join(HERE, ".reference", model_id)
    golden_path = None
    if not args.no_golden:
        if args.golden:
            golden_path = args.golden
        elif model_id == DEFAULT_ID:
            golden_path = os.path.join(HERE, "golden", f"{model_id}.json")
    if not os.path.isfile(args.photo):
        raise ExportError(f"photo not found: {args.photo}")
    note(f"id={model_id}  arch={args.arch}  weights={source}  classes={num_classes}  labels={labels_from}")

    # 2. model ------------------------------------------------------------------
    steps(f"Building {args.arch}")
    if source == "torchvision":
        state_dict = download_imagenet_state_dict(args.arch)
    if source == "seeded":
        torch.manual_seed(args.seed)
        model = cm.build_model(args.arch, num_classes)
        cm.init_seeded_visible(model)
        weights_desc = f"untrained, seed {args.seed}"
        init_desc = cm.SEEDED_INIT_DESCRIPTION
        note(f"seeded init, layer scale {cm.SEEDED_LAYER_SCALE}")
    else:
        model = cm.build_model(args.arch, num_classes)
        try:
            model.load_state_dict(state_dict, strict=True)
        except RuntimeError as e:
            raise ExportError(f"weights do not fit {args.arch} with a {num_classes}-class head: "
                              f"{str(e).splitlines()[0]} {' '.join(str(e).split())[:600]}") from e
        init_desc = None
        if source == "torchvision":
            weights_desc = "torchvision IMAGENET1K_V1"
        else:
            weights_desc = f"checkpoint {os.path.basename(args.checkpoint)} sha256 {checkpoint_sha[:12]}…"
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())
    note(f"{n_params:,} parameters")

    # 3. reference run ----------------------------------------------------------
    steps(f"Running {rel(args.photo)} through PyTorch (forward hooks on the torchvision modules)")
    spec = cm.preprocessing_spec(args.arch)
    x = cm.load_photo(args.photo, spec)
    crop = int(spec["cropSize"])
    taps = cm.tap_specs(model, crop, labels)
    refs = cm.reference_taps(model, x, taps)
    contrib = cm.block_contributions(model, x)
    for r in contrib:
        note(f"{r['name']:<14} input std {r['input_std']:7.3f}  update std {r['update_std']:7.3f}  "
             f"update/input {100 * r['ratio']:6.1f}%  max|out| {r['output_absmax']:.2f}")
    bad = [t for t, a in refs.items() if not np.all(np.isfinite(a))]
    if bad:
        print(f"error: non-finite activations in {bad[:5]}", file=sys.stderr)
        return 1
    if source == "seeded":
        weak = [r["name"] for r in contrib if not (0.1 <= r["ratio"] <= 1.0)]
        huge = [t for t, a in refs.items() if t != "logits" and float(np.abs(a).max()) > 1e3]
        if weak or huge:
            print(f"error: seeded init out of range: update/input outside 10-100% for {weak}, "
                  f"|activation| > 1e3 for {huge}", file=sys.stderr)
            return 1
    logits = refs["logits"].astype(np.float64)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    top5 = [{"index": int(i), "label": labels[int(i)], "probability": float(probs[i])}
            for i in np.argsort(-probs, kind="stable")[:5]]
    note("top-5: " + ", ".join(f"{t['label']} {100 * t['probability']:.1f}%" for t in top5))

    # 4. export -----------------------------------------------------------------
    steps(f"Exporting ONNX (opset {args.opset}, {len(taps)} taps{', fp16 weights' if args.fp16_weights else ''})")
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    wrapper = cm.TapModel(model).eval()
    names = [t.name for t in taps]
    fd, tmp_path = tempfile.mkstemp(suffix=".onnx", dir=out_dir)
    os.close(fd)
    try:
        with torch.no_grad():
            onnx_export(wrapper, x, tmp_path, names, args.opset)
        if args.fp16_weights:
            n = convert_fp16_weights(tmp_path)
            note(f"{n} initialisers stored as float16 (+Cast to float32)")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp_path, onnx_path)
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
    nbytes = os.path.getsize(onnx_path)
    digest = sha256_file(onnx_path)
    note(f"{rel(onnx_path)}: {nbytes:,} bytes, sha256 {digest}")

    # 5. verify -----------------------------------------------------------------
    if args.no_verify:
        steps("Verification skipped (--no-verify)")
    else:
        steps("Verifying")
        proto = onnx.load(onnx_path)
        onnx.checker.check_model(proto)
        note("onnx.checker: ok")
        got_names = [o.name for o in proto.graph.output]
        if got_names != names:
            print(f"error: ONNX outputs {got_names[:5]}... != taps {names[:5]}...", file=sys.stderr)
            return 1
        for o, t in zip(proto.graph.output, taps):
            dims = onnx_dims(o)
            if dims != [BATCH_AXIS] + list(t.shape) or o.type.tensor_type.elem_type != TensorProto.FLOAT:
                print(f"error: ONNX output {o.name} has shape {dims}, manifest says [{BATCH_AXIS}]+{t.shape}", file=sys.stderr)
                return 1
        in_dims = onnx_dims(proto.graph.input[0])
        if proto.graph.input[0].name != "input" or in_dims != [BATCH_AXIS, 3, crop, crop]:
            print(f"error: ONNX input {proto.graph.input[0].name} {in_dims}", file=sys.stderr)
            return 1
        note(f"{len(names)} outputs named and shaped as in the manifest; input 'input' {in_dims}")
        with torch.no_grad():
            wrapped = [o[0].numpy() for o in wrapper(x)]
        worst = max(((max_rel_err(w, refs[t.name]), t.name) for w, t in zip(wrapped, taps)), key=lambda e: e[0])
        if worst[0] > 1e-6:
            print(f"error: tap wrapper disagrees with the torchvision hooks at {worst[1]}: {worst[0]:.3g}",
                  file=sys.stderr)
            return 1
        note(f"tap wrapper == hooks on the original modules (worst rel err {worst[0]:.2g} at {worst[1]})")
        try:
            import onnxruntime as ort  # type: ignore
        except ImportError:
            ort = None
            note("Python onnxruntime not installed: ONNX parity skipped here; it is checked by "
                 "`npx vitest run model/parity.test.ts` (onnxruntime-node)")
        if ort is not None:
            sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
            outs = sess.run(names, {"input": x.numpy()})
            tol = PARITY_RTOL_FP16 if args.fp16_weights else PARITY_RTOL
            errs = [(max_rel_err(o[0], refs[t.name]), t.name) for o, t in zip(outs, taps)]
            worst = max(errs, key=lambda e: e[0])
            if worst[0] > tol:
                print(f"error: onnxruntime parity failed at {worst[1]}: {worst[0]:.3g} > {tol}", file=sys.stderr)
                return 1
            note(f"onnxruntime {ort.__version__} parity ok: worst {worst[0]:.2g} at {worst[1]} (tolerance {tol})")

    # 6. manifest ---------------------------------------------------------------
    steps("Writing manifest")
    manifest = {
        "schemaVersion": SCHEMA_VERSION,
        "id": model_id,
        "displayName": display_name,
        "arch": args.arch,
        "weights": {
            "source": source,
            "description": weights_desc,
            "seed": args.seed if source == "seeded" else None,
            "init": init_desc,
            "checkpointSha256": checkpoint_sha,
        },
        "trained": source != "seeded",
        "input": {
            "name": "input",
            "layout": "NCHW",
            "shape": [1, 3, crop, crop],
            "resizeSize": spec["resizeSize"],
            "cropSize": crop,
            "interpolation": "bilinear",
            "mean": spec["mean"],
            "std": spec["std"],
        },
        "labels": labels,
        "taps": [t.to_json() for t in taps],
        "file": {
            "name": "model.onnx",
            "bytes": nbytes,
            "sha256": digest,
            "fp16Weights": bool(args.fp16_weights),
            "opset": args.opset,
        },
        "exporter": {
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "onnx": onnx.__version__,
            "command": "python3 model/export.py" + ("" if not argv else " " + shlex.join(list(argv))),
        },
    }
    if args.description:
        manifest["weights"]["description"] = args.description
    if args.limitation:
        manifest["limitation"] = args.limitation
    if args.train_record:
        manifest["training"] = training_summary(args.train_record)
    manifest_path = os.path.join(out_dir, "manifest.json")
    write_json(manifest_path, manifest)
    note(rel(manifest_path))

    # 7. reference tensors + golden -------------------------------------------
    steps("Writing reference tensors" + (" and golden JSON" if golden_path else ""))
    os.makedirs(ref_dir, exist_ok=True)
    x_np = x.numpy().astype(np.float32)
    x_np.tofile(os.path.join(ref_dir, "input.bin"))
    index = {"modelId": model_id, "photo": os.path.basename(args.photo), "modelSha256": digest,
             "input": {"file": "input.bin", "shape": list(x_np.shape)}, "taps": {}}
    for t in taps:
        fname = f"{t.name}.bin"
        refs[t.name].astype(np.float32).tofile(os.path.join(ref_dir, fname))
        index["taps"][t.name] = {"file": fname, "shape": list(t.shape)}
    write_json(os.path.join(ref_dir, "index.json"), index)
    note(f"{rel(ref_dir)}/ ({len(taps)} taps + input.bin)")
    if golden_path:
        golden = {
            "modelId": model_id,
            "photo": os.path.basename(args.photo),
            "photoSha256": sha256_file(args.photo),
            "tolerance": {"relative": PARITY_RTOL},
            "input": cm.golden_entry(x_np[0]),
            "taps": {t.name: cm.golden_entry(refs[t.name]) for t in taps},
            "top5": top5,
        }
        golden["input"]["shape"] = list(x_np.shape)
        write_json(golden_path, golden)
        note(rel(golden_path))

    # 8. index ------------------------------------------------------------------
    if args.update_index:
        steps(f"Updating {rel(args.index)}")
        update_index(args.index, out_dir, manifest, make_default=args.make_default)
    else:
        steps("Models index left alone (use --update-index to add this model)")
    print(f"done: {rel(onnx_path)} ({nbytes / 1e6:.1f} MB) + manifest.json, {len(taps)} taps")
    return 0


TRAINING_FIELDS = ("command", "seed", "evalSeed", "torch", "device", "threads", "steps", "batch", "schedule",
                   "imagesSeen", "wallSeconds", "imagesPerSecond", "heldOutAccuracy", "heldOutCount", "heldOutInput")


def training_summary(path: str) -> Dict[str, object]:
    """The fields of a training record worth keeping in the manifest (no per-step losses);
    a record continued from an earlier run (--init) keeps that run's summary under 'previous'."""
    with open(path, encoding="utf-8") as f:
        rec = json.load(f)

    def pick(r: Dict[str, object]) -> Dict[str, object]:
        out = {k: r[k] for k in TRAINING_FIELDS if k in r}
        if r.get("previous"):
            out["previous"] = pick(r["previous"])
        return out

    return pick(rec)


def update_index(index_path: str, out_dir: str, manifest: Dict[str, object], make_default: bool = False) -> None:
    if os.path.isfile(index_path):
        with open(index_path, encoding="utf-8") as f:
            index = json.load(f)
    else:
        index = {}
    models = [m for m in index.get("models", []) if m.get("id") != manifest["id"]]
    manifest_rel = os.path.relpath(os.path.join(out_dir, "manifest.json"), os.path.dirname(os.path.abspath(index_path)))
    models.append({
        "id": manifest["id"],
        "displayName": manifest["displayName"],
        "manifest": manifest_rel.replace(os.sep, "/"),
        "trained": manifest["trained"],
        "bytes": manifest["file"]["bytes"],
    })
    default = manifest["id"] if make_default else index.get("default")
    ids = {m["id"] for m in models}
    if default not in ids:
        default = DEFAULT_ID if DEFAULT_ID in ids else manifest["id"]
    write_json(index_path, {"default": default, "models": models})
    note(f"{len(models)} model(s), default {default}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    try:
        return run(args, argv)
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
