"""The convolution filter lab's views (pages/convolution.py): a kernel on an image, the inner
product behind one output pixel, pooling, the algebra of convolution, and learned filters (live).

Every view works on the same image, kernel and operation, set by the controls above the views
(``controls``): they are computed once into a ``dlcore.conv.views.Lab`` and kept for the session
until one of the values they depend on changes (a click on "Next window" recomputes nothing).
The math is in dlcore/conv (the lecture's convolution and pooling slides), the figures in
dlcore/viz/conv.py.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.conv import images, kernels, model, ops, tex, views
from dlcore.conv.config import ConvConfig, train_config
from dlcore.conv.train import DigitsTrainer
from dlcore.ui.inputs import image_input
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.viz import conv as figures
from dlcore.viz.common import jpeg_data_url

ConvPage = Page[ConvConfig]
KERNEL_LABELS = {k: s.label for k, s in kernels.KERNELS.items()} | {
    "custom": "Custom (edit the grid)"
}
CHANNEL_LABELS = {"per_channel": "Per channel (R, G, B)", "sum": "Sum over channels (3-D kernel)"}
DISPLAY_LABELS = {
    "auto": "Automatic",
    "signed": "Signed colours",
    "clip": "Image (0 to 1)",
    "abs": "Magnitude |value|",
    "normalize": "Stretched (min to max)",
}
DISPLAY_HELP = (
    "Automatic: an image for kernels whose weights sum to 1 (identity, blurs, sharpen: the "
    "brightness is kept), signed colours for kernels whose weights sum to 0 (edges: a flat "
    "region gives 0, and the response is negative or positive)."
)
CHANNEL_TITLES = ("Red channel", "Green channel", "Blue channel")
CHANNEL_NAMES = ("Red (R)", "Green (G)", "Blue (B)")
# what a student reads in each choice widget (option value -> label), by config field
LABELS: dict[str, dict[str, str]] = {
    "source": {
        "scene": "Scene (house, sun, text)",
        "step edge": "Step edge",
        "checkerboard": "Checkerboard",
        "digit": "Handwritten digit (8x8)",
        "upload": "Your image or camera",
    },
    "color": {"gray": "Gray", "color": "Colour (R, G, B)"},
    "mode": {"correlation": "Cross-correlation", "convolution": "Convolution (kernel flipped)"},
    "padding": {"valid": "Valid (none)", "same": "Same size", "full": "Full"},
    "pad_mode": {"zeros": "Zeros", "reflect": "Mirror (reflect)"},
    "channels": CHANNEL_LABELS,
    "display": DISPLAY_LABELS,
    "pool": {"max": "Max", "average": "Average", "lp": "Lp (power mean)"},
    "init": {"random": "Random weights", "pretrained": "Shipped checkpoint"},
}
RADIO, NUMBER = {"widget": "radio"}, {"widget": "number"}
# how each config field's widget looks (the rest: the default widget of its kind)
WIDGETS: dict[str, dict[str, Any]] = {
    "digit": NUMBER,
    "color": RADIO,
    "kernel": {"format_func": KERNEL_LABELS.get},
    "kernel2": {"format_func": KERNEL_LABELS.get},
    "mode": RADIO,
    "stride_y": NUMBER,
    "stride_x": NUMBER,
    "dilation": NUMBER,
    "padding": RADIO,
    "pad_mode": RADIO,
    "channels": {**RADIO, "format_func": CHANNEL_LABELS.get},
    "display": {**RADIO, "help": DISPLAY_HELP},
    "row": NUMBER,
    "col": NUMBER,
    "pool": RADIO,
    "pool_stride": NUMBER,
    "init": RADIO,
    "lr": {**NUMBER, "format": "%.4f"},
    "seed": NUMBER,
}
HIST_LABEL = "Histogram of the raw responses (what a plain 0..1 display cuts off)"
ALGEBRA_NOTE = (
    "$D$ = the kernel above, $G$ = the second kernel, $I$ = the image (grayscale, at most 160 px, "
    "full padding). Correlation happens to be associative when $D$ is symmetric: pick Sobel, "
    "Prewitt or emboss to see it fail."
)
OPERATORS = {"correlation": r"\star", "convolution": "*"}
ALGEBRA_SIDE = 330  # px: the <= 164 px maps of the algebra view, enlarged x2 (pixels kept sharp)
RUNS = {
    "correlation": "cross-correlation (what PyTorch's conv2d computes)",
    "convolution": "convolution (the cross-correlation with the kernel flipped)",
}
LIVE_MODEL = "Analyse with my live-trained model (off: the shipped checkpoint)"
LAYER_COLUMNS = {
    "layer": "Layer",
    "output_shape": "Output (C x H x W)",
    "params": "Parameters",
    "formula": "Parameters counted",
}
PICKER_WIDTH = 370  # px: about the width of the inner-product view's image column
DIGIT_SIDE, MAP_TILE = 224, 112  # px: an 8x8 digit or map read from the back of a lecture room


# -- callbacks (run before the next script run) ------------------------------------------------
def _fill_grid(page: ConvPage, name: str, size: int) -> None:
    """Put preset ``name`` into the custom grid (a new grid editor shows it)."""
    page.set_widgets({"custom": views.grid_text(kernels.make(name, size))})
    st.session_state[page.key("start")] = name
    page.set("grid_v", page.get("grid_v", 0) + 1)


def _load_preset(page: ConvPage) -> None:
    """Copy the "Start from" preset into the custom grid."""
    _fill_grid(page, page.get("start"), page.widget_state("size"))


def _kernel_changed(page: ConvPage) -> None:
    """Opening Custom starts from the kernel chosen before it (``page`` is the previous run's:
    its config holds that kernel), unless the student's grid already holds numbers."""
    before = page.cfg.kernel
    opened = page.widget_state("kernel") == "custom" and before != "custom"
    if opened and not page.widget_state("custom"):
        _fill_grid(page, before, page.cfg.size)


