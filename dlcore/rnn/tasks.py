"""Long-range toy tasks for recurrent nets, with their no-memory baselines in closed form.

- adding problem (Hochreiter & Schmidhuber 1997; the Le, Jaitly & Hinton 2015 variant): inputs
  (value ~ U(0, 1), marker), two markers, target = sum of the two marked values. A net that cannot
  remember predicts the mean 1: MSE = Var(u1 + u2) = 2 / 12 = 1/6 ~ 0.167.
- latch (Bengio et al. 1994): the first step shows one of K symbols, then T - 1 distractor symbols;
  predict the first symbol at the end. No memory: uniform guess, cross-entropy ln K.
- delayed copy (Arjovsky et al. 2016): K symbols from an alphabet of A, a delay of blanks, a
  delimiter, then reproduce the K symbols. No memory: blanks where they are certain, uniform over
  the alphabet for the K recalled symbols: cross-entropy K ln A / (T + 2K) per step.
Used by dlcore/rnn/trainer.py and pages/rnn.py (training on long-range tasks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.nn import functional as F


@dataclass(frozen=True)
class Batch:
    x: torch.Tensor  # (B, T_total, n_in)
    y: torch.Tensor  # adding: (B, 1) float; latch: (B,) long; copy: (B, T_total) long


@dataclass(frozen=True)
class Task:
    """A task: sizes, batch sampler, loss, closed-form no-memory baseline and a success level."""

    name: str
    label: str
    n_in: Callable[[int], int]  # n_in(T)
    n_out: int
    every_step: bool
    sample: Callable[[int, int, torch.Generator, torch.device], Batch]  # (B, T, gen, device)
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    baseline: Callable[[int], float]  # T -> loss of the best memoryless predictor
    metric: str
    solved_below: float  # loss under which we call the task solved


# --- adding problem -------------------------------------------------------------------------


def sample_adding(b: int, t: int, gen: torch.Generator, device: torch.device) -> Batch:
    vals = torch.rand(b, t, generator=gen)  # (B, T)
    first = torch.randint(0, max(t // 2, 1), (b,), generator=gen)
    second = torch.randint(t // 2, t, (b,), generator=gen) if t > 1 else first
    marks = torch.zeros(b, t)
    rows = torch.arange(b)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    x = torch.stack([vals, marks], dim=2)  # (B, T, 2)
    y = (vals * marks).sum(dim=1, keepdim=True)  # (B, 1)
    return Batch(x.to(device), y.to(device))


def _mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(out, y)


def adding_baseline(t: int) -> float:
    """Predict E[u1 + u2] = 1 always: MSE = Var(u1) + Var(u2) = 2 * (1/12) = 1/6."""
    return 1.0 / 6.0


# --- latch ----------------------------------------------------------------------------------

LATCH_K = 4


def sample_latch(b: int, t: int, gen: torch.Generator, device: torch.device) -> Batch:
    sym = torch.randint(0, LATCH_K, (b, t), generator=gen)  # (B, T) distractors after step 0
    x = F.one_hot(sym, LATCH_K + 1).float()  # channel K flags "this is the symbol to keep"
    x[:, 0, LATCH_K] = 1.0
    return Batch(x.to(device), sym[:, 0].to(device))


def _ce_last(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out, y)


def latch_baseline(t: int) -> float:
    return math.log(LATCH_K)


# --- delayed copy ---------------------------------------------------------------------------

COPY_K, COPY_A = 5, 8  # K symbols to copy, alphabet size A; classes: A symbols, blank, delimiter
BLANK, DELIM = COPY_A, COPY_A + 1


def sample_copy(b: int, t: int, gen: torch.Generator, device: torch.device) -> Batch:
    """Sequence length T + 2K: K symbols, T - 1 blanks, delimiter, K blanks."""
    k, total = COPY_K, t + 2 * COPY_K
    sym = torch.randint(0, COPY_A, (b, k), generator=gen)  # (B, K)
    inp = torch.full((b, total), BLANK, dtype=torch.long)
    inp[:, :k] = sym
    inp[:, k + t - 1] = DELIM
    tgt = torch.full((b, total), BLANK, dtype=torch.long)
    tgt[:, -k:] = sym
    x = F.one_hot(inp, COPY_A + 2).float()  # (B, T + 2K, A + 2)
    return Batch(x.to(device), tgt.to(device))


def _ce_all(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))


def copy_baseline(t: int) -> float:
    return COPY_K * math.log(COPY_A) / (t + 2 * COPY_K)


TASKS: dict[str, Task] = {
    "adding": Task(
        "adding",
        "adding problem (MSE)",
        lambda t: 2,
        1,
        False,
        sample_adding,
        _mse,
        adding_baseline,
        "MSE",
        0.01,
    ),
    "latch": Task(
        "latch",
        f"latch: remember the first of {LATCH_K} symbols (cross-entropy)",
        lambda t: LATCH_K + 1,
        LATCH_K,
        False,
        sample_latch,
        _ce_last,
        latch_baseline,
        "cross-entropy",
        0.05,
    ),
    "copy": Task(
        "copy",
        f"delayed copy of {COPY_K} symbols (cross-entropy per step)",
        lambda t: COPY_A + 2,
        COPY_A + 2,
        True,
        sample_copy,
        _ce_all,
        copy_baseline,
        "cross-entropy",
        0.01,
    ),
}
