"""Scoring functions: rows sum to 1, identical keys -> uniform row, masked -> exactly 0,
hand-computed small cases, temperature, and the numpy 'by hand' breakdown."""

import numpy as np
import pytest
import torch

from dlcore.attention.scores import SCORES, attention_weights, renormalize

torch.set_num_threads(1)
D = 4


def make(name: str, seed: int = 0):
    torch.manual_seed(seed)
    return SCORES[name](D, D, 3)


@pytest.mark.parametrize("name", list(SCORES))
def test_rows_sum_to_one_and_shape(name):
    m = make(name)
    q, keys = torch.randn(5, D), torch.randn(5, 7, D)
    sc = m(q, keys)
    assert sc.shape == (5, 7)
    w = attention_weights(sc)
    torch.testing.assert_close(w.sum(-1), torch.ones(5))
    assert (w >= 0).all()


@pytest.mark.parametrize("name", list(SCORES))
def test_identical_keys_give_uniform_row(name):
    m = make(name)
    keys = torch.randn(1, 1, D).expand(3, 6, D)
    w = attention_weights(m(torch.randn(3, D), keys))
    torch.testing.assert_close(w, torch.full((3, 6), 1 / 6))


@pytest.mark.parametrize("name", list(SCORES))
def test_masked_positions_are_exactly_zero(name):
    m = make(name)
    mask = torch.tensor([[True, True, False, False], [True, False, True, False]])
    w = attention_weights(m(torch.randn(2, D), torch.randn(2, 4, D)) * 50, mask)
    assert (w[~mask] == 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(2))


def test_dot_hand_computation():
    q = torch.tensor([[1.0, 2.0, 0.0, 0.0]])
    keys = torch.tensor([[[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]]])
    sc = SCORES["dot"](D, D, 3)(q, keys)
    torch.testing.assert_close(sc, torch.tensor([[1.0, 2.0, 0.0]]))
    e = np.exp([1.0, 2.0, 0.0])
    torch.testing.assert_close(
        attention_weights(sc), torch.tensor((e / e.sum())[None], dtype=torch.float32)
    )


def test_general_hand_computation():
    m = SCORES["general"](2, 2, 3)
    with torch.no_grad():
        m.W_a.weight.copy_(torch.tensor([[1.0, 2.0], [0.0, 1.0]]))
    q, k = torch.tensor([[1.0, -1.0]]), torch.tensor([[[3.0, 1.0]]])
    # W_a k = (5, 1); q . (5, 1) = 4
    torch.testing.assert_close(m(q, k), torch.tensor([[4.0]]))


def test_additive_hand_computation():
    m = SCORES["additive"](2, 2, 2)
    with torch.no_grad():
        m.W.weight.copy_(torch.eye(2))
        m.V.weight.copy_(2 * torch.eye(2))
        m.V.bias.zero_()
        m.v.weight.copy_(torch.tensor([[1.0, -1.0]]))
    q, k = torch.tensor([[0.5, 0.0]]), torch.tensor([[[0.0, 0.25]]])
    want = np.tanh(0.5) - np.tanh(0.5)  # tanh(0.5 + 0) - tanh(0 + 0.5) = 0
    torch.testing.assert_close(m(q, k), torch.tensor([[want]], dtype=torch.float32))
    k2 = torch.tensor([[[1.0, 0.0]]])
    torch.testing.assert_close(m(q, k2), torch.tensor([[float(np.tanh(2.5))]]))


def test_concat_hand_computation():
    m = SCORES["concat"](1, 1, 2)
    with torch.no_grad():
        m.W_a.weight.copy_(torch.tensor([[1.0, 1.0], [1.0, -1.0]]))
        m.v_a.weight.copy_(torch.tensor([[2.0, 1.0]]))
    sc = m(torch.tensor([[0.3]]), torch.tensor([[[0.2]]]))
    want = 2 * np.tanh(0.5) + np.tanh(0.1)
    torch.testing.assert_close(sc, torch.tensor([[want]], dtype=torch.float32))


@pytest.mark.parametrize("name", list(SCORES))
def test_explain_matches_forward(name):
    m = make(name, seed=3)
    q, keys = torch.randn(1, D), torch.randn(1, 5, D)
    sc = m(q, keys)[0].detach().numpy()
    for s in range(5):
        steps = m.explain(q[0].numpy().astype(np.float64), keys[0, s].numpy().astype(np.float64))
        assert float(steps[-1][1]) == pytest.approx(float(sc[s]), abs=1e-5)


def test_temperature_sharpens_and_blurs():
    sc = np.array([[1.0, 2.0, 4.0]])
    sharp, base, blurry = (renormalize(sc, t) for t in (0.25, 1.0, 4.0))
    assert sharp[0, 2] > base[0, 2] > blurry[0, 2] > 1 / 3
    np.testing.assert_allclose(base, torch.softmax(torch.tensor(sc), -1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(renormalize(sc, 1e6), np.full((1, 3), 1 / 3), atol=1e-5)
    w = attention_weights(torch.tensor(sc), temperature=0.5).numpy()
    np.testing.assert_allclose(w, renormalize(sc, 0.5), rtol=1e-5)


def test_renormalize_mask():
    w = renormalize(np.array([[1.0, 5.0, 2.0]]), 1.0, np.array([[True, False, True]]))
    assert w[0, 1] == 0.0
    assert w.sum() == pytest.approx(1.0)
