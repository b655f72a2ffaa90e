"""Tests for dlcore.vae.data: the shipped digits as the VAE's train/test split."""

from __future__ import annotations

import numpy as np

from dlcore.vae import data as D


def test_digits_split():
    s = D.load_digits_split()
    assert s.side == 8 and s.x_train.shape == (1500, 64) and s.x_test.shape == (297, 64)
    assert s.x_train.dtype == np.float32 and s.x_train.min() >= 0.0 and s.x_train.max() == 1.0
    assert set(np.unique(s.y_test)) == set(range(10))
    again = D.load_digits_split()
    np.testing.assert_array_equal(s.y_test, again.y_test)
