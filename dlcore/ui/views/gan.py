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

from dlcore.gan import views as gan_text
from dlcore.gan.config import VIEW_TOGGLES, GanConfig, plane_config
from dlcore.gan.digits import DIGIT_DATA, DigitsConfig, DigitsGan, resolve_data
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import ACTIVATIONS
from dlcore.gan.noise import NOISES
from dlcore.gan.plane import N_METRIC, PlaneGan, PlaneSnapshot
from dlcore.gan.presets import PRESETS, matching_preset
from dlcore.gan.targets import MIN_DRAWN_POINTS, TARGETS, points_from_flat
from dlcore.gan.views import add_points, layers, readout
from dlcore.ui.inputs import mnist_download
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.ui.process import process
from dlcore.viz import gan as figures
from dlcore.viz.common import jpeg_data_url
from dlcore.viz.raster import png_data_url

GanPage = Page[GanConfig]
OBJECTIVE = (  # the lecture's two-player minimax game
    r"\min_G \max_D V(D, G) = "
    r"\mathbb{E}_{\boldsymbol{x} \sim p_{\text{data}}(\boldsymbol{x})}[\log D(\boldsymbol{x})]"
    r" + \mathbb{E}_{\boldsymbol{z} \sim p_{\boldsymbol{z}}(\boldsymbol{z})}"
    r"[\log(1 - D(G(\boldsymbol{z})))]"
)
INTERPOLATION = (  # the lecture's digits "obtained by linearly interpolating ... in z space"
    r"G\big((1 - a)\,\boldsymbol{z}_A + a\,\boldsymbol{z}_B\big), \quad "
    r"a = 0, \tfrac{1}{9}, \dots, 1"
)
COLOUR_CODE = (
    "**Blue**: real samples, and where $D$ says *real*; **orange**: fake samples $G(z)$, and "
    "where $D$ says *fake*; **white**: $D(x) = \\tfrac{1}{2}$, $D$ cannot tell."
)
CHART_SECONDS = 0.5  # the equations' numbers and D* while training (one delta each time)
CROWDED_CHART_SECONDS = 5.0  # ... while a class outnumbers the training slots: the frame's
# caption already gives the losses and JS at every frame, and each update of the equations is
# the one Streamlit delta a playing page still sends (the whole app re-renders in the browser)
BUDGET_S = 0.02  # training seconds per live frame (the panel's default is 0.03)
DSTAR_CAPTION = "learned D(x), live (left) · optimal D*(x) from 10,000 samples (right)"
SETTINGS = (  # the columns of "Model and training settings"
    ("**Data**", ("target", "noise", "seed")),
    ("**Generator G**", ("g_layers", "g_neurons", "g_act", "g_opt", "g_lr")),
    ("**Discriminator D**", ("d_layers", "d_neurons", "d_act", "d_opt", "d_lr")),
    ("**Training**", ("loss", "k_d", "k_g", "batch", "step_mode")),
)
RADIO = {"widget": "radio"}  # a choice shown as a radio, not a select box
ACTIVATION_LABELS = {
    "leaky_relu": "Leaky ReLU (slope 0.2)",
    "relu": "ReLU",
    "tanh": "tanh",
    "elu": "ELU",
}
LABELS = {  # option value -> what a student reads in the choice widgets
    **{key: target.label for key, target in TARGETS.items()},
    "drawn": "Draw your own",
    **{key: noise.label for key, noise in NOISES.items()},
    **{key: loss.label for key, loss in GAN_LOSSES.items()},
    **{key: ACTIVATION_LABELS[key] for key in ACTIVATIONS},
    "adam": "Adam",
    "sgd": "SGD + momentum",
    "both": "Both (Algorithm 1)",
    "d": "Only D",
    "g": "Only G",
    "checkpoint": "Shipped checkpoint",
    "scratch": "From scratch",
    **{key: data.label for key, data in DIGIT_DATA.items()},
}
CUSTOM = "custom"  # the preset box's entry for settings that match no preset
CUSTOM_EXPLAIN = (
    "Your own settings: they match no lesson preset. Choose a preset to set every control to it."
)


