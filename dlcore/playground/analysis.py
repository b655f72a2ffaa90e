"""What the playground shows besides the loss: the output and every neuron over the plane, the
last hidden layer's view of the data, ReLU linear regions, and the lecture's XOR lesson.

Lecture: "Linear model for learning XOR" (w = 0, b = 0.5), the FNN solution W = [[1,1],[1,1]],
c = [0,-1], w = [1,-2], b = 0 tested on the design matrix, and "representation learning: in the
last hidden layer, classes that were not linearly separable can become linearly separable".
Page: pages/playground.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dlcore.playground.data import class_ids
from dlcore.playground.features import featurize
from dlcore.playground.mlp import MLP
from dlcore.playground.trainer import PlaygroundTrainer


@dataclass(frozen=True)
class BoundaryGrid:
    """Network output over a G x G grid of the plane (row 0 = top, x2 = +domain)."""

    value: np.ndarray  # (G, G) in [-1, 1]: tanh output, p(+) - p(-), or the regression value
    probs: np.ndarray | None  # (G, G, K) class probabilities for 3-class softmax, else None
    neurons: tuple[np.ndarray, ...]  # per hidden layer (n_l, g, g) neuron outputs (coarse)
    inputs: np.ndarray  # (F, g, g) each input feature over the plane (coarse)
    outputs: np.ndarray  # (K, g, g) each output unit (softmax: 2p - 1) over the plane (coarse)
    domain: float


def plane_grid(g: int, domain: float) -> np.ndarray:
    """(g*g, 2) points, row-major with the top row first (x2 from +domain to -domain)."""
    xs = np.linspace(-domain, domain, g)
    a, b = np.meshgrid(xs, xs[::-1])
    return np.stack([a.ravel(), b.ravel()], 1)


@lru_cache(maxsize=32)
def _grid_features(g: int, domain: float, features: tuple[str, ...]) -> np.ndarray:
    """The featurized grid (g*g, F), cached: it only changes with the features (read-only)."""
    out = featurize(plane_grid(g, domain), features)
    out.setflags(write=False)
    return out


def display_value(o: np.ndarray, head: str) -> np.ndarray:
    """Output -> a colour value in [-1, 1] (blue positive, orange negative)."""
    if head == "softmax":
        return o[:, 1] - o[:, 0] if o.shape[1] == 2 else o.max(1)
    return np.clip(o[:, 0], -1.0, 1.0)


def boundary(trainer: PlaygroundTrainer, g: int = 60, g_small: int = 20) -> BoundaryGrid:
    """Evaluate the output (g x g) and every neuron and input (g_small x g_small) over the plane."""
    domain = trainer.data.train.domain
    net = trainer.net
    with np.errstate(all="ignore"):
        o = net.predict_display(_grid_features(g, domain, tuple(trainer.features)))  # (g*g, K)
        feats = _grid_features(g_small, domain, tuple(trainer.features))  # (s*s, F)
        hs, a = net.forward(feats)
    value = display_value(o, trainer.head).reshape(g, g)
    probs = o.reshape(g, g, -1) if trainer.n_classes == 3 else None
    neurons = tuple(h.T.reshape(-1, g_small, g_small) for h in hs)
    inputs = feats.T.reshape(-1, g_small, g_small)
    o = a[-1] * 2 - 1 if trainer.head == "softmax" else a[-1]  # (s*s, K)
    outputs = o.T.reshape(-1, g_small, g_small)
    return BoundaryGrid(value, probs, neurons, inputs, outputs, domain)


@dataclass(frozen=True)
class HiddenSpace:
    """The last hidden layer's representation of the data points, in 2-D."""

    z: np.ndarray  # (N, 2) coordinates (the units themselves, or a PCA projection)
    classes: np.ndarray  # (N,) class id (or the regression target)
    is_test: np.ndarray  # (N,) bool
    method: str  # "units" | "pca" | "unit+zero" | "input"
    line: tuple[float, float, float] | None  # output unit w1 h1 + w2 h2 + b = 0 when exact in 2-D


