"""Convolution filter lab: kernels on your images, the arithmetic made visible, learned filters."""

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.conv import images, kernels, model, ops, views
from dlcore.conv.config import ConvConfig, train_config
from dlcore.conv.train import DigitsTrainer
from dlcore.ui.frame import page_frame
from dlcore.ui.inputs import image_input
from dlcore.ui.live import live_panel
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.ui.urlstate import wkey as _wkey
from dlcore.viz import conv as V

NS, C = "conv", ConvConfig
page_frame(NS)
cfg = url_config(C, NS)
LABELS = {k: s.label for k, s in kernels.KERNELS.items()} | {"custom": "Custom (edit the grid)"}
CHANNELS = {"per_channel": "Per channel (R, G, B)", "sum": "Sum over channels (3-D kernel)"}


def wkey(name):
    return _wkey(NS, name)


def w(name, **kw):
    return field_widget(NS, C, name, **kw)


def row(*names, **kws):  # several controls side by side
    for col, name in zip(st.columns(len(names)), names):
        with col:
            w(name, **kws.get(name, {}))


def load_preset():  # callback: copy a preset into the custom grid
    k = kernels.make(st.session_state[f"{NS}.start"], st.session_state[wkey("size")])
    st.session_state[wkey("custom")] = ",".join(f"{v:.6g}" for v in k.ravel())
    st.session_state[f"{NS}.grid_v"] = st.session_state.get(f"{NS}.grid_v", 0) + 1


def next_window(n_rows, n_cols):  # callback: slide the window one output pixel on
    r, c = st.session_state[wkey("row")], st.session_state[wkey("col")] + 1
    if c >= n_cols:
        r, c = (r + 1) % n_rows, 0
    st.session_state[wkey("row")], st.session_state[wkey("col")] = min(r, n_rows - 1), c


def custom_editor():
    st.selectbox("Start from", list(kernels.KERNELS), key=f"{NS}.start", format_func=LABELS.get)
    st.button("Copy preset into the grid", on_click=load_preset, icon=":material/grid_on:")
    grid, msg = views.kernel_of(config_from_state(C, NS))
    if msg:
        st.info(msg, icon=":material/info:")
    df = pd.DataFrame(grid, columns=[str(i) for i in range(len(grid))])
    key = f"{NS}.grid{st.session_state.get(f'{NS}.grid_v', 0)}"
    edited = st.data_editor(df, key=key, hide_index=True, num_rows="fixed")
    values = np.nan_to_num(edited.to_numpy(dtype=float)).clip(-100, 100).ravel()
    st.session_state[wkey("custom")] = ",".join(f"{v:.6g}" for v in values)


def chart(fig, name):
    st.plotly_chart(fig, key=f"{NS}.{name}")


# ------------------------------------------------------------------ controls
uploaded = None
view = w("view", widget="radio", format_func=str.capitalize, label="Look at")
c_img, c_ker, c_op = st.columns(3, gap="large")
with c_img:
    st.subheader("Image")
    if w("source") == "digit":
        w("digit", widget="number")
    elif st.session_state[wkey("source")] == "upload":
        loaded = image_input("Your image (or a camera snapshot)", f"{NS}.img", max_side=2048)
        uploaded = images.from_uint8(loaded.pixels) if loaded is not None else None
    w("color", widget="radio")
with c_ker:
    st.subheader("Kernel")
    kernel_name = w("kernel", format_func=LABELS.get)
    only3 = kernel_name != "custom" and kernels.sizes_for(kernel_name) == (3,)
    w("size", disabled=only3, help="This kernel exists only as 3x3." if only3 else None)
    if kernel_name == "custom":
        custom_editor()
    else:
        st.caption(kernels.KERNELS[kernel_name].note)
