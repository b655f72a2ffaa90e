"""Noise priors p_z(z) for the 2-D GAN: 1-D or 2-D, uniform on [-1, 1] or standard Gaussian
(GAN Lab's four noise types). Lecture: "define a prior on input noise variables p_z(z)".
Page: pages/gan.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Noise:
    """A prior: its dimension and a sampler (n, generator, device) -> (n, dim)."""

    label: str
    dim: int
    kind: str  # uniform | gaussian

    def sample(self, n: int, gen: torch.Generator, device: torch.device) -> torch.Tensor:
        return SAMPLERS[self.kind](n, self.dim, gen).to(device)  # (n, dim)

    def grid_lines(self, steps: int = 15, points: int = 40) -> torch.Tensor:
        """Lines of a regular grid in noise space, (L, points, dim), for the manifold view."""
        lo, hi = (-1.0, 1.0) if self.kind == "uniform" else (-2.0, 2.0)
        ticks = torch.linspace(lo, hi, steps)
        along = torch.linspace(lo, hi, points)
        if self.dim == 1:
            return along.reshape(1, points, 1)
        horiz = torch.stack([along.expand(steps, -1), ticks[:, None].expand(-1, points)], -1)
        vert = torch.stack([ticks[:, None].expand(-1, points), along.expand(steps, -1)], -1)
        return torch.cat([horiz, vert], 0)  # (2 * steps, points, 2)


SAMPLERS: dict[str, Callable[[int, int, torch.Generator], torch.Tensor]] = {
    "uniform": lambda n, d, g: 2 * torch.rand(n, d, generator=g) - 1,
    "gaussian": lambda n, d, g: torch.randn(n, d, generator=g),
}

NOISES: dict[str, Noise] = {
    "uniform1": Noise("1-D uniform", 1, "uniform"),
    "gaussian1": Noise("1-D Gaussian", 1, "gaussian"),
    "uniform2": Noise("2-D uniform", 2, "uniform"),
    "gaussian2": Noise("2-D Gaussian", 2, "gaussian"),
}
