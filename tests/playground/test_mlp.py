"""Hand-written back-propagation vs torch.autograd, gradcheck and finite differences; L1/L2;
dropout's weight-scaling rule equals the expectation over masks (linear output)."""

import itertools

import numpy as np
import pytest
import torch

from dlcore.playground.mlp import ACTIVATIONS, HEADS, MLP

torch.set_num_threads(1)


def _torch_loss(net, x, y, masks, theta):
    """The same network and loss written with torch ops, parameters taken from ``theta``."""
    i, a = 0, torch.as_tensor(x)
    acts = {
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "linear": lambda z: z,
        "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    }
    for li, (n_in, n_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
        W = theta[i : i + n_in * n_out].reshape(n_in, n_out)
        i += n_in * n_out
        b = theta[i : i + n_out]
        i += n_out
        z = a @ W + b
        if li < net.n_layers - 1:
            a = acts[net.activation_name](z)
            a = a * torch.as_tensor(masks[li]) if masks is not None else a * net.keep
        else:
            a = z
    y = torch.as_tensor(y)
    if net.head_name == "softmax":
        return -(y * torch.log_softmax(a, 1)).sum() / len(a)
    o = torch.tanh(a) if net.head_name == "tanh" else a
    return 0.5 * ((o - y) ** 2).sum() / len(a)


def _setup(act, head, keep=1.0, seed=0):
    rng = np.random.default_rng(seed)
    k = 3 if head == "softmax" else 1
    net = MLP((3, 4, 3, k), act, head, keep, rng)
    net.theta[:] = rng.normal(0, 0.8, net.theta.shape)
    x = rng.normal(0, 1.5, (7, 3))
    y = np.eye(3)[rng.integers(0, 3, 7)] if head == "softmax" else rng.choice([-1.0, 1.0], (7, 1))
    return net, x, y


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("head", list(HEADS))
def test_backprop_matches_autograd(act, head):
    net, x, y = _setup(act, head)
    hs, a = net.forward(x, None)
    net.backward(hs, a, y, None)
    theta = torch.tensor(net.theta, requires_grad=True)
    loss = _torch_loss(net, x, y, None, theta)
    loss.backward()
    assert np.isclose(loss.item(), net.head.loss(a[-1], y))
    assert np.allclose(net.grad, theta.grad.numpy(), atol=1e-10)


def test_backprop_with_dropout_masks_matches_autograd():
    net, x, y = _setup("tanh", "tanh", keep=0.6)
    masks = net.sample_masks(len(x), np.random.default_rng(4))
    assert any(m.min() == 0 for m in masks)
    hs, a = net.forward(x, masks)
    net.backward(hs, a, y, masks)
    theta = torch.tensor(net.theta, requires_grad=True)
    _torch_loss(net, x, y, masks, theta).backward()
    assert np.allclose(net.grad, theta.grad.numpy(), atol=1e-10)


class _NumpyLoss(torch.autograd.Function):
    """Our forward/backward wrapped as an autograd Function, so gradcheck can test it."""

    @staticmethod
    def forward(ctx, theta, net, x, y):
        net.theta[:] = theta.detach().numpy()
        hs, a = net.forward(x)
        net.backward(hs, a, y)
        ctx.save_for_backward(torch.tensor(net.grad.copy()))
        return torch.tensor(net.head.loss(a[-1], y), dtype=torch.float64)

    @staticmethod
    def backward(ctx, g):
        (grad,) = ctx.saved_tensors
        return g * grad, None, None, None


@pytest.mark.parametrize(
    "act, head", [("tanh", "tanh"), ("sigmoid", "softmax"), ("tanh", "linear")]
)
def test_gradcheck(act, head):
    net, x, y = _setup(act, head, seed=2)
    theta = torch.tensor(net.theta.copy(), requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: _NumpyLoss.apply(t, net, x, y), (theta,))


def test_finite_differences_relu():
    net, x, y = _setup("relu", "tanh", seed=5)
    hs, a = net.forward(x)
    net.backward(hs, a, y)
    g, eps = net.grad.copy(), 1e-6
    for i in range(len(net.theta)):
        old = net.theta[i]
        net.theta[i] = old + eps
        up = net.loss(x, y)
        net.theta[i] = old - eps
        down = net.loss(x, y)
        net.theta[i] = old
        assert abs((up - down) / (2 * eps) - g[i]) < 1e-5


def test_tf_playground_loss_scale():
    net = MLP((2, 1), "tanh", "tanh")
    net.theta[:] = 0.0  # predicts 0 everywhere
    x = np.random.default_rng(0).normal(size=(10, 2))
    y = np.where(x[:, :1] > 0, 1.0, -1.0)
    assert net.loss(x, y) == pytest.approx(0.5)


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_regularization_changes_objective_and_gradient_by_the_right_amount(kind):
    net, x, y = _setup("tanh", "tanh", seed=1)
    rate = 0.03
    W = np.concatenate([w.ravel() for w in net.W])
    omega = 0.5 * np.sum(W**2) if kind == "l2" else np.sum(np.abs(W))
    assert net.penalty(kind) == pytest.approx(omega)
    # the regularized objective J + rate * Omega, and its gradient, vs autograd
    theta = torch.tensor(net.theta, requires_grad=True)
    wmask = torch.tensor(net.wmask)
    pen = 0.5 * ((theta * wmask) ** 2).sum() if kind == "l2" else (theta * wmask).abs().sum()
    (_torch_loss(net, x, y, None, theta) + rate * pen).backward()
    hs, a = net.forward(x)
    net.backward(hs, a, y)
    plain = net.grad.copy()
    net.add_penalty_grad(kind, rate)
    assert np.allclose(net.grad, theta.grad.numpy(), atol=1e-10)
    expected = rate * (net.theta if kind == "l2" else np.sign(net.theta)) * net.wmask
    assert np.allclose(net.grad - plain, expected)
    assert np.all((net.grad - plain)[net.wmask == 0] == 0)  # biases are not regularized


def test_weight_scaling_rule_equals_expectation_over_masks():
    """Linear output: E_mu[f(x; mu)] = f(x) with hidden outputs scaled by p (exact)."""
    rng = np.random.default_rng(0)
    p = 0.7
    net = MLP((2, 3, 1), "relu", "linear", keep=p, rng=rng)
    net.theta[:] = rng.normal(0, 1, net.theta.shape)
    x = rng.normal(0, 2, (5, 2))
    expect = np.zeros((5, 1))
    for bits in itertools.product([0.0, 1.0], repeat=3):
        prob = np.prod([p if b else 1 - p for b in bits])
        mask = [np.tile(np.array(bits), (5, 1))]
        expect += prob * net.forward(x, mask)[1][-1]
    assert np.allclose(net.predict(x), expect)
