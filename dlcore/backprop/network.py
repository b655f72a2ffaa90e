"""The lecture's two-layer sigmoid network: error signals and weight updates on one example.

Backpropagation: error signal and weight update (the lecture's slides, Hinton's notation), for
sigmoid units f(net) = 1 / (1 + exp(-net)) and the squared error E = 1/2 sum_k (t_k - o_k)^2:

    delta_k = f'(net_k) (o_k - t_k)                      output unit k
    delta_j = f'(net_j) sum_k delta_k w_kj               hidden unit j (the error propagated back)
    Delta w_ij = -eta delta_j o_i                        the link from unit i to unit j

with f'(net) = o (1 - o), o_i the output of the unit the link comes from (the input x_i for
the first layer) and biases as weights from a unit whose output is always 1. delta_j is dE/dnet_j;
``state`` checks every delta against ``torch.autograd``. ``NetworkTrainer`` does plain SGD
steps on the student's example for the live panel of pages/backprop.py.

"Worked example" weights count up from 0.15 in steps of 0.05 (the first layer row by row, its
bias, the second layer, its bias): with 2-2-2, x = (0.05, 0.10) and t = (0.01, 0.99) this is the
widely used step-by-step example whose error before the first step is 0.298371109.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from dlcore.backprop import reference_device
from dlcore.backprop.config import NetConfig
from dlcore.device import to_numpy
from dlcore.trainer import BaseTrainer

Params = dict[str, torch.Tensor]  # W1 (J, I), b1 (J,), W2 (K, J), b2 (K,)


def ladder_weights(n_in: int, n_hidden: int, n_out: int) -> dict[str, np.ndarray]:
    """0.15, 0.20, 0.25, ... over W1 (row by row), b1, W2, b2 (one value per bias layer)."""
    k = 0

    def take(n: int) -> np.ndarray:
        nonlocal k
        out = 0.15 + 0.05 * np.arange(k, k + n)
        k += n
        return out

    W1 = take(n_hidden * n_in).reshape(n_hidden, n_in)
    b1 = np.full(n_hidden, take(1)[0])
    W2 = take(n_out * n_hidden).reshape(n_out, n_hidden)
    b2 = np.full(n_out, take(1)[0])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initial_params(cfg: NetConfig) -> Params:
    n_in, n_out = len(cfg.x), len(cfg.t)
    if cfg.init == "ladder":
        arrays = ladder_weights(n_in, cfg.hidden, n_out)
    else:
        rng = np.random.default_rng(cfg.seed)
        shapes = {
            "W1": (cfg.hidden, n_in),
            "b1": (cfg.hidden,),
            "W2": (n_out, cfg.hidden),
            "b2": (n_out,),
        }
        arrays = {k: rng.uniform(-1.0, 1.0, size=s) for k, s in shapes.items()}
    device = reference_device()
    return {k: torch.tensor(v, dtype=torch.float64, device=device) for k, v in arrays.items()}


@dataclass(frozen=True)
class NetState:
    """One example through the network: every unit's net input, output and error signal, the
    update of every weight, and the error before and after that update."""

    x: np.ndarray  # (I,)
    t: np.ndarray  # (K,)
    W1: np.ndarray  # (J, I) w_ij of the link from input i to hidden j
    b1: np.ndarray  # (J,)
    W2: np.ndarray  # (K, J) w_kj of the link from hidden j to output k
    b2: np.ndarray  # (K,)
    net_h: np.ndarray  # (J,)
    o_h: np.ndarray  # (J,)
    net_o: np.ndarray  # (K,)
    o_o: np.ndarray  # (K,)
    delta_o: np.ndarray  # (K,) dE/dnet_k by the formula
    delta_h: np.ndarray  # (J,) dE/dnet_j by the formula
    auto_delta_o: np.ndarray  # (K,) dE/dnet_k by torch.autograd
    auto_delta_h: np.ndarray  # (J,)
    dw1: np.ndarray  # (J, I) Delta w_ij = -eta delta_j x_i
    db1: np.ndarray  # (J,)
    dw2: np.ndarray  # (K, J) Delta w_kj = -eta delta_k o_j
    db2: np.ndarray  # (K,)
    eta: float
    loss: float  # E now
    loss_after: float  # E after applying the updates above

    @property
    def max_delta_error(self) -> float:
        diffs = [self.delta_o - self.auto_delta_o, self.delta_h - self.auto_delta_h]
        return float(max(np.abs(d).max() for d in diffs))


def forward(p: Params, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """net and o of the hidden and output layers."""
    net_h = p["W1"] @ x + p["b1"]  # (J,)
    o_h = torch.sigmoid(net_h)
    net_o = p["W2"] @ o_h + p["b2"]  # (K,)
    return net_h, o_h, net_o, torch.sigmoid(net_o)


def error(o: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """E = 1/2 sum_k (t_k - o_k)^2."""
    return 0.5 * torch.sum((t - o) ** 2)


def deltas(p: Params, x: torch.Tensor, t: torch.Tensor) -> dict[str, torch.Tensor]:
    """The lecture's error signals and updates, written out (no autograd)."""
    net_h, o_h, net_o, o_o = forward(p, x)
    delta_o = o_o * (1 - o_o) * (o_o - t)  # f'(net_k) (o_k - t_k)
    delta_h = o_h * (1 - o_h) * (p["W2"].T @ delta_o)  # f'(net_j) sum_k delta_k w_kj
    return {
        "net_h": net_h,
        "o_h": o_h,
        "net_o": net_o,
        "o_o": o_o,
        "delta_o": delta_o,
        "delta_h": delta_h,
    }


