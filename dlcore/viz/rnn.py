"""Figures for the RNN gradient explorer: numpy arrays in, plotly figures out.

Gradient flow curves (log scale) with the lecture's (lambda_1 gamma)^(T-t) bound, heat maps of
time step against training step, the vanishing / exploding regions of lambda_1, the linear case's
eigen view, the LSTM highway, training and clipping curves, Pascanu's cliff, and the per-character
maps of the language models. Page: pages/rnn.py (views: dlcore/ui/views/rnn.py).

While training, the train, flow and clip views are one RGB raster each instead
(dlcore/viz/rnn_live.py): the browser decodes an image in milliseconds, where redrawing these
plotly figures every frame cost it ~190 ms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.viz.common import CATEGORICAL, PALETTE, SERIES, room, style, xy_trace

GRAD_T = "‖∂L/∂h<sub>t</sub>‖"  # the gradient norm the flow figures show
JAC = "‖∂h<sub>T</sub>/∂h<sub>t</sub>‖"
PLOT_WIDTH = 860  # px of a full-width chart on a 1400-px window (sizes click markers)
READABLE = 14  # px: the figures' text, for a projector (the shared style's 13 is small)
TITLES_TOP = 36  # px above the plot area for subplot titles (style's 10 px cut them off)
ARM_COLORS = {"no clipping": PALETTE["accent"], "with clipping": PALETTE["pos"]}


def _style(fig: go.Figure, **kw) -> go.Figure:
    """The shared style (dlcore.viz.common.style) with the text at READABLE px: ticks, legends
    and titles follow the layout's font."""
    return style(fig, **kw).update_layout(font=dict(size=READABLE))


def arm_color(label: str, i: int) -> str:
    """The colour of a cell or run (RNN, LSTM, GRU; no clipping, with clipping), else the i-th
    categorical colour."""
    return SERIES.get(label, ARM_COLORS.get(label, CATEGORICAL[i % len(CATEGORICAL)]))


