"""JS by grid, mode coverage and the lecture's optimal discriminator / C(G) = -log 4."""

import decimal
import math

import numpy as np
import pytest

from dlcore.gan.metrics import (
    LOG4,
    criterion,
    histogram2d,
    js_by_grid,
    js_discrete,
    mode_coverage,
    optimal_d,
    optimal_d_from_samples,
    value_discrete,
)
from dlcore.gan.targets import ring_centres

RNG = np.random.default_rng(0)


def test_criterion_at_dstar_is_minus_log4_when_pg_equals_pdata():
    p = np.array([0.1, 0.4, 0.3, 0.2])
    dstar = optimal_d(p, p)
    np.testing.assert_allclose(dstar, 0.5)
    assert value_discrete(dstar, p, p) == pytest.approx(-LOG4)
    assert criterion(p, p) == pytest.approx(-math.log(4))


def test_criterion_above_minus_log4_and_equals_2js_shift():
    p, q = np.array([0.1, 0.4, 0.3, 0.2]), np.array([0.4, 0.1, 0.1, 0.4])
    assert criterion(p, q) > -LOG4
    assert criterion(p, q) == pytest.approx(-LOG4 + 2 * js_discrete(p, q))  # Theorem 1 proof


def test_dstar_maximises_value_function():
    p, q = np.array([0.1, 0.4, 0.3, 0.2]), np.array([0.4, 0.1, 0.1, 0.4])
    best = value_discrete(optimal_d(p, q), p, q)
    for _ in range(50):
        d = RNG.uniform(0.01, 0.99, 4)
        assert value_discrete(d, p, q) <= best + 1e-12


def test_hand_computed_dstar():
    np.testing.assert_allclose(
        optimal_d(np.array([0.3, 0.0, 0.2]), np.array([0.1, 0.5, 0.2])), [0.75, 0.0, 0.5]
    )
    assert np.isnan(optimal_d(np.array([0.0]), np.array([0.0]))[0])


def test_js_near_zero_for_same_distribution_and_ln2_for_disjoint():
    a = RNG.normal(0, 0.5, (20000, 2))
    b = RNG.normal(0, 0.5, (20000, 2))
    assert js_by_grid(a, b) < 0.02
    left = RNG.normal([-1.2, 0], 0.1, (20000, 2))
    right = RNG.normal([1.2, 0], 0.1, (20000, 2))
    assert js_by_grid(left, right) == pytest.approx(math.log(2), abs=1e-9)


def test_js_with_few_samples_is_biased_upwards():
    """Why the page uses thousands of samples: 150 fakes from the true distribution score high."""
    a = RNG.normal(0, 0.5, (20000, 2))
    assert js_by_grid(a, RNG.normal(0, 0.5, (150, 2))) > 5 * js_by_grid(
        a, RNG.normal(0, 0.5, (20000, 2))
    )


def test_histogram_is_normalised_and_oriented():
    h = histogram2d(np.array([[-2.0, 1.9], [-2.0, 1.9]]), bins=4)
    assert h.sum() == pytest.approx(1.0) and h[0, 3] == pytest.approx(1.0)


def test_mode_coverage_counts_constructed_samples():
    modes = ring_centres(8, 1.5)
    std = 0.1
    on = np.concatenate([modes[i] + np.zeros((10 * (i + 1), 2)) for i in range(3)])  # 10,20,30
    near_edge = modes[3] + np.array([[0.29, 0.0]])  # within 3 std
    far = np.array([[0.0, 0.0], [0.0, 0.3], modes[4] + [0.31, 0.0]])  # outside 3 std
    cov = mode_coverage(np.concatenate([on, near_edge, far]), modes, std)
    assert cov.counts.tolist() == [10, 20, 30, 1, 0, 0, 0, 0]
    assert cov.share_near == pytest.approx(61 / 64)
    # fair share = 64 / 8 = 8; a quarter of it is 2: modes 0, 1, 2 are hit, mode 3 (1 sample) not
    assert cov.modes_hit == 3


def test_full_coverage_of_true_samples():
    modes = ring_centres(8, 1.5)
    x = modes[RNG.integers(0, 8, 4000)] + RNG.normal(0, 0.08, (4000, 2))
    cov = mode_coverage(x, modes, 0.08)
    assert cov.modes_hit == 8 and cov.share_near > 0.98  # 3-sigma disc in 2-D holds 98.9 %


def test_dstar_from_samples_is_half_on_equal_and_extreme_on_disjoint():
    a, b = RNG.normal(0, 0.4, (20000, 2)), RNG.normal(0, 0.4, (20000, 2))
    d = optimal_d_from_samples(a, b)
    centre = d[15:25, 15:25]
    assert np.nanmax(np.abs(centre - 0.5)) < 0.1
    left, right = RNG.normal([-1.2, 0], 0.1, (5000, 2)), RNG.normal([1.2, 0], 0.1, (5000, 2))
    d = optimal_d_from_samples(left, right)
    assert d[6, 20] == pytest.approx(1.0) and d[33, 20] == pytest.approx(0.0)


def _criterion_reference(p: np.ndarray, q: np.ndarray) -> float:
    """C(G) = sum p log(p / (p + q)) + q log(q / (p + q)), each term in 60-digit decimals."""
    ctx = decimal.Context(prec=60)
    total = decimal.Decimal(0)
    for a, b in zip(p.tolist(), q.tolist()):
        da, db = decimal.Decimal(a), decimal.Decimal(b)
        for mass in (da, db):
            if mass > 0:
                total += mass * ctx.ln(ctx.divide(mass, da + db))
    return float(total)


@pytest.mark.parametrize("leak", [1e-17, 1e-20, 1e-30, 1e-300])
def test_criterion_is_finite_for_distributions_that_barely_overlap(leak):
    """D* = p / (p + q) rounds to 1 where q is tiny beside p: log(1 - D*) was -inf there."""
    p = np.array([0.5, 0.5 - leak, leak, 0.0])
    q = np.array([leak, 0.0, 0.5, 0.5 - leak])
    c = criterion(p, q)
    assert math.isfinite(c)
    assert c == pytest.approx(_criterion_reference(p, q), rel=1e-12, abs=1e-15)
    assert c == pytest.approx(-LOG4 + 2 * js_discrete(p, q), abs=1e-12)  # Theorem 1
    assert c == pytest.approx(0.0, abs=1e-12)  # disjoint up to a leak: JS = ln 2, C(G) = 0


def test_criterion_matches_the_reference_on_random_sparse_distributions():
    rng = np.random.default_rng(24)
    for _ in range(20):
        p, q = rng.random(50) ** 8, rng.random(50) ** 8  # many cells of near-zero mass
        p[rng.random(50) < 0.3] = 0.0
        q[rng.random(50) < 0.3] = 0.0
        p, q = p / p.sum(), q / q.sum()
        q[np.argmax(p)] *= 1e-18  # one cell where D* rounds to 1
        assert criterion(p, q) == pytest.approx(_criterion_reference(p, q), rel=1e-12, abs=1e-15)
