"""VAE latent interpolation: walk the latent map, morph between your own digits, see the ELBO."""

import time

import numpy as np
import streamlit as st

from dlcore.ui.channel import live_image
from dlcore.ui.frame import page_frame
from dlcore.ui.inputs import image_input
from dlcore.ui.live import live_panel
from dlcore.ui.state import frame_stream, ns_get, ns_set
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.vae import analysis as A
from dlcore.vae import views as V
from dlcore.vae.config import VAEConfig as C
from dlcore.vae.data import DataUnavailable, download_mnist
from dlcore.vae.preprocess import EmptyImage, normalize_image
from dlcore.vae.train import VAETrainer, cached_split, spec_from_cfg
from dlcore.viz import vae as P
from dlcore.viz.raster import png_bytes

NS, S = "vae", st.session_state
page_frame(NS)
url_config(C, NS)
cfg = config_from_state(C, NS)
sync_url(cfg, NS)
st.markdown(
    "The encoder gives q(z|x) = N(mu, sigma^2 I); training maximises the ELBO "
    "**E_q[log p(x|z)] - KL(q(z|x) || p(z))** (reconstruction minus KL, in nats per image)."
)


def row(*names, widths=None, **kw):  # one widget per column; kw: per-field widget options
    for col, name in zip(st.columns(widths or len(names)), names):
        with col:
            field_widget(NS, C, name, **kw.get(name, {}))


row("view", "source", widths=[3, 1], view={"widget": "radio"}, source={"widget": "radio"})
with st.expander("Model and training", expanded=cfg.source == "live"):
    row("dataset", "arch", "latent_dim", "hidden", "likelihood", "seed")
    row("beta", "lr", "batch", "samples", lr={"step": 1e-5, "format": "%.5f"})
try:
    data = cached_split(cfg.dataset)
except DataUnavailable as err:
    st.warning(str(err), icon=":material/cloud_off:")
    if st.button("Download MNIST (about 11 MB)", key=f"{NS}.download"):
        try:
            with st.spinner("Downloading MNIST..."):
                download_mnist()
            st.rerun()
        except DataUnavailable as err2:
            st.error(str(err2), icon=":material/wifi_off:")
    st.stop()


def render(trainer, live):
    line = V.train_line(trainer.history.last(), trainer.cfg.beta) if len(trainer.history) else ""
    snap = trainer.snapshot()
    if live:  # one image a frame, over the live-frame channel (Pause: interactive chart)
        rgb = P.live_curves_image(snap.step, V.curve_series(snap))
        live_image(png_bytes(rgb, stream=frame_stream(NS)), "image/png", width=P.LIVE_SIZE[0])
        return line.replace("**", "")  # the panel's caption under the frame
    st.markdown(line)
    st.plotly_chart(P.curves_figure(snap.step, V.curve_series(snap)), key=f"{NS}.curves")


panel = None
if cfg.source == "live":
    panel = live_panel(NS, cfg, VAETrainer, render, step_size=10, one_element=True)
    model = panel.trainer.model
    if panel.trainer.steps == 0 and not panel.playing:
        st.info("A fresh, untrained VAE: press Play or Step to train it.", icon=":material/school:")
else:
    choice = V.shipped_choice(cfg, data.side)
    if choice.model is None:
        st.info(choice.notice, icon=":material/info:")
        st.stop()
    model = choice.model
    st.caption(choice.label)


def on_paint(which):
    value = 0.0 if S.get(f"{NS}.erase_{which}") else 1.0
    points = list(S[f"{NS}.canvas_{which}.chart"].selection.points)
    ns_set(NS, f"canvas_{which}", V.paint(canvas_of(which), points, value))


def canvas_of(which):
    return ns_get(NS, f"canvas_{which}", np.zeros((V.CANVAS, V.CANVAS)))


def drawn(which):
    fig, key = P.canvas_figure(canvas_of(which)), f"{NS}.canvas_{which}.chart"
    modes = ("points", "box", "lasso")
    st.plotly_chart(fig, key=key, on_select=lambda: on_paint(which), selection_mode=modes)
    c = st.columns(2)
    c[0].toggle("Erase", key=f"{NS}.erase_{which}")
    if c[1].button("Clear", key=f"{NS}.clear_{which}"):
        ns_set(NS, f"canvas_{which}", np.zeros((V.CANVAS, V.CANVAS)))
        st.rerun()
    st.caption("Lasso or box-select cells (or click one) to paint; toggle Erase to remove.")
    return canvas_of(which)


def endpoint(which):
    """Input A or B as the model's x: a test image, a drawing, or an upload / camera shot."""
    field_widget(NS, C, f"{which}_kind", widget="radio")
    kind = getattr(cfg, f"{which}_kind")
    if kind == "dataset":
        field_widget(NS, C, f"{which}_index", widget="number")
        i, note = V.clamp_index(getattr(cfg, f"{which}_index"), len(data.x_test))
        if note:
            st.warning(note)
        st.image(P.digits_rgb(data.x_test[i], scale=8), caption=f"test #{i}: a {data.y_test[i]}")
        return data.x_test[i]
    try:
        if kind == "draw":
            x = normalize_image(drawn(which), data.side)
        else:
            img = image_input(f"Picture for {which.upper()}", f"{NS}.img_{which}")
            if img is None:
                st.info("Upload a picture of one digit, or take one with the camera.")
                return None
            x = normalize_image(img.pixels, data.side)
    except EmptyImage as err:
        st.info(f"Input {which.upper()}: {err}.", icon=":material/draw:")
        return None
    st.image(P.digits_rgb(x, scale=8), caption="as the model sees it")
    return x


def latent():
    return A.latent_map(model, data.x_test, data.y_test, cfg.grid_n, cfg.grid_range)


