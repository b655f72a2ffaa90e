"""Turn a user's image (upload, camera, or a drawing) into the VAE's input x in [0, 1]^D.

Like the UCI digits preprocessing: grey levels, ink = 1 (dark-on-light pictures, detected by
the median grey, are inverted), the paper taken away (its grey, a photo's uneven light and sensor
noise are not ink), crop to the ink's bounding box, pad to a centred square with a margin,
area-resize to side x side, stretch so the darkest ink is 1. Used by pages/vae.py (the inputs of
the interpolation, reparameterization and arithmetic views) and tests.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

MIN_INK = 0.05  # a picture whose ink never reaches this (after inversion) is treated as empty
MARGINS = {8: 0.0, 28: 0.2}  # fraction of the side left empty on each side (MNIST: 4 of 28 px)
PHOTO_SIDE = 48  # pictures this large (photos, uploads) get a local paper level and a light blur
TILES = 4  # the paper level of a photo is measured in TILES x TILES tiles (uneven light)
PAPER_QUANTILE = 0.3  # in a tile, the paper is the lighter part: pen strokes cover far less
NOISE_SIGMAS = 4.0  # ink less than this many noise deviations above the paper is paper


class EmptyImage(ValueError):
    """The image has no ink (blank canvas, uniform photo)."""


def to_grey(img: np.ndarray) -> np.ndarray:
    """(H, W) or (H, W, 1|3|4), uint8 or float -> (H, W) float in [0, 1]; alpha over white."""
    a = np.asarray(img)
    if a.ndim not in (2, 3) or min(a.shape[:2]) < 1:
        raise ValueError(f"expected an image array, got shape {a.shape}")
    a = a.astype(np.float64)
    if np.issubdtype(np.asarray(img).dtype, np.integer) or a.max(initial=0.0) > 1.0:
        a = a / 255.0
    if a.ndim == 3:
        if a.shape[2] == 4:  # transparent pixels become white paper
            a = a[..., :3] * a[..., 3:] + (1 - a[..., 3:])
        a = (
            a[..., :3] @ np.array([0.299, 0.587, 0.114])[: a.shape[2]]
            if a.shape[2] >= 3
            else a[..., 0]
        )
    return np.clip(a, 0.0, 1.0)


def ink(grey: np.ndarray) -> np.ndarray:
    """Ink = 1 - grey when the paper (most pixels) is light, else grey (white digit on black)."""
    return 1.0 - grey if np.median(grey) > 0.5 else grey


def _blur(a: np.ndarray, radius: int) -> np.ndarray:
    """Box blur of (H, W) with a (2 radius + 1)^2 window (edges replicated)."""
    t = torch.as_tensor(a, dtype=torch.float32)[None, None]  # (1, 1, H, W)
    t = F.pad(t, (radius,) * 4, mode="replicate")
    return F.avg_pool2d(t, 2 * radius + 1, stride=1)[0, 0].numpy().astype(np.float64)


def paper_level(a: np.ndarray) -> np.ndarray:
    """The ink level of the bare paper of a photo (H, W): a smooth map, the lighter quantile of
    each of TILES x TILES tiles interpolated between the tiles (light falls unevenly)."""
    h, w = a.shape
    rows = np.array_split(np.arange(h), TILES)
    cols = np.array_split(np.arange(w), TILES)
    tiles = np.array([[np.quantile(a[np.ix_(r, c)], PAPER_QUANTILE) for c in cols] for r in rows])
    t = torch.as_tensor(tiles, dtype=torch.float32)[None, None]  # (1, 1, TILES, TILES)
    smooth = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)
    return smooth[0, 0].numpy().astype(np.float64)


def remove_paper(a: np.ndarray) -> np.ndarray:
    """Ink above the paper (H, W). A drawing or a small picture: its lightest level. A photo
    (PHOTO_SIDE pixels or more): lightly blurred, its paper level map subtracted, then
    NOISE_SIGMAS deviations of the sensor noise (median absolute deviation; the paper is most of
    the picture), at most a quarter of the darkest ink."""
    if min(a.shape) < PHOTO_SIDE:
        return a - a.min()
    a = _blur(a, max(1, min(a.shape) // 120))
    a = a - paper_level(a)
    noise = 1.4826 * np.median(np.abs(a - np.median(a)))
    return np.clip(a - min(NOISE_SIGMAS * noise, 0.25 * a.max()), 0.0, None)


def _crop_square(a: np.ndarray, margin: float) -> np.ndarray:
    rows = np.flatnonzero(a.max(1) > 0.1 * a.max())
    cols = np.flatnonzero(a.max(0) > 0.1 * a.max())
    a = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = a.shape
    n = max(h, w)
    pad = round(n * margin / max(1e-9, 1 - 2 * margin))
    out = np.zeros((n + 2 * pad, n + 2 * pad))
    top, left = pad + (n - h) // 2, pad + (n - w) // 2
    out[top : top + h, left : left + w] = a
    return out


def normalize_image(img: np.ndarray, side: int = 8, invert: bool | None = None) -> np.ndarray:
    """Any picture of one digit -> (side*side,) float32 in [0, 1], ink = 1, centred.

    ``invert`` None detects the paper colour from the border; True/False forces it.
    Raises EmptyImage when there is no ink.
    """
    grey = to_grey(img)
    a = ink(grey) if invert is None else (1.0 - grey if invert else grey)
    if a.max() < MIN_INK or a.max() - a.min() < MIN_INK:
        raise EmptyImage("the image is empty: draw or upload a digit")
    a = remove_paper(a)
    if a.max() < MIN_INK:  # nothing but paper, light and noise
        raise EmptyImage("the image is empty: draw or upload a digit")
    sq = _crop_square(a, MARGINS.get(side, 0.1))
    t = torch.as_tensor(sq, dtype=torch.float32)[None, None]  # (1, 1, H, W)
    mode = "area" if sq.shape[0] >= side else "bilinear"
    small = F.interpolate(t, size=(side, side), mode=mode)[0, 0].clamp_min(0).numpy()
    return (small / max(small.max(), 1e-9)).astype(np.float32).ravel()
