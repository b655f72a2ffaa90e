"""Figures for the attention page (pages/attention.py, views in dlcore/ui/views/attention.py):
alignment heatmaps with hover values (maps shown side by side share one colour scale; labels of
long inputs turned or thinned so none overlap), the difference map's rows for two models,
training loss with the scrubber position, accuracy versus input length, pointer-network picks,
MiniLM's model view (every layer x head, clickable) and neuron view (q, k, q * k, softmax; BertViz,
Vig 2019), the head view (token lines), the live training frame (loss and alignment as one
raster), and the CSV / PNG export of any shown matrix (projector-sized, with a colour bar).
Arrays in, plotly figures / RGB arrays / bytes out.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from dlcore.viz import raster
from dlcore.viz.common import (
    CATEGORICAL,
    DIVERGING,
    PALETTE,
    cell_rect,
    colormap_rgb,
    room,
    style,
    style_layout,
)

WEIGHTS = [[0.0, "#ffffff"], [1.0, PALETTE["pos"]]]  # attention weight 0 (white) .. max (blue)
FONT, TITLE_FONT, TICK_FONT = 15, 18, 14  # px: readable on a projector (style() sets 13)
PLOT_MARGIN_Y = 120  # px of a heatmap's height outside its cells (title, column labels, axis)
PLOT_MARGIN_X = 170  # px of its width outside them (row labels, axis title, colour bar)


def _show(ch: str) -> str:
    return "␣" if ch == " " else ch


def readable(fig: go.Figure, *, height: int | None = None) -> go.Figure:
    """Projector-sized text on a figure already passed through ``style``."""
    fig.update_layout(font_size=FONT, title_font_size=TITLE_FONT)
    if height is not None:
        fig.update_layout(height=height)
    return fig


def thin_ticks(labels: Sequence[str], cell_px: float, need_px: float) -> tuple[list[int], list]:
    """(positions, labels) of every k-th label, k the smallest step that leaves ``need_px``
    between neighbours when a cell is ``cell_px`` wide (all of them when they fit)."""
    step = max(1, math.ceil(need_px / max(cell_px, 1e-9)))
    idx = list(range(0, len(labels), step))
    return idx, [labels[i] for i in idx]


def map_height(n_rows: int, lo: int = 340, hi: int = 1400) -> int:
    """A heatmap's height for ``n_rows`` rows: every row label gets a line of its own."""
    return int(np.clip(PLOT_MARGIN_Y + (TICK_FONT + 8) * n_rows, lo, hi))


def _x_ticks(labels: list[str], cell_px: float) -> tuple[list[int], list[str], int]:
    """(positions, labels, angle) of the column labels: upright (short labels) or turned to
    vertical, whichever needs fewer to be left out, and thinned out when even that would make
    neighbours overlap."""
    longest = max((len(c) for c in labels), default=1)
    upright = 0.62 * TICK_FONT * longest + 4  # px a label takes across when written upright
    turned = TICK_FONT + 4  # px it takes across when turned by 90 degrees
    if upright <= turned or cell_px >= upright:
        return *thin_ticks(labels, cell_px, upright), 0
    return *thin_ticks(labels, cell_px, turned), -90


