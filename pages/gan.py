"""Live GAN trainer: GAN Lab's views trained live in PyTorch, the optimal discriminator D*, a real
quality metric (JS by grid, mode coverage), lesson presets, and a digits GAN."""

import streamlit as st

from dlcore.gan import views as V
from dlcore.gan.config import GanConfig
from dlcore.gan.digits import DIGIT_DATA, DigitsConfig, DigitsGan, resolve_data
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import ACTIVATIONS
from dlcore.gan.noise import NOISES
from dlcore.gan.plane import PlaneGan
from dlcore.gan.presets import PRESETS
from dlcore.gan.targets import MIN_DRAWN_POINTS, TARGETS, points_from_flat
from dlcore.ui.channel import live_image
from dlcore.ui.frame import page_frame
from dlcore.ui.live import crowded, live_panel
from dlcore.ui.state import due, frame_stream, ns_get, ns_key, ns_set
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.vae.data import DataUnavailable, download_mnist
from dlcore.viz import gan as P
from dlcore.viz.common import jpeg_data_url
from dlcore.viz.raster import png_data_url

NS, ND, C, S = "gan", "gan_digits", GanConfig, st.session_state
CHART_SECONDS = 0.5  # curves and D* while training (rasters: ~20 ms here, one image there)
CROWDED_CHART_SECONDS = 5.0  # ... while a class outnumbers the training slots (live.crowded): the
# frame's caption already gives the losses and JS at every frame, and each curves update is the
# one Streamlit delta a playing page still sends (the whole app re-renders in the browser)
BUDGET_S = 0.02  # training seconds per live frame (the panel's default is 0.03)
DSTAR_CAPTION = "learned D(x) (live) | optimal D*(x) from 10,000 samples (twice a second)"
page_frame(NS)
cfg = url_config(C, NS)
st.caption(
    "min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]. Blue = real / 'D says real', "
    "orange = fake / 'D says fake', white = D(x) = 1/2."
)
NAMES = {**{k: t.label for k, t in TARGETS.items()}, "drawn": "Draw your own"}
NAMES |= {k: n.label for k, n in NOISES.items()} | {k: v.label for k, v in GAN_LOSSES.items()}
NAMES |= {"adam": "Adam", "sgd": "SGD + momentum", "both": "Both (Algorithm 1)", "d": "Only D"}
NAMES |= {"g": "Only G", "plane": "2-D GAN (GAN Lab)", "digits": "Digits GAN", "scratch": "Scratch"}
NAMES |= {k: k.replace("_", " ") for k in ACTIVATIONS} | {"checkpoint": "Shipped checkpoint"}
NAMES |= {k: d.label for k, d in DIGIT_DATA.items()}


def w(name, **kw):
    return field_widget(NS, C, name, format_func=lambda v: NAMES.get(v, str(v)), **kw)


def load_preset():
    for name, value in V.widget_values(PRESETS[S[f"{NS}.preset"]].config()).items():
        S[f"{NS}.w.{name}"] = value
    ns_set(NS, "phase", None)


def on_draw():
    sel = S[f"{NS}.draw"].selection
    pts = [(p["x"], p["y"]) for p in sel.points if p.get("curve_number", 0) == 0]
    S[f"{NS}.w.points"] = V.add_points(S.get(f"{NS}.w.points", ""), pts)


def slow_step():
    ns_set(NS, "playing", False)
    ns_set(NS, "phase", S[ns_key(NS, "trainer")].phase_step())


def charts(snap, live):  # below the live body: redrawn every CHART_SECONDS while training
    if live:  # one raster: a plotly chart remounts in the browser at every update (~0.3 s)
        S[f"{NS}.charts"].image(
            png_data_url(P.curves_image(snap), stream=frame_stream(NS)), width=P.CURVES_SIZE[0]
        )
        return
    with S[f"{NS}.charts"].container():
        left, right = st.columns([3, 2]) if snap.coverage is not None else (st.container(), None)
        c = (snap.hist, snap.d_at_half, snap.g_at_half, snap.js_floor, snap.n_modes)
        left.plotly_chart(P.curves_figure(*c), key=f"{NS}.curves")
        if snap.coverage is not None:
            right.plotly_chart(P.coverage_figure(snap.coverage.counts, 10_000), key=f"{NS}.cov")


