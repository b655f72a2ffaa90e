"""Why depth hurts (dlcore/backprop/depth.py): with one unit per layer the gradient that reaches
the first layer is exactly the product of the local derivatives (autograd against the formula),
bounded by (1/4)^n for the sigmoid; ReLU passes it on unchanged; more units follow the same
trend."""

import numpy as np
import pytest
import torch

from dlcore.backprop.depth import depth_study


def _sigmoid_chain(n: int, w: float) -> float:
    """dy/dz_1 of y = s(w s(w ... s(1))) written out by hand."""
    z, slopes = w * 1.0, []
    for layer in range(n):
        s = 1 / (1 + np.exp(-z))
        slopes.append(s * (1 - s))
        if layer < n - 1:
            z = w * s
    return float(np.prod(slopes) * w ** (n - 1))


@pytest.mark.parametrize("w", [1.0, 2.5])
def test_one_unit_chain_is_the_product_of_local_derivatives(w):
    r = depth_study("sigmoid", 25, 1, gain=w)
    hand = np.array([_sigmoid_chain(n, w) for n in range(1, 26)])
    assert r.grad_first == pytest.approx(hand, rel=1e-12)
    assert r.grad_first == pytest.approx(r.local_product * w ** np.arange(25), rel=1e-12)
    if w == 1.0:
        assert np.all(r.grad_first <= r.bound)  # sigma' <= 1/4 at every layer
        assert np.all(np.diff(r.grad_first) < 0)


def test_relu_passes_the_signal_on_and_layers_agree():
    r = depth_study("relu", 40, 1, gain=1.0)
    assert r.grad_first == pytest.approx(np.ones(40))
    s = depth_study("sigmoid", 30, 16, gain=1.0, seed=3, inspect=12)
    assert s.layer_grad[0] == pytest.approx(s.grad_first[11], rel=1e-12)
    assert len(s.layer_grad) == len(s.layer_slope) == 12
    assert s.layer_grad[0] < 1e-3 * s.layer_grad[-1]  # shrinking toward the input
    assert np.all((s.layer_slope > 0) & (s.layer_slope <= 0.25))


def test_wide_sigmoid_vanishes_faster_than_tanh():
    sig = depth_study("sigmoid", 30, 16, seed=0)
    tanh = depth_study("tanh", 30, 16, seed=0)
    assert sig.grad_first[-1] < 1e-12 < tanh.grad_first[-1]
    assert torch.get_default_dtype() == torch.float32  # nothing leaked into global state
