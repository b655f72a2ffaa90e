"""Figures for the NTM page (pages/ntm.py): arrays in, plotly figures out.

Addressing stages as linked bar charts, memory heatmaps (changed cells marked), the erase/add
before/after/difference view, the copy-task tape (input, target, output, write and read
weightings on one time axis), training curves with the chance level, and length generalisation.
Lecture slides "Neural Turing Machine" / "Addressing" / "NTM vs. LSTM: Copy task".
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.viz import raster as R
from dlcore.viz.common import (
    CATEGORICAL,
    DIVERGING,
    PALETTE,
    SERIES,
    heatmap,
    line_chart,
    room,
    style,
    xy_trace,
)

BITS_SCALE = [[0.0, "#ffffff"], [1.0, PALETTE["ink"]]]
WEIGHT_SCALE = [[0.0, "#ffffff"], [1.0, SERIES["NTM"]]]
STAGES = (
    ("w_c", "<b>1 content</b>  w_c(i) = softmax_i(β · cos(k, M(i)))"),
    ("w_g", "<b>2 interpolate</b>  w_g = g · w_c + (1 − g) · w_prev  (grey: w_prev)"),
    ("w_tilde", "<b>3 shift</b>  w̃(i) = Σ_j w_g(j) · s(i − j)"),
    ("w", "<b>4 sharpen</b>  w(i) = w̃(i)^γ / Σ_j w̃(j)^γ"),
)


def memory_figure(
    memory: np.ndarray,
    *,
    title: str | None = None,
    changed: np.ndarray | None = None,
    rows: dict[str, int] | None = None,
    height: int = 320,
) -> go.Figure:
    """Memory (N, M) heatmap: rows = locations i, columns = memory width; changed cells boxed,
    ``rows`` marks locations (e.g. {"write": 3, "read": 0}) with arrows on the left."""
    n, m = memory.shape
    fig = heatmap(
        memory,
        x=list(range(m)),
        y=list(range(n)),
        title=title,
        height=height,
        hover="location %{y}, column %{x}<br>M = %{z:.3f}",
    )
    if changed is not None and changed.any():
        yy, xx = np.nonzero(changed)
        fig.add_trace(
            go.Scatter(
                x=xx,
                y=yy,
                mode="markers",
                name="changed",
                marker=dict(
                    symbol="square-open", size=7, color=PALETTE["accent"], line=dict(width=1.5)
                ),
                hoverinfo="skip",
            )
        )
    for k, (label, row) in enumerate((rows or {}).items()):
        left = k % 2 == 0  # 1st label left of the map, 2nd right: never on top of each other
        fig.add_annotation(
            x=-0.6 if left else m - 0.4,
            y=row,
            xref="x",
            yref="y",
            text=f"{label} ▶" if left else f"◀ {label}",
            showarrow=False,
            xanchor="right" if left else "left",
            font=dict(color=CATEGORICAL[k], size=12),
        )
    fig.update_xaxes(title="memory column (M)")
    fig.update_yaxes(title="location i (N)", dtick=1 if n <= 16 else None)
    fig.update_layout(showlegend=False)
    # room for the axis titles, tick labels and colour bar (measured in the page): drawn once
    return room(fig, 80, 96, 44 if title else 14, 76)


def addressing_figure(result, w_prev: np.ndarray, *, height: int = 600) -> go.Figure:
    """The four weightings w_c -> w_g -> w_tilde -> w (2 x 2 grid, same location axis)."""
    n = len(result.w)
    locs = np.arange(n)
    traces = []
    for k, (name, _) in enumerate(STAGES):
        axes = dict(xaxis=f"x{k + 1 if k else ''}", yaxis=f"y{k + 1 if k else ''}")  # row-major
        vals = getattr(result, name)
        colors = [PALETTE["accent"] if i == int(np.argmax(vals)) else SERIES["NTM"] for i in locs]
        if name == "w_g":
            grey = dict(marker_color=PALETTE["grid"], name="w_prev", width=0.9)
            traces.append(go.Bar(x=locs, y=w_prev, **grey, **axes))
        bar = go.Bar(
            x=locs,
            y=vals,
            marker_color=colors,
            name=name,
            width=0.6,
            text=[f"{v:.2f}" for v in vals],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="location %{x}<br>" + name + " = %{y:.4f}<extra></extra>",
            **axes,
        )
        traces.append(bar)
    fig = go.Figure(data=traces, layout=copy.deepcopy(_addressing_layout(n, height)))
    return fig.update_layout(template=None)  # as style() set it (a dict's {} means the default)


@functools.lru_cache(maxsize=8)
def _addressing_layout(n: int, height: int) -> dict:
    """The 2 x 2 grid of addressing_figure without its bars: the same at every move of a slider
    (built once: make_subplots and styling its axes cost ~0.03 s, most of the figure's time)."""
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[t for _, t in STAGES],
        vertical_spacing=0.2,
        horizontal_spacing=0.07,
    )
    for k in range(len(STAGES)):
        row, col = k // 2 + 1, k % 2 + 1
        fig.update_xaxes(title="location i", dtick=1 if n <= 16 else None, row=row, col=col)
        fig.update_yaxes(range=[0, 1.2], title="weight" if col == 1 else None, row=row, col=col)
    fig.update_layout(barmode="overlay")
    fig.update_annotations(font_size=14)
    style(fig, height=height, legend=False)
    # room for the stage titles, tick labels and axis titles (measured in the page): drawn once
    return room(fig, 74, 12, 54, 70).layout.to_plotly_json()