def alignment_heatmap(
    weights: np.ndarray,
    cols: Sequence[str],
    rows: Sequence[str],
    *,
    title: str | None = None,
    selected: tuple[int, int] | None = None,
    selected_row: int | None = None,
    signed: bool = False,
    height: int = 340,
    width: int = 470,
    zmax: float | None = None,
    row_title: str = "output",
    col_title: str = "input",
    scale_title: str = "weight",
    clickable: bool = False,
    click_hint: str = "click: compute by hand",
) -> go.Figure:
    """Rows x columns matrix (output chars by input chars); duplicate labels stay separate cells.
    ``zmax``: the top of the colour scale (maps shown side by side share one; default: this
    map's maximum; signed maps run from -zmax to zmax). ``selected`` outlines a cell (t, s),
    ``selected_row`` a whole row. ``width``: about the pixels the page
    gives the chart, so that labels of long inputs are turned or thinned out rather than drawn
    over each other (hover always names every cell). ``clickable``: plotly selects scatter
    points, never heatmap cells, so an invisible square marker on every cell (customdata =
    [row, col]) turns a click into a point selection; it carries the hover text, and the
    heatmap under it none.

    Built from plain dicts, valid by construction: a typed date redraws three of these, and
    plotly's validation of each cost ~15-35 ms of the server's run (measured)."""
    w = np.asarray(weights, dtype=float)  # (T, S)
    T, S = w.shape
    cols_s, rows_s = [_show(c) for c in cols], [_show(r) for r in rows]
    labels = [
        [f"{_plain(rows_s[t])} (#{t})|{cols_s[s]} (#{s})" for s in range(S)] for t in range(T)
    ]
    finite = np.abs(w[np.isfinite(w)])
    lim = float(zmax) if zmax is not None else (float(finite.max()) if finite.size else 1.0)
    lim = lim if lim > 0 else 1.0
    heat = dict(
        type="heatmap",
        z=w,
        x=np.arange(S),
        y=np.arange(T),
        colorscale=DIVERGING if signed else WEIGHTS,
        zmin=-lim if signed else 0.0,
        zmax=lim,
        colorbar=dict(title=dict(text=scale_title, side="right"), thickness=14),
        xgap=1,
        ygap=1,
    )
    if clickable:  # the catcher on top names the cell; the heatmap's own hover would hide it
        heat["hoverinfo"] = "skip"
    else:
        heat.update(customdata=labels, hovertemplate=_CELL_HOVER)
    traces = [heat]
    if clickable:
        traces.append(_cell_catcher(w, labels, height, click_hint))
    x_idx, x_text, angle = _x_ticks(cols_s, (width - PLOT_MARGIN_X) / max(S, 1))
    y_idx, y_text = thin_ticks(rows_s, (height - PLOT_MARGIN_Y) / max(T, 1), TICK_FONT + 2)
    layout = _map_layout(title, height, _map_margins(x_text, y_text, angle, bool(title)))
    layout["xaxis"].update(
        tickvals=x_idx,
        ticktext=x_text,
        title=dict(text=col_title),
        tickangle=angle,
        range=[-0.5, S - 0.5],  # fixed: the click catcher's markers would pad an autorange
    )
    layout["yaxis"].update(
        tickvals=y_idx, ticktext=y_text, title=dict(text=row_title), range=[T - 0.5, -0.5]
    )
    frames = []  # outlines: the selected cell (t, s), the selected row
    if selected is not None:
        t, s = selected
        frames.append(cell_rect((s, s), (t, t), **_OUTLINE))
    if selected_row is not None:
        frames.append(cell_rect((0, S - 1), (selected_row, selected_row), **_OUTLINE))
    if frames:
        layout["shapes"] = frames
    return go.Figure(data=traces, layout=dict(layout, template={}), _validate=False)


_CELL_HOVER = "%{customdata}<br>value %{z:.4f}<extra></extra>"
_OUTLINE = dict(line=dict(color=PALETTE["accent"], width=3))  # the selected cell or row


def _map_layout(title: str | None, height: int, margin: dict) -> dict:
    """A heatmap's layout: ``style_layout`` with projector-sized text (as ``readable``) and
    margins from its labels (as ``room``)."""
    layout = style_layout(height=height, title=title, legend=False)
    layout.update(
        font=dict(size=FONT, color=PALETTE["ink"]),
        title=dict(font=dict(size=TITLE_FONT), **({"text": title} if title else {})),
        margin=dict(l=margin["left"], r=margin["right"], t=margin["top"], b=margin["bottom"]),
    )
    for axis in (layout["xaxis"], layout["yaxis"]):
        # the margins fit every label: "allow" skips plotly's check of each label against the
        # div, which measures all labels again after placing each one (quadratic, each a layout)
        axis.update(tickfont=dict(size=TICK_FONT), ticklabeloverflow="allow")
    return layout


def _map_margins(x_text: list[str], y_text: list[str], angle: int, titled: bool) -> dict:
    """A heatmap's margins from its labels: the row labels and axis title on the left, the
    column labels (upright or turned) and axis title below, the colour bar on the right."""
    char = 0.62 * TICK_FONT  # px of a label's character
    y_px = char * max((len(_plain(t)) for t in y_text), default=1)
    x_px = char * max((len(_plain(t)) for t in x_text), default=1) if angle else TICK_FONT
    return dict(left=round(64 + y_px), right=102, top=40 if titled else 12, bottom=round(66 + x_px))


def _plain(label: str) -> str:
    """A tick label without its markup (for hover text)."""
    return re.sub(r"<[^>]+>", "", label)


def diff_rows(left: Sequence[str], right: Sequence[str]) -> list[str]:
    """Row labels of a difference map whose rows are output positions of two models: both
    characters, "a | b" where the models agree on it and a bold "a ≠ b" where they differ."""
    labels = []
    for a, b in itertools.zip_longest(left, right, fillvalue="·"):
        a, b = _show(a), _show(b)
        labels.append(f"{a} | {b}" if a == b else f"<b>{a} ≠ {b}</b>")
    return labels


