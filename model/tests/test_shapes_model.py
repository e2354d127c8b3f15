"""The stem-orientation measure that will tell a trained stem (oriented filters) from an untrained one (noise).

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


if __name__ == "__main__":
    unittest.main()