def shift_figure(s: np.ndarray, shifts=(-1, 0, 1), *, height: int = 200) -> go.Figure:
    """The shift distribution s over the allowed integer shifts."""
    labels = [f"{k:+d}" if k else "0" for k in shifts]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=s,
            marker_color=SERIES["NTM"],
            text=[f"{v:.2f}" for v in s],
            textposition="outside",
        )
    )
    fig.update_xaxes(title="shift k (+1 moves the focus from i to i+1)")
    fig.update_yaxes(range=[0, 1.2], title="s(k)")
    return room(style(fig, height=height, legend=False), 74, 12, 14, 70)


def write_figure(result, w: np.ndarray, *, height: int = 330) -> go.Figure:
    """Erase/add sandbox: w, memory before, after and the difference (after - before)."""
    n = result.before.shape[0]
    lim = float(max(np.abs(result.before).max(), np.abs(result.after).max(), 1e-6))
    dlim = float(max(np.abs(result.diff).max(), 1e-6))
    fig = make_subplots(
        rows=1,
        cols=4,
        shared_yaxes=True,
        column_widths=[0.13, 0.29, 0.29, 0.29],
        subplot_titles=["w (write weighting)", "M before", "M after erase + add", "difference"],
    )
    fig.add_trace(
        go.Heatmap(
            z=w[:, None],
            colorscale=WEIGHT_SCALE,
            zmin=0,
            zmax=1,
            showscale=False,
            texttemplate="%{z:.2f}",
            hovertemplate="location %{y}<br>w = %{z:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for col, (z, zl) in enumerate(
        ((result.before, lim), (result.after, lim), (result.diff, dlim)), 2
    ):
        fig.add_trace(
            go.Heatmap(
                z=z,
                colorscale=DIVERGING,
                zmin=-zl,
                zmax=zl,
                showscale=col == 4,
                texttemplate="%{z:.2f}" if z.size <= 64 else None,
                hovertemplate="location %{y}, column %{x}<br>%{z:.3f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_yaxes(autorange="reversed", dtick=1 if n <= 16 else None)
    fig.update_yaxes(title="location i", row=1, col=1)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    style(fig, height=height, legend=False)
    return fig.update_layout(margin=dict(t=50))


def _answer(trace) -> np.ndarray:
    """The model's output probabilities, blank (NaN) before the answer phase."""
    out = np.full_like(trace.output, np.nan, dtype=float)
    out[trace.length + 1 :] = trace.output[trace.length + 1 :]
    return out


def _aligned_target(trace) -> np.ndarray:
    """Target placed on the tape's time axis (NaN during the input phase)."""
    out = np.full((trace.steps, trace.target.shape[1]), np.nan)
    out[trace.length + 1 :] = trace.target
    return out


def _stacked_maps(panels, hover: str, **spacing) -> go.Figure:
    """One heatmap of values in [0, 1] a row, from (title, z, colorscale) panels, on a shared
    x axis; row 0 of each map at the top."""
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[p[0] for p in panels],
        **spacing,
    )
    for r, (_, z, scale) in enumerate(panels, start=1):
        fig.add_trace(
            go.Heatmap(
                z=z,
                colorscale=scale,
                zmin=0,
                zmax=1,
                showscale=False,
                hovertemplate=hover + "<extra></extra>",
            ),
            row=r,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", row=r, col=1)
    return fig


def tape_figure(trace, t_sel: int | None = None, *, height: int | None = None) -> go.Figure:
    """Input / target / output bits and (for an NTM) write and read weightings on one time axis.

    The delimiter step is marked with a dashed line; ``t_sel`` highlights one column in every panel
    (``mark_step`` adds it to a tape drawn without it).
    """
    panels = [
        ("input (8 bits + delimiter row)", trace.inputs.T, BITS_SCALE),
        ("target", _aligned_target(trace).T, BITS_SCALE),
        (
            f"output, scored after the delimiter ({trace.bits_wrong:.0f} bits wrong)",
            _answer(trace).T,
            BITS_SCALE,
        ),
    ]
    if trace.write_w is not None:
        panels += [
            ("write weighting over locations", trace.write_w.T, WEIGHT_SCALE),
            ("read weighting over locations", trace.read_w.T, WEIGHT_SCALE),
        ]
    n_loc = trace.write_w.shape[1] if trace.write_w is not None else 0
    heights = [9, 8, 8] + ([n_loc / 2, n_loc / 2] if n_loc else [])
    hover = "t = %{x}<br>row %{y}<br>%{z:.2f}"
    fig = _stacked_maps(panels, hover, vertical_spacing=0.05, row_heights=heights)
    fig.update_yaxes(title="location", row=4, col=1) if n_loc else None
    delimiter = dict(type="line", x0=trace.delimiter, x1=trace.delimiter)
    dashed = dict(color=PALETTE["accent"], width=1, dash="dash")
    fig.update_layout(shapes=_in_every_panel(len(panels), delimiter, line=dashed))
    fig.update_xaxes(title="time step t (dashed line = delimiter)", row=len(panels), col=1)
    fig.update_annotations(font_size=12)
    style(fig, height=height or (520 if n_loc else 300), legend=False)
    # room for the tick labels, the y title "location" and the x title (measured in the page):
    # drawn once instead of measured and drawn again at every move of the time step
    room(fig, 80 if n_loc else 40, 10, 20, 76)
    return fig if t_sel is None else mark_step(fig, t_sel)


def mark_step(tape: go.Figure | dict, t_sel: int) -> go.Figure:
    """The tape (``tape_figure`` without a step, or its ``to_dict()``) with step ``t_sel`` boxed
    in every panel: a new figure, ``tape`` unchanged. Building the tape costs ~0.03 s on the
    server; a view keeps it and only boxes the step at each move of the time slider (~5 ms)."""
    spec = tape.to_dict() if isinstance(tape, go.Figure) else tape
    box = dict(type="rect", x0=t_sel - 0.5, x1=t_sel + 0.5, fillcolor="rgba(0,0,0,0)")
    boxes = _in_every_panel(len(spec["data"]), box, line=dict(color=PALETTE["accent"], width=2))
    layout = {**spec["layout"], "shapes": [*spec["layout"].get("shapes", ()), *boxes]}
    return go.Figure({"data": spec["data"], "layout": layout})


def _in_every_panel(rows: int, shape: dict, line: dict) -> list[dict]:
    """``shape`` (x in data units) spanning the full height of each of ``rows`` stacked panels,
    as add_vline / add_vrect place it, written out: those spend ~0.01 s a panel on the server."""
    out = []
    for r in range(1, rows + 1):
        k = "" if r == 1 else str(r)
        span = {"xref": f"x{k}", "yref": f"y{k} domain", "y0": 0, "y1": 1}
        out.append({**shape, **span, "line": dict(line)})
    return out


LIVE_SIZE = (1100, 430)  # width, height of the live frame (shown 1:1)


def _tape_panels(trace) -> list[tuple[str, np.ndarray, str]]:
    """(title, rows x time, colour) of the copy tape, as tape_figure stacks them."""
    ink = PALETTE["ink"]
    panels = [
        ("input (8 bits + delimiter row)", trace.inputs.T, ink),
        ("target", _aligned_target(trace).T, ink),
        (f"output ({trace.bits_wrong:.0f} bits wrong after the delimiter)", _answer(trace).T, ink),
    ]
    if trace.write_w is not None:
        panels += [
            ("write weighting over locations", trace.write_w.T, SERIES["NTM"]),
            ("read weighting over locations", trace.read_w.T, SERIES["NTM"]),
        ]
    return panels


def live_image(curves: dict, chance: float, trace, size: tuple[int, int] = LIVE_SIZE) -> np.ndarray:
    """One live frame while training (paused: curves_figure and tape_figure): bits wrong per
    sequence against sequences seen with the chance level, beside the copy tape of a fixed
    preview sequence (input, target, output, write and read weightings; red: the delimiter)."""
    w, h = size
    img, draw = R.canvas(w, h)
    split = int(w * 0.4)
    R.line_panel(
        draw,
        (0, 0, split, h),
        [(c.seen, c.bits, SERIES.get(n, PALETTE["ink"]), n) for n, c in curves.items()],
        [(chance, PALETTE["muted"], f"chance ({chance:.0f} bits)")],
        title="bits wrong per sequence (lengths 1-20) vs sequences seen",
    )
    panels = _tape_panels(trace)
    weights = [min(12.0, max(4.0, z.shape[0])) for _, z, _ in panels]  # bits stay readable
    top, gap = 0, 6
    avail = h - 16 - gap * (len(panels) - 1) - 18 * len(panels)
    for i, ((title, z, color), wt) in enumerate(zip(panels, weights)):
        ph = 18 + int(avail * wt / sum(weights))
        last = i == len(panels) - 1
        box = (split + 20, top, w - 4, top + ph + (16 if last else 0))
        labels = ("t = 0", f"t = {z.shape[1] - 1}") if last else ("", "")
        x0, y0, x1, y1 = R.heat_panel(
            img, draw, box, z, title, color=color, vmin=0.0, vmax=1.0, x_labels=labels
        )
        x_delim = x0 + (trace.delimiter + 0.5) * (x1 - x0) / max(1, z.shape[1])
        draw.line([(x_delim, y0), (x_delim, y1)], fill=PALETTE["accent"], width=1)
        top = box[3] + gap
    return np.asarray(img)


def curves_figure(
    curves: dict, chance: float, marker: tuple[float, float] | None = None
) -> go.Figure:
    """Bits wrong per sequence (lengths 1-20) against sequences seen, chance level dotted."""
    fig = line_chart(
        {name: (c.seen, c.bits) for name, c in curves.items()},
        x_title="sequences seen",
        y_title="bits wrong per sequence",
        hlines={f"chance ({chance:.0f} bits)": chance},
        height=300,
    )
    if not any(len(c.seen) for c in curves.values()):  # Train live before its first step
        fig.update_xaxes(range=[0, 1000])
        fig.update_yaxes(range=[0, 1.15 * chance])
        fig.add_annotation(
            x=500, y=0.5 * chance, text="No training yet: press Play or Step", showarrow=False
        )
    if marker is not None:
        dot = dict(size=12, color=PALETTE["accent"], symbol="diamond")
        fig.add_trace(xy_trace(marker, "checkpoint", marker=dot))
    return room(fig, 70, 26, 44, 70)  # the labels' and legend's room (measured): drawn once


def length_figure(result) -> go.Figure:
    """Grouped bars: bits wrong per sequence at each length for every model, chance as a line."""
    labels = [str(int(k)) for k in result.lengths]
    fig = go.Figure()
    for i, (name, bits) in enumerate(result.bits.items()):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=bits,
                name=name,
                marker_color=SERIES.get(name, CATEGORICAL[i]),
                text=[f"{b:.1f}" for b in bits],
                textposition="outside",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=result.chance,
            mode="lines+markers",
            name="chance (4 L)",
            line=dict(dash="dot", color=PALETTE["muted"]),
        )
    )
    fig.update_xaxes(title="sequence length L (trained on 1-20)", type="category")
    fig.update_yaxes(title="bits wrong per sequence")
    return style(fig, height=320)


def example_figure(traces: dict) -> go.Figure:
    """Target and each model's thresholded output for one sequence (bits x time)."""
    names = list(traces)
    first = traces[names[0]]
    rows = [("target", first.target.T, BITS_SCALE)] + [
        (
            f"{n} output ({t.bits_wrong:.0f} bits wrong)",
            (t.output[t.length + 1 :] > 0.5).T.astype(float),
            BITS_SCALE,
        )
        for n, t in traces.items()
    ]
    fig = _stacked_maps(rows, "vector %{x}, bit %{y}: %{z}", vertical_spacing=0.12)
    fig.update_yaxes(showticklabels=False)
    fig.update_xaxes(title="output vector", row=len(rows), col=1)
    fig.update_annotations(font_size=12)
    style(fig, height=110 + 80 * len(rows), legend=False)
    return fig.update_layout(margin=dict(t=40))


def head_table(trace, t: int) -> dict[str, list]:
    """The controller's addressing outputs at step t for both heads (a small table)."""
    rows = ["beta", "g", "s(-1)", "s(0)", "s(+1)", "gamma", "focus (argmax w)"]

    def col(params: dict, w: np.ndarray) -> list[str]:
        s = params["s"][t]
        vals = [params["beta"][t, 0], params["g"][t, 0], s[0], s[1], s[2], params["gamma"][t, 0]]
        return [f"{v:.2f}" for v in vals] + [str(int(w[t].argmax()))]

    return {
        "quantity": rows,
        "read head": col(trace.read_params, trace.read_w),
        "write head": col(trace.write_params, trace.write_w),
    }


def _vec(v: np.ndarray, digits: int = 2) -> str:
    """A vector as LaTeX: (0.12,\\ 0.80,\\ ...)."""
    return r"(" + r",\ ".join(f"{x:.{digits}f}" for x in np.asarray(v).ravel()) + r")"


def addressing_latex(result, beta: float, g: float, s: np.ndarray, gamma: float) -> list[str]:
    """The four stages of NTM addressing (Graves et al. 2014, eqs. 5-9; the lecture's "NTM:
    addressing" slides) as LaTeX lines, each with this run's numbers; the focus i* is where the
    final weighting is largest."""
    i = int(np.argmax(result.w))
    return [
        r"w^c_t(i) = \frac{\exp(\beta_t\, K[\mathbf{k}_t, \mathbf{M}_t(i)])}"
        r"{\sum_j \exp(\beta_t\, K[\mathbf{k}_t, \mathbf{M}_t(j)])}"
        rf"\quad \beta_t = {beta:g},\ K[\mathbf{{k}}, \mathbf{{M}}(i)] = {_vec(result.cosine)}",
        r"\mathbf{w}^g_t = g_t\, \mathbf{w}^c_t + (1 - g_t)\, \mathbf{w}_{t-1}"
        rf"\quad g_t = {g:g},\ \mathbf{{w}}^g_t = {_vec(result.w_g)}",
        r"\tilde w_t(i) = \sum_{j=0}^{N-1} w^g_t(j)\, s_t(i - j)"
        rf"\quad \mathbf{{s}}_t = (s(-1), s(0), s(+1)) = {_vec(s)}",
        r"w_t(i) = \frac{\tilde w_t(i)^{\gamma_t}}{\sum_j \tilde w_t(j)^{\gamma_t}}"
        rf"\quad \gamma_t = {gamma:g},\ w_t(i^*) = w_t({i}) = {result.w[i]:.3f}",
        r"\mathbf{r}_t = \sum_i w_t(i)\, \mathbf{M}_t(i) = " + _vec(result.read),
    ]


def write_latex(erase: np.ndarray, add: np.ndarray, focus: int, w_focus: float) -> list[str]:
    """The erase and add steps of an NTM write (Graves et al. 2014, eqs. 3-4) with this run's
    erase vector, add vector and the weight of the focused location."""
    return [
        r"\tilde{\mathbf{M}}_t(i) = \mathbf{M}_{t-1}(i)\,[\mathbf{1} - w_t(i)\,\mathbf{e}_t]"
        rf"\quad \mathbf{{e}}_t = {_vec(erase)}",
        r"\mathbf{M}_t(i) = \tilde{\mathbf{M}}_t(i) + w_t(i)\,\mathbf{a}_t"
        rf"\quad \mathbf{{a}}_t = {_vec(add)},\ w_t({focus}) = {w_focus:.2f}",
    ]
