"""A data set of images as a seeded train/test split of flattened arrays (the VAE and GAN
pages' digits and MNIST)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DataSplit:
    """Images flattened to (N, side*side) float32 in [0, 1] (1 = ink), labels int64."""

    name: str
    side: int
    x_train: np.ndarray  # (N_train, D)
    y_train: np.ndarray  # (N_train,)
    x_test: np.ndarray  # (N_test, D)
    y_test: np.ndarray  # (N_test,)


def split_arrays(
    name: str, x: np.ndarray, y: np.ndarray, side: int, n_test: int, seed: int = 0
) -> DataSplit:
    """A seeded random train/test split (the anchors' 1,500/297 for the digits with seed 0)."""
    perm = np.random.default_rng(seed).permutation(len(x))
    te, tr = perm[:n_test], perm[n_test:]
    x = x.astype(np.float32)
    y = y.astype(np.int64)
    return DataSplit(name, side, x[tr], y[tr], x[te], y[te])
