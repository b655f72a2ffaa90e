"""The VAE minibatch algorithm (lecture "VAE: Minibatch Algorithm") as a live trainer.

repeat: X^M <- random minibatch; eps <- p(eps); g <- grad of the (beta-weighted) SGVB estimate;
Adam update. Metrics are nats per example (per image): -ELBO = reconstruction NLL + KL, so the
three curves always add up. Used by the VAE page's live panel (dlcore/ui/views/vae.py), by
pretrain.py and bench/.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from dlcore.data.splits import DataSplit
from dlcore.device import get_device
from dlcore.nosync import Adam, Metrics
from dlcore.trainer import BaseTrainer, nonfinite_message
from dlcore.vae.data import LOADERS
from dlcore.vae.model import VAE, VAESpec, build_vae

METRIC_NAMES = {"neg_elbo": "-ELBO", "recon": "reconstruction", "kl": "KL"}


@functools.lru_cache(maxsize=4)
def cached_split(dataset: str) -> DataSplit:
    """Read-only data, once per process (the split seed is fixed so test sets are comparable)."""
    return LOADERS[dataset](0)


def spec_from_cfg(cfg: Any, side: int) -> VAESpec:
    return VAESpec(
        arch=cfg.arch, side=side, latent_dim=int(cfg.latent_dim), hidden=int(cfg.hidden),
        likelihood=cfg.likelihood,
    )  # fmt: skip


@dataclass(frozen=True)
class TrainCurves:
    """Metric curves for the page (nats per example; NaN where a value was not measured)."""

    step: np.ndarray
    train_neg_elbo: np.ndarray
    train_recon: np.ndarray  # -E_q[log p(x|z)]
    train_kl: np.ndarray
    test_neg_elbo: np.ndarray
    test_recon: np.ndarray
    test_kl: np.ndarray
    epoch: float
    steps: int


@torch.no_grad()
def evaluate(model: VAE, x: torch.Tensor, n_samples: int = 1, seed: int = 0) -> dict[str, float]:
    """Mean -ELBO, reconstruction NLL and KL per example on ``x`` (fixed eps for comparability)."""
    return dict(Metrics(evaluate_on_device(model, x, n_samples, seed)))


@torch.no_grad()
def evaluate_on_device(
    model: VAE, x: torch.Tensor, n_samples: int = 1, seed: int = 0
) -> dict[str, torch.Tensor]:
    """``evaluate`` as 0-d tensors on ``x``'s device (nothing read to the host)."""
    g = torch.Generator(device="cpu").manual_seed(seed)
    eps = torch.randn((n_samples, len(x), model.spec.latent_dim), generator=g).to(x.device)
    t = model.elbo_terms(x, eps=eps)
    return {"neg_elbo": -t.elbo.mean(), "recon": -t.recon.mean(), "kl": t.kl.mean()}


class VAETrainer(BaseTrainer):
    """Trains a fresh, seeded VAE on the configured data. ``cfg`` is a VAEConfig (or duck-alike)."""

    def __init__(
        self, cfg: Any, device: torch.device | None = None, data: DataSplit | None = None
    ) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        self.data = data or cached_split(cfg.dataset)
        self.gen = torch.Generator(device="cpu").manual_seed(int(cfg.seed))
        # seeded privately: other sessions drawing from torch's global generator change nothing
        self.model = build_vae(spec_from_cfg(cfg, self.data.side), self.device, seed=cfg.seed)
        self.opt = Adam(self.model.parameters(), lr=float(cfg.lr))
        self.x_train = torch.as_tensor(self.data.x_train, device=self.device)  # (N, D)
        self.x_test = torch.as_tensor(self.data.x_test, device=self.device)
        self._order = torch.empty(0, dtype=torch.long)
        self.steps_per_epoch = max(1, len(self.x_train) // int(cfg.batch))

    def _next_batch(self, m: int) -> torch.Tensor:
        if len(self._order) < m:  # new epoch: a fresh random order (drawn from the full data set)
            self._order = torch.randperm(len(self.x_train), generator=self.gen)
        idx, self._order = self._order[:m], self._order[m:]
        return self.x_train[idx.to(self.device)]

    def step(self, n: int = 1) -> Metrics:
        """n optimisation steps, one history row per stretch that ends at the first step, at an
        epoch's end or at the n-th step. The test metrics are measured at the first step and at
        every epoch's end, so the curves are the same whether the steps came from Step, from Play
        at whatever speed the server allows (its chunks vary), or from one call."""
        left, metrics = max(1, int(n)), {}  # 0-d device tensors: read when history is read
        while left > 0:
            to_end = self.steps_per_epoch - self.steps % self.steps_per_epoch
            stretch = min(left, 1 if self.steps == 0 else to_end)
            metrics = self._train(stretch)
            self.steps, left = self.steps + stretch, left - stretch
            if self.steps == 1 or self.steps % self.steps_per_epoch == 0:
                self.model.eval()
                test = evaluate_on_device(self.model, self.x_test)
                metrics.update({f"test_{name}": value for name, value in test.items()})
            self.history.append(self.steps, metrics)
        return Metrics(metrics)

    def _train(self, n: int) -> dict[str, torch.Tensor]:
        self.model.train()
        m, beta, L = int(self.cfg.batch), float(self.cfg.beta), int(self.cfg.samples)
        sums = torch.zeros(3, device=self.device)
        for _ in range(n):
            x = self._next_batch(m)  # (M, D)
            shape = (L, len(x), self.model.spec.latent_dim)  # an epoch's last batch may be short
            eps = torch.randn(shape, generator=self.gen).to(self.device)
            t = self.model.elbo_terms(x, eps=eps)
            loss = t.loss(beta)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            sums += torch.stack([-t.elbo.mean(), -t.recon.mean(), t.kl.mean()]).detach()
        s = sums / n  # (3,) on the device
        return {"train_neg_elbo": s[0], "train_recon": s[1], "train_kl": s[2]}

    @property
    def diverged(self) -> str | None:
        """What became NaN or infinite in the latest minibatch (or, failing that, test) metrics,
        named as the page names them: "-ELBO, reconstruction, KL became NaN or infinite"."""
        last = self.history.last()
        for split in ("train", "test"):
            named = {name: last[f"{split}_{key}"] for key, name in METRIC_NAMES.items()
                     if f"{split}_{key}" in last}  # fmt: skip
            message = nonfinite_message(named)
            if message:
                return message if split == "train" else f"on the test set, {message}"
        return None

    def _on_update(self, changed: set[str]) -> None:
        if "lr" in changed:
            for group in self.opt.param_groups:
                group["lr"] = float(self.cfg.lr)
        if "batch" in changed:
            self.steps_per_epoch = max(1, len(self.x_train) // int(self.cfg.batch))

    def snapshot(self) -> TrainCurves:
        h = self.history
        return TrainCurves(
            step=h.array("step"),
            train_neg_elbo=h.array("train_neg_elbo"), train_recon=h.array("train_recon"),
            train_kl=h.array("train_kl"), test_neg_elbo=h.array("test_neg_elbo"),
            test_recon=h.array("test_recon"), test_kl=h.array("test_kl"),
            epoch=float(self.epoch), steps=int(self.steps),
        )  # fmt: skip
