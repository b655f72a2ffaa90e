"""Pooling (max, average, Lp) and the translation-invariance demo.

Lecture slides "Pooling" (max, average, "LP pooling: P=1 -> average pooling, P=inf -> max pooling"),
"Pooling: Invariance to Translation" and "Pooling with downsampling". Used by
``pages/convolution.py``.

Lp pooling here is the power mean (mean_window |x|^p)^(1/p): exactly the average of |x| at p = 1 and
rising to max |x| as p grows. (``torch.nn.functional.lp_pool2d`` returns the unnormalised
(sum |x|^p)^(1/p) = N^(1/p) times this.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from dlcore.device import get_device, to_numpy


def _max(x: torch.Tensor, size: int, stride: int, p: float) -> torch.Tensor:
    return F.max_pool2d(x, size, stride)


def _avg(x: torch.Tensor, size: int, stride: int, p: float) -> torch.Tensor:
    return F.avg_pool2d(x, size, stride)


def _lp(x: torch.Tensor, size: int, stride: int, p: float) -> torch.Tensor:
    """(mean |x|^p)^(1/p), computed as m (mean (|x|/m)^p)^(1/p) so large p does not overflow."""
    a = x.abs().double()
    m = F.max_pool2d(a, size, stride).clamp_min(1e-300)  # (B, C, Ho, Wo) window max
    cols = F.unfold(a, size, stride=stride)  # (B, C*size*size, L)
    b, c = a.shape[:2]
    cols = cols.view(b, c, size * size, -1)
    ratio = cols / m.view(b, c, 1, -1)
    out = m.view(b, c, -1) * ratio.pow(p).mean(dim=2).pow(1.0 / p)
    return out.view_as(m).to(x.dtype)


POOLS: dict[str, Callable[[torch.Tensor, int, int, float], torch.Tensor]] = {
    "max": _max,
    "average": _avg,
    "lp": _lp,
}


def pool2d(
    x: np.ndarray, kind: str = "max", size: int = 2, stride: int = 2, p: float = 2.0
) -> np.ndarray:
    """Pool a (C, H, W) or (H, W) array with a size x size window every ``stride`` pixels."""
    arr = np.asarray(x, dtype=np.float32)
    squeeze = arr.ndim == 2
    t = torch.as_tensor(arr[None] if squeeze else arr, device=get_device())[None]  # (1, C, H, W)
    if min(t.shape[-2:]) < size:
        raise ValueError(f"the map ({t.shape[-2]}x{t.shape[-1]}) is smaller than the pool ({size})")
    out = to_numpy(POOLS[kind](t, size, stride, float(p))[0])
    return out[0] if squeeze else out


def shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Translate a (..., H, W) array by (dy, dx) pixels, repeating the edge where content enters."""
    h, w = x.shape[-2:]
    rows = np.clip(np.arange(h) - dy, 0, h - 1)
    cols = np.clip(np.arange(w) - dx, 0, w - 1)
    return x[..., rows, :][..., cols]


@dataclass(frozen=True)
class InvarianceCurve:
    """How much detector and pooled maps change when the input moves by 0..max_shift pixels."""

    shifts: np.ndarray  # (S,) pixels
    detector_change: np.ndarray  # (S,) mean |f(shift x) - f(x)| / mean |f(x)|
    pooled_change: np.ndarray  # (S,)
    detector_frac: np.ndarray  # (S,) fraction of active outputs that changed (> 1 % of max)
    pooled_frac: np.ndarray  # (S,)


def _rel_change(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(mean |a - b| / mean |a|, fraction of active outputs whose value changed).

    Active = above 1 % of the map's max in either map, so the many zeros of a sparse edge map
    do not count as "unchanged".
    """
    scale = max(float(np.abs(a).mean()), 1e-12)
    tol = 0.01 * max(float(np.abs(a).max()), 1e-12)
    diff = np.abs(a - b)
    active = (np.abs(a) > tol) | (np.abs(b) > tol)
    frac = float((diff[active] > tol).mean()) if active.any() else 0.0
    return float(diff.mean() / scale), frac


def invariance_curve(
    detector: Callable[[np.ndarray], np.ndarray],
    image: np.ndarray,
    kind: str = "max",
    size: int = 3,
    stride: int = 1,
    p: float = 2.0,
    max_shift: int = 4,
    axis: str = "x",
) -> InvarianceCurve:
    """Shift ``image`` by 0..max_shift pixels, run ``detector`` (e.g. conv + ReLU), pool, compare.

    The lecture's claim: after pooling, most outputs do not change for small shifts.
    """
    base = detector(image)
    base_pool = pool2d(base, kind, size, stride, p)
    rows = []
    for s in range(max_shift + 1):
        moved = shift(image, s if axis == "y" else 0, s if axis == "x" else 0)
        det = detector(moved)
        d_change, d_frac = _rel_change(base, det)
        p_change, p_frac = _rel_change(base_pool, pool2d(det, kind, size, stride, p))
        rows.append((s, d_change, p_change, d_frac, p_frac))
    arr = np.array(rows, dtype=np.float64)
    return InvarianceCurve(arr[:, 0].astype(int), arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4])
