"""Seeded, batched copy-task training for the NTM and the LSTM baseline.

Each batch has one length drawn uniformly from [min_len, max_len] (pytorch-ntm does the same);
loss = binary cross-entropy on the output part; Adam with gradient-norm clipping. Used by
``dlcore.ntm.pretrain`` (shipped checkpoints) and the page's Train button (pages/ntm.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from dlcore.ntm.task import bits_wrong, output_part, random_batch


@dataclass(frozen=True)
class TrainSpec:
    """Training hyper-parameters (stored in every checkpoint)."""

    batch: int = 32
    lr: float = 1e-3
    min_len: int = 1
    max_len: int = 20
    clip: float = 10.0
    seed: int = 0
    curriculum: bool = True  # grow the longest length from start_len as the error falls
    start_len: int = 4


class CopyTrainer:
    """Trains ``model`` on the copy task; ``step(n)`` runs n batches and returns metrics."""

    def __init__(self, model: nn.Module, spec: TrainSpec = TrainSpec(), seen: int = 0) -> None:
        self.model = model
        self.spec = spec
        self.opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
        self.gen = torch.Generator().manual_seed(spec.seed * 1_000_003 + seen)
        self.device = next(model.parameters()).device
        self.seen = seen  # sequences seen so far
        self.steps = 0
        self.cur_max = spec.start_len if spec.curriculum else spec.max_len
        self._err_ema, self._at_level = 1.0, 0

    def _advance_curriculum(self, bits: float, length: int) -> None:
        """Raise the longest length by 2 once < 1% of output bits are wrong (EMA) at this level."""
        self._err_ema = 0.9 * self._err_ema + 0.1 * bits / (length * 8)
        self._at_level += 1
        if self._err_ema < 0.01 and self._at_level >= 20 and self.cur_max < self.spec.max_len:
            self.cur_max = min(self.spec.max_len, self.cur_max + 2)
            self._err_ema, self._at_level = 1.0, 0

    def set_lr(self, lr: float) -> None:
        for group in self.opt.param_groups:
            group["lr"] = lr

    def _one(self) -> tuple[float, float, int]:
        sp = self.spec
        hi = max(sp.min_len, self.cur_max)
        length = int(torch.randint(sp.min_len, hi + 1, (1,), generator=self.gen))
        x, y = random_batch(sp.batch, length, self.gen, device=self.device)
        self.model.train()
        logits, _ = self.model(x)
        out = output_part(logits, length)  # (B, L, bits)
        loss = F.binary_cross_entropy_with_logits(out, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), sp.clip)
        self.opt.step()
        self.seen += sp.batch
        self.steps += 1
        bits = float(bits_wrong(out.detach(), y).mean())
        if sp.curriculum:
            self._advance_curriculum(bits, length)
        return float(loss.detach()), bits, length

    def step(self, n: int = 1) -> dict[str, float]:
        """Run ``n`` batches; metrics averaged over them (bits wrong per sequence, BCE loss).
        A batch whose loss is not finite ends the run early: the loss it returns is then NaN or
        infinite, which the live panel shows as divergence (``dlcore.trainer``)."""
        losses, wrong, lens = [], [], []
        for _ in range(max(1, int(n))):
            loss, bw, length = self._one()
            losses.append(loss)
            wrong.append(bw)
            lens.append(length)
            if not math.isfinite(loss):
                break
        return {
            "loss": sum(losses) / len(losses),
            "bits_wrong": sum(wrong) / len(wrong),
            "mean_len": sum(lens) / len(lens),
            "seen": float(self.seen),
            "max_len": float(self.cur_max),
        }


@torch.no_grad()
def evaluate(
    model: nn.Module,
    lengths: list[int] | tuple[int, ...],
    n_per_length: int = 32,
    seed: int = 12345,
    ablation=None,
) -> dict[int, float]:
    """Mean bits wrong per sequence at each length on a fixed seeded sample. Each length has its
    own generator (seeded by ``seed`` and the length), so a length's sequences, and its score, are
    the same whatever other lengths are asked for."""
    model.eval()
    device = next(model.parameters()).device
    kwargs = {} if ablation is None else {"ablation": ablation}
    res = {}
    for length in lengths:
        gen = torch.Generator().manual_seed(seed * 100_003 + int(length))
        x, y = random_batch(n_per_length, int(length), gen, device=device)
        logits, _ = model(x, **kwargs)
        res[int(length)] = float(bits_wrong(output_part(logits, int(length)), y).mean())
    return res
