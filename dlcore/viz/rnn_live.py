"""The RNN gradient explorer's live frames: one RGB raster per frame while a view trains.

Each frame is ONE image (dlcore/viz/raster.py: canvas, labels, line panels; colours through
dlcore.viz.common.colormap_rgb): the browser decodes it in milliseconds, where redrawing the
plotly figures of dlcore/viz/rnn.py every frame cost it ~190 ms. The numbers are those of the
paused figures: train_image (loss_figure and curves_figure), clip_image (two curves_figure),
flow_image (flow_curves, regime_figure and flow_heatmaps). Page: pages/rnn.py (views:
dlcore/ui/views/rnn.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.colors as pcolors
from PIL import Image, ImageDraw

from dlcore.viz import raster
from dlcore.viz.common import PALETTE, colormap_rgb
from dlcore.viz.raster import GRID, INK, MUTED, canvas, dotted, font, hex_rgb, line_panel
from dlcore.viz.rnn import arm_color, positive

LIVE_WIDTH = 1000
NAN_CELL = np.array([236, 236, 236], dtype=np.uint8)  # no value (zero or NaN norm)


def _tint(color: str, alpha: float) -> str:
    """``color`` at opacity ``alpha`` over white, as hex."""
    mixed = np.rint(255 - alpha * (255 - hex_rgb(color))).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _viridis_lut() -> np.ndarray:
    """(256, 3) uint8: plotly's Viridis stops interpolated (the paused heat maps' colours)."""
    stops = np.array([hex_rgb(c) for c in pcolors.sequential.Viridis])
    t = np.linspace(0, len(stops) - 1, 256)
    return np.rint(
        np.stack([np.interp(t, np.arange(len(stops)), stops[:, k]) for k in range(3)], 1)
    ).astype(np.uint8)


VIRIDIS = _viridis_lut()


def viridis_rgb(z: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A 2-D array as Viridis RGB on [lo, hi]; NaN cells light grey. colormap_rgb gives each
    cell its level (white at lo .. black at hi), the Viridis table its colour."""
    z = np.asarray(z, dtype=np.float64)
    level = 255 - colormap_rgb(z, signed=False, vmin=lo, vmax=hi)[..., 0]  # 0 at lo, 255 at hi
    out = VIRIDIS[level]
    out[~np.isfinite(z)] = NAN_CELL
    return out


def _log_limits(values: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """(lo, hi) of log10 over the positive finite values, padded like raster.line_panel."""
    logs = [np.log10(v[np.isfinite(v)]) for v in (positive(a).ravel() for a in values)]
    logs = np.concatenate(logs) if logs else np.zeros(0)
    if not logs.size:
        return None
    lo, hi = float(logs.min()), float(logs.max())
    pad = 0.06 * (hi - lo) or 0.5
    return lo - pad, hi + pad


def _dashed(draw: ImageDraw.ImageDraw, pts: np.ndarray, color: str, on: int = 7, off: int = 5):
    """A dashed polyline through pixel points (n, 2); NaN points break it."""
    ok = np.isfinite(pts).all(axis=1)
    for run in np.split(np.arange(len(pts)), np.flatnonzero(np.diff(ok.astype(int))) + 1):
        if len(run) < 2 or not ok[run[0]]:
            continue
        p = pts[run]
        s = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(p, axis=0).T))])
        u = np.arange(0.0, s[-1] + 1.0, 1.0)
        xy = np.stack([np.interp(u, s, p[:, 0]), np.interp(u, s, p[:, 1])], 1)
        for a in range(0, len(u) - 1, on + off):
            seg = xy[a : a + on + 1]
            if len(seg) > 1:
                draw.line([tuple(q) for q in seg.tolist()], fill=color, width=2)


def _axis_note(draw: ImageDraw.ImageDraw, area: tuple[int, int, int, int], text: str) -> None:
    """An x-axis title centred under a line panel's plot area (between its first and last x)."""
    raster.text(draw, ((area[0] + area[2]) / 2, area[3] + 3), text, MUTED, anchor="ma")


