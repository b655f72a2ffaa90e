"""Dropout as an ensemble: weight scaling equals the exact geometric mean over all 2^n masks for
one softmax layer and not with a hidden layer; the all-mask enumeration against Monte Carlo;
the batched training equals training one model at a time; the study's numbers."""

import numpy as np
import pytest

from dlcore.optim import dropout as drop


def net(kind: str, n: int, rng, hidden: int = 16) -> drop.Net:
    if kind == "softmax":
        return drop.Net(kind, (rng.standard_normal((n, 10)), rng.standard_normal(10)))
    params = (rng.standard_normal((n, hidden)), rng.standard_normal(hidden) * 0.5,
              rng.standard_normal((hidden, 10)), rng.standard_normal(10))  # fmt: skip
    return drop.Net(kind, params)


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("n", [3, 7])
def test_weight_scaling_is_the_geometric_mean_for_one_softmax_layer(keep, n):
    rng = np.random.default_rng(n)
    model, v = net("softmax", n, rng), rng.standard_normal((25, n)) * 2
    ens = drop.ensembles(model, v, keep, mc=10)
    np.testing.assert_allclose(ens.geo, ens.scaled, rtol=1e-12, atol=1e-13)
    assert np.abs(ens.arith - ens.geo).max() > 1e-3  # the arithmetic mean is another thing


def test_weight_scaling_is_only_approximate_with_a_hidden_layer():
    rng = np.random.default_rng(0)
    model, v = net("hidden", 6, rng), rng.standard_normal((50, 6)) * 2
    ens = drop.ensembles(model, v, 0.5, mc=10)
    assert np.abs(ens.geo - ens.scaled).max() > 1e-2
    assert drop.kl(ens.geo, ens.scaled).mean() > 1e-4


def test_the_lectures_uniform_case():
    """p = 1/2: every mask weighs 1/2^n, the lecture's 2^n-th root of the product."""
    rng = np.random.default_rng(3)
    model, v = net("softmax", 4, rng), rng.standard_normal((5, 4))
    masks = drop.all_masks(4)
    assert masks.shape == (16, 4) and len({tuple(m) for m in masks}) == 16
    np.testing.assert_allclose(np.exp(drop.mask_log_weights(masks, 0.5)), 1 / 16)
    probs = np.stack([drop.predict(model, m * v) for m in masks])  # (16, 5, 10)
    root = np.prod(probs, axis=0) ** (1 / 16)
    geo, _ = drop.mask_means(model, v, masks, drop.mask_log_weights(masks, 0.5))
    np.testing.assert_allclose(geo, root / root.sum(1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(geo, drop.weight_scaled(model, v, 0.5), rtol=1e-12)


@pytest.mark.parametrize("kind", drop.KINDS)
def test_all_masks_against_monte_carlo(kind):
    rng = np.random.default_rng(5)
    model, v = net(kind, 6, rng), rng.standard_normal((8, 6))
    ens = drop.ensembles(model, v, 0.7, mc=20000, seed=1)
    # the arithmetic mean: a mean of probabilities, standard error <= 0.5 / sqrt(m)
    assert np.abs(ens.mc_arith - ens.arith).max() < 4 * 0.5 / np.sqrt(20000)
    assert np.abs(ens.mc_geo - ens.geo).max() < 0.02
    few = drop.ensembles(model, v, 0.7, mc=20, seed=1)
    assert np.abs(few.mc_arith - ens.arith).max() > np.abs(ens.mc_arith - ens.arith).max()


def test_mask_weights_are_a_distribution():
    w = np.exp(drop.mask_log_weights(drop.all_masks(5), 0.3))
    assert w.sum() == pytest.approx(1.0)
    assert w.max() == pytest.approx(0.7**5)  # the empty mask is the likeliest at keep 0.3


@pytest.fixture(scope="module")
def task():
    return drop.make_task(4, seed=0)


def test_task_is_standardised_principal_components(task):
    assert task.x_train.shape[1] == 4 and task.x_test.shape[1] == 4
    np.testing.assert_allclose(task.x_train.std(0), 1.0, rtol=1e-9)
    c = np.cov(task.x_train.T)
    np.testing.assert_allclose(c - np.diag(np.diag(c)), 0.0, atol=1e-9)  # uncorrelated
    assert len(task.x_test) == len(task.y_test) == len(task.images_test)


def test_batched_training_equals_training_one_at_a_time(task):
    specs = [drop.Spec(1.0, False, 3), drop.Spec(1.0, True, 11)]
    both = drop.train_models(task, "hidden", specs, hidden=8)
    for spec, batched in zip(specs, both):
        alone = drop.train_models(task, "hidden", [spec], hidden=8)[0]
        for a, b in zip(alone.params, batched.params):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_study_numbers(task):
    nets = drop.train_all(task, 0.5, hidden=8, k=2, seed=0)
    soft = drop.compare(task, nets["softmax"], 0.5, mc=50)
    deep = drop.compare(task, nets["hidden"], 0.5, mc=50)
    assert soft.gap_max < 1e-12 and soft.gap_kl < 1e-12
    assert deep.gap_max > 1e-3
    for c in (soft, deep):
        assert set(c.accuracy) == {"geo", "scaled", "arith", "mc", "bag", "plain"}
        assert all(0.3 < a <= 1.0 for a in c.accuracy.values())  # 10 classes: chance is 0.1
        np.testing.assert_allclose(c.bag.sum(1), 1.0)
