"""Pointer network: picks form a permutation, picked inputs get exactly 0 weight later, rows sum
to 1, input parsing gives clear notices, and the shipped model sorts."""

import numpy as np
import pytest
import torch

from dlcore.attention.pointer import (
    MAX_LEN,
    PointerNet,
    evaluate,
    load_pointer,
    parse_numbers,
    pointer_path,
    sort_numbers,
)

torch.set_num_threads(1)


def test_untrained_picks_are_a_permutation_with_masking():
    torch.manual_seed(0)
    m = PointerNet().eval()
    vals = np.array([5.0, 80.0, 33.0, 12.0, 60.0])
    r = sort_numbers(m, vals)
    assert sorted(r.picks.tolist()) == list(range(5))
    np.testing.assert_allclose(r.weights.sum(1), 1.0, atol=1e-6)
    for t in range(1, 5):
        assert (r.weights[t, r.picks[:t]] == 0).all()
    assert r.correct.dtype == bool and r.accuracy == r.correct.mean()


def test_parse_numbers():
    v, n = parse_numbers("42, 7 93;15")
    np.testing.assert_array_equal(v, [42, 7, 93, 15]) and n == []
    v, n = parse_numbers("1, two, 3")
    np.testing.assert_array_equal(v, [1, 3]) and "not numbers" in n[0]
    v, n = parse_numbers("")
    assert v is None and any("at least" in x for x in n)
    v, n = parse_numbers("😀😀")
    assert v is None
    v, n = parse_numbers(", ".join(str(i) for i in range(50)))
    assert len(v) == MAX_LEN and any("first" in x for x in n)
    v, n = parse_numbers("-5, 500, nan, inf, 3")
    assert v.min() >= 0 and v.max() < 100 and any("clipped" in x for x in n)


def test_shipped_pointer_sorts():
    if not pointer_path().exists():
        pytest.skip("pointer checkpoint not trained yet")
    m = load_pointer()
    r = sort_numbers(m, np.array([42.0, 7.0, 93.0, 15.0, 61.0, 28.0]))
    np.testing.assert_array_equal(r.values[r.picks], [7, 15, 28, 42, 61, 93])
    assert r.correct.all()
    assert evaluate(m, n=180)["step_accuracy"] >= 0.95


def test_clipping_keeps_what_it_says():
    """Issue 24 item 11: the notice said "clipped to [0, 100)" while 500 was shown as 100."""
    v, n = parse_numbers("5, 500, 42, -3")
    shown = [f"{x:g}" for x in v]
    assert "100" not in shown  # what the page prints is what the network reads
    assert shown == ["5", "99.99", "42", "0"]
    (clip,) = [x for x in n if "clipped" in x]
    assert "500 → 99.99" in clip and "-3 → 0" in clip