def dstar_view(snap, live):
    st.markdown("**Learned D vs the lecture's optimal D\\* = p_data / (p_data + p_g)**")
    if not live:
        st.plotly_chart(P.dstar_figure(snap), key=f"{NS}.dstarfig")
    elif f"{NS}.dstar" in S:  # D* from the latest slow frame, learned D from this one
        img = P.dstar_image(snap.heat, S[f"{NS}.dstar"])
        st.image(jpeg_data_url(img, P.LIVE_QUALITY), caption=DSTAR_CAPTION)


def render(trainer, live):
    slow = due(NS, "chart_t", CROWDED_CHART_SECONDS if crowded() else CHART_SECONDS, force=not live)
    snap = trainer.snapshot(with_dstar=cfg.show_dstar and slow)
    if snap.dstar is not None:
        S[f"{NS}.dstar"] = snap.dstar
    caption = None
    if live and not cfg.show_dstar:  # one element a frame: the browser's work is per element
        live_image(P.live_jpeg(snap, V.layers(cfg)), "image/jpeg", width=P.LIVE_SIZE)
        caption = V.readout(snap)  # the panel's caption under the frame
    else:
        left, right = st.columns([5, 6])
        if live:  # a small inline JPEG; Pause for the interactive figure
            left.image(P.live_frame(snap, V.layers(cfg)), width=P.LIVE_SIZE)
        else:
            left.plotly_chart(P.plane_figure(snap, V.layers(cfg)), key=f"{NS}.plane")
        right.markdown(V.readout(snap))
        with right:
            if cfg.show_dstar:
                dstar_view(snap, live)
    if live and slow and f"{NS}.charts" in S:
        charts(snap, True)
    S[f"{NS}.snap"] = snap
    return caption


def plane():
    c = st.columns([3, 1, 6], vertical_alignment="bottom")
    key = c[0].selectbox(
        "Lesson preset", list(PRESETS), key=f"{NS}.preset", format_func=lambda k: PRESETS[k].label
    )
    c[1].button("Load", on_click=load_preset, key=f"{NS}.load", width="stretch")
    c[2].caption(PRESETS[key].explain)
    cols = st.expander("Model and training settings", icon=":material/tune:").columns(4)
    groups = (
        ("**Data**", ("target", "noise", "seed")),
        ("**Generator G**", ("g_layers", "g_neurons", "g_act", "g_opt", "g_lr")),
        ("**Discriminator D**", ("d_layers", "d_neurons", "d_act", "d_opt", "d_lr")),
        ("**Training**", ("loss", "k_d", "k_g", "batch", "step_mode")),
    )
    for col, (title, names) in zip(cols, groups):
        with col:
            st.markdown(title)
            for name in names:
                w(name, **({"widget": "radio"} if name == "step_mode" else {}))
    flags = st.columns(6)
    for col, name in zip(
        flags,
        ("show_real", "show_fake", "show_heatmap", "show_manifold", "show_grads", "show_dstar"),
    ):
        with col:
            w(name)
    return config_from_state(C, NS)


def draw_canvas(cfg):
    pts = points_from_flat(cfg.points)
    st.markdown("**Draw your distribution**: click the plane to add a point, or lasso an area.")
    st.plotly_chart(
        P.draw_figure(pts),
        key=f"{NS}.draw",
        on_select=on_draw,
        selection_mode=("points", "lasso", "box"),
    )
    st.button("Clear points", on_click=lambda: S.__setitem__(f"{NS}.w.points", ""))
    if len(pts) < MIN_DRAWN_POINTS:
        st.info(
            f"Your distribution has {len(pts)} point(s); it needs at least "
            f"{MIN_DRAWN_POINTS} before the GAN can train on it.",
            icon=":material/draw:",
        )
        return False
    return True


