"""Tests for model/shapes.py (the drawn-shapes generator) and a tiny run of
model/train_shapes.py (a few steps on small pictures: the loss goes down).

Run from the repo root:  /usr/bin/python3 -m unittest model.tests.test_shapes -v   (~40 s)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import shapes  # noqa: E402


class GeneratorTest(unittest.TestCase):
    def test_labels_in_order(self):
        self.assertEqual(shapes.LABELS, ("circle", "square", "triangle", "star", "cross", "ring", "hexagon", "crescent"))

    def test_deterministic_per_seed_and_index(self):
        a, la = shapes.render_batch(5, 0, 16, 64)
        b, lb = shapes.render_batch(5, 0, 16, 64)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(la, lb)
        # picture i does not depend on which slice it was drawn in
        c, _ = shapes.render_batch(5, 8, 8, 64)
        np.testing.assert_array_equal(a[8:], c)
        d, _ = shapes.render_batch(6, 0, 16, 64)
        self.assertFalse(np.array_equal(a, d))

    def test_every_label_in_each_block_of_eight(self):
        _, labels = shapes.render_batch(1, 0, 24, 32)
        for k in range(0, 24, 8):
            self.assertEqual(sorted(labels[k:k + 8].tolist()), list(range(8)))

    def test_size_range_and_fully_inside(self):
        size = 128
        for i in range(200):
            _, label, g = shapes.render(3, i, size)
            diameter = 2 * g["r"] / size
            self.assertGreaterEqual(diameter, shapes.SIZE_RANGE[0] - 1e-9)
            self.assertLessEqual(diameter, shapes.SIZE_RANGE[1] + 1e-9)
            # the circumscribed circle (which holds every shape) stays inside with the margin
            lo = g["r"] + shapes.MARGIN * size - 1e-6
            self.assertTrue(lo <= g["cx"] <= size - lo and lo <= g["cy"] <= size - lo, (i, label, g))

    def test_shape_pixels_lie_inside_the_circumscribed_circle(self):
        """Every SDF, evaluated densely, covers pixels only within r (+1 px anti-aliasing) and covers a real area."""
        n = 201
        c = np.arange(n, dtype=np.float32) - n // 2
        xx, yy = np.meshgrid(c, c)
        rng = np.random.default_rng(0)
        r = 60.0
        for label in range(shapes.NUM_CLASSES):
            d = shapes.shape_sdf(label, xx, yy, r, rng)
            cover = np.clip(0.5 - d, 0, 1)
            dist = np.sqrt(xx ** 2 + yy ** 2)
            self.assertEqual(float(cover[dist > r + 1.0].max(initial=0.0)), 0.0, shapes.LABELS[label])
            area = float(cover.sum()) / (np.pi * r * r)
            self.assertGreater(area, 0.15, shapes.LABELS[label])
            # the shape reaches its circumscribed circle (so size means the same for all classes)
            self.assertGreater(float(dist[cover > 0.5].max()), r - 2.0, shapes.LABELS[label])

    def test_shapes_differ_from_each_other(self):
        n = 121
        c = np.arange(n, dtype=np.float32) - n // 2
        xx, yy = np.meshgrid(c, c)
        masks = [np.clip(0.5 - shapes.shape_sdf(k, xx, yy, 50.0, np.random.default_rng(1)), 0, 1) for k in range(8)]
        for i in range(8):
            for j in range(i + 1, 8):
                iou = np.minimum(masks[i], masks[j]).sum() / np.maximum(masks[i], masks[j]).sum()
                self.assertLess(iou, 0.9, (shapes.LABELS[i], shapes.LABELS[j]))

    def test_anti_aliased_edges(self):
        img, _, _ = shapes.render(2, 0, 128)
        self.assertEqual(img.dtype, np.uint8)
        self.assertEqual(img.shape, (128, 128, 3))

    def test_cli_writes_raw_pictures(self):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, os.path.join(MODEL_DIR, "shapes.py"), "--seed", "4", "--count", "8",
                            "--size", "48", "--out", tmp], check=True, capture_output=True)
            raw = np.fromfile(os.path.join(tmp, "images.u8"), dtype=np.uint8)
            with open(os.path.join(tmp, "labels.json")) as f:
                meta = json.load(f)
            self.assertEqual(raw.size, 8 * 48 * 48 * 3)
            self.assertEqual(meta["targets"], list(range(8)))
            self.assertEqual(meta["labels"], list(shapes.LABELS))
            imgs, _ = shapes.render_batch(4, 0, 8, 48)
            np.testing.assert_array_equal(raw.reshape(8, 48, 48, 3), imgs)

    def test_speed_reported(self):
        """Not a timing assertion: prints pictures per second for the log."""
        t = time.perf_counter()
        shapes.render_batch(9, 0, 64, 128)
        dt = time.perf_counter() - t
        print(f"\n  shapes.py: {64 / dt:.0f} pictures/s at 128 px on this machine", file=sys.stderr)


class TinyTrainingTest(unittest.TestCase):
    def test_loss_goes_down(self):
        import torch
        import train_shapes
        with tempfile.TemporaryDirectory() as tmp:
            args = train_shapes.build_parser().parse_args([
                "--out", tmp, "--steps", "30", "--batch", "16", "--schedule", "32:1", "--lr", "3e-3",
                "--warmup", "5", "--eval-count", "16", "--epoch-steps", "30", "--log-every", "30",
                "--workers", "0", "--layer-scale", "0.1", "--cpu", "--threads", "1",
            ])
            torch.manual_seed(0)
            rec = train_shapes.train(args)
            self.assertTrue(os.path.exists(os.path.join(tmp, "checkpoint.pt")))
            self.assertTrue(os.path.exists(os.path.join(tmp, "shapes-atto.pt")))
            with open(os.path.join(tmp, "train-record.json")) as f:
                saved = json.load(f)
            self.assertEqual(saved["seed"], 0)
            self.assertEqual(saved["torch"], torch.__version__)
            losses = rec["losses"]
            first, last = np.mean(losses[:8]), np.mean(losses[-8:])
            self.assertLess(last, first - 0.1, f"loss {first:.3f} -> {last:.3f}")

    def test_stop_after_ends_a_stage_and_the_next_continues_from_it(self):
        import torch
        import train_shapes
        with tempfile.TemporaryDirectory() as tmp:
            first = os.path.join(tmp, "first")
            base = ["--batch", "8", "--schedule", "32:1", "--eval-count", "8", "--epoch-steps", "100",
                    "--log-every", "100", "--workers", "0", "--cpu", "--threads", "1", "--warmup", "2"]
            rec = train_shapes.train(train_shapes.build_parser().parse_args(
                ["--out", first, "--steps", "20", "--stop-after", "6", *base]))
            self.assertEqual(len(rec["losses"]), 6)
            self.assertEqual(rec["stoppedAfter"], 6)
            self.assertEqual(rec["steps"], 20)
            rec2 = train_shapes.train(train_shapes.build_parser().parse_args(
                ["--out", os.path.join(tmp, "second"), "--init", os.path.join(first, "shapes-atto.pt"),
                 "--seed", "1", "--steps", "3", *base]))
            self.assertEqual(rec2["previous"]["stoppedAfter"], 6)
            self.assertEqual(len(rec2["losses"]), 3)

    def test_the_same_command_gives_the_same_weights(self):
        """Reproducibility (issue 17): the recipe's own settings (a data-loader process, 2 torch
        threads, the stem on SGD) run twice give bit-identical weights, so the same accuracy."""
        import torch
        import train_shapes
        with tempfile.TemporaryDirectory() as tmp:
            runs = []
            for name, seed in (("a", "3"), ("b", "3"), ("other-seed", "4")):
                out = os.path.join(tmp, name)
                train_shapes.train(train_shapes.build_parser().parse_args([
                    "--out", out, "--seed", seed, "--steps", "6", "--batch", "8", "--schedule", "32:0.5,48:0.5",
                    "--eval-count", "8", "--epoch-steps", "3", "--log-every", "6", "--workers", "1", "--cpu",
                    "--threads", "2", "--warmup", "2", "--init-style", "kaiming", "--layer-scale", "0.5",
                    "--stem-sgd", "0.005", "--curriculum", "0.3"]))
                runs.append(torch.load(os.path.join(out, "shapes-atto.pt"), map_location="cpu"))
            a, b, other = runs
            self.assertEqual(sorted(a), sorted(b))
            for k in a:
                self.assertTrue(torch.equal(a[k], b[k]), k)
            # Not equal by accident (nothing trained): another seed draws other pictures.
            self.assertFalse(all(torch.equal(a[k], other[k]) for k in a))

    def test_freeze_stem_keeps_the_stem_filters_and_trains_the_rest(self):
        import torch
        import train_shapes
        with tempfile.TemporaryDirectory() as tmp:
            base = ["--batch", "8", "--schedule", "32:1", "--eval-count", "8", "--epoch-steps", "100",
                    "--log-every", "100", "--workers", "0", "--cpu", "--threads", "1", "--warmup", "1"]
            first = os.path.join(tmp, "first")
            train_shapes.train(train_shapes.build_parser().parse_args(["--out", first, "--steps", "2", *base]))
            start = torch.load(os.path.join(first, "shapes-atto.pt"), map_location="cpu")
            second = os.path.join(tmp, "second")
            train_shapes.train(train_shapes.build_parser().parse_args(
                ["--out", second, "--init", os.path.join(first, "shapes-atto.pt"), "--steps", "3", "--freeze-stem", *base]))
            end = torch.load(os.path.join(second, "shapes-atto.pt"), map_location="cpu")
        self.assertTrue(torch.equal(start["features.0.0.weight"], end["features.0.0.weight"]))
        self.assertFalse(torch.equal(start["features.1.0.block.0.weight"], end["features.1.0.block.0.weight"]))

    def test_rescaling_the_stem_keeps_the_function_and_epochs_record_its_orientation(self):
        import torch
        import train_shapes
        model = train_shapes.build(0, 0.5, "kaiming").eval()
        x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            before = model(x)
            train_shapes.rescale_stem(model, 0.05)
            after = model(x)
        self.assertLess(float((after - before).abs().max()), 1e-3 * float(before.abs().max()))
        with tempfile.TemporaryDirectory() as tmp:
            rec = train_shapes.train(train_shapes.build_parser().parse_args([
                "--out", tmp, "--steps", "4", "--batch", "8", "--schedule", "32:1", "--eval-count", "8",
                "--epoch-steps", "2", "--log-every", "4", "--workers", "0", "--cpu", "--threads", "1",
                "--warmup", "1", "--stem-rescale", "0.05", "--stem-weight-decay", "1.0"]))
        orient = [h["stemOrientation"] for h in rec["history"]]
        self.assertEqual(len(orient), 2)
        self.assertTrue(all(0.25 <= o <= 1.0 for o in orient), orient)


if __name__ == "__main__":
    unittest.main()
