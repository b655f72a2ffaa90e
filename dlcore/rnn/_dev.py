"""Device and numpy helpers for dlcore.rnn: use the foundation's dlcore.device when present."""

from __future__ import annotations

import numpy as np
import torch

try:  # the foundation module (lead); fall back to CPU if it is not importable yet
    from dlcore.device import get_device, to_numpy
except ImportError:  # pragma: no cover

    def get_device() -> torch.device:
        return torch.device("cpu")

    def to_numpy(x: torch.Tensor) -> np.ndarray:
        return x.detach().cpu().numpy()


__all__ = ["get_device", "to_numpy"]
