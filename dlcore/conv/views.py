"""What the convolution page shows, computed from its config: pure functions, no Streamlit.

Turns a ``ConvConfig`` and an input image into the filter output (``lab``: what every view starts
from), the inner-product breakdown, pooling results, the associativity check and the cost numbers.
Used by the convolution page's views (``dlcore/ui/views/conv.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcore.conv import images, kernels, ops, pooling
from dlcore.conv.algebra import Associativity, Cost, associativity, cost
from dlcore.conv.config import ConvConfig

FLIP_NOTE = (
    "Convolution = cross-correlation with the kernel flipped. Most libraries "
    "(PyTorch's conv2d too) compute cross-correlation and call it convolution."
)
DISPLAYS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "signed": lambda x: x,
    "clip": lambda x: np.clip(x, 0.0, 1.0),
    "abs": lambda x: np.clip(np.abs(x), 0.0, 1.0),
    "normalize": lambda x: (x - x.min()) / (x.max() - x.min()) if x.max() > x.min() else 0 * x,
}
ZERO_SUM = 0.05  # |sum of the weights| below this share of max |w|: the kernel "sums to 0"


def display_for(display: str, kernel: np.ndarray) -> str:
    """The display the output is shown with. "auto": as an image ("clip") when the weights add
    up to a clearly positive number (identity, blurs, sharpen, emboss keep the brightness of the
    image), in signed colours when they sum to (nearly) 0 or less (edge detectors, high pass:
    a flat region gives 0 and the response has both signs)."""
    if display != "auto":
        return display
    k = np.asarray(kernel, dtype=np.float64)
    return "clip" if float(k.sum()) > ZERO_SUM * _largest(k) else "signed"


def _largest(kernel: np.ndarray) -> float:
    return float(np.abs(kernel).max()) if kernel.size else 0.0


def settings(cfg: ConvConfig) -> ops.ConvSettings:
    channels = cfg.channels if cfg.color == "color" else "per_channel"
    return ops.ConvSettings(
        cfg.mode, (cfg.stride_y, cfg.stride_x), cfg.padding, cfg.pad_mode, cfg.dilation, channels
    )


def kernel_of(cfg: ConvConfig) -> tuple[np.ndarray, str | None]:
    """The kernel the config asks for; a malformed custom grid falls back with a notice."""
    if cfg.kernel != "custom":
        return kernels.make(cfg.kernel, cfg.size), None
    n = round(len(cfg.custom) ** 0.5)
    if n * n == len(cfg.custom) and 1 <= n <= 7:
        return np.array(cfg.custom, dtype=np.float64).reshape(n, n), None
    if not cfg.custom:  # Custom just opened from a link: the grid to edit starts as the identity
        return kernels.make("identity", 3), None
    return kernels.make("identity", 3), (
        "A custom kernel needs a square grid of numbers (1, 4, 9, ... or 49 values); got "
        f"{len(cfg.custom)}. Using the identity kernel."
    )


def builtin_image(cfg: ConvConfig) -> np.ndarray:
    """(C, H, W) in [0, 1] for a built-in source (not 'upload')."""
    if cfg.source == "digit":
        return images.digit(cfg.digit)
    return images.BUILTINS[cfg.source]()


def prepare(img: np.ndarray, color: str) -> tuple[np.ndarray, str | None]:
    """Gray or colour, downscaled to the cap with a notice."""
    img = images.to_gray(img) if color == "gray" else img
    if color == "color" and img.shape[0] == 1:
        img = np.repeat(img, 3, axis=0)
    return images.fit(np.ascontiguousarray(img, dtype=np.float32))


@dataclass(frozen=True)
class FilterView:
    image: np.ndarray  # (C, H, W) input
    kernel: np.ndarray  # (k, k) as chosen
    plan: ops.ConvPlan
    output: np.ndarray | None  # (C_out, Ho, Wo) raw response; None when impossible
    shown: np.ndarray | None  # the output after the display transform
    error: str | None
    display: str = "signed"  # the display used (``display_for``: "auto" resolved)
    auto: bool = False  # True when the page chose the display ("auto")


def filter_view(
    img: np.ndarray, kernel: np.ndarray, st: ops.ConvSettings, display: str
) -> FilterView:
    p = ops.plan(img.shape[1:], kernel.shape, st)
    used, auto = display_for(display, kernel), display == "auto"
    if p.error:
        return FilterView(img, kernel, p, None, None, p.error, used, auto)
    out = ops.apply_kernel(img, kernel, st).output
    return FilterView(img, kernel, p, out, DISPLAYS[used](out), None, used, auto)


def _share(frac: float) -> str:
    return f"{frac:.0%}" if frac >= 0.01 or frac == 0 else f"{frac:.1%}"


def _brightness(fv: FilterView, total: float) -> str:
    """What a kernel whose weights sum to ``total`` does to the brightness; summed over the
    colour channels (one output channel from three), the gain is three times the kernel's."""
    summed = fv.output is not None and fv.output.shape[0] == 1 and fv.image.shape[0] > 1
    gain = total * (fv.image.shape[0] if summed else 1)
    head = f"the weights sum to {total:.3g}"
    if summed:
        head += f" on each channel, {gain:.3g} over the {fv.image.shape[0]} channels"
    if abs(gain - 1) < 0.05:
        return f"{head}: the brightness is kept"
    return f"{head}: about {gain:.3g} times as bright"


