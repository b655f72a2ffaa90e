"""The RNN gradient explorer's views (pages/rnn.py): gradient flow and long-range tasks (the
trio trained live), the linear case, the LSTM highway, clipping (Pascanu's cliff and a live
pair with and without clipping) and a typed sentence read by the shipped character models.

The math is in dlcore/rnn (lecture: "The Challenge of Long-Term Dependencies" to "Gated
Recurrent Units"), the reading guides in dlcore/rnn/texts.py, the figures in dlcore/viz/rnn.py
and the live frames in dlcore/viz/rnn_live.py. The shipped language models load once per server
process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dlcore.rnn import analysis, charlm, texts
from dlcore.rnn.cells import ACTIVATIONS
from dlcore.rnn.clipping import WALL_WS, CliffView, cliff_view, wall_point
from dlcore.rnn.config import PRESETS, RnnConfig, preset_values, vanilla_only
from dlcore.rnn.gradflow import Highway, linear_trajectory
from dlcore.rnn.tasks import TASKS
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer, TrainSnapshot
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.viz import rnn as figures
from dlcore.viz import rnn_live
from dlcore.viz.raster import png_bytes

RnnPage = Page[RnnConfig]
Render = Callable[[RnnPage, TaskTrainer, LiveOut], None]
# what a student reads in the choice widgets (Page(labels=LABELS) in pages/rnn.py)
LABELS = {
    "task": {name: task.label for name, task in TASKS.items()},
    "activation": {name: act.label for name, act in ACTIVATIONS.items()},
    "optimizer": {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD with momentum 0.9"},
    "clip": {"none": "No clipping", "norm": "Clip by norm", "value": "Clip by value"},
    "rnn_init": {
        "default": "Uniform (torch's default)",
        "orthogonal": "Orthogonal",
        "identity": "Identity (IRNN)",
    },
}
TRAINING = ("seq_len", "hidden", "batch", "optimizer", "lr", "clip", "clip_v", "seed")
CELLS = ("rnn_init", "lambda_1", "forget_gate", "forget_bias")
# both live panels: ten steps a Step, the counter in sequences seen, one picture a frame
LIVE = {
    "step_size": 10,
    "budget_s": 0.05,
    "step_label": "10 steps",
    "epoch_label": "Sequences",
    "one_element": True,
}
GATES = (("i", "input"), ("f", "forget"), ("o", "output"))
LINEAR_STEPS = 40  # steps of the linear case's trajectory
CLIFF_LR = 0.01  # the cliff's learning rate (dlcore.rnn.clipping.cliff_view's default)


# -- shared models and callbacks (defined once) ---------------------------------------------
@st.cache_resource(show_spinner="Loading the shipped language models ...")
def language_models() -> dict[str, tuple[charlm.CharLM, dict]]:
    """The three shipped character models, read-only, one copy per server process."""
    return charlm.shipped_models()


def clip_pair(cfg: RnnConfig) -> TaskTrainer:
    """The Clipping view's trainer: one vanilla RNN trained twice, without and with clipping."""
    return TaskTrainer(cfg, arms=CLIP_PAIR)


def apply_preset(page: RnnPage) -> None:
    """The preset box's callback: set the training controls before the next run."""
    name = page.get("preset")
    if name in PRESETS:
        page.set_widgets(preset_values(name))


# -- the sidebar --------------------------------------------------------------------------------
def sidebar(page: RnnPage) -> None:
    """Presets, task and training, cells: shared by every view."""
    with st.sidebar:
        st.selectbox(
            "Preset (fixed seed)",
            list(PRESETS),
            index=None,
            key=page.key("preset"),
            on_change=apply_preset,
            args=(page,),
            placeholder="Choose a preset experiment",
        )
        if page.get("preset"):
            st.caption(texts.preset_note(page.get("preset")))
        with st.expander("Task and training", expanded=True):
            page.widget("task")
            for name in TRAINING:
                page.widget(name)
        with st.expander("Cells", expanded=True):
            page.widget("activation")
            for name in CELLS:
                page.widget(name)


def _intro(page: RnnPage, *fields: str) -> None:
    """What every view starts with: the honesty note, then the view's own controls."""
    st.caption(texts.HONEST)
    for name in fields:
        page.widget(name)


def _arm_errors(trainer: TaskTrainer, snap: TrainSnapshot) -> None:
    """A message per run that diverged while others train on (when every run diverged, the
    live panel says so, once)."""
    if trainer.diverged:
        return
    for label, dead in zip(snap.labels, snap.diverged):
        if dead:
            st.error(texts.arm_diverged(label))


