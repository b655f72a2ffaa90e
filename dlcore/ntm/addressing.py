"""NTM addressing in four named stages (lecture "Addressing by Content / by Location"; paper 3.3).

    w_c(i)     = softmax_i(beta * K[k, M(i)])              content (K = cosine similarity)
    w_g        = g * w_c + (1 - g) * w_prev                 interpolation
    w_tilde(i) = sum_j w_g(j) s(i - j)                      circular shift convolution
    w(i)       = w_tilde(i)^gamma / sum_j w_tilde(j)^gamma  sharpening

Shift sign convention (stated on the page): ``s`` is a distribution over the integer shifts
``SHIFTS = (-1, 0, +1)`` in that order, so ``s = (0, 0, 1)`` means s(+1) = 1 and moves the focus
from location i to location i + 1 (wrapping around). pytorch-ntm orders its 3 shift logits the
other way round (its ``s = (1, 0, 0)`` moves the focus +1); both follow the same lecture formula.

All functions work on batches, optionally with a head axis H (read and write heads address the
same memory in one call): weightings ``(B, [H,] N)``, memory ``(B, N, M)``, key ``(B, [H,] M)``,
scalars ``(B, [H,] 1)``, shift ``(B, [H,] S)``.
Used by ``dlcore.ntm.model`` and pages/ntm.py (playground).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import torch
import torch.nn.functional as F

SHIFTS: tuple[int, ...] = (-1, 0, 1)
_EPS = 1e-8
_LOG_FLOOR = 1e-30


def cosine_similarity(key: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """K[k, M(i)] for every row i. key (B, [H,] M), memory (B, N, M) -> (B, [H,] N)."""
    k = key if key.dim() == 3 else key.unsqueeze(1)  # (B, H, M)
    dot = torch.bmm(k, memory.transpose(1, 2))  # (B, H, N)
    norms = k.norm(dim=-1, keepdim=True) * memory.norm(dim=-1).unsqueeze(1)  # (B, H, N)
    sim = dot / (norms + _EPS)
    return sim if key.dim() == 3 else sim.squeeze(1)


def content_weighting(key: torch.Tensor, beta: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """Stage 1, w_c = softmax(beta * cos(k, M(i))). beta (B, 1) >= 0 -> (B, N)."""
    return torch.softmax(beta * cosine_similarity(key, memory), dim=-1)


def interpolate(w_c: torch.Tensor, w_prev: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Stage 2, w_g = g * w_c + (1 - g) * w_prev. g (B, 1) in [0, 1] -> (B, N).

    ``torch.lerp(w_prev, w_c, g)`` is w_prev + g * (w_c - w_prev): the same, as one operation."""
    return torch.lerp(w_prev, w_c, g)


@cache
def _shift_index(n: int, shifts: tuple[int, ...], device: torch.device) -> torch.Tensor:
    """(N, S) location indices: entry [i, k] = (i - shifts[k]) mod N."""
    i = torch.arange(n, device=device).unsqueeze(-1)  # (N, 1)
    return (i - torch.tensor(shifts, device=device)) % n


def shift(w_g: torch.Tensor, s: torch.Tensor, shifts: tuple[int, ...] = SHIFTS) -> torch.Tensor:
    """Stage 3, w_tilde(i) = sum_k s(k) w_g(i - k), circular. s (B, len(shifts)) -> (B, N).

    Shift k moves mass from location i to i + k. All shifts at once: ``rolled[..., i, k]`` is
    w_g(i - k) (one gather instead of a roll per shift: fewer operations per time step).
    """
    rolled = w_g[..., _shift_index(w_g.shape[-1], shifts, w_g.device)]  # (B, [H,] N, S)
    return (rolled * s.unsqueeze(-2)).sum(-1)


def sharpen(w_tilde: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """Stage 4, w = w_tilde^gamma / sum w_tilde^gamma, computed as softmax(gamma * log w_tilde).

    The log-space form is the same function but never divides 0 by 0 and has finite gradients
    where w_tilde has exact zeros (one-hot weightings). gamma (B, 1) >= 1 -> (B, N).
    """
    return torch.softmax(gamma * torch.log(w_tilde.clamp_min(_LOG_FLOOR)), dim=-1)


@dataclass(frozen=True)
class Ablation:
    """ "Break it" switches applied to a head's addressing (all False = the trained NTM).

    no_content: g forced to 0 (content stage ignored, only location addressing).
    no_interp:  g forced to 1 (no memory of the previous weighting).
    no_shift:   s forced to the identity shift (0).
    no_sharpen: gamma forced to 1.
    """

    no_content: bool = False
    no_interp: bool = False
    no_shift: bool = False
    no_sharpen: bool = False

    @property
    def any(self) -> bool:
        return self.no_content or self.no_interp or self.no_shift or self.no_sharpen


NO_ABLATION = Ablation()


def apply_ablation(
    g: torch.Tensor, s: torch.Tensor, gamma: torch.Tensor, ablation: Ablation
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Overwrite the controller's g, s, gamma as the ablation says (shapes unchanged)."""
    if ablation.no_interp:
        g = torch.ones_like(g)
    if ablation.no_content:  # wins over no_interp: content is then really unused
        g = torch.zeros_like(g)
    if ablation.no_shift:
        s = torch.zeros_like(s)
        s[..., SHIFTS.index(0)] = 1.0
    if ablation.no_sharpen:
        gamma = torch.ones_like(gamma)
    return g, s, gamma


def address(
    key: torch.Tensor,
    beta: torch.Tensor,
    g: torch.Tensor,
    s: torch.Tensor,
    gamma: torch.Tensor,
    w_prev: torch.Tensor,
    memory: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """All four stages; returns every intermediate weighting: w_c, w_g, w_tilde, w (each (B, N))."""
    w_c = content_weighting(key, beta, memory)
    w_g = interpolate(w_c, w_prev, g)
    w_tilde = shift(w_g, s)
    w = sharpen(w_tilde, gamma)
    return {"w_c": w_c, "w_g": w_g, "w_tilde": w_tilde, "w": w}


def split_head_params(raw: torch.Tensor, mem_width: int) -> dict[str, torch.Tensor]:
    """Controller output (B, M + 1 + 1 + 3 + 1) -> constrained k, beta, g, s, gamma.

    beta = softplus (>= 0), g = sigmoid (0..1), s = softmax over SHIFTS, gamma = 1 + softplus.
    """
    n_s = len(SHIFTS)
    key, beta, g, s, gamma = torch.split(raw, [mem_width, 1, 1, n_s, 1], dim=-1)
    return {
        "key": key,
        "beta": F.softplus(beta),
        "g": torch.sigmoid(g),
        "s": torch.softmax(s, dim=-1),
        "gamma": 1.0 + F.softplus(gamma),
    }


def head_param_size(mem_width: int) -> int:
    """Number of controller outputs one head's addressing needs."""
    return mem_width + 1 + 1 + len(SHIFTS) + 1
