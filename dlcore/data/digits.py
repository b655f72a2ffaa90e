"""The UCI optical recognition of handwritten digits (8x8, 1,797 images), shipped in assets/.

Source: E. Alpaydin, C. Kaynak, UCI Machine Learning Repository, CC BY 4.0 (the copy scikit-learn
ships as digits.csv.gz). Pixel values are 0..16. Used by the convolution, VAE and GAN pages.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DIGITS_PATH = Path(__file__).resolve().parents[2] / "assets" / "digits.csv.gz"


@dataclass(frozen=True)
class Digits:
    images: np.ndarray  # (N, 8, 8) float32 in [0, 1] (ink = 1)
    labels: np.ndarray  # (N,) int64 in 0..9


@dataclass(frozen=True)
class Split:
    train: Digits
    test: Digits


@lru_cache(maxsize=2)
def load_digits(path: str | None = None) -> Digits:
    """All 1,797 digits; cached per process (treat the arrays as read-only)."""
    with gzip.open(path or DIGITS_PATH, "rt") as fh:
        raw = np.loadtxt(fh, delimiter=",", dtype=np.float32)  # (N, 65)
    images = (raw[:, :64] / 16.0).reshape(-1, 8, 8)
    labels = raw[:, 64].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return Digits(images, labels)


def train_test_split(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """A seeded, stratified split of the digits (the same seed gives the same split)."""
    d = load_digits()
    rng = np.random.default_rng(seed)
    test_idx = []
    for c in range(10):
        idx = np.flatnonzero(d.labels == c)
        rng.shuffle(idx)
        test_idx.extend(idx[: round(len(idx) * test_fraction)])
    mask = np.zeros(len(d.labels), dtype=bool)
    mask[test_idx] = True
    return Split(Digits(d.images[~mask], d.labels[~mask]), Digits(d.images[mask], d.labels[mask]))