def updates(p: Params, d: dict[str, torch.Tensor], x: torch.Tensor, eta: float) -> Params:
    """Delta w_ij = -eta delta_j o_i for every link (o_i = 1 for a bias)."""
    return {
        "W1": -eta * torch.outer(d["delta_h"], x),
        "b1": -eta * d["delta_h"],
        "W2": -eta * torch.outer(d["delta_o"], d["o_h"]),
        "b2": -eta * d["delta_o"],
    }


def autograd_deltas(p: Params, x: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """dE/dnet of the output and hidden units by torch.autograd (the check of the formulas)."""
    net_h = (p["W1"] @ x + p["b1"]).detach().requires_grad_(True)
    net_o = p["W2"] @ torch.sigmoid(net_h) + p["b2"]
    net_o.retain_grad()
    error(torch.sigmoid(net_o), t).backward()
    return net_o.grad, net_h.grad


def state(p: Params, x: torch.Tensor, t: torch.Tensor, eta: float) -> NetState:
    d = deltas(p, x, t)
    up = updates(p, d, x, eta)
    stepped = {k: p[k] + up[k] for k in p}
    auto_o, auto_h = autograd_deltas(p, x, t)
    n = {k: to_numpy(v) for k, v in {**p, **d}.items()}
    u = {f"d{k.lower()}": to_numpy(v) for k, v in up.items()}  # dw1, db1, dw2, db2
    return NetState(
        x=to_numpy(x),
        t=to_numpy(t),
        **n,
        auto_delta_o=to_numpy(auto_o),
        auto_delta_h=to_numpy(auto_h),
        **u,
        eta=eta,
        loss=float(error(d["o_o"], t)),
        loss_after=float(error(forward(stepped, x)[3], t)),
    )


@dataclass(frozen=True)
class NetSnapshot:
    now: NetState  # the network as it is (its deltas propose the next step)
    steps: np.ndarray  # (S,) 0, 1, 2, ... steps taken
    losses: np.ndarray  # (S,) E after each
    last: tuple[float, float] | None  # E before and after the latest step taken


class NetworkTrainer(BaseTrainer):
    """Plain SGD on one example with the lecture's deltas (the step is the formulas above,
    not an optimizer): the panel's Step is one weight update."""

    def __init__(self, cfg: NetConfig) -> None:
        super().__init__(cfg)
        device = reference_device()
        self.x = torch.tensor(cfg.x, dtype=torch.float64, device=device)
        self.t = torch.tensor(cfg.t, dtype=torch.float64, device=device)
        self.params = initial_params(cfg)
        loss0 = float(error(forward(self.params, self.x)[3], self.t))
        self.curve: list[tuple[int, float]] = [(0, loss0)]
        self.last: tuple[float, float] | None = None

    def _train(self, n: int) -> dict[str, float]:
        before = after = float("nan")
        for _ in range(n):
            d = deltas(self.params, self.x, self.t)
            before = float(error(d["o_o"], self.t))
            for k, v in updates(self.params, d, self.x, self.cfg.eta).items():
                self.params[k] = self.params[k] + v
            after = float(error(forward(self.params, self.x)[3], self.t))
        self.last = (before, after)
        self.curve.append((self.steps + n, after))
        if len(self.curve) > 4000:  # bounded: keep every other point
            self.curve = self.curve[:1] + self.curve[1::2]
        return {"loss": after}

    def snapshot(self) -> NetSnapshot:
        steps, losses = zip(*self.curve)
        return NetSnapshot(
            state(self.params, self.x, self.t, self.cfg.eta),
            np.array(steps, dtype=float),
            np.array(losses),
            self.last,
        )
