"""A network's landscape: the batched back-propagation against the playground's MLP (itself
checked against autograd), the batched training against one optimizer at a time, filter
normalization, PCA directions, projection, and the loss grid."""

import numpy as np
import pytest

from dlcore.optim import landscape as land
from dlcore.optim.optimizers import build
from dlcore.playground.mlp import MLP


@pytest.fixture(scope="module")
def task():
    return land.make_task("circle", (5, 3), seed=0)


def test_batched_gradient_equals_the_playground_backprop(task):
    rng = np.random.default_rng(0)
    thetas = []
    for seed in range(4):
        net = MLP(task.sizes, "tanh", "tanh", rng=np.random.default_rng(seed))
        net.theta[:] += rng.standard_normal(net.theta.shape) * 0.3
        thetas.append(net.theta.copy())
    loss, grad = land.batched_grad(task, np.stack(thetas))
    for i, theta in enumerate(thetas):
        net = MLP(task.sizes, "tanh", "tanh")
        net.theta[:] = theta
        hs, a = net.forward(task.x)
        net.backward(hs, a, task.y)
        assert loss[i] == pytest.approx(net.head.loss(a[-1], task.y), rel=1e-13)
        np.testing.assert_allclose(grad[i], net.grad, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(land.batched_loss(task, np.stack(thetas)), loss, rtol=1e-13)


def test_batched_training_equals_each_optimizer_alone(task):
    paths, losses = land.train_paths(task, 25, 1.0, seed=1)
    net = MLP(task.sizes, "tanh", "tanh", rng=np.random.default_rng(1))
    theta0 = net.theta.copy()
    for name, path in paths.items():
        net.theta[:] = theta0
        opt = build(name, len(theta0))
        for k in range(25):
            np.testing.assert_allclose(path[k], net.theta, rtol=1e-11, atol=1e-13)
            hs, a = net.forward(task.x)
            assert losses[name][k] == pytest.approx(net.head.loss(a[-1], task.y), rel=1e-11)
            net.backward(hs, a, task.y)
            opt.step(net.theta, net.grad, land.NET_LRS[name])
        assert losses[name][-1] < losses[name][0]  # every optimizer trains the network


def test_filter_normalized_directions(task):
    theta = MLP(task.sizes, "tanh", "tanh").theta
    d = land.filter_normalized(task.sizes, theta, np.random.default_rng(0))
    for (W, b), (Wt, _) in zip(land._layers(task.sizes, d), land._layers(task.sizes, theta)):
        np.testing.assert_allclose(np.linalg.norm(W, axis=0), np.linalg.norm(Wt, axis=0))
        assert np.all(b == 0.0)


def test_pca_and_projection():
    rng = np.random.default_rng(0)
    centre = rng.standard_normal(30)
    u, v = np.linalg.qr(rng.standard_normal((30, 2)))[0].T
    coords = rng.standard_normal((50, 2)) * [3.0, 1.0]
    paths = {"a": centre + coords @ np.stack([u, v])}
    d1, d2, explained = land.pca_directions(paths, centre)
    assert abs(d1 @ d2) < 1e-12 and d1 @ d1 == pytest.approx(1.0)
    assert sum(explained) == pytest.approx(1.0) and explained[0] > explained[1]
    got, held = land.project(paths["a"], centre, d1, d2)
    assert held == pytest.approx(1.0)
    basis = np.array([[u @ d1, u @ d2], [v @ d1, v @ d2]])  # PCA may flip a direction's sign
    np.testing.assert_allclose(got, coords @ basis, atol=1e-9)
    _, none = land.project(paths["a"], centre, *np.linalg.qr(rng.standard_normal((30, 2)))[0].T)
    assert none < 0.5


@pytest.mark.parametrize("dirs", ["pca", "random"])
def test_landscape(dirs):
    L = land.landscape("circle", (4,), dirs, "adam", steps=40, res=9, lr_scale=1.0, seed=0)
    assert L.loss.shape == (9, 9) and np.all(np.isfinite(L.loss))
    assert set(L.paths) == set(L.path_loss) and L.centre == "adam"
    assert np.allclose(L.paths["adam"][-1], 0.0)  # the plane goes through the centre's weights
    if dirs == "pca":
        assert L.explained[0] > 0.5 and min(L.in_plane.values()) > 0.5
    else:
        assert L.explained is None and max(L.in_plane.values()) < 0.5
        assert L.a[0] <= -1 and L.a[-1] >= 1  # Li et al.'s [-1, 1] at least
