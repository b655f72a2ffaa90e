"""The GAN page's views (pages/gan.py), one per panel of the config's ``panel`` field:

- ``plane``: GAN Lab's layered 2-D view, trained live following the lecture's Algorithm 1
  (k D updates, then G updates), with lesson presets, a distribution you draw, slow motion (one
  phase of an update at a time), the optimal D* = p_data / (p_data + p_g) beside the learned D,
  and a real quality metric (JS by grid, mode coverage);
- ``digits``: the lecture's MNIST experiment, an MLP GAN on the shipped 8x8 digits (or MNIST when
  it is cached), with the latent interpolation G((1 - a) z_A + a z_B).

The models and metrics are in dlcore/gan (plane.py, digits.py), the figures in dlcore/viz/gan.py.
"""

from __future__ import annotations

import dataclasses
import zlib
from functools import partial

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dlcore.gan.config import GanConfig, plane_config
from dlcore.gan.digits import DIGIT_DATA, DigitsConfig, DigitsGan, resolve_data
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import ACTIVATIONS
from dlcore.gan.noise import NOISES
from dlcore.gan.plane import PlaneGan, PlaneSnapshot
from dlcore.gan.presets import PRESETS
from dlcore.gan.targets import MIN_DRAWN_POINTS, TARGETS, points_from_flat
from dlcore.gan.views import add_points, layers, readout
from dlcore.ui.inputs import mnist_download
from dlcore.ui.live import LivePanel
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.ui.process import process
from dlcore.viz import gan as figures
from dlcore.viz.common import jpeg_data_url
from dlcore.viz.raster import FramePalette, png_data_url

GanPage = Page[GanConfig]
OBJECTIVE = (
    "min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]. Blue = real / 'D says real', "
    "orange = fake / 'D says fake', white = D(x) = 1/2."
)
CHART_SECONDS = 0.5  # curves and D* while training (rasters: ~20 ms here, one image there)
CROWDED_CHART_SECONDS = 5.0  # ... while a class outnumbers the training slots: the frame's
# caption already gives the losses and JS at every frame, and each curves update is the one
# Streamlit delta a playing page still sends (the whole app re-renders in the browser)
BUDGET_S = 0.02  # training seconds per live frame (the panel's default is 0.03)
DSTAR_CAPTION = "learned D(x) (live) | optimal D*(x) from 10,000 samples (twice a second)"
SETTINGS = (  # the columns of "Model and training settings"
    ("**Data**", ("target", "noise", "seed")),
    ("**Generator G**", ("g_layers", "g_neurons", "g_act", "g_opt", "g_lr")),
    ("**Discriminator D**", ("d_layers", "d_neurons", "d_act", "d_opt", "d_lr")),
    ("**Training**", ("loss", "k_d", "k_g", "batch", "step_mode")),
)
LAYER_TOGGLES = (
    "show_real",
    "show_fake",
    "show_heatmap",
    "show_manifold",
    "show_grads",
    "show_dstar",
)
RADIO = {"widget": "radio"}  # a choice shown as a radio, not a select box
LABELS = {  # option value -> what a student reads in the choice widgets
    **{key: target.label for key, target in TARGETS.items()},
    "drawn": "Draw your own",
    **{key: noise.label for key, noise in NOISES.items()},
    **{key: loss.label for key, loss in GAN_LOSSES.items()},
    **{key: key.replace("_", " ") for key in ACTIVATIONS},
    "adam": "Adam",
    "sgd": "SGD + momentum",
    "both": "Both (Algorithm 1)",
    "d": "Only D",
    "g": "Only G",
    "checkpoint": "Shipped checkpoint",
    "scratch": "Scratch",
    **{key: data.label for key, data in DIGIT_DATA.items()},
}


def objective() -> None:
    """The lecture's min-max game and the colour code, above both panels."""
    st.caption(OBJECTIVE)


# -- callbacks (run before the next script run) -----------------------------------------------
def _preset_label(key: str) -> str:
    return PRESETS[key].label


def _load_preset(page: GanPage) -> None:
    """Every control to the chosen lesson preset (a full GanConfig)."""
    page.set_widgets(dataclasses.asdict(PRESETS[page.get("preset")].config()))
    page.set("phase", None)


def _canvas_name(points: str | tuple) -> str:
    """The drawing canvas's chart name: a new one whenever the drawing changed, so each click
    lands on a fresh chart (a kept selection would swallow a second click on the same spot)."""
    return f"draw.{zlib.crc32(repr(points).encode())}"


def _add_drawn(page: GanPage, name: str) -> None:
    """Points clicked or lassoed on the drawing canvas join the drawn distribution."""
    picked = page.selection(name)
    new = [(p["x"], p["y"]) for p in picked if p.get("curve_number", 0) == 0]  # the canvas grid
    page.set_widgets({"points": add_points(page.widget_state("points", ""), new)})


def _clear_drawn(page: GanPage) -> None:
    page.set_widgets({"points": ()})


