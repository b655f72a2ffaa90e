"""Associativity of convolution (and its failure for cross-correlation), and the cost slide.

Lecture slides "Cross Correlation vs. Convolution" ("Convolution is associative: D*(G*I) = (D*G)*I
... Correlation is not associative"), "Sparse connectivity" (runtime O(m x n) -> O(k x n)) and
"Parameter Sharing". Used by ``pages/convolution.py``.

All products here use full padding (every overlap), where convolution is exactly associative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcore.conv.ops import convolve_full, correlate_full


@dataclass(frozen=True)
class Associativity:
    """Both groupings of D (.) G (.) I for one operation, and how far apart they are."""

    op: str  # convolution | correlation
    stepwise: np.ndarray  # (H', W') D . (G . I): smooth first, then differentiate
    combined_kernel: np.ndarray  # (kd + kg - 1, ...) D . G
    combined: np.ndarray  # (H', W') (D . G) . I: one pass with the combined kernel
    max_abs_diff: float
    rel_diff: float  # max |difference| / max |stepwise|


_OPS = {"convolution": convolve_full, "correlation": correlate_full}


def associativity(d: np.ndarray, g: np.ndarray, image: np.ndarray, op: str) -> Associativity:
    """Compare D.(G.I) with (D.G).I for a 2-D image, op = convolution or correlation."""
    f = _OPS[op]
    img = np.asarray(image, dtype=np.float64)
    stepwise = f(d, f(g, img))
    dg = f(d, g)
    combined = f(dg, img)
    diff = float(np.abs(stepwise - combined).max())
    scale = max(float(np.abs(stepwise).max()), 1e-12)
    return Associativity(op, stepwise, dg, combined, diff, diff / scale)


@dataclass(frozen=True)
class Cost:
    """Connections (multiply-adds) and parameters of a dense layer vs a convolution."""

    in_units: int  # C * H * W
    out_units: int  # C_out * Ho * Wo
    dense_connections: int  # every output sees every input
    dense_params: int  # one weight per connection (+ one bias per output)
    conv_connections: int  # every output sees k*k inputs per input channel it sums over
    conv_params: int  # one shared k x k kernel per (output, input) channel pair (+ biases)

    @property
    def connection_ratio(self) -> float:
        return self.dense_connections / max(1, self.conv_connections)

    @property
    def param_ratio(self) -> float:
        return self.dense_params / max(1, self.conv_params)


def cost(
    in_chw: tuple[int, int, int], out_chw: tuple[int, int, int], k_hw: tuple[int, int], summed: bool
) -> Cost:
    """The counts for a layer mapping ``in_chw`` to ``out_chw`` with a k_h x k_w kernel.

    ``summed``: each output channel sums over all input channels (the lecture's multi-channel
    convolution); otherwise each channel is filtered on its own (depthwise).
    """
    c, h, w = in_chw
    co, ho, wo = out_chw
    n_in, n_out = c * h * w, co * ho * wo
    taps = k_hw[0] * k_hw[1] * (c if summed else 1)
    return Cost(
        in_units=n_in,
        out_units=n_out,
        dense_connections=n_in * n_out,
        dense_params=n_in * n_out + n_out,
        conv_connections=n_out * taps,
        conv_params=co * taps + co,
    )
