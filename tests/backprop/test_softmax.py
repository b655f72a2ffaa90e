"""Softmax with cross-entropy (dlcore/backprop/softmax.py): dJ/dy = p - y against
torch.autograd for random logits, the same through the softmax's Jacobian, and stability at
large logits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcore.backprop.softmax import softmax_study


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=2, max_size=10), st.data())
def test_gradient_is_p_minus_y(logits, data):
    g = data.draw(st.integers(0, len(logits) - 1))
    r = softmax_study(logits, g)
    assert r.max_error < 1e-15
    assert r.grad_chain == pytest.approx(r.grad_autograd, abs=1e-12)
    assert r.p.sum() == pytest.approx(1.0, abs=1e-15) and r.grad_autograd.sum() == pytest.approx(
        0, abs=1e-15
    )
    assert r.loss == pytest.approx(-np.log(r.p[g]), rel=1e-12, abs=1e-15)
    assert r.jacobian == pytest.approx(np.diag(r.p) - np.outer(r.p, r.p), abs=1e-15)


def test_by_hand_and_extreme_logits():
    r = softmax_study([2.0, 1.0, 0.1], 0)
    e = np.exp([2.0, 1.0, 0.1])
    p = e / e.sum()
    assert r.grad_formula == pytest.approx(p - [1, 0, 0], rel=1e-14)
    big = softmax_study([30.0, -30.0], 1)
    assert np.isfinite(big.loss) and big.loss == pytest.approx(60.0, rel=1e-12)
    assert big.grad_autograd == pytest.approx([1.0, -1.0], abs=1e-12)
