"""Live rasters of the GAN page: the plane (dots, heatmap), the inline JPEG frame, D vs D*, the
curves raster, and the digit grids (8x8 and 28x28)."""

import base64
import io
from types import SimpleNamespace

import numpy as np
from PIL import Image

from dlcore.gan.metrics import Coverage
from dlcore.gan.targets import PLANE_EXTENT
from dlcore.viz import gan as P
from dlcore.viz.common import PALETTE, SERIES, data_url

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


def test_live_frame_is_a_small_inline_jpeg_of_the_plane():
    url = data_url(P.live_jpeg(snap(heat=1.0), {"heatmap", "real"}), "image/jpeg")
    img = decode(url, "data:image/jpeg;base64,")
    assert img.shape == (P.LIVE_SIZE, P.LIVE_SIZE, 3)
    assert len(url) < 40_000
    np.testing.assert_allclose(img[5, 5], P.d_colors(np.array(1.0)), atol=12)


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


def test_curves_raster_draws_losses_js_modes_and_coverage_bars():
    cov = Coverage(counts=np.array([900, 1000, 1100, 950, 1050, 1000, 980, 1020]),
                   modes_hit=8, share_near=0.8)  # fmt: skip
    img = P.curves_image(curves_snap(cov))
    assert img.shape == (P.CURVES_SIZE[1], P.CURVES_SIZE[0], 3)
    assert colour_pixels(img, SERIES["D"]) > 300 and colour_pixels(img, SERIES["G"]) > 300
    w = img.shape[1]
    js_panel, bars = img[:, int(0.42 * w) : int(0.76 * w)], img[:, int(0.76 * w) :]
    assert colour_pixels(js_panel, PALETTE["ok"]) > 200  # modes hit (green, own scale)
    assert colour_pixels(js_panel, PALETTE["ink"]) > 200  # JS
    assert colour_pixels(bars, P.REAL) > 3000  # eight blue bars
    plain = P.curves_image(curves_snap(None))  # a target without modes: no bars, no modes line
    right = plain[:, w // 2 :]
    assert colour_pixels(plain, P.REAL) == 0 and colour_pixels(right, PALETTE["ok"]) == 0


def test_curves_raster_survives_an_empty_history():
    empty = curves_snap(None)
    empty.hist = {k: np.zeros(0) for k in empty.hist}
    assert P.curves_image(empty).shape[2] == 3


def test_digit_grid_scales_each_size_to_about_64_pixels():
    assert P.digit_grid(np.zeros((16, 8, 8)), ncols=4).shape == (8 * 37, 8 * 37, 3)
    grid = P.digit_grid(np.ones((2, 28, 28)), ncols=2)
    assert grid.shape == (3 * 30, 3 * 59, 3)
    assert grid[3 * 1 + 5, 3 * 1 + 5].tolist() == [0, 0, 0]  # ink is dark


def test_digits_curves_raster_has_losses_on_top_and_the_judge_below():
    steps = np.arange(1.0, 301.0)
    j = np.array([0.0, 250.0])
    hist = {"step": steps, "d_loss": 1.2 + 0 * steps, "g_loss": 0.9 + 0 * steps, "j_step": j,
            "confidence": np.array([0.2, 0.7]), "class_entropy": np.array([0.5, 0.95])}  # fmt: skip
    img = P.digits_curves_image(hist, size=(400, 240))
    top, bottom = img[:120], img[120:]
    assert colour_pixels(top, SERIES["D"]) > 100 and colour_pixels(bottom, SERIES["D"]) == 0
    assert colour_pixels(bottom, PALETTE["pos"]) > 100 and colour_pixels(top, PALETTE["pos"]) == 0


def test_coverage_bars_are_scaled_to_the_fair_share_of_all_samples():
    few = Coverage(counts=np.full(8, 125), modes_hit=0, share_near=0.1)  # 10 % of 10,000 / 8
    img = P.curves_image(curves_snap(few))
    bars = img[:, int(0.76 * img.shape[1]) :]
    rows = np.flatnonzero((np.abs(bars.astype(int) - rgb(P.REAL)).sum(-1) < 30).any(1))
    assert 0 < len(rows) < 0.15 * img.shape[0]  # short bars under a fair-share line far above


def test_a_diverged_generator_draws_nothing_where_its_samples_are_nan(recwarn):
    nan = (np.nan, np.nan)
    diverged = snap(fake=(nan, nan))
    diverged.manifold = np.full((3, 5, 2), np.nan)  # G's image of noise-space lines
    img = P.plane_image(diverged, {"real", "fake", "grads", "manifold"})
    assert (img == P.RGB["real"]).all(-1).sum() == 21  # the real dot, and nothing else drawn
    assert (img == 255).all(-1).sum() == img.shape[0] * img.shape[1] - 21  # no lines, no arrows
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