def _slow_step(page: GanPage) -> None:
    """One phase of the current D or G update (GAN Lab's slow motion); pauses live training."""
    page.pause()
    with page.trainer() as trainer:  # a loop still finishing its tick lets go of it first
        page.set("phase", trainer.phase_step())


# -- the 2-D GAN ------------------------------------------------------------------------------
class PlaneLive:
    """The 2-D GAN's live output in one script run: the panel's render, and the curves under the
    panel. Made for each run: its placeholder and latest snapshot belong to the run that drew
    them (the loop redraws them), never to the session."""

    def __init__(self, page: GanPage) -> None:
        self.page = page
        self.layers = layers(page.cfg)
        self.snap: PlaneSnapshot | None = None  # the latest frame's snapshot
        self.dstar: np.ndarray | None = None  # the latest D* estimate (slow: twice a second)
        self.curves: DeltaGenerator | None = None  # the placeholder under the panel
        self.palette: FramePalette | None = None  # this student's PNG palette (the panel's)

    def render(self, trainer: PlaneGan, out: LiveOut) -> None:
        """One frame: the plane (one JPEG while playing), the readout, D* and, at its own
        cadence (``CHART_SECONDS``), the curves under the panel."""
        cfg = self.page.cfg
        every = CROWDED_CHART_SECONDS if process().crowded() else CHART_SECONDS
        slow = self.page.state.due("chart_t", every, force=not out.live)
        snap = trainer.snapshot(with_dstar=cfg.show_dstar and slow)
        self.snap = snap
        if snap.dstar is not None:
            self.dstar = snap.dstar
        if (
            out.live and not cfg.show_dstar
        ):  # one element a frame: the browser's work is per element
            jpeg = figures.live_jpeg(snap, self.layers)
            out.image(jpeg, "image/jpeg", width=figures.LIVE_SIZE)
            out.caption(readout(snap))
        else:
            self._plane_and_readout(snap, out)
        if out.live and slow and self.curves is not None:
            self.draw_curves(live=True)

    def _plane_and_readout(self, snap: PlaneSnapshot, out: LiveOut) -> None:
        left, right = st.columns([5, 6])
        if out.live:  # a small inline JPEG; Pause for the interactive figure
            with left:
                out.image(
                    figures.live_jpeg(snap, self.layers), "image/jpeg", width=figures.LIVE_SIZE
                )
        else:
            self.page.chart(figures.plane_figure(snap, self.layers), "plane", where=left)
        right.markdown(readout(snap))
        if self.page.cfg.show_dstar:
            with right:
                self._dstar(snap, out.live)

    def _plane_frame(self, snap: PlaneSnapshot, out: LiveOut) -> None:
        """The plane as one JPEG (~17 KB), drawn 1:1."""
        out.image(figures.live_jpeg(snap, self.layers), "image/jpeg", width=figures.LIVE_SIZE)

    def _dstar(self, snap: PlaneSnapshot, live: bool) -> None:
        st.markdown("**Learned D vs the lecture's optimal D\\* = p_data / (p_data + p_g)**")
        if not live:
            self.page.chart(figures.dstar_figure(snap), "dstar")
        elif self.dstar is not None:  # D* from the latest slow frame, learned D from this one
            img = figures.dstar_image(snap.heat, self.dstar)
            st.image(jpeg_data_url(img, figures.LIVE_QUALITY), caption=DSTAR_CAPTION)

    def under(self, panel: LivePanel) -> None:
        """The curves under the panel (interactive while paused; the loop redraws them)."""
        self.palette = panel.palette
        self.curves = st.empty()
        self.draw_curves(live=False)

    def draw_curves(self, *, live: bool) -> None:
        snap = self.snap
        if live:  # one raster: a plotly chart remounts in the browser at every update (~0.3 s)
            url = png_data_url(figures.curves_image(snap), palette=self.palette)
            self.curves.image(url, width=figures.CURVES_SIZE[0])
            return
        with self.curves.container():
            if snap.coverage is None:
                left, right = st.container(), None
            else:
                left, right = st.columns([3, 2])
            curves = (snap.hist, snap.d_at_half, snap.g_at_half, snap.js_floor, snap.n_modes)
            self.page.chart(figures.curves_figure(*curves), "curves", where=left)
            if right is not None:
                coverage = figures.coverage_figure(snap.coverage.counts, 10_000)
                self.page.chart(coverage, "coverage", where=right)


def _presets(page: GanPage) -> None:
    cols = st.columns([3, 1, 6], vertical_alignment="bottom")
    key = cols[0].selectbox(
        "Lesson preset", list(PRESETS), key=page.key("preset"), format_func=_preset_label
    )
    cols[1].button(
        "Load", on_click=_load_preset, args=(page,), key=page.key("load"), width="stretch"
    )
    cols[2].caption(PRESETS[key].explain)


