"""Figures for the RNN gradient explorer: numpy arrays in, plotly figures out.

Gradient flow curves (log scale) with the lecture's (lambda_1 gamma)^(T-t) bound, heat maps of
time step against training step, the vanishing / exploding regions of lambda_1, the linear case's
eigen view, the LSTM highway, training and clipping curves, Pascanu's cliff, and the per-character
maps of the language models. Page: pages/rnn.py.

While training, the train, flow and clip views are one RGB raster each (train_image, flow_image,
clip_image; PIL on dlcore/viz/raster.py): the browser decodes an image in milliseconds, where
redrawing these plotly figures every frame cost it ~190 ms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.colors as pcolors
import plotly.graph_objects as go
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from dlcore.viz import raster as R
from dlcore.viz.common import CATEGORICAL, PALETTE, SERIES, style
from dlcore.viz.raster import GRID, INK, MUTED, canvas, dotted, font, hex_rgb, line_panel

ARM_COLORS = {"no clipping": PALETTE["accent"], "with clipping": PALETTE["pos"]}


def _color(label: str, i: int) -> str:
    return SERIES.get(label, ARM_COLORS.get(label, CATEGORICAL[i % len(CATEGORICAL)]))


def _positive(a: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros and non-finite values become gaps (NaN)."""
    a = np.asarray(a, dtype=float).copy()
    a[~np.isfinite(a) | (a <= 0)] = np.nan
    return a


def flow_curves(
    flows: np.ndarray, labels: Sequence[str], bound: np.ndarray | None = None, height: int = 320
) -> go.Figure:
    """||dL/dh_t|| against t (log y) for each cell; optional dashed bound for the vanilla RNN."""
    fig = go.Figure()
    t = np.arange(flows.shape[1])
    for i, (label, f) in enumerate(zip(labels, flows)):
        fig.add_trace(
            go.Scatter(
                x=t,
                y=_positive(f),
                name=label,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=_color(label, i), width=2),
            )
        )
    if bound is not None:
        fig.add_trace(
            go.Scatter(
                x=t,
                y=_positive(bound),
                name="bound (lambda_1 gamma)^(T-1-t)",
                mode="lines",
                line=dict(color=_color("RNN", 0), dash="dash"),
            )
        )
    fig.update_xaxes(title="time step t (the loss is at the last step)")
    fig.update_yaxes(title="||dL/dh_t||", type="log", exponentformat="power")
    return style(fig, height=height).update_layout(legend=dict(orientation="h", y=1.15))


def flow_heatmaps(
    flows: np.ndarray, steps: np.ndarray, labels: Sequence[str], height: int = 300
) -> go.Figure:
    """One heat map per cell: log10 ||dL/dh_t|| for time step (x) against training step (y)."""
    z = np.log10(_positive(flows))  # (A, P, T)
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    fig = make_subplots(rows=1, cols=len(labels), subplot_titles=list(labels), shared_yaxes=True)
    for i in range(len(labels)):
        fig.add_trace(
            go.Heatmap(
                z=z[i],
                x=np.arange(z.shape[2]),
                y=steps,
                zmin=lo,
                zmax=hi,
                colorscale="Viridis",
                showscale=i == len(labels) - 1,
                colorbar=dict(title="log10"),
                hovertemplate="t %{x}<br>training step %{y}<br>log10 norm %{z:.2f}<extra></extra>",
            ),
            row=1,
            col=i + 1,
        )
        fig.update_xaxes(title="time step t", row=1, col=i + 1)
    fig.update_yaxes(title="training step", row=1, col=1)
    return style(fig, height=height, legend=False)


