"""Figures of the optimization lab (pages/optimization.py): arrays in, plotly figures or the
live frame's JSON out.

- the race: the surface's contours with every racer's path (a click on the plane picks the start
  point), loss against iteration, and the JSON a live frame sends to dlcore/ui/js/optim_race.js
- the adaptive methods: AdaGrad's and RMSProp's paths with their per-coordinate step
  eta / (delta + sqrt(r)) drawn as a cross at points of the path, and the steps against iteration
- momentum on a quadratic: error against iteration with the predicted rate, and the rate over
  (eta, beta) (a click there picks eta and beta), after Goh's figures
- a network's landscape with the projected paths (Li et al. 2018)
- regularization: loss contours with the L2 disc and the L1 diamond, the solution paths, the
  weights against alpha, early stopping beside L2
- dropout: the ensembles' class probabilities on the same digits

Colours: each optimizer keeps its colour on every figure (dlcore.optim.optimizers.OPTIMIZERS).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dlcore.optim import regularization
from dlcore.optim.config import RACERS
from dlcore.optim.optimizers import OPTIMIZERS
from dlcore.optim.surfaces import NUMPY_FUNCS, parse
from dlcore.viz.common import GRAYS, PALETTE, room, style, xy_trace
from dlcore.viz.raster import png_data_url

# the surface: low loss a quiet blue-grey, high loss white, so that the paths stand out
SURFACE_SCALE = [[0.0, "#8fa9c4"], [0.45, "#d7e2ee"], [1.0, "#ffffff"]]
GRID_N = 96  # the live frame's surface grid (the browser smooths it to the plane's size)
CURVE_POINTS = 300  # the live curves are thinned to this many points
PATH_POINTS = 700  # ... and each path (the newest 200 iterations always in full)
CLICK_N = 36  # the invisible grid of points that turns a click into a point of the plane
LEVELS = 14  # contour levels of a surface


def color(name: str) -> str:
    return OPTIMIZERS[name].color


def label(name: str) -> str:
    return OPTIMIZERS[name].label


def b64(a: np.ndarray) -> str:
    """A little-endian array's raw bytes, base64 (JS reads them as typed arrays)."""
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


# ----------------------------------------------------------------------------- surfaces
def shade(z: np.ndarray, f_min: float | None) -> np.ndarray:
    """What the colours and contours follow: log10 of the height above the minimum (the grid's
    lowest point when the minimum is unknown), so that valleys keep their contours."""
    z = np.asarray(z, dtype=np.float64)
    finite = z[np.isfinite(z)]
    if not finite.size:
        return np.zeros_like(z)
    floor = min(float(finite.min()), f_min) if f_min is not None else float(finite.min())
    span = float(finite.max()) - floor
    eps = max(span, 1e-12) * 1e-4
    return np.log10(np.nan_to_num(z - floor, nan=span, posinf=span) + eps)


def lut(scale: list | None = None) -> np.ndarray:
    """The colour scale as a 256 x 3 uint8 table (the browser's colours of the live frame)."""
    scale = scale or SURFACE_SCALE
    stops = np.array([s for s, _ in scale])
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in scale], dtype=float)
    t = np.linspace(0, 1, 256)
    return np.stack([np.interp(t, stops, rgb[:, j]) for j in range(3)], 1).astype(np.uint8)


_LUT_B64 = b64(lut())


def _contour(xs, ys, z, f_min, *, name: str = "f", showscale: bool = False) -> go.Contour:
    s = shade(z, f_min)
    return go.Contour(
        x=xs, y=ys, z=s, colorscale=SURFACE_SCALE, ncontours=LEVELS, showscale=showscale,
        contours=dict(coloring="fill", showlines=True), line=dict(color="rgba(60,70,90,0.35)"),
        customdata=z, hovertemplate="x %{x:.3f}, y %{y:.3f}<br>" + name
        + " = %{customdata:.4g}<extra></extra>", name=name,
    )  # fmt: skip


SURFACE_PX = 480  # pixels of a surface's picture (the race plane is ~450 px on screen)
HOVER_N = 60  # the invisible heatmap over it that gives f(x, y) on hover
LINE_RGB, LINE_ALPHA = np.array([60, 70, 90], np.float32), 0.35  # the contour lines


