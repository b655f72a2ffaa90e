"""Figures for the VAE page (pages/vae.py): numpy arrays / dlcore.vae.analysis results in,
plotly figures or RGB arrays out. Digits are drawn ink-black on white paper (GRAYS)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dlcore.viz import raster
from dlcore.viz.common import GRAYS, PALETTE, colormap_rgb, image_grid, room, style, xy_trace

SEP = 215  # grey of the separators between tiles
DIGIT_SCALE = 16  # screen pixels per image pixel on the page: an 8x8 digit is 128 px (projector)
# one colour per digit, ten hues a projector keeps apart (D3 / Tableau "Category10")
DIGIT_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


def digits_rgb(images: np.ndarray, *, ncols: int | None = None, scale: int = 6) -> np.ndarray:
    """(N, s, s), (s, s) or flat (s*s,) in [0, 1] -> one uint8 RGB tile image (ink = black),
    each pixel enlarged to ``scale`` x ``scale``."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 1:
        side = math.isqrt(images.size)
        images = images.reshape(side, side)
    if images.ndim == 2:
        images = images[None]
    n = len(images)
    rgb = colormap_rgb(images.reshape(-1, images.shape[-1]), signed=False, vmin=0.0, vmax=1.0)
    rgb = rgb.reshape(*images.shape, 3)  # (N, s, s, 3)
    tiles = np.repeat(np.repeat(rgb, scale, axis=1), scale, axis=2)
    return image_grid(tiles, ncols=ncols or n, pad=2, pad_value=SEP)