def _window_clicked(page: ConvPage, plan: ops.ConvPlan) -> None:
    """A click on the input image: the output pixel whose window is centred there (``plan``:
    the geometry of the run that drew the image)."""
    points = page.selection("pick")
    if points:
        row = views.output_index_at(plan.rows, float(points[0]["y"]))
        col = views.output_index_at(plan.cols, float(points[0]["x"]))
        page.set_widgets({"row": row, "col": col})


def _next_window(page: ConvPage, n_rows: int, n_cols: int) -> None:
    """Slide the window to the next output pixel (reading order)."""
    row, col = views.next_pixel(page.widget_state("row"), page.widget_state("col"), n_rows, n_cols)
    page.set_widgets({"row": row, "col": col})


# -- the controls above every view -----------------------------------------------------------
def _image_controls(page: ConvPage) -> np.ndarray | None:
    """Image source and colour; returns the student's image when the source is an upload."""
    st.subheader("Image")
    upload = None
    source = page.widget("source")
    if source == "digit":
        page.widget("digit", **WIDGETS["digit"])
    elif source == "upload":
        loaded = image_input("Your image (or a camera snapshot)", page.key("img"), max_side=2048)
        upload = images.from_uint8(loaded.pixels) if loaded is not None else None
    page.widget("color", **WIDGETS["color"])
    return upload


def _custom_editor(page: ConvPage) -> None:
    """A grid of numbers to edit, seeded from a preset on request."""
    st.selectbox(
        "Start from", list(kernels.KERNELS), key=page.key("start"), format_func=KERNEL_LABELS.get
    )
    st.button(
        "Copy preset into the grid", on_click=_load_preset, args=(page,), icon=":material/grid_on:"
    )
    grid, msg = views.kernel_of(page.cfg)
    if msg:
        page.notice(msg)
    table = pd.DataFrame(grid, columns=[str(i) for i in range(len(grid))])
    key = page.key(f"grid{page.get('grid_v', 0)}")
    edited = st.data_editor(table, key=key, hide_index=True, num_rows="fixed")
    st.session_state[page.widget_key("custom")] = views.grid_text(edited.to_numpy(dtype=float))
    page.refresh()  # the kernel of this run is the grid as edited


def _square(k: int) -> str:
    return f"{k}x{k}"


