"""Regularization geometry: the L2 solution against the penalized least-squares normal equations,
the exact L1 solution against the lecture's closed form for a diagonal Hessian and against
proximal gradient descent for a correlated one, L1's zero weights, and early stopping's closed
form and its equivalence with L2 at alpha ~ 1 / (tau eps)."""

import numpy as np
import pytest

from dlcore.optim import regularization as reg


@pytest.fixture
def problem():
    return reg.make_problem((1.5, 0.4), rho=0.6, scale=0.5, noise=0.5, m=40, seed=0)


def test_problem_is_least_squares(problem):
    X, y = problem.X, problem.y
    np.testing.assert_allclose(problem.w_star, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    w = np.array([0.3, -0.2])
    assert reg.loss(problem, w) == pytest.approx(0.5 * np.mean((X @ w - y) ** 2))


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.3, 2.0, 50.0])
def test_l2_solution_solves_the_penalized_normal_equations(problem, alpha):
    X, y, m = problem.X, problem.y, len(problem.y)
    w = reg.l2_solution(problem.H, problem.w_star, alpha)
    direct = np.linalg.solve(X.T @ X / m + alpha * np.eye(2), X.T @ y / m)
    np.testing.assert_allclose(w, direct, rtol=1e-10, atol=1e-12)
    lam, Q = np.linalg.eigh(problem.H)  # the lecture: each eigen-component scaled by l/(l + a)
    np.testing.assert_allclose(Q.T @ w, lam / (lam + alpha) * (Q.T @ problem.w_star), atol=1e-12)


@pytest.mark.parametrize("alpha", np.linspace(0, 3, 31))
def test_l1_matches_the_lecture_for_a_diagonal_hessian(alpha):
    H, w_star = np.diag([2.0, 0.5]), np.array([1.2, -0.8])
    np.testing.assert_allclose(
        reg.l1_solution(H, w_star, alpha), reg.l1_diagonal(H, w_star, alpha), atol=1e-12
    )


def ista(H, w_star, alpha, steps=20000):
    """Proximal gradient descent on 1/2 (w - w*)^T H (w - w*) + alpha ||w||_1 (a reference)."""
    w, t = np.zeros(2), 1.0 / np.linalg.eigvalsh(H).max()
    for _ in range(steps):
        z = w - t * H @ (w - w_star)
        w = np.sign(z) * np.maximum(np.abs(z) - t * alpha, 0.0)
    return w


@pytest.mark.parametrize("alpha", [0.0, 0.05, 0.2, 0.4, 0.8, 2.0])
def test_l1_matches_proximal_gradient_with_correlated_features(problem, alpha):
    exact = reg.l1_solution(problem.H, problem.w_star, alpha)
    np.testing.assert_allclose(exact, ista(problem.H, problem.w_star, alpha), atol=1e-8)
    rng = np.random.default_rng(1)  # and no nearby point is better
    best = reg.l1_objective(problem.H, problem.w_star, alpha, exact)
    for d in rng.standard_normal((200, 2)) * 1e-3:
        assert reg.l1_objective(problem.H, problem.w_star, alpha, exact + d) >= best - 1e-15


def test_l1_lands_on_a_corner_and_l2_never_does(problem):
    alphas = np.logspace(-3, 1.5, 60)
    l2, l1 = reg.penalty_paths(problem.H, problem.w_star, alphas)
    on_axis = np.sum(l1 == 0.0, axis=1)
    assert on_axis[0] == 0 and on_axis[-1] == 2  # from w* to the origin
    first = int(np.argmax(on_axis == 1))
    assert first > 0 and l1[first, 1] == 0.0  # the small weight w2 is zeroed first: a corner
    assert np.all(l2 != 0.0)  # L2 only shrinks
    assert np.all(np.diff(np.linalg.norm(l2, axis=1)) < 0)


@pytest.mark.parametrize("tau", [0, 1, 7, 50])
def test_gradient_descent_path_equals_the_closed_form(problem, tau):
    path = reg.gd_path(problem.H, problem.w_star, 0.1, max(tau, 1))
    np.testing.assert_allclose(
        path[tau], reg.gd_closed_form(problem.H, problem.w_star, 0.1, tau), atol=1e-12
    )


def test_early_stopping_is_like_l2_with_alpha_one_over_tau_eps():
    """The lecture's regime: eps lambda and lambda / alpha small (x = eps lambda tau << 1),
    where 1 - (1 - eps lambda)^tau ~ x ~ x / (1 + x) = lambda / (lambda + alpha)."""
    H, w_star = np.diag([0.02, 0.005]), np.array([1.0, 2.0])
    gaps = []
    for tau in (2, 10, 20):
        es = reg.early_stop(H, w_star, 0.5, tau)
        assert es.alpha == pytest.approx(1 / (tau * 0.5))
        np.testing.assert_allclose(es.gd_factor, es.l2_factor, rtol=0.1)
        np.testing.assert_allclose(es.w_gd, es.w_l2, rtol=0.1)
        gaps.append(np.abs(es.gd_factor / es.l2_factor - 1).max())
    assert gaps[0] < gaps[1] < gaps[2]  # the smaller eps lambda tau, the closer
    far = reg.early_stop(H, w_star, 0.5, 400)  # x = 4: the approximation is off
    assert np.abs(far.gd_factor / far.l2_factor - 1).max() > 0.2
    es = reg.early_stop(H, w_star, 0.5, 0)
    assert np.all(es.w_gd == 0) and np.all(es.w_l2 == 0) and es.stable
    assert not reg.early_stop(np.diag([30.0, 1.0]), w_star, 0.1, 5).stable
