"""Numeric tests for dlcore.conv.pooling and dlcore.conv.algebra."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcore.conv import algebra, images, kernels, ops, pooling


@pytest.fixture
def fmap():
    return np.random.default_rng(0).random((3, 12, 12)).astype(np.float32)  # non-negative


def test_lp_pooling_p1_is_average(fmap):
    np.testing.assert_allclose(
        pooling.pool2d(fmap, "lp", 3, 2, p=1.0), pooling.pool2d(fmap, "average", 3, 2), atol=1e-6
    )


def test_lp_pooling_approaches_max_as_p_grows(fmap):
    mx = pooling.pool2d(fmap, "max", 2, 2)
    gaps = [np.abs(pooling.pool2d(fmap, "lp", 2, 2, p=p) - mx).max() for p in (1, 4, 16, 64, 512)]
    assert all(a > b for a, b in itertools.pairwise(gaps))  # strictly closer as p grows
    assert gaps[-1] < 5e-3
    assert np.all(pooling.pool2d(fmap, "lp", 2, 2, p=50) <= mx + 1e-6)  # power mean <= max


def test_lp_pooling_matches_torch_lp_pool_up_to_window_count(fmap):
    p, size = 3.0, 3
    ours = pooling.pool2d(fmap, "lp", size, 1, p=p)
    ref = F.lp_pool2d(torch.as_tensor(fmap)[None], p, size, stride=1)[0].numpy()
    np.testing.assert_allclose(ours * (size * size) ** (1 / p), ref, rtol=1e-4)


def test_max_and_average_pool_values():
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    np.testing.assert_array_equal(pooling.pool2d(x, "max", 2, 2), [[5, 7], [13, 15]])
    np.testing.assert_array_equal(pooling.pool2d(x, "average", 2, 2), [[2.5, 4.5], [10.5, 12.5]])
    assert pooling.pool2d(x, "max", 3, 2).shape == (1, 1)


def test_pool_too_small_raises():
    with pytest.raises(ValueError, match="smaller than the pool"):
        pooling.pool2d(np.zeros((2, 2)), "max", 3, 1)


def test_shift_moves_content():
    x = np.arange(25, dtype=np.float32).reshape(5, 5)
    s = pooling.shift(x, 0, 2)
    np.testing.assert_array_equal(s[:, 2:], x[:, :3])
    np.testing.assert_array_equal(s[:, 0], x[:, 0])  # edge repeated


def test_max_pooling_is_more_translation_invariant_than_detector():
    img = images.checkerboard(48, 6)  # (1, 48, 48)

    def detector(x):
        st = ops.ConvSettings(padding="same", pad_mode="reflect")
        return np.maximum(ops.apply_kernel(x, kernels.make("sobel_v"), st).output, 0)

    curve = pooling.invariance_curve(detector, img, "max", size=5, stride=1, max_shift=3)
    assert curve.detector_change[0] == 0 and curve.pooled_change[0] == 0
    assert np.all(curve.pooled_frac[1:] < curve.detector_frac[1:])
    assert curve.pooled_change[1] < curve.detector_change[1]


def test_convolution_is_associative_correlation_is_not():
    img = np.random.default_rng(1).random((16, 16))
    d, g = kernels.make("sobel_v"), kernels.make("gaussian")
    conv = algebra.associativity(d, g, img, "convolution")
    corr = algebra.associativity(d, g, img, "correlation")
    assert conv.stepwise.shape == conv.combined.shape == (20, 20)
    assert conv.combined_kernel.shape == (5, 5)
    assert conv.rel_diff < 1e-5
    assert corr.rel_diff > 0.5  # antisymmetric D: the grouping flips the sign


def test_full_convolution_matches_numpy_1d():
    a, b = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 1.0, 0.5, 2.0]])
    np.testing.assert_allclose(ops.convolve_full(a, b)[0], np.convolve(a[0], b[0]), atol=1e-6)
    np.testing.assert_allclose(
        ops.correlate_full(a, b)[0], np.correlate(b[0], a[0], "full"), atol=1e-6
    )


def test_cost_numbers():
    c = algebra.cost((1, 280, 320), (1, 280, 319), (1, 2), summed=True)  # the edge-detection slide
    assert c.conv_connections == 319 * 280 * 2
    assert c.dense_connections == 320 * 280 * 319 * 280
    assert c.conv_params == 2 + 1
    c3 = algebra.cost((3, 10, 10), (3, 8, 8), (3, 3), summed=False)
    assert c3.conv_connections == 3 * 64 * 9 and c3.conv_params == 3 * 9 + 3
    cs = algebra.cost((3, 10, 10), (1, 8, 8), (3, 3), summed=True)
    assert cs.conv_connections == 64 * 27 and cs.param_ratio > 100
