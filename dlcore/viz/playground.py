"""Figures of the decision-boundary playground: numpy arrays in, RGB arrays / plotly figures out.

The paused page uses interactive plotly figures (click the plane to add a point, hover a link to
read its weight, click a neuron to enlarge its map); live frames are drawn by the browser from
dlcore/viz/playground_live.py's numbers, with this module's colour tables. Colours: TF
Playground's (orange -1, blue +1). Page: pages/playground.py.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from dlcore.viz.common import (
    CATEGORICAL,
    DIVERGING,
    PALETTE,
    colormap_rgb,
    style,
    upscale,
)

CLASS_RGB = np.array([[245, 147, 34], [8, 119, 189], [0, 158, 115]], dtype=np.float32)
CLASS_HEX = (CATEGORICAL[0], CATEGORICAL[1], CATEGORICAL[2])
BG_LIGHTEN = 0.3  # the background is paler than the points so they stay visible


def _lighten(rgb: np.ndarray, amount: float = BG_LIGHTEN) -> np.ndarray:
    return rgb * (1 - amount) + 255 * amount


def _lut(lighten: float) -> np.ndarray:
    ramp = np.linspace(-1.0, 1.0, 256)[None, :]
    return _lighten(colormap_rgb(ramp, vmin=-1.0, vmax=1.0)[0].astype(np.float32), lighten)


LUT = _lut(BG_LIGHTEN).astype(np.uint8)  # (256, 3): value in [-1, 1] -> pale background colour
LUT_THUMB = _lut(0.1).astype(np.uint8)


def lut_rgb(value: np.ndarray, lut: np.ndarray = LUT) -> np.ndarray:
    """Fast diverging colour map for values in [-1, 1] (NaN -> grey, as TF Playground)."""
    v = np.nan_to_num(np.asarray(value, dtype=np.float32), nan=0.0)
    idx = np.clip((v + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    rgb = lut[idx]
    if not np.all(np.isfinite(value)):
        rgb[~np.isfinite(value)] = 160
    return rgb


def field_rgb(value: np.ndarray, probs: np.ndarray | None, discretize: bool) -> np.ndarray:
    """Colour the output over the plane: (G, G) values in [-1, 1] or (G, G, K) class probs."""
    if probs is not None:
        p = np.eye(probs.shape[-1])[probs.argmax(-1)] if discretize else np.nan_to_num(probs)
        return _lighten(p @ CLASS_RGB[: p.shape[-1]]).astype(np.uint8)
    return lut_rgb(np.sign(value) if discretize else value)


TRAIN_RING_PALE = 77  # grey level of the ring of a training point whose colour is pale: a
# regression target near 0 is drawn white, and a white ring on the pale plane made it vanish (the
# lecture's XOR showed 2 of its 4 points); other training points keep TF Playground's white ring,
# test points a black one
PALE_TARGET = 0.3  # |target| under this is drawn nearly white
FEW_POINTS = 20  # a set this small (the lecture's XOR) gets big markers


def ring_grey(y: np.ndarray, n_classes: int, test: bool) -> np.ndarray:
    """(N,) uint8 grey levels (0 black .. 255 white) of the points' rings: test black; training
    white, or dark grey for a regression target near 0 (a pale point)."""
    if test:
        return np.zeros(len(y), np.uint8)
    pale = np.abs(y) < PALE_TARGET if n_classes == 0 else np.zeros(len(y), bool)
    return np.where(pale, TRAIN_RING_PALE, 255).astype(np.uint8)


def marker_size(n_points: int) -> int:
    """Plotly marker size (px) of the plane's points: large for a handful of points."""
    return 16 if n_points <= FEW_POINTS else 7


def point_colors(y: np.ndarray, n_classes: int) -> np.ndarray:
    """(N, 3) colours: class colours, or the diverging map for regression targets."""
    if n_classes == 0:
        return colormap_rgb(y[None, :], vmin=-1.0, vmax=1.0)[0].astype(np.float32)
    ids = (y > 0).astype(int) if n_classes == 2 else y.astype(int)
    return CLASS_RGB[ids]


def plane_figure(frame, show_test: bool, discretize: bool) -> go.Figure:
    """The interactive plane of a frame (a 50 x 50 heatmap to click on, and the points)."""
    test = frame.test if show_test and frame.test[0] is not frame.train[0] else None
    probs = None if frame.probs is None else frame.probs[::2, ::2]
    return boundary_figure(
        frame.value[::2, ::2],
        probs,
        frame.domain,
        frame.train,
        test,
        frame.n_classes,
        discretize=discretize,
    )


