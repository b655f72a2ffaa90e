"""Backpropagation on a computational graph (pages/backprop.py).

The lecture's "Backpropagation in General Flow Graph": a typed expression becomes a graph of
primitive operations (``expr``), evaluated forward in topological order and walked backward node
by node with the multiple-paths chain rule (``graph``), every number checked against
``torch.autograd`` and finite differences. Beside it: the lecture's two-layer sigmoid network
with its error signals and weight updates (``network``), why depth makes gradients vanish
(``depth``), the softmax layer's gradient p - y (``softmax``) and the cost of reverse mode
against finite differences (``cost``). Everything here is torch and numpy only.
"""

from __future__ import annotations

import torch

from dlcore.device import get_device


def reference_device() -> torch.device:
    """The device of this page's float64 computations: the app's device, except Apple's MPS,
    which has no float64 (the checks compare to 1e-10, so float32 will not do)."""
    device = get_device()
    return torch.device("cpu") if device.type == "mps" else device