def _settings(page: GanPage) -> None:
    cols = st.expander("Model and training settings", icon=":material/tune:").columns(4)
    for col, (title, names) in zip(cols, SETTINGS):
        with col:
            st.markdown(title)
            for name in names:
                page.widget(name, **(RADIO if name == "step_mode" else {}))
    for col, name in zip(st.columns(len(LAYER_TOGGLES)), LAYER_TOGGLES):
        with col:
            page.widget(name)


def _draw_canvas(page: GanPage) -> bool:
    """The drawing canvas of "Draw your own"; True once the drawing can be trained on."""
    pts = points_from_flat(page.cfg.points)
    st.markdown(
        "**Draw your distribution**: click the plane to add a point. To add many at once, pick "
        "the lasso in the chart's toolbar and circle an area."
    )
    name = _canvas_name(page.cfg.points)
    page.chart(
        figures.draw_figure(pts),
        name,
        on_select=partial(_add_drawn, page, name),  # plotly_chart takes no callback args
        selection_mode=("points", "lasso", "box"),
    )
    st.button("Clear points", on_click=_clear_drawn, args=(page,), key=page.key("clear"))
    if len(pts) >= MIN_DRAWN_POINTS:
        return True
    page.notice(
        f"Your distribution has {len(pts)} point(s); it needs at least "
        f"{MIN_DRAWN_POINTS} before the GAN can train on it.",
        icon=":material/draw:",
    )
    return False


def _phase_view(page: GanPage, trainer: PlaneGan) -> None:
    st.button(
        "Slow motion: next phase",
        icon=":material/slow_motion_video:",
        on_click=_slow_step,
        args=(page,),
        key=page.key("slow"),
        help="Run one phase of the current D or G update (5 phases each).",
    )
    view = page.get("phase")
    if view is None:
        return
    text = f"**{view.who} update, phase {view.index}/5:** {view.text}"
    if view.loss is not None:
        text += f" · loss {view.loss:.3f}"
    if view.grad_norm:
        text += f" · |grad| {view.grad_norm:.3g}"
    st.markdown(text)
    page.chart(figures.phase_figure(view, trainer.real_ref[:2000]), "phase")


def plane(page: GanPage) -> None:
    _presets(page)
    _settings(page)
    cfg = page.cfg
    if cfg.target == "drawn" and not _draw_canvas(page):
        return  # nothing to train on yet
    live = PlaneLive(page)
    panel = page.live(
        PlaneGan,
        live.render,
        cfg=plane_config(cfg),  # what it trains on: other controls never rebuild it
        epoch_label="Iteration",
        budget_s=BUDGET_S,
        one_element=not cfg.show_dstar,  # one JPEG a frame (D* adds a second picture)
    )
    live.under(panel)
    _phase_view(page, panel.trainer)


# -- the digits GAN ---------------------------------------------------------------------------
def _render_digits(page: GanPage, trainer: DigitsGan, out: LiveOut) -> None:
    snap = trainer.snapshot()
    a, b, c = st.columns([2, 2, 3])
    for col, images, text in ((a, snap.samples, "fresh samples"), (b, snap.fixed, "fixed noise")):
        col.image(png_data_url(figures.digit_grid(images, ncols=4)), caption=text, width=260)
    with c:
        st.caption(snap.start_note)
        if out.live:  # a raster: a plotly chart would remount in the browser every frame
            st.image(png_data_url(figures.digits_curves_image(snap.hist)), width=400)
        else:
            page.chart(figures.digits_curves_figure(snap.hist), "digits_curves")


def _interpolation(page: GanPage, trainer: DigitsGan) -> None:
    st.markdown("**Latent interpolation** G((1 - a) z_A + a z_B), a = 0 ... 1 (compare the VAE)")
    cols = st.columns([1, 1, 6])
    za = cols[0].number_input("seed of z_A", 0, 9999, 1, key=page.key("digits.za"))
    zb = cols[1].number_input("seed of z_B", 0, 9999, 2, key=page.key("digits.zb"))
    grid = figures.digit_grid(trainer.interpolate(int(za), int(zb)), ncols=10)
    cols[2].image(png_data_url(grid))


def digits(page: GanPage) -> None:
    page.row(
        "digits_data", "digits_start", "digits_lr", "seed", digits_data=RADIO, digits_start=RADIO
    )
    cfg = page.cfg
    data, message = resolve_data(cfg.digits_data)
    if message:  # MNIST is not on this machine: the 8x8 digits meanwhile
        mnist_download(message, page.key("digits.download"))
    dcfg = DigitsConfig(seed=cfg.seed, start=cfg.digits_start, lr=cfg.digits_lr, data=data)
    panel = page.live(DigitsGan, partial(_render_digits, page), cfg=dcfg, name="digits")
    _interpolation(page, panel.trainer)


VIEWS: dict[str, View[GanConfig]] = {
    "plane": View("2-D GAN (GAN Lab)", plane),
    "digits": View("Digits GAN", digits),
}
