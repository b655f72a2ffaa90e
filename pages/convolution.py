"""Convolution filter lab: kernels on your images, the arithmetic made visible, learned filters."""

import pandas as pd
import streamlit as st

from dlcore.conv import images, kernels, model, ops, views
from dlcore.conv.config import CHANNEL_LABELS, WIDGET_KIND, ConvConfig, train_config
from dlcore.conv.config import KERNEL_LABELS as LABELS
from dlcore.conv.train import DigitsTrainer
from dlcore.ui.frame import page_frame
from dlcore.ui.inputs import image_input
from dlcore.ui.live import live_panel
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.ui.urlstate import wkey as _wkey
from dlcore.viz import conv as V
from dlcore.viz.common import jpeg_data_url

NS, C = "conv", ConvConfig
page_frame(NS)
cfg = url_config(C, NS)
EXTRA = {
    "mode": {"format_func": str.capitalize},
    "channels": {"format_func": CHANNEL_LABELS.get},
    "kernel": {"format_func": LABELS.get},
    "kernel2": {"format_func": LABELS.get},
    "lr": {"format": "%.4f"},
}


def wkey(name):  # a control's session-state key
    return _wkey(NS, name)


def w(name, **kw):
    kw = {"widget": WIDGET_KIND.get(name)} | EXTRA.get(name, {}) | kw
    return field_widget(NS, C, name, **kw)


def row(*names, **kws):  # several controls side by side
    for col, name in zip(st.columns(len(names)), names):
        with col:
            w(name, **kws.get(name, {}))


def load_preset():  # callback: copy a preset into the custom grid
    k = kernels.make(st.session_state[f"{NS}.start"], st.session_state[wkey("size")])
    st.session_state[wkey("custom")] = views.grid_text(k)
    st.session_state[f"{NS}.grid_v"] = st.session_state.get(f"{NS}.grid_v", 0) + 1


def next_window(n_rows, n_cols):  # callback: slide the window one output pixel on
    r, c = views.next_pixel(
        st.session_state[wkey("row")], st.session_state[wkey("col")], n_rows, n_cols
    )
    st.session_state[wkey("row")], st.session_state[wkey("col")] = r, c


def custom_editor():
    st.selectbox("Start from", list(kernels.KERNELS), key=f"{NS}.start", format_func=LABELS.get)
    st.button("Copy preset into the grid", on_click=load_preset, icon=":material/grid_on:")
    grid, msg = views.kernel_of(config_from_state(C, NS))
    if msg:
        st.info(msg, icon=":material/info:")
    df = pd.DataFrame(grid, columns=[str(i) for i in range(len(grid))])
    key = f"{NS}.grid{st.session_state.get(f'{NS}.grid_v', 0)}"
    edited = st.data_editor(df, key=key, hide_index=True, num_rows="fixed")
    st.session_state[wkey("custom")] = views.grid_text(edited.to_numpy(dtype=float))


def chart(fig, name):
    st.plotly_chart(fig, key=f"{NS}.{name}")


# ------------------------------------------------------------------ controls
uploaded = None
view = w("view", widget="radio", format_func=str.capitalize, label="Look at")
c_img, c_ker, c_op = st.columns(3, gap="large")
with c_img:
    st.subheader("Image")
    if w("source") == "digit":
        w("digit")
    elif st.session_state[wkey("source")] == "upload":
        loaded = image_input("Your image (or a camera snapshot)", f"{NS}.img", max_side=2048)
        uploaded = images.from_uint8(loaded.pixels) if loaded is not None else None
    w("color")
with c_ker:
    st.subheader("Kernel")
    kernel_name = w("kernel")
    only3 = kernel_name != "custom" and kernels.sizes_for(kernel_name) == (3,)
    w("size", disabled=only3, help="This kernel exists only as 3x3." if only3 else None)
    if kernel_name == "custom":
        custom_editor()
    else:
        st.caption(kernels.KERNELS[kernel_name].note)
