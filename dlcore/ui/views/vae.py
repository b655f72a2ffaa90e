"""The VAE latent interpolation page's views (pages/vae.py): the latent map, interpolation between
two inputs (test images, drawings, uploads or camera shots), the reparameterization trick, prior
samples and beta, and latent arithmetic; above them, the model they analyse: a shipped checkpoint
or the one this session trains live (Play / Pause / Step / Reset).

The math is in dlcore/vae (Kingma & Welling 2014, the lecture's VAE slides), the figures in
dlcore/viz/vae.py. The data and the shipped checkpoints load once per server process (the caches
of dlcore.vae.train.cached_split and dlcore.vae.checkpoints.load_shipped).
"""

from __future__ import annotations

import io
from functools import partial

import numpy as np
import streamlit as st
from PIL import Image

from dlcore.data.mnist import DataUnavailable
from dlcore.data.splits import DataSplit
from dlcore.ui.inputs import image_input, mnist_download
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.vae import analysis
from dlcore.vae import views as texts
from dlcore.vae.config import VAEConfig
from dlcore.vae.model import VAE
from dlcore.vae.preprocess import EmptyImage, normalize_image
from dlcore.vae.train import VAETrainer, cached_split, spec_from_cfg
from dlcore.viz import vae as figures

VAEPage = Page[VAEConfig]
# what a student reads in the choice widgets, per config field (Page(labels=...))
LABELS = {
    "source": {"shipped": "shipped checkpoint", "live": "train one live"},
    "dataset": {"digits": "8×8 digits", "mnist": "MNIST 28×28"},
    "arch": {"mlp": "MLP", "conv": "convolutional"},
    "likelihood": {"bernoulli": "Bernoulli", "gaussian": "Gaussian"},
    "a_kind": {"dataset": "a test image", "draw": "draw it", "image": "upload or camera"},
    "b_kind": {"dataset": "a test image", "draw": "draw it", "image": "upload or camera"},
    "interp_model": {"sharp": "the 8-D VAE (keeps your digits)", "page": "the model above"},
    "interp": {"linear": "linear", "spherical": "spherical (slerp)"},
}
INTRO = (
    r"The encoder gives $q_{\phi}(\mathbf{z}|\mathbf{x}) = \mathcal{N}(\mathbf{z}; "
    r"\boldsymbol{\mu}, \boldsymbol{\sigma}^2\mathbf{I})$ and the prior is $p_{\theta}(\mathbf{z})"
    r" = \mathcal{N}(\mathbf{z}; \mathbf{0}, \mathbf{I})$; training minimises the negative ELBO,"
    " reconstruction plus KL in nats per image (below the settings, with this model's numbers)."
)
PCA_PATH = (
    "The path through the {j}-D latent space, seen in the plane of its two main directions (the "
    r"principal components of the test digits' $\boldsymbol{{\mu}}$)"
)
MAP_CAPTION = (
    r"Test digits at their encoded mean $\boldsymbol{\mu}$; dotted: the $1\sigma$ and $2\sigma$"
    r" circles of the prior $p_{\theta}(\mathbf{z}) = \mathcal{N}(\mathbf{0}, \mathbf{I})$."
)
UNTRAINED = "A fresh, untrained VAE: press Play or Step to train it."
PAINT_HELP = (
    "Click a cell to paint it; to paint many, pick Lasso or Box select in the grid's toolbar "
    "and drag over them. With Erase on, the same gestures remove ink."
)