def png_uri(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


# ----------------------------------------------------------------------------- plane (plotly)
def boundary_figure(
    value: np.ndarray,
    probs: np.ndarray | None,
    domain: float,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None,
    n_classes: int,
    *,
    discretize: bool = False,
    height: int = 420,
) -> go.Figure:
    """Interactive plane: the output as a heatmap (click a cell = its x1, x2) and the points."""
    g = value.shape[0]
    xs = np.linspace(-domain, domain, g)
    z = np.sign(value) if discretize else value
    fig = go.Figure()
    if probs is not None:  # 3 classes: the coloured picture as background, heatmap for clicks
        fig.add_layout_image(
            source=png_uri(field_rgb(value, probs, discretize)),
            x=-domain,
            y=domain,
            sizex=2 * domain,
            sizey=2 * domain,
            xref="x",
            yref="y",
            sizing="stretch",
            layer="below",
        )
    fig.add_trace(
        go.Heatmap(
            z=z[::-1],
            x=xs,
            y=xs,
            zmin=-1,
            zmax=1,
            colorscale=DIVERGING,
            opacity=0.0 if probs is not None else 0.75,
            showscale=False,
            hoverinfo="skip",
        )
    )
    # click catcher: plotly selects scatter points (not heatmap cells) on click, so an invisible
    # 30 x 30 grid of markers turns a click into (x1, x2), with the output in the hover text
    gx = np.linspace(-domain, domain, 30)
    ga, gb = np.meshgrid(gx, gx)
    ii = np.clip(np.rint((domain - gb) / (2 * domain) * (g - 1)).astype(int), 0, g - 1)
    jj = np.clip(np.rint((ga + domain) / (2 * domain) * (g - 1)).astype(int), 0, g - 1)
    fig.add_trace(
        go.Scatter(
            x=ga.ravel(),
            y=gb.ravel(),
            mode="markers",
            name="click",
            customdata=value[ii, jj].ravel(),
            marker=dict(size=11, color="rgba(0,0,0,0)"),
            showlegend=False,
            hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>output %{customdata:.3f}"
            "<br>click: add a point<extra></extra>",
        )
    )
    n_shown = sum(len(part[0]) for part in (train, test) if part is not None)
    for name, part in (("train", train), ("test", test)):
        if part is None or len(part[0]) == 0:
            continue
        x, y = part
        grey = ring_grey(y, n_classes, name == "test")
        fig.add_trace(
            go.Scattergl(
                x=x[:, 0],
                y=x[:, 1],
                mode="markers",
                name=name,
                hoverinfo="skip",
                marker=dict(
                    size=marker_size(n_shown),
                    color=[_hex(c) for c in point_colors(y, n_classes)],
                    line=dict(color=[_hex(np.full(3, g)) for g in grey], width=1.5),
                ),
            )
        )
    fig.update_xaxes(range=[-domain, domain], title="x1", constrain="domain", showgrid=False)
    fig.update_yaxes(
        range=[-domain, domain], title="x2", scaleanchor="x", constrain="domain", showgrid=False
    )
    style(fig, height=height, legend=False)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(rgb, 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


# ----------------------------------------------------------------------------- network
def _layout(sizes: list[int], width: float, height: float) -> list[np.ndarray]:
    """(x, y) centre of every node, one column per layer."""
    cols = []
    for i, n in enumerate(sizes):
        x = width * (i + 0.5) / len(sizes)
        ys = height * (np.arange(n) + 0.5) / max(sizes)
        cols.append(np.stack([np.full(n, x), ys + height * (max(sizes) - n) / (2 * max(sizes))], 1))
    return cols


def _thumb(m: np.ndarray) -> np.ndarray:
    return lut_rgb(m, LUT_THUMB)


def network_figure(
    maps: list[np.ndarray],
    weights: tuple[np.ndarray, ...],
    biases: tuple[np.ndarray, ...],
    labels: list[str],
    *,
    height: int = 360,
) -> go.Figure:
    """Interactive network: thumbnails as images, hover a link's midpoint or a node to read its
    weight or bias, click a node (customdata = [layer, index]) to enlarge its map."""
    sizes = [m.shape[0] for m in maps]
    W, H = len(sizes) * 2.2, max(max(sizes), 2) * 1.0  # wide columns: links stay readable
    centres = _layout(sizes, W, H)
    fig = go.Figure()
    for sign, color in ((1, PALETTE["pos"]), (-1, PALETTE["neg"])):
        for lo, hi, width in ((0, 0.5, 1), (0.5, 1.5, 2.5), (1.5, 3, 4.5), (3, np.inf, 7)):
            xs, ys = [], []
            for li, w in enumerate(weights):
                a, b = centres[li], centres[li + 1]
                i, j = np.nonzero((np.sign(w) == sign) & (np.abs(w) >= lo) & (np.abs(w) < hi))
                for ii, jj in zip(i, j):
                    xs += [a[ii, 0], b[jj, 0], None]
                    ys += [a[ii, 1], b[jj, 1], None]
            if xs:
                fig.add_trace(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        mode="lines",
                        hoverinfo="skip",
                        line=dict(color=color, width=width),
                        opacity=0.7,
                    )
                )
    mx, my, mtext = [], [], []
    for li, w in enumerate(weights):
        a, b = centres[li], centres[li + 1]
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                mid = 0.55 * a[i] + 0.45 * b[j]
                mx.append(mid[0])
                my.append(mid[1])
                mtext.append(
                    f"Weight is {w[i, j]:.3f}<br>{_node(labels, li, i)} → "
                    f"{_node(labels, li + 1, j)}"
                )
    fig.add_trace(
        go.Scatter(
            x=mx,
            y=my,
            mode="markers",
            text=mtext,
            hoverinfo="text",
            marker=dict(size=9, color="rgba(0,0,0,0.02)"),
        )
    )
    half = 0.3
    nx, ny, ntext, ncustom = [], [], [], []
    for li, m in enumerate(maps):
        for k in range(m.shape[0]):
            cx, cy = centres[li][k]
            fig.add_layout_image(
                source=png_uri(upscale(_thumb(m[k]), 2)),
                x=cx - half,
                y=cy - half,
                sizex=2 * half,
                sizey=2 * half,
                xref="x",
                yref="y",
                sizing="stretch",
                layer="above",
            )
            bias = f"<br>bias is {biases[li - 1][k]:.3f}" if li > 0 else ""
            nx.append(cx)
            ny.append(cy)
            ntext.append(f"{_node(labels, li, k)}{bias}<br>click to enlarge")
            ncustom.append([li, k])
    fig.add_trace(
        go.Scatter(
            x=nx,
            y=ny,
            mode="markers",
            text=ntext,
            hoverinfo="text",
            customdata=ncustom,
            marker=dict(size=34, symbol="square", color="rgba(0,0,0,0.01)"),
        )
    )
    fig.update_xaxes(visible=False, range=[0, W], constrain="domain")
    fig.update_yaxes(visible=False, range=[H, 0], scaleanchor="x", constrain="domain")
    for li in range(len(sizes)):
        name = "input" if li == 0 else ("output" if li == len(sizes) - 1 else f"layer {li}")
        fig.add_annotation(
            x=W * (li + 0.5) / len(sizes),
            y=-0.05,
            yref="paper",
            text=name,
            showarrow=False,
            font=dict(size=11),
        )
    style(fig, height=height, legend=False)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def _node(labels: list[str], layer: int, k: int) -> str:
    if layer == 0:
        return labels[k] if k < len(labels) else f"input {k + 1}"
    return f"neuron {layer}.{k + 1}"


# ----------------------------------------------------------------------------- charts
def _thin(x: np.ndarray, *ys: np.ndarray, n: int = 400):
    idx = np.unique(np.linspace(0, len(x) - 1, min(len(x), n)).astype(int)) if len(x) else []
    return (x[idx], *(y[idx] for y in ys))


def loss_figure(
    epochs: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    best_epoch: float = float("nan"),
    height: int = 220,
    log_y: bool = False,
    accuracy: np.ndarray | None = None,
) -> go.Figure:
    """Train (grey) and test (black) loss per epoch, TF Playground style; early stopping marked;
    the test accuracy (dashed green, right axis) when given (classification)."""
    e, tr, te = _thin(np.asarray(epochs), np.asarray(train), np.asarray(test))
    fig = go.Figure()
    acc = None if accuracy is None else np.asarray(accuracy, float)
    if acc is not None and len(acc) == len(epochs) and np.isfinite(acc).any():
        ea, acc = _thin(np.asarray(epochs), acc)
        fig.add_trace(
            go.Scatter(
                x=ea,
                y=acc,
                name="test accuracy",
                mode="lines",
                yaxis="y2",
                line=dict(color=CATEGORICAL[2], width=2, dash="dash"),
            )
        )
        fig.update_layout(
            yaxis2=dict(
                title="accuracy", overlaying="y", side="right", range=[0, 1.02], tickformat=".0%"
            )
        )
    fig.add_trace(
        go.Scatter(x=e, y=tr, name="train loss", mode="lines", line=dict(color="#777777", width=2))
    )
    fig.add_trace(
        go.Scatter(x=e, y=te, name="test loss", mode="lines", line=dict(color="#000000", width=2))
    )
    if np.isfinite(best_epoch):
        fig.add_vline(
            x=best_epoch,
            line_dash="dash",
            line_color=PALETTE["accent"],
            annotation_text=f"early stop: best epoch {best_epoch:.0f}",
            annotation_position="top right",
        )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="loss", type="log" if log_y else "linear", rangemode="tozero")
    return style(fig, height=height)


