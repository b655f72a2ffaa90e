"""The six optimizers of the lecture's optimization slides on a flat parameter vector, and its
linear learning-rate decay.

SGD, momentum and Nesterov momentum (``torch.optim.SGD``), AdaGrad [Duchi et al. '11]
(``torch.optim.Adagrad``), RMSProp [Hinton '12] (``torch.optim.RMSprop``) and Adam [Kingma & Ba
'15] (``torch.optim.Adam``). Each update is written in the lecture's form and in the order of
operations ``torch.optim`` uses on the CPU, so that a trajectory equals torch's to 1e-12 in
float64 (tests/optim/test_optimizers.py runs both side by side on every surface):

    momentum    v <- beta v + g                theta <- theta - eta v
    Nesterov    v <- beta v + g                theta <- theta - eta (g + beta v)
    AdaGrad     r <- r + g (.) g               theta <- theta - eta / (delta + sqrt(r)) (.) g
    RMSProp     r <- rho r + (1 - rho) g (.) g theta <- theta - eta / (delta + sqrt(r)) (.) g
    Adam        s <- beta1 s + (1 - beta1) g   r <- beta2 r + (1 - beta2) g (.) g
                theta <- theta - eta s_hat / (delta + sqrt(r_hat)) (bias-corrected moments)

The learning rate is an argument of every ``step`` so that a schedule (``linear_decay``) and a
student's slider change it between steps. ``scale(eta)`` is the per-coordinate step size the
optimizer would take for a unit gradient now (eta for SGD; eta / (delta + sqrt(r)) for AdaGrad
and RMSProp), what the page draws on the trajectory. Page: pages/optimization.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class Optimizer:
    """One optimizer's state for a parameter vector of ``n`` numbers."""

    accumulates = False  # keeps a per-coordinate r (AdaGrad, RMSProp, Adam)

    def __init__(self, n: int) -> None:
        self.n = n
        self.t = 0  # steps taken
        self.r = np.zeros(n)  # the accumulated squared gradients (zero where unused)

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        """Update ``theta`` in place with gradient ``grad`` and learning rate ``lr``."""
        self.t += 1
        self._update(theta, grad, lr)

    def scale(self, lr: float) -> np.ndarray:
        """The step per unit gradient on each coordinate (the effective learning rate)."""
        return np.full(self.n, lr)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """theta <- theta - eta g."""

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        theta += -lr * grad


class Momentum(Optimizer):
    """v <- beta v + g; theta <- theta - eta v (torch.optim.SGD, momentum, no dampening)."""

    def __init__(self, n: int, beta: float = 0.9) -> None:
        super().__init__(n)
        self.beta = beta
        self.v = np.zeros(n)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.v = grad.copy() if self.t == 1 else self.v * self.beta + grad
        theta += -lr * self._direction(grad)

    def _direction(self, grad: np.ndarray) -> np.ndarray:
        return self.v


class Nesterov(Momentum):
    """v <- beta v + g; theta <- theta - eta (g + beta v): Sutskever et al.'s Nesterov momentum
    in the form torch.optim.SGD(nesterov=True) uses (the gradient at theta, not a look-ahead)."""

    def _direction(self, grad: np.ndarray) -> np.ndarray:
        return grad + self.beta * self.v


class AdaGrad(Optimizer):
    """r <- r + g (.) g; theta <- theta - eta / (delta + sqrt(r)) (.) g."""

    accumulates = True

    def __init__(self, n: int, delta: float = 1e-10) -> None:
        super().__init__(n)
        self.delta = delta

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.r = self.r + grad * grad
        theta += -lr * grad / (np.sqrt(self.r) + self.delta)  # torch's addcdiv order

    def scale(self, lr: float) -> np.ndarray:
        return lr / (np.sqrt(self.r) + self.delta)


class RMSProp(AdaGrad):
    """r <- rho r + (1 - rho) g (.) g; theta <- theta - eta / (delta + sqrt(r)) (.) g."""

    def __init__(self, n: int, rho: float = 0.9, delta: float = 1e-8) -> None:
        super().__init__(n, delta)
        self.rho = rho

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.r = self.r * self.rho + (1 - self.rho) * grad * grad
        theta += -lr * grad / (np.sqrt(self.r) + self.delta)  # torch's addcdiv order


class Adam(Optimizer):
    """Bias-corrected first moment s and second moment r (beta1 0.9, beta2 0.999)."""

    accumulates = True

    def __init__(
        self, n: int, beta1: float = 0.9, beta2: float = 0.999, delta: float = 1e-8
    ) -> None:
        super().__init__(n)
        self.beta1, self.beta2, self.delta = beta1, beta2, delta
        self.s = np.zeros(n)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        w = 1 - self.beta1  # torch: s.lerp_(g, 1 - beta1)
        self.s = self.s + w * (grad - self.s) if w < 0.5 else grad - (grad - self.s) * (1 - w)
        self.r = self.r * self.beta2 + (1 - self.beta2) * grad * grad
        step_size = lr / (1 - self.beta1**self.t)
        denom = np.sqrt(self.r) / (1 - self.beta2**self.t) ** 0.5 + self.delta
        theta += -step_size * self.s / denom

    def scale(self, lr: float) -> np.ndarray:
        t = max(self.t, 1)
        denom = np.sqrt(self.r) / (1 - self.beta2**t) ** 0.5 + self.delta
        return lr / (1 - self.beta1**t) / denom


@dataclass(frozen=True)
class Spec:
    """A registered optimizer: what the page calls it, its colour, and how to build it."""

    label: str
    color: str
    make: Callable[..., Optimizer]


# colour-blind-safe (Okabe-Ito), one per racer on every figure of the page
OPTIMIZERS: dict[str, Spec] = {
    "sgd": Spec("SGD", "#d55e00", SGD),
    "momentum": Spec("Momentum", "#0877bd", Momentum),
    "nesterov": Spec("Nesterov", "#56b4e9", Nesterov),
    "adagrad": Spec("AdaGrad", "#009e73", AdaGrad),
    "rmsprop": Spec("RMSProp", "#cc79a7", RMSProp),
    "adam": Spec("Adam", "#7f3c8d", Adam),
}


def build(name: str, n: int, *, beta: float = 0.9, rho: float = 0.9) -> Optimizer:
    """A fresh optimizer ``name`` for ``n`` parameters (beta: momentum, rho: RMSProp's decay)."""
    if name in ("momentum", "nesterov"):
        return OPTIMIZERS[name].make(n, beta=beta)
    if name == "rmsprop":
        return RMSProp(n, rho=rho)
    return OPTIMIZERS[name].make(n)


def set_hyper(opt: Optimizer, *, beta: float, rho: float) -> None:
    """Apply a student's new momentum or decay to a running optimizer (from its next step)."""
    if isinstance(opt, Momentum):
        opt.beta = beta
    if isinstance(opt, RMSProp):
        opt.rho = rho


def linear_decay(k: float, T: float, eta_0: float, eta_T: float) -> float:
    """The lecture's schedule: eta_k = (1 - k/T) eta_0 + (k/T) eta_T until k = T, then eta_T."""
    if T <= 0 or k >= T:
        return eta_T
    frac = k / T
    return (1 - frac) * eta_0 + frac * eta_T