def _cell_catcher(w: np.ndarray, labels: list[list[str]], height: int, hint: str) -> dict:
    """Invisible square markers, one per cell, that carry (row, col) and the cell's hover text
    (a plain scatter trace)."""
    T, S = w.shape
    tt, ss = np.meshgrid(np.arange(T), np.arange(S), indexing="ij")  # (T, S) each
    size = float(np.clip(0.8 * (height - 90) / max(T, 1), 6, 40))
    return dict(
        type="scatter",
        x=ss.ravel(),
        y=tt.ravel(),
        mode="markers",
        # plain lists: a typed array reaches Streamlit's selection as {"0": t, "1": s}
        customdata=np.column_stack([tt.ravel(), ss.ravel()]).tolist(),
        text=[
            f"{lab}<br>value {v:.4f}<br>{hint}"
            for lab, v in zip(itertools.chain.from_iterable(labels), w.ravel())
        ],
        hovertemplate="%{text}<extra></extra>",
        marker=dict(symbol="square", size=size, color="rgba(0,0,0,0)"),
        showlegend=False,
        name="cells",
    )


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
    fig = readable(style(fig, height=280, title=title, legend=baseline is not None))
    return room(fig, 84, 12, 66 if baseline is not None else 40, 70)


LIVE_SIZE = (900, 320)  # width, height of a live training frame (shown 1:1)


def live_training_image(
    steps: np.ndarray,
    loss: np.ndarray,
    weights: np.ndarray | None,
    cols: Sequence[str],
    rows: Sequence[str],
    *,
    title: str = "Live alignment",
    size: tuple[int, int] = LIVE_SIZE,
) -> np.ndarray:
    """One live frame while the date model trains (paused: ``loss_with_marker`` and
    ``alignment_heatmap``): the training loss (log scale) against steps beside the alignment
    a_t(s) of the watched date, output characters as rows, input characters as columns. Without
    weights (the no-attention baseline) the loss fills the frame."""
    w, h = size
    img, draw = raster.canvas(w, h)
    split = w if weights is None else int(w * 0.45)
    raster.line_panel(
        draw,
        (0, 0, split - 10, h),
        [(steps, loss, PALETTE["pos"], "training loss")],
        log_y=True,
        title="Live training loss (cross-entropy) vs step",
    )
    if weights is not None:
        _alignment_panel(img, draw, (split + 10, 0, w - 4, h), weights, cols, rows, title)
    return np.asarray(img)


def _alignment_panel(
    img: Image.Image,
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    weights: np.ndarray,
    cols: Sequence[str],
    rows: Sequence[str],
    title: str,
) -> None:
    """The alignment map in ``box``, white (0) to blue (the row maxima), one label per row and
    column as the interactive heatmap has (blanks shown as "_": the raster font is ASCII)."""
    w = np.asarray(weights, dtype=np.float32)  # (T, S)
    finite = w[np.isfinite(w)]
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    heat_box = (box[0] + 14, box[1], box[2], box[3] - 16)
    x0, y0, x1, y1 = raster.heat_panel(
        img, draw, heat_box, w, _ascii(title, 80), color=PALETTE["pos"], vmin=0.0, vmax=top
    )
    n_rows, n_cols = w.shape
    for t in range(1, n_rows):  # white gaps between cells, as the interactive map has
        y = y0 + t * (y1 - y0) / n_rows
        draw.line([(x0, y), (x1 - 1, y)], fill="white")
    for s in range(1, n_cols):
        x = x0 + s * (x1 - x0) / n_cols
        draw.line([(x, y0), (x, y1 - 1)], fill="white")
    label_size = int(np.clip((x1 - x0) / max(n_cols, 1) - 1, 8, 12))
    for t, ch in enumerate(rows[:n_rows]):
        y = y0 + (t + 0.5) * (y1 - y0) / n_rows
        raster.text(draw, (x0 - 4, y), _raster_char(ch), PALETTE["ink"], anchor="rm")
    for s, ch in enumerate(cols[:n_cols]):
        x = x0 + (s + 0.5) * (x1 - x0) / n_cols
        label = _raster_char(ch)
        raster.text(draw, (x, y1 + 2), label, PALETTE["ink"], anchor="ma", size=label_size)


def _raster_char(ch: str) -> str:
    return "_" if ch == " " else _ascii(ch)


def _model_color(i: int, name: str) -> str:
    return PALETTE["ink"] if name == "none" else CATEGORICAL[i % len(CATEGORICAL)]