def objective() -> None:
    """The lecture's min-max game and the colour code, above both panels."""
    st.latex(OBJECTIVE)
    st.caption(COLOUR_CODE)


# -- callbacks (run before the next script run) -----------------------------------------------
def _preset_label(key: str) -> str:
    return "Custom settings" if key == CUSTOM else PRESETS[key].label


def _load_preset(page: GanPage) -> None:
    """Every control to the chosen lesson preset (a full GanConfig)."""
    key = page.get("preset")
    if key in PRESETS:
        page.set_widgets(dataclasses.asdict(PRESETS[key].config()))
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
    """The 2-D GAN's live output in one script run: the panel's render (the plane with its curves
    beside it), and the lecture's equations with this run's numbers (and D*) under the panel.
    Made for each run: its placeholder and latest snapshot belong to the run that drew them (the
    loop redraws them), never to the session."""

    def __init__(self, page: GanPage) -> None:
        self.page = page
        self.layers = layers(page.cfg)
        self.snap: PlaneSnapshot | None = None  # the latest frame's snapshot
        self.dstar: np.ndarray | None = None  # the latest D* estimate (slow: twice a second)
        self.slot: DeltaGenerator | None = None  # the placeholder under the panel
        self.below_live = False  # the placeholder shows its live version (pictures, no plotly)

    def render(self, trainer: PlaneGan, out: LiveOut) -> None:
        """One frame: the plane and its curves (one picture while playing, the interactive
        figures when paused), the readout under it, and, at their own cadence
        (``CHART_SECONDS``), the equations' numbers and D* under the panel."""
        cfg = self.page.cfg
        every = CROWDED_CHART_SECONDS if process().crowded() else CHART_SECONDS
        slow = self.page.state.due("chart_t", every, force=not out.live)
        snap = trainer.snapshot(with_dstar=cfg.show_dstar and slow)
        self.snap = snap
        if snap.dstar is not None:
            self.dstar = snap.dstar
        out.caption(readout(snap))
        if out.live:  # one picture a frame: the browser's work is per element
            frame = figures.live_image(snap, self.layers)
            out.png(frame, width=frame.shape[1])
            if self.slot is not None and (slow or not self.below_live):
                self.draw_below(live=True)  # and at once when Play replaces the paused charts
            return
        left, right = st.columns(2)
        self.page.chart(figures.plane_figure(snap, self.layers), "plane", where=left, inplace=True)
        curves = (snap.hist, snap.d_at_half, snap.g_at_half, snap.js_floor, snap.n_modes)
        self.page.chart(figures.curves_figure(*curves), "curves", where=right, inplace=True)
        if snap.coverage is not None:
            coverage = figures.coverage_figure(snap.coverage.counts, N_METRIC)
            self.page.chart(coverage, "coverage", where=right, inplace=True)

    def below(self) -> None:
        """The placeholder under the panel (the loop redraws it), drawn for the paused page."""
        self.slot = st.empty()
        self.draw_below(live=False)

    def draw_below(self, *, live: bool) -> None:
        """D* beside the learned D (when shown), then the lecture's equations with this run's
        numbers: one markdown element, so an update while playing is one delta."""
        snap, cfg, self.below_live = self.snap, self.page.cfg, live
        with self.slot.container():
            if cfg.show_dstar:
                self._dstar(snap, live)
            st.markdown(equations_markdown(gan_text.equations(snap, cfg.loss, cfg.show_dstar)))

    def _dstar(self, snap: PlaneSnapshot, live: bool) -> None:
        st.markdown(
            "**The learned $D(x)$ beside the optimal** "
            r"$D_G^*(\boldsymbol{x}) = \frac{p_{\text{data}}(\boldsymbol{x})}"
            r"{p_{\text{data}}(\boldsymbol{x}) + p_g(\boldsymbol{x})}$"
        )
        if not live:
            self.page.chart(figures.dstar_figure(snap), "dstar", inplace=True)
        elif self.dstar is not None:  # D* from the latest slow frame, learned D from this one
            img = figures.dstar_image(snap.heat, self.dstar, size=260)
            st.image(jpeg_data_url(img, figures.LIVE_QUALITY), caption=DSTAR_CAPTION)