# -- the view, the model settings and the model the views analyse -------------------------
def choose_view(page: VAEPage) -> View[VAEConfig]:
    """The ELBO, the view and model-source radios side by side, the model and training
    settings; returns the chosen view (the page draws it with ``page.draw``)."""
    st.markdown(INTRO)
    left, right = st.columns([3, 1])
    with left:
        view = page.choose(VIEWS)
    with right:
        page.widget("source", widget="radio")
    # drawn only when open (a closed one's ten widgets cost every run and the first picture):
    # open from the start while training live, one expander per source
    source = page.cfg.source
    box = page.lazy("Model and training", f"settings_{source}", expanded=source == "live")
    if box is not None:
        with box:
            page.row("dataset", "arch", "latent_dim", "hidden", "likelihood", "seed")
            page.row("beta", "lr", "batch", "samples", lr={"step": 1e-5, "format": "%.5f"})
    return view


def open_model(page: VAEPage) -> bool:
    """The data (MNIST on request) and the model the views analyse: the live panel when the
    source is live, else the shipped checkpoint's line. False, with the reason on the page,
    when there is nothing the views can analyse."""
    try:
        data = cached_split(page.cfg.dataset)
    except DataUnavailable as err:
        mnist_download(str(err), page.key("download"))
        return False
    if page.cfg.source == "live":
        st.latex(texts.elbo_latex())  # its numbers: the panel's line, under the curves
        render = partial(_render_live, page)
        panel = page.live(VAETrainer, render, step_size=10, one_element=True)
        if panel.trainer.diverged:  # the panel shows why; a NaN model has nothing to show
            st.caption("The views come back once the model trains finite numbers (Reset).")
            return False
        if panel.trainer.steps == 0 and not panel.playing:
            page.notice(UNTRAINED, icon=":material/school:")
        return True
    choice = texts.shipped_choice(page.cfg, data.side)
    if choice.model is None:
        page.notice(choice.notice)
        return False
    st.latex(texts.elbo_latex(choice.test, "test"))
    st.caption(choice.label)
    return True


def _digits(images: np.ndarray, caption: str | None = None, *, where=None, ncols=None) -> None:
    """Digits big enough for a projector (figures.DIGIT_SCALE), crisp (PNG, not JPEG); a strip wider
    than its column shrinks to fit it."""
    rgb = figures.digits_rgb(images, ncols=ncols, scale=figures.DIGIT_SCALE)
    (where or st).image(rgb, caption=caption, width="content", output_format="PNG")


def _data(page: VAEPage) -> DataSplit:
    return cached_split(page.cfg.dataset)


def _model(page: VAEPage) -> VAE:
    """The live panel's model, or the shipped checkpoint (``open_model`` made sure of one)."""
    if page.panel is not None:
        return page.panel.trainer.model
    return texts.shipped_choice(page.cfg, _data(page).side).model


def _render_live(page: VAEPage, trainer: VAETrainer, out: LiveOut) -> None:
    """The training curves: one raster a frame while playing, the interactive chart paused."""
    snap = trainer.snapshot()
    series = texts.curve_series(snap)
    last = trainer.history.last()
    if out.live:
        out.png(figures.live_curves_image(snap.step, series), width=figures.LIVE_SIZE[0])
        out.caption(texts.train_line(last, trainer.cfg.beta, bold=False) if last else None)
        return
    if last:
        st.markdown(texts.train_line(last, trainer.cfg.beta))
    page.chart(figures.curves_figure(snap.step, series), "curves")


def _weights(page: VAEPage, model: VAE) -> tuple:
    """What identifies ``model``'s weights now: the model itself (a shipped checkpoint's never
    change) and, for the live panel's model, its trainer's step count."""
    live = page.panel is not None and model is page.panel.trainer.model
    return (model, page.panel.trainer.steps if live else None)


def _map_key(page: VAEPage, model: VAE | None = None) -> tuple:
    """What a map of ``model`` (default: the page's model) depends on: its weights, the data,
    the grid."""
    cfg = page.cfg
    return (_weights(page, model or _model(page)), cfg.dataset, cfg.grid_n, cfg.grid_range)


