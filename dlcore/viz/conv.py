"""Figures for the convolution filter lab: arrays in, RGB arrays or plotly figures out.

Large images travel as RGB arrays (``st.image``: a PNG, fast for 512x512); small grids of numbers
(kernels, patches, products) as plotly heatmaps with the values written in the cells. Signed data
uses the shared diverging palette (orange < 0 < blue). While the digits CNN trains, one raster
frame (``live_image``, drawn with ``dlcore.viz.raster``) shows its kernels and loss. Used by the
convolution page's views (``dlcore/ui/views/conv.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from dlcore.viz import raster
from dlcore.viz.common import (
    DIVERGING,
    PALETTE,
    cell_frame,
    colormap_rgb,
    heatmap,
    image_grid,
    line_chart,
    style,
    upscale,
)

MIN_SIDE = 256
LIVE_SIZE = (960, 610)  # (width, height) of a live training frame
MAX_WIDTH = 1200  # wider channel strips are subsampled: st.image would decode + resize them


def light(fig: go.Figure, height: int, legend: bool = False) -> go.Figure:
    """The common white look without assigning plotly's template (~20 ms per figure): used by the
    figures redrawn on every live-training frame."""
    grid = dict(gridcolor=PALETTE["grid"], zerolinecolor=PALETTE["grid"])
    return fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        showlegend=legend,
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(size=13),
        xaxis=grid,
        yaxis=grid,
    )  # small images are enlarged (nearest neighbour) to at least this many pixels


def _factor(h: int, w: int, min_side: int = MIN_SIDE) -> int:
    return max(1, min_side // max(h, w))


def image_rgb(img: np.ndarray, min_side: int = MIN_SIDE) -> np.ndarray:
    """(C, H, W) in [0, 1] -> uint8 (H', W', 3), enlarged when small. Gray shows as gray."""
    arr = np.clip(np.asarray(img, dtype=np.float32), 0, 1)
    rgb = np.repeat(arr[:1], 3, axis=0) if arr.shape[0] == 1 else arr[:3]
    out = np.rint(rgb.transpose(1, 2, 0) * 255).astype(np.uint8)
    return upscale(out, _factor(*out.shape[:2], min_side))


def framed(rgb: np.ndarray, shade: int = 190) -> np.ndarray:
    """``rgb`` inside a 1 px gray frame: a white output (a bright image, clipped) keeps its
    edge on the white page."""
    return np.pad(rgb, ((1, 1), (1, 1), (0, 0)), constant_values=shade)


@cache
def _signed_lut() -> np.ndarray:
    """(256, 3) uint8: the shared diverging palette sampled from -1 to 1 (built on first use)."""
    ramp = np.linspace(-1.0, 1.0, 256, dtype=np.float32)[None]  # (1, 256)
    lut = colormap_rgb(ramp, vmin=-1.0, vmax=1.0)[0]  # (256, 3)
    lut.flags.writeable = False  # shared by every caller
    return lut


def signed_rgb(z: np.ndarray, m: float) -> np.ndarray:
    """Diverging colours for (H, W) values in [-m, m] via a 256-entry lookup table: the shared
    palette (orange < 0 < blue through white), about 20x faster than computing per pixel."""
    idx = np.clip((np.asarray(z, dtype=np.float32) / (m or 1.0) + 1.0) * 127.5, 0, 255)
    return _signed_lut()[idx.astype(np.uint8)]


def response_rgb(out: np.ndarray, display: str, min_side: int = MIN_SIDE) -> np.ndarray:
    """A filter response as an image. ``signed``: each channel through the diverging map (one
    shared scale, channels side by side); otherwise values in [0, 1] shown as gray or RGB."""
    if display != "signed":
        return image_rgb(out, min_side)
    m = float(np.abs(out).max()) or 1.0
    step = -(-out.shape[2] * len(out) // MAX_WIDTH)  # st.image re-scales wider images (slow)
    tiles = np.stack([signed_rgb(ch[::step, ::step], m) for ch in out])  # (C, H, W, 3)
    f = _factor(*out.shape[1:], min_side if len(out) == 1 else min_side // 2)
    tiles = np.stack([upscale(t, f) for t in tiles])
    if len(tiles) == 1:
        return tiles[0]
    return image_grid(tiles, ncols=len(tiles), pad=4, pad_value=255)


TITLE_SIZE, TICK_SIZE = 18, 14  # px: readable from the back of a lecture room
MAP_GAP = 16  # px between maps shown side by side


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _colour_bar(draw, img: Image.Image, box: tuple[int, int, int, int], m: float) -> None:
    """A horizontal colour bar for the symmetric scale [-m, m] with five numbers under it."""
    x0, y0, x1, y1 = box
    ramp = np.linspace(-m, m, max(2, x1 - x0), dtype=np.float32)[None]  # (1, W)
    bar = np.repeat(signed_rgb(ramp, m), y1 - y0, axis=0)  # (h, W, 3)
    img.paste(Image.fromarray(bar), (x0, y0))
    draw.rectangle([x0 - 1, y0 - 1, x1, y1], outline=raster.GRID)
    n = 5 if x1 - x0 >= 300 else 3  # a narrow bar: -m, 0, m (five numbers would overlap)
    for i, v in enumerate(np.linspace(-m, m, n)):
        x = x0 + (x1 - x0 - 1) * i / (n - 1)
        draw.line([(x, y1), (x, y1 + 4)], fill=raster.INK)
        anchor = "la" if i == 0 else "ra" if i == n - 1 else "ma"
        raster.text(draw, (x, y1 + 6), _fmt(float(v)), raster.INK, anchor=anchor, size=TICK_SIZE)


def signed_maps_rgb(
    maps: np.ndarray, titles: tuple[str, ...] = (), min_side: int = MIN_SIDE
) -> np.ndarray:
    """Signed (C, H, W) maps side by side on ONE symmetric scale (orange < 0 < blue, white = 0),
    each at least ``min_side`` px (small maps enlarged, wide strips subsampled to ``MAX_WIDTH``),
    under its title, above a colour bar with the scale's numbers. Returns uint8 (H', W', 3)."""
    maps = np.asarray(maps, dtype=np.float32)
    m = _abs_max(maps)
    step = -(-maps.shape[2] * len(maps) // MAX_WIDTH)  # st.image would re-scale wider images
    f = _factor(*maps.shape[1:], min_side)
    tiles = [upscale(signed_rgb(ch[::step, ::step], m), f) for ch in maps]
    th, tw = tiles[0].shape[:2]
    top = TITLE_SIZE + 12 if any(titles) else 0
    width = len(tiles) * tw + (len(tiles) - 1) * MAP_GAP
    img, draw = raster.canvas(width, top + th + 14 + 14 + TICK_SIZE + 12)
    for i, tile in enumerate(tiles):
        x = i * (tw + MAP_GAP)
        img.paste(Image.fromarray(tile), (x, top))
        if i < len(titles):
            raster.text(draw, (x + tw / 2, 4), titles[i], raster.INK, anchor="ma", size=TITLE_SIZE)
    bar_w = min(width - 2 * 24, 420)
    x0, y0 = (width - bar_w) // 2, top + th + 14
    _colour_bar(draw, img, (x0, y0, x0 + bar_w, y0 + 14), m)
    return np.asarray(img)


RED = np.array([214, 39, 40], dtype=np.uint8)


def _box(img: np.ndarray, r0: int, r1: int, c0: int, c1: int, t: int) -> None:
    """Draw a red rectangle outline (rows r0..r1, cols c0..c1, exclusive) of thickness t."""
    h, w = img.shape[:2]
    r0, r1, c0, c1 = max(r0, 0), min(r1, h), max(c0, 0), min(c1, w)
    if r1 <= r0 or c1 <= c0:
        return
    img[r0:r1, c0 : c0 + t] = img[r0:r1, max(c1 - t, c0) : c1] = RED
    img[r0 : r0 + t, c0:c1] = img[max(r1 - t, r0) : r1, c0:c1] = RED


def window_picker_figure(
    img: np.ndarray,
    ys: np.ndarray,
    xs: np.ndarray,
    window: tuple[int, int, int, int],
    height: int = 380,
) -> go.Figure:
    """The input image (C, H, W) with the kernel's window (r0, r1, c0, c1, inclusive) outlined
    in red, and invisible click targets at the window centres ``ys`` x ``xs`` (input pixels):
    plotly selects scatter points on a click, not image pixels. The image is not hoverable, so
    a click always lands on the nearest target."""
    h, w = img.shape[1:]
    big = image_rgb(img)  # small images enlarged (nearest neighbour): crisp pixels
    f = big.shape[0] / h
    picture = go.Image(
        source=raster.png_data_url(big, colors=None),
        x0=-0.5 + 0.5 / f,
        y0=-0.5 + 0.5 / f,
        dx=1 / f,
        dy=1 / f,
        hoverinfo="skip",
    )
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    spacing = height / h * (float(np.diff(ys).mean()) if len(ys) > 1 else h)
    targets = go.Scatter(
        x=xx.ravel().tolist(),  # plain lists: what the click reports back
        y=yy.ravel().tolist(),
        mode="markers",
        marker=dict(symbol="square", size=float(np.clip(spacing, 4, 24)), color="rgba(0,0,0,0)"),
        hovertemplate="click: the window centred here<extra></extra>",
        showlegend=False,
    )
    fig = go.Figure([picture, targets])
    r0, r1, c0, c1 = window
    cell_frame(fig, (c0, c1), (r0, r1), line=dict(color="#d62728", width=3))
    fig.update_xaxes(visible=False, range=[-0.5, w - 0.5], constrain="domain")
    fig.update_yaxes(visible=False, range=[h - 0.5, -0.5], scaleanchor="x", constrain="domain")
    return fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=0, b=0),
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="white",
    )


