"""Hand-made image kernels: the lecture's list plus identity, outline, emboss and motion blur.

Lecture slide "Kernels for filtering: Image Processing" (average, Gaussian, horizontal/vertical
Prewitt, horizontal/vertical Sobel, high pass, sharpen, sharpen-low); extra presets and their exact
3x3 values follow Setosa's "Image Kernels Explained Visually". Used by ``pages/convolution.py``.

Every kernel is written for *cross-correlation* (the window is not flipped), the way deep-learning
libraries apply them: ``sobel_v`` gives +4d on a dark-to-bright step of height d (left to right).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import comb

import numpy as np

SIZES = (3, 5, 7)


def _binomial(k: int) -> np.ndarray:
    """Row k of Pascal's triangle, e.g. [1, 2, 1] for k = 3."""
    return np.array([comb(k - 1, i) for i in range(k)], dtype=np.float64)


def _derivative(k: int, smooth: Callable[[int], np.ndarray]) -> np.ndarray:
    """A k-tap central-difference filter: [-1, 0, 1] smoothed by a (k - 2)-tap filter."""
    return np.convolve(smooth(k - 2), [1.0, 0.0, -1.0])[::-1]  # ascending: -.. 0 ..+


def _box(k: int) -> np.ndarray:
    return np.ones(k)


def _ramp(k: int) -> np.ndarray:
    """Prewitt's derivative taps: [-1, 0, 1], [-2, -1, 0, 1, 2], ..."""
    return np.arange(k, dtype=np.float64) - (k - 1) / 2


def identity(k: int) -> np.ndarray:
    out = np.zeros((k, k))
    out[k // 2, k // 2] = 1.0
    return out


def average(k: int) -> np.ndarray:
    return np.full((k, k), 1.0 / (k * k))


def gaussian(k: int) -> np.ndarray:
    """Binomial approximation of a Gaussian: [1 2 1]^T [1 2 1] / 16 for k = 3."""
    b = _binomial(k)
    return np.outer(b, b) / b.sum() ** 2


def prewitt_v(k: int) -> np.ndarray:
    """Finds vertical edges (the x-derivative): columns -1, 0, +1 for k = 3."""
    return np.outer(_box(k), _ramp(k))


def prewitt_h(k: int) -> np.ndarray:
    """Finds horizontal edges (the y-derivative): the transpose of ``prewitt_v``."""
    return prewitt_v(k).T


def sobel_v(k: int) -> np.ndarray:
    """[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] for k = 3 (binomial smoothing x derivative)."""
    return np.outer(_binomial(k), _derivative(k, _binomial))


def sobel_h(k: int) -> np.ndarray:
    return sobel_v(k).T


def high_pass(k: int) -> np.ndarray:
    """Identity minus the average: keeps only what differs from the neighbourhood (sum 0)."""
    return identity(k) - average(k)


def sharpen(k: int) -> np.ndarray:
    return np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64)


def sharpen_low(k: int) -> np.ndarray:
    """A gentler sharpen: [[-1 -1 -1], [-1 16 -1], [-1 -1 -1]] / 8 (sum 1)."""
    out = -np.ones((3, 3))
    out[1, 1] = 16.0
    return out / 8.0


def outline(k: int) -> np.ndarray:
    """Setosa's outline, the 8-neighbour Laplacian: 8 in the centre, -1 around (sum 0)."""
    out = -np.ones((3, 3))
    out[1, 1] = 8.0
    return out


def emboss(k: int) -> np.ndarray:
    """Setosa's [[-2 -1 0], [-1 1 1], [0 1 2]] generalised: i + j - (k - 1), centre 1 (sum 1)."""
    i, j = np.indices((k, k))
    out = (i + j - (k - 1)).astype(np.float64)
    out[k // 2, k // 2] = 1.0
    return out


def motion_blur(k: int) -> np.ndarray:
    """Averages along the main diagonal: the smear of a camera moving diagonally."""
    return np.eye(k) / k


@dataclass(frozen=True)
class KernelSpec:
    label: str
    make: Callable[[int], np.ndarray]
    sizes: tuple[int, ...]
    note: str


KERNELS: dict[str, KernelSpec] = {
    "identity": KernelSpec("Identity", identity, SIZES, "Leaves the image unchanged."),
    "average": KernelSpec("Average (box blur)", average, SIZES, "Mean of the window: blurs edges."),
    "gaussian": KernelSpec(
        "Gaussian blur", gaussian, SIZES, "Weighted mean, centre counts most: a smoother blur."
    ),
    "prewitt_h": KernelSpec(
        "Prewitt horizontal",
        prewitt_h,
        SIZES,
        "Finds horizontal edges (change from top to bottom).",
    ),
    "prewitt_v": KernelSpec(
        "Prewitt vertical", prewitt_v, SIZES, "Finds vertical edges (change from left to right)."
    ),
    "sobel_h": KernelSpec(
        "Sobel horizontal",
        sobel_h,
        SIZES,
        "Horizontal edges; the centre row of the window counts twice.",
    ),
    "sobel_v": KernelSpec(
        "Sobel vertical",
        sobel_v,
        SIZES,
        "Vertical edges; +4d on a dark-to-bright step of height d.",
    ),
    "high_pass": KernelSpec(
        "High pass", high_pass, SIZES, "Identity minus average: only detail survives (sums to 0)."
    ),
    "sharpen": KernelSpec("Sharpen", sharpen, (3,), "Adds the high-pass detail back (sums to 1)."),
    "sharpen_low": KernelSpec("Sharpen low", sharpen_low, (3,), "A gentler sharpen (sums to 1)."),
    "outline": KernelSpec(
        "Outline / Laplacian",
        outline,
        (3,),
        "Large where brightness changes in any direction (sums to 0).",
    ),
    "emboss": KernelSpec("Emboss", emboss, SIZES, "A diagonal derivative plus the image: relief."),
    "motion_blur": KernelSpec("Motion blur", motion_blur, SIZES, "Averages along a diagonal."),
}


def make(name: str, size: int = 3) -> np.ndarray:
    """The (size, size) float64 kernel ``name``; an unsupported size falls back to the nearest."""
    spec = KERNELS[name]
    if size not in spec.sizes:
        size = min(spec.sizes, key=lambda s: abs(s - size))
    return spec.make(size).astype(np.float64)


def sizes_for(name: str) -> tuple[int, ...]:
    return KERNELS[name].sizes