def _latent(page: VAEPage, model: VAE | None = None) -> analysis.LatentMap:
    """The test digits' map of ``model`` (default: the page's model) with the view's grid."""
    data, cfg = _data(page), page.cfg
    model = model or _model(page)
    make = partial(analysis.latent_map, model, data.x_test, data.y_test, cfg.grid_n, cfg.grid_range)
    return page.memo(f"latent.{model.spec.latent_dim}", _map_key(page, model), make)


def _interpolator(page: VAEPage) -> VAE:
    """The model interpolation encodes with: the shipped 8-D VAE (it reconstructs a student's
    digits; the 2-D map's model turns most of them into a 9), or the model above."""
    if page.cfg.interp_model == "sharp":
        choice = texts.sharp_choice(page.cfg.dataset, _data(page).side)
        if choice.model is not None:
            st.caption(choice.label)
            return choice.model
        page.notice(choice.notice)
    return _model(page)


# -- the drawing grid and the map's clicks (callbacks run before the next script run) -------
def canvas_of(page: VAEPage, which: str) -> np.ndarray:
    """The drawing of input ``which`` ("a" or "b"): (CANVAS, CANVAS), ink = 1."""
    return page.get(f"canvas_{which}", np.zeros((texts.CANVAS, texts.CANVAS)))


def on_paint(page: VAEPage, which: str) -> None:
    value = 0.0 if page.get(f"erase_{which}") else 1.0
    points = page.selection(f"canvas_{which}")
    page.set(f"canvas_{which}", texts.paint(canvas_of(page, which), points, value))


def clear_canvas(page: VAEPage, which: str) -> None:
    page.set(f"canvas_{which}", np.zeros((texts.CANVAS, texts.CANVAS)))


def on_map_click(page: VAEPage) -> None:
    """A click selects a point of the map: decode it. The browser marks it (the point's
    selection style) on the map it shows, so the run this click causes keeps that map."""
    points = page.selection("map")
    if points:
        page.set("click", (float(points[0]["x"]), float(points[0]["y"])))
        page.set("map_clicked", True)


def drawn(page: VAEPage, which: str) -> np.ndarray:
    """The paintable grid of input ``which`` with its Erase toggle and Clear button."""
    page.chart(
        figures.canvas_figure(canvas_of(page, which)),
        f"canvas_{which}",
        on_select=partial(on_paint, page, which),
        selection_mode=("points", "box", "lasso"),
    )
    left, right = st.columns(2)
    left.toggle("Erase", key=page.key(f"erase_{which}"))
    right.button("Clear", key=page.key(f"clear_{which}"), on_click=clear_canvas, args=(page, which))
    st.caption(PAINT_HELP)
    return canvas_of(page, which)


def endpoint(page: VAEPage, which: str) -> np.ndarray | None:
    """Input A or B as the model's x: a test image, a drawing, or an upload / camera shot."""
    page.widget(f"{which}_kind", widget="radio")
    kind, data = getattr(page.cfg, f"{which}_kind"), _data(page)
    if kind == "dataset":
        page.widget(f"{which}_index", widget="number")
        i, note = texts.clamp_index(getattr(page.cfg, f"{which}_index"), len(data.x_test))
        if note:
            st.warning(note)
        _digits(data.x_test[i], f"test #{i}: a {data.y_test[i]}")
        return data.x_test[i]
    try:
        if kind == "draw":
            x = normalize_image(drawn(page, which), data.side)
        else:
            img = image_input(f"Picture for {which.upper()}", page.key(f"img_{which}"))
            if img is None:
                st.info("Upload a picture of one digit, or take one with the camera.")
                return None
            x = normalize_image(img.pixels, data.side)
    except EmptyImage as err:
        st.info(f"Input {which.upper()}: {err}.", icon=":material/draw:")
        return None
    _digits(x, "as the model sees it")
    return x


# -- views ----------------------------------------------------------------------------------
def _grid_png(lm: analysis.LatentMap) -> bytes:
    """The decoded grid as PNG bytes (encoding it took ~60 ms a run)."""
    buf = io.BytesIO()
    Image.fromarray(figures.manifold_rgb(lm.grid_images, scale=6)).save(buf, format="PNG")
    return buf.getvalue()