# -- the trio: gradient flow and long-range tasks -----------------------------------------------
def render_flow(page: RnnPage, trainer: TaskTrainer, out: LiveOut) -> None:
    snap = trainer.snapshot()
    if out.live:
        out.image(_flow_png(page, trainer, snap), "image/png", width=rnn_live.LIVE_WIDTH)
        text = f"{texts.live_condition(trainer.probe_spectrum)} {texts.LIVE_FLOW}"
        out.caption(texts.live_caption(snap.labels, snap.diverged, text))
        return
    page.set("flow_frame", None)  # the next live run draws its first frame
    _arm_errors(trainer, snap)
    now = analysis.flow_now(trainer)
    sp = now.spectrum
    _flow_equations(now)
    left, right = st.columns([3, 2])
    page.chart(figures.flow_curves(now.flows, now.labels, now.bound), "flow", where=left)
    right.caption(texts.FLOW)
    page.chart(figures.regime_figure(sp.lambda_1, sp.gamma), "regime")
    st.caption(texts.REGIME)
    page.chart(figures.flow_heatmaps(snap.flow, snap.eval_steps, snap.labels), "flow_heat")
    st.caption(texts.HEAT)


def _flow_equations(now: analysis.FlowNow) -> None:
    """The lecture's recurrence, gradient through time and condition for vanishing, with the
    vanilla RNN's numbers of the latest probe."""
    left, right = st.columns([2, 3])
    left.latex(texts.RECURRENCE_TEX)
    right.latex(texts.BPTT_TEX)
    st.latex(texts.BOUND_TEX)
    st.latex(texts.condition_tex(now.spectrum))
    rnn = next(i for i, label in enumerate(now.labels) if label == "RNN")
    flow, bound = now.flows[rnn], now.bound
    if len(flow):
        st.latex(texts.measured_tex(float(flow[0]), float(flow[-1]), float(bound[0]), len(flow)))


def _flow_png(page: RnnPage, trainer: TaskTrainer, snap: TrainSnapshot) -> bytes:
    """The flow view's live picture. The flows change at a probe (every 10 steps): between
    probes the same PNG is sent again instead of drawn again (drawing it cost the server
    ~15 ms). Every frame carries a picture: a frame with only a caption went out as a Streamlit
    caption too, and the caption showed twice while playing."""
    shown = (int(snap.eval_steps[-1]), snap.diverged)
    kept = page.get("flow_frame")
    if kept is None or kept[0] != shown:
        kept = (shown, png_bytes(rnn_live.flow_image(analysis.flow_now(trainer), snap)))
        page.set("flow_frame", kept)
    return kept[1]


def _norms_figure(snap: TrainSnapshot, clip_v: float) -> go.Figure:
    """Each arm's gradient norm before clipping, the threshold v as a line."""
    return figures.curves_figure(
        snap.train_steps,
        snap.grad_norm,
        snap.labels,
        "‖g‖ before clipping",
        hline=("clip threshold v", clip_v),
        diverged_at=snap.diverged_at,
    )


def render_train(page: RnnPage, trainer: TaskTrainer, out: LiveOut) -> None:
    snap, clip_v = trainer.snapshot(), page.cfg.clip_v
    if out.live:
        rgb = rnn_live.train_image(snap, clip_v)
        out.png(rgb, width=rgb.shape[1])
        out.caption(texts.live_caption(snap.labels, snap.diverged, texts.LIVE_TRAIN))
        return
    _arm_errors(trainer, snap)
    left, right = st.columns(2)
    loss = figures.loss_figure(
        snap.eval_steps,
        snap.eval_loss,
        snap.labels,
        snap.baseline,
        snap.solved_below,
        snap.metric,
        diverged_at=snap.diverged_at,
    )
    page.chart(loss, "loss", where=left)
    page.chart(_norms_figure(snap, clip_v), "norms", where=right)
    st.caption(texts.TRAIN)
    for col, label, final, share in zip(
        st.columns(3), snap.labels, snap.eval_loss[:, -1], snap.clipped_share
    ):
        solved = final < snap.solved_below
        col.metric(
            label,
            f"{final:.4f}",
            "solved" if solved else "not solved",
            delta_color="normal" if solved else "off",
        )
        col.caption(f"{share:.0%} of steps clipped")
    _cell_equations()