def positive(a: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros and non-finite values become gaps (NaN)."""
    a = np.asarray(a, dtype=float).copy()
    a[~np.isfinite(a) | (a <= 0)] = np.nan
    return a


def _arm_curve(x, y: np.ndarray, label: str, i: int) -> go.Scatter:
    """The i-th cell's or run's curve for a log y axis, in its colour (gaps where y <= 0)."""
    return go.Scatter(
        x=x,
        y=positive(y),
        name=label,
        mode="lines+markers",
        marker=dict(size=4),
        line=dict(color=arm_color(label, i), width=2),
    )


def flow_curves(
    flows: np.ndarray, labels: Sequence[str], bound: np.ndarray | None = None, height: int = 320
) -> go.Figure:
    """||dL/dh_t|| against t (log y) for each cell; optional dashed bound for the vanilla RNN."""
    fig = go.Figure()
    t = np.arange(flows.shape[1])
    for i, (label, f) in enumerate(zip(labels, flows)):
        fig.add_trace(_arm_curve(t, f, label, i))
    if bound is not None:
        fig.add_trace(
            go.Scatter(
                x=t,
                y=positive(bound),
                name="bound ‖∂L/∂h<sub>T−1</sub>‖ (λ<sub>1</sub>γ)<sup>T−1−t</sup>",
                mode="lines",
                line=dict(color=arm_color("RNN", 0), dash="dash"),
            )
        )
    fig.update_xaxes(title="time step t (the loss is at the last step)")
    fig.update_yaxes(title=GRAD_T, type="log", exponentformat="power")
    fig = _style(fig, height=height).update_layout(legend=dict(orientation="h", y=1.15))
    return room(fig, 84, 12, 70, 70)  # drawn once: margins its labels and legend need


def flow_heatmaps(
    flows: np.ndarray, steps: np.ndarray, labels: Sequence[str], height: int = 300
) -> go.Figure:
    """One heat map per cell: log10 ||dL/dh_t|| for time step (x) against training step (y)."""
    z = np.log10(positive(flows))  # (A, P, T)
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
                colorbar=dict(title=f"log<sub>10</sub> {GRAD_T}"),
                hovertemplate="t %{x}<br>training step %{y}<br>log<sub>10</sub> "
                + GRAD_T
                + " %{z:.2f}<extra></extra>",
            ),
            row=1,
            col=i + 1,
        )
        fig.update_xaxes(title="time step t", row=1, col=i + 1)
    fig.update_yaxes(title="training step", row=1, col=1)
    if len(steps) < 6:  # a few probes: one tick each (a single row showed ticks at -0.4 .. 0.4)
        fig.update_yaxes(tickvals=list(steps))
    for i, title in enumerate(fig.layout.annotations):
        title.font = dict(size=15, color=arm_color(labels[i], i))
    # the subplot titles sit above the plot area: they need a top margin of their own
    fig = _style(fig, height=height, legend=False)
    return room(fig, 70, 144, TITLES_TOP, 76)  # the colour bar's title needs the right margin


def regime_figure(lambda_1: float, gamma: float, height: int = 200) -> go.Figure:
    """lambda_1 on an axis: vanishing guaranteed (< 1/gamma) or exploding possible (>= 1/gamma)."""
    fig = go.Figure()
    rows = [("γ = 1 (tanh, ReLU, linear)", 1.0), ("γ = 1/4 (sigmoid)", 0.25)]
    x_max = max(5.0, lambda_1 * 1.2)
    for y, (_name, g) in enumerate(rows):
        edge = min(1.0 / g, x_max)
        bands = (
            (0.0, edge, PALETTE["pos"], 0.25, "vanishing guaranteed"),
            (edge, x_max, PALETTE["accent"], 0.2, "exploding possible"),
        )
        for x0, x1, color, opacity, text in bands:
            fig.add_shape(
                type="rect",
                x0=x0,
                x1=x1,
                y0=y - 0.4,
                y1=y + 0.4,
                fillcolor=color,
                opacity=opacity,
                line_width=0,
            )
            if x1 > x0:
                fig.add_annotation(
                    x=(x0 + x1) / 2, y=y, text=text, showarrow=False, font=dict(size=11)
                )
    active = 0 if gamma == 1.0 else 1
    fig.add_trace(
        go.Scatter(
            x=[lambda_1],
            y=[active],
            mode="markers+text",
            marker=dict(size=14, color=PALETTE["ink"], symbol="diamond"),
            text=[f"λ<sub>1</sub> = {lambda_1:.3f}"],
            textposition="top center",
            name="this W",
        )
    )
    fig.update_yaxes(tickvals=[0, 1], ticktext=[r[0] for r in rows], range=[-0.6, 1.6])
    fig.update_xaxes(title="λ<sub>1</sub> (largest singular value of W)", range=[0, x_max])
    return room(_style(fig, height=height, legend=False), 146, 14, 10, 70)  # drawn once


def linear_figure(
    h: np.ndarray, comps: np.ndarray, eigvals: np.ndarray, q: np.ndarray
) -> go.Figure:
    """Left: the 2-D trajectory h_t with the eigenvector directions. Right: |component| along each
    eigenvector against t (log y): lambda_i^t."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "trajectory h<sub>t</sub> = W<sup>⊤</sup>h<sub>t−1</sub>",
            "components along the eigenvectors",
        ),
    )
    fig.add_trace(
        xy_trace(
            h,
            "h<sub>t</sub>",
            "lines+markers",
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
                name=f"eigenvector {i + 1} (λ<sub>{i + 1}</sub> = {eigvals[i]:.2f})",
                line=dict(color=CATEGORICAL[i + 2], dash="dot"),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(comps)),
                y=positive(np.abs(comps[:, i])),
                name=f"|component {i + 1}| ∝ |{eigvals[i]:.2f}|<sup>t</sup>",
                line=dict(color=CATEGORICAL[i + 2], width=2),
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=2)
    fig.update_xaxes(title="t", row=1, col=2)
    # the subplot titles take the row above the plots; the legend goes under them
    below = dict(orientation="h", x=0, y=-0.16, yanchor="top")
    return _style(fig, height=440).update_layout(legend=below, margin=dict(t=TITLES_TOP, b=90))


