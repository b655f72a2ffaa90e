"""Live rasters of the GAN page: the plane (dots, heatmap), the live frame (the plane with its
curves beside it), D vs D*, the curves column, the digits frame and grids (8x8 and 28x28), and a
colour of its own for every series."""

import base64
import io
import itertools
from types import SimpleNamespace

import numpy as np
from PIL import Image

from dlcore.gan.metrics import Coverage
from dlcore.gan.targets import PLANE_EXTENT
from dlcore.viz import gan as P
from dlcore.viz.common import PALETTE, SERIES
from dlcore.viz.raster import png_data_url

MID = sum(PLANE_EXTENT) / 2


def snap(heat=0.5, real=((MID, MID),), fake=(), **kw):
    return SimpleNamespace(
        heat=np.full((60, 60), heat),
        real=np.asarray(real, float).reshape(-1, 2),
        fake=np.asarray(fake, float).reshape(-1, 2),
        manifold=np.zeros((0, 2, 2)),
        grads=np.zeros((len(fake), 2)),
        **kw,
    )


def decode(url: str, prefix: str) -> np.ndarray:
    assert url.startswith(prefix)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url[len(prefix) :]))).convert("RGB"))


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])


def test_a_dot_is_a_radius_2_disc_at_its_position():
    img = P.plane_image(snap(), {"real"}, size=101)
    hit = np.argwhere((img == P.RGB["real"]).all(-1))
    assert len(hit) == 21  # 5 x 5 square less its 4 corners
    np.testing.assert_array_equal(hit.mean(0), [50, 50])  # the plane's centre, row and column


def test_a_real_dot_stays_visible_where_d_says_real():
    """D(x) = 1 is drawn in the real samples' blue: each dot has a darker rim around it."""
    img = P.plane_image(snap(heat=1.0), {"heatmap", "real"}, size=101)
    rim = np.argwhere((np.abs(img.astype(int) - 0.55 * P.RGB["real"]) < 2).all(-1))
    assert len(rim) == len(P._RIM) - 21 and (np.abs(rim - 50) <= 3).all()


def test_dots_off_the_plane_are_clipped_and_fake_is_drawn_over_real():
    far = PLANE_EXTENT[1] + 5
    img = P.plane_image(snap(real=((far, far), (MID, MID)), fake=((MID, MID),)), {"real", "fake"})
    assert not (img == P.RGB["real"]).all(-1).any()  # the centre dot is covered by the fake one
    assert (img == P.RGB["fake"]).all(-1).sum() == 21


def test_heatmap_colours_follow_d():
    says_real = P.plane_image(snap(heat=1.0), {"heatmap"}, size=64)
    says_fake = P.plane_image(snap(heat=0.0), {"heatmap"}, size=64)
    np.testing.assert_array_equal(says_real[5, 5], P.d_colors(np.array(1.0)))
    assert says_real[..., 2].mean() > says_real[..., 0].mean()  # blue: D says real
    assert says_fake[..., 0].mean() > says_fake[..., 2].mean()  # orange: D says fake
    half = np.zeros((60, 60))
    half[:, 30:] = 1.0  # right half of the plane (large x) says real
    img = P.plane_image(SimpleNamespace(**{**vars(snap()), "heat": half}), {"heatmap"}, size=64)
    assert img[:, -1, 2].mean() > img[:, 0, 2].mean()  # blue on the right, orange on the left


def test_live_frame_is_the_plane_with_its_curves_beside_it_in_one_small_png():
    cov = Coverage(counts=np.full(8, 1250), modes_hit=8, share_near=1.0)
    frame = P.live_image(SimpleNamespace(**{**vars(curves_snap(cov)), **vars(snap(heat=1.0))}),
                         {"heatmap", "real"})  # fmt: skip
    w = P.LIVE_SIZE + P.FRAME_GAP + P.CURVES_SIZE[0]
    assert frame.shape == (P.LIVE_SIZE, w, 3) and P.LIVE_SIZE >= 480  # was 320 px, half empty
    np.testing.assert_array_equal(frame[5, 5], P.d_colors(np.array(1.0)))  # the plane, left
    curves = frame[:, P.LIVE_SIZE + P.FRAME_GAP :]
    assert colour_pixels(curves, P.COLORS["d_loss"]) > 300  # the curves, right
    url = png_data_url(frame)  # a palette PNG (LiveOut.png): sharp lines, a small frame
    assert len(url) < 60_000
    np.testing.assert_allclose(decode(url, "data:image/png;base64,")[5, 5], frame[5, 5], atol=12)


