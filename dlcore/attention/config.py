"""The attention page's shareable configuration (one frozen dataclass that round-trips the URL).

Field names the date trainer reads (score, lr, batch, seed, date) match DateTrainCfg; everything
else is a live view setting. Page: pages/attention.py (views: dlcore/ui/views/attention.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.attention.pointer import EXAMPLE
from dlcore.attention.scores import SCORE_LABELS, SCORES
from dlcore.config import choice, flag, ints, num, text

VIEW_CHOICES = ("dates", "pointer", "transformer")  # labels: dlcore/ui/views/attention.py
MODEL_LABELS = {**SCORE_LABELS, "none": "No attention (fixed context)"}
CHECKPOINTS = ("0", "100", "300", "final")
AGGREGATES = {
    "head": "Chosen head",
    "mean": "Mean over heads",
    "max": "Max over heads",
    "rollout": "Rollout across layers",
}
LINES = {"all": "All lines", "ab": "Only sentence A → B", "ba": "Only sentence B → A"}
FOCUS_SIDES = {"from": "what it attends to", "to": "what attends to it"}


@dataclass(frozen=True)
class AttentionConfig:
    view: str = choice("dates", VIEW_CHOICES, live=True)
    date: str = text("Fri 27 Nov 2026", max_len=5000, live=True, label="Date as a person writes it")
    score: str = choice("additive", list(SCORES), label="Scoring function")
    compare: str = choice("dot", list(MODEL_LABELS), live=True, label="Compare with")
    temperature: float = num(1.0, lo=0.05, hi=5.0, live=True, label="Temperature τ")
    checkpoint: str = choice("final", CHECKPOINTS, live=True, label="Training checkpoint (step)")
    row: int = num(0, lo=0, hi=9, live=True, label="Output position t")
    col: int = num(0, lo=0, hi=39, live=True, label="Input position s")
    lr: float = num(3e-3, lo=1e-4, hi=0.05, live=True, label="Learning rate")
    batch: int = num(64, lo=8, hi=256, label="Batch size")
    seed: int = num(0, lo=0, hi=10_000, label="Seed")
    numbers: str = text(EXAMPLE, max_len=500, live=True, label="Numbers to sort")
    sentence: str = text("The cat sat on the mat", max_len=5000, live=True, label="Sentence A")
    sentence_b: str = text("", max_len=5000, live=True, label="Sentence B (optional)")
    layer: int = num(0, lo=0, hi=5, live=True, label="Layer")
    head: int = num(0, lo=0, hi=11, live=True, label="Head")
    agg: str = choice("head", list(AGGREGATES), live=True, label="Show")
    hide_special: bool = flag(
        False,
        label="Hide [CLS]/[SEP]",
        help="Drop the special tokens' rows and columns and re-normalize every row to sum to 1.",
    )
    heads: tuple = ints(tuple(range(12)), lo=0, hi=11, max_len=12, live=True, label="Heads shown")
    lines: str = choice("all", list(LINES), live=True, label="Lines")
    focus: int = num(-1, lo=-1, hi=63, live=True, label="Focus token")
    focus_side: str = choice("from", list(FOCUS_SIDES), live=True, label="Focus shows")
    query: int = num(1, lo=0, hi=63, live=True, label="Query token (neuron view)")