def highway_figure(f_running: np.ndarray, lstm_jac: np.ndarray, rnn_jac: np.ndarray) -> go.Figure:
    t = np.arange(len(f_running))
    fig = go.Figure()
    traces = [
        (
            "LSTM: mean over units of ∏<sub>k</sub> f<sub>k</sub> (the additive path)",
            f_running,
            SERIES["LSTM"],
            "dash",
        ),
        (f"LSTM: {JAC} (autograd)", lstm_jac, SERIES["LSTM"], "solid"),
        (f"vanilla RNN: ‖∏ Diag(g′) W‖ = {JAC}", rnn_jac, SERIES["RNN"], "solid"),
    ]
    for name, y, color, dash in traces:
        fig.add_trace(
            go.Scatter(
                x=t,
                y=positive(y),
                name=name,
                mode="lines",
                line=dict(color=color, dash=dash, width=2),
            )
        )
    fig.update_xaxes(title="time step t (going back from the last step T)")
    fig.update_yaxes(
        title="gain from h<sub>t</sub> to h<sub>T</sub>", type="log", exponentformat="power"
    )
    fig.update_layout(legend=dict(orientation="v", y=-0.25))
    return _style(fig, height=380).update_layout(legend=dict(orientation="v", y=-0.3))


def gate_heatmap(
    values: np.ndarray,
    chars: Sequence[str] | None = None,
    title: str = "",
    height: int = 260,
    zmin: float = 0.0,
    zmax: float = 1.0,
    offset: int = 0,
) -> go.Figure:
    """(T, H) gate values as units (y) against time / characters (x, from index ``offset``)."""
    x = list(range(offset, offset + values.shape[0]))
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
    return _style(fig, height=height, title=title, legend=False)


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


def _curve_mode(y: np.ndarray) -> str:
    """Lines, with markers while a curve has few points (one point draws no line at all: a run
    that diverged at its second step)."""
    return "lines+markers" if np.isfinite(y).sum() < 20 else "lines"


def _diverged_last(n: int, diverged_at: Sequence[int | None]) -> list[int]:
    """Run indices with the runs that diverged last (drawn on top: the unclipped run's one point
    coincides with the clipped run's first one)."""
    return sorted(range(n), key=lambda i: i < len(diverged_at) and diverged_at[i] is not None)


def _mark_blowups(
    fig: go.Figure,
    steps: np.ndarray,
    values: np.ndarray,
    labels: Sequence[str],
    diverged_at: Sequence[int | None],
) -> None:
    """Where each run that diverged blew up: a dotted vertical line at that training step and an
    x at the last value it had, in the run's colour (named in the legend)."""
    for i, (label, at) in enumerate(zip(labels, diverged_at)):
        if at is None:
            continue
        color = arm_color(label, i)
        y = positive(values[i])
        seen = np.isfinite(y) & (np.asarray(steps) <= at)
        last = float(y[seen][-1]) if seen.any() else None
        fig.add_vline(x=at, line=dict(color=color, dash="dot", width=1.5))
        fig.add_trace(
            go.Scatter(
                x=[at],
                y=[last],
                mode="markers",
                name=f"{label}: blew up at step {at} (NaN/inf)",
                marker=dict(symbol="x", size=14, color=color, line=dict(width=1, color=color)),
                hovertemplate=f"{label}: NaN/inf at step {at}<extra></extra>",
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
    diverged_at: Sequence[int | None] = (),
) -> go.Figure:
    """Held-out loss of each cell (log y) with the no-memory baseline and the 'solved' level;
    a cell that diverged is marked where it blew up (``diverged_at``: a step or None each)."""
    fig = go.Figure()
    for i, lab in enumerate(labels):
        fig.add_trace(_arm_curve(steps, losses[i], lab, i))
    x1 = max(float(steps[-1]) if len(steps) else 1.0, 1.0)
    _level(fig, 0, x1, baseline, f"no-memory baseline {baseline:.3f}", PALETTE["muted"])
    _level(fig, 0, x1, solved, f"solved < {solved:g}", PALETTE["ok"])
    _mark_blowups(fig, steps, losses, labels, diverged_at)
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title=f"held-out {metric}", type="log", exponentformat="power")
    return _style(fig, height=height).update_layout(legend=LEGEND_ABOVE)