def hidden_figure(hs, n_classes: int, height: int = 360) -> go.Figure:
    """The data in the last hidden layer's coordinates (with the output unit's line if exact).

    ``hs``: a ``dlcore.playground.analysis.HiddenSpace`` (z (N, 2), classes, method, line).
    """
    z, classes, method, line = hs.z, hs.classes, hs.method, hs.line
    fig = go.Figure()
    if n_classes:
        for c in range(max(2, n_classes)):
            sel = classes == c
            fig.add_trace(
                go.Scattergl(
                    x=z[sel, 0],
                    y=z[sel, 1],
                    mode="markers",
                    name=f"class {c}",
                    marker=dict(size=6, color=CLASS_HEX[c], line=dict(width=0.5, color="white")),
                )
            )
    else:
        fig.add_trace(
            go.Scattergl(
                x=z[:, 0],
                y=z[:, 1],
                mode="markers",
                name="target",
                marker=dict(size=6, color=classes, colorscale=DIVERGING, cmin=-1, cmax=1),
            )
        )
    if line is not None:
        w1, w2, b = line
        lo, hi = float(z[:, 0].min()) - 0.1, float(z[:, 0].max()) + 0.1
        if abs(w2) > 1e-9:
            xs = np.array([lo, hi])
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=-(w1 * xs + b) / w2,
                    mode="lines",
                    name="output = 0",
                    line=dict(color="black", dash="dash"),
                )
            )
        fig.update_yaxes(range=[float(z[:, 1].min()) - 0.1, float(z[:, 1].max()) + 0.1])
    axis = {
        "units": ("h1", "h2"),
        "pca": ("PC 1", "PC 2"),
        "unit+zero": ("h1", ""),
        "input": ("feature 1", "feature 2"),
    }[method]
    fig.update_xaxes(title=axis[0])
    fig.update_yaxes(title=axis[1])
    return style(fig, height=height)


