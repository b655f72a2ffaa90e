"""The cost of reverse mode: for f: R^n -> R, one backward pass gives all n partial derivatives,
where finite differences need n + 1 (forward) or 2n (central) forward passes.

f is a tanh network with n inputs, L hidden layers of H units and one output. The operations are
counted by ``torch.utils.flop_counter.FlopCounterMode`` (the multiply-adds of the matrix
products, which are nearly all of the work), the times are measured on this machine. The
gradients of both ways are compared. Used by the cost view of pages/backprop.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from dlcore.backprop import reference_device
from dlcore.device import to_numpy

SWEEP = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)


def make_net(n: int, hidden: int, layers: int, seed: int = 0) -> torch.nn.Sequential:
    """f: R^n -> R, tanh hidden layers, float64, weights not trained (only x is differentiated)."""
    torch.manual_seed(seed)
    mods: list[torch.nn.Module] = []
    width = n
    for _ in range(layers):
        mods += [torch.nn.Linear(width, hidden), torch.nn.Tanh()]
        width = hidden
    mods.append(torch.nn.Linear(width, 1))
    net = torch.nn.Sequential(*mods).to(device=reference_device(), dtype=torch.float64)
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def reverse_gradient(net: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """All n partial derivatives from one forward and one backward pass."""
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(net(x[None]).sum(), x)
    return g


CHUNK = 256  # perturbed inputs per batch: the passes run as batches (the fastest way)


@torch.no_grad()
def fd_gradient(net: torch.nn.Module, x: torch.Tensor, kind: str, h: float = 1e-6) -> torch.Tensor:
    """One forward pass per input (two for central differences), run in batches of ``CHUNK``
    perturbed copies of x: the same operations as n (or 2n) separate passes, less overhead."""
    n = x.numel()
    eye = torch.eye(n, dtype=x.dtype, device=x.device) * h  # (n, n) the perturbations
    parts = []
    for start in range(0, n, CHUNK):
        e = eye[start : start + CHUNK]  # (c, n)
        if kind == "central":
            both = net(torch.cat([x + e, x - e]))[:, 0]  # (2c,) two passes per input
            parts.append((both[: len(e)] - both[len(e) :]) / (2 * h))
        else:
            parts.append(net(x + e)[:, 0])
    g = torch.cat(parts)
    if kind == "forward":
        g = (g - net(x[None])[0, 0]) / h  # f(x) once more: n + 1 passes
    return g


def passes(n: int, kind: str) -> int:
    """Forward passes finite differences need for n inputs."""
    return 2 * n if kind == "central" else n + 1


def count_flops(net: torch.nn.Module, x: torch.Tensor) -> tuple[int, int]:
    """(one forward pass, one forward + backward pass) counted by FlopCounterMode."""
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(x[None])
    forward = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        reverse_gradient(net, x)
    return int(forward), int(counter.get_total_flops())


def _timed(fn, min_s: float = 0.05, max_reps: int = 50) -> float:
    """Median seconds of one call (repeated until ``min_s`` has passed)."""
    times, t_end = [], time.perf_counter() + min_s
    while len(times) < max_reps and (len(times) < 3 or time.perf_counter() < t_end):
        t0 = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


@dataclass(frozen=True)
class CostResult:
    n: int
    kind: str
    forward_flops: int  # one forward pass
    reverse_flops: int  # one forward + one backward pass
    fd_flops: int  # passes(n) forward passes (+ f(x) for forward differences)
    reverse_s: float
    fd_s: float
    max_diff: float  # max |reverse - finite differences|
    sweep_n: np.ndarray  # (S,)
    sweep_reverse: np.ndarray  # (S,) counted
    sweep_fd: np.ndarray  # (S,) counted

    @property
    def ratio(self) -> float:
        return self.fd_s / self.reverse_s if self.reverse_s > 0 else float("nan")


def cost_study(
    n: int, hidden: int, layers: int, kind: str = "central", seed: int = 0
) -> CostResult:
    """Count and time both ways on the student's network, and count them over n in ``SWEEP``."""
    net = make_net(n, hidden, layers, seed)
    x = torch.randn(n, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    x = x.to(reference_device())
    fwd, rev = count_flops(net, x)
    g_rev = reverse_gradient(net, x)
    t0 = time.perf_counter()
    g_fd = fd_gradient(net, x, kind)
    fd_s = time.perf_counter() - t0  # once: it is the slow one
    sweep = np.array([s for s in SWEEP if s <= max(n, 10)] + ([n] if n not in SWEEP else []))
    sweep.sort()
    counts = [
        count_flops(make_net(int(s), hidden, layers, seed), x.new_zeros(int(s))) for s in sweep
    ]
    return CostResult(
        n=n,
        kind=kind,
        forward_flops=fwd,
        reverse_flops=rev,
        fd_flops=fwd * passes(n, kind),
        reverse_s=_timed(lambda: reverse_gradient(net, x)),
        fd_s=fd_s,
        max_diff=float(np.abs(to_numpy(g_rev) - to_numpy(g_fd)).max()),
        sweep_n=sweep,
        sweep_reverse=np.array([c[1] for c in counts], dtype=float),
        sweep_fd=np.array(
            [c[0] * passes(int(s), kind) for s, c in zip(sweep, counts)], dtype=float
        ),
    )
