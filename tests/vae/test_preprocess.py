"""Tests for dlcore.vae.preprocess: user pictures -> the model's input (size, range, inversion)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.vae.preprocess import EmptyImage, normalize_image

# an 8x8 "digit" whose ink touches all four borders (so cropping keeps the full frame)
DIGIT = np.zeros((8, 8))
DIGIT[0, 2:6] = 1.0
DIGIT[1:7, 0] = 0.5
DIGIT[1:7, 7] = 0.75
DIGIT[7, 1:7] = 1.0
DIGIT[3:5, 3:5] = 0.25


def _big(a, k=4):
    return np.kron(a, np.ones((k, k)))


def test_dark_on_white_rgb_upload_is_inverted_and_resized():
    paper = (255 * (1 - _big(DIGIT))).astype(np.uint8)  # black ink on white paper, 32x32
    rgb = np.stack([paper] * 3, -1)
    x = normalize_image(rgb, side=8)
    assert x.shape == (64,) and x.dtype == np.float32
    np.testing.assert_allclose(x.reshape(8, 8), DIGIT, atol=0.01)


def test_white_on_black_is_not_inverted_and_matches():
    grey = (255 * _big(DIGIT, 5)).astype(np.uint8)
    np.testing.assert_allclose(normalize_image(grey, side=8).reshape(8, 8), DIGIT, atol=0.01)


def test_transparent_background_counts_as_white_paper():
    rgba = np.zeros((32, 32, 4), dtype=np.uint8)  # black strokes, alpha only where ink
    rgba[..., 3] = (255 * _big(DIGIT)).astype(np.uint8)
    np.testing.assert_allclose(normalize_image(rgba, side=8).reshape(8, 8), DIGIT, atol=0.02)


def test_small_digit_is_cropped_centred_and_stretched():
    canvas = np.zeros((40, 40))
    canvas[5:15, 20:30] = 0.4  # a faint square in a corner
    x = normalize_image(canvas, side=8).reshape(8, 8)
    assert x.max() == pytest.approx(1.0)
    assert x.min() >= 0.0
    np.testing.assert_allclose(x, np.ones((8, 8)), atol=1e-6)  # fills the frame after cropping
    x28 = normalize_image(canvas, side=28).reshape(28, 28)  # MNIST keeps a 20% margin
    assert x28[:4].max() < 0.05 and x28[10:18, 10:18].min() > 0.9


def test_forced_inversion():
    grey = _big(DIGIT)
    np.testing.assert_allclose(
        normalize_image(1 - grey, side=8, invert=True).reshape(8, 8), DIGIT, atol=0.01
    )


@pytest.mark.parametrize(
    "img", [np.zeros((16, 16)), np.full((10, 10, 3), 255, np.uint8), np.full((5, 5), 0.5)]
)
def test_empty_canvas_or_uniform_photo(img):
    with pytest.raises(EmptyImage):
        normalize_image(img, side=8)


def test_bad_shape():
    with pytest.raises(ValueError):
        normalize_image(np.zeros((2, 2, 2, 2)))


def _photo(ink: np.ndarray, seed: int = 0, light: float = 30.0) -> np.ndarray:
    """A phone photo of ``ink`` (H, W in [0, 1]): grey paper lit unevenly from the left, sensor
    noise, dark pen strokes (uint8 RGB)."""
    rng = np.random.default_rng(seed)
    h, w = ink.shape
    paper = 205.0 + light * np.linspace(-1.0, 1.0, w)[None, :] + rng.normal(0.0, 6.0, (h, w))
    grey = np.clip(paper * (1.0 - 0.8 * ink), 0, 255).astype(np.uint8)
    return np.stack([grey] * 3, -1)


def _pen_digit(side: int = 240) -> np.ndarray:
    """A pen-drawn "7" (strokes side/24 wide) in the middle of a square sheet, ink = 1."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (side, side), 0)
    points = [(0.3, 0.2), (0.7, 0.2), (0.5, 0.5), (0.45, 0.8)]
    ImageDraw.Draw(img).line([(side * x, side * y) for x, y in points], fill=255, width=side // 24)
    return np.asarray(img, dtype=np.float64) / 255.0


def test_a_photo_on_grey_unevenly_lit_paper_gives_the_clean_drawing():
    """The paper's grey, its uneven light and the sensor noise are not ink (issue 24 item 12: an
    uploaded photo became a small digit on a grey square, which every model decoded as 8 or 9)."""
    clean = normalize_image(1.0 - _pen_digit(), side=8)
    photo = normalize_image(_photo(_pen_digit()), side=8)
    assert np.abs(photo - clean).max() < 0.25
    assert photo[clean == 0].max() < 0.1  # the paper stays blank
    assert np.corrcoef(photo, clean)[0, 1] > 0.97


def test_a_photo_of_blank_paper_is_empty():
    with pytest.raises(EmptyImage):
        normalize_image(_photo(np.zeros((200, 160))), side=8)
