"""The optimizer race: SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam start from one point of a
2-D surface and take one step each per iteration, each with its own learning rate.

Gradients are exact (``Surface.value_grad``); the minibatch-noise slider adds sigma * s * xi to
each racer's gradient, xi ~ N(0, I), with s the surface's typical gradient size, so that SGD
wanders the way a minibatch estimate of the gradient makes it wander (lecture: "Stochastic
gradient method": the standard error of a mean of n samples is sigma / sqrt(n)). With the
lecture's linear decay, every racer's rate follows eta_k = (1 - k/T) eta_0 + (k/T) eta_T.

A racer whose position or loss becomes NaN or infinite (a learning rate too large) drops out of
the race at that iteration; the others go on. The live panel's "Training diverged" message
comes only when every racer shown has dropped out. Reproduce in a REPL::

    t = RaceTrainer(OptimConfig(surface="rosenbrock"))
    t.step(500); t.snapshot().losses[:, -1]

Page: pages/optimization.py (the race and the adaptive-methods views).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from dlcore.optim.config import RACERS, OptimConfig, lr_of, shown
from dlcore.optim.optimizers import Optimizer, build, linear_decay, set_hyper
from dlcore.optim.surfaces import DEFAULT_EXPR, Surface, SurfaceError, make_surface
from dlcore.trainer import BaseTrainer

MAX_ITERS = 5000  # a race ends by itself here (the panel pauses)
ESCAPE = 1e6  # |x| or |y| beyond this counts as diverged (the loss overflows soon after)


def surface_of(cfg: OptimConfig) -> Surface:
    """The config's surface; a typed f(x, y) that does not parse raises SurfaceError."""
    return make_surface(cfg.surface, kappa=cfg.kappa, angle=cfg.angle, expr=cfg.expr)


def safe_config(cfg: OptimConfig) -> tuple[OptimConfig, str | None]:
    """``cfg``, or the same config with the default typed surface and the message why."""
    try:
        surface_of(cfg)
    except SurfaceError as err:
        return dataclasses.replace(cfg, expr=DEFAULT_EXPR), str(err)
    return cfg, None


def start_of(cfg: OptimConfig, surface: Surface) -> tuple[float, float]:
    """The race's start: the config's point (moved into the surface's box) or the surface's."""
    if len(cfg.start) == 2:
        return surface.clamp((cfg.start[0], cfg.start[1]))
    return surface.start


def gradient_scale(surface: Surface) -> float:
    """The median gradient norm over the surface's box: the unit of the noise slider."""
    xs, ys, _ = surface.grid(41)
    gx, gy = np.meshgrid(xs, ys)
    _, g = surface.value_grad(np.stack([gx.ravel(), gy.ravel()], 1))
    norms = np.linalg.norm(g, axis=1)
    norms = norms[np.isfinite(norms)]
    return float(np.median(norms)) if norms.size else 1.0


@dataclass(frozen=True)
class RaceSnapshot:
    """The race after ``k`` iterations; arrays are read-only views (racers in RACERS order)."""

    k: int
    surface: Surface
    start: tuple[float, float]
    paths: np.ndarray  # (K, k + 1, 2) positions, NaN after a racer dropped out
    losses: np.ndarray  # (K, k + 1) f at each position
    # (K, k + 1, 2) the step per unit gradient taken from iterate k to k + 1 (NaN at the last):
    # eta_k for SGD, eta_k / (delta + sqrt(r)) for AdaGrad and RMSProp
    scales: np.ndarray
    r: np.ndarray  # (K, 2) the accumulators now (AdaGrad, RMSProp: sum / average of g^2)
    grads: np.ndarray  # (K, 2) the latest (noisy) gradients
    lrs: np.ndarray  # (K,) the learning rate of the next step (after the schedule)
    out_at: np.ndarray  # (K,) iteration a racer dropped out, -1 while racing
    shown: tuple[str, ...]


