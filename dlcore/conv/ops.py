"""2-D convolution and cross-correlation with stride, padding and dilation, made inspectable.

Lecture slides: "Convolution: 2D Array" S(i,j) = sum_m sum_n I(m,n) K(i-m, j-n),
"Cross-correlation" S(i,j) = sum_m sum_n I(i+m, j+n) K(m,n) ("many machine learning libraries
implement cross-correlation and call it convolution"), "3D Convolution" (sum over channels),
"Convolution with a Stride", "Zero Padding" (valid / same / full). Used by ``pages/convolution.py``.

Images are float arrays (C, H, W); kernels are (kh, kw). Convolution = cross-correlation with the
kernel flipped in both axes, which is exactly how it is computed here
(``torch.nn.functional.conv2d`` is a cross-correlation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from dlcore.device import get_device, to_numpy

MODES = ("correlation", "convolution")
PADDINGS = ("valid", "same", "full")
PAD_MODES = ("zeros", "reflect")
CHANNEL_MODES = ("per_channel", "sum")


@dataclass(frozen=True)
class ConvSettings:
    mode: str = "correlation"  # correlation | convolution
    stride: tuple[int, int] = (1, 1)  # (rows, cols)
    padding: str = "valid"  # valid | same | full
    pad_mode: str = "zeros"  # zeros | reflect
    dilation: int = 1
    channels: str = "per_channel"  # per_channel | sum (the lecture's multi-channel convolution)


@dataclass(frozen=True)
class AxisPlan:
    """The output-size arithmetic along one axis, with the numbers the page prints."""

    n: int  # input size
    k: int  # kernel taps
    k_eff: int  # d (k - 1) + 1, the window a dilated kernel covers
    pad_lo: int
    pad_hi: int
    stride: int
    dilation: int
    out: int  # floor((n + pad_lo + pad_hi - d (k - 1) - 1) / s) + 1

    @property
    def formula(self) -> str:
        return (
            f"floor(({self.n} + {self.pad_lo} + {self.pad_hi} - {self.dilation}*({self.k}-1) - 1)"
            f" / {self.stride}) + 1 = {self.out}"
        )


@dataclass(frozen=True)
class ConvPlan:
    rows: AxisPlan
    cols: AxisPlan
    error: str | None  # why this setting is impossible, or None

    @property
    def out_hw(self) -> tuple[int, int]:
        return self.rows.out, self.cols.out


@dataclass(frozen=True)
class ConvResult:
    output: np.ndarray  # (C_out, Ho, Wo) float32; C_out = C (per channel) or 1 (sum)
    kernel_used: np.ndarray  # (kh, kw) the window actually slid (flipped for convolution)
    plan: ConvPlan


class ConvError(ValueError):
    """A setting that cannot be computed; the message is user-facing."""


def pad_amounts(padding: str, k: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding along one axis for valid / same / full."""
    k_eff = dilation * (k - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "full":
        return k_eff - 1, k_eff - 1
    if padding == "same":
        lo = (k_eff - 1) // 2
        return lo, k_eff - 1 - lo
    raise ValueError(f"unknown padding {padding!r}")


def output_size(
    n: int, k: int, stride: int = 1, pad_lo: int = 0, pad_hi: int = 0, dilation: int = 1
) -> int:
    """floor((n + pad_lo + pad_hi - d (k - 1) - 1) / s) + 1 (PyTorch's Conv2d formula)."""
    return (n + pad_lo + pad_hi - dilation * (k - 1) - 1) // stride + 1


def _axis(n: int, k: int, s: int, d: int, padding: str) -> AxisPlan:
    lo, hi = pad_amounts(padding, k, d)
    return AxisPlan(n, k, d * (k - 1) + 1, lo, hi, s, d, output_size(n, k, s, lo, hi, d))


def plan(in_hw: tuple[int, int], k_hw: tuple[int, int], st: ConvSettings) -> ConvPlan:
    """Shapes and padding for ``st``; ``error`` says (in words) when the setting is impossible."""
    rows = _axis(in_hw[0], k_hw[0], st.stride[0], st.dilation, st.padding)
    cols = _axis(in_hw[1], k_hw[1], st.stride[1], st.dilation, st.padding)
    return ConvPlan(rows, cols, _why_impossible(rows, cols, st))


def _why_impossible(rows: AxisPlan, cols: AxisPlan, st: ConvSettings) -> str | None:
    if min(st.stride) < 1 or st.dilation < 1:
        return "Stride and dilation must be at least 1."
    for name, ax in (("height", rows), ("width", cols)):
        if ax.out < 1:
            return (
                f"The {name} is {ax.n} pixels, but the {'dilated ' if ax.dilation > 1 else ''}"
                f"kernel covers {ax.k_eff} and padding adds only {ax.pad_lo + ax.pad_hi}: "
                f"no output pixel fits. Use a smaller kernel or dilation, or more padding."
            )
        if st.pad_mode == "reflect" and max(ax.pad_lo, ax.pad_hi) >= ax.n:
            return (
                f"Reflect padding of {max(ax.pad_lo, ax.pad_hi)} pixels needs an image {name} "
                f"above {max(ax.pad_lo, ax.pad_hi)} (it is {ax.n}). Use zero padding instead."
            )
    return None


def kernel_for(kernel: np.ndarray, mode: str) -> np.ndarray:
    """The window that slides: the kernel itself (correlation) or flipped in both axes. Always a
    fresh copy with positive strides: ``np.ascontiguousarray`` returns a flipped 1x1 view as it
    is (one element counts as contiguous), and torch refuses an array with negative strides."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    return (kernel[::-1, ::-1] if mode == "convolution" else kernel).copy(order="C")


def pad_image(x: torch.Tensor, p: ConvPlan, pad_mode: str) -> torch.Tensor:
    """Pad (B, C, H, W) with zeros or a mirror image of the border (edge pixel not repeated)."""
    pads = (p.cols.pad_lo, p.cols.pad_hi, p.rows.pad_lo, p.rows.pad_hi)
    if not any(pads):
        return x
    return F.pad(x, pads, mode="constant" if pad_mode == "zeros" else "reflect")


def apply_kernel(
    image: np.ndarray, kernel: np.ndarray, st: ConvSettings, device: torch.device | None = None
) -> ConvResult:
    """Filter a (C, H, W) image with one (kh, kw) kernel; raises ``ConvError`` when impossible."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 3:
        raise ValueError("image must be (C, H, W)")
    p = plan(image.shape[1:], kernel.shape, st)
    if p.error:
        raise ConvError(p.error)
    used = kernel_for(np.asarray(kernel, dtype=np.float64), st.mode)
    dev = device or get_device()
    c = image.shape[0]
    x = pad_image(torch.as_tensor(image, device=dev)[None], p, st.pad_mode)  # (1, C, H', W')
    w = torch.as_tensor(used, dtype=torch.float32, device=dev)
    groups = c if st.channels == "per_channel" else 1
    w = w.expand(c, 1, *w.shape) if groups == c else w.expand(1, c, *w.shape)  # (Co, C/g, kh, kw)
    out = F.conv2d(x, w.contiguous(), stride=st.stride, dilation=st.dilation, groups=groups)
    return ConvResult(to_numpy(out[0]), used, p)


def correlate_full(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full 2-D cross-correlation: [a * b](i, j) = sum_mn a(m, n) b(m + i, n + j), every overlap.

    ``a`` is the template (the kernel), ``b`` the signal; output (hb + ha - 1, wb + wa - 1).
    """
    st = ConvSettings(padding="full")
    return apply_kernel(np.asarray(b, dtype=np.float64)[None], a, st).output[0]


def convolve_full(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full 2-D convolution a * b (commutative): correlation with ``a`` flipped."""
    st = ConvSettings(mode="convolution", padding="full")
    return apply_kernel(np.asarray(b, dtype=np.float64)[None], a, st).output[0]


@dataclass(frozen=True)
class InnerProduct:
    """How one output pixel came about: <input patch, window> (lecture: "as inner product")."""

    row: int  # output pixel
    col: int
    rows: np.ndarray  # (kh,) input rows the window touches (negative / >= H: padding)
    cols: np.ndarray  # (kw,)
    patch: np.ndarray  # (C, kh, kw) input values under the window (padding included)
    window: np.ndarray  # (kh, kw) the kernel as slid (flipped for convolution)
    products: np.ndarray  # (C, kh, kw) patch * window
    sums: np.ndarray  # (C,) per channel sums
    value: float  # the output pixel: sum over channels when summing, else sums[channel]


def inner_product(
    image: np.ndarray, kernel: np.ndarray, st: ConvSettings, row: int, col: int, channel: int = 0
) -> InnerProduct:
    """The patch, window, products and sum behind output pixel (row, col)."""
    image = np.asarray(image, dtype=np.float32)
    p = plan(image.shape[1:], kernel.shape, st)
    if p.error:
        raise ConvError(p.error)
    row, col = int(np.clip(row, 0, p.rows.out - 1)), int(np.clip(col, 0, p.cols.out - 1))
    x = to_numpy(pad_image(torch.as_tensor(image)[None], p, st.pad_mode)[0])  # (C, H', W')
    window = kernel_for(np.asarray(kernel, dtype=np.float64), st.mode)
    kh, kw = window.shape
    r_idx = row * st.stride[0] + st.dilation * np.arange(kh)  # indices into the padded image
    c_idx = col * st.stride[1] + st.dilation * np.arange(kw)
    patch = x[:, r_idx][:, :, c_idx].astype(np.float64)
    products = patch * window
    sums = products.sum(axis=(1, 2))
    value = float(sums.sum()) if st.channels == "sum" else float(sums[min(channel, len(sums) - 1)])
    return InnerProduct(
        row, col, r_idx - p.rows.pad_lo, c_idx - p.cols.pad_lo, patch, window, products, sums, value
    )
