"""GAN losses (registry GAN_LOSSES): the lecture's minimax game, the non-saturating variant and
least squares (LSGAN, Mao et al. 2017).

Lecture: V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]; D ascends V, G descends
log(1 - D(G(z))) (minimax, saturates when D wins) or ascends log D(G(z)) (non-saturating,
Goodfellow et al. 2014, section 3). All functions take D's raw scores s (logits); for the log
losses D(x) = sigmoid(s), computed stably with softplus. For least squares D(x) = s itself.
Page: pages/gan.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

LN2 = math.log(2.0)


@dataclass(frozen=True)
class GanLoss:
    """d_loss(s_real, s_fake), g_loss(s_fake), the map score -> D(x), and equilibrium values."""

    label: str
    d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    g_loss: Callable[[torch.Tensor], torch.Tensor]
    prob: Callable[[torch.Tensor], torch.Tensor]
    d_at_half: float  # D loss when D(x) = 1/2 everywhere (the equilibrium line on the chart)
    g_at_half: float
    log: bool = True  # D(x) = sigmoid(s) and D ascends V(D, G) (its loss is -V); False: LSGAN


def _log_d_loss(s_real: torch.Tensor, s_fake: torch.Tensor) -> torch.Tensor:
    # -(mean log D(x) + mean log(1 - D(G(z)))) = -V(D, G); -log sigmoid(s) = softplus(-s)
    return F.softplus(-s_real).mean() + F.softplus(s_fake).mean()


def _minimax_g(s_fake: torch.Tensor) -> torch.Tensor:
    return -F.softplus(s_fake).mean()  # mean log(1 - D(G(z))), descended by G


def _nonsat_g(s_fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-s_fake).mean()  # -mean log D(G(z))


def _identity(s: torch.Tensor) -> torch.Tensor:
    return s  # LSGAN's D(x) is its score


def _ls_d(s_real: torch.Tensor, s_fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((s_real - 1) ** 2).mean() + 0.5 * (s_fake**2).mean()


def _ls_g(s_fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((s_fake - 1) ** 2).mean()


GAN_LOSSES: dict[str, GanLoss] = {
    "minimax": GanLoss(
        "Minimax (saturating, the lecture's)", _log_d_loss, _minimax_g, torch.sigmoid, 2 * LN2, -LN2
    ),
    "nonsaturating": GanLoss("Non-saturating", _log_d_loss, _nonsat_g, torch.sigmoid, 2 * LN2, LN2),
    "least_squares": GanLoss(
        "Least squares (LSGAN)", _ls_d, _ls_g, _identity, 0.25, 0.125, log=False
    ),
}


def value_function(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """V(D, G) = mean log D(x) + mean log(1 - D(G(z))) from D's probabilities."""
    return torch.log(d_real).mean() + torch.log1p(-d_fake).mean()
