"""Tests for model/export.py.

Run from the repo root:  /usr/bin/python3 -m unittest discover -s model/tests -t . -v
Exports go to temporary folders (never public/ or model/golden/); each export of
convnext_atto takes ~10 s on 2 cores, the whole suite about a minute.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np
import onnx
import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import convlens_model as cm  # noqa: E402
import export as exporter  # noqa: E402

EXPORT = os.path.join(MODEL_DIR, "export.py")
FOOD101 = os.path.join(MODEL_DIR, "labels", "food101.txt")
PUBLIC = os.path.join(REPO, "public", "models")
DEFAULT_ID = "convnext-atto-untrained"
DEFAULT_DIR = os.path.join(PUBLIC, DEFAULT_ID)
GOLDEN = os.path.join(MODEL_DIR, "golden", f"{DEFAULT_ID}.json")
TAP_KINDS = {"conv", "norm", "depthwise", "gelu", "block", "downsample", "pool", "logits"}


def run_export(*args: str, env=None, timeout: float = 300):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([sys.executable, EXPORT, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env=e)


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def expected_atto_taps():
    """The 43 tap names for convnext_atto, written out by hand (depths 2/2/6/2)."""
    names = ["features.0.0", "features.0.1"]
    for fi, depth, ds in ((1, 2, None), (3, 2, 2), (5, 6, 4), (7, 2, 6)):
        if ds is not None:
            names.append(f"features.{ds}.1")
        for b in range(depth):
            names += [f"features.{fi}.{b}.block.0", f"features.{fi}.{b}.block.4", f"features.{fi}.{b}"]
    return names + ["avgpool", "logits"]


def check_manifest_schema(tc: unittest.TestCase, m: dict) -> None:
    """Field names and types of src/model/manifest.ts."""
    tc.assertEqual(set(m), {"schemaVersion", "id", "displayName", "arch", "weights", "trained", "input", "labels",
                            "taps", "file", "exporter"})
    tc.assertEqual(m["schemaVersion"], 1)
    for k in ("id", "displayName", "arch"):
        tc.assertIsInstance(m[k], str)
        tc.assertTrue(m[k])
    tc.assertIn(m["arch"], cm.ARCHS)
    w = m["weights"]
    tc.assertEqual(set(w), {"source", "description", "seed", "init", "checkpointSha256"})
    tc.assertIn(w["source"], ("seeded", "torchvision", "checkpoint"))
    tc.assertIsInstance(w["description"], str)
    tc.assertTrue(w["seed"] is None or isinstance(w["seed"], int))
    tc.assertTrue(w["init"] is None or isinstance(w["init"], str))
    tc.assertTrue(w["checkpointSha256"] is None or len(w["checkpointSha256"]) == 64)
    tc.assertIsInstance(m["trained"], bool)
    tc.assertEqual(m["trained"], w["source"] != "seeded")
    i = m["input"]
    tc.assertEqual(set(i), {"name", "layout", "shape", "resizeSize", "cropSize", "interpolation", "mean", "std"})
    tc.assertEqual(i["name"], "input")
    tc.assertEqual(i["layout"], "NCHW")
    tc.assertEqual(i["shape"], [1, 3, i["cropSize"], i["cropSize"]])
    tc.assertEqual(i["interpolation"], "bilinear")
    tc.assertIsInstance(i["resizeSize"], int)
    tc.assertEqual(len(i["mean"]), 3)
    tc.assertEqual(len(i["std"]), 3)
    tc.assertTrue(all(isinstance(x, str) and x for x in m["labels"]))
    for t in m["taps"]:
        tc.assertEqual(set(t), {"name", "kind", "stage", "block", "shape", "receptiveField", "description"})
        tc.assertIn(t["kind"], TAP_KINDS)
        tc.assertIsInstance(t["stage"], int)
        tc.assertTrue(0 <= t["stage"] <= 5)
        tc.assertTrue(t["block"] is None or isinstance(t["block"], int))
        tc.assertTrue(all(isinstance(d, int) and d > 0 for d in t["shape"]))
        rf = t["receptiveField"]
        tc.assertEqual(set(rf), {"size", "stride", "offset"})
        tc.assertTrue(all(isinstance(rf[k], (int, float)) for k in rf))
        tc.assertIsInstance(t["description"], str)
        tc.assertGreater(len(t["description"]), 30)
        tc.assertEqual(t["description"].count(". "), 0, "one sentence")
    tc.assertEqual(m["taps"][-1]["shape"], [len(m["labels"])])
    f = m["file"]
    tc.assertEqual(set(f), {"name", "bytes", "sha256", "fp16Weights", "opset"})
    tc.assertEqual(f["name"], "model.onnx")
    tc.assertIsInstance(f["bytes"], int)
    tc.assertEqual(len(f["sha256"]), 64)
    tc.assertIsInstance(f["fp16Weights"], bool)
    tc.assertEqual(f["opset"], 17)
    tc.assertEqual(set(m["exporter"]), {"torch", "torchvision", "onnx", "command"})
    tc.assertTrue(all(isinstance(v, str) and v for v in m["exporter"].values()))


class CommittedModelTest(unittest.TestCase):
    """The committed default public/models/convnext-atto-untrained and its golden JSON."""

    @classmethod
    def setUpClass(cls):
        cls.m = load(os.path.join(DEFAULT_DIR, "manifest.json"))

    def test_schema(self):
        check_manifest_schema(self, self.m)

    def test_identity(self):
        m = self.m
        self.assertEqual(m["id"], DEFAULT_ID)
        self.assertEqual(m["arch"], "convnext_atto")
        self.assertFalse(m["trained"])
        self.assertIn("untrained", m["displayName"])
        self.assertEqual(m["weights"]["source"], "seeded")
        self.assertEqual(m["weights"]["seed"], 0)
        self.assertIn("kaiming", m["weights"]["init"])
        self.assertIsNone(m["weights"]["checkpointSha256"])
        self.assertFalse(m["file"]["fp16Weights"])
        with open(FOOD101, encoding="utf-8") as f:
            self.assertEqual(m["labels"], [x.strip() for x in f if x.strip()])
        self.assertEqual(len(m["labels"]), 101)

    def test_input_spec(self):
        i = self.m["input"]
        self.assertEqual((i["resizeSize"], i["cropSize"]), (236, 224))
        self.assertEqual(i["mean"], [0.485, 0.456, 0.406])
        self.assertEqual(i["std"], [0.229, 0.224, 0.225])

    def test_tap_names_kinds_stages(self):
        taps = self.m["taps"]
        self.assertEqual([t["name"] for t in taps], expected_atto_taps())
        self.assertEqual(len(taps), 43)
        by = {t["name"]: t for t in taps}
        self.assertEqual((by["features.0.0"]["kind"], by["features.0.1"]["kind"]), ("conv", "norm"))
        for name, stage in (("features.2.1", 2), ("features.4.1", 3), ("features.6.1", 4)):
            self.assertEqual((by[name]["kind"], by[name]["stage"], by[name]["block"]), ("downsample", stage, None))
        self.assertEqual((by["features.5.4.block.0"]["kind"], by["features.5.4.block.0"]["stage"],
                          by["features.5.4.block.0"]["block"]), ("depthwise", 3, 4))
        self.assertEqual(by["features.7.1.block.4"]["kind"], "gelu")
        self.assertEqual((by["features.1.1"]["kind"], by["features.1.1"]["stage"], by["features.1.1"]["block"]),
                         ("block", 1, 1))
        self.assertEqual((by["avgpool"]["kind"], by["avgpool"]["stage"]), ("pool", 5))
        self.assertEqual((by["logits"]["kind"], by["logits"]["stage"], by["logits"]["block"]), ("logits", 5, None))
        self.assertEqual(by["features.0.0"]["stage"], 0)

    def test_shapes(self):
        by = {t["name"]: t["shape"] for t in self.m["taps"]}
        self.assertEqual(by["features.0.0"], [40, 56, 56])
        self.assertEqual(by["features.1.0.block.4"], [160, 56, 56])
        self.assertEqual(by["features.2.1"], [80, 28, 28])
        self.assertEqual(by["features.5.5"], [160, 14, 14])
        self.assertEqual(by["features.5.5.block.4"], [640, 14, 14])
        self.assertEqual(by["features.7.1"], [320, 7, 7])
        self.assertEqual(by["avgpool"], [320, 1, 1])
        self.assertEqual(by["logits"], [101])

    def test_receptive_fields_hand_checked(self):
        rf = {t["name"]: t["receptiveField"] for t in self.m["taps"]}
        # stem: 4x4 stride-4 conv, pixel i spans [i, i+1) -> output 0 covers [0, 4), centre 2.0
        self.assertEqual(rf["features.0.0"], {"size": 4, "stride": 4, "offset": 2.0})
        self.assertEqual(rf["features.0.1"], {"size": 4, "stride": 4, "offset": 2.0})
        # stage 1 (jump 4): each 7x7 depthwise adds 6*4 = 24 -> 28, 52
        self.assertEqual(rf["features.1.0.block.0"], {"size": 28, "stride": 4, "offset": 2.0})
        self.assertEqual(rf["features.1.1"], {"size": 52, "stride": 4, "offset": 2.0})
        # downsample 2x2/2 at jump 4: +4 -> 56, stride 8, offset 2 + 0.5*4 = 4
        self.assertEqual(rf["features.2.1"], {"size": 56, "stride": 8, "offset": 4.0})
        # stage 2 (jump 8): +48, +48 -> 152; downsample at jump 8: +8 -> 160, stride 16, offset 4 + 4 = 8
        self.assertEqual(rf["features.4.1"], {"size": 160, "stride": 16, "offset": 8.0})
        # stage 3 (jump 16): block b adds 96 -> block 0: 256, block 1: 352, block 5: 736
        self.assertEqual(rf["features.5.0.block.0"], {"size": 256, "stride": 16, "offset": 8.0})
        self.assertEqual(rf["features.5.1"], {"size": 352, "stride": 16, "offset": 8.0})
        self.assertEqual(rf["features.5.1.block.4"], {"size": 352, "stride": 16, "offset": 8.0})
        self.assertEqual(rf["features.5.5"], {"size": 736, "stride": 16, "offset": 8.0})
        self.assertEqual(rf["features.6.1"], {"size": 752, "stride": 32, "offset": 16.0})
        self.assertEqual(rf["avgpool"], {"size": 224, "stride": 224, "offset": 112.0})
        self.assertEqual(rf["logits"], {"size": 224, "stride": 224, "offset": 112.0})

    def test_descriptions_varied(self):
        descs = [t["description"] for t in self.m["taps"]]
        self.assertEqual(len(set(descs)), len(descs), "every tap has its own sentence")
        self.assertIn("28x28-pixel", {t["name"]: t["description"] for t in self.m["taps"]}["features.1.0.block.0"])

    def test_file_matches_manifest(self):
        path = os.path.join(DEFAULT_DIR, "model.onnx")
        self.assertEqual(os.path.getsize(path), self.m["file"]["bytes"])
        self.assertLessEqual(os.path.getsize(path), 20 * 1024 * 1024)
        self.assertEqual(sha256(path), self.m["file"]["sha256"])
        proto = onnx.load(path, load_external_data=False)
        self.assertEqual([o.name for o in proto.graph.output], expected_atto_taps())
        self.assertEqual([i.name for i in proto.graph.input], ["input"])
        self.assertEqual(proto.opset_import[0].version, 17)
        self.assertTrue(all(t.data_type == onnx.TensorProto.FLOAT for t in proto.graph.initializer
                            if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16)))
        for o, t in zip(proto.graph.output, self.m["taps"]):
            self.assertEqual([d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim], ["batch"] + t["shape"])

    def test_index(self):
        index = load(os.path.join(PUBLIC, "index.json"))
        # The page opens on the bundled network trained on drawn shapes (docs/shapes-model.md);
        # this untrained one is listed next to it.
        self.assertEqual(index["default"], "convnext-atto-shapes")
        self.assertEqual([e["id"] for e in index["models"]], [DEFAULT_ID, "convnext-atto-shapes"])
        entry = [e for e in index["models"] if e["id"] == DEFAULT_ID]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0], {"id": DEFAULT_ID, "displayName": self.m["displayName"],
                                    "manifest": f"{DEFAULT_ID}/manifest.json", "trained": False,
                                    "bytes": self.m["file"]["bytes"]})

    def test_golden_format(self):
        g = load(GOLDEN)
        self.assertEqual(set(g), {"modelId", "photo", "photoSha256", "tolerance", "input", "taps", "top5"})
        self.assertEqual(g["modelId"], DEFAULT_ID)
        self.assertEqual(g["photo"], "coffee.png")
        self.assertEqual(g["photoSha256"], sha256(os.path.join(REPO, "public", "samples", "coffee.png")))
        self.assertEqual(g["tolerance"], {"relative": 1e-4})
        self.assertEqual(g["input"]["shape"], [1, 3, 224, 224])
        self.assertEqual(list(g["taps"]), expected_atto_taps())
        for name, e in [("input", g["input"])] + list(g["taps"].items()):
            self.assertEqual(set(e), {"shape", "min", "max", "mean", "std", "samples"}, name)
            n = int(np.prod(e["shape"]))
            idx = e["samples"]["indices"]
            self.assertEqual(idx, sorted(set(idx)))
            self.assertEqual((idx[0], idx[-1]), (0, n - 1))
            self.assertTrue(65 <= len(idx) <= 66 or len(idx) == n)
            self.assertEqual(len(e["samples"]["values"]), len(idx))
            self.assertLessEqual(e["min"], e["mean"])
            self.assertLessEqual(e["mean"], e["max"])
        self.assertEqual(len(g["top5"]), 5)
        labels = self.m["labels"]
        probs = [t["probability"] for t in g["top5"]]
        self.assertEqual(probs, sorted(probs, reverse=True))
        for t in g["top5"]:
            self.assertEqual(labels[t["index"]], t["label"])

    def test_reference_preprocessing_matches_golden_input(self):
        spec = cm.preprocessing_spec("convnext_atto")
        x = cm.load_photo(os.path.join(REPO, "public", "samples", "coffee.png"), spec).numpy()[0]
        g = load(GOLDEN)["input"]
        flat = x.reshape(-1)
        np.testing.assert_array_equal(flat[g["samples"]["indices"]].astype(np.float64), g["samples"]["values"])
        self.assertAlmostEqual(float(x.astype(np.float64).mean()), g["mean"], places=9)


def assert_golden_close(tc: unittest.TestCase, fresh: dict, committed: dict) -> None:
    """Golden JSONs equal: every key, shape, index and label exactly; every computed float within
    the golden's relative tolerance of its tensor's range (of 1 for the probabilities)."""
    rel = committed["tolerance"]["relative"]

    def close(a, b, scale: float, where: str) -> None:
        if isinstance(b, dict):
            tc.assertEqual(sorted(a), sorted(b), where)
            for k in b:
                close(a[k], b[k], scale, f"{where}.{k}")
        elif isinstance(b, list):
            tc.assertEqual(len(a), len(b), where)
            for i, (x, y) in enumerate(zip(a, b)):
                close(x, y, scale, f"{where}[{i}]")
        elif isinstance(b, float):
            tc.assertLessEqual(abs(a - b), rel * scale, f"{where}: {a} vs {b} (tolerance {rel} x {scale:.3g})")
        else:
            tc.assertEqual(a, b, where)

    for key in committed:
        if key == "taps" or key == "input":
            entries = committed[key].items() if key == "taps" else [("input", committed[key])]
            fresh_entries = fresh[key] if key == "taps" else {"input": fresh[key]}
            tc.assertEqual(list(fresh_entries), [name for name, _ in entries], key)
            for name, e in entries:
                close(fresh_entries[name], e, max(abs(e["min"]), abs(e["max"]), 1e-12), name)
        else:
            close(fresh[key], committed[key], 1.0, key)


def export_files(root: str) -> dict:
    """Every file an export wrote under root (model, manifest, golden, reference tensors): relative path -> bytes."""
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


def without_command(manifest: dict) -> dict:
    """The manifest minus its one volatile field: exporter.command names the output folders."""
    m = json.loads(json.dumps(manifest))
    del m["exporter"]["command"]
    return m


class ReExportTest(unittest.TestCase):
    """The committed command, run twice into temp dirs under the installed torch: the two exports
    are identical (on any torch), and equal the committed model (under the committed torch)."""

    @classmethod
    def export_into(cls, name: str):
        root = os.path.join(cls.tmp.name, name)
        return root, run_export("--labels", FOOD101, "--out", os.path.join(root, "out"), "--reference-dir",
                                os.path.join(root, "ref"), "--golden", os.path.join(root, "golden.json"))

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t0 = time.time()
        cls.root, cls.proc = cls.export_into("first")
        cls.seconds = time.time() - t0
        cls.root2, cls.proc2 = cls.export_into("second")
        cls.out = os.path.join(cls.root, "out")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_ok_and_steps_printed(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        for step in range(1, 9):
            self.assertIn(f"[{step}/8]", self.proc.stdout)
        self.assertIn("update/input", self.proc.stdout)

    def test_two_exports_identical(self):
        """Reproducibility under whatever torch is installed: a second export gives the same bytes."""
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        self.assertEqual(self.proc2.returncode, 0, self.proc2.stderr[-2000:])
        first, second = export_files(self.root), export_files(self.root2)
        self.assertEqual(sorted(first), sorted(second))
        self.assertIn(os.path.join("out", "model.onnx"), first)
        self.assertIn(os.path.join("ref", "logits.bin"), first)
        self.assertIn("golden.json", first)
        manifest = os.path.join("out", "manifest.json")
        for name in sorted(first):
            if name == manifest:
                continue
            self.assertTrue(first[name] == second[name], f"{name} differs between two exports under torch "
                            f"{torch.__version__}: sha256 {hashlib.sha256(first[name]).hexdigest()} vs "
                            f"{hashlib.sha256(second[name]).hexdigest()}")
        m1, m2 = json.loads(first[manifest]), json.loads(second[manifest])
        self.assertEqual(without_command(m1), without_command(m2))
        self.assertEqual(m1["file"]["sha256"], sha256(os.path.join(self.root2, "out", "model.onnx")))
        self.assertEqual(m1["exporter"]["torch"], torch.__version__)

    def committed_torch_only(self, what: str) -> dict:
        """The committed manifest; skips unless the installed torch is the one that exported it."""
        committed = load(os.path.join(DEFAULT_DIR, "manifest.json"))
        if committed["exporter"]["torch"] != torch.__version__:
            self.skipTest(f"{what} is compared bit for bit only under the torch that made it "
                          f"({committed['exporter']['torch']}; installed: {torch.__version__}), as other torch "
                          f"versions may legitimately give other bytes; reproducibility under the installed torch "
                          f"is checked by test_two_exports_identical")
        return committed

    def test_same_sha256_as_committed(self):
        committed = self.committed_torch_only("the committed model.onnx")
        fresh = load(os.path.join(self.out, "manifest.json"))
        self.assertEqual(sha256(os.path.join(self.out, "model.onnx")), committed["file"]["sha256"])
        self.assertEqual(fresh["file"]["sha256"], committed["file"]["sha256"])
        for key in ("taps", "labels", "input", "weights", "file", "displayName", "id"):
            self.assertEqual(fresh[key], committed[key], key)

    def test_golden_and_reference_reproduced(self):
        # Computed floats move in their last bits with the BLAS kernels a processor gets (and with
        # the torch version), so the fresh golden equals the committed one within the golden's own
        # tolerance, not bit for bit, under any torch.
        assert_golden_close(self, load(os.path.join(self.root, "golden.json")), load(GOLDEN))
        index = load(os.path.join(self.root, "ref", "index.json"))
        self.assertEqual(list(index["taps"]), expected_atto_taps())
        logits = np.fromfile(os.path.join(self.root, "ref", "logits.bin"), dtype=np.float32)
        self.assertEqual(logits.shape, (101,))

    def test_block_contributions_visible(self):
        """Seeded init: every block's update is 10-100% of its input's std; activations bounded."""
        torch.manual_seed(0)
        model = cm.build_model("convnext_atto", 101)
        cm.init_seeded_visible(model)
        x = cm.load_photo(os.path.join(REPO, "public", "samples", "coffee.png"), cm.preprocessing_spec("convnext_atto"))
        rows = cm.block_contributions(model, x)
        self.assertEqual(len(rows), 12)
        for r in rows:
            self.assertGreaterEqual(r["ratio"], 0.1, r)
            self.assertLessEqual(r["ratio"], 1.0, r)
            self.assertLess(r["output_absmax"], 100.0, r)


class ErrorPathTest(unittest.TestCase):
    def test_unknown_arch_is_argparse_error(self):
        p = run_export("--arch", "convnext_huge")
        self.assertEqual(p.returncode, 2)
        self.assertIn("invalid choice", p.stderr)
        self.assertIn("--arch", p.stderr)

    def test_head_label_mismatch(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = run_export("--labels", FOOD101, "--num-classes", "10", "--out", tmp)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("10", p.stderr)
            self.assertIn("101", p.stderr)
            self.assertIn("mismatch", p.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "model.onnx")))

    def test_missing_checkpoint(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = run_export("--checkpoint", os.path.join(tmp, "nope.pth"), "--out", tmp)
            self.assertEqual(p.returncode, 2)
            self.assertIn("checkpoint file not found", p.stderr)

    def test_imagenet_offline_fails_fast(self):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.time()
            p = run_export("--arch", "convnext_tiny", "--weights", "imagenet", "--out", os.path.join(tmp, "o"),
                           env={"TORCH_HOME": tmp}, timeout=60)
            elapsed = time.time() - t0
        if p.returncode == 0:
            self.skipTest("this machine is online: the ImageNet weights downloaded")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertLess(elapsed, 30)
        self.assertIn("could not download", p.stderr)
        self.assertIn("--checkpoint", p.stderr)

    def test_atto_has_no_imagenet_weights(self):
        p = run_export("--weights", "imagenet", "--out", tempfile.gettempdir() + "/convlens-never-written")
        self.assertEqual(p.returncode, 2)
        self.assertIn("convnext_atto has no torchvision ImageNet weights", p.stderr)

    def test_help_documents_every_option(self):
        p = run_export("--help")
        self.assertEqual(p.returncode, 0)
        for opt in ("--arch", "--weights", "--seed", "--checkpoint", "--num-classes", "--labels", "--fp16-weights",
                    "--out", "--id", "--name", "--photo", "--reference-dir", "--golden", "--no-golden",
                    "--no-verify", "--update-index", "--index", "--make-default", "--opset"):
            self.assertIn(opt, p.stdout)
        for action in exporter.build_parser()._actions:
            for opt in action.option_strings:
                self.assertIn(opt, p.stdout)
            self.assertTrue(action.help and len(action.help) > 10, action.option_strings)


class CheckpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        torch.manual_seed(123)
        model = cm.build_model("convnext_atto", 101)
        cls.ckpt = os.path.join(cls.tmp.name, "food101_atto.pth")
        torch.save({"model": model.state_dict(), "epoch": 3}, cls.ckpt)
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.proc = run_export("--checkpoint", cls.ckpt, "--labels", FOOD101, "--out", cls.out,
                              "--reference-dir", os.path.join(cls.tmp.name, "ref"), "--no-golden")
        torch.manual_seed(5)
        small = cm.build_model("convnext_atto", 10)
        cls.ckpt10 = os.path.join(cls.tmp.name, "ten.pth")
        torch.save(small.state_dict(), cls.ckpt10)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_round_trip(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        m = load(os.path.join(self.out, "manifest.json"))
        check_manifest_schema(self, m)
        self.assertEqual(m["weights"]["source"], "checkpoint")
        self.assertEqual(m["weights"]["checkpointSha256"], sha256(self.ckpt))
        self.assertIsNone(m["weights"]["seed"])
        self.assertIsNone(m["weights"]["init"])
        self.assertTrue(m["trained"])
        self.assertEqual(len(m["labels"]), 101)
        self.assertEqual(m["taps"][-1]["shape"], [101])
        self.assertEqual(m["file"]["sha256"], sha256(os.path.join(self.out, "model.onnx")))
        self.assertEqual(m["id"], "convnext-atto-food101-atto")
        self.assertIn("food101_atto.pth", m["displayName"])

    def test_weights_exported_as_they_are(self):
        """The torchvision init (layer scale 1e-6) is kept: checkpoints are not re-initialised."""
        proto = onnx.load(os.path.join(self.out, "model.onnx"))
        sd = torch.load(self.ckpt)["model"]
        arrays = [onnx.numpy_helper.to_array(t) for t in proto.graph.initializer]
        head = sd["classifier.2.weight"].numpy()
        self.assertTrue(any(a.shape == head.T.shape and np.array_equal(a, head.T) or
                            a.shape == head.shape and np.array_equal(a, head) for a in arrays))

    def test_ten_class_checkpoint_with_food101_labels(self):
        p = run_export("--checkpoint", self.ckpt10, "--labels", FOOD101, "--out", os.path.join(self.tmp.name, "x"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("10 classes", p.stderr)
        self.assertIn("101 labels", p.stderr)

    def test_key_mismatch(self):
        p = run_export("--checkpoint", self.ckpt, "--arch", "convnext_tiny", "--labels", FOOD101,
                       "--out", os.path.join(self.tmp.name, "y"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("weights do not fit convnext_tiny", p.stderr)

    def test_checkpoint_wrappers(self):
        sd = torch.load(self.ckpt)["model"]
        for name, obj in (("plain", sd), ("state_dict", {"state_dict": sd, "optimizer": {}}),
                          ("dataparallel", {f"module.{k}": v for k, v in sd.items()})):
            path = os.path.join(self.tmp.name, f"{name}.pth")
            torch.save(obj, path)
            loaded = exporter.load_checkpoint(path)
            self.assertEqual(set(loaded), set(sd), name)
            self.assertEqual(tuple(loaded["classifier.2.weight"].shape), (101, 320), name)
        path = os.path.join(self.tmp.name, "headless.pth")
        torch.save({k: v for k, v in sd.items() if not k.startswith("classifier")}, path)
        with self.assertRaisesRegex(exporter.ExportError, "classifier.2.weight"):
            exporter.load_checkpoint(path)

    def test_not_a_state_dict(self):
        bad = os.path.join(self.tmp.name, "bad.pth")
        with open(bad, "wb") as f:
            f.write(b"not a checkpoint")
        p = run_export("--checkpoint", bad, "--out", os.path.join(self.tmp.name, "z"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("could not read checkpoint", p.stderr)


class Fp16AndIndexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "fp16")
        cls.index = os.path.join(cls.tmp.name, "index.json")
        with open(cls.index, "w") as f:
            json.dump({"default": DEFAULT_ID, "models": [{"id": DEFAULT_ID, "displayName": "x", "manifest":
                       f"{DEFAULT_ID}/manifest.json", "trained": False, "bytes": 1}]}, f)
        cls.proc = run_export("--labels", FOOD101, "--fp16-weights", "--out", cls.out, "--no-verify",
                              "--reference-dir", os.path.join(cls.tmp.name, "ref"), "--no-golden",
                              "--update-index", "--index", cls.index)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_fp16_file(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        m = load(os.path.join(self.out, "manifest.json"))
        check_manifest_schema(self, m)
        self.assertTrue(m["file"]["fp16Weights"])
        self.assertEqual(m["id"], "convnext-atto-untrained-fp16")
        committed = load(os.path.join(DEFAULT_DIR, "manifest.json"))["file"]["bytes"]
        self.assertLess(m["file"]["bytes"], 0.55 * committed)
        proto = onnx.load(os.path.join(self.out, "model.onnx"))
        halves = [t for t in proto.graph.initializer if t.data_type == onnx.TensorProto.FLOAT16]
        big_floats = [t.name for t in proto.graph.initializer
                      if t.data_type == onnx.TensorProto.FLOAT and int(np.prod(t.dims)) >= 16]
        casts = {n.input[0] for n in proto.graph.node if n.op_type == "Cast"}
        self.assertGreater(len(halves), 40)  # the exporter dedups identical tensors: 56 for atto
        self.assertEqual(big_floats, [])
        self.assertEqual(casts, {t.name for t in halves})
        weight = [t for t in halves if t.name.startswith("model.features.0.0.weight")]
        self.assertEqual(len(weight), 1)
        self.assertEqual(list(weight[0].dims), [40, 3, 4, 4])
        self.assertEqual([o.name for o in proto.graph.output], expected_atto_taps())
        for o in proto.graph.output:
            self.assertEqual(o.type.tensor_type.elem_type, onnx.TensorProto.FLOAT)

    def test_index_updated(self):
        index = load(self.index)
        self.assertEqual(index["default"], DEFAULT_ID)
        self.assertEqual([e["id"] for e in index["models"]], [DEFAULT_ID, "convnext-atto-untrained-fp16"])
        entry = index["models"][1]
        # the index lives in tmp, the model in tmp/fp16: manifest path is relative to the index
        self.assertEqual(entry["manifest"], "fp16/manifest.json")
        self.assertFalse(entry["trained"])
        self.assertIn("fp16", entry["displayName"])


class MakeDefaultTest(unittest.TestCase):
    """--make-default: the deploy workflow makes the trained model the one the app loads first."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.index = os.path.join(self.tmp.name, "index.json")
        with open(self.index, "w") as f:
            json.dump({"default": DEFAULT_ID, "models": [{"id": DEFAULT_ID, "displayName": "x", "manifest":
                       f"{DEFAULT_ID}/manifest.json", "trained": False, "bytes": 1}]}, f)
        self.manifest = {"id": "convnext-tiny-imagenet-fp16", "displayName": "ConvNeXt-Tiny · ImageNet-1k",
                         "trained": True, "file": {"bytes": 57_000_000}}

    def tearDown(self):
        self.tmp.cleanup()

    def test_default_kept_without_flag(self):
        exporter.update_index(self.index, os.path.join(self.tmp.name, "tiny"), self.manifest)
        self.assertEqual(load(self.index)["default"], DEFAULT_ID)

    def test_make_default_switches_default_and_keeps_the_untrained_model(self):
        exporter.update_index(self.index, os.path.join(self.tmp.name, "tiny"), self.manifest, make_default=True)
        index = load(self.index)
        self.assertEqual(index["default"], "convnext-tiny-imagenet-fp16")
        self.assertEqual([m["id"] for m in index["models"]], [DEFAULT_ID, "convnext-tiny-imagenet-fp16"])
        self.assertEqual(index["models"][1]["manifest"], "tiny/manifest.json")

    def test_make_default_needs_update_index(self):
        p = run_export("--make-default")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--make-default needs --update-index", p.stderr)


