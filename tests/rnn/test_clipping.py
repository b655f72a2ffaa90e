"""Norm clipping keeps the direction and caps the norm; value clipping clamps; the cliff is real."""

import numpy as np
import pytest
import torch

from dlcore.rnn.clipping import CLIPPERS, cliff_grad, cliff_loss, cliff_view, clip_norm, clip_value


def _params(scale: float) -> list[torch.nn.Parameter]:
    torch.manual_seed(0)
    ps = [torch.nn.Parameter(torch.randn(4, 3)), torch.nn.Parameter(torch.randn(5))]
    for p in ps:
        p.grad = torch.randn_like(p) * scale
    return ps


def _flat(ps):
    return torch.cat([p.grad.flatten() for p in ps])


@pytest.mark.parametrize("scale", [0.01, 10.0])
def test_norm_clipping_keeps_direction_and_caps_norm(scale):
    ps = _params(scale)
    before = _flat(ps).clone()
    res = clip_norm(ps, 1.0)
    after = _flat(ps)
    assert abs(res.pre_norm - float(before.norm())) < 1e-5
    assert float(after.norm()) <= 1.0 + 1e-6
    cos = float(before @ after / (before.norm() * after.norm()))
    assert abs(cos - 1.0) < 1e-6
    assert res.clipped == (float(before.norm()) > 1.0)
    if not res.clipped:
        assert torch.equal(before, after)


def test_norm_clipping_matches_torch_clip_grad_norm():
    ours, ref = _params(5.0), _params(5.0)
    res = clip_norm(ours, 2.0)
    total = torch.nn.utils.clip_grad_norm_(ref, 2.0)
    assert abs(res.pre_norm - float(total)) < 1e-4
    torch.testing.assert_close(_flat(ours), _flat(ref))


def test_value_clipping_clamps_and_can_turn_direction():
    ps = _params(3.0)
    before = _flat(ps).clone()
    res = clip_value(ps, 0.5)
    after = _flat(ps)
    assert res.clipped and float(after.abs().max()) <= 0.5
    cos = float(before @ after / (before.norm() * after.norm()))
    assert cos < 0.999  # unlike norm clipping, the direction changed
    ref = _params(3.0)
    torch.nn.utils.clip_grad_value_(ref, 0.5)
    torch.testing.assert_close(after, _flat(ref))


def test_registry_none_leaves_gradients():
    ps = _params(100.0)
    before = _flat(ps).clone()
    res = CLIPPERS["none"](ps, 1.0)
    assert torch.equal(before, _flat(ps)) and not res.clipped and res.pre_norm > 1.0


def test_cliff_gradient_is_autograd_and_huge_on_the_wall():
    w, b = torch.tensor(4.5, dtype=torch.float64), torch.tensor(-1.0, dtype=torch.float64)
    _, g = cliff_grad(w, b)
    eps = 1e-6  # finite differences agree on the smooth part
    fd = (cliff_loss(w, b + eps) - cliff_loss(w, b - eps)) / (2 * eps)
    assert abs(float(g[1]) - float(fd)) < 1e-4 * max(1.0, abs(float(fd)))
    cv = cliff_view(w0=4.5, lr=0.01, v=1.0, steps=5)
    assert np.linalg.norm(cv.grad) > 1000  # the wall
    jump_plain = np.linalg.norm(cv.path_plain[1] - cv.path_plain[0])
    jump_clip = np.linalg.norm(cv.path_clipped[1] - cv.path_clipped[0])
    assert jump_plain > 10.0 and jump_clip <= 0.01 + 1e-9  # lr * v
    assert cv.loss_plain[1] > 100 * cv.loss_clipped[1]  # thrown off the cliff without clipping


@pytest.mark.parametrize("v", [1.0, 100.0])
def test_the_zoom_window_holds_the_clipped_step_and_not_the_plain_one(v):
    """Issue 24 item 10: the clipped step (0.01 v long) is invisible on the whole map; the view
    draws a window around the start where it is, and the plain step leaves it."""
    cv = cliff_view(w0=4.5, lr=0.01, v=v)
    (w_lo, w_hi), (b_lo, b_hi) = cv.zoom_ws[[0, -1]], cv.zoom_bs[[0, -1]]
    assert np.allclose([(w_lo + w_hi) / 2, (b_lo + b_hi) / 2], cv.start)
    step = np.linalg.norm(cv.path_clipped[1] - cv.start)
    assert step == pytest.approx(0.01 * v)  # lr * v: the gradient (2,681) is above v
    assert 0.15 < step / (w_hi - w_lo) < 0.5  # a fifth to a half of the window: visible
    landed = cv.path_plain[1]  # lr * 2,681 = 26.8 away
    assert not (w_lo <= landed[0] <= w_hi and b_lo <= landed[1] <= b_hi)
    grid = cliff_loss(torch.tensor(cv.zoom_ws)[None, :], torch.tensor(cv.zoom_bs)[:, None]).numpy()
    np.testing.assert_allclose(cv.zoom_loss, grid)  # the real loss there, (Nb, Nw)
