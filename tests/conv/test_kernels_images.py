"""Numeric tests for dlcore.conv.kernels and dlcore.conv.images."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.conv import images, kernels


def test_lecture_and_setosa_values():
    np.testing.assert_array_equal(kernels.make("sobel_v"), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(kernels.make("sobel_h"), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    np.testing.assert_array_equal(kernels.make("prewitt_v"), [[-1, 0, 1]] * 3)
    np.testing.assert_allclose(kernels.make("gaussian") * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(kernels.make("emboss"), [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    np.testing.assert_array_equal(kernels.make("sharpen"), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(
        kernels.make("outline"), [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
    )
    np.testing.assert_allclose(kernels.make("average"), np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(kernels.make("sobel_v", 5)[2], [-6, -12, 0, 12, 6])


@pytest.mark.parametrize("name", list(kernels.KERNELS))
def test_every_size_has_right_shape_and_sum(name):
    for k in kernels.sizes_for(name):
        arr = kernels.make(name, k)
        assert arr.shape == (k, k)
        expected = (
            0.0
            if name in {"prewitt_h", "prewitt_v", "sobel_h", "sobel_v", "high_pass", "outline"}
            else 1.0
        )
        assert arr.sum() == pytest.approx(expected, abs=1e-12)


def test_unsupported_size_falls_back():
    assert kernels.make("sharpen", 7).shape == (3, 3)


def test_builtins_are_valid_images():
    for name, make in images.BUILTINS.items():
        img = make()
        assert img.ndim == 3 and img.dtype == np.float32, name
        assert img.min() >= 0.0 and img.max() <= 1.0
        assert img.std() > 0.1, name  # not blank
    assert images.scene(128).shape == (3, 128, 128)


def test_scene_has_text_and_edges():
    s = images.scene(256)
    assert (s < 0.1).all(axis=0).sum() > 100  # dark text pixels exist
    assert np.abs(np.diff(s, axis=2)).max() > 0.5  # hard edges


def test_digit_from_shipped_set():
    d = images.digit(0)
    assert d.shape == (1, 8, 8) and 0.5 < d.max() <= 1.0


def test_gray_and_uint8_conversion():
    px = np.zeros((4, 5, 3), np.uint8)
    px[..., 0] = 255
    img = images.from_uint8(px)
    assert img.shape == (3, 4, 5)
    np.testing.assert_allclose(images.to_gray(img), 0.299, atol=1e-6)
    assert images.from_uint8(px[..., 0]).shape == (1, 4, 5)


def test_fit_downscales_with_notice():
    img = np.random.default_rng(0).random((3, 300, 1200)).astype(np.float32)
    out, note = images.fit(img, 512)
    assert out.shape == (3, 128, 512) and "1200x300" in note
    same, none = images.fit(img[:, :100, :100], 512)
    assert none is None and same.shape == (3, 100, 100)
