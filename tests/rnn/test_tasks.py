"""The long-range tasks: shapes, targets, and no-memory baselines equal to their closed forms."""

import math

import torch
from torch.nn import functional as F

from dlcore.rnn.tasks import (
    COPY_A,
    COPY_K,
    LATCH_K,
    TASKS,
    copy_baseline,
    sample_adding,
    sample_copy,
    sample_latch,
)

CPU = torch.device("cpu")


def test_adding_targets_and_markers():
    b = sample_adding(64, 20, torch.Generator().manual_seed(0), CPU)
    assert b.x.shape == (64, 20, 2) and b.y.shape == (64, 1)
    marks = b.x[:, :, 1]
    assert torch.all(marks.sum(1) == 2)
    assert torch.all(marks[:, :10].sum(1) == 1)  # one marker in each half
    torch.testing.assert_close(b.y[:, 0], (b.x[:, :, 0] * marks).sum(1))


def test_adding_baseline_is_one_sixth_and_constant_one_achieves_it():
    assert abs(TASKS["adding"].baseline(50) - 1 / 6) < 1e-12
    b = sample_adding(200_000, 10, torch.Generator().manual_seed(1), CPU)
    mse = float(F.mse_loss(torch.ones_like(b.y), b.y))
    assert abs(mse - 1 / 6) < 0.003  # Monte Carlo of Var(u1 + u2), ~0.167
    # and no constant does better: the optimum constant is the mean (= 1)
    assert float(F.mse_loss(torch.full_like(b.y, 1.1), b.y)) > mse


def test_latch_target_is_first_symbol_and_uniform_guess_gives_ln_k():
    b = sample_latch(500, 15, torch.Generator().manual_seed(2), CPU)
    assert b.x.shape == (500, 15, LATCH_K + 1)
    assert torch.all(b.x[:, 0, :LATCH_K].argmax(1) == b.y)
    assert torch.all(b.x[:, 0, LATCH_K] == 1) and torch.all(b.x[:, 1:, LATCH_K] == 0)
    uniform = torch.zeros(500, LATCH_K)
    assert abs(float(F.cross_entropy(uniform, b.y)) - TASKS["latch"].baseline(15)) < 1e-6
    assert abs(TASKS["latch"].baseline(15) - math.log(4)) < 1e-12


def test_copy_layout_and_memoryless_baseline_closed_form():
    t = 12
    b = sample_copy(300, t, torch.Generator().manual_seed(3), CPU)
    total = t + 2 * COPY_K
    assert b.x.shape == (300, total, COPY_A + 2) and b.y.shape == (300, total)
    inp = b.x.argmax(-1)
    assert torch.all(inp[:, COPY_K + t - 1] == COPY_A + 1)  # delimiter
    assert torch.all(b.y[:, -COPY_K:] == inp[:, :COPY_K])  # recall the K symbols
    # the best memoryless predictor: blank where the target is certain, uniform over A at recall
    logits = torch.full((300, total, COPY_A + 2), -1e9)
    logits[:, :-COPY_K, COPY_A] = 0.0
    logits[:, -COPY_K:, :COPY_A] = 0.0
    ce = float(TASKS["copy"].loss(logits, b.y))
    assert abs(ce - copy_baseline(t)) < 1e-5
    assert abs(copy_baseline(100) - 5 * math.log(8) / 110) < 1e-12


def test_tasks_are_seeded():
    a = sample_copy(4, 5, torch.Generator().manual_seed(7), CPU)
    b = sample_copy(4, 5, torch.Generator().manual_seed(7), CPU)
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
