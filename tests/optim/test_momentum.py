"""Momentum on a quadratic (Goh 2017): the spectral radius formula against numpy's eigenvalues of
R, the optimal step and momentum against the closed form, and the measured rate of real runs of
the race's Momentum optimizer against the prediction."""

import numpy as np
import pytest

from dlcore.optim import momentum as mom
from dlcore.optim.surfaces import make_surface, quadratic_matrix


def test_spectral_radius_equals_the_eigenvalues_of_R():
    rng = np.random.default_rng(0)
    for _ in range(300):
        eta, beta, lam = rng.uniform(0, 4), rng.uniform(0, 0.999), rng.uniform(1e-3, 1)
        R = np.array([[beta, lam], [-eta * beta, 1 - eta * lam]])
        assert mom.spectral_radius(eta, beta, lam) == pytest.approx(
            np.abs(np.linalg.eigvals(R)).max(), rel=1e-9
        )


@pytest.mark.parametrize("kappa", [2, 10, 20, 100])
def test_optimal_parameters_give_the_closed_form_rate(kappa):
    best = mom.optimal(1.0 / kappa, 1.0)
    sk = np.sqrt(kappa)
    assert best.rate == pytest.approx((sk - 1) / (sk + 1))
    assert mom.rate(best.eta, best.beta, np.array([1 / kappa, 1.0])) == pytest.approx(
        best.rate, rel=1e-6
    )
    assert mom.rate(best.gd_eta, 0.0, np.array([1 / kappa, 1.0])) == pytest.approx(
        (kappa - 1) / (kappa + 1)
    )
    # no other (eta, beta) on a fine grid does better
    R = mom.rate_map(
        np.array([1 / kappa, 1.0]), np.linspace(0.01, 4, 300), np.linspace(0, 0.99, 300)
    )
    assert R.min() >= best.rate - 1e-3


@pytest.mark.parametrize("eta, beta", [(1.0, 0.5), (0.5, 0.9), (2.0, 0.2), (1.5, 0.0), (3.0, 0.6)])
def test_measured_rate_of_a_run_matches_the_prediction(eta, beta):
    kappa, angle = 20, 25
    surface = make_surface("quadratic", kappa=kappa, angle=angle)
    run = mom.run(surface, quadratic_matrix(kappa, angle), surface.start, eta, beta, 400)
    assert run.predicted < 1
    assert run.measured == pytest.approx(run.predicted, abs=2e-3)
    assert run.gd_measured == pytest.approx(run.best.gd_rate, abs=1e-3)


def test_at_the_optimum_the_run_converges_at_goh_rate_and_beats_gradient_descent():
    surface = make_surface("quadratic", kappa=50)
    best = mom.optimal(1 / 50, 1.0)
    run = mom.run(surface, quadratic_matrix(50, 0), surface.start, best.eta, best.beta, 400)
    assert run.measured == pytest.approx(best.rate, abs=5e-3)  # critically damped: k rho^k
    assert run.errors[-1] < 1e-30 < run.gd_errors[-1]
    assert mom.iterations_to(best.rate) < mom.iterations_to(best.gd_rate) / 4


def test_a_diverging_choice_is_predicted_and_measured_above_one():
    surface = make_surface("quadratic", kappa=10)
    run = mom.run(surface, quadratic_matrix(10, 0), surface.start, 3.5, 0.1, 60)
    assert run.predicted > 1 and run.measured > 1
    assert mom.iterations_to(run.predicted) == float("inf")
