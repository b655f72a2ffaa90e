"""RNN gradient explorer: real vanishing and exploding gradients, why LSTM and GRU survive, what
clipping does, and what character-level models look at. Computation lives in dlcore/rnn."""

import itertools

import streamlit as st

from dlcore.rnn import analysis as A
from dlcore.rnn import texts as T
from dlcore.rnn.cells import ACTIVATIONS
from dlcore.rnn.clipping import cliff_view
from dlcore.rnn.config import PRESETS, VIEW_LABELS, RnnConfig, preset_values
from dlcore.rnn.gradflow import linear_trajectory
from dlcore.rnn.tasks import TASKS
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer
from dlcore.ui.channel import live_image
from dlcore.ui.frame import page_frame
from dlcore.ui.live import live_panel
from dlcore.ui.state import ensure_trainer, frame_stream
from dlcore.ui.urlstate import (
    config_from_state,
    field_widget,
    share_box,
    sync_url,
    url_config,
    wkey,
)
from dlcore.viz import rnn as V
from dlcore.viz.raster import png_bytes

NS, C = "rnn", RnnConfig
page_frame(NS)
cfg = url_config(C, NS)
tick = itertools.count()  # every chart gets its own key: equal figures must not collide


def chart(fig, where=st):
    where.plotly_chart(fig, key=f"{NS}.chart{next(tick)}")


def apply_preset():  # callback: set the training controls before the next run
    for k, v in preset_values(st.session_state[f"{NS}.preset"]).items():
        st.session_state[wkey(NS, k)] = v


with st.sidebar:
    st.selectbox(
        "Preset (fixed seed)",
        list(PRESETS),
        index=None,
        key=f"{NS}.preset",
        on_change=apply_preset,
        placeholder="Choose a preset experiment",
    )
    if st.session_state.get(f"{NS}.preset"):
        st.caption(T.preset_note(st.session_state[f"{NS}.preset"]))
    with st.expander("Task and training", expanded=True):
        field_widget(NS, C, "task", format_func=lambda k: TASKS[k].label)
        for name in ("seq_len", "hidden", "batch", "optimizer", "lr", "clip", "clip_v", "seed"):
            field_widget(NS, C, name)
    with st.expander("Cells", expanded=True):
        field_widget(NS, C, "activation", format_func=lambda k: ACTIVATIONS[k].label)
        for name in ("rnn_init", "lambda_1", "forget_gate", "forget_bias"):
            field_widget(NS, C, name)
view = field_widget(
    NS, C, "view", widget="radio", format_func=VIEW_LABELS.get, label_visibility="collapsed"
)
st.caption(T.HONEST)
for name in {
    "linear": ("lin_l1", "lin_l2", "lin_angle"),
    "clip": ("cliff_w",),
    "sentence": ("sentence", "position"),
}.get(view, ()):
    field_widget(NS, C, name)
cfg = config_from_state(C, NS)
sync_url(cfg, NS)


def warn_diverged(snap):
    for lab in (lab for lab, d in zip(snap.labels, snap.diverged) if d):
        st.error(
            f"{lab}: training diverged (NaN/inf). Lower the learning rate or turn on "
            "clipping, then Reset."
        )


def live_frame(rgb, snap, text):
    """While playing a frame is ONE image over the live-frame channel (a plotly chart remounts in
    the browser every frame); Pause shows the interactive figures. Returns the caption (the panel
    shows it under the frame), with any divergence."""
    live_image(png_bytes(rgb, stream=frame_stream(NS)), "image/png", width=rgb.shape[1])
    return live_caption(snap, text)


def live_caption(snap, text):
    dead = [
        f"{lab}: training diverged (NaN/inf)." for lab, d in zip(snap.labels, snap.diverged) if d
    ]
    return " ".join([*dead, text.replace("**", ""), "Pause for the interactive charts."])


def render_trio(trainer, live):
    snap = trainer.snapshot()
    if live and cfg.view == "flow":
        # the flows change at a probe (every 10 steps): an unchanged frame is not drawn and sent
        # again (it cost the server ~15 ms and the browser ~20 ms for the same pixels)
        shown = (len(trainer.eval_steps), snap.diverged)
        if st.session_state.get(f"{NS}.flow_shown") == shown:
            return live_caption(snap, T.FLOW + " " + T.HEAT)
        st.session_state[f"{NS}.flow_shown"] = shown
        return live_frame(V.flow_image(A.flow_now(trainer), snap), snap, T.FLOW + " " + T.HEAT)
    if live:
        return live_frame(V.train_image(snap, cfg.clip_v), snap, T.TRAIN)
    st.session_state.pop(f"{NS}.flow_shown", None)  # a new run: its first live frame is drawn
    warn_diverged(snap)
    if cfg.view == "flow":
        now = A.flow_now(trainer)
        sp = now.spectrum
        c = st.columns([3, 2])
        chart(where=c[0], fig=V.flow_curves(now.flows, now.labels, now.bound))
        c[1].markdown(
            f"Vanilla RNN now: **lambda_1 = {sp.lambda_1:.3f}**, **gamma = "
            f"{sp.gamma:g}**, lambda_1 gamma = **{sp.product:.3f}**: {sp.regime}."
        )
        c[1].caption(T.FLOW)
        chart(fig=V.regime_figure(sp.lambda_1, sp.gamma))
        st.caption(T.REGIME)
        chart(fig=V.flow_heatmaps(snap.flow, snap.eval_steps, snap.labels))
        st.caption(T.HEAT)
        return
    c = st.columns(2)
    chart(
        where=c[0],
        fig=V.loss_figure(
            snap.eval_steps,
            snap.eval_loss,
            snap.labels,
            snap.baseline,
            snap.solved_below,
            snap.metric,
        ),
    )
    chart(
        where=c[1],
        fig=V.curves_figure(
            snap.grad_norm, snap.labels, "pre-clip ||g||", hline=("clip threshold v", cfg.clip_v)
        ),
    )
    st.caption(T.TRAIN)
    for col, lab, ev, share in zip(
        st.columns(3), snap.labels, snap.eval_loss[:, -1], snap.clipped_share
    ):
        ok = ev < snap.solved_below
        col.metric(
            lab,
            f"{ev:.4f}",
            "solved" if ok else "not solved",
            delta_color="normal" if ok else "off",
        )
        col.caption(f"{share:.0%} of steps clipped")


