"""Tests for dlcore.data.mnist: the MNIST idx reader and the on-request download (tiny idx files
written by the test; the network is never used)."""

from __future__ import annotations

import gzip
import urllib.error

import numpy as np
import pytest

from dlcore.data import mnist as D


def _tiny_mnist(folder, compress, n_train=5, n_test=3, side=28):
    rng = np.random.default_rng(0)
    imgs = {
        k: rng.integers(0, 256, (n, side, side), dtype=np.uint8)
        for k, n in (("train", n_train), ("test", n_test))
    }
    labs = {k: rng.integers(0, 10, len(v), dtype=np.uint8) for k, v in imgs.items()}
    ext = ".gz" if compress else ""
    D.write_idx(folder / (D.MNIST_FILES["train_images"] + ext), imgs["train"], compress)
    D.write_idx(folder / (D.MNIST_FILES["train_labels"] + ext), labs["train"], compress)
    D.write_idx(folder / (D.MNIST_FILES["test_images"] + ext), imgs["test"], compress)
    D.write_idx(folder / (D.MNIST_FILES["test_labels"] + ext), labs["test"], compress)
    return imgs, labs


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_from_tiny_idx_files(tmp_path, compress):
    imgs, labs = _tiny_mnist(tmp_path, compress)
    assert D.mnist_available(tmp_path)
    s = D.load_mnist(tmp_path)
    assert s.side == 28 and s.x_train.shape == (5, 784) and s.x_test.shape == (3, 784)
    np.testing.assert_allclose(s.x_train[2], imgs["train"][2].ravel() / 255.0, atol=1e-7)
    np.testing.assert_array_equal(s.y_test, labs["test"])


def test_idx_header_is_parsed_by_hand(tmp_path):
    # magic 0x00000801 (ubyte, 1 dim), length 3, values 7 8 9
    (tmp_path / "l").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    np.testing.assert_array_equal(D.read_idx(tmp_path / "l"), [7, 8, 9])


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00",
        bytes([0, 0, 8, 1, 0, 0, 0, 9, 1, 2]),
        b"PK\x03\x04junk",
        bytes([0, 0, 8, 3, 0, 0]),  # header cut inside the dimensions
        b"\x1f\x8b\x08\x00truncated gzip",
    ],
)
def test_bad_idx_files_raise_a_clear_error(tmp_path, blob):
    (tmp_path / "bad").write_bytes(blob)
    with pytest.raises(D.DataUnavailable):
        D.read_idx(tmp_path / "bad")


def test_missing_mnist_gives_a_message(tmp_path):
    assert not D.mnist_available(tmp_path)
    with pytest.raises(D.DataUnavailable, match="Download MNIST"):
        D.load_mnist(tmp_path)


def test_download_offline_is_a_clear_message(tmp_path):
    def offline(url, timeout):
        raise urllib.error.URLError("Temporary failure in name resolution")

    with pytest.raises(D.DataUnavailable, match="offline"):
        D.download_mnist(tmp_path, fetch=offline)
    assert not D.mnist_available(tmp_path)


def test_download_saves_validated_files(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _tiny_mnist(src, compress=False)
    calls = []

    def fake(url, timeout):
        calls.append(url)
        if "ossci" in url:  # first mirror serves garbage: rejected, second mirror used
            return b"<html>not found</html>"
        return gzip.compress((src / url.rsplit("/", 1)[1][:-3]).read_bytes())

    cache = D.download_mnist(tmp_path / "cache", fetch=fake)
    assert len(calls) == 8 and D.mnist_available(cache)
    assert D.load_mnist(cache).x_train.shape == (5, 784)
    assert not list(cache.glob("*.part"))
    D.download_mnist(cache, fetch=fake)  # already cached: nothing fetched
    assert len(calls) == 8


def test_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv(D.CACHE_ENV, str(tmp_path))
    assert D.mnist_cache_dir() == tmp_path / "mnist"
