"""Images the project draws itself, and the conversions every input goes through.

Built-ins: a scene with edges, text and gradients; a step edge; a checkerboard; plus digits from the
shipped UCI set (``dlcore.data.digits``). Every image leaves here as float32 (C, H, W) in [0, 1].
Used by ``pages/convolution.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from dlcore.data.digits import load_digits
from dlcore.device import to_numpy

MAX_SIDE = 512  # larger inputs are downscaled to this (the bench bar is a 512x512 RGB image)

_GLYPHS = {  # 5x7 bitmap font, just the letters the scene writes
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
}


def text_mask(word: str, scale: int) -> np.ndarray:
    """(7 scale, 6 len(word) scale) bool mask of ``word`` in the bitmap font."""
    cols = []
    for ch in word:
        glyph = np.array([[c == "#" for c in row] for row in _GLYPHS[ch]])
        cols += [glyph, np.zeros((7, 1), bool)]
    mask = np.concatenate(cols, axis=1)
    return np.kron(mask, np.ones((scale, scale), bool))


def scene(size: int = 256) -> np.ndarray:
    """A colour scene (3, size, size): sky gradient, sun, house with a window, text, grass."""
    s = size
    yy, xx = np.mgrid[0:s, 0:s] / s
    img = np.stack([0.35 + 0.3 * yy, 0.55 + 0.3 * yy, 0.95 - 0.2 * yy])  # (3, s, s) sky
    sun = (yy - 0.18) ** 2 + (xx - 0.8) ** 2 < 0.1**2
    img[:, sun] = np.array([[1.0], [0.85], [0.2]])
    grass = yy > 0.78
    img[:, grass] = np.array([[0.2], [0.55], [0.2]]) * (1.1 - 0.4 * (yy[grass] - 0.78) / 0.22)
    wall = (yy > 0.5) & (yy <= 0.78) & (xx > 0.12) & (xx < 0.5)
    img[:, wall] = np.array([[0.8], [0.35], [0.25]])
    roof = (yy > 0.32) & (yy <= 0.5) & (np.abs(xx - 0.31) < (yy - 0.32) * 1.2)
    img[:, roof] = np.array([[0.35], [0.2], [0.15]])
    window = (yy > 0.56) & (yy < 0.68) & (xx > 0.2) & (xx < 0.32)
    img[:, window] = 0.95
    mask = text_mask("CONV", max(1, s // 64))
    r0, c0 = int(0.06 * s), int(0.06 * s)
    h, w = min(mask.shape[0], s - r0), min(mask.shape[1], s - c0)
    img[:, r0 : r0 + h, c0 : c0 + w][:, mask[:h, :w]] = 0.05
    return np.clip(img, 0, 1).astype(np.float32)


def step_edge(h: int = 64, w: int = 64, height: float = 1.0) -> np.ndarray:
    """(1, h, w): dark left half, ``height`` on the right half (a vertical step edge)."""
    img = np.zeros((1, h, w), dtype=np.float32)
    img[:, :, w // 2 :] = height
    return img


def checkerboard(size: int = 64, square: int = 8) -> np.ndarray:
    """(1, size, size) alternating 0/1 squares of ``square`` pixels."""
    i, j = np.indices((size, size)) // square
    return ((i + j) % 2).astype(np.float32)[None]


def digit(index: int = 0) -> np.ndarray:
    """(1, 8, 8) one of the 1,797 shipped digits, ink = 1."""
    d = load_digits()
    return np.array(d.images[int(index) % len(d.images)], dtype=np.float32)[None]


def digit_label(index: int) -> int:
    d = load_digits()
    return int(d.labels[int(index) % len(d.labels)])


BUILTINS: dict[str, Callable[[], np.ndarray]] = {
    "scene": scene,
    "step edge": step_edge,
    "checkerboard": checkerboard,
}


def from_uint8(pixels: np.ndarray) -> np.ndarray:
    """uint8 (H, W) or (H, W, 3) -> float32 (C, H, W) in [0, 1]."""
    arr = np.asarray(pixels, dtype=np.float32) / 255.0
    return arr[None] if arr.ndim == 2 else np.ascontiguousarray(arr.transpose(2, 0, 1))


def to_gray(img: np.ndarray) -> np.ndarray:
    """(C, H, W) -> (1, H, W) luma (ITU-R 601 weights); grayscale passes through."""
    if img.shape[0] == 1:
        return img
    w = np.array([0.299, 0.587, 0.114], dtype=np.float32)[:, None, None]
    return (img[:3] * w).sum(axis=0, keepdims=True)


def fit(img: np.ndarray, max_side: int = MAX_SIDE) -> tuple[np.ndarray, str | None]:
    """Downscale (antialiased) so the longer side is at most ``max_side``; returns a notice."""
    _, h, w = img.shape
    if max(h, w) <= max_side:
        return img, None
    scale = max_side / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    t = torch.as_tensor(img)[None]
    out = F.interpolate(t, size=size, mode="bilinear", antialias=True, align_corners=False)
    note = f"Image downscaled from {w}x{h} to {size[1]}x{size[0]} pixels (cap {max_side})."
    return to_numpy(out[0]).clip(0, 1), note