def regions_rgb(region_id: np.ndarray, size: int = 300) -> np.ndarray:
    """Each linear region in its own colour (a fixed pseudo-random palette)."""
    rng = np.random.default_rng(7)
    colors = rng.uniform(60, 245, (int(region_id.max()) + 1, 3))
    img = colors[region_id]
    f = max(1, size // region_id.shape[0])
    return upscale(img, f).astype(np.uint8)


def uat_figure(
    x: np.ndarray,
    target: np.ndarray,
    fit: np.ndarray,
    contributions: np.ndarray,
    bias: float,
    height: int = 420,
) -> go.Figure:
    """Target and fit on top; every hidden unit's contribution w_j h_j(x) drawn underneath."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x, y=target, name="target f(x)", mode="lines", line=dict(color="black", width=3)
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=fit,
            name="network",
            mode="lines",
            line=dict(color=PALETTE["accent"], width=2, dash="dash"),
        )
    )
    for j, c in enumerate(contributions):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=c,
                mode="lines",
                name=f"unit {j + 1}",
                showlegend=False,
                yaxis="y2",
                line=dict(width=1.2, color=CATEGORICAL[j % len(CATEGORICAL)]),
                hovertemplate=f"unit {j + 1}: %{{y:.3f}}<extra></extra>",
            )
        )
    style(fig, height=height)
    fig.update_layout(
        yaxis=dict(domain=[0.45, 1.0], title="f(x)"),
        yaxis2=dict(domain=[0.0, 0.38], title="w_j h_j(x)", anchor="x"),
        xaxis=dict(title="x", anchor="y2"),
    )
    fig.add_annotation(
        text=f"output bias b = {bias:.3f}",
        xref="paper",
        yref="paper",
        x=1,
        y=0.4,
        showarrow=False,
        font=dict(size=11),
    )
    return fig


def bmatrix(a: np.ndarray) -> str:
    """A numpy array as a LaTeX bmatrix (for the XOR design-matrix walk-through)."""
    a = np.atleast_2d(a)
    rows = [" & ".join(f"{v:g}" for v in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def xor_latex(s) -> str:
    """The lecture's design-matrix walk-through X -> XW -> XW + c -> ReLU -> times w (XorSteps)."""
    return (
        rf"X={bmatrix(s.X)}\;XW={bmatrix(s.XW)}\;XW+c={bmatrix(s.XW_c)}"
        rf"\;\max\{{0,\cdot\}}={bmatrix(s.relu)}\;\cdot w={bmatrix(s.out[:, None])}"
    )
