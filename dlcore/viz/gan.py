"""Figures for the GAN page: the layered 2-D view (GAN Lab's canvas), D vs D*, loss and quality
curves, mode-coverage bars, digit grids. Arrays in, plotly figures or RGB arrays out.

Colours: real samples and "D says real" are blue, fake samples and "D says fake" orange (the
app's palette); D(x) = 1/2 is white. The live view is a rasterised RGB frame (fast, ~25 KB);
when paused the same layers are an interactive plotly figure. Page: pages/gan.py.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from dlcore.gan.plane import N_METRIC
from dlcore.gan.targets import PLANE_EXTENT
from dlcore.viz.common import (
    DIVERGING,
    PALETTE,
    SERIES,
    colormap_rgb,
    image_grid,
    jpeg_bytes,
    style,
    upscale,
)
from dlcore.viz.raster import dotted, hex_rgb, line_panel, text

REAL, FAKE = PALETTE["pos"], PALETTE["neg"]
MANIFOLD = "#555a64"
ARROW = "#d62728"
RGB = {
    k: hex_rgb(v).astype(np.uint8)
    for k, v in {"real": REAL, "fake": FAKE, "manifold": MANIFOLD, "arrow": ARROW}.items()
}
ARROW_LEN = 0.35  # plane units of the longest gradient arrow
LAYERS = ("heatmap", "manifold", "real", "fake", "grads")


def arrow_segments(x: np.ndarray, push: np.ndarray, max_len: float = ARROW_LEN) -> np.ndarray:
    """(N, 2, 2) segments from each sample along its push, the longest scaled to ``max_len``."""
    norm = float(np.linalg.norm(push, axis=1).max()) if len(push) else 0.0
    scaled = push * (max_len / norm) if norm > 0 else push * 0
    return np.stack([x, x + scaled], 1)


# ----------------------------------------------------------------------------- raster (live)
LIVE_SIZE = 320  # pixels of the live raster, shown 1:1 (no browser rescaling)
LIVE_QUALITY = 70  # JPEG quality of live frames: ~17 KB a frame (q 90: ~30 KB)
_DISC = np.array(  # pixel offsets (col, row) of a dot of radius 2
    [(dc, dr) for dc in range(-2, 3) for dr in range(-2, 3) if dc * dc + dr * dr <= 5], np.int32
)


def _to_px(xy: np.ndarray, size: int) -> np.ndarray:
    lo, hi = PLANE_EXTENT
    px = (xy - lo) / (hi - lo) * (size - 1)
    return np.stack([px[..., 0], size - 1 - px[..., 1]], -1)  # (col, row), y up


def _dots(img: np.ndarray, xy: np.ndarray, color: np.ndarray) -> None:
    """Filled dots of radius 2 at every point, all at once: (N, 21) pixels by broadcasting."""
    size = img.shape[0]
    xy = xy[np.isfinite(xy).all(1)]  # a diverged G's NaN samples are not drawn
    px = (np.rint(_to_px(xy, size)).astype(np.int32)[:, None, :] + _DISC).reshape(-1, 2)
    ok = ((px >= 0) & (px < size)).all(1)
    img[px[ok, 1], px[ok, 0]] = color


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


def _heat_rgb(z: np.ndarray, size: int) -> np.ndarray:
    """A [iy, ix] grid of D values as a size x size RGB block image, row 0 = largest y."""
    idx = np.arange(size) * z.shape[0] // size  # nearest grid cell of each pixel
    return d_colors(z[::-1])[idx[:, None], idx[None, :]]


def plane_image(snap, layers: set[str], size: int = LIVE_SIZE) -> np.ndarray:
    """The layered view as an RGB array (H, W, 3) uint8: fast frames while training."""
    if "heatmap" in layers:
        img = _heat_rgb(snap.heat, size)
    else:
        img = np.full((size, size, 3), 255, np.uint8)
    if "manifold" in layers:
        _polylines(img, snap.manifold, RGB["manifold"], 0.6)
    if "real" in layers:
        _dots(img, snap.real, RGB["real"])
    if "fake" in layers:
        _dots(img, snap.fake, RGB["fake"])
    if "grads" in layers:
        _polylines(img, arrow_segments(snap.fake[::5], snap.grads[::5]), RGB["arrow"], 0.9)
    return img


def live_jpeg(snap, layers: set[str], size: int = LIVE_SIZE, quality: int = LIVE_QUALITY) -> bytes:
    """The live plane as JPEG bytes (a live frame: ``LiveOut.image``, dlcore.ui.output)."""
    return jpeg_bytes(plane_image(snap, layers, size), quality)


def dstar_image(heat: np.ndarray, dstar: np.ndarray, size: int = 200, gap: int = 10) -> np.ndarray:
    """Learned D(x) and the estimated optimal D*(x) side by side as one RGB raster (live)."""
    white = np.full((size, gap, 3), 255, np.uint8)
    return np.concatenate([_heat_rgb(heat, size), white, _heat_rgb(dstar, size)], 1)


# ----------------------------------------------------------------------------- raster curves (live)
CURVES_SIZE = (900, 220)  # width, height of the live curves raster (shown 1:1)
_INK, _MUTED = PALETTE["ink"], PALETTE["muted"]


def curves_image(snap, size: tuple[int, int] = CURVES_SIZE) -> np.ndarray:
    """The curves while training, as one RGB raster (the paused view is curves_figure and
    coverage_figure): D and G losses with their D = 1/2 levels; JS by grid with its noise floor
    and ln 2, modes hit on a right-hand scale; samples near each mode against the fair share."""
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    hist, cov = snap.hist, snap.coverage
    split = (int(w * 0.42), int(w * 0.76)) if cov is not None else (int(w * 0.5), w)
    line_panel(
        draw,
        (0, 0, split[0], h),
        [
            (hist["step"], hist["d_loss"], SERIES["D"], "D loss"),
            (hist["step"], hist["g_loss"], SERIES["G"], "G loss"),
        ],
        [(snap.d_at_half, SERIES["D"], ""), (snap.g_at_half, SERIES["G"], "dotted: D = 1/2")],
    )
    area = line_panel(
        draw,
        (split[0] + 10, 0, split[1], h),
        [(hist["q_step"], hist["js"], _INK, "JS(p_data, p_g) nats")],
        [(snap.js_floor, _MUTED, "noise floor"), (float(np.log(2)), _MUTED, "ln 2")],
        ylim=(0.0, 0.72),
    )
    if snap.n_modes:  # modes hit on its own 0..K scale (right-hand labels)
        x0, y0, x1, y1 = area
        q, m = hist["q_step"], hist["modes_hit"]
        if len(q) > 1:
            u = x0 + (q - q.min()) / max(q.max() - q.min(), 1) * (x1 - x0)
            v = y1 - m / (snap.n_modes + 0.5) * (y1 - y0)
            draw.line(list(zip(u.tolist(), v.tolist())), fill=PALETTE["ok"], width=2)
        label = f"modes hit {int(m[-1]) if len(m) else 0}/{snap.n_modes}"
        text(draw, (x1, 2), label, PALETTE["ok"], anchor="ra")
    if cov is not None:
        _bars(draw, (split[1] + 16, 0, w - 4, h), cov.counts, N_METRIC)  # fair share of all
    return np.asarray(img)


def _bars(draw: ImageDraw.ImageDraw, box, counts: np.ndarray, total: float) -> None:
    """Samples within 3 std of each mode (bars) against the fair share total / K (dotted)."""
    x0, y0, x1, y1 = box[0] + 8, box[1] + 20, box[2], box[3] - 18
    k, top = len(counts), max(float(counts.max()), total / max(len(counts), 1)) * 1.1 or 1.0
    bw = (x1 - x0) / k
    for i, c in enumerate(counts):
        yy = y1 - c / top * (y1 - y0)
        draw.rectangle([x0 + i * bw + 2, yy, x0 + (i + 1) * bw - 2, y1], fill=REAL)
        text(draw, (x0 + (i + 0.5) * bw, y1 + 3), str(i + 1), _MUTED, anchor="ma")
    fair = y1 - total / k / top * (y1 - y0)
    dotted(draw, x0, x1, fair, _INK)
    text(draw, (x0, box[1] + 2), "per mode (dotted: fair share)", _INK)


def digits_curves_image(hist: dict, size: tuple[int, int] = (400, 260)) -> np.ndarray:
    """The digits GAN's curves while training (paused: digits_curves_figure): D and G losses on
    top, the judge's confidence and class entropy (1 = all ten digits) below, as one raster."""
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    losses = [
        (hist["step"], hist[k], SERIES[n], f"{n} loss")
        for k, n in (("d_loss", "D"), ("g_loss", "G"))
    ]
    judge = [
        (hist["j_step"], hist["confidence"], PALETTE["pos"], "judge confidence"),
        (hist["j_step"], hist["class_entropy"], PALETTE["ok"], "class entropy"),
    ]
    line_panel(draw, (0, 0, w, h // 2), losses, [])
    line_panel(draw, (0, h // 2, w, h), judge, [], ylim=(0.0, 1.05))
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


def plane_figure(snap, layers: set[str], height: int = 460) -> go.Figure:
    """The same layers as plane_image, interactive (hover values, legend toggles)."""
    fig = go.Figure()
    if "heatmap" in layers:
        fig.add_trace(heat_trace(snap.axis, snap.heat, "D(x)"))
    if "manifold" in layers:
        fig.add_trace(_segments_trace(snap.manifold, "G manifold", MANIFOLD, 1))
    for key, pts, color in (("real", snap.real, REAL), ("fake", snap.fake, FAKE)):
        if key in layers:
            fig.add_trace(
                go.Scatter(
                    x=pts[:, 0],
                    y=pts[:, 1],
                    mode="markers",
                    name=key,
                    marker=dict(size=5, color=color, opacity=0.8),
                )
            )
    if "grads" in layers:
        segs = arrow_segments(snap.fake[::4], snap.grads[::4])
        fig.add_trace(_segments_trace(segs, "G gradient", ARROW, 1.5))
        fig.add_trace(
            go.Scatter(
                x=segs[:, 1, 0],
                y=segs[:, 1, 1],
                mode="markers",
                marker=dict(size=3, color=ARROW),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return _axes(fig, height)


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
            marker=dict(size=7, color="rgba(0,0,0,0.03)"),
            hovertemplate="add (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    if len(points):
        fig.add_trace(
            go.Scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="markers",
                name="your points",
                marker=dict(size=9, color=REAL),
                hoverinfo="skip",
            )
        )
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


def _line(x, y, name: str, color: str, axes: str = "", **kw) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        name=name,
        mode=kw.pop("mode", "lines"),
        xaxis=f"x{axes}",
        yaxis=f"y{axes}",
        line=dict(color=color, width=1.5, **kw),
    )


def curves_figure(
    hist: dict, d_half: float, g_half: float, js_floor: float, n_modes: int, height: int = 300
) -> go.Figure:
    """Left: D and G losses with their D = 1/2 equilibrium lines. Right: JS (and modes hit).

    Built from one layout dict (no make_subplots / add_hline): it is redrawn every live frame.
    """
    data = [
        _line(hist["step"], hist["d_loss"], "D loss", SERIES["D"]),
        _line(hist["step"], hist["g_loss"], "G loss", SERIES["G"]),
        _line(hist["q_step"], hist["js"], "JS (nats)", PALETTE["ink"], "2", mode="lines+markers"),
    ]
    lines = [
        _hline(d_half, "x", "y", SERIES["D"]),
        _hline(g_half, "x", "y", SERIES["G"]),
        _hline(js_floor, "x2", "y2", PALETTE["muted"], "noise floor"),
        _hline(float(np.log(2)), "x2", "y2", PALETTE["muted"], "ln 2 (disjoint)"),
    ]
    layout = dict(
        xaxis=dict(domain=[0, 0.42], title="iteration"),
        yaxis=dict(title="D and G loss (dotted: at D = 1/2)"),
        xaxis2=dict(domain=[0.56, 0.92], title="iteration", anchor="y2"),
        yaxis2=dict(anchor="x2", range=[0, 0.72], title="JS(p_data, p_g) by grid"),
        shapes=[sh for sh, _ in lines],
        annotations=[a for _, a in lines if a["text"]],
    )
    if n_modes:
        data.append(
            go.Scatter(
                x=hist["q_step"],
                y=hist["modes_hit"],
                name="modes hit",
                mode="lines",
                xaxis="x2",
                yaxis="y3",
                line=dict(color=PALETTE["ok"], width=1.5, shape="hv"),
            )
        )
        layout["yaxis3"] = dict(
            overlaying="y2",
            side="right",
            anchor="x2",
            showgrid=False,
            range=[0, n_modes + 0.5],
            dtick=max(1, n_modes // 5),
            title="modes hit",
        )
    return fast_style(go.Figure(data=data, layout=layout), height=height)


def coverage_figure(counts: np.ndarray, total: int, height: int = 220) -> go.Figure:
    """Samples within 3 std of each mode, against the fair share total / K."""
    k = len(counts)
    shape, note = _hline(total / k, "x", "y", PALETTE["muted"], "fair share")
    bar = go.Bar(x=[str(i + 1) for i in range(k)], y=counts, marker_color=REAL)
    layout = dict(
        shapes=[shape],
        annotations=[note],
        xaxis=dict(title="mode"),
        yaxis=dict(title="samples within 3 std"),
    )
    return fast_style(go.Figure(data=[bar], layout=layout), height=height, legend=False)


def phase_figure(view, real_pts: np.ndarray, height: int = 400) -> go.Figure:
    """Slow motion: this minibatch, coloured by D's verdict once D has classified it."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=real_pts[:, 0],
            y=real_pts[:, 1],
            mode="markers",
            name="p_data",
            marker=dict(size=3, color=REAL, opacity=0.25),
            hoverinfo="skip",
        )
    )
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
        fig.add_trace(
            go.Scatter(
                x=pts[:, 0],
                y=pts[:, 1],
                mode="markers",
                name=name,
                marker=marker,
                marker_symbol=symbol,
            )
        )
    if view.push is not None:
        fig.add_trace(
            _segments_trace(arrow_segments(view.fake, view.push), "push on G(z)", ARROW, 1.5)
        )
    return _axes(fig, height)


# ----------------------------------------------------------------------------- digits
def digit_grid(images: np.ndarray, ncols: int = 8, scale: int | None = None) -> np.ndarray:
    """(N, S, S) ink in [0, 1] -> a grayscale RGB grid (ink dark on paper), each pixel a
    ``scale`` x ``scale`` block (default: ~64 screen pixels a digit: 8 for 8x8, 3 for 28x28)."""
    scale = scale or -(-64 // images.shape[-1])
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
    for key, name in (("d_loss", "D"), ("g_loss", "G")):
        fig.add_trace(
            go.Scatter(
                x=hist["step"],
                y=hist[key],
                name=f"{name} loss",
                mode="lines",
                line=dict(color=SERIES[name], width=1.5),
            ),
            1,
            1,
        )
    for key, color in (("confidence", PALETTE["pos"]), ("class_entropy", PALETTE["ok"])):
        fig.add_trace(
            go.Scatter(
                x=hist["j_step"],
                y=hist[key],
                name=key.replace("_", " "),
                mode="lines+markers",
                line=dict(color=color),
            ),
            1,
            2,
        )
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_xaxes(title="step (this session)")
    fig = style(fig, height=height)  # the legend below the axis titles, not over them
    return fig.update_layout(legend=dict(y=-0.38), margin=dict(t=36, b=60))  # titles inside