def accuracy_by_length(rep: Mapping, labels: Mapping[str, str]) -> go.Figure:
    """Exact match (top) and per-character accuracy (bottom) of every model: the dates as generated
    by input length, then padded with blanks, then with blanks between words (from
    dlcore.attention.lengths). The fixed-context baseline is the black dotted line."""
    by_len, pad, spc = rep["by_length"], rep["padded"], rep["spaced"]
    xs = (
        [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(by_len["edges"])],
        [f"+{k} ({m:.0f})" for k, m in zip(pad["levels"], pad["mean_length"])],
        [f"{k} ({m:.0f})" for k, m in zip(spc["levels"], spc["mean_length"])],
    )
    fig = make_subplots(
        rows=2,
        cols=3,
        shared_yaxes=True,
        shared_xaxes=True,
        horizontal_spacing=0.03,
        vertical_spacing=0.08,
        subplot_titles=(
            "as generated: input length",
            "blanks after the date (mean length)",
            "blanks between words (mean length)",
        ),
    )
    for i, name in enumerate(by_len["models"]):
        color, dash = _model_color(i, name), "dot" if name == "none" else "solid"
        for col, part in enumerate((by_len, pad, spc), start=1):
            for row, metric in enumerate(("exact", "char"), start=1):
                y = [None if v is None else 100 * v for v in part["models"][name][metric]]
                fig.add_trace(
                    go.Scatter(
                        x=xs[col - 1],
                        y=y,
                        mode="lines+markers",
                        name=labels.get(name, name),
                        legendgroup=name,
                        showlegend=col == 1 and row == 1,
                        line=dict(color=color, dash=dash, width=2),
                        hovertemplate=f"{labels.get(name, name)}<br>%{{x}}: %{{y:.1f}} %"
                        "<extra></extra>",
                    ),
                    row=row,
                    col=col,
                )
    fig.update_xaxes(type="category")  # "0-9" would otherwise be read as a date
    fig.update_yaxes(title="exact match (%)", row=1, col=1)
    fig.update_yaxes(title="characters right (%)", row=2, col=1)
    fig = readable(style(fig, height=520, title="Accuracy against input length", legend=True))
    fig.update_layout(legend=dict(orientation="h", y=-0.14))
    room(fig, 76, 16, 80, 66)
    fig.update_annotations(font_size=FONT)
    return fig


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


MODEL_TILE, MODEL_GAP = 64, 8  # px of one head's map in the model view, and between two


def _tiles_png(att: np.ndarray) -> tuple[str, int, int]:
    """(PNG data URL, width, height) of every head's map as one picture: layer l, head h at
    row l, column h; white (weight 0) to blue (weight 1), one scale for all of them."""
    L, H = att.shape[:2]
    step = MODEL_TILE + MODEL_GAP
    img = Image.new("RGB", (H * step + MODEL_GAP, L * step + MODEL_GAP), "white")
    for layer, head in itertools.product(range(L), range(H)):
        rgb = _shades(att[layer, head], False, 0.0, 1.0)
        tile = Image.fromarray(rgb).resize((MODEL_TILE, MODEL_TILE), Image.NEAREST)
        img.paste(tile, (MODEL_GAP + head * step, MODEL_GAP + layer * step))
    return raster.png_data_url(np.asarray(img), colors=None), img.width, img.height


def head_summary(att: np.ndarray, tokens: Sequence[str], special: np.ndarray) -> np.ndarray:
    """(L, H) hover lines of the model view: how much of a head's attention goes to [CLS] and
    [SEP], and which token it attends to most (mean over the query tokens)."""
    to_special = att[..., np.asarray(special, bool)].sum(-1).mean(-1)  # (L, H)
    favourite = att.mean(-2).argmax(-1)  # (L, H): the key with the most attention on average
    L, H = att.shape[:2]
    return np.array(
        [
            [
                f"{to_special[l_, h]:.0%} to [CLS]/[SEP]; most to '{tokens[favourite[l_, h]]}'"
                for h in range(H)
            ]
            for l_ in range(L)
        ]
    )


def model_view(
    att: np.ndarray,
    tokens: Sequence[str],
    special: np.ndarray,
    selected: tuple[int, int] | None = None,
) -> go.Figure:
    """BertViz's model view: every head of every layer as a small attention map (rows: query
    tokens, columns: key tokens), layers top to bottom, heads left to right, all on one colour
    scale (0 white, 1 blue). A click on a map selects it: an invisible square marker per map
    carries customdata [layer, head]; ``selected`` is outlined."""
    L, H = att.shape[:2]
    source, width, height = _tiles_png(att)
    step = MODEL_TILE + MODEL_GAP
    centre = MODEL_GAP + MODEL_TILE / 2
    ll, hh = np.meshgrid(np.arange(L), np.arange(H), indexing="ij")
    about = head_summary(att, tokens, special)
    catcher = go.Scatter(
        x=(centre + hh * step).ravel(),
        y=(centre + ll * step).ravel(),
        mode="markers",
        customdata=np.column_stack([ll.ravel(), hh.ravel()]).tolist(),
        text=[
            f"layer {l_}, head {h}<br>{about[l_, h]}<br>click: show this head below"
            for l_, h in zip(ll.ravel(), hh.ravel())
        ],
        hovertemplate="%{text}<extra></extra>",
        marker=dict(symbol="square", size=MODEL_TILE - 8, color="rgba(0,0,0,0)"),
        showlegend=False,
        name="heads",
    )
    image = go.Image(source=source, x0=0, y0=0, dx=1, dy=1, hoverinfo="skip")
    fig = go.Figure([image, catcher])
    fig.update_xaxes(
        range=[0, width],
        tickvals=[centre + h * step for h in range(H)],
        ticktext=[str(h) for h in range(H)],
        title="head",
        side="top",
        showgrid=False,
        zeroline=False,
        constrain="domain",
    )
    fig.update_yaxes(
        range=[height, 0],
        tickvals=[centre + l_ * step for l_ in range(L)],
        ticktext=[str(l_) for l_ in range(L)],
        title="layer",
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        constrain="domain",  # square maps: the plot narrows rather than stretch them
    )
    if selected is not None:
        l_, h = selected
        fig.add_shape(
            type="rect",
            x0=MODEL_GAP / 2 + h * step,
            x1=MODEL_GAP / 2 + (h + 1) * step,
            y0=MODEL_GAP / 2 + l_ * step,
            y1=MODEL_GAP / 2 + (l_ + 1) * step,
            line=dict(color=PALETTE["accent"], width=3),
        )
    title = f"Model view: all {L} layers × {H} heads (click a head to show it below)"
    fig = readable(style(fig, height=int(height * 0.95) + 130, title=title, legend=False))
    fig.update_layout(margin=dict(t=120, b=10, l=60, r=10), title=dict(y=0.98, yanchor="top"))
    return fig


