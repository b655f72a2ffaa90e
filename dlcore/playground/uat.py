"""Universal approximation in 1-D: one hidden layer of N units fits f(x) on [-3, 3].

Lecture: universal approximation theorem (a feedforward net with one hidden layer and enough
units approximates any continuous function on a compact set). The fit is the sum of the hidden
units' contributions w_j h_j(x) plus b, drawn one by one under the fit. Targets: sine, step, |x|,
or a user-typed expression (``dlcore.playground.expr``, no ``eval``). Page: pages/playground.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcore.playground.expr import evaluate
from dlcore.playground.mlp import MLP
from dlcore.playground.optim import Adam

X_RANGE = 3.0
N_POINTS = 200

TARGETS: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "sine": ("sin(2x)", lambda x: np.sin(2 * x)),
    "step": ("step: 1 if x > 0 else 0", lambda x: (x > 0).astype(float)),
    "abs": ("|x|", np.abs),
}


def target_values(fn: str, expr: str, x: np.ndarray) -> np.ndarray:
    """f(x) for a registered target or the typed expression (raises ExprError on bad text)."""
    if fn == "custom":
        return evaluate(expr, x)
    return TARGETS[fn][1](x)


@dataclass(frozen=True)
class UatFit:
    x: np.ndarray  # (P,)
    target: np.ndarray  # (P,)
    fit: np.ndarray  # (P,)
    contributions: np.ndarray  # (N, P): w_j h_j(x)
    bias: float
    loss: float  # mean 1/2 (fit - f)^2
    steps: int


class UatFitter:
    """Full-batch Adam on a (1, N, 1) MLP with a linear output."""

    def __init__(
        self, y: np.ndarray, n_hidden: int, activation: str, seed: int = 0, lr: float = 0.02
    ) -> None:
        self.x = np.linspace(-X_RANGE, X_RANGE, len(y))
        self.y = np.asarray(y, dtype=float)
        rng = np.random.default_rng(seed)
        self.net = MLP((1, n_hidden, 1), activation, "linear", rng=rng)
        w = rng.normal(0, 2.0, n_hidden)  # spread the units' kinks/centres over the range
        self.net.W[0][0] = w
        self.net.b[0][...] = -w * rng.uniform(-X_RANGE, X_RANGE, n_hidden)
        self.net.W[1][:, 0] = rng.normal(0, 0.3, n_hidden)
        self.net.b[1][...] = 0.0
        self.opt, self.lr, self.steps = Adam(len(self.net.theta)), lr, 0

    def step(self, n: int) -> float:
        X, Y = self.x[:, None], self.y[:, None]
        with np.errstate(all="ignore"):
            for _ in range(n):
                hs, a = self.net.forward(X)
                self.net.backward(hs, a, Y)
                self.opt.step(self.net.theta, self.net.grad, self.lr)
        self.steps += n
        return self.net.loss(X, Y)

    def snapshot(self) -> UatFit:
        X = self.x[:, None]
        hs, a = self.net.forward(X)
        contrib = (hs[0] * self.net.W[1][:, 0]).T  # (N, P)
        fit = a[-1][:, 0]
        return UatFit(
            self.x,
            self.y,
            fit,
            contrib,
            float(self.net.b[1][0]),
            float(0.5 * np.mean((fit - self.y) ** 2)),
            self.steps,
        )


def fit_function(
    fn: str, expr: str, n_hidden: int, activation: str, steps: int = 1500, seed: int = 0
) -> UatFit:
    """Fit f with n_hidden units for ``steps`` Adam steps and return the fit and contributions."""
    x = np.linspace(-X_RANGE, X_RANGE, N_POINTS)
    fitter = UatFitter(target_values(fn, expr, x), n_hidden, activation, seed)
    fitter.step(steps)
    return fitter.snapshot()
