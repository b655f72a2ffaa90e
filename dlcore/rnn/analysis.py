"""What the RNN page shows, computed from a trainer or the shipped models, as frozen dataclasses.

Lecture: "Exploding and vanishing gradients", "LSTM vs. Vanilla RNN: Backpropagation",
"Recurrent Language Model". Page: pages/rnn.py (reproducible in a REPL:
`trainer = TaskTrainer(TrainSpec()); trainer.step(100)` then `flow_now(trainer)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcore.rnn.charlm import MAX_CHARS, CharLM, SentenceView, analyze, encode, shipped_models
from dlcore.rnn.gradflow import Highway, Spectrum, bound_curve, highway
from dlcore.rnn.trainer import TaskTrainer


@dataclass(frozen=True)
class FlowNow:
    labels: tuple[str, ...]
    flows: np.ndarray  # (A, T) ||dL/dh_t|| on the probe batch, now
    bound: np.ndarray  # (T,) ||dL/dh_(T-1)|| (lambda_1 gamma)^(T-1-t) for the vanilla RNN
    spectrum: Spectrum


def flow_now(trainer: TaskTrainer) -> FlowNow:
    """The latest probe (at most 9 steps old; nothing is recomputed, so live frames stay cheap)
    with the bound for the weights of that probe."""
    snap_flows = trainer.probes[-1].flow  # (A, T)
    rnn_row = next(i for i, a in enumerate(trainer.arms) if a.kind == "rnn")
    sp = trainer.probe_spectrum
    t_len = snap_flows.shape[1]
    bound = bound_curve(float(snap_flows[rnn_row, -1]), sp.lambda_1, sp.gamma, t_len)
    return FlowNow(tuple(trainer.models), snap_flows, bound, sp)


def highway_now(trainer: TaskTrainer) -> Highway:
    """Forget gates and Jacobian gains on the first probe sequence, for the current weights."""
    models = {a.kind: trainer.models[a.label].cell for a in trainer.arms}
    return highway(models["rnn"], models["lstm"], trainer.probe.x)


CHAR_WINDOW = 60  # characters the maps show (all of a longer text were unreadable)


def char_window(n: int, position: int, width: int = CHAR_WINDOW, after: int = 8) -> tuple:
    """[lo, hi) of the characters the maps show: ``width`` of them, ending ``after`` characters
    past ``position`` (those have no influence: the maps show them as zero), or all ``n``."""
    if n <= width:
        return 0, n
    hi = min(n, max(position + 1 + after, width))
    return hi - width, hi


def clicked_value(points: list, lo: float, hi: float) -> float | None:
    """The number a clicked marker carries (the first entry of its customdata: a character's
    index, a start's w), from ``st.plotly_chart`` selection points; None when no point carries
    one within [lo, hi]. A typed array arrives as {"0": value}."""
    for point in points or ():
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, dict):
            custom = [custom[k] for k in sorted(custom, key=str)]
        try:
            value = float(next(iter(custom)))
        except (TypeError, ValueError, StopIteration):
            continue
        if lo <= value <= hi:
            return value
    return None


SENTENCE_MAX = 400  # characters of a typed text that are kept (the models read the last 200)


def cut_note(n_chars: int) -> str:
    """What a student is told when a text of ``n_chars`` characters is cut to SENTENCE_MAX."""
    return f"Your text had {n_chars:,} characters: it was cut to the first {SENTENCE_MAX}."


@dataclass(frozen=True)
class SentenceReport:
    text: str  # what the models read
    message: str | None  # shown to the student (empty input, dropped characters, truncation)
    views: tuple[SentenceView, ...]  # one per shipped model; empty when nothing to analyse
    meta: dict[str, dict]  # kind -> checkpoint metadata (validation loss, steps)


def sentence_report(
    text: str,
    position: int,
    load: Callable[[], dict[str, tuple[CharLM, dict]]] = shipped_models,
) -> SentenceReport:
    """Encode the typed text (cut to its first SENTENCE_MAX characters) and analyse it with the
    three shipped models (never raises on text). ``load`` gives the models (the page passes its
    copy, loaded once per server process)."""
    notes = []
    if len(text or "") > SENTENCE_MAX:
        notes.append(cut_note(len(text)))
        text = text[:SENTENCE_MAX]
    enc = encode(text or "")
    if enc.dropped:
        shown = " ".join(repr(c) for c in enc.dropped[:10])
        notes.append(f"Characters the models do not know were left out: {shown}.")
    if enc.truncated:
        notes.append(f"Only the last {MAX_CHARS} characters are used.")
    try:
        models = load()
    except (FileNotFoundError, ValueError, RuntimeError) as err:
        msg = f"The shipped language models could not be loaded ({type(err).__name__}). "
        msg += "Create them with: python -m dlcore.pretrain rnn"
        return SentenceReport(enc.text, msg, (), {})
    meta = {k: m[1] for k, m in models.items()}
    if len(enc.ids) == 0:
        notes.insert(0, "Type a sentence (letters, spaces and simple punctuation) to see the maps.")
        return SentenceReport("", " ".join(notes), (), meta)
    pos = len(enc.ids) - 1 if position < 0 else min(position, len(enc.ids) - 1)
    views = tuple(analyze(m, enc, pos) for m, _ in models.values())
    return SentenceReport(enc.text, " ".join(notes) or None, views, meta)