NEURON_PANELS = (  # (title, width share) of the neuron view's columns, left to right
    ("keys k<sub>j</sub>", 0.38),
    ("q<sub>i</sub> × k<sub>j</sub> (elementwise)", 0.38),
    ("q<sub>i</sub>·k<sub>j</sub> / √d", 0.12),
    ("softmax a<sub>ij</sub>", 0.12),
)


def neuron_view(neuron: Any, tokens: Sequence[str]) -> go.Figure:
    """BertViz's neuron view of one head for query token i: the query vector q_i (on top), and
    one row per key token j of the key vectors k_j, their elementwise products q_i * k_j, the
    scores q_i . k_j / sqrt(d) and the softmax over j (the head's attention from token i).
    ``neuron``: a ``dlcore.attention.minilm.Neuron`` (layer, head, query, q, keys, products,
    scores, weights). Built as plain trace and layout dicts: through make_subplots and its
    axis updates the figure cost ~100 ms of CPU a run (measured), now a few."""
    T, d = neuron.keys.shape
    names = [_show(t) for t in tokens]
    rows = [f"<b>{n}</b>" if j == neuron.query else n for j, n in enumerate(names)]
    height = map_height(T, lo=380) + 120
    gap_y = 70 / height  # room for the column titles between the q row and the key rows
    keys_top = (1 - gap_y) * T / (T + 1.5)
    who = np.array(names, dtype=object)[:, None]
    lim = float(max(np.abs(neuron.q).max(), np.abs(neuron.keys).max(), 1e-9))
    prod = float(max(np.abs(neuron.products).max(), 1e-9))
    score = float(max(np.abs(neuron.scores).max(), 1e-9))
    grids = [  # (z, custom names, colours, low, high, hover, numbers written in the cells)
        (neuron.keys, who, DIVERGING, -lim, lim, "k[%{x}] of %{customdata}", False),
        (neuron.products, who, DIVERGING, -prod, prod, "q[%{x}] × k[%{x}] of %{customdata}", False),
        (neuron.scores[:, None], who, DIVERGING, -score, score, "%{customdata}", True),
        (neuron.weights[:, None], who, WEIGHTS, 0.0, 1.0, "%{customdata}", True),
    ]
    left, layout, traces = 0.0, _neuron_layout(neuron, height), []
    for k, ((title, share), grid) in enumerate(zip(NEURON_PANELS, grids), start=2):
        z, custom, colours, low, high, hover, numbers = grid
        width = share * (1 - 0.03 * 3)
        domain = [left, left + width]
        left += width + 0.03
        layout[f"xaxis{k}"] = dict(domain=domain, anchor=f"y{k}", showticklabels=False, **_QUIET)
        layout[f"yaxis{k}"] = dict(
            domain=[0, keys_top],
            anchor=f"x{k}",
            autorange="reversed",
            showticklabels=k == 2,
            **_QUIET,
        )
        layout["annotations"].append(_panel_title(title, sum(domain) / 2, keys_top))
        traces.append(
            _neuron_cells(z, np.repeat(custom, z.shape[1], 1), colours, low, high, hover, k)
        )
        if numbers:
            traces[-1].update(
                text=[[f"{v:.2f}"] for v in z[:, 0]],
                texttemplate="%{text}",
                textfont=dict(size=TICK_FONT - 1),
                xgap=1,
                ygap=1,
            )
    q_domain = layout["xaxis2"]["domain"]
    layout["xaxis"] = dict(domain=q_domain, anchor="y", showticklabels=False, **_QUIET)
    layout["yaxis"] = dict(
        domain=[1 - (1 - gap_y) * 1.5 / (T + 1.5), 1],
        anchor="x",
        tickvals=[0],
        ticktext=[f"<b>{names[neuron.query]}</b>"],
        **_QUIET,
    )
    q_title = f"query q<sub>i</sub> of '{names[neuron.query]}'"
    layout["annotations"].append(_panel_title(q_title, sum(q_domain) / 2, 1.0))
    q_who = who[[neuron.query]]
    traces.insert(
        0,
        _neuron_cells(
            neuron.q[None],
            np.repeat(q_who, d, 1),
            DIVERGING,
            -lim,
            lim,
            "q[%{x}] of %{customdata}",
            "",
        ),
    )
    y_idx, y_text = thin_ticks(rows, (height - PLOT_MARGIN_Y - 70) / (T + 1.5), TICK_FONT + 2)
    layout["yaxis2"].update(tickvals=y_idx, ticktext=y_text, title=dict(text="key token j"))
    layout["xaxis2"]["title"] = dict(text=f"{d} dimensions of the head")
    layout["xaxis3"]["title"] = dict(text=f"{d} dimensions")
    return go.Figure(data=traces, layout=layout, _validate=False)


