"""The PyTorch references of model/checkpoint_families.py against the upstream key lists and shapes.

The expected names below are transcribed from the upstream sources (timm/models/convnext.py with
timm/layers/{mlp,grn,classifier}.py; transformers' modeling_convnext.py and modeling_convnextv2.py),
not generated from the references, so a renamed module or a wrong shape in them fails here.
torchvision's ConvNeXt is upstream itself: the test checks that make_checkpoints.py builds it with
the tutorial's names (features.5.26.block.0 on a Small shape).
"""
from __future__ import annotations

import os
import sys
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import checkpoint_families as fam  # noqa: E402
import make_checkpoints as mk  # noqa: E402


def shapes(model):
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def timm_expected(depths, dims, classes, conv_mlp, grn):
    """timm ConvNeXt(stem_type='patch'): stem.0/1, stages.S.downsample.0/1, blocks.B.{conv_dw, norm, mlp.fc1, mlp.grn, mlp.fc2, gamma}, head.norm/fc."""
    e = {"stem.0.weight": [dims[0], 3, 4, 4], "stem.0.bias": [dims[0]], "stem.1.weight": [dims[0]], "stem.1.bias": [dims[0]]}
    for s, (d, c) in enumerate(zip(depths, dims)):
        if s > 0:
            e.update({f"stages.{s}.downsample.0.weight": [dims[s - 1]], f"stages.{s}.downsample.0.bias": [dims[s - 1]],
                      f"stages.{s}.downsample.1.weight": [c, dims[s - 1], 2, 2], f"stages.{s}.downsample.1.bias": [c]})
        for b in range(d):
            p = f"stages.{s}.blocks.{b}"
            pw = [1, 1] if conv_mlp else []
            e.update({f"{p}.conv_dw.weight": [c, 1, 7, 7], f"{p}.conv_dw.bias": [c], f"{p}.norm.weight": [c], f"{p}.norm.bias": [c],
                      f"{p}.mlp.fc1.weight": [4 * c, c] + pw, f"{p}.mlp.fc1.bias": [4 * c],
                      f"{p}.mlp.fc2.weight": [c, 4 * c] + pw, f"{p}.mlp.fc2.bias": [c]})
            if grn:
                e.update({f"{p}.mlp.grn.weight": [4 * c], f"{p}.mlp.grn.bias": [4 * c]})
            else:
                e[f"{p}.gamma"] = [c]
    e.update({"head.norm.weight": [dims[-1]], "head.norm.bias": [dims[-1]], "head.fc.weight": [classes, dims[-1]], "head.fc.bias": [classes]})
    return e


def hf_expected(depths, dims, classes, v2, prefix):
    """transformers ConvNext(V2)ForImageClassification / ConvNext(V2)Model."""
    e = {f"{prefix}embeddings.patch_embeddings.weight": [dims[0], 3, 4, 4], f"{prefix}embeddings.patch_embeddings.bias": [dims[0]],
         f"{prefix}embeddings.layernorm.weight": [dims[0]], f"{prefix}embeddings.layernorm.bias": [dims[0]]}
    for s, (d, c) in enumerate(zip(depths, dims)):
        st = f"{prefix}encoder.stages.{s}"
        if s > 0:
            e.update({f"{st}.downsampling_layer.0.weight": [dims[s - 1]], f"{st}.downsampling_layer.0.bias": [dims[s - 1]],
                      f"{st}.downsampling_layer.1.weight": [c, dims[s - 1], 2, 2], f"{st}.downsampling_layer.1.bias": [c]})
        for b in range(d):
            p = f"{st}.layers.{b}"
            e.update({f"{p}.dwconv.weight": [c, 1, 7, 7], f"{p}.dwconv.bias": [c], f"{p}.layernorm.weight": [c], f"{p}.layernorm.bias": [c],
                      f"{p}.pwconv1.weight": [4 * c, c], f"{p}.pwconv1.bias": [4 * c], f"{p}.pwconv2.weight": [c, 4 * c], f"{p}.pwconv2.bias": [c]})
            if v2:
                e.update({f"{p}.grn.weight": [1, 1, 1, 4 * c], f"{p}.grn.bias": [1, 1, 1, 4 * c]})
            else:
                e[f"{p}.layer_scale_parameter"] = [c]
    e.update({f"{prefix}layernorm.weight": [dims[-1]], f"{prefix}layernorm.bias": [dims[-1]]})
    if classes:
        e.update({"classifier.weight": [classes, dims[-1]], "classifier.bias": [classes]})
    return e


class UpstreamKeysTest(unittest.TestCase):
    def test_timm_convnext_atto(self):
        m = fam.TimmConvNeXt([2, 2, 6, 2], [40, 80, 160, 320], 1000, conv_mlp=True)
        self.assertEqual(shapes(m), timm_expected([2, 2, 6, 2], [40, 80, 160, 320], 1000, True, False))
        self.assertEqual(len(m.state_dict()), 128)  # 4 stem + 12 blocks x 9 + 3 downsamples x 4 + 4 head

    def test_timm_convnextv2_channels_last_and_conv_mlp(self):
        for conv_mlp in (False, True):
            m = fam.TimmConvNeXt([1, 1, 2, 1], [8, 16, 32, 48], 6, conv_mlp=conv_mlp, use_grn=True, ls_init_value=None)
            self.assertEqual(shapes(m), timm_expected([1, 1, 2, 1], [8, 16, 32, 48], 6, conv_mlp, True))

    def test_transformers_v1_v2_and_bare_backbone(self):
        d, w = [1, 2, 2, 1], [8, 16, 32, 48]
        self.assertEqual(shapes(fam.HFConvNextForImageClassification(d, w, 10, v2=False)), hf_expected(d, w, 10, False, "convnext."))
        self.assertEqual(shapes(fam.HFConvNextForImageClassification(d, w, 10, v2=True)), hf_expected(d, w, 10, True, "convnextv2."))
        self.assertEqual(shapes(fam.HFConvNextModel(d, w, v2=False)), hf_expected(d, w, 0, False, ""))

    def test_torchvision_small_shape_has_the_tutorial_names(self):
        m = mk.tv_model([3, 3, 27, 3], [8, 16, 24, 32], 101)
        keys = shapes(m)
        for k in ("features.0.0.weight", "features.3.0.block.0.weight", "features.5.26.block.0.weight", "features.7.2.block.0.weight"):
            self.assertIn(k, keys)
        self.assertEqual(keys["features.5.26.layer_scale"], [24, 1, 1])
        self.assertEqual(keys["classifier.2.weight"], [101, 32])
        modules = dict(m.named_modules())
        self.assertEqual(type(modules["features.5.26.block.4"]).__name__, "GELU")

    def test_tap_lists_name_real_modules(self):
        for name, build, _dtype, _file, taps, _cfg, _pre in mk.cases():
            if name == "timm-atto":
                continue  # same module layout as timm-v2-convmlp, larger
            modules = dict(build().named_modules())
            missing = [t for t, _ in taps if t not in modules]
            self.assertEqual(missing, [], name)


if __name__ == "__main__":
    unittest.main()