def display_note(fv: FilterView) -> str:
    """What the colours of the output mean, with its numbers (and, when the page chose the
    display, why)."""
    out = fv.output
    if out is None:
        return ""
    total = float(fv.kernel.sum())
    if fv.display == "signed":
        m = float(np.abs(out).max())
        why = ""
        if fv.auto:
            zero = abs(total) <= ZERO_SUM * _largest(fv.kernel)
            why = "the weights sum to 0, so flat regions give 0; " if zero else ""
            why = why or f"the weights sum to {total:.3g}, below 0; "
        return f"{why}signed colours from {-m:.3g} to {m:.3g}: orange < 0 < blue, white = 0"
    if fv.display == "clip":
        why = f" ({_brightness(fv, total)})" if fv.auto else ""
        outside = float(((out < 0) | (out > 1)).mean())
        cut = (
            f"; {_share(outside)} of the values fall outside 0..1 and are cut off"
            if outside > 0
            else ""
        )
        return f"shown as an image, each value from 0 (dark) to 1 (bright){why}{cut}"
    if fv.display == "abs":
        return "|value| from 0 (dark) to 1 (bright), cut off above 1: the sign is lost"
    return (
        f"stretched: the smallest value {float(out.min()):.3g} is black, "
        f"the largest {float(out.max()):.3g} white (over all channels)"
    )


# the config fields the shared controls set: what a ``Lab`` depends on (with the upload)
LAB_FIELDS = (
    "source",
    "digit",
    "color",
    "kernel",
    "size",
    "custom",
    "mode",
    "stride_y",
    "stride_x",
    "padding",
    "pad_mode",
    "dilation",
    "channels",
    "display",
)


@dataclass(frozen=True)
class Lab:
    """The image, kernel and operation every view of the page works on, computed once."""

    raw: np.ndarray  # (C, H, W) in [0, 1]: the source image as given
    uploaded: bool  # True when ``raw`` is the student's own image
    image: np.ndarray  # (C, H, W) gray or colour, within images.MAX_SIDE: what is filtered
    kernel: np.ndarray  # (k, k)
    settings: ops.ConvSettings
    filtered: FilterView
    notes: tuple[str, ...]  # for the student: the image was downscaled, the grid fell back


def lab_key(cfg: ConvConfig) -> tuple:
    """The values of ``LAB_FIELDS``: two configs with the same key give the same ``Lab``."""
    return tuple(getattr(cfg, name) for name in LAB_FIELDS)


def lab(cfg: ConvConfig, upload: np.ndarray | None = None) -> Lab:
    """The page's shared computation: the source image (``upload`` when the source is
    'upload' and there is one, the scene while there is none), prepared, and filtered."""
    if cfg.source == "upload":
        raw = upload if upload is not None else images.scene()
    else:
        raw = builtin_image(cfg)
    image, note = prepare(raw, cfg.color)
    kernel, k_note = kernel_of(cfg)
    conv = settings(cfg)
    filtered = filter_view(image, kernel, conv, cfg.display)
    notes = tuple(n for n in (note, k_note) if n)
    uploaded = cfg.source == "upload" and upload is not None
    return Lab(raw, uploaded, image, kernel, conv, filtered, notes)


def detector(kernel: np.ndarray, st: ops.ConvSettings) -> Callable[[np.ndarray], np.ndarray]:
    """The lecture's detector stage: ReLU(filter response), channels averaged -> (H, W)."""
    same = ops.ConvSettings(
        st.mode, (1, 1), "same", "reflect" if min(kernel.shape) > 1 else "zeros", 1, "per_channel"
    )

    def run(x: np.ndarray) -> np.ndarray:
        return np.maximum(ops.apply_kernel(x, kernel, same).output, 0.0).mean(axis=0)

    return run


@dataclass(frozen=True)
class LpSweep:
    ps: np.ndarray  # (P,)
    to_average: np.ndarray  # (P,) mean |Lp - average| / mean |max - average|
    to_max: np.ndarray  # (P,) mean |Lp - max| / mean |max - average|


