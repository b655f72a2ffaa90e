"""The GAN losses equal their formulas on hand-made D outputs."""

import math

import numpy as np
import pytest
import torch

from dlcore.gan.losses import GAN_LOSSES, LN2, value_function

D_REAL = torch.tensor([0.9, 0.6, 0.75, 0.2])
D_FAKE = torch.tensor([0.1, 0.3, 0.5, 0.8])


def logit(p: torch.Tensor) -> torch.Tensor:
    return torch.log(p / (1 - p))


def test_log_d_loss_is_minus_value_function():
    hand = -(np.mean(np.log([0.9, 0.6, 0.75, 0.2])) + np.mean(np.log([0.9, 0.7, 0.5, 0.2])))
    for name in ("minimax", "nonsaturating"):
        got = GAN_LOSSES[name].d_loss(logit(D_REAL), logit(D_FAKE))
        assert got.item() == pytest.approx(hand, rel=1e-5)
        assert got.item() == pytest.approx(-value_function(D_REAL, D_FAKE).item(), rel=1e-5)


def test_minimax_g_loss_is_mean_log_one_minus_d():
    hand = np.mean(np.log([0.9, 0.7, 0.5, 0.2]))
    assert GAN_LOSSES["minimax"].g_loss(logit(D_FAKE)).item() == pytest.approx(hand, rel=1e-5)


def test_nonsaturating_g_loss_is_minus_mean_log_d():
    hand = -np.mean(np.log([0.1, 0.3, 0.5, 0.8]))
    assert GAN_LOSSES["nonsaturating"].g_loss(logit(D_FAKE)).item() == pytest.approx(hand, rel=1e-5)


def test_least_squares_losses():
    s_real, s_fake = torch.tensor([1.0, 0.5, -0.5]), torch.tensor([0.0, 0.4, 1.2])
    d_hand = 0.5 * np.mean([0.0, 0.25, 2.25]) + 0.5 * np.mean([0.0, 0.16, 1.44])
    g_hand = 0.5 * np.mean([1.0, 0.36, 0.04])
    loss = GAN_LOSSES["least_squares"]
    assert loss.d_loss(s_real, s_fake).item() == pytest.approx(d_hand, rel=1e-5)
    assert loss.g_loss(s_fake).item() == pytest.approx(g_hand, rel=1e-5)


@pytest.mark.parametrize("name", list(GAN_LOSSES))
def test_equilibrium_reference_values(name):
    """At D(x) = 1/2 everywhere the losses take the values drawn as reference lines."""
    loss = GAN_LOSSES[name]
    half = torch.zeros(6) if name != "least_squares" else torch.full((6,), 0.5)
    assert loss.prob(half)[0].item() == pytest.approx(0.5)
    assert loss.d_loss(half, half).item() == pytest.approx(loss.d_at_half, rel=1e-6)
    assert loss.g_loss(half).item() == pytest.approx(loss.g_at_half, rel=1e-6)
    if name != "least_squares":
        assert loss.d_at_half == pytest.approx(math.log(4)) and abs(loss.g_at_half) == LN2


def test_minimax_saturates_where_nonsaturating_does_not():
    """When D confidently rejects fakes, log(1 - D) gives G almost no gradient."""
    s = torch.full((4,), -8.0, requires_grad=True)  # D(G(z)) ~ 3e-4
    (g_mm,) = torch.autograd.grad(GAN_LOSSES["minimax"].g_loss(s), s)
    (g_ns,) = torch.autograd.grad(GAN_LOSSES["nonsaturating"].g_loss(s), s)
    assert g_mm.abs().max() < 1e-3 < g_ns.abs().min() * 100
