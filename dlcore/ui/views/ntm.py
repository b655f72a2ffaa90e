"""The Neural Turing Machine page's views (pages/ntm.py): the addressing playground, the
erase/add sandbox, the trained copy task, length generalisation, and training live.

The math is in dlcore/ntm (addressing.py follows Graves et al. 2014, section 3.3), the figures in
dlcore/viz/ntm.py. The shipped NTM and LSTM (assets/ntm) load once per server process.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from dlcore.ntm import analysis
from dlcore.ntm.addressing import Ablation
from dlcore.ntm.checkpoints import load_model, load_scrub, model_from_checkpoint
from dlcore.ntm.config import NTMConfig
from dlcore.ntm.live import CROWDED_PREVIEW_SECONDS, PREVIEW_SECONDS, NTMLiveTrainer
from dlcore.ntm.task import chance_bits, read_pattern
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.ui.process import process
from dlcore.viz import ntm as figures

NTMPage = Page[NTMConfig]
PATTERN_HELP = (
    "8 bits per vector (0/1), separated by spaces or new lines, up to 120 vectors. Try more "
    "than 20 vectors, longer than anything either model trained on: the NTM still copies them, "
    "the LSTM does not."
)
SHIFT_NOTE = (
    r"Shift sign convention: $\tilde w(i) = \sum_j w^g(j)\, s(i - j)$, so $s(+1) = 1$ moves "
    "the focus from location $i$ to $i + 1$ (location 7 wraps to 0). pytorch-ntm lists its "
    "three shift weights in the opposite order; the formula is the same."
)
ADDRESSING_ROWS = (
    ("beta", "gamma", "g", "prev_loc"),
    ("s_minus", "s_zero", "s_plus"),
    ("k0", "k1", "k2", "k3"),
)


# -- shared, read-only models (one copy per server process) -----------------------------
@st.cache_resource(show_spinner="Loading the shipped NTM and LSTM ...")
def shipped() -> tuple[dict, dict]:
    """{"NTM": (model, checkpoint), "LSTM": (...)} and the training scrub of the NTM."""
    return {name: load_model(name.lower()) for name in ("NTM", "LSTM")}, load_scrub()


@st.cache_resource(max_entries=32, show_spinner=False)
def snapshot_model(i: int):
    scrub = shipped()[1]
    return model_from_checkpoint(scrub, scrub["states"][i])


@st.cache_data(max_entries=64, show_spinner="Copying sequences of every length ...")
def length_test(lengths: tuple[int, ...], flags: tuple[bool, ...]) -> analysis.LengthResult:
    nets = {name: model for name, (model, _) in shipped()[0].items()}
    return analysis.length_generalization(nets, list(lengths), 8, ablation=Ablation(*flags))


@st.cache_data(max_entries=32, show_spinner=False)
def copy_trace(name: str, ck: int, seq: np.ndarray, flags: tuple[bool, ...]) -> analysis.NTMTrace:
    """Model ``name`` (the NTM at checkpoint ``ck`` >= 0, else the final model) on ``seq`` with
    the mechanisms ``flags`` switched off: computed once, not again at each move of the time
    step (a sequence of 120 vectors takes ~0.1 s)."""
    model = shipped()[0][name][0] if ck < 0 else snapshot_model(ck)
    return analysis.trace_copy(model, seq, Ablation(*flags))


@st.cache_data(max_entries=32, show_spinner=False)
def copy_tape(name: str, ck: int, seq: np.ndarray, flags: tuple[bool, ...]) -> dict:
    """The tape of ``copy_trace``'s run without a time step marked (``figures.mark_step`` boxes
    one): built once, not at each move of the time step."""
    return figures.tape_figure(copy_trace(name, ck, seq, flags)).to_dict()


@st.cache_resource(max_entries=32, show_spinner=False)
def copy_curves(ck: int):
    """The training curves of the shipped models, checkpoint ``ck`` marked (built once: the
    figure does not change with the time step; plotly_chart only reads it)."""
    models, scrub = shipped()
    curves = {name: analysis.training_curve(ckpt) for name, (_, ckpt) in models.items()}
    mark = (scrub["seen"][ck], scrub["bits"][ck]) if ck >= 0 else None
    return figures.curves_figure(curves, chance_bits(10.5), mark)


def ablation_of(cfg: NTMConfig) -> Ablation:
    return Ablation(**{k: getattr(cfg, k) for k in analysis.ABLATIONS})


# -- views ------------------------------------------------------------------------------
def addressing(page: NTMPage) -> None:
    st.markdown(
        r"A memory of $N = 8$ locations $\times$ $M = 4$ numbers. The head turns a key "
        r"$\mathbf{k}$ and four scalars ($\beta, g, \mathbf{s}, \gamma$) into a weighting "
        r"$\mathbf{w}$ over locations, in four stages. Edit the memory, move the sliders."
    )
    cfg = page.cfg
    left, right = st.columns([2, 3])
    with left:
        start = analysis.default_memory(8, 4, cfg.mem_seed)
        memory = st.data_editor(start, key=page.key(f"mem{cfg.mem_seed}"))
        memory = np.nan_to_num(np.clip(np.asarray(memory, dtype=np.float32), -9, 9))
        page.widget("mem_seed", widget="number")
    with right:
        for names in ADDRESSING_ROWS:
            page.row(*names, **{n: {"step": 1 if n == "prev_loc" else 0.05} for n in names})
    w_prev = analysis.focus_weighting(8, cfg.prev_loc, 0)
    s = analysis.shift_distribution(cfg.s_minus, cfg.s_zero, cfg.s_plus)
    key = np.array([cfg.k0, cfg.k1, cfg.k2, cfg.k3], dtype=np.float32)
    res = analysis.run_addressing(memory, key, cfg.beta, cfg.g, s, cfg.gamma, w_prev)
    page.chart(figures.addressing_figure(res, w_prev), "stages")
    with st.expander("The four stages as equations, with these numbers", expanded=True):
        for line in figures.addressing_latex(res, cfg.beta, cfg.g, s, cfg.gamma):
            st.latex(line)
    page.notice(SHIFT_NOTE, icon=":material/swap_horiz:")
    c = st.columns([2, 1])
    rows = {"w max": int(res.w.argmax())}
    page.chart(figures.memory_figure(memory, title="memory M", rows=rows), "memory", where=c[0])
    page.chart(figures.shift_figure(s), "shift", where=c[1])


def write(page: NTMPage) -> None:
    st.markdown("One write = erase, then add, at every location $i$ by its weight $w_t(i)$:")
    cfg = page.cfg
    w_write = analysis.focus_weighting(8, cfg.focus, cfg.spread)
    for line in figures.write_latex(cfg.erase, cfg.add, cfg.focus, float(w_write[cfg.focus])):
        st.latex(line)
    page.row("focus", "spread", "erase", "add")
    memory = page.get("sandbox")
    if memory is None:
        memory = analysis.default_memory(8, 4, cfg.mem_seed)
    preview = analysis.run_write(memory, w_write, cfg.erase, cfg.add)

    def apply_write() -> None:
        page.set("last_write", preview)
        page.set("sandbox", preview.after)

    def reset_memory() -> None:
        page.set("sandbox", None)
        page.set("last_write", None)

    c = st.columns([1, 1, 4])
    c[0].button("Write", icon=":material/edit:", type="primary", on_click=apply_write)
    c[1].button("Reset memory", on_click=reset_memory)
    last = page.get("last_write")
    if last is None:
        st.caption("Preview of the next write (press Write to apply it to the memory):")
        last = preview
    page.chart(figures.write_figure(last, w_write), "write")


def _models_or_stop() -> tuple[dict, dict]:
    try:
        return shipped()
    except FileNotFoundError:
        st.error("No shipped checkpoints found. Train them with `python -m dlcore.pretrain ntm`.")
        st.stop()


def _break_it(page: NTMPage) -> None:
    st.markdown("**Break it** (applies to the NTM): switch off one addressing mechanism.")
    page.row(*analysis.ABLATIONS)


def _copy_sequence(page: NTMPage) -> np.ndarray:
    cfg = page.cfg
    c = st.columns([1, 1, 2])
    with c[0]:
        page.widget("model", widget="radio")
    with c[1]:
        page.widget(
            "source", widget="radio", format_func={"random": "random", "typed": "type it"}.get
        )
    with c[2]:
        if cfg.source == "typed":
            page.widget("pattern", widget="area", help=PATTERN_HELP)
        else:
            page.widget("length")
            page.widget("seq_seed", widget="number")
    if cfg.source != "typed":
        return analysis.random_sequence(cfg.length, cfg.seq_seed)
    try:
        typed = read_pattern(cfg.pattern)
    except ValueError as err:
        st.error(f"Cannot copy this pattern: {err} Showing a random sequence instead.")
        return analysis.random_sequence(cfg.length, cfg.seq_seed)
    if typed.notice:
        page.notice(typed.notice, icon=":material/content_cut:")
    return typed.bits


def scrub_labels(scrub: dict, final_seen: int) -> dict[int, str]:
    """The scrubber's stops, left to right in training order: every snapshot taken before the
    final model, then the final model (index -1) at the right end."""
    labels = {i: f"{seen:,} sequences" for i, seen in enumerate(scrub["seen"]) if seen < final_seen}
    labels[-1] = f"final ({final_seen:,} sequences)"
    return labels


def _checkpoint(page: NTMPage, models: dict, scrub: dict) -> int:
    """The checkpoint scrubber (NTM only): -1 for the final model, else a snapshot's index."""
    if page.cfg.model != "NTM":
        return -1
    labels = scrub_labels(scrub, models["NTM"][1]["seen"])
    key = page.widget_key("ckpt")
    if st.session_state.get(key, -1) not in labels:  # a link's index past the snapshots
        st.session_state[key] = -1
    return st.select_slider(
        "Checkpoint scrubber (training progress)",
        options=list(labels),
        key=key,
        format_func=labels.get,
    )


