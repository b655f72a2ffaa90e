"""AppTest of pages/convolution.py: every kernel, padding, stride and view draws; URL parameters set
the controls (garbage -> notice); uploads and camera snapshots go through, bad files give a message;
the inner product equals the output pixel; Step trains the digits CNN, Play draws one picture a
frame, and a diverged CNN shows the panel's message until Reset."""

import base64
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from streamlit.testing.v1 import AppTest

from dlcore.config import field_specs
from dlcore.conv import images, kernels, ops
from dlcore.conv.config import ConvConfig
from dlcore.ui.urlstate import wkey
from dlcore.ui.views.conv import VIEWS
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "convolution.py")


def app(**params):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at.run()
    assert not at.exception, at.exception
    return at


def widget(at, kind, name):
    return next(el for el in at.get(kind) if el.key == wkey("conv", name))


def chart(at, key):
    return next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(key)
    )


def html_grid(at, title):
    """The numbers of the kernel table titled ``title`` (the filter view draws kernels as HTML)."""
    body = next(h.proto.body for h in at.get("html") if f">{title}" in h.proto.body)
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    return np.array([[float(v) for v in re.findall(r">([-0-9.]+)</td>", r)] for r in rows])


def arr(x):
    """A plotly JSON array: a list, or plotly's typed-array form {dtype, bdata, shape}."""
    if isinstance(x, dict):
        flat = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"]))
        shape = x.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.array(x, dtype=float)


def z_of(at, key, trace=0):
    return arr(chart(at, key)["data"][trace]["z"])


def text(at):
    return "\n".join(m.value for m in at.markdown)


def png_bytes(size=(40, 30), mode="RGB", fmt="PNG"):
    rng = np.random.default_rng(0)
    arr = (rng.random((size[1], size[0], 3)) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).convert(mode).save(buf, format=fmt)
    return buf.getvalue()


@pytest.fixture(scope="module")
def start():
    return app()


def test_default_page_draws_input_kernel_output(start):
    assert len(start.get("image")) == 2  # input and output
    assert "**254 x 254**" in text(start)  # 256 scene, 3x3 valid
    np.testing.assert_allclose(html_grid(start, "kernel K"), kernels.make("sobel_v"), atol=0.005)
    for name in ("source", "kernel"):
        assert widget(start, "selectbox", name) is not None
    for name in ("view", "color", "mode", "padding", "pad_mode", "display"):
        assert widget(start, "radio", name) is not None
    assert not start.error


def test_every_kernel_and_size_draws():
    at = app(source="step edge")
    for name in [*kernels.KERNELS]:
        widget(at, "selectbox", "kernel").set_value(name)
        at.run()
        assert not at.exception, name
        size = max(kernels.sizes_for(name))
        if size > 3:
            widget(at, "select_slider", "size").set_value(size)
            at.run()
        z = html_grid(at, "kernel K")
        np.testing.assert_allclose(z, kernels.make(name, size), atol=0.005, err_msg=name)
        assert f"**{64 - size + 1} x {64 - size + 1}**" in text(at), name


@pytest.mark.parametrize("padding", ["valid", "same", "full"])
def test_padding_stride_dilation_options(padding):
    at = app(source="checkerboard", padding=padding, size=5)
    for pad_mode, sy, sx, d in (("zeros", 2, 3, 1), ("reflect", 3, 1, 2)):
        widget(at, "radio", "pad_mode").set_value(pad_mode)
        widget(at, "number_input", "stride_y").set_value(sy)
        widget(at, "number_input", "stride_x").set_value(sx)
        widget(at, "number_input", "dilation").set_value(d)
        at.run()
        assert not at.exception
        st = ops.ConvSettings("correlation", (sy, sx), padding, pad_mode, d)
        p = ops.plan((64, 64), (5, 5), st)
        assert f"**{p.rows.out} x {p.cols.out}**" in text(at)
        for ax in (p.rows, p.cols):  # the formula with this run's numbers, rendered
            numbers = rf"\frac{{64 + {ax.pad_lo} + {ax.pad_hi} - {d}\cdot(5-1) - 1}}{{{ax.stride}}}"
            assert rf"{numbers} \right\rfloor + 1 = {ax.out}" in latex(at)
        assert len(at.get("image")) == 2