def _map_figure(page: VAEPage, lm: analysis.LatentMap, click: tuple[float, float] | None):
    """The clickable latent map with the decoded point. After a click on it, the figure the
    browser shows (the same model and grid) is sent again unchanged: the browser marks the
    clicked point itself (its selection), and an unchanged chart costs it no redraw (~0.3 s
    for ~2000 points); any other run draws the decoded point into a new figure."""
    key = _map_key(page)
    clicked, shown = page.get("map_clicked"), page.get("map_figure")
    page.set("map_clicked", False)
    if clicked and shown is not None and shown[0] == key:
        return shown[1]
    fig = figures.latent_map_view(lm, page.cfg.grid_range, marker=click, click_n=figures.CLICK_N)
    page.set("map_figure", (key, fig))
    return fig


def latent_map(page: VAEPage) -> None:
    page.row("grid_n", "grid_range")
    click, lm = page.get("click"), _latent(page)
    left, right = st.columns(2)
    on_click = partial(on_map_click, page)
    fig = _map_figure(page, lm, click)
    page.chart(fig, "map", where=left, on_select=on_click, selection_mode="points")
    left.caption(MAP_CAPTION)
    grid = page.memo("grid", _map_key(page), partial(_grid_png, lm))
    right.image(grid, caption="Decoded grid over the same area", output_format="PNG")
    if click is None:
        right.info("Click anywhere on the map to decode that point.", icon=":material/ads_click:")
        return
    img = analysis.decode_at(_model(page), lm.plane, click)
    _digits(img, f"decoded at ({click[0]:.2f}, {click[1]:.2f})", where=right)


def interpolation(page: VAEPage) -> None:
    left, right = st.columns(2)
    with left:
        x_a = endpoint(page, "a")
    with right:
        x_b = endpoint(page, "b")
    page.row("interp_model", "interp", "n_steps", "decode_sample", widths=[3, 2, 2, 2],
             interp_model={"widget": "radio"}, interp={"widget": "radio"})  # fmt: skip
    if x_a is None or x_b is None:
        st.info("Choose both inputs to see the interpolation.")
        return
    cfg, model = page.cfg, _interpolator(page)
    path = analysis.interpolate(
        model, x_a, x_b, cfg.n_steps, cfg.interp, cfg.decode_sample, cfg.seed
    )
    _digits(path.images, f"A → B, {cfg.interp}, {cfg.n_steps} steps")
    lm = _latent(page, model)
    fig = figures.latent_map_view(
        lm,
        cfg.grid_range,
        path=lm.plane.to_plane(path.z),
        ellipses=texts.plane_ellipses(path, lm.plane),
        legend_room=figures.LEGEND_ROOM["full"],
    )
    page.chart(fig, "path")
    j = model.spec.latent_dim
    where = PCA_PATH.format(j=j) if lm.is_pca else "The path on the latent map"
    st.caption(rf"{where}; rings: $q_{{\phi}}(\mathbf{{z}}|\mathbf{{x}})$ of A and B at $1\sigma$.")
    st.caption(f"Mean |pixel change| per step: {texts.fmt(path.step_change)}")


def reparameterization(page: VAEPage) -> None:
    left, right = st.columns([2, 1])
    with right:
        x = endpoint(page, "a")
        page.row("n_z")
    if x is None:
        return
    cfg, model = page.cfg, _model(page)
    rv = analysis.reparam_view(model, x, cfg.n_z, cfg.seed)
    page.chart(figures.reparam_figure(rv.mu, rv.sigma, rv.z), "reparam", where=left)
    left.latex(texts.reparam_latex(rv.mu, rv.sigma))
    shown = min(len(rv.images), 16)
    _digits(rv.images[:shown], f"decodings of the first {shown} samples z", ncols=8)
    gv = analysis.grad_variance(model, x, 2000, cfg.seed)
    st.markdown("**One-sample estimators of the gradient**")
    st.latex(texts.GRADIENT_LATEX)
    left, right = st.columns(2)
    page.chart(figures.grad_variance_figure(gv.names, gv.total_var), "grad_variance", where=left)
    right.table(
        {"estimator": gv.names, "total variance": gv.total_var, "mean ∂/∂μ₁": gv.mean[:, 0]}
    )
    right.caption(texts.grad_caption(gv))


