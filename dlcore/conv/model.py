"""A small CNN for the 8x8 UCI digits: learned filters, feature maps, class probabilities.

Lecture: "Pooling for Classification", "Multi-channel Convolution" (each second-layer kernel sums
over the 8 first-layer maps), "Parameter Sharing". Architecture, LeNet-like and tiny:
conv 3x3 (1 -> 8, same) -> ReLU -> conv 3x3 (8 -> 16, same) -> ReLU -> max-pool 2 -> linear
256 -> 10. The shipped weights are made by ``python -m dlcore.pretrain conv``.
Used by ``pages/convolution.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlcore.conv.images import to_gray
from dlcore.device import get_device, to_numpy

CHECKPOINT = Path(__file__).resolve().parents[2] / "assets" / "conv" / "digits_cnn.pt"


class DigitsCNN(nn.Module):
    def __init__(self, c1: int = 8, c2: int = 16) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.fc = nn.Linear(c2 * 4 * 4, 10)

    def stages(self, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        """Every intermediate map, named, for x (B, 1, 8, 8)."""
        a1 = F.relu(self.conv1(x))  # (B, 8, 8, 8)
        a2 = F.relu(self.conv2(a1))  # (B, 16, 8, 8)
        p = F.max_pool2d(a2, 2)  # (B, 16, 4, 4)
        logits = self.fc(p.flatten(1))  # (B, 10)
        return [
            ("input", x),
            ("conv1 + ReLU", a1),
            ("conv2 + ReLU", a2),
            ("max-pool 2x2", p),
            ("logits", logits),
        ]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stages(x)[-1][1]


def _blank(device: torch.device | None = None) -> DigitsCNN:
    """A DigitsCNN whose weights are not initialised: built on the meta device, so PyTorch's
    default init draws nothing from the process's global generator."""
    with torch.device("meta"):
        model = DigitsCNN()
    return model.to_empty(device=device or get_device())


@torch.no_grad()
def new_model(seed: int, device: torch.device | None = None) -> DigitsCNN:
    """A fresh CNN with PyTorch's default init (every weight and bias of a layer uniform in
    +-1/sqrt(fan_in), what ``kaiming_uniform_(a=sqrt(5))`` and the bias rule give), drawn from
    a generator of its own: the same ``seed`` gives the same weights whatever else the process
    does. (``torch.manual_seed`` here reset the generator every page and session shares, and
    a draw by another thread in between changed the weights.)"""
    gen = torch.Generator().manual_seed(int(seed))
    model = _blank(device)
    for layer in (model.conv1, model.conv2, model.fc):
        bound = 1.0 / math.sqrt(layer.weight[0].numel())  # fan_in = in_channels x kh x kw
        for prm in (layer.weight, layer.bias):
            prm.copy_(torch.rand(prm.shape, generator=gen) * (2 * bound) - bound)
    return model


def load_state(path: Path | str = CHECKPOINT, device: torch.device | None = None) -> DigitsCNN:
    """A model with the weights in ``path`` (a state dict saved by the pretrain script)."""
    model = _blank(device)
    state = torch.load(path, map_location=device or get_device(), weights_only=True)
    model.load_state_dict(state)
    return model


@lru_cache(maxsize=1)
def pretrained() -> DigitsCNN:
    """The shipped model, loaded once per process, read-only (eval mode, no gradients)."""
    model = load_state(CHECKPOINT).eval()
    for prm in model.parameters():
        prm.requires_grad_(False)
    return model


@dataclass(frozen=True)
class LayerMaps:
    name: str
    maps: np.ndarray  # (C, H, W) activations


@dataclass(frozen=True)
class CnnView:
    layers: tuple[LayerMaps, ...]  # input, conv1, conv2, pool
    probs: np.ndarray  # (10,) softmax of the logits
    pred: int


@torch.no_grad()
def analyze(model: DigitsCNN, digit: np.ndarray) -> CnnView:
    """Feature maps at every layer and class probabilities for one (8, 8) digit in [0, 1]."""
    dev = next(model.parameters()).device
    x = torch.as_tensor(np.asarray(digit, dtype=np.float32), device=dev).view(1, 1, 8, 8)
    stages = model.stages(x)
    layers = tuple(LayerMaps(n, to_numpy(t[0])) for n, t in stages[:-1])
    probs = to_numpy(torch.softmax(stages[-1][1][0], dim=0))
    return CnnView(layers, probs, int(probs.argmax()))


def first_layer_kernels(model: DigitsCNN) -> np.ndarray:
    """(8, 3, 3) the learned conv1 kernels (one input channel)."""
    return to_numpy(model.conv1.weight[:, 0]).copy()


@dataclass(frozen=True)
class LayerRow:
    layer: str
    output_shape: str  # C x H x W
    params: int
    formula: str


def layer_table(model: DigitsCNN) -> tuple[LayerRow, ...]:
    """Shapes and parameter counts (ConvNetJS's filters x kh x kw x in + filters)."""
    c1, c2 = model.conv1, model.conv2
    k = c1.kernel_size[0]
    n1 = c1.out_channels * k * k * 1 + c1.out_channels
    n2 = c2.out_channels * k * k * c1.out_channels + c2.out_channels
    nf = model.fc.in_features * model.fc.out_features + model.fc.out_features
    return (
        LayerRow("input", "1 x 8 x 8", 0, "-"),
        LayerRow(
            "conv1 3x3 + ReLU",
            f"{c1.out_channels} x 8 x 8",
            n1,
            f"{c1.out_channels}×{k}×{k}×1 + {c1.out_channels}",
        ),
        LayerRow(
            "conv2 3x3 + ReLU",
            f"{c2.out_channels} x 8 x 8",
            n2,
            f"{c2.out_channels}×{k}×{k}×{c1.out_channels} + {c2.out_channels}",
        ),
        LayerRow("max-pool 2x2", f"{c2.out_channels} x 4 x 4", 0, "-"),
        LayerRow("linear", "10", nf, f"{model.fc.in_features}×10 + 10"),
    )


def to_digit(img: np.ndarray) -> np.ndarray:
    """Any (C, H, W) image in [0, 1] -> an (8, 8) digit like the training data (ink = 1).

    Gray, inverted when the background is bright, cropped to the ink's bounding square (the UCI
    digits fill all 8 rows, centred), area-averaged to 8x8 (how the set was made from 32x32
    bitmaps), max scaled to 1.
    """
    g = to_gray(np.asarray(img, dtype=np.float32))[0]  # (H, W)
    border = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    if np.median(border) > 0.5:
        g = 1.0 - g
    g = g - np.median(border if np.median(border) <= 0.5 else 1.0 - border)
    g = np.clip(g, 0, None)
    if g.max() <= 1e-6:
        return np.zeros((8, 8), dtype=np.float32)
    rows, cols = np.nonzero(g > 0.25 * g.max())
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    side = int(max(r1 - r0, c1 - c0))
    canvas = np.zeros((side, side), dtype=np.float32)
    ro, co = (side - (r1 - r0)) // 2, (side - (c1 - c0)) // 2
    canvas[ro : ro + r1 - r0, co : co + c1 - c0] = g[r0:r1, c0:c1]
    t = torch.as_tensor(canvas)[None, None]
    small = F.adaptive_avg_pool2d(
        F.interpolate(t, size=(32, 32), mode="bilinear", antialias=True), 8
    )
    out = to_numpy(small[0, 0])
    return (out / max(float(out.max()), 1e-6)).astype(np.float32)
