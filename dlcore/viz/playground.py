"""Figures of the decision-boundary playground: numpy arrays in, RGB arrays / plotly figures out.

Live frames use RGB arrays (the output heatmap with its points, and the whole network with one
thumbnail per neuron) because an image costs a few milliseconds and ~25 KB per frame; the paused
page uses interactive plotly figures (click the plane to add a point, hover a link to read its
weight, click a neuron to enlarge its map). Colours: TF Playground's (orange -1, blue +1).
Page: pages/playground.py.
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


def _disc(radius: float) -> np.ndarray:
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    keep = dy * dy + dx * dx <= radius * radius
    return np.stack([dy[keep], dx[keep]], 1)  # (M, 2)


def _stamp(img: np.ndarray, py: np.ndarray, px: np.ndarray, colors: np.ndarray, radius: float):
    h, w = img.shape[:2]
    for dy, dx in _disc(radius):
        yy, xx = np.clip(py + dy, 0, h - 1), np.clip(px + dx, 0, w - 1)
        img[yy, xx] = colors


def point_colors(y: np.ndarray, n_classes: int) -> np.ndarray:
    """(N, 3) colours: class colours, or the diverging map for regression targets."""
    if n_classes == 0:
        return colormap_rgb(y[None, :], vmin=-1.0, vmax=1.0)[0].astype(np.float32)
    ids = (y > 0).astype(int) if n_classes == 2 else y.astype(int)
    return CLASS_RGB[ids]


class PointsLayer:
    """Train points (white ring) and test points (black ring) pre-rasterised for a square image
    of ``size`` pixels: computed once per dataset, pasted onto every frame."""

    def __init__(
        self, domain: float, train: tuple, test: tuple | None, n_classes: int, size: int
    ) -> None:
        img = np.zeros((size, size, 3), np.float32)
        mask = np.zeros((size, size, 3), np.float32)
        for part, ring in ((train, 255.0), (test, 0.0)):
            if part is None or len(part[0]) == 0:
                continue
            x, y = part
            px = np.rint((x[:, 0] + domain) / (2 * domain) * (size - 1)).astype(int)
            py = np.rint((domain - x[:, 1]) / (2 * domain) * (size - 1)).astype(int)
            for target, value in ((img, None), (mask, 1.0)):
                _stamp(
                    target, py, px, np.full(3, ring if value is None else value, np.float32), 3.2
                )
                _stamp(
                    target,
                    py,
                    px,
                    point_colors(y, n_classes) if value is None else np.ones(3, np.float32),
                    2.2,
                )
        self.size = size
        self.index = np.flatnonzero(mask.reshape(-1, 3)[:, 0] > 0)  # pixels covered by points
        self.colors = img.reshape(-1, 3)[self.index].astype(np.uint8)

    def paste(self, rgb: np.ndarray) -> np.ndarray:
        rgb.reshape(-1, 3)[self.index] = self.colors
        return rgb


def boundary_rgb(
    value: np.ndarray,
    probs: np.ndarray | None,
    points: PointsLayer,
    *,
    discretize: bool = False,
) -> np.ndarray:
    """The output heatmap (upscaled to the layer's size) with the points pasted on, uint8."""
    img = upscale(field_rgb(value, probs, discretize), max(1, points.size // value.shape[0]))
    if img.shape[0] != points.size:  # the grid does not divide the size: pad with the edge
        pad = points.size - img.shape[0]
        img = np.pad(img, ((0, pad), (0, pad), (0, 0)), mode="edge")
    return points.paste(np.ascontiguousarray(img))


_LAYERS: dict[tuple, PointsLayer] = {}


def points_layer(frame, show_test: bool, size: int = 300) -> PointsLayer:
    """The rasterised points of a frame's data, cached (the points do not move while training)."""
    x = frame.train[0]
    key = (id(x), x.shape, float(np.sum(x)), show_test, size)
    if key not in _LAYERS:
        if len(_LAYERS) > 32:
            _LAYERS.clear()
        _LAYERS[key] = PointsLayer(
            frame.domain, frame.train, frame.test if show_test else None, frame.n_classes, size
        )
    return _LAYERS[key]


def plane_image(frame, show_test: bool, discretize: bool) -> np.ndarray:
    """A live frame of the plane: output heatmap + points, as an RGB array."""
    return boundary_rgb(
        frame.value, frame.probs, points_layer(frame, show_test), discretize=discretize
    )


def plane_figure(frame, show_test: bool, discretize: bool) -> go.Figure:
    """The interactive plane of a frame (a 50 x 50 heatmap to click on, and the points)."""
    probs = None if frame.probs is None else frame.probs[::2, ::2]
    return boundary_figure(
        frame.value[::2, ::2],
        probs,
        frame.domain,
        frame.train,
        frame.test if show_test else None,
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
    for name, part, ring in (("train", train, "white"), ("test", test, "black")):
        if part is None or len(part[0]) == 0:
            continue
        x, y = part
        fig.add_trace(
            go.Scattergl(
                x=x[:, 0],
                y=x[:, 1],
                mode="markers",
                name=name,
                hoverinfo="skip",
                marker=dict(
                    size=7,
                    color=[_hex(c) for c in point_colors(y, n_classes)],
                    line=dict(color=ring, width=1),
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


class _NetGeometry:
    """Pixel geometry of a network image (node boxes, every link's pixels), built once per
    architecture so a live frame only recolours it."""

    def __init__(self, sizes: tuple[int, ...], cell: int, gap: int) -> None:
        self.W, self.H = len(sizes) * (cell + gap), max(sizes) * (cell + 14) + 10
        self.centres = _layout(list(sizes), self.W, self.H)
        ys, xs, link = [], [], []
        k = 0
        for li in range(len(sizes) - 1):
            a, b = self.centres[li], self.centres[li + 1]
            for i in range(sizes[li]):
                for j in range(sizes[li + 1]):
                    n = int(np.hypot(*(b[j] - a[i]))) + 1
                    t = np.linspace(0, 1, n)[:, None]
                    pts = np.rint(a[i] + (b[j] - a[i]) * t).astype(int)
                    xs.append(pts[:, 0])
                    ys.append(pts[:, 1])
                    link.append(np.full(n, k))
                    k += 1
        cat = (lambda v: np.concatenate(v)) if k else (lambda v: np.zeros(0, int))
        self.ys, self.xs, self.link = cat(ys), cat(xs), cat(link)
        # every link pixel shifted by each row offset of the thickest line: (10, P) flat indices
        self.dys = np.arange(-5, 5)[:, None]
        rows = np.clip(self.ys[None, :] + self.dys, 0, self.H - 1)
        self.flat = rows * self.W + np.clip(self.xs, 0, self.W - 1)[None, :]


_GEOMETRY: dict[tuple, _NetGeometry] = {}


def network_rgb(
    maps: list[np.ndarray],
    weights: tuple[np.ndarray, ...],
    *,
    cell: int = 32,
    gap: int = 90,
) -> np.ndarray:
    """Whole network as one image: a thumbnail per node (inputs, hidden, output), links with
    width ~ |w| (TF Playground: |w| 0..5 -> 1..10 px) and colour by sign (blue +, orange -).
    ``maps[l]`` is (n_l, g, g)."""
    sizes = tuple(m.shape[0] for m in maps)
    key = (sizes, cell, gap)
    if key not in _GEOMETRY:
        _GEOMETRY[key] = _NetGeometry(sizes, cell, gap)
    geo = _GEOMETRY[key]
    img = np.full((geo.H, geo.W, 3), 255, np.uint8)
    if len(geo.link):
        w = np.concatenate([np.nan_to_num(x).ravel() for x in weights])  # link order: i, then j
        thick = np.clip(np.rint(1 + np.abs(w) * 1.8), 1, 10).astype(int)
        alpha = np.minimum(1.0, 0.35 + np.abs(w) / 2)[:, None]
        color = 255 * (1 - alpha) + np.where(w[:, None] > 0, CLASS_RGB[1], CLASS_RGB[0]) * alpha
        color = color.astype(np.uint8)
        t_px, c_px = thick[geo.link], color[geo.link]  # (P,) per link pixel
        on = (-(t_px // 2) <= geo.dys) & (geo.dys < t_px - t_px // 2)  # (10, P) rows drawn
        r, c = np.nonzero(on)
        img.reshape(-1, 3)[geo.flat[r, c]] = c_px[c]
    for li, m in enumerate(maps):
        if not len(m):
            continue
        f = max(1, cell // m.shape[1])
        thumbs = np.repeat(np.repeat(_thumb(m), f, axis=1), f, axis=2)  # (n, cell, cell, 3)
        for k, t in enumerate(thumbs):
            cx, cy = geo.centres[li][k]
            y0, x0 = int(cy - t.shape[0] / 2), int(cx - t.shape[1] / 2)
            img[y0 - 1 : y0 + t.shape[0] + 1, x0 - 1 : x0 + t.shape[1] + 1] = 90
            img[y0 : y0 + t.shape[0], x0 : x0 + t.shape[1]] = t
    return img


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


def loss_rgb(
    epochs: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    width: int = 420,
    height: int = 120,
) -> np.ndarray:
    """The loss curves as a small RGB image for live frames (train grey, test black, TF style)."""
    img = np.full((height, width, 3), 255, np.uint8)
    img[-1], img[:, 0] = 200, 200  # axes
    e = np.asarray(epochs, float)
    ys = [np.asarray(train, float), np.asarray(test, float)]
    ok = np.isfinite(e) & np.isfinite(ys[0]) & np.isfinite(ys[1])
    if ok.sum() < 2:
        return img
    e, ys = e[ok], [y[ok] for y in ys]
    top = max(float(np.max(ys[0])), float(np.max(ys[1])), 1e-9)
    px = (e - e[0]) / max(e[-1] - e[0], 1e-9) * (width - 3) + 1
    for y, color in zip(ys, ((119, 119, 119), (0, 0, 0))):
        py = (1 - y / top) * (height - 4) + 1
        n = 2 * width
        t = np.linspace(0, len(px) - 1, n)
        xx = np.interp(t, np.arange(len(px)), px).astype(int)
        yy = np.interp(t, np.arange(len(py)), py).astype(int)
        for dy in (0, 1):
            img[np.clip(yy + dy, 0, height - 1), xx] = color
    return img


def live_rgb(frame, show_test: bool, discretize: bool) -> np.ndarray:
    """One live frame: the network (left) and the plane (right) with the loss strip under the
    network, as a single RGB array (one image to encode and send per frame)."""
    net = network_rgb(frame.maps, frame.snap.weights)
    plane = plane_image(frame, show_test, discretize)
    s = frame.snap
    loss = loss_rgb(s.curve_epoch, s.curve_train, s.curve_test, width=net.shape[1], height=90)
    h = max(net.shape[0] + loss.shape[0] + 6, plane.shape[0])
    out = np.full((h, net.shape[1] + 12 + plane.shape[1], 3), 255, np.uint8)
    out[: net.shape[0], : net.shape[1]] = net
    out[net.shape[0] + 6 : net.shape[0] + 6 + loss.shape[0], : loss.shape[1]] = loss
    out[: plane.shape[0], net.shape[1] + 12 :] = plane
    return out