_QUIET = dict(showgrid=False, zeroline=False, tickfont=dict(size=TICK_FONT))


def _neuron_layout(neuron: Any, height: int) -> dict:
    """The neuron view's page: size, fonts, title (the axes are added per panel)."""
    return dict(
        height=height,
        margin=dict(l=10, r=10, t=90, b=10),
        title=dict(
            text=f"Neuron view: layer {neuron.layer}, head {neuron.head}",
            font=dict(size=TITLE_FONT),
        ),
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=False,
        font=dict(size=FONT, color=PALETTE["ink"]),
        annotations=[],
    )


def _panel_title(text: str, x: float, y: float) -> dict:
    return dict(
        text=text,
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=FONT),
    )


def _neuron_cells(
    z: np.ndarray,
    custom: np.ndarray,
    colours: list,
    low: float,
    high: float,
    hover: str,
    axis: int | str,
) -> dict:
    """One heatmap of the neuron view on axes x{axis}, y{axis} (a plain trace dict)."""
    return dict(
        type="heatmap",
        xaxis=f"x{axis}",
        yaxis=f"y{axis}",
        z=z,
        x=np.arange(z.shape[1]),
        y=np.arange(z.shape[0]),
        customdata=custom,
        colorscale=colours,
        zmin=low,
        zmax=high,
        showscale=False,
        hovertemplate=hover + " = %{z:.3f}<extra></extra>",
    )


HEAD_COLORS = (  # one colour per head (BertViz colours heads the same way)
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#e7ba52",
)


def head_swatches(selected: Sequence[int], n: int = 12, cell: int = 30) -> np.ndarray:
    """A strip of colour swatches, one per head with its number; unshown heads are pale."""
    img = Image.new("RGB", (n * (cell + 4) + 4, cell + 8), "white")
    draw, size = ImageDraw.Draw(img), max(10, int(cell * 0.45))
    for h in range(n):
        x0, color = 4 + h * (cell + 4), HEAD_COLORS[h % len(HEAD_COLORS)]
        box, centre = (x0, 4, x0 + cell, 4 + cell), (x0 + cell / 2, 4 + cell / 2)
        if h in selected:
            draw.rectangle(box, fill=color)
            raster.text(draw, centre, str(h), "white", anchor="mm", size=size)
        else:
            draw.rectangle(box, fill="#f2f2f2", outline=color, width=2)
            raster.text(draw, centre, str(h), "#777777", anchor="mm", size=size)
    return np.asarray(img)


def _token_hover(tokens: Sequence[str], w: np.ndarray, heads: Sequence[int], out: bool) -> list:
    """Hover text of each token: its strongest lines over the shown heads."""
    texts = []
    for i, tok in enumerate(tokens):
        part = w[:, i, :] if out else w[:, :, i]  # (n, T)
        top = np.argsort(part, axis=None)[::-1][:4]
        lines = [
            f"{'→' if out else '←'} {tokens[j]} {part[k, j]:.2f} (head {heads[k]})"
            for k, j in (np.unravel_index(t, part.shape) for t in top)
            if part[k, j] > 0
        ]
        texts.append("<br>".join([f"<b>{tok}</b> (click: only its lines)", *lines]))
    return texts