def banded(s: np.ndarray, levels: int = LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """(band index of each cell, the band's colour (levels, 3)): ``levels`` equal bands over the
    shaded range, each filled with the colour scale at its middle (plotly's filled contours)."""
    lo, hi = float(s.min()), float(s.max())
    band = np.clip(((s - lo) / max(hi - lo, 1e-12) * levels).astype(int), 0, levels - 1)
    return band, lut()[np.rint((np.arange(levels) + 0.5) / levels * 255).astype(int)]


@lru_cache(maxsize=32)
def surface_picture(text: str, box: tuple, f_min: float | None, px: int = SURFACE_PX) -> str:
    """A surface's filled contours as a PNG data URL, row 0 at the top (computed once per
    surface: the paused race redraws only its paths). Plotly computed the same contours in the
    browser from a 120 x 120 grid at every redraw (~0.1 s)."""
    xs = np.linspace(box[0], box[1], px)
    ys = np.linspace(box[3], box[2], px)  # top row first
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.broadcast_to(parse(text)(gx, gy, NUMPY_FUNCS), gx.shape)
    band, colours = banded(shade(z, f_min))
    rgb = colours[band].astype(np.float32)  # (px, px, 3)
    edge = np.zeros(band.shape, bool)  # a line where the band changes to the right or below
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    edge[:-1, :] |= band[:-1, :] != band[1:, :]
    rgb[edge] = (1 - LINE_ALPHA) * rgb[edge] + LINE_ALPHA * LINE_RGB
    return png_data_url(np.rint(rgb).astype(np.uint8), colors=None)


def surface_layers(surface, name: str = "f") -> tuple[dict, go.Heatmap]:
    """The surface's picture on the axes (a layout image) and an invisible heatmap over it that
    gives f(x, y) on hover."""
    x0, x1, y0, y1 = surface.box
    picture = dict(
        source=surface_picture(surface.text, tuple(surface.box), surface.f_min),
        xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
        sizing="stretch", layer="below",
    )  # fmt: skip
    xs, ys, z = surface.grid(HOVER_N)
    hover = go.Heatmap(
        x=xs, y=ys, z=z, opacity=0, showscale=False, name=name,
        hovertemplate="x %{x:.3f}, y %{y:.3f}<br>" + name + " = %{z:.4g}<extra></extra>",
    )  # fmt: skip
    return picture, hover


def click_grid(box: tuple[float, float, float, float], hover: str) -> go.Scatter:
    """An invisible grid of points over the plane: plotly selects points (not contour cells) on
    a click, so a click anywhere gives a point's (x, y). A text trace with no text is hovered,
    clicked and selected like markers but draws nothing (1,296 transparent markers cost the
    browser ~60 ms of styling at every redraw)."""
    gx, gy = np.meshgrid(np.linspace(box[0], box[1], CLICK_N), np.linspace(box[2], box[3], CLICK_N))
    return go.Scatter(
        x=gx.ravel(), y=gy.ravel(), mode="text", name="click", showlegend=False,
        hovertemplate="x %{x:.2f}, y %{y:.2f}<br>" + hover + "<extra></extra>",
    )  # fmt: skip


def _plane_axes(fig: go.Figure, box, height: int, **kw) -> go.Figure:
    fig.update_xaxes(range=list(box[:2]), title="x", constrain="domain", showgrid=False, **kw)
    fig.update_yaxes(
        range=list(box[2:]), title="y", scaleanchor="x", constrain="domain", showgrid=False
    )
    fig.update_layout(clickmode="event+select", dragmode=False)
    return style(fig, height=height)


def _finite_path(path: np.ndarray) -> np.ndarray:
    ok = np.all(np.isfinite(path), 1)
    return path[: int(np.argmin(ok)) if not ok.all() else len(path)]


def race_figure(snap, names: Sequence[str], *, height: int = 560) -> go.Figure:
    """The surface's contours with each shown racer's path, the start and the known minima."""
    surface = snap.surface
    picture, hover = surface_layers(surface)
    fig = go.Figure(hover, layout=dict(images=[picture]))
    fig.add_trace(click_grid(surface.box, "click: start the race here"))
    for name in names:
        path = _finite_path(snap.paths[RACERS.index(name)])
        fig.add_trace(
            xy_trace(
                path, label(name), "lines", line=dict(color=color(name), width=3), legendgroup=name,
                hovertemplate=label(name) + ": x %{x:.3f}, y %{y:.3f}<extra></extra>",
            )
        )  # fmt: skip
        fig.add_trace(
            xy_trace(
                path[-1:], legendgroup=name,
                marker=dict(size=13, color=color(name), line=dict(color="white", width=2)),
                showlegend=False, hoverinfo="skip",
            )
        )  # fmt: skip
    _landmarks(fig, snap.start, surface.minima)
    return room(_plane_axes(fig, surface.box, height), 62, 16, 74, 74)


def _landmarks(fig: go.Figure, start, minima) -> None:
    fig.add_trace(
        xy_trace(
            start, "start",
            marker=dict(size=16, symbol="circle-open", color=PALETTE["ink"], line=dict(width=3)),
            hovertemplate="start (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )  # fmt: skip
    if minima:
        fig.add_trace(
            xy_trace(
                np.asarray(minima), "minimum",
                marker=dict(size=16, symbol="star", color="#ffd21f",
                            line=dict(color=PALETTE["ink"], width=1)),
                hovertemplate="minimum (%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )  # fmt: skip


def gap_curve(losses: np.ndarray, f_min: float | None) -> tuple[np.ndarray, bool]:
    """f(theta_k) - f* for a log axis when f* is known (clipped at 1e-16), else f itself."""
    if f_min is None:
        return losses, False
    return np.maximum(losses - f_min, 1e-16), True


def loss_figure(snap, names: Sequence[str], *, height: int = 300) -> go.Figure:
    """Loss against iteration for each shown racer (height above the minimum, log scale)."""
    fig = go.Figure()
    k = np.arange(snap.k + 1)
    log = False
    for name in names:
        y, log = gap_curve(snap.losses[RACERS.index(name)], snap.surface.f_min)
        fig.add_trace(
            go.Scatter(x=k, y=y, mode="lines", name=label(name),
                       line=dict(color=color(name), width=2.5))
        )  # fmt: skip
    fig.update_xaxes(title="iteration k")
    title = "f(θ<sub>k</sub>) − f*" if log else "f(θ<sub>k</sub>)"
    fig.update_yaxes(title=title, type="log" if log else "linear", exponentformat="power")
    return room(style(fig, height=height), 72, 16, 62, 70)


# ----------------------------------------------------------------------------- the live frame
def _thin(n: int, k: int, tail: int = 200) -> np.ndarray:
    """Indices 0..n-1: at most k of them, the newest ``tail`` all kept."""
    if n <= k:
        return np.arange(n)
    head = np.linspace(0, n - tail - 1, k - tail).astype(int)  # sorted: drop repeats cheaply
    head = head[np.concatenate([[True], np.diff(head) > 0])]
    return np.concatenate([head, np.arange(n - tail, n)])


def quantize(xy: np.ndarray, box) -> tuple[np.ndarray, list[float]]:
    """Points as uint16 over the box widened by its size on each side (paths may leave it)."""
    x0, x1, y0, y1 = box
    w, h = x1 - x0, y1 - y0
    q = [x0 - w, x1 + w, y0 - h, y1 + h]
    u = (xy[:, 0] - q[0]) / (q[1] - q[0])
    v = (xy[:, 1] - q[2]) / (q[3] - q[2])
    return np.rint(np.clip(np.stack([u, v], 1), 0, 1) * 65535).astype("<u2"), q


def surface_payload(surface, key: str) -> dict:
    """The surface for the browser: shaded heights as uint8 on a GRID_N grid (rows from the
    bottom) and the colour table; ``key`` lets the browser keep what it drew."""
    field = _shaded_field(surface.text, tuple(surface.box), surface.f_min)
    return {"key": key, "n": GRID_N, "field": field, "lut": _LUT_B64, "levels": LEVELS}


@lru_cache(maxsize=32)
def _shaded_field(text: str, box: tuple, f_min: float | None) -> str:
    """A surface's shaded grid, base64 (the same every frame of a race: computed once)."""
    xs, ys = np.linspace(box[0], box[1], GRID_N), np.linspace(box[2], box[3], GRID_N)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.broadcast_to(parse(text)(gx, gy, NUMPY_FUNCS), gx.shape)
    s = shade(z, f_min)
    lo, hi = float(s.min()), float(s.max())
    return b64(np.rint((s - lo) / max(hi - lo, 1e-12) * 255).astype(np.uint8))


def _racer_payload(snap, i: int, name: str, lr: float) -> dict:
    path = _finite_path(snap.paths[i])
    xy, _ = quantize(path[_thin(len(path), PATH_POINTS)], snap.surface.box)
    out = int(snap.out_at[i])
    loss = snap.losses[i, len(path) - 1]
    return {"name": label(name), "color": color(name), "m": len(xy), "xy": b64(xy),
            "out": out, "lr": f"{lr:.3g}", "loss": f"{loss:.4g}"}  # fmt: skip


def _curves_payload(snap, idx: list[int]) -> dict:
    k = np.arange(snap.k + 1)
    sel = _thin(len(k), CURVE_POINTS, tail=50)
    ys, log = [], False
    for i in idx:
        y, log = gap_curve(snap.losses[i], snap.surface.f_min)
        ys.append(b64(np.asarray(y[sel], dtype="<f4")))
    return {"n": len(sel), "k": b64(k[sel].astype("<f4")), "ys": ys, "log": log,
            "label": "f(θₖ) − f*" if log else "f(θₖ)"}  # fmt: skip


def race_payload(snap, names: Sequence[str], counter: int, bg_key: str) -> dict:
    """Everything one live frame of the race draws (JSON-able)."""
    idx = [RACERS.index(n) for n in names]
    _, q = quantize(np.zeros((1, 2)), snap.surface.box)
    return {
        "i": int(counter),
        "mode": "race",
        "box": list(snap.surface.box),
        "q": q,
        "bg": surface_payload(snap.surface, bg_key),
        "start": list(snap.start),
        "minima": [list(m) for m in snap.surface.minima],
        "racers": [_racer_payload(snap, i, RACERS[i], snap.lrs[i]) for i in idx],
        "curves": _curves_payload(snap, idx),
        "k": int(snap.k),
    }


# ----------------------------------------------------------------------------- adaptive methods
ADAPTIVE = ("adagrad", "rmsprop")
CROSSES = 14  # crosses drawn along each adaptive path


def cross_points(snap, i: int, count: int = CROSSES) -> np.ndarray:
    """(c, 4) rows of x, y and the per-coordinate steps s_x, s_y at ``count`` iterations spread
    over racer i's path (the crosses drawn on the trajectory)."""
    path = _finite_path(snap.paths[i])
    n = len(path)
    ks = np.unique(np.linspace(0, n - 1, min(count, n)).astype(int))
    return np.concatenate([path[ks], snap.scales[i, ks]], 1)


def cross_scale(snap, idx: Sequence[int], box) -> float:
    """Plane units per unit of step size: the median step drawn spans 3 % of the box (every
    cross to the same scale; ``cross_arms`` caps the few early, much larger ones)."""
    steps = np.concatenate([cross_points(snap, i)[:, 2:].ravel() for i in idx])
    steps = steps[np.isfinite(steps) & (steps > 0)]
    typical = float(np.median(steps)) if steps.size else 1.0
    return 0.03 * (box[1] - box[0]) / max(typical, 1e-300)


def cross_arms(rows: np.ndarray, unit: float, box) -> np.ndarray:
    """The crosses' half-arms in plane units, capped at 8 % of the box."""
    return np.minimum(rows[:, 2:] * unit, 0.08 * (box[1] - box[0]))


def adaptive_figure(snap, *, height: int = 560) -> go.Figure:
    """AdaGrad's and RMSProp's paths with a cross at points of each: its arms are the step each
    coordinate would take for a unit gradient, eta / (delta + sqrt(r)) (to scale)."""
    surface = snap.surface
    picture, hover = surface_layers(surface)
    fig = go.Figure(hover, layout=dict(images=[picture]))
    fig.add_trace(click_grid(surface.box, "click: start here"))
    idx = [RACERS.index(n) for n in ADAPTIVE]
    unit = cross_scale(snap, idx, surface.box)
    for name, i in zip(ADAPTIVE, idx):
        path = _finite_path(snap.paths[i])
        c = cross_points(snap, i)
        arms = cross_arms(c, unit, surface.box)
        fig.add_trace(
            xy_trace(path, label(name), "lines", line=dict(color=color(name), width=3),
                     legendgroup=name)
        )  # fmt: skip
        fig.add_trace(
            xy_trace(
                c, legendgroup=name, showlegend=False,
                marker=dict(size=5, color=color(name)),
                error_x=dict(type="data", array=arms[:, 0], color=color(name), width=0,
                             thickness=2),
                error_y=dict(type="data", array=arms[:, 1], color=color(name), width=0,
                             thickness=2),
                customdata=c[:, 2:],
                hovertemplate=label(name) + ": step per coordinate "
                "(%{customdata[0]:.3g}, %{customdata[1]:.3g})<extra></extra>",
            )
        )  # fmt: skip
    _landmarks(fig, snap.start, surface.minima)
    return _plane_axes(fig, surface.box, height)


def step_figure(snap, *, height: int = 300) -> go.Figure:
    """eta_k / (delta + sqrt(r_i)) per coordinate against iteration (log scale): AdaGrad's falls
    for ever (r only grows), RMSProp's levels off (r forgets)."""
    fig = go.Figure()
    k = np.arange(snap.k + 1)
    for name in ADAPTIVE:
        i = RACERS.index(name)
        for j, (axis, dash) in enumerate((("x", "solid"), ("y", "dash"))):
            fig.add_trace(
                go.Scatter(
                    x=k, y=snap.scales[i, :, j], mode="lines", name=f"{label(name)}, {axis}",
                    line=dict(color=color(name), width=2.5, dash=dash),
                )
            )  # fmt: skip
    fig.update_xaxes(title="iteration k")
    fig.update_yaxes(title="step per unit gradient", type="log", exponentformat="power")
    return style(fig, height=height)


def adaptive_payload(snap, counter: int, bg_key: str) -> dict:
    """The race payload restricted to AdaGrad and RMSProp, with their crosses and step curves."""
    data = race_payload(snap, ADAPTIVE, counter, bg_key)
    data["mode"] = "adaptive"
    idx = [RACERS.index(n) for n in ADAPTIVE]
    unit = cross_scale(snap, idx, snap.surface.box)
    crosses = []
    for i in idx:
        rows = cross_points(snap, i)
        rows[:, 2:] = cross_arms(rows, unit, snap.surface.box)
        crosses.append(b64(np.asarray(rows, dtype="<f4")))
    data["crosses"] = crosses
    sel = _thin(snap.k + 1, CURVE_POINTS, tail=50)
    data["steps"] = {
        "n": len(sel),
        "ys": [b64(np.asarray(snap.scales[i, sel, j], dtype="<f4")) for i in idx for j in (0, 1)],
        "label": "η / (δ + √r) per coordinate (x solid, y dashed)",
    }
    return data


# ----------------------------------------------------------------------------- momentum (Goh)
def rate_map_figure(
    etas: np.ndarray, betas: np.ndarray, R: np.ndarray, run, *, height: int = 430
) -> go.Figure:
    """The convergence rate rho over (eta, beta): dark where fast, white where it diverges; the
    current choice, Goh's optimum and gradient descent's best are marked. Click to choose."""
    shown = np.where(R < 1.0, R, np.nan)
    fig = go.Figure(
        go.Heatmap(
            x=etas, y=betas, z=shown, colorscale="Viridis", zmin=float(np.nanmin(shown)),
            zmax=1.0, colorbar=dict(title="ρ", thickness=12),
            hovertemplate="η %{x:.3f}, β %{y:.3f}<br>ρ = %{z:.4f}<extra></extra>",
        )
    )  # fmt: skip
    gx, gy = np.meshgrid(np.linspace(etas[0], etas[-1], 40), np.linspace(betas[0], betas[-1], 40))
    fig.add_trace(
        go.Scatter(
            x=gx.ravel(), y=gy.ravel(), mode="text", name="click", showlegend=False,  # click_grid
            hovertemplate="click: η %{x:.2f}, β %{y:.2f}<extra></extra>",
        )
    )  # fmt: skip
    best = run.best
    marks = (
        ("your η, β", run.eta, run.beta, "circle", "#ffffff"),
        ("Goh's optimum", best.eta, best.beta, "star", "#ffd21f"),
        ("gradient descent's best", best.gd_eta, 0.0, "diamond", "#f59322"),
    )
    for name, x, y, symbol, fill in marks:
        fig.add_trace(
            go.Scatter(
                x=[x], y=[y], mode="markers", name=name,
                marker=dict(size=15, symbol=symbol, color=fill,
                            line=dict(color=PALETTE["ink"], width=2)),
                hovertemplate=name + ": η %{x:.3f}, β %{y:.3f}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_xaxes(title="step size η", range=[etas[0], etas[-1]])
    fig.update_yaxes(title="momentum β", range=[betas[0], betas[-1]])
    fig.update_layout(clickmode="event+select", dragmode=False)
    return style(fig, height=height)


def momentum_error_figure(run, *, height: int = 330) -> go.Figure:
    """||w_k - w*|| against k (log) for momentum and gradient descent, with the predicted
    rate's line rho^k through the run's second half."""
    fig = go.Figure()
    k = np.arange(len(run.errors))
    series = (
        ("momentum", run.errors, run.predicted, "#0877bd"),
        ("gradient descent (best η)", run.gd_errors, run.best.gd_rate, "#d55e00"),
    )
    for name, err, rho, col in series:
        fig.add_trace(go.Scatter(x=k, y=err, mode="lines", name=f"{name}: measured",
                                 line=dict(color=col, width=3)))  # fmt: skip
        anchor = len(err) // 2
        if np.isfinite(err[anchor]) and err[anchor] > 0 and rho > 0:
            theory = err[anchor] * rho ** (k - anchor)
            fig.add_trace(
                go.Scatter(x=k, y=theory, mode="lines", line=dict(color=col, width=2, dash="dot"),
                           name=f"{name}: ρ<sup>k</sup>, ρ = {rho:.4f}")
            )  # fmt: skip
    fig.update_xaxes(title="iteration k")
    fig.update_yaxes(title="‖w<sub>k</sub> − w*‖", type="log", exponentformat="power")
    top = max(float(np.nanmax(run.errors[np.isfinite(run.errors)], initial=1.0)), 1.0)
    fig.update_yaxes(range=[np.log10(max(1e-300, _floor(run))), np.log10(top * 3)])
    return style(fig, height=height)


def _floor(run) -> float:
    both = np.concatenate([run.errors, run.gd_errors])
    pos = both[np.isfinite(both) & (both > 0)]
    return float(max(pos.min(), 1e-16)) if pos.size else 1e-16


def momentum_path_figure(surface, run, *, height: int = 430) -> go.Figure:
    """Both runs on the quadratic's contours."""
    xs, ys, z = surface.grid(100)
    fig = go.Figure(_contour(xs, ys, z, surface.f_min))
    for name, path, col in (
        ("momentum", run.path, "#0877bd"),
        ("gradient descent", run.gd_path, "#d55e00"),
    ):
        line = dict(color=col, width=2.5)
        fig.add_trace(
            xy_trace(_finite_path(path), name, "lines+markers", line=line, marker=dict(size=4))
        )
    _landmarks(fig, tuple(run.path[0]), surface.minima)
    return _plane_axes(fig, surface.box, height)


# ----------------------------------------------------------------------------- landscape
def landscape_figure(land, *, height: int = 560) -> go.Figure:
    """The loss over the plane (log-shaded contours) and every optimizer's projected path."""
    fig = go.Figure(_contour(land.a, land.b, land.loss, None, name="loss"))
    for name, path in land.paths.items():
        fig.add_trace(
            xy_trace(
                path, label(name), "lines", line=dict(color=color(name), width=3), legendgroup=name,
                customdata=land.path_loss[name],
                hovertemplate=label(name) + ": step %{pointNumber}, loss %{customdata:.4f}"
                "<extra></extra>",
            )
        )  # fmt: skip
        fig.add_trace(
            xy_trace(path[-1:], legendgroup=name, showlegend=False, hoverinfo="skip",
                     marker=dict(size=12, color=color(name), line=dict(color="white", width=2)))
        )  # fmt: skip
    start = next(iter(land.paths.values()))[0]
    fig.add_trace(
        xy_trace(start, "initial weights",
                 marker=dict(size=15, symbol="circle-open", color=PALETTE["ink"],
                             line=dict(width=3)))
    )  # fmt: skip
    names = ("PC 1", "PC 2") if land.dirs == "pca" else ("random δ₁", "random δ₂")
    fig.update_xaxes(title=f"a along {names[0]}", showgrid=False)
    fig.update_yaxes(title=f"b along {names[1]}", showgrid=False)
    return style(fig, height=height)


def landscape_loss_figure(land, *, height: int = 300) -> go.Figure:
    fig = go.Figure()
    for name, loss in land.path_loss.items():
        fig.add_trace(
            go.Scatter(
                y=loss, mode="lines", name=label(name), line=dict(color=color(name), width=2.5)
            )
        )
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title="training loss", type="log", exponentformat="power")
    return style(fig, height=height)


# ----------------------------------------------------------------------------- regularization
L2_COLOR, L1_COLOR, GD_COLOR = "#0877bd", "#d55e00", "#009e73"


def _box_for(points: np.ndarray) -> tuple[float, float, float, float]:
    lo = np.minimum(points.min(0), -0.5)
    hi = np.maximum(points.max(0), 0.5)
    c, half = (lo + hi) / 2, float(np.max(hi - lo)) / 2 * 1.25
    return c[0] - half, c[0] + half, c[1] - half, c[1] + half


def reg_box(problem, radius: float = 0.0) -> tuple[float, float, float, float]:
    """A square around 0, w* and the regions of size ``radius`` (the disc, the diamond)."""
    r = radius
    extra = np.array([[r, 0.0], [-r, 0.0], [0.0, r], [0.0, -r]])
    return _box_for(np.concatenate([np.zeros((1, 2)), problem.w_star[None], extra]))


def _level(problem, box, level: float, col: str, name: str, n: int = 120) -> go.Contour:
    """The one contour J(w) = level (the loss contour that touches a constraint region)."""
    w1, w2 = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    g1, g2 = np.meshgrid(w1, w2)
    z = regularization.loss(problem, np.stack([g1, g2], -1))
    return go.Contour(
        x=w1, y=w2, z=z, showscale=False, name=name, showlegend=True, hoverinfo="skip",
        contours=dict(coloring="none", start=level, end=level, size=1.0),
        line=dict(color=col, width=2, dash="dash"),
    )  # fmt: skip


def _loss_contour(problem, box, n: int = 120) -> go.Contour:
    w1, w2 = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    g1, g2 = np.meshgrid(w1, w2)
    z = regularization.loss(problem, np.stack([g1, g2], -1))
    return _contour(w1, w2, z, problem.J_star, name="J(w)")


def _mark(fig, w, name, col, symbol="circle", size=14) -> None:
    fig.add_trace(
        xy_trace(
            w, name,
            marker=dict(size=size, symbol=symbol, color=col, line=dict(color="white", width=2)),
            hovertemplate=name + ": (%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )  # fmt: skip


def penalty_figure(problem, alpha, w_l2, w_l1, path_l2, path_l1, *, height: int = 560):
    """J's contours, the L2 disc of radius ||w~||_2 and the L1 diamond of size ||w~||_1 (the
    constraint regions whose solutions are the penalized ones), both solution paths, w*."""
    r2, r1 = float(np.linalg.norm(w_l2)), float(np.abs(w_l1).sum())
    box = reg_box(problem, max(r2, r1))
    fig = go.Figure(_loss_contour(problem, box))
    fig.add_trace(click_grid(box, "click: move the true weights here"))
    t = np.linspace(0, 2 * np.pi, 200)
    for w, col, name in ((w_l2, L2_COLOR, "J through the L2 solution"),
                         (w_l1, L1_COLOR, "J through the L1 solution")):  # fmt: skip
        level = float(regularization.loss(problem, w))
        fig.add_trace(_level(problem, box, level, col, name))
    fig.add_trace(
        go.Scatter(
            x=r2 * np.cos(t),
            y=r2 * np.sin(t),
            mode="lines",
            fill="toself",
            fillcolor="rgba(8,119,189,0.12)",
            name="L2 disc ‖w‖₂ ≤ r",
            line=dict(color=L2_COLOR, width=2),
            hoverinfo="skip",
        )
    )
    fig.add_trace(go.Scatter(x=[r1, 0, -r1, 0, r1], y=[0, r1, 0, -r1, 0], mode="lines",
                             fill="toself", fillcolor="rgba(213,94,0,0.12)",
                             name="L1 diamond ‖w‖₁ ≤ r", line=dict(color=L1_COLOR, width=2),
                             hoverinfo="skip"))  # fmt: skip
    for path, col, name in ((path_l2, L2_COLOR, "L2 path (α: 0 → ∞)"),
                            (path_l1, L1_COLOR, "L1 path (α: 0 → ∞)")):  # fmt: skip
        line = dict(color=col, width=2, dash="dot")
        fig.add_trace(xy_trace(path, name, "lines", line=line, hoverinfo="skip"))
    _mark(fig, problem.w_star, "w* (no penalty)", PALETTE["ink"], "x", 13)
    _mark(fig, w_l2, f"L2 solution, α = {alpha:g}", L2_COLOR)
    _mark(fig, w_l1, f"L1 solution, α = {alpha:g}", L1_COLOR, "square")
    fig.update_xaxes(
        range=list(box[:2]),
        title="w₁",
        constrain="domain",
        showgrid=False,
        zeroline=True,
        zerolinecolor="#555",
    )
    fig.update_yaxes(
        range=list(box[2:]),
        title="w₂",
        scaleanchor="x",
        constrain="domain",
        showgrid=False,
        zeroline=True,
        zerolinecolor="#555",
    )
    fig.update_layout(clickmode="event+select", dragmode=False)
    return style(fig, height=height)


def weights_figure(alphas, path_l2, path_l1, alpha, *, height: int = 300) -> go.Figure:
    """Each weight against alpha for L2 (shrinks, never 0) and L1 (reaches exactly 0)."""
    fig = go.Figure()
    a = np.maximum(alphas, alphas[alphas > 0].min() / 2)
    for path, col, name in ((path_l2, L2_COLOR, "L2"), (path_l1, L1_COLOR, "L1")):
        for j, dash in ((0, "solid"), (1, "dash")):
            fig.add_trace(
                go.Scatter(
                    x=a,
                    y=path[:, j],
                    mode="lines",
                    name=f"{name}: w{'₁₂'[j]}",
                    line=dict(color=col, width=2.5, dash=dash),
                )
            )
    fig.add_vline(x=max(alpha, a[0]), line_dash="dot", line_color=PALETTE["muted"])
    fig.update_xaxes(title="α (log)", type="log", exponentformat="power")
    fig.update_yaxes(title="weight", zeroline=True, zerolinecolor="#555")
    return style(fig, height=height)


def early_stop_figure(problem, path_gd, path_l2, es, *, height: int = 500) -> go.Figure:
    """Gradient descent's path from the origin beside the L2 solution path, with w(tau) and
    the L2 solution at alpha = 1 / (tau eps)."""
    box = _box_for(np.stack([np.zeros(2), problem.w_star]))
    fig = go.Figure(_loss_contour(problem, box))
    gd_line = dict(color=GD_COLOR, width=2.5)
    fig.add_trace(
        xy_trace(
            path_gd, "gradient descent from 0", "lines+markers", marker=dict(size=4), line=gd_line
        )
    )
    l2_line = dict(color=L2_COLOR, width=2.5, dash="dot")
    fig.add_trace(xy_trace(path_l2, "L2 solutions (α: ∞ → 0)", "lines", line=l2_line))
    _mark(fig, problem.w_star, "w*", PALETTE["ink"], "x", 13)
    _mark(fig, es.w_gd, f"w(τ), τ = {es.tau}", GD_COLOR)
    if np.isfinite(es.alpha):
        _mark(fig, es.w_l2, f"L2 at α = 1/(τε) = {es.alpha:.3g}", L2_COLOR, "square")
    fig.update_xaxes(range=list(box[:2]), title="w₁", constrain="domain", showgrid=False)
    fig.update_yaxes(
        range=list(box[2:]), title="w₂", scaleanchor="x", constrain="domain", showgrid=False
    )
    return style(fig, height=height)


# ----------------------------------------------------------------------------- dropout
METHOD_COLORS = {
    "geo": "#0877bd",
    "scaled": "#d55e00",
    "arith": "#009e73",
    "mc": "#cc79a7",
    "bag": "#7f3c8d",
}


def dropout_figure(
    images: np.ndarray, labels: np.ndarray, probs: Mapping[str, np.ndarray],
    names: Mapping[str, str], *, height: int = 420,
) -> go.Figure:  # fmt: skip
    """One column per digit: the image on top, the class probabilities 0-9 of every method
    below (grouped bars), so that the methods can be compared on the same inputs."""
    cols = len(images)
    fig = make_subplots(rows=2, cols=cols, row_heights=[0.35, 0.65], vertical_spacing=0.08,
                        horizontal_spacing=0.03,
                        subplot_titles=[f"label {int(y)}" for y in labels])  # fmt: skip
    for c in range(cols):
        fig.add_trace(go.Heatmap(z=images[c][::-1], colorscale=GRAYS, showscale=False,
                                 hoverinfo="skip"), row=1, col=c + 1)  # fmt: skip
        for key, p in probs.items():
            fig.add_trace(
                go.Bar(x=list(range(10)), y=p[c], name=names[key], legendgroup=key,
                       marker_color=METHOD_COLORS[key], showlegend=c == 0,
                       hovertemplate=names[key] + ": p(%{x}) = %{y:.3f}<extra></extra>"),
                row=2, col=c + 1,
            )  # fmt: skip
        fig.update_xaxes(visible=False, row=1, col=c + 1)
        fig.update_yaxes(visible=False, scaleanchor=f"x{c + 1}" if c else "x", row=1, col=c + 1)
        fig.update_xaxes(tickmode="linear", dtick=1, row=2, col=c + 1)
        fig.update_yaxes(range=[0, 1], showticklabels=c == 0, row=2, col=c + 1)
    fig.update_layout(barmode="group", bargap=0.15)
    style(fig, height=height)
    fig.update_layout(legend=dict(orientation="h", y=-0.1), margin=dict(t=30, b=40))
    return fig
