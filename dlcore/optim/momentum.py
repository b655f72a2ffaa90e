"""Momentum on a quadratic, theory against measurement (Goh, "Why Momentum Really Works",
Distill 2017).

On f(w) = 1/2 w^T H w, momentum (v <- beta v + H w; w <- w - eta v) decouples along the
eigenvectors of H. Along an eigenvalue lambda, (v, x) evolves by the 2 x 2 matrix

    R = [[beta, lambda], [-eta beta, 1 - eta lambda]]

whose eigenvalues solve s^2 - (1 + beta - eta lambda) s + beta = 0, so the error shrinks like
rho^k with rho = max over the eigenvalues of |s|: the predicted rate. With
kappa = lambda_max / lambda_min, the best step and momentum are

    eta* = (2 / (sqrt(lambda_min) + sqrt(lambda_max)))^2,
    beta* = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2,
    rho* = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)

against gradient descent's best eta = 2 / (lambda_min + lambda_max), rho = (kappa - 1)/(kappa + 1).
The page runs the race's own Momentum optimizer on the race's quadratic and measures the rate
of that run (the slope of log ||w_k - w*|| over its second half). Page: pages/optimization.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcore.optim.optimizers import Momentum
from dlcore.optim.surfaces import Surface


def spectral_radius(eta: np.ndarray, beta: np.ndarray, lam: float) -> np.ndarray:
    """|largest eigenvalue| of R for eigenvalue ``lam`` (broadcasts over eta and beta)."""
    eta, beta = np.asarray(eta, dtype=np.float64), np.asarray(beta, dtype=np.float64)
    b = 1.0 + beta - eta * lam
    disc = b * b - 4.0 * beta
    root = np.sqrt(np.abs(disc))
    real = np.maximum(np.abs(b + root), np.abs(b - root)) / 2.0
    return np.where(disc >= 0, real, np.sqrt(beta))  # complex pair: |s|^2 = beta


def rate(eta: np.ndarray, beta: np.ndarray, lams: np.ndarray) -> np.ndarray:
    """The predicted rate: the slowest eigen-direction's spectral radius."""
    return np.max([spectral_radius(eta, beta, float(lam)) for lam in lams], axis=0)


@dataclass(frozen=True)
class Optimal:
    eta: float
    beta: float
    rate: float
    gd_eta: float  # gradient descent (beta = 0) at its best step
    gd_rate: float


def optimal(lam_min: float, lam_max: float) -> Optimal:
    """Goh's optimal step and momentum, and gradient descent's best, for [lam_min, lam_max]."""
    kappa = lam_max / lam_min
    sk = np.sqrt(kappa)
    eta = (2.0 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2
    beta = ((sk - 1.0) / (sk + 1.0)) ** 2
    return Optimal(
        float(eta), float(beta), float((sk - 1.0) / (sk + 1.0)),
        2.0 / (lam_min + lam_max), float((kappa - 1.0) / (kappa + 1.0)),
    )  # fmt: skip


def measured_rate(errors: np.ndarray) -> float:
    """exp of the least-squares slope of log error against k over the run's second half (errors
    that underflowed are left out); NaN when too few remain."""
    k = np.arange(len(errors))
    keep = (k >= len(errors) // 2) & (errors > 1e-280) & np.isfinite(errors)
    if keep.sum() < 3:
        keep = (errors > 1e-280) & np.isfinite(errors) & (k > 0)
    if keep.sum() < 3:
        return float("nan")
    slope = np.polyfit(k[keep], np.log(errors[keep]), 1)[0]
    return float(np.exp(slope))


@dataclass(frozen=True)
class MomentumRun:
    """One run of momentum (and gradient descent at its best step) on the quadratic."""

    lams: np.ndarray  # (2,) eigenvalues of H
    eta: float
    beta: float
    path: np.ndarray  # (N + 1, 2) momentum's iterates
    errors: np.ndarray  # (N + 1,) ||w_k - w*||
    gd_path: np.ndarray  # (N + 1, 2)
    gd_errors: np.ndarray  # (N + 1,)
    predicted: float  # rho(eta, beta) from the eigenvalues
    measured: float  # from ``errors``
    gd_measured: float
    best: Optimal


def _descend(surface: Surface, start: np.ndarray, eta: float, beta: float, steps: int):
    w, opt = start.astype(np.float64).copy(), Momentum(2, beta=beta)
    path = np.empty((steps + 1, 2))
    path[0] = w
    for k in range(steps):
        _, g = surface.value_grad(w[None])
        opt.step(w, g[0], eta)
        path[k + 1] = w
    return path


def run(
    surface: Surface, H: np.ndarray, start: tuple[float, float], eta: float, beta: float,
    steps: int,
) -> MomentumRun:  # fmt: skip
    """Momentum with (eta, beta) from ``start`` on ``surface`` (the quadratic of Hessian H,
    minimum at 0), gradient descent at its best step beside it, and both rates."""
    lams = np.linalg.eigvalsh(H)
    best = optimal(float(lams[0]), float(lams[-1]))
    w0 = np.asarray(start, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        path = _descend(surface, w0, eta, beta, steps)
        gd_path = _descend(surface, w0, best.gd_eta, 0.0, steps)
    errors, gd_errors = np.linalg.norm(path, axis=1), np.linalg.norm(gd_path, axis=1)
    return MomentumRun(
        lams, eta, beta, path, errors, gd_path, gd_errors,
        float(rate(eta, beta, lams)), measured_rate(errors), measured_rate(gd_errors), best,
    )  # fmt: skip


def rate_map(lams: np.ndarray, etas: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """rho over a grid: rows follow ``betas``, columns ``etas`` (len(betas), len(etas))."""
    eta, beta = np.meshgrid(etas, betas)
    return rate(eta, beta, lams)


def iterations_to(rho: float, factor: float = 1e-3) -> float:
    """Iterations for the error to shrink by ``factor`` at rate rho (inf when rho >= 1)."""
    if not 0 < rho < 1:
        return float("inf") if rho >= 1 else 1.0
    return float(np.log(factor) / np.log(rho))