def lp_sweep(
    fmap: np.ndarray,
    size: int,
    stride: int,
    ps: tuple[float, ...] = (1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 100),
) -> LpSweep:
    """Lp pooling of ``fmap`` for growing p: starts at the average, approaches the max."""
    avg = pooling.pool2d(fmap, "average", size, stride)
    mx = pooling.pool2d(fmap, "max", size, stride)
    scale = max(float(np.abs(mx - avg).mean()), 1e-12)
    lps = [pooling.pool2d(fmap, "lp", size, stride, p) for p in ps]
    to_avg = np.array([np.abs(x - avg).mean() / scale for x in lps])
    to_max = np.array([np.abs(x - mx).mean() / scale for x in lps])
    return LpSweep(np.array(ps, dtype=float), to_avg, to_max)


def small_gray(img: np.ndarray, side: int = 160) -> np.ndarray:
    """(H, W) grayscale copy, at most ``side`` pixels, for the slower demos."""
    return images.fit(images.to_gray(img), side)[0][0]


def associativity_pair(d: np.ndarray, g: np.ndarray, img: np.ndarray) -> tuple[Associativity, ...]:
    gray = small_gray(img)
    return tuple(associativity(d, g, gray, op) for op in ("convolution", "correlation"))


def layer_cost(view: FilterView, st: ops.ConvSettings) -> Cost | None:
    if view.output is None:
        return None
    summed = st.channels == "sum"
    return cost(view.image.shape, view.output.shape, view.kernel.shape, summed)


@dataclass(frozen=True)
class LpExample:
    """One pooling window written out: the one where average and max pooling differ most."""

    values: np.ndarray  # (size, size) detector values under the window
    lp: float  # Lp pooling of the window for this p
    average: float  # mean |x|: Lp pooling at p = 1
    largest: float  # max |x|: Lp pooling as p -> inf


def lp_example(fmap: np.ndarray, size: int, stride: int, p: float) -> LpExample:
    """The window of ``fmap`` where max and average pooling differ most (a flat window would
    give the same number for every p), with its Lp pool, average and max."""
    spread = pooling.pool2d(np.abs(fmap), "max", size, stride)
    spread = spread - pooling.pool2d(np.abs(fmap), "average", size, stride)
    r, c = np.unravel_index(int(np.argmax(spread)), spread.shape)
    win = fmap[r * stride : r * stride + size, c * stride : c * stride + size]
    lp = float(pooling.pool2d(win, "lp", size, size, p)[0, 0])
    return LpExample(win, lp, float(np.abs(win).mean()), float(np.abs(win).max()))


@dataclass(frozen=True)
class PoolingView:
    fmap: np.ndarray  # (H, W) detector stage
    pooled: np.ndarray  # (Ho, Wo)
    curve: pooling.InvarianceCurve | None  # None when the image is too small to shift
    sweep: LpSweep | None
    error: str | None
    example: LpExample | None = None  # the strongest window's Lp pool, written out


def pooling_view(
    img: np.ndarray,
    kernel: np.ndarray,
    st: ops.ConvSettings,
    kind: str,
    size: int,
    stride: int,
    p: float,
) -> PoolingView:
    """Detector map, its pooling, the shift experiment (on a <= 160 px copy) and the Lp sweep."""
    det = detector(kernel, st)
    fmap = det(img)
    empty = np.zeros((0, 0))
    if min(fmap.shape) < size:
        msg = f"The map ({fmap.shape[0]}x{fmap.shape[1]}) is smaller than the {size}x{size} pool."
        return PoolingView(fmap, empty, None, None, msg)
    pooled = pooling.pool2d(fmap, kind, size, stride, p)
    small = small_gray(img)[None]
    curve = (
        pooling.invariance_curve(det, small, kind, size, stride, p)
        if min(small.shape[1:]) >= size + 4
        else None
    )
    example = lp_example(fmap, size, stride, p)
    return PoolingView(fmap, pooled, curve, lp_sweep(fmap, size, stride), None, example)


def output_size_text(p: ops.ConvPlan) -> str:
    return f"Output size **{p.rows.out} x {p.cols.out}** (rows x columns):"


def cost_table(c: Cost) -> dict[str, list[str]]:
    return {
        "": ["connections (multiply-adds)", "parameters (with biases)"],
        "dense layer": [f"{c.dense_connections:,}", f"{c.dense_params:,}"],
        "convolution": [f"{c.conv_connections:,}", f"{c.conv_params:,}"],
        "dense / conv": [f"{c.connection_ratio:,.0f}x", f"{c.param_ratio:,.0f}x"],
    }


def window_caption(ip: ops.InnerProduct) -> str:
    return (
        f"output pixel ({ip.row}, {ip.col}) looks at input rows {ip.rows.min()}..{ip.rows.max()}, "
        f"columns {ip.cols.min()}..{ip.cols.max()}"
    )