def equations_markdown(items: list[gan_text.Equation]) -> str:
    """The equations as one markdown text: a bold title, the display equation, the note."""
    return "\n\n".join(f"**{e.title}**\n\n$$\n{e.latex}\n$$\n\n{e.note}" for e in items)


def _presets(page: GanPage) -> None:
    """The lesson presets: the box says which preset the settings match (a link's, a loaded
    one's) or "Custom"; choosing one sets every control to it."""
    page.set("preset", matching_preset(page.cfg) or CUSTOM)
    cols = st.columns([2, 3], vertical_alignment="center")
    key = cols[0].selectbox(
        "Lesson preset",
        [*PRESETS, CUSTOM],
        key=page.key("preset"),
        format_func=_preset_label,
        on_change=_load_preset,
        args=(page,),
        help="Choosing a preset sets every control to it. The box shows the preset your "
        "settings match, or Custom settings.",
    )
    cols[1].caption(PRESETS[key].explain if key in PRESETS else CUSTOM_EXPLAIN)


def _settings(page: GanPage) -> None:
    # drawn only when open: closed, its widgets would still cost every run and the first picture
    box = page.lazy("Model and training settings", "settings_open", icon=":material/tune:")
    for col, (title, names) in zip(box.columns(4) if box else (), SETTINGS):
        with col:
            st.markdown(title)
            for name in names:
                page.widget(name, **(RADIO if name == "step_mode" else {}))
    for col, name in zip(st.columns(len(VIEW_TOGGLES)), VIEW_TOGGLES):
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
        text += f" · norm of the gradient {view.grad_norm:.3g}"
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
        one_element=True,  # one picture a frame: the plane and its curves
    )
    live.below()
    _phase_view(page, panel.trainer)


# -- the digits GAN ---------------------------------------------------------------------------
def _render_digits(page: GanPage, trainer: DigitsGan, out: LiveOut) -> None:
    """Fresh samples and the fixed-noise grid with the curves under them: one picture while
    playing; paused, the grids and the interactive curves."""
    snap = trainer.snapshot()
    out.caption(snap.start_note)
    if out.live:
        frame = figures.digits_frame(snap.samples, snap.fixed, snap.hist)
        out.png(frame, width=frame.shape[1])
        return
    grids = figures.digits_frame(snap.samples, snap.fixed, snap.hist, curves=False)
    st.image(png_data_url(grids), width=grids.shape[1])
    page.chart(figures.digits_curves_figure(snap.hist), "digits_curves")


def _interpolation(page: GanPage, trainer: DigitsGan) -> None:
    st.markdown("**Latent interpolation** (the lecture's figure; compare the VAE's)")
    st.latex(INTERPOLATION)
    cols = st.columns([1, 1, 3])
    za = cols[0].number_input("Seed of $z_A$", 0, 9999, 1, key=page.key("digits.za"))
    zb = cols[1].number_input("Seed of $z_B$", 0, 9999, 2, key=page.key("digits.zb"))
    grid = figures.digit_grid(trainer.interpolate(int(za), int(zb)), ncols=10)
    st.image(png_data_url(grid))


def digits(page: GanPage) -> None:
    page.row(
        "digits_data", "digits_start", "digits_lr", "seed", digits_data=RADIO, digits_start=RADIO
    )
    cfg = page.cfg
    data, message = resolve_data(cfg.digits_data)
    if message:  # MNIST is not on this machine: the 8x8 digits meanwhile
        mnist_download(message, page.key("digits.download"))
    dcfg = DigitsConfig(seed=cfg.seed, start=cfg.digits_start, lr=cfg.digits_lr, data=data)
    panel = page.live(
        DigitsGan, partial(_render_digits, page), cfg=dcfg, name="digits", one_element=True
    )
    _interpolation(page, panel.trainer)


VIEWS: dict[str, View[GanConfig]] = {
    "plane": View("2-D GAN (GAN Lab)", plane),
    "digits": View("Digits GAN", digits),
}
