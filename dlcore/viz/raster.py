"""Live frames as one raster image: line panels and heatmap panels drawn with PIL.

While a page trains, each frame is ONE inline image (``st.image`` of a ``data:`` URL): the
browser decodes it in a few milliseconds, where an updated plotly chart costs it tens to hundreds
of milliseconds (measured, README "Hosting for a class"). Paused, the pages show the interactive
plotly figures with hover; these rasters show the same numbers while the model moves.

    img, draw = canvas(900, 260)
    line_panel(draw, (0, 0, 450, 260), [(x, y, "#0877bd", "train loss")], log_y=True)
    heat_panel(img, draw, (460, 0, 900, 260), z, "||dL/dh_t||")
    st.image(png_data_url(np.asarray(img)))
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from dlcore.viz.common import PALETTE, colormap_rgb, data_url

INK, MUTED, GRID = PALETTE["ink"], PALETTE["muted"], "#e6e6e6"
PALETTE_COLORS = 128  # colours of a live frame's PNG (see png_bytes)
PALETTE_REFRESH_S = 5.0  # a live stream's palette is rebuilt from a new frame this often
# (x, y, colour, name) of one line; (y, colour, text) of one dotted reference level
Series = tuple[np.ndarray, np.ndarray, str, str]
Ref = tuple[float, str, str]


def hex_rgb(color: str) -> np.ndarray:
    """ "#rrggbb" as a float array [r, g, b] in 0..255."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "DejaVuSans-subset.ttf"


@lru_cache(maxsize=8)
def font(size: int = 12) -> ImageFont.ImageFont:
    """DejaVu Sans, shipped (a subset with Greek, sub- and superscripts and math operators, so a
    live frame can write lambda_1 as λ₁); Pillow's own font if the file is missing."""
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default(size)


@lru_cache(maxsize=1024)
def _text_mask(text: str, size: int, anchor: str) -> tuple[Image.Image, int, int]:
    """A rendered label as an 8-bit mask and its offset from the anchor point. FreeType
    rendering is most of a frame's drawing time (~1 ms a label); the labels repeat."""
    f = font(size)
    left, top, right, bottom = f.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=f, anchor=anchor)
    return mask, left, top


def text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    label: str,
    fill: str,
    *,
    anchor: str = "la",
    size: int = 12,
) -> None:
    """``draw.text`` with the default font, from a cache of rendered labels (same pixels)."""
    if label:
        mask, left, top = _text_mask(label, size, anchor)
        draw.bitmap((round(xy[0]) + left, round(xy[1]) + top), mask, fill=fill)


def canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A white RGB image and its drawing handle."""
    img = Image.new("RGB", (width, height), "white")
    return img, ImageDraw.Draw(img)


def dotted(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: float, color: str) -> None:
    for x in range(x0, x1, 8):
        draw.line([(x, y), (min(x + 4, x1), y)], fill=color, width=1)


def _fmt(v: float, log_y: bool) -> str:
    return f"{10.0**v:.2g}" if log_y else f"{v:.3g}"


def _to_plot_y(y: np.ndarray, log_y: bool) -> np.ndarray:
    """log10 of positive values on a log axis (zeros and negatives become NaN: not drawn)."""
    y = np.asarray(y, dtype=np.float64)
    if not log_y:
        return y
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)


def line_panel(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    series: Sequence[Series],
    refs: Sequence[Ref] = (),
    ylim: tuple[float, float] | None = None,
    *,
    log_y: bool = False,
    title: str = "",
    size: int = 12,
) -> tuple[int, int, int, int]:
    """Lines and dotted reference levels in ``box``; the title and a legend of the series
    names above, min / mid / max labels on the y axis, first and last x below. ``ylim`` is in
    data units; ``size`` the text's pixel size (a projector wants 14 or more). Returns the plot
    area (x0, y0, x1, y1) in pixels."""
    f, k = font(size), size / 12  # margins grow with the text
    top = box[1] + round((34 if title else 20) * k)
    x0, y0, x1, y1 = box[0] + round(46 * k), top, box[2] - 6, box[3] - round(18 * k)
    if title:
        text(draw, (box[0] + 4, box[1] + 2), title, INK, size=size)
    ys_plot = [_to_plot_y(y, log_y) for _, y, _, _ in series]
    refs_plot = [(float(_to_plot_y(np.array([v]), log_y)[0]), c, t) for v, c, t in refs]
    refs_plot = [r for r in refs_plot if np.isfinite(r[0])]
    finite = [y[np.isfinite(y)] for y in ys_plot] + [np.array([r[0] for r in refs_plot])]
    allv = np.concatenate(finite) if finite else np.zeros(0)
    if ylim is not None:
        lo, hi = (float(v) for v in _to_plot_y(np.array(ylim, dtype=np.float64), log_y))
    elif allv.size:
        lo, hi = float(allv.min()), float(allv.max())
        pad = 0.06 * (hi - lo) or 0.5
        floor = 0.0 if not log_y and lo >= 0 else -np.inf  # counts and losses stay >= 0
        lo, hi = max(floor, lo - pad), hi + pad
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        lo, hi = 0.0, 1.0
    xs = [np.asarray(x, dtype=np.float64) for x, _, _, _ in series]
    xall = np.concatenate(xs) if xs else np.zeros(0)
    xlo, xhi = (float(xall.min()), float(xall.max())) if xall.size else (0.0, 1.0)
    xhi = xhi if xhi > xlo else xlo + 1

    def px(x: np.ndarray, y: np.ndarray) -> list[tuple[float, float]]:
        u = x0 + (x - xlo) / (xhi - xlo) * (x1 - x0)
        v = y1 - (np.clip(y, lo, hi) - lo) / (hi - lo) * (y1 - y0)
        return list(zip(u.tolist(), v.tolist()))

    for v in (lo, (lo + hi) / 2, hi):  # light grid with labels
        yy = px(np.array([xlo]), np.array([v]))[0][1]
        draw.line([(x0, yy), (x1, yy)], fill=GRID)
        text(draw, (x0 - 4, yy), _fmt(v, log_y), MUTED, anchor="rm", size=size)
    for v, color, label in refs_plot:
        yy = px(np.array([xlo]), np.array([v]))[0][1]
        dotted(draw, x0, x1, yy, color)
        text(draw, (x1, yy - 2), label, MUTED, anchor="rb", size=size)
    lx = x0
    for x, y, (_, _, color, name) in zip(xs, ys_plot, series):
        ok = np.isfinite(y)
        step = max(1, int(ok.sum()) // max(1, x1 - x0))  # about one point per pixel
        pts = px(x[ok][::step], y[ok][::step])
        if len(pts) > 1:
            draw.line(pts, fill=color, width=2)
        elif pts:
            draw.ellipse([pts[0][0] - 2, pts[0][1] - 2, pts[0][0] + 2, pts[0][1] + 2], fill=color)
        text(draw, (lx, top - round(16 * k)), name, color, size=size)
        lx += int(draw.textlength(name, font=f)) + 14
    text(draw, (x0, y1 + 3), f"{xlo:,.0f}", MUTED, size=size)
    text(draw, (x1, y1 + 3), f"{xhi:,.0f}", MUTED, anchor="ra", size=size)
    return x0, y0, x1, y1


def heat_panel(
    img: Image.Image,
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    z: np.ndarray,
    title: str = "",
    *,
    signed: bool = False,
    color: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    x_labels: tuple[str, str] = ("", ""),
    y_labels: tuple[str, str] = ("", ""),
) -> tuple[int, int, int, int]:
    """A matrix ``z`` (rows top to bottom) stretched over ``box`` with nearest-neighbour cells,
    a title above and the first / last label of each axis (y on the left, x below).

    Colours: signed (orange < 0 < blue), else white (low) to ``color`` (default black) high.
    NaN cells stay white (blank). Returns the matrix area (x0, y0, x1, y1) in pixels."""
    x0, y0 = box[0] + (30 if any(y_labels) else 2), box[1] + (18 if title else 0)
    x1, y1 = box[2] - 2, box[3] - (16 if any(x_labels) else 0)
    if title:
        text(draw, (box[0] + 4, box[1] + 2), title, INK)
    z = np.asarray(z, dtype=np.float32)
    if z.ndim != 2 or z.size == 0 or x1 <= x0 or y1 <= y0:
        return x0, y0, x1, y1
    rgb = colormap_rgb(z, signed=signed, vmin=vmin, vmax=vmax)
    if color is not None and not signed:  # white .. color instead of white .. black
        t = 1.0 - rgb[..., :1].astype(np.float32) / 255.0
        ink = hex_rgb(color)
        rgb = np.rint(255.0 - t * (255.0 - ink)).astype(np.uint8)
    tile = Image.fromarray(rgb).resize((x1 - x0, y1 - y0), Image.NEAREST)
    img.paste(tile, (x0, y0))
    draw.rectangle([x0 - 1, y0 - 1, x1, y1], outline=GRID)
    if any(y_labels):
        text(draw, (x0 - 3, y0), y_labels[0], MUTED, anchor="ra")
        text(draw, (x0 - 3, y1), y_labels[1], MUTED, anchor="rd")
    if any(x_labels):
        text(draw, (x0, y1 + 2), x_labels[0], MUTED)
        text(draw, (x1, y1 + 2), x_labels[1], MUTED, anchor="ra")
    return x0, y0, x1, y1


def keep_white(image: Image.Image, near: int = 12) -> Image.Image:
    """A palette image whose near-white colour is made pure white: the octree averages the page's
    white with its neighbours (253, 253, 253: a faint grey box around a frame on a white page)."""
    pal = np.asarray(image.getpalette() or [], dtype=np.int32).reshape(-1, 3)
    if not len(pal):
        return image
    i = int(np.argmin(((255 - pal) ** 2).sum(axis=1)))
    if (255 - pal[i]).max() <= near:
        pal[i] = 255
        image.putpalette(pal.astype(np.uint8).ravel().tolist())
    return image


class FramePalette:
    """The PNG palette of one student's live frames (a live panel keeps one per session).

    Frames of the same size share one palette, rebuilt from the frame at hand every
    ``refresh_s`` seconds. Building a palette is most of a frame's encoding cost (~8.6 ms for
    1100 x 430); mapping a frame onto a built one is ~1 ms (measured). It belongs to one
    student's stream: another student's frames (a diverged arm, other colours) never use it."""

    def __init__(self, refresh_s: float = PALETTE_REFRESH_S) -> None:
        self.refresh_s = refresh_s
        self._built: dict[tuple, tuple[float, Image.Image]] = {}  # (colours, size) -> (t, 1x1)
        self._lock = threading.Lock()

    def quantize(self, image: Image.Image, colors: int) -> Image.Image:
        """``image`` as a palette image: mapped onto the recent palette, or a new one built."""
        key, now = (colors, image.size), time.monotonic()
        with self._lock:
            built = self._built.get(key)
        if built is not None and now - built[0] < self.refresh_s:
            return image.quantize(palette=built[1], dither=Image.Dither.NONE)
        out = keep_white(image.quantize(colors, method=Image.Quantize.FASTOCTREE))
        palette = Image.new("P", (1, 1))
        palette.putpalette(out.getpalette())
        with self._lock:
            self._built[key] = (now, palette)
        return out


def png_data_url(
    rgb: np.ndarray | Image.Image,
    colors: int | None = PALETTE_COLORS,
    palette: FramePalette | None = None,
) -> str:
    """``png_bytes`` as an inline ``data:`` URL for ``st.image``."""
    return data_url(png_bytes(rgb, colors, palette), "image/png")


def png_bytes(
    rgb: np.ndarray | Image.Image,
    colors: int | None = PALETTE_COLORS,
    palette: FramePalette | None = None,
) -> bytes:
    """Line art as PNG bytes (JPEG would blur the text and lines).

    By default the image is first reduced to a palette of ``colors`` colours (octree): a live frame
    of 1000 x 560 then encodes in ~7 ms instead of ~17 ms (an RGB PNG filters every row) and is
    half the bytes for the browser, with a mean error of ~1 level in 255 (anti-aliased edges,
    colour ramps). ``colors=None`` keeps every pixel exact. ``palette``: a live stream's
    ``FramePalette``, reused between its frames.
    """
    buf = io.BytesIO()
    image = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.asarray(rgb, np.uint8))
    if colors:
        image = image.convert("RGB")
        if palette is not None:
            image = palette.quantize(image, colors)
        else:
            image = keep_white(image.quantize(colors, method=Image.Quantize.FASTOCTREE))
    image.save(buf, "PNG", compress_level=1)
    return buf.getvalue()