def phase_view(trainer):
    st.button(
        "Slow motion: next phase",
        icon=":material/slow_motion_video:",
        on_click=slow_step,
        key=f"{NS}.slow",
        help="Run one phase of the current D or G update (5 phases each).",
    )
    view = ns_get(NS, "phase")
    if view is not None:
        st.markdown(
            f"**{view.who} update, phase {view.index}/5:** {view.text}"
            + (f" · loss {view.loss:.3f}" if view.loss is not None else "")
            + (f" · |grad| {view.grad_norm:.3g}" if view.grad_norm else "")
        )
        st.plotly_chart(P.phase_figure(view, trainer.real_ref[:2000]), key=f"{NS}.phasefig")


def mnist_missing(msg):
    st.warning(msg, icon=":material/cloud_off:")
    if st.button("Download MNIST (about 11 MB)", key=f"{ND}.download"):
        try:
            with st.spinner("Downloading MNIST..."):
                download_mnist()
            st.rerun()
        except DataUnavailable as err:
            st.error(str(err), icon=":material/wifi_off:")


def digits(cfg):
    radios = ("digits_data", "digits_start")
    for col, name in zip(st.columns(4), (*radios, "digits_lr", "seed")):
        with col:
            w(name, **({"widget": "radio"} if name in radios else {}))
    cfg = config_from_state(C, NS)
    sync_url(cfg, NS)
    data, msg = resolve_data(cfg.digits_data)
    if msg:
        mnist_missing(msg)
    dcfg = DigitsConfig(seed=cfg.seed, start=cfg.digits_start, lr=cfg.digits_lr, data=data)

    def render_digits(trainer, live):
        snap = trainer.snapshot()
        a, b, c = st.columns([2, 2, 3])
        for col, images, text in (
            (a, snap.samples, "fresh samples"),
            (b, snap.fixed, "fixed noise"),
        ):
            col.image(png_data_url(P.digit_grid(images, ncols=4)), caption=text, width=260)
        with c:
            st.caption(snap.start_note)
            if live:  # a raster: a plotly chart would remount in the browser every frame
                st.image(png_data_url(P.digits_curves_image(snap.hist)), width=400)
            else:
                st.plotly_chart(P.digits_curves_figure(snap.hist), key=f"{ND}.curves")

    panel = live_panel(ND, dcfg, DigitsGan, render_digits, epoch_label="Epoch")
    st.markdown("**Latent interpolation** G((1 - a) z_A + a z_B), a = 0 ... 1 (compare the VAE)")
    c = st.columns([1, 1, 6])
    za = c[0].number_input("seed of z_A", 0, 9999, 1, key=f"{ND}.za")
    zb = c[1].number_input("seed of z_B", 0, 9999, 2, key=f"{ND}.zb")
    c[2].image(png_data_url(P.digit_grid(panel.trainer.interpolate(int(za), int(zb)), ncols=10)))
    return panel


w("panel", widget="radio", label="Panel")
if S.get(f"{NS}.w.panel", cfg.panel) == "digits":
    live = digits(cfg)
else:
    cfg = plane()
    sync_url(cfg, NS)
    live = None
    if cfg.target != "drawn" or draw_canvas(cfg):
        kw = dict(epoch_label="Iteration", budget_s=BUDGET_S, one_element=not cfg.show_dstar)
        live = live_panel(NS, cfg, PlaneGan, render, **kw)  # one element: one image (render)
        S[f"{NS}.charts"] = st.empty()
        charts(S[f"{NS}.snap"], False)
        phase_view(live.trainer)
share_box(cfg, "gan")
if live is not None:
    live.loop()
