"""One palette and the figure helpers every page shares (arrays in, figures out).

Colours follow TF Playground's convention, which students may know: orange for negative / class 0,
blue for positive / class 1, white for zero. Signed data always uses the diverging map centred on 0,
so negative responses stay visible.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

PALETTE = {
    "neg": "#f59322",  # orange: negative values, class 0
    "pos": "#0877bd",  # blue: positive values, class 1
    "zero": "#f7f7f7",
    "ink": "#262730",
    "grid": "#e6e6e6",
    "accent": "#d62728",  # highlights, wrong picks, the selected cell
    "ok": "#2ca02c",
    "muted": "#9aa0a6",
}
# Categorical colours (classes, digits 0-9, series): colour-blind-friendly (Okabe-Ito + extras).
CATEGORICAL = (
    "#f59322",
    "#0877bd",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#e69f00",
    "#000000",
    "#999999",
    "#7f3c8d",
)
SERIES = {
    "train": "#0877bd",
    "test": "#f59322",
    "D": "#d62728",
    "G": "#2ca02c",
    "RNN": "#d55e00",
    "LSTM": "#0877bd",
    "GRU": "#009e73",
    "NTM": "#7f3c8d",
}

DIVERGING = [[0.0, PALETTE["neg"]], [0.5, PALETTE["zero"]], [1.0, PALETTE["pos"]]]
SEQUENTIAL = "Viridis"
GRAYS = [[0.0, "#ffffff"], [1.0, "#000000"]]  # ink on paper (digits)

_DIV_RGB = np.array([[245, 147, 34], [247, 247, 247], [8, 119, 189]], dtype=np.float32)


AXIS_STYLE = dict(
    gridcolor=PALETTE["grid"], zerolinecolor=PALETTE["grid"], linecolor=PALETTE["grid"]
)


def style_layout(*, height: int = 320, title: str | None = None, legend: bool = True) -> dict:
    """``style``'s layout as a dict (one x and one y axis), for a figure built in one go:
    ``figure(traces, layout)``. Each plotly call on a figure costs ~1-8 ms of validation; a
    chart redrawn at every control is built from plain dicts and validated once."""
    top = (40 if title else 10) + (26 if legend else 0)
    return dict(
        height=height,
        margin=dict(l=10, r=10, t=top, b=10),
        title=title,
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        font=dict(size=13, color=PALETTE["ink"]),
        # above the plot: below it, a horizontal legend covered the x axis's title
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
        xaxis=dict(AXIS_STYLE),
        yaxis=dict(AXIS_STYLE),
    )


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, validated once, with no template (as
    ``style`` leaves it)."""
    fig = go.Figure(data=traces, layout=layout)
    return fig.update_layout(template=None, title=layout.get("title"))  # as style leaves them


def style(
    fig: go.Figure, *, height: int = 320, title: str | None = None, legend: bool = True
) -> go.Figure:
    """The common look: tight margins, readable fonts, white background.

    Colours are set directly rather than through template="plotly_white": resolving a named
    template costs ~20 ms per figure (measured), too much for a live frame.
    """
    layout = style_layout(height=height, title=title, legend=legend)
    del layout["xaxis"], layout["yaxis"]
    fig.update_layout(template=None, **layout)
    fig.update_xaxes(**AXIS_STYLE)
    fig.update_yaxes(**AXIS_STYLE)
    return fig


def room(fig: go.Figure, left: int, right: int, top: int, bottom: int) -> go.Figure:
    """Margins (px) as large as the chart's labels, legend and colour bar need. Streamlit's theme
    turns plotly's automatic margins on: a chart whose margins are too small for its labels is
    drawn, measured and drawn again with larger ones (~0.05-0.1 s of the browser's time at each
    redraw). With room enough, it is drawn once; if a label needs more, it still gets it."""
    return fig.update_layout(margin=dict(l=left, r=right, t=top, b=bottom))


def signed_limits(z: np.ndarray) -> tuple[float, float]:
    """Symmetric colour limits around 0 for signed data."""
    m = float(np.nanmax(np.abs(z))) if np.size(z) and np.isfinite(z).any() else 1.0
    m = m if m > 0 else 1.0
    return -m, m