@pytest.mark.parametrize("mode", ["correlation", "convolution"])
@pytest.mark.parametrize("n", range(1, 8))
def test_every_custom_kernel_size_from_the_link(n, mode):
    """The custom grid takes 1 to 49 values: each square size, in both modes, from a link, gives
    the output of F.conv2d (a 1x1 kernel in convolution mode crashed: issue 24 item 3)."""
    grid = np.random.default_rng(n).integers(-9, 10, size=(n, n)).astype(float)
    grid[0, -1] = 7.0  # not symmetric: convolution and correlation differ
    at = app(
        source="step edge",
        kernel="custom",
        custom=",".join(f"{v:g}" for v in grid.ravel()),
        mode=mode,
    )
    assert not at.error and not at.info
    np.testing.assert_allclose(html_grid(at, "kernel K"), grid)
    weight = torch.as_tensor(grid, dtype=torch.float32)
    weight = torch.flip(weight, (0, 1)) if mode == "convolution" else weight
    ref = F.conv2d(torch.as_tensor(images.step_edge())[None], weight[None, None])[0].numpy()
    lab = at.session_state["conv.lab"][1]
    assert lab.filtered.output.shape == (1, 65 - n, 65 - n)
    np.testing.assert_allclose(lab.filtered.output, ref, atol=1e-4)
    assert len(at.get("image")) >= 2


def decoded(im):
    """The pixels of an st.image element that carries an inline data URL."""
    url = im.proto.imgs[0].url
    data = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)


def shown(at, word):
    """The image element whose caption starts with ``word`` ("input", "output")."""
    return next(im for im in at.get("image") if (im.proto.imgs[0].caption or "").startswith(word))


@pytest.mark.parametrize("kernel", ["identity", "average", "gaussian", "motion_blur"])
def test_identity_and_blurs_show_the_image_itself_by_default(kernel):
    """A blurred scene is a (blurred) gray scene, not a blue one (issue 24 item 9)."""
    at = app(kernel=kernel)
    caption = shown(at, "output").proto.imgs[0].caption
    assert "as an image" in caption
    out, inp = decoded(shown(at, "output")), decoded(shown(at, "input"))
    assert out.shape == (256, 256, 3)  # 254 x 254 in a 1 px frame
    out = out[1:-1, 1:-1]
    assert np.abs(out[..., 0] - out[..., 2]).max() < 12  # gray, like the input
    diff = np.abs(out - inp[1:-1, 1:-1]).mean()
    assert diff < (3 if kernel == "identity" else 12)  # identity: the input itself


def test_colour_blur_is_a_colour_image():
    at = app(kernel="gaussian", color="color")
    out, inp = decoded(shown(at, "output")), decoded(shown(at, "input"))
    assert out.shape == (256, 256, 3)  # one picture (in its frame), not three channel maps
    assert np.abs(out[1:-1, 1:-1] - inp[1:-1, 1:-1]).mean() < 12


def test_edges_stay_signed_with_their_colour_scale():
    at = app(kernel="sobel_v", source="checkerboard")
    caption = shown(at, "output").proto.imgs[0].caption
    assert "orange < 0 < blue" in caption and "sum to 0" in caption
    rgb = decoded(shown(at, "output"))[: 62 * 4]  # the map (above its colour bar)
    orange = (rgb[..., 0] > 200) & (rgb[..., 2] < 120)
    blue = (rgb[..., 2] > 150) & (rgb[..., 0] < 100)
    assert orange.any() and blue.any()
    assert "-4" in caption and "4" in caption  # the scale's end points, in numbers


def test_colour_signed_output_is_three_large_labelled_maps_on_one_scale():
    at = app(kernel="sobel_v", color="color", display="signed")
    im = shown(at, "output")
    caption = im.proto.imgs[0].caption
    for name in ("red", "green", "blue"):
        assert name in caption
    rgb = decoded(im)
    assert rgb.shape[1] >= 3 * 254 and rgb.shape[0] >= 254  # each map at full size
    # the colour bar under the maps runs from orange (left) through white to blue (right)
    bar = next(
        r for r in range(rgb.shape[0] - 1, 0, -1) if (rgb[r, :, 2] - rgb[r, :, 0]).max() > 120
    )
    row = rgb[bar]
    tinted = np.nonzero(np.abs(row[:, 0] - row[:, 2]) > 60)[0]
    left, right = row[tinted[0]], row[tinted[-1]]
    assert left[0] > left[2] + 60 and right[2] > right[0] + 60