def head_view(
    tokens: Sequence[str],
    weights: np.ndarray,
    heads: Sequence[int],
    *,
    threshold: float = 0.02,
    focus: tuple[str, int] | None = None,
) -> go.Figure:
    """Bipartite token lines (BertViz head view): left = attending token, right = attended token;
    one colour per head (the swatches of ``head_swatches``), opacity and width = weight.
    ``weights`` (n, T, T): head heads[i]'s attention, already filtered (zeros are not drawn).
    Token labels carry customdata [side (0 left, 1 right), index] so a click can focus a token."""
    T = len(tokens)
    w = np.asarray(weights, dtype=float).reshape(-1, T, T)
    traces = []
    for k, h in enumerate(heads):
        color = HEAD_COLORS[h % len(HEAD_COLORS)]
        for lo in np.linspace(0, 1, 11)[:-1]:  # one trace per opacity band keeps the figure small
            sel = np.argwhere((w[k] > max(lo, threshold)) & (w[k] <= lo + 0.1))
            if not len(sel):
                continue
            ys = np.column_stack([sel[:, 0], sel[:, 1], np.full(len(sel), np.nan)]).ravel()
            traces.append(
                dict(
                    type="scatter",
                    x=np.tile([0.0, 1.0, np.nan], len(sel)),
                    y=ys,
                    mode="lines",
                    hoverinfo="skip",
                    name=f"head {h}",
                    line=dict(color=color, width=1 + 4 * (lo + 0.05)),
                    opacity=float(min(1.0, 0.1 + lo)),  # about the weight, as in BertViz
                )
            )
    for side, (x, anchor) in enumerate(((0.0, "left"), (1.0, "right"))):  # labels outside
        colors = [
            PALETTE["accent"] if focus == (("from", "to")[side], i) else PALETTE["ink"]
            for i in range(T)
        ]
        traces.append(
            dict(
                type="scatter",
                x=[x] * T,
                y=np.arange(T),
                mode="markers+text",
                text=list(tokens),
                customdata=[[side, i] for i in range(T)],
                hovertext=_token_hover(tokens, w, heads, out=side == 0),
                hovertemplate="%{hovertext}<extra></extra>",
                marker=dict(size=12, color="rgba(0,0,0,0)"),
                textfont=dict(color=colors),
                showlegend=False,
                textposition=f"middle {anchor}",
            )
        )
    frame = readable(
        style(go.Figure(), height=max(280, 26 * T + 70), title="Head view: token → token")
    )
    frame.update_xaxes(visible=False, range=[-0.45, 1.45])
    frame.update_yaxes(visible=False, autorange="reversed")
    frame.update_layout(showlegend=False)
    # up to 12 heads x 10 bands: validating ~120 traces cost ~160 ms (measured); the trace
    # literals above are valid by construction and the layout was validated just now
    return go.Figure(data=traces, layout=frame.layout, _validate=False)


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


ASCII_FOR = {"τ": "tau", "−": "-", "→": "->", "≠": "!=", "␣": "_", "…": "...", "·": "."}


def _ascii(s: str, max_len: int = 12) -> str:
    """The default fonts draw ASCII only: a few symbols spelled out, others shown as "?"."""
    spelled = "".join(ASCII_FOR.get(c, c) for c in s)
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in spelled)[:max_len]


EXPORT_FONT, EXPORT_TITLE = 22, 28  # px of the PNG export's labels and title (a 2x figure)