def test_dstar_image_puts_learned_d_left_and_dstar_right():
    img = P.dstar_image(np.ones((60, 60)), np.zeros((40, 40)), size=50, gap=10)
    assert img.shape == (50, 110, 3)
    np.testing.assert_array_equal(img[25, 10], P.d_colors(np.array(1.0)))
    np.testing.assert_array_equal(img[25, 55], [255, 255, 255])
    np.testing.assert_array_equal(img[25, 100], P.d_colors(np.array(0.0)))


def curves_snap(coverage):
    steps = np.arange(10, 1010, 10.0)
    q = np.arange(0, 1001, 100.0)
    hist = {
        "step": steps,
        "d_loss": 1.3 + 0.05 * np.sin(steps),
        "g_loss": 0.8 + 0.05 * np.cos(steps),
        "g_grad": np.exp(-steps / 300),
        "q_step": q,
        "js": np.linspace(0.6, 0.1, len(q)),
        "modes_hit": np.minimum(np.arange(len(q)), 8.0),
        "share_near": np.linspace(0, 0.9, len(q)),
    }
    return SimpleNamespace(
        hist=hist, d_at_half=np.log(4), g_at_half=np.log(2), js_floor=0.01,
        n_modes=8 if coverage is not None else 0, coverage=coverage,
    )  # fmt: skip


def colour_pixels(img, hex_color):
    return int((np.abs(img.astype(int) - rgb(hex_color)).sum(-1) < 30).sum())


def _panels(img: np.ndarray, cov) -> list[np.ndarray]:
    """The curves column's four panels, top to bottom (losses, G's gradient, JS, bars)."""
    h = img.shape[0]
    shares = (0.31, 0.24, 0.30) if cov is not None else (0.36, 0.28, 0.36)
    rows = [int(r) for r in (*np.cumsum((0.0, *shares)) * h, h)]
    return [img[a:b] for a, b in itertools.pairwise(rows)]


def test_curves_raster_draws_losses_gradient_js_modes_and_coverage_bars():
    cov = Coverage(counts=np.array([900, 1000, 1100, 950, 1050, 1000, 980, 1020]),
                   modes_hit=8, share_near=0.8)  # fmt: skip
    img = P.curves_image(curves_snap(cov))
    assert img.shape == (P.CURVES_SIZE[1], P.CURVES_SIZE[0], 3)
    losses, grad, js, bars = _panels(img, cov)
    assert colour_pixels(losses, P.COLORS["d_loss"]) > 300
    assert colour_pixels(losses, P.COLORS["g_loss"]) > 300
    assert colour_pixels(grad, P.COLORS["g_grad"]) > 300  # the norm of G's gradient
    assert colour_pixels(losses, P.COLORS["g_grad"]) == 0
    assert colour_pixels(js, P.COLORS["modes_hit"]) > 200  # modes hit (own scale)
    assert colour_pixels(js, PALETTE["ink"]) > 200  # JS
    assert colour_pixels(bars, P.REAL) > 3000  # eight blue bars
    plain = P.curves_image(curves_snap(None))  # a target without modes: no bars, no modes line
    assert colour_pixels(plain, P.REAL) == 0 and colour_pixels(plain, P.COLORS["modes_hit"]) == 0


def test_every_series_has_a_colour_of_its_own():
    """G loss and modes hit were both green: each curve of the page now has its own colour."""
    assert len(set(P.COLORS.values())) == len(P.COLORS)
    real_fake = {P.REAL, P.FAKE}
    assert not real_fake & {P.COLORS[k] for k in P.COLORS if k != "coverage"}
    hist = curves_snap(None).hist
    fig = P.curves_figure(hist, 1.38, 0.69, 0.01, 8)
    colours = [t.line.color for t in fig.data]
    assert len(colours) == len(set(colours)) == 5  # D loss, G loss, |grad G|, JS, modes hit
    hist = {k: np.arange(3.0) for k in ("step", "d_loss", "g_loss", "j_step")}
    hist.update(confidence=np.full(3, 0.5), class_entropy=np.full(3, 0.9))
    colours = [t.line.color for t in P.digits_curves_figure(hist).data]
    assert len(colours) == len(set(colours)) == 4


def test_curves_raster_survives_an_empty_history():
    empty = curves_snap(None)
    empty.hist = {k: np.zeros(0) for k in empty.hist}
    assert P.curves_image(empty).shape[2] == 3


