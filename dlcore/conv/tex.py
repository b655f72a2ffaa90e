"""The convolution page's equations as LaTeX, in the lecture's notation, with this run's numbers.

Lecture slides "Convolution: 2D Array" S(i,j) = (I * K)(i,j) = sum_m sum_n I(m,n) K(i-m, j-n),
"Cross-correlation" S(i,j) = sum_m sum_n I(i+m, j+n) K(m,n) (the slide writes I(i+m, i+n): a
typo), "3D Convolution" (a sum over the channels k too), "Correlation as Inner Product"
([f * g][i] = <g[i ... i+4], f>), "Pooling" (Lp pooling: p = 1 the average, p = inf the max) and
"Sparse connectivity" (runtime O(m x n) -> O(k x n)). The output size is PyTorch's Conv2d
formula. Pure text, no Streamlit: the convolution page (``dlcore/ui/views/conv.py``) renders it
with ``st.latex`` or inside ``$...$``.
"""

from __future__ import annotations

import numpy as np

from dlcore.conv import ops
from dlcore.conv.algebra import Cost

CORRELATION = r"S(i,j) = (I \star K)(i,j) = \sum_{m}\sum_{n} I(i+m,\, j+n)\, K(m,n)"
CONVOLUTION = r"S(i,j) = (I * K)(i,j) = \sum_{m}\sum_{n} I(m,n)\, K(i-m,\, j-n)"
CORRELATION_3D = r"S(i,j) = \sum_{m}\sum_{n}\sum_{k} I(i+m,\, j+n,\, k)\, K(m,n,k)"
CONVOLUTION_3D = r"S(i,j) = \sum_{m}\sum_{n}\sum_{k} I(m,n,k)\, K(i-m,\, j-n,\, k)"
LP_POOL = r"\mathrm{pool}_p(R) = \Big(\frac{1}{|R|}\sum_{(u,v) \in R} |x_{u,v}|^{p}\Big)^{1/p}"
MAX_TERMS = 9  # products written out; more are elided (a 7x7 kernel has 49)


def num(v: float) -> str:
    """A number as the page writes it: 3 significant digits, tiny values as 0, no exponent
    below 10^4 (a custom weight is at most 100, a pixel at most 1)."""
    v = float(v)
    if abs(v) < 5e-4:
        return "0"
    return f"{v:.4g}" if abs(v) >= 100 else f"{v:.3g}"


def thousands(n: int) -> str:
    """1,234,567 with LaTeX's {,} (a bare comma is followed by a space in math mode)."""
    return f"{n:,}".replace(",", "{,}")


def definitions(summed: bool) -> str:
    """Cross-correlation above convolution as the lecture writes them (one aligned block), with
    the channel sum of its "3D Convolution" slide when ``summed``."""
    corr, conv = (CORRELATION_3D, CONVOLUTION_3D) if summed else (CORRELATION, CONVOLUTION)
    lines = (
        r"\text{cross-correlation:}\quad " + corr.replace(" = ", " &= ", 1),
        r"\text{convolution:}\quad " + conv.replace(" = ", " &= ", 1),
    )
    return rf"\begin{{aligned}} {lines[0]} \\ {lines[1]} \end{{aligned}}"


def _index(stride: int, var: str, dilation: int, tap: str, pad: int) -> str:
    """The input index of tap ``tap`` of output pixel ``var``: s var + d tap - pad."""
    first = f"{stride if stride > 1 else ''}{var}"
    second = f"{dilation if dilation > 1 else ''}{tap}"
    return f"{first} + {second}" + (f" - {pad}" if pad else "")


def this_run(plan: ops.ConvPlan, st: ops.ConvSettings) -> str:
    """What this run computes, with its stride, dilation and padding (rows and columns counted
    from 0, padding included in I): convolution is the correlation with the flipped kernel."""
    rows, cols = plan.rows, plan.cols
    i = _index(rows.stride, "i", rows.dilation, "m", rows.pad_lo)
    j = _index(cols.stride, "j", cols.dilation, "n", cols.pad_lo)
    flipped = st.mode == "convolution"
    k = r"\tilde K" if flipped else "K"
    out = (
        rf"S(i,j) = \sum_{{m=0}}^{{{rows.k - 1}}}\sum_{{n=0}}^{{{cols.k - 1}}} "
        rf"I({i},\, {j})\, {k}(m,n)"
    )
    if flipped and rows.k * cols.k == 1:
        out += r",\qquad \tilde K = K \ \text{(a 1x1 kernel is its own flip)}"
    elif flipped:
        out += rf",\qquad \tilde K(m,n) = K({rows.k - 1}-m,\, {cols.k - 1}-n)"
    return out


