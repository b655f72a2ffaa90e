"""Tests for dlcore.conv.views (what the page computes) and dlcore.viz.conv (its figures)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcore.config import parse_config, to_query
from dlcore.conv import images, kernels, ops, tex, views
from dlcore.conv.config import ConvConfig, train_config
from dlcore.viz import conv as V
from dlcore.viz.common import colormap_rgb


def test_config_round_trips_the_url():
    cfg = ConvConfig(kernel="custom", custom=(0.0, 1.5, -2.0, 1.0), stride_x=3, view="algebra")
    back = parse_config(ConvConfig, to_query(cfg))
    assert back.config == cfg and not back.notices
    assert train_config(cfg).lr == cfg.lr


def test_kernel_of_custom_and_fallback():
    k, note = views.kernel_of(ConvConfig(kernel="custom", custom=(1.0, 2.0, 3.0, 4.0)))
    np.testing.assert_array_equal(k, [[1, 2], [3, 4]])
    assert note is None
    k, note = views.kernel_of(ConvConfig(kernel="custom", custom=(1.0, 2.0)))
    np.testing.assert_array_equal(k, kernels.make("identity"))
    assert "square grid" in note


def test_displays():
    x = np.array([[[-2.0, -0.5, 0.25, 3.0]]])
    np.testing.assert_allclose(views.DISPLAYS["clip"](x), [[[0, 0, 0.25, 1]]])
    np.testing.assert_allclose(views.DISPLAYS["abs"](x), [[[1, 0.5, 0.25, 1]]])
    np.testing.assert_allclose(views.DISPLAYS["normalize"](x), [[[0, 0.3, 0.45, 1]]])
    assert views.DISPLAYS["normalize"](np.ones((1, 2, 2))).max() == 0
    np.testing.assert_array_equal(views.DISPLAYS["signed"](x), x)


def test_filter_view_impossible_and_prepare_color():
    fv = views.filter_view(
        images.digit(0), kernels.make("average", 7), ops.ConvSettings(dilation=2), "signed"
    )
    assert fv.output is None and "no output pixel fits" in fv.error
    img, note = views.prepare(images.step_edge(), "color")
    assert img.shape[0] == 3 and note is None
    gray, _ = views.prepare(images.scene(64), "gray")
    assert gray.shape == (1, 64, 64)


def test_pooling_view_and_lp_sweep():
    pv = views.pooling_view(
        images.checkerboard(48, 6), kernels.make("sobel_v"), ops.ConvSettings(), "max", 3, 2, 2.0
    )
    assert pv.error is None and pv.pooled.shape == (23, 23)
    assert pv.sweep.to_average[0] == pytest.approx(0, abs=1e-6)
    assert pv.sweep.to_max[-1] < 0.1 * pv.sweep.to_max[0]
    assert pv.curve.pooled_change[1] < pv.curve.detector_change[1]
    assert "keeps 23%" in views.pool_caption(pv, "max", 3, 2)
    bad = views.pooling_view(
        images.digit(0), kernels.make("sobel_v"), ops.ConvSettings(), "max", 5, 1, 2.0
    )
    assert bad.error is None  # 8x8 detector map, 5x5 pool fits
    tiny = views.pooling_view(
        np.zeros((1, 3, 3), np.float32),
        kernels.make("sobel_v"),
        ops.ConvSettings(),
        "max",
        4,
        1,
        2.0,
    )
    assert "smaller than" in tiny.error


def test_next_pixel_and_grid_text():
    assert views.next_pixel(0, 0, 3, 4) == (0, 1)
    assert views.next_pixel(0, 3, 3, 4) == (1, 0)
    assert views.next_pixel(2, 3, 3, 4) == (0, 0)
    assert views.grid_text(np.array([[1.0, np.nan], [250.0, -0.5]])) == "1,0,100,-0.5"


def test_cost_table_and_texts():
    img = images.scene(64)
    st = ops.ConvSettings(channels="sum")
    fv = views.filter_view(img, kernels.make("sobel_v"), st, "signed")
    table = views.cost_table(views.layer_cost(fv, st))
    assert table["convolution"][1] == "28"  # 3 x 3 x 3 weights + 1 bias
    ip = ops.inner_product(img, kernels.make("sobel_v"), st, 5, 6)
    assert r"(9\ \text{products})" in tex.inner_product(ip, 0)
    assert f"**{ip.value:.4f}**" in views.result_text(ip, fv.output[0, 5, 6], True)


def test_signed_rgb_matches_shared_colormap():
    z = np.random.default_rng(0).normal(size=(40, 30)).astype(np.float32)
    m = float(np.abs(z).max())
    assert np.abs(V.signed_rgb(z, m).astype(int) - colormap_rgb(z, vmin=-m, vmax=m)).max() <= 3


def test_framed_adds_a_gray_edge():
    rgb = np.full((4, 5, 3), 255, np.uint8)
    out = V.framed(rgb)
    assert out.shape == (6, 7, 3) and out.dtype == np.uint8
    assert (out[0] == 190).all() and (out[:, -1] == 190).all() and (out[1:-1, 1:-1] == 255).all()


def test_response_rgb_shapes():
    out = np.random.default_rng(1).normal(size=(3, 20, 30))
    assert V.response_rgb(out, "signed").ndim == 3
    assert V.response_rgb(np.clip(out[:1], 0, 1), "clip").shape == (160, 240, 3)  # enlarged x8
    assert V.image_rgb(np.ones((1, 600, 400))).shape == (600, 400, 3)  # large: not enlarged


def test_window_zoom_marks_taps_and_padding():
    img = np.full((1, 10, 10), 0.5, np.float32)
    ip = ops.inner_product(
        img, kernels.make("sobel_v"), ops.ConvSettings(padding="same", dilation=2), 0, 0
    )
    zoom = V.window_zoom(img, ip.rows, ip.cols, context=1)
    red = (zoom[..., 0] == 214) & (zoom[..., 1] == 39)
    pink = (zoom[..., 0] > zoom[..., 2] + 30) & ~red
    assert red.any() and pink.any()


def test_figures_build():
    assert len(V.numbers_figure(kernels.make("emboss", 5), "k").data) == 1
    bank = views.kernel_rows(np.zeros((8, 3, 3)), np.ones((8, 3, 3)))
    fig = V.kernel_bank_figure(bank)
    assert len(fig.layout.annotations) == len(bank) == 24
    assert V.histogram_figure(np.linspace(-1, 2, 100)).data[0].type == "histogram"
    assert V.feature_maps_rgb(np.random.default_rng(0).random((16, 4, 4)), 32).ndim == 3
    assert len(V.probs_figure(np.full(10, 0.1), 3).data[0].y) == 10


def test_apply_bank_runs_each_kernel_on_the_image():
    img = images.step_edge(32, 32)
    bank = np.stack([kernels.make("sobel_v"), kernels.make("identity"), -kernels.make("sobel_v")])
    out = views.apply_bank(img, bank)
    assert out.shape == (3, 32, 32)
    assert out[0].max() == pytest.approx(4.0) and out[2].min() == pytest.approx(-4.0)
    np.testing.assert_allclose(out[1], img[0])
    assert V.bank_rgb(out).shape == (38, 3 * 35 + 3, 3)


def test_assoc_text_writes_its_equations_as_math_not_markdown():
    """Inside $...$ a * is the operator, not markdown emphasis (was escaped ASCII D\\*(G\\*I))."""
    img = np.random.default_rng(2).random((1, 12, 12)).astype(np.float32)
    conv, corr = views.associativity_pair(kernels.make("sobel_v"), kernels.make("gaussian"), img)
    head, sym = views.assoc_text(conv)
    assert sym == "*" and "$D * (G * I)$ vs $(D * G) * I$" in head and "**equal**" in head
    head, sym = views.assoc_text(corr)
    assert sym == r"\star" and r"$D \star (G \star I)$" in head and "**NOT equal**" in head


def test_wide_signed_strip_is_subsampled_before_sending():
    out = np.random.default_rng(3).normal(size=(3, 512, 512))
    strip = V.response_rgb(out, "signed")
    assert strip.shape[1] <= V.MAX_WIDTH and strip.shape[0] == 256 + 2 * 4  # every 2nd pixel
    assert V.response_rgb(out[:1], "signed").shape == (512, 512, 3)  # one channel: full size


def test_numbers_html_writes_every_value_in_a_signed_colour():
    import re

    from dlcore.viz import conv as V

    k = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.5], [-1.0, 0.0, 1.0]])
    html = V.numbers_html(k, "kernel K")
    cells = re.findall(r"background:rgb\((\d+),(\d+),(\d+)\);color:#\w+;[^>]*>([-0-9.]+)<", html)
    assert [float(c[3]) for c in cells] == k.ravel().tolist()
    rgb = {float(c[3]): tuple(int(x) for x in c[:3]) for c in cells}
    assert rgb[2.5][2] > rgb[2.5][0]  # positive: blue
    assert rgb[-2.0][0] > rgb[-2.0][2]  # negative: orange
    assert len(set(rgb[0.0])) == 1 and min(rgb[0.0]) >= 240  # zero: (near) white, neutral
    assert "<script" not in html and ">kernel K<" in html


def test_lab_filters_the_chosen_image_and_keys_on_its_fields():
    cfg = ConvConfig(source="step edge", kernel="sobel_v", stride_x=2)
    lab = views.lab(cfg)
    np.testing.assert_array_equal(lab.raw, images.step_edge())
    assert not lab.uploaded and lab.notes == ()
    direct = ops.apply_kernel(lab.image, kernels.make("sobel_v"), views.settings(cfg)).output
    np.testing.assert_allclose(lab.filtered.output, direct)
    assert lab.filtered.output.shape == (1, 62, 31)  # 64 - 2 rows; (64 - 3) // 2 + 1 columns
    # the key changes with what the lab depends on, not with a view's own fields
    assert views.lab_key(cfg) == views.lab_key(ConvConfig(**{**cfg.__dict__, "view": "pooling"}))
    assert views.lab_key(cfg) != views.lab_key(ConvConfig(**{**cfg.__dict__, "dilation": 2}))


def test_lab_of_an_upload_and_of_a_missing_one():
    photo = np.random.default_rng(4).random((3, 700, 300)).astype(np.float32)
    lab = views.lab(ConvConfig(source="upload", color="color"), photo)
    assert lab.uploaded and lab.raw is photo
    assert lab.image.shape == (3, 512, 219) and "downscaled" in lab.notes[0]
    waiting = views.lab(ConvConfig(source="upload"))  # nothing uploaded yet: the scene
    assert not waiting.uploaded and waiting.raw.shape == images.scene().shape
    custom = views.lab(ConvConfig(kernel="custom", custom=(1.0, 2.0)))
    assert any("square grid" in n for n in custom.notes)


def test_live_image_draws_every_kernel_in_its_signs_and_survives_nan():
    live = np.zeros((8, 3, 3))
    live[0] = [[-1, 0, 1]] * 3  # kernel 0 of the run: negative left, positive right
    bank = views.kernel_rows(live, np.ones((8, 3, 3)))
    steps, loss = np.arange(1.0, 51.0), np.linspace(2.3, 0.2, 50)
    frame = V.live_image(bank, steps, loss)
    assert frame.shape == (V.LIVE_SIZE[1], V.LIVE_SIZE[0], 3) and frame.dtype == np.uint8
    row = frame[16 + 84 // 2, : V.LIVE_SIZE[0] // 8].astype(int)  # across kernel 0, mid-height
    orange = (row[:, 0] > 200) & (row[:, 2] < 120)
    blue = (row[:, 2] > 150) & (row[:, 0] < 100)
    assert orange.any() and blue.any()
    assert orange.argmax() < blue.argmax()  # orange (< 0) on the left, blue (> 0) on the right
    blank = V.live_image(views.kernel_rows(live * 0, live * 0), steps, loss)
    assert not np.array_equal(blank, frame)
    bad = {name: np.full((3, 3), np.nan) for name in bank}
    nan_frame = V.live_image(bad, steps, np.full(50, np.nan))  # a diverged run: no exception
    assert nan_frame.shape == frame.shape


@pytest.mark.parametrize("name", list(kernels.KERNELS))
def test_automatic_display_shows_brightness_keeping_kernels_as_images(name):
    """Weights that sum to 1 (identity, blurs, sharpen, emboss) keep the brightness: shown as
    an image; weights that sum to 0 (edges, high pass) respond to change: signed colours."""
    k = kernels.make(name, max(kernels.sizes_for(name)))
    expected = "signed" if abs(k.sum()) < 1e-9 else "clip"
    assert views.display_for("auto", k) == expected
    assert views.display_for("abs", k) == "abs"  # a chosen display is kept


def test_automatic_display_of_custom_kernels():
    assert views.display_for("auto", np.array([[2.0]])) == "clip"  # a gain: brighter image
    assert views.display_for("auto", np.array([[-1.0]])) == "signed"  # a negative image
    assert views.display_for("auto", np.array([[-1.0, 1.02]])) == "signed"  # (nearly) sum 0
    assert views.display_for("auto", np.zeros((3, 3))) == "signed"


def test_lab_of_a_blur_is_shown_as_the_image_and_says_so():
    lab = views.lab(ConvConfig(kernel="identity", source="step edge"))
    assert lab.filtered.display == "clip"
    np.testing.assert_allclose(lab.filtered.shown, lab.image[:, 1:-1, 1:-1])
    assert "as an image" in views.display_note(lab.filtered)
    edges = views.lab(ConvConfig(kernel="sobel_v", source="checkerboard"))
    assert edges.filtered.display == "signed"
    note = views.display_note(edges.filtered)
    assert "orange < 0 < blue" in note and "-4" in note
    assert "the brightness is kept" in views.display_note(lab.filtered)
    bright = views.lab(ConvConfig(kernel="custom", custom=(2.0,), source="checkerboard"))
    note = views.display_note(bright.filtered)
    assert "50% of the values" in note  # the white squares: 2
    assert "about 2 times as bright" in note
    summed = views.lab(ConvConfig(kernel="gaussian", color="color", channels="sum"))
    note = views.display_note(summed.filtered)
    assert "3 over the 3 channels: about 3 times as bright" in note


def test_signed_maps_are_large_titled_and_share_one_colour_bar():
    out = np.zeros((3, 40, 60), np.float32)
    out[0, :, :30], out[2, :, 30:] = -2.0, 1.0
    rgb = V.signed_maps_rgb(out, ("R", "G", "B"))
    f = V.MIN_SIDE // 60  # small maps are enlarged like the input image
    assert rgb.shape[1] >= 3 * 60 * f and rgb.shape[0] > 40 * f
    mid = rgb[rgb.shape[0] // 2]
    assert (mid[..., 0] > 200).any() and (mid[..., 2] > 150).any()
    titles = rgb[:20]
    assert (titles < 100).any()  # the titles are written above the maps
    assert V.signed_maps_rgb(out[:1], ("output",)).shape[1] < rgb.shape[1]


@pytest.mark.parametrize(
    "st",
    [
        ops.ConvSettings(),
        ops.ConvSettings(stride=(2, 3), padding="same", dilation=2),
        ops.ConvSettings(stride=(1, 4), padding="full"),
    ],
)
def test_a_click_on_the_input_finds_the_output_pixel_whose_window_is_centred_there(st):
    plan = ops.plan((40, 50), (5, 5), st)
    for ax in (plan.rows, plan.cols):
        for i in range(ax.out):  # the centre of a window maps back to its output pixel
            assert views.output_index_at(ax, views.window_centre(ax, i)) == i
        assert views.output_index_at(ax, -100.0) == 0  # outside the image: the nearest
        assert views.output_index_at(ax, 1e4) == ax.out - 1
    img = np.random.default_rng(0).random((1, 40, 50)).astype(np.float32)
    ip = ops.inner_product(img, kernels.make("sobel_v", 5), st, 3, 4)
    centre = views.window_centre(plan.rows, 3)
    assert ip.rows.min() <= centre <= ip.rows.max()  # the centre lies inside the window


def test_pick_grid_has_every_output_pixel_of_a_small_map_and_at_most_64_a_side():
    small = ops.plan((64, 64), (3, 3), ops.ConvSettings())
    rows, cols = views.pick_grid(small)
    assert list(rows) == list(range(62)) and list(cols) == list(range(62))
    big = ops.plan((512, 300), (3, 3), ops.ConvSettings())
    rows, cols = views.pick_grid(big)
    assert len(rows) <= views.PICK_MAX and rows[0] == 0 and rows[-1] == 509
    assert np.diff(rows).max() <= -(-510 // views.PICK_MAX) + 1


def test_window_picker_shows_the_image_the_window_and_click_targets():
    img = images.step_edge(20, 30)
    plan = ops.plan((20, 30), (3, 3), ops.ConvSettings())
    rows, cols = views.pick_grid(plan)
    ys = np.array([views.window_centre(plan.rows, r) for r in rows])
    xs = np.array([views.window_centre(plan.cols, c) for c in cols])
    fig = V.window_picker_figure(img, ys, xs, (4, 6, 10, 12))
    image, targets = fig.data
    assert image.type == "image" and image.hoverinfo == "skip"
    assert len(targets.x) == len(rows) * len(cols)
    assert targets.x[0] == 1.0 and targets.y[0] == 1.0  # window (0, 0) is centred on pixel 1
    (box,) = fig.layout.shapes
    assert (box.x0, box.x1, box.y0, box.y1) == (9.5, 12.5, 3.5, 6.5)
    assert fig.layout.clickmode == "event+select" and fig.layout.yaxis.range[0] > 0