def _cell_equations() -> None:
    """The vanilla RNN, LSTM and GRU as the lecture writes them, side by side."""
    st.markdown(texts.CELLS)
    for col, (name, tex) in zip(
        st.columns([2, 3, 3]),
        (("Vanilla RNN", texts.RNN_TEX), ("LSTM", texts.LSTM_TEX), ("GRU", texts.GRU_TEX)),
    ):
        col.markdown(f"**{name}**")
        col.latex(tex)


def _trio(page: RnnPage, render: Render) -> None:
    _intro(page)
    st.subheader("Three cells, same task, same seed: " + TASKS[page.cfg.task].label)
    page.live(TaskTrainer, partial(render, page), **LIVE)


def flow(page: RnnPage) -> None:
    _trio(page, render_flow)


def train(page: RnnPage) -> None:
    _trio(page, render_train)


# -- the analyses ------------------------------------------------------------------------------
def linear(page: RnnPage) -> None:
    _intro(page, "lin_l1", "lin_l2", "lin_angle")
    cfg = page.cfg
    tr = linear_trajectory(cfg.lin_l1, cfg.lin_l2, cfg.lin_angle, (1.0, 1.0), LINEAR_STEPS)
    st.markdown(texts.LINEAR)
    st.latex(texts.LINEAR_TEX)
    st.latex(texts.linear_tex(cfg.lin_l1, cfg.lin_l2, LINEAR_STEPS))
    page.chart(figures.linear_figure(tr.h, tr.components, tr.eigvals, tr.q), "linear")


def _highway_now(page: RnnPage) -> Highway:
    """The highway of the trio's current weights (the flow and train views' trainer): taken
    over from a live loop still finishing its tick, like a panel does."""
    with page.trainer(TaskTrainer) as trainer:
        return analysis.highway_now(trainer)


def highway(page: RnnPage) -> None:
    _intro(page)
    hw = _highway_now(page)
    st.markdown(texts.HIGHWAY)
    st.latex(texts.HIGHWAY_TEX)
    st.latex(texts.highway_tex(float(hw.f_running[0]), float(hw.rnn_jac[0]), len(hw.f_running)))
    page.chart(figures.highway_figure(hw.f_running, hw.lstm_jac, hw.rnn_jac), "highway")
    title = "LSTM forget gate f<sub>t</sub> per unit"
    page.chart(figures.gate_heatmap(hw.f, title=title), "forget_gate")


def clip(page: RnnPage) -> None:
    _intro(page, "cliff_w")
    cfg = page.cfg
    # norm clipping at v, whatever trains below
    cv = cliff_view(w0=cfg.cliff_w, lr=CLIFF_LR, v=cfg.clip_v)
    _clip_equations(cv, cfg.clip_v)
    left, right = st.columns(2)
    wall = (WALL_WS, tuple(wall_point(w) for w in WALL_WS))
    select = {"on_select": partial(_pick_start, page), "selection_mode": "points"}
    page.chart(figures.cliff_figure(cv, wall=wall), "cliff", where=left, **select)
    page.chart(figures.cliff_zoom_figure(cv), "cliff_zoom", where=right)
    st.caption(
        texts.CLIFF.format(
            g=texts.tex_num(float(np.linalg.norm(cv.grad))),
            w1=cv.path_plain[1, 0],
            b1=cv.path_plain[1, 1],
            l1=texts.tex_num(float(cv.loss_plain[1])),
            l2=texts.tex_num(float(cv.loss_clipped[1])),
        )
    )
    st.subheader("Training with and without clipping")
    # two vanilla RNNs: the LSTM / GRU controls neither change nor rebuild them
    page.live(clip_pair, partial(render_clip, page), name="clip", cfg=vanilla_only(cfg), **LIVE)


def _pick_start(page: RnnPage) -> None:
    """A click on a marked start on the wall moves the descents' start there."""
    w = analysis.clicked_value(page.selection("cliff"), WALL_WS[0], WALL_WS[-1])
    if w is not None:
        page.set_widgets({"cliff_w": w})


def _clip_equations(cv: CliffView, v: float) -> None:
    """The lecture's clipping rule, with the numbers of the cliff's wall beside it."""
    st.markdown(texts.CLIP_RULE)
    left, right = st.columns(2)
    left.latex(texts.CLIP_TEX)
    right.latex(texts.VALUE_CLIP_TEX)
    st.markdown(texts.CLIFF_INTRO)
    st.latex(texts.CLIFF_TEX)
    step = float(np.linalg.norm(cv.path_clipped[1] - cv.path_clipped[0]))
    st.latex(texts.clip_tex(v, float(np.linalg.norm(cv.grad)), CLIFF_LR, step))


