"""Read / erase / add vs the pytorch-ntm test vectors (anchors 5(d)) and invariants."""

from __future__ import annotations

import torch

from dlcore.ntm import memory as mem


def _t(*values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32).unsqueeze(0)


# (w, e, a, expected read with w after the write); memory carries over from case to case
CASES = [
    (_t(1, 0, 0, 0), _t(1, 1, 1, 1), _t(1, 0, 0, 0), _t(1, 0, 0, 0)),
    (_t(0, 1, 0, 0), _t(1, 1, 1, 1), _t(0, 1, 0, 0), _t(0, 1, 0, 0)),
    (_t(0, 0, 1, 0), _t(1, 1, 1, 1), _t(0, 0, 1, 0), _t(0, 0, 1, 0)),
    (_t(0, 0, 0, 1), _t(1, 1, 1, 1), _t(0, 0, 0, 1), _t(0, 0, 0, 1)),
    (_t(1, 0, 0, 0), _t(0, 1, 1, 1), _t(0, 1, 1, 1), _t(1, 1, 1, 1)),
    (_t(0, 1, 0, 0), _t(0, 0, 0, 0), _t(0, 0, 1, 0), _t(0, 1, 1, 0)),
    (_t(0, 0, 1, 0), _t(0, 0, 0, 0), _t(0, 0, 0, 0), _t(0, 0, 1, 0)),
    (_t(0, 0, 0, 1), _t(0, 0, 0, 0.5), _t(0, 0, 0, 0.2), _t(0, 0, 0, 0.7)),
    (_t(0.5, 0.5, 0, 0), _t(1, 1, 1, 1), _t(0, 0, 0, 0), _t(0.25, 0.5, 0.5, 0.25)),
]


def test_write_then_read_sequence_from_anchor():
    memory = torch.rand(1, 4, 4, generator=torch.Generator().manual_seed(0))
    for w, e, a, expected in CASES:
        memory = mem.write(memory, w, e, a)
        torch.testing.assert_close(mem.read(memory, w), expected, atol=1e-6, rtol=0)


def test_full_erase_one_hot_zeroes_row_only():
    memory = torch.rand(2, 5, 3, generator=torch.Generator().manual_seed(1)) + 0.5
    w = torch.zeros(2, 5)
    w[:, 2] = 1
    out = mem.erase(memory, w, torch.ones(2, 3))
    assert torch.count_nonzero(out[:, 2]) == 0
    torch.testing.assert_close(out[:, [0, 1, 3, 4]], memory[:, [0, 1, 3, 4]])


def test_read_is_weighted_sum_and_one_hot_returns_row():
    memory = torch.arange(12, dtype=torch.float32).view(1, 4, 3)
    torch.testing.assert_close(mem.read(memory, _t(0, 0, 1, 0)), memory[:, 2])
    w = _t(0.1, 0.2, 0.3, 0.4)
    torch.testing.assert_close(mem.read(memory, w), (w.T * memory[0]).sum(0, keepdim=True))


def test_add_with_zero_weighting_changes_nothing():
    memory = torch.randn(1, 4, 3)
    out = mem.write(memory, torch.zeros(1, 4), torch.ones(1, 3), torch.ones(1, 3))
    torch.testing.assert_close(out, memory)