def _key(draw: ImageDraw.ImageDraw, right: int, y: int, items: Sequence[tuple[str, str, str]]):
    """A legend of reference lines, right-aligned at (right, y): a short dotted or dashed
    sample in the line's colour, then its text; items are (text, colour, "dotted" | "dashed")."""
    f = font()
    for text, color, kind in reversed(items):
        tw = int(draw.textlength(text, font=f))
        raster.text(draw, (right, y), text, color if kind == "dashed" else MUTED, anchor="ra")
        x1, mid = right - tw - 4, y + 7
        if kind == "dashed":
            _dashed(draw, np.array([[x1 - 22.0, mid], [x1, mid]]), color, on=6, off=4)
        else:
            dotted(draw, x1 - 20, x1, mid, color)
        right = x1 - 36


def _log_panel(draw, box, series, refs=(), *, title="", x_note="", extra=(), blowups=()):
    """raster.line_panel on a log axis: whole decades as limits when the data spans 2.5 decades
    or more (readable labels), the reference levels' key in the title row (labels on the lines
    would hide the data) and an x-axis title. ``extra``: more values the limits must include;
    ``blowups``: (step, colour, x, y) of each run that diverged, marked there (_mark_blowup).
    Returns the plot area and the log10 limits (None when nothing is positive)."""
    lim = _log_limits([y for _, y, _, _ in series] + [np.array([r[0] for r in refs])] + [*extra])
    if lim is not None and lim[1] - lim[0] >= 2.5:
        lo, hi = math.floor(lim[0]), math.ceil(lim[1])
        lim = (lo, hi + (hi - lo) % 2)  # an even span: the middle label is a decade too
    area = line_panel(
        draw,
        (box[0] + 10, box[1], box[2], box[3]),  # room for labels such as 1e-24
        series,
        [(v, c, "") for v, c, _ in refs],
        ylim=(10.0 ** lim[0], 10.0 ** lim[1]) if lim else None,
        log_y=True,
        title=title,
    )
    _key(draw, box[2] - 6, box[1] + 2, [(t, c, "dotted") for _, c, t in refs])
    _axis_note(draw, area, x_note)
    xs = np.concatenate([np.asarray(x, dtype=np.float64) for x, _, _, _ in series] or [[]])
    if lim is not None and xs.size:
        xlim = (float(xs.min()), max(float(xs.max()), float(xs.min()) + 1))  # as line_panel
        for run in blowups:
            _mark_blowup(draw, area, lim, xlim, run)
    return area, lim


def _mark_blowup(draw, area, lim, xlim, run) -> None:
    """Where a run blew up: a dashed vertical line at its step and an x at the last value its
    curve had (a run that diverged at step 2 has one finite point: no line at all), with the
    step written at the top. ``run`` is (step, colour, x, y) of its curve; ``xlim`` and ``lim``
    the panel's x range and log10 limits."""
    at, color, x, y = run
    x0, y0, x1, y1 = area
    u = x0 + (min(max(at, xlim[0]), xlim[1]) - xlim[0]) / (xlim[1] - xlim[0]) * (x1 - x0)
    _dashed(draw, np.array([[u, y0], [u, y1]], dtype=np.float64), color, on=6, off=3)
    y = positive(y)
    seen = np.isfinite(y) & (np.asarray(x, dtype=np.float64) <= at)
    if seen.any():
        ly = float(np.clip(np.log10(y[seen][-1]), *lim))
        v, r = y1 - (ly - lim[0]) / (lim[1] - lim[0]) * (y1 - y0), 7
        draw.line([(u - r, v - r), (u + r, v + r)], fill=color, width=3)
        draw.line([(u - r, v + r), (u + r, v - r)], fill=color, width=3)
    right = u > (x0 + x1) / 2  # the label on the side with room
    where = (u - 6 if right else u + 6, y0 + 2)
    raster.text(
        draw, where, f"blew up at step {at}", color, anchor="ra" if right else "la", size=14
    )


def _status(draw: ImageDraw.ImageDraw, y: int, width: int, items: Sequence[tuple[str, str]]):
    """One line of per-run status texts in their colours, in equal columns."""
    col = width / max(1, len(items))
    for i, (text, color) in enumerate(items):
        raster.text(draw, (8 + i * col, y), text, color, size=14)