def regime_figure(lambda_1: float, gamma: float, height: int = 200) -> go.Figure:
    """lambda_1 on an axis: vanishing guaranteed (< 1/gamma) or exploding possible (>= 1/gamma)."""
    fig = go.Figure()
    rows = [("gamma = 1 (tanh, ReLU, linear)", 1.0), ("gamma = 1/4 (sigmoid)", 0.25)]
    x_max = max(5.0, lambda_1 * 1.2)
    for y, (_name, g) in enumerate(rows):
        edge = 1.0 / g
        fig.add_shape(
            type="rect",
            x0=0,
            x1=min(edge, x_max),
            y0=y - 0.4,
            y1=y + 0.4,
            fillcolor=PALETTE["pos"],
            opacity=0.25,
            line_width=0,
        )
        fig.add_shape(
            type="rect",
            x0=min(edge, x_max),
            x1=x_max,
            y0=y - 0.4,
            y1=y + 0.4,
            fillcolor=PALETTE["accent"],
            opacity=0.2,
            line_width=0,
        )
        fig.add_annotation(
            x=min(edge, x_max) / 2,
            y=y,
            text="vanishing guaranteed",
            showarrow=False,
            font=dict(size=11),
        )
        if edge < x_max:
            fig.add_annotation(
                x=(edge + x_max) / 2,
                y=y,
                text="exploding possible",
                showarrow=False,
                font=dict(size=11),
            )
    active = 0 if gamma == 1.0 else 1
    fig.add_trace(
        go.Scatter(
            x=[lambda_1],
            y=[active],
            mode="markers+text",
            marker=dict(size=14, color=PALETTE["ink"], symbol="diamond"),
            text=[f"lambda_1 = {lambda_1:.3f}"],
            textposition="top center",
            name="this W",
        )
    )
    fig.update_yaxes(tickvals=[0, 1], ticktext=[r[0] for r in rows], range=[-0.6, 1.6])
    fig.update_xaxes(title="lambda_1 (largest singular value of W)", range=[0, x_max])
    return style(fig, height=height, legend=False)


