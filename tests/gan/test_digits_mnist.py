"""Digits GAN on MNIST-format data: a tiny idx data set written here (the idx format by hand) in a
temporary $DLX_DATA_DIR trains, draws 28x28 grids and interpolates; missing files give a clear
message and the shipped 8x8 digits."""

import struct

import numpy as np
import pytest
import torch

from dlcore.data.mnist import MNIST_FILES
from dlcore.gan.digits import DigitsConfig, DigitsGan, judge, noise, real_digits, resolve_data
from dlcore.viz.gan import digit_grid

CPU = torch.device("cpu")
N_TRAIN, N_TEST, SIDE = 80, 10, 28


def idx_bytes(a: np.ndarray) -> bytes:
    """The idx format: 0x0000, type 0x08 (unsigned byte), ndim, big-endian sizes, then the data."""
    head = b"\x00\x00\x08" + bytes([a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape)
    return head + a.astype(np.uint8).tobytes()


def strokes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n 28x28 images: label k = a bar at column 2 + 2k (pixel 255 on 0), easy to tell apart."""
    labels = rng.integers(0, 10, n)
    x = np.zeros((n, SIDE, SIDE), np.uint8)
    for i, k in enumerate(labels):
        x[i, 4:24, 2 + 2 * k : 5 + 2 * k] = 255
    return x, labels


def write_fake_mnist(root):
    """The four MNIST idx files (tiny) under root/mnist, as $DLX_DATA_DIR=root expects."""
    rng = np.random.default_rng(0)
    (root / "mnist").mkdir(parents=True)
    for split, n in (("train", N_TRAIN), ("test", N_TEST)):
        x, y = strokes(n, rng)
        (root / "mnist" / MNIST_FILES[f"{split}_images"]).write_bytes(idx_bytes(x))
        (root / "mnist" / MNIST_FILES[f"{split}_labels"]).write_bytes(idx_bytes(y))
    return root


@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    root = write_fake_mnist(tmp_path / "data")
    monkeypatch.setenv("DLX_DATA_DIR", str(root))
    return root


def test_fake_idx_files_are_read_as_28x28_in_tanh_range(mnist_dir):
    real = real_digits("mnist")
    assert real.side == SIDE and real.x.shape == (N_TRAIN, SIDE * SIDE)
    assert real.x.min() == -1 and real.x.max() == 1  # 0 -> -1, 255 -> +1
    assert resolve_data("mnist") == ("mnist", None)


def test_mnist_gan_trains_and_draws_28x28(mnist_dir):
    t = DigitsGan(DigitsConfig(data="mnist", start="checkpoint", seed=3), CPU)
    assert t.G[0].in_features == 64 and t.G[-2].out_features == SIDE * SIDE
    assert t.D[0].in_features == SIDE * SIDE
    assert t.start_steps == 0 and "No shipped checkpoint" in t.start_note
    before = t.snapshot()
    m = t.step(4)
    assert t.steps == 4 and np.isfinite([m["d_loss"], m["g_loss"]]).all()
    after = t.snapshot()
    assert after.samples.shape == after.fixed.shape == (16, SIDE, SIDE)
    assert after.samples.min() >= 0 and after.samples.max() <= 1
    assert not np.array_equal(before.fixed, after.fixed)  # training moved G
    grid = digit_grid(after.fixed, ncols=4)  # 4 screen pixels a pixel: 112 px a digit
    assert grid.shape == (4 * (4 * (SIDE + 1) + 1), 4 * (4 * (SIDE + 1) + 1), 3)
    path = t.interpolate(1, 2, 10)
    assert path.shape == (10, SIDE, SIDE)
    assert digit_grid(path, ncols=10).shape[1] == 4 * (10 * (SIDE + 1) + 1)
    np.testing.assert_allclose(path[-1], t.generate(noise(1, 2, CPU, 64))[0], atol=1e-6)
    q = t.quality.last()
    assert 0 <= q["class_entropy"] <= 1 and 0.1 <= q["confidence"] <= 1


def test_judge_fitted_on_the_mnist_files_knows_their_classes(mnist_dir):
    x = ((real_digits("mnist").x + 1) / 2).numpy().reshape(-1, SIDE, SIDE)
    score = judge(x, "mnist")
    assert score.confidence > 0.6 and score.class_entropy > 0.9  # all ten bars told apart
    assert judge(np.repeat(x[:1], 20, 0), "mnist").class_entropy == 0.0


def test_missing_mnist_falls_back_to_8x8_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("DLX_DATA_DIR", str(tmp_path / "empty"))
    data, msg = resolve_data("mnist")
    assert data == "digits8"
    assert "MNIST is not cached" in msg and "8x8" in msg and str(tmp_path / "empty") in msg
    t = DigitsGan(DigitsConfig(data=data, start="scratch"), CPU)
    assert t.snapshot().samples.shape == (16, 8, 8)


def test_broken_mnist_file_falls_back_with_a_message(mnist_dir):
    images = mnist_dir / "mnist" / MNIST_FILES["train_images"]
    images.write_bytes(idx_bytes(np.zeros((N_TRAIN + 1, SIDE, SIDE))))  # labels do not match
    data, msg = resolve_data("mnist")
    assert data == "digits8" and "do not match" in msg and "8x8" in msg
    images.write_bytes(b"\x00\x00\x08\x03garbage")  # a truncated header
    data, msg = resolve_data("mnist")
    assert data == "digits8" and "8x8" in msg
