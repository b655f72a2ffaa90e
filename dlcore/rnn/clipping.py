"""Gradient clipping (Pascanu, Mikolov & Bengio 2013) and the loss "cliff" it protects against.

Lecture: "Gradient clipping [Pascanu' 13]": if ||g|| > v: g <- g v / ||g|| (norm clipping keeps
the direction). Value clipping (RecurrentJS's clipval, torch's clip_grad_value_) clamps each
component to [-v, v] and can turn the direction. The cliff: Pascanu et al.'s single-unit RNN
h_t = w sigma(h_(t-1)) + b, whose loss after 50 steps has a wall where one gradient step jumps far.
Used by dlcore/rnn/trainer.py and pages/rnn.py (clipping view).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.device import to_numpy


@dataclass(frozen=True)
class ClipResult:
    """0-d tensors on the gradients' device, so that clipping a training step never waits for
    the device (read them with ``float()`` / ``bool()`` when a number is wanted)."""

    pre_norm: torch.Tensor  # global L2 norm of the gradient before clipping
    post_norm: torch.Tensor
    clipped: torch.Tensor  # bool


def _grads(params: Iterable[torch.nn.Parameter]) -> list[torch.Tensor]:
    return [p.grad for p in params if p.grad is not None]


def global_norm(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


def clip_none(params: Iterable[torch.nn.Parameter], v: float) -> ClipResult:
    n = global_norm(_grads(params))
    return ClipResult(n, n, torch.zeros((), dtype=torch.bool, device=n.device))


def clip_norm(params: Iterable[torch.nn.Parameter], v: float) -> ClipResult:
    """If ||g|| > v: g <- g v / ||g|| over all parameters together (in place). The test is a
    tensor op (a factor of exactly 1 when ||g|| <= v), not a Python ``if`` on the device's value."""
    grads = _grads(params)
    n = global_norm(grads)
    clipped = n > v
    scale = torch.where(clipped, v / n, 1.0)
    for g in grads:
        g.mul_(scale)
    return ClipResult(n, global_norm(grads), clipped)


def clip_value(params: Iterable[torch.nn.Parameter], v: float) -> ClipResult:
    """Clamp every component to [-v, v] (in place)."""
    grads = _grads(params)
    n = global_norm(grads)
    clipped = torch.stack([(g.abs() > v).any() for g in grads]).any()
    for g in grads:
        g.clamp_(-v, v)
    return ClipResult(n, global_norm(grads), clipped)


CLIPPERS: dict[str, Callable[[Iterable[torch.nn.Parameter], float], ClipResult]] = {
    "none": clip_none,
    "norm": clip_norm,
    "value": clip_value,
}


# --- Pascanu's cliff ---------------------------------------------------------------------------

CLIFF_T, CLIFF_H0, CLIFF_TARGET = 50, 0.5, 0.7


def cliff_loss(w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Loss (h_T - 0.7)^2 of the single-unit RNN h_t = w sigma(h_(t-1)) + b, h_0 = 0.5, T = 50;
    w and b may be grids (broadcast)."""
    h = torch.full_like(w + b, CLIFF_H0)
    for _ in range(CLIFF_T):
        h = w * torch.sigmoid(h) + b
    return (h - CLIFF_TARGET) ** 2


def cliff_grad(w: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss and its autograd gradient d loss / d(w, b) at every point of a (broadcast) grid."""
    w, b = torch.broadcast_tensors(w, b)
    w, b = w.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)
    loss = cliff_loss(w, b)
    gw, gb = torch.autograd.grad(loss.sum(), [w, b])
    return loss.detach(), torch.stack([gw, gb], dim=-1)  # (...), (..., 2)


# starts a student can click on the map: 0.2 apart in w (~11 px), so that their markers do not
# overlap (plotly picks any marker under the cursor)
WALL_WS = (4.2, 4.4, 4.6, 4.8, 5.0)


