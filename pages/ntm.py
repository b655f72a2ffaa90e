"""Neural Turing Machine: move beta, g, s and gamma through every addressing stage, write with
erase/add, and watch a trained NTM (dlcore/ntm, shipped in assets/ntm) copy and generalise."""

import numpy as np
import streamlit as st

from dlcore.ntm import analysis as A
from dlcore.ntm.addressing import Ablation
from dlcore.ntm.checkpoints import load_model, load_scrub, model_from_checkpoint
from dlcore.ntm.config import VIEW_LABELS, NTMConfig
from dlcore.ntm.live import CROWDED_PREVIEW_SECONDS, PREVIEW_SECONDS, NTMLiveTrainer
from dlcore.ntm.task import chance_bits, parse_pattern
from dlcore.ui.channel import live_image
from dlcore.ui.frame import page_frame
from dlcore.ui.live import crowded, live_panel
from dlcore.ui.state import frame_stream, ns_get, ns_set
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.ui.urlstate import wkey as _wkey
from dlcore.viz import ntm as V
from dlcore.viz.raster import png_bytes

NS, C, S = "ntm", NTMConfig, st.session_state
PATTERN_HELP = (
    "8 bits per vector (0/1), separated by spaces. Try 00000000 as the 2nd vector: the "
    "feed-forward controller cannot tell an all-zero input from the blank answer phase."
)
page_frame(NS)
cfg = url_config(C, NS)


def w(name, **kw):
    return field_widget(NS, C, name, **kw)


@st.cache_resource(show_spinner="Loading the shipped NTM and LSTM ...")
def shipped():  # read-only, shared by every session
    return {name: load_model(name.lower()) for name in ("NTM", "LSTM")}, load_scrub()


@st.cache_resource(max_entries=32, show_spinner=False)
def snapshot_model(i):
    scrub = shipped()[1]
    return model_from_checkpoint(scrub, scrub["states"][i])


@st.cache_data(max_entries=64, show_spinner="Copying sequences of every length ...")
def length_test(lengths, flags):
    nets = {n: m for n, (m, _) in shipped()[0].items()}
    return A.length_generalization(nets, list(lengths), 8, ablation=Ablation(*flags))


view = w("view", widget="radio", format_func=VIEW_LABELS.get, label_visibility="collapsed")
if view == "addressing":
    st.markdown(
        "A memory of N = 8 locations x M = 4 numbers. The head turns a key k and four scalars "
        "into a weighting w over locations, in four stages. Edit the memory, move the sliders."
    )
    left, right = st.columns([2, 3])
    with left:
        memory = st.data_editor(A.default_memory(8, 4, cfg.mem_seed), key=f"{NS}.mem{cfg.mem_seed}")
        memory = np.nan_to_num(np.clip(np.asarray(memory, dtype=np.float32), -9, 9))
        w("mem_seed", widget="number")
    with right:
        rows = (
            ("beta", "gamma", "g", "prev_loc"),
            ("s_minus", "s_zero", "s_plus"),
            ("k0", "k1", "k2", "k3"),
        )
        for names in rows:
            for col, name in zip(st.columns(len(names)), names):
                with col:
                    w(name, step=1 if name == "prev_loc" else 0.05)
    cfg = config_from_state(C, NS)
    w_prev = A.focus_weighting(8, cfg.prev_loc, 0)
    s = A.shift_distribution(cfg.s_minus, cfg.s_zero, cfg.s_plus)
    key = np.array([cfg.k0, cfg.k1, cfg.k2, cfg.k3], dtype=np.float32)
    res = A.run_addressing(memory, key, cfg.beta, cfg.g, s, cfg.gamma, w_prev)
    st.plotly_chart(V.addressing_figure(res, w_prev), key=f"{NS}.stages")
    st.caption(V.addressing_caption(res, s))
    st.info(
        "Shift sign convention: w~(i) = sum_j w_g(j) s(i - j), so s(+1) = 1 moves the focus "
        "from location i to i + 1 (location 7 wraps to 0). pytorch-ntm lists its three shift "
        "weights in the opposite order; the formula is the same.",
        icon=":material/swap_horiz:",
    )
    c = st.columns([2, 1])
    c[0].plotly_chart(
        V.memory_figure(memory, title="memory M", rows={"w max": int(res.w.argmax())})
    )
    c[1].plotly_chart(V.shift_figure(s))