def linear_figure(
    h: np.ndarray, comps: np.ndarray, eigvals: np.ndarray, q: np.ndarray
) -> go.Figure:
    """Left: the 2-D trajectory h_t with the eigenvector directions. Right: |component| along each
    eigenvector against t (log y): lambda_i^t."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("trajectory h_t = W^T h_(t-1)", "components along the eigenvectors"),
    )
    fig.add_trace(
        go.Scatter(
            x=h[:, 0],
            y=h[:, 1],
            mode="lines+markers",
            name="h_t",
            marker=dict(size=5, color=np.arange(len(h)), colorscale="Viridis"),
            line=dict(color=PALETTE["muted"]),
        ),
        row=1,
        col=1,
    )
    r = float(np.nanmax(np.abs(h[np.isfinite(h)]))) if np.isfinite(h).any() else 1.0
    for i in range(2):
        v = q[i] * r
        fig.add_trace(
            go.Scatter(
                x=[-v[0], v[0]],
                y=[-v[1], v[1]],
                mode="lines",
                name=f"eigenvector {i + 1} (lambda = {eigvals[i]:.2f})",
                line=dict(color=CATEGORICAL[i + 2], dash="dot"),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(comps)),
                y=_positive(np.abs(comps[:, i])),
                name=f"|component {i + 1}| ~ |{eigvals[i]:.2f}|^t",
                line=dict(color=CATEGORICAL[i + 2], width=2),
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=2)
    fig.update_xaxes(title="t", row=1, col=2)
    return style(fig, height=380)


def highway_figure(f_running: np.ndarray, lstm_jac: np.ndarray, rnn_jac: np.ndarray) -> go.Figure:
    t = np.arange(len(f_running))
    fig = go.Figure()
    traces = [
        (
            "LSTM: mean over units of prod f_k (the additive path)",
            f_running,
            SERIES["LSTM"],
            "dash",
        ),
        ("LSTM: ||d h_T / d h_t|| (autograd)", lstm_jac, SERIES["LSTM"], "solid"),
        ("vanilla RNN: ||prod Diag(g') W|| = ||d h_T / d h_t||", rnn_jac, SERIES["RNN"], "solid"),
    ]
    for name, y, color, dash in traces:
        fig.add_trace(
            go.Scatter(
                x=t,
                y=_positive(y),
                name=name,
                mode="lines",
                line=dict(color=color, dash=dash, width=2),
            )
        )
    fig.update_xaxes(title="time step t (going back from the last step T)")
    fig.update_yaxes(title="gain from h_t to h_T", type="log", exponentformat="power")
    fig.update_layout(legend=dict(orientation="v", y=-0.25))
    return style(fig, height=380).update_layout(legend=dict(orientation="v", y=-0.3))


def gate_heatmap(
    values: np.ndarray,
    chars: Sequence[str] | None = None,
    title: str = "",
    height: int = 260,
    zmin: float = 0.0,
    zmax: float = 1.0,
) -> go.Figure:
    """(T, H) gate values as units (y) against time / characters (x)."""
    x = list(range(values.shape[0]))
    fig = go.Figure(
        go.Heatmap(
            z=values.T,
            x=x,
            zmin=zmin,
            zmax=zmax,
            colorscale="Viridis",
            hovertemplate="t %{x}<br>unit %{y}<br>%{z:.3f}<extra></extra>",
        )
    )
    if chars is not None:
        fig.update_xaxes(tickvals=x, ticktext=[_show(c) for c in chars], tickangle=0)
    fig.update_yaxes(title="unit")
    return style(fig, height=height, title=title, legend=False)


def _show(c: str) -> str:
    return {" ": "␣", "\n": "⏎"}.get(c, c)


def _level(fig: go.Figure, x0: float, x1: float, y: float, name: str, color: str) -> None:
    """A labelled horizontal reference line as a trace (hline annotations misplace on log axes)."""
    fig.add_trace(
        go.Scatter(
            x=[x0, x1],
            y=[y, y],
            mode="lines",
            name=name,
            line=dict(color=color, dash="dot", width=1.5),
            hoverinfo="name",
        )
    )


# above the plot: the shared style's legend below the plot covers the x-axis title
LEGEND_ABOVE = dict(orientation="h", x=0, y=1.02, yanchor="bottom")


def loss_figure(
    steps: np.ndarray,
    losses: np.ndarray,
    labels: Sequence[str],
    baseline: float,
    solved: float,
    metric: str,
    height: int = 320,
) -> go.Figure:
    """Held-out loss of each cell (log y) with the no-memory baseline and the 'solved' level."""
    fig = go.Figure()
    for i, lab in enumerate(labels):
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=_positive(losses[i]),
                name=lab,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=_color(lab, i), width=2),
            )
        )
    x1 = max(float(steps[-1]) if len(steps) else 1.0, 1.0)
    _level(fig, 0, x1, baseline, f"no-memory baseline {baseline:.3f}", PALETTE["muted"])
    _level(fig, 0, x1, solved, f"solved < {solved:g}", PALETTE["ok"])
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title=f"held-out {metric}", type="log", exponentformat="power")
    return style(fig, height=height).update_layout(legend=LEGEND_ABOVE)


def curves_figure(
    values: np.ndarray,
    labels: Sequence[str],
    y_title: str,
    log_y: bool = True,
    hline: tuple[str, float] | None = None,
    height: int = 280,
) -> go.Figure:
    """Per-step curves (training loss or pre-clip gradient norm) for each arm."""
    steps = np.arange(1, values.shape[1] + 1)
    fig = go.Figure()
    for i, lab in enumerate(labels):
        y = _positive(values[i]) if log_y else values[i]
        fig.add_trace(
            go.Scatter(
                x=steps, y=y, name=lab, mode="lines", line=dict(color=_color(lab, i), width=1.5)
            )
        )
    if hline is not None:
        _level(fig, 1, max(len(steps), 2), hline[1], hline[0], PALETTE["muted"])
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear", exponentformat="power")
    return style(fig, height=height).update_layout(legend=LEGEND_ABOVE)


def cliff_figure(
    ws: np.ndarray,
    bs: np.ndarray,
    loss: np.ndarray,
    plain: np.ndarray,
    clipped: np.ndarray,
    height: int = 420,
) -> go.Figure:
    """log10 loss over (w, b) with the descent paths; points off the map are cut at its edge."""
    fig = go.Figure(
        go.Heatmap(
            z=np.log10(loss + 1e-6),
            x=ws,
            y=bs,
            colorscale="Viridis",
            colorbar=dict(title="log10 L"),
            hovertemplate="w %{x:.2f}<br>b %{y:.2f}<br>log10 loss %{z:.2f}<extra></extra>",
        )
    )
    for name, p, color in (
        ("no clipping", plain, PALETTE["accent"]),
        ("norm clipping", clipped, "#00e5ff"),
    ):
        fig.add_trace(
            go.Scatter(
                x=np.clip(p[:, 0], ws[0], ws[-1]),
                y=np.clip(p[:, 1], bs[0], bs[-1]),
                mode="lines+markers",
                name=name,
                line=dict(color=color, width=2),
                marker=dict(size=6),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[plain[0, 0]],
            y=[plain[0, 1]],
            mode="markers",
            name="start (on the wall)",
            marker=dict(size=14, symbol="star", color=PALETTE["neg"]),
        )
    )
    fig.update_xaxes(title="w (recurrent weight)", range=[ws[0], ws[-1]])
    fig.update_yaxes(title="b (bias)", range=[bs[0], bs[-1]])
    return style(fig, height=height)


def cliff_slice_figure(
    sb: np.ndarray, sl: np.ndarray, b0: float, b_plain: float, b_clip: float, height: int = 300
) -> go.Figure:
    fig = go.Figure(
        go.Scatter(x=sb, y=sl, mode="lines", name="loss along b", line=dict(color=PALETTE["ink"]))
    )
    fig.add_vline(x=b0, line_color=PALETTE["neg"], annotation_text="start")
    fig.add_vline(
        x=b_clip,
        line_color=PALETTE["pos"],
        line_dash="dot",
        annotation_text="clipped step",
        annotation_position="bottom right",
    )
    if sb[0] <= b_plain <= sb[-1]:
        fig.add_vline(
            x=b_plain, line_color=PALETTE["accent"], line_dash="dot", annotation_text="plain step"
        )
    fig.update_xaxes(title="b (at fixed w)")
    fig.update_yaxes(title="loss", type="log", exponentformat="power")
    return style(fig, height=height)


def connectivity_figure(
    chars: Sequence[str], conn: np.ndarray, labels: Sequence[str], position: int, height: int = 220
) -> go.Figure:
    """Rows = models, columns = characters; colour = connectivity normalised per row, text = the
    character. The column of the predicting position is outlined."""
    z = np.asarray(conn, dtype=float)
    z = z / np.maximum(z.max(axis=1, keepdims=True), 1e-30)
    text = np.array([[_show(c) for c in chars]] * len(labels))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(len(chars))),
            y=list(labels),
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#ffffff"], [1, PALETTE["ok"]]],
            zmin=0,
            zmax=1,
            customdata=np.asarray(conn),
            colorbar=dict(title="rel."),
            hovertemplate="%{y}: char %{x} '%{text}'<br>||d logit / d x_i|| = %{customdata:.3g}"
            "<extra></extra>",
        )
    )
    fig.add_vrect(x0=position - 0.5, x1=position + 0.5, line_color=PALETTE["accent"], line_width=2)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(autorange="reversed")
    return style(fig, height=height, legend=False)


def topk_figure(
    chars: Sequence[str], probs: np.ndarray, label: str, height: int = 220
) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[_show(c) for c in chars],
            y=probs,
            marker_color=_color(label, 0),
            hovertemplate="'%{x}': %{y:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 1], title="p(next char)")
    return style(fig, height=height, title=label, legend=False)


# ----------------------------------------------------------------------- live frames (rasters)
# While training, each frame is ONE inline image (see dlcore/viz/raster.py): an updated plotly
# chart costs the browser far more per frame. The numbers are those of the paused figures above.
LIVE_WIDTH = 1000
_NAN_CELL = np.array([236, 236, 236], dtype=np.uint8)  # no value (zero or NaN norm)


def _tint(color: str, alpha: float) -> str:
    """``color`` at opacity ``alpha`` over white, as hex."""
    mixed = np.rint(255 - alpha * (255 - hex_rgb(color))).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _viridis_lut() -> np.ndarray:
    """(256, 3) uint8: plotly's Viridis stops interpolated (the paused heat maps' colours)."""
    stops = np.array([hex_rgb(c) for c in pcolors.sequential.Viridis])
    t = np.linspace(0, len(stops) - 1, 256)
    return np.rint(
        np.stack([np.interp(t, np.arange(len(stops)), stops[:, k]) for k in range(3)], 1)
    ).astype(np.uint8)


VIRIDIS = _viridis_lut()


def viridis_rgb(z: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A 2-D array as Viridis RGB on [lo, hi]; NaN cells light grey."""
    z = np.asarray(z, dtype=np.float64)
    t = np.clip((np.nan_to_num(z, nan=lo) - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    out = VIRIDIS[np.rint(t * 255).astype(int)]
    out[~np.isfinite(z)] = _NAN_CELL
    return out


def _log_limits(values: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """(lo, hi) of log10 over the positive finite values, padded like raster.line_panel."""
    logs = [np.log10(v[np.isfinite(v)]) for v in (_positive(a).ravel() for a in values)]
    logs = np.concatenate(logs) if logs else np.zeros(0)
    if not logs.size:
        return None
    lo, hi = float(logs.min()), float(logs.max())
    pad = 0.06 * (hi - lo) or 0.5
    return lo - pad, hi + pad


def _dashed(draw: ImageDraw.ImageDraw, pts: np.ndarray, color: str, on: int = 7, off: int = 5):
    """A dashed polyline through pixel points (n, 2); NaN points break it."""
    ok = np.isfinite(pts).all(axis=1)
    for run in np.split(np.arange(len(pts)), np.flatnonzero(np.diff(ok.astype(int))) + 1):
        if len(run) < 2 or not ok[run[0]]:
            continue
        p = pts[run]
        s = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(p, axis=0).T))])
        u = np.arange(0.0, s[-1] + 1.0, 1.0)
        xy = np.stack([np.interp(u, s, p[:, 0]), np.interp(u, s, p[:, 1])], 1)
        for a in range(0, len(u) - 1, on + off):
            seg = xy[a : a + on + 1]
            if len(seg) > 1:
                draw.line([tuple(q) for q in seg.tolist()], fill=color, width=2)