with c_op:
    st.subheader("Operation")
    w("mode", widget="radio", format_func=str.capitalize)
    row(
        "stride_y",
        "stride_x",
        "dilation",
        **{n: {"widget": "number"} for n in ("stride_y", "stride_x", "dilation")},
    )
    row("padding", "pad_mode", padding={"widget": "radio"}, pad_mode={"widget": "radio"})
    if st.session_state[wkey("color")] == "color":
        w("channels", widget="radio", format_func=CHANNELS.get)
    w("display", widget="radio")
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
for n in (note, k_note):
    if n:
        st.info(n, icon=":material/info:")
st.markdown(views.output_size_text(fv.plan))
if fv.error:
    st.error(f"This setting is impossible: {fv.error}", icon=":material/block:")
rows, cols = fv.plan.rows, fv.plan.cols

# ------------------------------------------------------------------ views
if fv.error and view != "learned filters":
    pass
elif view == "filter":
    c1, c2, c3 = st.columns([4, 3, 4])
    c1.image(V.image_rgb(img), caption=f"input {img.shape[2]}x{img.shape[1]}, {img.shape[0]} ch")
    with c2:
        chart(V.numbers_figure(kernel, "kernel K"), "k")
        if cfg.mode == "convolution":
            chart(V.numbers_figure(kernel[::-1, ::-1], "flipped K: what slides"), "kf")
        st.caption(
            "Convolution = cross-correlation with the kernel flipped. Most libraries (PyTorch's "
            "conv2d too) compute cross-correlation and call it convolution."
        )
    c3.image(
        V.response_rgb(fv.shown, cfg.display),
        caption=f"output {cols.out}x{rows.out}: {views.DISPLAY_NOTES[cfg.display]}",
    )
    with st.expander("Raw responses (what a plain 0..1 display cuts off)"):
        chart(V.histogram_figure(fv.output), "hist")