def render_clip(page: RnnPage, trainer: TaskTrainer, out: LiveOut) -> None:
    snap, cfg = trainer.snapshot(), page.cfg
    mode = page.label(cfg.clip, "clip")
    if out.live:
        rgb = rnn_live.clip_image(snap, cfg.clip_v)
        out.png(rgb, width=rgb.shape[1])
        text = texts.LIVE_CLIP.format(mode=mode, v=cfg.clip_v, share=snap.clipped_share[1])
        out.caption(texts.live_caption(snap.labels, snap.diverged, text))
        return
    if cfg.clip == "none":
        page.notice(texts.NO_CLIPPING, "info")
    _arm_errors(trainer, snap)  # the unclipped run of the exploding preset ends here
    left, right = st.columns(2)
    loss = figures.curves_figure(
        snap.train_steps,
        snap.loss,
        snap.labels,
        f"training {snap.metric}",
        diverged_at=snap.diverged_at,
    )
    page.chart(loss, "clip_loss", where=left)
    page.chart(_norms_figure(snap, cfg.clip_v), "clip_norms", where=right)
    st.caption(texts.CLIP_TRAIN.format(mode=mode, v=cfg.clip_v, share=snap.clipped_share[1]))


def _pick_position(page: RnnPage) -> None:
    """A click on a character of the connectivity map predicts after that character."""
    index = analysis.clicked_value(page.selection("connectivity"), 0, analysis.SENTENCE_MAX - 1)
    if index is not None:
        page.set_widgets({"position": int(index)})


def _cut_sentence(page: RnnPage) -> str | None:
    """A text over SENTENCE_MAX characters (a paste, a link) is cut to its first SENTENCE_MAX
    in the box itself, before the box is drawn; returns what to tell the student."""
    typed = page.widget_state("sentence")
    if not isinstance(typed, str) or len(typed) <= analysis.SENTENCE_MAX:
        return None
    page.set_widgets({"sentence": typed[: analysis.SENTENCE_MAX]})
    page.refresh()
    return analysis.cut_note(len(typed))


def sentence(page: RnnPage) -> None:
    cut = _cut_sentence(page)
    _intro(page, "sentence", "position")
    if cut:
        page.notice(cut, "warning")
    report = analysis.sentence_report(page.cfg.sentence, page.cfg.position, load=language_models)
    if report.message:
        st.info(report.message)
    if not report.views:
        return
    st.markdown(texts.SENTENCE)
    views = report.views
    lo, hi = analysis.char_window(len(views[0].chars), views[0].position)
    if (lo, hi) != (0, len(views[0].chars)):
        st.caption(texts.window_note(lo, hi, len(views[0].chars)))
    maps = figures.connectivity_figure(
        views[0].chars[lo:hi],
        [v.connectivity[lo:hi] for v in views],
        [v.kind.upper() for v in views],
        views[0].position,
        offset=lo,
    )
    select = {"on_select": partial(_pick_position, page), "selection_mode": "points"}
    page.chart(maps, "connectivity", **select)
    for col, view in zip(st.columns(3), views):
        top = figures.topk_figure(view.top_chars, view.top_probs, view.kind.upper())
        page.chart(top, f"top.{view.kind}", where=col)
        col.caption(f"validation loss {report.meta[view.kind]['val_loss']:.2f} nats/char")
    lstm = next(v for v in views if v.kind == "lstm")
    st.markdown(texts.GATES)
    left, right = st.columns([3, 2])
    left.latex(texts.LSTM_TEX)
    at = lstm.position
    means = [float(lstm.gates[gate][at].mean()) for gate, _ in GATES]
    right.latex(texts.gates_tex(*means))
    for gate, name in GATES:
        title = f"LSTM {name} gate {gate}<sub>t</sub>"
        heat = figures.gate_heatmap(lstm.gates[gate][lo:hi], lstm.chars[lo:hi], title, offset=lo)
        page.chart(heat, f"gate.{gate}")


VIEWS: dict[str, View[RnnConfig]] = {
    "flow": View("Gradient flow", flow),
    "train": View("Long-range tasks", train),
    "linear": View("Linear case", linear),
    "highway": View("LSTM highway", highway),
    "clip": View("Clipping", clip),
    "sentence": View("Type a sentence", sentence),
}
