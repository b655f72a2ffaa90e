"""MNIST (28 x 28) on request: read from a cache folder, downloaded only when a user presses a
page's "Download MNIST" button (the VAE and GAN pages).

MNIST is never fetched implicitly: ``load_mnist`` only reads the standard idx files from the cache
folder ($DLX_DATA_DIR/mnist, else ~/.cache/dlexplorer/mnist); ``download_mnist`` fails with a clear
``DataUnavailable`` message when the machine is offline.
"""

from __future__ import annotations

import gzip
import os
import struct
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from dlcore.data.splits import DataSplit

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
CACHE_ENV = "DLX_DATA_DIR"
MAX_IDX_BYTES = 64 * 1024 * 1024  # an idx file bigger than this is not MNIST


class DataUnavailable(RuntimeError):
    """The requested data set is not on this machine (message is shown to the user)."""


def mnist_cache_dir() -> Path:
    """$DLX_DATA_DIR/mnist, else ~/.cache/dlexplorer/mnist."""
    root = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "dlexplorer"
    return Path(root) / "mnist"


def read_idx(path: Path) -> np.ndarray:
    """Parse an idx file (or .gz): magic 0x0000, dtype 0x08 (ubyte), ndim; big-endian dims."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:  # a truncated or corrupt download
            raise DataUnavailable(f"{Path(path).name}: not a readable gzip file ({err})") from err
    if len(raw) < 4 or len(raw) > MAX_IDX_BYTES:
        raise DataUnavailable(f"{Path(path).name}: not an idx file (size {len(raw)} bytes)")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08 or not 1 <= ndim <= 3 or len(raw) < 4 + 4 * ndim:
        raise DataUnavailable(f"{Path(path).name}: bad idx header")
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise DataUnavailable(
            f"{Path(path).name}: expected {int(np.prod(dims))} values, got {body.size}"
        )
    return body.reshape(dims)


def _find(cache: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (cache / name).is_file():
            return cache / name
    return None


def mnist_available(cache: Path | None = None) -> bool:
    cache = cache or mnist_cache_dir()
    return all(_find(cache, stem) for stem in MNIST_FILES.values())


def load_mnist(cache: Path | None = None, n_train: int = 60000, n_test: int = 2000) -> DataSplit:
    """MNIST from the cache folder (pixels / 255). Raises DataUnavailable when not cached."""
    cache = cache or mnist_cache_dir()
    arrays = {}
    for key, stem in MNIST_FILES.items():
        path = _find(cache, stem)
        if path is None:
            raise DataUnavailable(
                f"MNIST is not cached in {cache} (missing {stem}). Press 'Download MNIST' "
                "on a machine with internet access, or copy the four idx files there."
            )
        arrays[key] = read_idx(path)
    xs = {k: arrays[f"{k}_images"] for k in ("train", "test")}
    ys = {k: arrays[f"{k}_labels"] for k in ("train", "test")}
    for k in xs:
        if xs[k].ndim != 3 or xs[k].shape[1] != xs[k].shape[2] or len(xs[k]) != len(ys[k]):
            raise DataUnavailable(
                f"MNIST {k} files do not match (images {xs[k].shape}, labels {ys[k].shape})"
            )
    side = xs["train"].shape[1]
    flat = {
        k: (v.reshape(len(v), -1)[: (n_train if k == "train" else n_test)] / 255.0)
        for k, v in xs.items()
    }
    return DataSplit(
        "mnist", side,
        flat["train"].astype(np.float32), ys["train"][:n_train].astype(np.int64),
        flat["test"].astype(np.float32), ys["test"][:n_test].astype(np.int64),
    )  # fmt: skip


Fetch = Callable[[str, float], bytes]


def _urlopen_bytes(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (https mirrors only)
        return resp.read(MAX_IDX_BYTES + 1)


def download_mnist(
    cache: Path | None = None, fetch: Fetch = _urlopen_bytes, timeout: float = 20.0
) -> Path:
    """Fetch the four gzipped idx files into the cache (only when the user asks).

    Each file is validated with ``read_idx`` before it is kept. Raises DataUnavailable with a
    readable message when no mirror answers (offline machine).
    """
    cache = cache or mnist_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    for stem in MNIST_FILES.values():
        if _find(cache, stem):
            continue
        errors = []
        for mirror in MNIST_MIRRORS:
            try:
                blob = fetch(mirror + stem + ".gz", timeout)
            except (urllib.error.URLError, OSError, ValueError) as err:
                errors.append(f"{mirror}: {getattr(err, 'reason', err)}")
                continue
            tmp = cache / (stem + ".gz.part")
            tmp.write_bytes(blob)
            try:
                read_idx(tmp)
            except DataUnavailable as err:
                tmp.unlink(missing_ok=True)
                errors.append(f"{mirror}: {err}")
                continue
            tmp.rename(cache / (stem + ".gz"))
            break
        else:
            raise DataUnavailable(
                "Could not download MNIST (this machine looks offline): " + "; ".join(errors)[:300]
            )
    return cache


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> Path:
    """Write a uint8 array as an idx file (used by tests to make tiny MNIST-format files)."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    blob = struct.pack(">HBB", 0, 0x08, a.ndim) + struct.pack(f">{a.ndim}I", *a.shape) + a.tobytes()
    Path(path).write_bytes(gzip.compress(blob) if compress else blob)
    return Path(path)
