"""Regularization geometry on a two-weight model: L2 and L1 penalties and early stopping.

The model is linear regression with two weights on m examples (two features with a chosen
correlation and scale, labels y = X w_true + noise), so its loss is exactly quadratic:

    J(w) = 1/(2m) ||X w - y||^2 = J(w*) + 1/2 (w - w*)^T H (w - w*),   H = X^T X / m

Lecture, "Regularization: parameter norm penalties":
- L2 (weight decay), J + alpha/2 w^T w:  w~ = (H + alpha I)^{-1} H w*, each eigen-component of
  w* scaled by lambda_i / (lambda_i + alpha).
- L1, J + alpha ||w||_1: the lecture's closed form for a diagonal H,
  w_i = sign(w*_i) max(|w*_i| - alpha / H_ii, 0); for any H, ``l1_solution`` solves the two-weight
  problem exactly by checking the optimality (KKT) conditions of each sign pattern.
- Early stopping: gradient descent from w = 0 with step eps gives
  Q^T w(tau) = [I - (I - eps Lambda)^tau] Q^T w*; it matches L2 when
  (I - eps Lambda)^tau = alpha (Lambda + alpha I)^{-1}, i.e. alpha ~ 1 / (tau eps).

Page: pages/optimization.py (the regularization view).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Problem:
    """Two-weight least squares: data, its Hessian and its unregularized minimum."""

    X: np.ndarray  # (m, 2)
    y: np.ndarray  # (m,)
    H: np.ndarray  # (2, 2) = X^T X / m
    w_star: np.ndarray  # (2,) least-squares solution
    J_star: float  # J(w*)


def make_problem(
    w_true: tuple[float, float], rho: float, scale: float, noise: float, m: int, seed: int
) -> Problem:
    """Features x1 ~ N(0, 1), x2 = scale (rho x1 + sqrt(1 - rho^2) z); y = X w_true + noise."""
    rng = np.random.default_rng(seed)
    x1, z, eps = rng.standard_normal((3, m))
    x2 = scale * (rho * x1 + np.sqrt(1.0 - rho * rho) * z)
    X = np.stack([x1, x2], 1)  # (m, 2)
    y = X @ np.asarray(w_true, dtype=np.float64) + noise * eps
    H = X.T @ X / m
    w_star = np.linalg.solve(H, X.T @ y / m)
    J_star = float(0.5 * np.mean((X @ w_star - y) ** 2))
    return Problem(X, y, H, w_star, J_star)


def loss(problem: Problem, W: np.ndarray) -> np.ndarray:
    """J at weights W (..., 2), through the quadratic form (exact for least squares)."""
    d = W - problem.w_star
    return problem.J_star + 0.5 * np.einsum("...i,ij,...j->...", d, problem.H, d)


def l2_solution(H: np.ndarray, w_star: np.ndarray, alpha: float) -> np.ndarray:
    """w~ = (H + alpha I)^{-1} H w*."""
    return np.linalg.solve(H + alpha * np.eye(len(w_star)), H @ w_star)


def l1_objective(H: np.ndarray, w_star: np.ndarray, alpha: float, w: np.ndarray) -> float:
    d = w - w_star
    return float(0.5 * d @ H @ d + alpha * np.sum(np.abs(w)))


def l1_solution(H: np.ndarray, w_star: np.ndarray, alpha: float) -> np.ndarray:
    """The exact minimizer of 1/2 (w - w*)^T H (w - w*) + alpha ||w||_1 (two weights).

    For each sign pattern s (each weight -1, 0 or +1), the active weights solve
    H_AA w_A = (H w*)_A - alpha s_A; the pattern is optimal when the signs agree and every zero
    weight's gradient |(H (w - w*))_i| is at most alpha (the subgradient condition)."""
    n, best, best_obj = len(w_star), np.zeros(len(w_star)), np.inf
    target = H @ w_star
    tol = 1e-10 * (1.0 + alpha + float(np.abs(target).max()))
    for s in itertools.product((-1, 0, 1), repeat=n):
        s = np.array(s, dtype=np.float64)
        active = s != 0
        w = np.zeros(n)
        if active.any():
            A = np.ix_(active, active)
            w[active] = np.linalg.solve(H[A], target[active] - alpha * s[active])
            if np.any(np.sign(w[active]) != s[active]):
                continue
        grad = H @ (w - w_star)
        if np.any(np.abs(grad[~active]) > alpha + tol):
            continue
        obj = l1_objective(H, w_star, alpha, w)
        if obj < best_obj:
            best, best_obj = w, obj
    return best


def l1_diagonal(H: np.ndarray, w_star: np.ndarray, alpha: float) -> np.ndarray:
    """The lecture's formula, exact when H is diagonal:
    w_i = sign(w*_i) max(|w*_i| - alpha / H_ii, 0)."""
    return np.sign(w_star) * np.maximum(np.abs(w_star) - alpha / np.diag(H), 0.0)


def penalty_paths(
    H: np.ndarray, w_star: np.ndarray, alphas: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The L2 and L1 solutions for each alpha: (A, 2), (A, 2)."""
    l2 = np.stack([l2_solution(H, w_star, a) for a in alphas])
    l1 = np.stack([l1_solution(H, w_star, a) for a in alphas])
    return l2, l1


def gd_path(H: np.ndarray, w_star: np.ndarray, eps: float, steps: int) -> np.ndarray:
    """Gradient descent from w = 0: w <- w - eps H (w - w*), every iterate (steps + 1, 2)."""
    w = np.zeros(len(w_star))
    out = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w = w - eps * H @ (w - w_star)
            out.append(w.copy())
    return np.stack(out)


def gd_closed_form(H: np.ndarray, w_star: np.ndarray, eps: float, tau: int) -> np.ndarray:
    """The lecture's Q^T w(tau) = [I - (I - eps Lambda)^tau] Q^T w*, back in weight space."""
    lam, Q = np.linalg.eigh(H)
    return Q @ ((1.0 - (1.0 - eps * lam) ** tau) * (Q.T @ w_star))


@dataclass(frozen=True)
class EarlyStop:
    """Early stopping after tau steps of size eps beside L2 with alpha = 1 / (tau eps)."""

    tau: int
    eps: float
    alpha: float  # 1 / (tau eps) (inf at tau = 0)
    w_gd: np.ndarray  # (2,) w(tau)
    w_l2: np.ndarray  # (2,) the L2 solution at that alpha
    lam: np.ndarray  # (2,) eigenvalues of H
    gd_factor: np.ndarray  # (2,) 1 - (1 - eps lambda_i)^tau: share of w* kept per eigen-direction
    l2_factor: np.ndarray  # (2,) lambda_i / (lambda_i + alpha)
    stable: bool  # eps < 2 / lambda_max (else gradient descent diverges)


def early_stop(H: np.ndarray, w_star: np.ndarray, eps: float, tau: int) -> EarlyStop:
    lam = np.linalg.eigvalsh(H)
    alpha = 1.0 / (tau * eps) if tau > 0 else np.inf
    with np.errstate(over="ignore", invalid="ignore"):
        gd_factor = 1.0 - (1.0 - eps * lam) ** tau
    l2_factor = lam / (lam + alpha) if np.isfinite(alpha) else np.zeros_like(lam)
    w_l2 = l2_solution(H, w_star, alpha) if np.isfinite(alpha) else np.zeros_like(w_star)
    return EarlyStop(
        tau, eps, float(alpha), gd_closed_form(H, w_star, eps, tau), w_l2, lam, gd_factor,
        l2_factor, bool(eps * lam.max() < 2.0),
    )  # fmt: skip