def _kernel_controls(page: ConvPage) -> None:
    st.subheader("Kernel")
    name = page.widget("kernel", on_change=_kernel_changed, args=(page,), **WIDGETS["kernel"])
    only3 = name != "custom" and kernels.sizes_for(name) == (3,)
    help_for = {"custom": "The size of the preset that 'Copy preset into the grid' copies."}
    size_help = "This kernel exists only as 3x3." if only3 else help_for.get(name)
    page.widget("size", disabled=only3, format_func=_square, help=size_help)
    if name == "custom":
        _custom_editor(page)
    else:
        st.caption(kernels.KERNELS[name].note)


def _operation_controls(page: ConvPage) -> None:
    st.subheader("Operation")
    page.widget("mode", **WIDGETS["mode"])
    page.row("stride_y", "stride_x", "dilation", **WIDGETS)
    page.row("padding", "pad_mode", **WIDGETS)
    if page.cfg.color == "color":
        page.widget("channels", **WIDGETS["channels"])
    page.widget("display", **WIDGETS["display"])


def _same_image(lab: views.Lab, upload: np.ndarray | None) -> bool:
    """True when ``lab`` was computed from this upload (or from no upload). Comparing the pixels
    costs ~1 ms for a 512x512 colour image; hashing them cost ~20 ms a run."""
    if upload is None:
        return not lab.uploaded
    return lab.uploaded and np.array_equal(lab.raw, upload)


def _lab(page: ConvPage, upload: np.ndarray | None) -> views.Lab:
    """This run's ``Lab``: the session's last one while nothing it depends on has changed."""
    key = views.lab_key(page.cfg)
    held = page.get("lab")
    if held is not None and held[0] == key and _same_image(held[1], upload):
        return held[1]
    lab = views.lab(page.cfg, upload)
    page.set("lab", (key, lab))
    return lab


def controls(page: ConvPage) -> views.Lab:
    """The image, kernel and operation controls every view shares, and what they compute (the
    output size, any notice): the page's ``Lab``, kept until a value it depends on changes."""
    c_img, c_ker, c_op = st.columns(3, gap="large")
    with c_img:
        upload = _image_controls(page)
    with c_ker:
        _kernel_controls(page)
    with c_op:
        _operation_controls(page)
    lab = _lab(page, upload)
    if page.cfg.source == "upload" and upload is None:
        page.notice("Upload an image or take a camera snapshot above; showing the scene meanwhile.")
    for note in lab.notes:
        page.notice(note)
    st.markdown(views.output_size_text(lab.filtered.plan))
    st.latex(tex.output_size(lab.filtered.plan))
    if lab.filtered.error:
        page.notice(
            f"This setting is impossible: {lab.filtered.error}", "error", ":material/block:"
        )
    return lab


def lab_of(page: ConvPage) -> views.Lab:
    """The ``Lab`` that ``controls`` computed (or kept) in this run."""
    return page.get("lab")[1]


# -- views ------------------------------------------------------------------------------------
def filter_view(page: ConvPage) -> None:
    lab, cfg = lab_of(page), page.cfg
    fv = lab.filtered
    if fv.error:
        return
    img, kernel = lab.image, lab.kernel
    c1, c2, c3 = st.columns([4, 3, 4])
    # the output first (it is what changes), inline JPEG: no image re-parse, no extra request
    size, note = f"output {fv.plan.cols.out}x{fv.plan.rows.out}", views.display_note(fv)
    per_channel = fv.display == "signed" and len(fv.output) > 1
    if not per_channel:
        c3.image(jpeg_data_url(_output_rgb(fv), 92), caption=f"{size}: {note}")
    caption = f"input {img.shape[2]}x{img.shape[1]}, {img.shape[0]} ch"
    c1.image(jpeg_data_url(figures.image_rgb(img), 92), caption=caption)
    with c2:
        st.html(figures.numbers_html(kernel, "kernel K"))
        if cfg.mode == "convolution":
            st.html(figures.numbers_html(kernel[::-1, ::-1], "flipped K: what slides"))
        st.caption(views.FLIP_NOTE)
    if per_channel:  # three signed maps: each at full size, named, on one colour bar
        rgb = figures.signed_maps_rgb(fv.output, CHANNEL_TITLES)
        caption = f"{size} for each colour channel (red, green, blue), one colour scale: {note}"
        st.image(jpeg_data_url(rgb, 92), caption=caption)
    _definitions(lab)
    if st.toggle(HIST_LABEL, key=page.key("hist_on")):
        page.chart(figures.histogram_figure(fv.output), "hist")


