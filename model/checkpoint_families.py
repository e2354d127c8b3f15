"""PyTorch references for the ConvNeXt families the page builds from checkpoints
(src/checkpoint/): transformers ConvNeXt and ConvNeXt V2, timm convnext / convnextv2 (with
and without conv_mlp), with the upstream module names, so their state dicts have the upstream
keys and forward hooks give each module's output. torchvision's ConvNeXt is used as it is
(torchvision is installed); timm and transformers are not, so their modules are written here
from their sources (timm/models/convnext.py, timm/layers/{mlp,grn,norm,classifier}.py;
transformers/models/convnext{,v2}/modeling_convnext{,v2}.py). model/tests/test_checkpoint_families.py
checks the key lists and shapes against the upstream names.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn
from torch.nn import functional as F


# ---------------------------------------------------------------- transformers

class HFLayerNorm(nn.LayerNorm):
    """transformers' ConvNextLayerNorm: channels_last, or channels_first by permuting around F.layer_norm."""

    def __init__(self, dim: int, eps: float = 1e-6, data_format: str = "channels_last") -> None:
        super().__init__(dim, eps=eps)
        self.data_format = data_format

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first":
            return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return super().forward(x)


class HFEmbeddings(nn.Module):
    def __init__(self, dim: int, patch: int = 4) -> None:
        super().__init__()
        self.patch_embeddings = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.layernorm = HFLayerNorm(dim, eps=1e-6, data_format="channels_first")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layernorm(self.patch_embeddings(x))


class ConvNextV2GRN(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, 1, 1, dim))
        self.bias = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        global_features = torch.linalg.vector_norm(x, ord=2, dim=(1, 2), keepdim=True)
        norm_features = global_features / (global_features.mean(dim=-1, keepdim=True) + 1e-6)
        return self.weight * (x * norm_features) + self.bias + x