class GeometryTest(unittest.TestCase):
    """Tap lists and receptive fields of the torchvision archs, without exporting."""

    def test_tiny(self):
        model = cm.build_model("convnext_tiny", 1000)
        taps = cm.tap_specs(model, 224, cm.imagenet_categories())
        self.assertEqual(len(taps), 2 + 3 * 18 + 3 + 2)
        by = {t.name: t for t in taps}
        self.assertEqual(by["features.0.0"].shape, [96, 56, 56])
        self.assertEqual(by["features.5.8.block.4"].shape, [1536, 14, 14])
        self.assertEqual(by["features.1.2"].receptiveField, {"size": 76, "stride": 4, "offset": 2.0})
        self.assertEqual(by["logits"].shape, [1000])
        with torch.no_grad():
            outs = cm.TapModel(model)(torch.zeros(1, 3, 224, 224))
        self.assertEqual([list(o.shape[1:]) for o in outs], [t.shape for t in taps])

    def test_preprocessing_from_weights(self):
        self.assertEqual(cm.preprocessing_spec("convnext_small")["resizeSize"], 230)
        self.assertEqual(cm.preprocessing_spec("convnext_tiny")["resizeSize"], 236)
        self.assertEqual(cm.preprocessing_spec("convnext_atto")["cropSize"], 224)

    def test_sample_indices(self):
        idx = cm.sample_indices(1000)
        self.assertEqual(idx, cm.sample_indices(1000))
        self.assertEqual((idx[0], idx[-1]), (0, 999))
        self.assertEqual(idx, sorted(set(idx)))
        self.assertEqual(cm.sample_indices(5), [0, 1, 2, 3, 4])

    def test_food101_labels(self):
        with open(FOOD101, encoding="utf-8") as f:
            labels = [x.rstrip("\n") for x in f]
        self.assertEqual(len(labels), 101)
        self.assertEqual(labels, sorted(labels))
        self.assertEqual((labels[0], labels[-1]), ("apple_pie", "waffles"))


if __name__ == "__main__":
    unittest.main()