def _definitions(lab: views.Lab) -> None:
    """The lecture's cross-correlation against its convolution (this run's marked), then what
    this run computes with its stride, dilation and padding."""
    conv = lab.settings
    summed = conv.channels == "sum" and lab.image.shape[0] > 1
    st.markdown(f"**The lecture's definitions**: this run computes the {RUNS[conv.mode]}.")
    st.latex(tex.definitions(summed))
    plain = conv.stride == (1, 1) and conv.dilation == 1 and conv.padding == "valid"
    if conv.mode == "convolution" or not plain:
        st.markdown("This run, rows and columns counted from 0 (with the padding in $I$):")
        st.latex(tex.this_run(lab.filtered.plan, conv))


def _output_rgb(fv: views.FilterView) -> np.ndarray:
    """One output picture: a signed map above its colour bar, or the image display."""
    if fv.display == "signed":
        return figures.signed_maps_rgb(fv.output)
    return figures.framed(figures.response_rgb(fv.shown, fv.display))


def inner_product(page: ConvPage) -> None:
    lab = lab_of(page)
    if lab.filtered.error:
        return
    img, conv, plan = lab.image, lab.settings, lab.filtered.plan
    cfg = _window_inside(page, plan)
    a, b, c = st.columns(3)
    with a:
        page.widget("row", **WIDGETS["row"])
    with b:
        page.widget("col", **WIDGETS["col"])
    colour = img.shape[0] > 1
    names = CHANNEL_NAMES if colour else ("Gray",)
    ch = c.selectbox(
        "Channel", range(img.shape[0]), key=page.key("ch"), format_func=names.__getitem__
    )
    c.button(
        "Next window",
        icon=":material/skip_next:",
        on_click=_next_window,
        args=(page, plan.rows.out, plan.cols.out),
    )
    ip = ops.inner_product(img, lab.kernel, conv, cfg.row, cfg.col, ch)
    ch = ch if colour else 0
    letter = "RGB"[ch] if colour else ""
    left, right = st.columns([2, 3])
    _window_picker(page, img, plan, ip, left)
    left.image(
        figures.window_zoom(img, ip.rows, ip.cols),
        caption="zoom: red = the taps of the kernel, pink = padding outside the image",
    )
    with right:
        f1, f2, f3 = st.columns(3)
        title = f"input patch, {CHANNEL_TITLES[ch].lower()}" if colour else "input patch"
        patch = figures.numbers_figure(ip.patch[ch], title, signed=False)
        page.chart(patch, "patch", where=f1)
        page.chart(figures.numbers_figure(ip.window, "kernel as slid"), "win", where=f2)
        page.chart(figures.numbers_figure(ip.products[ch], "elementwise product"), "prod", where=f3)
        flipped = conv.mode == "convolution"
        st.latex(tex.inner_product(ip, ch, letter, flipped))
        summed = conv.channels == "sum" and colour
        if summed:  # the lecture's 3-D convolution: the channels' inner products added
            st.latex(tex.channel_sum(ip, "RGB"))
        held = lab.filtered.output[0 if summed else ch, ip.row, ip.col]
        st.markdown(views.result_text(ip, held, summed))


def _window_inside(page: ConvPage, plan: ops.ConvPlan) -> ConvConfig:
    """The window's output pixel kept inside the output (a larger stride or kernel shrinks it):
    the boxes are set before they are drawn, so they, the caption and the equation name the
    same pixel."""
    cfg, size = page.cfg, {"row": plan.rows.out, "col": plan.cols.out}
    outside = {name: n - 1 for name, n in size.items() if getattr(cfg, name) >= n}
    if not outside:
        return cfg
    page.set_widgets(outside)
    cfg = page.refresh()
    page.notice(
        f"The chosen window was outside the output ({size['row']} x {size['col']}): it moved "
        f"to output pixel ({cfg.row}, {cfg.col})."
    )
    return cfg