def matrix_png(
    matrix: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    *,
    title: str = "",
    row_title: str = "",
    col_title: str = "",
    scale_title: str = "weight",
    zmax: float | None = None,
    signed: bool | None = None,
) -> bytes:
    """The shown matrix as a PNG for a slide or a paper: cells of 24 to 72 px (about 1,100 px of
    cells across), every row and column labelled, the axis titles, the title, and a colour bar
    with its ticks. Weights run white (0) to blue (``zmax``, default the maximum); signed data
    (``signed``, default: any value below 0) orange (-zmax) through white to blue (+zmax)."""
    m = np.asarray(matrix, dtype=float)
    signed = bool((m < 0).any()) if signed is None else signed
    finite = np.abs(m[np.isfinite(m)])
    top = float(zmax) if zmax is not None else (float(finite.max()) if finite.size else 1.0)
    top = top if top > 0 else 1.0
    lo = -top if signed else 0.0
    T, S = m.shape
    cell = int(np.clip(1100 // max(S, T, 1), 24, 72))
    rows_a = [_raster_label(r) for r in rows]
    cols_a = [_raster_label(c) for c in cols]
    font = raster.font(EXPORT_FONT)
    row_w = max([font.getlength(r) for r in rows_a] + [1.0])
    col_w = max([font.getlength(c) for c in cols_a] + [1.0])
    turned = col_w > cell - 4  # column labels written upwards when they do not fit across
    left = int(16 + (EXPORT_FONT + 16 if row_title else 0) + row_w + 10)
    head = 20 + (EXPORT_TITLE + 24 if title else 0)
    foot = int(
        12 + (col_w if turned else EXPORT_FONT) + 10 + (EXPORT_FONT + 20 if col_title else 0)
    )
    bar_x = left + S * cell + 40
    width = bar_x + 36 + 12 + int(font.getlength("-0.00")) + 2 * EXPORT_FONT + 24
    img, draw = raster.canvas(width, max(head + T * cell + foot, head + 320 + 40))
    _export_cells(img, draw, m, (left, head), cell, signed, lo, top)
    ink = PALETTE["ink"]
    for t, r in enumerate(rows_a):
        raster.text(
            draw, (left - 10, head + (t + 0.5) * cell), r, ink, anchor="rm", size=EXPORT_FONT
        )
    y_cols = head + T * cell + 12
    for s_, c in enumerate(cols_a):
        x = left + (s_ + 0.5) * cell
        if turned:
            _turned_text(img, (x, y_cols), c, ink)
        else:
            raster.text(draw, (x, y_cols), c, ink, anchor="ma", size=EXPORT_FONT)
    if title:
        raster.text(draw, (left, 16), _ascii(title, 90), ink, size=EXPORT_TITLE)
    if col_title:
        y = y_cols + (col_w if turned else EXPORT_FONT) + 14
        raster.text(
            draw,
            (left + S * cell / 2, y),
            _ascii(col_title, 60),
            ink,
            anchor="ma",
            size=EXPORT_FONT,
        )
    if row_title:
        _turned_text(
            img,
            (16 + EXPORT_FONT / 2, head + T * cell / 2),
            _ascii(row_title, 60),
            ink,
            centre=True,
        )
    _colour_bar(
        img,
        draw,
        (bar_x, head, bar_x + 36, head + max(T * cell, 320)),
        signed,
        lo,
        top,
        scale_title,
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _raster_label(label: str) -> str:
    return _ascii(str(label).replace(" ", "_").replace("␣", "_"), 24)


def _shades(z: np.ndarray, signed: bool, lo: float, top: float) -> np.ndarray:
    """RGB of values: white (0) to blue (``top``), or orange (``lo``) / white / blue if signed."""
    if signed:
        return colormap_rgb(z, signed=True, vmin=lo, vmax=top)
    t = np.clip(np.nan_to_num(np.asarray(z, dtype=np.float32)) / top, 0, 1)[..., None]
    return np.rint(255 * (1 - t) + raster.hex_rgb(PALETTE["pos"]) * t).astype(np.uint8)


def _export_cells(
    img: Image.Image,
    draw: ImageDraw.ImageDraw,
    m: np.ndarray,
    origin: tuple[int, int],
    cell: int,
    signed: bool,
    lo: float,
    top: float,
) -> None:
    """The matrix's cells with 1 px white gaps, as the page's heatmap draws them."""
    T, S = m.shape
    rgb = np.repeat(np.repeat(_shades(m, signed, lo, top), cell, 0), cell, 1)
    img.paste(Image.fromarray(rgb), origin)
    x0, y0 = origin
    for t in range(1, T):
        draw.line([(x0, y0 + t * cell), (x0 + S * cell - 1, y0 + t * cell)], fill="white")
    for s_ in range(1, S):
        draw.line([(x0 + s_ * cell, y0), (x0 + s_ * cell, y0 + T * cell - 1)], fill="white")


def _turned_text(
    img: Image.Image, xy: tuple[float, float], label: str, fill: str, *, centre: bool = False
) -> None:
    """``label`` written upwards (turned by 90 degrees): centred on ``xy``, or hanging from it."""
    font = raster.font(EXPORT_FONT)
    w = int(font.getlength(label)) + 4
    strip, strip_draw = raster.canvas(max(w, 1), EXPORT_FONT + 8)
    raster.text(strip_draw, (2, 2), label, fill, size=EXPORT_FONT)
    turned = strip.rotate(90, expand=True)  # (EXPORT_FONT + 8) x w, read bottom to top
    x = int(xy[0] - turned.width / 2)
    y = int(xy[1] - turned.height / 2) if centre else int(xy[1])
    img.paste(turned, (x, y))


def _colour_bar(
    img: Image.Image,
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    signed: bool,
    lo: float,
    top: float,
    title: str,
) -> None:
    """A vertical colour bar (``top`` at the top, ``lo`` at the bottom) with five ticks."""
    x0, y0, x1, y1 = box
    values = np.linspace(top, lo, y1 - y0)[:, None].repeat(x1 - x0, 1)
    img.paste(Image.fromarray(_shades(values, signed, lo, top)), (x0, y0))
    draw.rectangle([x0 - 1, y0 - 1, x1, y1], outline=PALETTE["muted"])
    for v in np.linspace(lo, top, 5):
        y = y1 - (v - lo) / (top - lo) * (y1 - y0)
        draw.line([(x1, y), (x1 + 6, y)], fill=PALETTE["ink"])
        raster.text(draw, (x1 + 10, y), f"{v:.2f}", PALETTE["ink"], anchor="lm", size=EXPORT_FONT)
    label_x = x1 + 16 + raster.font(EXPORT_FONT).getlength("-0.00") + EXPORT_FONT
    _turned_text(img, (label_x, (y0 + y1) / 2), _ascii(title, 40), PALETTE["ink"], centre=True)