def test_custom_opened_from_a_link_starts_from_a_grid_without_a_message():
    at = app(kernel="custom")
    assert not at.info and not at.warning and not at.error
    np.testing.assert_allclose(html_grid(at, "kernel K"), kernels.make("identity", 3))


def test_custom_chosen_on_the_page_starts_from_the_kernel_before():
    at = app(size=5)
    widget(at, "selectbox", "kernel").set_value("custom").run()
    assert not at.exception and not at.info and not at.warning
    np.testing.assert_allclose(html_grid(at, "kernel K"), kernels.make("sobel_v", 5), atol=0.005)
    widget(at, "selectbox", "kernel").set_value("gaussian").run()
    widget(at, "selectbox", "kernel").set_value("custom").run()  # the student's grid is kept
    np.testing.assert_allclose(html_grid(at, "kernel K"), kernels.make("sobel_v", 5), atol=0.005)


def test_impossible_setting_gives_clear_message():
    at = app(source="digit", size=7, dilation=4)
    assert any("impossible" in e.value and "no output pixel fits" in e.value for e in at.error)
    at = app(source="digit", size=7, dilation=2, padding="full", pad_mode="reflect")
    assert any("Reflect padding" in e.value for e in at.error)


def test_url_sets_controls_and_convolution_shows_flip():
    at = app(kernel="sobel_h", size=5, mode="convolution", color="color", channels="sum")
    assert widget(at, "selectbox", "kernel").value == "sobel_h"
    assert widget(at, "select_slider", "size").value == 5
    assert widget(at, "radio", "channels").value == "sum"
    flipped = html_grid(at, "flipped K")
    np.testing.assert_allclose(flipped, kernels.make("sobel_h", 5)[::-1, ::-1], atol=0.005)
    np.testing.assert_allclose(html_grid(at, "kernel K"), kernels.make("sobel_h", 5), atol=0.005)


def test_garbage_url_gives_notice_and_defaults():
    at = app(stride_x="lots", kernel="😀", dilation="1e9", zzz="1")
    notice = "\n".join(w.value for w in at.warning)
    assert "Stride (columns)" in notice and "Kernel" in notice and "unknown" in notice
    assert widget(at, "selectbox", "kernel").value == "sobel_v"
    assert "**254 x 254**" in text(at)


def test_upload_png_goes_through_and_large_is_downscaled():
    at = app(source="upload", color="color")
    at.file_uploader[0].set_value(("photo.png", png_bytes((900, 600)), "image/png"))
    at.run()
    assert not at.exception and not at.error
    assert any("downscaled" in i.value for i in at.info)
    assert any("512x341" in (im.proto.imgs[0].caption or "") for im in at.get("image"))


