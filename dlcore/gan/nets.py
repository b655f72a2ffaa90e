"""Generator G(z; theta_g) and discriminator D(x; theta_d) as MLPs, and their optimizers.

Lecture: "G: a differentiable function represented by a MLP with parameters theta_g"; "D(x):
a second MLP that outputs a single scalar". D returns a raw score (logit); each loss in
dlcore.gan.losses says how the score maps to D(x). Page: pages/gan.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from dlcore.nosync import Adam

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
}

# Adam with beta1 = 0.5 (the usual GAN setting, DCGAN); SGD with the lecture's momentum.
# Adam: torch's numbers without reading its step counts from tensors every step (dlcore.nosync).
OPTIMIZERS: dict[str, Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]] = {
    "adam": lambda p, lr: Adam(p, lr=lr, betas=(0.5, 0.999)),
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
}


def mlp(
    n_in: int, n_out: int, layers: int, neurons: int, activation: str, out: nn.Module | None = None
) -> nn.Sequential:
    """n_in -> [Linear(neurons) + act] * layers -> Linear(n_out) [-> out]."""
    mods: list[nn.Module] = []
    width = n_in
    for _ in range(layers):
        mods += [nn.Linear(width, neurons), ACTIVATIONS[activation]()]
        width = neurons
    mods.append(nn.Linear(width, n_out))
    if out is not None:
        mods.append(out)
    return nn.Sequential(*mods)


def build_pair(
    z_dim: int,
    x_dim: int,
    g_shape: tuple[int, int, str],
    d_shape: tuple[int, int, str],
    seed: int,
    device: torch.device,
    g_out: nn.Module | None = None,
) -> tuple[nn.Sequential, nn.Sequential]:
    """Seeded G and D (layers, neurons, activation each) on ``device``; global RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        g = mlp(z_dim, x_dim, *g_shape, out=g_out)
        d = mlp(x_dim, 1, *d_shape)
    return g.to(device), d.to(device)