def result_text(ip: ops.InnerProduct, held: float, summed: bool) -> str:
    """The channel sum (when summing) and the output pixel, next to what the output map holds."""
    total = " + ".join(f"{s:.4f}" for s in ip.sums)
    head = f"Summed over the channels: {total} = **{ip.value:.4f}**\n\n" if summed else ""
    out = f"Output pixel ({ip.row}, {ip.col}) = **{ip.value:.4f}**"
    return f"{head}{out}; the output map holds {held:.4f}."


POOL_NAMES = {"max": "Max", "average": "Average", "lp": "Lp"}


def pool_caption(pv: PoolingView, kind: str, size: int, stride: int) -> str:
    h, w = pv.pooled.shape
    keep = pv.pooled.size / pv.fmap.size
    name = POOL_NAMES.get(kind, kind)
    return f"{name} pool {size}x{size}, stride {stride}: {w}x{h}, keeps {keep:.0%} of the values"


def assoc_text(res: Associativity) -> tuple[str, str]:
    """(headline with its equations in $...$, the operator in LaTeX) for one check."""
    s = "*" if res.op == "convolution" else r"\star"
    verdict = "equal" if res.rel_diff < 1e-4 else "NOT equal"
    head = (
        f"**{res.op.capitalize()}**: $D {s} (G {s} I)$ vs $(D {s} G) {s} I$ → "
        f"**{verdict}**, max difference {res.max_abs_diff:.3g} "
        f"({res.rel_diff:.1%} of the largest value)"
    )
    return head, s


HAND_BANK = (
    "sobel_v",
    "sobel_h",
    "prewitt_v",
    "prewitt_h",
    "outline",
    "sharpen",
    "gaussian",
    "emboss",
)


def kernel_rows(live: np.ndarray, shipped: np.ndarray) -> dict[str, np.ndarray]:
    """Three rows of 3x3 kernels: this session's run, the shipped checkpoint, hand-made ones."""
    bank = {f"yours {i}": k for i, k in enumerate(live)}
    bank |= {f"shipped {i}": k for i, k in enumerate(shipped)}
    return bank | {kernels.KERNELS[n].label: kernels.make(n, 3) for n in HAND_BANK}


def grid_text(values: np.ndarray) -> str:
    """A kernel grid as the config's comma-separated form (NaN -> 0, clipped to +-100)."""
    flat = np.nan_to_num(np.asarray(values, dtype=float)).clip(-100, 100).ravel()
    return ",".join(f"{v:.6g}" for v in flat)


PICK_MAX = 64  # click targets per axis on the input image (a 512 px image: every 8th pixel)


def window_centre(ax: ops.AxisPlan, i: int) -> float:
    """The input coordinate (pixels from 0; padding < 0) of the centre of output pixel ``i``'s
    window along one axis: i s - pad_before + d (k - 1) / 2."""
    return i * ax.stride - ax.pad_lo + ax.dilation * (ax.k - 1) / 2


def output_index_at(ax: ops.AxisPlan, coord: float) -> int:
    """The output pixel whose window is centred nearest input coordinate ``coord`` (a click on
    the input image), clipped to the output."""
    i = round((coord + ax.pad_lo - ax.dilation * (ax.k - 1) / 2) / ax.stride)
    return int(np.clip(i, 0, ax.out - 1))


def _picks(n: int) -> np.ndarray:
    step = max(1, -(-(n - 1) // (PICK_MAX - 1)))  # the last index is added: <= PICK_MAX in all
    idx = np.arange(0, n, step)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def pick_grid(plan: ops.ConvPlan) -> tuple[np.ndarray, np.ndarray]:
    """The output rows and columns that get a click target on the input image: every one of a
    small output, else evenly spaced (the last included), at most ``PICK_MAX`` per axis."""
    return _picks(plan.rows.out), _picks(plan.cols.out)


def next_pixel(row: int, col: int, n_rows: int, n_cols: int) -> tuple[int, int]:
    """The next output pixel in reading order (wraps to the start)."""
    row, col = min(row, n_rows - 1), col + 1
    if col >= n_cols:
        row, col = (row + 1) % n_rows, 0
    return row, col


def apply_bank(img: np.ndarray, bank: np.ndarray, side: int = 128) -> np.ndarray:
    """Each (3, 3) kernel of ``bank`` (N, 3, 3) on a gray copy of ``img`` (<= ``side`` px),
    same padding: what the CNN's first layer does to the student's own picture -> (N, H, W)."""
    gray = small_gray(img, side)[None]
    st = ops.ConvSettings(padding="same")
    return np.stack([ops.apply_kernel(gray, k, st).output[0] for k in bank])
