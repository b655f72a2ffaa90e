"""Addressing stages vs hand-computed vectors (anchors 5(d), pytorch-ntm tests) and invariants."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcore.ntm import memory as mem
from dlcore.ntm.addressing import (
    SHIFTS,
    Ablation,
    address,
    apply_ablation,
    content_weighting,
    interpolate,
    sharpen,
    shift,
    split_head_params,
)


def _t(*values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32).unsqueeze(0)


def _s(value: float) -> torch.Tensor:
    return torch.tensor([[value]], dtype=torch.float32)


CONTENT_MEMORY = torch.tensor([[[1.0, 0, 0], [0, 1, 0], [1, 1, 0]]])


@pytest.mark.parametrize(
    "beta, expected",
    [
        (0.0, (1 / 3, 1 / 3, 1 / 3)),
        (1.0, (0.4730, 0.1740, 0.3529)),
        (10.0, (0.9492, 0.0000, 0.0507)),
        (100.0, (1.0, 0.0, 0.0)),
    ],
)
def test_content_weighting_hand_values(beta, expected):
    w_c = content_weighting(_t(1, 0, 0), _s(beta), CONTENT_MEMORY)
    np.testing.assert_allclose(w_c[0].numpy(), expected, atol=6e-4)


def test_content_weighting_matches_formula():
    gen = torch.Generator().manual_seed(0)
    memory = torch.randn(2, 6, 5, generator=gen)
    key = torch.randn(2, 5, generator=gen)
    beta = torch.tensor([[0.7], [3.0]])
    cos = F.cosine_similarity(key.unsqueeze(1), memory, dim=-1)  # reference
    expected = torch.exp(beta * cos) / torch.exp(beta * cos).sum(-1, keepdim=True)
    torch.testing.assert_close(content_weighting(key, beta, memory), expected, atol=1e-6, rtol=1e-5)


def test_interpolation_gate_extremes():
    w_c, w_prev = _t(0.7, 0.2, 0.1), _t(0.0, 0.0, 1.0)
    torch.testing.assert_close(interpolate(w_c, w_prev, _s(0.0)), w_prev)  # g = 0 keeps w_prev
    torch.testing.assert_close(interpolate(w_c, w_prev, _s(1.0)), w_c)
    torch.testing.assert_close(interpolate(w_c, w_prev, _s(0.25)), _t(0.175, 0.05, 0.775))


def test_shift_sign_convention_both_directions():
    w = _t(0, 1, 0, 0, 0)
    assert SHIFTS == (-1, 0, 1)
    torch.testing.assert_close(shift(w, _t(0, 0, 1)), _t(0, 0, 1, 0, 0))  # s(+1) = 1: focus +1
    torch.testing.assert_close(shift(w, _t(0, 1, 0)), w)
    torch.testing.assert_close(shift(w, _t(1, 0, 0)), _t(1, 0, 0, 0, 0))  # s(-1) = 1: focus -1
    torch.testing.assert_close(shift(_t(0, 0, 0, 0, 1), _t(0, 0, 1)), _t(1, 0, 0, 0, 0))  # wraps


def test_shift_matches_lecture_sum_and_pytorch_ntm_conv():
    gen = torch.Generator().manual_seed(1)
    w = torch.softmax(torch.randn(1, 7, generator=gen), -1)
    s = torch.softmax(torch.randn(1, 3, generator=gen), -1)
    n = w.shape[1]
    # lecture: w_tilde(i) = sum_j w_g(j) s(i - j), s indexed by the shift (i - j) mod N
    s_of = {k % n: s[0, idx] for idx, k in enumerate(SHIFTS)}
    lecture = torch.stack(
        [sum(w[0, j] * s_of.get((i - j) % n, 0.0) for j in range(n)) for i in range(n)]
    )
    torch.testing.assert_close(shift(w, s)[0], lecture)
    # pytorch-ntm: conv1d over [w_last, w, w_first] with the shift vector in reversed order
    padded = torch.cat([w[:, -1:], w, w[:, :1]], dim=1).view(1, 1, -1)
    conv = F.conv1d(padded, s.flip(-1).view(1, 1, -1)).view(1, -1)
    torch.testing.assert_close(shift(w, s), conv)


def test_interpolation_and_shift_gradients_match_finite_differences():
    """Both run as single fused operations (lerp, one gather): their gradients, g and s included,
    are checked against finite differences."""
    gen = torch.Generator().manual_seed(3)

    def rand(*shape):
        return torch.rand(*shape, generator=gen, dtype=torch.float64, requires_grad=True)

    w_c, w_prev, g, s = rand(2, 2, 6), rand(2, 2, 6), rand(2, 2, 1), rand(2, 2, 3)
    assert torch.autograd.gradcheck(interpolate, (w_c, w_prev, g))
    assert torch.autograd.gradcheck(shift, (w_c, s))


@pytest.mark.parametrize(
    "gamma, expected",
    [
        (1.0, (0.1, 0.2, 0.4, 0.2, 0.1)),
        (2.0, (0.0385, 0.1538, 0.6154, 0.1538, 0.0385)),
        (10.0, (0.000, 0.001, 0.998, 0.001, 0.000)),
    ],
)
def test_sharpen_hand_values(gamma, expected):
    w = sharpen(_t(0.1, 0.2, 0.4, 0.2, 0.1), _s(gamma))
    np.testing.assert_allclose(w[0].numpy(), expected, atol=6e-4)


def test_sharpen_handles_exact_zeros_with_finite_gradients():
    w_tilde = _t(0.0, 1.0, 0.0, 0.0)
    gamma = _s(3.0).requires_grad_()
    w = sharpen(w_tilde, gamma)
    torch.testing.assert_close(w, w_tilde)
    w[0, 1].backward()
    assert torch.isfinite(gamma.grad).all()


def _identity_memory() -> torch.Tensor:
    memory = torch.rand(1, 4, 4)
    for i in range(4):  # identity-fy by writes, as pytorch-ntm's fixture does
        one_hot = F.one_hot(torch.tensor([i]), 4).float()
        memory = mem.write(memory, one_hot, torch.ones(1, 4), one_hot)
    return memory


def test_full_addressing_identity_memory():
    out = address(
        _t(1, 0, 0, 0), _s(100), _s(1), _t(0, 1, 0), _s(100), _t(0, 0, 0, 0), _identity_memory()
    )
    np.testing.assert_allclose(out["w"][0].numpy(), (1, 0, 0, 0), atol=1e-6)


def test_every_stage_sums_to_one_random():
    gen = torch.Generator().manual_seed(3)
    for _ in range(20):
        memory = torch.randn(3, 16, 6, generator=gen)
        raw = torch.randn(3, 6 + 6, generator=gen) * 3
        p = split_head_params(raw, 6)
        w_prev = torch.softmax(torch.randn(3, 16, generator=gen), -1)
        out = address(p["key"], p["beta"], p["g"], p["s"], p["gamma"], w_prev, memory)
        for name in ("w_c", "w_g", "w_tilde", "w"):
            torch.testing.assert_close(out[name].sum(-1), torch.ones(3), atol=1e-5, rtol=0)
            assert (out[name] >= 0).all(), name
        assert (p["gamma"] >= 1).all() and (p["beta"] >= 0).all()
        assert ((p["g"] > 0) & (p["g"] < 1)).all()


def test_head_axis_matches_single_head():
    gen = torch.Generator().manual_seed(4)
    memory = torch.randn(2, 8, 5, generator=gen)
    raw = torch.randn(2, 2, 11, generator=gen)
    w_prev = torch.softmax(torch.randn(2, 2, 8, generator=gen), -1)
    both = address(*split_head_params(raw, 5).values(), w_prev, memory)
    for h in range(2):
        one = address(*split_head_params(raw[:, h], 5).values(), w_prev[:, h], memory)
        torch.testing.assert_close(both["w"][:, h], one["w"])


def test_ablation_overrides():
    g, s, gamma = _s(0.3), _t(0.2, 0.5, 0.3), _s(4.0)
    g2, s2, gamma2 = apply_ablation(
        g, s, gamma, Ablation(no_shift=True, no_sharpen=True, no_interp=True)
    )
    assert float(g2) == 1.0 and float(gamma2) == 1.0
    torch.testing.assert_close(s2, _t(0, 1, 0))
    g3, _, _ = apply_ablation(g, s, gamma, Ablation(no_content=True))
    assert float(g3) == 0.0
    assert not Ablation().any and Ablation(no_shift=True).any
