"""Target distributions p_data for the 2-D GAN (GAN Lab's "data distributions", plus the
usual GAN benchmarks: ring of 8 and grid of 25 Gaussians).

Lecture: GAN slides, "learn the generator's distribution p_g over data x". Page: pages/gan.py.
Every target lives in the square [-2, 2]^2 (PLANE_EXTENT) so one heatmap grid serves them all.
Mixture targets expose their modes and per-mode standard deviation for the mode-coverage metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

PLANE_EXTENT = (-2.2, 2.2)  # the square every view and grid metric uses
MIN_DRAWN_POINTS = 5  # fewer points than this is not a distribution the page trains on
MAX_DRAWN_POINTS = 150
DRAWN_STD = 0.06  # each drawn point becomes a small Gaussian (GAN Lab: 0.02 on [0, 1]^2)


@dataclass(frozen=True)
class Target:
    """A sampler plus what metrics need to know about it."""

    name: str
    label: str
    sample: Callable[[int, torch.Generator, torch.device], torch.Tensor]  # (n, 2)
    modes: np.ndarray | None = None  # (K, 2) centres for mixture targets
    mode_std: float = 0.0  # isotropic std of each mode


def _mixture(centres: np.ndarray, std: float) -> Callable:
    def sample(n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
        c = torch.as_tensor(centres, dtype=torch.float32)
        idx = torch.randint(len(c), (n,), generator=gen)
        eps = torch.randn(n, 2, generator=gen)
        return (c[idx] + std * eps).to(device)  # (n, 2)

    return sample


def ring_centres(k: int = 8, radius: float = 1.5) -> np.ndarray:
    angles = 2 * math.pi * np.arange(k) / k
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], 1)  # (k, 2)


def grid_centres(side: int = 5, spacing: float = 0.8) -> np.ndarray:
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    xx, yy = np.meshgrid(ticks, ticks)
    return np.stack([xx.ravel(), yy.ravel()], 1)  # (side^2, 2)


def _moons(n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    t = math.pi * torch.rand(n, generator=gen)
    upper = torch.rand(n, generator=gen) < 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    pts = torch.stack([x - 0.5, y - 0.25], 1) * 1.2  # centred, about 3 wide
    return (pts + 0.06 * torch.randn(n, 2, generator=gen)).to(device)


def _line(n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    u = torch.rand(n, generator=gen)
    x = -1.5 + 3.0 * u
    pts = torch.stack([x, 0.5 * x + 0.2], 1)
    return (pts + 0.03 * torch.randn(n, 2, generator=gen)).to(device)


def _spiral(n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    t = 3 * math.pi * torch.sqrt(torch.rand(n, generator=gen))  # uniform along the arc-ish
    r = 0.15 + 1.45 * t / (3 * math.pi)
    pts = torch.stack([r * torch.cos(t), r * torch.sin(t)], 1)
    return (pts + 0.04 * torch.randn(n, 2, generator=gen)).to(device)


_GAUSS_MEAN = torch.tensor([0.3, -0.2])
_GAUSS_CHOL = torch.linalg.cholesky(torch.tensor([[0.25, 0.12], [0.12, 0.16]]))


def _gaussian(n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    eps = torch.randn(n, 2, generator=gen)
    return (_GAUSS_MEAN + eps @ _GAUSS_CHOL.T).to(device)


TARGETS: dict[str, Target] = {
    "ring8": Target(
        "ring8", "Ring of 8 Gaussians", _mixture(ring_centres(), 0.08), ring_centres(), 0.08
    ),
    "grid25": Target(
        "grid25", "Grid of 25 Gaussians", _mixture(grid_centres(), 0.05), grid_centres(), 0.05
    ),
    "moons": Target("moons", "Two moons", _moons),
    "line": Target("line", "A line", _line),
    "spiral": Target("spiral", "A spiral", _spiral),
    "gaussian": Target("gaussian", "A single Gaussian", _gaussian),
}
DRAWN = "drawn"  # the student's own distribution: built by drawn_target(points)
TARGET_NAMES = (*TARGETS, DRAWN)


class TooFewPoints(ValueError):
    """A drawn distribution needs at least MIN_DRAWN_POINTS points."""


def points_from_flat(flat: tuple[float, ...] | list[float]) -> np.ndarray:
    """(x1, y1, x2, y2, ...) -> (n, 2), clipped to the plane; an odd trailing value is dropped."""
    arr = np.asarray(flat, dtype=np.float64)
    arr = arr[: len(arr) // 2 * 2].reshape(-1, 2)
    arr = arr[np.isfinite(arr).all(1)]
    return np.clip(arr, *PLANE_EXTENT)[:MAX_DRAWN_POINTS]


def drawn_target(points: np.ndarray) -> Target:
    """The student's points, each blurred by a small Gaussian (like GAN Lab's drawing tool)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(pts) < MIN_DRAWN_POINTS:
        raise TooFewPoints(
            f"A drawn distribution needs at least {MIN_DRAWN_POINTS} points; it has {len(pts)}."
        )
    return Target(DRAWN, "Your drawing", _mixture(pts, DRAWN_STD))


def get_target(name: str, drawn_points: np.ndarray | None = None) -> Target:
    """Registry lookup; ``drawn`` needs the points (raises TooFewPoints when there are too few)."""
    if name == DRAWN:
        return drawn_target(np.zeros((0, 2)) if drawn_points is None else drawn_points)
    return TARGETS[name]
