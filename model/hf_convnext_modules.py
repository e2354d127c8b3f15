"""transformers' ConvNeXt modules, reproduced for model/hf_convnext.py: the same module names
(convnext.embeddings.patch_embeddings, convnext.encoder.stages.N.layers.M.dwconv, …) and
the same channels-first LayerNorm, so an ONNX export has the Hub's node names and ops.
Written from transformers' documented architecture; no transformers import needed."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn
from torch.nn import functional as F

DEPTHS = [2, 2, 2, 2]
HIDDEN_SIZES = [16, 32, 64, 128]
LAYER_SCALE = 0.5  # large, so each untrained block's contribution is visible


class ConvNextLayerNorm(nn.Module):
    """LayerNorm over channels, for channels_last (N, H, W, C) or channels_first (N, C, H, W) input.
    The channels-first branch is written out op by op, like transformers', so the ONNX graph
    has ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add instead of one LayerNormalization."""

    def __init__(self, normalized_shape: int, eps: float = 1e-6, data_format: str = "channels_last") -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps
        self.data_format = data_format
        self.normalized_shape = (normalized_shape,)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_last":
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class ConvNextEmbeddings(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.patch_embeddings = nn.Conv2d(3, dim, kernel_size=4, stride=4)
        self.layernorm = ConvNextLayerNorm(dim, eps=1e-6, data_format="channels_first")

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.layernorm(self.patch_embeddings(pixel_values))


class ConvNextLayer(nn.Module):
    """One block: depthwise 7x7, channels-last LayerNorm, MLP (4x), layer scale, residual."""

    def __init__(self, dim: int, layer_scale: float) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.layernorm = ConvNextLayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.layer_scale_parameter = nn.Parameter(layer_scale * torch.ones(dim))
        self.drop_path = nn.Identity()

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        x = self.dwconv(hidden_states)
        x = x.permute(0, 2, 3, 1)
        x = self.layernorm(x)
        x = self.pwconv1(x)
        x = self.act(x)
        x = self.pwconv2(x)
        x = self.layer_scale_parameter * x
        x = x.permute(0, 3, 1, 2)
        return hidden_states + self.drop_path(x)


class ConvNextStage(nn.Module):
    def __init__(self, in_dim: int, out_dim: int, stride: int, depth: int, layer_scale: float) -> None:
        super().__init__()
        if in_dim != out_dim or stride > 1:
            self.downsampling_layer: nn.Module = nn.Sequential(
                ConvNextLayerNorm(in_dim, eps=1e-6, data_format="channels_first"),
                nn.Conv2d(in_dim, out_dim, kernel_size=stride, stride=stride),
            )
        else:
            self.downsampling_layer = nn.Identity()
        self.layers = nn.Sequential(*[ConvNextLayer(out_dim, layer_scale) for _ in range(depth)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.downsampling_layer(x))


class ConvNextEncoder(nn.Module):
    def __init__(self, depths: Sequence[int], dims: Sequence[int], layer_scale: float) -> None:
        super().__init__()
        self.stages = nn.ModuleList()
        prev = dims[0]
        for i, (depth, dim) in enumerate(zip(depths, dims)):
            self.stages.append(ConvNextStage(prev, dim, 2 if i > 0 else 1, depth, layer_scale))
            prev = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for stage in self.stages:
            x = stage(x)
        return x


class ConvNextModel(nn.Module):
    def __init__(self, depths: Sequence[int], dims: Sequence[int], layer_scale: float) -> None:
        super().__init__()
        self.embeddings = ConvNextEmbeddings(dims[0])
        self.encoder = ConvNextEncoder(depths, dims, layer_scale)
        self.layernorm = nn.LayerNorm(dims[-1], eps=1e-12)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        last_hidden_state = self.encoder(self.embeddings(pixel_values))
        return self.layernorm(last_hidden_state.mean([-2, -1]))


class ConvNextForImageClassification(nn.Module):
    """Named like transformers' class; forward returns the logits tensor only (ONNX output "logits")."""

    def __init__(self, depths: Sequence[int] = DEPTHS, dims: Sequence[int] = HIDDEN_SIZES, num_labels: int = 1000,
                 layer_scale: float = LAYER_SCALE) -> None:
        super().__init__()
        self.convnext = ConvNextModel(depths, dims, layer_scale)
        self.classifier = nn.Linear(dims[-1], num_labels)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.convnext(pixel_values))
