"""Tests for model/finetune.py: a smoke run on a tiny dataset made here in Food-101's folder
layout (torchvision's Food101 reads food-101/meta/{train,test}.json and
food-101/images/<class>/<id>.jpg), one training step, then the checkpoint through
model/export.py --checkpoint: head size 101 and the food labels in the manifest.

Run from the repo root:  /usr/bin/python3 -m unittest model.tests.test_finetune -v   (~30 s)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import convlens_model as cm  # noqa: E402
import finetune  # noqa: E402

FINETUNE = os.path.join(MODEL_DIR, "finetune.py")
EXPORT = os.path.join(MODEL_DIR, "export.py")
FOOD101 = os.path.join(MODEL_DIR, "labels", "food101.txt")
CLASSES = ["apple_pie", "pizza", "sushi"]


def make_tiny_food101(root: str, per_class_train: int = 2, per_class_test: int = 1) -> None:
    """A few generated JPEGs per class in Food-101's layout, with the real dataset's meta files."""
    base = os.path.join(root, "food-101")
    os.makedirs(os.path.join(base, "meta"))
    rng = np.random.RandomState(0)
    splits = {"train": {}, "test": {}}
    for ci, name in enumerate(CLASSES):
        os.makedirs(os.path.join(base, "images", name))
        for split, count in (("train", per_class_train), ("test", per_class_test)):
            ids = []
            for k in range(count):
                image_id = f"{100 * ci + 10 * (split == 'test') + k}"
                # Each class has its own tint, so the images differ by class like photos do.
                pixels = rng.randint(0, 64, size=(96, 128, 3)).astype(np.uint8)
                pixels[..., ci] += 160
                Image.fromarray(pixels).save(os.path.join(base, "images", name, f"{image_id}.jpg"), quality=90)
                ids.append(f"{name}/{image_id}")
            splits[split][name] = ids
    for split, content in splits.items():
        with open(os.path.join(base, "meta", f"{split}.json"), "w") as f:
            json.dump(content, f)
        with open(os.path.join(base, "meta", f"{split}.txt"), "w") as f:
            f.write("".join(f"{i}\n" for ids in content.values() for i in ids))
    with open(os.path.join(base, "meta", "classes.txt"), "w") as f:
        f.write("".join(f"{c}\n" for c in CLASSES))


def run(script: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, script, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


class FinetuneSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data")
        make_tiny_food101(cls.data)
        cls.ckpt = os.path.join(cls.tmp.name, "food101_atto.pth")
        cls.proc = run(FINETUNE, "--data", cls.data, "--arch", "convnext_atto", "--weights", "none", "--epochs", "1",
                       "--max-steps", "1", "--batch-size", "4", "--workers", "0", "--device", "cpu", "--seed", "7",
                       "--out", cls.ckpt)
        cls.out = os.path.join(cls.tmp.name, "export")
        cls.export = run(EXPORT, "--arch", "convnext_atto", "--checkpoint", cls.ckpt, "--labels", FOOD101,
                         "--out", cls.out, "--reference-dir", os.path.join(cls.tmp.name, "ref"), "--no-golden")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_one_training_step_and_a_checkpoint(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-3000:])
        for n in range(1, 6):
            self.assertIn(f"[{n}/5]", self.proc.stdout)
        self.assertIn("train 6 images, test 3 images", self.proc.stdout)
        self.assertRegex(self.proc.stdout, r"epoch 1 step 1/1  loss \d+\.\d+")
        self.assertRegex(self.proc.stdout, r"test top-1 \d+\.\d%")
        ckpt = torch.load(self.ckpt, map_location="cpu")
        self.assertEqual((ckpt["epoch"], ckpt["steps"], ckpt["arch"]), (1, 1, "convnext_atto"))
        self.assertEqual(len(ckpt["labels"]), 101)
        self.assertEqual(tuple(ckpt["model"]["classifier.2.weight"].shape), (101, 320))

    def test_the_step_changed_the_weights(self):
        """Same seed, same torchvision init: only the training step can make them differ."""
        torch.manual_seed(7)
        untouched = cm.build_model("convnext_atto", 101).state_dict()
        trained = torch.load(self.ckpt, map_location="cpu")["model"]
        self.assertEqual(set(trained), set(untouched))
        changed = [k for k in untouched if untouched[k].is_floating_point() and not torch.equal(untouched[k], trained[k])]
        self.assertIn("classifier.2.weight", changed)
        self.assertIn("features.0.0.weight", changed)

    def test_checkpoint_exports_with_the_food_labels(self):
        self.assertEqual(self.export.returncode, 0, self.export.stderr[-3000:])
        with open(os.path.join(self.out, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        with open(FOOD101, encoding="utf-8") as f:
            food = [line.strip() for line in f if line.strip()]
        self.assertEqual(manifest["labels"], food)
        self.assertEqual(manifest["taps"][-1]["name"], "logits")
        self.assertEqual(manifest["taps"][-1]["shape"], [101])
        self.assertEqual(manifest["weights"]["source"], "checkpoint")
        self.assertTrue(manifest["trained"])


class FinetuneErrorTest(unittest.TestCase):
    def test_missing_dataset_says_how_to_get_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = run(FINETUNE, "--data", tmp, "--arch", "convnext_atto", "--weights", "none", "--device", "cpu",
                    "--out", os.path.join(tmp, "x.pth"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("Food-101 not found", p.stderr)
        self.assertIn("--download", p.stderr)

    def test_atto_has_no_imagenet_weights(self):
        p = run(FINETUNE, "--data", "x", "--arch", "convnext_atto", "--weights", "imagenet")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no torchvision ImageNet weights", p.stderr)

    def test_unknown_class_is_a_clear_error(self):
        with self.assertRaisesRegex(finetune.FinetuneError, "not in the labels file: tacos_al_pastor"):
            finetune.HeadIndex(["pizza", "tacos_al_pastor"], ["pizza", "sushi"])

    def test_help_documents_every_option(self):
        p = run(FINETUNE, "--help")
        self.assertEqual(p.returncode, 0)
        for action in finetune.build_parser()._actions:
            for opt in action.option_strings:
                self.assertIn(opt, p.stdout)
            self.assertTrue(action.help and len(action.help) > 10, action.option_strings)


class TransformsTest(unittest.TestCase):
    def test_eval_transform_matches_the_app_preprocessing(self):
        tf = finetune.food101_transforms("convnext_tiny")["test"]
        spec = cm.preprocessing_spec("convnext_tiny")
        names = [type(t).__name__ for t in tf.transforms]
        self.assertEqual(names, ["Resize", "CenterCrop", "ToTensor", "Normalize"])
        self.assertEqual(tf.transforms[0].size, spec["resizeSize"])
        self.assertEqual(list(tf.transforms[3].mean), spec["mean"])
        train = [type(t).__name__ for t in finetune.food101_transforms("convnext_tiny")["train"].transforms]
        self.assertEqual(train[:2], ["RandomResizedCrop", "RandomHorizontalFlip"])


if __name__ == "__main__":
    unittest.main()
