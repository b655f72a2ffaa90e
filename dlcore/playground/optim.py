"""Optimizers on a flat parameter vector, and the lecture's linear learning-rate decay.

SGD (TF Playground), momentum, AdaGrad [Duchi '11], RMSProp [Hinton '12], Adam [Kingma '15]; the
update rules match ``torch.optim`` (tests compare step by step). Linear decay (lecture, SGD slide):
eta_k = (1 - k/T) eta_0 + (k/T) eta_T for k <= T, then eta_T. Page: pages/playground.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class SGD:
    def __init__(self, n: int) -> None:
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.t += 1
        theta -= lr * grad


class Momentum:
    """v <- beta v + g; theta <- theta - eta v (torch.optim.SGD with momentum, no dampening)."""

    def __init__(self, n: int, beta: float = 0.9) -> None:
        self.v, self.beta, self.t = np.zeros(n), beta, 0

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.t += 1
        self.v *= self.beta
        self.v += grad
        theta -= lr * self.v


class AdaGrad:
    """r <- r + g^2; theta <- theta - eta g / (sqrt(r) + eps)."""

    def __init__(self, n: int, eps: float = 1e-10) -> None:
        self.r, self.eps, self.t = np.zeros(n), eps, 0

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.t += 1
        self.r += grad * grad
        theta -= lr * grad / (np.sqrt(self.r) + self.eps)


class RMSProp:
    """r <- rho r + (1 - rho) g^2; theta <- theta - eta g / (sqrt(r) + eps)."""

    def __init__(self, n: int, rho: float = 0.9, eps: float = 1e-8) -> None:
        self.r, self.rho, self.eps, self.t = np.zeros(n), rho, eps, 0

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.t += 1
        self.r *= self.rho
        self.r += (1 - self.rho) * grad * grad
        theta -= lr * grad / (np.sqrt(self.r) + self.eps)


class Adam:
    """Bias-corrected first and second moments (beta1 0.9, beta2 0.999, eps 1e-8)."""

    def __init__(self, n: int, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.m, self.v = np.zeros(n), np.zeros(n)
        self.beta1, self.beta2, self.eps, self.t = beta1, beta2, eps, 0

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> None:
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * grad
        self.v *= self.beta2
        self.v += (1 - self.beta2) * grad * grad
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        theta -= lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS: dict[str, Callable[[int], object]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def linear_decay(k: float, T: float, eta_0: float, eta_T: float) -> float:
    """The lecture's schedule: eta_k = (1 - k/T) eta_0 + (k/T) eta_T until k = T, then eta_T."""
    if T <= 0 or k >= T:
        return eta_T
    frac = k / T
    return (1 - frac) * eta_0 + frac * eta_T
