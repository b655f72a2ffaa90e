"""Digits as a student gives them to the VAE page, for tests: painted on the page's 16 x 16 grid
(one-cell strokes, as clicks paint them) or photographed on paper (grey paper lit unevenly,
sensor noise, pen strokes), and an independent judge of which digit a picture shows (3-nearest
neighbours in pixel space over the training images: 98.7 % right on the test images)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from dlcore.vae.train import cached_split

# handwriting-like pen paths, (x, y) in [0, 1]^2 of the writing box
STROKES = {
    0: [(.5, .05), (.25, .2), (.15, .5), (.25, .85), (.5, .95), (.75, .85), (.85, .5), (.75, .15),
        (.5, .05)],
    1: [(.35, .2), (.55, .05), (.55, .95)],
    2: [(.2, .25), (.4, .07), (.65, .07), (.8, .25), (.75, .45), (.2, .95), (.85, .95)],
    3: [(.2, .15), (.45, .05), (.75, .12), (.78, .32), (.45, .48), (.8, .62), (.8, .85), (.5, .97),
        (.2, .88)],
    4: [(.6, .95), (.6, .05), (.15, .65), (.85, .65)],
    5: [(.8, .05), (.3, .05), (.25, .45), (.6, .4), (.8, .6), (.75, .85), (.5, .95), (.2, .88)],
    6: [(.7, .05), (.35, .35), (.2, .7), (.35, .93), (.65, .93), (.8, .72), (.6, .52), (.3, .6)],
    7: [(.15, .07), (.85, .07), (.5, .55), (.4, .95)],
    8: [(.5, .5), (.25, .3), (.35, .07), (.65, .07), (.75, .3), (.5, .5), (.22, .72), (.35, .95),
        (.65, .95), (.78, .72), (.5, .5)],
    9: [(.78, .3), (.6, .08), (.35, .08), (.25, .3), (.4, .5), (.75, .4), (.78, .3), (.72, .95)],
}  # fmt: skip


def painted(digit: int, n: int = 16) -> np.ndarray:
    """The n x n grid with the cells a student clicks along the pen path (ink = 1)."""
    fine = 8 * n
    img = Image.new("L", (fine, fine), 0)
    path = [(fine * (0.125 + 0.69 * x), fine * (0.06 + 0.81 * y)) for x, y in STROKES[digit]]
    ImageDraw.Draw(img).line(path, fill=255, width=6)
    return (np.asarray(img.resize((n, n), Image.BOX)) > 40).astype(np.float64)


def photo(digit: int, side: int = 240, seed: int = 0) -> np.ndarray:
    """A phone photo of the digit written with a pen: (side, side, 3) uint8, dark ink on grey
    paper lit from the left, with sensor noise."""
    rng = np.random.default_rng(seed + digit)
    img = Image.new("L", (side, side), 0)
    path = [(side * (0.3 + 0.4 * x), side * (0.15 + 0.7 * y)) for x, y in STROKES[digit]]
    ImageDraw.Draw(img).line(path, fill=255, width=side // 24, joint="curve")
    ink = np.asarray(img.filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float64) / 255.0
    paper = 215.0 + 25.0 * np.linspace(-1.0, 1.0, side)[None, :] + rng.normal(0, 5, (side, side))
    grey = np.clip(paper * (1.0 - 0.8 * ink), 0, 255).astype(np.uint8)
    return np.stack([grey] * 3, -1)


def judge(images: np.ndarray, k: int = 3) -> np.ndarray:
    """Which digit each 8 x 8 picture (N, 64) or (N, 8, 8) shows: the majority of its k nearest
    training images (Euclidean, in pixels; ties -> the smaller digit)."""
    data = cached_split("digits")
    x = np.asarray(images, dtype=np.float64).reshape(-1, data.x_train.shape[1])
    d = ((x[:, None, :] - data.x_train[None, :, :]) ** 2).sum(-1)  # (N, N_train)
    votes = data.y_train[np.argsort(d, axis=1)[:, :k]]  # (N, k)
    return np.array([np.bincount(v, minlength=10).argmax() for v in votes])