def subscript(n: int) -> str:
    """12 -> '₁₂' (axis and bar names: z₁, z₁₂)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def manifold_rgb(grid_images: np.ndarray, scale: int = 3) -> np.ndarray:
    """(n, n, s, s) decoded grid -> RGB, top row = largest z_2 (like the paper's figure)."""
    n = grid_images.shape[0]
    flipped = grid_images[::-1].reshape(n * n, *grid_images.shape[2:])
    return digits_rgb(flipped, ncols=n, scale=scale)


# the decoded point: drawn by the page ("decoded point") or, right after a click, by the browser
# as the clicked point's selection style (plotly can restyle colour, size and opacity only: a
# clicked digit stays a dot). Ink: the accent red is digit 3's colour.
DECODED_MARK = dict(symbol="x", size=14, color=PALETTE["ink"])
SELECTED = dict(marker=dict(size=14, color=PALETTE["ink"], opacity=1))
CLICK_N = 41  # the clickable map's lattice: a click decodes z to 1/40 of the grid's width
MAP_ROOM = 72  # px left of and below the map: its tick labels and axis titles (measured)
# px above the map for its legend (13 entries) in a chart half / two thirds / all of the main
# column wide, at 1400 px of window (measured); narrower, plotly still makes the room it needs
LEGEND_ROOM = {"half": 100, "two thirds": 64, "full": 46}


def _circle(r: float, center=(0.0, 0.0), radii=None, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 2 * np.pi, n)
    rx, ry = radii if radii is not None else (r, r)
    return center[0] + rx * np.cos(t), center[1] + ry * np.sin(t)


def latent_map_figure(
    points: np.ndarray,
    labels: np.ndarray,
    *,
    grid_range: float,
    background: tuple[np.ndarray, np.ndarray] | None = None,
    path: np.ndarray | None = None,
    ellipses: Sequence[tuple[np.ndarray, np.ndarray]] = (),
    marker: np.ndarray | None = None,
    click_n: int = 0,
    axis_names: tuple[str, str] = ("z₁", "z₂"),
    height: int = 460,
    legend_room: int = LEGEND_ROOM["half"],
) -> go.Figure:
    """Encoded means coloured by digit over the prior's 1- and 2-sigma circles.

    ``background`` = (axis, (n, n) image of mean ink) is drawn under the points; ``path`` (T, 2)
    is an interpolation path; ``ellipses`` are (mu, sigma) pairs in plane coordinates; a faint
    ``click_n`` x ``click_n`` lattice makes every spot of the map clickable (trace 'click grid';
    none when 0: ~1700 points cost each redraw ~0.2 s of the browser's time).

    A clicked point is marked by the browser itself, as plotly's selection (``SELECTED``): the
    page can keep the figure unchanged after a click (no redraw); the digits keep their look
    (``unselected``) and the decoded point drawn by the page hides, the new one shows instead.
    ``legend_room``: the top margin (px) the legend above the plot needs in the chart's width.
    """
    fig = go.Figure()
    if background is not None:
        axis, img = background
        fig.add_trace(
            go.Heatmap(x=axis, y=axis, z=img, colorscale=GRAYS, zmin=0, zmax=1, showscale=False,
                       opacity=0.35, hoverinfo="skip", name="decoded mean ink")
        )  # fmt: skip
    r = float(grid_range)
    if click_n:
        u = np.linspace(-r, r, click_n)
        uu, vv = np.meshgrid(u, u)
        fig.add_trace(
            go.Scatter(x=uu.ravel(), y=vv.ravel(), mode="markers", name="click grid",
                       marker=dict(symbol="x", size=7, color="rgba(0,0,0,0.01)"),
                       showlegend=False, selected=SELECTED, unselected=dict(marker=dict(opacity=1)),
                       hovertemplate="click to decode z = (%{x:.2f}, %{y:.2f})<extra></extra>")
        )  # fmt: skip
    for k in (1, 2):
        cx, cy = _circle(k)
        fig.add_trace(
            go.Scatter(x=cx, y=cy, mode="lines", name=f"prior {k}σ", hoverinfo="skip",
                       line=dict(color=PALETTE["muted"], dash="dot", width=1), showlegend=k == 1)
        )  # fmt: skip
    labels = np.asarray(labels)
    for d in np.unique(labels):
        sel = labels == d
        fig.add_trace(
            go.Scatter(x=points[sel, 0], y=points[sel, 1], mode="markers", name=str(d),
                       marker=dict(size=7, color=DIGIT_COLORS[int(d) % 10], opacity=0.85),
                       selected=SELECTED, unselected=dict(marker=dict(opacity=0.85)),
                       hovertemplate=f"digit {d}<br>μ = (%{{x:.2f}}, %{{y:.2f}})<extra></extra>")
        )  # fmt: skip
    for i, (mu, sigma) in enumerate(ellipses):
        cx, cy = _circle(1, center=mu, radii=sigma)
        fig.add_trace(
            go.Scatter(x=cx, y=cy, mode="lines", line=dict(color=PALETTE["accent"], width=2),
                       name="q(z|x) at 1σ", showlegend=i == 0, hoverinfo="skip")
        )  # fmt: skip
    if path is not None:
        fig.add_trace(
            xy_trace(path, "path", "lines+markers", line=dict(color=PALETTE["ink"], width=3),
                     marker=dict(size=7), hovertemplate="step %{pointNumber}<extra></extra>")
        )  # fmt: skip
    if marker is not None or click_n:  # on a clickable map before a click: its legend entry
        fig.add_trace(
            xy_trace((None, None) if marker is None else marker, "decoded point",
                     marker=DECODED_MARK, unselected=dict(marker=dict(opacity=0)))
        )  # fmt: skip
    fig.update_xaxes(title=axis_names[0], range=[-r * 1.05, r * 1.05], zeroline=False)
    fig.update_yaxes(title=axis_names[1], range=[-r * 1.05, r * 1.05], zeroline=False,
                     scaleanchor="x", scaleratio=1)  # fmt: skip
    fig.update_layout(clickmode="event+select", dragmode="pan")
    # room for the axes' labels and the legend: drawn once, not drawn, measured and drawn again
    return room(style(fig, height=height), MAP_ROOM, 10, legend_room, MAP_ROOM)


def mean_ink_background(axis: np.ndarray, grid_images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(axis, (n, n) mean ink of each decoded grid image) for ``latent_map_figure``."""
    return axis, grid_images.mean(axis=(2, 3))


def curves_figure(step: np.ndarray, series: dict[str, np.ndarray], height: int = 300) -> go.Figure:
    """Training curves in nats per image; NaN gaps (test measured once per epoch) are bridged."""
    fig = go.Figure()
    dash = {"train": "solid", "test": "dot"}
    colors = {"-ELBO": PALETTE["ink"], "reconstruction": PALETTE["pos"], "KL": PALETTE["neg"]}
    for name, ys in series.items():
        split, what = name.split(" ", 1)
        ok = np.isfinite(ys)
        fig.add_trace(
            go.Scatter(x=step[ok], y=ys[ok], mode="lines", name=name,
                       line=dict(color=colors.get(what, PALETTE["muted"]), dash=dash.get(split)))
        )  # fmt: skip
    fig.update_xaxes(title="optimisation step")
    fig.update_yaxes(title="nats per image")
    return style(fig, height=height)


LIVE_SIZE = (900, 300)  # the live frame, shown 1:1


def live_curves_image(
    step: np.ndarray, series: dict[str, np.ndarray], size: tuple[int, int] = LIVE_SIZE
) -> np.ndarray:
    """The curves of curves_figure while training, as one raster (the test -ELBO, measured once
    per epoch, in red, its points joined)."""
    colors = {"-ELBO": PALETTE["ink"], "reconstruction": PALETTE["pos"], "KL": PALETTE["neg"]}
    lines = [
        (step, ys, PALETTE["accent"] if name.startswith("test") else colors[name.split(" ", 1)[1]],
         name)
        for name, ys in series.items()
    ]  # fmt: skip
    img, draw = raster.canvas(*size)
    raster.line_panel(
        draw, (0, 0, *size), lines, title="nats per image against optimisation step (live)"
    )
    return np.asarray(img)


def beta_figure(betas: Sequence[float], recon: Sequence[float], kl: Sequence[float],
                active: Sequence[int], current: float | None = None) -> go.Figure:  # fmt: skip
    """Stacked bars: -ELBO = reconstruction NLL + KL per beta (posterior collapse at high beta)."""
    x = [f"β = {b:g}" for b in betas]
    fig = go.Figure([
        go.Bar(x=x, y=list(recon), name="reconstruction −E[log p(x|z)]",
               marker_color=PALETTE["pos"]),
        go.Bar(x=x, y=list(kl), name="KL(q(z|x) ‖ p(z))", marker_color=PALETTE["neg"],
               text=[f"{a} active" for a in active], textposition="outside"),
    ])  # fmt: skip
    if current is not None:
        fig.add_annotation(x=f"β = {current:g}", y=0, text="selected", showarrow=False, yshift=-12)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="nats per test image")
    return style(fig, height=320)


def kl_dims_figure(kl_per_dim: np.ndarray) -> go.Figure:
    """Mean KL of each latent dimension (a collapsed dimension has KL ~ 0)."""
    fig = go.Figure(
        go.Bar(x=[f"z{subscript(j + 1)}" for j in range(len(kl_per_dim))], y=kl_per_dim,
               marker_color=PALETTE["neg"])
    )  # fmt: skip
    fig.update_yaxes(title="KL (nats)")
    return style(fig, height=220, legend=False)


def reparam_figure(mu: np.ndarray, sigma: np.ndarray, z: np.ndarray, dims=(0, 1)) -> go.Figure:
    """Samples z = mu + sigma * eps around mu with the 1- and 2-sigma ellipses of q(z|x)."""
    i, j = dims
    fig = go.Figure()
    for k in (1, 2):
        cx, cy = _circle(1, center=(mu[i], mu[j]), radii=(k * sigma[i], k * sigma[j]))
        fig.add_trace(
            go.Scatter(x=cx, y=cy, mode="lines", name=f"{k}σ", hoverinfo="skip",
                       line=dict(color=PALETTE["accent"], dash="solid" if k == 1 else "dot"))
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=z[:, i], y=z[:, j], mode="markers", name="z = μ + σ ⊙ ε",
                   marker=dict(size=6, color=PALETTE["pos"], opacity=0.7),
                   hovertemplate="sample %{pointNumber}<extra></extra>")
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=[mu[i]], y=[mu[j]], mode="markers", name="μ",
                   marker=dict(symbol="x", size=14, color=PALETTE["ink"]))
    )  # fmt: skip
    fig.update_xaxes(title=f"z{subscript(i + 1)}")
    fig.update_yaxes(title=f"z{subscript(j + 1)}", scaleanchor="x", scaleratio=1)
    return style(fig, height=360)


def grad_variance_figure(names: Sequence[str], total_var: np.ndarray) -> go.Figure:
    """Variance of one-sample gradient estimates (log scale): REINFORCE vs reparameterization."""
    colors = [PALETTE["neg"], PALETTE["muted"], PALETTE["pos"]]
    fig = go.Figure(
        go.Bar(x=list(names), y=total_var, marker_color=colors[: len(names)],
               text=[f"{v:.3g}" for v in total_var], textposition="outside")
    )  # fmt: skip
    fig.update_yaxes(type="log", title="total variance of the gradient estimate")
    return style(fig, height=300, legend=False)


def canvas_figure(canvas: np.ndarray, height: int = 330) -> go.Figure:
    """A paintable grid: one square marker per cell. A click selects (paints) one cell; the
    toolbar's lasso or box select paints many. The drag mode is pan over fixed axes: Streamlit
    turns a click into a selection only outside the lasso and box modes, and a fixed range keeps
    a drag from moving the grid."""
    n = canvas.shape[0]
    yy, xx = np.mgrid[0:n, 0:n]
    shade = [f"rgb({g},{g},{g})" for g in (255 * (1 - np.clip(canvas.ravel(), 0, 1))).astype(int)]
    fig = go.Figure(
        go.Scatter(x=xx.ravel(), y=yy.ravel(), mode="markers", name="canvas",
                   marker=dict(symbol="square", size=max(6, int(260 / n)), color=shade,
                               line=dict(color=PALETTE["grid"], width=1)),
                   hovertemplate="row %{y}, col %{x}<extra></extra>",
                   selected=dict(marker=dict(opacity=1.0)),
                   unselected=dict(marker=dict(opacity=1.0)))
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=[-0.6, n - 0.4], fixedrange=True)
    fig.update_yaxes(visible=False, range=[n - 0.4, -0.6], scaleanchor="x", scaleratio=1,
                     fixedrange=True)  # fmt: skip
    fig.update_layout(dragmode="pan", clickmode="event+select")
    return style(fig, height=height, legend=False)


def latent_map_view(lm, grid_range: float, **kw) -> go.Figure:
    """``latent_map_figure`` for a dlcore.vae.analysis.LatentMap (PCA axes named when J > 2)."""
    names = ("PC 1 of μ", "PC 2 of μ") if lm.is_pca else ("z₁", "z₂")
    bg = mean_ink_background(lm.grid_axis, lm.grid_images)
    return latent_map_figure(
        lm.points, lm.labels, grid_range=grid_range, background=bg, axis_names=names, **kw
    )