def _window_picker(
    page: ConvPage, img: np.ndarray, plan: ops.ConvPlan, ip: ops.InnerProduct, where: Any
) -> None:
    """The input image with the window in red; a click on it chooses the window."""
    rows, cols = views.pick_grid(plan)
    ys = np.array([views.window_centre(plan.rows, r) for r in rows])
    xs = np.array([views.window_centre(plan.cols, c) for c in cols])
    window = (int(ip.rows.min()), int(ip.rows.max()), int(ip.cols.min()), int(ip.cols.max()))
    height = int(np.clip(PICKER_WIDTH * img.shape[1] / img.shape[2], 160, 520))
    fig = figures.window_picker_figure(img, ys, xs, window, height)
    picked = partial(_window_clicked, page, plan)  # plotly_chart takes no callback args
    page.chart(fig, "pick", where=where, on_select=picked, selection_mode="points")
    where.caption(f"{views.window_caption(ip)}. Click the image to move the window there.")


def pooling(page: ConvPage) -> None:
    lab, cfg = lab_of(page), page.cfg
    if lab.filtered.error:
        return
    page.row("pool", "pool_size", "pool_stride", "p", **WIDGETS, p={"disabled": cfg.pool != "lp"})
    pv = views.pooling_view(
        lab.image, lab.kernel, lab.settings, cfg.pool, cfg.pool_size, cfg.pool_stride, cfg.p
    )
    top = float(pv.fmap.max()) or 1.0
    c1, c2 = st.columns(2)
    op = OPERATORS[lab.settings.mode]
    c1.markdown(rf"**Detector stage** $\mathrm{{ReLU}}(I {op} K)$, the channels averaged")
    h, w = pv.fmap.shape
    c1.image(figures.image_rgb(pv.fmap[None] / top), caption=f"{w}x{h}, bright = strong")
    if pv.error:
        st.error(pv.error)
        return
    caption = views.pool_caption(pv, cfg.pool, cfg.pool_size, cfg.pool_stride)
    c2.markdown(f"**{page.label(cfg.pool, 'pool')} pooling** of the detector stage")
    c2.image(figures.image_rgb(pv.pooled[None] / top), caption=caption)
    if pv.curve is not None:
        st.markdown("**Translation invariance**: shift the input right by 0-4 pixels.")
        page.chart(figures.invariance_figure(pv.curve), "inv")
    _lp_equations(pv.example, cfg.p, cfg.pool_size)
    page.chart(figures.lp_figure(pv.sweep), "lp")


def _lp_equations(example: views.LpExample, p: float, size: int) -> None:
    """The lecture's Lp pooling, then worked on the strongest window for this p."""
    st.markdown(r"**Lp pooling**: from $p = 1$ (the average) towards $p \to \infty$ (the max)")
    st.latex(tex.LP_POOL)
    st.markdown(
        f"On the {size}x{size} window of the detector stage where the average and the max differ "
        f"most, with $p = {p:g}$:"
    )
    st.latex(tex.lp_window(example.values, p, example.lp))
    st.latex(tex.lp_limits(example.average, example.largest))


def algebra(page: ConvPage) -> None:
    lab, cfg = lab_of(page), page.cfg
    if lab.filtered.error:
        return
    page.widget("kernel2", **WIDGETS["kernel2"])
    pair = views.associativity_pair(lab.kernel, kernels.make(cfg.kernel2, 3), lab.image)
    for res in pair:
        head, op = views.assoc_text(res)
        st.markdown(head)
        c1, c2, c3 = st.columns([3, 3, 2])
        c1.markdown(f"$D {op} (G {op} I)$: step by step")
        c1.image(figures.signed_maps_rgb(res.stepwise[None], min_side=ALGEBRA_SIDE))
        c2.markdown(f"$(D {op} G) {op} I$: one pass")
        c2.image(figures.signed_maps_rgb(res.combined[None], min_side=ALGEBRA_SIDE))
        c3.markdown(f"$D {op} G$, the combined kernel")
        dg = figures.numbers_figure(res.combined_kernel, "", height=220)
        page.chart(dg, f"dg{res.op}", where=c3)
    st.caption(ALGEBRA_NOTE)
    st.markdown("**Sparse connectivity and parameter sharing**, for this image and kernel:")
    layer = views.layer_cost(lab.filtered, lab.settings)
    st.table(pd.DataFrame(views.cost_table(layer)).set_index(""))
    st.latex(tex.runtime(layer))


