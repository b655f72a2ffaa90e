"""Live trainer for the date encoder-decoder (the page's Train button) and the pretrain loop.

Follows dlcore.trainer.BaseTrainer: ``step(n)`` trains n mini-batches of freshly generated dates
(teacher forcing, Adam, gradient clipping), ``snapshot()`` returns the alignment of one watched date
plus the loss curve; the learning rate is live. Page: pages/attention.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import torch

from dlcore.attention import dates
from dlcore.attention.seq2seq import (
    MODELS,
    AttentionMaps,
    ModelSpec,
    Seq2Seq,
    attend,
    batch_tensors,
    loss_of,
)
from dlcore.config import choice, num, text
from dlcore.device import get_device, seed_everything
from dlcore.nosync import Adam, Metrics, sum_dtype
from dlcore.trainer import BaseTrainer


@dataclass(frozen=True)
class DateTrainCfg:
    """Settings the trainer reads (the page's config carries the same field names)."""

    score: str = choice("additive", MODELS)
    lr: float = num(3e-3, lo=1e-4, hi=0.05, live=True)
    batch: int = num(64, lo=8, hi=256)
    seed: int = num(0, lo=0, hi=10_000)
    date: str = text("Fri 27 Nov 2026", max_len=5000, live=True)

    @classmethod
    def of(cls, cfg: Any) -> DateTrainCfg:
        """The trainer's fields of a larger config (the page's): what the page shows elsewhere
        (a temperature, a MiniLM toggle) neither rebuilds nor updates the trainer."""
        return cls(**{f.name: getattr(cfg, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class DateSnapshot:
    maps: AttentionMaps | None  # None for the no-attention baseline
    output: str
    loss_steps: np.ndarray  # (N,)
    loss: np.ndarray  # (N,)


class DateTrainer(BaseTrainer):
    """Trains a fresh Seq2Seq for ``cfg.score`` on generated dates (score, lr, batch, seed)."""

    def __init__(self, cfg: Any, spec: ModelSpec | None = None) -> None:
        super().__init__(cfg)
        seed_everything(int(cfg.seed))
        self.device = get_device()
        self.model = Seq2Seq(spec or ModelSpec(score=cfg.score)).to(self.device)
        self.opt = Adam(self.model.parameters(), lr=float(cfg.lr))
        self.rng = np.random.default_rng(int(cfg.seed))

    def step(self, n: int = 1) -> Metrics:
        """n mini-batches; the mean loss over them, read only when looked at."""
        return Metrics(super().step(n))

    def _train(self, n: int) -> dict[str, torch.Tensor]:
        self.model.train()
        # summed on the device in float64 (sum_dtype), as the Python float it used to be
        total = torch.zeros((), dtype=sum_dtype(self.device), device=self.device)
        for _ in range(n):
            pairs = dates.sample_dates(int(self.cfg.batch), self.rng)
            loss = loss_of(self.model, *batch_tensors(pairs, self.device))
            self.opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            total += loss.detach()
        self.model.eval()
        return {"loss": total / n}

    @property
    def epoch(self) -> float:
        """Thousands of generated dates seen (the data is an endless stream)."""
        return self.steps * int(self.cfg.batch) / 1000

    def _on_update(self, changed: set[str]) -> None:
        if "lr" in changed:
            for g in self.opt.param_groups:
                g["lr"] = float(self.cfg.lr)

    def snapshot(self) -> DateSnapshot:
        watch = dates.normalize_source(str(self.cfg.date))[0] or DateTrainCfg.date
        maps = attend(self.model, watch)
        return DateSnapshot(
            maps if self.model.spec.flow != "none" else None,
            maps.text,
            self.history.array("step"),
            self.history.array("loss"),
        )