def curves_figure(
    steps: np.ndarray,
    values: np.ndarray,
    labels: Sequence[str],
    y_title: str,
    log_y: bool = True,
    hline: tuple[str, float] | None = None,
    height: int = 280,
    diverged_at: Sequence[int | None] = (),
) -> go.Figure:
    """Per-step curves (training loss or pre-clip gradient norm) for each arm; ``steps`` (S,)
    are the training steps of the columns of ``values`` (A, S). A run that diverged is drawn up
    to where it blew up and marked there (``diverged_at``: a step or None per arm)."""
    fig = go.Figure()
    for i in _diverged_last(len(labels), diverged_at):  # a run that blew up is drawn on top
        lab = labels[i]
        y = positive(values[i]) if log_y else np.asarray(values[i], dtype=float)
        color = arm_color(lab, i)
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=y,
                name=lab,
                mode=_curve_mode(y),
                line=dict(color=color, width=1.5),
                marker=dict(size=7, color=color),
            )
        )
    if hline is not None:
        x1 = max(float(steps[-1]) if len(steps) else 1.0, 2.0)
        _level(fig, 1, x1, hline[1], hline[0], PALETTE["muted"])
    _mark_blowups(fig, steps, values, labels, diverged_at)
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear", exponentformat="power")
    return _style(fig, height=height).update_layout(legend=LEGEND_ABOVE)


CLIPPED_COLOR = "#00e5ff"  # the clipped path: cyan reads on every colour of Viridis
ZOOM_STEPS = 1  # clipped steps drawn in the zoom (the next ones bounce back across the wall)