def render_clip(trainer, live):
    snap = trainer.snapshot()
    text = T.CLIP_TRAIN.format(mode=cfg.clip, v=cfg.clip_v, share=snap.clipped_share[1])
    if live:
        return live_frame(V.clip_image(snap, cfg.clip_v), snap, text)
    warn_diverged(snap)  # the unclipped run of the exploding preset ends here
    c = st.columns(2)
    chart(where=c[0], fig=V.curves_figure(snap.loss, snap.labels, f"training {snap.metric}"))
    chart(
        where=c[1],
        fig=V.curves_figure(snap.grad_norm, snap.labels, "pre-clip ||g||", hline=("v", cfg.clip_v)),
    )
    st.caption(text)


panel, live_kw = (
    None,
    dict(
        step_size=10,
        budget_s=0.05,
        step_label="10 steps",
        epoch_label="Sequences",
        one_element=True,
    ),
)
if view in ("flow", "train"):
    st.subheader("Three cells, same task, same seed: " + TASKS[cfg.task].label)
    panel = live_panel(NS, cfg, TaskTrainer, render_trio, **live_kw)
elif view == "clip":
    st.markdown(T.CLIP_RULE)
    cv = cliff_view(w0=cfg.cliff_w, v=cfg.clip_v if cfg.clip == "norm" else 1.0)
    c = st.columns([3, 2])
    chart(where=c[0], fig=V.cliff_figure(cv.ws, cv.bs, cv.loss, cv.path_plain, cv.path_clipped))
    chart(
        where=c[1],
        fig=V.cliff_slice_figure(
            cv.slice_b, cv.slice_loss, cv.start[1], cv.path_plain[1, 1], cv.path_clipped[1, 1]
        ),
    )
    c[1].caption(
        T.CLIFF.format(
            g=float((cv.grad**2).sum() ** 0.5),
            w1=cv.path_plain[1, 0],
            b1=cv.path_plain[1, 1],
            l1=cv.loss_plain[1],
            l2=cv.loss_clipped[1],
        )
    )
    st.subheader("Training with and without clipping")
    panel = live_panel(
        f"{NS}.clip", cfg, lambda c: TaskTrainer(c, arms=CLIP_PAIR), render_clip, **live_kw
    )
elif view == "linear":
    tr = linear_trajectory(cfg.lin_l1, cfg.lin_l2, cfg.lin_angle, (1.0, 1.0), 40)
    st.markdown(T.LINEAR)
    chart(fig=V.linear_figure(tr.h, tr.components, tr.eigvals, tr.q))
elif view == "highway":
    hw = A.highway_now(ensure_trainer(NS, cfg, TaskTrainer))
    st.markdown(T.HIGHWAY)
    chart(fig=V.highway_figure(hw.f_running, hw.lstm_jac, hw.rnn_jac))
    chart(fig=V.gate_heatmap(hw.f, title="LSTM forget gate f_t per unit"))
else:
    rep = A.sentence_report(cfg.sentence, cfg.position)
    if rep.message:
        st.info(rep.message)
    if rep.views:
        st.markdown(T.SENTENCE)
        chart(
            fig=V.connectivity_figure(
                rep.views[0].chars,
                [v.connectivity for v in rep.views],
                [v.kind.upper() for v in rep.views],
                rep.views[0].position,
            )
        )
        for col, v in zip(st.columns(3), rep.views):
            chart(where=col, fig=V.topk_figure(v.top_chars, v.top_probs, v.kind.upper()))
            col.caption(f"validation loss {rep.meta[v.kind]['val_loss']:.2f} nats/char")
        lstm = next(v for v in rep.views if v.kind == "lstm")
        for g, name in (("i", "input"), ("f", "forget"), ("o", "output")):
            chart(fig=V.gate_heatmap(lstm.gates[g], lstm.chars, f"LSTM {name} gate {g}_t"))
share_box(cfg, "rnn")
if panel is not None:
    panel.loop()