elif view == "write":
    st.markdown("One write = erase then add: M(i) <- M(i) (1 - w(i) e) + w(i) a.")
    c = st.columns(4)
    for col, name in zip(c, ("focus", "spread", "erase", "add")):
        with col:
            w(name)
    cfg = config_from_state(C, NS)
    mem_now = ns_get(NS, "sandbox", A.default_memory(8, 4, cfg.mem_seed))
    w_write = A.focus_weighting(8, cfg.focus, cfg.spread)

    def do_write():
        ns_set(NS, "last_write", A.run_write(mem_now, w_write, cfg.erase, cfg.add))
        ns_set(NS, "sandbox", ns_get(NS, "last_write").after)

    c = st.columns([1, 1, 4])
    c[0].button("Write", icon=":material/edit:", type="primary", on_click=do_write)
    c[1].button(
        "Reset memory", on_click=lambda: [ns_set(NS, k, None) for k in ("sandbox", "last_write")]
    )
    last = ns_get(NS, "last_write")
    if last is None:
        st.caption("Preview of the next write (press Write to apply it to the memory):")
        last = A.run_write(mem_now, w_write, cfg.erase, cfg.add)
    st.plotly_chart(V.write_figure(last, w_write), key=f"{NS}.write")

elif view in ("copy", "length"):
    try:
        (models, scrub) = shipped()
    except FileNotFoundError:
        st.error("No shipped checkpoints found. Train them with `python -m dlcore.pretrain ntm`.")
        st.stop()
    st.markdown("**Break it** (applies to the NTM): switch off one addressing mechanism.")
    c = st.columns(4)
    for col, name in zip(c, A.ABLATIONS):
        with col:
            w(name)
    cfg = config_from_state(C, NS)
    ablation = Ablation(**{k: getattr(cfg, k) for k in A.ABLATIONS})
    if view == "copy":
        c = st.columns([1, 1, 2])
        with c[0]:
            w("model", widget="radio")
        with c[1]:
            w("source", widget="radio", format_func={"random": "random", "typed": "type it"}.get)
        with c[2]:
            if cfg.source == "typed":
                w("pattern", widget="area", help=PATTERN_HELP)
            else:
                w("length")
                w("seq_seed", widget="number")
        cfg = config_from_state(C, NS)
        seq = A.random_sequence(cfg.length, cfg.seq_seed)
        if cfg.source == "typed":
            try:
                seq = parse_pattern(cfg.pattern)
            except ValueError as err:
                st.error(f"Cannot copy this pattern: {err} Showing a random sequence instead.")
        n_snap = len(scrub["seen"])
        labels = {-1: f"final ({models['NTM'][1]['seen']:,} sequences)"}
        labels.update({i: f"{s:,} sequences" for i, s in enumerate(scrub["seen"])})
        S[_wkey(NS, "ckpt")] = min(S.get(_wkey(NS, "ckpt"), -1), n_snap - 1)
        if cfg.model == "NTM":
            st.select_slider(
                "Checkpoint scrubber (training progress)",
                options=list(labels),
                key=_wkey(NS, "ckpt"),
                format_func=labels.get,
            )
        cfg = config_from_state(C, NS)
        ck = cfg.ckpt if cfg.model == "NTM" else -1
        model = models[cfg.model][0] if ck < 0 else snapshot_model(ck)
        trace = A.trace_copy(model, seq, ablation if cfg.model == "NTM" else Ablation())
        S[_wkey(NS, "t")] = min(S.get(_wkey(NS, "t"), 0), trace.steps - 1)
        t = st.slider(
            "Time step t (highlighted in every panel)", 0, trace.steps - 1, key=_wkey(NS, "t")
        )
        cfg = config_from_state(C, NS)
        st.plotly_chart(V.tape_figure(trace, t), key=f"{NS}.tape")
        st.caption(
            f"L = {trace.length} vectors, then the delimiter (t = {trace.delimiter}, dashed), "
            f"then L blank steps while the model answers. {trace.bits_wrong:.0f} of "
            f"{8 * trace.length} output bits wrong (chance: {chance_bits(trace.length):.0f})."
        )
        if trace.memory is not None:
            rows = {"write": int(trace.write_w[t].argmax()), "read": int(trace.read_w[t].argmax())}
            c = st.columns([3, 2])
            c[0].plotly_chart(
                V.memory_figure(
                    trace.memory[t],
                    title=f"memory after step {t}",
                    changed=A.changed_cells(trace.memory, t),
                    rows=rows,
                    height=420,
                )
            )
            c[1].dataframe(V.head_table(trace, t), width="stretch")
        curves = {n: A.training_curve(ck_) for n, (_, ck_) in models.items()}
        mark = (scrub["seen"][ck], scrub["bits"][ck]) if ck >= 0 else None
        st.plotly_chart(V.curves_figure(curves, chance_bits(10.5), mark), key=f"{NS}.curves")
        st.caption("Bits wrong per sequence, lengths 1-20, on held-out sequences while training.")
    else:
        w("my_len")
        cfg = config_from_state(C, NS)
        lengths = sorted({10, 20, 40, 80, cfg.my_len})
        nets = {n: m for n, (m, _) in models.items()}
        res = length_test(tuple(lengths), tuple(getattr(cfg, k) for k in A.ABLATIONS))
        st.plotly_chart(V.length_figure(res), key=f"{NS}.lengths")
        off = [A.ABLATIONS[k] for k in A.ABLATIONS if getattr(cfg, k)] or ["none"]
        st.caption(f"8 seeded random sequences per length. NTM switched off: {', '.join(off)}.")
        seq = A.random_sequence(cfg.my_len, 5)
        ex = {
            n: A.trace_copy(m, seq, ablation if n == "NTM" else Ablation()) for n, m in nets.items()
        }
        st.plotly_chart(V.example_figure(ex), key=f"{NS}.examples")

