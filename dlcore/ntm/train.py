"""Seeded, batched copy-task training for the NTM and the LSTM baseline.

Each batch has one length drawn uniformly from [min_len, max_len] (pytorch-ntm does the same);
loss = binary cross-entropy on the output part; Adam with gradient-norm clipping. A training step
reads nothing from the device (issue 25) but the length it draws from a CPU generator. Used by
``dlcore.ntm.pretrain`` (shipped checkpoints) and the page's live trainer (``dlcore.ntm.live``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from dlcore.nosync import Adam, Metrics, sum_dtype
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
    """Trains ``model`` on the copy task; ``step(n)`` runs n batches and returns metrics.

    The curriculum's error EMA needs each batch's bits wrong on the host, but only when it could
    fall under 1 %: every bit wrong only raises it, so while the EMA with the unread batches'
    bits taken as 0 is still >= 1 % (or too few steps were taken at this level), the longest
    length cannot have grown and the bits stay on the device (read at most every ~40 batches
    while the error is high, as often as needed near a raise)."""

    def __init__(self, model: nn.Module, spec: TrainSpec = TrainSpec(), seen: int = 0) -> None:
        self.model = model
        self.spec = spec
        self.opt = Adam(model.parameters(), lr=spec.lr)  # torch's numbers, its step count on host
        self.gen = torch.Generator().manual_seed(spec.seed * 1_000_003 + seen)
        self.device = next(model.parameters()).device
        self.seen = seen  # sequences seen so far
        self.steps = 0
        self._cur_max = spec.start_len if spec.curriculum else spec.max_len
        self._err_ema, self._at_level = 1.0, 0
        self._unread: list[tuple[torch.Tensor, int]] = []  # (bits, length) not yet in the EMA
        self._ema_floor = 1.0  # the EMA with the unread bits as 0: the least it can be

    @property
    def cur_max(self) -> int:
        """The longest length now (the unread bits are read when they could have raised it)."""
        if self._unread and self._may_advance():
            self._read_bits()
        return self._cur_max

    def _may_advance(self) -> bool:
        """Whether the latest unread batch could have raised the longest length (the earlier
        ones could not: this was asked before each of them was drawn)."""
        at_level = self._at_level + len(self._unread)
        return self._ema_floor < 0.01 and at_level >= 20 and self._cur_max < self.spec.max_len

    def _read_bits(self) -> None:
        """Read the unread batches' bits in one copy and advance the curriculum through them."""
        unread, self._unread = self._unread, []
        for bits, (_, length) in zip(torch.stack([b for b, _ in unread]).tolist(), unread):
            self._advance_curriculum(bits, length)

    def _advance_curriculum(self, bits: float, length: int) -> None:
        """Raise the longest length by 2 once < 1% of output bits are wrong (EMA) at this level."""
        self._err_ema = 0.9 * self._err_ema + 0.1 * bits / (length * 8)
        self._at_level += 1
        if self._err_ema < 0.01 and self._at_level >= 20 and self._cur_max < self.spec.max_len:
            self._cur_max = min(self.spec.max_len, self._cur_max + 2)
            self._err_ema, self._at_level = 1.0, 0
        self._ema_floor = self._err_ema

    def _note_bits(self, bits: torch.Tensor, length: int) -> None:
        """Keep a batch's bits (0-d, on the device) for the curriculum, unread for now."""
        if self._cur_max >= self.spec.max_len:
            return  # the longest length is reached: nothing left for the EMA to decide
        self._unread.append((bits, length))
        self._ema_floor = 0.9 * self._ema_floor  # the EMA's update with 0 bits wrong

    def set_lr(self, lr: float) -> None:
        for group in self.opt.param_groups:
            group["lr"] = lr

    def _draw_length(self, hi: int) -> int:
        """This batch's length, U(min_len, hi): a draw from the CPU generator, read on the host
        whatever the device (the length is the tape's shape)."""
        return int(torch.randint(self.spec.min_len, hi + 1, (1,), generator=self.gen))

    def _one(self) -> tuple[torch.Tensor, torch.Tensor, int]:
        sp = self.spec
        length = self._draw_length(max(sp.min_len, self.cur_max))
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
        bits = bits_wrong(out.detach(), y).mean()
        if sp.curriculum:
            self._note_bits(bits, length)
        return loss.detach(), bits, length

    def run(self, n: int = 1) -> dict[str, torch.Tensor | float]:
        """``step`` without reading the device: loss, bits wrong and mean length are 0-d tensors
        (float64, as the host computed them; float32 on MPS). A batch whose loss is not finite
        still ends what they average over (see ``step``), but the batches after it in this call
        are run, on the NaN weights, and counted in ``seen``: only a read could skip them."""
        dt = sum_dtype(self.device)
        sums = torch.zeros(3, dtype=dt, device=self.device)  # loss, bits, length
        count = torch.zeros((), dtype=dt, device=self.device)
        counts = torch.ones((), dtype=torch.bool, device=self.device)  # no NaN/inf loss yet
        for _ in range(max(1, int(n))):
            loss, bits, length = self._one()
            size = torch.full((), length, dtype=dt, device=self.device)
            row = torch.stack([loss.to(dt), bits.to(dt), size])
            sums = sums + torch.where(counts, row, 0.0)  # one by one, as Python's sum() adds
            count = count + counts.to(dt)
            counts = counts & torch.isfinite(loss)
        loss, bits, mean_len = sums / count
        return {
            "loss": loss,
            "bits_wrong": bits,
            "mean_len": mean_len,
            "seen": float(self.seen),
            "max_len": float(self.cur_max),
        }

    def step(self, n: int = 1) -> dict[str, float]:
        """Run ``n`` batches; metrics averaged over them (bits wrong per sequence, BCE loss),
        read to the host. A batch whose loss is not finite ends what they average over: the loss
        returned is then NaN or infinite, which the live panel shows as divergence
        (``dlcore.trainer``)."""
        return dict(Metrics(self.run(n)))


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