with c_op:
    st.subheader("Operation")
    w("mode")
    row("stride_y", "stride_x", "dilation")
    row("padding", "pad_mode")
    if st.session_state[wkey("color")] == "color":
        w("channels")
    w("display")
cfg = config_from_state(C, NS)
sync_url(cfg, NS)

# ------------------------------------------------------------------ compute
raw = uploaded if cfg.source == "upload" else views.builtin_image(cfg)
if raw is None:
    st.info("Upload an image or take a camera snapshot above; showing the scene meanwhile.")
    raw = images.scene()
img, note = views.prepare(raw, cfg.color)
kernel, k_note = views.kernel_of(cfg)
settings = views.settings(cfg)
fv = views.filter_view(img, kernel, settings, cfg.display)
for n in filter(None, (note, k_note)):
    st.info(n, icon=":material/info:")
st.markdown(views.output_size_text(fv.plan))
if fv.error:
    st.error(f"This setting is impossible: {fv.error}", icon=":material/block:")
rows, cols = fv.plan.rows, fv.plan.cols

# ------------------------------------------------------------------ views
if view == "filter" and not fv.error:
    c1, c2, c3 = st.columns([4, 3, 4])
    # the output first (it is what changes), inline JPEG: no image re-parse, no extra request
    caption = f"output {cols.out}x{rows.out}: {views.DISPLAY_NOTES[cfg.display]}"
    c3.image(jpeg_data_url(V.response_rgb(fv.shown, cfg.display), 92), caption=caption)
    caption = f"input {img.shape[2]}x{img.shape[1]}, {img.shape[0]} ch"
    c1.image(jpeg_data_url(V.image_rgb(img), 92), caption=caption)
    with c2:
        st.html(V.numbers_html(kernel, "kernel K"))
        if cfg.mode == "convolution":
            st.html(V.numbers_html(kernel[::-1, ::-1], "flipped K: what slides"))
        st.caption(views.FLIP_NOTE)
    hist = "Histogram of the raw responses (what a plain 0..1 display cuts off)"
    if st.toggle(hist, key=f"{NS}.hist_on"):
        chart(V.histogram_figure(fv.output), "hist")
elif view == "inner product" and not fv.error:
    a, b, ch = st.columns(3)
    with a:
        w("row")
    with b:
        w("col")
    per_ch = settings.channels == "per_channel" and img.shape[0] > 1
    c = ch.selectbox("Channel", range(img.shape[0]), key=f"{NS}.ch", disabled=not per_ch)
    ch.button(
        "Next window", icon=":material/skip_next:", on_click=next_window, args=(rows.out, cols.out)
    )
    ip = ops.inner_product(img, kernel, settings, cfg.row, cfg.col, c)
    c = c if per_ch else 0
    left, right = st.columns([2, 3])
    left.image(V.window_overlay(img, ip.rows, ip.cols), caption=views.window_caption(ip))
    left.image(
        V.window_zoom(img, ip.rows, ip.cols),
        caption="zoom: red = the taps of the kernel, pink = padding outside the image",
    )
    with right:
        f1, f2, f3 = st.columns(3)
        with f1:
            chart(V.numbers_figure(ip.patch[c], f"input patch (ch {c})", signed=False), "patch")
        with f2:
            chart(V.numbers_figure(ip.window, "kernel as slid"), "win")
        with f3:
            chart(V.numbers_figure(ip.products[c], "elementwise product"), "prod")
        st.markdown(views.equation_text(ip, c))
        summed = settings.channels == "sum" and img.shape[0] > 1
        st.markdown(views.result_text(ip, fv.output[c, ip.row, ip.col], summed))