else:
    c = st.columns(3)
    for col, name in zip(c, ("start", "lr", "seed")):
        with col:
            w(name, **({"widget": "number"} if name == "seed" else {}))
    cfg = config_from_state(C, NS)

    def factory(c_):
        try:
            _, ck = shipped()[0]["NTM"]
        except FileNotFoundError:  # no shipped weights: train from scratch
            return NTMLiveTrainer(c_)
        return NTMLiveTrainer(c_, state=ck["state"], spec=ck["spec"])

    def render(trainer, live):
        snap = trainer.snapshot(CROWDED_PREVIEW_SECONDS if live and crowded() else PREVIEW_SECONDS)
        curve = A.Curve(seen=snap.seen, bits=snap.bits, chance=chance_bits((1 + snap.max_len) / 2))
        if live:  # one image a frame, over the live-frame channel (Pause: interactive charts)
            rgb = V.live_image({"NTM": curve}, curve.chance, snap.preview)
            png = png_bytes(rgb, stream=frame_stream(NS))
            live_image(png, "image/png", width=V.LIVE_SIZE[0])
            return
        st.plotly_chart(V.curves_figure({"NTM": curve}, curve.chance), key=f"{NS}.lc")
        st.plotly_chart(V.tape_figure(snap.preview, height=420), key=f"{NS}.lt")

    st.caption(
        "One step = one batch of 16 copy sequences (lengths 1-20; from scratch the "
        "longest length grows from 4 as the error falls)."
    )
    panel = live_panel(NS, cfg, factory, render, budget_s=0.1, max_fps=8, one_element=True)

sync_url(cfg, NS)
with st.expander("Share this experiment"):
    share_box(cfg, "ntm")
if view == "train":
    panel.loop()