def _size_line(ax: ops.AxisPlan, name: str, pads: tuple[str, str], s: str) -> str:
    lo, hi = (rf"p_{{\text{{{pad}}}}}" for pad in pads)
    symbolic = rf"\frac{{{name} + {lo} + {hi} - d\,(k-1) - 1}}{{{s}}}"
    numbers = rf"\frac{{{ax.n} + {ax.pad_lo} + {ax.pad_hi} - {ax.dilation}\cdot({ax.k}-1) - 1}}"
    numbers += rf"{{{ax.stride}}}"
    floor = r"\left\lfloor {} \right\rfloor + 1"
    head = rf"{name}_{{\text{{out}}}}"
    return rf"{head} &= {floor.format(symbolic)} = {floor.format(numbers)} = {ax.out}"


def output_size(plan: ops.ConvPlan) -> str:
    """H_out and W_out: the formula, then this run's numbers, then the size."""
    rows = _size_line(plan.rows, "H", ("top", "bottom"), "s_y")
    cols = _size_line(plan.cols, "W", ("left", "right"), "s_x")
    return rf"\begin{{aligned}} {rows} \\ {cols} \end{{aligned}}"


def _term_lines(patch: np.ndarray, window: np.ndarray) -> list[str]:
    """The products patch x window, at most 4 a line (one kernel row of a 3x3), the first
    ``MAX_TERMS`` of them: a narrow column still shows every number it writes."""
    pairs = list(zip(patch.ravel(), window.ravel()))
    shown = pairs if len(pairs) <= MAX_TERMS else pairs[: MAX_TERMS - 1]
    per_line = min(window.shape[1], 4)
    terms = [f"({num(x)})({num(w)})" for x, w in shown]
    lines = [" + ".join(terms[i : i + per_line]) for i in range(0, len(terms), per_line)]
    if len(shown) < len(pairs):
        lines[-1] += r" + \cdots"
    return lines


def inner_product(ip: ops.InnerProduct, c: int, channel: str = "", flipped: bool = False) -> str:
    """Output pixel (i, j) as the inner product of its window with the kernel (the lecture's
    "Correlation as Inner Product"), its products written out and summed. ``channel``: the
    channel's letter (a subscript) for a colour image."""
    sub = f"_{{{channel}}}" if channel else ""
    k = r"\tilde K" if flipped else "K"
    rows = f"{ip.rows.min()}..{ip.rows.max()}"
    cols = f"{ip.cols.min()}..{ip.cols.max()}"
    head = rf"S{sub}({ip.row},\, {ip.col}) = \langle I{sub}[{rows},\ {cols}],\ {k} \rangle"
    count = ip.window.size
    tail = rf"= {ip.sums[c]:.4f} \quad ({count}\ \text{{product{'s' if count > 1 else ''}}})"
    lines = _term_lines(ip.patch[c], ip.window)
    body = r" \\ &\quad + ".join(lines)
    # every line starts at "&": all left-aligned, one under the other (a narrow column)
    return rf"\begin{{aligned}} &{head} \\ &= {body} \\ &{tail} \end{{aligned}}"


def channel_sum(ip: ops.InnerProduct, letters: str) -> str:
    """The lecture's 3-D sum: the channels' inner products added."""
    parts = " + ".join(f"S_{{{ch}}}" for ch in letters[: len(ip.sums)])
    values = " + ".join(f"({s:.4f})" for s in ip.sums)
    return rf"S({ip.row},\, {ip.col}) = {parts} = {values} = {ip.value:.4f}"


def lp_window(values: np.ndarray, p: float, lp: float) -> str:
    """Lp pooling of one window, its values written out (the first eight of a large pool)."""
    flat = np.abs(np.asarray(values, dtype=float)).ravel()
    shown = flat if flat.size <= 8 else flat[:8]
    powers = " + ".join(f"{num(x)}^{{{num(p)}}}" for x in shown)
    powers += r" + \cdots" if shown.size < flat.size else ""
    return rf"\Big(\tfrac{{1}}{{{flat.size}}}\big({powers}\big)\Big)^{{1/{num(p)}}} = {num(lp)}"


def lp_limits(average: float, largest: float) -> str:
    """The lecture's limits on the same window: p = 1 gives the average, p -> inf the max."""
    return (
        rf"p = 1:\ \text{{average}} = {num(average)},\qquad "
        rf"p \to \infty:\ \max = {num(largest)}"
    )


def runtime(c: Cost) -> str:
    """The lecture's O(m x n) -> O(k x n) with this layer's m inputs, n outputs, k taps."""
    taps = c.conv_connections // max(1, c.out_units)
    m, n = thousands(c.in_units), thousands(c.out_units)
    dense, conv = thousands(c.dense_connections), thousands(c.conv_connections)
    return (
        rf"O(m \times n) \to O(k \times n):\quad {m} \times {n} = {dense}"
        rf"\ \to\ {taps} \times {n} = {conv}"
    )