def samples_and_beta(page: VAEPage) -> None:
    cfg, data, model = page.cfg, _data(page), _model(page)
    rc = analysis.reconstruct(model, data.x_test[:10])
    both = np.concatenate([rc.originals, rc.recon])
    _digits(both, "top: test images; bottom: their reconstructions (μ decoded)", ncols=10)
    samples = analysis.prior_samples(model, 20, cfg.seed)
    _digits(samples, ncols=10)
    st.caption(
        r"Samples $\mathbf{z} \sim \mathcal{N}(\mathbf{0}, \mathbf{I})$ from the prior, decoded."
    )
    eb = analysis.elbo_breakdown(model, data.x_test)
    st.markdown(texts.elbo_line(eb))
    left, right = st.columns([1, 2])
    page.chart(figures.kl_dims_figure(eb.kl_per_dim), "kl_dims", where=left)
    betas, rows = texts.beta_sweep(cfg.dataset, spec_from_cfg(cfg, data.side))
    if len(betas) < 2:
        return
    recon, kl = [r.recon for r in rows], [r.kl for r in rows]
    active = [r.active_dims for r in rows]
    fig = figures.beta_figure(betas, recon, kl, active, cfg.beta)
    page.chart(fig, "beta", where=right)
    right.caption(
        r"Shipped checkpoints, one per $\beta$ (KL weight, under Model and training). "
        r"High $\beta$: KL $\to 0$, posterior collapse, blurry average digits."
    )


def arithmetic(page: VAEPage) -> None:
    left, right = st.columns([1, 2])
    with left:
        x = endpoint(page, "a")
        page.row("class_from", "class_to", "alpha")
    if x is None:
        return
    cfg, data = page.cfg, _data(page)
    a, b = cfg.class_from, cfg.class_to
    try:
        ar = analysis.class_arithmetic(_model(page), data.x_train, data.y_train, a, b, x, cfg.alpha)
    except ValueError as err:  # a class missing from the (training) data
        st.warning(str(err))
        return
    lm = _latent(page)
    room = figures.LEGEND_ROOM["two thirds"]
    fig = figures.latent_map_view(
        lm, cfg.grid_range, path=lm.plane.to_plane(ar.z), legend_room=room
    )
    page.chart(fig, "arithmetic", where=right)
    _digits(ar.images, f"α from 0 to {cfg.alpha:g}")
    norm = np.linalg.norm(ar.direction)
    st.caption(texts.arithmetic_caption(a, b, cfg.alpha))
    st.markdown(
        rf"$\|\bar{{\boldsymbol{{\mu}}}}_{{{b}}} - \bar{{\boldsymbol{{\mu}}}}_{{{a}}}\| = "
        rf"{norm:.2f}$ (latent units)"
    )


VIEWS: dict[str, View[VAEConfig]] = {
    # a click on the map and the interpolation's controls rerun their view alone (st.fragment):
    # with a live panel playing, the loop turns such a rerun into a whole one (dlcore.ui.live)
    "latent map": View("Latent map", latent_map, fragment=True),
    "interpolation": View("Interpolation", interpolation, fragment=True),
    "reparameterization": View("Reparameterization trick", reparameterization),
    "samples & beta": View("Samples and β", samples_and_beta),
    "arithmetic": View("Latent arithmetic", arithmetic),
}
