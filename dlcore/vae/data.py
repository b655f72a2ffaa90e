"""Data for the VAE page: the shipped 8x8 UCI digits (default) and MNIST 28x28 on request
(``dlcore.data.mnist``). Used by dlcore.vae.train and the VAE page's views.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcore.data.digits import load_digits
from dlcore.data.mnist import load_mnist
from dlcore.data.splits import DataSplit, split_arrays


def load_digits_split(seed: int = 0, n_test: int = 297) -> DataSplit:
    """The shipped UCI 8x8 digits, pixel counts 0..16 scaled to [0, 1]."""
    d = load_digits()
    x = np.asarray(d.images, dtype=np.float32).reshape(-1, 64)  # already in [0, 1]
    return split_arrays("digits", x, np.asarray(d.labels), 8, n_test, seed)


LOADERS: dict[str, Callable[[int], DataSplit]] = {
    "digits": lambda seed: load_digits_split(seed),
    "mnist": lambda seed: load_mnist(),
}
