"""Every optimizer's trajectory on every surface equals torch.optim's to 1e-12 in float64 (with and
without the linear decay), AdaGrad and RMSProp also against the lecture's update formulas written
out here, and the linear decay's values by hand."""

import numpy as np
import pytest
import torch

from dlcore.optim.optimizers import OPTIMIZERS, AdaGrad, Momentum, RMSProp, build, linear_decay
from dlcore.optim.surfaces import SURFACE_LABELS, make_surface

STEPS = 120
SURFACES = [
    make_surface("quadratic", kappa=20),
    make_surface("quadratic", kappa=50, angle=30),
    *(make_surface(key) for key in SURFACE_LABELS if key != "quadratic"),
]


def torch_optimizer(name: str, params, lr: float, beta: float = 0.9, rho: float = 0.9):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=beta, nesterov=name == "nesterov")
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=1e-10)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=rho, eps=1e-8)
    return torch.optim.Adam(params, lr=lr)


def ours(surface, name, lrs, **hyper) -> np.ndarray:
    theta = np.array(surface.start, dtype=np.float64)
    opt = build(name, 2, **hyper)
    out = [theta.copy()]
    for lr in lrs:
        _, g = surface.value_grad(theta[None])
        opt.step(theta, g[0], lr)
        out.append(theta.copy())
    return np.stack(out)


def theirs(surface, name, lrs, **hyper) -> np.ndarray:
    p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(name, [p], lrs[0], **hyper)
    out = [p.detach().numpy().copy()]
    for lr in lrs:
        for group in opt.param_groups:
            group["lr"] = lr
        opt.zero_grad()
        surface.torch_value(p[0], p[1]).backward()
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.stack(out)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: f"{s.key}")
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_trajectory_equals_torch_optim(surface, name):
    lrs = [surface.lrs[name]] * STEPS
    a, b = ours(surface, name, lrs), theirs(surface, name, lrs)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert np.abs(a[-1] - a[0]).max() > 1e-3  # it moved: the comparison is not of two rests


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_one_step_from_any_state_equals_torch(name):
    """Step by step from the same state, with gradients over six orders of magnitude: the
    updates agree to rounding (torch fuses some multiply-adds, so not always bit for bit; a
    chaotic trajectory would amplify that, which is why the trajectories above use the tuned
    rates)."""
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(5)
    p = torch.tensor(theta.copy(), requires_grad=True)
    opt, ref = build(name, 5), torch_optimizer(name, [p], 0.05)
    for _ in range(200):
        g = rng.standard_normal(5) * 10 ** rng.uniform(-3, 3, 5)
        opt.step(theta, g, 0.05)
        p.grad = torch.tensor(g)
        ref.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-14, atol=1e-14)
        theta[:] = p.detach().numpy()  # the same state for the next step


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_trajectory_with_linear_decay_and_other_hyperparameters(name):
    surface = make_surface("bumpy")
    eta_0 = surface.lrs[name]
    lrs = [linear_decay(k, 60, eta_0, eta_0 * 0.01) for k in range(STEPS)]
    hyper = {"beta": 0.5, "rho": 0.99}
    a, b = ours(surface, name, lrs, **hyper), theirs(surface, name, lrs, **hyper)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def lecture(surface, lr: float, rho: float | None, delta: float) -> np.ndarray:
    """The lecture's AdaGrad (rho None) and RMSProp, written out: r accumulates g (.) g and the
    step is -eta / (delta + sqrt(r)) (.) g."""
    theta, r = np.array(surface.start, dtype=np.float64), np.zeros(2)
    out = [theta.copy()]
    for _ in range(STEPS):
        _, g = surface.value_grad(theta[None])
        g = g[0]
        r = r + g * g if rho is None else rho * r + (1 - rho) * g * g
        theta = theta - lr / (delta + np.sqrt(r)) * g
        out.append(theta.copy())
    return np.stack(out)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.key)
def test_adagrad_and_rmsprop_follow_the_lecture(surface):
    lr = surface.lrs["adagrad"]
    np.testing.assert_allclose(
        ours(surface, "adagrad", [lr] * STEPS), lecture(surface, lr, None, 1e-10), rtol=1e-12,
        atol=1e-12,
    )  # fmt: skip
    lr = surface.lrs["rmsprop"]
    np.testing.assert_allclose(
        ours(surface, "rmsprop", [lr] * STEPS, rho=0.9), lecture(surface, lr, 0.9, 1e-8),
        rtol=1e-12, atol=1e-12,
    )  # fmt: skip


def test_accumulators_and_step_scales():
    g = np.array([3.0, -4.0])
    ada, rms = AdaGrad(2), RMSProp(2, rho=0.9)
    theta = np.zeros(2)
    ada.step(theta, g, 0.5)
    ada.step(theta, g, 0.5)
    np.testing.assert_allclose(ada.r, [18.0, 32.0])
    np.testing.assert_allclose(ada.scale(0.5), 0.5 / (np.sqrt([18.0, 32.0]) + 1e-10))
    rms.step(theta, g, 0.5)
    np.testing.assert_allclose(rms.r, 0.1 * g * g)
    assert np.all(ada.scale(1.0) < AdaGrad(2).scale(1.0))  # r only grows: the step shrinks


def test_momentum_starts_like_sgd_and_then_accelerates():
    g = np.array([1.0, 2.0])
    a, b = np.zeros(2), np.zeros(2)
    m, s = Momentum(2, beta=0.9), build("sgd", 2)
    m.step(a, g, 0.1)
    s.step(b, g, 0.1)
    np.testing.assert_array_equal(a, b)  # v_1 = g
    m.step(a, g, 0.1)
    np.testing.assert_allclose(a, -0.1 * g - 0.1 * 1.9 * g)  # v_2 = 0.9 g + g


def test_linear_decay_by_hand():
    assert linear_decay(0, 100, 0.1, 0.001) == 0.1
    assert linear_decay(50, 100, 0.1, 0.001) == pytest.approx(0.0505)
    assert linear_decay(100, 100, 0.1, 0.001) == 0.001
    assert linear_decay(250, 100, 0.1, 0.001) == 0.001  # stays at eta_T after T
