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

import streamlit as st

from dlcore.rnn import analysis, charlm, texts
from dlcore.rnn.cells import ACTIVATIONS
from dlcore.rnn.clipping import cliff_view
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
        "default": "Uniform ±1/√H (torch's default)",
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
        out.caption(texts.live_caption(snap.labels, snap.diverged, f"{texts.FLOW} {texts.HEAT}"))
        return
    page.set("flow_frame", None)  # the next live run draws its first frame
    _arm_errors(trainer, snap)
    now = analysis.flow_now(trainer)
    sp = now.spectrum
    left, right = st.columns([3, 2])
    page.chart(figures.flow_curves(now.flows, now.labels, now.bound), "flow", where=left)
    right.markdown(
        f"Vanilla RNN now: **lambda_1 = {sp.lambda_1:.3f}**, **gamma = {sp.gamma:g}**, "
        f"lambda_1 gamma = **{sp.product:.3f}**: {sp.regime}."
    )
    right.caption(texts.FLOW)
    page.chart(figures.regime_figure(sp.lambda_1, sp.gamma), "regime")
    st.caption(texts.REGIME)
    page.chart(figures.flow_heatmaps(snap.flow, snap.eval_steps, snap.labels), "flow_heat")
    st.caption(texts.HEAT)


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


def render_train(page: RnnPage, trainer: TaskTrainer, out: LiveOut) -> None:
    snap, clip_v = trainer.snapshot(), page.cfg.clip_v
    if out.live:
        rgb = rnn_live.train_image(snap, clip_v)
        out.png(rgb, width=rgb.shape[1])
        out.caption(texts.live_caption(snap.labels, snap.diverged, texts.TRAIN))
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
    norms = figures.curves_figure(
        snap.train_steps,
        snap.grad_norm,
        snap.labels,
        "pre-clip ||g||",
        hline=("clip threshold v", clip_v),
        diverged_at=snap.diverged_at,
    )
    page.chart(norms, "norms", where=right)
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
    tr = linear_trajectory(cfg.lin_l1, cfg.lin_l2, cfg.lin_angle, (1.0, 1.0), 40)
    st.markdown(texts.LINEAR)
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
    page.chart(figures.highway_figure(hw.f_running, hw.lstm_jac, hw.rnn_jac), "highway")
    page.chart(figures.gate_heatmap(hw.f, title="LSTM forget gate f_t per unit"), "forget_gate")


def clip(page: RnnPage) -> None:
    _intro(page, "cliff_w")
    cfg = page.cfg
    st.markdown(texts.CLIP_RULE)
    cv = cliff_view(w0=cfg.cliff_w, v=cfg.clip_v)  # norm clipping at v, whatever trains below
    left, right = st.columns(2)
    page.chart(figures.cliff_figure(cv), "cliff", where=left)
    page.chart(figures.cliff_zoom_figure(cv), "cliff_zoom", where=right)
    st.caption(
        texts.CLIFF.format(
            g=float((cv.grad**2).sum() ** 0.5),
            w1=cv.path_plain[1, 0],
            b1=cv.path_plain[1, 1],
            l1=cv.loss_plain[1],
            l2=cv.loss_clipped[1],
        )
    )
    st.subheader("Training with and without clipping")
    # two vanilla RNNs: the LSTM / GRU controls neither change nor rebuild them
    page.live(clip_pair, partial(render_clip, page), name="clip", cfg=vanilla_only(cfg), **LIVE)


def render_clip(page: RnnPage, trainer: TaskTrainer, out: LiveOut) -> None:
    snap, cfg = trainer.snapshot(), page.cfg
    text = texts.CLIP_TRAIN.format(mode=cfg.clip, v=cfg.clip_v, share=snap.clipped_share[1])
    if out.live:
        rgb = rnn_live.clip_image(snap, cfg.clip_v)
        out.png(rgb, width=rgb.shape[1])
        out.caption(texts.live_caption(snap.labels, snap.diverged, text))
        return
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
    norms = figures.curves_figure(
        snap.train_steps,
        snap.grad_norm,
        snap.labels,
        "pre-clip ||g||",
        hline=("v", cfg.clip_v),
        diverged_at=snap.diverged_at,
    )
    page.chart(norms, "clip_norms", where=right)
    st.caption(text)


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
    maps = figures.connectivity_figure(
        views[0].chars,
        [v.connectivity for v in views],
        [v.kind.upper() for v in views],
        views[0].position,
    )
    page.chart(maps, "connectivity")
    for col, view in zip(st.columns(3), views):
        top = figures.topk_figure(view.top_chars, view.top_probs, view.kind.upper())
        page.chart(top, f"top.{view.kind}", where=col)
        col.caption(f"validation loss {report.meta[view.kind]['val_loss']:.2f} nats/char")
    lstm = next(v for v in views if v.kind == "lstm")
    for gate, name in GATES:
        heat = figures.gate_heatmap(lstm.gates[gate], lstm.chars, f"LSTM {name} gate {gate}_t")
        page.chart(heat, f"gate.{gate}")


VIEWS: dict[str, View[RnnConfig]] = {
    "flow": View("Gradient flow", flow),
    "train": View("Long-range tasks", train),
    "linear": View("Linear case", linear),
    "highway": View("LSTM highway", highway),
    "clip": View("Clipping", clip),
    "sentence": View("Type a sentence", sentence),
}