elif view == "inner product":
    a, b, ch = st.columns(3)
    with a:
        w("row", widget="number")
    with b:
        w("col", widget="number")
    per_ch = settings.channels == "per_channel" and img.shape[0] > 1
    c = ch.selectbox("Channel", range(img.shape[0]), key=f"{NS}.ch", disabled=not per_ch)
    ch.button(
        "Next window", icon=":material/skip_next:", on_click=next_window, args=(rows.out, cols.out)
    )
    ip = ops.inner_product(img, kernel, settings, cfg.row, cfg.col, c)
    c = c if per_ch else 0
    left, right = st.columns([2, 3])
    left.image(
        V.window_overlay(img, ip.rows, ip.cols),
        caption=f"window of output pixel "
        f"({ip.row}, {ip.col}): input rows {ip.rows.min()}..{ip.rows.max()}, columns "
        f"{ip.cols.min()}..{ip.cols.max()} (outside the image = padding)",
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
        if settings.channels == "sum" and img.shape[0] > 1:
            st.markdown(
                "Summed over the channels: "
                + " + ".join(f"{s:.4f}" for s in ip.sums)
                + f" = **{ip.value:.4f}**"
            )
        held = fv.output[c if per_ch else 0, ip.row, ip.col]
        st.markdown(
            f"Output pixel ({ip.row}, {ip.col}) = **{ip.value:.4f}**; the output map "
            f"holds {held:.4f}."
        )
elif view == "pooling":
    row(
        "pool",
        "pool_size",
        "pool_stride",
        "p",
        pool={"widget": "radio"},
        pool_stride={"widget": "number"},
        p={"widget": "slider", "disabled": cfg.pool != "lp"},
    )
    pv = views.pooling_view(img, kernel, settings, cfg.pool, cfg.pool_size, cfg.pool_stride, cfg.p)
    top = float(pv.fmap.max()) or 1.0
    c1, c2 = st.columns(2)
    c1.image(
        V.image_rgb(pv.fmap[None] / top),
        caption="detector stage ReLU(I ⋆ K), channels "
        f"averaged: {pv.fmap.shape[1]}x{pv.fmap.shape[0]} (dark = strong)",
    )
    if pv.error:
        st.error(pv.error)
    else:
        c2.image(
            V.image_rgb(pv.pooled[None] / top),
            caption=f"{cfg.pool} pool {cfg.pool_size}x"
            f"{cfg.pool_size}, stride {cfg.pool_stride}: {pv.pooled.shape[1]}x"
            f"{pv.pooled.shape[0]}, keeps {pv.pooled.size / pv.fmap.size:.0%} of the values",
        )
        if pv.curve is not None:
            st.markdown("**Translation invariance**: shift the input right by 0-4 pixels.")
            cv = pv.curve
            chart(
                V.invariance_figure(
                    cv.shifts,
                    cv.detector_change,
                    cv.pooled_change,
                    cv.detector_frac,
                    cv.pooled_frac,
                ),
                "inv",
            )
        st.markdown("**Lp pooling** from p = 1 (the average) towards p = ∞ (the max):")
        chart(V.lp_figure(pv.sweep.ps, pv.sweep.to_average, pv.sweep.to_max), "lp")
elif view == "algebra":
    w("kernel2", format_func=LABELS.get)
    for res in views.associativity_pair(kernel, kernels.make(cfg.kernel2, 3), img):
        s = "*" if res.op == "convolution" else "⋆"
        verdict = "equal" if res.rel_diff < 1e-4 else "NOT equal"
        st.markdown(
            f"**{res.op.capitalize()}**: D{s}(G{s}I) vs (D{s}G){s}I → **{verdict}**, max "
            f"difference {res.max_abs_diff:.3g} ({res.rel_diff:.1%} of the largest value)"
        )
        c1, c2, c3 = st.columns([3, 3, 2])
        c1.image(V.response_rgb(res.stepwise[None], "signed", 200), caption=f"D{s}(G{s}I)")
        c2.image(V.response_rgb(res.combined[None], "signed", 200), caption=f"(D{s}G){s}I")
        with c3:
            chart(V.numbers_figure(res.combined_kernel, f"D{s}G", height=220), f"dg{res.op}")
    st.caption(
        "D = the kernel above, G = the second kernel, I = the image (grayscale, at most "
        "160 px, full padding). Correlation happens to be associative when D is symmetric: "
        "pick Sobel, Prewitt or emboss to see it fail."
    )
    st.markdown("**Sparse connectivity and parameter sharing**, for this image and kernel:")
    st.table(pd.DataFrame(views.cost_table(views.layer_cost(fv, settings))).set_index(""))
if view == "learned filters":
    row(
        "init",
        "lr",
        "batch",
        "seed",
        init={"widget": "radio"},
        lr={"widget": "number", "format": "%.4f"},
        seed={"widget": "number"},
    )
    hand = {
        n: kernels.make(n, 3)
        for n in (
            "sobel_v",
            "sobel_h",
            "prewitt_v",
            "prewitt_h",
            "outline",
            "sharpen",
            "gaussian",
            "emboss",
        )
    }

    def render(trainer, live):
        s = trainer.snapshot()
        st.markdown(
            f"Test accuracy **{s.test_acc:.1%}** · training loss {s.train_loss:.4f} · "
            "the 8 first-layer 3x3 kernels (top) beside hand-made ones (bottom)"
        )
        st.plotly_chart(
            V.kernel_bank_figure({f"learned {i}": k for i, k in enumerate(s.kernels)} | hand)
        )
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
    digit = model.to_digit(raw) if cfg.source == "upload" else images.digit(cfg.digit)[0]
    cnn = model.analyze(net, digit)
    c1, c2 = st.columns([1, 2])
    c1.image(V.image_rgb(digit[None], 160), caption="the 8x8 digit the network sees")
    with c2:
        label = None if cfg.source == "upload" else images.digit_label(cfg.digit)
        chart(V.probs_figure(cnn.probs, label), "probs")
    for lm in cnn.layers[1:]:
        st.image(V.feature_maps_rgb(lm.maps, 48), caption=f"{lm.name}: {lm.maps.shape}")
    st.table(pd.DataFrame([r.__dict__ for r in model.layer_table(net)]))
share_box(cfg, "convolution")
if view == "learned filters":
    panel.loop()
