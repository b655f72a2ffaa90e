"""Gradient flow through time: exact linear cases, the (lambda_1 gamma)^k bound, Jacobians."""

import numpy as np
import pytest
import torch

from dlcore.rnn.cells import LSTM, SeqModel, VanillaRNN, set_recurrent_scale
from dlcore.rnn.gradflow import (
    bound_curve,
    grad_flow,
    highway,
    jacobian_norms,
    linear_trajectory,
    spectrum,
    vanilla_jacobian_products,
)
from dlcore.rnn.tasks import TASKS

CPU = torch.device("cpu")


def _linear_model(a: float, n_h: int = 6) -> SeqModel:
    torch.manual_seed(0)
    model = SeqModel(VanillaRNN(2, n_h, "identity"), 1)
    with torch.no_grad():
        model.cell.weight_hh.copy_(a * torch.eye(n_h))
    return model


@pytest.mark.parametrize("a", [0.8, 1.0, 1.15])
def test_linear_rnn_grad_norms_exactly_proportional_to_a_power(a):
    t_len = 25
    batch = TASKS["adding"].sample(8, t_len, torch.Generator().manual_seed(0), CPU)
    flow = grad_flow(_linear_model(a), batch, TASKS["adding"])
    expected = a ** (t_len - 1 - np.arange(t_len))  # a^(T-1-t)
    np.testing.assert_allclose(flow.h_norms / flow.h_norms[-1], expected, rtol=2e-5)


def test_orthogonal_linear_jacobian_norm_is_rho_power():
    """Anchor: W = rho Q, identity g: ||dh_T/dh_0|| = rho^T (0.9^50 = 0.00515, 1.1^50 = 117.4)."""
    for rho, ref in ((0.9, 0.00515), (1.1, 117.4)):
        cell = VanillaRNN(1, 8, "identity")
        set_recurrent_scale(cell, "orthogonal", rho, torch.Generator().manual_seed(1))
        norms = jacobian_norms(cell, torch.randn(1, 51, 1))  # d h_50 / d h_t, t = 0..50
        assert abs(norms[0] - ref) / ref < 2e-3
        np.testing.assert_allclose(norms, rho ** np.arange(50, -1, -1.0), rtol=1e-3)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("lam", [0.6, 1.0, 2.5])
def test_measured_norms_respect_lambda_gamma_bound(activation, lam):
    torch.manual_seed(3)
    model = SeqModel(VanillaRNN(2, 16, activation), 1)
    set_recurrent_scale(model.cell, "default", lam, torch.Generator().manual_seed(3))
    batch = TASKS["adding"].sample(16, 40, torch.Generator().manual_seed(4), CPU)
    flow = grad_flow(model, batch, TASKS["adding"])
    sp = spectrum(model.cell)
    assert abs(sp.lambda_1 - lam) < 1e-4 and sp.gamma == (0.25 if activation == "sigmoid" else 1.0)
    bound = bound_curve(float(flow.h_norms[-1]), sp.lambda_1, sp.gamma, 40)
    assert np.all(flow.h_norms <= bound * (1 + 1e-4) + 1e-12)
    if sp.product < 1:  # vanishing guaranteed: 39 steps back shrink at least (lambda gamma)^39
        assert flow.h_norms[0] <= flow.h_norms[-1] * sp.product**39 * (1 + 1e-4)


def test_vanilla_jacobian_product_matches_autograd_jacobian():
    torch.manual_seed(5)
    cell = VanillaRNN(3, 7, "tanh")
    set_recurrent_scale(cell, "default", 1.4, torch.Generator().manual_seed(5))
    x = torch.randn(1, 12, 3)
    np.testing.assert_allclose(
        vanilla_jacobian_products(cell, x), jacobian_norms(cell, x), rtol=1e-4
    )


def test_highway_forget_products():
    torch.manual_seed(6)
    rnn, x = VanillaRNN(2, 5), torch.randn(1, 10, 2)
    hw = highway(rnn, LSTM(2, 5, forget_gate=False), x)
    assert np.all(hw.f == 1.0) and np.allclose(hw.f_running, 1.0)
    hw = highway(rnn, LSTM(2, 5), x)
    assert hw.f.shape == (10, 5) and hw.f_running[-1] == 1.0
    expected_0 = np.prod(hw.f[1:], axis=0).mean()  # prod over k = 1..T-1 of f_k, mean over units
    assert abs(hw.f_running[0] - expected_0) < 1e-6
    assert np.all(np.diff(hw.f_running) >= 0)  # products of values in (0, 1) shrink going back


def test_linear_trajectory_eigen_closed_form_matches_powers():
    tr = linear_trajectory(1.1, 0.6, 30.0, (1.0, 0.5), 20)
    np.testing.assert_allclose(tr.h, tr.h_eig, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tr.components[5] / tr.components[0], tr.eigvals**5, rtol=1e-10)
    np.testing.assert_allclose(tr.w, tr.w.T)  # symmetric: W = Q^T Lambda Q
    np.testing.assert_allclose(np.linalg.eigvalsh(tr.w), [0.6, 1.1], rtol=1e-12)
