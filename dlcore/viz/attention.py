"""Figures for the attention page (pages/attention.py): alignment heatmaps with hover values,
side-by-side difference, training loss with the scrubber position, accuracy versus input length,
pointer-network picks, MiniLM model view (layer x head grid), head view (token lines), and the
CSV / PNG export of any shown matrix. Arrays in, plotly figures / bytes out.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from dlcore.viz.common import CATEGORICAL, PALETTE, colormap_rgb, style

WEIGHTS = [[0.0, "#ffffff"], [1.0, PALETTE["pos"]]]  # attention weight 0 (white) .. max (blue)


def _show(ch: str) -> str:
    return "␣" if ch == " " else ch


def alignment_heatmap(
    weights: np.ndarray,
    cols: Sequence[str],
    rows: Sequence[str],
    *,
    title: str | None = None,
    selected: tuple[int, int] | None = None,
    signed: bool = False,
    height: int = 340,
    row_title: str = "output",
    col_title: str = "input",
) -> go.Figure:
    """Rows x columns matrix (output chars by input chars); duplicate labels stay separate cells."""
    w = np.asarray(weights, dtype=float)
    T, S = w.shape
    cols_s, rows_s = [_show(c) for c in cols], [_show(r) for r in rows]
    custom = np.array(
        [[f"{rows_s[t]} (#{t})|{cols_s[s]} (#{s})" for s in range(S)] for t in range(T)]
    )
    lim = float(np.abs(w).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=w,
            x=np.arange(S),
            y=np.arange(T),
            customdata=custom,
            colorscale=[[0, PALETTE["neg"]], [0.5, "#ffffff"], [1, PALETTE["pos"]]]
            if signed
            else WEIGHTS,
            zmin=-lim if signed else 0.0,
            zmax=lim if signed else max(lim, 1e-9),
            hovertemplate="%{customdata}<br>value %{z:.4f}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    angle = 0 if max((len(c) for c in cols_s), default=1) <= 2 else -60
    fig.update_xaxes(tickvals=list(range(S)), ticktext=cols_s, title=col_title, tickangle=angle)
    fig.update_yaxes(
        tickvals=list(range(T)), ticktext=rows_s, title=row_title, autorange="reversed"
    )
    if selected is not None:
        t, s = selected
        fig.add_shape(
            type="rect",
            x0=s - 0.5,
            x1=s + 0.5,
            y0=t - 0.5,
            y1=t + 0.5,
            line=dict(color=PALETTE["accent"], width=3),
        )
    return style(fig, height=height, title=title, legend=False)


def loss_with_marker(
    steps: np.ndarray,
    loss: np.ndarray,
    at_step: float | None,
    title: str,
    baseline: tuple[np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """Training loss with the scrubber position; optionally the no-attention baseline's curve."""
    fig = go.Figure(
        go.Scatter(
            x=steps,
            y=loss,
            mode="lines",
            name="training loss",
            line=dict(color=PALETTE["pos"], width=2),
        )
    )
    if baseline is not None:
        fig.add_trace(
            go.Scatter(
                x=baseline[0],
                y=baseline[1],
                mode="lines",
                name="no attention",
                line=dict(color=PALETTE["neg"], width=2, dash="dot"),
            )
        )
    if at_step is not None:
        fig.add_vline(
            x=at_step,
            line_color=PALETTE["accent"],
            line_dash="dot",
            annotation_text=f"step {int(at_step)}",
        )
    fig.update_xaxes(title="step")
    fig.update_yaxes(title="cross-entropy", type="log")
    return style(fig, height=260, title=title, legend=baseline is not None)


def accuracy_by_length(edges: Sequence[int], curves: Mapping[str, np.ndarray]) -> go.Figure:
    """Exact match per input-length bin, one line per model (attention vs fixed context)."""
    labels = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(edges)]
    fig = go.Figure()
    for i, (name, acc) in enumerate(curves.items()):
        dash = "dot" if name.startswith("no attention") else "solid"
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=100 * np.asarray(acc),
                mode="lines+markers",
                name=name,
                line=dict(color=CATEGORICAL[i % len(CATEGORICAL)], dash=dash),
            )
        )
    fig.update_xaxes(title="input length (characters)")
    fig.update_yaxes(title="exact match (%)")
    return style(fig, height=300, title="Accuracy against input length")


def pointer_figure(
    weights: np.ndarray, values: np.ndarray, picks: np.ndarray, correct: np.ndarray
) -> go.Figure:
    """Row t: attention over the inputs at step t; the pick is circled (green right, red wrong)."""
    cols = [f"{v:g}" for v in values]
    rows = [f"{values[p]:g}" for p in picks]
    fig = alignment_heatmap(
        weights,
        cols,
        rows,
        title="Pointer: each output row attends over the inputs",
        row_title="output (pick)",
        col_title="input",
        height=320,
    )
    colors = [PALETTE["ok"] if c else PALETTE["accent"] for c in correct]
    fig.add_trace(
        go.Scatter(
            x=picks,
            y=np.arange(len(picks)),
            mode="markers",
            hoverinfo="skip",
            marker=dict(symbol="circle-open", size=22, line=dict(width=3), color=colors),
        )
    )
    return fig