def xy_trace(points, name: str | None = None, mode: str = "markers", **kw):
    """A trace through 2-D points: an (N, 2) array (x in column 0, y in column 1), or one point
    (x, y). ``kw`` styles it (marker, line, hover...). SVG, not WebGL: a WebGL trace costs about
    0.3 s to draw on a machine without a GPU, and the app's point sets are small."""
    if np.ndim(points) == 1:  # one point
        x, y = [points[0]], [points[1]]
    else:
        x, y = points[:, 0], points[:, 1]
    return go.Scatter(x=x, y=y, mode=mode, name=name, **kw)


def cell_rect(cols, rows, *, pad: float = 0.5, **kw) -> dict:
    """A rectangle (a layout shape) around the cells from column cols[0] to cols[1] and row
    rows[0] to rows[1] (cell centres at whole numbers, as in a heatmap), ``pad`` out from the
    outer centres."""
    return dict(
        type="rect", x0=cols[0] - pad, x1=cols[1] + pad, y0=rows[0] - pad, y1=rows[1] + pad, **kw
    )


def cell_frame(fig: go.Figure, cols, rows, *, pad: float = 0.5, **kw) -> None:
    """Add ``cell_rect(cols, rows, pad=pad, **kw)`` to the figure."""
    fig.add_shape(**cell_rect(cols, rows, pad=pad, **kw))


def heatmap(
    z: np.ndarray,
    *,
    x: Sequence | None = None,
    y: Sequence | None = None,
    signed: bool = True,
    colorscale=None,
    zmin: float | None = None,
    zmax: float | None = None,
    title: str | None = None,
    height: int = 320,
    text: np.ndarray | None = None,
    hover: str = "x: %{x}<br>y: %{y}<br>value: %{z:.4g}",
    reverse_y: bool = True,
    colorbar: bool = True,
) -> go.Figure:
    """A heatmap of a 2-D array; signed data gets the diverging palette centred on 0."""
    z = np.asarray(z, dtype=float)
    if signed and zmin is None and zmax is None:
        zmin, zmax = signed_limits(z)
    trace = go.Heatmap(
        z=z,
        x=x,
        y=y,
        zmin=zmin,
        zmax=zmax,
        hovertemplate=hover + "<extra></extra>",
        colorscale=colorscale or (DIVERGING if signed else SEQUENTIAL),
        showscale=colorbar,
    )
    if text is not None:
        trace.update(text=text, texttemplate="%{text}")
    fig = go.Figure(trace)
    if reverse_y:
        fig.update_yaxes(autorange="reversed")
    return style(fig, height=height, title=title, legend=False)


def line_chart(
    series: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    title: str | None = None,
    x_title: str = "step",
    y_title: str = "",
    log_y: bool = False,
    height: int = 280,
    hlines: Mapping[str, float] | None = None,
) -> go.Figure:
    """Curves from {name: (x, y)}; ``hlines`` draws labelled reference levels (baselines)."""
    fig = go.Figure()
    for i, (name, (xs, ys)) in enumerate(series.items()):
        color = SERIES.get(name, CATEGORICAL[i % len(CATEGORICAL)])
        fig.add_trace(
            go.Scatter(
                x=np.asarray(xs),
                y=np.asarray(ys),
                mode="lines",
                name=name,
                line=dict(color=color, width=2),
            )
        )
    for label, level in (hlines or {}).items():
        fig.add_hline(
            y=level,
            line_dash="dot",
            line_color=PALETTE["muted"],
            annotation_text=label,
            annotation_position="top left",
        )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear")
    return style(fig, height=height, title=title)