def on_map_click():
    pts = S[f"{NS}.map"].selection.points
    if pts:
        ns_set(NS, "click", (float(pts[0]["x"]), float(pts[0]["y"])))


def view_map():
    row("grid_n", "grid_range")
    click, lm = ns_get(NS, "click"), latent()
    left, right = st.columns([3, 2])
    fig = P.latent_map_view(lm, cfg.grid_range, marker=click)
    left.plotly_chart(fig, key=f"{NS}.map", on_select=on_map_click, selection_mode="points")
    left.caption("Test digits at their encoded mean mu; dotted: the prior's 1 and 2 sigma circles.")
    right.image(P.manifold_rgb(lm.grid_images), caption="Decoded grid over the same area")
    if click is None:
        right.info("Click anywhere on the map to decode that point.", icon=":material/ads_click:")
    else:
        img = A.decode_at(model, lm.plane, click)
        cap = f"decoded at ({click[0]:.2f}, {click[1]:.2f})"
        right.image(P.digits_rgb(img, scale=14), caption=cap)


def view_interp():
    c = st.columns(2)
    with c[0]:
        xa = endpoint("a")
    with c[1]:
        xb = endpoint("b")
    row("interp", "n_steps", "decode_sample", interp={"widget": "radio"})
    if xa is None or xb is None:
        st.info("Choose both inputs to see the interpolation.")
        return
    t0 = time.perf_counter()
    it = A.interpolate(model, xa, xb, cfg.n_steps, cfg.interp, cfg.decode_sample, cfg.seed)
    strip = P.digits_rgb(it.images, scale=8)
    ms = 1000 * (time.perf_counter() - t0)
    st.image(strip, caption=f"A -> B, {cfg.interp}, {cfg.n_steps} steps (computed in {ms:.0f} ms)")
    lm = latent()
    path, ell = lm.plane.to_plane(it.z), V.plane_ellipses(it, lm.plane)
    st.plotly_chart(
        P.latent_map_view(lm, cfg.grid_range, path=path, ellipses=ell), key=f"{NS}.path"
    )
    st.caption(f"Mean |pixel change| per step: {V.fmt(it.step_change)}")


def view_reparam():
    c = st.columns([2, 1])
    with c[1]:
        x = endpoint("a")
        row("n_z")
    if x is None:
        return
    rv = A.reparam_view(model, x, cfg.n_z, cfg.seed)
    c[0].plotly_chart(P.reparam_figure(rv.mu, rv.sigma, rv.z), key=f"{NS}.rep")
    c[0].markdown(f"mu = ({V.fmt(rv.mu)}), sigma = ({V.fmt(rv.sigma)})")
    st.image(P.digits_rgb(rv.images, ncols=16, scale=4), caption="decodings of the samples z")
    gv = A.grad_variance(model, x, 2000, cfg.seed)
    st.markdown("**d/d(mu, log sigma^2) of E_q[log p(x|z)]: one-sample gradient estimators**")
    c = st.columns(2)
    c[0].plotly_chart(P.grad_variance_figure(gv.names, gv.total_var), key=f"{NS}.gv")
    table = {"estimator": gv.names, "total variance": gv.total_var, "mean d/dmu_1": gv.mean[:, 0]}
    c[1].table(table)
    c[1].caption(V.grad_caption(gv))


def view_samples():
    rc = A.reconstruct(model, data.x_test[:10])
    both = np.concatenate([rc.originals, rc.recon])
    st.image(P.digits_rgb(both, ncols=10, scale=6), caption="top: test images, bottom: decoded mu")
    samples = A.prior_samples(model, 20, cfg.seed)
    st.image(P.digits_rgb(samples, ncols=10, scale=6), caption="samples: z ~ N(0, I), decoded")
    eb = A.elbo_breakdown(model, data.x_test)
    st.markdown(V.elbo_line(eb))
    c = st.columns([1, 2])
    c[0].plotly_chart(P.kl_dims_figure(eb.kl_per_dim), key=f"{NS}.kld")
    betas, rows = V.beta_sweep(cfg.dataset, spec_from_cfg(cfg, data.side))
    if len(betas) > 1:
        recon, kl, act = ([getattr(r, k) for r in rows] for k in ("recon", "kl", "active_dims"))
        c[1].plotly_chart(P.beta_figure(betas, recon, kl, act, cfg.beta), key=f"{NS}.beta")
        c[1].caption("Shipped checkpoints, one per beta (slider under Model and training). "
                     "High beta: KL -> 0, posterior collapse, blurry average digits.")  # fmt: skip


def view_arith():
    c = st.columns([1, 2])
    with c[0]:
        x = endpoint("a")
        row("class_from", "class_to", "alpha")
    if x is None:
        return
    a, b = cfg.class_from, cfg.class_to
    try:
        ar = A.class_arithmetic(model, data.x_train, data.y_train, a, b, x, cfg.alpha)
    except ValueError as err:  # a class missing from the (training) data
        st.warning(str(err))
        return
    cap = f"z = mu(x) + alpha (mean mu of {b}s - mean mu of {a}s), alpha 0 -> {cfg.alpha:g}"
    c[1].image(P.digits_rgb(ar.images, scale=10), caption=cap)
    c[1].markdown(f"|direction| = {np.linalg.norm(ar.direction):.2f} (latent units)")
    lm = latent()
    fig = P.latent_map_view(lm, cfg.grid_range, path=lm.plane.to_plane(ar.z))
    c[1].plotly_chart(fig, key=f"{NS}.arith")


VIEWS = {"latent map": view_map, "interpolation": view_interp,
         "reparameterization": view_reparam, "samples & beta": view_samples,
         "arithmetic": view_arith}  # fmt: skip
VIEWS[cfg.view]()
share_box(cfg, "vae")
if panel is not None:
    panel.loop()
