"""Tests for model/hf_convnext.py (the Hub-style ConvNeXt the Hub e2e tests serve)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(REPO, "model")
if MODEL_DIR not in sys.path:
    sys.path.insert(0, MODEL_DIR)

import hf_convnext as hf  # noqa: E402

SCRIPT = os.path.join(MODEL_DIR, "hf_convnext.py")


class HubConvNextTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name
        r = subprocess.run([sys.executable, SCRIPT, "--out", cls.out, "--id", "test-owner/tiny-convnext"],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise AssertionError(r.stderr)
        cls.repo = os.path.join(cls.out, "test-owner", "tiny-convnext")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_module_names_match_transformers(self) -> None:
        names = {n for n, _ in hf.build_model().named_modules()}
        for expected in [
            "convnext.embeddings.patch_embeddings", "convnext.embeddings.layernorm",
            "convnext.encoder.stages.0.layers.0.dwconv", "convnext.encoder.stages.0.layers.1.pwconv2",
            "convnext.encoder.stages.1.downsampling_layer", "convnext.encoder.stages.1.downsampling_layer.0",
            "convnext.encoder.stages.3.layers.1.layernorm", "convnext.encoder.stages.2.layers.0.act",
            "convnext.layernorm", "classifier",
        ]:
            self.assertIn(expected, names)
        params = dict(hf.build_model().named_parameters())
        self.assertIn("convnext.encoder.stages.2.layers.1.layer_scale_parameter", params)

    def test_channels_first_layernorm_equals_layer_norm_over_channels(self) -> None:
        torch.manual_seed(3)
        ln = hf.ConvNextLayerNorm(6, data_format="channels_first")
        torch.nn.init.normal_(ln.weight)
        torch.nn.init.normal_(ln.bias)
        x = torch.randn(2, 6, 5, 4)
        ref = torch.nn.functional.layer_norm(x.permute(0, 2, 3, 1), (6,), ln.weight, ln.bias, 1e-6).permute(0, 3, 1, 2)
        self.assertTrue(torch.allclose(ln(x), ref, atol=1e-5))

    def test_onnx_graph_is_an_optimum_style_export(self) -> None:
        m = onnx.load(os.path.join(self.repo, "onnx", "model.onnx"))
        onnx.checker.check_model(m)
        self.assertEqual([i.name for i in m.graph.input], ["pixel_values"])
        self.assertEqual([o.name for o in m.graph.output], ["logits"])
        self.assertEqual(next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), 17)
        dims = [d.dim_param for d in m.graph.input[0].type.tensor_type.shape.dim]
        self.assertEqual(dims, ["batch_size", "num_channels", "height", "width"])
        names = [n.name for n in m.graph.node]
        self.assertIn("/convnext/embeddings/patch_embeddings/Conv", names)
        self.assertIn("/convnext/encoder/stages.1/layers/layers.0/dwconv/Conv", names)
        self.assertIn("/convnext/encoder/stages.1/downsampling_layer/downsampling_layer.1/Conv", names)
        ops = {n.op_type for n in m.graph.node if n.name.startswith("/convnext/embeddings/layernorm/")}
        self.assertTrue({"ReduceMean", "Sub", "Pow", "Sqrt", "Div", "Mul", "Add"} <= ops, ops)

    def test_fp16_graph_keeps_float32_io_and_stores_float16(self) -> None:
        m = onnx.load(os.path.join(self.repo, "onnx", "model_fp16.onnx"))
        onnx.checker.check_model(m)
        self.assertEqual(m.graph.input[0].type.tensor_type.elem_type, TensorProto.FLOAT)
        self.assertEqual(m.graph.output[0].type.tensor_type.elem_type, TensorProto.FLOAT)
        self.assertEqual({i.data_type for i in m.graph.initializer if i.data_type in (TensorProto.FLOAT, TensorProto.FLOAT16)},
                         {TensorProto.FLOAT16})
        self.assertEqual(m.graph.node[0].op_type, "Cast")
        self.assertEqual(m.graph.node[-1].op_type, "Cast")
        fp32 = os.path.getsize(os.path.join(self.repo, "onnx", "model.onnx"))
        self.assertLess(os.path.getsize(os.path.join(self.repo, "onnx", "model_fp16.onnx")), 0.6 * fp32)

    def test_quantized_graph_stores_int8_weights_dequantized_per_channel(self) -> None:
        import onnx_int8
        path = os.path.join(self.repo, "onnx", "model_quantized.onnx")
        m = onnx.load(path)
        onnx.checker.check_model(m)
        fp32 = onnx.load(os.path.join(self.repo, "onnx", "model.onnx"))
        convs = [n for n in fp32.graph.node if n.op_type == "Conv"]
        deq = [n for n in m.graph.node if n.op_type == "DequantizeLinear"]
        self.assertGreaterEqual(len(deq), len(convs))  # every Conv weight (and the head's) is int8
        inits = {i.name: i for i in m.graph.initializer}
        for n in deq:
            self.assertEqual(inits[n.input[0]].data_type, TensorProto.INT8)
        self.assertLess(os.path.getsize(path), 0.35 * os.path.getsize(os.path.join(self.repo, "onnx", "model.onnx")))
        # the rounding itself: within half a step of every weight, per output channel
        w = np.random.default_rng(0).normal(size=(8, 3, 4, 4)).astype(np.float32)
        q, scale = onnx_int8.quantize_weights(w, 0)
        self.assertTrue(np.all(np.abs(q.astype(np.float32) * scale[:, None, None, None] - w) <= scale[:, None, None, None] / 2 + 1e-7))

    def test_config_and_preprocessor_config(self) -> None:
        with open(os.path.join(self.repo, "config.json")) as f:
            config = json.load(f)
        self.assertEqual(len(config["id2label"]), 1000)
        self.assertEqual(config["id2label"]["0"], "tench")
        self.assertEqual(config["architectures"], ["ConvNextForImageClassification"])
        with open(os.path.join(self.repo, "preprocessor_config.json")) as f:
            pre = json.load(f)
        self.assertEqual(pre["resample"], 3)
        self.assertEqual(pre["crop_pct"], 0.875)
        self.assertEqual(pre["size"], {"shortest_edge": 224})
        self.assertEqual(pre["image_processor_type"], "ConvNextImageProcessor")

    def test_transformers_preprocessing_steps(self) -> None:
        x = hf.transformers_preprocess(hf.PHOTO)
        self.assertEqual(x.shape, (1, 3, 224, 224))
        self.assertEqual(x.dtype, np.float32)
        # Undo the normalisation: the crop must be PIL's bicubic resize to a 256 shorter side, cut at floor offsets.
        with Image.open(hf.PHOTO) as im:
            img = im.convert("RGB")
        w, h = img.size
        ow, oh = (256, int(256 * h / w)) if w <= h else (int(256 * w / h), 256)
        resized = np.asarray(img.resize((ow, oh), Image.BICUBIC))
        top, left = (oh - 224) // 2, (ow - 224) // 2
        crop = resized[top:top + 224, left:left + 224].astype(np.float32)
        back = (x[0].transpose(1, 2, 0) * np.array(hf.IMAGENET_STD, np.float32) + np.array(hf.IMAGENET_MEAN, np.float32)) * 255
        self.assertLess(float(np.abs(back - crop).max()), 1e-3)

    def test_reference_covers_stages_and_is_reproducible(self) -> None:
        path = os.path.join(self.out, "test-owner", "tiny-convnext.reference.json")
        with open(path) as f:
            ref = json.load(f)
        self.assertEqual([t["module"] for t in ref["taps"]], hf.REFERENCE_MODULES)
        taps = {t["module"]: t["tap"] for t in ref["taps"]}
        self.assertEqual(taps["convnext.encoder.stages.0"], "convnext.encoder.stages.0.layers.1")
        self.assertEqual(taps["convnext.embeddings"], "convnext.embeddings.layernorm")
        self.assertEqual(taps["convnext.encoder.stages.1.downsampling_layer"], "convnext.encoder.stages.1.downsampling_layer.1")
        self.assertEqual(taps["convnext.encoder.stages.3.layers.0.dwconv"], "convnext.encoder.stages.3.layers.0.dwconv")
        shapes = {t["module"]: t["shape"] for t in ref["taps"]}
        self.assertEqual(shapes["convnext.encoder.stages.0"], [16, 56, 56])
        self.assertEqual(shapes["convnext.encoder.stages.3"], [128, 7, 7])
        self.assertEqual(ref["logits"]["shape"], [1000])
        for t in ref["taps"]:
            self.assertGreater(t["std"], 1e-3, t["module"])  # visibly non-zero activations
        model = hf.build_model()
        again = hf.reference(model, hf.transformers_preprocess(hf.PHOTO), hf.REFERENCE_MODULES)
        scale = max(abs(v) for v in ref["logits"]["samples"]["values"])
        for i, v in zip(ref["logits"]["samples"]["indices"], ref["logits"]["samples"]["values"]):
            self.assertLessEqual(abs(float(again["logits"][i]) - v), 1e-5 * scale, i)


if __name__ == "__main__":
    unittest.main()