def colormap_rgb(
    z: np.ndarray, *, signed: bool = True, vmin: float | None = None, vmax: float | None = None
) -> np.ndarray:
    """Map a 2-D array to uint8 RGB (H, W, 3): fast frames for ``st.image`` (~25 KB as PNG).

    Signed: orange < 0 < blue through white. Unsigned: white (low) to black (high).
    """
    z = np.nan_to_num(np.asarray(z, dtype=np.float32))
    if signed:
        lo, hi = signed_limits(z) if vmin is None or vmax is None else (vmin, vmax)
        t = np.clip((z - lo) / (hi - lo), 0, 1) * 2  # 0..2 across the three stops
        i = np.minimum(t.astype(np.int32), 1)
        f = (t - i)[..., None]
        rgb = _DIV_RGB[i] * (1 - f) + _DIV_RGB[i + 1] * f
    else:
        lo = float(z.min()) if vmin is None else vmin
        hi = float(z.max()) if vmax is None else vmax
        t = np.clip((z - lo) / (hi - lo if hi > lo else 1.0), 0, 1)[..., None]
        rgb = 255 * (1 - t) * np.ones(3, dtype=np.float32)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def jpeg_data_url(rgb: np.ndarray, quality: int = 85) -> str:
    """A live frame as an inline ``data:`` URL for ``st.image``: Streamlit passes such a URL
    through untouched, so a frame skips the server's image re-parse and media store and the
    browser's extra HTTP request (JPEG: ~2 ms for 800 x 500, vs PNG ~10-18 ms)."""
    return data_url(jpeg_bytes(rgb, quality), "image/jpeg")


def data_url(body: bytes, mime: str) -> str:
    """Encoded image bytes as an inline ``data:`` URL (st.image shows it with no media store)."""
    return f"data:{mime};base64," + base64.b64encode(body).decode("ascii")


def jpeg_bytes(rgb: np.ndarray, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement, so small images show crisp pixels."""
    return np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)


def smooth_upscale(rgb: np.ndarray, size: int) -> np.ndarray:
    """An (n, n, 3) grid of cell colours as a size x size uint8 image, blended bilinearly between
    the cells' centres (as a browser scales a small image or plotly's heatmap). PIL does it in C
    (~1 ms for 480 x 480; a numpy version took 4-12 ms, holding the GIL)."""
    cells = np.clip(np.rint(np.asarray(rgb, np.float32)), 0, 255).astype(np.uint8)
    img = Image.fromarray(np.ascontiguousarray(cells)).resize((size, size), Image.BILINEAR)
    return np.array(img)  # writable: the points are stamped on it


def disc_offsets(r2: float) -> np.ndarray:
    """Pixel offsets (col, row) of a disc of squared radius ``r2``: (K, 2) int32."""
    r = int(np.sqrt(r2))
    span = range(-r, r + 1)
    return np.array([(c, d) for c in span for d in span if c * c + d * d <= r2], np.int32)


def stamp(img: np.ndarray, centres: np.ndarray, offsets: np.ndarray, colour: np.ndarray) -> None:
    """Paint a disc (``offsets``) at every centre (N, 2) int (col, row) of ``img`` (H, W, C)
    in place, in one go by broadcasting; ``colour`` (C,) for all or (N, C) one each (C = 3, or
    4 with alpha). Pixels off the image are left out."""
    h, w, c = img.shape
    px = (centres[:, None, :] + offsets[None]).reshape(-1, 2)  # (N * K, 2)
    colours = np.broadcast_to(colour, (len(centres), c))
    colours = np.repeat(colours, len(offsets), 0)  # (N * K, C)
    ok = (px[:, 0] >= 0) & (px[:, 0] < w) & (px[:, 1] >= 0) & (px[:, 1] < h)
    img[px[ok, 1], px[ok, 0]] = colours[ok]


def image_grid(
    images: np.ndarray, *, ncols: int = 10, pad: int = 1, pad_value: float = 1.0
) -> np.ndarray:
    """Tile (N, H, W) or (N, H, W, C) images into one array, row by row."""
    images = np.asarray(images)
    n, h, w = images.shape[:3]
    rest = images.shape[3:]
    nrows = max(1, -(-n // ncols))
    grid = np.full(
        (nrows * (h + pad) + pad, ncols * (w + pad) + pad, *rest), pad_value, dtype=images.dtype
    )
    for k in range(n):
        r, c = divmod(k, ncols)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        grid[y : y + h, x : x + w] = images[k]
    return grid
