"""Tests of the shipped VAE checkpoints (assets/vae, dlcore.vae.checkpoints) against the page's
promises: the default 2-D model's latent map separates the digits (train-to-test 5-NN accuracy,
recomputed here), and the model the interpolation view uses by default reconstructs a student's
own digits, painted on the grid or photographed (issue 24 item 12)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.vae import analysis
from dlcore.vae import views as texts
from dlcore.vae.config import VAEConfig
from dlcore.vae.preprocess import normalize_image
from dlcore.vae.train import cached_split
from tests.vae.student_digits import judge, painted, photo


@pytest.fixture(scope="module")
def data():
    return cached_split("digits")


def test_the_default_2d_model_separates_the_digits(data):
    model = texts.shipped_choice(VAEConfig(), data.side).model
    assert model.spec.latent_dim == 2
    mu_train, _ = analysis.encode(model, data.x_train)
    mu_test, _ = analysis.encode(model, data.x_test)
    knn = analysis.knn_accuracy(mu_train, data.y_train, mu_test, data.y_test, k=5)
    assert knn >= 0.80  # the bar (issue 24 item 12: it was 0.774)
    assert texts.shipped_choice(VAEConfig(), data.side).label.endswith(f"{knn:.2f}")


@pytest.fixture(scope="module")
def interpolator(data):
    """The model the interpolation view encodes with at the page's defaults."""
    assert VAEConfig().interp_model == "sharp"
    choice = texts.sharp_choice("digits", data.side)
    assert choice.model is not None and "8-D" in choice.label
    return choice.model


def _ends(model, x_a, x_b):
    path = analysis.interpolate(model, x_a, x_b, n_steps=10)
    return path.images[[0, -1]]  # (2, side, side): A and B as the model decodes them


def test_a_photographed_3_morphs_into_a_photographed_7(interpolator):
    x3, x7 = normalize_image(photo(3), 8), normalize_image(photo(7), 8)
    assert list(judge(np.stack([x3, x7]))) == [3, 7]  # the inputs read right
    assert list(judge(_ends(interpolator, x3, x7))) == [3, 7]  # and so do their decodings


def test_a_painted_1_comes_back_as_a_1(interpolator):
    x1, x7 = normalize_image(painted(1), 8), normalize_image(painted(7), 8)
    assert list(judge(np.stack([x1, x7]))) == [1, 7]
    assert list(judge(_ends(interpolator, x1, x7))) == [1, 7]


def test_most_of_a_students_digits_come_back(interpolator):
    """All ten digits painted and photographed: of those the judge reads right as inputs, at
    least 80 % are still read right after encoding and decoding (the 2-D model: 40 %)."""
    x = np.stack([normalize_image(make(d), 8) for make in (painted, photo) for d in range(10)])
    y = np.tile(np.arange(10), 2)
    readable = judge(x) == y
    assert readable.sum() >= 18
    decoded = analysis.reconstruct(interpolator, x[readable]).recon
    assert (judge(decoded) == y[readable]).mean() >= 0.8


def test_the_interpolator_reconstructs_the_test_digits(interpolator, data):
    decoded = analysis.reconstruct(interpolator, data.x_test).recon
    assert (judge(decoded) == data.y_test).mean() >= 0.9  # the 2-D model: 0.74
