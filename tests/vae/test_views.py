"""Tests for dlcore.vae.views (page helpers) and dlcore.viz.vae (figures): shipped-model choice,
canvas painting, index clamping, texts that add up, figure contents."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dlcore.vae import analysis as A
from dlcore.vae import views as V
from dlcore.vae.config import VAEConfig
from dlcore.vae.train import cached_split
from dlcore.viz import vae as P


def test_shipped_choice_loads_the_default_checkpoint_and_explains_a_missing_one():
    ch = V.shipped_choice(VAEConfig(), 8)
    assert ch.model is not None and ch.notice is None and "test -ELBO" in ch.label
    missing = V.shipped_choice(dataclasses.replace(VAEConfig(), latent_dim=16), 8)
    assert missing.model is None and "live" in missing.notice and "J=16" in missing.notice


def test_paint_and_erase_cells():
    canvas = np.zeros((4, 4))
    pts = [{"x": 1, "y": 2}, {"x": 3.2, "y": 0.1}, {"x": 9, "y": 9}, {"bad": 1}, {"x": "nan?"}]
    painted = V.paint(canvas, pts, 1.0)
    assert painted[2, 1] == 1 and painted[0, 3] == 1 and painted.sum() == 2
    assert canvas.sum() == 0  # the input is not modified
    assert V.paint(painted, [{"x": 1, "y": 2}], 0.0).sum() == 1


def test_clamp_index():
    assert V.clamp_index(3, 10) == (3, None)
    j, note = V.clamp_index(50, 10)
    assert j == 9 and "#50" in note
    assert V.clamp_index(-4, 10)[0] == 0


def test_texts_add_up():
    last = {"train_neg_elbo": 25.0, "train_recon": 22.5, "train_kl": 2.5}
    assert "25.00" in V.train_line(last, 1.0) and "22.50" in V.train_line(last, 1.0)
    eb = A.ElboBreakdown(24.0, 21.0, 3.0, np.array([2.0, 1.0, 0.0]), 2)
    assert "2 of 3" in V.elbo_line(eb)
    assert V.fmt(np.array([-1.0750000476837158, 0.5], dtype=np.float32)) == "-1.075, 0.500"


def test_beta_sweep_shows_posterior_collapse_on_shipped_checkpoints():
    betas, rows = V.beta_sweep("digits", V.spec_from_cfg(VAEConfig(), 8))
    assert len(betas) >= 3 and list(betas) == sorted(betas)
    kl = [r.kl for r in rows]
    assert kl[0] > kl[-1] and rows[-1].kl < 0.1  # high beta: KL -> 0 (collapse)
    assert rows[-1].recon > rows[betas.index(1.0)].recon  # and worse reconstructions


def test_digits_rgb_is_ink_black_on_white():
    imgs = np.zeros((3, 8, 8))
    imgs[1] = 1.0
    rgb = P.digits_rgb(imgs, scale=2)
    assert rgb.dtype == np.uint8 and rgb.shape == (2 + 16 + 2, 3 * (16 + 2) + 2, 3)
    assert (rgb[2:18, 2:18] == 255).all()  # blank image: white paper
    assert (rgb[2:18, 20:36] == 0).all()  # full ink: black
    np.testing.assert_array_equal(P.digits_rgb(np.ones(64), scale=1)[2:10, 2:10], 0)


def test_manifold_rgb_puts_the_largest_z2_on_top():
    grid = np.zeros((2, 2, 8, 8))
    grid[1, 0] = 1.0  # row 1 = largest z_2, column 0 = smallest z_1
    rgb = P.manifold_rgb(grid, scale=1)
    assert (rgb[2:10, 2:10] == 0).all() and (rgb[12:20, 2:10] == 255).all()


def test_latent_map_figure_has_click_grid_points_and_path():
    data = cached_split("digits")
    model = V.shipped_choice(VAEConfig(), 8).model
    lm = A.latent_map(model, data.x_test, data.y_test, grid_n=5, grid_range=2.0)
    fig = P.latent_map_view(lm, 2.0, marker=(0.5, -1.0), click_n=P.CLICK_N)  # the clickable map
    names = [t.name for t in fig.data]
    assert "click grid" in names and "decoded point" in names
    grid = fig.data[names.index("click grid")]
    assert len(grid.x) == 41 * 41 and min(grid.x) == -2.0 and max(grid.y) == 2.0
    n_points = sum(len(t.x) for t in fig.data if t.name in {str(d) for d in range(10)})
    assert n_points == len(data.x_test)
    it = A.interpolate(model, data.x_test[0], data.x_test[9])  # the path's map: not clickable
    fig = P.latent_map_view(lm, 2.0, path=it.z, ellipses=V.plane_ellipses(it, lm.plane))
    names = [t.name for t in fig.data]
    assert "path" in names and "q(z|x) at 1σ" in names and "click grid" not in names
    n_points = sum(len(t.x) for t in fig.data if t.name in {str(d) for d in range(10)})
    assert n_points == len(data.x_test)


def test_a_clicked_point_is_marked_by_its_selection_style():
    """After a click the page keeps the map it sent: plotly's selection marks the clicked point
    (a digit or a lattice point) like the decoded point, the digits keep their look, and the
    decoded point of an earlier click hides."""
    data = cached_split("digits")
    model = V.shipped_choice(VAEConfig(), 8).model
    lm = A.latent_map(model, data.x_test, data.y_test, grid_n=3)
    fig = P.latent_map_view(lm, 2.5, marker=(0.5, -1.0), click_n=P.CLICK_N)
    traces = {t.name: t for t in fig.data}
    mark = traces["decoded point"].marker
    assert mark.symbol == "x" and traces["click grid"].marker.symbol == "x"
    for name in ["click grid", *map(str, range(10))]:
        selected = traces[name].selected.marker
        assert (selected.color, selected.size, selected.opacity) == (mark.color, mark.size, 1)
    for d in map(str, range(10)):
        assert traces[d].unselected.marker.opacity == traces[d].marker.opacity
    assert traces["decoded point"].unselected.marker.opacity == 0
    assert fig.layout.clickmode == "event+select"


@pytest.mark.parametrize("fn", ["canvas", "curves", "beta", "reparam", "grad"])
def test_other_figures_build(fn):
    figs = {
        "canvas": lambda: P.canvas_figure(np.eye(16)),
        "curves": lambda: P.curves_figure(np.arange(3.0), {"train KL": np.array([1, np.nan, 2])}),
        "beta": lambda: P.beta_figure([0, 1], [20, 22], [5, 2], [2, 2], 1.0),
        "reparam": lambda: P.reparam_figure(np.zeros(2), np.ones(2), np.random.randn(9, 2)),
        "grad": lambda: P.grad_variance_figure(["a", "b"], np.array([100.0, 1.0])),
    }
    fig = figs[fn]()
    assert len(fig.data) >= 1
    if fn == "curves":
        assert list(fig.data[0].x) == [0.0, 2.0]  # NaN gaps are bridged


def test_live_curves_image_draws_each_series_and_survives_gaps():
    from dlcore.viz.common import PALETTE

    step = np.arange(1.0, 41.0)
    test = np.full(40, np.nan)
    test[[9, 19, 29, 39]] = [150.0, 140.0, 130.0, 125.0]  # once per epoch
    series = {
        "train -ELBO": np.linspace(200, 120, 40),
        "train reconstruction": np.linspace(180, 100, 40),
        "train KL": np.linspace(5, 20, 40),
        "test -ELBO": test,
    }
    img = P.live_curves_image(step, series)
    assert img.shape == (P.LIVE_SIZE[1], P.LIVE_SIZE[0], 3)
    for color in (PALETTE["pos"], PALETTE["neg"], PALETTE["accent"]):
        rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(img.astype(int) - rgb).sum(axis=2) < 12).sum() > 50, color
    empty = P.live_curves_image(np.zeros(0), {k: np.zeros(0) for k in series})
    assert empty.shape == img.shape


def test_train_line_is_plain_text_under_a_live_frame():
    last = {"train_neg_elbo": 25.0, "train_recon": 22.5, "train_kl": 2.5}
    plain = V.train_line(last, 1.0, bold=False)
    assert plain.startswith("Minibatch average: -ELBO 25.00 = reconstruction 22.50")
    assert "**" not in plain and V.train_line(last, 1.0).count("**") == 2


def test_a_click_on_the_canvas_is_a_selection():
    """Streamlit makes a click a selection only outside the lasso and box drag modes; a drag on
    the fixed axes moves nothing (issue 24 item 2: clicks painted nothing under dragmode=lasso)."""
    fig = P.canvas_figure(np.zeros((16, 16)))
    assert fig.layout.dragmode not in ("lasso", "select")
    assert "select" in fig.layout.clickmode
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange


def _lab(hex_colour: str) -> np.ndarray:
    """sRGB '#rrggbb' -> CIE L*a*b* (D65)."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_ten_digits_of_the_map_have_ten_distinct_colours():
    """Any two digits differ by at least 27 (CIE76 Delta E) on the latent map (issue 24 item 12:
    0, 5 and 6 were three oranges, 14.5 apart; 1 and 4 two blues)."""
    data = cached_split("digits")
    model = V.shipped_choice(VAEConfig(), 8).model
    lm = A.latent_map(model, data.x_test, data.y_test, grid_n=3)
    fig = P.latent_map_view(lm, 2.5)
    colours = {t.name: t.marker.color for t in fig.data if t.name in {str(d) for d in range(10)}}
    assert len(colours) == 10 and len(set(colours.values())) == 10
    labs = [_lab(c) for c in colours.values()]
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[i + 1 :]]
    assert min(gaps) >= 27.0