def _inside(points: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which (x, y) rows of ``points`` lie within the ranges of ``xs`` and ``ys``."""
    return (
        (xs[0] <= points[:, 0])
        & (points[:, 0] <= xs[-1])
        & (ys[0] <= points[:, 1])
        & (points[:, 1] <= ys[-1])
    )


def _to_border(start: np.ndarray, end: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Where the segment start -> end leaves the box of ``xs`` x ``ys`` (start inside)."""
    d = end - start
    reach = [1.0]
    for k, (lo, hi) in enumerate(((xs[0], xs[-1]), (ys[0], ys[-1]))):
        if d[k] > 0:
            reach.append((hi - start[k]) / d[k])
        elif d[k] < 0:
            reach.append((lo - start[k]) / d[k])
    return start + min(reach) * d


LABEL_BOX = dict(bgcolor="rgba(255,255,255,0.85)", borderpad=3, font=dict(color=PALETTE["ink"]))


def _arrow(
    fig: go.Figure, tail: np.ndarray, tip: np.ndarray, color: str, width: float = 2.5
) -> None:
    """An arrow in data coordinates (plotly puts an annotation's text at the tail: none here;
    an arrow added later is drawn on top)."""
    fig.add_annotation(
        x=float(tip[0]), y=float(tip[1]), ax=float(tail[0]), ay=float(tail[1]),
        xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
        arrowhead=2, arrowsize=1.2, arrowwidth=width, arrowcolor=color,
    )  # fmt: skip


def _path(fig: go.Figure, points: np.ndarray, name: str, color: str) -> None:
    fig.add_trace(
        xy_trace(
            points,
            name,
            "lines+markers",
            line=dict(color=color, width=2.5),
            marker=dict(size=8, color=color),
            hovertemplate="w %{x:.4f}<br>b %{y:.4f}<extra>" + name + "</extra>",
        )
    )


def _start(fig: go.Figure, start: np.ndarray) -> None:
    marker = dict(size=16, symbol="star", color=PALETTE["neg"], line=dict(width=1))
    fig.add_trace(xy_trace(start, "start", marker=marker))


def _loss_map(ws, bs, loss, zmin, zmax, showscale: bool) -> go.Heatmap:
    return go.Heatmap(
        z=np.log10(loss + 1e-6),
        x=ws,
        y=bs,
        zmin=zmin,
        zmax=zmax,
        colorscale="Viridis",
        showscale=showscale,
        colorbar=dict(title="log<sub>10</sub> L"),
        hovertemplate="w %{x:.4f}<br>b %{y:.4f}<br>log<sub>10</sub> L %{z:.2f}<extra></extra>",
    )


def _log_range(cv) -> tuple[float, float]:
    z = np.log10(cv.loss + 1e-6)
    return float(z.min()), float(z.max())


def cliff_figure(cv, height: int = 440, wall: tuple | None = None) -> go.Figure:
    """The whole (w, b) plane of Pascanu's cliff (log10 loss; ``cv`` a
    dlcore.rnn.clipping.CliffView): both descents where they are on the map, the plain step as an
    arrow to the border when it lands off the map (with where it lands), and the zoom window
    (cliff_zoom_figure) framed around the start. ``wall``: (ws, bs) of starts on the wall a
    student can click (each marker carries its w)."""
    fig = go.Figure(_loss_map(cv.ws, cv.bs, cv.loss, *_log_range(cv), showscale=False))
    if wall is not None:
        fig.add_trace(
            go.Scatter(
                x=list(wall[0]),
                y=list(wall[1]),
                mode="markers",
                name="click a start on the wall",
                showlegend=False,  # the caption says it; a fourth entry wrapped onto the title
                customdata=[[w] for w in wall[0]],  # plain lists reach the selection as [w]
                marker=dict(
                    size=10, color="rgba(255,255,255,0.25)", line=dict(width=1.5, color="white")
                ),
                hovertemplate="start here: w = %{x:.2f}, b = %{y:.3f}<extra></extra>",
            )
        )
    plain, clipped = cv.path_plain, cv.path_clipped
    on_map = _inside(plain, cv.ws, cv.bs)
    on_map = np.logical_and.accumulate(on_map)  # the path up to where it first leaves the map
    _path(fig, plain[on_map], "no clipping", PALETTE["accent"])
    _path(fig, clipped[_inside(clipped, cv.ws, cv.bs)], "norm clipping", CLIPPED_COLOR)
    if not on_map[1]:
        tip = _to_border(plain[0], plain[1], cv.ws, cv.bs)
        _arrow(fig, plain[0], tip, PALETTE["accent"])
        fig.add_annotation(
            x=float(tip[0]), y=float(tip[1]), xref="x", yref="y", showarrow=False,
            xanchor="right", yanchor="top", xshift=-14, yshift=-4, **LABEL_BOX,
            text=f"plain step lands at ({plain[1, 0]:.1f}, {plain[1, 1]:.1f}),<br>"
            f"loss {cv.loss_plain[1]:,.0f}: off the map",
        )  # fmt: skip
    zw, zb = cv.zoom_ws, cv.zoom_bs
    fig.add_shape(
        type="rect", x0=zw[0], x1=zw[-1], y0=zb[0], y1=zb[-1],
        line=dict(color="white", width=2, dash="dot"),
    )  # fmt: skip
    _start(fig, cv.start)
    fig.update_xaxes(title="w (recurrent weight)", range=[cv.ws[0], cv.ws[-1]])
    fig.update_yaxes(title="b (bias)", range=[cv.bs[0], cv.bs[-1]])
    title = "The whole loss surface"
    return _style(fig, height=height, title=title).update_layout(legend=LEGEND_ABOVE)


def cliff_zoom_figure(cv, height: int = 440) -> go.Figure:
    """The window around the start (the dotted square of cliff_figure), where the clipped step
    (lr v long) can be seen: the clipped descent step by step, and the plain step as an arrow
    along -g that leaves the window (it is ||g|| / v times longer)."""
    fig = go.Figure(_loss_map(cv.zoom_ws, cv.zoom_bs, cv.zoom_loss, *_log_range(cv), True))
    first = cv.path_clipped[: ZOOM_STEPS + 1]
    clipped = first[np.logical_and.accumulate(_inside(first, cv.zoom_ws, cv.zoom_bs))]
    plain_len = float(np.linalg.norm(cv.path_plain[1] - cv.path_plain[0]))
    clip_len = float(np.linalg.norm(cv.path_clipped[1] - cv.path_clipped[0]))
    _path(fig, clipped, f"clipped step ({clip_len:.3g} long)", CLIPPED_COLOR)
    half = (cv.zoom_ws[-1] - cv.zoom_ws[0]) / 2
    way = -cv.grad / max(float(np.linalg.norm(cv.grad)), 1e-30)  # the plain step's direction
    tip = cv.start + 0.92 * half * way / np.abs(way).max()  # near the square's border
    _arrow(fig, cv.start, tip, PALETTE["accent"])
    ratio = plain_len / max(clip_len, 1e-30)
    fig.add_annotation(
        x=float(tip[0]), y=float(tip[1]), xref="x", yref="y", showarrow=False,
        xanchor="right" if way[0] > 0 else "left", yanchor="top" if way[1] > 0 else "bottom",
        xshift=-14 if way[0] > 0 else 14, **LABEL_BOX,
        text=f"plain step: {plain_len:,.1f} long ({ratio:,.0f} times the clipped one),"
        "<br>leaves this window",
    )  # fmt: skip
    if len(clipped) > 1:  # on top of the plain step's arrow: the same direction, shorter
        _arrow(fig, clipped[0], clipped[1], CLIPPED_COLOR, width=5)
    fig.add_annotation(
        x=0.99, y=0.02, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
        showarrow=False, **LABEL_BOX,
        text=f"clipped step (same direction): loss {cv.loss_clipped[0]:.3g} → "
        f"{cv.loss_clipped[1]:.3g}",
    )  # fmt: skip
    _start(fig, cv.start)
    fig.update_xaxes(title="w", range=[cv.zoom_ws[0], cv.zoom_ws[-1]])
    fig.update_yaxes(title="b", range=[cv.zoom_bs[0], cv.zoom_bs[-1]])
    zoom = (cv.ws[-1] - cv.ws[0]) / (cv.zoom_ws[-1] - cv.zoom_ws[0])
    title = f"Zoomed {zoom:,.0f} times around the start"
    return _style(fig, height=height, title=title).update_layout(legend=LEGEND_ABOVE)


def connectivity_figure(
    chars: Sequence[str],
    conn: np.ndarray,
    labels: Sequence[str],
    position: int,
    height: int = 240,
    offset: int = 0,
) -> go.Figure:
    """Rows = models, columns = characters (``chars`` from index ``offset`` of the text);
    colour = connectivity normalised per row, text = the character. The column of the predicting
    position is outlined; a click on a character selects it (an invisible marker per cell
    carries its index: plotly selects points, not heat-map cells)."""
    z = np.asarray(conn, dtype=float)
    z = z / np.maximum(z.max(axis=1, keepdims=True), 1e-30)
    text = np.array([[_show(c) for c in chars]] * len(labels))
    x = list(range(offset, offset + len(chars)))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=list(labels),
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=READABLE + 2),
            colorscale=[[0, "#ffffff"], [1, PALETTE["ok"]]],
            zmin=0,
            zmax=1,
            customdata=np.asarray(conn),
            colorbar=dict(title="rel."),
            hovertemplate="%{y}: char %{x} '%{text}'<br>‖∂ logit / ∂x<sub>i</sub>‖ = "
            "%{customdata:.3g}"
            "<extra></extra>",
        )
    )
    fig.add_trace(_character_catcher(x, labels, chars, height))
    fig.add_vrect(x0=position - 0.5, x1=position + 0.5, line_color=PALETTE["accent"], line_width=2)
    fig.update_xaxes(showticklabels=False, range=[x[0] - 0.5, x[-1] + 0.5] if x else None)
    fig.update_yaxes(autorange="reversed")
    return _style(fig, height=height, legend=False)