@functools.lru_cache(maxsize=256)  # pure; ~30 ms each
def wall_point(w0: float, b_range: tuple[float, float] = (-6.0, 0.0), n: int = 20001) -> float:
    """The b on the slice w = w0 where the gradient is steepest: the face of the cliff."""
    bs = torch.linspace(*b_range, n, dtype=torch.float64)
    _, g = cliff_grad(torch.full_like(bs, w0), bs)
    return float(bs[int(g.norm(dim=-1).argmax())])


@dataclass(frozen=True)
class CliffView:
    ws: np.ndarray  # (Nw,)
    bs: np.ndarray  # (Nb,)
    loss: np.ndarray  # (Nb, Nw) loss over the (w, b) plane
    zoom_ws: np.ndarray  # (Nz,) w of a window centred on the start, sized to the clipped step
    zoom_bs: np.ndarray  # (Nz,) b of the window
    zoom_loss: np.ndarray  # (Nz, Nz) loss over the window
    start: np.ndarray  # (2,) (w, b) on the cliff face
    grad: np.ndarray  # (2,) the real gradient there
    path_plain: np.ndarray  # (S+1, 2) gradient descent without clipping
    path_clipped: np.ndarray  # (S+1, 2) with norm clipping at v
    loss_plain: np.ndarray  # (S+1,)
    loss_clipped: np.ndarray  # (S+1,)


def _descend(start: tuple[float, float], lr: float, steps: int, v: float | None) -> tuple:
    wb = torch.tensor(start, dtype=torch.float64)
    path, losses = [wb], []
    for _ in range(steps):
        loss, g = cliff_grad(wb[0], wb[1])
        losses.append(float(loss))
        n = g.norm()
        if v is not None and n > v:
            g = g * (v / n)  # g <- g v / ||g||
        wb = wb - lr * g
        path.append(wb)
    losses.append(float(cliff_loss(wb[0], wb[1])))
    return to_numpy(torch.stack(path)), np.array(losses)


def zoom_half_width(path: np.ndarray) -> float:
    """Half the side of a square window around ``path[0]`` in which the first step of ``path``
    is about 0.3 of the width and the path's first five steps fit (the clipped step is 0.01 v
    long: a pixel on the whole map)."""
    first = float(np.linalg.norm(path[1] - path[0]))
    reach = float(np.abs(path[1:6] - path[0]).max())
    return max(first / 0.6, 1.15 * reach, 1e-3)


@functools.lru_cache(maxsize=32)  # pure in its float arguments; arrays are never mutated
def cliff_view(
    w0: float = 5.0, lr: float = 0.01, v: float = 5.0, steps: int = 25, n: int = 90
) -> CliffView:
    """Loss plane, a window around the start on the cliff face at w = w0 (where the clipped
    step can be seen), and descent from there with and without norm clipping (all losses and
    gradients by autograd)."""
    b0 = wall_point(w0)
    ws = torch.linspace(1.0, 8.0, n, dtype=torch.float64)
    bs = torch.linspace(-5.0, 0.0, n, dtype=torch.float64)
    _, g = cliff_grad(torch.tensor(w0, dtype=torch.float64), torch.tensor(b0, dtype=torch.float64))
    p_plain, l_plain = _descend((w0, b0), lr, steps, None)
    p_clip, l_clip = _descend((w0, b0), lr, steps, v)
    half = zoom_half_width(p_clip)
    zw = torch.linspace(w0 - half, w0 + half, 121, dtype=torch.float64)
    zb = torch.linspace(b0 - half, b0 + half, 121, dtype=torch.float64)
    with torch.no_grad():
        grid = cliff_loss(ws[None, :], bs[:, None])  # (Nb, Nw)
        zoom = cliff_loss(zw[None, :], zb[:, None])  # (Nz, Nz)
    return CliffView(
        to_numpy(ws),
        to_numpy(bs),
        to_numpy(grid),
        to_numpy(zw),
        to_numpy(zb),
        to_numpy(zoom),
        np.array([w0, b0]),
        to_numpy(g),
        p_plain,
        p_clip,
        l_plain,
        l_clip,
    )
