"""Device selection, seeding, thread limits and the one place tensors become numpy arrays.

Used by every trainer and shown in every page header.
"""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import torch

DEVICE_ENV = "DLX_DEVICE"  # cuda | mps | cpu | auto
THREADS_ENV = "DLX_THREADS"
_VALID = ("auto", "cuda", "mps", "cpu")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """Names of the device kinds this process can use, best first."""
    kinds = []
    if torch.cuda.is_available():
        kinds.append("cuda")
    if _mps_available():
        kinds.append("mps")
    kinds.append("cpu")
    return kinds


def resolve_device_name(requested: str | None, available: list[str]) -> str:
    """Pick a device kind: the requested one when available, else CUDA, then MPS, then CPU.

    Pure function (tested without hardware). ``requested`` may be None, "" or "auto".
    """
    req = (requested or "auto").strip().lower()
    if req not in _VALID:
        req = "auto"
    if req != "auto" and req in available:
        return req
    for kind in ("cuda", "mps", "cpu"):
        if kind in available:
            return kind
    return "cpu"


def get_device(name: str | None = None) -> torch.device:
    """The device trainers use: ``name``, else $DLX_DEVICE, else CUDA -> MPS -> CPU."""
    requested = name if name is not None else os.environ.get(DEVICE_ENV)
    return torch.device(resolve_device_name(requested, available_devices()))


def device_label(device: torch.device | None = None) -> str:
    """Human-readable device, e.g. 'CUDA (NVIDIA H100)' or 'CPU (2 threads)'."""
    device = device or get_device()
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "MPS (Apple GPU)"
    n = torch.get_num_threads()
    return f"CPU ({n} thread{'' if n == 1 else 's'})"


def set_threads(n: int | None = None) -> int:
    """Cap torch's intra-op threads (a hosted class shares the cores). Returns the cap set.

    Order: ``n``, else $DLX_THREADS, else ``default_threads()``.
    """
    if n is None:
        try:
            n = int(os.environ.get(THREADS_ENV, "0"))
        except ValueError:
            n = 0
    if n <= 0:
        n = default_threads(os.cpu_count() or 1)
    torch.set_num_threads(n)
    return n


def default_threads(cores: int) -> int:
    """Half the cores, at most 4, at least 1. Measured on 2 cores: with torch on both, its
    worker threads spin against the browser and the other sessions (a GAN iteration took 9.2 ms
    instead of 3.6 ms and the live view fell from ~20 to ~5 frames/s); the models here are
    small, so one thread per session loses little."""
    return max(1, min(4, cores // 2))


def seed_everything(seed: int) -> torch.Generator:
    """Seed python, numpy and torch; return a CPU generator seeded with ``seed`` for local use."""
    seed = int(seed) % (2**32)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def to_numpy(x: Any) -> np.ndarray:
    """The single detach -> cpu -> numpy conversion used by every snapshot."""
    if isinstance(x, torch.Tensor):
        return (
            x.detach().to("cpu", copy=False).numpy()
            if x.dtype != torch.bfloat16
            else (x.detach().float().cpu().numpy())
        )
    return np.asarray(x)