def _character_catcher(
    x: Sequence[int], labels: Sequence[str], chars: Sequence[str], height: int
) -> go.Scatter:
    """Invisible square markers on every character of every row, each carrying the character's
    index in the text: a click selects one (the sentence view moves the position there)."""
    cols, rows = np.meshgrid(np.asarray(x), np.arange(len(labels)))
    cell = min((PLOT_WIDTH - 90) / max(len(x), 1), (height - 60) / max(len(labels), 1))
    size = float(np.clip(0.9 * cell, 6, 40))  # within its cell: a click picks that character
    shown = [_show(c) for c in chars]
    return go.Scatter(
        x=cols.ravel(),
        y=[labels[r] for r in rows.ravel()],
        mode="markers",
        # plain lists: a typed array reaches Streamlit's selection as {"0": i}
        customdata=[[int(c)] for c in cols.ravel()],
        text=[f"'{shown[c - x[0]]}' (#{c}): click to predict after it" for c in cols.ravel()],
        hovertemplate="%{text}<extra></extra>",
        marker=dict(symbol="square", size=size, color="rgba(0,0,0,0)"),
        showlegend=False,
        name="characters",
    )


def topk_figure(
    chars: Sequence[str], probs: np.ndarray, label: str, height: int = 220
) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[_show(c) for c in chars],
            y=probs,
            marker_color=arm_color(label, 0),
            hovertemplate="'%{x}': %{y:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 1], title="p(next char)")
    return _style(fig, height=height, title=label, legend=False)