class RaceTrainer(BaseTrainer):
    """Six optimizers on one surface; ``step(n)`` = n iterations of every racer."""

    def __init__(self, cfg: OptimConfig) -> None:
        super().__init__(cfg)
        self.surface = surface_of(cfg)
        self.start = start_of(cfg, self.surface)
        self.noise_unit = gradient_scale(self.surface)
        self.rng = np.random.default_rng(cfg.seed)
        K = len(RACERS)
        self.opts: list[Optimizer] = [build(name, 2, beta=cfg.beta, rho=cfg.rho) for name in RACERS]
        self.pos = np.tile(np.asarray(self.start, dtype=np.float64), (K, 1))  # (K, 2)
        self.paths = np.full((K, MAX_ITERS + 1, 2), np.nan)
        self.losses = np.full((K, MAX_ITERS + 1), np.nan)
        self.scales = np.full((K, MAX_ITERS + 1, 2), np.nan)
        self.grads = np.zeros((K, 2))
        self.out_at = np.full(K, -1)
        self.paths[:, 0] = self.pos
        loss, self._g = self.surface.value_grad(self.pos)  # (K,), (K, 2) at the current positions
        self.losses[:, 0] = loss
        self.seconds_per_iter = 3e-4  # measured while training (the live speed control)

    # -- the learning rates -----------------------------------------------------------------
    def lr(self, i: int, k: int) -> float:
        """Racer i's learning rate at iteration k (the lecture's linear decay when on)."""
        eta_0 = lr_of(self.cfg, RACERS[i], self.surface.lrs)
        if not self.cfg.schedule:
            return eta_0
        return linear_decay(k, self.cfg.decay_until, eta_0, eta_0 * self.cfg.lr_end)

    # -- training ---------------------------------------------------------------------------
    def _train(self, n: int) -> dict[str, float]:
        t0 = time.perf_counter()
        n = min(n, MAX_ITERS - self.steps)
        for j in range(n):
            self._iterate(self.steps + j)
        if n:
            per = (time.perf_counter() - t0) / n
            self.seconds_per_iter = 0.8 * self.seconds_per_iter + 0.2 * per
        k = self.steps + n
        return {name: float(self.losses[i, k]) for i, name in enumerate(RACERS)}

    def step(self, n: int = 1) -> dict[str, float]:
        """n iterations (fewer at the end of the race: it stops at MAX_ITERS)."""
        metrics = self._train(max(1, int(n)))
        self.steps = min(MAX_ITERS, self.steps + max(1, int(n)))
        self.history.append(self.steps, metrics)
        return metrics

    def _iterate(self, k: int) -> None:
        """Iteration k -> k + 1 of every racer still in the race."""
        racing = self.out_at < 0
        noise = self.rng.standard_normal(self._g.shape)  # drawn every step, whatever shows
        g = self._g + self.cfg.noise * self.noise_unit * noise
        for i, opt in enumerate(self.opts):
            if racing[i]:
                lr = self.lr(i, k)
                opt.step(self.pos[i], g[i], lr)
                self.scales[i, k] = opt.scale(lr)  # the step per unit gradient just taken
        self.grads = g
        k += 1
        loss, self._g = self.surface.value_grad(self.pos)
        bad = ~np.isfinite(loss) | ~np.all(np.isfinite(self.pos), 1)
        bad |= np.any(np.abs(self.pos) > ESCAPE, 1)
        newly = racing & bad
        self.out_at[newly] = k
        racing &= ~bad
        self.paths[racing, k] = self.pos[racing]
        self.losses[racing, k] = loss[racing]

    def _on_update(self, changed: set[str]) -> None:
        for opt in self.opts:
            set_hyper(opt, beta=self.cfg.beta, rho=self.cfg.rho)

    # -- the panel's questions --------------------------------------------------------------
    @property
    def diverged(self) -> str | None:
        """A message once every racer shown has dropped out (NaN or infinite), else None."""
        racers = shown(self.cfg) or RACERS
        idx = [RACERS.index(name) for name in racers]
        if np.all(self.out_at[idx] >= 0):
            names = ", ".join(racers)
            return f"the loss of every racer ({names}) became NaN or infinite"
        return None

    @property
    def halted(self) -> bool:
        return self.steps >= MAX_ITERS

    def snapshot(self) -> RaceSnapshot:
        k = self.steps
        r = np.stack([opt.r for opt in self.opts])
        lrs = np.array([self.lr(i, k) for i in range(len(RACERS))])
        return RaceSnapshot(
            k, self.surface, self.start, _frozen(self.paths[:, : k + 1]),
            _frozen(self.losses[:, : k + 1]), _frozen(self.scales[:, : k + 1]), r,
            self.grads.copy(), lrs, self.out_at.copy(), shown(self.cfg),
        )  # fmt: skip


def _frozen(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.setflags(write=False)
    return view
