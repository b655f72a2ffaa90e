"""Page-facing numpy results: playground, sandbox, helpers."""

from __future__ import annotations

import numpy as np

from dlcore.ntm import analysis as an


def test_playground_identity_memory_case():
    memory = np.eye(4, dtype=np.float32)
    res = an.run_addressing(memory, [1, 0, 0, 0], 100, 1, [0, 1, 0], 100, [0, 0, 0, 0])
    np.testing.assert_allclose(res.w, [1, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(res.read, [1, 0, 0, 0], atol=1e-6)


def test_playground_g0_keeps_previous_and_shift_moves_it():
    memory = an.default_memory(8, 4, seed=1)
    w_prev = an.focus_weighting(8, 2, 0)
    res = an.run_addressing(
        memory, [1, 0, 0, 0], 5.0, 0.0, an.shift_distribution(0, 0, 1), 1, w_prev
    )
    np.testing.assert_allclose(res.w_g, w_prev, atol=1e-6)
    np.testing.assert_allclose(res.w, an.focus_weighting(8, 3, 0), atol=1e-6)
    np.testing.assert_allclose(res.cosine.shape, (8,))
    for w in (res.w_c, res.w_g, res.w_tilde, res.w):
        assert abs(w.sum() - 1) < 1e-5


def test_shift_distribution_normalises_and_falls_back():
    np.testing.assert_allclose(an.shift_distribution(1, 1, 2), [0.25, 0.25, 0.5])
    np.testing.assert_allclose(an.shift_distribution(0, 0, 0), [0, 1, 0])
    assert an.shift_labels() == ["-1", "0", "+1"]


def test_write_sandbox_full_erase_and_diff():
    memory = an.default_memory(6, 3, seed=2)
    w = an.focus_weighting(6, 4, 0)
    res = an.run_write(memory, w, np.ones(3), np.zeros(3))
    assert np.all(res.after[4] == 0)
    np.testing.assert_allclose(np.delete(res.after, 4, 0), np.delete(memory, 4, 0))
    np.testing.assert_allclose(res.diff, res.after - res.before)
    half = an.run_write(memory, w, np.zeros(3), np.array([0.5, 0, -0.5]))
    np.testing.assert_allclose(half.after[4], memory[4] + [0.5, 0, -0.5], atol=1e-6)


def test_focus_weighting_wraps_and_sums_to_one():
    w = an.focus_weighting(8, 0, 1.0)
    assert abs(w.sum() - 1) < 1e-6 and w[1] == w[7] and w.argmax() == 0
    assert an.focus_weighting(8, 9, 0).argmax() == 1


def test_changed_cells():
    mem = np.zeros((3, 2, 2), dtype=np.float32)
    mem[1, 0, 1] = 0.5
    mem[2] = mem[1]
    assert an.changed_cells(mem, 1).sum() == 1 and an.changed_cells(mem, 2).sum() == 0