def test_digit_grid_scales_each_size_to_about_100_pixels_for_a_projector():
    assert P.digit_grid(np.zeros((16, 8, 8)), ncols=4).shape == (12 * 37, 12 * 37, 3)  # 96 px
    grid = P.digit_grid(np.ones((2, 28, 28)), ncols=2)
    assert grid.shape == (4 * 30, 4 * 59, 3)  # 112 px a digit
    assert grid[4 * 1 + 5, 4 * 1 + 5].tolist() == [0, 0, 0]  # ink is dark


def digits_hist():
    steps = np.arange(1.0, 301.0)
    j = np.array([0.0, 250.0])
    return {"step": steps, "d_loss": 1.2 + 0 * steps, "g_loss": 0.9 + 0 * steps, "j_step": j,
            "confidence": np.array([0.2, 0.7]), "class_entropy": np.array([0.5, 0.95])}  # fmt: skip


def test_digits_curves_raster_has_losses_left_and_the_judge_right():
    img = P.digits_curves_image(digits_hist(), size=(800, 200))
    left, right = img[:, :400], img[:, 400:]
    assert colour_pixels(left, SERIES["D"]) > 100 and colour_pixels(right, SERIES["D"]) == 0
    judge = P.COLORS["confidence"]
    assert colour_pixels(right, judge) > 100 and colour_pixels(left, judge) == 0
    assert colour_pixels(right, P.COLORS["class_entropy"]) > 100


def test_digits_frame_is_one_picture_of_both_grids_and_the_curves():
    samples, fixed = np.zeros((16, 8, 8)), np.ones((16, 8, 8))
    frame = P.digits_frame(samples, fixed, digits_hist())
    grid = P.digit_grid(samples, ncols=4)
    gh, gw = grid.shape[:2]
    assert frame.shape[1] == max(P.DIGITS_FRAME_W, 2 * gw + P.FRAME_GAP)
    left = frame[24 : 24 + gh, :gw]  # the fresh samples: blank digits
    right = frame[24 : 24 + gh, gw + P.FRAME_GAP : 2 * gw + P.FRAME_GAP]  # fixed noise: ink
    np.testing.assert_array_equal(left, grid)
    np.testing.assert_array_equal(right, P.digit_grid(fixed, ncols=4))
    below = frame[24 + gh :]
    assert colour_pixels(below, SERIES["D"]) > 100  # the curves under the grids
    paused = P.digits_frame(samples, fixed, digits_hist(), curves=False)
    assert paused.shape[0] == 24 + gh + 2 and colour_pixels(paused, SERIES["D"]) == 0


def test_coverage_bars_are_scaled_to_the_fair_share_of_all_samples():
    few = Coverage(counts=np.full(8, 125), modes_hit=0, share_near=0.1)  # 10 % of 10,000 / 8
    img = P.curves_image(curves_snap(few))
    bars = _panels(img, few)[3]
    rows = np.flatnonzero((np.abs(bars.astype(int) - rgb(P.REAL)).sum(-1) < 30).any(1))
    assert 0 < len(rows) < 0.15 * bars.shape[0]  # short bars under a fair-share line far above


def test_a_diverged_generator_draws_nothing_where_its_samples_are_nan(recwarn):
    nan = (np.nan, np.nan)
    diverged = snap(fake=(nan, nan))
    diverged.manifold = np.full((3, 5, 2), np.nan)  # G's image of noise-space lines
    img = P.plane_image(diverged, {"real", "fake", "grads", "manifold"})
    assert (img == P.RGB["real"]).all(-1).sum() == 21  # the real dot, and nothing else drawn
    dot = len(P._RIM)  # the dot and its rim
    assert (img == 255).all(-1).sum() == img.shape[0] * img.shape[1] - dot  # no lines, arrows
    grid = P.digit_grid(np.full((4, 8, 8), np.nan), ncols=2)
    assert grid.min() == 255  # blank paper, not ink of undefined value
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_digits_curves_figure_leaves_room_for_its_subplot_titles():
    hist = {k: np.arange(3.0) for k in ("step", "d_loss", "g_loss", "j_step")}
    hist.update(confidence=np.full(3, 0.5), class_entropy=np.full(3, 0.9))
    fig = P.digits_curves_figure(hist)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["losses", "judge (real-digit classifier)"]
    assert fig.layout.margin.t >= 30  # the titles sit above the plot area (were cut off at 10)