def copy(page: NTMPage) -> None:
    models, scrub = _models_or_stop()
    _break_it(page)
    seq = _copy_sequence(page)
    ck = _checkpoint(page, models, scrub)
    cfg = page.refresh()  # the scrubber may have clamped its value
    flags = tuple(cfg.model == "NTM" and getattr(cfg, k) for k in analysis.ABLATIONS)
    trace = copy_trace(cfg.model, ck, seq, flags)
    t_key = page.widget_key("t")
    st.session_state[t_key] = min(st.session_state.get(t_key, 0), trace.steps - 1)
    t = st.slider("Time step t (highlighted in every panel)", 0, trace.steps - 1, key=t_key)
    page.refresh()
    page.chart(figures.mark_step(copy_tape(cfg.model, ck, seq, flags), t), "tape")
    st.caption(
        f"L = {trace.length} vectors, then the delimiter (t = {trace.delimiter}, dashed), "
        f"then L blank steps while the model answers. {trace.bits_wrong:.0f} of "
        f"{8 * trace.length} output bits wrong (chance: {chance_bits(trace.length):.0f})."
    )
    if trace.memory is not None:
        rows = {"write": int(trace.write_w[t].argmax()), "read": int(trace.read_w[t].argmax())}
        changed = analysis.changed_cells(trace.memory, t)
        fig = figures.memory_figure(
            trace.memory[t], title=f"memory after step {t}", changed=changed, rows=rows, height=420
        )
        c = st.columns([3, 2])
        page.chart(fig, "tape_memory", where=c[0])
        # a static table: a dataframe's canvas grid cost ~0.05 s of the browser's time a move
        c[1].table(pd.DataFrame(figures.head_table(trace, t)).set_index("quantity"))
    page.chart(copy_curves(ck), "curves")
    st.caption("Bits wrong per sequence, lengths 1-20, on held-out sequences while training.")


