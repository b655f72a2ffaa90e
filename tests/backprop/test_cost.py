"""The cost of reverse mode (dlcore/backprop/cost.py): the counted operations against the
formula 2 (n H + (L - 1) H^2 + H) per forward pass, the finite differences' batches count
exactly n or 2n passes, both gradients agree with torch.autograd's Jacobian, and the ratio grows
with n."""

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from dlcore.backprop.cost import (
    cost_study,
    count_flops,
    fd_gradient,
    make_net,
    passes,
    reverse_gradient,
)


@pytest.mark.parametrize("n, hidden, layers", [(7, 16, 1), (50, 32, 3)])
def test_counts_match_the_formula(n, hidden, layers):
    net = make_net(n, hidden, layers)
    x = torch.randn(n, dtype=torch.float64)
    fwd, rev = count_flops(net, x)
    assert fwd == 2 * (n * hidden + (layers - 1) * hidden**2 + hidden)
    assert rev == 2 * fwd  # backward to x only: one product per layer, as many as forward
    for kind in ("central", "forward"):
        with FlopCounterMode(display=False) as counter:
            fd_gradient(net, x, kind)
        assert counter.get_total_flops() == passes(n, kind) * fwd


def test_both_gradients_agree_with_the_jacobian():
    net = make_net(30, 16, 2)
    x = torch.randn(30, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda v: net(v[None]).sum(), x)
    assert reverse_gradient(net, x) == pytest.approx(jac, abs=1e-14)
    assert fd_gradient(net, x, "central") == pytest.approx(jac, abs=1e-8)
    assert fd_gradient(net, x, "forward") == pytest.approx(jac, abs=1e-5)


def test_study_sweep():
    r = cost_study(300, 16, 2, "central")
    assert r.fd_flops == 600 * r.forward_flops and r.max_diff < 1e-7
    assert 300 in r.sweep_n and list(r.sweep_n) == sorted(r.sweep_n)
    ratio = r.sweep_fd / r.sweep_reverse
    assert (ratio[1:] > ratio[:-1]).all()  # finite differences fall further behind as n grows
    assert r.reverse_s > 0 and r.fd_s > 0