def _axis_note(draw: ImageDraw.ImageDraw, area: tuple[int, int, int, int], text: str) -> None:
    """An x-axis title centred under a line panel's plot area (between its first and last x)."""
    R.text(draw, ((area[0] + area[2]) / 2, area[3] + 3), text, MUTED, anchor="ma")


def _key(draw: ImageDraw.ImageDraw, right: int, y: int, items: Sequence[tuple[str, str, str]]):
    """A legend of reference lines, right-aligned at (right, y): a short dotted or dashed
    sample in the line's colour, then its text; items are (text, colour, "dotted" | "dashed")."""
    f = font()
    for text, color, kind in reversed(items):
        tw = int(draw.textlength(text, font=f))
        R.text(draw, (right, y), text, color if kind == "dashed" else MUTED, anchor="ra")
        x1, mid = right - tw - 4, y + 7
        if kind == "dashed":
            _dashed(draw, np.array([[x1 - 22.0, mid], [x1, mid]]), color, on=6, off=4)
        else:
            dotted(draw, x1 - 20, x1, mid, color)
        right = x1 - 36


def _log_panel(draw, box, series, refs=(), *, title="", x_note="", extra=()):
    """raster.line_panel on a log axis: whole decades as limits when the data spans 2.5 decades
    or more (readable labels), the reference levels' key in the title row (labels on the lines
    would hide the data) and an x-axis title. ``extra``: more values the limits must include.
    Returns the plot area and the log10 limits (None when nothing is positive)."""
    lim = _log_limits([y for _, y, _, _ in series] + [np.array([r[0] for r in refs])] + [*extra])
    if lim is not None and lim[1] - lim[0] >= 2.5:
        lo, hi = math.floor(lim[0]), math.ceil(lim[1])
        lim = (lo, hi + (hi - lo) % 2)  # an even span: the middle label is a decade too
    area = line_panel(
        draw,
        (box[0] + 10, box[1], box[2], box[3]),  # room for labels such as 1e-24
        series,
        [(v, c, "") for v, c, _ in refs],
        ylim=(10.0 ** lim[0], 10.0 ** lim[1]) if lim else None,
        log_y=True,
        title=title,
    )
    _key(draw, box[2] - 6, box[1] + 2, [(t, c, "dotted") for _, c, t in refs])
    _axis_note(draw, area, x_note)
    return area, lim