elif view == "pooling" and not fv.error:
    row("pool", "pool_size", "pool_stride", "p", p={"disabled": cfg.pool != "lp"})
    pv = views.pooling_view(img, kernel, settings, cfg.pool, cfg.pool_size, cfg.pool_stride, cfg.p)
    top = float(pv.fmap.max()) or 1.0
    c1, c2 = st.columns(2)
    c1.image(
        V.image_rgb(pv.fmap[None] / top),
        caption="detector stage ReLU(I ⋆ K), channels "
        f"averaged: {pv.fmap.shape[1]}x{pv.fmap.shape[0]} (bright = strong)",
    )
    if pv.error:
        st.error(pv.error)
    else:
        caption = views.pool_caption(pv, cfg.pool, cfg.pool_size, cfg.pool_stride)
        c2.image(V.image_rgb(pv.pooled[None] / top), caption=caption)
        if pv.curve is not None:
            st.markdown("**Translation invariance**: shift the input right by 0-4 pixels.")
            chart(V.invariance_figure(pv.curve), "inv")
        st.markdown("**Lp pooling** from p = 1 (the average) towards p = ∞ (the max):")
        chart(V.lp_figure(pv.sweep), "lp")
elif view == "algebra" and not fv.error:
    w("kernel2")
    for res in views.associativity_pair(kernel, kernels.make(cfg.kernel2, 3), img):
        head, s = views.assoc_text(res)
        st.markdown(head)
        c1, c2, c3 = st.columns([3, 3, 2])
        c1.image(V.response_rgb(res.stepwise[None], "signed", 200), caption=f"D{s}(G{s}I)")
        c2.image(V.response_rgb(res.combined[None], "signed", 200), caption=f"(D{s}G){s}I")
        with c3:
            chart(V.numbers_figure(res.combined_kernel, f"D{s}G", height=220), f"dg{res.op}")
    st.caption(
        "D = the kernel above, G = the second kernel, I = the image (grayscale, at most "
        "160 px, full padding). Correlation happens to be associative when D is "
        "symmetric: pick Sobel, Prewitt or emboss to see it fail."
    )
    st.markdown("**Sparse connectivity and parameter sharing**, for this image and kernel:")
    st.table(pd.DataFrame(views.cost_table(views.layer_cost(fv, settings))).set_index(""))
if view == "learned filters":
    row("init", "lr", "batch", "seed", *[] if cfg.source == "digit" else ["digit"])
    shipped = model.first_layer_kernels(model.pretrained())

    def render(trainer, live):
        s = trainer.snapshot()
        loss = f"{s.train_loss:.4f}" if s.steps else "-"
        st.markdown(
            f"Test accuracy **{s.test_acc:.1%}** · training loss {loss} · first-layer "
            "3x3 kernels: your run (top), the shipped checkpoint, hand-made (bottom)"
        )
        st.plotly_chart(V.kernel_bank_figure(views.kernel_rows(s.kernels, shipped), height=380))
        if len(s.loss_curve) > 1:
            st.plotly_chart(V.loss_figure(s.step_axis, s.loss_curve))

    panel = live_panel(
        NS, train_config(cfg), DigitsTrainer, render, step_size=20, step_label="Step 20"
    )
    use_live = st.toggle(
        "Analyse with my live-trained model (off: the shipped checkpoint)",
        key=f"{NS}.use_live",
        disabled=panel.trainer.steps == 0,
    )
    net = panel.trainer.model if use_live and panel.trainer.steps else model.pretrained()
    digit = model.to_digit(raw) if uploaded is not None else images.digit(cfg.digit)[0]
    cnn = model.analyze(net, digit)
    c1, c2 = st.columns([1, 2])
    c1.image(V.image_rgb(digit[None], 160), caption="the 8x8 digit the network sees")
    with c2:
        label = None if uploaded is not None else images.digit_label(cfg.digit)
        chart(V.probs_figure(cnn.probs, label), "probs")
    st.image(
        V.bank_rgb(views.apply_bank(img, model.first_layer_kernels(net))),
        caption="your image through the 8 first-layer kernels (orange < 0 < blue)",
    )
    for lm in cnn.layers[1:]:
        st.image(
            V.feature_maps_rgb(lm.maps, 64),
            caption=f"{lm.name}: {lm.maps.shape} (white = 0, dark = strong)",
        )
    st.table(pd.DataFrame([r.__dict__ for r in model.layer_table(net)]))
share_box(cfg, "convolution")
if view == "learned filters":
    panel.loop()
