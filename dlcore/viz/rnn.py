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

from dlcore.viz.common import CATEGORICAL, PALETTE, SERIES, style

TITLES_TOP = 36  # px above the plot area for subplot titles (style's 10 px cut them off)
ARM_COLORS = {"no clipping": PALETTE["accent"], "with clipping": PALETTE["pos"]}


def arm_color(label: str, i: int) -> str:
    """The colour of a cell or run (RNN, LSTM, GRU; no clipping, with clipping), else the i-th
    categorical colour."""
    return SERIES.get(label, ARM_COLORS.get(label, CATEGORICAL[i % len(CATEGORICAL)]))


def positive(a: np.ndarray) -> np.ndarray:
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
                y=positive(f),
                name=label,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=arm_color(label, i), width=2),
            )
        )
    if bound is not None:
        fig.add_trace(
            go.Scatter(
                x=t,
                y=positive(bound),
                name="bound (lambda_1 gamma)^(T-1-t)",
                mode="lines",
                line=dict(color=arm_color("RNN", 0), dash="dash"),
            )
        )
    fig.update_xaxes(title="time step t (the loss is at the last step)")
    fig.update_yaxes(title="||dL/dh_t||", type="log", exponentformat="power")
    return style(fig, height=height).update_layout(legend=dict(orientation="h", y=1.15))


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
                colorbar=dict(title="log10"),
                hovertemplate="t %{x}<br>training step %{y}<br>log10 norm %{z:.2f}<extra></extra>",
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
    return style(fig, height=height, legend=False).update_layout(margin=dict(t=TITLES_TOP))


def regime_figure(lambda_1: float, gamma: float, height: int = 200) -> go.Figure:
    """lambda_1 on an axis: vanishing guaranteed (< 1/gamma) or exploding possible (>= 1/gamma)."""
    fig = go.Figure()
    rows = [("gamma = 1 (tanh, ReLU, linear)", 1.0), ("gamma = 1/4 (sigmoid)", 0.25)]
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
                y=positive(np.abs(comps[:, i])),
                name=f"|component {i + 1}| ~ |{eigvals[i]:.2f}|^t",
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
    return style(fig, height=440).update_layout(legend=below, margin=dict(t=TITLES_TOP, b=90))


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
                y=positive(y),
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
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=positive(losses[i]),
                name=lab,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=arm_color(lab, i), width=2),
            )
        )
    x1 = max(float(steps[-1]) if len(steps) else 1.0, 1.0)
    _level(fig, 0, x1, baseline, f"no-memory baseline {baseline:.3f}", PALETTE["muted"])
    _level(fig, 0, x1, solved, f"solved < {solved:g}", PALETTE["ok"])
    _mark_blowups(fig, steps, losses, labels, diverged_at)
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title=f"held-out {metric}", type="log", exponentformat="power")
    return style(fig, height=height).update_layout(legend=LEGEND_ABOVE)


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
            marker_color=arm_color(label, 0),
            hovertemplate="'%{x}': %{y:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 1], title="p(next char)")
    return style(fig, height=height, title=label, legend=False)