def _status(draw: ImageDraw.ImageDraw, y: int, width: int, items: Sequence[tuple[str, str]]):
    """One line of per-run status texts in their colours, in equal columns."""
    col = width / max(1, len(items))
    for i, (text, color) in enumerate(items):
        R.text(draw, (8 + i * col, y), text, color, size=14)


def _norms_and_losses(
    left: tuple[Sequence, Sequence, str, str],
    grad_norm: np.ndarray,
    labels: Sequence[str],
    clip_v: float,
    status: Sequence[tuple[str, str]],
    size: tuple[int, int],
) -> np.ndarray:
    """Two log panels side by side (a loss on the left, the pre-clip ||g|| with the threshold v
    on the right) and a status line under them."""
    w, h = size
    img, draw = canvas(w, h)
    series, refs, title, x_note = left
    body = h - 30
    _log_panel(draw, (0, 0, w // 2 - 10, body), series, refs, title=title, x_note=x_note)
    steps = np.arange(1, grad_norm.shape[1] + 1)
    norms = [(steps, g, _color(lab, i), lab) for i, (lab, g) in enumerate(zip(labels, grad_norm))]
    _log_panel(
        draw,
        (w // 2 + 10, 0, w, body),
        norms,
        [(clip_v, INK, f"clip threshold v = {clip_v:g}")],
        title="pre-clip ||g|| per step (log axis)",
        x_note="training step",
    )
    draw.line([(0, body + 4), (w, body + 4)], fill=GRID)
    _status(draw, body + 10, w, status)
    return np.asarray(img)


def _last(row: np.ndarray) -> float:
    return float(row[-1]) if len(row) else float("nan")


def train_status(snap) -> list[tuple[str, str]]:
    """Per cell (text, colour): solved or not by the last held-out loss, the share clipped."""
    out = []
    for i, (lab, row, share, dead) in enumerate(
        zip(snap.labels, snap.eval_loss, snap.clipped_share, snap.diverged)
    ):
        ev = _last(row)
        verdict = "solved" if ev < snap.solved_below else "not solved"
        text = f"{lab}: diverged (NaN/inf)" if dead else f"{lab}: {ev:.4f} {verdict}"
        out.append((f"{text}, {share:.0%} of steps clipped", _color(lab, i)))
    return out


def clip_status(snap) -> list[tuple[str, str]]:
    """Per run (text, colour): the last training loss, the share of steps clipped."""
    out = []
    for i, (lab, row, share, dead) in enumerate(
        zip(snap.labels, snap.loss, snap.clipped_share, snap.diverged)
    ):
        text = f"{lab}: diverged (NaN/inf)" if dead else f"{lab}: loss {_last(row):.4g}"
        out.append((f"{text}, {share:.0%} of steps clipped", _color(lab, i)))
    return out


def train_image(snap, clip_v: float, size: tuple[int, int] = (LIVE_WIDTH, 330)) -> np.ndarray:
    """The train view while training (paused: loss_figure and curves_figure): held-out loss of
    each cell with the no-memory baseline and the 'solved' level, the pre-clip ||g|| with the
    clip threshold v, and train_status under them."""
    cells = [
        (snap.eval_steps, loss, _color(lab, i), lab)
        for i, (lab, loss) in enumerate(zip(snap.labels, snap.eval_loss))
    ]
    refs = [
        (snap.baseline, MUTED, f"no-memory baseline {snap.baseline:.3f}"),
        (snap.solved_below, PALETTE["ok"], f"solved < {snap.solved_below:g}"),
    ]
    left = (cells, refs, f"held-out {snap.metric} (log axis)", "training step")
    return _norms_and_losses(left, snap.grad_norm, snap.labels, clip_v, train_status(snap), size)


def clip_image(snap, clip_v: float, size: tuple[int, int] = (LIVE_WIDTH, 300)) -> np.ndarray:
    """The clipping pair while training (paused: two curves_figure): training loss of each run,
    pre-clip ||g|| with the threshold v, and clip_status under them."""
    steps = np.arange(1, snap.loss.shape[1] + 1)
    runs = [
        (steps, loss, _color(lab, i), lab)
        for i, (lab, loss) in enumerate(zip(snap.labels, snap.loss))
    ]
    left = (runs, [], f"training {snap.metric} per step (log axis)", "training step")
    return _norms_and_losses(left, snap.grad_norm, snap.labels, clip_v, clip_status(snap), size)


def _regime_bar(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], lam: float, gamma: float
):
    """regime_figure's row for this gamma: lambda_1 < 1/gamma vanishing guaranteed, beyond it
    exploding possible; a diamond at lambda_1 of W."""
    x0, y0, x1, y1 = box[0] + 4, box[1] + 18, box[2] - 8, box[3] - 16
    R.text(draw, (box[0] + 4, box[1]), f"lambda_1 of W (gamma = {gamma:g})", INK)
    x_max = max(5.0, lam * 1.2) if np.isfinite(lam) else 5.0
    edge = min(1.0 / gamma, x_max) if gamma > 0 else x_max

    def px(v: float) -> float:
        return x0 + min(max(v, 0.0), x_max) / x_max * (x1 - x0)

    draw.rectangle([x0, y0, px(edge), y1], fill=_tint(PALETTE["pos"], 0.25))
    R.text(draw, ((x0 + px(edge)) / 2, (y0 + y1) / 2), "vanishing", INK, anchor="mm")
    if edge < x_max:
        draw.rectangle([px(edge), y0, x1, y1], fill=_tint(PALETTE["accent"], 0.2))
        R.text(draw, ((px(edge) + x1) / 2, (y0 + y1) / 2), "exploding possible", INK, anchor="mm")
    for v in (0.0, edge, x_max):
        R.text(draw, (px(v), y1 + 2), f"{v:g}", MUTED, anchor="ma")
    if np.isfinite(lam):
        u, m, r = px(lam), (y0 + y1) / 2, 7
        draw.polygon([(u, m - r), (u + r, m), (u, m + r), (u - r, m)], fill=INK)


def _colorbar(img, draw, box: tuple[int, int, int, int], lo: float, hi: float) -> None:
    """A vertical Viridis bar for log10 values lo..hi, labelled in data units."""
    x0, y0, x1, y1 = box[0], box[1] + 18, box[0] + 14, box[3]
    R.text(draw, (box[0], box[1]), "||dL/dh_t||", INK)
    ramp = VIRIDIS[np.linspace(255, 0, max(1, y1 - y0)).round().astype(int)]  # high on top
    img.paste(Image.fromarray(np.repeat(ramp[:, None], x1 - x0, axis=1)), (x0, y0))
    R.text(draw, (x1 + 4, y0), f"{10.0**hi:.2g}", MUTED, anchor="la")
    R.text(draw, (x1 + 4, y1), f"{10.0**lo:.2g}", MUTED, anchor="ld")


def flow_image(now, snap, size: tuple[int, int] = (LIVE_WIDTH, 560)) -> np.ndarray:
    """The flow view while training (paused: flow_curves, regime_figure, flow_heatmaps).

    Top left: ||dL/dh_t|| against t for each cell (log axis) with the dashed bound
    (lambda_1 gamma)^(T-1-t) of the vanilla RNN. Top right: lambda_1, gamma, their product and
    the regime, and the lambda_1 axis. Below: log10 ||dL/dh_t|| per cell, time step t (x)
    against training step (y, the latest probe on top), on one colour scale."""
    w, h = size
    img, draw = canvas(w, h)
    t = np.arange(now.flows.shape[1], dtype=np.float64)
    top = int(h * 0.52)
    split = int(w * 0.62)
    cells = [(t, f, _color(lab, i), lab) for i, (lab, f) in enumerate(zip(now.labels, now.flows))]
    area, lim = _log_panel(
        draw,
        (0, 0, split, top),
        cells,
        title="||dL/dh_t|| now (log axis)",
        x_note="time step t (the loss is at the last step)",
        extra=[now.bound],
    )
    rnn = _color("RNN", 0)
    _key(draw, split - 6, 2, [("bound (lambda_1 gamma)^(T-1-t)", rnn, "dashed")])
    if lim is not None and len(t):
        x0, y0, x1, y1 = area
        b = np.log10(_positive(now.bound))
        u = x0 + t / max(t[-1], 1.0) * (x1 - x0)
        v = y1 - (np.clip(b, *lim) - lim[0]) / (lim[1] - lim[0]) * (y1 - y0)
        _dashed(draw, np.stack([u, v], 1), rnn)
    sp = now.spectrum
    lines = [
        ("Vanilla RNN now", INK),
        (f"lambda_1 = {sp.lambda_1:.3f}", INK),
        (f"gamma = {sp.gamma:g}", INK),
        (f"lambda_1 gamma = {sp.product:.3f}", INK),
    ]
    regime = sp.regime.split("; ")
    lines += [(r, PALETTE["pos"] if sp.product < 1.0 else PALETTE["accent"]) for r in regime]
    for k, (text, color) in enumerate(lines):
        R.text(draw, (split + 24, 8 + 22 * k), text, color, size=14)
    _regime_bar(draw, (split + 20, top - 72, w, top - 4), sp.lambda_1, sp.gamma)
    _flow_heat_row(img, draw, (0, top + 8, w, h), snap.flow, snap.eval_steps, snap.labels)
    return np.asarray(img)


def _flow_heat_row(img, draw, box, flows: np.ndarray, steps: np.ndarray, labels: Sequence[str]):
    """flow_heatmaps as one raster row: one map per cell on a shared log colour scale."""
    z = np.log10(_positive(flows))  # (A, P, T)
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    hi = hi if hi > lo else lo + 1.0
    x0, y0, x1, y1 = box[0] + 56, box[1] + 18, box[2] - 80, box[3] - 34
    draw.line([(0, box[1] - 4), (box[2], box[1] - 4)], fill=GRID)
    gap, n = 14, max(1, len(labels))
    cw = (x1 - x0 - gap * (n - 1)) // n
    for i, lab in enumerate(labels):
        cx = x0 + i * (cw + gap)
        R.text(draw, (cx, box[1]), lab, _color(lab, i), size=14)
        if z.ndim == 3 and z.shape[1] and z.shape[2]:
            tile = Image.fromarray(viridis_rgb(z[i][::-1], lo, hi))  # latest probe on top
            img.paste(tile.resize((cw, y1 - y0), Image.NEAREST), (cx, y0))
        draw.rectangle([cx - 1, y0 - 1, cx + cw, y1], outline=GRID)
        R.text(draw, (cx, y1 + 2), "t = 0", MUTED)
        R.text(draw, (cx + cw, y1 + 2), f"t = {max(z.shape[-1] - 1, 0)}", MUTED, anchor="ra")
    if len(steps):
        R.text(draw, (x0 - 4, y0), f"{int(steps[-1]):,}", MUTED, anchor="ra")
        R.text(draw, (x0 - 4, y1), f"{int(steps[0]):,}", MUTED, anchor="rd")
    R.text(
        draw,
        ((x0 + x1) / 2, y1 + 18),
        "x: time step t    y: training step (the latest probe on top)    colour: ||dL/dh_t|| on a "
        "log scale",
        MUTED,
        anchor="ma",
    )
    _colorbar(img, draw, (x1 + 16, box[1], box[2], y1), lo, hi)