def _norms_and_losses(
    left: tuple[Sequence, Sequence, str, str],
    steps: np.ndarray,
    grad_norm: np.ndarray,
    labels: Sequence[str],
    clip_v: float,
    status: Sequence[tuple[str, str]],
    size: tuple[int, int],
    diverged_at: Sequence[int | None] = (),
) -> np.ndarray:
    """Two log panels side by side (a loss on the left, the pre-clip ||g|| with the threshold v
    on the right, ``steps`` (S,) the training steps of its columns) and a status line under
    them; each run that diverged is marked in both panels where it blew up (``diverged_at``:
    a step or None per run, in the order of ``labels`` and of the left panel's series)."""
    w, h = size
    img, draw = canvas(w, h)
    series, refs, title, x_note = left
    body = h - 30

    def blowups(curves: Sequence) -> list:
        return [(at, c, x, y) for (x, y, c, _), at in zip(curves, diverged_at) if at is not None]

    _log_panel(
        draw,
        (0, 0, w // 2 - 10, body),
        series,
        refs,
        title=title,
        x_note=x_note,
        blowups=blowups(series),
    )
    norms = [
        (steps, g, arm_color(lab, i), lab) for i, (lab, g) in enumerate(zip(labels, grad_norm))
    ]
    _log_panel(
        draw,
        (w // 2 + 10, 0, w, body),
        norms,
        [(clip_v, INK, f"clip threshold v = {clip_v:g}")],
        title="gradient norm before clipping, per step (log axis)",
        x_note="training step",
        blowups=blowups(norms),
    )
    draw.line([(0, body + 4), (w, body + 4)], fill=GRID)
    _status(draw, body + 10, w, status)
    return np.asarray(img)


def _last(row: np.ndarray) -> float:
    """The latest recorded value (NaN marks a step an arm has not trained yet)."""
    seen = row[~np.isnan(row)]
    return float(seen[-1]) if len(seen) else math.nan


def _diverged_text(snap, i: int) -> str:
    """'diverged at step 2 (NaN/inf)' (the step when the snapshot knows it)."""
    at = snap.diverged_at[i] if i < len(snap.diverged_at) else None
    return "diverged (NaN/inf)" if at is None else f"diverged at step {at} (NaN/inf)"


def train_status(snap) -> list[tuple[str, str]]:
    """Per cell (text, colour): solved or not by the last held-out loss, the share clipped."""
    out = []
    for i, (lab, row, share, dead) in enumerate(
        zip(snap.labels, snap.eval_loss, snap.clipped_share, snap.diverged)
    ):
        ev = _last(row)
        verdict = "solved" if ev < snap.solved_below else "not solved"
        text = f"{lab}: {_diverged_text(snap, i)}" if dead else f"{lab}: {ev:.4f} {verdict}"
        out.append((f"{text}, {share:.0%} of steps clipped", arm_color(lab, i)))
    return out


def clip_status(snap) -> list[tuple[str, str]]:
    """Per run (text, colour): the last training loss, the share of steps clipped."""
    out = []
    for i, (lab, row, share, dead) in enumerate(
        zip(snap.labels, snap.loss, snap.clipped_share, snap.diverged)
    ):
        text = f"{lab}: {_diverged_text(snap, i)}" if dead else f"{lab}: loss {_last(row):.4g}"
        out.append((f"{text}, {share:.0%} of steps clipped", arm_color(lab, i)))
    return out


def train_image(snap, clip_v: float, size: tuple[int, int] = (LIVE_WIDTH, 330)) -> np.ndarray:
    """The train view while training (paused: loss_figure and curves_figure): held-out loss of
    each cell with the no-memory baseline and the 'solved' level, the pre-clip ||g|| with the
    clip threshold v, and train_status under them."""
    cells = [
        (snap.eval_steps, loss, arm_color(lab, i), lab)
        for i, (lab, loss) in enumerate(zip(snap.labels, snap.eval_loss))
    ]
    refs = [
        (snap.baseline, MUTED, f"no-memory baseline {snap.baseline:.3f}"),
        (snap.solved_below, PALETTE["ok"], f"solved < {snap.solved_below:g}"),
    ]
    left = (cells, refs, f"held-out {snap.metric} (log axis)", "training step")
    status = train_status(snap)
    return _norms_and_losses(
        left, snap.train_steps, snap.grad_norm, snap.labels, clip_v, status, size, snap.diverged_at
    )


def clip_image(snap, clip_v: float, size: tuple[int, int] = (LIVE_WIDTH, 300)) -> np.ndarray:
    """The clipping pair while training (paused: two curves_figure): training loss of each run,
    pre-clip ||g|| with the threshold v, and clip_status under them."""
    runs = [
        (snap.train_steps, loss, arm_color(lab, i), lab)
        for i, (lab, loss) in enumerate(zip(snap.labels, snap.loss))
    ]
    left = (runs, [], f"training {snap.metric} per step (log axis)", "training step")
    status = clip_status(snap)
    return _norms_and_losses(
        left, snap.train_steps, snap.grad_norm, snap.labels, clip_v, status, size, snap.diverged_at
    )


def _regime_bar(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], lam: float, gamma: float
):
    """regime_figure's row for this gamma: lambda_1 < 1/gamma vanishing guaranteed, beyond it
    exploding possible; a diamond at lambda_1 of W."""
    x0, y0, x1, y1 = box[0] + 4, box[1] + 18, box[2] - 8, box[3] - 16
    title = f"largest singular value of W (|g'| at most {gamma:g})"
    raster.text(draw, (box[0] + 4, box[1]), title, INK)
    x_max = max(5.0, lam * 1.2) if np.isfinite(lam) else 5.0
    edge = min(1.0 / gamma, x_max) if gamma > 0 else x_max

    def px(v: float) -> float:
        return x0 + min(max(v, 0.0), x_max) / x_max * (x1 - x0)

    draw.rectangle([x0, y0, px(edge), y1], fill=_tint(PALETTE["pos"], 0.25))
    raster.text(draw, ((x0 + px(edge)) / 2, (y0 + y1) / 2), "vanishing", INK, anchor="mm")
    if edge < x_max:
        draw.rectangle([px(edge), y0, x1, y1], fill=_tint(PALETTE["accent"], 0.2))
        raster.text(
            draw, ((px(edge) + x1) / 2, (y0 + y1) / 2), "exploding possible", INK, anchor="mm"
        )
    for v in (0.0, edge, x_max):
        raster.text(draw, (px(v), y1 + 2), f"{v:g}", MUTED, anchor="ma")
    if np.isfinite(lam):
        u, m, r = px(lam), (y0 + y1) / 2, 7
        draw.polygon([(u, m - r), (u + r, m), (u, m + r), (u - r, m)], fill=INK)


def _colorbar(img, draw, box: tuple[int, int, int, int], lo: float, hi: float) -> None:
    """A vertical Viridis bar for log10 values lo..hi, labelled in data units."""
    x0, y0, x1, y1 = box[0], box[1] + 18, box[0] + 14, box[3]
    raster.text(draw, (box[0], box[1]), "gradient", INK)
    ramp = viridis_rgb(np.linspace(1.0, 0.0, max(1, y1 - y0))[:, None], 0.0, 1.0)  # high on top
    img.paste(Image.fromarray(np.repeat(ramp, x1 - x0, axis=1)), (x0, y0))
    raster.text(draw, (x1 + 4, y0), f"{10.0**hi:.2g}", MUTED, anchor="la")
    raster.text(draw, (x1 + 4, y1), f"{10.0**lo:.2g}", MUTED, anchor="ld")


def flow_image(now, snap, size: tuple[int, int] = (LIVE_WIDTH, 560)) -> np.ndarray:
    """The flow view while training (paused: flow_curves, regime_figure, flow_heatmaps).

    Top left: ||dL/dh_t|| against t for each cell (log axis) with the dashed bound
    (lambda_1 gamma)^(T-1-t) of the vanilla RNN. Top right: lambda_1, gamma, their product and
    the regime, and the lambda_1 axis. Below: log10 ||dL/dh_t|| per cell, time step t (x)
    against training step (y, the latest probe on top), on one colour scale."""
    w, h = size
    img, draw = canvas(w, h)
    t = np.arange(now.flows.shape[1], dtype=np.float64)
    top = int(h * 0.52)
    split = int(w * 0.62)
    cells = [
        (t, f, arm_color(lab, i), lab) for i, (lab, f) in enumerate(zip(now.labels, now.flows))
    ]
    area, lim = _log_panel(
        draw,
        (0, 0, split, top),
        cells,
        title="gradient norm at each step t, now (log axis)",
        x_note="time step t (the loss is at the last step)",
        extra=[now.bound],
    )
    rnn = arm_color("RNN", 0)
    _key(draw, split - 6, 2, [("the lecture's bound", rnn, "dashed")])
    if lim is not None and len(t):
        x0, y0, x1, y1 = area
        b = np.log10(positive(now.bound))
        u = x0 + t / max(t[-1], 1.0) * (x1 - x0)
        v = y1 - (np.clip(b, *lim) - lim[0]) / (lim[1] - lim[0]) * (y1 - y0)
        _dashed(draw, np.stack([u, v], 1), rnn)
    sp = now.spectrum
    lines = [  # words: the raster font has no Greek (the caption under the frame has symbols)
        ("Vanilla RNN now", INK),
        (f"largest singular value of W: {sp.lambda_1:.3f}", INK),
        (f"bound on |g'|: {sp.gamma:g}", INK),
        (f"their product: {sp.product:.3f}", INK),
    ]
    regime = sp.regime.split("; ")
    lines += [(r, PALETTE["pos"] if sp.product < 1.0 else PALETTE["accent"]) for r in regime]
    for k, (text, color) in enumerate(lines):
        raster.text(draw, (split + 24, 8 + 22 * k), text, color, size=14)
    _regime_bar(draw, (split + 20, top - 72, w, top - 4), sp.lambda_1, sp.gamma)
    _flow_heat_row(img, draw, (0, top + 8, w, h), snap.flow, snap.eval_steps, snap.labels)
    return np.asarray(img)


def _flow_heat_row(img, draw, box, flows: np.ndarray, steps: np.ndarray, labels: Sequence[str]):
    """flow_heatmaps as one raster row: one map per cell on a shared log colour scale."""
    z = np.log10(positive(flows))  # (A, P, T)
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    hi = hi if hi > lo else lo + 1.0
    x0, y0, x1, y1 = box[0] + 56, box[1] + 18, box[2] - 80, box[3] - 34
    draw.line([(0, box[1] - 4), (box[2], box[1] - 4)], fill=GRID)
    gap, n = 14, max(1, len(labels))
    cw = (x1 - x0 - gap * (n - 1)) // n
    for i, lab in enumerate(labels):
        cx = x0 + i * (cw + gap)
        raster.text(draw, (cx, box[1]), lab, arm_color(lab, i), size=14)
        if z.ndim == 3 and z.shape[1] and z.shape[2]:
            tile = Image.fromarray(viridis_rgb(z[i][::-1], lo, hi))  # latest probe on top
            img.paste(tile.resize((cw, y1 - y0), Image.NEAREST), (cx, y0))
        draw.rectangle([cx - 1, y0 - 1, cx + cw, y1], outline=GRID)
        raster.text(draw, (cx, y1 + 2), "t = 0", MUTED)
        raster.text(draw, (cx + cw, y1 + 2), f"t = {max(z.shape[-1] - 1, 0)}", MUTED, anchor="ra")
    if len(steps):
        raster.text(draw, (x0 - 4, y0), f"{int(steps[-1]):,}", MUTED, anchor="ra")
        raster.text(draw, (x0 - 4, y1), f"{int(steps[0]):,}", MUTED, anchor="rd")
    raster.text(
        draw,
        ((x0 + x1) / 2, y1 + 18),
        "x: time step t    y: training step (the latest probe on top)    colour: gradient norm "
        "at step t (log scale)",
        MUTED,
        anchor="ma",
    )
    _colorbar(img, draw, (x1 + 16, box[1], box[2], y1), lo, hi)