def window_zoom(
    img: np.ndarray, rows: np.ndarray, cols: np.ndarray, context: int = 3, side: int = 240
) -> np.ndarray:
    """A zoom on the window: each tap (dilation shows as gaps) outlined; padding is tinted."""
    h, w = img.shape[1:]
    r_lo, r_hi = rows.min() - context, rows.max() + context + 1
    c_lo, c_hi = cols.min() - context, cols.max() + context + 1
    rr, cc = np.arange(r_lo, r_hi), np.arange(c_lo, c_hi)
    inside = ((rr >= 0) & (rr < h))[:, None] & ((cc >= 0) & (cc < w))[None, :]
    crop = image_rgb(img[:, rr.clip(0, h - 1)][:, :, cc.clip(0, w - 1)], 0).astype(np.float32)
    crop[~inside] = crop[~inside] * 0.3 + np.array([255, 200, 200]) * 0.7  # padding: pink
    f = max(2, side // max(crop.shape[:2]))
    big = upscale(np.rint(crop).astype(np.uint8), f)
    for r in rows - r_lo:
        for c in cols - c_lo:
            _box(big, r * f, (r + 1) * f, c * f, (c + 1) * f, max(1, f // 10))
    return big


def numbers_html(z: np.ndarray, title: str, *, decimals: int = 2) -> str:
    """A small signed grid (a kernel) as an HTML table of coloured cells with their numbers
    (orange < 0 < blue). The filter view redraws its kernels on every change: a table costs the
    browser almost nothing, while two plotly charts held the new output image back ~150 ms
    (bench/bench_convolution.py). Values are numbers we format, so the HTML is inert."""
    z = np.asarray(z, dtype=float)
    rgb = colormap_rgb(z)  # (H, W, 3) uint8, symmetric limits
    size = "0.95rem" if z.shape[1] <= 5 else "0.75rem"
    rows = []
    for r in range(z.shape[0]):
        cells = []
        for c in range(z.shape[1]):
            red, green, blue = (int(v) for v in rgb[r, c])
            ink = "#000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#fff"
            text = f"{z[r, c]:.{decimals}f}".rstrip("0").rstrip(".") or "0"
            cells.append(
                f'<td style="background:rgb({red},{green},{blue});color:{ink};'
                f'padding:4px 6px;text-align:center;border:1px solid #fff">{text}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div style="font-size:{size}"><div style="margin-bottom:4px">{title}</div>'
        '<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">'
        + "".join(rows)
        + "</table></div>"
    )


def numbers_figure(
    z: np.ndarray, title: str, *, signed: bool = True, height: int = 260, decimals: int = 2
) -> go.Figure:
    """A small grid with its numbers written in the cells (kernels, patches, products).

    Cached (building a plotly figure costs ~30 ms; a kernel is drawn on every rerun): the
    returned figure is shared, so treat it as read-only."""
    z = np.ascontiguousarray(z, dtype=float)
    return _numbers_figure(z.tobytes(), z.shape, title, signed, height, decimals)


@lru_cache(maxsize=128)
def _numbers_figure(
    buf: bytes, shape: tuple[int, ...], title: str, signed: bool, height: int, decimals: int
) -> go.Figure:
    z = np.frombuffer(buf, dtype=float).reshape(shape)
    text = np.vectorize(lambda v: f"{v:.{decimals}f}".rstrip("0").rstrip(".") or "0")(z)
    fig = heatmap(
        z,
        signed=signed,
        title=title,
        height=height,
        text=text,
        colorbar=False,
        colorscale=None if signed else [[0, "#000000"], [1, "#ffffff"]],
        zmin=None if signed else 0.0,
        zmax=None if signed else 1.0,
        hover="row %{y}, column %{x}: %{z:.4g}",
    )
    fig.update_traces(textfont=dict(size=13 if z.shape[1] <= 5 else 10), xgap=1, ygap=1)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    return fig


def histogram_figure(out: np.ndarray, height: int = 220) -> go.Figure:
    """Histogram of raw responses, with the [0, 1] range a plain display can show shaded."""
    fig = go.Figure(
        go.Histogram(
            x=np.asarray(out).ravel()[:: max(1, out.size // 200_000)],
            nbinsx=60,
            marker_color=PALETTE["pos"],
        )
    )
    fig.add_vrect(
        x0=0,
        x1=1,
        fillcolor=PALETTE["ok"],
        opacity=0.12,
        line_width=0,
        annotation_text="displayable [0, 1]",
        annotation_position="top left",
    )
    fig.update_xaxes(title="raw response")
    fig.update_yaxes(title="pixels")
    return style(fig, height=height, legend=False)


def invariance_figure(curve) -> go.Figure:
    """Two panels: relative change and fraction changed, unpooled vs pooled, per shift
    (``curve``: a ``dlcore.conv.pooling.InvarianceCurve``)."""
    titles = ("mean |change| / mean |map|", "fraction of active outputs that changed")
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles)
    pairs = ((curve.detector_change, curve.pooled_change), (curve.detector_frac, curve.pooled_frac))
    for col, (det, pool) in enumerate(pairs, start=1):
        for name, y, color in (("detector (unpooled)", det, "neg"), ("after pooling", pool, "pos")):
            fig.add_trace(
                go.Scatter(
                    x=curve.shifts,
                    y=y,
                    name=name,
                    mode="lines+markers",
                    line=dict(color=PALETTE[color]),
                    showlegend=col == 1,
                ),
                1,
                col,
            )
        fig.update_xaxes(title="input shifted by (pixels)", dtick=1, row=1, col=col)
    style(fig, height=320)
    return fig.update_layout(legend=dict(orientation="h", y=1.18, x=0), margin=dict(t=70))


def lp_figure(sweep) -> go.Figure:
    """Distance of Lp pooling to average and max pooling as p grows (``views.LpSweep``)."""
    fig = line_chart(
        {
            "distance to average pooling": (sweep.ps, sweep.to_average),
            "distance to max pooling": (sweep.ps, sweep.to_max),
        },
        x_title="p (log scale)",
        y_title="mean |difference| (relative)",
        height=280,
    )
    fig.update_xaxes(type="log")
    return fig


def kernel_bank_figure(
    bank: Mapping[str, np.ndarray], ncols: int = 8, height: int = 260
) -> go.Figure:
    """Several small kernels in one heatmap (fast: one trace, the layout set once), each scaled
    by its own max |w|; hovering shows the real weight."""
    names = list(bank)
    k = max(np.asarray(v).shape[0] for v in bank.values())
    nrows = -(-len(names) // ncols)
    z = np.full((nrows * (k + 1), ncols * (k + 1)), np.nan)
    raw = np.full_like(z, np.nan)
    notes = []
    for i, name in enumerate(names):
        w = np.asarray(bank[name], dtype=float)
        r, c = (i // ncols) * (k + 1), (i % ncols) * (k + 1)
        raw[r : r + w.shape[0], c : c + w.shape[1]] = w
        z[r : r + w.shape[0], c : c + w.shape[1]] = w / (float(np.abs(w).max()) or 1.0)
        notes.append(
            dict(
                x=c + (w.shape[1] - 1) / 2,
                y=r - 0.75,
                text=name,
                showarrow=False,
                font=dict(size=13),
            )
        )
    trace = dict(
        type="heatmap",
        z=z,
        customdata=raw,
        zmin=-1,
        zmax=1,
        colorscale=DIVERGING,
        showscale=False,
        hoverongaps=False,
        hovertemplate="weight %{customdata:.3f}<extra></extra>",
    )
    axis = dict(visible=False)
    layout = dict(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        annotations=notes,
        xaxis=axis,
        yaxis=dict(visible=False, autorange="reversed", range=[z.shape[0] - 0.5, -1.5]),
    )
    return go.Figure(dict(data=[trace], layout=layout), skip_invalid=True)


def feature_maps_rgb(maps: np.ndarray, tile: int = 64, ncols: int = 8) -> np.ndarray:
    """(C, H, W) activations -> one uint8 grid image (white = 0, dark = the layer's max)."""
    m = float(np.abs(maps).max()) or 1.0
    signed = bool((maps < 0).any())
    f = max(1, tile // maps.shape[1])
    tiles = np.stack(
        [
            upscale(colormap_rgb(ch, signed=signed, vmin=-m if signed else 0.0, vmax=m), f)
            for ch in maps
        ]
    )
    return image_grid(tiles, ncols=min(ncols, len(tiles)), pad=3, pad_value=200)


def probs_figure(probs: np.ndarray, label: int | None = None) -> go.Figure:
    colors = [PALETTE["pos"]] * 10
    colors[int(np.argmax(probs))] = PALETTE["neg"]
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in range(10)],
            y=probs,
            marker_color=colors,
            text=[f"{p:.0%}" if p >= 0.01 else "" for p in probs],
            textposition="outside",
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 1.1], title="probability")
    label_text = f" (true label {label})" if label is not None else ""
    fig.update_xaxes(title="class" + label_text, type="category", dtick=1)
    return style(fig, height=260, legend=False)


def loss_figure(steps: np.ndarray, loss: np.ndarray) -> go.Figure:
    """Training loss per step (log scale), template-free: redrawn every live frame."""
    trace = go.Scatter(x=steps, y=loss, mode="lines", line=dict(color=PALETTE["pos"], width=2))
    fig = light(go.Figure(trace), 240)
    fig.update_xaxes(title="step")
    return fig.update_yaxes(title="training cross-entropy", type="log")


def bank_rgb(maps: np.ndarray, ncols: int = 8) -> np.ndarray:
    """(N, H, W) signed responses side by side, each on its own symmetric diverging scale."""
    tiles = np.stack([signed_rgb(m, float(np.abs(m).max()) or 1.0) for m in maps])
    return image_grid(tiles, ncols=min(ncols, len(tiles)), pad=3, pad_value=255)


def _abs_max(w: np.ndarray) -> float:
    """max |w| for a colour scale: 1 when the kernel is all zero or not finite (a NaN run)."""
    m = float(np.abs(w).max()) if w.size else 0.0
    return m if np.isfinite(m) and m > 0 else 1.0


def live_image(
    bank: Mapping[str, np.ndarray],
    steps: np.ndarray,
    loss: np.ndarray,
    ncols: int = 8,
    size: tuple[int, int] = LIVE_SIZE,
) -> np.ndarray:
    """One live frame while the digits CNN trains (paused: ``kernel_bank_figure`` and
    ``loss_figure``): the kernels of ``bank`` in rows of ``ncols``, each on its own symmetric
    scale (orange < 0 < blue) under its name, above the training loss per step (log scale).
    Returns uint8 (H, W, 3)."""
    w, h = size
    img, draw = raster.canvas(w, h)
    pitch = w // ncols
    side = min(pitch - 30, 84)  # the kernel's square: 28 px a weight for 3x3
    row_h = side + 34
    for i, (name, kernel) in enumerate(bank.items()):
        r, c = divmod(i, ncols)
        x0, y0 = c * pitch + (pitch - side) // 2, r * row_h
        raster.text(draw, (c * pitch + pitch / 2, y0 + 2), name, raster.INK, anchor="ma", size=13)
        m = _abs_max(np.asarray(kernel, dtype=np.float32))
        box = (x0 - 2, y0 + 19, x0 + side + 2, y0 + 19 + side)  # under its 13 px name
        raster.heat_panel(img, draw, box, kernel, signed=True, vmin=-m, vmax=m)
    top = -(-len(bank) // ncols) * row_h + 6
    series = [(np.asarray(steps), np.asarray(loss), PALETTE["pos"], "training cross-entropy")]
    raster.line_panel(draw, (0, top, w, h), series, log_y=True, title="loss per step (log scale)")
    return np.asarray(img)
