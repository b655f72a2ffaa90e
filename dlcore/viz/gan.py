"""Figures for the GAN page: the layered 2-D view (GAN Lab's canvas), D vs D*, loss and quality
curves, mode-coverage bars, digit grids. Arrays in, plotly figures or RGB arrays out.

Colours: real samples and "D says real" are blue, fake samples and "D says fake" orange (the
app's palette); D(x) = 1/2 is white; every curve has a colour of its own (COLORS). A live frame
is one raster: the plane with its curves beside it (live_image), or the digits GAN's two grids
with its curves under them (digits_frame); when paused the same numbers are interactive plotly
figures. Page: pages/gan.py.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from dlcore.gan.plane import N_METRIC
from dlcore.gan.targets import PLANE_EXTENT
from dlcore.viz.common import (
    DIVERGING,
    PALETTE,
    SERIES,
    colormap_rgb,
    disc_offsets,
    figure,
    image_grid,
    room,
    smooth_upscale,
    stamp,
    style,
    upscale,
    xy_trace,
)
from dlcore.viz.raster import dotted, font, hex_rgb, line_panel, png_data_url, text

REAL, FAKE = PALETTE["pos"], PALETTE["neg"]
MANIFOLD = "#555a64"
ARROW = "#d62728"
RGB = {
    k: hex_rgb(v).astype(np.uint8)
    for k, v in {"real": REAL, "fake": FAKE, "manifold": MANIFOLD, "arrow": ARROW}.items()
}
RIM = {"real": "#04415f", "fake": "#87510f"}  # darker rims: a dot stays visible on its colour
ARROW_LEN = 0.35  # plane units of the longest gradient arrow
LAYERS = ("heatmap", "manifold", "real", "fake", "grads")


def arrow_segments(x: np.ndarray, push: np.ndarray, max_len: float = ARROW_LEN) -> np.ndarray:
    """(N, 2, 2) segments from each sample along its push, the longest scaled to ``max_len``."""
    norm = float(np.linalg.norm(push, axis=1).max()) if len(push) else 0.0
    scaled = push * (max_len / norm) if norm > 0 else push * 0
    return np.stack([x, x + scaled], 1)


# ----------------------------------------------------------------------------- raster (live)
LIVE_SIZE = 480  # pixels of the live plane, shown 1:1 (no browser rescaling)
LIVE_QUALITY = 70  # JPEG quality of the live D vs D* pair
DIGIT_PX = 96  # screen pixels of a digit (64 was too small on a projector)
DIGITS_FRAME_W = 936  # the digits GAN's live frame: two grids of ~100 px digits, curves below


_DISC = disc_offsets(5)  # a dot: radius 2, 21 pixels
_RIM = disc_offsets(10)  # its dark rim, one pixel wider: a real dot stays visible where D says real
_BIG_DISC, _BIG_RIM = disc_offsets(8), disc_offsets(16)  # the paused picture's dots (radius 3, 4)


def _to_px(xy: np.ndarray, size: int) -> np.ndarray:
    lo, hi = PLANE_EXTENT
    px = (xy - lo) / (hi - lo) * (size - 1)
    return np.stack([px[..., 0], size - 1 - px[..., 1]], -1)  # (col, row), y up


def _dots(img: np.ndarray, xy: np.ndarray, color: np.ndarray, dots: tuple = (_RIM, _DISC)) -> None:
    """Filled dots of radius 2 with a darker rim at every point, all at once: (N, 21) pixels
    by broadcasting (a blue dot on the blue of a confident D was invisible without its rim)."""
    xy = xy[np.isfinite(xy).all(1)]  # a diverged G's NaN samples are not drawn
    centres = np.rint(_to_px(xy, img.shape[0])).astype(np.int32)
    rim, disc = dots
    stamp(img, centres, rim, np.rint(0.55 * color).astype(np.uint8))
    stamp(img, centres, disc, color)


def _polylines(img: np.ndarray, lines: np.ndarray, color: np.ndarray, alpha: float) -> None:
    """Draw (L, P, 2) polylines by densely sampling each segment (blended into uint8 ``img``)."""
    size = img.shape[0]
    px = _to_px(lines, size)  # (L, P, 2)
    t = np.linspace(0, 1, 12, dtype=np.float32)[:, None]
    seg = px[:, :-1, None, :] * (1 - t) + px[:, 1:, None, :] * t  # (L, P-1, 12, 2)
    pts = seg.reshape(-1, 2)
    pts = np.rint(pts[np.isfinite(pts).all(1)]).astype(np.int32)
    pts = pts[((pts >= 0) & (pts < size)).all(1)]
    old = img[pts[:, 1], pts[:, 0]].astype(np.float32)
    img[pts[:, 1], pts[:, 0]] = np.rint((1 - alpha) * old + alpha * color).astype(np.uint8)


def d_colors(d: np.ndarray) -> np.ndarray:
    """D(x) in [0, 1] -> RGB: orange (fake) - white (1/2) - blue (real)."""
    return colormap_rgb(np.asarray(d, float) - 0.5, signed=True, vmin=-0.5, vmax=0.5)


def _heat_rgb(z: np.ndarray, size: int, smooth: bool = False) -> np.ndarray:
    """A [iy, ix] grid of D values as a size x size RGB image, row 0 = largest y: nearest grid
    cell of each pixel (fast, for live frames), or ``smooth``: the cells' colours blended
    bilinearly between their centres (as a browser scales plotly's heatmap)."""
    rgb = d_colors(np.asarray(z, float)[::-1])  # (R, R, 3) one colour a cell
    if smooth:
        return smooth_upscale(rgb, size)
    idx = np.arange(size) * rgb.shape[0] // size
    return rgb[idx[:, None], idx[None, :]]


def plane_image(
    snap, layers: set[str], size: int = LIVE_SIZE, *, smooth: bool = False
) -> np.ndarray:
    """The layered view as an RGB array (H, W, 3) uint8: fast frames while training; ``smooth``:
    the paused plane's picture (a bilinear heatmap, larger dots)."""
    if "heatmap" in layers:
        img = _heat_rgb(snap.heat, size, smooth)
    else:
        img = np.full((size, size, 3), 255, np.uint8)
    if "manifold" in layers:
        _polylines(img, snap.manifold, RGB["manifold"], 0.6)
    dots = (_BIG_RIM, _BIG_DISC) if smooth else (_RIM, _DISC)
    if "real" in layers:
        _dots(img, snap.real, RGB["real"], dots)
    if "fake" in layers:
        _dots(img, snap.fake, RGB["fake"], dots)
    if "grads" in layers:
        _polylines(img, arrow_segments(snap.fake[::5], snap.grads[::5]), RGB["arrow"], 0.9)
    return img


def dstar_image(heat: np.ndarray, dstar: np.ndarray, size: int = 200, gap: int = 10) -> np.ndarray:
    """Learned D(x) and the estimated optimal D*(x) side by side as one RGB raster (live)."""
    white = np.full((size, gap, 3), 255, np.uint8)
    return np.concatenate([_heat_rgb(heat, size), white, _heat_rgb(dstar, size)], 1)


# ----------------------------------------------------------------------------- raster curves (live)
CURVES_SIZE = (440, LIVE_SIZE)  # width, height of the curves column beside the live plane
FRAME_GAP = 16  # pixels between the plane and its curves in a live frame
_INK, _MUTED = PALETTE["ink"], PALETTE["muted"]
# one colour a series, never shared on the page (G loss and modes hit were both green)
COLORS = {
    "d_loss": SERIES["D"],
    "g_loss": SERIES["G"],
    "g_grad": "#7f3c8d",
    "js": _INK,
    "modes_hit": "#cc79a7",
    "coverage": REAL,
    "confidence": "#56b4e9",
    "class_entropy": "#e69f00",
}
LABELS = {
    "d_loss": "D loss",
    "g_loss": "G loss",
    "g_grad": "norm of G's gradient (log scale)",
    "js": "JS divergence (nats)",
    "modes_hit": "modes hit",
    "confidence": "judge confidence",
    "class_entropy": "class entropy",
}


SHORT = {  # the paused figure's legend: one line above a half-width chart
    "d_loss": "D loss",
    "g_loss": "G loss",
    "g_grad": "G's gradient",
    "js": "JS",
}


def _series(hist: dict, x: str, *names: str) -> list[tuple]:
    return [(hist[x], hist[name], COLORS[name], LABELS[name]) for name in names]


def curves_image(snap, size: tuple[int, int] = CURVES_SIZE) -> np.ndarray:
    """The curves beside the live plane, as one RGB raster, top to bottom (the paused view is
    curves_figure and coverage_figure): D and G losses with their D = 1/2 levels; the norm of
    G's gradient on a log scale (it vanishes when the minimax loss saturates); JS by grid with
    its noise floor and ln 2, modes hit on a right-hand scale; samples near each mode against
    the fair share."""
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    hist, cov = snap.hist, snap.coverage
    shares = (0.31, 0.24, 0.30) if cov is not None else (0.36, 0.28, 0.36)  # bars: the rest
    rows = [int(r) for r in (*np.cumsum((0.0, *shares)) * h, h)]
    line_panel(
        draw,
        (0, rows[0], w, rows[1]),
        _series(hist, "step", "d_loss", "g_loss"),
        [
            (snap.d_at_half, COLORS["d_loss"], ""),
            (snap.g_at_half, COLORS["g_loss"], "dotted: D = 1/2"),
        ],
    )
    line_panel(draw, (0, rows[1], w, rows[2]), _series(hist, "step", "g_grad"), [], log_y=True)
    area = line_panel(
        draw,
        (0, rows[2], w, rows[3]),
        _series(hist, "q_step", "js"),
        [(snap.js_floor, _MUTED, "noise floor"), (float(np.log(2)), _MUTED, "ln 2")],
        ylim=(0.0, 0.72),
    )
    if snap.n_modes:
        _modes_line(draw, area, hist, snap.n_modes)
    if cov is not None:
        _bars(draw, (0, rows[3], w - 4, rows[4]), cov.counts, N_METRIC)  # fair share of all
    return np.asarray(img)


def _modes_line(draw: ImageDraw.ImageDraw, area, hist: dict, n_modes: int) -> None:
    """Modes hit on its own 0..K scale over the JS panel (its label at the top right)."""
    x0, y0, x1, y1 = area
    q, m = hist["q_step"], hist["modes_hit"]
    if len(q) > 1:
        u = x0 + (q - q.min()) / max(q.max() - q.min(), 1) * (x1 - x0)
        v = y1 - m / (n_modes + 0.5) * (y1 - y0)
        draw.line(list(zip(u.tolist(), v.tolist())), fill=COLORS["modes_hit"], width=2)
    label = f"modes hit {int(m[-1]) if len(m) else 0}/{n_modes} (right scale)"
    after_js = x0 + draw.textlength(LABELS["js"], font=font()) + 14  # beside the JS legend
    text(draw, (after_js, y0 - 16), label, COLORS["modes_hit"])


def _bars(draw: ImageDraw.ImageDraw, box, counts: np.ndarray, total: float) -> None:
    """Samples within 3 std of each mode (bars) against the fair share total / K (dotted)."""
    x0, y0, x1, y1 = box[0] + 46, box[1] + 20, box[2], box[3] - 16
    k, top = len(counts), max(float(counts.max()), total / max(len(counts), 1)) * 1.1 or 1.0
    bw = (x1 - x0) / k
    for i, c in enumerate(counts):
        yy = y1 - c / top * (y1 - y0)
        draw.rectangle([x0 + i * bw + 1, yy, x0 + (i + 1) * bw - 1, y1], fill=COLORS["coverage"])
        if k <= 12 or i % 5 == 0:
            text(draw, (x0 + (i + 0.5) * bw, y1 + 2), str(i + 1), _MUTED, anchor="ma")
    fair = y1 - total / k / top * (y1 - y0)
    dotted(draw, x0, x1, fair, _INK)
    text(draw, (x0, box[1] + 2), "samples per mode (dotted: fair share)", _INK)


def live_image(snap, layers: set[str]) -> np.ndarray:
    """One live frame: the plane (LIVE_SIZE square) with its curves beside it, (H, W, 3); sent
    as a palette PNG (``LiveOut.png``): ~35 KB, sharper lines and text than a JPEG of ~85 KB
    (measured at 936 x 480)."""
    plane = plane_image(snap, layers, LIVE_SIZE)
    gap = np.full((LIVE_SIZE, FRAME_GAP, 3), 255, np.uint8)
    return np.concatenate([plane, gap, curves_image(snap)], 1)


def digits_curves_image(hist: dict, size: tuple[int, int] = (DIGITS_FRAME_W, 200)) -> np.ndarray:
    """The digits GAN's curves while training (paused: digits_curves_figure): D and G losses on
    the left, the judge's confidence and class entropy (1 = all ten digits) on the right."""
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    line_panel(draw, (0, 0, w // 2 - 8, h), _series(hist, "step", "d_loss", "g_loss"), [])
    judge = _series(hist, "j_step", "confidence", "class_entropy")
    line_panel(draw, (w // 2 + 8, 0, w, h), judge, [], ylim=(0.0, 1.05))
    return np.asarray(img)


def digits_frame(
    samples: np.ndarray, fixed: np.ndarray, hist: dict, *, curves: bool = True
) -> np.ndarray:
    """One live frame of the digits GAN: fresh samples and the fixed-noise grid side by side,
    each titled, the curves under them (digits_curves_image; ``curves=False``: the grids only,
    for the paused page, which draws the interactive curves)."""
    grids = [digit_grid(samples, ncols=4), digit_grid(fixed, ncols=4)]
    titles = ("fresh samples (new noise each frame)", "fixed noise (the same z every frame)")
    gh, gw = grids[0].shape[:2]
    width = max(DIGITS_FRAME_W, 2 * gw + FRAME_GAP)
    img = Image.new("RGB", (width, gh + 26 + (212 if curves else 0)), "white")
    draw = ImageDraw.Draw(img)
    for i, (grid, title) in enumerate(zip(grids, titles)):
        x = i * (gw + FRAME_GAP)
        text(draw, (x, 2), title, _INK, size=16)
        img.paste(Image.fromarray(grid), (x, 24))
    if curves:
        img.paste(Image.fromarray(digits_curves_image(hist, (width, 200))), (0, gh + 38))
    return np.asarray(img)


# ----------------------------------------------------------------------------- plotly (paused)
def _axes(fig: go.Figure, height: int) -> go.Figure:
    rng = list(PLANE_EXTENT)
    fig.update_xaxes(range=rng, constrain="domain", showgrid=False, zeroline=False)
    fig.update_yaxes(range=rng, scaleanchor="x", scaleratio=1, showgrid=False, zeroline=False)
    return style(fig, height=height)


def _segments_trace(segs: np.ndarray, name: str, color: str, width: float) -> go.Scatter:
    """Many line segments / polylines (K, P, 2) as one trace separated by None."""
    xs = np.concatenate([np.append(s[:, 0], np.nan) for s in segs]) if len(segs) else []
    ys = np.concatenate([np.append(s[:, 1], np.nan) for s in segs]) if len(segs) else []
    return go.Scatter(
        x=xs, y=ys, mode="lines", name=name, hoverinfo="skip", line=dict(color=color, width=width)
    )


def heat_trace(axis: np.ndarray, z: np.ndarray, name: str, showscale: bool = True) -> go.Heatmap:
    return go.Heatmap(
        x=axis,
        y=axis,
        z=z,
        zmin=0,
        zmax=1,
        colorscale=DIVERGING,
        name=name,
        showscale=showscale,
        colorbar=dict(title=name, len=0.8),
        hovertemplate="x=%{x:.2f}, y=%{y:.2f}<br>" + name + "=%{z:.2f}<extra></extra>",
    )


PLANE_PX = 480  # pixels of the paused plane's picture (the chart shows it at ~420 px)


def _dot_key(key: str, color: str) -> dict:
    rim = dict(width=1, color=RIM[key])
    return dict(mode="markers", marker=dict(size=7, color=color, line=rim))


KEY_MARKERS = {  # the legend's key of the layers baked into the plane's picture
    "manifold": dict(mode="lines", line=dict(color=MANIFOLD, width=1.5), name="G manifold"),
    "real": dict(_dot_key("real", REAL), name="real"),
    "fake": dict(_dot_key("fake", FAKE), name="fake"),
    "grads": dict(mode="lines", line=dict(color=ARROW, width=2), name="G gradient"),
}


def plane_figure(snap, layers: set[str], height: int = 460) -> go.Figure:
    """The same layers as the live frame (plane_image), paused: the picture itself on the axes
    (1,000 dots as SVG markers cost the browser ~0.15 s at every redraw), with the D(x) values
    on hover and their colour bar from an invisible heatmap over it, and a legend as the key."""
    picture = png_data_url(plane_image(snap, layers, PLANE_PX, smooth=True), colors=None)
    heat = [dict(x=snap.axis, y=snap.axis, z=snap.heat)] if "heatmap" in layers else []
    return _filled(_plane_skeleton(frozenset(layers), height), heat, picture=picture)


@functools.lru_cache(maxsize=64)
def _plane_skeleton(layers: frozenset[str], height: int) -> str:
    """plane_figure's axes, legend key and invisible heatmap, with no picture and no D values,
    as JSON (_filled): building it through plotly's setters costs ~20 ms, once per layer set."""
    lo, hi = PLANE_EXTENT
    picture = dict(
        source="", xref="x", yref="y", x=lo, y=hi, sizex=hi - lo, sizey=hi - lo,
        sizing="stretch", layer="below",
    )  # fmt: skip
    fig = go.Figure(layout=dict(images=[picture]))
    if "heatmap" in layers:
        fig.add_trace(heat_trace(np.zeros(0), np.zeros((0, 0)), "D(x)").update(opacity=0))
    for key in LAYERS[1:]:
        if key in layers:  # a key entry: no points of its own (they are in the picture)
            fig.add_trace(go.Scatter(x=[None], y=[None], hoverinfo="skip", **KEY_MARKERS[key]))
    fig.update_layout(legend=dict(itemclick=False, itemdoubleclick=False))
    return pio.to_json(room(_axes(fig, height), 50, 88, 46, 46), validate=False)


def _filled(skeleton: str, values: list[dict], *, picture: str | None = None) -> go.Figure:
    """A figure from a skeleton's JSON with the first traces' data set from ``values`` (in
    order) and its first layout image's ``picture``: plotly validates the whole spec at once
    (~3 ms), where adding traces and updating axes one by one resolves every property path
    again (~20-30 ms a figure, at each redraw of a paused chart)."""
    spec = json.loads(skeleton)  # a fresh copy: the cached text is never changed
    for trace, data in zip(spec["data"], values):
        trace.update(data)
    if picture is not None:
        spec["layout"]["images"][0]["source"] = picture
    layout = spec["layout"]
    if "template" in layout:  # style()'s None, as {}: go.Figure would take the default template
        layout["title"] = layout.get("title") or None  # and its title (None) came back as {}
        return figure(spec["data"], layout)
    return go.Figure(spec)  # plotly's default template (fast_style), applied unvalidated


def dstar_figure(snap, height: int = 360) -> go.Figure:
    """Learned D(x) beside the estimated optimal D* = p_data / (p_data + p_g)."""
    fig = make_subplots(
        1, 2, subplot_titles=("learned D(x)", "optimal D*(x) from samples"), horizontal_spacing=0.06
    )
    fig.add_trace(heat_trace(snap.axis, snap.heat, "D"), 1, 1)
    fig.add_trace(heat_trace(snap.dstar_axis, snap.dstar, "D*", showscale=False), 1, 2)
    rng = list(PLANE_EXTENT)
    fig.update_xaxes(range=rng, showgrid=False)
    fig.update_yaxes(range=rng, showgrid=False)
    fig.update_yaxes(scaleanchor="x", row=1, col=1)
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    return style(fig, height=height, legend=False).update_layout(margin=dict(t=40))


def draw_figure(points: np.ndarray, res: int = 45, height: int = 420) -> go.Figure:
    """A clickable plane for drawing a distribution: invisible grid markers catch clicks (and
    lassos or boxes, from the toolbar)."""
    axis = np.linspace(PLANE_EXTENT[0] + 0.05, PLANE_EXTENT[1] - 0.05, res)
    xx, yy = np.meshgrid(axis, axis)
    fig = go.Figure(
        go.Scatter(
            x=xx.ravel(),
            y=yy.ravel(),
            mode="markers",
            name="canvas",
            showlegend=False,
            marker=dict(size=7, color="rgba(0,0,0,0.03)"),
            hovertemplate="add (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    if len(points):
        marker = dict(size=9, color=REAL)
        fig.add_trace(xy_trace(points, "your points", marker=marker, hoverinfo="skip"))
    # no drag mode by default: Streamlit turns a click into a selection only while the drag
    # mode is neither lasso nor box select (under those it lets a click through as an event,
    # which no callback sees); the lasso stays one click away in the chart's toolbar
    fig.update_layout(dragmode=False, clickmode="event+select", hovermode="closest")
    fig.update_xaxes(fixedrange=True)
    fig.update_yaxes(fixedrange=True)
    return _axes(fig, height)


# ----------------------------------------------------------------------------- curves
_AXIS = dict(gridcolor="#ebf0f8", zerolinecolor="#ebf0f8", linecolor="#ebf0f8")


def fast_style(fig: go.Figure, height: int, legend: bool = True) -> go.Figure:
    """The common look (white, light grid) without assigning the plotly_white template, which
    alone costs about 20 ms per figure: too much for figures redrawn every live frame."""
    axes = {k: _AXIS for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))}
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        font=dict(size=13),
        legend=dict(orientation="h", y=-0.25),
        **axes,
    )
    return fig


def _hline(y: float, xref: str, yref: str, color: str, text: str = "") -> tuple[dict, dict]:
    """A dotted reference level as a layout shape (+ label); much cheaper than add_hline."""
    shape = dict(
        type="line",
        xref=f"{xref} domain",
        yref=yref,
        x0=0,
        x1=1,
        y0=y,
        y1=y,
        line=dict(color=color, dash="dot", width=1.5),
    )
    note = dict(
        xref=f"{xref} domain",
        yref=yref,
        x=1,
        y=y,
        text=text,
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font=dict(size=11, color=PALETTE["muted"]),
    )
    return shape, note


CURVE_SERIES = (("step", "d_loss"), ("step", "g_loss"), ("step", "g_grad"), ("q_step", "js"))
MODES_SERIES = ("q_step", "modes_hit")  # the JS panel's right axis, when the target has modes


def curves_figure(
    hist: dict, d_half: float, g_half: float, js_floor: float, n_modes: int, height: int = 480
) -> go.Figure:
    """The paused curves beside the plane, top to bottom: D and G losses with their D = 1/2
    levels; the norm of G's gradient (log scale); JS by grid with modes hit on a right axis."""
    series = CURVE_SERIES + ((MODES_SERIES,) if n_modes else ())
    values = [dict(x=hist[x], y=hist[y]) for x, y in series]
    return _filled(_curves_skeleton(d_half, g_half, js_floor, n_modes, height), values)


@functools.lru_cache(maxsize=64)
def _curves_skeleton(
    d_half: float, g_half: float, js_floor: float, n_modes: int, height: int
) -> str:
    """curves_figure with empty series (CURVE_SERIES, then MODES_SERIES), as JSON (_filled):
    make_subplots and the axis updates cost ~30 ms, once per set of levels (a preset's)."""
    hist = {name: np.zeros(0) for pair in (*CURVE_SERIES, MODES_SERIES) for name in pair}
    fig = make_subplots(
        3, 1, shared_xaxes=True, vertical_spacing=0.07, row_heights=[0.36, 0.28, 0.36],
        specs=[[{}], [{}], [{"secondary_y": True}]],
    )  # fmt: skip
    for name in ("d_loss", "g_loss"):
        fig.add_trace(_line(hist["step"], hist[name], SHORT[name], COLORS[name]), 1, 1)
    fig.add_trace(_line(hist["step"], hist["g_grad"], SHORT["g_grad"], COLORS["g_grad"]), 2, 1)
    js = _line(hist["q_step"], hist["js"], SHORT["js"], COLORS["js"], mode="lines+markers")
    fig.add_trace(js, 3, 1)
    levels = [
        (d_half, 1, COLORS["d_loss"], ""),
        (g_half, 1, COLORS["g_loss"], "dotted: at D = 1/2"),
        (js_floor, 3, PALETTE["muted"], "noise floor"),
        (float(np.log(2)), 3, PALETTE["muted"], "ln 2 (disjoint)"),
    ]
    axis = {1: "", 3: "3"}  # the rows' axis ids (row 3's right axis is y4)
    marks = [_hline(y, f"x{axis[row]}", f"y{axis[row]}", c, note) for y, row, c, note in levels]
    if n_modes:
        modes = go.Scatter(
            x=hist["q_step"], y=hist["modes_hit"], name="modes hit", mode="lines",
            line=dict(color=COLORS["modes_hit"], width=2, shape="hv"),
        )  # fmt: skip
        fig.add_trace(modes, 3, 1, secondary_y=True)
        fig.update_yaxes(
            range=[0, n_modes + 0.5], dtick=max(1, n_modes // 4), showgrid=False,
            title="modes hit", row=3, col=1, secondary_y=True,
        )  # fmt: skip
    fig.update_yaxes(title="loss", row=1, col=1)
    fig.update_yaxes(
        title="G's gradient", type="log", nticks=4, exponentformat="power", row=2, col=1
    )
    fig.update_yaxes(title="JS (nats)", range=[0, 0.72], row=3, col=1, secondary_y=False)
    fig.update_xaxes(title="iteration", row=3, col=1)
    fig = style(fig, height=height)
    fig.update_layout(shapes=[m[0] for m in marks], annotations=[m[1] for m in marks])
    return pio.to_json(room(fig.update_layout(font=dict(size=14)), 78, 58, 48, 70), validate=False)


def _line(x, y, name: str, color: str, *, mode: str = "lines") -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode=mode, line=dict(color=color, width=2))


def coverage_figure(counts: np.ndarray, total: int, height: int = 220) -> go.Figure:
    """Samples within 3 std of each mode, against the fair share total / K."""
    return _filled(_coverage_skeleton(len(counts), total, height), [dict(y=counts)])


@functools.lru_cache(maxsize=64)
def _coverage_skeleton(k: int, total: int, height: int) -> str:
    """coverage_figure with no counts, as JSON (_filled), less plotly's default template, which
    go.Figure applies again unvalidated (validating its ~7 KB took ~6 ms a build)."""
    shape, note = _hline(total / k, "x", "y", PALETTE["muted"], "fair share")
    bar = go.Bar(x=[str(i + 1) for i in range(k)], y=[], marker_color=COLORS["coverage"])
    layout = dict(
        shapes=[shape],
        annotations=[note],
        xaxis=dict(title="mode"),
        yaxis=dict(title="samples within 3 std"),
    )
    fig = fast_style(go.Figure(data=[bar], layout=layout), height=height, legend=False)
    spec = room(fig, 82, 12, 12, 70).to_plotly_json()
    spec["layout"].pop("template", None)
    return pio.to_json(spec, validate=False)


def phase_figure(view, real_pts: np.ndarray, height: int = 400) -> go.Figure:
    """Slow motion: this minibatch, coloured by D's verdict once D has classified it."""
    fig = go.Figure()
    marker = dict(size=3, color=REAL, opacity=0.25)
    fig.add_trace(xy_trace(real_pts, "p_data", marker=marker, hoverinfo="skip"))
    groups = [("fake G(z)", view.fake, view.d_fake, FAKE)]
    if view.real is not None:
        groups.insert(0, ("real x", view.real, view.d_real, REAL))
    for name, pts, d, color in groups:
        marker = dict(size=7, color=color, line=dict(width=1, color=PALETTE["ink"]))
        if d is not None:
            marker.update(
                color=d,
                cmin=0,
                cmax=1,
                colorscale=DIVERGING,
                showscale=True,
                colorbar=dict(title="D(x)", len=0.8),
            )
        symbol = "circle" if "real" in name else "x"
        fig.add_trace(xy_trace(pts, name, marker=marker, marker_symbol=symbol))
    if view.push is not None:
        fig.add_trace(
            _segments_trace(arrow_segments(view.fake, view.push), "push on G(z)", ARROW, 1.5)
        )
    return _axes(fig, height)


# ----------------------------------------------------------------------------- digits
def digit_grid(images: np.ndarray, ncols: int = 8, scale: int | None = None) -> np.ndarray:
    """(N, S, S) ink in [0, 1] -> a grayscale RGB grid (ink dark on paper), each pixel a
    ``scale`` x ``scale`` block (default: about DIGIT_PX screen pixels a digit, readable on a
    projector: 12 for 8x8, 4 for 28x28)."""
    scale = scale or -(-DIGIT_PX // images.shape[-1])
    ink = np.clip(np.nan_to_num(images, nan=0.0), 0, 1)  # a diverged G's NaN: blank paper
    grid = image_grid(1 - ink, ncols=ncols, pad=1, pad_value=1.0)
    rgb = np.rint(255 * np.repeat(grid[..., None], 3, -1)).astype(np.uint8)
    return upscale(rgb, scale)


def digits_curves_figure(hist: dict, height: int = 280) -> go.Figure:
    """Losses, and the judge's confidence and class entropy (1 = all ten digits)."""
    fig = make_subplots(
        1,
        2,
        subplot_titles=("losses", "judge (real-digit classifier)"),
        horizontal_spacing=0.1,
    )
    for key in ("d_loss", "g_loss"):
        fig.add_trace(_line(hist["step"], hist[key], LABELS[key], COLORS[key]), 1, 1)
    for key in ("confidence", "class_entropy"):
        judged = _line(hist["j_step"], hist[key], LABELS[key], COLORS[key], mode="lines+markers")
        fig.add_trace(judged, 1, 2)
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_xaxes(title="step (this session)")
    fig = style(fig, height=height)  # the legend below the axis titles, not over them
    return fig.update_layout(legend=dict(y=-0.38), margin=dict(t=36, b=60))  # titles inside
