"""Why depth hurts: the error signal that reaches the first layer of a chain of n layers.

For a chain h_l = f(z_l), z_l = W_l h_(l-1) + b_l, y = sum(h_n), backpropagation multiplies one
local derivative per layer:

    dy/dz_1 = f'(z_1) * prod_{l=2..n} W_l^T f'(z_l)     (one unit a layer: a product of numbers)

and the sigmoid's slope is at most 1/4, so with weights near 1 the signal shrinks like (1/4)^n.
This is the vanishing gradient that the RNN page (pages/rnn.py) shows through time, where the
same W is repeated. Every gradient here is torch.autograd's; the products are computed from the
layers' own pre-activations. Used by the depth view of pages/backprop.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.backprop import reference_device

ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
SLOPE_BOUND = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}  # max of f'


def slope(act: str, z: torch.Tensor) -> torch.Tensor:
    """f'(z) written out."""
    if act == "sigmoid":
        s = torch.sigmoid(z)
        return s * (1 - s)
    if act == "tanh":
        return 1 - torch.tanh(z) ** 2
    return (z > 0).to(z.dtype)


def standard_std(act: str, width: int) -> float:
    """The usual initial weight scale: Xavier (1/sqrt(fan-in)) for sigmoid and tanh, He
    (sqrt(2/fan-in)) for ReLU. One unit per layer: weights of exactly 1 instead (the
    textbook chain, no randomness)."""
    return math.sqrt((2.0 if act == "relu" else 1.0) / width)


@dataclass(frozen=True)
class DepthResult:
    depths: np.ndarray  # (N,) n = 1..N
    grad_first: np.ndarray  # (N,) ||dy/dz_1|| by autograd for the chain of depth n
    local_product: np.ndarray  # (N,) prod_{l<=n} f'(z_l) (one unit) or of its mean over units
    bound: np.ndarray  # (N,) max(f')^n
    layer_grad: np.ndarray  # (n,) ||dy/dz_l|| for l = 1..n at the inspected depth
    layer_slope: np.ndarray  # (n,) f'(z_l) (mean over the layer's units)
    weights: np.ndarray  # (N,) the layers' weights (one unit) or their spectral norms
    act: str
    width: int


def chain(act: str, depth: int, width: int, gain: float, seed: int) -> tuple[list, torch.Tensor]:
    """The layers' (W, b) and the input x, seeded."""
    device = reference_device()
    gen = torch.Generator(device="cpu").manual_seed(seed)
    if width == 1:
        one = torch.full((1, 1), gain, dtype=torch.float64)
        layers = [(one.clone(), torch.zeros(1, dtype=torch.float64)) for _ in range(depth)]
        x = torch.ones(1, dtype=torch.float64)
    else:
        std = gain * standard_std(act, width)
        layers = [
            (
                torch.randn(width, width, generator=gen, dtype=torch.float64) * std,
                torch.zeros(width, dtype=torch.float64),
            )
            for _ in range(depth)
        ]
        x = torch.randn(width, generator=gen, dtype=torch.float64)
    layers = [(W.to(device), b.to(device)) for W, b in layers]
    return layers, x.to(device)


def depth_study(
    act: str, depth: int, width: int, gain: float = 1.0, seed: int = 0, inspect: int = 10
) -> DepthResult:
    """Chains of depth 1..``depth`` (the first n layers of one seeded chain): the gradient that
    reaches the first layer, the product of local slopes, and layer by layer at ``inspect``."""
    f = ACTIVATIONS[act]
    layers, x = chain(act, depth, width, gain, seed)
    z1 = (layers[0][0] @ x + layers[0][1]).requires_grad_(True)  # (W,)
    zs, hs = [z1], [f(z1)]
    for W, b in layers[1:]:
        zs.append(W @ hs[-1] + b)
        hs.append(f(zs[-1]))
    grad_first = []
    for n in range(1, depth + 1):
        (g,) = torch.autograd.grad(hs[n - 1].sum(), z1, retain_graph=True)
        grad_first.append(float(g.norm()))
    slopes = np.array([float(slope(act, z.detach()).mean()) for z in zs])
    inspect = int(np.clip(inspect, 1, depth))
    layer_grad = torch.autograd.grad(hs[inspect - 1].sum(), zs[:inspect], retain_graph=True)
    weights = [float(torch.linalg.matrix_norm(W, ord=2)) for W, _ in layers]
    return DepthResult(
        depths=np.arange(1, depth + 1),
        grad_first=np.array(grad_first),
        local_product=np.cumprod(slopes),
        bound=SLOPE_BOUND[act] ** np.arange(1, depth + 1),
        layer_grad=np.array([float(g.norm()) for g in layer_grad]),
        layer_slope=slopes[:inspect],
        weights=np.array(weights),
        act=act,
        width=width,
    )
