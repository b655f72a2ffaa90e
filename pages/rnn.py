"""RNN gradient explorer: real vanishing and exploding gradients, why LSTM and GRU survive, and
what clipping does. Every curve is an autograd gradient of a real model (dlcore/rnn)."""

import streamlit as st

from dlcore.rnn import analysis as A
from dlcore.rnn.cells import ACTIVATIONS
from dlcore.rnn.clipping import cliff_view
from dlcore.rnn.config import PRESETS, VIEW_LABELS, RnnConfig, preset_values
from dlcore.rnn.gradflow import linear_trajectory
from dlcore.rnn.tasks import TASKS
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer
from dlcore.ui.frame import page_frame
from dlcore.ui.live import live_panel
from dlcore.ui.state import ensure_trainer
from dlcore.ui.urlstate import (
    config_from_state,
    field_widget,
    share_box,
    sync_url,
    url_config,
    wkey,
)
from dlcore.viz import rnn as V

NS, C = "rnn", RnnConfig
page_frame(NS)
cfg = url_config(C, NS)


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
    with st.expander("Task and training", expanded=True):
        field_widget(NS, C, "task", format_func=lambda k: TASKS[k].label)
        for name in ("seq_len", "hidden", "batch", "optimizer", "lr", "clip", "clip_v", "seed"):
            field_widget(NS, C, name)
    with st.expander("Cells", expanded=True):
        field_widget(NS, C, "activation", format_func=lambda k: ACTIVATIONS[k].label)
        field_widget(NS, C, "rnn_init")
        field_widget(NS, C, "lambda_1", step=0.05)
        field_widget(NS, C, "forget_gate")
        field_widget(NS, C, "forget_bias")
view = field_widget(
    NS, C, "view", widget="radio", format_func=VIEW_LABELS.get, label_visibility="collapsed"
)
st.caption(
    "Every number on this page is a real autograd gradient or loss of a real PyTorch "
    "model; nothing is faked with a decay constant."
)
if view == "linear":
    c = st.columns(3)
    for col, name in zip(c, ("lin_l1", "lin_l2", "lin_angle")):
        with col:
            field_widget(NS, C, name, step=0.01 if name != "lin_angle" else 1.0)
elif view == "clip":
    field_widget(NS, C, "cliff_w", step=0.05)
elif view == "sentence":
    field_widget(NS, C, "sentence")
    field_widget(NS, C, "position", widget="number")
cfg = config_from_state(C, NS)
sync_url(cfg, NS)


def render_trio(trainer, live):
    snap = trainer.snapshot()
    if any(snap.diverged):
        bad = ", ".join(lab for lab, d in zip(snap.labels, snap.diverged) if d)
        st.error(
            f"{bad}: training diverged (NaN/inf). Lower the learning rate or turn on "
            "clipping, then Reset."
        )
    if cfg.view == "flow":
        now = A.flow_now(trainer)
        sp = now.spectrum
        st.markdown(
            f"Vanilla RNN: **lambda_1 = {sp.lambda_1:.3f}**, **gamma = {sp.gamma:g}**, "
            f"lambda_1 * gamma = **{sp.product:.3f}**: {sp.regime}."
        )
        c = st.columns([3, 2])
        c[0].plotly_chart(V.flow_curves(now.flows, now.labels, now.bound))
        c[1].plotly_chart(V.regime_figure(sp.lambda_1, sp.gamma))
        c[1].caption(
            "Read: a curve that drops to the left means the loss at the last step "
            "barely reaches early inputs (vanishing). The dashed line is the lecture's "
            "bound ||dL/dh_T|| (lambda_1 gamma)^(T-1-t); the measured RNN curve stays "
            "under it."
        )
        st.plotly_chart(V.flow_heatmaps(snap.flow, snap.eval_steps, snap.labels))
        st.caption(
            "Each row is one probe during training (every 10 steps): dark on the left "
            "= early time steps get no gradient."
        )
    else:
        c = st.columns(2)
        c[0].plotly_chart(
            V.loss_figure(
                snap.eval_steps,
                snap.eval_loss,
                snap.labels,
                snap.baseline,
                snap.solved_below,
                snap.metric,
            )
        )
        c[1].plotly_chart(
            V.curves_figure(
                snap.grad_norm,
                snap.labels,
                "pre-clip ||g||",
                hline=("clip threshold v", cfg.clip_v),
            )
        )
        c = st.columns(3)
        for col, lab, ev, share in zip(c, snap.labels, snap.eval_loss[:, -1], snap.clipped_share):
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
    c = st.columns(2)
    c[0].plotly_chart(V.curves_figure(snap.loss, snap.labels, f"training {snap.metric}"))
    c[1].plotly_chart(
        V.curves_figure(snap.grad_norm, snap.labels, "pre-clip ||g||", hline=("v", cfg.clip_v))
    )
    st.caption(
        f"Same vanilla RNN, same initial weights and batches; share of steps clipped: "
        f"{snap.clipped_share[1]:.0%} ({cfg.clip} clipping at v = {cfg.clip_v:g})."
    )


