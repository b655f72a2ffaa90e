"""A minimal real trainer: a 2-8-8-1 tanh MLP learning XOR-style quadrants with SGD.

Used to exercise the shared live-training loop (tests/ui, bench/bench_foundation.py) before and
beside the pages' own trainers; it follows the same ``dlcore.trainer`` protocol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from dlcore.config import flag, num
from dlcore.device import get_device, seed_everything, to_numpy
from dlcore.trainer import BaseTrainer


@dataclass(frozen=True)
class ToyConfig:
    lr: float = num(0.1, lo=1e-4, hi=100.0, live=True, label="Learning rate")
    hidden: int = num(8, lo=1, hi=64, label="Hidden units")
    batch: int = num(10, lo=1, hi=500, label="Batch size")
    seed: int = num(0, lo=0, hi=2**31 - 1, label="Seed")
    grid: int = num(40, lo=8, hi=200, label="Grid resolution", live=True)
    show_points: bool = flag(True)


@dataclass(frozen=True)
class ToySnapshot:
    grid: np.ndarray  # (G, G) network output over [-1, 1]^2
    points: np.ndarray  # (N, 2)
    labels: np.ndarray  # (N,) in {-1, +1}
    loss: float


class ToyTrainer(BaseTrainer):
    def __init__(self, cfg: ToyConfig, device: torch.device | None = None) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        gen = seed_everything(cfg.seed)
        x = torch.rand(200, 2, generator=gen) * 2 - 1  # (N, 2)
        self.x = x.to(self.device)
        self.y = torch.sign(x[:, 0] * x[:, 1]).to(self.device)  # (N,) XOR quadrants
        h = cfg.hidden
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, h),
            torch.nn.Tanh(),
            torch.nn.Linear(h, h),
            torch.nn.Tanh(),
            torch.nn.Linear(h, 1),
            torch.nn.Tanh(),
        ).to(self.device)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=cfg.lr)
        self.steps_per_epoch = max(1, len(self.x) // cfg.batch)
        self._order = torch.randperm(len(self.x), generator=gen).to(self.device)

    def _on_update(self, changed: set[str]) -> None:
        for group in self.opt.param_groups:
            group["lr"] = self.cfg.lr

    def _train(self, n: int) -> dict[str, float]:
        b = self.cfg.batch
        for k in range(n):
            start = ((self.steps + k) % self.steps_per_epoch) * b
            idx = self._order[start : start + b]
            loss = torch.mean((self.net(self.x[idx]).squeeze(1) - self.y[idx]) ** 2)  # MSE
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        return {"loss": float(loss.detach())}

    def full_loss(self) -> float:
        with torch.no_grad():
            return float(torch.mean((self.net(self.x).squeeze(1) - self.y) ** 2))

    def snapshot(self) -> ToySnapshot:
        g = self.cfg.grid
        axis = torch.linspace(-1, 1, g, device=self.device)
        yy, xx = torch.meshgrid(axis, axis, indexing="ij")
        with torch.no_grad():
            out = self.net(torch.stack([xx.ravel(), yy.ravel()], 1)).reshape(g, g)
        return ToySnapshot(to_numpy(out), to_numpy(self.x), to_numpy(self.y), self.full_loss())