def test_camera_snapshot_goes_through():
    at = app(source="upload")
    next(r for r in at.radio if r.key == "conv.img.source").set_value("Camera")
    at.run()
    at.camera_input[0].set_value(("shot.jpg", png_bytes((64, 48), fmt="JPEG"), "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    assert "**46 x 62**" in text(at)  # 48x64 gray snapshot, 3x3 valid


@pytest.mark.parametrize(
    "data", [b"", b"not an image at all", png_bytes()[:60], b"GIF89a" + b"\x00" * 20]
)
def test_bad_uploads_give_a_message(data):
    at = app(source="upload")
    at.file_uploader[0].set_value(("x.png", data, "image/png"))
    at.run()
    assert not at.exception
    assert any("Could not use this image" in e.value for e in at.error)


def test_inner_product_matches_output_and_next_window_moves():
    at = app(view="inner product", color="color", channels="sum", kernel="emboss", row=7, col=9)
    m = re.search(
        r"Output pixel \(7, 9\) = \*\*(-?[\d.]+)\*\*; the output map holds (-?\d+\.\d+)", text(at)
    )
    assert m and m.group(1) == m.group(2)
    patch = z_of(at, "conv.chart.patch")
    win = z_of(at, "conv.chart.win")
    np.testing.assert_allclose(z_of(at, "conv.chart.prod"), patch * win)
    next(b for b in at.button if "Next window" in b.label).click()
    at.run()
    assert widget(at, "number_input", "col").value == 10
    assert "Output pixel (7, 10)" in text(at)


def test_pooling_view_invariance_and_lp():
    at = app(view="pooling", pool="lp", p=4, pool_size=3, pool_stride=1)
    assert not at.error
    inv = chart(at, "conv.chart.inv")
    names = {t["name"] for t in inv["data"]}
    assert names == {"detector (unpooled)", "after pooling"}
    to_avg, to_max = (arr(t["y"]) for t in chart(at, "conv.chart.lp")["data"])
    assert to_avg[0] == pytest.approx(0.0, abs=1e-6)  # p = 1 is the average
    assert to_max[-1] < 0.2 * to_max[0]  # large p approaches the max
    assert any("Lp pool 3x3" in (im.proto.imgs[0].caption or "") for im in at.get("image"))


def test_algebra_view_associativity_and_cost():
    at = app(view="algebra", kernel="sobel_v", kernel2="gaussian")
    t = text(at)
    assert re.search(r"\*\*Convolution\*\*.*→ \*\*equal\*\*", t)
    assert re.search(r"\*\*Correlation\*\*.*→ \*\*NOT equal\*\*", t)
    table = at.table[0].value
    assert table.loc["parameters (with biases)", "convolution"] == "10"


def test_custom_kernel_grid_and_bad_custom():
    at = app(kernel="custom", custom="0,0,0,0,2,0,0,0,0")
    np.testing.assert_allclose(html_grid(at, "kernel K"), [[0, 0, 0], [0, 2, 0], [0, 0, 0]])
    next(b for b in at.button if "Copy preset" in b.label).click()
    at.run()
    np.testing.assert_allclose(html_grid(at, "kernel K"), kernels.make("identity", 3))
    at = app(kernel="custom", custom="1,2,3,4,5")
    assert any("square grid" in i.value for i in at.info)


def test_learned_filters_step_trains_and_shows_maps():
    at = app(view="learned filters", digit=3)
    assert "step 0" in text(at)
    probs = arr(chart(at, "conv.chart.probs")["data"][0]["y"])
    assert int(np.argmax(probs)) == 3
    assert len(at.table) == 1 and "conv1 3x3 + ReLU" in at.table[0].value.to_string()
    next(b for b in at.button if b.label == "Step 20").click()
    at.run()
    assert not at.exception
    assert "step 20" in text(at)


def test_view_registry_matches_the_config_and_feeds_the_radio(start):
    choices = field_specs(ConvConfig)["view"].options
    assert tuple(VIEWS) == choices
    radio = widget(start, "radio", "view")
    assert radio.label == "Look at"
    assert list(radio.options) == [view.label for view in VIEWS.values()]
    for choice in choices:  # every registered view draws from a link
        at = app(view=choice)
        assert widget(at, "radio", "view").value == choice


def test_play_draws_one_picture_a_frame_with_its_caption():
    at = app(view="learned filters")
    assert chart(at, "conv.chart.bank")  # paused: the interactive kernel bank
    images_paused = len(at.get("image"))
    at.button(key="conv.btn.play").click().run()  # under AppTest the loop runs a few ticks
    assert not at.exception
    trainer = at.session_state["conv.trainer"]
    assert trainer.steps > 0
    frames = [im for im in at.get("image") if im.proto.imgs[0].url.startswith("data:image/png")]
    assert len(frames) == 1  # the live frame replaced the kernel bank and loss charts in place
    assert len(at.get("image")) == images_paused + 1
    assert not any(c.proto.id.endswith("conv.chart.bank") for c in at.get("plotly_chart"))
    assert any(re.match(r"Test accuracy \d+\.\d% · training loss \d", c.value) for c in at.caption)


def test_a_diverged_cnn_shows_the_message_and_reset_recovers():
    app_ = app(view="learned filters")
    _, fresh = diverge_and_reset(app_, "conv", nan_parameters("model"), says="loss")
    assert fresh.steps == 20 and math.isfinite(fresh.history.last()["loss"])


def test_the_lab_is_kept_until_what_it_depends_on_changes():
    at = app(view="inner product", source="upload", color="color")
    at.file_uploader[0].set_value(("a.png", png_bytes((40, 30)), "image/png")).run()
    lab = at.session_state["conv.lab"][1]
    assert lab.uploaded and lab.image.shape == (3, 30, 40)
    next(b for b in at.button if "Next window" in b.label).click().run()
    assert at.session_state["conv.lab"][1] is lab  # the window moved; nothing to recompute
    widget(at, "number_input", "dilation").set_value(2).run()
    changed = at.session_state["conv.lab"][1]
    assert changed is not lab and changed.filtered.output.shape[1:] == (26, 36)
    rng = np.random.default_rng(7)  # a new picture of the same size is a new lab
    buf = io.BytesIO()
    Image.fromarray((rng.random((30, 40, 3)) * 255).astype(np.uint8)).save(buf, format="PNG")
    at.file_uploader[0].set_value(("c.png", buf.getvalue(), "image/png")).run()
    newer = at.session_state["conv.lab"][1]
    assert newer.uploaded and not np.array_equal(newer.raw, changed.raw)
    broken = png_bytes((40, 30))[::-1]  # not a PNG: refused, the scene stands in
    at.file_uploader[0].set_value(("b.png", broken, "image/png")).run()
    assert not at.session_state["conv.lab"][1].uploaded
    assert "Output pixel (0, 1)" in text(at)


def latex(at):
    return "\n".join(el.value for el in at.latex)


def test_the_lecture_equations_are_rendered_with_the_live_output_size():
    """Item 15: convolution against cross-correlation as the lecture writes them, and the
    output-size formula with this run's numbers, rendered (not ASCII)."""
    at = app(source="checkerboard", size=5, stride_y=2, padding="same", dilation=2)
    eq = latex(at)
    assert r"\sum_{m}\sum_{n} I(i+m,\, j+n)\, K(m,n)" in eq  # cross-correlation
    assert r"\sum_{m}\sum_{n} I(m,n)\, K(i-m,\, j-n)" in eq  # convolution
    # rows: floor((64 + 4 + 4 - 2(5-1) - 1) / 2) + 1 = 32; columns: stride 1 -> 64
    assert r"\frac{64 + 4 + 4 - 2\cdot(5-1) - 1}{2}" in eq and r"+ 1 = 32" in eq
    assert r"\frac{64 + 4 + 4 - 2\cdot(5-1) - 1}{1}" in eq and r"+ 1 = 64" in eq
    assert "**32 x 64**" in text(at)
    summed = latex(app(color="color", channels="sum"))
    assert r"\sum_{k} I(i+m,\, j+n,\, k)\, K(m,n,k)" in summed  # the lecture's 3-D form


def test_inner_product_is_rendered_with_the_window_s_numbers():
    at = app(view="inner product", source="step edge", kernel="sobel_v", row=3, col=30)
    eq = latex(at)
    # the window covers input rows 3..5, columns 30..32: 0 0 1 in every row -> 1 + 2 + 1 = 4
    assert r"S(3,\, 30) = \langle I[3..5,\ 30..32],\ K \rangle" in eq
    assert r"(0)(-1) + (0)(0) + (1)(1)" in eq and r"= 4.0000" in eq
    conv = latex(app(view="inner product", mode="convolution", kernel="sobel_v", row=1, col=2))
    assert r"\tilde K" in conv  # the flipped kernel slides


def test_lp_pooling_is_rendered_with_a_window_s_numbers():
    at = app(view="pooling", pool="lp", p=4, pool_size=2, pool_stride=2, source="checkerboard")
    eq = latex(at)
    assert r"\Big(\frac{1}{|R|}\sum_{(u,v) \in R} |x_{u,v}|^{p}\Big)^{1/p}" in eq
    assert r"^{1/4}" in eq  # this p, on the strongest window's numbers
    assert r"p = 1" in eq and r"p \to \infty" in eq


ASCII_MATH = re.compile(r"floor\(|sum_|\^|[A-Z]\\?\*\(|\(I ⋆ K\)")


def _prose(el) -> str:
    """Markdown or caption text without its rendered $...$ math."""
    return re.sub(r"\$[^$]*\$", "", el.value)


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_ascii_equations_and_human_labels_in_every_widget(view):
    at = app(view=view, color="color", kernel="custom", custom="0,1,0,1")
    for el in [*at.markdown, *at.caption]:
        assert not ASCII_MATH.search(_prose(el)), el.value
    for el in [*at.radio, *at.selectbox]:
        for label in el.options:
            raw = "_" in label or label[:1].islower() or label.isdigit()
            assert not raw, (el.label, label)


def test_the_layer_table_has_human_column_names():
    at = app(view="learned filters")
    table = at.table[0].value
    assert list(table.columns) == ["Output (C x H x W)", "Parameters", "Parameters counted"]
    assert table.index.name == "Layer" and "conv1 3x3 + ReLU" in table.index


def test_inner_product_channels_have_names():
    at = app(view="inner product", color="color")
    channel = next(s for s in at.selectbox if s.label == "Channel")
    assert list(channel.options) == ["Red (R)", "Green (G)", "Blue (B)"]


def test_learned_filters_draws_digits_large_enough_for_a_projector():
    """Item 15: digits drawn at 64 px are too small on a projector."""
    at = app(view="learned filters")
    seen = {
        (im.proto.imgs[0].caption or "").split(":")[0]: decoded(im).shape
        for im in at.get("image")
        if im.proto.imgs[0].url.startswith("data:")
    }
    assert seen["the 8x8 digit the network sees"][0] >= 224
    assert seen["conv1 + ReLU"][1] >= 8 * 112  # 8 maps of 8x8, 14 px a pixel
    assert seen["conv2 + ReLU"][1] >= 8 * 112


def _stepped(at):
    """Step 20 on the learned-filters view; (kernels, loss, test accuracy) of the run."""
    next(b for b in at.button if b.label == "Step 20").click().run()
    assert not at.exception
    snap = at.session_state["conv.trainer"].snapshot()
    return snap.kernels, snap.train_loss, snap.test_acc


def test_learned_filters_give_the_same_numbers_whatever_unrelated_control_changed():
    """Issue 24: the same training settings give the same numbers whatever else is chosen or
    runs in the process. The digits CNN's init reseeded torch's global generator (shared by
    every page and session) and drew from it; now it has a generator of its own."""
    torch.manual_seed(5)
    state = torch.get_rng_state()
    plain = app(view="learned filters", seed=3)
    assert torch.equal(torch.get_rng_state(), state)  # opening the view touched nothing shared
    kernels_a, loss_a, acc_a = _stepped(plain)
    other = app(
        view="learned filters",
        seed=3,
        kernel="gaussian",
        source="checkerboard",
        color="color",
        stride_x=3,
        display="abs",
        pool="lp",
        digit=17,
    )
    torch.manual_seed(77)  # another session draws from the shared generator meanwhile
    torch.rand(500)
    kernels_b, loss_b, acc_b = _stepped(other)
    np.testing.assert_array_equal(kernels_a, kernels_b)
    assert (loss_a, acc_a) == (loss_b, acc_b)


def test_a_window_beyond_the_output_moves_to_its_edge_and_the_boxes_say_so():
    """Row 200 with stride 1, then stride 2 (127 rows): the boxes, the caption and the equation
    all name the same output pixel, the last row, and a note says why."""
    at = app(view="inner product", row=200, col=5)
    assert "Output pixel (200, 5)" in text(at)
    widget(at, "number_input", "stride_y").set_value(2).run()
    assert widget(at, "number_input", "row").value == 126
    assert "Output pixel (126, 5)" in text(at) and r"S(126,\, 5)" in latex(at)
    assert any("outside the output" in i.value for i in at.info)
    at = app(view="inner product", row=4000, col=4000)
    assert (widget(at, "number_input", "row").value, widget(at, "number_input", "col").value) == (
        253,
        253,
    )