def test_the_paused_plane_is_its_picture_with_d_on_hover_and_a_key():
    """Paused, the plane's dots are in a picture on the axes (no 1,000 SVG markers to restyle at
    each redraw); an invisible heatmap gives D(x) on hover and the colour bar; the legend is a
    key that hides nothing (the layers are switched by the view toggles)."""
    s = snap(heat=1.0, real=((MID, MID),), fake=((PLANE_EXTENT[0] + 0.5, MID),))
    s.axis = np.linspace(*PLANE_EXTENT, 60)
    fig = P.plane_figure(s, {"heatmap", "real", "fake"})
    (picture,) = fig.layout.images
    lo, hi = PLANE_EXTENT
    assert (picture.x, picture.y, picture.sizex, picture.sizey) == (lo, hi, hi - lo, hi - lo)
    shown = decode(picture.source, "data:image/png;base64,")
    np.testing.assert_array_equal(
        shown, P.plane_image(s, {"heatmap", "real", "fake"}, 480, smooth=True)
    )
    heat, *keys = fig.data
    assert heat.type == "heatmap" and heat.opacity == 0 and "D(x)" in heat.hovertemplate
    assert [k.name for k in keys] == ["real", "fake"]
    assert all(list(k.x) == [None] for k in keys)  # no points of their own
    assert fig.layout.legend.itemclick is False
    assert P.plane_figure(s, {"real"}).data[0].type == "scatter"  # heatmap off: no D hover


def test_the_paused_picture_blends_d_between_cells_and_keeps_each_cell_centre():
    z = np.zeros((4, 4))
    z[:, 2:] = 1.0  # right half (large x) says real
    smooth = P._heat_rgb(z, 8, smooth=True)
    blocky = P._heat_rgb(z, 8)
    np.testing.assert_array_equal(smooth[:, 0], blocky[:, 0])  # far from the edge: the cell
    np.testing.assert_array_equal(smooth[:, -1], blocky[:, -1])
    middle = smooth[0, 3:5]  # either side of the edge: between the two colours
    assert not (middle == blocky[0, 3:5]).all()
    fake, real = P.d_colors(np.array(0.0)), P.d_colors(np.array(1.0))
    np.testing.assert_array_equal(smooth[0, 3], np.rint(0.75 * fake + 0.25 * real))  # 1/4 across


def test_paused_figures_carry_each_builds_own_numbers():
    """The paused figures are filled into a cached skeleton (plotly's setters cost ~30 ms a
    figure): each build shows its own series, levels and picture, and a figure changed after it
    was built leaves the next build as it was."""
    hist = {k: np.arange(4.0) for k in ("step", "d_loss", "g_loss", "g_grad", "q_step")}
    hist.update(js=np.array([0.6, 0.5, 0.4, 0.3]), modes_hit=np.array([0, 2, 5, 8]))
    first = P.curves_figure(hist, 1.38, 0.69, 0.01, 8)
    first.data[0].y = [9.0] * 4
    first.layout.shapes[0].y0 = 99.0
    later = {**hist, "d_loss": np.array([1.3, 1.2, 1.1, 1.0])}
    fig = P.curves_figure(later, 1.38, 0.69, 0.01, 8)
    assert [list(t.y) for t in fig.data] == [
        list(later[y]) for _, y in (*P.CURVE_SERIES, P.MODES_SERIES)
    ]
    assert [s.y0 for s in fig.layout.shapes] == [1.38, 0.69, 0.01, np.log(2)]
    assert fig.data[-1].yaxis == "y4" and fig.layout.yaxis4.range == (0, 8.5)
    assert len(P.curves_figure(hist, 1.38, 0.69, 0.01, 0).data) == 4  # no modes: no right axis
    assert fig.layout.template.layout.to_plotly_json() == {}  # style()'s: no template
    bars = P.coverage_figure(np.array([5, 0, 7]), 12)
    assert list(bars.data[0].y) == [5, 0, 7] and bars.layout.shapes[0].y0 == 4
    assert list(P.coverage_figure(np.array([1, 2, 3]), 12).data[0].y) == [1, 2, 3]
    a, b = snap(heat=1.0), snap(heat=0.0)
    a.axis = b.axis = np.linspace(*PLANE_EXTENT, 60)
    pictures = [P.plane_figure(s, {"heatmap"}) for s in (a, b)]
    assert [float(f.data[0].z[0][0]) for f in pictures] == [1.0, 0.0]
    assert pictures[0].layout.images[0].source != pictures[1].layout.images[0].source
