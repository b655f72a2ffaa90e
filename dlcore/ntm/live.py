"""The page's live trainer (dlcore.trainer protocol): continue training the shipped NTM on the
copy task, or train one from scratch with the length curriculum. pages/ntm.py, "Train live".
A step reads nothing from the device (issue 25): its metrics go to the history as 0-d tensors,
read when a frame reads the history (``snapshot``, ``diverged``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.device import get_device, seed_everything
from dlcore.nosync import Metrics
from dlcore.ntm.analysis import NTMTrace, random_sequence, trace_copy
from dlcore.ntm.model import NTM, NTMSpec
from dlcore.ntm.train import CopyTrainer, TrainSpec
from dlcore.trainer import BaseTrainer

PREVIEW_LEN = 12
PREVIEW_SECONDS = 0.3
CROWDED_PREVIEW_SECONDS = 5.0  # while a class outnumbers the training slots (live.crowded): a
# trace costs ~40 % of a training step, and a full class gets about one frame a second
BATCH = 16  # smaller than the script's 32: more frames per second on a shared server


@dataclass(frozen=True)
class LiveSnapshot:
    seen: np.ndarray  # sequences seen at each step
    bits: np.ndarray  # training bits wrong per sequence (per batch)
    max_len: int  # current longest length in the curriculum
    preview: NTMTrace  # a fixed length-12 sequence through the current weights


class NTMLiveTrainer(BaseTrainer):
    """One step = one batch of copy sequences."""

    def __init__(self, cfg, state: dict | None = None, spec: dict | None = None) -> None:
        super().__init__(cfg)
        seed_everything(cfg.seed)
        self.model = NTM(NTMSpec(**spec) if spec else NTMSpec()).to(get_device())
        scratch = cfg.start == "scratch" or state is None
        if not scratch:
            self.model.load_state_dict({k: v.float() for k, v in state.items()})
        tspec = TrainSpec(batch=BATCH, lr=cfg.lr, seed=cfg.seed, curriculum=scratch)
        self.core = CopyTrainer(self.model, tspec)
        self._seq = random_sequence(PREVIEW_LEN, seed=7)
        self._preview: tuple[int, float, NTMTrace] | None = None  # steps, time, trace

    def preview(self, every: float = PREVIEW_SECONDS) -> NTMTrace:
        """The preview copy through the current weights. While playing it is re-traced at most
        every ``every`` seconds (a trace costs a third of a training step, ~14 ms; the tape
        changes slowly); a Step or Reset at a human pace always shows the new weights."""
        now, last = time.monotonic(), self._preview
        if last is None or (last[0] != self.steps and now - last[1] >= every):
            self._preview = last = (self.steps, now, trace_copy(self.model, self._seq))
        return last[2]

    def step(self, n: int = 1) -> Metrics:
        """n batches; their mean loss and bits wrong, read only when looked at."""
        return Metrics(super().step(n))

    def _train(self, n: int) -> dict[str, torch.Tensor | float]:
        return self.core.run(n)

    def _on_update(self, changed: set[str]) -> None:
        if "lr" in changed:
            self.core.set_lr(self.cfg.lr)

    def snapshot(self, preview_every: float = PREVIEW_SECONDS) -> LiveSnapshot:
        return LiveSnapshot(
            seen=self.history.array("seen"),
            bits=self.history.array("bits_wrong"),
            max_len=int(self.core.cur_max),
            preview=self.preview(preview_every),
        )

    @property
    def weights(self) -> dict[str, torch.Tensor]:
        return self.model.state_dict()