class HFLayer(nn.Module):
    """ConvNextLayer (V1: layer_scale_parameter) or ConvNextV2Layer (grn, no layer scale)."""

    def __init__(self, dim: int, v2: bool, layer_scale: float = 1e-6) -> None:
        super().__init__()
        self.v2 = v2
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.layernorm = HFLayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        if v2:
            self.grn = ConvNextV2GRN(4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        if not v2:
            self.layer_scale_parameter = nn.Parameter(layer_scale * torch.ones(dim))
        self.drop_path = nn.Identity()

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        x = self.dwconv(hidden).permute(0, 2, 3, 1)
        x = self.act(self.pwconv1(self.layernorm(x)))
        if self.v2:
            x = self.grn(x)
        x = self.pwconv2(x)
        if not self.v2:
            x = self.layer_scale_parameter * x
        return hidden + self.drop_path(x.permute(0, 3, 1, 2))


class HFStage(nn.Module):
    def __init__(self, in_dim: int, out_dim: int, stride: int, depth: int, v2: bool) -> None:
        super().__init__()
        if in_dim != out_dim or stride > 1:
            self.downsampling_layer = nn.ModuleList([
                HFLayerNorm(in_dim, eps=1e-6, data_format="channels_first"),
                nn.Conv2d(in_dim, out_dim, kernel_size=stride, stride=stride)])
        else:
            self.downsampling_layer = nn.ModuleList()
        self.layers = nn.ModuleList([HFLayer(out_dim, v2) for _ in range(depth)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for m in self.downsampling_layer:
            x = m(x)
        for m in self.layers:
            x = m(x)
        return x


class HFEncoder(nn.Module):
    def __init__(self, depths: Sequence[int], dims: Sequence[int], v2: bool) -> None:
        super().__init__()
        self.stages = nn.ModuleList()
        prev = dims[0]
        for i, (d, c) in enumerate(zip(depths, dims)):
            self.stages.append(HFStage(prev, c, 2 if i > 0 else 1, d, v2))
            prev = c

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for s in self.stages:
            x = s(x)
        return x


class HFConvNextModel(nn.Module):
    """ConvNextModel / ConvNextV2Model: the bare backbone (keys without a prefix)."""

    def __init__(self, depths: Sequence[int], dims: Sequence[int], v2: bool, layer_norm_eps: float = 1e-12) -> None:
        super().__init__()
        self.embeddings = HFEmbeddings(dims[0])
        self.encoder = HFEncoder(depths, dims, v2)
        self.layernorm = nn.LayerNorm(dims[-1], eps=layer_norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layernorm(self.encoder(self.embeddings(x)).mean([-2, -1]))


class HFConvNextForImageClassification(nn.Module):
    """ConvNextForImageClassification (attribute `convnext`) or ConvNextV2ForImageClassification (`convnextv2`)."""

    def __init__(self, depths: Sequence[int], dims: Sequence[int], num_labels: int, v2: bool, layer_norm_eps: float = 1e-12) -> None:
        super().__init__()
        self.base_name = "convnextv2" if v2 else "convnext"
        setattr(self, self.base_name, HFConvNextModel(depths, dims, v2, layer_norm_eps))
        self.classifier = nn.Linear(dims[-1], num_labels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(getattr(self, self.base_name)(x))


# ---------------------------------------------------------------- timm

class TimmLayerNorm2d(nn.LayerNorm):
    """timm.layers.LayerNorm2d: permute, F.layer_norm over channels, permute back (eps 1e-6)."""

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__(dim, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class TimmGRN(nn.Module):
    """timm.layers.GlobalResponseNorm (weight and bias of shape [dim])."""

    def __init__(self, dim: int, channels_last: bool, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.spatial_dim, self.channel_dim, self.wb_shape = ((1, 2), -1, (1, 1, 1, -1)) if channels_last else ((2, 3), 1, (1, -1, 1, 1))
        self.weight = nn.Parameter(torch.zeros(dim))
        self.bias = nn.Parameter(torch.zeros(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_g = x.norm(p=2, dim=self.spatial_dim, keepdim=True)
        x_n = x_g / (x_g.mean(dim=self.channel_dim, keepdim=True) + self.eps)
        return x + torch.addcmul(self.bias.view(self.wb_shape), self.weight.view(self.wb_shape), x * x_n)


class TimmMlp(nn.Module):
    """timm Mlp / GlobalResponseNormMlp: fc1, act, drop1, (norm | grn), fc2, drop2; nn.Linear or 1x1 Conv2d."""

    def __init__(self, dim: int, hidden: int, use_conv: bool, use_grn: bool) -> None:
        super().__init__()
        linear = (lambda i, o: nn.Conv2d(i, o, kernel_size=1)) if use_conv else nn.Linear
        self.fc1 = linear(dim, hidden)
        self.act = nn.GELU()
        self.drop1 = nn.Dropout(0.0)
        if use_grn:
            self.grn = TimmGRN(hidden, channels_last=not use_conv)
        else:
            self.norm = nn.Identity()
        self.fc2 = linear(hidden, dim)
        self.drop2 = nn.Dropout(0.0)
        self.use_grn = use_grn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.drop1(self.act(self.fc1(x)))
        x = self.grn(x) if self.use_grn else self.norm(x)
        return self.drop2(self.fc2(x))


class TimmBlock(nn.Module):
    def __init__(self, dim: int, conv_mlp: bool, use_grn: bool, ls_init_value: Optional[float]) -> None:
        super().__init__()
        self.use_conv_mlp = conv_mlp
        self.conv_dw = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = TimmLayerNorm2d(dim) if conv_mlp else nn.LayerNorm(dim, eps=1e-6)
        self.mlp = TimmMlp(dim, 4 * dim, conv_mlp, use_grn)
        self.gamma = nn.Parameter(ls_init_value * torch.ones(dim)) if ls_init_value is not None else None
        self.shortcut = nn.Identity()
        self.drop_path = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv_dw(x)
        if self.use_conv_mlp:
            x = self.mlp(self.norm(x))
        else:
            x = self.mlp(self.norm(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        if self.gamma is not None:
            x = x.mul(self.gamma.reshape(1, -1, 1, 1))
        return self.drop_path(x) + self.shortcut(shortcut)


class TimmStage(nn.Module):
    def __init__(self, in_chs: int, out_chs: int, stride: int, depth: int, **block) -> None:
        super().__init__()
        if in_chs != out_chs or stride > 1:
            self.downsample = nn.Sequential(TimmLayerNorm2d(in_chs), nn.Conv2d(in_chs, out_chs, kernel_size=2, stride=2))
        else:
            self.downsample = nn.Identity()
        self.blocks = nn.Sequential(*[TimmBlock(out_chs, **block) for _ in range(depth)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(self.downsample(x))


class SelectAdaptivePool2d(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.flatten(self.pool(x))


class NormMlpClassifierHead(nn.Module):
    def __init__(self, dim: int, num_classes: int) -> None:
        super().__init__()
        self.global_pool = SelectAdaptivePool2d()
        self.norm = TimmLayerNorm2d(dim)
        self.flatten = nn.Flatten(1)
        self.pre_logits = nn.Identity()
        self.drop = nn.Dropout(0.0)
        self.fc = nn.Linear(dim, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.flatten(self.norm(self.global_pool(x)))
        return self.fc(self.drop(self.pre_logits(x)))


class TimmConvNeXt(nn.Module):
    """timm.models.convnext.ConvNeXt with stem_type 'patch' and the default (pool -> norm -> fc) head."""

    def __init__(self, depths: Sequence[int], dims: Sequence[int], num_classes: int, conv_mlp: bool = False,
                 use_grn: bool = False, ls_init_value: Optional[float] = 1e-6) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, dims[0], kernel_size=4, stride=4), TimmLayerNorm2d(dims[0]))
        prev = dims[0]
        stages = []
        for i, (d, c) in enumerate(zip(depths, dims)):
            stages.append(TimmStage(prev, c, 2 if i > 0 else 1, d, conv_mlp=conv_mlp, use_grn=use_grn, ls_init_value=ls_init_value))
            prev = c
        self.stages = nn.Sequential(*stages)
        self.norm_pre = nn.Identity()
        self.head = NormMlpClassifierHead(prev, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm_pre(self.stages(self.stem(x))))