def length(page: NTMPage) -> None:
    models, _ = _models_or_stop()
    _break_it(page)
    page.widget("my_len")
    cfg = page.cfg
    lengths = sorted({10, 20, 40, 80, cfg.my_len})
    res = length_test(tuple(lengths), tuple(getattr(cfg, k) for k in analysis.ABLATIONS))
    page.chart(figures.length_figure(res), "lengths")
    off = [analysis.ABLATIONS[k] for k in analysis.ABLATIONS if getattr(cfg, k)] or ["none"]
    st.caption(f"8 seeded random sequences per length. NTM switched off: {', '.join(off)}.")
    seq = analysis.random_sequence(cfg.my_len, 5)
    examples = {
        name: analysis.trace_copy(model, seq, ablation_of(cfg) if name == "NTM" else Ablation())
        for name, (model, _) in models.items()
    }
    page.chart(figures.example_figure(examples), "examples")


def _live_trainer(cfg: NTMConfig) -> NTMLiveTrainer:
    try:
        _, ckpt = shipped()[0]["NTM"]
    except FileNotFoundError:  # no shipped weights: train from scratch
        return NTMLiveTrainer(cfg)
    return NTMLiveTrainer(cfg, state=ckpt["state"], spec=ckpt["spec"])


def _render_live(page: NTMPage, trainer: NTMLiveTrainer, out: LiveOut) -> None:
    every = CROWDED_PREVIEW_SECONDS if out.live and process().crowded() else PREVIEW_SECONDS
    snap = trainer.snapshot(every)
    chance = chance_bits((1 + snap.max_len) / 2)
    curve = analysis.Curve(seen=snap.seen, bits=snap.bits, chance=chance)
    if out.live:  # one image a frame (Pause: the interactive charts)
        rgb = figures.live_image({"NTM": curve}, curve.chance, snap.preview)
        out.png(rgb, width=figures.LIVE_SIZE[0])
        return
    page.chart(figures.curves_figure({"NTM": curve}, curve.chance), "live_curves")
    page.chart(figures.tape_figure(snap.preview, height=420), "live_tape")


def train(page: NTMPage) -> None:
    page.row("start", "lr", "seed", seed={"widget": "number"})
    st.caption(
        "One step = one batch of 16 copy sequences (lengths 1-20; from scratch the "
        "longest length grows from 4 as the error falls)."
    )
    render = partial(_render_live, page)
    page.live(_live_trainer, render, budget_s=0.1, max_fps=8, one_element=True)


WARM = (shipped,)  # loaded at server start (dlcore/ui/warm.py)

VIEWS: dict[str, View[NTMConfig]] = {
    "addressing": View("Addressing playground", addressing, fragment=True),
    "write": View("Erase / add sandbox", write, fragment=True),
    "copy": View("Trained copy task", copy, fragment=True),
    "length": View("Length generalisation", length, fragment=True),
    "train": View("Train live", train),
}
