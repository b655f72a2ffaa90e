"""Our optimizers take the same steps as torch.optim; the lecture's decay hits eta_0 and eta_T."""

import numpy as np
import pytest
import torch

from dlcore.playground.optim import OPTIMIZERS, linear_decay

TORCH = {
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr, eps=1e-10),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.9, eps=1e-8),
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_matches_torch_optim(name):
    rng = np.random.default_rng(0)
    theta = rng.normal(size=6)
    param = torch.nn.Parameter(torch.tensor(theta.copy()))
    ours, ref = OPTIMIZERS[name](6), TORCH[name]([param], 0.05)
    for _ in range(6):
        g = rng.normal(size=6)
        ours.step(theta, g, 0.05)
        param.grad = torch.tensor(g)
        ref.step()
    assert np.allclose(theta, param.detach().numpy(), atol=1e-12)


def test_linear_decay_schedule():
    assert linear_decay(0, 100, 0.1, 0.001) == 0.1
    assert linear_decay(100, 100, 0.1, 0.001) == 0.001
    assert linear_decay(500, 100, 0.1, 0.001) == 0.001
    assert linear_decay(50, 100, 0.1, 0.001) == pytest.approx(0.0505)