# -- learned filters (live) -----------------------------------------------------------------
def _render_training(page: ConvPage, trainer: DigitsTrainer, out: LiveOut) -> None:
    """The digits CNN's first-layer kernels (the run, the shipped checkpoint, hand-made ones)
    and its training loss: one raster frame while playing, the interactive figures paused."""
    snap = trainer.snapshot()
    bank = views.kernel_rows(snap.kernels, model.first_layer_kernels(model.pretrained()))
    loss = f"{snap.train_loss:.4f}" if snap.steps else "-"
    if out.live:
        frame = figures.live_image(bank, snap.step_axis, snap.loss_curve)
        out.png(frame, width=figures.LIVE_SIZE[0])
        out.caption(f"Test accuracy {snap.test_acc:.1%} · training loss {loss}")
        return
    st.markdown(
        f"Test accuracy **{snap.test_acc:.1%}** · training loss {loss} · first-layer "
        "3x3 kernels: your run (top), the shipped checkpoint, hand-made (bottom)"
    )
    page.chart(figures.kernel_bank_figure(bank, height=380), "bank")
    if len(snap.loss_curve) > 1:
        page.chart(figures.loss_figure(snap.step_axis, snap.loss_curve), "loss")


def _network_analysis(page: ConvPage, lab: views.Lab, net: model.DigitsCNN) -> None:
    """The 8x8 digit through ``net``: class probabilities, first-layer responses on the
    student's image, the feature maps of every layer, and the layer table."""
    cfg = page.cfg
    digit = model.to_digit(lab.raw) if lab.uploaded else images.digit(cfg.digit)[0]
    cnn = model.analyze(net, digit)
    c1, c2 = st.columns([1, 2])
    big = jpeg_data_url(figures.image_rgb(digit[None], DIGIT_SIDE), 95)
    c1.image(big, caption="the 8x8 digit the network sees")
    label = None if lab.uploaded else images.digit_label(cfg.digit)
    page.chart(figures.probs_figure(cnn.probs, label), "probs", where=c2)
    responses = views.apply_bank(lab.image, model.first_layer_kernels(net))
    st.image(
        jpeg_data_url(figures.bank_rgb(responses), 92),
        caption="your image through the 8 first-layer kernels (orange < 0 < blue)",
    )
    for layer in cnn.layers[1:]:
        n, h, w = layer.maps.shape
        maps = jpeg_data_url(figures.feature_maps_rgb(layer.maps, MAP_TILE), 95)
        st.image(maps, caption=f"{layer.name}: {n} maps of {h}x{w} (white = 0, dark = strong)")
    table = pd.DataFrame([row.__dict__ for row in model.layer_table(net)])
    st.table(table.rename(columns=LAYER_COLUMNS).set_index("Layer"))


def learned_filters(page: ConvPage) -> None:
    cfg = page.cfg
    extra = () if cfg.source == "digit" else ("digit",)
    page.row("init", "lr", "batch", "seed", *extra, **WIDGETS)
    render = partial(_render_training, page)
    panel = page.live(
        DigitsTrainer,
        render,
        cfg=train_config(cfg),
        step_size=20,
        step_label="Step 20",
        one_element=True,
    )
    trained = panel.trainer.steps > 0
    use_live = st.toggle(LIVE_MODEL, key=page.key("use_live"), disabled=not trained)
    net = panel.trainer.model if use_live and trained else model.pretrained()
    _network_analysis(page, lab_of(page), net)


VIEWS: dict[str, View[ConvConfig]] = {
    "filter": View("Filter", filter_view),
    "inner product": View("Inner product", inner_product),
    "pooling": View("Pooling", pooling),
    "algebra": View("Algebra", algebra),
    "learned filters": View("Learned filters", learned_filters),
}
