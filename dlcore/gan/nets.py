"""Generator G(z; theta_g) and discriminator D(x; theta_d) as MLPs, and their optimizers.

Lecture: "G: a differentiable function represented by a MLP with parameters theta_g"; "D(x):
a second MLP that outputs a single scalar". D returns a raw score (logit); each loss in
dlcore.gan.losses says how the score maps to D(x). Page: pages/gan.py.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable

import torch
from torch import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
}

# Adam with beta1 = 0.5 (the usual GAN setting, DCGAN); SGD with the lecture's momentum.
OPTIMIZERS: dict[str, Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]] = {
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.5, 0.999)),
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


_depth = threading.local()  # nesting depth of single_thread() in this thread
_process_threads = 0  # the process's intra-op thread count, as last seen outside single_thread()


def single_thread(method: Callable) -> Callable:
    """Run a GAN trainer's method (CPU) on one intra-op thread, then restore the process's count.

    These nets do a few thousand multiply-adds per sample: splitting them across threads buys
    nothing, and on a busy machine (more runnable threads than cores) the BLAS / OpenMP workers
    spin waiting for each other. Measured on 2 cores at load 8-10: an iteration of the ring-8
    preset plus a live snapshot took 400-500 ms wall on 2 threads, 24-40 ms on 1.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        global _process_threads
        depth = getattr(_depth, "n", 0)
        if self.device.type != "cpu" or depth:
            return method(self, *args, **kwargs)
        now = torch.get_num_threads()
        _process_threads = now if now != 1 else _process_threads
        torch.set_num_threads(1)
        _depth.n = 1
        try:
            return method(self, *args, **kwargs)
        finally:
            _depth.n = 0
            torch.set_num_threads(_process_threads or now)

    return wrapper