def hidden_space(trainer: PlaygroundTrainer) -> HiddenSpace:
    """Map train+test points through the net and read the last hidden layer (weight-scaled)."""
    tr, te = trainer.data.train, trainer.data.test
    x = np.concatenate([trainer.x_train, trainer.x_test])
    net = trainer.net
    with np.errstate(all="ignore"):
        _, a = net.forward(x)
    h = a[-2]  # input of the output layer (N, n_last)
    classes = (
        np.concatenate([class_ids(tr), class_ids(te)])
        if tr.n_classes
        else np.concatenate([tr.y, te.y])
    )
    is_test = np.r_[np.zeros(len(tr.y), bool), np.ones(len(te.y), bool)]
    method = "units" if net.n_layers > 1 else "input"
    line = None
    if h.shape[1] == 1:
        z, method = np.c_[h[:, 0], np.zeros(len(h))], "unit+zero"
    elif h.shape[1] == 2:
        z = h
        if trainer.head != "softmax":
            w, b = net.W[-1][:, 0], float(net.b[-1][0])
            line = (float(w[0]), float(w[1]), b)
    else:
        z, method = _pca2(h), "pca"
    return HiddenSpace(np.nan_to_num(z), classes, is_test, method, line)


def _pca2(h: np.ndarray) -> np.ndarray:
    hc = h - h.mean(0)
    hc = np.nan_to_num(hc)
    _, _, vt = np.linalg.svd(hc, full_matrices=False)
    return hc @ vt[:2].T  # (N, 2)


@dataclass(frozen=True)
class LinearRegions:
    """Distinct ReLU on/off patterns over a grid of the plane (a count of linear regions)."""

    count: int
    region_id: np.ndarray  # (g, g) int, which pattern each grid cell has


def pattern_ids(packed: np.ndarray) -> np.ndarray:
    """Rows of bytes (N, B) -> the id of each distinct row (N,), ids in the rows' sorted order
    (as ``np.unique(packed, axis=0, return_inverse=True)``, ~20x faster: up to 8 bytes a row is
    one big-endian integer, so the sort is of N numbers, not of N rows)."""
    n, width = packed.shape
    if width > 8:
        rows = np.ascontiguousarray(packed).view(np.dtype((np.void, width)))[:, 0]
        return np.unique(rows, return_inverse=True)[1].ravel()
    wide = np.zeros((n, 8), np.uint8)
    wide[:, :width] = packed  # the first byte most significant, as the rows sort
    return np.unique(wide.view(">u8")[:, 0], return_inverse=True)[1].ravel()


def linear_regions(
    net: MLP, features: tuple[str, ...], domain: float, g: int = 200
) -> LinearRegions:
    """Count the activation patterns a ReLU-family net shows on a g x g grid of the plane.

    Each pattern is one linear piece of the network's function, so the count (within the plotted
    square, at grid resolution) compares deep and shallow nets of the same size.
    """
    x = featurize(plane_grid(g, domain), features)
    hs, _ = net.forward(x)
    if not hs:
        return LinearRegions(1, np.zeros((g, g), int))
    pattern = np.concatenate([h > 0 for h in hs], 1)  # (g*g, units)
    ids = pattern_ids(np.packbits(pattern, axis=1)).reshape(g, g)
    return LinearRegions(int(ids.max() + 1), ids)


# ----------------------------------------------------------------------------- lecture XOR
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # the design matrix
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])
SLIDE_W = np.array([[1.0, 1.0], [1.0, 1.0]])
SLIDE_c = np.array([0.0, -1.0])
SLIDE_w = np.array([1.0, -2.0])
SLIDE_b = 0.0


@dataclass(frozen=True)
class XorSteps:
    """The slide's forward pass on the design matrix, one matrix per step."""

    X: np.ndarray  # (4, 2)
    XW: np.ndarray  # (4, 2)
    XW_c: np.ndarray  # (4, 2)
    relu: np.ndarray  # (4, 2)
    out: np.ndarray  # (4,) = relu @ w + b


def xor_slide_steps() -> XorSteps:
    """f(x; W, c, w, b) = w^T max{0, W^T x + c} + b on X, step by step; gives [0, 1, 1, 0]."""
    XW = XOR_X @ SLIDE_W
    XW_c = XW + SLIDE_c
    relu = np.maximum(0.0, XW_c)
    return XorSteps(XOR_X, XW, XW_c, relu, relu @ SLIDE_w + SLIDE_b)


@dataclass(frozen=True)
class LinearFit:
    w: np.ndarray  # (2,)
    b: float
    loss: float  # J = 1/4 sum (f*(x) - f(x))^2


def xor_linear_least_squares() -> LinearFit:
    """Closed-form minimiser of the lecture's MSE for f(x) = x^T w + b on XOR: w = 0, b = 0.5."""
    A = np.c_[XOR_X, np.ones(4)]
    sol, *_ = np.linalg.lstsq(A, XOR_Y, rcond=None)
    loss = float(np.mean((A @ sol - XOR_Y) ** 2))
    return LinearFit(sol[:2], float(sol[2]), loss)