def grid_image(att: np.ndarray, cell: int = 4, pad: int = 3) -> np.ndarray:
    """Model view: (L, H, T, T) -> one RGB image, layers as rows and heads as columns."""
    L, H, T, _ = att.shape
    f = max(1, cell * 16 // max(T, 1)) if T < 64 else 1
    size = T * f
    img = np.full((L * (size + pad) + pad, H * (size + pad) + pad, 3), 255, dtype=np.uint8)
    for layer in range(L):
        for head in range(H):
            tile = colormap_rgb(att[layer, head], signed=False, vmin=0.0, vmax=1.0)
            tile = np.repeat(np.repeat(tile, f, 0), f, 1)
            y, x = pad + layer * (size + pad), pad + head * (size + pad)
            img[y : y + size, x : x + size] = tile
    return img


def head_view(tokens: Sequence[str], att: np.ndarray, *, threshold: float = 0.02) -> go.Figure:
    """Bipartite token lines: left = attending token, right = attended token, opacity = weight."""
    T = len(tokens)
    fig = go.Figure()
    w = np.asarray(att, dtype=float)
    for lo in np.linspace(0, 1, 11)[:-1]:  # one trace per opacity band keeps the figure small
        sel = np.argwhere((w > max(lo, threshold)) & (w <= lo + 0.1))
        if not len(sel):
            continue
        xs = np.tile([0.0, 1.0, np.nan], len(sel))
        ys = np.column_stack([sel[:, 0], sel[:, 1], np.full(len(sel), np.nan)]).ravel()
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line=dict(color=PALETTE["pos"], width=1 + 4 * (lo + 0.05)),
                opacity=float(min(1.0, lo + 0.1)),
            )
        )
    for x, anchor in ((0.0, "left"), (1.0, "right")):  # labels outside the lines
        fig.add_trace(
            go.Scatter(
                x=[x] * T,
                y=np.arange(T),
                mode="text",
                text=list(tokens),
                showlegend=False,
                textposition=f"middle {anchor}",
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_xaxes(visible=False, range=[-0.6, 1.6])
    fig.update_yaxes(visible=False, autorange="reversed")
    return style(fig, height=max(240, 22 * T), title="Head view: token → token", legend=False)


def matrix_csv(matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str]) -> str:
    """CSV with labels; cells that a spreadsheet would run as a formula are quoted with '."""

    def safe(s: str) -> str:
        return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s

    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(["", *[safe(str(c)) for c in cols]])
    for r, row in zip(rows, np.asarray(matrix), strict=True):
        wr.writerow([safe(str(r)), *[f"{v:.6g}" for v in row]])
    return buf.getvalue()


def _ascii(s: str) -> str:
    """The default bitmap font draws ASCII only."""
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in s)[:12]


def matrix_png(
    matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str], cell: int = 18
) -> bytes:
    """A labelled heatmap PNG (white -> blue for weights, orange/blue for signed values)."""
    m = np.asarray(matrix, dtype=float)
    signed = bool((m < 0).any())
    rgb = colormap_rgb(m, signed=True) if signed else _weights_rgb(m)
    font = ImageFont.load_default()
    left = 8 + 7 * max([len(_ascii(str(r))) for r in rows] + [1])
    top = 8 + 7 * max([len(_ascii(str(c))) for c in cols] + [1])
    img = Image.new("RGB", (left + cell * m.shape[1] + 8, top + cell * m.shape[0] + 8), "white")
    img.paste(Image.fromarray(np.repeat(np.repeat(rgb, cell, 0), cell, 1)), (left, top))
    draw = ImageDraw.Draw(img)
    for t, r in enumerate(rows):
        draw.text((4, top + t * cell + 3), _ascii(str(r)), fill="black", font=font)
    for s, c in enumerate(cols):
        label = Image.new("RGB", (top - 4, cell), "white")
        ImageDraw.Draw(label).text((2, 3), _ascii(str(c)), fill="black", font=font)
        img.paste(label.rotate(90, expand=True), (left + s * cell, 2))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _weights_rgb(m: np.ndarray) -> np.ndarray:
    hi = float(m.max()) or 1.0
    t = np.clip(m / hi, 0, 1)[..., None]
    blue = np.array([8, 119, 189], dtype=np.float32)
    return np.rint(255 * (1 - t) + blue * t).astype(np.uint8)