if view in ("flow", "train"):
    st.subheader("Three cells, same task, same seed" if view == "flow" else TASKS[cfg.task].label)
    panel = live_panel(
        NS,
        cfg,
        TaskTrainer,
        render_trio,
        step_size=10,
        budget_s=0.05,
        step_label="10 steps",
        epoch_label="Sequences",
    )
elif view == "clip":
    st.markdown(
        "**Norm clipping**: if ||g|| > v then g <- g v / ||g|| (direction kept); "
        "**value clipping** clamps each component to [-v, v] (direction can turn)."
    )
    cv = cliff_view(w0=cfg.cliff_w, v=cfg.clip_v if cfg.clip == "norm" else 1.0)
    c = st.columns([3, 2])
    c[0].plotly_chart(V.cliff_figure(cv.ws, cv.bs, cv.loss, cv.path_plain, cv.path_clipped))
    c[1].plotly_chart(
        V.cliff_slice_figure(
            cv.slice_b, cv.slice_loss, cv.start[1], cv.path_plain[1, 1], cv.path_clipped[1, 1]
        )
    )
    c[1].caption(
        f"Pascanu's single-unit RNN h_t = w sigmoid(h_(t-1)) + b, loss (h_50 - 0.7)^2. "
        f"On the wall ||g|| = {float((cv.grad**2).sum() ** 0.5):,.0f}: one plain step "
        f"(lr 0.01) jumps to (w, b) = ({cv.path_plain[1, 0]:.1f}, "
        f"{cv.path_plain[1, 1]:.1f}), loss {cv.loss_plain[1]:,.1f}; the clipped step "
        f"moves 0.01 v and lands at loss {cv.loss_clipped[1]:.3f}."
    )
    st.subheader("Training with and without clipping")
    panel = live_panel(
        f"{NS}.clip",
        cfg,
        lambda c: TaskTrainer(c, arms=CLIP_PAIR),
        render_clip,
        step_size=10,
        budget_s=0.05,
        step_label="10 steps",
        epoch_label="Sequences",
    )
elif view == "linear":
    tr = linear_trajectory(cfg.lin_l1, cfg.lin_l2, cfg.lin_angle, (1.0, 1.0), 40)
    st.markdown(
        "No nonlinearity, no input: h_t = W^T h_(t-1) = Q^T Lambda^t Q h_0. Each "
        "component along an eigenvector is multiplied by its eigenvalue at every step: "
        "|lambda| < 1 vanishes, |lambda| > 1 explodes."
    )
    st.plotly_chart(V.linear_figure(tr.h, tr.components, tr.eigvals, tr.q))
elif view == "highway":
    hw = A.highway_now(ensure_trainer(NS, cfg, TaskTrainer))
    st.markdown(
        "Lecture: delta c_(t-1) = (... U^T + **f_t**) o delta c_t. The forget gate adds "
        "a path whose gain is the product of forget-gate values; the vanilla RNN only has "
        "the product of Jacobians Diag(g') W. Weights: the current models of the "
        "'Gradient flow' view (train them there)."
    )
    st.plotly_chart(V.highway_figure(hw.f_running, hw.lstm_jac, hw.rnn_jac))
    st.plotly_chart(V.gate_heatmap(hw.f, title="LSTM forget gate f_t per unit"))
else:
    rep = A.sentence_report(cfg.sentence, cfg.position)
    if rep.message:
        st.info(rep.message)
    if rep.views:
        st.markdown(
            "**Gradient connectivity**: ||d logit / d x_i|| of the top prediction at the "
            "outlined position, for every earlier character (Distill's connectivity)."
        )
        st.plotly_chart(
            V.connectivity_figure(
                rep.views[0].chars,
                [v.connectivity for v in rep.views],
                [v.kind.upper() for v in rep.views],
                rep.views[0].position,
            )
        )
        c = st.columns(3)
        for col, v in zip(c, rep.views):
            col.plotly_chart(V.topk_figure(v.top_chars, v.top_probs, v.kind.upper()))
            col.caption(f"validation loss {rep.meta[v.kind]['val_loss']:.2f} nats/char")
        lstm = next(v for v in rep.views if v.kind == "lstm")
        for g, name in (("i", "input"), ("f", "forget"), ("o", "output")):
            st.plotly_chart(V.gate_heatmap(lstm.gates[g], lstm.chars, f"LSTM {name} gate {g}_t"))
    panel = None
if view in ("flow", "train", "clip"):
    share_box(cfg, "rnn")
    panel.loop()
else:
    share_box(cfg, "rnn")
